//! Zola's Sass: a theme's `sass/` always, the site's with `compile_sass = true`, partials
//! only imported, errors at their file and line, nothing read outside the site.

use crate::harness::*;

const FIXTURE: &str = "sass";

#[test]
fn stylesheets_compile_to_css_at_their_paths() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    // The site's site.scss replaces the theme's, with its partials and `@use` module.
    assert_eq!(
        site.read("public/site.css"),
        "nav{display:flex}article{color:#1a2b3c}article p{margin:8px 0}"
    );
    assert_eq!(site.read("public/theme.css"), "a{color:#c00}");
    // The indented syntax, in a folder.
    assert_eq!(
        site.read("public/print/page.css"),
        "@page{margin:2cm}body{font-size:11pt}"
    );
    for partial in [
        "public/_vars.css",
        "public/vars.css",
        "public/_parts",
        "public/parts",
    ] {
        assert!(!site.exists(partial), "{partial}");
    }
    // The page links to each of them, and `check` finds them there.
    site.assert_no_broken_links();
    site.run(&["check"]).assert_success();
}

#[test]
fn without_compile_sass_only_the_theme_s_sass_is_compiled() {
    let site = SiteTest::fixture(FIXTURE);
    let config = site
        .read("config.toml")
        .replace("compile_sass = true", "compile_sass = false");
    site.write("config.toml", config);
    site.build_ok();
    assert_eq!(site.read("public/site.css"), "body{color:red}");
    assert!(site.exists("public/theme.css"));
    assert!(!site.exists("public/print/page.css"));
}

#[test]
fn a_site_stylesheet_replaces_the_built_in_theme_s_and_gives_way_to_a_static_file() {
    // Without a theme, dossier's own style.css is the theme's: the site's Sass wins.
    let site = SiteTest::fixture(FIXTURE).file("sass/style.scss", "$x: 1px;\nhr { border: $x solid; }\n");
    let config = site.read("config.toml").replace("theme = \"plain\"\n", "");
    site.write("config.toml", config);
    let out = site.build_ok();
    assert!(!out.stderr.contains("style"), "{out}");
    assert_eq!(site.read("public/style.css"), "hr{border:1px solid}");
    // A file of the site's static/ is what Zola publishes: kept, with a warning.
    site.write("static/style.css", "hr{}\n");
    let out = site.build_ok();
    out.assert_stderr_has(&["warning", "sass/style.scss compiles to style.css", "static file"]);
    assert_eq!(site.read("public/style.css"), "hr{}\n");
}

#[test]
fn a_sass_error_is_reported_at_its_file_line_and_column() {
    let site = SiteTest::fixture(FIXTURE).file(
        "sass/_broken.scss",
        "// A partial with a mistake.\nh1 {\n  color: $undefined-ink;\n}\n",
    );
    site.write("sass/main.scss", "@import \"broken\";\n");
    let out = site.build_err();
    out.assert_stderr_has(&[
        "Sass: Undefined variable.",
        "sass/_broken.scss:3:10",
        "color: $undefined-ink;",
    ]);
}

#[test]
fn warn_and_debug_are_warnings_at_their_line() {
    let site = SiteTest::fixture(FIXTURE).file(
        "sass/notes.scss",
        "$w: 3;\n@warn \"width is #{$w}\";\na { b: c; }\n@debug 1 + $w;\n",
    );
    let out = site.build_ok();
    out.assert_stderr_has(&["warning", "Sass @warn: width is 3", "sass/notes.scss:2"]);
    out.assert_stderr_has(&["Sass @debug: 4", "sass/notes.scss:4"]);
    assert_eq!(site.read("public/notes.css"), "a{b:c}");
}

#[test]
fn two_stylesheets_for_one_output_are_an_error() {
    let site = SiteTest::fixture(FIXTURE).file("sass/print/page.scss", "body { margin: 0; }\n");
    site.build_err()
        .assert_stderr_has(&["sass/print/page.sass and sass/print/page.scss both compile to print/page.css"]);
}

#[test]
fn imports_reach_nothing_outside_the_site() {
    let outside = tempfile::tempdir().expect("a folder outside the site");
    std::fs::write(
        outside.path().join("_secret.scss"),
        ".secret { content: \"leaked\"; }\n",
    )
    .unwrap();
    let site = SiteTest::fixture(FIXTURE);
    let secret = outside.path().join("secret");
    for import in [
        secret.to_string_lossy().into_owned(),
        "../../../../../../../../tmp/x".to_owned(),
    ] {
        site.write("sass/leak.scss", format!("@import \"{import}\";\n"));
        site.build_err()
            .assert_stderr_has(&["Can't find stylesheet to import", "sass/leak.scss:1"]);
    }
    // A partial that is a link leading out of the site.
    std::os::unix::fs::symlink(
        outside.path().join("_secret.scss"),
        site.path("sass/_inside.scss"),
    )
    .unwrap();
    site.write("sass/leak.scss", "@import \"inside\";\n");
    let out = site.build_err();
    assert!(!out.stderr.contains("leaked"), "{out}");
    // The same link as a stylesheet of its own is refused as every link out of the site is.
    std::fs::remove_file(site.path("sass/_inside.scss")).unwrap();
    std::fs::remove_file(site.path("sass/leak.scss")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("_secret.scss"), site.path("sass/linked.scss")).unwrap();
    site.build_err()
        .assert_stderr_has(&["sass/linked.scss is a symbolic link", "outside the site folder"]);
    assert!(!site.exists("public/linked.css"));
}

#[test]
fn a_stylesheet_that_recurses_without_end_is_an_error_not_a_crash() {
    let site = SiteTest::fixture(FIXTURE)
        .file("sass/mixin.scss", "@mixin a { @include a; }\nb { @include a; }\n")
        .file(
            "sass/function.scss",
            "@function f($n) { @return f($n + 1); }\nb { width: f(1); }\n",
        )
        .file(
            "sass/nested.scss",
            format!("{}color: red;{}", "a{".repeat(20_000), "}".repeat(20_000)),
        );
    let out = site.build_err();
    for file in ["sass/mixin.scss", "sass/function.scss", "sass/nested.scss"] {
        out.assert_stderr_has(&[&format!("--> {file}")]);
    }
    assert_eq!(
        out.stderr
            .matches("the Sass compiler crashed on this stylesheet")
            .count(),
        3,
        "{out}"
    );
}
