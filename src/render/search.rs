//! The search index: static files under `search/` that the theme's `search.js` loads
//! piece by piece, so a large site never downloads one big index.
//!
//! - `search/index.json`: the number of documents, of shards and of ids, how many ids a
//!   bundle holds, and the filter names;
//! - `search/terms/<n>.json`: the terms whose first two characters hash to shard `n`,
//!   with their postings (document, weight), delta-coded;
//! - `search/docs/<k>.bin`: the result records of [`DOCS_PER_BUNDLE`] consecutive ids
//!   (page indexes): a header of little-endian u32 byte offsets, one per id and one for
//!   the end, then each searchable page's title, URL, date, section, tags and text as
//!   JSON compressed with raw DEFLATE (a page left out of the index has an empty record);
//! - `search/filters.json`: the documents of each section and tag, fetched only when the
//!   reader filters.
//!
//! A query needs `index.json`, one shard per word, and for each result shown its
//! bundle's header (once per bundle) and its record, both fetched with HTTP `Range`
//! requests, which GitHub Pages and `dossier serve` answer. A server that ignores `Range`
//! sends whole bundles, which the client keeps and slices; a record is asked for with
//! `If-Range` (the bundle's ETag), so a bundle rewritten since its header was read comes
//! whole too. The browser inflates a record with `DecompressionStream("deflate-raw")`.
//!
//! Bundles, not a file per page: a file per page made 10,000 of the 10,000-page
//! benchmark's 21,000 output files, each created on a cold build and compared on the
//! next, and 52 MB of JSON, the largest part of the output. A bundle
//! of 128 ids has a 516-byte header, so the ten results of a page of results cost at
//! most about 5 KB of headers beside their records (about 2 KB each), and a server
//! without ranges sends at most ten bundles of about 260 KB; the 10,000-page site has
//! 79 bundle files. Each record is compressed on its own, so its bytes can be fetched
//! and inflated alone, at a fixed level, so the same site gives the same bytes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
// Hashing every word of the site is most of the index's cost; Fx is made for short keys.
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::job::{Job, Lang, ahead_path};
use super::profile::Profile;
use crate::diagnostic::Diagnostic;
use crate::model::site::{PageId, Site};
use crate::output_path::OutputPath;
use crate::write::Sink;

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

/// By language (see [`Lang`]), by shard: term → postings (page index, weight), sorted
/// by page. Each language has an index of its own (`search/`, `uk/search/`), holding its
/// analyses only; ids are page indexes in every one, so a page keeps its id.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct SearchIndex {
    langs: Vec<Vec<Shard>>,
    /// By page: a hash of what its terms come from (see [`source`]).
    sources: Vec<u64>,
}

/// One shard's terms and their postings (page index, weight), sorted by page.
type Shard = HashMap<String, Vec<(u32, u8)>>;

/// How many pages' terms [`SearchIndex::build`] counts before adding them to the index.
const COUNTED_AT_ONCE: usize = 512;

/// Past this many changed pages, [`SearchIndex::refreshed`] builds the index afresh.
const MOST_REFRESHED: usize = 64;

/// A hash of a page's content path and of everything its terms come from.
fn source(site: &Site, id: PageId) -> u64 {
    let page = site.page(id);
    let mut h = crate::digest::fingerprinter();
    (
        &page.file.content_path,
        indexed(site, id),
        &page.title,
        &page.meta.description,
        &page.taxonomies,
    )
        .hash(&mut h);
    crate::digest::feed_long(&mut h, &page.converted.text);
    h.finish()
}

fn sources(site: &Site) -> Vec<u64> {
    (0..site.pages.len())
        .into_par_iter()
        .map(|i| source(site, PageId(i)))
        .collect()
}

/// Whether a language has a search index (`build_search_index`, its own or the site's).
pub(crate) fn enabled(site: &Site, lang: Lang) -> bool {
    if lang == Lang::DEFAULT {
        site.config.build_search_index
    } else {
        site.config
            .languages
            .get(lang.0)
            .is_some_and(|l| l.build_search_index)
    }
}

/// Whether any language has a search index.
pub(crate) fn any_enabled(site: &Site) -> bool {
    Lang::all(site).any(|lang| enabled(site, lang))
}

/// Whether a page is searchable: it renders, neither it nor its section opts out, and
/// its language has an index.
pub(crate) fn indexed(site: &Site, id: PageId) -> bool {
    let page = site.page(id);
    page.has_output()
        && page.meta.in_search_index != Some(false)
        && site.section(page.section).meta.in_search_index != Some(false)
        && enabled(site, lang_of(site, id))
}

/// The language of a page, whose index holds it.
fn lang_of(site: &Site, id: PageId) -> Lang {
    Lang::of(site, &site.page(id).lang)
}

/// Whether a page is in `lang`'s index.
fn indexed_in(site: &Site, id: PageId, lang: Lang) -> bool {
    site.page(id).lang == lang.code(site) && indexed(site, id)
}

/// Hangul syllables (가 to 힣).
fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// A word's terms: the word, and for each run of three or more Hangul syllables in it,
/// every two adjacent syllables. Korean writes spaces between words, but particles and
/// endings attach to them (북한군이, 북한군은, 북한군의 are one noun): indexed whole, a
/// search for the noun finds them only as a prefix, and never a noun inside a compound
/// (대북제재). Bigrams, as Lucene's CJK analyser makes them, find both; `search.js` splits
/// a query's Hangul words the same way and asks for all their bigrams. Cyrillic and other
/// scripts with spaces need nothing beyond [`words`]' Unicode lower-casing.
fn terms_of(word: Cow<'_, str>) -> impl Iterator<Item = Cow<'_, str>> {
    // Most words are ASCII, which a whole-word check settles faster than decoding it.
    let bigrams: Vec<Cow<'_, str>> = if !word.is_ascii() && word.chars().any(is_hangul) {
        let chars: Vec<char> = word.chars().collect();
        let mut out = Vec::new();
        for run in chars.chunk_by(|a, b| is_hangul(*a) == is_hangul(*b)) {
            if run.len() >= 3 && is_hangul(run[0]) {
                out.extend(run.windows(2).map(|w| Cow::Owned(w.iter().collect())));
            }
        }
        out
    } else {
        Vec::new()
    };
    std::iter::once(word).chain(bigrams)
}

/// The lower-cased words of `text` (runs of letters and digits, two to forty long), as
/// the client splits a query. Borrowed when already lower case, as most are: this runs
/// over every word of the site, so ASCII takes a byte-wise path. (Counting a page's
/// terms reads them as written, [`Words::next_written`].)
#[cfg(test)]
fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
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

impl<'a> Words<'a> {
    /// The next word as written, whether lower-casing may change it, and whether it is
    /// all ASCII.
    fn next_written(&mut self) -> Option<(&'a str, bool, bool)> {
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
            return Some((word, mixed, chars == word.len()));
        }
    }
}

/// The words lower-cased, as [`words`] gives them to the tests.
#[cfg(test)]
impl<'a> Iterator for Words<'a> {
    type Item = Cow<'a, str>;

    fn next(&mut self) -> Option<Cow<'a, str>> {
        let (word, mixed, _) = self.next_written()?;
        Some(lowered(word, mixed))
    }
}

/// A word as written, lower-cased when it may not be (`mixed`): borrowed when it is.
fn lowered(word: &str, mixed: bool) -> Cow<'_, str> {
    match mixed {
        true => Cow::Owned(word.to_lowercase()),
        false => Cow::Borrowed(word),
    }
}

/// A page's terms, each once, with its weight.
type Terms<'a> = Vec<(Cow<'a, str>, u8)>;

/// A page's terms with their weights: how often each occurs, words in the title, tags and
/// description counting extra.
fn count_terms(site: &Site, id: PageId) -> Terms<'_> {
    let page = site.page(id);
    // Sized for a typical page's distinct words, so that the map is not grown (and every
    // entry hashed again) five or six times as a page is counted.
    let mut counts: HashMap<Cow<'_, str>, u32> =
        HashMap::with_capacity_and_hasher(page.converted.text.len() / 32, Default::default());
    // A capitalised word is lower-cased here, and copied only the first time it is seen.
    let mut lower = String::new();
    let mut add = |text, weight: u32| {
        let mut words = Words { text, at: 0 };
        while let Some((word, mixed, ascii)) = words.next_written() {
            // ASCII words, nearly all of them, have no terms besides themselves.
            if !ascii {
                for term in terms_of(lowered(word, mixed)) {
                    *counts.entry(term).or_default() += weight;
                }
                continue;
            }
            let term = match mixed {
                true => {
                    lower.clear();
                    lower.push_str(word);
                    lower.make_ascii_lowercase();
                    lower.as_str()
                }
                false => word,
            };
            match counts.get_mut(term) {
                Some(count) => *count += weight,
                None => {
                    let owned = match mixed {
                        true => Cow::Owned(term.to_owned()),
                        false => Cow::Borrowed(word),
                    };
                    counts.insert(owned, weight);
                }
            }
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

/// How many consecutive ids (page indexes) share a bundle file; see the module's notes.
pub(crate) const DOCS_PER_BUNDLE: usize = 128;
/// The DEFLATE level of the records: fixed, so the same input gives the same bytes. With
/// zlib-rs on the benchmark's 10,000 pages (53 MB of JSON), level 1 (fixed Huffman codes,
/// no trees to build per record) writes 20.6 MB for about 0.15 s of CPU, level 2
/// 16.3 MB for 0.26 s: the 4 MB more are 1.5% of the output and 0.4 KB a result, the
/// time saved 4% of a cold build.
const LEVEL: u32 = 1;

/// The output path of a bundle.
pub(crate) fn bundle_path(bundle: u32) -> String {
    format!("search/docs/{bundle}.bin")
}

/// The bundle holding a page's record.
pub(crate) fn bundle_of(id: PageId) -> u32 {
    (id.0 / DOCS_PER_BUNDLE) as u32
}

/// The ids (page indexes) a bundle holds: the last one may hold fewer.
fn bundle_ids(site: &Site, bundle: u32) -> Range<usize> {
    let start = bundle as usize * DOCS_PER_BUNDLE;
    start..(start + DOCS_PER_BUNDLE).min(site.pages.len())
}

/// The bundles written for a language: those holding at least one of its searchable
/// pages.
pub(crate) fn bundles(site: &Site, lang: Lang) -> impl Iterator<Item = u32> + '_ {
    (0..site.pages.len().div_ceil(DOCS_PER_BUNDLE) as u32)
        .filter(move |k| bundle_ids(site, *k).any(|i| indexed_in(site, PageId(i), lang)))
}

pub(crate) const INDEX_PATH: &str = "search/index.json";
pub(crate) const FILTERS_PATH: &str = "search/filters.json";

impl SearchIndex {
    pub(crate) fn build(site: &Site) -> SearchIndex {
        let mut building = Building::new(site);
        while !building.step(site) {}
        building.into_index()
    }

    /// The index as bytes, for the build cache to keep.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// An index [`SearchIndex::to_bytes`] made, if `bytes` are one.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<SearchIndex> {
        postcard::from_bytes(bytes).ok()
    }

    /// The index of `site` made from this one, an index of an earlier version of it:
    /// only the pages whose terms can have changed are indexed again (all of them when
    /// the shards' number changed or many pages did).
    pub(crate) fn refreshed(mut self, site: &Site) -> SearchIndex {
        let fresh = sources(site);
        let same_shards = self.langs.len() == Lang::all(site).count()
            && Lang::all(site).all(|l| shard_count(site, l) == self.shards(l));
        if fresh.len() != self.sources.len() || !same_shards {
            return SearchIndex::build(site);
        }
        let changed: Vec<u32> = (0..fresh.len())
            .filter(|i| fresh[*i] != self.sources[*i])
            .map(|i| i as u32)
            .collect();
        if changed.len() > MOST_REFRESHED {
            return SearchIndex::build(site);
        }
        for shard in self.langs.iter_mut().flatten() {
            shard.retain(|_, list| {
                list.retain(|(doc, _)| changed.binary_search(doc).is_err());
                !list.is_empty()
            });
        }
        for doc in changed {
            let id = PageId(doc as usize);
            if !indexed(site, id) {
                continue;
            }
            let lang = lang_of(site, id);
            let count = self.shards(lang);
            for (term, weight) in count_terms(site, id) {
                let list = self.langs[lang.0][shard_of(&term, count) as usize]
                    .entry(term.into_owned())
                    .or_default();
                let at = list.partition_point(|(d, _)| *d < doc);
                list.insert(at, (doc, weight));
            }
        }
        self.sources = fresh;
        self
    }

    /// The number of shards of a language's index; every one is written, empty or not.
    fn shards(&self, lang: Lang) -> u32 {
        self.langs.get(lang.0).map_or(0, |l| l.len() as u32)
    }

    /// Replaces one page's terms (`old` → its current ones) and returns the shards whose
    /// content changed, in the page's language's index.
    pub(crate) fn update(
        &mut self,
        site: &Site,
        id: PageId,
        old: &BTreeMap<String, u8>,
    ) -> BTreeSet<(Lang, u32)> {
        let new = if indexed(site, id) {
            doc_terms(site, id)
        } else {
            BTreeMap::new()
        };
        let doc = id.0 as u32;
        let lang = lang_of(site, id);
        let count = self.shards(lang);
        let Some(shards) = self.langs.get_mut(lang.0) else {
            return BTreeSet::new();
        };
        let mut changed = BTreeSet::new();
        for (term, weight) in old {
            if new.get(term) == Some(weight) {
                continue;
            }
            let n = shard_of(term, count);
            changed.insert((lang, n));
            let shard = &mut shards[n as usize];
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
            changed.insert((lang, n));
            let list = shards[n as usize].entry(term.clone()).or_default();
            let at = list.partition_point(|(d, _)| *d < doc);
            list.insert(at, (doc, *weight));
        }
        self.sources[id.0] = source(site, id);
        changed
    }

    /// `search/terms/<n>.json`: `{"term": [doc, weight, doc - previous doc, weight, …]}`.
    pub(crate) fn shard_json(&self, lang: Lang, n: u32) -> Vec<u8> {
        let mut shard: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        let terms = self.langs.get(lang.0).and_then(|l| l.get(n as usize));
        for (term, list) in terms.into_iter().flatten() {
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

/// A search index being made a block of pages at a time, so that `serve` can stop between
/// blocks for a save and go on after it (at 100,000 pages the whole index takes
/// seconds). The site may change between steps: [`Building::finish`] indexes again the
/// pages counted before they changed.
pub(crate) struct Building {
    langs: Vec<Vec<Shard>>,
    /// Each language's number of shards, as [`shard_count`] gave it at the start.
    counts: Vec<u32>,
    /// Of the pages counted so far, by page (see [`source`]).
    sources: Vec<u64>,
    /// Set when the site's languages changed under a step: the counts so far are no
    /// index of it.
    stale: bool,
}

impl Building {
    pub(crate) fn new(site: &Site) -> Building {
        let counts: Vec<u32> = Lang::all(site).map(|l| shard_count(site, l)).collect();
        Building {
            langs: counts
                .iter()
                .map(|count| vec![HashMap::default(); *count as usize])
                .collect(),
            counts,
            sources: Vec::with_capacity(site.pages.len()),
            stale: false,
        }
    }

    /// Counts the next block of pages and adds them to the index; `true` once every page
    /// has been. Counted in parallel and merged in page order: the counts of every page
    /// held at once were the largest passing allocation of a build (about 40 MB at
    /// 10,000 pages).
    pub(crate) fn step(&mut self, site: &Site) -> bool {
        let from = self.sources.len();
        let to = (from + COUNTED_AT_ONCE).min(site.pages.len());
        if self.stale || from >= to {
            return true;
        }
        let per_page: Vec<(u64, Terms<'_>)> = (from..to)
            .into_par_iter()
            .map(|i| {
                let id = PageId(i);
                let terms = if indexed(site, id) {
                    count_terms(site, id)
                } else {
                    Vec::new()
                };
                (source(site, id), terms)
            })
            .collect();
        for (i, (source, terms)) in (from..to).zip(per_page) {
            self.sources.push(source);
            if terms.is_empty() {
                continue;
            }
            let lang = lang_of(site, PageId(i));
            let (Some(shards), Some(count)) = (self.langs.get_mut(lang.0), self.counts.get(lang.0)) else {
                self.stale = true;
                return true;
            };
            for (term, weight) in terms {
                let shard = &mut shards[shard_of(&term, *count) as usize];
                match shard.get_mut(term.as_ref()) {
                    Some(list) => list.push((i as u32, weight)),
                    None => {
                        shard.insert(term.into_owned(), vec![(i as u32, weight)]);
                    }
                }
            }
        }
        to == site.pages.len()
    }

    /// The index of the site as it is now: the pages that changed since they were
    /// counted are indexed again ([`SearchIndex::refreshed`]), and the whole site when
    /// its pages or languages did.
    pub(crate) fn finish(mut self, site: &Site) -> SearchIndex {
        while !self.step(site) {}
        match self.stale {
            true => SearchIndex::build(site),
            false => self.into_index().refreshed(site),
        }
    }

    /// The index as counted, for a site that did not change meanwhile.
    fn into_index(self) -> SearchIndex {
        SearchIndex {
            langs: self.langs,
            sources: self.sources,
        }
    }
}

/// How many shards a language's index has: about one per `DOCS_PER_SHARD` searchable
/// pages.
pub(crate) fn shard_count(site: &Site, lang: Lang) -> u32 {
    let docs = (0..site.pages.len())
        .filter(|i| indexed_in(site, PageId(*i), lang))
        .count();
    docs.div_ceil(DOCS_PER_SHARD).clamp(1, MOST_SHARDS) as u32
}

impl SearchIndex {
    /// `search/index.json`: what the client needs before its first query.
    pub(crate) fn index_json(site: &Site, lang: Lang) -> Vec<u8> {
        let filters = Filters::of(site, lang);
        let index = serde_json::json!({
            "version": 2,
            "docs": (0..site.pages.len()).filter(|i| indexed_in(site, PageId(*i), lang)).count(),
            "shards": shard_count(site, lang),
            // Ids run from 0 to `ids` - 1, `bundle` to a file: the last bundle's header
            // has fewer offsets.
            "ids": site.pages.len(),
            "bundle": DOCS_PER_BUNDLE,
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
    fn of(site: &'a Site, lang: Lang) -> Filters<'a> {
        let code = lang.code(site);
        let docs_of = |pages: &[PageId]| {
            let mut ids: Vec<u32> = pages
                .iter()
                .filter(|p| indexed_in(site, **p, lang))
                .map(|p| p.0 as u32)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let mut sections: Vec<(&str, Vec<u32>)> = site
            .sections
            .iter()
            .filter(|s| !s.is_root() && s.has_output() && s.lang == code)
            .map(|s| (s.title(), docs_of(&s.pages)))
            .filter(|(title, ids)| !title.is_empty() && !ids.is_empty())
            .collect();
        sections.sort_by(|a, b| a.0.cmp(b.0));
        let in_lang = || site.taxonomies.iter().filter(|t| t.lang == code);
        let taxonomy = in_lang()
            .find(|t| t.config.name == TAG_TAXONOMY)
            .or(in_lang().next());
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
pub(crate) fn filters_json(site: &Site, lang: Lang) -> Vec<u8> {
    let filters = Filters::of(site, lang);
    let lists = |l: &[(&str, Vec<u32>)]| l.iter().map(|(_, ids)| deltas(ids)).collect::<Vec<_>>();
    serde_json::to_vec(&serde_json::json!({
        "sections": lists(&filters.sections),
        "tags": lists(&filters.tags),
    }))
    .unwrap_or_default()
}

#[derive(Serialize)]
struct Doc<'a> {
    /// Title, URL path, date (ISO), section title, tags, text.
    t: &'a str,
    u: &'a str,
    d: Option<String>,
    s: &'a str,
    g: Vec<&'a str>,
    x: &'a str,
}

impl Hash for Doc<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let Doc { t, u, d, s, g, x } = self;
        (t, u, d, s, g).hash(h);
        // The text, most of a record, by its one-shot hash: a streaming hasher copies
        // it on the way, and every page's record is hashed for the bundles' fingerprints.
        crate::digest::Long::of(x).feed(h);
    }
}

/// Compressed records by a hash of the document they hold, kept by `serve` so that
/// rewriting a bundle after an edit compresses only the records that changed, even when
/// pages were added and ids moved. `dossier build` keeps none.
#[derive(Default)]
pub(crate) struct Records(Mutex<HashMap<u64, Arc<[u8]>>>);

/// The records a build's bundles are made from, besides those compressed as they are
/// written.
pub(crate) enum Compressed {
    /// Those an earlier build compressed ([`Records`]).
    Kept(Records),
    /// Every page's, by page index (empty for a page left out), made [`ahead`].
    Ahead(Vec<Arc<[u8]>>),
}

/// What a build's search index starts from.
pub(crate) enum Start {
    /// Nothing to render: every output was written before the template values were made
    /// ([`write_ahead`]); the plan still lists them, so that their paths are checked and
    /// counted like any other output's.
    Written,
    /// Nothing: the index is built when a shard is first rendered (`serve` answers before
    /// it needs one), and a record compressed when its bundle is.
    Empty,
    /// An earlier build's index and the records it compressed (`serve`, the build
    /// cache): the index is refreshed for the pages that changed.
    Earlier(Kept),
    /// This site's index and records, made before its pages' text was dropped.
    Ahead(Ahead),
}

/// The search index and every page's record, made from a site before rendering.
pub(crate) struct Ahead {
    index: SearchIndex,
    records: Vec<Arc<[u8]>>,
}

/// The index and every record of `site`, for `dossier check`, which renders each output
/// once into the link checker (`build` writes them instead, [`write_ahead`], unless its
/// output folder could not be begun, which it then reports in its place): made now,
/// the pages' text, which nothing else reads, can be dropped before the template values
/// are made, rather than held through rendering (5 KB a page, against the 2 KB of its
/// record). `None` when no language has an index.
pub(crate) fn ahead(site: &Site) -> Option<Ahead> {
    if !any_enabled(site) {
        return None;
    }
    // The index's merge runs on one thread; the records take the others meanwhile.
    let (index, records) = rayon::join(
        || SearchIndex::build(site),
        || {
            (0..site.pages.len())
                .into_par_iter()
                .map_init(
                    || flate2::Compress::new(flate2::Compression::new(LEVEL), false),
                    |compress, i| {
                        if indexed(site, PageId(i)) {
                            Arc::from(record(&doc(site, PageId(i)), compress))
                        } else {
                            Arc::from(&[][..])
                        }
                    },
                )
                .collect()
        },
    );
    Some(Ahead { index, records })
}

/// One output of a language's search index.
#[derive(Debug, Clone, Copy)]
pub(super) enum File {
    Index,
    Filters,
    Shard(u32),
    Bundle(u32),
}

impl File {
    /// The planned job that makes this file for `lang`.
    pub(super) fn job(self, lang: Lang) -> Job {
        match self {
            File::Index => Job::SearchIndex(lang),
            File::Filters => Job::SearchFilters(lang),
            File::Shard(n) => Job::SearchShard(lang, n),
            File::Bundle(k) => Job::SearchBundle(lang, k),
        }
    }
}

/// Every output of `lang`'s index, with its path, in the order the plan lists them.
pub(super) fn files(site: &Site, lang: Lang) -> Vec<(String, File)> {
    let mut files = vec![
        (lang.output(site, INDEX_PATH), File::Index),
        (lang.output(site, FILTERS_PATH), File::Filters),
    ];
    files.extend((0..shard_count(site, lang)).map(|n| (lang.output(site, &shard_path(n)), File::Shard(n))));
    files.extend(bundles(site, lang).map(|k| (lang.output(site, &bundle_path(k)), File::Bundle(k))));
    files
}

/// Writes every language's search index into `sink`, for a build that renders each
/// output once (not `serve`, nor one with the build cache), before the template values
/// are made: the records and the index then never sit beside them (at 100,000 pages,
/// 164 MB of records and the index, which [`ahead`] held through rendering). A bundle's
/// records are compressed as it is written, so only the bundles being written hold
/// theirs. Returns how many files it wrote.
pub(crate) fn write_ahead(
    site: &Site,
    sink: &dyn Sink,
    profile: Option<&Profile>,
) -> Result<usize, Diagnostic> {
    let files: Vec<(OutputPath, Lang, File)> = Lang::all(site)
        .filter(|lang| enabled(site, *lang))
        .flat_map(|lang| {
            files(site, lang)
                .into_iter()
                .map(move |(path, file)| (path, lang, file))
        })
        .map(|(path, lang, file)| Ok((ahead_path(&path, "the search index")?, lang, file)))
        .collect::<Result<_, Diagnostic>>()?;
    let write = |path: &OutputPath, lang: Lang, file: File, make: &dyn Fn() -> Vec<u8>| {
        Profile::write_ahead(profile, &file.job(lang), sink, path, make)
    };
    let (bundles, rest): (Vec<_>, Vec<_>) = files
        .iter()
        .partition(|(_, _, file)| matches!(file, File::Bundle(_)));
    // The index's merge runs on one thread; the bundles take the others meanwhile.
    let (index, written) = rayon::join(
        || SearchIndex::build(site),
        || {
            bundles.par_iter().try_for_each(|(path, lang, file)| match file {
                File::Bundle(k) => write(path, *lang, *file, &|| bundle_bytes(site, *lang, *k, None)),
                File::Index | File::Filters | File::Shard(_) => Ok(()),
            })
        },
    );
    written?;
    rest.par_iter().try_for_each(|(path, lang, file)| match file {
        File::Index => write(path, *lang, *file, &|| SearchIndex::index_json(site, *lang)),
        File::Filters => write(path, *lang, *file, &|| filters_json(site, *lang)),
        File::Shard(n) => write(path, *lang, *file, &|| index.shard_json(*lang, *n)),
        File::Bundle(_) => Ok(()),
    })?;
    Ok(files.len())
}

impl Ahead {
    /// The index, and the records as bundles take them.
    pub(crate) fn into_parts(self) -> (SearchIndex, Compressed) {
        (self.index, Compressed::Ahead(self.records))
    }
}

impl Records {
    /// Edits leave records of old text behind: past twice the site's ids, the cache is
    /// emptied and filled again as bundles are rendered.
    fn trim(&self, ids: usize) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 2 * ids + DOCS_PER_BUNDLE {
            map.clear();
        }
    }
}

/// What `serve` keeps of the search index from one build to the next.
#[derive(Default)]
pub(crate) struct Kept {
    /// The index, to refresh rather than build again.
    pub(crate) index: Option<SearchIndex>,
    pub(crate) records: Records,
}

/// One record: a document's JSON compressed with raw DEFLATE, by `compress` (reset
/// first, so records do not depend on each other; reused because a fresh compressor
/// costs more to make than a record to compress).
fn record(doc: &Doc<'_>, compress: &mut flate2::Compress) -> Vec<u8> {
    let json = serde_json::to_vec(doc).unwrap_or_default();
    compress.reset();
    // Room for the record even if it does not shrink; the loop makes more should it grow.
    let mut out = Vec::with_capacity(json.len() + 64);
    loop {
        let before = compress.total_in() as usize;
        let input = &json[before.min(json.len())..];
        match compress.compress_vec(input, &mut out, flate2::FlushCompress::Finish) {
            Ok(flate2::Status::StreamEnd) | Err(_) => break,
            Ok(flate2::Status::Ok | flate2::Status::BufError) => out.reserve(out.capacity().max(64)),
        }
    }
    out
}

/// `search/docs/<k>.bin`: the bundle's header of offsets, then its records (see the
/// module's notes). Records in `records` are taken from there; the rest are compressed
/// now (and kept there, when it keeps them).
pub(crate) fn bundle_bytes(site: &Site, lang: Lang, bundle: u32, records: Option<&Compressed>) -> Vec<u8> {
    let ids = bundle_ids(site, bundle);
    let mut compress = flate2::Compress::new(flate2::Compression::new(LEVEL), false);
    let parts: Vec<Arc<[u8]>> = ids
        .clone()
        .map(|i| {
            let id = PageId(i);
            if !indexed_in(site, id, lang) {
                return Arc::from(&[][..]);
            }
            let records = match records {
                // Made from this very site, so there is one for every page.
                Some(Compressed::Ahead(made)) => return made.get(i).cloned().unwrap_or_default(),
                Some(Compressed::Kept(kept)) => kept,
                None => return Arc::from(record(&doc(site, id), &mut compress)),
            };
            let doc = doc(site, id);
            let key = {
                let mut h = std::hash::DefaultHasher::new();
                doc.hash(&mut h);
                h.finish()
            };
            let cached = records
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&key)
                .cloned();
            cached.unwrap_or_else(|| {
                let bytes: Arc<[u8]> = Arc::from(record(&doc, &mut compress));
                let mut map = records.0.lock().unwrap_or_else(|e| e.into_inner());
                map.insert(key, bytes.clone());
                bytes
            })
        })
        .collect();
    if let Some(Compressed::Kept(records)) = records {
        records.trim(site.pages.len());
    }
    let header = 4 * (parts.len() + 1);
    let mut out = Vec::with_capacity(header + parts.iter().map(|p| p.len()).sum::<usize>());
    // A bundle near 4 GB would need records no page can make (the text is capped); the
    // offsets saturate rather than wrap should one ever come close.
    let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX).to_le_bytes();
    let mut at = header;
    out.extend_from_slice(&offset(at));
    for part in &parts {
        at += part.len();
        out.extend_from_slice(&offset(at));
    }
    for part in &parts {
        out.extend_from_slice(part);
    }
    out
}

/// Hashes what a bundle is made from, for `serve`'s fingerprints.
pub(crate) fn hash_bundle(site: &Site, lang: Lang, bundle: u32, h: &mut impl Hasher) {
    for i in bundle_ids(site, bundle) {
        let id = PageId(i);
        let shown = indexed_in(site, id, lang);
        shown.hash(h);
        if shown {
            doc(site, id).hash(h);
        }
    }
}

/// What a page's record holds.
fn doc(site: &Site, id: PageId) -> Doc<'_> {
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
    fn cyrillic_is_lower_cased_and_hangul_words_add_their_syllable_pairs() {
        let terms: Vec<String> = words("Курська ОПЕРАЦІЯ: 북한군이 파병 G20정상회의")
            .flat_map(terms_of)
            .map(Cow::into_owned)
            .collect();
        assert_eq!(
            terms,
            [
                "курська",
                "операція",
                "북한군이",
                "북한",
                "한군",
                "군이",
                // Two syllables: the word is its only pair.
                "파병",
                "g20정상회의",
                "정상",
                "상회",
                "회의",
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
    fn a_record_inflates_to_its_json_whatever_was_compressed_before() {
        use std::io::Read;
        let doc = |x| Doc {
            t: "Troops in Kursk",
            u: "/security/troops/",
            d: Some("2024-11-04".to_owned()),
            s: "Security",
            g: vec!["deployment"],
            x,
        };
        let long = "North Korean troops arrived. ".repeat(1000);
        let mut compress = flate2::Compress::new(flate2::Compression::new(LEVEL), false);
        let first = record(&doc("Short text."), &mut compress);
        let long_record = record(&doc(&long), &mut compress);
        // Each record stands alone: the compressor is reset between them.
        assert_eq!(record(&doc("Short text."), &mut compress), first);
        for (bytes, text) in [(&first, "Short text."), (&long_record, long.as_str())] {
            let mut json = Vec::new();
            flate2::read::DeflateDecoder::new(&bytes[..])
                .read_to_end(&mut json)
                .expect("a record inflates");
            assert_eq!(json, serde_json::to_vec(&doc(text)).expect("JSON"));
        }
        assert!(long_record.len() < long.len() / 20, "{}", long_record.len());
    }

    #[test]
    fn deltas_code_ascending_ids() {
        assert_eq!(deltas(&[3, 4, 10]), [3, 1, 6]);
    }
}
