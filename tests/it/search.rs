//! The search index under `search/` (read back and queried here as `search.js` would) and
//! the search dialog in headless Chromium.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::browser::{Chromium, serve};
use crate::harness::{SiteTest, example_site};

fn site() -> SiteTest {
    SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/repo/\"\ntitle = \"T\"\ntaxonomies = [{ name = \"tags\" }, { name = \"regions\" }]\n",
        )
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        .file("content/security/_index.md", "+++\ntitle = \"Security\"\n+++\n")
        .file("content/economy/_index.md", "+++\ntitle = \"Economy\"\n+++\n")
        .file(
            "content/security/troops.md",
            "+++\ntitle = \"Troops in Kursk\"\ndate = 2024-11-04\n[taxonomies]\ntags = [\"deployment\"]\n+++\n\
             North Korean troops arrived in the Kursk region.\n\n## Training\n\nThey trained with artillery.\n",
        )
        .file(
            "content/security/artillery.md",
            "+++\ntitle = \"Artillery shells\"\ndate = 2024-10-01\n[taxonomies]\ntags = [\"munitions\"]\n+++\n\
             Shells and artillery systems crossed the border; troop numbers were unclear.\n",
        )
        .file(
            "content/economy/sanctions.md",
            "+++\ntitle = \"Sanctions\"\ndate = 2024-09-01\ndescription = \"Enforcement erodes\"\n[taxonomies]\ntags = [\"deployment\", \"sanctions\"]\n+++\n\
             Sanctions enforcement weakened as payments for troops flowed.\n",
        )
        .file(
            "content/economy/hidden.md",
            "+++\ntitle = \"Hidden\"\nin_search_index = false\n+++\nTroops everywhere.\n",
        )
}

fn json(site: &SiteTest, rel: &str) -> Value {
    serde_json::from_str(&site.read(&format!("public/{rel}"))).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn undelta(list: &[Value]) -> Vec<u64> {
    let mut at = 0;
    list.iter()
        .map(|d| {
            at += d.as_u64().expect("a number");
            at
        })
        .collect()
}

/// Postings of `term` as document id → weight, from the shard that has it.
fn postings(site: &SiteTest, term: &str) -> BTreeMap<u64, u64> {
    let shards = json(site, "search/index.json")["shards"]
        .as_u64()
        .expect("shards");
    let found: Vec<Value> = (0..shards)
        .filter_map(|n| json(site, &format!("search/terms/{n}.json")).get(term).cloned())
        .collect();
    assert!(found.len() <= 1, "{term} is in {} shards", found.len());
    let Some(flat) = found.first().and_then(Value::as_array).cloned() else {
        return BTreeMap::new();
    };
    let mut at = 0;
    flat.chunks(2)
        .map(|pair| {
            at += pair[0].as_u64().expect("id");
            (at, pair[1].as_u64().expect("weight"))
        })
        .collect()
}

/// Titles of the documents in `ids`.
fn titles(site: &SiteTest, ids: impl IntoIterator<Item = u64>) -> BTreeSet<String> {
    ids.into_iter()
        .map(|id| {
            json(site, &format!("search/docs/{id}.json"))["t"]
                .as_str()
                .expect("title")
                .to_owned()
        })
        .collect()
}

#[test]
fn the_index_maps_words_to_the_analyses_that_use_them() {
    let site = site();
    site.build_ok();
    let index = json(&site, "search/index.json");
    assert_eq!(
        index["docs"], 3,
        "the page with in_search_index = false is left out"
    );
    assert_eq!(index["sections"], serde_json::json!(["Economy", "Security"]));
    assert_eq!(index["tags"]["name"], "tags");
    assert_eq!(
        index["tags"]["terms"],
        serde_json::json!(["deployment", "munitions", "sanctions"])
    );
    // A small site has one shard of terms; every term is in exactly one.
    assert_eq!(index["shards"], 1);
    assert!(site.exists("public/search/terms/0.json"));
    assert!(!site.exists("public/search/terms/1.json"));

    let troops = postings(&site, "troops");
    assert_eq!(
        titles(&site, troops.keys().copied()),
        BTreeSet::from(["Troops in Kursk".to_owned(), "Sanctions".to_owned()])
    );
    // "troop" alone is its own term; the title counts more than the body.
    assert_eq!(
        titles(&site, postings(&site, "troop").into_keys()),
        BTreeSet::from(["Artillery shells".to_owned()])
    );
    let artillery = postings(&site, "artillery");
    let by_title: BTreeMap<String, u64> = artillery
        .iter()
        .map(|(id, w)| (titles(&site, [*id]).into_iter().next().unwrap(), *w))
        .collect();
    assert!(
        by_title["Artillery shells"] > by_title["Troops in Kursk"],
        "{by_title:?}"
    );
    // Headings are searchable; one-letter words and the hidden page are not.
    assert_eq!(
        titles(&site, postings(&site, "training").into_keys()),
        BTreeSet::from(["Troops in Kursk".to_owned()])
    );
    let everywhere = postings(&site, "everywhere");
    assert!(everywhere.is_empty(), "{everywhere:?}");
}

#[test]
fn a_result_document_has_what_the_result_shows() {
    let site = site();
    site.build_ok();
    let id = *postings(&site, "kursk").keys().next().expect("kursk is indexed");
    let doc = json(&site, &format!("search/docs/{id}.json"));
    assert_eq!(doc["t"], "Troops in Kursk");
    assert_eq!(doc["u"], "/repo/security/troops/", "URLs carry the base path");
    assert_eq!(doc["d"], "2024-11-04");
    assert_eq!(doc["s"], "Security");
    assert_eq!(doc["g"], serde_json::json!(["deployment"]));
    assert_eq!(
        doc["x"],
        "North Korean troops arrived in the Kursk region. Training They trained with artillery."
    );
}

#[test]
fn filters_list_each_sections_and_tags_documents() {
    let site = site();
    site.build_ok();
    let index = json(&site, "search/index.json");
    let filters = json(&site, "search/filters.json");
    let sections: Vec<&str> = index["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let economy = sections.iter().position(|s| *s == "Economy").unwrap();
    let ids = undelta(filters["sections"][economy].as_array().unwrap());
    assert_eq!(titles(&site, ids), BTreeSet::from(["Sanctions".to_owned()]));
    let tags: Vec<&str> = index["tags"]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let deployment = tags.iter().position(|t| *t == "deployment").unwrap();
    let ids = undelta(filters["tags"][deployment].as_array().unwrap());
    assert_eq!(
        titles(&site, ids),
        BTreeSet::from(["Troops in Kursk".to_owned(), "Sanctions".to_owned()])
    );
}

#[test]
fn without_javascript_the_search_link_leads_to_the_tag_index() {
    let site = site();
    site.build_ok();
    let html = site.html("/security/troops/");
    let link = html
        .select(&scraper::Selector::parse("header nav a.search-link").unwrap())
        .next()
        .expect("a search link in the header");
    assert_eq!(link.value().attr("href"), Some("/repo/tags/"));
    assert_eq!(link.value().attr("data-index"), Some("/repo/search/"));
    assert_eq!(link.text().collect::<String>(), "Search");
    let script = scraper::Selector::parse("script[src='/repo/search.js']").unwrap();
    assert!(html.select(&script).next().is_some());
    assert!(site.exists("public/search.js"));
}

#[test]
fn build_search_index_false_leaves_search_out() {
    let site = site();
    let config = site.read("config.toml");
    site.write("config.toml", format!("{config}build_search_index = false\n"));
    site.build_ok();
    assert!(!site.exists("public/search"));
    let html = site.html("/security/troops/");
    assert!(
        html.select(&scraper::Selector::parse(".search-link").unwrap())
            .next()
            .is_none()
    );
    assert!(
        html.select(&scraper::Selector::parse("script[src$='search.js']").unwrap())
            .next()
            .is_none()
    );
}

#[test]
fn a_site_without_tags_falls_back_to_another_list() {
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
        )
        .file(
            "content/a.md",
            "+++\ntitle = \"A\"\ndate = 2024-01-02\n+++\nWords here.\n",
        );
    site.build_ok();
    let html = site.html("/a/");
    let link = html
        .select(&scraper::Selector::parse("a.search-link").unwrap())
        .next()
        .expect("search link");
    assert_eq!(link.value().attr("href"), Some("/archive/"));
}

#[test]
fn the_index_is_the_same_every_build() {
    let site = site();
    site.build_ok();
    let first: Vec<(String, String)> = ["search/index.json", "search/filters.json", "search/terms/0.json"]
        .iter()
        .map(|p| (p.to_string(), site.read(&format!("public/{p}"))))
        .collect();
    std::fs::remove_dir_all(site.path("public")).unwrap();
    site.build_ok();
    for (p, text) in first {
        assert_eq!(site.read(&format!("public/{p}")), text, "{p}");
    }
}

#[test]
#[ignore = "needs Chromium (headless) and axe-core; run by .ci/run"]
fn the_search_dialog_finds_marks_and_filters() {
    let site = example_site();
    let base = serve(&site.path().join("public"));
    let mut browser = Chromium::launch(1280, 900);
    browser.open(&format!("{base}/security/kursk-deployment/"));
    // With scripts, the link became a button that opens the dialog; "/" opens it too.
    assert_eq!(
        browser.eval("document.querySelector('.search-link') === null"),
        true
    );
    assert_eq!(
        browser.eval("document.querySelector('header button.search-toggle').textContent"),
        "Search"
    );
    browser.press("/");
    browser.wait_for("document.querySelector('dialog.search-dialog[open]')", 5);
    assert_eq!(browser.eval("document.activeElement.id"), "search-q");

    browser.call("Input.insertText", serde_json::json!({ "text": "kursk" }));
    browser.wait_for(
        "/result/.test(document.querySelector('.search-status').textContent)",
        5,
    );
    let count = browser.eval("document.querySelectorAll('.search-results li').length");
    assert!(count.as_u64().unwrap() >= 3, "{count}");
    // Every result shows its title as a link, a date and an excerpt with the match marked.
    let checked = browser.eval(
        "[...document.querySelectorAll('.search-results li')].every(li =>
            li.querySelector('h3 a[href^=\"/\"]') && li.querySelector('time[datetime]') &&
            [...li.querySelectorAll('.search-excerpt mark')].some(m => /^kursk/i.test(m.textContent)))",
    );
    assert_eq!(checked, true);
    // Dates read as the site's lists write them ("20 Nov 2024"), not in the browser's
    // locale order ("November 20, 2024").
    let dates =
        browser.eval("[...document.querySelectorAll('.search-results time')].map(t => t.textContent)");
    let dates = dates.as_array().expect("a list of dates");
    assert!(!dates.is_empty());
    for date in dates {
        let date = date.as_str().unwrap();
        let parts: Vec<&str> = date.split(' ').collect();
        assert!(
            parts.len() == 3
                && parts[0].parse::<u8>().is_ok()
                && parts[1].len() == 3
                && parts[2].parse::<u16>().is_ok(),
            "a result's date reads {date:?}, not like \"20 Nov 2024\""
        );
    }
    // The open dialog with its results passes axe-core too.
    let axe = crate::accessibility::axe_script();
    let found = crate::accessibility::violations(&mut browser, &axe);
    assert!(
        found.is_empty(),
        "axe-core with the search dialog open:\n{}",
        found.join("\n")
    );

    // A section filter keeps that section's analyses only.
    let economy = browser.eval(
        "(() => { const s = document.getElementById('search-section');
            const o = [...s.options].find(o => o.textContent === 'Economy'); s.value = o.value;
            s.dispatchEvent(new Event('change')); return o.value; })()",
    );
    assert!(economy.is_string());
    browser.wait_for(
        "[...document.querySelectorAll('.search-results .search-meta')].length > 0 &&
         [...document.querySelectorAll('.search-results .search-meta')].every(m => m.textContent.includes('Economy'))",
        5,
    );

    // A word's beginning finds the whole word; words must all match.
    let prefix = browser.eval("dossierSearch('deploy').then(r => r.total)");
    let whole = browser.eval("dossierSearch('deployment').then(r => r.total)");
    assert!(
        prefix.as_u64() >= whole.as_u64() && whole.as_u64() > Some(0),
        "{prefix} {whole}"
    );
    assert_eq!(
        browser.eval("dossierSearch('kursk zzzzqqq').then(r => r.total)"),
        0
    );

    browser.press("Escape");
    browser.wait_for("!document.querySelector('dialog.search-dialog').open", 2);
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn the_browser_finds_each_word_in_the_shard_the_build_put_it() {
    // 150 pages make three shards; each page has a word of its own (some not ASCII), so a
    // word found only if search.js picks the same shard as the build.
    let mut site = SiteTest::empty().file(
        "config.toml",
        "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
    );
    let word = |i: usize| {
        let stems = [
            "alpha",
            "bravo",
            "charlie",
            "delta",
            "écho",
            "фокстрот",
            "γκολφ",
            "hotel",
        ];
        format!("{}{i}", stems[i % stems.len()])
    };
    for i in 0..150 {
        site = site.file(
            &format!("content/p{i}.md"),
            format!("+++\ntitle = \"Page {i}\"\n+++\nShared words and {}.\n", word(i)),
        );
    }
    site.build_ok();
    assert_eq!(json(&site, "search/index.json")["shards"], 3);
    let base = serve(&site.path("public"));
    let mut browser = Chromium::launch(1280, 900);
    browser.open(&format!("{base}/p0/"));
    browser.wait_for("typeof window.dossierSearch === 'function'", 5);
    for i in (0..150).step_by(7) {
        // Longer words starting with this one match too, below the whole word.
        let found = browser.eval(&format!(
            "dossierSearch({:?}).then(r => r.titles[0])",
            word(i).to_uppercase()
        ));
        assert_eq!(found, format!("Page {i}"), "{}", word(i));
    }
    assert_eq!(
        browser.eval("dossierSearch('shared words').then(r => r.total)"),
        150
    );
}
