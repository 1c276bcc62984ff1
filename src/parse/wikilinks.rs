//! Resolving `[[wikilinks]]`: a target is a content path, a title or a slug.

use std::collections::HashMap;

use crate::diagnostic::closest;
use crate::slugs::slugify;

/// Titles, paths and slugs of every page and section, for wikilink lookups.
#[derive(Debug, Default)]
pub(crate) struct WikiIndex {
    /// Content path (`security/kursk.md`) → title.
    titles: HashMap<String, String>,
    /// Normalised title → content paths.
    by_title: HashMap<String, Vec<String>>,
    /// Slug → content paths.
    by_slug: HashMap<String, Vec<String>>,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum WikiError {
    /// Nothing matches; the closest titles or paths, best first.
    Missing(Vec<String>),
    /// Several pages match; their content paths.
    Ambiguous(Vec<String>),
}

fn normalise(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl WikiIndex {
    pub(crate) fn add(&mut self, content_path: &str, title: &str, slug: &str) {
        self.titles.insert(content_path.to_owned(), title.to_owned());
        if !title.trim().is_empty() {
            self.by_title
                .entry(normalise(title))
                .or_default()
                .push(content_path.to_owned());
        }
        if !slug.is_empty() {
            self.by_slug
                .entry(slug.to_owned())
                .or_default()
                .push(content_path.to_owned());
        }
    }

    /// Sorts candidate lists so messages and choices never depend on insertion order.
    pub(crate) fn finish(&mut self) {
        for list in self.by_title.values_mut().chain(self.by_slug.values_mut()) {
            list.sort();
        }
    }

    pub(crate) fn title(&self, content_path: &str) -> Option<&str> {
        self.titles.get(content_path).map(String::as_str)
    }

    /// The content path a wikilink target names: a path (`security/kursk`, with or
    /// without `.md`), then a title (ignoring case), then a slug.
    pub(crate) fn resolve(&self, target: &str) -> Result<String, WikiError> {
        let t = target.trim().trim_start_matches("@/").trim_start_matches('/');
        let t = t.strip_suffix('/').unwrap_or(t);
        let path_forms = if t.ends_with(".md") {
            vec![t.to_owned()]
        } else {
            vec![
                format!("{t}.md"),
                format!("{t}/index.md"),
                format!("{t}/_index.md"),
            ]
        };
        if let Some(p) = path_forms.into_iter().find(|p| self.titles.contains_key(p)) {
            return Ok(p);
        }
        for found in [self.by_title.get(&normalise(t)), self.by_slug.get(&slugify(t))]
            .into_iter()
            .flatten()
        {
            match found.as_slice() {
                [one] => return Ok(one.clone()),
                [] => {}
                many => return Err(WikiError::Ambiguous(many.to_vec())),
            }
        }
        Err(WikiError::Missing(self.candidates(t)))
    }

    /// Up to three titles or paths close to `target`.
    fn candidates(&self, target: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut titles: Vec<&str> = self.titles.values().map(String::as_str).collect();
        titles.sort();
        let mut paths: Vec<&str> = self.titles.keys().map(String::as_str).collect();
        paths.sort();
        for _ in 0..3 {
            let pool = titles
                .iter()
                .chain(paths.iter())
                .copied()
                .filter(|c| !out.iter().any(|o: &String| o == c));
            match closest(target, pool) {
                Some(c) => out.push(c.to_owned()),
                None => break,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> WikiIndex {
        let mut w = WikiIndex::default();
        w.add(
            "security/kursk-deployment.md",
            "Kursk deployment",
            "kursk-deployment",
        );
        w.add("economy/sanctions/index.md", "Sanctions", "sanctions");
        w.add("security/_index.md", "Security", "");
        w.add("a/notes.md", "Notes", "notes");
        w.add("b/notes.md", "Notes", "notes");
        w.finish();
        w
    }

    #[test]
    fn resolves_by_path_title_and_slug() {
        let w = index();
        assert_eq!(
            w.resolve("security/kursk-deployment").unwrap(),
            "security/kursk-deployment.md"
        );
        assert_eq!(
            w.resolve("security/kursk-deployment.md").unwrap(),
            "security/kursk-deployment.md"
        );
        assert_eq!(
            w.resolve("kursk  DEPLOYMENT").unwrap(),
            "security/kursk-deployment.md"
        );
        assert_eq!(
            w.resolve("economy/sanctions").unwrap(),
            "economy/sanctions/index.md"
        );
        assert_eq!(w.resolve("security").unwrap(), "security/_index.md");
        assert_eq!(
            w.resolve("kursk-deployment").unwrap(),
            "security/kursk-deployment.md"
        );
    }

    #[test]
    fn ambiguous_and_missing_list_candidates() {
        let w = index();
        assert_eq!(
            w.resolve("Notes"),
            Err(WikiError::Ambiguous(vec![
                "a/notes.md".into(),
                "b/notes.md".into()
            ]))
        );
        match w.resolve("Kursk deploymnt") {
            Err(WikiError::Missing(c)) => assert_eq!(c[0], "Kursk deployment"),
            other => panic!("{other:?}"),
        }
    }
}
