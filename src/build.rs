//! The pipeline from a site folder to its output: load → parse → resolve → render → write.

use std::collections::BTreeMap;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cache::{Cache, Env as CacheEnv, Recorder};
use crate::config::{Config, Overrides};
use crate::deferred::Deferred;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::linkcheck::LinkCheck;
use crate::model::site::{PageHtml, Site};
use crate::model::{content, links, related, resolve, timeline};
use crate::parse::highlight::Highlighter;
use crate::parse::markdown::Calls;
use crate::render::{self, calls::SiteCalls, templates::Templates};
use crate::spill::Spill;
use crate::theme::{self, StaticSource, Theme};
use crate::write::{RegularFile, Staging};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// `--links warn`: broken internal links are warnings (else config.toml decides).
    pub links: Option<crate::diagnostic::Severity>,
    /// `--profile`: time the render stage per template (see [`BuildReport::profile`]).
    pub profile: bool,
    /// This program, to compile Sass in a child process (`dossier __sass`), where a
    /// stylesheet that overflows the compiler's stack ends only the child. `None` (a
    /// library caller) compiles in this process.
    pub helper: Option<PathBuf>,
    /// `--cache-dir`: keep the outputs here between builds, and take from it those whose
    /// template values are unchanged (see `crate::cache`).
    pub cache_dir: Option<PathBuf>,
}

pub use crate::render::profile::ProfileRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Build,
    Check,
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub terms: usize,
    pub events: usize,
    pub files: usize,
    /// For `build`: files written, left unchanged and removed.
    pub written: Option<crate::write::WriteStats>,
    /// Images `resize_image` made, and those an earlier build left in the output, kept.
    pub images_made: usize,
    pub images_kept: usize,
    pub elapsed: Duration,
    pub output_dir: PathBuf,
    pub warnings: Diagnostics,
    /// Wall time of each stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    /// With [`BuildOptions::profile`]: the render stage by template, the most time first.
    pub profile: Vec<ProfileRow>,
    /// With [`BuildOptions::cache_dir`]: what the build cache did.
    pub cache: Option<CacheReport>,
}

/// What the build cache did for one build.
#[derive(Debug, Clone, Default)]
pub struct CacheReport {
    /// Outputs taken from the cache.
    pub reused: usize,
    /// Outputs rendered.
    pub rendered: usize,
    /// Why the outputs in the cache were not used, if it held any that were not.
    pub ignored: Option<String>,
    /// The pages and sections, and how many of them had their Markdown converted rather
    /// than taken from the cache.
    pub documents: usize,
    pub converted: usize,
    /// Whether every page's related analyses were taken from the cache, not scored.
    pub related_taken: bool,
    /// The outputs whose fingerprints were made; the others' were the last build's, the
    /// edit having changed only what some pages' own outputs show (`render::documents`).
    pub fingerprinted: usize,
    /// The events shown by the outputs rendered, and how many of them had their HTML
    /// taken from the cache rather than made (`None` when it is made with the values).
    pub events: Option<(usize, usize)>,
}

/// Records how long each stage took.
struct Stopwatch {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    fn new() -> Self {
        Stopwatch {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}

/// Progress of the render stage, for a progress bar.
pub trait Progress: Sync {
    fn rendered(&self, done: usize, total: usize);
}

impl Progress for () {
    fn rendered(&self, _: usize, _: usize) {}
}

/// A site read, modelled and ready to render, with what re-rendering one page needs.
pub(crate) struct Model {
    pub site: Site,
    pub static_files: BTreeMap<String, StaticSource>,
    /// CSS compiled from the theme's and the site's Sass.
    pub stylesheets: BTreeMap<String, crate::sass::Stylesheet>,
    pub links: content::Links,
    pub highlighter: Highlighter,
    pub output_dir: PathBuf,
    pub warnings: Diagnostics,
    /// How many documents' Markdown was rendered rather than reused.
    pub parsed: usize,
    /// How many Markdown files were read rather than known unchanged.
    pub read: usize,
    /// The whole text of each page and section by content path, for `serve` (empty for
    /// a build, which keeps only front matter once Markdown is rendered).
    pub sources: std::collections::HashMap<String, String>,
    /// For a build with the cache: every page's related lists, to keep, and whether they
    /// were taken from the cache.
    pub scored: Option<(related::Scored, bool)>,
}

/// Reads the site at `options.root` and builds its model and templates, every stage
/// before rendering, keeping the sources for `serve`'s next build.
fn model(
    options: &BuildOptions,
    mode: Mode,
    watch: &mut Stopwatch,
    reuse: Option<&content::Reuse>,
    today: jiff::civil::Date,
) -> Result<(Model, PageHtml, Templates), Diagnostics> {
    let config = load_config(options, mode)?;
    let earlier = Earlier {
        markdown: reuse.map_or(EarlierMarkdown::None, EarlierMarkdown::Serve),
        related: None,
    };
    model_reusing(options, mode, config, watch, earlier, Kept::ForServe, today)
}

/// What earlier builds left for this one to take where it still holds.
#[derive(Clone, Copy)]
struct Earlier<'a> {
    /// Converted Markdown.
    markdown: EarlierMarkdown<'a>,
    /// Every page's related lists, from the build cache.
    related: Option<&'a related::Scored>,
}

/// Converted Markdown an earlier build left.
#[derive(Clone, Copy)]
enum EarlierMarkdown<'a> {
    None,
    /// `serve`'s last model's, with the text of the files unchanged since.
    Serve(&'a content::Reuse<'a>),
    /// The build cache's, read on a thread of its own while the site's files are read
    /// and their front matter parsed.
    Cache(&'a Deferred<CachedMarkdown>),
}

/// The build cache's converted Markdown, given to the Markdown stage, and what its files
/// held, which decides which of them a save writes again.
type CachedMarkdown = Option<(content::Reuse<'static>, crate::cache::markdown::Shards)>;

/// The site's configuration with its warnings, or the errors that stop the build.
fn load_config(options: &BuildOptions, mode: Mode) -> Result<(Config, Diagnostics), Diagnostics> {
    let overrides = Overrides {
        base_url: options.base_url.clone(),
        output_dir: None,
        link_severity: options.links,
        strict_relative_links: mode == Mode::Check,
    };
    match Config::load(options.root.as_path(), &overrides) {
        (Some(config), diags) => Ok((config, diags)),
        (None, diags) => Err(diags.sorted()),
    }
}

/// The folder the build writes: `--output-dir`, else the configuration's.
fn output_dir(options: &BuildOptions, config: &Config) -> PathBuf {
    match &options.output_dir {
        Some(dir) => dir.clone(),
        None => options.root.join(&config.output_dir),
    }
}

/// What the build may do to the output folder besides writing its outputs.
fn write_options(config: &Config) -> crate::write::Options {
    crate::write::Options {
        keep_dotfiles: config.preserve_dotfiles_in_output,
        hard_link: config.hard_link_static,
    }
}

/// Every page's related analyses, as the model stage finds them.
enum Related {
    /// With the build cache: the lists to keep, and whether they were taken from it.
    Kept((related::Scored, bool)),
    /// Without it (`None` when the site scores none).
    Found(Option<Vec<Vec<crate::model::site::PageId>>>),
}

/// What the model stage keeps beside the model, and for whom.
#[derive(Clone, Copy)]
enum Kept<'a> {
    /// The sources and each page's HTML as made, for `serve`'s next build.
    ForServe,
    /// Each page's HTML as made, which the build cache stores.
    ForCache,
    /// Nothing: each page's HTML is packed until its outputs are made, set aside in
    /// `spill` if the build has one (see `spill`).
    Nothing(Option<&'a Arc<Spill>>),
}

/// [`model`] for a loaded configuration, taking what `earlier` builds left where it holds.
fn model_reusing(
    options: &BuildOptions,
    mode: Mode,
    (config, mut diags): (Config, Diagnostics),
    watch: &mut Stopwatch,
    earlier: Earlier,
    kept: Kept<'_>,
    today: jiff::civil::Date,
) -> Result<(Model, PageHtml, Templates), Diagnostics> {
    let root = options.root.as_path();
    let output_dir = output_dir(options, &config);

    // The theme loads while content is read; both only read files.
    let theme_result = Theme::for_site(root, &config);
    let (mut tree, load_diags) = match earlier.markdown {
        EarlierMarkdown::Serve(r) => crate::load::content_reusing(root, &config.ignored_content, &|path| {
            r.text(path).map(str::to_owned)
        }),
        EarlierMarkdown::None | EarlierMarkdown::Cache(_) => {
            crate::load::content(root, &config.ignored_content)
        }
    };
    diags.extend(load_diags);
    let read = tree.read;
    watch.lap("load config and content");

    // The bibliography is read as sources, not published as a file.
    if let Some(bib) = &config.sources.bibliography {
        tree.assets.retain(|a| a != bib);
    }
    // Read and parsed beside the front matter, which it does not need (its style's
    // probes take some 40 ms, which would otherwise hold up the build alone).
    let bibliography = config.sources.bibliography.clone().map(|file| {
        let style = config.sources.style.clone();
        (file, style, config.file.name().to_owned())
    });
    let ((mut site, resolve_diags), sources) = rayon::join(
        || {
            resolve::site(
                config,
                tree,
                &resolve::Options {
                    drafts: options.drafts,
                },
            )
        },
        || {
            bibliography.map(|(file, style, config_name)| {
                let style = style.as_deref().unwrap_or(crate::model::sources::DEFAULT_STYLE);
                let config_path = Path::new(&config_name);
                crate::load::bibliography(root, &file, config_path)
                    .and_then(|text| crate::model::sources::Sources::parse(&text, style, config_path))
            })
        },
    );
    diags.extend(resolve_diags);
    match sources {
        Some(Ok(sources)) => site.sources = Some(std::sync::Arc::new(sources)),
        Some(Err(d)) => diags.push(d),
        None => {}
    }
    watch.lap("front matter and site model");
    // Templates come before Markdown: shortcodes in content are rendered with them.
    let templates = theme_result.as_ref().map_err(Clone::clone).and_then(|theme| {
        theme::templates(root, theme)
            .and_then(|sources| Templates::new(sources, root, site.config.theme.as_deref()))
    });
    watch.lap("templates");
    let highlighter = Highlighter::new(site.config.markdown.highlight_code);
    let links = content::Links::new(&site, root);
    let held = match kept {
        Kept::ForServe | Kept::ForCache => content::HtmlHeld::Remembered,
        Kept::Nothing(spill) => content::HtmlHeld::Packed(spill),
    };
    let reuse = match earlier.markdown {
        EarlierMarkdown::None => None,
        EarlierMarkdown::Serve(r) => Some(r),
        EarlierMarkdown::Cache(cached) => {
            let reuse = cached.get().as_ref().map(|(reuse, _)| reuse);
            watch.lap("wait for the cached Markdown");
            reuse
        }
    };
    let (markdown_diags, parsed, html) = match &templates {
        Ok(t) => {
            // The calls keep a copy of the configuration: the model is lent out to be filled
            // while they are used.
            let config = site.config.clone();
            let calls = SiteCalls::new(&site, t, &config, today);
            let calls = if config.content_templating {
                Calls::Templated(&calls)
            } else {
                Calls::Shortcodes(&calls)
            };
            content::convert_markdown(&mut site, &highlighter, &links, calls, reuse, held)
        }
        // The templates' error is reported; calls stay text rather than each be an error.
        Err(_) => content::convert_markdown(&mut site, &highlighter, &links, Calls::Text, reuse, held),
    };
    diags.extend(markdown_diags);
    let sources = content::drop_bodies(&mut site, matches!(kept, Kept::ForServe));
    watch.lap("markdown and highlighting");
    links::backlinks(&mut site);
    watch.lap("backlinks");
    // The related analyses, and the indicators and events, are found side by side: each
    // reads what the other does not set. With the build cache, the related analyses are
    // kept for its next build, and taken from its last one.
    let cached = mode == Mode::Build && options.cache_dir.is_some();
    let (related, ((indicators, watch_diags), (events, event_diags))) = rayon::join(
        || {
            if cached {
                Related::Kept(related::find_reusing(&site, earlier.related))
            } else {
                Related::Found(related::find(&site))
            }
        },
        || {
            let (indicators, watch_diags) = crate::model::watch::collect(&site);
            let events = timeline::events(&site, &indicators);
            ((indicators, watch_diags), events)
        },
    );
    let scored = match related {
        Related::Kept(scored) => {
            related::set_scored(&mut site, &scored.0);
            Some(scored)
        }
        Related::Found(found) => {
            related::set(&mut site, found);
            None
        }
    };
    site.watch = indicators;
    diags.extend(watch_diags);
    site.events = events;
    diags.extend(event_diags);
    watch.lap("related, indicators and timeline");

    let (theme, templates) = match (theme_result, templates) {
        (Ok(theme), Ok(templates)) => (theme, templates),
        // A theme that is missing has no templates: its one error says so.
        (_, Err(d)) | (Err(d), _) => {
            diags.push(d);
            return Err(diags.sorted());
        }
    };
    // Checked even when content had errors, so `check` reports these too.
    render::check_templates(&site, &templates, &mut diags);
    let (mut static_files, static_diags) = theme::static_files(root, &theme, &site.config.ignored_static);
    diags.extend(static_diags);
    let (stylesheets, sass_diags) = crate::sass::compile(
        root,
        &theme,
        site.config.compile_sass,
        &mut static_files,
        options.helper.as_deref(),
    );
    diags.extend(sass_diags);
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    watch.lap("template checks and static files");
    let model = Model {
        site,
        static_files,
        stylesheets,
        links,
        highlighter,
        output_dir,
        warnings: diags,
        parsed,
        read,
        sources,
        scored,
    };
    Ok((model, html, templates))
}

/// Reads, models and prepares the site for rendering, for `serve`, which renders into
/// memory and keeps all of it to update after edits; with `reuse`, the Markdown of
/// documents whose source is unchanged is taken from an earlier build, and the earlier
/// build's search index (in `search`) is refreshed rather than built again.
pub(crate) fn prepare(
    options: &BuildOptions,
    reuse: Option<&content::Reuse>,
    search: render::search::Kept,
    today: jiff::civil::Date,
) -> Result<(Model, render::Prepared), Diagnostics> {
    let mut watch = Stopwatch::new();
    let (mut model, html, templates) = model(options, Mode::Build, &mut watch, reuse, today)?;
    let inputs = render::Inputs {
        static_files: &model.static_files,
        stylesheets: &model.stylesheets,
        root: &options.root,
        today,
        renders_once: false,
        event_html_ahead: false,
        html_kept: true,
        exports_written: false,
    };
    let search = render::search::Start::Earlier(search);
    let mut prepared = render::prepare(&model.site, html, templates, &inputs, search).map_err(|d| {
        let mut all = model.warnings.clone();
        all.extend(d);
        all.sorted()
    })?;
    model.warnings.extend(prepared.take_warnings());
    Ok((model, prepared))
}

/// Builds (or checks) the site at `options.root`. On failure the diagnostics hold every
/// problem found and the previous output folder is untouched.
pub fn run(options: &BuildOptions, mode: Mode, progress: &dyn Progress) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    // Read once: shortcodes and templated content see the same day as the templates.
    let day = today();
    let mut watch = Stopwatch::new();
    let root = options.root.as_path();
    let config = load_config(options, mode)?;
    // With the build cache, the output's folders are made while the site is read, from
    // the last build's list of outputs.
    // Its objects are checked meanwhile too, for a build into an empty folder, which
    // links them.
    let (mut found, mut early, mut checking) = match (mode, options.cache_dir.as_deref()) {
        (Mode::Build, Some(dir)) => {
            let found = crate::cache::Found::read(dir);
            let early = EarlyStaging::begin(options, &config.0, dir, &found);
            let checking = early
                .staging()
                .filter(|staging| staging.fresh())
                .and_then(|_| crate::cache::Checking::start(dir, &found));
            watch.lap("begin the output folder");
            (Some(found), early, checking)
        }
        // Without it, before the site is read, to set each page's HTML aside in.
        (Mode::Build, None) => {
            let out = output_dir(options, &config.0);
            (None, EarlyStaging::begin_plain(root, &config.0, &out), None)
        }
        (Mode::Check, _) => (None, EarlyStaging(None), None),
    };
    let spill = match (mode, options.cache_dir.as_deref(), early.staging()) {
        (Mode::Build, None, Some(staging)) => Spill::create(&staging.scratch("html.spill")).ok(),
        _ => None,
    };
    // The Markdown the build cache kept, read while the site is (150 MB at 10,000 pages),
    // with the pool's help for what is left when the Markdown stage needs it (at 100,000).
    let (markdown_key, kept_markdown) = match (mode, options.cache_dir.as_deref()) {
        (Mode::Build, Some(dir)) => {
            let key = crate::cache::markdown::key(root, options.base_url.as_deref(), options.drafts);
            let reading = Arc::new(crate::cache::markdown::Reading::new(dir, key));
            let helped = Arc::clone(&reading);
            let kept = Deferred::spawn_helped(
                "cached Markdown",
                move || reading.finish().map(crate::cache::markdown::Kept::into_reuse),
                move || helped.help(),
            );
            (Some((dir, key)), Some(kept))
        }
        (Mode::Build | Mode::Check, _) => (None, None),
    };
    let kept_related = match (mode, options.cache_dir.as_deref()) {
        (Mode::Build, Some(dir)) => crate::cache::related::load(dir),
        (Mode::Build | Mode::Check, _) => None,
    };
    let (
        Model {
            mut site,
            static_files,
            stylesheets,
            links,
            output_dir,
            warnings: mut diags,
            parsed,
            scored,
            ..
        },
        html,
        templates,
    ) = model_reusing(
        options,
        mode,
        config,
        &mut watch,
        Earlier {
            markdown: kept_markdown
                .as_ref()
                .map_or(EarlierMarkdown::None, EarlierMarkdown::Cache),
            related: kept_related.as_ref(),
        },
        match (mode, &options.cache_dir) {
            (Mode::Build, Some(_)) => Kept::ForCache,
            (Mode::Build | Mode::Check, _) => Kept::Nothing(spill.as_ref()),
        },
        day,
    )?;
    // What the model did not take.
    let (kept_markdown, shards) = kept_markdown.and_then(Deferred::into_inner).unzip();
    let markdown_cache = markdown_key.map(|(dir, key)| (dir, key, shards));
    drop_later(kept_markdown);
    // A build that keeps nothing for the next makes its search index now and drops the
    // pages' text, which nothing else reads; the build cache keeps the text. One that
    // writes also writes the index now, and the exports made from the model alone, so
    // that none of them is made or held beside the template values.
    let profile = options.profile.then(render::profile::Profile::default);
    let index = match (mode, &options.cache_dir, early.staging()) {
        (Mode::Build, Some(_), _) => render::search::Start::Empty,
        (Mode::Build, None, Some(staging)) if render::search::any_enabled(&site) => {
            render::search::write_ahead(&site, staging, profile.as_ref()).map_err(|d| {
                let mut all = std::mem::take(&mut diags);
                all.push(d);
                all.sorted()
            })?;
            content::drop_texts(&mut site);
            watch.lap("search index");
            render::search::Start::Written
        }
        (Mode::Check, ..) | (Mode::Build, None, _) => {
            let ahead = render::search::ahead(&site);
            content::drop_texts(&mut site);
            watch.lap("search index");
            ahead.map_or(render::search::Start::Empty, render::search::Start::Ahead)
        }
    };
    let exports_written = match early.staging() {
        Some(staging) if mode == Mode::Build && options.cache_dir.is_none() => {
            let today = render::timeline::today(&site, day);
            render::exports::write_ahead(&site, staging, profile.as_ref(), today).map_err(|d| {
                let mut all = std::mem::take(&mut diags);
                all.push(d);
                all.sorted()
            })?;
            watch.lap("link graph and timeline exports");
            true
        }
        Some(_) | None => false,
    };

    let report_progress = |done, total| progress.rendered(done, total);
    let inputs = render::Inputs {
        static_files: &static_files,
        stylesheets: &stylesheets,
        root,
        today: day,
        renders_once: true,
        event_html_ahead: options.cache_dir.is_none() || mode == Mode::Check,
        // The build cache stores it.
        html_kept: options.cache_dir.is_some() && mode == Mode::Build,
        exports_written,
    };
    let mut cache_report = None;
    let stats = match mode {
        Mode::Check => render::prepare(&site, html, templates, &inputs, index).and_then(|mut prepared| {
            diags.extend(prepared.take_warnings());
            let outputs: HashSet<String> = prepared.paths().map(str::to_owned).collect();
            let (mut broken, reported) = crate::linkcheck::markdown_refs(&site, &outputs, true);
            let check = LinkCheck::default();
            let all: Vec<render::JobId> = prepared.ids().collect();
            let stats = prepared.render(&site, &all, &check, &report_progress, None)?;
            broken.extend(check.finish(&site.config, &reported, |path| prepared.origin(path)));
            if broken.is_empty() {
                Ok((stats, None))
            } else {
                Err(broken)
            }
        }),
        Mode::Build => {
            if let Some(dir) = &options.cache_dir {
                crate::cache::check_dir(root, &output_dir, dir).map_err(|d| {
                    let mut all = std::mem::take(&mut diags);
                    all.push(d);
                    all.sorted()
                })?;
            }
            let mut cache = options.cache_dir.as_deref().map(|dir| {
                templates.record_reads();
                let env = cache_env(options, &site, &stylesheets, &templates, day);
                let found = found.take().unwrap_or_else(|| crate::cache::Found::read(dir));
                Cache::open(dir, found, root, &env)
            });
            if cache.as_ref().is_none_or(|cache| cache.ignored.is_some()) {
                // Nothing will be taken from it: the objects need no more checking.
                drop(checking.take());
            }
            // The last build's search index, refreshed for the pages that changed.
            let search = cache
                .as_ref()
                .and_then(Cache::search_index)
                .and_then(|bytes| render::search::SearchIndex::from_bytes(&bytes))
                .map_or(index, |kept| {
                    render::search::Start::Earlier(render::search::Kept {
                        index: Some(kept),
                        ..Default::default()
                    })
                });
            if cache.is_some() {
                watch.lap("read the build cache");
            }
            render::prepare(&site, html, templates, &inputs, search).and_then(|mut prepared| {
                diags.extend(prepared.take_warnings());
                watch.lap("template values and plan");
                let outputs: HashSet<String> = prepared.paths().map(str::to_owned).collect();
                diags.extend(crate::linkcheck::markdown_refs(&site, &outputs, false).0);
                crate::confine::check_output_dir(root, &output_dir)
                    .map_err(|d| std::iter::once(d).collect::<Diagnostics>())?;
                // Only now, with every output path checked, is anything written (but the
                // folders made early, which these outputs' folders now replace).
                let staging = match early.take(&output_dir) {
                    Some(staging) => staging,
                    None => Staging::begin(&output_dir, write_options(&site.config)).map_err(|e| {
                        std::iter::once(Diagnostic::error(format!(
                            "cannot write into the output folder {}: {e}",
                            output_dir.display()
                        )))
                        .collect::<Diagnostics>()
                    })?,
                };
                let outputs: Vec<&crate::output_path::OutputPath> =
                    prepared.ids().map(|id| prepared.output_path(id)).collect();
                staging.make_dirs_for(outputs.iter().copied());
                let rendered = match cache.take() {
                    None => {
                        let all: Vec<render::JobId> = prepared.ids().collect();
                        prepared
                            .render(&site, &all, &staging, &report_progress, profile.as_ref())
                            .map(|stats| (stats, None))
                    }
                    Some(mut cache) => {
                        cache.check_addresses(&|key| prepared.address_now(key));
                        render_cached(
                            &mut prepared,
                            &site,
                            (cache, checking.take()),
                            &staging,
                            &mut watch,
                            &report_progress,
                            profile.as_ref(),
                        )
                        .map(|(stats, run)| (stats, Some(run)))
                    }
                };
                match rendered {
                    Ok((stats, run)) => {
                        watch.lap("render and write");
                        let written = staging.commit().map_err(|e| {
                            std::iter::once(
                                Diagnostic::error(format!("cannot replace {}: {e}", output_dir.display()))
                                    .hint("the output folder was put back as it was before this build"),
                            )
                            .collect::<Diagnostics>()
                        })?;
                        watch.lap("swap output folder");
                        diags.extend(pages_size_warning(written.bytes));
                        if let Some(run) = run {
                            let reads = crate::cache::Reads {
                                files: prepared.files_looked_for(),
                                addresses: prepared.addresses_looked_up(),
                                images: stats.images.made + stats.images.kept > 0,
                            };
                            let search = prepared.take_search().index;
                            let dir = options.cache_dir.as_deref().unwrap_or(Path::new(""));
                            let events_shown = prepared.event_html_counts();
                            let prepared = &prepared;
                            // Four files, saved at once: the manifest (with the outputs'
                            // objects and the search index) and the events' HTML, which
                            // carries the manifest's stamp; the converted Markdown; the
                            // related analyses.
                            let ((manifest, events), (markdown, related)) = rayon::join(
                                || {
                                    // Encoded here, beside the other saves.
                                    let search = search.map(|index| index.to_bytes());
                                    let saved = run.cache.save(
                                        root,
                                        &output_dir,
                                        run.outputs,
                                        reads,
                                        search,
                                        run.documents,
                                    );
                                    let stamp = saved.as_ref().ok().copied();
                                    // Saved unless the build made none of it and the manifest's
                                    // stamp is the one the file has (events gone since leave their
                                    // HTML in it, unused, until the next save).
                                    let unchanged = events_shown.is_some_and(|(made, _)| made == 0)
                                        && stamp.is_some()
                                        && run.events_read == stamp;
                                    let events = match stamp.filter(|_| !unchanged) {
                                        Some(stamp) => prepared
                                            .event_html()
                                            .map(|kept| crate::cache::events::save(dir, stamp, &kept)),
                                        None => None,
                                    };
                                    (saved.map(drop), events)
                                },
                                || {
                                    rayon::join(
                                        || {
                                            markdown_cache.map(|(dir, key, before)| {
                                                let links = links.fingerprint(&site);
                                                crate::cache::markdown::save(
                                                    dir,
                                                    key,
                                                    links,
                                                    &site,
                                                    |id| prepared.page_content(id),
                                                    before.as_ref(),
                                                )
                                            })
                                        },
                                        || {
                                            scored.as_ref().map(|(scored, _)| {
                                                crate::cache::related::save(
                                                    dir,
                                                    scored,
                                                    kept_related.as_ref(),
                                                )
                                            })
                                        },
                                    )
                                },
                            );
                            let next = "renders every output";
                            diags.extend(unsaved(manifest, "the build's outputs were", dir, next));
                            let next = "renders every event shown";
                            diags.extend(
                                events.and_then(|saved| unsaved(saved, "the events' HTML was", dir, next)),
                            );
                            let next = "converts every page's Markdown";
                            let what = "the converted Markdown was";
                            diags.extend(markdown.and_then(|saved| unsaved(saved, what, dir, next)));
                            let next = "finds every page's related analyses";
                            let what = "the related analyses were";
                            diags.extend(related.and_then(|saved| unsaved(saved, what, dir, next)));
                            watch.lap("save the build cache");
                            let mut report = run.report;
                            report.events = events_shown.map(|(made, reused)| (made + reused, reused));
                            report.documents = site.pages.len() + site.sections.len();
                            report.converted = parsed;
                            report.related_taken = scored.as_ref().is_some_and(|(_, taken)| *taken);
                            cache_report = Some(report);
                        }
                        drop_later(prepared);
                        Ok((stats, Some(written)))
                    }
                    Err(e) => {
                        staging.abort();
                        Err(e)
                    }
                }
            })
        }
    };
    let (stats, written) = match stats {
        Ok(s) => {
            if mode == Mode::Check {
                watch.lap("render");
            }
            s
        }
        Err(render_diags) => {
            diags.extend(render_diags);
            return Err(diags.sorted());
        }
    };

    let report = BuildReport {
        pages: site.pages.len(),
        sections: site.sections.len(),
        terms: site.term_count(),
        events: site.events.len(),
        files: stats.files,
        images_made: stats.images.made,
        images_kept: stats.images.kept,
        written,
        elapsed: start.elapsed(),
        output_dir,
        warnings: diags.sorted(),
        timings: watch.laps,
        profile: profile.map(render::profile::Profile::finish).unwrap_or_default(),
        cache: cache_report,
    };
    drop_later(site);
    Ok(report)
}

/// A warning when a part of the build cache (`what`) could not be saved in `dir`: the
/// site was built, and the next build does again what the part would have saved (`next`).
fn unsaved(saved: std::io::Result<()>, what: &str, dir: &Path, next: &str) -> Option<Diagnostic> {
    saved.err().map(|e| {
        Diagnostic::warning(format!(
            "{what} not saved in the build cache {}: {e}",
            dir.display()
        ))
        .hint(format!("the site was built; the next build {next}"))
    })
}

/// Frees `value` on a thread of its own: a 10,000-page site's model and template values
/// take a fifth of a second to free, which the build need not wait for (and which a
/// `dossier build` that exits at once never waits for). Freed here if no thread starts.
fn drop_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("free".to_owned())
        .spawn(move || drop(value));
}

/// What every output depends on besides its values and the files the templates read.
fn cache_env<'a>(
    options: &'a BuildOptions,
    site: &Site,
    stylesheets: &'a BTreeMap<String, crate::sass::Stylesheet>,
    templates: &Templates,
    day: jiff::civil::Date,
) -> CacheEnv<'a> {
    let config = std::fs::read_to_string(options.root.join(site.config.file.name())).unwrap_or_default();
    CacheEnv {
        config,
        base_url: options.base_url.as_deref(),
        drafts: options.drafts,
        stylesheets: stylesheets.values().map(|s| &*s.css).collect(),
        // `now()` is the day of the build: outputs that show it are the day's.
        today: templates.call("now").then_some(day),
    }
}

/// The output folder's staging, begun before the site is read: with the build cache, so
/// that its folders can be made meanwhile (see [`Staging::make_dirs_ahead`]); without, to
/// set each page's HTML aside in (see [`crate::spill`]) and to write the search index and
/// the exports into before the values are made (see [`render::search::write_ahead`] and
/// [`render::exports::write_ahead`]). Removed if the build stops before it takes it.
struct EarlyStaging(Option<(PathBuf, Staging)>);

impl EarlyStaging {
    /// Begins staging into the output folder that `config` names and makes, on a thread of
    /// its own, the folders of the outputs the build cache's manifest (`found`) lists.
    /// Nothing is begun where the checks that come before any write would fail: those
    /// report their errors later, in their place.
    fn begin(
        options: &BuildOptions,
        config: &Config,
        cache_dir: &Path,
        found: &crate::cache::Found,
    ) -> EarlyStaging {
        let root = options.root.as_path();
        let out = output_dir(options, config);
        if crate::cache::check_dir(root, &out, cache_dir).is_err() {
            return EarlyStaging(None);
        }
        let early = EarlyStaging::begin_plain(root, config, &out);
        if let Some(staging) = early.staging() {
            let guess: Vec<crate::output_path::OutputPath> = found
                .output_paths()
                .filter_map(|path| crate::output_path::OutputPath::new(path).ok())
                .collect();
            staging.make_dirs_ahead(guess.iter());
        }
        early
    }

    /// Begins staging into the output folder `out`, where the checks that come before any
    /// write pass.
    fn begin_plain(root: &Path, config: &Config, out: &Path) -> EarlyStaging {
        if crate::confine::check_output_dir(root, out).is_err() {
            return EarlyStaging(None);
        }
        match Staging::begin(out, write_options(config)) {
            Ok(staging) => EarlyStaging(Some((out.to_path_buf(), staging))),
            Err(_) => EarlyStaging(None),
        }
    }

    fn staging(&self) -> Option<&Staging> {
        self.0.as_ref().map(|(_, staging)| staging)
    }

    /// The staging, if it was begun for `out_dir`.
    fn take(&mut self, out_dir: &Path) -> Option<Staging> {
        match self.0.take() {
            Some((out, staging)) if out == out_dir => Some(staging),
            Some((_, staging)) => {
                staging.abort();
                None
            }
            None => None,
        }
    }
}

impl Drop for EarlyStaging {
    fn drop(&mut self) {
        if let Some((_, staging)) = self.0.take() {
            staging.abort();
        }
    }
}

/// A build's use of the cache, until the output folder is written.
struct CacheRun {
    cache: Cache,
    outputs: crate::cache::Recorded,
    report: CacheReport,
    /// The stamp of the events' HTML taken from the cache, if any was.
    events_read: Option<u64>,
    /// What this build's outputs were made from, for the next to compare.
    documents: Option<crate::render::documents::Documents>,
}

/// Renders the outputs the cache has no bytes for (or whose bytes fail their check) and
/// takes the others from it.
fn render_cached(
    prepared: &mut render::Prepared,
    site: &Site,
    (mut cache, checking): (Cache, Option<crate::cache::Checking>),
    staging: &Staging,
    watch: &mut Stopwatch,
    progress: &(dyn Fn(usize, usize) + Sync),
    profile: Option<&render::profile::Profile>,
) -> Result<(render::RenderStats, CacheRun), Diagnostics> {
    use rayon::prelude::*;
    let documents = prepared.documents(site);
    // After an edit that changed only some pages' own output, only the outputs that show
    // those pages need their fingerprints made; the others' are the last build's.
    let reached = documents
        .as_ref()
        .zip(cache.documents())
        .and_then(|(now, before)| now.changed_pages(before))
        .map(|pages| prepared.reached_by(site, &pages));
    // The events' HTML (14 MB at 10,000 pages) read and checked on a thread of its own
    // meanwhile: on the pool's, it held up the fingerprints. A read that panicked is
    // one that found nothing.
    let ((mut fingerprints, event_keys), kept_events) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| cache.event_html());
        let made = prepared.fingerprints_and_event_keys(site, reached.as_deref());
        (made, reading.join().ok().flatten())
    });
    let fingerprinted = match &reached {
        Some(reached) => {
            let mut made = vec![false; fingerprints.len()];
            for id in reached {
                made[id.0] = true;
            }
            for (id, fingerprint) in prepared.ids().zip(&mut fingerprints) {
                if !made[id.0] {
                    *fingerprint = cache.recorded(prepared.path(id));
                }
            }
            reached.len()
        }
        None => fingerprints.len(),
    };
    watch.lap("fingerprint the outputs");
    let events_read = kept_events.as_ref().map(|(stamp, _)| *stamp);
    prepared.take_event_html(event_keys, kept_events.map(|(_, kept)| kept));
    watch.lap("take the events' HTML from the cache");
    if let Some(checking) = checking {
        cache.adopt(checking);
    }
    let prepared = &*prepared;
    let fingerprints = &fingerprints[..];
    let mut fresh = Vec::new();
    let mut kept = Vec::new();
    for (id, fingerprint) in prepared.ids().zip(fingerprints) {
        match fingerprint.and_then(|f| cache.lookup(prepared.path(id), f)) {
            Some(entry) => kept.push((id, entry)),
            None => fresh.push(id),
        }
    }
    let noted = prepared
        .ids()
        .zip(fingerprints)
        .filter_map(|(id, f)| f.map(|f| (prepared.path(id), f)))
        .collect();
    let recorder = Recorder::new(staging, noted);
    let taken: Vec<(render::JobId, Option<std::io::Result<()>>)> = kept
        .par_iter()
        .map_init(Vec::new, |bytes, &(id, entry)| {
            let fetched = cache.fetch(entry, bytes);
            let put = |(object, read): (RegularFile, bool)| {
                recorder.reuse(
                    prepared.output_path(id),
                    entry,
                    &object,
                    read.then_some(&bytes[..]),
                )
            };
            (id, fetched.map(put))
        })
        .collect();
    let mut errors = Diagnostics::new();
    let mut reused = 0;
    for (id, taken) in taken {
        match taken {
            Some(Ok(())) => reused += 1,
            Some(Err(e)) => errors.push(Diagnostic::error(format!(
                "cannot write {}: {e}",
                prepared.path(id)
            ))),
            // Missing or damaged in the cache: made again.
            None => fresh.push(id),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    watch.lap("take outputs from the cache");
    fresh.sort_unstable();
    let mut stats = prepared.render(site, &fresh, &recorder, progress, profile)?;
    stats.files += reused;
    let report = CacheReport {
        reused,
        rendered: fresh.len(),
        ignored: cache.ignored.clone(),
        // Filled in once the cache is saved.
        documents: 0,
        converted: 0,
        related_taken: false,
        fingerprinted,
        events: None,
    };
    let outputs = recorder.finish();
    Ok((
        stats,
        CacheRun {
            cache,
            outputs,
            report,
            events_read,
            documents,
        },
    ))
}

/// GitHub Pages refuses to publish a site larger than this.
const PAGES_LIMIT: u64 = 1_000_000_000;

/// A warning when the output would be too large to publish on GitHub Pages, the host
/// `dossier init`'s workflow deploys to: better said by the build than by a failed deploy.
fn pages_size_warning(bytes: u64) -> Option<Diagnostic> {
    (bytes > PAGES_LIMIT).then(|| {
        Diagnostic::warning(format!(
            "the output is {:.2} GB, over the 1 GB that GitHub Pages publishes",
            bytes as f64 / 1e9
        ))
        .hint(
            "a deploy to GitHub Pages will fail: host the output elsewhere, or make it smaller \
             (`build_search_index = false` leaves out the search index; a theme that puts \
             less on every page)",
        )
    })
}

/// The day of the build, in UTC: `SOURCE_DATE_EPOCH` (seconds since 1970, for
/// reproducible builds), else the clock's. Read once per build and handed to render, so
/// that what a build shows depends only on what it is given.
pub fn today() -> jiff::civil::Date {
    let from_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok());
    from_epoch
        .unwrap_or_else(jiff::Timestamp::now)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_over_the_pages_limit_is_a_warning() {
        assert!(pages_size_warning(PAGES_LIMIT).is_none());
        let w = pages_size_warning(PAGES_LIMIT + 250_000_000).expect("a warning");
        assert!(w.to_string().contains("the output is 1.25 GB"), "{w}");
    }
}
