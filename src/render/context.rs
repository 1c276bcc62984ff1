//! Template values for pages, sections, terms and pagers, with Zola's names.
//!
//! Each page's value is built once and shared (Tera values are reference-counted), so a
//! section listing a thousand pages costs a thousand pointer copies, not a thousand copies.

use serde::Serialize;
use tera::Value;
use tera::value::Key;

use crate::model::site::{Item, Page, PageId, Section, Site, Term};
use crate::parse::markdown::Heading;

#[derive(Serialize)]
struct PageMeta<'a> {
    title: &'a str,
    description: Option<&'a str>,
    date: Option<String>,
    updated: Option<String>,
    year: Option<i16>,
    month: Option<i8>,
    day: Option<i8>,
    slug: &'a str,
    path: &'a str,
    href: &'a str,
    permalink: &'a str,
    relative_path: &'a str,
    colocated_path: Option<&'a str>,
    components: Vec<&'a str>,
    ancestors: Vec<&'a str>,
    section: &'a str,
    draft: bool,
    weight: Option<i64>,
    authors: &'a [String],
    taxonomies: &'a std::collections::BTreeMap<String, Vec<String>>,
    extra: &'a serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    toc: Option<&'a [Heading]>,
    word_count: usize,
    reading_time: usize,
    assets: Vec<String>,
    lang: &'a str,
    translations: Vec<Translation<'a>>,
    in_search_index: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    backlinks: Option<Vec<BacklinkRef<'a>>>,
    /// The archive page of the month the page is dated in.
    archive_path: Option<String>,
    /// Its indicators to watch.
    watch: Vec<WatchView<'a>>,
    // Template values, which Tera's serializer takes as they are (a shared string, the
    // shared references of other pages): one map made in one pass, where adding them to
    // the map afterwards made it twice.
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Value>,
    summary: Value,
    related: Value,
    lower: Value,
    higher: Value,
}

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
/// it (the addresses' base path is the configuration's, which every fingerprint covers).
fn hash_backlinks(site: &Site, list: &[crate::model::site::Backlink], h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    list.len().hash(h);
    for b in list {
        (linking(site, b.source), b.kind, &b.excerpt, b.count).hash(h);
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

fn ancestors(site: &Site, mut section: Option<crate::model::site::SectionId>) -> Vec<&str> {
    let mut out = Vec::new();
    while let Some(s) = section {
        out.push(site.section(s).file.content_path.as_str());
        section = site.section(s).parent;
    }
    out.reverse();
    out
}

fn components(path: &str, base_path: &str) -> Vec<String> {
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

/// The fields of a page's value that only its own output reads, when no template can read
/// them off another page (see `field_reads::only_own_page_reads`): they are left out of
/// the value every list of pages shares, and added to the page's own `page` when its
/// output is made. A build then never holds every page's table of contents and
/// backlinks at once: 51 MiB of a 10,000-page site's live values, whose peak memory fell
/// from 433 to 375 MiB without them. A page's HTML left out is shown from
/// `Data::page_html`, which a build lets go page by page (see `html_values`).
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct Apart {
    pub toc: bool,
    pub backlinks: bool,
    /// The page's HTML (`content`).
    pub content: bool,
}

impl Apart {
    /// The fields the `templates` read only off the output's own page. (A template that
    /// calls `backlinks(…)`, which reads the backlinks off any page's shared value, names
    /// them other than as `page.backlinks`.)
    pub(crate) fn of(templates: &super::templates::Templates) -> Apart {
        Apart {
            toc: templates.only_own_page_reads("toc"),
            backlinks: templates.only_own_page_reads("backlinks"),
            content: templates.only_own_page_reads("content"),
        }
    }

    pub(crate) fn any(self) -> bool {
        self.toc || self.backlinks || self.content
    }
}

/// The fields of page `id`'s value that `apart` keeps out of the shared one: each by
/// name, with the name of the field that follows it in `PageMeta`. `html` is the page's.
fn apart_fields(
    site: &Site,
    id: PageId,
    html: &Value,
    apart: Apart,
) -> Vec<(&'static str, &'static str, Value)> {
    let p = site.page(id);
    let mut fields = Vec::new();
    if apart.toc {
        fields.push(("toc", "word_count", Value::from_serializable(&p.converted.toc)));
    }
    if apart.backlinks {
        let backlinks = Value::from_serializable(&backlink_refs(site, &p.backlinks));
        fields.push(("backlinks", "archive_path", backlinks));
    }
    if apart.content {
        fields.push(("content", "summary", html.clone()));
    }
    fields
}

/// A fingerprint of the fields of page `id`'s value that `apart` keeps out of the shared
/// one, hashed from what they are made of rather than made; `html` is what a
/// fingerprint counts of the page's HTML (see `digest::Long`).
pub(crate) fn apart_fingerprint(
    site: &Site,
    id: PageId,
    html: Option<crate::digest::Long>,
    apart: Apart,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let p = site.page(id);
    let mut h = crate::digest::fingerprinter();
    if apart.toc {
        p.converted.toc.hash(&mut h);
    }
    if apart.backlinks {
        hash_backlinks(site, &p.backlinks, &mut h);
    }
    if apart.content
        && let Some(html) = html
    {
        html.feed(&mut h);
    }
    h.finish()
}

/// Page `id`'s whole value, for its own output: its shared value with the fields `apart`
/// kept out of it, each where [`page_value`] puts it (so that `page | json_encode` lists
/// the fields in the same order either way). `html` is the page's.
pub(crate) fn own_page_value(site: &Site, id: PageId, shared: &Value, html: &Value, apart: Apart) -> Value {
    if !apart.any() {
        return shared.clone();
    }
    let Some(mut map) = shared.clone().into_map() else {
        return shared.clone();
    };
    let fields = apart_fields(site, id, html, apart);
    map.reserve_exact(fields.len());
    for (field, next, value) in fields {
        let at = map.get_index_of(&Key::Str(next)).unwrap_or(map.len());
        map.shift_insert(at, Key::Str(field), value);
    }
    Value::from(map)
}

/// A page's template value; `html` is its HTML (as a safe string, shared with
/// `Data::page_html`), without the fields `apart` keeps out of it.
pub(crate) fn page_value(site: &Site, id: PageId, refs: &[Value], html: &Value, apart: Apart) -> Value {
    let p = site.page(id);
    let comps = components(&p.path, &site.config.base_path);
    let meta = PageMeta {
        title: &p.title,
        description: p.meta.description.as_deref(),
        date: p.date.map(|d| d.to_string()),
        updated: p.meta.updated.map(|d| d.to_string()),
        year: p.date.map(|d| d.year()),
        month: p.date.map(|d| d.date.month()),
        day: p.date.map(|d| d.date.day()),
        slug: &p.slug,
        path: zola_path(&p.path, &site.config.base_path),
        href: &p.path,
        permalink: &p.permalink,
        relative_path: &p.file.content_path,
        colocated_path: p.bundle_dir.as_deref(),
        components: comps.iter().map(String::as_str).collect(),
        ancestors: ancestors(site, Some(p.section)),
        section: &site.section(p.section).file.content_path,
        draft: p.meta.draft,
        weight: p.meta.weight,
        authors: &p.meta.authors,
        taxonomies: &p.taxonomies,
        extra: &p.meta.extra,
        toc: (!apart.toc).then_some(p.converted.toc.as_slice()),
        word_count: p.converted.word_count,
        reading_time: p.reading_time(),
        assets: p
            .assets
            .iter()
            .map(|a| asset_url(&p.file.content_path, &p.path, a))
            .collect(),
        lang: &p.lang,
        translations: translations(site, Item::Page(id)),
        in_search_index: p.meta.in_search_index.unwrap_or(true),
        backlinks: (!apart.backlinks).then(|| backlink_refs(site, &p.backlinks)),
        archive_path: p.date.filter(|_| p.has_output()).map(|d| {
            let lang = super::job::Lang::of(site, &p.lang);
            super::job::month_path(site, lang, d.date.year(), d.date.month())
        }),
        watch: {
            // `site.watch` is in page order: the page's indicators are one run of it.
            let start = site.watch.partition_point(|w| w.page < id);
            site.watch[start..]
                .iter()
                .take_while(|w| w.page == id)
                .map(|w| WatchView::of(site, w))
                .collect()
        },
        content: (!apart.content).then(|| html.clone()),
        summary: p
            .converted
            .summary
            .as_deref()
            .map_or_else(Value::none, Value::safe_string),
        related: Value::from(p.related.iter().map(|r| refs[r.0].clone()).collect::<Vec<_>>()),
        lower: p.lower.map_or_else(Value::none, |l| refs[l.0].clone()),
        higher: p.higher.map_or_else(Value::none, |h| refs[h.0].clone()),
    };
    Value::from_serializable(&meta)
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
