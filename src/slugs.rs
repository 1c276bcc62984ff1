//! Slugs for URLs, heading ids and taxonomy terms, made as Zola's `[slugify]` asks.

use serde::Deserialize;

/// How names become URL segments or ids (Zola's `slugify.paths`, `.taxonomies`,
/// `.anchors`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Strategy {
    /// Lowercase ASCII words joined by `-` (see [`slugify`]).
    #[default]
    On,
    /// The name as written, without the characters file systems and URLs refuse.
    Safe,
    /// The name as written (but see [`path_slug`]).
    Off,
}

/// A page's, section folder's or term's URL segment. `off` keeps the name as written,
/// as Zola does, except what would make it leave its folder: `/` and `\` (which would
/// make it several segments) are dropped, and a name of dots alone (`..`) is no name.
pub(crate) fn path_slug(text: &str, strategy: Strategy) -> String {
    let kept = match strategy {
        Strategy::On => return slugify(text),
        Strategy::Safe => {
            // Zola's list: what NTFS forbids, and spaces and dots at the end.
            let trimmed = text.trim_end_matches([' ', '.']);
            trimmed.replace(|c: char| r#"<>:"/\|?*"#.contains(c), "")
        }
        Strategy::Off => text.replace(['/', '\\'], ""),
    };
    if kept.chars().all(|c| c == '.') {
        String::new()
    } else {
        kept
    }
}

/// A heading's id: with `safe` or `off` the text with ASCII white space as `_`, as Zola
/// makes it.
pub(crate) fn anchor_slug(text: &str, strategy: Strategy) -> String {
    match strategy {
        Strategy::On => slugify(text),
        Strategy::Safe | Strategy::Off => text.replace(|c: char| c.is_ascii_whitespace(), "_"),
    }
}

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
    use super::{Strategy, anchor_slug, path_slug, slugify};

    #[test]
    fn strategies_as_zola_has_them() {
        // input, (on, safe, off): Zola's own cases.
        for (input, (on, safe, off)) in [
            ("input", ("input", "input", "input")),
            ("test ", ("test", "test", "test ")),
            ("tes t", ("tes-t", "tes t", "tes t")),
            ("dot. ", ("dot", "dot", "dot. ")),
            ("日本", ("ri-ben", "日本", "日本")),
            ("résumé", ("resume", "résumé", "résumé")),
            ("a:b|c?*", ("a-b-c", "abc", "a:b|c?*")),
        ] {
            assert_eq!(path_slug(input, Strategy::On), on, "{input:?}");
            assert_eq!(path_slug(input, Strategy::Safe), safe, "{input:?}");
            assert_eq!(path_slug(input, Strategy::Off), off, "{input:?}");
        }
        // Never a way out of the folder, whatever the strategy.
        for strategy in [Strategy::On, Strategy::Safe, Strategy::Off] {
            assert_eq!(path_slug("..", strategy), "", "{strategy:?}");
            assert!(!path_slug("../etc/x", strategy).contains('/'), "{strategy:?}");
            assert!(!path_slug("a\\..\\b", strategy).contains('\\'), "{strategy:?}");
        }
        assert_eq!(anchor_slug("Key Judgments", Strategy::On), "key-judgments");
        assert_eq!(anchor_slug("Key Judgments", Strategy::Safe), "Key_Judgments");
        assert_eq!(anchor_slug("Key\tJudgments", Strategy::Off), "Key_Judgments");
    }

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
