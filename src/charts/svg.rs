//! The chart drawn as SVG by hand. Nothing in it names a colour or a font: marks are
//! classed by series (`s1`…`s8`) and drawn in `currentColor`, text and rules take the
//! theme's custom properties, so the theme's stylesheet decides how a chart looks, in
//! light and dark mode alike (plotters' SVG backend writes colours and fonts into every
//! element, which no stylesheet can change). Coordinates are written with one decimal,
//! so the output is the same on every machine.

use std::fmt::Write;

use super::plot::{Place, Plot, Series};
use super::scale::Ticks;
use crate::html::{escape_attr, escape_text};

pub(crate) const WIDTH: f64 = 640.0;
pub(crate) const HEIGHT: f64 = 360.0;
/// The width of one character of tick text, roughly, in the view box's units.
const CHAR: f64 = 7.4;

/// What the SVG says about itself: its accessible name and description, its axis
/// titles, and the id its `<title>` and `<desc>` are named by.
pub(crate) struct Labels<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub x_title: &'a str,
    pub y_title: &'a str,
}

/// The plotting area inside the view box.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

/// `v` with at most one decimal, `-0` written `0`.
fn n(v: f64) -> String {
    let s = format!("{v:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s);
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * CHAR
}

pub(crate) fn svg(plot: &Plot, labels: &Labels) -> String {
    let value_labels = plot.values.ticks.iter().map(|(_, l)| text_width(l));
    let side = match (&plot.place, plot.horizontal) {
        (Place::Bands(names), true) => names.iter().map(|l| text_width(l)).fold(0.0, f64::max),
        _ => value_labels.fold(0.0, f64::max),
    };
    let frame = Frame {
        left: (side + 12.0).clamp(32.0, WIDTH * 0.45),
        right: WIDTH - 24.0,
        top: 30.0,
        bottom: HEIGHT - 48.0,
    };
    let mut out = String::with_capacity(4096);
    let _ = writeln!(
        out,
        "<svg class=\"chart-svg\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        n(WIDTH),
        n(HEIGHT),
        escape_text(labels.title),
        escape_text(labels.description),
        id = escape_attr(labels.id),
    );
    axes(&mut out, plot, &frame, labels);
    out.push_str("<g class=\"chart-marks\">\n");
    for (i, series) in plot.series.iter().enumerate() {
        marks(&mut out, plot, &frame, i, series);
    }
    out.push_str("</g>\n</svg>");
    out
}

/// Where a value falls between `lo` and `hi` on a line from `from` to `to`.
fn linear(value: f64, lo: f64, hi: f64, from: f64, to: f64) -> f64 {
    if hi > lo {
        from + (value - lo) / (hi - lo) * (to - from)
    } else {
        (from + to) / 2.0
    }
}

impl Frame {
    /// The position of a value on the value axis (up for columns, across for bars).
    fn value(&self, plot: &Plot, v: f64) -> f64 {
        let t = &plot.values;
        if plot.horizontal {
            linear(v, t.lo, t.hi, self.left, self.right)
        } else {
            linear(v, t.lo, t.hi, self.bottom, self.top)
        }
    }

    /// The start and width of category band `i` of `count` on the placing axis.
    fn band(&self, plot: &Plot, i: f64, count: usize) -> (f64, f64) {
        let (from, to) = if plot.horizontal {
            (self.top, self.bottom)
        } else {
            (self.left, self.right)
        };
        let width = (to - from) / count.max(1) as f64;
        (from + i * width, width)
    }

    /// The position of a point on the placing axis: its band's middle, or its value.
    fn place(&self, plot: &Plot, at: f64) -> f64 {
        match &plot.place {
            Place::Bands(names) => {
                let (start, width) = self.band(plot, at, names.len());
                start + width / 2.0
            }
            Place::Continuous(t) => linear(at, t.lo, t.hi, self.left, self.right),
        }
    }
}

fn axes(out: &mut String, plot: &Plot, f: &Frame, labels: &Labels) {
    out.push_str("<g class=\"chart-grid\">\n");
    for (v, _) in &plot.values.ticks {
        let p = f.value(plot, *v);
        let _ = if plot.horizontal {
            writeln!(
                out,
                "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>",
                n(p),
                n(f.top),
                n(f.bottom)
            )
        } else {
            writeln!(
                out,
                "<line x1=\"{1}\" y1=\"{0}\" x2=\"{2}\" y2=\"{0}\"/>",
                n(p),
                n(f.left),
                n(f.right)
            )
        };
    }
    out.push_str("</g>\n<g class=\"chart-axis\">\n");
    // The value axis's labels.
    for (v, label) in &plot.values.ticks {
        let p = f.value(plot, *v);
        let _ = if plot.horizontal {
            writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                n(p),
                n(f.bottom + 18.0),
                escape_text(label)
            )
        } else {
            writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                n(f.left - 6.0),
                n(p + 4.5),
                escape_text(label)
            )
        };
    }
    // The placing axis's labels: categories, or ticks of quantities or dates.
    match &plot.place {
        Place::Bands(names) => {
            let (_, width) = f.band(plot, 0.0, names.len());
            // Vertical labels wider than their band would run into each other: every
            // `every`th is written (the table below the chart has them all).
            let widest = names.iter().map(|l| text_width(l)).fold(0.0, f64::max);
            let every = if plot.horizontal {
                (15.0 / width).ceil().max(1.0) as usize
            } else {
                ((widest + 8.0) / width).ceil().max(1.0) as usize
            };
            for (i, name) in names.iter().enumerate().step_by(every) {
                let p = f.place(plot, i as f64);
                let _ = if plot.horizontal {
                    writeln!(
                        out,
                        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                        n(f.left - 6.0),
                        n(p + 4.5),
                        escape_text(name)
                    )
                } else {
                    writeln!(
                        out,
                        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                        n(p),
                        n(f.bottom + 18.0),
                        escape_text(name)
                    )
                };
            }
        }
        Place::Continuous(ticks) => x_ticks(out, f, ticks),
    }
    // The baseline the values stand on.
    let _ = if plot.horizontal {
        let x = f.value(plot, plot.values.lo.max(0.0).min(plot.values.hi));
        writeln!(
            out,
            "<line class=\"chart-baseline\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>",
            n(x),
            n(f.top),
            n(f.bottom)
        )
    } else {
        let y = f.value(plot, plot.values.lo.max(0.0).min(plot.values.hi));
        writeln!(
            out,
            "<line class=\"chart-baseline\" x1=\"{1}\" y1=\"{0}\" x2=\"{2}\" y2=\"{0}\"/>",
            n(y),
            n(f.left),
            n(f.right)
        )
    };
    // Axis titles: the value axis's above the plot (read before the values, and never
    // turned sideways), the placing axis's below it.
    let (value_title, place_title) = if plot.horizontal {
        (labels.x_title, labels.y_title)
    } else {
        (labels.y_title, labels.x_title)
    };
    if plot.horizontal {
        let _ = writeln!(
            out,
            "<text class=\"chart-axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            n((f.left + f.right) / 2.0),
            n(HEIGHT - 8.0),
            escape_text(value_title)
        );
    } else {
        let _ = writeln!(
            out,
            "<text class=\"chart-axis-title\" x=\"0\" y=\"16\">{}</text>",
            escape_text(value_title)
        );
        let _ = writeln!(
            out,
            "<text class=\"chart-axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            n((f.left + f.right) / 2.0),
            n(HEIGHT - 8.0),
            escape_text(place_title)
        );
    }
    out.push_str("</g>\n");
}

/// Tick labels along x, leaving out any that would overlap the one before.
fn x_ticks(out: &mut String, f: &Frame, ticks: &Ticks) {
    let mut last_end = f64::NEG_INFINITY;
    for (v, label) in &ticks.ticks {
        let p = linear(*v, ticks.lo, ticks.hi, f.left, f.right);
        let half = text_width(label) / 2.0;
        if p - half < last_end + 8.0 {
            continue;
        }
        // A label that would reach left of the plot starts at its tick, clear of the
        // value axis's lowest label; the last keeps inside the view box.
        let (x, anchor, end) = if p - half < f.left {
            (p, "start", p + 2.0 * half)
        } else if p + half > WIDTH {
            (p, "end", p)
        } else {
            (p, "middle", p + half)
        };
        last_end = end;
        let _ = writeln!(
            out,
            "<line class=\"chart-tick\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/><text x=\"{0}\" y=\"{3}\" text-anchor=\"{anchor}\">{4}</text>",
            n(x),
            n(f.bottom),
            n(f.bottom + 5.0),
            n(f.bottom + 18.0),
            escape_text(label)
        );
    }
}

/// The class of series `i`: its colour and line style come from the theme.
pub(crate) fn series_class(i: usize) -> String {
    format!("s{}", i % 8 + 1)
}

fn marks(out: &mut String, plot: &Plot, f: &Frame, i: usize, series: &Series) {
    let class = series_class(i);
    let zero = f.value(plot, 0.0f64.clamp(plot.values.lo, plot.values.hi));
    match plot.mark {
        super::spec::Mark::Bar => {
            let Place::Bands(names) = &plot.place else { return };
            let count = plot.series.len().max(1);
            for p in &series.points {
                let (start, width) = f.band(plot, p.at, names.len());
                // Bars of one category side by side, in the series' order, with a gap
                // around the group.
                let inner = width * 0.8 / count as f64;
                let from = start + width * 0.1 + inner * i as f64;
                let v = f.value(plot, p.value);
                let (lo, hi) = (v.min(zero), v.max(zero));
                let _ = if plot.horizontal {
                    writeln!(
                        out,
                        "<rect class=\"chart-bar {class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                        n(lo),
                        n(from),
                        n(hi - lo),
                        n(inner)
                    )
                } else {
                    writeln!(
                        out,
                        "<rect class=\"chart-bar {class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                        n(from),
                        n(lo),
                        n(inner),
                        n(hi - lo)
                    )
                };
            }
        }
        super::spec::Mark::Point => dots(out, f, plot, series, &format!("chart-point {class}"), 4),
        super::spec::Mark::Line => {
            let d = polyline(
                series
                    .points
                    .iter()
                    .map(|p| (f.place(plot, p.at), f.value(plot, p.value))),
            );
            let _ = writeln!(out, "<path class=\"chart-line {class}\" d=\"{d}\"/>");
            // A dot on each value: a lone value shows, and values read off the line.
            if series.points.len() <= 60 {
                dots(out, f, plot, series, &format!("chart-dot {class}"), 3);
            }
        }
        super::spec::Mark::Area => {
            let top: Vec<(f64, f64)> = series
                .points
                .iter()
                .map(|p| (f.place(plot, p.at), f.value(plot, p.value)))
                .collect();
            let base = top.iter().rev().map(|(x, _)| (*x, zero));
            let d = polyline(top.iter().copied().chain(base));
            let _ = writeln!(out, "<path class=\"chart-area {class}\" d=\"{d}Z\"/>");
            let _ = writeln!(
                out,
                "<path class=\"chart-line {class}\" d=\"{}\"/>",
                polyline(top.into_iter())
            );
        }
        super::spec::Mark::Range => {
            let low: Vec<(f64, f64)> = series
                .points
                .iter()
                .map(|p| (f.place(plot, p.at), f.value(plot, p.value)))
                .collect();
            let high = series
                .points
                .iter()
                .rev()
                .map(|p| (f.place(plot, p.at), f.value(plot, p.high.unwrap_or(p.value))));
            let d = polyline(low.iter().copied().chain(high));
            let _ = writeln!(out, "<path class=\"chart-range {class}\" d=\"{d}Z\"/>");
        }
    }
}

/// A circle of radius `r` at each of the series' values.
fn dots(out: &mut String, f: &Frame, plot: &Plot, series: &Series, class: &str, r: u8) {
    for p in &series.points {
        let _ = writeln!(
            out,
            "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{r}\"/>",
            n(f.place(plot, p.at)),
            n(f.value(plot, p.value))
        );
    }
}

fn polyline(points: impl Iterator<Item = (f64, f64)>) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.enumerate() {
        let _ = write!(d, "{}{},{}", if i == 0 { "M" } else { "L" }, n(x), n(y));
    }
    d
}
