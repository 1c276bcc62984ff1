//! The timeline's pages and exports: `/timeline/` (and one per taxonomy term), the
//! density strip, `timeline.json` in TimelineJS's shape and `timeline.ics`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;
use tera::Value;

use crate::config::OwnPage;
use crate::dates::{EventDate, Precision};
use crate::model::dated::Event;
use crate::model::site::{EventId, PageId, Site, TaxonomyId, TermId};
use crate::render::fingerprint::{Known, Purpose};
use crate::render::job::Lang;
use crate::render::words::{self, Words};
use crate::slugs::slugify;
use strip::strip_svg;

mod citers;
mod export;
mod strip;

pub(crate) use export::{hash_ics, hash_json, ics, json};

/// The date that separates past from upcoming events: `[timeline] today`, else
/// the day of the build (`build_day`, which the caller reads once).
pub(crate) fn today(site: &Site, build_day: jiff::civil::Date) -> jiff::civil::Date {
    site.config.timeline.today.map_or(build_day, |d| d.civil_date())
}

#[derive(Serialize)]
struct Link<'a> {
    href: &'a str,
    text: &'a str,
}

/// An event's value, borrowing what it shows: serialized once, into the value.
#[derive(Serialize)]
struct EventView<'a> {
    id: &'a str,
    title: &'a str,
    date: String,
    date_label: String,
    end: Option<String>,
    end_label: Option<String>,
    precision: Precision,
    /// Coarser than a day: shown as approximate.
    approximate: bool,
    place: Option<&'a str>,
    importance: u8,
    links: Vec<Link<'a>>,
    source: Option<&'a str>,
    /// `tags/sanctions regions/kursk`, for the filter script.
    filter_keys: String,
    is_page: bool,
    /// Its entry on the site's timeline (a URL path with the fragment); none without
    /// timelines (`disable_pages`).
    on_timeline: Option<String>,
    era: Option<String>,
    /// An indicator to watch: its status and the status's label.
    watch: Option<crate::model::dated::Status>,
    watch_label: Option<&'a str>,
    /// The language of the analysis recording it, whose words its partial is written in.
    lang: &'a str,
    // Template values, which Tera's serializer takes as they are: the analysis's shared
    // reference, and the analyses citing it (see `citers`).
    page: Value,
    cited_by: Value,
    cited_more: Value,
    summary: Value,
}

/// A month heading and its events. Events are added as template values afterwards:
/// serialising them inside this struct would deep-copy every event for every page.
#[derive(Serialize)]
struct MonthHead {
    id: String,
    label: String,
    /// Where the month's heading is: `#m-2024-10`, or on a timeline split by year, the
    /// year's page and the heading.
    href: String,
    count: usize,
    /// Eras that start in this month, announced before it.
    eras_starting: Vec<EraView>,
}

struct Month {
    /// Year and month as written, to tell where the next month starts.
    key: (i16, Option<i8>),
    head: MonthHead,
    events: Vec<Value>,
    /// The events, to find where each era starts.
    indices: Vec<EventId>,
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
pub(crate) struct TermHead<'a> {
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
    /// On a timeline split by year, the years' pages, newest first: all of them on the
    /// first page, the ten either side on a year's page; else empty.
    year_pages: Vec<YearPage>,
    /// The year this page shows, on a year's page.
    year: Option<i16>,
    /// Every month with past events (all years, also on a split timeline), for the table
    /// beside the strip.
    months: Vec<MonthLink>,
}

#[derive(Serialize)]
struct YearPage {
    year: i16,
    path: String,
    count: usize,
    /// The page being rendered shows this year.
    current: bool,
}

#[derive(Serialize)]
struct MonthLink {
    label: String,
    href: String,
    count: usize,
}

/// Which page of a timeline is being made: the timeline at `path`, and on a timeline
/// split by year, the year (`None`: the first page, upcoming events and the latest year).
#[derive(Clone, Copy)]
pub(crate) struct Shown<'a> {
    pub path: &'a str,
    pub year: Option<i16>,
    /// The timeline's language, whose words and dates it shows.
    pub lang: Lang,
}

/// How many of the latest events the first page of a timeline split by year lists (whole
/// months, so at least this many).
const LATEST: usize = 50;

/// How many years either side of its own a year's page links.
const NEARBY_YEARS: usize = 10;

/// `timeline/` or `timeline/2024/`.
pub(crate) fn year_path(path: &str, year: Option<i16>) -> String {
    match year {
        Some(y) => format!("{path}{y}/"),
        None => path.to_owned(),
    }
}

/// The past events' years, newest first, when a timeline of `events` (`None`: all) is
/// split by year; else none.
fn split_years(site: &Site, events: Option<&[EventId]>, today: jiff::civil::Date) -> Vec<i16> {
    let ids: Box<dyn Iterator<Item = EventId>> = match events {
        Some(list) => Box::new(list.iter().copied()),
        None => Box::new(site.event_ids()),
    };
    let past: Vec<i16> = ids
        .map(|i| site.event(i))
        .filter(|e| e.date.civil_date() <= today)
        .map(|e| e.date.year)
        .collect();
    split_of(site, past)
}

/// [`split_years`] from the past events' years.
fn split_of(site: &Site, mut years: Vec<i16>) -> Vec<i16> {
    let above = site.config.timeline.year_pages_above;
    if above == 0 || years.len() <= above {
        return Vec::new();
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
}

/// The pages of a timeline: the first (`None`) and, when it is split, one per year.
pub(crate) fn pages(site: &Site, events: Option<&[EventId]>, today: jiff::civil::Date) -> Vec<Option<i16>> {
    std::iter::once(None)
        .chain(split_years(site, events, today).into_iter().map(Some))
        .collect()
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

fn era_views(site: &Site, words: &Words) -> Vec<EraView> {
    site.config
        .timeline
        .eras
        .iter()
        .map(|e| EraView {
            name: e.name.clone(),
            start: e.start.iso(),
            end: e.end.iso(),
            start_label: words.event_date(&e.start),
            end_label: words.event_date(&e.end),
        })
        .collect()
}

/// Where each event is on its language's timeline: `/timeline/#e-ID` (`/uk/timeline/…`
/// for an analysis in Ukrainian), or when that timeline is split by year and the event
/// past, its year's page.
pub(crate) struct Anchors {
    /// By language: the timeline's path and whether it is split by year.
    langs: Vec<(String, bool)>,
    today: jiff::civil::Date,
}

impl Anchors {
    pub(crate) fn new(site: &Site, today: jiff::civil::Date) -> Anchors {
        let by_lang = events_by_lang(site);
        Anchors {
            langs: Lang::all(site)
                .map(|lang| {
                    (
                        lang.url_path(site, "timeline/"),
                        !split_years(site, Some(&by_lang[lang.0]), today).is_empty(),
                    )
                })
                .collect(),
            today,
        }
    }

    /// The URL path of the event's entry, with its fragment.
    pub(crate) fn of(&self, site: &Site, e: &Event) -> String {
        let lang = Lang::of(site, &site.page(e.page).lang);
        let (path, split) = &self.langs[lang.0.min(self.langs.len() - 1)];
        let year = (*split && e.date.civil_date() <= self.today).then_some(e.date.year);
        format!("{}#e-{}", year_path(path, year), e.id)
    }
}

/// The events of each language's analyses, in the site's order, by [`Lang`].
pub(crate) fn events_by_lang(site: &Site) -> Vec<Vec<EventId>> {
    let mut out: Vec<Vec<EventId>> = Lang::all(site).map(|_| Vec::new()).collect();
    for (i, e) in site.event_ids().zip(&site.events) {
        out[Lang::of(site, &site.page(e.page).lang).0].push(i);
    }
    out
}

/// The events each analysis records in its `events` list, in the site's order.
pub(crate) fn events_by_page(site: &Site) -> HashMap<PageId, Vec<EventId>> {
    let mut out: HashMap<PageId, Vec<EventId>> = HashMap::new();
    for (i, e) in site.event_ids().zip(&site.events) {
        if !e.is_page {
            out.entry(e.page).or_default().push(i);
        }
    }
    out
}

/// An event's template value. The recording analysis (`page`) and the citing ones
/// (`cited_by`) are the pages' shared reference values, not copies.
pub(crate) fn event_value(
    site: &Site,
    e: &Event,
    refs: &[Value],
    (anchors, keys): (&Anchors, &mut FilterKeys),
) -> Value {
    let words = Words::of(&site.config, &site.page(e.page).lang);
    let (cited, cited_more) = citers::of_event(site, e.page, refs);
    let view = EventView {
        id: &e.id,
        title: &e.title,
        date: e.date.iso(),
        date_label: words.event_date(&e.date),
        end: e.end.map(|d| d.iso()),
        end_label: e.end.map(|d| words.event_date(&d)),
        precision: e.date.precision(),
        approximate: e.date.precision() < Precision::Day,
        place: e.place.as_deref(),
        importance: e.importance,
        links: e.links.iter().map(|(href, text)| Link { href, text }).collect(),
        source: e.source.as_deref(),
        filter_keys: keys.of(e),
        is_page: e.is_page,
        on_timeline: site.config.makes(OwnPage::Timeline).then(|| anchors.of(site, e)),
        watch: e.watch,
        watch_label: e.watch.map(|s| words.get(words::status_key(s))),
        era: era_of(site, &e.date),
        lang: words.code(),
        page: refs[e.page.0].clone(),
        cited_by: cited,
        cited_more: Value::from(cited_more),
        summary: e.summary.as_deref().map_or_else(Value::none, Value::safe_string),
    };
    Value::from_serializable(&view)
}

/// The filter keys of the taxonomy and term names events carry (`tags/sanctions`), each
/// slugified once where it is asked for again: events name few distinct terms, each many
/// times.
#[derive(Default)]
pub(crate) struct FilterKeys(rustc_hash::FxHashMap<String, rustc_hash::FxHashMap<String, String>>);

impl FilterKeys {
    /// Event `e`'s keys, space-separated, for the filter script.
    fn of(&mut self, e: &Event) -> String {
        let mut out = String::new();
        for (tax, names) in e.taxonomies.iter() {
            for name in names {
                if !out.is_empty() {
                    out.push(' ');
                }
                // Looked up by reference: an owned key would be made for every name.
                let keys = match self.0.get_mut(tax.as_str()) {
                    Some(keys) => keys,
                    None => self.0.entry(tax.clone()).or_default(),
                };
                match keys.get(name.as_str()) {
                    Some(key) => out.push_str(key),
                    None => {
                        let key = format!("{}/{}", slugify(tax), slugify(name));
                        out.push_str(&key);
                        keys.insert(name.clone(), key);
                    }
                }
            }
        }
        out
    }
}

/// Template values of all events, in the site's order.
pub(crate) fn event_values(site: &Site, refs: &[Value], today: jiff::civil::Date) -> Vec<Value> {
    use rayon::prelude::*;
    let anchors = Anchors::new(site, today);
    site.events
        .par_iter()
        .map_init(FilterKeys::default, |keys, e| {
            event_value(site, e, refs, (&anchors, keys))
        })
        .collect()
}

/// What every page of one timeline is made from, the same for each of them: its events,
/// past and upcoming, and its years when it is split. A timeline split by year has a page
/// per year, and each goes over all its events; this is made once for all of them.
#[derive(Clone)]
pub(crate) struct Prelude {
    /// Every event, in the site's order.
    events: Vec<EventId>,
    /// The upcoming events, in the site's order.
    upcoming: Vec<EventId>,
    /// The past events by the year and month they are written in, and in the site's order
    /// inside each month.
    past: Vec<EventId>,
    /// See [`split_years`].
    split: Vec<i16>,
}

impl Prelude {
    /// The prelude of a timeline of `events` (`None`: all).
    pub(crate) fn new(site: &Site, events: Option<&[EventId]>, today: jiff::civil::Date) -> Prelude {
        let events: Vec<EventId> = match events {
            Some(list) => list.to_vec(),
            None => site.event_ids().collect(),
        };
        let (upcoming, mut past): (Vec<EventId>, Vec<EventId>) = events
            .iter()
            .partition(|i| site.event(**i).date.civil_date() > today);
        // Events are in order of their instant in UTC; a zoned time can fall in another
        // month than written, so group by the written month, keeping the order inside
        // each month.
        past.sort_by_key(|i| (site.event(*i).date.year, site.event(*i).date.month.unwrap_or(0)));
        Prelude {
            split: split_of(site, past.iter().map(|i| site.event(*i).date.year).collect()),
            events,
            upcoming,
            past,
        }
    }
}

/// The preludes of the site's timelines, each made when one of its pages is first made
/// in one pass over the outputs (a render or the fingerprints), and shared by the others.
/// Made again for each pass, so that what `serve` changes between passes (a page's
/// terms, an event's date) is never seen stale.
pub(crate) struct Preludes {
    /// By [`Lang`].
    langs: Vec<OnceLock<Prelude>>,
    terms: HashMap<TermId, OnceLock<Prelude>>,
}

impl Preludes {
    /// Room for the timelines of `langs` languages and of the terms `terms`.
    pub(crate) fn new(langs: usize, terms: impl Iterator<Item = TermId>) -> Preludes {
        Preludes {
            langs: (0..langs).map(|_| OnceLock::new()).collect(),
            terms: terms.map(|t| (t, OnceLock::new())).collect(),
        }
    }

    /// The prelude of language `lang`'s timeline, of `events`.
    pub(crate) fn of_lang(
        &self,
        site: &Site,
        lang: Lang,
        events: &[EventId],
        today: jiff::civil::Date,
    ) -> Cow<'_, Prelude> {
        shared(self.langs.get(lang.0), || Prelude::new(site, Some(events), today))
    }

    /// The prelude of term `term`'s timeline, of `events` (`None`: all).
    pub(crate) fn of_term(
        &self,
        site: &Site,
        term: TermId,
        events: Option<&[EventId]>,
        today: jiff::civil::Date,
    ) -> Cow<'_, Prelude> {
        shared(self.terms.get(&term), || Prelude::new(site, events, today))
    }
}

/// The prelude in `cell`, made by `make` if it is not yet; made for the caller alone
/// where there is no cell (a timeline the pass was not told of).
fn shared(cell: Option<&OnceLock<Prelude>>, make: impl FnOnce() -> Prelude) -> Cow<'_, Prelude> {
    match cell {
        Some(cell) => Cow::Borrowed(cell.get_or_init(make)),
        None => Cow::Owned(make()),
    }
}

/// The value `timeline.html` gets, for the events of `prelude` (all events, or those of
/// one term). `event` gives an event's value as the output shows it; `values` are every
/// event's value without the parts made only when shown, which are all the citing
/// analyses need.
pub(super) fn view(
    site: &Site,
    (event, values): (&dyn Fn(EventId) -> Value, &[Value]),
    filters: &Value,
    prelude: &Prelude,
    shown: Shown<'_>,
    today: jiff::civil::Date,
    purpose: Purpose<'_>,
) -> Value {
    let path = shown.path;
    let words = Words::of(&site.config, shown.lang.code(site));
    let Prelude {
        events: indices,
        upcoming: upcoming_events,
        past,
        split,
    } = prelude;
    let year_href = |year: i16| {
        if split.is_empty() {
            String::new()
        } else {
            year_path(path, Some(year))
        }
    };
    let eras = era_views(site, &words);
    // A split timeline's first page lists the latest year's events (and draws every
    // month); a year's page, its year's. Other years are only counted: every page of a
    // split timeline goes over all its events, and serve fingerprints them all.
    let showing = shown.year.or(split.first().copied());
    let listed = |year: i16| split.is_empty() || Some(year) == showing;
    // The months the page names: every month on the first page, which links them all; a
    // year's page names its own and only counts the others (most of a split timeline's
    // pages are years' pages, and naming a month formats a date in the page's language).
    let named = |year: i16| listed(year) || shown.year.is_none();
    let mut years: Vec<Year> = Vec::new();
    for &i in past {
        let e = site.event(i);
        let (year, month) = (e.date.year, e.date.month);
        if years.last().is_none_or(|y| y.year != year) {
            years.push(Year {
                year,
                months: Vec::new(),
            });
        }
        let y = years.last_mut().expect("pushed above");
        if y.months.last().is_none_or(|m| m.key != (year, month)) {
            let (id, label, href) = if named(year) {
                let id = match month {
                    Some(m) => format!("m-{year:04}-{m:02}"),
                    None => format!("m-{year:04}"),
                };
                let label = match month {
                    Some(m) => words.month(year, m, true),
                    None => words.fill("dossier_month_not_known", &[("year", &year.to_string())]),
                };
                let href = format!("{}#{id}", year_href(year));
                (id, label, href)
            } else {
                Default::default()
            };
            y.months.push(Month {
                key: (year, month),
                head: MonthHead {
                    href,
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
        if listed(year) {
            m.events.push(event(i));
            m.indices.push(i);
        }
    }
    // Each era is announced before the first month holding one of its events.
    for (era, view) in site.config.timeline.eras.iter().zip(&eras) {
        let in_era = |i: &EventId| era_of_config(era, &site.event(*i).date);
        let month = years
            .iter_mut()
            .flat_map(|y| y.months.iter_mut())
            .find(|m| m.indices.iter().any(in_era));
        if let Some(m) = month {
            m.head.eras_starting.push(view.clone());
        }
    }
    // A split timeline's first page draws every month, each bar and table row leading to
    // its year's page, and lists the latest events; a year's page draws and lists its year.
    let (drawn, strip_split) = match shown.year {
        Some(y) if !split.is_empty() => {
            let of_year: Vec<EventId> = past
                .iter()
                .copied()
                .filter(|i| site.event(*i).date.year == y)
                .collect();
            (std::borrow::Cow::Owned(of_year), None)
        }
        _ => (
            std::borrow::Cow::Borrowed(&indices[..]),
            (!split.is_empty()).then_some(path),
        ),
    };
    let svg = match purpose {
        Purpose::Render(_) => Value::safe_string(&strip_svg(site, &words, &drawn, today, strip_split)),
        Purpose::Fingerprint(_) => Value::from(strip::fingerprint(
            site,
            shown.lang.code(site),
            &drawn,
            today,
            strip_split,
        )),
    };
    let months: Vec<MonthLink> = years
        .iter()
        .filter(|y| named(y.year))
        .flat_map(|y| &y.months)
        .map(|m| MonthLink {
            label: m.head.label.clone(),
            href: match shown.year {
                Some(_) => format!("#{}", m.head.id),
                None => m.head.href.clone(),
            },
            count: m.head.count,
        })
        .collect();
    // The first page links every year; a year's page the years around it (and the first
    // page), so that a timeline spanning thousands of years does not list them all on
    // each of its thousands of pages.
    let around = match shown.year.and_then(|y| split.iter().position(|s| *s == y)) {
        Some(at) => &split[at.saturating_sub(NEARBY_YEARS)..(at + NEARBY_YEARS + 1).min(split.len())],
        None => &split[..],
    };
    let year_pages: Vec<YearPage> = around
        .iter()
        .map(|&year| YearPage {
            year,
            path: year_path(path, Some(year)),
            // `years` is in ascending order.
            count: years
                .binary_search_by_key(&year, |y| y.year)
                .map_or(0, |at| years[at].months.iter().map(|m| m.head.count).sum()),
            current: shown.year == Some(year),
        })
        .collect();
    if !split.is_empty() {
        years.retain(|y| Some(y.year) == showing);
        if shown.year.is_none()
            && let Some(latest) = years.last_mut()
        {
            // The newest months holding at least LATEST events.
            let mut kept = 0;
            let mut from = latest.months.len();
            while from > 0 && kept < LATEST {
                from -= 1;
                kept += latest.months[from].head.count;
            }
            latest.months.drain(..from);
        }
    }
    // Upcoming events are on the first page only.
    let upcoming: &[EventId] = if shown.year.is_some() {
        &[]
    } else {
        upcoming_events
    };
    let listed: Vec<EventId> = years
        .iter()
        .flat_map(|y| &y.months)
        .flat_map(|m| m.indices.iter().copied())
        .chain(upcoming.iter().copied())
        .collect();
    let cited_by_all = citers::shared(site, &listed, values).unwrap_or_else(Value::none);
    let head = ViewHead {
        count: indices.len(),
        eras,
        today: today.to_string(),
        path: path.to_owned(),
        year_pages,
        year: shown.year,
        months,
    };
    let upcoming: Vec<Value> = upcoming.iter().map(|i| event(*i)).collect();
    // For a fingerprint, the view hashed as it would be made: a split timeline's 600
    // pages each made it only to hash it.
    if let Purpose::Fingerprint(known) = purpose
        && let Some(hash) = hash_view(
            known,
            &head,
            &years,
            [
                &upcoming[..],
                &[cited_by_all.clone(), filters.clone(), svg.clone()],
            ],
        )
    {
        return Value::from(hash);
    }
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
    super::context::extend(
        Value::from_serializable(&head),
        [
            ("years", Value::from(years)),
            ("upcoming", Value::from(upcoming)),
            ("cited_by_all", cited_by_all),
            ("filters", filters.clone()),
            ("svg", svg),
        ],
    )
}

/// A timeline view's fingerprint, from its parts before they are made into its value
/// (see `view`): the head and each month's head as serialized, the events and the other
/// values as the memo hashes them. `None` when a part cannot be serialized so.
fn hash_view(known: &Known, head: &ViewHead, years: &[Year], values: [&[Value]; 2]) -> Option<u64> {
    use std::hash::Hasher;
    let mut h = crate::digest::fingerprinter();
    crate::digest::feed_serialized(&mut h, head)?;
    h.write_usize(years.len());
    for y in years {
        h.write_i16(y.year);
        h.write_usize(y.months.len());
        for m in &y.months {
            crate::digest::feed_serialized(&mut h, &m.head)?;
            h.write_usize(m.events.len());
            for e in &m.events {
                known.memo.feed(e, &mut h);
            }
        }
    }
    for list in values {
        h.write_usize(list.len());
        for v in list {
            known.memo.feed(v, &mut h);
        }
    }
    Some(h.finish())
}

/// The events carrying each term, in term order, in one pass over the events. An event's
/// terms are those of its analysis's language. None without timelines (`disable_pages`):
/// a term's events link to its timeline, so its page lists none.
pub(crate) fn events_by_term(site: &Site) -> Vec<(TermId, Vec<EventId>)> {
    if !site.config.makes(OwnPage::Timeline) {
        return Vec::new();
    }
    let lookup: Vec<(&str, String, std::collections::HashMap<&str, usize>)> = site
        .taxonomies
        .iter()
        .map(|t| {
            let terms = t
                .terms
                .iter()
                .enumerate()
                .map(|(i, term)| (term.slug.as_str(), i))
                .collect();
            (t.lang.as_str(), t.config.name.clone(), terms)
        })
        .collect();
    // Events name few distinct terms, each many times: each name's term is found once.
    let mut named: HashMap<(usize, &str), Option<usize>> = HashMap::new();
    let mut found: HashMap<TermId, Vec<EventId>> = HashMap::new();
    for (i, e) in site.event_ids().zip(&site.events) {
        let lang = site.page(e.page).lang.as_str();
        for (tax, names) in e.taxonomies.iter() {
            let Some(ti) = lookup.iter().position(|(l, name, _)| *l == lang && name == tax) else {
                continue;
            };
            for name in names {
                let term = *named.entry((ti, name.as_str())).or_insert_with(|| {
                    let slug = crate::slugs::path_slug(name, site.config.slugify.taxonomies);
                    lookup[ti].2.get(slug.as_str()).copied()
                });
                if let Some(index) = term {
                    let id = TermId {
                        taxonomy: TaxonomyId(ti),
                        index,
                    };
                    let list = found.entry(id).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
    }
    let mut by_term: Vec<(TermId, Vec<EventId>)> = found.into_iter().collect();
    by_term.sort_unstable_by_key(|(id, _)| *id);
    by_term
}

/// The filter chips of each language's timelines, by [`Lang`]: every term with events,
/// and how many.
pub(crate) fn filters_by_lang(site: &Site, by_term: &[(TermId, Vec<EventId>)]) -> Vec<Value> {
    Lang::all(site).map(|lang| filters(site, by_term, lang)).collect()
}

fn filters(site: &Site, by_term: &[(TermId, Vec<EventId>)], lang: Lang) -> Value {
    let code = lang.code(site);
    let mut filters: Vec<Filter> = Vec::new();
    for (id, list) in by_term {
        let t = site.taxonomy(id.taxonomy);
        if t.lang != code {
            continue;
        }
        let term = site.term(*id);
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
