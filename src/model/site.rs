//! The site as one in-memory model: pages, sections and taxonomies, referring to each
//! other by index. Built by `resolve`, completed by `content`, read by `render`.

use std::collections::{HashMap, HashSet};

use crate::config::{Config, TaxonomyConfig};
use crate::dates::DateValue;
use crate::load::SourceFile;
use crate::model::dated::{Event, TermNames, Watch};
pub(crate) use crate::model::ids::{EventId, Item, PageId, SectionId, TaxonomyId, TermId};
use crate::parse::frontmatter::{PageFrontMatter, SectionFrontMatter};
use crate::parse::markdown::Converted;

/// A document that links to another, with the words around its first link there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Backlink {
    pub source: Item,
    pub kind: crate::parse::markdown::LinkKind,
    pub excerpt: String,
    /// How many links the source has to the target.
    pub count: usize,
}

#[derive(Debug)]
pub(crate) struct Page {
    pub file: SourceFile,
    pub body_offset: usize,
    pub meta: PageFrontMatter,
    pub title: String,
    pub date: Option<DateValue>,
    pub slug: String,
    /// URL path under the base path, such as `/repo/security/kursk/`.
    pub path: String,
    pub permalink: String,
    pub section: SectionId,
    /// The page's language: the code in its file name (`page.fr.md`), else the default.
    pub lang: String,
    /// The content path without the language (`blog/page.md` for `blog/page.fr.md`): the
    /// translations of one page share it.
    pub canonical: String,
    /// Files copied beside the page's output (page bundles only), as content paths.
    pub assets: Vec<String>,
    /// The folder of a page bundle (`economy/sanctions-evasion/`), else `None`.
    pub bundle_dir: Option<String>,
    /// Term names by taxonomy, as declared in the front matter (taken from `meta`, which
    /// no longer holds them), shared with the events that carry the page's terms.
    pub taxonomies: TermNames,
    /// Older and newer neighbours in the section's order (Zola's `lower` and `higher`).
    pub lower: Option<PageId>,
    pub higher: Option<PageId>,
    pub converted: Converted,
    /// Documents that link here, filled in by `links`.
    pub backlinks: Vec<Backlink>,
    /// The most closely related pages, best first, filled in by `related`.
    pub related: Vec<PageId>,
}

impl Page {
    pub(crate) fn has_output(&self) -> bool {
        self.meta.render.unwrap_or(true)
    }

    pub(crate) fn reading_time(&self) -> usize {
        self.converted.word_count.div_ceil(200)
    }
}

#[derive(Debug)]
pub(crate) struct Section {
    pub file: SourceFile,
    pub body_offset: usize,
    pub meta: SectionFrontMatter,
    pub path: String,
    pub permalink: String,
    pub parent: Option<SectionId>,
    /// The section's language (`_index.fr.md` is French), else the default.
    pub lang: String,
    /// The content path without the language (`blog/_index.md`).
    pub canonical: String,
    pub subsections: Vec<SectionId>,
    /// Pages in the section's order, including those of transparent subsections.
    pub pages: Vec<PageId>,
    pub assets: Vec<String>,
    pub converted: Converted,
    pub backlinks: Vec<Backlink>,
}

impl Section {
    pub(crate) fn title(&self) -> &str {
        self.meta.title.as_deref().unwrap_or("")
    }

    pub(crate) fn has_output(&self) -> bool {
        self.meta.render.unwrap_or(true)
    }

    pub(crate) fn is_root(&self) -> bool {
        self.parent.is_none()
    }
}

impl Site {
    pub(crate) fn taxonomy(&self, id: TaxonomyId) -> &Taxonomy {
        &self.taxonomies[id.0]
    }

    pub(crate) fn term(&self, id: TermId) -> &Term {
        &self.taxonomies[id.taxonomy.0].terms[id.index]
    }

    pub(crate) fn event(&self, id: EventId) -> &Event {
        &self.events[id.0]
    }

    /// Every term, taxonomy by taxonomy.
    pub(crate) fn term_ids(&self) -> impl Iterator<Item = TermId> + '_ {
        self.taxonomies.iter().enumerate().flat_map(|(t, taxonomy)| {
            (0..taxonomy.terms.len()).map(move |index| TermId {
                taxonomy: TaxonomyId(t),
                index,
            })
        })
    }

    pub(crate) fn event_ids(&self) -> impl Iterator<Item = EventId> + use<> {
        (0..self.events.len()).map(EventId)
    }
}

/// Every page's HTML by [`PageId`], held apart from the [`Site`] so that the largest thing
/// in memory has one owner at a time: `content::convert_markdown` makes it (leaving each
/// page's `rendered.content` empty), the build moves it into `render::prepare`, and render
/// moves each page's HTML into the page's template value. Sections keep theirs: there are
/// few, and their values are made again whenever one of their pages changes.
#[derive(Debug, Default)]
pub(crate) struct PageHtml(Vec<Html>);

/// One page's HTML: made by this build (packed, in a build that lets it go once shown),
/// or left in the build cache by an earlier one and read only if an output shows it.
#[derive(Debug)]
pub(crate) enum Html {
    Made(String),
    Packed(crate::packed::Packed),
    Stored(crate::stored::StoredText),
}

/// One page's HTML where it is: made by this build, or in the build cache.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HtmlRef<'a> {
    Made(&'a str),
    Stored(&'a crate::stored::StoredText),
}

impl<'a> HtmlRef<'a> {
    /// The HTML, if this build made it (or has read it).
    pub(crate) fn made(self) -> Option<&'a str> {
        match self {
            HtmlRef::Made(text) => Some(text),
            HtmlRef::Stored(_) => None,
        }
    }
}

impl PageHtml {
    /// `html[i]` is the HTML of `PageId(i)`.
    pub(crate) fn new(html: Vec<Html>) -> PageHtml {
        PageHtml(html)
    }

    /// Each page's HTML with its id, handing over ownership.
    pub(crate) fn into_pages(self) -> impl rayon::iter::IndexedParallelIterator<Item = (PageId, Html)> {
        use rayon::prelude::*;
        self.0
            .into_par_iter()
            .enumerate()
            .map(|(i, html)| (PageId(i), html))
    }
}

#[derive(Debug)]
pub(crate) struct Term {
    pub name: String,
    pub slug: String,
    pub path: String,
    pub permalink: String,
    /// Newest first.
    pub pages: Vec<PageId>,
}

#[derive(Debug)]
pub(crate) struct Taxonomy {
    pub config: TaxonomyConfig,
    /// The language whose pages it gathers (Zola makes a taxonomy per language).
    pub lang: String,
    pub slug: String,
    pub path: String,
    pub permalink: String,
    /// By name.
    pub terms: Vec<Term>,
}

#[derive(Debug)]
pub(crate) struct Site {
    pub config: Config,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Content path (`security/kursk.md`) to what it names: looked up for every link, by a
    /// hasher faster than SipHash (the content is the site's own, not a stranger's).
    pub by_content_path: rustc_hash::FxHashMap<String, Item>,
    /// Content paths of files that exist but failed to read or parse; links to them are
    /// not reported again.
    pub broken: HashSet<String>,
    /// Drafts left out of this build: content path → title.
    pub drafts: HashMap<String, String>,
    /// Files under content/ that belong to no page or section, copied as they are.
    pub loose_assets: Vec<String>,
    /// In chronological order; filled in by `timeline::events`.
    pub events: Vec<Event>,
    /// The bibliography, when `[sources]` names one.
    pub sources: Option<std::sync::Arc<crate::model::sources::Sources>>,
    /// Indicators to watch, filled in by `watch::collect`, in page order.
    pub watch: Vec<Watch>,
    /// The translations of each page and section, by canonical content path, in the
    /// order of `config.languages` (the default first); only on a multilingual site, and
    /// only documents with a page of their own.
    pub translations: HashMap<String, Vec<Item>>,
}

impl Site {
    pub(crate) fn page(&self, id: PageId) -> &Page {
        &self.pages[id.0]
    }

    pub(crate) fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.0]
    }

    pub(crate) fn root_section(&self) -> SectionId {
        SectionId(0)
    }

    /// The home section of a language (`_index.fr.md`), made when the content has none.
    pub(crate) fn language_root(&self, lang: &str) -> SectionId {
        self.sections
            .iter()
            .position(|s| s.is_root() && s.lang == lang)
            .map_or(self.root_section(), SectionId)
    }

    /// The language of a page or section.
    pub(crate) fn item_lang(&self, item: Item) -> &str {
        match item {
            Item::Page(p) => &self.page(p).lang,
            Item::Section(s) => &self.section(s).lang,
        }
    }

    /// The translations of a page or section, itself included, in the languages' order;
    /// empty on a site with one language.
    pub(crate) fn translations_of(&self, item: Item) -> &[Item] {
        let canonical = match item {
            Item::Page(p) => &self.page(p).canonical,
            Item::Section(s) => &self.section(s).canonical,
        };
        self.translations.get(canonical).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn term_count(&self) -> usize {
        self.taxonomies.iter().map(|t| t.terms.len()).sum()
    }

    /// Content path → URL path, for resolving links.
    pub(crate) fn url_map(&self) -> HashMap<String, String> {
        self.by_content_path
            .iter()
            .map(|(k, item)| {
                let path = match item {
                    Item::Page(p) => self.page(*p).path.clone(),
                    Item::Section(s) => self.section(*s).path.clone(),
                };
                (k.clone(), path)
            })
            .collect()
    }

    pub(crate) fn item_path(&self, item: Item) -> &str {
        match item {
            Item::Page(p) => &self.page(p).path,
            Item::Section(s) => &self.section(s).path,
        }
    }

    pub(crate) fn item_title(&self, item: Item) -> &str {
        match item {
            Item::Page(p) => &self.page(p).title,
            Item::Section(s) => self.section(s).title(),
        }
    }

    /// Heading ids of what a content path names.
    pub(crate) fn heading_ids(&self, content_path: &str) -> Option<&[String]> {
        match self.by_content_path.get(content_path)? {
            Item::Page(p) => Some(&self.page(*p).converted.heading_ids),
            Item::Section(s) => Some(&self.section(*s).converted.heading_ids),
        }
    }
}

/// Where a bundle file is published under its page's or section's address, as Zola
/// copies it: its path below the folder of `owner` (the page's or section's content
/// path), so `security/kursk/maps/a.png` of `security/kursk/index.md` is `maps/a.png`.
pub(crate) fn asset_name<'a>(owner: &str, asset: &'a str) -> &'a str {
    let folder = owner.rfind('/').map_or("", |i| &owner[..=i]);
    asset
        .strip_prefix(folder)
        .filter(|rest| !rest.is_empty())
        .unwrap_or_else(|| asset.rsplit('/').next().unwrap_or(asset))
}
