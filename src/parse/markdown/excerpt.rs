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
        let before = &text[from..offset];
        start = [". ", "? ", "! ", "; "]
            .iter()
            .filter_map(|p| before.rfind(p).map(|i| from + i + p.len()))
            .max()
            .unwrap_or(from);
        if start == from && from > 0 {
            // No sentence start in reach: begin at a word a little before the link.
            let near = floor(text, offset.saturating_sub(SHORT / 2)).max(from);
            start = text[near..offset].find(' ').map_or(near, |i| near + i + 1);
            lead = "…";
        }
        let after = offset.max(start);
        let to = ceil(text, (after + REACH).min(text.len()));
        end = [". ", "? ", "! "]
            .iter()
            .filter_map(|p| text[after..to].find(p).map(|i| after + i + 1))
            .min()
            .unwrap_or(to);
    }
    let sentence: String = text[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
    if sentence.chars().nth(SHORT).is_none() {
        return format!("{lead}{sentence}");
    }
    let cut: String = sentence.chars().take(SHORT).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{lead}{cut}…")
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
