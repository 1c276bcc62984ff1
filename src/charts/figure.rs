//! The HTML around a chart: a `<figure>` whose `<figcaption>` gives the title, source and
//! notes, a legend in words when a colour column makes series, the SVG, and the data as
//! a table behind a `<details>` with a link to download the file.

use std::fmt::Write;

use super::plot::{Plot, Series};
use super::scale;
use super::spec::{Mark, Spec};
use super::svg::series_class;
use super::table::Table;
use crate::html::{escape_attr, escape_text};

pub(crate) struct Parts<'a> {
    pub spec: &'a Spec,
    pub plot: &'a Plot,
    pub table: &'a Table,
    pub svg: &'a str,
    pub id: &'a str,
    /// The data file's name and the address it is published at.
    pub file_name: &'a str,
    pub href: &'a str,
}

pub(crate) fn figure(p: &Parts) -> String {
    let spec = p.spec;
    let mut out = format!("<figure class=\"chart\" id=\"{}\">\n", escape_attr(p.id));
    out.push_str("<figcaption>");
    if let Some(title) = &spec.title {
        let _ = write!(out, "<span class=\"chart-title\">{}</span>", escape_text(title));
    }
    if let Some(source) = &spec.source {
        let _ = write!(
            out,
            " <small class=\"chart-source\">Source: {}</small>",
            escape_text(source)
        );
    }
    if let Some(notes) = &spec.notes {
        let _ = write!(
            out,
            " <small class=\"chart-notes\">{}</small>",
            escape_text(notes)
        );
    }
    out.push_str("</figcaption>\n");
    if p.plot.series.len() > 1 {
        legend(&mut out, spec, &p.plot.series);
    }
    // Below its width the chart scrolls sideways rather than shrink its text unreadably.
    let _ = writeln!(
        out,
        "<div class=\"chart-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Chart, scrolls sideways\">{}</div>",
        p.svg
    );
    // Said to the eye where the chart is cut (the theme shows it on narrow screens); the
    // region's label says it to screen readers.
    out.push_str("<p class=\"chart-hint\" aria-hidden=\"true\">The chart scrolls sideways.</p>\n");
    data_table(&mut out, p);
    out.push_str("</figure>\n");
    out
}

/// Each series by name beside a sample of its mark, so no series is told by its colour
/// alone (lines also differ in their dashes).
fn legend(out: &mut String, spec: &Spec, series: &[Series]) {
    let title = spec.color.as_ref().map_or("", |c| c.title.as_str());
    let _ = write!(
        out,
        "<p class=\"chart-legend-title\">{}</p>\n<ul class=\"chart-legend\">\n",
        escape_text(title)
    );
    for (i, s) in series.iter().enumerate() {
        let class = series_class(i);
        let sample = match spec.mark {
            Mark::Line => {
                format!("<line class=\"chart-line {class}\" x1=\"1\" y1=\"6\" x2=\"23\" y2=\"6\"/>")
            }
            Mark::Point => format!("<circle class=\"chart-point {class}\" cx=\"12\" cy=\"6\" r=\"4\"/>"),
            Mark::Bar => {
                format!("<rect class=\"chart-bar {class}\" x=\"4\" y=\"0\" width=\"16\" height=\"12\"/>")
            }
            Mark::Area => format!(
                "<rect class=\"chart-area {class}\" x=\"1\" y=\"2\" width=\"22\" height=\"10\"/><line class=\"chart-line {class}\" x1=\"1\" y1=\"2\" x2=\"23\" y2=\"2\"/>"
            ),
            Mark::Range => {
                format!("<rect class=\"chart-range {class}\" x=\"1\" y=\"1\" width=\"22\" height=\"10\"/>")
            }
        };
        let _ = writeln!(
            out,
            "<li><svg class=\"chart-key\" viewBox=\"0 0 24 12\" aria-hidden=\"true\">{sample}</svg>{}</li>",
            escape_text(&s.name)
        );
    }
    out.push_str("</ul>\n");
}

/// Every column and row of the file, the placing channel's column first as each row's
/// header, the values drawn written as the axis writes numbers; and the download link.
fn data_table(out: &mut String, p: &Parts) {
    let spec = p.spec;
    let table = p.table;
    let (first, value) = if p.plot.horizontal {
        (&spec.y, &spec.x)
    } else {
        (&spec.x, &spec.y)
    };
    let channels: Vec<_> = [Some(first), Some(value), spec.y2.as_ref(), spec.color.as_ref()]
        .into_iter()
        .flatten()
        .collect();
    let lead = table.column(&first.field);
    let order: Vec<usize> = lead
        .into_iter()
        .chain((0..table.columns.len()).filter(|c| Some(*c) != lead))
        .collect();
    let quantities: Vec<usize> = std::iter::once(value)
        .chain(spec.y2.as_ref())
        .filter_map(|c| table.column(&c.field))
        .collect();
    let caption = match &spec.title {
        Some(t) => format!("Data: {t}"),
        None => format!("Data from {}", p.file_name),
    };
    let _ = write!(
        out,
        "<details class=\"chart-data\"><summary>Data behind the chart</summary>\n\
         <div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table\"><table>\n<caption>{}</caption>\n<thead><tr>",
        escape_text(&caption)
    );
    for &c in &order {
        let name = &table.columns[c];
        let title = channels
            .iter()
            .find(|ch| ch.field == *name)
            .map_or(name.as_str(), |ch| ch.title.as_str());
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape_text(title));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, &c) in order.iter().enumerate() {
            let cell = row.get(c).map_or("", String::as_str);
            let number = quantities
                .contains(&c)
                .then(|| cell.parse::<f64>().ok())
                .flatten()
                .map(scale::format_value);
            let _ = match (i, number) {
                (0, _) => write!(out, "<th scope=\"row\">{}</th>", escape_text(cell)),
                (_, Some(n)) => write!(out, "<td class=\"num\">{n}</td>"),
                (_, None) => write!(out, "<td>{}</td>", escape_text(cell)),
            };
        }
        out.push_str("</tr>\n");
    }
    let mut href = String::new();
    pulldown_cmark_escape::escape_href(&mut href, p.href).ok();
    let _ = write!(
        out,
        "</tbody>\n</table></div>\n<p><a class=\"chart-download\" href=\"{href}\" download>Download the data ({})</a></p>\n</details>\n",
        escape_text(p.file_name)
    );
}
