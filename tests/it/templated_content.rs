//! Zola 0.23 sites: `zola.toml` is read as the configuration, and content holding `{{` or
//! `{%` is a Tera template rendered with the site's functions and components before its
//! Markdown is read (`skip_content_templating` leaves some files as written); errors in
//! it are reported at the author's line.

use crate::harness::*;

const FIXTURE: &str = "zola023";

#[test]
fn content_is_a_template_with_page_config_functions_and_components() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/doc/");
    assert_eq!(
        texts(&html, ".content > p")[0],
        "This page is templated, about Kursk."
    );
    // A component with a body, converted by its own template, and one inline.
    assert_eq!(texts(&html, ".content > aside.callout-warning em"), ["this"]);
    assert_eq!(texts(&html, ".content span.badge"), ["new"]);
    // Loops and raw blocks.
    assert_eq!(texts(&html, ".content > ul > li"), ["Item 1", "Item 2"]);
    assert!(texts(&html, ".content > p").contains(&"Literal {{ braces }} stay.".to_owned()));
    // `get_url` gives an absolute address on the site: a link within it, not external.
    assert_eq!(
        attrs(&html, ".content a[href^='https://example.org/']", "href"),
        ["https://example.org/other/"]
    );
    assert!(attrs(&html, ".content a[href^='https://example.org/']", "rel").is_empty());
    let other = site.html("/other/");
    assert_eq!(attrs(&other, "section.connected li a", "href"), ["/doc/"]);
}

#[test]
fn files_matching_skip_content_templating_are_left_as_written() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/raw/kept/");
    assert_eq!(
        texts(&html, ".content > p"),
        ["Text with {{ braces }} that is not a template."]
    );
}

#[test]
fn an_error_in_templated_content_is_reported_at_its_line_with_how_to_write_braces() {
    let site = SiteTest::fixture(FIXTURE).file(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\nFine.\n\nThen {{ nothing_here }}.\n",
    );
    site.build_err().assert_stderr_has(&[
        "content/bad.md:7:",
        "template error in content",
        "nothing_here",
        "{% raw %}",
    ]);
    site.write(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\nFine.\n\n{% if %}\n",
    );
    site.build_err()
        .assert_stderr_has(&["content/bad.md:7:", "template error in content"]);
}

#[test]
fn problems_in_templated_content_are_reported_at_the_line_the_author_wrote() {
    let site = SiteTest::fixture(FIXTURE).file(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\n{% for n in [1, 2, 3] %}\n- {{ n }}\n{% endfor %}\n\nA [broken](@/nowhere.md) link.\n",
    );
    site.build_err()
        .assert_stderr_has(&["content/bad.md:9:3", "link to a missing page `nowhere.md`"]);
}

#[test]
fn a_config_toml_beside_zola_toml_is_ignored_with_a_warning() {
    let site = SiteTest::fixture(FIXTURE).file("config.toml", "base_url = \"https://wrong.example/\"\n");
    let out = site.build_ok();
    out.assert_stderr_has(&["config.toml is ignored", "zola.toml"]);
    assert!(
        site.output_text("/sitemap.xml")
            .contains("https://example.org/doc/")
    );
}

#[test]
fn errors_in_zola_toml_name_zola_toml() {
    let site = SiteTest::fixture(FIXTURE);
    site.write("zola.toml", "title = \"No address\"\n");
    site.build_err()
        .assert_stderr_has(&["zola.toml has no `base_url`"]);
}
