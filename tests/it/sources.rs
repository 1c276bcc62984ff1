//! Sources and citations: a bibliography under content/, `[@key]` citations rendered in
//! the configured CSL style, the list of sources with links back, and the errors.

use crate::harness::*;

const BIBLIOGRAPHY: &str = "nato-2024:
  type: Web
  title: Press conference by the Secretary General <script>
  author: NATO
  date: 2024-10-28
  url: https://www.nato.int/
yonhap-2024:
  type: Article
  title: North Korean troops in Kursk
  author: Kim, Min-su
  date: 2024-11-05
  parent:
    type: Newspaper
    title: Yonhap News Agency
";

fn site(style: Option<&str>, body: &str) -> SiteTest {
    let style = style.map(|s| format!("style = \"{s}\"\n")).unwrap_or_default();
    SiteTest::empty()
        .file(
            "config.toml",
            format!("base_url = \"https://example.org/\"\ntitle = \"T\"\n[sources]\nbibliography = \"sources.yml\"\n{style}"),
        )
        .file("content/sources.yml", BIBLIOGRAPHY)
        .file("content/a.md", format!("+++\ntitle = \"A\"\ndate = 2024-11-10\n+++\n{body}\n"))
}

const CITING: &str = "NATO confirmed it [@nato-2024]. Seoul agreed [@yonhap-2024, p. 4; @nato-2024].";

#[test]
fn author_date_citations_link_to_a_list_of_sources_that_links_back() {
    let site = site(None, CITING);
    site.build_ok();
    let html = site.html("/a/");
    assert_eq!(
        texts(&html, ".content a.citation"),
        ["(NATO 2024)", "(Kim 2024, 4; NATO 2024)"]
    );
    assert_eq!(attrs(&html, ".content a.citation", "id"), ["cite-1", "cite-2"]);
    assert_eq!(
        attrs(&html, ".content a.citation", "href"),
        ["#ref-nato-2024", "#ref-yonhap-2024"]
    );
    // The tooltip previews the full reference.
    let title = &attrs(&html, ".content a.citation", "title")[0];
    assert!(title.starts_with("NATO. 2024. “Press Conference"), "{title}");
    assert_eq!(texts(&html, "#cited-sources"), ["Sources"]);
    assert_eq!(
        attrs(&html, ".source-list li", "id"),
        ["ref-yonhap-2024", "ref-nato-2024"]
    );
    assert_eq!(
        attrs(&html, "#ref-nato-2024 a.cite-back", "href"),
        ["#cite-1", "#cite-2"]
    );
    assert_eq!(attrs(&html, "#ref-yonhap-2024 a.cite-back", "href"), ["#cite-2"]);
    // Text from the bibliography is escaped.
    let entry = text(&html, "#ref-nato-2024");
    assert!(
        entry.contains("<Script>") || entry.contains("<script>"),
        "{entry}"
    );
    assert!(count(&html, ".source-list script") == 0);
    // The bibliography is read, not published.
    assert!(!site.exists("public/sources.yml"));
}

/// A backlink's excerpt leaves citations out, and left the space before one hanging:
/// "finished ." for "finished [@a]." (found in the sample analysis `dossier init` writes).
#[test]
fn a_citation_leaves_no_space_before_punctuation_in_a_backlink_excerpt() {
    let site = site(
        None,
        "Repairs are unfinished [@nato-2024]. See [b](@/b.md), as Kim says [@yonhap-2024], too.",
    )
    .file("content/b.md", "+++\ntitle = \"B\"\n+++\nB.\n");
    site.build_ok();
    assert_eq!(
        texts(&site.html("/b/"), ".connected li.cites-this blockquote.excerpt"),
        ["Repairs are unfinished. See b, as Kim says, too."]
    );
}

#[test]
fn a_numeric_style_numbers_sources_in_order_of_citation() {
    let site = site(Some("ieee"), CITING);
    site.build_ok();
    let html = site.html("/a/");
    assert_eq!(texts(&html, ".content a.citation"), ["[1]", "[1], [2, p. 4]"]);
    let list = texts(&html, ".source-list li");
    assert!(list[0].starts_with("[1] NATO"), "{list:?}");
    assert!(list[1].starts_with("[2] ") && list[1].contains("Kim"), "{list:?}");
}

#[test]
fn a_key_not_in_the_bibliography_is_an_error_with_the_closest_key() {
    let site = site(None, "Text.\n\nNATO said so [@nato-2042].");
    let out = site.build_err();
    assert!(
        out.stderr.contains("no source `nato-2042` in the bibliography"),
        "{out}"
    );
    assert!(out.stderr.contains("content/a.md:7"), "{out}");
    assert!(out.stderr.contains("did you mean `@nato-2024`?"), "{out}");
}

#[test]
fn a_malformed_bibliography_is_an_error_at_its_line() {
    let site = site(None, CITING).file(
        "content/sources.yml",
        "nato-2024:\n  type: Web\n  title: [unclosed\n",
    );
    let out = site.build_err();
    assert!(out.stderr.contains("invalid bibliography"), "{out}");
    assert!(out.stderr.contains("content/sources.yml:3"), "{out}");
}

#[test]
fn an_unknown_style_is_an_error_with_a_suggestion() {
    let site = site(Some("chicago-autor-date"), CITING);
    let out = site.build_err();
    assert!(
        out.stderr.contains("unknown citation style `chicago-autor-date`"),
        "{out}"
    );
    assert!(
        out.stderr.contains("did you mean `chicago-author-date`?"),
        "{out}"
    );
}

#[test]
fn a_citation_without_a_bibliography_is_an_error() {
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
        )
        .file("content/a.md", "+++\ntitle = \"A\"\n+++\nSee [@nato-2024].\n");
    let out = site.build_err();
    assert!(out.stderr.contains("has no bibliography"), "{out}");
    assert!(out.stderr.contains("[sources]"), "{out}");
}

#[test]
fn the_sources_page_lists_each_source_with_the_analyses_citing_it() {
    let site = site(None, CITING).file(
        "content/b.md",
        "+++\ntitle = \"B\"\ndate = 2024-12-01\n+++\nAgain [@nato-2024].\n",
    );
    site.build_ok();
    let html = site.html("/sources/");
    assert_eq!(
        attrs(&html, ".source-index > li", "id"),
        ["source-yonhap-2024", "source-nato-2024"]
    );
    assert!(text(&html, "#source-nato-2024 .reference").starts_with("NATO. 2024."));
    assert_eq!(texts(&html, "#source-nato-2024 .meta a"), ["B", "A"]);
    assert_eq!(texts(&html, "#source-yonhap-2024 .meta a"), ["A"]);
    assert_eq!(
        attrs(&html, "#source-yonhap-2024 .meta a", "href"),
        ["/a/#cited-sources"]
    );
    assert_eq!(
        attrs(&site.html("/a/"), "footer a[href='/sources/']", "href"),
        ["/sources/"]
    );
    site.assert_no_broken_links();
}

#[test]
fn a_bibtex_bibliography_works_and_a_malformed_one_is_an_error_at_its_line() {
    let bib = "@online{nato-2024,\n  author = {{NATO}},\n  title = {Press conference},\n  date = {2024-10-28},\n}\n";
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n[sources]\nbibliography = \"refs.bib\"\n",
        )
        .file("content/refs.bib", bib)
        .file("content/a.md", "+++\ntitle = \"A\"\n+++\nSee [@nato-2024].\n");
    site.build_ok();
    assert_eq!(texts(&site.html("/a/"), ".content a.citation"), ["(NATO 2024)"]);

    site.write(
        "content/refs.bib",
        "@online{nato-2024,\n  author = {NATO},\n  title = {Press conference,\n",
    );
    let out = site.build_err();
    assert!(out.stderr.contains("invalid BibTeX"), "{out}");
    assert!(out.stderr.contains("content/refs.bib:"), "{out}");
}
