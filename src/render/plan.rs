//! Planning the output files: one job per page, section pager, taxonomy page, feed,
//! redirect, generated file (`.nojekyll`, `CNAME`, `robots.txt`, the sitemap) and copied
//! file, each with the path it writes, the template it renders with and where it came
//! from; two jobs writing one path are an error.

use std::collections::HashMap;
use std::sync::Arc;

use super::job::{
    ArchivePage, Collection, FeedOf, Job, Lang, Planned, Shows, month_path, output_path, pager_path,
    year_path,
};
use super::template_names::{job_template, own_page};
use super::templates::Templates;
use super::{archive, exports, search, sitemap, timeline};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::site::{EventId, PageId, SectionId, Site, TaxonomyId, TermId};
use crate::output_path::OutputPath;
use crate::parse::highlight;
use crate::spans::key_location;
use crate::theme::StaticSource;

/// What earlier stages worked out that decides which outputs exist.
pub(super) struct Derived<'a> {
    pub term_events: &'a [(TermId, Vec<EventId>)],
    /// Each language's archive, by [`Lang`].
    pub archive: &'a [archive::Archive],
    /// Whether any language has a search index.
    pub search: bool,
    /// What separates past events from upcoming ones.
    pub today: jiff::civil::Date,
}

fn alias_path(site: &Site, alias: &str) -> String {
    let a = alias.trim_start_matches('/');
    let rel = if a.ends_with(".html") || a.ends_with(".htm") || a.ends_with('/') {
        a.to_owned()
    } else {
        format!("{a}/")
    };
    output_path(site, &site.config.url_path(&rel))
}

/// The data files a document's charts read, published beside its page (at `path`) where
/// the download links point, unless its bundle's assets already put the same file there.
fn chart_data(
    push: &mut impl FnMut(String, Job, String),
    site: &Site,
    root: &std::path::Path,
    path: &str,
    (owner, assets): (&str, &[String]),
    files: &[crate::charts::DataFile],
    origin: &str,
) {
    for file in files {
        let copied = assets.iter().any(|asset| {
            format!("content/{asset}") == file.source
                && crate::model::site::asset_name(owner, asset) == file.name
        });
        if !copied {
            push(
                output_path(site, &format!("{path}{}", file.name)),
                Job::Copy(StaticSource::File(root.join(&file.source))),
                // The page that charts it: a collision is the page's to resolve.
                origin.to_owned(),
            );
        }
    }
}

pub(super) fn plan(
    site: &Site,
    static_files: &std::collections::BTreeMap<String, StaticSource>,
    stylesheets: &std::collections::BTreeMap<String, crate::sass::Stylesheet>,
    root: &std::path::Path,
    templates: &Templates,
    derived: Derived,
    diags: &mut Diagnostics,
) -> Vec<Planned> {
    let Derived {
        term_events,
        archive,
        search,
        today,
    } = derived;
    let mut out: Vec<Wanted> = Vec::new();
    let mut push = |path: String, job: Job, origin: String| out.push(Wanted { path, job, origin });

    for (path, source) in static_files {
        push(path.clone(), Job::Copy(source.clone()), format!("static/{path}"));
    }
    for (path, sheet) in stylesheets {
        push(path.clone(), Job::Bytes(sheet.css.clone()), sheet.source.clone());
    }
    if site.config.markdown.highlight_code {
        match highlight::stylesheets(
            &site.config.markdown.light_theme,
            &site.config.markdown.dark_theme,
        ) {
            Ok((light, dark, warnings)) => {
                let file = site.config.file.name();
                diags.extend(warnings.into_iter().map(|w| w.in_file(file)));
                push(
                    "syntax.css".into(),
                    Job::Bytes(highlight::combined_stylesheet(&light, &dark).into_bytes().into()),
                    "code highlighting".into(),
                );
                push(
                    "syntax-light.css".into(),
                    Job::Bytes(light.into_bytes().into()),
                    "code highlighting".into(),
                );
                push(
                    "syntax-dark.css".into(),
                    Job::Bytes(dark.into_bytes().into()),
                    "code highlighting".into(),
                );
            }
            Err(d) => diags.push(d.in_file(site.config.file.name())),
        }
    }
    for asset in &site.loose_assets {
        push(
            asset.clone(),
            Job::Copy(StaticSource::File(root.join("content").join(asset))),
            format!("content/{asset}"),
        );
    }

    for (i, s) in site.sections.iter().enumerate() {
        let origin = s.file.display_path.display().to_string();
        for asset in &s.assets {
            let name = crate::model::site::asset_name(&s.file.content_path, asset);
            push(
                output_path(site, &format!("{}{name}", s.path)),
                Job::Copy(StaticSource::File(root.join("content").join(asset))),
                format!("content/{asset}"),
            );
        }
        if s.has_output() {
            chart_data(
                &mut push,
                site,
                root,
                &s.path,
                (&s.file.content_path, &s.assets),
                &s.converted.data_files,
                &origin,
            );
        }
        for alias in &s.meta.aliases {
            push(
                alias_path(site, alias),
                Job::Redirect {
                    to: s.permalink.clone(),
                },
                origin.clone(),
            );
        }
        if !s.has_output() {
            continue;
        }
        if let Some(to) = &s.meta.redirect_to {
            let target = redirect_target(site, to);
            if target == s.permalink {
                diags.push(
                    Diagnostic::error(format!(
                        "`redirect_to` sends {} to itself, so browsers would loop",
                        s.permalink
                    ))
                    .at(key_location(&s.file.display_path, &s.file.text, "redirect_to"))
                    .hint(
                        "point it at another page, such as redirect_to = \"@/section/page.md\", or remove it",
                    ),
                );
            }
            push(output_path(site, &s.path), Job::Redirect { to: target }, origin);
            continue;
        }
        let pagers = match s.meta.paginate_by.filter(|n| *n > 0) {
            Some(n) => s.pages.len().div_ceil(n).max(1),
            None => 1,
        };
        let paginate_path = s.meta.paginate_path.as_deref().unwrap_or("page");
        for index in 1..=pagers {
            push(
                output_path(site, &pager_path(&s.path, paginate_path, index)),
                Job::SectionPager {
                    section: SectionId(i),
                    index,
                },
                origin.clone(),
            );
        }
        if s.meta.paginate_by.is_some_and(|n| n > 0) {
            push(
                output_path(site, &format!("{}{paginate_path}/1/", s.path)),
                Job::Redirect {
                    to: s.permalink.clone(),
                },
                origin.clone(),
            );
        }
    }

    for (i, p) in site.pages.iter().enumerate() {
        let origin = p.file.display_path.display().to_string();
        for asset in &p.assets {
            let name = crate::model::site::asset_name(&p.file.content_path, asset);
            push(
                output_path(site, &format!("{}{name}", p.path)),
                Job::Copy(StaticSource::File(root.join("content").join(asset))),
                format!("content/{asset}"),
            );
        }
        if p.has_output() {
            chart_data(
                &mut push,
                site,
                root,
                &p.path,
                (&p.file.content_path, &p.assets),
                &p.converted.data_files,
                &origin,
            );
        }
        for alias in &p.meta.aliases {
            if p.has_output() && alias_path(site, alias) == output_path(site, &p.path) {
                diags.push(
                    Diagnostic::error(format!(
                        "the alias `{alias}` is the page's own URL, so its redirect would replace the page"
                    ))
                    .at(key_location(&p.file.display_path, &p.file.text, "aliases"))
                    .hint("aliases are the old URLs that should lead here; remove this one"),
                );
                continue;
            }
            push(
                alias_path(site, alias),
                Job::Redirect {
                    to: p.permalink.clone(),
                },
                origin.clone(),
            );
        }
        if p.has_output() {
            push(output_path(site, &p.path), Job::Page(PageId(i)), origin);
        }
    }

    for (ti, t) in site.taxonomies.iter().enumerate() {
        if !t.config.render {
            continue;
        }
        let origin = format!("the `{}` taxonomy", t.config.name);
        push(
            output_path(site, &t.path),
            Job::TaxonomyList(TaxonomyId(ti)),
            origin.clone(),
        );
        for (index, term) in t.terms.iter().enumerate() {
            let id = TermId {
                taxonomy: TaxonomyId(ti),
                index,
            };
            let pagers = match t.config.paginate_by {
                Some(n) => term.pages.len().div_ceil(n).max(1),
                None => 1,
            };
            for index in 1..=pagers {
                push(
                    output_path(site, &pager_path(&term.path, &t.config.paginate_path, index)),
                    Job::TermPager { term: id, index },
                    format!("the `{}` term `{}`", t.config.name, term.name),
                );
            }
            if t.config.feed {
                for format in site.config.feed_formats() {
                    push(
                        output_path(site, &format!("{}{}", term.path, format.file_name())),
                        Job::Feed {
                            of: FeedOf::Term(id),
                            format,
                        },
                        format!("the feed of the `{}` term `{}`", t.config.name, term.name),
                    );
                }
            }
        }
    }
    if templates.has("404.html") {
        push("404.html".into(), Job::NotFound, "404.html".into());
    }
    for format in site.config.feed_formats() {
        if site.config.generate_feeds {
            push(
                output_path(site, &site.config.url_path(format.file_name())),
                Job::Feed {
                    of: FeedOf::Site,
                    format,
                },
                "the site's feed (generate_feeds)".into(),
            );
        }
        for (i, lang) in site.config.languages.iter().enumerate().skip(1) {
            if lang.generate_feeds && lang.feed_filenames.iter().any(|f| f == format.file_name()) {
                push(
                    output_path(
                        site,
                        &site
                            .config
                            .url_path(&format!("{}/{}", lang.code, format.file_name())),
                    ),
                    Job::Feed {
                        of: FeedOf::Language(i),
                        format,
                    },
                    format!(
                        "the feed of the language `{}` (languages.{}.generate_feeds)",
                        lang.code, lang.code
                    ),
                );
            }
        }
        for (i, s) in site.sections.iter().enumerate() {
            // The home section's feed is the site's.
            if s.meta.generate_feeds == Some(true) && s.has_output() && !s.is_root() {
                push(
                    output_path(site, &format!("{}{}", s.path, format.file_name())),
                    Job::Feed {
                        of: FeedOf::Section(SectionId(i)),
                        format,
                    },
                    s.file.display_path.display().to_string(),
                );
            }
        }
    }
    // dossier's own pages, once per language, each under its prefix.
    for lang in Lang::all(site) {
        own_pages(
            &mut push,
            site,
            templates,
            lang,
            &OwnPages {
                term_events,
                archive: &archive[lang.0],
                search,
                today,
            },
        );
    }

    // What GitHub Pages and search engines read.
    push(
        ".nojekyll".into(),
        Job::Bytes(Arc::from(&b""[..])),
        "GitHub Pages (.nojekyll)".into(),
    );
    if let Some(cname) = &site.config.cname {
        push(
            "CNAME".into(),
            Job::Bytes(format!("{cname}\n").into_bytes().into()),
            "`cname` in config.toml".into(),
        );
    }
    // A site's own static/robots.txt or static/sitemap.xml is used as it is.
    if site.config.generate_robots_txt && !static_files.contains_key("robots.txt") {
        let robots = format!(
            "User-agent: *\nAllow: /\n{}",
            if site.config.generate_sitemap {
                format!(
                    "Sitemap: {}\n",
                    site.config.permalink(&site.config.url_path("sitemap.xml"))
                )
            } else {
                String::new()
            }
        );
        push(
            "robots.txt".into(),
            Job::Bytes(robots.into_bytes().into()),
            "generate_robots_txt (robots.txt)".into(),
        );
    }
    if site.config.generate_sitemap && !static_files.contains_key("sitemap.xml") {
        let entries = sitemap::entries(site, out.iter().map(|p| &p.job));
        for (path, xml) in sitemap::files(site, &entries) {
            out.push(Wanted {
                path,
                job: Job::Bytes(xml.into_bytes().into()),
                origin: "generate_sitemap (sitemap.xml)".into(),
            });
        }
    }
    let mut out = checked(out, diags);

    report_collisions(&out, diags);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    for planned in &mut out {
        planned.template = job_template(site, templates, &planned.job);
    }
    out
}

/// What decides which of dossier's own pages a language gets.
struct OwnPages<'a> {
    term_events: &'a [(TermId, Vec<EventId>)],
    archive: &'a archive::Archive,
    search: bool,
    today: jiff::civil::Date,
}

/// dossier's own pages in one language: the link graph, the search index, the archive,
/// the timeline (and each term's of that language), the collections. The default
/// language's are where a site with one language has them; another's are under its code.
fn own_pages(
    push: &mut impl FnMut(String, Job, String),
    site: &Site,
    templates: &Templates,
    lang: Lang,
    derived: &OwnPages,
) {
    let code = lang.code(site);
    // " in `uk`" after what names a page of another language, in messages.
    let in_lang = if lang == Lang::DEFAULT {
        String::new()
    } else {
        format!(" in `{code}`")
    };
    for (path, export) in exports::files(site, lang) {
        push(path, export.job(lang), format!("{}{in_lang}", export.origin()));
    }
    if derived.search && search::enabled(site, lang) {
        for (path, file) in search::files(site, lang) {
            push(
                path,
                file.job(lang),
                format!("the search index{in_lang} (build_search_index)"),
            );
        }
    }
    let own = |template: &str, path: &str| own_page(site, templates, template, &lang.url_path(site, path));
    let archive = derived.archive;
    if own("archive.html", "archive/") && !archive.years.is_empty() {
        push(
            output_path(site, &lang.url_path(site, "archive/")),
            Job::Archive(lang, ArchivePage::Index),
            format!("the archive{in_lang} (archive.html)"),
        );
        for (year, months) in &archive.years {
            push(
                output_path(site, &year_path(site, lang, *year)),
                Job::Archive(lang, ArchivePage::Year(*year)),
                format!("the archive of {year}{in_lang}"),
            );
            for (month, _) in months {
                push(
                    output_path(site, &month_path(site, lang, *year, *month)),
                    Job::Archive(lang, ArchivePage::Month(*year, *month)),
                    format!("the archive of {year}-{month:02}{in_lang}"),
                );
            }
        }
    }
    let events: Vec<EventId> = site
        .event_ids()
        .filter(|e| site.page(site.event(*e).page).lang == code)
        .collect();
    if !events.is_empty() && own("timeline.html", "timeline/") {
        let main = lang.url_path(site, "timeline/");
        for year in timeline::pages(site, Some(&events), derived.today) {
            push(
                output_path(site, &timeline::year_path(&main, year)),
                Job::Timeline(lang, year),
                format!("the timeline page{in_lang} (timeline.html)"),
            );
        }
        for (id, events) in derived.term_events {
            let t = site.taxonomy(id.taxonomy);
            if !t.config.render || t.lang != code {
                continue;
            }
            let term_ref = site.term(*id);
            let path = format!("{}timeline/", term_ref.path);
            for year in timeline::pages(site, Some(events), derived.today) {
                push(
                    output_path(site, &timeline::year_path(&path, year)),
                    Job::TermTimeline(*id, year),
                    format!("the timeline of the `{}` term `{}`", t.config.name, term_ref.name),
                );
            }
        }
    }
    if own("graph.html", "graph/") {
        push(
            output_path(site, &lang.url_path(site, "graph/")),
            Job::SiteGraph(lang),
            format!("the site graph page{in_lang} (graph.html)"),
        );
    }
    for c in Collection::ALL
        .into_iter()
        .filter(|c| c.made(site, templates, lang))
    {
        push(
            output_path(site, &lang.url_path(site, &format!("{}/", c.name()))),
            Job::Collection(lang, c),
            format!("the /{0}/ page{in_lang} ({0}.html)", c.name()),
        );
    }
}

/// An output as planned, before its path is checked.
struct Wanted {
    path: String,
    job: Job,
    origin: String,
}

/// Every output's path made an [`OutputPath`]: one that would leave the output folder,
/// or name a place other than it spells, is an error naming what asked for it. Front
/// matter and config are checked where they are read, with their lines; this is the
/// check nothing can bypass.
fn checked(wanted: Vec<Wanted>, diags: &mut Diagnostics) -> Vec<Planned> {
    let mut out = Vec::with_capacity(wanted.len());
    for Wanted { path, job, origin } in wanted {
        match OutputPath::new(&path) {
            Ok(path) => out.push(Planned {
                path,
                job,
                origin,
                template: None,
                reads_everything: false,
                reads_section_count: true,
                shows: Shows::ALL,
            }),
            Err(why) => diags.push(
                Diagnostic::error(format!("{origin} would write `{path}`, which {}", why.reason()))
                    .hint("every output must stay inside the output folder: change the `path`, `slug`, alias, term or setting that makes this path"),
            ),
        }
    }
    out
}

/// Two outputs at one path would silently overwrite each other, and an output at a path
/// another output needs as a folder (`atom.xml` and `atom.xml/index.html`) cannot exist
/// beside it: either is an error naming both, whatever the output folder held before.
fn report_collisions(out: &[Planned], diags: &mut Diagnostics) {
    // A copied file meeting a generated one: the copied file is the one to move.
    let copied = |o: &&&str| o.starts_with("static/") || (o.starts_with("content/") && !o.ends_with(".md"));
    let mut collide = |first: &str, second: &str, message: String, path: &str| {
        let page = [first, second].into_iter().find(|o| o.ends_with(".md"));
        let hint = match ([first, second].iter().find(copied), page) {
            (Some(file), Some(page)) => {
                format!("change the `path` or `slug` of {page}, or rename {file}")
            }
            (Some(file), None) => format!("the site makes {path} itself: rename or remove {file}"),
            (None, _) => "change a `slug`, `path` or alias, or rename one of the files".to_owned(),
        };
        diags.push(Diagnostic::error(message).hint(hint));
    };
    let mut seen: HashMap<&str, &str> = HashMap::with_capacity(out.len());
    for planned in out {
        if let Some(first) = seen.insert(planned.path.as_str(), &planned.origin)
            && first != planned.origin
        {
            collide(
                first,
                &planned.origin,
                format!("{} and {} both produce {}", first, planned.origin, planned.path),
                planned.path.as_str(),
            );
        }
    }
    let mut reported = std::collections::HashSet::new();
    for planned in out {
        for folder in planned.path.ancestors() {
            if let Some(file) = seen.get(folder)
                && reported.insert(folder)
            {
                collide(
                    file,
                    &planned.origin,
                    format!(
                        "{} produces the file {folder}, and {} needs {folder} to be a folder (for {})",
                        file, planned.origin, planned.path
                    ),
                    folder,
                );
            }
        }
    }
}

fn redirect_target(site: &Site, to: &str) -> String {
    if let Some(content) = to.strip_prefix("@/")
        && let Some(item) = site.by_content_path.get(content)
    {
        return match item {
            crate::model::site::Item::Page(p) => site.page(*p).permalink.clone(),
            crate::model::site::Item::Section(s) => site.section(*s).permalink.clone(),
        };
    }
    if to.contains("://") {
        return to.to_owned();
    }
    // A path names a page's folder, as Zola reads it (`documentation/overview` is
    // `…/documentation/overview/`), unless it names a file or carries a query or fragment.
    let last = to.rsplit('/').next().unwrap_or(to);
    let slash = if to.is_empty() || to.ends_with('/') || last.contains(['.', '#', '?']) {
        ""
    } else {
        "/"
    };
    site.config
        .permalink(&site.config.url_path(&format!("{to}{slash}")))
}
