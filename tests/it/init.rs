//! The GitHub Pages workflow `dossier init` writes: it installs the version of dossier
//! that wrote it, in the way `--ci-install` chose, and the release workflow makes the
//! archive it downloads.
//!
//! Issue 15 (the first hour): the workflow ran `cargo install --locked dossier`, which
//! installs an unrelated program of that name, and compiled for ten minutes on each push.

use std::process::Command;

use crate::harness::*;

/// The version of the binary under test, which the workflow must name.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Runs `dossier init` with `args` and returns the Pages workflow it wrote.
fn init_workflow(args: &[&str]) -> String {
    let tmp = SiteTest::empty();
    let dir = tmp.path("site");
    let mut cmd = Command::new(BIN);
    cmd.arg("init").args(args).arg(&dir);
    Output::of(cmd).assert_success();
    tmp.read("site/.github/workflows/pages.yml")
}

#[test]
fn the_workflow_installs_the_release_of_the_version_that_wrote_it() {
    let workflow = init_workflow(&[]);
    assert_eq!(
        workflow,
        init_workflow(&["--ci-install", "release"]),
        "release is the default"
    );
    for needle in [
        format!("DOSSIER_VERSION: \"{VERSION}\""),
        "/releases/download/v$DOSSIER_VERSION\"".to_owned(),
        // The Linux x86_64 archive the release workflow attaches, and its sums.
        "Linux-X64) target=x86_64-unknown-linux-gnu".to_owned(),
        "curl -fsSL --retry 3 -O \"$release/dossier-$target.tar.gz\" -O \"$release/dossier-$target.sha256\""
            .to_owned(),
        "sha256sum -c \"dossier-$target.sha256\"".to_owned(),
        "tar -xzf \"dossier-$target.tar.gz\"".to_owned(),
        "echo \"$RUNNER_TEMP/dossier\" >> \"$GITHUB_PATH\"".to_owned(),
        "run: dossier build --base-url \"$BASE_URL/\" --cache-dir .dossier-cache".to_owned(),
    ] {
        assert!(workflow.contains(&needle), "no {needle:?} in\n{workflow}");
    }
    // The sums are checked before the archive is unpacked.
    assert!(workflow.find("sha256sum -c") < workflow.find("tar -xzf"));
    assert!(!workflow.contains("cargo install"), "{workflow}");
}

#[test]
fn the_workflow_keeps_the_build_cache_between_runs_and_git_ignores_it() {
    let tmp = SiteTest::empty();
    let mut cmd = Command::new(BIN);
    cmd.arg("init").arg(tmp.path("site"));
    Output::of(cmd).assert_success();
    let workflow = tmp.read("site/.github/workflows/pages.yml");
    let restore = workflow
        .find("uses: actions/cache@v4\n        with:\n          path: .dossier-cache\n")
        .unwrap_or_else(|| panic!("no cache step for .dossier-cache in\n{workflow}"));
    // A key of its own for each run (a saved entry is never replaced), the newest restored.
    assert!(
        workflow[restore..]
            .contains("key: dossier-build-${{ github.run_id }}\n          restore-keys: dossier-build-\n")
    );
    let build = workflow
        .find("--cache-dir .dossier-cache")
        .expect("the build uses the cache");
    assert!(
        restore < build,
        "the cache is restored after the build:\n{workflow}"
    );
    assert!(
        tmp.read("site/.gitignore")
            .lines()
            .any(|l| l == "/.dossier-cache/")
    );
}

#[test]
fn each_ci_install_choice_gives_its_install_step() {
    let git = init_workflow(&["--ci-install", "git"]);
    let cargo = init_workflow(&["--ci-install", "cargo"]);
    for (workflow, source, install) in [
        (
            &git,
            "git",
            format!(
                "run: cargo install --locked --git https://github.com/USER/dossier --tag v{VERSION} dossier-ssg"
            ),
        ),
        (
            &cargo,
            "cargo",
            format!("run: cargo install --locked dossier-ssg --version {VERSION}"),
        ),
    ] {
        for needle in [
            install,
            // Compiling takes minutes, so the binary is cached per version and source,
            // and the compile runs only when the cache misses.
            "uses: actions/cache@v4".to_owned(),
            "path: ~/.cargo/bin/dossier".to_owned(),
            format!("key: dossier-{VERSION}-{source}-${{{{ runner.os }}}}-${{{{ runner.arch }}}}"),
            "if: steps.cache-dossier.outputs.cache-hit != 'true'".to_owned(),
            "run: dossier build --base-url \"$BASE_URL/\"".to_owned(),
        ] {
            assert!(workflow.contains(&needle), "no {needle:?} in\n{workflow}");
        }
        assert!(!workflow.contains("releases/download"), "{workflow}");
    }
}

#[test]
fn an_unknown_ci_install_choice_is_a_clear_error() {
    let tmp = SiteTest::empty();
    let mut cmd = Command::new(BIN);
    cmd.args(["init", "--ci-install", "npm"]).arg(tmp.path("site"));
    let out = Output::of(cmd);
    // clap's usage error, before anything is written.
    assert_eq!(out.code, Some(2), "{out}");
    out.assert_no_panic();
    out.assert_stderr_has(&[
        "invalid value 'npm' for '--ci-install <HOW>'",
        "[possible values: release, git, cargo]",
    ]);
    assert!(!tmp.exists("site"), "{out}");
}

/// The release workflow must attach exactly what the Pages workflow downloads:
/// `dossier-TARGET.tar.gz` (the action's default archive name for the binary `dossier`)
/// and `dossier-TARGET.sha256`, under a tag `v` + version.
#[test]
fn the_release_workflow_attaches_the_archives_the_pages_workflow_downloads() {
    let release =
        std::fs::read_to_string(repo_root().join(".github/workflows/release.yml")).expect("release workflow");
    for needle in [
        "tags:\n      - v[0-9]+.*",
        "uses: taiki-e/create-gh-release-action@v1",
        "uses: taiki-e/upload-rust-binary-action@v1",
        "bin: dossier\n",
        "checksum: sha256\n",
        "target: ${{ matrix.target }}",
        "target: x86_64-unknown-linux-gnu\n",
        "target: aarch64-unknown-linux-gnu\n",
        "target: x86_64-apple-darwin\n",
        "target: aarch64-apple-darwin\n",
        "target: x86_64-pc-windows-msvc\n",
    ] {
        assert!(release.contains(needle), "no {needle:?} in release.yml");
    }
    assert!(
        !release.contains("archive:"),
        "the archive name must stay dossier-TARGET, which the Pages workflow downloads"
    );
    // `cargo install --locked dossier-ssg` must install the command `dossier` (which
    // `CARGO_BIN_EXE_dossier`, in the harness, also needs).
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).expect("Cargo.toml");
    assert!(manifest.contains("\nname = \"dossier-ssg\"\n"), "{manifest}");
    assert!(manifest.contains("[[bin]]\nname = \"dossier\"\n"), "{manifest}");
}

/// Issue 15: the site `init` made had one analysis with empty headings, so a new user saw
/// none of what dossier is for. The sample now uses each feature an analyst reaches for,
/// and builds and checks without a warning.
#[test]
fn init_sample_shows_judgment_event_citation_crosslink_and_watch() {
    let site = SiteTest::empty();
    let mut cmd = Command::new(BIN);
    cmd.arg("init").arg(site.root());
    Output::of(cmd).assert_success();
    for command in ["build", "check"] {
        let out = site.run(&[command]);
        out.assert_success();
        assert!(!out.stderr.contains("warning"), "{out}");
    }
    assert!(
        site.read("config.toml")
            .contains("[sources]\nbibliography = \"sources.yml\"\n"),
        "the config names the sample bibliography"
    );

    let html = site.html("/analyses/grain-exports/");
    // A rated key judgment: its badge and its anchor.
    assert!(
        texts(&html, ".callout-key-judgment .confidence").contains(&"Moderate confidence".to_owned()),
        "no moderate-confidence badge"
    );
    assert!(count(&html, ".callout-key-judgment .judgment-anchor#judgment-1") == 1);
    // Citations link to their sources, listed at the end of the page.
    let cited = attrs(&html, ".content a.citation", "href");
    assert!(!cited.is_empty(), "no citation");
    assert_eq!(texts(&html, "#cited-sources"), ["Sources"]);
    for href in &cited {
        assert_eq!(count(&html, &format!(".source-list li{href}")), 1, "{href}");
    }
    // The link to the second analysis, which lists this one as citing it.
    assert!(
        attrs(&html, ".content a", "href").contains(&"/analyses/merrow-port-capacity/".to_owned()),
        "no link to the second analysis"
    );
    let linked = site.html("/analyses/merrow-port-capacity/");
    assert_eq!(
        attrs(&linked, ".connected li.cites-this > a", "href"),
        ["/analyses/grain-exports/"]
    );
    // The event is on the timeline, and the indicator to watch on /watch/.
    assert!(
        texts(&site.html("/timeline/"), ".event-title")
            .contains(&"Ostland reopens the Northern Strait to grain ships".to_owned()),
        "the event is not on /timeline/"
    );
    let indicator = "Monthly grain exports through Merrow reach half of last year's level";
    assert_eq!(
        texts(&site.html("/watch/"), ".watch-group li strong"),
        [indicator]
    );
    assert_eq!(texts(&html, ".page-watch li strong"), [indicator]);
    // Terms of each taxonomy the config declares.
    for term in ["/tags/sample/", "/regions/northern-strait/", "/actors/ostland/"] {
        assert!(site.exists(&format!("public{term}index.html")), "no {term}");
    }
    // The sample says it is one, so nobody publishes it by mistake.
    assert!(text(&html, ".content").contains("This is a sample"));
}
