//! The timeline as data: `timeline.json` (TimelineJS's format) and `timeline.ics`
//! (iCalendar), both written directly.

use serde::Serialize;

use crate::dates::{EventDate, Precision};
use crate::model::dated::Event;
use crate::model::site::Site;
use crate::render::job::Lang;
use crate::render::words::Words;

#[derive(Serialize, Hash)]
struct JsonDate {
    year: i16,
    #[serde(skip_serializing_if = "Option::is_none")]
    month: Option<i8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    day: Option<i8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hour: Option<i8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minute: Option<i8>,
    display_date: String,
}

impl JsonDate {
    fn of(d: &EventDate, words: &Words) -> JsonDate {
        let time = d.datetime.and_then(|dt| dt.time);
        JsonDate {
            year: d.year,
            month: d.month,
            day: d.day,
            hour: time.map(|t| t.hour()),
            minute: time.map(|t| t.minute()),
            display_date: words.event_date(d),
        }
    }
}

#[derive(Serialize, Hash)]
struct JsonText<'a> {
    headline: &'a str,
    text: &'a str,
}

#[derive(Serialize, Hash)]
struct JsonEvent<'a> {
    unique_id: &'a str,
    start_date: JsonDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<JsonDate>,
    text: JsonText<'a>,
    group: &'a str,
    url: String,
    analysis: &'a str,
    precision: Precision,
    importance: u8,
    taxonomies: &'a std::collections::BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

#[derive(Serialize, Hash)]
struct JsonEra<'a> {
    start_date: JsonDate,
    end_date: JsonDate,
    text: JsonText<'a>,
}

#[derive(Serialize, Hash)]
struct JsonTimeline<'a> {
    title: JsonTitle<'a>,
    events: Vec<JsonEvent<'a>>,
    eras: Vec<JsonEra<'a>>,
}

#[derive(Serialize, Hash)]
struct JsonTitle<'a> {
    text: JsonText<'a>,
}

/// `timeline.json`: TimelineJS's shape (`events` with `start_date`/`end_date` objects,
/// `text.headline`/`text.text`, `unique_id`, `group`; `eras`), plus dossier's `url`,
/// `analysis`, `precision`, `importance`, `taxonomies`, `place` and `source`.
pub(crate) fn json(site: &Site, lang: Lang, today: jiff::civil::Date) -> String {
    serde_json::to_string(&document(site, lang, today)).unwrap_or_else(|_| "{}".into())
}

/// Hashes the document `timeline.json` writes, before it is written: the output's
/// fingerprint, which keeps an unchanged timeline from being written out again.
pub(crate) fn hash_json(site: &Site, lang: Lang, today: jiff::civil::Date, h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    document(site, lang, today).hash(h);
}

/// What `timeline.json` says.
fn document(site: &Site, lang: Lang, today: jiff::civil::Date) -> JsonTimeline<'_> {
    let words = Words::of(&site.config, lang.code(site));
    let anchors = super::Anchors::new(site, today);
    let (title, description) = title_of(site, lang);
    JsonTimeline {
        title: JsonTitle {
            text: JsonText {
                headline: title.unwrap_or(""),
                text: description.unwrap_or(""),
            },
        },
        events: in_language(site, lang)
            .map(|e| {
                let page = site.page(e.page);
                JsonEvent {
                    unique_id: &e.id,
                    start_date: JsonDate::of(&e.date, &words),
                    end_date: e.end.as_ref().map(|d| JsonDate::of(d, &words)),
                    text: JsonText {
                        headline: &e.title,
                        text: e.summary.as_deref().unwrap_or(""),
                    },
                    group: site.section(page.section).title(),
                    url: site.config.permalink(&anchors.of(site, e)),
                    analysis: &page.permalink,
                    precision: e.date.precision(),
                    importance: e.importance,
                    taxonomies: &e.taxonomies,
                    place: e.place.as_deref(),
                    source: e.source.as_deref(),
                }
            })
            .collect(),
        eras: site
            .config
            .timeline
            .eras
            .iter()
            .map(|e| JsonEra {
                start_date: JsonDate::of(&e.start, &words),
                end_date: JsonDate::of(&e.end, &words),
                text: JsonText {
                    headline: &e.name,
                    text: "",
                },
            })
            .collect(),
    }
}

/// The events recorded by analyses in `lang`, in the site's order.
fn in_language(site: &Site, lang: Lang) -> impl Iterator<Item = &Event> {
    let code = lang.code(site);
    site.events.iter().filter(move |e| site.page(e.page).lang == code)
}

/// The title and description of the site in `lang` (the language's own, else the site's).
fn title_of(site: &Site, lang: Lang) -> (Option<&str>, Option<&str>) {
    let own = site
        .config
        .languages
        .get(lang.0)
        .filter(|_| lang != Lang::DEFAULT);
    (
        own.and_then(|l| l.title.as_deref())
            .or(site.config.title.as_deref()),
        own.and_then(|l| l.description.as_deref())
            .or(site.config.description.as_deref()),
    )
}

/// Hashes what `timeline.ics` is made from besides the templates and the globals, which
/// every fingerprint holds (the configuration, and so the language's words): the host,
/// the calendar's name and, for each event in `lang`, every field [`vevent`] reads. The
/// output's fingerprint, which keeps an unchanged calendar from being made again.
pub(crate) fn hash_ics(site: &Site, lang: Lang, h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    (host(site), title_of(site, lang).0).hash(h);
    for e in in_language(site, lang) {
        (
            &e.id,
            &e.date,
            &e.end,
            &e.title,
            &e.summary,
            &e.place,
            &e.taxonomies,
            &site.page(e.page).permalink,
        )
            .hash(h);
    }
}

/// The host in `base_url`, which makes the events' UIDs unique.
fn host(site: &Site) -> &str {
    site.config
        .base_url
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .filter(|h| !h.is_empty())
        .unwrap_or("dossier.invalid")
}

/// `timeline.ics`: one VEVENT per event; dates without a time are all-day (a month or
/// year spans all its days); lines folded at 75 octets, CRLF endings. The events are
/// written in parallel, each into a piece of its own, joined in order: a build that
/// takes the other outputs from the build cache renders this one file for 10,000 events
/// among a few hundred others, and would wait for it.
pub(crate) fn ics(site: &Site, lang: Lang) -> String {
    use rayon::prelude::*;
    let words = Words::of(&site.config, lang.code(site));
    let host = host(site);
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//dossier//timeline//EN",
        "CALSCALE:GREGORIAN",
    ] {
        fold(line, &mut out);
    }
    fold(
        &format!(
            "X-WR-CALNAME:{}",
            ics_text(title_of(site, lang).0.unwrap_or(words.get("dossier_timeline")))
        ),
        &mut out,
    );
    let events: Vec<&Event> = in_language(site, lang).collect();
    let pieces: Vec<String> = events
        .par_iter()
        .with_min_len(256)
        .map(|e| vevent(site, &words, host, e))
        .collect();
    out.reserve(pieces.iter().map(String::len).sum::<usize>() + 15);
    for piece in &pieces {
        out.push_str(piece);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

/// One event's VEVENT, its lines folded.
fn vevent(site: &Site, words: &Words, host: &str, e: &Event) -> String {
    let page = site.page(e.page);
    let mut out = String::with_capacity(512);
    let mut line = |text: &str| fold(text, &mut out);
    line("BEGIN:VEVENT");
    line(&format!("UID:{}@{}", e.id, host));
    // A fixed stamp keeps the file byte-identical between builds of the same input.
    line(&format!("DTSTAMP:{}", ics_utc(&e.date)));
    match e.date.datetime.and_then(|d| d.time.map(|t| (d, t))) {
        Some((d, _)) => {
            line(&format!("DTSTART:{}", ics_datetime(&d)));
            match e.end {
                Some(end) if end.datetime.is_some() => {
                    line(&format!(
                        "DTEND:{}",
                        ics_datetime(&end.datetime.expect("checked"))
                    ));
                }
                // A date-only end closes at the end of that day (UTC).
                Some(end) => line(&format!(
                    "DTEND:{}T000000Z",
                    end.end_exclusive().strftime("%Y%m%d")
                )),
                None => {}
            }
        }
        None => {
            line(&format!(
                "DTSTART;VALUE=DATE:{}",
                e.date.civil_date().strftime("%Y%m%d")
            ));
            let end = e
                .end
                .map_or_else(|| e.date.end_exclusive(), |x| x.end_exclusive());
            line(&format!("DTEND;VALUE=DATE:{}", end.strftime("%Y%m%d")));
        }
    }
    line(&format!("SUMMARY:{}", ics_text(&e.title)));
    let mut description = e.summary.as_deref().map(strip_tags).unwrap_or_default();
    if e.date.precision() < Precision::Day {
        let date = words.event_date(&e.date);
        let approximate = words.fill("dossier_approximate_date", &[("date", &date)]);
        description = format!("{approximate} {description}");
    }
    if !description.trim().is_empty() {
        line(&format!("DESCRIPTION:{}", ics_text(description.trim())));
    }
    if let Some(place) = &e.place {
        line(&format!("LOCATION:{}", ics_text(place)));
    }
    let categories: Vec<String> = e.taxonomies.values().flatten().map(|t| ics_text(t)).collect();
    if !categories.is_empty() {
        line(&format!("CATEGORIES:{}", categories.join(",")));
    }
    line(&format!("URL:{}", page.permalink));
    line("END:VEVENT");
    out
}

fn ics_utc(d: &EventDate) -> String {
    let ts = jiff::Timestamp::from_second(d.start_key()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn ics_datetime(d: &crate::dates::DateValue) -> String {
    let ts = jiff::Timestamp::from_second(d.sort_key()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// RFC 5545 folding: lines longer than 75 octets continue on lines starting with a space.
fn fold(line: &str, out: &mut String) {
    if line.len() <= 75 {
        out.push_str(line);
        out.push_str("\r\n");
        return;
    }
    let mut count = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if count + len > 75 {
            out.push_str("\r\n ");
            count = 1;
        }
        out.push(c);
        count += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_escaping() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "x".repeat(100)), &mut out);
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert_eq!(lines[0].len(), 75);
        assert!(lines[1].starts_with(' '));
        assert_eq!(ics_text("a, b; c\\d"), "a\\, b\\; c\\\\d");
    }
}
