//! The cache's files are records: each a value's postcard encoding with its length and
//! CRC-32 before it, so that a damaged one is found and skipped, and the others used.

use serde::Serialize;

/// `value` encoded as a record: the encoding's length, its CRC-32, then the encoding.
pub(super) fn record(value: &impl Serialize) -> postcard::Result<Vec<u8>> {
    let mut out = postcard::to_extend(value, vec![0; 8])?;
    let len = (out.len() - 8) as u32;
    let crc = crc32fast::hash(&out[8..]);
    out[..4].copy_from_slice(&len.to_le_bytes());
    out[4..8].copy_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// `bytes` as a record, as they are (not encoded): a body read back without decoding.
pub(super) fn framed(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 8);
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(bytes).to_le_bytes());
    out.extend_from_slice(bytes);
    out
}

/// The record `bytes` starts with (its bytes, if their CRC-32 is the one recorded) and
/// the bytes after it; `None` if it does not fit.
pub(super) fn first(bytes: &[u8]) -> Option<(Option<&[u8]>, &[u8])> {
    let (head, rest) = bytes.split_first_chunk::<8>()?;
    let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
    let (body, rest) = rest.split_at_checked(len)?;
    Some(((crc32fast::hash(body) == crc).then_some(body), rest))
}

/// Splits `bytes` into the records it starts with: each one's bytes, if their CRC-32 is
/// the one recorded. Stops at a record that does not fit.
pub(super) fn records(mut bytes: &[u8]) -> Vec<Option<&[u8]>> {
    let mut found = Vec::new();
    while let Some((body, rest)) = first(bytes) {
        found.push(body);
        bytes = rest;
    }
    found
}
