//! The order of pages in sections, pagination, and the links between neighbours.

use crate::harness::*;

#[test]
fn sort_by_date_lists_newest_first_and_undated_last() {
    let site = SiteTest::fixture("sorting/date");
    site.build_ok();
    let html = site.html("/briefs/");
    assert_eq!(
        texts(&html, ".page-list h2 a"),
        ["March", "February", "January", "Undated"]
    );
    assert_eq!(
        attrs(&html, ".page-list time", "datetime"),
        ["2024-03-01", "2024-02-10", "2024-01-15"]
    );
    assert_eq!(
        attrs(&html, ".page-list h2 a", "href"),
        [
            "/briefs/b-march/",
            "/briefs/c-february/",
            "/briefs/a-january/",
            "/briefs/d-undated/"
        ]
    );
    site.assert_no_broken_links();
}

#[test]
fn sort_by_weight_lists_lightest_first() {
    let site = SiteTest::fixture("sorting/weight");
    site.build_ok();
    let html = site.html("/watch/");
    assert_eq!(
        texts(&html, ".page-list h2 a"),
        ["First", "Second", "Third", "Unweighted"]
    );
}

#[test]
fn sort_by_title_ignores_case() {
    let site = SiteTest::fixture("sorting/title");
    site.build_ok();
    let html = site.html("/glossary/");
    assert_eq!(texts(&html, ".page-list h2 a"), ["Apple", "banana", "cherry"]);
}

/// Zola (0.21 on) sorts by URL with `sort_by = "permalink"`; dossier refused the value.
#[test]
fn sort_by_permalink_lists_by_url() {
    let site = SiteTest::fixture("sorting/title")
        .file(
            "content/glossary/_index.md",
            "+++\ntitle = \"Glossary\"\nsort_by = \"permalink\"\n+++\n",
        )
        // Files x, y, z; their URLs order them z, x, y.
        .file(
            "content/glossary/z.md",
            "+++\ntitle = \"cherry\"\nslug = \"a-cherry\"\n+++\n",
        );
    site.build_ok();
    let html = site.html("/glossary/");
    assert_eq!(texts(&html, ".page-list h2 a"), ["cherry", "banana", "Apple"]);
    assert_eq!(
        attrs(&html, ".page-list h2 a", "href"),
        ["/glossary/a-cherry/", "/glossary/x/", "/glossary/y/"]
    );
}

#[test]
fn prev_next_links_follow_the_section_order() {
    let site = SiteTest::fixture("sorting/date");
    site.build_ok();
    // Order: March, February, January, Undated. `higher` (rel=prev) is newer.
    let feb = site.html("/briefs/c-february/");
    assert_eq!(attr(&feb, ".prev-next a[rel=prev]", "href"), "/briefs/b-march/");
    assert_eq!(attr(&feb, ".prev-next a[rel=next]", "href"), "/briefs/a-january/");
    assert_eq!(text(&feb, ".prev-next a[rel=prev]"), "Newer March");
    assert_eq!(text(&feb, ".prev-next a[rel=next]"), "Older January");

    let newest = site.html("/briefs/b-march/");
    assert_eq!(count(&newest, ".prev-next a[rel=prev]"), 0);
    assert_eq!(
        attr(&newest, ".prev-next a[rel=next]", "href"),
        "/briefs/c-february/"
    );

    let last = site.html("/briefs/d-undated/");
    assert_eq!(
        attr(&last, ".prev-next a[rel=prev]", "href"),
        "/briefs/a-january/"
    );
    assert_eq!(count(&last, ".prev-next a[rel=next]"), 0);
}

#[test]
fn prev_next_follow_weight_order() {
    let site = SiteTest::fixture("sorting/weight");
    site.build_ok();
    let second = site.html("/watch/c/");
    assert_eq!(text(&second, ".prev-next a[rel=prev]"), "Newer First");
    assert_eq!(text(&second, ".prev-next a[rel=next]"), "Older Third");
}

#[test]
fn pagination_splits_the_section_in_order() {
    let site = SiteTest::fixture("pagination/basic");
    site.build_ok();
    let first = site.html("/news/");
    assert_eq!(texts(&first, ".page-list h2 a"), ["Item 5", "Item 4"]);
    assert_eq!(text(&first, ".pagination span"), "Page 1 of 3");
    assert_eq!(count(&first, ".pagination a[rel=prev]"), 0);
    assert_eq!(
        attr(&first, ".pagination a[rel=next]", "href"),
        "https://example.org/news/page/2/"
    );

    let second = site.html("/news/page/2/");
    assert_eq!(texts(&second, ".page-list h2 a"), ["Item 3", "Item 2"]);
    assert_eq!(text(&second, ".pagination span"), "Page 2 of 3");
    assert_eq!(
        attr(&second, ".pagination a[rel=prev]", "href"),
        "https://example.org/news/"
    );
    assert_eq!(
        attr(&second, ".pagination a[rel=next]", "href"),
        "https://example.org/news/page/3/"
    );
    assert_eq!(
        attr(&second, "link[rel=canonical]", "href"),
        "https://example.org/news/page/2/"
    );

    let third = site.html("/news/page/3/");
    assert_eq!(texts(&third, ".page-list h2 a"), ["Item 1"]);
    assert_eq!(
        attr(&third, ".pagination a[rel=prev]", "href"),
        "https://example.org/news/page/2/"
    );
    assert_eq!(count(&third, ".pagination a[rel=next]"), 0);
    assert!(!site.exists("public/news/page/4"));
    site.assert_no_broken_links();
}

#[test]
fn pagination_page_one_redirects_to_the_section() {
    let site = SiteTest::fixture("pagination/basic");
    site.build_ok();
    let html = site.html("/news/page/1/");
    assert_eq!(
        attr(&html, "meta[http-equiv=refresh]", "content"),
        "0; url=https://example.org/news/"
    );
    assert_eq!(
        attr(&html, "link[rel=canonical]", "href"),
        "https://example.org/news/"
    );
}
