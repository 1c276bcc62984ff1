//! Multilingual sites as Zola makes them: `page.xx.md` translations, `/xx/` URLs,
//! `page.translations`, `trans`, `hreflang`, per-language lists, terms, feeds and the
//! sitemap's alternates; and each bad input as an error at its file and line.

use crate::harness::*;

fn built() -> SiteTest {
    let site = SiteTest::fixture("languages/basic");
    site.build_ok();
    site
}

#[test]
fn translations_are_under_their_language_code() {
    let site = built();
    for url in [
        "/briefs/kursk/",
        "/uk/briefs/kursk/",
        "/uk/briefs/",
        "/uk/",
        // A bundle's translation, with the bundle's files beside it.
        "/uk/briefs/grain/",
    ] {
        assert!(output_file(&site.path("public"), url).is_file(), "{url}");
    }
    assert!(site.exists("public/uk/briefs/grain/map.csv"));
    assert!(!site.exists("public/briefs/kursk.uk/index.html"));
    site.assert_no_broken_links();
}

#[test]
fn template_values_follow_the_language() {
    let site = built();
    let uk = site.html("/uk/briefs/probe/");
    assert_eq!(text(&uk, "#trans"), "Читати далі");
    assert_eq!(text(&uk, "#trans-default"), "Read more");
    assert_eq!(text(&uk, "#get-url"), "https://example.org/uk/briefs/kursk/");
    assert_eq!(text(&uk, "#get-url-plain"), "https://example.org/uk/briefs/");
    assert_eq!(text(&uk, "#get-page"), "Курська операція");
    assert_eq!(text(&uk, "#get-section"), "Огляди");
    assert_eq!(text(&uk, "#config-title"), "Досьє");
    assert_eq!(text(&uk, "#languages"), "en=Dossier;");
    assert_eq!(text(&uk, "#page-lang"), "uk");
    // Zola's shape: every language's version, itself included, the default first.
    let translations =
        "en Probe https://example.org/briefs/probe/;uk Зонд https://example.org/uk/briefs/probe/;";
    assert_eq!(text(&uk, "#translations"), translations);
    let en = site.html("/briefs/probe/");
    assert_eq!(text(&en, "#trans"), "Read more");
    assert_eq!(text(&en, "#get-section"), "Briefs");
    assert_eq!(text(&en, "#languages"), "uk=Досьє;");
    assert_eq!(text(&en, "#translations"), translations);
}

#[test]
fn the_theme_links_translations_with_hreflang_and_a_switcher() {
    let site = built();
    let uk = site.html("/uk/briefs/kursk/");
    assert_eq!(attr(&uk, "html", "lang"), "uk");
    assert_eq!(
        attrs(&uk, "link[rel=alternate][hreflang]", "hreflang"),
        ["en", "x-default", "uk"]
    );
    assert_eq!(
        attrs(&uk, "link[rel=alternate][hreflang]", "href"),
        [
            "https://example.org/briefs/kursk/",
            "https://example.org/briefs/kursk/",
            "https://example.org/uk/briefs/kursk/"
        ]
    );
    assert_eq!(attrs(&uk, ".language-switch a", "href"), ["/briefs/kursk/"]);
    assert_eq!(text(&uk, ".language-switch [aria-current]"), "UK");
    let en = site.html("/briefs/kursk/");
    assert_eq!(attr(&en, "html", "lang"), "en");
    assert_eq!(attrs(&en, ".language-switch a", "href"), ["/uk/briefs/kursk/"]);
    // A page without translations has neither.
    let alone = site.html("/briefs/only-english/");
    assert_eq!(count(&alone, ".language-switch"), 0);
    assert_eq!(count(&alone, "link[hreflang]"), 0);
}

#[test]
fn a_language_lists_and_tags_only_its_own_pages() {
    let site = built();
    let uk_links = attrs(&site.html("/uk/briefs/"), "main a", "href");
    assert!(uk_links.contains(&"/uk/briefs/kursk/".to_owned()), "{uk_links:?}");
    assert!(
        !uk_links.contains(&"/briefs/only-english/".to_owned()),
        "{uk_links:?}"
    );
    let en_links = attrs(&site.html("/briefs/"), "main a", "href");
    assert!(
        en_links.contains(&"/briefs/only-english/".to_owned()),
        "{en_links:?}"
    );
    assert!(!en_links.iter().any(|l| l.starts_with("/uk/")), "{en_links:?}");
    // Terms per language, at /uk/tags/…, only for the pages of that language.
    assert!(output_file(&site.path("public"), "/uk/tags/sanctions/").is_file());
    assert!(!output_file(&site.path("public"), "/tags/sanctions/").exists());
    assert!(!output_file(&site.path("public"), "/uk/tags/nato/").exists());
    let chips = attrs(&site.html("/uk/briefs/kursk/"), "a.chip", "href");
    assert_eq!(chips, ["https://example.org/uk/tags/sanctions/"]);
}

#[test]
fn feeds_and_the_sitemap_are_per_language() {
    let site = built();
    let uk = site.read("public/uk/atom.xml");
    assert!(uk.contains("xml:lang=\"uk\""), "{uk}");
    assert!(uk.contains("https://example.org/uk/briefs/kursk/"), "{uk}");
    // No entry of another language (its body may link to one).
    assert!(
        !uk.contains("href=\"https://example.org/briefs/only-english/\""),
        "{uk}"
    );
    assert!(!uk.contains("<id>https://example.org/briefs/kursk/</id>"), "{uk}");
    let en = site.read("public/atom.xml");
    assert!(en.contains("xml:lang=\"en\""), "{en}");
    assert!(!en.contains("/uk/"), "{en}");
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""),
        "{sitemap}"
    );
    assert!(
        sitemap.contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"uk\" href=\"https://example.org/uk/briefs/kursk/\"/>"
        ),
        "{sitemap}"
    );
    assert!(
        sitemap.contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/briefs/kursk/\"/>"
        ),
        "{sitemap}"
    );
}

#[test]
fn a_file_in_an_undeclared_language_is_an_error_naming_the_languages() {
    let site = SiteTest::fixture("languages/basic")
        .file("content/briefs/kursk.fr.md", "+++\ntitle = \"Koursk\"\n+++\n");
    let out = site.build_err();
    out.assert_stderr_has(&["content/briefs/kursk.fr.md", "`fr`", "en (the default), uk"]);
}

#[test]
fn a_missing_translation_key_is_an_error_at_the_template() {
    let site = SiteTest::fixture("languages/basic").file(
        "templates/probe.html",
        "<p>\n{{ trans(key=\"read_mor\", lang=lang) }}</p>\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&[
        "templates/probe.html:2",
        "no translation of `read_mor`",
        "did you mean `read_more`?",
    ]);
}

#[test]
fn bad_language_settings_are_errors_at_their_key() {
    let cases: &[(&str, &[&str])] = &[
        (
            "\n[languages.en]\ntitle = \"Again\"\n",
            &[
                "config.toml:20",
                "`title` of the default language `en` is set twice",
            ],
        ),
        (
            "\n[languages.de]\ntitel = \"Dossier\"\n",
            &["config.toml:20", "unknown field `titel`", "did you mean `title`?"],
        ),
        (
            "\n[languages.en_GB]\ntitle = \"Dossier\"\n",
            &["config.toml:19", "the language code `en_GB`"],
        ),
    ];
    for (extra, needles) in cases {
        let site = SiteTest::fixture("languages/basic");
        let config = site.read("config.toml");
        site.write("config.toml", format!("{config}{extra}"));
        site.build_err().assert_stderr_has(needles);
    }
}

#[test]
fn a_taxonomy_the_language_does_not_declare_is_an_error_at_the_page() {
    let site = SiteTest::fixture("languages/basic").file(
        "content/briefs/extra.uk.md",
        "+++\ntitle = \"Ще\"\n[taxonomies]\nregions = [\"Київ\"]\n+++\n",
    );
    site.build_err().assert_stderr_has(&[
        "content/briefs/extra.uk.md:4",
        "unknown taxonomy `regions` for the language `uk`",
        "[languages.uk]",
    ]);
}
