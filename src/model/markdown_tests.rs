//! The Markdown pass over a document of a small site: the parser and the model's link
//! resolution (`link_targets`) together, as a build runs them.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::config::{AnchorLinks, MarkdownConfig};
use crate::model::link_targets::{LinkTargets, convert};
use crate::parse::highlight::Highlighter;
use crate::parse::markdown::{Converted, Doc, LinkKind};
use crate::parse::wikilinks::WikiIndex;

fn convert_str(body: &str) -> Converted {
    let config = MarkdownConfig::default();
    let highlighter = Highlighter::new(true);
    let mut urls = HashMap::new();
    urls.insert("security/kursk.md".to_owned(), "/security/kursk/".to_owned());
    let broken = HashSet::new();
    let drafts = HashMap::from([("security/draft.md".to_owned(), "Draft".to_owned())]);
    let mut wiki = WikiIndex::default();
    wiki.add("security/kursk.md", "Kursk deployment", "kursk");
    wiki.finish();
    let paths: HashMap<String, String> = urls.iter().map(|(k, v)| (v.clone(), k.clone())).collect();
    let unrendered = HashSet::from(["security/hidden.md".to_owned()]);
    urls.insert("security/hidden.md".to_owned(), "/security/hidden/".to_owned());
    let env = LinkTargets {
        config: &config,
        highlighter: &highlighter,
        urls: &urls,
        broken: &broken,
        drafts: &drafts,
        wiki: crate::model::link_targets::Wiki::Made(&wiki),
        paths: &paths,
        unrendered: &unrendered,
        sources: None,
        bibliography_failed: false,
        severity: crate::diagnostic::Severity::Error,
        relative_severity: crate::diagnostic::Severity::Error,
        folded: &HashMap::new(),
        calls: crate::parse::markdown::Calls::Text,
        origin: "https://x.org",
        base_path: "/",
        charts: &crate::charts::Files::none(),
    };
    let doc = Doc {
        display_path: Path::new("content/a.md"),
        text: body,
        body,
        body_offset: 0,
        content_path: "economy/a.md",
        permalink: "https://x.org/economy/a/",
        url_path: "/economy/a/",
        anchors: AnchorLinks::Right,
        words: crate::words::Lookup::english(),
    };
    convert(&doc, &env)
}

#[test]
fn headings_get_unique_ids_and_custom_ids_win() {
    let r = convert_str("## Troops at Kursk\n\n## Troops at Kursk\n\n## Scenarios {#scenarios}\n");
    assert!(r.content.contains("<h2 id=\"troops-at-kursk\">"), "{}", r.content);
    assert!(r.content.contains("<h2 id=\"troops-at-kursk-1\">"));
    assert!(r.content.contains("<h2 id=\"scenarios\">"));
    assert_eq!(r.toc.len(), 3);
    assert_eq!(r.toc[2].permalink, "https://x.org/economy/a/#scenarios");
}

#[test]
fn toc_nests_by_level() {
    let r = convert_str("## A\n\n### A1\n\n### A2\n\n## B\n");
    assert_eq!(r.toc.len(), 2);
    assert_eq!(r.toc[0].children.len(), 2);
}

#[test]
fn footnotes_are_numbered_with_backlinks() {
    let r = convert_str("One[^b] two[^a].\n\n[^a]: First def.\n[^b]: Second def.\n");
    let c = &r.content;
    assert!(
        c.contains("href=\"#fn-b\" role=\"doc-noteref\" aria-label=\"Footnote 1\">1</a>"),
        "{c}"
    );
    assert!(
        c.contains("href=\"#fn-a\" role=\"doc-noteref\" aria-label=\"Footnote 2\">2</a>"),
        "{c}"
    );
    // Listed in order of first reference, each pointing back.
    let b = c.find("id=\"fn-b\"").unwrap();
    let a = c.find("id=\"fn-a\"").unwrap();
    assert!(b < a);
    assert!(c.contains("href=\"#fnref-a\""));
}

#[test]
fn internal_links_resolve_and_missing_ones_are_errors() {
    let r = convert_str("See [k](@/security/kursk.md#scenarios) and [m](@/security/kurks.md).\n");
    assert!(
        r.content.contains("href=\"/security/kursk/#scenarios\""),
        "{}",
        r.content
    );
    assert_eq!(r.anchor_refs.len(), 1);
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(
        r.diagnostics[0].hint.as_deref(),
        Some("did you mean `@/security/kursk.md`?")
    );
    assert_eq!(r.diagnostics[0].location.as_ref().unwrap().line, Some(1));
}

#[test]
fn relative_links_are_made_absolute_so_summaries_work_elsewhere() {
    let r =
        convert_str("[d](data.csv) ![c](img/chart.png) [u](../b/) [x](https://a.org/y) [m](mailto:a@b.c)\n");
    let c = &r.content;
    assert!(c.contains("href=\"/economy/a/data.csv\""), "{c}");
    assert!(c.contains("src=\"/economy/a/img/chart.png\""), "{c}");
    assert!(c.contains("href=\"/economy/b/\""), "{c}");
    assert!(c.contains("href=\"https://a.org/y\""), "{c}");
    assert!(c.contains("href=\"mailto:a@b.c\""), "{c}");
}

#[test]
fn summaries_leave_out_footnote_references() {
    let r = convert_str("Claim.[^1]\n\n[^1]: Source.\n");
    assert!(!r.summary.unwrap().contains("fn-1"));
    assert!(r.content.contains("fn-1"));
}

#[test]
fn wikilinks_resolve_and_show_titles() {
    let r = convert_str("See [[security/kursk]] and [[Kursk deployment#Battle Plans|the plans]].\n");
    let c = &r.content;
    assert!(
        c.contains("<a href=\"/security/kursk/\">Kursk deployment</a>"),
        "{c}"
    );
    assert!(
        c.contains("<a href=\"/security/kursk/#battle-plans\">the plans</a>"),
        "{c}"
    );
    assert_eq!(r.anchor_refs[0].anchor, "battle-plans");
    assert_eq!(r.links.len(), 2);
    assert_eq!(r.links[0].kind, LinkKind::Wikilink);
    let r = convert_str("[[Kursk deploymnt]]\n");
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(
        r.diagnostics[0].hint.as_deref(),
        Some("did you mean `Kursk deployment`?")
    );
}

#[test]
fn plain_site_urls_count_as_links() {
    let r = convert_str("[k](/security/kursk/#x) [n](/nowhere/)\n");
    assert_eq!(r.links.len(), 1);
    assert_eq!(r.links[0].target, "security/kursk.md");
}

#[test]
fn links_to_unrendered_pages_are_errors() {
    let r = convert_str("[h](@/security/hidden.md)\n");
    assert_eq!(r.diagnostics.len(), 1);
    assert!(r.diagnostics[0].message.contains("render = false"));
}

#[test]
fn links_to_drafts_are_errors() {
    let r = convert_str("[d](@/security/draft.md) and [[Draft]]\n");
    assert_eq!(r.diagnostics.len(), 2, "{:?}", r.diagnostics);
    assert!(r.diagnostics[0].message.contains("draft"));
}

#[test]
fn links_carry_the_sentence_around_them() {
    let long = "Filler words here. ".repeat(20);
    let r = convert_str(&format!(
        "{long}The key point is [this](@/security/kursk.md) one. More filler after.\n\n- item with [[Kursk deployment]]\n"
    ));
    assert_eq!(r.links.len(), 2);
    assert_eq!(r.links[0].excerpt, "The key point is this one.");
    assert_eq!(r.links[1].excerpt, "item with Kursk deployment");
}

#[test]
fn excerpts_in_a_long_paragraph_stay_near_their_link() {
    // One paragraph without sentences: each excerpt is the words before and after its
    // link, not the paragraph's start (which would cost the paragraph's length each).
    let body: String = (0..400).map(|i| format!("w{i} [[Kursk deployment]] ")).collect();
    let r = convert_str(&body);
    assert_eq!(r.links.len(), 400);
    let last = &r.links[399].excerpt;
    assert!(
        last.starts_with('…') && last.contains("w399 Kursk deployment"),
        "{last}"
    );
    assert!(last.chars().count() <= 302, "{last}");
    assert!(r.links[0].excerpt.starts_with("w0 Kursk deployment"));
}

#[test]
fn a_footnote_defined_twice_keeps_its_first_definition() {
    let r = convert_str("A[^n] b[^n].\n\n[^n]: First.\n\n[^n]: Second.\n");
    assert!(r.content.contains("First."), "{}", r.content);
    assert!(!r.content.contains("Second."), "{}", r.content);
    assert_eq!(r.content.matches("footnote-backref").count(), 2);
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert!(!r.diagnostics[0].is_error());
    assert_eq!(r.diagnostics[0].location.as_ref().unwrap().line, Some(5));
}

#[test]
fn many_headings_with_one_text_count_on() {
    let r = convert_str(&"## Same\n\n## Same-2\n\n".repeat(3));
    let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        ["same", "same-2", "same-1", "same-2-1", "same-3", "same-2-2"]
    );
}

#[test]
fn links_in_headings_and_footnotes_resolve() {
    let r = convert_str(
        "## About [k](@/security/kursk.md)\n\nText.[^1]\n\n[^1]: See [k](@/security/kursk.md).\n",
    );
    assert!(!r.content.contains("@/"), "{}", r.content);
    assert_eq!(r.toc[0].title, "About k");
    assert_eq!(r.links.len(), 2);
    assert_eq!(r.links[0].excerpt, "About k");
}

#[test]
fn relative_md_links_resolve() {
    let r = convert_str("[k](../security/kursk.md)\n");
    assert!(r.content.contains("href=\"/security/kursk/\""), "{}", r.content);
}

#[test]
fn summary_stops_at_more_marker_or_first_paragraph() {
    let r = convert_str("First.\n\nSecond.\n\n<!-- more -->\n\nThird.\n");
    let s = r.summary.unwrap();
    assert!(s.contains("Second.") && !s.contains("Third."), "{s}");
    let r = convert_str("First.\n\nSecond.\n");
    let s = r.summary.unwrap();
    assert!(s.contains("First.") && !s.contains("Second."), "{s}");
}

#[test]
fn tables_scroll_and_words_count() {
    let r = convert_str("| a | b |\n|---|---|\n| 1 | 2 |\n\nfour words are here\n");
    assert!(r.content.contains("<div class=\"table-wrap\""));
    assert_eq!(r.word_count, 8);
}

#[test]
fn smart_punctuation_and_strikethrough() {
    let r = convert_str("\"quoted\" -- ~~gone~~\n");
    assert!(r.content.contains("“quoted”"), "{}", r.content);
    assert!(r.content.contains("<del>gone</del>"));
}

#[test]
fn callouts_from_github_markers_and_dossier_kinds() {
    let r = convert_str("> [!NOTE]\n> Watch the **rail** links.\n");
    assert!(
        r.content.contains(
            "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Note</p>"
        ),
        "{}",
        r.content
    );
    assert!(
        r.content
            .contains("<p>Watch the <strong>rail</strong> links.</p>\n</div>"),
        "{}",
        r.content
    );
    assert!(!r.content.contains("blockquote"));

    let r = convert_str(
        "> [!KEY JUDGMENT] Troop numbers\n> We assess that [the brief](@/security/kursk.md) holds.\n",
    );
    assert!(r.content.contains("callout-key-judgment"), "{}", r.content);
    assert!(
        r.content.contains("<p class=\"callout-title\">Troop numbers</p>"),
        "{}",
        r.content
    );
    assert!(
        r.content
            .contains("<p><span class=\"judgment-anchor\" id=\"judgment-1\"></span>We assess that <a href=\"/security/kursk/\">the brief</a> holds.</p>"),
        "{}",
        r.content
    );
    assert!(!r.content.contains("[!"), "{}", r.content);
    // Links inside a callout are links of the page.
    assert_eq!(r.links.len(), 1);

    let r = convert_str("> [!assessment]\n>\n> Two <b>paragraphs</b>.\n>\n> Second.\n");
    assert!(
        r.content
            .contains("<p class=\"callout-title\">Assessment</p>\n<p>Two"),
        "{}",
        r.content
    );

    // A plain quote stays a quote.
    let r = convert_str("> Not a callout.\n");
    assert!(r.content.contains("<blockquote>"), "{}", r.content);
}

#[test]
fn an_unknown_callout_is_an_error_with_a_suggestion() {
    let r = convert_str("Intro.\n\n> [!KEY JUDGEMNT]\n> Text.\n");
    let d = r.diagnostics.first().expect("an error");
    assert!(
        d.message.contains("unknown callout `[!KEY JUDGEMNT]`"),
        "{}",
        d.message
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `[!KEY JUDGEMENT]`?"));
    assert_eq!(d.location.as_ref().unwrap().line, Some(3));
}

#[test]
fn an_image_alone_in_its_paragraph_is_a_figure_with_caption_and_credit() {
    let r = convert_str(
        "![Reported estimates, by source](chart.svg \"Estimates rose through October\")\n*Credit: [NIS](@/security/kursk.md) and US officials*\n",
    );
    assert_eq!(
        r.content,
        "<figure>\n<img src=\"/economy/a/chart.svg\" alt=\"Reported estimates, by source\" loading=\"lazy\" decoding=\"async\">\n\
         <figcaption>Estimates rose through October <small class=\"credit\">Credit: <a href=\"/security/kursk/\">NIS</a> and US officials</small></figcaption>\n</figure>\n"
    );
    // The credit's link is a link of the page, with the figure's text around it.
    assert_eq!(r.links.len(), 1);
    assert!(r.links[0].excerpt.contains("Estimates rose"), "{:?}", r.links);

    let r = convert_str("![A map](map.png)\n");
    assert!(r.content.starts_with("<figure>\n<img"), "{}", r.content);
    assert!(!r.content.contains("figcaption"), "{}", r.content);

    let r = convert_str("![A map](map.png)\n_Source: ISW_\n");
    assert!(
        r.content
            .contains("<figcaption><small class=\"credit\">Source: ISW</small></figcaption>"),
        "{}",
        r.content
    );
}

#[test]
fn images_among_text_stay_inline_and_load_lazily() {
    let r =
        convert_str("See ![the map](map.png \"Front line\") here.\n\n![A map](map.png)\n*Photo: someone*\n");
    assert!(
        r.content.contains(
            "<p>See <img src=\"/economy/a/map.png\" alt=\"the map\" title=\"Front line\" loading=\"lazy\" decoding=\"async\"> here.</p>"
        ),
        "{}",
        r.content
    );
    // Not a credit line, so not a figure.
    assert!(!r.content.contains("<figure>"), "{}", r.content);
    assert!(r.content.contains("<em>Photo: someone</em>"), "{}", r.content);
}

#[test]
fn pull_quotes_are_hidden_from_screen_readers_and_hold_nothing_focusable() {
    let r = convert_str("Words one two.\n\n> [!PULLQUOTE]\n> The *political* effect is large.\n");
    assert_eq!(
        r.content,
        "<p>Words one two.</p>\n<aside class=\"pullquote\" aria-hidden=\"true\">\n<p>The <em>political</em> effect is large.</p>\n</aside>\n"
    );
    // The quote repeats the article: its words are not counted again.
    assert_eq!(r.word_count, 3);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);

    // Text after the marker starts the quote.
    let r = convert_str("> [!pull-quote] The political effect\n> is large.\n");
    assert!(
        r.content.contains("<p>The political effect\nis large.</p>"),
        "{}",
        r.content
    );
    let r = convert_str("> [!PULLQUOTE] Short.\n");
    assert!(r.content.contains("<p>Short.</p>\n</aside>"), "{}", r.content);

    let r = convert_str(
        "> [!PULLQUOTE]\n> See [the brief](@/security/kursk.md), [[Kursk deployment]] and <https://a.org>.[^1]\n>\n> ## Heading\n\n[^1]: Note.\n",
    );
    assert!(!r.content.contains("<a "), "{}", r.content);
    assert!(
        r.content
            .contains("<p>See the brief, Kursk deployment and https://a.org.</p>"),
        "{}",
        r.content
    );
    assert!(r.content.contains("<h2>Heading</h2>"), "{}", r.content);
    assert!(r.toc.is_empty());
    assert!(r.links.is_empty(), "{:?}", r.links);
    let warnings: Vec<&str> = r.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        warnings,
        [
            "the link to `@/security/kursk.md` in a pull quote is shown as plain text",
            "the link to `Kursk deployment` in a pull quote is shown as plain text",
            "the link to `https://a.org` in a pull quote is shown as plain text",
            "the footnote reference [^1] in a pull quote is left out",
        ]
    );
    assert!(r.diagnostics.iter().all(|d| !d.is_error()));
    assert_eq!(r.diagnostics[0].location.as_ref().unwrap().line, Some(2));
}

#[test]
fn an_image_without_alt_text_is_a_warning() {
    let r = convert_str("Text.\n\n![](map.png)\n\n![The front line in November](front.png)\n");
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    let d = &r.diagnostics[0];
    assert!(!d.is_error());
    assert!(d.message.contains("`map.png` has no alt text"), "{}", d.message);
    assert_eq!(d.location.as_ref().unwrap().line, Some(3));
}

#[test]
fn the_plain_text_keeps_blocks_apart_and_their_parts_together() {
    let r = convert_str(
        "## Key judgments\n\nThe rotation is\nlikely.\n\n- one *item*\n- two\n\n| a | b |\n| - | - |\n| c | d |\n",
    );
    assert_eq!(
        r.text,
        "Key judgments\nThe rotation is likely.\none item\ntwo\na\nb\nc\nd"
    );
}
