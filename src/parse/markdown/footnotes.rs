//! Footnotes: numbered in order of first reference, each reference with an id of its
//! own, and the notes at the end with a back-link to every reference.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

use super::PULLQUOTE_FOCUS_HINT;
use super::state::State;
use crate::diagnostic::Diagnostic;
use crate::html::escape_attr;
use crate::html::escape_text;
use crate::parse::tree::find_end;
use crate::slugs::slugify;

impl<'a> State<'a> {
    /// A footnote definition at `i`, kept for the end of the document; returns the index
    /// after it.
    pub(super) fn footnote_definition(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        i: usize,
        label: &str,
    ) -> usize {
        let end = find_end(events, i);
        // Each definition lists a back-link to every reference to its label, so repeated
        // definitions would write references × definitions links.
        if !self.footnote_labels.insert(label.to_string()) {
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "the footnote [^{label}] is defined more than once; the first definition is used"
                ))
                .at(self.location(self.doc.body_offset + events[i].1.start))
                .hint("give each note a label of its own: [^1], [^2], …"),
            );
            return end + 1;
        }
        let mut inner = Vec::new();
        self.process(&events[i + 1..end], &mut inner, false);
        self.footnote_definitions.push((label.to_string(), inner));
        end + 1
    }

    /// A footnote reference; left out of a pull quote, where nothing may take focus.
    pub(super) fn footnote_ref(
        &mut self,
        label: &str,
        range: &Range<usize>,
        out: &mut Vec<Event<'a>>,
        top: bool,
    ) {
        if self.in_pullquote {
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "the footnote reference [^{label}] in a pull quote is left out"
                ))
                .at(self.location(self.doc.body_offset + range.start))
                .hint(PULLQUOTE_FOCUS_HINT),
            );
            return;
        }
        if top {
            self.footnote_ref_positions.push(out.len());
        }
        out.push(self.footnote_reference(label));
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
        let label = escape_attr(
            &self
                .doc
                .words
                .fill("dossier_footnote", &[("number", &number.to_string())]),
        );
        Event::Html(CowStr::from(format!(
            "<sup class=\"footnote-ref\" id=\"{ref_id}\"><a href=\"#fn-{slug}\" role=\"doc-noteref\" aria-label=\"{label}\">{number}</a></sup>"
        )))
    }

    /// The notes, in order of first reference (unreferenced ones last), each with a
    /// back-link to every reference.
    pub(super) fn push_footnotes(&mut self, out: &mut String) {
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
        let words = self.doc.words;
        out.push_str(&format!(
            "<section class=\"footnotes\" role=\"doc-endnotes\" aria-label=\"{}\">\n<ol>\n",
            escape_attr(words.get("dossier_footnotes"))
        ));
        let back = escape_attr(words.get("dossier_back_to_reference"));
        for (label, events) in defs {
            let slug = footnote_slug(&label);
            out.push_str(&format!("<li id=\"fn-{slug}\">"));
            let mut note = String::new();
            pulldown_cmark::html::push_html(&mut note, events.into_iter());
            let refs = self.footnote_ref_counts.get(&label).copied().unwrap_or(0);
            let mut backrefs = String::new();
            for n in 1..=refs {
                let ref_id = if n == 1 {
                    format!("fnref-{slug}")
                } else {
                    format!("fnref-{slug}-{n}")
                };
                backrefs.push_str(&format!(
                    " <a href=\"#{ref_id}\" class=\"footnote-backref\" role=\"doc-backlink\" aria-label=\"{back}\">↩</a>"
                ));
            }
            // The back-links end the note's last line, not a line of their own.
            match note.trim_end().strip_suffix("</p>") {
                Some(text) => {
                    out.push_str(text);
                    out.push_str(&backrefs);
                    out.push_str("</p>");
                }
                None => {
                    out.push_str(&note);
                    out.push_str(&backrefs);
                }
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n</section>\n");
    }
}

fn footnote_slug(label: &str) -> String {
    let s = slugify(label);
    if s.is_empty() {
        escape_text(label).replace(' ', "-")
    } else {
        s
    }
}
