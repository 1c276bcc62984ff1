//! `config.toml`: what the file says (`RawConfig`) and what the build uses (`Config`).
//!
//! Key names follow Zola's where the features overlap, so a Zola site's config reads here.
//! Keys Zola documents that dossier does not act on are warnings saying why (`keys`);
//! anything else unknown is an error with a suggestion. Every problem is placed where the
//! TOML parser found its key (`crate::spans::key_span`).

mod keys;
mod languages;
mod raw;
#[cfg(test)]
mod span_tests;
mod toml_errors;
mod urls;

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, Diagnostics, Location, Severity};
use crate::spans::key_span;
use keys::{config_candidates, take_zola_only, top_level_key_at, value_hint};
pub(crate) use languages::Language;
use raw::RawConfig;
pub(crate) use toml_errors::{toml_error, toml_error_at, unknown_field};
pub(crate) use urls::{base_path_of, origin_of};
use urls::{check_base_url, check_cname};
// Temporary: render/ imports `key_location` from here until it is changed to
// `crate::spans` after the render split lands.

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TaxonomyConfig {
    pub name: String,
    pub paginate_by: Option<usize>,
    pub paginate_path: String,
    pub feed: bool,
    pub render: bool,
}

/// What a feed entry carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FeedContent {
    /// The summary (the text before `<!-- more -->`) where there is one, else everything.
    #[default]
    Summary,
    /// The whole analysis.
    Full,
}

/// A feed's format, named by its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeedFormat {
    Atom,
    Rss,
}

impl FeedFormat {
    pub(crate) fn from_file_name(name: &str) -> Option<FeedFormat> {
        match name {
            "atom.xml" => Some(FeedFormat::Atom),
            "rss.xml" => Some(FeedFormat::Rss),
            _ => None,
        }
    }

    pub(crate) fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Rss => "rss.xml",
        }
    }

    pub(crate) fn media_type(self) -> &'static str {
        match self {
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Rss => "application/rss+xml",
        }
    }
}

/// One of the pages dossier makes of its own (beyond the content's), which
/// `disable_pages` can leave out, as Hugo's `disableKinds` leaves out kinds of page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum OwnPage {
    /// `/timeline/`, its year pages, each term's timeline, `timeline.json` and
    /// `timeline.ics`.
    Timeline,
    /// `/archive/` and its year and month pages.
    Archive,
    /// `/graph/` and `graph.json`.
    Graph,
    /// `/judgments/`.
    Judgments,
    /// `/watch/`.
    Watch,
    /// `/sources/`.
    Sources,
}

impl OwnPage {
    /// The template the page is made with.
    pub(crate) fn template(self) -> &'static str {
        match self {
            OwnPage::Timeline => "timeline.html",
            OwnPage::Archive => "archive.html",
            OwnPage::Graph => "graph.html",
            OwnPage::Judgments => "judgments.html",
            OwnPage::Watch => "watch.html",
            OwnPage::Sources => "sources.html",
        }
    }
}

impl Config {
    /// Whether the site has `page`: not named in `disable_pages`.
    pub(crate) fn makes(&self, page: OwnPage) -> bool {
        !self.disable_pages.contains(&page)
    }

    /// The feed formats to write, in `feed_filenames` order.
    pub(crate) fn feed_formats(&self) -> Vec<FeedFormat> {
        self.feed_filenames
            .iter()
            .filter_map(|n| FeedFormat::from_file_name(n))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum AnchorLinks {
    None,
    Left,
    Right,
    Heading,
}

/// A named stretch of time, shown as a band on the timeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Era {
    pub name: String,
    pub start: crate::dates::EventDate,
    pub end: crate::dates::EventDate,
}

/// `[timeline]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct TimelineConfig {
    #[serde(default)]
    pub eras: Vec<Era>,
    /// The date that separates past events from "Upcoming" ones. Defaults to the day of
    /// the build; set it (or SOURCE_DATE_EPOCH) for reproducible output.
    pub today: Option<crate::dates::EventDate>,
    /// A timeline with more past events than this gets a page per year (0: never). One
    /// page of 10,000 events is 7 MB of HTML, more than a phone should download.
    pub year_pages_above: usize,
}

impl Default for TimelineConfig {
    fn default() -> TimelineConfig {
        TimelineConfig {
            eras: Vec::new(),
            today: None,
            year_pages_above: 500,
        }
    }
}

/// `[sources]`: the bibliography `[@key]` citations refer to.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct SourcesConfig {
    /// A file under `content/`: Hayagriva YAML (`.yml`, `.yaml`) or BibTeX (`.bib`).
    pub bibliography: Option<String>,
    /// A CSL style Hayagriva bundles, by name (default `chicago-author-date`).
    pub style: Option<String>,
}

/// `[related]`: how related analyses are scored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RelatedConfig {
    /// How many related pages each page gets.
    pub limit: usize,
    /// What a link between two pages (either way) adds to their score.
    pub links: f32,
    /// Weight of a shared term, by taxonomy name; taxonomies not named weigh 1.
    pub taxonomies: std::collections::BTreeMap<String, f32>,
    /// Terms on more than this share of all pages are ignored.
    pub max_share: f32,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig {
            limit: 5,
            links: 2.0,
            taxonomies: Default::default(),
            max_share: 0.5,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MarkdownConfig {
    pub highlight_code: bool,
    pub light_theme: String,
    pub dark_theme: String,
    pub smart_punctuation: bool,
    pub insert_anchor_links: AnchorLinks,
    pub external_links_target_blank: bool,
    pub external_links_no_follow: bool,
    pub external_links_no_referrer: bool,
    /// A class for external links (Zola's `external_links_class`).
    pub external_links_class: Option<String>,
    /// `rel="external"` on external links; on unless turned off, as in Zola.
    pub external_links_external: bool,
    /// Definition lists (`Term` then `: definition`); off unless turned on, as in Zola.
    pub definition_list: bool,
    /// GitHub's `:shortcode:`s become emoji (Zola's `render_emoji`, off by default).
    pub render_emoji: bool,
    /// How headings' ids are made (`slugify.anchors`).
    #[serde(skip)]
    pub anchor_slugs: crate::slugs::Strategy,
}

/// The site configuration the build uses.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Config {
    /// What a link to a missing page, heading or draft is: an error unless
    /// `[link_checker] internal_level = "warn"` (Zola's key) or `--links warn`.
    #[serde(skip)]
    pub link_severity: Severity,
    /// What a broken relative `.md` link or `#fragment` link is, and a shortcode call
    /// whose arguments cannot be read. Zola does not check the links and writes such a
    /// call as text, so a site moved over may hold many: warnings for `build` and
    /// `serve`, as strict as `link_severity` for `dossier check` or with `--links`.
    #[serde(skip)]
    pub relative_link_severity: Severity,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/` (`/repo/` for a project site).
    pub base_path: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub default_language: String,
    pub theme: Option<String>,
    pub output_dir: String,
    pub author: Option<String>,
    /// The most entries a feed holds: 50 unless set; `feed_limit = 0` keeps all (Zola's
    /// default). Feed readers poll for new entries; a 700-entry feed per term costs
    /// megabytes on every build and every poll.
    pub feed_limit: Option<usize>,
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Zola's `taxonomy_root`: the folder taxonomies' URLs start with (`blog/`), after a
    /// language's prefix; empty when unset.
    pub taxonomy_root: String,
    pub markdown: MarkdownConfig,
    pub related: RelatedConfig,
    pub timeline: TimelineConfig,
    pub sources: SourcesConfig,
    pub extra: serde_json::Value,
    /// The custom domain written to `CNAME` for GitHub Pages, if any.
    pub cname: Option<String>,
    /// A feed of the whole site (default true).
    pub generate_feeds: bool,
    /// Which feeds to write: `atom.xml`, `rss.xml` or both (default `atom.xml`).
    pub feed_filenames: Vec<String>,
    pub feed_content: FeedContent,
    pub generate_sitemap: bool,
    pub generate_robots_txt: bool,
    /// dossier's own pages the site goes without (default none).
    pub disable_pages: Vec<OwnPage>,
    /// The search index under `search/` and the theme's search box (default true).
    pub build_search_index: bool,
    /// Whether the site's own `sass/` is compiled (Zola's key; a theme's always is).
    pub compile_sass: bool,
    /// Every language of the site, the default first (its settings are the top-level
    /// keys above), then the others by code. Templates see them as Zola's `languages`
    /// map, made per language by render.
    #[serde(skip)]
    pub languages: Vec<Language>,
    /// The file this was read from.
    #[serde(skip)]
    pub file: ConfigFile,
    /// Whether content is a Tera template, as in Zola 0.23 (a `zola.toml`, or
    /// `skip_content_templating` set): then a body with `{{` or `{%` is rendered with the
    /// site's templates (functions, components) before its Markdown is read, and there are
    /// no shortcodes. Otherwise calls are Zola 0.22's shortcodes.
    #[serde(skip)]
    pub content_templating: bool,
    /// Content paths (globs, `blog/raw/*.md`) whose bodies are not templated.
    #[serde(skip)]
    pub skip_content_templating: globset::GlobSet,
    /// Files under content/ (`ignored_content`) and the site's static/
    /// (`ignored_static`) left out of the site, as Zola leaves them (see
    /// `load::is_ignored_by`).
    /// Zola's `[slugify]`.
    #[serde(skip)]
    pub slugify: Slugify,
    #[serde(skip)]
    pub ignored_content: globset::GlobSet,
    #[serde(skip)]
    pub ignored_static: globset::GlobSet,
    /// Zola's `minify_html`: every HTML output render makes (pages, lists, dossier's own
    /// pages, redirects; not static files, which are copied as they are) is minified.
    #[serde(skip)]
    pub minify_html: bool,
    /// Zola's `hard_link_static`: files copied from the site (static files, a bundle's
    /// files) are hard links to their sources where the file system allows, else copies.
    #[serde(skip)]
    pub hard_link_static: bool,
    /// Zola's `preserve_dotfiles_in_output`: files and folders starting with `.` at the
    /// top of the output folder survive a build. On unless set to false (Zola's default
    /// is off), as dossier has always kept them: a deploy checkout's `.git` is not lost.
    #[serde(skip)]
    pub preserve_dotfiles_in_output: bool,
    /// The sitemap lists the pages of a paginated list after the first (Zola's
    /// `exclude_paginated_pages_in_sitemap = "none"`, the default).
    #[serde(skip)]
    pub sitemap_pagers: bool,
}

/// Zola's `[slugify]`: how file names, terms and headings become URLs and ids.
#[derive(Deserialize, Clone, Copy, Default, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Slugify {
    pub(crate) paths: crate::slugs::Strategy,
    /// Keep a file name's `YYYY-MM-DD-` in its page's slug.
    pub(crate) paths_keep_dates: bool,
    pub(crate) taxonomies: crate::slugs::Strategy,
    pub(crate) anchors: crate::slugs::Strategy,
}

/// Which file holds a site's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum ConfigFile {
    #[default]
    Config,
    /// `zola.toml`, Zola 0.23's name, read first when there is one, as Zola does.
    Zola,
}

impl ConfigFile {
    pub(crate) fn of(root: &Path) -> ConfigFile {
        if root.join("zola.toml").is_file() {
            ConfigFile::Zola
        } else {
            ConfigFile::Config
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            ConfigFile::Config => "config.toml",
            ConfigFile::Zola => "zola.toml",
        }
    }
}

/// What can override the file from the command line.
#[derive(Debug, Default, Clone)]
pub(crate) struct Overrides {
    pub base_url: Option<String>,
    pub output_dir: Option<String>,
    /// `--links`: what a broken internal link is, over `[link_checker] internal_level`.
    pub link_severity: Option<Severity>,
    /// `dossier check`: relative `.md` links and `#fragment` links are checked as
    /// strictly as `@/` links (a build makes them warnings).
    pub strict_relative_links: bool,
}

pub(crate) const DEFAULT_FEED_LIMIT: usize = 50;
pub(crate) const DEFAULT_LIGHT_THEME: &str = "InspiredGitHub";
pub(crate) const DEFAULT_DARK_THEME: &str = "base16-ocean.dark";

impl Config {
    /// Reads the configuration in `root`: `zola.toml` (Zola 0.23's name) if there is one,
    /// else `config.toml`. Errors and warnings are returned as diagnostics.
    pub(crate) fn load(root: &Path, overrides: &Overrides) -> (Option<Config>, Diagnostics) {
        let file = ConfigFile::of(root);
        let name = file.name();
        let text = match std::fs::read_to_string(root.join(name)) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let mut d = Diagnostics::new();
                d.push(
                    Diagnostic::error(format!("no config.toml in {}", display_dir(root)))
                        .in_file(name)
                        .hint("run `dossier init DIR` to make a new site, or pass `--root DIR` to build a site elsewhere"),
                );
                return (None, d);
            }
            Err(err) => {
                let mut d = Diagnostics::new();
                d.push(Diagnostic::error(format!("cannot read {name}: {err}")).in_file(name));
                return (None, d);
            }
        };
        let (config, mut diags) = Config::parse_file(&text, file, overrides);
        if file == ConfigFile::Zola && root.join("config.toml").is_file() {
            diags.push(
                Diagnostic::warning(
                    "config.toml is ignored: the site has a zola.toml, which is read instead",
                )
                .in_file("config.toml")
                .hint("keep one of them; zola.toml is Zola 0.23's name, read first as Zola does"),
            );
        }
        (config, diags)
    }

    /// Parses the text of `config.toml`.
    #[cfg(test)]
    pub(crate) fn parse(text: &str, overrides: &Overrides) -> (Option<Config>, Diagnostics) {
        Config::parse_file(text, ConfigFile::Config, overrides)
    }

    /// Parses the text of the configuration file `file`.
    fn parse_file(text: &str, file: ConfigFile, overrides: &Overrides) -> (Option<Config>, Diagnostics) {
        let name = file.name();
        let mut diags = Diagnostics::new();
        let unreadable = |err: toml::de::Error| toml_error(name, text, &err, &config_candidates(&err));
        let mut doc = match DeTable::parse(text) {
            Ok(doc) => doc,
            Err(err) => {
                diags.push(unreadable(err));
                return (None, diags);
            }
        };
        let zola = take_zola_only(doc.get_mut());
        // Kept for the locations of problems found in the values below.
        let table = doc.get_ref().clone();
        let raw = match RawConfig::deserialize(toml::de::Deserializer::from(doc)) {
            Ok(raw) => raw,
            Err(err) => {
                let hint = err
                    .span()
                    .and_then(|span| top_level_key_at(&table, span.start))
                    .and_then(value_hint);
                diags.push(unreadable(err).maybe_hint(hint));
                return (None, diags);
            }
        };
        let at = |keys: &[&str]| match key_span(&table, keys) {
            Some(span) => Location::at_offset(name, text, span.start),
            None => Location::file(name),
        };
        // Every table's, `[markdown.highlighting]`'s too, whether or not the rest of the
        // table is read.
        for found in &zola {
            diags.push(
                Diagnostic::warning(format!("`{}` is ignored: {}", found.name(), found.known.why))
                    .at(Location::at_offset(name, text, found.span.start))
                    .hint(found.known.hint),
            );
        }

        let from_flag = overrides.base_url.is_some();
        let base_url = match overrides.base_url.clone().or(raw.base_url) {
            Some(url) => {
                if let Err(problem) = check_base_url(&url) {
                    let d = Diagnostic::error(format!("`base_url` {problem}: `{url}`")).hint(
                        "write the address the site is published at, such as \
                         \"https://user.github.io/repo/\" or \"https://example.org/\"",
                    );
                    diags.push(if from_flag {
                        d.in_file("--base-url")
                    } else {
                        d.at(at(&["base_url"]))
                    });
                }
                url
            }
            None => {
                diags.push(
                    Diagnostic::error(format!("{name} has no `base_url`"))
                        .in_file(name)
                        .hint("add the address the site is published at, such as base_url = \"https://user.github.io/repo/\""),
                );
                "/".to_owned()
            }
        };
        if let Some(cname) = &raw.cname
            && let Err(problem) = check_cname(cname)
        {
            diags.push(
                Diagnostic::error(format!("`cname` {problem}: `{cname}`"))
                    .at(at(&["cname"]))
                    .hint("write the bare domain GitHub Pages serves the site at, such as cname = \"analysis.example.org\""),
            );
        }
        check_related(&raw.related, &at, &mut diags);
        let generate_feeds = renamed(
            raw.generate_feeds,
            raw.generate_feed,
            ("generate_feed", "generate_feeds"),
            &at,
            &mut diags,
        );
        let feed_files_key = match raw.feed_filenames {
            None if raw.feed_filename.is_some() => "feed_filename",
            _ => "feed_filenames",
        };
        let feed_filenames = renamed(
            raw.feed_filenames,
            raw.feed_filename.map(|name| vec![name]),
            ("feed_filename", "feed_filenames"),
            &at,
            &mut diags,
        );
        let feed_filenames_set = feed_filenames.is_some();
        let feed_filenames = feed_filenames.unwrap_or_else(|| vec![FeedFormat::Atom.file_name().to_owned()]);
        for name in &feed_filenames {
            if FeedFormat::from_file_name(name).is_none() {
                diags.push(
                    Diagnostic::error(format!("unknown feed file `{name}` in `{feed_files_key}`"))
                        .at(at(&[feed_files_key]))
                        .hint("dossier writes `atom.xml` (Atom) and `rss.xml` (RSS 2.0); list one or both"),
                );
            }
        }
        let taxonomy_root = match raw.taxonomy_root.as_deref().map(|r| r.trim_matches('/')) {
            None | Some("") => String::new(),
            Some(root) => {
                match crate::output_path::check_url_folder(root) {
                    Ok(()) => format!("{root}/"),
                    Err(why) => {
                        diags.push(
                        Diagnostic::error(format!("the `taxonomy_root` `{root}` {}", why.reason()))
                            .at(at(&["taxonomy_root"]))
                            .hint("name a folder of the site, such as taxonomy_root = \"blog\" for /blog/tags/"),
                    );
                        String::new()
                    }
                }
            }
        };
        let base_url = if base_url.ends_with('/') {
            base_url
        } else {
            format!("{base_url}/")
        };
        let base_path = base_path_of(&base_url);

        let check_taxonomies = |list: Vec<raw::RawTaxonomy>, table: &[&str], diags: &mut Diagnostics| {
            taxonomies(list, table, &at, diags)
        };
        let top_taxonomies = check_taxonomies(raw.taxonomies, &["taxonomies"], &mut diags);
        let languages = languages::read(
            languages::DefaultLanguage {
                code: raw.default_language.unwrap_or_else(|| "en".to_owned()),
                title: raw.title,
                description: raw.description,
                generate_feeds,
                feed_filenames: feed_filenames_set.then_some(feed_filenames),
                build_search_index: raw.build_search_index,
                taxonomies: Some(top_taxonomies),
                translations: raw.translations,
            },
            raw.languages,
            &at,
            &check_taxonomies,
            &mut diags,
        );
        // The top-level keys are the default language's, merged with its own table if any.
        let default = &languages[0];

        let markdown = match raw.markdown {
            Some(md) => {
                let hl = md.highlighting;
                let single = hl.as_ref().and_then(|h| h.theme.clone());
                if let Some(style) = hl.as_ref().and_then(|h| h.style.as_deref())
                    && style != "class"
                {
                    diags.push(
                        Diagnostic::warning(format!(
                            "`markdown.highlighting.style = \"{style}\"`: dossier always highlights with CSS classes"
                        ))
                        .at(at(&["markdown", "highlighting", "style"])),
                    );
                }
                if hl.as_ref().and_then(|h| h.error_on_missing_language).is_some() {
                    diags.push(
                        Diagnostic::warning(
                            "`markdown.highlighting.error_on_missing_language` is not implemented: unknown languages render as plain code",
                        )
                        .at(at(&["markdown", "highlighting", "error_on_missing_language"])),
                    );
                }
                for (key, set, what) in [
                    (
                        "github_alerts",
                        md.github_alerts,
                        "renders `> [!NOTE]` and its kin as callouts",
                    ),
                    (
                        "bottom_footnotes",
                        md.bottom_footnotes,
                        "puts footnotes at the end of the page",
                    ),
                    (
                        "lazy_async_image",
                        md.lazy_async_image,
                        "loads images lazily and decodes them asynchronously",
                    ),
                ] {
                    if set == Some(false) {
                        diags.push(
                            Diagnostic::warning(format!(
                                "`markdown.{key} = false` is ignored: dossier always {what}"
                            ))
                            .at(at(&["markdown", key])),
                        );
                    }
                }
                MarkdownConfig {
                    highlight_code: hl.as_ref().is_none_or(|h| h.enabled),
                    light_theme: hl
                        .as_ref()
                        .and_then(|h| h.light_theme.clone())
                        .or_else(|| single.clone())
                        .unwrap_or_else(|| DEFAULT_LIGHT_THEME.to_owned()),
                    dark_theme: hl
                        .as_ref()
                        .and_then(|h| h.dark_theme.clone())
                        .or(single)
                        .unwrap_or_else(|| DEFAULT_DARK_THEME.to_owned()),
                    smart_punctuation: md.smart_punctuation.unwrap_or(true),
                    insert_anchor_links: md.insert_anchor_links.unwrap_or(AnchorLinks::Right),
                    external_links_target_blank: md.external_links_target_blank,
                    external_links_no_follow: md.external_links_no_follow,
                    external_links_no_referrer: md.external_links_no_referrer,
                    external_links_class: md.external_links_class.filter(|c| !c.trim().is_empty()),
                    external_links_external: md.external_links_external.unwrap_or(true),
                    definition_list: md.definition_list.unwrap_or(false),
                    render_emoji: md.render_emoji.unwrap_or(false),
                    anchor_slugs: crate::slugs::Strategy::On,
                }
            }
            None => MarkdownConfig::default(),
        };

        let mut globs = |key: &str, patterns: Option<&Vec<String>>, hint: &str| {
            glob_set(key, patterns.map_or(&[][..], Vec::as_slice), &mut |e| {
                diags.push(e.at(at(&[key])).hint(hint.to_owned()));
            })
        };
        let skip_content_templating = globs(
            "skip_content_templating",
            raw.skip_content_templating.as_ref(),
            "globs match content paths such as `blog/*.md` or `docs/**/*.md`",
        );
        let ignored_content = globs(
            "ignored_content",
            raw.ignored_content.as_ref(),
            "globs match paths under content/, such as `drafts/**` or `*.xlsx`",
        );
        let ignored_static = globs(
            "ignored_static",
            raw.ignored_static.as_ref(),
            "globs match paths under static/, such as `raw/**` or `*.psd`",
        );
        let link_severity = overrides.link_severity.unwrap_or(
            match raw.link_checker.as_ref().and_then(|l| l.internal_level) {
                Some(raw::LinkLevel::Warn) => Severity::Warning,
                Some(raw::LinkLevel::Error) | None => Severity::Error,
            },
        );
        let extra = serde_json::to_value(&raw.extra).unwrap_or(serde_json::Value::Null);
        let config = Config {
            base_url,
            base_path,
            title: default.title.clone(),
            description: default.description.clone(),
            default_language: default.code.clone(),
            theme: raw.theme.filter(|t| !t.is_empty()),
            output_dir: overrides
                .output_dir
                .clone()
                .or(raw.output_dir)
                .unwrap_or_else(|| "public".to_owned()),
            author: raw.author,
            feed_limit: match raw.feed_limit {
                None => Some(DEFAULT_FEED_LIMIT),
                Some(0) => None,
                Some(n) => Some(n),
            },
            taxonomies: default.taxonomies.clone(),
            taxonomy_root,
            markdown: MarkdownConfig {
                anchor_slugs: raw.slugify.unwrap_or_default().anchors,
                ..markdown
            },
            related: raw.related,
            timeline: raw.timeline,
            sources: raw.sources,
            extra,
            cname: raw.cname,
            generate_feeds: default.generate_feeds,
            feed_filenames: default.feed_filenames.clone(),
            feed_content: raw.feed_content.unwrap_or_default(),
            generate_sitemap: raw.generate_sitemap.unwrap_or(true),
            generate_robots_txt: raw.generate_robots_txt.unwrap_or(true),
            disable_pages: {
                // Each at most once, however long the list: it is asked per page and event.
                let mut pages = raw.disable_pages.unwrap_or_default();
                pages.sort_unstable();
                pages.dedup();
                pages
            },
            build_search_index: default.build_search_index,
            compile_sass: raw.compile_sass.unwrap_or(false),
            languages: languages.clone(),
            file,
            content_templating: file == ConfigFile::Zola || raw.skip_content_templating.is_some(),
            skip_content_templating,
            ignored_content,
            ignored_static,
            slugify: raw.slugify.unwrap_or_default(),
            minify_html: raw.minify_html.unwrap_or(false),
            hard_link_static: raw.hard_link_static.unwrap_or(false),
            preserve_dotfiles_in_output: raw.preserve_dotfiles_in_output.unwrap_or(true),
            sitemap_pagers: raw.exclude_paginated_pages_in_sitemap != Some(raw::PagersInSitemap::All),
            link_severity,
            relative_link_severity: match overrides.link_severity {
                Some(flag) => flag,
                None if overrides.strict_relative_links => link_severity,
                None => Severity::Warning,
            },
        };
        let ok = !diags.has_errors();
        (ok.then_some(config), diags)
    }

    /// The absolute URL of a site path such as `/security/kursk/`.
    pub(crate) fn permalink(&self, site_path: &str) -> String {
        let root = self.base_url.trim_end_matches('/');
        let tail = site_path
            .strip_prefix(self.base_path.trim_end_matches('/'))
            .unwrap_or(site_path);
        format!("{root}{tail}")
    }

    /// The URL path, under the base path, of a site-relative path such as `security/kursk/`.
    pub(crate) fn url_path(&self, relative: &str) -> String {
        format!("{}{}", self.base_path, relative.trim_start_matches('/'))
    }
}

/// Checks that `[related]`'s weights and share are numbers of 0 or more: TOML allows
/// `nan`, `inf` and negative numbers, which would make every score meaningless (scoring
/// orders pages by the scores' bits, which is their order only for such numbers).
fn check_related(related: &RelatedConfig, at: &impl Fn(&[&str]) -> Location, diags: &mut Diagnostics) {
    let mut check = |value: f32, keys: &[&str], hint: String| {
        if !(value.is_finite() && value >= 0.0) {
            diags.push(
                Diagnostic::error(format!(
                    "`related.{}` is {value}, not a number of 0 or more",
                    keys[1..].join(".")
                ))
                .at(at(keys))
                .hint(hint),
            );
        }
    };
    let weight = |example: &str| format!("write a weight such as {example}; 0 leaves it out of the score");
    check(related.links, &["related", "links"], weight("links = 2.0"));
    let share = "write the share of all pages above which a term is ignored, such as max_share = 0.5";
    check(related.max_share, &["related", "max_share"], share.to_owned());
    for (name, &value) in &related.taxonomies {
        check(
            value,
            &["related", "taxonomies", name],
            weight(&format!("{name} = 1.0")),
        );
    }
}

/// The checked entries of a list of taxonomies written at `table` (`["taxonomies"]`, or
/// `["languages", "fr", "taxonomies"]`); each problem is at its key.
fn taxonomies(
    list: Vec<raw::RawTaxonomy>,
    table: &[&str],
    at: &impl Fn(&[&str]) -> Location,
    diags: &mut Diagnostics,
) -> Vec<TaxonomyConfig> {
    let mut taxonomies: Vec<TaxonomyConfig> = Vec::new();
    for (i, t) in list.into_iter().enumerate() {
        let index = i.to_string();
        let key = |k: &str| {
            let mut keys = table.to_vec();
            keys.push(&index);
            keys.push(k);
            at(&keys)
        };
        let name_at = || key("name");
        if t.name.trim().is_empty() {
            diags.push(Diagnostic::error("a taxonomy has an empty name").at(name_at()));
            continue;
        }
        if taxonomies.iter().any(|o| o.name == t.name) {
            diags.push(
                Diagnostic::error(format!("the taxonomy `{}` is declared twice", t.name)).at(name_at()),
            );
            continue;
        }
        if let Some(slug) = &t.slug
            && *slug != crate::slugs::slugify(&t.name)
        {
            diags.push(
                Diagnostic::warning(format!(
                    "the taxonomy `{}` has the slug `{slug}`, but its URLs are made from its name, as Zola makes them: /{}/",
                    t.name,
                    crate::slugs::slugify(&t.name)
                ))
                .at(key("slug"))
                .hint("leave `slug` out, or rename the taxonomy"),
            );
        }
        if crate::slugs::slugify(&t.name).is_empty() {
            diags.push(
                Diagnostic::error(format!(
                    "the taxonomy name `{}` has no letters or digits to make a URL from",
                    t.name
                ))
                .at(name_at())
                .hint("a taxonomy's pages are at /<name>/: name it with letters, such as \"tags\""),
            );
            continue;
        }
        if let Some(p) = &t.paginate_path
            && let Err(why) = crate::output_path::check_url_folder(p)
        {
            diags.push(
                Diagnostic::error(format!(
                    "the taxonomy `{}` has a `paginate_path` `{p}` that {}",
                    t.name,
                    why.reason()
                ))
                .at(key("paginate_path"))
                .hint("a word such as \"page\" makes pager URLs like /tags/nato/page/2/"),
            );
            continue;
        }
        taxonomies.push(TaxonomyConfig {
            name: t.name,
            paginate_by: t.paginate_by.filter(|n| *n > 0),
            paginate_path: t.paginate_path.unwrap_or_else(|| "page".to_owned()),
            feed: t.feed,
            render: t.render.unwrap_or(true),
        });
    }
    taxonomies
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight_code: true,
            light_theme: DEFAULT_LIGHT_THEME.to_owned(),
            dark_theme: DEFAULT_DARK_THEME.to_owned(),
            smart_punctuation: true,
            insert_anchor_links: AnchorLinks::Right,
            external_links_target_blank: false,
            external_links_no_follow: false,
            external_links_no_referrer: false,
            external_links_class: None,
            external_links_external: true,
            definition_list: false,
            render_emoji: false,
            anchor_slugs: crate::slugs::Strategy::On,
        }
    }
}

/// A key under Zola's name before 0.19 (`generate_feed`, `feed_filename`), which Zola
/// 0.19 and later refuse: read as its new name unless that is set too, with a warning
/// either way.
fn renamed<T>(
    new: Option<T>,
    old: Option<T>,
    (old_name, new_name): (&str, &str),
    at: &impl Fn(&[&str]) -> Location,
    diags: &mut Diagnostics,
) -> Option<T> {
    let Some(old) = old else {
        return new;
    };
    let (message, hint) = if new.is_some() {
        (
            format!("`{old_name}` is ignored: `{new_name}`, its name since Zola 0.19, is set too"),
            format!("remove `{old_name}`"),
        )
    } else {
        (
            format!("`{old_name}` is Zola's name before 0.19 for `{new_name}`, and is read as that"),
            format!("rename it `{new_name}`: Zola 0.19 and later refuse the old name"),
        )
    };
    diags.push(Diagnostic::warning(message).at(at(&[old_name])).hint(hint));
    new.or(Some(old))
}

/// The globs of the list `key`, each bad one reported (as an error without a location)
/// through `bad` and left out.
fn glob_set(key: &str, patterns: &[String], bad: &mut dyn FnMut(Diagnostic)) -> globset::GlobSet {
    let mut globs = globset::GlobSetBuilder::new();
    for pattern in patterns {
        match globset::Glob::new(pattern) {
            Ok(glob) => {
                globs.add(glob);
            }
            Err(e) => bad(Diagnostic::error(format!(
                "`{key}` has a bad glob `{pattern}`: {}",
                e.kind()
            ))),
        }
    }
    globs.build().unwrap_or_default()
}

fn display_dir(root: &Path) -> String {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        "the current folder".to_owned()
    } else {
        root.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Config>, Diagnostics) {
        Config::parse(text, &Overrides::default())
    }

    #[test]
    fn base_path_comes_from_base_url() {
        assert_eq!(base_path_of("https://user.github.io/repo/"), "/repo/");
        assert_eq!(base_path_of("https://example.org"), "/");
        assert_eq!(base_path_of("/"), "/");
        let (c, _) = parse("base_url = \"https://u.github.io/repo\"");
        let c = c.unwrap();
        assert_eq!(c.base_url, "https://u.github.io/repo/");
        assert_eq!(c.permalink("/repo/a/"), "https://u.github.io/repo/a/");
        assert_eq!(c.url_path("a/"), "/repo/a/");
    }

    #[test]
    fn unknown_key_is_an_error_with_suggestion() {
        let (c, d) = parse("title = \"x\"\nbase_ur = \"https://a.org\"\n");
        assert!(c.is_none());
        let e = d.iter().next().unwrap();
        assert_eq!(e.location.as_ref().unwrap().line, Some(2));
        assert_eq!(e.hint.as_deref(), Some("did you mean `base_url`?"));
    }

    #[test]
    fn feeds_hold_fifty_entries_unless_told() {
        let with = |extra: &str| {
            parse(&format!("base_url = \"https://a.org/\"\n{extra}"))
                .0
                .unwrap()
        };
        assert_eq!(with("").feed_limit, Some(DEFAULT_FEED_LIMIT));
        assert_eq!(with("feed_limit = 0").feed_limit, None);
        assert_eq!(with("feed_limit = 3").feed_limit, Some(3));
    }

    #[test]
    fn base_url_must_be_an_absolute_http_url() {
        for bad in [
            "/",
            "example.org",
            "/repo/",
            "ftp://example.org/",
            "https:///repo/",
            "https://a.org/?x",
        ] {
            let (c, d) = parse(&format!("title = \"x\"\nbase_url = \"{bad}\"\n"));
            assert!(c.is_none(), "{bad}");
            let e = d.iter().next().unwrap();
            assert!(e.message.contains("base_url"), "{bad}: {}", e.message);
            assert_eq!(e.location.as_ref().unwrap().line, Some(2), "{bad}");
        }
        let (c, d) = parse("title = \"x\"\n");
        assert!(c.is_none());
        assert!(d.iter().next().unwrap().message.contains("no `base_url`"));
        for good in [
            "https://user.github.io/repo/",
            "http://127.0.0.1:1111/",
            "https://example.org",
            "HTTPS://Example.org/",
        ] {
            assert!(parse(&format!("base_url = \"{good}\"")).0.is_some(), "{good}");
        }
    }

    #[test]
    fn cname_must_be_a_bare_domain() {
        for bad in [
            "https://example.org",
            "example.org/repo",
            "example",
            "exa mple.org",
            "-a.org",
        ] {
            let (c, d) = parse(&format!("base_url = \"https://a.org/\"\ncname = \"{bad}\"\n"));
            assert!(c.is_none(), "{bad}");
            let e = d.iter().next().unwrap();
            assert!(e.message.contains("cname"), "{bad}: {}", e.message);
            assert_eq!(e.location.as_ref().unwrap().line, Some(2), "{bad}");
        }
        let (c, _) = parse("base_url = \"https://a.org/\"\ncname = \"analysis.example.org\"\n");
        assert_eq!(c.unwrap().cname.as_deref(), Some("analysis.example.org"));
    }

    #[test]
    fn zola_key_is_a_warning_saying_why() {
        let (c, d) = parse("base_url = \"https://a.org/\"\nmode = \"serve\"\n");
        assert!(c.is_some());
        let w = d.iter().next().unwrap();
        assert!(!w.is_error());
        assert_eq!(
            w.message,
            "`mode` is ignored: the command sets it (`build`, `serve` or `check`), not the file"
        );
        assert_eq!(w.location.as_ref().unwrap().line, Some(2));
        assert_eq!(w.hint.as_deref(), Some("remove it"));
    }

    /// Regression: keys of `[markdown.highlighting]` that dossier does not act on were
    /// taken out of the file without a word.
    #[test]
    fn zola_keys_of_the_highlighting_table_are_warned_about() {
        let (c, d) = parse(
            "base_url = \"https://a.org/\"\n[markdown.highlighting]\ntheme = \"nord\"\nextra_grammars = [\"x.json\"]\n",
        );
        assert!(c.is_some());
        let w = d.iter().next().expect("a warning");
        assert!(
            w.message.starts_with(
                "`markdown.highlighting.extra_grammars` is ignored: dossier highlights with its own"
            ),
            "{}",
            w.message
        );
        assert_eq!(w.location.as_ref().unwrap().line, Some(4));
    }

    #[test]
    fn zolas_old_feed_names_are_read_as_the_new_ones_with_a_warning() {
        let (c, d) =
            parse("base_url = \"https://a.org/\"\ngenerate_feed = false\nfeed_filename = \"rss.xml\"\n");
        let c = c.unwrap();
        assert!(!c.generate_feeds);
        assert_eq!(c.feed_filenames, ["rss.xml"]);
        let warnings: Vec<(&str, Option<usize>)> = d
            .iter()
            .map(|w| (w.message.as_str(), w.location.as_ref().unwrap().line))
            .collect();
        assert_eq!(
            warnings,
            [
                (
                    "`generate_feed` is Zola's name before 0.19 for `generate_feeds`, and is read as that",
                    Some(2)
                ),
                (
                    "`feed_filename` is Zola's name before 0.19 for `feed_filenames`, and is read as that",
                    Some(3)
                ),
            ]
        );
        // The new name wins when both are there.
        let (c, d) = parse("base_url = \"https://a.org/\"\ngenerate_feed = false\ngenerate_feeds = true\n");
        assert!(c.unwrap().generate_feeds);
        assert!(
            d.iter()
                .next()
                .unwrap()
                .message
                .contains("`generate_feeds`, its name since Zola 0.19, is set too")
        );
        // A feed dossier cannot write is an error at the old key.
        let (c, d) = parse("base_url = \"https://a.org/\"\nfeed_filename = \"feed.xml\"\n");
        assert!(c.is_none());
        let e = d.iter().find(|e| e.is_error()).unwrap();
        assert_eq!(e.message, "unknown feed file `feed.xml` in `feed_filename`");
        assert_eq!(e.location.as_ref().unwrap().line, Some(2));
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error_at_it_with_what_the_key_takes() {
        for (line, hint) in [
            (
                "exclude_paginated_pages_in_sitemap = true",
                "`exclude_paginated_pages_in_sitemap` is \"none\" (the sitemap lists every pager page) or \"all\"",
            ),
            (
                "generate_feed = \"yes\"",
                "write `generate_feeds = true` or `false`",
            ),
            (
                "minify_html = \"yes\"",
                "`minify_html` is `true` (minify every HTML page) or `false`",
            ),
            (
                "hard_link_static = \"yes\"",
                "`hard_link_static` is `true` (hard-link static files into the output) or `false`",
            ),
            (
                "preserve_dotfiles_in_output = 1",
                "`preserve_dotfiles_in_output` is `true` (keep `.git` and other dotfiles at the top of the output folder, the default) or `false`",
            ),
        ] {
            let (c, d) = parse(&format!("base_url = \"https://a.org/\"\n{line}\n"));
            assert!(c.is_none(), "{line}");
            let e = d.iter().next().unwrap();
            let at = e.location.as_ref().unwrap();
            assert_eq!(
                (at.line, at.column),
                (Some(2), Some(line.find('=').unwrap() + 3)),
                "{line}"
            );
            assert_eq!(e.hint.as_deref(), Some(hint), "{line}");
        }
    }
}
