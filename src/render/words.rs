//! The default theme's and dossier's own words in a language: `trans` in templates and the
//! text render writes itself (timeline, archive, graph, strip) look a key up the same way,
//! [`Words::lookup`]: the language's `[languages.xx.translations]`, then for the theme's
//! own keys the default language's `[translations]` (a site that rewords the English
//! rewords every language it has not translated), then the English in [`THEME_WORDS`].
//! Counts pick a plural form by CLDR's rules (`icu_plurals`), and dates are written in
//! the language's locale ([`crate::date_locale`]).

use std::collections::BTreeMap;

use icu_plurals::{PluralCategory, PluralRules};
use jiff::fmt::strtime::BrokenDownTime;
use pure_rust_locales::Locale;

use crate::config::Config;
use crate::date_locale;
use crate::dates::EventDate;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::dated::Status;
use crate::words::{Lookup, theme_word};
pub(crate) use crate::words::{Strings, fill};

/// The default theme's scripts' words, each by the name the scripts read it by in
/// `data-words` and its key; the scripts fall back on the English of each, which a test
/// holds to [`THEME_WORDS`](crate::words::THEME_WORDS).
pub(crate) const SCRIPT_WORDS: &[(&str, &str)] = &[
    ("source", "dossier_source_preview"),
    ("placeholder", "dossier_search_placeholder"),
    ("label", "dossier_search_label"),
    ("all_sections", "dossier_search_all_sections"),
    ("all", "dossier_search_all"),
    ("all_tags", "dossier_search_all_tags"),
    ("section", "dossier_section"),
    ("tag", "dossier_search_tag"),
    ("close", "dossier_search_close"),
    ("more", "dossier_search_more"),
    ("unavailable", "dossier_search_unavailable"),
    ("failed", "dossier_search_failed"),
    ("none", "dossier_search_no_results"),
    ("showing", "dossier_search_showing"),
];

/// The counted word of the scripts: every form, for `Intl.PluralRules`.
const SCRIPT_RESULTS: (&str, &str) = ("results", "dossier_search_results");

/// The search script's name for the tags taxonomy, which only a site gives.
const SCRIPT_TAGS: (&str, &str) = ("tags", "dossier_taxonomy_tags");

/// One of the scripts' words: a text, or a counted word's forms (see [`Words::forms`]).
#[derive(serde::Serialize)]
#[serde(untagged)]
pub(crate) enum ScriptWord<'a> {
    Text(&'a str),
    Forms(BTreeMap<&'static str, &'a str>),
}

/// Every word of `words` (see [`Words::every`]) as a template value: a map by key, the
/// `words` every template sees.
pub(crate) fn as_value(words: &Words<'_>) -> tera::Value {
    let mut map = tera::Map::new();
    for (key, text) in words.every() {
        map.insert(tera::value::Key::String(key.into()), tera::Value::from(text));
    }
    tera::Value::from(map)
}

/// The key a site sets to name a language's locale for dates (`uk_UA`), when its code
/// alone does not find the one it wants.
pub(crate) const DATE_LOCALE: &str = date_locale::KEY;

/// The words of one language, with its plural rules and dates: a cheap view of the
/// site's translations, made where needed.
#[derive(Clone, Copy)]
pub(crate) struct Words<'a> {
    strings: Lookup<'a>,
    /// The language's date locale, when it was found before (with the configuration).
    locale: Option<Option<Locale>>,
}

impl<'a> Words<'a> {
    pub(crate) fn new(
        code: &'a str,
        own: &'a Strings,
        default_code: &'a str,
        default: &'a Strings,
    ) -> Words<'a> {
        Words {
            strings: Lookup::new(code, own, default_code, default),
            locale: None,
        }
    }

    /// These words with the language's date locale found before (see [`Words::locale`]).
    pub(crate) fn with_locale(self, locale: Option<Locale>) -> Words<'a> {
        Words {
            locale: Some(locale),
            ..self
        }
    }

    /// The theme's own English, with no site's translations (for tests of what uses it).
    #[cfg(test)]
    pub(crate) const fn english() -> Words<'static> {
        Words {
            strings: Lookup::english(),
            locale: None,
        }
    }

    /// The words of the language `code` of the site (the default language's for a code
    /// the site does not have, which resolve has already reported).
    pub(crate) fn of(config: &'a Config, code: &str) -> Words<'a> {
        let strings = Lookup::of(config, code);
        let language = config.languages.iter().find(|l| l.code == strings.code);
        Words {
            strings,
            locale: language.map(|l| l.date_locale),
        }
    }

    pub(crate) fn code(&self) -> &'a str {
        self.strings.code
    }

    /// The language's own translations, to suggest a key from.
    pub(crate) fn own(&self) -> &'a Strings {
        self.strings.own
    }

    /// `key`'s text (see [`Lookup::lookup`]).
    pub(crate) fn lookup(&self, key: &str) -> Option<&'a str> {
        self.strings.lookup(key)
    }

    /// Every word `trans` gives without `count=`, each with its key: the language's own
    /// translations and dossier's words, as [`Words::lookup`] finds them (a key both
    /// give comes twice, with the same text).
    pub(crate) fn every(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        let own = self.own().keys().map(String::as_str);
        let theme = crate::words::THEME_WORDS.iter().map(|(key, _)| *key);
        own.chain(theme).filter_map(|key| Some((key, self.lookup(key)?)))
    }

    /// A theme word (see [`Lookup::get`]).
    pub(crate) fn get(&self, key: &str) -> &'a str {
        self.strings.get(key)
    }

    /// A theme word with its `{name}` placeholders filled in.
    pub(crate) fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.get(key), values)
    }

    /// The form of `key` for `count` (`{key}_one`, `_few`, `_many`, `_other`…, by CLDR's
    /// plural rules), with `{count}` filled in; see [`Words::form_source`] for whose
    /// forms and rules.
    pub(crate) fn count(&self, key: &str, count: usize) -> Option<String> {
        let (table, code) = self.form_source(key)?;
        let other = form(table, key, "other")?;
        let text = form(table, key, category(code, count)).unwrap_or(other);
        Some(fill(text, &[("count", &count.to_string())]))
    }

    /// Every form of the counted word `key` with `{count}` left in, and the language whose
    /// plural rules choose among them, for a script to count with (`Intl.PluralRules`):
    /// `{"lang": "uk", "one": "…", "few": "…", "other": "…"}`.
    pub(crate) fn forms(&self, key: &str) -> Option<BTreeMap<&'static str, &'a str>> {
        const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];
        let (table, code) = self.form_source(key)?;
        let mut forms: BTreeMap<&'static str, &'a str> = CATEGORIES
            .iter()
            .filter_map(|c| Some((*c, form(table, key, c)?)))
            .collect();
        forms.insert("lang", code);
        Some(forms)
    }

    /// Where a counted word's forms come from (a site's table, or `None` for the English),
    /// and the language whose rules choose among them: the first place giving its
    /// `_other` form (the language's own, then for a theme word the default language's,
    /// then the English). Forms are never mixed: a language that gives only `_other`
    /// ("Аналізів: {count}") uses it for every count, and English forms are chosen by
    /// English rules.
    fn form_source(&self, key: &str) -> Option<(Option<&'a Strings>, &'a str)> {
        let Lookup {
            code,
            own,
            default,
            default_code,
        } = self.strings;
        let theirs = form(None, key, "other").is_some();
        if form(Some(own), key, "other").is_some() {
            Some((Some(own), code))
        } else if theirs && form(Some(default), key, "other").is_some() {
            Some((Some(default), default_code))
        } else {
            theirs.then_some((None, "en"))
        }
    }

    /// The words of the default theme's scripts (search.js, previews.js) that are not
    /// the English the scripts hold, by the name the scripts read them by, for the
    /// theme to write on `<body>` as `data-words`. Empty on a site that keeps dossier's
    /// English, so its pages carry none of it (it was 840 bytes on every page).
    pub(crate) fn script_words(&self) -> BTreeMap<&'static str, ScriptWord<'a>> {
        let mut words: BTreeMap<&'static str, ScriptWord<'a>> = SCRIPT_WORDS
            .iter()
            .filter_map(|(name, key)| {
                let text = self.lookup(key)?;
                (Some(text) != theme_word(key)).then_some((*name, ScriptWord::Text(text)))
            })
            .collect();
        // The scripts count results in English unless the site gives the forms.
        if let Some((Some(_), _)) = self.form_source(SCRIPT_RESULTS.1)
            && let Some(forms) = self.forms(SCRIPT_RESULTS.1)
        {
            words.insert(SCRIPT_RESULTS.0, ScriptWord::Forms(forms));
        }
        // A taxonomy's name has no English here: the search script names it after the
        // index's taxonomy unless the site translates it.
        if let Some(name) = self.lookup(SCRIPT_TAGS.1).filter(|n| !n.is_empty()) {
            words.insert(SCRIPT_TAGS.0, ScriptWord::Text(name));
        }
        words
    }

    /// [`Words::count`] of a theme word, with other placeholders filled in too.
    pub(crate) fn counted(&self, key: &str, count: usize, values: &[(&str, &str)]) -> String {
        let text = self.count(key, count);
        debug_assert!(text.is_some(), "`{key}` is not a counted theme word");
        fill(&text.unwrap_or_default(), values)
    }

    /// The locale the language's dates are written in: `dossier_date_locale` when the
    /// language sets it (its own, never the default language's), else the one its code
    /// finds; `None` (English names) when neither names one glibc has.
    pub(crate) fn locale(&self) -> Option<Locale> {
        self.locale
            .unwrap_or_else(|| date_locale::of_translations(self.strings.code, self.strings.own))
    }

    /// `time` in the format the theme word `format_key` gives, with the language's names.
    /// A format that does not work (checked when the build starts) gives the ISO date.
    pub(crate) fn format(&self, format_key: &str, time: &BrokenDownTime) -> String {
        date_locale::format(self.get(format_key), self.locale(), time).unwrap_or_else(|_| {
            let date = (time.year(), time.month(), time.day());
            match date {
                (Some(y), Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
                _ => String::new(),
            }
        })
    }

    /// How a reader sees an event's date: `2024`, `Oct 2024`, `28 Oct 2024` or
    /// `28 Oct 2024, 09:30` in English.
    pub(crate) fn event_date(&self, date: &EventDate) -> String {
        let day = date.civil_date();
        match (date.month, date.day, &date.datetime) {
            (Some(_), Some(_), Some(moment)) => {
                let written = day.to_datetime(moment.time.unwrap_or_default());
                self.format("dossier_date_time_format_short", &written.into())
            }
            (Some(_), Some(_), None) => self.format("dossier_date_format_short", &day.into()),
            (Some(_), None, None) => self.format("dossier_month_format_short", &day.into()),
            _ => date.year.to_string(),
        }
    }

    /// A month as a heading (`October 2024`), or with `year` false its name alone
    /// (`October`), in the nominative where the language has cases, and with a capital, as
    /// a heading starts.
    pub(crate) fn month(&self, year: i16, month: i8, with_year: bool) -> String {
        let key = if with_year {
            "dossier_month_format"
        } else {
            "dossier_month_name_format"
        };
        let first = jiff::civil::Date::new(year, month.clamp(1, 12), 1).unwrap_or_default();
        capitalised(&self.format(key, &first.into()))
    }

    /// A month where a bar or a tick of the strip is: `Oct` or `Oct 2024`.
    pub(crate) fn short_month(&self, date: jiff::civil::Date, with_year: bool) -> String {
        let format = if with_year { "%Ob %Y" } else { "%Ob" };
        date_locale::format(format, self.locale(), &date.into()).unwrap_or_default()
    }

    /// A day where a bar or a tick of the strip is: `2 Oct` or `2 Oct 2024`.
    pub(crate) fn short_day(&self, date: jiff::civil::Date, with_year: bool) -> String {
        if with_year {
            return self.format("dossier_date_format_short", &date.into());
        }
        self.format("dossier_day_month_format_short", &date.into())
    }
}

/// The theme word naming an indicator's status ("Open").
pub(crate) fn status_key(status: Status) -> &'static str {
    match status {
        Status::Open => "dossier_status_open",
        Status::Observed => "dossier_status_observed",
        Status::Lapsed => "dossier_status_lapsed",
    }
}

/// The form of the counted word `key` for a plural `category` in `table` (the English
/// for `None`).
fn form<'a>(table: Option<&'a Strings>, key: &str, category: &str) -> Option<&'a str> {
    let key = format!("{key}_{category}");
    match table {
        Some(strings) => strings.get(&key).map(String::as_str),
        None => theme_word(&key),
    }
}

/// The first letter as a capital: "жовтень 2024" heads a list as "Жовтень 2024".
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The CLDR plural category of `count` in the language `code` (`other` for a language
/// CLDR does not know).
fn category(code: &str, count: usize) -> &'static str {
    let rules = code
        .parse::<icu_locale::Locale>()
        .ok()
        .and_then(|locale| PluralRules::try_new((&locale).into(), Default::default()).ok());
    match rules.map(|r| r.category_for(count)) {
        Some(PluralCategory::Zero) => "zero",
        Some(PluralCategory::One) => "one",
        Some(PluralCategory::Two) => "two",
        Some(PluralCategory::Few) => "few",
        Some(PluralCategory::Many) => "many",
        Some(PluralCategory::Other) | None => "other",
    }
}

/// Every language's date settings checked, each problem an error naming its table:
/// formatting later can then fall back quietly.
pub(crate) fn check_dates(config: &Config, diags: &mut Diagnostics) {
    for language in &config.languages {
        let words = Words::of(config, &language.code);
        for (key, why) in date_problems(&words) {
            let table = if language.code == config.default_language {
                "[translations]".to_owned()
            } else {
                format!("[languages.{}.translations]", language.code)
            };
            let why = why.strip_prefix("date: ").unwrap_or(&why);
            diags.push(
                Diagnostic::error(format!("`{key}` in {table} of config.toml: {why}"))
                    .hint("a date format is strftime's (`%-d %B %Y`; `%OB` for a month standing alone); a locale is glibc's (`uk_UA`)"),
            );
        }
    }
}

/// Problems with a language's date settings, as (key, what is wrong): a locale glibc
/// does not have, a format jiff cannot write.
fn date_problems(words: &Words) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if let Some(name) = words.own().get(DATE_LOCALE)
        && let Err(e) = date_locale::parse(name)
    {
        problems.push((DATE_LOCALE, e));
    }
    let sample: BrokenDownTime = jiff::civil::date(2024, 10, 29).at(9, 30, 0, 0).into();
    for key in DATE_FORMATS {
        if let Err(e) = date_locale::format(words.get(key), words.locale(), &sample) {
            problems.push((key, e));
        }
    }
    problems
}

/// The theme words that are date formats (strftime, with `%OB` for a month standing
/// alone).
const DATE_FORMATS: [&str; 7] = [
    "dossier_date_format",
    "dossier_date_format_short",
    "dossier_date_time_format_short",
    "dossier_day_month_format_short",
    "dossier_month_format",
    "dossier_month_format_short",
    "dossier_month_name_format",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::THEME_WORDS;

    fn strings(pairs: &[(&str, &str)]) -> Strings {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_key_is_the_languages_then_the_defaults_then_the_themes() {
        let en = strings(&[("dossier_feed", "News feed"), ("read_more", "Read more")]);
        let uk = strings(&[("dossier_archive", "Архів")]);
        let words = Words::new("uk", &uk, "en", &en);
        assert_eq!(words.lookup("dossier_archive"), Some("Архів"));
        assert_eq!(words.lookup("dossier_feed"), Some("News feed"));
        assert_eq!(words.lookup("dossier_timeline"), Some("Timeline"));
        // A site's own key is not taken from another language, as in Zola.
        assert_eq!(words.lookup("read_more"), None);
    }

    #[test]
    fn counts_take_the_form_of_their_language() {
        let en = Strings::new();
        let uk = strings(&[
            ("dossier_n_events_one", "{count} подія"),
            ("dossier_n_events_few", "{count} події"),
            ("dossier_n_events_many", "{count} подій"),
            ("dossier_n_events_other", "{count} події"),
        ]);
        let words = Words::new("uk", &uk, "en", &en);
        let n = |count| words.count("dossier_n_events", count).unwrap();
        assert_eq!(
            [n(1), n(3), n(5), n(21)],
            ["1 подія", "3 події", "5 подій", "21 подія"]
        );
        // Untranslated: the English forms by English rules.
        let none = Strings::new();
        let words = Words::new("uk", &none, "en", &en);
        let n = |count| words.count("dossier_n_events", count).unwrap();
        assert_eq!([n(1), n(3), n(21)], ["1 event", "3 events", "21 events"]);
        // One form for every count.
        let uk = strings(&[("dossier_n_events_other", "Подій: {count}")]);
        let words = Words::new("uk", &uk, "en", &en);
        assert_eq!(words.count("dossier_n_events", 1).unwrap(), "Подій: 1");
        assert_eq!(words.count("no_such_key", 1), None);
    }

    #[test]
    fn dates_follow_the_language() {
        let en = Strings::new();
        let uk = Strings::new();
        let uk_words = Words::new("uk", &uk, "en", &en);
        let en_words = Words::new("en", &en, "en", &en);
        let day = EventDate::parse("2024-10-29").unwrap();
        assert_eq!(en_words.event_date(&day), "29 Oct 2024");
        assert_eq!(uk_words.month(2024, 10, true), "Жовтень 2024");
        assert_eq!(en_words.month(2024, 10, true), "October 2024");
        assert_eq!(en_words.month(2024, 10, false), "October");
        let month = EventDate::parse("2024-10").unwrap();
        assert_eq!(en_words.event_date(&month), "Oct 2024");
        let time = EventDate::parse("2024-10-28T09:30:00+02:00").unwrap();
        assert_eq!(en_words.event_date(&time), "28 Oct 2024, 09:30");
        assert_eq!(en_words.event_date(&EventDate::parse("2024").unwrap()), "2024");
        // A site names the locale; a bad one is a problem, reported before rendering.
        let uk = strings(&[(DATE_LOCALE, "uk_XX"), ("dossier_date_format", "%Q")]);
        let words = Words::new("uk", &uk, "en", &en);
        let keys: Vec<&str> = date_problems(&words).iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, [DATE_LOCALE, "dossier_date_format"]);
        assert_eq!(words.locale(), None);
    }

    #[test]
    fn a_sites_languages_have_their_date_locales_found_with_the_configuration() {
        let text = "base_url = \"https://example.org/\"\ndefault_language = \"uk\"\n\
                    [languages.fr]\n[languages.pt]\n[languages.pt.translations]\n\
                    dossier_date_locale = \"pt_BR\"\n";
        let (config, diags) = Config::parse(text, &crate::config::Overrides::default());
        let config = config.unwrap_or_else(|| panic!("{diags:?}"));
        for (code, locale) in [
            ("uk", Locale::uk_UA),
            ("fr", Locale::fr_FR),
            ("pt", Locale::pt_BR),
        ] {
            let words = Words::of(&config, code);
            assert_eq!(
                words.locale,
                Some(Some(locale)),
                "{code}: not found with the configuration"
            );
            // As found when asked.
            let own = &config
                .languages
                .iter()
                .find(|l| l.code == code)
                .unwrap()
                .translations;
            assert_eq!(Words::new(code, own, "uk", own).locale(), Some(locale), "{code}");
        }
    }

    /// The scripts write their English where a page gives no `data-words`, so it must be
    /// dossier's, word for word.
    #[test]
    fn the_scripts_english_is_dossiers() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static");
        let search = std::fs::read_to_string(root.join("search.js")).unwrap();
        let previews = std::fs::read_to_string(root.join("previews.js")).unwrap();
        let js = |text: &str| serde_json::to_string(text).unwrap();
        for (name, key) in SCRIPT_WORDS {
            let english = theme_word(key).unwrap();
            let call = match *name {
                "source" => (&previews, format!("return {};", js(english))),
                _ => (&search, format!("say({}, {})", js(name), js(english))),
            };
            assert!(call.0.contains(&call.1), "no `{}` in the scripts", call.1);
        }
        let (name, key) = SCRIPT_RESULTS;
        for (form, english) in [("one", "result"), ("other", "results")] {
            let text = theme_word(&format!("{key}_{form}")).unwrap();
            assert_eq!(text, format!("{{count}} {english}"));
            assert!(search.contains(&js(text)), "{name}: no {text} in search.js");
        }
        assert!(search.contains(&format!("say({}, ", js(SCRIPT_TAGS.0))));
    }

    #[test]
    fn the_scripts_are_given_only_the_words_that_are_not_their_english() {
        let none = Strings::new();
        let given = |words: Words| serde_json::to_string(&words.script_words()).unwrap();
        assert_eq!(given(Words::english()), "{}");
        // An English site that rewords one word, and names its tags.
        let english = strings(&[
            ("dossier_search_close", "Done"),
            ("dossier_taxonomy_tags", "Topics"),
            ("dossier_search_placeholder", "Words or beginnings of words"),
        ]);
        assert_eq!(
            given(Words::new("en", &english, "en", &english)),
            r#"{"close":"Done","tags":"Topics"}"#
        );
        // A language with its own words, counted ones with every form and its rules.
        let uk = strings(&[
            ("dossier_search_close", "Закрити"),
            ("dossier_search_results_one", "{count} результат"),
            ("dossier_search_results_few", "{count} результати"),
            ("dossier_search_results_other", "{count} результатів"),
        ]);
        assert_eq!(
            given(Words::new("uk", &uk, "en", &none)),
            r#"{"close":"Закрити","results":{"few":"{count} результати","lang":"uk","one":"{count} результат","other":"{count} результатів"}}"#
        );
    }

    #[test]
    fn every_counted_word_has_its_other_form_and_every_key_is_once() {
        let mut keys: Vec<&str> = THEME_WORDS.iter().map(|(k, _)| *k).collect();
        for key in &keys {
            assert!(key.starts_with("dossier_"), "{key}");
            if let Some(stem) = key.strip_suffix("_one") {
                assert!(theme_word(&format!("{stem}_other")).is_some(), "{key}");
            }
        }
        for key in DATE_FORMATS {
            assert!(theme_word(key).is_some(), "{key}");
        }
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), before, "a key is listed twice");
    }

    /// Every key the default theme asks for (of `trans`, or of `words`) has its English
    /// here (a key built from a value, such as `dossier_status_` ~ status, has words
    /// starting so; a taxonomy's name is optional), and the example site gives Ukrainian
    /// for every word.
    #[test]
    fn the_theme_asks_only_for_known_words_and_the_example_translates_them_all() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let known = |key: &str| {
            let key = key.strip_suffix('"').unwrap_or(key);
            key.starts_with("dossier_taxonomy_")
                || theme_word(key).is_some()
                || theme_word(&format!("{key}_other")).is_some()
                || (key.ends_with('_') && THEME_WORDS.iter().any(|(k, _)| k.starts_with(key)))
        };
        let asked = regex::Regex::new(r#"key="(dossier_[a-z_]*)""#).unwrap();
        // `words.KEY` (the `words` global): a word as it is, never counted.
        let looked_up = regex::Regex::new(r"\bwords\.([a-z0-9_]+)").unwrap();
        let folder = root.join("themes/default/templates");
        let files = std::fs::read_dir(&folder)
            .unwrap()
            .chain(std::fs::read_dir(folder.join("partials")).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "html"));
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for key in asked.captures_iter(&text) {
                assert!(known(&key[1]), "{}: `{}`", file.display(), &key[1]);
            }
            for key in looked_up.captures_iter(&text) {
                assert!(
                    theme_word(&key[1]).is_some(),
                    "{}: `words.{}`",
                    file.display(),
                    &key[1]
                );
            }
        }
        let config: toml::Table = std::fs::read_to_string(root.join("config.toml"))
            .unwrap()
            .parse()
            .unwrap();
        let uk = &config["languages"]["uk"]["translations"];
        for (key, _) in THEME_WORDS {
            let stem = ["_one", "_two", "_few", "_many", "_zero"]
                .iter()
                .find_map(|suffix| key.strip_suffix(suffix));
            let given = match stem {
                // A counted word: Ukrainian may give fewer forms, but always `_other`.
                Some(stem) => uk.get(format!("{stem}_other")).is_some(),
                None => uk.get(key).is_some(),
            };
            assert!(given, "no Ukrainian for `{key}` in config.toml");
        }
    }
}
