//! A small test harness in the spirit of mdBook's `BookTest`: copy a fixture site into a
//! temporary folder, adjust it, run the real `dossier` binary on it and look at the HTML.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};
use tempfile::TempDir;

/// The `dossier` binary Cargo built for this test run.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_dossier");

/// The repository root (the example site lives here).
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Cargo's target folder, where browser tests leave what CI keeps (screenshots, reports).
pub(crate) fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

/// Builds the repository's example site into `public/` of a temporary folder.
pub(crate) fn example_site() -> TempDir {
    let out = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(BIN);
    cmd.arg("--root")
        .arg(repo_root())
        .args(["build", "-o"])
        .arg(out.path().join("public"));
    Output::of(cmd).assert_success();
    out
}

fn fixtures_dir() -> PathBuf {
    repo_root().join("tests").join("fixtures")
}

/// A site in a temporary folder.
pub(crate) struct SiteTest {
    dir: TempDir,
}

impl SiteTest {
    /// A copy of the repository's example site (config, content, static files, themes).
    pub(crate) fn example() -> SiteTest {
        let site = SiteTest::empty();
        for part in ["content", "data", "static", "themes"] {
            if repo_root().join(part).is_dir() {
                copy_dir(&repo_root().join(part), &site.path(part));
            }
        }
        std::fs::copy(repo_root().join("config.toml"), site.path("config.toml")).expect("copy config.toml");
        site
    }

    /// Replaces the first line of `rel` that starts with `prefix` by `line`.
    pub(crate) fn replace_line(&self, rel: &str, prefix: &str, line: &str) {
        let text = self.read(rel);
        let mut found = false;
        let edited: Vec<&str> = text
            .lines()
            .map(|l| {
                if !found && l.starts_with(prefix) {
                    found = true;
                    line
                } else {
                    l
                }
            })
            .collect();
        assert!(found, "no line of {rel} starts with {prefix:?}");
        self.write(rel, edited.join("\n") + "\n");
    }

    /// Copies `tests/fixtures/<name>/` into a fresh temporary folder.
    pub(crate) fn fixture(name: &str) -> SiteTest {
        let source = fixtures_dir().join(name);
        assert!(source.is_dir(), "no fixture at {}", source.display());
        let site = SiteTest::empty();
        copy_dir(&source, site.root());
        site
    }

    /// An empty temporary folder (no config.toml, nothing).
    pub(crate) fn empty() -> SiteTest {
        let dir = tempfile::Builder::new()
            .prefix("dossier-it-")
            .tempdir()
            .expect("temp dir");
        SiteTest { dir }
    }

    /// Adds or overwrites a file, creating its folders (builder style).
    pub(crate) fn file(self, rel: &str, contents: impl AsRef<[u8]>) -> SiteTest {
        self.write(rel, contents);
        self
    }

    /// Adds or overwrites a file after the site was made.
    pub(crate) fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the site folder.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// The text of a file inside the site folder.
    pub(crate) fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Runs `dossier --root <site> <args…>` in the site folder.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.arg("--root")
            .arg(self.root())
            .args(args)
            .current_dir(self.root());
        Output::of(cmd)
    }

    /// `dossier --root <site> build`.
    pub(crate) fn build(&self) -> Output {
        self.run(&["build"])
    }

    /// Builds and fails the test, showing the output, unless the build succeeded.
    pub(crate) fn build_ok(&self) -> Output {
        let out = self.build();
        out.assert_success();
        out
    }

    /// Builds expecting a user error, and checks what every user error must satisfy:
    /// exit status 1, no panic, and an existing `public/` left exactly as it was.
    pub(crate) fn build_err(&self) -> Output {
        let sentinel = "public/sentinel.txt";
        let planted = !self.exists("public");
        if planted {
            self.write(sentinel, "from an earlier build\n");
        }
        let before = snapshot(&self.path("public"));
        let out = self.build();
        out.assert_user_error();
        assert_eq!(
            snapshot(&self.path("public")),
            before,
            "a failed build changed public/\n{out}"
        );
        assert_no_staging_left(self.root());
        if planted {
            std::fs::remove_dir_all(self.path("public")).ok();
        }
        out
    }

    /// Every link in `public/` to the site itself resolves (see [`broken_links`]); for
    /// fixtures published at `https://example.org/`.
    pub(crate) fn assert_no_broken_links(&self) {
        let broken = broken_links(&self.path("public"), "https://example.org/");
        assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    }

    /// The parsed HTML at a URL path of the output, relative to `public/`: `/a/b/` reads
    /// `public/a/b/index.html`, `/404.html` reads `public/404.html`.
    pub(crate) fn html(&self, url: &str) -> Html {
        parse_output(&self.path("public"), url)
    }

    /// The raw text of an output file at a URL path (see [`SiteTest::html`]).
    pub(crate) fn output_text(&self, url: &str) -> String {
        read_output(&self.path("public"), url)
    }
}

/// What a run of the binary printed and returned.
pub(crate) struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    command: String,
}

impl Output {
    pub(crate) fn of(mut cmd: Command) -> Output {
        cmd.env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .env("NO_COLOR", "1");
        let command = format!("{cmd:?}");
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {command}: {e}"));
        Output {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            command,
        }
    }

    pub(crate) fn success(&self) -> bool {
        self.code == Some(0)
    }

    pub(crate) fn assert_success(&self) {
        assert!(self.success(), "expected success\n{self}");
        self.assert_no_panic();
    }

    /// Exit status 1 and a tidy message: no panic, no backtrace hint.
    pub(crate) fn assert_user_error(&self) {
        assert_eq!(self.code, Some(1), "expected exit status 1\n{self}");
        self.assert_no_panic();
        assert!(
            self.stderr.contains("error"),
            "stderr should say what went wrong\n{self}"
        );
    }

    pub(crate) fn assert_no_panic(&self) {
        assert!(!self.stderr.contains("panicked"), "the binary panicked\n{self}");
        assert!(
            !self.stderr.contains("RUST_BACKTRACE"),
            "the binary panicked\n{self}"
        );
    }

    /// Asserts that stderr contains every one of `needles`.
    pub(crate) fn assert_stderr_has(&self, needles: &[&str]) {
        for n in needles {
            assert!(self.stderr.contains(n), "stderr should contain {n:?}\n{self}");
        }
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "command: {}\nexit: {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.command, self.code, self.stdout, self.stderr
        )
    }
}

/// The file of a URL path under an output folder.
pub(crate) fn output_file(out_dir: &Path, url: &str) -> PathBuf {
    let rel = url.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        out_dir.join(rel).join("index.html")
    } else {
        out_dir.join(rel)
    }
}

pub(crate) fn read_output(out_dir: &Path, url: &str) -> String {
    let path = output_file(out_dir, url);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        let files: Vec<String> = snapshot(out_dir).into_keys().collect();
        panic!("cannot read {}: {e}\noutput files: {files:#?}", path.display())
    })
}

pub(crate) fn parse_output(out_dir: &Path, url: &str) -> Html {
    Html::parse_document(&read_output(out_dir, url))
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e:?}"))
}

/// The text of every element matching `css`, with whitespace collapsed.
pub(crate) fn texts(html: &Html, css: &str) -> Vec<String> {
    html.select(&selector(css))
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The text of the one element matching `css`.
pub(crate) fn text(html: &Html, css: &str) -> String {
    let all = texts(html, css);
    assert_eq!(all.len(), 1, "expected exactly one {css:?}, found {all:?}");
    all.into_iter().next().unwrap_or_default()
}

/// The value of `attr` on every element matching `css` that has it.
pub(crate) fn attrs(html: &Html, css: &str, attr: &str) -> Vec<String> {
    html.select(&selector(css))
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// The value of `attr` on the one element matching `css`.
pub(crate) fn attr(html: &Html, css: &str, attr_name: &str) -> String {
    let all = attrs(html, css, attr_name);
    assert_eq!(
        all.len(),
        1,
        "expected exactly one {css:?} with {attr_name}, found {all:?}"
    );
    all.into_iter().next().unwrap_or_default()
}

/// How many elements match `css`.
pub(crate) fn count(html: &Html, css: &str) -> usize {
    html.select(&selector(css)).count()
}

/// Every file under `dir` (relative path with `/` → bytes); empty when `dir` is missing.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if dir.is_dir() {
        collect(dir, dir, &mut out);
    }
    out
}

fn collect(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, out);
        } else {
            let rel = path.strip_prefix(base).expect("inside base");
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(rel, std::fs::read(&path).expect("read file"));
        }
    }
}

/// Every folder under `dir`, as relative paths with `/`.
pub(crate) fn folders(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").filter_map(Result::ok) {
            if entry.path().is_dir() {
                let rel = entry
                    .path()
                    .strip_prefix(dir)
                    .expect("inside dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
                stack.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// Every HTML file under an output folder, as URL-ish relative paths.
pub(crate) fn html_files(out_dir: &Path) -> Vec<String> {
    snapshot(out_dir)
        .into_keys()
        .filter(|p| p.ends_with(".html"))
        .collect()
}

/// No staging folder (`.dossier-staging-…`) is left in the site folder `dir` or in its
/// output folder `dir/public`.
pub(crate) fn assert_no_staging_left(dir: &Path) {
    let leftovers: Vec<String> = [dir.to_path_buf(), dir.join("public")]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".dossier-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

/// Copies a folder tree (a fixture site) into `to`.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Resolves `href` as a browser would on the page at URL path `page` (`/a/b/`), returning
/// the URL path without fragment or query; `None` for other sites and non-HTTP links.
pub(crate) fn resolve(page: &str, href: &str) -> Option<String> {
    let href = href.split(['#', '?']).next().unwrap_or("");
    if href.contains("://")
        || href.starts_with("//")
        || href.starts_with("mailto:")
        || href.starts_with("data:")
    {
        return None;
    }
    if href.is_empty() {
        return Some(page.to_owned());
    }
    let joined = if href.starts_with('/') {
        href.to_owned()
    } else {
        let dir = &page[..=page.rfind('/').unwrap_or(0)];
        format!("{dir}{href}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if (joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/..")) && out != "/" {
        out.push('/');
    }
    Some(out)
}

/// The URL path (`/a/b/`) of an HTML output file (`a/b/index.html`).
pub(crate) fn url_of(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{file}"),
    }
}

/// `https://user.github.io/repo/` → (`https://user.github.io`, `/repo/`).
pub(crate) fn split_base_url(base_url: &str) -> (String, String) {
    let scheme_end = base_url.find("://").map_or(0, |i| i + 3);
    let path_start = base_url[scheme_end..]
        .find('/')
        .map_or(base_url.len(), |i| scheme_end + i);
    let origin = base_url[..path_start].to_owned();
    let path = base_url[path_start..].trim_matches('/');
    let base_path = if path.is_empty() {
        "/".to_owned()
    } else {
        format!("/{path}/")
    };
    (origin, base_path)
}

/// Every link target in an HTML document: `href`, `src` and meta-refresh URLs.
pub(crate) fn link_targets(html: &Html) -> Vec<String> {
    let mut out = attrs(html, "[href]", "href");
    out.extend(attrs(html, "[src]", "src"));
    for content in attrs(html, "meta[http-equiv=refresh]", "content") {
        if let Some((_, url)) = content.split_once("url=") {
            out.push(url.to_owned());
        }
    }
    out
}

/// Checks every link to the site itself in every HTML file under `out_dir`, a site
/// published at `base_url`: its file must exist, and a `#fragment` must name an element
/// of the target page. Returns one line per broken link.
pub(crate) fn broken_links(out_dir: &Path, base_url: &str) -> Vec<String> {
    let (origin, base_path) = split_base_url(base_url);
    let mut ids: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    let mut ids_of = |file: &Path| -> Vec<String> {
        ids.entry(file.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(file).unwrap_or_default();
                attrs(&Html::parse_document(&text), "[id]", "id")
            })
            .clone()
    };
    let mut broken = Vec::new();
    for file in html_files(out_dir) {
        let page_url = format!("{}{}", base_path.trim_end_matches('/'), url_of(&file));
        let html = parse_output(out_dir, &url_of(&file));
        for link in link_targets(&html) {
            let local = match link.strip_prefix(origin.as_str()) {
                Some(rest) if rest.starts_with('/') => rest.to_owned(),
                _ => link.clone(),
            };
            let (path_part, fragment) = local.split_once('#').unwrap_or((local.as_str(), ""));
            let Some(target) = resolve(&page_url, path_part) else {
                continue;
            };
            let Some(rel) = target
                .strip_prefix(base_path.trim_end_matches('/'))
                .filter(|r| r.starts_with('/'))
            else {
                broken.push(format!("{file}: {link} is outside the base path {base_path}"));
                continue;
            };
            let mut target_file = output_file(out_dir, rel);
            if target_file.is_dir() {
                target_file = target_file.join("index.html");
            }
            if !target_file.is_file() {
                broken.push(format!(
                    "{file}: {link} → {} does not exist",
                    target_file.display()
                ));
                continue;
            }
            let is_html = target_file.extension().is_some_and(|e| e == "html");
            if !fragment.is_empty() && is_html && !ids_of(&target_file).iter().any(|id| id == fragment) {
                broken.push(format!(
                    "{file}: {link} → no element with id {fragment:?} in {}",
                    target_file.display()
                ));
            }
        }
    }
    broken
}

/// The only inline scripts in a page are the theme's own (applying the chosen colour
/// scheme before the first paint, code colours included) and JSON-LD data.
pub(crate) fn assert_only_theme_inline_scripts(html: &Html) {
    let inline = texts(html, "script:not([src]):not([type=\"application/ld+json\"])");
    assert_eq!(inline.len(), 1, "{inline:?}");
    assert!(inline[0].contains("dossier-theme"), "{inline:?}");
}
