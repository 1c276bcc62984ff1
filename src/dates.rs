//! Dates as dossier reads them: `DateValue` (a page's date or date-time, from front
//! matter or a file name) and `EventDate` (an event's, which may be as coarse as a year
//! or a month). A leaf module: config (eras, `today`), front matter, the model and render
//! all use them, and none of those has to import another to get a date.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A date or date-time as written in front matter or a file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct DateValue {
    pub date: jiff::civil::Date,
    pub time: Option<jiff::civil::Time>,
    pub offset: Option<jiff::tz::Offset>,
}

impl DateValue {
    pub(crate) fn parse(s: &str) -> Result<DateValue, String> {
        let s = s.trim();
        let pieces = jiff::fmt::temporal::Pieces::parse(s).map_err(|_| {
            // The parser's own words ("failed to parse four digit integer…") say how
            // it failed, not what to write.
            calendar_problem(s).unwrap_or_else(|| {
                format!(
                    "`{s}` is not a date dossier reads: write it as 2024-10-28, or with a time as \
                         2024-10-28T09:30:00 and an optional offset (2024-10-28T09:30:00+02:00, …Z)"
                )
            })
        })?;
        let offset = pieces.to_numeric_offset();
        let value = DateValue {
            date: pieces.date(),
            time: pieces.time(),
            offset,
        };
        // Templates format dates as instants; one that cannot be one would fail there, far
        // from the front matter that wrote it.
        let dt = value
            .date
            .to_datetime(value.time.unwrap_or(jiff::civil::Time::midnight()));
        if offset.unwrap_or(jiff::tz::Offset::UTC).to_timestamp(dt).is_err() {
            return Err(format!(
                "`{s}` is outside the range of dates dossier handles (years -9999 to 9999, in UTC)"
            ));
        }
        Ok(value)
    }

    /// Seconds since the epoch, reading a date without offset as UTC; for sorting.
    pub(crate) fn sort_key(&self) -> i64 {
        let dt = self
            .date
            .to_datetime(self.time.unwrap_or(jiff::civil::Time::midnight()));
        let offset = self.offset.unwrap_or(jiff::tz::Offset::UTC);
        offset.to_timestamp(dt).map(|t| t.as_second()).unwrap_or_default()
    }

    pub(crate) fn year(&self) -> i16 {
        self.date.year()
    }

    /// The date as `strftime` formats it (the `date` filter): a moment (a time with an
    /// offset, or without one when a `zone` is given, taken as UTC) in `zone`, else where
    /// it was written; a date alone, or a time without an offset and no zone, as written.
    pub(crate) fn broken_down(
        &self,
        zone: Option<&jiff::tz::TimeZone>,
    ) -> Result<jiff::fmt::strtime::BrokenDownTime, jiff::Error> {
        use jiff::tz::TimeZone;
        let shown = |zoned: jiff::Zoned| match zone {
            Some(tz) => zoned.with_time_zone(tz.clone()),
            None => zoned,
        };
        Ok(match (self.time, self.offset) {
            (Some(t), Some(o)) => {
                let zoned = o
                    .to_timestamp(self.date.to_datetime(t))?
                    .to_zoned(TimeZone::fixed(o));
                (&shown(zoned)).into()
            }
            (Some(t), None) => match zone {
                Some(_) => (&shown(self.date.to_datetime(t).to_zoned(TimeZone::UTC)?)).into(),
                None => self.date.to_datetime(t).into(),
            },
            (None, _) => self.date.into(),
        })
    }
}

/// `Z` for UTC, else `+02:00` / `-05:00`.
pub(crate) fn rfc3339_offset(o: jiff::tz::Offset) -> String {
    let secs = o.seconds();
    if secs == 0 {
        return "Z".to_owned();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let mins = secs.abs() / 60;
    format!("{sign}{:02}:{:02}", mins / 60, mins % 60)
}

/// What is wrong with a date written in the right form (`2024-02-30`) but not on the
/// calendar: the month or the day, said plainly.
pub(crate) fn calendar_problem(s: &str) -> Option<String> {
    let mut parts = s.get(..10)?.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if y.len() != 4 || m.len() != 2 || d.len() != 2 || ![y, m, d].into_iter().all(all_digits) {
        return None;
    }
    let (year, month, day): (i16, i8, i8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&month) {
        return Some(format!("`{s}` has no month {month}: months run from 01 to 12"));
    }
    let days = jiff::civil::Date::new(year, month, 1).ok()?.days_in_month();
    (day < 1 || day > days).then(|| {
        let name = jiff::civil::Date::new(year, month, 1)
            .map(|d| d.strftime("%B %Y").to_string())
            .unwrap_or_default();
        format!("`{s}` has no day {day}: {name} has {days} days")
    })
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date)?;
        if let Some(t) = self.time {
            write!(f, "T{}", t.strftime("%H:%M:%S"))?;
            if let Some(o) = self.offset {
                f.write_str(&rfc3339_offset(o))?;
            }
        }
        Ok(())
    }
}

impl Serialize for DateValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2024-10-28 or 2024-10-28T09:30:00+02:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateValue, E> {
                DateValue::parse(v).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateValue, A::Error> {
                // TOML's native dates arrive as a one-entry map from the toml crate.
                let dt = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                if dt.date.is_none() {
                    return Err(de::Error::custom(format!("`{dt}` is a time without a date")));
                }
                DateValue::parse(&dt.to_string()).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Precision {
    Year,
    Month,
    Day,
    Time,
}

/// A date at year, month, day or time precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct EventDate {
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
    pub(crate) fn parse(s: &str) -> Result<EventDate, String> {
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

    pub(crate) fn from_date(d: &DateValue) -> EventDate {
        EventDate {
            year: d.date.year(),
            month: Some(d.date.month()),
            day: Some(d.date.day()),
            datetime: d.time.is_some().then_some(*d),
        }
    }

    pub(crate) fn precision(&self) -> Precision {
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
    pub(crate) fn start_key(&self) -> i64 {
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
    pub(crate) fn end_exclusive(&self) -> jiff::civil::Date {
        let start = self.civil();
        let next = match self.precision() {
            Precision::Year => start.checked_add(jiff::Span::new().years(1)),
            Precision::Month => start.checked_add(jiff::Span::new().months(1)),
            Precision::Day | Precision::Time => start.checked_add(jiff::Span::new().days(1)),
        };
        next.unwrap_or(start)
    }

    pub(crate) fn civil_date(&self) -> jiff::civil::Date {
        self.civil()
    }

    /// The value for `<time datetime>`: `2024`, `2024-10`, `2024-10-28` or a date-time.
    pub(crate) fn iso(&self) -> String {
        match (self.month, self.day, &self.datetime) {
            (_, _, Some(d)) => d.to_string(),
            (Some(m), Some(d), None) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None, None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// How a reader sees it: `2024`, `Oct 2024`, `28 Oct 2024`, `28 Oct 2024, 09:30`.
    pub(crate) fn label(&self) -> String {
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
