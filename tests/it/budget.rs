//! Page weight: an analysis page of the example site, with the stylesheets and scripts it
//! loads, each gzipped as a server sends it, stays within a budget a slow phone
//! connection can fetch quickly.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::harness::*;

/// The budget, in bytes (60 KB) for the HTML, CSS and JavaScript of one analysis, gzipped.
const BUDGET: usize = 60_000;

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).expect("gzip in memory");
    gz.finish().expect("gzip in memory").len()
}

#[test]
fn an_analysis_page_with_its_css_and_js_is_at_most_60_kb_gzipped() {
    let site = example_site();
    let out_dir = site.path().join("public");
    let page = "/security/kursk-deployment/";
    let html_text = read_output(&out_dir, page);
    let html = parse_output(&out_dir, page);
    let mut files = vec![(page.to_owned(), html_text.into_bytes())];
    let mut assets = attrs(&html, "link[rel~=stylesheet][href]", "href");
    assets.extend(attrs(&html, "script[src]", "src"));
    assert!(assets.len() >= 3, "only {assets:?}");
    for href in assets {
        // The example site is published at the root of its domain.
        assert!(href.starts_with('/'), "{href} is not a path on the site");
        let file = output_file(&out_dir, &href);
        let bytes =
            std::fs::read(&file).unwrap_or_else(|e| panic!("{href}: cannot read {}: {e}", file.display()));
        files.push((href, bytes));
    }
    let mut table = String::new();
    let mut total = 0;
    for (url, bytes) in &files {
        let gz = gzipped_len(bytes);
        total += gz;
        table.push_str(&format!("{url:<40} {:>7} bytes, {gz:>6} gzipped\n", bytes.len()));
    }
    table.push_str(&format!(
        "{:<40} {:>22} gzipped (budget {BUDGET})\n",
        "total", total
    ));
    // Shown with --nocapture, and in the failure message.
    println!("{table}");
    assert!(total <= BUDGET, "over budget:\n{table}");
}
