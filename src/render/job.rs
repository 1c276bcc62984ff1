//! The job vocabulary: what one output file is made from (`Job`), the plan entry that
//! names its path and template (`Planned`), and the URL and output paths jobs write.

use std::sync::Arc;

use crate::config::FeedFormat;
use crate::diagnostic::Diagnostic;
use crate::model::site::{PageId, SectionId, Site, TaxonomyId, TermId};
use crate::output_path::OutputPath;
use crate::theme::StaticSource;

/// The pages that collect something from every analysis, each at `/<name>/` with the
/// template `<name>.html`, made when the theme has the template and an analysis has
/// something to collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Collection {
    /// Every cited source with the analyses citing it.
    Sources,
    /// Every analysis's indicators to watch.
    Watch,
    /// Every analysis's key judgments.
    Judgments,
}

impl Collection {
    pub(super) const ALL: [Collection; 3] = [Collection::Sources, Collection::Watch, Collection::Judgments];

    pub(super) fn name(self) -> &'static str {
        match self {
            Collection::Sources => "sources",
            Collection::Watch => "watch",
            Collection::Judgments => "judgments",
        }
    }

    /// The global telling templates whether the page exists (for links to it).
    pub(super) fn flag(self) -> &'static str {
        match self {
            Collection::Sources => "has_sources",
            Collection::Watch => "has_watch",
            Collection::Judgments => "has_judgments",
        }
    }
}

/// A language of the site, by its index in `config.languages` (the default first, so
/// `Lang(0)` is the default). dossier's own pages (timeline, archive, graph, the
/// collections, search) are made once per language, each under its prefix (`/uk/…`)
/// from that language's analyses only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Lang(pub usize);

impl Lang {
    pub(crate) const DEFAULT: Lang = Lang(0);

    /// Every language of the site, the default first.
    pub(crate) fn all(site: &Site) -> impl Iterator<Item = Lang> + use<> {
        (0..site.config.languages.len().max(1)).map(Lang)
    }

    /// The language with this code (the default for a code the site does not declare,
    /// which resolve has already reported).
    pub(crate) fn of(site: &Site, code: &str) -> Lang {
        Lang(
            site.config
                .languages
                .iter()
                .position(|l| l.code == code)
                .unwrap_or(0),
        )
    }

    pub(crate) fn code(self, site: &Site) -> &str {
        site.config
            .languages
            .get(self.0)
            .map_or(site.config.default_language.as_str(), |l| l.code.as_str())
    }

    /// The URL path of a site-relative path in this language: `timeline/` is
    /// `/timeline/` in the default language and `/uk/timeline/` in Ukrainian.
    pub(crate) fn url_path(self, site: &Site, relative: &str) -> String {
        if self == Lang::DEFAULT {
            site.config.url_path(relative)
        } else {
            site.config.url_path(&format!("{}/{}", self.code(site), relative))
        }
    }

    /// An output path (relative to the output folder) in this language: `uk/` before it
    /// unless this is the default.
    pub(crate) fn output(self, site: &Site, relative: &str) -> String {
        if self == Lang::DEFAULT {
            relative.to_owned()
        } else {
            format!("{}/{relative}", self.code(site))
        }
    }
}

/// `path` as an output path, for an output written before the plan checks every path
/// (`search::write_ahead`, `exports::write_ahead`); `what` makes it, in the message.
pub(super) fn ahead_path(path: &str, what: &str) -> Result<OutputPath, Diagnostic> {
    OutputPath::new(path)
        .map_err(|why| Diagnostic::error(format!("{what} would write `{path}`, which {}", why.reason())))
}

/// The outputs made from the model alone, which a build that writes each output once
/// writes before the template values (`search::write_ahead`, `exports::write_ahead`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FromModel {
    /// A file of the search index.
    Search,
    /// `graph.json`, `timeline.json` or `timeline.ics`.
    Export,
}

/// One output file to produce.
#[derive(Debug, Clone)]
pub(super) enum Job {
    Page(PageId),
    SectionPager {
        section: SectionId,
        index: usize,
    },
    TaxonomyList(TaxonomyId),
    TermPager {
        term: TermId,
        index: usize,
    },
    Feed {
        of: FeedOf,
        format: FeedFormat,
    },
    SiteGraph(Lang),
    /// A page collecting something from every analysis of a language.
    Collection(Lang, Collection),
    GraphJson(Lang),
    Archive(Lang, ArchivePage),
    /// `/timeline/`, or with a year, `/timeline/YEAR/` (a timeline split by year).
    Timeline(Lang, Option<i16>),
    /// A term's timeline, or one year of it.
    TermTimeline(TermId, Option<i16>),
    TimelineJson(Lang),
    TimelineIcs(Lang),
    Redirect {
        to: String,
    },
    NotFound,
    SearchIndex(Lang),
    SearchFilters(Lang),
    SearchShard(Lang, u32),
    /// `search/docs/<k>.bin`: the result records of a bundle of ids.
    SearchBundle(Lang, u32),
    Bytes(Arc<[u8]>),
    Copy(StaticSource),
}

impl Job {
    /// Whether the output is made from the model alone, and which of those it is.
    pub(super) fn made_from_model(&self) -> Option<FromModel> {
        match self {
            Job::SearchIndex(_) | Job::SearchFilters(_) | Job::SearchShard(..) | Job::SearchBundle(..) => {
                Some(FromModel::Search)
            }
            Job::GraphJson(_) | Job::TimelineJson(_) | Job::TimelineIcs(_) => Some(FromModel::Export),
            Job::Page(_)
            | Job::SectionPager { .. }
            | Job::TaxonomyList(_)
            | Job::TermPager { .. }
            | Job::Feed { .. }
            | Job::SiteGraph(_)
            | Job::Collection(..)
            | Job::Archive(..)
            | Job::Timeline(..)
            | Job::TermTimeline(..)
            | Job::Redirect { .. }
            | Job::NotFound
            | Job::Bytes(_)
            | Job::Copy(_) => None,
        }
    }

    /// Outputs made from every event or page of a language (and lists of many pages) come
    /// first when outputs are made in parallel: made last, one of them keeps one thread
    /// busy after the others ran out of work. Lower goes first; the plan's order within.
    pub(super) fn size_class(&self) -> u8 {
        match self {
            Job::Timeline(..)
            | Job::TimelineJson(_)
            | Job::TimelineIcs(_)
            | Job::GraphJson(_)
            | Job::SiteGraph(_)
            | Job::SearchIndex(_)
            | Job::SearchBundle(..) => 0,
            Job::TermTimeline(..)
            | Job::TaxonomyList(_)
            | Job::Archive(..)
            | Job::Collection(..)
            | Job::SectionPager { .. }
            | Job::TermPager { .. }
            | Job::Feed { .. }
            | Job::SearchShard(..)
            | Job::SearchFilters(_) => 1,
            Job::Page(_) | Job::Redirect { .. } | Job::NotFound | Job::Bytes(_) | Job::Copy(_) => 2,
        }
    }
}

/// Whose analyses a feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FeedOf {
    /// The default language's analyses (all of them on a site with one language).
    Site,
    /// Another language's, by its index in `config.languages`, at `/xx/atom.xml`.
    Language(usize),
    Section(SectionId),
    Term(TermId),
}

/// A planned output, by its index in the plan (sorted by output path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct JobId(pub usize);

/// A planned output: its path under the output folder, what makes it, and who asked.
pub(super) struct Planned {
    pub path: OutputPath,
    pub job: Job,
    pub origin: String,
    /// The template the job renders with; `None` for outputs written directly.
    pub template: Option<String>,
    /// Whether that template can read any page (see [`Templates::reads_everything`](super::templates::Templates::reads_everything)).
    pub reads_everything: bool,
    /// For an analysis page, whether its template can show its section's `page_count`
    /// (see [`field_reads`](super::field_reads)): if not, the count is left out of its
    /// fingerprint, and a page added to the section does not render all of them again.
    pub reads_section_count: bool,
    /// For an analysis page, which of its page-only values its template can show.
    pub shows: Shows,
}

/// Which of the values only an analysis page gets (`connected`, `connected_html`,
/// `connections_svg`, `page_events`) its template, or one it extends, includes or
/// imports, can show (see [`field_reads::may_show`](super::field_reads::may_show)). Those
/// it cannot are not made when the page is rendered: a Zola theme reads none of them, and
/// the connected analyses had been a fifth of such a page's rendering. Fingerprints still
/// count them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Shows {
    pub connected: bool,
    pub connected_html: bool,
    pub connections_svg: bool,
    pub page_events: bool,
}

impl Shows {
    /// Everything: for outputs whose templates are not known yet.
    pub(super) const ALL: Shows = Shows {
        connected: true,
        connected_html: true,
        connections_svg: true,
        page_events: true,
    };

    /// Whether it shows any of the connected analyses' values.
    pub(super) fn any_connected(self) -> bool {
        self.connected || self.connected_html || self.connections_svg
    }
}

/// Which page of the archive: `/archive/`, a year's or a month's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArchivePage {
    Index,
    Year(i16),
    Month(i16, i8),
}

impl ArchivePage {
    /// The page's URL path in a language.
    pub(super) fn path(self, site: &Site, lang: Lang) -> String {
        match self {
            ArchivePage::Index => lang.url_path(site, "archive/"),
            ArchivePage::Year(year) => year_path(site, lang, year),
            ArchivePage::Month(year, month) => month_path(site, lang, year, month),
        }
    }
}

/// `/repo/security/kursk/` → `security/kursk/index.html`.
pub(super) fn output_path(site: &Site, url_path: &str) -> String {
    let rel = url_path
        .strip_prefix(site.config.base_path.as_str())
        .unwrap_or(url_path.trim_start_matches('/'));
    if rel.is_empty() {
        "index.html".to_owned()
    } else if rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_owned()
    }
}

pub(super) fn pager_path(base: &str, paginate_path: &str, index: usize) -> String {
    if index == 1 {
        base.to_owned()
    } else {
        format!("{base}{paginate_path}/{index}/")
    }
}

pub(super) fn year_path(site: &Site, lang: Lang, year: i16) -> String {
    lang.url_path(site, &format!("archive/{year:04}/"))
}

pub(super) fn month_path(site: &Site, lang: Lang, year: i16, month: i8) -> String {
    lang.url_path(site, &format!("archive/{year:04}/{month:02}/"))
}
