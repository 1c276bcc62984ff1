//! Writes output atomically: everything goes into a staging folder beside the output
//! folder, which replaces it only when the whole build has succeeded.
//!
//! Files whose bytes did not change since the last build are hard-linked from the old
//! output instead of written again, and the old folder is removed by a detached process
//! so its deletion is off the build's critical path.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::render::Sink;
use crate::theme::StaticSource;

pub struct Staging {
    out_dir: PathBuf,
    staging: PathBuf,
    /// Folders already created, so each `create_dir_all` happens once.
    made_dirs: Mutex<HashSet<PathBuf>>,
}

fn sibling(out_dir: &Path, tag: &str) -> PathBuf {
    let name = out_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out_dir.with_file_name(format!(".{name}.dossier-{tag}-{}", std::process::id()))
}

impl Staging {
    pub fn begin(out_dir: &Path) -> io::Result<Staging> {
        let staging = sibling(out_dir, "new");
        if staging.exists() {
            fs::remove_dir_all(&staging)?;
        }
        if let Some(parent) = out_dir.parent()
            && !parent.as_os_str().is_empty()
        {
            fs::create_dir_all(parent)?;
        }
        fs::create_dir_all(&staging)?;
        Ok(Staging {
            out_dir: out_dir.to_path_buf(),
            staging,
            made_dirs: Mutex::new(HashSet::new()),
        })
    }

    fn target(&self, rel: &str) -> io::Result<PathBuf> {
        let target = self.staging.join(rel);
        if let Some(parent) = target.parent() {
            let fresh = self.made_dirs.lock().map(|mut m| m.insert(parent.to_path_buf())).unwrap_or(true);
            if fresh {
                fs::create_dir_all(parent)?;
            }
        }
        Ok(target)
    }

    /// Links the previous build's file if it has exactly these bytes.
    fn reuse(&self, rel: &str, bytes: &[u8], target: &Path) -> bool {
        let old = self.out_dir.join(rel);
        match fs::metadata(&old) {
            Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {}
            _ => return false,
        }
        match fs::read(&old) {
            Ok(existing) if existing == bytes => fs::hard_link(&old, target).is_ok(),
            _ => false,
        }
    }

    /// Replaces the output folder with the staged one. The old one is deleted by
    /// `remover` (a command that takes the folder as its last argument) when given.
    pub fn commit(self, remover: Option<&[std::ffi::OsString]>) -> io::Result<()> {
        let old = sibling(&self.out_dir, "old");
        let had_old = self.out_dir.exists();
        if had_old {
            if old.exists() {
                fs::remove_dir_all(&old)?;
            }
            fs::rename(&self.out_dir, &old)?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.out_dir) {
            if had_old {
                fs::rename(&old, &self.out_dir).ok();
            }
            return Err(e);
        }
        if had_old {
            remove_old(&old, remover);
        }
        Ok(())
    }

    /// Drops the staged output, leaving the previous output as it was.
    pub fn abort(self) {
        fs::remove_dir_all(&self.staging).ok();
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.target(rel)?;
        if self.reuse(rel, bytes, &target) {
            return Ok(());
        }
        fs::write(target, bytes)
    }

    fn copy(&self, rel: &str, source: &StaticSource) -> io::Result<()> {
        match source {
            StaticSource::Embedded(bytes) => self.write(rel, bytes),
            StaticSource::File(path) => {
                let bytes = fs::read(path)?;
                self.write(rel, &bytes)
            }
        }
    }
}

/// Deletes `dir`, with a detached process when a remover command is given, so the build
/// does not wait for thousands of unlinks.
fn remove_old(dir: &Path, remover: Option<&[std::ffi::OsString]>) {
    let spawned = remover.and_then(|cmd| {
        let (program, args) = cmd.split_first()?;
        std::process::Command::new(program)
            .args(args)
            .arg(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()
    });
    if spawned.is_none() {
        fs::remove_dir_all(dir).ok();
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
