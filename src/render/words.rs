//! The default theme's and dossier's own words in a language: `trans` in templates and the
//! text render writes itself (timeline, archive, graph, strip) look a key up the same way,
//! [`Words::lookup`]: the language's `[languages.xx.translations]`, then for the theme's
//! own keys the default language's `[translations]` (a site that rewords the English
//! rewords every language it has not translated), then the English in [`THEME_WORDS`].
//! Counts pick a plural form by CLDR's rules (`icu_plurals`), and dates are written in
//! the language's locale ([`super::date_locale`]).

use std::collections::BTreeMap;

use icu_plurals::{PluralCategory, PluralRules};
use jiff::fmt::strtime::BrokenDownTime;
use pure_rust_locales::Locale;

use super::date_locale;
use crate::config::Config;
use crate::dates::EventDate;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::dated::Status;

/// One language's strings, as config.toml gives them.
pub(crate) type Strings = BTreeMap<String, String>;

/// The key a site sets to name a language's locale for dates (`uk_UA`), when its code
/// alone does not find the one it wants.
pub(crate) const DATE_LOCALE: &str = "dossier_date_locale";

/// The words of one language: a cheap view of the site's translations, made where needed.
#[derive(Clone, Copy)]
pub(crate) struct Words<'a> {
    code: &'a str,
    own: &'a Strings,
    /// The default language's translations (its own, for the default language).
    default: &'a Strings,
    default_code: &'a str,
}

impl<'a> Words<'a> {
    pub(crate) fn new(
        code: &'a str,
        own: &'a Strings,
        default_code: &'a str,
        default: &'a Strings,
    ) -> Words<'a> {
        Words {
            code,
            own,
            default,
            default_code,
        }
    }

    /// The theme's own English, with no site's translations (for tests of what uses it).
    #[cfg(test)]
    pub(crate) const fn english() -> Words<'static> {
        static NONE: Strings = BTreeMap::new();
        Words {
            code: "en",
            own: &NONE,
            default: &NONE,
            default_code: "en",
        }
    }

    /// The words of the language `code` of the site (the default language's for a code
    /// the site does not have, which resolve has already reported).
    pub(crate) fn of(config: &'a Config, code: &str) -> Words<'a> {
        static EMPTY: Strings = BTreeMap::new();
        let strings = |code: &str| {
            config
                .languages
                .iter()
                .find(|l| l.code == code)
                .map(|l| (l.code.as_str(), &l.translations))
        };
        let default_code = config.default_language.as_str();
        let (default_code, default) = strings(default_code).unwrap_or((default_code, &EMPTY));
        let (code, own) = strings(code).unwrap_or((default_code, default));
        Words::new(code, own, default_code, default)
    }

    pub(crate) fn code(&self) -> &'a str {
        self.code
    }

    /// The language's own translations, to suggest a key from.
    pub(crate) fn own(&self) -> &'a Strings {
        self.own
    }

    /// `key`'s text: the language's own, then for a theme word the default language's,
    /// then the theme's English. `None` for a key no one gives.
    pub(crate) fn lookup(&self, key: &str) -> Option<&'a str> {
        self.own
            .get(key)
            .or_else(|| theme_word(key).and_then(|_| self.default.get(key)))
            .map(String::as_str)
            .or_else(|| theme_word(key))
    }

    /// A theme word (a key of [`THEME_WORDS`]); the key itself for one that is not, which
    /// the tests of this module rule out for the keys render asks for.
    pub(crate) fn get(&self, key: &str) -> &'a str {
        let text = self.lookup(key);
        debug_assert!(text.is_some(), "`{key}` is not a theme word");
        text.unwrap_or_default()
    }

    /// A theme word with its `{name}` placeholders filled in.
    pub(crate) fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.get(key), values)
    }

    /// The form of `key` for `count` (`{key}_one`, `_few`, `_many`, `_other`…, by the
    /// language's CLDR plural rules), with `{count}` filled in. The forms come from the
    /// first place that has any of them, chosen by the rules of that place's language: a
    /// language that gives only `_other` ("Аналізів: {count}") uses it for every count,
    /// and English forms are chosen by English rules.
    pub(crate) fn count(&self, key: &str, count: usize) -> Option<String> {
        let from = |strings: &'a Strings, code: &str| {
            let form = |category: &str| strings.get(&format!("{key}_{category}")).map(String::as_str);
            form("other").map(|other| form(category(code, count)).unwrap_or(other))
        };
        let text = from(self.own, self.code)
            .or_else(|| {
                theme_word(&format!("{key}_other")).and_then(|_| from(self.default, self.default_code))
            })
            .or_else(|| {
                let other = theme_word(&format!("{key}_other"))?;
                Some(theme_word(&format!("{key}_{}", category("en", count))).unwrap_or(other))
            })?;
        Some(fill(text, &[("count", &count.to_string())]))
    }

    /// Every form of the counted word `key` with `{count}` left in, and the language whose
    /// plural rules choose among them, for a script to count with (`Intl.PluralRules`):
    /// `{"lang": "uk", "one": "…", "few": "…", "other": "…"}`.
    pub(crate) fn forms(&self, key: &str) -> Option<BTreeMap<&'static str, &'a str>> {
        const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];
        let from = |strings: &'a Strings, code: &'a str| {
            strings.get(&format!("{key}_other"))?;
            let mut forms: BTreeMap<&'static str, &'a str> = CATEGORIES
                .iter()
                .filter_map(|c| Some((*c, strings.get(&format!("{key}_{c}"))?.as_str())))
                .collect();
            forms.insert("lang", code);
            Some(forms)
        };
        let theme = || {
            theme_word(&format!("{key}_other"))?;
            let mut forms: BTreeMap<&'static str, &'a str> = CATEGORIES
                .iter()
                .filter_map(|c| Some((*c, theme_word(&format!("{key}_{c}"))?)))
                .collect();
            forms.insert("lang", "en");
            Some(forms)
        };
        from(self.own, self.code)
            .or_else(|| {
                theme_word(&format!("{key}_other")).and_then(|_| from(self.default, self.default_code))
            })
            .or_else(theme)
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
        match self.own.get(DATE_LOCALE) {
            Some(name) => date_locale::parse(name).ok(),
            None => date_locale::of_language(self.code),
        }
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

/// `text` with each `{name}` replaced by its value, in one pass (a value holding braces,
/// such as a title, is left as it is).
pub(crate) fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let named = after.find('}').and_then(|close| {
            values
                .iter()
                .find(|(n, _)| *n == &after[..close])
                .map(|(_, v)| (close, v))
        });
        match named {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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
    if let Some(name) = words.own.get(DATE_LOCALE)
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

fn theme_word(key: &str) -> Option<&'static str> {
    THEME_WORDS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
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

/// The default theme's and dossier's own pages' words, in English, which `trans` and
/// render give when the site's translations lack the key: a site translates them in
/// `[languages.xx.translations]` (and may change the English ones in `[translations]`).
/// A counted word has its forms as `_one`, `_other` (and `_few`, `_many`… in languages
/// with more), with `{count}`; `{name}` placeholders are filled in where it is used.
pub(crate) const THEME_WORDS: &[(&str, &str)] = &[
    // Every page: the header and footer.
    ("dossier_skip_to_content", "Skip to content"),
    ("dossier_main_navigation", "Main"),
    ("dossier_home", "Home"),
    ("dossier_timeline", "Timeline"),
    ("dossier_search", "Search"),
    ("dossier_dark_mode", "Dark mode"),
    ("dossier_feed", "Feed"),
    ("dossier_archive", "Archive"),
    ("dossier_key_judgments", "Key judgments"),
    ("dossier_what_to_watch", "What to watch"),
    ("dossier_sources", "Sources"),
    ("dossier_link_graph", "Link graph"),
    ("dossier_built_with", "Built with dossier."),
    // Dates, as strftime formats: `%B` is a month after a day (a genitive in Ukrainian),
    // `%OB` a month standing alone (a nominative); `%b` and `%Ob` their short forms.
    ("dossier_date_format", "%-d %B %Y"),
    ("dossier_date_format_short", "%-d %b %Y"),
    ("dossier_date_time_format_short", "%-d %b %Y, %H:%M"),
    ("dossier_day_month_format_short", "%-d %b"),
    ("dossier_month_format", "%OB %Y"),
    ("dossier_month_format_short", "%b %Y"),
    ("dossier_month_name_format", "%OB"),
    // Counts shared by several pages.
    ("dossier_n_analyses_one", "{count} analysis"),
    ("dossier_n_analyses_other", "{count} analyses"),
    ("dossier_n_events_one", "{count} event"),
    ("dossier_n_events_other", "{count} events"),
    ("dossier_n_links_one", "{count} link"),
    ("dossier_n_links_other", "{count} links"),
    ("dossier_and", "and"),
    // The front page.
    ("dossier_lead_analysis", "Lead analysis"),
    ("dossier_read_the_analysis", "Read the analysis"),
    ("dossier_more_judgments_there_one", "{count} more judgment there"),
    (
        "dossier_more_judgments_there_other",
        "{count} more judgments there",
    ),
    ("dossier_more_in_section_one", "{count} more in {section}"),
    ("dossier_more_in_section_other", "{count} more in {section}"),
    ("dossier_all_indicators", "All indicators"),
    ("dossier_recent_events", "Recent events"),
    ("dossier_the_timeline", "The timeline"),
    // An analysis and the lists of analyses.
    ("dossier_min_read_one", "{count} min read"),
    ("dossier_min_read_other", "{count} min read"),
    ("dossier_updated", "updated"),
    ("dossier_more_from_this_month", "More from this month"),
    ("dossier_by_authors_one", "By {authors}"),
    ("dossier_by_authors_other", "By {authors}"),
    ("dossier_contents", "Contents"),
    ("dossier_cite_this_analysis", "Cite this analysis"),
    ("dossier_more_in_this_section", "More in this section"),
    ("dossier_newer", "Newer"),
    ("dossier_older", "Older"),
    ("dossier_pages", "Pages"),
    ("dossier_newer_page", "← Newer"),
    ("dossier_older_page", "Older →"),
    ("dossier_page_of", "Page {page} of {pages}"),
    ("dossier_connected_analyses", "Connected analyses"),
    ("dossier_relation_cites_this", "cites this"),
    ("dossier_relation_cited_here", "cited here"),
    ("dossier_relation_related", "related"),
    ("dossier_connections_cite_this_one", "{count} cites this analysis"),
    (
        "dossier_connections_cite_this_other",
        "{count} cite this analysis",
    ),
    ("dossier_connections_it_cites_one", "it cites {count}"),
    ("dossier_connections_it_cites_other", "it cites {count}"),
    ("dossier_connections_related_one", "{count} is related"),
    ("dossier_connections_related_other", "{count} are related"),
    (
        "dossier_connections_numbered",
        "{parts}; numbered as in the list.",
    ),
    // Indicators to watch and key judgments.
    ("dossier_due_by", "by"),
    ("dossier_status_open", "Open"),
    ("dossier_status_observed", "Observed"),
    ("dossier_status_lapsed", "Lapsed"),
    (
        "dossier_watch_lede",
        "The indicators our analyses watch for: what would show that events are moving, why it matters, when it is due, and whether it has been observed.",
    ),
    ("dossier_other_indicators", "Other indicators"),
    ("dossier_from", "From"),
    ("dossier_confidence_low", "Low confidence"),
    ("dossier_confidence_moderate", "Moderate confidence"),
    ("dossier_confidence_high", "High confidence"),
    (
        "dossier_judgments_lede",
        "Every key judgment on the site, newest analysis first, each with the confidence the analyst gave it and a link to where it is argued.",
    ),
    ("dossier_in_context", "In context"),
    // Sources.
    (
        "dossier_sources_lede",
        "Every source our analyses cite, with the analyses that rest on it.",
    ),
    ("dossier_cited_in", "Cited in"),
    // Events and the timeline.
    ("dossier_events", "Events"),
    ("dossier_events_in_this_analysis", "Events in this analysis"),
    ("dossier_approximate", "(approximate)"),
    ("dossier_approximate_date", "Approximate date: {date}."),
    ("dossier_era", "Era:"),
    ("dossier_to_watch", "To watch: {status}"),
    ("dossier_recorded_in", "Recorded in"),
    ("dossier_analysis", "Analysis"),
    ("dossier_cited_by", "cited by"),
    ("dossier_plus_more_one", "+{count} more"),
    ("dossier_plus_more_other", "+{count} more"),
    ("dossier_source", "Source: {source}"),
    (
        "dossier_all_events_on_timeline_one",
        "All {count} event on the timeline of {term}",
    ),
    (
        "dossier_all_events_on_timeline_other",
        "All {count} events on the timeline of {term}",
    ),
    ("dossier_term_timeline_title", "{term}: timeline"),
    ("dossier_timeline_of", "Timeline: {term}"),
    (
        "dossier_n_events_in_year_of_one",
        "{count} event in {year} of {all}",
    ),
    (
        "dossier_n_events_in_year_of_other",
        "{count} events in {year} of {all}",
    ),
    ("dossier_all_events", "all events"),
    ("dossier_n_upcoming_one", "{count} upcoming"),
    ("dossier_n_upcoming_other", "{count} upcoming"),
    ("dossier_listed_after_past", "listed after the past ones"),
    (
        "dossier_approximate_dates",
        "Dates given only to the month or year are approximate.",
    ),
    ("dossier_chart_scrolls", "The chart scrolls sideways."),
    ("dossier_events_per_month_table", "Events per month, as a table"),
    ("dossier_month", "Month"),
    ("dossier_month_not_known", "{year} (month not known)"),
    ("dossier_years", "Years"),
    ("dossier_by_year", "By year"),
    ("dossier_all_years", "All years"),
    ("dossier_filter_timeline", "Filter the timeline"),
    (
        "dossier_all_cited_by_same_one",
        "The analyses recording these events are all cited by the same {count}:",
    ),
    (
        "dossier_all_cited_by_same_other",
        "The analyses recording these events are all cited by the same {count}:",
    ),
    ("dossier_and_n_more_one", "and {count} more"),
    ("dossier_and_n_more_other", "and {count} more"),
    ("dossier_latest_events", "Latest events"),
    ("dossier_all_of_year", "All of {year}"),
    ("dossier_earlier_years_above", "earlier years are listed above."),
    ("dossier_upcoming", "Upcoming"),
    (
        "dossier_timeline_exports",
        "Also as {json} (TimelineJS's format) and as a {calendar}.",
    ),
    ("dossier_json", "JSON"),
    ("dossier_calendar", "calendar"),
    // The strip above the timeline.
    ("dossier_strip_title_day", "Events per day"),
    ("dossier_strip_title_week", "Events per week"),
    ("dossier_strip_title_month", "Events per month"),
    ("dossier_strip_title_year", "Events per year"),
    (
        "dossier_strip_dated_events_one",
        "{count} dated event from {first} to {last}",
    ),
    (
        "dossier_strip_dated_events_other",
        "{count} dated events from {first} to {last}",
    ),
    (
        "dossier_strip_busiest_day",
        "the busiest day is {label} with {count}",
    ),
    (
        "dossier_strip_busiest_week",
        "the busiest week is {label} with {count}",
    ),
    (
        "dossier_strip_busiest_month",
        "the busiest month is {label} with {count}",
    ),
    (
        "dossier_strip_busiest_year",
        "the busiest year is {label} with {count}",
    ),
    ("dossier_strip_table_below", "The table below lists every month."),
    ("dossier_strip_week_of", "week of {date}"),
    // The link graph.
    (
        "dossier_graph_summary",
        "{analyses} and {links} between them, {drawn}.",
    ),
    (
        "dossier_graph_most_linked_drawn_one",
        "the {count} most linked drawn",
    ),
    (
        "dossier_graph_most_linked_drawn_other",
        "the {count} most linked drawn",
    ),
    ("dossier_graph_by_analysis", "by analysis"),
    ("dossier_graph_by_section", "by section"),
    (
        "dossier_graph_json",
        "Each analysis shows its own connections at its end; {file} has every node and edge.",
    ),
    ("dossier_graph_sections", "Sections"),
    ("dossier_section", "Section"),
    ("dossier_analyses", "Analyses"),
    ("dossier_links_out", "Links out"),
    ("dossier_links_in", "Links in"),
    ("dossier_most_cited", "Most cited"),
    ("dossier_cited_by_n_one", "cited by {count}"),
    ("dossier_cited_by_n_other", "cited by {count}"),
    (
        "dossier_graph_sections_title",
        "Sections and the links between them",
    ),
    (
        "dossier_graph_circle_desc_one",
        "{count} section; a line joins two sections whose analyses link to each other, thicker for more links. The table below gives the numbers.",
    ),
    (
        "dossier_graph_circle_desc_other",
        "{count} sections; a line joins two sections whose analyses link to each other, thicker for more links. The table below gives the numbers.",
    ),
    (
        "dossier_graph_rows_desc",
        "One row per section; an arc joins two sections whose analyses link to each other, thicker for more links. The table below gives the numbers.",
    ),
    ("dossier_graph_pages_title", "Analyses and the links between them"),
    (
        "dossier_graph_most_linked_of_one",
        "The {count} most linked of {analyses}",
    ),
    (
        "dossier_graph_most_linked_of_other",
        "The {count} most linked of {analyses}",
    ),
    (
        "dossier_graph_pages_desc",
        "{analyses}, oldest at the top; an arc joins two analyses when one links to the other, thicker for more links.",
    ),
    // The scripts: search (search.js), timeline filters (timeline.js), previews.
    ("dossier_search_placeholder", "Words or beginnings of words"),
    ("dossier_search_label", "Search analyses"),
    ("dossier_search_all_sections", "All sections"),
    ("dossier_search_all", "All"),
    ("dossier_search_tag", "Tag"),
    ("dossier_search_all_tags", "All {taxonomy}"),
    ("dossier_search_close", "Close"),
    ("dossier_search_more", "More results"),
    (
        "dossier_search_unavailable",
        "The search index could not be loaded.",
    ),
    ("dossier_search_failed", "Search failed: {error}"),
    ("dossier_search_no_results", "No results."),
    ("dossier_search_results_one", "{count} result"),
    ("dossier_search_results_other", "{count} results"),
    ("dossier_search_showing", ", showing {shown}."),
    (
        "dossier_showing_events_for_one",
        "Showing {count} event for {term}.",
    ),
    (
        "dossier_showing_events_for_other",
        "Showing {count} events for {term}.",
    ),
    ("dossier_source_preview", "Source"),
    // The page for an address with nothing at it.
    ("dossier_not_found", "Page not found"),
    (
        "dossier_not_found_text",
        "There is nothing at this address. It may have moved, or the link may be mistyped.",
    ),
    ("dossier_go_home", "Go to the home page"),
    ("dossier_or_browse_by", "or browse by"),
];

#[cfg(test)]
mod tests {
    use super::*;

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
}
