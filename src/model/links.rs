//! Backlinks: each page and section learns which documents link to it, with the words
//! around the link, once every document's links are known.

use std::collections::HashMap;

use crate::model::site::{Backlink, Item, PageId, SectionId, Site};
use crate::parse::markdown::OutLink;

/// Fills in every page's and section's backlinks (replacing any from before).
pub(crate) fn backlinks(site: &mut Site) {
    for p in &mut site.pages {
        p.backlinks.clear();
    }
    for s in &mut site.sections {
        s.backlinks.clear();
    }
    // Documents with no output of their own cannot be shown as citing anything.
    let pages = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.has_output())
        .map(|(i, p)| (Item::Page(PageId(i)), p.converted.links.as_slice()));
    let sections = site
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.has_output())
        .map(|(i, s)| (Item::Section(SectionId(i)), s.converted.links.as_slice()));
    let sources: Vec<(Item, &[OutLink])> = pages.chain(sections).collect();
    // target → source → backlink (the first link's excerpt, and a count).
    let mut found: HashMap<Item, HashMap<Item, Backlink>> = HashMap::new();
    for (source, links) in sources {
        for link in links {
            let Some(target) = site.by_content_path.get(&link.target).copied() else {
                continue;
            };
            // A link from another language (to the original of a translation, say) is
            // not a citation among this language's analyses: backlinks, and the
            // connected analyses and timeline citers made from them, stay in one language.
            if site.item_lang(source) != site.item_lang(target) {
                continue;
            }
            found
                .entry(target)
                .or_default()
                .entry(source)
                .and_modify(|b| b.count += 1)
                .or_insert_with(|| Backlink {
                    source,
                    kind: link.kind,
                    excerpt: link.excerpt.clone(),
                    count: 1,
                });
        }
    }
    for (target, by_source) in found {
        let mut list: Vec<Backlink> = by_source.into_values().collect();
        sort(site, &mut list);
        match target {
            Item::Page(p) => site.pages[p.0].backlinks = list,
            Item::Section(s) => site.sections[s.0].backlinks = list,
        }
    }
}

/// Puts the backlinks of `pages` back in order after a page citing them changed its date.
pub(crate) fn reorder(site: &mut Site, pages: &[PageId]) {
    for p in pages {
        let mut list = std::mem::take(&mut site.pages[p.0].backlinks);
        sort(site, &mut list);
        site.pages[p.0].backlinks = list;
    }
}

/// Newest citing analysis first; then by path, so the order never depends on hashing.
fn sort(site: &Site, list: &mut [Backlink]) {
    list.sort_by_cached_key(|b| {
        let (date, path) = match b.source {
            Item::Page(p) => (
                site.page(p).date.map(|d| d.sort_key()),
                &site.page(p).file.content_path,
            ),
            Item::Section(s) => (None, &site.section(s).file.content_path),
        };
        (std::cmp::Reverse(date), path.clone())
    });
}
