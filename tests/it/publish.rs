//! What a build writes for GitHub Pages and search engines: `.nojekyll`, `CNAME`,
//! `robots.txt` and `sitemap.xml`, read back and parsed (the sitemap with Python's XML
//! parser, so it must be well-formed), and the mistakes in `base_url`, `cname` and
//! `static/` that stop a build.
//!
//! The fixture `publish/site` has three dated analyses (one with `updated`, one with a
//! time of day), a draft, a `render = false` page, an older note updated last of all
//! (with an alias), an undated note, a page in a `render = false` section, an empty section, a
//! `redirect_to` section, a section paginated by 2, a `tags` taxonomy paginated by 1 and a
//! `regions` taxonomy that does not render; one event, so there is a timeline.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::harness::*;

const FIXTURE: &str = "publish/site";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// Every address the fixture's sitemap must list, relative to the base URL, in order.
const LISTED: [&str; 20] = [
    "",
    "about/",
    "analyses/",
    "analyses/alpha-brief/",
    "analyses/bravo-brief/",
    "analyses/charlie-brief/",
    // The later pages of a paginated section and of paginated terms, as Zola lists them
    // by default (`exclude_paginated_pages_in_sitemap = "none"`).
    "analyses/page/2/",
    "archive/",
    "notes/",
    "notes/field-note/",
    "notes/undated-note/",
    "organise/kept-note/",
    "tags/",
    "tags/alpha/",
    "tags/alpha/page/2/",
    "tags/beta/",
    "tags/beta/page/2/",
    "tags/beta/page/3/",
    "tags/gamma/",
    "timeline/",
];

/// `<lastmod>` of each listed address (`None`: no lastmod).
fn expected_lastmods() -> BTreeMap<&'static str, Option<&'static str>> {
    BTreeMap::from([
        // The home page: the newest change of all (the field note's `updated`).
        ("", Some("2024-07-04")),
        // A section without pages has nothing to date it by.
        ("about/", None),
        // A section: its newest page (alpha's `updated`, not any page's `date`).
        ("analyses/", Some("2024-06-15")),
        // `updated` beats `date` (2024-03-01).
        ("analyses/alpha-brief/", Some("2024-06-15")),
        ("analyses/bravo-brief/", Some("2024-05-10")),
        // A date with a time of day is written in full, with its offset.
        ("analyses/charlie-brief/", Some("2024-04-02T09:30:00+02:00")),
        ("archive/", None),
        ("notes/", Some("2024-07-04")),
        ("notes/field-note/", Some("2024-07-04")),
        // Neither `date` nor `updated`: no lastmod.
        ("notes/undated-note/", None),
        ("organise/kept-note/", Some("2024-01-10")),
        // Later pages of a list: no date, as in Zola.
        ("analyses/page/2/", None),
        ("tags/alpha/page/2/", None),
        ("tags/beta/page/2/", None),
        ("tags/beta/page/3/", None),
        ("tags/", None),
        // A term: its newest page.
        ("tags/alpha/", Some("2024-06-15")),
        ("tags/beta/", Some("2024-07-04")),
        ("tags/gamma/", Some("2024-04-02T09:30:00+02:00")),
        ("timeline/", None),
    ])
}

/// One `<url>` of a sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// Parses a `urlset` sitemap with Python's XML parser and returns its `<url>`s in
/// document order. Fails the test unless the file is well-formed, its root is a `urlset`
/// in the sitemaps.org namespace and every `<url>` has one `<loc>`, at most one
/// `<lastmod>`, then only the `xhtml:link` alternates of a page's translations.
fn parse_sitemap(file: &Path) -> Vec<SitemapUrl> {
    const SCRIPT: &str = r#"
import sys, xml.etree.ElementTree as ET
ns = "{" + sys.argv[2] + "}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "urlset", root.tag
out = []
for url in root:
    assert url.tag == ns + "url", url.tag
    tags = [c.tag for c in url]
    xhtml = "{http://www.w3.org/1999/xhtml}link"
    own = [t for t in tags if t != xhtml]
    assert own in ([ns + "loc"], [ns + "loc", ns + "lastmod"]), tags
    assert tags[len(own):] == [xhtml] * (len(tags) - len(own)), tags
    for link in url.findall(xhtml):
        assert link.get("rel") == "alternate" and link.get("hreflang") and link.get("href"), link.attrib
    loc = url.find(ns + "loc").text or ""
    lastmod = url.find(ns + "lastmod")
    assert "\t" not in loc and "\n" not in loc, repr(loc)
    out.append(loc + "\t" + ("-" if lastmod is None else (lastmod.text or "")))
sys.stdout.buffer.write(("\n".join(out) + "\n").encode("utf-8"))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(file)
        .arg(SITEMAP_NS)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{} is not a well-formed sitemap:\n{}\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(file).unwrap_or_default()
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (loc, lastmod) = line.split_once('\t').expect("loc\\tlastmod");
            SitemapUrl {
                loc: loc.to_owned(),
                lastmod: (lastmod != "-").then(|| lastmod.to_owned()),
            }
        })
        .collect()
}

/// The parsed `public/sitemap.xml` of a site.
fn sitemap_of(site: &SiteTest) -> Vec<SitemapUrl> {
    assert!(site.exists("public/sitemap.xml"), "no public/sitemap.xml");
    let text = site.read("public/sitemap.xml");
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "no XML declaration:\n{text}"
    );
    parse_sitemap(&site.path("public/sitemap.xml"))
}

fn locs(urls: &[SitemapUrl]) -> Vec<String> {
    urls.iter().map(|u| u.loc.clone()).collect()
}

/// The `(field, value)` lines of a robots.txt, checking each line has that shape.
fn robots_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l
                .split_once(':')
                .unwrap_or_else(|| panic!("robots.txt line without a colon: {l:?}"));
            (k.trim().to_owned(), v.trim().to_owned())
        })
        .collect()
}

/// The `Sitemap:` values of a robots.txt.
fn robots_sitemaps(text: &str) -> Vec<String> {
    robots_lines(text)
        .into_iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("sitemap"))
        .map(|(_, v)| v)
        .collect()
}

/// Sets a top-level `key = value` in the site's config.toml: replaces the line that sets
/// it, or adds one at the end. Returns the (1-based) line it is on.
fn set_config(site: &SiteTest, key: &str, value: &str) -> usize {
    let text = site.read("config.toml");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let new_line = format!("{key} = {value}");
    let at = match lines
        .iter()
        .position(|l| l.split('=').next().is_some_and(|k| k.trim() == key))
    {
        Some(i) => {
            lines[i] = new_line;
            i
        }
        None => {
            lines.push(new_line);
            lines.len() - 1
        }
    };
    site.write("config.toml", lines.join("\n") + "\n");
    at + 1
}

/// Removes the line that sets a top-level `key` from config.toml.
fn unset_config(site: &SiteTest, key: &str) {
    let text = site.read("config.toml");
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| l.split('=').next().is_none_or(|k| k.trim() != key))
        .collect();
    assert_ne!(kept.len(), text.lines().count(), "config.toml does not set {key}");
    site.write("config.toml", kept.join("\n") + "\n");
}

/// Asserts every sitemap address is absolute, under `base_url`, and names a file the
/// build wrote (`out_dir` holds the output).
fn assert_locs_resolve(urls: &[SitemapUrl], base_url: &str, out_dir: &Path) {
    for u in urls {
        let rel = u
            .loc
            .strip_prefix(base_url)
            .unwrap_or_else(|| panic!("{} is not under {base_url}", u.loc));
        let file = output_file(out_dir, &format!("/{rel}"));
        assert!(
            file.is_file(),
            "{} is in the sitemap but {} was not written",
            u.loc,
            file.display()
        );
    }
}

/// The fixture, built once successfully (so error tests have a previous `public/`).
fn built_fixture() -> SiteTest {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    site
}

// ---------------------------------------------------------------------------------------
// 1. sitemap.xml

#[test]
fn sitemap_lists_exactly_the_rendered_pages_sorted_and_absolute() {
    let site = built_fixture();
    let urls = sitemap_of(&site);
    let got = locs(&urls);

    let expected: Vec<String> = LISTED
        .iter()
        .map(|rel| format!("https://example.org/{rel}"))
        .collect();
    assert_eq!(
        got.iter().collect::<BTreeSet<_>>(),
        expected.iter().collect::<BTreeSet<_>>(),
        "the sitemap's addresses"
    );
    assert_eq!(got.len(), expected.len(), "an address is listed twice: {got:#?}");
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(got, sorted, "the sitemap is not sorted by address");
    assert_locs_resolve(&urls, "https://example.org/", &site.path("public"));

    // Built, but not for search engines: the redirect from a list's `page/1/`, a
    // redirect section, an alias, the graph page, term timelines, archive years/months.
    for not_listed in [
        "/analyses/page/1/",
        "/old/",
        "/old-field-note/",
        "/graph/",
        "/tags/alpha/timeline/",
        "/archive/2024/",
    ] {
        assert!(
            output_file(&site.path("public"), not_listed).is_file(),
            "the fixture should build {not_listed}"
        );
        let loc = format!("https://example.org{not_listed}");
        assert!(!got.contains(&loc), "{loc} should not be in the sitemap");
    }
    // Not built at all: a draft (and its term), a `render = false` page, a `render =
    // false` section, a taxonomy that does not render.
    for absent in [
        "/analyses/draft-brief/",
        "/tags/delta/",
        "/analyses/hidden-brief/",
        "/organise/",
        "/regions/",
        "/regions/kursk/",
    ] {
        let loc = format!("https://example.org{absent}");
        assert!(!got.contains(&loc), "{loc} should not be in the sitemap");
        assert!(
            !output_file(&site.path("public"), absent).exists(),
            "{absent} should not be built"
        );
    }
    assert!(!site.read("public/sitemap.xml").contains("draft"));
}

#[test]
fn exclude_paginated_pages_in_sitemap_all_lists_only_the_first_page_of_each_list() {
    let site = SiteTest::fixture(FIXTURE);
    set_config(&site, "exclude_paginated_pages_in_sitemap", "\"all\"");
    let out = site.build_ok();
    assert!(!out.stderr.contains("exclude_paginated"), "{out}");
    let got = locs(&sitemap_of(&site));
    let expected: Vec<String> = LISTED
        .iter()
        .filter(|rel| !rel.contains("/page/"))
        .map(|rel| format!("https://example.org/{rel}"))
        .collect();
    assert_eq!(got, expected);
    // The pager pages are still built.
    assert!(output_file(&site.path("public"), "/tags/beta/page/3/").is_file());

    // Zola's other value is the default.
    set_config(&site, "exclude_paginated_pages_in_sitemap", "\"none\"");
    site.build_ok();
    assert!(locs(&sitemap_of(&site)).contains(&"https://example.org/tags/beta/page/3/".to_owned()));
}

#[test]
fn exclude_paginated_pages_in_sitemap_takes_only_zolas_values() {
    let site = built_fixture();
    let line = set_config(&site, "exclude_paginated_pages_in_sitemap", "true");
    let out = site.build_err();
    out.assert_stderr_has(&[
        &format!("config.toml:{line}:"),
        "hint: `exclude_paginated_pages_in_sitemap` is \"none\"",
    ]);
    set_config(&site, "exclude_paginated_pages_in_sitemap", "\"some\"");
    let out = site.build_err();
    out.assert_stderr_has(&["unknown variant `some`", &format!("config.toml:{line}:")]);
}

#[test]
fn sitemap_lastmod_is_updated_else_date_and_the_newest_page_for_listings() {
    let site = built_fixture();
    let got: BTreeMap<String, Option<String>> = sitemap_of(&site)
        .into_iter()
        .map(|u| (u.loc, u.lastmod))
        .collect();
    let expected: BTreeMap<String, Option<String>> = expected_lastmods()
        .into_iter()
        .map(|(rel, d)| (format!("https://example.org/{rel}"), d.map(str::to_owned)))
        .collect();
    assert_eq!(got, expected);
    // The draft (2025-01-20) is the newest page of all, but without --drafts it must not
    // date the home page, its section or its term; nor may the `render = false` page
    // (2025-03-03).
    assert!(!site.read("public/sitemap.xml").contains("2025-01-20"));
    assert!(!site.read("public/sitemap.xml").contains("2025-03-03"));
}

#[test]
fn drafts_flag_lists_the_draft_and_lets_it_date_its_listings() {
    let site = SiteTest::fixture(FIXTURE);
    site.run(&["build", "--drafts"]).assert_success();
    let got: BTreeMap<String, Option<String>> = sitemap_of(&site)
        .into_iter()
        .map(|u| (u.loc, u.lastmod))
        .collect();
    let lastmod = |rel: &str| {
        got.get(&format!("https://example.org/{rel}"))
            .unwrap_or_else(|| panic!("{rel} is not in the sitemap: {got:#?}"))
            .as_deref()
    };
    assert_eq!(lastmod("analyses/draft-brief/"), Some("2025-01-20"));
    assert_eq!(lastmod("tags/delta/"), Some("2025-01-20"));
    assert_eq!(lastmod("analyses/"), Some("2025-01-20"));
    assert_eq!(lastmod(""), Some("2025-01-20"));
    // Sections the draft is not in keep their own date.
    assert_eq!(lastmod("notes/"), Some("2024-07-04"));
    assert_eq!(got.len(), LISTED.len() + 2, "{got:#?}");
}

#[test]
fn sitemap_follows_edits_on_rebuild_and_goes_when_turned_off() {
    let site = built_fixture();
    site.write(
        "content/analyses/bravo-brief.md",
        site.read("content/analyses/bravo-brief.md")
            .replace("date = 2024-05-10", "date = 2024-05-10\nupdated = 2024-09-30"),
    );
    std::fs::remove_file(site.path("content/analyses/charlie-brief.md")).expect("remove");
    site.build_ok();
    let got: BTreeMap<String, Option<String>> = sitemap_of(&site)
        .into_iter()
        .map(|u| (u.loc, u.lastmod))
        .collect();
    let lastmod = |rel: &str| got.get(&format!("https://example.org/{rel}")).cloned();
    assert_eq!(lastmod("analyses/bravo-brief/"), Some(Some("2024-09-30".into())));
    assert_eq!(lastmod("analyses/"), Some(Some("2024-09-30".into())));
    assert_eq!(lastmod("tags/beta/"), Some(Some("2024-09-30".into())));
    assert_eq!(lastmod(""), Some(Some("2024-09-30".into())));
    assert_eq!(
        lastmod("analyses/charlie-brief/"),
        None,
        "deleted page still listed"
    );
    assert_eq!(
        lastmod("tags/gamma/"),
        None,
        "term of a deleted page still listed"
    );
    // alpha is now the newest page tagged alpha.
    assert_eq!(lastmod("tags/alpha/"), Some(Some("2024-06-15".into())));

    set_config(&site, "generate_sitemap", "false");
    site.build_ok();
    assert!(!site.exists("public/sitemap.xml"), "a stale sitemap.xml was left");
    assert!(site.exists("public/.nojekyll"));
    assert_eq!(site.read("public/robots.txt"), "User-agent: *\nAllow: /\n");
}

#[test]
fn sitemap_is_not_generated_when_turned_off() {
    let site = SiteTest::fixture(FIXTURE);
    set_config(&site, "generate_sitemap", "false");
    site.build_ok();
    assert!(!site.exists("public/sitemap.xml"));
    // robots.txt is still written, without pointing at a sitemap that does not exist.
    let robots = site.read("public/robots.txt");
    assert!(robots_sitemaps(&robots).is_empty(), "{robots}");
    assert_eq!(robots, "User-agent: *\nAllow: /\n");
}

#[test]
fn a_static_sitemap_is_used_as_it_is() {
    let own = "<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://example.org/hand-made/</loc></url></urlset>";
    let site = SiteTest::fixture(FIXTURE).file("static/sitemap.xml", own);
    site.build_ok();
    assert_eq!(site.read("public/sitemap.xml"), own);
    assert!(!site.exists("public/sitemap1.xml"));
    assert_eq!(
        robots_sitemaps(&site.read("public/robots.txt")),
        ["https://example.org/sitemap.xml"]
    );
}

/// `%C3%BC` → `ü`; panics on a malformed escape.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).expect("two hex digits after %");
            out.push(u8::from_str_radix(hex, 16).expect("hex digits"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 once decoded")
}

#[test]
fn sitemap_addresses_are_url_escaped() {
    // The sitemaps.org protocol: "all URLs … must be URL-escaped", its own example being
    // http://www.example.com/ümlat.php → http://www.example.com/%C3%BCmlat.php.
    let site = SiteTest::fixture(FIXTURE).file(
        "content/notes/ueber.md",
        "+++\ntitle = \"Über Kursk\"\npath = \"notes/über-kursk\"\ndate = 2024-01-01\n+++\n\nText.\n",
    );
    site.build_ok();
    assert!(site.exists("public/notes/über-kursk/index.html"));
    let got = locs(&sitemap_of(&site));
    let decoded: Vec<String> = got.iter().map(|l| percent_decode(l)).collect();
    assert!(
        decoded.contains(&"https://example.org/notes/über-kursk/".to_owned()),
        "{got:#?}"
    );
    for loc in &got {
        assert!(
            loc.is_ascii() && !loc.contains(char::is_whitespace),
            "{loc} is not URL-escaped"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 2. robots.txt

#[test]
fn robots_txt_allows_everything_and_names_the_sitemap() {
    let site = built_fixture();
    let robots = site.read("public/robots.txt");
    assert_eq!(
        robots_lines(&robots),
        [
            ("User-agent".to_owned(), "*".to_owned()),
            ("Allow".to_owned(), "/".to_owned()),
            ("Sitemap".to_owned(), "https://example.org/sitemap.xml".to_owned()),
        ]
    );
    assert!(robots.ends_with('\n'));
    // The Sitemap line names the file the build wrote.
    let sitemap = &robots_sitemaps(&robots)[0];
    let rel = sitemap.strip_prefix("https://example.org").expect("same site");
    assert!(
        output_file(&site.path("public"), rel).is_file(),
        "{sitemap} was not written"
    );
}

#[test]
fn robots_txt_is_not_generated_when_turned_off() {
    let site = SiteTest::fixture(FIXTURE);
    set_config(&site, "generate_robots_txt", "false");
    site.build_ok();
    assert!(!site.exists("public/robots.txt"));
    assert_eq!(locs(&sitemap_of(&site)).len(), LISTED.len());
}

#[test]
fn a_static_robots_txt_is_copied_unchanged() {
    // No trailing newline, no Sitemap line: nothing may be added to it.
    let own = "# hand-made\nUser-agent: BadBot\nDisallow: /\n\nUser-agent: *\nDisallow: /drafts/";
    let site = SiteTest::fixture(FIXTURE).file("static/robots.txt", own);
    site.build_ok();
    assert_eq!(site.read("public/robots.txt"), own);
    // The sitemap is still generated.
    assert_eq!(locs(&sitemap_of(&site)).len(), LISTED.len());
    // Also when generating robots.txt is turned off.
    set_config(&site, "generate_robots_txt", "false");
    site.build_ok();
    assert_eq!(site.read("public/robots.txt"), own);
}

// ---------------------------------------------------------------------------------------
// 3. .nojekyll and CNAME

#[test]
fn every_build_writes_an_empty_nojekyll_and_no_cname_by_default() {
    let site = built_fixture();
    let nojekyll = std::fs::read(site.path("public/.nojekyll")).expect("public/.nojekyll");
    assert!(nojekyll.is_empty(), ".nojekyll is not empty: {nojekyll:?}");
    assert!(!site.exists("public/CNAME"));
    // And with -o, into another folder.
    let out_dir = site.path("elsewhere");
    site.run(&["build", "-o", out_dir.to_str().expect("UTF-8 path")])
        .assert_success();
    assert_eq!(std::fs::read(out_dir.join(".nojekyll")).expect(".nojekyll"), b"");
}

#[test]
fn a_static_nojekyll_does_not_stop_the_build() {
    let site = SiteTest::fixture(FIXTURE).file("static/.nojekyll", "");
    site.build_ok();
    assert_eq!(
        std::fs::read(site.path("public/.nojekyll")).expect(".nojekyll"),
        b""
    );
}

#[test]
fn cname_setting_writes_the_domain() {
    let site = SiteTest::fixture(FIXTURE);
    set_config(&site, "cname", "\"analysis.example.org\"");
    site.build_ok();
    assert_eq!(site.read("public/CNAME"), "analysis.example.org\n");
    // Removing the setting removes the file on the next build.
    unset_config(&site, "cname");
    site.build_ok();
    assert!(!site.exists("public/CNAME"));
}

#[test]
fn a_static_cname_is_copied_when_cname_is_not_set() {
    let site = SiteTest::fixture(FIXTURE).file("static/CNAME", "www.example.net");
    site.build_ok();
    assert_eq!(site.read("public/CNAME"), "www.example.net");
}

// ---------------------------------------------------------------------------------------
// 4. A project site under a base path

/// The sitemap and robots.txt of the fixture built for `https://user.github.io/repo/`.
fn assert_project_site(out_dir: &Path) {
    let base = "https://user.github.io/repo/";
    let urls = parse_sitemap(&out_dir.join("sitemap.xml"));
    let got = locs(&urls);
    for loc in &got {
        assert!(loc.starts_with(base), "{loc} is not under {base}");
    }
    let expected: Vec<String> = LISTED.iter().map(|rel| format!("{base}{rel}")).collect();
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(got, sorted, "not sorted");
    assert_eq!(got, expected);
    assert_locs_resolve(&urls, base, out_dir);
    let lastmods: Vec<Option<String>> = urls.into_iter().map(|u| u.lastmod).collect();
    let expected_lastmods: Vec<Option<String>> = expected_lastmods()
        .into_values()
        .map(|d| d.map(str::to_owned))
        .collect();
    assert_eq!(lastmods, expected_lastmods);

    let robots = std::fs::read_to_string(out_dir.join("robots.txt")).expect("robots.txt");
    assert_eq!(
        robots_sitemaps(&robots),
        ["https://user.github.io/repo/sitemap.xml"]
    );
    // The files sit at the top of the output, which Pages serves at /repo/.
    assert!(!out_dir.join("repo").exists());
    assert!(out_dir.join(".nojekyll").is_file());
}

#[test]
fn project_site_sitemap_and_robots_are_under_the_base_path() {
    let site = SiteTest::fixture(FIXTURE);
    set_config(&site, "base_url", "\"https://user.github.io/repo/\"");
    site.build_ok();
    assert_project_site(&site.path("public"));
    let with_slash = site.read("public/sitemap.xml");

    // Without the trailing slash: the same.
    set_config(&site, "base_url", "\"https://user.github.io/repo\"");
    site.build_ok();
    assert_eq!(site.read("public/sitemap.xml"), with_slash);
    assert_project_site(&site.path("public"));
}

#[test]
fn base_url_flag_moves_the_sitemap_and_robots_txt_too() {
    let site = SiteTest::fixture(FIXTURE);
    site.run(&["build", "--base-url", "https://user.github.io/repo/"])
        .assert_success();
    assert_project_site(&site.path("public"));
}

// ---------------------------------------------------------------------------------------
// 5. Mistakes

/// The `= hint:` lines of an error output.
fn hint_lines(out: &Output) -> Vec<&str> {
    out.stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("= hint"))
        .collect()
}

fn bad_base_url(value: &str) {
    let site = built_fixture();
    let line = set_config(&site, "base_url", &format!("\"{value}\""));
    let out = site.build_err();
    out.assert_stderr_has(&[
        "`base_url`",
        "absolute http:// or https:// URL",
        &format!("`{value}`"),
        &format!("config.toml:{line}"),
    ]);
    assert!(!hint_lines(&out).is_empty(), "no hint\n{out}");
}

#[test]
fn base_url_of_a_bare_slash_is_an_error() {
    bad_base_url("/");
}

#[test]
fn base_url_without_a_scheme_is_an_error() {
    bad_base_url("example.org");
}

#[test]
fn base_url_with_an_ftp_scheme_is_an_error() {
    bad_base_url("ftp://x.org/");
}

#[test]
fn missing_base_url_is_an_error() {
    let site = built_fixture();
    unset_config(&site, "base_url");
    let out = site.build_err();
    out.assert_stderr_has(&["config.toml has no `base_url`"]);
    assert!(
        hint_lines(&out).iter().any(|h| h.contains("base_url")),
        "the hint should show a base_url line\n{out}"
    );
}

#[test]
fn base_url_flag_that_is_not_a_url_is_an_error() {
    let site = built_fixture();
    let before = snapshot(&site.path("public"));
    let out = site.run(&["build", "--base-url", "notaurl"]);
    out.assert_user_error();
    out.assert_stderr_has(&["--base-url", "`notaurl`", "absolute http:// or https:// URL"]);
    // The mistake is on the command line, not in config.toml.
    assert!(!out.stderr.contains("config.toml:"), "{out}");
    assert_eq!(snapshot(&site.path("public")), before, "public/ changed\n{out}");
    assert_no_staging_left(site.root());
}

#[test]
fn cname_with_a_scheme_is_an_error() {
    let site = built_fixture();
    let line = set_config(&site, "cname", "\"https://example.org\"");
    let out = site.build_err();
    out.assert_stderr_has(&[
        "`cname`",
        "without a scheme",
        "`https://example.org`",
        &format!("config.toml:{line}"),
    ]);
}

#[test]
fn cname_with_a_path_is_an_error() {
    let site = built_fixture();
    let line = set_config(&site, "cname", "\"example.org/repo\"");
    let out = site.build_err();
    out.assert_stderr_has(&[
        "`cname`",
        "without a path",
        "`example.org/repo`",
        &format!("config.toml:{line}"),
    ]);
}

#[test]
fn static_file_colliding_with_the_taxonomy_list_is_an_error() {
    let site = built_fixture();
    site.write("static/tags/index.html", "<p>my own tag list</p>\n");
    let out = site.build_err();
    out.assert_stderr_has(&["static/tags/index.html and the `tags` taxonomy both produce tags/index.html"]);
    assert!(
        hint_lines(&out)
            .iter()
            .any(|h| h.contains("static/tags/index.html")),
        "the hint should name the static file\n{out}"
    );
}

#[test]
fn static_file_colliding_with_a_section_page_is_an_error() {
    let site = built_fixture();
    site.write("static/notes/index.html", "<p>my own notes page</p>\n");
    let out = site.build_err();
    out.assert_stderr_has(&[
        "static/notes/index.html and content/notes/_index.md both produce notes/index.html",
    ]);
    assert!(
        hint_lines(&out)
            .iter()
            .any(|h| h.contains("static/notes/index.html")),
        "the hint should name the static file\n{out}"
    );
}

#[test]
fn check_reports_every_publishing_mistake_at_once() {
    let site = built_fixture();
    let base_line = set_config(&site, "base_url", "\"example.org\"");
    let cname_line = set_config(&site, "cname", "\"https://analysis.example.org/\"");
    let before = snapshot(&site.path("public"));
    let out = site.run(&["check"]);
    out.assert_user_error();
    out.assert_stderr_has(&[
        &format!("config.toml:{base_line}"),
        "`base_url` must be an absolute http:// or https:// URL: `example.org`",
        &format!("config.toml:{cname_line}"),
        "`cname` must be a domain without a scheme: `https://analysis.example.org/`",
    ]);
    assert_eq!(
        snapshot(&site.path("public")),
        before,
        "check wrote to public/\n{out}"
    );
}

// ---------------------------------------------------------------------------------------
// 6. The example site

/// Whether a content file is published by a plain build (not a draft, not `render = false`).
fn published(text: &str) -> bool {
    let front = text.split("+++").nth(1).unwrap_or(text);
    !front
        .lines()
        .map(|l| l.split_whitespace().collect::<String>())
        .any(|l| l == "draft=true" || l == "render=false")
}

#[test]
fn example_site_sitemap_lists_every_analysis() {
    let tmp = SiteTest::empty();
    let out_dir = tmp.path("example");
    let base = "https://user.github.io/dossier/";
    let mut cmd = Command::new(BIN);
    cmd.arg("--root")
        .arg(repo_root())
        .args(["build", "--base-url", base, "-o"])
        .arg(&out_dir);
    Output::of(cmd).assert_success();

    let urls = parse_sitemap(&out_dir.join("sitemap.xml"));
    let got: BTreeSet<String> = locs(&urls).into_iter().collect();
    assert_eq!(got.len(), urls.len(), "an address is listed twice");
    let mut sorted = locs(&urls);
    sorted.sort();
    assert_eq!(locs(&urls), sorted, "not sorted");
    assert_locs_resolve(&urls, base, &out_dir);

    // Every analysis page the build wrote is listed, with a date.
    let analyses: Vec<String> = html_files(&out_dir)
        .into_iter()
        .filter(|f| count(&parse_output(&out_dir, &url_of(f)), "article.analysis") == 1)
        .map(|f| format!("{base}{}", url_of(&f).trim_start_matches('/')))
        .collect();
    for loc in &analyses {
        let entry = urls.iter().find(|u| &u.loc == loc);
        let entry = entry.unwrap_or_else(|| panic!("{loc} is not in the sitemap"));
        assert!(entry.lastmod.is_some(), "{loc} has no lastmod");
    }
    // …and that is every analysis in content/.
    let sources: Vec<String> = snapshot(&repo_root().join("content"))
        .into_iter()
        // Sections in any language (`_index.md`, `_index.uk.md`) are not analyses;
        // translations (`kursk-deployment.uk.md`) are.
        .filter(|(path, _)| {
            let name = path.rsplit('/').next().unwrap_or(path);
            path.ends_with(".md") && !name.starts_with("_index.")
        })
        .filter(|(_, bytes)| published(&String::from_utf8_lossy(bytes)))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        analyses.len(),
        sources.len(),
        "analysis pages {analyses:#?}\ncontent files {sources:#?}"
    );
    assert!(analyses.len() >= 8, "only {} analyses", analyses.len());
    // The home page and the taxonomy lists are there too.
    for rel in ["", "tags/", "regions/", "actors/", "timeline/", "archive/"] {
        assert!(got.contains(&format!("{base}{rel}")), "{base}{rel} is not listed");
    }
    let robots = std::fs::read_to_string(out_dir.join("robots.txt")).expect("robots.txt");
    assert_eq!(robots_sitemaps(&robots), [format!("{base}sitemap.xml")]);
}
