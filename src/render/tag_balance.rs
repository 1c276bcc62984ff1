//! Finds the block tag a template forgot to close.
//!
//! Tera reports a missing `{% endif %}` where it gives up, at the next closing tag
//! (`Unknown tag` at `{% endblock %}`), which is often lines away from the mistake and
//! never names it. When a template fails to parse, this pairs its block tags itself, so
//! the error can name the tag left open, where it opened, and what closes it.

/// A block tag left open, or a closing tag that closes nothing.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Imbalance {
    /// `tag` opened at `at` is still open at `before` (a closing tag of another kind), or
    /// at the end of the template (`None`).
    Unclosed {
        tag: String,
        at: Position,
        before: Option<(String, Position)>,
    },
    /// A closing tag (`endif`) with nothing of its kind open.
    Stray { tag: String, at: Position },
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub line: usize,
    pub column: usize,
}

/// Tags that open a block, and the tag that closes each.
const BLOCKS: &[(&str, &str)] = &[
    ("if", "endif"),
    ("for", "endfor"),
    ("block", "endblock"),
    ("macro", "endmacro"),
    ("filter", "endfilter"),
    ("set", "endset"),
    ("component", "endcomponent"),
];

/// The first imbalance in `text`, if its block tags do not pair up.
pub(crate) fn find(text: &str) -> Option<Imbalance> {
    let mut open: Vec<(&str, Position)> = Vec::new();
    let mut rest = 0;
    while let Some(start) = next_tag(text, rest) {
        let Some(len) = text[start..].find("%}") else {
            break;
        };
        let inner = text[start + 2..start + len].trim_matches(|c: char| c == '-' || c.is_whitespace());
        rest = start + len + 2;
        let word = inner
            .split(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or("");
        let at = position(text, start);
        if word == "raw" {
            // Nothing inside `raw` is a tag.
            match text[rest..].find("endraw") {
                Some(end) => rest += end + "endraw".len(),
                None => return Some(unclosed("raw", at, None)),
            }
        } else if BLOCKS.iter().any(|(o, _)| *o == word) && !is_inline_set(word, inner) {
            open.push((word, at));
        } else if let Some((opener, _)) = BLOCKS.iter().find(|(_, c)| *c == word) {
            match open.last() {
                Some((top, _)) if top == opener => {
                    open.pop();
                }
                Some((top, top_at)) => return Some(unclosed(top, *top_at, Some((word.to_owned(), at)))),
                None => {
                    return Some(Imbalance::Stray {
                        tag: word.to_owned(),
                        at,
                    });
                }
            }
        }
    }
    open.pop().map(|(tag, at)| unclosed(tag, at, None))
}

/// `{% set x = 1 %}` is a whole tag; only `{% set x %}…{% endset %}` is a block.
fn is_inline_set(word: &str, inner: &str) -> bool {
    word == "set" && inner.contains('=')
}

fn unclosed(tag: &str, at: Position, before: Option<(String, Position)>) -> Imbalance {
    Imbalance::Unclosed {
        tag: tag.to_owned(),
        at,
        before,
    }
}

/// The next `{%` at or after `from`, skipping `{# comments #}`.
fn next_tag(text: &str, mut from: usize) -> Option<usize> {
    loop {
        let tag = text[from..].find("{%").map(|i| from + i);
        let comment = text[from..].find("{#").map(|i| from + i);
        match (tag, comment) {
            (Some(t), Some(c)) if c < t => {
                from = text[c..].find("#}").map(|i| c + i + 2)?;
            }
            (tag, _) => return tag,
        }
    }
}

fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    Position { line, column }
}

/// The closing tag for `opener`.
pub(crate) fn closer(opener: &str) -> String {
    BLOCKS
        .iter()
        .find(|(o, _)| *o == opener)
        .map_or_else(|| format!("end{opener}"), |(_, c)| (*c).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn an_if_left_open_inside_a_block() {
        let text = "{% block title %}{{ a }}{% if b %} · {{ b }}{% endblock title %}\n";
        assert_eq!(
            find(text),
            Some(Imbalance::Unclosed {
                tag: "if".into(),
                at: at(1, 25),
                before: Some(("endblock".into(), at(1, 45))),
            })
        );
    }

    #[test]
    fn a_for_left_open_at_the_end() {
        let text = "{% for p in pages %}\n  {% if p.x %}x{% else %}y{% endif %}\n";
        assert_eq!(
            find(text),
            Some(Imbalance::Unclosed {
                tag: "for".into(),
                at: at(1, 1),
                before: None
            })
        );
    }

    #[test]
    fn balanced_templates_comments_raw_and_trim_markers() {
        let text = "{# {% if %} #}{%- if a -%}{% raw %}{% for %}{% endraw %}{%- endif -%}\n\
                    {% macro m(x) %}{{ x }}{% endmacro m %}{% set y = 1 %}{% set z %}z{% endset %}";
        assert_eq!(find(text), None);
    }

    #[test]
    fn a_closing_tag_with_nothing_open() {
        assert_eq!(
            find("a\n{% endfor %}"),
            Some(Imbalance::Stray {
                tag: "endfor".into(),
                at: at(2, 1)
            })
        );
    }
}
