//! `date(locale="uk_UA")`: month and weekday names in another language, as Zola's `date`
//! filter gives them. The names come from glibc's locale data (`pure-rust-locales`, the
//! tables chrono's localised formatting reads), so `%B` in `uk_UA` is the genitive
//! "грудня" that a date needs ("2 грудня 2026"), as glibc writes it. jiff formats
//! everything else; only the name directives are replaced, before it sees the format.

use jiff::civil::Weekday;
use pure_rust_locales::{Locale, locale_match};

/// The locale a template names: a POSIX name (`fr_FR`, `uk_UA`, `ko_KR`), or a bare
/// language (`fr`, `uk`) read as its main country's (`fr_FR`).
pub(crate) fn parse(name: &str) -> Result<Locale, String> {
    let name = name.trim().replace('-', "_");
    let name = name.split('.').next().unwrap_or_default();
    if let Ok(l) = Locale::try_from(name) {
        return Ok(l);
    }
    let guess = format!("{name}_{}", name.to_ascii_uppercase());
    Locale::try_from(guess.as_str()).map_err(|_| {
        format!(
            "date: unknown locale `{name}`; name one as POSIX does, a language and a country: `fr_FR`, `uk_UA`, `ko_KR`, `pt_BR`"
        )
    })
}

/// `format` with `%B`, `%b`/`%h`, `%A` and `%a` (with any flags, such as `%^B`) written
/// out in `locale` for the given month (1–12) and weekday; other directives are left to
/// the formatter. A name the date does not have (a time alone) leaves its directive.
pub(crate) fn names(format: &str, locale: Locale, month: Option<i8>, weekday: Option<Weekday>) -> String {
    let mut out = String::with_capacity(format.len() + 16);
    let mut chars = format.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // The directive: flags and a width, then its letter.
        let mut end = start + 1;
        let mut upper = false;
        let mut letter = None;
        while let Some(&(i, d)) = chars.peek() {
            chars.next();
            end = i + d.len_utf8();
            match d {
                '^' => upper = true,
                '-' | '_' | '0' | '#' | '1'..='9' => {}
                _ => {
                    letter = Some(d);
                    break;
                }
            }
        }
        let name = match (letter, month, weekday) {
            (Some('B'), Some(m), _) => month_name(locale_match!(locale => LC_TIME::MON), m),
            (Some('b' | 'h'), Some(m), _) => month_name(locale_match!(locale => LC_TIME::ABMON), m),
            (Some('A'), _, Some(w)) => day_name(locale_match!(locale => LC_TIME::DAY), w),
            (Some('a'), _, Some(w)) => day_name(locale_match!(locale => LC_TIME::ABDAY), w),
            _ => None,
        };
        match name {
            Some(n) => {
                let n = if upper { n.to_uppercase() } else { n.to_owned() };
                out.push_str(&n.replace('%', "%%"));
            }
            None => out.push_str(&format[start..end]),
        }
    }
    out
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
        let uk = parse("uk_UA").unwrap();
        assert_eq!(
            names("%-d %B %Y, %A", uk, Some(12), Some(Weekday::Wednesday)),
            "%-d грудня %Y, середа"
        );
        let fr = parse("fr").unwrap();
        assert_eq!(
            names("%a %d %b", fr, Some(2), Some(Weekday::Sunday)),
            "dim. %d févr."
        );
        assert_eq!(names("%^B %%B", fr, Some(8), None), "AOÛT %%B");
        let ko = parse("ko-KR").unwrap();
        assert_eq!(names("%Y년 %B %-d일", ko, Some(3), None), "%Y년 3월 %-d일");
        // A time alone has no month: its directive stays, for the formatter to refuse.
        assert_eq!(names("%H:%M %B", uk, None, None), "%H:%M %B");
    }

    #[test]
    fn an_unknown_locale_says_how_to_name_one() {
        let e = parse("xx_YY").unwrap_err();
        assert!(e.contains("unknown locale `xx_YY`"), "{e}");
        assert!(e.contains("`fr_FR`"), "{e}");
        assert!(parse("de_DE.UTF-8").is_ok());
    }
}
