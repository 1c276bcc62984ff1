//! `sitemap.xml`: every page a search engine should know, with the date it last changed,
//! split into files of at most 50,000 addresses (the protocol's limit) under an index.

use super::job::{ArchivePage, Job};
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

/// The addresses of the planned pages: analyses, the first page of each section, term
/// list and term, the timeline and the archive; sorted by address.
pub(super) fn entries<'a>(site: &Site, jobs: impl Iterator<Item = &'a Job>) -> Vec<Entry> {
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
        .filter_map(|job| match job {
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
            Job::Timeline(year) => Some(Entry {
                loc: site.config.permalink(
                    &site
                        .config
                        .url_path(&super::timeline::year_path("timeline/", *year)),
                ),
                lastmod: None,
                alternates: Vec::new(),
            }),
            Job::Collection(c) => Some(Entry {
                loc: site
                    .config
                    .permalink(&site.config.url_path(&format!("{}/", c.name()))),
                lastmod: None,
                alternates: Vec::new(),
            }),
            Job::Archive(ArchivePage::Index) => Some(Entry {
                loc: site.config.permalink(&site.config.url_path("archive/")),
                lastmod: None,
                alternates: Vec::new(),
            }),
            // Only the first page of a list, and none of the archive's years and months.
            Job::SectionPager { .. }
            | Job::TermPager { .. }
            | Job::Archive(ArchivePage::Year(_) | ArchivePage::Month(..))
            | Job::Feed { .. }
            | Job::SiteGraph
            | Job::GraphJson
            | Job::TermTimeline(..)
            | Job::TimelineJson
            | Job::TimelineIcs
            | Job::Redirect { .. }
            | Job::NotFound
            | Job::SearchIndex
            | Job::SearchFilters
            | Job::SearchShard(_)
            | Job::SearchBundle(_)
            | Job::Bytes(_)
            | Job::Copy(_) => None,
        })
        .collect();
    out.sort_by(|a, b| a.loc.cmp(&b.loc));
    out.dedup_by(|a, b| a.loc == b.loc);
    out
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
