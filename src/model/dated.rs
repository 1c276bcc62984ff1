//! What the timeline and the watch list are made of: `Event` and `Watch` (with its
//! `Status`). `Site` holds them; `model::timeline` and `model::watch` compute them from a
//! `Site` they are given. Kept apart from both so that `Site` imports neither stage.

use serde::Serialize;

use crate::dates::{EventDate, Precision};
use crate::diagnostic::Location;
use crate::model::ids::PageId;

#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// Stable and unique: the anchor on the timeline is `e-{id}`.
    pub id: String,
    pub date: EventDate,
    pub end: Option<EventDate>,
    pub title: String,
    /// HTML.
    pub summary: Option<String>,
    pub place: Option<String>,
    /// 1 (minor) to 3 (major).
    pub importance: u8,
    /// Resolved links: (href, text).
    pub links: Vec<(String, String)>,
    pub source: Option<String>,
    pub taxonomies: TermNames,
    /// The analysis that records the event.
    pub page: PageId,
    /// Whether this is the analysis's own date rather than an entry of its `events`.
    pub is_page: bool,
    /// For an indicator to watch with a due date: its status.
    pub watch: Option<Status>,
    /// Where it is written, for messages.
    pub location: Location,
}

/// Term names by taxonomy, as front matter declares them: a page's, shared by the events
/// that carry its terms (every dated analysis is an event, with its page's terms).
pub(crate) type TermNames = std::sync::Arc<std::collections::BTreeMap<String, Vec<String>>>;

impl Event {
    pub(crate) fn sort_key(&self) -> (i64, Precision) {
        (self.date.start_key(), self.date.precision())
    }
}

/// Whether what an indicator looks for has happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Open,
    Observed,
    Lapsed,
}

pub(crate) const STATUSES: &[(&str, Status)] = &[
    ("open", Status::Open),
    ("observed", Status::Observed),
    ("lapsed", Status::Lapsed),
];

/// A validated indicator.
#[derive(Debug, Clone)]
pub(crate) struct Watch {
    pub page: PageId,
    /// Unique on the site: the anchor on `/watch/` and the analysis (`w-…`).
    pub id: String,
    pub indicator: String,
    pub why: Option<String>,
    pub due: Option<EventDate>,
    pub status: Status,
    pub area: Option<String>,
    pub location: Location,
}
