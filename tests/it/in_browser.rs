//! The example site in headless Chromium: link previews and layout at phone width.

use std::path::Path;

use crate::browser::{Chromium, serve};
use crate::harness::example_site;

fn public(dir: &tempfile::TempDir) -> std::path::PathBuf {
    Path::new(dir.path()).join("public")
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn focusing_an_internal_link_previews_the_target() {
    let site = example_site();
    let base = serve(&public(&site));
    let mut browser = Chromium::launch(1280, 900);
    browser.open(&format!("{base}/security/kursk-deployment/"));
    // The first link in the text to another analysis.
    let target = browser.eval(
        "(() => { const a = [...document.querySelectorAll('main .content a[href]')]
            .find(a => a.getAttribute('href').startsWith('/') && !a.getAttribute('href').startsWith('/security/kursk-deployment/'));
          a.focus(); return a.getAttribute('href'); })()",
    );
    let target = target.as_str().expect("an internal link").to_owned();
    browser.wait_for(
        "document.getElementById('link-preview') && !document.getElementById('link-preview').hidden",
        5,
    );
    let shown = browser.eval("document.querySelector('#link-preview strong').textContent");
    let described = browser.eval("document.activeElement.getAttribute('aria-describedby')");
    assert_eq!(described, "link-preview");
    // The preview shows the target page's own title.
    let expected = browser.eval(&format!(
        "fetch('{target}').then(r => r.text()).then(t => new DOMParser().parseFromString(t, 'text/html').querySelector('main h1').textContent.trim())"
    ));
    assert_eq!(shown, expected);
    browser.press("Escape");
    browser.wait_for("document.getElementById('link-preview').hidden", 2);
    assert!(browser.eval("document.activeElement.hasAttribute('aria-describedby')") == false);
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn no_page_scrolls_sideways_at_phone_width() {
    let site = example_site();
    let base = serve(&public(&site));
    let mut browser = Chromium::launch(375, 800);
    for path in [
        "/",
        "/security/",
        "/security/kursk-deployment/",
        "/economy/sanctions-evasion/",
        "/tags/",
        "/tags/sanctions/",
        "/graph/",
        "/timeline/",
        "/tags/sanctions/timeline/",
        "/404.html",
    ] {
        browser.open(&format!("{base}{path}"));
        let widths = browser.eval("[document.documentElement.scrollWidth, window.innerWidth]");
        let (scroll, inner) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        assert!(inner <= 400, "{path}: the viewport is {inner} px wide");
        assert!(
            scroll <= inner,
            "{path} scrolls sideways at {inner} px: content is {scroll} px wide"
        );
    }
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn timeline_filter_chips_filter_in_place_and_keep_the_choice_in_the_url() {
    let site = example_site();
    let base = serve(&public(&site));
    let mut browser = Chromium::launch(1280, 900);
    browser.open(&format!("{base}/timeline/"));
    let total = browser
        .eval("document.querySelectorAll('li.event').length")
        .as_i64()
        .unwrap();
    assert!(total > 10, "{total} events");
    // Without a filter everything shows.
    assert_eq!(
        browser
            .eval("document.querySelectorAll('li.event:not([hidden])').length")
            .as_i64(),
        Some(total)
    );
    let filter = browser
        .eval("(() => { const c = document.querySelector('a.chip[data-filter^=\"tags/\"]'); c.click(); return c.dataset.filter; })()")
        .as_str()
        .unwrap()
        .to_owned();
    let (shown, wrong) = (
        browser.eval("document.querySelectorAll('li.event:not([hidden])').length").as_i64().unwrap(),
        browser
            .eval(&format!(
                "[...document.querySelectorAll('li.event:not([hidden])')].filter(li => !li.dataset.terms.split(' ').includes('{filter}')).length"
            ))
            .as_i64()
            .unwrap(),
    );
    assert!(
        shown > 0 && shown < total,
        "{shown} of {total} shown for {filter}"
    );
    assert_eq!(wrong, 0, "events without {filter} still shown");
    assert_eq!(
        browser.eval("new URL(location.href).searchParams.get('filter')"),
        filter.as_str()
    );
    assert_eq!(
        browser.eval(&format!(
            "document.querySelector('a.chip[data-filter=\"{filter}\"]').getAttribute('aria-pressed')"
        )),
        "true"
    );
    // A month with no matching event is hidden too.
    assert_eq!(
        browser.eval("[...document.querySelectorAll('li.month:not([hidden])')].filter(m => !m.querySelector('li.event:not([hidden])')).length").as_i64(),
        Some(0)
    );
    // Reloading keeps the filter; clicking the chip again clears it.
    let here = browser.eval("location.href").as_str().unwrap().to_owned();
    browser.open(&here);
    assert_eq!(
        browser
            .eval("document.querySelectorAll('li.event:not([hidden])').length")
            .as_i64(),
        Some(shown)
    );
    browser.eval(&format!(
        "document.querySelector('a.chip[data-filter=\"{filter}\"]').click()"
    ));
    assert_eq!(
        browser
            .eval("document.querySelectorAll('li.event:not([hidden])').length")
            .as_i64(),
        Some(total)
    );
    assert_eq!(
        browser.eval("new URL(location.href).searchParams.get('filter')"),
        serde_json::Value::Null
    );
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn the_dark_mode_switch_is_remembered_and_applied_before_the_first_paint() {
    let site = example_site();
    let base = serve(&public(&site));
    let mut browser = Chromium::launch(1280, 900);
    browser.call(
        "Emulation.setEmulatedMedia",
        serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": "light" }] }),
    );
    browser.open(&format!("{base}/security/kursk-deployment/"));
    let light = browser.eval("getComputedStyle(document.body).backgroundColor");
    // The switch appears only where scripts run.
    // The code colours, from syntax.css, as a code block would have them.
    let code_colour = "(() => { const e = document.createElement('pre'); e.className = 'hl-code'; \
                       document.body.append(e); const c = getComputedStyle(e).color; e.remove(); return c; })()";
    let light_code = browser.eval(code_colour);
    browser.wait_for("!document.querySelector('.theme-switch').hidden", 5);
    let pressed = "document.querySelector('.theme-toggle').getAttribute('aria-pressed')";
    assert_eq!(browser.eval(pressed), "false");
    browser.eval("document.querySelector('.theme-toggle').click()");
    browser.wait_for("document.documentElement.dataset.theme === 'dark'", 5);
    let dark = browser.eval("getComputedStyle(document.body).backgroundColor");
    assert_ne!(light, dark);
    assert_eq!(browser.eval(pressed), "true");
    // The code colours follow the choice, with no stylesheet swapped.
    assert_ne!(browser.eval(code_colour), light_code);

    // Another page is dark from the start: the choice is applied by a script in <head>
    // that runs before any stylesheet is read.
    browser.open(&format!("{base}/economy/"));
    assert_eq!(browser.eval("document.documentElement.dataset.theme"), "dark");
    assert_eq!(
        browser.eval("getComputedStyle(document.body).backgroundColor"),
        dark
    );
    assert_eq!(
        browser.eval(
            "(() => { const h = [...document.head.children];
               const s = h.findIndex(e => e.tagName === 'SCRIPT' && e.textContent.includes('dossier-theme'));
               const l = h.findIndex(e => e.tagName === 'LINK' && e.rel === 'stylesheet');
               return s >= 0 && s < l; })()"
        ),
        true
    );
    // And back to light, also remembered.
    browser.eval("document.querySelector('.theme-toggle').click()");
    browser.open(&format!("{base}/economy/"));
    assert_eq!(
        browser.eval("getComputedStyle(document.body).backgroundColor"),
        light
    );
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn a_pull_quote_sits_in_the_column_on_phones_and_beside_it_on_wide_screens() {
    let site = example_site();
    let base = serve(&public(&site));
    // [left, right, width] of the pull quote and of the text column.
    let boxes = "(() => { const q = document.querySelector('aside.pullquote').getBoundingClientRect();
        const c = document.querySelector('.content > p').getBoundingClientRect();
        return [q.left, q.right, c.left, c.right, document.documentElement.scrollWidth, innerWidth]; })()";
    let mut phone = Chromium::launch(375, 800);
    phone.open(&format!("{base}/security/kursk-deployment/"));
    let b = phone.eval(boxes);
    let n = |i: usize| b[i].as_f64().unwrap();
    assert!(
        n(0) >= n(2) - 0.5 && n(1) <= n(3) + 0.5,
        "on a phone the pull quote is in the column: {b}"
    );

    let mut desktop = Chromium::launch(1280, 900);
    desktop.open(&format!("{base}/security/kursk-deployment/"));
    let b = desktop.eval(boxes);
    let n = |i: usize| b[i].as_f64().unwrap();
    assert!(
        n(0) > n(3) && n(1) <= n(5),
        "on a wide screen the pull quote is right of the column, on the page: {b}"
    );
    assert!(n(4) <= n(5), "the page scrolls sideways: {b}");
    // Hung beside the column, it leaves the text its full measure.
    assert_eq!(
        desktop.eval("document.querySelector('aside.pullquote + p').getBoundingClientRect().width"),
        desktop.eval("document.querySelector('.content > p').getBoundingClientRect().width")
    );
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn the_margin_column_holds_notes_contents_and_captions_from_1100_px_and_none_overlap() {
    let site = example_site();
    let base = serve(&public(&site));
    // The boxes of everything the margin may hold that is displayed, top to bottom, and
    // the text column's right edge.
    let margin = "(() => {
        const shown = [...document.querySelectorAll('.analysis .toc, .sidenote, aside.pullquote, .content figure > figcaption')]
          .filter(e => getComputedStyle(e).display !== 'none')
          .map(e => { const r = e.getBoundingClientRect();
            return { cls: e.className || e.localName, left: r.left, right: r.right, top: r.top, bottom: r.bottom }; });
        const column = document.querySelector('.content > p').getBoundingClientRect();
        return { shown, column: column.right, notes: document.querySelectorAll('.sidenote').length,
          scroll: document.documentElement.scrollWidth, width: innerWidth }; })()";
    for width in [1100, 1280] {
        let mut browser = Chromium::launch(width, 900);
        browser.open(&format!("{base}/security/kursk-deployment/"));
        let m = browser.eval(margin);
        let column = m["column"].as_f64().unwrap();
        let shown = m["shown"].as_array().unwrap();
        let visible_notes = shown
            .iter()
            .filter(|b| b["cls"].as_str().unwrap().contains("sidenote"))
            .count();
        assert!(
            visible_notes >= 3,
            "at {width} px the notes and the citation are in the margin: {m}"
        );
        assert_eq!(visible_notes as u64, m["notes"].as_u64().unwrap(), "{m}");
        for b in shown {
            assert!(
                b["left"].as_f64().unwrap() > column && b["right"].as_f64().unwrap() <= width as f64,
                "at {width} px each margin box is right of the text and on the page: {b} ({m})"
            );
        }
        let mut boxes: Vec<(f64, f64, &str)> = shown
            .iter()
            .map(|b| {
                (
                    b["top"].as_f64().unwrap(),
                    b["bottom"].as_f64().unwrap(),
                    b["cls"].as_str().unwrap(),
                )
            })
            .collect();
        boxes.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in boxes.windows(2) {
            assert!(pair[0].1 <= pair[1].0 + 0.5, "at {width} px {pair:?} overlap");
        }
        assert!(
            m["scroll"].as_f64() <= m["width"].as_f64(),
            "the page scrolls sideways: {m}"
        );
    }
    // On a phone the margin is gone: no note shows beside the text, the notes at the end do.
    let mut phone = Chromium::launch(375, 800);
    phone.open(&format!("{base}/security/kursk-deployment/"));
    let m = phone.eval(margin);
    let shown = m["shown"].as_array().unwrap();
    assert!(
        shown
            .iter()
            .all(|b| !b["cls"].as_str().unwrap().contains("sidenote")),
        "{m}"
    );
    assert_eq!(
        phone.eval("getComputedStyle(document.querySelector('section.footnotes')).display"),
        "block"
    );
    assert!(
        m["scroll"].as_f64() <= m["width"].as_f64(),
        "the page scrolls sideways: {m}"
    );
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn focusing_a_citation_previews_its_references() {
    let site = example_site();
    let base = serve(&public(&site));
    let mut browser = Chromium::launch(1280, 900);
    browser.open(&format!("{base}/security/kursk-deployment/"));
    browser.eval("document.querySelector('main a.citation').focus()");
    browser.wait_for(
        "document.getElementById('link-preview') && !document.getElementById('link-preview').hidden",
        5,
    );
    let shown = browser.eval("document.querySelector('#link-preview p').textContent");
    let shown = shown.as_str().expect("a preview");
    assert!(shown.contains("National Intelligence Service"), "{shown}");
    // Headed by the script's own English: an English page gives it no words.
    assert_eq!(
        browser.eval("document.querySelector('#link-preview strong').textContent"),
        "Source"
    );
    // The browser's own tooltip is gone, so the reference shows once.
    assert_eq!(
        browser.eval("document.querySelector('main a.citation').hasAttribute('title')"),
        false
    );
    assert_eq!(
        browser.eval("document.activeElement.getAttribute('aria-describedby')"),
        "link-preview"
    );
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn the_header_takes_one_row_on_a_wide_screen_and_two_on_a_phone() {
    let site = example_site();
    let base = serve(&public(&site));
    // Rows of the header: the tops of the title and of the navigation's items, where they
    // jump by more than the baseline alignment moves them.
    let rows = "(() => { const tops = [document.querySelector('.site-title'),
            ...document.querySelectorAll('.site-header nav li:not([hidden])')]
          .map(e => e.getBoundingClientRect().top).sort((a, b) => a - b);
        const rows = tops.filter((t, i) => i === 0 || t - tops[i - 1] > 16).length;
        return [rows, document.querySelector('.site-header').getBoundingClientRect().height,
          document.documentElement.scrollWidth, innerWidth]; })()";

    let mut desktop = Chromium::launch(1280, 900);
    desktop.open(&format!("{base}/security/kursk-deployment/"));
    let r = desktop.eval(rows);
    assert_eq!(r[0], 1, "at 1280 px the title and navigation share one row: {r}");

    let mut phone = Chromium::launch(375, 800);
    phone.open(&format!("{base}/security/kursk-deployment/"));
    let r = phone.eval(rows);
    assert_eq!(r[0], 2, "at 375 px the header has two rows: {r}");
    assert!(
        r[1].as_f64().unwrap() <= 100.0,
        "at 375 px the header leaves the screen to the content: {r}"
    );
    assert!(r[2].as_f64() <= r[3].as_f64(), "the page scrolls sideways: {r}");
    // Every section stays reachable: the row scrolls, and its last link can take focus.
    let last = phone.eval(
        "(() => { const links = document.querySelectorAll('.site-header nav a');
            const a = links[links.length - 1]; a.focus();
            const r = a.getBoundingClientRect(); return r.right <= innerWidth && r.left >= 0; })()",
    );
    assert_eq!(last, true, "focusing the last link scrolls it into view");
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn the_contents_stay_in_view_without_covering_the_notes() {
    let site = example_site();
    let base = serve(&public(&site));
    // Where the contents are, at the top and after scrolling down the text; where the
    // text column is; and whether any displayed margin box overlaps the contents.
    let place = "(async () => {
        const toc = document.querySelector('.analysis .toc');
        const at = () => toc.getBoundingClientRect();
        scrollTo(0, 0); await new Promise(r => requestAnimationFrame(r));
        const top = at();
        scrollTo(0, document.querySelector('.content').offsetHeight / 2);
        await new Promise(r => requestAnimationFrame(r));
        const down = at();
        const text = document.querySelector('.content > p').getBoundingClientRect();
        const covered = [...document.querySelectorAll('.sidenote, .pullquote, .content figcaption')]
          .map(e => e.getBoundingClientRect())
          .filter(r => r.width > 0 && r.left < down.right && down.left < r.right && r.top < down.bottom && down.top < r.bottom)
          .length;
        return { top: top.top, down: down.top, left: down.left, right: down.right, text: text.left,
          textRight: text.right, covered, scroll: document.documentElement.scrollWidth, width: innerWidth }; })()";
    let analyses = [
        // Notes, a pull quote and a chart's caption hang in the right margin.
        "/security/kursk-deployment/",
        // Nothing in the margin but the contents.
        "/security/technology-transfer/",
    ];
    for (width, path) in [(1440, analyses[0]), (1440, analyses[1]), (1100, analyses[1])] {
        let mut browser = Chromium::launch(width, 900);
        browser.open(&format!("{base}{path}"));
        let m = browser.eval(place);
        let down = m["down"].as_f64().unwrap();
        assert!(
            (0.0..=40.0).contains(&down),
            "{path} at {width} px: the contents stay at the top of the screen: {m}"
        );
        assert_eq!(m["covered"], 0, "{path} at {width} px: {m}");
        assert!(m["scroll"].as_f64() <= m["width"].as_f64(), "{m}");
        if width == 1440 {
            assert!(
                m["right"].as_f64() < m["text"].as_f64(),
                "{path} at {width} px: the contents sit left of the text: {m}"
            );
        } else {
            assert!(
                m["left"].as_f64() > m["textRight"].as_f64(),
                "{path} at {width} px: the contents sit right of the text: {m}"
            );
        }
    }
    // Where the right margin holds notes and there is no room on the left, the contents
    // stay where they are and scroll away with the text rather than slide over a note.
    for width in [1100, 1280] {
        let mut browser = Chromium::launch(width, 900);
        browser.open(&format!("{base}{}", analyses[0]));
        let m = browser.eval(place);
        assert!(m["down"].as_f64().unwrap() < 0.0, "at {width} px: {m}");
    }
    // On a phone they are at the top of the analysis, in the column.
    let mut phone = Chromium::launch(375, 800);
    phone.open(&format!("{base}{}", analyses[0]));
    let m = phone.eval(place);
    assert!(m["down"].as_f64().unwrap() < 0.0, "{m}");
    assert!(
        (m["left"].as_f64().unwrap() - m["text"].as_f64().unwrap()).abs() < 1.0,
        "{m}"
    );
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn a_chart_keeps_its_size_and_scrolls_in_its_box_on_a_phone() {
    let site = example_site();
    let base = serve(&public(&site));
    let chart = "(() => { const box = document.querySelector('.chart-scroll');
        const hint = document.querySelector('.chart-hint');
        const labels = [...box.querySelectorAll('svg text')].map(t => t.getBoundingClientRect().height);
        return { inner: box.scrollWidth, outer: box.clientWidth, hint: hint.getBoundingClientRect().height,
          smallest: Math.min(...labels), page: document.documentElement.scrollWidth, width: innerWidth }; })()";
    for path in ["/economy/sanctions-evasion/", "/security/kursk-deployment/"] {
        let mut phone = Chromium::launch(375, 800);
        phone.open(&format!("{base}{path}"));
        let m = phone.eval(chart);
        assert!(m["inner"].as_f64() > m["outer"].as_f64(), "{path}: {m}");
        assert!(m["hint"].as_f64().unwrap() > 0.0, "{path}: the hint shows: {m}");
        assert!(m["page"].as_f64() <= m["width"].as_f64(), "{path}: {m}");
        assert!(m["smallest"].as_f64().unwrap() >= 12.0, "{path}: {m}");
        let found = phone.eval(&crate::timeline_layout::overlaps(".chart-svg text"));
        assert_eq!(found[1], serde_json::json!([]), "{path} at 375 px");

        let mut desktop = Chromium::launch(1280, 900);
        desktop.open(&format!("{base}{path}"));
        let m = desktop.eval(chart);
        assert!(m["inner"].as_f64() <= m["outer"].as_f64(), "{path}: {m}");
        assert_eq!(m["hint"], 0, "{path}: no hint where the chart fits: {m}");
        let found = desktop.eval(&crate::timeline_layout::overlaps(".chart-svg text"));
        assert_eq!(found[1], serde_json::json!([]), "{path} at 1280 px");
    }
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn no_analysis_connections_diagram_has_overlapping_labels() {
    let site = example_site();
    let base = serve(&public(&site));
    let analyses: Vec<String> = walk_analyses(&public(&site));
    assert!(analyses.len() >= 8, "{analyses:?}");
    for (width, height) in [(375, 800), (1280, 900)] {
        let mut browser = Chromium::launch(width, height);
        for path in &analyses {
            browser.open(&format!("{base}{path}"));
            let found = browser.eval(&crate::timeline_layout::overlaps("svg.connections text"));
            assert!(
                found[0].as_i64().unwrap_or(0) >= 2,
                "{path} at {width} px: {found}"
            );
            assert_eq!(found[1], serde_json::json!([]), "{path} at {width} px");
            // Node labels outside the view box would be cut off.
            let outside = browser.eval(
                "(() => { const svg = document.querySelector('svg.connections').getBoundingClientRect();
                   return [...document.querySelectorAll('svg.connections text')].map(t => t.getBoundingClientRect())
                     .filter(r => r.left < svg.left - 0.5 || r.right > svg.right + 0.5 || r.top < svg.top - 0.5 || r.bottom > svg.bottom + 0.5).length; })()",
            );
            assert_eq!(outside, 0, "{path} at {width} px: labels cut off");
        }
    }
}

/// The URL paths of the example's analyses: the pages that have a connections diagram.
fn walk_analyses(public: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(public).sort_by_file_name() {
        let entry = entry.expect("a readable output");
        if entry.file_name() != "index.html" {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).expect("HTML");
        if html.contains("<svg class=\"connections\"") {
            let rel = entry.path().parent().unwrap().strip_prefix(public).unwrap();
            found.push(format!("/{}/", rel.display()));
        }
    }
    found
}

#[test]
#[ignore = "needs Chromium (headless); run by .ci/run"]
fn the_search_speaks_the_pages_language() {
    let site = example_site();
    let base = serve(&public(&site));
    let mut browser = Chromium::launch(1280, 900);
    browser.open(&format!("{base}/uk/"));
    browser.wait_for("document.querySelector('button.search-toggle') !== null", 5);
    let word = browser.eval("document.querySelector('button.search-toggle').textContent");
    assert_eq!(word, "Пошук", "the script kept the translated label");
    // The dialog speaks the page's language, from the words the page gives the script,
    // and its English where the page gives none.
    let placeholder = "(document.querySelector('button.search-toggle').click(), \
        document.querySelector('#search-q').placeholder)";
    assert_eq!(browser.eval(placeholder), "Слова або їхні початки");
    browser.open(&format!("{base}/"));
    browser.wait_for("document.querySelector('button.search-toggle') !== null", 5);
    assert_eq!(
        browser.eval("document.querySelector('button.search-toggle').textContent"),
        "Search"
    );
    assert_eq!(browser.eval(placeholder), "Words or beginnings of words");
}
