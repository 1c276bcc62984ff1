//! Date archives: /archive/, a page per year and per month, linked from each date.

use crate::harness::*;

fn site() -> SiteTest {
    let page = |title: &str, date: &str| format!("+++\ntitle = \"{title}\"\ndate = {date}\n+++\n\nText.\n");
    SiteTest::fixture("errors/base")
        .file("content/a.md", page("Oct early", "2024-10-02"))
        .file("content/b.md", page("Oct late", "2024-10-28"))
        .file("content/c.md", page("Nov", "2024-11-15"))
        .file("content/d.md", page("Last year", "2023-06-01"))
        .file("content/e.md", "+++\ntitle = \"Undated\"\n+++\n")
}

#[test]
fn archive_index_lists_years_newest_first_with_their_months() {
    let site = site();
    site.build_ok();
    let index = site.html("/archive/");
    assert_eq!(texts(&index, ".archive-years h2 a"), ["2024", "2023"]);
    assert_eq!(
        attrs(&index, ".archive-months a", "href"),
        ["/archive/2024/11/", "/archive/2024/10/", "/archive/2023/06/"]
    );
    assert_eq!(
        texts(&index, ".archive-years h2 .count"),
        ["3 analyses", "1 analysis"]
    );
    site.assert_no_broken_links();
}

#[test]
fn year_and_month_pages_list_their_analyses_newest_first() {
    let site = site();
    site.build_ok();
    assert_eq!(
        texts(&site.html("/archive/2024/"), ".page-list h2 a"),
        ["Nov", "Oct late", "Oct early"]
    );
    assert_eq!(
        texts(&site.html("/archive/2024/10/"), ".page-list h2 a"),
        ["Oct late", "Oct early"]
    );
    assert_eq!(text(&site.html("/archive/2024/10/"), "h1"), "October 2024");
    assert!(!site.exists("public/archive/2024/09/index.html"));
}

#[test]
fn an_analysis_date_links_to_its_month() {
    let site = site();
    site.build_ok();
    assert_eq!(
        attrs(&site.html("/b/"), "header .meta a", "href"),
        ["/archive/2024/10/"]
    );
    assert!(attrs(&site.html("/e/"), "header .meta a", "href").is_empty());
    // The footer links to the archive.
    assert_eq!(
        attrs(&site.html("/e/"), ".site-footer a[href='/archive/']", "href").len(),
        1
    );
}

#[test]
fn no_archive_without_dated_analyses() {
    let site = SiteTest::fixture("errors/base");
    site.build_ok();
    assert!(!site.exists("public/archive/index.html"));
    assert!(attrs(&site.html("/"), ".site-footer a[href='/archive/']", "href").is_empty());
}

#[test]
fn a_site_whose_content_takes_archive_links_no_month_of_dossiers_archive() {
    let site = site().file(
        "content/archive.md",
        "+++\ntitle = \"Our archive\"\n+++\n\nThe site's own page.\n",
    );
    site.build_ok();
    assert_eq!(text(&site.html("/archive/"), "h1"), "Our archive");
    assert!(!site.exists("public/archive/2024/10/index.html"));
    assert!(attrs(&site.html("/b/"), "header .meta a", "href").is_empty());
    site.assert_no_broken_links();
}
