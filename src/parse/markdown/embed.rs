//! Puts the output of `.html` shortcodes where their placeholders are in the parsed
//! Markdown (see `parse::shortcodes`): a paragraph holding only a placeholder becomes the
//! HTML itself (so a `<div>` is not wrapped in `<p>`), a placeholder in text becomes
//! inline HTML, and one in code, raw HTML or a link's address becomes the output's text
//! there, as Zola does.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag};

use crate::parse::shortcodes::{PLACEHOLDER_END, PLACEHOLDER_START};

/// One piece of a text holding placeholders.
enum Part<'t> {
    Text(&'t str),
    /// A shortcode's output.
    Output(&'t str),
}

/// `text` cut at each placeholder that names one of `html`; other text, an unknown
/// number included, stays text.
fn parts<'t>(text: &'t str, html: &'t [String]) -> Vec<Part<'t>> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(PLACEHOLDER_START) {
        let after = &rest[start + PLACEHOLDER_START.len_utf8()..];
        let found = after
            .find(PLACEHOLDER_END)
            .and_then(|end| Some((html.get(after[..end].parse::<usize>().ok()?)?, end)));
        match found {
            Some((output, end)) => {
                if start > 0 {
                    parts.push(Part::Text(&rest[..start]));
                }
                parts.push(Part::Output(output));
                rest = &after[end + PLACEHOLDER_END.len_utf8()..];
            }
            None => {
                let keep = start + PLACEHOLDER_START.len_utf8();
                parts.push(Part::Text(&rest[..keep]));
                rest = &rest[keep..];
            }
        }
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest));
    }
    parts
}

/// `text` with every placeholder replaced by its output.
fn filled<'a>(text: CowStr<'a>, html: &[String]) -> CowStr<'a> {
    if !text.contains(PLACEHOLDER_START) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for part in parts(&text, html) {
        match part {
            Part::Text(t) | Part::Output(t) => out.push_str(t),
        }
    }
    CowStr::from(out)
}

/// The events with the shortcodes' outputs in place.
pub(super) fn place<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    html: &[String],
) -> Vec<(Event<'a>, Range<usize>)> {
    // `<p>{placeholder}</p>`: the output alone, not in a paragraph.
    let alone = |i: usize| match (events.get(i + 1), events.get(i + 2)) {
        (Some((Event::Text(t), _)), Some((Event::End(pulldown_cmark::TagEnd::Paragraph), _))) => {
            match parts(t.trim(), html)[..] {
                [Part::Output(output)] => Some(output.to_owned()),
                _ => None,
            }
        }
        _ => None,
    };
    let unwrapped: Vec<Option<String>> = (0..events.len())
        .map(|i| match events[i].0 {
            Event::Start(Tag::Paragraph) => alone(i),
            _ => None,
        })
        .collect();
    let mut out = Vec::with_capacity(events.len());
    let mut in_code = false;
    let mut skip = 0;
    for ((event, range), unwrapped) in events.into_iter().zip(unwrapped) {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if let Some(output) = unwrapped {
            out.push((Event::Html(CowStr::from(output)), range));
            skip = 2;
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                out.push((Event::Start(Tag::CodeBlock(kind)), range));
            }
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                in_code = false;
                out.push((event, range));
            }
            Event::Text(t) if !in_code && t.contains(PLACEHOLDER_START) => {
                for part in parts(&t, html) {
                    let event = match part {
                        Part::Text(t) => Event::Text(CowStr::from(t.to_owned())),
                        Part::Output(o) => Event::InlineHtml(CowStr::from(o.to_owned())),
                    };
                    out.push((event, range.clone()));
                }
            }
            Event::Text(t) => out.push((Event::Text(filled(t, html)), range)),
            Event::Code(t) => out.push((Event::Code(filled(t, html)), range)),
            Event::Html(t) => out.push((Event::Html(filled(t, html)), range)),
            Event::InlineHtml(t) => out.push((Event::InlineHtml(filled(t, html)), range)),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push((
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: filled(dest_url, html),
                    title: filled(title, html),
                    id,
                }),
                range,
            )),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push((
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: filled(dest_url, html),
                    title: filled(title, html),
                    id,
                }),
                range,
            )),
            other => out.push((other, range)),
        }
    }
    out
}
