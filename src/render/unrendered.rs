//! Why outputs were not made, as the build says it: each output's own error, and the
//! outputs that could not be written for one reason (the same error from the system)
//! once. A full disk fails every output alike, and 39,000 lines of "cannot write" would
//! bury the cause under its consequences.

use std::io;

use crate::diagnostic::Diagnostic;

/// Why one output was not made.
#[derive(Debug)]
pub(crate) enum Unrendered {
    /// Its bytes could not be written at its path.
    Unwritten(String, io::Error),
    /// Anything else: a template's error, a page's HTML that could not be read back.
    Failed(Diagnostic),
}

impl From<Diagnostic> for Unrendered {
    fn from(d: Diagnostic) -> Unrendered {
        Unrendered::Failed(d)
    }
}

/// `errors`, in the order given, as diagnostics: the outputs left unwritten by the same
/// error said at the first of them, with how many more it stopped.
pub(crate) fn said(errors: Vec<Unrendered>) -> Vec<Diagnostic> {
    let why = |e: &io::Error| e.to_string();
    let mut alike: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for e in &errors {
        if let Unrendered::Unwritten(_, error) = e {
            *alike.entry(why(error)).or_default() += 1;
        }
    }
    errors
        .into_iter()
        .filter_map(|e| match e {
            Unrendered::Failed(d) => Some(d),
            Unrendered::Unwritten(path, error) => {
                // Taken at the first, so the others are left out.
                let count = alike.remove(&why(&error))?;
                Some(unwritten(&path, &error, count - 1))
            }
        })
        .collect()
}

/// The error of output `path`, not written for `error`, and of `more` others like it.
fn unwritten(path: &str, error: &io::Error, more: usize) -> Diagnostic {
    let message = match more {
        0 => format!("cannot write {path}: {error}"),
        1 => format!("cannot write {path} or 1 other output: {error}"),
        n => format!("cannot write {path} or {n} other outputs: {error}"),
    };
    let hint = match error.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            Some("free some space on the disk, or build into a folder on another one with --output-dir")
        }
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            Some("build into a folder you can write to, with --output-dir")
        }
        _ => None,
    };
    Diagnostic::error(message).maybe_hint(hint.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> io::Error {
        io::Error::from(io::ErrorKind::StorageFull)
    }

    #[test]
    fn outputs_unwritten_for_one_reason_are_said_once_at_the_first() {
        let errors = vec![
            Unrendered::Failed(Diagnostic::error("a template failed")),
            Unrendered::Unwritten("404.html".into(), full()),
            Unrendered::Unwritten("a/index.html".into(), full()),
            Unrendered::Unwritten("b/index.html".into(), io::Error::other("a broken pipe")),
            Unrendered::Unwritten("c/index.html".into(), full()),
        ];
        let said: Vec<String> = said(errors).iter().map(|d| d.to_string()).collect();
        assert_eq!(said.len(), 3, "{said:#?}");
        assert!(said[0].contains("a template failed"));
        assert!(
            said[1].contains("cannot write 404.html or 2 other outputs: "),
            "{}",
            said[1]
        );
        assert!(said[1].contains("free some space on the disk"), "{}", said[1]);
        assert!(
            said[2].contains("cannot write b/index.html: a broken pipe"),
            "{}",
            said[2]
        );
        assert!(!said[2].contains("other output"), "{}", said[2]);
    }

    #[test]
    fn one_output_unwritten_is_said_as_it_is() {
        let said = said(vec![Unrendered::Unwritten("x.html".into(), full())]);
        assert_eq!(said.len(), 1);
        assert!(!said[0].to_string().contains("other output"));
    }
}
