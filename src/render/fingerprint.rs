//! Fingerprints of the template values an output is made from. After an edit that makes
//! `serve` rebuild the model (front matter, a new or removed file), only the outputs
//! whose fingerprint changed are rendered again: an early cutoff that keeps rendering
//! proportional to what the edit changed, not to the size of the site.
//!
//! Tera values share their maps and lists (`Arc`), and the same page value sits in its
//! own context and in every list that shows it. The shared values are hashed once, in
//! parallel, and remembered by address; an output's fingerprint then hashes only what is
//! its own. Addresses are stable because the shared values live, unchanged, as long as
//! the `Prepared` that holds them.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use tera::Value;

use crate::digest::Fingerprinter;

/// The fingerprint of a known value, through the standard library's `Hash` for strings,
/// numbers and tuples as fingerprints use it: a Rust release that feeds a hasher
/// differently changes it, and so sets the build cache's fingerprints aside.
pub(crate) fn probe() -> u64 {
    let mut h = crate::digest::fingerprinter();
    (
        "dossier fingerprint",
        1u8,
        2u64,
        -3i64,
        Some(4usize),
        5.0f64.to_bits(),
    )
        .hash(&mut h);
    h.finish()
}

/// What a template context is made for.
#[derive(Clone, Copy)]
pub(super) enum Purpose<'a> {
    /// To be rendered with these templates, which also make the parts of values made
    /// only when shown (an event's HTML, from the event partial).
    Render(&'a super::templates::Templates),
    /// To be hashed, for an output's fingerprint: a value only its own output shows may
    /// stand as its fingerprint, which is cheaper to make than the value.
    Fingerprint(&'a Known),
}

/// What the fingerprints of many outputs count of the site, hashed once for them all.
pub(super) struct Known {
    /// The shared values' hashes.
    pub(super) memo: Memo,
    /// What a page's connected analyses show of each document.
    pub(super) shown: super::connected::Shown,
    /// Each page's reference value (`Data::refs`), for the pages another page's own
    /// fields show (related pages, neighbours).
    pub(super) refs: Vec<u64>,
}

/// Hashes of shared maps and lists, by address. Looked up for every map and list a
/// fingerprint visits, so by a hasher made for small keys, not the standard SipHash.
#[derive(Default)]
pub(super) struct Memo(rustc_hash::FxHashMap<usize, u64>);

impl Memo {
    /// Hashes `values` in parallel and remembers them. Values that contain others should
    /// be added after those (pages before the sections listing them).
    pub(super) fn add(&mut self, values: &[Value]) {
        let hashed: Vec<(usize, u64)> = values
            .par_iter()
            .filter_map(|v| address(v).map(|a| (a, self.hash(v))))
            .collect();
        self.0.extend(hashed);
    }

    pub(super) fn hash(&self, value: &Value) -> u64 {
        let mut h = crate::digest::fingerprinter();
        self.feed(value, &mut h);
        h.finish()
    }

    /// Feeds `value` to `h`: a remembered value as its hash.
    pub(super) fn feed(&self, value: &Value, h: &mut Fingerprinter) {
        if let Some(known) = address(value).and_then(|a| self.0.get(&a)) {
            h.write_u8(0xfe);
            h.write_u64(*known);
            return;
        }
        if let Some(map) = value.as_map() {
            h.write_u8(1);
            h.write_usize(map.len());
            for (key, v) in map {
                key.hash(h);
                self.feed(v, h);
            }
        } else if let Some(list) = value.as_array() {
            h.write_u8(2);
            h.write_usize(list.len());
            for v in list {
                self.feed(v, h);
            }
        } else if let Some(s) = value.as_str() {
            // Safe strings render unescaped: the same text, another output.
            let safe = value.is_safe();
            if s.len() >= crate::digest::LONG_TEXT {
                h.write_u8(if safe { 11 } else { 12 });
                crate::digest::feed_long(h, s);
            } else {
                h.write_u8(if safe { 3 } else { 4 });
                s.hash(h);
            }
        } else if let Some(b) = value.as_bool() {
            h.write_u8(5);
            b.hash(h);
        } else if let Some(n) = value.as_number() {
            match n {
                tera::Number::Integer(i) => {
                    h.write_u8(6);
                    i.hash(h);
                }
                tera::Number::Float(f) => {
                    h.write_u8(7);
                    f.to_bits().hash(h);
                }
                other => {
                    h.write_u8(10);
                    format!("{other:?}").hash(h);
                }
            }
        } else if let Some(bytes) = value.as_bytes() {
            h.write_u8(8);
            bytes.hash(h);
        } else {
            // None and undefined.
            h.write_u8(9);
            (value.kind() as u8).hash(h);
        }
    }
}

/// The address of a value's shared map or list (not of an empty list: those all have
/// the same dangling one).
fn address(value: &Value) -> Option<usize> {
    value.as_map().map(|m| m as *const _ as usize).or_else(|| {
        value
            .as_array()
            .filter(|a| !a.is_empty())
            .map(|a| a.as_ptr() as usize)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_hash_alike_and_a_change_anywhere_shows() {
        let page =
            |title: &str| Value::from_serializable(&serde_json::json!({"title": title, "tags": ["a", "b"]}));
        let list = |p: Value| Value::from(vec![p, Value::from(3)]);
        let memo = Memo::default();
        assert_eq!(memo.hash(&list(page("A"))), memo.hash(&list(page("A"))));
        assert_ne!(memo.hash(&list(page("A"))), memo.hash(&list(page("B"))));
        assert_ne!(
            memo.hash(&Value::from("<b>")),
            memo.hash(&Value::safe_string("<b>"))
        );
        assert_ne!(memo.hash(&Value::from(1)), memo.hash(&Value::from("1")));
    }

    #[test]
    fn a_long_text_counts_by_every_byte_and_by_its_kind() {
        // Hashed whole, in one pass, from `LONG_TEXT` bytes on.
        let long = "<p>An analysis.</p>".repeat(20);
        assert!(long.len() >= crate::digest::LONG_TEXT);
        let mut edited = long.clone();
        edited.replace_range(200..201, "x");
        let memo = Memo::default();
        let hash = |v: Value| memo.hash(&v);
        assert_eq!(hash(Value::from(long.as_str())), hash(Value::from(long.as_str())));
        assert_ne!(
            hash(Value::from(long.as_str())),
            hash(Value::from(edited.as_str()))
        );
        assert_ne!(hash(Value::from(long.as_str())), hash(Value::safe_string(&long)));
        let short = &long[..crate::digest::LONG_TEXT - 1];
        assert_ne!(
            hash(Value::from(short)),
            hash(Value::from(&long[..crate::digest::LONG_TEXT]))
        );
    }

    #[test]
    fn a_remembered_value_counts_as_itself() {
        // Remembered values must outlive the memo (as a `Prepared`'s values do): a freed
        // map's address can come back for another value.
        let shared = Value::from_serializable(&serde_json::json!({"title": "A", "content": "long"}));
        let mut memo = Memo::default();
        memo.add(std::slice::from_ref(&shared));
        let after = memo.hash(&Value::from(vec![shared.clone()]));
        // Stable from then on, and different only when the value is.
        assert_eq!(after, memo.hash(&Value::from(vec![shared.clone()])));
        let other = Value::from_serializable(&serde_json::json!({"title": "B", "content": "long"}));
        assert_ne!(after, memo.hash(&Value::from(vec![other])));
        drop(shared);
    }
}
