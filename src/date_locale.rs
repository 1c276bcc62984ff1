//! `date(locale="uk_UA")`: month and weekday names in another language, as Zola's `date`
//! filter gives them. The names come from glibc's locale data (`pure-rust-locales`, the
//! tables chrono's localised formatting reads), so `%B` in `uk_UA` is the genitive
//! "грудня" that a date needs ("2 грудня 2026"), as glibc writes it, and `%OB` the
//! nominative "грудень" that a month standing alone needs ("грудень 2026"), glibc's
//! alternative month names. jiff formats everything else; only the name directives are
//! replaced, before it sees the format.

use std::collections::BTreeMap;

use jiff::civil::Weekday;
use jiff::fmt::strtime::BrokenDownTime;
use pure_rust_locales::{Locale, locale_match};

/// The theme word that names the locale a language's dates are written in.
pub(crate) const KEY: &str = "dossier_date_locale";

/// The locale a language's dates are written in: the one its own `translations` name
/// under [`KEY`], else the one its code finds ([`of_language`]); `None` (English names)
/// when neither names one glibc has. Found once per language, with the configuration:
/// finding it takes longer than formatting a date.
pub(crate) fn of_translations(code: &str, translations: &BTreeMap<String, String>) -> Option<Locale> {
    match translations.get(KEY) {
        Some(name) => parse(name).ok(),
        None => of_language(code),
    }
}

/// The locale a template or a site names: a POSIX name (`fr_FR`, `uk_UA`, `ko_KR`), a
/// language tag (`pt-BR`, `zh-Hant`), or a bare language (`fr`, `uk`), read as [`of_language`]
/// reads it.
pub(crate) fn parse(name: &str) -> Result<Locale, String> {
    of_language(name).ok_or_else(|| {
        format!(
            "date: unknown locale `{}`; name one as POSIX does, a language and a country: `fr_FR`, `uk_UA`, `ko_KR`, `pt_BR`",
            name.trim()
        )
    })
}

/// The glibc locale for a language code, picked the same way every time: the name itself
/// (`uk_UA`, `pt-BR`), else the language's own country where there is one (`fr` →
/// `fr_FR`, `pt` → `pt_PT`), else the country CLDR's likely subtags give the language
/// (`uk` → `uk_UA`, `ko` → `ko_KR`, `en` → `en_US`, `zh-Hant` → `zh_TW`), else the first
/// country in alphabetical order that glibc has the language for. `None` when glibc
/// has no locale for the language.
pub(crate) fn of_language(code: &str) -> Option<Locale> {
    let name = code.trim().replace('-', "_");
    let name = name.split('.').next().unwrap_or_default();
    if let Ok(l) = Locale::try_from(name) {
        return Some(l);
    }
    let mut parts = name.split('_');
    let language = parts.next().unwrap_or_default().to_ascii_lowercase();
    if language.is_empty() || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    // A country named is the one asked for: `uk_XX` is no locale, not `uk_UA`.
    if parts.any(|p| p.len() == 2 || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))) {
        return None;
    }
    let in_country = |country: &str| Locale::try_from(format!("{language}_{country}").as_str()).ok();
    in_country(&language.to_ascii_uppercase())
        .or_else(|| likely_country(code).and_then(|c| in_country(&c)))
        .or_else(|| {
            let letters = b'A'..=b'Z';
            letters
                .clone()
                .flat_map(|a| letters.clone().map(move |b| [a, b]))
                .find_map(|pair| in_country(std::str::from_utf8(&pair).ok()?))
        })
}

/// The country CLDR's likely subtags give a language tag (`uk` → `UA`).
fn likely_country(code: &str) -> Option<String> {
    let mut id: icu_locale::LanguageIdentifier = code.trim().replace('_', "-").parse().ok()?;
    icu_locale::LocaleExpander::new_common().maximize(&mut id);
    id.region.map(|r| r.as_str().to_owned())
}

/// `time` written with `format`, its month and weekday names in `locale` (English, as
/// jiff writes them, without one).
pub(crate) fn format(format: &str, locale: Option<Locale>, time: &BrokenDownTime) -> Result<String, String> {
    // The broken-down time of a date carries no weekday: found from the day.
    let weekday = time.weekday().or_else(|| {
        let day = jiff::civil::Date::new(time.year()?, time.month()?, time.day()?);
        day.ok().map(|d| d.weekday())
    });
    let localized = names(format, locale, time.month(), weekday);
    time.to_string(localized.as_str())
        .map_err(|e| format!("date: invalid format `{format}`: {e}"))
}

/// `format` with `%B`, `%b`/`%h`, `%A` and `%a` (with any flags, such as `%^B`), and the
/// stand-alone month names `%OB` and `%Ob`, written out in `locale` for the given month
/// (1–12) and weekday; other directives are left to the formatter. Without a locale,
/// `%OB` and `%Ob` become the `%B` and `%b` jiff knows (English has one form). A name the
/// date does not have (a time alone) leaves its directive.
pub(crate) fn names(
    format: &str,
    locale: Option<Locale>,
    month: Option<i8>,
    weekday: Option<Weekday>,
) -> String {
    let mut out = String::with_capacity(format.len() + 16);
    let mut chars = format.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // The directive: flags, a width and glibc's `O` modifier, then its letter.
        let mut end = start + 1;
        let mut upper = false;
        let mut alternative = None;
        let mut letter = None;
        while let Some(&(i, d)) = chars.peek() {
            chars.next();
            end = i + d.len_utf8();
            match d {
                '^' => upper = true,
                'O' => alternative = Some(i),
                '-' | '_' | '0' | '#' | '1'..='9' => {}
                _ => {
                    letter = Some(d);
                    break;
                }
            }
        }
        let name = match locale {
            Some(locale) => localized(locale, letter, alternative.is_some(), month, weekday),
            None => None,
        };
        match (name, alternative) {
            (Some(n), _) => {
                let n = if upper { n.to_uppercase() } else { n.to_owned() };
                out.push_str(&n.replace('%', "%%"));
            }
            // jiff knows no `O`: the directive without it.
            (None, Some(o)) => {
                out.push_str(&format[start..o]);
                out.push_str(&format[o + 1..end]);
            }
            (None, None) => out.push_str(&format[start..end]),
        }
    }
    out
}

/// The name a directive's letter stands for in `locale`, if the date has it.
fn localized(
    locale: Locale,
    letter: Option<char>,
    alternative: bool,
    month: Option<i8>,
    weekday: Option<Weekday>,
) -> Option<&'static str> {
    match (letter, month, weekday) {
        (Some('B'), Some(m), _) if alternative => month_name(
            locale_match!(locale => LC_TIME::ALT_MON).unwrap_or(locale_match!(locale => LC_TIME::MON)),
            m,
        ),
        (Some('b' | 'h'), Some(m), _) if alternative => month_name(
            locale_match!(locale => LC_TIME::AB_ALT_MON).unwrap_or(locale_match!(locale => LC_TIME::ABMON)),
            m,
        ),
        (Some('B'), Some(m), _) => month_name(locale_match!(locale => LC_TIME::MON), m),
        (Some('b' | 'h'), Some(m), _) => month_name(locale_match!(locale => LC_TIME::ABMON), m),
        (Some('A'), _, Some(w)) => day_name(locale_match!(locale => LC_TIME::DAY), w),
        (Some('a'), _, Some(w)) => day_name(locale_match!(locale => LC_TIME::ABDAY), w),
        _ => None,
    }
}

fn month_name(names: &'static [&'static str], month: i8) -> Option<&'static str> {
    names.get(usize::try_from(month).ok()?.checked_sub(1)?).copied()
}

fn day_name(names: &'static [&'static str], weekday: Weekday) -> Option<&'static str> {
    // glibc's lists start on Sunday.
    names
        .get(usize::try_from(weekday.to_sunday_zero_offset()).ok()?)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_written_in_the_locale_and_other_directives_left() {
        let uk = parse("uk_UA").ok();
        assert_eq!(
            names("%-d %B %Y, %A", uk, Some(12), Some(Weekday::Wednesday)),
            "%-d грудня %Y, середа"
        );
        let fr = parse("fr").ok();
        assert_eq!(
            names("%a %d %b", fr, Some(2), Some(Weekday::Sunday)),
            "dim. %d févr."
        );
        assert_eq!(names("%^B %%B", fr, Some(8), None), "AOÛT %%B");
        let ko = parse("ko-KR").ok();
        assert_eq!(names("%Y년 %B %-d일", ko, Some(3), None), "%Y년 3월 %-d일");
        // A time alone has no month: its directive stays, for the formatter to refuse.
        assert_eq!(names("%H:%M %B", uk, None, None), "%H:%M %B");
    }

    #[test]
    fn a_month_standing_alone_is_in_the_nominative() {
        let uk = parse("uk").ok();
        assert_eq!(names("%-d %B", uk, Some(10), None), "%-d жовтня");
        assert_eq!(names("%OB %Y", uk, Some(10), None), "жовтень %Y");
        // A locale without alternative names gives its usual ones.
        let fr = parse("fr_FR").ok();
        assert_eq!(names("%OB %Ob", fr, Some(10), None), "octobre oct.");
        // Without a locale, jiff's English names, which have one form.
        assert_eq!(names("%OB %-Ob %B", None, Some(10), None), "%B %-b %B");
    }

    #[test]
    fn a_bare_language_finds_a_real_locale() {
        let name = |code: &str| of_language(code).map(|l| l.to_string());
        assert_eq!(name("uk").as_deref(), Some("uk_UA"));
        assert_eq!(name("ko").as_deref(), Some("ko_KR"));
        assert_eq!(name("en").as_deref(), Some("en_US"));
        // The language's own country first, where glibc has it.
        assert_eq!(name("fr").as_deref(), Some("fr_FR"));
        assert_eq!(name("pt").as_deref(), Some("pt_PT"));
        assert_eq!(name("pt-BR").as_deref(), Some("pt_BR"));
        assert_eq!(name("zh-Hant").as_deref(), Some("zh_TW"));
        assert_eq!(name("UK").as_deref(), Some("uk_UA"));
        for none in ["", "xx", "tlh", "1a", "a b", "uk_XX", "en-ZZ"] {
            assert_eq!(name(none), None, "{none}");
        }
    }

    #[test]
    fn an_unknown_locale_says_how_to_name_one() {
        let e = parse("xx_YY").unwrap_err();
        assert!(e.contains("unknown locale `xx_YY`"), "{e}");
        assert!(e.contains("`fr_FR`"), "{e}");
        assert!(parse("de_DE.UTF-8").is_ok());
        assert_eq!(parse("uk").map(|l| l.to_string()), Ok("uk_UA".to_owned()));
        assert_eq!(parse("ko").map(|l| l.to_string()), Ok("ko_KR".to_owned()));
    }

    #[test]
    fn dates_are_formatted_in_the_locale() {
        let day: BrokenDownTime = jiff::civil::date(2024, 10, 29).into();
        let uk = parse("uk").ok();
        assert_eq!(format("%-d %B %Y", uk, &day).as_deref(), Ok("29 жовтня 2024"));
        assert_eq!(format("%-d %B %Y", None, &day).as_deref(), Ok("29 October 2024"));
        assert!(
            format("%Q", uk, &day)
                .unwrap_err()
                .contains("invalid format `%Q`")
        );
    }
}
