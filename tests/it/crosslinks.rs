//! Links between documents: every form of internal link and `[[wikilink]]`, the errors
//! they can raise, backlinks and related analyses (one "Connected analyses" list), per-term Atom feeds and
//! the `backlinks(path=…)` / `related(path=…)` template functions.

use std::path::Path;
use std::process::Command;

use crate::harness::*;

/// (link text, href) of every element matching `css`.
fn links(html: &scraper::Html, css: &str) -> Vec<(String, String)> {
    texts(html, css)
        .into_iter()
        .zip(attrs(html, css, "href"))
        .collect()
}

/// `href` as a browser on the page at `page` would follow it: the URL path, plus the
/// fragment if any (`#h` on `/a/` → `/a/#h`).
fn followed(page: &str, href: &str) -> String {
    let path = resolve(page, href).unwrap_or_else(|| href.to_owned());
    match href.split_once('#') {
        Some((_, fragment)) => format!("{path}#{fragment}"),
        None => path,
    }
}

/// (link text, followed href) of every element matching `css` on the page at `page`.
fn followed_links(html: &scraper::Html, css: &str, page: &str) -> Vec<(String, String)> {
    links(html, css)
        .into_iter()
        .map(|(t, h)| (t, followed(page, &h)))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// 1. Link forms

/// The links in the list of the usage page, in order.
const LINK_FORMS: &[(&str, &str)] = &[
    ("abs", "/a/b/"),
    ("abs-anchor", "/a/b/#some-heading"),
    ("relative", "/a/b/"),
    // Wikilinks without a `|` show the target's title.
    ("Kursk Deployment", "/a/b/"),
    ("Kursk Deployment", "/a/b/"),
    ("Kursk Deployment", "/a/b/"),
    ("Kursk Deployment", "/a/b/"),
    ("shown", "/a/b/#some-heading"),
    // A heading of the page itself (written as `#…` or with the page's path).
    ("Local Heading", "/notes/usage/#local-heading"),
    ("Section A", "/a/"),
];

#[test]
fn every_link_form_resolves_to_the_right_href() {
    let site = SiteTest::fixture("crosslinks/link-forms");
    site.build_ok();
    let html = site.html("/notes/usage/");
    assert_eq!(
        followed_links(&html, ".content > ul > li > a", "/notes/usage/"),
        pairs(LINK_FORMS)
    );
    // A wikilink in a heading resolves, and the heading's id uses the shown title.
    assert_eq!(
        links(
            &html,
            ".content h2#about-kursk-deployment > a:not(.heading-anchor)"
        ),
        pairs(&[("Kursk Deployment", "/a/b/")])
    );
    // So does a link in a footnote.
    assert_eq!(
        links(&html, ".footnotes li > p > a:not(.footnote-backref)"),
        pairs(&[("the note", "/a/b/#some-heading")])
    );
    let content = site.read("public/notes/usage/index.html");
    assert!(!content.contains("@/"), "an unresolved @/ link is left");
    assert!(!content.contains("[["), "an unresolved wikilink is left");
    site.assert_no_broken_links();
}

#[test]
fn every_link_form_gets_the_base_path_under_a_subpath() {
    let site = SiteTest::fixture("crosslinks/link-forms");
    site.run(&["build", "--base-url", "https://user.github.io/repo/"])
        .assert_success();
    let html = site.html("/notes/usage/");
    let expected: Vec<(String, String)> = LINK_FORMS
        .iter()
        .map(|(text, href)| (text.to_string(), format!("/repo{href}")))
        .collect();
    assert_eq!(
        followed_links(&html, ".content > ul > li > a", "/repo/notes/usage/"),
        expected
    );
    // Every link in the content is under the base path (or a fragment of the page).
    for href in attrs(&html, ".content a", "href") {
        assert!(href.starts_with("/repo/") || href.starts_with('#'), "{href}");
    }
    assert_eq!(
        attrs(
            &html,
            ".content h2#about-kursk-deployment > a:not(.heading-anchor)",
            "href"
        ),
        ["/repo/a/b/"]
    );
    assert_eq!(
        attrs(&html, ".footnotes li > p > a:not(.footnote-backref)", "href"),
        ["/repo/a/b/#some-heading"]
    );
    let broken = broken_links(&site.path("public"), "https://user.github.io/repo/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn local_heading_link_in_a_summary_points_at_its_page_on_list_pages() {
    let site = SiteTest::fixture("crosslinks/summary-local-link");
    site.build_ok();
    let expected = pairs(&[
        ("Details", "/notes/page/#details"),
        ("the details", "/notes/page/#details"),
    ]);
    assert_eq!(
        followed_links(&site.html("/notes/page/"), ".content p a", "/notes/page/"),
        expected
    );
    // On the section's list, the summary's links must still lead to the page's heading.
    assert_eq!(
        followed_links(&site.html("/notes/"), ".page-list .summary a", "/notes/"),
        expected
    );
    site.assert_no_broken_links();
}

// ---------------------------------------------------------------------------------------
// 2. Errors

#[test]
fn wikilink_to_nothing_suggests_the_close_title() {
    let out = SiteTest::fixture("crosslinks/wikilink-missing").build_err();
    out.assert_stderr_has(&[
        "content/bad.md:7",
        "the wikilink [[Kursk Deploymnt]] matches no page",
        "did you mean `Kursk Deployment`?",
    ]);
}

#[test]
fn ambiguous_wikilink_lists_every_match() {
    let out = SiteTest::fixture("crosslinks/wikilink-ambiguous").build_err();
    out.assert_stderr_has(&[
        "content/bad.md:5",
        "the wikilink [[Field Notes]] matches 2 pages",
        "name one by its path: `a/notes.md`, `b/notes.md`",
    ]);
}

#[test]
fn ambiguous_wikilink_builds_when_named_by_path() {
    let site = SiteTest::fixture("crosslinks/wikilink-ambiguous").file(
        "content/bad.md",
        "+++\ntitle = \"Fixed\"\n+++\n\nSee [[b/notes]].\n",
    );
    site.build_ok();
    assert_eq!(
        links(&site.html("/bad/"), ".content a"),
        pairs(&[("field notes", "/b/notes/")])
    );
}

#[test]
fn wikilink_to_a_missing_heading() {
    let out = SiteTest::fixture("crosslinks/wikilink-missing-heading").build_err();
    out.assert_stderr_has(&[
        "content/bad.md:5",
        "missing heading `#battle-plan`",
        "security/kursk.md",
        "#battle-plans",
    ]);
}

#[test]
fn link_to_a_draft_is_an_error_that_names_drafts() {
    let site = SiteTest::fixture("crosslinks/draft-target");
    let out = site.build_err();
    out.assert_stderr_has(&["content/published.md:5", "secret.md", "draft", "--drafts"]);
}

#[test]
fn link_to_a_draft_builds_with_the_drafts_flag() {
    let site = SiteTest::fixture("crosslinks/draft-target");
    site.run(&["build", "--drafts"]).assert_success();
    assert_eq!(
        links(&site.html("/published/"), ".content a"),
        pairs(&[("the plan", "/secret/")])
    );
    assert_eq!(text(&site.html("/secret/"), "h1"), "Secret Plan");
    site.assert_no_broken_links();
}

#[test]
fn wikilink_to_a_draft_by_title_is_a_draft_error() {
    let site = SiteTest::fixture("crosslinks/draft-target").file(
        "content/published.md",
        "+++\ntitle = \"Published\"\n+++\n\nIntro.\n\nSee [[secret PLAN]].\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&["content/published.md:7", "secret.md", "draft", "--drafts"]);
    assert!(!out.stderr.contains("matches no page"), "{out}");
    // With drafts it resolves like any other wikilink.
    site.run(&["build", "--drafts"]).assert_success();
    assert_eq!(
        links(&site.html("/published/"), ".content a"),
        pairs(&[("Secret Plan", "/secret/")])
    );
}

// ---------------------------------------------------------------------------------------
// 3. Backlinks

#[test]
fn backlinks_list_each_citing_page_newest_first_with_the_sentence_around_the_link() {
    let site = SiteTest::fixture("crosslinks/backlinks");
    site.build_ok();
    let html = site.html("/briefs/charlie/");
    assert_eq!(text(&html, ".connected h2"), "Connected analyses");
    // Alpha links twice and Bravo once: one entry per page, the newer page first, and
    // Charlie's link to itself is not a backlink.
    assert_eq!(
        links(&html, ".connected li.cites-this > a"),
        pairs(&[("Bravo", "/briefs/bravo/"), ("Alpha", "/briefs/alpha/")])
    );
    assert_eq!(
        attrs(&html, ".connected li.cites-this > time", "datetime"),
        ["2024-02-20", "2024-01-10"]
    );
    // A short paragraph is quoted whole; in a long one, the sentence with the (first) link.
    assert_eq!(
        texts(&html, ".connected li.cites-this blockquote.excerpt"),
        [
            "For background, see Charlie.",
            "The build-up mirrors what the Charlie brief described in detail last year.",
        ]
    );
    site.assert_no_broken_links();
}

#[test]
fn page_without_backlinks_has_no_referenced_by_section() {
    let site = SiteTest::fixture("crosslinks/backlinks");
    site.build_ok();
    let html = site.html("/briefs/delta/");
    assert_eq!(count(&html, ".connected li.cites-this"), 0);
    assert!(!site.read("public/briefs/delta/index.html").contains("cites this"));
    // Alpha and Bravo only link out.
    for url in ["/briefs/alpha/", "/briefs/bravo/"] {
        assert_eq!(count(&site.html(url), ".connected li.cites-this"), 0, "{url}");
    }
}

#[test]
fn section_backlinks_list_the_pages_that_link_to_the_section() {
    let site = SiteTest::fixture("crosslinks/backlinks");
    site.build_ok();
    let html = site.html("/briefs/");
    assert_eq!(
        links(&html, ".section-backlinks li > a"),
        pairs(&[("Charlie", "/briefs/charlie/"), ("Delta", "/briefs/delta/")])
    );
    assert_eq!(texts(&html, ".section-backlinks .kind"), ["wikilink", "link"]);
    assert_eq!(texts(&html, ".section-backlinks .count"), ["1", "1"]);
    assert_eq!(
        texts(&html, ".section-backlinks q"),
        [
            "It belongs with the other Briefs.",
            "Nothing links here. Delta only points back to the list.",
        ]
    );
}

/// A page citing Hub, linked from Hub and related to it by a shared tag: listed once.
/// Twelve more cite Hub, so the list runs past the ten the diagram draws.
fn hub_site() -> SiteTest {
    let mut site = SiteTest::empty().file(
        "config.toml",
        "base_url = \"https://example.org/\"\nbuild_search_index = false\ntaxonomies = [{ name = \"tags\" }]\n",
    );
    site = site.file(
        "content/hub.md",
        "+++\ntitle = \"Hub\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"pair\"]\n+++\nHub cites [Both](@/both.md) and [Out](@/out.md).\n",
    );
    site = site.file(
        "content/both.md",
        "+++\ntitle = \"Both\"\ndate = 2024-03-01\n[taxonomies]\ntags = [\"pair\"]\n+++\nBoth builds on [the hub](@/hub.md).\n",
    );
    site = site.file(
        "content/out.md",
        "+++\ntitle = \"Out\"\ndate = 2023-01-01\ndescription = \"What Out says.\"\n+++\nNothing here.\n",
    );
    for i in 0..12 {
        site = site.file(
            &format!("content/c{i:02}.md"),
            format!(
                "+++\ntitle = \"C{i:02}\"\ndate = 2024-02-{:02}\n+++\nC{i:02} quotes [Hub](@/hub.md).\n",
                i + 1
            ),
        );
    }
    site
}

#[test]
fn connected_analyses_list_each_analysis_once_citing_ones_first() {
    let site = hub_site();
    site.build_ok();
    let html = site.html("/hub/");
    let titles = texts(&html, ".connected ol > li > a");
    let mut unique = titles.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), titles.len(), "{titles:?}");
    // Those citing Hub, newest first (Both among them, with every relation it has);
    // then what Hub cites and no one else lists.
    assert_eq!(titles.len(), 14, "{titles:?}");
    assert_eq!(titles[0], "Both");
    assert_eq!(titles[1], "C11");
    assert_eq!(titles[13], "Out");
    let labels = texts(&html, ".connected ol > li > .rel");
    assert_eq!(labels[0], "cites this, cited here, related");
    // A link counts toward relatedness, so a citing page is related too.
    assert_eq!(labels[1], "cites this, related");
    assert_eq!(labels[13], "cited here");
    // A citing page shows the words around its link; the others their description.
    assert_eq!(
        texts(&html, ".connected ol > li:first-child blockquote.excerpt"),
        ["Both builds on the hub."]
    );
    assert_eq!(
        texts(&html, ".connected ol > li:last-child .summary"),
        ["What Out says."]
    );
    site.assert_no_broken_links();
}

#[test]
fn the_connections_diagram_numbers_the_first_ten_as_the_list_does() {
    let site = hub_site();
    site.build_ok();
    let html = site.html("/hub/");
    let numbers: Vec<String> = (1..=10).map(|n| n.to_string()).collect();
    assert_eq!(texts(&html, "svg.connections text"), numbers);
    // Each drawn node has the class of its list item's first relation.
    let node_classes = attrs(&html, "svg.connections circle.node:not(.self)", "class");
    let item_classes = attrs(&html, ".connected ol > li > .rel", "class");
    assert_eq!(node_classes.len(), 10);
    for (node, item) in node_classes.iter().zip(&item_classes) {
        assert_eq!(node.replace("node ", ""), item.replace("rel ", ""));
    }
    assert_eq!(
        text(&html, "svg.connections desc"),
        "13 cite this analysis, it cites 1; numbered as in the list."
    );
    // Out, Hub's link and nothing else, has only Hub around it.
    let out = site.html("/out/");
    assert_eq!(texts(&out, ".connected ol > li > a"), ["Hub"]);
    assert_eq!(texts(&out, "svg.connections text"), ["1"]);
    // C00 cites Hub, which its link makes related.
    assert_eq!(
        texts(&site.html("/c00/"), ".connected .rel"),
        ["cited here, related"]
    );
}

#[test]
fn backlinks_leave_out_pages_that_are_not_rendered() {
    let site = SiteTest::fixture("crosslinks/hidden-backlink");
    site.build_ok();
    assert!(!site.exists("public/notes/invisible"));
    let html = site.html("/notes/target/");
    assert_eq!(
        links(&html, ".connected li.cites-this > a"),
        pairs(&[("Visible", "/notes/visible/")])
    );
    site.assert_no_broken_links();
}

// ---------------------------------------------------------------------------------------
// 4. Related analyses

/// The titles of Focus's related analyses, in rank order: the fixture's home page lists
/// `related(path="analyses/focus.md")`. (The theme's "Connected analyses" lists each
/// analysis once, those citing Focus first, so its order is not the rank.)
fn related_to_focus(site: &SiteTest) -> Vec<String> {
    let mut on_page = texts(&site.html("/analyses/focus/"), ".connected li.related > a");
    let ranked = texts(&site.html("/"), ".related-to-focus li > a");
    on_page.sort();
    let mut sorted = ranked.clone();
    sorted.sort();
    assert_eq!(
        on_page, sorted,
        "the page lists the related analyses the function gives"
    );
    ranked
}

/// The fixture's config with a `[related]` table.
fn related_config(table: &str) -> String {
    format!(
        "base_url = \"https://example.org/\"\ntaxonomies = [{{ name = \"tags\" }}, {{ name = \"regions\" }}]\n\n[related]\n{table}\n"
    )
}

// Focus shares `rare` (on 2 pages) with Bravo, `mid` (on 3) with Charlie and Delta, the
// region `east` (on 2) with Echo, and `everywhere` (on 5 of 7 pages, so ignored) with
// Bravo, Charlie, Delta and Golf. Delta and the unrendered Hidden link to Focus.

#[test]
fn related_pages_rank_by_rare_shared_terms_and_links_then_newest() {
    let site = SiteTest::fixture("crosslinks/related");
    site.build_ok();
    // Delta: mid + a link. Echo and Bravo tie on one rare term each; Echo is newer.
    // Charlie: one commoner term. Golf only shares the ignored term.
    assert_eq!(related_to_focus(&site), ["Delta", "Echo", "Bravo", "Charlie"]);
    let html = site.html("/analyses/focus/");
    assert_eq!(
        attrs(&html, ".connected li.related > a", "href"),
        [
            "/analyses/delta/",
            "/analyses/echo/",
            "/analyses/bravo/",
            "/analyses/charlie/"
        ]
    );
    assert_eq!(count(&site.html("/analyses/golf/"), ".connected li.related"), 0);
}

#[test]
fn a_direct_link_raises_a_related_page() {
    // Without the link's weight, Delta ties with Charlie on `mid` and the newer Charlie
    // goes first.
    let site = SiteTest::fixture("crosslinks/related").file("config.toml", related_config("links = 0.0"));
    site.build_ok();
    assert_eq!(related_to_focus(&site), ["Echo", "Bravo", "Charlie", "Delta"]);
}

#[test]
fn related_limit_caps_the_list() {
    let site = SiteTest::fixture("crosslinks/related").file("config.toml", related_config("limit = 2"));
    site.build_ok();
    assert_eq!(related_to_focus(&site), ["Delta", "Echo"]);
}

#[test]
fn related_taxonomy_weight_zero_ignores_that_taxonomy() {
    let site = SiteTest::fixture("crosslinks/related")
        .file("config.toml", related_config("taxonomies = { regions = 0 }"));
    site.build_ok();
    assert_eq!(related_to_focus(&site), ["Delta", "Bravo", "Charlie"]);
    // Echo shares only a region with Focus.
    assert_eq!(
        texts(&site.html("/analyses/echo/"), ".connected li.related > a"),
        Vec::<String>::new()
    );
}

#[test]
fn related_taxonomy_weight_scales_its_terms() {
    let site = SiteTest::fixture("crosslinks/related")
        .file("config.toml", related_config("taxonomies = { tags = 2.0 }"));
    site.build_ok();
    // Tags now count double: Bravo's rare tag beats Echo's region, Charlie's `mid` too.
    assert_eq!(related_to_focus(&site), ["Delta", "Bravo", "Charlie", "Echo"]);
}

/// TOML reads `nan`, `inf` and negative numbers; as a weight or a share, each would make
/// every related list meaningless, so each is an error at its line, naming the key.
#[test]
fn a_related_weight_that_is_not_a_number_of_0_or_more_is_an_error_at_its_line() {
    for (table, key, line) in [
        ("links = nan", "`related.links` is NaN", 5),
        ("limit = 3\nmax_share = inf", "`related.max_share` is inf", 6),
        (
            "taxonomies = { tags = 1.0, regions = -2.0 }",
            "`related.taxonomies.regions` is -2",
            5,
        ),
    ] {
        let site = SiteTest::fixture("crosslinks/related").file("config.toml", related_config(table));
        let out = site.build_err();
        out.assert_stderr_has(&[key, "not a number of 0 or more", &format!("config.toml:{line}:")]);
        assert!(out.stderr.contains("= hint"), "no hint\n{out}");
    }
}

#[test]
fn related_pages_of_one_date_and_score_go_in_the_order_of_their_paths() {
    // Scoring numbers the pages by date; of pages of one date, the one whose path comes
    // first still goes first, however the site's files were written or dated around them.
    let page = |date: &str, tags: &str| {
        format!("+++\ntitle = \"T\"\ndate = {date}\n[taxonomies]\ntags = [{tags}]\n+++\nText.\n")
    };
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\nbuild_search_index = false\ntaxonomies = [{ name = \"tags\" }]\n[related]\nmax_share = 1.0\n",
        )
        .file("content/analyses/zulu.md", page("2024-05-01", "\"twin\""))
        .file("content/analyses/focus.md", page("2024-01-01", "\"twin\", \"solo\""))
        .file("content/analyses/mike.md", page("2024-05-01", "\"twin\""))
        .file("content/analyses/alpha.md", page("2024-05-01", "\"twin\""))
        .file("content/analyses/newer.md", page("2024-09-01", "\"other\", \"solo2\""))
        .file("content/analyses/older.md", page("2023-01-01", "\"other\", \"solo2\""));
    site.build_ok();
    let related = attrs(
        &site.html("/analyses/focus/"),
        ".connected li.related > a",
        "href",
    );
    assert_eq!(
        related,
        ["/analyses/alpha/", "/analyses/mike/", "/analyses/zulu/"]
    );
}

/// Past a few thousand pages, a page's common terms no longer score every page that
/// carries them (that costs time quadratic in the site): the rare terms still do, and a
/// common term brings the pages nearest in date as candidates.
#[test]
fn on_a_large_site_a_common_term_brings_the_pages_nearest_in_date() {
    const PAGES: usize = 3000;
    let mut site = SiteTest::empty().file(
        "config.toml",
        "base_url = \"https://example.org/\"\nbuild_search_index = false\n\
         taxonomies = [{ name = \"tags\" }]\n[related]\nmax_share = 1.0\n",
    );
    let day = |i: usize| jiff::civil::date(2000, 1, 1) + jiff::Span::new().days(i as i64);
    for i in 0..PAGES {
        site = site.file(
            &format!("content/analyses/p{i:04}.md"),
            format!(
                "+++\ntitle = \"P{i:04}\"\ndate = {}\n[taxonomies]\ntags = [\"common\"]\n+++\nText.\n",
                day(i)
            ),
        );
    }
    // Focus is as old as P1500, and shares a rare tag with one old page.
    let site = site
        .file(
            "content/analyses/focus.md",
            format!(
                "+++\ntitle = \"Focus\"\ndate = {}\n[taxonomies]\ntags = [\"common\", \"rare\"]\n+++\nText.\n",
                day(1500)
            ),
        )
        .file(
            "content/analyses/mate.md",
            "+++\ntitle = \"Mate\"\ndate = 1990-01-01\n[taxonomies]\ntags = [\"rare\"]\n+++\nText.\n",
        );
    site.build_ok();
    // Nothing links, so the page's list is in rank order.
    let related = texts(&site.html("/analyses/focus/"), ".connected li.related > a");
    assert_eq!(related.len(), 5, "{related:?}");
    assert_eq!(related[0], "Mate", "the rare term is scored in full: {related:?}");
    // Scoring every page would pick the newest (ties go to the newer page); the
    // candidates are the pages around Focus's date instead, the newest of them first.
    let numbers: Vec<usize> = related[1..].iter().map(|t| t[1..].parse().unwrap()).collect();
    assert!(numbers.windows(2).all(|w| w[0] == w[1] + 1), "{related:?}");
    assert!((1500..PAGES - 400).contains(&numbers[0]), "{related:?}");
}

#[test]
fn unrendered_page_is_never_related() {
    let site = SiteTest::fixture("crosslinks/related");
    site.build_ok();
    assert!(!site.exists("public/analyses/hidden"));
    for page in ["focus", "bravo", "charlie", "delta", "echo", "golf"] {
        let html = site.html(&format!("/analyses/{page}/"));
        let related = attrs(&html, ".connected li.related > a", "href");
        assert!(
            !related.iter().any(|h| h.contains("hidden")),
            "{page}: {related:?}"
        );
        for href in &related {
            assert!(site.exists(&format!("public{href}index.html")), "{page}: {href}");
        }
    }
}

#[test]
fn related_function_gives_the_same_list_as_page_related() {
    let site = SiteTest::fixture("crosslinks/related");
    site.build_ok();
    let home = site.html("/");
    let page = site.html("/analyses/focus/");
    assert_eq!(
        texts(&home, ".related-to-focus li > a"),
        ["Delta", "Echo", "Bravo", "Charlie"]
    );
    // On the page each is listed once: Delta, which also links to Focus, among the
    // analyses citing it, with both relations named; then the others in rank order.
    assert_eq!(
        links(&page, ".connected li.related > a"),
        links(&home, ".related-to-focus li > a")
    );
    assert_eq!(
        texts(&page, ".connected li .rel"),
        ["cites this, related", "related", "related", "related"]
    );
}

// ---------------------------------------------------------------------------------------
// 5. Term feeds

/// Parses an Atom file with Python's XML parser (so it must be well-formed) and returns,
/// per `<entry>`, its title, alternate link and `<updated>`.
fn atom_entries(file: &Path) -> Vec<(String, String, String)> {
    const SCRIPT: &str = r#"
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
feed = doc.documentElement
assert feed.tagName == "feed", feed.tagName
assert feed.getAttribute("xmlns") == "http://www.w3.org/2005/Atom"
def text(node, name):
    found = [c for c in node.childNodes if c.nodeType == c.ELEMENT_NODE and c.tagName == name]
    assert len(found) == 1, (name, len(found))
    return "".join(t.data for t in found[0].childNodes if t.nodeType in (t.TEXT_NODE, t.CDATA_SECTION_NODE))
for e in feed.getElementsByTagName("entry"):
    link = [l for l in e.getElementsByTagName("link") if l.getAttribute("rel") == "alternate"]
    assert len(link) == 1
    print("\t".join([text(e, "title"), link[0].getAttribute("href"), text(e, "updated")]))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(file)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{} is not well-formed Atom:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|line| {
            let mut parts = line.split('\t').map(str::to_owned);
            let mut next = || parts.next().unwrap_or_default();
            (next(), next(), next())
        })
        .collect()
}

/// `2024-01-05T00:00:00Z` or `2024-03-07T09:30:00+02:00`.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.into_iter().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let head = b.len() >= 20
        && digits(0..4)
        && at(4, b'-')
        && digits(5..7)
        && at(7, b'-')
        && digits(8..10)
        && at(10, b'T')
        && digits(11..13)
        && at(13, b':')
        && digits(14..16)
        && at(16, b':')
        && digits(17..19);
    let zone = &s[19.min(s.len())..];
    let offset = |z: &str| {
        let z = z.as_bytes();
        z.len() == 6
            && (z[0] == b'+' || z[0] == b'-')
            && z[1..3].iter().all(u8::is_ascii_digit)
            && z[3] == b':'
            && z[4..6].iter().all(u8::is_ascii_digit)
    };
    head && (zone == "Z" || offset(zone))
}

/// Every `<tag>…</tag>` text in a document, in order (for the flat elements of a feed).
fn element_texts(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split_once(&close).map(|(t, _)| t.to_owned()))
        .collect()
}

#[test]
fn term_feed_lists_the_terms_pages_newest_first() {
    let site = SiteTest::fixture("crosslinks/term-feeds");
    site.build_ok();
    assert!(site.exists("public/tags/x/atom.xml"));
    assert!(site.exists("public/tags/y/atom.xml"));
    let xml = site.output_text("/tags/x/atom.xml");
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
        "{xml}"
    );
    assert_eq!(
        xml.matches("<feed xmlns=\"http://www.w3.org/2005/Atom\"").count(),
        1,
        "{xml}"
    );
    assert_eq!(xml.matches("</feed>").count(), 1);
    assert_eq!(xml.matches("<entry>").count(), 3, "{xml}");
    assert!(
        xml.contains(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/tags/x/atom.xml\"/>"
        ),
        "{xml}"
    );
    assert!(
        xml.contains("<link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/tags/x/\"/>"),
        "{xml}"
    );
    // Titles are escaped; entries are newest first; the feed's own <updated> is the newest.
    assert_eq!(
        element_texts(&xml, "title"),
        ["x · Feeds", "Bravo &amp; &lt;Sons&gt;", "Charlie", "Alpha"]
    );
    let updated = element_texts(&xml, "updated");
    assert_eq!(
        updated,
        [
            "2024-03-07T09:30:00+02:00",
            "2024-03-07T09:30:00+02:00",
            "2024-02-01T00:00:00Z",
            "2024-01-05T00:00:00Z"
        ]
    );
    for u in &updated {
        assert!(is_rfc3339(u), "{u} is not RFC 3339");
    }

    let entries = atom_entries(&site.path("public/tags/x/atom.xml"));
    let expected = [
        (
            "Bravo & <Sons>",
            "https://example.org/briefs/bravo/",
            "2024-03-07T09:30:00+02:00",
        ),
        (
            "Charlie",
            "https://example.org/briefs/charlie/",
            "2024-02-01T00:00:00Z",
        ),
        (
            "Alpha",
            "https://example.org/briefs/alpha/",
            "2024-01-05T00:00:00Z",
        ),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(entries, expected);
    // Content links are absolute, so they work in a feed reader.
    assert!(
        xml.contains("href=&quot;https://example.org/briefs/&quot;"),
        "{xml}"
    );
    assert!(!xml.contains("href=&quot;/"), "{xml}");
    let y = atom_entries(&site.path("public/tags/y/atom.xml"));
    let titles: Vec<&str> = y.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(titles, ["Delta", "Bravo & <Sons>"]);
}

#[test]
fn feed_limit_caps_the_entries() {
    let site = SiteTest::fixture("crosslinks/term-feeds").file(
        "config.toml",
        "base_url = \"https://example.org/\"\ntitle = \"Feeds\"\nfeed_limit = 1\ntaxonomies = [{ name = \"tags\", feed = true }, { name = \"regions\" }]\n",
    );
    site.build_ok();
    let entries = atom_entries(&site.path("public/tags/x/atom.xml"));
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].0, "Bravo & <Sons>");
    // The term page still lists every page.
    assert_eq!(count(&site.html("/tags/x/"), ".term-pages a"), 3);
}

#[test]
fn no_feed_when_the_taxonomy_has_none() {
    let site = SiteTest::fixture("crosslinks/term-feeds");
    site.build_ok();
    assert!(site.exists("public/regions/east/index.html"));
    assert!(!site.exists("public/regions/east/atom.xml"));
    let east = site.html("/regions/east/");
    // Only the site's feed, not one of the term's own.
    assert_eq!(
        count(&east, "link[type=\"application/atom+xml\"][title=\"east\"]"),
        0
    );
    assert!(
        !site
            .read("public/regions/east/index.html")
            .contains("regions/east/atom.xml")
    );
    let files: Vec<String> = snapshot(&site.path("public"))
        .into_keys()
        .filter(|f| f.ends_with("atom.xml"))
        .collect();
    assert_eq!(files, ["atom.xml", "tags/x/atom.xml", "tags/y/atom.xml"]);
}

#[test]
fn term_page_links_to_its_feed() {
    let site = SiteTest::fixture("crosslinks/term-feeds");
    site.build_ok();
    let html = site.html("/tags/x/");
    assert_eq!(
        attr(
            &html,
            "link[rel=alternate][type=\"application/atom+xml\"][title=\"x\"]",
            "href"
        ),
        "/tags/x/atom.xml"
    );
    let feed_links: Vec<String> = links(&html, "a")
        .into_iter()
        .filter(|(t, _)| t == "Feed")
        .map(|(_, h)| h)
        .collect();
    // The term's feed, and the site's in the footer.
    assert_eq!(feed_links, ["/tags/x/atom.xml", "/atom.xml"]);
    site.assert_no_broken_links();
}

#[test]
fn term_feed_under_a_subpath_uses_absolute_urls_with_the_base_path() {
    let site = SiteTest::fixture("crosslinks/term-feeds");
    site.run(&["build", "--base-url", "https://user.github.io/repo/"])
        .assert_success();
    assert!(site.exists("public/tags/x/atom.xml"));
    let xml = site.output_text("/tags/x/atom.xml");
    assert!(
        xml.contains("href=\"https://user.github.io/repo/tags/x/atom.xml\""),
        "{xml}"
    );
    let entries = atom_entries(&site.path("public/tags/x/atom.xml"));
    for (_, href, _) in &entries {
        assert!(href.starts_with("https://user.github.io/repo/briefs/"), "{href}");
    }
    assert!(
        xml.contains("href=&quot;https://user.github.io/repo/briefs/&quot;"),
        "{xml}"
    );
    let html = site.html("/tags/x/");
    assert_eq!(
        attr(
            &html,
            "link[rel=alternate][type=\"application/atom+xml\"][title=\"x\"]",
            "href"
        ),
        "/repo/tags/x/atom.xml"
    );
}

// ---------------------------------------------------------------------------------------
// 6. Template functions

#[test]
fn backlinks_function_gives_kind_count_date_and_excerpt() {
    let site = SiteTest::fixture("crosslinks/backlinks");
    site.build_ok();
    let home = site.html("/");
    assert_eq!(
        links(&home, ".charlie-backlinks li > a"),
        pairs(&[("Bravo", "/briefs/bravo/"), ("Alpha", "/briefs/alpha/")])
    );
    assert_eq!(texts(&home, ".charlie-backlinks .kind"), ["wikilink", "link"]);
    // Alpha links to Charlie twice; the excerpt is its first link's.
    assert_eq!(texts(&home, ".charlie-backlinks .count"), ["1", "2"]);
    assert_eq!(
        attrs(&home, ".charlie-backlinks time", "datetime"),
        ["2024-02-20", "2024-01-10"]
    );
    assert_eq!(
        texts(&home, ".charlie-backlinks q"),
        [
            "For background, see Charlie.",
            "The build-up mirrors what the Charlie brief described in detail last year.",
        ]
    );
    // The same list as the page's own, and sections work too (with or without `@/`).
    assert_eq!(
        links(&home, ".charlie-backlinks li > a"),
        links(&site.html("/briefs/charlie/"), ".connected li.cites-this > a")
    );
    assert_eq!(texts(&home, ".briefs-backlinks li"), ["Charlie", "Delta"]);
    assert_eq!(texts(&home, ".delta-backlinks li"), Vec::<String>::new());
}

#[test]
fn backlinks_function_with_an_unknown_path_is_a_template_error() {
    let site = SiteTest::fixture("crosslinks/backlinks").file(
        "templates/index.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% for b in backlinks(path=\"briefs/nope.md\") %}{{ b.title }}{% endfor %}\n{% endblock content %}\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&[
        "template error",
        "templates/index.html:3",
        "no page or section at `briefs/nope.md`",
    ]);
}

#[test]
fn related_function_with_an_unknown_path_is_a_template_error() {
    let site = SiteTest::fixture("crosslinks/related").file(
        "templates/index.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>Intro</p>\n{% for r in related(path=\"analyses/nope.md\") %}{{ r.title }}{% endfor %}\n{% endblock content %}\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&[
        "template error",
        "templates/index.html:4",
        "no page or section at `analyses/nope.md`",
    ]);
}

// ---------------------------------------------------------------------------------------
// A page's table of contents and backlinks in the lists of pages other outputs show

/// A section template that lists each page's headings, backlinks and HTML.
const SECTION_READING_EACH_PAGE: &str = r#"<ul>{% for p in section.pages %}<li id="{{ p.slug }}"><span class="toc">{% for h in p.toc %}{{ h.title }};{% endfor %}</span><span class="cited-by">{% for b in p.backlinks %}{{ b.title }};{% endfor %}</span><div class="html">{{ p.content | safe }}</div></li>{% endfor %}</ul>"#;

/// A page template that shows the page's whole value.
const PAGE_AS_JSON: &str = r#"<pre id="page">{{ page | json_encode }}</pre>"#;

#[test]
fn a_list_of_pages_may_read_each_page_s_table_of_contents_backlinks_and_html() {
    let site =
        SiteTest::fixture("crosslinks/backlinks").file("templates/section.html", SECTION_READING_EACH_PAGE);
    site.build_ok();
    let html = site.html("/briefs/");
    assert_eq!(text(&html, "#charlie .toc"), "Details;");
    assert_eq!(text(&html, "#charlie .cited-by"), "Bravo;Alpha;");
    assert_eq!(text(&html, "#alpha .cited-by"), "");
    assert!(
        text(&html, "#charlie .html h2").contains("Details"),
        "{}",
        text(&html, "#charlie .html")
    );
}

/// A section template that lists fields of each page besides its headings, backlinks
/// and HTML.
const SECTION_READING_MORE_OF_EACH_PAGE: &str = r#"<ul>{% for p in section.pages %}<li id="{{ p.slug }}"><span class="tags">{{ p.taxonomies.tags | join(sep=",") }}</span><span class="related">{% for r in p.related %}{{ r.title }};{% endfor %}</span><span class="where">{{ p.components | join(sep="/") }}</span><span class="words">{{ p.word_count }}</span><span class="later">{% if p.higher %}{{ p.higher.title }}{% endif %}</span></li>{% endfor %}</ul>"#;

#[test]
fn a_list_of_pages_may_read_each_page_s_terms_related_pages_and_neighbours() {
    let site = SiteTest::fixture("crosslinks/related")
        .file("templates/index.html", "<h1>{{ config.title }}</h1>")
        .file("templates/section.html", SECTION_READING_MORE_OF_EACH_PAGE);
    site.build_ok();
    let html = site.html("/analyses/");
    assert_eq!(text(&html, "#focus .tags"), "rare,mid,everywhere");
    assert_eq!(text(&html, "#focus .related"), "Delta;Echo;Bravo;Charlie;");
    assert_eq!(text(&html, "#focus .where"), "analyses/focus");
    assert_ne!(text(&html, "#focus .words"), "0");
    // Bravo is the oldest; Delta, a month later, the next.
    assert_eq!(text(&html, "#bravo .later"), "Delta");
}

/// Every field of a page's value, in the order it lists them.
const PAGE_FIELDS: [&str; 36] = [
    "title",
    "description",
    "date",
    "updated",
    "year",
    "month",
    "day",
    "slug",
    "path",
    "href",
    "permalink",
    "relative_path",
    "colocated_path",
    "components",
    "ancestors",
    "section",
    "draft",
    "weight",
    "authors",
    "taxonomies",
    "extra",
    "toc",
    "word_count",
    "reading_time",
    "assets",
    "lang",
    "translations",
    "in_search_index",
    "backlinks",
    "archive_path",
    "watch",
    "content",
    "summary",
    "related",
    "lower",
    "higher",
];

#[test]
fn a_page_s_own_value_is_the_same_whatever_lists_read_off_other_pages() {
    // The fields no template reads off another page are made for the page's own output
    // alone: they must come out where and as they are otherwise. Read off no other
    // page, some of them, or every one of them (a list encoded whole).
    let page_as_json = |fixture: &str, section: &str| {
        let site = SiteTest::fixture(fixture)
            .file("templates/index.html", "<h1>{{ config.title }}</h1>")
            .file("templates/page.html", PAGE_AS_JSON)
            .file("templates/section.html", section);
        site.build_ok();
        site
    };
    let encoded = r#"<pre id="pages">{{ section.pages | json_encode }}</pre>"#;
    for (fixture, page, listing) in [
        (
            "crosslinks/backlinks",
            "/briefs/charlie/",
            SECTION_READING_EACH_PAGE,
        ),
        (
            "crosslinks/related",
            "/analyses/focus/",
            SECTION_READING_MORE_OF_EACH_PAGE,
        ),
    ] {
        let [alone, listed, whole] = ["<h1>{{ section.title }}</h1>", listing, encoded]
            .map(|section| text(&page_as_json(fixture, section).html(page), "#page"));
        assert_eq!(alone, listed, "{fixture}");
        assert_eq!(alone, whole, "{fixture}");
        let at = |key: &str| {
            alone
                .find(&format!("\"{key}\":"))
                .unwrap_or_else(|| panic!("no {key} in {alone}"))
        };
        for pair in PAGE_FIELDS.windows(2) {
            assert!(at(pair[0]) < at(pair[1]), "{}, {}: {alone}", pair[0], pair[1]);
        }
    }
    let charlie = text(
        &page_as_json("crosslinks/backlinks", "").html("/briefs/charlie/"),
        "#page",
    );
    assert!(charlie.contains("<h2 id=\\\"details\\\""), "{charlie}");
    assert!(charlie.contains("\"title\":\"Details\""), "{charlie}");
    assert!(charlie.contains("\"title\":\"Bravo\""), "{charlie}");
    let focus = text(
        &page_as_json("crosslinks/related", "").html("/analyses/focus/"),
        "#page",
    );
    assert!(
        focus.contains("\"tags\":[\"rare\",\"mid\",\"everywhere\"]"),
        "{focus}"
    );
    assert!(focus.contains("\"related\":[{\"title\":\"Delta\""), "{focus}");
}

#[test]
fn pages_encoded_whole_in_a_list_keep_their_table_of_contents() {
    let site = SiteTest::fixture("crosslinks/backlinks").file(
        "templates/section.html",
        r#"<pre id="pages">{{ section.pages | json_encode }}</pre>"#,
    );
    site.build_ok();
    let pages = text(&site.html("/briefs/"), "#pages");
    assert!(pages.contains("\"toc\":[{"), "{pages}");
    assert!(pages.contains("\"backlinks\":[{"), "{pages}");
    assert!(pages.contains("\"content\":\"<"), "{pages}");
}

#[test]
fn a_page_template_gets_its_connected_analyses_and_events_only_where_it_can_show_them() {
    // Made only for templates that name them, here in an included template; a template
    // that names neither (a Zola theme's) renders without them.
    let site = SiteTest::empty()
        .file("config.toml", "base_url = \"https://example.org/\"\ntitle = \"T\"\n")
        .file(
            "content/a.md",
            "+++\ntitle = \"A\"\ndate = 2024-01-01\n[[events]]\ndate = \"2024-01-02\"\ntitle = \"Signed\"\n+++\nSee [B](@/b.md).\n",
        )
        .file("content/b.md", "+++\ntitle = \"B\"\ndate = 2024-01-03\n+++\nBody.\n")
        .file("templates/index.html", "home")
        .file(
            "templates/page.html",
            "<h1>{{ page.title }}</h1>{% include \"extras.html\" %}",
        )
        .file(
            "templates/extras.html",
            "<ul class=\"connected\">{% for c in connected | default(value=[]) %}<li>{{ c.title }}: {{ c.relations | first }}</li>{% endfor %}</ul>\
             <ul class=\"events\">{% for e in page_events | default(value=[]) %}<li>{{ e.title }}</li>{% endfor %}</ul>",
        );
    site.build_ok();
    let a = site.html("/a/");
    assert_eq!(texts(&a, ".connected li"), ["B: cited-here"]);
    assert_eq!(texts(&a, ".events li"), ["Signed"]);
    let b = site.html("/b/");
    assert_eq!(texts(&b, ".connected li"), ["A: cites-this"]);
    // Without the include, the page renders as before, with neither.
    site.write("templates/page.html", "<h1>{{ page.title }}</h1>");
    site.build_ok();
    assert_eq!(text(&site.html("/a/"), "body"), "A");
}

/// The loop the default theme's `partials/connected.html` ran over `connected` before
/// dossier wrote the list itself: `connected_html` must be the same bytes.
const CONNECTED_LOOP: &str = r#"{% set short_date = trans(key="dossier_date_format_short", lang=lang) %}<ol>
  {% for c in connected %}<li class="{{ c.relations | join(sep=" ") }}"><a href="{{ c.path }}">{{ c.title }}</a>{% if c.date %} <time datetime="{{ c.date }}">{{ c.date | date(format=short_date, lang=lang) }}</time>{% endif %} <span class="rel {{ c.relations | first }}">{{ c.label }}</span>{% if c.excerpt %}<blockquote class="excerpt"><p>{{ c.excerpt }}</p></blockquote>{% elif c.summary %}<p class="summary">{{ c.summary }}</p>{% endif %}</li>
  {% endfor %}</ol>"#;

#[test]
fn connected_html_is_the_loop_over_connected_byte_for_byte() {
    // Titles and descriptions to escape, an empty description, a date with a time and an
    // offset, a section citing the page, dates written in French; and in Ukrainian, its
    // own words and names.
    let site = hub_site()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\nbuild_search_index = false\ntaxonomies = [{ name = \"tags\" }]\n\
             [translations]\ndossier_date_locale = \"fr_FR\"\ndossier_date_format_short = \"%e %B %Y\"\n\
             [languages.uk]\ntitle = \"Досьє\"\ntaxonomies = [{ name = \"tags\" }]\n",
        )
        .file(
            "content/amp.md",
            "+++\ntitle = \"Fish & Chips <\\\"Special\\\"> 'quoted'\"\ndate = 2024-03-05T23:30:00-05:00\ndescription = \"Café & bar <b>\"\n+++\nAbout [the hub](@/hub.md) & more.\n",
        )
        .file(
            "content/quiet.md",
            "+++\ntitle = \"Quiet\"\ndate = 2022-05-01\ndescription = \"\"\n+++\nSee [Hub](@/hub.md) and [the shop](@/amp.md).\n",
        )
        .file(
            "content/briefs/_index.md",
            "+++\ntitle = \"Briefs\"\n+++\nThe briefs start from [the hub](@/hub.md).\n",
        )
        .file("content/uk-a.uk.md", "+++\ntitle = \"Перша\"\ndate = 2024-11-03\n+++\nДив. [другу](@/uk-b.uk.md).\n")
        .file("content/uk-b.uk.md", "+++\ntitle = \"Друга\"\ndate = 2024-10-28\ndescription = \"Опис\"\n+++\nДив. [першу](@/uk-a.uk.md).\n")
        .file(
            "templates/partials/connected.html",
            format!("<div id=\"loop\">{CONNECTED_LOOP}</div>\n<div id=\"html\">{{{{ connected_html }}}}</div>\n"),
        );
    site.build_ok();
    let mut checked = 0;
    for url in [
        "/hub/",
        "/amp/",
        "/quiet/",
        "/out/",
        "/both/",
        "/uk/uk-a/",
        "/uk/uk-b/",
    ] {
        let out = site.output_text(url);
        let inner = |id: &str| {
            let open = format!("<div id=\"{id}\">");
            let start = out.find(&open).map(|i| i + open.len());
            start.and_then(|s| out[s..].find("</div>").map(|e| out[s..s + e].to_owned()))
        };
        let (Some(looped), Some(html)) = (inner("loop"), inner("html")) else {
            panic!("{url}: no connected analyses");
        };
        assert!(looped.contains("<li"), "{url}: {looped}");
        assert_eq!(html, looped, "{url}");
        checked += 1;
    }
    assert_eq!(checked, 7);
    let hub = site.output_text("/hub/");
    for shown in [
        "Fish &amp; Chips &lt;&quot;Special&quot;&gt;",
        "<time datetime=\"2024-03-05T23:30:00-05:00\">",
        "février 2024</time>",
        "<li class=\"cites-this\"><a href=\"/briefs/\">Briefs</a> <span",
    ] {
        assert!(hub.contains(shown), "{shown} not in {hub}");
    }
    assert!(site.output_text("/uk/uk-a/").contains("жовтня"));
    // What Quiet cites shows its description, escaped.
    assert!(
        site.output_text("/quiet/")
            .contains("<p class=\"summary\">Café &amp; bar &lt;b&gt;</p>")
    );
}
