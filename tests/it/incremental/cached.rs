//! The build cache under random edits: after each batch of the random editor's changes (the
//! same as `serve`'s randomised test makes), a build with `--cache-dir` into a new folder,
//! as CI makes one, must equal a cold build of the same tree, byte for byte; a build that
//! fails must fail with the cache too and leave the cache as it was. Between batches the
//! test sometimes damages a file of the cache (a byte changed, or the file cut short),
//! which must cost time and never an output.
//!
//! `DOSSIER_CACHE_FUZZ_SEED=<seed>` replays a failing run, `DOSSIER_CACHE_FUZZ_OPS=<n>`
//! sets how many operations to make.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use dossier::build::{self, BuildOptions, Mode};

use super::cold::{Files, cold_build, diagnostics, mismatch, options, read_tree};
use super::editor::{Editor, op_at, total_weight};
use super::env_or;
use crate::harness::SiteTest;

const DEFAULT_SEED: u64 = 0xCAC4_E5EE_D202_6120;
const DEFAULT_OPS: usize = 70;

/// What a cached build did besides its outputs.
struct Took {
    /// Outputs taken from the cache.
    reused: usize,
    /// Whether some outputs kept the last build's fingerprints (an edit that changed only
    /// some pages' own output).
    carried: bool,
}

/// A build of `root` with the cache in `cache` into a new folder: its outputs and what it
/// took from the cache, or the errors.
fn cached_build(root: &Path, cache: &Path) -> Result<(Files, Took), String> {
    let tmp = tempfile::Builder::new()
        .prefix("dossier-cached-")
        .tempdir()
        .expect("temp dir");
    let out = tmp.path().join("public");
    let opts = BuildOptions {
        output_dir: Some(out.clone()),
        cache_dir: Some(cache.to_path_buf()),
        ..options(root)
    };
    match build::run(&opts, Mode::Build, &()) {
        Ok(report) => {
            let took = report.cache.map_or(
                Took {
                    reused: 0,
                    carried: false,
                },
                |c| Took {
                    reused: c.reused,
                    carried: c.fingerprinted < c.reused + c.rendered,
                },
            );
            Ok((read_tree(&out), took))
        }
        Err(d) => Err(diagnostics(d)),
    }
}

/// Every file of the cache folder with its bytes, by path.
fn cache_files(cache: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(cache)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read a cache file");
            (e.path().to_path_buf(), bytes)
        })
        .collect()
}

/// Damages one file of the cache, chosen at random: a byte changed, or the file cut to
/// half its length. Returns what it did, for the log.
fn damage(cache: &Path, ed: &mut Editor) -> Option<String> {
    let files: Vec<PathBuf> = cache_files(cache).into_keys().collect();
    if files.is_empty() {
        return None;
    }
    let path = ed.rng.pick(&files).clone();
    let mut bytes = std::fs::read(&path).expect("read a cache file");
    if bytes.is_empty() {
        return None;
    }
    let what = if ed.rng.chance(0.3) {
        bytes.truncate(bytes.len() / 2);
        "cut short"
    } else {
        let at = ed.rng.below(bytes.len());
        // Never the same byte again: a change.
        bytes[at] = bytes[at].wrapping_add(1 + ed.rng.below(255) as u8);
        "a byte changed"
    };
    // Objects may be hard links to an output folder of an earlier build: written anew,
    // not in place, as damage on a disk or in a restored archive would be.
    std::fs::remove_file(&path).expect("remove a cache file");
    std::fs::write(&path, bytes).expect("write a cache file");
    let rel = path.strip_prefix(cache).unwrap_or(&path).display().to_string();
    Some(format!("  cache: {rel} {what}"))
}

#[test]
fn random_edits_and_damage_never_make_a_cached_build_differ_from_a_cold_one() {
    let seed: u64 = env_or("DOSSIER_CACHE_FUZZ_SEED", DEFAULT_SEED);
    let total_ops: usize = env_or("DOSSIER_CACHE_FUZZ_OPS", DEFAULT_OPS);
    let started = Instant::now();
    let site = SiteTest::fixture(super::FIXTURE);
    let cache_dir = tempfile::Builder::new()
        .prefix("dossier-cache-")
        .tempdir()
        .expect("temp dir");
    let cache = cache_dir.path().join("cache");
    if let Err(e) = cached_build(site.root(), &cache) {
        panic!("the fixture does not build with the cache:\n{e}");
    }

    let mut ed = Editor::new(site.root(), seed);
    let weight_total = total_weight();
    let (mut ops_done, mut batches, mut failed, mut reused, mut damaged) = (0, 0, 0, 0, 0);
    let mut carried = 0;
    let mut last_failed = false;
    while ops_done < total_ops {
        batches += 1;
        ed.begin_batch(batches, last_failed);
        let size = ed.rng.range(1, 3);
        let mut made = 0;
        while made < size {
            let op = op_at(ed.rng.below(weight_total));
            if ed.run(op) {
                made += 1;
            }
            if ed.away.is_some() {
                break;
            }
        }
        ops_done += made;
        if ed.rng.chance(0.25)
            && let Some(what) = damage(&cache, &mut ed)
        {
            ed.log.push(what);
            damaged += 1;
        }

        let report = |what: String| -> String {
            format!(
                "seed {seed:#x} (replay with DOSSIER_CACHE_FUZZ_SEED={seed:#x}), batch {batches}: {what}\n\
                 --- operations\n{}",
                ed.log.join("\n")
            )
        };
        let before = cache_files(&cache);
        match (cold_build(site.root()), cached_build(site.root(), &cache)) {
            (Ok(expected), Ok((outputs, taken))) => {
                if let Some(diff) = mismatch(&expected, &outputs) {
                    panic!(
                        "{}",
                        report(format!("the cached build differs from a cold build\n{diff}"))
                    );
                }
                reused += taken.reused;
                carried += usize::from(taken.carried);
                last_failed = false;
            }
            (Err(_), Err(_)) => {
                failed += 1;
                last_failed = true;
                let after = cache_files(&cache);
                if after != before {
                    let changed: Vec<_> = before
                        .keys()
                        .chain(after.keys())
                        .filter(|p| before.get(*p) != after.get(*p))
                        .collect();
                    panic!(
                        "{}",
                        report(format!("a failed build changed the cache: {changed:?}"))
                    );
                }
            }
            (Ok(_), Err(e)) => panic!(
                "{}",
                report(format!("the cached build fails but a cold build succeeds:\n{e}"))
            ),
            (Err(e), Ok(_)) => panic!(
                "{}",
                report(format!("the cached build succeeds but a cold build fails:\n{e}"))
            ),
        }
    }
    eprintln!(
        "cache fuzz: seed {seed:#x}, {ops_done} operations in {batches} batches ({failed} failing builds, \
         {damaged} times damaged, {reused} outputs taken from the cache, {carried} builds keeping \
         fingerprints) in {:.1?}",
        started.elapsed()
    );
    assert!(
        failed * 4 < batches,
        "too many failing batches ({failed} of {batches}): the test mostly checks failures"
    );
    assert!(reused > 0, "no output was ever taken from the cache");
    assert!(
        carried > 0,
        "no build kept the last build's fingerprints: the edits never changed pages' own output alone"
    );
}
