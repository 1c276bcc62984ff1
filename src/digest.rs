//! Hashes as dossier writes them: lower-case hex, and SHA-256 in it (`get_hash`,
//! cache-busting queries, processed images' names, the build cache's objects); and the
//! hasher of fingerprints, which the build cache keeps from one build to the next.

use std::hash::Hasher;

use sha2::Digest;

/// `bytes` in lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `bytes`, in lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

/// The hasher of fingerprints: XXH3, whose output the xxHash specification fixes (the
/// build cache keeps fingerprints from one build to the next) and which hashes the 10,000
/// pages' values and texts several times faster than the standard library's SipHash.
///
/// Fingerprints feed it many small pieces (a kind's byte, a length, a child's hash), one
/// call each; the streaming XXH3 hasher copies each into its own buffer behind a check of
/// the processor's features, a sixth of the fingerprints' time. So the bytes gather here,
/// inline, and go to the streaming hasher a buffer at a time; a fingerprint that fits the
/// buffer, as most do, is one one-shot hash at the end. Either way the hash is XXH3 of the
/// same bytes: the specification makes the streaming and one-shot forms agree.
#[derive(Clone)]
pub(crate) struct Fingerprinter {
    buffer: [u8; FINGERPRINT_BUFFER],
    len: usize,
    /// The bytes before those in `buffer`, once there were more than it holds.
    streamed: Option<Box<twox_hash::XxHash3_64>>,
}

const FINGERPRINT_BUFFER: usize = 512;

pub(crate) fn fingerprinter() -> Fingerprinter {
    Fingerprinter {
        buffer: [0; FINGERPRINT_BUFFER],
        len: 0,
        streamed: None,
    }
}

impl Hasher for Fingerprinter {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if end <= FINGERPRINT_BUFFER {
            self.buffer[self.len..end].copy_from_slice(bytes);
            self.len = end;
        } else {
            self.spill(bytes);
        }
    }

    fn finish(&self) -> u64 {
        let pending = &self.buffer[..self.len];
        match &self.streamed {
            None => twox_hash::XxHash3_64::oneshot(pending),
            Some(streamed) => {
                let mut h = streamed.as_ref().clone();
                h.write(pending);
                h.finish()
            }
        }
    }
}

impl Fingerprinter {
    /// Sends the buffer's bytes and `bytes` on to the streaming hasher.
    #[cold]
    fn spill(&mut self, bytes: &[u8]) {
        let h = self
            .streamed
            .get_or_insert_with(|| Box::new(twox_hash::XxHash3_64::with_seed(0)));
        h.write(&self.buffer[..self.len]);
        h.write(bytes);
        self.len = 0;
    }
}

/// Texts at least this long are fed to a fingerprint by [`feed_long`].
pub(crate) const LONG_TEXT: usize = 256;

/// Feeds `text` to a fingerprint as its one-shot XXH3 and its length: through the
/// streaming hasher a long text is copied into its buffer on the way, which made hashing
/// each page's 8 KB of HTML cost three times as much.
pub(crate) fn feed_long(h: &mut Fingerprinter, text: &str) {
    Long::of(text).feed(h);
}

/// What [`feed_long`] feeds of a text: its one-shot XXH3 and its length. The build cache
/// stores it beside a text it keeps, so that a fingerprint can count the text without
/// reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Long {
    xxh3: u64,
    len: u64,
}

impl Long {
    pub(crate) fn of(text: &str) -> Long {
        Long {
            xxh3: twox_hash::XxHash3_64::oneshot(text.as_bytes()),
            len: text.len() as u64,
        }
    }

    pub(crate) fn feed(self, h: &mut impl std::hash::Hasher) {
        h.write_u64(self.xxh3);
        h.write_u64(self.len);
    }
}

/// The fingerprint of one value, through its `Hash`.
pub(crate) fn fingerprint_of(value: impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = fingerprinter();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_fingerprint_is_xxh3_of_its_bytes_however_they_come() {
        use std::hash::Hasher;
        let bytes: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        for len in [0, 1, 16, 240, 241, 511, 512, 513, 1024, 5000] {
            let whole = twox_hash::XxHash3_64::oneshot(&bytes[..len]);
            for piece in [1, 3, 8, 64, 500, 600, 5000] {
                let mut h = super::fingerprinter();
                for chunk in bytes[..len].chunks(piece) {
                    h.write(chunk);
                }
                assert_eq!(h.finish(), whole, "{len} bytes in pieces of {piece}");
                // Finishing leaves the hasher as it was.
                assert_eq!(h.finish(), whole);
            }
        }
    }

    #[test]
    fn sha256_of_a_known_text() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(super::hex(&[0, 15, 255]), "000fff");
    }
}
