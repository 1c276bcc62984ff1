//! Multilingual sites as Zola makes them: `page.xx.md` translations, `/xx/` URLs,
//! `page.translations`, `trans`, `hreflang`, per-language lists, terms, feeds and the
//! sitemap's alternates; and each bad input as an error at its file and line.

use crate::harness::*;

fn built() -> SiteTest {
    let site = SiteTest::fixture("languages/basic");
    site.build_ok();
    site
}

#[test]
fn translations_are_under_their_language_code() {
    let site = built();
    for url in [
        "/briefs/kursk/",
        "/uk/briefs/kursk/",
        "/uk/briefs/",
        "/uk/",
        // A bundle's translation, with the bundle's files beside it.
        "/uk/briefs/grain/",
    ] {
        assert!(output_file(&site.path("public"), url).is_file(), "{url}");
    }
    assert!(site.exists("public/uk/briefs/grain/map.csv"));
    assert!(!site.exists("public/briefs/kursk.uk/index.html"));
    site.assert_no_broken_links();
}

#[test]
fn template_values_follow_the_language() {
    let site = built();
    let uk = site.html("/uk/briefs/probe/");
    assert_eq!(text(&uk, "#trans"), "Читати далі");
    assert_eq!(text(&uk, "#trans-default"), "Read more");
    assert_eq!(text(&uk, "#get-url"), "https://example.org/uk/briefs/kursk/");
    assert_eq!(text(&uk, "#get-url-plain"), "https://example.org/uk/briefs/");
    assert_eq!(text(&uk, "#get-page"), "Курська операція");
    assert_eq!(text(&uk, "#get-section"), "Огляди");
    assert_eq!(text(&uk, "#config-title"), "Досьє");
    assert_eq!(text(&uk, "#languages"), "en=Dossier;");
    assert_eq!(text(&uk, "#page-lang"), "uk");
    // Zola's shape: every language's version, itself included, the default first.
    let translations =
        "en Probe https://example.org/briefs/probe/;uk Зонд https://example.org/uk/briefs/probe/;";
    assert_eq!(text(&uk, "#translations"), translations);
    let en = site.html("/briefs/probe/");
    assert_eq!(text(&en, "#trans"), "Read more");
    assert_eq!(text(&en, "#get-section"), "Briefs");
    assert_eq!(text(&en, "#languages"), "uk=Досьє;");
    assert_eq!(text(&en, "#translations"), translations);
}

#[test]
fn the_theme_links_translations_with_hreflang_and_a_switcher() {
    let site = built();
    let uk = site.html("/uk/briefs/kursk/");
    assert_eq!(attr(&uk, "html", "lang"), "uk");
    assert_eq!(
        attrs(&uk, "link[rel=alternate][hreflang]", "hreflang"),
        ["en", "x-default", "uk"]
    );
    assert_eq!(
        attrs(&uk, "link[rel=alternate][hreflang]", "href"),
        [
            "https://example.org/briefs/kursk/",
            "https://example.org/briefs/kursk/",
            "https://example.org/uk/briefs/kursk/"
        ]
    );
    assert_eq!(attrs(&uk, ".language-switch a", "href"), ["/briefs/kursk/"]);
    assert_eq!(text(&uk, ".language-switch [aria-current]"), "UK");
    let en = site.html("/briefs/kursk/");
    assert_eq!(attr(&en, "html", "lang"), "en");
    assert_eq!(attrs(&en, ".language-switch a", "href"), ["/uk/briefs/kursk/"]);
    // A page without translations has neither.
    let alone = site.html("/briefs/only-english/");
    assert_eq!(count(&alone, ".language-switch"), 0);
    assert_eq!(count(&alone, "link[hreflang]"), 0);
}

#[test]
fn a_language_lists_and_tags_only_its_own_pages() {
    let site = built();
    let uk_links = attrs(&site.html("/uk/briefs/"), "main a", "href");
    assert!(uk_links.contains(&"/uk/briefs/kursk/".to_owned()), "{uk_links:?}");
    assert!(
        !uk_links.contains(&"/briefs/only-english/".to_owned()),
        "{uk_links:?}"
    );
    let en_links = attrs(&site.html("/briefs/"), "main a", "href");
    assert!(
        en_links.contains(&"/briefs/only-english/".to_owned()),
        "{en_links:?}"
    );
    assert!(!en_links.iter().any(|l| l.starts_with("/uk/")), "{en_links:?}");
    // Terms per language, at /uk/tags/…, only for the pages of that language.
    assert!(output_file(&site.path("public"), "/uk/tags/sanctions/").is_file());
    assert!(!output_file(&site.path("public"), "/tags/sanctions/").exists());
    assert!(!output_file(&site.path("public"), "/uk/tags/nato/").exists());
    let chips = attrs(&site.html("/uk/briefs/kursk/"), "a.chip", "href");
    assert_eq!(chips, ["https://example.org/uk/tags/sanctions/"]);
}

#[test]
fn feeds_and_the_sitemap_are_per_language() {
    let site = built();
    let uk = site.read("public/uk/atom.xml");
    assert!(uk.contains("xml:lang=\"uk\""), "{uk}");
    assert!(uk.contains("https://example.org/uk/briefs/kursk/"), "{uk}");
    // No entry of another language (its body may link to one).
    assert!(
        !uk.contains("href=\"https://example.org/briefs/only-english/\""),
        "{uk}"
    );
    assert!(!uk.contains("<id>https://example.org/briefs/kursk/</id>"), "{uk}");
    let en = site.read("public/atom.xml");
    assert!(en.contains("xml:lang=\"en\""), "{en}");
    // No Ukrainian entry: the Ukrainian versions appear only as entries' `hreflang` links.
    assert!(!en.contains("<id>https://example.org/uk/"), "{en}");
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""),
        "{sitemap}"
    );
    assert!(
        sitemap.contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"uk\" href=\"https://example.org/uk/briefs/kursk/\"/>"
        ),
        "{sitemap}"
    );
    assert!(
        sitemap.contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/briefs/kursk/\"/>"
        ),
        "{sitemap}"
    );
}

#[test]
fn a_file_in_an_undeclared_language_is_an_error_naming_the_languages() {
    let site = SiteTest::fixture("languages/basic")
        .file("content/briefs/kursk.fr.md", "+++\ntitle = \"Koursk\"\n+++\n");
    let out = site.build_err();
    out.assert_stderr_has(&["content/briefs/kursk.fr.md", "`fr`", "en (the default), uk"]);
}

#[test]
fn a_missing_translation_key_is_an_error_at_the_template() {
    let site = SiteTest::fixture("languages/basic").file(
        "templates/probe.html",
        "<p>\n{{ trans(key=\"read_mor\", lang=lang) }}</p>\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&[
        "templates/probe.html:2",
        "no translation of `read_mor`",
        "did you mean `read_more`?",
    ]);
}

#[test]
fn bad_language_settings_are_errors_at_their_key() {
    let cases: &[(&str, &[&str])] = &[
        (
            "\n[languages.en]\ntitle = \"Again\"\n",
            &[
                "config.toml:20",
                "`title` of the default language `en` is set twice",
            ],
        ),
        (
            "\n[languages.de]\ntitel = \"Dossier\"\n",
            &["config.toml:20", "unknown field `titel`", "did you mean `title`?"],
        ),
        (
            "\n[languages.en_GB]\ntitle = \"Dossier\"\n",
            &["config.toml:19", "the language code `en_GB`"],
        ),
    ];
    for (extra, needles) in cases {
        let site = SiteTest::fixture("languages/basic");
        let config = site.read("config.toml");
        site.write("config.toml", format!("{config}{extra}"));
        site.build_err().assert_stderr_has(needles);
    }
}

#[test]
fn a_taxonomy_the_language_does_not_declare_is_an_error_at_the_page() {
    let site = SiteTest::fixture("languages/basic").file(
        "content/briefs/extra.uk.md",
        "+++\ntitle = \"Ще\"\n[taxonomies]\nregions = [\"Київ\"]\n+++\n",
    );
    site.build_err().assert_stderr_has(&[
        "content/briefs/extra.uk.md:4",
        "unknown taxonomy `regions` for the language `uk`",
        "[languages.uk]",
    ]);
}

/// English, Ukrainian and Korean translations of one analysis with an event, an
/// indicator to watch and a key judgment, and an English-only analysis linking to it.
fn own_pages() -> SiteTest {
    let site = SiteTest::fixture("languages/own_pages");
    site.build_ok();
    site
}

#[test]
fn dossiers_own_pages_are_made_per_language() {
    let site = own_pages();
    for url in [
        "/timeline/",
        "/archive/",
        "/judgments/",
        "/watch/",
        "/graph/",
        "/uk/timeline/",
        "/uk/archive/",
        "/uk/archive/2024/08/",
        "/uk/judgments/",
        "/uk/watch/",
        "/uk/graph/",
        "/uk/tags/front/timeline/",
        "/ko/timeline/",
        "/ko/archive/",
        "/ko/graph/",
    ] {
        assert!(output_file(&site.path("public"), url).is_file(), "{url}");
    }
    for file in [
        "uk/timeline.json",
        "uk/timeline.ics",
        "uk/graph.json",
        "ko/timeline.json",
    ] {
        assert!(site.exists(&format!("public/{file}")), "{file}");
    }
    // The Korean analysis has no judgments and nothing to watch: no pages for them.
    assert!(!site.exists("public/ko/judgments/index.html"));
    assert!(!site.exists("public/ko/watch/index.html"));
    // Nor a Ukrainian archive month without Ukrainian analyses.
    assert!(!site.exists("public/uk/archive/2024/06/index.html"));
    site.assert_no_broken_links();
}

#[test]
fn a_languages_own_pages_hold_its_analyses_and_link_within_it() {
    let site = own_pages();
    let uk = site.output_text("/uk/timeline/");
    assert!(uk.contains("Війська перетинають кордон"), "{uk}");
    assert!(!uk.contains("Troops cross the border"));
    let en = site.output_text("/timeline/");
    assert!(en.contains("Troops cross the border"));
    assert!(!en.contains("Війська") && !en.contains("병력"));
    let ko = site.output_text("/ko/timeline/");
    assert!(ko.contains("병력이 국경을 넘다") && !ko.contains("Troops"));

    // Every link on a Ukrainian page of dossier's own stays in Ukrainian, except the
    // theme's files and the language switcher's.
    for url in [
        "/uk/timeline/",
        "/uk/archive/",
        "/uk/judgments/",
        "/uk/watch/",
        "/uk/graph/",
    ] {
        let html = site.html(url);
        for href in attrs(
            &html,
            "main a[href], footer a[href], nav a[href]:not([hreflang])",
            "href",
        ) {
            assert!(
                href.starts_with("/uk/")
                    || href.starts_with('#')
                    || href.starts_with("https://example.org/uk/"),
                "{url} links to {href}"
            );
        }
        assert_eq!(attr(&html, "html", "lang"), "uk", "{url}");
    }
    let archive = site.output_text("/uk/archive/");
    assert!(archive.contains("2024"));
    assert!(
        !site
            .output_text("/uk/archive/2024/")
            .contains("The grain corridor")
    );
    assert!(site.output_text("/archive/2024/").contains("The grain corridor"));
    assert!(!site.output_text("/archive/2024/").contains("Курська"));
    assert!(
        site.output_text("/uk/judgments/")
            .contains("Операція змінила перемовини")
    );
    assert!(!site.output_text("/judgments/").contains("Операція"));
    assert!(
        site.output_text("/uk/watch/")
            .contains("Починається другий наступ")
    );
    assert!(!site.output_text("/watch/").contains("Починається"));

    let json = site.read("public/uk/timeline.json");
    assert!(json.contains("Війська перетинають кордон") && !json.contains("Troops"));
    assert!(
        json.contains("https://example.org/uk/timeline/#e-crossing"),
        "{json}"
    );
    let ics = site.read("public/uk/timeline.ics");
    assert!(ics.contains("Війська") && !ics.contains("Troops"));
    let graph = site.read("public/uk/graph.json");
    assert!(graph.contains("Курська операція") && !graph.contains("The grain corridor"));
    assert!(site.read("public/graph.json").contains("The grain corridor"));
    assert!(!site.read("public/graph.json").contains("Курська"));
}

#[test]
fn a_translation_is_not_a_connected_or_related_analysis() {
    let site = own_pages();
    // The Ukrainian translation links to the English original; the grain brief links to it too.
    let en = site.html("/briefs/kursk/");
    let connected = texts(&en, "section.connected a").join(" | ");
    assert!(connected.contains("The grain corridor"), "{connected}");
    assert!(
        !connected.contains("Курська") && !connected.contains("쿠르스크"),
        "{connected}"
    );
    let uk = site.html("/uk/briefs/kursk/");
    assert_eq!(
        count(&uk, "section.connected"),
        0,
        "{}",
        texts(&uk, "section.connected a").join(" | ")
    );
    // The English event's citers are English analyses only.
    let timeline = site.output_text("/timeline/");
    assert!(!timeline.contains("Курська"));
}

/// The terms of `word`'s shard in a language's search index (`prefix` `""` or `"uk/"`),
/// found as `search.js` finds them.
fn search_terms(site: &SiteTest, prefix: &str, word: &str) -> Vec<String> {
    let index: serde_json::Value =
        serde_json::from_str(&site.read(&format!("public/{prefix}search/index.json"))).expect("index.json");
    let shards = index["shards"].as_u64().expect("shards") as u32;
    let first_two: String = word.chars().take(2).collect();
    let hash = first_two.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let shard: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&site.read(&format!("public/{prefix}search/terms/{}.json", hash % shards)))
            .expect("shard");
    shard.keys().filter(|t| t.starts_with(word)).cloned().collect()
}

#[test]
fn each_language_has_its_own_search_index_that_tokenises_its_script() {
    let site = own_pages();
    for prefix in ["", "uk/", "ko/"] {
        assert!(
            site.exists(&format!("public/{prefix}search/index.json")),
            "{prefix}"
        );
    }
    // Cyrillic: lower-cased as a whole word, in the Ukrainian index only.
    assert!(search_terms(&site, "uk/", "курська").contains(&"курська".to_owned()));
    assert!(search_terms(&site, "uk/", "перемовини").contains(&"перемовини".to_owned()));
    assert!(search_terms(&site, "", "перемовини").is_empty());
    assert!(search_terms(&site, "ko/", "перемовини").is_empty());
    // Korean: the particle stays on the word (북한군이), and the syllable pairs let a
    // search for the noun (북한군 → 북한, 한군) find it; in the Korean index only.
    assert!(search_terms(&site, "ko/", "북한군이").contains(&"북한군이".to_owned()));
    assert!(search_terms(&site, "ko/", "북한").contains(&"북한".to_owned()));
    assert!(search_terms(&site, "ko/", "한군").contains(&"한군".to_owned()));
    assert!(search_terms(&site, "uk/", "북한").is_empty());
    assert!(search_terms(&site, "", "북한").is_empty());
    // English stays in English.
    assert!(search_terms(&site, "", "ceasefire").contains(&"ceasefire".to_owned()));
    assert!(search_terms(&site, "uk/", "ceasefire").is_empty());
    // The search box of a Ukrainian page asks the Ukrainian index.
    let uk = site.html("/uk/briefs/kursk/");
    assert_eq!(attr(&uk, "a.search-link", "data-index"), "/uk/search/");
    let index: serde_json::Value =
        serde_json::from_str(&site.read("public/uk/search/index.json")).expect("index.json");
    assert_eq!(index["docs"], 1);
    assert_eq!(index["sections"], serde_json::json!(["Огляди"]));
}

#[test]
fn feeds_and_the_sitemap_name_the_other_languages_versions() {
    let site = built();
    // An Atom entry links its translations, each with its language.
    let feed = site.read("public/uk/atom.xml");
    assert!(
        feed.contains(
            r#"<link rel="alternate" type="text/html" hreflang="en" href="https://example.org/briefs/kursk/"/>"#
        ),
        "{feed}"
    );
    // An analysis without a translation has no such link.
    let en = site.read("public/atom.xml");
    let start = en.find("<title>Only in English</title>").expect("the entry");
    let entry = &en[start..start + en[start..].find("</entry>").expect("</entry>")];
    assert!(!entry.contains("hreflang"), "{entry}");

    // dossier's own pages made in several languages are each other's alternates.
    let site = own_pages();
    let sitemap = site.read("public/sitemap.xml");
    let entry = |loc: &str| {
        let start = sitemap
            .find(&format!("<loc>{loc}</loc>"))
            .unwrap_or_else(|| panic!("{loc} is not in {sitemap}"));
        let end = start + sitemap[start..].find("</url>").expect("</url>");
        sitemap[start..end].to_owned()
    };
    let timeline = entry("https://example.org/uk/timeline/");
    for (lang, href) in [
        ("en", "https://example.org/timeline/"),
        ("uk", "https://example.org/uk/timeline/"),
        ("ko", "https://example.org/ko/timeline/"),
        ("x-default", "https://example.org/timeline/"),
    ] {
        assert!(
            timeline.contains(&format!(r#"hreflang="{lang}" href="{href}""#)),
            "{timeline}"
        );
    }
    // The judgments are in English and Ukrainian only.
    let judgments = entry("https://example.org/judgments/");
    assert!(judgments.contains(r#"hreflang="uk""#) && !judgments.contains(r#"hreflang="ko""#));
}

#[test]
fn the_themes_words_are_translations_with_english_built_in() {
    let site = with_uk_translations(
        "dossier_skip_to_content = \"Перейти до змісту\"\ndossier_timeline = \"Хронологія\"\n",
    );
    site.build_ok();
    let uk = site.html("/uk/briefs/kursk/");
    assert_eq!(text(&uk, "a.skip-link"), "Перейти до змісту");
    assert_eq!(text(&uk, "nav a[href='/uk/timeline/']"), "Хронологія");
    // A word the site leaves untranslated is the built-in English one.
    assert_eq!(text(&uk, "a.search-link"), "Search");
    let en = site.html("/briefs/kursk/");
    assert_eq!(text(&en, "a.skip-link"), "Skip to content");
    assert_eq!(text(&en, "nav a[href='/timeline/']"), "Timeline");
}

/// A site's words are text, never markup, wherever the theme shows them (as `words.KEY`
/// or through `trans`): in an element's text, in an attribute, in the event partial.
#[test]
fn a_translation_holding_markup_is_shown_as_text() {
    let site = with_uk_translations(
        "dossier_skip_to_content = \"<b>Skip</b> & go\"\ndossier_main_navigation = \"Nav\\\" onclick=\\\"x()\"\ndossier_analysis = \"<i>A</i>\"\n",
    );
    site.build_ok();
    let raw = site.output_text("/uk/briefs/kursk/");
    assert!(
        !raw.contains("<b>Skip</b>") && !raw.contains("\" onclick"),
        "{raw}"
    );
    let uk = site.html("/uk/briefs/kursk/");
    assert_eq!(text(&uk, "a.skip-link"), "<b>Skip</b> & go");
    let nav = scraper::Selector::parse("header nav").expect("selector");
    let label = uk.select(&nav).next().and_then(|n| n.value().attr("aria-label"));
    assert_eq!(label, Some("Nav\" onclick=\"x()"));
    let timeline = site.output_text("/uk/timeline/");
    assert!(
        !timeline.contains("<i>A</i>") && timeline.contains("&lt;i&gt;A&lt;/i&gt;"),
        "{timeline}"
    );
}

#[test]
fn each_languages_home_page_leads_with_its_own_analyses() {
    let site = own_pages();
    let uk = site.output_text("/uk/");
    assert!(uk.contains("Курська операція"), "{uk}");
    assert!(
        !uk.contains("The Kursk incursion") && !uk.contains("A second offensive"),
        "{uk}"
    );
    let en = site.output_text("/");
    assert!(en.contains("The Kursk incursion"));
    assert!(!en.contains("Курська") && !en.contains("Починається"), "{en}");
}

/// The visible text of a page, scripts and the analysis's own text left out: what the
/// theme and dossier's own pages write.
fn theme_text(html: &scraper::Html) -> String {
    let skip = scraper::Selector::parse("script, .content, .content *").expect("selector");
    let skipped: std::collections::HashSet<_> = html.select(&skip).map(|e| e.id()).collect();
    let mut out = String::new();
    for node in html.root_element().descendants() {
        let Some(t) = node.value().as_text() else { continue };
        if node.ancestors().any(|a| skipped.contains(&a.id())) {
            continue;
        }
        out.push_str(t);
        out.push(' ');
    }
    out
}

#[test]
fn the_example_speaks_ukrainian_on_its_ukrainian_pages() {
    let site = example_site();
    let out = site.path().join("public");
    let front = parse_output(&out, "/uk/");
    assert_eq!(text(&front, ".lead .kicker"), "Головний матеріал");
    // A day and its month: the genitive, as glibc's uk_UA writes it after a number.
    assert_eq!(text(&front, ".lead .meta time"), "29 жовтня 2024");
    assert!(text(&front, ".lead .meta").contains("1 хв читання"));
    assert!(text(&front, ".read-on").starts_with("Читати аналіз"));

    let page = parse_output(&out, "/uk/security/kursk-deployment/");
    assert_eq!(
        texts(&page, ".analysis header .meta time"),
        ["29 жовтня 2024", "18 листопада 2024"]
    );
    assert!(text(&page, ".analysis header .meta .updated").starts_with("· оновлено"));
    assert_eq!(text(&page, ".cite-this summary"), "Як цитувати цей матеріал");
    assert!(text(&page, ".citation-text").contains("29 жовтня 2024"));
    assert_eq!(text(&page, ".terms dt"), "Теги");
    assert!(text(&page, ".authors").starts_with("Автор: "));

    let timeline = parse_output(&out, "/uk/timeline/");
    // The event partial speaks its event's language, where the globals are the default
    // language's (its `words` as its `lang`).
    assert!(texts(&timeline, ".event-date .visually-hidden").contains(&"Період:".to_owned()));
    assert!(
        texts(&timeline, ".event-meta")
            .iter()
            .any(|m| m.starts_with("Аналіз"))
    );
    let term = parse_output(&out, "/uk/tags/nato/");
    assert!(
        texts(&term, ".event-meta")
            .iter()
            .any(|m| m.starts_with("Аналіз"))
    );
    // A month standing alone: the nominative, with a capital as a heading starts.
    assert!(texts(&timeline, ".month h3").contains(&"Жовтень 2024".to_owned()));
    assert!(texts(&timeline, ".month-table th[scope=row]").contains(&"Жовтень 2024".to_owned()));
    assert_eq!(texts(&timeline, ".month-table thead th"), ["Місяць", "Події"]);
    assert_eq!(
        text(&timeline, ".strip-hint"),
        "Діаграму можна прокручувати вбік."
    );
    assert!(text(&timeline, ".exports").starts_with("Також у форматі JSON"));
    assert!(text(&timeline, ".section-header .lede").contains("Дати, вказані лише"));
    let dates = texts(&timeline, ".event-date time");
    assert!(dates.iter().any(|d| d.ends_with("жовтня 2024")), "{dates:?}");
    assert!(text(&timeline, "#strip-title").starts_with("Події за"));

    let month = parse_output(&out, "/uk/archive/2024/10/");
    assert_eq!(text(&month, "h1"), "Жовтень 2024");
    let archive = parse_output(&out, "/uk/archive/");
    assert_eq!(text(&archive, ".archive-months a"), "Жовтень");
    assert_eq!(text(&archive, ".archive-years h2 .count"), "1 аналіз");

    // No word of the theme's English is left on a Ukrainian page.
    let english = [
        "Lead analysis",
        "Read the analysis",
        "min read",
        "updated",
        "By ",
        "Cite this",
        "Tags",
        "Events",
        "Month",
        "Era:",
        "Also as",
        "JSON (",
        "calendar",
        "scrolls sideways",
        "as a table",
        "approximate",
        "analysis",
        "analyses",
        "October",
        " Oct ",
        "November",
        "Recorded in",
        "cited by",
        "Key judgments",
        "What to watch",
        "Sources",
        "Timeline:",
        "Upcoming",
        "Link graph",
        "links",
        "Section",
        "Skip to content",
    ];
    for url in [
        "/uk/",
        "/uk/security/kursk-deployment/",
        "/uk/timeline/",
        "/uk/archive/",
        "/uk/archive/2024/10/",
        "/uk/graph/",
        "/uk/tags/",
        "/uk/tags/nato/",
        "/uk/tags/nato/timeline/",
        "/uk/security/",
    ] {
        let shown = theme_text(&parse_output(&out, url));
        for word in english {
            assert!(!shown.contains(word), "{url} shows `{word}`:\n{shown}");
        }
    }
}

/// The search and preview scripts hold their English; a page gives them its words only
/// where they differ from it, so an English page carries none.
#[test]
fn the_scripts_are_given_the_pages_words_only_where_they_are_not_english() {
    let site = example_site();
    let out = site.path().join("public");
    let en = parse_output(&out, "/security/kursk-deployment/");
    assert!(attrs(&en, "body[data-words]", "data-words").is_empty());
    let uk = parse_output(&out, "/uk/");
    let words: serde_json::Value =
        serde_json::from_str(&attr(&uk, "body", "data-words")).expect("JSON in data-words");
    assert_eq!(words["placeholder"], "Слова або їхні початки");
    assert_eq!(words["source"], "Джерело");
    assert_eq!(words["results"]["lang"], "uk");
    assert_eq!(words["results"]["few"], "{count} результати");
}

#[test]
fn the_english_pages_keep_their_words_and_dates() {
    let site = example_site();
    let out = site.path().join("public");
    let front = parse_output(&out, "/");
    assert_eq!(text(&front, ".lead .kicker"), "Lead analysis");
    assert_eq!(text(&front, ".lead .meta time"), "29 Oct 2024");
    let page = parse_output(&out, "/security/kursk-deployment/");
    assert_eq!(
        texts(&page, ".analysis header .meta time"),
        ["29 October 2024", "18 November 2024"]
    );
    assert_eq!(text(&page, ".cite-this summary"), "Cite this analysis");
    let timeline = parse_output(&out, "/timeline/");
    assert!(texts(&timeline, ".month h3").contains(&"October 2024".to_owned()));
    assert!(
        texts(&timeline, ".event-date time")
            .iter()
            .any(|d| d.ends_with("Oct 2024"))
    );
    assert_eq!(
        text(&parse_output(&out, "/archive/2024/10/"), "h1"),
        "October 2024"
    );
}

#[test]
fn an_untranslated_word_falls_back_to_english_and_dates_still_follow_the_language() {
    let site = SiteTest::fixture("languages/basic");
    site.build_ok();
    let uk = site.html("/uk/briefs/kursk/");
    // No Ukrainian for the theme's words: its English.
    assert_eq!(text(&uk, ".skip-link"), "Skip to content");
    assert_eq!(text(&uk, ".cite-this summary"), "Cite this analysis");
    // The month names come from the language all the same: `uk` finds glibc's uk_UA.
    assert_eq!(text(&uk, ".analysis header .meta time"), "10 серпня 2024");
    let en = site.html("/briefs/kursk/");
    assert_eq!(text(&en, ".analysis header .meta time"), "10 August 2024");

    // A site that rewords a theme word in English rewords it where it has no translation;
    // a language's own word and its date settings win.
    let config = site.read("config.toml").replace(
        "[translations]\n",
        "[translations]\ndossier_cite_this_analysis = \"How to cite\"\n",
    );
    let config = config.replace(
        "[languages.uk.translations]\n",
        "[languages.uk.translations]\ndossier_skip_to_content = \"Перейти до змісту\"\ndossier_date_format = \"%d.%m.%Y\"\n",
    );
    site.write("config.toml", config);
    site.build_ok();
    let uk = site.html("/uk/briefs/kursk/");
    assert_eq!(text(&uk, ".cite-this summary"), "How to cite");
    assert_eq!(text(&uk, ".skip-link"), "Перейти до змісту");
    assert_eq!(text(&uk, ".analysis header .meta time"), "10.08.2024");
    let en = site.html("/briefs/kursk/");
    assert_eq!(text(&en, ".skip-link"), "Skip to content");
    assert_eq!(text(&en, ".analysis header .meta time"), "10 August 2024");
}

#[test]
fn counts_take_the_plural_form_of_the_language() {
    let site = SiteTest::fixture("languages/basic");
    let config = site.read("config.toml").replace(
        "[languages.uk.translations]\n",
        "[languages.uk.translations]\ndossier_n_analyses_one = \"{count} аналіз\"\ndossier_n_analyses_few = \"{count} аналізи\"\ndossier_n_analyses_many = \"{count} аналізів\"\ndossier_n_analyses_other = \"{count} аналізу\"\n",
    );
    site.write("config.toml", config);
    site.build_ok();
    let counts = texts(&site.html("/uk/tags/"), ".term-list .count");
    assert!(!counts.is_empty());
    for c in &counts {
        let n: usize = c.split(' ').next().unwrap().parse().unwrap();
        let want = match n % 10 {
            1 if n % 100 != 11 => "аналіз",
            2..=4 if !(12..=14).contains(&(n % 100)) => "аналізи",
            _ => "аналізів",
        };
        assert_eq!(c, &format!("{n} {want}"));
    }
    let en = texts(&site.html("/tags/"), ".term-list .count");
    assert!(
        en.iter()
            .all(|c| c.ends_with(" analysis") || c.ends_with(" analyses")),
        "{en:?}"
    );
}

#[test]
fn a_bad_date_locale_or_format_is_an_error_naming_its_key() {
    let site = SiteTest::fixture("languages/basic");
    let config = site.read("config.toml").replace(
        "[languages.uk.translations]\n",
        "[languages.uk.translations]\ndossier_date_locale = \"uk_XX\"\n",
    );
    site.write("config.toml", config);
    site.build_err().assert_stderr_has(&[
        "`dossier_date_locale` in [languages.uk.translations]",
        "unknown locale `uk_XX`",
        "`uk_UA`",
    ]);
}

#[test]
fn the_labels_the_markdown_pass_writes_are_in_the_pages_language() {
    let body = "+++\ntitle = \"Мітки\"\n+++\n## Що відомо\n\nТекст.[^1]\n\n> [!NOTE]\n> Увага.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: Примітка.\n";
    let site = SiteTest::fixture("languages/basic")
        .file("content/briefs/labels.uk.md", body)
        .file("content/briefs/labels.md", body.replace("Мітки", "Labels"));
    let config = site.read("config.toml").replace(
        "[languages.uk.translations]\n",
        "[languages.uk.translations]\ndossier_link_to_section = \"Посилання на цей розділ: {title}\"\ndossier_callout_note = \"Зауваження\"\ndossier_footnotes = \"Примітки\"\n",
    );
    site.write("config.toml", config);
    site.build_ok();
    let uk = site.html("/uk/briefs/labels/");
    assert_eq!(
        attr(&uk, ".content h2 .heading-anchor", "aria-label"),
        "Посилання на цей розділ: Що відомо"
    );
    assert_eq!(text(&uk, ".callout-title"), "Зауваження");
    assert_eq!(attr(&uk, ".footnotes", "aria-label"), "Примітки");
    // Untranslated: the English.
    assert_eq!(attr(&uk, ".table-wrap", "aria-label"), "Table");
    let en = site.html("/briefs/labels/");
    assert_eq!(
        attr(&en, ".content h2 .heading-anchor", "aria-label"),
        "Link to this section: Що відомо"
    );
    assert_eq!(text(&en, ".callout-title"), "Note");
    assert_eq!(attr(&en, ".footnotes", "aria-label"), "Footnotes");
}

#[test]
fn archive_path_is_none_where_the_languages_content_takes_the_archive() {
    // The default language's content takes /archive/, so dossier makes no archive there;
    // the Ukrainian one keeps its own. A site's own template that links `archive_path`
    // without asking `has_archive` links only archives that exist.
    let site = SiteTest::fixture("languages/basic")
        .file("content/archive.md", "+++\ntitle = \"Our archive\"\n+++\n")
        .file(
            "templates/page.html",
            "<p id=\"month\">{% if page.archive_path %}<a href=\"{{ page.archive_path }}\">month</a>{% else %}none{% endif %}</p>",
        );
    site.build_ok();
    assert_eq!(text(&site.html("/briefs/kursk/"), "#month"), "none");
    let uk = site.html("/uk/briefs/kursk/");
    assert_eq!(attrs(&uk, "#month a", "href"), ["/uk/archive/2024/08/"]);
    assert!(site.exists("public/uk/archive/2024/08/index.html"));
    assert!(!site.exists("public/archive/2024/08/index.html"));
    site.assert_no_broken_links();
}

/// The `languages/own_pages` fixture with `translations`, TOML lines, as the Ukrainian
/// site's `[languages.uk.translations]`.
fn with_uk_translations(translations: &str) -> SiteTest {
    let config = std::fs::read_to_string(repo_root().join("tests/fixtures/languages/own_pages/config.toml"))
        .expect("config");
    SiteTest::fixture("languages/own_pages").file(
        "config.toml",
        format!("{config}\n[languages.uk.translations]\n{translations}"),
    )
}
