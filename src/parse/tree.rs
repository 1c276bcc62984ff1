//! pulldown-cmark's events as a tree: where a block that starts at one event ends. Shared
//! by the Markdown pass and the parts it hands blocks to (judgments).

use std::ops::Range;

use pulldown_cmark::Event;

/// Index of the `End` event that closes the `Start` at `start`.
pub(crate) fn find_end(events: &[(Event, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}
