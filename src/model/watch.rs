//! Indicators to watch: the `watch` entries of analyses' front matter (what to look for,
//! why it matters, when, and whether it was seen), validated. `/watch/` lists them all;
//! dated ones are also events on the timeline.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Diagnostics, Location, closest};
use crate::model::site::{PageId, Site};
use crate::parse::events::EventDate;

/// An entry of a page's `watch` list, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWatch {
    pub indicator: String,
    /// Why it matters.
    pub why: Option<String>,
    pub due: Option<EventDate>,
    /// `open` (the default), `observed` or `lapsed`.
    pub status: Option<String>,
    /// A heading to group it under on `/watch/` (military developments, …).
    pub area: Option<String>,
}

/// Whether what an indicator looks for has happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Observed,
    Lapsed,
}

pub const STATUSES: &[(&str, Status)] = &[
    ("open", Status::Open),
    ("observed", Status::Observed),
    ("lapsed", Status::Lapsed),
];

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::Observed => "Observed",
            Status::Lapsed => "Lapsed",
        }
    }
}

/// A validated indicator.
#[derive(Debug, Clone)]
pub struct Watch {
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

/// Every rendered analysis's indicators, in page order then as written; an unknown
/// status is an error at its line.
pub fn collect(site: &Site) -> (Vec<Watch>, Diagnostics) {
    let mut out = Vec::new();
    let mut diags = Diagnostics::new();
    for (i, page) in site.pages.iter().enumerate() {
        if !page.renders() || page.meta.watch.is_empty() {
            continue;
        }
        let blocks = crate::model::timeline::list_blocks(&page.file.text, "watch");
        let stem = crate::slugs::slugify(page.file.content_path.trim_end_matches(".md"));
        for (n, raw) in page.meta.watch.iter().enumerate() {
            let at = |keys: &[&str]| {
                crate::model::timeline::block_location(
                    &page.file.display_path,
                    &page.file.text,
                    blocks.get(n),
                    "watch",
                    keys,
                )
            };
            let status = match raw.status.as_deref().map(str::trim) {
                None => Status::Open,
                Some(word) => match STATUSES.iter().find(|(name, _)| name.eq_ignore_ascii_case(word)) {
                    Some((_, status)) => *status,
                    None => {
                        let names = STATUSES.iter().map(|(name, _)| *name);
                        let hint = match closest(word, names) {
                            Some(near) => {
                                format!("did you mean `{near}`? A status is open, observed or lapsed")
                            }
                            None => "a status is open (the default), observed or lapsed".to_owned(),
                        };
                        diags.push(
                            Diagnostic::error(format!("unknown watch status `{word}`"))
                                .at(at(&["status"]))
                                .hint(hint),
                        );
                        continue;
                    }
                },
            };
            if raw.indicator.trim().is_empty() {
                diags.push(
                    Diagnostic::error("a watch entry has an empty `indicator`")
                        .at(at(&["indicator"]))
                        .hint("say what to look for: `indicator = \"A second contingent arrives\"`"),
                );
                continue;
            }
            out.push(Watch {
                page: PageId(i),
                id: format!("w-{stem}-{}", n + 1),
                indicator: raw.indicator.trim().to_owned(),
                why: raw.why.clone(),
                due: raw.due,
                status,
                area: raw.area.clone(),
                location: at(&["indicator"]),
            });
        }
    }
    (out, diags)
}
