//! The exports made from the model alone, with no template and no template value: the
//! link graph's `graph.json`, and the timeline's `timeline.json` and `timeline.ics` for a
//! language with events, one of each per language. They are the largest single outputs
//! (80, 57 and 43 MB at 100,000 pages). A build that writes each output once writes them
//! before the template values are made ([`write_ahead`]), so that none is made beside
//! the values; the plan lists them all the same ([`files`]).

use rayon::prelude::*;

use super::job::{Job, Lang, ahead_path};
use super::profile::Profile;
use super::{graph, timeline};
use crate::config::OwnPage;
use crate::diagnostic::Diagnostic;
use crate::model::site::Site;
use crate::output_path::OutputPath;
use crate::write::Sink;

/// One export of a language.
#[derive(Debug, Clone, Copy)]
pub(super) enum Export {
    Graph,
    TimelineJson,
    TimelineIcs,
}

impl Export {
    /// The planned job that makes this export for `lang`.
    pub(super) fn job(self, lang: Lang) -> Job {
        match self {
            Export::Graph => Job::GraphJson(lang),
            Export::TimelineJson => Job::TimelineJson(lang),
            Export::TimelineIcs => Job::TimelineIcs(lang),
        }
    }

    /// What makes it, in messages: "the link graph", "the timeline".
    pub(super) fn origin(self) -> &'static str {
        match self {
            Export::Graph => "the link graph",
            Export::TimelineJson | Export::TimelineIcs => "the timeline",
        }
    }

    /// Its bytes.
    fn bytes(self, site: &Site, lang: Lang, today: jiff::civil::Date) -> String {
        match self {
            Export::Graph => graph::graph_json(site, lang),
            Export::TimelineJson => timeline::json(site, lang, today),
            Export::TimelineIcs => timeline::ics(site, lang),
        }
    }
}

/// `lang`'s exports with their paths: the graph always, the timeline's where the
/// language's analyses record an event.
pub(super) fn files(site: &Site, lang: Lang) -> Vec<(String, Export)> {
    let code = lang.code(site);
    let mut files = Vec::new();
    if site.config.makes(OwnPage::Graph) {
        files.push((lang.output(site, "graph.json"), Export::Graph));
    }
    if site.config.makes(OwnPage::Timeline) && site.events.iter().any(|e| site.page(e.page).lang == code) {
        files.push((lang.output(site, "timeline.json"), Export::TimelineJson));
        files.push((lang.output(site, "timeline.ics"), Export::TimelineIcs));
    }
    files
}

/// Writes every language's exports into `sink`, timed for `--profile` as rendered
/// outputs are; `today` separates past from upcoming events, as rendering's does.
/// Returns how many files it wrote.
pub(crate) fn write_ahead(
    site: &Site,
    sink: &dyn Sink,
    profile: Option<&Profile>,
    today: jiff::civil::Date,
) -> Result<usize, Diagnostic> {
    let files: Vec<(OutputPath, Lang, Export)> = Lang::all(site)
        .flat_map(|lang| {
            files(site, lang)
                .into_iter()
                .map(move |(path, export)| (path, lang, export))
        })
        .map(|(path, lang, export)| Ok((ahead_path(&path, export.origin())?, lang, export)))
        .collect::<Result<_, Diagnostic>>()?;
    files.par_iter().try_for_each(|(path, lang, export)| {
        Profile::write_ahead(profile, &export.job(*lang), sink, path, || {
            export.bytes(site, *lang, today).into_bytes()
        })
    })?;
    Ok(files.len())
}
