//! No input makes a stage super-linear, and none makes dossier panic: deep nesting,
//! brackets, emphasis, callouts, footnotes, links and citations by the thousand, pages
//! with thousands of tags. Work is bounded by comparing an input with one eight times
//! larger, measured in the same test (the fastest of a few runs, since noise on a busy
//! machine only adds time), against a bound far below what quadratic work gives.

use std::path::Path;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use crate::fragments::{FRAGMENTS, Input, World, inputs, scale_for};
use crate::harness::*;

/// The Markdown pass over `small`, then over `large`: how many times more it cost per KB.
/// A suspicious ratio is measured again with more runs, so one stall does not fail a test.
fn growth_per_kb(world: &World, small: &str, large: &str) -> f64 {
    let ratio = |runs| {
        let t1 = world.time(small, runs).max(Duration::from_micros(1));
        let t8 = world.time(large, runs);
        (t8.as_secs_f64() / large.len() as f64) / (t1.as_secs_f64() / small.len() as f64)
    };
    let first = ratio(3);
    if first < 2.0 { first } else { first.min(ratio(7)) }
}

/// A site with one page `a.md` holding `body`.
fn site_with(front: &str, body: &str) -> SiteTest {
    SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"Hostile\"\ntaxonomies = [{ name = \"tags\", feed = true }]\n",
        )
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        .file("content/x.md", "+++\ntitle = \"X\"\n+++\nThe page links go to.\n")
        .file("content/a.md", format!("{front}{body}"))
}

/// The Markdown stage's time from `dossier build --timings`.
fn markdown_stage(out: &Output) -> Duration {
    let line = out
        .stdout
        .lines()
        .chain(out.stderr.lines())
        .find(|l| l.contains("markdown and highlighting"))
        .unwrap_or_else(|| panic!("no Markdown timing\n{out}"));
    let mut words = line.split_whitespace();
    let (Some(n), Some(unit)) = (words.next(), words.next()) else {
        panic!("cannot read {line:?}")
    };
    let n: f64 = n.parse().unwrap_or_else(|_| panic!("cannot read {line:?}"));
    Duration::from_secs_f64(match unit {
        "s" => n,
        "ms" => n / 1e3,
        "µs" => n / 1e6,
        _ => panic!("unknown unit in {line:?}"),
    })
}

/// 80,000 `>` (80,000 blockquotes, each inside the last) took 64 times as long as 10,000,
/// not 8: each blockquote scanned the rest of the quote for its end before checking for
/// a callout marker. 100,000 took 52 s to build.
#[test]
fn deeply_nested_blockquotes_build_in_linear_time() {
    let world = World::new(false);
    let small = format!("Intro.\n\n{}\n", ">".repeat(10_000));
    let large = format!("Intro.\n\n{}\n", ">".repeat(80_000));
    let growth = growth_per_kb(&world, &small, &large);
    assert!(
        growth < 2.5,
        "80k `>` cost {growth:.1}× as much per KB as 10k (quadratic: 8×)"
    );

    // And the whole build of such a page, through templates, search index and feeds.
    let site = site_with("+++\ntitle = \"Deep\"\n+++\n", &large);
    let out = site.run(&["build", "--timings"]);
    out.assert_success();
    let page = site.output_text("/a/");
    assert_eq!(page.matches("<blockquote>").count(), 80_000);
    assert!(markdown_stage(&out) < Duration::from_secs(20), "{out}");
}

/// Every hostile fragment alone, at 4 KB and at 32 KB (cited sources at 0.5 and 4): no panic, and the larger costs
/// at most a few times as much per KB (quadratic work would cost eight times as much).
#[test]
fn every_hostile_fragment_costs_linear_work() {
    let world = World::new(false);
    let cited = World::new(true);
    let mut report = Vec::new();
    for (i, (name, _)) in FRAGMENTS.iter().enumerate() {
        // Citations of real sources go through the CSL engine, about a millisecond each
        // (unoptimised, more): smaller sizes keep the test short.
        let (world, size) = if name.contains("unknown keys") {
            (&cited, 512)
        } else {
            (&world, 4 * 1024)
        };
        let input = Input::one(i, 1);
        let small = input.body(scale_for(&input, size));
        let large = input.body(scale_for(&input, 8 * small.len()));
        let growth = growth_per_kb(world, &small, &large);
        report.push(format!("{name}: {growth:.2}×"));
        assert!(
            growth < 3.75,
            "{name}: {} KB cost {growth:.1}× as much per KB as {} KB\n{}",
            large.len() / 1024,
            small.len() / 1024,
            report.join("\n")
        );
    }
    println!("{}", report.join("\n"));
}

proptest! {
    #![proptest_config(Config {
        cases: 16,
        rng_seed: RngSeed::Fixed(14),
        failure_persistence: None,
        ..Config::default()
    })]

    /// Mixes of up to four fragments: the Markdown pass never panics, and at eight times
    /// the size costs less than 30 times as much (3.75× per KB).
    #[test]
    fn hostile_markdown_never_panics_and_costs_linear_work(input in inputs(64)) {
        let world = World::new(false);
        let small = input.body(scale_for(&input, 8 * 1024));
        let large = input.body(scale_for(&input, 8 * small.len()));
        let growth = growth_per_kb(&world, &small, &large);
        prop_assert!(growth < 3.75, "{}: {growth:.1}× per KB", input.describe());
    }
}

/// Front matter a writer might get wrong, or an attacker might write.
const FRONT_MATTER: &[&str] = &[
    "+++\ntitle = \"A\"\ndate = 2024-02-30\n+++\n",
    "+++\ntitle = \"unterminated\n+++\n",
    "---\ntitle: [a\n---\n",
    "+++\ntitle = \"A\"\n[taxonomies]\ntags = [1, 2]\n+++\n",
    "+++\ntitle = \"A\"\n",
    "+++\ntitle = \"A\"\naliases = [\"../../etc\", \"/\", \"\"]\nweight = -1\n+++\n",
    "+++\ntitle = \"A\"\nevents = [{ date = \"2024\", title = \"\" }, { date = \"x\" }]\n+++\n",
    "+++\ntitle = \"A\"\n[extra]\na = { b = { c = { d = [[[1]]] } } }\n+++\n",
    "+++\n+++\n",
    "\u{feff}+++\ntitle = \"BOM\"\n+++\n",
];

/// Hostile text for a title or a tag, as a TOML string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn front_matter(raw: Option<usize>, title: &str, tags: &[String]) -> String {
    if let Some(i) = raw {
        return FRONT_MATTER[i % FRONT_MATTER.len()].to_owned();
    }
    let tags: Vec<String> = tags.iter().map(|t| toml_string(t)).collect();
    format!(
        "+++\ntitle = {}\ndate = 2024-10-01\n[taxonomies]\ntags = [{}]\n+++\n",
        toml_string(title),
        tags.join(", ")
    )
}

proptest! {
    #![proptest_config(Config {
        cases: 8,
        rng_seed: RngSeed::Fixed(14),
        failure_persistence: None,
        ..Config::default()
    })]

    /// A small site built from hostile front matter and Markdown: the build succeeds or
    /// reports errors, and never panics.
    #[test]
    fn hostile_pages_build_without_panicking(
        input in inputs(8),
        raw in prop::option::of(0..FRONT_MATTER.len()),
        title in "\\PC{0,12}",
        tags in prop::collection::vec("\\PC{0,8}", 0..12),
    ) {
        let front = front_matter(raw, &title, &tags);
        let site = site_with(&front, &input.body(1));
        let out = site.build();
        out.assert_no_panic();
        prop_assert!(matches!(out.code, Some(0 | 1)), "{}\n{out}", input.describe());
    }
}

/// Bytes of every file under `dir`.
fn bytes_under(dir: &Path) -> u64 {
    walk(dir)
        .iter()
        .map(|p| p.metadata().map_or(0, |m| m.len()))
        .sum()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// A dated analysis with `n` tags (so an event on the timeline), with tag feeds.
fn tagged_site(n: usize) -> SiteTest {
    let tags: Vec<String> = (0..n).map(|i| format!("\"tag {i}\"")).collect();
    site_with(
        &format!(
            "+++\ntitle = \"Many tags\"\ndate = 2024-10-01\n[taxonomies]\ntags = [{}]\n+++\n",
            tags.join(", ")
        ),
        "Troops moved.\n",
    )
}

/// 4,000 tags on one analysis wrote 1.5 GB: each term's feed listed every tag of the
/// entry as a category, and each term page and term timeline listed every tag of the
/// event in its `data-terms`, so the output grew with the square of the tags.
#[test]
fn a_page_with_four_thousand_tags_writes_linear_output() {
    let small = tagged_site(1000);
    small.build_ok();
    let large = tagged_site(4000);
    large.build_ok();
    let (b1, b4) = (
        bytes_under(&small.path("public")),
        bytes_under(&large.path("public")),
    );
    // Linear: about four times; quadratic would be sixteen.
    assert!(b4 < 5 * b1, "1,000 tags wrote {b1} bytes, 4,000 wrote {b4}");
    assert!(b4 < 200_000_000, "4,000 tags wrote {b4} bytes");

    let feed = large.output_text("/tags/tag-1/atom.xml");
    assert_eq!(feed.matches("<category ").count(), 20, "{feed}");
    let term_page = large.output_text("/tags/tag-1/");
    assert!(term_page.contains("Many tags"), "{term_page}");
    assert!(
        !term_page.contains("tags/tag-3999"),
        "the term page lists every tag"
    );
    // The timeline's filter still knows every term of the event.
    let timeline = large.output_text("/timeline/");
    assert!(timeline.contains("tags/tag-3999"), "the filter lost terms");
}
