//! Internal links (`@/…`, relative `.md`) and sites published under a sub-path.

use crate::harness::*;

/// The link texts and hrefs of the list of links in the usage page.
fn usage_links(site: &SiteTest) -> Vec<(String, String)> {
    let html = site.html("/guide/usage/");
    texts(&html, ".content li a")
        .into_iter()
        .zip(attrs(&html, ".content li a", "href"))
        .collect()
}

#[test]
fn internal_links_resolve_to_urls() {
    let site = SiteTest::fixture("links/internal");
    site.build_ok();
    let links = usage_links(&site);
    let expected = [
        ("abs", "/guide/setup/"),
        ("abs-anchor", "/guide/setup/#install"),
        ("rel-parent", "/guide/setup/"),
        ("rel-sibling", "/guide/setup/#install"),
        ("section", "/guide/"),
        ("other-section", "/reference/"),
        // With the page's path, so the link also works in a summary on a list page.
        ("local", "/guide/usage/#usage-notes"),
        ("external", "https://www.rust-lang.org/"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(links, expected);
    // Links in a section's own content resolve too.
    let reference = site.html("/reference/");
    assert_eq!(attrs(&reference, ".content a", "href"), ["/guide/usage/"]);
    site.assert_no_broken_links();
}

#[test]
fn subpath_base_url_prefixes_every_internal_link() {
    let site = SiteTest::fixture("links/subpath");
    site.build_ok();
    let public = site.path("public");
    // The output still lives at the root of public/.
    for file in [
        "index.html",
        "a/index.html",
        "a/b/index.html",
        "a/page/2/index.html",
        "tags/elysee/index.html",
        "bundle/data.csv",
        "robots.txt",
        "style.css",
    ] {
        assert!(public.join(file).is_file(), "missing public/{file}");
    }
    assert!(
        !public.join("repo").exists(),
        "output must not be nested under public/repo/"
    );

    let files = html_files(&public);
    assert!(files.len() > 10, "{files:?}");
    let mut checked = 0;
    for file in &files {
        let html = site.html(&url_of(file));
        for link in link_targets(&html) {
            if link.starts_with('/') {
                assert!(
                    link.starts_with("/repo/"),
                    "{file}: {link} does not start with /repo/"
                );
                checked += 1;
            }
            if link.starts_with("https://user.github.io") {
                assert!(link.starts_with("https://user.github.io/repo/"), "{file}: {link}");
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} internal links found");

    let b = site.html("/a/b/");
    assert_eq!(
        attrs(&b, ".content a", "href"),
        ["/repo/a/c/#details", "/repo/a/c/", "/repo/bundle/"]
    );
    assert_eq!(
        attr(&b, "link[rel=canonical]", "href"),
        "https://user.github.io/repo/a/b/"
    );
    assert_eq!(
        attr(&site.html("/old-b/"), "link[rel=canonical]", "href"),
        "https://user.github.io/repo/a/b/"
    );
    assert_eq!(
        attr(&site.html("/moved/"), "link[rel=canonical]", "href"),
        "https://user.github.io/repo/a/b/"
    );

    let broken = broken_links(&public, "https://user.github.io/repo/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn base_url_flag_overrides_the_config() {
    let site = SiteTest::fixture("links/internal");
    site.run(&["build", "--base-url", "https://user.github.io/repo/"])
        .assert_success();
    assert!(site.exists("public/guide/usage/index.html"));
    let links = usage_links(&site);
    assert_eq!(links[0].1, "/repo/guide/setup/");
    assert_eq!(links[1].1, "/repo/guide/setup/#install");
    let html = site.html("/guide/usage/");
    assert_eq!(
        attr(&html, "link[rel=canonical]", "href"),
        "https://user.github.io/repo/guide/usage/"
    );
    let broken = broken_links(&site.path("public"), "https://user.github.io/repo/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn check_passes_the_example_site_under_a_project_subpath() {
    let mut cmd = std::process::Command::new(crate::harness::BIN);
    cmd.arg("--root").arg(crate::harness::repo_root()).args([
        "check",
        "--base-url",
        "https://user.github.io/repo/",
    ]);
    crate::harness::Output::of(cmd).assert_success();
}

#[test]
fn check_reports_links_outside_the_base_path_and_links_to_nothing() {
    let site = SiteTest::fixture("links/subpath")
        .file("templates/partials/terms.html", "<a href=\"/tags/\">all tags</a>")
        .file(
            "content/extra.md",
            "+++\ntitle = \"Extra\"\n+++\n\nSee <a href=\"missing-chart.png\">the chart</a>.\n",
        );
    let out = site.run(&["check", "--base-url", "https://user.github.io/repo/"]);
    out.assert_user_error();
    out.assert_stderr_has(&[
        "`/tags/` is outside the site's base path /repo/",
        "write it as /repo/tags/",
        "`missing-chart.png` leads to nothing the site has",
        "content/extra.md",
    ]);
    // The same mistake on many pages is one report.
    assert_eq!(out.stderr.matches("`/tags/` is outside").count(), 1, "{out}");
    assert!(out.stderr.contains(" pages, such as "), "{out}");
}

/// Plain root-relative links and relative images are not checked as `@/` links are while
/// the Markdown is read; once the outputs are planned, one that reaches nothing is a
/// warning for `build` and an error for `check`, at its line, with a suggestion that
/// fits (the same file name elsewhere), and reported once.
#[test]
fn plain_links_and_images_that_reach_nothing_are_reported_at_their_line() {
    let site = crate::harness::SiteTest::example().file(
        "static/images/kursk-estimates.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 4\"/>\n",
    );
    let page = "content/security/kursk-deployment.md";
    let text = site.read(page);
    let line = text.lines().count() + 2;
    site.write(
        page,
        format!("{text}\nSee [the old page](/analyses/old-page/), ![est](kursk-estimates.svg) and ![fine](/images/kursk-estimates.svg).\n"),
    );
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "warning: the link `/analyses/old-page/` leads to nothing the site has",
        &format!("{page}:{line}:5"),
        "warning: the image `/security/kursk-deployment/kursk-estimates.svg` leads to nothing the site has",
        "did you mean /images/kursk-estimates.svg?",
    ]);
    assert!(
        !out.stderr.contains("/images/kursk-estimates.svg` leads"),
        "{out}"
    );

    let out = site.run(&["check"]);
    out.assert_user_error();
    out.assert_stderr_has(&["error: the link `/analyses/old-page/`", "2 errors."]);
    assert!(!out.stderr.contains("broken link"), "reported twice\n{out}");
    assert!(
        !out.stderr.contains("nothing was written"),
        "check never writes\n{out}"
    );
}

/// A heading can take an id the theme gives its own section (`## What to watch` on an
/// analysis with indicators): `check` names the page and the id, and a heading with its
/// own id (`{#…}`) passes.
#[test]
fn check_reports_two_elements_with_one_id() {
    let site = crate::harness::SiteTest::example();
    let page = "content/outlook/what-to-watch.md";
    let text = site.read(page);
    assert!(
        text.contains("[[watch]]"),
        "the example analysis has indicators to watch"
    );
    site.write(page, format!("{text}\n## What to watch\n\nMore.\n"));
    let out = site.run(&["check"]);
    out.assert_user_error();
    out.assert_stderr_has(&[
        "two elements of outlook/what-to-watch/index.html have the id `what-to-watch`",
        page,
        "{#what-to-watch-notes}",
    ]);
    site.write(
        page,
        format!("{text}\n## What to watch {{#what-to-watch-notes}}\n\nMore.\n"),
    );
    site.run(&["check"]).assert_success();
}

/// Links Zola does not check (relative `.md`, plain `#fragment`) are warnings for a
/// build, so a site moved over builds; `dossier check` and `--links error` hold them to
/// the standard of `@/` links.
#[test]
fn relative_and_fragment_links_warn_on_build_and_fail_check() {
    let site = SiteTest::empty()
        .file("config.toml", "base_url = \"https://example.org/\"\ntitle = \"T\"\n")
        .file(
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n\n## Here\n\n[gone](nope.md) and [there](#nowhere) and [fine](#here).\n",
        );
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "warning: link to a missing page `nope.md`",
        "content/a.md:7:1",
        "warning: link to a missing heading `#nowhere` in a.md",
        "content/a.md:7:21",
    ]);
    assert_eq!(
        attrs(&site.html("/a/"), ".content p a", "href"),
        ["#", "/a/#nowhere", "/a/#here"]
    );

    let check = site.run(&["check"]);
    check.assert_user_error();
    check.assert_stderr_has(&[
        "error: link to a missing page `nope.md`",
        "error: link to a missing heading `#nowhere` in a.md",
    ]);
    let strict = site.run(&["build", "--links", "error"]);
    strict.assert_user_error();
    // `@/` links stay errors on a build.
    site.write("content/b.md", "+++\ntitle = \"B\"\n+++\n\n[gone](@/nope.md)\n");
    site.build_err()
        .assert_stderr_has(&["error: link to a missing page `nope.md`", "content/b.md:5:1"]);
}

/// `Report.md` for `report.md` resolved on a case-insensitive disk; on GitHub Pages it is
/// a broken link. It resolves, with a warning naming the file's spelling.
#[test]
fn a_link_whose_case_differs_from_the_file_resolves_with_a_warning() {
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
        )
        .file(
            "content/notes/a.md",
            "+++\ntitle = \"A\"\n+++\n\n[rel](Report.md) and [at](@/Notes/report.md#top).\n",
        )
        .file(
            "content/notes/report.md",
            "+++\ntitle = \"Report\"\n+++\n\n## Top\n",
        );
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "the link to `notes/Report.md` finds `notes/report.md` only when case is ignored",
        "content/notes/a.md:5:1",
        "the link to `Notes/report.md` finds `notes/report.md` only when case is ignored",
    ]);
    assert_eq!(
        attrs(&site.html("/notes/a/"), ".content a", "href"),
        ["/notes/report/", "/notes/report/#top"]
    );
    // It is a link between the pages, for backlinks.
    assert_eq!(
        attrs(&site.html("/notes/report/"), "section.connected li a", "href"),
        ["/notes/a/"]
    );
}
