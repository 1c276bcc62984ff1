//! Who cites the analyses recording a timeline's events: up to three named on each event,
//! or two and how many more; and when every event listed on a page comes from analyses cited by the same
//! ones, that said once above the list rather than on every event.

use std::collections::BTreeSet;

use tera::Value;
use tera::value::Key;

use crate::model::site::{EventId, PageId, Site};
use crate::model::timeline::cited_by;

/// Up to this many citing analyses are named; of more, the first `NAMED` and the rest
/// counted ("+3 more"), since "+1 more" would take the room of the name it hides.
const ALL_NAMED_UP_TO: usize = 3;
const NAMED: usize = 2;

/// The citing analyses an event names (their shared page values) and how many more cite
/// the one recording it.
pub(super) fn of_event(site: &Site, page: PageId, refs: &[Value]) -> (Value, usize) {
    let citing = cited_by(site, page);
    let shown = if citing.len() <= ALL_NAMED_UP_TO {
        citing.len()
    } else {
        NAMED
    };
    let named: Vec<Value> = citing.iter().take(shown).map(|p| refs[p.0].clone()).collect();
    (Value::from(named), citing.len() - shown)
}

/// The citing analyses of the listed events, when there are two events or more and all
/// come from analyses cited by the same (non-empty) set: `{ pages, more, count }`, the
/// first event's named ones and the rest counted. `values` are all events' values.
pub(super) fn shared(site: &Site, listed: &[EventId], values: &[Value]) -> Option<Value> {
    let first = *listed.first()?;
    if listed.len() < 2 {
        return None;
    }
    // Each recording analysis once: a page's events share its citers.
    let recorders: BTreeSet<PageId> = listed.iter().map(|i| site.event(*i).page).collect();
    let mut sets = recorders.iter().map(|p| {
        let mut citing = cited_by(site, *p);
        citing.sort_unstable();
        citing.dedup();
        citing
    });
    let citing = sets.next()?;
    if citing.is_empty() || sets.any(|other| other != citing) {
        return None;
    }
    let event = values[first.0].as_map()?;
    let field = |key: &'static str| event.get(&Key::Str(key)).cloned().unwrap_or_else(Value::none);
    let mut map = tera::Map::new();
    map.insert(Key::Str("pages"), field("cited_by"));
    map.insert(Key::Str("more"), field("cited_more"));
    map.insert(Key::Str("count"), Value::from(citing.len()));
    Some(Value::from(map))
}
