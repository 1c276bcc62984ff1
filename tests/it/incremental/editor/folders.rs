//! Whole folders at once: a source folder or section deleted or moved away (and back),
//! or switched to another set of files as `git checkout` does.

use std::collections::BTreeMap;

use super::text::*;
use super::{Away, Editor, Gone};
use crate::harness::repo_root;

impl Editor {
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
    pub(super) fn folder(&mut self) -> bool {
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
    pub(crate) fn come_back(&mut self) {
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
                    let related = theme("partials/connected.html")
                        .replace("Connected analyses", &format!("On branch {n}"))
                        + "{% include \"partials/stamp.html\" %}\n";
                    new.insert("templates/partials/connected.html".into(), related.into_bytes());
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
}
