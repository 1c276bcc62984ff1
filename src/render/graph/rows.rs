//! The arc diagram: one row per node, top to bottom, an arc on the left joining two
//! nodes that link to each other. Rows never collide and the picture is as tall as its
//! rows, so it reads at any width: `/graph/` draws a one-section site's analyses this
//! way, and a site's sections on a phone, where the circle's labels would be too small.

use std::fmt::Write as _;

use crate::html::escape_attr as esc;

use super::truncate;

/// The picture's width in user units, the height of a row, how far arcs may reach left
/// of the nodes, and the width of a title's character at the theme's 12px (generous).
const WIDTH: f64 = 340.0;
pub(super) const ROW: f64 = 26.0;
const MAX_REACH: f64 = 110.0;
const CHAR: f64 = 7.5;

/// One row: where it links and what it says.
pub(super) struct Row<'a> {
    pub href: &'a str,
    pub label: &'a str,
    /// The tooltip, after the label and a colon.
    pub tip: String,
}

/// The words around the picture: its `class`, the prefix of its ids (unique on the
/// page), its title and its description.
pub(super) struct Frame<'a> {
    pub class: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
}

/// The SVG of `rows` with `arcs` (upper row, lower row, how many links) between them.
pub(super) fn draw(rows: &[Row], arcs: &[(usize, usize, usize)], frame: &Frame) -> String {
    let h = ROW * rows.len().max(1) as f64 + 8.0;
    let y = |row: usize| 4.0 + ROW * (row as f64 + 0.5);
    let Frame {
        class,
        id,
        title,
        desc,
    } = frame;
    let mut svg = format!(
        "<svg class=\"{class}\" viewBox=\"0 0 {WIDTH} {h}\" width=\"{WIDTH}\" height=\"{h}\" role=\"group\" \
         aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        esc(title),
        esc(desc)
    );
    // The nodes sit as far left as the widest arc allows, leaving the rest to labels.
    let reach = arcs
        .iter()
        .map(|(a, b, _)| (b - a) as f64 * ROW / 2.0)
        .fold(0.0_f64, f64::max)
        .min(MAX_REACH);
    let node_x = (reach + 12.0).round();
    let label_chars = ((WIDTH - node_x - 16.0) / CHAR) as usize;
    let mut links = vec![0usize; rows.len()];
    for &(a, b, count) in arcs {
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
    for (k, row) in rows.iter().enumerate() {
        let r = 4.0 + 4.0 * (links[k] as f64 / most).sqrt();
        let _ = writeln!(
            svg,
            "<a href=\"{}\"><title>{}: {}</title><circle class=\"node\" cx=\"{node_x}\" cy=\"{:.1}\" r=\"{r:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text></a>",
            esc(row.href),
            esc(row.label),
            esc(&row.tip),
            y(k),
            node_x + 14.0,
            y(k) + 4.0,
            esc(&truncate(row.label, label_chars))
        );
    }
    svg.push_str("</svg>");
    svg
}
