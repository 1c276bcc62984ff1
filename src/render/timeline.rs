//! The timeline's pages and exports: `/timeline/` (and one per taxonomy term), the
//! density strip, `timeline.json` in TimelineJS's shape and `timeline.ics`.

use serde::Serialize;
use tera::Value;

use crate::model::site::Site;
use crate::model::timeline::{Event, cited_by};
use crate::parse::events::{EventDate, Precision};
use crate::parse::highlight::escape_attr as esc;
use crate::slugs::slugify;

/// The date that separates past from upcoming events: `[timeline] today`, else
/// SOURCE_DATE_EPOCH (for reproducible builds), else the day of the build.
pub fn today(site: &Site) -> jiff::civil::Date {
    if let Some(d) = site.config.timeline.today {
        return d.civil_date();
    }
    let from_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok());
    from_epoch
        .unwrap_or_else(jiff::Timestamp::now)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

#[derive(Serialize)]
struct Link {
    href: String,
    text: String,
}

#[derive(Serialize)]
struct EventView {
    id: String,
    title: String,
    date: String,
    date_label: String,
    end: Option<String>,
    end_label: Option<String>,
    precision: Precision,
    /// Coarser than a day: shown as approximate.
    approximate: bool,
    place: Option<String>,
    importance: u8,
    links: Vec<Link>,
    source: Option<String>,
    /// `tags/sanctions regions/kursk`, for the filter script.
    filter_keys: String,
    is_page: bool,
    era: Option<String>,
    /// An indicator to watch: its status and the status's label.
    watch: Option<crate::model::watch::Status>,
    watch_label: Option<&'static str>,
}

/// A month heading and its events. Events are added as template values afterwards:
/// serialising them inside this struct would deep-copy every event for every page.
#[derive(Serialize)]
struct MonthHead {
    id: String,
    label: String,
    count: usize,
    /// Eras that start in this month, announced before it.
    eras_starting: Vec<EraView>,
}

struct Month {
    head: MonthHead,
    events: Vec<Value>,
    /// The events' indices in the site's list.
    indices: Vec<usize>,
}

struct Year {
    year: i16,
    months: Vec<Month>,
}

#[derive(Serialize, Clone)]
struct EraView {
    name: String,
    start: String,
    end: String,
    start_label: String,
    end_label: String,
}

#[derive(Serialize)]
struct FilterTerm {
    name: String,
    slug: String,
    path: String,
    count: usize,
}

#[derive(Serialize)]
struct Filter {
    taxonomy: String,
    terms: Vec<FilterTerm>,
}

/// `timeline_term` on a term's own timeline.
#[derive(Serialize)]
pub struct TermHead<'a> {
    pub name: &'a str,
    pub taxonomy: &'a str,
    pub path: &'a str,
}

#[derive(Serialize)]
struct ViewHead {
    count: usize,
    eras: Vec<EraView>,
    today: String,
    path: String,
}

/// Whether a date falls in an era (by the day it is written on).
fn era_of_config(era: &crate::config::Era, date: &EventDate) -> bool {
    let d = date.civil_date();
    era.start.civil_date() <= d && d < era.end.end_exclusive()
}

fn era_of(site: &Site, date: &EventDate) -> Option<String> {
    site.config
        .timeline
        .eras
        .iter()
        .find(|e| era_of_config(e, date))
        .map(|e| e.name.clone())
}

fn era_views(site: &Site) -> Vec<EraView> {
    site.config
        .timeline
        .eras
        .iter()
        .map(|e| EraView {
            name: e.name.clone(),
            start: e.start.iso(),
            end: e.end.iso(),
            start_label: e.start.label(),
            end_label: e.end.label(),
        })
        .collect()
}

/// An event's template value. The recording analysis (`page`) and the citing ones
/// (`cited_by`) are the pages' shared reference values, not copies.
pub fn event_value(site: &Site, e: &Event, refs: &[Value]) -> Value {
    let filter_keys = e
        .taxonomies
        .iter()
        .flat_map(|(tax, names)| {
            names
                .iter()
                .map(move |n| format!("{}/{}", slugify(tax), slugify(n)))
        })
        .collect::<Vec<_>>()
        .join(" ");
    let view = EventView {
        id: e.id.clone(),
        title: e.title.clone(),
        date: e.date.iso(),
        date_label: e.date.label(),
        end: e.end.map(|d| d.iso()),
        end_label: e.end.map(|d| d.label()),
        precision: e.date.precision(),
        approximate: e.date.precision() < Precision::Day,
        place: e.place.clone(),
        importance: e.importance,
        links: e
            .links
            .iter()
            .map(|(href, text)| Link {
                href: href.clone(),
                text: text.clone(),
            })
            .collect(),
        source: e.source.clone(),
        filter_keys,
        is_page: e.is_page,
        watch: e.watch,
        watch_label: e.watch.map(|s| s.label()),
        era: era_of(site, &e.date),
    };
    use super::context::insert;
    let cited: Vec<Value> = cited_by(site, e.page)
        .into_iter()
        .take(3)
        .map(|p| refs[p.0].clone())
        .collect();
    let value = insert(Value::from_serializable(&view), "page", refs[e.page.0].clone());
    let value = insert(value, "cited_by", Value::from(cited));
    insert(
        value,
        "summary",
        e.summary.as_deref().map_or_else(Value::none, Value::safe_string),
    )
}

/// Template values of all events, in the site's order.
pub fn event_values(site: &Site, refs: &[Value]) -> Vec<Value> {
    site.events.iter().map(|e| event_value(site, e, refs)).collect()
}

/// The value `timeline.html` gets, for all events or those of one term (`only`).
pub fn view(site: &Site, values: &[Value], filters: &Value, only: Option<&[usize]>, path: &str) -> Value {
    let today = today(site);
    let indices: Vec<usize> = match only {
        Some(list) => list.to_vec(),
        None => (0..site.events.len()).collect(),
    };
    let (upcoming_events, mut past): (Vec<usize>, Vec<usize>) = indices
        .iter()
        .partition(|i| site.events[**i].date.civil_date() > today);
    // Events are in order of their instant in UTC; a zoned time can fall in another month
    // than written, so group by the written month, keeping the order inside each month.
    past.sort_by_key(|i| (site.events[*i].date.year, site.events[*i].date.month.unwrap_or(0)));
    let upcoming: Vec<Value> = upcoming_events.iter().map(|i| values[*i].clone()).collect();
    let eras = era_views(site);
    let mut years: Vec<Year> = Vec::new();
    for &i in &past {
        let e = &site.events[i];
        let (year, month) = (e.date.year, e.date.month);
        if years.last().is_none_or(|y| y.year != year) {
            years.push(Year {
                year,
                months: Vec::new(),
            });
        }
        let y = years.last_mut().expect("pushed above");
        let id = match month {
            Some(m) => format!("m-{year:04}-{m:02}"),
            None => format!("m-{year:04}"),
        };
        if y.months.last().is_none_or(|m| m.head.id != id) {
            let label = match month {
                Some(m) => format!("{} {year}", EventDate::month_name(m)),
                None => format!("{year} (month not known)"),
            };
            y.months.push(Month {
                head: MonthHead {
                    id,
                    label,
                    count: 0,
                    eras_starting: Vec::new(),
                },
                events: Vec::new(),
                indices: Vec::new(),
            });
        }
        let m = y.months.last_mut().expect("pushed above");
        m.head.count += 1;
        m.events.push(values[i].clone());
        m.indices.push(i);
    }
    // Each era is announced before the first month holding one of its events.
    for (era, view) in site.config.timeline.eras.iter().zip(&eras) {
        let in_era = |i: &usize| era_of_config(era, &site.events[*i].date);
        let month = years
            .iter_mut()
            .flat_map(|y| y.months.iter_mut())
            .find(|m| m.indices.iter().any(in_era));
        if let Some(m) = month {
            m.head.eras_starting.push(view.clone());
        }
    }
    let svg = strip_svg(site, &indices, today);
    use super::context::insert;
    let years: Vec<Value> = years
        .into_iter()
        .map(|y| {
            let months: Vec<Value> = y
                .months
                .into_iter()
                .map(|m| insert(Value::from_serializable(&m.head), "events", Value::from(m.events)))
                .collect();
            let year = Value::from_serializable(&std::collections::BTreeMap::from([("year", y.year)]));
            insert(year, "months", Value::from(months))
        })
        .collect();
    let head = ViewHead {
        count: indices.len(),
        eras,
        today: today.to_string(),
        path: path.to_owned(),
    };
    let value = insert(Value::from_serializable(&head), "years", Value::from(years));
    let value = insert(value, "upcoming", Value::from(upcoming));
    let value = insert(value, "filters", filters.clone());
    insert(value, "svg", Value::safe_string(&svg))
}

/// Indices of the events carrying each term, by (taxonomy index, term index), in one
/// pass over the events.
pub fn events_by_term(site: &Site) -> Vec<((usize, usize), Vec<usize>)> {
    let lookup: Vec<(String, std::collections::HashMap<&str, usize>)> = site
        .taxonomies
        .iter()
        .map(|t| {
            let terms = t
                .terms
                .iter()
                .enumerate()
                .map(|(i, term)| (term.slug.as_str(), i))
                .collect();
            (t.config.name.clone(), terms)
        })
        .collect();
    let mut found: std::collections::BTreeMap<(usize, usize), Vec<usize>> = std::collections::BTreeMap::new();
    for (i, e) in site.events.iter().enumerate() {
        for (tax, names) in &e.taxonomies {
            let Some(ti) = lookup.iter().position(|(name, _)| name == tax) else {
                continue;
            };
            for name in names {
                if let Some(term) = lookup[ti].1.get(slugify(name).as_str()) {
                    let list = found.entry((ti, *term)).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
    }
    found.into_iter().collect()
}

/// The filter chips: every term with events, and how many.
pub fn filters(site: &Site, by_term: &[((usize, usize), Vec<usize>)]) -> Value {
    let mut filters: Vec<Filter> = Vec::new();
    for ((ti, term_i), list) in by_term {
        let t = &site.taxonomies[*ti];
        let term = &t.terms[*term_i];
        if filters.last().is_none_or(|f| f.taxonomy != t.config.name) {
            filters.push(Filter {
                taxonomy: t.config.name.clone(),
                terms: Vec::new(),
            });
        }
        if let Some(f) = filters.last_mut() {
            f.terms.push(FilterTerm {
                name: term.name.clone(),
                slug: term.slug.clone(),
                path: format!("{}timeline/", term.path),
                count: list.len(),
            });
        }
    }
    Value::from_serializable(&filters)
}

/// Event density per month as bars, eras as bands behind them; each bar links to its
/// month below. The table after the picture says the same in text.
fn strip_svg(site: &Site, indices: &[usize], today: jiff::civil::Date) -> String {
    let dated: Vec<&Event> = indices
        .iter()
        .map(|i| &site.events[*i])
        .filter(|e| e.date.month.is_some())
        .collect();
    let (Some(first), Some(last)) = (dated.first(), dated.last()) else {
        return String::new();
    };
    let month_index = |y: i16, m: i8| y as i32 * 12 + (m as i32 - 1);
    let start = month_index(first.date.year, first.date.month.unwrap_or(1));
    let end = month_index(last.date.year, last.date.month.unwrap_or(1));
    let n = (end - start + 1).clamp(1, 1200) as usize;
    let mut counts = vec![0usize; n];
    for e in &dated {
        let k = month_index(e.date.year, e.date.month.unwrap_or(1)) - start;
        if (0..n as i32).contains(&k) {
            counts[k as usize] += 1;
        }
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1);
    let (w, h, top, bottom) = (720.0_f64, 120.0_f64, 22.0_f64, 20.0_f64);
    let bar_w = w / n as f64;
    let label = |k: usize| {
        let m = start + k as i32;
        format!("{} {}", &EventDate::month_name((m % 12 + 1) as i8)[..3], m / 12)
    };
    let id = |k: usize| {
        let m = start + k as i32;
        format!("m-{:04}-{:02}", m / 12, m % 12 + 1)
    };
    let busiest = (0..n)
        .max_by_key(|k| (counts[*k], std::cmp::Reverse(*k)))
        .unwrap_or(0);
    let mut svg = format!(
        "<svg class=\"timeline-strip\" viewBox=\"0 0 {w} {h}\" role=\"group\" aria-labelledby=\"strip-title strip-desc\" \
         xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"strip-title\">Events per month</title>\n\
         <desc id=\"strip-desc\">{} dated events from {} to {}; the busiest month is {} with {}. The table below lists every month.</desc>\n",
        dated.len(),
        label(0),
        label(n - 1),
        label(busiest),
        counts[busiest]
    );
    for era in &site.config.timeline.eras {
        let (Some(sm), Some(em)) = (era.start.month.or(Some(1)), era.end.month.or(Some(12))) else {
            continue;
        };
        let a = (month_index(era.start.year, sm) - start).max(0) as f64;
        let b = (month_index(era.end.year, em) - start + 1).min(n as i32) as f64;
        if b <= a {
            continue;
        }
        svg.push_str(&format!(
            "<rect class=\"era\" x=\"{:.0}\" y=\"0\" width=\"{:.0}\" height=\"{}\"/><text class=\"era-label\" x=\"{:.0}\" y=\"14\">{}</text>\n",
            a * bar_w,
            (b - a) * bar_w,
            h - bottom,
            a * bar_w + 4.0,
            esc(&era.name)
        ));
    }
    // Months that have a heading below (those with events up to today).
    let past_months: std::collections::HashSet<String> = dated
        .iter()
        .filter(|e| e.date.civil_date() <= today)
        .filter_map(|e| e.date.month.map(|m| format!("m-{:04}-{m:02}", e.date.year)))
        .collect();
    for (k, count) in counts.iter().enumerate() {
        let bh = (h - top - bottom) * (*count as f64 / max as f64);
        let x = k as f64 * bar_w;
        if *count == 0 {
            continue;
        }
        // Upcoming events are listed together, not under their months.
        let (class, target) = if past_months.contains(&id(k)) {
            ("bar", id(k))
        } else {
            ("bar upcoming", "upcoming-title".to_owned())
        };
        svg.push_str(&format!(
            "<a href=\"#{target}\"><title>{}: {count} events</title><rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/></a>\n",
            label(k),
            x + bar_w * 0.1,
            h - bottom - bh,
            (bar_w * 0.8).max(1.0),
            bh.max(1.0)
        ));
    }
    // Year ticks along the bottom.
    for k in 0..n {
        let m = start + k as i32;
        if m % 12 == 0 || k == 0 {
            svg.push_str(&format!(
                "<text class=\"tick\" x=\"{:.0}\" y=\"{}\">{}</text>\n",
                k as f64 * bar_w + 2.0,
                h - 5.0,
                m / 12
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

#[derive(Serialize)]
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
    fn of(d: &EventDate) -> JsonDate {
        let time = d.datetime.and_then(|dt| dt.time);
        JsonDate {
            year: d.year,
            month: d.month,
            day: d.day,
            hour: time.map(|t| t.hour()),
            minute: time.map(|t| t.minute()),
            display_date: d.label(),
        }
    }
}

#[derive(Serialize)]
struct JsonText<'a> {
    headline: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
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

#[derive(Serialize)]
struct JsonEra<'a> {
    start_date: JsonDate,
    end_date: JsonDate,
    text: JsonText<'a>,
}

#[derive(Serialize)]
struct JsonTimeline<'a> {
    title: JsonTitle<'a>,
    events: Vec<JsonEvent<'a>>,
    eras: Vec<JsonEra<'a>>,
}

#[derive(Serialize)]
struct JsonTitle<'a> {
    text: JsonText<'a>,
}

/// `timeline.json`: TimelineJS's shape (`events` with `start_date`/`end_date` objects,
/// `text.headline`/`text.text`, `unique_id`, `group`; `eras`), plus dossier's `url`,
/// `analysis`, `precision`, `importance`, `taxonomies`, `place` and `source`.
pub fn json(site: &Site) -> String {
    let timeline_url = site.config.permalink(&site.config.url_path("timeline/"));
    let doc = JsonTimeline {
        title: JsonTitle {
            text: JsonText {
                headline: site.config.title.as_deref().unwrap_or(""),
                text: site.config.description.as_deref().unwrap_or(""),
            },
        },
        events: site
            .events
            .iter()
            .map(|e| {
                let page = site.page(e.page);
                JsonEvent {
                    unique_id: &e.id,
                    start_date: JsonDate::of(&e.date),
                    end_date: e.end.as_ref().map(JsonDate::of),
                    text: JsonText {
                        headline: &e.title,
                        text: e.summary.as_deref().unwrap_or(""),
                    },
                    group: site.section(page.section).title(),
                    url: format!("{timeline_url}#e-{}", e.id),
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
                start_date: JsonDate::of(&e.start),
                end_date: JsonDate::of(&e.end),
                text: JsonText {
                    headline: &e.name,
                    text: "",
                },
            })
            .collect(),
    };
    serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into())
}

/// `timeline.ics`: one VEVENT per event; dates without a time are all-day (a month or
/// year spans all its days); lines folded at 75 octets, CRLF endings.
pub fn ics(site: &Site) -> String {
    let host = site
        .config
        .base_url
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .filter(|h| !h.is_empty())
        .unwrap_or("dossier.invalid")
        .to_owned();
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//dossier//timeline//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!(
            "X-WR-CALNAME:{}",
            ics_text(site.config.title.as_deref().unwrap_or("Timeline"))
        ),
    ];
    for e in &site.events {
        let page = site.page(e.page);
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}@{}", e.id, host));
        // A fixed stamp keeps the file byte-identical between builds of the same input.
        lines.push(format!("DTSTAMP:{}", ics_utc(&e.date)));
        match e.date.datetime.and_then(|d| d.time.map(|t| (d, t))) {
            Some((d, _)) => {
                lines.push(format!("DTSTART:{}", ics_datetime(&d)));
                match e.end {
                    Some(end) if end.datetime.is_some() => {
                        lines.push(format!("DTEND:{}", ics_datetime(&end.datetime.expect("checked"))));
                    }
                    // A date-only end closes at the end of that day (UTC).
                    Some(end) => lines.push(format!(
                        "DTEND:{}T000000Z",
                        end.end_exclusive().strftime("%Y%m%d")
                    )),
                    None => {}
                }
            }
            None => {
                lines.push(format!(
                    "DTSTART;VALUE=DATE:{}",
                    e.date.civil_date().strftime("%Y%m%d")
                ));
                let end = e
                    .end
                    .map_or_else(|| e.date.end_exclusive(), |x| x.end_exclusive());
                lines.push(format!("DTEND;VALUE=DATE:{}", end.strftime("%Y%m%d")));
            }
        }
        lines.push(format!("SUMMARY:{}", ics_text(&e.title)));
        let mut description = e.summary.as_deref().map(strip_tags).unwrap_or_default();
        if e.date.precision() < Precision::Day {
            description = format!("Approximate date: {}. {description}", e.date.label());
        }
        if !description.trim().is_empty() {
            lines.push(format!("DESCRIPTION:{}", ics_text(description.trim())));
        }
        if let Some(place) = &e.place {
            lines.push(format!("LOCATION:{}", ics_text(place)));
        }
        let categories: Vec<String> = e.taxonomies.values().flatten().map(|t| ics_text(t)).collect();
        if !categories.is_empty() {
            lines.push(format!("CATEGORIES:{}", categories.join(",")));
        }
        lines.push(format!("URL:{}", page.permalink));
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

fn ics_utc(d: &EventDate) -> String {
    let ts = jiff::Timestamp::from_second(d.start_key()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn ics_datetime(d: &crate::parse::frontmatter::DateValue) -> String {
    let ts = jiff::Timestamp::from_second(d.sort_key()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
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
