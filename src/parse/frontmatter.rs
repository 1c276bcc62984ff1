//! Splits a content file into front matter and body, and reads the front matter.
//!
//! TOML between `+++` lines or YAML between `---` lines, with Zola's key names. Unknown
//! keys are errors with a suggestion; every error carries the file's line and column.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::{toml_error_at, unknown_field};
use crate::dates::DateValue;
use crate::diagnostic::{Diagnostic, Location, did_you_mean};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Toml,
    Yaml,
}

/// A content file cut in two.
#[derive(Debug)]
pub(crate) struct Split<'a> {
    pub format: Option<Format>,
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// Byte offset of the body in the file, so body positions map back to file lines.
    pub body_offset: usize,
}

/// Cuts `text` at its front matter delimiters. Blank lines before the opening one are
/// allowed, as Zola allows them.
pub(crate) fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_no_bom.len();
    let opening = text_no_bom.trim_start();
    let (lead, text_no_bom) = if opening.starts_with("+++") || opening.starts_with("---") {
        (bom + text_no_bom.len() - opening.len(), opening)
    } else {
        (bom, text_no_bom)
    };
    let first_line_end = text_no_bom.find('\n').map_or(text_no_bom.len(), |i| i + 1);
    let first = text_no_bom[..first_line_end].trim_end();
    let (format, delim) = match first {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => {
            return Ok(Split {
                format: None,
                front: "",
                front_offset: bom,
                body_offset: bom,
            });
        }
    };
    let front_start = lead + first_line_end;
    let mut pos = front_start;
    for line in text[front_start..].split_inclusive('\n') {
        if line.trim_end() == delim {
            let body_offset = pos + line.len();
            return Ok(Split {
                format: Some(format),
                front: &text[front_start..pos],
                front_offset: front_start,
                body_offset,
            });
        }
        pos += line.len();
    }
    let location = Location::at_offset(path, text, lead);
    let line = location.line.unwrap_or(1);
    Err(Diagnostic::error(format!(
        "the front matter opened with `{delim}` on line {line} is never closed"
    ))
    .at(location)
    .hint(format!("add a line with only `{delim}` after the front matter")))
}

pub(crate) const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "slug",
    "path",
    "authors",
    "weight",
    "aliases",
    "template",
    "in_search_index",
    "render",
    "taxonomies",
    "extra",
    "events",
    "watch",
];

pub(crate) const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "draft",
    "sort_by",
    "weight",
    "template",
    "page_template",
    "paginate_by",
    "paginate_path",
    "paginate_reversed",
    "insert_anchor_links",
    "in_search_index",
    "render",
    "redirect_to",
    "transparent",
    "aliases",
    "generate_feeds",
    "extra",
];

/// A page's front matter. Keys it does not name are skipped with a warning (see [`parse`]),
/// as Zola skips them; the lists dossier adds (`events`, `watch`) refuse unknown keys.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<DateValue>,
    pub updated: Option<DateValue>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    pub path: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub template: Option<String>,
    pub in_search_index: Option<bool>,
    pub render: Option<bool>,
    /// Taken by the page once it is made (`Page::taxonomies`), so a page's `meta` holds
    /// none: compare a page's terms through the page.
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub extra: serde_json::Value,
    /// Dated events this analysis records (dossier's own key).
    #[serde(default)]
    pub events: Vec<crate::parse::events::RawEvent>,
    /// Indicators to watch (see `model::watch`).
    #[serde(default)]
    pub watch: Vec<crate::parse::events::RawWatch>,
}

impl PageFrontMatter {
    /// Whether `other` says the same as this apart from the text other outputs show of the
    /// page as it is (`title`, `description`, `extra`): nothing that places the page (its
    /// address, date, order, terms, events), so `serve` can patch the page where it is.
    /// `other_terms` are `other`'s terms: a page's model holds them, not its front matter.
    pub(crate) fn same_but_text(
        &self,
        other: &PageFrontMatter,
        other_terms: &BTreeMap<String, Vec<String>>,
    ) -> bool {
        // Destructured so that a new key must be placed on one side or the other.
        let PageFrontMatter {
            title: _,
            description: _,
            extra: _,
            date,
            updated,
            draft,
            slug,
            path,
            authors,
            weight,
            aliases,
            template,
            in_search_index,
            render,
            taxonomies,
            events,
            watch,
        } = self;
        *date == other.date
            && *updated == other.updated
            && *draft == other.draft
            && *slug == other.slug
            && *path == other.path
            && *authors == other.authors
            && *weight == other.weight
            && *aliases == other.aliases
            && *template == other.template
            && *in_search_index == other.in_search_index
            && *render == other.render
            && *taxonomies == *other_terms
            && *events == other.events
            && *watch == other.watch
    }

    /// Whether `other` says the same as this apart from what the page shows of itself and
    /// where lists place it (`date`, `updated`, `weight`, `taxonomies`, `authors` and the
    /// text): nothing that moves its address, changes what it is made with or records
    /// events, so `serve` can show the page itself before the lists are made again.
    pub(crate) fn same_but_placing(&self, other: &PageFrontMatter) -> bool {
        // Destructured so that a new key must be placed on one side or the other.
        let PageFrontMatter {
            title: _,
            description: _,
            extra: _,
            date: _,
            updated: _,
            weight: _,
            taxonomies: _,
            authors: _,
            in_search_index: _,
            draft,
            slug,
            path,
            aliases,
            template,
            render,
            events,
            watch,
        } = self;
        *draft == other.draft
            && *slug == other.slug
            && *path == other.path
            && *aliases == other.aliases
            && *template == other.template
            && *render == other.render
            && *events == other.events
            && *watch == other.watch
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SortBy {
    Date,
    UpdateDate,
    Title,
    TitleBytes,
    Weight,
    Slug,
    /// By URL, as Zola (0.21 on) sorts with `sort_by = "permalink"`.
    Permalink,
    #[default]
    None,
}

/// A section's front matter; unknown keys as for pages.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SectionFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub sort_by: Option<SortBy>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub paginate_by: Option<usize>,
    pub paginate_path: Option<String>,
    #[serde(default)]
    pub paginate_reversed: bool,
    pub insert_anchor_links: Option<crate::config::AnchorLinks>,
    pub in_search_index: Option<bool>,
    pub render: Option<bool>,
    pub redirect_to: Option<String>,
    #[serde(default)]
    pub transparent: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub generate_feeds: Option<bool>,
    #[serde(default)]
    pub extra: serde_json::Value,
}

/// Reads front matter of either format into `T`, reporting errors at their place in the
/// file, and a warning for each key it does not know.
pub(crate) fn parse<T>(path: &Path, text: &str, split: &Split) -> Result<(T, Vec<Diagnostic>), Diagnostic>
where
    T: for<'de> Deserialize<'de> + Default + FrontMatter,
{
    let mut ignored: Vec<String> = Vec::new();
    let mut skip = |key: serde_ignored::Path| ignored.push(key.to_string());
    let mut value: T = match split.format {
        None => return Ok((T::default(), Vec::new())),
        Some(Format::Toml) => toml::de::Deserializer::parse(split.front)
            .and_then(|de| serde_ignored::deserialize(de, &mut skip))
            .map_err(|e| {
                let d = toml_error_at(path, text, split.front_offset, &e, &T::keys());
                match unknown_field(e.message()).and_then(|f| taxonomy_hint(f, Format::Toml)) {
                    Some(hint) => d.hint(hint),
                    None => d,
                }
            })?,
        Some(Format::Yaml) => {
            if split.front.trim().is_empty() {
                T::default()
            } else {
                serde_saphyr::with_deserializer_from_str(split.front, |de| {
                    serde_ignored::deserialize(de, &mut skip)
                })
                .map_err(|e| yaml_error(path, text, split, &e, &T::keys()))?
            }
        }
    };
    value.fix_dates();
    let format = split.format.unwrap_or(Format::Toml);
    let warnings = ignored
        .iter()
        .map(|key| unknown_key(path, text, key, format, &T::keys()))
        .collect();
    Ok((value, warnings))
}

/// A front matter key dossier does not read: a warning, since Zola skips such keys and a
/// site it builds must build here, with the key it was probably meant to be.
fn unknown_key(path: &Path, text: &str, key: &str, format: Format, keys: &[&str]) -> Diagnostic {
    let top = key.split('.').next().unwrap_or(key);
    let hint = taxonomy_hint(top, format)
        .or_else(|| did_you_mean(top, keys.iter().copied()))
        .unwrap_or_else(|| {
            let extra = match format {
                Format::Toml => "`[extra]`",
                Format::Yaml => "`extra:`",
            };
            format!("values of your own for templates go under {extra}, where they reach `page.extra`")
        });
    Diagnostic::warning(format!("unknown front matter key `{key}` is ignored"))
        .at(crate::spans::key_location(path, text, top))
        .hint(hint)
}

fn yaml_error(
    path: &Path,
    text: &str,
    split: &Split,
    err: &serde_saphyr::Error,
    keys: &[&str],
) -> Diagnostic {
    let front_first_line = text[..split.front_offset].matches('\n').count();
    let location = match err.location() {
        Some(loc) if loc.line() > 0 => Location::at_line(
            path,
            text,
            front_first_line + loc.line() as usize,
            Some(loc.column().max(1) as usize),
        ),
        _ => Location::file(path),
    };
    let full = err.to_string();
    let message = crate::diagnostic::yaml_message(&full);
    let message = match message.split_once(", expected one of") {
        Some((head, _)) if head.starts_with("unknown field") => head,
        _ => message,
    };
    let hint = unknown_field(&full)
        .and_then(|f| taxonomy_hint(f, Format::Yaml).or_else(|| did_you_mean(f, keys.iter().copied())));
    Diagnostic::error(format!("invalid YAML front matter: {message}"))
        .at(location)
        .maybe_hint(hint)
}

/// Hugo reads `tags:` and `categories:` at the top of front matter; Zola and dossier read
/// every taxonomy under `taxonomies`, so one way of writing terms serves every taxonomy
/// the site declares. Someone coming from Hugo is shown where they go.
pub(crate) fn taxonomy_hint(field: &str, format: Format) -> Option<String> {
    if !matches!(field, "tags" | "categories" | "series" | "keywords") {
        return None;
    }
    Some(match format {
        Format::Yaml => format!(
            "terms go under `taxonomies`, as in Zola: `taxonomies:` on its own line, then `  {field}: [a, b]` (and `{{ name = \"{field}\" }}` in config.toml's `taxonomies`)"
        ),
        Format::Toml => format!(
            "terms go under `[taxonomies]`, as in Zola: a `[taxonomies]` line at the end of the front matter, then `{field} = [\"a\", \"b\"]` (and `{{ name = \"{field}\" }}` in config.toml's `taxonomies`)"
        ),
    })
}

/// What page and section front matter share: the keys they accept (for "did you mean"
/// hints) and a clean-up after parsing.
pub(crate) trait FrontMatter {
    /// Every key that may appear, including nested ones such as an event's.
    fn keys() -> Vec<&'static str>;
    /// TOML dates inside `extra` arrive as the toml crate's private one-entry maps; this
    /// turns them back into plain strings so templates see `"2024-10-28"`.
    fn fix_dates(&mut self);
}

impl FrontMatter for PageFrontMatter {
    fn keys() -> Vec<&'static str> {
        PAGE_KEYS
            .iter()
            .chain(crate::parse::events::EVENT_KEYS)
            .copied()
            .collect()
    }
    fn fix_dates(&mut self) {
        fix_toml_dates(&mut self.extra);
    }
}

impl FrontMatter for SectionFrontMatter {
    fn keys() -> Vec<&'static str> {
        SECTION_KEYS.to_vec()
    }
    fn fix_dates(&mut self) {
        fix_toml_dates(&mut self.extra);
    }
}

pub(crate) fn fix_toml_dates(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if map.len() == 1
                && let Some(Value::String(s)) = map.get("$__toml_private_datetime")
            {
                *value = Value::String(s.clone());
                return;
            }
            map.values_mut().for_each(fix_toml_dates);
        }
        Value::Array(items) => items.iter_mut().for_each(fix_toml_dates),
        _ => {}
    }
}

/// The date and the rest of a `2024-10-28-slug` (or `2024-10-28_slug`) file stem.
pub(crate) fn date_from_file_stem(stem: &str) -> Option<(DateValue, &str)> {
    let (head, rest) = (stem.get(..10)?, stem.get(10..)?);
    let rest = rest.strip_prefix('-').or_else(|| rest.strip_prefix('_'))?;
    if rest.is_empty() {
        return None;
    }
    let date: jiff::civil::Date = head.parse().ok()?;
    Some((
        DateValue {
            date,
            time: None,
            offset: None,
        },
        rest,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_edit_is_told_from_a_terms_edit_by_the_terms_the_page_holds() {
        let meta = |text: &str| -> PageFrontMatter {
            let s = split(Path::new("a.md"), text).unwrap();
            parse(Path::new("a.md"), text, &s).unwrap().0
        };
        let tags = |names: &[&str]| -> BTreeMap<String, Vec<String>> {
            BTreeMap::from([("tags".to_owned(), names.iter().map(|n| (*n).to_owned()).collect())])
        };
        let before = meta("+++\ntitle = \"A\"\n[taxonomies]\ntags = [\"x\"]\n+++\n");
        let retitled = meta("+++\ntitle = \"B\"\n[taxonomies]\ntags = [\"x\"]\n+++\n");
        // The page's own front matter keeps no terms once the page is made: the page's are
        // compared.
        let mut held = before;
        held.taxonomies.clear();
        assert!(retitled.same_but_text(&held, &tags(&["x"])));
        assert!(!retitled.same_but_text(&held, &tags(&["x", "y"])));
        assert!(!retitled.same_but_text(&held, &BTreeMap::new()));
    }

    #[test]
    fn splits_toml_and_yaml() {
        let text = "+++\ntitle = \"A\"\n+++\nbody\n";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.format, Some(Format::Toml));
        assert_eq!(s.front, "title = \"A\"\n");
        assert_eq!(&text[s.body_offset..], "body\n");
        let text = "---\ntitle: A\n---\n\nbody";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.format, Some(Format::Yaml));
        assert_eq!(&text[s.body_offset..], "\nbody");
        let s = split(Path::new("a.md"), "no front matter").unwrap();
        assert_eq!(s.format, None);
    }

    #[test]
    fn blank_lines_may_come_before_the_front_matter() {
        let text = "\n  \n+++\ntitle = \"Zplit\"\n+++\nBody\n";
        let s = split(Path::new("x.md"), text).unwrap();
        assert_eq!(s.format, Some(Format::Toml));
        assert_eq!(s.front, "title = \"Zplit\"\n");
        assert_eq!(&text[s.body_offset..], "Body\n");
        let err = split(Path::new("x.md"), "\n\n---\ntitle: x\n").unwrap_err();
        assert!(err.message.contains("on line 3"), "{}", err.message);
        // Text first: no front matter, even with a delimiter further down.
        assert_eq!(split(Path::new("x.md"), "Hello\n+++\n").unwrap().format, None);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split(Path::new("a.md"), "+++\ntitle = \"A\"\n").unwrap_err();
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn dates_parse_in_every_form() {
        assert_eq!(DateValue::parse("2024-10-28").unwrap().to_string(), "2024-10-28");
        assert_eq!(
            DateValue::parse("2024-10-28T09:30:00+02:00").unwrap().to_string(),
            "2024-10-28T09:30:00+02:00"
        );
        assert_eq!(
            DateValue::parse("2024-10-28T09:30:00Z").unwrap().to_string(),
            "2024-10-28T09:30:00Z"
        );
        assert!(DateValue::parse("2024-13-45").is_err());
        assert_eq!(
            DateValue::parse("2024-02-30").err().as_deref(),
            Some("`2024-02-30` has no day 30: February 2024 has 29 days")
        );
        assert!(
            DateValue::parse("20/11/2026")
                .unwrap_err()
                .contains("write it as 2024-10-28")
        );
        assert!(DateValue::parse("9999-12-31T23:59:59-23:59").is_err());
        assert!(DateValue::parse("9999-01-01").is_ok());
        assert!(DateValue::parse("2002/10/12").is_err());
        // Zola accepts these too.
        assert_eq!(
            DateValue::parse("2002-10-02 15:00:00+02:00").unwrap().to_string(),
            "2002-10-02T15:00:00+02:00"
        );
        assert_eq!(
            DateValue::parse("2002-10-02T15:00:00.123456Z")
                .unwrap()
                .date
                .day(),
            2
        );
        assert_eq!(DateValue::parse("2002-10-02 15:00:00").unwrap().offset, None);
        let fm: PageFrontMatter = toml::from_str("date = 2024-10-28T09:30:00Z").unwrap();
        assert_eq!(fm.date.unwrap().to_string(), "2024-10-28T09:30:00Z");
        let fm: PageFrontMatter = serde_saphyr::from_str("date: 2024-10-28").unwrap();
        assert_eq!(fm.date.unwrap().to_string(), "2024-10-28");
    }

    #[test]
    fn unknown_keys_are_matched_against_page_and_event_keys() {
        let text = "+++\ntitle = \"A\"\n\n[[events]]\ndate = \"2024\"\ntitle = \"E\"\nplce = \"Kyiv\"\n+++\n";
        let path = Path::new("a.md");
        let split = split(path, text).unwrap();
        let err = parse::<PageFrontMatter>(path, text, &split).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `place`?"));
        assert_eq!(err.location.unwrap().line, Some(7));
    }

    #[test]
    fn file_stem_dates() {
        let (d, rest) = date_from_file_stem("2024-10-18-troops-moving").unwrap();
        assert_eq!(d.to_string(), "2024-10-18");
        assert_eq!(rest, "troops-moving");
        assert!(date_from_file_stem("kursk").is_none());
        assert!(date_from_file_stem("2024-99-18-x").is_none());
    }
}
