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
}

/// `targets`, noting every question asked of it.
pub(crate) struct Asking<'a> {
    targets: &'a (dyn Targets + Sync),
    /// Behind a lock for `Sync`, which `Env` asks of its targets; one document is
    /// converted on one thread, so it is never contended.
    noted: Mutex<(Vec<Asked>, crate::digest::Fingerprinter)>,
}

impl<'a> Asking<'a> {
    pub(crate) fn new(targets: &'a (dyn Targets + Sync)) -> Asking<'a> {
        Asking {
            targets,
            noted: Mutex::new((Vec::new(), crate::digest::fingerprinter())),
        }
    }

    /// The questions asked, and the digest of the answers.
    pub(crate) fn into_questions(self) -> Questions {
        let (asked, digest) = self.noted.into_inner().unwrap_or_else(|e| e.into_inner());
        Questions {
            asked,
            answers: digest.finish(),
        }
    }

    /// Notes a question, and its answer in the digest (`add`).
    fn note(&self, asked: Asked, add: impl FnOnce(&Asked, &mut crate::digest::Fingerprinter)) {
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        let (list, digest) = &mut *noted;
        add(&asked, digest);
        list.push(asked);
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
            |asked, digest| found(asked, &answer, digest),
        );
        answer
    }

    fn case_variant(&self, path: &str) -> Option<String> {
        let answer = self.targets.case_variant(path);
        self.note(Asked::CaseVariant(path.to_owned()), |asked, digest| {
            (asked, &answer).hash(digest)
        });
        answer
    }

    fn wikilink(&self, target: &str) -> Result<Target, Option<Diagnostic>> {
        let answer = self.targets.wikilink(target);
        self.note(Asked::Wikilink(target.to_owned()), |asked, digest| {
            found(asked, &answer, digest)
        });
        answer
    }

    fn document_at(&self, url: &str) -> Option<&str> {
        let answer = self.targets.document_at(url);
        self.note(Asked::DocumentAt(url.to_owned()), |asked, digest| {
            (asked, answer).hash(digest)
        });
        answer
    }

    fn own_path<'u>(&self, url: &'u str) -> Option<&'u str> {
        // Answered from `base_url` alone, which the link targets' fingerprint covers.
        self.targets.own_path(url)
    }
}
