//! `disable_pages`: a site without some of dossier's own pages (as Hugo's `disableKinds`)
//! has neither them, nor their exports, nor a link to them.

use crate::harness::*;

/// The outputs each of dossier's own pages makes on the example site (which has every
/// one of them, in English and in Ukrainian where its Ukrainian analysis has something).
const OWN: &[(&str, &[&str])] = &[
    (
        "timeline",
        &[
            "public/timeline/index.html",
            "public/timeline.json",
            "public/timeline.ics",
            "public/uk/timeline/index.html",
        ],
    ),
    (
        "archive",
        &["public/archive/index.html", "public/uk/archive/index.html"],
    ),
    ("graph", &["public/graph/index.html", "public/graph.json"]),
    ("judgments", &["public/judgments/index.html"]),
    ("watch", &["public/watch/index.html"]),
    ("sources", &["public/sources/index.html"]),
];

/// Every HTML output, parsed once, with its path under `public/`.
fn pages(site: &SiteTest) -> Vec<(String, scraper::Html)> {
    html_files(&site.path("public"))
        .into_iter()
        .map(|file| {
            let html = scraper::Html::parse_document(&site.read(&format!("public/{file}")));
            (file, html)
        })
        .collect()
}

/// Every `href` of `pages`, with the file it is in.
fn hrefs(pages: &[(String, scraper::Html)]) -> Vec<(String, String)> {
    pages
        .iter()
        .flat_map(|(file, html)| {
            attrs(html, "[href]", "href")
                .into_iter()
                .map(move |h| (file.clone(), h))
        })
        .collect()
}

/// How many elements match `css` in all of `pages`.
fn count_in(pages: &[(String, scraper::Html)], css: &str) -> usize {
    pages.iter().map(|(_, html)| count(html, css)).sum()
}

/// Whether `href` leads to one of the pages `OWN` names, or into it.
fn leads_to(href: &str, page: &str) -> bool {
    let path = href.trim_start_matches("https://example.org");
    [format!("/{page}/"), format!("/uk/{page}/"), format!("/{page}.")]
        .iter()
        .any(|p| path.starts_with(p.as_str()))
        || (page == "timeline" && path.contains("/timeline/"))
        || (page == "archive" && path.contains("/archive/"))
}

#[test]
fn disabled_pages_are_not_made_and_nothing_links_to_them() {
    let site = SiteTest::example();
    // The example has every page and links to each: what the second build must lose.
    site.build_ok();
    let before = pages(&site);
    let links = hrefs(&before);
    for (page, files) in OWN {
        for file in *files {
            assert!(site.exists(file), "the example should make {file}");
        }
        assert!(
            links.iter().any(|(_, href)| leads_to(href, page)),
            "the example should link to its {page}"
        );
    }
    assert!(count_in(&before, ".mini-timeline .event-title a") > 0);
    assert!(count_in(&before, ".term-events") > 0);

    let names: Vec<String> = OWN.iter().map(|(page, _)| format!("\"{page}\"")).collect();
    site.replace_line(
        "config.toml",
        "title = ",
        &format!(
            "title = \"Kursk Dossier\"\ndisable_pages = [{}]",
            names.join(", ")
        ),
    );
    std::fs::remove_dir_all(site.path("public")).expect("remove public/");
    site.build_ok();
    let after = pages(&site);
    let links = hrefs(&after);
    for (page, files) in OWN {
        for file in *files {
            assert!(!site.exists(file), "{file} was made with `{page}` disabled");
        }
        let to_it: Vec<_> = links.iter().filter(|(_, href)| leads_to(href, page)).collect();
        assert!(to_it.is_empty(), "links to the disabled {page}: {to_it:?}");
    }
    site.assert_no_broken_links();
    // An analysis still shows its events, as text, and a term page lists none (they
    // would link to its timeline).
    assert!(count_in(&after, ".mini-timeline .event-title") > 0);
    assert_eq!(count_in(&after, ".mini-timeline .event-title a"), 0);
    assert_eq!(count_in(&after, ".term-events"), 0);
    let sitemap = site.read("public/sitemap.xml");
    for (page, _) in OWN {
        assert!(
            !sitemap.contains(&format!("/{page}/")),
            "the sitemap lists /{page}/"
        );
    }
}

#[test]
fn a_page_disable_pages_does_not_know_is_an_error_at_its_place() {
    let site = SiteTest::fixture("errors/base");
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        format!("{config}disable_pages = [\"graph\", \"timelines\"]\n"),
    );
    let line = config.lines().count() + 1;
    let out = site.build_err();
    out.assert_stderr_has(&[
        "unknown variant `timelines`",
        "`timeline`",
        &format!("config.toml:{line}:"),
    ]);
}

#[test]
fn the_other_pages_stay_when_one_is_disabled() {
    let site = SiteTest::example();
    site.replace_line(
        "config.toml",
        "title = ",
        "title = \"Kursk Dossier\"\ndisable_pages = [\"graph\"]",
    );
    site.build_ok();
    assert!(!site.exists("public/graph/index.html"));
    assert!(!site.exists("public/graph.json"));
    for file in [
        "public/timeline/index.html",
        "public/timeline.json",
        "public/archive/index.html",
        "public/judgments/index.html",
    ] {
        assert!(site.exists(file), "{file} missing with only the graph disabled");
    }
    let home = site.html("/");
    assert_eq!(count(&home, ".site-footer a[href='/archive/']"), 1);
    assert_eq!(count(&home, ".site-footer a[href='/graph/']"), 0);
    site.assert_no_broken_links();
}

#[test]
fn a_long_list_of_the_same_names_is_each_name_once() {
    // A hostile or generated config: every page and event asks the list, so it is kept
    // to each name once; templates see it so.
    let names = vec!["\"graph\""; 20_000].join(", ");
    let site = SiteTest::fixture("errors/base").file(
        "templates/index.html",
        "<p id=\"n\">{{ config.disable_pages | length }}</p>",
    );
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        format!("{config}disable_pages = [{names}, \"archive\"]\n"),
    );
    site.build_ok();
    assert_eq!(text(&site.html("/"), "#n"), "2");
    assert!(!site.exists("public/graph/index.html"));
}
