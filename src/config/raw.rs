//! config.toml as written: serde structs that refuse unknown keys. Zola-only keys are
//! taken out of the document before it is read into these (`keys::take_zola_only`).

use serde::Deserialize;

use super::{AnchorLinks, FeedContent, RelatedConfig, SourcesConfig, TimelineConfig};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) base_url: Option<String>,
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) default_language: Option<String>,
    pub(super) theme: Option<String>,
    pub(super) output_dir: Option<String>,
    pub(super) author: Option<String>,
    #[serde(default)]
    pub(super) taxonomies: Vec<RawTaxonomy>,
    /// Zola 0.23: a folder every taxonomy's pages go under (`blog` → `/blog/tags/`).
    pub(super) taxonomy_root: Option<String>,
    pub(super) markdown: Option<RawMarkdown>,
    #[serde(default)]
    pub(super) related: RelatedConfig,
    #[serde(default)]
    pub(super) timeline: TimelineConfig,
    #[serde(default)]
    pub(super) sources: SourcesConfig,
    #[serde(default)]
    pub(super) extra: toml::Table,
    pub(super) cname: Option<String>,
    pub(super) generate_feeds: Option<bool>,
    pub(super) feed_filenames: Option<Vec<String>>,
    pub(super) feed_content: Option<FeedContent>,
    pub(super) generate_sitemap: Option<bool>,
    pub(super) generate_robots_txt: Option<bool>,
    pub(super) disable_pages: Option<Vec<super::OwnPage>>,
    pub(super) feed_limit: Option<usize>,
    pub(super) build_search_index: Option<bool>,
    pub(super) compile_sass: Option<bool>,
    pub(super) link_checker: Option<RawLinkChecker>,
    /// Zola 0.23: content paths whose bodies are not templated.
    pub(super) skip_content_templating: Option<Vec<String>>,
    /// Globs of files under content/ and static/ that are not part of the site.
    pub(super) ignored_content: Option<Vec<String>>,
    pub(super) ignored_static: Option<Vec<String>>,
    pub(super) slugify: Option<super::Slugify>,
    /// Zola's output settings: HTML minified, static files hard-linked, dotfiles at the
    /// top of the output folder kept, pager pages left out of the sitemap.
    pub(super) minify_html: Option<bool>,
    pub(super) hard_link_static: Option<bool>,
    pub(super) preserve_dotfiles_in_output: Option<bool>,
    pub(super) exclude_paginated_pages_in_sitemap: Option<PagersInSitemap>,
    /// Zola's names before 0.19 for `generate_feeds` and `feed_filenames`.
    pub(super) generate_feed: Option<bool>,
    pub(super) feed_filename: Option<String>,
    /// Languages other than the default, by code (Zola's `[languages.xx]`).
    #[serde(default)]
    pub(super) languages: std::collections::BTreeMap<String, RawLanguage>,
    /// The default language's strings for `trans` (Zola's top-level `[translations]`).
    #[serde(default)]
    pub(super) translations: std::collections::BTreeMap<String, String>,
}

/// Zola's `exclude_paginated_pages_in_sitemap`: which pager pages (`/blog/page/2/`) the
/// sitemap leaves out.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(super) enum PagersInSitemap {
    None,
    All,
}

/// One `[languages.xx]` table, with Zola's keys.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLanguage {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) generate_feeds: Option<bool>,
    pub(super) feed_filenames: Option<Vec<String>>,
    pub(super) build_search_index: Option<bool>,
    pub(super) taxonomies: Option<Vec<RawTaxonomy>>,
    /// Zola's search settings for the language; dossier's search has none (a warning).
    pub(super) search: Option<toml::Value>,
    #[serde(default)]
    pub(super) translations: std::collections::BTreeMap<String, String>,
}

/// Zola's `[link_checker]`. dossier checks internal links as it builds and fetches no
/// external ones, so `internal_level` is the key it reads; the others are accepted so a
/// Zola site's config reads unchanged.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLinkChecker {
    pub(super) internal_level: Option<LinkLevel>,
    #[allow(dead_code)]
    pub(super) external_level: Option<LinkLevel>,
    #[allow(dead_code)]
    #[serde(default)]
    pub(super) skip_prefixes: Vec<String>,
    #[allow(dead_code)]
    #[serde(default)]
    pub(super) skip_anchor_prefixes: Vec<String>,
    /// Zola 0.23: files whose external links are not checked; dossier checks none.
    #[allow(dead_code)]
    #[serde(default)]
    pub(super) ignored_files: Vec<String>,
}

/// `"error"` or `"warn"`, as Zola writes a link checker's level.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(super) enum LinkLevel {
    Error,
    Warn,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTaxonomy {
    pub(super) name: String,
    /// Zola 0.23 reads it and then makes it from the name: a warning when it differs.
    pub(super) slug: Option<String>,
    pub(super) paginate_by: Option<usize>,
    pub(super) paginate_path: Option<String>,
    #[serde(default)]
    pub(super) feed: bool,
    pub(super) render: Option<bool>,
    #[allow(dead_code)]
    pub(super) lang: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMarkdown {
    pub(super) highlighting: Option<RawHighlighting>,
    pub(super) smart_punctuation: Option<bool>,
    pub(super) insert_anchor_links: Option<AnchorLinks>,
    #[serde(default)]
    pub(super) external_links_target_blank: bool,
    #[serde(default)]
    pub(super) external_links_no_follow: bool,
    #[serde(default)]
    pub(super) external_links_no_referrer: bool,
    pub(super) external_links_class: Option<String>,
    pub(super) external_links_external: Option<bool>,
    /// Zola's `definition_list`: `Term` then `: definition` lines make a `<dl>`.
    pub(super) definition_list: Option<bool>,
    /// Zola's `render_emoji`: `:smile:` in text becomes 😄.
    pub(super) render_emoji: Option<bool>,
    /// Zola settings for what dossier always does: callouts from `> [!NOTE]`, footnotes
    /// at the end, images loaded lazily. `false` is a warning.
    pub(super) github_alerts: Option<bool>,
    pub(super) bottom_footnotes: Option<bool>,
    pub(super) lazy_async_image: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHighlighting {
    #[serde(default = "yes")]
    pub(super) enabled: bool,
    pub(super) theme: Option<String>,
    pub(super) light_theme: Option<String>,
    pub(super) dark_theme: Option<String>,
    /// Zola's "class" or "inline"; dossier always writes classes.
    pub(super) style: Option<String>,
    pub(super) error_on_missing_language: Option<bool>,
}

pub(super) fn yes() -> bool {
    true
}
