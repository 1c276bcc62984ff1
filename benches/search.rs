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
//! (as GitHub Pages sends it), beside the site's HTML; the bytes each cold query
//! downloads, raw and as GitHub Pages would send them (JSON gzipped; byte ranges as they
//! are, since browsers ask for them with `Accept-Encoding: identity`); and the median and
//! quartiles of both latencies. The server answers byte ranges, as GitHub Pages does.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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

    let log: browser::Log = Arc::new(Mutex::new(Vec::new()));
    let base = browser::serve_with(&public, browser::Ranges::Honoured, Some(log.clone()));
    let mut browser = browser::Chromium::launch(1280, 900);
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let mut raw_bytes = Vec::new();
    let mut sent_bytes = Vec::new();
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
        log.lock().unwrap().clear();
        let (c, total) = time(&mut browser);
        let (requests, raw, sent) = downloaded(&log);
        let (w, _) = time(&mut browser);
        println!(
            "{query:>24}: {total:>5} results, cold {c:6.1} ms, warm {w:5.1} ms, \
             {requests:>2} requests, {:6.1} KiB raw, {:6.1} KiB sent",
            raw as f64 / 1024.0,
            sent as f64 / 1024.0
        );
        cold.push(c);
        warm.push(w);
        raw_bytes.push(raw as f64 / 1024.0);
        sent_bytes.push(sent as f64 / 1024.0);
    }
    let (q1, m, q3) = quartiles(&mut raw_bytes);
    println!(
        "downloaded per cold query: median {m:.1} KiB raw (quartiles {q1:.1}–{q3:.1}, largest {:.1})",
        raw_bytes[raw_bytes.len() - 1]
    );
    let (q1, m, q3) = quartiles(&mut sent_bytes);
    println!(
        "downloaded per cold query: median {m:.1} KiB as sent (quartiles {q1:.1}–{q3:.1}, largest {:.1})",
        sent_bytes[sent_bytes.len() - 1]
    );
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

/// What the server sent since the log was cleared: requests, body bytes, and body bytes
/// as GitHub Pages would send them (a whole JSON file gzipped, anything else as it is).
fn downloaded(log: &browser::Log) -> (usize, u64, u64) {
    let log = log.lock().unwrap();
    let raw = log.iter().map(|s| s.body.len() as u64).sum();
    let sent = log
        .iter()
        .map(|s| {
            if s.status == 200 && s.path.ends_with(".json") {
                gzip_len(&s.body)
            } else {
                s.body.len() as u64
            }
        })
        .sum();
    (log.len(), raw, sent)
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
    let files: usize = parts.iter().map(|p| p.3).sum();
    println!(
        "{:>12}: {files:>6} files, {:.1} MiB raw, {:.1} MiB gzipped",
        "all",
        raw as f64 / 1048576.0,
        gz as f64 / 1048576.0
    );
    let html = search.parent().map_or(0, html_bytes);
    println!(
        "{:>12}: {:.1} MiB; the index is {:.1}% of it",
        "site's HTML",
        html as f64 / 1048576.0,
        100.0 * raw as f64 / html as f64
    );
}

/// The bytes of every HTML file under `dir`.
fn html_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            if p.is_dir() {
                html_bytes(&p)
            } else if p.extension().is_some_and(|e| e == "html") {
                std::fs::metadata(&p).map_or(0, |m| m.len())
            } else {
                0
            }
        })
        .sum()
}

fn gzip_len(bytes: &[u8]) -> u64 {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip in memory");
    gz.finish().expect("gzip in memory").len() as u64
}
