//! Writes the output without ever leaving a half-built site behind.
//!
//! Rendered files are compared with the previous build's: unchanged files are left alone,
//! and changed or new ones are written into a staging folder beside the output folder.
//! Only when every output has rendered does [`Staging::commit`] move the staged files into
//! place and delete files the site no longer produces. A build that fails before commit
//! deletes the staging folder, so the previous output is untouched.
//!
//! Rewriting only what changed matters: on a 10,000-page site, creating ten thousand
//! folders and files (and deleting the old ones) costs more than rendering them.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use walkdir::WalkDir;

use crate::render::Sink;
use crate::theme::StaticSource;

pub struct Staging {
    out_dir: PathBuf,
    staging: PathBuf,
    /// Whether there was no previous output to compare with.
    fresh: bool,
    /// Folders already created in staging, so each `create_dir_all` happens once.
    made_dirs: Mutex<HashSet<PathBuf>>,
    /// Every output path of this build, relative to the output folder.
    outputs: Mutex<HashSet<String>>,
    /// Outputs that differ from the previous build and wait in staging.
    changed: Mutex<Vec<String>>,
    /// The previous output's files and folders, listed on another thread while the site
    /// renders, so finding stale files costs the commit nothing.
    previous: Mutex<Option<std::thread::JoinHandle<Listing>>>,
}

/// Files and folders under the output folder, relative to it, with `/` separators.
#[derive(Default)]
struct Listing {
    files: Vec<String>,
    dirs: Vec<String>,
}

/// What a commit did to the output folder.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl Staging {
    pub fn begin(out_dir: &Path) -> io::Result<Staging> {
        let name = out_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let staging = out_dir.with_file_name(format!(".{name}.dossier-staging-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)?;
        }
        fs::create_dir_all(&staging)?;
        let fresh = !out_dir.is_dir();
        if out_dir.exists() && !out_dir.is_dir() {
            return Err(io::Error::other(format!(
                "{} exists and is not a folder",
                out_dir.display()
            )));
        }
        let previous = (!fresh).then(|| {
            let dir = out_dir.to_path_buf();
            std::thread::spawn(move || list(&dir))
        });
        Ok(Staging {
            out_dir: out_dir.to_path_buf(),
            staging,
            fresh,
            made_dirs: Mutex::new(HashSet::new()),
            outputs: Mutex::new(HashSet::new()),
            changed: Mutex::new(Vec::new()),
            previous: Mutex::new(previous),
        })
    }

    fn unchanged(&self, rel: &str, bytes: &[u8]) -> bool {
        if self.fresh {
            return false;
        }
        let old = self.out_dir.join(rel);
        match fs::metadata(&old) {
            Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {}
            _ => return false,
        }
        same_bytes(&old, bytes).unwrap_or(false)
    }

    fn stage(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.staging.join(rel);
        if let Some(parent) = target.parent() {
            // Recorded only once made: another thread may be writing into the same folder.
            let known = self.made_dirs.lock().map(|m| m.contains(parent)).unwrap_or(false);
            if !known {
                fs::create_dir_all(parent)?;
                if let Ok(mut made) = self.made_dirs.lock() {
                    made.insert(parent.to_path_buf());
                }
            }
        }
        fs::write(target, bytes)?;
        if let Ok(mut changed) = self.changed.lock() {
            changed.push(rel.to_owned());
        }
        Ok(())
    }

    /// Puts the staged files in place and removes outputs the site no longer has.
    pub fn commit(self) -> io::Result<WriteStats> {
        let outputs = self.outputs.into_inner().unwrap_or_default();
        let mut changed = self.changed.into_inner().unwrap_or_default();
        let mut stats = WriteStats {
            written: changed.len(),
            unchanged: outputs.len() - changed.len(),
            removed: 0,
        };
        if self.fresh {
            if let Some(parent) = self.out_dir.parent()
                && !parent.as_os_str().is_empty()
            {
                fs::create_dir_all(parent)?;
            }
            fs::rename(&self.staging, &self.out_dir)?;
            return Ok(stats);
        }
        changed.sort();
        let mut made: HashSet<PathBuf> = HashSet::new();
        for rel in &changed {
            let target = self.out_dir.join(rel);
            if let Some(parent) = target.parent()
                && made.insert(parent.to_path_buf())
            {
                make_dir_replacing_files(&self.out_dir, parent)?;
            }
            if target.is_dir() {
                fs::remove_dir_all(&target)?;
            }
            fs::rename(self.staging.join(rel), &target)?;
        }
        fs::remove_dir_all(&self.staging)?;
        let previous = self
            .previous
            .into_inner()
            .ok()
            .flatten()
            .and_then(|handle| handle.join().ok())
            .unwrap_or_default();
        stats.removed = remove_stale(&self.out_dir, &outputs, previous)?;
        Ok(stats)
    }

    /// Drops the staged output, leaving the previous output as it was.
    pub fn abort(self) {
        fs::remove_dir_all(&self.staging).ok();
    }
}

/// `create_dir_all`, except that a file standing where a folder must go is removed.
fn make_dir_replacing_files(root: &Path, dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut current = root.to_path_buf();
    for part in dir.strip_prefix(root).unwrap_or(dir).components() {
        current.push(part);
        if current.is_file() {
            fs::remove_file(&current)?;
        }
    }
    fs::create_dir_all(dir)
}

/// Whether the file at `path` holds exactly `bytes`, read in chunks into a buffer on the
/// stack: reading ten thousand files into fresh allocations costs more in page faults
/// than the comparison itself.
fn same_bytes(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    use std::io::Read;
    let mut file = fs::File::open(path)?;
    let mut buf = [0u8; 64 * 1024];
    let mut offset = 0;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(offset == bytes.len());
        }
        if offset + n > bytes.len() || buf[..n] != bytes[offset..offset + n] {
            return Ok(false);
        }
        offset += n;
    }
}

/// Lists the files and folders under `out_dir`. Dot-files at the top (a `.git` folder
/// of a deploy checkout, say) are left out, and so never removed.
fn list(out_dir: &Path) -> Listing {
    let mut listing = Listing::default();
    let walker = WalkDir::new(out_dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name().to_string_lossy().starts_with('.')));
    for entry in walker.filter_map(|e| e.ok()) {
        let rel = entry.path().strip_prefix(out_dir).unwrap_or(entry.path());
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if entry.file_type().is_dir() {
            listing.dirs.push(rel);
        } else {
            listing.files.push(rel);
        }
    }
    listing
}

/// Deletes the previous build's files that this build did not produce, and folders that
/// no longer hold any output.
fn remove_stale(out_dir: &Path, outputs: &HashSet<String>, previous: Listing) -> io::Result<usize> {
    // Every folder that holds an output stays; only the others are candidates, so a
    // rebuild does not try (and fail) to remove ten thousand non-empty folders.
    let mut needed: HashSet<&str> = HashSet::new();
    for rel in outputs {
        let mut path = rel.as_str();
        while let Some(i) = path.rfind('/') {
            path = &path[..i];
            if !needed.insert(path) {
                break;
            }
        }
    }
    let mut removed = 0;
    for file in previous.files.iter().filter(|f| !outputs.contains(*f)) {
        let path = out_dir.join(file);
        // This commit may have put a folder where the file was.
        if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(&path)?;
            removed += 1;
        }
    }
    let mut stale_dirs: Vec<&String> = previous
        .dirs
        .iter()
        .filter(|d| !needed.contains(d.as_str()))
        .collect();
    // Deepest first, so a folder emptied by its children's removal goes too.
    stale_dirs.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
    for dir in stale_dirs {
        // Fails, as wanted, for a folder that still holds something.
        fs::remove_dir(out_dir.join(dir)).ok();
    }
    Ok(removed)
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        if let Ok(mut outputs) = self.outputs.lock() {
            outputs.insert(rel.to_owned());
        }
        if self.unchanged(rel, bytes) {
            return Ok(());
        }
        self.stage(rel, bytes)
    }

    fn copy(&self, rel: &str, source: &StaticSource) -> io::Result<()> {
        match source {
            StaticSource::Embedded(bytes) => self.write(rel, bytes),
            StaticSource::File(path) => self.write(rel, &fs::read(path)?),
        }
    }
}

/// A sink that keeps nothing: `dossier check` renders everything and writes nothing.
pub struct Discard;

impl Sink for Discard {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn copy(&self, _: &str, source: &StaticSource) -> io::Result<()> {
        match source {
            StaticSource::File(path) => fs::metadata(path).map(|_| ()),
            StaticSource::Embedded(_) => Ok(()),
        }
    }
}
