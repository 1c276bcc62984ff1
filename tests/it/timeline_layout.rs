//! Issue 20: the timeline and `/graph/` read well at any size. The strip's axis by week on
//! a two-month site, era names that never overlap, upcoming events after the
//! chronology, "cited by" lists cut short, and `/graph/` drawing the analyses of a site
//! with one section; in headless Chromium, no two labels of the strip overlapping at
//! 375 and 1280 px and no sideways scroll of the page.

use scraper::{Html, Selector};

use crate::browser::{Chromium, serve};
use crate::harness::*;

fn sel(css: &str) -> Selector {
    Selector::parse(css).expect("valid selector")
}

/// The two-month, one-section fixture, built.
fn short_site() -> SiteTest {
    let site = SiteTest::fixture("timeline/short");
    site.build_ok();
    site
}

/// The classes of the timeline's top-level blocks in document order.
fn blocks(html: &Html) -> Vec<String> {
    html.select(&sel("section.timeline-year, section.upcoming"))
        .map(|s| s.value().attr("class").unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn upcoming_events_come_after_the_chronology_and_the_lede_points_to_them() {
    // Issue 20: a long "Upcoming" block stood between the strip and the chronology.
    let site = short_site();
    let html = site.html("/timeline/");
    assert_eq!(blocks(&html), ["timeline-year", "upcoming"]);
    assert_eq!(
        texts(&html, "section.upcoming li.event .event-title"),
        ["Scheduled review"]
    );
    let lede = "header .lede a[href='#upcoming-title']";
    assert_eq!(text(&html, lede), "1 upcoming");
    site.assert_no_broken_links();
    // The same on the example site, on a term's timeline too.
    let example = SiteTest::example();
    example.build_ok();
    for path in ["/timeline/", "/tags/deployment/timeline/"] {
        let html = example.html(path);
        let order = blocks(&html);
        assert_eq!(
            order.last().map(String::as_str),
            Some("upcoming"),
            "{path}: {order:?}"
        );
        assert_eq!(order.iter().filter(|c| *c == "upcoming").count(), 1, "{path}");
    }
}

#[test]
fn a_two_month_strip_has_a_bar_per_week_and_labels_by_day_and_month() {
    // Issue 20: two months made two bars labelled only "2026".
    let site = short_site();
    let html = site.html("/timeline/");
    let svg = "svg.timeline-strip";
    assert_eq!(text(&html, &format!("{svg} > title")), "Events per week");
    let ticks = texts(&html, &format!("{svg} text.tick"));
    assert_eq!(ticks.first().map(String::as_str), Some("2 Mar 2026"), "{ticks:?}");
    assert!(ticks.contains(&"16 Mar".to_owned()), "{ticks:?}");
    assert!(ticks.len() >= 5, "{ticks:?}");
    assert!(!ticks.contains(&"2026".to_owned()), "{ticks:?}");
    // A bar per week with events, named by its week; past ones lead to their month.
    let bars = attrs(&html, &format!("{svg} a"), "href");
    assert_eq!(
        bars,
        [
            "#m-2026-03",
            "#m-2026-03",
            "#m-2026-03",
            "#m-2026-04",
            "#m-2026-04",
            "#upcoming-title"
        ]
    );
    let titles = texts(&html, &format!("{svg} a > title"));
    assert_eq!(titles[0], "week of 2 Mar 2026: 2 events");
    assert_eq!(titles[1], "week of 9 Mar 2026: 3 events");
    assert!(
        titles.contains(&"week of 30 Mar 2026: 2 events".to_owned()),
        "{titles:?}"
    );
    assert_eq!(
        titles.last().map(String::as_str),
        Some("week of 11 May 2026: 1 event")
    );
    site.assert_no_broken_links();
}

#[test]
fn era_names_close_together_sit_in_rows_with_their_full_names() {
    // Issue 20: "Confirmation an" was cut by "Watch period".
    let site = short_site();
    let html = site.html("/timeline/");
    let groups: Vec<(String, String, f64)> = html
        .select(&sel("svg.timeline-strip g.era-group"))
        .map(|g| {
            let title = g
                .select(&sel("title"))
                .next()
                .map(|t| t.text().collect())
                .unwrap_or_default();
            let label = g.select(&sel("text.era-label")).next().expect("a label");
            let y: f64 = label.value().attr("y").and_then(|y| y.parse().ok()).expect("y");
            (title, label.text().collect(), y)
        })
        .collect();
    assert_eq!(groups.len(), 3);
    assert_eq!(
        groups[0].0,
        "Negotiations over the ceasefire text: 2 Mar 2026 – 10 Mar 2026"
    );
    for (title, label, _) in &groups {
        assert!(
            title.starts_with(label.as_str()),
            "{label:?} is not the era in {title:?}"
        );
    }
    // Long names a week apart: each starts a row of its own.
    let mut rows: Vec<f64> = groups.iter().map(|g| g.2).collect();
    rows.dedup();
    assert_eq!(rows.len(), 3, "{groups:?}");
}

#[test]
fn an_era_on_an_event_is_a_tag_of_its_own_after_the_date() {
    let site = short_site();
    let html = site.html("/timeline/");
    let date = text(&html, "#e-signed .event-date");
    // A screen reader hears "Era:" between the date and the name.
    assert_eq!(date, "14 Mar 2026 Era: Confirmation and international response");
    assert_eq!(text(&html, "#e-signed .event-date .visually-hidden"), "Era:");
}

/// An undated analysis "Main" recording two events and cited by `citers` (undated, so
/// recording none), and with `other`, one recording an event that nothing cites.
fn citing_site(citers: &[&str], other: bool) -> SiteTest {
    let mut site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\nbuild_search_index = false\n[timeline]\ntoday = \"2025-01-01\"\n",
        )
        .file(
            "content/main.md",
            "+++\ntitle = \"Main\"\n[[events]]\nid = \"deal\"\ndate = \"2024-01-05\"\ntitle = \"The deal\"\n\
             [[events]]\nid = \"vote\"\ndate = \"2024-02-05\"\ntitle = \"The vote\"\n+++\nText.\n",
        );
    for name in citers {
        site = site.file(
            &format!("content/{name}.md"),
            format!("+++\ntitle = \"{name}\"\n+++\nSee [main](@/main.md).\n"),
        );
    }
    if other {
        site = site.file(
            "content/other.md",
            "+++\ntitle = \"Other\"\n[[events]]\nid = \"other\"\ndate = \"2024-03-01\"\ntitle = \"Elsewhere\"\n+++\nText.\n",
        );
    }
    site.build_ok();
    site
}

#[test]
fn an_event_names_two_citing_analyses_and_counts_the_rest() {
    // Issue 20: every event repeated the same list of citing analyses.
    let site = citing_site(&["one", "two", "three", "four", "five"], true);
    let html = site.html("/timeline/");
    let links = texts(&html, "#e-deal .event-meta a");
    assert_eq!(links.len(), 4, "{links:?}");
    assert_eq!(links[0], "Main");
    assert!(
        ["one", "two", "three", "four", "five"].contains(&links[1].as_str()),
        "{links:?}"
    );
    assert_eq!(links[3], "+3 more");
    assert_eq!(
        attr(&html, "#e-deal .event-meta a.more", "href"),
        "/main/#connected-title"
    );
    let meta = text(&html, "#e-deal .event-meta");
    assert!(
        meta.contains(&format!("cited by {}, {} +3 more", links[1], links[2])),
        "{meta}"
    );
    // "Other" is cited by none: the events do not all share their citers.
    assert_eq!(count(&html, "p.cited-by-all"), 0);
    assert_eq!(count(&html, ".chronology.same-citers"), 0);
    site.assert_no_broken_links();
}

#[test]
fn when_every_event_has_the_same_citers_the_timeline_says_so_once() {
    let site = citing_site(&["one", "two", "three"], false);
    let html = site.html("/timeline/");
    assert_eq!(count(&html, ".chronology.same-citers"), 1);
    let said = text(&html, "p.cited-by-all");
    assert!(
        said.starts_with("The analyses recording these events are all cited by the same 3: "),
        "{said}"
    );
    assert!(!said.contains("more"), "{said}");
    assert_eq!(count(&html, "p.cited-by-all a"), 3);
    // Each event still carries its own list, which the theme hides under the sentence.
    assert_eq!(count(&html, ".same-citers li.event .cited-by"), 2);
    let css = site.output_text("/style.css");
    assert!(css.contains(".same-citers .cited-by { display: none; }"));
}

#[test]
fn the_graph_of_a_one_section_site_draws_its_analyses_without_blank_space() {
    // Issue 20: one section made one empty circle above ~300 px of nothing.
    let site = short_site();
    let html = site.html("/graph/");
    let svg = "svg.site-graph.by-page";
    assert_eq!(count(&html, svg), 1);
    // Oldest first, each a link with its title.
    assert_eq!(
        attrs(&html, &format!("{svg} a"), "href"),
        [
            "/notes/talks/",
            "/notes/signing/",
            "/notes/response/",
            "/notes/outlook/"
        ]
    );
    assert_eq!(
        texts(&html, &format!("{svg} a text")),
        ["The talks open", "The text is signed", "Responses", "Outlook"]
    );
    // Five pairs of analyses link: signing and response to the talks, and so on.
    assert_eq!(count(&html, &format!("{svg} path.arc")), 5);
    // As tall as its rows.
    let view_box = attr(&html, svg, "viewBox");
    let height: f64 = view_box
        .split_whitespace()
        .nth(3)
        .and_then(|h| h.parse().ok())
        .expect("a height");
    assert!(height <= 26.0 * 4.0 + 10.0, "{view_box}");
    assert!(text(&html, "header .lede").contains("by analysis"));
    site.assert_no_broken_links();
}

#[test]
fn the_graph_of_a_site_with_sections_still_draws_sections() {
    let site = SiteTest::example();
    site.build_ok();
    let html = site.html("/graph/");
    assert_eq!(count(&html, "svg.site-graph.by-page"), 0);
    assert_eq!(count(&html, "svg.site-graph.by-section circle.node"), 5);
    assert_eq!(count(&html, "table.graph-table tbody tr"), 5);
    // The same five sections as rows, which the theme shows on a phone instead; ids
    // stay unique on the page.
    assert_eq!(
        texts(&html, "svg.site-graph.by-section-rows a text"),
        ["Diplomacy", "Economy", "Outlook", "Security", "Society"]
    );
    assert_eq!(
        attr(&html, "svg.by-section-rows", "aria-labelledby"),
        "sgr-title sgr-desc"
    );
    let css = site.output_text("/style.css");
    assert!(css.contains("svg.site-graph.by-section-rows { display: none; }"));
}

/// The displayed text boxes under `selector` that overlap, as text, at the browser's
/// current size, with how many were displayed.
pub(crate) fn overlaps(selector: &str) -> String {
    format!(
        "(() => {{
  const boxes = [...document.querySelectorAll('{selector}')]
    .map(t => ({{ text: t.textContent, r: t.getBoundingClientRect() }}))
    .filter(b => b.r.width > 0);
  const found = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {{
    const a = boxes[i].r, b = boxes[j].r;
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      found.push(boxes[i].text + ' / ' + boxes[j].text);
  }}
  return [boxes.length, found, Math.min(...boxes.map(b => b.r.height))];
}})()"
    )
}

#[test]
#[ignore = "needs headless Chromium; .ci/run runs it"]
fn timeline_strip_labels_never_overlap_and_the_page_does_not_scroll_sideways() {
    let short = short_site();
    let example = example_site();
    let sites = [
        serve(&short.path("public")),
        serve(&example.path().join("public")),
    ];
    for (width, height) in [(375, 812), (1280, 800)] {
        let mut browser = Chromium::launch(width, height);
        for base in &sites {
            for path in ["/timeline/", "/graph/"] {
                browser.open(&format!("{base}{path}"));
                browser.eval("document.fonts.ready.then(() => true)");
                let widths = browser.eval("[document.documentElement.scrollWidth, window.innerWidth]");
                let (scroll, inner) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
                assert!(
                    scroll <= inner,
                    "{base}{path} scrolls sideways at {inner} px: {scroll} px wide"
                );
                if path == "/graph/" {
                    // Sections as a circle, or as rows on a phone; analyses as rows.
                    let found = browser.eval(&overlaps("svg.site-graph text"));
                    assert!(found[0].as_i64().unwrap_or(0) >= 4, "{base}{path}: {found}");
                    assert_eq!(found[1], serde_json::json!([]), "{base}{path} at {width} px");
                    assert!(
                        found[2].as_f64().unwrap_or(0.0) >= 11.0,
                        "{base}{path} at {width} px: labels too small to read: {found}"
                    );
                    continue;
                }
                let found = browser.eval(&overlaps("svg.timeline-strip text"));
                assert!(found[0].as_i64().unwrap_or(0) >= 4, "{base}{path}: {found}");
                assert_eq!(found[1], serde_json::json!([]), "{base}{path} at {width} px");
                // The strip is never drawn smaller than its own size: 12px labels stay 12px.
                let size = browser.eval(
                    "(() => { const t = document.querySelector('svg.timeline-strip text.tick');
                       return t.getBoundingClientRect().height; })()",
                );
                assert!(
                    size.as_f64().unwrap_or(0.0) >= 12.0,
                    "{base}{path} at {width} px: labels {size} px high"
                );
                // At phone width the strip scrolls inside its own box.
                if width == 375 {
                    let inside = browser.eval(
                        "(() => { const s = document.querySelector('.strip-scroll');
                           return [s.scrollWidth, s.clientWidth]; })()",
                    );
                    assert!(inside[0].as_i64() > inside[1].as_i64(), "{inside}");
                }
            }
        }
    }
}

#[test]
#[ignore = "needs Chromium (headless) and axe-core; run by .ci/run"]
fn axe_finds_nothing_on_the_timeline_strip_and_graph_of_analyses_at_either_width() {
    let axe = crate::accessibility::axe_script();
    let site = short_site();
    let base = serve(&site.path("public"));
    let mut report = Vec::new();
    for (width, height) in [(375, 812), (1280, 800)] {
        let mut browser = Chromium::launch(width, height);
        for scheme in ["light", "dark"] {
            browser.call(
                "Emulation.setEmulatedMedia",
                serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
            );
            for path in ["/timeline/", "/graph/"] {
                browser.open(&format!("{base}{path}"));
                for v in crate::accessibility::violations(&mut browser, &axe) {
                    report.push(format!("{path} at {width} px ({scheme}): {v}"));
                }
            }
        }
    }
    assert!(report.is_empty(), "axe-core found:\n{}", report.join("\n"));
}
