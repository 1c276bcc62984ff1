//! The built-in theme's margin notes: a footnote's text and a citation's reference beside
//! the line that cites them, for the eye only; the notes and sources at the end unchanged.
//! (Where they show, and that none overlaps another, is in_browser.rs's to check.)

use crate::harness::*;

const BIBLIOGRAPHY: &str = "nato-2024:
  type: Web
  title: Press conference <script>alert(1)</script>
  author: NATO
  date: 2024-10-28
";

const BODY: &str = "\
First claim[^a] and a citation [@nato-2024], then the first note again[^a].

- In a list[^b].

| col |
| --- |
| In a table[^c] |

> [!NOTE]
> In a callout[^d].

[^a]: The *first* note, with [a link](https://example.org/) & an ampersand.

    And a second paragraph.
[^b]: Listed.
[^c]: Tabled.
[^d]: Called out.
";

fn site() -> SiteTest {
    SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\ngenerate_feeds = true\n[sources]\nbibliography = \"sources.yml\"\n",
        )
        .file("content/sources.yml", BIBLIOGRAPHY)
        .file("content/a.md", format!("+++\ntitle = \"A\"\ndate = 2024-11-10\n+++\n{BODY}"))
}

#[test]
fn footnotes_and_citations_in_the_text_get_a_margin_copy_for_the_eye_only() {
    let site = site();
    site.build_ok();
    let html = site.html("/a/");
    // Once per note, after its first reference; none for the table's and the callout's.
    assert_eq!(
        texts(
            &html,
            ".content p > .sidenote:not(.sidenote-cite), .content li > .sidenote"
        ),
        [
            "1 The first note, with a link & an ampersand. And a second paragraph.",
            "2 Listed."
        ]
    );
    assert_eq!(count(&html, "table .sidenote, .callout .sidenote"), 0);
    // The first reference to note 1 is followed by its copy; the second is not.
    assert_eq!(count(&html, "sup#fnref-a + .sidenote"), 1);
    assert_eq!(count(&html, "sup#fnref-a-2 + .sidenote"), 0);
    // The citation's full reference, escaped as text: the bibliography's `<script>` is
    // words, not an element.
    let cite = texts(&html, "a.citation + .sidenote-cite");
    assert_eq!(cite.len(), 1);
    assert!(cite[0].starts_with("NATO. 2024."), "{cite:?}");
    assert!(cite[0].contains("<script>alert(1)</script>"), "{cite:?}");
    assert_eq!(count(&html, ".content script"), 0);
    // Hidden from screen readers, and nothing in them takes focus: each note is met once,
    // at the end.
    assert_eq!(attrs(&html, ".sidenote", "aria-hidden"), ["true", "true", "true"]);
    assert_eq!(count(&html, ".sidenote a, .sidenote [tabindex]"), 0);
    // The notes at the end are all there, each back-link on its note's last line.
    assert_eq!(count(&html, "section.footnotes li"), 4);
    assert_eq!(
        count(
            &html,
            "section.footnotes li > p:last-of-type > a.footnote-backref"
        ),
        5
    );
    site.assert_no_broken_links();
}

#[test]
fn feeds_and_a_sites_own_templates_get_the_content_without_margin_copies() {
    let site = site();
    site.build_ok();
    let feed = site.output_text("/atom.xml");
    assert!(feed.contains("footnote-ref"), "the feed has the page's content");
    assert!(!feed.contains("sidenote"), "{feed}");

    // A Zola theme prints `page.content` as it is.
    let own = site.file(
        "templates/page.html",
        "<!doctype html><html lang=\"en\"><title>{{ page.title }}</title><main>{{ page.content | safe }}</main></html>",
    );
    own.build_ok();
    let html = own.read("public/a/index.html");
    assert!(html.contains("footnote-ref"));
    assert!(!html.contains("sidenote"), "{html}");
}
