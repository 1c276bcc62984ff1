//! `{{ page.content | responsive_images }}`: the built-in theme's images for phones. Each
//! `<img>` of the site's own JPEG, PNG or WebP files gets a `srcset` of smaller copies
//! (made by the same machinery as `resize_image`, once per build and kept in the output
//! between builds), `sizes` for the text column, and its `width` and `height`, so the
//! page keeps its place while the image loads. A phone downloads the 480 or 960 px copy
//! rather than the original.
//!
//! A filter on the finished HTML, like `margin_notes`, so `page.content` stays what Zola
//! gives: a Zola theme's pages and the feeds point at the original files as before. An
//! image that is not the site's own (another host, a query string), is vector or
//! animated (SVG, GIF), already has a `srcset`, or cannot be read is left as it is.

use std::borrow::Cow;

/// The widths of the copies, each made only when smaller than the original. 480 suits a
/// phone at 1×, 960 a phone at 2× and the text column at 1×, 1440 the column at 2×.
pub(crate) const WIDTHS: [u32; 3] = [480, 960, 1440];

/// How wide the image is shown: the theme's text column (68ch, about 48rem) on a wide
/// screen, the screen less its margins on a narrow one.
const SIZES: &str = "(min-width: 50rem) 48rem, calc(100vw - 2rem)";

/// An image's own size and its smaller copies (address, width), narrowest first.
pub(crate) struct Set {
    pub width: u32,
    pub height: u32,
    pub smaller: Vec<(String, u32)>,
}

/// `content` with every `<img>` of a local raster image given its `srcset`, `sizes` and
/// size. `set_for` answers for the image at an address (`/security/kursk/map.jpg`,
/// unescaped), or `None` to leave it. Borrowed when no image gains anything.
pub(crate) fn add(content: &str, mut set_for: impl FnMut(&str) -> Option<Set>) -> Cow<'_, str> {
    if !content.contains("<img") {
        return Cow::Borrowed(content);
    }
    let mut out = String::with_capacity(content.len() + 256);
    let mut done = 0;
    let mut scan = 0;
    while let Some(open) = content[scan..].find('<').map(|i| scan + i) {
        let rest = &content[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            scan = after.find("-->").map_or(content.len(), |e| open + 4 + e + 3);
            continue;
        }
        let Some(len) = tag_len(rest) else { break };
        scan = open + len;
        let tag = &rest[..len];
        let Some(attrs) = tag
            .strip_prefix("<img")
            .filter(|a| a.starts_with(|c: char| c.is_ascii_whitespace()))
        else {
            continue;
        };
        if attribute(attrs, "srcset").is_some() {
            continue;
        }
        let Some(src) = attribute(attrs, "src") else {
            continue;
        };
        let src = unescape(src);
        if !is_local_raster(&src) {
            continue;
        }
        let Some(set) = set_for(&src) else { continue };
        let mut extra = String::new();
        if !set.smaller.is_empty() {
            extra.push_str(" srcset=\"");
            for (url, width) in &set.smaller {
                extra.push_str(&format!("{} {width}w, ", crate::html::escape_attr(url)));
            }
            extra.push_str(&format!(
                "{} {}w\" sizes=\"{SIZES}\"",
                crate::html::escape_attr(&src),
                set.width
            ));
        }
        if attribute(attrs, "width").is_none() && attribute(attrs, "height").is_none() {
            extra.push_str(&format!(" width=\"{}\" height=\"{}\"", set.width, set.height));
        }
        // Before the tag's end, `>` or `/>`.
        let end = open + len - if tag.ends_with("/>") { 2 } else { 1 };
        out.push_str(&content[done..end]);
        out.push_str(&extra);
        done = end;
    }
    if done == 0 {
        return Cow::Borrowed(content);
    }
    out.push_str(&content[done..]);
    Cow::Owned(out)
}

/// The length of the tag at the start of `text`, through its `>` (quoted `>` skipped).
fn tag_len(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` among a tag's attributes, as written.
fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() || rest.starts_with('>') {
            return None;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let (this, after) = rest.split_at(name_end);
        let after = after.trim_start();
        let (value, next) = match after.strip_prefix('=') {
            Some(v) => {
                let v = v.trim_start();
                match v.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let close = v[1..].find(q).map_or(v.len(), |e| e + 1);
                        (&v[1..close.min(v.len())], &v[(close + 1).min(v.len())..])
                    }
                    _ => {
                        let e = v
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .unwrap_or(v.len());
                        (&v[..e], &v[e..])
                    }
                }
            }
            None => ("", after),
        };
        if this.eq_ignore_ascii_case(name) {
            return Some(value);
        }
        rest = next;
    }
}

/// The entities dossier's HTML writer puts in an address.
fn unescape(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// A path on this site (not `//host/…` nor `https://…`) to a JPEG, PNG or WebP file,
/// without a query or fragment that would make it another resource.
fn is_local_raster(src: &str) -> bool {
    if !src.starts_with('/') || src.starts_with("//") || src.contains(['?', '#']) {
        return false;
    }
    let ext = src.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(ext.as_deref(), Some("jpg" | "jpeg" | "png" | "webp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(width: u32, height: u32) -> Option<Set> {
        let smaller = WIDTHS
            .iter()
            .filter(|w| **w < width)
            .map(|w| (format!("/processed_images/a.{w}.jpg"), *w))
            .collect();
        Some(Set {
            width,
            height,
            smaller,
        })
    }

    #[test]
    fn a_large_local_image_gets_its_copies_sizes_and_size() {
        let html = "<p><img src=\"/a/map.jpg\" alt=\"A map\" loading=\"lazy\" decoding=\"async\"></p>";
        let out = add(html, |src| {
            assert_eq!(src, "/a/map.jpg");
            set(2000, 1000)
        });
        assert_eq!(
            out,
            "<p><img src=\"/a/map.jpg\" alt=\"A map\" loading=\"lazy\" decoding=\"async\" \
             srcset=\"/processed_images/a.480.jpg 480w, /processed_images/a.960.jpg 960w, \
             /processed_images/a.1440.jpg 1440w, /a/map.jpg 2000w\" sizes=\"(min-width: 50rem) 48rem, \
             calc(100vw - 2rem)\" width=\"2000\" height=\"1000\"></p>"
        );
    }

    #[test]
    fn a_small_image_gets_only_its_size_and_a_sized_one_keeps_its_own() {
        let out = add("<img src=\"/s.png\" alt=\"\">", |_| set(300, 200));
        assert_eq!(out, "<img src=\"/s.png\" alt=\"\" width=\"300\" height=\"200\">");
        let out = add("<img src=\"/s.png\" width=\"100\" />", |_| set(300, 200));
        assert_eq!(out, "<img src=\"/s.png\" width=\"100\" />");
        let out = add("<img src='/b.webp' alt='x > y'/>", |_| set(1000, 500));
        assert!(out.starts_with("<img src='/b.webp' alt='x > y' srcset=\"/processed_images/a.480.jpg 480w, /processed_images/a.960.jpg 960w, /b.webp 1000w\""), "{out}");
        assert!(out.ends_with(" width=\"1000\" height=\"500\"/>"), "{out}");
    }

    #[test]
    fn other_images_are_left_as_they_are() {
        let mut asked = Vec::new();
        let html = "<img src=\"https://x.org/a.jpg\"><img src=\"//x.org/a.jpg\"><img src=\"/a.svg\">\
                    <img src=\"/a.gif\"><img src=\"/a.jpg?v=2\"><img srcset=\"/a.jpg 1x\" src=\"/a.jpg\">\
                    <!-- <img src=\"/c.jpg\"> --><code>&lt;img src=\"/d.jpg\"&gt;</code><imgx src=\"/e.jpg\">\
                    <img src=\"/broken.png\">";
        let out = add(html, |src| {
            asked.push(src.to_owned());
            None
        });
        assert_eq!(out, html);
        assert_eq!(asked, ["/broken.png"]);
    }

    #[test]
    fn an_escaped_address_is_asked_for_unescaped_and_written_escaped() {
        let out = add("<img src=\"/a&amp;b.jpg\">", |src| {
            assert_eq!(src, "/a&b.jpg");
            set(600, 400)
        });
        assert!(out.contains("/a&amp;b.jpg 600w"), "{out}");
    }

    #[test]
    fn a_text_no_image_changes_in_is_given_back_as_it_is() {
        for html in [
            "<p>No image.</p>",
            "<img src=\"https://elsewhere.example/a.jpg\">",
        ] {
            assert!(matches!(add(html, |_| set(2000, 1000)), Cow::Borrowed(same) if same == html));
        }
        assert!(matches!(
            add("<img src=\"/a.jpg\">", |_| set(2000, 1000)),
            Cow::Owned(_)
        ));
    }

    #[test]
    fn an_unclosed_tag_ends_the_scan_without_losing_text() {
        let html = "<p>x</p><img src=\"/a.jpg\"";
        assert_eq!(add(html, |_| set(2000, 1000)), html);
    }
}
