//! The home page as a publication's front page (`front` in the home page's context, for
//! the built-in theme's index.html): a lead analysis with its key judgments, the latest
//! analyses of each top-level section, the nearest open indicators to watch and the most
//! recent recorded events. Each analysis appears once, and every list is bounded, so the
//! page is the same size for a site of one analysis or of 100,000; making it is one pass
//! over the pages, the indicators and the events.

use tera::Value;

use super::collections::JudgmentView;
use super::context::{self, WatchView};
use super::fingerprint::Purpose;
use super::values::Data;
use crate::model::site::{EventId, PageId, SectionId, Site};

/// The lead's judgments shown; the rest are a click away on the analysis.
const JUDGMENTS: usize = 4;
/// Analyses shown per section.
const PER_SECTION: usize = 3;
/// Indicators in the "what to watch" strip.
const WATCH: usize = 4;
/// Pages under each subsection on a home page without a front page.
const HOME_PAGES: usize = 3;
/// Events in the recent-events list.
const EVENTS: usize = 5;

/// `{lead: {page, judgments}, sections: [{section, pages}], watch: [{…, page}], events}`
/// for the home page of the language `root` is the home section of, from that language's
/// analyses; `None` when it has no analysis with a page of its own.
pub(super) fn value(site: &Site, data: &Data, root: SectionId, purpose: Purpose<'_>) -> Option<Value> {
    let lang = site.section(root).lang.as_str();
    let lead = lead(site, lang)?;
    let mut front = tera::Map::new();

    let page = site.page(lead);
    let judgments: Vec<JudgmentView> = page
        .converted
        .judgments
        .iter()
        .take(JUDGMENTS)
        .map(|j| JudgmentView::of(j, &super::words::Words::of(&site.config, lang)))
        .collect();
    let mut lead_value = tera::Map::new();
    lead_value.insert("page".into(), data.page_values[lead.0].clone());
    lead_value.insert("judgments".into(), Value::from_serializable(&judgments));
    lead_value.insert(
        "more_judgments".into(),
        Value::from(page.converted.judgments.len().saturating_sub(JUDGMENTS)),
    );
    front.insert("lead".into(), Value::from(lead_value));
    front.insert("sections".into(), Value::from(sections(site, data, lead, root)));
    front.insert("watch".into(), Value::from(watch(site, data, lang)));
    front.insert("events".into(), Value::from(events(site, data, lang, purpose)));
    Some(Value::from(front))
}

/// The newest analysis in `lang` marked `extra.lead = true`, else its newest analysis.
fn lead(site: &Site, lang: &str) -> Option<PageId> {
    let newest = |marked: bool| {
        (0..site.pages.len())
            .map(PageId)
            .filter(|id| {
                let p = site.page(*id);
                p.has_output()
                    && p.lang == lang
                    && (!marked
                        || p.meta.extra.get("lead").and_then(serde_json::Value::as_bool) == Some(true))
            })
            // Newest first; among equals (or undated), the first by path, so the choice
            // does not depend on the order files were read in.
            .max_by(|a, b| {
                let key = |id: &PageId| site.page(*id).date.map(|d| d.sort_key());
                key(a).cmp(&key(b)).then_with(|| {
                    site.page(*b)
                        .file
                        .content_path
                        .cmp(&site.page(*a).file.content_path)
                })
            })
    };
    newest(true).or_else(|| newest(false))
}

/// The top-level section each page is under (through nested sections), or `None` for a
/// page of the home section itself.
fn top_section(site: &Site, mut section: SectionId, root: SectionId) -> Option<SectionId> {
    if section == root {
        return None;
    }
    while let Some(parent) = site.section(section).parent {
        if parent == root {
            return Some(section);
        }
        section = parent;
    }
    None
}

/// Each top-level section with a page of its own, in the navigation's order, with its
/// newest analyses (its own and its subsections'), the lead left out.
fn sections(site: &Site, data: &Data, lead: PageId, root: SectionId) -> Vec<Value> {
    let order = super::values::nav_sections_of(site, root);
    let mut pages: Vec<Vec<PageId>> = vec![Vec::new(); order.len()];
    for id in (0..site.pages.len()).map(PageId) {
        let p = site.page(id);
        if id == lead || !p.has_output() {
            continue;
        }
        let Some(top) = top_section(site, p.section, root) else {
            continue;
        };
        if let Some(at) = order.iter().position(|s| *s == top) {
            pages[at].push(id);
        }
    }
    order
        .iter()
        .zip(pages)
        .filter(|(_, list)| !list.is_empty())
        .map(|(s, list)| {
            let newest = super::feeds::newest_first(site, list.into_iter());
            let mut group = section_group(data, *s, newest.iter().take(PER_SECTION).copied());
            group.insert(
                "more".into(),
                Value::from(newest.len().saturating_sub(PER_SECTION)),
            );
            Value::from(group)
        })
        .collect()
}

/// The subsections of the home section `root`, each with its first [`HOME_PAGES`]
/// pages: `[{section, pages}]`, in `section.subsections`' order, for a home page without
/// a front page. The theme read them with `get_section` before, and a template calling
/// that can read any page: its output was rendered in every build the cache served, and
/// after every edit in `serve`.
pub(super) fn home_sections(site: &Site, data: &Data, root: SectionId) -> Value {
    let groups: Vec<Value> = site
        .section(root)
        .subsections
        .iter()
        .map(|s| {
            let pages = site.section(*s).pages.iter().take(HOME_PAGES).copied();
            Value::from(section_group(data, *s, pages))
        })
        .collect();
    Value::from(groups)
}

/// `{section, pages}`: section `s` without its pages, and the values of `pages`.
fn section_group(data: &Data, s: SectionId, pages: impl Iterator<Item = PageId>) -> tera::Map {
    let pages: Vec<Value> = pages.map(|p| data.page_values[p.0].clone()).collect();
    let mut group = tera::Map::new();
    group.insert("section".into(), data.section_refs[s.0].clone());
    group.insert("pages".into(), Value::from(pages));
    group
}

/// The open indicators due soonest (those without a due date after the dated ones).
fn watch(site: &Site, data: &Data, lang: &str) -> Vec<Value> {
    use crate::model::dated::{Status, Watch};
    let mut open: Vec<&Watch> = site
        .watch
        .iter()
        .filter(|w| {
            let page = site.page(w.page);
            w.status == Status::Open && page.has_output() && page.lang == lang
        })
        .collect();
    open.sort_by_key(|w| {
        (
            w.due.is_none(),
            w.due.map(|d| d.start_key()),
            w.page.0,
            w.id.clone(),
        )
    });
    open.iter()
        .take(WATCH)
        .map(|w| {
            let item = Value::from_serializable(&WatchView::of(site, w));
            context::insert(item, "page", data.page_values[w.page.0].clone())
        })
        .collect()
}

/// The latest events recorded in analyses' `events` lists up to today, newest first; an
/// analysis's own date is not one (the sections list the analyses).
fn events(site: &Site, data: &Data, lang: &str, purpose: Purpose<'_>) -> Vec<Value> {
    let today = data.today;
    let mut past: Vec<EventId> = (0..site.events.len())
        .map(EventId)
        .filter(|e| {
            let event = &site.events[e.0];
            !event.is_page
                && event.watch.is_none()
                && event.date.civil_date() <= today
                && site.page(event.page).lang == lang
        })
        .collect();
    past.sort_by_key(|e| std::cmp::Reverse(site.events[e.0].sort_key()));
    past.iter()
        .take(EVENTS)
        .map(|e| data.event(*e, purpose))
        .collect()
}
