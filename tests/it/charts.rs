//! ```` ```chart ```` blocks: the figure, SVG, legend, table and download link a spec and
//! its data file make (read from the HTML the build wrote), and one test per kind of
//! bad input, each checking the file, line and column it is reported at and the hint.

use scraper::{Html, Selector};

use crate::harness::{SiteTest, attr, attrs, count, text, texts};

const PAGE: &str = "content/trade/index.md";

fn built() -> SiteTest {
    let site = SiteTest::fixture("charts");
    site.build_ok();
    site
}

/// The `n`th chart figure of the trade page (from 0), as its own document.
fn figure(html: &Html, n: usize) -> Html {
    let sel = Selector::parse("figure.chart").unwrap();
    let fig = html.select(&sel).nth(n).unwrap_or_else(|| panic!("no chart {n}"));
    Html::parse_fragment(&fig.html())
}

#[test]
fn a_line_chart_has_a_line_per_series_axes_a_legend_and_the_data_as_a_table() {
    let site = built();
    let fig = figure(&site.html("/trade/"), 0);
    assert_eq!(
        count(&fig, "svg.chart-svg path.chart-line"),
        2,
        "one line per route"
    );
    // Rail's March value is empty: a gap in the table, no dot.
    assert_eq!(count(&fig, "svg.chart-svg circle.chart-dot"), 7);
    assert_eq!(texts(&fig, ".chart-legend li"), ["Sea", "Rail"]);
    assert_eq!(text(&fig, ".chart-legend-title"), "Route");
    let ticks = texts(&fig, "svg.chart-svg .chart-axis text");
    for label in [
        "Jan 2024",
        "Feb 2024",
        "Apr 2024",
        "4",
        "10",
        "14",
        "Month",
        "Exports (million tonnes)",
    ] {
        assert!(
            ticks.iter().any(|t| t == label),
            "no axis label {label:?} in {ticks:?}"
        );
    }
    assert_eq!(text(&fig, "figcaption .chart-title"), "Exports by route");
    assert_eq!(
        text(&fig, "figcaption .chart-source"),
        "Source: Customs statistics"
    );
    assert_eq!(text(&fig, "figcaption .chart-notes"), "Provisional figures.");
    // The table: every row of the file, the months as row headers.
    assert_eq!(count(&fig, "details.chart-data tbody tr"), 8);
    assert_eq!(count(&fig, "details.chart-data tbody th[scope=row]"), 8);
    assert_eq!(
        texts(&fig, "details.chart-data thead th[scope=col]"),
        ["Month", "Route", "Exports (million tonnes)"]
    );
    assert_eq!(text(&fig, "details.chart-data caption"), "Data: Exports by route");
    assert_eq!(texts(&fig, "details.chart-data td.num")[1], "12.5");
}

#[test]
fn the_svg_is_an_image_named_and_described_by_its_title() {
    let site = built();
    let fig = figure(&site.html("/trade/"), 0);
    assert_eq!(attr(&fig, "svg.chart-svg", "role"), "img");
    let ids = attr(&fig, "svg.chart-svg", "aria-labelledby");
    let [title, desc] = ids.split(' ').collect::<Vec<_>>()[..] else {
        panic!("aria-labelledby names the title and description: {ids}")
    };
    assert_eq!(text(&fig, &format!("svg title#{title}")), "Exports by route");
    let described = text(&fig, &format!("svg desc#{desc}"));
    assert!(described.starts_with("Line chart of Exports"), "{described}");
    assert!(described.contains("Sea, Rail"), "{described}");
    // Ids differ between charts of a page.
    let all = attrs(&site.html("/trade/"), "svg.chart-svg", "aria-labelledby");
    assert_eq!(all.len(), 3);
    assert_ne!(all[0], all[1]);
}

#[test]
fn download_links_lead_to_the_data_file_in_the_output() {
    let site = built();
    let html = site.html("/trade/");
    let links = attrs(&html, "a.chart-download", "href");
    assert_eq!(
        links,
        ["/trade/flows.csv", "/trade/ports.json", "/trade/estimates.csv"]
    );
    for (link, source) in links.iter().zip([
        "content/trade/flows.csv",
        "data/ports.json",
        "content/trade/estimates.csv",
    ]) {
        let published = site.path(&format!("public{link}"));
        assert_eq!(
            std::fs::read(&published).unwrap_or_else(|e| panic!("{link}: {e}")),
            std::fs::read(site.path(source)).unwrap(),
            "{link} is not a copy of {source}"
        );
    }
    site.assert_no_broken_links();
}

#[test]
fn bars_from_json_in_data_one_per_row_with_category_labels() {
    let site = built();
    let fig = figure(&site.html("/trade/"), 1);
    assert_eq!(count(&fig, "svg rect.chart-bar"), 3);
    let labels = texts(&fig, "svg .chart-axis text");
    for port in ["Rajin", "Chongjin", "Nampo"] {
        assert!(labels.iter().any(|l| l == port), "{labels:?}");
    }
    assert_eq!(count(&fig, ".chart-legend"), 0, "one series needs no legend");
    assert_eq!(count(&fig, "tbody tr"), 3);
    // No title in the spec: the SVG is still named.
    assert_eq!(text(&fig, "svg title"), "Calls by Port");
}

#[test]
fn a_range_is_a_band_per_series_and_years_are_ticks() {
    let site = built();
    let fig = figure(&site.html("/trade/"), 2);
    assert_eq!(count(&fig, "svg path.chart-range"), 1);
    let labels = texts(&fig, "svg .chart-axis text");
    for year in ["2021", "2022", "2023", "1,000", "2,000"] {
        assert!(labels.iter().any(|l| l == year), "no {year} in {labels:?}");
    }
    assert_eq!(texts(&fig, "thead th"), ["year", "Low", "High"]);
}

#[test]
fn points_areas_and_horizontal_bars_draw_their_marks() {
    let site = SiteTest::fixture("charts");
    let page = |mark: &str, x: &str, y: &str| {
        format!(
            "+++\ntitle = \"T\"\n+++\n\n```chart\ndata: {{url: flows.csv}}\nmark: {mark}\nencoding:\n  x: {x}\n  y: {y}\n  color: {{field: route}}\n```\n"
        )
    };
    site.write(PAGE, page("point", "{field: month}", "{field: value}"));
    site.build_ok();
    assert_eq!(
        count(&site.html("/trade/"), "svg.chart-svg circle.chart-point"),
        7
    );
    site.write(PAGE, page("area", "{field: month}", "{field: value}"));
    site.build_ok();
    assert_eq!(count(&site.html("/trade/"), "svg.chart-svg path.chart-area"), 2);
    site.write(
        PAGE,
        page("bar", "{field: value}", "{field: month, type: nominal}"),
    );
    site.build_ok();
    let html = site.html("/trade/");
    assert_eq!(count(&html, "svg.chart-svg rect.chart-bar"), 7);
    assert!(text(&html, "svg desc").starts_with("Horizontal bar chart"));
}

/// Replaces the trade page's first chart block by `spec` (its first line is line 9 of the
/// page); returns the page as it was.
fn with_spec(site: &SiteTest, spec: &str) -> String {
    let page = site.read(PAGE);
    let start = page.find("```chart\n").unwrap() + "```chart\n".len();
    let end = start + page[start..].find("```").unwrap();
    site.write(PAGE, format!("{}{spec}{}", &page[..start], &page[end..]));
    page
}

/// Builds the fixture with the first chart's spec `spec`, expecting an error at
/// `line:column` with every one of `needles`; then puts the page back.
fn fails(site: &SiteTest, spec: &str, at: &str, needles: &[&str]) {
    let page = with_spec(site, spec);
    let out = site.build_err();
    out.assert_stderr_has(&[&format!("{PAGE}:{at}")]);
    out.assert_stderr_has(needles);
    site.write(PAGE, page);
}

const LINE: &str =
    "data: {url: flows.csv}\nmark: line\nencoding:\n  x: {field: month}\n  y: {field: value}\n";

#[test]
fn a_missing_column_is_an_error_at_its_field_with_a_suggestion() {
    let site = SiteTest::fixture("charts");
    fails(
        &site,
        &LINE.replace("field: value", "field: valeu"),
        "13:14",
        &["chart: no column `valeu` in `flows.csv`", "did you mean `value`?"],
    );
}

#[test]
fn an_unknown_mark_is_an_error_at_the_mark() {
    let site = SiteTest::fixture("charts");
    fails(
        &site,
        &LINE.replace("mark: line", "mark: lnie"),
        "10:7",
        &["unknown mark `lnie`", "did you mean `line`?"],
    );
}

#[test]
fn a_cell_that_is_no_number_is_an_error_naming_its_line_in_the_file() {
    let site = SiteTest::fixture("charts");
    site.write(
        "content/trade/flows.csv",
        site.read("content/trade/flows.csv")
            .replace("12.5", "12,5 Mt")
            .replace("Sea,12,5 Mt", "Sea,\"12,5 Mt\""),
    );
    fails(
        &site,
        LINE,
        "13:14",
        &[
            "`flows.csv` line 3: `value` is `12,5 Mt`, not a number",
            "with a dot for decimals",
        ],
    );
}

#[test]
fn a_missing_file_is_an_error_at_the_url() {
    let site = SiteTest::fixture("charts");
    fails(
        &site,
        &LINE.replace("flows.csv", "flow.csv"),
        "9:13",
        &["no data file `flow.csv`", "/data/flows.csv"],
    );
}

#[test]
fn climbing_out_with_dots_or_absolute_paths_is_refused() {
    let site = SiteTest::fixture("charts").file("secret.csv", "a,b\n1,2\n");
    fails(
        &site,
        &LINE.replace("flows.csv", "../../secret.csv"),
        "9:13",
        &["climbs out of its folder with `..`", "beside the page"],
    );
    fails(
        &site,
        &LINE.replace("flows.csv", "/secret.csv"),
        "9:13",
        &["outside the page's folder and the site's data/ folder"],
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_leading_out_of_the_site_is_refused_and_nothing_is_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("leak.csv"), "month,value\nzq9-marker,1\n").unwrap();
    let site = SiteTest::fixture("charts");
    std::os::unix::fs::symlink(outside.path().join("leak.csv"), site.path("data/leak.csv")).unwrap();
    with_spec(&site, &LINE.replace("flows.csv", "/data/leak.csv"));
    let out = site.build_err();
    out.assert_stderr_has(&[
        &format!("{PAGE}:9:13"),
        "is a symbolic link to",
        "outside the site folder",
    ]);
    assert!(!out.stderr.contains("zq9-marker"), "{out}");
}

#[test]
fn too_many_rows_is_an_error_saying_the_limit() {
    let site = SiteTest::fixture("charts");
    let mut big = String::from("month,value\n");
    for i in 0..2_001 {
        big.push_str(&format!("2024-01-01,{i}\n"));
    }
    site.write("content/trade/flows.csv", big);
    fails(
        &site,
        LINE,
        "9:13",
        &[
            "`flows.csv` has more than 2000 rows, the most a chart reads",
            "summarise the file",
        ],
    );
}

#[test]
fn malformed_yaml_is_an_error_at_its_line() {
    let site = SiteTest::fixture("charts");
    fails(
        &site,
        "data: {url: flows.csv}\nmark: line\nencoding:\n  x: {field: month\n  y: {field: value}\n",
        "13:4",
        &[
            "chart: invalid chart spec: while parsing a flow mapping",
            "a chart is written in YAML (or JSON)",
        ],
    );
    fails(
        &site,
        &format!("{LINE}widht: 300\n"),
        "14:1",
        &["unknown field `widht`"],
    );
    fails(
        &site,
        "data: {values: [{a: 1}]}\nmark: line\nencoding: {x: {field: a}, y: {field: a}}\n",
        "9:",
        &["unknown field `values`", "put the values in a CSV or JSON file"],
    );
}
