//! Zola's multilingual settings: `default_language`, the `[languages.xx]` tables and the
//! top-level `[translations]`, checked into one [`Language`] per language, the default
//! first. The default language's settings are the top-level keys; a `[languages.xx]`
//! table for it too is merged with them as Zola merges it (a key set in both places is an
//! error, except the two switches, which either place turns on).

use std::collections::BTreeMap;

use serde::Serialize;

use super::TaxonomyConfig;
use super::raw::RawLanguage;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};

/// One language of the site, with what Zola's `[languages.xx]` gives it. Serialised as
/// Zola gives `config.languages` to templates (the code is the map's key).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Language {
    #[serde(skip)]
    pub code: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Feeds of the language's pages at `/xx/atom.xml` (for the default language, the
    /// site's feed).
    pub generate_feeds: bool,
    pub feed_filenames: Vec<String>,
    pub build_search_index: bool,
    /// The taxonomies the language's pages may use; its terms are at `/xx/TAXONOMY/TERM/`.
    pub taxonomies: Vec<TaxonomyConfig>,
    /// `trans(key=…, lang=…)`'s strings.
    pub translations: BTreeMap<String, String>,
    /// The locale its dates are written in (`date_locale::of_translations`).
    #[serde(skip)]
    pub date_locale: Option<pure_rust_locales::Locale>,
}

/// The default language's settings as the top-level keys give them.
pub(super) struct DefaultLanguage {
    pub code: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub generate_feeds: Option<bool>,
    pub feed_filenames: Option<Vec<String>>,
    pub build_search_index: Option<bool>,
    pub taxonomies: Option<Vec<TaxonomyConfig>>,
    pub translations: BTreeMap<String, String>,
}

/// What the checks need of the file: where a key is written.
pub(super) trait Place {
    fn at(&self, keys: &[&str]) -> Location;
}

impl<F: Fn(&[&str]) -> Location> Place for F {
    fn at(&self, keys: &[&str]) -> Location {
        self(keys)
    }
}

/// Whether `code` is a language tag a file name and a URL can carry: a primary subtag of
/// two, three or five to eight letters, then subtags of one to eight letters or digits
/// (`fr`, `pt-BR`, `zh-Hant`), as Zola asks of a Unicode language identifier.
pub(super) fn check_code(code: &str) -> Result<(), &'static str> {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or_default();
    if !(matches!(first.len(), 2 | 3 | 5..=8) && first.bytes().all(|b| b.is_ascii_alphabetic())) {
        return Err("does not start with a language subtag (two or three letters, such as `fr`)");
    }
    if parts.any(|p| p.is_empty() || p.len() > 8 || !p.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return Err("has a subtag that is not one to eight letters or digits");
    }
    Ok(())
}

/// Checks a list of taxonomies written at a table's path, as the top-level one is checked.
pub(super) type CheckTaxonomies<'a> =
    dyn Fn(Vec<super::raw::RawTaxonomy>, &[&str], &mut Diagnostics) -> Vec<TaxonomyConfig> + 'a;

/// The site's languages, the default first, then the others by code. `taxonomies`
/// checks a `[languages.xx]` table's own list as the top-level one is checked.
pub(super) fn read(
    default: DefaultLanguage,
    raw: BTreeMap<String, RawLanguage>,
    place: &impl Place,
    taxonomies: &CheckTaxonomies<'_>,
    diags: &mut Diagnostics,
) -> Vec<Language> {
    if let Err(why) = check_code(&default.code) {
        diags.push(
            Diagnostic::error(format!("`default_language` `{}` {why}", default.code))
                .at(place.at(&["default_language"]))
                .hint("write a language code such as \"en\", \"uk\" or \"pt-BR\""),
        );
    }
    let mut default_language = Language {
        code: default.code.clone(),
        title: default.title,
        description: default.description,
        generate_feeds: default.generate_feeds.unwrap_or(true),
        feed_filenames: default
            .feed_filenames
            .clone()
            .unwrap_or_else(|| vec![super::FeedFormat::Atom.file_name().to_owned()]),
        build_search_index: default.build_search_index.unwrap_or(true),
        taxonomies: default.taxonomies.clone().unwrap_or_default(),
        translations: default.translations.clone(),
        date_locale: None,
    };
    let mut others = Vec::new();
    for (code, lang) in raw {
        let table = ["languages", code.as_str()];
        let key = |k: &str| place.at(&[table[0], table[1], k]);
        if lang.search.is_some() {
            diags.push(
                Diagnostic::warning(format!(
                    "`languages.{code}.search` is ignored: {}",
                    super::keys::SEARCH_WHY
                ))
                .at(key("search"))
                .hint(super::keys::SEARCH_HINT),
            );
        }
        for name in lang.feed_filenames.iter().flatten() {
            if super::FeedFormat::from_file_name(name).is_none() {
                diags.push(
                    Diagnostic::error(format!(
                        "unknown feed file `{name}` in `languages.{code}.feed_filenames`"
                    ))
                    .at(key("feed_filenames"))
                    .hint("dossier writes `atom.xml` (Atom) and `rss.xml` (RSS 2.0); list one or both"),
                );
            }
        }
        let lang_taxonomies = lang
            .taxonomies
            .map(|t| taxonomies(t, &[table[0], table[1], "taxonomies"], diags));
        if code == default.code {
            // Zola merges a table for the default language into the top-level keys; a key
            // given in both places is ambiguous.
            let mut twice = |name: &str, both: bool| {
                if both {
                    diags.push(
                        Diagnostic::error(format!(
                            "`{name}` of the default language `{code}` is set twice: at the top level and in `[languages.{code}]`"
                        ))
                        .at(key(name))
                        .hint(format!(
                            "the top-level keys are the default language's; remove `{name}` from one of the two places"
                        )),
                    );
                }
            };
            twice("title", default_language.title.is_some() && lang.title.is_some());
            twice(
                "description",
                default_language.description.is_some() && lang.description.is_some(),
            );
            twice(
                "feed_filenames",
                default.feed_filenames.is_some() && lang.feed_filenames.is_some(),
            );
            twice(
                "taxonomies",
                default.taxonomies.as_ref().is_some_and(|t| !t.is_empty())
                    && lang_taxonomies.as_ref().is_some_and(|t| !t.is_empty()),
            );
            twice(
                "translations",
                !default.translations.is_empty() && !lang.translations.is_empty(),
            );
            let d = &mut default_language;
            d.title = d.title.take().or(lang.title);
            d.description = d.description.take().or(lang.description);
            if let Some(files) = lang.feed_filenames.filter(|_| default.feed_filenames.is_none()) {
                d.feed_filenames = files;
            }
            if let Some(t) = lang_taxonomies.filter(|t| !t.is_empty()) {
                d.taxonomies = t;
            }
            if d.translations.is_empty() {
                d.translations = lang.translations;
            }
            // Either place turns a switch on, as in Zola; one left unset is the top level's.
            d.generate_feeds = match (default.generate_feeds, lang.generate_feeds) {
                (Some(a), Some(b)) => a || b,
                (a, b) => a.or(b).unwrap_or(true),
            };
            d.build_search_index = match (default.build_search_index, lang.build_search_index) {
                (Some(a), Some(b)) => a || b,
                (a, b) => a.or(b).unwrap_or(true),
            };
            continue;
        }
        if let Err(why) = check_code(&code) {
            diags.push(
                Diagnostic::error(format!("the language code `{code}` {why}"))
                    .at(place.at(&table))
                    .hint("name the table by a language code such as [languages.fr], [languages.uk] or [languages.pt-BR]"),
            );
            continue;
        }
        others.push(Language {
            code,
            title: lang.title,
            description: lang.description,
            // Zola's defaults for a language other than the default: no feeds, no search.
            generate_feeds: lang.generate_feeds.unwrap_or(false),
            feed_filenames: lang
                .feed_filenames
                .unwrap_or_else(|| vec![super::FeedFormat::Atom.file_name().to_owned()]),
            build_search_index: lang.build_search_index.unwrap_or(false),
            taxonomies: lang_taxonomies.unwrap_or_default(),
            translations: lang.translations,
            date_locale: None,
        });
    }
    let mut all = vec![default_language];
    all.extend(others);
    // Once the default language's translations are final.
    for language in &mut all {
        language.date_locale = crate::date_locale::of_translations(&language.code, &language.translations);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::check_code;

    #[test]
    fn language_codes_are_tags() {
        for good in ["en", "uk", "ko", "pt-BR", "zh-Hant", "fil", "sr-Latn-RS"] {
            assert!(check_code(good).is_ok(), "{good}");
        }
        for bad in ["", "e", "english-", "fr.md", "f r", "de--x", "1a", "ukrainian"] {
            assert!(check_code(bad).is_err(), "{bad}");
        }
    }
}
