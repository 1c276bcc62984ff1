//! Work per KB of hostile Markdown: no input may make the Markdown pass super-linear.
//!
//! `cargo bench --bench markdown -- [SECONDS] [NAME…]` (60 s by default; names pick
//! fragments) first renders every
//! fragment of `tests/it/fragments.rs` alone at about 64 KB and 512 KB and prints the
//! time per KB of both (a linear pass keeps them about equal; a quadratic one multiplies
//! the second by eight), beside the same for pulldown-cmark alone, then renders random mixes of fragments (proptest's generator,
//! a fixed seed) at about 64 KB until the time is up. It prints the cases tried and the
//! slowest inputs per KB, with what they were; the slowest mixes are measured at 512 KB
//! too.

use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

#[allow(dead_code)]
#[path = "../tests/it/fragments.rs"]
mod fragments;

use fragments::{FRAGMENTS, Input, World, inputs, scale_for, time_parser, us_per_kb};

const SMALL: usize = 64 * 1024;

struct Measured {
    input: Input,
    scale: usize,
    bytes: usize,
    us_per_kb: f64,
}

fn measure(world: &World, input: &Input, bytes: usize, runs: usize) -> Measured {
    let scale = scale_for(input, bytes);
    let body = input.body(scale);
    let took = world.time(&body, runs);
    Measured {
        input: input.clone(),
        scale,
        bytes: body.len(),
        us_per_kb: us_per_kb(took, body.len()),
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let seconds: u64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(60);
    // Any other word picks the fragments whose name holds it.
    let only: Vec<&String> = args.iter().filter(|a| a.parse::<u64>().is_err()).collect();
    let world = World::new(false);
    let cited = World::new(true);

    println!(
        "{:<38} {:>9} {:>9} {:>7}   {:>9} {:>9} {:>7}",
        "fragment (µs per KB)", "64 KB", "512 KB", "growth", "parser", "512 KB", "growth"
    );
    let mut worst_growth = (0.0f64, "");
    for (i, (name, _)) in FRAGMENTS.iter().enumerate() {
        if !only.is_empty() && !only.iter().any(|o| name.contains(o.as_str())) {
            continue;
        }
        let input = Input::one(i, 1);
        let world = if name.contains("unknown keys") {
            &cited
        } else {
            &world
        };
        let small = measure(world, &input, SMALL, 3);
        let large = measure(world, &input, SMALL * 8, 2);
        let growth = large.us_per_kb / small.us_per_kb;
        if growth > worst_growth.0 {
            worst_growth = (growth, name);
        }
        let parser_small = us_per_kb(time_parser(&input.body(small.scale), 3), small.bytes);
        let parser_large = us_per_kb(time_parser(&input.body(large.scale), 2), large.bytes);
        println!(
            "{name:<38} {:>9.1} {:>9.1} {growth:>6.2}×   {parser_small:>9.1} {parser_large:>9.1} {:>6.2}×",
            small.us_per_kb,
            large.us_per_kb,
            parser_large / parser_small
        );
    }
    println!(
        "largest growth per KB from 64 KB to 512 KB: {:.2}× ({})\n",
        worst_growth.0, worst_growth.1
    );

    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = inputs(64);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tried = 0usize;
    let mut slowest: Vec<Measured> = Vec::new();
    while Instant::now() < deadline {
        let Ok(tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        let input = tree.current();
        let m = measure(&world, &input, SMALL, 1);
        tried += 1;
        slowest.push(m);
        slowest.sort_by(|a, b| b.us_per_kb.total_cmp(&a.us_per_kb));
        slowest.truncate(5);
    }
    println!("random mixes: {tried} cases tried in {seconds} s, the slowest per KB:");
    for m in &slowest {
        // Measured again, at the same size and at eight times it, to tell noise from work.
        let again = measure(&world, &m.input, m.bytes, 3);
        let large = measure(&world, &m.input, m.bytes * 8, 2);
        println!(
            "  {:>8.1} µs/KB at {} KB (again: {:.1}; at {} KB: {:.1}, growth {:.2}×), scale {}: {}",
            m.us_per_kb,
            m.bytes / 1024,
            again.us_per_kb,
            large.bytes / 1024,
            large.us_per_kb,
            large.us_per_kb / again.us_per_kb,
            m.scale,
            m.input.describe()
        );
    }
}
