//! The pages browsers asked for last: after a template edit, `serve` renders those first,
//! so the browsers showing them reload before the rest of the site is up to date.

use std::collections::VecDeque;

/// How many pages are remembered: about the tabs an author keeps open while writing.
const KEPT: usize = 8;

/// Output paths of the HTML pages served last, the most recent first, each once.
#[derive(Debug, Default)]
pub(super) struct Viewed(VecDeque<String>);

impl Viewed {
    /// Notes that the page at output path `path` was asked for.
    pub(super) fn saw(&mut self, path: &str) {
        if self.0.front().is_some_and(|p| p == path) {
            return;
        }
        if let Some(at) = self.0.iter().position(|p| p == path) {
            self.0.remove(at);
        }
        self.0.push_front(path.to_owned());
        self.0.truncate(KEPT);
    }

    /// The pages, the most recently asked for first.
    pub(super) fn recent(&self) -> Vec<String> {
        self.0.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_pages_once_each_newest_first() {
        let mut viewed = Viewed::default();
        for n in 0..12 {
            viewed.saw(&format!("p{n}/index.html"));
        }
        viewed.saw("p5/index.html");
        viewed.saw("p11/index.html");
        let recent = viewed.recent();
        assert_eq!(recent.len(), KEPT);
        assert_eq!(recent[0], "p11/index.html");
        assert_eq!(recent[1], "p5/index.html");
        assert_eq!(recent.iter().filter(|p| *p == "p11/index.html").count(), 1);
        assert!(!recent.contains(&"p0/index.html".to_owned()));
    }
}
