//! The build cache's related analyses (`related.bin`): every page's related pages from
//! the last build, with the key of what scoring read (`model::related::Scored`). A build
//! whose pages carry the same terms, dates, links and languages takes them instead of
//! scoring every page again; any change to those scores all pages, as a build without
//! the cache does.
//!
//! The file is one record (see [`super::record`]) holding the format, dossier's version
//! and the lists. A damaged file, or one from another version, is not used.

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::record::{record, records};
use crate::model::related::Scored;

const FILE: &str = "related.bin";
/// Changed whenever what the file means changes.
const FORMAT: u32 = 1;

/// The file's one record: `Scored` when read, borrowed when written.
#[derive(Serialize, Deserialize)]
struct Stored<S> {
    format: u32,
    dossier: String,
    scored: S,
}

/// The related lists kept in the cache folder `dir`, if they are whole and this version's.
pub(crate) fn load(dir: &Path) -> Option<Scored> {
    let bytes = std::fs::read(dir.join(FILE)).ok()?;
    let body = records(&bytes).into_iter().next()??;
    let stored: Stored<Scored> = postcard::from_bytes(body).ok()?;
    (stored.format == FORMAT && stored.dossier == env!("CARGO_PKG_VERSION")).then_some(stored.scored)
}

/// Stores `scored` in the cache folder `dir`, unless it is what the build found there
/// (`earlier`). Written under a temporary name first, so an interrupted save leaves the
/// last file whole.
pub(crate) fn save(dir: &Path, scored: &Scored, earlier: Option<&Scored>) -> io::Result<()> {
    if earlier == Some(scored) {
        return Ok(());
    }
    let stored = Stored {
        format: FORMAT,
        dossier: env!("CARGO_PKG_VERSION").to_owned(),
        scored,
    };
    let bytes = record(&stored).map_err(io::Error::other)?;
    std::fs::create_dir_all(dir)?;
    super::replace_file(&dir.join(FILE), &bytes)
}
