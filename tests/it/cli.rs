//! The command line: help, `init`, `new` and the build summary.

use std::process::Command;

use crate::harness::*;

fn dossier(args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    Output::of(cmd)
}

#[test]
fn help_for_each_subcommand_lists_its_flags() {
    // Each case: the subcommand, what its help lists, what it must not list.
    let cases: [(&str, &[&str], &[&str]); 5] = [
        (
            "build",
            &["--output-dir", "-o", "--base-url", "--drafts", "--root"],
            &[],
        ),
        ("check", &["--base-url", "--drafts", "--root"], &[]),
        ("serve", &["--port", "--drafts", "--root"], &[]),
        // `init` makes the site at DIR: a site folder to read means nothing to it.
        (
            "init",
            &[
                "<DIR>",
                "--ci-install",
                "- release:",
                "- git:",
                "- cargo:",
                "[default: release]",
            ],
            &["--root"],
        ),
        ("new", &["<PATH>", "--root"], &[]),
    ];
    for (sub, flags, absent) in cases {
        let out = dossier(&[sub, "--help"]);
        out.assert_success();
        assert!(out.stdout.contains(&format!("Usage: dossier {sub}")), "{out}");
        for flag in flags {
            assert!(
                out.stdout.contains(flag),
                "`dossier {sub} --help` does not mention {flag}\n{out}"
            );
        }
        for flag in absent {
            assert!(
                !out.stdout.contains(flag),
                "`dossier {sub} --help` mentions {flag}\n{out}"
            );
        }
    }
    let out = dossier(&["--help"]);
    out.assert_success();
    for sub in ["build", "check", "init", "new"] {
        assert!(out.stdout.contains(sub), "{out}");
    }
    assert!(
        !out.stdout.contains("__remove"),
        "the internal subcommand is hidden\n{out}"
    );
}

/// `--root` is no longer global (so that `init --help` does not offer it), yet the
/// commands that read a site take it before or after their name.
#[test]
fn root_may_come_before_or_after_the_command() {
    let tmp = SiteTest::empty();
    let dir = tmp.path("site");
    let dir = dir.to_str().unwrap();
    // Run beside the site, not in it, so only --root can find it.
    let beside = |args: &[&str]| {
        let mut cmd = Command::new(BIN);
        cmd.args(args).current_dir(tmp.root());
        Output::of(cmd)
    };
    beside(&["init", dir]).assert_success();
    beside(&["check"]).assert_user_error();
    for args in [
        ["--root", dir, "check"],
        ["check", "--root", dir],
        ["--root", dir, "build"],
        ["build", "--root", dir],
    ] {
        beside(&args).assert_success();
    }
    assert!(tmp.exists("site/public/index.html"));
    beside(&["new", "--root", dir, "content/analyses/next.md"]).assert_success();
    assert!(tmp.exists("site/content/analyses/next.md"));
    // `--root X init DIR` once made X/DIR; now it is a usage error, and writes nothing.
    let out = beside(&["--root", dir, "init", "elsewhere"]);
    assert_eq!(out.code, Some(2), "{out}");
    out.assert_stderr_has(&["takes no --root"]);
    assert!(!tmp.exists("site/elsewhere") && !tmp.exists("elsewhere"), "{out}");
}

#[test]
fn init_makes_a_site_that_builds() {
    let tmp = SiteTest::empty();
    let dir = tmp.path("new-site");
    let out = dossier(&["init", dir.to_str().unwrap()]);
    out.assert_success();
    assert!(out.stdout.contains("new-site"), "{out}");
    for file in [
        "config.toml",
        "content/_index.md",
        "themes/default/templates/page.html",
    ] {
        assert!(dir.join(file).is_file(), "init did not write {file}");
    }
    let mut cmd = Command::new(BIN);
    cmd.arg("--root").arg(&dir).arg("build");
    Output::of(cmd).assert_success();
    let public = dir.join("public");
    assert!(public.join("index.html").is_file());
    let files = html_files(&public);
    let sample = files
        .iter()
        .find(|f| f.starts_with("analyses/") && f.matches('/').count() == 2);
    let sample = sample.unwrap_or_else(|| panic!("no sample analysis in {files:?}"));
    let html = parse_output(&public, &url_of(sample));
    assert!(!text(&html, "h1").is_empty());
    let broken = broken_links(&public, "https://example.org/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn init_copies_the_default_theme_byte_for_byte() {
    let tmp = SiteTest::empty();
    let dir = tmp.path("site");
    dossier(&["init", dir.to_str().unwrap()]).assert_success();
    let copied = snapshot(&dir.join("themes/default"));
    let original = snapshot(&repo_root().join("themes/default"));
    assert!(!original.is_empty());
    assert_eq!(
        copied.keys().collect::<Vec<_>>(),
        original.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &original {
        assert!(
            &copied[path] == bytes,
            "themes/default/{path} differs from the repository's"
        );
    }
}

#[test]
fn init_into_an_empty_existing_folder_works() {
    let tmp = SiteTest::empty();
    std::fs::create_dir(tmp.path("empty")).unwrap();
    dossier(&["init", tmp.path("empty").to_str().unwrap()]).assert_success();
    assert!(tmp.exists("empty/config.toml"));
}

#[test]
fn init_into_a_non_empty_folder_fails() {
    let tmp = SiteTest::empty().file("taken/notes.txt", "mine\n");
    let out = dossier(&["init", tmp.path("taken").to_str().unwrap()]);
    out.assert_user_error();
    out.assert_stderr_has(&["not empty"]);
    assert_eq!(
        snapshot(&tmp.path("taken")).into_keys().collect::<Vec<_>>(),
        ["notes.txt"]
    );
    assert_eq!(tmp.read("taken/notes.txt"), "mine\n");
}

fn today() -> String {
    jiff::Zoned::now().date().to_string()
}

#[test]
fn new_takes_the_date_from_a_dated_file_name() {
    let site = SiteTest::fixture("cli/site");
    let out = site.run(&["new", "content/security/2026-11-30-note.md"]);
    out.assert_success();
    let text_md = site.read("content/security/2026-11-30-note.md");
    let lines: Vec<&str> = text_md.lines().map(str::trim).collect();
    assert!(lines.contains(&"date = 2026-11-30"), "{text_md}");
    assert!(lines.contains(&"title = \"Note\""), "{text_md}");
}

#[test]
fn new_makes_a_draft_titled_from_the_slug_and_dated_today() {
    let site = SiteTest::fixture("cli/site");
    let before = today();
    let out = site.run(&["new", "content/security/some-slug.md"]);
    let after = today();
    out.assert_success();
    assert!(out.stdout.contains("content/security/some-slug.md"), "{out}");

    let text_md = site.read("content/security/some-slug.md");
    let front = text_md
        .split("+++")
        .nth(1)
        .unwrap_or_else(|| panic!("no TOML front matter:\n{text_md}"));
    let lines: Vec<&str> = front.lines().map(str::trim).collect();
    assert!(lines.contains(&"title = \"Some Slug\""), "{text_md}");
    assert!(
        lines.contains(&format!("date = {before}").as_str())
            || lines.contains(&format!("date = {after}").as_str()),
        "expected today's date ({before}):\n{text_md}"
    );
    assert!(lines.contains(&"draft = true"), "{text_md}");

    // A draft: left out of a normal build, included with --drafts.
    site.build_ok();
    assert!(!site.exists("public/security/some-slug"));
    site.run(&["build", "--drafts"]).assert_success();
    let html = site.html("/security/some-slug/");
    assert_eq!(text(&html, "h1"), "Some Slug");
    let date = attr(&html, ".meta time", "datetime");
    assert!(date == before || date == after, "{date}");
    assert_eq!(texts(&site.html("/security/"), ".page-list h2 a"), ["Some Slug"]);
}

#[test]
fn new_refuses_to_overwrite_a_file() {
    let site = SiteTest::fixture("cli/site");
    site.run(&["new", "content/security/some-slug.md"])
        .assert_success();
    site.write("content/security/some-slug.md", "+++\ntitle = \"Mine\"\n+++\n");
    let out = site.run(&["new", "content/security/some-slug.md"]);
    out.assert_user_error();
    out.assert_stderr_has(&["content/security/some-slug.md", "already exists"]);
    assert_eq!(
        site.read("content/security/some-slug.md"),
        "+++\ntitle = \"Mine\"\n+++\n"
    );
}

#[test]
fn build_summary_counts_pages_sections_terms_and_events() {
    let site = SiteTest::fixture("cli/summary");
    let out = site.run(&["check"]);
    out.assert_success();
    let checked = "Checked 3 pages, 2 sections, 2 terms, 2 events (";
    assert!(out.stdout.starts_with(checked), "{out}");
    assert!(!site.exists("public"), "check must not write public/");
    let out = site.build_ok();
    let built = "Built 3 pages, 2 sections, 2 terms, 2 events (";
    assert!(out.stdout.starts_with(built), "{out}");
    assert!(out.stdout.contains("files) into"), "{out}");
}

/// `--profile`'s table: one row per template (and per kind of output made without one),
/// with the number of outputs and their bytes, the most time first.
#[test]
fn profile_lists_each_template_with_its_outputs_and_bytes() {
    let site = SiteTest::fixture("crosslinks/related");
    let out = site.run(&["build", "--profile"]);
    out.assert_success();
    assert!(
        out.stdout.contains("render and write"),
        "--profile includes the stages\n{out}"
    );
    let table: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.trim_end().ends_with("template"))
        .skip(1)
        .collect();
    // making, mean, slowest and writing (number and unit each), count, bytes, name.
    let rows: Vec<(usize, f64, String)> = table
        .iter()
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            assert!(w.len() >= 12, "{l:?}");
            let bytes: f64 = w[9].parse().unwrap();
            let bytes = bytes * if w[10] == "MB" { 1e6 } else { 1e3 };
            (w[8].parse().unwrap(), bytes, w[11..].join(" "))
        })
        .collect();
    let row = |name: &str| {
        rows.iter()
            .find(|r| r.2 == name)
            .unwrap_or_else(|| panic!("no {name} row\n{out}"))
    };
    // Six analyses render (Hidden does not), each through page.html.
    let pages = ["focus", "bravo", "charlie", "delta", "echo", "golf"];
    let (count, bytes, _) = row("page.html");
    assert_eq!(*count, pages.len(), "{out}");
    let written: usize = pages
        .iter()
        .map(|p| site.read(&format!("public/analyses/{p}/index.html")).len())
        .sum();
    assert!(
        (bytes - written as f64).abs() <= 50.0,
        "{bytes} bytes vs {written} written\n{out}"
    );
    row("section.html");
    row("(feeds)");
    row("(search index: terms)");
    assert_eq!(
        rows.iter().map(|r| r.0).sum::<usize>(),
        site_files(&site),
        "every output is counted once\n{out}"
    );
}

fn site_files(site: &SiteTest) -> usize {
    walkdir::WalkDir::new(site.path("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}

#[test]
fn build_into_another_folder_with_o() {
    let site = SiteTest::fixture("cli/summary");
    let out_dir = site.path("elsewhere/site");
    let out = site.run(&["build", "-o", out_dir.to_str().unwrap()]);
    out.assert_success();
    assert!(out.stdout.contains(out_dir.to_str().unwrap()), "{out}");
    assert!(out_dir.join("notes/one/index.html").is_file());
    assert!(!site.exists("public"));
}

#[test]
fn new_page_builds_on_a_site_without_taxonomies() {
    let site = SiteTest::fixture("cli/no-taxonomies");
    site.run(&["new", "content/notes/first-note.md"]).assert_success();
    site.run(&["build", "--drafts"]).assert_success();
    assert_eq!(text(&site.html("/notes/first-note/"), "h1"), "First Note");
}
