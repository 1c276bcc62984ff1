//! Themes written for Tera 1 (Zola 0.22 and before) build unchanged: macros imported and
//! called through namespaces (also from templates extending the importer), macros
//! reading Zola's context, tests with positional arguments, optional includes, the
//! filters Tera 2 dropped, `now()`, and what Tera 1 ignored in child templates.

use crate::harness::*;

const FIXTURE: &str = "tera1";

#[test]
fn macros_become_components_that_read_the_context_as_macros_did() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    // Called through the alias index.html imported, from a template extending it; the
    // macro reads `config` without being passed it, and calls another through `self::`.
    let html = site.html("/posts/");
    assert_eq!(texts(&html, "nav a"), ["POSTS", "ARCHIVE"]);
    assert_eq!(attrs(&html, "nav a[aria-current]", "href"), ["/posts/"]);
}

#[test]
fn tera_1_filters_tests_and_functions_work() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/posts/");
    assert_eq!(texts(&html, "p.words"), ["The Second,The First,end"]);
    assert_eq!(texts(&html, "p.tagged"), ["1"]);
    assert_eq!(texts(&html, "p.even"), ["even"]);
    // `int` cuts a float to its whole part, as Tera 1 did (Tera 2 refuses 308.5).
    assert_eq!(texts(&html, "p.ints"), ["308 31 3 -2"]);
    // Zola's num_format.
    assert_eq!(texts(&html, "p.nums"), ["1,234,567 -1.234.567"]);
    let page = site.html("/posts/first/");
    assert_eq!(texts(&page, "h1"), ["First"]);
    assert_eq!(count(&page, "p.lines br"), 1);
    assert_eq!(text(&page, "p.lines"), "Line oneline two");
    let footer = texts(&page, "footer");
    assert!(
        footer.len() == 1 && footer[0].len() == 4 && footer[0].chars().all(|c| c.is_ascii_digit()),
        "{footer:?}"
    );
    // Of the two optional includes, the one that exists is included.
    assert_eq!(count(&page, "footer"), 1);
}

#[test]
fn a_child_template_s_stray_text_and_unknown_blocks_are_ignored_as_tera_1_did() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let text = site.output_text("/posts/first/");
    assert!(!text.contains("Stray text"), "{text}");
    assert!(!text.contains("never defined"), "{text}");
    assert!(text.contains("<title>The First | Tera One</title>"), "{text}");
}

#[test]
fn a_theme_template_named_like_a_dossier_page_stays_the_site_s() {
    // `archive.html` is the template of the site's own /archive/ page, so dossier makes
    // no archive of its own there (nor a link to one).
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/archive/");
    assert_eq!(texts(&html, "p.archive-page"), ["Archive"]);
    assert!(!site.exists("public/archive/2024/index.html"));
}

#[test]
fn an_error_in_a_translated_template_is_at_the_line_the_author_wrote() {
    let site = SiteTest::fixture(FIXTURE);
    let text = site.read("templates/section.html");
    site.write(
        "templates/section.html",
        text.replace(
            "{% endblock content %}",
            "{{ section.title | no_such_filter }}\n{% endblock content %}",
        ),
    );
    // Line 2 was rewritten (a macro call); line 8 is still line 8.
    site.build_err()
        .assert_stderr_has(&["templates/section.html:8", "no_such_filter"]);
}

#[test]
fn data_files_images_and_text_filters_as_zola_has_them() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/data/");
    // TOML from the site folder, CSV from static/ (a quoted comma kept), an image's size,
    // a missing optional file as none; a missing field in a condition is false.
    assert_eq!(text(&html, "p.data"), "Analyst / 1,200 3x2 none");
    assert_eq!(text(&html, "p.b64"), "ZG9zc2llcg== dossier");
    assert_eq!(text(&html, "p.re"), "28/10/2024");
    assert_eq!(text(&html, "p.dates"), "21:00 1970");
    // Names in another language, of the day shown after the time zone moved it.
    assert_eq!(
        text(&html, "p.locales"),
        "середа 2 грудня 2026 | 화 6 8월 08:30 | JANVIER"
    );
    // A term by any spelling of its name.
    assert_eq!(text(&html, "p.term"), "Field Notes 1");
    // `cachebust` adds the file's hash (the site's static file, or the built-in theme's).
    let busted = text(&html, "p.bust");
    let parts: Vec<&str> = busted.split(' ').collect();
    assert!(parts[0].starts_with("https://example.org/map.png?h="), "{busted}");
    assert!(
        parts[1].starts_with("https://example.org/style.css?h="),
        "{busted}"
    );
    assert_eq!(parts[0].len(), "https://example.org/map.png?h=".len() + 64);
    // SHA-256 in hex and SHA-384 in base64 (for subresource integrity) of "Hello World".
    assert_eq!(
        text(&html, "p.hash"),
        "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e \
         mVFDKRhrL2rkoTKefubGEKcpY2M1F0rGt0D5AoOW/MgD0Ok4Y6fD2Q+Gvu54L08/"
    );
}

#[test]
fn a_date_in_an_unknown_locale_is_an_error_at_its_template_line() {
    let site = SiteTest::fixture(FIXTURE);
    site.write(
        "templates/data.html",
        "{% extends \"index.html\" %}{% block content %}\n<p>{{ \"2026-12-02\" | date(format=\"%B\", locale=\"xx_YY\") }}</p>{% endblock content %}",
    );
    let out = site.build_err();
    out.assert_stderr_has(&["templates/data.html:2", "unknown locale `xx_YY`", "uk_UA"]);
    out.assert_no_panic();
}

#[test]
fn load_data_reads_only_inside_the_site() {
    let site = SiteTest::fixture(FIXTURE);
    for path in ["../secret.toml", "/etc/hostname"] {
        site.write(
            "templates/data.html",
            format!("{{% extends \"index.html\" %}}{{% block content %}}{{{{ load_data(path=\"{path}\") }}}}{{% endblock content %}}"),
        );
        site.build_err().assert_stderr_has(&["load_data"]);
    }
    // A link inside the site that leads out of it.
    let outside = tempfile::tempdir().expect("a folder outside the site");
    std::fs::write(outside.path().join("secret.toml"), "key = \"secret\"\n").expect("write");
    std::os::unix::fs::symlink(outside.path().join("secret.toml"), site.path("data/leak.toml"))
        .expect("make a link");
    site.write(
        "templates/data.html",
        "{% extends \"index.html\" %}{% block content %}{% set d = load_data(path=\"data/leak.toml\") %}{{ d.key }}{% endblock content %}",
    );
    site.build_err()
        .assert_stderr_has(&["load_data", "outside the site folder"]);
    std::fs::remove_file(site.path("data/leak.toml")).expect("remove the link");
    site.write(
        "templates/data.html",
        "{% extends \"index.html\" %}{% block content %}{{ load_data(url=\"https://example.com/x.json\") }}{% endblock content %}",
    );
    site.build_err().assert_stderr_has(&["does not fetch addresses"]);
}

#[test]
fn a_base_template_without_dossier_s_blocks_leaves_dossier_s_pages_their_own_frame() {
    let site = SiteTest::fixture(FIXTURE).file(
        "templates/base.html",
        "<!DOCTYPE html><html lang=\"en\"><head><title>x</title></head><body>{% block main %}{% endblock main %}</body></html>\n",
    );
    site.build_ok();
    let html = site.html("/timeline/");
    assert_eq!(count(&html, "main"), 1);
    assert!(
        text(&html, "head > title").contains("Timeline"),
        "{}",
        text(&html, "head > title")
    );
}

#[test]
fn zola_s_highlighting_theme_names_find_their_themes() {
    let site = SiteTest::fixture(FIXTURE);
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        config.replace(
            "[extra]",
            "[markdown.highlighting]\ntheme = \"catppuccin-mocha\"\n\n[extra]",
        ),
    );
    let out = site.build_ok();
    assert!(!out.stderr.contains("highlighting theme"), "{out}");
    site.write(
        "config.toml",
        config.replace(
            "[extra]",
            "[markdown.highlighting]\ntheme = \"vitesse-black\"\n\n[extra]",
        ),
    );
    site.build_ok()
        .assert_stderr_has(&["unknown highlighting theme `vitesse-black`", "coloured with"]);
}

#[test]
fn num_format_names_an_unknown_locale() {
    let site = SiteTest::fixture(FIXTURE);
    let text = site.read("templates/section.html");
    site.write(
        "templates/section.html",
        text.replace("num_format(locale=\"de\")", "num_format(locale=\"xx\")"),
    );
    site.build_err()
        .assert_stderr_has(&["num_format: unknown locale `xx`", "templates/section.html:7"]);
}

/// Zola compiles Sass and copies bundle files into the output before rendering, and its
/// file functions look there too; a theme from tabi's family finds its stylesheet's hash
/// and a translated section's card that way. Tera 1 read `default`'s value only when
/// needed, found nothing (rather than failing) in `""["key"]`, took no string as
/// `iterable`, and ignored arguments a macro does not take.
#[test]
fn a_theme_finds_what_zola_publishes_and_reads_templates_as_tera_1_did() {
    let png = std::fs::read(repo_root().join("tests/fixtures/tera1/static/map.png")).expect("fixture png");
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/repo\"\ntitle = \"T\"\ncompile_sass = true\n\
             [languages.fr]\ntitle = \"T fr\"\n",
        )
        .file("sass/main.scss", "$c: #c00;\na { color: $c; }\n")
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        .file("content/notes/_index.md", "+++\ntitle = \"Notes\"\n+++\n")
        .file("content/notes/_index.fr.md", "+++\ntitle = \"Notes fr\"\n+++\n")
        .file("content/notes/card.png", &png)
        .file(
            "content/notes/shot/index.md",
            "+++\ntitle = \"Shot\"\n[extra]\nkinds = \"one\"\n+++\n![a shot](img/shot.png)\n",
        )
        .file("content/notes/shot/img/shot.png", &png)
        .file(
            "templates/macros.html",
            "{% macro greet(name) %}hello {{ name }}{% endmacro %}\
             {% macro lookup(strings=\"\") %}{{ strings[\"key\"] | default(value=\"fallback\") }}{% endmacro %}",
        )
        .file(
            "templates/index.html",
            "<link rel=\"stylesheet\" href=\"{{ get_url(path='main.css', cachebust=true) }}\">",
        )
        .file(
            "templates/section.html",
            "{% set card = get_image_metadata(path=section.path ~ \"/card.png\", allow_missing=true) %}\
             <p class=\"card\">{% if card %}{{ card.width }}x{{ card.height }}{% else %}none{% endif %}</p>",
        )
        .file(
            "templates/page.html",
            "{% import \"macros.html\" as m %}\
             <p class=\"kind\">{% if section %}section{% else %}page{% endif %}</p>\
             <p class=\"lazy\">{{ page.title | default(value=section.extra.title) }}</p>\
             <p class=\"iterable\">{% if page.extra.kinds is iterable %}list{% else %}one{% endif %}</p>\
             <p class=\"macro\">{{ m::greet(name=\"you\", unused=1) }} {{ m::lookup() }}</p>\
             {{ page.content | safe }}",
        );
    let built = site.build_ok();
    let css = site.read("public/main.css");
    let hash: String = {
        use sha2::Digest;
        sha2::Sha256::digest(css.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert_eq!(
        attr(&site.html("/"), "link", "href"),
        format!("https://example.org/repo/main.css?h={hash}")
    );
    // The French section's card is found where the output holds it (/fr/notes/card.png),
    // even with the double slash a theme's `section.path ~ "/card.png"` makes.
    assert_eq!(text(&site.html("/fr/notes/"), "p.card"), "3x2");
    assert_eq!(text(&site.html("/notes/"), "p.card"), "3x2");
    let page = site.html("/notes/shot/");
    // `section` is not a page's (dossier's theme reads `current_section`).
    assert_eq!(text(&page, "p.kind"), "page");
    assert_eq!(text(&page, "p.lazy"), "Shot");
    assert_eq!(text(&page, "p.iterable"), "one");
    assert_eq!(text(&page, "p.macro"), "hello you fallback");
    // A bundle's file in a folder is published in the same folder, as Zola copies it.
    assert!(site.exists("public/notes/shot/img/shot.png"));
    assert_eq!(attr(&page, "img", "src"), "/repo/notes/shot/img/shot.png");
    assert!(!built.stderr.contains("leads to nothing"), "{}", built.stderr);
}
