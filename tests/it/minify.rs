//! Zola's `minify_html`: the example site built with it says the same things in fewer
//! bytes (every page read back with an HTML parser), the same on every build, and
//! `serve` still adds its live-reload script to minified pages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{ElementRef, Html, node::Node};

use crate::harness::*;

/// Elements whose whole text a reader sees as one run of words (when no block is inside).
const PHRASES: &str =
    "title h1 h2 h3 h4 h5 h6 p li a button label td th dt dd figcaption summary blockquote time";

/// Blocks, between which whitespace means nothing and minifying drops it.
const BLOCKS: &str = "address article aside blockquote details div dl dt dd figure figcaption footer form \
    h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tr td th ul svg";

fn is_one_of(list: &str, name: &str) -> bool {
    list.split_whitespace().any(|n| n == name)
}

/// Elements whose text is kept byte for byte (code, scripts, JSON-LD).
const VERBATIM: &[&str] = &["pre", "script", "textarea"];

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a page says, as a list of facts that minifying must not change: every element
/// with its attributes (class lists as sets of names; inline styles aside, which are
/// minified), the words of each phrase-like element, the exact text of code and scripts,
/// and every text node's words.
fn meaning(html: &Html) -> Vec<String> {
    let mut out = Vec::new();
    for node in html.root_element().descendants() {
        if let Node::Text(text) = node.value() {
            let text = words(text);
            if !text.is_empty() {
                out.push(format!("text {text}"));
            }
            continue;
        }
        let Some(element) = ElementRef::wrap(node) else {
            continue;
        };
        let name = element.value().name();
        let mut attrs: Vec<String> = element
            .value()
            .attrs()
            .filter(|(k, _)| *k != "style")
            .map(|(k, v)| match k {
                "class" => {
                    let mut names: Vec<&str> = v.split_whitespace().collect();
                    names.sort_unstable();
                    format!("class={}", names.join(" "))
                }
                // The viewport's list loses its spaces (`width=device-width,initial-scale=1`).
                "content" => format!("content={}", v.replace(", ", ",")),
                _ => format!("{k}={v}"),
            })
            .collect();
        attrs.sort();
        out.push(format!("<{name} {}>", attrs.join(" ")));
        let holds_block = || {
            element
                .descendants()
                .skip(1)
                .filter_map(ElementRef::wrap)
                .any(|e| is_one_of(BLOCKS, e.value().name()))
        };
        if is_one_of(PHRASES, name) && !holds_block() {
            out.push(format!("{name}: {}", words(&element.text().collect::<String>())));
        }
        if VERBATIM.contains(&name) {
            out.push(format!(
                "{name} verbatim: {:?}",
                element.text().collect::<String>()
            ));
        }
    }
    out
}

/// The example site built into `out`, with `minify_html` set as given.
fn build_example(site: &SiteTest, out: &Path) {
    Command::new(BIN)
        .arg("--root")
        .arg(site.root())
        .args(["build", "-o"])
        .arg(out)
        .output()
        .map(|o| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr)))
        .expect("dossier runs");
}

fn html_outputs(out: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(out)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .collect()
}

#[test]
fn minified_pages_say_the_same_in_fewer_bytes_and_the_same_on_every_build() {
    let site = SiteTest::example();
    let plain_out: PathBuf = site.path("plain");
    build_example(&site, &plain_out);
    let config = site.read("config.toml");
    site.write("config.toml", format!("minify_html = true\n{config}"));
    let (out, again) = (site.path("min"), site.path("min-again"));
    build_example(&site, &out);

    let plain = html_outputs(&plain_out);
    let minified = html_outputs(&out);
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        minified.keys().collect::<Vec<_>>(),
        "the same pages"
    );
    // Pages, sections, terms and dossier's own (timeline, graph, archive, 404).
    for own in [
        "timeline/index.html",
        "graph/index.html",
        "archive/index.html",
        "404.html",
    ] {
        assert!(minified.contains_key(own), "{own}");
    }
    let mut differences = Vec::new();
    for (path, bytes) in &minified {
        let (before, after) = (
            String::from_utf8_lossy(&plain[path]),
            String::from_utf8_lossy(bytes),
        );
        assert!(after.len() < before.len(), "{path} is not smaller");
        let (want, got) = (
            meaning(&Html::parse_document(&before)),
            meaning(&Html::parse_document(&after)),
        );
        for (a, b) in want.iter().zip(&got).filter(|(a, b)| a != b).take(3) {
            differences.push(format!("{path}:\n  plain:    {a}\n  minified: {b}"));
        }
        if want.len() != got.len() {
            differences.push(format!("{path}: {} facts against {}", want.len(), got.len()));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    let (plain_total, minified_total): (usize, usize) = (
        plain.values().map(Vec::len).sum(),
        minified.values().map(Vec::len).sum(),
    );
    assert!(
        minified_total * 100 < plain_total * 95,
        "minified {minified_total} bytes against {plain_total}"
    );
    // Files that are not HTML are as they were: feeds, the search index, stylesheets.
    let others = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        snapshot(dir)
            .into_iter()
            .filter(|(p, _)| !p.ends_with(".html"))
            .collect()
    };
    assert!(
        others(&plain_out) == others(&out),
        "a file other than HTML changed"
    );

    build_example(&site, &again);
    assert!(snapshot(&out) == snapshot(&again), "two builds differ");
}
