//! The built-in theme's front page: a lead analysis with its key judgments, each section's
//! latest, the nearest open indicators and the latest events; each analysis once, every
//! list bounded.

use std::collections::HashSet;

use crate::harness::*;

#[test]
fn the_example_leads_with_its_marked_analysis_and_shows_each_analysis_once() {
    let site = SiteTest::example();
    site.build_ok();
    let html = site.html("/");
    // `extra.lead = true` wins over newer analyses.
    assert_eq!(
        attrs(&html, ".lead h2 a", "href"),
        ["/security/kursk-deployment/"]
    );
    assert_eq!(
        texts(&html, ".lead .judgment-list .confidence"),
        ["High confidence", "Moderate confidence", "Low confidence"]
    );
    // Every analysis on the page is linked from one place only: the lead, or its section.
    let mut seen = HashSet::new();
    for href in attrs(&html, ".lead h2 a, .front-list h3 a", "href") {
        assert!(seen.insert(href.clone()), "{href} is shown twice");
    }
    assert_eq!(seen.len(), 10, "all ten analyses: {seen:?}");
    assert_eq!(
        texts(&html, ".front-section h2"),
        ["Diplomacy", "Economy", "Outlook", "Security", "Society"]
    );
    // Newest first within a section, three at most.
    let security = texts(&html, ".front-section:nth-of-type(4) .front-list time");
    assert_eq!(security, ["12 Nov 2024", "8 Nov 2024", "18 Oct 2024"]);
    // What to watch: open indicators, soonest due first, four at most, each linking to
    // its place in the analysis that sets it.
    let watch = attrs(&html, ".front-watch li > a", "href");
    assert!(!watch.is_empty() && watch.len() <= 4, "{watch:?}");
    for href in &watch {
        let (page, id) = href.split_once('#').expect("a fragment");
        assert_eq!(count(&site.html(page), &format!("[id=\"{id}\"]")), 1, "{href}");
    }
    let due = attrs(&html, ".front-watch time", "datetime");
    let mut sorted = due.clone();
    sorted.sort();
    assert_eq!(due, sorted, "soonest first");
    // Recent events: recorded events (not the analyses' own dates), newest first, five.
    let events = attrs(&html, ".front-events time", "datetime");
    assert_eq!(events.len(), 5);
    let mut newest_first = events.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(events, newest_first);
    // The site's name is in the header; the page's h1 is for screen readers.
    assert_eq!(attr(&html, "main h1", "class"), "visually-hidden");
    site.assert_no_broken_links();
}

fn analysis(section: &str, n: usize, extra: &str) -> String {
    format!(
        "+++\ntitle = \"{section} {n}\"\ndescription = \"About {section} {n}.\"\ndate = 2024-01-{:02}\n{extra}+++\nBody.\n",
        n % 28 + 1
    )
}

#[test]
fn without_a_marked_lead_the_newest_leads_and_long_sections_say_how_many_more() {
    let mut site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
        )
        .file("content/_index.md", "+++\ntitle = \"T\"\n+++\n")
        .file("content/a/_index.md", "+++\ntitle = \"Alpha\"\n+++\n")
        .file("content/b/_index.md", "+++\ntitle = \"Beta\"\n+++\n")
        .file("content/b/deep/_index.md", "+++\ntitle = \"Deep\"\n+++\n");
    for n in 1..=20 {
        site = site.file(&format!("content/a/p{n}.md"), analysis("a", n, ""));
    }
    site = site.file("content/b/deep/newest.md", analysis("b", 27, ""));
    site = site.file("content/b/q.md", analysis("b", 2, ""));
    site.build_ok();
    let html = site.html("/");
    // The newest is in a nested section, and leads.
    assert_eq!(attrs(&html, ".lead h2 a", "href"), ["/b/deep/newest/"]);
    assert_eq!(count(&html, ".lead .judgment-list"), 0);
    assert_eq!(texts(&html, ".front-section h2"), ["Alpha", "Beta"]);
    assert_eq!(
        texts(&html, ".front-section:nth-of-type(1) h3"),
        ["a 20", "a 19", "a 18"]
    );
    assert_eq!(texts(&html, ".front-section .more"), ["17 more in Alpha"]);
    assert_eq!(texts(&html, ".front-section:nth-of-type(2) h3"), ["b 2"]);
    // No indicators and no events: no empty boxes beside the list.
    assert_eq!(count(&html, ".front-side"), 0);
}

#[test]
fn a_new_site_from_init_shows_its_name_and_tagline_once() {
    let dir = tempfile::tempdir().unwrap();
    let site_dir = dir.path().join("site");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("init")
        .arg(&site_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let build = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .current_dir(&site_dir)
        .arg("build")
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let html = parse_output(&site_dir.join("public"), "/");
    let main = text(&html, "main");
    assert_eq!(main.matches("Analyses, cross-linked.").count(), 1, "{main}");
    assert_eq!(count(&html, ".lead"), 1);
    let visible_names = texts(&html, ".site-title, main h1:not(.visually-hidden)");
    assert_eq!(visible_names, ["My Dossier"]);
}
