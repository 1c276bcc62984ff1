//! The values and outputs after `serve` placed one page again (`model::placing`): its
//! terms, weight or date changed. The model is settled by then; this remakes the values
//! that hold what moved and returns every output that can show it, so that the rest of
//! the site follows the page without the model being built again.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::archive;
use super::job::{ArchivePage, FeedOf, Job, Lang};
use super::sitemap;
use super::timeline;
use super::{JobId, Prepared};
use crate::model::placing::{Before, Settled};
use crate::model::site::{EventId, PageId, SectionId, Site, TaxonomyId, TermId};

impl Prepared {
    /// After page `id` was placed again and the model settled (`settled`: the pages whose
    /// values or events show what moved, and the timeline's new order), remakes the
    /// values holding them and the terms, events, archive and search entries that moved,
    /// and returns the outputs to render. `search_before`: the page's search terms before
    /// the edit. `None`, with nothing changed, when the edit changes which outputs there
    /// are (a timeline or the archive gains or loses a year or month, a term's pager a
    /// page), or the sitemap's files, or the theme makes the outputs impossible to tell:
    /// a whole build does it.
    pub(crate) fn settle_placed(
        &mut self,
        site: &Site,
        id: PageId,
        before: &Before,
        settled: &Settled,
        search_before: &BTreeMap<String, u8>,
    ) -> Option<Vec<JobId>> {
        if self.event_partial_reads_everything {
            return None;
        }
        let page = site.page(id);
        let lang = Lang::of(site, &page.lang);
        let by_term = timeline::events_by_term(site);
        let term_events: HashMap<TermId, Vec<EventId>> = by_term.iter().cloned().collect();
        let lang_events = timeline::events_by_lang(site);
        let touched: Vec<TermId> = before.touched_terms().collect();
        // The page's event moved to another month: every page of the timelines showing
        // it counts each month's events.
        let month = |d: Option<crate::dates::DateValue>| d.map(|d| (d.date.year(), d.date.month()));
        let new_month = settled.events_from.is_some() && month(before.date) != month(page.date);
        // Each timeline of the language and of the page's terms keeps its pages (its
        // years), where timelines are made: a term's events or their dates changed. The
        // plan is gone over once, whatever the number of terms the page carries.
        let touching: HashSet<TermId> = touched.iter().copied().collect();
        let mut planned: HashMap<Option<TermId>, Vec<Option<i16>>> = HashMap::new();
        for p in &self.plan {
            match p.job {
                Job::Timeline(l, year) if l == lang => planned.entry(None).or_default().push(year),
                Job::TermTimeline(t, year) if touching.contains(&t) => {
                    planned.entry(Some(t)).or_default().push(year);
                }
                _ => {}
            }
        }
        let kept = |timeline: Option<TermId>, events: Option<&Vec<EventId>>| {
            let mut planned = planned.get(&timeline).cloned().unwrap_or_default();
            let mut now = events.map_or_else(Vec::new, |e| timeline::pages(site, Some(e), self.data.today));
            planned.sort_unstable();
            now.sort_unstable();
            planned == now
        };
        if planned.contains_key(&None)
            && (!kept(None, lang_events.get(lang.0))
                || !touched
                    .iter()
                    .all(|t| !site.taxonomy(t.taxonomy).config.render || kept(Some(*t), term_events.get(t))))
        {
            return None;
        }
        // The archive keeps its years and months.
        let archive = archive::build_all(site);
        let shape = |a: &[archive::Archive]| -> Vec<Vec<(i16, Vec<i8>)>> {
            a.iter()
                .map(|a| {
                    a.years
                        .iter()
                        .map(|(y, months)| (*y, months.iter().map(|(m, _)| *m).collect()))
                        .collect()
                })
                .collect()
        };
        if shape(&archive) != shape(&self.data.archive) {
            return None;
        }
        // The terms whose lists changed, and whose outputs must all be there still.
        let moved: Vec<(TermId, usize)> = before.moved_terms(site).collect();
        for (t, old) in &moved {
            let taxonomy = site.taxonomy(t.taxonomy);
            let pagers = |n: usize| match taxonomy.config.paginate_by {
                Some(per) => n.div_ceil(per).max(1),
                None => 1,
            };
            if pagers(*old) != pagers(site.term(*t).pages.len()) {
                return None;
            }
        }
        let sitemap = self.sitemap_files(site)?;

        // Every check passed: from here the values change.
        let mut jobs: HashSet<JobId> = HashSet::new();
        for (job, bytes) in sitemap {
            if let Job::Bytes(old) = &self.plan[job.0].job
                && **old != *bytes
            {
                self.plan[job.0].job = Job::Bytes(bytes.into());
                jobs.insert(job);
            }
        }
        let old_filters =
            std::mem::replace(&mut self.data.filters, timeline::filters_by_lang(site, &by_term));
        self.data.term_events = term_events;
        self.data.archive = archive;
        if let Some(from) = &settled.events_from {
            // The events keep their values in their new places.
            let mut old = std::mem::take(&mut self.data.event_values);
            self.data.event_values = from
                .iter()
                .map(|e| std::mem::replace(&mut old[e.0], tera::Value::none()))
                .collect();
            if let Some(html) = &mut self.data.event_html {
                html.reorder(from);
            }
            self.data.lang_events = lang_events;
            self.data.page_events = timeline::events_by_page(site);
        }
        let html = self.data.page_html.kept(id)?.as_str().unwrap_or("").to_owned();
        jobs.extend(self.update_pages(site, &settled.changed, (id, &html))?);
        // The terms that no longer list the page, which `update_pages` finds by their pages.
        let mut taxonomies: Vec<TaxonomyId> = Vec::new();
        for t in &before.terms {
            self.data.term_values[t.taxonomy.0][t.index] = self.data.term_value(site, *t);
            taxonomies.push(t.taxonomy);
        }
        taxonomies.extend(before.touched_terms().map(|t| t.taxonomy));
        taxonomies.sort_unstable_by_key(|t| t.0);
        taxonomies.dedup();
        self.remake_taxonomies(site, &taxonomies);
        jobs.extend(self.update_events(site, &settled.cited).ok()?);
        jobs.extend(self.update_search(site, id, search_before));

        let redated = page.date != before.date || page.meta.updated != before.updated;
        let reordered: Vec<SectionId> = before
            .section_pages
            .iter()
            .filter(|(s, old)| site.section(*s).pages != *old)
            .map(|(s, _)| *s)
            .collect();
        let filters_changed = old_filters != self.data.filters;
        jobs.extend(self.ids().filter(|i| match &self.plan[i.0].job {
            // A list whose order or pages changed: each of its pages (the page's place in
            // it moved the others), and the list of its taxonomy's terms.
            Job::TermPager { term, .. } => touching.contains(term),
            Job::SectionPager { section, .. } => {
                // Every page of a home page shows other sections' pages (`home_sections`),
                // its first the newest (`front`).
                reordered.contains(section) || site.section(*section).is_root()
            }
            Job::TaxonomyList(t) => taxonomies.contains(t),
            Job::Feed { of, .. } => match of {
                FeedOf::Site => page.lang == site.config.default_language,
                FeedOf::Language(l) => page.lang == site.config.languages[*l].code,
                FeedOf::Section(s) => site.section(*s).pages.contains(&id),
                FeedOf::Term(t) => touching.contains(t),
            },
            // Each year's count of the term's events changed, on every page; so did two
            // months' counts after the page's event moved (within a month, the pages
            // listing it are `update_events`'s).
            Job::TermTimeline(t, _) => {
                moved.iter().any(|(m, _)| m == t) || (touching.contains(t) && new_month)
            }
            // The filters count each term's events.
            Job::Timeline(l, _) => *l == lang && (filters_changed || new_month),
            // The years' and months' counts are on every page; a year's and a month's
            // pages list their analyses by date.
            Job::Archive(l, at) if *l == lang && redated => match at {
                ArchivePage::Index => true,
                ArchivePage::Year(y) => new_month || Some(*y) == page.date.map(|d| d.date.year()),
                ArchivePage::Month(y, m) => new_month || Some((*y, *m)) == month(page.date),
            },
            // Made from the terms and pages of a language, whole.
            Job::SearchIndex(l)
            | Job::SearchFilters(l)
            | Job::Collection(l, _)
            | Job::GraphJson(l)
            | Job::SiteGraph(l) => *l == lang,
            Job::Archive(l, super::job::ArchivePage::Index) => *l == lang,
            Job::NotFound => true,
            // Found above: by the pages and events that changed, and the sitemap.
            Job::Page(_)
            | Job::Archive(..)
            | Job::TimelineJson(_)
            | Job::TimelineIcs(_)
            | Job::SearchShard(..)
            | Job::SearchBundle(..)
            | Job::Redirect { .. }
            | Job::Bytes(_)
            | Job::Copy(_) => false,
        }));
        // The timeline's data and calendar hold each event's terms.
        jobs.extend(self.ids().filter(
            |i| matches!(&self.plan[i.0].job, Job::TimelineJson(l) | Job::TimelineIcs(l) if *l == lang),
        ));
        let mut jobs: Vec<JobId> = jobs.into_iter().collect();
        jobs.sort_unstable();
        Some(jobs)
    }

    /// The sitemap's files as the site is now, each with the planned output it replaces;
    /// `None` when they are other files than planned. Empty when the site makes none.
    fn sitemap_files(&self, site: &Site) -> Option<Vec<(JobId, Vec<u8>)>> {
        let planned: Vec<&str> = self
            .plan
            .iter()
            .filter(|p| matches!(p.job, Job::Bytes(_)) && p.origin.starts_with("generate_sitemap"))
            .map(|p| p.path.as_str())
            .collect();
        if planned.is_empty() {
            return Some(Vec::new());
        }
        let entries = sitemap::entries(site, self.plan.iter().map(|p| &p.job));
        let files = sitemap::files(site, &entries);
        if files.len() != planned.len() {
            return None;
        }
        files
            .into_iter()
            .map(|(path, xml)| {
                let at = self.plan.binary_search_by(|p| p.path.as_str().cmp(&path)).ok()?;
                planned
                    .contains(&path.as_str())
                    .then(|| (JobId(at), xml.into_bytes()))
            })
            .collect()
    }
}
