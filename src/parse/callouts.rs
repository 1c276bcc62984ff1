//! Callouts: blockquotes that open with a `[!KIND]` marker, as GitHub's alerts do
//! (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`), plus the kinds
//! analyses need: `[!KEY JUDGMENT]` and `[!ASSESSMENT]`. Text after the marker on its
//! line is the callout's title. `[!PULLQUOTE]` is declared here too: it shares the
//! marker, but renders as a pull quote (see [`Shape`]).

use pulldown_cmark::{BlockQuoteKind, Event, Tag, TagEnd};

/// A callout kind: its class name, its default title and how it renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    pub class: &'static str,
    /// The theme word of its title when the marker gives none (`dossier_callout_note`).
    pub title: &'static str,
    pub shape: Shape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A titled box (`role="note"`).
    Callout,
    /// Text repeated from the article in large type. It is hidden from screen readers,
    /// which have already read the text, so it may hold nothing focusable; text after
    /// its marker is the start of the quote rather than a title.
    PullQuote,
}

/// Every kind, by the names a marker may use (compared without case, `-` as a space).
pub(crate) const KINDS: &[(&str, Kind)] = &[
    (
        "note",
        Kind {
            class: "note",
            title: "dossier_callout_note",
            shape: Shape::Callout,
        },
    ),
    (
        "tip",
        Kind {
            class: "tip",
            title: "dossier_callout_tip",
            shape: Shape::Callout,
        },
    ),
    (
        "important",
        Kind {
            class: "important",
            title: "dossier_callout_important",
            shape: Shape::Callout,
        },
    ),
    (
        "warning",
        Kind {
            class: "warning",
            title: "dossier_callout_warning",
            shape: Shape::Callout,
        },
    ),
    (
        "caution",
        Kind {
            class: "caution",
            title: "dossier_callout_caution",
            shape: Shape::Callout,
        },
    ),
    (
        "key judgment",
        Kind {
            class: "key-judgment",
            title: "dossier_callout_key_judgment",
            shape: Shape::Callout,
        },
    ),
    (
        "key judgement",
        Kind {
            class: "key-judgment",
            title: "dossier_callout_key_judgment",
            shape: Shape::Callout,
        },
    ),
    (
        "assessment",
        Kind {
            class: "assessment",
            title: "dossier_callout_assessment",
            shape: Shape::Callout,
        },
    ),
    (
        "pullquote",
        Kind {
            class: "pullquote",
            title: "dossier_callout_pullquote",
            shape: Shape::PullQuote,
        },
    ),
    (
        "pull quote",
        Kind {
            class: "pullquote",
            title: "dossier_callout_pullquote",
            shape: Shape::PullQuote,
        },
    ),
];

pub(crate) fn kind_named(name: &str) -> Option<Kind> {
    let name = name.trim().to_lowercase().replace(['-', '_'], " ");
    KINDS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

/// The kind pulldown-cmark recognised itself (GitHub's five).
pub(crate) fn from_github(kind: BlockQuoteKind) -> Kind {
    let name = match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    };
    kind_named(name).expect("GitHub's kinds are in KINDS")
}

/// A `[!NAME] title` marker at the start of a blockquote's first line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    pub name: String,
    pub title: Option<String>,
    /// How many of the blockquote's inner events the marker line takes.
    pub events: usize,
}

/// Reads a marker from a blockquote's inner events (those after its start). Only the
/// first line is read, and only as far as it could still be a marker, so that finding no
/// marker costs little however long the line.
pub(crate) fn marker<'a, 'b: 'a>(inner: impl IntoIterator<Item = &'a Event<'b>>) -> Option<Marker> {
    let mut inner = inner.into_iter();
    if !matches!(inner.next(), Some(Event::Start(Tag::Paragraph))) {
        return None;
    }
    // The first line's text, which pulldown-cmark splits at the brackets.
    let mut line = String::new();
    let mut taken = 1;
    for e in inner {
        match e {
            Event::Text(t) => {
                line.push_str(t);
                if !line.starts_with("[!") && !"[!".starts_with(line.as_str()) {
                    return None;
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                taken += 1;
                break;
            }
            Event::End(TagEnd::Paragraph) => break,
            _ => return None,
        }
        taken += 1;
    }
    let rest = line.strip_prefix("[!")?;
    let (name, after) = rest.split_once(']')?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
    {
        return None;
    }
    let title = after.trim();
    Some(Marker {
        name: name.to_owned(),
        title: (!title.is_empty()).then(|| title.to_owned()),
        events: taken,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn inner(text: &str) -> Vec<Event<'_>> {
        let events: Vec<Event> = Parser::new_ext(text, Options::ENABLE_GFM).collect();
        events[1..events.len() - 1].to_vec()
    }

    #[test]
    fn markers_with_and_without_titles() {
        let m = marker(&inner("> [!KEY JUDGMENT]\n> We assess.\n")).unwrap();
        assert_eq!((m.name.as_str(), m.title, m.events), ("KEY JUDGMENT", None, 5));
        let m = marker(&inner("> [!assessment] Troop numbers\n> Body.\n")).unwrap();
        assert_eq!(m.title.as_deref(), Some("Troop numbers"));
        assert_eq!(marker(&inner("> Just a quote [!NOTE]\n")), None);
        assert_eq!(marker(&inner("> [a link](x)\n")), None);
    }

    #[test]
    fn kinds_by_name() {
        assert_eq!(kind_named("Key-Judgment").unwrap().class, "key-judgment");
        assert_eq!(
            kind_named("key judgement").unwrap().title,
            "dossier_callout_key_judgment"
        );
        assert!(kind_named("opinion").is_none());
        assert_eq!(kind_named("PULL-QUOTE").unwrap().shape, Shape::PullQuote);
        assert_eq!(kind_named("pullquote").unwrap().shape, Shape::PullQuote);
        assert_eq!(kind_named("note").unwrap().shape, Shape::Callout);
    }
}
