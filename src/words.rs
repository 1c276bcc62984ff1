//! The words dossier writes itself, in English (`THEME_WORDS`: the default theme's, its own
//! pages', and the labels the Markdown pass writes into an analysis), and the one way a
//! key is looked up in a language ([`Lookup`]): the language's
//! `[languages.xx.translations]`, then for one of these words the default language's
//! `[translations]` (a site that rewords the English rewords every language it has not
//! translated), then the English. A leaf that parse, model and render share; render's
//! `words` adds plural forms and dates.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::config::Config;

/// One language's strings, as config.toml gives them.
pub(crate) type Strings = BTreeMap<String, String>;

/// One language's strings and the default language's: a cheap view, made where needed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lookup<'a> {
    pub code: &'a str,
    pub own: &'a Strings,
    /// The default language's translations (its own, for the default language).
    pub default: &'a Strings,
    pub default_code: &'a str,
}

impl<'a> Lookup<'a> {
    pub(crate) const fn new(
        code: &'a str,
        own: &'a Strings,
        default_code: &'a str,
        default: &'a Strings,
    ) -> Lookup<'a> {
        Lookup {
            code,
            own,
            default,
            default_code,
        }
    }

    /// The English alone, with no site's translations (for what converts Markdown
    /// outside a site, and tests).
    pub(crate) const fn english() -> Lookup<'static> {
        static NONE: Strings = BTreeMap::new();
        Lookup::new("en", &NONE, "en", &NONE)
    }

    /// The strings of the language `code` of the site (the default language's for a code
    /// the site does not have, which resolve has already reported).
    pub(crate) fn of(config: &'a Config, code: &str) -> Lookup<'a> {
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
        Lookup::new(code, own, default_code, default)
    }

    /// `key`'s text: the language's own, then for one of dossier's words the default
    /// language's, then the English. `None` for a key no one gives.
    pub(crate) fn lookup(&self, key: &str) -> Option<&'a str> {
        if let Some(own) = self.own.get(key) {
            return Some(own);
        }
        let english = theme_word(key)?;
        Some(self.default.get(key).map_or(english, String::as_str))
    }

    /// One of dossier's words (a key of [`THEME_WORDS`]); empty for one that is not, which
    /// the tests of render's `words` rule out for the keys asked for.
    pub(crate) fn get(&self, key: &str) -> &'a str {
        let text = self.lookup(key);
        debug_assert!(text.is_some(), "`{key}` is not a theme word");
        text.unwrap_or_default()
    }

    /// One of dossier's words with its `{name}` placeholders filled in.
    pub(crate) fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.get(key), values)
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

/// The English of one of dossier's words.
pub(crate) fn theme_word(key: &str) -> Option<&'static str> {
    // Found by hashing, not by a walk through the list: `trans` asks some 40 times a page,
    // and comparing a key with each of the words' had cost a tenth of each call.
    static BY_KEY: LazyLock<FxHashMap<&str, &str>> = LazyLock::new(|| {
        let mut by_key = FxHashMap::default();
        for (key, text) in THEME_WORDS {
            by_key.entry(*key).or_insert(*text);
        }
        by_key
    });
    BY_KEY.get(key).copied()
}

/// The default theme's, dossier's own pages' and the Markdown pass's words, in English,
/// which `trans`, render and parse give when the site's translations lack the key: a site translates them in
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
    // The labels the Markdown pass writes into an analysis.
    ("dossier_link_to_section", "Link to this section: {title}"),
    ("dossier_footnote", "Footnote {number}"),
    ("dossier_footnotes", "Footnotes"),
    ("dossier_back_to_reference", "Back to reference"),
    ("dossier_back_to_citation", "Back to citation {number}"),
    ("dossier_table", "Table"),
    ("dossier_done", "Done"),
    ("dossier_not_done", "Not done"),
    ("dossier_callout_note", "Note"),
    ("dossier_callout_tip", "Tip"),
    ("dossier_callout_important", "Important"),
    ("dossier_callout_warning", "Warning"),
    ("dossier_callout_caution", "Caution"),
    ("dossier_callout_key_judgment", "Key judgment"),
    ("dossier_callout_assessment", "Assessment"),
    ("dossier_callout_pullquote", "Pull quote"),
    // The page for an address with nothing at it.
    ("dossier_not_found", "Page not found"),
    (
        "dossier_not_found_text",
        "There is nothing at this address. It may have moved, or the link may be mistyped.",
    ),
    ("dossier_go_home", "Go to the home page"),
    ("dossier_or_browse_by", "or browse by"),
];
