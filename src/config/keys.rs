//! The keys config.toml may hold: dossier's own, for suggestions when one is misspelt,
//! and Zola's that dossier accepts with a warning.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// Top-level keys of `config.toml` that dossier implements.
const KNOWN_KEYS: &[&str] = &[
    "base_url",
    "title",
    "description",
    "default_language",
    "theme",
    "output_dir",
    "taxonomies",
    "markdown",
    "extra",
    "author",
    "related",
    "feed_limit",
    "timeline",
    "sources",
    "cname",
    "generate_feeds",
    "feed_filenames",
    "feed_content",
    "generate_sitemap",
    "generate_robots_txt",
    "build_search_index",
    "compile_sass",
    "skip_content_templating",
    "languages",
    "translations",
    "taxonomy_root",
    "ignored_content",
    "ignored_static",
    "slugify",
];

/// Keys of a `[languages.xx]` table.
const LANGUAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "generate_feeds",
    "feed_filenames",
    "build_search_index",
    "taxonomies",
    "search",
    "translations",
];

/// Keys of `[markdown]` that dossier implements.
const MARKDOWN_KEYS: &[&str] = &[
    "highlighting",
    "smart_punctuation",
    "insert_anchor_links",
    "external_links_target_blank",
    "external_links_no_follow",
    "external_links_no_referrer",
    "external_links_class",
    "external_links_external",
    "definition_list",
    "render_emoji",
    "github_alerts",
    "bottom_footnotes",
    "lazy_async_image",
];

/// Keys of a `[[taxonomies]]` entry.
const TAXONOMY_KEYS: &[&str] = &[
    "name",
    "slug",
    "paginate_by",
    "paginate_path",
    "feed",
    "render",
    "lang",
];

/// Keys Zola documents that dossier accepts but does not act on yet, with the table each
/// belongs in (empty for the top level): the one list of them. `take_zola_only` takes
/// each out of the document, where it is written, before the rest is read into
/// `RawConfig`, so none needs a field of its own and a warning always names the key
/// that was found.
pub(super) const ZOLA_ONLY: &[(&[&str], &str)] = &[
    (&[], "preserve_dotfiles_in_output"),
    (&[], "minify_html"),
    (&[], "generate_feed"),
    (&[], "feed_filename"),
    (&[], "hard_link_static"),
    (&[], "exclude_paginated_pages_in_sitemap"),
    (&[], "search"),
    (&[], "highlight_code"),
    (&[], "highlight_theme"),
    (&[], "mode"),
    (&["markdown"], "highlight_code"),
    (&["markdown"], "highlight_theme"),
    (&["markdown"], "highlight_themes_css"),
    (&["markdown"], "extra_syntaxes_and_themes"),
    (&["markdown", "highlighting"], "extra_grammars"),
    (&["markdown", "highlighting"], "extra_themes"),
    (&["markdown", "highlighting"], "data_attr_position"),
];

/// The Zola-only keys of one table (`&[]` for the top level), in the table's order.
fn zola_only_in(table: &[&str]) -> impl Iterator<Item = &'static str> {
    ZOLA_ONLY
        .iter()
        .filter(move |(t, _)| *t == table)
        .map(|(_, k)| *k)
}

/// A Zola-only key found in config.toml.
pub(super) struct ZolaKey {
    /// The table it was in (empty for the top level).
    pub(super) table: &'static [&'static str],
    pub(super) key: &'static str,
    /// Where the key is written.
    pub(super) span: Range<usize>,
}

impl ZolaKey {
    /// `minify_html`, `markdown.render_emoji`.
    pub(super) fn name(&self) -> String {
        self.table
            .iter()
            .chain([&self.key])
            .copied()
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// Takes every Zola-only key out of `doc`, in `ZOLA_ONLY`'s order.
pub(super) fn take_zola_only(doc: &mut DeTable) -> Vec<ZolaKey> {
    let mut found = Vec::new();
    for (table, key) in ZOLA_ONLY {
        let Some(current) = table_at(doc, table) else {
            continue;
        };
        let Some(written) = current.keys().find(|k| k.get_ref() == key).cloned() else {
            continue;
        };
        // Keys compare by name, not by where they are written.
        current.remove(&written);
        found.push(ZolaKey {
            table,
            key,
            span: written.span(),
        });
    }
    found
}

/// The table at `path` in `doc`, if there is one.
fn table_at<'d, 'i>(doc: &'d mut DeTable<'i>, path: &[&str]) -> Option<&'d mut DeTable<'i>> {
    let Some((first, rest)) = path.split_first() else {
        return Some(doc);
    };
    match doc.iter_mut().find(|(k, _)| k.get_ref() == first)?.1.get_mut() {
        DeValue::Table(t) => table_at(t, rest),
        _ => None,
    }
}

/// Which key list an "unknown field" error in config.toml should be matched against.
pub(super) fn config_candidates(err: &toml::de::Error) -> Vec<&'static str> {
    let msg = err.message();
    if msg.contains("`light_theme`") || msg.contains("`dark_theme`") {
        vec![
            "enabled",
            "theme",
            "light_theme",
            "dark_theme",
            "style",
            "error_on_missing_language",
        ]
    } else if msg.contains("`smart_punctuation`") {
        MARKDOWN_KEYS
            .iter()
            .copied()
            .chain(zola_only_in(&["markdown"]))
            .collect()
    } else if msg.contains("`eras`") {
        vec!["eras", "today", "year_pages_above"]
    } else if msg.contains("`max_share`") {
        vec!["limit", "links", "taxonomies", "max_share"]
    } else if msg.contains("`translations`") && !msg.contains("`base_url`") {
        LANGUAGE_KEYS.to_vec()
    } else if msg.contains("`paginate_path`") {
        TAXONOMY_KEYS.to_vec()
    } else {
        KNOWN_KEYS.iter().copied().chain(zola_only_in(&[])).collect()
    }
}
