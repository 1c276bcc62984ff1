//! `/graph/` on a site with fewer than two sections: a circle of sections would be one
//! lone node, so the analyses themselves are drawn, as an arc diagram: one row per
//! analysis in date order, an arc joining two that link to each other. Rows never
//! collide and the picture is as tall as its rows, at any width.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::html::escape_attr as esc;
use crate::model::site::{Item, PageId, Site};

use super::truncate;

/// At most this many analyses are drawn: the most linked, so a large one-section site
/// still gets a legible picture (graph.json has them all).
pub(super) const MAX_NODES: usize = 40;

/// The picture's width in user units, the height of a row, how far arcs may reach left
/// of the nodes, and the width of a title's character at the theme's 12px (generous).
const WIDTH: f64 = 340.0;
const ROW: f64 = 26.0;
const MAX_REACH: f64 = 110.0;
const CHAR: f64 = 7.5;

pub(super) struct PageGraph {
    pub svg: String,
    /// How many analyses are drawn.
    pub shown: usize,
}

/// The analyses with output (the `MAX_NODES` most linked), in date order, and the links
/// between them as (upper row, lower row, how many links).
fn nodes_and_arcs(site: &Site) -> (Vec<PageId>, Vec<(usize, usize, usize)>) {
    let pages: Vec<PageId> = (0..site.pages.len())
        .map(PageId)
        .filter(|p| site.page(*p).has_output())
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
                Some(Item::Page(to)) if *to != from && site.page(*to).has_output() => Some(*to),
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
pub(super) fn page_graph(site: &Site, total: usize) -> PageGraph {
    let (nodes, arcs) = nodes_and_arcs(site);
    let h = ROW * nodes.len().max(1) as f64 + 8.0;
    let y = |row: usize| 4.0 + ROW * (row as f64 + 0.5);
    let which = if nodes.len() < total {
        format!("The {} most linked of {total} analyses", nodes.len())
    } else {
        format!("{} analyses", nodes.len())
    };
    let mut svg = format!(
        "<svg class=\"site-graph by-page\" viewBox=\"0 0 {WIDTH} {h}\" width=\"{WIDTH}\" height=\"{h}\" role=\"group\" \
         aria-labelledby=\"sg-title sg-desc\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <title id=\"sg-title\">Analyses and the links between them</title>\n\
         <desc id=\"sg-desc\">{which}, oldest at the top; an arc joins two analyses when one links to the other, thicker for more links.</desc>\n"
    );
    // The nodes sit as far left as the widest arc allows, leaving the rest to titles.
    let reach = arcs
        .iter()
        .map(|(a, b, _)| (b - a) as f64 * ROW / 2.0)
        .fold(0.0_f64, f64::max)
        .min(MAX_REACH);
    let node_x = (reach + 12.0).round();
    let title_chars = ((WIDTH - node_x - 16.0) / CHAR) as usize;
    let mut links = vec![0usize; nodes.len()];
    for &(a, b, count) in &arcs {
        links[a] += count;
        links[b] += count;
        let (y1, y2) = (y(a), y(b));
        let ry = (y2 - y1) / 2.0;
        let rx = ry.min(reach);
        let width = 1.0 + f64::from(u32::try_from(count.min(4)).unwrap_or(4));
        let _ = writeln!(
            svg,
            "<path class=\"arc\" d=\"M{node_x} {y1:.1}A{rx:.1} {ry:.1} 0 0 0 {node_x} {y2:.1}\" stroke-width=\"{width:.1}\"/>"
        );
    }
    let most = links.iter().copied().max().unwrap_or(1).max(1) as f64;
    for (k, p) in nodes.iter().enumerate() {
        let page = site.page(*p);
        let r = 4.0 + 4.0 * (links[k] as f64 / most).sqrt();
        let _ = writeln!(
            svg,
            "<a href=\"{}\"><title>{}: {} {}</title><circle class=\"node\" cx=\"{node_x}\" cy=\"{:.1}\" r=\"{r:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text></a>",
            esc(&page.path),
            esc(&page.title),
            links[k],
            if links[k] == 1 { "link" } else { "links" },
            y(k),
            node_x + 14.0,
            y(k) + 4.0,
            esc(&truncate(&page.title, title_chars))
        );
    }
    svg.push_str("</svg>");
    PageGraph {
        svg,
        shown: nodes.len(),
    }
}
