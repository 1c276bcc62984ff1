//! The build cache's event HTML (`events.bin`): each event's HTML from the last build,
//! rendered from the event partial, by a key of the templates, the globals and the
//! event's value (`render::Prepared::take_event_html`). A term page lists every event of
//! its term, so after a one-page edit the few term pages rendered again would otherwise
//! render the partial for thousands of events.
//!
//! The file is one record (see [`super::record`]) holding the format, dossier's version,
//! the stamp of the manifest saved with it (`Cache::stamp`) and the HTML. It is used only
//! with a manifest the build may use and that has the same stamp: then the environment,
//! the files and the addresses the templates read are what the HTML was made with. A
//! damaged file, or one from another version, is not used.

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::record::{framed, record, records};
use crate::render::event_html::Kept;

const FILE: &str = "events.bin";
/// Changed whenever what the file means changes.
const FORMAT: u32 = 1;

/// The first record; the text follows in a record of its own, as it is.
#[derive(Serialize, Deserialize)]
struct Stored<I> {
    format: u32,
    dossier: String,
    stamp: u64,
    index: I,
}

/// The event HTML kept in the cache folder `dir`, if it is whole, this version's and
/// saved with a manifest of this `stamp`.
pub(crate) fn load(dir: &Path, stamp: u64) -> Option<Kept> {
    let bytes = std::fs::read(dir.join(FILE)).ok()?;
    let (index, base) = {
        let found = records(&bytes);
        let [Some(head), Some(text)] = found[..] else {
            return None;
        };
        let stored: Stored<Vec<(u64, u32, u32, u32)>> = postcard::from_bytes(head).ok()?;
        if stored.format != FORMAT || stored.dossier != env!("CARGO_PKG_VERSION") || stored.stamp != stamp {
            return None;
        }
        // The text's record starts after the first one's 8 bytes of length and CRC-32 and
        // its body, and its own body after its 8.
        debug_assert_eq!(&bytes[16 + head.len()..][..text.len()], text);
        (stored.index, 16 + head.len())
    };
    Some(Kept::new(index, bytes, base))
}

/// Stores `kept` in the cache folder `dir` with the `stamp` of the manifest just saved.
/// Written under a temporary name first, so an interrupted save leaves the last file
/// whole.
pub(crate) fn save(dir: &Path, stamp: u64, kept: &Kept) -> io::Result<()> {
    let head = Stored {
        format: FORMAT,
        dossier: env!("CARGO_PKG_VERSION").to_owned(),
        stamp,
        index: kept.index(),
    };
    let mut bytes = record(&head).map_err(io::Error::other)?;
    bytes.extend(framed(kept.text()));
    std::fs::create_dir_all(dir)?;
    super::replace_file(&dir.join(FILE), &bytes)
}
