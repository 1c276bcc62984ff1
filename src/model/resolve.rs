//! Builds the [`Site`] from the loaded files: reads front matter, places every page in
//! its section, gives everything its URL, orders sections and gathers taxonomy terms.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::load::{ContentTree, SourceFile};
use crate::model::site::{Item, Page, PageId, Section, SectionId, Site, Taxonomy, Term};
use crate::output_path::{check_url_folder, check_url_segments};
use crate::parse::frontmatter::{self, PageFrontMatter, SectionFrontMatter, SortBy, date_from_file_stem};
use crate::slugs::{Strategy, path_slug, title_from_slug};
use crate::spans::key_location;

pub(crate) struct Options {
    pub drafts: bool,
}

enum Parsed {
    Page(SourceFile, usize, PageFrontMatter),
    Section(SourceFile, usize, SectionFrontMatter),
}

/// One file's front matter with its warnings, or its content path and why it has none.
type ParseResult = Result<(Parsed, Vec<Diagnostic>), (String, Diagnostic)>;

/// Reads the front matter of every file, in parallel.
fn parse_all(files: Vec<SourceFile>) -> (Vec<Parsed>, Vec<String>, Diagnostics) {
    let results: Vec<ParseResult> = files
        .into_par_iter()
        .map(|file| {
            let content_path = file.content_path.clone();
            parse_one(file).map_err(|d| (content_path, d))
        })
        .collect();
    let mut parsed = Vec::with_capacity(results.len());
    let mut failed = Vec::new();
    let mut diags = Diagnostics::new();
    for r in results {
        match r {
            Ok((p, warnings)) => {
                parsed.push(p);
                warnings.into_iter().for_each(|w| diags.push(w));
            }
            Err((path, d)) => {
                failed.push(path);
                diags.push(d);
            }
        }
    }
    (parsed, failed, diags)
}

fn parse_one(file: SourceFile) -> Result<(Parsed, Vec<Diagnostic>), Diagnostic> {
    let split = frontmatter::split(&file.display_path, &file.text)?;
    let body_offset = split.body_offset;
    if file.is_section() {
        let (meta, warnings) = frontmatter::parse(&file.display_path, &file.text, &split)?;
        Ok((Parsed::Section(file, body_offset, meta), warnings))
    } else {
        let (meta, warnings) = frontmatter::parse(&file.display_path, &file.text, &split)?;
        Ok((Parsed::Page(file, body_offset, meta), warnings))
    }
}

const PATH_HINT: &str =
    "URLs are paths from the site root, such as \"/security/kursk/\": no `..`, `.` or empty segments";

/// Each alias must be a URL path inside the site: a redirect page is written there.
fn check_aliases(file: &SourceFile, aliases: &[String], diags: &mut Diagnostics) {
    for alias in aliases {
        let problem = match check_url_segments(alias) {
            Err(why) => Some(why.reason()),
            Ok(()) if alias.trim_matches('/').is_empty() => Some("is the site root"),
            Ok(()) => None,
        };
        if let Some(problem) = problem {
            diags.push(
                Diagnostic::error(format!("the alias `{alias}` {problem}"))
                    .at(key_location(&file.display_path, &file.text, "aliases"))
                    .hint(PATH_HINT),
            );
        }
    }
}

/// `security/kursk.md` → `security/`; `_index.md` → ``.
fn dir_of(content_path: &str) -> &str {
    content_path.rfind('/').map_or("", |i| &content_path[..=i])
}

/// `security/intel/` → `security/`; `security/` → ``.
fn parent_dir(dir: &str) -> Option<&str> {
    if dir.is_empty() {
        return None;
    }
    let trimmed = &dir[..dir.len() - 1];
    Some(trimmed.rfind('/').map_or("", |i| &trimmed[..=i]))
}

/// A content folder's URL path: each folder's name made a slug by `slugify.paths`.
fn url_dir(dir: &str, strategy: Strategy) -> String {
    dir.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", path_slug(s, strategy)))
        .collect()
}

/// A content file's language and its content path without it, as Zola reads a file name:
/// the part after the name's first dot is a language code (`page.fr.md`, `_index.fr.md`,
/// `index.fr.md`). The default language's code leaves a page's name as it is (Zola's
/// `page.en.md` is the page `page.en`) but is the plain file for `_index` and `index`;
/// on a site with one language only those two read a code. A code the site does not
/// declare is an error at the file.
struct FileLanguage {
    lang: String,
    /// `blog/page.md` for `blog/page.fr.md`.
    canonical: String,
}

fn file_language(config: &Config, file: &SourceFile) -> Result<FileLanguage, Diagnostic> {
    let default = || FileLanguage {
        lang: config.default_language.clone(),
        canonical: file.content_path.clone(),
    };
    let dir = dir_of(&file.content_path);
    let name = &file.content_path[dir.len()..];
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let Some((base, code)) = stem.split_once('.') else {
        return Ok(default());
    };
    let index = base == "_index" || base == "index";
    let multilingual = config.languages.len() > 1;
    if !index && (!multilingual || code == config.default_language) {
        return Ok(default());
    }
    let canonical = format!("{dir}{base}.md");
    if code == config.default_language {
        return Ok(FileLanguage {
            lang: code.to_owned(),
            canonical,
        });
    }
    if !config.languages.iter().any(|l| l.code == code) {
        let declared: Vec<String> = config
            .languages
            .iter()
            .map(|l| {
                if l.code == config.default_language {
                    format!("{} (the default)", l.code)
                } else {
                    l.code.clone()
                }
            })
            .collect();
        let closest = did_you_mean(code, config.languages.iter().map(|l| l.code.as_str()));
        return Err(Diagnostic::error(format!(
            "`{name}` is in the language `{code}`, which config.toml does not declare"
        ))
        .in_file(&file.display_path)
        .hint(match closest {
            Some(c) => format!("{c} The site's languages: {}", declared.join(", ")),
            None => format!(
                "the site's languages: {}; declare it with a [languages.{code}] table in config.toml, or rename the file",
                declared.join(", ")
            ),
        }));
    }
    Ok(FileLanguage {
        lang: code.to_owned(),
        canonical,
    })
}

/// `fr/` for a language other than the default, else nothing: where its URLs start.
fn lang_prefix(config: &Config, lang: &str) -> String {
    if lang == config.default_language {
        String::new()
    } else {
        format!("{lang}/")
    }
}

pub(crate) fn site(config: Config, tree: ContentTree, options: &Options) -> (Site, Diagnostics) {
    let (parsed, failed, mut diags) = parse_all(tree.markdown);
    // Files that exist but cannot be pages; links to them are not errors of their own.
    let mut broken: std::collections::HashSet<String> = tree.unreadable.into_iter().chain(failed).collect();

    // Room for every page at once: the parts are large, and growing the list copied them.
    let mut section_parts = Vec::new();
    let mut page_parts = Vec::with_capacity(parsed.len());
    for p in parsed {
        let file = match &p {
            Parsed::Section(f, _, _) | Parsed::Page(f, _, _) => f,
        };
        let language = match file_language(&config, file) {
            Ok(l) => l,
            Err(d) => {
                broken.insert(file.content_path.clone());
                diags.push(d);
                continue;
            }
        };
        match p {
            Parsed::Section(f, off, meta) => section_parts.push((f, off, meta, language)),
            Parsed::Page(f, off, meta) => page_parts.push((f, off, meta, language)),
        }
    }

    // Sections, parents before children; the root always exists, in every language.
    section_parts.sort_by(|a, b| a.0.content_path.cmp(&b.0.content_path));
    // (language, folder) of each draft section.
    let mut draft_dirs: Vec<(String, String)> = Vec::new();
    let mut drafts: HashMap<String, String> = HashMap::new();
    section_parts.retain(|(f, _, meta, language)| {
        let keep = options.drafts || !meta.draft || dir_of(&f.content_path).is_empty();
        if !keep {
            draft_dirs.push((language.lang.clone(), dir_of(&f.content_path).to_owned()));
            drafts.insert(f.content_path.clone(), meta.title.clone().unwrap_or_default());
        }
        keep
    });
    for lang in &config.languages {
        let has_root = section_parts
            .iter()
            .any(|(f, _, _, l)| l.lang == lang.code && dir_of(&f.content_path).is_empty());
        if !has_root {
            let content_path = if lang.code == config.default_language {
                "_index.md".to_owned()
            } else {
                format!("_index.{}.md", lang.code)
            };
            section_parts.push((
                SourceFile {
                    display_path: format!("content/{content_path}").into(),
                    content_path,
                    text: String::new(),
                },
                0,
                SectionFrontMatter::default(),
                FileLanguage {
                    lang: lang.code.clone(),
                    canonical: "_index.md".to_owned(),
                },
            ));
        }
    }
    // The default language's root first: it is `SectionId(0)`.
    section_parts.sort_by_key(|(f, _, _, l)| {
        (
            f.content_path.matches('/').count(),
            l.lang != config.default_language,
            f.content_path.clone(),
        )
    });

    let mut sections: Vec<Section> = Vec::with_capacity(section_parts.len());
    let mut section_by_dir: HashMap<(String, String), SectionId> = HashMap::new();
    for (file, body_offset, meta, language) in section_parts {
        let dir = dir_of(&file.content_path).to_owned();
        let parent = nearest_section(&section_by_dir, &language.lang, parent_dir(&dir));
        let rel = format!(
            "{}{}",
            lang_prefix(&config, &language.lang),
            url_dir(&dir, config.slugify.paths)
        );
        let path = config.url_path(&rel);
        let id = SectionId(sections.len());
        if let Some(p) = parent {
            sections[p.0].subsections.push(id);
        }
        section_by_dir.insert((language.lang.clone(), dir.clone()), id);
        check_aliases(&file, &meta.aliases, &mut diags);
        if let Some(p) = &meta.paginate_path
            && let Err(why) = check_url_folder(p)
        {
            diags.push(
                Diagnostic::error(format!("the `paginate_path` `{p}` {}", why.reason()))
                    .at(key_location(&file.display_path, &file.text, "paginate_path"))
                    .hint("a word such as \"page\" makes pager URLs like /section/page/2/"),
            );
        }
        sections.push(Section {
            permalink: config.permalink(&path),
            path,
            file,
            body_offset,
            meta,
            parent,
            lang: language.lang,
            canonical: language.canonical,
            subsections: Vec::new(),
            pages: Vec::new(),
            assets: Vec::new(),
            converted: Default::default(),
            backlinks: Vec::new(),
        });
    }

    // Pages.
    page_parts.sort_by(|a, b| a.0.content_path.cmp(&b.0.content_path));
    let mut pages: Vec<Page> = Vec::with_capacity(page_parts.len());
    for (file, body_offset, meta, language) in page_parts {
        let in_draft_section = draft_dirs
            .iter()
            .any(|(l, d)| *l == language.lang && file.content_path.starts_with(d.as_str()));
        if (meta.draft && !options.drafts) || in_draft_section {
            drafts.insert(file.content_path.clone(), meta.title.clone().unwrap_or_default());
            continue;
        }
        match make_page(
            &config,
            &section_by_dir,
            file,
            body_offset,
            meta,
            language,
            &mut diags,
        ) {
            Ok(page) => pages.push(page),
            Err(Unmade { broken: Some(path) }) => {
                broken.insert(path);
            }
            Err(Unmade { broken: None }) => {}
        }
    }

    // Assets belong to the bundle or section in their folder.
    // A bundle's translations (`index.md`, `index.fr.md`) each get its files.
    let mut bundle_by_dir: HashMap<String, Vec<PageId>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(d) = &p.bundle_dir {
            bundle_by_dir.entry(d.clone()).or_default().push(PageId(i));
        }
    }
    let mut section_dirs: HashMap<&str, Vec<SectionId>> = HashMap::new();
    for ((_, dir), id) in &section_by_dir {
        section_dirs.entry(dir.as_str()).or_default().push(*id);
    }
    section_dirs.values_mut().for_each(|ids| ids.sort());
    let mut loose_assets = Vec::new();
    for asset in tree.assets {
        let mut dir = dir_of(&asset).to_owned();
        let owners = loop {
            if let Some(p) = bundle_by_dir.get(&dir) {
                break Some(p);
            }
            match parent_dir(&dir) {
                Some(parent) => dir = parent.to_owned(),
                None => break None,
            }
        };
        match owners {
            Some(owners) => {
                for p in owners {
                    pages[p.0].assets.push(asset.clone());
                }
            }
            None => match section_dirs.get(dir_of(&asset)) {
                Some(owners) => {
                    for s in owners {
                        sections[s.0].assets.push(asset.clone());
                    }
                }
                None => loose_assets.push(asset),
            },
        }
    }

    let mut by_content_path = rustc_hash::FxHashMap::default();
    for (i, s) in sections.iter().enumerate() {
        by_content_path.insert(s.file.content_path.clone(), Item::Section(SectionId(i)));
    }
    for (i, p) in pages.iter().enumerate() {
        by_content_path.insert(p.file.content_path.clone(), Item::Page(PageId(i)));
    }

    check_url_collisions(&sections, &pages, &mut diags);
    order_sections(&mut sections, &mut pages);
    let mut taxonomies = Vec::new();
    let ranks = date_ranks(&pages);
    for lang in &config.languages {
        taxonomies.extend(build_taxonomies(&config, lang, (&pages, &ranks), &mut diags));
    }
    let translations = translations(&config, &sections, &pages);

    let site = Site {
        config,
        pages,
        sections,
        taxonomies,
        by_content_path,
        broken,
        drafts,
        loose_assets,
        events: Vec::new(),
        watch: Vec::new(),
        sources: None,
        translations,
    };
    (site, diags)
}

/// The page a file added since `site` was built makes, exactly as a whole build would
/// make it; `None` for a file whose page would be reported (an error or a warning), or
/// left out (a draft, or in a draft section).
pub(crate) fn added_page(
    site: &Site,
    file: SourceFile,
    body_offset: usize,
    meta: PageFrontMatter,
) -> Option<Page> {
    let language = file_language(&site.config, &file).ok()?;
    let in_draft_section = site.drafts.keys().any(|d| {
        let name = d.rsplit('/').next().unwrap_or(d);
        name.starts_with("_index.") && file.content_path.starts_with(dir_of(d))
    });
    if meta.draft || in_draft_section {
        return None;
    }
    let section_by_dir: HashMap<(String, String), SectionId> = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                (s.lang.clone(), dir_of(&s.file.content_path).to_owned()),
                SectionId(i),
            )
        })
        .collect();
    let mut diags = Diagnostics::new();
    let page = make_page(
        &site.config,
        &section_by_dir,
        file,
        body_offset,
        meta,
        language,
        &mut diags,
    )
    .ok()?;
    diags.is_empty().then_some(page)
}

/// Why a page file made no page: its errors are reported; `broken` is its content path
/// when links to it are not errors of their own.
struct Unmade {
    broken: Option<String>,
}

/// The page a file makes, with its URL, section, title and date, as a whole build makes
/// it; what is wrong with it goes to `diags`.
fn make_page(
    config: &Config,
    section_by_dir: &HashMap<(String, String), SectionId>,
    file: SourceFile,
    body_offset: usize,
    mut meta: PageFrontMatter,
    language: FileLanguage,
    diags: &mut Diagnostics,
) -> Result<Page, Unmade> {
    let content_path = file.content_path.clone();
    let file_name = content_path.rsplit('/').next().unwrap_or(&content_path);
    // The name without its language: `index.fr.md` is a bundle's page too.
    let plain_name = language
        .canonical
        .rsplit('/')
        .next()
        .unwrap_or(&language.canonical);
    let is_bundle = plain_name == "index.md";
    let dir = dir_of(&content_path);
    let (stem, container) = if is_bundle {
        let bundle = &dir[..dir.len().saturating_sub(1)];
        let name = bundle.rsplit('/').next().unwrap_or(bundle);
        (name.to_owned(), parent_dir(dir).unwrap_or(""))
    } else {
        (plain_name.trim_end_matches(".md").to_owned(), dir)
    };
    let (file_date, stem_rest) = match date_from_file_stem(&stem) {
        Some((d, rest)) => (Some(d), rest.to_owned()),
        None => (None, stem.clone()),
    };
    if is_bundle && stem.is_empty() {
        diags.push(
            Diagnostic::error(
                "content/index.md would be a page at the site root; the home page is content/_index.md",
            )
            .in_file(&file.display_path)
            .hint("rename it to _index.md"),
        );
        return Err(Unmade { broken: None });
    }
    for (key, value) in [("slug", &meta.slug), ("path", &meta.path)] {
        if value.as_deref().is_some_and(|v| v.trim_matches('/').is_empty()) {
            diags.push(
                Diagnostic::error(format!("`{key}` cannot be empty"))
                    .at(key_location(&file.display_path, &file.text, key))
                    .hint(format!("remove `{key}` to take the URL from the file name")),
            );
        }
    }
    // `slugify.paths_keep_dates` keeps a file name's date in its slug, as in Zola.
    let from_name = if config.slugify.paths_keep_dates {
        &stem
    } else {
        &stem_rest
    };
    let slug = match &meta.slug {
        Some(s) => path_slug(s, config.slugify.paths),
        None => path_slug(from_name, config.slugify.paths),
    };
    if slug.is_empty() && meta.path.is_none() {
        let (message, location) = match &meta.slug {
            Some(s) => (
                format!("the `slug` `{s}` has no letters or digits to make a URL from"),
                key_location(&file.display_path, &file.text, "slug"),
            ),
            None => (
                format!("the file name `{file_name}` has no letters or digits to make a URL from"),
                Location::file(&file.display_path),
            ),
        };
        diags.push(
            Diagnostic::error(message)
                .at(location)
                .hint("set a `slug` with letters or digits in the front matter, or rename the file"),
        );
        return Err(Unmade {
            broken: Some(content_path),
        });
    }
    if let Some(p) = &meta.path
        && let Err(why) = check_url_segments(p)
    {
        diags.push(
            Diagnostic::error(format!("the `path` `{p}` {}", why.reason()))
                .at(key_location(&file.display_path, &file.text, "path"))
                .hint(PATH_HINT),
        );
        return Err(Unmade {
            broken: Some(content_path),
        });
    }
    check_aliases(&file, &meta.aliases, diags);
    let rel = match &meta.path {
        Some(p) => {
            let p = p.trim_matches('/');
            if p.is_empty() {
                String::new()
            } else {
                format!("{p}/")
            }
        }
        // As Zola: a page in another language is under its code, `/fr/blog/page/`.
        None => format!(
            "{}{}{}/",
            lang_prefix(config, &language.lang),
            url_dir(container, config.slugify.paths),
            slug
        ),
    };
    let path = config.url_path(&rel);
    let section = nearest_section(section_by_dir, &language.lang, Some(container))
        .or_else(|| {
            section_by_dir
                .get(&(language.lang.clone(), String::new()))
                .copied()
        })
        .unwrap_or(SectionId(0));
    let mut title = meta.title.clone().unwrap_or_default();
    if title.trim().is_empty() {
        // An empty title would publish an empty <title>, <h1> and every link to the
        // page with no text: the page is called after its URL's last part instead.
        title = match title_from_slug(&slug) {
            t if t.is_empty() => "Untitled".to_owned(),
            t => t,
        };
        let after = if meta.slug.is_some() {
            "its slug"
        } else {
            "its file name"
        };
        let (message, hint) = if body_offset == 0 {
            (
                format!(
                    "this analysis has no front matter, so it has no title: it is called “{title}”, after {after}"
                ),
                "start the file with front matter: a `+++` line, `title = \"…\"`, and another `+++` line",
            )
        } else {
            (
                format!("this analysis has no title: it is called “{title}”, after {after}"),
                "add `title = \"…\"` to its front matter",
            )
        };
        diags.push(
            Diagnostic::warning(message)
                .at(key_location(&file.display_path, &file.text, "title"))
                .hint(hint),
        );
    }
    let date = meta.date.or(file_date);
    // Held once, by the page: nothing reads the front matter's copy after this.
    let taxonomies = std::sync::Arc::new(std::mem::take(&mut meta.taxonomies));
    Ok(Page {
        permalink: config.permalink(&path),
        path,
        title,
        date,
        slug,
        section,
        lang: language.lang,
        canonical: language.canonical,
        assets: Vec::new(),
        bundle_dir: is_bundle.then(|| dir.to_owned()),
        taxonomies,
        lower: None,
        higher: None,
        converted: Default::default(),
        backlinks: Vec::new(),
        related: Vec::new(),
        file,
        body_offset,
        meta,
    })
}

/// The pages and sections that are translations of each other, by canonical content
/// path, in the order of the configuration's languages; nothing on a site with one.
fn translations(config: &Config, sections: &[Section], pages: &[Page]) -> HashMap<String, Vec<Item>> {
    let mut by_canonical: HashMap<String, Vec<(usize, Item)>> = HashMap::new();
    if config.languages.len() < 2 {
        return HashMap::new();
    }
    let order = |lang: &str| {
        config
            .languages
            .iter()
            .position(|l| l.code == lang)
            .unwrap_or(usize::MAX)
    };
    let items = sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.has_output())
        .map(|(i, s)| (s.canonical.clone(), order(&s.lang), Item::Section(SectionId(i))))
        .chain(
            pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.has_output())
                .map(|(i, p)| (p.canonical.clone(), order(&p.lang), Item::Page(PageId(i)))),
        );
    for (canonical, order, item) in items {
        by_canonical.entry(canonical).or_default().push((order, item));
    }
    by_canonical
        .into_iter()
        .map(|(canonical, mut list)| {
            list.sort_by_key(|(order, _)| *order);
            (canonical, list.into_iter().map(|(_, item)| item).collect())
        })
        .collect()
}

/// The nearest section of the language `lang` in `dir` or a folder above it.
fn nearest_section(
    by_dir: &HashMap<(String, String), SectionId>,
    lang: &str,
    mut dir: Option<&str>,
) -> Option<SectionId> {
    while let Some(d) = dir {
        if let Some(id) = by_dir.get(&(lang.to_owned(), d.to_owned())) {
            return Some(*id);
        }
        dir = parent_dir(d);
    }
    None
}

fn check_url_collisions(sections: &[Section], pages: &[Page], diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, &SourceFile> = HashMap::new();
    let items = sections
        .iter()
        .map(|s| (s.path.as_str(), &s.file))
        .chain(pages.iter().map(|p| (p.path.as_str(), &p.file)));
    for (path, file) in items {
        if let Some(first) = seen.get(path) {
            diags.push(
                Diagnostic::error(format!(
                    "{} and {} both map to the URL {path}",
                    first.display_path.display(),
                    file.display_path.display()
                ))
                .in_file(&file.display_path)
                .hint(
                    "give one of them a different `slug` or `path` in its front matter, or rename the file",
                ),
            );
        } else {
            seen.insert(path, file);
        }
    }
}

/// Fills each section's page list in its order, and the pages' neighbours.
fn order_sections(sections: &mut [Section], pages: &mut [Page]) {
    // Pages that write no output (`render = false`) are left out of every list, so no
    // list links to a page that does not exist; `get_page` still finds them.
    for (i, page) in pages.iter().enumerate() {
        if page.has_output() {
            sections[page.section.0].pages.push(PageId(i));
        }
    }
    // Transparent sections hand their pages up, deepest first so chains work.
    for s in (0..sections.len()).rev() {
        if sections[s].meta.transparent
            && let Some(parent) = sections[s].parent
        {
            let moved = sections[s].pages.clone();
            sections[parent.0].pages.extend(moved);
        }
    }
    for section in sections.iter_mut() {
        order_pages(section, pages);
    }
    for (si, section) in sections.iter().enumerate() {
        neighbours(SectionId(si), section, pages);
    }
}

/// Puts a section's pages in its order (`sort_by`, then `paginate_reversed`). Every order
/// ends with the paths, so the order the list had before does not matter.
pub(crate) fn order_pages(section: &mut Section, pages: &[Page]) {
    sort_pages(
        &mut section.pages,
        pages,
        section.meta.sort_by.unwrap_or(SortBy::None),
    );
    if section.meta.paginate_reversed {
        section.pages.reverse();
    }
}

/// Gives the pages of section `id` their neighbours, from its list in order.
pub(crate) fn neighbours(id: SectionId, section: &Section, pages: &mut [Page]) {
    // Neighbours come from the page's own section only (not from a transparent parent).
    let own: Vec<PageId> = section
        .pages
        .iter()
        .copied()
        .filter(|p| pages[p.0].section == id)
        .collect();
    for (i, p) in own.iter().enumerate() {
        // Lists run newest (or first) to oldest; `lower` is further down the list.
        pages[p.0].lower = own.get(i + 1).copied();
        pages[p.0].higher = i.checked_sub(1).map(|j| own[j]);
    }
}

pub(crate) fn sort_pages(list: &mut [PageId], pages: &[Page], sort_by: SortBy) {
    let path = |id: &PageId| pages[id.0].file.content_path.as_str();
    match sort_by {
        // Each key made once: a date's seconds take a time zone's arithmetic, which for
        // every comparison of the 10,000-page corpus's sections and terms took 17 ms.
        SortBy::Date | SortBy::UpdateDate => list.sort_by_cached_key(|id| {
            let p = &pages[id.0];
            let d = if sort_by == SortBy::UpdateDate {
                p.meta.updated.or(p.date)
            } else {
                p.date
            };
            let seconds = d.map(|d| d.sort_key());
            // Newest first; undated pages last.
            (seconds.is_none(), std::cmp::Reverse(seconds), path(id))
        }),
        SortBy::Weight => list.sort_by(|a, b| {
            let w = |id: &PageId| pages[id.0].meta.weight;
            match (w(a), w(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then_with(|| path(a).cmp(path(b)))
        }),
        SortBy::Title => list.sort_by(|a, b| {
            let t = |id: &PageId| pages[id.0].title.to_lowercase();
            t(a).cmp(&t(b)).then_with(|| path(a).cmp(path(b)))
        }),
        SortBy::TitleBytes => list.sort_by(|a, b| {
            pages[a.0]
                .title
                .cmp(&pages[b.0].title)
                .then_with(|| path(a).cmp(path(b)))
        }),
        SortBy::Slug => list.sort_by(|a, b| {
            pages[a.0]
                .slug
                .cmp(&pages[b.0].slug)
                .then_with(|| path(a).cmp(path(b)))
        }),
        SortBy::Permalink => list.sort_by(|a, b| {
            pages[a.0]
                .permalink
                .cmp(&pages[b.0].permalink)
                .then_with(|| path(a).cmp(path(b)))
        }),
        SortBy::None => list.sort_by(|a, b| path(a).cmp(path(b))),
    }
}

/// Each page's place in the order [`SortBy::Date`] puts all `pages` in (a total order:
/// ties go by content path), so that each term's pages are put in that order by their
/// places rather than by making every page's date into a key once per term it has.
fn date_ranks(pages: &[Page]) -> Vec<u32> {
    let mut all: Vec<PageId> = (0..pages.len()).map(PageId).collect();
    sort_pages(&mut all, pages, SortBy::Date);
    let mut ranks = vec![0; pages.len()];
    for (rank, id) in all.iter().enumerate() {
        ranks[id.0] = rank as u32;
    }
    ranks
}

/// The taxonomies of one language, gathered from its pages (Zola makes a taxonomy per
/// language; another language's terms are under its code, `/fr/tags/nato/`).
/// `ranks` are the pages' [`date_ranks`].
fn build_taxonomies(
    config: &Config,
    language: &crate::config::Language,
    (pages, ranks): (&[Page], &[u32]),
    diags: &mut Diagnostics,
) -> Vec<Taxonomy> {
    let names: Vec<&str> = language.taxonomies.iter().map(|t| t.name.as_str()).collect();
    // Zola's order: the language, then `taxonomy_root` (`/fr/blog/tags/`).
    let prefix = format!("{}{}", lang_prefix(config, &language.code), config.taxonomy_root);
    let is_default = language.code == config.default_language;
    // taxonomy -> term slug -> (name, pages)
    let mut gathered: Vec<BTreeMap<String, (String, Vec<PageId>)>> = vec![BTreeMap::new(); names.len()];
    // (taxonomy, spelling) seen.
    let mut respelled: HashSet<(usize, String)> = HashSet::new();
    // (taxonomy, term slug) → the first spelling and the page first using it.
    let mut first_use: HashMap<(usize, String), (String, usize)> = HashMap::new();
    // (taxonomy, term slug, another spelling, the page first using it).
    let mut respellings: Vec<(usize, String, String, usize)> = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        if page.lang != language.code {
            continue;
        }
        let listed = page.has_output();
        for (tax, terms) in page.taxonomies.iter() {
            let Some(t) = names.iter().position(|n| n == tax) else {
                // The list a page's taxonomies are looked up in: the top level's for the
                // default language, its `[languages.xx]` table's for another.
                let list = if is_default {
                    "`taxonomies`".to_owned()
                } else {
                    format!("`taxonomies` of [languages.{}]", language.code)
                };
                let hint = did_you_mean(tax, names.iter().copied()).unwrap_or_else(|| {
                    if names.is_empty() {
                        format!("declare it in config.toml: add {{ name = \"{tax}\" }} to {list}")
                    } else {
                        format!(
                            "declared taxonomies: {}; add `{{ name = \"{tax}\" }}` to {list} in config.toml",
                            names.join(", ")
                        )
                    }
                });
                let message = if is_default {
                    format!("unknown taxonomy `{tax}`")
                } else {
                    format!("unknown taxonomy `{tax}` for the language `{}`", language.code)
                };
                diags.push(
                    Diagnostic::error(message)
                        .at(key_location(&page.file.display_path, &page.file.text, tax))
                        .hint(hint),
                );
                continue;
            };
            for term in terms {
                let name = term.trim();
                if name.is_empty() {
                    diags.push(
                        Diagnostic::error(format!("an empty term in `{tax}`")).at(key_location(
                            &page.file.display_path,
                            &page.file.text,
                            tax,
                        )),
                    );
                    continue;
                }
                let slug = path_slug(name, config.slugify.taxonomies);
                if slug.is_empty() {
                    diags.push(
                        Diagnostic::error(format!(
                            "the {tax} term `{name}` has no letters or digits to make a URL from"
                        ))
                        .at(key_location(&page.file.display_path, &page.file.text, tax))
                        .hint(
                            "a term's page is at /<taxonomy>/<term>/: spell the term with a letter or digit",
                        ),
                    );
                    continue;
                }
                let entry = match gathered[t].entry(slug) {
                    std::collections::btree_map::Entry::Vacant(v) => {
                        respelled.insert((t, name.to_owned()));
                        first_use.insert((t, v.key().clone()), (name.to_owned(), i));
                        v.insert((name.to_owned(), Vec::new()))
                    }
                    std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                };
                // Two spellings of one URL are one term, as Zola makes them, named by the
                // spelling that sorts first (`Blog` before `blog`), as Zola names it. Each
                // spelling is remembered at its first use, so a site that writes `rust`
                // on 500 pages gets one line.
                if entry.0 != name && respelled.insert((t, name.to_owned())) {
                    respellings.push((t, path_slug(name, config.slugify.taxonomies), name.to_owned(), i));
                    if name < entry.0.as_str() {
                        entry.0 = name.to_owned();
                    }
                }
                // Pages arrive in order, so a page that repeats a term (or writes two
                // spellings of it) is the last one added; checking only that keeps a
                // term with thousands of pages linear.
                if listed && entry.1.last() != Some(&PageId(i)) {
                    entry.1.push(PageId(i));
                }
            }
        }
    }
    let mut seconds: Vec<(usize, String, String, usize)> = respellings
        .iter()
        .filter_map(|(t, slug, _, _)| {
            let (name, page) = first_use.remove(&(*t, slug.clone()))?;
            Some((*t, slug.clone(), name, page))
        })
        .collect();
    respellings.append(&mut seconds);
    for (t, slug, name, page) in respellings {
        let chosen = &gathered[t][&slug].0;
        if name == *chosen {
            continue;
        }
        let tax = names[t];
        let file = &pages[page].file;
        let same_letters = chosen.to_lowercase() == name.to_lowercase();
        diags.push(
            Diagnostic::warning(format!(
                "the {tax} term `{name}` is `{chosen}` spelled {}: they are one term, named `{chosen}`",
                if same_letters {
                    "in other case"
                } else {
                    "another way"
                },
            ))
            .at(key_location(&file.display_path, &file.text, tax))
            .hint(format!(
                "both make the page {}; spell the term `{chosen}` everywhere to silence this",
                config.url_path(&format!(
                    "{prefix}{}/{slug}/",
                    path_slug(tax, config.slugify.taxonomies)
                )),
            )),
        );
    }
    language
        .taxonomies
        .iter()
        .zip(gathered)
        .map(|(tc, terms)| {
            let slug = path_slug(&tc.name, config.slugify.taxonomies);
            let path = config.url_path(&format!("{prefix}{slug}/"));
            let mut terms: Vec<Term> = terms
                .into_iter()
                .map(|(term_slug, (name, mut ids))| {
                    ids.sort_unstable_by_key(|id| ranks[id.0]);
                    let path = config.url_path(&format!("{prefix}{slug}/{term_slug}/"));
                    Term {
                        name,
                        permalink: config.permalink(&path),
                        path,
                        slug: term_slug,
                        pages: ids,
                    }
                })
                .collect();
            terms.sort_by(|a, b| {
                a.name
                    .to_lowercase()
                    .cmp(&b.name.to_lowercase())
                    .then(a.slug.cmp(&b.slug))
            });
            Taxonomy {
                config: tc.clone(),
                lang: language.code.clone(),
                permalink: config.permalink(&path),
                path,
                slug,
                terms,
            }
        })
        .collect()
}
