//! `sitemap.xml`: every page a search engine should know, with the date it last changed,
//! split into files of at most 50,000 addresses (the protocol's limit) under an index.

use super::job::{ArchivePage, Job, Lang, pager_path};
use crate::dates::DateValue;
use crate::html::escape_attr as escape;
use crate::model::site::{Item, PageId, Site};

/// The sitemap protocol's limit on addresses per file.
const PER_FILE: usize = 50_000;

pub(super) struct Entry {
    loc: String,
    lastmod: Option<String>,
    /// The translations of a page or section, itself included (`hreflang`, address), and
    /// `x-default` for the default language's, as Google reads `xhtml:link` alternates.
    alternates: Vec<(String, String)>,
}

/// The `xhtml:link` alternates of a page or section with translations.
fn alternates(site: &Site, item: Item) -> Vec<(String, String)> {
    let list = site.translations_of(item);
    if list.len() < 2 {
        return Vec::new();
    }
    let permalink = |t: Item| match t {
        Item::Page(p) => site.page(p).permalink.clone(),
        Item::Section(s) => site.section(s).permalink.clone(),
    };
    let mut out: Vec<(String, String)> = list
        .iter()
        .map(|t| (site.item_lang(*t).to_owned(), permalink(*t)))
        .collect();
    if let Some(default) = list
        .iter()
        .find(|t| site.item_lang(**t) == site.config.default_language)
    {
        out.push(("x-default".to_owned(), permalink(*default)));
    }
    out
}

/// A page of dossier's own whatever its language, to find its versions in the others.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Own {
    Timeline(Option<i16>),
    Collection(&'static str),
    Archive,
}

fn own(job: &Job) -> Option<(Lang, Own)> {
    match job {
        Job::Timeline(lang, year) => Some((*lang, Own::Timeline(*year))),
        Job::Collection(lang, c) => Some((*lang, Own::Collection(c.name()))),
        Job::Archive(lang, ArchivePage::Index) => Some((*lang, Own::Archive)),
        Job::Page(_)
        | Job::SectionPager { .. }
        | Job::TaxonomyList(_)
        | Job::TermPager { .. }
        | Job::Archive(_, ArchivePage::Year(_) | ArchivePage::Month(..))
        | Job::Feed { .. }
        | Job::SiteGraph(_)
        | Job::GraphJson(_)
        | Job::TermTimeline(..)
        | Job::TimelineJson(_)
        | Job::TimelineIcs(_)
        | Job::Redirect { .. }
        | Job::NotFound
        | Job::SearchIndex(_)
        | Job::SearchFilters(_)
        | Job::SearchShard(..)
        | Job::SearchBundle(..)
        | Job::Bytes(_)
        | Job::Copy(_) => None,
    }
}

/// The address of one of dossier's own pages in a language.
fn own_permalink(site: &Site, lang: Lang, page: Own) -> String {
    let path = match page {
        Own::Timeline(year) => lang.url_path(site, &super::timeline::year_path("timeline/", year)),
        Own::Collection(name) => lang.url_path(site, &format!("{name}/")),
        Own::Archive => lang.url_path(site, "archive/"),
    };
    site.config.permalink(&path)
}

/// The addresses of the planned pages: analyses, the pages of each section and term
/// (only the first with `exclude_paginated_pages_in_sitemap = "all"`), term lists, the
/// timeline and the archive; sorted by address.
pub(super) fn entries<'a>(site: &Site, jobs: impl Iterator<Item = &'a Job>) -> Vec<Entry> {
    let jobs: Vec<&Job> = jobs.collect();
    // dossier's own pages made in more than one language are each other's alternates.
    let made: std::collections::HashSet<(Lang, Own)> = jobs.iter().filter_map(|j| own(j)).collect();
    let own_entry = |lang: Lang, page: Own| {
        let versions: Vec<Lang> = Lang::all(site).filter(|l| made.contains(&(*l, page))).collect();
        let mut alternates: Vec<(String, String)> = Vec::new();
        if versions.len() > 1 {
            for l in &versions {
                alternates.push((l.code(site).to_owned(), own_permalink(site, *l, page)));
            }
            if versions.contains(&Lang::DEFAULT) {
                alternates.push(("x-default".to_owned(), own_permalink(site, Lang::DEFAULT, page)));
            }
        }
        Some(Entry {
            loc: own_permalink(site, lang, page),
            lastmod: None,
            alternates,
        })
    };
    let newest = |pages: &[PageId]| {
        pages
            .iter()
            .filter_map(|p| last_change(site, *p))
            .max_by_key(|d| d.sort_key())
            .map(|d| format_date(&d))
    };
    let all: Vec<PageId> = (0..site.pages.len())
        .map(PageId)
        .filter(|p| site.page(*p).has_output())
        .collect();
    let mut out: Vec<Entry> = jobs
        .iter()
        .filter_map(|job| match *job {
            Job::Page(id) => Some(Entry {
                loc: site.page(*id).permalink.clone(),
                lastmod: last_change(site, *id).map(|d| format_date(&d)),
                alternates: alternates(site, Item::Page(*id)),
            }),
            Job::SectionPager { section, index: 1 } => {
                let s = site.section(*section);
                // The home page changes whenever any analysis does.
                let lastmod = if s.is_root() {
                    newest(&all)
                } else {
                    newest(&s.pages)
                };
                Some(Entry {
                    loc: s.permalink.clone(),
                    lastmod,
                    alternates: alternates(site, Item::Section(*section)),
                })
            }
            Job::TaxonomyList(t) => Some(Entry {
                loc: site.taxonomy(*t).permalink.clone(),
                lastmod: None,
                alternates: Vec::new(),
            }),
            Job::TermPager { term, index: 1 } => {
                let term = site.term(*term);
                Some(Entry {
                    loc: term.permalink.clone(),
                    lastmod: newest(&term.pages),
                    alternates: Vec::new(),
                })
            }
            // The later pages of a list, as Zola lists them unless told not to; without a
            // date, as in Zola: which analyses a pager shows moves with every new one.
            Job::SectionPager { section, index } if site.config.sitemap_pagers => {
                let s = site.section(*section);
                let paginate_path = s.meta.paginate_path.as_deref().unwrap_or("page");
                Some(undated(site, &pager_path(&s.path, paginate_path, *index)))
            }
            Job::TermPager { term, index } if site.config.sitemap_pagers => {
                let paginate_path = &site.taxonomy(term.taxonomy).config.paginate_path;
                Some(undated(
                    site,
                    &pager_path(&site.term(*term).path, paginate_path, *index),
                ))
            }
            Job::Timeline(lang, year) => own_entry(*lang, Own::Timeline(*year)),
            Job::Collection(lang, c) => own_entry(*lang, Own::Collection(c.name())),
            Job::Archive(lang, ArchivePage::Index) => own_entry(*lang, Own::Archive),
            // Not the later pages of a list when `exclude_paginated_pages_in_sitemap =
            // "all"`, nor the archive's years and months (or `/page/1/`, a redirect).
            Job::SectionPager { .. }
            | Job::TermPager { .. }
            | Job::Archive(_, ArchivePage::Year(_) | ArchivePage::Month(..))
            | Job::Feed { .. }
            | Job::SiteGraph(_)
            | Job::GraphJson(_)
            | Job::TermTimeline(..)
            | Job::TimelineJson(_)
            | Job::TimelineIcs(_)
            | Job::Redirect { .. }
            | Job::NotFound
            | Job::SearchIndex(_)
            | Job::SearchFilters(_)
            | Job::SearchShard(..)
            | Job::SearchBundle(..)
            | Job::Bytes(_)
            | Job::Copy(_) => None,
        })
        .collect();
    out.sort_by(|a, b| a.loc.cmp(&b.loc));
    out.dedup_by(|a, b| a.loc == b.loc);
    out
}

/// An address with no date and no alternates, from its URL path.
fn undated(site: &Site, path: &str) -> Entry {
    Entry {
        loc: site.config.permalink(path),
        lastmod: None,
        alternates: Vec::new(),
    }
}

/// The sitemap's files: `sitemap.xml` alone, or an index in `sitemap.xml` and the
/// addresses in `sitemap1.xml`, `sitemap2.xml`, ….
pub(super) fn files(site: &Site, entries: &[Entry]) -> Vec<(String, String)> {
    if entries.len() <= PER_FILE {
        return vec![("sitemap.xml".to_owned(), urlset(entries))];
    }
    let mut out = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in entries.chunks(PER_FILE).enumerate() {
        let name = format!("sitemap{}.xml", n + 1);
        let url = site.config.permalink(&site.config.url_path(&name));
        index.push_str(&format!(
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>\n",
            escape(&url_escape(&url))
        ));
        out.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    out.push(("sitemap.xml".to_owned(), index));
    out
}

fn urlset(entries: &[Entry]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    // The XHTML namespace only where a translation needs it, so one-language sitemaps
    // stay as they were.
    if entries.iter().any(|e| !e.alternates.is_empty()) {
        xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    xml.push_str(">\n");
    for e in entries {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape(&url_escape(&e.loc)));
        xml.push_str("</loc>\n");
        if let Some(d) = &e.lastmod {
            xml.push_str("    <lastmod>");
            xml.push_str(d);
            xml.push_str("</lastmod>\n");
        }
        // After `lastmod`: the protocol's schema allows other namespaces' elements last.
        for (lang, href) in &e.alternates {
            xml.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                escape(lang),
                escape(&url_escape(href))
            ));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The protocol wants addresses URL-escaped: `über` → `%C3%BCber`, a space → `%20`.
fn url_escape(url: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const UNSAFE: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'|')
        .add(b'\\')
        .add(b'^');
    utf8_percent_encode(url, UNSAFE).to_string()
}

/// When a page last changed: `updated`, else its date.
fn last_change(site: &Site, id: PageId) -> Option<DateValue> {
    let p = site.page(id);
    p.meta.updated.or(p.date)
}

/// W3C date or date-time, as the sitemap protocol wants.
fn format_date(d: &DateValue) -> String {
    if d.time.is_some() {
        super::feeds::rfc3339(d)
    } else {
        d.date.to_string()
    }
}
