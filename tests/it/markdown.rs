//! What the Markdown in a page turns into.

use crate::harness::*;

#[test]
fn headings_get_unique_ids_and_custom_ids_win() {
    let site = SiteTest::fixture("markdown/headings");
    site.build_ok();
    let html = site.html("/doc/");
    assert_eq!(
        attrs(&html, ".content :is(h2, h3)", "id"),
        [
            "key-judgments",
            "key-judgments-1",
            "custom",
            "best-case",
            "worst-case",
            "troops-at-kursk"
        ]
    );
}

#[test]
fn headings_get_anchor_links_to_themselves() {
    let site = SiteTest::fixture("markdown/headings");
    site.build_ok();
    let html = site.html("/doc/");
    assert_eq!(
        attrs(&html, ".content :is(h2, h3) a.heading-anchor", "href"),
        [
            "/doc/#key-judgments",
            "/doc/#key-judgments-1",
            "/doc/#custom",
            "/doc/#best-case",
            "/doc/#worst-case",
            "/doc/#troops-at-kursk"
        ]
    );
    // The heading's text is still just the heading.
    assert_eq!(text(&html, "h2#custom"), "Scenarios #");
}

#[test]
fn table_of_contents_lists_headings_nested_by_level() {
    let site = SiteTest::fixture("markdown/headings");
    site.build_ok();
    let html = site.html("/doc/");
    assert_eq!(
        texts(&html, "nav.toc > details > ol > li > a"),
        ["Key judgments", "Key judgments", "Scenarios", "Troops at Kursk!"]
    );
    assert_eq!(
        attrs(&html, "nav.toc > details > ol > li > a", "href"),
        [
            "#key-judgments",
            "#key-judgments-1",
            "#custom",
            "#troops-at-kursk"
        ]
    );
    assert_eq!(texts(&html, "nav.toc li li a"), ["Best case", "Worst case"]);
    assert_eq!(
        attrs(&html, "nav.toc li li a", "href"),
        ["#best-case", "#worst-case"]
    );
    // Every entry points at a heading on the page.
    let ids = attrs(&html, "[id]", "id");
    for href in attrs(&html, "nav.toc a", "href") {
        assert!(ids.contains(&href[1..].to_owned()), "{href} has no target");
    }
    site.assert_no_broken_links();
}

#[test]
fn footnotes_are_numbered_in_reference_order_with_back_links() {
    let site = SiteTest::fixture("markdown/footnotes");
    site.build_ok();
    let html = site.html("/notes/");
    // [^second] is referenced first, so it is number 1, in the text and in the list.
    assert_eq!(texts(&html, "sup.footnote-ref a"), ["1", "2", "1"]);
    assert_eq!(
        attrs(&html, "sup.footnote-ref a", "href"),
        ["#fn-second", "#fn-first", "#fn-second"]
    );
    assert_eq!(
        texts(&html, "section.footnotes li > p"),
        [
            "Defined second, referenced first. ↩ ↩",
            "Defined first, referenced second. ↩"
        ]
    );
    assert_eq!(
        attrs(&html, "section.footnotes li", "id"),
        ["fn-second", "fn-first"]
    );
    // Each reference has a back-link to it, and every link has a target.
    let refs = attrs(&html, "sup.footnote-ref", "id");
    assert_eq!(refs.len(), 3);
    let mut back: Vec<String> = attrs(&html, "a.footnote-backref", "href")
        .iter()
        .map(|h| h[1..].to_owned())
        .collect();
    back.sort();
    let mut sorted_refs = refs.clone();
    sorted_refs.sort();
    assert_eq!(back, sorted_refs);
    let ids = attrs(&html, "[id]", "id");
    for href in attrs(&html, "sup.footnote-ref a", "href") {
        assert!(ids.contains(&href[1..].to_owned()), "{href} has no target");
    }
}

#[test]
fn footnote_references_in_summaries_are_not_dead_links() {
    // The page's first paragraph, its summary, references both footnotes; the root
    // section lists the page with that summary.
    let site = SiteTest::fixture("markdown/footnotes");
    site.build_ok();
    site.assert_no_broken_links();
}

#[test]
fn tables_are_wrapped_in_a_scrolling_region() {
    let site = SiteTest::fixture("markdown/extensions");
    site.build_ok();
    let html = site.html("/ext/");
    assert_eq!(count(&html, ".content div.table-wrap > table"), 1);
    assert_eq!(count(&html, ".content table"), 1);
    assert_eq!(attr(&html, "div.table-wrap", "role"), "region");
    assert_eq!(attr(&html, "div.table-wrap", "tabindex"), "0");
    assert_eq!(texts(&html, "table th"), ["Channel", "Effect"]);
    assert_eq!(texts(&html, "table td"), ["Energy", "High"]);
}

#[test]
fn task_lists_render_disabled_checkboxes() {
    let site = SiteTest::fixture("markdown/extensions");
    site.build_ok();
    let html = site.html("/ext/");
    assert_eq!(texts(&html, ".content li"), ["Confirmed", "Pending"]);
    assert_eq!(count(&html, ".content li input[type=checkbox][disabled]"), 2);
    assert_eq!(count(&html, ".content li input[type=checkbox][checked]"), 1);
    // Each box says what it marks, for assistive technology.
    assert_eq!(
        attrs(&html, ".content li input[type=checkbox]", "aria-label").len(),
        2
    );
    assert_eq!(count(&html, ".content li:first-child input[checked]"), 1);
}

#[test]
fn strikethrough_becomes_del() {
    let site = SiteTest::fixture("markdown/extensions");
    site.build_ok();
    let html = site.html("/ext/");
    assert_eq!(texts(&html, ".content del"), ["reported"]);
}

#[test]
fn smart_punctuation_curls_quotes_and_dashes_outside_code() {
    let site = SiteTest::fixture("markdown/extensions");
    site.build_ok();
    let html = site.html("/ext/");
    let paragraphs = texts(&html, ".content p");
    assert!(
        paragraphs.contains(
            &"\u{201c}Quoted\u{201d} text \u{2013} with a dash\u{2026} and it\u{2019}s here.".to_owned()
        ),
        "{paragraphs:?}"
    );
    assert_eq!(texts(&html, ".content code"), ["\"code\" -- stays"]);
}

#[test]
fn summaries_stop_at_the_more_marker_or_after_the_first_paragraph() {
    let site = SiteTest::fixture("markdown/summary");
    site.build_ok();
    let html = site.html("/briefs/");
    assert_eq!(texts(&html, ".page-list h2 a"), ["A Marked", "B Unmarked"]);
    let summaries: Vec<Vec<String>> = ["li:nth-child(1) .summary p", "li:nth-child(2) .summary p"]
        .iter()
        .map(|css| texts(&html, &format!(".page-list > {css}")))
        .collect();
    assert_eq!(
        summaries[0],
        ["First paragraph of marked.", "Second paragraph of marked."]
    );
    assert_eq!(summaries[1], ["Only this paragraph is the summary."]);
    // The page itself has everything, and a target where the summary ends.
    let page = site.html("/briefs/marked/");
    assert_eq!(texts(&page, ".content p").last().unwrap(), "After the marker.");
    assert_eq!(count(&page, ".content #continue-reading"), 1);
    site.assert_no_broken_links();
}

/// Regression (issue 17): a `<!-- more -->` inside a quote or a list, or a quote that
/// opens a page without one, cut the summary there, leaving `<blockquote>` open on every list page that showed it (111 HTML
/// checker errors on one imported blog). The summary now takes the whole block.
#[test]
fn a_more_marker_inside_a_quote_or_a_list_ends_the_summary_after_it() {
    let site = SiteTest::fixture("markdown/summary")
        .file(
            "content/briefs/marked.md",
            "+++\ntitle = \"A Marked\"\ndate = 2024-01-02\n+++\n\n> Quoted first.\n>\n> <!-- more -->\n>\n> Still quoted.\n\nAfter the quote.\n",
        )
        .file(
            "content/briefs/unmarked.md",
            "+++\ntitle = \"B Unmarked\"\ndate = 2024-01-01\n+++\n\n- one\n- two <!-- more -->\n- three\n\nAfter the list.\n",
        )
        // No marker: the summary runs to the end of the first paragraph outside the quote.
        .file(
            "content/briefs/quoted.md",
            "+++\ntitle = \"C Quoted\"\ndate = 2023-12-31\n+++\n\n> Opening quote.\n\nFirst paragraph.\n\nSecond paragraph.\n",
        );
    site.build_ok();
    let raw = std::fs::read_to_string(site.path("public/briefs/index.html")).unwrap();
    for tag in ["blockquote", "ul", "li"] {
        let opened = raw.matches(&format!("<{tag}>")).count() + raw.matches(&format!("<{tag} ")).count();
        let closed = raw.matches(&format!("</{tag}>")).count();
        assert_eq!(opened, closed, "<{tag}> left open:\n{raw}");
    }
    // The page's "continue reading" target stays on the page: on a list page of several
    // summaries it would be an id used twice.
    assert!(!raw.contains("continue-reading"), "{raw}");
    let html = site.html("/briefs/");
    let summary = |n: usize| {
        texts(
            &html,
            &format!(".page-list > li:nth-child({n}) .summary p, .page-list > li:nth-child({n}) .summary li"),
        )
    };
    assert_eq!(summary(1), ["Quoted first.", "Still quoted."]);
    assert_eq!(summary(2), ["one", "two", "three"]);
    assert_eq!(summary(3), ["Opening quote.", "First paragraph."]);
}

#[test]
fn code_is_highlighted_with_classes_and_unknown_languages_are_escaped() {
    let site = SiteTest::fixture("markdown/code");
    site.build_ok();
    let html = site.html("/code/");
    assert_eq!(
        attrs(&html, "pre.code", "data-lang"),
        ["rust", "toml", "no-such-language"]
    );
    assert_eq!(
        attrs(&html, "pre.code > code", "class"),
        ["language-rust", "language-toml", "language-no-such-language"]
    );
    for lang in ["rust", "toml"] {
        let spans = count(&html, &format!("pre[data-lang={lang}] span[class^=\"hl-\"]"));
        assert!(spans > 2, "{lang} is not highlighted");
        let classes = attrs(&html, &format!("pre[data-lang={lang}] span"), "class");
        assert!(
            classes.iter().all(|c| c.split(' ').all(|c| c.starts_with("hl-"))),
            "{classes:?}"
        );
    }
    assert_eq!(
        text(&html, "pre[data-lang=rust]"),
        "fn main() { println!(\"hi\"); }"
    );
    assert_eq!(text(&html, "pre[data-lang=toml]"), "answer = 42");
    let plain = "pre[data-lang=no-such-language]";
    assert_eq!(count(&html, &format!("{plain} span, {plain} b")), 0);
    assert_eq!(text(&html, plain), "<b>not bold</b> & done");
    let raw = site.output_text("/code/");
    assert!(raw.contains("&lt;b&gt;not bold&lt;/b&gt; &amp; done"), "{raw}");
}

#[test]
fn syntax_stylesheets_are_written_and_linked() {
    let site = SiteTest::fixture("markdown/code");
    site.build_ok();
    for file in ["syntax-light.css", "syntax-dark.css"] {
        let css = site.read(&format!("public/{file}"));
        assert!(css.contains(".hl-"), "{file} has no hl- rules");
    }
    assert_ne!(
        site.read("public/syntax-light.css"),
        site.read("public/syntax-dark.css")
    );
    // Pages link the one stylesheet holding both, each scoped to its case.
    let combined = site.read("public/syntax.css");
    assert!(
        combined.contains("@media (prefers-color-scheme: dark)"),
        "{combined}"
    );
    assert!(
        combined.contains(":root[data-theme=\"light\"] .hl-"),
        "{combined}"
    );
    let html = site.html("/code/");
    assert_eq!(
        attrs(&html, "link[rel=stylesheet]", "href"),
        ["/style.css", "/syntax.css"]
    );
}

#[test]
fn an_image_alone_in_a_paragraph_is_a_figure_with_its_title_as_caption_and_a_credit() {
    let site = SiteTest::fixture("markdown/figures");
    site.build_ok();
    let html = site.html("/briefs/front/");
    assert_eq!(count(&html, ".content > figure"), 3);
    assert_eq!(count(&html, ".content p figure, .content figure p"), 0);
    assert_eq!(
        attrs(&html, ".content figure > img", "alt"),
        [
            "Map of the front line near Kursk",
            "Map of the front line near Kursk",
            ""
        ]
    );
    assert_eq!(
        texts(&html, ".content figure > figcaption"),
        [
            "The front line on 1 November Credit: Open-source mapping, as published",
            "No alt text"
        ]
    );
    assert_eq!(
        texts(&html, "figcaption > small.credit"),
        ["Credit: Open-source mapping, as published"]
    );
    // The caption is shown once, not also as a tooltip; the credit loses its emphasis.
    assert_eq!(count(&html, ".content figure img[title], figcaption em"), 0);
    site.assert_no_broken_links();
}

#[test]
fn images_in_text_stay_inline_and_every_image_loads_lazily() {
    let site = SiteTest::fixture("markdown/figures");
    site.build_ok();
    let html = site.html("/briefs/front/");
    assert_eq!(attrs(&html, ".content p > img", "alt"), ["a small map"]);
    let images = count(&html, ".content img");
    assert_eq!(images, 4);
    assert_eq!(count(&html, ".content img[loading=lazy][decoding=async]"), images);
}

#[test]
fn an_image_without_alt_text_is_a_warning_at_its_line() {
    let site = SiteTest::fixture("markdown/figures");
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "the image `map.svg` has no alt text",
        "content/briefs/front/index.md:14:1",
    ]);
    assert_eq!(out.stderr.matches("has no alt text").count(), 1, "{out}");
}

#[test]
fn a_pull_quote_is_hidden_from_screen_readers_and_its_links_are_text_with_a_warning() {
    let site = SiteTest::fixture("markdown/pullquotes");
    let out = site.build_ok();
    let html = site.html("/quote/");
    assert_eq!(
        texts(&html, ".content > aside.pullquote[aria-hidden=true]"),
        ["The political effect is already large.", "Confirmed by NATO."]
    );
    // Nothing hidden from screen readers may take focus.
    assert_eq!(
        count(
            &html,
            "aside.pullquote :is(a, button, input, select, textarea, [tabindex])"
        ),
        0
    );
    assert_eq!(attrs(&html, ".content a", "href"), ["https://www.nato.int/"]);
    out.assert_stderr_has(&[
        "the link to `https://www.nato.int/` in a pull quote is shown as plain text",
        "content/quote.md:13",
    ]);
}

#[test]
fn external_link_options_mark_external_links_and_keep_their_addresses_exact() {
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n[markdown]\nexternal_links_target_blank = true\nexternal_links_no_follow = true\nexternal_links_no_referrer = true\n",
        )
        .file(
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\nSee [the report](https://example.com/r?x=1&y=2 \"Q&A \\\"x\\\"\") and [B](@/b.md).\n",
        )
        .file("content/b.md", "+++\ntitle = \"B\"\n+++\nB.\n");
    site.build_ok();
    let html = site.html("/a/");
    assert_eq!(
        attrs(&html, ".content a[target]", "href"),
        ["https://example.com/r?x=1&y=2"]
    );
    assert_eq!(
        attrs(&html, ".content a[target]", "rel"),
        ["noopener nofollow noreferrer external"]
    );
    assert_eq!(attrs(&html, ".content a[target]", "title"), ["Q&A \"x\""]);
    assert_eq!(attrs(&html, ".content a[target]", "target"), ["_blank"]);
    // Links within the site are left as they are.
    assert_eq!(attrs(&html, ".content a:not([target])", "href"), ["/b/"]);
    assert!(attrs(&html, ".content a:not([target])", "rel").is_empty());
}

#[test]
fn external_links_get_rel_external_by_default_and_a_class_when_configured() {
    let page = "+++\ntitle = \"A\"\n+++\nSee [the report](https://example.com/r) and [B](@/b.md).\n";
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
        )
        .file("content/a.md", page)
        .file("content/b.md", "+++\ntitle = \"B\"\n+++\nB.\n");
    site.build_ok();
    let html = site.html("/a/");
    assert_eq!(attrs(&html, ".content a[rel]", "href"), ["https://example.com/r"]);
    assert_eq!(attrs(&html, ".content a[rel]", "rel"), ["external"]);

    site.write(
        "config.toml",
        "base_url = \"https://example.org/\"\ntitle = \"T\"\n[markdown]\nexternal_links_class = \"ext\"\nexternal_links_external = false\n",
    );
    site.build_ok();
    let html = site.html("/a/");
    assert_eq!(attrs(&html, ".content a.ext", "href"), ["https://example.com/r"]);
    assert!(attrs(&html, ".content a[rel]", "rel").is_empty());
    assert_eq!(attrs(&html, ".content a:not(.ext)", "href"), ["/b/"]);
}

/// A summary shows under each page's title on list pages: its headings go one level
/// down, and lose their ids (which are the page's) and their links to themselves.
#[test]
fn a_summary_s_headings_are_demoted_without_ids_on_list_pages() {
    let page = |title: &str, date: &str| {
        format!(
            "+++\ntitle = \"{title}\"\ndate = {date}\n+++\n\n- one\n\n## Findings\n\nText.\n\n<!-- more -->\n\nRest.\n"
        )
    };
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
        )
        .file(
            "content/_index.md",
            "+++\ntitle = \"Home\"\nsort_by = \"date\"\n+++\n",
        )
        .file("content/a.md", page("A", "2024-01-01"))
        .file("content/b.md", page("B", "2024-01-02"));
    site.build_ok();
    let home = site.html("/");
    assert_eq!(texts(&home, ".summary h3"), ["Findings", "Findings"]);
    assert_eq!(count(&home, ".summary h2"), 0);
    assert_eq!(count(&home, ".summary [id]"), 0);
    assert_eq!(count(&home, ".summary .heading-anchor"), 0);
    // The page itself keeps its heading, id and anchor.
    let a = site.html("/a/");
    assert_eq!(attrs(&a, ".content h2", "id"), ["findings"]);
}
