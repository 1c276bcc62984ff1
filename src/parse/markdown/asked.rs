//! What a document's Markdown asked of the rest of the site ([`Targets`]), kept with its
//! output with a digest of the answers. Asked again of a later build's targets, the same
//! answers mean the same output: a page added, deleted or renamed changes the answers of
//! only the documents that link to it, so the others' Markdown is not converted again.

use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::{Target, Targets};
use crate::diagnostic::Diagnostic;

/// One question (see [`Targets`] for each).
#[derive(Debug, Clone, PartialEq, Hash, Serialize, Deserialize)]
pub(crate) enum Asked {
    Internal {
        path: String,
        written: String,
        relative: bool,
    },
    CaseVariant(String),
    Wikilink(String),
    DocumentAt(String),
}

/// A document's questions, in the order asked, and the digest of their answers.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Questions {
    pub asked: Vec<Asked>,
    pub answers: u64,
    /// Whether a link or wikilink found no page (whatever its severity, even ignored).
    pub unfound: bool,
}

impl Questions {
    /// Whether `targets` answers every question as the targets the output was made with
    /// did.
    pub(crate) fn answered_alike(&self, targets: &dyn Targets) -> bool {
        let mut digest = crate::digest::fingerprinter();
        for asked in &self.asked {
            answer(targets, asked, &mut digest);
        }
        digest.finish() == self.answers
    }

    /// Whether a page at `path` (its URL path), added to the site, could answer one of
    /// these questions otherwise than the site did: a link that found no page, a link
    /// found only when case is ignored, any wikilink (a new title or file name can take
    /// one from the page it found), or a plain link to `path` itself.
    pub(crate) fn may_await(&self, path: &str) -> bool {
        self.unfound
            || self.asked.iter().any(|asked| match asked {
                Asked::Internal { .. } => false,
                Asked::CaseVariant(_) | Asked::Wikilink(_) => true,
                Asked::DocumentAt(url) => url == path,
            })
    }
}

/// `targets`, noting every question asked of it.
pub(crate) struct Asking<'a> {
    targets: &'a (dyn Targets + Sync),
    /// Behind a lock for `Sync`, which `Env` asks of its targets; one document is
    /// converted on one thread, so it is never contended.
    noted: Mutex<Noted>,
}

/// What [`Asking`] noted so far: the questions, the digest of their answers, and
/// whether a link found no page.
struct Noted {
    asked: Vec<Asked>,
    digest: crate::digest::Fingerprinter,
    unfound: bool,
}

impl<'a> Asking<'a> {
    pub(crate) fn new(targets: &'a (dyn Targets + Sync)) -> Asking<'a> {
        Asking {
            targets,
            noted: Mutex::new(Noted {
                asked: Vec::new(),
                digest: crate::digest::fingerprinter(),
                unfound: false,
            }),
        }
    }

    /// The questions asked, and the digest of the answers.
    pub(crate) fn into_questions(self) -> Questions {
        let noted = self.noted.into_inner().unwrap_or_else(|e| e.into_inner());
        Questions {
            asked: noted.asked,
            answers: noted.digest.finish(),
            unfound: noted.unfound,
        }
    }

    /// Notes a question, and its answer in the digest (`add`); `unfound` when it was a
    /// link that found no page.
    fn note(&self, asked: Asked, unfound: bool, add: impl FnOnce(&Asked, &mut crate::digest::Fingerprinter)) {
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        add(&asked, &mut noted.digest);
        noted.asked.push(asked);
        noted.unfound |= unfound;
    }
}

/// Asks `asked` of `targets` and adds the answer to `digest`.
fn answer(targets: &dyn Targets, asked: &Asked, digest: &mut impl Hasher) {
    match asked {
        Asked::Internal {
            path,
            written,
            relative,
        } => found(asked, &targets.internal(path, written, *relative), digest),
        Asked::CaseVariant(path) => (asked, targets.case_variant(path)).hash(digest),
        Asked::Wikilink(target) => found(asked, &targets.wikilink(target), digest),
        Asked::DocumentAt(url) => (asked, targets.document_at(url)).hash(digest),
    }
}

/// Adds a question and its answer, a target or a problem, to `digest`.
fn found<T: Found>(asked: &Asked, answer: &Result<T, Option<Diagnostic>>, digest: &mut impl Hasher) {
    asked.hash(digest);
    match answer {
        Ok(target) => {
            0u8.hash(digest);
            target.add(digest);
        }
        // A problem's words (its hint names the nearest page) are part of the output.
        Err(p) => (1u8, p.as_ref().map(|d| format!("{d:?}"))).hash(digest),
    }
}

/// What a link finds: a URL, or a wikilink's page.
trait Found {
    fn add(&self, digest: &mut impl Hasher);
}

impl Found for String {
    fn add(&self, digest: &mut impl Hasher) {
        self.hash(digest);
    }
}

impl Found for Target {
    fn add(&self, digest: &mut impl Hasher) {
        (&self.path, &self.url, &self.title).hash(digest);
    }
}

impl Targets for Asking<'_> {
    fn internal(&self, path: &str, written: &str, relative: bool) -> Result<String, Option<Diagnostic>> {
        let answer = self.targets.internal(path, written, relative);
        self.note(
            Asked::Internal {
                path: path.to_owned(),
                written: written.to_owned(),
                relative,
            },
            answer.is_err(),
            |asked, digest| found(asked, &answer, digest),
        );
        answer
    }

    fn case_variant(&self, path: &str) -> Option<String> {
        let answer = self.targets.case_variant(path);
        self.note(Asked::CaseVariant(path.to_owned()), false, |asked, digest| {
            (asked, &answer).hash(digest)
        });
        answer
    }

    fn wikilink(&self, target: &str) -> Result<Target, Option<Diagnostic>> {
        let answer = self.targets.wikilink(target);
        self.note(
            Asked::Wikilink(target.to_owned()),
            answer.is_err(),
            |asked, digest| found(asked, &answer, digest),
        );
        answer
    }

    fn document_at(&self, url: &str) -> Option<&str> {
        let answer = self.targets.document_at(url);
        self.note(Asked::DocumentAt(url.to_owned()), false, |asked, digest| {
            (asked, answer).hash(digest)
        });
        answer
    }

    fn own_path<'u>(&self, url: &'u str) -> Option<&'u str> {
        // Answered from `base_url` alone, which the link targets' fingerprint covers.
        self.targets.own_path(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site with one page, `economy/energy.md` at `/economy/energy/`, and no wikilinks.
    struct OnePage;

    impl Targets for OnePage {
        fn internal(&self, path: &str, _: &str, _: bool) -> Result<String, Option<Diagnostic>> {
            match path {
                "economy/energy.md" => Ok("/economy/energy/".to_owned()),
                _ => Err(None),
            }
        }
        fn case_variant(&self, _: &str) -> Option<String> {
            None
        }
        fn wikilink(&self, _: &str) -> Result<Target, Option<Diagnostic>> {
            Err(None)
        }
        fn document_at(&self, url: &str) -> Option<&str> {
            (url == "/economy/energy/").then_some("economy/energy.md")
        }
        fn own_path<'u>(&self, _: &'u str) -> Option<&'u str> {
            None
        }
    }

    fn questions(ask: impl FnOnce(&Asking<'_>)) -> Questions {
        let asking = Asking::new(&OnePage);
        ask(&asking);
        asking.into_questions()
    }

    #[test]
    fn only_a_link_a_new_page_could_answer_awaits_it() {
        let found = questions(|t| {
            t.internal("economy/energy.md", "@/economy/energy.md", false).ok();
            t.document_at("/economy/energy/");
            t.document_at("/tags/oil/");
        });
        assert!(!found.unfound);
        assert!(!found.may_await("/economy/ports/"));
        assert!(found.answered_alike(&OnePage));

        // A link that found nothing, even with no problem to report.
        let missing = questions(|t| {
            t.internal("economy/ports.md", "ports.md", true).ok();
        });
        assert!(missing.unfound);
        assert!(missing.may_await("/economy/anything/"));

        // A plain link to the new page's address, and a wikilink, found or not.
        let plain = questions(|t| {
            t.document_at("/economy/ports/");
        });
        assert!(plain.may_await("/economy/ports/"));
        assert!(!plain.may_await("/economy/canals/"));
        let wiki = questions(|t| {
            t.wikilink("Ports").ok();
        });
        assert!(wiki.may_await("/economy/canals/"));
    }
}
