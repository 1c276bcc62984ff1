//! The timeline: events from dated analyses and their `events` lists, `/timeline/` (order,
//! grouping by year and month, the density strip, eras, upcoming events, term chips), the
//! per-term timelines and term pages, the mini-timeline of an analysis, `timeline.json`,
//! `timeline.ics`, the errors events can raise, and determinism under a base path.
//!
//! Every fixture sets `[timeline] today`, so no output depends on the day the tests run.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use scraper::{ElementRef, Html, Selector};

use crate::harness::*;

/// The line every `timeline/site` config has; tests replace it to move "today".
const FIXTURE_TODAY: &str = "today = \"2024-12-20\"";

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e:?}"))
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text_of(el: ElementRef) -> String {
    squash(&el.text().collect::<String>())
}

fn texts_in(el: ElementRef, css: &str) -> Vec<String> {
    el.select(&sel(css)).map(text_of).collect()
}

fn attrs_in(el: ElementRef, css: &str, attr: &str) -> Vec<String> {
    el.select(&sel(css))
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// One `li.event` as a reader sees it.
#[derive(Debug, Clone, PartialEq)]
struct Ev {
    id: String,
    title: String,
    datetimes: Vec<String>,
    labels: Vec<String>,
    approx: bool,
    era: Option<String>,
    terms: BTreeSet<String>,
}

/// Every `li.event` under the elements matching `scope`, in document order.
fn events_in(html: &Html, scope: &str) -> Vec<Ev> {
    let css = if scope.is_empty() {
        "li.event".to_owned()
    } else {
        format!("{scope} li.event")
    };
    html.select(&sel(&css))
        .map(|li| Ev {
            id: li.value().attr("id").unwrap_or_default().to_owned(),
            title: texts_in(li, ".event-title").join(" | "),
            datetimes: attrs_in(li, ".event-date time", "datetime"),
            labels: texts_in(li, ".event-date time"),
            approx: !texts_in(li, ".approx").is_empty(),
            era: texts_in(li, ".era-tag").into_iter().next(),
            terms: li
                .value()
                .attr("data-terms")
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        })
        .collect()
}

fn titles(events: &[Ev]) -> Vec<String> {
    events.iter().map(|e| e.title.clone()).collect()
}

/// One `li.month` of a year list.
#[derive(Debug)]
struct MonthView {
    id: String,
    heading: String,
    bands: Vec<String>,
    events: Vec<String>,
}

fn months(html: &Html) -> Vec<MonthView> {
    html.select(&sel("section.timeline-year li.month"))
        .map(|li| MonthView {
            id: li.value().attr("id").unwrap_or_default().to_owned(),
            heading: texts_in(li, "h3").join(" | "),
            bands: texts_in(li, ".era-band > strong"),
            events: texts_in(li, "li.event .event-title"),
        })
        .collect()
}

/// Every id on a page; panics on a duplicate.
fn unique_ids(html: &Html) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for id in attrs(html, "[id]", "id") {
        assert!(seen.insert(id.clone()), "the id {id:?} appears twice");
    }
    seen
}

/// The `timeline/site` fixture with "today" moved (`None` removes the setting).
fn site_with_today(today: Option<&str>) -> SiteTest {
    let site = SiteTest::fixture("timeline/site");
    let config = site.read("config.toml");
    assert!(config.contains(FIXTURE_TODAY), "{config}");
    let line = today.map_or_else(String::new, |t| format!("today = \"{t}\""));
    site.write("config.toml", config.replace(FIXTURE_TODAY, &line));
    site
}

/// The `timeline/site` fixture, built as it is (today is 2024-12-20).
fn built_site() -> SiteTest {
    let site = SiteTest::fixture("timeline/site");
    site.build_ok();
    site
}

// ---------------------------------------------------------------------------------------
// 1. Order

#[test]
fn events_are_ordered_by_utc_start_then_precision_page_and_title() {
    let site = SiteTest::fixture("timeline/order");
    site.build_ok();
    let html = site.html("/timeline/");
    let events = events_in(&html, "section.timeline-year");
    assert_eq!(
        titles(&events),
        [
            // 2024-01-01 00:00 UTC: the year alone starts the year.
            "Year event",
            // 2024-10-01 twice: the month before the day (coarser first on a tie).
            "Month event",
            "First of October",
            // The analysis's own date.
            "Main analysis",
            // 01:00 at +05:00 is 2024-10-27 20:00 UTC, before 2024-10-28 00:00 UTC.
            "Zoned event",
            // 2024-10-28 twice, both days: by content path, notes/main.md first.
            "Day event",
            "Other analysis",
            // 2024-10-30 twice in one page: by title, whatever the order written.
            "Alpha",
            "Zulu",
        ]
    );
    assert!(
        !html.html().contains("Undated analysis"),
        "an undated page is no event"
    );
    let datetimes: Vec<Vec<String>> = events.iter().map(|e| e.datetimes.clone()).collect();
    assert_eq!(
        datetimes,
        [
            vec!["2024"],
            vec!["2024-10"],
            vec!["2024-10-01"],
            vec!["2024-10-15"],
            vec!["2024-10-28T01:00:00+05:00"],
            vec!["2024-10-28"],
            vec!["2024-10-28"],
            vec!["2024-10-30"],
            vec!["2024-10-30"],
        ]
    );
    let labels: Vec<Vec<String>> = events.iter().map(|e| e.labels.clone()).collect();
    assert_eq!(
        labels,
        [
            vec!["2024"],
            vec!["Oct 2024"],
            vec!["1 Oct 2024"],
            vec!["15 Oct 2024"],
            // The label keeps the time as written, in its own offset.
            vec!["28 Oct 2024, 01:00"],
            vec!["28 Oct 2024"],
            vec!["28 Oct 2024"],
            vec!["30 Oct 2024"],
            vec!["30 Oct 2024"],
        ]
    );
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "e-2024-year-event",
            "e-2024-10-month-event",
            "e-2024-10-01-first-of-october",
            "e-a-notes-main",
            "e-2024-10-28-zoned-event",
            "e-2024-10-28-day-event",
            "e-a-notes-other",
            "e-2024-10-30-alpha",
            "e-2024-10-30-zulu",
        ]
    );
    // The exports use the same order.
    let json: serde_json::Value = serde_json::from_str(&site.read("public/timeline.json")).unwrap();
    let headlines: Vec<&str> = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"]["headline"].as_str().unwrap())
        .collect();
    assert_eq!(headlines, titles(&events));
    site.assert_no_broken_links();
}

#[test]
fn events_in_yaml_front_matter() {
    let site = SiteTest::fixture("timeline/base").file(
        "content/yaml.md",
        "---\ntitle: \"Yaml analysis\"\ndate: 2024-10-20\nevents:\n  - date: 2024-10\n    title: \"Yaml month\"\n  - date: \"2024-10-21\"\n    title: \"Yaml day\"\n    importance: 3\n---\n\nBody.\n",
    );
    site.build_ok();
    let html = site.html("/timeline/");
    let events = events_in(&html, "section.timeline-year");
    assert_eq!(
        titles(&events),
        ["Yaml month", "Good analysis", "Yaml analysis", "Yaml day"]
    );
    assert_eq!(
        attrs(&html, "li.event.importance-3", "id"),
        ["e-2024-10-21-yaml-day"]
    );
}

// ---------------------------------------------------------------------------------------
// 2. Grouping, the month table and the strip

#[test]
fn timeline_is_grouped_by_year_and_month_with_a_month_table_and_a_strip() {
    // Nothing upcoming here: every month is listed.
    let site = site_with_today(Some("2026-01-01"));
    site.build_ok();
    let html = site.html("/timeline/");
    let ids = unique_ids(&html);
    assert_eq!(count(&html, "section.upcoming"), 0);
    assert_eq!(
        texts(&html, "section.timeline-year > h2"),
        ["2023", "2024", "2025"]
    );
    assert_eq!(
        attrs(&html, "section.timeline-year > h2", "id"),
        ["y-2023", "y-2024", "y-2025"]
    );
    let months = months(&html);
    let got: Vec<(&str, &str, usize)> = months
        .iter()
        .map(|m| (m.id.as_str(), m.heading.as_str(), m.events.len()))
        .collect();
    assert_eq!(
        got,
        [
            // A date with only a year is grouped on its own, with an id of its own.
            ("m-2023", "2023 (month not known)", 1),
            ("m-2024-09", "September 2024", 1),
            ("m-2024-10", "October 2024", 2),
            ("m-2024-11", "November 2024", 3),
            ("m-2024-12", "December 2024", 2),
            ("m-2025-02", "February 2025", 1),
        ]
    );
    // The months sit in their year's section.
    assert_eq!(
        attrs(
            &html,
            "section.timeline-year[aria-labelledby=y-2024] li.month",
            "id"
        ),
        ["m-2024-09", "m-2024-10", "m-2024-11", "m-2024-12"]
    );
    assert_eq!(
        months[3].events,
        [
            "Timed briefing",
            "Seoul briefing",
            "Überprüfung der Lage: ein sehr langer Titel, der über fünfundsiebzig Oktette hinausgeht"
        ]
    );

    // The month table says the same as the lists, each row linking to its month.
    let table = "figure.timeline-figure table.month-table tbody tr";
    let rows: Vec<(String, String, String)> = texts(&html, &format!("{table} > th"))
        .into_iter()
        .zip(attrs(&html, &format!("{table} > th a"), "href"))
        .zip(texts(&html, &format!("{table} > td")))
        .map(|((label, href), n)| (label, href, n))
        .collect();
    let expected: Vec<(String, String, String)> = months
        .iter()
        .map(|m| {
            (
                m.heading.clone(),
                format!("#{}", m.id),
                m.events.len().to_string(),
            )
        })
        .collect();
    assert_eq!(rows, expected);

    // The strip: a labelled group (its bars are links, so not role="img", which would
    // hide them) whose bars link to months listed below.
    let svg = "figure.timeline-figure svg.timeline-strip";
    assert_eq!(attr(&html, svg, "role"), "group");
    let labelled_by = attr(&html, svg, "aria-labelledby");
    assert_eq!(labelled_by, "strip-title strip-desc");
    for id in labelled_by.split_whitespace() {
        assert!(ids.contains(id), "aria-labelledby names {id:?}, which is no id");
    }
    assert_eq!(text(&html, &format!("{svg} > title")), "Events per month");
    let desc = text(&html, &format!("{svg} > desc"));
    assert!(desc.contains("from Sep 2024 to Feb 2025"), "{desc}");
    assert!(desc.contains("the busiest month is Nov 2024 with 3"), "{desc}");
    let bars = attrs(&html, &format!("{svg} a"), "href");
    assert_eq!(
        bars,
        [
            "#m-2024-09",
            "#m-2024-10",
            "#m-2024-11",
            "#m-2024-12",
            "#m-2025-02"
        ]
    );
    for bar in &bars {
        let id = bar.trim_start_matches('#');
        assert!(
            months.iter().any(|m| m.id == id),
            "the bar {bar} links to no listed month"
        );
    }
    // Each bar names its month and count for screen readers and on hover.
    assert_eq!(texts(&html, &format!("{svg} a > title"))[2], "Nov 2024: 3 events");
    site.assert_no_broken_links();
}

#[test]
fn strip_bars_of_upcoming_months_link_to_the_upcoming_list() {
    let site = built_site();
    let html = site.html("/timeline/");
    let ids = unique_ids(&html);
    let svg = "svg.timeline-strip";
    let bars = attrs(&html, &format!("{svg} a"), "href");
    // February 2025 is after today: its events are listed under "Upcoming", not a month.
    assert_eq!(
        bars,
        [
            "#m-2024-09",
            "#m-2024-10",
            "#m-2024-11",
            "#m-2024-12",
            "#upcoming-title"
        ]
    );
    for bar in &bars {
        assert!(
            ids.contains(bar.trim_start_matches('#')),
            "the strip links to {bar}, which is not on the page"
        );
    }
    assert_eq!(
        attrs(&html, &format!("{svg} a rect"), "class"),
        ["bar", "bar", "bar", "bar", "bar upcoming"]
    );
    // The same on a term's timeline.
    let term = site.html("/tags/x/timeline/");
    let term_ids = unique_ids(&term);
    for bar in attrs(&term, &format!("{svg} a"), "href") {
        assert!(term_ids.contains(bar.trim_start_matches('#')), "{bar}");
    }
    site.assert_no_broken_links();
}

#[test]
fn a_zoned_event_across_a_month_boundary_does_not_repeat_a_month() {
    let site = SiteTest::fixture("timeline/base").file(
        "content/zones.md",
        "+++\ntitle = \"Zones\"\ndate = 2024-10-15\n\n[[events]]\ndate = \"2024-11-01T01:00:00+05:00\"\ntitle = \"Early November in Tashkent\"\n\n[[events]]\ndate = \"2024-10-31T23:00:00+00:00\"\ntitle = \"Late October in London\"\n+++\n",
    );
    site.build_ok();
    let html = site.html("/timeline/");
    // 2024-11-01 01:00 at +05:00 is 2024-10-31 20:00 UTC, three hours before the London
    // event, yet it belongs to November as written.
    let headings = texts(&html, "li.month > h3");
    let distinct: BTreeSet<&String> = headings.iter().collect();
    assert_eq!(
        distinct.len(),
        headings.len(),
        "a month is listed twice: {headings:?}"
    );
    unique_ids(&html);
    site.assert_no_broken_links();
}

// ---------------------------------------------------------------------------------------
// 3. Ranges and approximate dates

#[test]
fn ranges_show_their_end_and_coarse_dates_are_approximate() {
    let site = built_site();
    let html = site.html("/timeline/");
    let events = events_in(&html, "");
    let by_id: BTreeMap<&str, &Ev> = events.iter().map(|e| (e.id.as_str(), e)).collect();
    let confirm = by_id["e-confirm"];
    assert_eq!(confirm.datetimes, ["2024-10-28", "2024-11-05"]);
    assert_eq!(confirm.labels, ["28 Oct 2024", "5 Nov 2024"]);
    assert_eq!(
        text(&html, "#e-confirm .event-date"),
        // The era is a tag of its own, announced as one, not more of the date.
        "28 Oct 2024 – 5 Nov 2024 Era: Build-up"
    );
    // Events without an end have one <time>.
    for e in events.iter().filter(|e| e.id != "e-confirm") {
        assert_eq!(e.datetimes.len(), 1, "{e:?}");
    }
    // Only dates coarser than a day are approximate.
    let approximate: Vec<&str> = events
        .iter()
        .filter(|e| e.approx)
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(
        approximate,
        [
            "e-2023-treaty-talks-begin",
            "e-2024-09-reports-of-training",
            "e-2025-02-planned-review"
        ]
    );
    assert_eq!(
        texts(&html, "#e-2024-09-reports-of-training .approx"),
        ["(approximate)"]
    );
    // The other fields of a full event.
    assert_eq!(attrs(&html, "li.event.importance-3", "id"), ["e-confirm"]);
    assert_eq!(text(&html, "#e-confirm .event-summary"), "Confirmed by NATO.");
    assert_eq!(texts(&html, "#e-confirm .event-summary em"), ["NATO"]);
    assert_eq!(text(&html, "#e-confirm .place"), "Brussels");
    let meta = text(&html, "#e-confirm .event-meta");
    assert!(meta.contains("Source: NATO statement"), "{meta}");
}

// ---------------------------------------------------------------------------------------
// 4. Eras

#[test]
fn eras_are_announced_once_before_their_first_month_and_tag_their_events() {
    let site = built_site();
    let html = site.html("/timeline/");
    assert_eq!(texts(&html, ".era-band > strong"), ["Build-up", "Response"]);
    let bands: Vec<(String, Vec<String>)> = months(&html)
        .into_iter()
        .filter(|m| !m.bands.is_empty())
        .map(|m| (m.id, m.bands))
        .collect();
    assert_eq!(
        bands,
        [
            ("m-2024-09".to_owned(), strings(&["Build-up"])),
            ("m-2024-11".to_owned(), strings(&["Response"])),
        ]
    );
    // The band comes before the month's heading and says when the era runs.
    assert_eq!(
        attrs(&html, "#m-2024-09 > .era-band time", "datetime"),
        ["2024-09-01", "2024-10-31"]
    );
    assert_eq!(
        text(&html, "#m-2024-09 > .era-band"),
        "Build-up 1 Sep 2024 – 31 Oct 2024"
    );
    let first_child = html
        .select(&sel("#m-2024-11"))
        .next()
        .and_then(|li| li.children().filter_map(ElementRef::wrap).next())
        .map(|e| e.value().attr("class").unwrap_or_default().to_owned());
    assert_eq!(first_child.as_deref(), Some("era-band"));

    let eras: Vec<(String, Option<String>)> = events_in(&html, "")
        .into_iter()
        .map(|e| (e.title, e.era))
        .collect();
    let era = |s: &str| Some(s.to_owned());
    assert_eq!(
        eras,
        [
            ("Treaty talks begin".to_owned(), None),
            ("Reports of training".to_owned(), era("Build-up")),
            ("Kursk deployment".to_owned(), era("Build-up")),
            ("NATO confirms, units in Kursk".to_owned(), era("Build-up")),
            ("Timed briefing".to_owned(), era("Response")),
            ("Seoul briefing".to_owned(), era("Response")),
            (
                "Überprüfung der Lage: ein sehr langer Titel, der über fünfundsiebzig Oktette hinausgeht"
                    .to_owned(),
                era("Response")
            ),
            ("Response; phase two".to_owned(), era("Response")),
            ("Review on the day".to_owned(), era("Response")),
            // Upcoming, after the chronology.
            ("Planned review".to_owned(), None),
        ]
    );
}

#[test]
fn era_bands_sit_in_the_first_month_with_events_of_the_era() {
    let site = SiteTest::fixture("timeline/base")
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntaxonomies = [{ name = \"tags\" }]\n\n[timeline]\ntoday = \"2024-12-20\"\neras = [\n    { name = \"Gap\", start = \"2024-06-01\", end = \"2024-06-30\" },\n    { name = \"Early\", start = \"2024-09-01\", end = \"2024-10-27\" },\n    { name = \"Late\", start = \"2024-10-28\", end = \"2024-12-31\" },\n]\n",
        )
        .file(
            "content/eras.md",
            "+++\ntitle = \"Eras\"\ndate = 2024-10-15\n\n[[events]]\ndate = \"2024-10-28\"\ntitle = \"Late October\"\n\n[[events]]\ndate = \"2024-11-03\"\ntitle = \"Early November\"\n+++\n",
        );
    site.build_ok();
    let html = site.html("/timeline/");
    // Events of October: Good analysis (1 Oct) and Eras (15 Oct) in "Early", Late
    // October (28 Oct) in "Late". So both bands belong before October; "Gap" covers no
    // listed month.
    let mut first_month_of: BTreeMap<String, String> = BTreeMap::new();
    for li in html.select(&sel("section.timeline-year li.month")) {
        let id = li.value().attr("id").unwrap_or_default().to_owned();
        for era in texts_in(li, ".era-tag") {
            first_month_of.entry(era).or_insert_with(|| id.clone());
        }
    }
    assert_eq!(first_month_of["Early"], "m-2024-10");
    assert_eq!(first_month_of["Late"], "m-2024-10");
    let bands: Vec<(String, Vec<String>)> = months(&html)
        .into_iter()
        .filter(|m| !m.bands.is_empty())
        .map(|m| (m.id, m.bands))
        .collect();
    assert_eq!(bands, [("m-2024-10".to_owned(), strings(&["Early", "Late"]))]);
}

// ---------------------------------------------------------------------------------------
// 5. Upcoming events

#[test]
fn events_after_today_are_upcoming_and_today_moves_them() {
    let site = built_site();
    let html = site.html("/timeline/");
    assert_eq!(text(&html, "section.upcoming > h2"), "Upcoming");
    assert_eq!(titles(&events_in(&html, "section.upcoming")), ["Planned review"]);
    let listed = titles(&events_in(&html, "section.timeline-year"));
    assert!(!listed.contains(&"Planned review".to_owned()), "{listed:?}");
    // An event on the day itself is not upcoming.
    assert!(listed.contains(&"Review on the day".to_owned()), "{listed:?}");
    assert_eq!(texts(&html, "section.timeline-year > h2"), ["2023", "2024"]);
    // The upcoming section comes after the years (issue 20: it stood before them).
    let order: Vec<String> = attrs(&html, "section.upcoming, section.timeline-year", "class");
    assert_eq!(order.last().map(String::as_str), Some("upcoming"));

    // An earlier "today": December moves up.
    let site = site_with_today(Some("2024-11-30"));
    site.build_ok();
    let html = site.html("/timeline/");
    assert_eq!(
        titles(&events_in(&html, "section.upcoming")),
        ["Response; phase two", "Review on the day", "Planned review"]
    );
    assert!(
        !attrs(&html, "li.month", "id").contains(&"m-2024-12".to_owned()),
        "December is all upcoming"
    );
    assert_eq!(count(&html, "li.event"), 10);

    // A later one: nothing is upcoming, February 2025 is listed.
    let site = site_with_today(Some("2026-01-01"));
    site.build_ok();
    let html = site.html("/timeline/");
    assert_eq!(count(&html, "section.upcoming"), 0);
    assert_eq!(texts(&html, "#m-2025-02 .event-title"), ["Planned review"]);
}

#[test]
fn without_today_source_date_epoch_decides_what_is_upcoming() {
    let site = site_with_today(None);
    assert!(!site.read("config.toml").contains("today"));
    let mut cmd = Command::new(BIN);
    cmd.arg("--root")
        .arg(site.root())
        .arg("build")
        .current_dir(site.root())
        // 2024-11-30T12:00:00Z
        .env("SOURCE_DATE_EPOCH", "1732968000");
    Output::of(cmd).assert_success();
    let html = site.html("/timeline/");
    assert_eq!(
        titles(&events_in(&html, "section.upcoming")),
        ["Response; phase two", "Review on the day", "Planned review"]
    );
}

// ---------------------------------------------------------------------------------------
// 6. Terms: per-term timelines, term pages, chips

/// Events of `timeline/site` carrying the tag x, in order: the page's own tags count for
/// events without `taxonomies`; an event's own `taxonomies` replace them.
const TAG_X: &[&str] = &[
    "Kursk deployment",
    "NATO confirms, units in Kursk",
    "Timed briefing",
    "Response; phase two",
    "Review on the day",
    "Planned review",
];

#[test]
fn a_term_timeline_lists_only_the_events_carrying_the_term() {
    let site = built_site();
    let html = site.html("/tags/x/timeline/");
    assert_eq!(text(&html, "h1"), "Timeline: x");
    assert_eq!(attr(&html, ".section-header .kicker a", "href"), "/tags/x/");
    assert!(text(&html, ".section-header .lede").starts_with("6 events"));
    assert_eq!(
        attrs(&html, ".section-header .lede a", "href"),
        ["/timeline/", "#upcoming-title"]
    );
    // The years, then what is upcoming.
    let expected = strings(TAG_X);
    let events = events_in(&html, "");
    assert_eq!(titles(&events), expected);
    // Events carry their terms for the filter chips of /timeline/ only: here they would
    // cost the square of an event's terms across its term timelines.
    for e in &events {
        assert!(e.terms.is_empty(), "{e:?}");
    }
    // Not: "Reports of training" (its own tags are z), "Seoul briefing" (tag y only).
    // No chips on a term's own timeline.
    assert_eq!(count(&html, "a.chip[data-filter]"), 0);
    // The strip and month table only count the term's events.
    assert_eq!(
        attrs(&html, "table.month-table th a", "href"),
        ["#m-2024-10", "#m-2024-11", "#m-2024-12"]
    );
    unique_ids(&html);

    // An event's own taxonomies replace the page's: "Response; phase two" is recorded in
    // the Seoul briefing (region korea) but names only the tag x.
    let korea = site.html("/regions/korea/timeline/");
    assert_eq!(
        titles(&events_in(&korea, "")),
        [
            "Treaty talks begin",
            "Seoul briefing",
            "Überprüfung der Lage: ein sehr langer Titel, der über fünfundsiebzig Oktette hinausgeht"
        ]
    );
}

#[test]
fn a_term_page_lists_its_first_events_and_links_to_its_timeline() {
    let site = built_site();
    let html = site.html("/tags/x/");
    assert_eq!(text(&html, "section.term-events > h2"), "Events");
    // Up to five, in the timeline's order.
    assert_eq!(
        titles(&events_in(&html, "section.term-events")),
        strings(&TAG_X[..5])
    );
    let link = "section.term-events > p > a";
    assert_eq!(attr(&html, link, "href"), "/tags/x/timeline/");
    assert_eq!(text(&html, link), "All 6 events on the timeline of x");
    // The analyses are still listed after the events.
    assert_eq!(
        texts(&html, ".term-pages a"),
        ["Kursk deployment", "Undated note"]
    );
    site.assert_no_broken_links();
}

#[test]
fn chips_on_the_timeline_link_to_the_term_timelines() {
    let site = built_site();
    let html = site.html("/timeline/");
    let chips: Vec<(String, String, String)> = attrs(&html, "a.chip[data-filter]", "data-filter")
        .into_iter()
        .zip(attrs(&html, "a.chip[data-filter]", "href"))
        .zip(texts(&html, "a.chip[data-filter]"))
        .map(|((f, h), t)| (f, h, t))
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("tags/x", "/tags/x/timeline/", "x 6"),
        ("tags/y", "/tags/y/timeline/", "y 8"),
        ("regions/korea", "/regions/korea/timeline/", "korea 3"),
        ("regions/kursk", "/regions/kursk/timeline/", "kursk 5"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(chips, expected);
    // Each chip's count is the number of events whose data-terms name it, and its
    // timeline lists exactly those.
    let events = events_in(&html, "");
    for (filter, href, label) in &chips {
        let mut carrying: Vec<String> = events
            .iter()
            .filter(|e| e.terms.contains(filter))
            .map(|e| e.title.clone())
            .collect();
        assert!(
            label.ends_with(&format!(" {}", carrying.len())),
            "{label}: {carrying:?}"
        );
        let mut on_term_timeline = titles(&events_in(&site.html(href), ""));
        on_term_timeline.sort();
        carrying.sort();
        assert_eq!(on_term_timeline, carrying, "{href}");
    }
    // data-terms use taxonomy/term slugs.
    let confirm = events.iter().find(|e| e.id == "e-confirm").unwrap();
    assert_eq!(
        confirm.terms,
        ["regions/kursk", "tags/x", "tags/y"]
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>()
    );
}

// ---------------------------------------------------------------------------------------
// 7. The analysis side

#[test]
fn an_analysis_lists_its_events_linking_to_their_anchors_on_the_timeline() {
    let site = built_site();
    let timeline_ids = unique_ids(&site.html("/timeline/"));
    let html = site.html("/analyses/kursk/");
    assert_eq!(
        text(&html, "section.mini-timeline > h2"),
        "Events in this analysis"
    );
    let titles = texts(&html, "section.mini-timeline .event-title a");
    let hrefs = attrs(&html, "section.mini-timeline .event-title a", "href");
    // Its own `events` in order; not the analysis's own date.
    assert_eq!(
        titles,
        [
            "Reports of training",
            "NATO confirms, units in Kursk",
            "Timed briefing",
            "Review on the day",
            "Planned review",
        ]
    );
    assert_eq!(
        hrefs,
        [
            "/timeline/#e-2024-09-reports-of-training",
            "/timeline/#e-confirm",
            "/timeline/#e-2024-11-04-timed-briefing",
            "/timeline/#e-2024-12-20-review-on-the-day",
            "/timeline/#e-2025-02-planned-review",
        ]
    );
    for href in &hrefs {
        let fragment = href.split_once('#').unwrap().1;
        assert!(
            timeline_ids.contains(fragment),
            "{href} has no anchor on /timeline/"
        );
    }
    assert_eq!(
        attrs(&html, "section.mini-timeline time", "datetime")[1..3],
        ["2024-10-28", "2024-11-05"]
    );
    assert_eq!(
        texts(&html, "section.mini-timeline .approx").len(),
        2,
        "Sep 2024 and Feb 2025 are approximate"
    );
    // An analysis without `events` has no mini-timeline.
    assert_eq!(
        count(&site.html("/analyses/undated/"), "section.mini-timeline"),
        0
    );
    assert_eq!(
        texts(
            &site.html("/analyses/seoul/"),
            "section.mini-timeline .event-title"
        ),
        [
            "Treaty talks begin",
            "Überprüfung der Lage: ein sehr langer Titel, der über fünfundsiebzig Oktette hinausgeht",
            "Response; phase two"
        ]
    );
}

#[test]
fn an_event_cited_by_three_analyses_names_them_all() {
    let mut site = SiteTest::empty().file(
        "config.toml",
        "base_url = \"https://example.org/\"\nbuild_search_index = false\n",
    );
    site = site.file(
        "content/main.md",
        "+++\ntitle = \"Main\"\ndate = 2024-01-01\n[[events]]\nid = \"deal\"\ndate = \"2024-01-05\"\ntitle = \"The deal\"\n+++\nText.\n",
    );
    for name in ["one", "two", "three"] {
        site = site.file(
            &format!("content/{name}.md"),
            format!("+++\ntitle = \"{name}\"\ndate = 2024-02-01\n+++\nSee [main](@/main.md).\n"),
        );
    }
    site.build_ok();
    let html = site.html("/timeline/");
    // Three by name, not two and "+1 more" (more are counted: timeline_layout.rs).
    let links = texts(&html, "#e-deal .event-meta a");
    assert_eq!(links.len(), 4, "{links:?}");
    assert_eq!(links[0], "Main");
    let mut citing = links[1..].to_vec();
    citing.sort();
    assert_eq!(citing, ["one", "three", "two"]);
    let meta = text(&html, "#e-deal .event-meta");
    let named = format!("cited by {}, {} and {}", links[1], links[2], links[3]);
    assert!(meta.contains(&named), "{meta}");
    // The analysis lists them too, where "+N more" leads on a longer list.
    let main = site.html("/main/");
    assert_eq!(count(&main, "#connected-title"), 1);
    assert_eq!(count(&main, ".connected li.cites-this"), 3);
    site.assert_no_broken_links();
}

#[test]
fn an_event_links_to_the_analysis_recording_it_and_the_ones_citing_it() {
    let site = built_site();
    let html = site.html("/timeline/");
    let meta = "#e-confirm .event-meta a";
    let links: Vec<(String, String)> = texts(&html, meta)
        .into_iter()
        .zip(attrs(&html, meta, "href"))
        .collect();
    let expected: Vec<(String, String)> = [
        // Recorded in …
        ("Kursk deployment", "/analyses/kursk/"),
        // … cited by …
        ("Seoul briefing", "/analyses/seoul/"),
        // … and its `links`: an @/ path (shown with the page's title) and a URL.
        ("Seoul briefing", "/analyses/seoul/"),
        ("https://example.com/report", "https://example.com/report"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(links, expected);
    let meta_text = text(&html, "#e-confirm .event-meta");
    assert!(
        meta_text.contains("Recorded in Kursk deployment; cited by Seoul briefing"),
        "{meta_text}"
    );
    // An analysis's own event links its title to it and is marked as one.
    assert_eq!(
        attrs(&html, "#e-a-analyses-kursk .event-title a", "href"),
        ["/analyses/kursk/"]
    );
    assert_eq!(
        attrs(&html, "li.event.is-analysis", "id"),
        ["e-a-analyses-kursk", "e-a-analyses-seoul"]
    );
    assert_eq!(
        text(&html, "#e-a-analyses-kursk .event-summary"),
        "Troops & training."
    );
}

// ---------------------------------------------------------------------------------------
// 8. Exports

/// (year, month, day) of a TimelineJS date object.
type Ymd = (Option<i64>, Option<i64>, Option<i64>);

#[test]
fn timeline_json_has_timelinejs_shape() {
    let site = built_site();
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/timeline.json")).expect("timeline.json parses");
    assert_eq!(json["title"]["text"]["headline"], "Timeline fixture");
    let events = json["events"].as_array().expect("events");
    assert_eq!(events.len(), 10);
    let ids: Vec<&str> = events.iter().map(|e| e["unique_id"].as_str().unwrap()).collect();
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "{ids:?}");
    // The same events as the page, with the same ids.
    let page_ids: BTreeSet<String> = events_in(&site.html("/timeline/"), "")
        .into_iter()
        .map(|e| e.id.trim_start_matches("e-").to_owned())
        .collect();
    assert_eq!(
        ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>(),
        page_ids
    );
    let by_id: BTreeMap<&str, &serde_json::Value> = ids.iter().copied().zip(events).collect();

    let confirm = by_id["confirm"];
    assert_eq!(confirm["text"]["headline"], "NATO confirms, units in Kursk");
    assert_eq!(confirm["text"]["text"], "Confirmed by <em>NATO</em>.");
    let ymd = |v: &serde_json::Value| -> Ymd { (v["year"].as_i64(), v["month"].as_i64(), v["day"].as_i64()) };
    assert_eq!(ymd(&confirm["start_date"]), (Some(2024), Some(10), Some(28)));
    assert_eq!(ymd(&confirm["end_date"]), (Some(2024), Some(11), Some(5)));
    assert_eq!(confirm["start_date"]["display_date"], "28 Oct 2024");
    assert_eq!(confirm["url"], "https://example.org/timeline/#e-confirm");
    assert_eq!(confirm["analysis"], "https://example.org/analyses/kursk/");
    assert_eq!(confirm["group"], "Analyses");
    assert_eq!(confirm["place"], "Brussels");
    assert_eq!(confirm["importance"], 3);
    assert_eq!(confirm["precision"], "day");

    // Coarse dates leave out what is not known; only ranges have an end.
    let training = by_id["2024-09-reports-of-training"];
    assert_eq!(ymd(&training["start_date"]), (Some(2024), Some(9), None));
    assert_eq!(training["precision"], "month");
    assert!(training.get("end_date").is_none());
    assert_eq!(training["taxonomies"], serde_json::json!({ "tags": ["z"] }));
    let treaty = by_id["2023-treaty-talks-begin"];
    assert_eq!(ymd(&treaty["start_date"]), (Some(2023), None, None));
    let timed = by_id["2024-11-04-timed-briefing"];
    assert_eq!(timed["start_date"]["hour"], 9);
    assert_eq!(timed["start_date"]["minute"], 30);
    assert_eq!(timed["start_date"]["display_date"], "4 Nov 2024, 09:30");
    for e in events {
        assert_eq!(e.get("end_date").is_some(), e["unique_id"] == "confirm", "{e}");
    }

    let eras: Vec<(&str, Ymd, Ymd)> = json["eras"]
        .as_array()
        .expect("eras")
        .iter()
        .map(|e| {
            (
                e["text"]["headline"].as_str().unwrap(),
                ymd(&e["start_date"]),
                ymd(&e["end_date"]),
            )
        })
        .collect();
    assert_eq!(
        eras,
        [
            (
                "Build-up",
                (Some(2024), Some(9), Some(1)),
                (Some(2024), Some(10), Some(31))
            ),
            (
                "Response",
                (Some(2024), Some(11), Some(1)),
                (Some(2024), Some(12), Some(31))
            ),
        ]
    );
}

/// The content lines of an iCalendar file: checks CRLF endings and the 75-octet limit,
/// then unfolds (a CRLF followed by a space continues the line).
fn ics_lines(bytes: &[u8]) -> Vec<String> {
    assert!(bytes.ends_with(b"\r\n"), "the file must end with CRLF");
    let mut physical: Vec<&[u8]> = Vec::new();
    let mut rest = bytes;
    while let Some(i) = rest.windows(2).position(|w| w == b"\r\n") {
        physical.push(&rest[..i]);
        rest = &rest[i + 2..];
    }
    assert!(rest.is_empty());
    let mut lines: Vec<String> = Vec::new();
    for line in physical {
        assert!(
            !line.contains(&b'\n') && !line.contains(&b'\r'),
            "a bare LF or CR: {line:?}"
        );
        assert!(
            line.len() <= 75,
            "a line of {} octets: {:?}",
            line.len(),
            String::from_utf8_lossy(line)
        );
        let line = std::str::from_utf8(line).expect("a fold must not split a UTF-8 character");
        match line.strip_prefix(' ') {
            Some(continued) => lines.last_mut().expect("a first line").push_str(continued),
            None => lines.push(line.to_owned()),
        }
    }
    lines
}

/// The VEVENTs of an unfolded calendar, each as its property lines.
fn vevents(lines: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in lines {
        match line.as_str() {
            "BEGIN:VEVENT" => {
                assert!(current.is_none(), "nested VEVENT");
                current = Some(Vec::new());
            }
            "END:VEVENT" => out.push(current.take().expect("END without BEGIN")),
            _ => {
                if let Some(c) = current.as_mut() {
                    c.push(line.clone());
                }
            }
        }
    }
    assert!(current.is_none(), "unterminated VEVENT");
    out
}

/// The one VEVENT whose UID starts with `id@`.
fn vevent<'a>(events: &'a [Vec<String>], id: &str) -> &'a [String] {
    let uid = format!("UID:{id}@example.org");
    let found: Vec<&Vec<String>> = events.iter().filter(|e| e.contains(&uid)).collect();
    assert_eq!(found.len(), 1, "{uid}");
    found[0]
}

/// The lines of a VEVENT for the properties named (`DTSTART` matches `DTSTART;…:` too).
fn props(event: &[String], names: &[&str]) -> Vec<String> {
    event
        .iter()
        .filter(|l| {
            names
                .iter()
                .any(|n| l.starts_with(&format!("{n}:")) || l.starts_with(&format!("{n};")))
        })
        .cloned()
        .collect()
}

#[test]
fn timeline_ics_is_a_valid_calendar_of_every_event() {
    let site = built_site();
    let bytes = std::fs::read(site.path("public/timeline.ics")).unwrap();
    let raw = String::from_utf8(bytes.clone()).unwrap();
    let lines = ics_lines(&bytes);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0".to_owned()));
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    let events = vevents(&lines);
    assert_eq!(events.len(), 10, "one VEVENT per event");
    let uids: BTreeSet<String> = events.iter().flat_map(|e| props(e, &["UID"])).collect();
    assert_eq!(uids.len(), 10, "{uids:?}");
    for e in &events {
        assert_eq!(props(e, &["DTSTART"]).len(), 1, "{e:?}");
        assert_eq!(props(e, &["DTSTAMP"]).len(), 1, "{e:?}");
        assert_eq!(props(e, &["SUMMARY"]).len(), 1, "{e:?}");
    }

    // A day: all-day, ending (exclusive) the next day.
    assert_eq!(
        props(vevent(&events, "a-analyses-kursk"), &["DTSTART", "DTEND"]),
        ["DTSTART;VALUE=DATE:20241015", "DTEND;VALUE=DATE:20241016"]
    );
    // A range of days: ends the day after its last day.
    let confirm = vevent(&events, "confirm");
    assert_eq!(
        props(confirm, &["DTSTART", "DTEND"]),
        ["DTSTART;VALUE=DATE:20241028", "DTEND;VALUE=DATE:20241106"]
    );
    assert_eq!(
        props(confirm, &["SUMMARY", "LOCATION", "URL"]),
        [
            "SUMMARY:NATO confirms\\, units in Kursk",
            "LOCATION:Brussels",
            "URL:https://example.org/analyses/kursk/"
        ]
    );
    // A month spans the whole month, a year the whole year; both say they are approximate.
    let training = vevent(&events, "2024-09-reports-of-training");
    assert_eq!(
        props(training, &["DTSTART", "DTEND"]),
        ["DTSTART;VALUE=DATE:20240901", "DTEND;VALUE=DATE:20241001"]
    );
    assert_eq!(
        props(training, &["DESCRIPTION"]),
        ["DESCRIPTION:Approximate date: Sep 2024."]
    );
    assert_eq!(
        props(vevent(&events, "2023-treaty-talks-begin"), &["DTSTART", "DTEND"]),
        ["DTSTART;VALUE=DATE:20230101", "DTEND;VALUE=DATE:20240101"]
    );
    // A time with an offset is written in UTC: 09:30 at +01:00 is 08:30Z.
    assert_eq!(
        props(vevent(&events, "2024-11-04-timed-briefing"), &["DTSTART"]),
        ["DTSTART:20241104T083000Z"]
    );
    // Text is escaped: `;` and `,`.
    assert_eq!(
        props(vevent(&events, "2024-12-01-response-phase-two"), &["SUMMARY"]),
        ["SUMMARY:Response\\; phase two"]
    );
    // A long summary with multi-byte characters is folded and unfolds to the whole text.
    let long = "Überprüfung der Lage: ein sehr langer Titel, der über fünfundsiebzig Oktette hinausgeht";
    let long_id =
        "2024-11-21-uberprufung-der-lage-ein-sehr-langer-titel-der-uber-funfundsiebzig-oktette-hinausgeht";
    assert_eq!(
        props(vevent(&events, long_id), &["SUMMARY"]),
        [format!("SUMMARY:{}", long.replace(',', "\\,"))]
    );
    assert!(raw.contains("\r\n "), "nothing was folded");
}

// ---------------------------------------------------------------------------------------
// 9. Errors

/// The `timeline/base` site with `content/bad.md` holding `front` as TOML front matter.
fn bad(front: &str) -> Output {
    SiteTest::fixture("timeline/base")
        .file("content/bad.md", format!("+++\n{front}+++\n\nBody.\n"))
        .build_err()
}

#[test]
fn event_date_with_month_13() {
    let out = bad("title = \"Bad\"\n\n[[events]]\ndate = \"2024-13\"\ntitle = \"Thirteenth month\"\n");
    out.assert_stderr_has(&[
        "content/bad.md:5",
        "`2024-13` has no month 13",
        "months run from 01 to 12",
    ]);
}

#[test]
fn event_date_february_30() {
    let out = bad("title = \"Bad\"\n\n[[events]]\ndate = \"2024-02-30\"\ntitle = \"Leap\"\n");
    out.assert_stderr_has(&[
        "content/bad.md:5",
        "`2024-02-30` has no day 30: February 2024 has 29 days",
    ]);
}

#[test]
fn event_ending_before_it_starts() {
    let out = bad(
        "title = \"Bad\"\n\n[[events]]\ndate = \"2024-10-28\"\nend = \"2024-10-01\"\ntitle = \"Backwards\"\n",
    );
    out.assert_stderr_has(&[
        "content/bad.md:7",
        "the event `Backwards` ends (2024-10-01) before it starts (2024-10-28)",
        "swap `date` and `end`",
    ]);
}

#[test]
fn event_ending_hours_before_it_starts() {
    let out = bad(
        "title = \"Bad\"\n\n[[events]]\ndate = \"2024-10-28T10:00:00+00:00\"\nend = \"2024-10-28T09:00:00+00:00\"\ntitle = \"Backwards in time\"\n",
    );
    out.assert_stderr_has(&["content/bad.md:7", "ends", "before it starts"]);
}

#[test]
fn event_without_title() {
    let out = bad("title = \"Bad\"\n\n[[events]]\nplace = \"Kyiv\"\ndate = \"2024-10-28\"\n");
    out.assert_stderr_has(&[
        "content/bad.md:6",
        "the event dated 2024-10-28 has no title",
        "add `title = ",
    ]);
}

#[test]
fn event_with_a_blank_title() {
    let out = bad("title = \"Bad\"\n\n[[events]]\ndate = \"2024-10-28\"\ntitle = \"   \"\n");
    out.assert_stderr_has(&["content/bad.md:", "has no title"]);
}

#[test]
fn event_without_title_dated_like_its_analysis_points_at_the_event() {
    let out =
        bad("title = \"Bad\"\ndate = 2024-10-28\n\n[[events]]\ndate = \"2024-10-28\"\nplace = \"Kyiv\"\n");
    out.assert_stderr_has(&["content/bad.md:6", "has no title"]);
}

#[test]
fn event_error_points_at_the_event_when_its_title_is_part_of_the_page_title() {
    let out = bad(
        "title = \"NATO confirms the deployment\"\n\n[[events]]\ndate = \"2024-10-01\"\ntitle = \"NATO confirms\"\nimportance = 5\n",
    );
    out.assert_stderr_has(&["content/bad.md:6", "importance 5 is out of range"]);
}

#[test]
fn two_events_with_one_id() {
    let out = bad(
        "title = \"Bad\"\n\n[[events]]\nid = \"x\"\ndate = \"2024-10-01\"\ntitle = \"First\"\n\n[[events]]\nid = \"x\"\ndate = \"2024-10-02\"\ntitle = \"Second\"\n",
    );
    // The second of the two is the one to change.
    out.assert_stderr_has(&[
        "content/bad.md:10",
        "two events have the id `x`",
        "give one of them another `id`",
    ]);
}

#[test]
fn two_events_with_one_id_in_two_analyses_name_both() {
    let out = SiteTest::fixture("timeline/base")
        .file(
            "content/one.md",
            "+++\ntitle = \"One\"\n\n[[events]]\nid = \"Same Id\"\ndate = \"2024-10-01\"\ntitle = \"First\"\n+++\n",
        )
        .file(
            "content/two.md",
            "+++\ntitle = \"Two\"\n\n[[events]]\nid = \"same-id\"\ndate = \"2024-10-02\"\ntitle = \"Second\"\n+++\n",
        )
        .build_err();
    // Ids are slugified, so these two are one.
    out.assert_stderr_has(&[
        "two events have the id `same-id`",
        "content/one.md",
        "content/two.md:5",
    ]);
}

#[test]
fn two_events_with_one_made_up_id_name_a_line() {
    let out = bad(
        "title = \"Bad\"\n\n[[events]]\ndate = \"2024-10-01\"\ntitle = \"Same\"\n\n[[events]]\ndate = \"2024-10-01\"\ntitle = \"Same\"\n",
    );
    out.assert_stderr_has(&["two events have the id `2024-10-01-same`", "content/bad.md:"]);
}

#[test]
fn unknown_taxonomy_on_an_event() {
    let out = bad(
        "title = \"Bad\"\n\n[[events]]\ndate = \"2024-10-01\"\ntitle = \"Tagged wrongly\"\n\n[events.taxonomies]\ntag = [\"nato\"]\n",
    );
    out.assert_stderr_has(&[
        "content/bad.md:6",
        "unknown taxonomy `tag` on the event `Tagged wrongly`",
        "did you mean `tags`?",
    ]);
}

#[test]
fn importance_out_of_range() {
    let out = bad(
        "title = \"Bad\"\n\n[[events]]\ndate = \"2024-10-01\"\ntitle = \"Too important\"\nimportance = 5\n",
    );
    out.assert_stderr_has(&[
        "content/bad.md:6",
        "importance 5 is out of range",
        "use 1 (minor), 2 (normal) or 3 (major)",
    ]);
}

#[test]
fn event_link_to_a_missing_page() {
    let out = bad(
        "title = \"Bad\"\n\n[[events]]\ndate = \"2024-10-01\"\ntitle = \"Linked\"\nlinks = [\"@/god.md\"]\n",
    );
    out.assert_stderr_has(&[
        "content/bad.md:6",
        "the event `Linked` links to a missing page `@/god.md`",
        "did you mean `@/good.md`?",
    ]);
}

#[test]
fn unknown_event_key() {
    let out = bad("title = \"Bad\"\n\n[[events]]\ndate = \"2024-10-01\"\ntitel = \"Misspelt\"\n");
    out.assert_stderr_has(&[
        "content/bad.md:6",
        "unknown field `titel`",
        "did you mean `title`?",
    ]);
}

/// The event partial may call what any template may: the section and the address it
/// asks for are there whether its HTML is made with the values (a build without the
/// build cache, or a partial that reads other pages) or as an output shows the event.
#[test]
fn the_event_partial_may_look_up_pages_and_addresses() {
    for (partial, shown) in [
        (
            "<li class=\"t\">{% set home = get_section(path=\"_index.md\") %}{{ e.title }} in {{ home.title }}</li>\n",
            "Treaty talks begin in Home",
        ),
        (
            "<li class=\"t\">{{ e.title }} at {{ get_url(path=\"@/_index.md\") }}</li>\n",
            "Treaty talks begin at https://example.org/",
        ),
    ] {
        let site = SiteTest::fixture("timeline/site").file("templates/partials/event.html", partial);
        let cache = tempfile::tempdir().expect("temp dir");
        let cached = [
            "build",
            "--cache-dir",
            cache.path().to_str().expect("a UTF-8 path"),
        ];
        for args in [&["build"][..], &cached[..]] {
            site.run(args).assert_success();
            let html = Html::parse_document(&site.read("public/timeline/index.html"));
            let events = texts(&html, "li.t");
            assert!(events.iter().any(|t| t == shown), "{args:?}: {events:?}");
        }
    }
}

/// A build without the build cache makes every event's HTML with the values; one with
/// it, as an output shows the event. Either way an error in the event partial is said
/// once, where it is, and not again by each template that prints the HTML it could not
/// make.
#[test]
fn an_error_in_the_event_partial_is_said_once_where_it_is() {
    let site = SiteTest::fixture("timeline/site").file(
        "templates/partials/event.html",
        "<li>\n{{ e.no_such_field.x }}\n</li>\n",
    );
    let plain = site.build_err();
    let cache = tempfile::tempdir().expect("temp dir");
    let cached = site.run(&[
        "build",
        "--cache-dir",
        cache.path().to_str().expect("a UTF-8 path"),
    ]);
    cached.assert_user_error();
    for out in [plain, cached] {
        out.assert_stderr_has(&["templates/partials/event.html:2:6", "no_such_field"]);
        let said = out.stderr.lines().filter(|l| l.starts_with("error:")).count();
        assert_eq!(said, 1, "{out}");
        assert!(!out.stderr.contains("`html`"), "{out}");
    }
}

// ---------------------------------------------------------------------------------------
// 10. Determinism and base paths

const OUTPUTS: &[&str] = &[
    "public/timeline/index.html",
    "public/tags/x/timeline/index.html",
    "public/timeline.json",
    "public/timeline.ics",
];

#[test]
fn timeline_and_exports_are_byte_identical_across_builds() {
    let first = built_site();
    let second = built_site();
    let read = |site: &SiteTest| -> Vec<Vec<u8>> {
        OUTPUTS
            .iter()
            .map(|f| std::fs::read(site.path(f)).unwrap())
            .collect()
    };
    let a = read(&first);
    assert_eq!(a, read(&second), "two sites from one fixture differ");
    // Building again in place changes nothing either.
    first.build_ok();
    assert_eq!(a, read(&first), "a rebuild changed the timeline");
    let root = first.root().to_string_lossy().into_owned();
    for (name, bytes) in OUTPUTS.iter().zip(&a) {
        assert!(
            !String::from_utf8_lossy(bytes).contains(&root),
            "{name} names the build folder"
        );
    }
}

#[test]
fn timeline_links_keep_the_base_path_under_a_subpath() {
    let site = SiteTest::fixture("timeline/site");
    site.run(&["build", "--base-url", "https://user.github.io/repo/"])
        .assert_success();
    let pages = ["/timeline/", "/tags/x/timeline/", "/tags/x/", "/analyses/kursk/"];
    for page in pages {
        let html = site.html(page);
        for href in attrs(&html, "main [href]", "href") {
            assert!(
                href.starts_with("/repo/") || href.starts_with('#') || href.starts_with("https://"),
                "{page}: {href}"
            );
            if let Some(rest) = href.strip_prefix("https://") {
                assert!(
                    !rest.starts_with("user.github.io") || rest.starts_with("user.github.io/repo/"),
                    "{page}: {href}"
                );
            }
        }
    }
    let timeline = site.html("/timeline/");
    assert_eq!(
        attr(&timeline, "a.chip[data-filter=\"tags/x\"]", "href"),
        "/repo/tags/x/timeline/"
    );
    assert_eq!(
        attrs(&timeline, "#e-confirm .event-meta a", "href")[0],
        "/repo/analyses/kursk/"
    );
    assert_eq!(
        attrs(&timeline, "p.exports a", "href"),
        ["/repo/timeline.json", "/repo/timeline.ics"]
    );
    assert!(
        attrs(&timeline, "nav [href]", "href").contains(&"/repo/timeline/".to_owned()),
        "the site navigation links to the timeline"
    );
    assert_eq!(
        attrs(
            &site.html("/analyses/kursk/"),
            "section.mini-timeline .event-title a",
            "href"
        )[1],
        "/repo/timeline/#e-confirm"
    );
    assert_eq!(
        attrs(&site.html("/tags/x/"), "section.term-events > p > a", "href"),
        ["/repo/tags/x/timeline/"]
    );
    let json: serde_json::Value = serde_json::from_str(&site.read("public/timeline.json")).unwrap();
    let confirm = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["unique_id"] == "confirm")
        .unwrap();
    assert_eq!(confirm["url"], "https://user.github.io/repo/timeline/#e-confirm");
    assert_eq!(confirm["analysis"], "https://user.github.io/repo/analyses/kursk/");
    let ics = ics_lines(&std::fs::read(site.path("public/timeline.ics")).unwrap());
    for line in ics.iter().filter(|l| l.starts_with("URL:")) {
        assert!(line.starts_with("URL:https://user.github.io/repo/"), "{line}");
    }
    assert!(ics.contains(&"UID:confirm@user.github.io".to_owned()));
    let broken = broken_links(&site.path("public"), "https://user.github.io/repo/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

// ---------------------------------------------------------------------------------------
// Timelines split by year

/// The config of the split-timeline site, with `extra` in its `[timeline]` table.
fn split_config(extra: &str) -> String {
    format!(
        "base_url = \"https://example.org/\"\nbuild_search_index = false\n\
         taxonomies = [{{ name = \"tags\" }}]\n[timeline]\ntoday = 2024-12-31\n{extra}"
    )
}

/// Events in 2022, 2023 and 2024 on pages tagged `t`, and one upcoming; a timeline with
/// more than three past events gets a page per year.
fn split_site() -> SiteTest {
    let mut site = SiteTest::empty().file("config.toml", split_config("year_pages_above = 3\n"));
    let events = [
        ("a", "2022-03-01"),
        ("b", "2022-07-01"),
        ("c", "2023-05-01"),
        ("d", "2024-02-01"),
        ("e", "2024-09-01"),
        ("f", "2025-06-01"),
    ];
    for (id, date) in events {
        site = site.file(
            &format!("content/{id}.md"),
            format!(
                "+++\ntitle = \"Page {id}\"\n[taxonomies]\ntags = [\"t\"]\n[[events]]\nid = \"{id}\"\n\
                 date = \"{date}\"\ntitle = \"Event {id}\"\n+++\nText.\n"
            ),
        );
    }
    site.build_ok();
    site
}

#[test]
fn a_long_timeline_gets_a_page_per_year_and_its_first_page_the_latest_events() {
    let site = split_site();
    let first = site.html("/timeline/");
    // The years, newest first, with their counts; none is the current page.
    assert_eq!(
        attrs(&first, ".timeline-years a", "href"),
        ["/timeline/2024/", "/timeline/2023/", "/timeline/2022/"]
    );
    assert_eq!(texts(&first, ".timeline-years .count"), ["2", "1", "2"]);
    assert_eq!(count(&first, ".timeline-years [aria-current]"), 0);
    // Upcoming events, then the latest year's (all of them: fewer than fifty).
    assert_eq!(count(&first, ".upcoming #e-f"), 1);
    assert_eq!(text(&first, ".timeline-year h2"), "Latest events");
    assert_eq!(attrs(&first, ".timeline-year .event", "id"), ["e-d", "e-e"]);
    assert_eq!(attrs(&first, ".timeline-more a", "href"), ["/timeline/2024/"]);
    // The strip and the month table cover every year, leading to the years' pages.
    let months = attrs(&first, ".month-table a", "href");
    assert_eq!(
        months.first().map(String::as_str),
        Some("/timeline/2022/#m-2022-03")
    );
    assert_eq!(months.len(), 5);
    assert!(attrs(&first, "svg.timeline-strip a", "href").contains(&"/timeline/2023/#m-2023-05".to_owned()));

    let year = site.html("/timeline/2022/");
    assert_eq!(text(&year, "h1"), "Timeline, 2022");
    assert!(
        text(&year, ".lede").starts_with("2 events in 2022 of 6 events."),
        "{}",
        text(&year, ".lede")
    );
    assert_eq!(
        attrs(&year, ".timeline-years [aria-current]", "href"),
        ["/timeline/2022/"]
    );
    assert_eq!(attrs(&year, ".timeline-year .event", "id"), ["e-a", "e-b"]);
    assert_eq!(count(&year, ".upcoming"), 0);
    // An analysis links its event to where it is: its year's page, or if upcoming, the
    // first page; so does timeline.json.
    assert_eq!(
        attrs(&site.html("/a/"), ".event-title a", "href"),
        ["/timeline/2022/#e-a"]
    );
    assert_eq!(
        attrs(&site.html("/f/"), ".event-title a", "href"),
        ["/timeline/#e-f"]
    );
    assert!(
        site.read("public/timeline.json")
            .contains("\"https://example.org/timeline/2022/#e-a\"")
    );
    // Its strip and table are the year's, linking within the page.
    assert_eq!(
        attrs(&year, ".month-table a", "href"),
        ["#m-2022-03", "#m-2022-07"]
    );
    assert!(
        attrs(&year, "svg.timeline-strip a", "href")
            .iter()
            .all(|h| h.starts_with("#m-2022-"))
    );
    site.assert_no_broken_links();
}

#[test]
fn a_terms_long_timeline_is_split_the_same_way() {
    let site = split_site();
    let first = site.html("/tags/t/timeline/");
    assert_eq!(
        attrs(&first, ".timeline-years a", "href"),
        [
            "/tags/t/timeline/2024/",
            "/tags/t/timeline/2023/",
            "/tags/t/timeline/2022/"
        ]
    );
    let year = site.html("/tags/t/timeline/2023/");
    assert_eq!(attrs(&year, ".timeline-year .event", "id"), ["e-c"]);
    assert!(site.exists("public/tags/t/timeline/2022/index.html"));
    // The sitemap lists the site's timeline pages.
    let sitemap = site.read("public/sitemap.xml");
    for year in ["2022", "2023", "2024"] {
        assert!(
            sitemap.contains(&format!("https://example.org/timeline/{year}/")),
            "{year}"
        );
    }
}

#[test]
fn a_short_timeline_stays_one_page() {
    // The default threshold, 500.
    let site = split_site().file("config.toml", split_config(""));
    site.build_ok();
    let html = site.html("/timeline/");
    assert_eq!(count(&html, ".timeline-years"), 0);
    assert_eq!(texts(&html, ".timeline-year h2"), ["2022", "2023", "2024"]);
    assert!(!site.exists("public/timeline/2022"));
}

#[test]
fn a_timeline_over_many_years_links_only_the_nearby_years_from_each_years_page() {
    // One event a year for forty years: each year's page must not list every year, or a
    // timeline spanning thousands of years would cost the square of their number.
    let mut site = SiteTest::empty().file("config.toml", split_config("year_pages_above = 3\n"));
    for year in 1950..1990 {
        site = site.file(
            &format!("content/p{year}.md"),
            format!(
                "+++\ntitle = \"P{year}\"\n[[events]]\nid = \"y{year}\"\ndate = \"{year}-06-01\"\ntitle = \"E{year}\"\n+++\nText.\n"
            ),
        );
    }
    site.build_ok();
    assert_eq!(count(&site.html("/timeline/"), ".timeline-years a"), 40);
    let middle = site.html("/timeline/1970/");
    let links = attrs(&middle, ".timeline-years a", "href");
    // 1980 down to 1960, then the first page.
    assert_eq!(links.len(), 22, "{links:?}");
    assert_eq!(links[0], "/timeline/1980/");
    assert_eq!(links[20], "/timeline/1960/");
    assert_eq!(links[21], "/timeline/");
    assert_eq!(count(&site.html("/timeline/1950/"), ".timeline-years a"), 12);
    assert!(site.exists("public/timeline/1950/index.html"));
    site.assert_no_broken_links();
}
