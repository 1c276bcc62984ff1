//! The dated lists of an analysis's front matter as written: `events` (`RawEvent`) and
//! `watch` (`RawWatch`). Their dates are `crate::dates::EventDate`; `model::timeline`
//! and `model::watch` validate them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::dates::EventDate;

/// An entry of a page's `events` list, as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEvent {
    pub id: Option<String>,
    pub date: EventDate,
    pub end: Option<EventDate>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub place: Option<String>,
    /// 1 (minor) to 3 (major); 2 when not given.
    pub importance: Option<u8>,
    #[serde(default)]
    pub links: Vec<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
}

pub(crate) const EVENT_KEYS: &[&str] = &[
    "id",
    "date",
    "end",
    "title",
    "summary",
    "place",
    "importance",
    "links",
    "source",
    "taxonomies",
];

/// An entry of a page's `watch` list, as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWatch {
    pub indicator: String,
    /// Why it matters.
    pub why: Option<String>,
    pub due: Option<EventDate>,
    /// `open` (the default), `observed` or `lapsed`.
    pub status: Option<String>,
    /// A heading to group it under on `/watch/` (military developments, …).
    pub area: Option<String>,
}
