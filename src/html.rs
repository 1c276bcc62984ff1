//! HTML escaping, for everything that writes HTML or XML by hand: the Markdown pass,
//! code highlighting, citations, the timeline, feeds, the sitemap and the graph. A leaf
//! module, so none of them has to import another stage to escape a string.

/// `s` as HTML text: `<`, `>` and `&` escaped.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html_body_text(&mut out, s).ok();
    out
}

/// `s` as an attribute value (or XML text): quotes escaped too.
pub(crate) fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}
