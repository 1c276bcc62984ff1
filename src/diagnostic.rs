//! Problems found in the user's input, as data.
//!
//! Every stage returns diagnostics instead of printing or stopping, so `dossier check`
//! can report every problem in one run. A diagnostic knows where it happened (file, line,
//! column, the source line) and, for "unknown X" mistakes, what the user probably meant.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a source file. Lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The text of the line, to show under the message with a caret; for a long line,
    /// only the part around the column (see `SOURCE_EXCERPT`).
    pub source_line: Option<String>,
    /// Where the caret goes in `source_line` when that is part of a long line (else the
    /// caret is under `column`).
    pub source_column: Option<usize>,
}

/// How many bytes of a long line are shown on either side of a diagnostic's column. A
/// page may be one line of a megabyte with a problem every few words: copying the whole
/// line into each diagnostic would cost the line's length per problem.
pub(crate) const SOURCE_EXCERPT: usize = 120;

impl Location {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
            column: None,
            source_line: None,
            source_column: None,
        }
    }

    /// A location from a byte offset into `text`, the whole content of `path`. For many
    /// offsets into one text, `Lines::location` costs less.
    pub fn at_offset(path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        Lines::new(text).location(path, offset)
    }

    /// A location from a 1-based line (and column) of `text`.
    pub fn at_line(path: impl Into<PathBuf>, text: &str, line: usize, column: Option<usize>) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            column,
            source_line: text.lines().nth(line.saturating_sub(1)).map(str::to_owned),
            source_column: None,
        }
    }
}

/// Locations of offsets in one text. The line starts are found once, and a column is
/// counted from the previous offset asked for when that is earlier on the same line (as
/// it is when a document's problems are found in order), so that finding `n` locations
/// in a text of `m` bytes costs about `m + n log m`, not `n × m`.
pub(crate) struct Lines<'a> {
    text: &'a str,
    /// The byte offset of each line's start, found on first use.
    starts: std::cell::OnceCell<Vec<usize>>,
    /// The last offset located and its column.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lines {
            text,
            starts: std::cell::OnceCell::new(),
            last: std::cell::Cell::new((0, 1)),
        }
    }

    pub(crate) fn location(&self, path: impl Into<PathBuf>, offset: usize) -> Location {
        let text = self.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        let (last, last_column) = self.last.get();
        let column = if start <= last && last <= offset {
            last_column + text[last..offset].chars().count()
        } else {
            text[start..offset].chars().count() + 1
        };
        self.last.set((offset, column));
        let end = starts.get(line).map_or(text.len(), |next| next - 1);
        let full = text[start..end].strip_suffix('\r').unwrap_or(&text[start..end]);
        let (source_line, source_column) = if full.len() <= 3 * SOURCE_EXCERPT {
            (full.to_owned(), None)
        } else {
            let from = floor_char_boundary(text, offset.saturating_sub(SOURCE_EXCERPT).max(start));
            let mut to = (offset + SOURCE_EXCERPT).min(start + full.len());
            while !text.is_char_boundary(to) {
                to += 1;
            }
            let lead = if from > start { "…" } else { "" };
            let tail = if to < start + full.len() { "…" } else { "" };
            let caret = lead.chars().count() + text[from..offset].chars().count() + 1;
            (format!("{lead}{}{tail}", &text[from..to]), Some(caret))
        };
        Location {
            path: path.into(),
            line: Some(line),
            column: Some(column),
            // Past the last line break there is no line to show.
            source_line: (start < text.len()).then_some(source_line),
            source_column,
        }
    }
}

/// serde-saphyr's message without the place it wraps around it (`error: line 3 column 5:
/// …, at line 3 column 5`): the diagnostic shows the place itself.
pub(crate) fn yaml_message(full: &str) -> &str {
    let mut message = full.lines().next().unwrap_or(full).trim();
    message = message.strip_prefix("error:").unwrap_or(message).trim_start();
    if message.starts_with("line ")
        && let Some((_, rest)) = message.split_once(": ")
    {
        message = rest;
    }
    message.split(" at line ").next().unwrap_or(message)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Boxed to keep `Result<_, Diagnostic>` small.
    pub location: Option<Box<Location>>,
    pub hint: Option<String>,
    /// Extra lines shown after the message, such as a template engine's own report.
    pub detail: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            hint: None,
            detail: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, message)
    }

    /// A problem whose severity a setting decides (`[link_checker] internal_level`).
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn in_file(self, path: impl Into<PathBuf>) -> Self {
        self.at(Location::file(path))
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        if hint.is_some() {
            self.hint = hint;
        }
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.message)?;
        if let Some(loc) = &self.location {
            write!(f, "\n  --> {}", loc.path.display())?;
            if let Some(line) = loc.line {
                write!(f, ":{line}")?;
                if let Some(col) = loc.column {
                    write!(f, ":{col}")?;
                }
                if let Some(src) = &loc.source_line {
                    let gutter = line.to_string().len();
                    let pad = " ".repeat(gutter);
                    write!(f, "\n {pad} |\n {line} | {src}")?;
                    if let Some(col) = loc.source_column.or(loc.column) {
                        let spaces: String = src
                            .chars()
                            .take(col.saturating_sub(1))
                            .map(|c| if c == '\t' { '\t' } else { ' ' })
                            .collect();
                        write!(f, "\n {pad} | {spaces}^")?;
                    }
                }
            }
        }
        if let Some(detail) = &self.detail {
            for line in detail.lines() {
                write!(f, "\n   {line}")?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n   = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Diagnostics collected by a stage.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Orders diagnostics by file and line so output does not depend on thread timing.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (l.path.clone(), l.line.unwrap_or(0), l.column.unwrap_or(0)))
            };
            key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
        });
        self.0.dedup();
        self
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// "did you mean `x`?" for the closest candidate, if any is close enough to be a typo.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate closest to `input` by edit distance, if it is plausibly a typo of it.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input_lower = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&input_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(input.chars().count()) / 3).max(2))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Displays a path relative to the site root when it is inside it.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "a\nbcd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 2));
        assert_eq!(line_col(text, 6), (3, 1));
    }

    #[test]
    fn lines_locate_like_line_col_in_any_order() {
        let text = "ab\r\nçd e\n\nlast";
        let lines = Lines::new(text);
        for offset in [0, 3, 4, 7, 8, 2, 9, 10, 14, 12] {
            let at = lines.location("a.md", offset);
            let (line, column) = line_col(text, offset);
            assert_eq!(
                (at.line, at.column),
                (Some(line), Some(column)),
                "offset {offset}"
            );
        }
        assert_eq!(lines.location("a.md", 4).source_line.as_deref(), Some("çd e"));
        assert_eq!(lines.location("a.md", 0).source_line.as_deref(), Some("ab"));
        assert_eq!(Lines::new("a\n").location("a.md", 2).source_line, None);
    }

    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let text = format!("{}[x]{}", "word ".repeat(1000), " more".repeat(1000));
        let offset = 5000;
        let at = Location::at_offset("a.md", &text, offset);
        let src = at.source_line.as_deref().unwrap();
        assert!(src.starts_with('…') && src.ends_with('…'), "{src}");
        assert!(src.chars().count() <= 2 * SOURCE_EXCERPT + 2, "{src}");
        assert_eq!(at.column, Some(5001));
        // The caret is under the `[` in the excerpt.
        let caret = at.source_column.unwrap();
        assert_eq!(src.chars().nth(caret - 1), Some('['));
        let shown = Diagnostic::error("bad").at(at).to_string();
        let caret_line = shown.lines().last().unwrap();
        // After the gutter ` 1 | ` (five characters).
        assert_eq!(caret_line.find('^').unwrap() - 5, caret - 1, "{shown}");
    }

    #[test]
    fn suggestion_finds_typos_only() {
        let keys = ["base_url", "title", "description"];
        assert_eq!(closest("base_ur", keys), Some("base_url"));
        assert_eq!(closest("titel", keys), Some("title"));
        assert_eq!(closest("zzzzzzzz", keys), None);
    }

    #[test]
    fn display_shows_source_line_and_caret() {
        let d = Diagnostic::error("bad")
            .at(Location::at_line("a.md", "x\ntitel = 1\n", 2, Some(1)))
            .hint("did you mean `title`?");
        let shown = d.to_string();
        assert!(shown.contains("--> a.md:2:1"), "{shown}");
        assert!(shown.contains("2 | titel = 1"), "{shown}");
        assert!(shown.contains("= hint: did you mean `title`?"), "{shown}");
    }
}
