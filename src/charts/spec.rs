//! A chart's spec: a subset of Vega-Lite's shape, in YAML (JSON is YAML too), read into
//! `RawSpec` as written (serde, `deny_unknown_fields`, values with their place) and then
//! checked into a `Spec`, each problem at the key that caused it.
//!
//! ```yaml
//! title: Gas flows into the EU
//! data: {url: flows.csv}
//! mark: line                       # or {type: line}; bar, line, area, point, range
//! encoding:
//!   x: {field: month, type: temporal, title: Month}
//!   y: {field: bcm, type: quantitative, title: Billion cubic metres}
//!   color: {field: route}
//! source: ENTSOG transparency platform
//! notes: Provisional figures for the last month.
//! ```
//!
//! `source` and `notes` are dossier's own keys beside `title`, where a caption's parts
//! are looked for; `range` is dossier's mark for a band between `y` and `y2`.

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::Problem;
use super::table::Format;
use crate::diagnostic::closest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    Bar,
    Line,
    Area,
    Point,
    /// A band between `y` and `y2` for each x (low and high estimates).
    Range,
}

pub(crate) const MARKS: [(&str, Mark); 5] = [
    ("bar", Mark::Bar),
    ("line", Mark::Line),
    ("area", Mark::Area),
    ("point", Mark::Point),
    ("range", Mark::Range),
];

impl Mark {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Mark::Bar => "bar",
            Mark::Line => "line",
            Mark::Area => "area",
            Mark::Point => "point",
            Mark::Range => "range",
        }
    }
}

/// Vega-Lite's measurement types; `ordinal` is read as `nominal`, in the file's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Quantitative,
    Temporal,
    Nominal,
}

const KINDS: [(&str, Kind); 4] = [
    ("quantitative", Kind::Quantitative),
    ("temporal", Kind::Temporal),
    ("nominal", Kind::Nominal),
    ("ordinal", Kind::Nominal),
];

/// A place in the spec, 1-based (line 0: unknown, the block's first line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    fn of(location: &serde_saphyr::Location) -> Pos {
        Pos {
            line: location.line() as usize,
            column: location.column() as usize,
        }
    }
}

/// One encoding channel: the column it reads, its type if written, its title.
#[derive(Debug, Clone)]
pub(crate) struct Channel {
    pub field: String,
    pub kind: Option<Kind>,
    pub title: String,
    /// Where `field`'s value is written.
    pub at: Pos,
}

#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub title: Option<String>,
    pub description: Option<String>,
    pub url: String,
    pub url_at: Pos,
    pub format: Option<Format>,
    pub mark: Mark,
    pub x: Channel,
    pub y: Channel,
    pub y2: Option<Channel>,
    pub color: Option<Channel>,
    pub source: Option<String>,
    pub notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    /// Pasted from a Vega-Lite example: accepted and not used.
    #[serde(rename = "$schema", default)]
    _schema: Option<String>,
    #[serde(default)]
    title: Option<RawTitle>,
    #[serde(default)]
    description: Option<String>,
    data: RawData,
    mark: Spanned<RawMark>,
    encoding: RawEncoding,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawTitle {
    Text(String),
    Def { text: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    url: Spanned<String>,
    #[serde(default)]
    format: Option<RawFormat>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFormat {
    #[serde(rename = "type")]
    kind: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawMark {
    Name(String),
    Def {
        #[serde(rename = "type")]
        kind: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEncoding {
    x: Spanned<RawChannel>,
    y: Spanned<RawChannel>,
    #[serde(default)]
    y2: Option<Spanned<RawChannel>>,
    #[serde(default)]
    color: Option<Spanned<RawChannel>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel {
    field: Spanned<String>,
    #[serde(rename = "type", default)]
    kind: Option<Spanned<String>>,
    #[serde(default)]
    title: Option<String>,
}

/// The keys a spec may have, for suggestions.
const KEYS: [&str; 17] = [
    "$schema",
    "title",
    "description",
    "data",
    "url",
    "format",
    "mark",
    "type",
    "encoding",
    "x",
    "y",
    "y2",
    "color",
    "field",
    "source",
    "notes",
    "text",
];

/// Reads and checks a spec.
pub(crate) fn parse(text: &str) -> Result<Spec, Problem> {
    let raw: RawSpec = serde_saphyr::from_str(text).map_err(|e| yaml_problem(text, &e))?;
    let mark_at = Pos::of(&raw.mark.referenced);
    let mark_name = match &raw.mark.value {
        RawMark::Name(n) | RawMark::Def { kind: n } => n.trim(),
    };
    let Some(mark) = MARKS.iter().find(|(n, _)| *n == mark_name).map(|(_, m)| *m) else {
        let names = MARKS.iter().map(|(n, _)| *n);
        let hint = match closest(mark_name, names) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "a chart's mark is bar, line, area, point or range (a band between y and y2)".to_owned(),
        };
        return Err(Problem::at(mark_at, format!("unknown mark `{mark_name}`")).hint(hint));
    };
    let format = match &raw.data.format {
        None => None,
        Some(f) => Some(Format::named(&f.kind.value).ok_or_else(|| {
            Problem::at(
                Pos::of(&f.kind.referenced),
                format!("unknown data format `{}`", f.kind.value),
            )
            .hint("chart data is csv or json")
        })?),
    };
    let enc = raw.encoding;
    let y2 = enc.y2.map(channel).transpose()?;
    let y = channel(enc.y)?;
    match (mark, &y2) {
        (Mark::Range, None) => {
            return Err(Problem::at(
                mark_at,
                "a `range` chart needs `y2`: the band runs from `y` to `y2`",
            )
            .hint("add `y2: {field: high}` under `encoding`, with `y` the low values"));
        }
        (Mark::Bar | Mark::Line | Mark::Area | Mark::Point, Some(y2)) => {
            return Err(Problem::at(
                y2.at,
                format!("`y2` is only read by the `range` mark, not `{}`", mark.name()),
            )
            .hint("use `mark: range` for a band between `y` and `y2`, or remove `y2`"));
        }
        _ => {}
    }
    Ok(Spec {
        title: raw.title.map(|t| match t {
            RawTitle::Text(t) | RawTitle::Def { text: t } => t,
        }),
        description: raw.description,
        url: raw.data.url.value.trim().to_owned(),
        url_at: Pos::of(&raw.data.url.referenced),
        format,
        mark,
        x: channel(enc.x)?,
        y,
        y2,
        color: enc.color.map(channel).transpose()?,
        source: raw.source,
        notes: raw.notes,
    })
}

fn channel(raw: Spanned<RawChannel>) -> Result<Channel, Problem> {
    let raw = raw.value;
    let kind = match raw.kind {
        None => None,
        Some(k) => {
            let name = k.value.trim();
            match KINDS.iter().find(|(n, _)| *n == name) {
                Some((_, kind)) => Some(*kind),
                None => {
                    let hint = match closest(name, KINDS.iter().map(|(n, _)| *n)) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "a field's type is quantitative, temporal, nominal or ordinal".to_owned(),
                    };
                    return Err(
                        Problem::at(Pos::of(&k.referenced), format!("unknown type `{name}`")).hint(hint),
                    );
                }
            }
        }
    };
    let field = raw.field.value.trim().to_owned();
    Ok(Channel {
        title: raw.title.unwrap_or_else(|| field.clone()),
        field,
        kind,
        at: Pos::of(&raw.field.referenced),
    })
}

/// serde-saphyr's error as a problem at its place in the spec, with a suggestion for an
/// unknown key.
fn yaml_problem(text: &str, e: &serde_saphyr::Error) -> Problem {
    let at = e
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| Pos::of(&l))
        .unwrap_or_default();
    let full = e.to_string();
    let message = crate::diagnostic::yaml_message(&full);
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(field, _)| field);
    let message = match message.split_once(", expected") {
        Some((head, _)) if unknown.is_some() => head,
        _ => message,
    };
    let hint = match unknown {
        Some("values") => "dossier charts data from a file, which readers can download: put the values in a CSV or JSON file and name it in `data: {url: …}`".to_owned(),
        Some("width" | "height") => "a chart takes the width of the text column; remove the size".to_owned(),
        Some(field) => match closest(field, KEYS.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => spec_shape(),
        },
        None if text.trim().is_empty() => spec_shape(),
        None => format!("a chart is written in YAML (or JSON): {}", spec_shape()),
    };
    Problem::at(at, format!("invalid chart spec: {message}")).hint(hint)
}

fn spec_shape() -> String {
    "a chart spec has `data: {url: file.csv}`, `mark: line` and `encoding:` with `x: {field: …}` and `y: {field: …}`, and may have `title`, `color`, `source` and `notes`".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vega_lite_shapes_read() {
        let spec = parse(
            "title: {text: Flows}\ndata: {url: f.csv}\nmark: {type: line}\nencoding:\n  x: {field: month, type: temporal}\n  y:\n    field: bcm\n    title: bcm\n  color: {field: route}\nsource: ENTSOG\n",
        )
        .unwrap();
        assert_eq!(spec.title.as_deref(), Some("Flows"));
        assert_eq!(spec.mark, Mark::Line);
        assert_eq!(spec.x.kind, Some(Kind::Temporal));
        assert_eq!(spec.y.at, Pos { line: 7, column: 12 });
        assert_eq!(spec.url_at, Pos { line: 2, column: 13 });
        let json = parse(
            r#"{"data": {"url": "f.json"}, "mark": "bar", "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b"}}}"#,
        )
        .unwrap();
        assert_eq!(json.mark, Mark::Bar);
    }

    #[test]
    fn problems_point_at_their_key() {
        let e =
            parse("data: {url: f.csv}\nmark: lines\nencoding: {x: {field: a}, y: {field: b}}\n").unwrap_err();
        assert_eq!(e.message, "unknown mark `lines`");
        assert_eq!(e.hint.as_deref(), Some("did you mean `line`?"));
        let e = parse("data: {url: f.csv}\nmark: line\nencoding: {x: {field: a}, y: {field: b}}\ntilte: A\n")
            .unwrap_err();
        assert_eq!(e.message, "invalid chart spec: unknown field `tilte`");
        assert_eq!(e.hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(e.at, super::super::At::Spec(Pos { line: 4, column: 1 }));
        let e =
            parse("data: {url: f.csv}\nmark: range\nencoding: {x: {field: a}, y: {field: b}}\n").unwrap_err();
        assert!(e.message.contains("needs `y2`"));
    }
}
