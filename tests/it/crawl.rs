//! The example site published under a project subpath, as GitHub Pages serves it: built
//! with `base_url = https://user.github.io/repo/`, served under `/repo/` by a plain static
//! server, and crawled over HTTP from the home page, every link and asset followed. The
//! theme's 404 page is also crawled as Pages shows it: at a deep, missing address.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use scraper::Html;

use crate::browser::serve;
use crate::harness::{BIN, link_targets, repo_root, resolve};

const BASE_URL: &str = "https://user.github.io/repo/";
const ORIGIN: &str = "https://user.github.io";

/// GET `path` from the server at `addr` (`127.0.0.1:PORT`): status and body.
fn get(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).expect("connect to the test server");
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    (status, raw[head_end + 4..].to_vec())
}

/// The URL paths a page at `page` (a URL path) links to on this site.
fn internal_links(page: &str, html: &str) -> Vec<String> {
    link_targets(&Html::parse_document(html))
        .into_iter()
        // A fragment alone stays on the page.
        .filter(|link| !link.starts_with('#'))
        .filter_map(|link| {
            let local = match link.strip_prefix(ORIGIN) {
                Some(rest) if rest.starts_with('/') => rest.to_owned(),
                _ => link,
            };
            resolve(page, &local)
        })
        .collect()
}

#[test]
fn the_example_site_under_a_subpath_has_no_broken_links_over_http() {
    let www = tempfile::tempdir().expect("temp dir");
    let status = Command::new(BIN)
        .arg("--root")
        .arg(repo_root())
        .args(["build", "--base-url", BASE_URL, "-o"])
        .arg(www.path().join("repo"))
        .status()
        .expect("run dossier build");
    assert!(status.success());
    let addr = serve(www.path());
    let addr = addr.trim_start_matches("http://").to_owned();

    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::from([("/repo/".to_owned(), "start".to_owned())]);
    let mut broken = Vec::new();
    while let Some((path, from)) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        if !path.starts_with("/repo/") {
            broken.push(format!("{from} links outside the base path: {path}"));
            continue;
        }
        let (status, body) = get(&addr, &path);
        if status != 200 {
            broken.push(format!("{from} → {path}: {status}"));
            continue;
        }
        if path.ends_with('/') || path.ends_with(".html") {
            for link in internal_links(&path, &String::from_utf8_lossy(&body)) {
                queue.push_back((link, path.clone()));
            }
        }
    }
    // Pages shows 404.html for any missing address, however deep.
    let deep = "/repo/no/such/deep/page/";
    let (missing, _) = get(&addr, deep);
    assert_eq!(missing, 404);
    let (_, not_found) = get(&addr, "/repo/404.html");
    let from_404 = internal_links(deep, &String::from_utf8_lossy(&not_found));
    assert!(!from_404.is_empty(), "the 404 page links nowhere");
    for link in from_404 {
        let (status, _) = get(&addr, &link);
        if status != 200 {
            broken.push(format!("404.html at {deep} → {link}: {status}"));
        }
    }

    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    // The crawl reached the whole site: every analysis, the timeline, feeds and sitemap.
    for needed in [
        "/repo/security/kursk-deployment/",
        "/repo/timeline/",
        "/repo/tags/",
        "/repo/atom.xml",
        "/repo/style.css",
        "/repo/previews.js",
    ] {
        assert!(seen.contains(needed), "the crawl never reached {needed}");
    }
    assert!(seen.len() > 80, "only {} addresses crawled", seen.len());

    // The search index, as search.js reaches it: from the header's data-index, every
    // shard, and every result's record (in its bundle) and URL.
    let (_, home) = get(&addr, "/repo/");
    let home = Html::parse_document(&String::from_utf8_lossy(&home));
    let index_base = home
        .select(&scraper::Selector::parse("a.search-link").unwrap())
        .next()
        .and_then(|a| a.value().attr("data-index"))
        .expect("a search link with data-index")
        .to_owned();
    assert_eq!(index_base, "/repo/search/");
    let fetch_json = |path: &str| -> serde_json::Value {
        let (status, body) = get(&addr, path);
        assert_eq!(status, 200, "{path}");
        serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let index = fetch_json(&format!("{index_base}index.json"));
    let mut docs: BTreeSet<u64> = BTreeSet::new();
    for n in 0..index["shards"].as_u64().expect("shards") {
        let shard = fetch_json(&format!("{index_base}terms/{n}.json"));
        for postings in shard.as_object().expect("a shard is an object").values() {
            let mut id = 0;
            for pair in postings.as_array().expect("postings").chunks(2) {
                id += pair[0].as_u64().expect("id");
                docs.insert(id);
            }
        }
    }
    assert_eq!(docs.len() as u64, index["docs"].as_u64().unwrap());
    let per = index["bundle"].as_u64().expect("ids per bundle");
    let ids = index["ids"].as_u64().expect("ids");
    let mut bundles: BTreeMap<u64, Vec<Option<serde_json::Value>>> = BTreeMap::new();
    for id in docs {
        let records = bundles.entry(id / per).or_insert_with(|| {
            let path = format!("{index_base}docs/{}.bin", id / per);
            let (status, body) = get(&addr, &path);
            assert_eq!(status, 200, "{path}");
            crate::search::bundle_records(&body, (ids - id / per * per).min(per) as usize)
        });
        let doc = records[(id % per) as usize]
            .as_ref()
            .unwrap_or_else(|| panic!("search result {id} has an empty record"));
        let url = doc["u"].as_str().expect("a URL");
        assert!(
            seen.contains(url),
            "search result {id} leads to {url}, which the crawl never reached"
        );
    }
}
