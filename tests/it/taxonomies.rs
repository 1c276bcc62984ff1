//! Taxonomy list pages, term pages and the chips on pages.

use crate::harness::*;

#[test]
fn taxonomy_list_shows_every_term_with_its_count() {
    let site = SiteTest::fixture("taxonomies/basic");
    site.build_ok();
    let html = site.html("/tags/");
    assert_eq!(text(&html, "h1"), "Tags");
    let terms = texts(&html, ".term-list li");
    let mut sorted = terms.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["energy 1 analysis", "nato 3 analyses", "Élysée 1 analysis"]
    );
    // ASCII terms are listed alphabetically.
    let energy = terms.iter().position(|t| t.starts_with("energy")).unwrap();
    let nato = terms.iter().position(|t| t.starts_with("nato")).unwrap();
    assert!(energy < nato, "{terms:?}");
    let hrefs = attrs(&html, ".term-list a", "href");
    let mut sorted_hrefs = hrefs.clone();
    sorted_hrefs.sort();
    assert_eq!(sorted_hrefs, ["/tags/elysee/", "/tags/energy/", "/tags/nato/"]);
    for href in hrefs {
        assert!(output_file(&site.path("public"), &href).is_file(), "{href}");
    }
}

#[test]
fn term_page_lists_its_pages_newest_first() {
    let site = SiteTest::fixture("taxonomies/basic");
    site.build_ok();
    let html = site.html("/tags/nato/");
    assert_eq!(text(&html, "h1"), "nato");
    assert_eq!(text(&html, ".lede"), "3 analyses");
    assert_eq!(texts(&html, ".term-pages a"), ["Beta", "Gamma", "Alpha"]);
    assert_eq!(
        attrs(&html, ".term-pages a", "href"),
        ["/briefs/beta/", "/briefs/gamma/", "/briefs/alpha/"]
    );
    assert_eq!(attr(&html, ".kicker a", "href"), "/tags/");
    let energy = site.html("/tags/energy/");
    assert_eq!(texts(&energy, ".term-pages a"), ["Gamma"]);
}

#[test]
fn chips_on_a_page_link_to_the_term_pages() {
    let site = SiteTest::fixture("taxonomies/basic");
    site.build_ok();
    let html = site.html("/briefs/alpha/");
    assert_eq!(text(&html, ".terms dt"), "Tags");
    assert_eq!(texts(&html, "a.chip"), ["nato", "Élysée"]);
    let hrefs = attrs(&html, "a.chip", "href");
    assert_eq!(
        hrefs,
        [
            "https://example.org/tags/nato/",
            "https://example.org/tags/elysee/"
        ]
    );
    for href in hrefs {
        let path = href.strip_prefix("https://example.org").unwrap();
        assert!(output_file(&site.path("public"), path).is_file(), "{href}");
    }
    // YAML front matter declares terms the same way.
    let gamma = site.html("/briefs/gamma/");
    assert_eq!(texts(&gamma, "a.chip"), ["nato", "energy"]);
    site.assert_no_broken_links();
}

#[test]
fn unicode_term_gets_an_ascii_url_and_keeps_its_name() {
    let site = SiteTest::fixture("taxonomies/basic");
    site.build_ok();
    assert!(site.exists("public/tags/elysee/index.html"));
    let html = site.html("/tags/elysee/");
    assert_eq!(text(&html, "h1"), "Élysée");
    assert!(text(&html, "title").starts_with("Élysée · Tags"));
    assert_eq!(texts(&html, ".term-pages a"), ["Alpha"]);
}

/// Zola makes one term of spellings that share a URL (`Rust`, `rust`); an error here made
/// such a site fail to build. The spelling that sorts first names the term (as Zola
/// names it: `Sanctions Policy` before `sanctions policy`, whichever page came first), and
/// each other spelling is one warning at its first use however many pages repeat it.
#[test]
fn spellings_of_one_term_are_one_term_named_by_the_one_that_sorts_first() {
    let page = |title: &str, tags: &str| {
        format!(
            "+++\ntitle = \"{title}\"\ndate = 2024-10-0{}\n\n[taxonomies]\ntags = [{tags}]\n+++\n",
            title.len()
        )
    };
    let site = SiteTest::fixture("errors/base")
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntaxonomies = [{ name = \"tags\" }]\n",
        )
        .file("content/a.md", page("A", "\"sanctions policy\""))
        .file("content/b.md", page("Bb", "\"Sanctions Policy\""))
        .file(
            "content/c.md",
            page("Ccc", "\"sanctions policy\", \"sanctions-policy\""),
        )
        .file("content/d.md", page("Dddd", "\"sanctions policy\""));
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "content/a.md:6",
        "the tags term `sanctions policy` is `Sanctions Policy` spelled in other case: they are one term, named `Sanctions Policy`",
        "content/c.md:6",
        "the tags term `sanctions-policy` is `Sanctions Policy` spelled another way",
        "both make the page /tags/sanctions-policy/; spell the term `Sanctions Policy` everywhere",
    ]);
    assert_eq!(
        out.stderr.matches("spelled in other case").count(),
        1,
        "one warning per spelling:\n{out}"
    );
    let term = site.html("/tags/sanctions-policy/");
    assert_eq!(text(&term, "h1"), "Sanctions Policy");
    // Every page once, c.md too though it wrote the term twice.
    assert_eq!(texts(&term, ".term-pages a"), ["Dddd", "Ccc", "Bb", "A"]);
    assert_eq!(
        texts(&site.html("/tags/"), ".term-list li"),
        ["Sanctions Policy 4 analyses"]
    );
}
