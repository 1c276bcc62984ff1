//! Where content ends up: URLs, sections, bundles, drafts, redirects, themes, and how
//! the output folder is written.

use crate::harness::*;

#[test]
fn pretty_urls_put_each_page_in_its_own_folder() {
    let site = SiteTest::fixture("build/pretty-urls");
    site.build_ok();
    assert!(site.exists("public/a/b/index.html"));
    assert!(!site.exists("public/a/b.html"));
    let html = site.html("/a/b/");
    assert_eq!(text(&html, "h1"), "Page B");
    assert_eq!(text(&html, "title"), "Page B · Pretty");
    assert_eq!(
        attr(&html, "link[rel=canonical]", "href"),
        "https://example.org/a/b/"
    );
    assert_eq!(texts(&html, ".content p"), ["Body of B."]);
    site.assert_no_broken_links();
}

#[test]
fn nested_sections_get_nested_urls_and_list_their_own_pages() {
    let site = SiteTest::fixture("build/nested-sections");
    site.build_ok();
    for file in [
        "world/index.html",
        "world/overview/index.html",
        "world/europe/index.html",
        "world/europe/france/index.html",
    ] {
        assert!(site.exists(&format!("public/{file}")), "missing {file}");
    }
    let world = site.html("/world/");
    assert_eq!(text(&world, "h1"), "World");
    assert_eq!(attrs(&world, ".page-list h2 a", "href"), ["/world/overview/"]);
    let europe = site.html("/world/europe/");
    assert_eq!(texts(&europe, ".page-list h2 a"), ["France"]);
    assert_eq!(
        attrs(&europe, ".page-list h2 a", "href"),
        ["/world/europe/france/"]
    );
    // A page's kicker names its own (innermost) section.
    let france = site.html("/world/europe/france/");
    assert_eq!(attr(&france, ".kicker a", "href"), "/world/europe/");
    assert_eq!(text(&france, ".kicker a"), "Europe");
    site.assert_no_broken_links();
}

#[test]
fn root_section_lists_root_pages_and_subsections() {
    let site = SiteTest::fixture("build/nested-sections");
    site.build_ok();
    let home = site.html("/");
    assert_eq!(text(&home, "h1"), "Home");
    // The front page: no page is dated, so the first by path leads, here the root's own
    // page; the top-level section lists its analyses, its subsection's included.
    assert_eq!(attrs(&home, ".lead h2 a", "href"), ["/top/"]);
    assert_eq!(texts(&home, ".front-section h2 a"), ["World"]);
    assert_eq!(attrs(&home, ".front-section h2 a", "href"), ["/world/"]);
    assert_eq!(
        attrs(&home, ".front-section h3 a", "href"),
        ["/world/europe/france/", "/world/overview/"]
    );
    // The root's pages are listed after, the lead left out: shown once.
    assert_eq!(count(&home, ".page-list li"), 0);
    assert!(site.exists("public/top/index.html"));
    // The top-level section is in the main navigation.
    assert_eq!(
        texts(&home, "nav[aria-label=Main] a:not(.search-link)"),
        ["World"]
    );
}

#[test]
fn page_bundle_copies_its_files_beside_the_page() {
    let site = SiteTest::fixture("build/bundle");
    site.build_ok();
    assert!(site.exists("public/reports/annual/index.html"));
    assert_eq!(
        std::fs::read(site.path("public/reports/annual/data.csv")).unwrap(),
        std::fs::read(site.path("content/reports/annual/data.csv")).unwrap()
    );
    let html = site.html("/reports/annual/");
    assert_eq!(text(&html, "h1"), "Annual Report");
    let href = attr(&html, ".content a", "href");
    let target = resolve("/reports/annual/", &href).unwrap();
    assert_eq!(target, "/reports/annual/data.csv");
    assert!(
        output_file(&site.path("public"), &target).is_file(),
        "{href} does not resolve to a file"
    );
    // The bundle's folder name is the page's slug, and its section lists it.
    let section = site.html("/reports/");
    assert_eq!(attrs(&section, ".page-list h2 a", "href"), ["/reports/annual/"]);
}

#[test]
fn bundle_relative_links_in_summaries_work_on_list_pages() {
    let site = SiteTest::fixture("build/bundle");
    site.build_ok();
    site.assert_no_broken_links();
}

#[test]
fn date_prefix_in_file_name_sets_date_and_slug() {
    let site = SiteTest::fixture("build/date-prefix");
    site.build_ok();
    assert!(site.exists("public/news/troops-move/index.html"));
    assert!(!site.exists("public/news/2024-10-18-troops-move"));
    let html = site.html("/news/troops-move/");
    assert_eq!(text(&html, "h1"), "Troops Move");
    assert_eq!(attr(&html, ".meta time", "datetime"), "2024-10-18");
    assert_eq!(text(&html, ".meta time"), "18 October 2024");

    // With `_` as separator too; a front matter date wins over the file name's.
    let own = site.html("/news/own-date/");
    assert_eq!(attr(&own, ".meta time", "datetime"), "2024-11-02");
    let list = site.html("/news/");
    assert_eq!(texts(&list, ".page-list h2 a"), ["Own Date", "Troops Move"]);
    site.assert_no_broken_links();
}

#[test]
fn slug_override_replaces_the_last_url_segment() {
    let site = SiteTest::fixture("build/slug-path");
    site.build_ok();
    assert!(site.exists("public/posts/custom-slug/index.html"));
    assert!(!site.exists("public/posts/original-name"));
    assert_eq!(text(&site.html("/posts/custom-slug/"), "h1"), "Renamed");
    let list = site.html("/posts/");
    assert!(attrs(&list, ".page-list h2 a", "href").contains(&"/posts/custom-slug/".to_owned()));
    site.assert_no_broken_links();
}

#[test]
fn path_override_replaces_the_whole_url() {
    let site = SiteTest::fixture("build/slug-path");
    site.build_ok();
    assert!(site.exists("public/elsewhere/deep/page/index.html"));
    assert!(!site.exists("public/posts/moved"));
    let html = site.html("/elsewhere/deep/page/");
    assert_eq!(text(&html, "h1"), "Moved");
    assert_eq!(
        attr(&html, "link[rel=canonical]", "href"),
        "https://example.org/elsewhere/deep/page/"
    );
    let list = site.html("/posts/");
    assert!(attrs(&list, ".page-list h2 a", "href").contains(&"/elsewhere/deep/page/".to_owned()));
}

#[test]
fn slug_override_is_slugified() {
    let site = SiteTest::fixture("build/slug-path").file(
        "content/posts/spaced.md",
        "+++\ntitle = \"Spaced\"\nslug = \"My Custom Slug\"\n+++\n",
    );
    site.build_ok();
    let hrefs = attrs(&site.html("/posts/"), ".page-list h2 a", "href");
    assert!(hrefs.contains(&"/posts/my-custom-slug/".to_owned()), "{hrefs:?}");
    assert!(site.exists("public/posts/my-custom-slug/index.html"));
}

fn assert_redirect(site: &SiteTest, url: &str, to: &str) {
    let html = site.html(url);
    assert_eq!(
        attr(&html, "meta[http-equiv=refresh]", "content"),
        format!("0; url={to}"),
        "redirect at {url}"
    );
    assert_eq!(
        attr(&html, "link[rel=canonical]", "href"),
        to,
        "canonical at {url}"
    );
    assert_eq!(attr(&html, "body a", "href"), to);
}

#[test]
fn aliases_write_redirect_pages() {
    let site = SiteTest::fixture("build/aliases");
    site.build_ok();
    assert_redirect(&site, "/2019/old-story/", "https://example.org/news/story/");
    assert_redirect(&site, "/legacy.html", "https://example.org/news/story/");
    assert_redirect(&site, "/old-news/", "https://example.org/news/");
    // The page itself is still there.
    assert_eq!(text(&site.html("/news/story/"), "h1"), "Story");
    site.assert_no_broken_links();
}

#[test]
fn drafts_are_left_out_by_default() {
    let site = SiteTest::fixture("build/drafts");
    site.build_ok();
    assert!(site.exists("public/notes/published/index.html"));
    assert!(!site.exists("public/notes/secret"));
    // A draft section hides its pages too.
    assert!(!site.exists("public/hidden"));
    let notes = site.html("/notes/");
    assert_eq!(texts(&notes, ".page-list h2 a"), ["Published"]);
    let home = site.html("/");
    assert_eq!(
        texts(&home, "nav[aria-label=Main] a:not(.search-link)"),
        ["Notes"]
    );
    site.assert_no_broken_links();
}

#[test]
fn drafts_flag_includes_drafts() {
    let site = SiteTest::fixture("build/drafts");
    site.run(&["build", "--drafts"]).assert_success();
    assert!(site.exists("public/notes/secret/index.html"));
    assert!(site.exists("public/hidden/index.html"));
    assert!(site.exists("public/hidden/inner/index.html"));
    assert_eq!(
        texts(&site.html("/notes/"), ".page-list h2 a"),
        ["Published", "Secret"]
    );
    assert_eq!(texts(&site.html("/hidden/"), ".page-list h2 a"), ["Inner"]);
    site.assert_no_broken_links();
}

#[test]
fn render_false_writes_no_page_but_keeps_the_rest() {
    let site = SiteTest::fixture("build/render-false");
    site.build_ok();
    assert!(site.exists("public/notes/visible/index.html"));
    assert!(!site.exists("public/notes/invisible"));
    // A section with `render = false` has no page of its own, but its pages render,
    // and the navigation does not link to it.
    assert!(!site.exists("public/organise/index.html"));
    assert!(site.exists("public/organise/item/index.html"));
    assert_eq!(
        texts(&site.html("/"), "nav[aria-label=Main] a:not(.search-link)"),
        ["Notes"]
    );
}

#[test]
fn render_false_leaves_no_dead_links() {
    let site = SiteTest::fixture("build/render-false");
    site.build_ok();
    site.assert_no_broken_links();
}

#[test]
fn section_redirect_to_writes_a_redirect() {
    let site = SiteTest::fixture("build/redirect-to");
    site.build_ok();
    assert_redirect(&site, "/old/", "https://example.org/new/target/");
    // A path without its trailing slash names the page's folder, as Zola reads it.
    assert_redirect(&site, "/moved/", "https://example.org/new/");
    assert_eq!(text(&site.html("/new/target/"), "h1"), "Target");
    site.assert_no_broken_links();
}

#[test]
fn transparent_section_hands_its_pages_to_the_parent() {
    let site = SiteTest::fixture("build/transparent");
    site.build_ok();
    let blog = site.html("/blog/");
    assert_eq!(texts(&blog, ".page-list h2 a"), ["March", "February", "January"]);
    assert_eq!(
        attrs(&blog, ".page-list h2 a", "href"),
        ["/blog/2024/b/", "/blog/2024/c/", "/blog/a/"]
    );
    for url in ["/blog/2024/b/", "/blog/2024/c/", "/blog/a/"] {
        assert!(output_file(&site.path("public"), url).is_file(), "{url}");
    }
    site.assert_no_broken_links();
}

#[test]
fn titles_are_escaped_everywhere() {
    let site = SiteTest::fixture("escaping/titles");
    site.build_ok();
    let title = r#"<script>alert(1)</script> & "quotes""#;
    for file in html_files(&site.path("public")) {
        let raw = site.output_text(&url_of(&file));
        assert!(
            !raw.contains("<script>alert"),
            "{file} has an unescaped title:\n{raw}"
        );
        assert!(
            !raw.contains("<b>not bold</b>"),
            "{file} has an unescaped description"
        );
        assert!(!raw.contains("<i>italic</i>"), "{file} has an unescaped term");
        assert!(!raw.contains("<Chips>"), "{file} has an unescaped site title");
    }
    let page = site.html("/notes/evil/");
    assert_eq!(text(&page, "title"), format!("{title} · Fish & <Chips>"));
    assert_eq!(text(&page, "h1"), title);
    assert_eq!(text(&page, ".lede"), "<b>not bold</b>");
    // Nothing from the title became a script.
    assert_only_theme_inline_scripts(&page);
    let json_ld = site
        .read("public/notes/evil/index.html")
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("a JSON-LD script")
        .to_owned();
    assert!(!json_ld.contains('<'), "JSON-LD with a raw <: {json_ld}");
    let data: serde_json::Value = serde_json::from_str(&json_ld).expect("JSON-LD parses");
    assert_eq!(data["headline"], title);
    assert_eq!(data["@type"], "Article");
    assert_eq!(count(&page, ".content b, header b, .chip i"), 0);
    assert_eq!(texts(&page, "a.chip"), ["<i>italic</i>"]);
    let list = site.html("/notes/");
    assert_eq!(texts(&list, ".page-list h2 a"), [title]);
    let term_url = resolve(
        "/",
        &attr(&page, "a.chip", "href").replace("https://example.org", ""),
    )
    .unwrap();
    let term = site.html(&term_url);
    assert_eq!(text(&term, "h1"), "<i>italic</i>");
    assert_eq!(texts(&term, ".term-pages a"), [title]);
    assert_eq!(texts(&site.html("/tags/"), ".term-list a"), ["<i>italic</i>"]);
    site.assert_no_broken_links();
}

#[test]
fn site_templates_override_theme_templates_by_name() {
    let site = SiteTest::fixture("themes/override");
    site.build_ok();
    let page = site.html("/notes/one/");
    assert_eq!(text(&page, "h1.custom-title"), "One");
    assert_eq!(count(&page, "article.custom-page"), 1);
    assert_eq!(count(&page, "article.analysis"), 0);
    // Templates not overridden still come from the theme, including base.html.
    assert_eq!(text(&page, ".site-title"), "Override");
    assert_eq!(texts(&site.html("/notes/"), ".page-list h2 a"), ["One"]);
    site.assert_no_broken_links();
}

#[test]
fn static_files_are_copied_and_override_the_theme() {
    let site = SiteTest::fixture("themes/static");
    site.build_ok();
    for file in ["robots.txt", "img/logo.svg", "style.css"] {
        assert_eq!(
            std::fs::read(site.path(&format!("public/{file}"))).unwrap(),
            std::fs::read(site.path(&format!("static/{file}"))).unwrap(),
            "public/{file}"
        );
    }
}

#[test]
fn builds_are_deterministic() {
    let site = SiteTest::fixture("build/determinism");
    let one = site.path("out-one");
    let two = site.path("out-two");
    site.run(&["build", "-o", one.to_str().unwrap()]).assert_success();
    site.run(&["build", "-o", two.to_str().unwrap()]).assert_success();
    let (a, b) = (snapshot(&one), snapshot(&two));
    assert!(
        a.len() > 30,
        "expected a real site, got {:?}",
        a.keys().collect::<Vec<_>>()
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two builds");
    }
    assert!(!site.exists("public"), "-o must not write public/");
}

#[test]
fn failed_build_leaves_the_previous_output_untouched() {
    let site = SiteTest::fixture("build/nested-sections");
    site.build_ok();
    let before = snapshot(&site.path("public"));
    assert!(before.contains_key("world/europe/france/index.html"));

    site.write(
        "content/world/overview.md",
        "+++\ntitle = \"Overview\"\ndate = \"2024-99-01\"\n+++\n",
    );
    let out = site.build();
    out.assert_user_error();
    out.assert_stderr_has(&["content/world/overview.md:3"]);
    assert_eq!(snapshot(&site.path("public")), before);
    assert_no_staging_left(site.root());
}

#[test]
fn failed_render_leaves_the_previous_output_untouched() {
    // This error happens while writing pages, after the output has started to be staged.
    let site = SiteTest::fixture("build/nested-sections");
    site.build_ok();
    let before = snapshot(&site.path("public"));

    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ get_page(path=\"missing.md\").title }}\n{% endblock content %}\n",
    );
    let out = site.build();
    out.assert_user_error();
    out.assert_stderr_has(&["templates/page.html"]);
    assert_eq!(snapshot(&site.path("public")), before);
    assert_no_staging_left(site.root());
}

#[test]
fn a_build_failing_after_the_exports_are_written_leaves_the_output_as_it_was() {
    // A build without the cache writes graph.json and the timeline's exports before it
    // plans the other outputs: a static file at one's path is found only then.
    let site = SiteTest::fixture("build/nested-sections");
    site.build_ok();
    let before = snapshot(&site.path("public"));
    assert!(before.contains_key("graph.json"), "{:?}", before.keys());

    site.write("static/graph.json", "{}");
    let out = site.build();
    out.assert_user_error();
    out.assert_stderr_has(&["static/graph.json", "the link graph"]);
    assert_eq!(snapshot(&site.path("public")), before);
    assert_no_staging_left(site.root());
}

#[test]
fn rebuilding_in_place_matches_a_fresh_build() {
    // Outputs are updated in place: changed files rewritten, stale ones removed.
    let site = SiteTest::fixture("build/determinism").file("static/feed", "a file where a folder will be\n");
    site.build_ok();
    assert!(site.exists("public/east/brief-4/index.html"));

    site.write(
        "content/east/brief-1.md",
        "+++\ntitle = \"East brief 1, revised\"\ndate = 2024-01-11\n+++\n\nNew text.\n",
    );
    std::fs::remove_file(site.path("content/east/brief-4.md")).unwrap();
    std::fs::remove_dir_all(site.path("content/north")).unwrap();
    std::fs::remove_file(site.path("static/feed")).unwrap();
    site.write("content/feed/_index.md", "+++\ntitle = \"Feed\"\n+++\n");
    site.write(
        "content/west/brief-5.md",
        "+++\ntitle = \"West brief 5\"\ndate = 2024-06-01\n+++\n",
    );
    site.build_ok();

    let fresh = site.path("fresh");
    site.run(&["build", "-o", fresh.to_str().unwrap()])
        .assert_success();
    let (in_place, from_scratch) = (snapshot(&site.path("public")), snapshot(&fresh));
    assert_eq!(
        in_place.keys().collect::<Vec<_>>(),
        from_scratch.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &from_scratch {
        assert!(&in_place[path] == bytes, "{path} differs from a fresh build");
    }
    assert_eq!(
        folders(&site.path("public")),
        folders(&fresh),
        "empty folders left behind"
    );
    assert_eq!(text(&site.html("/east/brief-1/"), "h1"), "East brief 1, revised");
    assert!(!site.exists("public/north"));
    assert!(site.exists("public/feed/index.html"));
    assert_no_staging_left(site.root());
}

#[test]
fn rebuilding_keeps_dot_folders_at_the_top_of_the_output() {
    let site = SiteTest::fixture("build/pretty-urls");
    site.build_ok();
    site.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    site.write("public/stray.html", "not from dossier\n");
    site.build_ok();
    assert_eq!(site.read("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert!(
        !site.exists("public/stray.html"),
        "files dossier did not make are removed"
    );
    assert!(site.exists("public/a/b/index.html"));
}

/// Zola's `preserve_dotfiles_in_output`: `true` keeps what starts with `.` at the top of
/// the output folder (dossier's default, as above); `false` removes it, as Zola does.
#[test]
fn preserve_dotfiles_in_output_false_removes_them_and_true_keeps_them() {
    let site = SiteTest::fixture("build/pretty-urls");
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        format!("{config}preserve_dotfiles_in_output = true\n"),
    );
    site.build_ok();
    let plant = || {
        site.write("public/.keep", "");
        site.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
        site.write(
            "public/.well-known/security.txt",
            "Contact: mailto:a@example.org\n",
        );
    };
    plant();
    let out = site.build_ok();
    assert!(!out.stderr.contains("preserve_dotfiles_in_output"), "{out}");
    assert_eq!(site.read("public/.keep"), "");
    assert_eq!(site.read("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert_eq!(
        site.read("public/.well-known/security.txt"),
        "Contact: mailto:a@example.org\n"
    );

    site.write(
        "config.toml",
        format!("{config}preserve_dotfiles_in_output = false\n"),
    );
    // A build that fails leaves them, as it leaves everything.
    site.write("content/broken.md", "+++\ntitle = \n+++\n");
    site.build_err();
    assert_eq!(site.read("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    std::fs::remove_file(site.path("content/broken.md")).unwrap();
    site.build_ok();
    for gone in ["public/.keep", "public/.git", "public/.well-known"] {
        assert!(!site.exists(gone), "{gone} should be removed");
    }
    // dossier's own dotfile stays: the build makes it.
    assert!(site.exists("public/.nojekyll"));
    assert!(site.exists("public/a/b/index.html"));
    assert_no_staging_left(site.root());
}

/// The inode of a file, to tell a hard link from a copy.
#[cfg(unix)]
fn inode(path: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).expect("metadata").ino()
}

/// Zola's `hard_link_static`: static files and a bundle's files are hard links to their
/// sources, and no later build writes through one into the author's file.
#[cfg(unix)]
#[test]
fn hard_link_static_links_copied_files_and_never_writes_through_them() {
    let site = SiteTest::fixture("build/bundle");
    let config = site.read("config.toml");
    site.write("config.toml", format!("{config}hard_link_static = true\n"));
    site.write("static/notes/index.html", "<p>a static page</p>\n");
    let out = site.build_ok();
    assert!(!out.stderr.contains("hard_link_static"), "{out}");
    let linked = |source: &str, output: &str| inode(&site.path(source)) == inode(&site.path(output));
    assert!(linked("static/notes/index.html", "public/notes/index.html"));
    assert!(linked(
        "content/reports/annual/data.csv",
        "public/reports/annual/data.csv"
    ));

    // An editor that saves by replacing the file: the output follows the new file.
    site.write("static/notes/new.tmp", "<p>edited</p>\n");
    std::fs::rename(
        site.path("static/notes/new.tmp"),
        site.path("static/notes/index.html"),
    )
    .unwrap();
    site.build_ok();
    assert_eq!(site.read("public/notes/index.html"), "<p>edited</p>\n");
    assert!(linked("static/notes/index.html", "public/notes/index.html"));

    // The dangerous case: the static page moves elsewhere (the same file, so still the
    // output's other name) and a section takes its address. Writing the section's page
    // through the link would overwrite the author's moved file.
    std::fs::create_dir_all(site.path("static/old")).unwrap();
    std::fs::rename(
        site.path("static/notes/index.html"),
        site.path("static/old/index.html"),
    )
    .unwrap();
    site.write("content/notes/_index.md", "+++\ntitle = \"Notes\"\n+++\n");
    site.build_ok();
    assert_eq!(site.read("static/old/index.html"), "<p>edited</p>\n");
    assert_eq!(site.read("public/old/index.html"), "<p>edited</p>\n");
    assert!(site.read("public/notes/index.html").contains("Notes"));

    // Turned off, the links become copies.
    site.write("config.toml", config);
    site.build_ok();
    assert!(!linked("static/old/index.html", "public/old/index.html"));
    assert_eq!(site.read("public/old/index.html"), "<p>edited</p>\n");
}

#[test]
fn parallel_writes_into_a_new_folder_do_not_race() {
    // Staging::stage records a folder as made *before* creating it, so a second thread
    // writing into the same new folder can find it missing. The outputs of this site are
    // sorted so that both render threads start in the same deep, new folder. Seen as
    // "cannot write reports/annual/index.html: No such file or directory" in about one
    // build in 300 of build/bundle, and in over half the builds of this site.
    let mut site = SiteTest::fixture("build/deep-bundle");
    for i in 0..64 {
        site = site.file(
            &format!("content/0/1/2/3/4/5/6/7/8/9/bundle/f{i:02}.txt"),
            format!("{i}\n"),
        );
    }
    for attempt in 0..20 {
        let out_dir = site.path(&format!("out-{attempt}"));
        let out = site.run(&["build", "-o", out_dir.to_str().unwrap()]);
        assert!(out.success(), "build {attempt} failed\n{out}");
    }
}

#[test]
fn the_benchmarks_lean_site_builds_what_hugos_layouts_show() {
    // benches/build.py's `lean` case compares dossier with Hugo's minimal layouts through
    // these templates: they must keep building, and keep showing what those layouts do.
    let site = SiteTest::empty()
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        .file(
            "content/briefs/_index.md",
            "+++\ntitle = \"Briefs\"\nsort_by = \"date\"\npaginate_by = 20\n+++\n",
        )
        .file(
            "content/briefs/one.md",
            "+++\ntitle = \"One\"\ndate = 2024-03-01\n[taxonomies]\ntags = [\"ports\"]\nregions = [\"north\"]\n+++\nFirst <b>words</b>.\n<!-- more -->\nMore.\n",
        )
        .file(
            "content/briefs/two.md",
            "+++\ntitle = \"Two\"\ndate = 2024-04-01\n[taxonomies]\ntags = [\"ports\"]\n+++\nSecond.\n",
        );
    copy_dir(
        &repo_root().join("benches/lean/templates"),
        &site.path("templates"),
    );
    std::fs::copy(
        repo_root().join("benches/lean/config.toml"),
        site.path("config.toml"),
    )
    .expect("copy config.toml");
    site.build_ok();
    let out = site.path("public");
    let page = parse_output(&out, "/briefs/one/");
    assert_eq!(text(&page, "article h1"), "One");
    assert_eq!(text(&page, "article time"), "2024-03-01");
    assert_eq!(text(&page, "article b"), "words");
    assert_eq!(
        attrs(&page, "article li a", "href"),
        ["https://example.org/tags/ports/"]
    );
    let section = parse_output(&out, "/briefs/");
    assert_eq!(texts(&section, "li > a"), ["Two", "One"]);
    let term = parse_output(&out, "/tags/ports/");
    assert_eq!(text(&term, "h1"), "ports");
    assert_eq!(attrs(&term, "li > a", "href"), ["/briefs/two/", "/briefs/one/"]);
    let terms = parse_output(&out, "/tags/");
    assert_eq!(texts(&terms, "li"), ["ports (2)"]);
    // No search index and no feeds, as Hugo's side has none.
    assert!(!out.join("search").exists());
    assert!(!out.join("atom.xml").exists());
}
