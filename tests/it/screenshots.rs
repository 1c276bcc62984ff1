//! Screenshots of the example site's first screen at phone and desktop width, in light
//! mode, saved as PNG under target/screenshots/ for CI to keep and for a person to look at.

use crate::browser::{Chromium, serve};
use crate::harness::{example_site, target_dir};

const PAGES: &[(&str, &str)] = &[
    ("home", "/"),
    ("analysis", "/security/kursk-deployment/"),
    ("timeline", "/timeline/"),
];

/// The width and height a PNG's header gives.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" || &png[12..16] != b"IHDR" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&png[16..20]), be(&png[20..24])))
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn screenshots_of_the_home_analysis_and_timeline_pages_at_375_and_1280_px() {
    let site = example_site();
    let base = serve(&site.path().join("public"));
    let dir = target_dir().join("screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    for (width, height) in [(375, 812), (1280, 800)] {
        let mut browser = Chromium::launch(width, height);
        browser.call(
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": "light" }] }),
        );
        for (name, path) in PAGES {
            browser.open(&format!("{base}{path}"));
            browser.eval("document.fonts.ready.then(() => true)");
            // A fresh profile: no remembered choice overrides the emulated light scheme.
            assert_eq!(
                browser.eval("document.documentElement.dataset.theme || 'system'"),
                "system"
            );
            let png = browser.screenshot();
            assert_eq!(
                png_size(&png),
                Some((width, height)),
                "{path} at {width} px is not a {width}×{height} PNG"
            );
            let file = dir.join(format!("{name}-{width}.png"));
            std::fs::write(&file, &png).unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
        }
    }
}
