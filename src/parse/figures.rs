//! Figures: a paragraph holding nothing but an image becomes a `<figure>`. The image's
//! title (`![alt](src "Caption")`) is the caption, and an emphasised line after the image
//! in the same paragraph that starts with "Credit:" or "Source:" (`*Credit: Reuters*`)
//! is the credit. This module only recognises the shape; `markdown.rs` renders it.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

/// Where the parts of a figure are among a paragraph's inner events.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Parts {
    /// The image, from its `Start` to its `End` inclusive.
    pub image: Range<usize>,
    /// The credit's inner events (inside the emphasis, which is dropped).
    pub credit: Option<Range<usize>>,
}

/// The prefixes that make an emphasised line a credit, compared without case.
const CREDIT_PREFIXES: [&str; 2] = ["credit:", "source:"];

/// Reads a figure from a paragraph's inner events (those between its start and end), or
/// `None` when the paragraph holds anything besides an image and a credit line.
pub(crate) fn parts<'e, 'a: 'e>(inner: &[&'e Event<'a>]) -> Option<Parts> {
    if !matches!(inner.first(), Some(Event::Start(Tag::Image { .. }))) {
        return None;
    }
    let image_end = matching_end(inner, 0)?;
    let image = 0..image_end + 1;
    let rest = &inner[image_end + 1..];
    if rest.is_empty() {
        return Some(Parts { image, credit: None });
    }
    // The credit is on the next line: a break, then one emphasis that ends the paragraph.
    if !matches!(rest.first(), Some(Event::SoftBreak | Event::HardBreak))
        || !matches!(rest.get(1), Some(Event::Start(Tag::Emphasis)))
    {
        return None;
    }
    let start = image_end + 2;
    let end = matching_end(inner, start)?;
    if end + 1 != inner.len() || !matches!(inner[end], Event::End(TagEnd::Emphasis)) {
        return None;
    }
    let lead: String = inner[start + 1..end]
        .iter()
        .map_while(|e| match e {
            Event::Text(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let lead = lead.trim_start().to_lowercase();
    if !CREDIT_PREFIXES.iter().any(|p| lead.starts_with(p)) {
        return None;
    }
    Some(Parts {
        image,
        credit: Some(start + 1..end),
    })
}

/// Index of the `End` that closes the `Start` at `start`.
fn matching_end(events: &[&Event], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn parts_of(text: &str) -> Option<Parts> {
        let events: Vec<Event> = Parser::new_ext(text, Options::ENABLE_SMART_PUNCTUATION).collect();
        assert!(matches!(events.first(), Some(Event::Start(Tag::Paragraph))));
        let inner: Vec<&Event> = events[1..events.len() - 1].iter().collect();
        parts(&inner)
    }

    #[test]
    fn an_image_alone_is_a_figure() {
        let p = parts_of("![A *map* of the front](map.png \"The front\")\n").unwrap();
        assert_eq!(p.image, 0..7);
        assert_eq!(p.credit, None);
    }

    #[test]
    fn an_emphasised_credit_or_source_line_is_the_credit() {
        let p = parts_of("![Map](map.png)\n*Credit: Reuters*\n").unwrap();
        assert_eq!(p.credit, Some(5..6));
        let p = parts_of("![Map](map.png)\n_source: [ISW](https://isw.org), \"maps\"_\n").unwrap();
        assert!(p.credit.is_some());
    }

    #[test]
    fn anything_else_in_the_paragraph_keeps_it_a_paragraph() {
        assert_eq!(parts_of("See ![Map](map.png)\n"), None);
        assert_eq!(parts_of("![Map](map.png) and text\n"), None);
        assert_eq!(parts_of("![Map](map.png)\nCredit: Reuters\n"), None);
        assert_eq!(parts_of("![Map](map.png)\n*Photo by Reuters*\n"), None);
        assert_eq!(parts_of("![Map](map.png)\n*Credit: Reuters* and more\n"), None);
        assert_eq!(parts_of("![a](a.png) ![b](b.png)\n"), None);
        assert_eq!(parts_of("Just text.\n"), None);
    }
}
