//! The template values made once and shared by every job (`Data`), the globals every
//! template sees, and the lookups behind `get_page` and friends.

use std::collections::HashMap;

use tera::Value;

use super::archive;
use super::context::{self, Parts, section_value, term_value};
use super::fingerprint::Purpose;
use super::job::{Collection, Lang};
use super::search;
use super::template_names::own_page;
use super::templates::{Lookups, Templates};
use crate::model::site::{EventId, PageId, SectionId, Site, TaxonomyId, TermId};

/// The values every template sees: `config`, `nav_sections`, `taxonomy_names`, `lang`,
/// `has_timeline`, `has_archive`, `has_graph`, `words`.
pub(super) fn set_globals(templates: &mut Templates, site: &Site) {
    let values = globals(templates, site);
    let global = templates.tera.global_context();
    for (key, value) in values.0 {
        global.insert_value(key, value);
    }
}

/// The globals as parts, which `serve` also hashes into every output's fingerprint.
pub(super) fn globals(templates: &Templates, site: &Site) -> Parts {
    let mut values = Parts(Vec::new());
    values.insert_value("config", config_value(site, &site.config.default_language));
    values.insert_value("nav_sections", nav_value(site, site.root_section()));
    values.insert(
        "taxonomy_names",
        &site
            .config
            .taxonomies
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
    );
    values.insert("lang", &site.config.default_language);
    own_pages(templates, site, Lang::DEFAULT, &mut values);
    values
}

/// Which of dossier's own pages a language has (`has_timeline`, `has_archive`,
/// `has_graph`, the collections' flags), where its search link leads without scripts,
/// `lang_path`, where its pages start (`/`, or `/uk/`), and its `words`.
fn own_pages(templates: &Templates, site: &Site, lang: Lang, values: &mut Parts) {
    let code = lang.code(site);
    let has_timeline = site.events.iter().any(|e| site.page(e.page).lang == code)
        && own_page(
            site,
            templates,
            "timeline.html",
            &lang.url_path(site, "timeline/"),
        );
    let has_archive = own_page(site, templates, "archive.html", &lang.url_path(site, "archive/"))
        && site
            .pages
            .iter()
            .any(|p| p.has_output() && p.date.is_some() && p.lang == code);
    let has_graph = own_page(site, templates, "graph.html", &lang.url_path(site, "graph/"));
    values.insert("has_timeline", &has_timeline);
    values.insert("has_archive", &has_archive);
    values.insert("has_graph", &has_graph);
    for c in Collection::ALL {
        values.insert(c.flag(), &c.made(site, templates, lang));
    }
    values.insert("search_fallback", &search_fallback(site, lang, has_archive));
    values.insert("lang_path", &lang.url_path(site, ""));
    // A lookup in a map rather than a call of `trans`, which costs the default theme's
    // thirty words a page a tenth of a page's making.
    let words = super::words::Words::of(&site.config, code);
    values.insert_value("words", super::words::as_value(&words));
}

/// Zola's `config` for an output in `lang`: the language's `title`, `description`,
/// feeds, search switch and taxonomies, and `languages`, every other language's settings
/// by code.
pub(super) fn config_value(site: &Site, lang: &str) -> Value {
    let config = &site.config;
    let value = Value::from_serializable(config);
    let Some(mut map) = value.into_map() else {
        return Value::none();
    };
    let others: std::collections::BTreeMap<&str, &crate::config::Language> = config
        .languages
        .iter()
        .filter(|l| l.code != lang)
        .map(|l| (l.code.as_str(), l))
        .collect();
    map.insert(
        tera::value::Key::Str("languages"),
        Value::from_serializable(&others),
    );
    if let Some(language) = config.languages.iter().find(|l| l.code == lang)
        && lang != config.default_language
    {
        let mut set = |key: &'static str, v: Value| {
            map.insert(tera::value::Key::Str(key), v);
        };
        set("title", Value::from_serializable(&language.title));
        set("description", Value::from_serializable(&language.description));
        set("generate_feeds", Value::from(language.generate_feeds));
        set(
            "feed_filenames",
            Value::from_serializable(&language.feed_filenames),
        );
        set("build_search_index", Value::from(language.build_search_index));
        set("taxonomies", Value::from_serializable(&language.taxonomies));
    }
    Value::from(map)
}

/// What differs for an output in each language other than the default, by [`Lang`]
/// (nothing for the default): `lang`, `config` (the language's), `nav_sections` (its home
/// section's), `taxonomy_names`, and which of dossier's own pages it has. Made once per
/// build; inserted after an output's own values, over the globals.
pub(super) fn language_values(templates: &Templates, site: &Site) -> Vec<Parts> {
    Lang::all(site)
        .map(|lang| {
            let mut ctx = Parts(Vec::new());
            if lang == Lang::DEFAULT {
                return ctx;
            }
            let code = lang.code(site);
            ctx.insert("lang", code);
            ctx.insert_value("config", config_value(site, code));
            ctx.insert_value("nav_sections", nav_value(site, site.language_root(code)));
            let names: Vec<&str> = site
                .config
                .languages
                .get(lang.0)
                .map(|l| l.taxonomies.iter().map(|t| t.name.as_str()).collect())
                .unwrap_or_default();
            ctx.insert("taxonomy_names", &names);
            own_pages(templates, site, lang, &mut ctx);
            ctx
        })
        .collect()
}

/// Where the search link leads without JavaScript: the tag index, else the first list of
/// terms, else the archive, else home.
fn search_fallback(site: &Site, lang: Lang, has_archive: bool) -> String {
    let code = lang.code(site);
    let rendered = || {
        site.taxonomies
            .iter()
            .filter(|t| t.config.render && t.lang == code)
    };
    match rendered()
        .find(|t| t.config.name == "tags")
        .or_else(|| rendered().next())
    {
        Some(t) => t.path.clone(),
        None if has_archive => lang.url_path(site, "archive/"),
        None => lang.url_path(site, ""),
    }
}

/// A titled link, for navigation.
#[derive(serde::Serialize)]
struct Link<'a> {
    title: &'a str,
    path: &'a str,
    href: &'a str,
    permalink: &'a str,
}

/// The top-level sections under the home section `root` (a language's) with a page of
/// their own, in the navigation's order: by weight, then title.
pub(super) fn nav_sections_of(site: &Site, root: SectionId) -> Vec<SectionId> {
    let root = site.section(root);
    let mut subs: Vec<SectionId> = root
        .subsections
        .iter()
        .copied()
        .filter(|s| site.section(*s).has_output())
        .collect();
    subs.sort_by(|a, b| {
        let (x, y) = (site.section(*a), site.section(*b));
        x.meta
            .weight
            .unwrap_or(i64::MAX)
            .cmp(&y.meta.weight.unwrap_or(i64::MAX))
            .then_with(|| x.title().cmp(y.title()))
    });
    subs
}

fn nav_value(site: &Site, root: SectionId) -> Value {
    let items: Vec<Value> = nav_sections_of(site, root)
        .iter()
        .map(|s| site.section(*s))
        .map(|s| {
            Value::from_serializable(&Link {
                title: s.title(),
                path: super::context::zola_path(&s.path, &site.config.base_path),
                href: &s.path,
                permalink: &s.permalink,
            })
        })
        .collect();
    Value::from(items)
}

pub(super) fn build_lookups(site: &Site, data: &Data) -> Lookups {
    let mut l = Lookups {
        base_url: site.config.base_url.clone(),
        today: Some(data.today),
        ..Lookups::of_languages(&site.config)
    };
    let mut published = super::data::Published {
        base_path: site.config.base_path.clone(),
        assets: HashMap::new(),
        compiled: data.compiled.clone(),
    };
    for (i, p) in site.pages.iter().enumerate() {
        for asset in &p.assets {
            published.assets.insert(
                super::context::asset_url(&p.file.content_path, &p.path, asset),
                asset.clone(),
            );
        }
        l.pages
            .insert(p.file.content_path.clone(), data.page_values[i].clone());
        l.permalinks
            .insert(p.file.content_path.clone(), p.permalink.clone());
    }
    for (i, s) in site.sections.iter().enumerate() {
        for asset in &s.assets {
            published.assets.insert(
                super::context::asset_url(&s.file.content_path, &s.path, asset),
                asset.clone(),
            );
        }
        l.sections
            .insert(s.file.content_path.clone(), data.section_values[i].clone());
        l.permalinks
            .insert(s.file.content_path.clone(), s.permalink.clone());
    }
    for (i, t) in site.taxonomies.iter().enumerate() {
        let urls = t
            .terms
            .iter()
            // By name, the lookup templates make on every page, and by slug for the other
            // spellings of a term (two names with one slug are one term).
            .flat_map(|term| {
                [
                    (term.name.clone(), term.permalink.clone()),
                    (term.slug.clone(), term.permalink.clone()),
                ]
            })
            .collect();
        l.taxonomies.insert(
            (t.lang.clone(), t.config.name.clone()),
            (data.taxonomy_values[i].clone(), urls),
        );
    }
    l.published = std::sync::Arc::new(published);
    l
}

/// Template values made once and shared by every job.
pub(super) struct Data {
    pub page_values: Vec<Value>,
    /// Every page's small reference value (`context::page_refs`), which related pages and
    /// neighbours list.
    pub refs: Vec<Value>,
    /// Each page's HTML, as a safe string: in its value too unless `shape.apart` has
    /// `content`, the one string shared.
    pub page_html: super::html_values::HtmlValues,
    /// What the page values are made with: the fields they leave to each page's own
    /// output, the languages with an archive.
    pub shape: super::page_value::Shape,
    /// Each page's connected analyses and their diagram (`connected`, `connected_html`,
    /// `connections_svg`), made when first shown.
    pub connected: super::connected::Connected,
    /// Each section with its pages, for section pages and `get_section`.
    pub section_values: Vec<Value>,
    /// Each section without its pages, for the pages in it.
    pub section_refs: Vec<Value>,
    /// The same without `page_count`, for the fingerprints of pages whose template does
    /// not show it.
    pub section_refs_uncounted: Vec<Value>,
    /// Each taxonomy with its terms and their pages, for the list of terms and `get_taxonomy`.
    pub taxonomy_values: Vec<Value>,
    /// Each taxonomy without its terms, for term pages.
    pub taxonomy_refs: Vec<Value>,
    /// Each term with its pages, by taxonomy (`[taxonomy][index]` of a [`TermId`]).
    pub term_values: Vec<Vec<Value>>,
    /// By [`EventId`]; without their HTML when `event_html` makes it.
    pub event_values: Vec<Value>,
    /// Each event's value with its HTML, when made only for the outputs rendered.
    pub event_html: Option<super::event_html::EventHtml>,
    /// The events of each term that has any.
    pub term_events: HashMap<TermId, Vec<EventId>>,
    /// The events each analysis records in its `events` list.
    pub page_events: HashMap<PageId, Vec<EventId>>,
    /// The timeline's filter chips, by [`Lang`].
    pub filters: Vec<Value>,
    /// The events of each language's analyses, by [`Lang`].
    pub lang_events: Vec<Vec<EventId>>,
    /// What an output in each language sees differently, by [`Lang`] (see
    /// [`language_values`]).
    pub languages: Vec<Parts>,
    /// Each language's archive, by [`Lang`].
    pub archive: Vec<archive::Archive>,
    /// The date that separates past from upcoming events.
    pub today: jiff::civil::Date,
    /// Each compiled stylesheet's output path (`main.css`) → its CSS, which the template
    /// functions that read files find as Zola finds it in the output.
    pub compiled: HashMap<String, std::sync::Arc<super::data::CompiledCss>>,
    /// `None` when `build_search_index` is off; made before rendering (`search::ahead`)
    /// or built on first use.
    pub search: Option<std::sync::OnceLock<search::SearchIndex>>,
    /// The result records made before rendering, or compressed so far and kept by
    /// `serve` (with the index).
    pub records: Option<search::Compressed>,
}

impl Data {
    /// Room for the timelines' preludes, for one pass over the outputs.
    pub(super) fn timeline_preludes(&self) -> super::timeline::Preludes {
        super::timeline::Preludes::new(self.lang_events.len(), self.term_events.keys().copied())
    }

    /// Event `e`'s value as an output made for `purpose` shows it: with its HTML, made
    /// now if not yet, for one rendered; without, for a fingerprint. Where the HTML could
    /// not be made the value stands without it, and [`super::event_html::EventHtml::error`] tells.
    pub(super) fn event(&self, e: EventId, purpose: Purpose<'_>) -> Value {
        let plain = &self.event_values[e.0];
        match (purpose, &self.event_html) {
            (Purpose::Render(templates), Some(html)) => html.get(e, plain, templates),
            (Purpose::Render(_) | Purpose::Fingerprint(_), _) => plain.clone(),
        }
    }

    pub(super) fn section_value(&self, site: &Site, id: SectionId) -> Value {
        let s = site.section(id);
        let pages: Vec<Value> = s.pages.iter().map(|p| self.page_values[p.0].clone()).collect();
        section_value(site, s, &pages)
    }

    pub(super) fn term_value(&self, site: &Site, id: TermId) -> Value {
        let term = site.term(id);
        let pages: Vec<Value> = term.pages.iter().map(|p| self.page_values[p.0].clone()).collect();
        term_value(site, term, &pages)
    }

    pub(super) fn taxonomy_value(&self, site: &Site, id: TaxonomyId) -> Value {
        context::taxonomy_value(site, site.taxonomy(id), self.term_values[id.0].clone())
    }
}
