//! Each page's HTML as a template value, for the outputs that show it: the page's own
//! output, the feeds that list it, and, unless the templates read it off the page's own
//! output alone (`page_value::Apart`), the page's shared value.
//!
//! A build that makes each output once and keeps nothing for the next lets each page's
//! HTML go once the last output showing it is made: the HTML is the largest thing a
//! build holds (about 8 KB a page), and held to the end it made a good part of the peak.

use std::sync::{Mutex, OnceLock};

use tera::Value;

use super::job::Job;
use super::job::Planned;
use crate::digest::Long;
use crate::model::site::{HtmlRef, PageId, Site};
use crate::packed::Packed;
use crate::stored::StoredText;

pub(crate) enum HtmlValues {
    /// Kept to the end: `serve` renders again, and the build cache stores it.
    Kept(Vec<Kept>),
    /// Each let go when its count of outputs still to show it reaches nought.
    Counted(Vec<Mutex<Counted>>),
}

/// A page's HTML as render is given it: a template value, packed, or where the build
/// cache stores it.
pub(crate) enum Page {
    Made(Value),
    Packed(Packed),
    Stored(StoredText),
}

/// A page's HTML kept to the end: made, or left in the build cache and read when an
/// output first shows it.
pub(crate) struct Kept {
    value: OnceLock<Value>,
    stored: Option<StoredText>,
}

pub(crate) struct Counted {
    /// `None` once let go.
    html: Option<CountedHtml>,
    /// The outputs still to show it.
    uses: usize,
}

/// A counted page's HTML until it is let go: packed as the Markdown stage made it, and
/// unpacked for each output that shows it (most pages' HTML is shown once, by the page).
enum CountedHtml {
    Value(Value),
    Packed(Packed),
}

impl CountedHtml {
    fn value(&self) -> Result<Value, Unshown> {
        match self {
            CountedHtml::Value(value) => Ok(value.clone()),
            CountedHtml::Packed(packed) => unpacked(packed),
        }
    }

    fn into_value(self) -> Result<Value, Unshown> {
        match self {
            CountedHtml::Value(value) => Ok(value),
            CountedHtml::Packed(packed) => unpacked(&packed),
        }
    }
}

/// `packed` as a template value.
fn unpacked(packed: &Packed) -> Result<Value, Unshown> {
    let text = packed.unpack().map_err(Unshown::Unpacked)?;
    Ok(Value::safe_string(&text))
}

/// Why an output cannot have a page's HTML.
#[derive(Debug)]
pub(crate) enum Unshown {
    /// Let go: only asking for it more often than counted does this.
    LetGo,
    /// The build cache no longer has it as it was when the build found it.
    Unread(std::io::Error),
    /// The file it was set aside in no longer has it as this build put it there.
    Unpacked(std::io::Error),
}

impl Unshown {
    /// The error for the output at `path`.
    pub(super) fn diagnostic(&self, path: &str) -> crate::diagnostic::Diagnostic {
        use crate::diagnostic::Diagnostic;
        match self {
            Unshown::LetGo => Diagnostic::error(format!(
                "internal error: a page's HTML was let go before {path} was made"
            )),
            Unshown::Unread(e) => Diagnostic::error(format!(
                "cannot read a page's HTML from the build cache for {path}: {e}"
            ))
            .hint("the build cache changed while the site was built; build it again"),
            Unshown::Unpacked(e) => Diagnostic::error(format!(
                "cannot read back a page's HTML, set aside in the output folder's staging, for {path}: {e}"
            ))
            .hint("another program changed the build's `.dossier-staging-*` folder while it ran; build it again"),
        }
    }
}

impl HtmlValues {
    /// `html[i]` is `PageId(i)`'s; `uses[i]`, if given, how many outputs show it.
    /// HTML the build cache stores is read now when counted (a build without the cache
    /// has none).
    pub(super) fn new(html: Vec<Page>, uses: Option<Vec<usize>>) -> Result<HtmlValues, Unshown> {
        Ok(match uses {
            None => HtmlValues::Kept(
                html.into_iter()
                    .map(|html| {
                        Ok(match html {
                            Page::Made(value) => Kept {
                                value: OnceLock::from(value),
                                stored: None,
                            },
                            Page::Packed(packed) => Kept {
                                value: OnceLock::from(unpacked(&packed)?),
                                stored: None,
                            },
                            Page::Stored(stored) => Kept {
                                value: OnceLock::new(),
                                stored: Some(stored),
                            },
                        })
                    })
                    .collect::<Result<_, Unshown>>()?,
            ),
            Some(uses) => HtmlValues::Counted(
                html.into_iter()
                    .zip(uses)
                    .map(|(html, uses)| {
                        let html = match html {
                            Page::Made(value) => CountedHtml::Value(value),
                            Page::Packed(packed) => CountedHtml::Packed(packed),
                            Page::Stored(stored) => CountedHtml::Value(Value::safe_string(
                                &stored.read().map_err(Unshown::Unread)?,
                            )),
                        };
                        Ok(Mutex::new(Counted {
                            html: Some(html),
                            uses,
                        }))
                    })
                    .collect::<Result<_, Unshown>>()?,
            ),
        })
    }

    /// Page `id`'s HTML, for an output that shows it, counted as made: asked once per
    /// output rendered. [`Unshown::LetGo`] if it was let go, which only asking for it
    /// more often than counted does.
    pub(super) fn show(&self, id: PageId) -> Result<Value, Unshown> {
        match self {
            HtmlValues::Kept(html) => html[id.0].value().cloned(),
            HtmlValues::Counted(slots) => {
                let mut slot = slots[id.0].lock().unwrap_or_else(|e| e.into_inner());
                slot.uses = slot.uses.checked_sub(1).ok_or(Unshown::LetGo)?;
                // The last output to show it lets it go.
                match slot.uses {
                    0 => slot.html.take().map(CountedHtml::into_value),
                    _ => slot.html.as_ref().map(CountedHtml::value),
                }
                .ok_or(Unshown::LetGo)?
            }
        }
    }

    /// Page `id`'s HTML, if it is kept: the HTML of every page is, in `serve` and in a
    /// build with the build cache (read from the cache if it was not yet).
    pub(crate) fn kept(&self, id: PageId) -> Option<&Value> {
        match self {
            HtmlValues::Kept(html) => html[id.0].value().ok(),
            HtmlValues::Counted(_) => None,
        }
    }

    /// Where page `id`'s kept HTML is, without reading it.
    pub(crate) fn kept_ref(&self, id: PageId) -> Option<HtmlRef<'_>> {
        match self {
            HtmlValues::Kept(html) => {
                let kept = &html[id.0];
                match (kept.value.get().and_then(Value::as_str), &kept.stored) {
                    (Some(text), _) => Some(HtmlRef::Made(text)),
                    (None, Some(stored)) => Some(HtmlRef::Stored(stored)),
                    (None, None) => None,
                }
            }
            HtmlValues::Counted(_) => None,
        }
    }

    /// What a fingerprint counts of page `id`'s kept HTML (see `digest::feed_long`),
    /// without reading it from the build cache.
    pub(crate) fn digest(&self, id: PageId) -> Option<Long> {
        match self.kept_ref(id)? {
            HtmlRef::Made(text) => Some(Long::of(text)),
            HtmlRef::Stored(stored) => Some(stored.digest()),
        }
    }

    /// Sets page `id`'s HTML (`serve`, after an edit), or the next page's (`id` one
    /// past the last). In a build that lets HTML go, no output shows it.
    pub(super) fn set(&mut self, id: PageId, html: Value) {
        match self {
            HtmlValues::Kept(values) => {
                let kept = Kept {
                    value: OnceLock::from(html),
                    stored: None,
                };
                if id.0 == values.len() {
                    values.push(kept);
                } else {
                    values[id.0] = kept;
                }
            }
            HtmlValues::Counted(slots) => {
                let slot = Mutex::new(Counted {
                    html: Some(CountedHtml::Value(html)),
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

impl Kept {
    /// The HTML as a template value, read from the build cache the first time.
    fn value(&self) -> Result<&Value, Unshown> {
        if let Some(value) = self.value.get() {
            return Ok(value);
        }
        let stored = self.stored.as_ref().ok_or(Unshown::LetGo)?;
        let text = stored.read().map_err(Unshown::Unread)?;
        Ok(self.value.get_or_init(|| Value::safe_string(&text)))
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
    use std::path::Path;
    use std::sync::Arc;

    use super::*;

    fn shown(values: &HtmlValues, id: usize) -> Option<String> {
        values
            .show(PageId(id))
            .ok()
            .map(|v| v.as_str().unwrap_or("no text").to_owned())
    }

    fn made() -> Vec<Page> {
        vec![
            Page::Made(Value::safe_string("<p>a</p>")),
            Page::Made(Value::safe_string("<p>b</p>")),
        ]
    }

    #[test]
    fn counted_html_goes_with_its_last_output_and_kept_html_stays() {
        let counted = HtmlValues::new(made(), Some(vec![2, 1])).expect("made");
        assert_eq!(shown(&counted, 0).as_deref(), Some("<p>a</p>"));
        assert_eq!(shown(&counted, 1).as_deref(), Some("<p>b</p>"));
        assert_eq!(shown(&counted, 0).as_deref(), Some("<p>a</p>"));
        assert!(counted.kept(PageId(0)).is_none());
        assert!(counted.digest(PageId(0)).is_none());
        let HtmlValues::Counted(slots) = &counted else {
            panic!("counted")
        };
        assert!(slots.iter().all(|s| s.lock().expect("a lock").html.is_none()));
        // Asked for once more than counted: nothing, never an empty page.
        assert!(matches!(counted.show(PageId(1)), Err(Unshown::LetGo)));
        assert!(matches!(counted.show(PageId(1)), Err(Unshown::LetGo)));

        let kept = HtmlValues::new(made(), None).expect("made");
        for _ in 0..3 {
            assert_eq!(shown(&kept, 1).as_deref(), Some("<p>b</p>"));
        }
        assert_eq!(kept.kept(PageId(1)).and_then(Value::as_str), Some("<p>b</p>"));
    }

    #[test]
    fn packed_html_unpacks_for_each_output_and_goes_with_its_last() {
        let dir = tempfile::tempdir().expect("temp dir");
        let spill = crate::spill::Spill::create(&dir.path().join("spill")).ok();
        let packed = || {
            vec![
                Page::Packed(Packed::new("<p>packed a</p>", spill.as_ref()).expect("short")),
                Page::Made(Value::safe_string("<p>b</p>")),
            ]
        };
        let counted = HtmlValues::new(packed(), Some(vec![2, 1])).expect("made");
        for _ in 0..2 {
            assert_eq!(shown(&counted, 0).as_deref(), Some("<p>packed a</p>"));
        }
        assert!(matches!(counted.show(PageId(0)), Err(Unshown::LetGo)));
        assert_eq!(shown(&counted, 1).as_deref(), Some("<p>b</p>"));

        let kept = HtmlValues::new(packed(), None).expect("made");
        assert_eq!(
            kept.kept(PageId(0)).and_then(Value::as_str),
            Some("<p>packed a</p>")
        );
        assert_eq!(kept.digest(PageId(0)), Some(Long::of("<p>packed a</p>")));
    }

    #[cfg(unix)]
    #[test]
    fn html_set_aside_and_changed_in_its_file_is_an_error_naming_the_output() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("spill");
        let spill = crate::spill::Spill::create(&path).expect("create");
        let page = || Page::Packed(Packed::new("<p>set aside</p>", Some(&spill)).expect("short"));
        let (first, second) = (page(), page());
        let counted = HtmlValues::new(vec![first], Some(vec![1])).expect("made");
        std::fs::write(&path, "x".repeat(64)).expect("write");
        let message = counted
            .show(PageId(0))
            .expect_err("changed")
            .diagnostic("a/index.html");
        assert!(message.message.contains("a/index.html"), "{}", message.message);
        assert!(message.message.contains("set aside"), "{}", message.message);
        // A build that keeps every page's HTML unpacks it at once.
        assert!(matches!(
            HtmlValues::new(vec![second], None),
            Err(Unshown::Unpacked(_))
        ));
    }

    #[test]
    fn stored_html_is_read_when_first_shown_and_counts_unread() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file: Arc<Path> = dir.path().join("html").into();
        let (a, b) = ("<p>stored a</p>", "<p>stored b</p>");
        std::fs::write(&file, format!("{a}{b}")).expect("write");
        let stored = |at: usize, text: &str| {
            let crc = crc32fast::hash(text.as_bytes());
            Page::Stored(StoredText::new(
                file.clone(),
                at as u64,
                text.len() as u32,
                crc,
                Long::of(text),
            ))
        };
        let kept = HtmlValues::new(vec![stored(0, a), stored(a.len(), b)], None).expect("kept");
        // Its digest and where it is, without reading it.
        assert_eq!(kept.digest(PageId(1)), Some(Long::of(b)));
        assert!(matches!(kept.kept_ref(PageId(1)), Some(HtmlRef::Stored(_))));
        assert_eq!(shown(&kept, 1).as_deref(), Some(b));
        assert!(matches!(kept.kept_ref(PageId(1)), Some(HtmlRef::Made(text)) if text == b));
        // Read once: the file changing after is not seen by the page read.
        std::fs::write(&file, "x".repeat(a.len() + b.len())).expect("write");
        assert_eq!(shown(&kept, 1).as_deref(), Some(b));
        assert!(matches!(kept.show(PageId(0)), Err(Unshown::Unread(_))));
        let message = kept
            .show(PageId(0))
            .expect_err("changed")
            .diagnostic("a/index.html");
        assert!(message.message.contains("a/index.html"), "{}", message.message);

        // A build that counts its outputs has none stored, and reads it at once.
        std::fs::write(&file, format!("{a}{b}")).expect("write");
        let counted = HtmlValues::new(vec![stored(0, a)], Some(vec![1])).expect("read");
        assert_eq!(shown(&counted, 0).as_deref(), Some(a));
        std::fs::remove_file(&file).expect("remove");
        assert!(matches!(
            HtmlValues::new(vec![stored(0, a)], Some(vec![1])),
            Err(Unshown::Unread(_))
        ));
    }
}
