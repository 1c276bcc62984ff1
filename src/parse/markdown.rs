//! Markdown to HTML with pulldown-cmark, plus what pulldown-cmark leaves to us:
//! heading ids and anchor links, numbered footnotes with back-links, highlighted code,
//! internal `@/` and relative `.md` links, the summary, the table of contents and
//! the word count.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::config::{AnchorLinks, MarkdownConfig};
use crate::diagnostic::{Diagnostic, Location, closest};
use crate::parse::highlight::{Highlighter, escape_attr, escape_text};
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

#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub content: String,
    pub summary: Option<String>,
    pub toc: Vec<Heading>,
    pub word_count: usize,
    pub heading_ids: Vec<String>,
    pub anchor_refs: Vec<AnchorRef>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a document needs to know about the rest of the site.
pub struct Env<'a> {
    pub config: &'a MarkdownConfig,
    pub highlighter: &'a Highlighter,
    /// Content path (`security/kursk.md`) to URL path (`/security/kursk/`).
    pub urls: &'a HashMap<String, String>,
    /// Files that exist but failed to parse: links to them are not errors of their own.
    pub broken: &'a HashSet<String>,
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

pub fn render(doc: &Doc, env: &Env) -> Rendered {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    if env.config.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let mut out = Rendered::default();
    let mut state = State::new(doc, env);
    let parser = Parser::new_ext(doc.body, options).into_offset_iter();
    let events: Vec<(Event, std::ops::Range<usize>)> = parser.collect();

    let mut body: Vec<Event> = Vec::with_capacity(events.len());
    let mut i = 0;
    let mut depth = 0usize;
    let mut summary_end: Option<usize> = None;
    let mut first_paragraph_end: Option<usize> = None;
    let mut in_link_external = false;
    // Footnote references are left out of the summary: their notes are not on list pages.
    let mut footnote_refs: Vec<usize> = Vec::new();
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let end = find_end(&events, i);
                let inner: Vec<Event> = events[i + 1..end].iter().map(|(e, _)| e.clone()).collect();
                body.push(state.heading(*level as u8, id.as_deref(), inner));
                i = end + 1;
                continue;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let end = find_end(&events, i);
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
                state.words += code.split_whitespace().count();
                body.push(Event::Html(CowStr::from(
                    env.highlighter.block(lang, &code).to_string(),
                )));
                i = end + 1;
                if depth == 0 && first_paragraph_end.is_none() {
                    // A summary is prose; skip code when looking for the first paragraph.
                }
                continue;
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let end = find_end(&events, i);
                let inner: Vec<Event> = events[i + 1..end].iter().map(|(e, _)| e.clone()).collect();
                state.footnote_definitions.push((label.to_string(), inner));
                i = end + 1;
                continue;
            }
            Event::FootnoteReference(label) => {
                footnote_refs.push(body.len());
                body.push(state.footnote_reference(label));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                body.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: CowStr::from(state.relative_to_page(dest_url)),
                    title: title.clone(),
                    id: id.clone(),
                }));
                depth += 1;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let offset = doc.body_offset + range.start;
                let (href, external) = state.link(*link_type, dest_url, offset);
                if external && env.config_wants_external_attrs() {
                    in_link_external = true;
                    body.push(Event::Html(CowStr::from(external_link_open(
                        &href, title, env.config,
                    ))));
                } else {
                    body.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: CowStr::from(href),
                        title: title.clone(),
                        id: CowStr::from(""),
                    }));
                }
                depth += 1;
            }
            Event::End(TagEnd::Link) => {
                depth -= 1;
                if in_link_external {
                    in_link_external = false;
                    body.push(Event::Html(CowStr::from("</a>")));
                } else {
                    body.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Table(_)) => {
                body.push(Event::Html(CowStr::from(
                    "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table\">",
                )));
                body.push(event.clone());
                depth += 1;
            }
            Event::End(TagEnd::Table) => {
                depth -= 1;
                body.push(event.clone());
                body.push(Event::Html(CowStr::from("</div>")));
            }
            Event::Html(html) | Event::InlineHtml(html) if html.trim() == MORE_MARKER => {
                if summary_end.is_none() {
                    summary_end = Some(body.len());
                }
                body.push(Event::Html(CowStr::from("<span id=\"continue-reading\"></span>")));
            }
            Event::Html(html) if html.contains(MORE_MARKER) && summary_end.is_none() => {
                summary_end = Some(body.len());
                body.push(event.clone());
            }
            Event::Text(t) | Event::Code(t) => {
                state.words += t.split_whitespace().count();
                body.push(event.clone());
            }
            Event::Start(_) => {
                depth += 1;
                body.push(event.clone());
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                body.push(event.clone());
                if *end == TagEnd::Paragraph && depth == 0 && first_paragraph_end.is_none() {
                    first_paragraph_end = Some(body.len());
                }
            }
            _ => body.push(event.clone()),
        }
        i += 1;
    }

    let mut content = String::with_capacity(doc.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut content, body.iter().cloned());
    state.push_footnotes(&mut content);
    out.content = content;
    out.summary = summary_end.or(first_paragraph_end).map(|end| {
        let mut s = String::new();
        let events = body[..end]
            .iter()
            .enumerate()
            .filter(|(i, _)| !footnote_refs.contains(i))
            .map(|(_, e)| e.clone());
        pulldown_cmark::html::push_html(&mut s, events);
        s
    });
    out.word_count = state.words;
    out.toc = nest_headings(std::mem::take(&mut state.headings));
    out.heading_ids = state.ids.into_iter().collect();
    out.heading_ids.sort();
    out.anchor_refs = state.anchor_refs;
    out.diagnostics = state.diagnostics;
    out
}

impl Env<'_> {
    fn config_wants_external_attrs(&self) -> bool {
        self.config.external_links_target_blank
            || self.config.external_links_no_follow
            || self.config.external_links_no_referrer
    }
}

/// Index of the `End` event that closes the `Start` at `start`.
fn find_end(events: &[(Event, std::ops::Range<usize>)], start: usize) -> usize {
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
    ids: HashSet<String>,
    headings: Vec<Heading>,
    words: usize,
    footnote_numbers: HashMap<String, usize>,
    footnote_ref_counts: HashMap<String, usize>,
    footnote_definitions: Vec<(String, Vec<Event<'a>>)>,
    anchor_refs: Vec<AnchorRef>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> State<'a> {
    fn new(doc: &'a Doc<'a>, env: &'a Env<'a>) -> Self {
        State {
            doc,
            env,
            ids: HashSet::new(),
            headings: Vec::new(),
            words: 0,
            footnote_numbers: HashMap::new(),
            footnote_ref_counts: HashMap::new(),
            footnote_definitions: Vec::new(),
            anchor_refs: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    fn unique_id(&mut self, wanted: String) -> String {
        let base = if wanted.is_empty() {
            "section".to_owned()
        } else {
            wanted
        };
        let mut id = base.clone();
        let mut n = 1;
        while self.ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.ids.insert(id.clone());
        id
    }

    fn heading(&mut self, level: u8, custom_id: Option<&str>, inner: Vec<Event<'a>>) -> Event<'a> {
        let text = plain_text(&inner);
        self.words += text.split_whitespace().count();
        let id = match custom_id {
            Some(id) => self.unique_id(id.to_owned()),
            None => self.unique_id(slugify(&text)),
        };
        let mut inner_html = String::new();
        pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
        let id_attr = escape_attr(&id);
        let anchor = format!(
            "<a class=\"heading-anchor\" href=\"#{id_attr}\" aria-label=\"Link to this section: {}\">#</a>",
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
                    "<h{level} id=\"{id_attr}\"><a class=\"heading-link\" href=\"#{id_attr}\">{inner_html}</a></h{level}>\n"
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
            return (dest.to_owned(), false);
        }
        let (path_part, _) = dest.split_once('#').unwrap_or((dest, ""));
        if path_part.ends_with(".md") && !dest.starts_with('/') {
            let base = parent_dir(self.doc.content_path);
            let joined = normalize(&format!("{base}{dest}"));
            return (self.internal(&joined, offset), false);
        }
        (self.relative_to_page(dest), false)
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
        match anchor {
            Some(a) if !a.is_empty() => {
                self.anchor_refs.push(AnchorRef {
                    target: path.to_owned(),
                    anchor: a.to_owned(),
                    location: self.location(offset),
                });
                format!("{url}#{a}")
            }
            _ => url.clone(),
        }
    }

    fn location(&self, body_offset: usize) -> Location {
        Location::at_offset(self.doc.display_path, self.doc.text, body_offset)
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
    let mut href_escaped = String::new();
    pulldown_cmark_escape::escape_href(&mut href_escaped, href).ok();
    let mut html = format!("<a href=\"{}\"", escape_attr(&href_escaped));
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

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_owned()
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
        let env = Env {
            config: &config,
            highlighter: &highlighter,
            urls: &urls,
            broken: &broken,
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
}
