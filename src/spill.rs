//! Bytes a build sets aside in a file until rendering reads them back. A build that
//! writes its output would hold every page's HTML, packed, from the Markdown stage to the
//! page's output: 290 MB at 100,000 pages, which, freed in rendering's order, left the
//! allocator's pages part-used; the peak was 2.28 GiB, and is 1.79 with the HTML set
//! aside. In a file, it is memory the system can write out and take back under
//! pressure, as it cannot take the build's own, for less CPU than packing it took.
//!
//! The file is in the staging folder, beside the staged output (never in it), and goes
//! with that folder whether the build succeeds or not.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A file that bytes are put in from many threads at once, and read back from.
#[derive(Debug)]
pub(crate) struct Spill {
    file: File,
    /// Where the next bytes go: each put takes its place before it writes.
    end: AtomicU64,
}

/// Where one run of bytes is in a [`Spill`], with their CRC-32: the file is in a folder
/// any process of the user's can write, so what comes back is checked.
#[derive(Clone, Debug)]
pub(crate) struct Spilled {
    spill: Arc<Spill>,
    at: u64,
    len: u32,
    crc32: u32,
}

impl Spill {
    /// A new, empty file at `path`, which must not exist. Only where the system can read
    /// and write at a place in a file without moving a shared cursor (Unix); elsewhere an
    /// error, and the build keeps the bytes in memory.
    pub(crate) fn create(path: &Path) -> io::Result<Arc<Spill>> {
        if !cfg!(unix) {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "positional reads and writes are Unix-only here",
            ));
        }
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        Ok(Arc::new(Spill {
            file,
            end: AtomicU64::new(0),
        }))
    }

    /// Puts `bytes` at the end of the file. A run longer than 4 GiB is refused: its
    /// length would not fit the 32 bits kept for it.
    pub(crate) fn put(self: &Arc<Self>, bytes: &[u8]) -> io::Result<Spilled> {
        let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("longer than 4 GiB"))?;
        let at = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        write_at(&self.file, bytes, at)?;
        Ok(Spilled {
            spill: Arc::clone(self),
            at,
            len,
            crc32: crc32fast::hash(bytes),
        })
    }
}

impl Spilled {
    /// The bytes put, if the file still has them.
    pub(crate) fn read(&self) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; self.len as usize];
        read_at(&self.spill.file, &mut bytes, self.at)?;
        if crc32fast::hash(&bytes) != self.crc32 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the file that held it changed while the site was built",
            ));
        }
        Ok(bytes)
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

// `Spill::create` makes none elsewhere.
#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn bytes_put_from_many_threads_come_back_as_they_were_put() {
        let dir = tempfile::tempdir().expect("temp dir");
        let spill = Spill::create(&dir.path().join("spill")).expect("create");
        let texts: Vec<String> = (0..500).map(|i| format!("page {i} ").repeat(i % 37)).collect();
        let put: Vec<Spilled> = texts
            .par_iter()
            .map(|text| spill.put(text.as_bytes()).expect("put"))
            .collect();
        for (text, spilled) in texts.iter().zip(&put) {
            assert_eq!(spilled.read().expect("read"), text.as_bytes());
        }
        // It never replaces a file, nor writes through a link another process put there.
        assert_eq!(
            Spill::create(&dir.path().join("spill"))
                .expect_err("exists")
                .kind(),
            io::ErrorKind::AlreadyExists
        );
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, dir.path().join("link")).expect("symlink");
        assert_eq!(
            Spill::create(&dir.path().join("link"))
                .expect_err("a link")
                .kind(),
            io::ErrorKind::AlreadyExists
        );
        assert!(!target.exists(), "the link was followed");
    }

    #[test]
    fn bytes_changed_or_cut_short_in_the_file_are_an_error_not_a_text() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("spill");
        let spill = Spill::create(&path).expect("create");
        let first = spill.put(b"<p>first</p>").expect("put");
        let second = spill.put(b"<p>second</p>").expect("put");
        // Another process writes over the first run and cuts the second short.
        let other = File::options().write(true).open(&path).expect("open");
        std::os::unix::fs::FileExt::write_all_at(&other, b"<p>FIRST</p>", 0).expect("write");
        other.set_len(15).expect("truncate");
        assert_eq!(
            first.read().expect_err("changed").kind(),
            io::ErrorKind::InvalidData
        );
        assert_eq!(
            second.read().expect_err("short").kind(),
            io::ErrorKind::UnexpectedEof
        );
    }
}
