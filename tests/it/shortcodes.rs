//! Zola's shortcodes in content: `{{ name(…) }}` and `{% name(…) %}…{% end %}` calls run
//! the site's `templates/shortcodes/` templates; escapes and code keep their text; a call
//! naming no shortcode, a body never ended and a template that fails are errors at the
//! call.

use crate::harness::*;

const FIXTURE: &str = "shortcodes";

#[test]
fn calls_render_in_place_with_their_arguments_count_body_and_page() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/doc/");
    // Inline calls stay in their paragraph, numbered by `nth` across the document.
    assert_eq!(attrs(&html, ".content > p > mark", "id"), ["mark-1", "mark-2"]);
    assert_eq!(texts(&html, ".content > p > mark"), ["one", "two"]);
    // A call alone in its paragraph is its HTML, not wrapped in `<p>`.
    assert_eq!(
        attrs(&html, ".content > div.video > iframe", "src"),
        ["https://www.youtube-nocookie.com/embed/abc123?autoplay=1"]
    );
    assert_eq!(attrs(&html, ".content > div.video > iframe", "title"), ["A talk"]);
    // A body, converted by the template's `markdown` filter.
    assert_eq!(texts(&html, ".content > blockquote.quote em"), ["verify"]);
    assert_eq!(texts(&html, ".content > blockquote.quote footer"), ["An analyst"]);
    // A Markdown shortcode's output is parsed with the page, calls in its body first.
    assert_eq!(texts(&html, ".content > blockquote strong"), ["Note:"]);
    assert_eq!(attrs(&html, ".content > blockquote mark", "id"), ["mark-3"]);
    assert_eq!(attrs(&html, ".content > ul > li > a", "href"), ["/other/"]);
    // `page` is the calling page; `get_url` answers while content is converted.
    assert_eq!(
        attrs(&html, ".content a.see", "href"),
        ["https://example.org/other/"]
    );
    assert_eq!(texts(&html, ".content a.see"), ["Calls → @/other.md"]);
}

#[test]
fn code_keeps_escaped_and_unknown_calls_as_text_and_shows_known_ones_output_as_code() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/doc/");
    let code = texts(&html, ".content pre code").join("");
    assert!(code.contains(r#"{{ video(id="x") }}"#), "{code}");
    assert!(code.contains("{{ missing(a=1) }}"), "{code}");
    assert!(code.contains(r#"<mark id="mark-4">in code</mark>"#), "{code}");
    assert_eq!(texts(&html, ".content > p > code"), ["{{ another_missing() }}"]);
}

#[test]
fn a_link_written_by_a_markdown_shortcode_is_a_link_between_the_pages() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let html = site.html("/other/");
    assert_eq!(attrs(&html, "section.connected li a", "href"), ["/doc/"]);
    assert!(texts(&html, "section.connected li .rel")[0].contains("cites this"));
}

#[test]
fn an_unknown_shortcode_is_an_error_at_its_call_with_the_closest_name() {
    let site = SiteTest::fixture(FIXTURE).file(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\nText.\n\nSee {{ vidoe(id=\"x\") }} here.\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&[
        "content/bad.md:7:5",
        "unknown shortcode `vidoe`",
        "did you mean `video`",
    ]);
}

/// A shortcode's call whose arguments cannot be read (a stray quote, a missing comma)
/// is reported where reading stopped; braces that only look like a call, and anything in
/// code, stay text. Zola writes such a call as text and says nothing, and real sites hold
/// them (the tabi theme's demo, 44), so `build` and `serve` warn and show the call as
/// text, as Zola does; `dossier check` and `--links error` make it an error.
#[test]
fn a_call_whose_arguments_cannot_be_read_is_reported_where_reading_stopped() {
    let site = SiteTest::fixture(FIXTURE).file(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\nMaths {{ f(x + 1) }} stays.\n\n`{{ video(id=x\") }}`\n\n{{ video(id=\"x\", autoplay=true\") }}\n\n{% video(id=\"x\" title=\"y\") %}\nbody\n{% end %}\n",
    );
    let expected = [
        "content/bad.md:9:31",
        "the arguments of shortcode `video` cannot be read from here",
        "name=value pairs separated by commas",
        "as Zola shows it",
        "content/bad.md:11:17",
    ];
    let out = site.build_ok();
    out.assert_stderr_has(&expected);
    // One problem each: the unreadable opening still takes its `{% end %}`.
    assert_eq!(out.stderr.matches("warning: the arguments").count(), 2, "{out}");
    let page = text(&site.html("/bad/"), "main .content");
    // (With smart punctuation its quotes curl, as in Zola.)
    assert!(page.contains("{{ video(id=“x”, autoplay=true“) }}"), "{page}");
    assert!(page.contains("Maths {{ f(x + 1) }} stays."), "{page}");

    for strict in [&["check"][..], &["build", "--links", "error"][..]] {
        let out = site.run(strict);
        out.assert_user_error();
        out.assert_stderr_has(&expected);
        assert_eq!(
            out.stderr.matches("error: the arguments").count(),
            2,
            "{strict:?}: {out}"
        );
    }
}

#[test]
fn a_site_without_shortcodes_says_how_to_make_one_or_write_the_braces() {
    let site = SiteTest::fixture("markdown/headings").file(
        "content/call.md",
        "+++\ntitle = \"Call\"\n+++\n\n{{ youtube(id=\"x\") }}\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&[
        "content/call.md:5:1",
        "unknown shortcode `youtube`",
        "templates/shortcodes/youtube.html",
        r#"{{/* youtube(id="x") */}}"#,
    ]);
}

#[test]
fn a_template_that_fails_is_reported_at_the_call_with_the_template_line() {
    let site = SiteTest::fixture(FIXTURE).file(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\n{{ video(title=\"no id\") }}\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&[
        "content/bad.md:5:1",
        "shortcode `video` failed",
        "`id` is not defined",
        "templates/shortcodes/video.html:1",
    ]);
}

#[test]
fn a_body_never_ended_and_an_end_closing_nothing_are_errors() {
    let site = SiteTest::fixture(FIXTURE).file(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\n{% quote(author=\"A\") %}\nNo end.\n",
    );
    site.build_err().assert_stderr_has(&[
        "content/bad.md:5:1",
        "shortcode `quote` has a body but no `{% end %}`",
    ]);
    site.write(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\nText.\n{% end %}\n",
    );
    site.build_err()
        .assert_stderr_has(&["content/bad.md:6:1", "`{% end %}` closes no shortcode"]);
}

#[test]
fn problems_after_a_call_are_reported_at_the_line_the_author_wrote() {
    let site = SiteTest::fixture(FIXTURE).file(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\n{{ reading(items=[\"other\", \"doc\"]) }}\n\n{% quote(author=\"A\") %}\nOne.\n\nTwo.\n{% end %}\n\nA [broken](@/nowhere.md) link.\n",
    );
    let out = site.build_err();
    out.assert_stderr_has(&["content/bad.md:13:3", "link to a missing page `nowhere.md`"]);
}

#[test]
fn a_shortcode_output_that_is_the_summary_is_closed_on_list_pages() {
    let site = SiteTest::fixture(FIXTURE).file(
        "content/first.md",
        "+++\ntitle = \"First\"\ndate = 2024-01-03\n+++\n\n{% quote(author=\"A\") %}\nOpening.\n{% end %}\n\n<!-- more -->\n\nRest.\n",
    );
    site.build_ok();
    let home = site.output_text("/");
    assert!(home.contains("<footer>A</footer></blockquote>"), "{home}");
    assert!(!home.contains('\u{E002}'), "a placeholder was left in the output");
}

/// `now()` in a shortcode is the day of the build, as in templates (Zola's themes print
/// a year with it).
#[test]
fn now_in_a_shortcode_is_the_day_of_the_build() {
    let site = SiteTest::fixture(FIXTURE)
        .file(
            "templates/shortcodes/year.html",
            "<span class=\"year\">{{ now() | date(format=\"%Y-%m-%d\") }}</span>",
        )
        .file(
            "content/dated.md",
            "+++\ntitle = \"Dated\"\n+++\n\nWritten in {{ year() }}.\n",
        );
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("--root")
        .arg(site.root())
        .arg("build")
        .current_dir(site.root())
        // 2024-11-30T12:00:00Z
        .env("SOURCE_DATE_EPOCH", "1732968000");
    Output::of(cmd).assert_success();
    assert_eq!(texts(&site.html("/dated/"), "span.year"), ["2024-11-30"]);
}
