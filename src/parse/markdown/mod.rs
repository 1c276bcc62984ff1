//! Markdown to HTML with pulldown-cmark, plus what pulldown-cmark leaves to us:
//! heading ids and anchor links, numbered footnotes with back-links, highlighted code,
//! internal `@/` and relative `.md` links, figures and lazily loaded images, callouts and
//! pull quotes, the summary, the table of contents and the word count.
//!
//! The parser knows nothing of the site: what a link or a citation names is asked of
//! [`Targets`] and [`Citations`], which the model implements (`model::link_targets`,
//! `model::citations`), and citations are formatted by the model afterwards. The event
//! handlers are split by kind: `state` (the walk and plain events), `blocks` (headings,
//! code, callouts, figures), `links` (links, wikilinks, citations), `footnotes`.

pub(crate) mod asked;
mod blocks;
mod chart;
mod embed;
mod emoji;
mod excerpt;
mod footnotes;
mod links;
mod state;

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CowStr, Event, Options, Parser};
use serde::{Deserialize, Serialize};

use crate::config::{AnchorLinks, MarkdownConfig};
use crate::diagnostic::{Diagnostic, Location};
use crate::parse::highlight::Highlighter;
use crate::parse::judgments::Judgment;
use crate::parse::shortcodes::{self, Shortcodes};
use crate::parse::templated::{self, ContentTemplates};
use state::State;

/// The configuration of this module's property tests: `cases` drawn from a fixed seed,
/// so that every run tries the same texts, and no file of failures kept.
#[cfg(test)]
fn fixed_cases(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        rng_seed: proptest::test_runner::RngSeed::Fixed(57),
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// One heading in the table of contents, with its subheadings (Zola's shape).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Hash)]
pub(crate) struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub permalink: String,
    pub children: Vec<Heading>,
}

/// A link to a heading of another page (or this one), checked once every page is rendered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AnchorRef {
    pub target: String,
    pub anchor: String,
    pub location: Location,
    /// Written as a plain `#fragment` or in a relative `.md` link, which Zola does not
    /// check: a missing heading is reported at `Config::relative_link_severity`.
    pub relative: bool,
}

/// A link or image written with a path on this site rather than `@/`
/// (`/analyses/old-page/`, `map.png`), that is not a page's URL: only the built site's
/// outputs can say whether something answers it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LocalRef {
    /// The URL path, relative ones resolved against the page (`/security/kursk/map.png`).
    pub url: String,
    pub image: bool,
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LinkKind {
    /// `[text](@/path.md)` or a relative `.md` link.
    Link,
    /// `[[Title]]`.
    Wikilink,
}

/// A link from this document to another page or section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct OutLink {
    /// The target's content path.
    pub target: String,
    pub kind: LinkKind,
    /// The sentence or paragraph around the link, as plain text.
    pub excerpt: String,
}

/// A document's Markdown as HTML, with what the rest of the site needs to know of it.
/// Stored by the build cache (`cache::markdown`) for documents that may be reused, which
/// have no diagnostics; their HTML is stored beside it, since a page's HTML leaves the
/// model for its template value.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(crate) struct Converted {
    #[serde(skip)]
    pub content: String,
    pub summary: Option<String>,
    /// Whether the summary ends at a `<!-- more -->` marker (else it is the first paragraph).
    pub summary_marked: bool,
    pub toc: Vec<Heading>,
    pub word_count: usize,
    /// The body's prose as plain text (paragraphs, list items, table cells, headings), for
    /// the search index.
    pub text: String,
    pub heading_ids: Vec<String>,
    pub anchor_refs: Vec<AnchorRef>,
    pub local_refs: Vec<LocalRef>,
    /// Links to other documents, in order, for backlinks and the link graph.
    pub links: Vec<OutLink>,
    /// The items of `[!KEY JUDGMENT]` callouts, in order.
    pub judgments: Vec<Judgment>,
    /// The bibliography keys the document cites, each once, in order of first citation.
    pub cited: Vec<String>,
    /// The document's citations in order, each its cited works. `content` and `summary`
    /// hold a placeholder for each (see [`fill_placeholders`]) until the model formats
    /// them with the bibliography (`model::citations::fill`), which empties this.
    pub citations: Vec<Vec<Cite>>,
    /// The data files of the document's charts, in order, each once: published beside
    /// the document's page (`render::plan`), and what its output depends on besides the
    /// Markdown (`serve` parses it again when one changes).
    pub data_files: Vec<crate::charts::DataFile>,
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
    /// Set by `model::content` when `serve` may reuse this output for the same source.
    pub reuse_key: Option<u64>,
    /// What the Markdown asked of the rest of the site, for telling whether this output
    /// is still right after other pages changed (set by `model::link_targets::convert`).
    pub questions: asked::Questions,
    /// Whether the HTML may show other documents' titles: a `[[wikilink]]` prints its
    /// target's title, and a shortcode or templated body may read any page. `serve`
    /// renders such documents again when a title changes.
    pub reads_titles: bool,
}

/// One cited work in a citation, as written: its bibliography key and, if given, where
/// in it (`p. 4`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct Cite {
    pub key: String,
    pub locator: Option<String>,
}

/// What a document found for a link to another: its content path, URL path and title.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub path: String,
    pub url: String,
    pub title: Option<String>,
}

/// What links resolve against: the rest of the site, which the model knows
/// (`model::link_targets`). An `Err` is the problem to report, which the parser places at
/// the link, or none when the target's own error already says why (a broken file).
pub(crate) trait Targets {
    /// `@/security/kursk.md` (the content path `path`, without its anchor; `written` as
    /// the link names it, for messages): the target's URL path. `relative`: written as a
    /// relative `.md` link, whose problems are less severe (see `AnchorRef::relative`).
    fn internal(&self, path: &str, written: &str, relative: bool) -> Result<String, Option<Diagnostic>>;
    /// The content path of the one document whose path equals `path` ignoring case.
    fn case_variant(&self, path: &str) -> Option<String>;
    /// `[[target]]` (without its `#heading`): the page or section it names.
    fn wikilink(&self, target: &str) -> Result<Target, Option<Diagnostic>>;
    /// The content path of the document at a URL path (`/security/kursk/`), so that a
    /// plain link to a page counts as a link to it.
    fn document_at(&self, url: &str) -> Option<&str>;
    /// The URL path of an absolute URL on this site (`https://example.org/security/kursk/`
    /// → `/security/kursk/`, under `base_url`), so that such a link counts as one within
    /// the site; `None` for any other address.
    fn own_path<'u>(&self, url: &'u str) -> Option<&'u str>;
}

/// What a citation's key finds in the bibliography.
pub(crate) enum CiteCheck {
    Found,
    /// The key is not in the bibliography: this error.
    Unknown(Diagnostic),
    /// There is no bibliography to look in: the citation is dropped, with this error
    /// (none when the bibliography failed to load, whose own error says why).
    NoBibliography(Option<Diagnostic>),
}

/// The bibliography `[@key]` citations are checked against (`model::citations`).
pub(crate) trait Citations {
    fn check(&self, key: &str) -> CiteCheck;
}

/// What a document needs to know about the rest of the site.
pub(crate) struct Env<'a> {
    pub config: &'a MarkdownConfig,
    pub highlighter: &'a Highlighter,
    pub targets: &'a (dyn Targets + Sync),
    pub citations: &'a (dyn Citations + Sync),
    /// What `{{ … }}` and `{% … %}` in a body are.
    pub calls: Calls<'a>,
    /// Where ```` ```chart ```` blocks read their data.
    pub charts: &'a crate::charts::Files,
    /// What a problem Zola passes silently is (`Config::relative_link_severity`): here, a
    /// shortcode call whose arguments cannot be read.
    pub lenient: crate::diagnostic::Severity,
}

/// What `{{ … }}` and `{% … %}` in Markdown are.
#[derive(Clone, Copy)]
pub(crate) enum Calls<'a> {
    /// Text: for `serve`'s fast path, which takes only bodies without them.
    Text,
    /// Zola 0.22's shortcodes (`parse::shortcodes`).
    Shortcodes(&'a (dyn Shortcodes + Sync)),
    /// Zola 0.23's templated content (`parse::templated`).
    Templated(&'a (dyn ContentTemplates + Sync)),
}

/// One document to convert.
#[derive(Clone, Copy)]
pub(crate) struct Doc<'a> {
    /// The file as shown in messages (`content/security/kursk.md`).
    pub display_path: &'a Path,
    /// The whole file, for line numbers.
    pub text: &'a str,
    pub body: &'a str,
    pub body_offset: usize,
    /// This document's content path (`security/kursk.md`).
    pub content_path: &'a str,
    pub permalink: &'a str,
    /// This document's URL path (`/security/kursk/`), which relative links are resolved
    /// against so they also work where a summary is shown on another page.
    pub url_path: &'a str,
    pub anchors: AnchorLinks,
    /// The document's language's words for the labels the pass writes ("Link to this
    /// section", a callout's title, "Footnotes").
    pub words: crate::words::Lookup<'a>,
}

const MORE_MARKER: &str = "<!-- more -->";

/// The address a citation's reference is given while it is parsed.
const CITE: &str = "dossier-cite:";

/// Where citation `n` goes in the HTML until it is rendered (private-use characters,
/// which no text contains).
pub(crate) fn placeholder(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

/// `html` with each citation placeholder replaced by `fill(n)`, in one pass (the model's
/// part: it formats citations with the bibliography).
pub(crate) fn fill_placeholders(html: &str, fill: impl Fn(usize) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('\u{E000}') {
        out.push_str(&rest[..start]);
        let after = &rest[start + '\u{E000}'.len_utf8()..];
        match after
            .find('\u{E001}')
            .and_then(|end| Some((after[..end].parse().ok()?, end)))
        {
            Some((n, end)) => {
                out.push_str(&fill(n));
                rest = &after[end + '\u{E001}'.len_utf8()..];
            }
            None => {
                out.push('\u{E000}');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `> [!PULLQUOTE]` puts its blocks in an `<aside>` hidden from screen readers, which
/// read the text where it first appears. Links and footnote references in it are written
/// as text, with a warning giving this hint, since nothing hidden may take focus.
const PULLQUOTE_FOCUS_HINT: &str = "a pull quote repeats the article's text and is hidden from screen readers \
     (aria-hidden), so nothing in it may take focus; keep links and notes in the text it repeats";

/// Converts one document's Markdown to HTML. Links and citations are checked against
/// `env`; citations are left as placeholders for the model to format.
pub(crate) fn to_html(doc: &Doc, env: &Env) -> Converted {
    let options = options(env.config);
    let expanded = match env.calls {
        _ if !shortcodes::may_hold(doc.body) => None,
        Calls::Text => None,
        Calls::Shortcodes(site) => {
            let code = std::cell::OnceCell::new();
            let in_code = |offset: usize| {
                let ranges: &Vec<Range<usize>> = code.get_or_init(|| code_ranges(doc.body, options));
                let i = ranges.partition_point(|r| r.start <= offset);
                i > 0 && ranges[i - 1].contains(&offset)
            };
            Some(shortcodes::expand(
                doc.body,
                doc.content_path,
                site,
                &in_code,
                env.lenient,
            ))
        }
        Calls::Templated(site) if site.skips(doc.content_path) => None,
        Calls::Templated(site) => Some(templated::expand(doc.body, doc.content_path, site)),
    };
    match &expanded {
        Some(e) => convert(
            &Doc {
                body: &e.text,
                ..*doc
            },
            env,
            options,
            Some(e),
        ),
        None => convert(doc, env, options, None),
    }
}

fn options(config: &MarkdownConfig) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS;
    if config.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    if config.definition_list {
        options |= Options::ENABLE_DEFINITION_LIST;
    }
    options
}

/// The spans of code (blocks and inline) in `body`, in order; nested ones do not occur.
fn code_ranges(body: &str, options: Options) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Parser::new_ext(body, options)
        .into_offset_iter()
        .filter(|(e, _)| {
            matches!(
                e,
                Event::Code(_) | Event::Start(pulldown_cmark::Tag::CodeBlock(_))
            )
        })
        .map(|(_, r)| r)
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// Converts `doc` (its shortcodes expanded into `expanded`, if it had any).
fn convert(doc: &Doc, env: &Env, options: Options, expanded: Option<&shortcodes::Expanded>) -> Converted {
    // `[@key]`, `[@key, p. 4]`, `[@a; @b]`: references without a definition, which the
    // parser hands over; they come back as links to be turned into citations.
    let citations = |link: pulldown_cmark::BrokenLink<'_>| {
        link.reference.starts_with('@').then(|| {
            (
                CowStr::from(format!("{CITE}{}", link.reference)),
                CowStr::from(""),
            )
        })
    };
    let mut events: Vec<(Event, Range<usize>)> =
        Parser::new_with_broken_link_callback(doc.body, options, Some(citations))
            .into_offset_iter()
            .collect();
    if env.config.render_emoji {
        events = emoji::render(events);
    }
    let mut state = State::new(doc, env);
    if let Some(e) = expanded {
        if !e.html.is_empty() {
            events = embed::place(events, &e.html);
        }
        state.origins = Some(&e.origins);
        for (at, problem) in &e.problems {
            let location = state.original_location(doc.body_offset + at);
            state.diagnostics.push(problem.clone().at(location));
        }
    }
    let mut body: Vec<Event> = Vec::with_capacity(events.len());
    state.process(&events, &mut body, true);

    let mut content = String::with_capacity(doc.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut content, body.iter().cloned());
    state.push_footnotes(&mut content);

    // Footnote references are left out of the summary: their notes are not on list pages.
    let summary = state.summary_end.or(state.first_paragraph_end).map(|end| {
        let mut s = String::new();
        let events = body[..end]
            .iter()
            .enumerate()
            // Positions are recorded in order, so a binary search keeps this linear.
            .filter(|(i, _)| state.footnote_ref_positions.binary_search(i).is_err())
            .filter(|(i, _)| state.continue_span != Some(*i))
            .map(|(_, e)| e.clone());
        pulldown_cmark::html::push_html(&mut s, events);
        demote_headings(&s)
    });
    let mut heading_ids: Vec<String> = state.ids.into_iter().collect();
    heading_ids.sort();
    Converted {
        content: exact(content),
        summary_marked: state.summary_end.is_some(),
        summary,
        toc: nest_headings(state.headings),
        word_count: state.words,
        text: exact(state.text),
        heading_ids,
        anchor_refs: state.anchor_refs,
        local_refs: state.local_refs,
        links: state.links,
        judgments: state.judgments,
        cited: {
            let mut seen = HashSet::new();
            state
                .citations
                .iter()
                .flatten()
                .filter(|c| seen.insert(c.key.as_str()))
                .map(|c| c.key.clone())
                .collect()
        },
        citations: state.citations,
        data_files: state.data_files,
        diagnostics: state.diagnostics,
        reuse_key: None,
        questions: asked::Questions::default(),
        reads_titles: doc.body.contains("[[") || shortcodes::may_hold(doc.body),
    }
}

/// `s` in an allocation of its own length, for a document's HTML and search text: they
/// grow by doubling and are held until the pages are written (a third of their capacity
/// was spare, 47 MB on the 10,000-page corpus), and `shrink_to_fit` would not return it:
/// mimalloc keeps a block that is shrunk by less than half.
fn exact(s: String) -> String {
    if s.capacity() - s.len() > s.len() / 16 {
        s.as_str().to_owned()
    } else {
        s
    }
}

impl Env<'_> {
    fn config_wants_external_attrs(&self) -> bool {
        self.config.external_links_target_blank
            || self.config.external_links_no_follow
            || self.config.external_links_no_referrer
            || self.config.external_links_external
            || self.config.external_links_class.is_some()
    }
}

/// A summary as list pages show it, under each page's own title: its headings one level
/// down (`h2` → `h3`, `h6` stays), without ids (a list shows many summaries, and the ids
/// are the page's) or the links to themselves.
fn demote_headings(summary: &str) -> String {
    use std::sync::LazyLock;
    static OPEN: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"<h([1-6])(?:\s[^>]*)?>").expect("a valid pattern"));
    static CLOSE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"</h([1-6])>").expect("a valid pattern"));
    static ANCHOR: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#" ?<a class="heading-anchor" [^>]*>#</a> ?"#).expect("a valid pattern")
    });
    if !summary.contains("<h") {
        return summary.to_owned();
    }
    let down = |caps: &regex::Captures, closing: bool| {
        let level: u8 = caps[1].parse().unwrap_or(6);
        let slash = if closing { "/" } else { "" };
        format!("<{slash}h{}>", (level + 1).min(6))
    };
    let s = ANCHOR.replace_all(summary, "");
    let s = OPEN.replace_all(&s, |c: &regex::Captures| down(c, false));
    CLOSE
        .replace_all(&s, |c: &regex::Captures| down(c, true))
        .into_owned()
}

/// Turns a flat list of headings into a tree by level.
fn nest_headings(flat: Vec<Heading>) -> Vec<Heading> {
    fn insert(into: &mut Vec<Heading>, h: Heading) {
        if let Some(last) = into.last_mut()
            && h.level > last.level
        {
            insert(&mut last.children, h);
            return;
        }
        into.push(h);
    }
    let mut tree = Vec::new();
    for h in flat {
        insert(&mut tree, h);
    }
    tree
}
