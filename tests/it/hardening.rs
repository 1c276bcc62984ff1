//! A hostile or careless author: front matter and settings that would write outside the
//! output folder, collide with other outputs, publish files from outside the site, or bury
//! the real error under its consequences. Each test reproduces one case on a copy of the
//! example site, and checks that nothing outside the output changed and that a failed
//! build left the previous output byte-identical.

use std::path::Path;

use crate::harness::{Output, SiteTest, assert_no_staging_left, snapshot};

const PAGE: &str = "content/security/kursk-deployment.md";

/// The example site, built once into `public/`, with a file planted beside the output.
/// A static file for tests that need one (the example site has none of its own).
const STATIC_IMAGE: &str =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 4\"><rect width=\"4\" height=\"4\"/></svg>\n";

fn built_example() -> SiteTest {
    let site = SiteTest::example();
    site.build_ok();
    site.write("victim.html", "an author's file beside the output\n");
    site
}

/// `path` relative to `from`, climbing with as many `..` as `from` is deep: an author's
/// way of naming an absolute place.
fn climbing_to(from: &Path, path: &Path) -> String {
    let depth = from.components().count();
    let up = "../".repeat(depth + 2);
    format!("{up}{}", path.to_string_lossy().trim_start_matches('/'))
}

/// Builds expecting an error at `file:line`, and checks nothing else changed.
fn fails_at(site: &SiteTest, at: &str, needles: &[&str]) -> Output {
    let before_victim = site.read("victim.html");
    let out = site.build_err();
    out.assert_stderr_has(&[at]);
    out.assert_stderr_has(needles);
    assert_eq!(
        site.read("victim.html"),
        before_victim,
        "a file beside the output changed"
    );
    out
}

/// How many errors the build reported (its closing line, "N errors; …", or one).
fn error_count(out: &Output) -> usize {
    out.stderr.lines().filter(|l| l.starts_with("error")).count()
}

#[test]
fn a_page_path_climbing_out_of_the_output_is_an_error_at_its_line() {
    let site = built_example();
    site.replace_line(PAGE, "aliases =", "path = \"../../escaped-page\"");
    let deep = site.path("a/b/out");
    let out = site.run(&["build", "-o", deep.to_str().unwrap()]);
    out.assert_user_error();
    out.assert_stderr_has(&["content/security/kursk-deployment.md:7", "`..`"]);
    assert!(!site.exists("a/escaped-page"), "wrote outside the output folder");
    assert!(!site.exists("escaped-page"));
    assert!(
        !site.exists("a/b/out"),
        "a failed build into a new folder left it behind"
    );
    // The same with the default output folder, which exists: left byte-identical.
    fails_at(
        &site,
        "content/security/kursk-deployment.md:7",
        &["the `path` `../../escaped-page`"],
    );
}

#[test]
fn an_alias_climbing_out_of_the_output_overwrites_nothing() {
    let site = built_example();
    site.replace_line(PAGE, "aliases =", "aliases = [\"../victim.html\"]");
    fails_at(
        &site,
        "content/security/kursk-deployment.md:7",
        &["the alias `../victim.html`"],
    );

    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("x");
    let alias = climbing_to(&site.path("public"), &target);
    site.replace_line(PAGE, "aliases =", &format!("aliases = [\"{alias}/\"]"));
    fails_at(
        &site,
        "content/security/kursk-deployment.md:7",
        &["climbs out of its folder"],
    );
    assert!(!target.exists(), "an alias wrote to {}", target.display());
}

#[test]
fn a_paginate_path_climbing_out_of_the_output_is_an_error() {
    let site = built_example();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("X");
    let climb = climbing_to(&site.path("public/security"), &target);
    site.replace_line(
        "content/security/_index.md",
        "paginate_by =",
        &format!("paginate_by = 1\npaginate_path = \"{climb}\""),
    );
    fails_at(&site, "content/security/_index.md:6", &["the `paginate_path`"]);
    assert!(!target.exists(), "a pager was written to {}", target.display());
}

#[test]
fn terms_and_slugs_of_dots_are_errors_naming_the_page_and_change_nothing() {
    let site = built_example();
    for (prefix, line, needle) in [
        (
            "tags =",
            "tags = [\"..\"]",
            "the tags term `..` has no letters or digits",
        ),
        (
            "tags =",
            "tags = [\".\", \"nato\"]",
            "the tags term `.` has no letters or digits",
        ),
        (
            "aliases =",
            "slug = \"..\"",
            "the `slug` `..` has no letters or digits",
        ),
    ] {
        let original = site.read(PAGE);
        site.replace_line(PAGE, prefix, line);
        let at = if prefix == "tags =" { ":10" } else { ":7" };
        let out = fails_at(&site, &format!("{PAGE}{at}"), &[needle]);
        assert!(!out.stderr.contains("cannot replace"), "{out}");
        assert_eq!(error_count(&out), 1, "one cause, one error\n{out}");
        site.write(PAGE, original);
    }
}

#[test]
fn a_killed_builds_staging_folder_is_removed_by_the_next_build() {
    let site = built_example();
    // What a build killed while rendering leaves: its folder, its unlocked lock, files.
    site.write("public/.dossier-staging-4242/lock", "");
    site.write(
        "public/.dossier-staging-4242/new/security/index.html",
        "half a build\n",
    );
    // A folder without a lock file, from a build killed long ago.
    site.write("public/.dossier-staging-77/new/x.html", "older still\n");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::open(site.path("public/.dossier-staging-77"))
        .and_then(|f| f.set_modified(old))
        .unwrap();
    site.build_ok();
    assert_no_staging_left(site.root());
}

#[test]
fn a_running_builds_staging_folder_is_left_alone() {
    let site = built_example();
    site.write("public/.dossier-staging-4243/lock", "");
    let lock = std::fs::File::open(site.path("public/.dossier-staging-4243/lock")).unwrap();
    lock.lock().unwrap();
    site.build_ok();
    assert!(
        site.exists("public/.dossier-staging-4243/lock"),
        "removed a live build's folder"
    );
    drop(lock);
    site.build_ok();
    assert_no_staging_left(site.root());
}

#[test]
fn a_page_path_through_a_static_file_is_an_error_naming_both_whatever_the_output_held() {
    let site = SiteTest::example().file("static/images/kursk-estimates.svg", STATIC_IMAGE);
    site.write("victim.html", "an author's file beside the output\n");
    site.replace_line(PAGE, "aliases =", "path = \"images/kursk-estimates.svg\"");
    let needles = [
        "static/images/kursk-estimates.svg",
        "content/security/kursk-deployment.md",
        "images/kursk-estimates.svg to be a folder",
    ];
    // No output folder yet, then one from an earlier build: the same error.
    let first = site.build();
    first.assert_user_error();
    first.assert_stderr_has(&needles);
    assert!(
        !site.exists("public"),
        "a failed first build left an output folder"
    );
    let original = site.read(PAGE);
    site.replace_line(PAGE, "path =", "aliases = []");
    site.build_ok();
    site.write(PAGE, original);
    let second = fails_at(&site, "kursk-deployment.md", &needles);
    assert_eq!(first.stderr, second.stderr);
}

#[test]
fn a_page_at_the_feed_path_is_an_error_naming_the_page() {
    let site = built_example();
    site.replace_line(PAGE, "aliases =", "path = \"atom.xml\"");
    fails_at(
        &site,
        "content/security/kursk-deployment.md",
        &["the site's feed (generate_feeds) produces the file atom.xml"],
    );
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_site_are_errors_and_nothing_is_published() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0:zq7-marker\n").unwrap();
    let site = built_example();
    site.write("static/images/kursk-estimates.svg", STATIC_IMAGE);
    for (link, target) in [
        ("static/passwd", outside.path().join("passwd")),
        ("static/etc", outside.path().to_path_buf()),
        ("content/security/notes.txt", outside.path().join("passwd")),
    ] {
        symlink(&target, site.path(link)).unwrap();
        let out = fails_at(&site, link, &["is a symbolic link to", "outside the site folder"]);
        assert!(
            !out.stderr.contains("zq7-marker"),
            "the target's text was printed\n{out}"
        );
        std::fs::remove_file(site.path(link)).unwrap();
    }
    assert!(
        !snapshot(&site.path("public"))
            .values()
            .any(|b| b.windows(10).any(|w| w == b"zq7-marker"))
    );

    // A link that stays inside the site is followed.
    symlink(
        site.path("static/images/kursk-estimates.svg"),
        site.path("static/estimates.svg"),
    )
    .unwrap();
    site.build_ok();
    assert_eq!(
        std::fs::read(site.path("public/estimates.svg")).unwrap(),
        std::fs::read(site.path("static/images/kursk-estimates.svg")).unwrap()
    );

    // content/ itself may be a link (the site's own layout, as in a monorepo), and a link
    // inside it may lead within it; one leading elsewhere still may not.
    let shared = outside.path().join("content");
    std::fs::rename(site.path("content"), &shared).unwrap();
    symlink(&shared, site.path("content")).unwrap();
    symlink(shared.join("sources.yml"), shared.join("sources-again.yml")).unwrap();
    site.build_ok();
    symlink(outside.path().join("passwd"), shared.join("security/notes.txt")).unwrap();
    fails_at(&site, "content/security/notes.txt", &["outside the site folder"]);
}

#[test]
fn an_unterminated_toml_string_is_the_only_error() {
    let site = built_example();
    site.replace_line(PAGE, "title =", "title = \"North Korean Troops at Kursk");
    let out = fails_at(&site, "content/security/kursk-deployment.md:2", &[]);
    assert_eq!(
        error_count(&out),
        1,
        "links to the broken page are not errors of their own\n{out}"
    );
    assert!(!out.stderr.contains("missing page"), "{out}");
    assert!(!out.stderr.contains("wikilink"), "{out}");
}

#[test]
fn a_date_out_of_range_is_reported_at_the_page() {
    let site = built_example();
    site.replace_line(PAGE, "date =", "date = 9999-12-31T23:59:59-23:59");
    let out = fails_at(
        &site,
        "content/security/kursk-deployment.md:4",
        &["outside the range of dates"],
    );
    assert!(
        !out.stderr.contains("templates/"),
        "reported at a template\n{out}"
    );
}

#[test]
fn a_bibliography_outside_the_site_is_refused_unread() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.yml");
    std::fs::write(&secret, "root:x:0:0:secret-line\n").unwrap();
    let site = built_example();
    let config = site.read("config.toml");
    for (bibliography, needle) in [
        (secret.to_string_lossy().into_owned(), "is an absolute path"),
        (
            climbing_to(&site.path("content"), &secret),
            "climbs out of content/",
        ),
    ] {
        let edited = config.replace(
            "bibliography = \"sources.yml\"",
            &format!("bibliography = \"{bibliography}\""),
        );
        assert_ne!(edited, config, "the example names its bibliography");
        site.write("config.toml", edited);
        let out = fails_at(&site, "config.toml", &[needle]);
        assert!(!out.stderr.contains("secret-line"), "the file was read\n{out}");
        assert_eq!(
            error_count(&out),
            1,
            "citations are not errors of their own\n{out}"
        );
    }
}

#[test]
fn redirect_to_its_own_section_is_an_error() {
    let site = built_example();
    let section = site.read("content/security/_index.md");
    site.write(
        "content/security/_index.md",
        section.replacen("+++\n", "+++\nredirect_to = \"/security/\"\n", 1),
    );
    fails_at(
        &site,
        "content/security/_index.md:2",
        &["sends https://", "to itself"],
    );
}

#[test]
fn an_alias_that_is_the_pages_own_url_is_an_error() {
    let site = built_example();
    site.replace_line(PAGE, "aliases =", "aliases = [\"/security/kursk-deployment/\"]");
    fails_at(
        &site,
        "content/security/kursk-deployment.md:7",
        &["is the page's own URL"],
    );
}

#[test]
fn building_into_the_site_folder_or_its_sources_is_refused() {
    let site = built_example();
    let sources = snapshot(&site.path("content"));
    for out_dir in [".", "content/out", "static", "public/../content"] {
        let out = site.run(&["build", "-o", out_dir]);
        out.assert_user_error();
        out.assert_stderr_has(&["a build replaces everything in it"]);
        assert_eq!(
            snapshot(&site.path("content")),
            sources,
            "-o {out_dir} changed content/"
        );
        assert!(site.exists("config.toml"));
    }
}

/// `serve` re-copies an edited static file and re-reads an edited page without a full
/// build; a file replaced by a link that leaves the site must not be read that way.
#[cfg(unix)]
#[test]
fn serve_does_not_follow_a_file_replaced_by_a_link_outside_the_site() {
    use dossier::build::BuildOptions;
    use dossier::incremental::Session;
    use std::os::unix::fs::symlink;

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0:zq7-marker\n").unwrap();
    let site = SiteTest::example().file("static/notes.txt", "plain notes\n");
    let mut session = Session::new(BuildOptions {
        root: site.root().to_path_buf(),
        output_dir: None,
        base_url: None,
        drafts: false,
        links: None,
        profile: false,
        helper: None,
        cache_dir: None,
    });
    assert!(session.rebuild().is_ok(), "the example site builds");
    for rel in ["static/notes.txt", PAGE] {
        let original = std::fs::read(site.path(rel)).unwrap();
        std::fs::remove_file(site.path(rel)).unwrap();
        symlink(outside.path().join("passwd"), site.path(rel)).unwrap();
        let result = session.apply(&[site.path(rel)]);
        let err = result
            .err()
            .map(|d| d.iter().map(|d| format!("{d}\n")).collect::<String>());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("outside the site folder")),
            "{rel}: a link outside the site was not refused: {err:?}"
        );
        let outputs = session.outputs();
        let outputs = outputs.read().unwrap_or_else(|e| e.into_inner());
        assert!(
            !outputs
                .values()
                .any(|b| b.windows(10).any(|w| w == b"zq7-marker")),
            "{rel}: serve published a file from outside the site"
        );
        drop(outputs);
        std::fs::remove_file(site.path(rel)).unwrap();
        std::fs::write(site.path(rel), original).unwrap();
        assert!(
            session.apply(&[site.path(rel)]).is_ok(),
            "{rel}: restoring the file fixes the build"
        );
    }
}

#[test]
fn dossier_new_refuses_a_path_climbing_out_of_content() {
    let site = SiteTest::example();
    let out = site.run(&["new", "content/../../escaped.md"]);
    out.assert_user_error();
    out.assert_stderr_has(&["climbs out of its folder"]);
    assert!(!site.path("../escaped.md").exists());
}
