//! Search index size and query latency in headless Chromium.
//!
//! `cargo bench --bench search -- [PUBLIC_DIR]` serves a built site (by default the
//! 10,000-page corpus `benches/build.py` builds, `target/bench/corpus-10000/dossier/public`)
//! over loopback HTTP, and for each query:
//! - cold: a fresh page with an empty browser cache, so `index.json`, the shards and the
//!   result documents are all fetched;
//! - warm: the same query again in that page (what typing one more letter costs).
//!
//! The time is from calling the theme's search to having the first page of results
//! (ranked ids and the ten result documents). Prints the index's size, raw and gzipped
//! (as GitHub Pages sends it), and the median and quartiles of both latencies.

use std::io::Write;
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../tests/it/browser.rs"]
mod browser;

/// Queries of one to three words, whole words and beginnings, common and rare.
const QUERIES: &[&str] = &[
    "troops",
    "reserve",
    "sanct",
    "deployment troops",
    "corridor shipping",
    "summit treaty border",
    "logis",
    "ministry cabinet",
    "indicator",
    "artillery reserve risk",
    "envoy",
    "tech",
    "monitoring agreement",
    "confirmation",
    "rail enforcement",
    "budget economy",
    "scenario",
    "exports imports",
    "vote",
    "partner alliance",
];

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let public = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/bench/corpus-10000/dossier/public"));
    assert!(
        public.join("search/index.json").is_file(),
        "no search index under {} (run benches/build.py first)",
        public.display()
    );

    report_size(&public.join("search"));

    let base = browser::serve(&public);
    let mut browser = browser::Chromium::launch(1280, 900);
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    for query in QUERIES {
        browser.call("Network.enable", serde_json::json!({}));
        browser.call("Network.clearBrowserCache", serde_json::json!({}));
        browser.open(&format!("{base}/"));
        browser.wait_for("typeof window.dossierSearch === 'function'", 10);
        let time = |browser: &mut browser::Chromium| {
            let r = browser.eval(&format!(
                "(async () => {{ const t = performance.now(); const r = await dossierSearch({q:?});
                   return [performance.now() - t, r.total, r.titles.length]; }})()",
                q = query
            ));
            (r[0].as_f64().expect("ms"), r[1].as_u64().expect("total"))
        };
        let (c, total) = time(&mut browser);
        let (w, _) = time(&mut browser);
        println!("{query:>24}: {total:>5} results, cold {c:6.1} ms, warm {w:5.1} ms");
        cold.push(c);
        warm.push(w);
    }
    let (q1, m, q3) = quartiles(&mut cold);
    println!(
        "cold query: median {m:.1} ms (quartiles {q1:.1}–{q3:.1}), n = {}",
        cold.len()
    );
    let (q1, m, q3) = quartiles(&mut warm);
    println!(
        "warm query: median {m:.1} ms (quartiles {q1:.1}–{q3:.1}), n = {}",
        warm.len()
    );
}

fn quartiles(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

/// Sizes of the index's parts, raw and gzipped, and what a reader downloads at most for
/// one word (the largest shard).
fn report_size(search: &Path) {
    let mut parts: Vec<(&str, u64, u64, usize, u64)> = Vec::new();
    for part in ["index.json", "filters.json", "terms", "docs"] {
        let path = search.join(part);
        let files: Vec<PathBuf> = if path.is_dir() {
            std::fs::read_dir(&path)
                .expect("read dir")
                .map(|e| e.expect("entry").path())
                .collect()
        } else {
            vec![path]
        };
        let (mut raw, mut gz, mut largest) = (0, 0, 0);
        for f in &files {
            let bytes = std::fs::read(f).expect("read");
            let g = gzip_len(&bytes);
            raw += bytes.len() as u64;
            gz += g;
            largest = largest.max(g);
        }
        parts.push((part, raw, gz, files.len(), largest));
    }
    for (part, raw, gz, n, largest) in &parts {
        println!(
            "{part:>12}: {n:>6} files, {:>8.1} KiB raw, {:>8.1} KiB gzipped, largest {:.1} KiB gzipped",
            *raw as f64 / 1024.0,
            *gz as f64 / 1024.0,
            *largest as f64 / 1024.0
        );
    }
    let (raw, gz): (u64, u64) = parts.iter().fold((0, 0), |(r, g), p| (r + p.1, g + p.2));
    println!(
        "{:>12}: {:.1} MiB raw, {:.1} MiB gzipped",
        "all",
        raw as f64 / 1048576.0,
        gz as f64 / 1048576.0
    );
}

fn gzip_len(bytes: &[u8]) -> u64 {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip in memory");
    gz.finish().expect("gzip in memory").len() as u64
}
