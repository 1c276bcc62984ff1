//! Edits to pages: bodies (below the summary, or what other pages see), front matter,
//! new, deleted and renamed pages.

use super::Editor;
use super::rng::{REGIONS, TAGS};
use super::text::*;

impl Editor {
    pub(super) fn body_below(&mut self) -> bool {
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

    pub(super) fn body_shared(&mut self) -> bool {
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

    pub(super) fn front_matter(&mut self) -> bool {
        if self.rng.chance(0.15) {
            return self.section_front_matter();
        }
        self.page_front_matter(None)
    }

    /// A front-matter edit that only places a page elsewhere in its lists: a term added
    /// or removed, a weight or a date (what `serve` settles without building the model
    /// again).
    pub(super) fn placing(&mut self) -> bool {
        let edit = match self.rng.below(8) {
            0..=4 => 2,
            5 => 5,
            _ => 1,
        };
        self.page_front_matter(Some(edit))
    }

    /// Edits one front-matter key of a random page: the `edit`th kind, else a random one.
    fn page_front_matter(&mut self, edit: Option<usize>) -> bool {
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
        let what = match edit.unwrap_or_else(|| self.rng.below(10)) {
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
            // Another day of the same month: the page keeps its place on the timeline's
            // and the archive's pages, but not in their lists.
            1 if self.rng.chance(0.3)
                && let Some(month) = t
                    .get("date")
                    .and_then(toml::Value::as_datetime)
                    .and_then(|d| d.date)
                    .map(|d| format!("{}-{:02}", d.year, d.month)) =>
            {
                let d = format!("{month}-{:02}", self.rng.range(1, 28));
                t.insert("date".into(), date_value(&d));
                format!("date = {d}")
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

    pub(super) fn add_page(&mut self) -> bool {
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

    pub(super) fn delete_page(&mut self) -> bool {
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

    pub(super) fn rename_page(&mut self) -> bool {
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
        // A translation (`kursk-deployment.uk.md`) stays one: renamed without its code it
        // would be a second page in the default language, whose event ids clash.
        let file = node.rsplit('/').next().unwrap_or("").trim_end_matches(".md");
        let (file, lang) = match file.rsplit_once('.') {
            Some((stem, code)) if !Self::is_bundle(&page) => (stem, format!(".{code}")),
            _ => (file, String::new()),
        };
        let name = if to_section != here && self.rng.chance(0.5) {
            // Keep the name if nothing there has the same slug.
            let base = file;
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
            format!("{to_section}/{name}{lang}.md")
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
}
