//! Key judgments: each paragraph or list item of a `[!KEY JUDGMENT]` callout is one, and
//! may open with its confidence the way analysts write it, in bold:
//! `**High confidence:** North Korea will …` (low, moderate or high).

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::parse::tree::find_end;

/// How sure the analyst is of a judgment, in the words of analytic standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Confidence {
    Low,
    Moderate,
    High,
}

pub(crate) const LEVELS: &[(&str, Confidence)] = &[
    ("low", Confidence::Low),
    ("moderate", Confidence::Moderate),
    ("high", Confidence::High),
];

impl Confidence {
    /// The theme word naming it ("High confidence").
    pub(crate) fn key(self) -> &'static str {
        match self {
            Confidence::Low => "dossier_confidence_low",
            Confidence::Moderate => "dossier_confidence_moderate",
            Confidence::High => "dossier_confidence_high",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Moderate => "moderate",
            Confidence::High => "high",
        }
    }
}

/// One key judgment of a page.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct Judgment {
    /// The anchor on the page (`judgment-1`).
    pub id: String,
    pub confidence: Option<Confidence>,
    /// The judgment as plain text, without its confidence.
    pub text: String,
}

/// A confidence marker that names no level: the word used and where it is.
pub(crate) struct UnknownLevel {
    pub word: String,
    pub at: Range<usize>,
}

/// A key-judgment callout's body with its judgments marked.
pub(crate) struct Marked<'a> {
    pub events: Vec<(Event<'a>, Range<usize>)>,
    pub judgments: Vec<Judgment>,
    /// Confidence markers that name no level.
    pub unknown: Vec<UnknownLevel>,
}

/// Marks each judgment of a key-judgment callout's body: an anchor (`judgment-N`,
/// counting on from `first`) and the confidence as a badge.
/// The badge is in `words`, the document's language.
pub(crate) fn mark<'a>(
    inner: &[(Event<'a>, Range<usize>)],
    first: usize,
    words: &crate::words::Lookup,
) -> Marked<'a> {
    let mut out = Vec::with_capacity(inner.len() + 8);
    let mut judgments = Vec::new();
    let mut unknown = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < inner.len() {
        let (event, range) = &inner[i];
        let opens_judgment = match event {
            // Paragraphs at the top of the callout, and the items of its lists (whose
            // paragraphs, in a loose list, are not judgments of their own).
            Event::Start(Tag::Paragraph) => depth == 0,
            Event::Start(Tag::Item) => depth == 1,
            _ => false,
        };
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(inner[i].clone());
        i += 1;
        if !opens_judgment {
            continue;
        }
        let end = find_end(inner, i - 1);
        // In a loose list the item's text starts inside its first paragraph.
        if matches!(inner.get(i), Some((Event::Start(Tag::Paragraph), _))) {
            out.push(inner[i].clone());
            i += 1;
            depth += 1;
        }
        let id = format!("judgment-{}", first + judgments.len() + 1);
        out.push((
            Event::Html(CowStr::from(format!(
                "<span class=\"judgment-anchor\" id=\"{id}\"></span>"
            ))),
            range.clone(),
        ));
        let mut confidence = None;
        let mut text_from = i;
        if let Some(word) = confidence_marker(&inner[i..end]) {
            match LEVELS.iter().find(|(name, _)| *name == word) {
                Some((_, level)) => {
                    confidence = Some(*level);
                    out.push((
                        Event::Html(CowStr::from(format!(
                            "<strong class=\"confidence confidence-{}\">{}</strong>",
                            level.class(),
                            crate::html::escape_text(words.get(level.key()))
                        ))),
                        range.clone(),
                    ));
                    i += MARKER_EVENTS;
                    text_from = i;
                    // The text after the marker loses the colon and space the bold left.
                    if let Some((Event::Text(t), r)) = inner.get(i) {
                        let rest = t.trim_start_matches(':').trim_start();
                        out.push((Event::Text(CowStr::from(format!(" {rest}"))), r.clone()));
                        i += 1;
                    } else {
                        out.push((Event::Text(CowStr::from(" ")), range.clone()));
                    }
                }
                None => unknown.push(UnknownLevel {
                    word,
                    at: inner[i].1.clone(),
                }),
            }
        }
        judgments.push(Judgment {
            id,
            confidence,
            text: plain_text(&inner[text_from..end], confidence.is_some()),
        });
    }
    Marked {
        events: out,
        judgments,
        unknown,
    }
}

/// The events of a confidence marker: strong, its text, end of strong.
const MARKER_EVENTS: usize = 3;

/// `**High confidence:**` (the colon inside or after the bold): the level's word, lower
/// case.
fn confidence_marker(events: &[(Event, Range<usize>)]) -> Option<String> {
    let [
        (Event::Start(Tag::Strong), _),
        (Event::Text(t), _),
        (Event::End(TagEnd::Strong), _),
        ..,
    ] = events
    else {
        return None;
    };
    let words = t.trim().trim_end_matches(':').trim();
    let (level, rest) = words.split_once(char::is_whitespace)?;
    rest.trim()
        .eq_ignore_ascii_case("confidence")
        .then(|| level.to_lowercase())
}

/// The text of a judgment's events (up to its end), in one line. When its confidence was
/// taken off, the colon it left is too.
fn plain_text(events: &[(Event, Range<usize>)], marked: bool) -> String {
    let mut text = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => break,
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if marked {
        text.trim_start_matches(':').trim_start().to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn events(md: &str) -> Vec<(Event<'_>, Range<usize>)> {
        Parser::new(md).into_offset_iter().collect()
    }

    #[test]
    fn items_and_paragraphs_are_judgments_with_their_confidence() {
        let md = "**High confidence:** Troops stay.\n\n- **Low confidence**: more come.\n- No level here.\n";
        let Marked {
            judgments: found,
            unknown,
            ..
        } = mark(&events(md), 0, &crate::words::Lookup::english());
        assert!(unknown.is_empty());
        let got: Vec<(&str, Option<Confidence>, &str)> = found
            .iter()
            .map(|j| (j.id.as_str(), j.confidence, j.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("judgment-1", Some(Confidence::High), "Troops stay."),
                ("judgment-2", Some(Confidence::Low), "more come."),
                ("judgment-3", None, "No level here."),
            ]
        );
    }

    #[test]
    fn an_unknown_level_is_reported_with_the_word() {
        let Marked {
            judgments: found,
            unknown,
            ..
        } = mark(
            &events("**Medium confidence:** Maybe.\n"),
            2,
            &crate::words::Lookup::english(),
        );
        assert_eq!(found[0].id, "judgment-3");
        assert_eq!(found[0].confidence, None);
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].word, "medium");
    }

    #[test]
    fn bold_text_that_is_no_marker_stays() {
        let Marked {
            events: out,
            judgments: found,
            unknown,
        } = mark(
            &events("**Important:** read this.\n"),
            0,
            &crate::words::Lookup::english(),
        );
        assert!(unknown.is_empty() && found[0].confidence.is_none());
        assert!(out.iter().any(|(e, _)| matches!(e, Event::Start(Tag::Strong))));
    }
}
