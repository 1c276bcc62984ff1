//! What links in Markdown resolve against: the site's URLs, wikilink titles, drafts,
//! broken files and documents without a page. `LinkTargets` answers the parser's
//! questions (`parse::markdown::Targets`) and words the errors; `convert` runs the
//! Markdown pass over one document against it, citations formatted, noting what the
//! document asked.

use std::collections::{HashMap, HashSet};

use crate::config::MarkdownConfig;
use crate::diagnostic::{Diagnostic, Severity, closest};
use crate::model::citations;
use crate::model::sources::Sources;
use crate::parse::highlight::Highlighter;
use crate::parse::markdown::asked::Asking;
use crate::parse::markdown::{self, Calls, Citations, CiteCheck, Converted, Doc, Target, Targets};
use crate::parse::wikilinks::{WikiError, WikiIndex};

/// The index wikilinks resolve against: made, or made for `site` when the first
/// wikilink asks for it (most documents have none, and a build with the cache converts
/// few documents).
pub(crate) enum Wiki<'a> {
    Made(&'a WikiIndex),
    Lazy {
        index: &'a std::sync::OnceLock<WikiIndex>,
        site: &'a crate::model::site::Site,
    },
}

impl Wiki<'_> {
    fn get(&self) -> &WikiIndex {
        match self {
            Wiki::Made(index) => index,
            Wiki::Lazy { index, site } => index.get_or_init(|| wiki_index(site)),
        }
    }
}

/// Every page's and section's title, path and slug, for wikilinks.
fn wiki_index(site: &crate::model::site::Site) -> WikiIndex {
    let mut wiki = WikiIndex::default();
    for p in &site.pages {
        wiki.add(&p.file.content_path, &p.title, &p.slug);
    }
    for s in &site.sections {
        wiki.add(&s.file.content_path, s.title(), "");
    }
    wiki.finish();
    wiki
}

/// What a document needs to know about the rest of the site.
pub(crate) struct LinkTargets<'a> {
    pub config: &'a MarkdownConfig,
    pub highlighter: &'a Highlighter,
    /// Content path (`security/kursk.md`) to URL path (`/security/kursk/`).
    pub urls: &'a HashMap<String, String>,
    /// Files that exist but failed to parse: links to them are not errors of their own.
    pub broken: &'a HashSet<String>,
    /// Drafts left out of this build (content path → title): linking to one is an error.
    pub drafts: &'a HashMap<String, String>,
    pub wiki: Wiki<'a>,
    /// URL path (`/security/kursk/`) → content path, to recognise plain links to pages.
    pub paths: &'a HashMap<String, String>,
    /// Pages and sections with `render = false`: they have no URL to link to.
    pub unrendered: &'a HashSet<String>,
    /// The bibliography `[@key]` citations refer to, if the site has one.
    pub sources: Option<&'a Sources>,
    /// Whether config.toml names a bibliography that could not be loaded: its own error
    /// says why, and citations are not errors of their own.
    pub bibliography_failed: bool,
    /// What a link to a missing page, a draft or a page without output is
    /// (`[link_checker] internal_level`).
    pub severity: Severity,
    /// What a relative `.md` link to a missing page is (`Config::relative_link_severity`).
    pub relative_severity: Severity,
    /// Lower-cased content path → the document's path, if only one folds to it.
    pub folded: &'a HashMap<String, Option<String>>,
    /// What calls in a body are: shortcodes or templates, which the renderer answers.
    pub calls: Calls<'a>,
    /// The site's origin (`https://example.org`, lower case) and base path (`/` or
    /// `/repo/`), to tell absolute links to the site itself.
    pub origin: &'a str,
    pub base_path: &'a str,
    /// Where charts read their data.
    pub charts: &'a crate::charts::Files,
}

/// One document's Markdown as HTML, its links resolved against `targets` and its
/// citations formatted with the bibliography.
/// What the document asked of the targets is kept with it
/// ([`Questions`](crate::parse::markdown::asked::Questions)).
pub(crate) fn convert(doc: &Doc, targets: &LinkTargets) -> Converted {
    let asking = Asking::new(targets);
    let env = markdown::Env {
        config: targets.config,
        highlighter: targets.highlighter,
        targets: &asking,
        citations: targets,
        calls: targets.calls,
        charts: targets.charts,
        lenient: targets.relative_severity,
    };
    let mut converted = markdown::to_html(doc, &env);
    converted.questions = asking.into_questions();
    citations::fill(&mut converted, targets.sources, &doc.words);
    converted
}

impl Targets for LinkTargets<'_> {
    fn internal(&self, path: &str, written: &str, relative: bool) -> Result<String, Option<Diagnostic>> {
        let severity = if relative {
            self.relative_severity
        } else {
            self.severity
        };
        let Some(url) = self.urls.get(path) else {
            if self.broken.contains(path) {
                return Err(None);
            }
            if self.drafts.contains_key(path) {
                return Err(Some(draft_error(path, self.severity)));
            }
            let hint = closest(path, self.urls.keys().map(String::as_str))
                .map(|c| format!("did you mean `@/{c}`?"))
                .unwrap_or_else(|| {
                    "internal links name a file under content/, such as `@/section/page.md`".to_owned()
                });
            return Err(Some(
                Diagnostic::new(severity, format!("link to a missing page `{written}`")).hint(hint),
            ));
        };
        self.check_rendered(path)?;
        Ok(url.clone())
    }

    fn case_variant(&self, path: &str) -> Option<String> {
        self.folded.get(&path.to_lowercase()).cloned().flatten()
    }

    fn wikilink(&self, target: &str) -> Result<Target, Option<Diagnostic>> {
        let path = self
            .wiki
            .get()
            .resolve(target)
            .map_err(|err| self.wikilink_error(target, err))?;
        let Some(url) = self.urls.get(&path).cloned() else {
            return Err(self
                .drafts
                .contains_key(&path)
                .then(|| draft_error(&path, self.severity)));
        };
        self.check_rendered(&path)?;
        let title = self.wiki.get().title(&path).map(str::to_owned);
        Ok(Target { path, url, title })
    }

    fn document_at(&self, url: &str) -> Option<&str> {
        self.paths.get(url).map(String::as_str)
    }
    fn own_path<'u>(&self, url: &'u str) -> Option<&'u str> {
        let origin = url.get(..self.origin.len())?;
        if self.origin.is_empty() || !origin.eq_ignore_ascii_case(self.origin) {
            return None;
        }
        let path = &url[self.origin.len()..];
        let path = if path.is_empty() { "/" } else { path };
        let under = path.starts_with(self.base_path) || path == self.base_path.trim_end_matches('/');
        (path.starts_with('/') && under).then_some(path)
    }
}

impl Citations for LinkTargets<'_> {
    fn check(&self, key: &str) -> CiteCheck {
        citations::check(self.sources, self.bibliography_failed, key)
    }
}

impl LinkTargets<'_> {
    /// A link to `path`, which has `render = false` and so no page, is an error.
    fn check_rendered(&self, path: &str) -> Result<(), Option<Diagnostic>> {
        if !self.unrendered.contains(path) {
            return Ok(());
        }
        Err(Some(
            Diagnostic::new(
                self.severity,
                format!("link to `{path}`, which has `render = false` and so no page"),
            )
            .hint("remove the link, or remove `render = false` from that file"),
        ))
    }

    /// The error for a wikilink that names no page or several; none when it names a
    /// broken file, which reports its own.
    fn wikilink_error(&self, target: &str, err: WikiError) -> Option<Diagnostic> {
        let quoted = |list: &[String]| {
            list.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let diagnostic = match err {
            WikiError::Ambiguous(candidates) => Diagnostic::new(
                self.severity,
                format!("the wikilink [[{target}]] matches {} pages", candidates.len()),
            )
            .hint(format!("name one by its path: {}", quoted(&candidates))),
            WikiError::Missing(candidates) => {
                // A file that failed to parse reports its own error; this one would only
                // follow from it.
                let names_broken = |path: &String| {
                    let path = path.trim_end_matches(".md").trim_end_matches("/index");
                    path == target || path.rsplit('/').next() == Some(target)
                };
                if self.broken.iter().any(names_broken) {
                    return None;
                }
                if let Some((path, _)) = self.drafts.iter().find(|(p, title)| {
                    p.trim_end_matches(".md") == target || title.eq_ignore_ascii_case(target)
                }) {
                    return Some(draft_error(path, self.severity));
                }
                let hint = if candidates.is_empty() {
                    "a wikilink names a page by title, path (`section/page`) or slug".to_owned()
                } else {
                    format!("did you mean {}?", quoted(&candidates).replace(", ", " or "))
                };
                Diagnostic::new(
                    self.severity,
                    format!("the wikilink [[{target}]] matches no page"),
                )
                .hint(hint)
            }
        };
        Some(diagnostic)
    }
}

fn draft_error(path: &str, severity: Severity) -> Diagnostic {
    Diagnostic::new(
        severity,
        format!("link to `{path}`, which is a draft and is left out of this build"),
    )
    .hint("publish it (`draft = false`), remove the link, or build with `--drafts`")
}
