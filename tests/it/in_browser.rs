//! The example site in headless Chromium: link previews and layout at phone width.

use std::path::Path;
use std::process::Command;

use crate::browser::{Chromium, serve};

/// Builds the repository's example site into a temporary folder.
fn example_site() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temp dir");
    let status = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg("build")
        .arg("-o")
        .arg(out.path().join("public"))
        .status()
        .expect("run dossier");
    assert!(status.success());
    out
}

fn public(dir: &tempfile::TempDir) -> std::path::PathBuf {
    Path::new(dir.path()).join("public")
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn focusing_an_internal_link_previews_the_target() {
    let site = example_site();
    let base = serve(&public(&site));
    let mut browser = Chromium::launch(1280, 900);
    browser.open(&format!("{base}/security/kursk-deployment/"));
    // The first link in the text to another analysis.
    let target = browser.eval(
        "(() => { const a = [...document.querySelectorAll('main .content a[href]')]
            .find(a => a.getAttribute('href').startsWith('/') && !a.getAttribute('href').startsWith('/security/kursk-deployment/'));
          a.focus(); return a.getAttribute('href'); })()",
    );
    let target = target.as_str().expect("an internal link").to_owned();
    browser.wait_for(
        "document.getElementById('link-preview') && !document.getElementById('link-preview').hidden",
        5,
    );
    let shown = browser.eval("document.querySelector('#link-preview strong').textContent");
    let described = browser.eval("document.activeElement.getAttribute('aria-describedby')");
    assert_eq!(described, "link-preview");
    // The preview shows the target page's own title.
    let expected = browser.eval(&format!(
        "fetch('{target}').then(r => r.text()).then(t => new DOMParser().parseFromString(t, 'text/html').querySelector('main h1').textContent.trim())"
    ));
    assert_eq!(shown, expected);
    browser.press("Escape");
    browser.wait_for("document.getElementById('link-preview').hidden", 2);
    assert!(browser.eval("document.activeElement.hasAttribute('aria-describedby')") == false);
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn no_page_scrolls_sideways_at_phone_width() {
    let site = example_site();
    let base = serve(&public(&site));
    let mut browser = Chromium::launch(375, 800);
    for path in [
        "/",
        "/security/",
        "/security/kursk-deployment/",
        "/economy/sanctions-evasion/",
        "/tags/",
        "/tags/sanctions/",
        "/graph/",
        "/404.html",
    ] {
        browser.open(&format!("{base}{path}"));
        let widths = browser.eval("[document.documentElement.scrollWidth, window.innerWidth]");
        let (scroll, inner) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        assert!(inner <= 400, "viewport is {inner} px wide");
        assert!(
            scroll <= inner,
            "{path} scrolls sideways at {inner} px: content is {scroll} px wide"
        );
    }
}
