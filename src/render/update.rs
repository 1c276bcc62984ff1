//! Serve's patch API: after an edit, `serve` swaps in new templates or patches the
//! template values of the pages it changed, and asks which planned outputs show them;
//! the fingerprints of every output let a rebuild render only what changed.

use rayon::prelude::*;
use tera::Value;

use super::event_html::{self, EVENT_PARTIAL, with_event_html};
use super::feeds;
use super::fingerprint;
use super::fingerprint::Purpose;
use super::graph;
use super::job::{ArchivePage, FeedOf, Job, Lang, Planned};
use super::output::template_context;
use super::page_value::page_value;
use super::search;
use super::templates::Templates;
use super::timeline;
use super::values::{build_lookups, globals, set_globals};
use super::{JobId, Prepared};
use crate::diagnostic::Diagnostics;
use crate::model::placing::NewTerm;
use crate::model::site::{EventId, PageId, SectionId, Site, TaxonomyId};

impl Prepared {
    /// Takes new templates after an edit that added or removed none, and returns the
    /// outputs made with a changed template or one that uses it. `None` when the change
    /// reaches the event partial, whose output is part of the shared event values.
    pub(crate) fn replace_templates(&mut self, site: &Site, mut templates: Templates) -> Option<Vec<JobId>> {
        if !templates.sources.keys().eq(self.templates.sources.keys()) {
            return None;
        }
        let changed: Vec<&str> = templates
            .sources
            .iter()
            .filter(|(name, new)| self.templates.sources.get(*name).map(|old| &old.text) != Some(&new.text))
            .map(|(name, _)| name.as_str())
            .collect();
        let affected = templates.dependents(&changed);
        // The event partial's HTML is in the shared values; a shortcode's output is in
        // the Markdown of the pages that call it: both take a full build.
        if affected.contains(EVENT_PARTIAL) || affected.iter().any(|t| t.starts_with("shortcodes/")) {
            return None;
        }
        // Templates that now read a field off other pages, or no longer do, need page
        // values made again.
        if super::page_value::Apart::of(&templates) != self.data.shape.apart {
            return None;
        }
        set_globals(&mut templates, site);
        templates.set_lookups(build_lookups(site, &self.data));
        self.templates = templates;
        self.mark_readers();
        Some(
            self.ids()
                .filter(|i| {
                    self.plan[i.0]
                        .template
                        .as_ref()
                        .is_some_and(|t| affected.contains(t))
                })
                .collect(),
        )
    }

    /// Rebuilds the template values of `changed` pages (after an edit to one page,
    /// `edited` with its new HTML; the others keep theirs but may have new backlinks or
    /// related pages, or show the edited page's new title) and every shared value holding
    /// them, and returns the outputs that show any of them. What places the pages (their
    /// dates, terms, order) must be unchanged; a new title or description must have gone
    /// through [`Prepared::retitle`] first. `None` when the theme makes the outputs impossible to tell (the
    /// event partial, rendered once for every page showing an event, reads any page).
    pub(crate) fn update_pages(
        &mut self,
        site: &Site,
        changed: &[PageId],
        edited: (PageId, &str),
    ) -> Option<Vec<JobId>> {
        if self.event_partial_reads_everything {
            return None;
        }
        let is_changed = |p: &PageId| changed.contains(p);
        for id in changed {
            if *id == edited.0 {
                self.data.page_html.set(*id, Value::safe_string(edited.1));
            }
            let html = self.data.page_html.kept(*id)?;
            self.data.page_values[id.0] = page_value(site, *id, &self.data.refs, html, &self.data.shape);
            self.data.connected.forget(*id);
        }
        let sections: Vec<SectionId> = (0..site.sections.len())
            .map(SectionId)
            .filter(|s| site.section(*s).pages.iter().any(is_changed))
            .collect();
        for s in &sections {
            self.data.section_values[s.0] = self.data.section_value(site, *s);
        }
        let mut taxonomies: Vec<TaxonomyId> = Vec::new();
        for term in site.term_ids() {
            if site.term(term).pages.iter().any(is_changed) {
                self.data.term_values[term.taxonomy.0][term.index] = self.data.term_value(site, term);
                if taxonomies.last() != Some(&term.taxonomy) {
                    taxonomies.push(term.taxonomy);
                }
            }
        }
        self.templates.update_lookups(|l| {
            for id in changed {
                l.pages.insert(
                    site.page(*id).file.content_path.clone(),
                    self.data.page_values[id.0].clone(),
                );
            }
            for s in &sections {
                l.sections.insert(
                    site.section(*s).file.content_path.clone(),
                    self.data.section_values[s.0].clone(),
                );
            }
        });
        self.remake_taxonomies(site, &taxonomies);

        Some(self.showing_pages(site, changed, &[edited.0]))
    }

    /// The outputs that show any of the `changed` pages' values, of which the `edited`
    /// pages' own output (their HTML, summary, text) may have changed too, and the others'
    /// only what they show of other pages (related pages, backlinks): what an edit that
    /// leaves the pages' places, titles and links as they were can change, beside the
    /// search index's parts ([`Prepared::search_bundles`]) and the outputs rendered every
    /// time. Those that read any page are among them.
    pub(crate) fn showing_pages(&self, site: &Site, changed: &[PageId], edited: &[PageId]) -> Vec<JobId> {
        // Looked up for every page of every section and term: by page, not by a search of
        // the lists, which a build after an edit to thousands of bodies passes whole.
        let mask = |pages: &[PageId]| {
            let mut mask = vec![false; site.pages.len()];
            for p in pages {
                mask[p.0] = true;
            }
            mask
        };
        let (changed_mask, edited_mask) = (mask(changed), mask(edited));
        let is_changed = |p: &PageId| changed_mask[p.0];
        let is_edited = |p: &PageId| edited_mask[p.0];
        let sections: Vec<SectionId> = (0..site.sections.len())
            .map(SectionId)
            .filter(|s| site.section(*s).pages.iter().any(is_changed))
            .collect();
        let mut taxonomies: Vec<TaxonomyId> = site
            .term_ids()
            .filter(|term| site.term(*term).pages.iter().any(is_changed))
            .map(|term| term.taxonomy)
            .collect();
        taxonomies.dedup();
        // An edited page in a feed of this language.
        let edited_in = |lang: &str| {
            edited.iter().any(|id| {
                let p = site.page(*id);
                p.has_output() && p.lang == lang
            })
        };
        let mut months: Vec<(Lang, i16, i8)> = changed
            .iter()
            .filter_map(|id| {
                let page = site.page(*id);
                let d = page.date?;
                Some((Lang::of(site, &page.lang), d.date.year(), d.date.month()))
            })
            .collect();
        months.sort_unstable();
        months.dedup();
        self.ids()
            .filter(|i| {
                let planned = &self.plan[i.0];
                if planned.reads_everything {
                    return true;
                }
                match &planned.job {
                    Job::Page(p) => is_changed(p),
                    Job::SectionPager { section, index } => {
                        let s = site.section(*section);
                        // A home page shows pages of every section in its language (its
                        // `front`, its `home_sections`), whatever its own pages are.
                        if s.is_root() {
                            return changed.iter().any(|p| site.page(*p).lang == s.lang);
                        }
                        match s.meta.paginate_by.filter(|n| *n > 0) {
                            Some(n) => s.pages[((index - 1) * n).min(s.pages.len())..]
                                .iter()
                                .take(n)
                                .any(is_changed),
                            None => sections.contains(section),
                        }
                    }
                    Job::TaxonomyList(t) => taxonomies.contains(t),
                    Job::TermPager { term, .. } => site.term(*term).pages.iter().any(is_changed),
                    // A feed shows its pages' own text, not what they show of others
                    // (related pages, backlinks): only the edited page changes one.
                    Job::Feed {
                        of: FeedOf::Term(term),
                        ..
                    } => site.term(*term).pages.iter().any(is_edited),
                    Job::Feed { of: FeedOf::Site, .. } => edited_in(&site.config.default_language),
                    Job::Feed {
                        of: FeedOf::Language(lang),
                        ..
                    } => edited_in(&site.config.languages[*lang].code),
                    Job::Feed {
                        of: FeedOf::Section(s),
                        ..
                    } => site.section(*s).pages.iter().any(is_edited),
                    Job::Archive(lang, ArchivePage::Year(y)) => {
                        months.iter().any(|(l, py, _)| l == lang && py == y)
                    }
                    Job::Archive(lang, ArchivePage::Month(y, m)) => months.contains(&(*lang, *y, *m)),
                    // What these show of a page (its date, title, events, links, terms) is
                    // unchanged by an edit to its body; what a body edit can change of
                    // them is patched and rendered by `update_events` and `graph_jobs`.
                    Job::Archive(_, ArchivePage::Index)
                    | Job::SiteGraph(_)
                    | Job::Collection(..)
                    | Job::GraphJson(_)
                    | Job::Timeline(..)
                    | Job::TermTimeline(..)
                    | Job::TimelineJson(_)
                    | Job::TimelineIcs(_)
                    | Job::Redirect { .. }
                    | Job::NotFound
                    | Job::Bytes(_)
                    | Job::Copy(_) => false,
                    // The search index is patched by `update_search`.
                    Job::SearchIndex(_)
                    | Job::SearchFilters(_)
                    | Job::SearchShard(..)
                    | Job::SearchBundle(..) => false,
                }
            })
            .collect()
    }

    /// The search index's bundles that hold any of `pages`' results (see
    /// [`Prepared::update_search`]).
    pub(crate) fn search_bundles(&self, site: &Site, pages: &[PageId]) -> Vec<JobId> {
        let bundles: std::collections::HashSet<(Lang, u32)> = pages
            .iter()
            .map(|id| (Lang::of(site, &site.page(*id).lang), search::bundle_of(*id)))
            .collect();
        self.ids()
            .filter(|i| matches!(&self.plan[i.0].job, Job::SearchBundle(lang, k) if bundles.contains(&(*lang, *k))))
            .collect()
    }

    /// Makes the values of `taxonomies` (with their terms' values as they are) again, and
    /// what `get_taxonomy` finds of them.
    pub(super) fn remake_taxonomies(&mut self, site: &Site, taxonomies: &[TaxonomyId]) {
        for t in taxonomies {
            self.data.taxonomy_values[t.0] = self.data.taxonomy_value(site, *t);
        }
        self.templates.update_lookups(|l| {
            for t in taxonomies {
                let taxonomy = site.taxonomy(*t);
                if let Some(entry) = l
                    .taxonomies
                    .get_mut(&(taxonomy.lang.clone(), taxonomy.config.name.clone()))
                {
                    entry.0 = self.data.taxonomy_values[t.0].clone();
                }
            }
        });
    }

    /// The outputs of `pages` themselves (not the lists showing them).
    pub(crate) fn own_jobs(&self, pages: &[PageId]) -> Vec<JobId> {
        if pages.is_empty() {
            return Vec::new();
        }
        self.ids()
            .filter(|i| matches!(&self.plan[i.0].job, Job::Page(p) if pages.contains(p)))
            .collect()
    }

    /// The outputs of page `id` itself, when they read nothing of other pages but what
    /// its own value holds (no template of theirs can read any page): what `serve` can
    /// show before the rest after the page is placed again (see `model::placing`).
    pub(crate) fn own_jobs_alone(&self, id: PageId) -> Option<Vec<JobId>> {
        let own = self.own_jobs(&[id]);
        (!own.is_empty() && !own.iter().any(|j| self.plan[j.0].reads_everything)).then_some(own)
    }

    /// Makes page `id`'s own value again after `model::placing` placed it (`html`: its
    /// HTML), with its related pages, neighbours and connected analyses, and lets the
    /// templates find the terms it is the first to carry. The values that list the page
    /// are left as they were: the model is built again next.
    pub(crate) fn show_page(&mut self, site: &Site, id: PageId, html: &str, new_terms: &[NewTerm]) {
        self.data.refs[id.0] = super::context::page_ref(site.page(id), &site.config.base_path);
        let html = Value::safe_string(html);
        self.data.page_html.set(id, html.clone());
        let value = page_value(site, id, &self.data.refs, &html, &self.data.shape);
        self.data.page_values[id.0] = value.clone();
        self.data.connected.forget(id);
        self.templates.update_lookups(|l| {
            l.pages.insert(site.page(id).file.content_path.clone(), value);
            for term in new_terms {
                let taxonomy = site.taxonomy(term.taxonomy);
                if let Some((_, urls)) = l
                    .taxonomies
                    .get_mut(&(taxonomy.lang.clone(), taxonomy.config.name.clone()))
                {
                    urls.insert(term.name.clone(), term.permalink.clone());
                    urls.insert(term.slug.clone(), term.permalink.clone());
                }
            }
        });
    }

    /// Takes the new title or description of page `id` into the small reference other
    /// pages' values hold of it (as their related pages and neighbours); the values that
    /// hold it are then remade by [`Prepared::update_pages`]. Returns the outputs that show
    /// a page's title in no page value: the timeline's data and calendar, the collections
    /// (judgments, sources, indicators), the archive's index and the front page, in the
    /// page's language.
    pub(crate) fn retitle(&mut self, site: &Site, id: PageId) -> Vec<JobId> {
        let page = site.page(id);
        self.data.refs[id.0] = super::context::page_ref(page, &site.config.base_path);
        let lang = Lang::of(site, &page.lang);
        self.ids()
            .filter(|i| match &self.plan[i.0].job {
                Job::TimelineJson(l)
                | Job::TimelineIcs(l)
                | Job::Collection(l, _)
                | Job::Archive(l, ArchivePage::Index) => *l == lang,
                // Its `front` and `home_sections` show titles of other sections' pages.
                Job::SectionPager { section, .. } => {
                    site.section(*section).is_root() && site.section(*section).lang == page.lang
                }
                // Shown through page values (`update_pages`), events (`update_events`),
                // the link graph (`graph_jobs`) or the search index (`update_search`).
                Job::Page(_)
                | Job::Archive(..)
                | Job::TaxonomyList(_)
                | Job::TermPager { .. }
                | Job::Feed { .. }
                | Job::SiteGraph(_)
                | Job::GraphJson(_)
                | Job::Timeline(..)
                | Job::TermTimeline(..)
                | Job::Redirect { .. }
                | Job::NotFound
                | Job::SearchIndex(_)
                | Job::SearchFilters(_)
                | Job::SearchShard(..)
                | Job::SearchBundle(..)
                | Job::Bytes(_)
                | Job::Copy(_) => false,
            })
            .collect()
    }

    /// Re-makes the events recorded by `pages`, whose backlinks changed (an event shows the
    /// analyses citing it), and returns the outputs showing an event that changed.
    pub(crate) fn update_events(&mut self, site: &Site, pages: &[PageId]) -> Result<Vec<JobId>, Diagnostics> {
        let events: Vec<EventId> = site
            .event_ids()
            .filter(|e| pages.contains(&site.event(*e).page))
            .collect();
        let anchors = timeline::Anchors::new(site, self.data.today);
        let mut keys = timeline::FilterKeys::default();
        let fresh: Vec<Value> = events
            .iter()
            .map(|e| timeline::event_value(site, site.event(*e), &self.data.refs, (&anchors, &mut keys)))
            .collect();
        // Without their HTML where it is made when shown: it follows from the value.
        let fresh = match self.data.event_html {
            Some(_) => fresh,
            None => with_event_html(&self.templates, fresh)?,
        };
        let mut changed: Vec<EventId> = Vec::new();
        for (e, value) in events.into_iter().zip(fresh) {
            if self.data.event_values[e.0] != value {
                self.data.event_values[e.0] = value;
                if let Some(html) = &mut self.data.event_html {
                    html.forget(e);
                }
                changed.push(e);
            }
        }
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        let shows = |list: Option<&Vec<EventId>>| list.is_some_and(|l| l.iter().any(|e| changed.contains(e)));
        // A timeline's first page shows every event (in its strip, if not listed); a
        // year's page, only that year's.
        let in_year = |list: &[EventId], year: Option<i16>| {
            list.iter()
                .any(|e| changed.contains(e) && year.is_none_or(|y| site.event(*e).date.year == y))
        };
        Ok(self
            .ids()
            .filter(|i| match &self.plan[i.0].job {
                Job::Timeline(lang, year) => in_year(&self.data.lang_events[lang.0], *year),
                Job::TermTimeline(term, year) => {
                    in_year(self.data.term_events.get(term).map_or(&[], Vec::as_slice), *year)
                }
                Job::TermPager { term, .. } => shows(self.data.term_events.get(term)),
                Job::Page(p) => shows(self.data.page_events.get(p)),
                // A front page lists the latest events of its language.
                Job::SectionPager { section, index } => {
                    let s = site.section(*section);
                    *index == 1
                        && s.is_root()
                        && changed
                            .iter()
                            .any(|e| site.page(site.event(*e).page).lang == s.lang)
                }
                // The timeline's data files are not made from the event values.
                Job::TaxonomyList(_)
                | Job::Feed { .. }
                | Job::SiteGraph(_)
                | Job::Collection(..)
                | Job::GraphJson(_)
                | Job::Archive(..)
                | Job::TimelineJson(_)
                | Job::TimelineIcs(_)
                | Job::Redirect { .. }
                | Job::NotFound
                | Job::SearchIndex(_)
                | Job::SearchFilters(_)
                | Job::SearchShard(..)
                | Job::SearchBundle(..)
                | Job::Bytes(_)
                | Job::Copy(_) => false,
            })
            .collect())
    }

    /// A page's search terms as they are now, to pass to [`Prepared::update_search`] after
    /// the page changes.
    pub(crate) fn search_terms(&self, site: &Site, id: PageId) -> std::collections::BTreeMap<String, u8> {
        let built = self.data.search.as_ref().is_some_and(|i| i.get().is_some());
        if built && search::indexed(site, id) {
            search::doc_terms(site, id)
        } else {
            Default::default()
        }
    }

    /// Updates the search index after an edit to one page's text (`old` its terms before)
    /// and returns the outputs that changed: the page's document and the shards of the
    /// terms it gained or lost. An index not built yet is built from the site as it is
    /// when a shard is first rendered.
    pub(crate) fn update_search(
        &mut self,
        site: &Site,
        id: PageId,
        old: &std::collections::BTreeMap<String, u8>,
    ) -> Vec<JobId> {
        let shards = match self.data.search.as_mut().map(std::sync::OnceLock::get_mut) {
            None => return Vec::new(),
            Some(None) => std::collections::BTreeSet::new(),
            Some(Some(index)) => index.update(site, id, old),
        };
        self.ids()
            .filter(|i| match &self.plan[i.0].job {
                Job::SearchBundle(lang, k) => {
                    *lang == Lang::of(site, &site.page(id).lang) && *k == search::bundle_of(id)
                }
                Job::SearchShard(lang, n) => shards.contains(&(*lang, *n)),
                // The index's list of documents and its filters hold no page's text.
                Job::SearchIndex(_)
                | Job::SearchFilters(_)
                | Job::Page(_)
                | Job::SectionPager { .. }
                | Job::TaxonomyList(_)
                | Job::TermPager { .. }
                | Job::Feed { .. }
                | Job::SiteGraph(_)
                | Job::Collection(..)
                | Job::GraphJson(_)
                | Job::Archive(..)
                | Job::Timeline(..)
                | Job::TermTimeline(..)
                | Job::TimelineJson(_)
                | Job::TimelineIcs(_)
                | Job::Redirect { .. }
                | Job::NotFound
                | Job::Bytes(_)
                | Job::Copy(_) => false,
            })
            .collect()
    }

    /// What every output depends on: the templates (any change to any template changes
    /// every fingerprint) and the globals, hashed with what `memo` remembers.
    pub(super) fn seed(&self, site: &Site, memo: &fingerprint::Memo) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = crate::digest::fingerprinter();
        for (name, source) in &self.templates.sources {
            name.hash(&mut h);
            source.text.hash(&mut h);
        }
        for (key, value) in &globals(&self.templates, site).0 {
            key.hash(&mut h);
            h.write_u64(memo.hash(value));
        }
        h.finish()
    }

    /// Notes each event's key for its HTML (`keys`, from
    /// [`Prepared::fingerprints_and_event_keys`]), and takes `earlier` to show the HTML of
    /// the events whose key it holds as it was made, rather than render it again.
    pub(crate) fn take_event_html(&mut self, keys: Vec<u64>, earlier: Option<event_html::Kept>) {
        if let Some(html) = &mut self.data.event_html {
            html.take(keys, earlier.unwrap_or_default());
        }
    }

    /// How many events' HTML rendering made, and how many it took from an earlier build
    /// (`None` when it is made with the values).
    pub(crate) fn event_html_counts(&self) -> Option<(usize, usize)> {
        self.data.event_html.as_ref().map(event_html::EventHtml::counts)
    }

    /// The events' HTML made or taken so far, for a later build to take (`None` when it
    /// is made with the values, or no keys were noted).
    pub(crate) fn event_html(&self) -> Option<event_html::Kept> {
        self.data.event_html.as_ref()?.keep()
    }

    /// A fingerprint of what each planned output is made from, in plan order: the same
    /// fingerprint as an earlier build's means the same bytes. `None` for outputs that are
    /// rendered every time: those made with a template that can read any page, the
    /// search index's shards and lists, copied files. (The timeline's and the graph's
    /// data, the timeline's calendar and the feeds are fingerprinted by what they write.)
    pub(crate) fn fingerprints(&self, site: &Site) -> Vec<Option<u64>> {
        self.fingerprints_and_event_keys(site, None).0
    }

    /// [`Prepared::fingerprints`], and each event's key for its HTML (see
    /// [`event_html::Kept`]): a hash of what every output depends on (the templates and
    /// the globals) and of the event's value, which is all the event partial reads when
    /// its HTML is made when shown.
    /// With `only`, only those outputs' fingerprints are made, the others' left `None`.
    pub(crate) fn fingerprints_and_event_keys(
        &self,
        site: &Site,
        only: Option<&[JobId]>,
    ) -> (Vec<Option<u64>>, Vec<u64>) {
        let mut memo = fingerprint::Memo::default();
        memo.add(&self.data.refs);
        memo.add(&self.data.page_values);
        memo.add(&self.data.event_values);
        memo.add(&self.data.section_refs);
        memo.add(&self.data.section_refs_uncounted);
        memo.add(&self.data.taxonomy_refs);
        memo.add(&self.data.section_values);
        let terms: Vec<Value> = self.data.term_values.iter().flatten().cloned().collect();
        memo.add(&terms);
        memo.add(&self.data.taxonomy_values);
        let seed = self.seed(site, &memo);
        let known = fingerprint::Known {
            shown: super::connected::Shown::new(site),
            refs: self.data.refs.iter().map(|r| memo.hash(r)).collect(),
            memo,
        };
        let timelines = self.data.timeline_preludes();
        let fingerprint_of = |planned: &Planned| {
            use std::hash::{Hash, Hasher};
            let mut h = crate::digest::fingerprinter();
            if planned.reads_everything {
                return None;
            }
            seed.hash(&mut h);
            planned.template.hash(&mut h);
            match &planned.job {
                Job::Bytes(bytes) => bytes.hash(&mut h),
                Job::Redirect { to } => to.hash(&mut h),
                Job::SearchBundle(lang, k) => search::hash_bundle(site, *lang, *k, &mut h),
                // What they write, hashed before it is written out.
                Job::GraphJson(lang) => graph::hash_graph_json(site, *lang, &mut h),
                Job::TimelineJson(lang) => timeline::hash_json(site, *lang, self.data.today, &mut h),
                Job::TimelineIcs(lang) => timeline::hash_ics(site, *lang, &mut h),
                Job::Feed { of, format } => {
                    let feed = feeds::of(site, of, *format);
                    let digest = |id: PageId| self.data.page_html.digest(id);
                    feeds::hash(site, &digest, &feed, *format, &mut h)?;
                }
                // Made from more than the values hashed here: rendered every time.
                Job::SearchIndex(_) | Job::SearchFilters(_) | Job::SearchShard(..) | Job::Copy(_) => {
                    return None;
                }
                Job::Page(_)
                | Job::SectionPager { .. }
                | Job::TaxonomyList(_)
                | Job::TermPager { .. }
                | Job::Archive(..)
                | Job::Timeline(..)
                | Job::TermTimeline(..)
                | Job::SiteGraph(_)
                | Job::Collection(..)
                | Job::NotFound => {
                    let parts = template_context(
                        site,
                        &self.data,
                        planned,
                        (Purpose::Fingerprint(&known), &timelines),
                        None,
                    )?;
                    for (key, value) in &parts.0 {
                        key.hash(&mut h);
                        h.write_u64(known.memo.hash(value));
                    }
                }
            }
            Some(h.finish())
        };
        let ids = match only {
            Some(only) => self.largest_first(only.iter().copied()),
            None => self.largest_first(self.ids()),
        };
        let made: Vec<(JobId, Option<u64>)> = ids
            .into_par_iter()
            .map(|id| (id, fingerprint_of(&self.plan[id.0])))
            .collect();
        let mut fingerprints = vec![None; self.plan.len()];
        for (id, fingerprint) in made {
            fingerprints[id.0] = fingerprint;
        }
        let event_keys = self
            .data
            .event_values
            .par_iter()
            .map(|value| {
                use std::hash::Hasher;
                let mut h = crate::digest::fingerprinter();
                h.write_u64(seed);
                h.write_u64(known.memo.hash(value));
                h.finish()
            })
            .collect();
        (fingerprints, event_keys)
    }

    /// The outputs drawn from the link graph: `graph.json` and the `/graph/` page.
    pub(crate) fn graph_jobs(&self) -> impl Iterator<Item = JobId> {
        self.ids()
            .zip(&self.plan)
            .filter(|(_, p)| match p.job {
                Job::GraphJson(_) | Job::SiteGraph(_) => true,
                // A page's connections SVG is rendered with the page, which `update_pages`
                // covers: the pages whose backlinks or related pages changed.
                Job::Page(_)
                | Job::SectionPager { .. }
                | Job::TaxonomyList(_)
                | Job::TermPager { .. }
                | Job::Feed { .. }
                | Job::Collection(..)
                | Job::Archive(..)
                | Job::Timeline(..)
                | Job::TermTimeline(..)
                | Job::TimelineJson(_)
                | Job::TimelineIcs(_)
                | Job::Redirect { .. }
                | Job::NotFound
                | Job::SearchIndex(_)
                | Job::SearchFilters(_)
                | Job::SearchShard(..)
                | Job::SearchBundle(..)
                | Job::Bytes(_)
                | Job::Copy(_) => false,
            })
            .map(|(i, _)| i)
    }
}
