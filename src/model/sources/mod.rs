//! The site's bibliography (`[sources] bibliography` in `config.toml`, a file under
//! `content/`: Hayagriva YAML or BibTeX/BibLaTeX) and its citation style (any CSL style
//! Hayagriva bundles, by name), for `[@key]` citations in Markdown.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{FontStyle, FontWeight};
use hayagriva::citationberg::{IndependentStyle, Locale, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild, ElemChildren, Library,
    LocatorPayload, SpecificLocator,
};

use crate::diagnostic::{Diagnostic, Location, closest, line_col};
use crate::load::Bibliography;

mod cache;
use cache::CslCache;

/// The styles a site names most; any other style Hayagriva bundles works too.
pub(crate) const DEFAULT_STYLE: &str = "chicago-author-date";

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sources")
            .field("entries", &self.library.len())
            .finish()
    }
}

pub(crate) struct Sources {
    library: Library,
    style: IndependentStyle,
    locales: Vec<Locale>,
    /// Changes whenever the bibliography's text or the style does.
    pub fingerprint: u64,
    /// Each source and citation rendered once, for the documents whose citations cannot
    /// affect each other's text; `None` for styles where they always can.
    cache: Option<CslCache>,
}

/// One cited work in a citation: its key and, if given, where in it (`p. 4`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Cite {
    pub key: String,
    pub locator: Option<(Locator, String)>,
}

/// A page's citations formatted: each citation's HTML, and the page's list of sources
/// (key and HTML), in the style's order.
pub(crate) struct FormattedCitations {
    pub citations: Vec<String>,
    pub bibliography: Vec<Reference>,
}

/// A source as a page's list shows it.
#[derive(Clone)]
pub(crate) struct Reference {
    pub key: String,
    pub html: String,
    /// The same as plain text, for a tooltip.
    pub text: String,
    /// `html` without the label a numeric style puts first (`[1]`), which numbers a
    /// page's sources: the site's list of every source shows this.
    pub unlabelled: String,
}

impl Sources {
    /// The bibliography read from disk, parsed, with `style` looked up by name.
    pub(crate) fn parse(
        bibliography: &Bibliography,
        style: &str,
        config_path: &Path,
    ) -> Result<Sources, Diagnostic> {
        let Bibliography { file, shown, text } = bibliography;
        let library = if file.ends_with(".bib") {
            hayagriva::io::from_biblatex_str(text).map_err(|errors| {
                let (message, at) = match errors.first() {
                    Some(hayagriva::io::BibLaTeXError::Parse(e)) => (e.kind.to_string(), e.span.start),
                    Some(hayagriva::io::BibLaTeXError::Type(e)) => (e.kind.to_string(), e.span.start),
                    None => ("cannot be read".to_owned(), 0),
                };
                let (line, column) = line_col(text, at.min(text.len()));
                Diagnostic::error(format!("invalid BibTeX: {message}"))
                    .at(Location::at_line(shown, text, line, Some(column)))
                    .hint("each entry is `@type{key, field = {value}, …}`")
            })?
        } else {
            hayagriva::io::from_yaml_str(text).map_err(|e| {
                let line = e.location().map_or(1, |l| l.line());
                let column = e.location().map(|l| l.column());
                let message = e.to_string();
                let message = message.split(" at line").next().unwrap_or(&message);
                Diagnostic::error(format!("invalid bibliography: {message}"))
                    .at(Location::at_line(shown, text, line, column))
                    .hint("each entry is a key with `type`, `title`, `author`, `date`, … (Hayagriva's YAML)")
            })?
        };
        let style = match hayagriva::archive::ArchivedStyle::by_name(style).map(|s| s.get()) {
            Some(Style::Independent(s)) => s,
            _ => {
                let names = hayagriva::archive::ArchivedStyle::all()
                    .iter()
                    .flat_map(|s| s.names().iter().copied());
                let hint = match closest(style, names) {
                    Some(near) => format!("did you mean `{near}`? (`{DEFAULT_STYLE}` and `ieee` are common)"),
                    None => format!("try `{DEFAULT_STYLE}` (author–date) or `ieee` (numeric)"),
                };
                return Err(Diagnostic::error(format!("unknown citation style `{style}`"))
                    .in_file(config_path)
                    .hint(hint));
            }
        };
        let mut h = DefaultHasher::new();
        (text, style.info.id.as_str()).hash(&mut h);
        let mut sources = Sources {
            library,
            style,
            locales: hayagriva::archive::locales(),
            fingerprint: h.finish(),
            cache: None,
        };
        sources.cache = CslCache::new(&sources);
        Ok(sources)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.library.get(key).is_some()
    }

    /// The keys closest to `key`, for a message.
    pub(crate) fn closest(&self, key: &str) -> Option<&str> {
        closest(key, self.library.keys())
    }

    /// Formats a page's citations, in order, and its list of sources, in the style: from
    /// the cache when the page's sources cannot change each other's text (no two share a
    /// name), else with the CSL engine over the whole page.
    pub(crate) fn format(&self, citations: &[Vec<Cite>]) -> FormattedCitations {
        self.cache
            .as_ref()
            .and_then(|cache| cache.format(self, citations))
            .unwrap_or_else(|| self.format_with(&self.style, citations))
    }

    /// The entry of `key`, if the bibliography has it.
    fn entry(&self, key: &str) -> Option<&hayagriva::Entry> {
        self.library.get(key)
    }

    fn style(&self) -> &IndependentStyle {
        &self.style
    }

    /// Every key, in the bibliography's order.
    fn keys(&self) -> impl Iterator<Item = &str> {
        self.library.keys()
    }

    /// Runs the CSL engine over one document's citations, in `style` (the site's, or a
    /// variant of it), for the citations' HTML and the document's sources.
    fn format_with(&self, style: &IndependentStyle, citations: &[Vec<Cite>]) -> FormattedCitations {
        let mut driver = BibliographyDriver::new();
        for cites in citations {
            let items = cites
                .iter()
                .filter_map(|c| {
                    let entry = self.library.get(&c.key)?;
                    let locator = c
                        .locator
                        .as_ref()
                        .map(|(kind, value)| SpecificLocator(*kind, LocatorPayload::Str(value)));
                    Some(CitationItem::with_locator(entry, locator))
                })
                .collect();
            driver.citation(CitationRequest::from_items(items, style, &self.locales));
        }
        let rendered = driver.finish(BibliographyRequest::new(style, None, &self.locales));
        FormattedCitations {
            citations: rendered.citations.iter().map(|c| html(&c.citation)).collect(),
            bibliography: rendered
                .bibliography
                .map(|b| {
                    b.items
                        .iter()
                        .map(|item| {
                            let unlabelled = self::html(&item.content);
                            let mut html = String::new();
                            if let Some(first) = &item.first_field {
                                child_html(first, &mut html);
                                html.push(' ');
                            }
                            html.push_str(&unlabelled);
                            let mut text = String::new();
                            item.content
                                .write_buf(&mut text, hayagriva::BufWriteFormat::Plain)
                                .ok();
                            Reference {
                                key: item.key.clone(),
                                html,
                                text,
                                unlabelled,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

impl Sources {
    /// The full references of `keys` (key and HTML), in the style's order, without a
    /// numeric style's labels (which number a page's sources, not the site's): from the
    /// cache when no two of them share a name, else with the CSL engine over them all.
    pub(crate) fn references(&self, keys: &[&str]) -> Vec<(String, String)> {
        let listed = self
            .cache
            .as_ref()
            .and_then(|cache| cache.references(self, keys))
            .unwrap_or_else(|| self.format_with(&self.style, &self.each_alone(keys)).bibliography);
        listed.into_iter().map(|r| (r.key, r.unlabelled)).collect()
    }

    /// A citation of each of `keys` (those the bibliography has), with no locator.
    fn each_alone(&self, keys: &[&str]) -> Vec<Vec<Cite>> {
        keys.iter()
            .filter(|key| self.has(key))
            .map(|key| {
                vec![Cite {
                    key: (*key).to_owned(),
                    locator: None,
                }]
            })
            .collect()
    }
}

/// `p. 4`, `pp. 4–5`, `ch. 2`, `sec. 3`, `para. 7`, `fig. 1`; other text counts as a page.
pub(crate) fn locator(text: &str) -> (Locator, String) {
    let text = text.trim();
    let (label, rest) = text.split_once(|c: char| c.is_whitespace()).unwrap_or(("", text));
    let kind = match label.trim_end_matches('.').to_lowercase().as_str() {
        "p" | "pp" | "page" | "pages" => Some(Locator::Page),
        "ch" | "chap" | "chapter" => Some(Locator::Chapter),
        "sec" | "section" | "§" => Some(Locator::Section),
        "para" | "paragraph" => Some(Locator::Paragraph),
        "fig" | "figure" => Some(Locator::Figure),
        _ => None,
    };
    match kind {
        Some(kind) => (kind, rest.trim().to_owned()),
        None => (Locator::Page, text.to_owned()),
    }
}

/// Hayagriva's output as HTML, its text escaped (its own HTML writer does not escape).
fn html(children: &ElemChildren) -> String {
    let mut out = String::new();
    for child in &children.0 {
        child_html(child, &mut out);
    }
    out
}

fn child_html(child: &ElemChild, out: &mut String) {
    match child {
        ElemChild::Text(t) => formatted(&t.text, t.formatting, out),
        ElemChild::Elem(e) => {
            for c in &e.children.0 {
                child_html(c, out);
            }
        }
        ElemChild::Markup(m) => out.push_str(&crate::html::escape_text(m)),
        ElemChild::Link { text, url } => {
            out.push_str("<a href=\"");
            out.push_str(&crate::html::escape_attr(url));
            out.push_str("\">");
            formatted(&text.text, text.formatting, out);
            out.push_str("</a>");
        }
        ElemChild::Transparent { .. } => {}
    }
}

fn formatted(text: &str, formatting: hayagriva::Formatting, out: &mut String) {
    let italic = formatting.font_style == FontStyle::Italic;
    let bold = formatting.font_weight == FontWeight::Bold;
    if italic {
        out.push_str("<i>");
    }
    if bold {
        out.push_str("<b>");
    }
    out.push_str(&crate::html::escape_text(text));
    if bold {
        out.push_str("</b>");
    }
    if italic {
        out.push_str("</i>");
    }
}
