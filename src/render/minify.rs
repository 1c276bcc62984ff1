//! Zola's `minify_html`: the HTML outputs render makes, minified as Zola minifies them.

use std::borrow::Cow;

/// Zola's settings: minify-html's defaults (comments dropped, whitespace collapsed
/// outside `<pre>` and `<textarea>`, optional closing tags and attribute quotes left
/// out where the spec allows), the `<html>` and `<head>` opening tags kept, CSS in
/// `<style>` and `style=""` minified. Scripts are left as written but for the blank
/// around them: Zola turned their minifier off, and JSON-LD is data, never touched.
fn settings() -> minify_html::Cfg {
    minify_html::Cfg {
        keep_html_and_head_opening_tags: true,
        minify_css: true,
        minify_js: false,
        ..minify_html::Cfg::default()
    }
}

/// The bytes of an output: minified when `minify` is on and the output is an HTML file
/// (`.html`, as Zola decides), else the text as rendered.
pub(super) fn output<'a>(minify: bool, path: &str, html: &'a str) -> Cow<'a, [u8]> {
    if minify && path.ends_with(".html") {
        Cow::Owned(minify_html::minify(html.as_bytes(), &settings()))
    } else {
        Cow::Borrowed(html.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minified(html: &str) -> String {
        String::from_utf8(output(true, "a/index.html", html).into_owned()).unwrap()
    }

    #[test]
    fn only_html_files_and_only_when_asked() {
        let html = "<p>  a  </p>\n";
        assert_eq!(output(false, "index.html", html), html.as_bytes());
        assert_eq!(output(true, "atom.xml", html), html.as_bytes());
        assert_eq!(minified(html), "<p>a");
    }

    #[test]
    fn code_scripts_and_json_ld_keep_their_text() {
        let html = "<!doctype html><html lang=en><head><title>T</title>\n\
            <script type=\"application/ld+json\">{\n  \"@type\": \"Article\"\n}</script>\n\
            <script>\n  const a = 1;   // kept\n</script>\n\
            <style>\n  p  { color : red ; }\n</style></head>\n<body>\n\
            <pre><code>fn main() {\n    let  x = 1;\n}\n</code></pre>\n</body></html>\n";
        let out = minified(html);
        assert!(out.contains("{\n  \"@type\": \"Article\"\n}"), "{out}");
        assert!(out.contains("<script>const a = 1;   // kept</script>"), "{out}");
        assert!(
            out.contains("<pre><code>fn main() {\n    let  x = 1;\n}\n</code></pre>"),
            "{out}"
        );
        assert!(out.contains("<style>p{color:red}</style>"), "{out}");
        assert!(out.starts_with("<!doctype html><html lang=en><head>"), "{out}");
    }
}
