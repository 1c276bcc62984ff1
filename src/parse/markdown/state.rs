//! The walk over a document's events, and the events that need no handler of their own.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::excerpt::excerpt_around;
use super::{AnchorRef, Cite, Doc, Env, Heading, LinkKind, LocalRef, MORE_MARKER, OutLink};
use crate::diagnostic::{Diagnostic, Lines, Location};
use crate::parse::judgments::Judgment;

/// The walk over one document's events: what has been found so far (headings, links,
/// footnotes, words, text) and the diagnostics. The handlers live beside the events they
/// handle: `blocks`, `links` and `footnotes`; this module has the walk and plain events.
pub(super) struct State<'a> {
    pub(super) doc: &'a Doc<'a>,
    pub(super) env: &'a Env<'a>,
    /// The file's lines, for the locations of diagnostics.
    pub(super) lines: Lines<'a>,
    /// For a body whose shortcodes were expanded: where each part of it was written.
    pub(super) origins: Option<&'a crate::parse::shortcodes::Origins>,
    pub(super) ids: HashSet<String>,
    /// The last numeric suffix given to each heading id that was taken (`a` → 2 after
    /// `a-1`, `a-2`).
    pub(super) id_suffixes: HashMap<String, usize>,
    pub(super) headings: Vec<Heading>,
    pub(super) words: usize,
    pub(super) footnote_numbers: HashMap<String, usize>,
    pub(super) footnote_ref_counts: HashMap<String, usize>,
    pub(super) footnote_definitions: Vec<(String, Vec<Event<'a>>)>,
    /// The labels of `footnote_definitions`.
    pub(super) footnote_labels: HashSet<String>,
    /// Positions of footnote references in the top-level event list.
    pub(super) footnote_ref_positions: Vec<usize>,
    pub(super) summary_end: Option<usize>,
    /// A `<!-- more -->` inside a block: the summary ends where that block does.
    pub(super) summary_after_block: bool,
    /// Where the first marker's `#continue-reading` target is in the output.
    pub(super) continue_span: Option<usize>,
    pub(super) first_paragraph_end: Option<usize>,
    pub(super) anchor_refs: Vec<AnchorRef>,
    pub(super) local_refs: Vec<LocalRef>,
    pub(super) links: Vec<OutLink>,
    /// Plain text of the open blocks (paragraphs, list items, cells, headings), innermost
    /// last, for the excerpts around links.
    pub(super) blocks: Vec<String>,
    /// The text of every closed outermost block, in order.
    pub(super) text: String,
    /// Links waiting for their block to close: (index in `links`, block depth, offset of
    /// the link in the block's text).
    pub(super) pending: Vec<(usize, usize, usize)>,
    /// Inside a pull quote, which is `aria-hidden`: nothing in it may take focus, and its
    /// text, a repeat of the article's, is not counted again.
    pub(super) in_pullquote: bool,
    pub(super) judgments: Vec<Judgment>,
    /// Citations in order, each its cited works.
    pub(super) citations: Vec<Vec<Cite>>,
    /// The charts' data files, each once.
    pub(super) data_files: Vec<crate::charts::DataFile>,
    /// How many charts the document has so far, for their ids.
    pub(super) charts: usize,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl<'a> State<'a> {
    pub(super) fn new(doc: &'a Doc<'a>, env: &'a Env<'a>) -> Self {
        State {
            doc,
            env,
            lines: Lines::new(doc.text),
            origins: None,
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
            summary_after_block: false,
            continue_span: None,
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
            data_files: Vec::new(),
            charts: 0,
            diagnostics: Vec::new(),
        }
    }

    /// Turns parser events into the events to write as HTML, resolving links and
    /// rendering headings, code and footnote references on the way. `top` is true for the
    /// document body (where the summary is found), false for nested runs.
    pub(super) fn process(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        out: &mut Vec<Event<'a>>,
        top: bool,
    ) {
        let mut run = Run {
            top,
            depth: 0,
            external_open: false,
            stripped_link_open: false,
        };
        let mut i = 0;
        while i < events.len() {
            i = self.event(events, i, out, &mut run);
        }
    }

    /// Handles the event at `i` (and, for a block written as a whole, the events up to its
    /// end); returns the index of the next event to handle.
    fn event(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        i: usize,
        out: &mut Vec<Event<'a>>,
        run: &mut Run,
    ) -> usize {
        let (event, range) = &events[i];
        if let Some(next) = self.figure_paragraph(events, i, out) {
            return next;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                self.heading_block(events, i, *level as u8, id.as_deref(), out)
            }
            Event::Start(Tag::CodeBlock(kind)) => self.code_block(events, i, kind, out),
            Event::Start(Tag::BlockQuote(github)) => {
                let next = self.blockquote(events, i, *github, out);
                // A plain quote stays open for the events after its start (a callout is
                // written whole): its paragraphs are not the first paragraph, and a
                // `<!-- more -->` in it is inside a block.
                if next == i + 1 {
                    run.depth += 1;
                }
                next
            }
            Event::Start(Tag::FootnoteDefinition(label)) => self.footnote_definition(events, i, label),
            Event::FootnoteReference(label) => {
                self.footnote_ref(label, range, out, run.top);
                i + 1
            }
            Event::Start(Tag::Image { dest_url, title, .. }) => {
                self.inline_image(events, i, dest_url, title, out)
            }
            Event::Start(Tag::Link { .. }) => self.link_start(events, i, out, run),
            Event::End(TagEnd::Link) => {
                self.link_end(out, run);
                i + 1
            }
            Event::Start(Tag::Table(_)) => {
                // The wrapper scrolls a wide table by itself; it takes focus so the
                // keyboard can scroll it, except in a pull quote, where nothing may.
                out.push(Event::Html(CowStr::from(if self.in_pullquote {
                    "<div class=\"table-wrap\">".to_owned()
                } else {
                    format!(
                        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">",
                        crate::html::escape_attr(self.doc.words.get("dossier_table"))
                    )
                })));
                out.push(event.clone());
                run.depth += 1;
                i + 1
            }
            Event::End(TagEnd::Table) => {
                run.depth = run.depth.saturating_sub(1);
                out.push(event.clone());
                out.push(Event::Html(CowStr::from("</div>")));
                i + 1
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                self.html(event, html, out, run);
                i + 1
            }
            Event::Text(t) | Event::Code(t) => {
                if !self.in_pullquote {
                    self.words += count_words(t);
                }
                self.text(t);
                out.push(event.clone());
                i + 1
            }
            // A task list's box is only a mark, but an unlabelled form control to
            // assistive technology: it says what it marks.
            Event::TaskListMarker(done) => {
                let (checked, key) = if *done {
                    (" checked", "dossier_done")
                } else {
                    ("", "dossier_not_done")
                };
                out.push(Event::Html(CowStr::from(format!(
                    "<input type=\"checkbox\" disabled{checked} aria-label=\"{}\"> ",
                    crate::html::escape_attr(self.doc.words.get(key))
                ))));
                i + 1
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text(" ");
                out.push(event.clone());
                i + 1
            }
            Event::Start(tag) => {
                if matches!(tag, Tag::Paragraph | Tag::Item | Tag::TableCell) {
                    self.blocks.push(String::new());
                }
                run.depth += 1;
                out.push(event.clone());
                i + 1
            }
            Event::End(end) => {
                run.depth = run.depth.saturating_sub(1);
                if matches!(end, TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) {
                    self.close_block();
                }
                out.push(event.clone());
                if run.top
                    && *end == TagEnd::Paragraph
                    && run.depth == 0
                    && self.first_paragraph_end.is_none()
                {
                    self.first_paragraph_end = Some(out.len());
                }
                if run.top && run.depth == 0 && self.summary_after_block && self.summary_end.is_none() {
                    self.summary_end = Some(out.len());
                }
                i + 1
            }
            _ => {
                out.push(event.clone());
                i + 1
            }
        }
    }

    /// Raw HTML: a `<!-- more -->` marker ends the summary (in the body only); the anchors
    /// it defines (`id`, `<a name>`) are link targets as headings are.
    fn html(&mut self, event: &Event<'a>, html: &str, out: &mut Vec<Event<'a>>, run: &Run) {
        for anchor in crate::parse::html_anchors::anchors(html) {
            self.ids.insert(anchor.to_owned());
        }
        let alone = html.trim() == MORE_MARKER;
        let marker = alone || (matches!(event, Event::Html(_)) && html.contains(MORE_MARKER));
        if run.top && marker && self.summary_end.is_none() {
            if run.depth == 0 {
                self.summary_end = Some(out.len());
            } else {
                // Inside a quote or a list, the summary takes the whole block: cut here,
                // its open tags would never be closed on the list page.
                self.summary_after_block = true;
            }
        }
        if run.top && alone {
            // The page's target for "continue reading"; never part of the summary, which
            // may close after it (a marker inside a paragraph) and shows on list pages.
            self.continue_span.get_or_insert(out.len());
            out.push(Event::Html(CowStr::from("<span id=\"continue-reading\"></span>")));
            return;
        }
        out.push(event.clone());
    }

    /// Adds text to the innermost open block, for link excerpts.
    pub(super) fn text(&mut self, text: &str) {
        if let Some(block) = self.blocks.last_mut() {
            block.push_str(text);
        }
    }

    /// Closes the innermost block: links inside it get their excerpt, and its text
    /// becomes part of the enclosing block.
    pub(super) fn close_block(&mut self) {
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
        // Blocks of the document (headings, paragraphs, items, cells) are kept apart by a
        // line break, so a search excerpt never runs a heading into the next paragraph;
        // inside a block, its parts are joined by a space.
        let (outer, separator) = match self.blocks.last_mut() {
            Some(parent) => (parent, ' '),
            None => (&mut self.text, '\n'),
        };
        if !outer.is_empty() && !outer.ends_with([' ', '\n']) {
            outer.push(separator);
        }
        outer.push_str(&text);
    }

    /// Records a resolved link to another document; its excerpt comes when its block ends.
    pub(super) fn record_link(&mut self, target: &str, kind: LinkKind) {
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

    pub(super) fn unique_id(&mut self, wanted: String) -> String {
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

    /// Where an offset of the body as parsed is in the file: for a body whose shortcodes
    /// were expanded, where the author wrote it.
    pub(super) fn location(&self, offset: usize) -> Location {
        let offset = match self.origins {
            Some(origins) => {
                let body = self.doc.body_offset;
                body + origins.original(offset.saturating_sub(body))
            }
            None => offset,
        };
        self.lines.location(self.doc.display_path, offset)
    }

    /// Where an offset of the file as written is.
    pub(super) fn original_location(&self, offset: usize) -> Location {
        self.lines.location(self.doc.display_path, offset)
    }
}

/// What one run of [`State::process`] keeps between events.
pub(super) struct Run {
    /// Whether this is the document body rather than a nested run (a callout, a note).
    pub(super) top: bool,
    /// Open tags written as tags (not whole blocks), for the first paragraph's end.
    pub(super) depth: usize,
    /// An external link written as HTML (with `rel` and `target`), to be closed as such.
    pub(super) external_open: bool,
    /// A link in a pull quote is written as its text; this skips its closing tag.
    pub(super) stripped_link_open: bool,
}

/// How many words `text` has, as `split_whitespace` counts them. Most text is ASCII, whose
/// words are counted byte by byte; `split_whitespace` decodes every character, which had
/// been a sixth of a corpus's Markdown time.
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let mut words = 0;
    let mut in_word = false;
    for &b in text.as_bytes() {
        // `char::is_whitespace` for ASCII: `u8::is_ascii_whitespace` leaves out the
        // vertical tab.
        let space = matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
        words += usize::from(!space && !in_word);
        in_word = !space;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::count_words;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::parse::markdown::fixed_cases(4096))]

        /// Words and every kind of space, ASCII (the vertical tab among them) or not.
        #[test]
        fn words_are_counted_as_split_whitespace_counts_them(
            pieces in prop::collection::vec(
                prop::sample::select(vec!["a", "word", " ", "  ", "\t", "\n", "\u{b}", "\u{c}", "\r", "\u{a0}", "\u{3000}", "é", "x"]),
                0..16,
            ),
        ) {
            let text = pieces.concat();
            prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }
    }
}
