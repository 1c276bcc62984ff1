//! Zola's `resize_image`: an image of the site cropped and scaled by one of five
//! operations (`ops`) and written in JPEG, PNG, WebP or AVIF (`encode`) under
//! `processed_images/` in the output.
//!
//! A template's call is answered at once from the image's header (the new size, the
//! address); the pixels are worked on once every output is rendered, in parallel, each
//! image once however many pages ask for it ([`Images::write`]). A processed file is
//! named by a hash of the source's bytes, the operation and the format
//! (`photo.3f9a…c1.jpg`), so a file of that name left in the output by an earlier build
//! is that very image, and is kept rather than made again: the output folder is the
//! cache, as `serve`'s memory is, and nothing is written anywhere else.

mod encode;
mod ops;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output_path::OutputPath;
use crate::write::Sink;
use encode::{Format, Header};
use ops::{Geometry, MAX_SIDE, Operation};

/// The folder of the output that processed images go in, as in Zola.
pub(crate) const FOLDER: &str = "processed_images";

/// The most pixels one processed image may have (about 8,000 square).
const MAX_PIXELS: u64 = 64 << 20;

/// Changes whenever what an operation produces changes, so that an earlier build's file
/// of the same name is not taken for the new one.
const ENCODING: &str = concat!("dossier ", env!("CARGO_PKG_VERSION"), " images 1");

/// What a template asks for, as it passed it.
pub(crate) struct Request<'a> {
    pub op: &'a str,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub format: &'a str,
    pub quality: Option<i64>,
    pub speed: Option<i64>,
}

/// The answer: where the image will be and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resized {
    /// The output path (`processed_images/photo.3f9a….jpg`).
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub orig_width: u32,
    pub orig_height: u32,
}

/// What [`Images::write`] did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Written {
    /// Images encoded.
    pub made: usize,
    /// Images an earlier build left in the output, kept.
    pub kept: usize,
}

/// A source image: its bytes' hash and its header, found once per build.
#[derive(Clone)]
struct Source {
    digest: String,
    header: Header,
}

/// An image to make.
struct Wanted {
    file: PathBuf,
    geometry: Geometry,
    format: Format,
}

/// The images asked for, for one site.
pub(crate) struct Images {
    root: PathBuf,
    sources: Mutex<HashMap<PathBuf, Result<Source, String>>>,
    /// By output path, until [`Images::write`] makes them.
    pending: Mutex<BTreeMap<String, Wanted>>,
    /// Output paths already made (`serve` renders again and again with one instance).
    made: Mutex<HashSet<String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Images {
    /// For the site at `root` (messages name files relative to it).
    pub(crate) fn new(root: &Path) -> Arc<Images> {
        Arc::new(Images {
            root: root.to_path_buf(),
            sources: Mutex::default(),
            pending: Mutex::default(),
            made: Mutex::default(),
        })
    }

    /// Answers a call for `file` (found, inside the site, by the caller) and remembers the
    /// image to make. `Err` says what is wrong with the call or the image.
    pub(crate) fn resize(&self, file: &Path, request: &Request) -> Result<Resized, String> {
        let op = Operation::parse(request.op, request.width, request.height)?;
        let source = self.source(file)?;
        let format = Format::parse(
            request.format,
            source.header.lossy,
            request.quality,
            request.speed,
        )?;
        let geometry = Geometry::of(op, source.header.size);
        let (w, h) = geometry.size;
        if u64::from(w) * u64::from(h) > MAX_PIXELS || w > MAX_SIDE || h > MAX_SIDE {
            return Err(format!(
                "the result would be {w} × {h} pixels, more than dossier makes (at most {MAX_SIDE} on a side and {MAX_PIXELS} in all)"
            ));
        }
        let path = output_path(file, &source.digest, op, format);
        lock(&self.pending).entry(path.clone()).or_insert_with(|| Wanted {
            file: file.to_path_buf(),
            geometry,
            format,
        });
        Ok(Resized {
            path,
            width: w,
            height: h,
            orig_width: source.header.size.0,
            orig_height: source.header.size.1,
        })
    }

    /// The size of the image `file` (found, inside the site, by the caller), from its
    /// header; `Err` when it cannot be read or decoded.
    pub(crate) fn size(&self, file: &Path) -> Result<(u32, u32), String> {
        self.source(file).map(|s| s.header.size)
    }

    /// The source images read so far, relative to the site folder (`static/photo.jpg`):
    /// `serve` builds everything again when one of them changes, as the pages showing it
    /// must name its new processed files.
    pub(crate) fn sources_read(&self) -> Vec<PathBuf> {
        lock(&self.sources)
            .keys()
            .map(|file| clean(file.strip_prefix(&self.root).unwrap_or(file)))
            .collect()
    }

    fn source(&self, file: &Path) -> Result<Source, String> {
        if let Some(known) = lock(&self.sources).get(file) {
            return known.clone();
        }
        let found = std::fs::read(file)
            .map_err(|e| format!("cannot read it: {e}"))
            .and_then(|bytes| {
                let header = encode::header(&bytes)?;
                let digest = crate::digest::sha256_hex(&bytes);
                Ok(Source { digest, header })
            });
        lock(&self.sources).insert(file.to_path_buf(), found.clone());
        found
    }

    /// Makes every image asked for since the last call into `sink`, each source decoded
    /// once and the sources in parallel, unless the sink already holds an image from an
    /// earlier build.
    pub(crate) fn write(&self, sink: &dyn Sink) -> Result<Written, Diagnostics> {
        let pending = std::mem::take(&mut *lock(&self.pending));
        let mut by_source: BTreeMap<PathBuf, Vec<(OutputPath, Wanted)>> = BTreeMap::new();
        let mut stats = Written::default();
        {
            let made = lock(&self.made);
            for (path, wanted) in pending {
                if made.contains(&path) {
                    continue;
                }
                let Ok(out) = OutputPath::new(&path) else {
                    continue;
                };
                if sink.keep(&out) {
                    stats.kept += 1;
                } else {
                    stats.made += 1;
                    by_source
                        .entry(wanted.file.clone())
                        .or_default()
                        .push((out, wanted));
                }
            }
        }
        let results: Vec<Result<Vec<OutputPath>, Diagnostic>> = by_source
            .into_par_iter()
            .map(|(file, wanted)| self.make(&file, wanted, sink))
            .collect();
        let mut made = lock(&self.made);
        let mut diags = Diagnostics::new();
        for result in results {
            match result {
                Ok(paths) => made.extend(paths.into_iter().map(|p| p.as_str().to_owned())),
                Err(d) => diags.push(d),
            }
        }
        if diags.is_empty() { Ok(stats) } else { Err(diags) }
    }

    /// The images of one source, written into `sink`.
    fn make(
        &self,
        file: &Path,
        wanted: Vec<(OutputPath, Wanted)>,
        sink: &dyn Sink,
    ) -> Result<Vec<OutputPath>, Diagnostic> {
        let shown = crate::diagnostic::relative(&self.root, file);
        let cannot = |e: String| {
            Diagnostic::error(format!("cannot resize the image: {e}"))
                .in_file(&shown)
                .hint("open it in an image editor and save it again, or replace it")
        };
        let bytes = std::fs::read(file)
            .map_err(|e| Diagnostic::error(format!("cannot read the image: {e}")).in_file(&shown))?;
        let jobs: Vec<(Geometry, Format)> = wanted.iter().map(|(_, w)| (w.geometry, w.format)).collect();
        let images = encode::process(&bytes, &jobs).map_err(cannot)?;
        let mut written = Vec::with_capacity(wanted.len());
        for ((out, _), image) in wanted.into_iter().zip(images) {
            let image = image.map_err(cannot)?;
            sink.write(&out, &image)
                .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", out.as_str())))?;
            written.push(out);
        }
        Ok(written)
    }
}

/// `processed_images/<stem>.<hash>.<ext>`: the source's name, for people reading the
/// output, and 16 hex digits of the hash of everything that makes the bytes.
fn output_path(file: &Path, digest: &str, op: Operation, format: Format) -> String {
    use sha2::Digest;
    let key = sha2::Sha256::digest(format!("{ENCODING}\n{digest}\n{op:?}\n{format:?}"));
    let stem: String = file
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    format!(
        "{FOLDER}/{stem}.{}.{}",
        &crate::digest::hex(&key)[..16],
        format.extension()
    )
}

/// A path without its `.` components (the site folder is searched as `./`).
pub(crate) fn clean(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}
