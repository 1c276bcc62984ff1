//! Templates written for Tera 1 (Zola 0.22 and before) made Tera 2 templates as they are
//! loaded, so a Zola theme builds unchanged and dossier's own pages can extend its
//! `base.html`: one engine, one kind of value, whatever the site's templates were
//! written for.
//!
//! What Tera 2 no longer parses is rewritten in place, each tag on the lines it was on
//! (so errors keep their line numbers):
//! - macros become components: `{% macro card(title, open=false) %}` in `macros.html`
//!   defines the component `macros__card`; `{{ m::card(title=t) }}` (after
//!   `{% import "macros.html" as m %}`) and `self::card(…)` call it as
//!   `<macros__card title={t} />`; imports are dropped, since components are global;
//! - tests with a positional argument take it by name: `is starting_with("x")` is
//!   `is starting_with(pat="x")`, `is divisibleby(3)` is `is divisible_by(divisor=3)`,
//!   and `is object` is `is map`;
//! - `{% include "x.html" ignore missing %}` includes the template if it exists, and is
//!   nothing otherwise (every template is known when the site is loaded).
//!
//! Filters and tests Tera 2 dropped are registered as Tera 1 had them
//! (`render::templates`). Everything else is left as written, so a Tera 2 template passes
//! through unchanged.

use std::collections::HashMap;

mod filters;

pub(super) use filters::register;

/// What a template's expressions are translated with: its import aliases (alias →
/// namespace) and every macro's parameters (by component name, `ns__macro`).
struct Names<'a> {
    aliases: &'a HashMap<String, String>,
    params: &'a HashMap<String, Vec<String>>,
}

/// Every template (name, text, whether to rewrite it) for Tera 2, in the same order. A
/// template sees the imports of the templates it extends, as in Tera 1.
pub(crate) fn translate_all<'a>(
    templates: impl Iterator<Item = (&'a str, &'a str, bool)> + Clone,
) -> Vec<(&'a str, String)> {
    let names: std::collections::HashSet<&str> = templates.clone().map(|(n, ..)| n).collect();
    let own: HashMap<&str, (HashMap<String, String>, Option<String>)> = templates
        .clone()
        .filter(|(_, _, rewrite)| *rewrite)
        .map(|(name, text, _)| (name, (imports(text), parent(text))))
        .collect();
    let texts: HashMap<&str, &str> = templates.clone().map(|(name, text, _)| (name, text)).collect();
    let params: HashMap<String, Vec<String>> = templates
        .clone()
        .filter(|(_, _, rewrite)| *rewrite)
        .flat_map(|(name, text, _)| macro_params(name, text))
        .collect();
    let exists = |n: &str| names.contains(n);
    // Tera 1 looks a macro's namespace up in the template being rendered, so a macro file
    // may call `menu::x()` without importing `menu` itself: an alias every template that
    // imports it gives the same file is known everywhere.
    let mut everywhere: HashMap<String, Option<String>> = HashMap::new();
    for (alias, ns) in own.values().flat_map(|(imported, _)| imported) {
        everywhere
            .entry(alias.clone())
            .and_modify(|known| {
                if known.as_ref() != Some(ns) {
                    *known = None;
                }
            })
            .or_insert_with(|| Some(ns.clone()));
    }
    templates
        .map(|(name, text, rewrite)| {
            if !rewrite {
                return (name, text.to_owned());
            }
            let text = match own.get(name).and_then(|(_, up)| up.as_ref()) {
                // Tera 1 ignored what a child template has outside its blocks, and blocks
                // no parent defines; Tera 2 refuses both.
                Some(up) => {
                    let defined = ancestor_blocks(up, &texts, &own);
                    std::borrow::Cow::Owned(child_blocks_only(text, &defined))
                }
                None => std::borrow::Cow::Borrowed(text),
            };
            let text = text.as_ref();
            // Its own imports over those of the templates it extends (at most a few deep;
            // a loop of `extends` is Tera's to report).
            let mut aliases = HashMap::new();
            let mut next = Some(name.to_owned());
            for _ in 0..16 {
                let Some((imported, up)) = next.as_deref().and_then(|n| own.get(n)) else {
                    break;
                };
                for (alias, ns) in imported {
                    aliases.entry(alias.clone()).or_insert_with(|| ns.clone());
                }
                next = up.clone();
            }
            for (alias, ns) in &everywhere {
                if let Some(ns) = ns {
                    aliases.entry(alias.clone()).or_insert_with(|| ns.clone());
                }
            }
            (
                name,
                translate(
                    name,
                    text,
                    &Names {
                        aliases: &aliases,
                        params: &params,
                    },
                    &exists,
                ),
            )
        })
        .collect()
}

/// Each macro `text` defines, as the component it becomes (`ns__name`), with the names
/// of its parameters.
fn macro_params(name: &str, text: &str) -> Vec<(String, Vec<String>)> {
    let own = namespace(name);
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(tag) = next_tag(text, at) {
        at = tag.end;
        let inner = text[tag.inner.clone()].trim_start();
        let Some(rest) = inner
            .strip_prefix("macro")
            .filter(|_| tag.kind == TagKind::Statement)
        else {
            continue;
        };
        let rest = rest.trim_start();
        let macro_name = rest.split(['(', ' ']).next().unwrap_or("");
        let Some(inside) = rest[macro_name.len()..]
            .trim()
            .strip_prefix('(')
            .and_then(|a| a.strip_suffix(')'))
        else {
            continue;
        };
        let names = split_top_level(inside)
            .into_iter()
            .map(|p| p.split(['=', ':']).next().unwrap_or("").trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        found.push((format!("{own}__{macro_name}"), names));
    }
    found
}

/// The names of the blocks `name` and the templates it extends define.
fn ancestor_blocks(
    name: &str,
    texts: &HashMap<&str, &str>,
    own: &HashMap<&str, (HashMap<String, String>, Option<String>)>,
) -> std::collections::HashSet<String> {
    let mut blocks = std::collections::HashSet::new();
    let mut next = Some(name.to_owned());
    for _ in 0..16 {
        let Some(current) = next.take() else { break };
        let Some(text) = texts.get(current.as_str()) else {
            break;
        };
        let mut at = 0;
        while let Some(tag) = next_tag(text, at) {
            at = tag.end;
            let words: Vec<&str> = text[tag.inner.clone()].split_whitespace().collect();
            if tag.kind == TagKind::Statement
                && let ["block", block, ..] = words[..]
            {
                blocks.insert(block.to_owned());
            }
        }
        next = own
            .get(current.as_str())
            .and_then(|(_, up)| up.clone())
            .or_else(|| parent(text));
    }
    blocks
}

/// A child template without what Tera 1 ignored at its top level and Tera 2 refuses:
/// text, values, `set`s and blocks no parent has become nothing, keeping their line
/// breaks.
fn child_blocks_only(text: &str, defined: &std::collections::HashSet<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    // Open blocks and components (kept), or the depth of a dropped block.
    let mut depth = 0usize;
    let mut dropping: Option<usize> = None;
    let blank = |s: &str| "\n".repeat(s.matches('\n').count());
    while let Some(tag) = next_tag(text, at) {
        let between = &text[at..tag.start];
        let whole = &text[tag.start..tag.end];
        let first = text[tag.inner.clone()].split_whitespace().next().unwrap_or("");
        let second = text[tag.inner.clone()].split_whitespace().nth(1).unwrap_or("");
        at = tag.end;
        let top = depth == 0 && dropping.is_none();
        out.push_str(&if top && !between.trim().is_empty() || dropping.is_some() {
            blank(between)
        } else {
            between.to_owned()
        });
        let opens = tag.kind == TagKind::Statement && matches!(first, "block" | "macro" | "component");
        let closes =
            tag.kind == TagKind::Statement && matches!(first, "endblock" | "endmacro" | "endcomponent");
        if let Some(d) = dropping {
            out.push_str(&blank(whole));
            if opens {
                dropping = Some(d + 1);
            } else if closes {
                dropping = (d > 1).then(|| d - 1);
            }
            continue;
        }
        if top && tag.kind == TagKind::Statement && first == "block" && !defined.contains(second) {
            out.push_str(&blank(whole));
            dropping = Some(1);
            continue;
        }
        // Text, values and `set`s are dropped; other tags stay, so that one Tera 2 would
        // refuse (or one never closed) is reported where it is rather than hidden.
        let kept = !top
            || match tag.kind {
                TagKind::Comment => true,
                TagKind::Expression => false,
                TagKind::Statement => !matches!(first, "set" | "set_global"),
            };
        out.push_str(&if kept { whole.to_owned() } else { blank(whole) });
        if opens {
            depth += 1;
        } else if closes {
            depth = depth.saturating_sub(1);
        }
    }
    let rest = &text[at..];
    out.push_str(&if rest.trim().is_empty() {
        rest.to_owned()
    } else {
        blank(rest)
    });
    out
}

/// The template a template extends.
fn parent(text: &str) -> Option<String> {
    let mut at = 0;
    while let Some(tag) = next_tag(text, at) {
        at = tag.end;
        let inner = &text[tag.inner.clone()];
        if tag.kind == TagKind::Statement && inner.trim_start().starts_with("extends") {
            return quoted(inner);
        }
    }
    None
}

/// `text`, the template `name`, rewritten for Tera 2, with the macros imported as
/// `aliases` (alias → namespace); `exists` says whether a template of a given name
/// exists.
fn translate(name: &str, text: &str, aliases: &Names, exists: &dyn Fn(&str) -> bool) -> String {
    // One pass over the tags: every site or theme template goes through it (nearly any
    // template holds one of the constructs rewritten, so no quicker test saves it).
    let own = namespace(name);
    let mut out = String::with_capacity(text.len() + 64);
    let mut macros: Vec<String> = Vec::new();
    let mut at = 0;
    let mut raw = false;
    // Written right after the rewritten tag (a macro's defaults).
    let mut suffix = String::new();
    while let Some(tag) = next_tag(text, at) {
        out.push_str(&text[at..tag.start]);
        let whole = &text[tag.start..tag.end];
        at = tag.end;
        if tag.kind == TagKind::Comment {
            out.push_str(whole);
            continue;
        }
        let inner = &text[tag.inner.clone()];
        let words: Vec<&str> = inner.split_whitespace().collect();
        if raw {
            raw = !(tag.kind == TagKind::Statement && words.first() == Some(&"endraw"));
            out.push_str(whole);
            continue;
        }
        let open = &text[tag.start..tag.inner.start];
        let close = &text[tag.inner.end..tag.end];
        let rewritten = match (tag.kind, words.first().copied()) {
            (TagKind::Statement, Some("raw")) => {
                raw = true;
                None
            }
            (TagKind::Statement, Some("macro")) => {
                let rest = inner
                    .trim_start()
                    .strip_prefix("macro")
                    .unwrap_or("")
                    .trim_start();
                let macro_name = rest.split(['(', ' ']).next().unwrap_or("").to_owned();
                let args = rest.get(macro_name.len()..).unwrap_or("");
                macros.push(macro_name.clone());
                let args = expression(args.trim_end(), &own, aliases);
                let (args, defaults) = untyped_defaults(&args);
                suffix = defaults;
                let args = with_implicit(&args, &context_names(text, tag.end));
                Some(format!(" component {own}__{macro_name}{args} "))
            }
            (TagKind::Statement, Some("endmacro")) => {
                let macro_name = macros.pop().unwrap_or_default();
                Some(format!(" endcomponent {own}__{macro_name} "))
            }
            (TagKind::Statement, Some("import")) => {
                out.push_str(&nothing(whole));
                continue;
            }
            (TagKind::Statement, Some("include")) if inner.contains("ignore missing") => {
                let included = quoted(inner).unwrap_or_default();
                if exists(&included) {
                    Some(format!(" include \"{included}\" "))
                } else {
                    out.push_str(&nothing(whole));
                    continue;
                }
            }
            // `{% set x = a or page.extra.y %}`: Tera 1 read every operand of `and`, `or`
            // and `not` as a test, wherever the expression was, so a missing one was
            // false there too.
            (TagKind::Statement, Some(keyword @ ("set" | "set_global")))
                if inner.split_once('=').is_some_and(|(_, value)| is_logic(value)) =>
            {
                let (target, value) = inner.split_once('=').unwrap_or((inner, ""));
                let target = target.trim_start().strip_prefix(keyword).unwrap_or(target).trim();
                Some(format!(
                    " {keyword} {target} = {} ",
                    lenient(&expression(value.trim(), &own, aliases))
                ))
            }
            (TagKind::Statement, Some(keyword @ ("if" | "elif"))) => {
                let condition = inner.trim_start().strip_prefix(keyword).unwrap_or("").trim();
                let changed = format!(" {keyword} {} ", lenient(&expression(condition, &own, aliases)));
                (changed.split_whitespace().ne(inner.split_whitespace())).then_some(changed)
            }
            _ => {
                let changed = expression(inner, &own, aliases);
                (changed != inner).then_some(changed)
            }
        };
        match rewritten {
            Some(body) => {
                out.push_str(open);
                out.push_str(&body);
                // Keep the tag's lines: what follows stays on its line.
                let lost = whole
                    .matches('\n')
                    .count()
                    .saturating_sub(body.matches('\n').count());
                out.push_str(&"\n".repeat(lost));
                out.push_str(close);
                out.push_str(&std::mem::take(&mut suffix));
            }
            None => out.push_str(whole),
        }
    }
    out.push_str(&text[at..]);
    out
}

/// A condition with each operand that is a bare dotted path (`page.extra.image`) true only
/// when the whole path is defined and true: Tera 1 read a missing variable or field in a
/// test as false, where Tera 2 stops. Other operands are left as they are.
fn lenient(condition: &str) -> String {
    let mut out = String::new();
    let mut operand = String::new();
    let flush = |operand: &mut String, out: &mut String| {
        let trimmed = operand.trim();
        let (negation, path) = match trimmed.strip_prefix("not ") {
            Some(rest) => ("not ", rest.trim()),
            None => ("", trimmed),
        };
        // `page.extra.x is defined` asks of a path whose start may be missing too: Tera 1
        // said false, Tera 2 stops at the missing `page`.
        let flip = if negation.is_empty() { "not " } else { "" };
        let (negation, path, tested) = if let Some(p) = path.strip_suffix(" is defined") {
            (negation, p.trim(), true)
        } else if let Some(p) = path
            .strip_suffix(" is not defined")
            .or_else(|| path.strip_suffix(" is undefined"))
        {
            (flip, p.trim(), true)
        } else {
            (negation, path, false)
        };
        let parts: Vec<&str> = path.split('.').collect();
        let bare = parts.len() > 1
            && parts.iter().all(|p| {
                p.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && p.chars().all(is_ident_char)
            })
            && !matches!(parts[0], "loop" | "true" | "false" | "none");
        if bare {
            let checks: Vec<String> = (1..=parts.len())
                .map(|n| format!("{} is defined", parts[..n].join(".")))
                .collect();
            let leading = &operand[..operand.len() - operand.trim_start().len()];
            if tested {
                out.push_str(&format!("{leading}{negation}({}) ", checks.join(" and ")));
            } else {
                out.push_str(&format!(
                    "{leading}{negation}({} and {path}) ",
                    checks.join(" and ")
                ));
            }
        } else {
            out.push_str(operand);
        }
        operand.clear();
    };
    // Split at ` and ` / ` or ` outside strings and brackets.
    let mut nesting = Nesting::default();
    for word in condition.split_inclusive(' ') {
        for c in word.chars() {
            nesting.step(c);
        }
        if nesting.is_top() && matches!(word.trim(), "and" | "or") {
            flush(&mut operand, &mut out);
            out.push_str(word);
            continue;
        }
        operand.push_str(word);
    }
    flush(&mut operand, &mut out);
    out.trim_end().to_owned()
}

/// Whether `expression` is a logical one: `not …`, or `and`/`or` outside strings and
/// brackets.
fn is_logic(expression: &str) -> bool {
    let expression = expression.trim();
    if expression.starts_with("not ") {
        return true;
    }
    let mut nesting = Nesting::default();
    for word in expression.split_inclusive(' ') {
        for c in word.chars() {
            nesting.step(c);
        }
        if nesting.is_top() && matches!(word.trim(), "and" | "or") {
            return true;
        }
    }
    false
}

/// A tag that writes nothing: a comment with the tag's whitespace control (`{%- … -%}`
/// trims around it as before) and its line breaks, so the lines after it keep their
/// numbers.
fn nothing(tag: &str) -> String {
    let open = if tag.starts_with("{%-") { "{#-" } else { "{#" };
    let close = if tag.ends_with("-%}") { "-#}" } else { "#}" };
    format!("{open}{}{close}", "\n".repeat(tag.matches('\n').count()))
}

/// What a Tera 1 macro could read of the template calling it: Zola's context. A
/// component sees only its arguments, so a macro's use of these becomes an implicit
/// parameter (`@config`), which Tera 2 takes from the caller.
const CONTEXT: &[&str] = &[
    "config",
    "page",
    "section",
    "current_url",
    "current_path",
    "lang",
    "paginator",
    "taxonomy",
    "term",
    "terms",
    "zola_version",
];

/// The names of [`CONTEXT`] a macro whose body starts at `from` uses.
fn context_names(text: &str, from: usize) -> Vec<&'static str> {
    let mut used = Vec::new();
    let mut at = from;
    while let Some(tag) = next_tag(text, at) {
        at = tag.end;
        let inner = &text[tag.inner.clone()];
        if tag.kind == TagKind::Statement && inner.trim_start().starts_with("endmacro") {
            break;
        }
        if tag.kind == TagKind::Comment {
            continue;
        }
        for name in CONTEXT {
            if !used.contains(name) && uses_variable(inner, name) {
                used.push(*name);
            }
        }
    }
    used
}

/// Whether `name` is read as a variable in `expr` (not an attribute, a key or a part of
/// a longer name).
fn uses_variable(expr: &str, name: &str) -> bool {
    expr.match_indices(name).any(|(i, _)| {
        let before = expr[..i].chars().next_back();
        let after = expr[i + name.len()..].chars().next();
        !before.is_some_and(|c| is_ident_char(c) || c == '.')
            && !after.is_some_and(|c| is_ident_char(c) || c == '=' || c == ':')
    })
}

/// A macro's parameter list with its defaults taken out: Tera 2 gives a component's
/// argument the type of its default (`label=""` takes only strings), where a Tera 1 macro
/// took any value. Each default becomes `none`, which has no type, and the tags setting
/// the written default when none was given go at the start of the body.
fn untyped_defaults(args: &str) -> (String, String) {
    let Some(inside) = args.trim().strip_prefix('(').and_then(|a| a.strip_suffix(')')) else {
        return (args.to_owned(), String::new());
    };
    let mut params = Vec::new();
    let mut defaults = String::new();
    for param in split_top_level(inside)
        .into_iter()
        .filter(|p| !p.trim().is_empty())
    {
        match param.split_once('=') {
            Some((name, default)) if !default.starts_with('=') && name.trim().chars().all(is_ident_char) => {
                let (name, default) = (name.trim(), default.trim());
                params.push(format!("{name}=none"));
                if default != "none" {
                    defaults.push_str(&format!(
                        "{{% if {name} is none %}}{{% set {name} = {default} %}}{{% endif %}}"
                    ));
                }
            }
            _ => params.push(param.trim().to_owned()),
        }
    }
    (format!("({})", params.join(", ")), defaults)
}

/// A macro's parameter list `(a, b=1)` with implicit parameters added for `names` it
/// does not take itself.
fn with_implicit(args: &str, names: &[&str]) -> String {
    let inside = args.trim().strip_prefix('(').and_then(|a| a.strip_suffix(')'));
    let Some(inside) = inside else {
        return args.to_owned();
    };
    let params: Vec<&str> = split_top_level(inside)
        .into_iter()
        .map(|p| p.split(['=', ':']).next().unwrap_or("").trim())
        .collect();
    let mut all: Vec<String> = split_top_level(inside)
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().to_owned())
        .collect();
    // A name the caller lacks is none, as Tera 1 read an undefined name in a test.
    all.extend(
        names
            .iter()
            .filter(|n| !params.contains(n))
            .map(|n| format!("@{n} = none")),
    );
    format!("({})", all.join(", "))
}

/// A template's namespace for the components its macros become: its name as an
/// identifier (`partials/macros.html` → `partials_macros`).
fn namespace(name: &str) -> String {
    let stem = name.strip_suffix(".html").unwrap_or(name);
    let mut ns: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !ns.starts_with(|c: char| c.is_ascii_alphabetic()) {
        ns.insert_str(0, "t_");
    }
    ns
}

/// `{% import "file" as alias %}` tags: alias → the file's namespace.
fn imports(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut at = 0;
    while let Some(tag) = next_tag(text, at) {
        at = tag.end;
        if tag.kind != TagKind::Statement {
            continue;
        }
        let inner = &text[tag.inner.clone()];
        let words: Vec<&str> = inner.split_whitespace().collect();
        if let ["import", _, "as", alias] = words[..]
            && let Some(file) = quoted(inner)
        {
            out.insert(alias.to_owned(), namespace(&file));
        }
    }
    out
}

/// The first quoted string in `text`.
fn quoted(text: &str) -> Option<String> {
    let start = text.find(['"', '\''])?;
    let quote = text[start..].chars().next()?;
    let end = text[start + 1..].find(quote)?;
    Some(text[start + 1..start + 1 + end].to_owned())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TagKind {
    Expression,
    Statement,
    Comment,
}

struct Tag {
    kind: TagKind,
    start: usize,
    end: usize,
    /// Between the delimiters and their whitespace-control dashes.
    inner: std::ops::Range<usize>,
}

/// The next tag from `at`; a tag never closed ends the search.
fn next_tag(text: &str, mut at: usize) -> Option<Tag> {
    let bytes = text.as_bytes();
    loop {
        let start = text[at..].find('{')? + at;
        let (kind, close) = match bytes.get(start + 1) {
            Some(b'{') => (TagKind::Expression, "}}"),
            Some(b'%') => (TagKind::Statement, "%}"),
            Some(b'#') => (TagKind::Comment, "#}"),
            _ => {
                at = start + 1;
                continue;
            }
        };
        let end = match kind {
            TagKind::Comment => text[start + 2..].find(close)? + start + 2,
            _ => end_outside_strings(text, start + 2, close)?,
        };
        let mut inner = start + 2..end;
        if text[inner.clone()].starts_with('-') {
            inner.start += 1;
        }
        if text[inner.clone()].ends_with('-') && inner.end > inner.start {
            inner.end -= 1;
        }
        return Some(Tag {
            kind,
            start,
            end: end + 2,
            inner,
        });
    }
}

/// Where `close` first occurs from `from` outside a string literal.
fn end_outside_strings(text: &str, from: usize, close: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in text[from..].char_indices() {
        let i = i + from;
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if text[i..].starts_with(close) => return Some(i),
            None => {}
        }
    }
    None
}

/// An expression (or a tag's inside) with its macro calls made component calls and its
/// tests' positional arguments named.
fn expression(text: &str, own: &str, aliases: &Names) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if matches!(c, '"' | '\'' | '`') {
            // Tera 1 read a string as written; Tera 2 reads backslash escapes.
            let end = text[i + 1..].find(c).map_or(text.len(), |e| i + 1 + e + 1);
            out.push_str(&text[i..end].replace('\\', "\\\\"));
            i = end;
            continue;
        }
        // `pair.0`: Tera 1 read a number after a dot as an index, Tera 2 as a decimal.
        if c == '.' && out.ends_with(|c: char| is_ident_char(c) || c == ']' || c == ')') {
            let digits = text[i + 1..].len()
                - text[i + 1..]
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            let after = text[i + 1 + digits..].chars().next();
            // After a name or an index, not after a number (`1.5`).
            let before_is_name = out.ends_with([']', ')'])
                || out
                    .rsplit(|c: char| !is_ident_char(c))
                    .next()
                    .is_none_or(|w| !w.starts_with(|c: char| c.is_ascii_digit()));
            if digits > 0 && before_is_name && !after.is_some_and(is_ident_char) {
                out.push_str(&format!("[{}]", &text[i + 1..i + 1 + digits]));
                i += 1 + digits;
                continue;
            }
        }
        let word_start = i == 0 || !is_ident(bytes[i - 1]);
        if word_start && (c.is_ascii_alphabetic() || c == '_') {
            let word_end = text[i..]
                .find(|c: char| !is_ident_char(c))
                .map_or(text.len(), |e| i + e);
            let word = &text[i..word_end];
            // `alias::name(args)`
            if text[word_end..].starts_with("::") {
                let name_start = word_end + 2;
                let name_end = text[name_start..]
                    .find(|c: char| !is_ident_char(c))
                    .map_or(text.len(), |e| name_start + e);
                let ns = if word == "self" {
                    Some(own.to_owned())
                } else {
                    aliases.aliases.get(word).cloned()
                };
                if let (Some(ns), Some((args, after))) = (ns, call_args(text, name_end)) {
                    let name = &text[name_start..name_end];
                    let component = format!("{ns}__{name}");
                    let args = component_args(args, own, aliases, aliases.params.get(&component));
                    out.push_str(&format!("<{component}{args} />"));
                    i = after;
                    continue;
                }
            }
            // `is [not] test(positional)`
            if word == "is"
                && let Some((rewritten, after)) = positional_test(text, word_end)
            {
                out.push_str("is ");
                out.push_str(&rewritten);
                i = after;
                continue;
            }
            out.push_str(word);
            i = word_end;
            continue;
        }
        out.push(c);
        i += c.len_utf8();
    }
    optional_before_default(&out)
}

/// `text` with each path piped into `default` read with Tera 2's optional chaining
/// (`page?.extra?[name] | default(value="")`): Tera 1's `default` gave its value when any
/// step of the path was missing, as in `page.extra[name]` on a page that has no `page`;
/// Tera 2 stops at the missing step before `default` sees it. A defined path reads the
/// same either way.
fn optional_before_default(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if c == '|' && text[i + 1..].trim_start().starts_with("default(") => {
                let kept = out.trim_end().len();
                let start = path_start(&out[..kept]);
                if start < kept && out[start..kept].contains(['.', '[']) {
                    let path = lenient_lookup(&optional_path(&out[start..kept]));
                    out.replace_range(start..kept, &path);
                }
            }
            None => {}
        }
        out.push(c);
    }
    optional_default_values(&out)
}

/// `path` (already optional) with a last step `x?[k]` read by `tera1_at(of=x, key=k)`,
/// which gives undefined where Tera 1 found nothing, such as a name looked up in a
/// string (Tera 2 stops there with an error).
fn lenient_lookup(path: &str) -> String {
    if !path.ends_with(']') {
        return path.to_owned();
    }
    let mut depth = 0;
    let mut open = None;
    for (i, c) in path.char_indices().rev() {
        match c {
            ']' => depth += 1,
            '[' => {
                depth -= 1;
                if depth == 0 {
                    open = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let Some(open) = open else {
        return path.to_owned();
    };
    let of = path[..open].trim_end_matches('?');
    let key = &path[open + 1..path.len() - 1];
    format!("tera1_at(of={of}, key={key})")
}

/// `text` with the path given as `default`'s value read with optional chaining: Tera 1
/// read that value only when it was needed, so `page.x | default(value=section.x)` on a
/// page without `section` worked wherever `page.x` was set.
fn optional_default_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if text[i..].starts_with("default(") && (i == 0 || !is_ident(text.as_bytes()[i - 1])) => {
                let args = i + "default(".len();
                let rest = &text[args..];
                let value = rest.trim_start();
                if let Some(after_eq) = value.strip_prefix("value").map(str::trim_start)
                    && let Some(arg) = after_eq.strip_prefix('=').map(str::trim_start)
                {
                    let arg_at = text.len() - arg.len();
                    let end = arg_at + path_end(arg);
                    let path = &text[arg_at..end];
                    if path.contains(['.', '[']) && !text[end..].trim_start().starts_with('(') {
                        out.push_str(&text[i..arg_at]);
                        out.push_str(&optional_path(path));
                        i = end;
                        continue;
                    }
                }
            }
            None => {}
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// How long the path that starts `text` is: names joined by `.` and balanced `[…]`; 0
/// when `text` does not start with a name.
fn path_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    if !bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        return 0;
    }
    let mut i = 0;
    loop {
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        let step = if bytes[i..].starts_with(b"?.") || bytes[i..].starts_with(b"?[") {
            1
        } else {
            0
        };
        match bytes.get(i + step) {
            Some(b'.') if bytes.get(i + step + 1).is_some_and(|b| is_ident(*b)) => i += step + 1,
            Some(b'[') => {
                let mut depth = 0;
                let mut j = i + step;
                while j < bytes.len() {
                    match bytes[j] {
                        b'[' => depth += 1,
                        b']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if j >= bytes.len() {
                    return i;
                }
                i = j + 1;
            }
            _ => return i,
        }
    }
}

/// Where the path that ends `text` starts: names joined by `.` and `[…]` (the brackets'
/// insides may hold anything balanced); `text.len()` when it does not end with a path.
fn path_start(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = text.len();
    loop {
        if i > 0 && bytes[i - 1] == b']' {
            // Back over a balanced `[…]`.
            let mut depth = 0;
            let mut j = i;
            while j > 0 {
                j -= 1;
                match bytes[j] {
                    b']' => depth += 1,
                    b'[' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if depth != 0 {
                return text.len();
            }
            i = j;
            if i > 0 && bytes[i - 1] == b'?' {
                i -= 1;
            }
            continue;
        }
        let name_end = i;
        while i > 0 && is_ident(bytes[i - 1]) {
            i -= 1;
        }
        if i == name_end {
            return text.len();
        }
        if i > 0 && bytes[i - 1] == b'.' {
            i -= 1;
            if i > 0 && bytes[i - 1] == b'?' {
                i -= 1;
            }
            continue;
        }
        // The path's first name: not a number, and not the end of something else.
        let starts_name = bytes[i].is_ascii_alphabetic() || bytes[i] == b'_';
        return if starts_name { i } else { text.len() };
    }
}

/// `path` with its steps made optional: `a.b[c]` → `a?.b?[c]` (inside brackets unchanged).
fn optional_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '.' | '[' if depth == 0 && !out.ends_with('?') => {
                out.push('?');
                out.push(c);
            }
            _ => out.push(c),
        }
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
    }
    out
}

/// `text` with the backslashes in its string literals doubled: Tera 1 read a string as
/// written, Tera 2 reads backslash escapes.
fn as_written(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) if c == '\\' => out.push('\\'),
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None => {}
        }
        out.push(c);
    }
    out
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The arguments of a call whose name ends at `at` (`(…)`, maybe after spaces): their
/// text and where the call ends.
fn call_args(text: &str, at: usize) -> Option<(&str, usize)> {
    let open = at + (text[at..].len() - text[at..].trim_start().len());
    if !text[open..].starts_with('(') {
        return None;
    }
    let close = matching_paren(text, open)?;
    Some((&text[open + 1..close], close + 1))
}

/// The `)` closing the `(` at `open`, skipping strings and nested brackets.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text[open..].char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return (c == ')').then_some(open + i);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// `a=1, b=x | upper` as component attributes: ` a={1} b={x | upper}`.
fn component_args(args: &str, own: &str, aliases: &Names, params: Option<&Vec<String>>) -> String {
    split_top_level(args)
        .into_iter()
        .filter(|a| !a.trim().is_empty())
        .filter_map(|arg| match arg.split_once('=') {
            // Tera 1 ignored an argument the macro does not take; Tera 2 refuses it.
            Some((key, value))
                if !value.starts_with('=') && params.is_some_and(|p| !p.iter().any(|p| p == key.trim())) =>
            {
                None
            }
            Some((key, value)) if !value.starts_with('=') => Some(format!(
                " {}={{{}}}",
                key.trim(),
                expression(value.trim(), own, aliases)
            )),
            _ => Some(format!(" {{{}}}", expression(arg.trim(), own, aliases))),
        })
        .collect()
}

/// Where a scan of an expression is: inside how many brackets, inside which string.
#[derive(Default)]
struct Nesting {
    depth: usize,
    quote: Option<char>,
}

impl Nesting {
    /// Moves past `c`; whether `c` itself is outside strings and brackets (and is not
    /// one of their marks).
    fn step(&mut self, c: char) -> bool {
        if let Some(q) = self.quote {
            if c == q {
                self.quote = None;
            }
            return false;
        }
        match c {
            '"' | '\'' | '`' => self.quote = Some(c),
            '(' | '[' | '{' => self.depth += 1,
            ')' | ']' | '}' => self.depth = self.depth.saturating_sub(1),
            _ => return self.depth == 0,
        }
        false
    }

    fn is_top(&self) -> bool {
        self.depth == 0 && self.quote.is_none()
    }
}

/// `text` split at commas outside strings and brackets.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut nesting = Nesting::default();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if nesting.step(c) && c == ',' {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// After `is` at `at`: a test written as Tera 1 wrote it, rewritten, and where it ends;
/// `None` for a test Tera 2 reads as it is.
fn positional_test(text: &str, at: usize) -> Option<(String, usize)> {
    let rest = &text[at..];
    let mut p = at + (rest.len() - rest.trim_start().len());
    let mut negation = "";
    if text[p..].starts_with("not ") {
        negation = "not ";
        p += 4;
        p += text[p..].len() - text[p..].trim_start().len();
    }
    let name_end = text[p..]
        .find(|c: char| !is_ident_char(c))
        .map_or(text.len(), |e| p + e);
    let name = &text[p..name_end];
    let (renamed, key) = match name {
        "object" => return Some((format!("{negation}map"), name_end)),
        "iterable" => return Some((format!("{negation}tera1_iterable"), name_end)),
        "divisibleby" => ("divisible_by", "divisor"),
        "starting_with" | "ending_with" | "containing" | "matching" => (name, "pat"),
        _ => return None,
    };
    let (args, after) = call_args(text, name_end)?;
    let named = args
        .split_once('=')
        .is_some_and(|(k, v)| k.trim().chars().all(is_ident_char) && !v.starts_with('='));
    let args = as_written(args.trim());
    if named {
        return Some((format!("{negation}{renamed}({args})"), after));
    }
    Some((format!("{negation}{renamed}({key}={args})"), after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, text: &str) -> String {
        let params = macro_params(name, text).into_iter().collect();
        let names = Names {
            aliases: &imports(text),
            params: &params,
        };
        translate(name, text, &names, &|n| n == "exists.html")
    }

    #[test]
    fn a_template_sees_the_imports_of_the_templates_it_extends() {
        let base = "{% import \"macros/menu.html\" as menu %}{% block nav %}{% endblock nav %}";
        let page = "{% extends \"base.html\" %}{% block nav %}{{ menu::show() }}{% endblock nav %}";
        let all = translate_all([("base.html", base, true), ("page.html", page, true)].into_iter());
        assert_eq!(
            all[1].1,
            "{% extends \"base.html\" %}{% block nav %}{{ <macros_menu__show /> }}{% endblock nav %}"
        );
    }

    #[test]
    fn macros_become_components_and_calls_component_calls() {
        let macros = "{% macro card(title, open=false) %}\n<b>{{ title }}</b>{{ self::tag(x=title) }}\n{%- endmacro card %}\n{% macro tag(x) %}{{ x }}{% endmacro %}";
        assert_eq!(
            t("partials/macros.html", macros),
            "{% component partials_macros__card(title, open=none) %}{% if open is none %}{% set open = false %}{% endif %}\n<b>{{ title }}</b>{{ <partials_macros__tag x={title} /> }}\n{%- endcomponent partials_macros__card %}\n{% component partials_macros__tag(x) %}{{ x }}{% endcomponent partials_macros__tag %}"
        );
        // What a macro reads of Zola's context, it takes from its caller.
        assert_eq!(
            t(
                "m.html",
                "{% macro title(page_title) %}{{ config.title }}{{ page_title }}{{ x.config }}{% endmacro %}"
            ),
            "{% component m__title(page_title, @config = none) %}{{ config.title }}{{ page_title }}{{ x.config }}{% endcomponent m__title %}"
        );
        let page = "{% import \"partials/macros.html\" as m %}\n{{ m::card(title=page.title | upper, open=true) }}\n{% set x = m::tag(x=\"a, b\") %}";
        assert_eq!(
            t("page.html", page),
            "{##}\n{{ <partials_macros__card title={page.title | upper} open={true} /> }}\n{% set x = <partials_macros__tag x={\"a, b\"} /> %}"
        );
    }

    #[test]
    fn positional_test_arguments_are_named() {
        assert_eq!(
            t(
                "a.html",
                "{% if a is starting_with(\"x\") and b is not matching('[.]png$') %}{% endif %}"
            ),
            "{% if a is starting_with(pat=\"x\") and b is not matching(pat='[.]png$') %}{% endif %}"
        );
        assert_eq!(
            t("a.html", "{% if n is divisibleby(3) or v is object %}{% endif %}"),
            "{% if n is divisible_by(divisor=3) or v is map %}{% endif %}"
        );
        // Tera 2's own forms are left alone.
        let tera2 = "{% if a is starting_with(pat=\"x\") and b is defined %}{% endif %}";
        assert_eq!(t("a.html", tera2), tera2);
    }

    #[test]
    fn a_child_template_keeps_only_what_tera_2_allows_at_its_top_level() {
        let base = "<{% block a %}{% block inner %}{% endblock inner %}{% endblock a %}>";
        let page = "{% extends \"base.html\" %}\nstray {{ text }}\n{% block a %}A{% endblock a %}\n{% block nowhere %}\nN\n{% endblock nowhere %}\n{% set x = 1 %}{% block inner %}I{% endblock inner %}";
        let all = translate_all([("base.html", base, true), ("page.html", page, true)].into_iter());
        assert_eq!(
            all[1].1,
            "{% extends \"base.html\" %}\n\n{% block a %}A{% endblock a %}\n\n\n\n{% block inner %}I{% endblock inner %}"
        );
    }

    #[test]
    fn a_missing_variable_or_field_in_a_condition_is_false_as_in_tera_1() {
        assert_eq!(
            t(
                "a.html",
                "{% if page.title and not page.extra.hero %}{% elif x == 1 or section.title %}{% endif %}"
            ),
            "{% if (page is defined and page.title is defined and page.title) and not (page is defined and page.extra is defined and page.extra.hero is defined and page.extra.hero) %}{% elif x == 1 or (section is defined and section.title is defined and section.title) %}{% endif %}"
        );
        // A test of whether a path is defined asks of each step.
        assert_eq!(
            t(
                "a.html",
                "{% if page.extra.comment is defined %}{% endif %}{% if page.x is not defined or not c.d is defined %}{% endif %}"
            ),
            "{% if (page is defined and page.extra is defined and page.extra.comment is defined) %}{% endif %}{% if not (page is defined and page.x is defined) or not (c is defined and c.d is defined) %}{% endif %}"
        );
        // Plain names, calls and comparisons are Tera 2's to judge.
        let plain = "{% if page %}{% endif %}{% if a.b == 2 %}{% endif %}{% if f(x=a.b) %}{% endif %}";
        assert_eq!(t("a.html", plain), plain);
    }

    #[test]
    fn a_missing_operand_of_and_or_or_in_a_set_is_false_as_in_tera_1() {
        assert_eq!(
            t(
                "a.html",
                "{%- set on = config.extra.x or page.extra.y -%}{% set_global n = not page.draft %}"
            ),
            "{%- set on = (config is defined and config.extra is defined and config.extra.x is defined and config.extra.x) or (page is defined and page.extra is defined and page.extra.y is defined and page.extra.y) -%}{% set_global n = not (page is defined and page.draft is defined and page.draft) %}"
        );
        // Other values, and `or` inside a string, are Tera 2's to judge.
        let plain = "{% set a = page.title %}{% set b = \"x or y\" %}{% set c = f(a=b or c) %}";
        assert_eq!(t("a.html", plain), plain);
    }

    #[test]
    fn paths_piped_into_default_read_missing_steps_as_undefined() {
        assert_eq!(
            t(
                "a.html",
                "{{ page.extra[setting] | default(value=\"\") }}{% set x = a.b.c|default(value=config.extra.y) %}"
            ),
            "{{ tera1_at(of=page?.extra, key=setting) | default(value=\"\") }}{% set x = a?.b?.c|default(value=config?.extra?.y) %}"
        );
        // Inside brackets, strings, plain names and calls are left as they are.
        let plain =
            "{{ x | default(value=1) }}{{ f(a=b.c) | default(value=2) }}{{ \"a.b | default(value=3)\" }}";
        assert_eq!(t("a.html", plain), plain);
        assert_eq!(
            t(
                "a.html",
                "{{ m[k.v].n | default(value=0) }}{{ p.0 | default(value=0) }}"
            ),
            "{{ m?[k.v]?.n | default(value=0) }}{{ tera1_at(of=p, key=0) | default(value=0) }}"
        );
        // Tera 1 read `default`'s value only when it was needed.
        assert_eq!(
            t(
                "a.html",
                "{{ page.x | default(value=section.extra[\"y\"]) }}{{ a | default(value = s.t) }}{{ b | default(value=\"s.t\") }}"
            ),
            "{{ page?.x | default(value=section?.extra?[\"y\"]) }}{{ a | default(value = s?.t) }}{{ b | default(value=\"s.t\") }}"
        );
    }

    #[test]
    fn an_argument_a_macro_does_not_take_is_dropped_as_in_tera_1() {
        assert_eq!(
            t(
                "m.html",
                "{% macro f(a, b=1) %}{% endmacro %}{{ self::f(a=1, c=2, b=3) }}{{ other::g(z=1) }}"
            ),
            "{% component m__f(a, b=none) %}{% if b is none %}{% set b = 1 %}{% endif %}{% endcomponent m__f %}{{ <m__f a={1} b={3} /> }}{{ other::g(z=1) }}"
        );
    }

    #[test]
    fn a_string_is_not_iterable_as_in_tera_1() {
        assert_eq!(
            t(
                "a.html",
                "{% if p is iterable %}{% elif q is not iterable %}{% endif %}"
            ),
            "{% if p is tera1_iterable %}{% elif q is not tera1_iterable %}{% endif %}"
        );
    }

    #[test]
    fn backslashes_in_strings_stay_as_written() {
        assert_eq!(
            t("a.html", r#"{% if id is matching("^pa-[^\.]+$") %}{% endif %}"#),
            r#"{% if id is matching(pat="^pa-[^\\.]+$") %}{% endif %}"#
        );
    }

    #[test]
    fn numeric_fields_are_indexes() {
        assert_eq!(
            t(
                "a.html",
                "{{ pair.0 }} {{ a.b.1 | upper }} {{ 1.5 }} {{ rows.0.1 }}"
            ),
            "{{ pair[0] }} {{ a.b[1] | upper }} {{ 1.5 }} {{ rows[0][1] }}"
        );
    }

    #[test]
    fn includes_that_may_be_missing_include_what_exists() {
        assert_eq!(
            t(
                "a.html",
                "A{% include \"exists.html\" ignore missing %}B{% include \"nope.html\" ignore missing %}C"
            ),
            "A{% include \"exists.html\" %}B{##}C"
        );
    }

    #[test]
    fn strings_comments_and_raw_blocks_are_left_as_written() {
        let text = "{# m::x() is object #}{{ \"m::x() is object\" }}{% raw %}{{ m::x() }}{% endraw %}";
        assert_eq!(t("a.html", text), text);
    }

    #[test]
    fn lines_are_kept() {
        let text = "{% import\n \"m.html\" as m %}\n{{ m::a(\n  b=1\n) }}\nline 6";
        let out = t("a.html", text);
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(out.ends_with("line 6"));
    }
}
