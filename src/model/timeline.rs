//! The timeline: every dated analysis is an event, and each analysis's `events` list adds
//! more. Events are validated (titles, ranges, ids, taxonomies, links), given stable ids,
//! and put in chronological order.

use std::collections::{BTreeMap, HashMap};

use crate::config::key_location;
use crate::diagnostic::{Diagnostic, Diagnostics, Location, closest, did_you_mean};
use crate::model::site::{Item, PageId, Site};
use crate::parse::events::{EventDate, Precision, RawEvent};
use crate::slugs::slugify;

#[derive(Debug, Clone)]
pub struct Event {
    /// Stable and unique: the anchor on the timeline is `e-{id}`.
    pub id: String,
    pub date: EventDate,
    pub end: Option<EventDate>,
    pub title: String,
    /// HTML.
    pub summary: Option<String>,
    pub place: Option<String>,
    /// 1 (minor) to 3 (major).
    pub importance: u8,
    /// Resolved links: (href, text).
    pub links: Vec<(String, String)>,
    pub source: Option<String>,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// The analysis that records the event.
    pub page: PageId,
    /// Whether this is the analysis's own date rather than an entry of its `events`.
    pub is_page: bool,
}

impl Event {
    pub fn sort_key(&self) -> (i64, Precision) {
        (self.date.start_key(), self.date.precision())
    }
}

/// Builds the site's events, ordered by start (coarser dates first on a tie), then by page
/// and title, so the order never depends on the file system.
pub fn events(site: &Site) -> (Vec<Event>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut out: Vec<Event> = Vec::new();
    let taxonomy_names: Vec<&str> = site.config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    for (i, page) in site.pages.iter().enumerate() {
        if !page.renders() {
            continue;
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
                    .map(|d| crate::parse::highlight::escape_text(&d)),
                place: None,
                importance: 2,
                links: Vec::new(),
                source: None,
                taxonomies: page.taxonomies.clone(),
                page: PageId(i),
                is_page: true,
            });
        }
        for (n, raw) in page.meta.events.iter().enumerate() {
            let location = event_location(&page.file.display_path, &page.file.text, n, raw);
            match event(site, PageId(i), raw, &taxonomy_names, &location) {
                Ok(e) => out.push(e),
                Err(d) => diags.extend(d),
            }
        }
    }
    out.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| {
                site.page(a.page)
                    .file
                    .content_path
                    .cmp(&site.page(b.page).file.content_path)
            })
            .then_with(|| a.title.cmp(&b.title))
    });
    // Ids must be unique: they are anchors and calendar UIDs.
    let mut seen: HashMap<&str, PageId> = HashMap::new();
    for e in &out {
        if let Some(first) = seen.insert(&e.id, e.page) {
            let page = site.page(e.page);
            diags.push(
                Diagnostic::error(format!(
                    "two events have the id `{}` (in {} and {})",
                    e.id,
                    site.page(first).file.display_path.display(),
                    page.file.display_path.display()
                ))
                .at(key_location(&page.file.display_path, &page.file.text, "id"))
                .hint("give one of them another `id`, or a different title or date"),
            );
        }
    }
    (out, diags)
}

/// Where the `n`th event of a page is written: the line of its `title` or `date` value.
fn event_location(path: &std::path::Path, text: &str, n: usize, raw: &RawEvent) -> Location {
    let needle = raw.title.clone().unwrap_or_else(|| raw.date.iso());
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle.as_str()))
        .map(|(i, _)| i + 1)
        .next()
        .or_else(|| {
            // The nth `[[events]]` (TOML) or the nth list item under `events:` (YAML).
            text.lines()
                .enumerate()
                .filter(|(_, l)| l.trim() == "[[events]]" || l.trim_start().starts_with("- date"))
                .nth(n)
                .map(|(i, _)| i + 1)
        });
    match line {
        Some(l) => Location::at_line(path, text, l, Some(1)),
        None => key_location(path, text, "events"),
    }
}

fn event(
    site: &Site,
    page: PageId,
    raw: &RawEvent,
    taxonomy_names: &[&str],
    location: &Location,
) -> Result<Event, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let title = match raw.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_owned(),
        _ => {
            errors.push(
                Diagnostic::error(format!("the event dated {} has no title", raw.date.iso()))
                    .at(location.clone())
                    .hint("add `title = \"…\"` to the event"),
            );
            String::new()
        }
    };
    if let Some(end) = raw.end
        && end.end_exclusive() <= raw.date.civil_date()
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
    let id = raw
        .id
        .as_deref()
        .map(slugify)
        .unwrap_or_else(|| format!("{}-{}", raw.date.iso().replace(':', ""), slugify(&title)));
    let taxonomies = if raw.taxonomies.is_empty() {
        page_ref.taxonomies.clone()
    } else {
        raw.taxonomies.clone()
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
pub fn cited_by(site: &Site, page: PageId) -> Vec<PageId> {
    site.page(page)
        .backlinks
        .iter()
        .filter_map(|b| match b.source {
            Item::Page(p) => Some(p),
            Item::Section(_) => None,
        })
        .collect()
}
