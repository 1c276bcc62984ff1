//! Content that is a Tera template, as in Zola 0.23: a body holding `{{` or `{%` is
//! rendered with the site's templates (their functions, filters and components, with
//! `page` or `section`, `config` and `lang`) before its Markdown is read. The renderer does
//! the rendering ([`ContentTemplates`]); this module maps the output back to the author's
//! lines, so that what the Markdown pass finds later is reported where it was written.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::parse::shortcodes::{Expanded, Origins};

/// A template error in a body: its message, and where in the body it is if known.
pub(crate) struct BodyError {
    pub offset: Option<usize>,
    pub diagnostic: Diagnostic,
}

/// Renders a document's body as a template; the renderer answers.
pub(crate) trait ContentTemplates {
    /// `body` of the document at content path `doc`, rendered.
    fn render(&self, doc: &str, body: &str) -> Result<String, BodyError>;
    /// Whether the document's body is left as written (`skip_content_templating`).
    fn skips(&self, doc: &str) -> bool;
}

/// `body` rendered; on an error, the body as written with the error at its place.
pub(crate) fn expand(body: &str, doc: &str, templates: &dyn ContentTemplates) -> Expanded {
    match templates.render(doc, body) {
        Ok(text) => Expanded {
            origins: align(body, &text),
            text,
            html: Vec::new(),
            problems: Vec::new(),
        },
        Err(error) => Expanded {
            text: body.to_owned(),
            origins: Origins::default(),
            html: Vec::new(),
            problems: vec![(error.offset.unwrap_or(0), error.diagnostic)],
        },
    }
}

/// Where each line of `output` came from: a line equal to a line of `original` after the
/// last one matched is that line; any other line was written by the template and is
/// placed at the last line matched. Blank lines match nothing: templates write many, and
/// matching one far ahead would place the lines after it too late. Linear in the lines,
/// up to a logarithm.
fn align(original: &str, output: &str) -> Origins {
    let mut starts: HashMap<&str, Vec<usize>> = HashMap::new();
    for (start, line) in lines(original).filter(|(_, l)| !l.trim().is_empty()) {
        starts.entry(line).or_default().push(start);
    }
    let mut pieces = Vec::new();
    let mut last: Option<usize> = None;
    for (start, line) in lines(output) {
        let found = starts.get(line).and_then(|candidates| {
            let i = candidates.partition_point(|&s| last.is_some_and(|l| s <= l));
            candidates.get(i).copied()
        });
        match found {
            Some(from) => {
                pieces.push((start, from, false));
                last = Some(from);
            }
            None => pieces.push((start, last.unwrap_or(0), true)),
        }
    }
    Origins::new(pieces)
}

/// Each line of `text` with its start, without its line break.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |line| {
        let at = start;
        start += line.len();
        (at, line.trim_end_matches(['\n', '\r']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_kept_by_the_template_map_to_where_they_were_written() {
        let original = "# Title\n\n{% for x in [1, 2] %}\nItem {{ x }}\n{% endfor %}\n\nA [link](@/x.md).\n";
        let output = "# Title\n\n\nItem 1\n\nItem 2\n\n\nA [link](@/x.md).\n";
        let origins = align(original, output);
        let link = output.find("[link]").unwrap();
        assert_eq!(origins.original(link), original.find("[link]").unwrap());
        assert_eq!(origins.original(0), 0);
        // Written by the template: at the last line matched before it.
        let item = output.find("Item 2").unwrap();
        assert!(origins.original(item) < original.find("Item").unwrap() + 1);
    }

    struct Failing;

    impl ContentTemplates for Failing {
        fn render(&self, _: &str, body: &str) -> Result<String, BodyError> {
            Err(BodyError {
                offset: body.find("{{"),
                diagnostic: Diagnostic::error("template error in content"),
            })
        }
        fn skips(&self, _: &str) -> bool {
            false
        }
    }

    #[test]
    fn an_error_keeps_the_body_and_is_placed_in_it() {
        let e = expand("ab\n{{ x }}\n", "a.md", &Failing);
        assert_eq!(e.text, "ab\n{{ x }}\n");
        assert_eq!(e.problems[0].0, 3);
    }
}
