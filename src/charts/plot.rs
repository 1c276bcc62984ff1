//! From a spec and its table to what is drawn: the x axis (quantities, dates or
//! categories), the series (one per value of the colour column, in the order they first
//! appear) with their points, and the value axis's ticks. Every cell a channel reads is
//! checked here; a bad one is a problem at the channel's `field`, naming the row.

use super::scale::{self, DateUnit, Ticks};
use super::spec::{Channel, Kind, Mark, Spec};
use super::table::Table;
use super::{Limits, Problem};
use crate::dates::EventDate;

/// The axis along which points are placed (for bars, the one with the categories).
#[derive(Debug)]
pub(crate) enum Place {
    /// Quantities or dates, with their ticks.
    Continuous(Ticks),
    /// Category names in order; a point's position is its category's index.
    Bands(Vec<String>),
}

#[derive(Debug)]
pub(crate) struct Point {
    pub at: f64,
    pub value: f64,
    /// The top of a `range` band.
    pub high: Option<f64>,
}

#[derive(Debug)]
pub(crate) struct Series {
    /// The colour column's value; empty for a chart without one.
    pub name: String,
    pub points: Vec<Point>,
}

#[derive(Debug)]
pub(crate) struct Plot {
    pub mark: Mark,
    /// Bars laid out along y (categories down the side): y is the nominal channel.
    pub horizontal: bool,
    pub place: Place,
    pub values: Ticks,
    pub series: Vec<Series>,
}

/// What a channel's cells are read as.
enum Read {
    Numbers(Vec<Option<f64>>),
    Dates(Vec<Option<f64>>, DateUnit),
    Categories(Vec<String>, Vec<Option<usize>>),
}

pub(crate) fn plot(spec: &Spec, table: &Table, name: &str, limits: &Limits) -> Result<Plot, Problem> {
    let horizontal = spec.mark == Mark::Bar && spec.y.kind == Some(Kind::Nominal);
    let (place_channel, value_channel) = if horizontal {
        (&spec.y, &spec.x)
    } else {
        (&spec.x, &spec.y)
    };
    let place_kind = match (spec.mark, place_channel.kind) {
        // Bars stand on categories: years or months written as text are labels.
        (Mark::Bar, _) => Kind::Nominal,
        (_, Some(kind)) => kind,
        (_, None) => infer(table, column(table, place_channel, name)?),
    };
    if value_channel.kind.is_some_and(|k| k != Kind::Quantitative) {
        return Err(Problem::at(
            value_channel.at,
            format!(
                "`{}` is drawn as a quantity, so its type is quantitative",
                value_channel.field
            ),
        )
        .hint(if spec.mark == Mark::Bar {
            "for bars along the side, make `y` nominal and `x` quantitative"
        } else {
            "remove `type`, or write `type: quantitative`"
        }));
    }
    let places = read(table, place_channel, place_kind, name)?;
    let values = numbers(table, value_channel, name)?;
    let highs = match &spec.y2 {
        Some(c) => Some(numbers(table, c, name)?),
        None => None,
    };
    let (series_names, series_of) = match &spec.color {
        Some(c) => {
            let (names, of) = categories(table, c, name)?;
            if names.len() > limits.series {
                return Err(Problem::at(
                    c.at,
                    format!(
                        "`{}` has {} different values: a chart shows at most {} series",
                        c.field,
                        names.len(),
                        limits.series
                    ),
                )
                .hint(
                    "chart fewer series (the main ones, the rest as \"other\"), or split the chart in two",
                ));
            }
            (names, of)
        }
        None => (vec![String::new()], vec![Some(0); table.rows.len()]),
    };
    let mut series: Vec<Series> = series_names
        .into_iter()
        .map(|name| Series {
            name,
            points: Vec::new(),
        })
        .collect();
    let (position, place) = match places {
        Read::Numbers(p) => {
            let ticks = continuous(&p, |lo, hi| scale::numeric(lo, hi, 6));
            (p, Place::Continuous(ticks))
        }
        Read::Dates(p, unit) => {
            let ticks = continuous(&p, |lo, hi| scale::temporal(lo, hi, unit, 6));
            (p, Place::Continuous(ticks))
        }
        Read::Categories(names, of) => {
            if names.len() > limits.categories {
                return Err(Problem::at(
                    place_channel.at,
                    format!(
                        "`{}` has {} different values: a chart shows at most {} categories",
                        place_channel.field,
                        names.len(),
                        limits.categories
                    ),
                )
                .hint("group the smaller categories, or give the column a quantitative or temporal type"));
            }
            (
                of.iter().map(|i| i.map(|i| i as f64)).collect(),
                Place::Bands(names),
            )
        }
    };
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for row in 0..table.rows.len() {
        let (Some(at), Some(value), Some(s)) = (position[row], values[row], series_of[row]) else {
            continue;
        };
        let high = highs.as_ref().and_then(|h| h[row]);
        if highs.is_some() && high.is_none() {
            continue;
        }
        for v in std::iter::once(value).chain(high) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        series[s].points.push(Point { at, value, high });
    }
    if !lo.is_finite() {
        return Err(Problem::at(
            value_channel.at,
            format!(
                "`{name}` has no row with both `{}` and `{}`",
                place_channel.field, value_channel.field
            ),
        )
        .hint("a chart needs at least one row with a value in each column it reads"));
    }
    // Bars and areas are read by their length from zero, so zero is on the axis.
    if matches!(spec.mark, Mark::Bar | Mark::Area) {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if matches!(place, Place::Continuous(_)) {
        for s in &mut series {
            // Lines, areas and bands are drawn in x order; the sort is stable, so rows
            // at one x keep the file's order.
            s.points.sort_by(|a, b| a.at.total_cmp(&b.at));
        }
    }
    series.retain(|s| !s.points.is_empty());
    Ok(Plot {
        mark: spec.mark,
        horizontal,
        place,
        values: scale::numeric(lo, hi, 5),
        series,
    })
}

fn continuous(values: &[Option<f64>], ticks: impl Fn(f64, f64) -> Ticks) -> Ticks {
    let lo = values.iter().flatten().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().flatten().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() {
        ticks(lo, hi)
    } else {
        ticks(0.0, 1.0)
    }
}

fn column(table: &Table, channel: &Channel, name: &str) -> Result<usize, Problem> {
    table.column(&channel.field).ok_or_else(|| {
        let hint = match crate::diagnostic::closest(&channel.field, table.columns.iter().map(String::as_str))
        {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "the columns of `{name}` are {}",
                table
                    .columns
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Problem::at(channel.at, format!("no column `{}` in `{name}`", channel.field)).hint(hint)
    })
}

/// A type for a column written without one: dates if every cell is a month or a day
/// (a bare year is a number), else numbers if every cell is one, else categories.
fn infer(table: &Table, index: usize) -> Kind {
    let cells = || table.cells(index).filter(|c| !c.is_empty());
    // Four-digit whole numbers are years: written as quantities they would read "2,024".
    let year = |c: &str| c.len() == 4 && c.starts_with(['1', '2']) && c.bytes().all(|b| b.is_ascii_digit());
    if cells().all(|c| year(c) || (c.contains('-') && !c.starts_with('-') && EventDate::parse(c).is_ok())) {
        Kind::Temporal
    } else if cells().all(|c| number(c).is_some()) {
        Kind::Quantitative
    } else {
        Kind::Nominal
    }
}

fn read(table: &Table, channel: &Channel, kind: Kind, name: &str) -> Result<Read, Problem> {
    match kind {
        Kind::Quantitative => numbers(table, channel, name).map(Read::Numbers),
        Kind::Temporal => dates(table, channel, name),
        Kind::Nominal => categories(table, channel, name).map(|(n, of)| Read::Categories(n, of)),
    }
}

/// A number as written in a data file: digits with a dot for decimals, maybe a sign and
/// an exponent; not `NaN` or `inf`, which Rust's parser takes.
fn number(cell: &str) -> Option<f64> {
    let plain = cell
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    cell.parse::<f64>().ok().filter(|v| plain && v.is_finite())
}

fn numbers(table: &Table, channel: &Channel, name: &str) -> Result<Vec<Option<f64>>, Problem> {
    let index = column(table, channel, name)?;
    table
        .cells(index)
        .enumerate()
        .map(|(row, cell)| {
            if cell.is_empty() {
                return Ok(None);
            }
            number(cell).map(Some).ok_or_else(|| {
                Problem::at(
                    channel.at,
                    format!(
                        "`{name}` {}: `{}` is `{cell}`, not a number",
                        table.lines[row], channel.field
                    ),
                )
                .hint("write numbers with a dot for decimals and no thousands separators or units (12000, 12.5); leave the cell empty for a missing value")
            })
        })
        .collect()
}

fn dates(table: &Table, channel: &Channel, name: &str) -> Result<Read, Problem> {
    let index = column(table, channel, name)?;
    let mut finest = DateUnit::Year;
    let mut days = Vec::with_capacity(table.rows.len());
    for (row, cell) in table.cells(index).enumerate() {
        if cell.is_empty() {
            days.push(None);
            continue;
        }
        let date = EventDate::parse(cell).map_err(|why| {
            Problem::at(
                channel.at,
                format!(
                    "`{name}` {}: `{}` is not a date: {why}",
                    table.lines[row], channel.field
                ),
            )
            .hint("dates are ISO 8601: 2024, 2024-08 or 2024-08-06")
        })?;
        let unit = match (date.month, date.day) {
            (None, _) => DateUnit::Year,
            (Some(_), None) => DateUnit::Month,
            (Some(_), Some(_)) => DateUnit::Day,
        };
        finest = finest.max(unit);
        days.push(Some(scale::day_number(&date)));
    }
    Ok(Read::Dates(days, finest))
}

/// The distinct values of a column in the order they first appear, and each row's.
fn categories(
    table: &Table,
    channel: &Channel,
    name: &str,
) -> Result<(Vec<String>, Vec<Option<usize>>), Problem> {
    let index = column(table, channel, name)?;
    let mut names: Vec<String> = Vec::new();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let of = table
        .cells(index)
        .map(|cell| {
            if cell.is_empty() {
                return None;
            }
            Some(*seen.entry(cell).or_insert_with(|| {
                names.push(cell.to_owned());
                names.len() - 1
            }))
        })
        .collect();
    Ok((names, of))
}
