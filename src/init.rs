//! `dossier init` (a new site with the default theme and sample analyses that show its
//! features) and `dossier new` (an analysis from an archetype).

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

# The bibliography that [@key] citations refer to: content/sources.yml.
[sources]
bibliography = "sources.yml"

[extra]
"#;

const HOME: &str = r#"+++
title = "My Dossier"
sort_by = "date"
+++

The two analyses in `content/analyses/` are samples that show what an analysis can
hold; replace them with your own.
"#;

const SECTION: &str = r#"+++
title = "Analyses"
description = "Briefs and assessments."
sort_by = "date"
paginate_by = 10
+++
"#;

const GITIGNORE: &str = "/public/\n/.dossier-cache/\n";

/// The repository dossier is published from: its releases hold the archives the Pages
/// workflow downloads, and `--ci-install git` builds from it. No address is settled yet,
/// so this is the placeholder the README uses; it is the one place to change it.
const REPOSITORY: &str = "https://github.com/USER/dossier";

/// The crate name `cargo install` knows dossier by (the name `dossier` in the package
/// registry belongs to an unrelated program); the binary it installs is `dossier`.
const CRATE: &str = env!("CARGO_PKG_NAME");

/// The version of this dossier: the workflow `init` writes installs this same version,
/// so a new site is built by the dossier that made it until its owner changes the pin.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The GitHub Pages workflow, with `{install}` standing for the steps that put `dossier`
/// on the PATH. Everything else is the same for every site and for this repository.
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
{install}
      # The last build's outputs, so that this build renders only the pages an edit
      # changed. Each run saves under a key of its own and restores the newest; dossier
      # checks every file it takes from the cache, and renders anything stale or damaged.
      - name: Restore the build cache
        uses: actions/cache@v4
        with:
          path: .dossier-cache
          key: dossier-build-${{ github.run_id }}
          restore-keys: dossier-build-
      - name: Build the site
        env:
          # https://USER.github.io/REPO for a project site, or the custom domain.
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: dossier build --base-url "$BASE_URL/" --cache-dir .dossier-cache
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

/// How the workflow `dossier init` writes gets dossier (`--ci-install`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CiInstall {
    /// Download this version's release archive and check its SHA-256 sum: seconds.
    #[default]
    Release,
    /// Compile this version's tag from dossier's repository: ten minutes, then cached.
    Git,
    /// Compile this version from the Rust package registry: ten minutes, then cached.
    Cargo,
}

/// `--ci-install release`: the archive that `.github/workflows/release.yml` attaches to
/// the release for the runner's platform, checked against the `.sha256` file beside it.
/// The runner is `ubuntu-latest`; ARM Linux is mapped too, so a site may move to an ARM
/// runner without changing this step.
const INSTALL_RELEASE: &str = r#"      - name: Install dossier
        env:
          # The version of dossier that wrote this workflow; change it to upgrade.
          DOSSIER_VERSION: "{version}"
        run: |
          case "$RUNNER_OS-$RUNNER_ARCH" in
            Linux-X64) target=x86_64-unknown-linux-gnu ;;
            Linux-ARM64) target=aarch64-unknown-linux-gnu ;;
            *) echo "::error::no dossier release for $RUNNER_OS $RUNNER_ARCH: run on ubuntu-latest, or compile dossier as dossier init --ci-install git does"; exit 1 ;;
          esac
          release="{repository}/releases/download/v$DOSSIER_VERSION"
          mkdir -p "$RUNNER_TEMP/dossier"
          cd "$RUNNER_TEMP/dossier"
          curl -fsSL --retry 3 -O "$release/dossier-$target.tar.gz" -O "$release/dossier-$target.sha256" \
            || { echo "::error::cannot download dossier-$target.tar.gz from $release"; exit 1; }
          sha256sum -c "dossier-$target.sha256"
          tar -xzf "dossier-$target.tar.gz"
          echo "$RUNNER_TEMP/dossier" >> "$GITHUB_PATH""#;

/// `--ci-install git` and `--ci-install cargo`: compiling dossier takes about ten minutes
/// on a two-core runner, so the binary is cached under a key naming the version, and the
/// compile runs only when the cache misses (the first run, or a new version).
const INSTALL_COMPILED: &str = r#"      # dossier {version}, the version that wrote this workflow: to upgrade, change it in
      # the cache key and in the install command.
      - name: Cache dossier
        id: cache-dossier
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/dossier
          key: dossier-{version}-{source}-${{ runner.os }}-${{ runner.arch }}
      - name: Install dossier
        if: steps.cache-dossier.outputs.cache-hit != 'true'
        run: {command}"#;

/// How this repository's example site gets dossier in its Pages workflow: from the
/// checkout, since this repository is dossier and the site must be built by its own code.
/// This is the one difference from the workflow `dossier init` writes; only the test that
/// holds `.github/workflows/pages.yml` to it reads it.
#[cfg(test)]
const REPOSITORY_INSTALL: &str = r#"      - name: Cache the build of dossier
        uses: Swatinem/rust-cache@v2
      - name: Install dossier from this checkout
        run: |
          cargo build --release --locked
          echo "$PWD/target/release" >> "$GITHUB_PATH""#;

/// The install steps of the workflow `dossier init` writes for `choice`.
fn install_steps(choice: CiInstall) -> String {
    let compiled = |source: &str, command: String| {
        INSTALL_COMPILED
            .replace("{source}", source)
            .replace("{command}", &command)
            .replace("{version}", VERSION)
    };
    match choice {
        CiInstall::Release => INSTALL_RELEASE
            .replace("{repository}", REPOSITORY)
            .replace("{version}", VERSION),
        CiInstall::Git => compiled(
            "git",
            format!("cargo install --locked --git {REPOSITORY} --tag v{VERSION} {CRATE}"),
        ),
        CiInstall::Cargo => compiled(
            "cargo",
            format!("cargo install --locked {CRATE} --version {VERSION}"),
        ),
    }
}

/// The GitHub Pages workflow with the given install steps.
fn pages_workflow(install: &str) -> String {
    PAGES_WORKFLOW.replace("{install}", install)
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

## Signposts
"#;

/// The sample analysis `init` writes: one short analysis about an invented place that
/// uses what an analyst reaches for (a rated key judgment, an event, a citation, a link to
/// another analysis, an indicator to watch, taxonomy terms), so a new site shows each of
/// them built. `{date}`, `{event_date}`, `{due}` and `{year}` are filled in from today,
/// so the event is recent and the indicator still to come.
const SAMPLE: &str = r#"+++
title = "Grain Exports Through the Northern Strait"
description = "A sample analysis about an invented place, written by dossier init to show what an analysis can hold. Replace it with your own."
date = {date}
authors = ["Your Name"]

[taxonomies]
tags = ["sample", "trade"]
regions = ["Northern Strait"]
actors = ["Ostland"]

# Events go on the site's timeline (/timeline/).
[[events]]
date = "{event_date}"
title = "Ostland reopens the Northern Strait to grain ships"
summary = "The first convoy in three months leaves the port of Merrow."
place = "Merrow"

# Indicators to watch are listed on this page and on /watch/; a dated one is also an
# upcoming event on the timeline. Set `status` to "observed" or "lapsed" later.
[[watch]]
indicator = "Monthly grain exports through Merrow reach half of last year's level"
why = "It would show that the reopening holds beyond the first convoys."
due = "{due}"
status = "open"
+++

*This is a sample that `dossier init` wrote about an invented place, to show how an
analysis is written. Replace it with your own.*

Ostland has reopened the Northern Strait to grain ships. We expect exports to recover
slowly: the strait is open again, but the port behind it cannot yet load ships at its
old pace.

<!-- more -->

> [!KEY JUDGMENT]
> - **Moderate confidence:** Grain exports through the strait will reach half of last
>   year's monthly volume within three months.
> - **Low confidence:** Insurers will lower their premiums for the route before then.

## Background

The strait was closed to commercial shipping for three months, and grain piled up in
inland silos [@ostland-agriculture-{year}].

## Assessment

The limit now is the port, not the strait: only half of Merrow's grain berths can load
ships until repairs are finished [@merrow-port-{year}, p. 3]. Our
[note on port capacity](@/analyses/merrow-port-capacity.md) sets out what the repairs
involve.
"#;

/// The second sample analysis: the one the first links to, so it lists the first among
/// its "Connected analyses".
const SAMPLE_LINKED: &str = r#"+++
title = "Port Capacity at Merrow"
description = "A second sample analysis, which the first one links to."
date = {date}
authors = ["Your Name"]

[taxonomies]
tags = ["sample", "infrastructure"]
regions = ["Northern Strait"]
actors = []
+++

*A second sample. The first one links here with `@/analyses/merrow-port-capacity.md`,
so this page lists it among its "Connected analyses". Replace it with your own.*

Merrow has four grain berths. Two were damaged during the closure, and the port
authority expects to finish repairing them within the quarter [@merrow-port-{year}].
"#;

/// The samples' bibliography (Hayagriva YAML): invented sources, cited as `[@key]`.
const SAMPLE_SOURCES: &str = r#"# The bibliography that [@key] citations refer to (Hayagriva YAML; BibTeX works too).
# These two sources are invented for the sample analyses: replace them with your own.
ostland-agriculture-{year}:
  type: Report
  title: Grain stocks and export licences, quarterly bulletin
  # An institution as author is written as a name, so it is not read as a person's.
  author: { name: "Ministry of Agriculture of Ostland" }
  date: {year}
merrow-port-{year}:
  type: Report
  title: Berth availability at the port of Merrow
  author: { name: "Merrow Port Authority" }
  date: {year}
"#;

/// The sample analyses and their bibliography, dated from `today`.
fn sample_files(today: jiff::civil::Date) -> [(PathBuf, String); 3] {
    use jiff::ToSpan;
    let fill = |template: &str, date: jiff::civil::Date| {
        template
            .replace("{date}", &date.to_string())
            .replace("{event_date}", &today.saturating_sub(3.days()).to_string())
            .replace(
                "{due}",
                &today.saturating_add(3.months()).strftime("%Y-%m").to_string(),
            )
            .replace("{year}", &today.year().to_string())
    };
    [
        (
            PathBuf::from("content/analyses/grain-exports.md"),
            fill(SAMPLE, today),
        ),
        // A week older: the background note the newer analysis builds on.
        (
            PathBuf::from("content/analyses/merrow-port-capacity.md"),
            fill(SAMPLE_LINKED, today.saturating_sub(7.days())),
        ),
        (PathBuf::from("content/sources.yml"), fill(SAMPLE_SOURCES, today)),
    ]
}

/// Makes a new site in `dir`, which must not exist or be empty. Returns the files written.
pub fn site(dir: &Path, today: jiff::civil::Date, ci_install: CiInstall) -> Result<Vec<PathBuf>, Diagnostic> {
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
    let samples = sample_files(today);
    let workflow = pages_workflow(&install_steps(ci_install));
    let mut files: Vec<(PathBuf, &[u8])> = vec![
        (PathBuf::from("config.toml"), CONFIG.as_bytes()),
        (PathBuf::from(".gitignore"), GITIGNORE.as_bytes()),
        (PathBuf::from(".github/workflows/pages.yml"), workflow.as_bytes()),
        (PathBuf::from("content/_index.md"), HOME.as_bytes()),
        (PathBuf::from("content/analyses/_index.md"), SECTION.as_bytes()),
        (PathBuf::from("static/.gitkeep"), b""),
    ];
    for (path, text) in &samples {
        files.push((path.clone(), text.as_bytes()));
    }
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
    // A dated file name (`2026-11-30-note.md`) is the date the author chose; the build
    // reads it from the name too, so the front matter should not say otherwise.
    let date = crate::parse::frontmatter::date_from_file_stem(stem).map_or(today, |(d, _)| d.date);
    let archetype =
        fs::read_to_string(root.join("archetypes/default.md")).unwrap_or_else(|_| ARCHETYPE.to_owned());
    let text = archetype
        .replace("{title}", &title.replace('"', "\\\""))
        .replace("{date}", &date.to_string())
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
    crate::slugs::title_from_slug(slug)
}

#[cfg(test)]
mod tests {
    use super::{
        CiInstall, PAGES_WORKFLOW, REPOSITORY_INSTALL, install_steps, pages_workflow, title_from_slug,
    };

    /// The README says this repository publishes its example site with the workflow
    /// `dossier init` writes; this keeps that true.
    #[test]
    fn the_repository_workflow_is_the_one_init_writes() {
        let committed = include_str!("../.github/workflows/pages.yml");
        assert_eq!(
            committed,
            pages_workflow(REPOSITORY_INSTALL),
            ".github/workflows/pages.yml differs from init's workflow; write it from pages_workflow(REPOSITORY_INSTALL)"
        );
        // The one difference is how dossier is installed: outside the install steps,
        // the committed workflow and every workflow `init` writes are the same lines.
        let (before, after) = PAGES_WORKFLOW.split_once("{install}").unwrap();
        for choice in [CiInstall::Release, CiInstall::Git, CiInstall::Cargo] {
            let written = pages_workflow(&install_steps(choice));
            assert!(written.starts_with(before) && written.ends_with(after));
        }
        assert!(committed.starts_with(before) && committed.ends_with(after));
    }

    #[test]
    fn titles_from_slugs() {
        assert_eq!(title_from_slug("some-slug"), "Some Slug");
        assert_eq!(title_from_slug("2024-10-28-nato_confirms"), "Nato Confirms");
    }
}
