//! What the build cache compares of the site between two builds, to tell an edit that
//! changed only some pages' own output (their HTML, summary, table of contents, word
//! count, text) from any other. After such an edit, the outputs whose fingerprints can
//! have changed are those `serve` renders after a body edit
//! ([`Prepared::showing_pages`](super::Prepared::showing_pages)); every other output's
//! fingerprint is the last build's, and need not be made again (making them all was an
//! eighth of the CPU a cached build spent after a one-page edit at 10,000 pages).
//!
//! So [`Documents::rest`] counts everything an output can show but the pages' own
//! output: the templates and globals, the day, the plan, and every document's front
//! matter, place, links, headings, judgments, citations and connections, and the
//! sections' own output too (a section's text reaches the pages in it). It hashes what
//! the model made of the files, not the files, so a change in a file it does not name
//! still shows where it reaches the model. What reaches outputs from outside the model
//! (the configuration, the CSS, files the templates read) is checked by the cache itself.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::fingerprint::Memo;
use super::job::Job;
use super::{JobId, Prepared};
use crate::digest::{Fingerprinter, feed_serialized};
use crate::model::site::{Backlink, PageId, Site};
use crate::parse::markdown::Converted;

/// One build's [`Documents::rest`] and each page's own output's hash, by content path in
/// the model's order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Documents {
    pub rest: u64,
    pub own: Vec<(String, u64)>,
}

impl Documents {
    /// The pages (by their place in the model) whose own output is not what it was in
    /// `earlier`, when nothing else differs; `None` when anything else does (another page
    /// list, or any part of [`Documents::rest`]).
    pub(crate) fn changed_pages(&self, earlier: &Documents) -> Option<Vec<PageId>> {
        if self.rest != earlier.rest || self.own.len() != earlier.own.len() {
            return None;
        }
        let mut changed = Vec::new();
        for (i, ((path, own), (was_path, was))) in self.own.iter().zip(&earlier.own).enumerate() {
            if path != was_path {
                return None;
            }
            if own != was {
                changed.push(PageId(i));
            }
        }
        Some(changed)
    }
}

impl Prepared {
    /// This build's [`Documents`]; `None` when a page's HTML is not kept (only the build
    /// cache and `serve` keep it).
    pub(crate) fn documents(&self, site: &Site) -> Option<Documents> {
        let own: Vec<(String, u64)> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| {
                let page = &site.pages[i];
                let html = self.data.page_html.digest(PageId(i))?;
                let mut h = crate::digest::fingerprinter();
                feed_serialized(&mut h, &html)?;
                feed_own(&page.converted, &mut h)?;
                Some((page.file.content_path.clone(), h.finish()))
            })
            .collect::<Option<_>>()?;
        Some(Documents {
            rest: self.rest(site)?,
            own,
        })
    }

    /// The outputs whose fingerprints can differ from the last build's after an edit that
    /// changed only the own output of `pages` ([`Documents::changed_pages`]): those that
    /// show the pages' values, the search index's bundles with their text, and those
    /// written from bytes the model holds but [`Documents`] does not count (a chart's
    /// data), whose fingerprints cost little.
    pub(crate) fn reached_by(&self, site: &Site, pages: &[PageId]) -> Vec<JobId> {
        let mut jobs = self.showing_pages(site, pages, pages);
        jobs.extend(self.search_bundles(site, pages));
        jobs.extend(
            self.ids()
                .filter(|i| matches!(self.plan[i.0].job, Job::Bytes(_) | Job::Redirect { .. })),
        );
        jobs.sort_unstable();
        jobs.dedup();
        jobs
    }

    /// See [`Documents::rest`].
    fn rest(&self, site: &Site) -> Option<u64> {
        let memo = Memo::default();
        let mut h = crate::digest::fingerprinter();
        h.write_u64(self.seed(site, &memo));
        self.data.today.to_string().hash(&mut h);
        for parts in &self.data.languages {
            for (key, value) in &parts.0 {
                key.hash(&mut h);
                h.write_u64(memo.hash(value));
            }
        }
        for planned in &self.plan {
            (
                planned.path.as_str(),
                &planned.template,
                planned.reads_everything,
                planned.reads_section_count,
                planned.shows,
            )
                .hash(&mut h);
        }
        let pages: Vec<u64> = site
            .pages
            .par_iter()
            .map(|p| {
                let mut h = crate::digest::fingerprinter();
                (
                    &p.file.content_path,
                    front_matter(&p.file.text, p.body_offset),
                    &p.title,
                    p.date,
                )
                    .hash(&mut h);
                (&p.slug, &p.path, &p.permalink, p.section, &p.lang, &p.canonical).hash(&mut h);
                (
                    &p.assets,
                    &p.bundle_dir,
                    &*p.taxonomies,
                    p.lower,
                    p.higher,
                    &p.related,
                )
                    .hash(&mut h);
                hash_backlinks(&p.backlinks, &mut h);
                feed_rest(&p.converted, &mut h)?;
                Some(h.finish())
            })
            .collect::<Option<_>>()?;
        pages.hash(&mut h);
        for s in &site.sections {
            (
                &s.file.content_path,
                front_matter(&s.file.text, s.body_offset),
                &s.path,
                &s.permalink,
            )
                .hash(&mut h);
            (
                s.parent,
                &s.lang,
                &s.canonical,
                &s.subsections,
                &s.pages,
                &s.assets,
            )
                .hash(&mut h);
            hash_backlinks(&s.backlinks, &mut h);
            crate::digest::feed_long(&mut h, &s.converted.content);
            feed_own(&s.converted, &mut h)?;
            feed_rest(&s.converted, &mut h)?;
        }
        for taxonomy in &site.taxonomies {
            (&taxonomy.lang, &taxonomy.slug, &taxonomy.path).hash(&mut h);
            for term in &taxonomy.terms {
                (&term.name, &term.slug, &term.path, &term.permalink, &term.pages).hash(&mut h);
            }
        }
        site.sources.as_ref().map(|s| s.fingerprint).hash(&mut h);
        Some(h.finish())
    }
}

/// A document's front matter: its file's text up to its body (all that the model keeps
/// of the file once its Markdown is converted, in a build).
fn front_matter(text: &str, body_offset: usize) -> &str {
    text.get(..body_offset).unwrap_or(text)
}

fn hash_backlinks(list: &[Backlink], h: &mut Fingerprinter) {
    list.len().hash(h);
    for b in list {
        (b.source, b.kind, &b.excerpt, b.count).hash(h);
    }
}

/// A document's own output but its HTML: what only its own page, and the lists and
/// feeds showing it, show of it.
fn feed_own(converted: &Converted, h: &mut Fingerprinter) -> Option<()> {
    let Converted {
        summary,
        summary_marked,
        toc,
        word_count,
        text,
        ..
    } = converted;
    feed_serialized(h, &(summary, summary_marked, toc, word_count))?;
    crate::digest::feed_long(h, text);
    Some(())
}

/// Everything else of a document's Markdown output that the rest of the site can show or
/// depend on. Destructured whole, so that a field added to [`Converted`] is placed here
/// or in [`feed_own`] by whoever adds it.
fn feed_rest(converted: &Converted, h: &mut Fingerprinter) -> Option<()> {
    let Converted {
        // Own output (`feed_own`, and the HTML's digest).
        content: _,
        summary: _,
        summary_marked: _,
        toc: _,
        word_count: _,
        text: _,
        heading_ids,
        anchor_refs,
        local_refs,
        links,
        judgments,
        cited,
        citations,
        data_files,
        // Reported, not shown: a document with problems is converted by every build.
        diagnostics: _,
        // How the document was converted, not what it says.
        reuse_key: _,
        questions: _,
        reads_titles,
    } = converted;
    feed_serialized(
        h,
        &(
            heading_ids,
            anchor_refs,
            local_refs,
            links,
            judgments,
            cited,
            citations,
            data_files,
            reads_titles,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documents(rest: u64, own: &[(&str, u64)]) -> Documents {
        Documents {
            rest,
            own: own.iter().map(|(path, h)| ((*path).to_owned(), *h)).collect(),
        }
    }

    #[test]
    fn only_pages_whose_own_output_alone_changed_are_told_apart() {
        let before = documents(7, &[("a.md", 1), ("b.md", 2), ("c.md", 3)]);
        assert_eq!(before.changed_pages(&before), Some(vec![]));
        let edited = documents(7, &[("a.md", 1), ("b.md", 20), ("c.md", 30)]);
        assert_eq!(edited.changed_pages(&before), Some(vec![PageId(1), PageId(2)]));
        // Anything else changed: no page is told apart, every fingerprint is made.
        assert_eq!(
            documents(8, &[("a.md", 1), ("b.md", 2), ("c.md", 3)]).changed_pages(&before),
            None
        );
        assert_eq!(
            documents(7, &[("a.md", 1), ("b.md", 2)]).changed_pages(&before),
            None
        );
        assert_eq!(
            documents(7, &[("a.md", 1), ("c.md", 3), ("b.md", 2)]).changed_pages(&before),
            None
        );
    }
}
