//! Zola's Sass: every `.scss` and `.sass` file under a theme's `sass/` folder, and under
//! the site's own when `compile_sass = true`, compiled to CSS at the same path in the
//! output (`sass/parts/print.scss` → `parts/print.css`), compressed, as Zola writes it.
//! Names starting with `_` (partials, and folders of them) are only imported. The
//! compiler is `grass`, a pure-Rust Sass; it reads only inside the site folder (an
//! `@import` or `@use` of `/etc/…`, `..` or a link leading out finds nothing). `@warn` and
//! `@debug` become warnings at their line.

mod compiler;
pub mod worker;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::confine::SiteRoot;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::load::keep_entry;
use crate::theme::{StaticSource, Theme};

/// A compiled stylesheet.
pub(crate) struct Stylesheet {
    pub css: Arc<[u8]>,
    /// The file it was compiled from, relative to the site folder, for messages.
    pub source: String,
}

/// Compiles the theme's `sass/` folder, and the site's when `own` (Zola's
/// `compile_sass`), into CSS by output path: the site's file over the theme's of the
/// same name. A file of the site's or the theme's `static/` of the same path is kept, with
/// a warning (Zola copies static files after compiling, so that is what a Zola site
/// publishes); one of dossier's built-in theme is dropped from `static_files`. With a
/// `helper` (this program), the compiler runs in a child process (see [`worker`]).
pub(crate) fn compile(
    root: &Path,
    theme: &Theme,
    own: bool,
    static_files: &mut BTreeMap<String, StaticSource>,
    helper: Option<&Path>,
) -> (BTreeMap<String, Stylesheet>, Diagnostics) {
    let site = SiteRoot::new(root);
    let mut diags = Diagnostics::new();
    // Output path → the file compiled to it.
    let mut sources: BTreeMap<String, PathBuf> = BTreeMap::new();
    if let Theme::Folder(dir) = theme {
        find(root, &site, &dir.join("sass"), &mut sources, &mut diags);
    }
    if own {
        find(root, &site, &root.join("sass"), &mut sources, &mut diags);
    }
    sources.retain(|output, file| match static_files.get(output) {
        None => true,
        // dossier's own stylesheet gives way to a site's Sass of the same name.
        Some(StaticSource::Embedded(_)) => {
            static_files.remove(output);
            true
        }
        Some(StaticSource::File(_)) => {
            diags.push(
                Diagnostic::warning(format!(
                    "{} compiles to {output}, which a static file also makes; the static file is published",
                    shown(root, file).display()
                ))
                .in_file(shown(root, file))
                .hint("rename or remove one of them"),
            );
            false
        }
    });
    let (outputs, files): (Vec<String>, Vec<PathBuf>) = sources.into_iter().unzip();
    let outcomes = match helper {
        Some(program) => worker::compile_in_children(program, root, &files),
        None => files
            .par_iter()
            .map(|f| compiler::compile_file(root, f))
            .collect(),
    };
    let mut out = BTreeMap::new();
    // Each file a message names is read once, however many messages (`@debug` in a loop).
    let mut texts: HashMap<PathBuf, String> = HashMap::new();
    for ((output, file), outcome) in outputs.into_iter().zip(&files).zip(outcomes) {
        diags.extend(
            outcome
                .messages
                .into_iter()
                .map(|m| diagnostic(root, m, &mut texts)),
        );
        if let Some(css) = outcome.css {
            let source = shown(root, file).to_string_lossy().replace('\\', "/");
            out.insert(
                output,
                Stylesheet {
                    css: Arc::from(css.into_bytes()),
                    source,
                },
            );
        }
    }
    (out, diags)
}

/// A compiler message as a diagnostic, with the line it names.
fn diagnostic(root: &Path, m: compiler::Message, texts: &mut HashMap<PathBuf, String>) -> Diagnostic {
    let path = shown(root, &m.file);
    let location = match m.line {
        Some(line) => {
            let text = texts
                .entry(path.clone())
                .or_insert_with(|| std::fs::read_to_string(root.join(&path)).unwrap_or_default());
            Location::at_line(path, text, line, m.column)
        }
        None => Location::file(path),
    };
    let d = if m.error {
        Diagnostic::error(m.text)
    } else {
        Diagnostic::warning(m.text)
    };
    d.at(location).maybe_hint(m.hint)
}

/// The stylesheets under `dir`, skipping partials; `x.scss` beside `x.sass` is an error,
/// as both would be `x.css`.
fn find(
    root: &Path,
    site: &SiteRoot,
    dir: &Path,
    sources: &mut BTreeMap<String, PathBuf>,
    diags: &mut Diagnostics,
) {
    if !dir.is_dir() {
        return;
    }
    let rules = site.folder(dir);
    let mut problems = Vec::new();
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            (e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('_'))
                && keep_entry(&rules, e, &mut problems)
        });
    for entry in walker.filter_map(|e| e.ok()) {
        let path = entry.path();
        let is_sass = matches!(path.extension().and_then(|e| e.to_str()), Some("scss" | "sass"));
        if !entry.file_type().is_file() || !is_sass {
            continue;
        }
        let rel = path.strip_prefix(dir).unwrap_or(path).with_extension("css");
        let output = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if let Some(other) = found.insert(output.clone(), path.to_path_buf()) {
            diags.push(
                Diagnostic::error(format!(
                    "{} and {} both compile to {output}",
                    shown(root, &other).display(),
                    shown(root, path).display()
                ))
                .in_file(shown(root, path))
                .hint("keep one of them, or rename one"),
            );
        }
    }
    diags.extend(problems);
    sources.extend(found);
}

fn shown(root: &Path, path: &Path) -> PathBuf {
    crate::diagnostic::relative(root, path)
}
