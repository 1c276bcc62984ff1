//! Links: `@/` and relative `.md` links, wikilinks, plain links (made absolute so they
//! work in a summary on another page), external links' attributes, and `[@key]`
//! citations. What a link names is asked of `Env::targets` (the model); this module
//! places the answer, records the link for backlinks and places any error at the link.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::state::{Run, State};
use super::{AnchorRef, CITE, Cite, CiteCheck, LinkKind, LocalRef, PULLQUOTE_FOCUS_HINT, placeholder};
use crate::config::MarkdownConfig;
use crate::diagnostic::Diagnostic;
use crate::html::escape_attr;
use crate::parse::tree::find_end;
use crate::slugs::anchor_slug;

impl<'a> State<'a> {
    /// A link's start at `i`: written as text in a pull quote, a wikilink resolved (and,
    /// without text of its own, shown by its target's title), a citation left as a
    /// placeholder, or a link with its destination resolved. Returns the index of the
    /// next event to handle.
    pub(super) fn link_start(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        i: usize,
        out: &mut Vec<Event<'a>>,
        run: &mut Run,
    ) -> usize {
        let (
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }),
            range,
        ) = &events[i]
        else {
            return i + 1;
        };
        let offset = self.doc.body_offset + range.start;
        if self.in_pullquote {
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "the link to `{dest_url}` in a pull quote is shown as plain text"
                ))
                .at(self.location(offset))
                .hint(PULLQUOTE_FOCUS_HINT),
            );
            if let LinkType::WikiLink { has_pothole: false } = link_type {
                // `[[target]]` has no text of its own besides the target.
                let end = find_end(events, i);
                out.push(Event::Text(dest_url.clone()));
                return end + 1;
            }
            run.stripped_link_open = true;
            return i + 1;
        }
        if let LinkType::WikiLink { has_pothole } = link_type {
            let (href, target_title) = self.wikilink(dest_url, offset);
            let link = Tag::Link {
                link_type: LinkType::Inline,
                dest_url: CowStr::from(href),
                title: title.clone(),
                id: CowStr::from(""),
            };
            if *has_pothole {
                out.push(Event::Start(link));
                run.depth += 1;
                return i + 1;
            }
            // `[[security/kursk]]` shows the target's title, not its path.
            let end = find_end(events, i);
            let shown = target_title.unwrap_or_else(|| dest_url.to_string());
            self.words += shown.split_whitespace().count();
            self.text(&shown);
            out.push(Event::Start(link));
            out.push(Event::Text(CowStr::from(shown)));
            out.push(Event::End(TagEnd::Link));
            return end + 1;
        }
        if let Some(spec) = dest_url.strip_prefix(CITE) {
            let end = find_end(events, i);
            self.citation(spec, offset, out);
            return end + 1;
        }
        let (href, external) = self.link(*link_type, dest_url, offset);
        if external && self.env.config_wants_external_attrs() {
            run.external_open = true;
            out.push(Event::Html(CowStr::from(external_link_open(
                &href,
                title,
                self.env.config,
            ))));
        } else {
            out.push(Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: CowStr::from(href),
                title: title.clone(),
                id: CowStr::from(""),
            }));
        }
        run.depth += 1;
        i + 1
    }

    /// A link's end, written the way its start was.
    pub(super) fn link_end(&mut self, out: &mut Vec<Event<'a>>, run: &mut Run) {
        if run.stripped_link_open {
            run.stripped_link_open = false;
            return;
        }
        run.depth = run.depth.saturating_sub(1);
        if run.external_open {
            run.external_open = false;
            out.push(Event::Html(CowStr::from("</a>")));
        } else {
            out.push(Event::End(TagEnd::Link));
        }
    }

    /// Resolves a link's destination; returns the href and whether it points off-site.
    fn link(&mut self, link_type: LinkType, dest: &str, offset: usize) -> (String, bool) {
        if matches!(link_type, LinkType::Email) || dest.starts_with("mailto:") {
            return (dest.to_owned(), false);
        }
        if let Some(target) = dest.strip_prefix("@/") {
            return (self.internal(target, offset, false), false);
        }
        let external = dest.contains("://") || dest.starts_with("//");
        if external {
            // `https://example.org/security/kursk/` on example.org (written so, or made by
            // `get_url` in templated content) is a link within the site, kept as written.
            if let Some(path) = self.env.targets.own_path(dest) {
                let url = path.split(['#', '?']).next().unwrap_or(path);
                match self.env.targets.document_at(url) {
                    Some(target) => {
                        let target = target.to_owned();
                        self.record_link(&target, LinkKind::Link);
                    }
                    None => self.local_ref(url, false, offset),
                }
                return (dest.to_owned(), false);
            }
            return (dest.to_owned(), true);
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            if !anchor.is_empty() {
                self.anchor_refs.push(AnchorRef {
                    target: self.doc.content_path.to_owned(),
                    anchor: anchor.to_owned(),
                    location: self.location(offset),
                    relative: true,
                });
            }
            // With the page's path, so the link still works in a summary on a list page.
            return (format!("{}{dest}", self.doc.url_path), false);
        }
        let (path_part, _) = dest.split_once('#').unwrap_or((dest, ""));
        if path_part.ends_with(".md") && !dest.starts_with('/') {
            let base = parent_dir(self.doc.content_path);
            let joined = normalize(&format!("{base}{dest}"));
            return (self.internal(&joined, offset, true), false);
        }
        let href = self.relative_to_page(dest);
        // A plain URL of a page on this site (`/security/kursk/`) is a link to it too,
        // for backlinks and the graph.
        let url = href.split(['#', '?']).next().unwrap_or(&href);
        if let Some(target) = self.env.targets.document_at(url) {
            let target = target.to_owned();
            self.record_link(&target, LinkKind::Link);
        } else {
            self.local_ref(url, false, offset);
        }
        (href, false)
    }

    /// Remembers a root-relative URL path for the check against the site's outputs.
    pub(super) fn local_ref(&mut self, url: &str, image: bool, offset: usize) {
        if url.starts_with('/') && !url.starts_with("//") {
            self.local_refs.push(LocalRef {
                url: url.to_owned(),
                image,
                location: self.location(offset),
            });
        }
    }

    /// `data.csv` in `/reports/annual/` → `/reports/annual/data.csv`. Absolute paths, URLs
    /// with a scheme and fragments are left as they are.
    pub(super) fn relative_to_page(&self, dest: &str) -> String {
        let has_scheme = dest
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'));
        if dest.is_empty() || has_scheme || dest.starts_with(['/', '#', '?']) {
            return dest.to_owned();
        }
        let (path, rest) = match dest.find(['#', '?']) {
            Some(i) => dest.split_at(i),
            None => (dest, ""),
        };
        let joined = normalize(&format!("{}{path}", self.doc.url_path));
        let slash = if path.ends_with('/') && !joined.is_empty() {
            "/"
        } else {
            ""
        };
        format!("/{joined}{slash}{rest}")
    }

    /// Resolves `security/kursk.md#heading` to its URL, reporting a missing target;
    /// `relative` for a relative `.md` link rather than an `@/` one.
    fn internal(&mut self, target: &str, offset: usize, relative: bool) -> String {
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target, None),
        };
        let path = path.trim_start_matches('/');
        let targets = self.env.targets;
        let (path, url) = match targets.internal(path, target, relative) {
            Ok(url) => (path.to_owned(), url),
            Err(problem) => {
                // `Report.md` for `report.md`: found on a case-insensitive disk (as a Zola
                // site built on macOS was), a broken link on GitHub Pages.
                let found = targets.case_variant(path).and_then(|found| {
                    let url = targets.internal(&found, target, relative).ok()?;
                    Some((found, url))
                });
                let Some((found, url)) = found else {
                    self.report(problem, offset);
                    return String::from("#");
                };
                let location = self.location(offset);
                self.diagnostics.push(
                    Diagnostic::warning(format!("the link to `{path}` finds `{found}` only when case is ignored"))
                        .at(location)
                        .hint("write the name as the file is spelt: GitHub Pages and most servers tell the two apart"),
                );
                (found, url)
            }
        };
        let path = path.as_str();
        self.record_link(path, LinkKind::Link);
        match anchor {
            Some(a) if !a.is_empty() => {
                self.anchor_refs.push(AnchorRef {
                    target: path.to_owned(),
                    anchor: a.to_owned(),
                    location: self.location(offset),
                    relative,
                });
                format!("{url}#{a}")
            }
            _ => url,
        }
    }

    /// Resolves `[[target#heading]]`; returns the href and the target's title.
    fn wikilink(&mut self, dest: &str, offset: usize) -> (String, Option<String>) {
        let (target, fragment) = match dest.split_once('#') {
            Some((t, f)) => (t.trim(), Some(f.trim())),
            None => (dest.trim(), None),
        };
        let anchor = fragment.filter(|f| !f.is_empty()).map(|f| {
            let id = anchor_slug(f, self.env.config.anchor_slugs);
            if id.is_empty() { f.to_owned() } else { id }
        });
        if target.is_empty() {
            // `[[#Heading]]`: a heading of this page.
            let Some(anchor) = anchor else {
                return ("#".to_owned(), None);
            };
            self.anchor_refs.push(AnchorRef {
                target: self.doc.content_path.to_owned(),
                anchor: anchor.clone(),
                location: self.location(offset),
                relative: false,
            });
            return (
                format!("{}#{anchor}", self.doc.url_path),
                fragment.map(str::to_owned),
            );
        }
        let found = match self.env.targets.wikilink(target) {
            Ok(found) => found,
            Err(problem) => {
                self.report(problem, offset);
                return ("#".to_owned(), None);
            }
        };
        self.record_link(&found.path, LinkKind::Wikilink);
        match anchor {
            Some(a) => {
                self.anchor_refs.push(AnchorRef {
                    target: found.path,
                    anchor: a.clone(),
                    location: self.location(offset),
                    relative: false,
                });
                (format!("{}#{a}", found.url), found.title)
            }
            None => (found.url, found.title),
        }
    }

    /// A citation (`@a, p. 4; @b`): checked against the bibliography and left as a
    /// placeholder until the model formats the page's citations together.
    fn citation(&mut self, spec: &str, offset: usize, out: &mut Vec<Event<'a>>) {
        let mut cites = Vec::new();
        for part in spec.split(';') {
            let part = part.trim().trim_start_matches('@');
            let (key, at) = match part.split_once(',') {
                Some((key, at)) => (key.trim(), Some(at.to_owned())),
                None => (part.trim(), None),
            };
            match self.env.citations.check(key) {
                CiteCheck::Found => cites.push(Cite {
                    key: key.to_owned(),
                    locator: at,
                }),
                CiteCheck::Unknown(problem) => self.report(Some(problem), offset),
                CiteCheck::NoBibliography(problem) => {
                    self.report(problem, offset);
                    return;
                }
            }
        }
        if cites.is_empty() {
            return;
        }
        // Link excerpts leave citations out; the space before one would be left hanging
        // before the punctuation after it ("finished ." for "finished [@a].").
        if let Some(block) = self.blocks.last_mut() {
            block.truncate(block.trim_end().len());
        }
        out.push(Event::Html(CowStr::from(placeholder(self.citations.len()))));
        self.citations.push(cites);
    }

    /// Places a problem the model found with a link at the link.
    fn report(&mut self, problem: Option<Diagnostic>, offset: usize) {
        if let Some(d) = problem {
            let location = self.location(offset);
            self.diagnostics.push(d.at(location));
        }
    }
}

fn external_link_open(href: &str, title: &str, config: &MarkdownConfig) -> String {
    let mut rel = Vec::new();
    if config.external_links_target_blank {
        rel.push("noopener");
    }
    if config.external_links_no_follow {
        rel.push("nofollow");
    }
    if config.external_links_no_referrer {
        rel.push("noreferrer");
    }
    if config.external_links_external {
        rel.push("external");
    }
    // escape_href leaves nothing to escape again: `&` is `&amp;` already, quotes and
    // angle brackets are percent-encoded.
    let mut href_escaped = String::new();
    pulldown_cmark_escape::escape_href(&mut href_escaped, href).ok();
    let mut html = format!("<a href=\"{href_escaped}\"");
    if let Some(class) = &config.external_links_class {
        html.push_str(&format!(" class=\"{}\"", escape_attr(class)));
    }
    if !title.is_empty() {
        html.push_str(&format!(" title=\"{}\"", escape_attr(title)));
    }
    if !rel.is_empty() {
        html.push_str(&format!(" rel=\"{}\"", rel.join(" ")));
    }
    if config.external_links_target_blank {
        html.push_str(" target=\"_blank\"");
    }
    html.push('>');
    html
}

/// `security/kursk.md` → `security/`; `economy/bundle/index.md` → `economy/bundle/`.
fn parent_dir(content_path: &str) -> &str {
    content_path.rfind('/').map_or("", |i| &content_path[..=i])
}

/// Folds `a/./b/../c.md` into `a/c.md`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}
