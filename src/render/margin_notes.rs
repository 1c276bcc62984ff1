//! `{{ page.content | margin_notes }}`: the built-in theme's sidenotes. Each footnote's
//! text, and each citation's full reference, is repeated beside the line that cites it,
//! in a `<span class="sidenote" aria-hidden="true">` the stylesheet floats into the right
//! margin on a wide screen and hides on a narrow one (and in print), where the notes and
//! the sources at the end are read as before.
//!
//! Why a filter on the finished HTML and not a step of the Markdown pass: `page.content`
//! stays what Zola gives, so a Zola theme (which has no styles for `.sidenote`) and the
//! feeds never show a note twice; and the citations are formatted by then, so their
//! references are known. The copy is `aria-hidden` and holds no link, so a screen reader
//! and the keyboard meet each note once, at the end, as they do today.
//!
//! A note is placed only where a float lands beside the text column: in a paragraph or a
//! list item of the body. In a table, heading, quote, callout, figure or any other box it
//! is left to the notes at the end, as on a narrow screen.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use memchr::memmem::Finder;

/// A margin note longer than this (in bytes of its HTML text) is cut at a word and ends
/// with "…": the whole note is at the end of the page, and a long one would push every
/// later note down the margin, away from the line that cites it.
const LONGEST: usize = 480;

/// The marks dossier's Markdown pass gives a footnote reference and a citation.
const FOOTNOTE_REF: &str = "<sup class=\"footnote-ref\" id=\"fnref-";
const CITATION: &str = "<a class=\"citation\" ";
const NOTES: &str = "<section class=\"footnotes\"";

/// The three marks above, each found by a searcher made once: every page's content is
/// searched for them as it renders, and the standard library's `str::find` walks a
/// long text several times slower.
static MARKS: LazyLock<[Finder<'static>; 3]> =
    LazyLock::new(|| [FOOTNOTE_REF, CITATION, NOTES].map(|mark| Finder::new(mark.as_bytes())));

/// `content` with a margin copy after the first reference to each footnote and after
/// each citation that sits in a paragraph or list item; unchanged (borrowed) when it has
/// neither.
pub(crate) fn add(content: &str) -> Cow<'_, str> {
    let [footnote_ref, citation, notes_section] = &*MARKS;
    let bytes = content.as_bytes();
    if footnote_ref.find(bytes).is_none() && citation.find(bytes).is_none() {
        return Cow::Borrowed(content);
    }
    let body_end = notes_section.find(bytes).unwrap_or(content.len());
    let notes = footnote_texts(&content[body_end..]);
    let (body, rest) = content.split_at(body_end);
    let mut out = String::with_capacity(content.len() + content.len() / 4);
    let mut placed: HashSet<&str> = HashSet::new();
    let mut boxes = Boxes::default();
    let mut at = 0;
    let mut scan = 0;
    while let Some(open) = body[scan..].find('<').map(|i| scan + i) {
        let tag = &body[open..];
        if let Some(after) = tag.strip_prefix("<!--") {
            scan = after.find("-->").map_or(body.len(), |e| open + 4 + e + 3);
            continue;
        }
        let Some(close) = tag.find('>') else { break };
        let end = open + close + 1;
        let note = if tag.starts_with(FOOTNOTE_REF) {
            footnote_at(body, open, &notes, &mut placed)
        } else if tag.starts_with(CITATION) {
            citation_at(body, open)
        } else {
            boxes.see(&body[open..end]);
            None
        };
        scan = end;
        if let Some((element_end, html)) = note {
            if boxes.in_text_column() {
                out.push_str(&body[at..element_end]);
                out.push_str(&html);
                at = element_end;
            }
            scan = element_end;
        }
    }
    out.push_str(&body[at..]);
    out.push_str(rest);
    Cow::Owned(out)
}

/// The footnote reference starting at `open`: where its `</sup>` ends, and its margin
/// copy, unless an earlier reference to the same note has it.
fn footnote_at<'c>(
    body: &'c str,
    open: usize,
    notes: &HashMap<&str, String>,
    placed: &mut HashSet<&'c str>,
) -> Option<(usize, String)> {
    let tag = &body[open..];
    let end = open + tag.find("</sup>")? + "</sup>".len();
    // The note's slug is in the link inside the `<sup>`.
    let slug = between(&body[open..end], " href=\"#fn-", "\"")?;
    let text = notes.get(slug)?;
    // A set: a hostile page may reference thousands of notes.
    if !placed.insert(slug) {
        return None;
    }
    // The number is the link's text: after the last `>` before its `</a>`.
    let element = &body[open..end];
    let number = element
        .rfind("</a>")
        .and_then(|close| element[..close].rfind('>').map(|gt| &element[gt + 1..close]))
        .unwrap_or("");
    Some((
        end,
        format!(
            "<span class=\"sidenote\" aria-hidden=\"true\"><span class=\"sidenote-n\">{number}</span> {text}</span>"
        ),
    ))
}

/// The citation starting at `open`: where its `</a>` ends, and its references (the
/// `title` the Markdown pass gave it, one per cited source, ` | ` between them).
fn citation_at(body: &str, open: usize) -> Option<(usize, String)> {
    let tag = &body[open..];
    let end = open + tag.find("</a>")? + "</a>".len();
    let title = attr(&body[open..end], "title")?;
    if title.is_empty() {
        return None;
    }
    let mut html = String::from("<span class=\"sidenote sidenote-cite\" aria-hidden=\"true\">");
    for (i, reference) in title.split(" | ").enumerate() {
        if i > 0 {
            html.push_str("<br>");
        }
        html.push_str(&shorten(reference.trim()));
    }
    html.push_str("</span>");
    Some((end, html))
}

/// Each note's text by its slug (`fn-SLUG`), from the notes section: tags dropped, the
/// back-links left out, white space folded, cut at [`LONGEST`].
fn footnote_texts(section: &str) -> HashMap<&str, String> {
    const ITEM: &str = "<li id=\"fn-";
    let mut texts = HashMap::new();
    let mut rest = section;
    while let Some(start) = rest.find(ITEM) {
        let item = &rest[start + ITEM.len()..];
        let Some(quote) = item.find('"') else { break };
        let slug = &item[..quote];
        // Our notes list ends each item with its back-links; an item runs to the next
        // item or the end of the list, whatever raw HTML the note holds.
        let body_start = item[quote..].find('>').map_or(item.len(), |i| quote + i + 1);
        let next = item
            .find(ITEM)
            .or_else(|| item.find("</ol>"))
            .unwrap_or(item.len());
        let inner = &item[body_start.min(next)..next];
        let inner = inner
            .find(" <a href=\"#fnref-")
            .map_or(inner, |backref| &inner[..backref]);
        texts.insert(slug, shorten(&text_of(inner)));
        rest = &item[next..];
    }
    texts
}

/// The text of an HTML fragment: tags (and comments) dropped, entities kept as they are,
/// runs of white space as one space.
fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let (text, after) = match rest.find('<') {
            Some(i) => (&rest[..i], Some(&rest[i..])),
            None => (rest, None),
        };
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        let Some(tag) = after else { break };
        let skip = if tag.starts_with("<!--") {
            tag.find("-->").map_or(tag.len(), |e| e + 3)
        } else {
            tag.find('>').map_or(tag.len(), |e| e + 1)
        };
        // A block's end separates its words from the next block's.
        if tag.starts_with("</p") || tag.starts_with("<br") || tag.starts_with("</li") {
            out.push(' ');
        }
        rest = &tag[skip..];
    }
    let folded: Vec<&str> = out.split_whitespace().collect();
    folded.join(" ")
}

/// `text` (HTML text, entities escaped) cut at the last space before [`LONGEST`] bytes,
/// with "…"; never inside an entity.
fn shorten(text: &str) -> String {
    if text.len() <= LONGEST {
        return text.to_owned();
    }
    let mut cut = LONGEST;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    let head = head.rfind(' ').map_or(head, |space| &head[..space]);
    // An entity cut in two (`&amp` without its `;`) would show as text.
    let head = match (head.rfind('&'), head.rfind(';')) {
        (Some(amp), semi) if semi.is_none_or(|s| s < amp) => &head[..amp],
        _ => head,
    };
    format!("{}…", head.trim_end())
}

/// The value of attribute `name` in the tag that opens `element` (double-quoted, as
/// dossier writes them).
fn attr<'e>(element: &'e str, name: &str) -> Option<&'e str> {
    let tag = &element[..element.find('>')?];
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn between<'s>(s: &'s str, open: &str, close: &str) -> Option<&'s str> {
    let start = s.find(open)? + open.len();
    let len = s[start..].find(close)?;
    Some(&s[start..start + len])
}

/// How many boxes that keep a float out of the margin are open at a point of the body:
/// a float there would land in the box, not beside the text column.
#[derive(Default)]
struct Boxes {
    open: usize,
}

impl Boxes {
    /// Elements whose box is narrower than the column, or whose content should not float.
    const NAMES: &[&str] = &[
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "aside",
        "figure",
        "details",
        "pre",
        "div",
        "dl",
        "section",
        "nav",
    ];

    fn see(&mut self, tag: &str) {
        let (closing, name) = match tag.strip_prefix("</") {
            Some(rest) => (true, rest),
            None => (false, &tag[1..]),
        };
        let len = name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len());
        let name = &name[..len];
        if !Self::NAMES.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return;
        }
        if closing {
            self.open = self.open.saturating_sub(1);
        } else if !tag.ends_with("/>") {
            self.open += 1;
        }
    }

    fn in_text_column(&self) -> bool {
        self.open == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: &str = "<section class=\"footnotes\" role=\"doc-endnotes\" aria-label=\"Footnotes\">\n<ol>\n\
        <li id=\"fn-1\"><p>First <em>note</em> &amp; more. \
        <a href=\"#fnref-1\" class=\"footnote-backref\" role=\"doc-backlink\" aria-label=\"Back to reference\">↩</a></p></li>\n\
        </ol>\n</section>\n";

    fn reference(id: &str) -> String {
        format!(
            "<sup class=\"footnote-ref\" id=\"{id}\"><a href=\"#fn-1\" role=\"doc-noteref\" aria-label=\"Footnote 1\">1</a></sup>"
        )
    }

    #[test]
    fn a_text_without_notes_is_given_back_as_it_is() {
        // Borrowed: the filter then shares the page's content rather than copy it.
        let html = "<p>No notes, <a class=\"other\" href=\"#x\">a link</a>.</p>";
        assert!(matches!(add(html), Cow::Borrowed(same) if same == html));
        assert!(matches!(
            add(&format!("<p>x{}</p>\n{NOTE}", reference("fnref-1"))),
            Cow::Owned(_)
        ));
    }

    #[test]
    fn a_footnote_is_copied_after_its_first_reference_in_a_paragraph() {
        let html = format!(
            "<p>Text{}. Again{}.</p>\n{NOTE}",
            reference("fnref-1"),
            reference("fnref-1-2")
        );
        let out = add(&html);
        let copy = "<span class=\"sidenote\" aria-hidden=\"true\"><span class=\"sidenote-n\">1</span> First note &amp; more.</span>";
        assert_eq!(out.matches(copy).count(), 1, "{out}");
        assert!(out.contains(&format!("{}{copy}", reference("fnref-1"))), "{out}");
        assert!(out.ends_with(NOTE), "the notes at the end are kept: {out}");
    }

    #[test]
    fn a_reference_in_a_table_heading_or_callout_keeps_only_its_end_note() {
        for (open, close) in [
            ("<table><tr><td>", "</td></tr></table>"),
            ("<h2 id=\"x\">", "</h2>"),
            ("<div class=\"callout\"><p>", "</p></div>"),
        ] {
            let html = format!("{open}Text{}{close}\n<p>After.</p>\n{NOTE}", reference("fnref-1"));
            assert_eq!(add(&html), html, "inside {open}");
        }
        // After such a box closes, the body's paragraphs have their notes again.
        let html = format!(
            "<table><tr><td>x</td></tr></table>\n<p>Text{}</p>\n{NOTE}",
            reference("fnref-1")
        );
        assert!(add(&html).contains("class=\"sidenote\""));
    }

    #[test]
    fn a_citation_gets_each_reference_of_its_title() {
        let html = "<p>As reported <a class=\"citation\" id=\"cite-1\" href=\"#ref-a\" title=\"A. 2024. &quot;One.&quot; | B. 2023. Two.\">(A 2024; B 2023)</a>.</p>";
        let out = add(html);
        assert!(
            out.contains("(A 2024; B 2023)</a><span class=\"sidenote sidenote-cite\" aria-hidden=\"true\">A. 2024. &quot;One.&quot;<br>B. 2023. Two.</span>."),
            "{out}"
        );
    }

    #[test]
    fn thousands_of_notes_each_get_one_copy() {
        let n = 5_000;
        let mut html = String::from("<p>");
        for i in 0..n {
            html.push_str(&format!(
                "x<sup class=\"footnote-ref\" id=\"fnref-{i}\"><a href=\"#fn-{i}\">{i}</a></sup>"
            ));
        }
        html.push_str("</p>\n<section class=\"footnotes\"><ol>\n");
        for i in 0..n {
            html.push_str(&format!("<li id=\"fn-{i}\"><p>Note {i}.</p></li>\n"));
        }
        html.push_str("</ol></section>\n");
        let out = add(&html);
        assert_eq!(out.matches("class=\"sidenote\"").count(), n);
        assert!(out.contains("<span class=\"sidenote-n\">4999</span> Note 4999.</span>"));
    }

    #[test]
    fn content_without_notes_or_citations_is_unchanged() {
        let html = "<p>Plain <sup>2</sup> text.</p><!-- <sup class=\"footnote-ref\" -->";
        assert_eq!(add(html), html);
    }

    #[test]
    fn a_long_note_is_cut_at_a_word_never_inside_an_entity() {
        let long = format!("{} &amp;&amp; tail", "word ".repeat(95));
        let cut = shorten(&long);
        assert!(cut.len() <= LONGEST + "…".len(), "{}", cut.len());
        assert!(cut.ends_with('…'));
        let amp = format!("{}&amp;{}", "x".repeat(LONGEST - 3), " y".repeat(20));
        let cut = shorten(&amp);
        assert!(!cut.contains("&am…") && !cut.contains("&amp…"), "{cut}");
    }

    #[test]
    fn note_text_drops_tags_and_folds_space() {
        assert_eq!(
            text_of("<p>One\n <a href=\"x\">two</a></p><p>three</p>"),
            "One two three"
        );
    }
}
