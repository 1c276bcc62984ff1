//! The example site in the repository root builds, and every link in it works.

use std::process::Command;

use crate::harness::*;

#[test]
fn example_site_builds_with_every_internal_link_resolving() {
    let tmp = SiteTest::empty();
    let out_dir = tmp.path("example");
    let mut cmd = Command::new(BIN);
    cmd.arg("--root")
        .arg(repo_root())
        .arg("build")
        .arg("-o")
        .arg(&out_dir);
    let out = Output::of(cmd);
    out.assert_success();
    assert!(out.stdout.starts_with("Built "), "{out}");

    let files = html_files(&out_dir);
    let analyses: Vec<&String> = files
        .iter()
        .filter(|f| count(&parse_output(&out_dir, &url_of(f)), "article.analysis") == 1)
        .collect();
    assert!(
        analyses.len() >= 8,
        "only {} analyses: {analyses:?}",
        analyses.len()
    );
    for file in &analyses {
        let html = parse_output(&out_dir, &url_of(file));
        assert!(
            !text(&html, "article.analysis h1").is_empty(),
            "{file} has no title"
        );
    }

    // Every <a href> and <link href> starting with "/" names a file of the output.
    let mut checked = 0;
    for file in &files {
        let html = parse_output(&out_dir, &url_of(file));
        let mut hrefs = attrs(&html, "a[href]", "href");
        hrefs.extend(attrs(&html, "link[href]", "href"));
        for href in hrefs.iter().filter(|h| h.starts_with('/')) {
            let path = href.split('#').next().unwrap_or_default();
            assert!(
                output_file(&out_dir, path).is_file(),
                "{file}: {href} does not resolve to a file"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
    // And, more strictly: relative and absolute links, and #fragments, all resolve too.
    let broken = broken_links(&out_dir, "https://example.org/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_example_analyses_carry_callouts() {
    let tmp = SiteTest::empty();
    let out_dir = tmp.path("example");
    let mut cmd = Command::new(BIN);
    cmd.arg("--root")
        .arg(repo_root())
        .args(["build", "-o"])
        .arg(&out_dir);
    Output::of(cmd).assert_success();
    let page = parse_output(&out_dir, "/security/kursk-deployment/");
    assert_eq!(
        texts(&page, ".callout[role=note] .callout-title"),
        ["Key judgment", "Where the numbers come from"]
    );
    // Three judgments, each with its confidence.
    assert_eq!(
        texts(&page, ".callout-key-judgment li .confidence"),
        ["High confidence", "Moderate confidence", "Low confidence"]
    );
    let judgments = parse_output(&out_dir, "/judgments/");
    assert_eq!(count(&judgments, ".judgment-group"), 4);
    assert!(
        !text(&page, "main").contains("[!"),
        "a marker was left in the text"
    );
}

#[test]
fn the_example_analysis_has_a_captioned_chart_and_a_pull_quote() {
    let site = example_site();
    let out_dir = site.path().join("public");
    let page = parse_output(&out_dir, "/security/kursk-deployment/");
    // The chart is drawn from data/kursk-estimates.csv, published beside the page.
    assert_eq!(
        count(&page, ".content figure.chart svg[role=img] rect.chart-bar"),
        4
    );
    assert_eq!(
        attrs(&page, ".content figure.chart a.chart-download", "href"),
        ["/security/kursk-deployment/kursk-estimates.csv"]
    );
    assert!(output_file(&out_dir, "/security/kursk-deployment/kursk-estimates.csv").is_file());
    assert!(
        text(&page, "figure > figcaption").starts_with("Published estimates"),
        "{}",
        text(&page, "figure > figcaption")
    );
    assert!(text(&page, "figcaption > small.chart-source").starts_with("Source: "));
    // The pull quote repeats a sentence of the analysis.
    let quote = text(&page, "aside.pullquote[aria-hidden=true]");
    let said: Vec<String> = texts(&page, ".content > p");
    assert!(
        said.iter().any(|p| p.contains(&quote)),
        "{quote:?} is not in the text"
    );
}

#[test]
fn the_example_site_cites_at_least_ten_sources_and_lists_them() {
    let site = example_site();
    let out_dir = site.path().join("public");
    let sources = parse_output(&out_dir, "/sources/");
    let listed = count(&sources, ".source-index > li");
    assert!(listed >= 10, "only {listed} sources on /sources/");
    // Every listed source is cited somewhere, and each citing link reaches a page's list.
    assert_eq!(
        count(&sources, ".source-index > li .meta a"),
        count(&sources, ".source-index > li .meta a[href$='#cited-sources']")
    );
    let page = parse_output(&out_dir, "/security/kursk-deployment/");
    assert!(count(&page, ".content a.citation") >= 1);
    assert!(count(&page, "#cited-sources + .source-list li") >= 2);
    // The four areas of the seed's watchlist.
    let watch = parse_output(&out_dir, "/watch/");
    assert_eq!(
        texts(&watch, ".watch-group h2"),
        [
            "Diplomatic engagement",
            "Economic repercussions",
            "Military developments",
            "Public discourse"
        ]
    );
}
