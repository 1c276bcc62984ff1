//! TOML errors as diagnostics: the line and column, the parser's first line, and for an
//! unknown key the closest known one. Used for config.toml and TOML front matter.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Location, did_you_mean};

/// Turns a TOML error into a diagnostic with the line, column and, for an unknown key,
/// the closest known key.
pub(crate) fn toml_error(
    path: impl AsRef<Path>,
    text: &str,
    err: &toml::de::Error,
    candidates: &[&str],
) -> Diagnostic {
    toml_error_at(path, text, 0, err, candidates)
}

/// Like [`toml_error`] for TOML that starts `offset` bytes into `text` (front matter).
pub(crate) fn toml_error_at(
    path: impl AsRef<Path>,
    text: &str,
    offset: usize,
    err: &toml::de::Error,
    candidates: &[&str],
) -> Diagnostic {
    let path = path.as_ref();
    let message = err.message().trim().to_owned();
    let location = match err.span() {
        Some(span) => Location::at_offset(path, text, offset + span.start),
        None => Location::file(path),
    };
    let hint = unknown_field(&message).and_then(|field| did_you_mean(field, candidates.iter().copied()));
    Diagnostic::error(first_line(&message))
        .at(location)
        .maybe_hint(hint)
}

/// The field name in serde's "unknown field `x`, expected …" message.
pub(crate) fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}

/// The first line of a parser's message, without serde's long "expected one of" list
/// (the hint names the likely key instead).
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message);
    match line.split_once(", expected one of") {
        Some((head, _)) if head.starts_with("unknown field") => head.to_owned(),
        _ => line.to_owned(),
    }
}
