//! Converts every page's and section's Markdown to HTML (in parallel, once URLs are known), then
//! checks links to headings now that every document's heading ids exist.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics, closest};
use crate::model::link_targets::{LinkTargets, convert};
use crate::model::site::{Html, PageId, Site};
use crate::packed::Packed;
use crate::parse::highlight::Highlighter;
use crate::parse::markdown::{AnchorRef, Calls, Converted, Doc};
use crate::parse::shortcodes;
use crate::parse::wikilinks::WikiIndex;
use crate::stored::StoredText;

/// What rendering one document's Markdown needs to know about the rest of the site: URLs
/// for links, titles for wikilinks, which documents are drafts or not rendered. Made once
/// per full build; `serve` keeps it to re-render one edited page.
pub(crate) struct Links {
    urls: std::collections::HashMap<String, String>,
    paths: std::collections::HashMap<String, String>,
    /// Made when a wikilink first asks for it (see `link_targets::Wiki`).
    wiki: std::sync::OnceLock<WikiIndex>,
    unrendered: std::collections::HashSet<String>,
    /// Whether each section's documents get heading anchor links (Zola lets a section set it).
    section_anchors: Vec<crate::config::AnchorLinks>,
    /// `base_url`'s scheme and host, for absolute links to the site itself.
    origin: String,
    /// Lower-cased content path → the content path, or `None` when two fold alike.
    folded: HashMap<String, Option<String>>,
    /// Where charts read their data: the site folder.
    charts: crate::charts::Files,
}

impl Links {
    /// For `site`, whose folder is `root`.
    pub(crate) fn new(site: &Site, root: &std::path::Path) -> Links {
        let urls = site.url_map();
        let mut folded: HashMap<String, Option<String>> = HashMap::new();
        for path in urls.keys() {
            folded
                .entry(path.to_lowercase())
                .and_modify(|found| *found = None)
                .or_insert_with(|| Some(path.clone()));
        }
        let paths = urls
            .iter()
            .map(|(content, url)| (url.clone(), content.clone()))
            .collect();
        let unrendered = site
            .pages
            .iter()
            .filter(|p| !p.has_output())
            .map(|p| p.file.content_path.clone())
            .chain(
                site.sections
                    .iter()
                    .filter(|s| !s.has_output())
                    .map(|s| s.file.content_path.clone()),
            )
            .collect();
        let default_anchors = site.config.markdown.insert_anchor_links;
        let section_anchors = site
            .sections
            .iter()
            .map(|s| s.meta.insert_anchor_links.unwrap_or(default_anchors))
            .collect();
        Links {
            urls,
            paths,
            wiki: std::sync::OnceLock::new(),
            unrendered,
            section_anchors,
            origin: crate::config::origin_of(&site.config.base_url),
            folded,
            charts: crate::charts::Files::new(root),
        }
    }

    /// A fingerprint of what a document's Markdown output depends on besides its source
    /// and what it asks of the rest of the site: if it is unchanged, a document with the
    /// same file, whose questions get the same answers (the URLs of the pages it links
    /// to, say: see `Questions`), converts to the same output. Which documents exist, and
    /// their addresses, are left out: a page added or deleted changes only the answers
    /// of the documents that link to it.
    pub(crate) fn fingerprint(&self, site: &Site) -> u64 {
        let mut h = DefaultHasher::new();
        self.section_anchors.hash(&mut h);
        format!("{:?}", site.config.markdown).hash(&mut h);
        site.config.link_severity.hash(&mut h);
        site.config.relative_link_severity.hash(&mut h);
        site.sources.as_ref().map(|s| s.fingerprint).hash(&mut h);
        // The labels the pass writes ("Link to this section") are each language's words.
        for l in &site.config.languages {
            (&l.code, &l.translations).hash(&mut h);
        }
        h.finish()
    }

    /// Lets go of the wikilink index after `serve` changed a title (wikilinks find pages
    /// by title): the next wikilink makes it again from the site as it is then.
    pub(crate) fn retitle(&mut self) {
        self.wiki = std::sync::OnceLock::new();
    }

    fn env<'a>(&'a self, site: &'a Site, highlighter: &'a Highlighter, calls: Calls<'a>) -> LinkTargets<'a> {
        LinkTargets {
            config: &site.config.markdown,
            highlighter,
            urls: &self.urls,
            broken: &site.broken,
            drafts: &site.drafts,
            wiki: crate::model::link_targets::Wiki::Lazy {
                index: &self.wiki,
                site,
            },
            paths: &self.paths,
            unrendered: &self.unrendered,
            sources: site.sources.as_deref(),
            bibliography_failed: site.sources.is_none() && site.config.sources.bibliography.is_some(),
            severity: site.config.link_severity,
            relative_severity: site.config.relative_link_severity,
            folded: &self.folded,
            calls,
            origin: &self.origin,
            base_path: &site.config.base_path,
            charts: &self.charts,
        }
    }
}

/// Converted Markdown from an earlier build, reused for a document whose file and whose
/// link targets are unchanged: lent by `serve`'s last model (after an edit to another
/// page's front matter, say), or given by the build cache (`Reuse::kept`).
pub(crate) struct Reuse<'a> {
    env: u64,
    /// Content path → the document's rendered Markdown (its HTML aside) and its HTML.
    docs: HashMap<Cow<'a, str>, Offered<'a>>,
    /// Content path → the file's text, for files known to be unchanged.
    texts: HashMap<&'a str, &'a str>,
}

/// A document's earlier output: lent (by `serve`'s last model, which stays whole until
/// the new one is built) or given (by the build cache, which needs it no longer), so that
/// it is moved into the new model rather than copied; taken at most once.
enum Offered<'a> {
    Lent(&'a Converted, &'a str),
    /// Boxed: a `Converted` is some hundred bytes, a lent one two pointers.
    Given(std::sync::Mutex<Option<Box<(Converted, StoredText)>>>),
}

impl Offered<'_> {
    /// The output, if made from a source with the key `key` (and given not yet taken),
    /// with its HTML: in `content`, or left where the build cache stores it when
    /// `html_stored` (a page's, which render reads if an output shows it). A document
    /// whose stored HTML cannot be read is not offered.
    fn take(&self, key: Option<u64>, html_stored: bool) -> Option<(Converted, Option<StoredText>)> {
        key?;
        match self {
            Offered::Lent(old, content) => (old.reuse_key == key).then(|| {
                let mut again = (*old).clone();
                again.content = (*content).to_owned();
                (again, None)
            }),
            Offered::Given(slot) => {
                let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
                if slot.as_ref().is_none_or(|given| given.0.reuse_key != key) {
                    return None;
                }
                let (mut old, stored) = *slot.take()?;
                if html_stored {
                    return Some((old, Some(stored)));
                }
                old.content = stored.read().ok()?;
                Some((old, None))
            }
        }
    }
}

impl<'a> Reuse<'a> {
    /// `env` is the earlier build's [`Links::fingerprint`]; `content` a page's HTML (which
    /// rendering moved out of the model), if it was kept: a page without is converted.
    pub(crate) fn new(site: &'a Site, env: u64, content: impl Fn(PageId) -> Option<&'a str>) -> Reuse<'a> {
        let pages = site
            .pages
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((&p.file.content_path, (&p.converted, content(PageId(i))?))));
        let sections = site
            .sections
            .iter()
            .map(|s| (&s.file.content_path, (&s.converted, s.converted.content.as_str())));
        let docs = pages
            .chain(sections)
            .filter(|(_, (r, _))| r.reuse_key.is_some())
            .map(|(path, (converted, html))| (Cow::Borrowed(path.as_str()), Offered::Lent(converted, html)))
            .collect();
        Reuse {
            env,
            docs,
            texts: HashMap::new(),
        }
    }

    /// Converted Markdown kept by the build cache (`cache::markdown`): each document's
    /// content path, its output and where its HTML is stored, made with link targets
    /// whose [`Links::fingerprint`] is `env`. The cache is data from outside the build,
    /// which names no file to read: a document with data files (never kept) is left out.
    pub(crate) fn kept(env: u64, docs: Vec<(String, Converted, StoredText)>) -> Reuse<'static> {
        Reuse {
            env,
            docs: docs
                .into_iter()
                .filter(|(_, converted, _)| converted.reuse_key.is_some() && converted.data_files.is_empty())
                .map(|(path, converted, html)| {
                    let offered = Offered::Given(std::sync::Mutex::new(Some(Box::new((converted, html)))));
                    (Cow::Owned(path), offered)
                })
                .collect(),
            texts: HashMap::new(),
        }
    }

    /// Whether the output of the document at `content_path` is offered.
    #[cfg(test)]
    pub(crate) fn offers(&self, content_path: &str) -> bool {
        self.docs.contains_key(content_path)
    }

    /// Files whose text need not be read again: `unchanged` from `sources` (see
    /// [`drop_bodies`]).
    pub(crate) fn with_texts(
        mut self,
        sources: &'a HashMap<String, String>,
        unchanged: impl Fn(&str) -> bool,
    ) -> Self {
        self.texts = sources
            .iter()
            .filter(|(path, _)| unchanged(path))
            .map(|(path, text)| (path.as_str(), text.as_str()))
            .collect();
        self
    }

    /// The text of an unchanged file.
    pub(crate) fn text(&self, content_path: &str) -> Option<&'a str> {
        self.texts.get(content_path).copied()
    }
}

/// What a document's Markdown output depends on besides the rest of the site.
fn source_key(doc: &Doc) -> u64 {
    // Over every document's Markdown: XXH3 hashes it several times faster than SipHash.
    let mut h = crate::digest::fingerprinter();
    (
        doc.display_path,
        doc.content_path,
        doc.permalink,
        doc.url_path,
        doc.anchors,
    )
        .hash(&mut h);
    // The file's text by its one-shot hash: a streaming hasher copies it on the way.
    crate::digest::feed_long(&mut h, doc.text);
    h.finish()
}

/// What the Markdown stage does with each page's HTML.
#[derive(Clone, Copy)]
pub(crate) enum HtmlHeld<'a> {
    /// Kept as made, and keyed so that a later build takes it (`serve`, the build cache).
    Remembered,
    /// Kept out of the way until rendering: as it is in the spill file, if given, else
    /// packed in memory (see `packed`).
    Packed(Option<&'a std::sync::Arc<crate::spill::Spill>>),
}

/// Converts every page's and section's Markdown to HTML, reusing `reuse`'s output for documents
/// whose source is unchanged when what links resolve against is too; with
/// [`HtmlHeld::Remembered`], each output is keyed so a later build can reuse it. Returns the
/// diagnostics and how many documents were converted (not reused). Shortcode calls or
/// templated bodies are rendered by `calls`; a document that may hold one is never
/// reused, since its output depends on the templates too.
pub(crate) fn convert_markdown(
    site: &mut Site,
    highlighter: &Highlighter,
    links: &Links,
    calls: Calls,
    reuse: Option<&Reuse>,
    held: HtmlHeld<'_>,
) -> (Diagnostics, usize, crate::model::site::PageHtml) {
    let (remember, spill) = match held {
        HtmlHeld::Remembered => (true, None),
        HtmlHeld::Packed(spill) => (false, spill),
    };
    // A build that keeps nothing for the next lets each page's body go once it is
    // converted, as `drop_bodies` would after the stage: the files' text and the HTML made
    // from it were both held at the stage's end, its peak (57 MB of text at 10,000 pages).
    // Meanwhile the pages' `file.text` is empty: converting a page reads only its own
    // source (shortcodes' page values were made before the stage).
    let bodies: Vec<Option<String>> = site
        .pages
        .iter_mut()
        .map(|p| (!remember).then(|| std::mem::take(&mut p.file.text)))
        .collect();
    let env = links.env(site, highlighter, calls);
    let reuse = reuse.filter(|r| r.env == links.fingerprint(site));
    let parsed = std::sync::atomic::AtomicUsize::new(0);
    // A page's HTML the build cache stores is read only if an output shows it; a
    // section's now (there are few, and their values hold it).
    let convert_doc = |doc: Doc, html_stored: bool| -> (Converted, Option<StoredText>) {
        // A cold build reuses nothing and keeps nothing: hashing every file is for serve.
        let key = (remember || reuse.is_some())
            .then(|| source_key(&doc))
            .filter(|_| !shortcodes::may_hold(doc.body));
        // Made from the same source with the same answers from the rest of the site.
        if let Some(again) = reuse
            .and_then(|r| r.docs.get(doc.content_path))
            .and_then(|offered| offered.take(key, html_stored))
            .filter(|(again, _)| again.questions.answered_alike(&env))
        {
            return again;
        }
        parsed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut converted = convert(&doc, &env);
        // Warnings are reported by each build; wikilinks name other pages by title,
        // which the fingerprint of the link targets leaves out; a chart's output depends
        // on its data file, which the key leaves out.
        if remember
            && converted.diagnostics.is_empty()
            && !doc.body.contains("[[")
            && converted.data_files.is_empty()
        {
            converted.reuse_key = key;
        }
        (converted, None)
    };
    let page_results: Vec<(Converted, Option<Html>, Option<String>)> = site
        .pages
        .par_iter()
        .zip(bodies)
        .enumerate()
        .map(|(i, (p, own))| {
            let text = own.as_deref().unwrap_or(&p.file.text);
            let (mut converted, stored) =
                convert_doc(page_doc(site, links, PageId(i), text, p.body_offset), true);
            // Only the front matter stays, for messages that point into it.
            let front = own.map(|mut text| {
                text.truncate(p.body_offset);
                text.shrink_to_fit();
                text
            });
            // A build that keeps nothing for the next sets each page's HTML aside (in a
            // file, or packed in memory) as it is made, and takes it back for the outputs
            // that show it (see `packed`).
            let html = match stored {
                Some(stored) => Some(Html::Stored(stored)),
                None if !remember => Packed::new(&converted.content, spill).map(|packed| {
                    converted.content = String::new();
                    Html::Packed(packed)
                }),
                None => None,
            };
            (converted, html, front)
        })
        .collect();
    let section_results: Vec<Converted> = site
        .sections
        .par_iter()
        .enumerate()
        .map(|(i, s)| {
            convert_doc(
                Doc {
                    display_path: &s.file.display_path,
                    text: &s.file.text,
                    body: &s.file.text[s.body_offset..],
                    body_offset: s.body_offset,
                    content_path: &s.file.content_path,
                    permalink: &s.permalink,
                    url_path: &s.path,
                    anchors: links.section_anchors[i],
                    words: crate::words::Lookup::of(&site.config, &s.lang),
                },
                false,
            )
            .0
        })
        .collect();

    let mut diags = Diagnostics::new();
    let mut html = Vec::with_capacity(page_results.len());
    for (page, (mut r, apart, front)) in site.pages.iter_mut().zip(page_results) {
        diags.extend(std::mem::take(&mut r.diagnostics));
        if let Some(front) = front {
            page.file.text = front;
        }
        // The HTML (unless packed or stored already) is moved, not copied: the model
        // keeps the rest.
        html.push(match apart {
            Some(html) => html,
            None => Html::Made(std::mem::take(&mut r.content)),
        });
        page.converted = r;
    }
    for (section, mut r) in site.sections.iter_mut().zip(section_results) {
        diags.extend(std::mem::take(&mut r.diagnostics));
        section.converted = r;
    }
    let all = site
        .pages
        .iter()
        .flat_map(|p| &p.converted.anchor_refs)
        .chain(site.sections.iter().flat_map(|s| &s.converted.anchor_refs));
    diags.extend(check_anchors(|path| site.heading_ids(path), all, &site.config));
    // The pages' HTML goes back beside the model, not in it (see `PageHtml`).
    (
        diags,
        parsed.into_inner(),
        crate::model::site::PageHtml::new(html),
    )
}

/// Converts one page's Markdown from the file's new `text`, whose body starts at
/// `body_offset`, with its links to headings checked, for `serve` after an edit.
/// Shortcodes and templates are not rendered: a body that may hold one takes a full build
/// (see [`shortcodes::may_hold`]).
pub(crate) fn convert_page(
    site: &Site,
    links: &Links,
    highlighter: &Highlighter,
    id: crate::model::site::PageId,
    text: &str,
    body_offset: usize,
) -> Converted {
    let p = site.page(id);
    let doc = page_doc(site, links, id, text, body_offset);
    let mut converted = convert(&doc, &links.env(site, highlighter, Calls::Text));
    // Links within the page go to its new headings.
    let own = &p.file.content_path;
    let anchor_diags = check_anchors(
        |path| {
            if path == own {
                Some(converted.heading_ids.as_slice())
            } else {
                site.heading_ids(path)
            }
        },
        converted.anchor_refs.iter(),
        &site.config,
    );
    converted.diagnostics.extend(anchor_diags);
    converted
}

/// Keys `converted` (page `id`'s Markdown converted from `text` by [`convert_page`]) as
/// `convert_markdown` keys what it remembers, so that the next model build takes it
/// rather than converting the file again. Only for a page whose template value is given
/// the same HTML: the build takes the HTML from there.
pub(crate) fn remember(
    site: &Site,
    links: &Links,
    id: crate::model::site::PageId,
    text: &str,
    body_offset: usize,
    converted: &mut Converted,
) {
    let doc = page_doc(site, links, id, text, body_offset);
    if converted.diagnostics.is_empty()
        && !doc.body.contains("[[")
        && converted.data_files.is_empty()
        && !shortcodes::may_hold(doc.body)
    {
        converted.reuse_key = Some(source_key(&doc));
    }
}

fn page_doc<'a>(
    site: &'a Site,
    links: &Links,
    id: crate::model::site::PageId,
    text: &'a str,
    body_offset: usize,
) -> Doc<'a> {
    let p = site.page(id);
    Doc {
        display_path: &p.file.display_path,
        text,
        body: &text[body_offset..],
        body_offset,
        content_path: &p.file.content_path,
        permalink: &p.permalink,
        url_path: &p.path,
        anchors: links.section_anchors[p.section.0],
        words: crate::words::Lookup::of(&site.config, &p.lang),
    }
}

/// Whether every link from another document to a heading of page `id` still finds one of
/// `heading_ids` (the page's headings after an edit).
pub(crate) fn anchors_into_hold(site: &Site, id: crate::model::site::PageId, heading_ids: &[String]) -> bool {
    let target = &site.page(id).file.content_path;
    site.pages
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != id.0)
        .flat_map(|(_, p)| &p.converted.anchor_refs)
        .chain(site.sections.iter().flat_map(|s| &s.converted.anchor_refs))
        .filter(|r| &r.target == target)
        .all(|r| heading_ids.contains(&r.anchor))
}

/// Once converted, a document's Markdown body is no longer needed in the model; only its
/// front matter is kept, for messages that point at a front matter line. On a
/// 10,000-page site this is most of the raw text held in memory. With `keep`, the whole
/// files are returned by content path, for `serve` to build again without reading the
/// files that did not change.
pub(crate) fn drop_bodies(site: &mut Site, keep: bool) -> HashMap<String, String> {
    if !keep {
        // In parallel: every build does it for every document, and each copies its
        // front matter into a smaller allocation.
        let pages = site.pages.par_iter_mut().map(|p| (&mut p.file, p.body_offset));
        let sections = site.sections.par_iter_mut().map(|s| (&mut s.file, s.body_offset));
        pages.chain(sections).for_each(|(file, body_offset)| {
            file.text.truncate(body_offset);
            file.text.shrink_to_fit();
        });
        return HashMap::new();
    }
    let files = site
        .pages
        .iter_mut()
        .map(|p| (&mut p.file, p.body_offset))
        .chain(site.sections.iter_mut().map(|s| (&mut s.file, s.body_offset)));
    let mut kept = HashMap::new();
    for (file, body_offset) in files {
        let front = file.text[..body_offset].to_owned();
        kept.insert(
            file.content_path.clone(),
            std::mem::replace(&mut file.text, front),
        );
    }
    kept
}

/// Drops every document's plain text, which only the search index reads, once a build
/// that keeps nothing for the next has made the index from it.
pub(crate) fn drop_texts(site: &mut Site) {
    let pages = site.pages.par_iter_mut().map(|p| &mut p.converted.text);
    let sections = site.sections.par_iter_mut().map(|s| &mut s.converted.text);
    pages.chain(sections).for_each(|text| *text = String::new());
}

/// Diagnostics for links to headings that do not exist; `ids` gives a document's heading
/// ids by content path; `severity` is `[link_checker] internal_level`'s.
fn check_anchors<'a, 'b>(
    ids: impl Fn(&str) -> Option<&'b [String]>,
    refs: impl Iterator<Item = &'a AnchorRef>,
    config: &crate::config::Config,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in refs {
        let Some(ids) = ids(&r.target) else {
            continue;
        };
        if ids.iter().any(|id| id == &r.anchor) {
            continue;
        }
        let hint = match closest(&r.anchor, ids.iter().map(String::as_str)) {
            Some(c) => format!("did you mean `#{c}`?"),
            None if ids.is_empty() => format!("{} has no headings", r.target),
            None => format!(
                "its headings are: {}",
                ids.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ")
            ),
        };
        let severity = if r.relative {
            config.relative_link_severity
        } else {
            config.link_severity
        };
        out.push(
            Diagnostic::new(
                severity,
                format!("link to a missing heading `#{}` in {}", r.anchor, r.target),
            )
            .at(r.location.clone())
            .hint(hint),
        );
    }
    out
}
