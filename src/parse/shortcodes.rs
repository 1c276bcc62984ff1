//! Zola's shortcodes in Markdown: `{{ name(key=value, …) }}` and
//! `{% name(…) %}body{% end %}`, with `{{/* … */}}` and `{%/* … */%}` writing the braces
//! as text. A call runs the template `templates/shortcodes/name.html` or `name.md`
//! (asked of [`Shortcodes`], which the renderer answers) before the Markdown is parsed:
//! a `.md` shortcode's output is Markdown in the page, an `.html` one's is put in the
//! HTML as it is (a placeholder holds its place while the Markdown is parsed).
//!
//! The syntax is Zola's: names and argument names are `[A-Za-z_][A-Za-z0-9_]*`; values
//! are strings in `"`, `'` or `` ` `` (no escapes), `true`/`false`, integers, decimals
//! and arrays of those; whitespace is allowed between the parts. Text that is not a call
//! in this syntax stays text, as in Zola. A call naming no shortcode is an error, except
//! inside code, where Tera examples are written as they are.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Severity, did_you_mean};

/// Where the output of `.html` shortcode `n` goes while the Markdown is parsed
/// (private-use characters, which no text contains; the citations' are U+E000/U+E001).
pub(crate) fn placeholder(n: usize) -> String {
    format!("\u{E002}{n}\u{E003}")
}

pub(crate) const PLACEHOLDER_START: char = '\u{E002}';
pub(crate) const PLACEHOLDER_END: char = '\u{E003}';

/// A shortcode argument's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Str(String),
    Bool(bool),
    Int(i64),
    Float(f64),
    Array(Vec<Arg>),
}

/// What a shortcode's template writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// `name.html`: HTML, put in the page as it is.
    Html,
    /// `name.md`: Markdown, parsed with the page.
    Markdown,
}

/// One call, ready to render.
pub(crate) struct Invocation<'a> {
    pub name: &'a str,
    pub args: &'a [(String, Arg)],
    /// The body of `{% name() %}…{% end %}`, its own shortcodes already rendered.
    pub body: Option<&'a str>,
    /// How many times this shortcode has been called in the document so far, this one
    /// included (Zola's `nth`).
    pub nth: usize,
}

/// The site's shortcodes, which the renderer knows.
pub(crate) trait Shortcodes {
    fn flavour(&self, name: &str) -> Option<Flavour>;
    /// Every shortcode's name, for suggestions.
    fn names(&self) -> Vec<&str>;
    /// Renders a call made in the document at content path `doc`. The error is the
    /// template's, placed in the template.
    fn render(&self, doc: &str, call: &Invocation) -> Result<String, Diagnostic>;
}

/// Whether `text` may hold a shortcode (or an escaped one): the quick test before
/// scanning.
pub(crate) fn may_hold(text: &str) -> bool {
    // Asked of every document, most with no brace at all: one search for the brace.
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'{', bytes).any(|at| matches!(bytes.get(at + 1), Some(b'{' | b'%')))
}

/// A document's body with its shortcodes expanded.
pub(crate) struct Expanded {
    pub text: String,
    pub origins: Origins,
    /// The output of each `.html` call, by its placeholder's number.
    pub html: Vec<String>,
    /// Problems, at byte offsets into the original body.
    pub problems: Vec<(usize, Diagnostic)>,
}

/// Maps offsets in an expanded body back to the body as written, so that problems the
/// Markdown pass finds are reported at the author's line.
#[derive(Debug, Default)]
pub(crate) struct Origins {
    /// (start in the expanded text, start in the original, whether the piece was
    /// written by a shortcode), in order.
    pieces: Vec<(usize, usize, bool)>,
}

impl Origins {
    /// From pieces of (start in the expanded text, start in the original, whether the
    /// piece was written by a template), in order of the expanded text.
    pub(crate) fn new(pieces: Vec<(usize, usize, bool)>) -> Origins {
        Origins { pieces }
    }

    /// The original offset of `offset` in the expanded text: inside a shortcode's output,
    /// where the call starts.
    pub(crate) fn original(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.0 <= offset);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            None => offset,
            Some((_, original, true)) => original,
            Some((start, original, false)) => original + (offset - start),
        }
    }
}

/// One thing found by the scanner.
#[derive(Debug)]
enum Token {
    /// A call; `body` is the range of the text between `%}` and `{% end %}`, and
    /// `inner` the tokens found in it.
    Call {
        span: Range<usize>,
        name: String,
        args: Vec<(String, Arg)>,
        body: Option<(Range<usize>, Vec<Token>)>,
    },
    /// `{{/* … */}}` and the like: the text to write instead.
    Escaped { span: Range<usize>, text: String },
    /// `{% name(…) %}` without its `{% end %}`.
    Unclosed { span: Range<usize>, name: String },
    /// `{% end %}` closing nothing.
    StrayEnd { span: Range<usize> },
    /// A body opened inside [`MAX_NESTING`] others.
    TooDeep { span: Range<usize>, name: String },
    /// `{{ name(` or `{% name(` whose arguments cannot be read; `span` ends where reading
    /// stopped.
    Unreadable { span: Range<usize>, name: String },
}

impl Token {
    fn span(&self) -> &Range<usize> {
        match self {
            Token::Call { span, .. }
            | Token::Escaped { span, .. }
            | Token::Unclosed { span, .. }
            | Token::StrayEnd { span }
            | Token::TooDeep { span, .. }
            | Token::Unreadable { span, .. } => span,
        }
    }
}

/// Expands the shortcodes in `body`. `in_code(offset)` says whether an offset of the body
/// is inside code, where a call naming no shortcode is left as text; it is asked only
/// for such calls.
pub(crate) fn expand(
    body: &str,
    doc: &str,
    shortcodes: &dyn Shortcodes,
    in_code: &dyn Fn(usize) -> bool,
    unreadable: Severity,
) -> Expanded {
    let tokens = scan(body);
    let mut out = Expansion {
        body,
        doc,
        shortcodes,
        in_code,
        unreadable,
        counts: std::collections::HashMap::new(),
        html: Vec::new(),
        problems: Vec::new(),
    };
    let mut text = String::with_capacity(body.len());
    let mut pieces = Vec::new();
    let mut at = 0;
    for token in &tokens {
        let span = token.span().clone();
        text.push_str(&body[at..span.start]);
        let Some(written) = out.top_level(token) else {
            // Left as it is: the text continues.
            at = span.start;
            continue;
        };
        pieces.push((text.len(), span.start, true));
        text.push_str(&written);
        pieces.push((text.len(), span.end, false));
        at = span.end;
    }
    text.push_str(&body[at..]);
    // A piece written as text continues the original text exactly.
    pieces.dedup_by(|b, a| !a.2 && !b.2 && b.0 - a.0 == b.1 - a.1);
    Expanded {
        text,
        origins: Origins { pieces },
        html: out.html,
        problems: out.problems,
    }
}

struct Expansion<'a> {
    body: &'a str,
    doc: &'a str,
    shortcodes: &'a dyn Shortcodes,
    in_code: &'a dyn Fn(usize) -> bool,
    counts: std::collections::HashMap<String, usize>,
    html: Vec<String>,
    problems: Vec<(usize, Diagnostic)>,
    /// What a call of a known shortcode whose arguments cannot be read is: Zola writes
    /// it as text, so a site moved over may hold some (`Config::relative_link_severity`).
    unreadable: Severity,
}

impl Expansion<'_> {
    /// What a token at the top of the body becomes: `None` leaves its text as written.
    fn top_level(&mut self, token: &Token) -> Option<String> {
        let Token::Call { name, .. } = token else {
            return self.written(token);
        };
        let flavour = self.shortcodes.flavour(name);
        let output = self.written(token)?;
        match flavour {
            Some(Flavour::Html) => {
                self.html.push(output);
                Some(placeholder(self.html.len() - 1))
            }
            Some(Flavour::Markdown) | None => Some(output),
        }
    }

    /// A token's output as text: a call rendered (its body's calls first), an escape
    /// without its comment marks; `None` for text left as written (an unknown call in
    /// code) or a problem (reported, and the call written as nothing).
    fn written(&mut self, token: &Token) -> Option<String> {
        match token {
            Token::Escaped { text, .. } => Some(text.clone()),
            Token::StrayEnd { span } => {
                if (self.in_code)(span.start) {
                    return None;
                }
                self.problems.push((
                    span.start,
                    Diagnostic::error("`{% end %}` closes no shortcode").hint(
                        "a shortcode with a body opens with `{% name(…) %}`; to write the tag as text, write `{%/* end */%}`",
                    ),
                ));
                None
            }
            Token::Unreadable { span, name } => {
                // Text that only looks like a call (`{{ f(x + 1) }}` in prose) is left
                // alone, and so is anything in code; a shortcode's name says it was one.
                if self.shortcodes.flavour(name).is_none() || (self.in_code)(span.start) {
                    return None;
                }
                self.problems.push((
                    span.end,
                    Diagnostic::new(
                        self.unreadable,
                        format!("the arguments of shortcode `{name}` cannot be read from here"),
                    )
                    .hint("write them as name=value pairs separated by commas: text in quotes, numbers, true or false, or [lists]; until then the call shows as text, as Zola shows it"),
                ));
                None
            }
            Token::TooDeep { span, name } => {
                self.problems.push((
                    span.start,
                    Diagnostic::error(format!(
                        "shortcode `{name}` is nested in {MAX_NESTING} others, more than dossier renders"
                    ))
                    .hint("close the bodies around it first; a document rarely needs more than a few levels"),
                ));
                None
            }
            Token::Unclosed { span, name } => {
                if self.shortcodes.flavour(name).is_none() && (self.in_code)(span.start) {
                    return None;
                }
                self.problems.push((
                    span.start,
                    Diagnostic::error(format!("shortcode `{name}` has a body but no `{{% end %}}`")).hint(
                        format!(
                            "end its body with `{{% end %}}` on a line of its own, or call it without one as `{{{{ {name}(…) }}}}`"
                        ),
                    ),
                ));
                None
            }
            Token::Call {
                span,
                name,
                args,
                body,
            } => {
                let Some(_) = self.shortcodes.flavour(name) else {
                    if (self.in_code)(span.start) {
                        return None;
                    }
                    self.problems
                        .push((span.start, self.unknown(name, &self.body[span.clone()])));
                    return Some(String::new());
                };
                let count = self.counts.entry(name.clone()).or_insert(0);
                *count += 1;
                let nth = *count;
                let body = body.as_ref().map(|(range, inner)| self.inner(range, inner));
                let call = Invocation {
                    name,
                    args,
                    body: body.as_deref(),
                    nth,
                };
                match self.shortcodes.render(self.doc, &call) {
                    Ok(output) => Some(output),
                    Err(template) => {
                        self.problems.push((span.start, failed(name, template)));
                        Some(String::new())
                    }
                }
            }
        }
    }

    /// A body with its own calls rendered (whatever their flavour, as text: it is the
    /// outer template that places it), trimmed as Zola does.
    fn inner(&mut self, range: &Range<usize>, tokens: &[Token]) -> String {
        let mut text = String::new();
        let mut at = range.start;
        for token in tokens {
            let span = token.span().clone();
            text.push_str(&self.body[at..span.start]);
            match self.written(token) {
                Some(written) => {
                    text.push_str(&written);
                    at = span.end;
                }
                None => at = span.start,
            }
        }
        text.push_str(&self.body[at..range.end]);
        text.trim().to_owned()
    }

    fn unknown(&self, name: &str, written: &str) -> Diagnostic {
        let names = self.shortcodes.names();
        let escaped = if written.starts_with("{{") {
            format!("{{{{/*{}*/}}}}", &written[2..written.len() - 2])
        } else {
            format!("{{%/*{}*/%}}", &written[2..written.len() - 2])
        };
        let hint = match did_you_mean(name, names.iter().copied()) {
            Some(suggestion) => suggestion,
            None if names.is_empty() => format!(
                "the site has no shortcodes: add templates/shortcodes/{name}.html (or .md) to make one, or write `{escaped}` for the text itself"
            ),
            None => format!(
                "the site's shortcodes are {}; to write the call as text, write `{escaped}`",
                names.join(", ")
            ),
        };
        Diagnostic::error(format!("unknown shortcode `{name}`")).hint(hint)
    }
}

/// A template's error, reported at the call with the template's place as detail.
fn failed(name: &str, template: Diagnostic) -> Diagnostic {
    let mut detail = Vec::new();
    if let Some(l) = &template.location {
        let mut place = l.path.display().to_string();
        if let Some(line) = l.line {
            place.push_str(&format!(":{line}"));
            if let Some(column) = l.column {
                place.push_str(&format!(":{column}"));
            }
        }
        detail.push(format!("in {place}"));
    }
    detail.extend(template.detail);
    let message = template
        .message
        .strip_prefix("template error: ")
        .unwrap_or(&template.message);
    let d = Diagnostic::error(format!("shortcode `{name}` failed: {message}"))
        .hint("check the call's arguments against what the shortcode's template uses");
    if detail.is_empty() {
        d
    } else {
        d.detail(detail.join("\n"))
    }
}

/// How deep bodies may nest: deeper calls are errors, so that rendering them, which
/// recurses, stays within the stack.
const MAX_NESTING: usize = 32;

/// A tag found in one pass over the text, before bodies are matched with their ends.
enum Tag {
    Token(Token),
    Open {
        span: Range<usize>,
        name: String,
        args: Vec<(String, Arg)>,
    },
    End(Range<usize>),
}

/// The tokens of `text`, bodies nested: one pass finds the tags, then each `{% end %}`
/// closes the latest open body, so the work is linear in the text whatever it holds.
fn scan(text: &str) -> Vec<Token> {
    let quotes = Quotes::default();
    let mut open: Vec<Opened> = Vec::new();
    let mut top = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find('{').map(|i| i + from) {
        let Some(tag) = tag(text, i, &quotes) else {
            from = i + 1;
            continue;
        };
        match tag {
            // An opening tag that cannot be read still takes its `{% end %}`, which would
            // otherwise be reported as closing nothing: one problem, said once.
            Tag::Token(Token::Unreadable { span, name }) if text.as_bytes()[i + 1] == b'%' => {
                from = span.end;
                open.push(Opened {
                    span,
                    name,
                    args: None,
                    inner: Vec::new(),
                });
            }
            Tag::Token(token) => {
                from = token.span().end;
                level(&mut open, &mut top).push(token);
            }
            Tag::Open { span, name, .. } if open.len() == MAX_NESTING => {
                from = span.end;
                level(&mut open, &mut top).push(Token::TooDeep { span, name });
            }
            Tag::Open { span, name, args } => {
                from = span.end;
                open.push(Opened {
                    span,
                    name,
                    args: Some(args),
                    inner: Vec::new(),
                });
            }
            Tag::End(end) => {
                from = end.end;
                match open.pop() {
                    Some(Opened {
                        span,
                        name,
                        args: None,
                        inner,
                    }) => {
                        let parent = level(&mut open, &mut top);
                        parent.push(Token::Unreadable { span, name });
                        parent.extend(inner);
                    }
                    Some(Opened {
                        span,
                        name,
                        args: Some(args),
                        inner,
                    }) => {
                        let call = Token::Call {
                            span: span.start..end.end,
                            name,
                            args,
                            body: Some((span.end..end.start, inner)),
                        };
                        level(&mut open, &mut top).push(call);
                    }
                    None => top.push(Token::StrayEnd { span: end }),
                }
            }
        }
    }
    // Bodies never closed: the opening tag is the problem, what followed it is text.
    while let Some(Opened {
        span,
        name,
        args,
        inner,
    }) = open.pop()
    {
        let parent = level(&mut open, &mut top);
        parent.push(match args {
            Some(_) => Token::Unclosed { span, name },
            None => Token::Unreadable { span, name },
        });
        parent.extend(inner);
    }
    top
}

/// A body's opening tag, and the tokens found in the body so far.
struct Opened {
    span: Range<usize>,
    name: String,
    /// `None` when they cannot be read.
    args: Option<Vec<(String, Arg)>>,
    inner: Vec<Token>,
}

/// Where a token goes: into the innermost open body, else the top.
fn level<'a>(open: &'a mut [Opened], top: &'a mut Vec<Token>) -> &'a mut Vec<Token> {
    match open.last_mut() {
        Some(o) => &mut o.inner,
        None => top,
    }
}

/// The tag at `at` (a `{`), if one starts there.
fn tag(text: &str, at: usize, quotes: &Quotes) -> Option<Tag> {
    match text.as_bytes().get(at + 1)? {
        b'{' => inline(text, at, quotes).map(Tag::Token),
        b'%' => match end_tag(text, at) {
            Some(end) => Some(Tag::End(at..end)),
            None => block(text, at, quotes),
        },
        _ => None,
    }
}

/// `{{ name(args) }}` or `{{/* name(args) */}}` at `at`.
fn inline(text: &str, at: usize, quotes: &Quotes) -> Option<Token> {
    let mut p = Cursor {
        text,
        at: at + 2,
        quotes,
    };
    let escaped = p.eat("/*");
    let (name, args) = match p.call() {
        Some(call) => call,
        None if escaped => return None,
        None => return unreadable(text, at, quotes),
    };
    if escaped && !p.eat("*/") {
        return None;
    }
    p.eat("}}").then_some(())?;
    let span = at..p.at;
    if escaped {
        return Some(Token::Escaped {
            text: unescape(&text[span.clone()], "{{/*", "{{", "*/}}", "}}"),
            span,
        });
    }
    Some(Token::Call {
        span,
        name,
        args,
        body: None,
    })
}

/// A tag at `at` that opens a call (`{{ name(` or `{% name(`) whose arguments cannot be
/// read, reaching to where reading stopped; `None` if it is not even that.
fn unreadable(text: &str, at: usize, quotes: &Quotes) -> Option<Token> {
    let mut p = Cursor {
        text,
        at: at + 2,
        quotes,
    };
    let name = p.word()?.to_owned();
    p.eat("(").then_some(())?;
    let mut q = Cursor {
        text,
        at: at + 2,
        quotes,
    };
    q.call();
    Some(Token::Unreadable {
        span: at..q.at.max(p.at),
        name,
    })
}

/// `{% name(args) %}` opening a body, or an escaped `{%/* name(args) */%}` or
/// `{%/* end */%}`.
fn block(text: &str, at: usize, quotes: &Quotes) -> Option<Tag> {
    let mut p = Cursor {
        text,
        at: at + 2,
        quotes,
    };
    if p.eat("/*") {
        let start = p.at;
        if p.call().is_none() {
            p.at = start;
            p.word().filter(|w| *w == "end")?;
        }
        (p.eat("*/") && p.eat("%}")).then_some(())?;
        let span = at..p.at;
        return Some(Tag::Token(Token::Escaped {
            text: unescape(&text[span.clone()], "{%/*", "{%", "*/%}", "%}"),
            span,
        }));
    }
    let Some((name, args)) = p.call() else {
        return unreadable(text, at, quotes).map(Tag::Token);
    };
    p.eat("%}").then_some(())?;
    Some(Tag::Open {
        span: at..p.at,
        name,
        args,
    })
}

/// Where the next quote of each kind is, remembered: the scanner asks from ever later
/// offsets, and a string never closed must not be searched for again at every call
/// that opens one.
/// The offset a search started from, and the quote it found at or after it.
type Asked = (usize, Option<usize>);

#[derive(Default)]
struct Quotes {
    /// For `"`, `'` and `` ` ``: the offset last asked from and the answer.
    last: std::cell::Cell<[Option<Asked>; 3]>,
}

impl Quotes {
    /// The offset of the first `quote` at or after `from`.
    fn next(&self, text: &str, quote: char, from: usize) -> Option<usize> {
        let k = match quote {
            '"' => 0,
            '\'' => 1,
            _ => 2,
        };
        let mut last = self.last.get();
        // The first quote at or after `asked` is `answer`; so it is for any offset between.
        if let Some((asked, answer)) = last[k]
            && asked <= from
            && answer.is_none_or(|a| from <= a)
        {
            return answer;
        }
        let found = text[from..].find(quote).map(|i| i + from);
        last[k] = Some((from, found));
        self.last.set(last);
        found
    }
}

/// `{% end %}` at `at`: where it ends.
fn end_tag(text: &str, at: usize) -> Option<usize> {
    let quotes = Quotes::default();
    let mut p = Cursor {
        text,
        at: at + 2,
        quotes: &quotes,
    };
    p.word().filter(|w| *w == "end")?;
    p.eat("%}").then_some(p.at)
}

fn unescape(written: &str, open: &str, open_to: &str, close: &str, close_to: &str) -> String {
    let inner = &written[open.len()..written.len() - close.len()];
    format!("{open_to}{inner}{close_to}")
}

/// A position in the text while a call is read.
struct Cursor<'t> {
    text: &'t str,
    at: usize,
    quotes: &'t Quotes,
}

impl<'t> Cursor<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    /// Skips whitespace, then `token` if it is next.
    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        let found = self.rest().starts_with(token);
        if found {
            self.at += token.len();
        }
        found
    }

    /// An identifier: `[A-Za-z_][A-Za-z0-9_]*`.
    fn word(&mut self) -> Option<&'t str> {
        self.skip_space();
        let rest = self.rest();
        let first = rest.bytes().next()?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let len = rest
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
            .unwrap_or(rest.len());
        self.at += len;
        Some(&rest[..len])
    }

    /// `name(key=value, …)`.
    fn call(&mut self) -> Option<(String, Vec<(String, Arg)>)> {
        let name = self.word()?.to_owned();
        self.eat("(").then_some(())?;
        let mut args = Vec::new();
        if self.eat(")") {
            return Some((name, args));
        }
        loop {
            let key = self.word()?.to_owned();
            self.eat("=").then_some(())?;
            let value = self.value(true)?;
            args.push((key, value));
            if self.eat(")") {
                return Some((name, args));
            }
            self.eat(",").then_some(())?;
        }
    }

    /// A literal; arrays hold no arrays (`nested` is false inside one).
    fn value(&mut self, nested: bool) -> Option<Arg> {
        self.skip_space();
        let rest = self.rest();
        let first = rest.chars().next()?;
        match first {
            '"' | '\'' | '`' => {
                let close = self.quotes.next(self.text, first, self.at + 1)?;
                let value = self.text[self.at + 1..close].to_owned();
                self.at = close + 1;
                Some(Arg::Str(value))
            }
            '[' if nested => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat("]") {
                        return Some(Arg::Array(items));
                    }
                    items.push(self.value(false)?);
                    if !self.eat(",") {
                        self.eat("]").then_some(())?;
                        return Some(Arg::Array(items));
                    }
                }
            }
            _ => {
                let len = rest
                    .bytes()
                    .position(|b| !(b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_'))
                    .unwrap_or(rest.len());
                let word = &rest[..len];
                let value = match word {
                    "true" => Arg::Bool(true),
                    "false" => Arg::Bool(false),
                    _ if word.contains('.') => Arg::Float(number(word)?.parse().ok()?),
                    _ => Arg::Int(number(word)?.parse().ok()?),
                };
                self.at += len;
                Some(value)
            }
        }
    }
}

/// `word` if it is a number as Zola writes them: `-`, digits, maybe `.` and digits.
fn number(word: &str) -> Option<&str> {
    let digits = word.strip_prefix('-').unwrap_or(word);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "1"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (all_digits(whole) && all_digits(fraction)).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shortcodes that write their name, arguments, `nth` and body.
    struct Echo;

    impl Shortcodes for Echo {
        fn flavour(&self, name: &str) -> Option<Flavour> {
            match name {
                "box" | "quote" => Some(Flavour::Html),
                "list" => Some(Flavour::Markdown),
                _ => None,
            }
        }
        fn names(&self) -> Vec<&str> {
            vec!["box", "list", "quote"]
        }
        fn render(&self, _: &str, call: &Invocation) -> Result<String, Diagnostic> {
            if call.args.iter().any(|(k, _)| k == "fail") {
                return Err(Diagnostic::error("template error: `x` is not defined here"));
            }
            let args: Vec<String> = call.args.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
            Ok(format!(
                "[{}#{} {}|{}]",
                call.name,
                call.nth,
                args.join(","),
                call.body.unwrap_or("")
            ))
        }
    }

    fn run(body: &str) -> Expanded {
        expand(body, "a.md", &Echo, &|_| false, Severity::Error)
    }

    #[test]
    fn calls_are_rendered_with_their_arguments_and_counts() {
        let e = run("a {{ list(n=1, s=\"x\", t='y', u=`z`, b=true, f=-1.5, v=[1, \"two\"]) }} b {{list()}}");
        assert_eq!(
            e.text,
            "a [list#1 n=Int(1),s=Str(\"x\"),t=Str(\"y\"),u=Str(\"z\"),b=Bool(true),f=Float(-1.5),v=Array([Int(1), Str(\"two\")])|] b [list#2 |]"
        );
        assert!(e.problems.is_empty());
    }

    #[test]
    fn html_shortcodes_leave_a_placeholder_and_bodies_are_trimmed_with_their_calls_rendered() {
        let e = run("{% quote(by=\"A\") %}\n  Said {{ list() }}.\n{% end %}\nafter");
        assert_eq!(e.text, format!("{}\nafter", placeholder(0)));
        assert_eq!(
            e.html,
            vec!["[quote#1 by=Str(\"A\")|Said [list#1 |].]".to_owned()]
        );
    }

    #[test]
    fn nested_bodies_close_at_their_own_end() {
        let e = run("{% quote() %}a {% box() %}b{% end %} c{% end %}");
        assert_eq!(e.html, vec!["[quote#1 |a [box#1 |b] c]".to_owned()]);
    }

    #[test]
    fn escapes_write_the_braces_and_text_that_is_no_call_stays() {
        let e = run("{{/* box(a=1) */}} {%/* quote() */%}x{%/* end */%} {{ page.title }} {{ x }} {% if a %}");
        assert_eq!(
            e.text,
            "{{ box(a=1) }} {% quote() %}x{% end %} {{ page.title }} {{ x }} {% if a %}"
        );
        assert!(e.problems.is_empty());
    }

    #[test]
    fn unknown_calls_are_errors_with_the_closest_name_except_in_code() {
        let e = run("one\n{{ bx(a=1) }}");
        assert_eq!(e.problems.len(), 1);
        let (at, d) = &e.problems[0];
        assert_eq!(*at, 4);
        assert_eq!(d.message, "unknown shortcode `bx`");
        assert!(d.hint.as_deref().unwrap().contains("box"), "{:?}", d.hint);
        let e = expand("`{{ bx(a=1) }}`", "a.md", &Echo, &|_| true, Severity::Error);
        assert!(e.problems.is_empty());
        assert_eq!(e.text, "`{{ bx(a=1) }}`");
    }

    #[test]
    fn unclosed_bodies_stray_ends_and_failing_templates_are_reported() {
        let e = run("{% quote() %}\nno end");
        assert!(e.problems[0].1.message.contains("no `{% end %}`"));
        let e = run("text {% end %}");
        assert!(e.problems[0].1.message.contains("closes no shortcode"));
        let e = run("{{ box(fail=1) }}");
        assert_eq!(
            e.problems[0].1.message,
            "shortcode `box` failed: `x` is not defined here"
        );
    }

    #[test]
    fn origins_map_expanded_offsets_back_to_the_author_text() {
        let body = "ab {{ list() }} cd\nef";
        let e = run(body);
        let after = e.text.find("cd").unwrap();
        assert_eq!(e.origins.original(after), body.find("cd").unwrap());
        assert_eq!(e.origins.original(1), 1);
        let inside = e.text.find("list#").unwrap();
        assert_eq!(e.origins.original(inside), 3);
        assert_eq!(
            e.origins.original(e.text.find("ef").unwrap()),
            body.find("ef").unwrap()
        );
    }

    #[test]
    fn malformed_calls_stay_text() {
        for text in [
            "{{ a(b) }}",
            "{{ a(b=) }}",
            "{{ a(b=[[1]]) }}",
            "{{ a(b=1 c=2) }}",
            "{{ 1a() }}",
            "{{ a(b=\"open) }}",
            "{{ a(b=1.) }}",
            "{",
            "{{",
            "{%",
        ] {
            let e = run(text);
            assert_eq!(e.text, text);
            assert!(e.problems.is_empty(), "{text}");
        }
    }
}
