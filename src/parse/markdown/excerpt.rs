//! Link excerpts: the sentence around a link in its block's text, for backlinks.

/// The sentence around `offset` in a block's text, or the whole block when it is short;
/// at most about 300 characters, whitespace collapsed. The sentence's ends are looked
/// for only so far from the link (`REACH`): a block is one paragraph, but a paragraph may
/// be a megabyte with a link every few words, and searching the whole block for each link
/// would cost its length per link. Without a sentence break in reach, the excerpt starts
/// a little before the link, marked with "…".
pub(super) fn excerpt_around(text: &str, offset: usize) -> String {
    const SHORT: usize = 300;
    const REACH: usize = 4 * SHORT;
    let offset = floor(text, offset.min(text.len()));
    let mut start = 0;
    let mut end = text.len();
    let mut lead = "";
    if text.chars().nth(SHORT).is_some() {
        let from = floor(text, offset.saturating_sub(REACH));
        start = sentence_start(&text.as_bytes()[from..offset]).map_or(from, |i| from + i);
        if start == from && from > 0 {
            // No sentence start in reach: begin at a word a little before the link.
            let near = floor(text, offset.saturating_sub(SHORT / 2)).max(from);
            start = text[near..offset].find(' ').map_or(near, |i| near + i + 1);
            lead = "…";
        }
        let after = offset.max(start);
        let to = ceil(text, (after + REACH).min(text.len()));
        end = sentence_end(&text.as_bytes()[after..to]).map_or(to, |i| after + i);
    }
    let sentence: String = text[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
    if sentence.chars().nth(SHORT).is_none() {
        return format!("{lead}{sentence}");
    }
    let cut: String = sentence.chars().take(SHORT).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{lead}{cut}…")
}

/// Just after the last ". ", "? ", "! " or "; " in `before`. One pass back from the link,
/// which stops at the nearest: searching for each mark in turn went through the whole
/// reach for every mark the text lacks, a fifth of a corpus's Markdown time. (The marks
/// are ASCII, which never occurs inside a longer UTF-8 character.)
fn sentence_start(before: &[u8]) -> Option<usize> {
    before
        .windows(2)
        .rposition(|w| matches!(w[0], b'.' | b'?' | b'!' | b';') && w[1] == b' ')
        .map(|i| i + 2)
}

/// Just after the first '.', '?' or '!' followed by a space in `after`.
fn sentence_end(after: &[u8]) -> Option<usize> {
    after
        .windows(2)
        .position(|w| matches!(w[0], b'.' | b'?' | b'!') && w[1] == b' ')
        .map(|i| i + 1)
}

fn ceil(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The sentence's ends as they were first found: each mark searched for in turn.
    fn ends_by_each_mark(before: &str, after: &str) -> (Option<usize>, Option<usize>) {
        let start = [". ", "? ", "! ", "; "]
            .iter()
            .filter_map(|p| before.rfind(p).map(|i| i + p.len()))
            .max();
        let end = [". ", "? ", "! "]
            .iter()
            .filter_map(|p| after.find(p).map(|i| i + 1))
            .min();
        (start, end)
    }

    proptest! {
        #![proptest_config(crate::parse::markdown::fixed_cases(4096))]

        /// Texts of marks, spaces and multi-byte characters, split anywhere.
        #[test]
        fn one_pass_finds_the_ends_each_mark_finds(
            pieces in prop::collection::vec(
                prop::sample::select(vec![". ", "? ", "! ", "; ", ".", "!", " ", "word", "é", "…", "\n", ";", "?"]),
                0..24,
            ),
            at in any::<prop::sample::Index>(),
        ) {
            let text = pieces.concat();
            let split = floor(&text, at.index(text.len() + 1));
            let (before, after) = text.split_at(split);
            prop_assert_eq!(
                (sentence_start(before.as_bytes()), sentence_end(after.as_bytes())),
                ends_by_each_mark(before, after)
            );
        }
    }

    #[test]
    fn the_excerpt_is_the_sentence_holding_the_link() {
        let filler = "Words that fill a paragraph out past the length of a short one. ".repeat(6);
        let text = format!("{filler}The link sits here; in this clause! Then more. {filler}");
        let offset = text.find("link").unwrap();
        assert_eq!(
            excerpt_around(&text, offset),
            "The link sits here; in this clause!"
        );
        // A semicolon starts a sentence's clause, and does not end one.
        let offset = text.find("clause").unwrap();
        assert_eq!(excerpt_around(&text, offset), "in this clause!");
        // No break in reach: a little before the link, marked.
        let long = format!("{} link {}", "word ".repeat(400), "word ".repeat(400));
        let excerpt = excerpt_around(&long, long.find("link").unwrap());
        assert!(excerpt.starts_with('…') && excerpt.contains("link"), "{excerpt}");
    }
}
