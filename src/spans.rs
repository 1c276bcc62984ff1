//! Where a key is written in a file, for diagnostics about a value that parsed but is
//! wrong: config.toml and front matter. A leaf module, so config, the model and render can
//! all point at a key without importing each other.

use std::path::Path;

use crate::diagnostic::Location;

/// The location of the first line that sets `key` (`key =` or `key:` or `[key]`).
pub fn key_location(path: impl AsRef<Path>, text: &str, key: &str) -> Location {
    match key_line(text, key) {
        Some(line) => Location::at_line(path.as_ref(), text, line, Some(1)),
        None => Location::file(path.as_ref()),
    }
}

/// 1-based line number of the first line that sets `key`.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
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
pub fn list_blocks(text: &str, key: &str) -> Vec<(usize, usize)> {
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
pub fn block_location(
    path: &std::path::Path,
    text: &str,
    block: Option<&(usize, usize)>,
    key: &str,
    keys: &[&str],
) -> Location {
    let Some(&(start, end)) = block else {
        return key_location(path, text, key);
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
