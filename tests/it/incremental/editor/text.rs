//! Reading and writing the parts of a page: front matter, the blocks of a body above and
//! below the summary marker, links, headings, dates in file names.

use regex::Regex;

/// Front matter (without the `+++` lines) and body of a page or section file.
pub(super) fn split_front(text: &str) -> Option<(String, String)> {
    let rest = text.strip_prefix("+++\n")?;
    let end = if rest.starts_with("+++\n") {
        0
    } else {
        rest.find("\n+++\n")? + 1
    };
    Some((rest[..end].to_owned(), rest[end + 4..].to_owned()))
}

pub(super) fn join_front(front: &str, body: &str) -> String {
    format!("+++\n{front}+++\n{body}")
}

const MORE: &str = "<!-- more -->";

/// A Markdown body as paragraphs-and-other-blocks, above and below the summary marker.
pub(super) struct Body {
    /// `Some` when the body has a `<!-- more -->` marker.
    pub(super) above: Option<Vec<String>>,
    pub(super) below: Vec<String>,
}

fn blocks(s: &str) -> Vec<String> {
    s.split("\n\n")
        .map(|b| b.trim_matches('\n'))
        .filter(|b| !b.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

impl Body {
    pub(super) fn parse(body: &str) -> Body {
        match body.split_once(MORE) {
            Some((a, b)) => Body {
                above: Some(blocks(a)),
                below: blocks(b),
            },
            None => Body {
                above: None,
                below: blocks(body),
            },
        }
    }

    pub(super) fn render(&self) -> String {
        let mut out = String::from("\n");
        if let Some(above) = &self.above {
            out.push_str(&above.join("\n\n"));
            out.push_str("\n\n");
            out.push_str(MORE);
            out.push_str("\n\n");
        }
        out.push_str(&self.below.join("\n\n"));
        out.push('\n');
        out
    }
}

/// A block an edit may change without changing what other pages see: no link, heading,
/// HTML, code or wikilink.
pub(super) fn is_plain(block: &str) -> bool {
    !["](", "#", "[[", "<", "`", "{", "|"]
        .iter()
        .any(|s| block.contains(s))
}

pub(super) fn has_link(block: &str) -> bool {
    block.contains("](@/")
}

pub(super) fn link_pattern() -> Regex {
    Regex::new(r#"@/([^)#"\s]+)(#[A-Za-z0-9_-]+)?([)"])"#).expect("valid pattern")
}

pub(super) fn heading_pattern() -> Regex {
    Regex::new(r"(?m)^## ([A-Za-z0-9 ]+)$").expect("valid pattern")
}

pub(super) fn heading_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
}

/// The table of a TOML front matter, or `None` if it does not parse.
pub(super) fn parse_table(front: &str) -> Option<toml::Table> {
    front.parse::<toml::Table>().ok()
}

/// TOML text for a front-matter table: plain keys first, then tables, as TOML requires.
pub(super) fn table_text(table: &toml::Table) -> String {
    let is_table = |v: &toml::Value| match v {
        toml::Value::Table(_) => true,
        toml::Value::Array(a) => !a.is_empty() && a.iter().all(|x| x.is_table()),
        _ => false,
    };
    let mut ordered = toml::Table::new();
    for (k, v) in table.iter().filter(|(_, v)| !is_table(v)) {
        ordered.insert(k.clone(), v.clone());
    }
    for (k, v) in table.iter().filter(|(_, v)| is_table(v)) {
        ordered.insert(k.clone(), v.clone());
    }
    let mut text = toml::to_string(&ordered).expect("front matter serialises");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

pub(super) fn date_value(s: &str) -> toml::Value {
    toml::Value::Datetime(s.parse().expect("valid TOML date"))
}

pub(super) fn is_draft(text: &str) -> bool {
    split_front(text)
        .and_then(|(f, _)| parse_table(&f))
        .and_then(|t| t.get("draft").and_then(toml::Value::as_bool))
        .unwrap_or(false)
}

pub(super) fn strip_date(name: &str) -> &str {
    let b = name.as_bytes();
    let dated = b.len() > 11
        && b[..10].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
        && (b[10] == b'-' || b[10] == b'_');
    if dated { &name[11..] } else { name }
}
