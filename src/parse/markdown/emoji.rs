//! Zola's `render_emoji`: a GitHub shortcode between colons in text (`:smile:`,
//! `:+1:`) becomes the emoji it names, as Zola writes it, also between inline HTML tags;
//! code, HTML blocks and unknown names are left as written. The names are GitHub's (gemoji), from the `emojis` crate.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// `events` with the shortcodes in their text replaced. Adjacent text events are joined
/// first: the parser may split a run of text where a `:name:` sits.
pub(super) fn render(events: Vec<(Event<'_>, Range<usize>)>) -> Vec<(Event<'_>, Range<usize>)> {
    let mut out: Vec<(Event, Range<usize>)> = Vec::with_capacity(events.len());
    let mut in_code = false;
    for (event, range) in events {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code => {
                if let Some((Event::Text(before), before_range)) = out.last_mut()
                    && before_range.end == range.start
                {
                    *before = CowStr::from(format!("{before}{t}"));
                    before_range.end = range.end;
                    continue;
                }
            }
            _ => {}
        }
        out.push((event, range));
    }
    let mut in_code = false;
    for (event, _) in &mut out {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code && t.contains(':') => {
                if let Some(replaced) = replaced(t) {
                    *t = CowStr::from(replaced);
                }
            }
            _ => {}
        }
    }
    out
}

/// `text` with each known `:name:` replaced, or `None` when it holds none. A name is
/// what Zola's pattern takes: a lowercase letter, a digit, `+` or `-`, then lowercase
/// letters, digits, `_` and `-`.
fn replaced(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(open) = rest.find(':') {
        let after = &rest[open + 1..];
        let name_len = after
            .char_indices()
            .take_while(|(i, c)| match i {
                0 => c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '+' || *c == '-',
                _ => c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-',
            })
            .count();
        let found = (name_len > 0 && after[name_len..].starts_with(':'))
            .then(|| emojis::get_by_shortcode(&after[..name_len]))
            .flatten();
        match found {
            Some(emoji) => {
                out.push_str(&rest[..open]);
                out.push_str(emoji.as_str());
                rest = &after[name_len + 1..];
                changed = true;
            }
            None => {
                // Not a shortcode: keep the colon and look again after it, so the
                // closing colon of `at 10:30:smile:` can still open one.
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::replaced;

    #[test]
    fn known_shortcodes_become_emoji_and_the_rest_stays() {
        assert_eq!(
            replaced("Good :smile: work :+1:").as_deref(),
            Some("Good 😄 work 👍")
        );
        assert_eq!(replaced("at 10:30:tada:").as_deref(), Some("at 10:30🎉"));
        assert_eq!(replaced(":heavy_check_mark: done").as_deref(), Some("✔️ done"));
        // Unknown names, capitals, spaces and lone colons are text.
        for text in [":nosuchemoji:", ":Smile:", ": smile :", "ratio 3:2", "::", ":"] {
            assert_eq!(replaced(text), None, "{text:?}");
        }
    }
}
