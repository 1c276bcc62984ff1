//! How diagnostics look as `dossier build` prints them: the message, the `-->` location,
//! the source line with a caret under the column, the hint and the closing count.
//!
//! `errors.rs` checks what each diagnostic says by substring; these snapshots pin the
//! layout a person reads, so a change to it shows up as a diff to review. The site's
//! temporary folder is written `[SITE]`. After a deliberate change, run the tests with
//! `INSTA_UPDATE=always` (or `cargo insta review`), read every new `.snap` under
//! `tests/it/snapshots/` and commit it only if it reads well.

use std::path::Path;

use crate::harness::SiteTest;

/// `dossier build`'s stderr for a fixture that must fail, with the machine's paths
/// replaced; `build_err` has already checked the exit status, that nothing panicked and
/// that `public/` was left alone.
fn build_stderr(site: &SiteTest) -> String {
    normalise(&site.build_err().stderr, site.root())
}

/// The site folder, as given and as the binary may resolve it (a symbolic link in the
/// temporary folder's path), becomes `[SITE]`, so the snapshot is the same on any machine.
fn normalise(text: &str, root: &Path) -> String {
    let mut text = text.to_owned();
    let resolved = root.canonicalize().ok();
    for root in resolved.iter().map(|p| p.as_path()).chain([root]) {
        text = text.replace(&root.display().to_string(), "[SITE]");
    }
    text
}

/// Snapshots the stderr of building `tests/fixtures/errors/<fixture>` as `name`; the
/// snapshot's description names the fixture, so the `.snap` file says what produced it.
fn assert_build_error(name: &str, fixture: &str) {
    let site = SiteTest::fixture(&format!("errors/{fixture}"));
    let stderr = build_stderr(&site);
    let mut settings = insta::Settings::clone_current();
    settings.set_description(format!("dossier build of tests/fixtures/errors/{fixture}"));
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, stderr));
}

/// A chart naming a column its data file lacks: at the `field`, with the nearest column.
#[test]
fn a_chart_naming_a_missing_column() {
    assert_build_error("chart_missing_column", "chart-missing-column");
}

#[test]
fn a_toml_syntax_error_in_front_matter() {
    assert_build_error("toml_front_matter", "toml-front-matter");
}

#[test]
fn an_impossible_date_in_front_matter() {
    assert_build_error("toml_date", "toml-date");
}

#[test]
fn a_template_that_does_not_parse() {
    assert_build_error("template_syntax", "template-syntax");
}

#[test]
fn an_unknown_variable_in_a_template() {
    assert_build_error("unknown_variable", "unknown-variable");
}

/// Two errors in one file: each with its own hint, then the count.
#[test]
fn links_to_missing_pages() {
    assert_build_error("missing_page_link", "missing-page-link");
}

#[test]
fn an_unknown_config_key_with_a_suggestion() {
    assert_build_error("unknown_config_key", "unknown-config-key");
}

/// The one diagnostic that prints the site's absolute path: the normalisation must hold.
#[test]
fn a_site_without_config_toml() {
    assert_build_error("missing_config", "missing-config");
}

/// The normalisation itself: both spellings of the folder become `[SITE]`, nothing else.
#[test]
fn normalise_replaces_the_site_folder_only() {
    let site = SiteTest::empty();
    let root = site.root().display().to_string();
    let text = format!("error: no config.toml in {root}\n  --> config.toml:1:1\n");
    assert_eq!(
        normalise(&text, site.root()),
        "error: no config.toml in [SITE]\n  --> config.toml:1:1\n"
    );
}
