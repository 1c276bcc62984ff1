//! Each event's HTML, rendered from the event partial: with the values when the partial
//! reads other pages, else when an output showing the event is first rendered. HTML
//! made by an earlier build (the build cache's, or `serve`'s last model's) is taken for
//! an event whose value and templates are unchanged ([`Kept`]).

use std::sync::OnceLock;

use rayon::prelude::*;
use tera::{Context, Value};

use super::context;
use super::templates::Templates;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::site::EventId;

/// Renders `partials/event.html` once per event and keeps the result as the event's
/// `html`, so the timeline and the term timelines (which show each event many times
/// over) assemble their lists from finished pieces.
///
/// It is rendered twice: `filter_html` has the event's `filter_keys` (every term of the
/// event, which the filter chips of `/timeline/` need), `html` has none. An event shows
/// on the page of each of its terms, so keys there would make the term pages cost the
/// square of an event's terms: 4,000 tags on one analysis wrote 4,000 × 4,000 keys.
pub(super) const EVENT_PARTIAL: &str = "partials/event.html";

/// Every event's value with its HTML. Each value is extended where it is, so an event
/// holds one map, not its value and a copy with the HTML. An error in the partial is
/// said once, for the first event in the site's order, as [`EventHtml::error`] says it.
pub(super) fn with_event_html(templates: &Templates, values: Vec<Value>) -> Result<Vec<Value>, Diagnostics> {
    if !templates.has(EVENT_PARTIAL) {
        return Ok(values);
    }
    let made: Vec<Result<Value, Diagnostic>> = values
        .into_par_iter()
        .map(|e| {
            let (filter_html, html) = render_html(templates, &e)?;
            Ok(with_strings(e, &filter_html, &html))
        })
        .collect();
    made.into_iter()
        .collect::<Result<Vec<Value>, Diagnostic>>()
        .map_err(|d| Diagnostics::from_iter([d]))
}

/// An event's value `e` with its `filter_html` and `html`.
fn with_html(templates: &Templates, e: &Value) -> Result<Value, Diagnostic> {
    let (filter_html, html) = render_html(templates, e)?;
    Ok(with_strings(e.clone(), &filter_html, &html))
}

/// The event partial rendered for event `e`: with its `filter_keys`, then without.
fn render_html(templates: &Templates, e: &Value) -> Result<(String, String), Diagnostic> {
    let mut ctx = Context::new();
    // In the language of the analysis recording it, whose timeline shows it, with that
    // language's words (the globals are the default language's).
    if let Some(lang) = e.get_from_path("lang").and_then(Value::as_str) {
        ctx.insert("lang", lang);
        if let Some(words) = templates.words(lang) {
            ctx.insert_value("words", words);
        }
    }
    ctx.insert_value("e", e.clone());
    let filter_html = templates.render(EVENT_PARTIAL, &ctx)?;
    ctx.insert_value("e", context::insert(e.clone(), "filter_keys", Value::from("")));
    let html = templates.render(EVENT_PARTIAL, &ctx)?;
    Ok((filter_html, html))
}

fn with_strings(e: Value, filter_html: &str, html: &str) -> Value {
    context::extend(
        e,
        [
            ("filter_html", Value::safe_string(filter_html)),
            ("html", Value::safe_string(html)),
        ],
    )
}

/// Events' HTML made by an earlier build, by key: a hash of the templates, the globals
/// and the event's value (see `Prepared::fingerprints_and_event_keys`), which are all the
/// event partial can read when its HTML is made when shown. What the build cache keeps
/// in `events.bin`.
///
/// All the HTML is one run of bytes, read back as it was written: reading 10,000 events'
/// HTML is then one read, with no string made or checked but the few an output shows.
#[derive(Default)]
pub(crate) struct Kept {
    /// Each key with where its `filter_html` starts, where its `html` starts and where
    /// that ends in the text, sorted by key.
    index: Vec<(u64, u32, u32, u32)>,
    /// The text is `bytes[base..]`.
    bytes: Vec<u8>,
    base: usize,
}

impl Kept {
    /// What [`Kept::index`] and [`Kept::text`] gave, the text starting at `base` in `bytes`.
    pub(crate) fn new(index: Vec<(u64, u32, u32, u32)>, bytes: Vec<u8>, base: usize) -> Kept {
        Kept { index, bytes, base }
    }

    pub(crate) fn index(&self) -> &[(u64, u32, u32, u32)] {
        &self.index
    }

    pub(crate) fn text(&self) -> &[u8] {
        self.bytes.get(self.base..).unwrap_or_default()
    }

    /// The place in `index` of `key`'s HTML, if held. An index read back unsorted can
    /// miss a key, never find another's: a hit is an entry with that key.
    fn find(&self, key: u64) -> Option<usize> {
        self.index.binary_search_by_key(&key, |(k, ..)| *k).ok()
    }

    /// The HTML at `index[i]`: (`filter_html`, `html`), if its bounds and text hold (a
    /// file whose records checked out but whose bounds do not is not trusted for that
    /// event).
    fn html(&self, i: usize) -> Option<(&str, &str)> {
        let (_, start, middle, end) = self.index[i];
        let (start, middle, end) = (start as usize, middle as usize, end as usize);
        let text = self.text();
        let part = |from: usize, to: usize| text.get(from..to).and_then(|b| std::str::from_utf8(b).ok());
        part(start, middle).zip(part(middle, end))
    }
}

/// Each event's value with its HTML, made from the event partial when an output showing
/// the event is rendered: a build that takes most outputs from the build cache renders
/// few events. Used when the event partial reads nothing but its event (else its HTML
/// is made with the values, which fingerprints then hash): an event's HTML then follows
/// from its value and the templates, which every fingerprint holds.
pub(super) struct EventHtml {
    made: Vec<OnceLock<Result<Value, Diagnostic>>>,
    /// What an earlier build made, and by event the place in it of HTML made from the
    /// same value and templates.
    earlier: Kept,
    taken: Vec<Option<usize>>,
    /// Each event's key, once given to [`EventHtml::take`], for [`EventHtml::keep`].
    keys: Vec<u64>,
}

impl EventHtml {
    pub(super) fn new(events: usize) -> EventHtml {
        EventHtml {
            made: (0..events).map(|_| OnceLock::new()).collect(),
            earlier: Kept::default(),
            taken: vec![None; events],
            keys: Vec::new(),
        }
    }

    /// Event `e`'s value `plain` with its HTML: taken, made before, or made now. Where
    /// it could not be made the HTML is empty: the build fails with the partial's error
    /// ([`EventHtml::error`]), not with one from every template that prints the HTML.
    pub(super) fn get(&self, e: EventId, plain: &Value, templates: &Templates) -> Value {
        match self.made[e.0].get_or_init(|| match self.taken[e.0].and_then(|i| self.earlier.html(i)) {
            Some((filter_html, html)) => Ok(with_strings(plain.clone(), filter_html, html)),
            None => with_html(templates, plain),
        }) {
            Ok(value) => value.clone(),
            Err(_) => with_strings(plain.clone(), "", ""),
        }
    }

    /// Notes each event's key (`keys`, by event) and takes `earlier`, to use the HTML of
    /// each event whose key it holds and whose HTML is not made yet.
    pub(super) fn take(&mut self, keys: Vec<u64>, earlier: Kept) {
        for ((key, taken), made) in keys.iter().zip(&mut self.taken).zip(&self.made) {
            *taken = made.get().is_none().then(|| earlier.find(*key)).flatten();
        }
        self.earlier = earlier;
        self.keys = keys;
    }

    /// How many events' HTML was made, and how many were shown as an earlier build made
    /// them.
    pub(super) fn counts(&self) -> (usize, usize) {
        let shown = self
            .made
            .iter()
            .zip(&self.taken)
            .filter(|(m, _)| m.get().is_some());
        shown.fold((0, 0), |(made, reused), (_, taken)| match taken {
            Some(_) => (made, reused + 1),
            None => (made + 1, reused),
        })
    }

    /// The HTML made or taken so far, by the keys [`EventHtml::take`] noted, for a later
    /// build (`None` if none were).
    pub(super) fn keep(&self) -> Option<Kept> {
        if self.keys.len() != self.made.len() {
            return None;
        }
        let mut found: Vec<(u64, &str, &str)> = Vec::with_capacity(self.keys.len());
        for (e, key) in self.keys.iter().enumerate() {
            let html = match self.made[e].get() {
                Some(Ok(value)) => {
                    let text = |k: &'static str| value.get_from_path(k).and_then(|v| v.as_str());
                    text("filter_html").zip(text("html"))
                }
                Some(Err(_)) => None,
                None => self.taken[e].and_then(|i| self.earlier.html(i)),
            };
            if let Some((filter_html, html)) = html {
                found.push((*key, filter_html, html));
            }
        }
        // Events with the same key have the same HTML.
        found.sort_unstable_by_key(|(key, ..)| *key);
        found.dedup_by_key(|(key, ..)| *key);
        let mut index = Vec::with_capacity(found.len());
        let mut text = Vec::with_capacity(found.iter().map(|(_, f, h)| f.len() + h.len()).sum());
        for (key, filter_html, html) in found {
            // Bounds are 32-bit: past 4 GB of HTML (some millions of events) the rest is
            // made again by the next build.
            if text.len() + filter_html.len() + html.len() > u32::MAX as usize {
                break;
            }
            let start = text.len() as u32;
            text.extend_from_slice(filter_html.as_bytes());
            let middle = text.len() as u32;
            text.extend_from_slice(html.as_bytes());
            index.push((key, start, middle, text.len() as u32));
        }
        Some(Kept::new(index, text, 0))
    }

    /// Forgets event `e`'s HTML, after an edit changed its value.
    pub(super) fn forget(&mut self, e: EventId) {
        self.made[e.0] = OnceLock::new();
        self.taken[e.0] = None;
        // Its key is the old value's.
        self.keys.clear();
    }

    /// Puts the events' HTML in the timeline's new order (`from`: each event's id before).
    pub(super) fn reorder(&mut self, from: &[EventId]) {
        let mut made = std::mem::take(&mut self.made);
        self.made = from.iter().map(|e| std::mem::take(&mut made[e.0])).collect();
        self.taken = from.iter().map(|e| self.taken[e.0]).collect();
        if !self.keys.is_empty() {
            self.keys = from.iter().map(|e| self.keys[e.0]).collect();
        }
    }

    /// The first event whose HTML could not be made, in the site's order: an error in
    /// the event partial is said once, not once for every event.
    pub(super) fn error(&self) -> Option<Diagnostic> {
        self.made
            .iter()
            .find_map(|made| made.get().and_then(|r| r.as_ref().err()).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_html_is_found_by_its_key_and_never_out_of_bounds() {
        let text = b"<li f>a</li><li>a</li><li f>b</li><li>b</li>".to_vec();
        let kept = Kept::new(vec![(3, 0, 12, 22), (7, 22, 34, 44)], text.clone(), 0);
        let found = |key: u64| kept.find(key).and_then(|i| kept.html(i));
        assert_eq!(found(3), Some(("<li f>a</li>", "<li>a</li>")));
        assert_eq!(found(7), Some(("<li f>b</li>", "<li>b</li>")));
        assert_eq!(found(5), None);

        // Bounds past the text, backwards or inside a character: not used.
        let mut with_prefix = b"xx".to_vec();
        with_prefix.extend_from_slice("é<b>".as_bytes());
        let bad = Kept::new(vec![(1, 0, 99, 100), (2, 5, 3, 6), (3, 0, 1, 5)], with_prefix, 2);
        for key in [1, 2, 3] {
            assert_eq!(bad.find(key).and_then(|i| bad.html(i)), None, "key {key}");
        }
        // An index read back unsorted can miss a key but never find another's.
        let unsorted = Kept::new(vec![(9, 0, 12, 22), (3, 22, 34, 44)], text, 0);
        for key in [9, 3] {
            if let Some(i) = unsorted.find(key) {
                assert_eq!(unsorted.index()[i].0, key);
            }
        }
    }
}
