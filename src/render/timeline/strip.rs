//! The strip above `/timeline/`: event density per month as an SVG of bars, with eras
//! as bands behind them.

use crate::dates::EventDate;
use crate::html::escape_attr as esc;
use crate::model::dated::Event;
use crate::model::site::{EventId, Site};

/// Event density per month as bars, eras as bands behind them; each bar links to its
/// month below, or on a timeline split by year (at `split`), to its year's page. The
/// table after the picture says the same in text.
pub(super) fn strip_svg(
    site: &Site,
    events: &[EventId],
    today: jiff::civil::Date,
    split: Option<&str>,
) -> String {
    let dated: Vec<&Event> = events
        .iter()
        .map(|i| site.event(*i))
        .filter(|e| e.date.month.is_some())
        .collect();
    let (Some(first), Some(last)) = (dated.first(), dated.last()) else {
        return String::new();
    };
    let month_index = |y: i16, m: i8| y as i32 * 12 + (m as i32 - 1);
    let start = month_index(first.date.year, first.date.month.unwrap_or(1));
    let end = month_index(last.date.year, last.date.month.unwrap_or(1));
    let n = (end - start + 1).clamp(1, 1200) as usize;
    let mut counts = vec![0usize; n];
    for e in &dated {
        let k = month_index(e.date.year, e.date.month.unwrap_or(1)) - start;
        if (0..n as i32).contains(&k) {
            counts[k as usize] += 1;
        }
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1);
    let (w, h, top, bottom) = (720.0_f64, 120.0_f64, 22.0_f64, 20.0_f64);
    let bar_w = w / n as f64;
    let label = |k: usize| {
        let m = start + k as i32;
        format!("{} {}", &EventDate::month_name((m % 12 + 1) as i8)[..3], m / 12)
    };
    let id = |k: usize| {
        let m = start + k as i32;
        format!("m-{:04}-{:02}", m / 12, m % 12 + 1)
    };
    let busiest = (0..n)
        .max_by_key(|k| (counts[*k], std::cmp::Reverse(*k)))
        .unwrap_or(0);
    let mut svg = format!(
        "<svg class=\"timeline-strip\" viewBox=\"0 0 {w} {h}\" role=\"group\" aria-labelledby=\"strip-title strip-desc\" \
         xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"strip-title\">Events per month</title>\n\
         <desc id=\"strip-desc\">{} dated events from {} to {}; the busiest month is {} with {}. The table below lists every month.</desc>\n",
        dated.len(),
        label(0),
        label(n - 1),
        label(busiest),
        counts[busiest]
    );
    for era in &site.config.timeline.eras {
        let (Some(sm), Some(em)) = (era.start.month.or(Some(1)), era.end.month.or(Some(12))) else {
            continue;
        };
        let a = (month_index(era.start.year, sm) - start).max(0) as f64;
        let b = (month_index(era.end.year, em) - start + 1).min(n as i32) as f64;
        if b <= a {
            continue;
        }
        svg.push_str(&format!(
            "<rect class=\"era\" x=\"{:.0}\" y=\"0\" width=\"{:.0}\" height=\"{}\"/><text class=\"era-label\" x=\"{:.0}\" y=\"14\">{}</text>\n",
            a * bar_w,
            (b - a) * bar_w,
            h - bottom,
            a * bar_w + 4.0,
            esc(&era.name)
        ));
    }
    // Months that have a heading below (those with events up to today).
    let past_months: std::collections::HashSet<String> = dated
        .iter()
        .filter(|e| e.date.civil_date() <= today)
        .filter_map(|e| e.date.month.map(|m| format!("m-{:04}-{m:02}", e.date.year)))
        .collect();
    for (k, count) in counts.iter().enumerate() {
        let bh = (h - top - bottom) * (*count as f64 / max as f64);
        let x = k as f64 * bar_w;
        if *count == 0 {
            continue;
        }
        // Upcoming events are listed together, not under their months.
        let (class, target) = match split {
            _ if !past_months.contains(&id(k)) => {
                ("bar upcoming", format!("{}#upcoming-title", split.unwrap_or("")))
            }
            Some(path) => ("bar", format!("{path}{}/#{}", (start + k as i32) / 12, id(k))),
            None => ("bar", format!("#{}", id(k))),
        };
        svg.push_str(&format!(
            "<a href=\"{target}\"><title>{}: {count} events</title><rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/></a>\n",
            label(k),
            x + bar_w * 0.1,
            h - bottom - bh,
            (bar_w * 0.8).max(1.0),
            bh.max(1.0)
        ));
    }
    // Year ticks along the bottom.
    for k in 0..n {
        let m = start + k as i32;
        if m % 12 == 0 || k == 0 {
            svg.push_str(&format!(
                "<text class=\"tick\" x=\"{:.0}\" y=\"{}\">{}</text>\n",
                k as f64 * bar_w + 2.0,
                h - 5.0,
                m / 12
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}
