//! Axis ticks and the numbers written on them: round steps (1, 2 or 5 times a power of
//! ten) for quantities, whole years, months or days for dates, and every label formatted
//! the same way on every machine (fixed decimals, thousands separated by commas).

use crate::dates::EventDate;

/// An axis's domain and its ticks, each a position and its label.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<(f64, String)>,
}

/// Ticks for quantities from `min` to `max` (finite), about `target` of them, at a round
/// step; the domain is widened to the ticks at either end.
pub(crate) fn numeric(min: f64, max: f64, target: usize) -> Ticks {
    let (min, max) = if min < max {
        (min, max)
    } else if min == 0.0 {
        (0.0, 1.0)
    } else {
        // One value: a domain around it, from zero.
        (min.min(0.0), max.max(0.0))
    };
    let step = nice_step((max - min) / target.max(1) as f64);
    let decimals = decimals_for(step);
    let first = (min / step).floor();
    let last = (max / step).ceil();
    // `first` and `last` are whole multiples of a step at most a tenth of the range, so
    // there are at most a few dozen ticks, however far the values are from zero.
    let count = (last - first).max(1.0) as usize;
    let ticks: Vec<(f64, String)> = (0..=count)
        .map(|i| {
            let exact = (first + i as f64) * step;
            // Rounded to the step's decimals, so 0.30000000000000004 is 0.3; a step too
            // small for fifteen decimals keeps its exact value, which its label cannot show.
            let value = if decimals < 15 {
                round_to(exact, decimals)
            } else {
                exact
            };
            (value, format_number(value, decimals))
        })
        .collect();
    Ticks {
        lo: ticks.first().map_or(min, |t| t.0),
        hi: ticks.last().map_or(max, |t| t.0),
        ticks,
    }
}

/// 1, 2 or 5 times a power of ten, the nearest to `raw` from above.
pub(crate) fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let factor = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    factor * magnitude
}

/// The decimals a step needs to be written exactly (0.25 → 2, 5 → 0).
pub(crate) fn decimals_for(step: f64) -> usize {
    let mut decimals = 0;
    let mut scaled = step.abs();
    // Relative to the value, so that a tiny step still gets the decimals it needs.
    while decimals < 15 && (scaled - scaled.round()).abs() > 1e-6 * scaled {
        scaled *= 10.0;
        decimals += 1;
    }
    decimals
}

fn round_to(value: f64, decimals: usize) -> f64 {
    let factor = 10f64.powi(decimals as i32);
    let rounded = (value * factor).round() / factor;
    // -0 would be written "-0".
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// `value` with `decimals` decimals and its thousands separated: `12,000`, `-0.5`.
pub(crate) fn format_number(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3 + 1);
    if value < 0.0 && text.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// A value as a reader sees it, with as few decimals as it needs (at most 4).
pub(crate) fn format_value(value: f64) -> String {
    let decimals = decimals_for(value).min(4);
    format_number(round_to(value, decimals), decimals)
}

/// The finest precision dates on an axis have: ticks are never finer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DateUnit {
    Year,
    Month,
    Day,
}

/// Days since 1970-01-01 of a date's start.
pub(crate) fn day_number(date: &EventDate) -> f64 {
    (date.start_key() as f64 / 86_400.0).floor()
}

/// Ticks for dates from day `min` to day `max`, at whole years, months or days, no
/// finer than `finest` (dates written as years get year ticks), about `target` of them.
pub(crate) fn temporal(min: f64, max: f64, finest: DateUnit, target: usize) -> Ticks {
    let (lo, hi) = if min < max {
        (min, max)
    } else {
        // One date: a month either side.
        (min - 31.0, max + 31.0)
    };
    let span_days = hi - lo;
    let target = target.max(2) as f64;
    let unit = if finest == DateUnit::Year || span_days > 3.0 * 365.0 {
        DateUnit::Year
    } else if finest == DateUnit::Month || span_days > 90.0 {
        DateUnit::Month
    } else {
        DateUnit::Day
    };
    let Some(start) = civil(lo) else {
        return Ticks {
            lo,
            hi,
            ticks: Vec::new(),
        };
    };
    let mut ticks = Vec::new();
    match unit {
        DateUnit::Year => {
            let step = nice_step(span_days / 365.25 / target).max(1.0) as i16;
            let mut year = start.year();
            if jiff::civil::Date::new(year, 1, 1).is_ok_and(|d| day_of(d) < lo) {
                year += 1;
            }
            year = year.div_euclid(step) * step + if year % step == 0 { 0 } else { step };
            while let Ok(d) = jiff::civil::Date::new(year, 1, 1) {
                if day_of(d) > hi || ticks.len() > 60 {
                    break;
                }
                ticks.push((day_of(d), year.to_string()));
                year = year.saturating_add(step);
            }
        }
        DateUnit::Month => {
            let months = span_days / 30.44;
            let step = [1, 2, 3, 6, 12]
                .into_iter()
                .find(|s| months / f64::from(*s) <= target)
                .unwrap_or(12);
            let mut index = i32::from(start.year()) * 12 + i32::from(start.month()) - 1;
            if start.day() != 1 {
                index += 1;
            }
            index += (step - index.rem_euclid(step)) % step;
            loop {
                let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
                let Ok(d) = jiff::civil::Date::new(year as i16, month as i8, 1) else {
                    break;
                };
                if day_of(d) > hi || ticks.len() > 60 {
                    break;
                }
                let label = EventDate {
                    year: year as i16,
                    month: Some(month as i8),
                    day: None,
                    datetime: None,
                }
                .label();
                ticks.push((day_of(d), label));
                index += step;
            }
        }
        DateUnit::Day => {
            let step = [1.0, 2.0, 7.0, 14.0]
                .into_iter()
                .find(|s| span_days / s <= target)
                .unwrap_or(14.0);
            let mut day = (lo / step).ceil() * step;
            while day <= hi && ticks.len() <= 60 {
                if let Some(d) = civil(day) {
                    let label = EventDate {
                        year: d.year(),
                        month: Some(d.month()),
                        day: Some(d.day()),
                        datetime: None,
                    }
                    .label();
                    ticks.push((day, label));
                }
                day += step;
            }
        }
    }
    Ticks { lo, hi, ticks }
}

fn civil(day: f64) -> Option<jiff::civil::Date> {
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    epoch.checked_add(jiff::Span::new().days(day as i64)).ok()
}

fn day_of(date: jiff::civil::Date) -> f64 {
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    epoch
        .until((jiff::Unit::Day, date))
        .map_or(0.0, |span| f64::from(span.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &Ticks) -> Vec<&str> {
        t.ticks.iter().map(|(_, l)| l.as_str()).collect()
    }

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(1.0), 1.0);
        assert_eq!(nice_step(1.2), 2.0);
        assert_eq!(nice_step(2400.0), 5000.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn numeric_ticks_cover_the_values_at_round_numbers() {
        let t = numeric(0.0, 12_000.0, 5);
        assert_eq!(labels(&t), ["0", "5,000", "10,000", "15,000"]);
        assert_eq!((t.lo, t.hi), (0.0, 15_000.0));
        let t = numeric(97.0, 552.0, 5);
        assert_eq!(labels(&t), ["0", "100", "200", "300", "400", "500", "600"]);
        let t = numeric(0.12, 0.61, 5);
        assert_eq!(labels(&t), ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"]);
        let t = numeric(-3.0, 4.0, 4);
        assert_eq!(labels(&t), ["-4", "-2", "0", "2", "4"]);
    }

    #[test]
    fn one_value_gets_a_domain_from_zero() {
        let t = numeric(7.0, 7.0, 5);
        assert_eq!(t.lo, 0.0);
        assert!(t.hi >= 7.0);
        assert_eq!(labels(&numeric(0.0, 0.0, 5)).first(), Some(&"0.0"));
    }

    #[test]
    fn huge_and_tiny_ranges_stay_bounded() {
        for (lo, hi) in [(0.0, 1e300), (-1e300, 1e300), (1e-12, 2e-12), (1e15, 1e15 + 1.0)] {
            let t = numeric(lo, hi, 5);
            assert!(t.ticks.len() <= 12, "{lo}..{hi}: {:?}", labels(&t));
            assert!(t.lo <= lo && t.hi >= hi, "{lo}..{hi}: {t:?}");
        }
    }

    #[test]
    fn numbers_are_written_with_separators_and_fixed_decimals() {
        assert_eq!(format_number(1234567.0, 0), "1,234,567");
        assert_eq!(format_number(-1500.5, 1), "-1,500.5");
        assert_eq!(format_number(-0.0001, 2), "0.00");
        assert_eq!(format_number(999.0, 0), "999");
        assert_eq!(format_value(2.5), "2.5");
        assert_eq!(format_value(13.0), "13");
        assert_eq!(decimals_for(0.25), 2);
    }

    #[test]
    fn date_ticks_fall_on_whole_years_months_or_days() {
        let day = |s: &str| day_number(&EventDate::parse(s).unwrap());
        let t = temporal(day("2023"), day("2024"), DateUnit::Year, 6);
        assert_eq!(labels(&t), ["2023", "2024"]);
        let t = temporal(day("2024-01"), day("2024-12"), DateUnit::Month, 6);
        assert_eq!(
            labels(&t),
            [
                "Jan 2024", "Mar 2024", "May 2024", "Jul 2024", "Sep 2024", "Nov 2024"
            ]
        );
        let t = temporal(day("2024-10-18"), day("2024-10-28"), DateUnit::Day, 6);
        assert_eq!(
            labels(&t),
            [
                "18 Oct 2024",
                "20 Oct 2024",
                "22 Oct 2024",
                "24 Oct 2024",
                "26 Oct 2024",
                "28 Oct 2024"
            ]
        );
        let t = temporal(day("2000-03"), day("2024-08"), DateUnit::Month, 6);
        assert_eq!(labels(&t), ["2005", "2010", "2015", "2020"]);
    }
}
