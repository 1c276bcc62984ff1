//! Each source and each citation rendered once for the whole site, not once per page.
//!
//! The CSL engine costs about a millisecond per page for two citations, nearly all of it
//! in the list of sources, which is the same text on every page that cites a source. A
//! page's citations can change each other's text only through what they share: two works
//! by one author in one year become "2020a" and "2020b", two authors with one family name
//! gain given names, consecutive works by one author merge or are abbreviated. So a page
//! whose sources share no person's name gets its citations and its list from here, each
//! rendered once in isolation, the list in the order the style sorts the whole
//! bibliography in; any other page goes through the engine as a whole. Styles where a
//! citation's text depends on its place in the page (numbers, "ibid.", notes) never use
//! the cache.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{CitationFormat, IndependentStyle, StyleCategory};

use super::{Cite, FormattedCitations, Reference, Sources};

pub(crate) struct CslCache {
    /// The site's style without its bibliography: a citation's text alone.
    citations_only: IndependentStyle,
    /// The style with an empty bibliography layout: the order of the sources alone.
    order_only: IndependentStyle,
    /// Whether the style sorts its bibliography (else sources are listed as first cited).
    sorted: bool,
    /// Whether a page number can be rendered once for all pages (see [`PLACEHOLDERS`]).
    placeholders: bool,
    /// By citation (its locators' page numbers replaced): its HTML.
    clusters: Mutex<HashMap<Vec<Cite>, String>>,
    /// By key: the source as a list shows it.
    entries: Mutex<HashMap<String, Reference>>,
    /// By key: its place in the style's order of the whole bibliography.
    rank: OnceLock<HashMap<String, usize>>,
}

/// Numbers no citation cites, standing for a page number while a citation renders, so
/// that "(Author 2020, 4)" and "(Author 2020, 87)" are one rendering; one per cited work
/// of a citation, by position.
const PLACEHOLDERS: [&str; 4] = ["987654321", "987654322", "987654323", "987654324"];

impl CslCache {
    /// A cache for `sources`' style, or `None` for styles where a citation's text always
    /// depends on the rest of its page: numeric, label and note styles, and any style
    /// that renders a citation repeated on a page differently ("ibid.", shortened).
    pub(crate) fn new(sources: &Sources) -> Option<CslCache> {
        let style = sources.style();
        let by_author = style.info.category.iter().any(|c| {
            matches!(
                c,
                StyleCategory::CitationFormat {
                    format: CitationFormat::AuthorDate | CitationFormat::Author
                }
            )
        });
        let bibliography = style.bibliography.as_ref()?;
        if !by_author {
            return None;
        }
        let mut citations_only = style.clone();
        citations_only.bibliography = None;
        let mut order_only = style.clone();
        if let Some(b) = &mut order_only.bibliography {
            b.layout.elements.clear();
        }
        let cache = CslCache {
            citations_only,
            order_only,
            sorted: bibliography.sort.is_some(),
            placeholders: false,
            clusters: Mutex::default(),
            entries: Mutex::default(),
            rank: OnceLock::new(),
        };
        let Some(sample) = sources.keys().next() else {
            return Some(cache);
        };
        let cite = |locator: Option<&str>| Cite {
            key: sample.to_owned(),
            locator: locator.map(|l| (Locator::Page, l.to_owned())),
        };
        let twice = sources.format_with(&cache.citations_only, &[vec![cite(None)], vec![cite(None)]]);
        if twice.citations.len() != 2 || twice.citations[0] != twice.citations[1] {
            return None;
        }
        let placeholders = ["7", "23", "140"].iter().all(|page| {
            let direct = sources.format_with(&cache.citations_only, &[vec![cite(Some(page))]]);
            let through = sources.format_with(&cache.citations_only, &[vec![cite(Some(PLACEHOLDERS[0]))]]);
            match (direct.citations.first(), through.citations.first()) {
                (Some(d), Some(t)) => {
                    t.matches(PLACEHOLDERS[0]).count() == 1 && t.replace(PLACEHOLDERS[0], page) == *d
                }
                _ => false,
            }
        });
        Some(CslCache {
            placeholders,
            ..cache
        })
    }

    /// A page's citations and sources, or `None` when its sources share a name (or one
    /// has none), so the page needs the engine.
    pub(crate) fn format(&self, sources: &Sources, citations: &[Vec<Cite>]) -> Option<FormattedCitations> {
        let keys = independent(sources, citations.iter().flatten().map(|c| c.key.as_str()))?;
        let rendered = citations
            .iter()
            .map(|cluster| self.cluster(sources, cluster))
            .collect::<Option<Vec<String>>>()?;
        Some(FormattedCitations {
            citations: rendered,
            bibliography: self.listed(sources, &keys)?,
        })
    }

    /// The sources `keys` as a list of them all shows them, in the style's order, or
    /// `None` when two share a name (or one has none): the site's list of sources, from
    /// the same entries as the pages' lists.
    pub(crate) fn references(&self, sources: &Sources, keys: &[&str]) -> Option<Vec<Reference>> {
        let keys = independent(sources, keys.iter().copied())?;
        self.listed(sources, &keys)
    }

    /// The entries of `keys` in the style's order (else as given, first cited first).
    fn listed(&self, sources: &Sources, keys: &[&str]) -> Option<Vec<Reference>> {
        let mut bibliography = keys
            .iter()
            .map(|key| self.entry(sources, key))
            .collect::<Option<Vec<Reference>>>()?;
        if self.sorted {
            let rank = self.rank.get_or_init(|| self.order(sources));
            if keys.iter().any(|k| !rank.contains_key(*k)) {
                return None;
            }
            bibliography.sort_by_key(|r| rank[r.key.as_str()]);
        }
        Some(bibliography)
    }

    /// One citation's HTML, rendered alone (once per distinct citation).
    fn cluster(&self, sources: &Sources, cluster: &[Cite]) -> Option<String> {
        if !cluster.iter().any(|c| sources.entry(&c.key).is_some()) {
            return None;
        }
        // Page numbers stand in as placeholders, put back after.
        let mut pages: Vec<(&str, &str)> = Vec::new();
        let key: Vec<Cite> = cluster
            .iter()
            .enumerate()
            .map(|(i, c)| match &c.locator {
                Some((Locator::Page, value))
                    if self.placeholders
                        && i < PLACEHOLDERS.len()
                        && !value.is_empty()
                        && value.len() < 7
                        && value.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    pages.push((PLACEHOLDERS[i], value));
                    Cite {
                        key: c.key.clone(),
                        locator: Some((Locator::Page, PLACEHOLDERS[i].to_owned())),
                    }
                }
                _ => c.clone(),
            })
            .collect();
        let cached = self.clusters.lock().ok()?.get(&key).cloned();
        let html = match cached {
            Some(html) => html,
            None => {
                let html = sources
                    .format_with(&self.citations_only, std::slice::from_ref(&key))
                    .citations
                    .into_iter()
                    .next()?;
                self.clusters.lock().ok()?.insert(key, html.clone());
                html
            }
        };
        let mut html = html;
        for (placeholder, page) in pages {
            if html.matches(placeholder).count() != 1 {
                return None;
            }
            html = html.replace(placeholder, page);
        }
        Some(html)
    }

    /// One source as a list shows it, rendered alone (once per source).
    fn entry(&self, sources: &Sources, key: &str) -> Option<Reference> {
        if let Some(r) = self.entries.lock().ok()?.get(key) {
            return Some(r.clone());
        }
        let cite = Cite {
            key: key.to_owned(),
            locator: None,
        };
        let formatted = sources.format_with(sources.style(), &[vec![cite]]);
        let [reference] = <[Reference; 1]>::try_from(formatted.bibliography).ok()?;
        if reference.key != key {
            return None;
        }
        self.entries
            .lock()
            .ok()?
            .insert(key.to_owned(), reference.clone());
        Some(reference)
    }

    /// The style's order of every source in the bibliography, as its place.
    fn order(&self, sources: &Sources) -> HashMap<String, usize> {
        let all: Vec<Vec<Cite>> = sources
            .keys()
            .map(|key| {
                vec![Cite {
                    key: key.to_owned(),
                    locator: None,
                }]
            })
            .collect();
        sources
            .format_with(&self.order_only, &all)
            .bibliography
            .into_iter()
            .enumerate()
            .map(|(i, r)| (r.key, i))
            .collect()
    }
}

/// The keys the bibliography has, each once in order of first appearance, when their
/// entries can be rendered apart: `None` when two share a person's name, or one names
/// no one, since the engine then tells them apart ("2020a", given names).
fn independent<'k>(sources: &Sources, keys: impl Iterator<Item = &'k str>) -> Option<Vec<&'k str>> {
    // `seen` keeps a page citing thousands linear.
    let mut listed: Vec<&str> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut names: HashSet<String> = HashSet::new();
    for key in keys {
        let Some(entry) = sources.entry(key) else {
            continue;
        };
        if !seen.insert(key) {
            continue;
        }
        listed.push(key);
        let mut persons = entry
            .authors()
            .into_iter()
            .flatten()
            .chain(entry.editors().into_iter().flatten())
            .peekable();
        persons.peek()?;
        for person in persons {
            if !names.insert(person.name.to_lowercase()) {
                return None;
            }
        }
    }
    Some(listed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Bibliography;

    /// Works that collide in every way the engine disambiguates: one author twice in a
    /// year, two authors with one family name, an author who is also an editor, works by
    /// organisations, a work with no person at all.
    const LIBRARY: &str = r#"
smith-a: { type: Report, title: Alpha report, author: "Smith, Jane", date: 2020 }
smith-b: { type: Report, title: Beta report, author: "Smith, Jane", date: 2020 }
smith-c: { type: Book, title: Gamma book, author: "Smith, Adam", date: 2020 }
jones: { type: Article, title: On things, author: ["Jones, Ann", "Brown, Bob"], date: 2019, parent: { type: Periodical, title: Journal of Things } }
brown: { type: Book, title: Edited volume, editor: "Brown, Bob", date: 2018 }
nato: { type: Web, title: Summit declaration, author: { name: NATO }, date: 2024-07-10 }
rok: { type: Web, title: Ministry statement, author: { name: Ministry of Foreign Affairs of the Republic of Korea }, date: 2024-10-21 }
un: { type: Report, title: Annual report, author: { name: United Nations }, date: 2023 }
anon: { type: Web, title: An unsigned note, date: 2022 }
lee: { type: Book, title: Delta book, author: "Lee, Min", date: 2021 }
kim: { type: Book, title: Epsilon book, author: "Kim, Soo", date: 2021 }
park: { type: Thesis, title: Zeta thesis, author: "Park, Ji", date: 2015 }
"#;

    fn sources(style: &str) -> Sources {
        let bibliography = Bibliography {
            file: "sources.yml".to_owned(),
            shown: "content/sources.yml".into(),
            text: LIBRARY.to_owned(),
        };
        Sources::parse(&bibliography, style, std::path::Path::new("config.toml"))
            .expect("the test library parses")
    }

    /// A small deterministic generator, so the pages are the same on every run.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    fn random_page(keys: &[&str], rng: &mut Lcg) -> Vec<Vec<Cite>> {
        let locators = ["", "4", "87", "p. 12", "pp. 4–6", "ch. 2", "sec. 3", "12a"];
        (0..1 + rng.below(4))
            .map(|_| {
                (0..1 + rng.below(2))
                    .map(|_| {
                        let locator = locators[rng.below(locators.len())];
                        Cite {
                            key: keys[rng.below(keys.len())].to_owned(),
                            locator: (!locator.is_empty()).then(|| crate::model::sources::locator(locator)),
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// The cache gives exactly what the engine gives for the whole page, whenever it
    /// answers; and it answers for most pages.
    #[test]
    fn cached_pages_match_the_engine_exactly() {
        for style in [
            "chicago-author-date",
            "apa",
            "harvard-cite-them-right",
            "modern-language-association",
        ] {
            let sources = sources(style);
            let cache = CslCache::new(&sources).unwrap_or_else(|| panic!("{style} is cached"));
            if style == "chicago-author-date" {
                assert!(cache.placeholders, "page numbers render once for all pages");
            }
            let keys: Vec<&str> = sources.keys().collect();
            let mut rng = Lcg(7);
            let mut answered = 0;
            for _ in 0..250 {
                let page = random_page(&keys, &mut rng);
                let Some(cached) = cache.format(&sources, &page) else {
                    continue;
                };
                answered += 1;
                let engine = sources.format_with(sources.style(), &page);
                assert_eq!(cached.citations, engine.citations, "{style}: {page:?}");
                let list = |b: &[Reference]| -> Vec<(String, String, String)> {
                    b.iter()
                        .map(|r| (r.key.clone(), r.html.clone(), r.text.clone()))
                        .collect()
                };
                assert_eq!(
                    list(&cached.bibliography),
                    list(&engine.bibliography),
                    "{style}: {page:?}"
                );
            }
            assert!(
                answered > 60,
                "{style}: the cache answered only {answered} of 250 pages"
            );
        }
    }

    /// Pages whose sources share a name go to the engine, which disambiguates them.
    #[test]
    fn sources_sharing_a_name_go_to_the_engine() {
        let sources = sources("chicago-author-date");
        let cache = CslCache::new(&sources).expect("cached");
        let cite = |key: &str| {
            vec![Cite {
                key: key.to_owned(),
                locator: None,
            }]
        };
        assert!(
            cache
                .format(&sources, &[cite("smith-a"), cite("smith-b")])
                .is_none()
        );
        assert!(cache.format(&sources, &[cite("jones"), cite("brown")]).is_none());
        assert!(cache.format(&sources, &[cite("anon")]).is_none());
        let whole = sources.format(&[cite("smith-a"), cite("smith-b")]);
        assert!(
            whole.citations[0].contains("2020a") && whole.citations[1].contains("2020b"),
            "{:?}",
            whole.citations
        );
        assert!(cache.format(&sources, &[cite("smith-a"), cite("nato")]).is_some());
    }

    /// The site's list of sources is the engine's over them all, from the pages' cached
    /// entries whenever no two share a name; otherwise the engine tells them apart.
    #[test]
    fn a_list_of_sources_from_the_cache_matches_the_engine() {
        let list = |b: Vec<Reference>| -> Vec<(String, String)> {
            b.into_iter().map(|r| (r.key, r.unlabelled)).collect()
        };
        for style in ["chicago-author-date", "apa", "modern-language-association"] {
            let sources = sources(style);
            let cache = CslCache::new(&sources).unwrap_or_else(|| panic!("{style} is cached"));
            let apart = ["un", "lee", "nato", "jones", "park", "rok", "kim", "not-a-key"];
            let cached = cache.references(&sources, &apart).expect("no two share a name");
            let engine = sources.format_with(sources.style(), &sources.each_alone(&apart));
            assert_eq!(list(cached), list(engine.bibliography), "{style}");
            assert_eq!(
                sources.references(&apart),
                list(cache.references(&sources, &apart).expect("cached")),
                "{style}"
            );
            assert!(
                cache
                    .references(&sources, &["smith-a", "nato", "smith-b"])
                    .is_none()
            );
            assert!(cache.references(&sources, &["anon"]).is_none());
        }
        let sources = sources("chicago-author-date");
        let whole = sources.references(&["smith-b", "nato", "smith-a"]);
        let keys: Vec<&str> = whole.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["nato", "smith-a", "smith-b"]);
        // Told apart by a letter each (which one is the engine's to say).
        let letters: Vec<bool> = whole[1..]
            .iter()
            .map(|(_, html)| html.contains("2020a"))
            .collect();
        assert!(
            whole[1..]
                .iter()
                .all(|(_, html)| html.contains("2020a") || html.contains("2020b"))
        );
        assert_eq!(letters.iter().filter(|a| **a).count(), 1, "{whole:?}");
    }

    /// Numbered and note styles number or shorten citations by their place in the page.
    #[test]
    fn numeric_and_note_styles_are_never_cached() {
        assert!(CslCache::new(&sources("ieee")).is_none());
        assert!(CslCache::new(&sources("chicago-notes")).is_none());
    }
}
