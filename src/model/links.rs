//! Backlinks: each page and section learns which documents link to it, with the words
//! around the link, once every document's links are known.

use std::collections::HashMap;

use crate::model::site::{Backlink, Item, Site};

pub fn backlinks(site: &mut Site) {
    let sources: Vec<(Item, &[crate::parse::markdown::OutLink])> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                Item::Page(crate::model::site::PageId(i)),
                p.rendered.links.as_slice(),
            )
        })
        .chain(site.sections.iter().enumerate().map(|(i, s)| {
            (
                Item::Section(crate::model::site::SectionId(i)),
                s.rendered.links.as_slice(),
            )
        }))
        .collect();
    // target → source → backlink (the first link's excerpt, and a count).
    let mut found: HashMap<Item, HashMap<Item, Backlink>> = HashMap::new();
    for (source, links) in sources {
        for link in links {
            let Some(target) = site.by_content_path.get(&link.target).copied() else {
                continue;
            };
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
    let sort_key = |site: &Site, item: Item| {
        let (date, path) = match item {
            Item::Page(p) => (
                site.page(p).date.map(|d| d.sort_key()),
                &site.page(p).file.content_path,
            ),
            Item::Section(s) => (None, &site.section(s).file.content_path),
        };
        (std::cmp::Reverse(date), path.clone())
    };
    for (target, by_source) in found {
        let mut list: Vec<Backlink> = by_source.into_values().collect();
        // Newest citing analysis first; then by path, so the order never depends on hashing.
        list.sort_by_cached_key(|b| sort_key(site, b.source));
        match target {
            Item::Page(p) => site.pages[p.0].backlinks = list,
            Item::Section(s) => site.sections[s.0].backlinks = list,
        }
    }
}
