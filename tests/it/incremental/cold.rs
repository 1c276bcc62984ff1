//! Building the site cold and comparing the outputs of a `Session` with it: what every
//! incremental test checks, and the failure message that says which file and line differ.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use dossier::build::{self, BuildOptions, Mode};
use dossier::incremental::Session;

use crate::harness::SiteTest;

/// Output files by path, relative to the output folder.
pub(super) type Files = BTreeMap<String, Arc<[u8]>>;

pub(super) fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output_dir: None,
        base_url: None,
        drafts: false,
        links: None,
        profile: false,
        helper: None,
        cache_dir: None,
    }
}

pub(super) fn session_for(site: &SiteTest) -> Session {
    let mut session = Session::new(options(site.root()));
    if let Err(d) = session.rebuild() {
        panic!("the fixture does not build:\n{}", diagnostics(d));
    }
    session
}

pub(super) fn diagnostics(d: dossier::diagnostic::Diagnostics) -> String {
    d.iter().map(|d| format!("{d}\n")).collect()
}

/// A cold build of the site into a fresh folder: every output file, or the errors.
pub(super) fn cold_build(root: &Path) -> Result<Files, String> {
    let tmp = tempfile::Builder::new()
        .prefix("dossier-cold-")
        .tempdir()
        .expect("temp dir");
    let out = tmp.path().join("public");
    let opts = BuildOptions {
        output_dir: Some(out.clone()),
        ..options(root)
    };
    match build::run(&opts, Mode::Build, &()) {
        Ok(_) => Ok(read_tree(&out)),
        Err(d) => Err(diagnostics(d)),
    }
}

pub(super) fn read_tree(dir: &Path) -> Files {
    fn walk(base: &Path, dir: &Path, out: &mut Files) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base");
                let rel = rel.to_string_lossy().replace('\\', "/");
                let bytes = std::fs::read(&path).expect("read output");
                out.insert(rel, Arc::from(bytes));
            }
        }
    }
    let mut out = Files::new();
    walk(dir, dir, &mut out);
    out
}

pub(super) fn outputs_of(session: &Session) -> Files {
    let shared = session.outputs();
    let map = shared.read().unwrap_or_else(|e| e.into_inner());
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Paths whose bytes differ between two sets of outputs (appeared, disappeared, changed).
pub(super) fn differing(a: &Files, b: &Files) -> Vec<String> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// `None` when the outputs are the same; otherwise what differs, for a failure message.
pub(super) fn mismatch(expected: &Files, actual: &Files) -> Option<String> {
    let missing: Vec<&String> = expected.keys().filter(|k| !actual.contains_key(*k)).collect();
    let extra: Vec<&String> = actual.keys().filter(|k| !expected.contains_key(*k)).collect();
    let changed: Vec<&String> = expected
        .iter()
        .filter(|(k, v)| actual.get(*k).is_some_and(|a| a != *v))
        .map(|(k, _)| k)
        .collect();
    if missing.is_empty() && extra.is_empty() && changed.is_empty() {
        return None;
    }
    let first = |list: &[&String]| {
        list.iter()
            .take(8)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut report = String::new();
    if !missing.is_empty() {
        let _ = writeln!(
            report,
            "missing from the session ({}): {}",
            missing.len(),
            first(&missing)
        );
    }
    if !extra.is_empty() {
        let _ = writeln!(report, "only in the session ({}): {}", extra.len(), first(&extra));
    }
    if !changed.is_empty() {
        let _ = writeln!(report, "different bytes ({}): {}", changed.len(), first(&changed));
        let path = changed[0];
        report.push_str(&first_difference(path, &expected[path], &actual[path]));
    }
    Some(report)
}

/// The first line that differs, with a window around the first differing character.
fn first_difference(path: &str, expected: &[u8], actual: &[u8]) -> String {
    let (e, a) = (String::from_utf8_lossy(expected), String::from_utf8_lossy(actual));
    let (el, al): (Vec<&str>, Vec<&str>) = (e.lines().collect(), a.lines().collect());
    let n = el.len().max(al.len());
    for i in 0..n {
        let (x, y) = (el.get(i).copied(), al.get(i).copied());
        if x == y {
            continue;
        }
        let (x, y) = (x.unwrap_or("<no line>"), y.unwrap_or("<no line>"));
        let col = x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count();
        let window = |s: &str| -> String {
            let chars: Vec<char> = s.chars().collect();
            let start = col.saturating_sub(150);
            let end = (col + 250).min(chars.len());
            let mut w: String = chars[start.min(chars.len())..end].iter().collect();
            if start > 0 {
                w.insert(0, '…');
            }
            if end < chars.len() {
                w.push('…');
            }
            w
        };
        return format!(
            "first difference in {path}, line {} (column {}):\n  cold build: {}\n  session:    {}\n",
            i + 1,
            col + 1,
            window(x),
            window(y)
        );
    }
    format!("{path}: same lines, different bytes (line endings?)\n")
}
