//! `dossier check`: every link and asset in the built HTML that points into the site must
//! reach a file the build made, under the site's base path. This is what catches a theme
//! or an analysis that writes `/style.css` on a site published under `/repo/`.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::config::{Config, origin_of};
use crate::diagnostic::{Diagnostic, Diagnostics, closest};
use crate::model::site::Site;
use crate::output_path::OutputPath;
use crate::theme::StaticSource;
use crate::write::Sink;

/// A sink that keeps the output's file names and the links of its HTML pages.
pub(crate) struct LinkCheck {
    files: Mutex<HashSet<String>>,
    /// (output path, URLs in its `href` and `src` attributes).
    links: Mutex<Vec<(String, Vec<String>)>>,
    /// (output path, an `id` two or more of its elements have).
    duplicate_ids: Mutex<Vec<(String, String)>>,
    attribute: regex::Regex,
    id: regex::Regex,
}

impl Default for LinkCheck {
    fn default() -> Self {
        LinkCheck {
            files: Mutex::default(),
            links: Mutex::default(),
            attribute: regex::Regex::new(r#"(?i)\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
                .expect("a valid pattern"),
            duplicate_ids: Mutex::default(),
            id: regex::Regex::new(r#"(?i)\sid\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("a valid pattern"),
        }
    }
}

impl Sink for LinkCheck {
    fn write(&self, path: &OutputPath, bytes: &[u8]) -> std::io::Result<()> {
        let path = path.as_str();
        if path.ends_with(".html") {
            let text = String::from_utf8_lossy(bytes);
            let urls: Vec<String> = self
                .attribute
                .captures_iter(&text)
                .filter_map(|c| c.get(1).or_else(|| c.get(2)))
                .map(|m| unescape(m.as_str()))
                .collect();
            lock(&self.links).push((path.to_owned(), urls));
            // A heading of an analysis can take an id the theme gives its own section
            // (`## What to watch`): links to it then reach only the first.
            let mut ids: Vec<String> = self
                .id
                .captures_iter(&text)
                .filter_map(|c| c.get(1).or_else(|| c.get(2)))
                .map(|m| unescape(m.as_str()))
                .collect();
            ids.sort();
            let mut dupes: Vec<String> = ids
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| w[0].clone())
                .collect();
            dupes.dedup();
            if !dupes.is_empty() {
                let mut all = lock(&self.duplicate_ids);
                all.extend(dupes.into_iter().map(|id| (path.to_owned(), id)));
            }
        }
        lock(&self.files).insert(path.to_owned());
        Ok(())
    }

    fn copy(&self, path: &OutputPath, source: &StaticSource) -> std::io::Result<()> {
        if let StaticSource::File(file) = source {
            std::fs::metadata(file)?;
        }
        lock(&self.files).insert(path.as_str().to_owned());
        Ok(())
    }

    /// `check` needs only the names of processed images: none is made.
    fn keep(&self, path: &OutputPath) -> bool {
        lock(&self.files).insert(path.as_str().to_owned());
        true
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where a URL in a page leads.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// Another site, a `mailto:`, a fragment of the same page…: not ours to check.
    Elsewhere,
    /// A file under the output folder (`security/kursk/index.html`, `style.css`), or a
    /// folder (`security/kursk/`) whose `index.html` must exist.
    Output(String),
    /// On this host but not under the base path: broken once published under it.
    OutsideBase(String),
}

/// Links and images that analyses write with a path on this site (`/analyses/old-page/`,
/// `![map](map.png)`) and that no output answers, each at the line that wrote it: warnings
/// for `build`, errors for `check` (`as_errors`). Also returns the output files they
/// name, so `check`'s crawl of the built pages does not report them a second time.
pub(crate) fn markdown_refs(
    site: &Site,
    outputs: &HashSet<String>,
    as_errors: bool,
) -> (Diagnostics, HashSet<String>) {
    let mut diags = Diagnostics::new();
    let mut reported = HashSet::new();
    let mut hints = Suggestions::new(&site.config, outputs);
    let refs = site
        .pages
        .iter()
        .filter(|p| p.has_output())
        .flat_map(|p| &p.converted.local_refs)
        .chain(site.sections.iter().flat_map(|s| &s.converted.local_refs));
    for r in refs {
        let Target::Output(file) = target(&site.config, "", &r.url) else {
            // Elsewhere, or outside the base path: `check`'s crawl says which.
            continue;
        };
        if exists(outputs, &file) {
            continue;
        }
        let what = if r.image { "image" } else { "link" };
        let message = format!("the {what} `{}` leads to nothing the site has", r.url);
        let d = if as_errors {
            Diagnostic::error(message)
        } else {
            Diagnostic::warning(message)
        };
        diags.push(d.at(r.location.clone()).hint(hints.for_missing(&file, r.image)));
        reported.insert(file);
    }
    (diags, reported)
}

/// Hints for missing outputs: one with the same file name elsewhere (`map.png` →
/// `/images/map.png`), else a close spelling among outputs of its kind (pages for a page,
/// files for a file), else what to do. Each missing file is looked up once, and only the
/// first few spellings are searched for: each search compares with every output, and a
/// page may hold thousands of broken links.
struct Suggestions<'a> {
    config: &'a Config,
    outputs: &'a HashSet<String>,
    /// File name → the first output (in path order) with that name; made on first use.
    by_name: Option<HashMap<&'a str, &'a str>>,
    found: HashMap<String, String>,
    searches_left: usize,
}

impl<'a> Suggestions<'a> {
    const SEARCHES: usize = 10;

    fn new(config: &'a Config, outputs: &'a HashSet<String>) -> Self {
        Suggestions {
            config,
            outputs,
            by_name: None,
            found: HashMap::new(),
            searches_left: Self::SEARCHES,
        }
    }

    fn for_missing(&mut self, file: &str, image: bool) -> String {
        if let Some(hint) = self.found.get(file) {
            return hint.clone();
        }
        let hint = self.make(file, image);
        self.found.insert(file.to_owned(), hint.clone());
        hint
    }

    fn make(&mut self, file: &str, image: bool) -> String {
        let url = |o: &str| format!("{}{}", self.config.base_path, o.trim_end_matches("index.html"));
        let page = file.ends_with("index.html");
        let outputs = self.outputs;
        if !page {
            let by_name = self.by_name.get_or_insert_with(|| {
                let mut sorted: Vec<&str> = outputs.iter().map(String::as_str).collect();
                sorted.sort_unstable();
                let mut map = HashMap::new();
                for o in sorted {
                    map.entry(o.rsplit('/').next().unwrap_or(o)).or_insert(o);
                }
                map
            });
            if let Some(found) = by_name.get(file.rsplit('/').next().unwrap_or(file)) {
                return format!("did you mean {}?", url(found));
            }
        }
        let near = (self.searches_left > 0).then(|| {
            self.searches_left -= 1;
            let kind = outputs
                .iter()
                .map(String::as_str)
                .filter(|o| o.ends_with("index.html") == page);
            closest(file, kind)
        });
        match near.flatten() {
            Some(near) => format!("did you mean {}?", url(near)),
            None if image || !page => {
                "put the file in static/ (or beside the analysis, in its bundle), or fix the path".to_owned()
            }
            None => "link to an analysis with `@/section/page.md`, which is checked as you write".to_owned(),
        }
    }
}

impl LinkCheck {
    /// Reports every link into the site that reaches nothing, except the output files in
    /// `reported` (already reported at their Markdown line). `origin` names the source of
    /// an output file (the analysis or template that made it).
    pub(crate) fn finish(
        self,
        config: &Config,
        reported: &HashSet<String>,
        origin: impl Fn(&str) -> Option<String>,
    ) -> Diagnostics {
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut pages = self.links.into_inner().unwrap_or_else(|e| e.into_inner());
        pages.sort();
        // One report per broken URL, naming the pages it is on: a template's mistake is
        // on every page made with it.
        let mut broken: Vec<(String, String, Vec<String>)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (page, urls) in pages {
            for url in urls {
                let problem = match target(config, &page, &url) {
                    Target::Elsewhere => continue,
                    Target::Output(file) if exists(&files, &file) || reported.contains(&file) => continue,
                    Target::Output(file) => {
                        let hint = closest(&file, files.iter().map(String::as_str))
                            .map(|c| {
                                format!(
                                    "did you mean {}{}?",
                                    config.base_path,
                                    c.trim_end_matches("index.html")
                                )
                            })
                            .unwrap_or_else(|| {
                                "check the link's path, or build the page it names".to_owned()
                            });
                        (format!("`{url}` leads to nothing the site has"), hint)
                    }
                    Target::OutsideBase(path) => (
                        format!(
                            "`{url}` is outside the site's base path {} and breaks once published",
                            config.base_path
                        ),
                        format!(
                            "write it as {}{} (templates: {{{{ config.base_path }}}} or get_url)",
                            config.base_path,
                            path.trim_start_matches('/')
                        ),
                    ),
                };
                let key = format!("{}\u{0}{}", problem.0, problem.1);
                let at = *index.entry(key).or_insert_with(|| {
                    broken.push((problem.0, problem.1, Vec::new()));
                    broken.len() - 1
                });
                if broken[at].2.last() != Some(&page) {
                    broken[at].2.push(page.clone());
                }
            }
        }
        let mut diags = Diagnostics::new();
        let mut dupes = self.duplicate_ids.into_inner().unwrap_or_else(|e| e.into_inner());
        dupes.sort();
        for (page, id) in dupes {
            let source = origin(&page).unwrap_or_else(|| page.clone());
            diags.push(
                Diagnostic::error(format!(
                    "two elements of {page} have the id `{id}`, so links to #{id} reach only the first"
                ))
                .in_file(source)
                .hint(format!(
                    "a heading may take an id the theme uses: give it its own, as in `## Heading {{#{id}-notes}}`"
                )),
            );
        }
        for (message, hint, pages) in broken {
            let source = origin(&pages[0]).unwrap_or_else(|| pages[0].clone());
            let place = match pages.len() {
                1 => format!("in {}", pages[0]),
                n => format!("in {n} pages, such as {}", pages[..n.min(3)].join(", ")),
            };
            diags.push(
                Diagnostic::error(format!("broken link {place}: {message}"))
                    .in_file(source)
                    .hint(hint),
            );
        }
        diags
    }
}

fn exists(files: &HashSet<String>, file: &str) -> bool {
    if files.contains(file) {
        return true;
    }
    // `/repo/security` reaches `security/index.html` (static hosts redirect).
    !file.ends_with('/') && files.contains(&format!("{file}/index.html"))
}

/// Resolves `url`, found in the output file `page`, to what it leads to.
fn target(config: &Config, page: &str, url: &str) -> Target {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if url.is_empty()
        || url.starts_with('#')
        || ["mailto:", "tel:", "javascript:", "data:", "sms:"]
            .iter()
            .any(|s| lower.starts_with(s))
    {
        return Target::Elsewhere;
    }
    let origin = origin_of(&config.base_url);
    let path = if let Some(rest) = url.strip_prefix("//") {
        match same_origin(&origin, &format!("{}//{rest}", scheme_of(&config.base_url))) {
            Some(p) => p,
            None => return Target::Elsewhere,
        }
    } else if lower.contains("://") {
        match same_origin(&origin, url) {
            Some(p) => p,
            None => return Target::Elsewhere,
        }
    } else if url.starts_with('/') {
        url.to_owned()
    } else {
        // Relative to the page's own folder.
        let dir = match page.rfind('/') {
            Some(i) => &page[..=i],
            None => "",
        };
        format!("{}{dir}{url}", config.base_path)
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let normal = normalize(&decoded);
    match normal.strip_prefix(config.base_path.as_str()) {
        Some(rest) if rest.is_empty() || rest.ends_with('/') => Target::Output(format!("{rest}index.html")),
        Some(rest) => Target::Output(rest.to_owned()),
        None if format!("{normal}/") == config.base_path => Target::Output("index.html".to_owned()),
        None => Target::OutsideBase(normal),
    }
}

/// `/a/./b/../c/` → `/a/c/`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "." => {}
            ".." => {
                if parts.len() > 1 {
                    parts.pop();
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

fn scheme_of(url: &str) -> &str {
    url.split_once("://")
        .map_or("https:", |(s, _)| if s == "http" { "http:" } else { "https:" })
}

/// The path of `url` when it is on `origin`.
fn same_origin(origin: &str, url: &str) -> Option<String> {
    if origin_of(url) != origin {
        return None;
    }
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let path = &rest[host.len()..];
    Some(if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    })
}

/// The entities an attribute value may hold in our output.
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};

    fn config(base_url: &str) -> Config {
        Config::parse(&format!("base_url = \"{base_url}\""), &Overrides::default())
            .0
            .expect("config")
    }

    #[test]
    fn urls_resolve_to_output_files() {
        let c = config("https://user.github.io/repo/");
        let page = "security/kursk/index.html";
        let out = |s: &str| Target::Output(s.to_owned());
        assert_eq!(target(&c, page, "/repo/style.css"), out("style.css"));
        assert_eq!(target(&c, page, "/repo/"), out("index.html"));
        assert_eq!(target(&c, page, "/repo"), out("index.html"));
        assert_eq!(target(&c, page, "/repo/economy/"), out("economy/index.html"));
        assert_eq!(
            target(&c, page, "https://user.github.io/repo/economy/#x"),
            out("economy/index.html")
        );
        assert_eq!(target(&c, page, "map.png"), out("security/kursk/map.png"));
        assert_eq!(
            target(&c, page, "../other/?q=1"),
            out("security/other/index.html")
        );
        assert_eq!(
            target(&c, page, "/repo/tags/caf%C3%A9/"),
            out("tags/café/index.html")
        );
        assert_eq!(
            target(&c, page, "/style.css"),
            Target::OutsideBase("/style.css".into())
        );
        assert_eq!(
            target(&c, page, "https://user.github.io/other/"),
            Target::OutsideBase("/other/".into())
        );
        for elsewhere in [
            "#top",
            "mailto:a@b.org",
            "https://example.org/",
            "//cdn.example.org/x.js",
            "",
        ] {
            assert_eq!(target(&c, page, elsewhere), Target::Elsewhere, "{elsewhere}");
        }
    }

    #[test]
    fn broken_and_outside_links_are_reported_once_per_page() {
        let c = config("https://user.github.io/repo/");
        let check = LinkCheck::default();
        check.write(&OutputPath::new("style.css").unwrap(), b"").unwrap();
        check
            .write(
                &OutputPath::new("a/index.html").unwrap(),
                br#"<link href="/repo/style.css"><a href="/repo/b/">b</a><a href='/repo/b/'>b</a><img src="/logo.png">"#,
            )
            .unwrap();
        let diags = check.finish(&c, &HashSet::new(), |p| Some(format!("source of {p}")));
        let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].contains("`/repo/b/` leads to nothing"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("outside the site's base path /repo/"),
            "{messages:?}"
        );
    }

    #[test]
    fn suggestions_search_a_bounded_number_of_times() {
        let c = config("https://example.org/");
        let outputs: HashSet<String> = ["images/map.png", "security/kursk/index.html"]
            .into_iter()
            .map(String::from)
            .collect();
        let mut hints = Suggestions::new(&c, &outputs);
        assert_eq!(
            hints.for_missing("security/map.png", true),
            "did you mean /images/map.png?"
        );
        assert_eq!(
            hints.for_missing("security/kursj/index.html", false),
            "did you mean /security/kursk/?"
        );
        for n in 0..Suggestions::SEARCHES {
            hints.for_missing(&format!("missing-{n}/index.html"), false);
        }
        // The budget is spent: a near miss now gets the plain hint, but one already seen
        // keeps its answer, and same-name matches need no search.
        assert!(
            hints
                .for_missing("security/kursx/index.html", false)
                .starts_with("link to an analysis")
        );
        assert_eq!(
            hints.for_missing("security/kursj/index.html", false),
            "did you mean /security/kursk/?"
        );
        assert_eq!(
            hints.for_missing("a/map.png", true),
            "did you mean /images/map.png?"
        );
    }
}
