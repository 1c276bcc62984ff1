//! A ```` ```chart ```` block: its spec handed to `charts::render`, the figure it makes
//! put in its place, and a problem placed at its line and column in the author's file.

use std::ops::Range;

use pulldown_cmark::Event;

use super::state::State;
use crate::charts::{self, At, Limits, Pos};
use crate::diagnostic::Diagnostic;
use crate::html::escape_text;
use crate::slugs::slugify;

impl<'a> State<'a> {
    /// The HTML for a chart block whose events (its start, then its text) are `events`
    /// and whose spec is `code`. A problem is reported and the spec shown as code.
    pub(super) fn chart(&mut self, events: &[(Event<'a>, Range<usize>)], code: &str) -> String {
        self.charts += 1;
        let stem = self
            .doc
            .content_path
            .strip_suffix(".md")
            .unwrap_or(self.doc.content_path);
        let id = format!("chart-{}-{}", slugify(stem), self.charts);
        let page = charts::Page {
            content_path: self.doc.content_path,
            url_path: self.doc.url_path,
            id: &id,
        };
        match charts::render(code, &page, self.env.charts, &Limits::default()) {
            Ok(chart) => {
                if !self.data_files.contains(&chart.file) {
                    self.data_files.push(chart.file);
                }
                chart.html
            }
            Err(problem) => {
                let pos = match problem.at {
                    At::Spec(pos) => pos,
                    At::Url => Pos::default(),
                };
                let offset = spec_offset(events, code, pos);
                self.diagnostics.push(
                    Diagnostic::error(format!("chart: {}", problem.message))
                        .at(self.location(self.doc.body_offset + offset))
                        .maybe_hint(problem.hint),
                );
                format!("<pre><code>{}</code></pre>\n", escape_text(code))
            }
        }
    }
}

/// The offset in the body of `pos` in the spec `code`, which the text events of
/// `events` hold piece by piece; the block's first line when `pos` is unknown.
fn spec_offset(events: &[(Event, Range<usize>)], code: &str, pos: Pos) -> usize {
    let fence = events.first().map_or(0, |(_, r)| r.start);
    if pos.line == 0 {
        return fence;
    }
    let Some(line_start) = code
        .split_inclusive('\n')
        .take(pos.line - 1)
        .map(str::len)
        .try_fold(0usize, |sum, len| sum.checked_add(len))
    else {
        return fence;
    };
    let line = code[line_start.min(code.len())..].lines().next().unwrap_or("");
    let within: usize = line
        .chars()
        .take(pos.column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    let target = line_start + within;
    // Each text event is one contiguous piece of the file.
    let mut seen = 0;
    for (event, range) in events {
        if let Event::Text(t) = event {
            if target < seen + t.len() && t.len() == range.len() {
                return range.start + (target - seen);
            }
            if target < seen + t.len() {
                return range.start;
            }
            seen += t.len();
        }
    }
    fence
}
