//! A text kept out of the way until it is needed. A build that lets each page's HTML go
//! once its outputs are made holds all of it from the Markdown stage until rendering
//! begins: about 7 KB a page, 0.7 GB at 100,000 pages, the largest part of the peak. A
//! build that writes its output sets it aside as it is in a file of its staging folder
//! (see `spill`); elsewhere it is packed with LZ4, 2.5 times smaller, for about 15 ms of
//! CPU per 1,000 pages to pack and a fifth of that to unpack. Packing what goes to the
//! file too cost 2% more CPU at 10,000 and 100,000 pages (alternated) and saved only
//! disk: the file is 2.5 times larger without it (0.7 GB at 100,000 pages, beside an
//! output of 2.8 GB).

use std::io;
use std::sync::Arc;

use crate::spill::{Spill, Spilled};

/// A text kept until it is needed.
#[derive(Debug)]
pub(crate) enum Packed {
    /// Packed with LZ4, its length before it, in memory.
    Held(Box<[u8]>),
    /// As it is, in a file.
    Spilled(Spilled),
}

impl Packed {
    /// `text` put in `spill` if given and it takes it, else packed in memory; `None` if it
    /// is longer than the four bytes of either's length can say (4 GiB): such a text,
    /// which only a hostile source makes, stays where it is rather than come back cut
    /// short.
    pub(crate) fn new(text: &str, spill: Option<&Arc<Spill>>) -> Option<Packed> {
        if !fits(text.len()) {
            return None;
        }
        // A file the disk has no room for costs memory, not the build.
        if let Some(Ok(spilled)) = spill.map(|spill| spill.put(text.as_bytes())) {
            return Some(Packed::Spilled(spilled));
        }
        let bytes = lz4_flex::compress_prepend_size(text.as_bytes());
        Some(Packed::Held(bytes.into_boxed_slice()))
    }

    /// The text again; an error if the file it was set aside in no longer holds it.
    pub(crate) fn unpack(&self) -> io::Result<String> {
        let invalid = |e: &dyn std::fmt::Display| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
        let bytes = match self {
            Packed::Held(bytes) => lz4_flex::decompress_size_prepended(bytes).map_err(|e| invalid(&e))?,
            Packed::Spilled(at) => at.read()?,
        };
        String::from_utf8(bytes).map_err(|e| invalid(&e))
    }

    /// The packed size, in bytes, of a text held in memory.
    #[cfg(test)]
    fn size(&self) -> usize {
        match self {
            Packed::Held(bytes) => bytes.len(),
            Packed::Spilled(_) => 0,
        }
    }
}

/// Whether a text `len` bytes long can be kept: LZ4's length prefix and a spilled
/// text's length are a `u32`.
fn fits(len: usize) -> bool {
    u32::try_from(len).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_unpacks_as_it_was_packed() {
        let page = "<p>Grain exports rose by a quarter. </p>".repeat(200) + "Київ — 서울 ✓";
        let dir = tempfile::tempdir().expect("temp dir");
        let spill = Spill::create(&dir.path().join("spill")).ok();
        for text in ["", "x", page.as_str()] {
            assert_eq!(
                Packed::new(text, None).expect("short").unpack().expect("held"),
                text
            );
            let set_aside = Packed::new(text, spill.as_ref()).expect("short");
            assert_eq!(set_aside.unpack().expect("spilled"), text);
            assert_eq!(matches!(set_aside, Packed::Spilled(_)), cfg!(unix));
        }
        // HTML repeats itself: what it holds is the point of packing it.
        assert!(Packed::new(&page, None).expect("short").size() * 4 < page.len());
    }

    #[test]
    fn a_text_longer_than_the_length_prefix_says_is_not_packed() {
        assert!(fits(u32::MAX as usize));
        assert!(!fits(u32::MAX as usize + 1));
    }
}
