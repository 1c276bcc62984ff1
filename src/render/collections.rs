//! The pages that collect something from every analysis (`/sources/`, `/watch/`,
//! `/judgments/`): whether each is made, and its template value.

use std::collections::HashMap;

use tera::Value;

use super::context;
use super::feeds::newest_first;
use super::job::{Collection, Lang};
use super::template_names::own_page;
use super::templates::Templates;
use crate::model::site::{PageId, Site};
use crate::render::words::Words;

impl Collection {
    /// Whether the page is made in `lang`: the theme has its template, no content of the
    /// site takes its URL, and an analysis in that language has something to collect.
    pub(super) fn made(self, site: &Site, templates: &Templates, lang: Lang) -> bool {
        let code = lang.code(site);
        let rendered = || site.pages.iter().filter(|p| p.has_output() && p.lang == code);
        let name = self.name();
        own_page(
            site,
            templates,
            &format!("{name}.html"),
            &lang.url_path(site, &format!("{name}/")),
        ) && match self {
            Collection::Sources => {
                site.sources.is_some() && rendered().any(|p| !p.converted.cited.is_empty())
            }
            Collection::Watch => site.watch.iter().any(|w| site.page(w.page).lang == code),
            Collection::Judgments => rendered().any(|p| !p.converted.judgments.is_empty()),
        }
    }

    pub(super) fn value(self, site: &Site, page_values: &[Value], lang: Lang) -> Value {
        match self {
            Collection::Sources => sources_value(site, page_values, lang),
            Collection::Watch => watch_value(site, page_values, lang),
            Collection::Judgments => judgments_value(site, page_values, lang),
        }
    }
}

/// The pages in a language (every page on a site with one).
fn pages_in(site: &Site, lang: Lang) -> impl Iterator<Item = PageId> + '_ {
    let code = lang.code(site);
    (0..site.pages.len())
        .map(PageId)
        .filter(move |p| site.page(*p).lang == code)
}

/// The indicators to watch by area (areas by name, those without one last), open ones
/// first, then by due date: `[{area, items: [{…, page}]}]`.
fn watch_value(site: &Site, page_values: &[Value], lang: Lang) -> Value {
    use crate::model::dated::Watch;
    let key = |w: &&Watch| {
        (
            w.area.is_none(),
            w.area.clone(),
            w.status,
            w.due.map(|d| d.start_key()),
            w.page.0,
            w.id.clone(),
        )
    };
    let code = lang.code(site);
    let mut all: Vec<&Watch> = site
        .watch
        .iter()
        .filter(|w| site.page(w.page).lang == code)
        .collect();
    all.sort_by_key(key);
    let mut groups: Vec<Value> = Vec::new();
    for chunk in all.chunk_by(|a, b| a.area == b.area) {
        let items: Vec<Value> = chunk
            .iter()
            .map(|w| {
                let item = Value::from_serializable(&context::WatchView::of(site, w));
                context::insert(item, "page", page_values[w.page.0].clone())
            })
            .collect();
        let mut group = tera::Map::new();
        group.insert(
            "area".into(),
            chunk[0].area.as_deref().map_or_else(Value::none, Value::from),
        );
        group.insert("items".into(), Value::from(items));
        groups.push(Value::from(group));
    }
    Value::from(groups)
}

/// Every cited source in the style's order, with the analyses citing it, newest first:
/// `[{id, key, reference, pages}]`.
fn sources_value(site: &Site, page_values: &[Value], lang: Lang) -> Value {
    let Some(sources) = &site.sources else {
        return Value::from(Vec::<Value>::new());
    };
    let pages = newest_first(site, pages_in(site, lang));
    // Each source's citing pages, newest first: one pass over the pages, not one per
    // source.
    let mut citing: HashMap<&str, Vec<Value>> = HashMap::new();
    for p in &pages {
        for key in &site.page(*p).converted.cited {
            citing.entry(key).or_default().push(page_values[p.0].clone());
        }
    }
    let mut keys: Vec<&str> = citing.keys().copied().collect();
    keys.sort_unstable();
    let list: Vec<Value> = sources
        .references(&keys)
        .into_iter()
        .map(|(key, reference)| {
            let citing = citing.remove(key.as_str()).unwrap_or_default();
            let mut item = tera::Map::new();
            item.insert("id".into(), Value::from(crate::slugs::slugify(&key)));
            item.insert("key".into(), Value::from(key));
            item.insert("reference".into(), Value::safe_string(&reference));
            item.insert("pages".into(), Value::from(citing));
            Value::from(item)
        })
        .collect();
    Value::from(list)
}

/// A key judgment for templates: `{id, confidence, confidence_label, text}`.
#[derive(serde::Serialize)]
pub(super) struct JudgmentView<'a> {
    id: &'a str,
    confidence: Option<crate::parse::judgments::Confidence>,
    confidence_label: Option<&'a str>,
    text: &'a str,
}

impl<'a> JudgmentView<'a> {
    /// The judgment with its label in `words`, its analysis's language's.
    pub(super) fn of(j: &'a crate::parse::judgments::Judgment, words: &Words<'a>) -> JudgmentView<'a> {
        JudgmentView {
            id: &j.id,
            confidence: j.confidence,
            confidence_label: j.confidence.map(|c| words.get(c.key())),
            text: &j.text,
        }
    }
}

/// The analyses with key judgments, newest first, each with its judgments:
/// `[{page, judgments: [{id, confidence, confidence_label, text}]}]`.
fn judgments_value(site: &Site, page_values: &[Value], lang: Lang) -> Value {
    let pages = newest_first(site, pages_in(site, lang));
    let groups: Vec<Value> = pages
        .into_iter()
        .filter(|p| !site.page(*p).converted.judgments.is_empty())
        .map(|p| {
            let items: Vec<JudgmentView> = site
                .page(p)
                .converted
                .judgments
                .iter()
                .map(|j| JudgmentView::of(j, &Words::of(&site.config, &site.page(p).lang)))
                .collect();
            let mut group = tera::Map::new();
            group.insert("page".into(), page_values[p.0].clone());
            group.insert("judgments".into(), Value::from_serializable(&items));
            Value::from(group)
        })
        .collect();
    Value::from(groups)
}
