//! The random editor of the incremental test: it changes a copy of
//! `tests/fixtures/incremental/` as a person (or a `git checkout`) would, keeping the site
//! buildable most of the time, and records the paths it touched for `Session::apply` and
//! a log of what it did for the failure message.
//!
//! Its operations are spread over modules by what they change: [`pages`] (bodies, front
//! matter, new, deleted and renamed pages), [`files`] (static files and assets, sections,
//! templates, files broken on purpose and their repair) and [`folders`] (whole folders
//! taken away and brought back, or switched).

mod files;
mod folders;
mod pages;
mod rng;
mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rng::{REGIONS, Rng, TAGS, WORDS};
use text::*;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Op {
    /// A body edit below `<!-- more -->` that touches no link or heading (the fast path).
    BodyBelow,
    /// A body edit other pages see: summary, links, headings.
    BodyShared,
    FrontMatter,
    /// A term or weight edit (`serve` settles the model after it without a build).
    Placing,
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

pub(super) const OPS: &[(Op, usize)] = &[
    (Op::BodyBelow, 40),
    (Op::BodyShared, 12),
    (Op::FrontMatter, 14),
    (Op::Placing, 8),
    (Op::AddPage, 6),
    (Op::DeletePage, 4),
    (Op::Rename, 5),
    (Op::Files, 7),
    (Op::Section, 4),
    (Op::Template, 5),
    (Op::Break, 3),
    (Op::Folder, 4),
];

/// The sum of the operations' weights.
pub(super) fn total_weight() -> usize {
    OPS.iter().map(|(_, w)| w).sum()
}

/// The operation at `r` in `0..total_weight()`, where each has a share of the range as
/// large as its weight.
pub(super) fn op_at(mut r: usize) -> Op {
    OPS.iter()
        .find(|(_, w)| {
            if r < *w {
                true
            } else {
                r -= w;
                false
            }
        })
        .map(|(op, _)| *op)
        .expect("an op")
}

/// A folder taken away from the site by `Op::Folder`.
pub(super) struct Away {
    /// The folder, relative to the site folder (`templates`, `content/security`).
    rel: String,
    how: Gone,
    /// Its broken files, which come back broken.
    pub(super) broken: BTreeMap<String, Option<String>>,
}

enum Gone {
    /// Moved out of the site, to this path.
    Moved(PathBuf),
    /// Deleted; its files and their bytes, to write again.
    Deleted(Vec<(String, Vec<u8>)>),
}

pub(super) struct Editor {
    root: PathBuf,
    /// Where folders moved away from the site wait to come back.
    stash: tempfile::TempDir,
    /// A folder taken away by `Op::Folder`, back at the start of the next batch.
    pub(super) away: Option<Away>,
    pub(super) rng: Rng,
    /// For unique names.
    counter: usize,
    /// Files made invalid on purpose → their text before (`None`: the file did not exist).
    pub(super) broken: BTreeMap<String, Option<String>>,
    /// Paths touched in the current batch, relative to the site folder.
    pub(super) touched: Vec<String>,
    /// Every operation so far.
    pub(super) log: Vec<String>,
}

impl Editor {
    pub(super) fn new(root: &Path, seed: u64) -> Editor {
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

    /// Starts batch `batch`: nothing touched yet, a folder taken away in the last batch
    /// back whole, and, more often than not, the files broken on purpose repaired when
    /// they are there or the last batch's build failed.
    pub(super) fn begin_batch(&mut self, batch: usize, last_failed: bool) {
        self.touched.clear();
        self.log.push(format!("batch {batch}:"));
        self.come_back();
        if (last_failed || !self.broken.is_empty()) && self.rng.chance(0.6) {
            self.repair();
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

    // --- operations (in pages.rs, files.rs and folders.rs) -------------------------------

    pub(super) fn run(&mut self, op: Op) -> bool {
        match op {
            Op::BodyBelow => self.body_below(),
            Op::BodyShared => self.body_shared(),
            Op::FrontMatter => self.front_matter(),
            Op::Placing => self.placing(),
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
}
