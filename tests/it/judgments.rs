//! Key judgments with confidence levels, and the `/judgments/` page that collects them.

use crate::harness::*;

fn site() -> SiteTest {
    SiteTest::empty()
        .file("config.toml", "base_url = \"https://example.org/\"\ntitle = \"T\"\n")
        .file(
            "content/older.md",
            "+++\ntitle = \"Older\"\ndate = 2024-10-01\n+++\nText.\n\n> [!KEY JUDGMENT]\n> **Low confidence:** A second contingent follows.\n",
        )
        .file(
            "content/newer.md",
            "+++\ntitle = \"Newer\"\ndate = 2024-11-01\n+++\nText.\n\n> [!KEY JUDGMENT] What we judge\n> - **High confidence:** Troops stay in Kursk.\n> - **Moderate confidence**: Their effect stays small.\n> - Unrated, but still a judgment.\n",
        )
        .file("content/plain.md", "+++\ntitle = \"Plain\"\ndate = 2024-12-01\n+++\n> [!NOTE]\n> Not a judgment.\n")
}

#[test]
fn judgments_carry_their_confidence_and_an_anchor_on_the_page() {
    let site = site();
    site.build_ok();
    let html = site.html("/newer/");
    assert_eq!(
        texts(&html, ".callout-key-judgment .confidence"),
        ["High confidence", "Moderate confidence"]
    );
    assert_eq!(
        attrs(&html, ".callout-key-judgment .confidence", "class"),
        ["confidence confidence-high", "confidence confidence-moderate"]
    );
    assert_eq!(
        attrs(&html, ".callout-key-judgment .judgment-anchor", "id"),
        ["judgment-1", "judgment-2", "judgment-3"]
    );
    // The bold marker is replaced, not repeated, and the colon goes with it.
    let items = texts(&html, ".callout-key-judgment li");
    assert_eq!(items[1], "Moderate confidence Their effect stays small.");
}

#[test]
fn the_judgments_page_groups_them_by_analysis_newest_first_with_links_back() {
    let site = site();
    site.build_ok();
    let page = site.html("/judgments/");
    assert_eq!(texts(&page, "main h1"), ["Key judgments"]);
    assert_eq!(texts(&page, ".judgment-group h2 a"), ["Newer", "Older"]);
    assert_eq!(
        texts(&page, ".judgment-list li .confidence"),
        ["High confidence", "Moderate confidence", "Low confidence"]
    );
    let links = attrs(&page, ".judgment-list a.in-context", "href");
    assert_eq!(
        links,
        [
            "/newer/#judgment-1",
            "/newer/#judgment-2",
            "/newer/#judgment-3",
            "/older/#judgment-1"
        ]
    );
    // Every link reaches an anchor on its page.
    for link in links {
        let (path, id) = link.split_once('#').unwrap();
        let target = site.html(path);
        assert_eq!(
            attrs(&target, &format!("#{id}"), "class"),
            ["judgment-anchor"],
            "{link}"
        );
    }
    let third = texts(&page, ".judgment-list li")[2].clone();
    assert!(third.starts_with("Unrated, but still a judgment."), "{third}");
    // The footer links to the page.
    assert_eq!(
        attrs(&site.html("/plain/"), "footer a[href='/judgments/']", "href"),
        ["/judgments/"]
    );
    site.assert_no_broken_links();
}

#[test]
fn a_site_without_key_judgments_has_no_judgments_page() {
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
        )
        .file("content/a.md", "+++\ntitle = \"A\"\n+++\nNothing judged.\n");
    site.build_ok();
    assert!(!site.exists("public/judgments"));
    assert!(attrs(&site.html("/a/"), "footer a[href='/judgments/']", "href").is_empty());
}

#[test]
fn an_unknown_confidence_level_is_an_error_with_its_line_and_a_suggestion() {
    let site = SiteTest::empty()
        .file("config.toml", "base_url = \"https://example.org/\"\ntitle = \"T\"\n")
        .file(
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\nText.\n\n> [!KEY JUDGMENT]\n> - **High confidence:** Fine.\n> - **Medium confidence:** Not a level.\n",
        );
    let out = site.build_err();
    let err = &out.stderr;
    assert!(err.contains("unknown confidence level `medium`"), "{err}");
    assert!(err.contains("content/a.md:8"), "{err}");
    assert!(err.contains("did you mean `moderate`?"), "{err}");
}
