//! The Markdown pass alone, for the hostile-input tests and `benches/markdown.rs`.
//!
//! They measure how the pass's work grows with its input, so they need to run it without
//! a site around it. Everything else about the pass is private to the crate; this is the
//! one door to it, hidden from the documentation because it is not an API for users.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::config::{AnchorLinks, MarkdownConfig};
use crate::diagnostic::Diagnostic;
use crate::model::link_targets::{LinkTargets, convert};
use crate::model::sources::Sources;
use crate::parse::highlight::Highlighter;
use crate::parse::markdown::{Calls, Doc};
use crate::parse::shortcodes::{Flavour, Invocation, Shortcodes};
use crate::parse::wikilinks::WikiIndex;

/// A site of one page, `x.md` at `/x/`, for a page `a.md` to link to, with a
/// bibliography if one was given, and two shortcodes: `x`, writing HTML, and `y`, writing
/// Markdown around its body.
pub struct MarkdownProbe {
    config: MarkdownConfig,
    highlighter: Highlighter,
    urls: HashMap<String, String>,
    paths: HashMap<String, String>,
    wiki: WikiIndex,
    sources: Option<Sources>,
    empty_set: HashSet<String>,
    empty_map: HashMap<String, String>,
    folded: HashMap<String, Option<String>>,
}

/// What one pass made, in the sizes the tests look at.
pub struct Converted {
    pub html_bytes: usize,
    pub problems: usize,
}

impl MarkdownProbe {
    /// `bibliography`: a site folder and the file under its `content/` to cite from, read
    /// with the CSL style `chicago-author-date`.
    pub fn new(bibliography: Option<(&Path, &str)>) -> Result<MarkdownProbe, Diagnostic> {
        let urls = HashMap::from([("x.md".to_owned(), "/x/".to_owned())]);
        let paths = urls.iter().map(|(k, v)| (v.clone(), k.clone())).collect();
        let mut wiki = WikiIndex::default();
        wiki.add("x.md", "X", "x");
        wiki.finish();
        let sources = match bibliography {
            Some((root, file)) => {
                let config_path = root.join("config.toml");
                let text = crate::load::bibliography(root, file, &config_path)?;
                Some(Sources::parse(&text, "chicago-author-date", &config_path)?)
            }
            None => None,
        };
        Ok(MarkdownProbe {
            config: MarkdownConfig::default(),
            highlighter: Highlighter::new(true),
            urls,
            paths,
            wiki,
            sources,
            empty_set: HashSet::new(),
            empty_map: HashMap::new(),
            folded: HashMap::from([("x.md".to_owned(), Some("x.md".to_owned()))]),
        })
    }

    /// The Markdown pass over `body` as the page `a.md`, links and citations included.
    pub fn convert(&self, body: &str) -> Converted {
        let targets = LinkTargets {
            config: &self.config,
            highlighter: &self.highlighter,
            urls: &self.urls,
            broken: &self.empty_set,
            drafts: &self.empty_map,
            wiki: crate::model::link_targets::Wiki::Made(&self.wiki),
            paths: &self.paths,
            unrendered: &self.empty_set,
            sources: self.sources.as_ref(),
            bibliography_failed: false,
            severity: crate::diagnostic::Severity::Error,
            relative_severity: crate::diagnostic::Severity::Error,
            folded: &self.folded,
            calls: Calls::Shortcodes(&ProbeShortcodes),
            origin: "https://example.org",
            base_path: "/",
            charts: &crate::charts::Files::none(),
        };
        let doc = Doc {
            display_path: Path::new("content/a.md"),
            text: body,
            body,
            body_offset: 0,
            content_path: "a.md",
            permalink: "https://example.org/a/",
            url_path: "/a/",
            anchors: AnchorLinks::Right,
            words: crate::words::Lookup::english(),
        };
        let converted = convert(&doc, &targets);
        Converted {
            html_bytes: converted.content.len(),
            problems: converted.diagnostics.len(),
        }
    }
}

/// The probe's shortcodes: `{{ x(…) }}` writes a `<span>` with its `nth`; `{% y() %}…{% end %}`
/// writes its body in emphasis, which is parsed as Markdown with the page.
struct ProbeShortcodes;

impl Shortcodes for ProbeShortcodes {
    fn flavour(&self, name: &str) -> Option<Flavour> {
        match name {
            "x" => Some(Flavour::Html),
            "y" => Some(Flavour::Markdown),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&str> {
        vec!["x", "y"]
    }

    fn render(&self, _: &str, call: &Invocation) -> Result<String, Diagnostic> {
        Ok(match call.name {
            "x" => format!("<span class=\"x\">{}</span>", call.nth),
            _ => format!("*{}*", call.body.unwrap_or("y")),
        })
    }
}
