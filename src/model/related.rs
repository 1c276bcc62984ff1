//! Related analyses: for each page, the pages that share the most (and the rarest)
//! taxonomy terms with it, or that link to or from it.
//!
//! A shared term scores its taxonomy's weight times `ln(1 + N / df)`, where `df` is the
//! number of pages carrying the term, so a term on every page counts little and a rare
//! one a lot. Two pages linked (either way, however many links) add the link weight. Ties go to the newer page,
//! then the content path.

use rayon::prelude::*;

use crate::config::RelatedConfig;
use crate::model::site::{Item, PageId, Site};

pub(crate) fn related(site: &mut Site) {
    let config = &site.config.related;
    let n = site.pages.len();
    // Rarity is measured among the pages that are listed anywhere.
    let listed_count = site.pages.iter().filter(|p| p.has_output()).count();
    if n < 2 || config.limit == 0 {
        return;
    }
    // Per page, its terms as (weight) entries in a shared list of term page-lists.
    let mut term_pages: Vec<(f32, &[PageId])> = Vec::new();
    let mut page_terms: Vec<Vec<usize>> = vec![Vec::new(); n];
    for t in &site.taxonomies {
        let weight = config.weight(&t.config.name);
        if weight <= 0.0 {
            continue;
        }
        for term in &t.terms {
            let df = term.pages.len();
            if df < 2 || (df as f32) > config.max_share * listed_count as f32 {
                continue;
            }
            let idf = (1.0 + listed_count as f32 / df as f32).ln();
            let index = term_pages.len();
            term_pages.push((weight * idf, &term.pages));
            for p in &term.pages {
                page_terms[p.0].push(index);
            }
        }
    }
    // Pages linked either way, each pair counted once however many links join them.
    let mut linked: Vec<Vec<PageId>> = vec![Vec::new(); n];
    for (i, p) in site.pages.iter().enumerate() {
        for link in &p.converted.links {
            if let Some(Item::Page(target)) = site.by_content_path.get(&link.target)
                && target.0 != i
            {
                linked[i].push(*target);
                linked[target.0].push(PageId(i));
            }
        }
    }
    for list in &mut linked {
        list.sort();
        list.dedup();
    }
    let dates: Vec<i64> = site
        .pages
        .iter()
        .map(|p| p.date.map_or(i64::MIN, |d| d.sort_key()))
        .collect();
    let listed: Vec<bool> = site.pages.iter().map(|p| p.has_output()).collect();
    let link_weight = config.links;
    let limit = config.limit;

    let rank = |a: &(usize, f32), b: &(usize, f32)| {
        b.1.total_cmp(&a.1)
            .then_with(|| dates[b.0].cmp(&dates[a.0]))
            .then_with(|| a.0.cmp(&b.0))
    };
    let score_page = |i: usize, scores: &mut Vec<f32>, touched: &mut Vec<usize>| -> Vec<PageId> {
        let mut add = |p: usize, w: f32| {
            if scores[p] == 0.0 {
                touched.push(p);
            }
            scores[p] += w;
        };
        for &t in &page_terms[i] {
            let (w, pages) = term_pages[t];
            for p in pages {
                add(p.0, w);
            }
        }
        if link_weight > 0.0 {
            for p in &linked[i] {
                add(p.0, link_weight);
            }
        }
        // The best `limit` candidates, best first; most candidates fail one comparison.
        let mut best: Vec<(usize, f32)> = Vec::with_capacity(limit + 1);
        for &p in touched.iter() {
            if p == i || !listed[p] {
                continue;
            }
            let candidate = (p, scores[p]);
            if best.len() == limit && rank(&candidate, &best[limit - 1]) != std::cmp::Ordering::Less {
                continue;
            }
            let at = best.partition_point(|b| rank(b, &candidate) == std::cmp::Ordering::Less);
            best.insert(at, candidate);
            best.truncate(limit);
        }
        for p in touched.drain(..) {
            scores[p] = 0.0;
        }
        best.into_iter().map(|(p, _)| PageId(p)).collect()
    };
    // Pages in chunks, each with one dense score array (allocating one per page, or per
    // rayon split, costs more in zeroed memory than the scoring itself).
    let chunks: Vec<std::ops::Range<usize>> = (0..n).step_by(512).map(|s| s..(s + 512).min(n)).collect();
    let results: Vec<Vec<PageId>> = chunks
        .into_par_iter()
        .flat_map_iter(|range| {
            let mut scores = vec![0f32; n];
            let mut touched = Vec::new();
            range
                .map(|i| score_page(i, &mut scores, &mut touched))
                .collect::<Vec<_>>()
        })
        .collect();
    for (page, rel) in site.pages.iter_mut().zip(results) {
        page.related = rel;
    }
}

impl RelatedConfig {
    fn weight(&self, taxonomy: &str) -> f32 {
        self.taxonomies.get(taxonomy).copied().unwrap_or(1.0)
    }
}
