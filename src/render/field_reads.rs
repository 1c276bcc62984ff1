//! Whether a template's text can show one field of a variable: for fingerprints that
//! leave out a field no template of an output prints (a section's `page_count` in the
//! `current_section` every analysis page gets), so that a page added to a section does not
//! render every page of it again for a number none of them shows.
//!
//! The test reads the text, not the template's syntax tree, and errs towards "can": the
//! field named anywhere, even in a comment or a string; the variable printed, iterated,
//! assigned, passed on or indexed (`[…]`) rather than read by field name or tested for
//! truth; or the whole context read.

use regex::Regex;

/// The variable an analysis page gets its section in, and the field left out of its
/// fingerprint when no template of the page can show it.
pub(super) const SECTION: &str = "current_section";
pub(super) const SECTION_COUNT: &str = "page_count";

/// Whether `text` can show `variable.field` (see the module's notes).
pub(super) fn may_read(text: &str, variable: &str, field: &str) -> bool {
    let word = |w: &str| Regex::new(&format!(r"\b{}\b", regex::escape(w))).expect("a valid pattern");
    if word(field).is_match(text) || text.contains("__tera_context") {
        return true;
    }
    // What may stand before and after the variable where it is only tested for truth.
    let tested_after = Regex::new(r"^\s*(?:and\b|or\b|is\b|-?%\})").expect("a valid pattern");
    let tested_before = Regex::new(r"(?:\bif|\belif|\band|\bor|\bnot)\s*$").expect("a valid pattern");
    let by_field = Regex::new(r"^\s*\.\s*[A-Za-z_]").expect("a valid pattern");
    word(variable).find_iter(text).any(|m| {
        let (before, after) = (&text[..m.start()], &text[m.end()..]);
        !(by_field.is_match(after) || (tested_after.is_match(after) && tested_before.is_match(before)))
    })
}

#[cfg(test)]
mod tests {
    use super::may_read;

    #[test]
    fn a_field_read_by_name_or_a_test_for_truth_shows_no_other_field() {
        for text in [
            "{% if current_section and current_section.render %}<a href=\"{{ current_section.href }}\">{{ current_section.title }}</a>{% endif %}",
            "{% if not current_section %}none{% endif %}{% if current_section is defined -%}x{% endif %}",
            "{% for s in current_section.subsections %}{{ s }}{% endfor %}",
            "{% set t = current_section.title | upper %}{{ t }}",
            "no section at all",
        ] {
            assert!(!may_read(text, "current_section", "page_count"), "{text}");
        }
    }

    #[test]
    fn the_field_named_or_the_variable_handed_on_may_show_it() {
        for text in [
            "{{ current_section.page_count }}",
            "{# page_count #}",
            "{{ current_section['page_count'] }}",
            "{{ current_section[key] }}",
            "{{ current_section }}",
            "{{ current_section | json_encode }}",
            "{% set s = current_section %}{{ s.title }}",
            "{% for k, v in current_section %}{{ k }}{% endfor %}",
            "{{ macros::card(section=current_section) }}",
            "{{ describe(current_section) }}",
            "{% if (current_section) %}{% endif %}",
            "{% if current_section %}{{ __tera_context }}{% endif %}",
        ] {
            assert!(may_read(text, "current_section", "page_count"), "{text}");
        }
    }
}
