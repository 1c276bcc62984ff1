//! The link graph: `graph.json` for tools and a site-wide summary for `/graph/` (a
//! page's own neighbours are `connected`'s). The picture is SVG made at build time: no
//! scripts, and it stays readable at any site size because it shows the sections, never
//! every page at once; a site with fewer than two sections gets its most linked analyses
//! instead (`pages`).

mod pages;
mod rows;

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::html::escape_attr as esc;
use crate::model::site::{Item, PageId, Site};
use crate::parse::markdown::LinkKind;
use crate::render::job::Lang;
use crate::render::words::Words;

#[derive(Serialize, Hash)]
struct Node<'a> {
    id: &'a str,
    kind: &'static str,
    title: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_text")]
    date: Option<crate::dates::DateValue>,
}

/// A date as its text, written straight into the output.
fn as_text<S: serde::Serializer>(date: &Option<crate::dates::DateValue>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => s.collect_str(date),
        None => s.serialize_none(),
    }
}

#[derive(Serialize, Hash)]
struct Edge<'a> {
    source: &'a str,
    target: &'a str,
    /// `link`, `wikilink`, or `term` (a page carries a taxonomy term).
    kind: &'static str,
}

#[derive(Serialize, Hash)]
struct Graph<'a> {
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge<'a>>,
}

/// `graph.json`: pages, sections and terms as nodes; links, wikilinks and term
/// membership as edges. Term nodes are `TAXONOMY/TERM-SLUG`.
pub(crate) fn graph_json(site: &Site, lang: Lang) -> String {
    with_graph(site, lang, |graph| {
        // About what each node and edge takes, so the text is seldom moved as it grows.
        let mut out = Vec::with_capacity(graph.nodes.len() * 160 + graph.edges.len() * 96);
        match serde_json::to_writer(&mut out, graph) {
            Ok(()) => String::from_utf8(out).unwrap_or_else(|_| "{}".to_owned()),
            Err(_) => "{}".to_owned(),
        }
    })
}

/// Hashes the graph `graph.json` writes, before it is written: the output's fingerprint,
/// which keeps an unchanged graph from being written out again.
pub(crate) fn hash_graph_json(site: &Site, lang: Lang, h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    with_graph(site, lang, |graph| graph.hash(h));
}

/// Calls `f` with the graph of `graph.json` (which borrows the term nodes' ids made here).
fn with_graph<R>(site: &Site, lang: Lang, f: impl FnOnce(&Graph<'_>) -> R) -> R {
    let code = lang.code(site);
    let taxonomies: Vec<&crate::model::site::Taxonomy> =
        site.taxonomies.iter().filter(|t| t.lang == code).collect();
    // Each term's node id, made once for the term's node and all its edges.
    let term_ids: Vec<Vec<String>> = taxonomies
        .iter()
        .map(|t| {
            t.terms
                .iter()
                .map(|term| format!("{}/{}", t.slug, term.slug))
                .collect()
        })
        .collect();
    let mut nodes = Vec::with_capacity(
        site.sections.len() + site.pages.len() + term_ids.iter().map(Vec::len).sum::<usize>(),
    );
    let mut edges = Vec::new();
    for s in site.sections.iter().filter(|s| s.lang == code) {
        nodes.push(Node {
            id: &s.file.content_path,
            kind: "section",
            title: s.title(),
            path: &s.path,
            section: None,
            date: None,
        });
    }
    for p in site.pages.iter().filter(|p| p.has_output() && p.lang == code) {
        nodes.push(Node {
            id: &p.file.content_path,
            kind: "page",
            title: &p.title,
            path: &p.path,
            section: Some(&site.section(p.section).file.content_path),
            date: p.date,
        });
    }
    for (t, ids) in taxonomies.iter().zip(&term_ids) {
        for (term, id) in t.terms.iter().zip(ids) {
            nodes.push(Node {
                id,
                kind: "term",
                title: &term.name,
                path: &term.path,
                section: None,
                date: None,
            });
            for p in &term.pages {
                edges.push(Edge {
                    source: &site.page(*p).file.content_path,
                    target: id,
                    kind: "term",
                });
            }
        }
    }
    let documents = site
        .pages
        .iter()
        .filter(|p| p.has_output() && p.lang == code)
        .map(|p| (&p.file.content_path, &p.converted.links))
        .chain(
            site.sections
                .iter()
                .filter(|s| s.lang == code)
                .map(|s| (&s.file.content_path, &s.converted.links)),
        );
    for (source, links) in documents {
        let mut seen = HashSet::new();
        for l in links {
            if seen.insert((&l.target, l.kind)) {
                edges.push(Edge {
                    source,
                    target: &l.target,
                    kind: match l.kind {
                        LinkKind::Link => "link",
                        LinkKind::Wikilink => "wikilink",
                    },
                });
            }
        }
    }
    f(&Graph { nodes, edges })
}

/// `text` cut to `max` characters, the last an ellipsis.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

/// A section's line in the site graph's table.
#[derive(Serialize)]
pub(crate) struct SectionStat<'a> {
    title: &'a str,
    path: &'a str,
    pages: usize,
    links_out: usize,
    links_in: usize,
}

/// A much-cited analysis.
#[derive(Serialize)]
pub(crate) struct Cited<'a> {
    title: &'a str,
    path: &'a str,
    cited_by: usize,
}

#[derive(Serialize)]
pub(crate) struct SiteGraph<'a> {
    pub svg: String,
    /// What the picture's nodes are: `section` or `page`.
    pub by: &'static str,
    /// How many analyses the picture draws, when it draws analyses.
    pub shown: usize,
    pub sections: Vec<SectionStat<'a>>,
    pub most_cited: Vec<Cited<'a>>,
    pub page_count: usize,
    pub link_count: usize,
}

/// The site as sections on a circle, joined by how often their analyses link to each
/// other: a summary that stays legible at 10,000 pages.
pub(crate) fn site_graph(site: &Site, lang: Lang) -> SiteGraph<'_> {
    let code = lang.code(site);
    let words = Words::of(&site.config, code);
    let home = site.language_root(code);
    // Top-level sections (the language's home's children), and which of them each page
    // falls under.
    let root = site.section(home);
    let tops: Vec<_> = root
        .subsections
        .iter()
        .copied()
        .filter(|s| site.section(*s).has_output())
        .collect();
    let top_of = |mut s: crate::model::site::SectionId| {
        while let Some(parent) = site.section(s).parent {
            if parent == home {
                return Some(s);
            }
            s = parent;
        }
        None
    };
    let index_of = |item: Item| -> Option<usize> {
        let section = match item {
            Item::Page(p) => site.page(p).section,
            Item::Section(s) => s,
        };
        top_of(section).and_then(|t| tops.iter().position(|x| *x == t))
    };
    let mut pages = vec![0usize; tops.len()];
    let mut out = vec![0usize; tops.len()];
    let mut inn = vec![0usize; tops.len()];
    let mut between: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut link_count = 0;
    for (i, p) in site.pages.iter().enumerate() {
        if !p.has_output() || p.lang != code {
            continue;
        }
        let from = index_of(Item::Page(PageId(i)));
        if let Some(f) = from {
            pages[f] += 1;
        }
        for l in &p.converted.links {
            let Some(target) = site.by_content_path.get(&l.target) else {
                continue;
            };
            link_count += 1;
            let to = index_of(*target);
            if let Some(f) = from {
                out[f] += 1;
            }
            if let Some(t) = to {
                inn[t] += 1;
            }
            if let (Some(f), Some(t)) = (from, to)
                && f != t
            {
                *between.entry((f.min(t), f.max(t))).or_insert(0) += 1;
            }
        }
    }
    let sections: Vec<SectionStat> = tops
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let s = site.section(*s);
            SectionStat {
                title: s.title(),
                path: &s.path,
                pages: pages[k],
                links_out: out[k],
                links_in: inn[k],
            }
        })
        .collect();

    let mut cited: Vec<(usize, PageId)> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.has_output() && p.lang == code && !p.backlinks.is_empty())
        .map(|(i, p)| (p.backlinks.len(), PageId(i)))
        .collect();
    cited.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let most_cited = cited
        .into_iter()
        .take(20)
        .map(|(n, p)| Cited {
            title: &site.page(p).title,
            path: &site.page(p).path,
            cited_by: n,
        })
        .collect();

    let page_count = site
        .pages
        .iter()
        .filter(|p| p.has_output() && p.lang == code)
        .count();
    if tops.len() < 2 {
        let drawn = pages::page_graph(site, &words, page_count);
        return SiteGraph {
            svg: drawn.svg,
            by: "page",
            shown: drawn.shown,
            sections,
            most_cited,
            page_count,
            link_count,
        };
    }
    let (w, h, cx, cy, radius) = (640.0_f64, 420.0_f64, 320.0_f64, 210.0_f64, 150.0_f64);
    let n = tops.len().max(1) as f64;
    let pos = |k: usize| {
        let angle = -std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * k as f64 / n;
        (cx + radius * angle.cos(), cy + radius * angle.sin(), angle)
    };
    let max_pages = pages.iter().copied().max().unwrap_or(1).max(1) as f64;
    let max_between = between.values().copied().max().unwrap_or(1).max(1) as f64;
    let mut svg = format!(
        "<svg class=\"site-graph by-section\" viewBox=\"0 0 {w} {h}\" role=\"group\" aria-labelledby=\"sg-title sg-desc\" \
         xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"sg-title\">{}</title>\n\
         <desc id=\"sg-desc\">{}</desc>\n",
        esc(words.get("dossier_graph_sections_title")),
        esc(&words.counted("dossier_graph_circle_desc", tops.len(), &[]))
    );
    for ((a, b), count) in &between {
        let (x1, y1, _) = pos(*a);
        let (x2, y2, _) = pos(*b);
        let width = 1.0 + 7.0 * (*count as f64 / max_between);
        svg.push_str(&format!(
            "<line class=\"edge\" x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke-width=\"{width:.1}\"><title>{} ↔ {}: {}</title></line>\n",
            esc(sections[*a].title),
            esc(sections[*b].title),
            esc(&words.counted("dossier_n_links", *count, &[]))
        ));
    }
    for (k, s) in sections.iter().enumerate() {
        let (x, y, angle) = pos(k);
        let r = 8.0 + 22.0 * (s.pages as f64 / max_pages).sqrt();
        let right = angle.cos() >= -1e-9;
        let (tx, anchor) = if right {
            (x + r + 6.0, "start")
        } else {
            (x - r - 6.0, "end")
        };
        svg.push_str(&format!(
            "<a href=\"{}\"><title>{}: {}</title><circle class=\"node\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{} ({})</text></a>\n",
            esc(s.path),
            esc(s.title),
            esc(&words.counted("dossier_n_analyses", s.pages, &[])),
            y + 4.0,
            esc(&truncate(s.title, 24)),
            s.pages
        ));
    }
    svg.push_str("</svg>");
    // On a phone the circle's labels would be a few pixels high: the theme shows the same
    // sections as rows there instead.
    let rows: Vec<rows::Row> = sections
        .iter()
        .map(|s| rows::Row {
            href: s.path,
            label: s.title,
            tip: words.counted("dossier_n_analyses", s.pages, &[]),
        })
        .collect();
    let arcs: Vec<(usize, usize, usize)> = between.iter().map(|((a, b), n)| (*a, *b, *n)).collect();
    svg.push_str(&rows::draw(
        &rows,
        &arcs,
        &rows::Frame {
            class: "site-graph by-section-rows",
            id: "sgr",
            title: words.get("dossier_graph_sections_title"),
            desc: words.get("dossier_graph_rows_desc"),
        },
    ));
    SiteGraph {
        svg,
        by: "section",
        shown: 0,
        sections,
        most_cited,
        page_count,
        link_count,
    }
}
