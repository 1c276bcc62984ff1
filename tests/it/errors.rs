//! Bad input: every mistake is reported with its file and line (and a suggestion where
//! one makes sense), the exit status is 1, nothing panics and public/ is left alone.
//! `SiteTest::build_err` checks the last three; each test checks the message.

use dossier::build::{self, BuildOptions, Mode};

use crate::harness::*;

#[test]
fn malformed_toml_front_matter() {
    let out = SiteTest::fixture("errors/toml-front-matter").build_err();
    out.assert_stderr_has(&["content/bad.md:3", "description = \"never closed"]);
}

#[test]
fn malformed_yaml_front_matter() {
    let out = SiteTest::fixture("errors/yaml-front-matter").build_err();
    out.assert_stderr_has(&["content/bad.md:3", "YAML", "description: [never, closed"]);
}

#[test]
fn yaml_error_message_has_no_conflicting_line_number() {
    let out = SiteTest::fixture("errors/yaml-front-matter").build_err();
    out.assert_stderr_has(&["content/bad.md:3"]);
    assert!(!out.stderr.contains("line 2"), "{out}");
    assert!(
        !out.stderr.contains("error: invalid YAML front matter: error:"),
        "{out}"
    );
}

#[test]
fn invalid_toml_date() {
    let out = SiteTest::fixture("errors/toml-date").build_err();
    out.assert_stderr_has(&["content/bad.md:3", "date", "date = 2024-13-45"]);
}

#[test]
fn invalid_yaml_date() {
    let out = SiteTest::fixture("errors/yaml-date").build_err();
    out.assert_stderr_has(&["content/bad.md:3", "`2024-13-45` has no month 13"]);
}

#[test]
fn a_date_in_another_form_says_which_forms_are_read() {
    let site = SiteTest::fixture("errors/yaml-date");
    let text = site.read("content/bad.md").replace("2024-13-45", "20/11/2026");
    site.write("content/bad.md", text);
    let out = site.build_err();
    out.assert_stderr_has(&["content/bad.md:3", "write it as 2024-10-28"]);
    assert!(
        !out.stderr.contains("four digit"),
        "the parser's internals leaked\n{out}"
    );
}

/// Zola skips front matter keys it does not know, so a site it builds must build here: an
/// unknown key is a warning at its line, with the key it was probably meant to be.
#[test]
fn unknown_front_matter_key_is_a_warning_that_suggests_the_right_one() {
    let site = SiteTest::fixture("errors/unknown-key");
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "warning: unknown front matter key `titel` is ignored",
        "content/bad.md:3",
        "did you mean `title`?",
    ]);
    // A key of nobody's is pointed at `extra`; YAML too, and sections too.
    site.write("content/bad.md", "---\ntitle: Fine\nreviewer: Kim\n---\nBody\n");
    site.write(
        "content/_index.md",
        "+++\nsort_by = \"date\"\nmenu = \"main\"\n+++\n",
    );
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "unknown front matter key `reviewer` is ignored",
        "content/bad.md:3",
        "values of your own for templates go under `extra:`",
        "unknown front matter key `menu` is ignored",
        "content/_index.md:3",
        "go under `[extra]`",
    ]);
    // The page is built as if the key were not there.
    assert_eq!(text(&site.html("/bad/"), "h1"), "Fine");
}

#[test]
fn unknown_template_suggests_the_right_one() {
    let out = SiteTest::fixture("errors/unknown-template").build_err();
    out.assert_stderr_has(&[
        "content/bad.md:3",
        "unknown template `pag.html`",
        "did you mean `page.html`?",
    ]);
}

#[test]
fn non_utf8_markdown() {
    let site = SiteTest::fixture("errors/base").file(
        "content/bad.md",
        b"+++\ntitle = \"Latin-1\"\n+++\n\ncaf\xe9 au lait\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&["content/bad.md:5", "UTF-8"]);
}

#[test]
fn binary_markdown() {
    let site = SiteTest::fixture("errors/base").file(
        "content/bad.md",
        b"+++\ntitle = \"Binary\"\n+++\n\x89PNG\x00\x00\x01\x02",
    );
    let out = site.build_err();
    out.assert_stderr_has(&["content/bad.md:4", "binary", "NUL"]);
}

#[test]
fn two_pages_with_the_same_url() {
    let out = SiteTest::fixture("errors/duplicate-url").build_err();
    out.assert_stderr_has(&["content/notes/first.md", "content/notes/same.md", "/notes/same/"]);
}

#[test]
fn missing_config() {
    let site = SiteTest::fixture("errors/missing-config");
    assert!(!site.exists("config.toml"));
    let out = site.build_err();
    out.assert_stderr_has(&["config.toml", "dossier init"]);
}

#[test]
fn unknown_taxonomy_suggests_the_declared_one() {
    let out = SiteTest::fixture("errors/unknown-taxonomy").build_err();
    out.assert_stderr_has(&[
        "content/bad.md:5",
        "unknown taxonomy `tag`",
        "did you mean `tags`?",
    ]);
}

#[test]
fn unknown_config_key_suggests_the_right_one() {
    let out = SiteTest::fixture("errors/unknown-config-key").build_err();
    out.assert_stderr_has(&[
        "config.toml:2",
        "unknown field `base_ur`",
        "did you mean `base_url`?",
    ]);
}

#[test]
fn zola_only_config_key_is_only_a_warning() {
    let site = SiteTest::fixture("errors/zola-config-key");
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "warning: `search` is ignored: dossier builds its own search index",
        "config.toml:2",
        "hint: remove it; dossier's index holds",
    ]);
    assert!(!out.stderr.contains("error"), "{out}");
    assert_eq!(text(&site.html("/good/"), "h1"), "Good");
}

#[test]
fn unclosed_front_matter() {
    let out = SiteTest::fixture("errors/unclosed-front-matter").build_err();
    out.assert_stderr_has(&["content/bad.md:1", "never closed", "+++"]);
}

#[test]
fn link_to_a_missing_page() {
    let out = SiteTest::fixture("errors/missing-page-link").build_err();
    out.assert_stderr_has(&[
        "content/bad.md:5",
        "guide/setpu.md",
        "did you mean `@/guide/setup.md`?",
        "content/bad.md:7",
        "nope.md",
    ]);
}

#[test]
fn link_to_a_missing_heading() {
    let out = SiteTest::fixture("errors/missing-heading").build_err();
    out.assert_stderr_has(&["content/bad.md:5", "#instal", "did you mean `#install`?"]);
}

/// Anchors defined in raw HTML (`<a name>`, `id=`) are link targets as headings are; a
/// real blog's links to its `<a name="…">` anchors were false errors.
#[test]
fn anchors_in_raw_html_are_link_targets() {
    let site = SiteTest::fixture("errors/missing-heading")
        .file(
            "content/guide/legacy.md",
            "+++\ntitle = \"Legacy\"\n+++\n\n<a name=\"old-install\"></a>\n\nText with <span id=\"note-3\">a note</span>.\n",
        )
        .file(
            "content/bad.md",
            "+++\ntitle = \"Links\"\n+++\n\nSee [install](@/guide/legacy.md#old-install), [the note](@/guide/legacy.md#note-3) and [this](#here).\n\n<div id=\"here\"></div>\n",
        );
    site.build_ok();
    // A name that is neither is still an error, with the anchors as suggestions.
    site.write(
        "content/bad.md",
        "+++\ntitle = \"Links\"\n+++\n\nSee [install](@/guide/legacy.md#old-instal).\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&["content/bad.md:5", "#old-instal", "did you mean `#old-install`?"]);
}

/// Zola's `[link_checker] internal_level = "warn"` makes broken internal links warnings,
/// and `--links` says it for one run either way; the site builds with the link pointing
/// nowhere (`#`). Before, the table was accepted and ignored.
#[test]
fn link_checker_internal_level_warn_makes_broken_links_warnings() {
    let config = |level: &str| {
        format!(
            "base_url = \"https://example.org/\"\n\n[link_checker]\ninternal_level = \"{level}\"\nskip_prefixes = [\"http://localhost\"]\n"
        )
    };
    let site = SiteTest::fixture("errors/missing-heading")
        .file("config.toml", config("warn"))
        .file(
            "content/bad.md",
            "+++\ntitle = \"Links\"\n+++\n\nSee [setup](@/guide/setpu.md), [install](@/guide/setup.md#instal) and [[Nowhere]].\n",
        );
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "warning: link to a missing page `guide/setpu.md`",
        "warning: link to a missing heading `#instal` in guide/setup.md",
        "warning: the wikilink [[Nowhere]] matches no page",
        "content/bad.md:5",
    ]);
    assert!(
        !out.stderr.contains("link_checker"),
        "no Zola-only warning for the table:\n{out}"
    );
    let html = site.html("/bad/");
    assert_eq!(attrs(&html, "main .content a", "href")[0], "#");

    // `--links error` is stricter than the config for this run; `--links warn` looser.
    let out = site.run(&["build", "--links", "error"]);
    out.assert_user_error();
    out.assert_stderr_has(&["error: link to a missing page `guide/setpu.md`", "3 errors"]);
    site.write("config.toml", config("error"));
    site.build_err();
    site.run(&["check", "--links", "warn"]).assert_success();
}

#[test]
fn template_syntax_error() {
    let out = SiteTest::fixture("errors/template-syntax").build_err();
    out.assert_stderr_has(&["templates/page.html:3", "template error"]);
}

#[test]
fn check_reports_every_error_and_writes_nothing() {
    let site = SiteTest::fixture("check/three-errors");
    let out = site.run(&["check"]);
    out.assert_user_error();
    out.assert_stderr_has(&[
        "content/one.md:3",
        "content/two.md:2",
        "content/three.md:5",
        "3 errors",
    ]);
    assert!(!site.exists("public"), "check must not write public/");
    let names: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("dossier")),
        "check left files behind: {names:?}"
    );
}

#[test]
fn check_through_the_library_returns_every_diagnostic() {
    let site = SiteTest::fixture("check/three-errors");
    let options = BuildOptions {
        root: site.root().to_path_buf(),
        ..Default::default()
    };
    let diags = build::run(&options, Mode::Check, &()).expect_err("three errors");
    assert_eq!(diags.error_count(), 3);
    let mut places: Vec<String> = diags
        .iter()
        .filter_map(|d| d.location.as_ref())
        .map(|l| format!("{}:{}", l.path.display(), l.line.unwrap_or(0)))
        .collect();
    places.sort();
    assert_eq!(
        places,
        ["content/one.md:3", "content/three.md:5", "content/two.md:2"]
    );
    assert!(!site.exists("public"));
}

#[test]
fn empty_term_is_an_error() {
    let out = SiteTest::fixture("errors/base")
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntaxonomies = [{ name = \"tags\" }]\n",
        )
        .file(
            "content/bad.md",
            "+++\ntitle = \"Empty term\"\n\n[taxonomies]\ntags = [\"nato\", \"  \"]\n+++\n",
        )
        .build_err();
    out.assert_stderr_has(&["content/bad.md:5", "an empty term in `tags`"]);
}

#[test]
fn an_unclosed_if_names_the_tag_where_it_opened_and_what_closes_it() {
    let site = SiteTest::fixture("build/pretty-urls").file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% if page.title %}<h1>{{ page.title }}</h1>\n{% endblock content %}\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&[
        "this `{% if %}` is never closed",
        "templates/page.html:3:1",
        "add `{% endif %}` before the `{% endblock %}` at line 4, column 1",
    ]);
    assert!(!out.stderr.contains("Unknown tag"), "{out}");
}

#[test]
fn an_unclosed_for_at_the_end_of_a_template_is_named() {
    let site = SiteTest::fixture("build/pretty-urls").file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{% endblock content %}\n{% for t in page.taxonomies %}{{ t }}\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&[
        "this `{% for %}` is never closed",
        "templates/page.html:3:1",
        "`{% endfor %}`",
    ]);
}

#[test]
fn hugo_style_top_level_tags_are_shown_where_they_go() {
    let site = SiteTest::fixture("build/pretty-urls").file(
        "content/hugo.md",
        "---\ntitle: From Hugo\ntags: [a, b]\n---\nBody\n",
    );
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "content/hugo.md:3",
        "unknown front matter key `tags` is ignored",
        "terms go under `taxonomies`",
    ]);
    site.write(
        "content/hugo.md",
        "+++\ntitle = \"From Hugo\"\ncategories = [\"a\"]\n+++\nBody\n",
    );
    let out = site.build_ok();
    out.assert_stderr_has(&["content/hugo.md:3", "terms go under `[taxonomies]`"]);
}

#[test]
fn a_page_without_front_matter_or_title_is_warned_about() {
    let site = SiteTest::fixture("build/pretty-urls")
        .file("content/plain.md", "# Just text\n\nNo front matter.\n")
        .file("content/untitled.md", "+++\ntitle = \" \"\n+++\nBody\n");
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "warning: this analysis has no front matter, so it has no title: it is called “Plain”, after its file name",
        "content/plain.md",
        "warning: this analysis has no title: it is called “Untitled”, after its file name",
        "content/untitled.md:2",
    ]);
    // Named after its file, a page without a title publishes no empty heading, <title>
    // or link (issue 17: list pages showed `<a href="/plain/"></a>`).
    let page = site.html("/plain/");
    assert_eq!(text(&page, "title"), "Plain · Pretty");
    assert_eq!(texts(&page, "main h1")[0], "Plain");
    let home = site.html("/");
    let links = texts(&home, "main a");
    assert!(links.iter().any(|t| t == "Plain"), "{links:?}");
    assert!(links.iter().all(|t| !t.is_empty()), "an empty link: {links:?}");
}

/// The error README.md shows ("Errors look like this") is what dossier prints for it,
/// word for word: the README's block is compared with a real build of the same file.
#[test]
fn the_readme_error_example_is_real_output() {
    let readme = std::fs::read_to_string(crate::harness::repo_root().join("README.md")).unwrap();
    let shown = readme
        .split("Errors look like this:\n\n```text\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("README.md has its error example");
    let site = SiteTest::empty()
        .file("config.toml", "base_url = \"https://example.org/\"\n")
        .file(
            "content/security/kursk.md",
            "+++\ntitle = \"Troops at Kursk\"\n+++\n\nText.\n",
        )
        .file(
            "content/security/sanctions.md",
            "+++\ntitle = \"Sanctions\"\n+++\n\nSee [the deployment](@/security/kursks.md).\n",
        );
    let out = site.build_err();
    assert_eq!(
        out.stderr.trim_end(),
        shown,
        "README.md's error example differs from the real output; paste the real one in"
    );
}

#[test]
fn every_zola_0_23_config_key_builds_acting_on_some_and_warning_about_the_rest() {
    let site = SiteTest::fixture("zola023-keys");
    let out = site.build_ok();
    assert!(!out.stderr.lines().any(|l| l.starts_with("error")), "{out}");
    // Acted on: taxonomies under `taxonomy_root`, after a language's prefix.
    assert_eq!(text(&site.html("/topics/tags/x/"), "h1"), "x");
    assert!(site.exists("public/fr/topics/tags/index.html"));
    // Definition lists, when asked for.
    let post = site.html("/post/");
    assert_eq!(texts(&post, ".content dl dt"), ["Apple"]);
    assert_eq!(texts(&post, ".content dl dd"), ["A fruit."]);
    // Warned about, each at its line: a slug Zola makes from the name, a setting dossier
    // always has on, and settings it does not implement.
    out.assert_stderr_has(&[
        "the taxonomy `tags` has the slug `topics`",
        "zola.toml:29",
        "`markdown.lazy_async_image = false` is ignored",
        "`markdown.highlighting.data_attr_position` is ignored: dossier always writes",
        "`search` is ignored: dossier builds its own search index",
    ]);
    // Implemented since: no warning for them.
    for key in [
        "minify_html",
        "hard_link_static",
        "preserve_dotfiles_in_output",
        "exclude_paginated_pages_in_sitemap",
        "`slugify`",
        "`ignored_content`",
        "`ignored_static`",
        "render_emoji",
    ] {
        assert!(!out.stderr.contains(key), "{key}: {out}");
    }
}

#[test]
fn a_taxonomy_root_that_leaves_the_site_is_an_error_at_its_key() {
    let site = SiteTest::fixture("zola023-keys");
    let config = site.read("zola.toml");
    site.write(
        "zola.toml",
        config.replace("taxonomy_root = \"topics\"", "taxonomy_root = \"../up\""),
    );
    let out = site.build_err();
    out.assert_stderr_has(&["zola.toml:13", "taxonomy_root", "../up"]);
    out.assert_no_panic();
}
