//! Template values for pages, sections, terms and pagers, with Zola's names.
//!
//! Each page's value is built once and shared (Tera values are reference-counted), so a
//! section listing a thousand pages costs a thousand pointer copies, not a thousand copies.

use serde::Serialize;
use tera::Value;
use tera::value::Key;

use crate::model::site::{Item, Page, Section, Site, Term};
use crate::parse::markdown::Heading;

/// An indicator to watch, for templates.
#[derive(Serialize)]
pub(crate) struct WatchView<'a> {
    id: &'a str,
    indicator: &'a str,
    why: Option<&'a str>,
    due: Option<String>,
    due_label: Option<String>,
    status: crate::model::dated::Status,
    status_label: &'a str,
    area: Option<&'a str>,
}

impl<'a> WatchView<'a> {
    /// The indicator with its labels in its analysis's language.
    pub(crate) fn of(site: &'a Site, w: &'a crate::model::dated::Watch) -> WatchView<'a> {
        let words = super::words::Words::of(&site.config, &site.page(w.page).lang);
        WatchView {
            id: &w.id,
            indicator: &w.indicator,
            why: w.why.as_deref(),
            due: w.due.map(|d| d.iso()),
            due_label: w.due.map(|d| words.event_date(&d)),
            status: w.status,
            status_label: words.get(super::words::status_key(w.status)),
            area: w.area.as_deref(),
        }
    }
}

/// One language's version of a page or section, as Zola lists them in `translations`
/// (the document itself included): `path` is the Markdown file's, as in Zola, and
/// `href` the address to link to.
#[derive(Serialize)]
pub(crate) struct Translation<'a> {
    lang: &'a str,
    title: &'a str,
    permalink: &'a str,
    href: &'a str,
    path: &'a str,
}

/// The translations of a page or section, itself included, in the languages' order.
pub(crate) fn translations(site: &Site, item: Item) -> Vec<Translation<'_>> {
    site.translations_of(item)
        .iter()
        .map(|t| {
            let (title, permalink, href, path) = match *t {
                Item::Page(p) => {
                    let p = site.page(p);
                    (p.title.as_str(), &p.permalink, &p.path, &p.file.content_path)
                }
                Item::Section(s) => {
                    let s = site.section(s);
                    (s.title(), &s.permalink, &s.path, &s.file.content_path)
                }
            };
            Translation {
                lang: site.item_lang(*t),
                title,
                permalink,
                href,
                path,
            }
        })
        .collect()
}

/// A document that links here, with the words around its link.
#[derive(Serialize)]
pub(crate) struct BacklinkRef<'a> {
    title: &'a str,
    path: &'a str,
    href: &'a str,
    permalink: &'a str,
    date: Option<String>,
    /// `link` or `wikilink`.
    kind: crate::parse::markdown::LinkKind,
    excerpt: &'a str,
    count: usize,
}

pub(crate) fn backlink_refs<'a>(
    site: &'a Site,
    list: &'a [crate::model::site::Backlink],
) -> Vec<BacklinkRef<'a>> {
    list.iter()
        .map(|b| {
            let (title, path, permalink, date) = linking(site, b.source);
            BacklinkRef {
                title,
                path: zola_path(path, &site.config.base_path),
                href: path,
                permalink,
                date: date.map(|d| d.to_string()),
                kind: b.kind,
                excerpt: &b.excerpt,
                count: b.count,
            }
        })
        .collect()
}

/// What a backlink shows of the document it comes from: title, address, permalink, date.
fn linking(site: &Site, source: Item) -> (&str, &str, &str, Option<crate::dates::DateValue>) {
    match source {
        Item::Page(p) => {
            let p = site.page(p);
            (&p.title, &p.path, &p.permalink, p.date)
        }
        Item::Section(s) => {
            let s = site.section(s);
            (s.title(), &s.path, &s.permalink, None)
        }
    }
}

/// Hashes what [`backlink_refs`] makes of `list` from what it is made of, without making
/// it: what it shows of each linking document (see [`linking`]) as `shown` hashes it, of
/// which the permalink is its address under the configuration's base, which every
/// fingerprint covers.
pub(super) fn hash_backlinks(
    shown: &super::connected::Shown,
    list: &[crate::model::site::Backlink],
    h: &mut impl std::hash::Hasher,
) {
    use std::hash::Hash;
    list.len().hash(h);
    for b in list {
        (shown.of(b.source), b.kind, &b.excerpt, b.count).hash(h);
    }
}

/// The small reference value of every page, shared by every list that mentions it
/// (neighbours, related pages).
pub(crate) fn page_refs(site: &Site) -> Vec<Value> {
    use rayon::prelude::*;
    site.pages
        .par_iter()
        .map(|p| page_ref(p, &site.config.base_path))
        .collect()
}

/// A small reference to a neighbouring page (Zola gives whole pages; this avoids cycles).
#[derive(Serialize)]
pub(crate) struct PageRef<'a> {
    title: &'a str,
    path: &'a str,
    href: &'a str,
    permalink: &'a str,
    date: Option<String>,
    description: Option<&'a str>,
}

pub(super) fn page_ref(p: &Page, base_path: &str) -> Value {
    Value::from_serializable(&PageRef {
        title: &p.title,
        path: zola_path(&p.path, base_path),
        href: &p.path,
        permalink: &p.permalink,
        date: p.date.map(|d| d.to_string()),
        description: p.meta.description.as_deref(),
    })
}

/// Zola's `path`: the address without the site's base path, starting with `/`
/// (`/projects/x/` on a site published at `/apollo/`), which Zola themes build on; dossier's
/// values carry the address with the base path, to link with, as `href`.
pub(crate) fn zola_path<'a>(path: &'a str, base_path: &str) -> &'a str {
    match path.strip_prefix(base_path) {
        Some(_) => &path[base_path.len() - 1..],
        None => path,
    }
}

pub(super) fn ancestors(site: &Site, mut section: Option<crate::model::site::SectionId>) -> Vec<&str> {
    let mut out = Vec::new();
    while let Some(s) = section {
        out.push(site.section(s).file.content_path.as_str());
        section = site.section(s).parent;
    }
    out.reverse();
    out
}

pub(super) fn components(path: &str, base_path: &str) -> Vec<String> {
    path.strip_prefix(base_path)
        .unwrap_or(path)
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The rendered HTML, as safe strings, so `{{ page.content }}` and the Zola-style
/// `{{ page.content | safe }}` both print it unescaped.
fn html_entries(content: &str, summary: Option<&str>) -> [(&'static str, Value); 2] {
    [
        ("content", Value::safe_string(content)),
        ("summary", summary.map_or_else(Value::none, Value::safe_string)),
    ]
}

/// The URL of a bundle's file, beside the page's own output in the folder it has in the
/// bundle; `owner` is the page's or section's content path.
pub(super) fn asset_url(owner: &str, page_path: &str, asset: &str) -> String {
    let name = crate::model::site::asset_name(owner, asset);
    format!("{page_path}{name}")
}

#[derive(Serialize)]
struct SectionMeta<'a> {
    title: &'a str,
    description: Option<&'a str>,
    path: &'a str,
    href: &'a str,
    permalink: &'a str,
    relative_path: &'a str,
    components: Vec<String>,
    ancestors: Vec<&'a str>,
    subsections: Vec<&'a str>,
    draft: bool,
    weight: Option<i64>,
    sort_by: crate::parse::frontmatter::SortBy,
    paginate_by: Option<usize>,
    transparent: bool,
    extra: &'a serde_json::Value,
    toc: &'a [Heading],
    word_count: usize,
    reading_time: usize,
    assets: Vec<String>,
    lang: &'a str,
    translations: Vec<Translation<'a>>,
    page_count: usize,
    backlinks: Vec<BacklinkRef<'a>>,
    /// Whether the section has a page of its own (`render`, and no `redirect_to`).
    render: bool,
    /// Whether the section has feeds of its own (the home section's are the site's).
    generate_feeds: bool,
}

/// A section's value; `pages` holds the given page values, in order.
pub(crate) fn section_value(site: &Site, s: &Section, pages: &[Value]) -> Value {
    let meta = SectionMeta {
        title: s.title(),
        description: s.meta.description.as_deref(),
        path: zola_path(&s.path, &site.config.base_path),
        href: &s.path,
        permalink: &s.permalink,
        relative_path: &s.file.content_path,
        components: components(&s.path, &site.config.base_path),
        ancestors: ancestors(site, s.parent),
        subsections: s
            .subsections
            .iter()
            .map(|c| site.section(*c).file.content_path.as_str())
            .collect(),
        draft: s.meta.draft,
        weight: s.meta.weight,
        sort_by: s.meta.sort_by.unwrap_or_default(),
        paginate_by: s.meta.paginate_by,
        transparent: s.meta.transparent,
        extra: &s.meta.extra,
        toc: &s.converted.toc,
        word_count: s.converted.word_count,
        reading_time: s.converted.word_count.div_ceil(200),
        assets: s
            .assets
            .iter()
            .map(|a| asset_url(&s.file.content_path, &s.path, a))
            .collect(),
        lang: &s.lang,
        translations: site
            .by_content_path
            .get(&s.file.content_path)
            .map(|item| translations(site, *item))
            .unwrap_or_default(),
        page_count: s.pages.len(),
        backlinks: backlink_refs(site, &s.backlinks),
        render: s.has_output(),
        generate_feeds: s.meta.generate_feeds == Some(true) && !s.is_root(),
    };
    let [content, summary] = html_entries(&s.converted.content, s.converted.summary.as_deref());
    extend(
        Value::from_serializable(&meta),
        [content, summary, ("pages", Value::from(pages.to_vec()))],
    )
}

/// A section without its pages (and without its content), for the pages in it: a page's
/// value never holds its siblings, so an edit to one page leaves the others' pages alone.
pub(crate) fn section_ref(site: &Site, s: &Section) -> Value {
    let value = section_value(site, s, &[]);
    match value.into_map() {
        Some(mut map) => {
            for key in ["pages", "content", "summary"] {
                map.shift_remove(&Key::Str(key));
            }
            Value::from(map)
        }
        None => Value::none(),
    }
}

/// A [`section_ref`] without the number of pages.
pub(crate) fn section_ref_uncounted(section_ref: &Value) -> Value {
    match section_ref.clone().into_map() {
        Some(mut map) => {
            map.shift_remove(&Key::Str("page_count"));
            Value::from(map)
        }
        None => Value::none(),
    }
}

pub(crate) fn insert(value: Value, key: &'static str, item: Value) -> Value {
    extend(value, [(key, item)])
}

/// `value`, a map, with `entries` added (or replaced). Tera makes a map value by building
/// the map again, so entries go in together: one rebuild, not one per entry.
pub(crate) fn extend(value: Value, entries: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    match value.into_map() {
        Some(mut map) => {
            let entries = entries.into_iter();
            // Exactly: the map is kept, and growing it would double its entries.
            map.reserve_exact(entries.size_hint().0);
            for (key, item) in entries {
                map.insert(Key::Str(key), item);
            }
            Value::from(map)
        }
        None => Value::none(),
    }
}

#[derive(Serialize)]
struct TermMeta<'a> {
    name: &'a str,
    slug: &'a str,
    path: &'a str,
    href: &'a str,
    permalink: &'a str,
    page_count: usize,
}

pub(crate) fn term_value(site: &Site, term: &Term, pages: &[Value]) -> Value {
    let meta = TermMeta {
        name: &term.name,
        slug: &term.slug,
        path: zola_path(&term.path, &site.config.base_path),
        href: &term.path,
        permalink: &term.permalink,
        page_count: term.pages.len(),
    };
    insert(
        Value::from_serializable(&meta),
        "pages",
        Value::from(pages.to_vec()),
    )
}

/// Zola's `paginator`.
#[derive(Serialize)]
pub(crate) struct Pager<'a> {
    pub paginate_by: usize,
    pub base_url: &'a str,
    pub number_pagers: usize,
    pub total_pages: usize,
    pub current_index: usize,
    pub first: String,
    pub last: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

pub(crate) fn pager_value(pager: &Pager, pages: &[Value]) -> Value {
    insert(
        Value::from_serializable(pager),
        "pages",
        Value::from(pages.to_vec()),
    )
}

#[derive(Serialize)]
struct TaxonomyMeta<'a> {
    name: &'a str,
    lang: &'a str,
    slug: &'a str,
    path: &'a str,
    href: &'a str,
    permalink: &'a str,
    paginate_by: Option<usize>,
}

/// A taxonomy without its terms, for term pages.
pub(crate) fn taxonomy_ref(site: &Site, t: &crate::model::site::Taxonomy) -> Value {
    Value::from_serializable(&TaxonomyMeta {
        name: &t.config.name,
        lang: &t.lang,
        slug: &t.slug,
        path: zola_path(&t.path, &site.config.base_path),
        href: &t.path,
        permalink: &t.permalink,
        paginate_by: t.config.paginate_by,
    })
}

/// A taxonomy with its terms as `items` (Zola's name).
pub(crate) fn taxonomy_value(site: &Site, t: &crate::model::site::Taxonomy, terms: Vec<Value>) -> Value {
    let meta = TaxonomyMeta {
        name: &t.config.name,
        lang: &t.lang,
        slug: &t.slug,
        path: zola_path(&t.path, &site.config.base_path),
        href: &t.path,
        permalink: &t.permalink,
        paginate_by: t.config.paginate_by,
    };
    insert(Value::from_serializable(&meta), "items", Value::from(terms))
}

/// A template's context, kept as its named values, so that `serve` can hash each part
/// (shared values once) to tell whether what an output shows changed.
pub(super) struct Parts(pub Vec<(&'static str, Value)>);

impl Parts {
    pub(super) fn insert_value(&mut self, key: &'static str, value: Value) {
        self.0.push((key, value));
    }

    pub(super) fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.0.push((key, Value::from_serializable(value)));
    }

    pub(super) fn context(&self) -> tera::Context {
        let mut ctx = tera::Context::new();
        for (key, value) in &self.0 {
            ctx.insert_value(*key, value.clone());
        }
        ctx
    }
}

/// The parts every output made with a template has: where it is.
pub(super) fn base_context(site: &Site, path: &str) -> Parts {
    let mut ctx = Parts(Vec::new());
    ctx.insert("current_path", zola_path(path, &site.config.base_path));
    ctx.insert("current_url", &site.config.permalink(path));
    ctx
}
