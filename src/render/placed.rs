//! The values and outputs after `serve` placed one page again (`model::placing`): its
//! terms or weight changed, not its date. The model is settled by then; this remakes
//! the values that hold what moved and returns every output that can show it, so that
//! the rest of the site follows the page without the model being built again.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::job::{FeedOf, Job, Lang};
use super::sitemap;
use super::timeline;
use super::{JobId, Prepared};
use crate::model::placing::Before;
use crate::model::site::{EventId, PageId, SectionId, Site, TaxonomyId, TermId};

impl Prepared {
    /// After page `id` was placed again and the model settled (`changed`: the pages whose
    /// related pages or neighbours changed, `id` first), remakes the values holding them
    /// and the terms, events and search entries that moved, and returns the outputs to
    /// render. `search_before`: the page's search terms before the edit. `None`, with
    /// nothing changed, when the edit changes which outputs there are (a term's timeline
    /// gains or loses a year, a term's pager a page), or the sitemap's files, or the theme
    /// makes the outputs impossible to tell: a whole build does it.
    pub(crate) fn settle_placed(
        &mut self,
        site: &Site,
        id: PageId,
        before: &Before,
        changed: &[PageId],
        search_before: &BTreeMap<String, u8>,
    ) -> Option<Vec<JobId>> {
        if self.event_partial_reads_everything {
            return None;
        }
        let by_term = timeline::events_by_term(site);
        let term_events: HashMap<TermId, Vec<EventId>> = by_term.iter().cloned().collect();
        // The terms whose lists changed, and whose outputs must all be there still.
        let moved: Vec<(TermId, usize)> = before.moved_terms(site).collect();
        for (t, old) in &moved {
            let taxonomy = site.taxonomy(t.taxonomy);
            let pagers = |n: usize| match taxonomy.config.paginate_by {
                Some(per) => n.div_ceil(per).max(1),
                None => 1,
            };
            let years = |events: Option<&Vec<EventId>>| {
                events.map(|e| timeline::pages(site, Some(e), self.data.today))
            };
            if pagers(*old) != pagers(site.term(*t).pages.len())
                || years(self.data.term_events.get(t)) != years(term_events.get(t))
            {
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
        let html = self.data.page_values[id.0]
            .get_from_path("content")
            .and_then(|c| c.as_str().map(str::to_owned))
            .unwrap_or_default();
        jobs.extend(self.update_pages(site, changed, (id, &html))?);
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
        jobs.extend(self.update_events(site, &[id]).ok()?);
        jobs.extend(self.update_search(site, id, search_before));

        let page = site.page(id);
        let lang = Lang::of(site, &page.lang);
        let touched: Vec<TermId> = before.touched_terms().collect();
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
            Job::TermPager { term, .. } => touched.contains(term),
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
                FeedOf::Term(t) => touched.contains(t),
            },
            // Each year's count of the term's events changed, on every page.
            Job::TermTimeline(t, _) => moved.iter().any(|(m, _)| m == t),
            // The filters count each term's events.
            Job::Timeline(l, _) => filters_changed && *l == lang,
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
