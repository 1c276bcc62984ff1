//! The anchors raw HTML in Markdown defines: `id="…"` on any element and `name="…"` on
//! `<a>`, which a link's `#fragment` may target as well as a heading. Imported sites
//! (Zola, Hugo) use `<a name="…">` for anchors that no heading gives.

/// Every anchor the tags in `html` define, in order. A linear scan of the tags and their
/// attributes; comments and text between tags are skipped.
pub(crate) fn anchors(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 {
            continue; // `</x>`, `<!doctype>`, a lone `<` in text.
        }
        let is_a = rest[..name_len].eq_ignore_ascii_case("a");
        rest = &rest[name_len..];
        // Attributes up to the tag's `>`.
        loop {
            rest = rest.trim_start();
            let Some(c) = rest.chars().next() else { break };
            if c == '>' || c == '/' || c == '<' {
                break;
            }
            let key_len = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(rest.len());
            let key = &rest[..key_len];
            rest = rest[key_len..].trim_start();
            let Some(after_eq) = rest.strip_prefix('=') else {
                if key_len == 0 {
                    rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
                }
                continue; // An attribute without a value.
            };
            rest = after_eq.trim_start();
            let value = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &rest[1..];
                    let end = inner.find(q).unwrap_or(inner.len());
                    rest = inner.get(end + 1..).unwrap_or("");
                    &inner[..end]
                }
                _ => {
                    let end = rest
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(rest.len());
                    let v = &rest[..end];
                    rest = &rest[end..];
                    v
                }
            };
            let anchor = key.eq_ignore_ascii_case("id") || (is_a && key.eq_ignore_ascii_case("name"));
            if anchor && !value.is_empty() {
                out.push(value);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::anchors;

    #[test]
    fn ids_on_any_tag_and_names_on_links() {
        assert_eq!(
            anchors(r#"<a name="top"></a><div class="x" id='box'><input name="q"><span id=bare>"#),
            ["top", "box", "bare"]
        );
        assert_eq!(anchors(r#"<A NAME="Up">"#), ["Up"]);
    }

    #[test]
    fn what_is_not_a_tag_defines_nothing() {
        assert_eq!(anchors("a < b and id=\"x\" in text"), Vec::<&str>::new());
        assert_eq!(anchors(r#"<!-- <a name="old"> --><p id="new">"#), ["new"]);
        assert_eq!(
            anchors(r#"<img src="a.png" alt="id=&quot;x&quot;" hidden>"#),
            Vec::<&str>::new()
        );
        assert_eq!(anchors("<p id=\"unclosed"), ["unclosed"]);
        assert_eq!(anchors("<p id=>"), Vec::<&str>::new());
    }
}
