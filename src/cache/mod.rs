//! The build cache (`dossier build --cache-dir DIR`): the last build's outputs, kept by
//! what they were made from, so that a build into an empty output folder (CI, where every
//! build starts from a fresh checkout) renders only the outputs whose template values
//! changed and takes the rest from the cache.
//!
//! The folder holds `manifest.json`, `objects/` (each output's bytes once, named by
//! their SHA-256) and `search.bin` (the search index), and what the model kept:
//! `markdown/` (see [`markdown`]) and `related.bin` (see [`related`]), and the events'
//! HTML, `events.bin` (see [`events`]). The manifest gives
//! each output path the fingerprint of the values it was made from
//! (`render::Prepared::fingerprints`) and its bytes' hash, length and CRC-32, and says
//! what else every output depended on: [`Env`] (dossier's version, the configuration,
//! the compiled CSS, …) and the site's files the template functions looked for.
//!
//! Nothing in the cache is trusted unchecked. A manifest from another version, for other
//! settings, or made before a file the templates read changed is ignored whole; an object
//! whose bytes no longer have its length and CRC-32 is ignored, its output rendered, and
//! the object replaced when the build succeeds.
//! A stale or corrupt cache costs time, never a wrong output. The cache is written only
//! after the output folder is, so a failed build leaves it as it was.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub(crate) mod events;
pub(crate) mod markdown;
mod record;
pub(crate) mod related;

use crate::digest::sha256_hex;
use crate::output_path::OutputPath;
use crate::render::documents::Documents;
use crate::theme::StaticSource;
use crate::write::{RegularFile, Sink, Staging};

/// Changed whenever what the manifest means changes.
const FORMAT: u32 = 2;
const MANIFEST: &str = "manifest.json";
const OBJECTS: &str = "objects";
const SEARCH: &str = "search.bin";

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: u32,
    dossier: String,
    env: u64,
    /// Whether rendering asked for processed images (`resize_image`): the outputs that
    /// ask are not known one by one, and an output taken from the cache asks for nothing,
    /// so such a build's outputs are not reused.
    images: bool,
    /// Each file the template functions looked for, relative to the site folder: the
    /// SHA-256 of its bytes, or `None` if it was not there.
    files: BTreeMap<String, Option<String>>,
    /// Each address a template function looked up (a page's for `get_url(path="@/…")`, a
    /// term's for `get_taxonomy_url`), by the renderer's key, with what it found.
    addresses: BTreeMap<String, Option<String>>,
    /// The SHA-256 of `search.bin`, the search index, if the build made one.
    search: Option<String>,
    outputs: BTreeMap<String, Entry>,
    /// What the outputs were made from, document by document, for telling which outputs'
    /// fingerprints the next build must make again (see `render::documents`). Absent in a
    /// manifest saved without it: every fingerprint is made.
    #[serde(default)]
    documents: Option<Documents>,
}

/// What every version's manifest starts with.
#[derive(Deserialize)]
struct Stamp {
    format: u32,
    dossier: String,
}

impl Manifest {
    /// Whether every name in it is one a build writes: object names are hashes, files
    /// are inside the site. A manifest is data from outside the build, which names no
    /// other file to read.
    fn well_formed(&self) -> bool {
        let inside = |path: &str| {
            let path = Path::new(path);
            path.is_relative()
                && path
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)))
        };
        self.outputs.values().all(|e| is_sha256(&e.sha256))
            && self.search.iter().all(|s| is_sha256(s))
            && self.files.keys().all(|p| inside(p))
            && self.files.values().flatten().all(|s| is_sha256(s))
    }
}

fn is_sha256(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// One output in the cache.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    fingerprint: u64,
    /// The bytes' SHA-256, which names the object holding them: outputs with the same
    /// bytes share one.
    sha256: String,
    len: u64,
    /// The bytes' CRC-32, which a build checks before it uses them, at a tenth of the
    /// SHA-256's cost over the 300 MB a 10,000-page build takes. It finds every damage
    /// of up to 32 bits in a row and all but one in four billion of any other; what no
    /// sum keeps out is a cache made to mislead, whose manifest would name its own.
    crc32: u32,
}

/// What every output depends on besides its template values and the files the templates
/// read: a change to any of it makes the whole cache stale.
pub(crate) struct Env<'a> {
    /// The configuration file's text.
    pub config: String,
    /// The command line's settings that change outputs.
    pub base_url: Option<&'a str>,
    pub drafts: bool,
    /// CSS compiled from Sass, which `get_url(cachebust=true)` hashes.
    pub stylesheets: Vec<&'a [u8]>,
    /// The day of the build, when a template calls `now()`.
    pub today: Option<jiff::civil::Date>,
}

impl Env<'_> {
    fn key(&self) -> u64 {
        let mut h = DefaultHasher::new();
        // This key is made with the standard library's hasher, whose algorithm may change
        // between Rust releases, and the fingerprints with the standard library's `Hash`:
        // known values' hashes tell builds apart.
        let mut probe = DefaultHasher::new();
        "dossier build cache".hash(&mut probe);
        probe.finish().hash(&mut h);
        crate::render::fingerprint::probe().hash(&mut h);
        (
            self.config.as_str(),
            self.base_url,
            self.drafts,
            &self.stylesheets,
        )
            .hash(&mut h);
        self.today.map(|d| d.to_string()).hash(&mut h);
        h.finish()
    }
}

/// What a build's outputs read besides their template values.
pub(crate) struct Reads {
    /// The site's files the template functions looked for, relative to the site folder,
    /// with whether each was there.
    pub files: Vec<(String, bool)>,
    /// The addresses template functions looked up, by key, with what they found.
    pub addresses: Vec<(String, Option<String>)>,
    /// Whether rendering asked for processed images.
    pub images: bool,
}

/// The cache as a build found it.
pub(crate) struct Cache {
    dir: PathBuf,
    env: u64,
    /// The last build's outputs, if they may be used.
    kept: BTreeMap<String, Entry>,
    /// What the last build's outputs read, if they may be used: outputs taken from the
    /// cache read it too, though this build does not render them.
    kept_files: BTreeMap<String, Option<String>>,
    kept_addresses: BTreeMap<String, Option<String>>,
    /// The SHA-256 of the kept search index.
    search: Option<String>,
    /// What the last build's outputs were made from, if they may be used.
    documents: Option<Documents>,
    /// The objects found whole while the site was read (see [`Checking`]).
    checked: HashMap<String, Checked>,
    /// Why the last build's outputs are not used, if there were any.
    pub(crate) ignored: Option<String>,
}

/// The manifest as found in the cache folder, before the build knows whether it may be
/// used: read first, so that the outputs it lists can guide work that starts before the
/// site is read ([`Found::output_paths`]).
pub(crate) struct Found(Result<Manifest, Option<String>>);

impl Found {
    /// Reads the manifest in `dir`. Never fails: a missing, unreadable or damaged one is
    /// an empty cache, with the reason kept for [`Cache::ignored`].
    pub(crate) fn read(dir: &Path) -> Found {
        let text = match std::fs::read(dir.join(MANIFEST)) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Found(Err(None)),
            Err(e) => return Found(Err(Some(format!("its manifest cannot be read: {e}")))),
        };
        Found(match serde_json::from_slice::<Manifest>(&text) {
            Ok(m) if m.well_formed() => Ok(m),
            Ok(_) => Err(Some("its manifest is damaged".to_owned())),
            // Another version's manifest may not read as this one's.
            Err(_) => Err(Some(match serde_json::from_slice::<Stamp>(&text) {
                Ok(stamp) if stamp.format != FORMAT || stamp.dossier != env!("CARGO_PKG_VERSION") => {
                    format!("it was made by dossier {}", stamp.dossier)
                }
                _ => "its manifest is damaged".to_owned(),
            })),
        })
    }

    /// The outputs of the build that made the manifest: a guess at this build's, which
    /// nothing trusts (the paths are checked as any output path is).
    pub(crate) fn output_paths(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flat_map(|m| m.outputs.keys().map(String::as_str))
    }
}

impl Cache {
    /// Opens the cache in `dir`, whose manifest is `found`, for a build of the site at
    /// `root` whose outputs depend on `env`. Never fails: a cache that cannot be used is
    /// empty, with [`Cache::ignored`] saying why. The addresses the outputs looked up are
    /// checked once the site's are known ([`Cache::check_addresses`]).
    pub(crate) fn open(dir: &Path, found: Found, root: &Path, env: &Env) -> Cache {
        let env = env.key();
        let mut cache = Cache {
            dir: dir.to_path_buf(),
            env,
            kept: BTreeMap::new(),
            kept_files: BTreeMap::new(),
            kept_addresses: BTreeMap::new(),
            search: None,
            documents: None,
            checked: HashMap::new(),
            ignored: None,
        };
        let manifest = match found.0 {
            Ok(manifest) => manifest,
            Err(why) => {
                cache.ignored = why;
                return cache;
            }
        };
        cache.ignored = if manifest.format != FORMAT || manifest.dossier != env!("CARGO_PKG_VERSION") {
            Some(format!("it was made by dossier {}", manifest.dossier))
        } else if manifest.env != env {
            Some("the configuration, the CSS or the day changed".to_owned())
        } else if manifest.images {
            Some("the last build processed images".to_owned())
        } else {
            changed_file(root, &manifest.files).map(|path| format!("{path} changed"))
        };
        if cache.ignored.is_none() {
            cache.kept = manifest.outputs;
            cache.kept_files = manifest.files;
            cache.kept_addresses = manifest.addresses;
            cache.search = manifest.search;
            cache.documents = manifest.documents;
        }
        cache
    }

    /// Sets the cache aside unless every address the outputs looked up is the same now,
    /// as `address` (a lookup's key → what it finds now) says.
    pub(crate) fn check_addresses(&mut self, address: &dyn Fn(&str) -> Option<String>) {
        let moved = self
            .kept_addresses
            .iter()
            .find(|(key, found)| address(key) != **found);
        if let Some((key, _)) = moved {
            self.ignored = Some(format!(
                "the address of {} changed",
                key.trim_start_matches("term\u{1f}").replace('\u{1f}', " ")
            ));
            self.kept.clear();
            self.kept_files.clear();
            self.kept_addresses.clear();
            self.documents = None;
        }
    }

    /// What the last build's outputs were made under (see [`stamp`]), if they may be
    /// used: the parts of the cache saved beside the manifest (`events.bin`) are used
    /// only when they carry the same stamp.
    pub(crate) fn stamp(&self) -> Option<u64> {
        self.ignored
            .is_none()
            .then(|| stamp(self.env, &self.kept_files, &self.kept_addresses))
    }

    /// The events' HTML kept beside the manifest (see [`events`]), with the manifest's
    /// stamp, if the manifest may be used and the HTML was saved with it.
    pub(crate) fn event_html(&self) -> Option<(u64, crate::render::event_html::Kept)> {
        let stamp = self.stamp()?;
        events::load(&self.dir, stamp).map(|kept| (stamp, kept))
    }

    /// The last build's search index, as [`Cache::save`] was given it, if its bytes are
    /// still the ones recorded. Each page's part of it is checked again when it is
    /// refreshed (`render::search::SearchIndex::refreshed`).
    pub(crate) fn search_index(&self) -> Option<Vec<u8>> {
        let sha256 = self.search.as_ref()?;
        let bytes = std::fs::read(self.dir.join(SEARCH)).ok()?;
        (sha256_hex(&bytes) == *sha256).then_some(bytes)
    }

    /// The kept output at `path`, if it was made from values of this `fingerprint`.
    pub(crate) fn lookup(&self, path: &str, fingerprint: u64) -> Option<&Entry> {
        self.kept.get(path).filter(|e| e.fingerprint == fingerprint)
    }

    /// The fingerprint the last build's output at `path` was made with, if it is kept.
    pub(crate) fn recorded(&self, path: &str) -> Option<u64> {
        self.kept.get(path).map(|e| e.fingerprint)
    }

    /// What the last build's outputs were made from, document by document, if they may
    /// be used and the manifest says.
    pub(crate) fn documents(&self) -> Option<&Documents> {
        self.documents.as_ref()
    }

    /// Takes the objects [`Checking`] found whole, for [`Cache::fetch`].
    pub(crate) fn adopt(&mut self, checking: Checking) {
        self.checked = checking.finish();
    }

    /// The file holding `entry`'s bytes, if they are still the bytes it names: found so
    /// while the site was read ([`Cache::adopt`]), else read into `bytes` and checked now
    /// (a buffer reused from one object to the next: 11,000 objects read into new ones
    /// cost a page fault for every 4 KB of 300 MB), with whether they were. An object
    /// that is not whole is left as it is, for the save of a build that succeeds to
    /// replace.
    pub(crate) fn fetch(&self, entry: &Entry, bytes: &mut Vec<u8>) -> Option<(RegularFile, bool)> {
        if let Some(checked) = self.checked.get(&entry.sha256)
            && (checked.len, checked.crc32) == (entry.len, entry.crc32)
        {
            return Some((checked.file.clone(), false));
        }
        check(self.object(&entry.sha256), entry.len, entry.crc32, bytes).map(|file| (file, true))
    }

    fn object(&self, sha256: &str) -> PathBuf {
        object(&self.dir, sha256)
    }

    /// Stores a finished build: its outputs (as now in `out_dir`), what they read
    /// besides their values (see [`Reads`]) and its search index's bytes, if it made one.
    /// Objects no output names any more are removed. Returns the manifest's stamp (see
    /// [`Cache::stamp`]), for what is saved beside it.
    pub(crate) fn save(
        &self,
        root: &Path,
        out_dir: &Path,
        recorded: Recorded,
        reads: Reads,
        search: Option<Vec<u8>>,
        documents: Option<Documents>,
    ) -> io::Result<u64> {
        let Recorded { outputs, taken } = recorded;
        std::fs::create_dir_all(&self.dir)?;
        real_folder(&self.dir.join(OBJECTS))?;
        // Written before the manifest that names its hash, under a temporary name first.
        let search = match search {
            Some(bytes) => {
                replace_file(&self.dir.join(SEARCH), &bytes)?;
                Some(sha256_hex(&bytes))
            }
            None => {
                std::fs::remove_file(self.dir.join(SEARCH)).ok();
                None
            }
        };
        // Each object once (outputs may share their bytes), but for those this build took
        // its bytes from: they are there, and not looked up again.
        let mut placed: Vec<(&str, &str)> = outputs
            .iter()
            .filter(|(_, entry)| !taken.contains(&entry.sha256))
            .map(|(path, entry)| (entry.sha256.as_str(), path.as_str()))
            .collect();
        placed.sort_unstable();
        placed.dedup_by_key(|(sha256, _)| *sha256);
        placed.par_iter().try_for_each(|(sha256, path)| {
            // Put in place even when a file has the object's name: rendered again, the
            // output was not taken from it, which may be damaged (see `check`).
            let object = self.object(sha256);
            real_folder(object.parent().expect("objects are in a folder"))?;
            // A folder by that name, which no build made, is the one thing a file cannot
            // be moved over.
            if std::fs::symlink_metadata(&object).is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(&object)?;
            }
            // The output folder's file becomes the object: a link where the file system
            // allows (nothing writes into an output in place), else a copy. Made under a
            // temporary name, so an interrupted save leaves no object with wrong bytes.
            let temporary = object.with_extension("part");
            std::fs::remove_file(&temporary).ok();
            let source = out_dir.join(path);
            if std::fs::hard_link(&source, &temporary).is_err() {
                std::fs::copy(&source, &temporary)?;
            }
            std::fs::rename(&temporary, &object)
        })?;
        // What the outputs taken from the cache read, checked unchanged when it was
        // opened, and what this build's rendering read.
        let mut files = self.kept_files.clone();
        files.par_extend(reads.files.into_par_iter().map(|(path, found)| {
            let sha256 = found
                .then(|| std::fs::read(root.join(&path)).ok())
                .flatten()
                .map(|bytes| sha256_hex(&bytes));
            (path, sha256)
        }));
        let mut addresses = self.kept_addresses.clone();
        addresses.extend(reads.addresses);
        let wanted: HashSet<String> = outputs.values().map(|e| e.sha256.clone()).collect();
        let manifest = Manifest {
            format: FORMAT,
            dossier: env!("CARGO_PKG_VERSION").to_owned(),
            env: self.env,
            images: reads.images,
            files,
            addresses,
            search,
            outputs,
            documents,
        };
        replace_file(
            &self.dir.join(MANIFEST),
            &serde_json::to_vec(&manifest).map_err(io::Error::other)?,
        )?;
        self.prune(&wanted);
        Ok(stamp(manifest.env, &manifest.files, &manifest.addresses))
    }

    /// Removes every object not in `wanted`, and anything else that is not an object. The
    /// objects' folders are gone through in parallel (a build's last step, 6 ms of it at
    /// 10,000 pages one after another); a folder that is a symbolic link is not entered.
    fn prune(&self, wanted: &HashSet<String>) {
        let Ok(folders) = std::fs::read_dir(self.dir.join(OBJECTS)) else {
            return;
        };
        let folders: Vec<PathBuf> = folders
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
            .map(|entry| entry.path())
            .collect();
        folders.par_iter().for_each(|folder| {
            let Ok(entries) = std::fs::read_dir(folder) else {
                return;
            };
            for entry in entries.filter_map(Result::ok) {
                if !wanted.contains(entry.file_name().to_string_lossy().as_ref()) {
                    std::fs::remove_file(entry.path()).ok();
                }
            }
        });
    }
}

/// Puts `bytes` at `path` whole or not at all: written to `path` with `.part` added to
/// its extension, a file made anew (`write::write_new`: a symbolic link or file with that
/// name is removed, never written through out of the cache), then moved over `path`
/// (which replaces a link there, not its target).
pub(super) fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".part");
    let temporary = PathBuf::from(temporary);
    crate::write::write_new(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}

/// Makes `path` a folder of the cache's own, if it is not: a symbolic link (to a folder
/// outside the cache, say) or a file there is removed, not followed, so that nothing is
/// written, moved or removed through it.
fn real_folder(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => return Ok(()),
        Ok(_) => match std::fs::remove_file(path) {
            // Removed meanwhile by another thread placing an object beside this one.
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    match std::fs::create_dir(path) {
        // Made meanwhile by another thread placing an object beside this one.
        Err(e)
            if e.kind() == io::ErrorKind::AlreadyExists
                && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) =>
        {
            Ok(())
        }
        made => made,
    }
}

fn object(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(OBJECTS).join(&sha256[..2]).join(sha256)
}

/// The object at `path`, if it is a regular file whose bytes have length `len` and
/// CRC-32 `crc32`; they are read into `bytes`. One that is not is left where it is: a
/// build writes nothing into the cache before it succeeds, and [`Cache::save`] then puts
/// the bytes of every output it rendered in place of whatever their object's name held.
fn check(path: PathBuf, len: u64, crc32: u32, bytes: &mut Vec<u8>) -> Option<RegularFile> {
    use std::io::Read;
    bytes.clear();
    // Anything but a regular file is not an object a build made, and is not used.
    let (object, mut file) = RegularFile::open(&path).ok()?;
    // One byte more than it should hold, to find a longer file without reading it.
    let read = (&mut file).take(len + 1).read_to_end(bytes);
    (read.is_ok() && bytes.len() as u64 == len && crc32fast::hash(bytes) == crc32).then_some(object)
}

/// An object found whole, with the length and CRC-32 it was checked against.
struct Checked {
    file: RegularFile,
    len: u64,
    crc32: u32,
}

/// The objects a manifest names, checked on a thread of its own while the site is read
/// and its outputs' values made: a build with the cache after a one-page edit takes
/// 11,000 outputs from it, and reading their 300 MB to check them is a tenth of its
/// work, which the stages that keep only one of the processor's cores busy leave room
/// for. The thread runs at the lowest priority, so that it takes only that room; the
/// objects it has not come to when the outputs are taken are checked then.
pub(crate) struct Checking {
    handle: Option<std::thread::JoinHandle<HashMap<String, Checked>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Checking {
    /// Starts checking the objects `found` names in the cache folder `dir`, if its
    /// manifest could be read.
    pub(crate) fn start(dir: &Path, found: &Found) -> Option<Checking> {
        use std::sync::atomic::{AtomicBool, Ordering};
        let manifest = found.0.as_ref().ok()?;
        let mut objects: Vec<(String, u64, u32)> = manifest
            .outputs
            .values()
            .map(|e| (e.sha256.clone(), e.len, e.crc32))
            .collect();
        objects.sort_unstable();
        objects.dedup();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        let dir = dir.to_path_buf();
        let handle = std::thread::Builder::new()
            .name("cache check".to_owned())
            .spawn(move || {
                lowest_priority();
                let mut bytes = Vec::new();
                let mut checked = HashMap::new();
                for (sha256, len, crc32) in objects {
                    if stopped.load(Ordering::Relaxed) {
                        break;
                    }
                    if let Some(file) = check(object(&dir, &sha256), len, crc32, &mut bytes) {
                        checked.insert(sha256, Checked { file, len, crc32 });
                    }
                }
                checked
            })
            .ok()?;
        Some(Checking {
            handle: Some(handle),
            stop,
        })
    }

    /// Stops the thread and returns the objects it found whole.
    fn finish(self) -> HashMap<String, Checked> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.join()
    }

    /// Waits for the thread to check every object, and returns those it found whole.
    fn join(mut self) -> HashMap<String, Checked> {
        self.handle
            .take()
            .and_then(|handle| handle.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Checking {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(handle) = self.handle.take() {
            handle.join().ok();
        }
    }
}

/// Lowers the calling thread's priority as far as it goes, where the system allows a
/// thread its own (Linux does; elsewhere this does nothing).
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain calls with no pointers; `gettid` cannot fail, and a failed
    // `setpriority` leaves the priority as it was.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 19);
    }
}

/// A hash of what a manifest says its outputs were made under besides their values: the
/// environment, and the files and addresses the templates looked up. Equal stamps mean
/// that what one manifest's checks found still holds for anything saved with the other.
fn stamp(
    env: u64,
    files: &BTreeMap<String, Option<String>>,
    addresses: &BTreeMap<String, Option<String>>,
) -> u64 {
    let mut h = crate::digest::fingerprinter();
    (env, files, addresses).hash(&mut h);
    h.finish()
}

/// An error if the cache folder `dir` would be published or removed by a build of the
/// site at `root` into `out_dir`: inside the output folder (or holding it), or inside
/// the folders a build copies from.
pub(crate) fn check_dir(
    root: &Path,
    out_dir: &Path,
    dir: &Path,
) -> Result<(), crate::diagnostic::Diagnostic> {
    let full = |p: &Path| {
        std::fs::canonicalize(p)
            .or_else(|_| std::path::absolute(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let (cache, out) = (full(dir), full(out_dir));
    let clash = if cache.starts_with(&out) || out.starts_with(&cache) {
        Some(format!("the output folder {}", out_dir.display()))
    } else {
        ["content", "static"]
            .iter()
            .find(|f| cache.starts_with(full(&root.join(f))))
            .map(|f| format!("{f}/, which the build publishes"))
    };
    match clash {
        None => Ok(()),
        Some(what) => Err(crate::diagnostic::Diagnostic::error(format!(
            "the build cache {} overlaps {what}",
            dir.display()
        ))
        .hint("keep the cache in a folder of its own, such as .dossier-cache beside config.toml")),
    }
}

/// The first of `files` whose state differs from the one recorded.
fn changed_file(root: &Path, files: &BTreeMap<String, Option<String>>) -> Option<String> {
    files
        .par_iter()
        .find_first(|(path, sha256)| {
            let now = std::fs::read(root.join(path))
                .ok()
                .map(|bytes| sha256_hex(&bytes));
            now != **sha256
        })
        .map(|(path, _)| path.clone())
}

/// A sink that passes outputs on to another and notes the hash of those the cache keeps:
/// the outputs with a fingerprint.
pub(crate) struct Recorder<'a> {
    inner: &'a Staging,
    fingerprints: HashMap<&'a str, u64>,
    entries: Mutex<Recorded>,
}

/// What a [`Recorder`] noted.
#[derive(Default)]
pub(crate) struct Recorded {
    /// The outputs the cache keeps, by path.
    outputs: BTreeMap<String, Entry>,
    /// The objects outputs were taken from, by hash: each was there, and whole.
    taken: HashSet<String>,
}

impl<'a> Recorder<'a> {
    /// Over `inner`, noting the outputs whose paths `fingerprints` holds.
    pub(crate) fn new(inner: &'a Staging, fingerprints: HashMap<&'a str, u64>) -> Recorder<'a> {
        Recorder {
            inner,
            fingerprints,
            entries: Mutex::new(Recorded::default()),
        }
    }

    /// Passes on an output taken from the cache: the file `object`, checked, with its
    /// bytes if they were read to check it.
    pub(crate) fn reuse(
        &self,
        path: &OutputPath,
        entry: &Entry,
        object: &RegularFile,
        bytes: Option<&[u8]>,
    ) -> io::Result<()> {
        self.inner.put_file(path, object, entry.len, bytes)?;
        let mut recorded = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        recorded.taken.insert(entry.sha256.clone());
        recorded.outputs.insert(path.as_str().to_owned(), entry.clone());
        Ok(())
    }

    /// What was noted.
    pub(crate) fn finish(self) -> Recorded {
        self.entries.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Recorder<'_> {
    fn write(&self, path: &OutputPath, bytes: &[u8]) -> io::Result<()> {
        self.inner.write(path, bytes)?;
        if let Some(&fingerprint) = self.fingerprints.get(path.as_str()) {
            let entry = Entry {
                fingerprint,
                sha256: sha256_hex(bytes),
                len: bytes.len() as u64,
                crc32: crc32fast::hash(bytes),
            };
            self.entries
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .outputs
                .insert(path.as_str().to_owned(), entry);
        }
        Ok(())
    }

    fn copy(&self, path: &OutputPath, source: &StaticSource) -> io::Result<()> {
        self.inner.copy(path, source)
    }

    fn keep(&self, path: &OutputPath) -> bool {
        self.inner.keep(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry for `bytes`, stored as an object in `dir`.
    fn stored(dir: &Path, bytes: &[u8]) -> Entry {
        let entry = Entry {
            fingerprint: 1,
            sha256: sha256_hex(bytes),
            len: bytes.len() as u64,
            crc32: crc32fast::hash(bytes),
        };
        let path = object(dir, &entry.sha256);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("objects folder");
        std::fs::write(&path, bytes).expect("write an object");
        entry
    }

    fn manifest(outputs: &[(&str, &Entry)]) -> Found {
        Found(Ok(Manifest {
            format: FORMAT,
            dossier: env!("CARGO_PKG_VERSION").to_owned(),
            env: 0,
            images: false,
            files: BTreeMap::new(),
            addresses: BTreeMap::new(),
            search: None,
            outputs: outputs
                .iter()
                .map(|(path, entry)| ((*path).to_owned(), (*entry).clone()))
                .collect(),
            documents: None,
        }))
    }

    fn cache(dir: &Path, found: Found) -> Cache {
        let Found(Ok(manifest)) = found else {
            panic!("a manifest")
        };
        Cache {
            dir: dir.to_path_buf(),
            env: 0,
            kept: manifest.outputs,
            kept_files: BTreeMap::new(),
            kept_addresses: BTreeMap::new(),
            search: None,
            documents: None,
            checked: HashMap::new(),
            ignored: None,
        }
    }

    #[test]
    fn an_object_is_used_only_as_a_regular_file_of_its_length_and_crc() {
        let dir = tempfile::tempdir().expect("temp dir");
        let entry = stored(dir.path(), b"<p>An analysis.</p>");
        let path = object(dir.path(), &entry.sha256);
        let mut bytes = Vec::new();
        let file = check(path.clone(), entry.len, entry.crc32, &mut bytes).expect("whole");
        assert_eq!(file.path(), path);
        assert_eq!(bytes, b"<p>An analysis.</p>");

        // Other bytes of the same length, a longer file, a shorter one: each refused, and
        // left for a build that succeeds to replace.
        for damaged in [&b"<p>An analysis!</p>"[..], b"<p>An analysis.</p>\n", b"<p>An"] {
            std::fs::write(&path, damaged).expect("damage");
            assert!(check(path.clone(), entry.len, entry.crc32, &mut bytes).is_none());
            assert_eq!(std::fs::read(&path).expect("still there"), damaged);
        }
        // Missing.
        std::fs::remove_file(&path).expect("remove");
        assert!(check(path.clone(), entry.len, entry.crc32, &mut bytes).is_none());

        // A symbolic link to the very bytes is not an object a build made: a hard link to
        // it would put a symbolic link in the output.
        #[cfg(unix)]
        {
            let elsewhere = dir.path().join("elsewhere");
            std::fs::write(&elsewhere, b"<p>An analysis.</p>").expect("write");
            std::os::unix::fs::symlink(&elsewhere, &path).expect("symlink");
            assert!(check(path.clone(), entry.len, entry.crc32, &mut bytes).is_none());
            assert!(elsewhere.exists(), "not what it points to");
            std::fs::remove_file(&path).expect("remove the link");
            // A named pipe is not waited on.
            let fifo = std::ffi::CString::new(path.to_str().expect("UTF-8")).expect("a C string");
            // SAFETY: a valid, NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
            assert!(check(path.clone(), entry.len, entry.crc32, &mut bytes).is_none());
        }
        // A folder.
        std::fs::remove_file(&path).ok();
        std::fs::create_dir(&path).expect("a folder");
        assert!(check(path.clone(), entry.len, entry.crc32, &mut bytes).is_none());
    }

    #[test]
    fn objects_checked_ahead_are_taken_unread_and_the_others_are_checked_when_taken() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b) = (b"<p>A.</p>".as_slice(), b"<p>Bb.</p>".as_slice());
        let (entry_a, entry_b) = (stored(dir.path(), a), stored(dir.path(), b));
        let damaged = stored(dir.path(), b"<p>C.</p>");
        std::fs::write(object(dir.path(), &damaged.sha256), b"<p>c.</p>").expect("damage");
        let found = manifest(&[("a.html", &entry_a), ("b.html", &entry_b), ("c.html", &damaged)]);
        let checking = Checking::start(dir.path(), &found).expect("started");
        let mut cache = cache(dir.path(), found);
        cache.checked = checking.join();
        assert_eq!(cache.checked.len(), 2, "the whole objects, checked");
        assert_eq!(
            std::fs::read(object(dir.path(), &damaged.sha256)).expect("left"),
            b"<p>c.</p>",
            "the damaged one left as it was"
        );

        let mut bytes = Vec::new();
        let (file, read) = cache.fetch(&entry_a, &mut bytes).expect("whole");
        assert_eq!(
            (file.path(), read),
            (object(dir.path(), &entry_a.sha256).as_path(), false)
        );
        assert!(cache.fetch(&damaged, &mut bytes).is_none());

        // An entry that names a checked object with another length or CRC is checked
        // against its own, and one the thread did not come to is checked when taken.
        let other = Entry {
            crc32: entry_b.crc32 ^ 1,
            ..entry_b.clone()
        };
        assert!(cache.fetch(&other, &mut bytes).is_none());

        // An object a manifest names with two lengths (no build wrote it) is whole for the
        // entry whose length it has, and for that one only.
        let e = stored(dir.path(), b"<p>E.</p>");
        let longer = Entry {
            len: e.len + 1,
            ..e.clone()
        };
        let named = [("e.html", &e), ("e2.html", &longer)];
        let checking = Checking::start(dir.path(), &manifest(&named)).expect("started");
        let mut twice = self::cache(dir.path(), manifest(&named));
        twice.checked = checking.join();
        assert!(twice.fetch(&e, &mut bytes).is_some());
        assert!(twice.fetch(&longer, &mut bytes).is_none());
        cache.checked.clear();
        let d = stored(dir.path(), b"<p>D.</p>");
        let (_, read) = cache.fetch(&d, &mut bytes).expect("whole");
        assert!(read);
        assert_eq!(bytes, b"<p>D.</p>");
    }
}
