//! The strip's time axis: how long a bar is, chosen from the span the events cover (a
//! day, a week, a month or a year), where a date falls, and the labels under the axis at
//! the finest spacing that fits.

use jiff::civil::Date;

use super::labels::{Tick, first_fitting};
use crate::render::words::Words;

/// How much time one bar covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// Spans up to this many days get a bar per day.
const DAYS_UP_TO: i64 = 32;
/// Up to this many days, a bar per week (14 bars at most). Longer spans go by month,
/// where an event dated only to its month is in the right bar.
const WEEKS_UP_TO: i64 = 93;
/// Up to this many months, a bar per month; beyond, a bar per year.
const MONTHS_UP_TO: i32 = 240;
/// Bars at most; a longer span is cut at its start plus this many.
const MAX_BINS: usize = 1200;

/// A Monday, from which days and weeks are counted.
const MONDAY: Date = Date::constant(1970, 1, 5);

/// The axis of a strip: `bins` bars of one `unit` from `start`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Axis {
    pub unit: Unit,
    start: Date,
    pub bins: usize,
}

fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map_or(0, |s| i64::from(s.get_days()))
}

fn month_index(d: Date) -> i32 {
    i32::from(d.year()) * 12 + i32::from(d.month()) - 1
}

fn month_start(index: i32) -> Date {
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    Date::new(year as i16, month as i8, 1).unwrap_or(MONDAY)
}

fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap_or(d)
}

impl Axis {
    /// The axis for events from `first` to `last` (in order).
    pub(super) fn spanning(first: Date, last: Date) -> Axis {
        let days = days_between(first, last);
        let months = month_index(last) - month_index(first);
        let (unit, start, bins) = if days < DAYS_UP_TO {
            (Unit::Day, first, days + 1)
        } else if days < WEEKS_UP_TO {
            let monday = add_days(first, -i64::from(first.weekday().to_monday_zero_offset()));
            (Unit::Week, monday, days_between(monday, last) / 7 + 1)
        } else if months < MONTHS_UP_TO {
            (
                Unit::Month,
                month_start(month_index(first)),
                i64::from(months) + 1,
            )
        } else {
            let jan = Date::new(first.year(), 1, 1).unwrap_or(first);
            (
                Unit::Year,
                jan,
                i64::from(last.year()) - i64::from(first.year()) + 1,
            )
        };
        Axis {
            unit,
            start,
            bins: usize::try_from(bins).unwrap_or(1).clamp(1, MAX_BINS),
        }
    }

    /// The bar a date falls in, if it is on the axis.
    pub(super) fn bin(&self, d: Date) -> Option<usize> {
        let k = self.position(d).floor();
        (k >= 0.0 && k < self.bins as f64 && d >= self.start).then_some(k as usize)
    }

    /// Where a date falls, in bars from the axis's start (a month's days spread over its
    /// bar), held to the axis.
    pub(super) fn position(&self, d: Date) -> f64 {
        let at = match self.unit {
            Unit::Day => days_between(self.start, d) as f64,
            Unit::Week => days_between(self.start, d) as f64 / 7.0,
            Unit::Month => {
                f64::from(month_index(d) - month_index(self.start))
                    + f64::from(d.day() - 1) / f64::from(d.days_in_month())
            }
            Unit::Year => {
                f64::from(d.year() - self.start.year())
                    + f64::from(d.day_of_year() - 1) / f64::from(d.days_in_year())
            }
        };
        at.clamp(0.0, self.bins as f64)
    }

    /// The first day of bar `k`.
    fn bin_start(&self, k: usize) -> Date {
        let k = k as i64;
        match self.unit {
            Unit::Day => add_days(self.start, k),
            Unit::Week => add_days(self.start, 7 * k),
            Unit::Month => month_start(month_index(self.start) + k as i32),
            Unit::Year => Date::new(self.start.year() + k as i16, 1, 1).unwrap_or(self.start),
        }
    }

    /// What one bar is, as the theme words about the strip name it (`week` in
    /// `dossier_strip_title_week`, "Events per week").
    pub(super) fn noun(&self) -> &'static str {
        match self.unit {
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        }
    }

    /// Bar `k` in words: `4 Mar 2026`, `week of 2 Mar 2026`, `Mar 2026` or `2026` in
    /// English.
    pub(super) fn bin_label(&self, k: usize, words: &Words) -> String {
        let d = self.bin_start(k);
        match self.unit {
            Unit::Day => words.short_day(d, true),
            Unit::Week => words.fill("dossier_strip_week_of", &[("date", &words.short_day(d, true))]),
            Unit::Month => words.short_month(d, true),
            Unit::Year => d.year().to_string(),
        }
    }

    /// The labels under the axis at the finest spacing whose labels fit in `width` user
    /// units at `font` px: days or weeks labelled `2 Mar`, months `Mar`, the year added
    /// to the first label and wherever it changes; on long spans, years every 1, 2, 5…
    pub(super) fn ticks(&self, width: f64, font: f64, words: &Words) -> Vec<Tick> {
        let scale = width / self.bins as f64;
        let dated = |dates: Vec<Date>, label: &dyn Fn(Date, bool) -> String| -> Vec<Tick> {
            let mut year = None;
            dates
                .into_iter()
                .map(|d| {
                    let new_year = year != Some(d.year());
                    year = Some(d.year());
                    Tick {
                        at: self.position(d) * scale,
                        label: label(d, new_year),
                    }
                })
                .collect()
        };
        let day_month = |d: Date, new_year: bool| words.short_day(d, new_year);
        let month = |d: Date, new_year: bool| words.short_month(d, new_year);
        let year = |d: Date, _: bool| d.year().to_string();
        let bins: Vec<Date> = (0..self.bins).map(|k| self.bin_start(k)).collect();
        // Every `step`th of `dates` by `rank`, always keeping the first bar's, which
        // says where the axis starts.
        let every = |step: i64, rank: &dyn Fn(Date) -> i64| -> Vec<Date> {
            bins.iter()
                .enumerate()
                .filter(|(k, d)| *k == 0 || rank(**d).rem_euclid(step) == 0)
                .map(|(_, d)| *d)
                .collect()
        };
        let day_rank = |d: Date| days_between(MONDAY, d);
        let week_rank = |d: Date| days_between(MONDAY, d).div_euclid(7);
        let month_rank = |d: Date| i64::from(month_index(d));
        let year_rank = |d: Date| i64::from(d.year());
        // January of each year on a month axis, for the coarsest month options.
        let years_of_months = |step: i64| -> Vec<Date> {
            bins.iter()
                .enumerate()
                .filter(|(k, d)| *k == 0 || (d.month() == 1 && year_rank(**d).rem_euclid(step) == 0))
                .map(|(_, d)| *d)
                .collect()
        };
        // Made one at a time, finest first: the first that fits ends the search.
        let options: Box<dyn Iterator<Item = Vec<Tick>> + '_> = match self.unit {
            Unit::Day => Box::new(
                [1, 2, 7, 14]
                    .into_iter()
                    .map(|s| dated(every(s, &day_rank), &day_month)),
            ),
            Unit::Week => Box::new(
                [1, 2, 4, 8]
                    .into_iter()
                    .map(|s| dated(every(s, &week_rank), &day_month)),
            ),
            Unit::Month => Box::new(
                [1, 2, 3, 6]
                    .into_iter()
                    .map(|s| dated(every(s, &month_rank), &month))
                    .chain(
                        [1, 2, 5, 10]
                            .into_iter()
                            .map(|s| dated(years_of_months(s), &year)),
                    ),
            ),
            Unit::Year => Box::new(
                [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
                    .into_iter()
                    .map(|s| dated(every(s, &year_rank), &year)),
            ),
        };
        first_fitting(options, width, font)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().expect("a date")
    }

    const ENGLISH: Words<'static> = Words::english();

    fn labels(axis: &Axis) -> Vec<String> {
        axis.ticks(720.0, 12.0, &ENGLISH)
            .into_iter()
            .map(|t| t.label)
            .collect()
    }

    #[test]
    fn the_span_chooses_the_bar() {
        let unit = |a: &str, b: &str| Axis::spanning(date(a), date(b)).unit;
        assert_eq!(unit("2026-03-03", "2026-03-20"), Unit::Day);
        assert_eq!(unit("2026-03-03", "2026-05-12"), Unit::Week);
        assert_eq!(unit("2024-09-01", "2025-02-01"), Unit::Month);
        assert_eq!(unit("2024-08-06", "2025-06-01"), Unit::Month);
        assert_eq!(unit("1990-01-01", "2025-06-01"), Unit::Year);
    }

    #[test]
    fn a_two_month_span_is_labelled_by_week_not_by_year() {
        // Issue 20: two months made two bars labelled only "2026".
        let axis = Axis::spanning(date("2026-03-03"), date("2026-05-12"));
        assert_eq!(axis.unit, Unit::Week);
        assert_eq!(axis.bins, 11);
        let got = labels(&axis);
        // Every other week: "2 Mar 2026" is too wide for a week's 65 units.
        assert_eq!(got[..3], ["2 Mar 2026", "16 Mar", "30 Mar"]);
        assert_eq!(got.len(), 6, "{got:?}");
        assert_eq!(axis.bin_label(1, &ENGLISH), "week of 9 Mar 2026");
        assert_eq!(axis.bin(date("2026-03-08")), Some(0));
        assert_eq!(axis.bin(date("2026-03-09")), Some(1));
    }

    #[test]
    fn months_are_labelled_with_the_year_where_it_changes() {
        let axis = Axis::spanning(date("2024-09-10"), date("2025-02-01"));
        assert_eq!(axis.unit, Unit::Month);
        assert_eq!(
            labels(&axis),
            ["Sep 2024", "Oct", "Nov", "Dec", "Jan 2025", "Feb"]
        );
        assert_eq!(axis.bin_label(2, &ENGLISH), "Nov 2024");
        // The 15th of October is about half-way through its bar.
        let at = axis.position(date("2024-10-15"));
        assert!((1.4..1.5).contains(&at), "{at}");
    }

    #[test]
    fn many_months_are_thinned_to_a_stride_and_long_spans_go_by_year() {
        let axis = Axis::spanning(date("2020-01-01"), date("2025-12-01"));
        let got = labels(&axis);
        assert!(got.len() < 72 && got.len() >= 6, "{got:?}");
        // Six years: a month is 10 units, too narrow for "Jan 2020" every six.
        assert_eq!(got[..3], ["2020", "2021", "2022"]);
        let axis = Axis::spanning(date("1900-03-01"), date("2025-12-01"));
        assert_eq!(axis.unit, Unit::Year);
        let got = labels(&axis);
        assert_eq!(got[0], "1900");
        assert!(got.contains(&"2000".to_owned()), "{got:?}");
    }

    #[test]
    fn a_few_days_get_a_bar_each() {
        let axis = Axis::spanning(date("2026-03-30"), date("2026-04-02"));
        assert_eq!((axis.unit, axis.bins), (Unit::Day, 4));
        assert_eq!(labels(&axis), ["30 Mar 2026", "31 Mar", "1 Apr", "2 Apr"]);
    }
}
