//! The dependency rules between dossier's modules, checked on the source: every file under
//! `src/` is scanned for the modules it reaches through `crate::` (`use crate::model::…`,
//! `crate::write::WriteStats` in a type, `use crate::{config, parse::…}`), and each rule
//! says which modules a module never imports. A rule that breaks names the file, the line
//! and the rule.
//!
//! A module is the first part of a file's path under `src/`: `src/parse/markdown.rs` is
//! `parse`. Comment lines are skipped (an intra-doc link is not an import), and so are
//! paths through `super::`, which stay inside a module.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use crate::harness::repo_root;

/// "`from` never imports any of `never`", with the reason a reader of a failure needs.
struct Rule {
    from: &'static str,
    never: &'static [&'static str],
    why: &'static str,
}

/// `never` for a module that may import nothing else of the crate.
const ANYTHING: &[&str] = &["*"];

/// The rules that hold on today's code. Commands (`build`, `incremental`, `serve`, `init`)
/// sit above the stages: no stage reaches up to one.
#[rustfmt::skip] // One line of modules to a rule reads as a table.
const RULES: &[Rule] = &[
    Rule {
        from: "diagnostic",
        never: ANYTHING,
        why: "every stage reports through diagnostics, so they depend on no stage",
    },
    Rule {
        from: "html",
        never: ANYTHING,
        why: "escaping is a pure function of text that everything writing HTML shares",
    },
    Rule {
        from: "dates",
        never: &["config", "load", "parse", "model", "render", "write", "theme", "linkcheck", "build", "incremental", "serve", "init"],
        why: "dates are values config, parse, model and render share, so they depend on none of them",
    },
    Rule {
        from: "date_locale",
        never: ANYTHING,
        why: "a language's locale and the names it gives dates are found from glibc's data alone, for config and render",
    },
    Rule {
        from: "words",
        never: &["load", "parse", "model", "render", "write", "theme", "linkcheck", "build", "incremental", "serve", "init"],
        why: "dossier's own words and their lookup are shared by parse, model and render, so they depend on none of them",
    },
    Rule {
        from: "spans",
        never: &["config", "load", "parse", "model", "render", "write", "theme", "linkcheck", "build", "incremental", "serve", "init"],
        why: "finding where a key is written is text work every stage asks of it",
    },
    Rule {
        from: "slugs",
        never: ANYTHING,
        why: "slugs are a pure function of text",
    },
    Rule {
        from: "output_path",
        never: ANYTHING,
        why: "the one type of an output path is checked on its own terms",
    },
    Rule {
        from: "confine",
        never: &["config", "load", "parse", "model", "render", "write", "theme", "build", "incremental", "serve", "init"],
        why: "what the site folder may reach is decided before anything is read",
    },
    Rule {
        from: "charts",
        never: &["config", "load", "parse", "model", "render", "write", "theme", "linkcheck", "images", "sass", "build", "incremental", "serve", "init"],
        why: "a chart is a function of its spec and data file; the Markdown pass calls it and the plan publishes what it read",
    },
    Rule {
        from: "load",
        never: &["parse", "model", "render", "write", "theme", "build", "incremental", "serve", "init"],
        why: "load reads files as they are; parsing them is the next stage",
    },
    Rule {
        from: "config",
        never: &["parse", "model", "render", "write", "theme", "load", "build", "incremental", "serve", "init"],
        why: "the configuration is read before any content and knows no stage after it",
    },
    Rule {
        from: "parse",
        never: &["model", "render", "write", "theme", "load", "linkcheck", "build", "incremental", "serve", "init"],
        why: "parsing one file makes the values the model is built from, and knows nothing of templates or output",
    },
    Rule {
        from: "model",
        never: &["render", "write", "theme", "linkcheck", "build", "incremental", "serve", "init"],
        why: "the model is plain data that render reads, not the other way round",
    },
    Rule {
        from: "theme",
        never: &["parse", "model", "render", "write", "build", "incremental", "serve", "init"],
        why: "a theme is files to find, not content",
    },
    Rule {
        from: "render",
        never: &["load", "linkcheck", "build", "incremental", "serve", "init"],
        why: "render works on the model and templates it is given; loading and running are others' work",
    },
    Rule {
        from: "write",
        never: &["config", "parse", "model", "render", "linkcheck", "build", "incremental", "serve", "init"],
        why: "write stages and commits bytes; what they mean is not its business",
    },
    Rule {
        from: "linkcheck",
        never: &["build", "incremental", "serve", "init"],
        why: "link checking is a Sink (write's trait) and a pass over the plan, run by build",
    },
    Rule {
        from: "build",
        never: &["incremental", "serve", "init"],
        why: "the pipeline is what the commands run, not a command itself",
    },
    Rule {
        from: "incremental",
        never: &["serve", "init"],
        why: "the in-memory session knows nothing of HTTP or the watcher",
    },
];

/// One place where a module reaches another through `crate::`.
struct Import {
    line: usize,
    module: String,
}

/// A rule broken at a line of a file.
struct Violation {
    file: String,
    line: usize,
    module: String,
    source_line: String,
    rule: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: imports `{}`, breaking the rule \"{}\"\n    {}",
            self.file,
            self.line,
            self.module,
            self.rule,
            self.source_line.trim()
        )
    }
}

/// The module a file under `src/` belongs to: `parse/markdown.rs` → `parse`.
fn module_of(rel: &str) -> &str {
    let first = rel.split('/').next().unwrap_or(rel);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// Every module a file's code reaches through `crate::`, with the line (1-based).
fn imports(text: &str) -> Vec<Import> {
    // Comment lines become empty, keeping the line numbers; `crate::` in them is prose.
    let code: String = text
        .lines()
        .map(|l| if l.trim_start().starts_with("//") { "" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    let line_at = |offset: usize| code[..offset].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("crate::") {
        let start = from + found;
        from = start + "crate::".len();
        // `pub(crate)` has no `::`; `$crate::` in a macro and `my_crate::` are not ours.
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c == '$' || c == '_' || c.is_alphanumeric()) {
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d}`: the first name of each top-level item of the group.
            let group_start = from + 1;
            let mut depth = 0usize;
            let mut expect_name = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => expect_name = true,
                    c if expect_name && depth == 0 && (c.is_alphabetic() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        out.push(Import {
                            line: line_at(group_start + i),
                            module: name,
                        });
                        expect_name = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(Import {
                    line: line_at(start),
                    module: name,
                });
            }
        }
    }
    out
}

/// The rules `files` (path under `src/`, text) break.
fn violations(files: &[(String, String)], rules: &[Rule]) -> Vec<Violation> {
    let mut out = Vec::new();
    for (rel, text) in files {
        let from = module_of(rel);
        let lines: Vec<&str> = text.lines().collect();
        for import in imports(text) {
            if import.module == from || import.module == "self" {
                continue;
            }
            for rule in rules.iter().filter(|r| r.from == from) {
                if rule.never == ANYTHING || rule.never.contains(&import.module.as_str()) {
                    let never = if rule.never == ANYTHING {
                        "any other module".to_owned()
                    } else {
                        rule.never.join(", ")
                    };
                    out.push(Violation {
                        file: format!("src/{rel}"),
                        line: import.line,
                        module: import.module.clone(),
                        source_line: lines.get(import.line - 1).copied().unwrap_or("").to_owned(),
                        rule: format!("{} never imports {never}: {}", rule.from, rule.why),
                    });
                }
            }
        }
    }
    out
}

/// Every `.rs` file under `dir`, as (path relative to `dir` with `/`, text), sorted.
fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(dir)
                    .expect("under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text =
                    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn modules_import_only_what_the_dependency_rules_allow() {
    let files = rust_files(&repo_root().join("src"));
    // A rule about a module that was renamed or merged away would pass for ever: refuse it.
    let modules: BTreeSet<&str> = files.iter().map(|(rel, _)| module_of(rel)).collect();
    for rule in RULES {
        for name in std::iter::once(&rule.from).chain(rule.never.iter().filter(|n| **n != "*")) {
            assert!(
                modules.contains(name),
                "a dependency rule names `{name}`, which is no module under src/ (modules: {modules:?})"
            );
        }
    }
    let broken = violations(&files, RULES);
    assert!(
        broken.is_empty(),
        "{} imports break the dependency rules (tests/it/architecture.rs):\n{}",
        broken.len(),
        broken
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The scanner finds plain, nested and grouped imports at their lines and skips what is
/// not an import, so the rules cannot pass because it found nothing.
#[test]
fn the_scanner_finds_imports_at_their_lines() {
    let text = "\
//! See [`Site`](crate::render::Site): prose, not an import.
use crate::model::Site;
use crate::{
    config::Config,
    parse::{self, markdown},
};
pub(crate) fn f(x: crate::write::WriteStats) {}
macro_rules! m { () => { $crate::load::x() } }
use super::sibling;
";
    let found = imports(text);
    let found: Vec<(usize, &str)> = found.iter().map(|i| (i.line, i.module.as_str())).collect();
    assert_eq!(found, [(2, "model"), (4, "config"), (5, "parse"), (7, "write")]);
}

#[test]
fn a_broken_rule_names_the_file_the_line_and_the_rule() {
    let files = vec![
        (
            "parse/markdown.rs".to_owned(),
            "use crate::config::Config;\n\nuse crate::model::Site;\n".to_owned(),
        ),
        (
            "slugs.rs".to_owned(),
            "use crate::diagnostic::Diagnostic;\n".to_owned(),
        ),
        // A file of another module may import model.
        ("render/mod.rs".to_owned(), "use crate::model::Site;\n".to_owned()),
    ];
    let rules = [
        Rule {
            from: "parse",
            never: &["model"],
            why: "a test rule",
        },
        Rule {
            from: "slugs",
            never: ANYTHING,
            why: "a leaf",
        },
    ];
    let broken: Vec<String> = violations(&files, &rules).iter().map(|v| v.to_string()).collect();
    assert_eq!(
        broken,
        [
            "src/parse/markdown.rs:3: imports `model`, breaking the rule \"parse never imports model: a test rule\"\n    use crate::model::Site;",
            "src/slugs.rs:1: imports `diagnostic`, breaking the rule \"slugs never imports any other module: a leaf\"\n    use crate::diagnostic::Diagnostic;",
        ]
    );
}

/// The module path a file under `src/` defines: `render/timeline/mod.rs` → `render::timeline`.
fn module_path(rel: &str) -> Vec<String> {
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut parts: Vec<String> = rel.split('/').map(str::to_owned).collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

/// Every path a file's code names through `crate::` or `super::`, as module paths from
/// the crate's root, with groups (`crate::a::{b, c::d}`) expanded.
fn paths_named(rel: &str, text: &str) -> Vec<Vec<String>> {
    let code: String = text
        .lines()
        .map(|l| if l.trim_start().starts_with("//") { "" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    let own = module_path(rel);
    let mut out = Vec::new();
    for (start, _) in code.match_indices("::") {
        // The word before this `::`: a path starts at `crate` or at a run of `super`s.
        let head_start = code[..start]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |i| i + 1);
        let head = &code[head_start..start];
        if head.contains("::") || code[..head_start].ends_with('$') {
            continue; // Not the first `::` of its path, or `$crate` in a macro.
        }
        let base: Vec<String> = match head {
            "crate" => Vec::new(),
            // `super` in `a/b.rs` (module a::b) is `a`; in `a/b/mod.rs` (a::b) it is `a`.
            "super" => own[..own.len().saturating_sub(1)].to_vec(),
            _ => continue,
        };
        let mut tree = &code[start + 2..];
        let mut base = base;
        // Further `super::`s climb on.
        while let Some(rest) = tree.strip_prefix("super::") {
            base.pop();
            tree = rest;
        }
        expand(tree, base, &mut out);
    }
    out
}

/// The paths of a use tree (`a::b`, `a::{b, c::{d, self}}`) after `base`.
fn expand(tree: &str, mut base: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut rest = tree.trim_start();
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut item_start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        expand(&group[item_start..i], base.clone(), out);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&group[item_start..i], base.clone(), out);
                        item_start = i + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() || name == "self" {
            break;
        }
        base.push(name.clone());
        rest = &rest[name.len()..];
        match rest.strip_prefix("::") {
            Some(next) => rest = next.trim_start(),
            None => break,
        }
    }
    if !base.is_empty() {
        out.push(base);
    }
}

/// The file a module path lands in: the longest prefix of it that is a file of `files`.
fn file_of<'a>(path: &[String], files: &'a BTreeSet<Vec<String>>) -> Option<&'a Vec<String>> {
    (1..=path.len()).rev().find_map(|n| files.get(&path[..n]))
}

/// Files that import each other in a loop, each loop as its files in order.
fn circles(files: &[(String, String)]) -> Vec<Vec<String>> {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(rel, _)| module_path(rel)).collect();
    let name = |m: &Vec<String>| {
        files
            .iter()
            .find(|(rel, _)| module_path(rel) == *m)
            .map_or_else(|| m.join("::"), |(rel, _)| format!("src/{rel}"))
    };
    let mut edges: std::collections::BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = Default::default();
    for (rel, text) in files {
        let from = module_path(rel);
        for path in paths_named(rel, text) {
            if let Some(to) = file_of(&path, &modules)
                // A module's own children and parents are its parts and its whole: `mod.rs`
                // declaring its files, and a file reaching its folder's shared items, are
                // not loops between rooms.
                && !to.starts_with(&from)
                && !from.starts_with(to)
            {
                edges.entry(from.clone()).or_default().insert(to.clone());
            }
        }
    }
    // Depth-first search from every file; a path back to a file on the stack is a loop.
    let mut found: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in &modules {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == start {
                    let mut ring: Vec<String> = path.iter().map(name).collect();
                    // One loop, however it was entered: start it at its smallest file.
                    let min = (0..ring.len()).min_by_key(|i| ring[*i].clone()).unwrap_or(0);
                    ring.rotate_left(min);
                    found.insert(ring);
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found.into_iter().collect()
}

/// Issue 16: files that import each other (`model/site.rs` ↔ `model/timeline.rs`,
/// `render/archive.rs` ↔ `render/context.rs`, `render/mod.rs` ↔ `write.rs`) make a change
/// to one a change to all; data flows one way, so no two files may loop.
#[test]
fn no_files_import_each_other_in_a_loop() {
    let files = rust_files(&repo_root().join("src"));
    let found = circles(&files);
    assert!(
        found.is_empty(),
        "files that import each other in a loop:\n{}",
        found
            .iter()
            .map(|ring| format!("  {} → back to the first", ring.join(" → ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The loop finder sees loops through `crate::`, `super::` and groups, and not a folder's
/// `mod.rs` declaring its own files.
#[test]
fn the_loop_finder_sees_loops_through_every_kind_of_path() {
    let file = |rel: &str, text: &str| (rel.to_owned(), text.to_owned());
    let files = vec![
        file("model/site.rs", "use crate::model::timeline::Event;\n"),
        file("model/timeline.rs", "use super::{ids::PageId, site::Site};\n"),
        file("model/ids.rs", ""),
        file(
            "model/mod.rs",
            "pub(crate) mod site;\npub(crate) mod timeline;\nuse self::site::Site;\n",
        ),
        file("render/archive.rs", "use super::context::insert;\n"),
        file(
            "render/context.rs",
            "fn f() -> crate::render::archive::Path { todo!() }\n",
        ),
        file("render/mod.rs", "use crate::write::Sink;\n"),
        file("write.rs", "use crate::{diagnostic::D, render::{self, Job}};\n"),
        file("diagnostic.rs", ""),
        // One way only: no loop.
        file("parse/events.rs", "use crate::dates::EventDate;\n"),
        file("dates.rs", ""),
    ];
    assert_eq!(
        circles(&files),
        [
            vec!["src/model/site.rs", "src/model/timeline.rs"],
            vec!["src/render/archive.rs", "src/render/context.rs"],
            vec!["src/render/mod.rs", "src/write.rs"],
        ]
    );
}
