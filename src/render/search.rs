//! The search index: static JSON files under `search/` that the theme's `search.js` loads
//! piece by piece, so a large site never downloads one big index.
//!
//! - `search/index.json`: the number of documents and of shards, and the filter names;
//! - `search/terms/<n>.json`: the terms whose first two characters hash to shard `n`,
//!   with their postings (document, weight), delta-coded;
//! - `search/docs/<id>.json`: one analysis's title, URL, date, section, tags and text,
//!   fetched only when it is among the results shown (for the excerpt around the match);
//! - `search/filters.json`: the documents of each section and tag, fetched only when the
//!   reader filters.
//!
//! A query needs `index.json`, one shard per word and one small file per result shown.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
// Hashing every word of the site is most of the index's cost; Fx is made for short keys.
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use crate::model::site::{PageId, Site};

/// Terms are grouped into files by a hash of their first two characters, so that all
/// the terms a typed word can match are in one file.
const SHARD_CHARS: usize = 2;
/// About this many documents per shard: the shards' number follows the site's size,
/// not its words, so an edit to a page's text never adds or removes a file.
const DOCS_PER_SHARD: usize = 50;
const MOST_SHARDS: usize = 1024;
/// Longer "words" are identifiers or junk nobody types.
const LONGEST_TERM: usize = 40;
/// Text kept per document for excerpts; past this a result shows the start instead.
const LONGEST_TEXT: usize = 24_000;
/// A word in the title counts as this many in the body; in the description or tags, less.
const TITLE_WEIGHT: u32 = 20;
const TAG_WEIGHT: u32 = 10;
const DESCRIPTION_WEIGHT: u32 = 5;
/// The taxonomy the search box filters by, besides sections.
const TAG_TAXONOMY: &str = "tags";

/// By shard: term → postings (page index, weight), sorted by page.
pub(crate) struct SearchIndex {
    shards: Vec<HashMap<String, Vec<(u32, u8)>>>,
    /// By page: a hash of what its terms come from (see [`source`]).
    sources: Vec<u64>,
}

/// Past this many changed pages, [`SearchIndex::refreshed`] builds the index afresh.
const MOST_REFRESHED: usize = 64;

/// A hash of a page's content path and of everything its terms come from.
fn source(site: &Site, id: PageId) -> u64 {
    use std::hash::{Hash, Hasher};
    let page = site.page(id);
    let mut h = std::hash::DefaultHasher::new();
    (
        &page.file.content_path,
        indexed(site, id),
        &page.title,
        &page.meta.description,
        &page.taxonomies,
        &page.converted.text,
    )
        .hash(&mut h);
    h.finish()
}

fn sources(site: &Site) -> Vec<u64> {
    (0..site.pages.len())
        .into_par_iter()
        .map(|i| source(site, PageId(i)))
        .collect()
}

/// Whether a page is searchable: it renders, and neither it nor its section opts out.
pub(crate) fn indexed(site: &Site, id: PageId) -> bool {
    let page = site.page(id);
    page.has_output()
        && page.meta.in_search_index != Some(false)
        && site.section(page.section).meta.in_search_index != Some(false)
}

/// The lower-cased words of `text` (runs of letters and digits, two to forty long), as
/// the client splits a query. Borrowed when already lower case, as most are: this runs
/// over every word of the site, so ASCII takes a byte-wise path.
pub(crate) fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
    Words { text, at: 0 }
}

struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Words<'a> {
    /// The character at the current position if it is part of a word, with its length
    /// and whether lower-casing may change it.
    fn word_char(&self) -> Option<(bool, usize, bool)> {
        let b = *self.text.as_bytes().get(self.at)?;
        if b.is_ascii() {
            return Some((b.is_ascii_alphanumeric(), 1, b.is_ascii_uppercase()));
        }
        let c = self.text[self.at..].chars().next()?;
        Some((c.is_alphanumeric(), c.len_utf8(), true))
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = Cow<'a, str>;

    fn next(&mut self) -> Option<Cow<'a, str>> {
        loop {
            loop {
                let (in_word, len, _) = self.word_char()?;
                if in_word {
                    break;
                }
                self.at += len;
            }
            let start = self.at;
            let (mut chars, mut mixed) = (0, false);
            while let Some((true, len, upper)) = self.word_char() {
                self.at += len;
                chars += 1;
                mixed |= upper;
            }
            if !(2..=LONGEST_TERM).contains(&chars) {
                continue;
            }
            let word = &self.text[start..self.at];
            return Some(if mixed {
                Cow::Owned(word.to_lowercase())
            } else {
                Cow::Borrowed(word)
            });
        }
    }
}

/// A page's terms with their weights: how often each occurs, words in the title, tags and
/// description counting extra.
fn count_terms(site: &Site, id: PageId) -> HashMap<Cow<'_, str>, u8> {
    let page = site.page(id);
    let mut counts: HashMap<Cow<'_, str>, u32> = HashMap::default();
    let mut add = |text, weight: u32| {
        for w in words(text) {
            *counts.entry(w).or_default() += weight;
        }
    };
    add(&page.converted.text, 1);
    add(&page.title, TITLE_WEIGHT);
    if let Some(d) = &page.meta.description {
        add(d, DESCRIPTION_WEIGHT);
    }
    for terms in page.taxonomies.values() {
        for t in terms {
            add(t, TAG_WEIGHT);
        }
    }
    counts
        .into_iter()
        .map(|(w, n)| (w, n.min(u32::from(u8::MAX)) as u8))
        .collect()
}

/// A page's terms and weights, to compare before and after an edit.
pub(crate) fn doc_terms(site: &Site, id: PageId) -> BTreeMap<String, u8> {
    count_terms(site, id)
        .into_iter()
        .map(|(w, n)| (w.into_owned(), n))
        .collect()
}

/// The shard holding `term`: FNV-1a of its first two characters' UTF-8, as `search.js`
/// computes it for a typed word.
fn shard_of(term: &str, shards: u32) -> u32 {
    let end = term
        .char_indices()
        .nth(SHARD_CHARS)
        .map_or(term.len(), |(i, _)| i);
    let hash = term.as_bytes()[..end].iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    });
    hash % shards
}

/// The output path of a shard.
pub(crate) fn shard_path(shard: u32) -> String {
    format!("search/terms/{shard}.json")
}

pub(crate) fn doc_path(id: PageId) -> String {
    format!("search/docs/{}.json", id.0)
}

pub(crate) const INDEX_PATH: &str = "search/index.json";
pub(crate) const FILTERS_PATH: &str = "search/filters.json";

impl SearchIndex {
    pub(crate) fn build(site: &Site) -> SearchIndex {
        let per_page: Vec<HashMap<Cow<'_, str>, u8>> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| {
                if indexed(site, PageId(i)) {
                    count_terms(site, PageId(i))
                } else {
                    HashMap::default()
                }
            })
            .collect();
        let count = shard_count(site);
        let mut shards: Vec<HashMap<String, Vec<(u32, u8)>>> = vec![HashMap::default(); count as usize];
        for (i, terms) in per_page.into_iter().enumerate() {
            for (term, weight) in terms {
                let shard = &mut shards[shard_of(&term, count) as usize];
                match shard.get_mut(term.as_ref()) {
                    Some(list) => list.push((i as u32, weight)),
                    None => {
                        shard.insert(term.into_owned(), vec![(i as u32, weight)]);
                    }
                }
            }
        }
        SearchIndex {
            shards,
            sources: sources(site),
        }
    }

    /// The index of `site` made from this one, an index of an earlier version of it:
    /// only the pages whose terms can have changed are indexed again (all of them when
    /// the shards' number changed or many pages did).
    pub(crate) fn refreshed(mut self, site: &Site) -> SearchIndex {
        let fresh = sources(site);
        if fresh.len() != self.sources.len() || shard_count(site) != self.shards() {
            return SearchIndex::build(site);
        }
        let changed: Vec<u32> = (0..fresh.len())
            .filter(|i| fresh[*i] != self.sources[*i])
            .map(|i| i as u32)
            .collect();
        if changed.len() > MOST_REFRESHED {
            return SearchIndex::build(site);
        }
        for shard in &mut self.shards {
            shard.retain(|_, list| {
                list.retain(|(doc, _)| changed.binary_search(doc).is_err());
                !list.is_empty()
            });
        }
        let count = self.shards();
        for doc in changed {
            let id = PageId(doc as usize);
            if !indexed(site, id) {
                continue;
            }
            for (term, weight) in count_terms(site, id) {
                let list = self.shards[shard_of(&term, count) as usize]
                    .entry(term.into_owned())
                    .or_default();
                let at = list.partition_point(|(d, _)| *d < doc);
                list.insert(at, (doc, weight));
            }
        }
        self.sources = fresh;
        self
    }

    /// The number of shards; every one is written, empty or not.
    pub(crate) fn shards(&self) -> u32 {
        self.shards.len() as u32
    }

    /// Replaces one page's terms (`old` → its current ones) and returns the shards whose
    /// content changed.
    pub(crate) fn update(&mut self, site: &Site, id: PageId, old: &BTreeMap<String, u8>) -> BTreeSet<u32> {
        let new = if indexed(site, id) {
            doc_terms(site, id)
        } else {
            BTreeMap::new()
        };
        let doc = id.0 as u32;
        let count = self.shards();
        let mut changed = BTreeSet::new();
        for (term, weight) in old {
            if new.get(term) == Some(weight) {
                continue;
            }
            let n = shard_of(term, count);
            changed.insert(n);
            let shard = &mut self.shards[n as usize];
            if let Some(list) = shard.get_mut(term) {
                list.retain(|(d, _)| *d != doc);
                if list.is_empty() {
                    shard.remove(term);
                }
            }
        }
        for (term, weight) in &new {
            if old.get(term) == Some(weight) {
                continue;
            }
            let n = shard_of(term, count);
            changed.insert(n);
            let list = self.shards[n as usize].entry(term.clone()).or_default();
            let at = list.partition_point(|(d, _)| *d < doc);
            list.insert(at, (doc, *weight));
        }
        self.sources[id.0] = source(site, id);
        changed
    }

    /// `search/terms/<n>.json`: `{"term": [doc, weight, doc - previous doc, weight, …]}`.
    pub(crate) fn shard_json(&self, n: u32) -> Vec<u8> {
        let mut shard: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for (term, list) in &self.shards[n as usize] {
            let mut flat = Vec::with_capacity(list.len() * 2);
            let mut previous = 0;
            for (doc, weight) in list {
                flat.push(doc - previous);
                flat.push(u32::from(*weight));
                previous = *doc;
            }
            shard.insert(term, flat);
        }
        serde_json::to_vec(&shard).unwrap_or_default()
    }
}

/// How many shards the index has: about one per `DOCS_PER_SHARD` searchable pages.
pub(crate) fn shard_count(site: &Site) -> u32 {
    let docs = (0..site.pages.len())
        .filter(|i| indexed(site, PageId(*i)))
        .count();
    docs.div_ceil(DOCS_PER_SHARD).clamp(1, MOST_SHARDS) as u32
}

impl SearchIndex {
    /// `search/index.json`: what the client needs before its first query.
    pub(crate) fn index_json(site: &Site) -> Vec<u8> {
        let filters = Filters::of(site);
        let index = serde_json::json!({
            "version": 1,
            "docs": (0..site.pages.len()).filter(|i| indexed(site, PageId(*i))).count(),
            "shards": shard_count(site),
            "sections": filters.sections.iter().map(|(title, _)| title).collect::<Vec<_>>(),
            "tags": {
                "name": filters.tag_name,
                "terms": filters.tags.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            },
        });
        serde_json::to_vec(&index).unwrap_or_default()
    }
}

/// The documents of each section and tag, in the order `index.json` names them.
struct Filters<'a> {
    sections: Vec<(&'a str, Vec<u32>)>,
    tag_name: Option<&'a str>,
    tags: Vec<(&'a str, Vec<u32>)>,
}

impl<'a> Filters<'a> {
    fn of(site: &'a Site) -> Filters<'a> {
        let docs_of = |pages: &[PageId]| {
            let mut ids: Vec<u32> = pages
                .iter()
                .filter(|p| indexed(site, **p))
                .map(|p| p.0 as u32)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let mut sections: Vec<(&str, Vec<u32>)> = site
            .sections
            .iter()
            .filter(|s| !s.is_root() && s.has_output())
            .map(|s| (s.title(), docs_of(&s.pages)))
            .filter(|(title, ids)| !title.is_empty() && !ids.is_empty())
            .collect();
        sections.sort_by(|a, b| a.0.cmp(b.0));
        let taxonomy = site
            .taxonomies
            .iter()
            .find(|t| t.config.name == TAG_TAXONOMY)
            .or(site.taxonomies.first());
        let tags = taxonomy
            .map(|t| {
                t.terms
                    .iter()
                    .map(|term| (term.name.as_str(), docs_of(&term.pages)))
                    .filter(|(_, ids)| !ids.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Filters {
            sections,
            tag_name: taxonomy.map(|t| t.config.name.as_str()),
            tags,
        }
    }
}

/// Delta-coded, as the postings are.
fn deltas(ids: &[u32]) -> Vec<u32> {
    let mut previous = 0;
    ids.iter()
        .map(|id| {
            let d = id - previous;
            previous = *id;
            d
        })
        .collect()
}

/// `search/filters.json`: `{"sections": [[doc deltas…], …], "tags": [[…], …]}`.
pub(crate) fn filters_json(site: &Site) -> Vec<u8> {
    let filters = Filters::of(site);
    let lists = |l: &[(&str, Vec<u32>)]| l.iter().map(|(_, ids)| deltas(ids)).collect::<Vec<_>>();
    serde_json::to_vec(&serde_json::json!({
        "sections": lists(&filters.sections),
        "tags": lists(&filters.tags),
    }))
    .unwrap_or_default()
}

#[derive(Serialize, Hash)]
pub(crate) struct Doc<'a> {
    /// Title, URL path, date (ISO), section title, tags, text.
    t: &'a str,
    u: &'a str,
    d: Option<String>,
    s: &'a str,
    g: Vec<&'a str>,
    x: &'a str,
}

/// `search/docs/<id>.json`: what a result shows.
pub(crate) fn doc_json(site: &Site, id: PageId) -> Vec<u8> {
    serde_json::to_vec(&doc(site, id)).unwrap_or_default()
}

/// What `search/docs/<id>.json` holds (hashed by `serve` to tell whether it changed).
pub(crate) fn doc(site: &Site, id: PageId) -> Doc<'_> {
    let page = site.page(id);
    let text = &page.converted.text;
    let end = if text.len() <= LONGEST_TEXT {
        text.len()
    } else {
        (0..=LONGEST_TEXT)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0)
    };
    let tags = site
        .taxonomies
        .iter()
        .find(|t| t.config.name == TAG_TAXONOMY)
        .or(site.taxonomies.first())
        .and_then(|t| page.taxonomies.get(&t.config.name))
        .map(|terms| terms.iter().map(String::as_str).collect())
        .unwrap_or_default();
    Doc {
        t: &page.title,
        u: &page.path,
        d: page.date.as_ref().map(|d| d.date.to_string()),
        s: site.section(page.section).title(),
        g: tags,
        x: &text[..end],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_case_alphanumeric_runs_of_two_or_more() {
        let w: Vec<String> = words("North Korea's troops, in Kursk (2024) — a “first”; Ünïcode x")
            .map(Cow::into_owned)
            .collect();
        assert_eq!(
            w,
            [
                "north",
                "korea",
                "troops",
                "in",
                "kursk",
                "2024",
                "first",
                "ünïcode"
            ]
        );
    }

    #[test]
    fn a_shard_holds_every_term_with_the_same_first_two_characters() {
        // FNV-1a of "tr" (0x74 0x72), as search.js computes it.
        assert_eq!(shard_of("tr", u32::MAX), 0x4745_5003);
        for n in [1, 7, 200] {
            assert_eq!(shard_of("troops", n), shard_of("tr", n));
            assert_eq!(shard_of("ünïcode", n), shard_of("ün", n));
            assert!(shard_of("kursk", n) < n);
        }
    }

    #[test]
    fn deltas_code_ascending_ids() {
        assert_eq!(deltas(&[3, 4, 10]), [3, 1, 6]);
    }
}
