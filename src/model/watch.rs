//! Indicators to watch: the `watch` entries of analyses' front matter (what to look for,
//! why it matters, when, and whether it was seen), validated. `/watch/` lists them all;
//! dated ones are also events on the timeline.

use crate::diagnostic::{Diagnostic, Diagnostics, closest};
use crate::model::site::{PageId, Site};

use crate::model::dated::{STATUSES, Status, Watch};

/// Every rendered analysis's indicators, in page order then as written; an unknown
/// status is an error at its line.
pub(crate) fn collect(site: &Site) -> (Vec<Watch>, Diagnostics) {
    let mut out = Vec::new();
    let mut diags = Diagnostics::new();
    for (i, page) in site.pages.iter().enumerate() {
        if !page.has_output() || page.meta.watch.is_empty() {
            continue;
        }
        let entries = crate::spans::Entries::new(&page.file.display_path, &page.file.text, "watch");
        let stem = crate::slugs::slugify(page.file.content_path.trim_end_matches(".md"));
        for (n, raw) in page.meta.watch.iter().enumerate() {
            let at = |keys: &[&str]| entries.location(n, keys);
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
