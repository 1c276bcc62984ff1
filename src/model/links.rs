//! Backlinks: each page and section learns which documents link to it, with the words
//! around the link, once every document's links are known.

use rayon::prelude::*;

use crate::model::site::{Backlink, Item, PageId, SectionId, Site};
use crate::parse::markdown::OutLink;

/// Fills in every page's and section's backlinks (replacing any from before).
pub(crate) fn backlinks(site: &mut Site) {
    let lists = lists(site);
    for p in &mut site.pages {
        p.backlinks.clear();
    }
    for s in &mut site.sections {
        s.backlinks.clear();
    }
    for (target, list) in lists {
        match target {
            Item::Page(p) => site.pages[p.0].backlinks = list,
            Item::Section(s) => site.sections[s.0].backlinks = list,
        }
    }
}

/// The backlinks of every document some other document links to, sorted, by target:
/// one per source, with its first link's kind and excerpt and a count of its links. Made
/// in parallel, as a sorted list of links rather than a map of maps, since every build
/// makes them (the build cache's too).
fn lists(site: &Site) -> Vec<(Item, Vec<Backlink>)> {
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
    // (target, source, link): sources in `Item`'s order (pages, then sections, each by
    // number), each source's links in their order.
    let links: Vec<(Item, Item, &OutLink)> = sources
        .par_iter()
        .flat_map_iter(|&(source, links)| {
            links.iter().filter_map(move |link| {
                let target = site.by_content_path.get(&link.target).copied()?;
                // A link from another language (to the original of a translation, say)
                // is not a citation among this language's analyses: backlinks, and the
                // connected analyses and timeline citers made from them, stay in one
                // language.
                (site.item_lang(source) == site.item_lang(target)).then_some((target, source, link))
            })
        })
        .collect();
    let links = grouped_by_target(site, &links);
    let by_target: Vec<&[(Item, Item, &OutLink)]> = links.chunk_by(|a, b| a.0 == b.0).collect();
    by_target
        .into_par_iter()
        .map(|links| {
            let mut list: Vec<Backlink> = links
                .chunk_by(|a, b| a.1 == b.1)
                .map(|from_source| {
                    let (_, source, first) = from_source[0];
                    Backlink {
                        source,
                        kind: first.kind,
                        excerpt: first.excerpt.clone(),
                        count: from_source.len(),
                    }
                })
                .collect();
            sort(site, &mut list);
            (links[0].0, list)
        })
        .collect()
}

/// `links` ordered by target, in `Item`'s order, and otherwise as they were: by a
/// counting sort, one pass to count and one to place, where a comparison sort grew
/// faster than the site.
fn grouped_by_target<'a>(site: &Site, links: &[(Item, Item, &'a OutLink)]) -> Vec<(Item, Item, &'a OutLink)> {
    let slot = |item: Item| match item {
        Item::Page(p) => p.0,
        Item::Section(s) => site.pages.len() + s.0,
    };
    let mut next = vec![0usize; site.pages.len() + site.sections.len() + 1];
    for link in links {
        next[slot(link.0) + 1] += 1;
    }
    for i in 1..next.len() {
        next[i] += next[i - 1];
    }
    let mut grouped = links.to_vec();
    for &link in links {
        let at = &mut next[slot(link.0)];
        grouped[*at] = link;
        *at += 1;
    }
    grouped
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
                site.page(p).file.content_path.as_str(),
            ),
            Item::Section(s) => (None, site.section(s).file.content_path.as_str()),
        };
        (std::cmp::Reverse(date), path)
    });
}
