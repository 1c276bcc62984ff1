//! Turns the site model into output files: every page, section pager, taxonomy page,
//! redirect and copied file is a job; jobs render in parallel and hand their bytes to a
//! [`Sink`]. Rendering does no I/O of its own beyond the sink.

pub mod archive;
pub mod context;
pub mod feeds;
mod fingerprint;
pub mod graph;
mod plan;
pub mod search;
mod sitemap;
mod tag_balance;
pub mod templates;
pub mod timeline;

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Value};

use crate::config::{FeedFormat, key_location};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::site::{PageId, SectionId, Site};
use crate::output_path::OutputPath;
use crate::parse::highlight;
use crate::theme::StaticSource;
use context::{Pager, page_value, pager_value, section_value, term_value};
use templates::{Lookups, Templates};

/// The pages that collect something from every analysis, each at `/<name>/` with the
/// template `<name>.html`, made when the theme has the template and an analysis has
/// something to collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collection {
    /// Every cited source with the analyses citing it.
    Sources,
    /// Every analysis's indicators to watch.
    Watch,
    /// Every analysis's key judgments.
    Judgments,
}

impl Collection {
    const ALL: [Collection; 3] = [Collection::Sources, Collection::Watch, Collection::Judgments];

    fn name(self) -> &'static str {
        match self {
            Collection::Sources => "sources",
            Collection::Watch => "watch",
            Collection::Judgments => "judgments",
        }
    }

    /// The global telling templates whether the page exists (for links to it).
    fn flag(self) -> &'static str {
        match self {
            Collection::Sources => "has_sources",
            Collection::Watch => "has_watch",
            Collection::Judgments => "has_judgments",
        }
    }

    fn made(self, site: &Site, templates: &Templates) -> bool {
        let rendered = || site.pages.iter().filter(|p| p.renders());
        templates.has(&format!("{}.html", self.name()))
            && match self {
                Collection::Sources => {
                    site.sources.is_some() && rendered().any(|p| !p.rendered.cited.is_empty())
                }
                Collection::Watch => !site.watch.is_empty(),
                Collection::Judgments => rendered().any(|p| !p.rendered.judgments.is_empty()),
            }
    }

    fn value(self, site: &Site, page_values: &[Value]) -> Value {
        match self {
            Collection::Sources => sources_value(site, page_values),
            Collection::Watch => watch_value(site, page_values),
            Collection::Judgments => judgments_value(site, page_values),
        }
    }
}

/// Where rendered output goes: the staging folder for `build`, nowhere for `check`.
pub trait Sink: Sync {
    fn write(&self, path: &OutputPath, bytes: &[u8]) -> std::io::Result<()>;
    fn copy(&self, path: &OutputPath, source: &StaticSource) -> std::io::Result<()>;
}

/// One output file to produce.
#[derive(Debug, Clone)]
enum Job {
    Page(PageId),
    SectionPager {
        section: SectionId,
        index: usize,
    },
    TaxonomyList(usize),
    TermPager {
        taxonomy: usize,
        term: usize,
        index: usize,
    },
    Feed {
        of: FeedOf,
        format: FeedFormat,
    },
    SiteGraph,
    /// A page collecting something from every analysis.
    Collection(Collection),
    GraphJson,
    Archive {
        year: Option<i16>,
        month: Option<i8>,
    },
    Timeline,
    TermTimeline {
        taxonomy: usize,
        term: usize,
    },
    TimelineJson,
    TimelineIcs,
    Redirect {
        to: String,
    },
    NotFound,
    SearchIndex,
    SearchFilters,
    SearchShard(u32),
    SearchDoc(PageId),
    Bytes(Arc<[u8]>),
    Copy(StaticSource),
}

/// Whose analyses a feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FeedOf {
    Site,
    Section(SectionId),
    Term { taxonomy: usize, term: usize },
}

/// A planned output: its path under the output folder, what makes it, and who asked.
struct Planned {
    path: OutputPath,
    job: Job,
    origin: String,
    /// The template the job renders with, if any.
    template: String,
    /// Whether that template can read any page (see [`Templates::reads_everything`]).
    reads_everything: bool,
}

pub struct RenderStats {
    pub files: usize,
    /// Filled in by the write stage.
    pub written: Option<crate::write::WriteStats>,
}

/// Everything rendering needs besides the model: the templates, the shared template
/// values and the list of output files. Made once per full build; `serve` keeps it and
/// patches it when an edit changes one page.
pub struct Prepared {
    templates: Templates,
    refs: Vec<Value>,
    data: Data,
    plan: Vec<Planned>,
    /// Whether the event partial, rendered once for every output showing an event, calls a
    /// function that reads any page.
    event_partial_reads_everything: bool,
}

/// Renders the whole site into `sink`.
pub fn site(
    site: &mut Site,
    templates: Templates,
    static_files: &std::collections::BTreeMap<String, StaticSource>,
    root: &std::path::Path,
    sink: &dyn Sink,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<RenderStats, Diagnostics> {
    let prepared = prepare(site, templates, static_files, root, None)?;
    let all: Vec<usize> = (0..prepared.plan.len()).collect();
    prepared.render(site, &all, sink, progress)
}

/// Builds the shared template values and plans every output file.
pub fn prepare(
    site: &mut Site,
    templates: Templates,
    static_files: &std::collections::BTreeMap<String, StaticSource>,
    root: &std::path::Path,
    earlier_search: Option<search::SearchIndex>,
) -> Result<Prepared, Diagnostics> {
    let mut diags = Diagnostics::new();

    let refs = context::page_refs(site);
    // Each page's HTML moves into its template value: keeping the model's copy as well
    // would double the largest thing in memory.
    let contents: Vec<String> = site
        .pages
        .iter_mut()
        .map(|p| std::mem::take(&mut p.rendered.content))
        .collect();
    let site: &Site = site;
    let page_values: Vec<Value> = contents
        .into_par_iter()
        .enumerate()
        .map(|(i, content)| page_value(site, PageId(i), &refs, &content))
        .collect();
    let mut templates = templates;
    set_globals(&mut templates, site);

    let term_events = timeline::events_by_term(site);
    let archive = archive::build(site);
    // Built when a shard is first rendered (`serve` answers before it needs one), or
    // refreshed from the index of an earlier build.
    let search = site.config.build_search_index.then(|| match earlier_search {
        Some(index) => std::sync::OnceLock::from(index.refreshed(site)),
        None => std::sync::OnceLock::new(),
    });
    let plan = plan::plan(
        site,
        static_files,
        root,
        &templates,
        plan::Derived {
            term_events: &term_events,
            archive: &archive,
            search_shards: search.as_ref().map(|_| search::shard_count(site)),
        },
        &mut diags,
    );
    let mut page_events: HashMap<PageId, Vec<usize>> = HashMap::new();
    for (i, e) in site.events.iter().enumerate() {
        if !e.is_page {
            page_events.entry(e.page).or_default().push(i);
        }
    }
    let mut data = Data {
        filters: timeline::filters(site, &term_events),
        event_values: with_event_html(&templates, timeline::event_values(site, &refs))?,
        term_events: term_events.into_iter().collect(),
        page_events,
        section_values: Vec::new(),
        section_refs: site
            .sections
            .iter()
            .map(|s| context::section_ref(site, s))
            .collect(),
        taxonomy_values: Vec::new(),
        term_values: Vec::new(),
        taxonomy_refs: site.taxonomies.iter().map(context::taxonomy_ref).collect(),
        page_values,
        archive,
        search,
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
                .map(|term| data.term_value(site, t, term))
                .collect()
        })
        .collect();
    data.taxonomy_values = (0..site.taxonomies.len())
        .map(|i| data.taxonomy_value(site, i))
        .collect();
    templates.set_lookups(build_lookups(site, &data));
    if diags.has_errors() {
        return Err(diags);
    }
    let mut prepared = Prepared {
        templates,
        refs,
        data,
        plan,
        event_partial_reads_everything: false,
    };
    prepared.mark_readers();
    Ok(prepared)
}

impl Prepared {
    /// Marks the planned outputs (and the event partial) whose templates can read any page.
    fn mark_readers(&mut self) {
        let reads = self.templates.reads_everything();
        let reads_any = |name: &str| reads.get(name).copied().unwrap_or(false);
        for planned in &mut self.plan {
            planned.reads_everything = reads_any(&planned.template);
        }
        self.event_partial_reads_everything = reads_any(EVENT_PARTIAL);
    }

    /// The number of planned output files.
    pub fn len(&self) -> usize {
        self.plan.len()
    }

    pub fn is_empty(&self) -> bool {
        self.plan.is_empty()
    }

    /// Output paths, in plan order (sorted).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.plan.iter().map(|p| p.path.as_str())
    }

    /// The search index, if it was built, for the next build to refresh.
    pub fn take_search_index(&mut self) -> Option<search::SearchIndex> {
        self.data.search.as_mut()?.take()
    }

    /// Whether an output is part of the search index, which `serve` renders after the
    /// rest on its first build, to answer sooner.
    pub fn is_search(&self, index: usize) -> bool {
        matches!(
            self.plan[index].job,
            Job::SearchIndex | Job::SearchFilters | Job::SearchShard(_) | Job::SearchDoc(_)
        )
    }

    /// A page's HTML, as its template value holds it.
    pub fn page_content(&self, id: PageId) -> &str {
        self.data.page_values[id.0]
            .get_from_path("content")
            .and_then(|c| c.as_str())
            .unwrap_or("")
    }

    /// What made an output file: the analysis, template or setting behind it.
    pub fn origin(&self, path: &str) -> Option<String> {
        self.plan
            .binary_search_by(|p| p.path.as_str().cmp(path))
            .ok()
            .map(|i| self.plan[i].origin.clone())
    }

    /// The jobs that copy a file, with their sources.
    pub fn copies(&self) -> impl Iterator<Item = (usize, &StaticSource)> {
        self.plan.iter().enumerate().filter_map(|(i, p)| match &p.job {
            Job::Copy(source) => Some((i, source)),
            _ => None,
        })
    }

    /// Renders the planned outputs at the given indices into `sink`.
    pub fn render(
        &self,
        site: &Site,
        jobs: &[usize],
        sink: &dyn Sink,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<RenderStats, Diagnostics> {
        let total = jobs.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let errors: Vec<Diagnostic> = jobs
            .par_iter()
            .filter_map(|i| {
                let result = render_job(site, &self.templates, &self.data, &self.plan[*i], sink);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(256) || n == total {
                    progress(n, total);
                }
                result.err()
            })
            .collect();
        if !errors.is_empty() {
            return Err(Diagnostics::from_iter(errors));
        }
        Ok(RenderStats {
            files: total,
            written: None,
        })
    }

    /// Takes new templates after an edit that added or removed none, and returns the
    /// outputs made with a changed template or one that uses it. `None` when the change
    /// reaches the event partial, whose output is part of the shared event values.
    pub fn replace_templates(&mut self, site: &Site, mut templates: Templates) -> Option<Vec<usize>> {
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
        if affected.contains(EVENT_PARTIAL) {
            return None;
        }
        set_globals(&mut templates, site);
        templates.set_lookups(build_lookups(site, &self.data));
        self.templates = templates;
        self.mark_readers();
        Some(
            (0..self.plan.len())
                .filter(|i| affected.contains(&self.plan[*i].template))
                .collect(),
        )
    }

    /// Rebuilds the template values of `changed` pages (after an edit to one page's body,
    /// `edited` with its new HTML; the others keep theirs but may have new backlinks or
    /// related pages) and every shared value holding them, and returns the outputs that
    /// show any of them. What the pages show of each other (titles, dates, descriptions)
    /// must be unchanged. `None` when the theme makes the outputs impossible to tell (the
    /// event partial, rendered once for every page showing an event, reads any page).
    pub fn update_pages(
        &mut self,
        site: &Site,
        changed: &[PageId],
        edited: (PageId, &str),
    ) -> Option<Vec<usize>> {
        if self.event_partial_reads_everything {
            return None;
        }
        let is_changed = |p: &PageId| changed.contains(p);
        for id in changed {
            let value = if *id == edited.0 {
                page_value(site, *id, &self.refs, edited.1)
            } else {
                let old = &self.data.page_values[id.0];
                let html = old
                    .get_from_path("content")
                    .and_then(|c| c.as_str())
                    .unwrap_or("");
                page_value(site, *id, &self.refs, html)
            };
            self.data.page_values[id.0] = value;
        }
        let sections: Vec<usize> = (0..site.sections.len())
            .filter(|s| site.sections[*s].pages.iter().any(is_changed))
            .collect();
        for s in &sections {
            self.data.section_values[*s] = self.data.section_value(site, SectionId(*s));
        }
        let mut taxonomies: Vec<usize> = Vec::new();
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            for (term, entry) in taxonomy.terms.iter().enumerate() {
                if entry.pages.iter().any(is_changed) {
                    self.data.term_values[t][term] = self.data.term_value(site, t, term);
                    if taxonomies.last() != Some(&t) {
                        taxonomies.push(t);
                    }
                }
            }
        }
        for t in &taxonomies {
            self.data.taxonomy_values[*t] = self.data.taxonomy_value(site, *t);
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
                    site.sections[*s].file.content_path.clone(),
                    self.data.section_values[*s].clone(),
                );
            }
            for t in &taxonomies {
                if let Some(entry) = l.taxonomies.get_mut(&site.taxonomies[*t].config.name) {
                    entry.0 = self.data.taxonomy_values[*t].clone();
                }
            }
        });

        let months: Vec<(i16, i8)> = changed
            .iter()
            .filter_map(|id| site.page(*id).date)
            .map(|d| (d.date.year(), d.date.month()))
            .collect();
        let jobs = (0..self.plan.len())
            .filter(|i| {
                let planned = &self.plan[*i];
                if planned.reads_everything {
                    return true;
                }
                match &planned.job {
                    Job::Page(p) => is_changed(p),
                    Job::SectionPager { section, index } => {
                        let s = site.section(*section);
                        match s.meta.paginate_by.filter(|n| *n > 0) {
                            Some(n) => s.pages[((index - 1) * n).min(s.pages.len())..]
                                .iter()
                                .take(n)
                                .any(is_changed),
                            None => sections.contains(&section.0),
                        }
                    }
                    Job::TaxonomyList(t) => taxonomies.contains(t),
                    Job::TermPager { taxonomy, term, .. }
                    | Job::Feed {
                        of: FeedOf::Term { taxonomy, term },
                        ..
                    } => site.taxonomies[*taxonomy].terms[*term]
                        .pages
                        .iter()
                        .any(is_changed),
                    Job::Feed { of: FeedOf::Site, .. } => changed.iter().any(|p| site.page(*p).renders()),
                    Job::Feed {
                        of: FeedOf::Section(s),
                        ..
                    } => site.section(*s).pages.iter().any(is_changed),
                    Job::Archive { year: Some(y), month } => months
                        .iter()
                        .any(|(py, pm)| py == y && month.is_none_or(|m| m == *pm)),
                    _ => false,
                }
            })
            .collect();
        Some(jobs)
    }

    /// Re-makes the events recorded by `pages`, whose backlinks changed (an event shows the
    /// analyses citing it), and returns the outputs showing an event that changed.
    pub fn update_events(&mut self, site: &Site, pages: &[PageId]) -> Result<Vec<usize>, Diagnostics> {
        let indices: Vec<usize> = (0..site.events.len())
            .filter(|i| pages.contains(&site.events[*i].page))
            .collect();
        let fresh = with_event_html(
            &self.templates,
            indices
                .iter()
                .map(|i| timeline::event_value(site, &site.events[*i], &self.refs))
                .collect(),
        )?;
        let mut changed: Vec<usize> = Vec::new();
        for (i, value) in indices.into_iter().zip(fresh) {
            if self.data.event_values[i] != value {
                self.data.event_values[i] = value;
                changed.push(i);
            }
        }
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        let shows = |list: Option<&Vec<usize>>| list.is_some_and(|l| l.iter().any(|e| changed.contains(e)));
        Ok((0..self.plan.len())
            .filter(|i| match &self.plan[*i].job {
                Job::Timeline => true,
                Job::TermTimeline { taxonomy, term } | Job::TermPager { taxonomy, term, .. } => {
                    shows(self.data.term_events.get(&(*taxonomy, *term)))
                }
                Job::Page(p) => shows(self.data.page_events.get(p)),
                _ => false,
            })
            .collect())
    }

    /// A page's search terms as they are now, to pass to [`Prepared::update_search`] after
    /// the page changes.
    pub fn search_terms(&self, site: &Site, id: PageId) -> std::collections::BTreeMap<String, u8> {
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
    pub fn update_search(
        &mut self,
        site: &Site,
        id: PageId,
        old: &std::collections::BTreeMap<String, u8>,
    ) -> Vec<usize> {
        let shards = match self.data.search.as_mut().map(std::sync::OnceLock::get_mut) {
            None => return Vec::new(),
            Some(None) => std::collections::BTreeSet::new(),
            Some(Some(index)) => index.update(site, id, old),
        };
        (0..self.plan.len())
            .filter(|i| match &self.plan[*i].job {
                Job::SearchDoc(p) => *p == id,
                Job::SearchShard(n) => shards.contains(n),
                _ => false,
            })
            .collect()
    }

    /// A fingerprint of what each planned output is made from, in plan order: the same
    /// fingerprint as an earlier build's means the same bytes. `None` for outputs that are
    /// rendered every time: those made with a template that can read any page, feeds, the
    /// search index's shards and lists, the timeline's and graph's data, copied files.
    pub fn fingerprints(&self, site: &Site) -> Vec<Option<u64>> {
        let mut memo = fingerprint::Memo::default();
        memo.add(&self.refs);
        memo.add(&self.data.page_values);
        memo.add(&self.data.event_values);
        memo.add(&self.data.section_refs);
        memo.add(&self.data.taxonomy_refs);
        memo.add(&self.data.section_values);
        let terms: Vec<Value> = self.data.term_values.iter().flatten().cloned().collect();
        memo.add(&terms);
        memo.add(&self.data.taxonomy_values);
        let globals = globals(&self.templates, site);
        let seed = {
            let mut h = std::hash::DefaultHasher::new();
            // Any change to any template changes every fingerprint.
            for (name, source) in &self.templates.sources {
                std::hash::Hash::hash(name, &mut h);
                std::hash::Hash::hash(&source.text, &mut h);
            }
            for (key, value) in &globals.0 {
                std::hash::Hash::hash(key, &mut h);
                std::hash::Hasher::write_u64(&mut h, memo.hash(value));
            }
            std::hash::Hasher::finish(&h)
        };
        self.plan
            .par_iter()
            .map(|planned| {
                use std::hash::{Hash, Hasher};
                let mut h = std::hash::DefaultHasher::new();
                seed.hash(&mut h);
                planned.template.hash(&mut h);
                match &planned.job {
                    _ if planned.reads_everything => return None,
                    Job::Bytes(bytes) => bytes.hash(&mut h),
                    Job::Redirect { to } => to.hash(&mut h),
                    Job::SearchDoc(id) => search::doc(site, *id).hash(&mut h),
                    _ => {
                        let parts = template_context(site, &self.data, planned)?;
                        for (key, value) in &parts.0 {
                            key.hash(&mut h);
                            h.write_u64(memo.hash(value));
                        }
                    }
                }
                Some(h.finish())
            })
            .collect()
    }

    /// The outputs drawn from the link graph: `graph.json` and the `/graph/` page.
    pub fn graph_jobs(&self) -> impl Iterator<Item = usize> {
        self.plan
            .iter()
            .enumerate()
            .filter(|(_, p)| matches!(p.job, Job::GraphJson | Job::SiteGraph))
            .map(|(i, _)| i)
    }
}

/// The values every template sees: `config`, `nav_sections`, `taxonomy_names`, `lang`,
/// `has_timeline`, `has_archive`.
fn set_globals(templates: &mut Templates, site: &Site) {
    let values = globals(templates, site);
    let global = templates.tera.global_context();
    for (key, value) in values.0 {
        global.insert_value(key, value);
    }
}

fn globals(templates: &Templates, site: &Site) -> Parts {
    let has_timeline = !site.events.is_empty() && templates.has("timeline.html");
    let has_archive =
        templates.has("archive.html") && site.pages.iter().any(|p| p.renders() && p.date.is_some());
    let mut values = Parts(Vec::new());
    values.insert("config", &site.config);
    values.insert_value("nav_sections", nav_value(site));
    values.insert(
        "taxonomy_names",
        &site
            .config
            .taxonomies
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
    );
    values.insert("lang", &site.config.default_language);
    values.insert("has_timeline", &has_timeline);
    values.insert("has_archive", &has_archive);
    for c in Collection::ALL {
        values.insert(c.flag(), &c.made(site, templates));
    }
    values.insert("search_fallback", &search_fallback(site, has_archive));
    values
}

/// Where the search link leads without JavaScript: the tag index, else the first list of
/// terms, else the archive, else home.
fn search_fallback(site: &Site, has_archive: bool) -> String {
    let rendered = || site.taxonomies.iter().filter(|t| t.config.render);
    match rendered()
        .find(|t| t.config.name == "tags")
        .or_else(|| rendered().next())
    {
        Some(t) => t.path.clone(),
        None if has_archive => site.config.url_path("archive/"),
        None => site.config.base_path.clone(),
    }
}

/// A titled link, for navigation.
#[derive(serde::Serialize)]
struct Link<'a> {
    title: &'a str,
    path: &'a str,
    permalink: &'a str,
}

fn nav_value(site: &Site) -> Value {
    let root = site.section(site.root_section());
    let mut subs: Vec<SectionId> = root.subsections.clone();
    subs.sort_by(|a, b| {
        let (x, y) = (site.section(*a), site.section(*b));
        x.meta
            .weight
            .unwrap_or(i64::MAX)
            .cmp(&y.meta.weight.unwrap_or(i64::MAX))
            .then_with(|| x.title().cmp(y.title()))
    });
    let items: Vec<Value> = subs
        .iter()
        .map(|s| site.section(*s))
        .filter(|s| s.renders())
        .map(|s| {
            Value::from_serializable(&Link {
                title: s.title(),
                path: &s.path,
                permalink: &s.permalink,
            })
        })
        .collect();
    Value::from(items)
}

fn build_lookups(site: &Site, data: &Data) -> Lookups {
    let mut l = Lookups {
        base_url: site.config.base_url.clone(),
        base_path: site.config.base_path.clone(),
        ..Default::default()
    };
    for (i, p) in site.pages.iter().enumerate() {
        l.pages
            .insert(p.file.content_path.clone(), data.page_values[i].clone());
        l.permalinks
            .insert(p.file.content_path.clone(), p.permalink.clone());
    }
    for (i, s) in site.sections.iter().enumerate() {
        l.sections
            .insert(s.file.content_path.clone(), data.section_values[i].clone());
        l.permalinks
            .insert(s.file.content_path.clone(), s.permalink.clone());
    }
    for (i, t) in site.taxonomies.iter().enumerate() {
        let urls = t
            .terms
            .iter()
            .map(|term| (term.name.clone(), term.permalink.clone()))
            .collect();
        l.taxonomies
            .insert(t.config.name.clone(), (data.taxonomy_values[i].clone(), urls));
    }
    l
}

/// The template a page renders with: its own, its nearest section's `page_template`, or `page.html`.
fn page_template(site: &Site, id: PageId) -> String {
    let p = site.page(id);
    if let Some(t) = &p.meta.template {
        return t.clone();
    }
    let mut s = Some(p.section);
    while let Some(sid) = s {
        if let Some(t) = &site.section(sid).meta.page_template {
            return t.clone();
        }
        s = site.section(sid).parent;
    }
    "page.html".to_owned()
}

fn section_template(site: &Site, id: SectionId) -> String {
    let s = site.section(id);
    match &s.meta.template {
        Some(t) => t.clone(),
        None if s.is_root() => "index.html".to_owned(),
        None => "section.html".to_owned(),
    }
}

fn taxonomy_template(templates: &Templates, name: &str, kind: &str) -> String {
    let own = format!("{name}/{kind}.html");
    if templates.has(&own) {
        own
    } else {
        format!("taxonomy_{kind}.html")
    }
}

/// Every template named in front matter, or needed by the default layout, must exist.
pub fn check_templates(site: &Site, templates: &Templates, diags: &mut Diagnostics) {
    for (i, p) in site.pages.iter().enumerate() {
        if !p.renders() {
            continue;
        }
        let name = page_template(site, PageId(i));
        if !templates.has(&name) {
            let key = if p.meta.template.is_some() {
                "template"
            } else {
                "page_template"
            };
            let file = if p.meta.template.is_some() {
                &p.file
            } else {
                &site.section(p.section).file
            };
            diags.push(
                Diagnostic::error(format!("unknown template `{name}`"))
                    .at(key_location(&file.display_path, &file.text, key))
                    .hint(templates.suggest(&name)),
            );
        }
    }
    for (i, s) in site.sections.iter().enumerate() {
        if !s.renders() || s.meta.redirect_to.is_some() {
            continue;
        }
        let name = section_template(site, SectionId(i));
        if !templates.has(&name) {
            diags.push(
                Diagnostic::error(format!("unknown template `{name}`"))
                    .at(key_location(&s.file.display_path, &s.file.text, "template"))
                    .hint(templates.suggest(&name)),
            );
        }
    }
    for t in &site.taxonomies {
        if !t.config.render {
            continue;
        }
        for kind in ["list", "single"] {
            let name = taxonomy_template(templates, &t.config.name, kind);
            if !templates.has(&name) {
                diags.push(
                    Diagnostic::error(format!(
                        "no template for the `{}` taxonomy: `{name}`",
                        t.config.name
                    ))
                    .in_file("templates")
                    .hint(format!("add templates/{name}")),
                );
            }
        }
    }
}

/// `/repo/security/kursk/` → `security/kursk/index.html`.
fn output_path(site: &Site, url_path: &str) -> String {
    let rel = url_path
        .strip_prefix(site.config.base_path.as_str())
        .unwrap_or(url_path.trim_start_matches('/'));
    if rel.is_empty() {
        "index.html".to_owned()
    } else if rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_owned()
    }
}

fn pager_path(base: &str, paginate_path: &str, index: usize) -> String {
    if index == 1 {
        base.to_owned()
    } else {
        format!("{base}{paginate_path}/{index}/")
    }
}

fn base_context(site: &Site, path: &str) -> Parts {
    let mut ctx = Parts(Vec::new());
    ctx.insert("current_path", path);
    ctx.insert("current_url", &site.config.permalink(path));
    ctx
}

/// A template's context, kept as its named values.
struct Parts(Vec<(&'static str, Value)>);

impl Parts {
    fn insert_value(&mut self, key: &'static str, value: Value) {
        self.0.push((key, value));
    }

    fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.0.push((key, Value::from_serializable(value)));
    }

    fn context(&self) -> Context {
        let mut ctx = Context::new();
        for (key, value) in &self.0 {
            ctx.insert_value(*key, value.clone());
        }
        ctx
    }
}

/// Renders `partials/event.html` once per event and keeps the result as the event's
/// `html`, so the timeline and the term timelines (which show each event many times
/// over) assemble their lists from finished pieces.
///
/// It is rendered twice: `filter_html` has the event's `filter_keys` (every term of the
/// event, which the filter chips of `/timeline/` need), `html` has none. An event shows
/// on the page of each of its terms, so keys there would make the term pages cost the
/// square of an event's terms: 4,000 tags on one analysis wrote 4,000 × 4,000 keys.
const EVENT_PARTIAL: &str = "partials/event.html";

fn with_event_html(templates: &Templates, values: Vec<Value>) -> Result<Vec<Value>, Diagnostics> {
    if !templates.has(EVENT_PARTIAL) {
        return Ok(values);
    }
    values
        .into_par_iter()
        .map(|e| {
            let mut ctx = Context::new();
            ctx.insert_value("e", e.clone());
            let filter_html = templates.render(EVENT_PARTIAL, &ctx)?;
            ctx.insert_value("e", context::insert(e.clone(), "filter_keys", Value::from("")));
            let html = templates.render(EVENT_PARTIAL, &ctx)?;
            let e = context::insert(e, "filter_html", Value::safe_string(&filter_html));
            Ok(context::insert(e, "html", Value::safe_string(&html)))
        })
        .collect::<Result<Vec<Value>, Diagnostic>>()
        .map_err(|d| Diagnostics::from_iter([d]))
}

/// Template values made once and shared by every job.
struct Data {
    page_values: Vec<Value>,
    /// Each section with its pages, for section pages and `get_section`.
    section_values: Vec<Value>,
    /// Each section without its pages, for the pages in it.
    section_refs: Vec<Value>,
    /// Each taxonomy with its terms and their pages, for the list of terms and `get_taxonomy`.
    taxonomy_values: Vec<Value>,
    /// Each taxonomy without its terms, for term pages.
    taxonomy_refs: Vec<Value>,
    /// Each term with its pages, by taxonomy.
    term_values: Vec<Vec<Value>>,
    event_values: Vec<Value>,
    /// (taxonomy, term) → indices of its events.
    term_events: HashMap<(usize, usize), Vec<usize>>,
    /// The events each analysis records in its `events` list.
    page_events: HashMap<PageId, Vec<usize>>,
    /// The timeline's filter chips.
    filters: Value,
    archive: archive::Archive,
    /// `None` when `build_search_index` is off; built on first use.
    search: Option<std::sync::OnceLock<search::SearchIndex>>,
}

impl Data {
    fn section_value(&self, site: &Site, id: SectionId) -> Value {
        let s = site.section(id);
        let pages: Vec<Value> = s.pages.iter().map(|p| self.page_values[p.0].clone()).collect();
        section_value(site, s, &pages)
    }

    fn term_value(&self, site: &Site, taxonomy: usize, term: usize) -> Value {
        let term = &site.taxonomies[taxonomy].terms[term];
        let pages: Vec<Value> = term.pages.iter().map(|p| self.page_values[p.0].clone()).collect();
        term_value(term, &pages)
    }

    fn taxonomy_value(&self, site: &Site, index: usize) -> Value {
        context::taxonomy_value(&site.taxonomies[index], self.term_values[index].clone())
    }
}

/// The context of an output made with a template (`None` for the others), as its parts so
/// that `serve` can tell whether what an output shows changed.
fn template_context(site: &Site, data: &Data, planned: &Planned) -> Option<Parts> {
    let page_values = &data.page_values;
    Some(match &planned.job {
        Job::Page(id) => {
            let p = site.page(*id);
            let mut ctx = base_context(site, &p.path);
            ctx.insert_value("page", page_values[id.0].clone());
            if let Some(list) = data.page_events.get(id) {
                let events: Vec<Value> = list.iter().map(|i| data.event_values[*i].clone()).collect();
                ctx.insert_value("page_events", Value::from(events));
            }
            if let Some(svg) = graph::connections_svg(site, *id) {
                ctx.insert_value("connections_svg", Value::safe_string(&svg));
            }
            ctx.insert_value("section", data.section_refs[p.section.0].clone());
            ctx
        }
        Job::SectionPager { section, index } => {
            let s = site.section(*section);
            let paginate_path = s.meta.paginate_path.as_deref().unwrap_or("page");
            let path = pager_path(&s.path, paginate_path, *index);
            let mut ctx = base_context(site, &path);
            if let Some(n) = s.meta.paginate_by.filter(|n| *n > 0) {
                // As in Zola, a paginated section's pages are the pager's, not all of them.
                ctx.insert_value("section", section_value(site, s, &[]));
                let ids: Vec<Value> = s.pages.iter().map(|p| page_values[p.0].clone()).collect();
                ctx.insert_value(
                    "paginator",
                    paginator(site, &s.path, &s.permalink, paginate_path, n, &ids, *index),
                );
            } else {
                ctx.insert_value("section", data.section_values[section.0].clone());
            }
            ctx
        }
        Job::TaxonomyList(ti) => {
            let t = &site.taxonomies[*ti];
            let mut ctx = base_context(site, &t.path);
            let value = &data.taxonomy_values[*ti];
            ctx.insert_value("taxonomy", value.clone());
            ctx.insert_value(
                "terms",
                value.get_from_path("items").cloned().unwrap_or_else(Value::none),
            );
            ctx
        }
        Job::TermPager {
            taxonomy,
            term: term_i,
            index,
        } => {
            let t = &site.taxonomies[*taxonomy];
            let term = &t.terms[*term_i];
            let path = pager_path(&term.path, &t.config.paginate_path, *index);
            let mut ctx = base_context(site, &path);
            ctx.insert_value("taxonomy", data.taxonomy_refs[*taxonomy].clone());
            let pages: Vec<Value> = term.pages.iter().map(|p| page_values[p.0].clone()).collect();
            let mut term_v = term_value(term, &pages);
            if let Some(list) = data.term_events.get(&(*taxonomy, *term_i)) {
                let events: Vec<Value> = list.iter().map(|i| data.event_values[*i].clone()).collect();
                term_v = context::insert(term_v, "events", Value::from(events));
                term_v = context::insert(term_v, "timeline", Value::from(format!("{}timeline/", term.path)));
            }
            if t.config.feed
                && let Some(format) = site.config.feed_formats().first()
            {
                term_v = context::insert(
                    term_v,
                    "feed",
                    Value::from(format!("{}{}", term.path, format.file_name())),
                );
                term_v = context::insert(term_v, "feed_type", Value::from(format.media_type()));
            }
            ctx.insert_value("term", term_v);
            if let Some(n) = t.config.paginate_by {
                ctx.insert_value(
                    "paginator",
                    paginator(
                        site,
                        &term.path,
                        &term.permalink,
                        &t.config.paginate_path,
                        n,
                        &pages,
                        *index,
                    ),
                );
            }
            ctx
        }
        Job::Archive { year, month } => {
            let path = match (year, month) {
                (Some(y), Some(m)) => archive::month_path(site, *y, *m),
                (Some(y), None) => archive::year_path(site, *y),
                _ => site.config.url_path("archive/"),
            };
            let mut ctx = base_context(site, &path);
            ctx.insert_value(
                "archive",
                archive::value(site, &data.archive, page_values, *year, *month),
            );
            ctx
        }
        Job::Timeline => {
            let path = site.config.url_path("timeline/");
            let mut ctx = base_context(site, &path);
            ctx.insert_value(
                "timeline",
                timeline::view(site, &data.event_values, &data.filters, None, &path),
            );
            ctx
        }
        Job::TermTimeline { taxonomy, term } => {
            let t = &site.taxonomies[*taxonomy];
            let term_ref = &t.terms[*term];
            let path = format!("{}timeline/", term_ref.path);
            let mut ctx = base_context(site, &path);
            let only = data.term_events.get(&(*taxonomy, *term)).map(Vec::as_slice);
            ctx.insert_value(
                "timeline",
                timeline::view(site, &data.event_values, &data.filters, only, &path),
            );
            ctx.insert(
                "timeline_term",
                &timeline::TermHead {
                    name: &term_ref.name,
                    taxonomy: &t.config.name,
                    path: &term_ref.path,
                },
            );
            ctx
        }
        Job::SiteGraph => {
            let path = site.config.url_path("graph/");
            let mut ctx = base_context(site, &path);
            let g = graph::site_graph(site);
            let value = context::insert(Value::from_serializable(&g), "svg", Value::safe_string(&g.svg));
            ctx.insert_value("graph", value);
            ctx
        }
        Job::Collection(c) => {
            let mut ctx = base_context(site, &site.config.url_path(&format!("{}/", c.name())));
            ctx.insert_value(c.name(), c.value(site, &data.page_values));
            ctx
        }
        Job::NotFound => base_context(site, &format!("{}404.html", site.config.base_path)),
        _ => return None,
    })
}

/// The indicators to watch by area (areas by name, those without one last), open ones
/// first, then by due date: `[{area, items: [{…, page}]}]`.
fn watch_value(site: &Site, page_values: &[Value]) -> Value {
    use crate::model::watch::Watch;
    let key = |w: &&Watch| {
        (
            w.area.is_none(),
            w.area.clone(),
            w.status,
            w.due.map(|d| d.start_key()),
            w.page.0,
            w.id.clone(),
        )
    };
    let mut all: Vec<&Watch> = site.watch.iter().collect();
    all.sort_by_key(key);
    let mut groups: Vec<Value> = Vec::new();
    for chunk in all.chunk_by(|a, b| a.area == b.area) {
        let items: Vec<Value> = chunk
            .iter()
            .map(|w| {
                let item = Value::from_serializable(&context::WatchView::of(w));
                context::insert(item, "page", page_values[w.page.0].clone())
            })
            .collect();
        let mut group = tera::Map::new();
        group.insert(
            "area".into(),
            chunk[0].area.as_deref().map_or_else(Value::none, Value::from),
        );
        group.insert("items".into(), Value::from(items));
        groups.push(Value::from(group));
    }
    Value::from(groups)
}

/// Every cited source in the style's order, with the analyses citing it, newest first:
/// `[{id, key, reference, pages}]`.
fn sources_value(site: &Site, page_values: &[Value]) -> Value {
    let Some(sources) = &site.sources else {
        return Value::from(Vec::<Value>::new());
    };
    let pages = newest_first(site, (0..site.pages.len()).map(PageId));
    let mut keys: Vec<&str> = pages
        .iter()
        .flat_map(|p| site.page(*p).rendered.cited.iter().map(String::as_str))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let list: Vec<Value> = sources
        .references(&keys)
        .into_iter()
        .map(|(key, reference)| {
            let citing: Vec<Value> = pages
                .iter()
                .filter(|p| site.page(**p).rendered.cited.contains(&key))
                .map(|p| page_values[p.0].clone())
                .collect();
            let mut item = tera::Map::new();
            item.insert("id".into(), Value::from(crate::slugs::slugify(&key)));
            item.insert("key".into(), Value::from(key));
            item.insert("reference".into(), Value::safe_string(&reference));
            item.insert("pages".into(), Value::from(citing));
            Value::from(item)
        })
        .collect();
    Value::from(list)
}

/// The analyses with key judgments, newest first, each with its judgments:
/// `[{page, judgments: [{id, confidence, confidence_label, text}]}]`.
fn judgments_value(site: &Site, page_values: &[Value]) -> Value {
    #[derive(serde::Serialize)]
    struct Item<'a> {
        id: &'a str,
        confidence: Option<crate::parse::judgments::Confidence>,
        confidence_label: Option<&'static str>,
        text: &'a str,
    }
    let pages = newest_first(site, (0..site.pages.len()).map(PageId));
    let groups: Vec<Value> = pages
        .into_iter()
        .filter(|p| !site.page(*p).rendered.judgments.is_empty())
        .map(|p| {
            let items: Vec<Item> = site
                .page(p)
                .rendered
                .judgments
                .iter()
                .map(|j| Item {
                    id: &j.id,
                    confidence: j.confidence,
                    confidence_label: j.confidence.map(|c| c.label()),
                    text: &j.text,
                })
                .collect();
            let mut group = tera::Map::new();
            group.insert("page".into(), page_values[p.0].clone());
            group.insert("judgments".into(), Value::from_serializable(&items));
            Value::from(group)
        })
        .collect();
    Value::from(groups)
}

fn render_job(
    site: &Site,
    templates: &Templates,
    data: &Data,
    planned: &Planned,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    let io_err = |e: std::io::Error| Diagnostic::error(format!("cannot write {}: {e}", planned.path));
    if let Some(parts) = template_context(site, data, planned) {
        let html = templates.render(&planned.template, &parts.context())?;
        return sink.write(&planned.path, html.as_bytes()).map_err(io_err);
    }
    let page_values = &data.page_values;
    let html = match &planned.job {
        Job::Copy(source) => return sink.copy(&planned.path, source).map_err(io_err),
        Job::Bytes(bytes) => return sink.write(&planned.path, bytes).map_err(io_err),
        Job::Redirect { to } => redirect_html(to),
        Job::Feed { of, format } => {
            let file = format.file_name();
            let with_site = |name: &str| match &site.config.title {
                Some(site_title) => format!("{name} · {site_title}"),
                None => name.to_owned(),
            };
            let (title, alternate, pages): (String, &str, std::borrow::Cow<[PageId]>) = match of {
                FeedOf::Site => (
                    site.config.title.clone().unwrap_or_default(),
                    &site.section(site.root_section()).permalink,
                    newest_first(site, (0..site.pages.len()).map(PageId)).into(),
                ),
                FeedOf::Section(id) => {
                    let s = site.section(*id);
                    (
                        with_site(s.title()),
                        &s.permalink,
                        newest_first(site, s.pages.iter().copied()).into(),
                    )
                }
                FeedOf::Term { taxonomy, term } => {
                    let term = &site.taxonomies[*taxonomy].terms[*term];
                    (with_site(&term.name), &term.permalink, (&term.pages[..]).into())
                }
            };
            feeds::write(
                site,
                page_values,
                &feeds::Feed {
                    title,
                    alternate,
                    self_url: format!("{alternate}{file}"),
                    pages: &pages,
                },
                *format,
            )
        }
        Job::TimelineJson => {
            return sink
                .write(&planned.path, timeline::json(site).as_bytes())
                .map_err(io_err);
        }
        Job::TimelineIcs => {
            return sink
                .write(&planned.path, timeline::ics(site).as_bytes())
                .map_err(io_err);
        }
        Job::GraphJson => {
            return sink
                .write(&planned.path, graph::graph_json(site).as_bytes())
                .map_err(io_err);
        }
        Job::SearchIndex | Job::SearchFilters | Job::SearchShard(_) | Job::SearchDoc(_) => {
            let bytes = match (&planned.job, &data.search) {
                (Job::SearchIndex, _) => search::SearchIndex::index_json(site),
                (Job::SearchFilters, _) => search::filters_json(site),
                (Job::SearchShard(n), Some(index)) => index
                    .get_or_init(|| search::SearchIndex::build(site))
                    .shard_json(*n),
                (Job::SearchDoc(id), _) => search::doc_json(site, *id),
                _ => Vec::new(),
            };
            return sink.write(&planned.path, &bytes).map_err(io_err);
        }
        // Made with a template, above.
        _ => return Ok(()),
    };
    sink.write(&planned.path, html.as_bytes()).map_err(io_err)
}

/// Rendered analyses, newest first (undated ones last), for a feed.
fn newest_first(site: &Site, pages: impl Iterator<Item = PageId>) -> Vec<PageId> {
    let mut list: Vec<PageId> = pages.filter(|p| site.page(*p).renders()).collect();
    list.sort_by(|a, b| {
        let key = |p: &PageId| site.page(*p).date.map(|d| d.sort_key());
        key(b).cmp(&key(a)).then_with(|| {
            site.page(*a)
                .file
                .content_path
                .cmp(&site.page(*b).file.content_path)
        })
    });
    list
}

fn paginator(
    site: &Site,
    base_path: &str,
    base_permalink: &str,
    paginate_path: &str,
    per_page: usize,
    all: &[Value],
    index: usize,
) -> Value {
    let total = all.len().div_ceil(per_page).max(1);
    let url = |i: usize| site.config.permalink(&pager_path(base_path, paginate_path, i));
    let pager = Pager {
        paginate_by: per_page,
        base_url: base_permalink,
        number_pagers: total,
        total_pages: all.len(),
        current_index: index,
        first: url(1),
        last: url(total),
        previous: (index > 1).then(|| url(index - 1)),
        next: (index < total).then(|| url(index + 1)),
    };
    let start = (index - 1) * per_page;
    let end = (start + per_page).min(all.len());
    pager_value(&pager, &all[start.min(end)..end])
}

fn redirect_html(to: &str) -> String {
    let to = highlight::escape_attr(to);
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n\
         <link rel=\"canonical\" href=\"{to}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n\
         <body>\n<p>This page has moved to <a href=\"{to}\">{to}</a>.</p>\n</body>\n</html>\n"
    )
}
