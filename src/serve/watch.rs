//! Watching the site's sources with notify, and turning the events of one save into one
//! batch of changed paths.
//!
//! Editors save in several steps (write a temporary file and rename it over the old one;
//! delete and create; vim's `4913` probe and `~` backups), so events are collected until
//! the folder has been quiet for a moment, and names that are editors' noise are dropped.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

/// How long the sources must be quiet before a batch is complete.
pub const QUIET: Duration = Duration::from_millis(5);
/// The longest a batch waits for quiet, so a stream of writes still shows up.
pub const LONGEST: Duration = Duration::from_millis(250);

/// The folders (recursively) and files a site is made from.
pub const SOURCES: [&str; 4] = ["content", "templates", "static", "themes"];

pub struct Changes {
    // Dropping the watcher stops the events.
    watcher: RecommendedWatcher,
    /// Source folders watched so far (one created later is watched once it appears).
    watched: Vec<PathBuf>,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
}

/// Starts watching the sources of the site at `root`.
pub fn start(root: &Path) -> notify::Result<Changes> {
    let (tx, events) = channel();
    let mut watcher = notify::recommended_watcher(move |e| {
        tx.send(e).ok();
    })?;
    // The site folder itself, for config.toml (which editors replace by renaming, so a
    // watch on the file alone would be lost after the first save).
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    let mut changes = Changes {
        watcher,
        watched: Vec::new(),
        events,
        root: root.to_path_buf(),
    };
    changes.watch_sources()?;
    Ok(changes)
}

impl Changes {
    /// Watches the source folders that exist and are not watched yet.
    fn watch_sources(&mut self) -> notify::Result<()> {
        for dir in SOURCES {
            let path = self.root.join(dir);
            if path.is_dir() && !self.watched.contains(&path) {
                self.watcher.watch(&path, RecursiveMode::Recursive)?;
                self.watched.push(path);
            }
        }
        Ok(())
    }

    /// Waits for the next save and returns the paths it touched; `None` once the watcher
    /// has stopped. Errors from the watcher (such as a folder vanishing) are skipped.
    pub fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        let mut paths: Vec<PathBuf> = Vec::new();
        // Block until something relevant happens.
        while paths.is_empty() {
            let event = self.events.recv().ok()?;
            self.collect(event, &mut paths);
        }
        let started = Instant::now();
        loop {
            let left = LONGEST.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match self.events.recv_timeout(QUIET.min(left)) {
                Ok(event) => self.collect(event, &mut paths),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        paths.sort();
        paths.dedup();
        // A source folder made (or moved in) since: watch it from now on. Files already in
        // it are in the batch as the folder's own path, which rebuilds the site.
        if paths.iter().any(|p| p.parent() == Some(self.root.as_path())) {
            self.watch_sources().ok();
        }
        Some(paths)
    }

    fn collect(&self, event: notify::Result<notify::Event>, out: &mut Vec<PathBuf>) {
        let Ok(event) = event else { return };
        match event.kind {
            EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => return,
            // A folder's contents changing shows up as events of its files; a folder
            // renamed or moved in does not, so that one is kept.
            EventKind::Modify(ModifyKind::Name(_)) => {}
            EventKind::Modify(_) if event.paths.iter().all(|p| p.is_dir()) => return,
            _ => {}
        }
        out.extend(event.paths.into_iter().filter(|p| is_source(&self.root, p)));
    }
}

/// Whether a changed path can change the site: `config.toml`, or something under a source
/// folder whose name is not editors' or the system's noise.
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = parts.next() else {
        return false;
    };
    if first == "config.toml" {
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

    #[test]
    fn noise_is_not_a_source() {
        let root = Path::new("/site");
        let yes = |p: &str| assert!(is_source(root, &root.join(p)), "{p}");
        let no = |p: &str| assert!(!is_source(root, &root.join(p)), "{p}");
        yes("config.toml");
        yes("content/security/kursk.md");
        yes("content/security");
        yes("templates/page.html");
        yes("static/style.css");
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
