//! Atom feeds, written directly (not through a template) so they are always valid:
//! absolute URLs, RFC 3339 dates, HTML content escaped as `type="html"`.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use super::job::FeedOf;
use crate::config::{FeedContent, FeedFormat};
use crate::dates::DateValue;
use crate::digest::Long;
use crate::html::escape_attr;
use crate::model::site::{Item, PageId, Site};

/// Escaped for XML, without the control characters XML 1.0 does not allow (front matter
/// may hold them, and one would make the whole feed unreadable).
fn escape(s: &str) -> String {
    if s.chars().all(xml_char) {
        return escape_attr(s);
    }
    escape_attr(&s.chars().filter(|c| xml_char(*c)).collect::<String>())
}

fn xml_char(c: char) -> bool {
    (matches!(c, '\t' | '\n' | '\r') || !c.is_control()) && c != '\u{FFFE}' && c != '\u{FFFF}'
}

/// The date every entry and feed needs when no page in it is dated, so output stays
/// deterministic.
const NO_DATE: &str = "1970-01-01T00:00:00Z";

/// Rendered analyses, newest first (undated ones last), for a feed.
pub(super) fn newest_first(site: &Site, pages: impl Iterator<Item = PageId>) -> Vec<PageId> {
    let mut list: Vec<PageId> = pages.filter(|p| site.page(*p).has_output()).collect();
    list.sort_by(|a, b| {
        let key = |p: &PageId| site.page(*p).date.map(|d| d.sort_key());
        key(b).cmp(&key(a)).then_with(|| {
            site.page(*a)
                .file
                .content_path
                .cmp(&site.page(*b).file.content_path)
        })
    });
    list
}

pub(crate) struct Feed<'a> {
    pub title: String,
    /// The page the feed belongs to (a term page, a section, the home page).
    pub alternate: &'a str,
    /// The feed's own absolute URL.
    pub self_url: String,
    pub pages: Cow<'a, [PageId]>,
    /// The language of the feed's analyses.
    pub lang: &'a str,
    /// The description of the site in that language.
    pub description: Option<&'a str>,
}

/// The feed of `of` in `format`'s file.
pub(super) fn of<'a>(site: &'a Site, of: &FeedOf, format: FeedFormat) -> Feed<'a> {
    let file = format.file_name();
    let with_site = |name: &str| match &site.config.title {
        Some(site_title) => format!("{name} · {site_title}"),
        None => name.to_owned(),
    };
    let in_lang = |lang: &str| {
        let root = site.section(site.language_root(lang));
        let pages = (0..site.pages.len())
            .map(PageId)
            .filter(|p| site.page(*p).lang == lang);
        (root, newest_first(site, pages))
    };
    let (title, alternate, pages, lang): (String, &str, Cow<[PageId]>, &str) = match of {
        FeedOf::Site => {
            let (root, pages) = in_lang(&site.config.default_language);
            (
                site.config.title.clone().unwrap_or_default(),
                &root.permalink,
                pages.into(),
                &site.config.default_language,
            )
        }
        FeedOf::Language(i) => {
            let language = &site.config.languages[*i];
            let (root, pages) = in_lang(&language.code);
            (
                language
                    .title
                    .clone()
                    .or_else(|| site.config.title.clone())
                    .unwrap_or_default(),
                &root.permalink,
                pages.into(),
                &language.code,
            )
        }
        FeedOf::Section(id) => {
            let s = site.section(*id);
            (
                with_site(s.title()),
                &s.permalink,
                newest_first(site, s.pages.iter().copied()).into(),
                &s.lang,
            )
        }
        FeedOf::Term(id) => {
            let term = site.term(*id);
            (
                with_site(&term.name),
                &term.permalink,
                (&term.pages[..]).into(),
                &site.taxonomy(id.taxonomy).lang,
            )
        }
    };
    let description = site
        .config
        .languages
        .iter()
        .find(|l| l.code == lang)
        .and_then(|l| l.description.as_deref());
    Feed {
        title,
        alternate,
        self_url: format!("{alternate}{file}"),
        pages,
        lang,
        description,
    }
}

/// RFC 3339 for Atom: a date alone is midnight UTC, a time without offset is UTC.
pub(crate) fn rfc3339(d: &DateValue) -> String {
    let time = d
        .time
        .map_or_else(|| "00:00:00".to_owned(), |t| t.strftime("%H:%M:%S").to_string());
    let offset = d
        .offset
        .map_or_else(|| "Z".to_owned(), crate::dates::rfc3339_offset);
    format!("{}T{time}{offset}", d.date)
}

/// A page's HTML, asked once for each of the feed's entries (see [`entry_pages`]), or
/// why it is not at hand.
pub(crate) type HtmlOf<'a, E> = dyn Fn(PageId) -> Result<tera::Value, E> + 'a;

/// The feed in `format`, or why an entry's HTML is not at hand.
pub(crate) fn write<E>(site: &Site, html: &HtmlOf<E>, feed: &Feed, format: FeedFormat) -> Result<String, E> {
    let entries = entries(site, &|id| html(id).map(EntryHtml::Page), feed)?;
    let base_url = &site.config.base_url;
    Ok(match format {
        FeedFormat::Atom => atom(feed, &entries, base_url),
        FeedFormat::Rss => rss(feed, &entries, base_url),
    })
}

/// Hashes what [`write`] makes the feed from: the feed's fingerprint, which keeps an
/// unchanged feed from being made again. Its pages count through its entries only: a
/// page past `feed_limit` is not written. An entry's HTML counts by what `digest` says
/// a fingerprint counts of it (see `digest::feed_long`), which the build cache knows
/// without reading it; `None` if that is not at hand.
pub(crate) fn hash(
    site: &Site,
    digest: &dyn Fn(PageId) -> Option<Long>,
    feed: &Feed,
    format: FeedFormat,
    h: &mut impl Hasher,
) -> Option<()> {
    let Feed {
        title,
        alternate,
        self_url,
        pages: _,
        lang,
        description,
    } = feed;
    (title, alternate, self_url, lang, description).hash(h);
    (format.file_name(), &site.config.base_url).hash(h);
    let entries = entries(site, &|id| digest(id).map(EntryHtml::Digest).ok_or(()), feed).ok()?;
    entries.hash(h);
    Some(())
}

/// The pages the feed has entries for: its first `feed_limit`.
pub(crate) fn entry_pages<'a>(site: &Site, feed: &'a Feed) -> impl Iterator<Item = PageId> + 'a {
    let limit = site.config.feed_limit.unwrap_or(usize::MAX);
    feed.pages.iter().take(limit).copied()
}

/// The feed's entries, if every one's HTML is at hand.
fn entries<'a, E>(
    site: &'a Site,
    html: &dyn Fn(PageId) -> Result<EntryHtml<'a>, E>,
    feed: &Feed,
) -> Result<Vec<Entry<'a>>, E> {
    entry_pages(site, feed)
        .map(|p| Ok(Entry::new(site, p, html(p)?)))
        .collect()
}

/// What both formats say of a page: everything they write of it, so that hashing the
/// entries covers it.
#[derive(Hash)]
struct Entry<'a> {
    title: &'a str,
    permalink: &'a str,
    description: Option<&'a str>,
    /// At most [`FEED_CATEGORIES`]: (taxonomy, term).
    categories: Vec<(&'a str, &'a str)>,
    published: Option<DateValue>,
    updated: Option<DateValue>,
    authors: Vec<&'a str>,
    /// The entry's HTML, its root-relative links made absolute when written.
    html: EntryHtml<'a>,
    /// The page's translations into other languages: (language, permalink).
    translations: Vec<(&'a str, &'a str)>,
}

impl<'a> Entry<'a> {
    /// `content` is the page's HTML.
    fn new(site: &'a Site, id: PageId, content: EntryHtml<'a>) -> Entry<'a> {
        let p = site.page(id);
        let html = match (site.config.feed_content, &p.converted.summary) {
            (FeedContent::Summary, Some(summary)) if p.converted.summary_marked => {
                EntryHtml::Summary(summary)
            }
            (FeedContent::Summary | FeedContent::Full, _) => content,
        };
        let authors = if p.meta.authors.is_empty() {
            site.config.author.as_deref().into_iter().collect()
        } else {
            p.meta.authors.iter().map(String::as_str).collect()
        };
        let translations = site
            .translations_of(Item::Page(id))
            .iter()
            .filter_map(|t| match t {
                Item::Page(other) if *other != id && site.page(*other).has_output() => Some((
                    site.page(*other).lang.as_str(),
                    site.page(*other).permalink.as_str(),
                )),
                _ => None,
            })
            .collect();
        Entry {
            title: &p.title,
            permalink: &p.permalink,
            description: p.meta.description.as_deref(),
            categories: categories(p).collect(),
            translations,
            published: p.date,
            updated: p.meta.updated.or(p.date),
            authors,
            html,
        }
    }
}

/// An entry's HTML: the page's summary, or its HTML's template value, or (for a
/// fingerprint) what a fingerprint counts of that.
enum EntryHtml<'a> {
    Summary(&'a str),
    Page(tera::Value),
    Digest(Long),
}

impl EntryHtml<'_> {
    /// The HTML to write; a digest has none, and is never written.
    fn as_str(&self) -> &str {
        match self {
            EntryHtml::Summary(html) => html,
            EntryHtml::Page(value) => value.as_str().unwrap_or(""),
            EntryHtml::Digest(_) => "",
        }
    }
}

impl Hash for EntryHtml<'_> {
    /// A page's HTML counts the same whether it is at hand or only its digest.
    fn hash<H: Hasher>(&self, h: &mut H) {
        match self {
            EntryHtml::Summary(html) => {
                h.write_u8(0);
                html.hash(h);
            }
            EntryHtml::Page(value) => {
                h.write_u8(1);
                Long::of(value.as_str().unwrap_or("")).feed(h);
            }
            EntryHtml::Digest(digest) => {
                h.write_u8(1);
                digest.feed(h);
            }
        }
    }
}

fn atom(feed: &Feed, entries: &[Entry], base_url: &str) -> String {
    let updated = entries
        .iter()
        .filter_map(|e| e.updated)
        .max_by_key(|d| d.sort_key())
        .map_or_else(|| NO_DATE.to_owned(), |d| rfc3339(&d));
    let lang = escape(feed.lang);
    let mut out = String::with_capacity(1024 + entries.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n"
    ));
    out.push_str(&format!("  <title>{}</title>\n", escape(&feed.title)));
    if let Some(d) = feed.description {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(d)));
    }
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&feed.self_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(feed.alternate)
    ));
    out.push_str(&format!("  <id>{}</id>\n", escape(&feed.self_url)));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str("  <generator>dossier</generator>\n");
    for e in entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", escape(e.title)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(e.permalink)
        ));
        // The entry in other languages, as Atom's `hreflang` names them (RFC 4287 4.2.7.4).
        for (lang, href) in &e.translations {
            out.push_str(&format!(
                "    <link rel=\"alternate\" type=\"text/html\" hreflang=\"{}\" href=\"{}\"/>\n",
                escape(lang),
                escape(href)
            ));
        }
        out.push_str(&format!("    <id>{}</id>\n", escape(e.permalink)));
        if let Some(published) = &e.published {
            out.push_str(&format!("    <published>{}</published>\n", rfc3339(published)));
        }
        let updated = e.updated.map_or_else(|| NO_DATE.to_owned(), |d| rfc3339(&d));
        out.push_str(&format!("    <updated>{updated}</updated>\n"));
        for a in &e.authors {
            out.push_str(&format!("    <author><name>{}</name></author>\n", escape(a)));
        }
        for (taxonomy, t) in &e.categories {
            out.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\" scheme=\"{}\"/>\n",
                escape(&crate::slugs::slugify(t)),
                escape(t),
                escape(taxonomy)
            ));
        }
        if let Some(d) = e.description {
            out.push_str(&format!("    <summary>{}</summary>\n", escape(d)));
        }
        out.push_str(&format!(
            "    <content type=\"html\" xml:base=\"{}\">{}</content>\n",
            escape(e.permalink),
            escape(&absolute_urls(e.html.as_str(), base_url))
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// RSS 2.0, with the entry's HTML in `description` and the Atom `self` link RSS readers
/// expect.
fn rss(feed: &Feed, entries: &[Entry], base_url: &str) -> String {
    let last = entries
        .iter()
        .filter_map(|e| e.updated)
        .max_by_key(|d| d.sort_key())
        .map_or_else(|| rfc2822(None), |d| rfc2822(Some(&d)));
    let mut out = String::with_capacity(1024 + entries.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
    out.push_str("  <channel>\n");
    out.push_str(&format!("    <title>{}</title>\n", escape(&feed.title)));
    out.push_str(&format!("    <link>{}</link>\n", escape(feed.alternate)));
    out.push_str(&format!(
        "    <description>{}</description>\n",
        escape(feed.description.unwrap_or(&feed.title))
    ));
    out.push_str(&format!("    <language>{}</language>\n", escape(feed.lang)));
    out.push_str(&format!(
        "    <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        escape(&feed.self_url)
    ));
    out.push_str(&format!("    <lastBuildDate>{last}</lastBuildDate>\n"));
    out.push_str("    <generator>dossier</generator>\n");
    for e in entries {
        out.push_str("    <item>\n");
        out.push_str(&format!("      <title>{}</title>\n", escape(e.title)));
        out.push_str(&format!("      <link>{}</link>\n", escape(e.permalink)));
        out.push_str(&format!(
            "      <guid isPermaLink=\"true\">{}</guid>\n",
            escape(e.permalink)
        ));
        if let Some(published) = &e.published {
            out.push_str(&format!(
                "      <pubDate>{}</pubDate>\n",
                rfc2822(Some(published))
            ));
        }
        for a in &e.authors {
            out.push_str(&format!("      <dc:creator>{}</dc:creator>\n", escape(a)));
        }
        for (_, t) in &e.categories {
            out.push_str(&format!("      <category>{}</category>\n", escape(t)));
        }
        out.push_str(&format!(
            "      <description>{}</description>\n",
            escape(&absolute_urls(e.html.as_str(), base_url))
        ));
        out.push_str("    </item>\n");
    }
    out.push_str("  </channel>\n</rss>\n");
    out
}

/// The most categories an entry lists. A page is an entry in the feed of each of its
/// terms, so listing all of them would make a page's feeds cost the square of its terms
/// (4,000 tags wrote 1.5 GB of feeds). Neither Zola's nor Hugo's feed templates list
/// categories at all; the first ones, in front matter order, are what a reader shows.
pub(crate) const FEED_CATEGORIES: usize = 20;

/// An entry's categories: (taxonomy, term), at most `FEED_CATEGORIES`.
fn categories(p: &crate::model::site::Page) -> impl Iterator<Item = (&str, &str)> {
    p.taxonomies
        .iter()
        .flat_map(|(taxonomy, terms)| terms.iter().map(move |t| (taxonomy.as_str(), t.as_str())))
        .take(FEED_CATEGORIES)
}

/// RFC 2822 for RSS: a date alone is midnight UTC, a time without offset is UTC.
fn rfc2822(d: Option<&DateValue>) -> String {
    let Some(d) = d else {
        return "Thu, 01 Jan 1970 00:00:00 +0000".to_owned();
    };
    let time = d.time.unwrap_or(jiff::civil::Time::midnight());
    let offset = d.offset.unwrap_or(jiff::tz::Offset::UTC);
    match offset.to_timestamp(d.date.to_datetime(time)) {
        Ok(ts) => jiff::fmt::rfc2822::to_string(&ts.to_zoned(jiff::tz::TimeZone::fixed(offset)))
            .unwrap_or_else(|_| rfc2822(None)),
        Err(_) => rfc2822(None),
    }
}

/// Feed readers show entries away from the site, so root-relative links become absolute.
fn absolute_urls(html: &str, base_url: &str) -> String {
    let origin = crate::config::origin_of(base_url);
    if origin.is_empty() {
        return html.to_owned();
    }
    let mut out = html.to_owned();
    for attr in ["href=\"/", "src=\"/"] {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            result.push_str(&rest[..i + attr.len() - 1]);
            // `//host/path` is protocol-relative: another site, left alone.
            if !after.starts_with('/') {
                result.push_str(&origin);
            }
            result.push('/');
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_dates() {
        assert_eq!(
            rfc3339(&DateValue::parse("2024-10-28").unwrap()),
            "2024-10-28T00:00:00Z"
        );
        assert_eq!(
            rfc3339(&DateValue::parse("2024-10-28T09:30:00+02:00").unwrap()),
            "2024-10-28T09:30:00+02:00"
        );
    }

    #[test]
    fn rss_dates() {
        assert_eq!(
            rfc2822(Some(&DateValue::parse("2024-10-28").unwrap())),
            "Mon, 28 Oct 2024 00:00:00 +0000"
        );
        assert_eq!(
            rfc2822(Some(&DateValue::parse("2024-10-28T09:30:00+02:00").unwrap())),
            "Mon, 28 Oct 2024 09:30:00 +0200"
        );
    }

    #[test]
    fn control_characters_are_left_out() {
        assert_eq!(
            escape("Bell \u{7} ring & <tab>\t"),
            "Bell  ring &amp; &lt;tab&gt;\t"
        );
    }

    #[test]
    fn root_relative_links_become_absolute() {
        assert_eq!(
            absolute_urls(
                "<a href=\"//cdn.example.com/x.js\"><img src=\"/a.png\">",
                "https://u.github.io/repo/"
            ),
            "<a href=\"//cdn.example.com/x.js\"><img src=\"https://u.github.io/a.png\">"
        );
        assert_eq!(
            absolute_urls("<a href=\"/repo/a/\">", "https://u.github.io/repo/"),
            "<a href=\"https://u.github.io/repo/a/\">"
        );
    }
}
