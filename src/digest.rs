//! Hashes as dossier writes them: lower-case hex, and SHA-256 in it (`get_hash`,
//! cache-busting queries, processed images' names, the build cache's objects); and the
//! hasher of fingerprints, which the build cache keeps from one build to the next.

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
pub(crate) type Fingerprinter = twox_hash::XxHash3_64;

pub(crate) fn fingerprinter() -> Fingerprinter {
    Fingerprinter::with_seed(0)
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
    fn sha256_of_a_known_text() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(super::hex(&[0, 15, 255]), "000fff");
    }
}
