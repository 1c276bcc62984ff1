//! Save-to-reloaded-page latency of `dossier serve` in headless Chromium.
//!
//! `cargo bench --bench reload -- [CORPUS_SITE] [EDITS]` serves a site (by default the
//! 10,000-page corpus of `benches/build.py`, `target/bench/corpus-10000/dossier`), opens
//! one analysis in Chromium scrolled half-way, and EDITS times appends a paragraph to its
//! file and waits until the browser shows the reloaded page with it. Prints the median
//! and quartiles of save → reloaded page, and checks the scroll position survived.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[allow(dead_code)]
#[path = "../tests/it/browser.rs"]
mod browser;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let site = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/bench/corpus-10000/dossier"));
    let edits: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(30);
    assert!(
        site.join("config.toml").is_file(),
        "no site at {} (run benches/build.py first)",
        site.display()
    );

    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("--root")
            .arg(&site)
            .args(["serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dossier serve"),
    );
    let mut lines = BufReader::new(server.0.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = lines.next().expect("serve stopped").expect("read stdout");
        if let Some(rest) = line.strip_prefix("Serving at ") {
            break rest.split_whitespace().next().expect("a URL").to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});

    let page = first_page(&site.join("content"));
    let rel = page
        .strip_prefix(site.join("content"))
        .expect("under content")
        .with_extension("");
    let original = std::fs::read_to_string(&page).expect("read page");
    let _restore = Restore(page.clone(), original.clone());
    let mut browser = browser::Chromium::launch(1280, 800);
    browser.open(&format!("{url}{}/", rel.display()));
    browser.eval("window.scrollTo(0, 600)");

    let mut times = Vec::new();
    for i in 0..edits {
        std::thread::sleep(Duration::from_millis(200));
        let marker = format!("reload-marker-{i}");
        browser.eval("window.__old = true");
        let start = Instant::now();
        std::fs::write(&page, format!("{original}\n\nParagraph {marker}.\n")).expect("write page");
        let ready = format!(
            "!window.__old && document.readyState !== 'loading' && document.body.textContent.includes('{marker}')"
        );
        // A page busy reloading cannot answer: that counts as not there yet.
        while browser.try_eval(&format!("!!({ready})")) != Some(serde_json::Value::Bool(true)) {
            assert!(start.elapsed() < Duration::from_secs(30), "no reload after 30 s");
            std::thread::sleep(Duration::from_millis(1));
        }
        times.push(start.elapsed());
        browser.wait_for("Math.abs(window.scrollY - 600) <= 2", 5);
    }
    drop(server);

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "save to reloaded page in Chromium ({edits} edits): median {:.1} ms, quartiles {:.1}-{:.1} ms, max {:.1} ms; scroll position kept",
        ms(times[times.len() / 2]),
        ms(times[times.len() / 4]),
        ms(times[times.len() * 3 / 4]),
        ms(times[times.len() - 1]),
    );
}

/// Stops the server however the benchmark ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Puts the edited page back however the benchmark ends.
struct Restore(PathBuf, String);

impl Drop for Restore {
    fn drop(&mut self) {
        std::fs::write(&self.0, &self.1).ok();
    }
}

/// The first analysis (not a section index) under `content`, in name order.
fn first_page(content: &std::path::Path) -> PathBuf {
    let mut dirs = vec![content.to_path_buf()];
    let mut pages = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read content").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") && !path.ends_with("_index.md") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages.into_iter().next().expect("a page")
}
