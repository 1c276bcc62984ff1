//! What templates do inside content, answered for the Markdown pass: Zola 0.22's
//! shortcodes (`parse::shortcodes`), templates under `templates/shortcodes/` (`name.html`
//! writes HTML, `name.md` Markdown; the site's over its theme's) rendered with Zola's
//! context: the arguments, `nth`, `lang`, `colocated_path`, `body`, then `page` or
//! `section` and `config`, which no argument overrides; and Zola 0.23's templated content
//! (`parse::templated`), a body rendered as a template with `page` or `section`,
//! `config` and `lang`, the site's functions and components at hand.
//!
//! Both run before the site's Markdown is converted, so `page` holds what is known then
//! (front matter, URLs, dates, taxonomies) and not the page's content, table of contents
//! or backlinks; `get_url` works, `get_page` and the like do not, as in Zola.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use tera::Value;

use super::context;
use super::page_value::{Shape, page_value};
use super::templates::{Lookups, Templates};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::site::{PageId, Site};
use crate::parse::shortcodes::{Arg, Flavour, Invocation, Shortcodes, may_hold};
use crate::parse::templated::{BodyError, ContentTemplates};

pub(crate) struct SiteCalls<'a> {
    templates: &'a Templates,
    /// Name → what it writes and its template.
    known: BTreeMap<String, (Flavour, String)>,
    /// Content path → `page` or `section` and its value, for the documents that may call
    /// a shortcode.
    contexts: HashMap<String, (&'static str, Value)>,
    config: Value,
    lang: String,
    /// `skip_content_templating`.
    skip: &'a globset::GlobSet,
}

impl<'a> SiteCalls<'a> {
    /// The shortcodes among `templates`, with the context of each document of `site` that
    /// may call one or be templated (its Markdown still in the model). `config` is the
    /// site's (a copy: the model is lent out to be filled while these are used).
    /// `today` is the day of the build, which `now()` gives.
    pub(crate) fn new(
        site: &Site,
        templates: &'a Templates,
        config: &'a Config,
        today: jiff::civil::Date,
    ) -> SiteCalls<'a> {
        let mut known = BTreeMap::new();
        for name in templates.sources.keys() {
            let Some(file) = name.strip_prefix("shortcodes/") else {
                continue;
            };
            let found = match (file.strip_suffix(".html"), file.strip_suffix(".md")) {
                (Some(stem), _) => (stem, Flavour::Html),
                (_, Some(stem)) => (stem, Flavour::Markdown),
                _ => continue,
            };
            // `x.html` sorts before `x.md` and is kept when both exist.
            known
                .entry(found.0.to_owned())
                .or_insert_with(|| (found.1, name.clone()));
        }
        let contexts = if known.is_empty() && !config.content_templating {
            HashMap::new()
        } else {
            // `get_url` answers from here until rendering gives the template functions
            // the whole site; `get_page` and `get_section` too when a shortcode (or, with
            // templated content, any template) may call them.
            let reads = templates.reads_everything();
            let wanted = |name: &String| config.content_templating || name.starts_with("shortcodes/");
            let everything = reads.iter().any(|(name, reads)| *reads && wanted(name));
            let shape = Shape::whole(site, templates);
            templates.set_lookups(Lookups {
                today: Some(today),
                ..lookups(site, everything, &shape)
            });
            contexts(site, &shape)
        };
        SiteCalls {
            templates,
            known,
            contexts,
            config: Value::from_serializable(config),
            lang: config.default_language.clone(),
            skip: &config.skip_content_templating,
        }
    }
}

/// What the template functions can find before Markdown is converted: each document's
/// permalink for `get_url`, and with `everything` each page and section as far as it is
/// known then (front matter, URLs, dates, terms; no content) for `get_page` and
/// `get_section`, as Zola gives shortcodes.
fn lookups(site: &Site, everything: bool, shape: &Shape) -> Lookups {
    let mut l = urls(site);
    if everything {
        let refs = context::page_refs(site);
        let no_html = Value::safe_string("");
        let pages: Vec<Value> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| page_value(site, PageId(i), &refs, &no_html, shape))
            .collect();
        for (p, value) in site.pages.iter().zip(&pages) {
            l.pages.insert(p.file.content_path.clone(), value.clone());
        }
        for s in &site.sections {
            let own: Vec<Value> = s.pages.iter().map(|id| pages[id.0].clone()).collect();
            l.sections
                .insert(s.file.content_path.clone(), context::section_value(site, s, &own));
        }
    }
    l
}

/// What `get_url` needs: the site's address and each document's permalink.
fn urls(site: &Site) -> Lookups {
    let pages = site
        .pages
        .iter()
        .map(|p| &p.file.content_path)
        .zip(site.pages.iter().map(|p| &p.permalink));
    let sections = site.sections.iter().map(|s| (&s.file.content_path, &s.permalink));
    Lookups {
        base_url: site.config.base_url.clone(),
        permalinks: pages
            .chain(sections)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        ..Lookups::of_languages(&site.config)
    }
}

/// `page` or `section` for each document whose body may call a shortcode.
fn contexts(site: &Site, shape: &Shape) -> HashMap<String, (&'static str, Value)> {
    let calls = |text: &str, body: usize| may_hold(&text[body.min(text.len())..]);
    let pages: Vec<PageId> = (0..site.pages.len())
        .map(PageId)
        .filter(|id| {
            let p = site.page(*id);
            calls(&p.file.text, p.body_offset)
        })
        .collect();
    let refs = if pages.is_empty() {
        Vec::new()
    } else {
        context::page_refs(site)
    };
    let no_html = Value::safe_string("");
    let mut out: HashMap<String, (&'static str, Value)> = pages
        .par_iter()
        .map(|id| {
            let path = site.page(*id).file.content_path.clone();
            (path, ("page", page_value(site, *id, &refs, &no_html, shape)))
        })
        .collect();
    for s in &site.sections {
        if calls(&s.file.text, s.body_offset) {
            out.insert(
                s.file.content_path.clone(),
                ("section", context::section_ref(site, s)),
            );
        }
    }
    out
}

fn value(arg: &Arg) -> Value {
    match arg {
        Arg::Str(s) => Value::from(s.as_str()),
        Arg::Bool(b) => Value::from(*b),
        Arg::Int(i) => Value::from(*i),
        Arg::Float(f) => Value::from(*f),
        Arg::Array(items) => Value::from(items.iter().map(value).collect::<Vec<_>>()),
    }
}

impl Shortcodes for SiteCalls<'_> {
    fn flavour(&self, name: &str) -> Option<Flavour> {
        self.known.get(name).map(|(flavour, _)| *flavour)
    }

    fn names(&self) -> Vec<&str> {
        self.known.keys().map(String::as_str).collect()
    }

    fn render(&self, doc: &str, call: &Invocation) -> Result<String, Diagnostic> {
        let Some((_, template)) = self.known.get(call.name) else {
            return Err(Diagnostic::error(format!("unknown shortcode `{}`", call.name)));
        };
        let document = self.contexts.get(doc);
        let mut ctx = tera::Context::new();
        ctx.insert("nth", &call.nth);
        ctx.insert("lang", &self.lang);
        if let Some(path) = document.and_then(|(_, v)| v.get_from_path("colocated_path")) {
            ctx.insert_value("colocated_path", path.clone());
        }
        for (key, arg) in call.args {
            ctx.insert_value(key.clone(), value(arg));
        }
        if let Some(body) = call.body {
            ctx.insert("body", body);
        }
        if let Some((key, value)) = document {
            ctx.insert_value(*key, value.clone());
        }
        ctx.insert_value("config", self.config.clone());
        self.templates.render(template, &ctx)
    }
}

impl ContentTemplates for SiteCalls<'_> {
    fn render(&self, doc: &str, body: &str) -> Result<String, BodyError> {
        let mut ctx = tera::Context::new();
        ctx.insert("lang", &self.lang);
        if let Some((key, value)) = self.contexts.get(doc) {
            ctx.insert_value(*key, value.clone());
        }
        ctx.insert_value("config", self.config.clone());
        self.templates
            .tera
            .render_str(body, &ctx, false)
            .map_err(|e| body_error(&e, body))
    }

    fn skips(&self, doc: &str) -> bool {
        self.skip.is_match(doc)
    }
}

/// A template error in a body, placed at its line and column there.
fn body_error(err: &tera::Error, body: &str) -> BodyError {
    let offset = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let line_start = body
                .split_inclusive('\n')
                .take(span.start_line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>();
            let column: usize = body[line_start..]
                .chars()
                .take(span.start_col)
                .map(char::len_utf8)
                .sum();
            Some(line_start + column)
        }
        _ => None,
    };
    let mut diagnostic = super::templates::template_error(err, &BTreeMap::new(), None);
    diagnostic.location = None;
    diagnostic.message = diagnostic
        .message
        .replacen("template error", "template error in content", 1);
    BodyError {
        offset,
        diagnostic: diagnostic.hint(
            "the content is a Tera template, as in Zola 0.23: wrap text that only looks like one in {% raw %}…{% endraw %}, or list the file in `skip_content_templating`",
        ),
    }
}
