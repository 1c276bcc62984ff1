//! Keeps a built site in memory and brings it up to date after files change, for `serve`.
//!
//! A full build renders every output into memory. After that, an edit to an analysis's
//! body, or to the text other outputs show of it (`title`, `description`, `extra`),
//! re-parses that one file, patches the model and the template values where the page is,
//! and re-renders only the outputs that show the page: its own, its section's pages, its
//! terms' pages and feeds, its archive pages, the pages showing it as related, neighbour,
//! backlink or link, its events and the events naming it, and anything made with a
//! template that can read any page. [`Session::apply_first`] renders the page's own
//! outputs first and leaves the rest for [`Session::finish`], so `serve` shows the page
//! being edited at once. An edit to a copied file re-copies just that file.
//!
//! An edit that changes only where lists place an analysis or which list it (its date,
//! `updated`, weight or terms, with or without its body: `model::placing`), or that
//! deletes one, shows the page itself first, exactly as a whole build makes it (or takes
//! its outputs away). When the edit changed only terms, weight or date (not the title,
//! links or anything else other pages show), [`Session::finish`] then settles the model
//! in place (`model::placing::settle`: the related pages of the pages sharing a term
//! with it, its event and its place on the timeline, the backlinks of the pages it
//! cites) and the values (`render::placed`), and renders what shows the page; otherwise
//! it builds the model again for the rest, and if that build fails, the page's outputs
//! are put back as they were.
//!
//! Anything else (other front matter, new, removed or renamed files, config) rebuilds the
//! model in memory, but reuses the Markdown output of every file that is unchanged when
//! what links resolve against is too, and renders only the outputs whose fingerprint
//! (a hash of the template values they are made from, see `render::fingerprint`)
//! changed; an update reports only the outputs whose bytes changed.
//!
//! Invariant (tested with random edits): after any sequence of changes the outputs are
//! byte-identical to a cold `dossier build` of the same tree, except that a processed
//! image (`processed_images/`) no page asks for any more stays until the next whole
//! build: they are made by what renders the pages calling `resize_image`, not planned,
//! and an update renders only some pages. An edit to a source image is a whole build.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::build::{self, BuildOptions, Model};
use crate::diagnostic::Diagnostics;
use crate::model::site::{HtmlRef, Item, PageId};
use crate::model::{content, links, related};
use crate::output_path::OutputPath;
use crate::parse::frontmatter::PageFrontMatter;
use crate::render::templates::Templates;
use crate::render::{self, JobId, Prepared, search};
use crate::theme::{self, StaticSource, Theme};
use crate::write::Sink;

/// Output path (relative to the output folder, `security/kursk/index.html`) → bytes.
pub type Outputs = HashMap<String, Arc<[u8]>>;

/// The outputs, shared between the session (which updates them) and the server.
pub type SharedOutputs = Arc<RwLock<Outputs>>;

/// What an update did.
#[derive(Debug)]
pub struct Update {
    /// Output paths whose bytes changed, appeared or disappeared, sorted.
    pub changed: Vec<String>,
    /// Whether the whole site was rebuilt.
    pub full: bool,
    /// How many outputs were rendered.
    pub rendered: usize,
    /// How many documents' Markdown was parsed and rendered.
    pub parsed: usize,
    /// How many Markdown files were read.
    pub read: usize,
    /// How many output files the site has (as `dossier build` counts them).
    pub outputs: usize,
    pub elapsed: Duration,
    /// When the edited pages were shown, if the outputs showing them came after
    /// (`serve`, through [`Session::apply_first`]).
    pub first: Option<Duration>,
    pub warnings: Diagnostics,
}

impl Update {
    /// This update and the one that finished it ([`Session::finish`]) as one.
    pub fn followed_by(self, later: Update) -> Update {
        let mut changed = self.changed;
        changed.extend(later.changed);
        changed.sort();
        changed.dedup();
        Update {
            changed,
            full: self.full || later.full,
            rendered: self.rendered + later.rendered,
            parsed: self.parsed + later.parsed,
            read: self.read + later.read,
            outputs: later.outputs,
            elapsed: self.elapsed + later.elapsed,
            first: self.first.or(later.first),
            warnings: later.warnings,
        }
    }
}

/// A site held in memory between changes.
pub struct Session {
    options: BuildOptions,
    root: PathBuf,
    state: Option<State>,
    outputs: SharedOutputs,
    /// Every source image `resize_image` has read this session (relative to the site):
    /// an edit to one builds everything again, since only rendering the pages that show
    /// it names its new processed files, and any page may.
    image_sources: std::collections::HashSet<PathBuf>,
    /// The HTML outputs browsers asked for last, most recent first: after a template
    /// edit, rendered before the rest of what it changed (see [`Session::viewing`]).
    viewing: Vec<String>,
}

struct State {
    model: Model,
    prepared: Prepared,
    /// Files copied into the output → the indices of the jobs that copy them.
    copies: HashMap<PathBuf, Vec<JobId>>,
    /// Whether a fast path of the update under way changed the model or the values
    /// before its outputs were rendered: then they no longer describe the outputs.
    patched: bool,
    /// Outputs left for [`Session::finish`].
    pending: Vec<JobId>,
    /// Output path → the fingerprint of the values its bytes were rendered from, for the
    /// outputs that have one, when known: kept from the last model rebuild, less what the
    /// fast paths rendered since. `None`: the next rebuild works them out from the values.
    fingerprints: Option<HashMap<String, u64>>,
    /// Set when the update under way showed a page placed again, or took a deleted one's
    /// outputs away, first: [`Session::finish`] builds the model again for the rest.
    shown_first: Option<ShownFirst>,
    /// The search index `finish_unless` began to make and stopped making for a save.
    index: Option<search::Building>,
}

/// What [`Session::finish`] needs after an edit's page was shown first.
struct ShownFirst {
    /// The content paths that changed, as `remodel` takes them.
    touched: Option<Vec<String>>,
    /// The outputs as they were before the page was shown, to put back if the build of
    /// the rest fails: a failed update leaves the outputs as they were.
    undo: Vec<(String, Option<Arc<[u8]>>)>,
    /// The page placed again, when the rest may follow it without a model build.
    settling: Option<Box<Settling>>,
}

/// A page placed again, as [`Session::settle`] takes it.
struct Settling {
    page: PageId,
    before: crate::model::placing::Before,
    /// The page's search terms before the edit.
    search: std::collections::BTreeMap<String, u8>,
}

/// How an edited page can be shown before the rest (see [`State::place`]).
enum Placed {
    /// Render these outputs of the page (whose content path is given), whose values
    /// are made; then settle the rest, if it can be.
    Shown(Vec<JobId>, String, Option<Box<Settling>>),
    /// The page's file is gone: these outputs go.
    Removed(Vec<String>),
    /// A page renamed: render the new page's outputs (its content path given), and the
    /// old page's outputs go.
    Moved(Vec<JobId>, String, Vec<String>),
}

/// What [`Session::show_first`] shows: one changed file, or a page renamed (the file
/// gone, the file added).
#[derive(Clone, Copy)]
enum Change<'a> {
    One(&'a Path),
    Moved(&'a Path, &'a Path),
}

/// How many of the search index's files [`Session::finish_unless`] renders between two
/// looks for a save: about 40 ms of work at most (a bundle compresses 128 records).
const SEARCH_FILES_AT_ONCE: usize = 16;

impl Session {
    pub fn new(options: BuildOptions) -> Session {
        let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
        Session {
            options,
            root,
            state: None,
            outputs: Arc::default(),
            image_sources: Default::default(),
            viewing: Vec::new(),
        }
    }

    /// Tells the session which outputs browsers are showing (output paths, the most
    /// recently asked for first). A template edit changes many outputs: those shown are
    /// rendered first, so their browsers reload at once, and the rest after
    /// ([`Session::finish`]), as for an edited page's own outputs.
    pub fn viewing(&mut self, outputs: Vec<String>) {
        self.viewing = outputs;
    }

    /// Adds the source images the last render read to those of the session.
    fn note_images(&mut self) {
        if let Some(state) = &self.state {
            self.image_sources.extend(state.prepared.image_sources());
        }
    }

    /// The outputs, for serving while the session updates them.
    pub fn outputs(&self) -> SharedOutputs {
        self.outputs.clone()
    }

    /// The URL path of the page or section made from a source file, if it is one.
    pub fn page_path(&self, file: &Path) -> Option<String> {
        let state = self.state.as_ref()?;
        let rel = relative(&self.root, &self.options.root, file)?;
        let content_path = content_path(&rel)?;
        let item = *state.model.site.by_content_path.get(&content_path)?;
        Some(state.model.site.item_path(item).to_owned())
    }

    /// Builds the whole site again. On failure the outputs stay as they were, and the next
    /// update is a full build too.
    pub fn rebuild(&mut self) -> Result<Update, Diagnostics> {
        self.state = None;
        self.remodel(false, None)
    }

    /// A full build that leaves the search index for [`Session::finish`], so that `serve`
    /// can answer sooner; until then the outputs lack `search/`.
    pub fn rebuild_deferring(&mut self) -> Result<Update, Diagnostics> {
        self.state = None;
        self.remodel(true, None)
    }

    /// Renders all that [`Session::rebuild_deferring`] or [`Session::apply_first`] left;
    /// `None` if nothing was left.
    pub fn finish(&mut self) -> Option<Result<Update, Diagnostics>> {
        self.finish_unless(&mut || false)
    }

    /// As [`Session::finish`], but the search index, the last of it, is made a part at a
    /// time, and `stop` is asked between parts: when it says a save has come, what is
    /// left stays for the next call, so that the save's page need not wait for the whole
    /// index (about 0.3 s at 10,000 pages, seconds at 100,000).
    /// [`Session::has_more`] says whether anything was left.
    pub fn finish_unless(&mut self, stop: &mut dyn FnMut() -> bool) -> Option<Result<Update, Diagnostics>> {
        let start = Instant::now();
        let state = self.state.as_mut()?;
        if let Some(shown) = state.shown_first.take() {
            if let Some(update) = shown.settling.and_then(|settling| self.settle(settling, start)) {
                // The search index a start left for later, if the edit came before it.
                return Some(match self.finish_unless(stop) {
                    None => Ok(update),
                    Some(rest) => rest.map(|rest| update.followed_by(rest)),
                });
            }
            let rest = self.remodel(false, shown.touched.as_deref());
            if rest.is_err() {
                let mut outputs = self.outputs.write().unwrap_or_else(|e| e.into_inner());
                for (path, old) in shown.undo {
                    match old {
                        Some(bytes) => outputs.insert(path, bytes),
                        None => outputs.remove(&path),
                    };
                }
            }
            return Some(rest);
        }
        if state.pending.is_empty() {
            return None;
        }
        let (mut search, rest): (Vec<JobId>, Vec<JobId>) = std::mem::take(&mut state.pending)
            .into_iter()
            .partition(|j| state.prepared.is_search(*j));
        let sink = MemorySink::over(&self.outputs);
        let site = &state.model.site;
        let mut rendered = rest.len();
        let mut made = state.prepared.render(site, &rest, &sink, &|_, _| {}, None);
        if made.is_ok() && state.fingerprints.is_none() {
            // Every output but the index's files is what the values make, and those will
            // be (by the loops below, or by a model build, which renders again what was
            // left pending): their fingerprints let an edit show its page first, and the
            // next model build render only what changes. Worked out before the index,
            // which a save may stop, so that the save finds them.
            state.fingerprints = Some(state.fingerprint_map());
        }
        if made.is_ok() && !search.is_empty() && state.prepared.search_index_wanted() {
            let building = state.index.get_or_insert_with(|| search::Building::new(site));
            let made_all = loop {
                if building.step(site) {
                    break true;
                }
                if stop() {
                    break false;
                }
            };
            if let Some(building) = state.index.take_if(|_| made_all) {
                state.prepared.put_search_index(building.finish(site));
            }
        }
        // The index's files a few at a time, once the index is made.
        while made.is_ok() && !search.is_empty() && !state.prepared.search_index_wanted() {
            let now: Vec<JobId> = search.drain(..search.len().min(SEARCH_FILES_AT_ONCE)).collect();
            rendered += now.len();
            made = state.prepared.render(site, &now, &sink, &|_, _| {}, None);
            if stop() {
                break;
            }
        }
        if let Err(d) = made {
            self.state = None;
            return Some(Err(d));
        }
        state.pending = search;
        let changed = self.publish(sink.into_outputs());
        self.note_images();
        let state = self.state.as_ref()?;
        Some(Ok(Update {
            changed,
            full: false,
            rendered,
            parsed: 0,
            read: 0,
            outputs: state.prepared.len(),
            elapsed: start.elapsed(),
            first: None,
            warnings: state.model.warnings.clone(),
        }))
    }

    /// Whether [`Session::finish`] has work left from the last update.
    pub fn has_more(&self) -> bool {
        self.state
            .as_ref()
            .is_some_and(|s| !s.pending.is_empty() || s.shown_first.is_some())
    }

    /// Puts rendered outputs in place and returns the paths whose bytes changed, sorted.
    fn publish(&self, fresh: Outputs) -> Vec<String> {
        let mut outputs = self.outputs.write().unwrap_or_else(|e| e.into_inner());
        let mut changed: Vec<String> = fresh
            .into_iter()
            .filter_map(|(path, bytes)| match outputs.get(&path) {
                Some(old) if *old == bytes => None,
                _ => {
                    outputs.insert(path.clone(), bytes);
                    Some(path)
                }
            })
            .collect();
        changed.sort();
        changed
    }

    /// Builds the model again and renders the outputs whose fingerprint differs from the
    /// previous model's (all of them without one), so that an edit to one page's front
    /// matter renders what shows that page, not the whole site.
    ///
    /// The fingerprints kept from the last rebuild describe the outputs as they are, less
    /// those the fast paths rendered since (`State::forget_fingerprints`): an output they
    /// did not render still has the bytes of the values fingerprinted. Without kept ones
    /// (the first rebuild, after a template edit) the previous model's are worked out
    /// beside the new model: the fast paths leave every output they do not render
    /// byte-identical to what the patched values would give. When a fast path of this
    /// same update patched the values and its outputs are not rendered yet, everything is
    /// rendered.
    /// `touched`: the content paths (files or folders) that changed, when that is known;
    /// the other files are not read again.
    fn remodel(&mut self, defer_search: bool, touched: Option<&[String]>) -> Result<Update, Diagnostics> {
        let start = Instant::now();
        let mut previous = self.state.take();
        // A fast path's patch leaves the index as the values are, ahead of the outputs,
        // which is what the refreshed index must match too.
        let search = previous
            .as_mut()
            .map(|s| s.prepared.take_search())
            .unwrap_or_default();
        // Read once per full build, as `dossier build` does; the fast paths render with
        // the day of the build whose values they patch.
        let today = build::today();
        let kept = previous
            .as_mut()
            .filter(|s| !s.patched)
            .and_then(|s| s.fingerprints.take());
        let (known, built) = rayon::join(
            || {
                let mut known = match kept {
                    Some(kept) => Some(kept),
                    None => previous
                        .as_ref()
                        .filter(|s| !s.patched)
                        .map(State::fingerprint_map),
                };
                // Outputs left pending (the search index stopped for a save) may not be
                // what their fingerprints say: rendered again.
                if let (Some(known), Some(previous)) = (known.as_mut(), previous.as_ref()) {
                    for job in &previous.pending {
                        known.remove(previous.prepared.path(*job));
                    }
                }
                known
            },
            || {
                let reuse = previous.as_ref().map(|s| {
                    let site = &s.model.site;
                    let reuse = content::Reuse::new(site, s.model.links.fingerprint(site), |id| {
                        s.prepared.page_content(id).and_then(HtmlRef::made)
                    });
                    match touched {
                        Some(touched) => reuse.with_texts(&s.model.sources, |path| {
                            !touched.iter().any(|t| {
                                t.is_empty()
                                    || path == t
                                    || path.strip_prefix(t.as_str()).is_some_and(|r| r.starts_with('/'))
                            })
                        }),
                        None => reuse,
                    }
                });
                build::prepare(&self.options, reuse.as_ref(), search, today)
            },
        );
        let (model, prepared) = built?;
        let paths: Vec<&str> = prepared.paths().collect();
        // Worked out at a start too, where the search index is left for later, before the
        // first answer: an edit that comes right after it finds them and shows its page
        // first, as every later edit does (left to `finish`, they kept such an edit
        // waiting: about 0.1 s at 10,000 pages, a second at 100,000). The index's files
        // left pending are rendered whatever their fingerprints say.
        let fingerprints = prepared.fingerprints(&model.site);
        let jobs: Vec<JobId> = match &known {
            Some(known) => {
                let outputs = self.outputs.read().unwrap_or_else(|e| e.into_inner());
                prepared
                    .ids()
                    .filter(|i| match fingerprints[i.0] {
                        Some(f) => known.get(paths[i.0]) != Some(&f) || !outputs.contains_key(paths[i.0]),
                        None => true,
                    })
                    .collect()
            }
            None => prepared.ids().collect(),
        };
        let fingerprints: HashMap<String, u64> = paths
            .iter()
            .zip(fingerprints)
            .filter_map(|(path, f)| Some(((*path).to_owned(), f?)))
            .collect();
        // Every output rendered: the processed images asked for are all of them.
        let everything = known.is_none();
        drop(known);
        drop(previous);
        let (jobs, pending): (Vec<JobId>, Vec<JobId>) = jobs
            .into_iter()
            .partition(|i| !(defer_search && prepared.is_search(*i)));
        let sink = MemorySink::over(&self.outputs);
        prepared.render(&model.site, &jobs, &sink, &|_, _| {}, None)?;
        let fresh: Outputs = sink.into_outputs();
        let changed = {
            let mut outputs = self.outputs.write().unwrap_or_else(|e| e.into_inner());
            let planned: std::collections::HashSet<&str> = paths.iter().copied().collect();
            // Processed images are made by whatever renders the pages that ask for them, not
            // planned: after a partial render they stay (their names are their content);
            // after a whole one, those not asked for again go.
            let mut changed: Vec<String> = outputs
                .keys()
                .filter(|p| {
                    !planned.contains(p.as_str())
                        && (!is_processed_image(p) || (everything && !fresh.contains_key(p.as_str())))
                })
                .cloned()
                .collect();
            for path in &changed {
                outputs.remove(path);
            }
            for (path, bytes) in fresh {
                if outputs.get(&path) != Some(&bytes) {
                    outputs.insert(path.clone(), bytes);
                    changed.push(path);
                }
            }
            changed.sort();
            changed
        };
        let copies = copy_sources(&prepared);
        let warnings = model.warnings.clone();
        let (parsed, read, outputs) = (model.parsed, model.read, prepared.len());
        self.state = Some(State {
            model,
            prepared,
            copies,
            patched: false,
            pending,
            fingerprints: Some(fingerprints),
            shown_first: None,
            index: None,
        });
        self.note_images();
        Ok(Update {
            changed,
            full: true,
            rendered: jobs.len(),
            parsed,
            read,
            outputs,
            elapsed: start.elapsed(),
            first: None,
            warnings,
        })
    }

    /// The paths among `paths` that are, or were, part of what the site is made from:
    /// not a tool's temporary file that came and went within a save (which the watcher
    /// misses when the save's events straddle a batch). For saying what changed.
    pub fn sources_among<'a>(&self, paths: &'a [PathBuf]) -> Vec<&'a PathBuf> {
        let Some(state) = &self.state else {
            return paths.iter().collect();
        };
        paths
            .iter()
            .filter(|path| match relative(&self.root, &self.options.root, path) {
                Some(rel) => {
                    !state.never_a_source(&self.options.root.join(&rel), &rel)
                        && !state.ignored(&self.options.root, &rel)
                }
                None => true,
            })
            .collect()
    }

    /// Brings the outputs up to date after the given files changed (were edited, added,
    /// removed or renamed; absolute paths or paths under the site folder).
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Update, Diagnostics> {
        let first = self.apply_first(changed)?;
        match self.finish() {
            None => Ok(first),
            Some(Ok(rest)) => Ok(first.followed_by(rest)),
            Some(Err(d)) => Err(d),
        }
    }

    /// As [`Session::apply`], but when an edit to pages needs no full build, renders only
    /// the edited pages' own outputs and leaves the outputs that show them (lists, terms,
    /// timelines, the link graph) for [`Session::finish`]: `serve` shows the page being
    /// edited first, then the rest.
    pub fn apply_first(&mut self, changed: &[PathBuf]) -> Result<Update, Diagnostics> {
        // What an earlier update left is part of what this one changes; but the search
        // index left for later (by a start, or by `finish_unless` stopped for this save)
        // follows the edit's page rather than hold it up (0.3 s at 10,000 pages, seconds
        // at 100,000). It is made after, with the edit in it: a fast path adds its jobs
        // to those pending, and a model build renders again whatever was pending.
        let earlier = match self.state.as_ref().is_some_and(State::only_index_pending) {
            true => None,
            false => self.finish().transpose()?,
        };
        let update = self.edit_first(changed)?;
        Ok(match earlier {
            Some(earlier) => earlier.followed_by(update),
            None => update,
        })
    }

    fn edit_first(&mut self, changed: &[PathBuf]) -> Result<Update, Diagnostics> {
        let start = Instant::now();
        let image_edited = changed.iter().any(|path| {
            relative(&self.root, &self.options.root, path)
                .is_some_and(|rel| self.image_sources.contains(&crate::images::clean(&rel)))
        });
        if image_edited {
            return self.rebuild();
        }
        let renamed = self
            .state
            .as_ref()
            .and_then(|state| state.renamed(&self.root, &self.options.root, changed));
        let Some(state) = self.state.as_mut() else {
            return self.rebuild();
        };
        state.patched = false;
        let touched = touched_content(&self.root, &self.options.root, changed);
        let touched = touched.as_deref();
        if let Some((gone, added)) = renamed {
            return match self.show_first(Change::Moved(&gone, &added), touched, start) {
                Some(update) => Ok(update),
                None => self.remodel(false, touched),
            };
        }
        let mut jobs: Vec<JobId> = Vec::new();
        let mut edited: Vec<PageId> = Vec::new();
        let mut templates_changed = false;
        let mut place = None;
        for path in changed {
            let Some(rel) = relative(&self.root, &self.options.root, path) else {
                return self.remodel(false, None);
            };
            if is_template(&rel) {
                templates_changed = true;
                continue;
            }
            match state.edit(&self.options.root, &rel) {
                Some((more, page)) => {
                    jobs.extend(more);
                    edited.extend(page);
                }
                // Alone in its save (tools' temporary files aside), an edit that places a
                // page elsewhere, or deletes one, may show the page before the rest.
                None if !state.patched
                    && jobs.is_empty()
                    && changed.iter().filter(|p| *p != path).all(|p| {
                        relative(&self.root, &self.options.root, p)
                            .is_some_and(|r| state.never_a_source(&self.options.root.join(&r), &r))
                    }) =>
                {
                    place = Some(rel);
                    break;
                }
                None => return self.remodel(false, touched),
            }
        }
        if let Some(rel) = place {
            return match self.show_first(Change::One(&rel), touched, start) {
                Some(update) => Ok(update),
                None => self.remodel(false, touched),
            };
        }
        if templates_changed {
            match state.reload_templates(&self.options.root) {
                Some(more) => jobs.extend(more),
                None => return self.remodel(false, touched),
            }
        }
        jobs.sort_unstable();
        jobs.dedup();
        // The edited pages' own outputs now; after a template edit, the outputs browsers
        // are showing (all it made when none is known).
        let mut own = state.prepared.own_jobs(&edited);
        if templates_changed {
            own.extend(
                jobs.iter()
                    .filter(|j| self.viewing.iter().any(|v| v == state.prepared.path(**j))),
            );
        }
        let (first, rest): (Vec<JobId>, Vec<JobId>) = if own.is_empty() {
            (jobs, Vec::new())
        } else {
            jobs.into_iter().partition(|j| own.contains(j))
        };
        state.forget_fingerprints(first.iter().chain(&rest), templates_changed);
        // Beside what was pending: the search index a start left for later.
        state.pending.extend(rest);
        state.pending.sort_unstable();
        state.pending.dedup();
        let sink = MemorySink::over(&self.outputs);
        if let Err(d) = state
            .prepared
            .render(&state.model.site, &first, &sink, &|_, _| {}, None)
        {
            self.state = None;
            return Err(d);
        }
        let warnings = state.model.warnings.clone();
        let outputs = state.prepared.len();
        let changed = self.publish(sink.into_outputs());
        self.note_images();
        Ok(Update {
            changed,
            full: false,
            rendered: first.len(),
            parsed: edited.len(),
            // A page body edit reads just that file.
            read: edited.len(),
            outputs,
            elapsed: start.elapsed(),
            first: None,
            warnings,
        })
    }
}

impl Session {
    /// After a page was shown placed again: settles the model and the values for the rest
    /// of the site and renders what shows the page, without building the model again.
    /// `None` when that cannot be done exactly (see `model::placing::settle` and
    /// `Prepared::settle_placed`); then the model is built again.
    fn settle(&mut self, settling: Box<Settling>, start: Instant) -> Option<Update> {
        let state = self.state.as_mut()?;
        let page = settling.page;
        let settled = crate::model::placing::settle(&mut state.model.site, page, &settling.before)?;
        let jobs = state.prepared.settle_placed(
            &state.model.site,
            page,
            &settling.before,
            &settled,
            &settling.search,
        )?;
        let fresh = state.render_patched(&jobs, &self.outputs)?;
        let warnings = state.model.warnings.clone();
        let outputs = state.prepared.len();
        let changed = self.publish(fresh);
        self.note_images();
        Some(Update {
            changed,
            full: false,
            rendered: jobs.len(),
            parsed: 0,
            read: 0,
            outputs,
            elapsed: start.elapsed(),
            first: None,
            warnings,
        })
    }

    /// Shows the page at `rel` (under the site folder) placed again, or takes its outputs
    /// away when its file is gone, and leaves the rest to [`Session::finish`], which
    /// settles the model or builds it again. `None`, with nothing changed, when that cannot be done
    /// exactly (see [`State::place`]).
    fn show_first(&mut self, change: Change, touched: Option<&[String]>, start: Instant) -> Option<Update> {
        let state = self.state.as_mut()?;
        let mut touched = touched.map(<[String]>::to_vec);
        let placed = match change {
            Change::One(rel) => state.place(&self.options.root, rel)?,
            Change::Moved(gone, added) => state.place_moved(&self.options.root, gone, added)?,
        };
        let (fresh, removed, rendered, settling) = match placed {
            Placed::Moved(jobs, content_path, gone) => {
                if let Some(touched) = touched.as_mut() {
                    touched.retain(|t| t.trim_start_matches('/') != content_path);
                }
                let fresh = state.render_patched(&jobs, &self.outputs)?;
                (fresh, gone, jobs.len(), None)
            }
            Placed::Shown(jobs, content_path, settling) => {
                // The model's copy of the file is its text as read here: the build of the
                // rest takes it from there, as for a file that did not change.
                if let Some(touched) = touched.as_mut() {
                    touched.retain(|t| t.trim_start_matches('/') != content_path);
                }
                let fresh = state.render_patched(&jobs, &self.outputs)?;
                (fresh, Vec::new(), jobs.len(), settling)
            }
            Placed::Removed(paths) => (Outputs::new(), paths, 0, None),
        };
        let mut undo = Vec::new();
        let mut changed = Vec::new();
        {
            let mut outputs = self.outputs.write().unwrap_or_else(|e| e.into_inner());
            for (path, bytes) in fresh {
                if outputs.get(&path) != Some(&bytes) {
                    undo.push((path.clone(), outputs.insert(path.clone(), bytes)));
                    changed.push(path);
                }
            }
            for path in removed {
                if let Some(old) = outputs.remove(&path) {
                    undo.push((path.clone(), Some(old)));
                    changed.push(path);
                }
            }
        }
        changed.sort();
        state.shown_first = Some(ShownFirst {
            touched,
            undo,
            settling,
        });
        // A page shown was read and parsed; a deleted one, not.
        let parsed = usize::from(rendered > 0);
        Some(Update {
            changed,
            full: false,
            rendered,
            parsed,
            read: parsed,
            outputs: state.prepared.len(),
            elapsed: start.elapsed(),
            first: None,
            warnings: state.model.warnings.clone(),
        })
    }
}

impl State {
    /// Whether all that is left is the search index, or some of its files: left for
    /// later by a start ([`Session::rebuild_deferring`]) or by [`Session::finish_unless`]
    /// stopped for a save; no page shown first.
    fn only_index_pending(&self) -> bool {
        self.shown_first.is_none()
            && !self.pending.is_empty()
            && self.pending.iter().all(|j| self.prepared.is_search(*j))
    }

    /// Whether the outputs' fingerprints are known; worked out from the values when all
    /// that is left is the search index, left for later, with no `finish` since (which
    /// works them out before the index; a start works them out before it answers). Every
    /// other output was rendered from these values, and the index's files left pending are
    /// rendered whatever their fingerprints say: by `finish`, or by a model build, which leaves out the
    /// fingerprints of what was pending.
    fn knows_fingerprints(&mut self) -> bool {
        if self.fingerprints.is_none() && !self.patched && self.only_index_pending() {
            self.fingerprints = Some(self.fingerprint_map());
        }
        self.fingerprints.is_some()
    }

    /// Output path → the fingerprint of the values it is made from, for the outputs that
    /// have one.
    fn fingerprint_map(&self) -> HashMap<String, u64> {
        let fingerprints = self.prepared.fingerprints(&self.model.site);
        self.prepared
            .paths()
            .zip(fingerprints)
            .filter_map(|(path, f)| Some((path.to_owned(), f?)))
            .collect()
    }

    /// An edit that [`State::edit`] cannot patch in place, when it changes only what lists
    /// page `rel` or where (its date, terms, weight; see `model::placing`), with or
    /// without its body, or deletes it: its own outputs made now, exactly as a whole
    /// build will make them. `None`, with nothing changed, for anything else, or when the
    /// page's outputs read other pages, or there are no fingerprints to tell which of
    /// the other outputs the build after must render.
    fn place(&mut self, root: &Path, rel: &Path) -> Option<Placed> {
        let absolute = root.join(rel);
        if !self.knows_fingerprints()
            || self.patched
            || self.charted(rel)
            || std::fs::symlink_metadata(&absolute).is_ok_and(|m| m.file_type().is_symlink())
        {
            return None;
        }
        let content_path = content_path(rel)?;
        let id = match self.model.site.by_content_path.get(&content_path).copied() {
            Some(Item::Page(id)) => id,
            Some(Item::Section(_)) => return None,
            None => return self.place_added(root, rel, content_path),
        };
        let own = self.prepared.own_jobs_alone(id)?;
        if std::fs::symlink_metadata(&absolute).is_err() {
            return Some(Placed::Removed(
                own.iter().map(|j| self.prepared.path(*j).to_owned()).collect(),
            ));
        }
        let site = &self.model.site;
        let page = site.page(id);
        // Read and parsed again after `edit_page` gave up on it, at any of its steps: one
        // file, well under a millisecond of the edit's time.
        let file = crate::load::read_markdown(root, &absolute, page.file.content_path.clone()).ok()?;
        let split = crate::parse::frontmatter::split(&file.display_path, &file.text).ok()?;
        let (meta, warnings): (PageFrontMatter, _) =
            crate::parse::frontmatter::parse(&file.display_path, &file.text, &split).ok()?;
        if !warnings.is_empty() || !meta.same_but_placing(&page.meta) {
            return None;
        }
        let mut converted = self.convert(id, &file.text, split.body_offset)?;
        let old = &page.converted;
        let retitled = meta.title != page.meta.title;
        // What a whole build would report, or make otherwise: its problems, a body
        // printing titles when its own changed, anchors other pages lose, files
        // published beside it.
        if !converted.diagnostics.is_empty()
            || (retitled && converted.reads_titles)
            || converted.data_files != old.data_files
            || (converted.heading_ids != old.heading_ids
                && !content::anchors_into_hold(site, id, &converted.heading_ids))
        {
            return None;
        }
        let html = std::mem::take(&mut converted.content);
        // `show_page` gives the page's value this HTML, which the next build reuses.
        content::remember(
            site,
            &self.model.links,
            id,
            &file.text,
            split.body_offset,
            &mut converted,
        );
        let front = file.text[..split.body_offset].to_owned();
        let search = self.prepared.search_terms(site, id);
        // The rest follows the page without a model build when the pages it links to,
        // the documents it cites and the judgments it states (the link graph, backlinks
        // and collections) are the same, and no term is new.
        let shows_same = converted.links == old.links
            && converted.judgments == old.judgments
            && converted.cited == old.cited;
        let site = &mut self.model.site;
        let placing = crate::model::placing::replace(site, id, meta)?;
        let new_terms = placing.new_terms;
        let settling = (shows_same && new_terms.is_empty()).then(|| {
            Box::new(Settling {
                page: id,
                before: placing.before,
                search,
            })
        });
        let page = &mut site.pages[id.0];
        page.converted = converted;
        page.file.text = front;
        page.body_offset = split.body_offset;
        // Not `patched`: the kept fingerprints still describe every output but the page's
        // own, which the caller forgets as it renders them.
        self.model.sources.insert(content_path.clone(), file.text);
        self.prepared.show_page(&self.model.site, id, &html, &new_terms);
        Some(Placed::Shown(own, content_path, settling))
    }

    /// The two files of a page renamed (or moved) in this save: the file gone and the
    /// file added (relative to the site folder), when they are all that changed but for
    /// files that never were sources.
    fn renamed(&self, canonical_root: &Path, root: &Path, changed: &[PathBuf]) -> Option<(PathBuf, PathBuf)> {
        // Asked on every save: most name one file, and need no look at what it was.
        if changed.len() < 2 {
            return None;
        }
        let mut rels: Vec<PathBuf> = Vec::new();
        for path in changed {
            let rel = relative(canonical_root, root, path)?;
            if self.never_a_source(&root.join(&rel), &rel) || self.ignored(root, &rel) {
                continue;
            }
            if !rels.contains(&rel) {
                rels.push(rel);
            }
        }
        let [a, b] = <[PathBuf; 2]>::try_from(rels).ok()?;
        let gone = |rel: &Path| std::fs::symlink_metadata(root.join(rel)).is_err();
        match (gone(&a), gone(&b)) {
            (true, false) => Some((a, b)),
            (false, true) => Some((b, a)),
            _ => None,
        }
    }

    /// A page renamed, from `gone` to `added` (relative to the site folder): the old page
    /// withdrawn from the model's lists (`model::placing::withdraw`) and the new one
    /// placed as a whole build would place it (see [`State::place_added`]), so that it is
    /// shown, and the old one's outputs taken away, before the model is built again.
    /// `None`, with nothing changed, when `gone` was no page whose outputs read nothing
    /// of other pages, or the new page cannot be shown first.
    fn place_moved(&mut self, root: &Path, gone: &Path, added: &Path) -> Option<Placed> {
        if !self.knows_fingerprints()
            || self.patched
            || self.charted(gone)
            || self.charted(added)
            || std::fs::symlink_metadata(root.join(added)).is_ok_and(|m| m.file_type().is_symlink())
        {
            return None;
        }
        let (gone_path, added_path) = (content_path(gone)?, content_path(added)?);
        let site = &self.model.site;
        let Some(Item::Page(old)) = site.by_content_path.get(&gone_path).copied() else {
            return None;
        };
        if site.by_content_path.contains_key(&added_path) {
            return None;
        }
        let own = self.prepared.own_jobs_alone(old)?;
        let removed = own.iter().map(|j| self.prepared.path(*j).to_owned()).collect();
        let withdrawn = crate::model::placing::withdraw(&mut self.model.site, old);
        let Some(Placed::Shown(jobs, content_path, _)) = self.place_added(root, added, added_path) else {
            crate::model::placing::restore(&mut self.model.site, withdrawn);
            return None;
        };
        Some(Placed::Moved(jobs, content_path, removed))
    }

    /// An analysis added since the model was built, at `rel`: placed as a whole build
    /// would place it (`model::placing::add`) and its own output planned, so that it can
    /// be shown before the model is built again for the rest. `None`, with nothing
    /// changed, for a file a whole build would report, leave out or need to see the
    /// whole site for: see [`resolve::added_page`](crate::model::resolve::added_page),
    /// `placing::add` and `Prepared::plan_added`; and here, a link in another document
    /// this page may answer (one that found no page, a wikilink, a plain link to its
    /// address: see `Questions::may_await`), events, indicators or aliases of its own, a
    /// bundle with files, or a body with problems, shortcodes or charts.
    fn place_added(&mut self, root: &Path, rel: &Path, content_path: String) -> Option<Placed> {
        let site = &self.model.site;
        let name = content_path.rsplit('/').next().unwrap_or(&content_path);
        let noise = rel
            .iter()
            .any(|part| crate::load::is_ignored_name(&part.to_string_lossy()));
        // Only the file itself was checked for a link: a folder on the way may be one.
        let linked_folder = rel
            .ancestors()
            .skip(1)
            .take_while(|a| a.starts_with("content") && *a != Path::new("content"))
            .any(|a| std::fs::symlink_metadata(root.join(a)).is_ok_and(|m| m.file_type().is_symlink()));
        if !name.ends_with(".md")
            || name.starts_with("_index.")
            || noise
            || linked_folder
            || site.broken.contains(&content_path)
            || site.drafts.contains_key(&content_path)
        {
            return None;
        }
        let file = crate::load::read_markdown(root, &root.join(rel), content_path.clone()).ok()?;
        let split = crate::parse::frontmatter::split(&file.display_path, &file.text).ok()?;
        let (meta, warnings): (PageFrontMatter, _) =
            crate::parse::frontmatter::parse(&file.display_path, &file.text, &split).ok()?;
        if !warnings.is_empty()
            || !meta.events.is_empty()
            || !meta.watch.is_empty()
            || !meta.aliases.is_empty()
        {
            return None;
        }
        let (text, body_offset) = (file.text.clone(), split.body_offset);
        let page = crate::model::resolve::added_page(site, file, body_offset, meta)?;
        let has_files = page
            .bundle_dir
            .as_deref()
            .is_some_and(|dir| site.loose_assets.iter().any(|a| a.starts_with(dir)));
        // A link written before it existed may find it now, and make a backlink: one
        // that found no page (whose warning the last build gave, if any), or a plain
        // link to its address (which asked `document_at` of it). Other warnings are about
        // what their files say themselves.
        let awaited = site
            .pages
            .iter()
            .map(|p| &p.converted)
            .chain(site.sections.iter().map(|s| &s.converted))
            .any(|c| c.questions.may_await(&page.path));
        if !page.has_output() || has_files || awaited {
            return None;
        }
        let id = PageId(site.pages.len());
        self.model.site.pages.push(page);
        let output = self.prepared.plan_added(&self.model.site, id);
        let converted = self.convert(id, &text, body_offset);
        let (Some(output), Some(mut converted)) = (output, converted) else {
            self.model.site.pages.pop();
            return None;
        };
        if !converted.diagnostics.is_empty() || !converted.data_files.is_empty() {
            self.model.site.pages.pop();
            return None;
        }
        let html = std::mem::take(&mut converted.content);
        content::remember(
            &self.model.site,
            &self.model.links,
            id,
            &text,
            body_offset,
            &mut converted,
        );
        let page = &mut self.model.site.pages[id.0];
        // Its links find its related pages.
        page.converted = converted;
        page.file.text = text[..body_offset].to_owned();
        let Some(new_terms) = crate::model::placing::add(&mut self.model.site, id) else {
            self.model.site.pages.pop();
            return None;
        };
        self.model.sources.insert(content_path.clone(), text);
        let job = self
            .prepared
            .add_page(&self.model.site, id, output, &html, &new_terms);
        // The jobs after it moved up by one.
        self.copies = copy_sources(&self.prepared);
        Some(Placed::Shown(vec![job], content_path, None))
    }

    /// Renders `jobs` from the values a fast path patched, into memory over `known`, and
    /// forgets their kept fingerprints. `None` when what the values say cannot be
    /// rendered: they are marked patched, and the model build after reports why.
    fn render_patched(&mut self, jobs: &[JobId], known: &SharedOutputs) -> Option<Outputs> {
        self.forget_fingerprints(jobs.iter(), false);
        let sink = MemorySink::over(known);
        if self
            .prepared
            .render(&self.model.site, jobs, &sink, &|_, _| {}, None)
            .is_err()
        {
            self.patched = true;
            return None;
        }
        Some(sink.into_outputs())
    }

    /// The outputs of `jobs` are about to be rendered from patched values: their kept
    /// fingerprints no longer describe them. A template edit changes every fingerprint.
    fn forget_fingerprints<'a>(&mut self, jobs: impl Iterator<Item = &'a JobId>, templates_changed: bool) {
        if templates_changed {
            self.fingerprints = None;
        }
        if let Some(kept) = self.fingerprints.as_mut() {
            for j in jobs {
                kept.remove(self.prepared.path(*j));
            }
        }
    }

    /// Applies one changed file if it can be done without a full build, returning the
    /// outputs to render again and the page whose Markdown was parsed, if one was; `None`
    /// means a full build is needed.
    fn edit(&mut self, root: &Path, rel: &Path) -> Option<(Vec<JobId>, Option<PageId>)> {
        let absolute = root.join(rel);
        if self.never_a_source(&absolute, rel) || self.ignored(root, rel) {
            // A temporary file that came and went within the save (`sed -i`, editors
            // writing beside the file before renaming it over): nothing to do.
            return Some((Vec::new(), None));
        }
        if std::fs::symlink_metadata(&absolute).is_ok_and(|m| m.file_type().is_symlink()) {
            // A link may lead outside the site: only a full build checks where.
            return None;
        }
        if self.charted(rel) {
            // A chart's data: the charts drawn from it are drawn again by a full build.
            return None;
        }
        if let Some(jobs) = self.copies.get(&absolute) {
            // An edited copied file: copy it again. Added or removed files change the plan.
            return absolute.is_file().then(|| (jobs.clone(), None));
        }
        let content_path = content_path(rel)?;
        let Some(Item::Page(id)) = self.model.site.by_content_path.get(&content_path).copied() else {
            return None;
        };
        Some((self.edit_page(root, &absolute, id)?, Some(id)))
    }

    /// Page `id`'s Markdown converted from its new `text`; `None` when it may call a
    /// shortcode, which renders with the templates the model does not hold.
    fn convert(
        &self,
        id: PageId,
        text: &str,
        body_offset: usize,
    ) -> Option<crate::parse::markdown::Converted> {
        if crate::parse::shortcodes::may_hold(&text[body_offset..]) {
            return None;
        }
        Some(content::convert_page(
            &self.model.site,
            &self.model.links,
            &self.model.highlighter,
            id,
            text,
            body_offset,
        ))
    }

    /// Whether a path that no longer exists never held anything the site was made from.
    fn never_a_source(&self, absolute: &Path, rel: &Path) -> bool {
        if absolute.exists() || is_config(rel) || self.charted(rel) {
            return false;
        }
        let under = |source: &Path| source.starts_with(absolute);
        if self.copies.keys().any(|p| under(p)) {
            return false;
        }
        let Some(content) = content_path(rel) else {
            // Outside content/: static files are in `copies`; a vanished folder under
            // templates/, themes/, static/ or sass/ may have held sources, so it counts.
            return !["templates", "themes", "static", "sass", "data"]
                .iter()
                .any(|folder| rel.starts_with(folder));
        };
        if content.is_empty() {
            // `content/` itself vanished (moved away, deleted by a checkout): it held the
            // home page at least.
            return false;
        }
        let folder = format!("{content}/");
        let site = &self.model.site;
        let mut known = site
            .by_content_path
            .keys()
            .chain(site.drafts.keys())
            .chain(&site.broken)
            .chain(&site.loose_assets);
        !known.any(|k| *k == content || k.starts_with(&folder))
    }

    /// Whether the site's `ignored_content` or `ignored_static` leaves out the file at
    /// `rel`, so that an edit to it changes nothing.
    fn ignored(&self, root: &Path, rel: &Path) -> bool {
        let config = &self.model.site.config;
        // The file or a folder it is in: the build does not walk an ignored folder.
        let under = |folder: &str, globs| {
            rel.starts_with(folder)
                && rel
                    .ancestors()
                    .take_while(|a| *a != Path::new(folder))
                    .any(|a| crate::load::is_ignored_by(globs, &root.join(folder), &root.join(a)))
        };
        under("content", &config.ignored_content) || under("static", &config.ignored_static)
    }

    /// Whether a chart reads the file at `rel` (under the site folder).
    fn charted(&self, rel: &Path) -> bool {
        let site = &self.model.site;
        site.pages
            .iter()
            .map(|p| &p.converted)
            .chain(site.sections.iter().map(|s| &s.converted))
            .flat_map(|c| &c.data_files)
            .any(|f| Path::new(&f.source) == rel)
    }

    /// Template files changed: reads them all again and re-renders what uses the changed
    /// ones. Errors and added or removed templates take a full build, which reports them.
    fn reload_templates(&mut self, root: &Path) -> Option<Vec<JobId>> {
        let site = &self.model.site;
        let theme = Theme::for_site(root, &site.config).ok()?;
        let sources = theme::templates(root, &theme).ok()?;
        let templates = Templates::new(sources, root, site.config.theme.as_deref()).ok()?;
        let mut diags = Diagnostics::new();
        render::check_templates(site, &templates, &mut diags);
        if diags.has_errors() {
            return None;
        }
        let jobs = self.prepared.replace_templates(site, templates)?;
        self.patched = true;
        Some(jobs)
    }

    /// An edit to a page's body, its title, description or `extra`: the page's own
    /// outputs, those that show it, and when its links change, the backlinks and related
    /// lists they feed. Other edits take a full build.
    fn edit_page(&mut self, root: &Path, path: &Path, id: PageId) -> Option<Vec<JobId>> {
        let site = &self.model.site;
        let page = site.page(id);
        let file = crate::load::read_markdown(root, path, page.file.content_path.clone()).ok()?;
        let split = crate::parse::frontmatter::split(&file.display_path, &file.text).ok()?;
        // Dropped bodies leave the model holding exactly the front matter.
        let front = &file.text[..split.body_offset];
        let retitled = if front == page.file.text {
            None
        } else {
            Some(self.retitled_meta(&file, &split, id)?)
        };
        let mut converted = self.convert(id, &file.text, split.body_offset)?;
        // Problems are reported by a full build, with everything else it finds.
        if !converted.diagnostics.is_empty() {
            return None;
        }
        let old = &page.converted;
        // The key judgments and sources pages show every page's judgments and sources.
        if converted.judgments != old.judgments || converted.cited != old.cited {
            return None;
        }
        if converted.heading_ids != old.heading_ids
            && !content::anchors_into_hold(site, id, &converted.heading_ids)
        {
            return None;
        }
        // Data files are published beside the page: others change the plan.
        if converted.data_files != old.data_files {
            return None;
        }
        let links_changed = converted.links != old.links;
        let html = std::mem::take(&mut converted.content);
        let old_terms = self.prepared.search_terms(site, id);
        let mut changed = vec![id];
        // Pages whose events changed: the citations or titles they show.
        let mut cited: Vec<PageId> = Vec::new();
        let is_retitled = retitled.is_some();
        if let Some(mut meta) = retitled {
            // The same terms as the page holds (`same_but_text`), which its front matter
            // does not keep.
            meta.taxonomies.clear();
            let site = &mut self.model.site;
            let page = &mut site.pages[id.0];
            let old = (
                std::mem::replace(&mut page.title, meta.title.clone().unwrap_or_default()),
                std::mem::replace(&mut page.meta, meta),
            );
            cited = match crate::model::timeline::retitle(site, id) {
                Some(pages) => pages,
                None => {
                    let page = &mut site.pages[id.0];
                    (page.title, page.meta) = old;
                    return None;
                }
            };
            let page = &mut site.pages[id.0];
            page.file.text = front.to_owned();
            page.body_offset = split.body_offset;
            self.model.links.retitle();
            // The events of the pages it links to name it among those citing them.
            let linked = crate::model::placing::links_to(site, id);
            cited.extend(&linked);
            changed.extend(crate::model::placing::shows_page(site, id, &linked));
        }
        self.patched = true;
        let content_path = self.model.site.page(id).file.content_path.clone();
        self.model.sources.insert(content_path, file.text.clone());
        let site = &mut self.model.site;
        site.pages[id.0].converted = converted;
        if links_changed {
            let backlinks: Vec<_> = site.pages.iter().map(|p| p.backlinks.clone()).collect();
            let section_backlinks: Vec<_> = site.sections.iter().map(|s| s.backlinks.clone()).collect();
            let related: Vec<_> = site.pages.iter().map(|p| p.related.clone()).collect();
            links::backlinks(site);
            related::related(site);
            // A section's backlinks reach every page in it (through `section`).
            if site
                .sections
                .iter()
                .zip(&section_backlinks)
                .any(|(s, old)| s.backlinks != *old)
            {
                return None;
            }
            cited.extend(
                (0..site.pages.len())
                    .filter(|i| site.pages[*i].backlinks != backlinks[*i])
                    .map(PageId),
            );
            changed.extend(
                (0..site.pages.len())
                    .filter(|i| *i != id.0)
                    .filter(|i| {
                        site.pages[*i].backlinks != backlinks[*i] || site.pages[*i].related != related[*i]
                    })
                    .map(PageId),
            );
        }
        changed.sort_unstable();
        changed.dedup();
        cited.sort_unstable();
        cited.dedup();
        let mut jobs = Vec::new();
        if is_retitled {
            jobs.extend(self.prepared.retitle(&self.model.site, id));
        }
        jobs.extend(
            self.prepared
                .update_pages(&self.model.site, &changed, (id, &html))?,
        );
        jobs.extend(self.prepared.update_search(&self.model.site, id, &old_terms));
        if links_changed || !cited.is_empty() {
            jobs.extend(self.prepared.graph_jobs());
            jobs.extend(self.prepared.update_events(&self.model.site, &cited).ok()?);
        }
        Some(jobs)
    }

    /// The new front matter of page `id` (its file read as `file`), when it differs from
    /// the model's only in the text other outputs show of the page (see
    /// [`PageFrontMatter::same_but_text`]) and nothing in the site makes that text more:
    /// the page's order in a list sorted by title, a document printing titles (wikilinks,
    /// shortcodes), a section's backlinks. `None` takes a full build, which also reports
    /// what is wrong with the new front matter.
    fn retitled_meta(
        &self,
        file: &crate::load::SourceFile,
        split: &crate::parse::frontmatter::Split,
        id: PageId,
    ) -> Option<PageFrontMatter> {
        use crate::parse::frontmatter::SortBy;
        let site = &self.model.site;
        let (meta, warnings): (PageFrontMatter, _) =
            crate::parse::frontmatter::parse(&file.display_path, &file.text, split).ok()?;
        let page = site.page(id);
        if !warnings.is_empty()
            || !meta.same_but_text(&page.meta, &page.taxonomies)
            || meta.title.as_deref().is_none_or(|t| t.trim().is_empty())
        {
            return None;
        }
        let by_title = site.sections.iter().any(|s| {
            matches!(s.meta.sort_by, Some(SortBy::Title | SortBy::TitleBytes)) && s.pages.contains(&id)
        });
        let prints_titles = site
            .pages
            .iter()
            .map(|p| &p.converted)
            .chain(site.sections.iter().map(|s| &s.converted))
            .any(|c| c.reads_titles);
        let in_section_backlinks = site
            .sections
            .iter()
            .any(|s| s.backlinks.iter().any(|b| b.source == Item::Page(id)));
        (!by_title && !prints_titles && !in_section_backlinks).then_some(meta)
    }
}

/// Whether `rel` is a configuration file (`config.toml`, or Zola 0.23's `zola.toml`, which
/// takes its place when it appears).
fn is_config(rel: &Path) -> bool {
    rel == Path::new("config.toml") || rel == Path::new("zola.toml")
}

/// The content paths (files or folders, `""` for all of `content/`) among `changed`;
/// `None` when something else changed that can change what the content files say
/// (`config.toml`), or a path is outside the site.
fn touched_content(canonical_root: &Path, root: &Path, changed: &[PathBuf]) -> Option<Vec<String>> {
    let mut touched = Vec::new();
    for path in changed {
        let rel = relative(canonical_root, root, path)?;
        if is_config(&rel) {
            return None;
        }
        if rel.starts_with("content") {
            touched.push(content_path(&rel)?.trim_start_matches('/').to_owned());
        }
    }
    Some(touched)
}

/// `content/security/kursk.md` → `security/kursk.md`.
fn content_path(rel: &Path) -> Option<String> {
    Some(rel.strip_prefix("content").ok()?.to_str()?.replace('\\', "/"))
}

/// `templates/…` or `themes/<name>/templates/…`.
fn is_template(rel: &Path) -> bool {
    let mut parts = rel.components().map(|c| c.as_os_str());
    match parts.next().and_then(|p| p.to_str()) {
        Some("templates") => true,
        Some("themes") => parts.nth(1).is_some_and(|p| p == "templates"),
        _ => false,
    }
}

/// `path` relative to the site folder, whether given absolute (as the watcher does) or
/// relative to it.
fn relative(canonical_root: &Path, root: &Path, path: &Path) -> Option<PathBuf> {
    if path.is_relative() {
        return Some(path.to_path_buf());
    }
    path.strip_prefix(canonical_root)
        .or_else(|_| path.strip_prefix(root))
        .ok()
        .map(Path::to_path_buf)
}

fn copy_sources(prepared: &Prepared) -> HashMap<PathBuf, Vec<JobId>> {
    let mut out: HashMap<PathBuf, Vec<JobId>> = HashMap::new();
    for (i, source) in prepared.copies() {
        if let StaticSource::File(path) = source {
            out.entry(path.clone()).or_default().push(i);
        }
    }
    out
}

fn is_processed_image(path: &str) -> bool {
    path.strip_prefix(crate::images::FOLDER)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// Collects rendered outputs in memory.
struct MemorySink {
    files: Mutex<Vec<(String, Arc<[u8]>)>>,
    /// The outputs as they are, which [`Sink::keep`] keeps.
    known: SharedOutputs,
}

impl MemorySink {
    fn over(known: &SharedOutputs) -> MemorySink {
        MemorySink {
            files: Mutex::default(),
            known: known.clone(),
        }
    }

    fn into_outputs(self) -> Outputs {
        self.files
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect()
    }
}

impl Sink for MemorySink {
    fn write(&self, path: &OutputPath, bytes: &[u8]) -> std::io::Result<()> {
        let path = path.as_str();
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_owned(), Arc::from(bytes)));
        Ok(())
    }

    fn copy(&self, path: &OutputPath, source: &StaticSource) -> std::io::Result<()> {
        match source {
            StaticSource::Embedded(bytes) => self.write(path, bytes),
            StaticSource::File(file) => self.write(path, &std::fs::read(file)?),
        }
    }

    fn keep(&self, path: &OutputPath) -> bool {
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        let Some(bytes) = known.get(path.as_str()) else {
            return false;
        };
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.as_str().to_owned(), bytes.clone()));
        true
    }
}
