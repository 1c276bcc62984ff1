//! The search index under `search/` (read back and queried here as `search.js` would) and
//! the search dialog in headless Chromium.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use serde_json::Value;

use crate::browser::{Chromium, Ranges, Sent, serve, serve_with};
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

/// The records of a bundle file, by position, read as `search.js` reads them: the
/// header's little-endian u32 offsets (one per id, then the end), each record inflated
/// (raw DEFLATE) and parsed; `None` for an empty record (a page left out of the index).
/// Checks the header as it goes: `ids` offsets, ascending, the first just past the
/// header and the last at the end of the file.
pub(crate) fn bundle_records(bytes: &[u8], ids: usize) -> Vec<Option<Value>> {
    let offset = |i: usize| {
        let at = bytes.get(4 * i..4 * i + 4).expect("the header is complete");
        u32::from_le_bytes(at.try_into().expect("four bytes")) as usize
    };
    assert_eq!(offset(0), 4 * (ids + 1), "the first record follows the header");
    assert_eq!(offset(ids), bytes.len(), "the last offset is the end of the file");
    (0..ids)
        .map(|i| {
            let (from, to) = (offset(i), offset(i + 1));
            assert!(
                from <= to,
                "offsets {from} and {to} of record {i} are not in order"
            );
            (from < to).then(|| {
                let mut text = String::new();
                flate2::read::DeflateDecoder::new(&bytes[from..to])
                    .read_to_string(&mut text)
                    .unwrap_or_else(|e| panic!("record {i} does not inflate: {e}"));
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("record {i}: {e}: {text}"))
            })
        })
        .collect()
}

/// The record of document `id`, from its bundle as `index.json` places it.
fn record(site: &SiteTest, id: u64) -> Value {
    let index = json(site, "search/index.json");
    let per = index["bundle"].as_u64().expect("ids per bundle");
    let all = index["ids"].as_u64().expect("ids");
    let bundle = id / per;
    let bytes = std::fs::read(site.path(&format!("public/search/docs/{bundle}.bin")))
        .unwrap_or_else(|e| panic!("bundle {bundle}: {e}"));
    let ids = (all - bundle * per).min(per) as usize;
    bundle_records(&bytes, ids)[(id % per) as usize]
        .clone()
        .unwrap_or_else(|| panic!("document {id} has an empty record"))
}

/// Titles of the documents in `ids`.
fn titles(site: &SiteTest, ids: impl IntoIterator<Item = u64>) -> BTreeSet<String> {
    ids.into_iter()
        .map(|id| record(site, id)["t"].as_str().expect("title").to_owned())
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
fn a_result_record_has_what_the_result_shows() {
    let site = site();
    site.build_ok();
    let id = *postings(&site, "kursk").keys().next().expect("kursk is indexed");
    let doc = record(&site, id);
    assert_eq!(doc["t"], "Troops in Kursk");
    assert_eq!(doc["u"], "/repo/security/troops/", "URLs carry the base path");
    assert_eq!(doc["d"], "2024-11-04");
    assert_eq!(doc["s"], "Security");
    assert_eq!(doc["g"], serde_json::json!(["deployment"]));
    assert_eq!(
        doc["x"],
        "North Korean troops arrived in the Kursk region.\nTraining\nThey trained with artillery."
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

/// A build that renders every output once makes the index and the records before
/// rendering, then drops the pages' text; one with the build cache keeps the text and
/// compresses each record as its bundle is written. The files must not differ.
#[test]
fn the_index_written_before_rendering_is_the_one_made_while_rendering() {
    let site = site();
    let tmp = tempfile::tempdir().expect("temp dir");
    let (plain, cached) = (tmp.path().join("plain"), tmp.path().join("cached"));
    let cache = tmp.path().join("cache");
    let path = |p: &std::path::Path| p.to_str().expect("a UTF-8 path").to_owned();
    site.run(&["build", "-o", &path(&plain)]).assert_success();
    site.run(&["build", "-o", &path(&cached), "--cache-dir", &path(&cache)])
        .assert_success();
    let search = |root: &std::path::Path| crate::harness::snapshot(&root.join("search"));
    let (plain, cached) = (search(&plain), search(&cached));
    assert!(plain.contains_key("docs/0.bin"), "{:?}", plain.keys());
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        cached.keys().collect::<Vec<_>>()
    );
    for (file, bytes) in &plain {
        assert!(cached[file] == *bytes, "{file} differs");
    }
}

#[test]
fn a_build_failing_after_the_index_is_written_leaves_the_output_as_it_was() {
    // A build without the cache writes the index before the other outputs are planned;
    // a static file at the index's path is found only then, and must still cost nothing.
    let site = site();
    site.build_ok();
    let before = crate::harness::snapshot(&site.path("public"));
    assert!(before.contains_key("search/docs/0.bin"), "{:?}", before.keys());

    site.write("static/search/index.json", "{}");
    let out = site.build();
    out.assert_user_error();
    out.assert_stderr_has(&["static/search/index.json", "search/index.json"]);
    assert_eq!(crate::harness::snapshot(&site.path("public")), before);
    crate::harness::assert_no_staging_left(site.root());

    // Into a folder of its own, a failed build leaves no folder.
    let fresh = site.path("fresh");
    site.run(&["build", "-o", fresh.to_str().expect("a UTF-8 path")])
        .assert_user_error();
    assert!(!fresh.exists(), "a failed build left {}", fresh.display());
}

#[test]
fn the_index_is_the_same_every_build() {
    let site = site();
    site.build_ok();
    let read =
        |p: &str| std::fs::read(site.path(&format!("public/{p}"))).unwrap_or_else(|e| panic!("{p}: {e}"));
    let files = [
        "search/index.json",
        "search/filters.json",
        "search/terms/0.json",
        "search/docs/0.bin",
    ];
    let first: Vec<Vec<u8>> = files.iter().map(|p| read(p)).collect();
    std::fs::remove_dir_all(site.path("public")).unwrap();
    site.build_ok();
    for (p, bytes) in files.iter().zip(first) {
        assert_eq!(read(p), bytes, "{p}");
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
    // Excerpts keep blocks apart: a heading, list item or table cell ends at " · ", never
    // running into the next block's words.
    let excerpts = browser.eval("[...document.querySelectorAll('.search-excerpt')].map(p => p.textContent)");
    let excerpts: Vec<&str> = excerpts
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.as_str())
        .collect();
    assert!(excerpts.iter().all(|e| !e.contains('\n')), "{excerpts:?}");
    assert!(excerpts.iter().any(|e| e.contains(" · ")), "{excerpts:?}");
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

/// A site of `n` analyses, each with a word of its own (`word(i)`) in its text.
fn numbered_site(n: usize) -> SiteTest {
    let mut site = SiteTest::empty().file(
        "config.toml",
        "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
    );
    for i in 0..n {
        site = site.file(
            &format!("content/p{i}.md"),
            format!(
                "+++\ntitle = \"Page {i}\"\n+++\nShared words, and then {} alone in page {i}.\n",
                word(i)
            ),
        );
    }
    site
}

fn word(i: usize) -> String {
    format!("only{i}x")
}

/// Regression: every analysis had a result file of its own, `search/docs/<id>.json`, so
/// 10,000 analyses made 10,000 files, the largest part of the output and of the time a
/// cold build spends creating files. Records now share bundles of 128 ids.
#[test]
fn ten_thousand_analyses_make_79_bundles_not_a_file_each() {
    let site = numbered_site(10_000);
    site.build_ok();
    let index = json(&site, "search/index.json");
    assert_eq!(index["docs"], 10_000);
    assert_eq!(index["ids"], 10_000);
    let per = index["bundle"].as_u64().expect("ids per bundle") as usize;
    assert_eq!(per, 128);
    let mut files: Vec<String> = std::fs::read_dir(site.path("public/search/docs"))
        .expect("search/docs/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let expected: BTreeSet<String> = (0..10_000usize.div_ceil(per))
        .map(|k| format!("{k}.bin"))
        .collect();
    assert_eq!(files.len(), 79);
    assert_eq!(files.into_iter().collect::<BTreeSet<_>>(), expected);
    // Every id is in its bundle, with its own text: the last bundle holds the 16 left.
    let last = std::fs::read(site.path("public/search/docs/78.bin")).expect("the last bundle");
    let records = bundle_records(&last, 10_000 - 78 * per);
    assert_eq!(records.len(), 16);
    for doc in records {
        let doc = doc.expect("every page is searchable");
        let i: usize = doc["t"]
            .as_str()
            .and_then(|t| t.strip_prefix("Page "))
            .expect("a title")
            .parse()
            .expect("a number");
        assert_eq!(doc["u"], format!("/p{i}/"));
        assert!(doc["x"].as_str().is_some_and(|x| x.contains(&word(i))), "{doc}");
    }
}

#[test]
fn a_page_left_out_of_the_index_has_an_empty_record_in_its_bundle() {
    let site = site();
    site.build_ok();
    let index = json(&site, "search/index.json");
    let ids = index["ids"].as_u64().expect("ids") as usize;
    assert_eq!(ids, 4, "every page has an id, the hidden one too");
    assert_eq!(index["bundle"], 128);
    let bytes = std::fs::read(site.path("public/search/docs/0.bin")).expect("bundle 0");
    let records = bundle_records(&bytes, ids);
    let titles: Vec<Option<&str>> = records
        .iter()
        .map(|r| r.as_ref().map(|doc| doc["t"].as_str().expect("a title")))
        .collect();
    assert_eq!(titles.iter().filter(|t| t.is_none()).count(), 1, "{titles:?}");
    assert!(!titles.contains(&Some("Hidden")), "{titles:?}");
    assert!(!site.exists("public/search/docs/1.bin"));
}

/// The first page of results for the word of each of `pages`, through `search.js` in
/// Chromium from a static server that answers ranges or not, and what the server sent.
fn search_in_browser(site: &SiteTest, ranges: Ranges, pages: &[usize]) -> (Vec<Value>, Vec<Sent>) {
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let base = serve_with(&site.path("public"), ranges, Some(log.clone()));
    let mut browser = Chromium::launch(1280, 900);
    browser.open(&format!("{base}/p0/"));
    browser.wait_for("typeof window.dossierSearch === 'function'", 5);
    log.lock().unwrap().clear();
    let results = pages
        .iter()
        .map(|i| browser.eval(&format!("dossierSearch({:?})", word(*i))))
        .collect();
    let sent = std::mem::take(&mut *log.lock().unwrap());
    (results, sent)
}

/// Each result shows its own title and the excerpt around its word.
fn assert_found(pages: &[usize], results: &[Value]) {
    for (i, r) in pages.iter().zip(results) {
        assert_eq!(r["total"], 1, "{}: {r}", word(*i));
        assert_eq!(r["titles"][0], format!("Page {i}"), "{r}");
        assert_eq!(r["urls"][0], format!("/p{i}/"), "{r}");
        assert_eq!(
            r["excerpts"][0],
            // The excerpt ends at its last word.
            format!("Shared words, and then {} alone in page {i} …", word(*i)),
            "{r}"
        );
    }
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn results_are_read_from_byte_ranges_of_the_bundles() {
    // 300 analyses make three bundles; the pages asked for are in all three.
    let site = numbered_site(300);
    site.build_ok();
    let pages = [0, 7, 150, 299, 151, 8];
    let (results, sent) = search_in_browser(&site, Ranges::Honoured, &pages);
    assert_found(&pages, &results);
    let bins: Vec<&Sent> = sent.iter().filter(|s| s.path.ends_with(".bin")).collect();
    assert!(
        bins.iter().all(|s| s.status == 206),
        "{:?}",
        bins.iter().map(|s| (&s.path, s.status)).collect::<Vec<_>>()
    );
    // Each bundle's header once (three bundles), then one record per result.
    assert_eq!(
        bins.len(),
        3 + pages.len(),
        "{:?}",
        bins.iter().map(|s| &s.path).collect::<Vec<_>>()
    );
    let largest = bins.iter().map(|s| s.body.len()).max().unwrap_or(0);
    assert!(
        largest <= 4 * 129,
        "a response of {largest} bytes: more than a header or a record"
    );
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn without_range_support_results_come_from_whole_bundles_fetched_once() {
    let site = numbered_site(300);
    site.build_ok();
    let pages = [0, 7, 150, 299, 151, 8];
    let (results, sent) = search_in_browser(&site, Ranges::Ignored, &pages);
    assert_found(&pages, &results);
    let mut bins: Vec<(&str, u16)> = sent
        .iter()
        .filter(|s| s.path.ends_with(".bin"))
        .map(|s| (s.path.as_str(), s.status))
        .collect();
    bins.sort_unstable();
    // The whole bundle answered the header's request; it is kept and sliced after that.
    assert_eq!(
        bins,
        [
            ("/search/docs/0.bin", 200),
            ("/search/docs/1.bin", 200),
            ("/search/docs/2.bin", 200)
        ]
    );
}
