//! Edits to files other than a page's Markdown: static files and content assets,
//! sections, templates; files broken on purpose, and the repair that restores them.

use std::collections::BTreeSet;

use super::Editor;
use super::text::*;
use crate::harness::repo_root;

impl Editor {
    pub(super) fn files(&mut self) -> bool {
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

    pub(super) fn section(&mut self) -> bool {
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
    pub(super) fn template(&mut self) -> bool {
        let n = self.next_id();
        let theme = |name: &str| {
            std::fs::read_to_string(repo_root().join("themes/default/templates").join(name))
                .expect("theme template")
        };
        let stamp = "{% include \"partials/stamp.html\" %}\n";
        let (file, text): (&str, Option<String>) = match self.rng.below(8) {
            0 | 1 => {
                let original = theme("partials/connected.html");
                let text = match self.rng.below(4) {
                    0 => None,
                    1 => Some(original.replace("Connected analyses", &format!("Read next {n}")) + stamp),
                    2 => Some(format!(
                        "{{% set home = get_section(path=\"_index.md\") %}}<p class=\"home\"><a href=\"{{{{ home.path }}}}\">{{{{ home.title }}}}</a> {n}</p>\n{original}"
                    )),
                    _ => Some(original.replace("Connected analyses", "See also") + stamp),
                };
                ("templates/partials/connected.html", text)
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

    pub(super) fn break_something(&mut self) -> bool {
        if self.rng.chance(0.2) {
            let file = "templates/partials/connected.html";
            // Broken twice, it is repaired to what it was before the first time.
            let before = match self.broken.get(file) {
                Some(before) => before.clone(),
                None => self.exists(file).then(|| self.read(file)),
            };
            self.write(file, "{% if connected %}<p>unclosed</p>\n");
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

    /// Restores every broken file and points dangling `@/` links at pages that exist.
    pub(crate) fn repair(&mut self) {
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
