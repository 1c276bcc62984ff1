//! Feeds and sharing metadata: the site's, sections' and terms' Atom and RSS feeds (parsed
//! back with Python's XML parser, so they must be well-formed), and what the default theme
//! puts in `<head>` for search engines and link previews: canonical URL, description,
//! Open Graph and Twitter tags, and the JSON-LD `Article`.
//!
//! The fixture (`tests/fixtures/feeds_seo/site`) has, newest first: `notes/newest` (a
//! hostile title, no description, no authors), `reports/kursk` (a `<!-- more -->` marker,
//! two authors, two tags, a date-time with an offset and an `updated`), `notes/middle`,
//! `reports/older` (two paragraphs, no marker) and `reports/undated`; plus a draft and a
//! `render = false` page that no feed may carry. `reports/` has `generate_feeds = true`.

use std::process::Command;

use serde_json::Value;

use crate::harness::*;

const FIXTURE: &str = "feeds_seo/site";
const SUBPATH: &str = "https://user.github.io/repo/";

const NEWEST: &str = "Newest </script><script>alert(1)</script> & co";
const KURSK: &str = "Kursk deployment";
const MIDDLE: &str = "Middle note";
const OLDER: &str = "Older report";
const UNDATED: &str = "Undated report";
/// Every rendered analysis, newest first (the undated one last).
const ALL_NEWEST_FIRST: [&str; 5] = [NEWEST, KURSK, MIDDLE, OLDER, UNDATED];

const KURSK_DESCRIPTION: &str = "Troops \"moved\" to <b>Kursk</b> & stayed";
/// Only in the part of the Kursk page after `<!-- more -->`.
const AFTER_MORE: &str = "AFTER-MORE-MARKER";
/// Only in the second paragraph of the older report, which has no `<!-- more -->`.
const SECOND_PARAGRAPH: &str = "SECOND-PARAGRAPH-MARKER";

// ---------------------------------------------------------------------------------------
// Helpers

/// Sets a top-level `key = value` in the site's config.toml (replacing the line that sets
/// it, or adding one at the end) and returns the 1-based line it is on.
fn set_config(site: &SiteTest, key: &str, value: &str) -> usize {
    let text = site.read("config.toml");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let line = format!("{key} = {value}");
    let at = match lines
        .iter()
        .position(|l| l.split('=').next().is_some_and(|k| k.trim() == key))
    {
        Some(i) => {
            lines[i] = line;
            i
        }
        None => {
            lines.push(line);
            lines.len() - 1
        }
    };
    site.write("config.toml", lines.join("\n") + "\n");
    at + 1
}

fn site_with(settings: &[(&str, &str)]) -> SiteTest {
    let site = SiteTest::fixture(FIXTURE);
    for (key, value) in settings {
        set_config(&site, key, value);
    }
    site
}

fn build_at_subpath(site: &SiteTest) {
    site.run(&["build", "--base-url", SUBPATH]).assert_success();
}

/// Parses a feed with Python's XML parser and describes it as JSON. Fails on anything not
/// well-formed, on a date that is not RFC 3339 (Atom) or RFC 2822 with the right weekday
/// (RSS), and on an element that appears twice where the format allows one.
const FEED_SCRIPT: &str = r#"
import sys, json, re, email.utils, datetime
import xml.etree.ElementTree as ET

A = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML = "{http://www.w3.org/XML/1998/namespace}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
RFC2822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")

def one(el, tag, required=True):
    found = el.findall(tag)
    assert len(found) <= 1, "%d <%s>" % (len(found), tag)
    if not found:
        assert not required, "no <%s>" % tag
        return None
    return found[0].text or ""

def atom_date(s):
    if s is None:
        return None
    assert RFC3339.match(s), "not RFC 3339: %r" % s
    datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return s

def rss_date(s):
    if s is None:
        return None
    assert RFC2822.match(s), "not RFC 2822: %r" % s
    d = email.utils.parsedate_to_datetime(s)
    assert d.strftime("%a") == s[:3], "wrong weekday: %r" % s
    return {"raw": s, "iso": d.isoformat()}

def links(el):
    return [dict(l.attrib) for l in el.findall(A + "link")]

root = ET.parse(sys.argv[1]).getroot()
if root.tag == A + "feed":
    out = {
        "format": "atom",
        "lang": root.get(XML + "lang"),
        "title": one(root, A + "title"),
        "subtitle": one(root, A + "subtitle", False),
        "links": links(root),
        "id": one(root, A + "id"),
        "updated": atom_date(one(root, A + "updated")),
        "entries": [],
    }
    for e in root.findall(A + "entry"):
        contents = e.findall(A + "content")
        assert len(contents) == 1, "%d <content>" % len(contents)
        out["entries"].append({
            "title": one(e, A + "title"),
            "links": links(e),
            "id": one(e, A + "id"),
            "published": atom_date(one(e, A + "published", False)),
            "updated": atom_date(one(e, A + "updated")),
            "authors": [one(a, A + "name") for a in e.findall(A + "author")],
            "categories": [dict(c.attrib) for c in e.findall(A + "category")],
            "summary": one(e, A + "summary", False),
            "content_type": contents[0].get("type"),
            "content": contents[0].text or "",
        })
elif root.tag == "rss":
    assert root.get("version") == "2.0", root.get("version")
    channels = root.findall("channel")
    assert len(channels) == 1, "%d <channel>" % len(channels)
    ch = channels[0]
    out = {
        "format": "rss",
        "title": one(ch, "title"),
        "link": one(ch, "link"),
        "description": one(ch, "description"),
        "language": one(ch, "language"),
        "atom_links": links(ch),
        "lastBuildDate": rss_date(one(ch, "lastBuildDate")),
        "items": [],
    }
    for i in ch.findall("item"):
        guids = i.findall("guid")
        assert len(guids) == 1, "%d <guid>" % len(guids)
        out["items"].append({
            "title": one(i, "title"),
            "link": one(i, "link"),
            "guid": guids[0].text or "",
            "guid_is_permalink": guids[0].get("isPermaLink"),
            "pubDate": rss_date(one(i, "pubDate", False)),
            "creators": [c.text or "" for c in i.findall(DC + "creator")],
            "categories": [c.text or "" for c in i.findall("category")],
            "description": one(i, "description"),
        })
else:
    raise AssertionError("not a feed: <%s>" % root.tag)
print(json.dumps(out))
"#;

/// The feed at a URL path of the output (`/atom.xml`), parsed (see [`FEED_SCRIPT`]).
fn feed(site: &SiteTest, url: &str) -> Value {
    let file = output_file(&site.path("public"), url);
    assert!(file.is_file(), "no feed at {url}");
    let out = Command::new("python3")
        .arg("-c")
        .arg(FEED_SCRIPT)
        .arg(&file)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{url} is not a well-formed feed:\n{}\n--- the feed\n{}",
        String::from_utf8_lossy(&out.stderr),
        site.output_text(url)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

/// A feed's entries (Atom) or items (RSS).
fn entries(feed: &Value) -> &Vec<Value> {
    let key = if feed["format"] == "atom" {
        "entries"
    } else {
        "items"
    };
    feed[key].as_array().expect("a list of entries")
}

fn titles(feed: &Value) -> Vec<String> {
    entries(feed).iter().map(|e| string(&e["title"])).collect()
}

/// The entry (Atom) or item (RSS) with this title.
fn entry<'a>(feed: &'a Value, title: &str) -> &'a Value {
    entries(feed)
        .iter()
        .find(|e| e["title"] == title)
        .unwrap_or_else(|| panic!("no entry {title:?} in {feed:#}"))
}

/// An entry's HTML: Atom's `content` or RSS's `description`.
fn entry_html(feed: &Value, title: &str) -> String {
    let e = entry(feed, title);
    string(if feed["format"] == "atom" {
        &e["content"]
    } else {
        &e["description"]
    })
}

fn string(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The `href` of the Atom link with this `rel`.
fn atom_link(links: &Value, rel: &str) -> String {
    let found: Vec<&Value> = links
        .as_array()
        .expect("links")
        .iter()
        .filter(|l| l["rel"] == rel)
        .collect();
    assert_eq!(found.len(), 1, "one link rel={rel} expected in {links}");
    string(&found[0]["href"])
}

/// Every feed file in the output, relative to `public/`.
fn feed_files(site: &SiteTest) -> Vec<String> {
    snapshot(&site.path("public"))
        .into_keys()
        .filter(|f| f.ends_with("atom.xml") || f.ends_with("rss.xml"))
        .collect()
}

const ATOM_LINK: &str = "link[rel=alternate][type=\"application/atom+xml\"]";
const RSS_LINK: &str = "link[rel=alternate][type=\"application/rss+xml\"]";

/// The `href`s of the footer's "Feed" links.
fn footer_feed_links(html: &scraper::Html) -> Vec<String> {
    texts(html, "footer a")
        .into_iter()
        .zip(attrs(html, "footer a", "href"))
        .filter(|(t, _)| t == "Feed")
        .map(|(_, h)| h)
        .collect()
}

/// The text of a page's JSON-LD script, exactly as written.
fn json_ld_text(site: &SiteTest, url: &str) -> String {
    let raw = site.output_text(url);
    let opening = "<script type=\"application/ld+json\">";
    assert_eq!(
        raw.matches(opening).count(),
        1,
        "one JSON-LD script expected on {url}"
    );
    raw.split(opening)
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("a closed JSON-LD script")
        .to_owned()
}

fn json_ld(site: &SiteTest, url: &str) -> Value {
    let text = json_ld_text(site, url);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON-LD on {url} does not parse: {e}\n{text}"))
}

/// The `content` of the one `meta` with this `property` (Open Graph) or `name`.
fn meta(html: &scraper::Html, key: &str) -> String {
    let by = if key.starts_with("og:") || key.starts_with("article:") {
        "property"
    } else {
        "name"
    };
    attr(html, &format!("meta[{by}=\"{key}\"]"), "content")
}

/// The raw `<head>` of an output page.
fn head(site: &SiteTest, url: &str) -> String {
    let raw = site.output_text(url);
    raw.split("</head>").next().expect("a head").to_owned()
}

// ---------------------------------------------------------------------------------------
// 1. The site's feed

#[test]
fn site_feed_lists_every_rendered_analysis_newest_first() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    // Atom only by default; the section and the tags (feed = true) have their own.
    assert_eq!(
        feed_files(&site),
        [
            "atom.xml",
            "reports/atom.xml",
            "tags/r-d/atom.xml",
            "tags/troops/atom.xml"
        ]
    );
    let atom = feed(&site, "/atom.xml");
    assert_eq!(atom["format"], "atom");
    assert_eq!(titles(&atom), strings(&ALL_NEWEST_FIRST));
    assert_eq!(atom["title"], "Field Notes");
    assert_eq!(atom["subtitle"], "Site-wide description.");
    assert_eq!(atom["lang"], "en");
    assert_eq!(atom_link(&atom["links"], "self"), "https://example.org/atom.xml");
    assert_eq!(atom_link(&atom["links"], "alternate"), "https://example.org/");
    assert_eq!(atom["id"], "https://example.org/atom.xml");
    // The feed's <updated> is its newest entry's.
    assert_eq!(atom["updated"], "2024-12-01T00:00:00Z");
    // Neither the draft nor the page with render = false.
    let raw = site.output_text("/atom.xml");
    assert!(
        !raw.contains("Draft note") && !raw.contains("Hidden note"),
        "{raw}"
    );
}

#[test]
fn atom_entry_has_every_field() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let atom = feed(&site, "/atom.xml");
    let kursk = entry(&atom, KURSK);
    let permalink = "https://example.org/reports/kursk/";
    assert_eq!(atom_link(&kursk["links"], "alternate"), permalink);
    assert_eq!(kursk["id"], permalink);
    assert_eq!(kursk["published"], "2024-10-28T09:30:00+02:00");
    assert_eq!(kursk["updated"], "2024-11-02T00:00:00Z");
    assert_eq!(kursk["authors"], serde_json::json!(["Ann Analyst", "Bo Writer"]));
    let labels: Vec<String> = kursk["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| string(&c["label"]))
        .collect();
    assert_eq!(labels, ["troops", "R&D"]);
    assert_eq!(kursk["categories"][1]["term"], "r-d");
    assert_eq!(kursk["categories"][1]["scheme"], "tags");
    // The description, escaped in the XML and exact once parsed.
    assert_eq!(kursk["summary"], KURSK_DESCRIPTION);
    assert_eq!(kursk["content_type"], "html");
    let html = string(&kursk["content"]);
    assert!(html.contains("<p>The summary cites <a href="), "{html}");
    // A page without a description has no <summary>; without authors no <author>.
    let newest = entry(&atom, NEWEST);
    assert_eq!(newest["summary"], Value::Null);
    assert_eq!(newest["authors"], serde_json::json!([]));
    // An undated page is last, with no <published>, and still has an <updated>.
    let undated = entry(&atom, UNDATED);
    assert_eq!(undated["published"], Value::Null);
    assert!(undated["updated"].is_string());
}

#[test]
fn feeds_under_a_subpath_use_absolute_urls_with_the_base_path() {
    let site = site_with(&[("feed_filenames", "[\"atom.xml\", \"rss.xml\"]")]);
    build_at_subpath(&site);
    let atom = feed(&site, "/atom.xml");
    assert_eq!(
        atom_link(&atom["links"], "self"),
        "https://user.github.io/repo/atom.xml"
    );
    assert_eq!(atom_link(&atom["links"], "alternate"), SUBPATH);
    for e in entries(&atom) {
        let href = atom_link(&e["links"], "alternate");
        assert!(href.starts_with(SUBPATH), "{href}");
        assert_eq!(e["id"], href.as_str());
    }
    let rss = feed(&site, "/rss.xml");
    assert_eq!(rss["link"], SUBPATH);
    for i in entries(&rss) {
        assert!(string(&i["link"]).starts_with(SUBPATH), "{i}");
        assert_eq!(i["guid"], i["link"]);
    }
    // Links inside the content are absolute, with the base path.
    for f in [&atom, &rss] {
        let html = entry_html(f, KURSK);
        assert!(
            html.contains("<a href=\"https://user.github.io/repo/reports/older/\">the older report</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://user.github.io/repo/notes/\">the notes</a>"),
            "{html}"
        );
        for e in entries(f) {
            let html = entry_html(f, &string(&e["title"]));
            assert!(!html.contains("href=\"/") && !html.contains("src=\"/"), "{html}");
        }
    }
    for url in [
        "/reports/atom.xml",
        "/reports/rss.xml",
        "/tags/troops/atom.xml",
        "/tags/troops/rss.xml",
    ] {
        let raw = site.output_text(url);
        assert!(!raw.contains("https://example.org"), "{url}:\n{raw}");
        assert!(
            raw.contains("https://user.github.io/repo/reports/kursk/"),
            "{url}:\n{raw}"
        );
    }
    // The theme links the site's feeds under the base path, in <head> and the footer.
    let home = site.html("/");
    assert_eq!(attrs(&home, ATOM_LINK, "href"), ["/repo/atom.xml"]);
    assert_eq!(attrs(&home, RSS_LINK, "href"), ["/repo/rss.xml"]);
    assert_eq!(footer_feed_links(&home), ["/repo/atom.xml"]);
    let reports = site.html("/reports/");
    assert_eq!(
        attrs(&reports, ATOM_LINK, "href"),
        ["/repo/atom.xml", "/repo/reports/atom.xml"]
    );
}

// ---------------------------------------------------------------------------------------
// 2. Section and term feeds

#[test]
fn section_with_generate_feeds_has_its_own_feed() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let reports = feed(&site, "/reports/atom.xml");
    assert_eq!(titles(&reports), [KURSK, OLDER, UNDATED]);
    assert_eq!(reports["title"], "Reports · Field Notes");
    assert_eq!(
        atom_link(&reports["links"], "self"),
        "https://example.org/reports/atom.xml"
    );
    assert_eq!(
        atom_link(&reports["links"], "alternate"),
        "https://example.org/reports/"
    );
    assert_eq!(reports["updated"], "2024-11-02T00:00:00Z");
    // A section without generate_feeds has none.
    assert!(!site.exists("public/notes/atom.xml"));

    // Its page links its feed in <head>, beside the site's.
    let html = site.html("/reports/");
    assert_eq!(
        attrs(&html, ATOM_LINK, "href"),
        ["/atom.xml", "/reports/atom.xml"]
    );
    assert_eq!(
        attr(
            &html,
            &format!("{ATOM_LINK}[href=\"/reports/atom.xml\"]"),
            "title"
        ),
        "Reports"
    );
    assert_eq!(attrs(&site.html("/notes/"), ATOM_LINK, "href"), ["/atom.xml"]);
    site.assert_no_broken_links();
}

#[test]
fn term_feeds_list_each_terms_analyses_newest_first() {
    let site = site_with(&[("feed_filenames", "[\"atom.xml\", \"rss.xml\"]")]);
    site.build_ok();
    for format in ["atom.xml", "rss.xml"] {
        let troops = feed(&site, &format!("/tags/troops/{format}"));
        assert_eq!(titles(&troops), [KURSK, OLDER], "{format}");
        let rd = feed(&site, &format!("/tags/r-d/{format}"));
        assert_eq!(titles(&rd), [KURSK], "{format}");
    }
    let rss = feed(&site, "/tags/troops/rss.xml");
    assert_eq!(rss["title"], "troops · Field Notes");
    assert_eq!(rss["link"], "https://example.org/tags/troops/");
}

#[test]
fn a_page_in_eight_feeds_has_its_html_in_each_and_on_its_own_page() {
    // A build lets each page's HTML go once the last output showing it is made: the
    // page's own and every feed with an entry for it, in either format.
    let site = site_with(&[("feed_filenames", "[\"atom.xml\", \"rss.xml\"]")]);
    site.build_ok();
    let mut seen = Vec::new();
    for feed_dir in ["", "reports/", "tags/troops/", "tags/r-d/"] {
        for format in ["atom.xml", "rss.xml"] {
            let html = entry_html(&feed(&site, &format!("/{feed_dir}{format}")), KURSK);
            assert!(
                html.contains("<p>The summary cites <a href="),
                "{feed_dir}{format}: {html}"
            );
            seen.push(html);
        }
    }
    assert_eq!(seen.len(), 8);
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    let page = site.html("/reports/kursk/");
    assert!(
        text(&page, "main").contains("The summary cites"),
        "{}",
        text(&page, "main")
    );
}

#[test]
fn feed_limit_caps_every_feed() {
    let site = site_with(&[
        ("feed_limit", "2"),
        ("feed_filenames", "[\"atom.xml\", \"rss.xml\"]"),
    ]);
    site.build_ok();
    for format in ["atom.xml", "rss.xml"] {
        assert_eq!(titles(&feed(&site, &format!("/{format}"))), [NEWEST, KURSK]);
        assert_eq!(
            titles(&feed(&site, &format!("/reports/{format}"))),
            [KURSK, OLDER]
        );
        assert_eq!(
            titles(&feed(&site, &format!("/tags/troops/{format}"))),
            [KURSK, OLDER]
        );
    }
    // Lists on the site are not capped.
    assert_eq!(count(&site.html("/reports/"), ".page-list h2 a"), 3);
}

/// Adds 55 analyses dated in 2023, older than every fixture page: 60 in all.
fn with_many_pages(site: &SiteTest) {
    for i in 0..55 {
        site.write(
            &format!("content/notes/bulk-{i:02}.md"),
            format!(
                "+++\ntitle = \"Bulk {i:02}\"\ndate = 2023-{:02}-{:02}\n+++\n\nBulk note {i}.\n",
                1 + i / 28,
                1 + i % 28
            ),
        );
    }
}

#[test]
fn feeds_hold_fifty_entries_by_default() {
    let site = SiteTest::fixture(FIXTURE);
    with_many_pages(&site);
    site.build_ok();
    let atom = feed(&site, "/atom.xml");
    let titles = titles(&atom);
    assert_eq!(titles.len(), 50, "{titles:?}");
    assert_eq!(titles[..4], strings(&[NEWEST, KURSK, MIDDLE, OLDER]));
    // Then the newest of the bulk pages; the oldest ones and the undated one are cut.
    assert_eq!(titles[4], "Bulk 54");
    assert_eq!(titles[49], "Bulk 09");
    assert!(!titles.contains(&UNDATED.to_owned()));
}

#[test]
fn feed_limit_zero_keeps_every_entry() {
    let site = site_with(&[("feed_limit", "0")]);
    with_many_pages(&site);
    site.build_ok();
    let titles = titles(&feed(&site, "/atom.xml"));
    assert_eq!(titles.len(), 60, "{titles:?}");
    assert_eq!(titles[58], "Bulk 00");
    assert_eq!(titles[59], UNDATED);
}

// ---------------------------------------------------------------------------------------
// 3. Formats

#[test]
fn both_formats_are_written_for_every_feed() {
    let site = site_with(&[("feed_filenames", "[\"atom.xml\", \"rss.xml\"]")]);
    site.build_ok();
    assert_eq!(
        feed_files(&site),
        [
            "atom.xml",
            "reports/atom.xml",
            "reports/rss.xml",
            "rss.xml",
            "tags/r-d/atom.xml",
            "tags/r-d/rss.xml",
            "tags/troops/atom.xml",
            "tags/troops/rss.xml"
        ]
    );
    let rss = feed(&site, "/rss.xml");
    assert_eq!(rss["format"], "rss");
    assert_eq!(titles(&rss), strings(&ALL_NEWEST_FIRST));
    assert_eq!(rss["title"], "Field Notes");
    assert_eq!(rss["link"], "https://example.org/");
    assert_eq!(rss["description"], "Site-wide description.");
    assert_eq!(rss["language"], "en");
    let selfs = rss["atom_links"].as_array().unwrap();
    assert_eq!(selfs.len(), 1, "{selfs:?}");
    assert_eq!(selfs[0]["rel"], "self");
    assert_eq!(selfs[0]["href"], "https://example.org/rss.xml");
    assert_eq!(selfs[0]["type"], "application/rss+xml");
    assert_eq!(rss["lastBuildDate"]["iso"], "2024-12-01T00:00:00+00:00");

    let kursk = entry(&rss, KURSK);
    assert_eq!(kursk["link"], "https://example.org/reports/kursk/");
    assert_eq!(kursk["guid"], "https://example.org/reports/kursk/");
    assert_eq!(kursk["guid_is_permalink"], "true");
    assert_eq!(kursk["creators"], serde_json::json!(["Ann Analyst", "Bo Writer"]));
    assert_eq!(kursk["categories"], serde_json::json!(["troops", "R&D"]));
    // The HTML is escaped in the XML, and HTML once parsed.
    let html = string(&kursk["description"]);
    assert!(html.starts_with("<p>The summary cites <a href="), "{html}");
    let raw = site.output_text("/rss.xml");
    assert!(
        raw.contains("<description>&lt;p&gt;The summary cites &lt;a href=&quot;"),
        "{raw}"
    );
    assert_eq!(entry(&rss, UNDATED)["pubDate"], Value::Null);
    // The hostile title is escaped, not markup.
    assert_eq!(titles(&rss)[0], NEWEST);
    assert!(!raw.contains("<script>"), "{raw}");

    // Both are linked in <head>; the footer links the first.
    for url in ["/", "/reports/kursk/", "/notes/"] {
        let html = site.html(url);
        assert_eq!(attrs(&html, ATOM_LINK, "href"), ["/atom.xml"], "{url}");
        assert_eq!(attrs(&html, RSS_LINK, "href"), ["/rss.xml"], "{url}");
        assert_eq!(footer_feed_links(&html), ["/atom.xml"], "{url}");
    }
    let reports = site.html("/reports/");
    assert_eq!(
        attrs(&reports, RSS_LINK, "href"),
        ["/rss.xml", "/reports/rss.xml"]
    );
    site.assert_no_broken_links();
}

#[test]
fn rss_only() {
    let site = site_with(&[("feed_filenames", "[\"rss.xml\"]")]);
    site.build_ok();
    assert_eq!(
        feed_files(&site),
        [
            "reports/rss.xml",
            "rss.xml",
            "tags/r-d/rss.xml",
            "tags/troops/rss.xml"
        ]
    );
    assert_eq!(titles(&feed(&site, "/rss.xml")), strings(&ALL_NEWEST_FIRST));
    assert_eq!(titles(&feed(&site, "/reports/rss.xml")), [KURSK, OLDER, UNDATED]);
    let home = site.html("/");
    assert_eq!(count(&home, ATOM_LINK), 0);
    assert_eq!(attrs(&home, RSS_LINK, "href"), ["/rss.xml"]);
    assert_eq!(footer_feed_links(&home), ["/rss.xml"]);
    let reports = site.html("/reports/");
    assert_eq!(count(&reports, ATOM_LINK), 0);
    assert_eq!(
        attrs(&reports, RSS_LINK, "href"),
        ["/rss.xml", "/reports/rss.xml"]
    );
    site.assert_no_broken_links();
}

#[test]
fn unknown_feed_filename_is_a_config_error() {
    let site = SiteTest::fixture(FIXTURE);
    let line = set_config(&site, "feed_filenames", "[\"atom.xml\", \"feed.json\"]");
    let out = site.build_err();
    out.assert_stderr_has(&[
        &format!("config.toml:{line}"),
        "unknown feed file `feed.json`",
        "atom.xml",
        "rss.xml",
    ]);
}

#[test]
fn dates_are_rfc_3339_in_atom_and_rfc_2822_in_rss() {
    let site = site_with(&[("feed_filenames", "[\"atom.xml\", \"rss.xml\"]")]);
    site.build_ok();
    let atom = feed(&site, "/atom.xml");
    let rss = feed(&site, "/rss.xml");
    assert_eq!(entry(&atom, KURSK)["published"], "2024-10-28T09:30:00+02:00");
    assert_eq!(
        entry(&rss, KURSK)["pubDate"]["raw"],
        "Mon, 28 Oct 2024 09:30:00 +0200"
    );
    // A date without a time is midnight UTC.
    assert_eq!(entry(&atom, OLDER)["published"], "2024-09-01T00:00:00Z");
    assert_eq!(entry(&rss, OLDER)["pubDate"]["iso"], "2024-09-01T00:00:00+00:00");
    // Every dated entry is published at the same instant in both formats.
    for title in [NEWEST, KURSK, MIDDLE, OLDER] {
        let published = string(&entry(&atom, title)["published"]).replace('Z', "+00:00");
        assert_eq!(
            entry(&rss, title)["pubDate"]["iso"],
            published.as_str(),
            "{title}"
        );
    }
}

#[test]
fn only_root_relative_urls_in_the_content_are_made_absolute() {
    let site = site_with(&[("feed_filenames", "[\"atom.xml\", \"rss.xml\"]")]);
    site.write(
        "content/notes/cdn.md",
        "+++\ntitle = \"Links\"\ndate = 2024-11-15\n+++\n\n\
         A [script](//cdn.example.com/lib.js), [elsewhere](https://other.example/x), \
         ![a map](/map.png) and [the reports](@/reports/_index.md).\n",
    );
    site.build_ok();
    for url in ["/atom.xml", "/rss.xml"] {
        let html = entry_html(&feed(&site, url), "Links");
        assert!(
            html.contains("src=\"https://example.org/map.png\""),
            "{url}: {html}"
        );
        assert!(
            html.contains("href=\"https://example.org/reports/\""),
            "{url}: {html}"
        );
        assert!(html.contains("href=\"https://other.example/x\""), "{url}: {html}");
        // A protocol-relative URL names another host: it is not under the site.
        assert!(!html.contains("example.org//"), "{url}: {html}");
        assert!(
            html.contains("href=\"//cdn.example.com/lib.js\"")
                || html.contains("href=\"https://cdn.example.com/lib.js\""),
            "{url}: {html}"
        );
    }
}

#[test]
fn control_characters_in_front_matter_keep_the_feeds_well_formed() {
    // TOML lets a string hold any character by escape; XML 1.0 forbids most control
    // characters even as references, so they must not reach the feed as they are.
    let site = site_with(&[("feed_filenames", "[\"atom.xml\", \"rss.xml\"]")]);
    site.write(
        "content/notes/bell.md",
        "+++\ntitle = \"Bell \\u0007 ring\"\ndescription = \"Form\\ffeed\"\ndate = 2024-11-15\n+++\n\nRings.\n",
    );
    site.build_ok();
    for url in ["/atom.xml", "/rss.xml"] {
        // `feed` fails unless the file is well-formed XML.
        let f = feed(&site, url);
        assert_eq!(titles(&f).len(), 6, "{url}");
        assert!(titles(&f)[1].starts_with("Bell "), "{url}: {:?}", titles(&f));
    }
}

// ---------------------------------------------------------------------------------------
// 4. Summary or full content

#[test]
fn summary_content_stops_at_the_more_marker() {
    let site = site_with(&[("feed_filenames", "[\"atom.xml\", \"rss.xml\"]")]);
    site.build_ok();
    for url in [
        "/atom.xml",
        "/rss.xml",
        "/reports/atom.xml",
        "/tags/troops/rss.xml",
    ] {
        let f = feed(&site, url);
        let html = entry_html(&f, KURSK);
        assert!(html.contains("The summary cites"), "{url}: {html}");
        assert!(!html.contains(AFTER_MORE), "{url}: {html}");
    }
    // The page itself has everything.
    assert!(site.output_text("/reports/kursk/").contains(AFTER_MORE));
}

#[test]
fn summary_content_is_the_whole_page_without_a_more_marker() {
    let site = site_with(&[("feed_filenames", "[\"atom.xml\", \"rss.xml\"]")]);
    site.build_ok();
    for url in ["/atom.xml", "/rss.xml", "/reports/atom.xml"] {
        let f = feed(&site, url);
        let html = entry_html(&f, OLDER);
        assert!(
            html.contains("First paragraph of the older report."),
            "{url}: {html}"
        );
        assert!(
            html.contains(SECOND_PARAGRAPH),
            "{url}: the older report has no <!-- more -->, so its entry should be the whole page:\n{html}"
        );
    }
}

#[test]
fn full_content_carries_the_whole_page() {
    let site = site_with(&[
        ("feed_content", "\"full\""),
        ("feed_filenames", "[\"atom.xml\", \"rss.xml\"]"),
    ]);
    site.build_ok();
    for url in [
        "/atom.xml",
        "/rss.xml",
        "/reports/atom.xml",
        "/tags/troops/atom.xml",
    ] {
        let f = feed(&site, url);
        let kursk = entry_html(&f, KURSK);
        assert!(kursk.contains("The summary cites"), "{url}: {kursk}");
        assert!(kursk.contains(AFTER_MORE), "{url}: {kursk}");
        let older = entry_html(&f, OLDER);
        assert!(older.contains(SECOND_PARAGRAPH), "{url}: {older}");
    }
}

// ---------------------------------------------------------------------------------------
// 5. No site feed

#[test]
fn generate_feeds_false_writes_no_site_feed_and_links_none() {
    let site = site_with(&[
        ("generate_feeds", "false"),
        ("feed_filenames", "[\"atom.xml\", \"rss.xml\"]"),
    ]);
    site.build_ok();
    assert!(!site.exists("public/atom.xml"));
    assert!(!site.exists("public/rss.xml"));
    for url in ["/", "/reports/kursk/", "/notes/"] {
        let html = site.html(url);
        assert_eq!(count(&html, ATOM_LINK), 0, "{url}");
        assert_eq!(count(&html, RSS_LINK), 0, "{url}");
        assert_eq!(footer_feed_links(&html), Vec::<String>::new(), "{url}");
    }
    // The section's own feed and the terms' are still written and linked.
    assert_eq!(titles(&feed(&site, "/reports/atom.xml")), [KURSK, OLDER, UNDATED]);
    assert!(site.exists("public/tags/troops/atom.xml"));
    let reports = site.html("/reports/");
    assert_eq!(attrs(&reports, ATOM_LINK, "href"), ["/reports/atom.xml"]);
    assert_eq!(attrs(&reports, RSS_LINK, "href"), ["/reports/rss.xml"]);
    site.assert_no_broken_links();
}

// ---------------------------------------------------------------------------------------
// 6. Sharing metadata

#[test]
fn analysis_page_has_canonical_description_and_open_graph() {
    let site = SiteTest::fixture(FIXTURE);
    build_at_subpath(&site);
    let html = site.html("/reports/kursk/");
    let permalink = "https://user.github.io/repo/reports/kursk/";
    assert_eq!(attr(&html, "link[rel=canonical]", "href"), permalink);
    assert_eq!(meta(&html, "description"), KURSK_DESCRIPTION);
    assert_eq!(meta(&html, "og:type"), "article");
    assert_eq!(meta(&html, "og:title"), KURSK);
    assert_eq!(meta(&html, "og:description"), KURSK_DESCRIPTION);
    assert_eq!(meta(&html, "og:url"), permalink);
    assert_eq!(meta(&html, "og:site_name"), "Field Notes");
    assert_eq!(meta(&html, "twitter:card"), "summary");
    assert_eq!(meta(&html, "article:published_time"), "2024-10-28T09:30:00+02:00");
    assert_eq!(meta(&html, "article:modified_time"), "2024-11-02");
    assert_eq!(
        attrs(&html, "meta[property=\"article:tag\"]", "content"),
        ["troops", "R&D"]
    );
    // The description's quotes and markup are escaped in the attributes.
    let head = head(&site, "/reports/kursk/");
    assert!(!head.contains("<b>"), "{head}");
    assert!(
        head.contains("content=\"Troops &quot;moved&quot; to &lt;b&gt;Kursk&lt;/b&gt; &amp; stayed\""),
        "{head}"
    );
}

#[test]
fn hostile_title_is_escaped_in_every_meta_attribute() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/notes/newest/");
    assert_eq!(meta(&html, "og:title"), NEWEST);
    assert_eq!(text(&html, "title"), format!("{NEWEST} · Field Notes"));
    let raw = site.output_text("/notes/newest/");
    assert!(!raw.contains("<script>alert(1)"), "{raw}");
    // Nothing from the title became a script.
    assert_only_theme_inline_scripts(&html);
    // No updated date: no modified time, and no tags: no article:tag.
    assert_eq!(meta(&html, "article:published_time"), "2024-12-01");
    assert_eq!(count(&html, "meta[property=\"article:modified_time\"]"), 0);
    assert_eq!(count(&html, "meta[property=\"article:tag\"]"), 0);
}

/// Asserts the page at `url` describes itself with the site's description.
fn assert_site_description(site: &SiteTest, url: &str) {
    let html = site.html(url);
    assert_eq!(meta(&html, "description"), "Site-wide description.", "{url}");
    assert_eq!(meta(&html, "og:description"), "Site-wide description.", "{url}");
}

#[test]
fn page_without_a_description_uses_the_sites() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    assert_site_description(&site, "/notes/newest/");
}

#[test]
fn section_without_a_description_uses_the_sites() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    assert_site_description(&site, "/notes/");
}

#[test]
fn section_page_is_a_website() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/reports/");
    assert_eq!(meta(&html, "og:type"), "website");
    assert_eq!(
        attr(&html, "link[rel=canonical]", "href"),
        "https://example.org/reports/"
    );
    assert_eq!(meta(&html, "og:url"), "https://example.org/reports/");
    assert_eq!(meta(&html, "og:title"), "Reports");
    assert_eq!(meta(&html, "description"), "Long-form reports.");
    assert_eq!(meta(&html, "og:site_name"), "Field Notes");
    assert_eq!(meta(&html, "twitter:card"), "summary");
    assert_eq!(count(&html, "meta[property=\"article:published_time\"]"), 0);
    let home = site.html("/");
    assert_eq!(meta(&home, "og:type"), "website");
    assert_eq!(attr(&home, "link[rel=canonical]", "href"), "https://example.org/");
}

// ---------------------------------------------------------------------------------------
// 7. JSON-LD

#[test]
fn json_ld_describes_the_article() {
    let site = SiteTest::fixture(FIXTURE);
    build_at_subpath(&site);
    let html = site.html("/reports/kursk/");
    assert_eq!(count(&html, "script[type=\"application/ld+json\"]"), 1);
    let data = json_ld(&site, "/reports/kursk/");
    let permalink = "https://user.github.io/repo/reports/kursk/";
    assert_eq!(data["@context"], "https://schema.org");
    assert_eq!(data["@type"], "Article");
    assert_eq!(data["headline"], KURSK);
    assert_eq!(data["description"], KURSK_DESCRIPTION);
    assert_eq!(data["datePublished"], "2024-10-28T09:30:00+02:00");
    assert_eq!(data["dateModified"], "2024-11-02");
    assert_eq!(
        data["author"],
        serde_json::json!([
            {"@type": "Person", "name": "Ann Analyst"},
            {"@type": "Person", "name": "Bo Writer"}
        ])
    );
    assert_eq!(data["keywords"], serde_json::json!(["troops", "R&D"]));
    assert_eq!(data["url"], permalink);
    assert_eq!(data["mainEntityOfPage"], permalink);
    assert_eq!(data["publisher"]["name"], "Field Notes");
    let text = json_ld_text(&site, "/reports/kursk/");
    assert!(!text.contains('<') && !text.contains('>'), "{text}");
}

#[test]
fn json_ld_leaves_out_empty_fields_and_cannot_end_its_script() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/notes/newest/");
    assert_eq!(count(&html, "script[type=\"application/ld+json\"]"), 1);
    let text = json_ld_text(&site, "/notes/newest/");
    assert!(!text.contains('<'), "a raw < in the JSON-LD: {text}");
    // What the HTML parser sees as the script is all of it.
    assert_eq!(
        texts(&html, "script[type=\"application/ld+json\"]"),
        [text.trim()]
    );
    let data = json_ld(&site, "/notes/newest/");
    assert_eq!(data["headline"], NEWEST);
    assert_eq!(data["datePublished"], "2024-12-01");
    assert_eq!(data["dateModified"], "2024-12-01");
    let object = data.as_object().expect("an object");
    // No authors and no tags: no keys for them, rather than empty ones.
    assert!(!object.contains_key("author"), "{data:#}");
    assert!(!object.contains_key("keywords"), "{data:#}");
    for (key, value) in object {
        assert!(
            !(value.is_null() || value == "" || value == &serde_json::json!([])),
            "empty {key}: {data:#}"
        );
    }
    // The undated page has no dates at all.
    let undated = json_ld(&site, "/reports/undated/");
    assert!(undated.get("datePublished").is_none(), "{undated:#}");
    assert!(undated.get("dateModified").is_none(), "{undated:#}");
    assert_eq!(undated["headline"], UNDATED);
}
