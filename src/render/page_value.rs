//! A page's template value, field by field (Zola's names, and dossier's own): the value
//! every list of pages shares, and the fields of it only the page's own output shows,
//! which that value goes without (see [`Apart`]).

use serde::ser::{Serialize, SerializeStruct, Serializer};
use tera::Value;
use tera::value::{Key, Map};

use super::context::{WatchView, ancestors, asset_url, backlink_refs, components, translations, zola_path};
use crate::model::site::{Item, PageId, Site};

/// The fields of a page's value, in the order its map lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Title,
    Description,
    Date,
    Updated,
    Year,
    Month,
    Day,
    Slug,
    Path,
    Href,
    Permalink,
    RelativePath,
    ColocatedPath,
    Components,
    Ancestors,
    Section,
    Draft,
    Weight,
    Authors,
    Taxonomies,
    Extra,
    Toc,
    WordCount,
    ReadingTime,
    Assets,
    Lang,
    Translations,
    InSearchIndex,
    Backlinks,
    /// The archive page of the month the page is dated in.
    ArchivePath,
    /// Its indicators to watch.
    Watch,
    Content,
    Summary,
    Related,
    Lower,
    Higher,
}

impl Field {
    const ALL: [Field; 36] = [
        Field::Title,
        Field::Description,
        Field::Date,
        Field::Updated,
        Field::Year,
        Field::Month,
        Field::Day,
        Field::Slug,
        Field::Path,
        Field::Href,
        Field::Permalink,
        Field::RelativePath,
        Field::ColocatedPath,
        Field::Components,
        Field::Ancestors,
        Field::Section,
        Field::Draft,
        Field::Weight,
        Field::Authors,
        Field::Taxonomies,
        Field::Extra,
        Field::Toc,
        Field::WordCount,
        Field::ReadingTime,
        Field::Assets,
        Field::Lang,
        Field::Translations,
        Field::InSearchIndex,
        Field::Backlinks,
        Field::ArchivePath,
        Field::Watch,
        Field::Content,
        Field::Summary,
        Field::Related,
        Field::Lower,
        Field::Higher,
    ];

    /// The field's name in templates.
    fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Description => "description",
            Field::Date => "date",
            Field::Updated => "updated",
            Field::Year => "year",
            Field::Month => "month",
            Field::Day => "day",
            Field::Slug => "slug",
            Field::Path => "path",
            Field::Href => "href",
            Field::Permalink => "permalink",
            Field::RelativePath => "relative_path",
            Field::ColocatedPath => "colocated_path",
            Field::Components => "components",
            Field::Ancestors => "ancestors",
            Field::Section => "section",
            Field::Draft => "draft",
            Field::Weight => "weight",
            Field::Authors => "authors",
            Field::Taxonomies => "taxonomies",
            Field::Extra => "extra",
            Field::Toc => "toc",
            Field::WordCount => "word_count",
            Field::ReadingTime => "reading_time",
            Field::Assets => "assets",
            Field::Lang => "lang",
            Field::Translations => "translations",
            Field::InSearchIndex => "in_search_index",
            Field::Backlinks => "backlinks",
            Field::ArchivePath => "archive_path",
            Field::Watch => "watch",
            Field::Content => "content",
            Field::Summary => "summary",
            Field::Related => "related",
            Field::Lower => "lower",
            Field::Higher => "higher",
        }
    }
}

/// A set of a page value's fields.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Fields(u64);

impl Fields {
    const ALL: Fields = Fields((1 << Field::ALL.len()) - 1);

    fn of(fields: impl IntoIterator<Item = Field>) -> Fields {
        Fields(fields.into_iter().fold(0, |set, f| set | 1 << f as u32))
    }

    fn has(self, field: Field) -> bool {
        self.0 & 1 << field as u32 != 0
    }

    fn without(self, other: Fields) -> Fields {
        Fields(self.0 & !other.0)
    }

    fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn len(self) -> usize {
        self.0.count_ones() as usize
    }
}

/// The fields of a page's value that only its own output reads, when no template can
/// read them off another page (see `field_reads::own_page_fields`): they are left
/// out of the value every list of pages shares, and made for the page's own `page` when
/// its output is. A build then never holds every page's table of contents, backlinks,
/// terms or related pages at once. With the default theme, 22 of the 36 fields: the
/// others are shown in lists (title, date, summary…) or read off values the test cannot
/// tell from a page's (a translation's `t.lang`). A page's HTML left out is shown from
/// `Data::page_html`, which a build lets go page by page (see `html_values`).
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct Apart(Fields);

impl Apart {
    /// The fields the `templates` read only off the output's own page. (A template that
    /// calls `backlinks(…)`, which reads the backlinks off any page's shared value, names
    /// them other than as `page.backlinks`.)
    pub(crate) fn of(templates: &super::templates::Templates) -> Apart {
        let own = templates.own_page_fields(&Field::ALL.map(Field::name));
        Apart(Fields::of(
            Field::ALL
                .into_iter()
                .zip(own)
                .filter(|(_, own)| *own)
                .map(|(f, _)| f),
        ))
    }

    pub(crate) fn any(self) -> bool {
        !self.0.is_empty()
    }

    pub(crate) fn has(self, field: Field) -> bool {
        self.0.has(field)
    }
}

/// The fields [`apart_for_fingerprint`] hashes from what they are made of, rather than
/// make: long, and each from one part of the model.
const HASHED: [Field; 3] = [Field::Toc, Field::Backlinks, Field::Content];

/// A page's value as the lists of pages share it: without the fields `apart` keeps out.
/// `html` is its HTML as a safe string, shared with `Data::page_html`.
pub(crate) fn page_value(site: &Site, id: PageId, refs: &[Value], html: &Value, apart: Apart) -> Value {
    fields_value(site, id, refs, html, Fields::ALL.without(apart.0))
}

/// Page `id`'s whole value, for its own output: its `shared` value with the fields
/// `apart` kept out of it, each in its place (so that `page | json_encode` lists the
/// fields in the same order either way). `html` is the page's.
pub(crate) fn own_page_value(
    site: &Site,
    id: PageId,
    refs: &[Value],
    shared: &Value,
    html: &Value,
    apart: Apart,
) -> Value {
    if !apart.any() {
        return shared.clone();
    }
    let Some(shared) = shared.as_map() else {
        return shared.clone();
    };
    Value::from_serializable(&PageFields {
        site,
        id,
        refs,
        html,
        fields: apart.0,
        shared: Some(shared),
        hashed: None,
    })
}

/// What page `id`'s fingerprint counts of the fields `apart` keeps out of its shared
/// value: a hash of those in [`HASHED`], from what they are made of (`html` is what a
/// fingerprint counts of the page's HTML, see `digest::Long`), and the others made.
pub(crate) fn apart_for_fingerprint(
    site: &Site,
    id: PageId,
    refs: &[Value],
    html: Option<crate::digest::Long>,
    apart: Apart,
) -> Value {
    use std::hash::{Hash, Hasher};
    let p = site.page(id);
    let mut h = crate::digest::fingerprinter();
    if apart.has(Field::Toc) {
        p.converted.toc.hash(&mut h);
    }
    if apart.has(Field::Backlinks) {
        super::context::hash_backlinks(site, &p.backlinks, &mut h);
    }
    if apart.has(Field::Content)
        && let Some(html) = html
    {
        html.feed(&mut h);
    }
    // The hash goes in as the value is made: a map added to afterwards is made again.
    Value::from_serializable(&PageFields {
        site,
        id,
        refs,
        html: &Value::none(),
        fields: apart.0.without(Fields::of(HASHED)),
        shared: None,
        hashed: Some(h.finish()),
    })
}

/// Page `id`'s value with the fields `fields`.
fn fields_value(site: &Site, id: PageId, refs: &[Value], html: &Value, fields: Fields) -> Value {
    Value::from_serializable(&PageFields {
        site,
        id,
        refs,
        html,
        fields,
        shared: None,
        hashed: None,
    })
}

/// The fields `fields` of page `id`'s value, made as they are serialized into it.
struct PageFields<'a> {
    site: &'a Site,
    id: PageId,
    /// Every page's reference value (`context::page_refs`), for related pages and
    /// neighbours.
    refs: &'a [Value],
    html: &'a Value,
    fields: Fields,
    /// The page's shared value, whose fields those not in `fields` are copied from.
    shared: Option<&'a Map>,
    /// For a fingerprint, the hash of the fields it counts from what they are made of
    /// (see [`apart_for_fingerprint`]), as a last field.
    hashed: Option<u64>,
}

impl Serialize for PageFields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = self.fields.len()
            + self.shared.map_or(0, |shared| shared.len())
            + usize::from(self.hashed.is_some());
        let mut map = serializer.serialize_struct("Page", len)?;
        for field in Field::ALL {
            if self.fields.has(field) {
                self.serialize_field(field, &mut map)?;
            } else if let Some(value) = self.shared.and_then(|shared| shared.get(&Key::Str(field.name()))) {
                map.serialize_field(field.name(), value)?;
            }
        }
        if let Some(hashed) = self.hashed {
            map.serialize_field("hashed fields", &hashed)?;
        }
        map.end()
    }
}

impl PageFields<'_> {
    fn serialize_field<M: SerializeStruct>(&self, field: Field, map: &mut M) -> Result<(), M::Error> {
        let (site, id) = (self.site, self.id);
        let p = site.page(id);
        let name = field.name();
        let page_ref = |page: Option<PageId>| page.map_or_else(Value::none, |r| self.refs[r.0].clone());
        match field {
            Field::Title => map.serialize_field(name, &p.title),
            Field::Description => map.serialize_field(name, &p.meta.description),
            Field::Date => map.serialize_field(name, &p.date.map(|d| d.to_string())),
            Field::Updated => map.serialize_field(name, &p.meta.updated.map(|d| d.to_string())),
            Field::Year => map.serialize_field(name, &p.date.map(|d| d.year())),
            Field::Month => map.serialize_field(name, &p.date.map(|d| d.date.month())),
            Field::Day => map.serialize_field(name, &p.date.map(|d| d.date.day())),
            Field::Slug => map.serialize_field(name, &p.slug),
            Field::Path => map.serialize_field(name, zola_path(&p.path, &site.config.base_path)),
            Field::Href => map.serialize_field(name, &p.path),
            Field::Permalink => map.serialize_field(name, &p.permalink),
            Field::RelativePath => map.serialize_field(name, &p.file.content_path),
            Field::ColocatedPath => map.serialize_field(name, &p.bundle_dir),
            Field::Components => map.serialize_field(name, &components(&p.path, &site.config.base_path)),
            Field::Ancestors => map.serialize_field(name, &ancestors(site, Some(p.section))),
            Field::Section => map.serialize_field(name, &site.section(p.section).file.content_path),
            Field::Draft => map.serialize_field(name, &p.meta.draft),
            Field::Weight => map.serialize_field(name, &p.meta.weight),
            Field::Authors => map.serialize_field(name, &p.meta.authors),
            Field::Taxonomies => map.serialize_field(name, &*p.taxonomies),
            Field::Extra => map.serialize_field(name, &p.meta.extra),
            Field::Toc => map.serialize_field(name, &p.converted.toc),
            Field::WordCount => map.serialize_field(name, &p.converted.word_count),
            Field::ReadingTime => map.serialize_field(name, &p.reading_time()),
            Field::Assets => {
                let urls: Vec<String> = p
                    .assets
                    .iter()
                    .map(|a| asset_url(&p.file.content_path, &p.path, a))
                    .collect();
                map.serialize_field(name, &urls)
            }
            Field::Lang => map.serialize_field(name, &p.lang),
            Field::Translations => map.serialize_field(name, &translations(site, Item::Page(id))),
            Field::InSearchIndex => map.serialize_field(name, &p.meta.in_search_index.unwrap_or(true)),
            Field::Backlinks => map.serialize_field(name, &backlink_refs(site, &p.backlinks)),
            Field::ArchivePath => {
                let path = p.date.filter(|_| p.has_output()).map(|d| {
                    let lang = super::job::Lang::of(site, &p.lang);
                    super::job::month_path(site, lang, d.date.year(), d.date.month())
                });
                map.serialize_field(name, &path)
            }
            Field::Watch => {
                // `site.watch` is in page order: the page's indicators are one run of it.
                let start = site.watch.partition_point(|w| w.page < id);
                let watch: Vec<WatchView> = site.watch[start..]
                    .iter()
                    .take_while(|w| w.page == id)
                    .map(|w| WatchView::of(site, w))
                    .collect();
                map.serialize_field(name, &watch)
            }
            // Template values, which Tera's serializer takes as they are (a shared string,
            // the shared references of other pages).
            Field::Content => map.serialize_field(name, self.html),
            Field::Summary => {
                let summary = p.converted.summary.as_deref();
                map.serialize_field(name, &summary.map_or_else(Value::none, Value::safe_string))
            }
            Field::Related => {
                let related: Vec<Value> = p.related.iter().map(|r| self.refs[r.0].clone()).collect();
                map.serialize_field(name, &Value::from(related))
            }
            Field::Lower => map.serialize_field(name, &page_ref(p.lower)),
            Field::Higher => map.serialize_field(name, &page_ref(p.higher)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Field, Fields};

    #[test]
    fn each_field_has_its_own_place_and_name() {
        let names: std::collections::HashSet<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), Field::ALL.len());
        for (i, field) in Field::ALL.into_iter().enumerate() {
            // The set's bit for a field is its place in `ALL`.
            assert_eq!(field as usize, i, "{field:?}");
            assert!(Fields::ALL.has(field));
            assert!(!Fields::default().has(field));
        }
        let some = Fields::of([Field::Toc, Field::Related]);
        let rest = Fields::ALL.without(some);
        assert!(some.has(Field::Toc) && !rest.has(Field::Toc) && rest.has(Field::Title));
        assert_eq!(some.len() + rest.len(), Field::ALL.len());
        assert!(Fields::ALL.without(Fields::ALL).is_empty());
    }
}
