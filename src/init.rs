//! `dossier init` (a new site with the default theme) and `dossier new` (an analysis
//! from an archetype).

use std::fs;
use std::path::{Path, PathBuf};

use crate::config::{Config, Overrides};
use crate::diagnostic::Diagnostic;
use crate::theme::{DEFAULT_THEME, embedded_files};

const CONFIG: &str = r#"# Site settings. Key names follow Zola's where the features overlap.
base_url = "https://example.org/"
title = "My Dossier"
description = "Analyses, cross-linked."
default_language = "en"
# The theme in themes/default/; remove this line to use the copy built into dossier.
theme = "default"

taxonomies = [
    { name = "tags" },
    { name = "regions" },
    { name = "actors" },
]

[markdown]
smart_punctuation = true
insert_anchor_links = "right"

[markdown.highlighting]
light_theme = "InspiredGitHub"
dark_theme = "base16-ocean.dark"

[extra]
"#;

const HOME: &str = r#"+++
title = "My Dossier"
sort_by = "date"
+++

Analyses, cross-linked. Start writing in `content/analyses/`.
"#;

const SECTION: &str = r#"+++
title = "Analyses"
description = "Briefs and assessments."
sort_by = "date"
paginate_by = 10
+++
"#;

const GITIGNORE: &str = "/public/\n";

/// The GitHub Pages workflow, with `{build}` standing for the steps that build the site
/// into `public/` (the base URL GitHub gives the site is in `$BASE_URL`).
const PAGES_WORKFLOW: &str = r#"# Builds the site with dossier and publishes it on GitHub Pages.
# In the repository's settings, under Pages, set the source to "GitHub Actions".
name: Publish on GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a newer push waits rather than cancelling one under way.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Configure Pages
        id: pages
        uses: actions/configure-pages@v5
{build}
      - name: Upload the site
        uses: actions/upload-pages-artifact@v3
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"#;

/// How a site made by `dossier init` is built in the workflow.
const SITE_BUILD: &str = r#"      - name: Install dossier
        run: cargo install --locked dossier
      - name: Build the site
        env:
          # https://USER.github.io/REPO for a project site, or the custom domain.
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: dossier build --base-url "$BASE_URL/""#;

/// How this repository's example site is built in its workflow.
pub const REPOSITORY_BUILD: &str = r#"      - name: Build the site
        env:
          # https://USER.github.io/REPO for a project site, or the custom domain.
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: cargo run --release --locked -- build --base-url "$BASE_URL/""#;

/// The GitHub Pages workflow with the given build steps.
pub fn pages_workflow(build: &str) -> String {
    PAGES_WORKFLOW.replace("{build}", build)
}

/// The archetype used by `dossier new` when the site has no `archetypes/default.md`.
/// `{title}`, `{date}` and `{taxonomies}` (empty lists for the site's taxonomies) are
/// filled in.
const ARCHETYPE: &str = r#"+++
title = "{title}"
description = ""
date = {date}
draft = true
{taxonomies}+++

A one-paragraph summary of the analysis: the key judgment first.

<!-- more -->

## Key judgments

## Background

## Assessment

## What to watch
"#;

/// Makes a new site in `dir`, which must not exist or be empty. Returns the files written.
pub fn site(dir: &Path, today: jiff::civil::Date) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .map(|mut rd| rd.next().is_none())
            .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", dir.display())))?;
        if !empty {
            return Err(
                Diagnostic::error(format!("{} already exists and is not empty", dir.display()))
                    .hint("choose a new folder name, or empty this one first"),
            );
        }
    }
    let sample = ARCHETYPE
        .replace("{title}", "A first analysis")
        .replace("{date}", &today.to_string())
        .replace("draft = true", "draft = false")
        .replace(
            "{taxonomies}",
            "\n[taxonomies]\ntags = [\"example\"]\nregions = []\nactors = []\n",
        );
    let workflow = pages_workflow(SITE_BUILD);
    let mut files: Vec<(PathBuf, &[u8])> = vec![
        (PathBuf::from("config.toml"), CONFIG.as_bytes()),
        (PathBuf::from(".gitignore"), GITIGNORE.as_bytes()),
        (PathBuf::from(".github/workflows/pages.yml"), workflow.as_bytes()),
        (PathBuf::from("content/_index.md"), HOME.as_bytes()),
        (PathBuf::from("content/analyses/_index.md"), SECTION.as_bytes()),
        (
            PathBuf::from("content/analyses/first-analysis.md"),
            sample.as_bytes(),
        ),
        (PathBuf::from("static/.gitkeep"), b""),
    ];
    for file in embedded_files(&DEFAULT_THEME) {
        files.push((Path::new("themes/default").join(file.path()), file.contents()));
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
        }
        fs::write(&path, bytes)
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())))?;
        written.push(rel);
    }
    Ok(written)
}

/// Makes a new analysis at `path` (relative to the site root, under `content/`).
pub fn new_page(root: &Path, path: &Path, today: jiff::civil::Date) -> Result<PathBuf, Diagnostic> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    if rel
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(
            Diagnostic::error(format!("{} climbs out of its folder with `..`", path.display()))
                .hint("give a path such as content/security/some-slug.md"),
        );
    }
    if !rel.starts_with("content") {
        return Err(
            Diagnostic::error(format!("{} is not under content/", path.display()))
                .hint("give a path such as content/security/some-slug.md"),
        );
    }
    if rel.extension().and_then(|e| e.to_str()) != Some("md") {
        return Err(
            Diagnostic::error(format!("{} does not end in .md", path.display()))
                .hint("give a path such as content/security/some-slug.md"),
        );
    }
    let target = root.join(rel);
    if target.exists() {
        return Err(Diagnostic::error(format!("{} already exists", rel.display()))
            .hint("choose another file name, or edit the existing file"));
    }
    let (config, diags) = Config::load(root, &Overrides::default());
    let Some(config) = config else {
        let first = diags.into_iter().find(|d| d.is_error());
        return Err(first
            .unwrap_or_else(|| Diagnostic::error("config.toml has errors"))
            .hint("run this inside a dossier site, or pass --root DIR"));
    };
    let taxonomies = if config.taxonomies.is_empty() {
        String::new()
    } else {
        let lists: String = config
            .taxonomies
            .iter()
            .map(|t| format!("{} = []\n", toml_key(&t.name)))
            .collect();
        format!("\n[taxonomies]\n{lists}")
    };
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("untitled");
    let stem = if stem == "index" {
        rel.parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or(stem)
    } else {
        stem
    };
    let title = title_from_slug(stem);
    let archetype =
        fs::read_to_string(root.join("archetypes/default.md")).unwrap_or_else(|_| ARCHETYPE.to_owned());
    let text = archetype
        .replace("{title}", &title.replace('"', "\\\""))
        .replace("{date}", &today.to_string())
        .replace("{taxonomies}", &taxonomies);
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
    }
    fs::write(&target, text)
        .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", target.display())))?;
    Ok(rel.to_path_buf())
}

/// A TOML key, quoted unless it is a bare key.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        name.to_owned()
    } else {
        format!("{name:?}")
    }
}

/// `north-korea-troops` → `North Korea Troops`; a leading date is dropped.
pub fn title_from_slug(slug: &str) -> String {
    let slug = crate::parse::frontmatter::date_from_file_stem(slug).map_or(slug, |(_, rest)| rest);
    slug.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_repository_workflow_is_the_one_init_writes() {
        let committed = include_str!("../.github/workflows/pages.yml");
        assert_eq!(
            committed,
            pages_workflow(REPOSITORY_BUILD),
            ".github/workflows/pages.yml differs from init's workflow; write it from pages_workflow(REPOSITORY_BUILD)"
        );
    }

    use super::{REPOSITORY_BUILD, pages_workflow, title_from_slug};

    #[test]
    fn titles_from_slugs() {
        assert_eq!(title_from_slug("some-slug"), "Some Slug");
        assert_eq!(title_from_slug("2024-10-28-nato_confirms"), "Nato Confirms");
    }
}
