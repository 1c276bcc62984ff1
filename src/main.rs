//! The `dossier` command line: parses arguments, calls the library, prints what it
//! returns and turns it into an exit status.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser, Subcommand};

// A build allocates and frees millions of small strings and template values across
// threads; mimalloc does that faster than the system allocator (a 10,000-page build
// took about 10% less time). Without transparent huge pages it also keeps peak memory
// near the system allocator's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use dossier::build::{self, BuildOptions, Mode, Progress};
use dossier::diagnostic::{Diagnostic, Severity};

#[derive(Parser)]
#[command(
    name = "dossier",
    version,
    about = "A static site generator for people who publish analyses"
)]
struct Cli {
    /// The site folder (the one with config.toml) for build, check, serve and new;
    /// the current folder by default.
    // Not `global`: `init` makes the site at its DIR, so its help must not offer
    // `--root`. The commands that read a site take it after their name too (`SiteArgs`).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// `--links`: what a broken internal link is.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Links {
    Warn,
    Error,
}

impl Links {
    fn severity(self) -> Severity {
        match self {
            Links::Warn => Severity::Warning,
            Links::Error => Severity::Error,
        }
    }
}

/// The site a command reads: `--root` after the command's name.
#[derive(clap::Args)]
struct SiteArgs {
    /// The site folder (the one with config.toml); the current folder by default.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

impl SiteArgs {
    /// The site folder: `--root` after the command's name, else before it, else `.`.
    /// The one nearer the command wins, as a later option does.
    fn root(self, before: Option<PathBuf>) -> PathBuf {
        self.root.or(before).unwrap_or_else(|| PathBuf::from("."))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// Write the site here instead of public/.
        #[arg(long, short = 'o', value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// Use this base URL instead of config.toml's `base_url`.
        #[arg(long, short = 'u', value_name = "URL")]
        base_url: Option<String>,
        /// Broken internal links (to a missing page, heading or draft) as `warn`ings or
        /// `error`s, over config.toml's `[link_checker] internal_level`.
        #[arg(long, value_name = "LEVEL")]
        links: Option<Links>,
        /// Include pages and sections marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Print how long each stage of the build took.
        #[arg(long)]
        timings: bool,
        /// Print the stages' times and the render stage's time per template (and per kind
        /// of output made without one), with counts, so a slow template shows.
        #[arg(long)]
        profile: bool,
        /// Keep the outputs, the converted Markdown, the related analyses and the events'
        /// HTML in DIR between builds, and render (and convert) again only what an edit
        /// changed (for CI, where each build starts empty).
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Do everything `build` does except write, and report every problem found.
    Check {
        /// Use this base URL instead of config.toml's `base_url`.
        #[arg(long, short = 'u', value_name = "URL")]
        base_url: Option<String>,
        /// Broken internal links (to a missing page, heading or draft) as `warn`ings or
        /// `error`s, over config.toml's `[link_checker] internal_level`.
        #[arg(long, value_name = "LEVEL")]
        links: Option<Links>,
        /// Include pages and sections marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Build the site into memory and serve it with live reload while you write.
    Serve {
        /// The address to listen on (only this machine can connect by default).
        #[arg(long, short = 'i', value_name = "ADDRESS", default_value = "127.0.0.1")]
        interface: std::net::IpAddr,
        /// The port to listen on; when busy, the next free one is used (0: any free port).
        #[arg(long, short = 'p', default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser once it is built.
        #[arg(long, short = 'O')]
        open: bool,
        /// Broken internal links (to a missing page, heading or draft) as `warn`ings or
        /// `error`s, over config.toml's `[link_checker] internal_level`.
        #[arg(long, value_name = "LEVEL")]
        links: Option<Links>,
        /// Include pages and sections marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Serve under this URL's path instead of config.toml's `base_url` path.
        #[arg(long, short = 'u', value_name = "URL")]
        base_url: Option<String>,
        /// After an edit to an analysis, send the browser to its page.
        #[arg(long)]
        navigate_to_changed: bool,
        /// Milliseconds a client has to send its request headers (for tests).
        #[arg(long, hide = true, value_name = "MS")]
        header_timeout_ms: Option<u64>,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Compiles Sass for a build, in a process of its own (see dossier::sass::worker).
    #[command(name = "__sass", hide = true)]
    Sass { root: PathBuf, files: Vec<PathBuf> },
    /// Make a new site in DIR: config, two sample analyses with their sources, the default
    /// theme and a GitHub Pages workflow.
    Init {
        /// The folder to create (it must not exist, or be empty).
        dir: PathBuf,
        /// How the GitHub Pages workflow installs dossier (this same version).
        #[arg(long, value_enum, value_name = "HOW", default_value_t)]
        ci_install: dossier::init::CiInstall,
    },
    /// Make a new analysis from the archetype, e.g. `dossier new content/security/some-slug.md`.
    New {
        /// Where the analysis goes, under content/.
        path: PathBuf,
        #[command(flatten)]
        site: SiteArgs,
    },
}

/// mimalloc's `purge_delay` option (its index in mimalloc 3's option enum).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Return freed memory to the system after 3 ms rather than mimalloc's 10: a build
    // frees large buffers stage by stage, and this keeps peak memory lower (by about
    // 10 MiB on the 10,000-page corpus and 45 MiB on the 100,000-page one, against
    // 1 s) at no measurable cost on a machine no other process shares (0 ms costs 30%
    // more time in madvise calls; see benches/README.md). MIMALLOC_PURGE_DELAY still
    // overrides it.
    // SAFETY: sets a plain integer option; called before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, 3) };
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            output_dir,
            base_url,
            links,
            drafts,
            timings,
            profile,
            cache_dir,
            site,
        } => {
            let options = BuildOptions {
                root: site.root(cli.root),
                output_dir,
                base_url,
                drafts,
                links: links.map(Links::severity),
                profile,
                helper: std::env::current_exe().ok(),
                cache_dir,
            };
            run_build(&options, Mode::Build, timings || profile)
        }
        Command::Check {
            base_url,
            links,
            drafts,
            site,
        } => {
            let options = BuildOptions {
                root: site.root(cli.root),
                base_url,
                drafts,
                links: links.map(Links::severity),
                helper: std::env::current_exe().ok(),
                ..Default::default()
            };
            run_build(&options, Mode::Check, false)
        }
        Command::Serve {
            interface,
            port,
            open,
            links,
            drafts,
            base_url,
            navigate_to_changed,
            header_timeout_ms,
            site,
        } => {
            let options = dossier::serve::ServeOptions {
                build: BuildOptions {
                    root: site.root(cli.root),
                    base_url,
                    drafts,
                    links: links.map(Links::severity),
                    helper: std::env::current_exe().ok(),
                    ..Default::default()
                },
                interface,
                port,
                navigate_to_changed,
                header_timeout: header_timeout_ms
                    .map_or(dossier::serve::HEADER_TIMEOUT, std::time::Duration::from_millis),
            };
            let reporter = std::sync::Arc::new(ServeReporter {
                open,
                last_failure: Mutex::new(None),
            });
            match dossier::serve::run(options, reporter) {
                Ok(()) => {
                    println!("Stopped.");
                    ExitCode::SUCCESS
                }
                Err(d) => fail(&[d]),
            }
        }
        Command::Sass { root, files } => {
            // One line per stylesheet, each out as soon as it is made: the parent reads
            // as far as a crash let the child get.
            for file in &files {
                println!("{}", dossier::sass::worker::child_outcome(&root, file));
            }
            ExitCode::SUCCESS
        }
        Command::Init { dir, ci_install } => {
            // `dossier --root X init DIR` once made the site at X/DIR; saying so is
            // clearer than quietly making it somewhere else now.
            if cli.root.is_some() {
                Cli::command()
                    .error(
                        clap::error::ErrorKind::ArgumentConflict,
                        "`init` makes the site at DIR and takes no --root; give the whole path as DIR",
                    )
                    .exit();
            }
            match dossier::init::site(&dir, today(), ci_install) {
                Ok(files) => {
                    println!("Made a new site in {} ({} files).", dir.display(), files.len());
                    println!("Next: cd {} && dossier build", dir.display());
                    ExitCode::SUCCESS
                }
                Err(d) => fail(&[d]),
            }
        }
        Command::New { path, site } => match dossier::init::new_page(&site.root(cli.root), &path, today()) {
            Ok(rel) => {
                println!(
                    "Made {} (a draft: set `draft = false` to publish it).",
                    rel.display()
                );
                ExitCode::SUCCESS
            }
            Err(d) => fail(&[d]),
        },
    }
}

fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// The render stage per template, the most time first, as `--profile` prints it.
fn print_profile(rows: &[build::ProfileRow]) {
    println!(
        "\nRender stage by template (times summed over {} threads; an included template counts \
         towards the one including it):",
        rayon::current_num_threads()
    );
    println!(
        "  {:>9}  {:>9}  {:>9}  {:>9}  {:>7}  {:>9}  template",
        "making", "mean", "slowest", "writing", "count", "bytes"
    );
    for row in rows {
        let mean = row.render / u32::try_from(row.count.max(1)).unwrap_or(u32::MAX);
        println!(
            "  {:>9}  {:>9}  {:>9}  {:>9}  {:>7}  {:>9}  {}",
            format_duration(row.render),
            format_duration(mean),
            format_duration(row.max),
            format_duration(row.write),
            row.count,
            format_bytes(row.bytes),
            row.name
        );
    }
}

fn format_bytes(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.1} KB", bytes as f64 / 1e3)
    }
}

fn run_build(options: &BuildOptions, mode: Mode, timings: bool) -> ExitCode {
    let bar = Bar::new();
    let result = build::run(options, mode, &bar);
    bar.finish();
    match result {
        Ok(report) => {
            for w in report.warnings.iter() {
                eprintln!("{w}\n");
            }
            let verb = match mode {
                Mode::Build => "Built",
                Mode::Check => "Checked",
            };
            let place = match mode {
                Mode::Build => format!(" into {}", report.output_dir.display()),
                Mode::Check => String::new(),
            };
            println!(
                "{verb} {}, {}, {}, {} ({}){place} in {}",
                count(report.pages, "page"),
                count(report.sections, "section"),
                count(report.terms, "term"),
                count(report.events, "event"),
                count(report.files, "file"),
                format_duration(report.elapsed)
            );
            // `check` makes no images: it only checks the calls.
            if mode == Mode::Build && report.images_made + report.images_kept > 0 {
                println!(
                    "  {} resized: {} made, {} kept from the last build",
                    count(report.images_made + report.images_kept, "image"),
                    report.images_made,
                    report.images_kept
                );
            }
            if let Some(cache) = &report.cache {
                match &cache.ignored {
                    Some(why) => println!(
                        "  build cache not used ({why}): {} rendered",
                        count(cache.rendered, "output")
                    ),
                    None => println!(
                        "  build cache: {} reused, {} rendered; {} fingerprinted",
                        count(cache.reused, "output"),
                        cache.rendered,
                        cache.fingerprinted
                    ),
                }
                println!(
                    "  Markdown: {} of {} taken from the cache; related analyses {}",
                    cache.documents.saturating_sub(cache.converted),
                    count(cache.documents, "document"),
                    if cache.related_taken {
                        "taken from it"
                    } else {
                        "found again"
                    },
                );
                if let Some((shown, taken)) = cache.events.filter(|(shown, _)| *shown > 0) {
                    println!(
                        "  events: {taken} of {} shown had their HTML taken from the cache",
                        count(shown, "event"),
                    );
                }
            }
            if let (true, Some(w)) = (timings, report.written) {
                println!(
                    "  {} files written, {} unchanged, {} removed; {:.1} MB in all",
                    w.written,
                    w.unchanged,
                    w.removed,
                    w.bytes as f64 / 1e6
                );
            }
            if timings {
                for (stage, took) in &report.timings {
                    println!("  {:>9}  {stage}", format_duration(*took));
                }
            }
            if !report.profile.is_empty() {
                print_profile(&report.profile);
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            let all: Vec<Diagnostic> = diags.into_vec();
            match mode {
                Mode::Build => fail(&all),
                // `check` never writes: saying "nothing was written" would suggest it might.
                Mode::Check => report(&all, ""),
            }
        }
    }
}

/// Prints what `serve` reports; a failure is printed once, not again for each save that
/// leaves it as it was.
struct ServeReporter {
    open: bool,
    last_failure: Mutex<Option<String>>,
}

impl dossier::serve::Reporter for ServeReporter {
    fn listening(&self, url: &str, note: Option<&str>) {
        if let Some(note) = note {
            println!("Note: {note}.");
        }
        println!("Serving at {url} (Ctrl-C to stop)");
        if self.open
            && let Err(e) = open::that_detached(url)
        {
            eprintln!("warning: cannot open a browser: {e}");
        }
    }

    fn built(&self, update: &dossier::incremental::Update, trigger: &[PathBuf]) {
        if let Ok(mut last) = self.last_failure.lock()
            && last.take().is_some()
        {
            println!("Fixed: the site builds again.");
        }
        // Warnings are the same at every build; they are shown with the first.
        if trigger.is_empty() {
            for w in update.warnings.iter() {
                eprintln!("{w}\n");
            }
        }
        // "Markdown file" and "output file", not "source": sources are also what analyses
        // cite. The site's file count is the one `dossier build` prints.
        let read = count(update.read, "Markdown file");
        let time = format_duration(update.elapsed);
        if trigger.is_empty() {
            let later = if update.rendered < update.outputs {
                format!(" ({} now, the search index next)", update.rendered)
            } else {
                String::new()
            };
            println!(
                "Built: {read} read, {} in the site{later} in {time}",
                count(update.outputs, "file")
            );
            return;
        }
        let cause = match trigger {
            [one] => format!("{} changed:", one.display()),
            many => format!("{} files changed:", many.len()),
        };
        let how = if update.full {
            "model rebuilt"
        } else {
            "incremental"
        };
        let first = update
            .first
            .map(|f| format!(" (the page itself in {})", format_duration(f)))
            .unwrap_or_default();
        println!(
            "{cause} {read} read, {} of {} rendered, {} updated ({how}) in {time}{first}",
            update.rendered,
            count(update.outputs, "file"),
            update.changed.len(),
        );
    }

    fn failed(&self, diagnostics: &dossier::diagnostic::Diagnostics, _: &[PathBuf]) {
        let text = diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n\n");
        let Ok(mut last) = self.last_failure.lock() else {
            return;
        };
        if last.as_deref() != Some(text.as_str()) {
            eprintln!("{text}\n");
            eprintln!("The last good site is still served; the browser shows this error.");
            *last = Some(text);
        }
    }

    fn warn(&self, diagnostic: &Diagnostic) {
        eprintln!("{diagnostic}\n");
    }
}

fn fail(diags: &[Diagnostic]) -> ExitCode {
    report(diags, "; nothing was written")
}

/// Prints the diagnostics and, when there are several, how many were errors.
fn report(diags: &[Diagnostic], consequence: &str) -> ExitCode {
    for d in diags {
        eprintln!("{d}\n");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 1 {
        eprintln!("{errors} errors{consequence}.");
    } else if errors == 1 && diags.len() > 1 {
        eprintln!("1 error{consequence}.");
    }
    ExitCode::FAILURE
}

/// `1 page`, `2 pages`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn format_duration(d: Duration) -> String {
    if d.as_secs() >= 1 {
        format!("{:.2} s", d.as_secs_f64())
    } else if d < Duration::from_millis(1) {
        format!("{} µs", d.as_micros())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

/// A progress bar on a terminal, shown only once a build has taken over a second.
struct Bar {
    start: Instant,
    enabled: bool,
    bar: Mutex<Option<indicatif::ProgressBar>>,
}

impl Bar {
    fn new() -> Self {
        Bar {
            start: Instant::now(),
            enabled: std::io::stderr().is_terminal(),
            bar: Mutex::new(None),
        }
    }

    fn finish(&self) {
        if let Ok(mut guard) = self.bar.lock()
            && let Some(bar) = guard.take()
        {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn rendered(&self, done: usize, total: usize) {
        if !self.enabled || self.start.elapsed() < Duration::from_secs(1) {
            return;
        }
        let Ok(mut guard) = self.bar.lock() else {
            return;
        };
        let bar = guard.get_or_insert_with(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files rendered")
            {
                bar.set_style(style);
            }
            bar
        });
        bar.set_position(done as u64);
    }
}
