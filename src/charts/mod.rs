//! Figures from data: a ```` ```chart ```` block's spec (a subset of Vega-Lite, in YAML)
//! and its data file become, at build time, a `<figure>` with an inline SVG drawn in the
//! theme's colours, the data as a table behind a `<details>`, and a link to download the
//! file.
//!
//! One job per module: `spec` reads the block, `files` finds and reads the data file
//! inside the site, `table` parses it (CSV or JSON), `plot` reads the columns the chart
//! uses, `scale` makes the ticks, `svg` draws, `figure` writes the HTML around the
//! drawing. The Markdown pass (`parse::markdown`) calls [`render`] and places a
//! [`Problem`] at the block's line; the model publishes each data file beside the page
//! that charts it (`render::plan`).
//!
//! Every input is bounded ([`Limits`]): a hostile file makes an error, not a slow build.

mod figure;
mod files;
mod plot;
mod scale;
mod spec;
mod svg;
mod table;

pub(crate) use files::Files;
pub(crate) use spec::Pos;

/// How much of a data file a chart reads. Past any of them, the chart is an error that
/// says which and what to do.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub bytes: usize,
    pub rows: usize,
    pub columns: usize,
    /// Distinct values of the colour column.
    pub series: usize,
    /// Distinct values of a nominal axis.
    pub categories: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            bytes: 1024 * 1024,
            rows: 2_000,
            columns: 50,
            series: 8,
            categories: 60,
        }
    }
}

/// Where in the block a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum At {
    /// At a line and column of the spec.
    Spec(Pos),
    /// At the data file's `url`, wherever the spec writes it.
    Url,
}

/// What is wrong with a chart, where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub message: String,
    pub hint: Option<String>,
    pub at: At,
}

impl Problem {
    pub(crate) fn at(pos: Pos, message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            hint: None,
            at: At::Spec(pos),
        }
    }

    pub(crate) fn at_url(message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            hint: None,
            at: At::Url,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }
}

/// A data file a page charts, which is published beside the page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct DataFile {
    /// Its path under the site folder (`content/economy/gas/flows.csv`, `data/flows.csv`).
    pub source: String,
    /// The name it is published under, in the page's folder.
    pub name: String,
}

/// A chart as HTML, and the file it read.
#[derive(Debug)]
pub(crate) struct Chart {
    pub html: String,
    pub file: DataFile,
}

/// The document a chart is in.
pub(crate) struct Page<'a> {
    /// `economy/gas/index.md`: relative data files are looked for beside it.
    pub content_path: &'a str,
    /// `/economy/gas/`: the data file is published there.
    pub url_path: &'a str,
    /// Unique on the page and across pages (a list may show several summaries), for the
    /// ids the SVG's name and description are referred to by.
    pub id: &'a str,
}

/// Renders the chart `text` (the block's spec) in `page`, reading its data from `files`.
/// A problem's place is in the spec; [`At::Url`] is resolved to the `url` key's place.
pub(crate) fn render(text: &str, page: &Page, files: &Files, limits: &Limits) -> Result<Chart, Problem> {
    let spec = spec::parse(text)?;
    let at_url = |mut p: Problem| {
        if p.at == At::Url {
            p.at = At::Spec(spec.url_at);
        }
        p
    };
    let found = files.read(&spec.url, page.content_path, limits).map_err(at_url)?;
    let format = match spec.format {
        Some(f) => f,
        None => {
            let ext = found.name.rsplit_once('.').map_or("", |(_, e)| e);
            table::Format::named(ext).ok_or_else(|| {
                at_url(
                    Problem::at_url(format!("`{}` is neither a .csv nor a .json file", spec.url))
                        .hint("name the file .csv or .json, or say its format: `data: {url: …, format: {type: csv}}`"),
                )
            })?
        }
    };
    let table = table::parse(&found.text, &spec.url, format, limits).map_err(at_url)?;
    let plot = plot::plot(&spec, &table, &spec.url, limits).map_err(at_url)?;
    let title = spec
        .title
        .clone()
        .unwrap_or_else(|| format!("{} by {}", spec.y.title, spec.x.title));
    let description = spec
        .description
        .clone()
        .unwrap_or_else(|| describe(&spec, &plot, &table));
    let svg = svg::svg(
        &plot,
        &svg::Labels {
            id: page.id,
            title: &title,
            description: &description,
            x_title: &spec.x.title,
            y_title: &spec.y.title,
        },
    );
    let href = format!("{}{}", page.url_path, found.name);
    let html = figure::figure(&figure::Parts {
        spec: &spec,
        plot: &plot,
        table: &table,
        svg: &svg,
        id: page.id,
        file_name: &found.name,
        href: &href,
    });
    Ok(Chart {
        html,
        file: DataFile {
            source: found.source,
            name: found.name,
        },
    })
}

/// A sentence saying what the chart shows, for its SVG's description: the kind of
/// chart, what it plots against what, the series, and the range of the values.
fn describe(spec: &spec::Spec, plot: &plot::Plot, table: &table::Table) -> String {
    let kind = match (spec.mark, plot.horizontal) {
        (spec::Mark::Bar, true) => "Horizontal bar chart",
        (spec::Mark::Bar, false) => "Bar chart",
        (spec::Mark::Line, _) => "Line chart",
        (spec::Mark::Area, _) => "Area chart",
        (spec::Mark::Point, _) => "Scatter plot",
        (spec::Mark::Range, _) => "Range chart",
    };
    let (along, value) = if plot.horizontal {
        (&spec.y, &spec.x)
    } else {
        (&spec.x, &spec.y)
    };
    let mut s = format!("{kind} of {} by {}", value.title, along.title);
    if let Some(y2) = &spec.y2 {
        s = format!("{kind} of {} to {} by {}", value.title, y2.title, along.title);
    }
    if let Some(color) = &spec.color {
        let names: Vec<&str> = plot.series.iter().map(|s| s.name.as_str()).collect();
        s.push_str(&format!(", one series per {}: {}", color.title, names.join(", ")));
    }
    let values = plot
        .series
        .iter()
        .flat_map(|s| &s.points)
        .flat_map(|p| std::iter::once(p.value).chain(p.high));
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo.is_finite() {
        s.push_str(&format!(
            "; values from {} to {}",
            scale::format_value(lo),
            scale::format_value(hi)
        ));
    }
    s.push_str(&format!(
        "; {} rows of data in the table below.",
        table.rows.len()
    ));
    s
}
