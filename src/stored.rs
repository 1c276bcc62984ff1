//! A text an earlier build left in a file of the build cache, read only when asked for.
//! A build with the cache after a one-page edit shows the HTML of a few dozen pages of
//! the 10,000 whose Markdown it takes from the cache: reading all of it into memory took
//! most of the time and memory its Markdown stage spent. The cache checks each text's
//! bytes when it finds them (`cache::markdown::load`), and each read checks them again,
//! since the file may have changed since.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use crate::digest::Long;

/// Where a text is in a file, with what the file's bytes there must be.
#[derive(Clone, Debug)]
pub(crate) struct StoredText {
    file: Arc<Path>,
    at: u64,
    len: u32,
    crc32: u32,
    /// What a fingerprint counts of the text (see `digest::feed_long`), known without
    /// reading it.
    digest: Long,
}

impl StoredText {
    /// The `len` bytes at `at` in `file`, whose CRC-32 is `crc32`, and which as text
    /// have `digest`.
    pub(crate) fn new(file: Arc<Path>, at: u64, len: u32, crc32: u32, digest: Long) -> StoredText {
        StoredText {
            file,
            at,
            len,
            crc32,
            digest,
        }
    }

    pub(crate) fn digest(&self) -> Long {
        self.digest
    }

    /// The bytes, if the file still has them.
    pub(crate) fn read_bytes(&self) -> io::Result<Vec<u8>> {
        let mut file = std::fs::File::open(&self.file)?;
        file.seek(SeekFrom::Start(self.at))?;
        let mut bytes = vec![0; self.len as usize];
        file.read_exact(&mut bytes)?;
        if crc32fast::hash(&bytes) != self.crc32 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} changed since this build read it", self.file.display()),
            ));
        }
        Ok(bytes)
    }

    /// The text, if the file still has it.
    pub(crate) fn read(&self) -> io::Result<String> {
        String::from_utf8(self.read_bytes()?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_read_only_while_the_file_has_its_bytes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file: Arc<Path> = dir.path().join("f.bin").into();
        std::fs::write(&file, b"headerHello, world.trailer").expect("write");
        let text = "Hello, world.";
        let stored = StoredText::new(
            file.clone(),
            6,
            text.len() as u32,
            crc32fast::hash(text.as_bytes()),
            Long::of(text),
        );
        assert_eq!(stored.read().expect("whole"), text);
        assert_eq!(stored.digest(), Long::of(text));
        // One byte changed, the file cut short, the file gone: each an error.
        std::fs::write(&file, b"headerHello, World.trailer").expect("write");
        assert_eq!(
            stored.read().expect_err("changed").kind(),
            io::ErrorKind::InvalidData
        );
        std::fs::write(&file, b"headerHello").expect("write");
        assert_eq!(
            stored.read().expect_err("short").kind(),
            io::ErrorKind::UnexpectedEof
        );
        std::fs::remove_file(&file).expect("remove");
        assert_eq!(stored.read().expect_err("gone").kind(), io::ErrorKind::NotFound);
        // Bytes that are no text.
        std::fs::write(&file, b"header\xff\xfe").expect("write");
        let bytes = StoredText::new(file, 6, 2, crc32fast::hash(b"\xff\xfe"), Long::of(""));
        assert_eq!(
            bytes.read().expect_err("not UTF-8").kind(),
            io::ErrorKind::InvalidData
        );
    }
}
