//! Writes the output without ever leaving a half-built site behind.
//!
//! Rendered files are compared with the previous build's: unchanged files are left alone,
//! and changed or new ones are written into a staging folder inside the output folder
//! (`.dossier-staging-PID`, which no output can be named and the listing of the previous
//! output skips). Only when every output has rendered does [`Staging::commit`] move the
//! staged files into place and remove files the site no longer produces, keeping what it
//! replaced until it has succeeded so that a failure can put everything back. A build
//! that fails before commit deletes its staging folder, so the previous output is
//! untouched; one that is killed leaves its folder behind, and the next build removes it.
//!
//! Rewriting only what changed matters: on a 10,000-page site, creating ten thousand
//! folders and files (and deleting the old ones) costs more than rendering them.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use walkdir::WalkDir;

use crate::output_path::{OutputPath, STAGING_PREFIX};
use crate::theme::StaticSource;

/// Where rendered output goes: the staging folder for `build`, the link checker for
/// `check`, memory for `serve`. Render hands every output to one and does no other I/O;
/// the trait lives here, with its implementations, so that writing depends on nothing
/// of rendering.
pub(crate) trait Sink: Sync {
    fn write(&self, path: &OutputPath, bytes: &[u8]) -> std::io::Result<()>;
    fn copy(&self, path: &OutputPath, source: &StaticSource) -> std::io::Result<()>;
    /// Keeps the file at `path` as an earlier build left it, if there is one, and says
    /// whether it did: for outputs named by a hash of what makes them (processed
    /// images), whose bytes cost more to make than to trust.
    fn keep(&self, path: &OutputPath) -> bool;
}

/// What a build may do to the output folder besides putting its outputs there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// Files and folders starting with `.` at the top of the output folder that the
    /// build does not make (a deploy checkout's `.git`, a `.well-known` put there by hand)
    /// stay; otherwise they go with the other stale files. The staging folders are never
    /// the build's to remove this way: they are handled apart.
    pub(crate) keep_dotfiles: bool,
    /// A file copied from the site (static files, a bundle's files) is a hard link to
    /// its source where the file system allows, else a copy. Safe because nothing here
    /// writes into an existing file (`write_new`): a changed output replaces the link.
    pub(crate) hard_link: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            keep_dotfiles: true,
            hard_link: false,
        }
    }
}

pub(crate) struct Staging {
    out_dir: PathBuf,
    /// Copied files are hard links to their sources (`Options::hard_link`).
    hard_link: bool,
    /// This build's folder inside the output folder: `lock`, `new/` (the staged outputs)
    /// and `old/` (what the commit moved aside, until it has succeeded).
    staging: PathBuf,
    /// Held for the whole build, so a later build can tell this folder from the leftover
    /// of a build that was killed.
    _lock: fs::File,
    /// Whether the output folder held nothing before: the commit then moves whole folders.
    fresh: bool,
    /// Whether this build made the output folder, which an abort then removes.
    made_out_dir: bool,
    /// Folders already created in staging, relative to `new/` with `/` separators (as
    /// [`OutputPath::ancestors`] gives them), so each is made once.
    made_dirs: std::sync::Arc<Mutex<HashSet<String>>>,
    /// The thread making the outputs' folders ahead of them ([`Staging::make_dirs_ahead`]),
    /// joined before the staging folder is committed or removed.
    ahead: Mutex<Option<Ahead>>,
    /// Every output path of this build.
    outputs: Mutex<HashSet<OutputPath>>,
    /// Outputs that differ from the previous build and wait in staging.
    changed: Mutex<Vec<OutputPath>>,
    /// The bytes of every output, changed or not.
    bytes: AtomicU64,
    /// The previous output's files and folders, listed on another thread while the site
    /// renders, so finding stale files costs the commit nothing.
    previous: Mutex<Option<std::thread::JoinHandle<Listing>>>,
}

/// The thread making folders ahead, and the flag that stops it.
struct Ahead {
    handle: std::thread::JoinHandle<()>,
    stop: std::sync::Arc<AtomicBool>,
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
    /// The size of every output, written or unchanged: what a host publishes.
    pub bytes: u64,
}

impl Staging {
    pub(crate) fn begin(out_dir: &Path, options: Options) -> io::Result<Staging> {
        if out_dir.exists() && !out_dir.is_dir() {
            return Err(io::Error::other(format!(
                "{} exists and is not a folder",
                out_dir.display()
            )));
        }
        let made_out_dir = !out_dir.exists();
        fs::create_dir_all(out_dir)?;
        remove_leftovers(out_dir);
        let fresh = fs::read_dir(out_dir)?
            .filter_map(|e| e.ok())
            .all(|e| e.file_name().to_string_lossy().starts_with(STAGING_PREFIX));
        let (staging, lock) = make_staging(out_dir)?;
        let previous = (!fresh).then(|| {
            let dir = out_dir.to_path_buf();
            std::thread::spawn(move || list(&dir, options.keep_dotfiles))
        });
        Ok(Staging {
            out_dir: out_dir.to_path_buf(),
            hard_link: options.hard_link,
            staging,
            _lock: lock,
            fresh,
            made_out_dir,
            made_dirs: std::sync::Arc::new(Mutex::new(HashSet::new())),
            ahead: Mutex::new(None),
            outputs: Mutex::new(HashSet::new()),
            changed: Mutex::new(Vec::new()),
            bytes: AtomicU64::new(0),
            previous: Mutex::new(previous),
        })
    }

    /// A path in the staging folder beside the staged output, never in it, for a file
    /// the build reads back before it ends: it goes with the folder, committed or not.
    pub(crate) fn scratch(&self, name: &str) -> PathBuf {
        self.staging.join(name)
    }

    fn unchanged(&self, rel: &OutputPath, bytes: &[u8]) -> bool {
        if self.fresh {
            return false;
        }
        let old = rel.under(&self.out_dir);
        match fs::symlink_metadata(&old) {
            Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {}
            _ => return false,
        }
        same_bytes(&old, bytes).unwrap_or(false)
    }

    /// Starts making the staged folders of `outputs` on a thread of its own, when the
    /// output folder was empty (else only changed files are staged). The kernel makes the
    /// folders of one parent one at a time, so render threads making them as they go wait
    /// for each other; made ahead, in order, while the build does other work, they are
    /// there when the files come. A folder the thread has not made yet is made by whoever
    /// needs it first, and an error is left to that writer.
    ///
    /// `outputs` may be a guess (the build cache's list of the last build's outputs,
    /// known before the site is read): [`Staging::make_dirs_for`] then removes the folders
    /// this build turns out not to need, before anything is written into them.
    pub(crate) fn make_dirs_ahead<'a>(&self, outputs: impl Iterator<Item = &'a OutputPath>) {
        if self.fresh {
            self.start_ahead(&folders(outputs));
        }
    }

    /// Makes the folders `needed` (parents first) that are not made yet, on a thread of
    /// its own.
    fn start_ahead(&self, needed: &BTreeSet<&str>) {
        let dirs: Vec<String> = match self.made_dirs.lock() {
            Ok(made) => needed
                .iter()
                .filter(|dir| !made.contains(**dir))
                .map(|dir| (*dir).to_owned())
                .collect(),
            Err(_) => return,
        };
        if dirs.is_empty() {
            return;
        }
        let new = self.staging.join("new");
        let made = std::sync::Arc::clone(&self.made_dirs);
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("folders".to_owned())
            .spawn(move || {
                for rel in dirs {
                    if stopped.load(Ordering::Relaxed) {
                        break;
                    }
                    let dir = under(&new, &rel);
                    let ok = match fs::create_dir(&dir) {
                        Ok(()) => true,
                        Err(e) => e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir(),
                    };
                    if ok && let Ok(mut made) = made.lock() {
                        made.insert(rel);
                    }
                }
            });
        if let (Ok(handle), Ok(mut ahead)) = (handle, self.ahead.lock()) {
            *ahead = Some(Ahead { handle, stop });
        }
    }

    /// Makes the folders of this build's `outputs` ahead of them, as
    /// [`Staging::make_dirs_ahead`] does, after removing those made ahead from a guess
    /// that none of `outputs` needs: the output is then what a build that never guessed
    /// would make. Outputs written before it (the search index, written ahead) keep their
    /// folders: every output's folder is among those the plan needs.
    pub(crate) fn make_dirs_for<'a>(&self, outputs: impl Iterator<Item = &'a OutputPath>) {
        if !self.fresh {
            return;
        }
        self.stop_ahead();
        let needed = folders(outputs);
        if let Ok(mut made) = self.made_dirs.lock() {
            let mut unneeded: Vec<String> = made
                .iter()
                .filter(|dir| !needed.contains(dir.as_str()))
                .cloned()
                .collect();
            // Deepest first: a folder's own folders go before it (its name is a prefix of
            // theirs, so it sorts before them).
            unneeded.sort_unstable_by(|a, b| b.cmp(a));
            let new = self.staging.join("new");
            for dir in unneeded {
                fs::remove_dir(under(&new, &dir)).ok();
                made.remove(&dir);
            }
        }
        self.start_ahead(&needed);
    }

    /// Stops the thread making folders ahead, if any, and waits for it.
    fn stop_ahead(&self) {
        let ahead = self.ahead.lock().ok().and_then(|mut ahead| ahead.take());
        if let Some(ahead) = ahead {
            ahead.stop.store(true, Ordering::Relaxed);
            ahead.handle.join().ok();
        }
    }

    /// Waits for the folders made ahead, if any.
    fn join_ahead(&self) {
        let ahead = self.ahead.lock().ok().and_then(|mut ahead| ahead.take());
        if let Some(ahead) = ahead {
            ahead.handle.join().ok();
        }
    }

    /// Counts `rel` among this build's outputs.
    fn record(&self, rel: &OutputPath, len: u64) {
        if let Ok(mut outputs) = self.outputs.lock() {
            outputs.insert(rel.clone());
        }
        self.bytes.fetch_add(len, Ordering::Relaxed);
    }

    /// Where `rel` is staged, its folder made.
    fn staging_path(&self, rel: &OutputPath) -> io::Result<PathBuf> {
        let target = rel.under(&self.staging.join("new"));
        if let (Some(folder), Some(parent)) = (rel.ancestors().last(), target.parent()) {
            // Recorded only once made: another thread may be writing into the same folder.
            let known = self.made_dirs.lock().map(|m| m.contains(folder)).unwrap_or(false);
            if !known {
                fs::create_dir_all(parent)?;
                if let Ok(mut made) = self.made_dirs.lock() {
                    made.insert(folder.to_owned());
                }
            }
        }
        Ok(target)
    }

    fn stage(&self, rel: &OutputPath, bytes: &[u8]) -> io::Result<()> {
        write_new(&self.staging_path(rel)?, bytes)?;
        self.mark_changed(rel);
        Ok(())
    }

    fn mark_changed(&self, rel: &OutputPath) {
        if let Ok(mut changed) = self.changed.lock() {
            changed.push(rel.clone());
        }
    }

    /// Stages `rel` as a hard link to `source`, or as a copy where no link can be made:
    /// on another file system, or to a symbolic link (the link would be a second
    /// symbolic link, which may point nowhere from the output folder). The copy is
    /// `bytes` when the caller has read them already, else read from `source`. A
    /// `source` known to be a regular file is not looked at again.
    fn stage_link(&self, rel: &OutputPath, source: Linkable<'_>, bytes: Option<&[u8]>) -> io::Result<()> {
        let target = self.staging_path(rel)?;
        let (source, regular) = match source {
            Linkable::Regular(file) => (file.path(), true),
            Linkable::Unknown(path) => (path, fs::symlink_metadata(path).is_ok_and(|m| m.is_file())),
        };
        let linked = regular && fs::hard_link(source, &target).is_ok();
        if !linked {
            match bytes {
                Some(bytes) => write_new(&target, bytes)?,
                None => write_new(&target, &fs::read(source)?)?,
            }
        }
        self.mark_changed(rel);
        Ok(())
    }

    /// Puts the file `source`, which the caller has checked, at `rel`: a hard link to it
    /// when the output folder was empty (nothing writes into an output in place, see
    /// `write_new`), else as `write` would. `len` is its length, and `bytes` its bytes if
    /// the caller read them to check them; where they are needed and were not, they are
    /// read from `source`.
    pub(crate) fn put_file(
        &self,
        rel: &OutputPath,
        source: &RegularFile,
        len: u64,
        bytes: Option<&[u8]>,
    ) -> io::Result<()> {
        if !self.fresh {
            return match bytes {
                Some(bytes) => self.write(rel, bytes),
                None => self.write(rel, &fs::read(source.path())?),
            };
        }
        self.record(rel, len);
        // Where no link can be made, the copy is of the bytes checked if they were read
        // to check them, not read again.
        self.stage_link(rel, Linkable::Regular(source), bytes)
    }

    /// Whether the output folder was empty when the build began.
    pub(crate) fn fresh(&self) -> bool {
        self.fresh
    }

    /// Puts the staged files in place and removes outputs the site no longer has, all or
    /// nothing: every path was checked when the build was planned (inside the output
    /// folder, no two outputs at one path, no output where another needs a folder), so
    /// what can still fail here is the file system, and then every step taken so far is
    /// undone, newest first, before the error is returned.
    pub(crate) fn commit(self) -> io::Result<WriteStats> {
        self.join_ahead();
        let outputs = self.outputs.into_inner().unwrap_or_default();
        let mut changed = self.changed.into_inner().unwrap_or_default();
        let mut stats = WriteStats {
            written: changed.len(),
            unchanged: outputs.len() - changed.len(),
            removed: 0,
            bytes: self.bytes.into_inner(),
        };
        let new = self.staging.join("new");
        let mut journal = Journal {
            out_dir: &self.out_dir,
            new: &new,
            old: self.staging.join("old"),
            steps: Vec::new(),
        };
        let done = if self.fresh {
            journal.place_all()
        } else {
            changed.sort();
            let previous = self
                .previous
                .into_inner()
                .ok()
                .flatten()
                .and_then(|handle| handle.join().ok())
                .unwrap_or_default();
            journal
                .place(&changed)
                .and_then(|()| journal.set_aside_stale(&outputs, &previous))
                .map(|removed| {
                    stats.removed = removed;
                    remove_stale_dirs(&self.out_dir, &outputs, &previous);
                })
        };
        if let Err(e) = done {
            journal.undo();
            fs::remove_dir_all(&self.staging).ok();
            return Err(e);
        }
        // The new output is in place; what is left here is the replaced files.
        fs::remove_dir_all(&self.staging).ok();
        Ok(stats)
    }

    /// Drops the staged output, leaving the previous output as it was.
    pub(crate) fn abort(self) {
        self.stop_ahead();
        fs::remove_dir_all(&self.staging).ok();
        if self.made_out_dir {
            fs::remove_dir(&self.out_dir).ok();
        }
    }
}

/// Makes this build's staging folder, locked. The lock file is made and locked under
/// another name and then renamed, so no other build ever sees an unlocked `lock` in a
/// live build's folder.
/// The folders `outputs` need, relative to the staging folder, sorted: each after its
/// parent, whose name is a prefix of its own.
fn folders<'a>(outputs: impl Iterator<Item = &'a OutputPath>) -> BTreeSet<&'a str> {
    outputs.flat_map(OutputPath::ancestors).collect()
}

/// The folder `rel` (`/` separators) inside `root`.
fn under(root: &Path, rel: &str) -> PathBuf {
    let mut dir = root.to_path_buf();
    dir.extend(rel.split('/'));
    dir
}

fn make_staging(out_dir: &Path) -> io::Result<(PathBuf, fs::File)> {
    let staging = out_dir.join(format!("{STAGING_PREFIX}-{}", std::process::id()));
    if staging.exists() {
        // A leftover of a killed build that had this process id.
        fs::remove_dir_all(&staging)?;
    }
    fs::create_dir(&staging)?;
    let pending = staging.join("lock.pending");
    let lock = fs::File::create(&pending)?;
    lock.lock()?;
    fs::rename(&pending, staging.join("lock"))?;
    fs::create_dir(staging.join("new"))?;
    Ok((staging, lock))
}

/// Removes the staging folders of earlier builds that were killed (Ctrl-C, out of memory)
/// before they could clean up. A folder whose lock another process holds belongs to a
/// build still running and is left alone; so is one without a lock file made in the last
/// minute (a build between making its folder and its lock).
fn remove_leftovers(out_dir: &Path) {
    let Ok(entries) = fs::read_dir(out_dir) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        if !entry.file_name().to_string_lossy().starts_with(STAGING_PREFIX) {
            continue;
        }
        let folder = entry.path();
        let abandoned = match fs::File::open(folder.join("lock")) {
            Ok(lock) => lock.try_lock().is_ok(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => fs::symlink_metadata(&folder)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 60)),
            Err(_) => false,
        };
        if abandoned {
            fs::remove_dir_all(&folder).ok();
        }
    }
}

/// The commit's steps, each undoable.
struct Journal<'a> {
    out_dir: &'a Path,
    /// The staged outputs.
    new: &'a Path,
    /// Where files of the previous output are moved aside until the commit succeeds.
    old: PathBuf,
    steps: Vec<Step>,
}

enum Step {
    /// A staged file or folder moved into the output folder (the path relative to it).
    Placed(String),
    /// A previous output file or folder moved aside.
    SetAside(String),
    /// A folder created in the output folder.
    MadeDir(String),
}

impl Journal<'_> {
    /// Into an output folder that held nothing: moves each top-level file and folder.
    fn place_all(&mut self) -> io::Result<()> {
        let mut names: Vec<_> = fs::read_dir(self.new)?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<io::Result<_>>()?;
        names.sort();
        for name in names {
            let name = name.to_string_lossy().into_owned();
            fs::rename(self.new.join(&name), self.out_dir.join(&name))?;
            self.steps.push(Step::Placed(name));
        }
        Ok(())
    }

    /// Moves each changed file into place, moving aside what stands there (the previous
    /// version, or a previous output file where a folder must now be).
    fn place(&mut self, changed: &[OutputPath]) -> io::Result<()> {
        let mut ready: HashSet<&str> = HashSet::new();
        for rel in changed {
            for folder in rel.ancestors() {
                if !ready.insert(folder) {
                    continue;
                }
                let path = self.out_dir.join(folder);
                match fs::symlink_metadata(&path) {
                    Ok(m) if m.is_dir() => continue,
                    Ok(_) => self.set_aside(folder)?,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
                fs::create_dir(&path)?;
                self.steps.push(Step::MadeDir(folder.to_owned()));
            }
            if fs::symlink_metadata(rel.under(self.out_dir)).is_ok() {
                self.set_aside(rel.as_str())?;
            }
            fs::rename(rel.under(self.new), rel.under(self.out_dir))?;
            self.steps.push(Step::Placed(rel.as_str().to_owned()));
        }
        Ok(())
    }

    /// Moves aside the previous build's files that this build did not produce.
    fn set_aside_stale(&mut self, outputs: &HashSet<OutputPath>, previous: &Listing) -> io::Result<usize> {
        let produced: HashSet<&str> = outputs.iter().map(OutputPath::as_str).collect();
        let mut removed = 0;
        for file in previous.files.iter().filter(|f| !produced.contains(f.as_str())) {
            // This commit may have put a folder where the file was, or moved it aside.
            if fs::symlink_metadata(self.out_dir.join(file)).is_ok_and(|m| !m.is_dir()) {
                self.set_aside(file)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn set_aside(&mut self, rel: &str) -> io::Result<()> {
        let aside = self.old.join(rel);
        if let Some(parent) = aside.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(self.out_dir.join(rel), aside)?;
        self.steps.push(Step::SetAside(rel.to_owned()));
        Ok(())
    }

    /// Undoes every step, newest first, as far as the file system lets it.
    fn undo(&mut self) {
        while let Some(step) = self.steps.pop() {
            match step {
                Step::Placed(rel) => {
                    fs::rename(self.out_dir.join(&rel), self.new.join(&rel)).ok();
                }
                Step::SetAside(rel) => {
                    fs::rename(self.old.join(&rel), self.out_dir.join(&rel)).ok();
                }
                Step::MadeDir(rel) => {
                    fs::remove_dir(self.out_dir.join(&rel)).ok();
                }
            }
        }
    }
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

/// Writes `bytes` into a new file at `path`, never through a file already there: with
/// `hard_link`, one may be another name of an author's file, which writing through it
/// would change. Only a staged path can be there, and only if written twice. (The build
/// cache writes its files' temporary names so too: a symbolic link put there is removed,
/// not followed.)
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let create = || fs::OpenOptions::new().write(true).create_new(true).open(path);
    let mut file = match create() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            create()?
        }
        other => other?,
    };
    file.write_all(bytes)
}

/// A file that was a regular file, not a symbolic link or anything else, when it was
/// opened: a hard link to it is one more name of the same bytes. (What could change it
/// since is another process writing into the build cache, which no build does.)
#[derive(Clone)]
pub(crate) struct RegularFile(PathBuf);

impl RegularFile {
    /// Opens `path` for reading, if it is a regular file. Where the platform allows, in
    /// one call that neither follows a symbolic link nor waits on a named pipe, and with
    /// the open file's own metadata (no second look up of the path: a build with the
    /// cache opens 11,000 of them).
    pub(crate) fn open(path: &Path) -> io::Result<(RegularFile, fs::File)> {
        #[cfg(unix)]
        let file = {
            use std::os::unix::fs::OpenOptionsExt;
            fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(path)?
        };
        #[cfg(not(unix))]
        let file = {
            if !fs::symlink_metadata(path)?.is_file() {
                return Err(io::Error::other("not a regular file"));
            }
            fs::File::open(path)?
        };
        if !file.metadata()?.is_file() {
            return Err(io::Error::other("not a regular file"));
        }
        Ok((RegularFile(path.to_path_buf()), file))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

/// What `Staging::stage_link` links to.
enum Linkable<'a> {
    /// A file opened as a regular file.
    Regular(&'a RegularFile),
    /// A path not yet looked at.
    Unknown(&'a Path),
}

/// Whether `output` is another name of the file `source` (a hard link an earlier build
/// made). Where the platform cannot tell, never: links are then made again each build.
#[cfg(unix)]
fn same_file(output: &Path, source: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::symlink_metadata(output), fs::metadata(source)) {
        (Ok(out), Ok(src)) => out.is_file() && out.dev() == src.dev() && out.ino() == src.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

/// Lists the files and folders under `out_dir`. Builds' staging folders are left out,
/// and with `keep_dotfiles` every name starting with `.` at the top (a `.git` folder of a
/// deploy checkout, say): what is not listed is never removed.
fn list(out_dir: &Path, keep_dotfiles: bool) -> Listing {
    let mut listing = Listing::default();
    let walker = WalkDir::new(out_dir).min_depth(1).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        let dotfile = name.starts_with('.');
        let staging = name.starts_with(STAGING_PREFIX);
        !(e.depth() == 1 && (staging || (dotfile && keep_dotfiles)))
    });
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

/// Removes folders of the previous output that no longer hold any output. Only empty
/// folders go, so nothing is lost that the commit would have to put back.
fn remove_stale_dirs(out_dir: &Path, outputs: &HashSet<OutputPath>, previous: &Listing) {
    // Every folder that holds an output stays; only the others are candidates, so a
    // rebuild does not try (and fail) to remove ten thousand non-empty folders.
    let needed: HashSet<&str> = outputs.iter().flat_map(OutputPath::ancestors).collect();
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
}

impl Sink for Staging {
    fn write(&self, rel: &OutputPath, bytes: &[u8]) -> io::Result<()> {
        self.record(rel, bytes.len() as u64);
        if self.unchanged(rel, bytes) {
            return Ok(());
        }
        self.stage(rel, bytes)
    }

    fn copy(&self, rel: &OutputPath, source: &StaticSource) -> io::Result<()> {
        let source = match source {
            StaticSource::Embedded(bytes) => return self.write(rel, bytes),
            StaticSource::File(path) => path,
        };
        // What an earlier build hard-linked is the source itself: unchanged when linking,
        // and made a copy when not, so that turning links off leaves none behind.
        let linked = !self.fresh && same_file(&rel.under(&self.out_dir), source);
        if self.hard_link {
            self.record(rel, fs::metadata(source)?.len());
            return if linked {
                Ok(())
            } else {
                self.stage_link(rel, Linkable::Unknown(source), None)
            };
        }
        let bytes = fs::read(source)?;
        if linked {
            self.record(rel, bytes.len() as u64);
            return self.stage(rel, &bytes);
        }
        self.write(rel, &bytes)
    }

    fn keep(&self, rel: &OutputPath) -> bool {
        if self.fresh {
            return false;
        }
        match fs::symlink_metadata(rel.under(&self.out_dir)) {
            Ok(m) if m.is_file() => {
                self.record(rel, m.len());
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn path(rel: &str) -> OutputPath {
        OutputPath::new(rel).unwrap()
    }

    fn stage(out: &Path, files: &[(&str, &str)]) -> Staging {
        stage_with(out, files, Options::default())
    }

    fn stage_with(out: &Path, files: &[(&str, &str)], options: Options) -> Staging {
        let staging = Staging::begin(out, options).unwrap();
        for (rel, text) in files {
            staging.write(&path(rel), text.as_bytes()).unwrap();
        }
        staging
    }

    fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .filter_map(|e| e.ok())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                let bytes = if e.file_type().is_dir() {
                    b"<dir>".to_vec()
                } else {
                    fs::read(e.path()).unwrap()
                };
                (rel, bytes)
            })
            .collect()
    }

    /// An output folder as a first build left it: a page, a file `m`, a stale page.
    fn previous_output() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        stage(
            &out,
            &[("a/index.html", "one"), ("m", "a file"), ("stale/x.html", "old")],
        )
        .commit()
        .unwrap();
        (dir, out)
    }

    #[test]
    fn a_commit_replaces_changed_files_folders_where_files_were_and_stale_files() {
        let (_dir, out) = previous_output();
        let stats = stage(&out, &[("a/index.html", "ONE"), ("m/index.html", "now a folder")])
            .commit()
            .unwrap();
        assert_eq!((stats.written, stats.unchanged, stats.removed), (2, 0, 1));
        let expected: BTreeMap<String, Vec<u8>> = [
            ("a", "<dir>"),
            ("a/index.html", "ONE"),
            ("m", "<dir>"),
            ("m/index.html", "now a folder"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.as_bytes().to_vec()))
        .collect();
        assert_eq!(contents(&out), expected);
    }

    #[test]
    fn a_commit_that_fails_puts_the_previous_output_back() {
        let (_dir, out) = previous_output();
        let before = contents(&out);
        let staging = stage(
            &out,
            &[
                ("a/index.html", "ONE"),
                ("m/index.html", "now a folder"),
                ("z.html", "new"),
            ],
        );
        // The file system fails on the last file, after the others were moved into place.
        fs::remove_file(staging.staging.join("new/z.html")).unwrap();
        assert!(staging.commit().is_err());
        assert_eq!(contents(&out), before, "the previous output was not put back");
    }

    /// A `.git` and a `.keep` someone put at the top of the output folder, and one
    /// deeper down, which is the build's like any file it did not make.
    fn plant_dotfiles(out: &Path) {
        fs::create_dir_all(out.join(".git/refs")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        fs::write(out.join(".keep"), "").unwrap();
        fs::write(out.join("a/.keep"), "").unwrap();
    }

    #[test]
    fn dotfiles_at_the_top_stay_unless_told_otherwise() {
        let (_dir, out) = previous_output();
        plant_dotfiles(&out);
        stage(&out, &[("a/index.html", "one")]).commit().unwrap();
        let kept = contents(&out);
        assert_eq!(kept[".git/HEAD"], b"ref: refs/heads/main\n");
        assert_eq!(kept[".git/refs"], b"<dir>");
        assert_eq!(kept[".keep"], b"");
        assert!(!kept.contains_key("a/.keep"), "{:?}", kept.keys());

        let options = Options {
            keep_dotfiles: false,
            ..Options::default()
        };
        plant_dotfiles(&out);
        let stats = stage_with(&out, &[("a/index.html", "one"), (".nojekyll", "")], options)
            .commit()
            .unwrap();
        assert_eq!(stats.removed, 3, "the two .keep files and .git/HEAD");
        let left: Vec<String> = contents(&out).into_keys().collect();
        assert_eq!(left, [".nojekyll", "a", "a/index.html"]);
    }

    /// Without `keep_dotfiles`, the staging folder of a build still running in the same
    /// output folder is not this build's to remove.
    #[test]
    fn a_live_builds_staging_folder_is_never_a_stale_dotfile() {
        let (_dir, out) = previous_output();
        // Another process's build: its folder, holding its lock.
        let live = out.join(format!("{STAGING_PREFIX}-4000000"));
        fs::create_dir_all(live.join("new")).unwrap();
        fs::write(live.join("new/page.html"), "staged").unwrap();
        let lock = fs::File::create(live.join("lock")).unwrap();
        lock.lock().unwrap();
        let options = Options {
            keep_dotfiles: false,
            ..Options::default()
        };
        let stats = stage_with(&out, &[("a/index.html", "two")], options)
            .commit()
            .unwrap();
        assert_eq!(
            stats.removed, 2,
            "`m` and `stale/x.html`, nothing of the live build"
        );
        assert_eq!(fs::read(live.join("new/page.html")).unwrap(), b"staged");
        assert!(live.join("lock").is_file());
    }

    /// A source file beside the output folder, as static/ is.
    fn source(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("static.txt");
        fs::write(&path, text).unwrap();
        path
    }

    fn copy_into(out: &Path, source: &Path, hard_link: bool) -> Staging {
        let options = Options {
            hard_link,
            ..Options::default()
        };
        let staging = Staging::begin(out, options).unwrap();
        let file = StaticSource::File(source.to_path_buf());
        staging.copy(&path("s.txt"), &file).unwrap();
        staging
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_link_is_kept_while_its_source_is_and_replaced_not_written_through() {
        let (dir, out) = previous_output();
        let src = source(dir.path(), "v1");
        copy_into(&out, &src, true).commit().unwrap();
        assert!(same_file(&out.join("s.txt"), &src), "not linked");
        let stats = copy_into(&out, &src, true).commit().unwrap();
        assert_eq!((stats.written, stats.unchanged), (0, 1));
        // The output path now has other bytes (say a page replaced a static file moved
        // elsewhere): the link is replaced, and the author's file keeps its own.
        stage(&out, &[("s.txt", "rendered")]).commit().unwrap();
        assert_eq!(fs::read(&src).unwrap(), b"v1");
        assert_eq!(fs::read(out.join("s.txt")).unwrap(), b"rendered");
    }

    /// The dangerous case: writing where a hard link to an author's file stands must
    /// replace the link, never change the file.
    #[test]
    fn writing_where_a_link_stands_leaves_its_source_alone() {
        let dir = tempfile::tempdir().unwrap();
        let src = source(dir.path(), "v1");
        let output = dir.path().join("output.txt");
        fs::hard_link(&src, &output).unwrap();
        write_new(&output, b"other").unwrap();
        assert_eq!(fs::read(&src).unwrap(), b"v1");
        assert_eq!(fs::read(&output).unwrap(), b"other");
    }

    #[cfg(unix)]
    #[test]
    fn without_hard_links_a_link_an_earlier_build_made_becomes_a_copy() {
        let (dir, out) = previous_output();
        let src = source(dir.path(), "v1");
        copy_into(&out, &src, true).commit().unwrap();
        let stats = copy_into(&out, &src, false).commit().unwrap();
        assert_eq!(stats.written, 1);
        assert!(!same_file(&out.join("s.txt"), &src), "still linked");
        assert_eq!(fs::read(out.join("s.txt")).unwrap(), b"v1");
        let stats = copy_into(&out, &src, false).commit().unwrap();
        assert_eq!((stats.written, stats.unchanged), (0, 1));
    }

    #[test]
    fn folders_made_ahead_hold_the_outputs_and_go_with_an_abort() {
        let files = [
            ("index.html", "home"),
            ("a/index.html", "one"),
            ("a/b/c/index.html", "deep"),
            ("d/e.css", "css"),
        ];
        let paths: Vec<OutputPath> = files.iter().map(|(rel, _)| path(rel)).collect();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let staging = Staging::begin(&out, Options::default()).unwrap();
        staging.make_dirs_ahead(paths.iter());
        for (rel, text) in files {
            staging.write(&path(rel), text.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
        let folders: Vec<String> = contents(&out)
            .into_iter()
            .filter(|(_, v)| v == b"<dir>")
            .map(|(k, _)| k)
            .collect();
        assert_eq!(folders, ["a", "a/b", "a/b/c", "d"], "only the outputs' folders");
        assert_eq!(
            contents(&out).get("a/b/c/index.html").map(Vec::as_slice),
            Some(&b"deep"[..])
        );

        // An abort waits for the thread, so nothing it makes outlives the staging folder.
        let out = dir.path().join("aborted");
        let staging = Staging::begin(&out, Options::default()).unwrap();
        staging.make_dirs_ahead(paths.iter());
        staging.abort();
        assert!(!out.exists());
    }

    #[test]
    fn folders_guessed_ahead_that_no_output_needs_are_gone_before_the_commit() {
        // The last build had `old/…` and `gone/deep/…`; this one has `a/…` and a file
        // named `gone` where a guessed folder was.
        let guess: Vec<OutputPath> = ["index.html", "a/index.html", "old/index.html", "gone/deep/x.html"]
            .iter()
            .map(|rel| path(rel))
            .collect();
        let files = [
            ("index.html", "home"),
            ("a/index.html", "one"),
            ("gone", "a file"),
            ("n/m.css", "new"),
        ];
        let paths: Vec<OutputPath> = files.iter().map(|(rel, _)| path(rel)).collect();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let staging = Staging::begin(&out, Options::default()).unwrap();
        staging.make_dirs_ahead(guess.iter());
        staging.make_dirs_for(paths.iter());
        for (rel, text) in files {
            staging.write(&path(rel), text.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
        let all = contents(&out);
        let folders: Vec<&str> = all
            .iter()
            .filter(|(_, v)| *v == b"<dir>")
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(folders, ["a", "n"], "only this build's folders");
        assert_eq!(all.get("gone").map(Vec::as_slice), Some(&b"a file"[..]));
    }

    #[test]
    fn a_failed_first_build_leaves_no_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new/out");
        stage(&out, &[("index.html", "x")]).abort();
        assert!(!out.exists());
        assert!(
            dir.path().join("new").exists(),
            "only the output folder itself goes"
        );
    }
}
