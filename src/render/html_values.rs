//! Each page's HTML as a template value, for the outputs that show it: the page's own
//! output, the feeds that list it, and, unless the templates read it off the page's own
//! output alone (`context::Apart::content`), the page's shared value.
//!
//! A build that makes each output once and keeps nothing for the next lets each page's
//! HTML go once the last output showing it is made: the HTML is the largest thing a
//! build holds (about 8 KB a page), and held to the end it made a good part of the peak.

use std::sync::Mutex;

use tera::Value;

use super::job::Job;
use super::job::Planned;
use crate::model::site::{PageId, Site};

pub(crate) enum HtmlValues {
    /// Kept to the end: `serve` renders again, and the build cache stores it.
    Kept(Vec<Value>),
    /// Each let go when its count of outputs still to show it reaches nought.
    Counted(Vec<Mutex<Counted>>),
}

pub(crate) struct Counted {
    /// `None` once let go.
    html: Option<Value>,
    /// The outputs still to show it.
    uses: usize,
}

impl HtmlValues {
    /// `html[i]` is `PageId(i)`'s; `uses[i]`, if given, how many outputs show it.
    pub(super) fn new(html: Vec<Value>, uses: Option<Vec<usize>>) -> HtmlValues {
        match uses {
            None => HtmlValues::Kept(html),
            Some(uses) => HtmlValues::Counted(
                html.into_iter()
                    .zip(uses)
                    .map(|(html, uses)| {
                        Mutex::new(Counted {
                            html: Some(html),
                            uses,
                        })
                    })
                    .collect(),
            ),
        }
    }

    /// Page `id`'s HTML, for an output that shows it, counted as made: asked once per
    /// output rendered. `None` if it was let go, which only asking for it more often
    /// than counted does.
    pub(super) fn show(&self, id: PageId) -> Option<Value> {
        match self {
            HtmlValues::Kept(html) => Some(html[id.0].clone()),
            HtmlValues::Counted(slots) => {
                let mut slot = slots[id.0].lock().unwrap_or_else(|e| e.into_inner());
                slot.uses = slot.uses.checked_sub(1)?;
                // The last output to show it lets it go.
                match slot.uses {
                    0 => slot.html.take(),
                    _ => slot.html.clone(),
                }
            }
        }
    }

    /// Page `id`'s HTML, if it is kept: the HTML of every page is, in `serve` and in a
    /// build with the build cache.
    pub(crate) fn kept(&self, id: PageId) -> Option<&Value> {
        match self {
            HtmlValues::Kept(html) => Some(&html[id.0]),
            HtmlValues::Counted(_) => None,
        }
    }

    /// Sets page `id`'s HTML (`serve`, after an edit), or the next page's (`id` one
    /// past the last). In a build that lets HTML go, no output shows it.
    pub(super) fn set(&mut self, id: PageId, html: Value) {
        match self {
            HtmlValues::Kept(values) if id.0 == values.len() => values.push(html),
            HtmlValues::Kept(values) => values[id.0] = html,
            HtmlValues::Counted(slots) => {
                let slot = Mutex::new(Counted {
                    html: Some(html),
                    uses: 0,
                });
                if id.0 == slots.len() {
                    slots.push(slot);
                } else {
                    slots[id.0] = slot;
                }
            }
        }
    }
}

/// How many of the `plan`'s outputs show each page's HTML, by [`PageId`]: the page's own
/// and the feeds with an entry for it. Each asks [`HtmlValues::show`] once when made.
pub(super) fn uses(site: &Site, plan: &[Planned]) -> Vec<usize> {
    let mut uses = vec![0; site.pages.len()];
    for planned in plan {
        match &planned.job {
            Job::Page(id) => uses[id.0] += 1,
            Job::Feed { of, format } => {
                let feed = super::feeds::of(site, of, *format);
                for id in super::feeds::entry_pages(site, &feed) {
                    uses[id.0] += 1;
                }
            }
            Job::SectionPager { .. }
            | Job::TaxonomyList(_)
            | Job::TermPager { .. }
            | Job::Archive(..)
            | Job::Timeline(..)
            | Job::TermTimeline(..)
            | Job::SiteGraph(_)
            | Job::Collection(..)
            | Job::GraphJson(_)
            | Job::TimelineJson(_)
            | Job::TimelineIcs(_)
            | Job::SearchIndex(_)
            | Job::SearchFilters(_)
            | Job::SearchShard(..)
            | Job::SearchBundle(..)
            | Job::Redirect { .. }
            | Job::NotFound
            | Job::Bytes(_)
            | Job::Copy(_) => {}
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_html_goes_with_its_last_output_and_kept_html_stays() {
        let html = || vec![Value::safe_string("<p>a</p>"), Value::safe_string("<p>b</p>")];
        let shown = |values: &HtmlValues, id| values.show(PageId(id)).map(|v| v.as_str().map(str::to_owned));
        let counted = HtmlValues::new(html(), Some(vec![2, 1]));
        assert_eq!(shown(&counted, 0), Some(Some("<p>a</p>".to_owned())));
        assert_eq!(shown(&counted, 1), Some(Some("<p>b</p>".to_owned())));
        assert_eq!(shown(&counted, 0), Some(Some("<p>a</p>".to_owned())));
        assert!(counted.kept(PageId(0)).is_none());
        let HtmlValues::Counted(slots) = &counted else {
            panic!("counted")
        };
        assert!(slots.iter().all(|s| s.lock().expect("a lock").html.is_none()));
        // Asked for once more than counted: nothing, never an empty page.
        assert_eq!(shown(&counted, 1), None);
        assert_eq!(shown(&counted, 1), None);

        let kept = HtmlValues::new(html(), None);
        for _ in 0..3 {
            assert_eq!(shown(&kept, 1), Some(Some("<p>b</p>".to_owned())));
        }
        assert_eq!(kept.kept(PageId(1)).and_then(Value::as_str), Some("<p>b</p>"));
    }
}
