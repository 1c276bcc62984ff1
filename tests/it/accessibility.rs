//! axe-core, the accessibility engine, run in headless Chromium on the example site's
//! pages in light and dark mode: no violations. `.ci/run` installs axe-core from the npm
//! registry into target/ci-tools; the tests are ignored without Chromium.

use std::path::PathBuf;

use crate::browser::{Chromium, serve};
use crate::harness::repo_root;

/// The axe-core script `.ci/run` installs.
pub(crate) fn axe_script() -> String {
    let path: PathBuf = std::env::var_os("DOSSIER_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/ci-tools/node_modules/axe-core/axe.min.js"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read axe-core at {} ({e}); install it with \
             `npm install --prefix target/ci-tools axe-core` (.ci/run does)",
            path.display()
        )
    })
}

/// The pages the issues name: home, section, analysis, term, timeline, graph, a chart and 404.
const PAGES: &[&str] = &[
    "/",
    "/security/",
    "/security/kursk-deployment/",
    "/tags/deployment/",
    "/timeline/",
    "/judgments/",
    "/watch/",
    "/sources/",
    "/outlook/what-to-watch/",
    "/economy/sanctions-evasion/",
    "/graph/",
    "/404.html",
];

pub(crate) fn violations(browser: &mut Chromium, axe: &str) -> Vec<String> {
    browser.eval(axe);
    let found = browser.eval(
        "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v =>
            v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))",
    );
    found
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[test]
#[ignore = "needs Chromium (headless) and axe-core; run by .ci/run"]
fn axe_finds_no_violations_in_light_or_dark_mode() {
    let axe = axe_script();
    let out = tempfile::tempdir().expect("temp dir");
    let status = std::process::Command::new(crate::harness::BIN)
        .arg("--root")
        .arg(repo_root())
        .args(["build", "-o"])
        .arg(out.path().join("public"))
        .status()
        .expect("run dossier");
    assert!(status.success());
    let base = serve(&out.path().join("public"));
    let mut browser = Chromium::launch(1280, 900);
    let mut report = Vec::new();
    for scheme in ["light", "dark"] {
        browser.call(
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        );
        for page in PAGES {
            browser.open(&format!("{base}{page}"));
            for v in violations(&mut browser, &axe) {
                report.push(format!("{page} ({scheme}): {v}"));
            }
        }
    }
    assert!(report.is_empty(), "axe-core found:\n{}", report.join("\n"));
}
