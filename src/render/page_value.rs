//! A page's template value, field by field (Zola's names, and dossier's own): the value
//! every list of pages shares, and the fields of it only the page's own output shows,
//! which that value goes without (see [`Apart`]).

use serde::ser::{Serialize, SerializeStruct, Serializer};
use tera::Value;
use tera::value::{Key, Map};

use super::context::{WatchView, ancestors, asset_url, backlink_refs, components, translations, zola_path};
use super::job::Lang;
use super::template_names::own_page;
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

/// What a build's page values are made with beyond the model: the fields kept [`Apart`],
/// and the languages whose archive dossier makes, where alone a page's `archive_path`
/// names its month (elsewhere the site's content takes `/archive/`, or no template or
/// `disable_pages` leaves it out, and a template linking it would link nothing).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    pub(crate) apart: Apart,
    /// By [`Lang`].
    archives: Vec<bool>,
}

impl Shape {
    pub(crate) fn of(site: &Site, templates: &super::templates::Templates) -> Shape {
        Shape {
            apart: Apart::of(templates),
            ..Shape::whole(site, templates)
        }
    }

    /// With every field in the shared value, as `get_page` finds pages before their
    /// Markdown is converted.
    pub(crate) fn whole(site: &Site, templates: &super::templates::Templates) -> Shape {
        let archives = Lang::all(site)
            .map(|lang| own_page(site, templates, "archive.html", &lang.url_path(site, "archive/")))
            .collect();
        Shape {
            apart: Apart::default(),
            archives,
        }
    }

    fn has_archive(&self, lang: Lang) -> bool {
        self.archives.get(lang.0).copied().unwrap_or(false)
    }
}

/// The fields [`apart_for_fingerprint`] hashes from what they are made of, rather than
/// make: long, and each from one part of the model.
const HASHED: [Field; 3] = [Field::Toc, Field::Backlinks, Field::Content];

/// A page's value as the lists of pages share it: without the fields `apart` keeps out.
/// `html` is its HTML as a safe string, shared with `Data::page_html`.
pub(crate) fn page_value(site: &Site, id: PageId, refs: &[Value], html: &Value, shape: &Shape) -> Value {
    Value::from_serializable(&PageFields {
        site,
        id,
        refs: Refs::Values(refs),
        html,
        fields: Fields::ALL.without(shape.apart.0),
        shared: None,
        shape,
    })
}

/// Page `id`'s whole value, for its own output: its `shared` value with the fields
/// `shape` keeps apart, each in its place (so that `page | json_encode` lists the
/// fields in the same order either way). `html` is the page's.
pub(crate) fn own_page_value(
    site: &Site,
    id: PageId,
    refs: &[Value],
    shared: &Value,
    html: &Value,
    shape: &Shape,
) -> Value {
    if !shape.apart.any() {
        return shared.clone();
    }
    let Some(shared) = shared.as_map() else {
        return shared.clone();
    };
    Value::from_serializable(&PageFields {
        site,
        id,
        refs: Refs::Values(refs),
        html,
        fields: shape.apart.0,
        shared: Some(shared),
        shape,
    })
}

/// What page `id`'s fingerprint counts of the fields `shape` keeps out of its shared
/// value, hashed without making them: those in [`HASHED`] from what they are made of
/// (`html` is what a fingerprint counts of the page's HTML, see `digest::Long`), the
/// others as they would be serialized, with the pages they show counted by what `known`
/// holds of them. `None` when a field cannot be hashed so.
pub(super) fn apart_for_fingerprint(
    site: &Site,
    id: PageId,
    known: &super::fingerprint::Known,
    html: Option<crate::digest::Long>,
    shape: &Shape,
) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let apart = shape.apart;
    let p = site.page(id);
    let mut h = crate::digest::fingerprinter();
    // Which fields follow: each is fed without its name.
    apart.0.0.hash(&mut h);
    if apart.has(Field::Toc) {
        p.converted.toc.hash(&mut h);
    }
    if apart.has(Field::Backlinks) {
        super::context::hash_backlinks(&known.shown, &p.backlinks, &mut h);
    }
    if apart.has(Field::Content)
        && let Some(html) = html
    {
        html.feed(&mut h);
    }
    let fields = PageFields {
        site,
        id,
        refs: Refs::Hashes(&known.refs),
        html: &Value::none(),
        fields: apart.0.without(Fields::of(HASHED)),
        shared: None,
        shape,
    };
    let mut sink = IntoHash(&mut h);
    for field in Field::ALL.into_iter().filter(|f| fields.fields.has(*f)) {
        fields.serialize_field(field, &mut sink).ok()?;
    }
    Some(h.finish())
}

/// The fields `fields` of page `id`'s value, made as they are serialized into it.
struct PageFields<'a> {
    site: &'a Site,
    id: PageId,
    /// The other pages it shows (related pages, neighbours).
    refs: Refs<'a>,
    html: &'a Value,
    fields: Fields,
    /// The page's shared value, whose fields those not in `fields` are copied from.
    shared: Option<&'a Map>,
    shape: &'a Shape,
}

/// Other pages as a page's value shows them.
#[derive(Clone, Copy)]
enum Refs<'a> {
    /// Every page's reference value (`context::page_refs`).
    Values(&'a [Value]),
    /// Those values' fingerprints, for a page's fingerprint.
    Hashes(&'a [u64]),
}

/// Where [`PageFields`] puts each field: a value being serialized, or a fingerprint.
trait FieldSink {
    type Error;
    fn field<T: Serialize + ?Sized>(&mut self, field: Field, value: &T) -> Result<(), Self::Error>;
}

/// Into a serialized map, under the field's name.
struct IntoMap<'m, M>(&'m mut M);

impl<M: SerializeStruct> FieldSink for IntoMap<'_, M> {
    type Error = M::Error;
    fn field<T: Serialize + ?Sized>(&mut self, field: Field, value: &T) -> Result<(), M::Error> {
        self.0.serialize_field(field.name(), value)
    }
}

/// Into a fingerprint, as `digest::feed_serialized` feeds it; `Err` when it cannot be.
struct IntoHash<'h>(&'h mut crate::digest::Fingerprinter);

impl FieldSink for IntoHash<'_> {
    type Error = ();
    fn field<T: Serialize + ?Sized>(&mut self, _: Field, value: &T) -> Result<(), ()> {
        crate::digest::feed_serialized(self.0, value).ok_or(())
    }
}

impl Serialize for PageFields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = self.fields.len() + self.shared.map_or(0, |shared| shared.len());
        let mut map = serializer.serialize_struct("Page", len)?;
        for field in Field::ALL {
            if self.fields.has(field) {
                self.serialize_field(field, &mut IntoMap(&mut map))?;
            } else if let Some(value) = self.shared.and_then(|shared| shared.get(&Key::Str(field.name()))) {
                map.serialize_field(field.name(), value)?;
            }
        }
        map.end()
    }
}

impl PageFields<'_> {
    fn serialize_field<S: FieldSink>(&self, field: Field, sink: &mut S) -> Result<(), S::Error> {
        let (site, id) = (self.site, self.id);
        let p = site.page(id);
        match field {
            Field::Title => sink.field(field, &p.title),
            Field::Description => sink.field(field, &p.meta.description),
            Field::Date => sink.field(field, &p.date.map(|d| d.to_string())),
            Field::Updated => sink.field(field, &p.meta.updated.map(|d| d.to_string())),
            Field::Year => sink.field(field, &p.date.map(|d| d.year())),
            Field::Month => sink.field(field, &p.date.map(|d| d.date.month())),
            Field::Day => sink.field(field, &p.date.map(|d| d.date.day())),
            Field::Slug => sink.field(field, &p.slug),
            Field::Path => sink.field(field, zola_path(&p.path, &site.config.base_path)),
            Field::Href => sink.field(field, &p.path),
            Field::Permalink => sink.field(field, &p.permalink),
            Field::RelativePath => sink.field(field, &p.file.content_path),
            Field::ColocatedPath => sink.field(field, &p.bundle_dir),
            Field::Components => sink.field(field, &components(&p.path, &site.config.base_path)),
            Field::Ancestors => sink.field(field, &ancestors(site, Some(p.section))),
            Field::Section => sink.field(field, &site.section(p.section).file.content_path),
            Field::Draft => sink.field(field, &p.meta.draft),
            Field::Weight => sink.field(field, &p.meta.weight),
            Field::Authors => sink.field(field, &p.meta.authors),
            Field::Taxonomies => sink.field(field, &*p.taxonomies),
            Field::Extra => sink.field(field, &p.meta.extra),
            Field::Toc => sink.field(field, &p.converted.toc),
            Field::WordCount => sink.field(field, &p.converted.word_count),
            Field::ReadingTime => sink.field(field, &p.reading_time()),
            Field::Assets => {
                let urls: Vec<String> = p
                    .assets
                    .iter()
                    .map(|a| asset_url(&p.file.content_path, &p.path, a))
                    .collect();
                sink.field(field, &urls)
            }
            Field::Lang => sink.field(field, &p.lang),
            Field::Translations => sink.field(field, &translations(site, Item::Page(id))),
            Field::InSearchIndex => sink.field(field, &p.meta.in_search_index.unwrap_or(true)),
            Field::Backlinks => sink.field(field, &backlink_refs(site, &p.backlinks)),
            Field::ArchivePath => {
                let lang = Lang::of(site, &p.lang);
                let made = p.has_output() && self.shape.has_archive(lang);
                let path = p
                    .date
                    .filter(|_| made)
                    .map(|d| super::job::month_path(site, lang, d.date.year(), d.date.month()));
                sink.field(field, &path)
            }
            Field::Watch => {
                // `site.watch` is in page order: the page's indicators are one run of it.
                let start = site.watch.partition_point(|w| w.page < id);
                let watch: Vec<WatchView> = site.watch[start..]
                    .iter()
                    .take_while(|w| w.page == id)
                    .map(|w| WatchView::of(site, w))
                    .collect();
                sink.field(field, &watch)
            }
            // Template values, which Tera's serializer takes as they are (a shared string,
            // the shared references of other pages).
            Field::Content => sink.field(field, self.html),
            Field::Summary => {
                let summary = p.converted.summary.as_deref();
                sink.field(field, &summary.map_or_else(Value::none, Value::safe_string))
            }
            Field::Related => match self.refs {
                Refs::Values(refs) => {
                    let related: Vec<Value> = p.related.iter().map(|r| refs[r.0].clone()).collect();
                    sink.field(field, &Value::from(related))
                }
                Refs::Hashes(hashes) => {
                    let related: Vec<u64> = p.related.iter().map(|r| hashes[r.0]).collect();
                    sink.field(field, &related)
                }
            },
            Field::Lower => self.page_ref(p.lower, field, sink),
            Field::Higher => self.page_ref(p.higher, field, sink),
        }
    }
}

impl PageFields<'_> {
    /// A field showing one other page, or none.
    fn page_ref<S: FieldSink>(
        &self,
        page: Option<PageId>,
        field: Field,
        sink: &mut S,
    ) -> Result<(), S::Error> {
        match self.refs {
            Refs::Values(refs) => sink.field(field, &page.map_or_else(Value::none, |r| refs[r.0].clone())),
            Refs::Hashes(hashes) => sink.field(field, &page.map(|r| hashes[r.0])),
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
