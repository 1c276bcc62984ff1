//! Hostile Markdown, shared by the tests in `hostile.rs` and `benches/markdown.rs`: the
//! fragments a page may hold (deep nesting, brackets, emphasis, callouts, figures,
//! footnotes, links, citations, shortcode-like braces, raw HTML, unicode), each repeated a
//! number of times. An input is a list of such pieces, so it can be scaled up by
//! repeating every piece more: nesting gets deeper and lists get longer together, which
//! is what exposes work that grows faster than the input.

use std::path::Path;
use std::time::Duration;

use dossier::probe::{Converted, MarkdownProbe};
use proptest::prelude::*;

/// How a fragment is repeated `n` times.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// The text `n` times in a row.
    Repeat(&'static str),
    /// `open` `n` times, a word, then `close` `n` times: nesting on one line.
    Wrap(&'static str, &'static str),
    /// Line `i` of `n` indented by `i` steps of two spaces: nesting by indentation (its
    /// size grows with the square of `n`, so it is measured per KB).
    Ladder(&'static str),
    /// A header once, then the row `n` times.
    Table(&'static str),
}

/// Every fragment, with the name reports use.
pub(crate) const FRAGMENTS: &[(&str, Shape)] = &[
    ("nested blockquotes", Shape::Repeat(">")),
    ("nested blockquotes, spaced", Shape::Repeat("> ")),
    ("nested lists on one line", Shape::Repeat("- ")),
    ("nested numbered lists on one line", Shape::Repeat("1. ")),
    ("nested lists by indentation", Shape::Ladder("- item")),
    ("nested numbered lists by indentation", Shape::Ladder("1. item")),
    ("quotes in lists by indentation", Shape::Ladder("- > quote")),
    ("opening brackets", Shape::Repeat("[")),
    ("nested brackets", Shape::Wrap("[", "]")),
    ("nested links", Shape::Wrap("[", "](x.md)")),
    ("nested images", Shape::Wrap("![", "](b.png)")),
    ("stars", Shape::Repeat("*")),
    ("nested emphasis", Shape::Wrap("*", "*")),
    ("nested strong", Shape::Wrap("**", "**")),
    ("nested underscores", Shape::Wrap("_", "_")),
    ("backticks", Shape::Repeat("`")),
    ("nested raw HTML", Shape::Wrap("<div>\n\n", "\n\n</div>")),
    ("inline HTML", Shape::Wrap("<span>", "</span>")),
    ("footnote references", Shape::Repeat("Text.[^1] ")),
    (
        "distinct footnotes",
        Shape::Repeat("[^n]: A note.\n\nSee[^n].\n\n"),
    ),
    ("footnote definitions", Shape::Repeat("[^a]: Note [^a].\n\n")),
    (
        "headings with the same text",
        Shape::Repeat("## Same heading\n\n"),
    ),
    (
        "headings with the same custom id",
        Shape::Repeat("## A {#same}\n\n"),
    ),
    ("citations without a bibliography", Shape::Repeat("[@key] ")),
    (
        "citations of unknown keys",
        Shape::Repeat("[@nato-rutte-2024-10-28] [@nokey] "),
    ),
    ("more markers", Shape::Repeat("<!-- more -->\n\n")),
    ("table rows", Shape::Table("| a [[x]] | *b* | `c` |\n")),
    ("wide table", Shape::Repeat("| a ")),
    ("wikilinks", Shape::Repeat("[[x]] [[missing]] ")),
    (
        "internal links",
        Shape::Repeat("[k](@/x.md#h) [m](@/missing.md) "),
    ),
    (
        "figures",
        Shape::Repeat("![A map](b.png \"Caption\")\n*Credit: someone*\n\n"),
    ),
    ("images without alt text", Shape::Repeat("![](b.png) ")),
    ("note callouts", Shape::Repeat("> [!NOTE]\n> Text.\n\n")),
    ("nested callouts", Shape::Ladder("> [!NOTE] Title")),
    (
        "key judgments",
        Shape::Repeat("> [!KEY JUDGMENT]\n> **High confidence:** a.\n> - **Medium confidence:** b.\n\n"),
    ),
    ("judgment markers", Shape::Repeat("**High confidence:** ")),
    (
        "pull quotes with links",
        Shape::Repeat("> [!PULLQUOTE] [a](@/x.md)[^1] [[x]]\n\n"),
    ),
    ("unknown callouts", Shape::Repeat("> [!KEY JUDGEMNT]\n\n")),
    ("callout markers in text", Shape::Repeat("[!NOTE] ")),
    ("shortcode-like braces", Shape::Repeat("{{ x(a=1) }} {% y %} ")),
    (
        "shortcode calls",
        Shape::Repeat("{{ x(a=[1, 'b']) }} {% y() %}*b*{% end %}\n\n"),
    ),
    ("nested shortcode bodies", Shape::Wrap("{% y() %}", "{% end %}")),
    ("unclosed shortcode bodies", Shape::Repeat("{% y() %} ")),
    ("unclosed shortcode strings", Shape::Repeat("{{ x(a='")),
    ("unknown shortcodes", Shape::Repeat("{{ z() }} `{{ z() }}` ")),
    ("long line", Shape::Repeat("word ")),
    ("unicode", Shape::Repeat("é漢🙂\u{200d}\u{E000}1\u{E001} ")),
    ("code fences", Shape::Repeat("```rust\nfn a() {}\n```\n")),
    ("task lists", Shape::Repeat("- [ ] task\n")),
    ("hard breaks", Shape::Repeat("a\\\n")),
];

/// A fragment repeated `count` times.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece {
    pub fragment: usize,
    pub count: usize,
}

impl Piece {
    pub(crate) fn name(&self) -> &'static str {
        FRAGMENTS[self.fragment].0
    }

    fn write(&self, out: &mut String, scale: usize) {
        let n = self.count * scale;
        match FRAGMENTS[self.fragment].1 {
            Shape::Repeat(s) => out.push_str(&s.repeat(n)),
            Shape::Wrap(open, close) => {
                out.push_str(&open.repeat(n));
                out.push('x');
                out.push_str(&close.repeat(n));
            }
            Shape::Ladder(line) => {
                for i in 0..n {
                    out.push_str(&"  ".repeat(i));
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Shape::Table(row) => {
                out.push_str("| a | b | c |\n|---|---|---|\n");
                out.push_str(&row.repeat(n));
            }
        }
    }
}

/// A page body made of pieces, each on its own paragraph.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    pub pieces: Vec<Piece>,
}

impl Input {
    pub(crate) fn one(fragment: usize, count: usize) -> Input {
        Input {
            pieces: vec![Piece { fragment, count }],
        }
    }

    /// The body with every piece repeated `scale` times more.
    pub(crate) fn body(&self, scale: usize) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            piece.write(&mut out, scale);
            out.push_str("\n\n");
        }
        out
    }

    pub(crate) fn describe(&self) -> String {
        self.pieces
            .iter()
            .map(|p| format!("{} ×{}", p.name(), p.count))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Inputs of one to four pieces, each repeated up to `max_count` times.
pub(crate) fn inputs(max_count: usize) -> impl Strategy<Value = Input> {
    prop::collection::vec(
        (0..FRAGMENTS.len(), 1..=max_count).prop_map(|(fragment, count)| Piece { fragment, count }),
        1..=4,
    )
    .prop_map(|pieces| Input { pieces })
}

/// The Markdown pass on its own: a page `a.md` in a site with one other page `x.md`
/// to link to, and optionally the example site's bibliography.
pub(crate) struct World {
    probe: MarkdownProbe,
}

impl World {
    pub(crate) fn new(with_bibliography: bool) -> World {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let probe = MarkdownProbe::new(with_bibliography.then_some((root, "sources.yml")))
            .expect("the example site's bibliography loads");
        World { probe }
    }

    /// The Markdown pass over `body` as the page `a.md`.
    pub(crate) fn render(&self, body: &str) -> Converted {
        self.probe.convert(body)
    }

    /// The fastest of `runs` renders of `body`: noise on a busy machine only ever adds
    /// time, so the minimum is the closest to the work itself.
    pub(crate) fn time(&self, body: &str, runs: usize) -> Duration {
        (0..runs.max(1))
            .map(|_| {
                // The probe drops the HTML it made before it returns, so freeing it is
                // timed too.
                let start = thread_cpu();
                std::hint::black_box(self.render(body));
                thread_cpu().saturating_sub(start)
            })
            .min()
            .unwrap_or_default()
    }
}

/// The fastest of `runs` parses of `body` by pulldown-cmark alone (the options dossier
/// uses, every event written as HTML): what the Markdown pass costs at the least.
pub(crate) fn time_parser(body: &str, runs: usize) -> Duration {
    use pulldown_cmark::{Options, Parser};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS;
    (0..runs.max(1))
        .map(|_| {
            let start = thread_cpu();
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, Parser::new_ext(body, options));
            let took = thread_cpu().saturating_sub(start);
            drop(html);
            took
        })
        .min()
        .unwrap_or_default()
}

/// The CPU time the calling thread has used. The Markdown pass runs on one thread, and
/// unlike wall time this does not grow while the machine's cores serve other work (the
/// other tests, a build beside them): the costs compared are the pass's own.
fn thread_cpu() -> Duration {
    #[cfg(unix)]
    {
        let mut now = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `now` is a valid `timespec` for the call to fill in.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } == 0 {
            return Duration::new(now.tv_sec as u64, now.tv_nsec as u32);
        }
    }
    // Elsewhere, wall time since the first call.
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

/// Microseconds per KB of input.
pub(crate) fn us_per_kb(took: Duration, bytes: usize) -> f64 {
    took.as_secs_f64() * 1e6 / (bytes.max(1) as f64 / 1024.0)
}

/// The smallest scale at which `input`'s body is at least `bytes` long, found by
/// doubling and then halving the step (a ladder grows with the square of its scale).
pub(crate) fn scale_for(input: &Input, bytes: usize) -> usize {
    let long_enough = |scale: usize| input.body(scale).len() >= bytes;
    let mut high = 1;
    while !long_enough(high) {
        high *= 2;
    }
    let mut low = high / 2;
    while low + 1 < high {
        let mid = (low + high) / 2;
        if long_enough(mid) {
            high = mid;
        } else {
            low = mid;
        }
    }
    high
}
