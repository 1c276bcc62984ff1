//! `dossier::incremental`: a site kept in memory and updated after files change must stay
//! byte-identical to a cold build of the same tree.
//!
//! The randomised test copies `tests/fixtures/incremental/`, builds it in a
//! [`Session`], then makes a few hundred random changes (edits, new and deleted pages,
//! renames, static files, sections, templates, broken files, whole folders deleted or
//! moved away and back, or switched to other files as `git checkout` does) in small
//! batches; a folder that vanished or appeared is sometimes reported only by its own path,
//! as the watcher does for a folder moved. After each
//! batch it calls [`Session::apply`] with the touched paths and compares the outputs with a
//! cold `build::run` of the same tree. A failing run prints its seed and the operations it
//! made; `DOSSIER_FUZZ_SEED=<seed>` replays it, `DOSSIER_FUZZ_OPS=<n>` sets how many
//! operations to make and `DOSSIER_FUZZ_DEBUG=1` prints why each failing build failed and
//! the operations of a passing run.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use dossier::build::{self, BuildOptions, Mode};
use dossier::incremental::{Session, Update};
use regex::Regex;

use crate::harness::{SiteTest, repo_root};

const FIXTURE: &str = "incremental";
const DEFAULT_SEED: u64 = 0x00D0_55AE_2024_1029;
const DEFAULT_OPS: usize = 400;

type Files = BTreeMap<String, Arc<[u8]>>;

// ---------------------------------------------------------------------------------------
// Building and comparing

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output_dir: None,
        base_url: None,
        drafts: false,
    }
}

fn session_for(site: &SiteTest) -> Session {
    let mut session = Session::new(options(site.root()));
    if let Err(d) = session.rebuild() {
        panic!("the fixture does not build:\n{}", diagnostics(d));
    }
    session
}

fn diagnostics(d: dossier::diagnostic::Diagnostics) -> String {
    d.iter().map(|d| format!("{d}\n")).collect()
}

/// A cold build of the site into a fresh folder: every output file, or the errors.
fn cold_build(root: &Path) -> Result<Files, String> {
    let tmp = tempfile::Builder::new()
        .prefix("dossier-cold-")
        .tempdir()
        .expect("temp dir");
    let out = tmp.path().join("public");
    let opts = BuildOptions {
        output_dir: Some(out.clone()),
        ..options(root)
    };
    match build::run(&opts, Mode::Build, &()) {
        Ok(_) => Ok(read_tree(&out)),
        Err(d) => Err(diagnostics(d)),
    }
}

fn read_tree(dir: &Path) -> Files {
    fn walk(base: &Path, dir: &Path, out: &mut Files) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base");
                let rel = rel.to_string_lossy().replace('\\', "/");
                let bytes = std::fs::read(&path).expect("read output");
                out.insert(rel, Arc::from(bytes));
            }
        }
    }
    let mut out = Files::new();
    walk(dir, dir, &mut out);
    out
}

fn outputs_of(session: &Session) -> Files {
    let shared = session.outputs();
    let map = shared.read().unwrap_or_else(|e| e.into_inner());
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Paths whose bytes differ between two sets of outputs (appeared, disappeared, changed).
fn differing(a: &Files, b: &Files) -> Vec<String> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// `None` when the outputs are the same; otherwise what differs, for a failure message.
fn mismatch(expected: &Files, actual: &Files) -> Option<String> {
    let missing: Vec<&String> = expected.keys().filter(|k| !actual.contains_key(*k)).collect();
    let extra: Vec<&String> = actual.keys().filter(|k| !expected.contains_key(*k)).collect();
    let changed: Vec<&String> = expected
        .iter()
        .filter(|(k, v)| actual.get(*k).is_some_and(|a| a != *v))
        .map(|(k, _)| k)
        .collect();
    if missing.is_empty() && extra.is_empty() && changed.is_empty() {
        return None;
    }
    let first = |list: &[&String]| {
        list.iter()
            .take(8)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut report = String::new();
    if !missing.is_empty() {
        let _ = writeln!(
            report,
            "missing from the session ({}): {}",
            missing.len(),
            first(&missing)
        );
    }
    if !extra.is_empty() {
        let _ = writeln!(report, "only in the session ({}): {}", extra.len(), first(&extra));
    }
    if !changed.is_empty() {
        let _ = writeln!(report, "different bytes ({}): {}", changed.len(), first(&changed));
        let path = changed[0];
        report.push_str(&first_difference(path, &expected[path], &actual[path]));
    }
    Some(report)
}

/// The first line that differs, with a window around the first differing character.
fn first_difference(path: &str, expected: &[u8], actual: &[u8]) -> String {
    let (e, a) = (String::from_utf8_lossy(expected), String::from_utf8_lossy(actual));
    let (el, al): (Vec<&str>, Vec<&str>) = (e.lines().collect(), a.lines().collect());
    let n = el.len().max(al.len());
    for i in 0..n {
        let (x, y) = (el.get(i).copied(), al.get(i).copied());
        if x == y {
            continue;
        }
        let (x, y) = (x.unwrap_or("<no line>"), y.unwrap_or("<no line>"));
        let col = x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count();
        let window = |s: &str| -> String {
            let chars: Vec<char> = s.chars().collect();
            let start = col.saturating_sub(150);
            let end = (col + 250).min(chars.len());
            let mut w: String = chars[start.min(chars.len())..end].iter().collect();
            if start > 0 {
                w.insert(0, '…');
            }
            if end < chars.len() {
                w.push('…');
            }
            w
        };
        return format!(
            "first difference in {path}, line {} (column {}):\n  cold build: {}\n  session:    {}\n",
            i + 1,
            col + 1,
            window(x),
            window(y)
        );
    }
    format!("{path}: same lines, different bytes (line endings?)\n")
}

// ---------------------------------------------------------------------------------------
// A seeded PRNG (SplitMix64), so a failing run can be replayed from its seed.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "shells",
    "rail",
    "depot",
    "border",
    "treaty",
    "analysts",
    "estimate",
    "units",
    "supply",
    "tankers",
    "monitoring",
    "convoy",
    "winter",
    "satellite",
    "imagery",
    "report",
    "officials",
    "briefing",
    "artillery",
    "training",
    "doctrine",
    "exports",
    "fuel",
    "currency",
    "ports",
    "envoys",
    "summit",
    "pressure",
    "signal",
    "caution",
    "evidence",
    "sources",
    "capacity",
    "reserves",
    "logistics",
    "brigade",
    "harbour",
    "quietly",
    "slowly",
    "again",
    "later",
];
const TAGS: &[&str] = &[
    "deployment",
    "escalation",
    "nato",
    "munitions",
    "sanctions",
    "energy",
    "diplomacy",
    "drones",
    "training",
    "shipping",
    "cyber",
];
const REGIONS: &[&str] = &[
    "Kursk",
    "Ukraine",
    "Korean Peninsula",
    "Europe",
    "Pyongyang",
    "Moscow",
    "Vladivostok",
];

// ---------------------------------------------------------------------------------------
// Text helpers

/// Front matter (without the `+++` lines) and body of a page or section file.
fn split_front(text: &str) -> Option<(String, String)> {
    let rest = text.strip_prefix("+++\n")?;
    let end = if rest.starts_with("+++\n") {
        0
    } else {
        rest.find("\n+++\n")? + 1
    };
    Some((rest[..end].to_owned(), rest[end + 4..].to_owned()))
}

fn join_front(front: &str, body: &str) -> String {
    format!("+++\n{front}+++\n{body}")
}

const MORE: &str = "<!-- more -->";

/// A Markdown body as paragraphs-and-other-blocks, above and below the summary marker.
struct Body {
    /// `Some` when the body has a `<!-- more -->` marker.
    above: Option<Vec<String>>,
    below: Vec<String>,
}

fn blocks(s: &str) -> Vec<String> {
    s.split("\n\n")
        .map(|b| b.trim_matches('\n'))
        .filter(|b| !b.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

impl Body {
    fn parse(body: &str) -> Body {
        match body.split_once(MORE) {
            Some((a, b)) => Body {
                above: Some(blocks(a)),
                below: blocks(b),
            },
            None => Body {
                above: None,
                below: blocks(body),
            },
        }
    }

    fn render(&self) -> String {
        let mut out = String::from("\n");
        if let Some(above) = &self.above {
            out.push_str(&above.join("\n\n"));
            out.push_str("\n\n");
            out.push_str(MORE);
            out.push_str("\n\n");
        }
        out.push_str(&self.below.join("\n\n"));
        out.push('\n');
        out
    }
}

/// A block an edit may change without changing what other pages see: no link, heading,
/// HTML, code or wikilink.
fn is_plain(block: &str) -> bool {
    !["](", "#", "[[", "<", "`", "{", "|"]
        .iter()
        .any(|s| block.contains(s))
}

fn has_link(block: &str) -> bool {
    block.contains("](@/")
}

fn link_pattern() -> Regex {
    Regex::new(r#"@/([^)#"\s]+)(#[A-Za-z0-9_-]+)?([)"])"#).expect("valid pattern")
}

fn heading_pattern() -> Regex {
    Regex::new(r"(?m)^## ([A-Za-z0-9 ]+)$").expect("valid pattern")
}

fn heading_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
}

/// The table of a TOML front matter, or `None` if it does not parse.
fn parse_table(front: &str) -> Option<toml::Table> {
    front.parse::<toml::Table>().ok()
}

/// TOML text for a front-matter table: plain keys first, then tables, as TOML requires.
fn table_text(table: &toml::Table) -> String {
    let is_table = |v: &toml::Value| match v {
        toml::Value::Table(_) => true,
        toml::Value::Array(a) => !a.is_empty() && a.iter().all(|x| x.is_table()),
        _ => false,
    };
    let mut ordered = toml::Table::new();
    for (k, v) in table.iter().filter(|(_, v)| !is_table(v)) {
        ordered.insert(k.clone(), v.clone());
    }
    for (k, v) in table.iter().filter(|(_, v)| is_table(v)) {
        ordered.insert(k.clone(), v.clone());
    }
    let mut text = toml::to_string(&ordered).expect("front matter serialises");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn date_value(s: &str) -> toml::Value {
    toml::Value::Datetime(s.parse().expect("valid TOML date"))
}

fn is_draft(text: &str) -> bool {
    split_front(text)
        .and_then(|(f, _)| parse_table(&f))
        .and_then(|t| t.get("draft").and_then(toml::Value::as_bool))
        .unwrap_or(false)
}

// ---------------------------------------------------------------------------------------
// The random editor

#[derive(Debug, Clone, Copy)]
enum Op {
    /// A body edit below `<!-- more -->` that touches no link or heading (the fast path).
    BodyBelow,
    /// A body edit other pages see: summary, links, headings.
    BodyShared,
    FrontMatter,
    AddPage,
    DeletePage,
    Rename,
    /// Static files and content assets.
    Files,
    Section,
    Template,
    Break,
    /// A whole folder at once: deleted or moved away (back at the start of the next batch,
    /// or within the same one), or switched to another set of files as `git checkout` does.
    Folder,
}

const OPS: &[(Op, usize)] = &[
    (Op::BodyBelow, 40),
    (Op::BodyShared, 12),
    (Op::FrontMatter, 14),
    (Op::AddPage, 6),
    (Op::DeletePage, 4),
    (Op::Rename, 5),
    (Op::Files, 7),
    (Op::Section, 4),
    (Op::Template, 5),
    (Op::Break, 3),
    (Op::Folder, 4),
];

/// A folder taken away from the site by `Op::Folder`.
struct Away {
    /// The folder, relative to the site folder (`templates`, `content/security`).
    rel: String,
    how: Gone,
    /// Its broken files, which come back broken.
    broken: BTreeMap<String, Option<String>>,
}

enum Gone {
    /// Moved out of the site, to this path.
    Moved(PathBuf),
    /// Deleted; its files and their bytes, to write again.
    Deleted(Vec<(String, Vec<u8>)>),
}

struct Editor {
    root: PathBuf,
    /// Where folders moved away from the site wait to come back.
    stash: tempfile::TempDir,
    /// A folder taken away by `Op::Folder`, back at the start of the next batch.
    away: Option<Away>,
    rng: Rng,
    /// For unique names.
    counter: usize,
    /// Files made invalid on purpose → their text before (`None`: the file did not exist).
    broken: BTreeMap<String, Option<String>>,
    /// Paths touched in the current batch, relative to the site folder.
    touched: Vec<String>,
    /// Every operation so far.
    log: Vec<String>,
}

impl Editor {
    fn new(root: &Path, seed: u64) -> Editor {
        Editor {
            root: root.to_path_buf(),
            stash: tempfile::Builder::new()
                .prefix("dossier-stash-")
                .tempdir()
                .expect("temp dir"),
            away: None,
            rng: Rng(seed),
            counter: 0,
            broken: BTreeMap::new(),
            touched: Vec::new(),
            log: Vec::new(),
        }
    }

    fn next_id(&mut self) -> usize {
        self.counter += 1;
        self.counter
    }

    fn note(&mut self, what: String) {
        self.log.push(format!("  {what}"));
    }

    // --- file system --------------------------------------------------------------------

    fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn exists(&self, rel: &str) -> bool {
        self.abs(rel).exists()
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.abs(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    fn write(&mut self, rel: &str, text: &str) {
        let path = self.abs(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {rel}: {e}"));
        self.broken.remove(rel);
        self.touched.push(rel.to_owned());
    }

    fn remove_file(&mut self, rel: &str) {
        std::fs::remove_file(self.abs(rel)).unwrap_or_else(|e| panic!("cannot remove {rel}: {e}"));
        self.broken.remove(rel);
        self.touched.push(rel.to_owned());
    }

    fn remove_dir(&mut self, rel: &str) {
        let files = self.files_under(rel);
        std::fs::remove_dir_all(self.abs(rel)).unwrap_or_else(|e| panic!("cannot remove {rel}: {e}"));
        for f in files {
            self.broken.remove(&f);
            self.touched.push(f);
        }
        if self.rng.chance(0.3) {
            // Watchers often report just the folder.
            self.touched.push(rel.to_owned());
        }
    }

    /// Moves a file or folder, touching the old and new path of every file in it.
    fn rename(&mut self, from: &str, to: &str) {
        let files = if self.abs(from).is_dir() {
            self.files_under(from)
        } else {
            vec![from.to_owned()]
        };
        if let Some(parent) = self.abs(to).parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::rename(self.abs(from), self.abs(to)).unwrap_or_else(|e| panic!("cannot move {from}: {e}"));
        for f in files {
            let moved = format!("{to}{}", &f[from.len()..]);
            if let Some(text) = self.broken.remove(&f) {
                self.broken.insert(moved.clone(), text);
            }
            self.touched.push(f);
            self.touched.push(moved);
        }
    }

    /// Every file under a folder, relative to the site folder, sorted.
    fn files_under(&self, rel: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![self.abs(rel)];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.expect("dir entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let r = path.strip_prefix(&self.root).expect("under root");
                    out.push(r.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        out.sort();
        out
    }

    // --- the site -----------------------------------------------------------------------

    fn markdown_files(&self) -> Vec<String> {
        self.files_under("content")
            .into_iter()
            .filter(|f| f.ends_with(".md"))
            .collect()
    }

    /// Page files that are not currently broken.
    fn pages(&self) -> Vec<String> {
        self.markdown_files()
            .into_iter()
            .filter(|f| !f.ends_with("/_index.md") && !self.broken.contains_key(f))
            .collect()
    }

    /// Section folders (`content`, `content/security`, …).
    fn sections(&self) -> Vec<String> {
        self.markdown_files()
            .into_iter()
            .filter_map(|f| f.strip_suffix("/_index.md").map(str::to_owned))
            .collect()
    }

    /// The pages directly in a section folder (plain files and bundles).
    fn pages_in(&self, section: &str) -> Vec<String> {
        self.pages()
            .into_iter()
            .filter(|p| match p.strip_prefix(&format!("{section}/")) {
                Some(rest) => {
                    !rest.contains('/') || rest.matches('/').count() == 1 && rest.ends_with("/index.md")
                }
                None => false,
            })
            .collect()
    }

    fn is_bundle(page: &str) -> bool {
        page.ends_with("/index.md")
    }

    /// The folder or file that holds a page: `content/a/b` for a bundle, else the file.
    fn page_node(page: &str) -> &str {
        page.strip_suffix("/index.md").unwrap_or(page)
    }

    /// What `@/` links may point at: pages that are not drafts, and sections.
    fn valid_targets(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for f in self.markdown_files() {
            let text = match self.broken.get(&f) {
                Some(Some(good)) => good.clone(),
                Some(None) => continue,
                None => self.read(&f),
            };
            if f.ends_with("/_index.md") || !is_draft(&text) {
                out.insert(f["content/".len()..].to_owned());
            }
        }
        out
    }

    fn random_target(&mut self, except: &str) -> Option<String> {
        let (sections, pages): (Vec<String>, Vec<String>) = self
            .valid_targets()
            .into_iter()
            .filter(|t| t != except)
            .partition(|t| t.ends_with("_index.md"));
        let from = if pages.is_empty() || !sections.is_empty() && self.rng.chance(0.1) {
            sections
        } else {
            pages
        };
        (!from.is_empty()).then(|| self.rng.pick(&from).clone())
    }

    // --- generated text -----------------------------------------------------------------

    fn words(&mut self, lo: usize, hi: usize) -> String {
        let n = self.rng.range(lo, hi);
        (0..n)
            .map(|_| *self.rng.pick(WORDS))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn sentence(&mut self) -> String {
        let w = self.words(5, 14);
        let mut c = w.chars();
        let first = c
            .next()
            .map(|f| f.to_uppercase().collect::<String>())
            .unwrap_or_default();
        format!("{first}{}.", c.as_str())
    }

    fn paragraph(&mut self) -> String {
        let n = self.rng.range(1, 3);
        (0..n).map(|_| self.sentence()).collect::<Vec<_>>().join(" ")
    }

    /// A plain block for the fast path: paragraphs mostly, sometimes long enough to change
    /// the reading time, a list or a code block.
    fn plain_block(&mut self) -> String {
        match self.rng.below(10) {
            0 => {
                let n = self.rng.range(150, 320);
                let w = self.words(n, n);
                format!("Long {w}.")
            }
            1 => (0..self.rng.range(2, 4))
                .map(|_| format!("- {}", self.words(2, 6)))
                .collect::<Vec<_>>()
                .join("\n"),
            2 => {
                let k = self.rng.range(2, 99);
                format!("```rust\nfn shells(n: u32) -> u32 {{\n    n * {k}\n}}\n```")
            }
            3 => format!("{} *{}* {}", self.sentence(), self.words(1, 3), self.sentence()),
            4 => {
                let k = self.rng.range(1, 9);
                format!(
                    "{} A note[^n{k}] here.\n\n[^n{k}]: {}",
                    self.sentence(),
                    self.sentence()
                )
            }
            _ => self.paragraph(),
        }
    }

    fn link_block(&mut self, own: &str) -> Option<String> {
        let target = self.random_target(own)?;
        let mut anchor = String::new();
        if self.rng.chance(0.3) && !target.ends_with("_index.md") {
            let text = self.read(&format!("content/{target}"));
            let heads: Vec<String> = heading_pattern()
                .captures_iter(&text)
                .map(|c| heading_slug(&c[1]))
                .collect();
            if !heads.is_empty() {
                anchor = format!("#{}", self.rng.pick(&heads));
            }
        }
        let text = self.words(1, 3);
        Some(format!(
            "{} [{text}](@/{target}{anchor}) {}.",
            self.sentence(),
            self.words(2, 6)
        ))
    }

    fn tags(&mut self) -> Vec<String> {
        let n = self.rng.range(0, 3);
        let mut out: Vec<String> = (0..n).map(|_| self.rng.pick(TAGS).to_string()).collect();
        out.dedup();
        out
    }

    fn random_date(&mut self) -> String {
        format!(
            "{}-{:02}-{:02}",
            self.rng.range(2023, 2025),
            self.rng.range(1, 12),
            self.rng.range(1, 28)
        )
    }

    fn new_page_text(&mut self, own: &str, dated_by_name: bool) -> String {
        let n = self.counter;
        let mut t = toml::Table::new();
        t.insert(
            "title".into(),
            format!("New analysis {n} on {}", self.words(1, 3)).into(),
        );
        if !dated_by_name && self.rng.chance(0.9) {
            let d = self.random_date();
            t.insert("date".into(), date_value(&d));
        }
        if self.rng.chance(0.4) {
            t.insert("description".into(), self.sentence().into());
        }
        if self.rng.chance(0.3) {
            t.insert("weight".into(), (self.rng.range(1, 9) as i64).into());
        }
        let mut tax = toml::Table::new();
        let tags = self.tags();
        if !tags.is_empty() {
            tax.insert("tags".into(), tags.into());
        }
        if self.rng.chance(0.6) {
            tax.insert("regions".into(), vec![self.rng.pick(REGIONS).to_string()].into());
        }
        if !tax.is_empty() {
            t.insert("taxonomies".into(), tax.into());
        }
        let mut below = vec![self.paragraph()];
        if self.rng.chance(0.5)
            && let Some(link) = self.link_block(own)
        {
            below.push(link);
        }
        below.push(self.paragraph());
        let body = Body {
            above: self.rng.chance(0.8).then(|| vec![self.paragraph()]),
            below,
        };
        join_front(&table_text(&t), &body.render())
    }

    // --- links between files ------------------------------------------------------------

    /// Points every link to `old` at `new` (keeping anchors: same file), or at another valid
    /// page if `new` is `None` (dropping anchors). Returns how many files changed.
    fn fix_links(&mut self, old: &str, new: Option<&str>) -> usize {
        let pattern = link_pattern();
        let mut fixed = 0;
        for f in self.markdown_files() {
            if self.broken.contains_key(&f) {
                continue;
            }
            let text = self.read(&f);
            if !pattern.captures_iter(&text).any(|c| &c[1] == old) {
                continue;
            }
            let own = f["content/".len()..].to_owned();
            let replacement = match new {
                Some(n) => n.to_owned(),
                None => match self.random_target(&own) {
                    Some(t) if t != old => t,
                    _ => continue,
                },
            };
            let updated = pattern.replace_all(&text, |c: &regex::Captures| {
                if &c[1] != old {
                    return c[0].to_owned();
                }
                let anchor = if new.is_some() {
                    c.get(2).map_or("", |m| m.as_str())
                } else {
                    ""
                };
                format!("@/{replacement}{anchor}{}", &c[3])
            });
            let updated = updated.into_owned();
            self.write(&f, &updated);
            fixed += 1;
        }
        fixed
    }

    /// After a page disappears (deleted, moved, drafted): usually fix the pages that link to
    /// it, sometimes leave them broken (the build must then fail).
    fn after_target_gone(&mut self, old_content_path: &str, new: Option<&str>) -> String {
        if self.rng.chance(0.85) {
            let n = self.fix_links(old_content_path, new);
            format!("; fixed links in {n} files")
        } else {
            "; left links to it alone".to_owned()
        }
    }

    // --- operations ---------------------------------------------------------------------

    fn run(&mut self, op: Op) -> bool {
        match op {
            Op::BodyBelow => self.body_below(),
            Op::BodyShared => self.body_shared(),
            Op::FrontMatter => self.front_matter(),
            Op::AddPage => self.add_page(),
            Op::DeletePage => self.delete_page(),
            Op::Rename => self.rename_page(),
            Op::Files => self.files(),
            Op::Section => self.section(),
            Op::Template => self.template(),
            Op::Break => self.break_something(),
            Op::Folder => self.folder(),
        }
    }

    fn random_page(&mut self) -> Option<String> {
        let pages = self.pages();
        (!pages.is_empty()).then(|| self.rng.pick(&pages).clone())
    }

    fn body_below(&mut self) -> bool {
        let Some(page) = self.random_page() else {
            return false;
        };
        let text = self.read(&page);
        let Some((front, body)) = split_front(&text) else {
            return false;
        };
        let mut body = Body::parse(&body);
        // Without a marker the first paragraph is the summary: leave it alone.
        let first = usize::from(body.above.is_none());
        let plain: Vec<usize> = (first..body.below.len())
            .filter(|i| is_plain(&body.below[*i]))
            .collect();
        let what = match self.rng.below(4) {
            0 if !plain.is_empty() => {
                let i = *self.rng.pick(&plain);
                body.below[i] = self.plain_block();
                format!("replace block {i}")
            }
            1 if plain.len() > 1 => {
                let i = *self.rng.pick(&plain);
                body.below.remove(i);
                format!("delete block {i}")
            }
            2 => {
                let i = self.rng.range(first.min(body.below.len()), body.below.len());
                let block = self.plain_block();
                body.below.insert(i, block);
                format!("insert block at {i}")
            }
            _ => {
                let block = self.plain_block();
                body.below.push(block);
                "append block".to_owned()
            }
        };
        self.write(&page, &join_front(&front, &body.render()));
        self.note(format!("body-below {page}: {what}"));
        true
    }

    fn body_shared(&mut self) -> bool {
        let Some(page) = self.random_page() else {
            return false;
        };
        let text = self.read(&page);
        let Some((front, body)) = split_front(&text) else {
            return false;
        };
        let own = page["content/".len()..].to_owned();
        let mut body = Body::parse(&body);
        let what = match self.rng.below(7) {
            0 | 1 => match &mut body.above {
                Some(above) => {
                    // Keep headings and links: other pages may point at them.
                    above.retain(|b| !is_plain(b));
                    let p = self.paragraph();
                    above.insert(0, p);
                    "replace the summary".to_owned()
                }
                None if !body.below.is_empty() => {
                    let first = body.below.remove(0);
                    body.above = Some(vec![first]);
                    "add a summary marker".to_owned()
                }
                None => return false,
            },
            2 => match body.above.take() {
                Some(above) => {
                    let mut all = above;
                    all.append(&mut body.below);
                    body.below = all;
                    "remove the summary marker".to_owned()
                }
                None => return false,
            },
            3 => {
                let Some(link) = self.link_block(&own) else {
                    return false;
                };
                match &mut body.above {
                    Some(above) if self.rng.chance(0.2) => {
                        above.push(link.clone());
                        format!("add a link to the summary: {link}")
                    }
                    _ => {
                        let i = self.rng.range(0, body.below.len());
                        body.below.insert(i, link.clone());
                        format!("add a link at {i}: {link}")
                    }
                }
            }
            4 => {
                let links: Vec<usize> = (0..body.below.len())
                    .filter(|i| has_link(&body.below[*i]))
                    .collect();
                if links.is_empty() {
                    return false;
                }
                let i = *self.rng.pick(&links);
                let removed = body.below.remove(i);
                format!("remove link block {i}: {removed}")
            }
            5 => {
                let n = self.next_id();
                let heading = format!("## {} {n}", self.words(1, 3));
                let i = self.rng.range(0, body.below.len());
                let p = self.paragraph();
                body.below.insert(i, p);
                body.below.insert(i, heading.clone());
                format!("add heading at {i}: {heading}")
            }
            _ => {
                // Change the sentence around a link (its backlink excerpt).
                let links: Vec<usize> = (0..body.below.len())
                    .filter(|i| has_link(&body.below[*i]))
                    .collect();
                if links.is_empty() {
                    return false;
                }
                let i = *self.rng.pick(&links);
                let block = body.below[i].clone();
                let start = block.find('[').unwrap_or(0);
                let end = block[start..].find(')').map_or(block.len(), |e| start + e + 1);
                body.below[i] = format!("{} {} {}.", self.sentence(), &block[start..end], self.words(1, 5));
                format!("reword link block {i}")
            }
        };
        self.write(&page, &join_front(&front, &body.render()));
        self.note(format!("body-shared {page}: {what}"));
        true
    }

    fn front_matter(&mut self) -> bool {
        if self.rng.chance(0.15) {
            return self.section_front_matter();
        }
        let Some(page) = self.random_page() else {
            return false;
        };
        let text = self.read(&page);
        let Some((front, body)) = split_front(&text) else {
            return false;
        };
        let Some(mut t) = parse_table(&front) else {
            return false;
        };
        let what = match self.rng.below(10) {
            0 => {
                let n = self.next_id();
                let title = format!("{} {n}", self.words(2, 5));
                t.insert("title".into(), title.clone().into());
                format!("title = {title:?}")
            }
            1 if t.contains_key("date") && self.rng.chance(0.25) => {
                t.remove("date");
                "remove date".to_owned()
            }
            1 => {
                let d = if self.rng.chance(0.2) {
                    format!("{}T{:02}:30:00+02:00", self.random_date(), self.rng.range(0, 23))
                } else {
                    self.random_date()
                };
                t.insert("date".into(), date_value(&d));
                format!("date = {d}")
            }
            2 | 3 => {
                let taxonomy = if self.rng.chance(0.6) { "tags" } else { "regions" };
                let tax = t
                    .entry("taxonomies")
                    .or_insert_with(|| toml::Table::new().into())
                    .as_table_mut()
                    .expect("taxonomies is a table");
                let mut terms: Vec<String> = tax
                    .get(taxonomy)
                    .and_then(|v| v.as_array())
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default();
                let what = if !terms.is_empty() && self.rng.chance(0.45) {
                    let i = self.rng.below(terms.len());
                    let gone = terms.remove(i);
                    format!("remove {taxonomy} term {gone:?}")
                } else {
                    let vocabulary = if taxonomy == "tags" { TAGS } else { REGIONS };
                    let term = self.rng.pick(vocabulary).to_string();
                    if terms.contains(&term) {
                        return false;
                    }
                    terms.push(term.clone());
                    format!("add {taxonomy} term {term:?}")
                };
                if terms.is_empty() {
                    tax.remove(taxonomy);
                } else {
                    tax.insert(taxonomy.into(), terms.into());
                }
                what
            }
            4 if t.contains_key("description") && self.rng.chance(0.3) => {
                t.remove("description");
                "remove description".to_owned()
            }
            4 => {
                let d = self.sentence();
                t.insert("description".into(), d.clone().into());
                format!("description = {d:?}")
            }
            5 if t.contains_key("weight") && self.rng.chance(0.3) => {
                t.remove("weight");
                "remove weight".to_owned()
            }
            5 => {
                let w = self.rng.range(1, 9) as i64;
                t.insert("weight".into(), w.into());
                format!("weight = {w}")
            }
            6 => {
                let draft = !t.get("draft").and_then(toml::Value::as_bool).unwrap_or(false);
                if draft {
                    t.insert("draft".into(), true.into());
                } else {
                    t.remove("draft");
                }
                self.write(&page, &join_front(&table_text(&t), &body));
                let mut what = format!("front-matter {page}: draft = {draft}");
                if draft {
                    what.push_str(&self.after_target_gone(&page["content/".len()..], None));
                }
                self.note(what);
                return true;
            }
            7 if self.rng.chance(0.3) => {
                // custom.html extends page.html and reads every page through get_taxonomy.
                if t.remove("template").is_some() {
                    "remove template".to_owned()
                } else {
                    t.insert("template".into(), "custom.html".into());
                    "template = \"custom.html\"".to_owned()
                }
            }
            7 => {
                let d = self.random_date();
                t.insert("updated".into(), date_value(&d));
                format!("updated = {d}")
            }
            _ => {
                // Events: retitle one, or add one.
                let title = format!("Event {} {}", self.next_id(), self.words(1, 4));
                match t.get_mut("events").and_then(|v| v.as_array_mut()) {
                    Some(events) if !events.is_empty() && self.rng.chance(0.6) => {
                        let i = self.rng.below(events.len());
                        if let Some(e) = events[i].as_table_mut() {
                            e.insert("title".into(), title.clone().into());
                        }
                        format!("event {i} title = {title:?}")
                    }
                    _ => {
                        let mut e = toml::Table::new();
                        let d = self.random_date();
                        e.insert("date".into(), d.clone().into());
                        e.insert("title".into(), title.clone().into());
                        let events = t
                            .entry("events")
                            .or_insert_with(|| toml::Value::Array(Vec::new()))
                            .as_array_mut()
                            .expect("events is an array");
                        events.push(e.into());
                        format!("add event {d} {title:?}")
                    }
                }
            }
        };
        self.write(&page, &join_front(&table_text(&t), &body));
        self.note(format!("front-matter {page}: {what}"));
        true
    }

    fn section_front_matter(&mut self) -> bool {
        let sections = self.sections();
        let section = self.rng.pick(&sections).clone();
        let file = format!("{section}/_index.md");
        if self.broken.contains_key(&file) {
            return false;
        }
        let text = self.read(&file);
        let Some((front, body)) = split_front(&text) else {
            return false;
        };
        let Some(mut t) = parse_table(&front) else {
            return false;
        };
        let what = match self.rng.below(6) {
            5 if section != "content" => {
                let on = !t
                    .get("transparent")
                    .and_then(toml::Value::as_bool)
                    .unwrap_or(false);
                t.insert("transparent".into(), on.into());
                format!("transparent = {on}")
            }
            0 => {
                let title = format!("{} {}", self.words(1, 3), self.next_id());
                t.insert("title".into(), title.clone().into());
                format!("title = {title:?}")
            }
            1 => {
                let d = self.sentence();
                t.insert("description".into(), d.into());
                "description".to_owned()
            }
            2 if section != "content" => {
                let sort = *self.rng.pick(&["date", "title", "weight", "update_date"]);
                t.insert("sort_by".into(), sort.into());
                format!("sort_by = {sort:?}")
            }
            3 if t.contains_key("paginate_by") => {
                t.remove("paginate_by");
                "remove paginate_by".to_owned()
            }
            3 => {
                let n = self.rng.range(2, 4) as i64;
                t.insert("paginate_by".into(), n.into());
                format!("paginate_by = {n}")
            }
            _ => {
                let body = format!("\n{}\n", self.paragraph());
                self.write(&file, &join_front(&front, &body));
                self.note(format!("section-body {file}"));
                return true;
            }
        };
        self.write(&file, &join_front(&table_text(&t), &body));
        self.note(format!("section-front-matter {file}: {what}"));
        true
    }

    fn add_page(&mut self) -> bool {
        let sections = self.sections();
        let section = self.rng.pick(&sections).clone();
        let n = self.next_id();
        let (rel, dated) = match self.rng.below(10) {
            0..=1 => {
                let d = self.random_date();
                (format!("{section}/{d}-dated-{n}.md"), true)
            }
            2 => (format!("{section}/bundle-{n}/index.md"), false),
            _ => (format!("{section}/new-{n}.md"), false),
        };
        let own = rel["content/".len()..].to_owned();
        let text = self.new_page_text(&own, dated);
        self.write(&rel, &text);
        if Self::is_bundle(&rel) {
            let asset = format!("{}/data-{n}.csv", Self::page_node(&rel));
            self.write(&asset, &format!("year,value\n2024,{n}\n"));
        }
        self.note(format!("add-page {rel}"));
        true
    }

    fn delete_page(&mut self) -> bool {
        let Some(page) = self.random_page() else {
            return false;
        };
        let node = Self::page_node(&page).to_owned();
        if Self::is_bundle(&page) {
            self.remove_dir(&node);
        } else {
            self.remove_file(&page);
        }
        let fixed = self.after_target_gone(&page["content/".len()..], None);
        self.note(format!("delete-page {page}{fixed}"));
        true
    }

    fn rename_page(&mut self) -> bool {
        let Some(page) = self.random_page() else {
            return false;
        };
        let sections = self.sections();
        let here = match page.rfind('/') {
            Some(i) if Self::is_bundle(&page) => {
                let node = &page[..i];
                node[..node.rfind('/').unwrap_or(0)].to_owned()
            }
            Some(i) => page[..i].to_owned(),
            None => return false,
        };
        let to_section = if self.rng.chance(0.5) {
            here.clone()
        } else {
            self.rng.pick(&sections).clone()
        };
        let node = Self::page_node(&page).to_owned();
        let n = self.next_id();
        let name = if to_section != here && self.rng.chance(0.5) {
            // Keep the name if nothing there has the same slug.
            let base = node.rsplit('/').next().unwrap_or("").trim_end_matches(".md");
            let slug = strip_date(base);
            let taken = self.pages_in(&to_section).iter().any(|p| {
                strip_date(
                    Self::page_node(p)
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .trim_end_matches(".md"),
                ) == slug
            });
            if taken {
                format!("moved-{n}")
            } else {
                base.to_owned()
            }
        } else if self.rng.chance(0.2) {
            format!("{}-moved-{n}", self.random_date())
        } else {
            format!("moved-{n}")
        };
        let new_node = if Self::is_bundle(&page) {
            format!("{to_section}/{name}")
        } else {
            format!("{to_section}/{name}.md")
        };
        if self.exists(&new_node) || new_node == node {
            return false;
        }
        self.rename(&node, &new_node);
        let new_page = if Self::is_bundle(&page) {
            format!("{new_node}/index.md")
        } else {
            new_node.clone()
        };
        let fixed = self.after_target_gone(&page["content/".len()..], Some(&new_page["content/".len()..]));
        self.note(format!("rename {node} -> {new_node}{fixed}"));
        true
    }

    fn files(&mut self) -> bool {
        let statics: Vec<String> = self.files_under("static");
        let assets: Vec<String> = self
            .files_under("content")
            .into_iter()
            .filter(|f| !f.ends_with(".md"))
            .collect();
        let n = self.next_id();
        let what = match self.rng.below(8) {
            0 | 1 => {
                let file = if statics.is_empty() || self.rng.chance(0.3) {
                    "static/extra.css".to_owned()
                } else {
                    self.rng.pick(&statics).clone()
                };
                let old = if self.exists(&file) {
                    self.read(&file)
                } else {
                    String::new()
                };
                self.write(&file, &format!("{old}.rule-{n} {{ margin: {n}px; }}\n"));
                format!("edit {file}")
            }
            2 => {
                let file = match self.rng.below(3) {
                    0 => format!("static/img/icon-{n}.svg"),
                    1 => "static/style.css".to_owned(),
                    _ => format!("static/added-{n}.css"),
                };
                self.write(&file, &format!("/* added {n} */\nbody {{ color: #{n:03}; }}\n"));
                format!("add {file}")
            }
            3 if !statics.is_empty() => {
                let file = self.rng.pick(&statics).clone();
                self.remove_file(&file);
                format!("delete {file}")
            }
            4 | 5 if !assets.is_empty() => {
                let file = self.rng.pick(&assets).clone();
                let old = self.read(&file);
                self.write(&file, &format!("{old}{n},{n}\n"));
                format!("edit {file}")
            }
            6 => {
                // A new asset beside a bundle's index.md or in a section folder.
                let mut homes: Vec<String> = self
                    .pages()
                    .iter()
                    .filter(|p| Self::is_bundle(p))
                    .map(|p| Self::page_node(p).to_owned())
                    .collect();
                homes.extend(self.sections());
                let home = self.rng.pick(&homes).clone();
                let file = format!("{home}/notes-{n}.txt");
                self.write(&file, &format!("notes {n}\n"));
                format!("add {file}")
            }
            _ if !assets.is_empty() => {
                let file = self.rng.pick(&assets).clone();
                self.remove_file(&file);
                format!("delete {file}")
            }
            _ => return false,
        };
        self.note(format!("files: {what}"));
        true
    }

    fn section(&mut self) -> bool {
        let sections = self.sections();
        let small: Vec<String> = sections
            .iter()
            .filter(|s| *s != "content" && self.pages_in(s).len() <= 2)
            .cloned()
            .collect();
        if !small.is_empty() && self.rng.chance(0.4) {
            let section = self.rng.pick(&small).clone();
            let gone: Vec<String> = self
                .files_under(&section)
                .into_iter()
                .filter(|f| f.ends_with(".md"))
                .map(|f| f["content/".len()..].to_owned())
                .collect();
            self.remove_dir(&section);
            let mut what = format!("delete-section {section}");
            for g in gone {
                what.push_str(&self.after_target_gone(&g, None));
            }
            self.note(what);
            return true;
        }
        let n = self.next_id();
        let parent = if self.rng.chance(0.25) {
            self.rng.pick(&sections).clone()
        } else {
            "content".to_owned()
        };
        let dir = format!("{parent}/area-{n}");
        let mut t = toml::Table::new();
        t.insert("title".into(), format!("Area {n}").into());
        let sort = *self.rng.pick(&["date", "title", "weight"]);
        t.insert("sort_by".into(), sort.into());
        if self.rng.chance(0.3) {
            t.insert("paginate_by".into(), 2i64.into());
        }
        if parent != "content" && self.rng.chance(0.5) {
            t.insert("transparent".into(), true.into());
        }
        let body = format!("\n{}\n", self.paragraph());
        self.write(&format!("{dir}/_index.md"), &join_front(&table_text(&t), &body));
        for _ in 0..self.rng.range(1, 2) {
            let m = self.next_id();
            let rel = format!("{dir}/brief-{m}.md");
            let text = self.new_page_text(&rel["content/".len()..], false);
            self.write(&rel, &text);
        }
        self.note(format!("add-section {dir} (sort_by {sort})"));
        true
    }

    /// Site templates: overrides of the theme's (added, edited, removed), a partial
    /// included by another partial, the event partial, and config.toml.
    fn template(&mut self) -> bool {
        let n = self.next_id();
        let theme = |name: &str| {
            std::fs::read_to_string(repo_root().join("themes/default/templates").join(name))
                .expect("theme template")
        };
        let stamp = "{% include \"partials/stamp.html\" %}\n";
        let (file, text): (&str, Option<String>) = match self.rng.below(8) {
            0 | 1 => {
                let original = theme("partials/related.html");
                let text = match self.rng.below(4) {
                    0 => None,
                    1 => Some(original.replace("Related analyses", &format!("Read next {n}")) + stamp),
                    2 => Some(format!(
                        "{{% set home = get_section(path=\"_index.md\") %}}<p class=\"home\"><a href=\"{{{{ home.path }}}}\">{{{{ home.title }}}}</a> {n}</p>\n{original}"
                    )),
                    _ => Some(original.replace("Related analyses", "See also") + stamp),
                };
                ("templates/partials/related.html", text)
            }
            2 if self.rng.chance(0.5) => (
                "templates/partials/stamp.html",
                Some(format!("<p class=\"stamp\">Analysis {n}</p>\n")),
            ),
            2 => {
                let fixture = self.read("templates/custom.html");
                let start = fixture.find("<aside").expect("custom.html has an aside");
                let end = start + fixture[start..].find('>').expect("aside tag ends");
                let text = format!(
                    "{}<aside class=\"tag-index\" data-n=\"{n}\"{}",
                    &fixture[..start],
                    &fixture[end..]
                );
                ("templates/custom.html", Some(text))
            }
            3 => {
                let text = self.rng.chance(0.6).then(|| {
                    theme("page.html").replace(
                        "{% include \"partials/page_meta.html\" %}",
                        &format!(
                            "{{% include \"partials/page_meta.html\" %}}\n    <p class=\"words\">{{{{ page.word_count }}}} words ({n})</p>"
                        ),
                    )
                });
                ("templates/page.html", text)
            }
            4 => {
                let text = self.rng.chance(0.6).then(|| {
                    theme("partials/page_list.html").replace(
                        "{{ p.title }}</a>",
                        &format!("{{{{ p.title }}}}</a> <small>{{{{ p.word_count }}}} words, {n}</small>"),
                    )
                });
                ("templates/partials/page_list.html", text)
            }
            5 => {
                let text = self.rng.chance(0.6).then(|| {
                    theme("partials/event.html")
                        .replace("</li>", &format!("<span class=\"n\">{n}</span></li>"))
                });
                ("templates/partials/event.html", text)
            }
            6 if self.rng.chance(0.5) => {
                let text = self.rng.chance(0.6).then(|| {
                    theme("base.html").replace("</body>", &format!("<!-- edition {n} -->\n</body>"))
                });
                ("templates/base.html", text)
            }
            6 => {
                // Every pager of a section shows something of all its pages.
                let text = self.rng.chance(0.6).then(|| {
                    theme("section.html").replace(
                        "{% include \"partials/pagination.html\" %}",
                        &format!(
                            "{{% include \"partials/pagination.html\" %}}\n<p class=\"counts\">{n}: {{% for p in section.pages %}}{{{{ p.word_count }}}} {{% endfor %}}</p>"
                        ),
                    )
                });
                ("templates/section.html", text)
            }
            _ => {
                let config = self.read("config.toml");
                let Some(start) = config.find("\ndescription = ") else {
                    return false;
                };
                let end = config[start + 1..]
                    .find('\n')
                    .map_or(config.len(), |e| start + 1 + e);
                let text = format!(
                    "{}\ndescription = \"{}\"{}",
                    &config[..start],
                    self.sentence(),
                    &config[end..]
                );
                self.write("config.toml", &text);
                self.note("template: config.toml description".to_owned());
                return true;
            }
        };
        match text {
            Some(text) => {
                self.write(file, &text);
                self.note(format!("template: write {file} ({n})"));
            }
            None if self.exists(file) => {
                self.remove_file(file);
                self.note(format!("template: remove {file}"));
            }
            None => return false,
        }
        true
    }

    fn break_something(&mut self) -> bool {
        if self.rng.chance(0.2) {
            let file = "templates/partials/related.html";
            // Broken twice, it is repaired to what it was before the first time.
            let before = match self.broken.get(file) {
                Some(before) => before.clone(),
                None => self.exists(file).then(|| self.read(file)),
            };
            self.write(file, "{% if page.related %}<p>unclosed</p>\n");
            self.broken.insert(file.to_owned(), before);
            self.note(format!("break {file}: unclosed if"));
            return true;
        }
        let Some(page) = self.random_page() else {
            return false;
        };
        let text = self.read(&page);
        let Some((front, body)) = split_front(&text) else {
            return false;
        };
        let (broken, what) = match self.rng.below(3) {
            0 => (format!("+++\n{front}\n{body}"), "unclosed front matter"),
            1 => match parse_table(&front) {
                Some(mut t) => {
                    t.insert("date".into(), "2024-13-45".into());
                    (join_front(&table_text(&t), &body), "invalid date")
                }
                None => return false,
            },
            _ => (
                format!("+++\ntitel = \"Typo\"\n{front}+++\n{body}"),
                "unknown key",
            ),
        };
        self.write(&page, &broken);
        self.broken.insert(page.clone(), Some(text));
        self.note(format!("break {page}: {what}"));
        true
    }

    // --- whole folders ------------------------------------------------------------------

    /// The watcher reports a folder that vanished or appeared by its own path (moved: only
    /// that; deleted or made: that, and its files when it watched them in time).
    fn touch_folder(&mut self, rel: &str, files: &[String], files_too: f64) {
        self.touched.push(rel.to_owned());
        if self.rng.chance(files_too) {
            self.touched.extend(files.iter().cloned());
        }
    }

    /// A top-level source folder or a content section, taken away (to come back) or
    /// switched to another set of files.
    fn folder(&mut self) -> bool {
        let mut folders: Vec<String> = ["templates", "static", "content"]
            .into_iter()
            .filter(|f| self.exists(f))
            .map(str::to_owned)
            .collect();
        folders.extend(self.sections().into_iter().filter(|s| s != "content"));
        let folder = self.rng.pick(&folders).clone();
        if self.rng.chance(0.4) {
            return self.switch(&folder);
        }
        let files = self.files_under(&folder);
        let broken: BTreeMap<String, Option<String>> = self
            .broken
            .iter()
            .filter(|(f, _)| f.starts_with(&format!("{folder}/")))
            .map(|(f, t)| (f.clone(), t.clone()))
            .collect();
        for f in broken.keys() {
            self.broken.remove(f);
        }
        let how = if self.rng.chance(0.5) {
            let id = self.next_id();
            let to = self.stash.path().join(format!("away-{id}"));
            std::fs::rename(self.abs(&folder), &to)
                .unwrap_or_else(|e| panic!("cannot move {folder} away: {e}"));
            self.touch_folder(&folder, &files, 0.0);
            Gone::Moved(to)
        } else {
            let kept: Vec<(String, Vec<u8>)> = files
                .iter()
                .map(|f| (f.clone(), std::fs::read(self.abs(f)).expect("read a file")))
                .collect();
            std::fs::remove_dir_all(self.abs(&folder))
                .unwrap_or_else(|e| panic!("cannot remove {folder}: {e}"));
            self.touch_folder(&folder, &files, 0.6);
            Gone::Deleted(kept)
        };
        let what = match how {
            Gone::Moved(_) => "move away",
            Gone::Deleted(_) => "delete",
        };
        self.away = Some(Away {
            rel: folder.clone(),
            how,
            broken,
        });
        if self.rng.chance(0.3) {
            // Back within the same save: the batch says only that the folder changed.
            self.note(format!("folder: {what} {folder}, and back"));
            self.come_back();
        } else {
            self.note(format!("folder: {what} {folder}"));
        }
        true
    }

    /// Brings back the folder taken away, as it was.
    fn come_back(&mut self) {
        let Some(away) = self.away.take() else {
            return;
        };
        let dest = self.abs(&away.rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        let files = match away.how {
            Gone::Moved(from) => {
                std::fs::rename(&from, &dest)
                    .unwrap_or_else(|e| panic!("cannot move {} back: {e}", away.rel));
                let files = self.files_under(&away.rel);
                self.touch_folder(&away.rel, &files, 0.0);
                "moved back"
            }
            Gone::Deleted(kept) => {
                std::fs::create_dir_all(&dest).expect("create the folder");
                for (f, bytes) in &kept {
                    let path = self.abs(f);
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent).expect("create folders");
                    }
                    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write {f}: {e}"));
                }
                let files: Vec<String> = kept.into_iter().map(|(f, _)| f).collect();
                self.touch_folder(&away.rel, &files, 0.6);
                "made again"
            }
        };
        self.broken.extend(away.broken);
        self.note(format!("folder: {} {files}", away.rel));
    }

    /// Replaces a folder's files with another set in one batch, as checking out another
    /// branch does: some files deleted, some changed, some new; sometimes the folder is
    /// deleted first and written again whole.
    fn switch(&mut self, folder: &str) -> bool {
        let old: BTreeMap<String, Vec<u8>> = self
            .files_under(folder)
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(self.abs(&f)).expect("read a file");
                (f, bytes)
            })
            .collect();
        let n = self.next_id();
        let mut new = old.clone();
        let mut gone_pages: Vec<String> = Vec::new();
        match folder {
            "templates" => {
                let theme = |name: &str| {
                    std::fs::read_to_string(repo_root().join("themes/default/templates").join(name))
                        .expect("theme template")
                };
                // Pages may use custom.html, and the site's related.html includes the stamp.
                new.retain(|f, _| f == "templates/custom.html");
                new.insert(
                    "templates/partials/stamp.html".into(),
                    format!("<p class=\"stamp\">Branch {n}</p>\n").into_bytes(),
                );
                if self.rng.chance(0.6) {
                    let related = theme("partials/related.html")
                        .replace("Related analyses", &format!("On branch {n}"))
                        + "{% include \"partials/stamp.html\" %}\n";
                    new.insert("templates/partials/related.html".into(), related.into_bytes());
                }
                if self.rng.chance(0.5) {
                    let list = theme("partials/page_list.html").replace(
                        "{{ p.title }}</a>",
                        &format!(
                            "{{{{ p.title }}}}</a> <small>{{{{ p.word_count }}}} words, branch {n}</small>"
                        ),
                    );
                    new.insert("templates/partials/page_list.html".into(), list.into_bytes());
                }
                if self.rng.chance(0.4) {
                    let base =
                        theme("base.html").replace("</body>", &format!("<!-- branch {n} -->\n</body>"));
                    new.insert("templates/base.html".into(), base.into_bytes());
                }
            }
            "static" => {
                for (f, bytes) in new.iter_mut() {
                    if self.rng.chance(0.4) {
                        bytes.extend_from_slice(format!(".branch-{n} {{ margin: {n}px; }}\n").as_bytes());
                    } else if self.rng.chance(0.3) {
                        bytes.clear();
                        bytes.extend_from_slice(format!("/* {f} on branch {n} */\n").as_bytes());
                    }
                }
                let keep: Vec<String> = new.keys().filter(|_| self.rng.chance(0.6)).cloned().collect();
                new.retain(|f, _| keep.contains(f));
                new.insert(
                    format!("static/branch-{n}/style.css"),
                    format!("body {{ color: #{n:03}; }}\n").into_bytes(),
                );
            }
            _ => {
                // A content folder: pages changed, deleted (plain files only) or added.
                let pages: Vec<String> = self
                    .pages()
                    .into_iter()
                    .filter(|p| p.starts_with(&format!("{folder}/")))
                    .collect();
                for page in pages {
                    match self.rng.below(4) {
                        0 if !Self::is_bundle(&page) && page.matches('/').count() > 1 => {
                            new.remove(&page);
                            gone_pages.push(page);
                        }
                        1 => {
                            let text = String::from_utf8(new[&page].clone()).expect("UTF-8 page");
                            let Some((front, body)) = split_front(&text) else {
                                continue;
                            };
                            let changed = match parse_table(&front) {
                                Some(mut t) if self.rng.chance(0.5) => {
                                    t.insert(
                                        "title".into(),
                                        format!("Branch {n} on {}", self.words(1, 3)).into(),
                                    );
                                    join_front(&table_text(&t), &body)
                                }
                                _ => format!("{text}\n{}\n", self.paragraph()),
                            };
                            new.insert(page, changed.into_bytes());
                        }
                        _ => {}
                    }
                }
                let home = if folder == "content" {
                    let sections = self.sections();
                    self.rng.pick(&sections).clone()
                } else {
                    folder.to_owned()
                };
                for _ in 0..self.rng.range(1, 2) {
                    let m = self.next_id();
                    let rel = format!("{home}/branch-{m}.md");
                    let text = self.new_page_text(&rel["content/".len()..], false);
                    new.insert(rel, text.into_bytes());
                }
            }
        }
        let whole = self.rng.chance(0.3);
        if whole {
            std::fs::remove_dir_all(self.abs(folder))
                .unwrap_or_else(|e| panic!("cannot remove {folder}: {e}"));
        }
        let mut changed: Vec<String> = Vec::new();
        // Removing files one by one leaves emptied folders behind, as a checkout does.
        for f in old.keys() {
            if !new.contains_key(f) {
                if !whole {
                    std::fs::remove_file(self.abs(f)).unwrap_or_else(|e| panic!("cannot remove {f}: {e}"));
                }
                self.broken.remove(f);
                changed.push(f.clone());
            }
        }
        for (f, bytes) in &new {
            if whole || old.get(f) != Some(bytes) {
                let path = self.abs(f);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).expect("create folders");
                }
                std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write {f}: {e}"));
                if old.get(f) != Some(bytes) {
                    self.broken.remove(f);
                    changed.push(f.clone());
                }
            }
        }
        // The watcher names the folder when it was deleted and made again.
        if whole {
            self.touch_folder(folder, &changed, 0.7);
        } else {
            self.touched.extend(changed.iter().cloned());
            if self.rng.chance(0.3) {
                self.touched.push(folder.to_owned());
            }
        }
        let mut what = format!(
            "folder: switch {folder}{} ({} files differ)",
            if whole { " (whole)" } else { "" },
            changed.len()
        );
        for g in gone_pages {
            what.push_str(&self.after_target_gone(&g["content/".len()..], None));
        }
        self.note(what);
        true
    }

    /// Restores every broken file and points dangling `@/` links at pages that exist.
    fn repair(&mut self) {
        let broken = std::mem::take(&mut self.broken);
        for (file, text) in &broken {
            match text {
                Some(text) => self.write(file, text),
                None if self.exists(file) => self.remove_file(file),
                None => {}
            }
        }
        let valid = self.valid_targets();
        let pattern = link_pattern();
        let dangling: BTreeSet<String> = self
            .markdown_files()
            .iter()
            .flat_map(|f| {
                pattern
                    .captures_iter(&self.read(f))
                    .map(|c| c[1].to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|t| !valid.contains(t))
            .collect();
        let mut fixed = 0;
        for d in &dangling {
            fixed += self.fix_links(d, None);
        }
        self.note(format!(
            "repair: restored {} files, retargeted {} dangling targets in {fixed} files",
            broken.len(),
            dangling.len()
        ));
    }
}

fn strip_date(name: &str) -> &str {
    let b = name.as_bytes();
    let dated = b.len() > 11
        && b[..10].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
        && (b[10] == b'-' || b[10] == b'_');
    if dated { &name[11..] } else { name }
}

// ---------------------------------------------------------------------------------------
// The randomised test

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| {
            let v = v.trim();
            match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16)
                    .ok()
                    .and_then(|n| n.to_string().parse().ok()),
                None => v.parse().ok(),
            }
        })
        .unwrap_or(default)
}

#[test]
fn random_edits_keep_outputs_identical_to_a_cold_build() {
    let seed: u64 = env_or("DOSSIER_FUZZ_SEED", DEFAULT_SEED);
    let total_ops: usize = env_or("DOSSIER_FUZZ_OPS", DEFAULT_OPS);
    let started = Instant::now();
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    match cold_build(site.root()) {
        Ok(cold) => {
            if let Some(diff) = mismatch(&cold, &outputs_of(&session)) {
                panic!("seed {seed:#x}: the first build differs from a cold build\n{diff}");
            }
        }
        Err(e) => panic!("the fixture does not build cold:\n{e}"),
    }

    let mut ed = Editor::new(site.root(), seed);
    let weight_total: usize = OPS.iter().map(|(_, w)| w).sum();
    let (mut ops_done, mut batches, mut failed, mut incremental, mut failing_run) = (0, 0, 0, 0, 0);
    let mut last_failed = false;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    while ops_done < total_ops {
        batches += 1;
        ed.touched.clear();
        ed.log.push(format!("batch {batches}:"));
        // A folder taken away in the last batch comes back whole.
        ed.come_back();
        if (last_failed || !ed.broken.is_empty()) && ed.rng.chance(0.6) {
            ed.repair();
        }
        let size = ed.rng.range(1, 4);
        // Some batches hold only fast-path edits, as when someone is typing in one file.
        let only_fast = ed.touched.is_empty() && ed.rng.chance(0.25);
        let mut made = 0;
        while made < size {
            let mut r = if only_fast { 0 } else { ed.rng.below(weight_total) };
            let op = OPS
                .iter()
                .find(|(_, w)| {
                    if r < *w {
                        true
                    } else {
                        r -= w;
                        false
                    }
                })
                .map(|(op, _)| *op)
                .expect("an op");
            if ed.run(op) {
                made += 1;
                *counts.entry(format!("{op:?}")).or_insert(0usize) += 1;
            }
            if ed.away.is_some() {
                // Nothing else happens while a folder is away: the batch ends with it.
                break;
            }
        }
        ops_done += made;

        // Paths as the watcher gives them (absolute) or relative to the site folder.
        let mut paths: Vec<PathBuf> = Vec::new();
        for t in ed.touched.clone() {
            let path = if ed.rng.chance(0.25) {
                PathBuf::from(&t)
            } else {
                site.path(&t)
            };
            if ed.rng.chance(0.05) {
                // Watchers report some changes twice.
                paths.push(path.clone());
            }
            paths.push(path);
        }
        let before = outputs_of(&session);
        let result = session.apply(&paths);
        let after = outputs_of(&session);
        let cold = cold_build(site.root());
        let report = |what: String| -> String {
            format!(
                "seed {seed:#x} (replay with DOSSIER_FUZZ_SEED={seed:#x}), batch {batches}: {what}\n\
                 --- operations\n{}\n--- paths passed to apply\n{paths:#?}",
                ed.log.join("\n")
            )
        };
        match (cold, result) {
            (Ok(expected), Ok(update)) => {
                if let Some(diff) = mismatch(&expected, &after) {
                    panic!(
                        "{}",
                        report(format!(
                            "the session's outputs differ from a cold build (update: full = {}, rendered = {})\n{diff}",
                            update.full, update.rendered
                        ))
                    );
                }
                let really = differing(&before, &after);
                if really != update.changed {
                    panic!(
                        "{}",
                        report(format!(
                            "Update::changed is not the set of outputs that changed\n  reported: {:?}\n  actual:   {really:?}",
                            update.changed
                        ))
                    );
                }
                if !update.full {
                    incremental += 1;
                }
                last_failed = false;
                failing_run = 0;
            }
            (Err(e), Err(_)) => {
                if std::env::var("DOSSIER_FUZZ_DEBUG").is_ok() {
                    eprintln!("batch {batches} fails: {}", e.lines().next().unwrap_or(""));
                }
                if let Some(diff) = mismatch(&before, &after) {
                    panic!(
                        "{}",
                        report(format!("a failed apply changed the outputs\n{diff}"))
                    );
                }
                failed += 1;
                failing_run += 1;
                last_failed = true;
                if failing_run > 12 {
                    panic!(
                        "{}",
                        report("the test's edits left the site failing for 12 batches in a row".into())
                    );
                }
            }
            (Ok(_), Err(d)) => panic!(
                "{}",
                report(format!(
                    "apply failed but a cold build succeeds:\n{}",
                    diagnostics(d)
                ))
            ),
            (Err(e), Ok(update)) => panic!(
                "{}",
                report(format!(
                    "apply succeeded (full = {}) but a cold build fails:\n{e}",
                    update.full
                ))
            ),
        }
    }
    if std::env::var("DOSSIER_FUZZ_DEBUG").is_ok() {
        eprintln!("--- operations\n{}", ed.log.join("\n"));
    }
    eprintln!(
        "incremental fuzz: seed {seed:#x}, {ops_done} operations in {batches} batches \
         ({failed} failing builds, {incremental} incremental updates) in {:.1?}; operations: {counts:?}",
        started.elapsed()
    );
    assert!(
        failed * 4 < batches,
        "too many failing batches ({failed} of {batches}): the test mostly checks failures"
    );
    assert!(incremental > 0, "no update took the incremental path");
}

// ---------------------------------------------------------------------------------------
// Focused tests

fn assert_matches_cold(site: &SiteTest, session: &Session) {
    let cold = cold_build(site.root()).unwrap_or_else(|e| panic!("the cold build fails:\n{e}"));
    if let Some(diff) = mismatch(&cold, &outputs_of(session)) {
        panic!("the session's outputs differ from a cold build\n{diff}");
    }
}

fn apply_ok(session: &mut Session, site: &SiteTest, rel: &[&str]) -> Update {
    let paths: Vec<PathBuf> = rel.iter().map(|r| site.path(r)).collect();
    session
        .apply(&paths)
        .unwrap_or_else(|d| panic!("apply failed:\n{}", diagnostics(d)))
}

#[test]
fn a_body_edit_below_the_summary_rerenders_only_what_shows_the_page() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let total = outputs_of(&session).len();
    let rel = "content/diplomacy/beijing.md";
    let text = site.read(rel);
    site.write(
        rel,
        text.replace(
            "Trade with both continues to grow.",
            "Trade with both continues to grow, and fast.\n\nA second paragraph about ports.",
        ),
    );

    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(
        !update.full,
        "a body edit below <!-- more --> was a full rebuild: {update:?}"
    );
    assert!(
        update.changed.iter().any(|c| c == "diplomacy/beijing/index.html"),
        "the page's own output is not in changed: {:?}",
        update.changed
    );
    for unrelated in [
        "security/drones/index.html",
        "economy/energy/index.html",
        "diplomacy/seoul-view/index.html",
        "security/index.html",
    ] {
        assert!(
            !update.changed.iter().any(|c| c == unrelated),
            "{unrelated} is in changed: {:?}",
            update.changed
        );
    }
    assert!(
        update.rendered * 2 < total,
        "rendered {} of {total} outputs for one body edit",
        update.rendered
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_body_edit_that_changes_the_reading_time_updates_the_lists() {
    // Lists show each page's reading time: 200 more words make it 2 minutes.
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/security/training.md";
    let text = site.read(rel);
    let long = vec!["depot"; 260].join(" ");
    site.write(rel, format!("{text}\nLong {long}.\n"));
    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(!update.full, "{update:?}");
    // The page, the section pager that lists it (it is on page 2) and its archive pages.
    assert_changed(
        &update,
        &[
            "security/training/index.html",
            "security/page/2/index.html",
            "archive/2024/10/index.html",
        ],
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_title_change_gives_the_outputs_of_a_cold_build() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/security/munitions.md";
    let text = site.read(rel);
    site.write(
        rel,
        text.replace(
            "title = \"Shells for Missiles\"",
            "title = \"Shells, Rails and Missiles\"",
        ),
    );
    let update = apply_ok(&mut session, &site, &[rel]);
    assert_changed(
        &update,
        &[
            "security/munitions/index.html",
            "security/index.html",
            "tags/munitions/index.html",
        ],
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_broken_file_keeps_the_last_good_outputs_until_it_is_fixed() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let good = outputs_of(&session);
    let rel = "content/security/drones.md";
    let text = site.read(rel);

    // Unclosed front matter.
    site.write(rel, text.replacen("+++\n\nDrone units", "\nDrone units", 1));
    assert!(cold_build(site.root()).is_err(), "the cold build should fail");
    assert!(session.apply(&[site.path(rel)]).is_err(), "apply should fail");
    assert!(
        mismatch(&good, &outputs_of(&session)).is_none(),
        "a failed apply changed the outputs"
    );

    // Still broken, differently: an invalid date. Another page edited in the same batch.
    site.write(rel, text.replace("date = 2024-09-12", "date = \"2024-13-45\""));
    let other = "content/diplomacy/beijing.md";
    site.write(other, format!("{}\nMore on trade.\n", site.read(other)));
    assert!(cold_build(site.root()).is_err(), "the cold build should fail");
    assert!(
        session.apply(&[site.path(rel), site.path(other)]).is_err(),
        "apply should fail"
    );
    assert!(
        mismatch(&good, &outputs_of(&session)).is_none(),
        "a failed apply changed the outputs"
    );

    // Fixed, with a body edit as well: back to matching a cold build.
    site.write(rel, format!("{text}\nJamming is now constant.\n"));
    apply_ok(&mut session, &site, &[rel]);
    assert_matches_cold(&site, &session);

    // And the fast path works again afterwards.
    site.write(rel, format!("{text}\nJamming is now constant, and cheap.\n"));
    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(!update.full, "{update:?}");
    assert_matches_cold(&site, &session);
}

#[test]
fn a_new_link_below_the_summary_gives_the_outputs_of_a_cold_build() {
    // The link target is a dated analysis: besides its backlinks, its event on the
    // timelines lists the pages that cite it.
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/diplomacy/beijing.md";
    let text = site.read(rel);
    site.write(
        rel,
        format!("{text}\nCompare [the drones brief](@/security/drones.md) with this.\n"),
    );
    apply_ok(&mut session, &site, &[rel]);
    assert_matches_cold(&site, &session);
}

#[test]
fn a_temporary_file_that_came_and_went_is_not_a_change() {
    // `sed -i` and some editors write a temporary file beside the page and rename it over
    // the page: the watcher reports both names, and the temporary one no longer exists.
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/diplomacy/beijing.md";
    let text = site.read(rel);
    site.write(
        rel,
        text.replace(
            "Trade with both continues to grow.",
            "Trade with both continues to grow, fast.",
        ),
    );
    let update = apply_ok(&mut session, &site, &[rel, "content/diplomacy/sedX1b2c3"]);
    assert!(!update.full, "{update:?}");
    assert_matches_cold(&site, &session);

    // A folder that held pages is not such a path: moving it away rebuilds.
    std::fs::rename(
        site.root().join("content/security/field-notes"),
        site.root().join("field-notes-elsewhere"),
    )
    .expect("move the folder out");
    let update = apply_ok(&mut session, &site, &["content/security/field-notes"]);
    assert!(update.full, "{update:?}");
    assert_matches_cold(&site, &session);
}

/// Asserts that the update reports each of `outputs` as changed.
fn assert_changed(update: &dossier::incremental::Update, outputs: &[&str]) {
    for shown in outputs {
        assert!(
            update.changed.iter().any(|c| c == shown),
            "{shown} should change: {:?}",
            update.changed
        );
    }
}

#[test]
fn a_new_word_in_a_body_reaches_the_search_index_without_a_full_build() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/diplomacy/beijing.md";
    let text = site.read(rel);
    site.write(rel, format!("{text}\nA quixotically zygomorphic paragraph.\n"));
    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(!update.full, "{update:?}");
    let search: Vec<&String> = update
        .changed
        .iter()
        .filter(|c| c.starts_with("search/"))
        .collect();
    // The page's own document and the shards of its new words; nothing else of the index.
    assert!(search.iter().any(|c| c.starts_with("search/docs/")), "{search:?}");
    assert!(
        search.iter().any(|c| c.starts_with("search/terms/")),
        "{search:?}"
    );
    assert_eq!(
        search.iter().filter(|c| c.starts_with("search/docs/")).count(),
        1,
        "{search:?}"
    );
    assert!(
        !search
            .iter()
            .any(|c| c.ends_with("index.json") || c.ends_with("filters.json"))
    );
    let outputs = outputs_of(&session);
    let shards: Vec<&String> = outputs
        .keys()
        .filter(|k| k.starts_with("search/terms/"))
        .collect();
    assert!(
        shards
            .iter()
            .any(|k| String::from_utf8_lossy(&outputs[*k]).contains("\"zygomorphic\"")),
        "the new word is in no shard"
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_front_matter_edit_reparses_one_file_and_renders_what_shows_it() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let total = outputs_of(&session).len();
    let rel = "content/security/training.md";
    let text = site.read(rel);
    // A tag moves: "training" → "logistics" (a new term).
    site.write(
        rel,
        text.replace(
            "tags = [\"training\", \"deployment\"]",
            "tags = [\"logistics\", \"deployment\"]",
        ),
    );
    let update = apply_ok(&mut session, &site, &[rel]);
    assert_eq!(
        update.parsed, 1,
        "only the edited file is parsed again: {update:?}"
    );
    assert_eq!(update.read, 1, "only the edited file is read again: {update:?}");
    assert!(update.rendered < total, "rendered all {total} outputs");
    for expected in [
        "security/training/index.html",
        "tags/logistics/index.html",
        "tags/training/index.html",
        // The other term's page shows the event without its terms (see `with_event_html`),
        // but its feed lists them as categories.
        "tags/deployment/atom.xml",
        "tags/index.html",
    ] {
        assert!(
            update.changed.iter().any(|c| c == expected),
            "{expected} not in {:?}",
            update.changed
        );
    }
    assert!(
        !update.changed.iter().any(|c| c == "diplomacy/beijing/index.html"),
        "an unrelated page changed: {:?}",
        update.changed
    );
    assert_matches_cold(&site, &session);

    // The old term's page goes when its last page leaves it; the reverse edit brings it back.
    site.write(rel, text);
    let back = apply_ok(&mut session, &site, &[rel]);
    assert_eq!(back.parsed, 1, "{back:?}");
    assert!(
        back.changed.iter().any(|c| c == "tags/logistics/index.html"),
        "{:?}",
        back.changed
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_new_page_renders_itself_and_the_lists_it_joins_not_the_whole_site() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let total = outputs_of(&session).len();
    let rel = "content/economy/rail.md";
    site.write(
        rel,
        "+++\ntitle = \"Rail Freight\"\ndate = 2024-11-20\n[taxonomies]\ntags = [\"logistics\"]\n+++\n\nTrains carry shells west.\n",
    );
    let update = apply_ok(&mut session, &site, &[rel]);
    assert_eq!(update.read, 1, "only the new file is read: {update:?}");
    assert!(
        update.changed.iter().any(|c| c == "economy/rail/index.html"),
        "{:?}",
        update.changed
    );
    assert!(
        update.changed.iter().any(|c| c == "economy/index.html"),
        "{:?}",
        update.changed
    );
    assert!(update.rendered < total, "rendered all {total} outputs");
    assert_matches_cold(&site, &session);

    std::fs::remove_file(site.path(rel)).unwrap();
    let gone = apply_ok(&mut session, &site, &[rel]);
    assert!(
        gone.changed.iter().any(|c| c == "economy/rail/index.html"),
        "{:?}",
        gone.changed
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn on_a_larger_site_a_tag_edit_renders_a_small_part_of_it() {
    let mut site = SiteTest::empty().file(
        "config.toml",
        "base_url = \"https://example.org/\"\ntitle = \"T\"\ntaxonomies = [{ name = \"tags\" }]\n",
    );
    site = site.file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    for s in 0..4 {
        site = site.file(
            &format!("content/s{s}/_index.md"),
            format!("+++\ntitle = \"Section {s}\"\n+++\n"),
        );
        for p in 0..10 {
            site = site.file(
                &format!("content/s{s}/p{p}.md"),
                format!(
                    "+++\ntitle = \"Page {s}-{p}\"\n[taxonomies]\ntags = [\"t{s}{p}\"]\n+++\n\nText of page {s}-{p}, linking to [another](@/s{}/p{p}.md).\n",
                    (s + 1) % 4
                ),
            );
        }
    }
    let mut session = session_for(&site);
    let total = outputs_of(&session).len();
    let rel = "content/s2/p5.md";
    let text = site.read(rel);
    site.write(rel, text.replace("tags = [\"t25\"]", "tags = [\"t25\", \"t00\"]"));
    let update = apply_ok(&mut session, &site, &[rel]);
    assert_eq!((update.read, update.parsed), (1, 1), "{update:?}");
    assert!(
        update.rendered * 4 < total,
        "rendered {} of {total} outputs for one tag added",
        update.rendered
    );
    assert!(
        update.changed.iter().any(|c| c == "tags/t00/index.html"),
        "{:?}",
        update.changed
    );
    assert!(
        !update.changed.iter().any(|c| c == "s0/p1/index.html"),
        "{:?}",
        update.changed
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_deferred_first_build_has_its_pages_then_its_search_index() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = Session::new(options(site.root()));
    let first = session
        .rebuild_deferring()
        .unwrap_or_else(|d| panic!("the fixture does not build:\n{}", diagnostics(d)));
    assert!(first.full);
    let pages = outputs_of(&session);
    assert!(pages.contains_key("security/training/index.html"));
    assert!(
        !pages.keys().any(|p| p.starts_with("search/")),
        "search files before finish"
    );
    let rest = session.finish().expect("something left").expect("it renders");
    assert!(!rest.changed.is_empty() && rest.changed.iter().all(|p| p.starts_with("search/")));
    assert!(session.finish().is_none(), "finish twice");
    assert_matches_cold(&site, &session);
}

#[test]
fn an_edit_before_the_deferred_part_is_finished_still_ends_like_a_cold_build() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = Session::new(options(site.root()));
    session.rebuild_deferring().expect("builds");
    let rel = "content/diplomacy/beijing.md";
    let text = site.read(rel);
    site.write(rel, format!("{text}\nA zygomorphic addition.\n"));
    apply_ok(&mut session, &site, &[rel]);
    assert_matches_cold(&site, &session);
}

#[test]
fn key_judgments_added_and_changed_in_a_body_reach_the_judgments_page() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/security/training.md";
    let text = site.read(rel);
    // A judgment appears, changes its confidence, and goes (and the page with it).
    let versions = [
        format!("{text}\n> [!KEY JUDGMENT]\n> **High confidence:** Training continues.\n"),
        format!("{text}\n> [!KEY JUDGMENT]\n> **Low confidence:** Training continues.\n"),
        text.clone(),
    ];
    for version in versions {
        site.write(rel, &version);
        let update = apply_ok(&mut session, &site, &[rel]);
        assert!(
            update.changed.iter().any(|c| c == "judgments/index.html"),
            "{:?}",
            update.changed
        );
        assert_matches_cold(&site, &session);
    }
}

#[test]
fn an_edit_to_the_bibliography_renders_the_citing_pages_again() {
    let site = SiteTest::fixture(FIXTURE);
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        format!("{config}\n[sources]\nbibliography = \"sources.yml\"\n"),
    );
    site.write(
        "content/sources.yml",
        "nato:\n  type: Web\n  title: Statement\n  author: NATO\n  date: 2024-10-28\n",
    );
    let rel = "content/security/training.md";
    let text = site.read(rel);
    site.write(rel, format!("{text}\nAs NATO said [@nato].\n"));
    let mut session = session_for(&site);
    site.write(
        "content/sources.yml",
        "nato:\n  type: Web\n  title: Statement on Kursk\n  author: NATO\n  date: 2024-10-29\n",
    );
    let update = apply_ok(&mut session, &site, &["content/sources.yml"]);
    assert!(
        update.changed.iter().any(|c| c == "security/training/index.html"),
        "{:?}",
        update.changed
    );
    assert!(!update.changed.iter().any(|c| c == "sources.yml"));
    assert_matches_cold(&site, &session);
}

/// Regression: a batch naming only `content/` (as the watcher reports a folder moved away
/// or back) was taken for a temporary file that came and went, and the session went on
/// serving the pages that had vanished.
#[test]
fn source_folders_reported_only_by_their_own_path_give_a_cold_build() {
    let site = SiteTest::fixture(FIXTURE);
    // Without files copied from content/, nothing else tells the session it held sources.
    let asset = "content/economy/sanctions/indicators.csv";
    std::fs::remove_file(site.path(asset)).expect("remove the asset");
    let mut session = session_for(&site);
    let stash = tempfile::Builder::new()
        .prefix("dossier-away-")
        .tempdir()
        .expect("temp dir");
    for folder in ["content", "templates", "static", "content/security/field-notes"] {
        // Moved away in one batch and back in the next.
        let away = stash.path().join(folder.replace('/', "-"));
        std::fs::rename(site.path(folder), &away).expect("move away");
        let gone = session.apply(&[site.path(folder)]);
        match cold_build(site.root()) {
            Ok(_) => {
                gone.unwrap_or_else(|d| panic!("{folder} away: apply failed:\n{}", diagnostics(d)));
                assert_matches_cold(&site, &session);
            }
            Err(_) => assert!(gone.is_err(), "{folder} away: a cold build fails, apply did not"),
        }
        std::fs::rename(&away, site.path(folder)).expect("move back");
        apply_ok(&mut session, &site, &[folder]);
        assert_matches_cold(&site, &session);

        // Deleted in one batch and made again in the next.
        crate::harness::copy_dir(&site.path(folder), &away);
        std::fs::remove_dir_all(site.path(folder)).expect("delete");
        let gone = session.apply(&[site.path(folder)]);
        if cold_build(site.root()).is_ok() {
            gone.unwrap_or_else(|d| panic!("{folder} deleted: apply failed:\n{}", diagnostics(d)));
            assert_matches_cold(&site, &session);
        }
        crate::harness::copy_dir(&away, &site.path(folder));
        std::fs::remove_dir_all(&away).expect("clean up");
        apply_ok(&mut session, &site, &[folder]);
        assert_matches_cold(&site, &session);
    }
}
