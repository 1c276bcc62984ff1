//! Slugs for URLs, heading ids and taxonomy terms.

/// Lowercase ASCII words joined by `-`, transliterating other scripts (`Élysée` → `elysee`).
/// Text with nothing to transliterate (emoji only, say) keeps its characters, percent-safe.
pub(crate) fn slugify(text: &str) -> String {
    let slug = slug::slugify(text);
    if !slug.is_empty() || text.trim().is_empty() {
        return slug;
    }
    // Keep what deunicode cannot spell out rather than producing an empty URL segment.
    let kept = text
        .trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() || "/?#%\\\"'<>&".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_lowercase();
    // `.` and `..` are not names: as a URL segment they mean "here" and "up".
    if kept.chars().all(|c| c == '.') {
        String::new()
    } else {
        kept
    }
}

/// A slug's words as a title (`kursk-deployment` → `Kursk Deployment`): what a page with
/// no title is called, and what `dossier new` writes.
pub(crate) fn title_from_slug(slug: &str) -> String {
    slug.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Troops at Kursk!"), "troops-at-kursk");
        assert_eq!(slugify("Élysée"), "elysee");
        assert_eq!(slugify("South Korea"), "south-korea");
        for dots in [".", "..", "...", " .. "] {
            assert_eq!(slugify(dots), "", "{dots:?}");
        }
    }
}
