//! Turns the site model into output files: every page, section pager, taxonomy page,
//! redirect and copied file is a job; jobs render in parallel and hand their bytes to a
//! [`Sink`]. Rendering does no I/O of its own beyond the sink.
//!
//! [`prepare`] makes the template values every job shares (`values`) and plans the jobs
//! (`plan`, with the vocabulary in `job`); [`Prepared::render`] makes any subset of the
//! plan (`output`); `update` patches a [`Prepared`] after an edit, for `serve`.

mod added;
pub(crate) mod archive;
pub(crate) mod calls;
mod collections;
mod connected;
pub(crate) mod context;
mod data;
pub(crate) mod documents;
pub(crate) mod event_html;
pub(crate) mod exports;
pub(crate) mod feeds;
mod field_reads;
pub(crate) mod fingerprint;
mod front;
pub(crate) mod graph;
mod html_values;
mod job;
mod margin_notes;
mod minify;
mod output;
mod page_value;
mod placed;
mod plan;
pub(crate) mod profile;
mod responsive_images;
pub(crate) mod search;
mod sitemap;
mod tag_balance;
mod template_names;
pub(crate) mod templates;
mod tera1;
pub(crate) mod timeline;
mod unrendered;
mod update;
mod values;
mod words;

pub(crate) use job::JobId;
pub(crate) use template_names::check_templates;

use rayon::prelude::*;
use tera::Value;

use crate::config::OwnPage;
use crate::diagnostic::Diagnostics;
use crate::model::site::{Html, HtmlRef, PageHtml, PageId, SectionId, Site, TaxonomyId, TermId};
use crate::theme::StaticSource;
use crate::write::Sink;
use event_html::{EVENT_PARTIAL, with_event_html};
use field_reads::{SECTION, SECTION_COUNT};
use job::{FromModel, Job, Planned};
use page_value::{Field, page_value};
use templates::Templates;
use values::{Data, build_lookups, set_globals};

/// What rendering did; the write stage reports its own ([`crate::write::WriteStats`]).
pub(crate) struct RenderStats {
    pub files: usize,
    pub images: crate::images::Written,
}

/// Everything rendering needs besides the model: the templates, the shared template
/// values and the list of output files. Made once per full build; `serve` keeps it and
/// patches it when an edit changes one page.
pub(crate) struct Prepared {
    templates: Templates,
    data: Data,
    plan: Vec<Planned>,
    /// Whether the event partial, rendered once for every output showing an event, calls a
    /// function that reads any page.
    event_partial_reads_everything: bool,
    /// Warnings found while planning (an unknown highlighting theme), for the build to
    /// report.
    warnings: Diagnostics,
    /// Whether the search index's outputs were written before the values were made
    /// ([`search::Start::Written`]): planned, checked and counted, but not rendered.
    search_written: bool,
    /// [`Inputs::exports_written`].
    exports_written: bool,
}

/// What rendering is given besides the model and the templates. Everything render reads
/// from outside the model is here: it reads no clock and no environment variable.
pub(crate) struct Inputs<'a> {
    /// Files copied as they are (the theme's and the site's `static/`), by output path.
    pub static_files: &'a std::collections::BTreeMap<String, StaticSource>,
    /// CSS compiled from Sass, by output path.
    pub stylesheets: &'a std::collections::BTreeMap<String, crate::sass::Stylesheet>,
    /// The site folder, for the files under `content/` copied beside their pages.
    pub root: &'a std::path::Path,
    /// The day of the build, which separates past from upcoming events unless
    /// `[timeline] today` says otherwise (see [`crate::build::today`]).
    pub today: jiff::civil::Date,
    /// Whether each output is rendered at most once (a build, not `serve`), so that
    /// values only one output shows need not be kept once it is made.
    pub renders_once: bool,
    /// Whether the events' HTML is made with their values, by a build that keeps nothing
    /// for the next (not `serve`, nor one with the build cache, which take HTML an
    /// earlier build made): each event then holds one value, not one without its HTML
    /// and one with it.
    pub event_html_ahead: bool,
    /// Whether every page's HTML is kept once the outputs showing it are made: for
    /// `serve`, which renders them again, and for the build cache, which stores it.
    /// Otherwise each page's goes with the last of them.
    pub html_kept: bool,
    /// Whether the exports (`exports::files`) are in the sink already, written before
    /// the values were made: planned, checked and counted, but not rendered.
    pub exports_written: bool,
}

/// Builds the shared template values and plans every output file. The pages' HTML is
/// moved into template values, where [`Prepared::page_content`] finds it.
pub(crate) fn prepare(
    site: &Site,
    html: PageHtml,
    templates: Templates,
    inputs: &Inputs,
    search: search::Start,
) -> Result<Prepared, Diagnostics> {
    let mut diags = Diagnostics::new();

    let refs = context::page_refs(site);
    let mut templates = templates;
    set_globals(&mut templates, site);

    let searched = search::any_enabled(site);
    let search_written = searched && matches!(search, search::Start::Written);
    let (search, records) = match search {
        _ if !searched => (None, None),
        search::Start::Written => (None, None),
        search::Start::Empty => (Some(std::sync::OnceLock::new()), None),
        // `serve` keeps the records it compresses, to compress only the changed ones again.
        search::Start::Earlier(kept) => (
            Some(kept.index.map_or_else(std::sync::OnceLock::new, |index| {
                std::sync::OnceLock::from(index.refreshed(site))
            })),
            Some(search::Compressed::Kept(kept.records)),
        ),
        search::Start::Ahead(ahead) => {
            let (index, records) = ahead.into_parts();
            (Some(std::sync::OnceLock::from(index)), Some(records))
        }
    };
    words::check_dates(&site.config, &mut diags);
    let shape = page_value::Shape::of(site, &templates);
    let apart = shape.apart;
    // The pages' values are made beside the plan, which reads none of them.
    let (pages, (term_events, archive, plan)) = rayon::join(
        // Each page's HTML becomes a template value, which its page value shares unless
        // the templates read it off the page's own output alone; HTML the build cache
        // stores stays there unless the shared values hold it.
        || -> Result<(Vec<Value>, Vec<html_values::Page>), html_values::Unshown> {
            html.into_pages()
                .map(|(id, content)| {
                    let html = match content {
                        Html::Stored(stored) if apart.has(Field::Content) => {
                            return Ok((
                                page_value(site, id, &refs, &Value::safe_string(""), &shape),
                                html_values::Page::Stored(stored),
                            ));
                        }
                        Html::Packed(packed) if apart.has(Field::Content) => {
                            return Ok((
                                page_value(site, id, &refs, &Value::safe_string(""), &shape),
                                html_values::Page::Packed(packed),
                            ));
                        }
                        Html::Stored(stored) => stored.read().map_err(html_values::Unshown::Unread)?,
                        Html::Packed(packed) => packed.unpack().map_err(html_values::Unshown::Unpacked)?,
                        Html::Made(text) => text,
                    };
                    let html = Value::safe_string(&html);
                    Ok((
                        page_value(site, id, &refs, &html, &shape),
                        html_values::Page::Made(html),
                    ))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|pairs| pairs.into_iter().unzip())
        },
        || {
            let term_events = timeline::events_by_term(site);
            let archive = archive::build_all(site);
            let plan = plan::plan(
                site,
                inputs.static_files,
                inputs.stylesheets,
                inputs.root,
                &templates,
                plan::Derived {
                    term_events: &term_events,
                    archive: &archive,
                    search: search.is_some() || search_written,
                    today: timeline::today(site, inputs.today),
                },
                &mut diags,
            );
            (term_events, archive, plan)
        },
    );
    let unread =
        |e: html_values::Unshown| -> Diagnostics { std::iter::once(e.diagnostic("the site")).collect() };
    let (page_values, page_html) = pages.map_err(unread)?;
    // An event's HTML is made when an output showing it is rendered, unless the event
    // partial reads other pages (then fingerprints need it made, with the values) or
    // the build keeps nothing for the next: then it is made below, once the lookups the
    // partial may call are complete.
    // Without timelines, an event's HTML shows only where a site's own template asks.
    let ahead = inputs.event_html_ahead && site.config.makes(OwnPage::Timeline);
    let html_when_shown = !ahead
        && templates.has(EVENT_PARTIAL)
        && !templates
            .reads_everything()
            .get(EVENT_PARTIAL)
            .copied()
            .unwrap_or(false);
    let event_values = timeline::event_values(site, &refs, timeline::today(site, inputs.today));
    let event_html = html_when_shown.then(|| event_html::EventHtml::new(event_values.len()));
    let page_events = timeline::events_by_page(site);
    let section_refs: Vec<Value> = site
        .sections
        .iter()
        .map(|s| context::section_ref(site, s))
        .collect();
    let mut data = Data {
        connected: connected::Connected::new(site, !inputs.renders_once),
        filters: timeline::filters_by_lang(site, &term_events),
        lang_events: timeline::events_by_lang(site),
        languages: values::language_values(&templates, site),
        event_values,
        event_html,
        term_events: term_events.into_iter().collect(),
        page_events,
        section_values: Vec::new(),
        section_refs_uncounted: section_refs.iter().map(context::section_ref_uncounted).collect(),
        section_refs,
        taxonomy_values: Vec::new(),
        term_values: Vec::new(),
        taxonomy_refs: site
            .taxonomies
            .iter()
            .map(|t| context::taxonomy_ref(site, t))
            .collect(),
        page_values,
        refs,
        page_html: html_values::HtmlValues::new(
            page_html,
            (!inputs.html_kept).then(|| html_values::uses(site, &plan)),
        )
        .map_err(unread)?,
        shape,
        archive,
        search,
        records,
        today: timeline::today(site, inputs.today),
        compiled: inputs
            .stylesheets
            .iter()
            .map(|(path, sheet)| {
                let css = data::CompiledCss::new(sheet.css.clone());
                (path.clone(), std::sync::Arc::new(css))
            })
            .collect(),
    };
    data.section_values = (0..site.sections.len())
        .map(|i| data.section_value(site, SectionId(i)))
        .collect();
    data.term_values = site
        .taxonomies
        .iter()
        .enumerate()
        .map(|(t, taxonomy)| {
            (0..taxonomy.terms.len())
                .map(|index| {
                    let id = TermId {
                        taxonomy: TaxonomyId(t),
                        index,
                    };
                    data.term_value(site, id)
                })
                .collect()
        })
        .collect();
    data.taxonomy_values = (0..site.taxonomies.len())
        .map(|i| data.taxonomy_value(site, TaxonomyId(i)))
        .collect();
    templates.set_lookups(build_lookups(site, &data));
    if diags.has_errors() {
        return Err(diags);
    }
    // No lookup holds an event's value, so each is extended where it is.
    if !html_when_shown {
        data.event_values = with_event_html(&templates, std::mem::take(&mut data.event_values))?;
    }
    let mut prepared = Prepared {
        templates,
        data,
        plan,
        event_partial_reads_everything: false,
        warnings: diags,
        search_written,
        exports_written: inputs.exports_written,
    };
    prepared.mark_readers();
    Ok(prepared)
}

impl Prepared {
    /// The warnings found while planning, once.
    pub(crate) fn take_warnings(&mut self) -> Diagnostics {
        std::mem::take(&mut self.warnings)
    }

    /// Marks the planned outputs (and the event partial) whose templates can read any page.
    fn mark_readers(&mut self) {
        let reads = self.templates.reads_everything();
        let reads_any = |name: &str| reads.get(name).copied().unwrap_or(false);
        let mut asked: std::collections::HashMap<String, (bool, job::Shows)> =
            std::collections::HashMap::new();
        for planned in &mut self.plan {
            planned.reads_everything = planned.template.as_deref().is_some_and(reads_any);
            if let (Job::Page(_), Some(name)) = (&planned.job, &planned.template) {
                // Looked up before inserting: 10,000 pages share a template or two.
                (planned.reads_section_count, planned.shows) = match asked.get(name.as_str()) {
                    Some(found) => *found,
                    None => {
                        let found = (
                            self.templates.may_read(name, SECTION, SECTION_COUNT),
                            self.templates.shows(name),
                        );
                        asked.insert(name.clone(), found);
                        found
                    }
                };
            }
        }
        self.event_partial_reads_everything = reads_any(EVENT_PARTIAL);
    }

    /// `jobs` in the order to make them in parallel: the largest first (see
    /// [`Job::size_class`]), then in the plan's order.
    fn largest_first(&self, jobs: impl Iterator<Item = JobId>) -> Vec<JobId> {
        let mut ordered: Vec<JobId> = jobs.collect();
        ordered.sort_by_key(|j| (self.plan[j.0].job.size_class(), *j));
        ordered
    }

    /// The number of planned output files.
    pub(crate) fn len(&self) -> usize {
        self.plan.len()
    }

    /// Every planned output, in plan order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = JobId> + use<> {
        (0..self.plan.len()).map(JobId)
    }

    /// One planned output's path.
    pub(crate) fn path(&self, id: JobId) -> &str {
        self.plan[id.0].path.as_str()
    }

    /// Output paths, in plan order (sorted).
    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.plan.iter().map(|p| p.path.as_str())
    }

    /// The search index, if it was built, for the next build to refresh, and the records
    /// compressed so far.
    pub(crate) fn take_search(&mut self) -> search::Kept {
        let records = match self.data.records.take() {
            Some(search::Compressed::Kept(records)) => records,
            Some(search::Compressed::Ahead(_)) | None => search::Records::default(),
        };
        search::Kept {
            index: self.data.search.as_mut().and_then(std::sync::OnceLock::take),
            records,
        }
    }

    /// Whether the search index is wanted and not made yet: `serve`'s start leaves it
    /// for a shard's first render, or for [`Prepared::put_search_index`].
    pub(crate) fn search_index_wanted(&self) -> bool {
        self.data
            .search
            .as_ref()
            .is_some_and(|index| index.get().is_none())
    }

    /// Puts in the search index, made apart a part at a time ([`search::Building`]) so
    /// that `serve` can stop between parts for a save, unless one is made already.
    pub(crate) fn put_search_index(&mut self, index: search::SearchIndex) {
        if let Some(cell) = self.data.search.as_mut() {
            // Already made: by a shard rendered meanwhile, from this same site.
            let _ = cell.set(index);
        }
    }

    /// Whether an output is part of the search index, which `serve` renders after the
    /// rest on its first build, to answer sooner.
    pub(crate) fn is_search(&self, id: JobId) -> bool {
        self.plan[id.0].job.made_from_model() == Some(FromModel::Search)
    }

    /// Where a page's HTML is, if it is kept after its outputs are made (see
    /// [`Inputs::html_kept`]).
    pub(crate) fn page_content(&self, id: PageId) -> Option<HtmlRef<'_>> {
        self.data.page_html.kept_ref(id)
    }

    /// What made an output file: the analysis, template or setting behind it.
    pub(crate) fn origin(&self, path: &str) -> Option<String> {
        self.plan
            .binary_search_by(|p| p.path.as_str().cmp(path))
            .ok()
            .map(|i| self.plan[i].origin.clone())
    }

    /// The jobs that copy a file, with their sources.
    pub(crate) fn copies(&self) -> impl Iterator<Item = (JobId, &StaticSource)> {
        self.ids().zip(&self.plan).filter_map(|(id, p)| match &p.job {
            Job::Copy(source) => Some((id, source)),
            Job::Page(_)
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
            | Job::SearchIndex(_)
            | Job::SearchFilters(_)
            | Job::SearchShard(..)
            | Job::SearchBundle(..)
            | Job::Bytes(_) => None,
        })
    }

    /// The source images `resize_image` has read, relative to the site folder.
    pub(crate) fn image_sources(&self) -> Vec<std::path::PathBuf> {
        self.templates.images().sources_read()
    }

    /// Every file of the site the template functions looked for so far, relative to the
    /// site folder, with whether it was there.
    pub(crate) fn files_looked_for(&self) -> Vec<(String, bool)> {
        self.templates.files_looked_for()
    }

    /// The addresses `get_url(path="@/…")` and `get_taxonomy_url` looked up so far, by
    /// key, with what they found.
    pub(crate) fn addresses_looked_up(&self) -> Vec<(String, Option<String>)> {
        self.templates.addresses_looked_up()
    }

    /// What the address lookup `key` (from [`Prepared::addresses_looked_up`]) finds now.
    pub(crate) fn address_now(&self, key: &str) -> Option<String> {
        self.templates.address_now(key)
    }

    /// One planned output's path.
    pub(crate) fn output_path(&self, id: JobId) -> &crate::output_path::OutputPath {
        &self.plan[id.0].path
    }

    /// Whether an output was written before the values were made: the search index's
    /// files and the exports, by a build that writes each output once.
    fn written_ahead(&self, id: JobId) -> bool {
        match self.plan[id.0].job.made_from_model() {
            Some(FromModel::Search) => self.search_written,
            Some(FromModel::Export) => self.exports_written,
            None => false,
        }
    }

    /// Renders the planned outputs at the given indices into `sink`, but those written
    /// ahead (the search index's and the exports), which it counts as made.
    pub(crate) fn render(
        &self,
        site: &Site,
        jobs: &[JobId],
        sink: &dyn Sink,
        progress: &(dyn Fn(usize, usize) + Sync),
        profile: Option<&profile::Profile>,
    ) -> Result<RenderStats, Diagnostics> {
        let planned = jobs.len();
        let jobs = jobs.iter().copied().filter(|id| !self.written_ahead(*id));
        let jobs = self.largest_first(jobs);
        let total = jobs.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let timelines = self.data.timeline_preludes();
        let mut errors: Vec<(JobId, unrendered::Unrendered)> = jobs
            .par_iter()
            .filter_map(|i| {
                let planned = &self.plan[i.0];
                let render = |sink: &dyn Sink| {
                    output::render_job(site, (&self.templates, &timelines), &self.data, planned, sink)
                };
                let result = match profile {
                    Some(profile) => profile.measure(planned, sink, render),
                    None => render(sink),
                };
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(256) || n == total {
                    progress(n, total);
                }
                result.err().map(|e| (*i, e))
            })
            .collect();
        // Said in the plan's order, whichever was made first.
        errors.sort_by_key(|(i, _)| *i);
        let errors = unrendered::said(errors.into_iter().map(|(_, e)| e).collect());
        // An event partial's error, said once for all the events it failed on.
        let event_error = self
            .data
            .event_html
            .as_ref()
            .and_then(event_html::EventHtml::error);
        if !errors.is_empty() || event_error.is_some() {
            return Err(Diagnostics::from_iter(event_error.into_iter().chain(errors)));
        }
        // The images the outputs asked for, now that every one has.
        let images = self.templates.images().write(sink)?;
        Ok(RenderStats {
            files: planned + images.made + images.kept,
            images,
        })
    }
}
