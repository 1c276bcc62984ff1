//! Blocks written as a whole: headings (ids, anchors, the table of contents), code
//! (highlighted), blockquotes that are callouts or pull quotes, figures and images.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

use super::Heading;
use super::state::State;
use crate::config::AnchorLinks;
use crate::diagnostic::{Diagnostic, closest};
use crate::html::{escape_attr, escape_text};
use crate::parse::callouts::{self, Shape};
use crate::parse::figures;
use crate::parse::tree::find_end;
use crate::slugs::anchor_slug;

impl<'a> State<'a> {
    /// A paragraph holding only an image (and maybe a credit line), written as a
    /// `<figure>`: the index after it, or `None` when the event at `i` is not one.
    pub(super) fn figure_paragraph(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        i: usize,
        out: &mut Vec<Event<'a>>,
    ) -> Option<usize> {
        if !(matches!(events[i].0, Event::Start(Tag::Paragraph))
            && matches!(events.get(i + 1), Some((Event::Start(Tag::Image { .. }), _))))
        {
            return None;
        }
        let end = find_end(events, i);
        let inner = &events[i + 1..end];
        let refs: Vec<&Event> = inner.iter().map(|(e, _)| e).collect();
        let parts = figures::parts(&refs)?;
        let html = self.figure(inner, parts);
        out.push(Event::Html(CowStr::from(html)));
        Some(end + 1)
    }

    /// A heading at `i`, with its id and anchor; returns the index after it.
    pub(super) fn heading_block(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        i: usize,
        level: u8,
        custom_id: Option<&str>,
        out: &mut Vec<Event<'a>>,
    ) -> usize {
        let end = find_end(events, i);
        let html = self.heading(level, custom_id, &events[i + 1..end]);
        out.push(html);
        end + 1
    }

    /// A code block at `i`, highlighted; returns the index after it.
    pub(super) fn code_block(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        i: usize,
        kind: &CodeBlockKind,
        out: &mut Vec<Event<'a>>,
    ) -> usize {
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
        if lang == "chart" {
            out.push(Event::Html(CowStr::from(self.chart(&events[i..end], &code))));
            return end + 1;
        }
        self.words += code.split_whitespace().count();
        out.push(Event::Html(CowStr::from(
            self.env.highlighter.block(lang, &code).to_string(),
        )));
        end + 1
    }

    /// A blockquote at `i`: a callout, a pull quote or a plain quote; returns the index of
    /// the next event to handle.
    pub(super) fn blockquote(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        i: usize,
        github: Option<pulldown_cmark::BlockQuoteKind>,
        out: &mut Vec<Event<'a>>,
    ) -> usize {
        let (event, range) = &events[i];
        // Whether it is a callout shows in its first line, so the end is only looked for
        // then: finding it for every blockquote would scan the rest of the quote once per
        // nesting level, quadratic in `>>>>…`.
        let Some((kind, title, skip)) = self.callout(github, &events[i + 1..], range) else {
            out.push(event.clone());
            return i + 1;
        };
        let end = find_end(events, i);
        let rest = &events[i + 1 + skip..end];
        let mut inner: Vec<(Event<'a>, Range<usize>)> = Vec::with_capacity(rest.len() + 1);
        match rest.first() {
            // The marker was a line of its own paragraph: drop the paragraph.
            Some((Event::End(TagEnd::Paragraph), _)) if skip > 0 => inner.extend_from_slice(&rest[1..]),
            // The paragraph goes on after the marker's line.
            _ if skip > 0 => {
                inner.push((Event::Start(Tag::Paragraph), range.clone()));
                inner.extend_from_slice(rest);
            }
            _ => inner.extend_from_slice(rest),
        }
        if kind.shape == Shape::PullQuote {
            // Text after the marker starts the quote: back into the marker's paragraph,
            // which `rest` closes or continues.
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
            return end + 1;
        }
        if kind.class == "key-judgment" {
            inner = self.key_judgments(&inner);
        }
        let title = title.unwrap_or_else(|| self.doc.words.get(kind.title).to_owned());
        self.words += title.split_whitespace().count();
        out.push(Event::Html(CowStr::from(format!(
            "<div class=\"callout callout-{}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
            kind.class,
            escape_text(&title)
        ))));
        self.process(&inner, out, false);
        out.push(Event::Html(CowStr::from("</div>\n")));
        end + 1
    }

    /// An image among text at `i`, as `<img>`; returns the index after it.
    pub(super) fn inline_image(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        i: usize,
        dest_url: &str,
        title: &str,
        out: &mut Vec<Event<'a>>,
    ) -> usize {
        let end = find_end(events, i);
        let html = self.image(dest_url, title, &events[i + 1..end], &events[i].1, true);
        out.push(Event::InlineHtml(CowStr::from(html)));
        end + 1
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

    /// Marks the judgments of a key-judgment callout (see `parse::judgments`) and keeps
    /// them; a confidence that names no level is an error.
    fn key_judgments(&mut self, inner: &[(Event<'a>, Range<usize>)]) -> Vec<(Event<'a>, Range<usize>)> {
        use crate::parse::judgments::{LEVELS, mark};
        let marked = mark(inner, self.judgments.len(), &self.doc.words);
        self.judgments.extend(marked.judgments);
        for u in marked.unknown {
            let levels = LEVELS.iter().map(|(name, _)| *name);
            // "Medium" is the usual slip, too far from "moderate" to be guessed by spelling.
            let near = closest(&u.word, levels).or((u.word == "medium").then_some("moderate"));
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
            None => self.unique_id(anchor_slug(&text, self.env.config.anchor_slugs)),
        };
        let id_attr = escape_attr(&id);
        // Anchors carry the page's path so they also work in a summary on a list page.
        let href = format!("{}#{id_attr}", escape_attr(self.doc.url_path));
        let anchor = format!(
            "<a class=\"heading-anchor\" href=\"{href}\" aria-label=\"{}\">#</a>",
            escape_attr(
                &self
                    .doc
                    .words
                    .fill("dossier_link_to_section", &[("title", &text)])
            )
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
}
