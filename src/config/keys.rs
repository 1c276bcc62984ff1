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
    "disable_pages",
    "build_search_index",
    "compile_sass",
    "skip_content_templating",
    "languages",
    "translations",
    "taxonomy_root",
    "ignored_content",
    "ignored_static",
    "slugify",
    "minify_html",
    "hard_link_static",
    "preserve_dotfiles_in_output",
    "exclude_paginated_pages_in_sitemap",
    "generate_feed",
    "feed_filename",
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

/// A key Zola documents that dossier accepts but does not act on, with why.
pub(super) struct ZolaOnly {
    /// The table it belongs in (empty for the top level).
    pub(super) table: &'static [&'static str],
    pub(super) key: &'static str,
    /// Why dossier ignores it, said after "`key` is ignored: ".
    pub(super) why: &'static str,
    /// What to do instead.
    pub(super) hint: &'static str,
}

/// Zola's `[search]` and `[languages.xx.search]`.
pub(super) const SEARCH_WHY: &str = "dossier builds its own search index (`build_search_index`), which the default theme's search box reads; Zola's index settings do not apply to it";
pub(super) const SEARCH_HINT: &str =
    "remove it; dossier's index holds each page's title, description, terms and text";

const OLD_HIGHLIGHTING: &str = "it is Zola's name before 0.22, which reads `[markdown.highlighting]` instead";
const HIGHLIGHTING_HINT: &str = "write `[markdown.highlighting]` with `theme = \"…\"` (or `light_theme` and `dark_theme`), or `enabled = false`";
const OWN_GRAMMARS: &str =
    "dossier highlights with its own grammars and themes (syntect's, two-face's) and loads no others";
const OWN_GRAMMARS_HINT: &str = "remove it: code in a language dossier does not know is shown unhighlighted";

/// Every Zola key dossier accepts without acting on it: the one list of them.
/// `take_zola_only` takes each out of the document, where it is written, before the rest
/// is read into `RawConfig`, so none needs a field of its own and a warning always names
/// the key that was found and says why.
pub(super) const ZOLA_ONLY: &[ZolaOnly] = &[
    ZolaOnly {
        table: &[],
        key: "search",
        why: SEARCH_WHY,
        hint: SEARCH_HINT,
    },
    ZolaOnly {
        table: &[],
        key: "highlight_code",
        why: OLD_HIGHLIGHTING,
        hint: HIGHLIGHTING_HINT,
    },
    ZolaOnly {
        table: &[],
        key: "highlight_theme",
        why: OLD_HIGHLIGHTING,
        hint: HIGHLIGHTING_HINT,
    },
    ZolaOnly {
        table: &[],
        key: "mode",
        why: "the command sets it (`build`, `serve` or `check`), not the file",
        hint: "remove it",
    },
    ZolaOnly {
        table: &["markdown"],
        key: "highlight_code",
        why: OLD_HIGHLIGHTING,
        hint: HIGHLIGHTING_HINT,
    },
    ZolaOnly {
        table: &["markdown"],
        key: "highlight_theme",
        why: OLD_HIGHLIGHTING,
        hint: HIGHLIGHTING_HINT,
    },
    ZolaOnly {
        table: &["markdown"],
        key: "highlight_themes_css",
        why: "dossier always writes `syntax.css` (the light and dark colours in one), `syntax-light.css` and `syntax-dark.css`",
        hint: "remove it, and link one of those from your templates",
    },
    ZolaOnly {
        table: &["markdown"],
        key: "extra_syntaxes_and_themes",
        why: OWN_GRAMMARS,
        hint: OWN_GRAMMARS_HINT,
    },
    ZolaOnly {
        table: &["markdown", "highlighting"],
        key: "extra_grammars",
        why: OWN_GRAMMARS,
        hint: OWN_GRAMMARS_HINT,
    },
    ZolaOnly {
        table: &["markdown", "highlighting"],
        key: "extra_themes",
        why: OWN_GRAMMARS,
        hint: OWN_GRAMMARS_HINT,
    },
    ZolaOnly {
        table: &["markdown", "highlighting"],
        key: "data_attr_position",
        why: "dossier always writes a code block's language as `data-lang` on `<pre>` and a `language-…` class on `<code>`",
        hint: "remove it",
    },
];

/// The Zola-only keys of one table (`&[]` for the top level), in the table's order.
fn zola_only_in(table: &[&str]) -> impl Iterator<Item = &'static str> {
    ZOLA_ONLY.iter().filter(move |z| z.table == table).map(|z| z.key)
}

/// A Zola-only key found in config.toml.
pub(super) struct ZolaKey {
    pub(super) known: &'static ZolaOnly,
    /// Where the key is written.
    pub(super) span: Range<usize>,
}

impl ZolaKey {
    /// `mode`, `markdown.highlighting.extra_grammars`.
    pub(super) fn name(&self) -> String {
        self.known
            .table
            .iter()
            .chain([&self.known.key])
            .copied()
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// Takes every Zola-only key out of `doc`, in `ZOLA_ONLY`'s order.
pub(super) fn take_zola_only(doc: &mut DeTable) -> Vec<ZolaKey> {
    let mut found = Vec::new();
    for known in ZOLA_ONLY {
        let Some(current) = table_at(doc, known.table) else {
            continue;
        };
        let Some(written) = current.keys().find(|k| k.get_ref() == known.key).cloned() else {
            continue;
        };
        // Keys compare by name, not by where they are written.
        current.remove(&written);
        found.push(ZolaKey {
            known,
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

/// The top-level key whose value holds the byte `offset` of the file, for an error the
/// parser placed in a value.
pub(super) fn top_level_key_at<'t>(doc: &'t DeTable<'_>, offset: usize) -> Option<&'t str> {
    doc.iter()
        .find(|(_, value)| value.span().contains(&offset))
        .map(|(key, _)| key.get_ref().as_ref())
}

/// What a key takes, for an error about a value of the wrong type: the keys Zola's sites
/// set most often (the rest get the parser's "expected …").
pub(super) fn value_hint(key: &str) -> Option<String> {
    let hint = match key {
        "minify_html" => "`minify_html` is `true` (minify every HTML page) or `false`",
        "hard_link_static" => {
            "`hard_link_static` is `true` (hard-link static files into the output) or `false`"
        }
        "preserve_dotfiles_in_output" => {
            "`preserve_dotfiles_in_output` is `true` (keep `.git` and other dotfiles at the top of the output folder, the default) or `false`"
        }
        "exclude_paginated_pages_in_sitemap" => {
            "`exclude_paginated_pages_in_sitemap` is \"none\" (the sitemap lists every pager page) or \"all\""
        }
        "generate_feed" | "generate_feeds" => "write `generate_feeds = true` or `false`",
        "feed_filename" | "feed_filenames" => {
            "write `feed_filenames = [\"atom.xml\"]` (or `\"rss.xml\"`, or both)"
        }
        _ => return None,
    };
    Some(hint.to_owned())
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
