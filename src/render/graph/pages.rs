//! `/graph/` on a site with fewer than two sections: a circle of sections would be one
//! lone node, so the analyses themselves are drawn, as an arc diagram: one row per
//! analysis in date order, an arc joining two that link to each other. Rows never
//! collide and the picture is as tall as its rows, at any width.

use std::collections::BTreeMap;

use crate::model::site::{Item, PageId, Site};
use crate::render::words::Words;

use super::rows::{self, Frame, Row};

/// At most this many analyses are drawn: the most linked, so a large one-section site
/// still gets a legible picture (graph.json has them all).
pub(super) const MAX_NODES: usize = 40;

pub(super) struct PageGraph {
    pub svg: String,
    /// How many analyses are drawn.
    pub shown: usize,
}

/// The analyses with output (the `MAX_NODES` most linked), in date order, and the links
/// between them as (upper row, lower row, how many links).
fn nodes_and_arcs(site: &Site, lang: &str) -> (Vec<PageId>, Vec<(usize, usize, usize)>) {
    let pages: Vec<PageId> = (0..site.pages.len())
        .map(PageId)
        .filter(|p| site.page(*p).has_output() && site.page(*p).lang == lang)
        .collect();
    // Links between two analyses, either way, counted once per source and target.
    let mut between: BTreeMap<(PageId, PageId), usize> = BTreeMap::new();
    for &from in &pages {
        let mut targets: Vec<PageId> = site
            .page(from)
            .converted
            .links
            .iter()
            .filter_map(|l| match site.by_content_path.get(&l.target) {
                Some(Item::Page(to))
                    if *to != from && site.page(*to).has_output() && site.page(*to).lang == lang =>
                {
                    Some(*to)
                }
                _ => None,
            })
            .collect();
        targets.sort_unstable();
        targets.dedup();
        for to in targets {
            *between.entry((from.min(to), from.max(to))).or_insert(0) += 1;
        }
    }
    let mut degree: BTreeMap<PageId, usize> = BTreeMap::new();
    for ((a, b), count) in &between {
        *degree.entry(*a).or_insert(0) += count;
        *degree.entry(*b).or_insert(0) += count;
    }
    let mut chosen = pages;
    if chosen.len() > MAX_NODES {
        chosen.sort_by_key(|p| (std::cmp::Reverse(degree.get(p).copied().unwrap_or(0)), *p));
        chosen.truncate(MAX_NODES);
    }
    // Oldest first, undated last; the site's order among equals.
    chosen.sort_by_key(|p| {
        (
            site.page(*p).date.is_none(),
            site.page(*p).date.map(|d| d.sort_key()),
            *p,
        )
    });
    let row: BTreeMap<PageId, usize> = chosen.iter().enumerate().map(|(k, p)| (*p, k)).collect();
    let arcs = between
        .iter()
        .filter_map(|((a, b), count)| {
            let (ra, rb) = (*row.get(a)?, *row.get(b)?);
            Some((ra.min(rb), ra.max(rb), *count))
        })
        .collect();
    (chosen, arcs)
}

/// The arc diagram of the site's analyses, `total` of them with output.
pub(super) fn page_graph(site: &Site, words: &Words, total: usize) -> PageGraph {
    let (nodes, arcs) = nodes_and_arcs(site, words.code());
    let shown = words.counted("dossier_n_analyses", nodes.len(), &[]);
    let which = if nodes.len() < total {
        let of = words.counted("dossier_n_analyses", total, &[]);
        words.counted("dossier_graph_most_linked_of", nodes.len(), &[("analyses", &of)])
    } else {
        shown
    };
    let mut links = vec![0usize; nodes.len()];
    for &(a, b, count) in &arcs {
        links[a] += count;
        links[b] += count;
    }
    let rows: Vec<Row> = nodes
        .iter()
        .zip(&links)
        .map(|(p, n)| {
            let page = site.page(*p);
            Row {
                href: &page.path,
                label: &page.title,
                tip: words.counted("dossier_n_links", *n, &[]),
            }
        })
        .collect();
    let desc = words.fill("dossier_graph_pages_desc", &[("analyses", &which)]);
    let svg = rows::draw(
        &rows,
        &arcs,
        &Frame {
            class: "site-graph by-page",
            id: "sg",
            title: words.get("dossier_graph_pages_title"),
            desc: &desc,
        },
    );
    PageGraph {
        svg,
        shown: nodes.len(),
    }
}
