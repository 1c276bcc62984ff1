//! `dossier::incremental`: a site kept in memory and updated after files change must stay
//! byte-identical to a cold build of the same tree.
//!
//! The randomised test copies `tests/fixtures/incremental/`, builds it in a
//! [`Session`], then makes a few hundred random changes (edits, new and deleted pages,
//! renames, static files, sections, templates, broken files, whole folders deleted or
//! moved away and back, or switched to other files as `git checkout` does) in small
//! batches; a folder that vanished or appeared is sometimes reported only by its own path,
//! as the watcher does for a folder moved. After each
//! batch it calls [`Session::apply`] with the touched paths and compares the outputs with a
//! cold `build::run` of the same tree. A failing run prints its seed and the operations it
//! made; `DOSSIER_FUZZ_SEED=<seed>` replays it, `DOSSIER_FUZZ_OPS=<n>` sets how many
//! operations to make and `DOSSIER_FUZZ_DEBUG=1` prints why each failing build failed and
//! the operations of a passing run.
//!
//! The cold build and the comparison are in [`cold`]; the random editor, its operations
//! and the text it writes, in [`editor`]. The tests are all here but one: [`cached`] runs
//! the same editor against builds with the build cache, which it also damages.

mod cached;
mod cold;
mod editor;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use dossier::incremental::{Session, Update};

use crate::harness::SiteTest;
use cold::{cold_build, diagnostics, differing, mismatch, options, outputs_of, session_for};
use editor::{Editor, Op, op_at, total_weight};

const FIXTURE: &str = "incremental";
const DEFAULT_SEED: u64 = 0x00D0_55AE_2024_1029;
const DEFAULT_OPS: usize = 400;

// ---------------------------------------------------------------------------------------
// The randomised test

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| {
            let v = v.trim();
            match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16)
                    .ok()
                    .and_then(|n| n.to_string().parse().ok()),
                None => v.parse().ok(),
            }
        })
        .unwrap_or(default)
}

#[test]
fn random_edits_keep_outputs_identical_to_a_cold_build() {
    let seed: u64 = env_or("DOSSIER_FUZZ_SEED", DEFAULT_SEED);
    let total_ops: usize = env_or("DOSSIER_FUZZ_OPS", DEFAULT_OPS);
    let started = Instant::now();
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    match cold_build(site.root()) {
        Ok(cold) => {
            if let Some(diff) = mismatch(&cold, &outputs_of(&session)) {
                panic!("seed {seed:#x}: the first build differs from a cold build\n{diff}");
            }
        }
        Err(e) => panic!("the fixture does not build cold:\n{e}"),
    }

    let mut ed = Editor::new(site.root(), seed);
    let weight_total = total_weight();
    let (mut ops_done, mut batches, mut failed, mut incremental, mut failing_run) = (0, 0, 0, 0, 0);
    let mut last_failed = false;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    while ops_done < total_ops {
        batches += 1;
        ed.begin_batch(batches, last_failed);
        let size = ed.rng.range(1, 4);
        // Some batches hold only fast-path edits, as when someone is typing in one file.
        let only_fast = ed.touched.is_empty() && ed.rng.chance(0.25);
        let mut made = 0;
        while made < size {
            let op = op_at(if only_fast { 0 } else { ed.rng.below(weight_total) });
            if ed.run(op) {
                made += 1;
                *counts.entry(format!("{op:?}")).or_insert(0usize) += 1;
                // Mostly alone in its batch, as `serve` settles it only then.
                if op == Op::Placing && made == 1 && ed.rng.chance(0.7) {
                    break;
                }
            }
            if ed.away.is_some() {
                // Nothing else happens while a folder is away: the batch ends with it.
                break;
            }
        }
        ops_done += made;

        // Paths as the watcher gives them (absolute) or relative to the site folder.
        let mut paths: Vec<PathBuf> = Vec::new();
        for t in ed.touched.clone() {
            let path = if ed.rng.chance(0.25) {
                PathBuf::from(&t)
            } else {
                site.path(&t)
            };
            if ed.rng.chance(0.05) {
                // Watchers report some changes twice.
                paths.push(path.clone());
            }
            paths.push(path);
        }
        let before = outputs_of(&session);
        // As `serve` applies a batch: what shows the edited page first, then the rest.
        let (result, shown) = match session.apply_first(&paths) {
            Err(d) => (Err(d), Vec::new()),
            Ok(first) => {
                let now = outputs_of(&session);
                let shown: Vec<(String, Option<std::sync::Arc<[u8]>>)> = first
                    .changed
                    .iter()
                    .map(|p| (p.clone(), now.get(p).cloned()))
                    .collect();
                let result = match session.finish() {
                    None => Ok(first),
                    Some(Ok(rest)) => Ok(first.followed_by(rest)),
                    Some(Err(d)) => Err(d),
                };
                (result, shown)
            }
        };
        let after = outputs_of(&session);
        let cold = cold_build(site.root());
        let report = |what: String| -> String {
            format!(
                "seed {seed:#x} (replay with DOSSIER_FUZZ_SEED={seed:#x}), batch {batches}: {what}\n\
                 --- operations\n{}\n--- paths passed to apply\n{paths:#?}",
                ed.log.join("\n")
            )
        };
        match (cold, result) {
            (Ok(expected), Ok(update)) => {
                if let Some(diff) = mismatch(&expected, &after) {
                    panic!(
                        "{}",
                        report(format!(
                            "the session's outputs differ from a cold build (update: full = {}, rendered = {})\n{diff}",
                            update.full, update.rendered
                        ))
                    );
                }
                // What `serve` showed first was no draft: the finished update kept it.
                for (path, first) in &shown {
                    if after.get(path) != first.as_ref() {
                        panic!(
                            "{}",
                            report(format!(
                                "{path} as first shown differs from the same output once the update finished"
                            ))
                        );
                    }
                }
                let really = differing(&before, &after);
                if really != update.changed {
                    panic!(
                        "{}",
                        report(format!(
                            "Update::changed is not the set of outputs that changed\n  reported: {:?}\n  actual:   {really:?}",
                            update.changed
                        ))
                    );
                }
                if !update.full {
                    incremental += 1;
                }
                last_failed = false;
                failing_run = 0;
            }
            (Err(e), Err(_)) => {
                if std::env::var("DOSSIER_FUZZ_DEBUG").is_ok() {
                    eprintln!("batch {batches} fails: {}", e.lines().next().unwrap_or(""));
                }
                if let Some(diff) = mismatch(&before, &after) {
                    panic!(
                        "{}",
                        report(format!("a failed apply changed the outputs\n{diff}"))
                    );
                }
                failed += 1;
                failing_run += 1;
                last_failed = true;
                if failing_run > 12 {
                    panic!(
                        "{}",
                        report("the test's edits left the site failing for 12 batches in a row".into())
                    );
                }
            }
            (Ok(_), Err(d)) => panic!(
                "{}",
                report(format!(
                    "apply failed but a cold build succeeds:\n{}",
                    diagnostics(d)
                ))
            ),
            (Err(e), Ok(update)) => panic!(
                "{}",
                report(format!(
                    "apply succeeded (full = {}) but a cold build fails:\n{e}",
                    update.full
                ))
            ),
        }
    }
    if std::env::var("DOSSIER_FUZZ_DEBUG").is_ok() {
        eprintln!("--- operations\n{}", ed.log.join("\n"));
    }
    eprintln!(
        "incremental fuzz: seed {seed:#x}, {ops_done} operations in {batches} batches \
         ({failed} failing builds, {incremental} incremental updates) in {:.1?}; operations: {counts:?}",
        started.elapsed()
    );
    assert!(
        failed * 4 < batches,
        "too many failing batches ({failed} of {batches}): the test mostly checks failures"
    );
    assert!(incremental > 0, "no update took the incremental path");
}

// ---------------------------------------------------------------------------------------
// Focused tests

fn assert_matches_cold(site: &SiteTest, session: &Session) {
    let cold = cold_build(site.root()).unwrap_or_else(|e| panic!("the cold build fails:\n{e}"));
    if let Some(diff) = mismatch(&cold, &outputs_of(session)) {
        panic!("the session's outputs differ from a cold build\n{diff}");
    }
}

/// `serve`'s first step for a change to one file.
fn first_ok(session: &mut Session, site: &SiteTest, rel: &str) -> Update {
    session
        .apply_first(&[site.path(rel)])
        .unwrap_or_else(|d| panic!("apply failed:\n{}", diagnostics(d)))
}

fn apply_ok(session: &mut Session, site: &SiteTest, rel: &[&str]) -> Update {
    let paths: Vec<PathBuf> = rel.iter().map(|r| site.path(r)).collect();
    session
        .apply(&paths)
        .unwrap_or_else(|d| panic!("apply failed:\n{}", diagnostics(d)))
}

#[test]
fn a_body_edit_below_the_summary_rerenders_only_what_shows_the_page() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let total = outputs_of(&session).len();
    let rel = "content/diplomacy/beijing.md";
    let text = site.read(rel);
    site.write(
        rel,
        text.replace(
            "Trade with both continues to grow.",
            "Trade with both continues to grow, and fast.\n\nA second paragraph about ports.",
        ),
    );

    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(
        !update.full,
        "a body edit below <!-- more --> was a full rebuild: {update:?}"
    );
    assert!(
        update.changed.iter().any(|c| c == "diplomacy/beijing/index.html"),
        "the page's own output is not in changed: {:?}",
        update.changed
    );
    for unrelated in [
        "security/drones/index.html",
        "economy/energy/index.html",
        "diplomacy/seoul-view/index.html",
        "security/index.html",
    ] {
        assert!(
            !update.changed.iter().any(|c| c == unrelated),
            "{unrelated} is in changed: {:?}",
            update.changed
        );
    }
    assert!(
        update.rendered * 2 < total,
        "rendered {} of {total} outputs for one body edit",
        update.rendered
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_body_edit_that_changes_the_reading_time_updates_the_lists() {
    // Lists show each page's reading time: 200 more words make it 2 minutes.
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/security/training.md";
    let text = site.read(rel);
    let long = vec!["depot"; 260].join(" ");
    site.write(rel, format!("{text}\nLong {long}.\n"));
    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(!update.full, "{update:?}");
    // The page, the section pager that lists it (it is on page 2) and its archive pages.
    assert_changed(
        &update,
        &[
            "security/training/index.html",
            "security/page/2/index.html",
            "archive/2024/10/index.html",
        ],
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_body_edit_to_the_lead_analysis_updates_the_front_page() {
    // The front page shows its lead's reading time. Its template reads no other page, so
    // nothing renders it by default: the edit must name it.
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/security/spillover.md";
    let text = site.read(rel);
    let long = vec!["border"; 260].join(" ");
    site.write(rel, format!("{text}\nLong {long}.\n"));
    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(!update.full, "{update:?}");
    assert_changed(&update, &["security/spillover/index.html", "index.html"]);
    assert_matches_cold(&site, &session);
}

#[test]
fn a_title_change_gives_the_outputs_of_a_cold_build() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/security/munitions.md";
    let text = site.read(rel);
    site.write(
        rel,
        text.replace(
            "title = \"Shells for Missiles\"",
            "title = \"Shells, Rails and Missiles\"",
        ),
    );
    let update = apply_ok(&mut session, &site, &[rel]);
    assert_changed(
        &update,
        &[
            "security/munitions/index.html",
            "security/index.html",
            "tags/munitions/index.html",
        ],
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_title_or_description_edit_renders_what_shows_the_page_without_a_full_build() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let total = outputs_of(&session).len();
    let rel = "content/security/munitions.md";
    let text = site.read(rel);
    let retitled = text.replace(
        "title = \"Shells for Missiles\"",
        "title = \"Shells, Rails and Missiles\"",
    );
    site.write(rel, &retitled);
    // `serve` renders the page itself first, then what shows it.
    let first = first_ok(&mut session, &site, rel);
    assert!(!first.full, "a title edit rebuilt the model: {first:?}");
    assert_eq!((first.parsed, first.read, first.rendered), (1, 1, 1), "{first:?}");
    assert_eq!(first.changed, ["security/munitions/index.html"]);
    let page = String::from_utf8_lossy(&outputs_of(&session)["security/munitions/index.html"]).into_owned();
    assert!(
        page.contains("Shells, Rails and Missiles"),
        "the page is not fresh"
    );
    let rest = session
        .finish()
        .expect("the outputs showing the page are left for later")
        .unwrap_or_else(|d| panic!("finish failed:\n{}", diagnostics(d)));
    // What shows the title: its section and term lists, the analyses it cites (whose
    // events name it among their citers, on their term pages too), the link graph.
    for expected in [
        "security/index.html",
        "tags/munitions/index.html",
        "regions/europe/index.html",
        "graph.json",
    ] {
        assert!(
            rest.changed.iter().any(|c| c == expected),
            "{expected} not in {:?}",
            rest.changed
        );
    }
    assert!(
        first.rendered + rest.rendered < total,
        "rendered all {total} outputs for a title edit"
    );
    assert_matches_cold(&site, &session);

    let described = retitled.replacen(
        "+++\n",
        "+++\ndescription = \"Why the shells run short before the missiles do.\"\n",
        1,
    );
    site.write(rel, &described);
    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(!update.full, "a new description rebuilt the model: {update:?}");
    assert_matches_cold(&site, &session);
}

#[test]
fn a_title_that_a_wikilink_prints_takes_a_full_build() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let note = "content/security/wiki-note.md";
    site.write(
        note,
        "+++\ntitle = \"A note\"\ndate = 2024-11-02\n+++\n\nSee [[security/munitions]] for the shells.\n",
    );
    apply_ok(&mut session, &site, &[note]);
    assert_matches_cold(&site, &session);
    let rel = "content/security/munitions.md";
    site.write(
        rel,
        site.read(rel)
            .replace("title = \"Shells for Missiles\"", "title = \"Shells Again\""),
    );
    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(update.full, "the note prints the title: {update:?}");
    assert!(
        update
            .changed
            .iter()
            .any(|c| c == "security/wiki-note/index.html"),
        "{:?}",
        update.changed
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_broken_file_keeps_the_last_good_outputs_until_it_is_fixed() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let good = outputs_of(&session);
    let rel = "content/security/drones.md";
    let text = site.read(rel);

    // Unclosed front matter.
    site.write(rel, text.replacen("+++\n\nDrone units", "\nDrone units", 1));
    assert!(cold_build(site.root()).is_err(), "the cold build should fail");
    assert!(session.apply(&[site.path(rel)]).is_err(), "apply should fail");
    assert!(
        mismatch(&good, &outputs_of(&session)).is_none(),
        "a failed apply changed the outputs"
    );

    // Still broken, differently: an invalid date. Another page edited in the same batch.
    site.write(rel, text.replace("date = 2024-09-12", "date = \"2024-13-45\""));
    let other = "content/diplomacy/beijing.md";
    site.write(other, format!("{}\nMore on trade.\n", site.read(other)));
    assert!(cold_build(site.root()).is_err(), "the cold build should fail");
    assert!(
        session.apply(&[site.path(rel), site.path(other)]).is_err(),
        "apply should fail"
    );
    assert!(
        mismatch(&good, &outputs_of(&session)).is_none(),
        "a failed apply changed the outputs"
    );

    // Fixed, with a body edit as well: back to matching a cold build.
    site.write(rel, format!("{text}\nJamming is now constant.\n"));
    apply_ok(&mut session, &site, &[rel]);
    assert_matches_cold(&site, &session);

    // And the fast path works again afterwards.
    site.write(rel, format!("{text}\nJamming is now constant, and cheap.\n"));
    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(!update.full, "{update:?}");
    assert_matches_cold(&site, &session);
}

#[test]
fn a_new_link_below_the_summary_gives_the_outputs_of_a_cold_build() {
    // The link target is a dated analysis: besides its backlinks, its event on the
    // timelines lists the pages that cite it.
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/diplomacy/beijing.md";
    let text = site.read(rel);
    site.write(
        rel,
        format!("{text}\nCompare [the drones brief](@/security/drones.md) with this.\n"),
    );
    apply_ok(&mut session, &site, &[rel]);
    assert_matches_cold(&site, &session);
}

#[test]
fn a_temporary_file_that_came_and_went_is_not_a_change() {
    // `sed -i` and some editors write a temporary file beside the page and rename it over
    // the page: the watcher reports both names, and the temporary one no longer exists.
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/diplomacy/beijing.md";
    let text = site.read(rel);
    site.write(
        rel,
        text.replace(
            "Trade with both continues to grow.",
            "Trade with both continues to grow, fast.",
        ),
    );
    let update = apply_ok(&mut session, &site, &[rel, "content/diplomacy/sedX1b2c3"]);
    assert!(!update.full, "{update:?}");
    assert_matches_cold(&site, &session);

    // A folder that held pages is not such a path: moving it away rebuilds.
    std::fs::rename(
        site.root().join("content/security/field-notes"),
        site.root().join("field-notes-elsewhere"),
    )
    .expect("move the folder out");
    let update = apply_ok(&mut session, &site, &["content/security/field-notes"]);
    assert!(update.full, "{update:?}");
    assert_matches_cold(&site, &session);
}

/// Asserts that the update reports each of `outputs` as changed.
fn assert_changed(update: &dossier::incremental::Update, outputs: &[&str]) {
    for shown in outputs {
        assert!(
            update.changed.iter().any(|c| c == shown),
            "{shown} should change: {:?}",
            update.changed
        );
    }
}

#[test]
fn a_new_word_in_a_body_reaches_the_search_index_without_a_full_build() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/diplomacy/beijing.md";
    let text = site.read(rel);
    site.write(rel, format!("{text}\nA quixotically zygomorphic paragraph.\n"));
    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(!update.full, "{update:?}");
    let search: Vec<&String> = update
        .changed
        .iter()
        .filter(|c| c.starts_with("search/"))
        .collect();
    // The bundle of the page's record (the fixture's pages fit in one) and the shards of
    // its new words; nothing else of the index.
    assert_eq!(
        search
            .iter()
            .filter(|c| c.starts_with("search/docs/"))
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["search/docs/0.bin"],
        "{search:?}"
    );
    assert!(
        search.iter().any(|c| c.starts_with("search/terms/")),
        "{search:?}"
    );
    assert!(
        !search
            .iter()
            .any(|c| c.ends_with("index.json") || c.ends_with("filters.json"))
    );
    let outputs = outputs_of(&session);
    let shards: Vec<&String> = outputs
        .keys()
        .filter(|k| k.starts_with("search/terms/"))
        .collect();
    assert!(
        shards
            .iter()
            .any(|k| String::from_utf8_lossy(&outputs[*k]).contains("\"zygomorphic\"")),
        "the new word is in no shard"
    );
    assert_matches_cold(&site, &session);
}

/// The records of every bundle in `outputs`, by URL: (bundle file, text).
fn search_records(outputs: &cold::Files) -> BTreeMap<String, (String, String)> {
    let index: serde_json::Value = serde_json::from_slice(&outputs["search/index.json"]).expect("index.json");
    let per = index["bundle"].as_u64().expect("bundle") as usize;
    let ids = index["ids"].as_u64().expect("ids") as usize;
    let mut by_url = BTreeMap::new();
    for k in 0..ids.div_ceil(per) {
        let path = format!("search/docs/{k}.bin");
        let Some(bytes) = outputs.get(&path) else { continue };
        for doc in crate::search::bundle_records(bytes, (ids - k * per).min(per))
            .into_iter()
            .flatten()
        {
            let url = doc["u"].as_str().expect("a URL").to_owned();
            let text = doc["x"].as_str().expect("a text").to_owned();
            by_url.insert(url, (path.clone(), text));
        }
    }
    by_url
}

#[test]
fn an_edit_rewrites_the_bundle_of_its_page_and_no_other() {
    // 140 analyses: two bundles of records (128 ids each).
    let mut site = SiteTest::empty().file(
        "config.toml",
        "base_url = \"https://example.org/\"\ntitle = \"T\"\n",
    );
    for i in 0..140 {
        site = site.file(
            &format!("content/p{i:03}.md"),
            format!("+++\ntitle = \"Page {i}\"\n+++\nText of page {i}.\n"),
        );
    }
    let mut session = session_for(&site);
    let before = search_records(&outputs_of(&session));
    assert_eq!(before.len(), 140);
    let bundle_of = |url: &str| before[url].0.clone();
    assert_eq!(bundle_of("/p000/"), "search/docs/0.bin");
    assert_eq!(bundle_of("/p139/"), "search/docs/1.bin");

    // A body edit (the fast path) to a page of the second bundle.
    site.write(
        "content/p139.md",
        "+++\ntitle = \"Page 139\"\n+++\nText of page 139, zygomorphic now.\n",
    );
    let update = apply_ok(&mut session, &site, &["content/p139.md"]);
    assert!(!update.full, "{update:?}");
    let docs: Vec<&String> = update
        .changed
        .iter()
        .filter(|c| c.starts_with("search/docs/"))
        .collect();
    assert_eq!(docs, ["search/docs/1.bin"], "{:?}", update.changed);
    let after = search_records(&outputs_of(&session));
    assert!(after["/p139/"].1.contains("zygomorphic"), "{:?}", after["/p139/"]);
    assert_eq!(after["/p000/"], before["/p000/"]);
    assert_matches_cold(&site, &session);

    // A title edit (a rebuild of the model, outputs rendered by fingerprint) to a page of
    // the first bundle.
    site.write(
        "content/p005.md",
        "+++\ntitle = \"Page five\"\n+++\nText of page 5.\n",
    );
    let update = apply_ok(&mut session, &site, &["content/p005.md"]);
    let docs: Vec<&String> = update
        .changed
        .iter()
        .filter(|c| c.starts_with("search/docs/"))
        .collect();
    assert_eq!(docs, ["search/docs/0.bin"], "{:?}", update.changed);
    assert_matches_cold(&site, &session);
}

#[test]
fn a_front_matter_edit_reparses_one_file_and_renders_what_shows_it() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let total = outputs_of(&session).len();
    let rel = "content/security/training.md";
    let text = site.read(rel);
    // A tag moves: "training" → "logistics" (a new term).
    site.write(
        rel,
        text.replace(
            "tags = [\"training\", \"deployment\"]",
            "tags = [\"logistics\", \"deployment\"]",
        ),
    );
    let update = apply_ok(&mut session, &site, &[rel]);
    assert_eq!(
        update.parsed, 1,
        "only the edited file is parsed again: {update:?}"
    );
    assert_eq!(update.read, 1, "only the edited file is read again: {update:?}");
    assert!(update.rendered < total, "rendered all {total} outputs");
    for expected in [
        "security/training/index.html",
        "tags/logistics/index.html",
        "tags/training/index.html",
        // The other term's page shows the event without its terms (see `with_event_html`),
        // but its feed lists them as categories.
        "tags/deployment/atom.xml",
        "tags/index.html",
    ] {
        assert!(
            update.changed.iter().any(|c| c == expected),
            "{expected} not in {:?}",
            update.changed
        );
    }
    assert!(
        !update.changed.iter().any(|c| c == "diplomacy/beijing/index.html"),
        "an unrelated page changed: {:?}",
        update.changed
    );
    assert_matches_cold(&site, &session);

    // The old term's page goes when its last page leaves it; the reverse edit brings it back.
    site.write(rel, text);
    let back = apply_ok(&mut session, &site, &[rel]);
    assert_eq!(back.parsed, 1, "{back:?}");
    assert!(
        back.changed.iter().any(|c| c == "tags/logistics/index.html"),
        "{:?}",
        back.changed
    );
    assert_matches_cold(&site, &session);
}

/// How `serve` brings the rest of the site up to date after showing an edited page first.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Rest {
    /// The model is settled in place: only what shows the page is rendered.
    Settled,
    /// The model is built again.
    Remodelled,
}

/// `serve`'s first step for an edit to `rel` written as `text`: it shows the page itself
/// (and nothing else) without building the model again, and what it shows is what the
/// finished update, made as `how`, and a cold build, make of it. Returns the update of
/// the rest.
fn shows_the_page_first(
    site: &SiteTest,
    session: &mut Session,
    rel: &str,
    text: &str,
    own: &str,
    how: Rest,
) -> Update {
    site.write(rel, text);
    let first = first_ok(session, site, rel);
    assert!(!first.full, "{rel}: the first step rebuilt the model: {first:?}");
    assert_eq!((first.read, first.parsed, first.rendered), (1, 1, 1), "{first:?}");
    assert_eq!(
        first.changed,
        [own],
        "{rel}: the first step showed more than the page"
    );
    let shown = outputs_of(session)[own].clone();
    let rest = session
        .finish()
        .expect("the rest is left for `finish`")
        .unwrap_or_else(|d| panic!("finish failed:\n{}", diagnostics(d)));
    assert_eq!(rest.full, how == Rest::Remodelled, "{rel}: {rest:?}");
    // The rest takes the file as the first step read it.
    assert_eq!(
        (rest.read, rest.parsed),
        (0, 0),
        "{rel}: the file was read again: {rest:?}"
    );
    assert_matches_cold(site, session);
    assert!(
        outputs_of(session)[own] == shown,
        "{own}: the page shown first is not the page the update ended with"
    );
    rest
}

#[test]
fn a_tag_date_or_weight_edit_shows_the_page_itself_first_as_a_cold_build_makes_it() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/security/training.md";
    let own = "security/training/index.html";
    let text = site.read(rel);
    // A term other pages carry: its related pages change.
    let tagged = text.replace(
        "tags = [\"training\", \"deployment\"]",
        "tags = [\"training\", \"deployment\", \"munitions\"]",
    );
    shows_the_page_first(&site, &mut session, rel, &tagged, own, Rest::Settled);
    let page = String::from_utf8_lossy(&outputs_of(&session)[own]).into_owned();
    assert!(
        page.contains("/tags/munitions/"),
        "the page does not link its new term"
    );

    // A term no page carried yet, with a new paragraph: the page links to where the
    // term's page will be.
    let new_term =
        tagged.replace("\"munitions\"]", "\"winter camps\"]") + "\nA new paragraph on the camps.\n";
    shows_the_page_first(&site, &mut session, rel, &new_term, own, Rest::Remodelled);
    let page = String::from_utf8_lossy(&outputs_of(&session)[own]).into_owned();
    assert!(page.contains("/tags/winter-camps/") && page.contains("A new paragraph on the camps."));
    assert!(outputs_of(&session).contains_key("tags/winter-camps/index.html"));

    // Two months back: the page's neighbours in its section change, and its event moves
    // on the timeline; the model is settled in place.
    let earlier = new_term.replace("date = 2024-10-23", "date = 2024-08-23");
    let rest = shows_the_page_first(&site, &mut session, rel, &earlier, own, Rest::Settled);
    assert_changed(
        &rest,
        &[
            "timeline/index.html",
            "archive/2024/08/index.html",
            "archive/2024/10/index.html",
        ],
    );
    assert!(
        rest.rendered * 2 < rest.outputs,
        "a date edit rendered {} of {} outputs",
        rest.rendered,
        rest.outputs
    );
    // A year back: the archive gains a year, which only a model build plans.
    let older = new_term.replace("date = 2024-10-23", "date = 2023-10-23");
    shows_the_page_first(&site, &mut session, rel, &older, own, Rest::Remodelled);
    // A weight and a new title: placed and shown alike.
    let weighed = older
        .replace("date = 2023-10-23\n", "date = 2023-10-23\nweight = 3\n")
        .replace("Training Camps in the Far East", "Camps in the Far East");
    shows_the_page_first(&site, &mut session, rel, &weighed, own, Rest::Remodelled);
    // And back as it was.
    shows_the_page_first(&site, &mut session, rel, &text, own, Rest::Remodelled);
}

#[test]
fn a_term_or_weight_edit_renders_what_shows_the_page_without_building_the_model_again() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/security/training.md";
    let own = "security/training/index.html";
    let text = site.read(rel);
    let changed = |rest: &Update, expected: &[&str]| {
        for path in expected {
            assert!(
                rest.changed.iter().any(|c| c == path),
                "{path} not in {:?}",
                rest.changed
            );
        }
        assert!(
            rest.rendered * 2 < rest.outputs,
            "rendered {} of {} outputs",
            rest.rendered,
            rest.outputs
        );
    };
    // A term other pages carry: its page, its timeline, the list of terms, the
    // timeline's filters (which count each term's events) and the feeds follow.
    let tagged = text.replace(
        r#"tags = ["training", "deployment"]"#,
        r#"tags = ["training", "deployment", "munitions"]"#,
    );
    let rest = shows_the_page_first(&site, &mut session, rel, &tagged, own, Rest::Settled);
    changed(
        &rest,
        &[
            "tags/munitions/index.html",
            "tags/munitions/timeline/index.html",
            "tags/munitions/atom.xml",
            "tags/index.html",
            "timeline/index.html",
        ],
    );
    // One term for another that other pages keep: both terms' pages follow.
    let swapped = text.replace(r#""deployment"]"#, r#""escalation"]"#);
    let rest = shows_the_page_first(&site, &mut session, rel, &swapped, own, Rest::Settled);
    changed(
        &rest,
        &["tags/deployment/index.html", "tags/escalation/index.html"],
    );
    shows_the_page_first(&site, &mut session, rel, &text, own, Rest::Settled);

    // A weight in a section sorted by weight: the section's list and the neighbours of
    // the pages around the old place and the new one follow.
    let rel = "content/economy/labour.md";
    let text = site.read(rel);
    let weighed = text.replace("date = 2024-07-02\n", "date = 2024-07-02\nweight = 1\n");
    assert_ne!(weighed, text);
    let rest = shows_the_page_first(
        &site,
        &mut session,
        rel,
        &weighed,
        "economy/labour/index.html",
        Rest::Settled,
    );
    changed(&rest, &["economy/index.html"]);
    shows_the_page_first(
        &site,
        &mut session,
        rel,
        &text,
        "economy/labour/index.html",
        Rest::Settled,
    );
}

#[test]
fn term_weight_and_date_edits_on_every_analysis_match_a_cold_build() {
    let site = SiteTest::fixture(FIXTURE);
    let settled = place_each(&site, &ANALYSES);
    // Not each: some pages record events of their own, which only a model build moves.
    assert!(settled >= 30, "only {settled} edits were settled");
}

#[test]
fn date_edits_on_a_timeline_split_by_year_match_a_cold_build() {
    // Past 2 events the timelines have a page per year: a date moves the page's event
    // between them, and its month's count on every page.
    let site = SiteTest::fixture(FIXTURE);
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        config.replace(
            "today = \"2024-12-20\"",
            "today = \"2024-12-20\"\nyear_pages_above = 2",
        ),
    );
    let cold = cold_build(site.root()).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        cold.contains_key("timeline/2024/index.html"),
        "the timeline is not split"
    );
    // Sorted by date, by title and by weight; dated by front matter and by file name.
    let pages = [ANALYSES[0], ANALYSES[5], ANALYSES[6], ANALYSES[8]];
    let settled = place_each(&site, &pages);
    assert!(settled >= 12, "only {settled} edits were settled");
}

#[test]
fn term_and_date_edits_without_timelines_or_archive_match_a_cold_build() {
    // A term page then lists no events and an analysis no month: what `serve` settles in
    // place must not bring them back.
    let site = SiteTest::fixture(FIXTURE);
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        format!("disable_pages = [\"timeline\", \"archive\"]\n{config}"),
    );
    let cold = cold_build(site.root()).unwrap_or_else(|d| panic!("{d}"));
    assert!(!cold.contains_key("timeline/index.html"));
    assert!(!cold.contains_key("archive/index.html"));
    let pages = [ANALYSES[0], ANALYSES[4], ANALYSES[6]];
    let settled = place_each(&site, &pages);
    assert!(settled >= 6, "only {settled} edits were settled");
}

/// Analyses of the fixture in every kind of section, for [`place_each`].
const ANALYSES: [&str; 10] = [
    "content/security/training.md",
    "content/security/munitions.md",
    "content/security/spillover.md",
    "content/security/drones.md",
    "content/security/kursk-deployment.md",
    "content/security/2024-10-18-alliance.md",
    "content/diplomacy/beijing.md",
    "content/diplomacy/un-vote.md",
    "content/economy/energy.md",
    "content/economy/shipping.md",
];

/// Each of `pages` in turn gains a term other pages carry, gets a weight, moves to
/// another day of its month, into the busiest month and the quietest, and to a year no
/// analysis has (the archive gains it: a model build), and goes back: in sections sorted
/// by date, title and weight, paginated or not, dated by front matter or by file name,
/// with events of their own or none. Each update equals a cold build; returns how many
/// were settled without a model build.
fn place_each(site: &SiteTest, pages: &[&str]) -> usize {
    let mut session = session_for(site);
    let mut settled = 0;
    for &rel in pages {
        let text = site.read(rel);
        let term = if text.contains("\"sanctions\"") {
            "nato"
        } else {
            "sanctions"
        };
        let tagged = text.replacen("tags = [", &format!("tags = [\"{term}\", "), 1);
        let weighed = match text.find("\nweight = ") {
            Some(at) => {
                let end = text[at + 1..].find('\n').map_or(text.len(), |e| at + 1 + e);
                format!("{}\nweight = 7{}", &text[..at], &text[end..])
            }
            None => text.replacen("+++\n", "+++\nweight = 7\n", 1),
        };
        let day = another_day(&text).unwrap_or_else(|| text.clone());
        let busy = with_date(&text, "2024-11-05");
        let quiet = with_date(&text, "2024-03-15");
        let year = with_date(&text, "2022-10-23");
        for version in [tagged, weighed, day, busy, quiet, year, text] {
            site.write(rel, &version);
            let first = first_ok(&mut session, site, rel);
            if let Some(rest) = session.finish() {
                let rest = rest.unwrap_or_else(|d| panic!("{rel}: finish failed:\n{}", diagnostics(d)));
                if !first.full && !rest.full {
                    settled += 1;
                }
            }
            assert_matches_cold(site, &session);
        }
    }
    settled
}

/// `text` with its front matter's `date` set to `date` (a line added where its date is
/// its file name's).
fn with_date(text: &str, date: &str) -> String {
    match text.find("\ndate = ") {
        Some(at) => {
            let end = text[at + 1..].find('\n').map_or(text.len(), |e| at + 1 + e);
            format!("{}\ndate = {date}{}", &text[..at], &text[end..])
        }
        None => text.replacen("+++\n", &format!("+++\ndate = {date}\n"), 1),
    }
}

/// `text` moved to another day of the month its front matter's `date` names (the 1st, or
/// the 27th if it is the 1st); `None` when it names no day.
fn another_day(text: &str) -> Option<String> {
    let at = text.find("\ndate = ")? + "\ndate = ".len();
    let value = text[at..].lines().next()?.trim_matches('"');
    let (month, day) = (value.get(..7)?, value.get(8..10)?);
    let day = if day == "01" { "27" } else { "01" };
    Some(with_date(text, &format!("{month}-{day}")))
}

#[test]
fn a_thousand_new_terms_on_one_page_are_shown_first_and_match_a_cold_build() {
    // A hostile or careless author: every term is new, so each is looked up among the
    // taxonomy's terms and the page's other new ones (by slug, in maps).
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/security/training.md";
    let text = site.read(rel);
    let many: Vec<String> = (0..1000).map(|i| format!("\"term {i}\"")).collect();
    let tagged = text.replace(
        "tags = [\"training\", \"deployment\"]",
        &format!("tags = [\"training\", \"deployment\", {}]", many.join(", ")),
    );
    shows_the_page_first(
        &site,
        &mut session,
        rel,
        &tagged,
        "security/training/index.html",
        Rest::Remodelled,
    );
    let outputs = outputs_of(&session);
    assert!(outputs.contains_key("tags/term-999/index.html"));
    let page = String::from_utf8_lossy(&outputs["security/training/index.html"]).into_owned();
    assert!(page.contains("/tags/term-0/") && page.contains("/tags/term-999/"));
}

#[test]
fn a_deleted_page_is_gone_first_and_comes_back_if_the_rest_cannot_be_built() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/economy/labour.md";
    let own = "economy/labour/index.html";
    let text = site.read(rel);
    std::fs::remove_file(site.path(rel)).unwrap();
    let first = first_ok(&mut session, &site, rel);
    assert!(!first.full, "{first:?}");
    assert_eq!(first.changed, [own]);
    assert!(
        !outputs_of(&session).contains_key(own),
        "the deleted page is still served"
    );
    session
        .finish()
        .expect("the rest is left for `finish`")
        .unwrap_or_else(|d| panic!("finish failed:\n{}", diagnostics(d)));
    assert_matches_cold(&site, &session);

    // Back, then deleted while another analysis links to it: the build of the rest
    // fails on the broken link, and the outputs are as they were before the deletion.
    site.write(rel, &text);
    apply_ok(&mut session, &site, &[rel]);
    let linking = "content/economy/energy.md";
    site.write(
        linking,
        site.read(linking) + "\nSee [the labour analysis](@/economy/labour.md).\n",
    );
    apply_ok(&mut session, &site, &[linking]);
    let before = outputs_of(&session);
    std::fs::remove_file(site.path(rel)).unwrap();
    let first = first_ok(&mut session, &site, rel);
    assert_eq!(first.changed, [own]);
    let failed = session.finish().expect("the rest is left for `finish`");
    let errors = diagnostics(failed.expect_err("a link to a deleted page is an error"));
    assert!(errors.contains("labour"), "{errors}");
    assert!(
        mismatch(&before, &outputs_of(&session)).is_none(),
        "a failed update changed the outputs"
    );
}

#[test]
fn a_new_page_renders_itself_and_the_lists_it_joins_not_the_whole_site() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let total = outputs_of(&session).len();
    let rel = "content/economy/rail.md";
    site.write(
        rel,
        "+++\ntitle = \"Rail Freight\"\ndate = 2024-11-20\n[taxonomies]\ntags = [\"logistics\"]\n+++\n\nTrains carry shells west.\n",
    );
    let update = apply_ok(&mut session, &site, &[rel]);
    assert_eq!(update.read, 1, "only the new file is read: {update:?}");
    assert!(
        update.changed.iter().any(|c| c == "economy/rail/index.html"),
        "{:?}",
        update.changed
    );
    assert!(
        update.changed.iter().any(|c| c == "economy/index.html"),
        "{:?}",
        update.changed
    );
    assert!(update.rendered < total, "rendered all {total} outputs");
    assert_matches_cold(&site, &session);

    std::fs::remove_file(site.path(rel)).unwrap();
    let gone = apply_ok(&mut session, &site, &[rel]);
    assert!(
        gone.changed.iter().any(|c| c == "economy/rail/index.html"),
        "{:?}",
        gone.changed
    );
    assert_matches_cold(&site, &session);
}

/// Adds `content/economy/<slug>.md`, which `economy/energy.md` already links to: the new
/// page is left to the model build, and then shows that analysis as citing it.
fn left_to_the_model_and_cited(site: &SiteTest, session: &mut Session, slug: &str) {
    let rel = format!("content/economy/{slug}.md");
    site.write(&rel, "+++\ntitle = \"Awaited\"\n+++\n\nAwaited.\n");
    let update = first_ok(session, site, &rel);
    assert!(
        update.full,
        "{slug}: shown before the model knew it is cited: {update:?}"
    );
    assert_matches_cold(site, session);
    let page =
        String::from_utf8_lossy(&outputs_of(session)[&format!("economy/{slug}/index.html")]).into_owned();
    assert!(
        page.contains("/economy/energy/"),
        "{slug}: the analysis citing it is not shown"
    );
}

#[test]
fn a_new_analysis_is_shown_first_as_a_cold_build_makes_it() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    // Tagged (one term known, one new), dated inside the section's list, linking to two
    // analyses and cited by none: its neighbours, related analyses and connections are
    // all worked out before the model is built again.
    let rail = "content/economy/rail.md";
    let rest = shows_the_page_first(
        &site,
        &mut session,
        rail,
        "+++\ntitle = \"Rail Freight\"\ndate = 2024-10-02\n[taxonomies]\ntags = [\"shipping\", \"rail\"]\n+++\n\n\
         Trains carry what [shipping](@/economy/shipping.md) cannot; see also \
         [energy](@/economy/energy.md).\n",
        "economy/rail/index.html",
        Rest::Remodelled,
    );
    assert!(
        rest.changed.iter().any(|c| c == "economy/index.html"),
        "{:?}",
        rest.changed
    );
    let page = scraper::Html::parse_document(&String::from_utf8_lossy(
        &outputs_of(&session)["economy/rail/index.html"],
    ));
    let shows = |css: &str| page.select(&scraper::Selector::parse(css).unwrap()).count();
    assert!(
        shows("a[href$=\"/economy/shipping/\"]") > 0,
        "the page links to shipping"
    );
    assert!(
        shows("a[href$=\"/tags/rail/\"]") > 0,
        "the page links to its new term"
    );

    // A bundle, and a page whose file name gives its date; in the Ukrainian section's
    // language too. Each is shown first, then everything is as a cold build makes it.
    for (rel, own) in [
        ("content/security/convoys/index.md", "security/convoys/index.html"),
        (
            "content/diplomacy/2024-11-03-summit.md",
            "diplomacy/summit/index.html",
        ),
    ] {
        shows_the_page_first(
            &site,
            &mut session,
            rel,
            "+++\ntitle = \"Added\"\n[taxonomies]\nregions = [\"Europe\"]\n+++\n\nA paragraph.\n",
            own,
            Rest::Remodelled,
        );
    }

    // A page an analysis already links to by its address: the link becomes a backlink,
    // which only the model build after finds.
    let energy = "content/economy/energy.md";
    site.write(
        energy,
        site.read(energy) + "\nWhere [the rail analysis](/economy/railways/) will be.\n",
    );
    apply_ok(&mut session, &site, &[energy]);
    left_to_the_model_and_cited(&site, &mut session, "railways");

    // What a whole build would report or make differently is left to it: a URL another
    // page has, a link to a page that does not exist, a draft.
    for (rel, text) in [
        (
            "content/economy/rail-again.md",
            "+++\ntitle = \"Again\"\npath = \"economy/rail\"\n+++\n",
        ),
        (
            "content/economy/broken.md",
            "+++\ntitle = \"Broken\"\n+++\n\n[gone](@/economy/gone.md)\n",
        ),
        (
            "content/economy/draft.md",
            "+++\ntitle = \"Draft\"\ndraft = true\n+++\n",
        ),
    ] {
        site.write(rel, text);
        let before = outputs_of(&session);
        match session.apply_first(&[site.path(rel)]) {
            Ok(update) => {
                assert!(update.full, "{rel}: shown before a whole build: {update:?}");
                assert_matches_cold(&site, &session);
            }
            Err(_) => assert!(
                mismatch(&before, &outputs_of(&session)).is_none(),
                "{rel}: a failed update changed the outputs"
            ),
        }
        std::fs::remove_file(site.path(rel)).unwrap();
        apply_ok(&mut session, &site, &[rel]);
    }
    assert_matches_cold(&site, &session);
}

#[test]
fn a_new_analysis_is_shown_first_unless_a_link_elsewhere_may_find_it() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    // A warning about what another file says of itself (a front matter key dossier does
    // not know) is no reason to wait for the model.
    let energy = "content/economy/energy.md";
    let text = site.read(energy);
    site.write(energy, text.replacen("+++\n", "+++\ncolour = \"amber\"\n", 1));
    let warned = apply_ok(&mut session, &site, &[energy]);
    let about_colour = |update: &Update| update.warnings.iter().any(|d| d.message.contains("colour"));
    assert!(about_colour(&warned), "no warning to test with: {warned:?}");
    let rest = shows_the_page_first(
        &site,
        &mut session,
        "content/economy/ports.md",
        "+++\ntitle = \"Ports\"\ndate = 2024-10-05\n+++\n\nCranes and quays.\n",
        "economy/ports/index.html",
        Rest::Remodelled,
    );
    assert!(about_colour(&rest), "the warning is no longer reported: {rest:?}");

    // A relative link that found no page (a warning) may be to the new page, which then
    // shows the analysis citing it: only the model build knows.
    site.write(
        energy,
        site.read(energy) + "\nSee [the tunnels](tunnels.md), when written.\n",
    );
    let broken = apply_ok(&mut session, &site, &[energy]);
    assert!(
        broken.warnings.iter().any(|d| d.message.contains("tunnels.md")),
        "no warning for the link: {broken:?}"
    );
    left_to_the_model_and_cited(&site, &mut session, "tunnels");
    // The link found its page, and the colour is still the only warning: the next new
    // page is shown first again.
    shows_the_page_first(
        &site,
        &mut session,
        "content/economy/canals.md",
        "+++\ntitle = \"Canals\"\ndate = 2024-10-06\n+++\n\nLocks.\n",
        "economy/canals/index.html",
        Rest::Remodelled,
    );
}

#[test]
#[cfg(unix)]
fn a_new_analysis_through_a_link_is_never_shown_first() {
    let outside = tempfile::tempdir().unwrap();
    let secret = "+++\ntitle = \"Outside\"\n+++\n\nSECRET-OUTSIDE-TEXT\n";
    std::fs::write(outside.path().join("secret.md"), secret).unwrap();
    // A new file that is a link out of the site, and a new file in a linked folder; each
    // given as the watcher gives it (absolute) and relative to the site folder.
    for (link, target, rel) in [
        (
            "content/economy/linked.md",
            outside.path().join("secret.md"),
            "content/economy/linked.md",
        ),
        (
            "content/economy/linked-folder",
            outside.path().to_path_buf(),
            "content/economy/linked-folder/secret.md",
        ),
    ] {
        for absolute in [true, false] {
            let site = SiteTest::fixture(FIXTURE);
            let mut session = session_for(&site);
            std::os::unix::fs::symlink(&target, site.path(link)).unwrap();
            let before = outputs_of(&session);
            let path = if absolute {
                site.path(rel)
            } else {
                PathBuf::from(rel)
            };
            match session.apply_first(&[path]) {
                Ok(update) => {
                    assert!(update.full, "{rel}: shown before a whole build: {update:?}");
                    assert_matches_cold(&site, &session);
                }
                Err(_) => assert!(
                    mismatch(&before, &outputs_of(&session)).is_none(),
                    "{rel}: a failed update changed the outputs"
                ),
            }
            for (path, bytes) in outputs_of(&session) {
                assert!(
                    !String::from_utf8_lossy(&bytes).contains("SECRET-OUTSIDE-TEXT"),
                    "{rel}: {path} shows a file from outside the site"
                );
            }
        }
    }
}

#[test]
fn a_renamed_analysis_is_shown_at_its_new_address_first() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let (old, new) = (
        "content/diplomacy/un-vote.md",
        "content/diplomacy/general-assembly.md",
    );
    let (old_page, new_page) = (
        "diplomacy/un-vote/index.html",
        "diplomacy/general-assembly/index.html",
    );
    // Renamed, and back; the watcher gives the two paths in either order.
    for (from, to, from_page, to_page, order) in [
        (old, new, old_page, new_page, [old, new]),
        (new, old, new_page, old_page, [new, old]),
    ] {
        std::fs::rename(site.path(from), site.path(to)).unwrap();
        let paths: Vec<PathBuf> = order.iter().map(|r| site.path(r)).collect();
        let first = session
            .apply_first(&paths)
            .unwrap_or_else(|d| panic!("apply failed:\n{}", diagnostics(d)));
        assert!(!first.full, "{to}: the first step built the model: {first:?}");
        let mut expected = [to_page, from_page];
        expected.sort();
        assert_eq!(first.changed, expected, "{to}: the first step showed more");
        assert_eq!(first.rendered, 1, "{first:?}");
        let shown = outputs_of(&session);
        assert!(!shown.contains_key(from_page), "{from_page} is still served");
        let rest = session
            .finish()
            .expect("the rest is left for `finish`")
            .unwrap_or_else(|d| panic!("finish failed:\n{}", diagnostics(d)));
        assert!(rest.full, "{rest:?}");
        // Nothing read or converted again: the file as shown, the others' Markdown kept.
        assert_eq!((rest.read, rest.parsed), (0, 0), "{rest:?}");
        assert_matches_cold(&site, &session);
        assert!(
            outputs_of(&session)[to_page] == shown[to_page],
            "{to_page}: the page shown first is not the page the update ended with"
        );
    }

    // Renamed while an analysis links to it: shown, then the build of the rest fails on
    // the broken link, and the outputs are as they were before.
    let linking = "content/economy/labour.md";
    site.write(
        linking,
        site.read(linking) + "\nSee [the vote](@/diplomacy/un-vote.md).\n",
    );
    apply_ok(&mut session, &site, &[linking]);
    let before = outputs_of(&session);
    std::fs::rename(site.path(old), site.path(new)).unwrap();
    let first = session
        .apply_first(&[site.path(old), site.path(new)])
        .unwrap_or_else(|d| panic!("apply failed:\n{}", diagnostics(d)));
    assert!(!first.full, "{first:?}");
    let failed = session.finish().expect("the rest is left for `finish`");
    let errors = diagnostics(failed.expect_err("a link to the old address is an error"));
    assert!(errors.contains("un-vote"), "{errors}");
    assert!(
        mismatch(&before, &outputs_of(&session)).is_none(),
        "a failed update changed the outputs"
    );
}

#[test]
fn a_page_added_to_a_section_renders_its_other_pages_only_where_they_show_the_count() {
    // The same new analysis on two sites whose analysis pages differ only in whether
    // they print their section's number of analyses.
    let rendered = |shown: &str| {
        let site = SiteTest::fixture(FIXTURE);
        site.write(
            "templates/page.html",
            format!("<!DOCTYPE html><title>{{{{ page.title }}}}</title><p>{{{{ current_section.title }}}} {shown}</p>"),
        );
        let mut session = session_for(&site);
        site.write(
            "content/economy/rail.md",
            "+++\ntitle = \"Rail Freight\"\ndate = 2024-10-02\n+++\n\nTrains.\n",
        );
        let first = first_ok(&mut session, &site, "content/economy/rail.md");
        assert!(!first.full, "{first:?}");
        let rest = session
            .finish()
            .expect("the rest is left for `finish`")
            .unwrap_or_else(|d| panic!("finish failed:\n{}", diagnostics(d)));
        assert_matches_cold(&site, &session);
        (rest, outputs_of(&session))
    };
    let (counted, outputs) = rendered("of {{ current_section.page_count }}");
    for page in [
        "economy/energy/index.html",
        "economy/labour/index.html",
        "economy/shipping/index.html",
    ] {
        let text = String::from_utf8_lossy(&outputs[page]).into_owned();
        assert!(
            text.contains("of 5"),
            "{page} does not show the new count: {text}"
        );
    }
    let (uncounted, _) = rendered("");
    assert!(
        counted.rendered >= uncounted.rendered + 3,
        "the pages not showing the count were rendered too: {} against {}",
        uncounted.rendered,
        counted.rendered
    );
}

/// A site of `count` sections (`content/s0/` …) under a home page, with `config` added
/// to a base URL and a title, for the pages a test writes into them.
fn sections(config: &str, count: usize) -> SiteTest {
    let mut site = SiteTest::empty()
        .file(
            "config.toml",
            format!("base_url = \"https://example.org/\"\ntitle = \"T\"\n{config}\n"),
        )
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    for s in 0..count {
        site = site.file(
            &format!("content/s{s}/_index.md"),
            format!("+++\ntitle = \"Section {s}\"\n+++\n"),
        );
    }
    site
}

#[test]
fn on_a_larger_site_a_tag_edit_renders_a_small_part_of_it() {
    let mut site = sections("taxonomies = [{ name = \"tags\" }]", 4);
    for s in 0..4 {
        for p in 0..10 {
            site = site.file(
                &format!("content/s{s}/p{p}.md"),
                format!(
                    "+++\ntitle = \"Page {s}-{p}\"\n[taxonomies]\ntags = [\"t{s}{p}\"]\n+++\n\nText of page {s}-{p}, linking to [another](@/s{}/p{p}.md).\n",
                    (s + 1) % 4
                ),
            );
        }
    }
    let mut session = session_for(&site);
    let total = outputs_of(&session).len();
    let rel = "content/s2/p5.md";
    let text = site.read(rel);
    site.write(rel, text.replace("tags = [\"t25\"]", "tags = [\"t25\", \"t00\"]"));
    let update = apply_ok(&mut session, &site, &[rel]);
    assert_eq!((update.read, update.parsed), (1, 1), "{update:?}");
    assert!(
        update.rendered * 4 < total,
        "rendered {} of {total} outputs for one tag added",
        update.rendered
    );
    assert!(
        update.changed.iter().any(|c| c == "tags/t00/index.html"),
        "{:?}",
        update.changed
    );
    assert!(
        !update.changed.iter().any(|c| c == "s0/p1/index.html"),
        "{:?}",
        update.changed
    );
    assert_matches_cold(&site, &session);
}

#[test]
fn a_deferred_first_build_has_its_pages_then_its_search_index() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = Session::new(options(site.root()));
    let first = session
        .rebuild_deferring()
        .unwrap_or_else(|d| panic!("the fixture does not build:\n{}", diagnostics(d)));
    assert!(first.full);
    let pages = outputs_of(&session);
    assert!(pages.contains_key("security/training/index.html"));
    // The fixture's two languages each have a search index: `search/` and `uk/search/`.
    let is_search = |p: &str| p.starts_with("search/") || p.starts_with("uk/search/");
    assert!(!pages.keys().any(|p| is_search(p)), "search files before finish");
    let rest = session.finish().expect("something left").expect("it renders");
    assert!(!rest.changed.is_empty() && rest.changed.iter().all(|p| is_search(p)));
    assert!(rest.changed.iter().any(|p| p.starts_with("uk/search/")));
    assert!(session.finish().is_none(), "finish twice");
    assert_matches_cold(&site, &session);
}

#[test]
fn an_edit_before_the_deferred_part_is_finished_still_ends_like_a_cold_build() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = Session::new(options(site.root()));
    session.rebuild_deferring().expect("builds");
    let rel = "content/diplomacy/beijing.md";
    let text = site.read(rel);
    site.write(rel, format!("{text}\nA zygomorphic addition.\n"));
    apply_ok(&mut session, &site, &[rel]);
    assert_matches_cold(&site, &session);
}

/// Regression: `serve` made the whole search index a start leaves for later before the
/// page of an edit saved meanwhile, so a save just after the start waited for it (about
/// 0.3 s at 10,000 pages). Now the page comes first, and the index after it, made with
/// the edit in it: for a body edit (a fast path), a date moved (shown first, then the
/// model settled in place) and a new analysis (shown first, then the model built again).
#[test]
fn an_edit_saved_before_the_deferred_search_index_shows_its_page_and_then_the_index() {
    let is_search = |p: &str| p.starts_with("search/") || p.starts_with("uk/search/");
    let beijing = "content/diplomacy/beijing.md";
    // What each kind of edit writes, where, and the output showing it.
    let edit = |kind: &str, site: &SiteTest| -> (&str, String, &str) {
        let own = "diplomacy/beijing/index.html";
        match kind {
            "body" => (
                beijing,
                format!("{}\nA zygomorphic addition.\n", site.read(beijing)),
                own,
            ),
            "date" => (beijing, another_day(&site.read(beijing)).expect("dated"), own),
            _ => (
                "content/economy/rail.md",
                "+++\ntitle = \"Rail Freight\"\ndate = 2024-10-02\n+++\n\nA zygomorphic train.\n".to_owned(),
                "economy/rail/index.html",
            ),
        }
    };
    for kind in ["body", "date", "new"] {
        let site = SiteTest::fixture(FIXTURE);
        let mut session = Session::new(options(site.root()));
        session.rebuild_deferring().expect("builds");
        let (rel, text, own) = edit(kind, &site);
        site.write(rel, &text);
        let first = first_ok(&mut session, &site, rel);
        assert!(!first.full, "{kind}: the first step built the model: {first:?}");
        assert!(
            first.changed.iter().any(|p| p == own),
            "{kind}: the page was not shown first: {first:?}"
        );
        assert!(
            !outputs_of(&session).keys().any(|p| is_search(p)),
            "{kind}: the search index came before the page"
        );
        let rest = session
            .finish()
            .expect("the rest is left for `finish`")
            .unwrap_or_else(|d| panic!("{kind}: finish failed:\n{}", diagnostics(d)));
        assert!(
            rest.changed.iter().any(|p| p.starts_with("uk/search/")),
            "{kind}: no search index after the page: {rest:?}"
        );
        assert!(session.finish().is_none(), "{kind}: left after finish");
        assert_matches_cold(&site, &session);
    }
}

/// `serve` makes the search index a start leaves for later a part at a time
/// (`finish_unless`), and stops for a save. Stopped after one block of pages was counted,
/// after two, and while the index's files were written; the save, to a page counted
/// already, then moves a page or adds one. The save's page comes first, the index after,
/// made with the edit in it, and the outputs end as a cold build's.
#[test]
fn a_search_index_stopped_for_a_save_goes_on_after_it_and_ends_like_a_cold_build() {
    // Three blocks of pages to count (512 a block), and 33 files to write (16 at a time).
    const PAGES: usize = 1100;
    let mut site = sections("build_search_index = true", 2);
    for p in 0..PAGES {
        site = site.file(
            &format!("content/s{}/p{p:04}.md", p % 2),
            format!(
                "+++\ntitle = \"Page {p}\"\ndate = 2024-{:02}-{:02}\n+++\n\nText of page w{p} and w{}.\n",
                1 + p % 12,
                1 + p % 28,
                p / 3
            ),
        );
    }
    let is_search = |p: &str| p.starts_with("search/");
    let early = "content/s0/p0004.md";
    for (stops_at, kind) in [(1, "body"), (2, "date"), (4, "body"), (1, "new")] {
        let mut session = Session::new(options(site.root()));
        session.rebuild_deferring().expect("builds");
        let mut asked = 0;
        let part = session
            .finish_unless(&mut || {
                asked += 1;
                asked >= stops_at
            })
            .expect("the index was left for later")
            .unwrap_or_else(|d| panic!("{kind}: finish failed:\n{}", diagnostics(d)));
        assert_eq!(asked, stops_at, "{kind}: asked {asked} times");
        assert!(session.has_more(), "{kind} at {stops_at}: nothing left: {part:?}");
        let written = outputs_of(&session).keys().filter(|p| is_search(p)).count();
        assert_eq!(
            written > 0,
            stops_at > 2,
            "{kind} at {stops_at}: {written} search files"
        );
        let original = site.read(early);
        let (rel, own) = match kind {
            "body" => {
                site.write(early, format!("{original}\nA zygomorphic addition.\n"));
                (early, "s0/p0004/index.html")
            }
            "date" => {
                site.write(early, another_day(&original).expect("dated"));
                (early, "s0/p0004/index.html")
            }
            _ => {
                site.write(
                    "content/s1/added.md",
                    "+++\ntitle = \"Added\"\ndate = 2024-10-02\n+++\n\nA zygomorphic train.\n",
                );
                ("content/s1/added.md", "s1/added/index.html")
            }
        };
        let first = first_ok(&mut session, &site, rel);
        assert!(!first.full, "{kind}: the first step built the model: {first:?}");
        assert!(
            first.changed.iter().any(|p| p == own),
            "{kind}: the page was not shown first: {first:?}"
        );
        assert!(
            !first.changed.iter().any(|p| p.starts_with("search/terms/")),
            "{kind}: the index's terms came before the page: {first:?}"
        );
        session
            .finish()
            .expect("the rest is left for `finish`")
            .unwrap_or_else(|d| panic!("{kind}: finish failed:\n{}", diagnostics(d)));
        assert!(!session.has_more(), "{kind}: left after finish");
        assert_matches_cold(&site, &session);
        // As it was, for the next kind.
        site.write(early, &original);
        if kind == "new" {
            std::fs::remove_file(site.path("content/s1/added.md")).expect("removes");
        }
    }
}

#[test]
fn key_judgments_added_and_changed_in_a_body_reach_the_judgments_page() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    let rel = "content/security/training.md";
    let text = site.read(rel);
    // A judgment appears, changes its confidence, and goes (and the page with it).
    let versions = [
        format!("{text}\n> [!KEY JUDGMENT]\n> **High confidence:** Training continues.\n"),
        format!("{text}\n> [!KEY JUDGMENT]\n> **Low confidence:** Training continues.\n"),
        text.clone(),
    ];
    for version in versions {
        site.write(rel, &version);
        let update = apply_ok(&mut session, &site, &[rel]);
        assert!(
            update.changed.iter().any(|c| c == "judgments/index.html"),
            "{:?}",
            update.changed
        );
        assert_matches_cold(&site, &session);
    }
}

#[test]
fn an_edit_to_the_bibliography_renders_the_citing_pages_again() {
    let site = SiteTest::fixture(FIXTURE);
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        format!("{config}\n[sources]\nbibliography = \"sources.yml\"\n"),
    );
    site.write(
        "content/sources.yml",
        "nato:\n  type: Web\n  title: Statement\n  author: NATO\n  date: 2024-10-28\n",
    );
    let rel = "content/security/training.md";
    let text = site.read(rel);
    site.write(rel, format!("{text}\nAs NATO said [@nato].\n"));
    let mut session = session_for(&site);
    site.write(
        "content/sources.yml",
        "nato:\n  type: Web\n  title: Statement on Kursk\n  author: NATO\n  date: 2024-10-29\n",
    );
    let update = apply_ok(&mut session, &site, &["content/sources.yml"]);
    assert!(
        update.changed.iter().any(|c| c == "security/training/index.html"),
        "{:?}",
        update.changed
    );
    assert!(!update.changed.iter().any(|c| c == "sources.yml"));
    assert_matches_cold(&site, &session);
}

/// Regression: a batch naming only `content/` (as the watcher reports a folder moved away
/// or back) was taken for a temporary file that came and went, and the session went on
/// serving the pages that had vanished.
#[test]
fn source_folders_reported_only_by_their_own_path_give_a_cold_build() {
    let site = SiteTest::fixture(FIXTURE);
    // Without files copied from content/, nothing else tells the session it held sources.
    let asset = "content/economy/sanctions/indicators.csv";
    std::fs::remove_file(site.path(asset)).expect("remove the asset");
    let mut session = session_for(&site);
    let stash = tempfile::Builder::new()
        .prefix("dossier-away-")
        .tempdir()
        .expect("temp dir");
    for folder in ["content", "templates", "static", "content/security/field-notes"] {
        // Moved away in one batch and back in the next.
        let away = stash.path().join(folder.replace('/', "-"));
        std::fs::rename(site.path(folder), &away).expect("move away");
        let gone = session.apply(&[site.path(folder)]);
        match cold_build(site.root()) {
            Ok(_) => {
                gone.unwrap_or_else(|d| panic!("{folder} away: apply failed:\n{}", diagnostics(d)));
                assert_matches_cold(&site, &session);
            }
            Err(_) => assert!(gone.is_err(), "{folder} away: a cold build fails, apply did not"),
        }
        std::fs::rename(&away, site.path(folder)).expect("move back");
        apply_ok(&mut session, &site, &[folder]);
        assert_matches_cold(&site, &session);

        // Deleted in one batch and made again in the next.
        crate::harness::copy_dir(&site.path(folder), &away);
        std::fs::remove_dir_all(site.path(folder)).expect("delete");
        let gone = session.apply(&[site.path(folder)]);
        if cold_build(site.root()).is_ok() {
            gone.unwrap_or_else(|d| panic!("{folder} deleted: apply failed:\n{}", diagnostics(d)));
            assert_matches_cold(&site, &session);
        }
        crate::harness::copy_dir(&away, &site.path(folder));
        std::fs::remove_dir_all(&away).expect("clean up");
        apply_ok(&mut session, &site, &[folder]);
        assert_matches_cold(&site, &session);
    }
}

/// A tool's temporary file that is gone by the end of a save (`sed -i` writes `sedXXXXXX`
/// and renames it over the file) is not named as a changed file, however the watcher
/// batched the save's events; a deleted page still is.
#[test]
fn a_temporary_file_gone_by_the_end_of_a_save_is_not_a_changed_source() {
    let site = SiteTest::example();
    let session = session_for(&site);
    let page = site.path("content/security/indo-pacific-spillover.md");
    let temp = site.path("content/security/sedAb12Cd");
    let gone = site.path("content/security/2024-10-18-russia-dprk-alliance.md");
    std::fs::remove_file(&gone).unwrap();
    let paths = vec![page.clone(), temp, gone.clone()];
    assert_eq!(session.sources_among(&paths), vec![&page, &gone]);
}

/// A shortcode's output is in the Markdown of the pages calling it: an edit to its
/// template, or to a page calling one, must give what a cold build gives.
#[test]
fn edits_to_a_shortcode_template_and_to_a_page_calling_one_give_the_outputs_of_a_cold_build() {
    let site = SiteTest::fixture("shortcodes");
    let mut session = session_for(&site);
    site.write(
        "templates/shortcodes/mark.html",
        "<mark class=\"edited\" id=\"mark-{{ nth }}\">{{ word }}</mark>\n",
    );
    let update = apply_ok(&mut session, &site, &["templates/shortcodes/mark.html"]);
    assert!(
        update.changed.iter().any(|c| c == "doc/index.html"),
        "{:?}",
        update.changed
    );
    assert!(String::from_utf8_lossy(&outputs_of(&session)["doc/index.html"]).contains("class=\"edited\""));
    assert_matches_cold(&site, &session);

    let text = site.read("content/doc.md");
    site.write(
        "content/doc.md",
        text.replace("{{ mark(word=\"one\") }}", "{{ mark(word=\"uno\") }}"),
    );
    let update = apply_ok(&mut session, &site, &["content/doc.md"]);
    assert!(
        update.changed.iter().any(|c| c == "doc/index.html"),
        "{:?}",
        update.changed
    );
    assert!(String::from_utf8_lossy(&outputs_of(&session)["doc/index.html"]).contains(">uno</mark>"));
    assert_matches_cold(&site, &session);
}

#[test]
fn an_edit_to_a_sass_partial_recompiles_what_imports_it() {
    let site = SiteTest::fixture("sass");
    let mut session = session_for(&site);
    site.write("sass/_vars.scss", "$ink: #000;\n$gap: 1px;\n");
    let update = apply_ok(&mut session, &site, &["sass/_vars.scss"]);
    assert_eq!(update.changed, ["site.css"]);
    assert_matches_cold(&site, &session);
    // A new stylesheet, then a broken one: an error, and the last good outputs stay.
    site.write("sass/extra.scss", "i { x: y; }\n");
    apply_ok(&mut session, &site, &["sass/extra.scss"]);
    assert_matches_cold(&site, &session);
    site.write("sass/extra.scss", "i { x: $nope; }\n");
    assert!(session.apply(&[site.path("sass/extra.scss")]).is_err());
    assert_eq!(&*outputs_of(&session)["extra.css"], b"i{x:y}");
}

#[test]
fn processed_images_are_made_once_and_stay_while_pages_change() {
    let site = SiteTest::fixture("images");
    let mut session = session_for(&site);
    assert_matches_cold(&site, &session);
    let images = |session: &Session| -> Vec<String> {
        outputs_of(session)
            .keys()
            .filter(|p| p.starts_with("processed_images/"))
            .cloned()
            .collect()
    };
    let before = images(&session);
    assert_eq!(before.len(), 12);
    // A new sentence in the gallery: the page is rendered again, its images are kept
    // from memory, and nothing about them is reported changed.
    let page = site.read("content/gallery/index.md");
    site.write(
        "content/gallery/index.md",
        page.replace("Every operation", "Each operation"),
    );
    let update = apply_ok(&mut session, &site, &["content/gallery/index.md"]);
    assert!(
        update.changed.iter().all(|p| !p.starts_with("processed_images/")),
        "{:?}",
        update.changed
    );
    assert_eq!(images(&session), before);
    assert_matches_cold(&site, &session);
    // A new call: one more image.
    site.write(
        "content/gallery/index.md",
        format!(
            "{}\n{{{{ img(path=\"images/dot.png\", op=\"fit_width\", width=10, height=0, format=\"jpg\") }}}}\n",
            site.read("content/gallery/index.md")
        ),
    );
    let update = apply_ok(&mut session, &site, &["content/gallery/index.md"]);
    assert_eq!(
        update
            .changed
            .iter()
            .filter(|p| p.starts_with("processed_images/"))
            .count(),
        1
    );
    assert_matches_cold(&site, &session);
    // An edit to a source image: the pages showing it name its new files, the old go.
    let mut dot = image::open(site.path("static/images/dot.png"))
        .unwrap()
        .to_rgba8();
    dot.put_pixel(60, 40, image::Rgba([0, 0, 255, 255]));
    dot.save(site.path("static/images/dot.png")).unwrap();
    let update = apply_ok(&mut session, &site, &["static/images/dot.png"]);
    assert!(update.full, "a whole build");
    let changed: Vec<&String> = update
        .changed
        .iter()
        .filter(|p| p.starts_with("processed_images/dot."))
        .collect();
    // Two images of dot.png: each a new file, and the old one gone.
    assert_eq!(changed.len(), 4, "{changed:?}");
    assert_matches_cold(&site, &session);
}

#[test]
fn an_edit_to_a_charts_data_file_draws_the_chart_again() {
    let site = SiteTest::fixture(FIXTURE);
    site.write("data/flows.csv", "year,value\n2023,1\n2024,2\n");
    let rel = "content/security/training.md";
    let text = site.read(rel);
    site.write(
        rel,
        format!(
            "{text}\n```chart\ndata: {{url: /data/flows.csv}}\nmark: bar\nencoding:\n  x: {{field: year}}\n  y: {{field: value}}\n```\n"
        ),
    );
    let mut session = session_for(&site);
    let page = "security/training/index.html";
    let cells = |session: &Session| {
        let html = String::from_utf8_lossy(&outputs_of(session)[page]).into_owned();
        crate::harness::texts(&scraper::Html::parse_document(&html), ".chart-data td")
    };
    assert_eq!(cells(&session), ["1", "2"]);

    site.write("data/flows.csv", "year,value\n2023,1\n2024,7.5\n");
    let update = apply_ok(&mut session, &site, &["data/flows.csv"]);
    assert!(update.changed.iter().any(|c| c == page), "{:?}", update.changed);
    assert!(
        update.changed.iter().any(|c| c.ends_with("flows.csv")),
        "the downloadable copy is written again: {:?}",
        update.changed
    );
    assert_eq!(cells(&session), ["1", "7.5"]);
    assert_matches_cold(&site, &session);

    // A cell that is not a number fails like a cold build, keeping the last good outputs,
    // and fixing it gives a cold build's outputs again.
    let good = outputs_of(&session);
    site.write("data/flows.csv", "year,value\n2023,1\n2024,lots\n");
    assert!(cold_build(site.root()).is_err(), "the cold build should fail");
    assert!(session.apply(&[site.path("data/flows.csv")]).is_err());
    assert!(mismatch(&good, &outputs_of(&session)).is_none());
    site.write("data/flows.csv", "year,value\n2023,3\n2024,4\n");
    apply_ok(&mut session, &site, &["data/flows.csv"]);
    assert_eq!(cells(&session), ["3", "4"]);
    assert_matches_cold(&site, &session);
}

#[test]
fn an_edit_to_an_ignored_file_changes_nothing() {
    let site = SiteTest::fixture(FIXTURE);
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        config.replacen(
            "taxonomies = [",
            "ignored_content = [\"**/notes-*.md\"]\nignored_static = [\"*.psd\"]\ntaxonomies = [",
            1,
        ),
    );
    let mut session = session_for(&site);
    site.write("content/security/notes-wip.md", "+++\ntitle = \n+++\n");
    site.write("static/cover.psd", "layers");
    let update = apply_ok(
        &mut session,
        &site,
        &["content/security/notes-wip.md", "static/cover.psd"],
    );
    assert!(!update.full, "{update:?}");
    assert!(update.changed.is_empty(), "{update:?}");
    let paths = [
        site.path("content/security/notes-wip.md"),
        site.path("static/cover.psd"),
    ];
    assert!(session.sources_among(&paths).is_empty());
    assert_matches_cold(&site, &session);
}

#[test]
fn after_a_template_edit_the_pages_browsers_show_come_first_and_the_rest_follows() {
    let site = SiteTest::fixture(FIXTURE);
    let mut session = session_for(&site);
    // The site's own copy of a theme partial, made with every analysis page.
    let rel = "templates/partials/page_meta.html";
    let theme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/templates/partials/page_meta.html"),
    )
    .expect("the theme's partial");
    site.write(rel, &theme);
    apply_ok(&mut session, &site, &[rel]);
    assert_matches_cold(&site, &session);

    let shown = "security/training/index.html";
    session.viewing(vec![shown.to_owned(), "no/such/page/index.html".to_owned()]);
    site.write(rel, format!("<span hidden>a new stamp</span>{theme}"));
    let first = first_ok(&mut session, &site, rel);
    assert_eq!(first.changed, [shown], "{first:?}");
    assert_eq!(first.rendered, 1, "{first:?}");
    assert!(String::from_utf8_lossy(&outputs_of(&session)[shown]).contains("a new stamp"));
    let rest = session
        .finish()
        .expect("the rest is left for `finish`")
        .unwrap_or_else(|d| panic!("finish failed:\n{}", diagnostics(d)));
    assert!(!rest.full, "{rest:?}");
    assert!(
        rest.changed.len() > 5 && rest.changed.iter().all(|c| c != shown),
        "{:?}",
        rest.changed
    );
    assert_matches_cold(&site, &session);

    // Nothing shown: the whole edit at once, as before.
    session.viewing(Vec::new());
    site.write(rel, &theme);
    let first = first_ok(&mut session, &site, rel);
    assert!(first.changed.len() > 5, "{first:?}");
    assert!(session.finish().is_none());
    assert_matches_cold(&site, &session);
}

#[test]
fn a_template_that_starts_reading_other_pages_tables_of_contents_rebuilds_their_values() {
    // While no template reads a page's table of contents off another page, the values
    // every list shares go without it; the edit that makes a list read it must not render
    // that list from those values.
    let site = SiteTest::fixture(FIXTURE);
    let rel = "templates/section.html";
    site.write(rel, "<!DOCTYPE html><title>{{ section.title }}</title>");
    let mut session = session_for(&site);
    site.write(
        rel,
        concat!(
            "<!DOCTYPE html><title>{{ section.title }}</title>{% if paginator is defined %}",
            "{% for p in paginator.pages %}<p>{{ p.title }}: {% for h in p.toc %}{{ h.title }};{% endfor %}</p>{% endfor %}",
            "{% else %}",
            "{% for p in section.pages %}<p>{{ p.title }}: {% for h in p.toc %}{{ h.title }};{% endfor %}</p>{% endfor %}",
            "{% endif %}"
        ),
    );
    let update = apply_ok(&mut session, &site, &[rel]);
    assert!(update.full, "{update:?}");
    assert_matches_cold(&site, &session);
    let security = String::from_utf8_lossy(&outputs_of(&session)["security/index.html"]).into_owned();
    assert!(
        security.contains("Shells for Missiles: The pipeline;What comes back;"),
        "{security}"
    );
}
