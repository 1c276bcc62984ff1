//! The strip above `/timeline/` and each term's timeline: events per day, week, month or
//! year (by the span shown) as an SVG of bars, with eras as bands behind them, named in
//! rows that never overlap, and axis labels that fit.

mod axis;
mod labels;

use std::fmt::Write as _;

use crate::html::escape_attr as esc;
use crate::model::dated::Event;
use crate::model::site::{EventId, Site};
use crate::render::words::Words;
use axis::Axis;
use labels::{Band, era_rows, text_width, tick_x};

/// The strip's width in user units. The theme shows it at this many CSS pixels or more
/// (scrolling sideways in a narrow window), so text is never drawn smaller than its size.
const WIDTH: f64 = 720.0;
/// Font sizes of era names and axis labels, in user units: `svg .era-label` and
/// `svg .tick` in the theme's style.css (a test keeps them equal).
const ERA_FONT: f64 = 12.0;
const TICK_FONT: f64 = 12.0;
/// The height of a row of era names.
const ROW: f64 = 22.0;
/// At most this many rows of era names; beyond, names are shortened.
const MAX_ROWS: usize = 3;
/// The height of the bars' area, and of the axis labels under it.
const BARS: f64 = 84.0;
const AXIS: f64 = 24.0;

/// What a bar holds: its events and the month heading of its first past one (year,
/// month as written), which it links to.
#[derive(Default, Clone, Copy)]
struct Bin {
    count: usize,
    first_past: Option<(i16, i8)>,
}

/// A fingerprint of the strip [`strip_svg`] draws from the same arguments, made without
/// drawing it: what it reads of each event (its day, and its year and month as written),
/// in order, and the rest of its arguments. Its words are those of the language `lang`;
/// its eras are the configuration's, which every output's fingerprint holds.
pub(super) fn fingerprint(
    site: &Site,
    lang: &str,
    events: &[EventId],
    today: jiff::civil::Date,
    split: Option<&str>,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::digest::fingerprinter();
    (lang, today, split, events.len()).hash(&mut h);
    for e in events {
        let date = &site.event(*e).date;
        (date.civil_date(), date.year, date.month).hash(&mut h);
    }
    h.finish()
}

/// Event density as bars, eras as bands behind them; each bar links to the month of its
/// first past event below, or on a timeline split by year (at `split`), on its year's
/// page; a bar of only upcoming events, to the upcoming list. The table after the
/// picture says the same in text.
pub(super) fn strip_svg(
    site: &Site,
    words: &Words,
    events: &[EventId],
    today: jiff::civil::Date,
    split: Option<&str>,
) -> String {
    let dated: Vec<&Event> = events
        .iter()
        .map(|i| site.event(*i))
        .filter(|e| e.date.month.is_some())
        .collect();
    let (Some(first), Some(last)) = (
        dated.iter().map(|e| e.date.civil_date()).min(),
        dated.iter().map(|e| e.date.civil_date()).max(),
    ) else {
        return String::new();
    };
    let axis = Axis::spanning(first, last);
    let n = axis.bins;
    let mut bins = vec![Bin::default(); n];
    for e in &dated {
        let d = e.date.civil_date();
        let Some(bin) = axis.bin(d).map(|k| &mut bins[k]) else {
            continue;
        };
        bin.count += 1;
        if d <= today && bin.first_past.is_none() {
            bin.first_past = e.date.month.map(|m| (e.date.year, m));
        }
    }
    let bar_w = WIDTH / n as f64;
    let x_of = |d: jiff::civil::Date| axis.position(d) * bar_w;

    // Eras on the axis, their names in rows above the bars.
    let (eras, bands): (Vec<&crate::config::Era>, Vec<Band>) = site
        .config
        .timeline
        .eras
        .iter()
        .filter_map(|era| {
            let (start, end) = (x_of(era.start.civil_date()), x_of(era.end.end_exclusive()));
            let on_axis = era.end.end_exclusive() > first && era.start.civil_date() <= last;
            (on_axis && end > start).then_some((
                era,
                Band {
                    start,
                    end,
                    name: &era.name,
                },
            ))
        })
        .unzip();
    let placed = era_rows(&bands, WIDTH, ERA_FONT, MAX_ROWS);
    let rows = placed.iter().map(|p| p.row + 1).max().unwrap_or(0);
    let top = rows as f64 * ROW + 4.0;
    let base = top + BARS;
    let h = base + AXIS;

    let max = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let busiest = (0..n)
        .max_by_key(|k| (bins[*k].count, std::cmp::Reverse(*k)))
        .unwrap_or(0);
    let noun = axis.noun();
    let span = words.counted(
        "dossier_strip_dated_events",
        dated.len(),
        &[
            ("first", &axis.bin_label(0, words)),
            ("last", &axis.bin_label(n - 1, words)),
        ],
    );
    let busiest_text = words.fill(
        &format!("dossier_strip_busiest_{noun}"),
        &[
            ("label", &axis.bin_label(busiest, words)),
            ("count", &bins[busiest].count.to_string()),
        ],
    );
    let mut svg = format!(
        "<svg class=\"timeline-strip\" viewBox=\"0 0 {WIDTH} {h}\" width=\"{WIDTH}\" height=\"{h}\" role=\"group\" \
         aria-labelledby=\"strip-title strip-desc\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <title id=\"strip-title\">{}</title>\n\
         <desc id=\"strip-desc\">{}; {}. {}</desc>\n",
        esc(words.get(&format!("dossier_strip_title_{noun}"))),
        esc(&span),
        esc(&busiest_text),
        esc(words.get("dossier_strip_table_below")),
    );
    // Behind the bars, each era's band, its left edge where it starts.
    for band in &bands {
        let _ = writeln!(
            svg,
            "<rect class=\"era\" x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{BARS}\"/>\
             <path class=\"era-edge\" d=\"M{:.1} {top:.1}V{base:.1}\"/>",
            band.start,
            band.end - band.start,
            band.start,
        );
    }
    for (k, bin) in bins.iter().enumerate() {
        if bin.count == 0 {
            continue;
        }
        let bh = (BARS - 4.0) * (bin.count as f64 / max as f64);
        // Upcoming events are listed together, not under their months.
        let (class, target) = match (bin.first_past, split) {
            (None, _) => ("bar upcoming", format!("{}#upcoming-title", split.unwrap_or(""))),
            (Some((y, m)), Some(path)) => ("bar", format!("{path}{y}/#m-{y:04}-{m:02}")),
            (Some((y, m)), None) => ("bar", format!("#m-{y:04}-{m:02}")),
        };
        let _ = writeln!(
            svg,
            "<a href=\"{target}\"><title>{}: {}</title><rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/></a>",
            esc(&axis.bin_label(k, words)),
            esc(&words.counted("dossier_n_events", bin.count, &[])),
            k as f64 * bar_w + bar_w * 0.1,
            base - bh.max(1.0),
            (bar_w * 0.8).max(1.0),
            bh.max(1.0)
        );
    }
    // Above the bars, in rows, each era's name under a bracket as long as the era:
    // nothing else is drawn there, so no line or band crosses a name.
    for ((era, band), label) in eras.iter().zip(&bands).zip(&placed) {
        let y = label.row as f64 * ROW;
        let _ = write!(
            svg,
            "<g class=\"era-group\"><title>{}: {} – {}</title>\
             <path class=\"era-span\" d=\"M{:.1} {:.1}V{:.1}H{:.1}V{:.1}\"/>",
            esc(&era.name),
            esc(&words.event_date(&era.start)),
            esc(&words.event_date(&era.end)),
            band.start,
            y + 8.0,
            y + 3.0,
            band.end,
            y + 8.0,
        );
        if !label.text.is_empty() {
            let _ = write!(
                svg,
                "<text class=\"era-label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                label.x,
                y + 18.0,
                esc(&label.text)
            );
        }
        svg.push_str("</g>\n");
    }
    let _ = writeln!(svg, "<path class=\"axis\" d=\"M0 {base:.1}H{WIDTH}\"/>");
    for tick in axis.ticks(WIDTH, TICK_FONT, words) {
        let _ = writeln!(
            svg,
            "<path class=\"tick-mark\" d=\"M{:.1} {base:.1}v5\"/><text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            tick.at,
            tick_x(&tick, WIDTH, TICK_FONT),
            base + AXIS - 6.0,
            esc(&tick.label)
        );
    }
    svg.push_str("</svg>");
    debug_assert!(
        placed
            .iter()
            .all(|p| p.x + text_width(&p.text, ERA_FONT) <= WIDTH + 0.01)
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::{ERA_FONT, TICK_FONT};

    #[test]
    fn the_layouts_font_sizes_are_the_themes() {
        // The label layout is computed for these sizes; a theme drawing them larger would
        // make labels overlap again.
        let css = include_str!("../../../../themes/default/static/style.css");
        assert!(
            css.contains(&format!("svg .era-label {{ font-size: {ERA_FONT}px;")),
            "era-label"
        );
        assert!(
            css.contains(&format!("svg .tick {{ font-size: {TICK_FONT}px;")),
            "tick"
        );
    }
}
