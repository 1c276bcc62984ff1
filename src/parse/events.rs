//! Dated events: the `events` list in an analysis's front matter, and the dates they use,
//! which may be as coarse as a year (`2024`) or a month (`2024-10`).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::parse::frontmatter::DateValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Year,
    Month,
    Day,
    Time,
}

/// A date at year, month, day or time precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDate {
    pub year: i16,
    pub month: Option<i8>,
    pub day: Option<i8>,
    /// For time precision: the full value.
    pub datetime: Option<DateValue>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl EventDate {
    pub fn parse(s: &str) -> Result<EventDate, String> {
        let s = s.trim();
        let bad =
            || format!("`{s}` is not a date: write 2024, 2024-10, 2024-10-28 or 2024-10-28T09:30:00+02:00");
        let parts: Vec<&str> = s.split('-').collect();
        let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        match parts.as_slice() {
            [y] if y.len() == 4 && all_digits(y) => Ok(EventDate {
                year: y.parse().map_err(|_| bad())?,
                month: None,
                day: None,
                datetime: None,
            }),
            [y, m] if y.len() == 4 && m.len() == 2 && all_digits(y) && all_digits(m) => {
                let month: i8 = m.parse().map_err(|_| bad())?;
                if !(1..=12).contains(&month) {
                    return Err(format!("`{s}` has no month {month}: months run from 01 to 12"));
                }
                Ok(EventDate {
                    year: y.parse().map_err(|_| bad())?,
                    month: Some(month),
                    day: None,
                    datetime: None,
                })
            }
            _ => {
                // Out-of-range dates keep DateValue's own message; any other failure is
                // told the forms an event date can take, which are more than a page's.
                let d = DateValue::parse(s).map_err(|e| {
                    if e.contains("outside the range") || e.contains(" has no ") {
                        e
                    } else {
                        bad()
                    }
                })?;
                Ok(EventDate {
                    year: d.date.year(),
                    month: Some(d.date.month()),
                    day: Some(d.date.day()),
                    datetime: d.time.is_some().then_some(d),
                })
            }
        }
    }

    pub fn from_date(d: &DateValue) -> EventDate {
        EventDate {
            year: d.date.year(),
            month: Some(d.date.month()),
            day: Some(d.date.day()),
            datetime: d.time.is_some().then_some(*d),
        }
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day, self.datetime) {
            (_, _, Some(_)) => Precision::Time,
            (Some(_), Some(_), None) => Precision::Day,
            (Some(_), None, _) => Precision::Month,
            _ => Precision::Year,
        }
    }

    fn civil(&self) -> jiff::civil::Date {
        jiff::civil::Date::new(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .unwrap_or(jiff::civil::Date::constant(1970, 1, 1))
    }

    /// Seconds since the epoch at the start of the period (UTC unless an offset is given).
    pub fn start_key(&self) -> i64 {
        match self.datetime {
            Some(d) => d.sort_key(),
            None => self
                .civil()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp().as_second())
                .unwrap_or(0),
        }
    }

    /// The first day after the period, for all-day calendar entries and range checks.
    pub fn end_exclusive(&self) -> jiff::civil::Date {
        let start = self.civil();
        let next = match self.precision() {
            Precision::Year => start.checked_add(jiff::Span::new().years(1)),
            Precision::Month => start.checked_add(jiff::Span::new().months(1)),
            Precision::Day | Precision::Time => start.checked_add(jiff::Span::new().days(1)),
        };
        next.unwrap_or(start)
    }

    pub fn civil_date(&self) -> jiff::civil::Date {
        self.civil()
    }

    /// The value for `<time datetime>`: `2024`, `2024-10`, `2024-10-28` or a date-time.
    pub fn iso(&self) -> String {
        match (self.month, self.day, &self.datetime) {
            (_, _, Some(d)) => d.to_string(),
            (Some(m), Some(d), None) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None, None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// How a reader sees it: `2024`, `Oct 2024`, `28 Oct 2024`, `28 Oct 2024, 09:30`.
    pub fn label(&self) -> String {
        let month = |m: i8| &MONTHS[(m - 1) as usize][..3];
        match (self.month, self.day, &self.datetime) {
            (Some(m), Some(d), Some(dt)) => {
                let time = dt
                    .time
                    .map(|t| t.strftime("%H:%M").to_string())
                    .unwrap_or_default();
                format!("{d} {} {}, {time}", month(m), self.year)
            }
            (Some(m), Some(d), None) => format!("{d} {} {}", month(m), self.year),
            (Some(m), None, None) => format!("{} {}", month(m), self.year),
            _ => self.year.to_string(),
        }
    }

    pub fn month_name(month: i8) -> &'static str {
        MONTHS[(month.clamp(1, 12) - 1) as usize]
    }
}

impl fmt::Display for EventDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for EventDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EventDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2024, 2024-10 or 2024-10-28")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EventDate, E> {
                EventDate::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<EventDate, E> {
                EventDate::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<EventDate, E> {
                EventDate::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EventDate, A::Error> {
                let dt = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                EventDate::parse(&dt.to_string()).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// An entry of a page's `events` list, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub id: Option<String>,
    pub date: EventDate,
    pub end: Option<EventDate>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub place: Option<String>,
    /// 1 (minor) to 3 (major); 2 when not given.
    pub importance: Option<u8>,
    #[serde(default)]
    pub links: Vec<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
}

pub const EVENT_KEYS: &[&str] = &[
    "id",
    "date",
    "end",
    "title",
    "summary",
    "place",
    "importance",
    "links",
    "source",
    "taxonomies",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precisions_and_labels() {
        let y = EventDate::parse("2024").unwrap();
        assert_eq!(
            (y.precision(), y.iso().as_str(), y.label().as_str()),
            (Precision::Year, "2024", "2024")
        );
        let m = EventDate::parse("2024-10").unwrap();
        assert_eq!(
            (m.precision(), m.label().as_str()),
            (Precision::Month, "Oct 2024")
        );
        let d = EventDate::parse("2024-10-28").unwrap();
        assert_eq!(
            (d.precision(), d.label().as_str()),
            (Precision::Day, "28 Oct 2024")
        );
        let t = EventDate::parse("2024-10-28T09:30:00+02:00").unwrap();
        assert_eq!(t.precision(), Precision::Time);
        assert_eq!(t.label(), "28 Oct 2024, 09:30");
        assert!(EventDate::parse("2024-13").is_err());
        assert!(EventDate::parse("2024-02-30").is_err());
        assert!(EventDate::parse("Oct 2024").is_err());
    }

    #[test]
    fn ordering_keys() {
        let month = EventDate::parse("2024-10").unwrap();
        let day = EventDate::parse("2024-10-28").unwrap();
        let tz = EventDate::parse("2024-10-28T01:00:00+05:00").unwrap();
        assert!(month.start_key() < day.start_key());
        // 01:00 at +05:00 is the evening before in UTC.
        assert!(tz.start_key() < day.start_key());
        assert_eq!(month.end_exclusive().to_string(), "2024-11-01");
        assert_eq!(
            EventDate::parse("2024").unwrap().end_exclusive().to_string(),
            "2025-01-01"
        );
    }

    #[test]
    fn toml_forms() {
        #[derive(Deserialize)]
        struct T {
            a: EventDate,
            b: EventDate,
            c: EventDate,
        }
        let t: T = toml::from_str("a = 2024\nb = \"2024-10\"\nc = 2024-10-28").unwrap();
        assert_eq!(
            (t.a.iso(), t.b.iso(), t.c.iso()),
            ("2024".into(), "2024-10".into(), "2024-10-28".into())
        );
    }
}
