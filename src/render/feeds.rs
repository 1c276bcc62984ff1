//! Atom feeds, written directly (not through a template) so they are always valid:
//! absolute URLs, RFC 3339 dates, HTML content escaped as `type="html"`.

use crate::model::site::{PageId, Site};
use crate::parse::frontmatter::DateValue;
use crate::parse::highlight::escape_attr as escape;

/// The date every entry and feed needs when no page in it is dated, so output stays
/// deterministic.
const NO_DATE: &str = "1970-01-01T00:00:00Z";

pub struct Feed<'a> {
    pub title: String,
    /// The page the feed belongs to (a term page, a section, the home page).
    pub alternate: &'a str,
    /// The feed's own absolute URL.
    pub self_url: String,
    pub pages: &'a [PageId],
}

/// RFC 3339 for Atom: a date alone is midnight UTC, a time without offset is UTC.
pub fn rfc3339(d: &DateValue) -> String {
    let time = d
        .time
        .map_or_else(|| "00:00:00".to_owned(), |t| t.strftime("%H:%M:%S").to_string());
    let offset = d
        .offset
        .map_or_else(|| "Z".to_owned(), crate::parse::frontmatter::rfc3339_offset);
    format!("{}T{time}{offset}", d.date)
}

/// `values` are the pages' template values, which hold their HTML.
pub fn atom(site: &Site, values: &[tera::Value], feed: &Feed) -> String {
    let limit = site.config.feed_limit.unwrap_or(usize::MAX);
    let pages: Vec<_> = feed
        .pages
        .iter()
        .take(limit)
        .map(|p| (site.page(*p), &values[p.0]))
        .collect();
    let updated = pages
        .iter()
        .filter_map(|(p, _)| p.meta.updated.or(p.date))
        .max_by_key(|d| d.sort_key())
        .map_or_else(|| NO_DATE.to_owned(), |d| rfc3339(&d));
    let lang = escape(&site.config.default_language);
    let mut out = String::with_capacity(1024 + pages.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n"
    ));
    out.push_str(&format!("  <title>{}</title>\n", escape(&feed.title)));
    if let Some(d) = &site.config.description {
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
    for (p, value) in pages {
        let published = p.date.map(|d| rfc3339(&d));
        let updated = p
            .meta
            .updated
            .or(p.date)
            .map_or_else(|| NO_DATE.to_owned(), |d| rfc3339(&d));
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", escape(&p.title)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&p.permalink)
        ));
        out.push_str(&format!("    <id>{}</id>\n", escape(&p.permalink)));
        if let Some(published) = published {
            out.push_str(&format!("    <published>{published}</published>\n"));
        }
        out.push_str(&format!("    <updated>{updated}</updated>\n"));
        let authors: Vec<&str> = if p.meta.authors.is_empty() {
            site.config.author.as_deref().into_iter().collect()
        } else {
            p.meta.authors.iter().map(String::as_str).collect()
        };
        for a in authors {
            out.push_str(&format!("    <author><name>{}</name></author>\n", escape(a)));
        }
        for (taxonomy, terms) in &p.taxonomies {
            for t in terms {
                out.push_str(&format!(
                    "    <category term=\"{}\" label=\"{}\" scheme=\"{}\"/>\n",
                    escape(&crate::slugs::slugify(t)),
                    escape(t),
                    escape(taxonomy)
                ));
            }
        }
        if let Some(d) = &p.meta.description {
            out.push_str(&format!("    <summary>{}</summary>\n", escape(d)));
        }
        let content = value
            .get_from_path("content")
            .and_then(|c| c.as_str())
            .unwrap_or("");
        let html = p.rendered.summary.as_deref().unwrap_or(content);
        let html = absolute_urls(html, &site.config.base_url);
        out.push_str(&format!(
            "    <content type=\"html\" xml:base=\"{}\">{}</content>\n",
            escape(&p.permalink),
            escape(&html)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// Feed readers show entries away from the site, so root-relative links become absolute.
fn absolute_urls(html: &str, base_url: &str) -> String {
    let origin = match base_url.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest)),
        None => return html.to_owned(),
    };
    html.replace("href=\"/", &format!("href=\"{origin}/"))
        .replace("src=\"/", &format!("src=\"{origin}/"))
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
    fn root_relative_links_become_absolute() {
        assert_eq!(
            absolute_urls("<a href=\"/repo/a/\">", "https://u.github.io/repo/"),
            "<a href=\"https://u.github.io/repo/a/\">"
        );
    }
}
