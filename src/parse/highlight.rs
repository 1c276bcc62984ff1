//! Code highlighting with syntect, as CSS classes.
//!
//! The syntax set (syntect's plus two-face's extra grammars such as TOML and TypeScript)
//! is loaded once per build. Each distinct (language, code) pair is highlighted once and
//! shared, since generated corpora and real sites repeat the same snippets.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::html::{escape_attr, escape_text};

/// Prefix of every highlight class, so theme CSS cannot collide with the site's.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Highlights code blocks; cheap to share between threads.
pub(crate) struct Highlighter {
    enabled: bool,
    syntaxes: OnceLock<SyntaxSet>,
    cache: RwLock<HashMap<(String, String), Arc<str>>>,
}

impl Highlighter {
    pub(crate) fn new(enabled: bool) -> Self {
        Highlighter {
            enabled,
            syntaxes: OnceLock::new(),
            cache: RwLock::new(HashMap::new()),
        }
    }

    fn syntaxes(&self) -> &SyntaxSet {
        // Loading the grammars costs tens of milliseconds; sites without code never pay it.
        self.syntaxes.get_or_init(two_face::syntax::extra_newlines)
    }

    /// The `<pre>` block for `code` in `lang` (empty for none). Unknown languages render
    /// as plain, escaped code.
    pub(crate) fn block(&self, lang: &str, code: &str) -> Arc<str> {
        let key = (lang.to_owned(), code.to_owned());
        if let Some(hit) = self.cache.read().ok().and_then(|c| c.get(&key).cloned()) {
            return hit;
        }
        let html: Arc<str> = self.block_html(lang, code).into();
        if let Ok(mut cache) = self.cache.write() {
            cache.insert(key, html.clone());
        }
        html
    }

    fn block_html(&self, lang: &str, code: &str) -> String {
        let lang_attr = escape_attr(lang);
        let mut out = String::with_capacity(code.len() * 3 + 64);
        if lang.is_empty() {
            out.push_str("<pre class=\"code\"><code>");
        } else {
            out.push_str(&format!(
                "<pre class=\"code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">"
            ));
        }
        let highlighted = (self.enabled && !lang.is_empty())
            .then(|| self.highlight(lang, code))
            .flatten();
        match highlighted {
            Some(html) => out.push_str(&html),
            None => out.push_str(&escape_text(code)),
        }
        out.push_str("</code></pre>\n");
        out
    }

    fn highlight(&self, lang: &str, code: &str) -> Option<String> {
        let ss = self.syntaxes();
        let syntax = ss.find_syntax_by_token(lang)?;
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, ss, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(generator.finalize())
    }
}

/// Stylesheets for the configured light and dark themes, with a warning for each name
/// that is not one of the themes (syntect's and two-face's): Zola's names (Giallo's,
/// `catppuccin-mocha`, `gruvbox-dark-medium`) find the theme they name however it is
/// spelt, and a name that finds none falls back to the default, so that a site Zola
/// builds also builds here.
pub(crate) fn stylesheets(light: &str, dark: &str) -> Result<(String, String, Vec<Diagnostic>), Diagnostic> {
    // Each theme is decompressed only when asked for: all of them took a build 4 ms.
    let themes = two_face::theme::LazyThemeSet::from(two_face::theme::extra());
    let mut warnings = Vec::new();
    let mut css = |name: &str, fallback: &str| -> Result<String, Diagnostic> {
        let found = match find_theme(themes.theme_names(), name) {
            Some(found) => found,
            None => {
                let names: Vec<&str> = themes.theme_names().collect();
                warnings.push(
                    Diagnostic::warning(format!(
                        "unknown highlighting theme `{name}`: code is coloured with `{fallback}`"
                    ))
                    .hint(
                        did_you_mean(name, names.iter().copied())
                            .unwrap_or_else(|| format!("available themes: {}", names.join(", "))),
                    ),
                );
                fallback
            }
        };
        let theme = themes
            .get(found)
            .ok_or_else(|| Diagnostic::error(format!("the highlighting theme `{found}` is missing")))?;
        css_for_theme_with_class_style(&readable(theme), CLASS_STYLE)
            .map_err(|e| Diagnostic::error(format!("cannot make CSS for theme `{found}`: {e}")))
    };
    let light = css(light, crate::config::DEFAULT_LIGHT_THEME)?;
    let dark = css(dark, crate::config::DEFAULT_DARK_THEME)?;
    Ok((light, dark, warnings))
}

/// The name of the theme `name` names, of those `names`: exactly, else ignoring case and
/// punctuation (`catppuccin-mocha` is `Catppuccin Mocha`), else the theme whose name
/// begins it (`gruvbox-dark-medium` is `gruvbox-dark`).
fn find_theme<'t>(names: impl Iterator<Item = &'t str>, name: &str) -> Option<&'t str> {
    fn folded(s: &str) -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    }
    let names: Vec<&str> = names.collect();
    if let Some(exact) = names.iter().find(|n| **n == name) {
        return Some(exact);
    }
    let wanted = folded(name);
    let mut by_fold: Vec<(String, &str)> = names.iter().map(|n| (folded(n), *n)).collect();
    // Longest first, so `gruvbox-dark-medium` finds `gruvbox-dark` and not a shorter name.
    by_fold.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    by_fold
        .iter()
        .find(|(f, _)| *f == wanted)
        .or_else(|| {
            by_fold
                .iter()
                .find(|(f, _)| f.len() >= 4 && wanted.starts_with(f.as_str()))
        })
        .map(|(_, t)| *t)
}

/// One stylesheet for both themes, following the reader's choice (`data-theme` on the
/// root, set by the theme's switch) or else the system's: no script needs to swap
/// stylesheets, and a page links one file instead of two. Each theme's rules apply only
/// in their own case, so a property one theme sets and the other does not (italic
/// comments, say) never leaks across.
pub(crate) fn combined_stylesheet(light: &str, dark: &str) -> String {
    let mut out = String::from(
        "/* Code colours: the light theme when the reader chose it, or chose nothing on a light\n   system; the dark theme likewise. */\n",
    );
    for (css, scheme) in [(light, "light"), (dark, "dark")] {
        let other = if scheme == "light" { "dark" } else { "light" };
        out.push_str(&scoped(css, &format!(":root[data-theme=\"{scheme}\"]")));
        out.push_str(&format!("@media (prefers-color-scheme: {scheme}) {{\n"));
        out.push_str(&scoped(css, &format!(":root:not([data-theme=\"{other}\"])")));
        out.push_str("}\n");
    }
    out
}

/// `css` (syntect's output: comments and flat rules, no at-rules) with every selector
/// put under `scope`.
fn scoped(css: &str, scope: &str) -> String {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let mut out = String::with_capacity(text.len() * 2);
    for rule in text.split('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            continue;
        };
        let selectors: Vec<String> = selectors
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("{scope} {s}"))
            .collect();
        if selectors.is_empty() {
            continue;
        }
        let body: Vec<&str> = body.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        out.push_str(&format!("{} {{ {} }}\n", selectors.join(", "), body.join(" ")));
    }
    out
}

/// The WCAG AA contrast for normal text, with a little room for rounding.
const MIN_CONTRAST: f64 = 4.6;

/// The theme with every token colour that is hard to read on its background (below WCAG
/// AA) darkened, or on a dark theme lightened, until it is not. Several of the bundled
/// themes have a colour or two that fail (InspiredGitHub's numbers, for one).
fn readable(theme: &syntect::highlighting::Theme) -> syntect::highlighting::Theme {
    use syntect::highlighting::Color;
    let background = theme.settings.background.unwrap_or(Color::WHITE);
    let dark = luminance(background) < 0.5;
    let mut theme = theme.clone();
    for item in &mut theme.scopes {
        if let Some(fg) = item.style.foreground.as_mut() {
            let mut steps = 0;
            while contrast(*fg, background) < MIN_CONTRAST && steps < 40 {
                let toward = |c: u8| {
                    if dark {
                        c + ((255 - c) as f64 * 0.1).ceil() as u8
                    } else {
                        (c as f64 * 0.9) as u8
                    }
                };
                *fg = Color {
                    r: toward(fg.r),
                    g: toward(fg.g),
                    b: toward(fg.b),
                    a: fg.a,
                };
                steps += 1;
            }
        }
    }
    theme
}

/// WCAG relative luminance.
fn luminance(c: syntect::highlighting::Color) -> f64 {
    let channel = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

fn contrast(a: syntect::highlighting::Color, b: syntect::highlighting::Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_combined_stylesheet_scopes_each_theme_to_its_own_case() {
        let light = "/*\n * theme \"L\"\n */\n.hl-code {\n color: #111;\n}\n.hl-a, .hl-b .hl-c {\n font-style: italic;\n}\n";
        let dark = ".hl-code {\n color: #eee;\n}\n";
        let css = combined_stylesheet(light, dark);
        assert!(!css.contains("theme \"L\""), "comments dropped: {css}");
        assert!(
            css.contains(":root[data-theme=\"light\"] .hl-code { color: #111; }"),
            "{css}"
        );
        assert!(
            css.contains(
                ":root:not([data-theme=\"dark\"]) .hl-a, :root:not([data-theme=\"dark\"]) .hl-b .hl-c { font-style: italic; }"
            ),
            "{css}"
        );
        assert!(css.contains("@media (prefers-color-scheme: dark) {\n:root:not([data-theme=\"light\"]) .hl-code { color: #eee; }\n}"), "{css}");
        assert!(
            css.contains(":root[data-theme=\"dark\"] .hl-code { color: #eee; }"),
            "{css}"
        );
        // The light rules never apply where the dark ones do.
        assert!(!css.contains(":root[data-theme=\"dark\"] .hl-a"), "{css}");
        assert_eq!(css.matches('{').count(), css.matches('}').count());
    }

    #[test]
    fn known_language_gets_classes_and_unknown_is_plain() {
        let h = Highlighter::new(true);
        let rust = h.block("rust", "fn main() {}\n");
        assert!(rust.contains("hl-"), "{rust}");
        assert!(rust.contains("data-lang=\"rust\""));
        let toml = h.block("toml", "a = 1\n");
        assert!(toml.contains("hl-"), "two-face adds TOML: {toml}");
        let plain = h.block("no-such-lang", "<b>\n");
        assert!(plain.contains("&lt;b&gt;"), "{plain}");
        assert!(!plain.contains("hl-"));
    }

    #[test]
    fn stylesheets_for_default_themes() {
        let (light, dark, warnings) = stylesheets(
            crate::config::DEFAULT_LIGHT_THEME,
            crate::config::DEFAULT_DARK_THEME,
        )
        .unwrap();
        assert!(light.contains(".hl-"));
        assert!(dark.contains(".hl-"));
        assert!(warnings.is_empty());
        let (_, _, warnings) = stylesheets("nope", "catppuccin-mocha").unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("`nope`"));
    }

    #[test]
    fn zola_s_theme_names_find_their_themes() {
        let themes = two_face::theme::LazyThemeSet::from(two_face::theme::extra());
        let name = |wanted: &str| find_theme(themes.theme_names(), wanted);
        assert_eq!(name("catppuccin-frappe"), Some("Catppuccin Frappe"));
        assert_eq!(name("gruvbox-dark-medium"), Some("gruvbox-dark"));
        assert_eq!(name("nord"), Some("Nord"));
        assert_eq!(name("InspiredGitHub"), Some("InspiredGitHub"));
        assert_eq!(name("vitesse-black"), None);
    }

    #[test]
    fn every_token_colour_is_readable_on_its_background() {
        let themes = syntect::highlighting::ThemeSet::load_defaults();
        for name in [
            crate::config::DEFAULT_LIGHT_THEME,
            crate::config::DEFAULT_DARK_THEME,
        ] {
            let theme = readable(&themes.themes[name]);
            let bg = theme.settings.background.unwrap();
            for item in &theme.scopes {
                if let Some(fg) = item.style.foreground {
                    assert!(contrast(fg, bg) >= 4.5, "{name}: {fg:?} on {bg:?}");
                }
            }
        }
    }
}
