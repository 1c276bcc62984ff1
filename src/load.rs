//! Walks `content/` and reads its files.
//!
//! Markdown files are read as UTF-8 text (in parallel); other files are recorded as assets
//! to copy. Hidden files and editors' temporary files are skipped.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::confine::{SiteRoot, SourceFolder};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// A Markdown file under `content/`.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// Path relative to `content/`, with `/` separators (`security/kursk.md`).
    pub content_path: String,
    /// Path as shown in messages, relative to the site root (`content/security/kursk.md`).
    pub display_path: PathBuf,
    pub text: String,
}

impl SourceFile {
    pub(crate) fn is_section(&self) -> bool {
        // `_index.md`, or a translation of one (`_index.fr.md`).
        let name = self.content_path.rsplit('/').next().unwrap_or(&self.content_path);
        name == "_index.md" || (name.starts_with("_index.") && name.ends_with(".md"))
    }
}

/// Everything found under `content/`.
#[derive(Debug, Default)]
pub(crate) struct ContentTree {
    pub markdown: Vec<SourceFile>,
    /// Non-Markdown files, relative to `content/` with `/` separators.
    pub assets: Vec<String>,
    /// Markdown files that could not be read (their errors are reported already).
    pub unreadable: Vec<String>,
    /// How many Markdown files were read (not given by `known`).
    pub read: usize,
}

/// For a walk of a source folder (walkdir's `filter_entry`): whether to keep `entry`. Not
/// editors' noise, and not a link leading out of the site, which is added to `problems`
/// (with nothing under it read).
pub(crate) fn keep_entry(
    rules: &SourceFolder,
    entry: &walkdir::DirEntry,
    problems: &mut Vec<Diagnostic>,
) -> bool {
    if entry.depth() > 0 && is_ignored_name(&entry.file_name().to_string_lossy()) {
        return false;
    }
    match rules.check(entry) {
        Err(d) => {
            problems.push(d);
            false
        }
        Ok(()) => true,
    }
}

/// Whether a file name is noise from an editor or the OS rather than content.
pub(crate) fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with('#')
        || name == "4913"
}

/// Whether the site's `ignored_content` or `ignored_static` globs leave out `path` (a file
/// or folder under `folder`). Zola matches a glob against the whole path, where `*`
/// crosses folders (`*.xlsx`, `**/drafts`); a glob also matches the path under the
/// folder (`drafts/*.md`), as one would write it.
pub(crate) fn is_ignored_by(globs: &globset::GlobSet, folder: &Path, path: &Path) -> bool {
    !globs.is_empty()
        && (globs.is_match(path) || path.strip_prefix(folder).is_ok_and(|rel| globs.is_match(rel)))
}

/// The site's content, without what `ignored` (the site's `ignored_content`) leaves out.
pub(crate) fn content(root: &Path, ignored: &globset::GlobSet) -> (ContentTree, Diagnostics) {
    content_reusing(root, ignored, &|_| None)
}

/// Like [`content`], but a Markdown file for which `known` gives a text is not read.
pub(crate) fn content_reusing(
    root: &Path,
    ignored: &globset::GlobSet,
    known: &(dyn Fn(&str) -> Option<String> + Sync),
) -> (ContentTree, Diagnostics) {
    let content_dir = root.join("content");
    let mut diags = Diagnostics::new();
    let mut md_paths = Vec::new();
    let mut assets = Vec::new();
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::warning("there is no content/ folder; the site will be empty")
                .in_file("content")
                .hint("put Markdown files under content/, starting with content/_index.md"),
        );
        return (ContentTree::default(), diags);
    }
    let site_root = SiteRoot::new(root);
    let rules = site_root.folder(&content_dir);
    let mut links_out = Vec::new();
    let walker = WalkDir::new(&content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            // An ignored folder is not walked: nothing under it is read or checked.
            !(e.depth() > 0 && is_ignored_by(ignored, &content_dir, e.path()))
                && keep_entry(&rules, e, &mut links_out)
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| display(root, p))
                    .unwrap_or_else(|| PathBuf::from("content"));
                diags.push(Diagnostic::error(format!("cannot read: {err}")).in_file(path));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&content_dir) else {
            continue;
        };
        let Some(content_path) = slash_path(rel) else {
            diags.push(
                Diagnostic::error("file name is not valid UTF-8")
                    .in_file(display(root, entry.path()))
                    .hint("rename the file using UTF-8 characters"),
            );
            continue;
        };
        if content_path.ends_with(".md") {
            md_paths.push((entry.into_path(), content_path));
        } else {
            assets.push(content_path);
        }
    }

    diags.extend(links_out);
    let read = std::sync::atomic::AtomicUsize::new(0);
    let read_all = || -> Vec<(String, Result<SourceFile, Diagnostic>)> {
        md_paths
            .into_par_iter()
            .map(|(path, content_path)| match known(&content_path) {
                Some(text) => (
                    content_path.clone(),
                    Ok(SourceFile {
                        display_path: display(root, &path),
                        content_path,
                        text,
                    }),
                ),
                None => {
                    read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    (content_path.clone(), read_markdown(root, &path, content_path))
                }
            })
            .collect()
    };
    // Files not in the page cache (a site not read since the machine started) are read at
    // the disk's pace, and a disk answers many requests at once faster than one per core:
    // reading the 10,000-page corpus cold took 2.2 s two at a time and 0.4 s 32 at a time.
    // The threads wait on the disk, not the CPU, so they can outnumber the cores.
    let results = match rayon::ThreadPoolBuilder::new().num_threads(READERS).build() {
        Ok(pool) => pool.install(read_all),
        Err(_) => read_all(),
    };
    let read = read.into_inner();
    let mut markdown = Vec::with_capacity(results.len());
    let mut unreadable = Vec::new();
    for (content_path, r) in results {
        match r {
            Ok(f) => markdown.push(f),
            Err(d) => {
                diags.push(d);
                unreadable.push(content_path);
            }
        }
    }
    (
        ContentTree {
            markdown,
            assets,
            unreadable,
            read,
        },
        diags,
    )
}

/// How many files are read at once.
const READERS: usize = 32;

pub(crate) fn read_markdown(
    root: &Path,
    path: &Path,
    content_path: String,
) -> Result<SourceFile, Diagnostic> {
    let display_path = display(root, path);
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(format!("cannot read: {e}")).in_file(&display_path))?;
    if let Some(pos) = memchr::memchr(0, &bytes) {
        return Err(binary_error(&display_path, &bytes, pos));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let pos = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, column) = crate::diagnostic::line_col(&String::from_utf8_lossy(&bytes[..pos]), pos);
        Diagnostic::error(format!(
            "not valid UTF-8 (byte 0x{:02x} at offset {pos})",
            bytes[pos]
        ))
        .at(crate::diagnostic::Location {
            path: display_path.clone(),
            line: Some(line),
            column: Some(column),
            source_line: None,
            source_column: None,
        })
        .hint("save the file as UTF-8; if it is not text, give it another extension than .md")
    })?;
    Ok(SourceFile {
        content_path,
        display_path,
        text,
    })
}

fn binary_error(display_path: &Path, bytes: &[u8], pos: usize) -> Diagnostic {
    let before = String::from_utf8_lossy(&bytes[..pos]);
    let (line, column) = crate::diagnostic::line_col(&before, before.len());
    Diagnostic::error("this looks like a binary file, not Markdown (it contains a NUL byte)")
        .at(crate::diagnostic::Location {
            path: display_path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            source_line: None,
            source_column: None,
        })
        .hint("only Markdown text files may end in .md; rename or move this file")
}

/// The bibliography `[sources]` names, as read from disk: parsing it is the model's
/// (`model::sources::Sources::parse`).
#[derive(Debug, Clone)]
pub(crate) struct Bibliography {
    /// As written in config.toml: a path under `content/`.
    pub file: String,
    /// As shown in messages (`content/sources.yml`).
    pub shown: PathBuf,
    pub text: String,
}

/// Reads `content/<file>`, which must stay inside the site folder; a problem is an error
/// at `config_path`, which names the file.
pub(crate) fn bibliography(root: &Path, file: &str, config_path: &Path) -> Result<Bibliography, Diagnostic> {
    let path = SiteRoot::new(root).file_in("content", file).map_err(|problem| {
        Diagnostic::error(format!("the bibliography {problem}"))
            .in_file(config_path)
            .hint("`[sources] bibliography` names a file under content/, such as \"sources.yml\"")
    })?;
    let shown = PathBuf::from("content").join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(format!("cannot read the bibliography {}: {e}", shown.display()))
            .in_file(config_path)
            .hint("`[sources] bibliography` names a file under content/")
    })?;
    Ok(Bibliography {
        file: file.to_owned(),
        shown,
        text,
    })
}

/// `content/security/kursk.md` relative to the site root, for messages.
pub(crate) fn display(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn slash_path(rel: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in rel.components() {
        parts.push(c.as_os_str().to_str()?);
    }
    Some(parts.join("/"))
}
