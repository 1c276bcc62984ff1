//! Problems in config.toml are placed where the TOML parser found their key, not at the
//! first line that starts with the key's name.

use super::{Config, Overrides};

fn warning_lines(text: &str) -> Vec<(String, Option<usize>)> {
    let (_, diags) = Config::parse(text, &Overrides::default());
    diags
        .iter()
        .map(|d| (d.message.clone(), d.location.as_ref().and_then(|l| l.line)))
        .collect()
}

/// Regression: the warning about `[markdown.highlighting] style` pointed at `[sources]
/// style`, the first line that set a key named `style`.
#[test]
fn a_highlighting_style_warning_points_at_the_highlighting_table() {
    let found = warning_lines(
        "base_url = \"https://a.org/\"\n\
         \n\
         [sources]\n\
         style = \"ieee\"\n\
         \n\
         [markdown.highlighting]\n\
         style = \"inline\"\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.contains("markdown.highlighting.style"), "{found:?}");
    assert_eq!(found[0].1, Some(7), "{found:?}");
}

/// A Zola key that is also a `[markdown]` key is named, and placed, in its own table.
#[test]
fn zola_keys_are_placed_in_their_own_table() {
    let found = warning_lines(
        "base_url = \"https://a.org/\"\n\
         # highlight_code = true was Zola's\n\
         mode = \"build\"\n\
         [markdown]\n\
         highlight_code = true\n",
    );
    let names: Vec<(&str, Option<usize>)> = found
        .iter()
        .map(|(m, l)| (m.split(' ').next().unwrap(), *l))
        .collect();
    assert_eq!(
        names,
        [("`mode`", Some(3)), ("`markdown.highlight_code`", Some(5))],
        "{found:?}"
    );
}

/// An error about the second taxonomy points at the second, not the first.
#[test]
fn a_taxonomy_error_points_at_its_entry() {
    let (_, diags) = Config::parse(
        "base_url = \"https://a.org/\"\n\
         [[taxonomies]]\n\
         name = \"tags\"\n\
         [[taxonomies]]\n\
         name = \"tags\"\n",
        &Overrides::default(),
    );
    let e = diags.iter().next().expect("an error");
    assert!(e.message.contains("declared twice"), "{}", e.message);
    assert_eq!(e.location.as_ref().and_then(|l| l.line), Some(5));
}
