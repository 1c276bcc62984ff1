//! Markdown to HTML with pulldown-cmark, plus what pulldown-cmark leaves to us:
//! heading ids and anchor links, numbered footnotes with back-links, highlighted code,
//! internal `@/` and relative `.md` links, figures and lazily loaded images, callouts and
//! pull quotes, the summary, the table of contents and the word count.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::config::{AnchorLinks, MarkdownConfig};
use crate::diagnostic::{Diagnostic, Location, closest};
use crate::html::{escape_attr, escape_text};
use crate::model::sources::Reference;
use crate::parse::callouts::{self, Shape};
use crate::parse::figures;
use crate::parse::highlight::Highlighter;
use crate::parse::wikilinks::{WikiError, WikiIndex};
use crate::slugs::slugify;

/// One heading in the table of contents, with its subheadings (Zola's shape).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub permalink: String,
    pub children: Vec<Heading>,
}

/// A link to a heading of another page (or this one), checked once every page is rendered.
#[derive(Debug, Clone)]
pub struct AnchorRef {
    pub target: String,
    pub anchor: String,
    pub location: Location,
}

/// A link or image written with a path on this site rather than `@/`
/// (`/analyses/old-page/`, `map.png`), that is not a page's URL: only the built site's
/// outputs can say whether something answers it.
#[derive(Debug, Clone)]
pub struct LocalRef {
    /// The URL path, relative ones resolved against the page (`/security/kursk/map.png`).
    pub url: String,
    pub image: bool,
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    /// `[text](@/path.md)` or a relative `.md` link.
    Link,
    /// `[[Title]]`.
    Wikilink,
}

/// A link from this document to another page or section.
#[derive(Debug, Clone, PartialEq)]
pub struct OutLink {
    /// The target's content path.
    pub target: String,
    pub kind: LinkKind,
    /// The sentence or paragraph around the link, as plain text.
    pub excerpt: String,
}

#[derive(Debug, Default, Clone)]
pub struct Rendered {
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
    pub judgments: Vec<crate::parse::judgments::Judgment>,
    /// The bibliography keys the document cites, each once, in order of first citation.
    pub cited: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Set by `model::content` when `serve` may reuse this output for the same source.
    pub reuse_key: Option<u64>,
}

/// What a document needs to know about the rest of the site.
pub struct Env<'a> {
    pub config: &'a MarkdownConfig,
    pub highlighter: &'a Highlighter,
    /// Content path (`security/kursk.md`) to URL path (`/security/kursk/`).
    pub urls: &'a HashMap<String, String>,
    /// Files that exist but failed to parse: links to them are not errors of their own.
    pub broken: &'a HashSet<String>,
    /// Drafts left out of this build (content path → title): linking to one is an error.
    pub drafts: &'a HashMap<String, String>,
    pub wiki: &'a WikiIndex,
    /// URL path (`/security/kursk/`) → content path, to recognise plain links to pages.
    pub paths: &'a HashMap<String, String>,
    /// Pages and sections with `render = false`: they have no URL to link to.
    pub unrendered: &'a HashSet<String>,
    /// The bibliography `[@key]` citations refer to, if the site has one.
    pub sources: Option<&'a crate::model::sources::Sources>,
    /// Whether config.toml names a bibliography that could not be loaded: its own error
    /// says why, and citations are not errors of their own.
    pub bibliography_failed: bool,
}

/// One document to render.
pub struct Doc<'a> {
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
}

const MORE_MARKER: &str = "<!-- more -->";

/// The address a citation's reference is given while it is parsed.
const CITE: &str = "dossier-cite:";

/// Where citation `n` goes in the HTML until it is rendered (private-use characters,
/// which no text contains).
fn placeholder(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

/// `html` with each citation placeholder replaced by `fill(n)`, in one pass.
fn fill_placeholders(html: &str, fill: impl Fn(usize) -> String) -> String {
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

pub fn render(doc: &Doc, env: &Env) -> Rendered {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS;
    if env.config.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
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
    let events: Vec<(Event, Range<usize>)> =
        Parser::new_with_broken_link_callback(doc.body, options, Some(citations))
            .into_offset_iter()
            .collect();
    let mut state = State::new(doc, env);
    let mut body: Vec<Event> = Vec::with_capacity(events.len());
    state.process(&events, &mut body, true);

    let mut content = String::with_capacity(doc.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut content, body.iter().cloned());
    state.push_footnotes(&mut content);
    let cited = state.cite(&mut content);

    // Footnote references are left out of the summary: their notes are not on list pages.
    let summary = state.summary_end.or(state.first_paragraph_end).map(|end| {
        let mut s = String::new();
        let events = body[..end]
            .iter()
            .enumerate()
            // Positions are recorded in order, so a binary search keeps this linear.
            .filter(|(i, _)| state.footnote_ref_positions.binary_search(i).is_err())
            .map(|(_, e)| e.clone());
        pulldown_cmark::html::push_html(&mut s, events);
        // On list pages a citation is its text: its sources are on the page itself.
        match &cited {
            Some(c) => fill_placeholders(&s, |n| c.citations[n].clone()),
            None => s,
        }
    });
    let mut heading_ids: Vec<String> = state.ids.into_iter().collect();
    heading_ids.sort();
    Rendered {
        content,
        summary_marked: state.summary_end.is_some(),
        summary,
        toc: nest_headings(state.headings),
        word_count: state.words,
        text: state.text,
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
        diagnostics: state.diagnostics,
        reuse_key: None,
    }
}

impl Env<'_> {
    fn config_wants_external_attrs(&self) -> bool {
        self.config.external_links_target_blank
            || self.config.external_links_no_follow
            || self.config.external_links_no_referrer
    }
}

/// Index of the `End` event that closes the `Start` at `start`.
pub(crate) fn find_end(events: &[(Event, std::ops::Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

struct State<'a> {
    doc: &'a Doc<'a>,
    env: &'a Env<'a>,
    /// The file's lines, for the locations of diagnostics.
    lines: crate::diagnostic::Lines<'a>,
    ids: HashSet<String>,
    /// The last numeric suffix given to each heading id that was taken (`a` → 2 after
    /// `a-1`, `a-2`).
    id_suffixes: HashMap<String, usize>,
    headings: Vec<Heading>,
    words: usize,
    footnote_numbers: HashMap<String, usize>,
    footnote_ref_counts: HashMap<String, usize>,
    footnote_definitions: Vec<(String, Vec<Event<'a>>)>,
    /// The labels of `footnote_definitions`.
    footnote_labels: HashSet<String>,
    /// Positions of footnote references in the top-level event list.
    footnote_ref_positions: Vec<usize>,
    summary_end: Option<usize>,
    first_paragraph_end: Option<usize>,
    anchor_refs: Vec<AnchorRef>,
    local_refs: Vec<LocalRef>,
    links: Vec<OutLink>,
    /// Plain text of the open blocks (paragraphs, list items, cells, headings), innermost
    /// last, for the excerpts around links.
    blocks: Vec<String>,
    /// The text of every closed outermost block, in order.
    text: String,
    /// Links waiting for their block to close: (index in `links`, block depth, offset of
    /// the link in the block's text).
    pending: Vec<(usize, usize, usize)>,
    /// Inside a pull quote, which is `aria-hidden`: nothing in it may take focus, and its
    /// text, a repeat of the article's, is not counted again.
    in_pullquote: bool,
    judgments: Vec<crate::parse::judgments::Judgment>,
    /// Citations in order, each its cited works.
    citations: Vec<Vec<crate::model::sources::Cite>>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> State<'a> {
    fn new(doc: &'a Doc<'a>, env: &'a Env<'a>) -> Self {
        State {
            doc,
            env,
            lines: crate::diagnostic::Lines::new(doc.text),
            ids: HashSet::new(),
            id_suffixes: HashMap::new(),
            headings: Vec::new(),
            words: 0,
            footnote_numbers: HashMap::new(),
            footnote_ref_counts: HashMap::new(),
            footnote_definitions: Vec::new(),
            footnote_labels: HashSet::new(),
            footnote_ref_positions: Vec::new(),
            summary_end: None,
            first_paragraph_end: None,
            anchor_refs: Vec::new(),
            local_refs: Vec::new(),
            links: Vec::new(),
            blocks: Vec::new(),
            text: String::new(),
            pending: Vec::new(),
            in_pullquote: false,
            judgments: Vec::new(),
            citations: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Turns parser events into the events to write as HTML, resolving links and
    /// rendering headings, code and footnote references on the way. `top` is true for the
    /// document body (where the summary is found), false for nested runs.
    fn process(&mut self, events: &[(Event<'a>, Range<usize>)], out: &mut Vec<Event<'a>>, top: bool) {
        let mut i = 0;
        let mut depth = 0usize;
        let mut external_open = false;
        // A link in a pull quote is written as its text; this skips its closing tag.
        let mut stripped_link_open = false;
        while i < events.len() {
            let (event, range) = &events[i];
            if matches!(event, Event::Start(Tag::Paragraph))
                && matches!(events.get(i + 1), Some((Event::Start(Tag::Image { .. }), _)))
            {
                let end = find_end(events, i);
                let inner = &events[i + 1..end];
                let refs: Vec<&Event> = inner.iter().map(|(e, _)| e).collect();
                if let Some(parts) = figures::parts(&refs) {
                    let html = self.figure(inner, parts);
                    out.push(Event::Html(CowStr::from(html)));
                    i = end + 1;
                    continue;
                }
            }
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    let end = find_end(events, i);
                    let html = self.heading(*level as u8, id.as_deref(), &events[i + 1..end]);
                    out.push(html);
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let end = find_end(events, i);
                    let code: String = events[i + 1..end]
                        .iter()
                        .filter_map(|(e, _)| match e {
                            Event::Text(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => info
                            .split(|c: char| c == ',' || c == '{' || c.is_whitespace())
                            .next()
                            .unwrap_or(""),
                        CodeBlockKind::Indented => "",
                    };
                    self.words += code.split_whitespace().count();
                    out.push(Event::Html(CowStr::from(
                        self.env.highlighter.block(lang, &code).to_string(),
                    )));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::BlockQuote(github)) => {
                    // Whether it is a callout shows in its first line, so the end is only
                    // looked for then: finding it for every blockquote would scan the rest
                    // of the quote once per nesting level, quadratic in `>>>>…`.
                    if let Some((kind, title, skip)) = self.callout(*github, &events[i + 1..], range) {
                        let end = find_end(events, i);
                        let rest = &events[i + 1 + skip..end];
                        let mut inner: Vec<(Event<'a>, Range<usize>)> = Vec::with_capacity(rest.len() + 1);
                        match rest.first() {
                            // The marker was a line of its own paragraph: drop the paragraph.
                            Some((Event::End(TagEnd::Paragraph), _)) if skip > 0 => {
                                inner.extend_from_slice(&rest[1..])
                            }
                            // The paragraph goes on after the marker's line.
                            _ if skip > 0 => {
                                inner.push((Event::Start(Tag::Paragraph), range.clone()));
                                inner.extend_from_slice(rest);
                            }
                            _ => inner.extend_from_slice(rest),
                        }
                        if kind.shape == Shape::PullQuote {
                            // Text after the marker starts the quote: back into the
                            // marker's paragraph, which `rest` closes or continues.
                            if let Some(title) = title {
                                inner.clear();
                                inner.push((Event::Start(Tag::Paragraph), range.clone()));
                                inner.push((Event::Text(CowStr::from(title)), range.clone()));
                                if !matches!(rest.first(), Some((Event::End(TagEnd::Paragraph), _))) {
                                    inner.push((Event::SoftBreak, range.clone()));
                                }
                                inner.extend_from_slice(rest);
                            }
                            self.pull_quote(&inner, out);
                            i = end + 1;
                            continue;
                        }
                        if kind.class == "key-judgment" {
                            inner = self.key_judgments(&inner);
                        }
                        let title = title.unwrap_or_else(|| kind.title.to_owned());
                        self.words += title.split_whitespace().count();
                        out.push(Event::Html(CowStr::from(format!(
                            "<div class=\"callout callout-{}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
                            kind.class,
                            escape_text(&title)
                        ))));
                        self.process(&inner, out, false);
                        out.push(Event::Html(CowStr::from("</div>\n")));
                        i = end + 1;
                        continue;
                    }
                    out.push(event.clone());
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let end = find_end(events, i);
                    // Each definition lists a back-link to every reference to its label,
                    // so repeated definitions would write references × definitions links.
                    if !self.footnote_labels.insert(label.to_string()) {
                        self.diagnostics.push(
                            Diagnostic::warning(format!(
                                "the footnote [^{label}] is defined more than once; the first definition is used"
                            ))
                            .at(self.location(self.doc.body_offset + range.start))
                            .hint("give each note a label of its own: [^1], [^2], …"),
                        );
                        i = end + 1;
                        continue;
                    }
                    let mut inner = Vec::new();
                    self.process(&events[i + 1..end], &mut inner, false);
                    self.footnote_definitions.push((label.to_string(), inner));
                    i = end + 1;
                    continue;
                }
                Event::FootnoteReference(label) if self.in_pullquote => {
                    self.diagnostics.push(
                        Diagnostic::warning(format!(
                            "the footnote reference [^{label}] in a pull quote is left out"
                        ))
                        .at(self.location(self.doc.body_offset + range.start))
                        .hint(PULLQUOTE_FOCUS_HINT),
                    );
                }
                Event::FootnoteReference(label) => {
                    if top {
                        self.footnote_ref_positions.push(out.len());
                    }
                    out.push(self.footnote_reference(label));
                }
                Event::Start(Tag::Image { dest_url, title, .. }) => {
                    let end = find_end(events, i);
                    let html = self.image(dest_url, title, &events[i + 1..end], range, true);
                    out.push(Event::InlineHtml(CowStr::from(html)));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Link {
                    link_type, dest_url, ..
                }) if self.in_pullquote => {
                    self.diagnostics.push(
                        Diagnostic::warning(format!(
                            "the link to `{dest_url}` in a pull quote is shown as plain text"
                        ))
                        .at(self.location(self.doc.body_offset + range.start))
                        .hint(PULLQUOTE_FOCUS_HINT),
                    );
                    if let LinkType::WikiLink { has_pothole: false } = link_type {
                        // `[[target]]` has no text of its own besides the target.
                        let end = find_end(events, i);
                        out.push(Event::Text(dest_url.clone()));
                        i = end + 1;
                        continue;
                    }
                    stripped_link_open = true;
                }
                Event::Start(Tag::Link {
                    link_type: LinkType::WikiLink { has_pothole },
                    dest_url,
                    title,
                    ..
                }) => {
                    let offset = self.doc.body_offset + range.start;
                    let (href, target_title) = self.wikilink(dest_url, offset);
                    let link = Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: CowStr::from(href),
                        title: title.clone(),
                        id: CowStr::from(""),
                    };
                    if *has_pothole {
                        out.push(Event::Start(link));
                        depth += 1;
                    } else {
                        // `[[security/kursk]]` shows the target's title, not its path.
                        let end = find_end(events, i);
                        let shown = target_title.unwrap_or_else(|| dest_url.to_string());
                        self.words += shown.split_whitespace().count();
                        self.text(&shown);
                        out.push(Event::Start(link));
                        out.push(Event::Text(CowStr::from(shown)));
                        out.push(Event::End(TagEnd::Link));
                        i = end + 1;
                        continue;
                    }
                }
                Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(CITE) => {
                    let end = find_end(events, i);
                    let offset = self.doc.body_offset + range.start;
                    self.citation(&dest_url[CITE.len()..], offset, out);
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    ..
                }) => {
                    let offset = self.doc.body_offset + range.start;
                    let (href, external) = self.link(*link_type, dest_url, offset);
                    if external && self.env.config_wants_external_attrs() {
                        external_open = true;
                        out.push(Event::Html(CowStr::from(external_link_open(
                            &href,
                            title,
                            self.env.config,
                        ))));
                    } else {
                        out.push(Event::Start(Tag::Link {
                            link_type: *link_type,
                            dest_url: CowStr::from(href),
                            title: title.clone(),
                            id: CowStr::from(""),
                        }));
                    }
                    depth += 1;
                }
                Event::End(TagEnd::Link) if stripped_link_open => {
                    stripped_link_open = false;
                }
                Event::End(TagEnd::Link) => {
                    depth = depth.saturating_sub(1);
                    if external_open {
                        external_open = false;
                        out.push(Event::Html(CowStr::from("</a>")));
                    } else {
                        out.push(Event::End(TagEnd::Link));
                    }
                }
                Event::Start(Tag::Table(_)) => {
                    // The wrapper scrolls a wide table by itself; it takes focus so the
                    // keyboard can scroll it, except in a pull quote, where nothing may.
                    out.push(Event::Html(CowStr::from(if self.in_pullquote {
                        "<div class=\"table-wrap\">"
                    } else {
                        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table\">"
                    })));
                    out.push(event.clone());
                    depth += 1;
                }
                Event::End(TagEnd::Table) => {
                    depth = depth.saturating_sub(1);
                    out.push(event.clone());
                    out.push(Event::Html(CowStr::from("</div>")));
                }
                Event::Html(html) | Event::InlineHtml(html) if top && html.trim() == MORE_MARKER => {
                    if self.summary_end.is_none() {
                        self.summary_end = Some(out.len());
                    }
                    out.push(Event::Html(CowStr::from("<span id=\"continue-reading\"></span>")));
                }
                Event::Html(html) if top && html.contains(MORE_MARKER) && self.summary_end.is_none() => {
                    self.summary_end = Some(out.len());
                    out.push(event.clone());
                }
                Event::Text(t) | Event::Code(t) => {
                    if !self.in_pullquote {
                        self.words += t.split_whitespace().count();
                    }
                    self.text(t);
                    out.push(event.clone());
                }
                // A task list's box is only a mark, but an unlabelled form control to
                // assistive technology: it says what it marks.
                Event::TaskListMarker(done) => out.push(Event::Html(CowStr::from(if *done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
                }))),
                Event::SoftBreak | Event::HardBreak => {
                    self.text(" ");
                    out.push(event.clone());
                }
                Event::Start(tag) => {
                    if matches!(tag, Tag::Paragraph | Tag::Item | Tag::TableCell) {
                        self.blocks.push(String::new());
                    }
                    depth += 1;
                    out.push(event.clone());
                }
                Event::End(end) => {
                    depth = depth.saturating_sub(1);
                    if matches!(end, TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) {
                        self.close_block();
                    }
                    out.push(event.clone());
                    if top && *end == TagEnd::Paragraph && depth == 0 && self.first_paragraph_end.is_none() {
                        self.first_paragraph_end = Some(out.len());
                    }
                }
                _ => out.push(event.clone()),
            }
            i += 1;
        }
    }

    /// `<img>` for an image's events (its `Start` excluded, through its alt text, to its
    /// `End` excluded), loaded lazily; `with_title` keeps the title as a tooltip (a
    /// figure shows it as the caption instead).
    fn image(
        &mut self,
        dest_url: &str,
        title: &str,
        alt_events: &[(Event<'a>, Range<usize>)],
        range: &Range<usize>,
        with_title: bool,
    ) -> String {
        let mut alt = String::new();
        for (e, _) in alt_events {
            match e {
                Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => alt.push_str(t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
        }
        // Screen readers read the alt text in place of the image.
        if alt.trim().is_empty() {
            self.diagnostics.push(
                Diagnostic::warning(format!("the image `{dest_url}` has no alt text"))
                    .at(self.location(self.doc.body_offset + range.start))
                    .hint(
                        "say what the image shows in the brackets: ![Map of the front near Kursk](map.png)",
                    ),
            );
        }
        if !self.in_pullquote {
            self.words += alt.split_whitespace().count();
        }
        self.text(&alt);
        let resolved = self.relative_to_page(dest_url);
        let path = resolved.split(['#', '?']).next().unwrap_or(&resolved).to_owned();
        self.local_ref(&path, true, self.doc.body_offset + range.start);
        let mut src = String::new();
        pulldown_cmark_escape::escape_href(&mut src, &resolved).ok();
        let mut html = format!("<img src=\"{src}\" alt=\"{}\"", escape_attr(&alt));
        if with_title && !title.is_empty() {
            html.push_str(&format!(" title=\"{}\"", escape_attr(title)));
        }
        html.push_str(" loading=\"lazy\" decoding=\"async\">");
        html
    }

    /// A paragraph that is only an image (and maybe a credit line) as a `<figure>`.
    fn figure(&mut self, inner: &[(Event<'a>, Range<usize>)], parts: figures::Parts) -> String {
        let image = &inner[parts.image.clone()];
        let (Event::Start(Tag::Image { dest_url, title, .. }), range) = &image[0] else {
            return String::new();
        };
        // A block of its own, so a link in the credit takes the figure's text as excerpt.
        self.blocks.push(String::new());
        let img = self.image(dest_url, title, &image[1..image.len() - 1], range, false);
        let caption = escape_text(title.trim());
        if !self.in_pullquote {
            self.words += title.split_whitespace().count();
        }
        self.text(" ");
        self.text(title);
        let credit = parts.credit.map(|credit| {
            self.text(" ");
            let mut events = Vec::new();
            self.process(&inner[credit], &mut events, false);
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, events.into_iter());
            html
        });
        self.close_block();
        let mut html = format!("<figure>\n{img}\n");
        if !caption.is_empty() || credit.is_some() {
            html.push_str("<figcaption>");
            html.push_str(&caption);
            if let Some(credit) = credit {
                if !caption.is_empty() {
                    html.push(' ');
                }
                html.push_str(&format!("<small class=\"credit\">{}</small>", credit.trim()));
            }
            html.push_str("</figcaption>\n");
        }
        html.push_str("</figure>\n");
        html
    }

    /// A citation (`@a, p. 4; @b`): checked against the bibliography and left as a
    /// placeholder until the page's citations are rendered together.
    fn citation(&mut self, spec: &str, offset: usize, out: &mut Vec<Event<'a>>) {
        use crate::model::sources::{Cite, locator};
        let mut cites = Vec::new();
        for part in spec.split(';') {
            let part = part.trim().trim_start_matches('@');
            let (key, at) = match part.split_once(',') {
                Some((key, at)) => (key.trim(), Some(locator(at))),
                None => (part.trim(), None),
            };
            let Some(sources) = self.env.sources else {
                if self.env.bibliography_failed {
                    return;
                }
                self.diagnostics.push(
                    Diagnostic::error(format!("the citation [@{key}] has no bibliography to refer to"))
                        .at(self.location(offset))
                        .hint("name one in config.toml: `[sources]` `bibliography = \"sources.yml\"` (a file under content/)"),
                );
                return;
            };
            if !sources.has(key) {
                let hint = match sources.closest(key) {
                    Some(near) => format!("did you mean `@{near}`?"),
                    None => "add the source to the bibliography, or correct the key".to_owned(),
                };
                self.diagnostics.push(
                    Diagnostic::error(format!("no source `{key}` in the bibliography"))
                        .at(self.location(offset))
                        .hint(hint),
                );
                continue;
            }
            cites.push(Cite {
                key: key.to_owned(),
                locator: at,
            });
        }
        if cites.is_empty() {
            return;
        }
        // Link excerpts leave citations out; the space before one would be left hanging
        // before the punctuation after it ("finished ." for "finished [@a].").
        if let Some(block) = self.blocks.last_mut() {
            block.truncate(block.trim_end().len());
        }
        out.push(Event::Html(CowStr::from(placeholder(self.citations.len()))));
        self.citations.push(cites);
    }

    /// Renders the page's citations into `content` (each a link to its first source,
    /// with its sources as a tooltip) and adds the list of sources, each with links back
    /// to where it is cited. Returns the rendered citations, for the summary.
    fn cite(&self, content: &mut String) -> Option<crate::model::sources::RenderedCitations> {
        let sources = self.env.sources?;
        if self.citations.is_empty() {
            return None;
        }
        let rendered = sources.render(&self.citations);
        // By key, and each source's citations, so that neither is a search per citation.
        let references: HashMap<&str, &Reference> = rendered
            .bibliography
            .iter()
            .map(|r| (r.key.as_str(), r))
            .collect();
        let reference = |key: &str| references.get(key).copied();
        let mut citing: HashMap<&str, Vec<usize>> = HashMap::new();
        for (n, cites) in self.citations.iter().enumerate() {
            for c in cites {
                let ns = citing.entry(c.key.as_str()).or_default();
                if ns.last() != Some(&n) {
                    ns.push(n);
                }
            }
        }
        *content = fill_placeholders(content, |n| {
            let cites = &self.citations[n];
            let tooltip: Vec<&str> = cites
                .iter()
                .filter_map(|c| reference(&c.key))
                .map(|r| r.text.as_str())
                .collect();
            format!(
                "<a class=\"citation\" id=\"cite-{}\" href=\"#ref-{}\" title=\"{}\">{}</a>",
                n + 1,
                slugify(&cites[0].key),
                escape_attr(&tooltip.join(" | ")),
                rendered.citations[n],
            )
        });
        content.push_str("<section class=\"sources\" aria-labelledby=\"cited-sources\">\n<h2 id=\"cited-sources\">Sources</h2>\n<ol class=\"source-list\">\n");
        for Reference { key, html, .. } in &rendered.bibliography {
            let backs: Vec<String> = citing
                .get(key.as_str())
                .into_iter()
                .flatten()
                .map(|n| {
                    format!(
                        "<a class=\"cite-back\" href=\"#cite-{0}\" aria-label=\"Back to citation {0}\">↩</a>",
                        n + 1
                    )
                })
                .collect();
            content.push_str(&format!(
                "<li id=\"ref-{}\">{html} {}</li>\n",
                slugify(key),
                backs.join(" ")
            ));
        }
        content.push_str("</ol>\n</section>\n");
        Some(rendered)
    }

    /// Marks the judgments of a key-judgment callout (see `parse::judgments`) and keeps
    /// them; a confidence that names no level is an error.
    fn key_judgments(&mut self, inner: &[(Event<'a>, Range<usize>)]) -> Vec<(Event<'a>, Range<usize>)> {
        use crate::parse::judgments::{LEVELS, mark};
        let marked = mark(inner, self.judgments.len());
        self.judgments.extend(marked.judgments);
        for u in marked.unknown {
            let levels = LEVELS.iter().map(|(name, _)| *name);
            // "Medium" is the usual slip, too far from "moderate" to be guessed by spelling.
            let near =
                crate::diagnostic::closest(&u.word, levels).or((u.word == "medium").then_some("moderate"));
            let hint = match near {
                Some(near) => format!("did you mean `{near}`? Confidence is low, moderate or high"),
                None => "confidence is low, moderate or high: `**High confidence:** …`".to_owned(),
            };
            self.diagnostics.push(
                Diagnostic::error(format!("unknown confidence level `{}`", u.word))
                    .at(self.location(self.doc.body_offset + u.at.start))
                    .hint(hint),
            );
        }
        marked.events
    }

    fn pull_quote(&mut self, inner: &[(Event<'a>, Range<usize>)], out: &mut Vec<Event<'a>>) {
        out.push(Event::Html(CowStr::from(
            "<aside class=\"pullquote\" aria-hidden=\"true\">\n",
        )));
        let outer = std::mem::replace(&mut self.in_pullquote, true);
        self.process(inner, out, false);
        self.in_pullquote = outer;
        out.push(Event::Html(CowStr::from("</aside>\n")));
    }

    /// Adds text to the innermost open block, for link excerpts.
    fn text(&mut self, text: &str) {
        if let Some(block) = self.blocks.last_mut() {
            block.push_str(text);
        }
    }

    /// Closes the innermost block: links inside it get their excerpt, and its text
    /// becomes part of the enclosing block.
    fn close_block(&mut self) {
        let Some(text) = self.blocks.pop() else { return };
        let depth = self.blocks.len() + 1;
        let mut k = 0;
        while k < self.pending.len() {
            let (link, link_depth, offset) = self.pending[k];
            if link_depth == depth {
                self.links[link].excerpt = excerpt_around(&text, offset);
                self.pending.swap_remove(k);
            } else {
                k += 1;
            }
        }
        let outer = match self.blocks.last_mut() {
            Some(parent) => parent,
            None => &mut self.text,
        };
        if !outer.is_empty() && !outer.ends_with(' ') {
            outer.push(' ');
        }
        outer.push_str(&text);
    }

    /// Records a resolved link to another document; its excerpt comes when its block ends.
    fn record_link(&mut self, target: &str, kind: LinkKind) {
        if target == self.doc.content_path {
            return;
        }
        if let Some(block) = self.blocks.last() {
            self.pending
                .push((self.links.len(), self.blocks.len(), block.len()));
        }
        self.links.push(OutLink {
            target: target.to_owned(),
            kind,
            excerpt: String::new(),
        });
    }

    fn unique_id(&mut self, wanted: String) -> String {
        let base = if wanted.is_empty() {
            "section".to_owned()
        } else {
            wanted
        };
        if self.ids.insert(base.clone()) {
            return base;
        }
        // Counting on from the last suffix this base took, not from 1: a thousand headings
        // with the same text would otherwise try every taken suffix each time.
        let n = self.id_suffixes.entry(base.clone()).or_insert(0);
        loop {
            *n += 1;
            let id = format!("{base}-{n}");
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    fn heading(
        &mut self,
        level: u8,
        custom_id: Option<&str>,
        inner: &[(Event<'a>, Range<usize>)],
    ) -> Event<'a> {
        // A heading is a block of its own: links in it take the heading as excerpt.
        self.blocks.push(String::new());
        let mut processed = Vec::new();
        self.process(inner, &mut processed, false);
        let text = self
            .blocks
            .last()
            .map(|b| b.trim().to_owned())
            .unwrap_or_default();
        self.close_block();
        let mut inner_html = String::new();
        pulldown_cmark::html::push_html(&mut inner_html, processed.into_iter());
        if self.in_pullquote {
            // Hidden from screen readers: no anchor to focus, no entry in the contents.
            return Event::Html(CowStr::from(format!("<h{level}>{inner_html}</h{level}>\n")));
        }
        let id = match custom_id {
            Some(id) => self.unique_id(id.to_owned()),
            None => self.unique_id(slugify(&text)),
        };
        let id_attr = escape_attr(&id);
        // Anchors carry the page's path so they also work in a summary on a list page.
        let href = format!("{}#{id_attr}", escape_attr(self.doc.url_path));
        let anchor = format!(
            "<a class=\"heading-anchor\" href=\"{href}\" aria-label=\"Link to this section: {}\">#</a>",
            escape_attr(&text)
        );
        let html = match self.doc.anchors {
            AnchorLinks::None => format!("<h{level} id=\"{id_attr}\">{inner_html}</h{level}>\n"),
            AnchorLinks::Left => {
                format!("<h{level} id=\"{id_attr}\">{anchor} {inner_html}</h{level}>\n")
            }
            AnchorLinks::Right => {
                format!("<h{level} id=\"{id_attr}\">{inner_html} {anchor}</h{level}>\n")
            }
            AnchorLinks::Heading => {
                format!(
                    "<h{level} id=\"{id_attr}\"><a class=\"heading-link\" href=\"{href}\">{inner_html}</a></h{level}>\n"
                )
            }
        };
        self.headings.push(Heading {
            level,
            permalink: format!("{}#{}", self.doc.permalink, id),
            id,
            title: text,
            children: Vec::new(),
        });
        Event::Html(CowStr::from(html))
    }

    fn footnote_reference(&mut self, label: &str) -> Event<'a> {
        let next = self.footnote_numbers.len() + 1;
        let number = *self.footnote_numbers.entry(label.to_owned()).or_insert(next);
        let count = self.footnote_ref_counts.entry(label.to_owned()).or_insert(0);
        *count += 1;
        let slug = footnote_slug(label);
        let ref_id = if *count == 1 {
            format!("fnref-{slug}")
        } else {
            format!("fnref-{slug}-{count}")
        };
        Event::Html(CowStr::from(format!(
            "<sup class=\"footnote-ref\" id=\"{ref_id}\"><a href=\"#fn-{slug}\" role=\"doc-noteref\" aria-label=\"Footnote {number}\">{number}</a></sup>"
        )))
    }

    fn push_footnotes(&mut self, out: &mut String) {
        if self.footnote_definitions.is_empty() {
            return;
        }
        let mut defs = std::mem::take(&mut self.footnote_definitions);
        let unreferenced = self.footnote_numbers.len();
        defs.sort_by_key(|(label, _)| {
            self.footnote_numbers
                .get(label)
                .copied()
                .unwrap_or(unreferenced + 1)
        });
        out.push_str("<section class=\"footnotes\" role=\"doc-endnotes\" aria-label=\"Footnotes\">\n<ol>\n");
        for (label, events) in defs {
            let slug = footnote_slug(&label);
            out.push_str(&format!("<li id=\"fn-{slug}\">"));
            pulldown_cmark::html::push_html(out, events.into_iter());
            let refs = self.footnote_ref_counts.get(&label).copied().unwrap_or(0);
            for n in 1..=refs {
                let ref_id = if n == 1 {
                    format!("fnref-{slug}")
                } else {
                    format!("fnref-{slug}-{n}")
                };
                out.push_str(&format!(
                    " <a href=\"#{ref_id}\" class=\"footnote-backref\" role=\"doc-backlink\" aria-label=\"Back to reference\">↩</a>"
                ));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n</section>\n");
    }

    /// Resolves a link's destination; returns the href and whether it points off-site.
    fn link(&mut self, link_type: LinkType, dest: &str, offset: usize) -> (String, bool) {
        if matches!(link_type, LinkType::Email) || dest.starts_with("mailto:") {
            return (dest.to_owned(), false);
        }
        if let Some(target) = dest.strip_prefix("@/") {
            return (self.internal(target, offset), false);
        }
        let external = dest.contains("://") || dest.starts_with("//");
        if external {
            return (dest.to_owned(), true);
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            if !anchor.is_empty() {
                self.anchor_refs.push(AnchorRef {
                    target: self.doc.content_path.to_owned(),
                    anchor: anchor.to_owned(),
                    location: self.location(offset),
                });
            }
            // With the page's path, so the link still works in a summary on a list page.
            return (format!("{}{dest}", self.doc.url_path), false);
        }
        let (path_part, _) = dest.split_once('#').unwrap_or((dest, ""));
        if path_part.ends_with(".md") && !dest.starts_with('/') {
            let base = parent_dir(self.doc.content_path);
            let joined = normalize(&format!("{base}{dest}"));
            return (self.internal(&joined, offset), false);
        }
        let href = self.relative_to_page(dest);
        // A plain URL of a page on this site (`/security/kursk/`) is a link to it too,
        // for backlinks and the graph.
        let url = href.split(['#', '?']).next().unwrap_or(&href);
        if let Some(target) = self.env.paths.get(url) {
            let target = target.clone();
            self.record_link(&target, LinkKind::Link);
        } else {
            self.local_ref(url, false, offset);
        }
        (href, false)
    }

    /// Remembers a root-relative URL path for the check against the site's outputs.
    fn local_ref(&mut self, url: &str, image: bool, offset: usize) {
        if url.starts_with('/') && !url.starts_with("//") {
            self.local_refs.push(LocalRef {
                url: url.to_owned(),
                image,
                location: self.location(offset),
            });
        }
    }

    /// `data.csv` in `/reports/annual/` → `/reports/annual/data.csv`. Absolute paths, URLs
    /// with a scheme and fragments are left as they are.
    fn relative_to_page(&self, dest: &str) -> String {
        let has_scheme = dest
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'));
        if dest.is_empty() || has_scheme || dest.starts_with(['/', '#', '?']) {
            return dest.to_owned();
        }
        let (path, rest) = match dest.find(['#', '?']) {
            Some(i) => dest.split_at(i),
            None => (dest, ""),
        };
        let joined = normalize(&format!("{}{path}", self.doc.url_path));
        let slash = if path.ends_with('/') && !joined.is_empty() {
            "/"
        } else {
            ""
        };
        format!("/{joined}{slash}{rest}")
    }

    /// Resolves `security/kursk.md#heading` to its URL, reporting a missing target.
    fn internal(&mut self, target: &str, offset: usize) -> String {
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target, None),
        };
        let path = path.trim_start_matches('/');
        let Some(url) = self.env.urls.get(path) else {
            if self.env.broken.contains(path) {
                return String::from("#");
            }
            if self.env.drafts.contains_key(path) {
                self.draft_error(path, offset);
                return String::from("#");
            }
            let hint = closest(path, self.env.urls.keys().map(String::as_str))
                .map(|c| format!("did you mean `@/{c}`?"))
                .unwrap_or_else(|| {
                    "internal links name a file under content/, such as `@/section/page.md`".to_owned()
                });
            self.diagnostics.push(
                Diagnostic::error(format!("link to a missing page `{target}`"))
                    .at(self.location(offset))
                    .hint(hint),
            );
            return String::from("#");
        };
        let url = url.clone();
        if !self.check_rendered(path, offset) {
            return String::from("#");
        }
        self.record_link(path, LinkKind::Link);
        match anchor {
            Some(a) if !a.is_empty() => {
                self.anchor_refs.push(AnchorRef {
                    target: path.to_owned(),
                    anchor: a.to_owned(),
                    location: self.location(offset),
                });
                format!("{url}#{a}")
            }
            _ => url,
        }
    }

    /// Whether `path` has a page of its own; a link to one with `render = false` is an error.
    fn check_rendered(&mut self, path: &str, offset: usize) -> bool {
        if !self.env.unrendered.contains(path) {
            return true;
        }
        self.diagnostics.push(
            Diagnostic::error(format!(
                "link to `{path}`, which has `render = false` and so no page"
            ))
            .at(self.location(offset))
            .hint("remove the link, or remove `render = false` from that file"),
        );
        false
    }

    fn draft_error(&mut self, path: &str, offset: usize) {
        self.diagnostics.push(
            Diagnostic::error(format!(
                "link to `{path}`, which is a draft and is left out of this build"
            ))
            .at(self.location(offset))
            .hint("publish it (`draft = false`), remove the link, or build with `--drafts`"),
        );
    }

    /// Resolves `[[target#heading]]`; returns the href and the target's title.
    fn wikilink(&mut self, dest: &str, offset: usize) -> (String, Option<String>) {
        let (target, fragment) = match dest.split_once('#') {
            Some((t, f)) => (t.trim(), Some(f.trim())),
            None => (dest.trim(), None),
        };
        let anchor = fragment.filter(|f| !f.is_empty()).map(|f| {
            let id = slugify(f);
            if id.is_empty() { f.to_owned() } else { id }
        });
        if target.is_empty() {
            // `[[#Heading]]`: a heading of this page.
            let Some(anchor) = anchor else {
                return ("#".to_owned(), None);
            };
            self.anchor_refs.push(AnchorRef {
                target: self.doc.content_path.to_owned(),
                anchor: anchor.clone(),
                location: self.location(offset),
            });
            return (
                format!("{}#{anchor}", self.doc.url_path),
                fragment.map(str::to_owned),
            );
        }
        let path = match self.env.wiki.resolve(target) {
            Ok(path) => path,
            Err(err) => {
                self.wikilink_error(target, err, offset);
                return ("#".to_owned(), None);
            }
        };
        let Some(url) = self.env.urls.get(&path).cloned() else {
            if self.env.drafts.contains_key(&path) {
                self.draft_error(&path, offset);
            }
            return ("#".to_owned(), None);
        };
        if !self.check_rendered(&path, offset) {
            return ("#".to_owned(), None);
        }
        self.record_link(&path, LinkKind::Wikilink);
        let title = self.env.wiki.title(&path).map(str::to_owned);
        match anchor {
            Some(a) => {
                self.anchor_refs.push(AnchorRef {
                    target: path,
                    anchor: a.clone(),
                    location: self.location(offset),
                });
                (format!("{url}#{a}"), title)
            }
            None => (url, title),
        }
    }

    fn wikilink_error(&mut self, target: &str, err: WikiError, offset: usize) {
        let quoted = |list: &[String]| {
            list.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let diagnostic = match err {
            WikiError::Ambiguous(candidates) => Diagnostic::error(format!(
                "the wikilink [[{target}]] matches {} pages",
                candidates.len()
            ))
            .hint(format!("name one by its path: {}", quoted(&candidates))),
            WikiError::Missing(candidates) => {
                // A file that failed to parse reports its own error; this one would only
                // follow from it.
                let names_broken = |path: &String| {
                    let path = path.trim_end_matches(".md").trim_end_matches("/index");
                    path == target || path.rsplit('/').next() == Some(target)
                };
                if self.env.broken.iter().any(names_broken) {
                    return;
                }
                if let Some((path, _)) = self.env.drafts.iter().find(|(p, title)| {
                    p.trim_end_matches(".md") == target || title.eq_ignore_ascii_case(target)
                }) {
                    let path = path.clone();
                    self.draft_error(&path, offset);
                    return;
                }
                let hint = if candidates.is_empty() {
                    "a wikilink names a page by title, path (`section/page`) or slug".to_owned()
                } else {
                    format!("did you mean {}?", quoted(&candidates).replace(", ", " or "))
                };
                Diagnostic::error(format!("the wikilink [[{target}]] matches no page")).hint(hint)
            }
        };
        self.diagnostics.push(diagnostic.at(self.location(offset)));
    }

    /// The callout a blockquote is, if any: its kind, its title and how many of its inner
    /// events the marker takes. An unknown `[!KIND]` is reported and left a blockquote.
    /// `after` is the events after the blockquote's start; only its first line is read.
    fn callout(
        &mut self,
        github: Option<pulldown_cmark::BlockQuoteKind>,
        after: &[(Event<'a>, Range<usize>)],
        range: &Range<usize>,
    ) -> Option<(callouts::Kind, Option<String>, usize)> {
        if let Some(kind) = github {
            return Some((callouts::from_github(kind), None, 0));
        }
        let marker = callouts::marker(after.iter().map(|(e, _)| e))?;
        match callouts::kind_named(&marker.name) {
            Some(kind) => Some((kind, marker.title, marker.events)),
            None => {
                let names = callouts::KINDS.iter().map(|(n, _)| *n);
                let hint = match closest(&marker.name.to_lowercase(), names) {
                    Some(c) => format!("did you mean `[!{}]`?", c.to_uppercase()),
                    None => format!(
                        "callouts are {}",
                        callouts::KINDS
                            .iter()
                            .map(|(n, _)| format!("[!{}]", n.to_uppercase()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                self.diagnostics.push(
                    Diagnostic::error(format!("unknown callout `[!{}]`", marker.name))
                        .at(self.location(self.doc.body_offset + range.start))
                        .hint(hint),
                );
                None
            }
        }
    }

    fn location(&self, body_offset: usize) -> Location {
        self.lines.location(self.doc.display_path, body_offset)
    }
}

fn external_link_open(href: &str, title: &str, config: &MarkdownConfig) -> String {
    let mut rel = Vec::new();
    if config.external_links_target_blank {
        rel.push("noopener");
    }
    if config.external_links_no_follow {
        rel.push("nofollow");
    }
    if config.external_links_no_referrer {
        rel.push("noreferrer");
    }
    // escape_href leaves nothing to escape again: `&` is `&amp;` already, quotes and
    // angle brackets are percent-encoded.
    let mut href_escaped = String::new();
    pulldown_cmark_escape::escape_href(&mut href_escaped, href).ok();
    let mut html = format!("<a href=\"{href_escaped}\"");
    if !title.is_empty() {
        html.push_str(&format!(" title=\"{}\"", escape_attr(title)));
    }
    if !rel.is_empty() {
        html.push_str(&format!(" rel=\"{}\"", rel.join(" ")));
    }
    if config.external_links_target_blank {
        html.push_str(" target=\"_blank\"");
    }
    html.push('>');
    html
}

fn footnote_slug(label: &str) -> String {
    let s = slugify(label);
    if s.is_empty() {
        escape_text(label).replace(' ', "-")
    } else {
        s
    }
}

/// The sentence around `offset` in a block's text, or the whole block when it is short;
/// at most about 300 characters, whitespace collapsed. The sentence's ends are looked
/// for only so far from the link (`REACH`): a block is one paragraph, but a paragraph may
/// be a megabyte with a link every few words, and searching the whole block for each link
/// would cost its length per link. Without a sentence break in reach, the excerpt starts
/// a little before the link, marked with "…".
fn excerpt_around(text: &str, offset: usize) -> String {
    const SHORT: usize = 300;
    const REACH: usize = 4 * SHORT;
    let offset = floor(text, offset.min(text.len()));
    let mut start = 0;
    let mut end = text.len();
    let mut lead = "";
    if text.chars().nth(SHORT).is_some() {
        let from = floor(text, offset.saturating_sub(REACH));
        let before = &text[from..offset];
        start = [". ", "? ", "! ", "; "]
            .iter()
            .filter_map(|p| before.rfind(p).map(|i| from + i + p.len()))
            .max()
            .unwrap_or(from);
        if start == from && from > 0 {
            // No sentence start in reach: begin at a word a little before the link.
            let near = floor(text, offset.saturating_sub(SHORT / 2)).max(from);
            start = text[near..offset].find(' ').map_or(near, |i| near + i + 1);
            lead = "…";
        }
        let after = offset.max(start);
        let to = ceil(text, (after + REACH).min(text.len()));
        end = [". ", "? ", "! "]
            .iter()
            .filter_map(|p| text[after..to].find(p).map(|i| after + i + 1))
            .min()
            .unwrap_or(to);
    }
    let sentence: String = text[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
    if sentence.chars().nth(SHORT).is_none() {
        return format!("{lead}{sentence}");
    }
    let cut: String = sentence.chars().take(SHORT).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{lead}{cut}…")
}

fn ceil(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `security/kursk.md` → `security/`; `economy/bundle/index.md` → `economy/bundle/`.
fn parent_dir(content_path: &str) -> &str {
    content_path.rfind('/').map_or("", |i| &content_path[..=i])
}

/// Folds `a/./b/../c.md` into `a/c.md`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn render_str(body: &str) -> Rendered {
        let config = MarkdownConfig::default();
        let highlighter = Highlighter::new(true);
        let mut urls = HashMap::new();
        urls.insert("security/kursk.md".to_owned(), "/security/kursk/".to_owned());
        let broken = HashSet::new();
        let drafts = HashMap::from([("security/draft.md".to_owned(), "Draft".to_owned())]);
        let mut wiki = WikiIndex::default();
        wiki.add("security/kursk.md", "Kursk deployment", "kursk");
        wiki.finish();
        let paths: HashMap<String, String> = urls.iter().map(|(k, v)| (v.clone(), k.clone())).collect();
        let unrendered = HashSet::from(["security/hidden.md".to_owned()]);
        urls.insert("security/hidden.md".to_owned(), "/security/hidden/".to_owned());
        let env = Env {
            config: &config,
            highlighter: &highlighter,
            urls: &urls,
            broken: &broken,
            drafts: &drafts,
            wiki: &wiki,
            paths: &paths,
            unrendered: &unrendered,
            sources: None,
            bibliography_failed: false,
        };
        let doc = Doc {
            display_path: Path::new("content/a.md"),
            text: body,
            body,
            body_offset: 0,
            content_path: "economy/a.md",
            permalink: "https://x.org/economy/a/",
            url_path: "/economy/a/",
            anchors: AnchorLinks::Right,
        };
        render(&doc, &env)
    }

    #[test]
    fn headings_get_unique_ids_and_custom_ids_win() {
        let r = render_str("## Troops at Kursk\n\n## Troops at Kursk\n\n## Scenarios {#scenarios}\n");
        assert!(r.content.contains("<h2 id=\"troops-at-kursk\">"), "{}", r.content);
        assert!(r.content.contains("<h2 id=\"troops-at-kursk-1\">"));
        assert!(r.content.contains("<h2 id=\"scenarios\">"));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[2].permalink, "https://x.org/economy/a/#scenarios");
    }

    #[test]
    fn toc_nests_by_level() {
        let r = render_str("## A\n\n### A1\n\n### A2\n\n## B\n");
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children.len(), 2);
    }

    #[test]
    fn footnotes_are_numbered_with_backlinks() {
        let r = render_str("One[^b] two[^a].\n\n[^a]: First def.\n[^b]: Second def.\n");
        let c = &r.content;
        assert!(
            c.contains("href=\"#fn-b\" role=\"doc-noteref\" aria-label=\"Footnote 1\">1</a>"),
            "{c}"
        );
        assert!(
            c.contains("href=\"#fn-a\" role=\"doc-noteref\" aria-label=\"Footnote 2\">2</a>"),
            "{c}"
        );
        // Listed in order of first reference, each pointing back.
        let b = c.find("id=\"fn-b\"").unwrap();
        let a = c.find("id=\"fn-a\"").unwrap();
        assert!(b < a);
        assert!(c.contains("href=\"#fnref-a\""));
    }

    #[test]
    fn internal_links_resolve_and_missing_ones_are_errors() {
        let r = render_str("See [k](@/security/kursk.md#scenarios) and [m](@/security/kurks.md).\n");
        assert!(
            r.content.contains("href=\"/security/kursk/#scenarios\""),
            "{}",
            r.content
        );
        assert_eq!(r.anchor_refs.len(), 1);
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(
            r.diagnostics[0].hint.as_deref(),
            Some("did you mean `@/security/kursk.md`?")
        );
        assert_eq!(r.diagnostics[0].location.as_ref().unwrap().line, Some(1));
    }

    #[test]
    fn relative_links_are_made_absolute_so_summaries_work_elsewhere() {
        let r = render_str(
            "[d](data.csv) ![c](img/chart.png) [u](../b/) [x](https://a.org/y) [m](mailto:a@b.c)\n",
        );
        let c = &r.content;
        assert!(c.contains("href=\"/economy/a/data.csv\""), "{c}");
        assert!(c.contains("src=\"/economy/a/img/chart.png\""), "{c}");
        assert!(c.contains("href=\"/economy/b/\""), "{c}");
        assert!(c.contains("href=\"https://a.org/y\""), "{c}");
        assert!(c.contains("href=\"mailto:a@b.c\""), "{c}");
    }

    #[test]
    fn summaries_leave_out_footnote_references() {
        let r = render_str("Claim.[^1]\n\n[^1]: Source.\n");
        assert!(!r.summary.unwrap().contains("fn-1"));
        assert!(r.content.contains("fn-1"));
    }

    #[test]
    fn wikilinks_resolve_and_show_titles() {
        let r = render_str("See [[security/kursk]] and [[Kursk deployment#Battle Plans|the plans]].\n");
        let c = &r.content;
        assert!(
            c.contains("<a href=\"/security/kursk/\">Kursk deployment</a>"),
            "{c}"
        );
        assert!(
            c.contains("<a href=\"/security/kursk/#battle-plans\">the plans</a>"),
            "{c}"
        );
        assert_eq!(r.anchor_refs[0].anchor, "battle-plans");
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[0].kind, LinkKind::Wikilink);
        let r = render_str("[[Kursk deploymnt]]\n");
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(
            r.diagnostics[0].hint.as_deref(),
            Some("did you mean `Kursk deployment`?")
        );
    }

    #[test]
    fn plain_site_urls_count_as_links() {
        let r = render_str("[k](/security/kursk/#x) [n](/nowhere/)\n");
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.links[0].target, "security/kursk.md");
    }

    #[test]
    fn links_to_unrendered_pages_are_errors() {
        let r = render_str("[h](@/security/hidden.md)\n");
        assert_eq!(r.diagnostics.len(), 1);
        assert!(r.diagnostics[0].message.contains("render = false"));
    }

    #[test]
    fn links_to_drafts_are_errors() {
        let r = render_str("[d](@/security/draft.md) and [[Draft]]\n");
        assert_eq!(r.diagnostics.len(), 2, "{:?}", r.diagnostics);
        assert!(r.diagnostics[0].message.contains("draft"));
    }

    #[test]
    fn links_carry_the_sentence_around_them() {
        let long = "Filler words here. ".repeat(20);
        let r = render_str(&format!(
            "{long}The key point is [this](@/security/kursk.md) one. More filler after.\n\n- item with [[Kursk deployment]]\n"
        ));
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[0].excerpt, "The key point is this one.");
        assert_eq!(r.links[1].excerpt, "item with Kursk deployment");
    }

    #[test]
    fn excerpts_in_a_long_paragraph_stay_near_their_link() {
        // One paragraph without sentences: each excerpt is the words before and after its
        // link, not the paragraph's start (which would cost the paragraph's length each).
        let body: String = (0..400).map(|i| format!("w{i} [[Kursk deployment]] ")).collect();
        let r = render_str(&body);
        assert_eq!(r.links.len(), 400);
        let last = &r.links[399].excerpt;
        assert!(
            last.starts_with('…') && last.contains("w399 Kursk deployment"),
            "{last}"
        );
        assert!(last.chars().count() <= 302, "{last}");
        assert!(r.links[0].excerpt.starts_with("w0 Kursk deployment"));
    }

    #[test]
    fn a_footnote_defined_twice_keeps_its_first_definition() {
        let r = render_str("A[^n] b[^n].\n\n[^n]: First.\n\n[^n]: Second.\n");
        assert!(r.content.contains("First."), "{}", r.content);
        assert!(!r.content.contains("Second."), "{}", r.content);
        assert_eq!(r.content.matches("footnote-backref").count(), 2);
        assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
        assert!(!r.diagnostics[0].is_error());
        assert_eq!(r.diagnostics[0].location.as_ref().unwrap().line, Some(5));
    }

    #[test]
    fn many_headings_with_one_text_count_on() {
        let r = render_str(&"## Same\n\n## Same-2\n\n".repeat(3));
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            ["same", "same-2", "same-1", "same-2-1", "same-3", "same-2-2"]
        );
    }

    #[test]
    fn links_in_headings_and_footnotes_resolve() {
        let r = render_str(
            "## About [k](@/security/kursk.md)\n\nText.[^1]\n\n[^1]: See [k](@/security/kursk.md).\n",
        );
        assert!(!r.content.contains("@/"), "{}", r.content);
        assert_eq!(r.toc[0].title, "About k");
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[0].excerpt, "About k");
    }

    #[test]
    fn relative_md_links_resolve() {
        let r = render_str("[k](../security/kursk.md)\n");
        assert!(r.content.contains("href=\"/security/kursk/\""), "{}", r.content);
    }

    #[test]
    fn summary_stops_at_more_marker_or_first_paragraph() {
        let r = render_str("First.\n\nSecond.\n\n<!-- more -->\n\nThird.\n");
        let s = r.summary.unwrap();
        assert!(s.contains("Second.") && !s.contains("Third."), "{s}");
        let r = render_str("First.\n\nSecond.\n");
        let s = r.summary.unwrap();
        assert!(s.contains("First.") && !s.contains("Second."), "{s}");
    }

    #[test]
    fn tables_scroll_and_words_count() {
        let r = render_str("| a | b |\n|---|---|\n| 1 | 2 |\n\nfour words are here\n");
        assert!(r.content.contains("<div class=\"table-wrap\""));
        assert_eq!(r.word_count, 8);
    }

    #[test]
    fn smart_punctuation_and_strikethrough() {
        let r = render_str("\"quoted\" -- ~~gone~~\n");
        assert!(r.content.contains("“quoted”"), "{}", r.content);
        assert!(r.content.contains("<del>gone</del>"));
    }

    #[test]
    fn callouts_from_github_markers_and_dossier_kinds() {
        let r = render_str("> [!NOTE]\n> Watch the **rail** links.\n");
        assert!(
            r.content.contains(
                "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Note</p>"
            ),
            "{}",
            r.content
        );
        assert!(
            r.content
                .contains("<p>Watch the <strong>rail</strong> links.</p>\n</div>"),
            "{}",
            r.content
        );
        assert!(!r.content.contains("blockquote"));

        let r = render_str(
            "> [!KEY JUDGMENT] Troop numbers\n> We assess that [the brief](@/security/kursk.md) holds.\n",
        );
        assert!(r.content.contains("callout-key-judgment"), "{}", r.content);
        assert!(
            r.content.contains("<p class=\"callout-title\">Troop numbers</p>"),
            "{}",
            r.content
        );
        assert!(
            r.content
                .contains("<p><span class=\"judgment-anchor\" id=\"judgment-1\"></span>We assess that <a href=\"/security/kursk/\">the brief</a> holds.</p>"),
            "{}",
            r.content
        );
        assert!(!r.content.contains("[!"), "{}", r.content);
        // Links inside a callout are links of the page.
        assert_eq!(r.links.len(), 1);

        let r = render_str("> [!assessment]\n>\n> Two <b>paragraphs</b>.\n>\n> Second.\n");
        assert!(
            r.content
                .contains("<p class=\"callout-title\">Assessment</p>\n<p>Two"),
            "{}",
            r.content
        );

        // A plain quote stays a quote.
        let r = render_str("> Not a callout.\n");
        assert!(r.content.contains("<blockquote>"), "{}", r.content);
    }

    #[test]
    fn an_unknown_callout_is_an_error_with_a_suggestion() {
        let r = render_str("Intro.\n\n> [!KEY JUDGEMNT]\n> Text.\n");
        let d = r.diagnostics.first().expect("an error");
        assert!(
            d.message.contains("unknown callout `[!KEY JUDGEMNT]`"),
            "{}",
            d.message
        );
        assert_eq!(d.hint.as_deref(), Some("did you mean `[!KEY JUDGEMENT]`?"));
        assert_eq!(d.location.as_ref().unwrap().line, Some(3));
    }

    #[test]
    fn an_image_alone_in_its_paragraph_is_a_figure_with_caption_and_credit() {
        let r = render_str(
            "![Reported estimates, by source](chart.svg \"Estimates rose through October\")\n*Credit: [NIS](@/security/kursk.md) and US officials*\n",
        );
        assert_eq!(
            r.content,
            "<figure>\n<img src=\"/economy/a/chart.svg\" alt=\"Reported estimates, by source\" loading=\"lazy\" decoding=\"async\">\n\
             <figcaption>Estimates rose through October <small class=\"credit\">Credit: <a href=\"/security/kursk/\">NIS</a> and US officials</small></figcaption>\n</figure>\n"
        );
        // The credit's link is a link of the page, with the figure's text around it.
        assert_eq!(r.links.len(), 1);
        assert!(r.links[0].excerpt.contains("Estimates rose"), "{:?}", r.links);

        let r = render_str("![A map](map.png)\n");
        assert!(r.content.starts_with("<figure>\n<img"), "{}", r.content);
        assert!(!r.content.contains("figcaption"), "{}", r.content);

        let r = render_str("![A map](map.png)\n_Source: ISW_\n");
        assert!(
            r.content
                .contains("<figcaption><small class=\"credit\">Source: ISW</small></figcaption>"),
            "{}",
            r.content
        );
    }

    #[test]
    fn images_among_text_stay_inline_and_load_lazily() {
        let r = render_str(
            "See ![the map](map.png \"Front line\") here.\n\n![A map](map.png)\n*Photo: someone*\n",
        );
        assert!(
            r.content.contains(
                "<p>See <img src=\"/economy/a/map.png\" alt=\"the map\" title=\"Front line\" loading=\"lazy\" decoding=\"async\"> here.</p>"
            ),
            "{}",
            r.content
        );
        // Not a credit line, so not a figure.
        assert!(!r.content.contains("<figure>"), "{}", r.content);
        assert!(r.content.contains("<em>Photo: someone</em>"), "{}", r.content);
    }

    #[test]
    fn pull_quotes_are_hidden_from_screen_readers_and_hold_nothing_focusable() {
        let r = render_str("Words one two.\n\n> [!PULLQUOTE]\n> The *political* effect is large.\n");
        assert_eq!(
            r.content,
            "<p>Words one two.</p>\n<aside class=\"pullquote\" aria-hidden=\"true\">\n<p>The <em>political</em> effect is large.</p>\n</aside>\n"
        );
        // The quote repeats the article: its words are not counted again.
        assert_eq!(r.word_count, 3);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);

        // Text after the marker starts the quote.
        let r = render_str("> [!pull-quote] The political effect\n> is large.\n");
        assert!(
            r.content.contains("<p>The political effect\nis large.</p>"),
            "{}",
            r.content
        );
        let r = render_str("> [!PULLQUOTE] Short.\n");
        assert!(r.content.contains("<p>Short.</p>\n</aside>"), "{}", r.content);

        let r = render_str(
            "> [!PULLQUOTE]\n> See [the brief](@/security/kursk.md), [[Kursk deployment]] and <https://a.org>.[^1]\n>\n> ## Heading\n\n[^1]: Note.\n",
        );
        assert!(!r.content.contains("<a "), "{}", r.content);
        assert!(
            r.content
                .contains("<p>See the brief, Kursk deployment and https://a.org.</p>"),
            "{}",
            r.content
        );
        assert!(r.content.contains("<h2>Heading</h2>"), "{}", r.content);
        assert!(r.toc.is_empty());
        assert!(r.links.is_empty(), "{:?}", r.links);
        let warnings: Vec<&str> = r.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            warnings,
            [
                "the link to `@/security/kursk.md` in a pull quote is shown as plain text",
                "the link to `Kursk deployment` in a pull quote is shown as plain text",
                "the link to `https://a.org` in a pull quote is shown as plain text",
                "the footnote reference [^1] in a pull quote is left out",
            ]
        );
        assert!(r.diagnostics.iter().all(|d| !d.is_error()));
        assert_eq!(r.diagnostics[0].location.as_ref().unwrap().line, Some(2));
    }

    #[test]
    fn an_image_without_alt_text_is_a_warning() {
        let r = render_str("Text.\n\n![](map.png)\n\n![The front line in November](front.png)\n");
        assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
        let d = &r.diagnostics[0];
        assert!(!d.is_error());
        assert!(d.message.contains("`map.png` has no alt text"), "{}", d.message);
        assert_eq!(d.location.as_ref().unwrap().line, Some(3));
    }
}
