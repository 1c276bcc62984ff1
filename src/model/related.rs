//! Related analyses: for each page, the pages that share the most (and the rarest)
//! taxonomy terms with it, or that link to or from it.
//!
//! A shared term scores its taxonomy's weight times `ln(1 + N / df)`, where `df` is the
//! number of pages carrying the term, so a term on every page counts little and a rare
//! one a lot. Two pages linked (either way, however many links) add the link weight. Ties
//! go to the newer page, then the content path.
//!
//! Scoring every page that shares a term costs the sum of its terms' `df`, which grows
//! with the site: over all pages, quadratic. So a page visits at most [`BUDGET`] postings,
//! rarest terms first (they score highest); once the budget is spent, its remaining
//! (common) terms add their weight only to the candidates already found, and the term
//! that crossed the budget adds the pages nearest in date as candidates. Every
//! candidate's score is exact; what a large site can miss is a page that shares none of
//! the rare terms and was written at another time.
//! When a page's terms hold no more than the budget, the result is exact, which is every
//! page of a site of a few thousand.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::RelatedConfig;
use crate::model::site::{Item, PageId, Site};

/// Postings one page's scoring visits in full. Small enough that a 100,000-page site
/// scores in about the time per page a 10,000-page one does.
const BUDGET: usize = 2048;

pub(crate) fn related(site: &mut Site) {
    let found = find(site);
    set(site, found);
}

/// Every page's related pages, by page number (`None` when the site scores none), for
/// [`set`]: found from a shared site, so the build can do other work beside it.
pub(crate) fn find(site: &Site) -> Option<Vec<Vec<PageId>>> {
    let scorer = Scorer::new(site)?;
    let all: Vec<PageId> = (0..site.pages.len()).map(PageId).collect();
    Some(scorer.score_all(&all, &linked_pages(site)))
}

/// Sets every page's related pages to what [`find`] found.
pub(crate) fn set(site: &mut Site, found: Option<Vec<Vec<PageId>>>) {
    for (page, rel) in site.pages.iter_mut().zip(found.into_iter().flatten()) {
        page.related = rel;
    }
}

/// Every page's related pages, by page number, with the key of what scoring read to find
/// them (see [`find_reusing`]): what the build cache keeps (`cache::related`).
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Scored {
    key: u64,
    lists: Vec<Vec<u32>>,
}

impl Scored {
    /// Whether these lists are for a site of `pages` pages whose key is `key`. Kept data
    /// is checked before it is used: a list naming a page the site does not have, or the
    /// page itself, is not one scoring made.
    fn fits(&self, key: u64, pages: usize) -> bool {
        self.key == key
            && self.lists.len() == pages
            && self
                .lists
                .iter()
                .enumerate()
                .all(|(i, list)| list.iter().all(|&p| (p as usize) < pages && p as usize != i))
    }
}

/// Finds every page's related pages as [`find`] does, but takes `earlier`'s lists when
/// scoring would read exactly what it read for them: the same terms on the same pages,
/// the same dates, links, languages and settings, so the same lists. Returns them as
/// kept for the next build (which [`set_scored`] sets), and whether `earlier`'s lists
/// were taken.
pub(crate) fn find_reusing(site: &Site, earlier: Option<&Scored>) -> (Scored, bool) {
    let Some(scorer) = Scorer::new(site) else {
        return (Scored::default(), false);
    };
    let linked = linked_pages(site);
    let key = scorer.key(&linked);
    let n = site.pages.len();
    if let Some(earlier) = earlier.filter(|e| e.fits(key, n)) {
        let kept = Scored {
            key,
            lists: earlier.lists.clone(),
        };
        return (kept, true);
    }
    let all: Vec<PageId> = (0..n).map(PageId).collect();
    let lists = scorer
        .score_all(&all, &linked)
        .iter()
        .map(|list| list.iter().map(|p| p.0 as u32).collect())
        .collect();
    (Scored { key, lists }, false)
}

/// Sets every page's related pages to the lists `scored` holds (none for a site that
/// scores none).
pub(crate) fn set_scored(site: &mut Site, scored: &Scored) {
    for (page, list) in site.pages.iter_mut().zip(&scored.lists) {
        page.related = list.iter().map(|&p| PageId(p as usize)).collect();
    }
}

/// The related pages of page `id` alone, as [`related`] finds them for every page: for
/// `serve` to show a page whose terms or date changed before the other pages' lists are
/// made again.
pub(crate) fn related_of(site: &Site, id: PageId) -> Vec<PageId> {
    match Scorer::new(site) {
        Some(scorer) => scorer.score(id.0, &linked_with(site, id), &mut Scratch::new(site.pages.len())),
        None => Vec::new(),
    }
}

/// Finds the related pages of `pages` again, as [`related`] finds them, and returns those
/// whose list changed: for `serve`, after one page's terms changed, the pages sharing a
/// term with it (no other page's scores can change; see `model::placing::settle`).
pub(crate) fn rescore(site: &mut Site, pages: &[PageId]) -> Vec<PageId> {
    let fresh: Vec<Vec<PageId>> = match Scorer::new(site) {
        Some(scorer) => scorer.score_all(pages, &linked_pages(site)),
        None => vec![Vec::new(); pages.len()],
    };
    let mut changed = Vec::new();
    for (p, list) in pages.iter().zip(fresh) {
        if site.pages[p.0].related != list {
            site.pages[p.0].related = list;
            changed.push(*p);
        }
    }
    changed
}

/// What scoring a page reads of the site. Scoring numbers the pages newest first (then
/// by page number) and keeps what it reads of them in that order: a page's candidates
/// are mostly the pages nearest it in date (see [`BUDGET`]), so their scores and terms
/// lie near each other in memory, where the pages' own order scattered them over arrays
/// that outgrow the processor's caches on a large site.
struct Scorer<'a> {
    terms: Terms<'a>,
    /// Page number by place in scoring's order.
    order: Vec<usize>,
    /// Place in scoring's order by page number.
    place: Vec<usize>,
    /// By place, as the rest.
    dates: Vec<i64>,
    /// The page's language, by its number in the site's list.
    lang: Vec<u32>,
    /// The page's language where the page is listed, [`UNLISTED`] where it is not: what
    /// a candidate must match, in one lookup.
    group: Vec<u32>,
    link_weight: f32,
    limit: usize,
}

impl<'a> Scorer<'a> {
    /// `None` when no page can have a related page.
    fn new(site: &'a Site) -> Option<Self> {
        let config = &site.config.related;
        // Rarity is measured among the pages that are listed anywhere.
        let listed_count = site.pages.iter().filter(|p| p.has_output()).count();
        if site.pages.len() < 2 || config.limit == 0 {
            return None;
        }
        let dates: Vec<i64> = site
            .pages
            .iter()
            .map(|p| p.date.map_or(i64::MIN, |d| d.sort_key()))
            .collect();
        // Newest first, undated last; pages of one date by page number, so that places
        // compare as page numbers do where dates tie (see `rank`).
        let mut order: Vec<usize> = (0..site.pages.len()).collect();
        order.sort_by_key(|&p| (std::cmp::Reverse(dates[p]), p));
        let mut place = vec![0; order.len()];
        for (at, &p) in order.iter().enumerate() {
            place[p] = at;
        }
        // A page's related pages are in its language: a translation, or an analysis in
        // another language that links to it, is not one (terms are per language
        // already).
        let lang: Vec<u32> = order
            .iter()
            .map(|&p| {
                let code = &site.pages[p].lang;
                let at = site.config.languages.iter().position(|l| &l.code == code);
                at.map_or(0, |at| at as u32)
            })
            .collect();
        let group = order
            .iter()
            .zip(&lang)
            .map(|(&p, &lang)| {
                if site.pages[p].has_output() {
                    lang
                } else {
                    UNLISTED
                }
            })
            .collect();
        Some(Scorer {
            terms: Terms::new(site, listed_count, &place),
            dates: order.iter().map(|&p| dates[p]).collect(),
            lang,
            group,
            order,
            place,
            link_weight: config.links,
            limit: config.limit,
        })
    }

    /// A hash of everything [`Scorer::score`] reads, `linked` ([`linked_pages`]) included:
    /// equal keys, equal lists. Made with the standard library's hasher, whose algorithm
    /// may change between Rust releases, so a known text's hash goes in first.
    fn key(&self, linked: &[Vec<PageId>]) -> u64 {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        let mut probe = DefaultHasher::new();
        "dossier related".hash(&mut probe);
        h.write_u64(probe.finish());
        let terms = &self.terms;
        for (weight, pages) in terms.weight.iter().zip(&terms.pages) {
            weight.to_bits().hash(&mut h);
            pages.hash(&mut h);
        }
        // In the pages' own order, as before scoring had one of its own: the same site,
        // the same key.
        let dates: Vec<i64> = self.place.iter().map(|&at| self.dates[at]).collect();
        let listed: Vec<bool> = self.place.iter().map(|&at| self.group[at] != UNLISTED).collect();
        let lang: Vec<usize> = self.place.iter().map(|&at| self.lang[at] as usize).collect();
        (&dates, &listed, &lang, linked).hash(&mut h);
        (self.link_weight.to_bits(), self.limit).hash(&mut h);
        h.finish()
    }

    /// The related pages of each of `pages`, in order; `linked`: [`linked_pages`].
    fn score_all(&self, pages: &[PageId], linked: &[Vec<PageId>]) -> Vec<Vec<PageId>> {
        // Pages in chunks, each with one dense score array (allocating one per page, or per
        // rayon split, costs more in zeroed memory than the scoring itself).
        pages
            .par_chunks(512)
            .flat_map_iter(|chunk| {
                let mut scratch = Scratch::new(self.dates.len());
                chunk
                    .iter()
                    .map(|p| self.score(p.0, &linked[p.0], &mut scratch))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Page `page`'s related pages, best first; `linked` are the pages linked with it.
    /// Everything else here is by place in scoring's order.
    fn score(&self, page: usize, linked: &[PageId], s: &mut Scratch) -> Vec<PageId> {
        let i = self.place[page];
        let terms = &self.terms;
        let own = terms.of(i);
        // The rarest terms whose postings fit the budget are visited in full.
        let mut visited = 0;
        let full = own
            .iter()
            .take_while(|&&t| {
                visited += terms.pages[t as usize].len();
                visited <= BUDGET
            })
            .count();
        for &t in &own[..full] {
            let w = terms.weight[t as usize];
            for &p in &terms.places[t as usize] {
                s.add(p, w);
            }
        }
        if self.link_weight > 0.0 {
            for p in linked {
                s.add(self.place[p.0] as u32, self.link_weight);
            }
        }
        // Candidates of this page's language, other than itself, offered to the best.
        let lang = self.lang[i];
        let mut best = Best::new(self.limit);
        let mut offer = |p: u32, score: f32| {
            if self.group[p as usize] == lang && p as usize != i {
                best.offer(rank(score, p));
            }
        };
        if let Some((&crossing, rest)) = own[full..].split_first() {
            // The candidates found so far gain the common terms they carry.
            terms.shared_weights(&own[full..], &s.touched[..s.count], &mut s.sums);
            for (&p, sum) in s.touched[..s.count].iter().zip(&s.sums) {
                s.scores[p as usize] += sum;
            }
            // The term that crossed the budget brings the pages nearest this one's date
            // not found yet, with the weight they share. Their scores are final here, so
            // they are offered at once rather than kept: on a large site, where no term
            // fits the budget, they are every candidate.
            let spent: usize = own[..full].iter().map(|&t| terms.pages[t as usize].len()).sum();
            let w = terms.weight[crossing as usize];
            let around = terms.around(crossing, self.dates[i], BUDGET - spent, &self.dates);
            terms.shared_weights(rest, around, &mut s.sums);
            let found_before = s.count > 0;
            for (&p, sum) in around.iter().zip(&s.sums) {
                if !(found_before && s.scores[p as usize] != 0.0) {
                    offer(p, w + sum);
                }
            }
        }
        for &p in &s.touched[..s.count] {
            offer(p, s.scores[p as usize]);
        }
        s.clear();
        best.ranks
            .into_iter()
            .map(|key| PageId(self.order[place_of(key) as usize]))
            .collect()
    }
}

/// The best [`rank`]s offered, at most `limit`, best first.
struct Best {
    ranks: Vec<u64>,
    limit: usize,
}

impl Best {
    fn new(limit: usize) -> Self {
        Best {
            ranks: Vec::with_capacity(limit + 1),
            limit,
        }
    }

    /// Most offers fail one comparison, with the worst kept so far.
    fn offer(&mut self, rank: u64) {
        if self.ranks.len() == self.limit && self.ranks.last().is_some_and(|&worst| rank <= worst) {
            return;
        }
        let at = self.ranks.partition_point(|&kept| kept > rank);
        self.ranks.insert(at, rank);
        self.ranks.truncate(self.limit);
    }
}

/// The terms that count, numbered rarest first, and each page's terms in that order, so
/// a page's list is both rarest-first and sorted (for [`Terms::shared_weights`]). Pages
/// are by place in scoring's order (see [`Scorer`]) but in `pages`.
struct Terms<'a> {
    weight: Vec<f32>,
    /// Each term's pages, as the site lists them (newest first), for [`Scorer::key`].
    pages: Vec<&'a [PageId]>,
    /// The same pages' places, in the same order.
    places: Vec<Vec<u32>>,
    /// Page `p`'s terms are `by_page[starts[p]..starts[p + 1]]`: one allocation for all.
    starts: Vec<usize>,
    by_page: Vec<u32>,
    /// For the terms below `common` on at least one page in [`BITSET_SHARE`], a bit per
    /// page: whether the page carries the term, in one lookup where the candidates are
    /// many.
    carried: Vec<Option<Vec<u64>>>,
    /// The most common terms, at most [`COMMON`], are those numbered from `common` on.
    common: u32,
    /// By place, a bit for each common term the page carries (bit `k` for term
    /// `common + k`): a candidate's shared common terms are one word's bits, read where
    /// the candidate's other marks are, instead of a lookup per term.
    marks: Vec<u64>,
}

/// At most this many of the most common terms are [`Terms::marks`]: a word's bits.
const COMMON: usize = 64;

/// The [`Scorer::group`] of a page that is not listed: no language's number.
const UNLISTED: u32 = u32::MAX;

/// A candidate's rank, higher first: its score, then its place in scoring's order, lower
/// first, which is newer first and then lower page number first (see [`Scorer`]). The
/// score's bits order as its value does because every weight is a number of 0 or more
/// (`config::check_related`) and every score a sum of those above 0. One comparison
/// ranks two candidates, and no date is read to break a tie.
fn rank(score: f32, place: u32) -> u64 {
    (u64::from(score.to_bits()) << 32) | u64::from(u32::MAX - place)
}

/// The place a [`rank`] was made from.
fn place_of(rank: u64) -> u32 {
    u32::MAX - rank as u32
}

/// Terms on at least one page in this many have a bitset: at most this many times a
/// page's average number of terms, so the bitsets take at most 4 bytes per posting.
const BITSET_SHARE: usize = 32;

impl<'a> Terms<'a> {
    /// `place`: each page's place in scoring's order.
    fn new(site: &'a Site, listed_count: usize, place: &[usize]) -> Self {
        let config = &site.config.related;
        let mut counted: Vec<(f32, &[PageId])> = Vec::new();
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
                let weighed = weight * (1.0 + listed_count as f32 / df as f32).ln();
                // Above 0 unless a tiny weight rounds to 0: such a term adds nothing, and
                // a score of 0 would not count as touched (see `Scratch`).
                if weighed > 0.0 {
                    counted.push((weighed, &term.pages));
                }
            }
        }
        // Stable: terms as rare as each other keep the taxonomies' order.
        counted.sort_by_key(|(_, pages)| pages.len());
        let n = site.pages.len();
        let places: Vec<Vec<u32>> = counted
            .iter()
            .map(|(_, pages)| pages.iter().map(|p| place[p.0] as u32).collect())
            .collect();
        let mut counts = vec![0usize; n + 1];
        for places in &places {
            for &p in places {
                counts[p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let starts = counts;
        let mut next = starts.clone();
        let mut by_page = vec![0u32; starts[n]];
        for (t, places) in places.iter().enumerate() {
            for &p in places {
                by_page[next[p as usize]] = t as u32;
                next[p as usize] += 1;
            }
        }
        let common = places.len().saturating_sub(COMMON);
        let mut marks = vec![0u64; n];
        for (k, places) in places[common..].iter().enumerate() {
            for &p in places {
                marks[p as usize] |= 1 << k;
            }
        }
        let carried = places
            .iter()
            .enumerate()
            .map(|(t, places)| {
                (t < common && places.len() * BITSET_SHARE >= n).then(|| {
                    let mut bits = vec![0u64; n.div_ceil(64)];
                    for &p in places {
                        bits[p as usize / 64] |= 1 << (p % 64);
                    }
                    bits
                })
            })
            .collect();
        let (weight, pages) = counted.into_iter().unzip();
        Terms {
            weight,
            pages,
            places,
            starts,
            by_page,
            carried,
            common: common as u32,
            marks,
        }
    }

    /// Page `p`'s terms, rarest first.
    fn of(&self, p: usize) -> &[u32] {
        &self.by_page[self.starts[p]..self.starts[p + 1]]
    }

    /// At most `count` of term `t`'s pages (their places), those nearest in date to
    /// `date`: its pages are listed newest first (undated last), as `dates` orders them.
    fn around(&self, t: u32, date: i64, count: usize, dates: &[i64]) -> &[u32] {
        let pages = &self.places[t as usize];
        let at = pages.partition_point(|&p| dates[p as usize] > date);
        let start = at
            .saturating_sub(count / 2)
            .min(pages.len().saturating_sub(count));
        &pages[start..(start + count).min(pages.len())]
    }

    /// Sets `sums[k]` to the summed weight of the terms in `among` that page
    /// `candidates[k]` carries. The rarer terms go term by term over the candidates, so
    /// that one term's bitset is read through while it is in the processor's cache; the
    /// most common ones ([`COMMON`]) candidate by candidate, from its marks. Each sum
    /// adds its weights in `among`'s order, as summing per candidate did, so the scores
    /// are the same to the bit.
    fn shared_weights(&self, among: &[u32], candidates: &[u32], sums: &mut Vec<f32>) {
        sums.clear();
        sums.resize(candidates.len(), 0.0);
        // `among` is in term order, rarest first, so its common terms come last, and each
        // candidate's marks add them in the same order.
        let (rare, common) = among.split_at(among.partition_point(|&t| t < self.common));
        for &t in rare {
            let w = self.weight[t as usize];
            let pairs = sums.iter_mut().zip(candidates);
            match &self.carried[t as usize] {
                Some(bits) => {
                    for (sum, &p) in pairs {
                        if bits[p as usize / 64] & (1 << (p % 64)) != 0 {
                            *sum += w;
                        }
                    }
                }
                None => {
                    for (sum, &p) in pairs {
                        if self.of(p as usize).binary_search(&t).is_ok() {
                            *sum += w;
                        }
                    }
                }
            }
        }
        if common.is_empty() {
            return;
        }
        let wanted = common.iter().fold(0u64, |m, &t| m | 1 << (t - self.common));
        let weights = &self.weight[self.common as usize..];
        for (sum, &p) in sums.iter_mut().zip(candidates) {
            let mut shared = self.marks[p as usize] & wanted;
            while shared != 0 {
                *sum += weights[shared.trailing_zeros() as usize];
                shared &= shared - 1;
            }
        }
    }
}

/// Pages linked either way, each pair counted once however many links join them.
fn linked_pages(site: &Site) -> Vec<Vec<PageId>> {
    let mut linked: Vec<Vec<PageId>> = vec![Vec::new(); site.pages.len()];
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
    linked
}

/// The pages linked with page `id` either way: [`linked_pages`] for one page.
fn linked_with(site: &Site, id: PageId) -> Vec<PageId> {
    let target = |link: &crate::parse::markdown::OutLink| match site.by_content_path.get(&link.target) {
        Some(Item::Page(p)) => Some(*p),
        _ => None,
    };
    let mut linked: Vec<PageId> = site
        .page(id)
        .converted
        .links
        .iter()
        .filter_map(target)
        .filter(|p| *p != id)
        .collect();
    for (i, p) in site.pages.iter().enumerate() {
        if i != id.0 && p.converted.links.iter().any(|l| target(l) == Some(id)) {
            linked.push(PageId(i));
        }
    }
    linked.sort();
    linked.dedup();
    linked
}

/// One worker's dense scores, with the places it has touched so far: those scoring above
/// zero, as every term and link weighs more than nothing.
struct Scratch {
    scores: Vec<f32>,
    /// The places touched are `touched[..count]`. The vector has room for every place
    /// and one more, so that [`Scratch::add`] writes a place before it knows whether it
    /// is new, and counts it only if it is: no branch on whether it is new, which is as
    /// hard to predict as the site's terms.
    touched: Vec<u32>,
    count: usize,
    /// What [`Terms::shared_weights`] sums for a list of candidates: kept from page to
    /// page, as the scores are.
    sums: Vec<f32>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Scratch {
            scores: vec![0.0; n],
            touched: vec![0; n + 1],
            count: 0,
            sums: Vec::new(),
        }
    }

    fn add(&mut self, p: u32, w: f32) {
        let score = &mut self.scores[p as usize];
        self.touched[self.count] = p;
        self.count += usize::from(*score == 0.0);
        *score += w;
    }

    fn clear(&mut self) {
        for &p in &self.touched[..self.count] {
            self.scores[p as usize] = 0.0;
        }
        self.count = 0;
    }
}

impl RelatedConfig {
    fn weight(&self, taxonomy: &str) -> f32 {
        self.taxonomies.get(taxonomy).copied().unwrap_or(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_higher_score_ranks_first_and_of_equal_scores_the_earlier_place() {
        assert!(rank(2.0, 9) > rank(1.5, 0));
        assert!(rank(1.5, 3) > rank(1.5, 4));
        assert!(
            rank(f32::INFINITY, 7) > rank(f32::MAX, 0),
            "a sum past f32's range"
        );
        assert!(
            rank(f32::MIN_POSITIVE / 2.0, 0) > rank(0.0, 0),
            "a subnormal score"
        );
        assert_eq!(place_of(rank(0.25, 12345)), 12345);
    }

    #[test]
    fn the_best_are_the_highest_ranks_offered_in_any_order() {
        let offered: Vec<u64> = (0..40u32).map(|p| rank(((p * 7) % 11) as f32 + 1.0, p)).collect();
        let mut expected = offered.clone();
        expected.sort_unstable_by(|a, b| b.cmp(a));
        expected.truncate(5);
        for order in [offered.clone(), offered.iter().rev().copied().collect()] {
            let mut best = Best::new(5);
            for r in order {
                best.offer(r);
            }
            assert_eq!(best.ranks, expected);
        }
        let mut few = Best::new(5);
        few.offer(rank(1.0, 1));
        few.offer(rank(3.0, 2));
        assert_eq!(few.ranks, [rank(3.0, 2), rank(1.0, 1)]);
    }

    #[test]
    fn kept_lists_are_used_only_for_the_same_key_and_pages() {
        let scored = Scored {
            key: 7,
            lists: vec![vec![1, 2], vec![0], vec![]],
        };
        assert!(scored.fits(7, 3));
        assert!(!scored.fits(8, 3), "another key");
        assert!(!scored.fits(7, 4), "another number of pages");
        let beyond = Scored {
            key: 7,
            lists: vec![vec![1, 3], vec![0], vec![]],
        };
        assert!(!beyond.fits(7, 3), "a page the site does not have");
        let itself = Scored {
            key: 7,
            lists: vec![vec![1], vec![1], vec![]],
        };
        assert!(!itself.fits(7, 3), "a page related to itself");
    }
}
