//! Where a key is written in a file, for diagnostics about a value that parsed but is
//! wrong: config.toml and front matter. A leaf module, so config, the model and render can
//! all point at a key without importing each other.
//!
//! TOML (config.toml, `+++` front matter) is parsed again with the `toml` crate's spans
//! (`toml::de::DeTable`), so a key is found where the parser found it: `[sources] style`
//! is not `[markdown.highlighting] style`, and a key named in a string or a comment is no
//! key. YAML front matter (`---`) is parsed again by `granit-parser`, the parser under
//! serde-saphyr, whose events carry spans: a key is a scalar in a mapping's key place, so
//! `date:` inside a block of text or a quoted title is not the `date` key. Only text that
//! parses neither way (its own error was reported) is searched line by line.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Lines, Location};

/// Where `key` is first written in `text` (config.toml or a content file with its front
/// matter), at any depth; the file itself when it is not found.
pub(crate) fn key_location(path: impl AsRef<Path>, text: &str, key: &str) -> Location {
    let path = path.as_ref();
    match toml_part(text) {
        Some((offset, toml)) => match DeTable::parse(toml) {
            Ok(table) => match first_key(table.get_ref(), key) {
                Some(span) => Location::at_offset(path, text, offset + span.start),
                None => Location::file(path),
            },
            Err(_) => key_line_location(path, text, key),
        },
        None => match yaml_part(text) {
            Some((offset, yaml)) => match yaml_first_key(yaml, key) {
                Ok(Some(at)) => Location::at_offset(path, text, offset + at),
                Ok(None) => Location::file(path),
                Err(()) => key_line_location(path, text, key),
            },
            None => key_line_location(path, text, key),
        },
    }
}

/// The YAML front matter in `text` (between `---` lines) and its offset.
fn yaml_part(text: &str) -> Option<(usize, &str)> {
    let no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - no_bom.len();
    let first_end = no_bom.find('\n').map_or(no_bom.len(), |i| i + 1);
    if no_bom[..first_end].trim_end() != "---" {
        return None;
    }
    let start = bom + first_end;
    let mut pos = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((start, &text[start..pos]));
        }
        pos += line.len();
    }
    None
}

/// One step of a path into YAML: a mapping's key or a sequence's index.
#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Paths into a YAML document with the byte offsets where they are written.
type Outline = Vec<(Vec<Step>, usize)>;

/// Every key of a YAML document and every item of its sequences, as its path from the
/// top with the byte offset where it is written, in document order; `Err` when the YAML
/// does not parse. Front matter is small, so whole paths are cheap.
fn yaml_outline(yaml: &str) -> Result<Outline, ()> {
    use granit_parser::{Event, Parser};
    enum Open {
        /// A mapping: whether its next node is a key, and the key whose value is next.
        Map { next_is_key: bool, key: String },
        /// A sequence, and the index of its next item.
        Seq { next: usize },
    }
    fn path(open: &[Open]) -> Vec<Step> {
        open.iter()
            .map(|o| match o {
                Open::Map { key, .. } => Step::Key(key.clone()),
                Open::Seq { next } => Step::Index(*next),
            })
            .collect()
    }
    // A node ended: in a mapping a key is followed by its value and a value by a key; in
    // a sequence the next item begins.
    fn ended(open: &mut [Open]) {
        match open.last_mut() {
            Some(Open::Map { next_is_key, .. }) => *next_is_key = !*next_is_key,
            Some(Open::Seq { next }) => *next += 1,
            None => {}
        }
    }
    let mut open: Vec<Open> = Vec::new();
    let mut out = Vec::new();
    for event in Parser::new_from_str(yaml) {
        let (event, span) = event.map_err(|_| ())?;
        let at = span.start.byte_offset();
        let starts_node = matches!(
            event,
            Event::Scalar(..) | Event::Alias(_) | Event::MappingStart(..) | Event::SequenceStart(..)
        );
        if starts_node && let (Some(Open::Seq { .. }), Some(at)) = (open.last(), at) {
            out.push((path(&open), at));
        }
        match event {
            Event::Scalar(value, ..) => {
                if let Some(Open::Map {
                    next_is_key: true,
                    key,
                }) = open.last_mut()
                {
                    *key = value.into_owned();
                    if let Some(at) = at {
                        // The path ends in this mapping's key: the one just read.
                        out.push((path(&open), at));
                    }
                }
                ended(&mut open);
            }
            Event::Alias(_) => ended(&mut open),
            Event::MappingStart(..) => open.push(Open::Map {
                next_is_key: true,
                key: String::new(),
            }),
            Event::SequenceStart(..) => open.push(Open::Seq { next: 0 }),
            Event::MappingEnd | Event::SequenceEnd => {
                open.pop();
                ended(&mut open);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The byte offset of the first place `key` is written as a mapping key in `yaml`, at any
/// depth; `Err` when the YAML does not parse.
fn yaml_first_key(yaml: &str, key: &str) -> Result<Option<usize>, ()> {
    Ok(yaml_outline(yaml)?
        .into_iter()
        .find(|(path, _)| path.last() == Some(&Step::Key(key.to_owned())))
        .map(|(_, at)| at))
}

/// Where the key at `keys` is written in a TOML document: `["markdown", "highlighting",
/// "style"]`; an array of tables is followed by the index of one (`["taxonomies", "1",
/// "name"]`).
pub(crate) fn key_span(table: &DeTable, keys: &[&str]) -> Option<Range<usize>> {
    let (last, path) = keys.split_last()?;
    let mut current = table;
    let mut path = path.iter();
    while let Some(key) = path.next() {
        let mut value = current.iter().find(|(k, _)| k.get_ref() == key)?.1.get_ref();
        if let DeValue::Array(items) = value {
            value = items.get(path.next()?.parse::<usize>().ok()?)?.get_ref();
        }
        let DeValue::Table(t) = value else {
            return None;
        };
        current = t;
    }
    current
        .iter()
        .find(|(k, _)| k.get_ref() == last)
        .map(|(k, _)| k.span())
}

/// The earliest place `key` is written as a key in `table`, at any depth.
fn first_key(table: &DeTable, key: &str) -> Option<Range<usize>> {
    fn in_table(table: &DeTable, key: &str, best: &mut Option<Range<usize>>) {
        for (k, v) in table.iter() {
            if k.get_ref() == key && best.as_ref().is_none_or(|b| k.span().start < b.start) {
                *best = Some(k.span());
            }
            in_value(v.get_ref(), key, best);
        }
    }
    fn in_value(value: &DeValue, key: &str, best: &mut Option<Range<usize>>) {
        match value {
            DeValue::Table(t) => in_table(t, key, best),
            DeValue::Array(items) => items.iter().for_each(|item| in_value(item.get_ref(), key, best)),
            _ => {}
        }
    }
    let mut best = None;
    in_table(table, key, &mut best);
    best
}

/// The TOML in `text` and its offset: the front matter between `+++` lines, or the whole
/// text when it has no front matter (config.toml); `None` for YAML front matter (`---`)
/// or `+++` never closed.
fn toml_part(text: &str) -> Option<(usize, &str)> {
    let no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - no_bom.len();
    let first_end = no_bom.find('\n').map_or(no_bom.len(), |i| i + 1);
    match no_bom[..first_end].trim_end() {
        "---" => None,
        "+++" => {
            let start = bom + first_end;
            let mut pos = start;
            for line in text[start..].split_inclusive('\n') {
                if line.trim_end() == "+++" {
                    return Some((start, &text[start..pos]));
                }
                pos += line.len();
            }
            None
        }
        _ => Some((0, text)),
    }
}

/// The entries of one front matter list (`events`, `watch`) of a file, to point at a key
/// of entry `n`. Parsed once per file, since a page may have many entries.
pub(crate) struct Entries<'a> {
    path: &'a Path,
    text: &'a str,
    list: &'a str,
    /// The TOML front matter, parsed, and its offset in `text`.
    toml: Option<(usize, DeTable<'a>)>,
    /// The YAML front matter's keys and items with their offsets in it, and its offset.
    yaml: Option<(usize, Outline)>,
    lines: Lines<'a>,
    /// Each entry's lines: where a TOML entry starts, and every place in front matter
    /// that does not parse. Not made for YAML that parses, whose outline has it all.
    blocks: Vec<(usize, usize)>,
}

impl<'a> Entries<'a> {
    pub(crate) fn new(path: &'a Path, text: &'a str, list: &'a str) -> Entries<'a> {
        let toml = toml_part(text)
            .and_then(|(offset, toml)| Some((offset, DeTable::parse(toml).ok()?.into_inner())));
        let yaml = yaml_part(text).and_then(|(offset, yaml)| Some((offset, yaml_outline(yaml).ok()?)));
        let blocks = if yaml.is_some() {
            Vec::new()
        } else {
            list_blocks(text, list)
        };
        Entries {
            path,
            text,
            list,
            toml,
            yaml,
            lines: Lines::new(text),
            blocks,
        }
    }

    /// Where entry `n` sets the first of `keys` it sets, else where the entry starts
    /// (else where the list is).
    pub(crate) fn location(&self, n: usize, keys: &[&str]) -> Location {
        if let Some((offset, table)) = &self.toml {
            let index = n.to_string();
            for key in keys {
                if let Some(span) = key_span(table, &[self.list, &index, key]) {
                    return self.lines.location(self.path, offset + span.start);
                }
            }
        }
        if let Some((offset, outline)) = &self.yaml {
            let list = Step::Key(self.list.to_owned());
            let item = [list, Step::Index(n)];
            let found = keys
                .iter()
                .find_map(|key| {
                    outline.iter().find(|(path, _)| {
                        path.len() == 3 && path[..2] == item && path[2] == Step::Key((*key).to_owned())
                    })
                })
                .or_else(|| outline.iter().find(|(path, _)| *path == item))
                .or_else(|| outline.iter().find(|(path, _)| path[..] == item[..1]));
            if let Some((_, at)) = found {
                return self.lines.location(self.path, offset + at);
            }
        }
        block_location(self.path, self.text, self.blocks.get(n), self.list, keys)
    }
}

/// The location of the first line that sets `key` (`key =` or `key:` or `[key]`): for
/// YAML front matter, and for TOML that does not parse.
fn key_line_location(path: &Path, text: &str, key: &str) -> Location {
    match key_line(text, key) {
        Some(line) => Location::at_line(path, text, line, Some(1)),
        None => Location::file(path),
    }
}

/// 1-based line number of the first line that sets `key`.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let t = line.trim_start().trim_start_matches('[').trim_start_matches('"');
            t.strip_prefix(key).is_some_and(|rest| {
                let rest = rest.trim_start_matches('"').trim_start();
                rest.starts_with('=')
                    || rest.starts_with(':')
                    || rest.starts_with(']')
                    || rest.starts_with('.')
            })
        })
        .map(|i| i + 1)
}

/// The lines (0-based, end exclusive) of each entry of the front matter's list `key`
/// (`events`, `watch`): TOML `[[key]]` tables (with their `[key.…]` subtables) or YAML
/// list items.
fn list_blocks(text: &str, key: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut blocks = Vec::new();
    let table = format!("[[{key}]]");
    let subtable = format!("[{key}.");
    let toml_starts: Vec<usize> = (0..lines.len()).filter(|i| lines[*i].trim() == table).collect();
    if !toml_starts.is_empty() {
        for &start in &toml_starts {
            let end = (start + 1..lines.len())
                .find(|i| {
                    let t = lines[*i].trim();
                    (t.starts_with('[') && !t.starts_with(&subtable)) || t == "+++"
                })
                .unwrap_or(lines.len());
            blocks.push((start, end));
        }
        return blocks;
    }
    let yaml_key = format!("{key}:");
    let Some(events_line) = lines
        .iter()
        .position(|l| l.trim_end() == yaml_key || l.starts_with(&yaml_key))
    else {
        return blocks;
    };
    let base = indent(lines[events_line]);
    let mut item_indent = None;
    let mut i = events_line + 1;
    while i < lines.len() {
        let l = lines[i];
        let t = l.trim_start();
        if !t.is_empty() && (indent(l) <= base && !t.starts_with('-') || t == "---") {
            break;
        }
        if t.starts_with("- ") && item_indent.is_none_or(|n| n == indent(l)) {
            item_indent = Some(indent(l));
            if let Some(last) = blocks.last_mut() {
                last.1 = i;
            }
            blocks.push((i, lines.len()));
        }
        i += 1;
    }
    if let Some(last) = blocks.last_mut() {
        last.1 = i;
    }
    blocks
}

/// The line in a list entry's block of the first of `keys` it sets, else the block's
/// first line (else the line of the list's `key`).
fn block_location(
    path: &std::path::Path,
    text: &str,
    block: Option<&(usize, usize)>,
    key: &str,
    keys: &[&str],
) -> Location {
    let Some(&(start, end)) = block else {
        return key_line_location(path, text, key);
    };
    let lines: Vec<&str> = text.lines().collect();
    for key in keys {
        for (i, line) in lines.iter().enumerate().take(end.min(lines.len())).skip(start) {
            let t = line.trim_start().trim_start_matches("- ").trim_start();
            if let Some(rest) = t.strip_prefix(key)
                && (rest.trim_start().starts_with('=') || rest.trim_start().starts_with(':'))
            {
                return Location::at_line(path, text, i + 1, Some(1));
            }
        }
    }
    Location::at_line(path, text, start + 1, Some(1))
}

#[cfg(test)]
mod tests {
    use super::key_location;

    fn at(text: &str, key: &str) -> (Option<usize>, Option<usize>) {
        let l = key_location("a.md", text, key);
        (l.line, l.column)
    }

    /// Regression: YAML front matter was searched line by line, so a line of a block of
    /// text that began with `date:` was taken for the `date` key.
    #[test]
    fn a_yaml_key_is_a_key_not_a_line_that_looks_like_one() {
        let text = "---\n\
                    description: |\n  \
                      date: not this one\n\
                    title: \"tags: nor this\"\n\
                    extra:\n  \
                      sources:\n    \
                        - slug: x\n\
                    date: 2024-10-28\n\
                    ---\nbody\n";
        assert_eq!(at(text, "date"), (Some(8), Some(1)));
        // At any depth, in sequences too: the first place it is a key.
        assert_eq!(at(text, "slug"), (Some(7), Some(7)));
        // Only ever a value here: not found, so the file.
        assert_eq!(at(text, "x"), (None, None));
    }

    #[test]
    fn a_toml_key_is_found_by_the_parser() {
        let text = "+++\ntitle = \"date = no\"\n[extra]\ndate = 1\n+++\n";
        assert_eq!(at(text, "date"), (Some(4), Some(1)));
    }

    /// An entry's key is found in that entry: not in an earlier one, not in a text that
    /// mentions it; an entry without the key is pointed at where it starts.
    #[test]
    fn a_yaml_list_entry_is_placed_by_the_parser() {
        let text = "---\n\
                    title: A\n\
                    events:\n  \
                      - title: \"date: in a title\"\n    \
                        date: 2024-10-01\n  \
                      - title: Second\n    \
                        notes: |\n      \
                          date: in a note\n    \
                        date: 2024-11-01\n  \
                      - title: Third\n\
                    ---\n";
        let entries = super::Entries::new(std::path::Path::new("a.md"), text, "events");
        let line = |n, keys: &[&str]| entries.location(n, keys).line;
        assert_eq!(line(0, &["date"]), Some(5));
        assert_eq!(line(1, &["date"]), Some(9));
        assert_eq!(line(1, &["end", "date"]), Some(9));
        assert_eq!(line(2, &["date"]), Some(10));
    }

    /// Front matter that does not parse had its own error; the line search still points
    /// near the key.
    #[test]
    fn yaml_that_does_not_parse_falls_back_to_the_line() {
        let text = "---\ntitle: [unclosed\ndate: 2024-10-28\n---\n";
        assert_eq!(at(text, "date").0, Some(3));
    }
}
