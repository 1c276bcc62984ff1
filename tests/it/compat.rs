//! Real Zola sites, pinned under `tests/fixtures/compat/` with their licences, build with
//! no errors, and every HTML page Zola made of them (recorded once in the site's
//! `expected.tsv` by `tests/fixtures/compat/record.py`) is there with the same title and
//! first heading, or redirects to the same address.

use std::path::Path;

use scraper::{Html, Selector};

use crate::harness::*;

/// What one page of the recorded Zola output was.
enum Expected<'a> {
    Page { title: &'a str, h1: &'a str },
    Redirect(&'a str),
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_text(html: &Html, css: &str) -> String {
    let selector = Selector::parse(css).expect("a valid selector");
    html.select(&selector)
        .next()
        .map(|e| collapse(&e.text().collect::<String>()))
        .unwrap_or_default()
}

fn refresh_target(html: &Html) -> Option<String> {
    let selector = Selector::parse(r#"meta[http-equiv="refresh"]"#).expect("a valid selector");
    let content = html.select(&selector).next()?.value().attr("content")?;
    Some(content.split_once("url=")?.1.trim().to_owned())
}

/// The differences between what Zola made (`expected.tsv`) and dossier's `public/`.
fn differences(expected: &str, public: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for line in expected.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (path, wanted) = match fields[..] {
            [path, "page", title, h1] => (path, Expected::Page { title, h1 }),
            [path, "redirect", to] => (path, Expected::Redirect(to)),
            _ => panic!("a bad line in expected.tsv: {line:?}"),
        };
        let Ok(text) = std::fs::read_to_string(public.join(path)) else {
            problems.push(format!("{path}: missing"));
            continue;
        };
        let html = Html::parse_document(&text);
        match wanted {
            Expected::Page { title, h1 } => {
                let (got_title, got_h1) = (first_text(&html, "title"), first_text(&html, "h1"));
                if got_title != title || got_h1 != h1 {
                    problems.push(format!(
                        "{path}: Zola: {title:?} / {h1:?}; dossier: {got_title:?} / {got_h1:?}"
                    ));
                }
            }
            Expected::Redirect(to) => {
                let got = refresh_target(&html);
                if got.as_deref() != Some(to) {
                    problems.push(format!("{path}: Zola redirects to {to:?}; dossier: {got:?}"));
                }
            }
        }
    }
    problems
}

fn builds_as_zola_does(name: &str) {
    let site = SiteTest::fixture(&format!("compat/{name}"));
    let out = site.build_ok();
    assert!(
        !out.stderr.lines().any(|l| l.starts_with("error")),
        "{name} built with errors:\n{out}"
    );
    let mut expected = site.read("expected.tsv");
    assert!(expected.lines().count() > 1, "{name}: nothing recorded");
    // Without a 404 template of its own a Zola site gets Zola's bare page; dossier gives
    // it its own, in the site's frame where it can.
    if !site.exists("templates/404.html") {
        expected = expected
            .lines()
            .filter(|l| !l.starts_with("404.html\t"))
            .map(|l| format!("{l}\n"))
            .collect();
    }
    let problems = differences(&expected, &site.path("public"));
    assert!(
        problems.is_empty(),
        "{name}: {} pages differ from Zola's:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The stylesheets the home page links, compiled from the site's Sass.
    let base_url = toml_base_url(&site.read("config.toml"));
    let sheets = attrs(&site.html("/"), "link[rel=stylesheet]", "href");
    assert!(!sheets.is_empty(), "{name}: no stylesheets");
    for href in sheets {
        let rel = href
            .strip_prefix(&base_url)
            .unwrap_or(&href)
            .trim_start_matches('/');
        // `get_url(…, cachebust=true)` adds the file's hash as a query.
        let rel = rel.split('?').next().unwrap_or(rel);
        let css = site.read(&format!("public/{rel}"));
        assert!(
            css.len() > 100 && css.contains('{'),
            "{name}: {rel} is not CSS: {css:?}"
        );
    }
}

/// `base_url` as the site's config.toml writes it, ending with `/`.
fn toml_base_url(config: &str) -> String {
    let table: toml::Table = config.parse().expect("config.toml parses");
    let url = table["base_url"].as_str().expect("a base_url");
    format!("{}/", url.trim_end_matches('/'))
}

/// A Zola 0.22 theme's demo site (MIT): Tera 1 macros in files of their own, imported in
/// the base template and called from the templates extending it; pagination, tags, a page
/// with its own template; shortcodes.
#[test]
fn the_terminimal_theme_demo_builds_as_zola_does() {
    builds_as_zola_does("terminimal");
}

/// Zola's own dark theme's demo (MIT): shortcodes (`.html` with and without bodies),
/// two taxonomies with feeds, macros called through `self::` and imports, a search box.
#[test]
fn the_after_dark_theme_demo_builds_as_zola_does() {
    builds_as_zola_does("after-dark");
}

/// Zola's own documentation (MIT): 173 pages, the themes gallery as a taxonomy, Sass,
/// `resize_image` in shortcodes (`fit`, `fill`, `scale`, `fit_width`, `fit_height`),
/// `get_image_metadata`, pages whose front matter follows a blank line, redirects.
#[test]
fn zola_s_documentation_builds_as_zola_does() {
    builds_as_zola_does("zola-docs");
}

/// The apollo theme's demo (MIT), published under a base path (`/apollo/`): templates
/// that build image paths from `section.path` (Zola's, without the base path) for
/// `resize_image`, `is defined` tests on a `page` that a section page lacks, Sass.
#[test]
fn the_apollo_theme_demo_builds_as_zola_does() {
    builds_as_zola_does("apollo");
}

/// Zola 0.23's documentation (MIT), from Zola's `next` branch: Tera 2 templates with
/// components (`templates/components.html`), components called in content
/// (`{{ <resize_image … /> }}`), templated content with `skip_content_templating`,
/// `get_taxonomy_url(term=…, required=false)`.
#[test]
fn zola_0_23_s_documentation_builds_as_zola_0_23_does() {
    builds_as_zola_does("zola-docs-next");
}

/// The tabi theme's demo (MIT), a Zola 0.22 site in four languages (English, Spanish,
/// Catalan, Arabic) under a base path: `_index.ca.md` and `index.es.md` translations at
/// /ca/ and /es/, `trans` and `config.languages`, `load_data` of per-language strings,
/// `get_image_metadata` of bundle files found where Zola's output holds them (a
/// translated section's card at /es/archive/), `get_url(cachebust=true)` of the CSS
/// compiled from its Sass, and templates that test `section` to tell a section from a page.
#[test]
fn the_tabi_theme_demo_builds_in_every_language_as_zola_does() {
    builds_as_zola_does("tabi");
}

/// Zola's `ignored_content` and `ignored_static`: the files their globs match are not
/// part of the site (a glob matches the whole path, `*` crossing folders, or the path
/// under content/ or static/); an ignored folder is not read at all, so even a broken
/// page in it is no error. A theme's static files are all copied, as in Zola.
#[test]
fn ignored_content_and_static_leave_their_files_out() {
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n\
             ignored_content = [\"*.{xlsx,graphml}\", \"drafts/**\", \"**/scratch\"]\n\
             ignored_static = [\"*.psd\", \"raw/**\"]\n",
        )
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        .file("content/notes/_index.md", "+++\ntitle = \"Notes\"\n+++\n")
        .file("content/notes/kept.md", "+++\ntitle = \"Kept\"\n+++\nText.\n")
        .file("content/notes/figures.xlsx", "not a spreadsheet")
        .file("content/notes/kept.csv", "a,b\n1,2\n")
        .file("content/drafts/_index.md", "+++\ntitle = \"Drafts\"\n+++\n")
        .file("content/drafts/wip.md", "+++\ntitle = \"WIP\"\n+++\n")
        .file("content/notes/scratch/broken.md", "+++\ntitle = \n+++\n")
        .file("static/logo.psd", "layers")
        .file("static/raw/source.txt", "raw")
        .file("static/robots-extra.txt", "kept");
    let out = site.build_ok();
    assert!(!out.stderr.contains("ignored_"), "{out}");
    assert!(site.exists("public/notes/kept/index.html"));
    assert!(site.exists("public/notes/kept.csv"));
    assert!(site.exists("public/robots-extra.txt"));
    for gone in [
        "public/notes/figures.xlsx",
        "public/drafts/index.html",
        "public/drafts/wip/index.html",
        "public/notes/scratch",
        "public/logo.psd",
        "public/raw",
    ] {
        assert!(!site.exists(gone), "{gone} should be left out");
    }
    // A glob that cannot be read is an error at its key.
    site.write(
        "config.toml",
        "base_url = \"https://example.org/\"\ntitle = \"T\"\nignored_content = [\"[\"]\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&["config.toml:3", "`ignored_content` has a bad glob `[`"]);
}

/// Zola's `[slugify]`: `safe` keeps a name as written but for what paths refuse,
/// `paths_keep_dates` keeps a file name's date, and `safe` ids are the heading's text
/// with `_` for spaces; `off` never lets a name leave its folder.
#[test]
fn slugify_settings_make_urls_and_ids_as_zola_does() {
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\ntaxonomies = [{ name = \"tags\" }]\n\
             [slugify]\npaths = \"safe\"\npaths_keep_dates = true\ntaxonomies = \"safe\"\nanchors = \"safe\"\n",
        )
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        .file("content/notes/_index.md", "+++\ntitle = \"Notes\"\n+++\n")
        .file(
            "content/notes/2024-01-05-Café Noir?.md",
            "+++\ntitle = \"Café\"\n[taxonomies]\ntags = [\"Rust Lang\"]\n+++\n## Key Points\n\nSee [[Café#Key Points]].\n",
        )
        .file(
            "content/notes/escape.md",
            "+++\ntitle = \"Escape\"\nslug = \"../../outside\"\n+++\nText.\n",
        );
    let out = site.build_ok();
    assert!(!out.stderr.contains("slugify"), "{out}");
    let page = site.html("/notes/2024-01-05-Café Noir/");
    assert_eq!(text(&page, "h1"), "Café");
    assert_eq!(attrs(&page, "h2", "id"), ["Key_Points"]);
    assert!(
        attrs(&page, "a", "href")
            .iter()
            .any(|h| h.ends_with("#Key_Points")),
        "{:?}",
        attrs(&page, "a", "href")
    );
    assert!(site.exists("public/tags/Rust Lang/index.html"));
    // `../../outside` loses its slashes: one folder's name, inside the output.
    assert!(site.exists("public/notes/....outside/index.html"));
    assert!(!site.exists("outside"));
    // The default is Zola's `on`: lowercase ASCII words.
    site.write(
        "config.toml",
        "base_url = \"https://example.org/\"\ntitle = \"T\"\ntaxonomies = [{ name = \"tags\" }]\n",
    );
    site.build_ok();
    assert_eq!(attrs(&site.html("/notes/cafe-noir/"), "h2", "id"), ["key-points"]);
    assert!(site.exists("public/tags/rust-lang/index.html"));
}

/// Zola's `render_emoji`: shortcodes in text (also between inline tags, as Zola reads
/// it) become emoji; code, HTML blocks and unknown names stay as written; off (the
/// default, as in Zola) leaves them all.
#[test]
fn render_emoji_turns_shortcodes_in_text_into_emoji() {
    let page = "+++\ntitle = \"E\"\n+++\nShipped :tada: with *care :heart:*.\n\n\
                `:smile:` and <span>:smile:</span> and :nosuchname:\n\n```\n:smile:\n```\n\n\
                <div class=\"raw\">:smile:</div>\n";
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n[markdown]\nrender_emoji = true\n",
        )
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        .file("content/e.md", page);
    let out = site.build_ok();
    assert!(!out.stderr.contains("render_emoji"), "{out}");
    let html = site.html("/e/");
    let paragraphs = texts(&html, ".content p");
    assert_eq!(paragraphs[0], "Shipped 🎉 with care ❤️.");
    assert_eq!(paragraphs[1], ":smile: and 😄 and :nosuchname:");
    assert_eq!(text(&html, ".content pre code"), ":smile:");
    assert_eq!(text(&html, ".content div.raw"), ":smile:");
    site.write(
        "config.toml",
        "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
    );
    site.build_ok();
    assert_eq!(
        texts(&site.html("/e/"), ".content p")[0],
        "Shipped :tada: with care :heart:."
    );
}
