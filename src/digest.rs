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

/// Feeds `value` to a fingerprint as postcard encodes it, without making it (a template
/// value made only to be hashed cost more than the hashing). The encoding can be read
/// back: lengths before texts, lists and maps, a tag before each variant and `Option`,
/// so two values of one type feed the same bytes only when they are equal. It leaves out
/// field names and the kind of a template value's string (safe or not): callers hash one
/// type at each place. `None` when the value cannot be encoded (a list of unknown length),
/// and then part of it may have been fed.
pub(crate) fn feed_serialized<T: serde::Serialize + ?Sized>(h: &mut Fingerprinter, value: &T) -> Option<()> {
    struct Feed<'h>(&'h mut Fingerprinter);
    impl postcard::ser_flavors::Flavor for Feed<'_> {
        type Output = ();
        fn try_extend(&mut self, bytes: &[u8]) -> postcard::Result<()> {
            self.0.write(bytes);
            Ok(())
        }
        fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
            self.0.write_u8(byte);
            Ok(())
        }
        fn finalize(self) -> postcard::Result<()> {
            Ok(())
        }
    }
    postcard::serialize_with_flavor(value, Feed(h)).ok()
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
    fn a_serialized_value_feeds_its_encoding_and_tells_a_change() {
        use std::hash::Hasher;
        let hash = |value: &serde_json::Value| {
            let mut h = super::fingerprinter();
            super::feed_serialized(&mut h, value).expect("encodable");
            h.finish()
        };
        let value = serde_json::json!({"title": "A", "tags": ["a", "b"], "n": 3});
        let mut h = super::fingerprinter();
        h.write(&postcard::to_allocvec(&value).expect("encodable"));
        assert_eq!(hash(&value), h.finish());
        for other in [
            serde_json::json!({"title": "A", "tags": ["a", "b"], "n": 4}),
            serde_json::json!({"title": "A", "tags": ["ab"], "n": 3}),
            serde_json::json!({"title": "A", "tags": ["a", "b"]}),
            serde_json::json!({"title": "A", "tags": ["a", "b"], "n": "3"}),
        ] {
            assert_ne!(hash(&value), hash(&other), "{other}");
        }
        // A list of unknown length cannot be encoded: no fingerprint, rather than part of one.
        struct Unsized;
        impl serde::Serialize for Unsized {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeSeq;
                s.serialize_seq(None)?.end()
            }
        }
        assert!(super::feed_serialized(&mut super::fingerprinter(), &Unsized).is_none());
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
