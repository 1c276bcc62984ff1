//! "Cite this analysis": the citation_* meta tags Google Scholar reads, and a ready
//! citation in plain text and BibTeX on every analysis.

use crate::harness::*;

fn site(config_author: bool) -> SiteTest {
    let author = if config_author {
        "author = \"The Desk\"\n"
    } else {
        ""
    };
    SiteTest::empty()
        .file(
            "config.toml",
            format!("base_url = \"https://example.org/repo/\"\ntitle = \"Dossier & Co\"\n{author}"),
        )
        .file(
            "content/costs.md",
            "+++\ntitle = \"Costs & 50% More: {A} Look\"\ndate = 2024-11-04\nupdated = 2024-11-20\nauthors = [\"Ana Kim\", \"Lee Park\"]\n+++\nText.\n",
        )
        .file("content/plain.md", "+++\ntitle = \"Plain\"\n+++\nText.\n")
}

fn meta(html: &scraper::Html, name: &str) -> Vec<String> {
    attrs(html, &format!("meta[name='{name}']"), "content")
}

#[test]
fn an_analysis_has_citation_meta_tags() {
    let site = site(false);
    site.build_ok();
    let html = site.html("/costs/");
    assert_eq!(meta(&html, "citation_title"), ["Costs & 50% More: {A} Look"]);
    assert_eq!(meta(&html, "citation_author"), ["Ana Kim", "Lee Park"]);
    assert_eq!(meta(&html, "citation_publication_date"), ["2024/11/04"]);
    assert_eq!(meta(&html, "citation_online_date"), ["2024/11/20"]);
    assert_eq!(meta(&html, "citation_publisher"), ["Dossier & Co"]);
    assert_eq!(
        meta(&html, "citation_abstract_html_url"),
        ["https://example.org/repo/costs/"]
    );
    assert_eq!(meta(&html, "citation_language"), ["en"]);
}

#[test]
fn cite_this_gives_plain_text_and_escaped_bibtex() {
    let site = site(false);
    site.build_ok();
    let html = site.html("/costs/");
    assert_eq!(
        text(&html, ".cite-this .citation-text"),
        "Ana Kim, Lee Park. “Costs & 50% More: {A} Look.” Dossier & Co, 4 November 2024. https://example.org/repo/costs/."
    );
    // As written, line breaks and all (text() would join the lines).
    let bibtex: String = html
        .select(&scraper::Selector::parse(".cite-this .citation-bibtex").unwrap())
        .flat_map(|e| e.text())
        .collect();
    assert_eq!(
        bibtex,
        "@online{costs2024,\n  title = {Costs \\& 50\\% More: \\{A\\} Look},\n  author = {Ana Kim and Lee Park},\n  organization = {Dossier \\& Co},\n  date = {2024-11-04},\n  url = {https://example.org/repo/costs/},\n}"
    );
}

#[test]
fn without_authors_the_site_author_is_cited_or_none() {
    let with_author = site(true);
    with_author.build_ok();
    let html = with_author.html("/plain/");
    assert_eq!(meta(&html, "citation_author"), ["The Desk"]);
    assert!(text(&html, ".cite-this .citation-text").starts_with("The Desk. “Plain.”"));
    assert!(meta(&html, "citation_publication_date").is_empty());

    let without = site(false);
    without.build_ok();
    let html = without.html("/plain/");
    assert!(meta(&html, "citation_author").is_empty());
    let bibtex = text(&html, ".cite-this .citation-bibtex");
    assert!(
        bibtex.starts_with("@online{plain,") && !bibtex.contains("author"),
        "{bibtex}"
    );
}
