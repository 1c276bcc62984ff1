//! The timeline: every dated analysis is an event, and each analysis's `events` list adds
//! more. Events are validated (titles, ranges, ids, taxonomies, links), given stable ids,
//! and put in chronological order.

use std::collections::HashMap;

use crate::dates::{EventDate, Precision};
use crate::diagnostic::{Diagnostic, Diagnostics, Location, closest, did_you_mean};
use crate::model::site::{EventId, Item, PageId, Site};
use crate::parse::events::RawEvent;
use crate::slugs::slugify;
use crate::spans::{Entries, key_location};

use crate::model::dated::Event;

/// Builds the site's events, ordered by start (coarser dates first on a tie), then by page
/// and title, so the order never depends on the file system. `watch` is the site's
/// indicators, passed rather than read from `site.watch` so that they can be found while
/// the site is shared.
pub(crate) fn events(site: &Site, watch: &[crate::model::dated::Watch]) -> (Vec<Event>, Diagnostics) {
    use rayon::prelude::*;
    let mut diags = Diagnostics::new();
    let mut out: Vec<Event> = Vec::new();
    let taxonomy_names: Vec<&str> = site.config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let pages: Vec<(Vec<Event>, Diagnostics)> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| page_events(site, PageId(i), &taxonomy_names))
        .collect();
    for (events, problems) in pages {
        out.extend(events);
        diags.extend(problems);
    }
    // Dated indicators are on the timeline too, upcoming until their date.
    for w in watch.iter().filter(|w| w.due.is_some()) {
        let Some(due) = w.due else { continue };
        out.push(Event {
            id: w.id.clone(),
            date: due,
            end: None,
            title: w.indicator.clone(),
            summary: w.why.as_deref().map(crate::html::escape_text),
            place: None,
            importance: 2,
            links: Vec::new(),
            source: None,
            taxonomies: std::sync::Arc::clone(&site.page(w.page).taxonomies),
            page: w.page,
            is_page: false,
            watch: Some(w.status),
            location: w.location.clone(),
        });
    }
    out.sort_by(|a, b| order(site, a, b));
    // Ids must be unique in a language: they are anchors on its timeline and UIDs in its
    // calendar. A translation's events keep the original's ids, being the same events.
    let mut seen: HashMap<(&str, &str), PageId> = HashMap::new();
    for e in &out {
        if let Some(first) = seen.insert((&site.page(e.page).lang, &e.id), e.page) {
            diags.push(
                Diagnostic::error(format!(
                    "two events have the id `{}` (in {} and {})",
                    e.id,
                    site.page(first).file.display_path.display(),
                    site.page(e.page).file.display_path.display()
                ))
                .at(if e.is_page {
                    page_date_location(site, e.page)
                } else {
                    e.location.clone()
                })
                .hint("give one of them another `id`, or a different title or date"),
            );
        }
    }
    (out, diags)
}

/// The timeline's order: by start (coarser dates first on a tie), then by page and title.
fn order(site: &Site, a: &Event, b: &Event) -> std::cmp::Ordering {
    a.sort_key()
        .cmp(&b.sort_key())
        .then_with(|| {
            site.page(a.page)
                .file
                .content_path
                .cmp(&site.page(b.page).file.content_path)
        })
        .then_with(|| a.title.cmp(&b.title))
}

/// The events an analysis records, its own date (if it has one) then its `events` list,
/// and the problems of those left out.
fn page_events(site: &Site, id: PageId, taxonomy_names: &[&str]) -> (Vec<Event>, Diagnostics) {
    let page = site.page(id);
    let mut out = Vec::new();
    let mut diags = Diagnostics::new();
    if !page.has_output() {
        return (out, diags);
    }
    if let Some(date) = page.date {
        out.push(Event {
            id: format!("a-{}", slugify(page.file.content_path.trim_end_matches(".md"))),
            date: EventDate::from_date(&date),
            end: None,
            title: page.title.clone(),
            summary: page
                .meta
                .description
                .clone()
                .map(|d| crate::html::escape_text(&d)),
            place: None,
            importance: 2,
            links: Vec::new(),
            source: None,
            taxonomies: std::sync::Arc::clone(&page.taxonomies),
            page: id,
            is_page: true,
            watch: None,
            // Found when an error needs it (`page_date_location`): every dated
            // page's front matter would otherwise be parsed again on every build
            // for a location that only that error shows.
            location: Location::file(&page.file.display_path),
        });
    }
    if page.meta.events.is_empty() {
        return (out, diags);
    }
    let entries = Entries::new(&page.file.display_path, &page.file.text, "events");
    for (n, raw) in page.meta.events.iter().enumerate() {
        let at = |keys: &[&str]| entries.location(n, keys);
        match event(site, id, raw, taxonomy_names, &at) {
            Ok(e) => out.push(e),
            Err(d) => diags.extend(d),
        }
    }
    (out, diags)
}

/// After page `id`'s date moved (and nothing else of its events): moves its own event
/// (every dated analysis is one) to the new date and puts the timeline back in order.
/// Returns each event's id before, in the new order (the events keep their values, not
/// their places); `None`, with nothing changed, when the page has no event.
pub(crate) fn redate(site: &mut Site, id: PageId) -> Option<Vec<EventId>> {
    let date = site.page(id).date?;
    let at = site.events.iter().position(|e| e.page == id && e.is_page)?;
    site.events[at].date = EventDate::from_date(&date);
    let mut numbered: Vec<(EventId, Event)> = std::mem::take(&mut site.events)
        .into_iter()
        .enumerate()
        .map(|(i, e)| (EventId(i), e))
        .collect();
    // Stable, as the build's sort: the other events keep their order among themselves,
    // and the moved one ties with none (a page showing events of its own is not placed
    // again; see `placing::replace`).
    numbered.sort_by(|a, b| order(site, &a.1, &b.1));
    let (from, events) = numbered.into_iter().unzip();
    site.events = events;
    Some(from)
}

/// After the title or description of page `id` changed, and nothing else that places it
/// or its events: remakes the events it records and the link texts of events that link
/// to it, where they are in the timeline. Returns the pages whose events changed, `id`
/// first; `None`, with nothing changed, when the timeline's order would change (a title
/// breaks ties between one page's events on one date), for a full build to redo.
pub(crate) fn retitle(site: &mut Site, id: PageId) -> Option<Vec<PageId>> {
    let taxonomy_names: Vec<&str> = site.config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let (fresh, problems) = page_events(site, id, &taxonomy_names);
    if !problems.is_empty() {
        return None;
    }
    // Indicators come from `watch`, unchanged: the page's other events are replaced by id.
    let mut placed: Vec<(usize, Event)> = Vec::new();
    for (i, e) in site.events.iter().enumerate() {
        if e.page == id && e.watch.is_none() {
            placed.push((i, fresh.iter().find(|f| f.id == e.id)?.clone()));
        }
    }
    if placed.len() != fresh.len() {
        return None;
    }
    let at = |i: usize| -> &Event {
        placed
            .iter()
            .find(|(j, _)| *j == i)
            .map_or(&site.events[i], |(_, e)| e)
    };
    let sorted = placed.iter().all(|(i, e)| {
        (*i == 0 || order(site, at(i - 1), e).is_le())
            && site
                .events
                .get(i + 1)
                .is_none_or(|_| order(site, e, at(i + 1)).is_le())
    });
    if !sorted {
        return None;
    }
    for (i, e) in placed {
        site.events[i] = e;
    }
    let page = site.page(id);
    let (path, title) = (page.path.clone(), page.title.clone());
    let mut pages = vec![id];
    for e in &mut site.events {
        for (href, text) in &mut e.links {
            let to_page = href
                .strip_prefix(path.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('#'));
            if to_page && *text != title {
                text.clone_from(&title);
                pages.push(e.page);
            }
        }
    }
    pages.dedup();
    Some(pages)
}

/// Where an analysis's own date is written, for an error about its event.
fn page_date_location(site: &Site, page: PageId) -> Location {
    let file = &site.page(page).file;
    key_location(&file.display_path, &file.text, "date")
}

fn event(
    site: &Site,
    page: PageId,
    raw: &RawEvent,
    taxonomy_names: &[&str],
    at: &dyn Fn(&[&str]) -> Location,
) -> Result<Event, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let location = &at(&["title", "date"]);
    let title = match raw.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_owned(),
        _ => {
            errors.push(
                Diagnostic::error(format!("the event dated {} has no title", raw.date.iso()))
                    .at(at(&["date"]))
                    .hint("add `title = \"…\"` to the event"),
            );
            String::new()
        }
    };
    let backwards = |end: &EventDate| {
        end.end_exclusive() <= raw.date.civil_date()
            || (end.datetime.is_some()
                && raw.date.datetime.is_some()
                && end.start_key() < raw.date.start_key())
    };
    if let Some(end) = raw.end
        && backwards(&end)
    {
        errors.push(
            Diagnostic::error(format!(
                "the event `{title}` ends ({}) before it starts ({})",
                end.iso(),
                raw.date.iso()
            ))
            .at(location.clone())
            .hint("swap `date` and `end`, or correct one of them"),
        );
    }
    if let Some(imp) = raw.importance
        && !(1..=3).contains(&imp)
    {
        errors.push(
            Diagnostic::error(format!("importance {imp} is out of range"))
                .at(location.clone())
                .hint("use 1 (minor), 2 (normal) or 3 (major)"),
        );
    }
    for tax in raw.taxonomies.keys() {
        if !taxonomy_names.contains(&tax.as_str()) {
            errors.push(
                Diagnostic::error(format!("unknown taxonomy `{tax}` on the event `{title}`"))
                    .at(location.clone())
                    .maybe_hint(did_you_mean(tax, taxonomy_names.iter().copied())),
            );
        }
    }
    let mut links = Vec::new();
    for link in &raw.links {
        if let Some(path) = link.strip_prefix("@/") {
            let (path, anchor) = path.split_once('#').map_or((path, None), |(p, a)| (p, Some(a)));
            match site.by_content_path.get(path) {
                Some(item) => {
                    let href = match anchor {
                        Some(a) => format!("{}#{a}", site.item_path(*item)),
                        None => site.item_path(*item).to_owned(),
                    };
                    links.push((href, site.item_title(*item).to_owned()));
                }
                // The page's own error says why it is not there.
                None if site.broken.contains(path) => {}
                None => {
                    let paths = site.by_content_path.keys().map(String::as_str);
                    errors.push(
                        Diagnostic::error(format!("the event `{title}` links to a missing page `{link}`"))
                            .at(location.clone())
                            .maybe_hint(closest(path, paths).map(|c| format!("did you mean `@/{c}`?"))),
                    );
                }
            }
        } else {
            links.push((link.clone(), link.clone()));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let page_ref = site.page(page);
    let id = raw.id.as_deref().map(slugify).unwrap_or_else(|| {
        // The written date (without a time) and the title: readable and stable.
        let date = match raw.date.precision() {
            Precision::Time => raw.date.civil_date().to_string(),
            _ => raw.date.iso(),
        };
        format!("{date}-{}", slugify(&title))
    });
    let taxonomies = if raw.taxonomies.is_empty() {
        std::sync::Arc::clone(&page_ref.taxonomies)
    } else {
        std::sync::Arc::new(raw.taxonomies.clone())
    };
    Ok(Event {
        id,
        date: raw.date,
        end: raw.end,
        title,
        summary: raw.summary.as_deref().map(inline_markdown),
        place: raw.place.clone(),
        importance: raw.importance.unwrap_or(2),
        links,
        source: raw.source.clone(),
        taxonomies,
        page,
        is_page: false,
        watch: None,
        location: at(&["id", "title", "date"]),
    })
}

/// A short Markdown text as HTML without the wrapping paragraph.
fn inline_markdown(text: &str) -> String {
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    pulldown_cmark::html::push_html(&mut html, parser);
    let trimmed = html.trim();
    match trimmed.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => trimmed.to_owned(),
    }
}

/// Analyses that cite the one recording an event: its backlinks that are pages.
pub(crate) fn cited_by(site: &Site, page: PageId) -> Vec<PageId> {
    site.page(page)
        .backlinks
        .iter()
        .filter_map(|b| match b.source {
            Item::Page(p) => Some(p),
            Item::Section(_) => None,
        })
        .collect()
}
