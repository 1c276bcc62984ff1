//! Watching the site's sources with notify, and turning the events of one save into one
//! batch of changed paths.
//!
//! Editors save in several steps (write a temporary file and rename it over the old one;
//! delete and create; vim's `4913` probe and `~` backups), so events are collected until
//! the folder has been quiet for a moment, and names that are editors' noise are dropped.
//!
//! The site folder is watched on its own (not recursively: it may hold `public/`, `.git/`
//! or `node_modules/`), and each source folder recursively. notify follows folders made
//! or moved in *inside* a recursive watch, but drops a source folder's watches when the
//! folder itself is deleted or moved away, and does not watch it again when it comes back
//! (a `git stash`, a branch switch, an editor or tool replacing the folder): the site
//! folder's own watch is not recursive. So whenever a source folder itself shows up in a
//! batch, its watch is dropped and made again from what is on disk, before the batch is
//! returned; the batch names the folder, so the session reads all of it again, and any
//! change made while the watch was being remade is in what it reads.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{EventKind, ModifyKind};
use notify::{Config, EventKindMask, RecommendedWatcher, RecursiveMode, Watcher};

/// How long the sources must be quiet before a batch is complete.
pub const QUIET: Duration = Duration::from_millis(5);
/// The longest a batch waits for quiet, so a stream of writes still shows up.
pub const LONGEST: Duration = Duration::from_millis(250);

/// The folders (recursively) and files a site is made from.
pub const SOURCES: [&str; 6] = ["content", "templates", "static", "themes", "sass", "data"];

pub struct Changes {
    // Dropping the watcher stops the events.
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    /// What [`Changes::saving`] found of a save, for the next batch to start from.
    early: Early,
}

/// The start of a batch, collected before it was asked for.
#[derive(Default)]
struct Early {
    paths: Vec<PathBuf>,
    /// Paths made during this save: one that is gone again by its end was a tool's
    /// temporary file (`sed -i` writes `sedXXXXXX` and renames it over the file). A set:
    /// a checkout makes thousands of files in one batch.
    made: HashSet<PathBuf>,
    problems: Vec<String>,
}

/// The paths one save touched, and problems with watching found on the way.
pub struct Batch {
    pub paths: Vec<PathBuf>,
    /// Folders that could not be watched (their later edits will not show), and why.
    pub problems: Vec<String>,
}

/// Starts watching the sources of the site at `root`.
pub fn start(root: &Path) -> notify::Result<Changes> {
    let (tx, events) = channel();
    // Changes only. notify's default adds opening and closing a file, so every source a
    // build reads is an event: at 100,000 pages those overflowed the system's queue, the
    // lost events made everything changed, and the build that followed, reading every
    // file again, overflowed it again, for ever. Metadata (`touch`, permissions) changes
    // nothing a build reads either.
    let kinds = EventKindMask::CREATE
        | EventKindMask::REMOVE
        | EventKindMask::MODIFY_DATA
        | EventKindMask::MODIFY_NAME;
    let mut watcher = RecommendedWatcher::new(
        move |e| {
            tx.send(e).ok();
        },
        Config::default().with_event_kinds(kinds),
    )?;
    // The site folder itself, for config.toml (which editors replace by renaming, so a
    // watch on the file alone would be lost after the first save) and for the source
    // folders appearing, vanishing or being moved.
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    let mut changes = Changes {
        watcher,
        events,
        root: root.to_path_buf(),
        early: Early::default(),
    };
    for dir in SOURCES {
        changes.rewatch(&root.join(dir))?;
    }
    Ok(changes)
}

impl Changes {
    /// Drops whatever watch notify holds on a source folder and, if the folder exists,
    /// watches it (recursively) again as it is now.
    fn rewatch(&mut self, path: &Path) -> notify::Result<()> {
        // Usually there is nothing to drop: notify forgets a folder deleted or moved away
        // from under a watched one. Dropping first makes sure no descriptor of an earlier
        // folder at this path stays mapped to it (its events would pass for this folder's),
        // so "not watched" is no error here.
        self.watcher.unwatch(path).ok();
        let mut attempt = 0;
        loop {
            if !path.is_dir() {
                return Ok(());
            }
            match self.watcher.watch(path, RecursiveMode::Recursive) {
                Ok(()) => return Ok(()),
                // A subfolder vanished while notify walked the folder (a checkout still
                // under way): walk it again.
                Err(e) if attempt < 3 && !matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                    self.watcher.unwatch(path).ok();
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Whether a save has begun since the last batch, without waiting: for work that can
    /// be put off until after it. What it finds begins the next batch.
    pub fn saving(&mut self) -> bool {
        let mut early = std::mem::take(&mut self.early);
        while let Ok(event) = self.events.try_recv() {
            self.collect(event, &mut early.paths, &mut early.made, &mut early.problems);
        }
        self.early = early;
        !self.early.paths.is_empty() || !self.early.problems.is_empty()
    }

    /// Waits for the next save and returns the paths it touched; `None` once the watcher
    /// has stopped.
    pub fn next_batch(&mut self) -> Option<Batch> {
        let Early {
            mut paths,
            mut made,
            mut problems,
        } = std::mem::take(&mut self.early);
        // Block until something relevant happens.
        while paths.is_empty() && problems.is_empty() {
            let event = self.events.recv().ok()?;
            self.collect(event, &mut paths, &mut made, &mut problems);
        }
        let started = Instant::now();
        loop {
            let left = LONGEST.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match self.events.recv_timeout(QUIET.min(left)) {
                Ok(event) => self.collect(event, &mut paths, &mut made, &mut problems),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        paths.sort();
        paths.dedup();
        paths.retain(|p| !(made.contains(p) && std::fs::symlink_metadata(p).is_err()));
        problems.sort();
        problems.dedup();
        // Source folders made, deleted or moved (or every one, after a lost event): watch
        // them afresh. Files already in them are in the batch as the folder's own path,
        // which has the session read all of the folder again.
        let folders: Vec<PathBuf> = SOURCES
            .iter()
            .map(|dir| self.root.join(dir))
            .filter(|folder| paths.contains(folder))
            .collect();
        for folder in folders {
            if let Err(e) = self.rewatch(&folder) {
                problems.push(format!("cannot watch {}: {e}", folder.display()));
            }
        }
        // notify starts watching a folder made inside a watched one after handing out the
        // event that says so, on its own thread, between reading events and answering
        // requests. A request answered now (watching the site folder again changes
        // nothing) means every such watch is in place before the session reads the files,
        // so no file written into a new folder can slip between the two.
        if let Err(e) = self.watcher.watch(&self.root, RecursiveMode::NonRecursive) {
            problems.push(format!("cannot watch {}: {e}", self.root.display()));
        }
        Some(Batch { paths, problems })
    }

    fn collect(
        &self,
        event: notify::Result<notify::Event>,
        out: &mut Vec<PathBuf>,
        made: &mut HashSet<PathBuf>,
        problems: &mut Vec<String>,
    ) {
        let event = match event {
            Ok(event) => event,
            // The system's limit on watches: folders made from now on are not watched.
            Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                problems.push(format!(
                    "cannot watch every folder ({e}); raise fs.inotify.max_user_watches"
                ));
                return;
            }
            // Reading the system's queue failed once; the next events still arrive.
            Err(_) => return,
        };
        if event.need_rescan() {
            // Events were lost (the system's queue overflowed during a large checkout):
            // everything may have changed, and any folder may have been replaced.
            out.push(self.root.join("config.toml"));
            out.push(self.root.join("zola.toml"));
            out.extend(SOURCES.iter().map(|dir| self.root.join(dir)));
            return;
        }
        match event.kind {
            EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => return,
            // A folder's contents changing shows up as events of its files; a folder
            // renamed or moved in does not, so that one is kept.
            EventKind::Modify(ModifyKind::Name(_)) => {}
            EventKind::Modify(_) if event.paths.iter().all(|p| p.is_dir()) => return,
            _ => {}
        }
        if matches!(event.kind, EventKind::Create(_)) {
            made.extend(event.paths.iter().cloned());
        }
        out.extend(event.paths.into_iter().filter(|p| is_source(&self.root, p)));
    }
}

/// Whether a changed path can change the site: `config.toml` or `zola.toml`, or something under a source
/// folder whose name is not editors' or the system's noise.
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = parts.next() else {
        return false;
    };
    if first == "config.toml" || first == "zola.toml" {
        return rel.components().count() == 1;
    }
    if !SOURCES.contains(&first.as_ref()) {
        return false;
    }
    parts.all(|name| !crate::load::is_ignored_name(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `serve` asks whether a save has begun while it makes the search index, to stop
    /// for it: the save it sees is the one the next batch returns, not lost.
    #[test]
    fn a_save_seen_before_its_batch_is_asked_for_is_in_the_batch() {
        let dir = tempfile::tempdir().expect("a folder");
        let root = dir.path().canonicalize().expect("its path");
        std::fs::create_dir(root.join("content")).expect("content");
        let mut changes = start(&root).expect("watches");
        assert!(!changes.saving(), "nothing saved yet");
        let file = root.join("content/a.md");
        std::fs::write(&file, "+++\ntitle = \"A\"\n+++\n").expect("writes");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !changes.saving() {
            assert!(Instant::now() < deadline, "the save was never seen");
            std::thread::sleep(Duration::from_millis(5));
        }
        // On a thread: a save lost would leave `next_batch` waiting for the next.
        let (tx, rx) = channel();
        std::thread::spawn(move || tx.send(changes.next_batch().map(|b| (b.paths, b.problems))));
        let (paths, problems) = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the batch came")
            .expect("a batch");
        assert_eq!(paths, vec![file]);
        assert!(problems.is_empty(), "{problems:?}");
    }

    /// Regression: reading the sources, as every build does, made an event for each file
    /// opened; at 100,000 pages they overflowed the system's queue, and `serve` built the
    /// site again for ever. Reads are no events now, and a write still is.
    #[test]
    fn reading_a_source_is_no_event_and_writing_one_is() {
        let dir = tempfile::tempdir().expect("a folder");
        let root = dir.path().canonicalize().expect("its path");
        std::fs::create_dir(root.join("content")).expect("content");
        let file = root.join("content/a.md");
        std::fs::write(&file, "+++\ntitle = \"A\"\n+++\n").expect("writes");
        let changes = start(&root).expect("watches");
        for _ in 0..100 {
            std::fs::read(&file).expect("reads");
        }
        std::fs::write(root.join("content/b.md"), "+++\ntitle = \"B\"\n+++\n").expect("writes");
        // Events come in order: those of the reads, had there been any, before the write's.
        let first = changes
            .events
            .recv_timeout(Duration::from_secs(10))
            .expect("the write is an event")
            .expect("no error");
        assert!(!matches!(first.kind, EventKind::Access(_)), "{first:?}");
        assert_eq!(first.paths, vec![root.join("content/b.md")], "{first:?}");
    }

    #[test]
    fn noise_is_not_a_source() {
        let root = Path::new("/site");
        let yes = |p: &str| assert!(is_source(root, &root.join(p)), "{p}");
        let no = |p: &str| assert!(!is_source(root, &root.join(p)), "{p}");
        yes("config.toml");
        yes("zola.toml");
        yes("content/security/kursk.md");
        yes("content/security");
        yes("templates/page.html");
        yes("static/style.css");
        yes("sass/parts/_nav.scss");
        yes("themes/default/templates/base.html");
        no("public/index.html");
        no("config.toml~");
        no("content/security/.kursk.md.swp");
        no("content/security/kursk.md~");
        no("content/security/4913");
        no("content/.git/index");
        no("content/#kursk.md#");
        no("target/debug/dossier");
        no("README.md");
        assert!(!is_source(root, Path::new("/elsewhere/content/a.md")));
    }
}
