//! Indicators to watch: front matter `watch` entries on the analysis, on `/watch/` and,
//! when dated, on the timeline.

use crate::harness::*;

fn site(status: &str) -> SiteTest {
    SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n[timeline]\ntoday = \"2024-12-20\"\n",
        )
        .file(
            "content/outlook.md",
            format!(
                "+++\ntitle = \"Outlook\"\ndate = 2024-12-16\n\n[[watch]]\narea = \"Military developments\"\nindicator = \"A second contingent arrives\"\nwhy = \"It would show a long-term commitment.\"\ndue = \"2025-03\"\nstatus = \"{status}\"\n\n[[watch]]\narea = \"Diplomatic engagement\"\nindicator = \"Allies confirm with their own intelligence\"\ndue = 2024-11-15\nstatus = \"observed\"\n\n[[watch]]\nindicator = \"Troops fight inside Ukraine\"\n+++\nText.\n"
            ),
        )
        .file(
            "content/other.md",
            "+++\ntitle = \"Other\"\ndate = 2024-11-01\n\n[[watch]]\narea = \"Military developments\"\nindicator = \"Artillery deliveries slow\"\nstatus = \"lapsed\"\n+++\nText.\n",
        )
}

#[test]
fn the_watch_page_groups_indicators_by_area_with_their_status() {
    let site = site("open");
    site.build_ok();
    let html = site.html("/watch/");
    assert_eq!(
        texts(&html, ".watch-group h2"),
        [
            "Diplomatic engagement",
            "Military developments",
            "Other indicators"
        ]
    );
    // Open before observed and lapsed within an area.
    assert_eq!(
        texts(&html, ".watch-group li strong"),
        [
            "Allies confirm with their own intelligence",
            "A second contingent arrives",
            "Artillery deliveries slow",
            "Troops fight inside Ukraine"
        ]
    );
    assert_eq!(
        texts(&html, ".watch-group li .watch-status"),
        ["Observed", "Open", "Lapsed", "Open"]
    );
    assert_eq!(
        texts(&html, ".watch-group li .watch-due time"),
        ["15 Nov 2024", "Mar 2025"]
    );
    // Each links back to the indicator on its analysis.
    for link in attrs(&html, ".watch-group li .meta a", "href") {
        let (path, id) = link.split_once('#').unwrap();
        assert_eq!(attrs(&site.html(path), &format!("li#{id}"), "id"), [id], "{link}");
    }
    assert_eq!(
        attrs(&site.html("/other/"), "footer a[href='/watch/']", "href"),
        ["/watch/"]
    );
    site.assert_no_broken_links();
}

#[test]
fn an_analysis_shows_its_indicators_and_a_status_change() {
    let site = site("open");
    site.build_ok();
    let statuses = |site: &SiteTest| texts(&site.html("/outlook/"), ".page-watch .watch-status");
    assert_eq!(statuses(&site), ["Open", "Observed", "Open"]);
    let changed = site
        .read("content/outlook.md")
        .replacen("status = \"open\"", "status = \"observed\"", 1);
    site.write("content/outlook.md", changed);
    site.build_ok();
    assert_eq!(statuses(&site), ["Observed", "Observed", "Open"]);
    assert_eq!(
        texts(&site.html("/outlook/"), ".page-watch .watch-why"),
        ["It would show a long-term commitment."]
    );
}

#[test]
fn dated_indicators_are_on_the_timeline_upcoming_until_due() {
    let site = site("open");
    site.build_ok();
    let html = site.html("/timeline/");
    let upcoming = texts(&html, ".upcoming .event-title");
    assert!(
        upcoming.contains(&"A second contingent arrives".to_owned()),
        "{upcoming:?}"
    );
    assert!(!upcoming.contains(&"Allies confirm with their own intelligence".to_owned()));
    assert!(texts(&html, ".event-title").contains(&"Allies confirm with their own intelligence".to_owned()));
    assert!(texts(&html, ".upcoming .event-watch").contains(&"To watch: Open".to_owned()));
    // Undated indicators are not events.
    assert!(!texts(&html, ".event-title").contains(&"Troops fight inside Ukraine".to_owned()));
}

#[test]
fn an_unknown_watch_status_is_an_error_at_its_line_with_a_suggestion() {
    let site = site("obseved");
    let out = site.build_err();
    assert!(out.stderr.contains("unknown watch status `obseved`"), "{out}");
    assert!(out.stderr.contains("content/outlook.md:10"), "{out}");
    assert!(out.stderr.contains("did you mean `observed`?"), "{out}");
}

#[test]
fn an_unknown_key_in_a_watch_entry_is_an_error() {
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
        )
        .file(
            "content/a.md",
            "+++\ntitle = \"A\"\n[[watch]]\nindicator = \"X\"\nwhy_it_matters = \"Y\"\n+++\nText.\n",
        );
    let out = site.build_err();
    assert!(out.stderr.contains("why_it_matters"), "{out}");
    assert!(out.stderr.contains("content/a.md"), "{out}");
}

#[test]
fn a_site_without_indicators_has_no_watch_page() {
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
        )
        .file("content/a.md", "+++\ntitle = \"A\"\n+++\nText.\n");
    site.build_ok();
    assert!(!site.exists("public/watch"));
}
