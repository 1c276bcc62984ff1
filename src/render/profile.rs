//! `dossier build --profile`: where the render stage's time goes, per template and per
//! kind of output written without one (feeds, search files, copies), so a theme author
//! can find a slow template. Hugo's `--templateMetrics` is the model. Tera calls no hook
//! when it includes or extends a template, so the time of a partial counts towards the
//! template that includes it. A build without the cache writes the search index before it
//! renders (`search::write_ahead`), whose files count in their rows all the same.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::job::{Job, Planned};
use crate::output_path::OutputPath;
use crate::theme::StaticSource;
use crate::write::Sink;

/// One row of the profile: the outputs one template (or kind of output) made.
#[derive(Debug, Clone, Default)]
pub struct ProfileRow {
    /// A template's name, or a description of outputs made without one.
    pub name: String,
    pub count: usize,
    /// Making the outputs: the template's values and its rendering (summed over threads).
    pub render: Duration,
    /// The slowest single output's making.
    pub max: Duration,
    /// Handing the bytes to the output folder (summed over threads).
    pub write: Duration,
    pub bytes: u64,
}

/// Collects rows while the site renders, from every thread.
#[derive(Default)]
pub(crate) struct Profile {
    rows: Mutex<BTreeMap<String, ProfileRow>>,
}

impl Profile {
    /// Renders one job through `render`, which writes into the sink it is given, and
    /// records the time it took, less the time spent writing.
    pub(super) fn measure<T>(
        &self,
        planned: &Planned,
        sink: &dyn Sink,
        render: impl FnOnce(&dyn Sink) -> T,
    ) -> T {
        let name = match &planned.template {
            Some(t) => t.clone(),
            None => kind(&planned.job).to_owned(),
        };
        self.measure_as(name, sink, render)
    }

    /// Writes an output made before rendering by `job` (no template): `make`'s bytes at
    /// `path`, timed into `profile` when there is one, as a rendered output is.
    pub(super) fn write_ahead(
        profile: Option<&Profile>,
        job: &Job,
        sink: &dyn Sink,
        path: &OutputPath,
        make: impl FnOnce() -> Vec<u8>,
    ) -> Result<(), crate::diagnostic::Diagnostic> {
        let put = |sink: &dyn Sink| sink.write(path, &make());
        match profile {
            Some(profile) => profile.measure_as(kind(job).to_owned(), sink, put),
            None => put(sink),
        }
        .map_err(|e| crate::diagnostic::Diagnostic::error(format!("cannot write {path}: {e}")))
    }

    fn measure_as<T>(&self, name: String, sink: &dyn Sink, render: impl FnOnce(&dyn Sink) -> T) -> T {
        let timed = TimedSink {
            inner: sink,
            nanos: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        };
        let start = Instant::now();
        let result = render(&timed);
        let write = Duration::from_nanos(timed.nanos.into_inner());
        let making = start.elapsed().saturating_sub(write);
        if let Ok(mut rows) = self.rows.lock() {
            let row = rows.entry(name).or_default();
            row.count += 1;
            row.render += making;
            row.max = row.max.max(making);
            row.write += write;
            row.bytes += timed.bytes.into_inner();
        }
        result
    }

    /// The rows, the most time first.
    pub(crate) fn finish(self) -> Vec<ProfileRow> {
        let mut rows: Vec<ProfileRow> = self
            .rows
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .map(|(name, row)| ProfileRow { name, ..row })
            .collect();
        rows.sort_by(|a, b| {
            (b.render + b.write)
                .cmp(&(a.render + a.write))
                .then_with(|| a.name.cmp(&b.name))
        });
        rows
    }
}

/// What a job without a template makes, for its row.
fn kind(job: &Job) -> &'static str {
    match job {
        Job::Feed { .. } => "(feeds)",
        Job::GraphJson(_) => "(graph.json)",
        Job::TimelineJson(_) => "(timeline.json)",
        Job::TimelineIcs(_) => "(timeline.ics)",
        Job::Redirect { .. } => "(redirects)",
        Job::SearchIndex(_) | Job::SearchFilters(_) | Job::SearchShard(..) => "(search index: terms)",
        Job::SearchBundle(..) => "(search index: result bundles)",
        Job::Bytes(_) => "(generated files: sitemap, robots.txt, styles)",
        Job::Copy(_) => "(copied static files)",
        // These render with a template; without one (a theme that lacks it) they are
        // written by dossier itself.
        Job::Page(_)
        | Job::SectionPager { .. }
        | Job::TaxonomyList(_)
        | Job::TermPager { .. }
        | Job::SiteGraph(_)
        | Job::Collection(..)
        | Job::Archive(..)
        | Job::Timeline(..)
        | Job::TermTimeline(..)
        | Job::NotFound => "(built-in pages)",
    }
}

/// A sink that counts the time and bytes its writes take.
struct TimedSink<'a> {
    inner: &'a dyn Sink,
    nanos: AtomicU64,
    bytes: AtomicU64,
}

impl TimedSink<'_> {
    fn timed(&self, bytes: u64, write: impl FnOnce() -> std::io::Result<()>) -> std::io::Result<()> {
        let start = Instant::now();
        let result = write();
        self.nanos
            .fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        result
    }
}

impl Sink for TimedSink<'_> {
    fn write(&self, path: &OutputPath, bytes: &[u8]) -> std::io::Result<()> {
        self.timed(bytes.len() as u64, || self.inner.write(path, bytes))
    }

    fn copy(&self, path: &OutputPath, source: &StaticSource) -> std::io::Result<()> {
        let size = match source {
            StaticSource::Embedded(bytes) => bytes.len() as u64,
            StaticSource::File(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
        };
        self.timed(size, || self.inner.copy(path, source))
    }

    fn keep(&self, path: &OutputPath) -> bool {
        self.inner.keep(path)
    }
}
