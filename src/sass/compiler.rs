//! Compiling one stylesheet with grass, in whichever process runs it. What comes out is
//! data ([`Outcome`]) that can cross a pipe as JSON, so the worker process and an
//! in-process compile report the same way.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// The CSS of one stylesheet, or why there is none, and what it said on the way.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Outcome {
    pub css: Option<String>,
    pub messages: Vec<Message>,
}

/// A problem or an `@warn`/`@debug`, where the compiler placed it (1-based).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Message {
    pub error: bool,
    pub text: String,
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub hint: Option<String>,
}

impl Message {
    pub(super) fn error(file: &Path, text: impl Into<String>, hint: &str) -> Message {
        Message {
            error: true,
            text: text.into(),
            file: file.to_path_buf(),
            line: None,
            column: None,
            hint: Some(hint.to_owned()),
        }
    }
}

/// Compiles `file` (compressed, as Zola writes it), reading only inside `root`.
pub(super) fn compile_file(root: &Path, file: &Path) -> Outcome {
    let fs = SiteFiles::new(root);
    let logger = Messages::default();
    let options = grass_compiler::Options::default()
        .style(grass_compiler::OutputStyle::Compressed)
        .fs(&fs)
        .logger(&logger);
    // A panic in the compiler is this file's problem, reported as such. (A stack
    // overflow cannot be caught: that is why the build compiles in a child process.)
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        grass_compiler::from_path(file, &options)
    }));
    let mut messages = logger.found.into_inner().unwrap_or_else(|e| e.into_inner());
    let css = match result {
        Ok(Ok(css)) => Some(css),
        Ok(Err(e)) => {
            messages.push(error(file, *e));
            None
        }
        Err(_) => {
            messages.push(Message::error(
                file,
                "the Sass compiler failed on this stylesheet",
                "simplify the stylesheet to find the rule it cannot compile",
            ));
            None
        }
    };
    Outcome { css, messages }
}

fn error(file: &Path, e: grass_compiler::Error) -> Message {
    match e.kind() {
        grass_compiler::ErrorKind::ParseError { message, loc, .. } => {
            let hint = if message.contains("Can't find stylesheet") {
                "an @import or @use names a file inside the site, relative to the stylesheet (a partial without its `_`)"
            } else {
                "the stylesheet is compiled with grass, which follows dart-sass: see the Sass documentation for this rule"
            };
            Message {
                error: true,
                text: format!("Sass: {message}"),
                file: PathBuf::from(loc.file.name()),
                line: Some(loc.begin.line + 1),
                column: Some(loc.begin.column + 1),
                hint: Some(hint.to_owned()),
            }
        }
        grass_compiler::ErrorKind::IoError(io) => Message::error(
            file,
            format!("cannot read the stylesheet: {io}"),
            "check that the file exists and can be read",
        ),
        grass_compiler::ErrorKind::FromUtf8Error(why) => Message::error(
            file,
            format!("the stylesheet is not UTF-8: {why}"),
            "save it as UTF-8",
        ),
        _ => Message::error(
            file,
            "the Sass compiler failed on this stylesheet",
            "simplify the stylesheet to find the rule it cannot compile",
        ),
    }
}

/// The file system the compiler sees: the site folder, and nothing that resolves outside
/// it (an absolute path, `..`, a symbolic link leading out).
#[derive(Debug)]
struct SiteFiles {
    resolved: PathBuf,
}

impl SiteFiles {
    fn new(root: &Path) -> SiteFiles {
        SiteFiles {
            resolved: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// The path resolved, if it is inside the site.
    fn inside(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path)
            .ok()
            .filter(|p| p.starts_with(&self.resolved))
    }
}

impl grass_compiler::Fs for SiteFiles {
    fn is_dir(&self, path: &Path) -> bool {
        self.inside(path).is_some_and(|p| p.is_dir())
    }

    fn is_file(&self, path: &Path) -> bool {
        self.inside(path).is_some_and(|p| p.is_file())
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.inside(path) {
            Some(p) => std::fs::read(p),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("{} is outside the site folder", path.display()),
            )),
        }
    }
}

/// `@warn` and `@debug` messages.
#[derive(Debug, Default)]
struct Messages {
    found: Mutex<Vec<Message>>,
}

impl Messages {
    fn push(&self, kind: &str, loc: &grass_compiler::codemap::SpanLoc, text: &str) {
        // A string arrives quoted, as Sass would print its value.
        let text = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text);
        self.found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Message {
                error: false,
                text: format!("Sass {kind}: {text}"),
                file: PathBuf::from(loc.file.name()),
                line: Some(loc.begin.line + 1),
                column: Some(loc.begin.column + 1),
                hint: None,
            });
    }
}

impl grass_compiler::Logger for Messages {
    fn debug(&self, location: grass_compiler::codemap::SpanLoc, message: &str) {
        self.push("@debug", &location, message);
    }

    fn warn(&self, location: grass_compiler::codemap::SpanLoc, message: &str) {
        self.push("@warn", &location, message);
    }
}
