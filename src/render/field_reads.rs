//! Whether a template's text can show one field of a variable: for fingerprints that
//! leave out a field no template of an output prints (a section's `page_count` in the
//! `current_section` every analysis page gets), so that a page added to a section does not
//! render every page of it again for a number none of them shows; and whether templates
//! read a page's field only off the output's own page (see [`own_page_fields`]), so
//! that the values every list shares can go without it.
//!
//! The test reads the text, not the template's syntax tree, and errs towards "can": the
//! field named anywhere, even in a comment or a string; the variable printed, iterated,
//! assigned, passed on or indexed (`[…]`) rather than read by field name or tested for
//! truth; or the whole context read.

use std::sync::LazyLock;

use regex::Regex;

/// The variable an analysis page gets its section in, and the field left out of its
/// fingerprint when no template of the page can show it.
pub(super) const SECTION: &str = "current_section";
pub(super) const SECTION_COUNT: &str = "page_count";

/// Whether `text` can show `variable.field` (see the module's notes).
pub(super) fn may_read(text: &str, variable: &str, field: &str) -> bool {
    if names(text, field) || text.contains(WHOLE_CONTEXT) {
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

/// Whether `text` can show `variable` at all: it is named as a word inside a tag
/// (`{{ … }}`, `{% … %}`, or a comment, erring towards showing), or the whole context is
/// read. Not in the text between tags, which only prints itself (the default theme's
/// `<section class="connected">` names no variable), nor in the template names of an
/// `include`, `extends` or `import` (`"partials/connected.html"`).
pub(super) fn may_show(text: &str, variable: &str) -> bool {
    // Asked for each template and variable, and for each page `serve` adds: made once.
    static NAMES_TEMPLATE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\{%-?\s*(?:include|extends|import)\b").expect("a valid pattern"));
    static QUOTED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#""[^"]*"|'[^']*'|`[^`]*`"#).expect("a valid pattern"));
    let named = word(variable);
    tags(text).any(|tag| match NAMES_TEMPLATE.is_match(tag) {
        true => named.is_match(&QUOTED.replace_all(tag, "\"\"")),
        false => named.is_match(tag),
    }) || text.contains(WHOLE_CONTEXT)
}

/// The tags of a template's text, each from its opening delimiter to its closing one (or
/// to the end of the text, unclosed): a closing delimiter inside a quoted string does not
/// close it, so `{{ "}}" ~ x }}` is one tag.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        // One pass to the next opening delimiter: a search per kind would read past it
        // to the end of the text for a kind the template has none of, at every tag.
        let start = rest
            .as_bytes()
            .windows(2)
            .position(|w| w[0] == b'{' && matches!(w[1], b'{' | b'%' | b'#'))?;
        let tag = &rest[start..];
        let close = match &tag[..2] {
            "{{" => "}}",
            "{%" => "%}",
            _ => "#}",
        };
        let bytes = tag.as_bytes();
        let (mut at, mut quote) = (2, None);
        let end = loop {
            if at >= bytes.len() {
                break tag.len();
            }
            match (quote, bytes[at]) {
                (None, q @ (b'"' | b'\'' | b'`')) if close != "#}" => quote = Some(q),
                (Some(q), b) if b == q => quote = None,
                (None, _) if bytes[at..].starts_with(close.as_bytes()) => break at + 2,
                _ => {}
            }
            at += 1;
        };
        rest = &tag[end..];
        Some(&tag[..end])
    })
}

/// The variable that holds the whole context: a template reading it can show anything.
const WHOLE_CONTEXT: &str = "__tera_context";

/// Whether `text` has `name` as a word.
fn names(text: &str, name: &str) -> bool {
    word(name).is_match(text)
}

fn word(name: &str) -> Regex {
    Regex::new(&format!(r"\b{}\b", regex::escape(name))).expect("a valid pattern")
}

/// The functions whose result is a page's value, or holds pages' values whole.
const PAGE_FUNCTIONS: [&str; 4] = ["get_page", "get_section", "get_taxonomy", "get_taxonomy_term"];

/// The variables whose value holds no page's value but the output's own page (`page`,
/// whose `related`, `lower` and `higher` are references without these fields).
const NO_LISTED_PAGES: [&str; 6] = [
    "page",
    "config",
    "lang",
    "translations",
    "current_url",
    "current_path",
];

/// The variables that may hold pages' values but are no page's value themselves.
const NOT_A_PAGE: [&str; 6] = ["section", "term", "taxonomy", "paginator", "terms", "pages"];

/// Which of `fields` `texts` read only off the output's own page, one answer a field.
/// A template reads a field so when it names it only as `page.field` (or as
/// `section.field`, a section's own), with `page` never bound to another value (nor
/// `section`, when it is read so), and reads no other page's value whole (encoded,
/// iterated as a map, counted, its keys listed) or by a field named at run time
/// (`p[name]`, `get(key=name)`, `attribute=name`). Then a page's value in the lists other
/// outputs show may go without the field (see `page_value::Apart`). The texts are read
/// once for all the fields.
///
/// Errs towards "no" as [`may_read`] does. What it does not see is a listed page printed
/// whole (`{{ p }}`, `p | str`), which shows Tera's debugging form of the map, and a page
/// compared whole with another.
pub(super) fn own_page_fields<'a>(texts: impl IntoIterator<Item = &'a str>, fields: &[&str]) -> Vec<bool> {
    let rules = OwnPageReads::new();
    let mut reads: Vec<Reads> = vec![Reads::Own; fields.len()];
    // A template may read `section.field` where another binds `section` (a partial
    // included in a loop): whether either happens is gathered over them all.
    let mut section_bound = false;
    for text in texts {
        if !rules.holds(text) {
            return vec![false; fields.len()];
        }
        rules.read_fields(text, fields, &mut reads);
        section_bound |= rules.binds_section.is_match(text);
    }
    reads
        .into_iter()
        .map(|r| match r {
            Reads::Own => true,
            Reads::OwnSection => !section_bound,
            Reads::Another => false,
        })
        .collect()
}

/// Whether `texts` read `field` only off the output's own page (see [`own_page_fields`]).
#[cfg(test)]
fn only_own_page_reads<'a>(texts: impl IntoIterator<Item = &'a str>, field: &str) -> bool {
    own_page_fields(texts, &[field])[0]
}

/// Whose a field is read off, as far as the templates read so far tell.
#[derive(Clone, Copy, PartialEq)]
enum Reads {
    /// Only the output's own page's, if at all.
    Own,
    /// The own page's, and a section's own (`section.field`).
    OwnSection,
    /// Maybe another page's.
    Another,
}

/// The patterns [`own_page_fields`] reads templates with, made once for them all.
struct OwnPageReads {
    word: Regex,
    tags: Regex,
    names: Regex,
    binds_page: Regex,
    binds_section: Regex,
    filters: Regex,
    indexed: Regex,
    named_at_run_time: Regex,
    for_pairs: Regex,
}

impl OwnPageReads {
    fn new() -> OwnPageReads {
        let pattern = |p: &str| Regex::new(p).expect("a valid pattern");
        // A variable bound by a loop, `set`, a keyword argument or a macro's parameter.
        let binds = |name: &str| {
            pattern(&format!(
                r"\bfor\s+(?:\w+\s*,\s*)?{name}\s*(?:,|\bin\b)|\bset(?:_global)?\s+{name}\b|\b{name}\s*=[^=]|\b(?:macro|component)\s+\w+\s*\([^)]*\b{name}\b"
            ))
        };
        OwnPageReads {
            word: pattern(r"\w+"),
            tags: pattern(r"(?s)\{\{.*?\}\}|\{%.*?%\}"),
            // The names of included templates, and of blocks (`{% block content %}`).
            names: pattern(
                r#"^\{%-?\s*(?:(?:include|import|extends)\s+("[^"]*"|'[^']*')|(?:block|endblock)\s+(\w+))"#,
            ),
            binds_page: binds("page"),
            binds_section: binds("section"),
            filters: pattern(r"\|\s*(json_encode|length|keys|values|pairs|get)\b"),
            // An index after a name or a bracket, not a list's `[`.
            indexed: pattern(r"[\w\])]\[\s*[A-Za-z_]"),
            named_at_run_time: pattern(r"\battribute\s*=\s*[A-Za-z_]"),
            for_pairs: pattern(r"\bfor\s+\w+\s*,\s*\w+\s+in\s+([^%]*?)\s*-?%\}"),
        }
    }

    /// Notes in `reads` whose each of `fields` `text` reads it off: every place a field
    /// is named in a tag (in a string too: `get(key="toc")`), but for the names of the
    /// templates a tag includes and of blocks; not in the HTML around the tags, nor in
    /// comments.
    fn read_fields(&self, text: &str, fields: &[&str], reads: &mut [Reads]) {
        for tag in self.tags.find_iter(text) {
            let skip = self
                .names
                .captures(tag.as_str())
                .map_or(0..0, |c| c.get(1).or(c.get(2)).expect("a group").range());
            for m in self.word.find_iter(tag.as_str()) {
                let Some(i) = fields.iter().position(|f| *f == m.as_str()) else {
                    continue;
                };
                let (before, after) = (&tag.as_str()[..m.start()], &tag.as_str()[m.end()..]);
                if skip.contains(&m.start()) || names_no_field(before, after) {
                    continue;
                }
                reads[i] = match (reads[i], owner(&text[..tag.start() + m.start()])) {
                    (Reads::Another, _) | (_, None) => Reads::Another,
                    (Reads::OwnSection, _) | (Reads::Own, Some(Owner::Section)) => Reads::OwnSection,
                    (Reads::Own, Some(Owner::Page)) => Reads::Own,
                };
            }
        }
    }

    /// Whether `text` reads no other page's value whole, nor by a field named at run
    /// time, nor binds `page` to another value: else it may read any field off another
    /// page.
    fn holds(&self, text: &str) -> bool {
        if text.contains(WHOLE_CONTEXT) {
            return false;
        }
        if self.binds_page.is_match(text) || self.named_at_run_time.is_match(text) {
            return false;
        }
        let filtered = self.filters.captures_iter(text).all(|c| {
            let (whole, name) = (c.get(0).expect("a match"), &c[1]);
            let operand = operand_before(&text[..whole.start()]).0;
            match name {
                "json_encode" => holds_no_listed_page(&operand),
                _ => is_no_page(&operand),
            }
        });
        filtered
            && self
                .indexed
                .find_iter(text)
                .all(|m| is_no_page(&operand_before(&text[..m.start() + 1]).0))
            && self.for_pairs.captures_iter(text).all(|c| {
                let expression = c.get(1).expect("a group").as_str();
                let (operand, start) = operand_before(expression);
                start == 0 && is_no_page(&operand)
            })
    }
}

/// Whether the word between `before` and `after` (in a tag) names a variable or an
/// argument rather than a field: outside a string, not after a `.`, and not called. (A
/// field is read by `.field`, or by its name in a string: `p["field"]`,
/// `get(key="field")`, `map(attribute="field")`; and dossier's functions
/// `backlinks(path=…)` and `related(path=…)` read the field of their name off any page.)
fn names_no_field(before: &str, after: &str) -> bool {
    let mut quote = None;
    for c in before.chars() {
        match quote {
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            Some(open) if c == open => quote = None,
            _ => {}
        }
    }
    quote.is_none() && !before.trim_end().ends_with('.') && !after.trim_start().starts_with('(')
}

/// Whose field a field name is read off.
enum Owner {
    /// The output's own page: `page.field`.
    Page,
    /// A section page's own section, `section.field`: no page's value.
    Section,
}

/// Whose field the field name that `before` ends before is read off, if it is read as
/// `page.` or `section.`, each a variable of its own (not `item.page`).
fn owner(before: &str) -> Option<Owner> {
    let rest = before.trim_end().strip_suffix('.')?.trim_end();
    let (rest, owner) = match rest.strip_suffix("page") {
        Some(rest) => (rest, Owner::Page),
        None => (rest.strip_suffix("section")?, Owner::Section),
    };
    let of_another = rest
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == ']' || c == ')');
    (!of_another).then_some(owner)
}

/// The expression a filter, an index or a loop reads, as far as the text tells.
#[derive(Debug, PartialEq)]
enum Operand<'a> {
    /// A string.
    Literal,
    /// A function's result.
    Call(&'a str),
    /// A variable, with fields and indexes.
    Path(&'a str),
    /// Anything else: another filter's result, arithmetic, a number.
    Other,
}

/// The operand `text` ends with, and where it starts.
fn operand_before(text: &str) -> (Operand<'_>, usize) {
    let text = text.trim_end();
    // Only so far back: a template of many filters would take time growing with the
    // square of its length. An operand that may reach further is anything.
    let mut cut = text.len().saturating_sub(OPERAND_REACH);
    while !text.is_char_boundary(cut) {
        cut += 1;
    }
    match operand_in(&text[cut..]) {
        (_, 0) if cut > 0 => (Operand::Other, 0),
        (operand, start) => (operand, cut + start),
    }
}

/// How far back [`operand_before`] looks.
const OPERAND_REACH: usize = 512;

/// The operand `head` ends with, and where it starts.
fn operand_in(head: &str) -> (Operand<'_>, usize) {
    let bytes = head.as_bytes();
    let word_start = |end: usize| {
        head[..end]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '.')
            .last()
            .map_or(end, |(i, _)| i)
    };
    // The start of what `end` closes, found by counting brackets backwards.
    let opened = |end: usize, open: u8, close: u8| {
        let mut depth = 0usize;
        for i in (0..end).rev() {
            if bytes[i] == close {
                depth += 1;
            } else if bytes[i] == open {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
        }
        None
    };
    let chained = |start: usize| head[..start].trim_end().ends_with('|');
    match bytes.last() {
        Some(&quote @ (b'"' | b'\'' | b'`')) => match head[..head.len() - 1].rfind(quote as char) {
            Some(open) => (Operand::Literal, open),
            None => (Operand::Other, 0),
        },
        Some(b')') => match opened(head.len(), b'(', b')') {
            Some(open) => {
                let start = word_start(open);
                let name = &head[start..open];
                if name.is_empty() || name.contains('.') || chained(start) {
                    (Operand::Other, start)
                } else {
                    (Operand::Call(name), start)
                }
            }
            None => (Operand::Other, 0),
        },
        Some(_) => {
            // A path: words and dots, and indexes in brackets.
            let mut start = head.len();
            loop {
                let before = word_start(start);
                if before > 0 && bytes[before - 1] == b']' {
                    match opened(before, b'[', b']') {
                        Some(open) => start = open,
                        None => return (Operand::Other, 0),
                    }
                } else {
                    start = before;
                    break;
                }
            }
            let path = &head[start..];
            let named = path.starts_with(|c: char| c.is_alphabetic() || c == '_');
            if !named || chained(start) {
                (Operand::Other, start)
            } else {
                (Operand::Path(path), start)
            }
        }
        None => (Operand::Other, 0),
    }
}

/// Whether `operand` holds no page's value but the output's own page, at any depth.
fn holds_no_listed_page(operand: &Operand) -> bool {
    match operand {
        Operand::Literal => true,
        Operand::Call(name) => !PAGE_FUNCTIONS.contains(name),
        Operand::Path(path) => {
            let root = path.split(['.', '[']).next().unwrap_or(path);
            NO_LISTED_PAGES.contains(&root)
        }
        Operand::Other => false,
    }
}

/// Whether `operand` is not itself a page's value (it may hold some): a field of another
/// value other than a collection's `page`, or a variable known to be no page.
fn is_no_page(operand: &Operand) -> bool {
    holds_no_listed_page(operand)
        || match operand {
            Operand::Path(path) if !path.ends_with(']') => match path.rsplit_once('.') {
                Some((_, last)) => last != "page",
                None => NOT_A_PAGE.contains(path),
            },
            Operand::Literal | Operand::Call(_) | Operand::Path(_) | Operand::Other => false,
        }
}

#[cfg(test)]
mod tests {
    use super::{may_read, may_show};

    #[test]
    fn a_variable_named_anywhere_or_the_whole_context_may_be_shown() {
        assert!(may_show(
            "{% for c in connected %}{{ c.title }}{% endfor %}",
            "connected"
        ));
        assert!(may_show("{{ __tera_context }}", "connected"));
        assert!(may_show("{# connected #}", "connected"), "erring towards showing");
        assert!(!may_show(
            "{{ page.title }} disconnected connectedness",
            "connected"
        ));
        assert!(!may_show("", "page_events"));
    }

    #[test]
    fn text_between_tags_shows_no_variable() {
        let partial = "{% if connected_html %}<section class=\"connected\" aria-labelledby=\"connected-title\">\
                       {{ connections_svg }}{{ connected_html }}</section>{% endif %}";
        assert!(!may_show(partial, "connected"));
        assert!(may_show(partial, "connected_html") && may_show(partial, "connections_svg"));
        assert!(!may_show("{% if x %}connected{% endif %}", "connected"));
        // A template's name is no variable; what an `import` binds, or a variable
        // elsewhere in such a tag, is.
        assert!(!may_show(
            "{% include \"partials/connected.html\" %}{%- extends 'connected.html' -%}",
            "connected"
        ));
        assert!(may_show("{% import \"macros.html\" as connected %}", "connected"));
        assert!(may_show("{% include connected ~ \".html\" %}", "connected"));
        // A closing delimiter in a string does not end the tag; an unclosed tag runs on.
        assert!(may_show("{{ \"}}\" ~ connected }}", "connected"));
        assert!(may_show("{%- set a = '%}' -%}{{- a ~ connected -}}", "connected"));
        assert!(may_show("<p>{{ x ~ connected", "connected"));
        // Multi-byte text between and inside tags.
        assert!(may_show("«connected» {{ «é» ~ connected }}", "connected"));
        assert!(!may_show("«connected» {{ «é» }}", "connected"));
    }

    #[test]
    fn a_huge_template_of_tags_is_read_once() {
        // 200,000 tags before the one that names the variable, and a text of quotes that
        // never close: each read once, the last running to the end of the text.
        let many = format!(
            "{}{{{{ connected }}}}",
            "<p>{{ x }} {% if y %}z{% endif %}</p>".repeat(200_000)
        );
        assert!(may_show(&many, "connected"));
        let open = format!("{{{{ \"{}", "}} connected ".repeat(100_000));
        assert!(
            may_show(&open, "connected"),
            "an unclosed string runs to the end, erring towards showing"
        );
        assert!(!may_show(
            &"connected {{ \" }} \" }} ".repeat(100_000),
            "connected"
        ));
    }

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

    use super::only_own_page_reads;

    #[test]
    fn fields_read_off_the_page_alone_are_its_own() {
        for text in [
            "{% if page.toc and page.toc | length > 1 %}<nav class=\"toc\">{% for h in page.toc %}{{ h.title }}{% endfor %}</nav>{% endif %}",
            "{% include \"partials/toc.html\" %}{# p.toc #}",
            "{{ page | json_encode }}{{ page.taxonomies | json_encode }}",
            "{% for name, terms in page.taxonomies %}{{ name }}{{ terms | length }}{% endfor %}",
            "{{ trans_forms(key=\"x\", lang=lang) | json_encode }}{{ translations | length }}",
            "{% for p in section.pages %}{{ p.title }}{{ p.extra | length }}{% endfor %}{{ section.pages[loop.index0].title }}",
            "{% set authors = ([config.author] if config.author else []) %}{{ term.pages | length }}",
        ] {
            assert!(only_own_page_reads([text], "toc"), "{text}");
        }
    }

    #[test]
    fn a_field_another_page_may_show_is_not_its_own() {
        for text in [
            "{% for p in section.pages %}{{ p.toc }}{% endfor %}",
            "{% for w in watch %}{{ w.page.toc }}{% endfor %}",
            "{{ get_page(path=\"a.md\").toc }}",
            "{{ section.pages | map(attribute=\"toc\") | join(sep=\",\") }}",
            "{% for page in section.pages %}{{ page.toc }}{% endfor %}",
            "{% set page = get_page(path=\"a.md\") %}{{ page.toc }}",
            "{% macro card(page) %}{{ page.toc }}{% endmacro %}",
            "{% component card(page) %}{{ page.toc }}{% endcomponent %}",
            "{% for p in section.pages %}<Card page={p} />{% endfor %}{{ page.toc }}",
            "{{ macros::card(page=p) }}{{ page.toc }}",
            "{{ section.pages | json_encode }}",
            "{{ get_page(path=\"a.md\") | json_encode }}",
            "{% for p in section.pages %}{{ p | json_encode }}{{ p | keys | join(sep=\",\") }}{% endfor %}",
            "{% for p in pages %}{% for k, v in p %}{{ k }}{% endfor %}{% endfor %}",
            "{% for p in pages %}{{ p[field] }}{% endfor %}",
            "{% for p in pages %}{{ p[\"toc\"] }}{% endfor %}",
            "{% for h in toc(path=\"a.md\") %}{{ h.title }}{% endfor %}",
            "{{ section.pages | sort(attribute=key) }}",
            "{{ section.pages | first | pairs }}",
            "{{ w.page | length }}",
            "{{ __tera_context }}",
        ] {
            assert!(!only_own_page_reads([text], "toc"), "{text}");
        }
    }

    #[test]
    fn a_sections_own_html_and_a_blocks_name_are_no_pages_html() {
        for texts in [
            &[
                "{% block content %}{% if section.content %}{{ section.content | safe }}{% endif %}{% endblock content %}",
            ][..],
            &["{% extends \"base.html\" %}{% block content %}{{ page.content }}{% endblock %}"],
            // An argument or a variable of the field's name is no field.
            &["{{ macros::post(content=page.summary) }}{% set content = page.content %}{{ content }}"],
            // `section` bound where no template reads `section.content`.
            &[
                "{% set section = get_section(path=\"a/_index.md\") %}{{ section.title }}",
                "{{ page.content }}",
            ],
        ] {
            assert!(only_own_page_reads(texts.iter().copied(), "content"), "{texts:?}");
        }
    }

    #[test]
    fn a_section_bound_to_another_value_may_be_a_page() {
        for texts in [
            &["{% for section in section.pages %}{{ section.content }}{% endfor %}"][..],
            &["{% set section = get_page(path=\"a.md\") %}{{ section.content }}"],
            &["{{ macros::card(section=p) }}{{ section.content }}"],
            // Bound in one template, read in the one it includes.
            &[
                "{% for section in section.pages %}{% include \"card.html\" %}{% endfor %}",
                "{{ section.content }}",
            ],
            &["{{ current_section.content }}"],
            &["{% for p in paginator.pages %}{{ p.content | safe }}{% endfor %}"],
            &["{{ get_section(path=\"a/_index.md\").content }}"],
        ] {
            assert!(
                !only_own_page_reads(texts.iter().copied(), "content"),
                "{texts:?}"
            );
        }
    }

    #[test]
    fn each_field_is_answered_on_its_own_in_one_reading() {
        use super::own_page_fields;
        let texts = [
            "{{ page.toc }}{% for p in section.pages %}{{ p.title }}{% endfor %}{{ section.content }}",
            "{% for section in sections %}{% include \"card.html\" %}{% endfor %}",
        ];
        assert_eq!(
            own_page_fields(texts, &["toc", "title", "slug", "content"]),
            [true, false, true, false]
        );
        assert_eq!(own_page_fields([texts[0]], &["toc", "content"]), [true, true]);
        // A listed page encoded whole: no field is the page's own.
        let whole = ["{{ page.toc }}{{ section.pages | json_encode }}"];
        assert_eq!(own_page_fields(whole, &["toc", "slug"]), [false, false]);
    }

    #[test]
    fn a_huge_template_of_filters_is_read_in_one_pass() {
        // Each operand is looked for at most `OPERAND_REACH` bytes back: looked for to
        // its start, each of these 100,000 calls, nested, was read through all the calls
        // inside it (10^11 steps). Cut short, the outer ones are anything.
        let text = format!(
            "{{{{ {}x{} }}}}",
            "f(".repeat(100_000),
            ") | length".repeat(100_000)
        );
        assert!(!only_own_page_reads([text.as_str()], "toc"));
        let text = format!(
            "{}{{{{ page.toc | length }}}}",
            "<p>A long page.</p>\n".repeat(50_000)
        );
        assert!(only_own_page_reads([text.as_str()], "toc"));
    }

    #[test]
    fn the_default_theme_reads_most_fields_off_the_page_alone() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut read = 0;
        for entry in walkdir::WalkDir::new(&dir) {
            let entry = entry.expect("a readable theme");
            if entry.file_type().is_file() {
                let text = std::fs::read_to_string(entry.path()).expect("a template");
                for field in [
                    "toc",
                    "backlinks",
                    "content",
                    "taxonomies",
                    "related",
                    "translations",
                    "extra",
                    "components",
                    "ancestors",
                    "assets",
                    "slug",
                    "word_count",
                    "archive_path",
                    "lower",
                    "higher",
                ] {
                    assert!(
                        only_own_page_reads([text.as_str()], field),
                        "{}: {field}",
                        entry.path().display()
                    );
                }
                read += 1;
            }
        }
        assert!(read > 10, "{read} templates");
    }
}
