//! The build cache's converted Markdown (`markdown/`): each document's Markdown output
//! from the last build, so that a build converts again only the documents whose source,
//! or what their links resolve against, changed. It is taken as `serve` takes the last
//! build's ([`Reuse`]): a document's output is used only when the key of its source and
//! the fingerprint of the link targets are those it was made with, which
//! `model::content::convert_markdown` checks.
//!
//! The documents are spread over [`SHARDS`] files by their content path, so that a build
//! after a one-page edit rewrites one file of the folder, not all of it (148 MB at 10,000
//! pages). Each file is a header (the format, dossier's version, the build's [`key`], the
//! link targets' fingerprint and the length of the records after it), then a record per
//! document (its content path, its output, and where in the file its HTML is, with the
//! HTML's CRC-32 and what a fingerprint counts of it), each the postcard encoding with
//! its length and CRC-32 before it, and then the documents' HTML. Loading checks every
//! HTML's CRC-32 but keeps only where it is ([`StoredText`]): a build shows few pages'
//! HTML of those it takes, and reads just those again. Files are read one after another
//! on a thread of their own while the site's files are read (`build`), with the thread
//! pool's help for those left when the build needs them ([`Reading`]), and written in
//! parallel. A file whose header is damaged or not for this build (another version of
//! dossier, configuration or command line) is not used; a document whose record or HTML
//! is damaged is skipped, and converted. Documents with problems to report, wikilinks,
//! charts or shortcodes are never stored (see `Converted::reuse_key`), so a warning is
//! reported by every build.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::digest::Long;
use crate::model::content::Reuse;
use crate::model::site::{HtmlRef, PageId, Site};
use crate::parse::markdown::Converted;
use crate::stored::StoredText;

use super::record::{first, record, records};

const DIR: &str = "markdown";
/// The single file format 1 kept, removed by a save.
const OLD_FILE: &str = "markdown.bin";
/// Changed whenever what the files mean changes.
const FORMAT: u32 = 5;
/// How many files the documents are spread over: about 40 documents (600 KB) each at
/// 10,000 pages, 400 at 100,000.
const SHARDS: usize = 256;

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Header {
    format: u32,
    dossier: String,
    key: u64,
    links: u64,
    /// The length of the documents' records, which the HTML follows.
    records: u64,
}

impl Header {
    /// This version's header for a build with `key`, link targets `links`, and records
    /// `records` bytes long.
    fn new(key: u64, links: u64, records: u64) -> Header {
        Header {
            format: FORMAT,
            dossier: env!("CARGO_PKG_VERSION").to_owned(),
            key,
            links,
            records,
        }
    }
}

/// Where a document's HTML is among the file's, and what its bytes must be.
#[derive(Serialize, Deserialize, Debug)]
struct HtmlAt {
    /// From the start of the HTML, after the records.
    at: u64,
    len: u32,
    crc32: u32,
    digest: Long,
}

/// Each document as stored: its content path, its output and where its HTML is.
type Record = (String, Converted, HtmlAt);

/// Each document as found: its content path, its output and its HTML.
type Doc = (String, Converted, StoredText);

/// The documents a file holds, each by its content path and source key, in order: if a
/// build would store the same, with the same link targets, the file is left as it is.
type Listing = Vec<(String, Option<u64>)>;

/// The converted Markdown of the last build, as found in the cache.
pub(crate) struct Kept {
    links: u64,
    docs: Vec<Doc>,
    shards: Shards,
}

/// What each file held, when it was whole and for this build, made with link targets
/// whose fingerprint is `links`.
pub(crate) struct Shards {
    links: u64,
    listings: Vec<Option<Listing>>,
}

impl Kept {
    /// The documents, given to the build's Markdown stage (which moves those it uses
    /// into the model), and what the files held, for [`save`].
    pub(crate) fn into_reuse(self) -> (Reuse<'static>, Shards) {
        (Reuse::kept(self.links, self.docs), self.shards)
    }
}

/// What every document's Markdown output depends on besides its own source and the link
/// targets: dossier's version, the configuration file's text and the command line's
/// settings (`--base-url`, `--drafts`).
pub(crate) fn key(root: &Path, base_url: Option<&str>, drafts: bool) -> u64 {
    let mut h = DefaultHasher::new();
    // Documents' keys are made with the standard library's hasher, whose algorithm may
    // change between Rust releases: a known text's hash tells builds apart.
    let mut probe = DefaultHasher::new();
    "dossier markdown cache".hash(&mut probe);
    probe.finish().hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    for name in ["zola.toml", "config.toml"] {
        std::fs::read(root.join(name)).ok().hash(&mut h);
    }
    (base_url, drafts).hash(&mut h);
    h.finish()
}

/// The file a document is kept in: by a hash of its content path that no Rust release
/// changes.
fn shard_of(content_path: &str) -> usize {
    crc32fast::hash(content_path.as_bytes()) as usize % SHARDS
}

fn shard_file(dir: &Path, shard: usize) -> PathBuf {
    dir.join(DIR).join(format!("{shard:02x}.bin"))
}

/// One file's link fingerprint and documents, if its header is whole and for a build
/// whose [`key`] is `key`; `bytes` is where the file is read (one buffer for many, so
/// that its memory is not made anew for each). A document whose record or HTML is
/// damaged is left out, and so is one that belongs in another file: the file then
/// differs from what a build stores, which writes it again.
fn read_shard(dir: &Path, shard: usize, key: u64, bytes: &mut Vec<u8>) -> Option<(u64, Vec<Doc>)> {
    let file: Arc<Path> = shard_file(dir, shard).into();
    bytes.clear();
    std::fs::File::open(&file).ok()?.read_to_end(bytes).ok()?;
    let (head, rest) = first(bytes)?;
    let header: Header = postcard::from_bytes(head?).ok()?;
    if header != Header::new(key, header.links, header.records) {
        return None;
    }
    let (docs, html) = rest.split_at_checked(usize::try_from(header.records).ok()?)?;
    let html_start = (bytes.len() - html.len()) as u64;
    let docs = records(docs)
        .into_iter()
        .filter_map(|body| postcard::from_bytes::<Record>(body?).ok())
        .filter(|(path, _, _)| shard_of(path) == shard)
        .filter_map(|(path, converted, at)| {
            let start = usize::try_from(at.at).ok()?;
            let stored = html.get(start..start.checked_add(at.len as usize)?)?;
            (crc32fast::hash(stored) == at.crc32).then(|| {
                let text = StoredText::new(file.clone(), html_start + at.at, at.len, at.crc32, at.digest);
                (path, converted, text)
            })
        })
        .collect();
    Some((header.links, docs))
}

/// The converted Markdown kept in the cache folder `dir` for a build whose [`key`] is
/// `key`, if there is any and it is for this build, read on the calling thread.
#[cfg(test)]
pub(crate) fn load(dir: &Path, key: u64) -> Option<Kept> {
    Reading::new(dir, key).finish()
}

/// One file's link fingerprint and documents, or `None` if it was not whole or not for
/// this build.
type ShardRead = Option<(u64, Vec<Doc>)>;

/// The cache's files being read: by a thread started for them while the site's files are
/// read (`build`), and, when the build needs them before that thread has claimed them
/// all, by the thread pool too ([`Reading::help`]). Each file is claimed by one reader.
/// On one thread beside the site's reading, on 2 cores, 150 MB at 10,000 pages and 1.5 GB
/// at 100,000 are claimed before they are needed; where the pool has more threads, and
/// reads the site sooner, it helps.
pub(crate) struct Reading {
    dir: PathBuf,
    key: u64,
    /// The next file to claim.
    next: AtomicUsize,
    /// Each file's [`ShardRead`] once read, and how many are.
    done: Mutex<(Vec<Option<ShardRead>>, usize)>,
    all_done: Condvar,
}

impl Reading {
    pub(crate) fn new(dir: &Path, key: u64) -> Reading {
        Reading {
            dir: dir.to_owned(),
            key,
            next: AtomicUsize::new(0),
            done: Mutex::new(((0..SHARDS).map(|_| None).collect(), 0)),
            all_done: Condvar::new(),
        }
    }

    /// Reads files until none is left unclaimed.
    fn read_unclaimed(&self) {
        let mut bytes = Vec::new();
        loop {
            let shard = self.next.fetch_add(1, Ordering::Relaxed);
            if shard >= SHARDS {
                return;
            }
            // A file whose read panicked is one not to use, as a damaged one is: the
            // others still wait for it to be done.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                read_shard(&self.dir, shard, self.key, &mut bytes)
            }))
            .unwrap_or(None);
            let mut done = self.done.lock().unwrap_or_else(PoisonError::into_inner);
            done.0[shard] = Some(read);
            done.1 += 1;
            if done.1 == SHARDS {
                self.all_done.notify_all();
            }
        }
    }

    /// Reads the files left unclaimed on every thread of the pool.
    pub(crate) fn help(&self) {
        rayon::broadcast(|_| self.read_unclaimed());
    }

    /// Reads the files left unclaimed, waits for those others are reading, and gives what
    /// they hold.
    pub(crate) fn finish(&self) -> Option<Kept> {
        self.read_unclaimed();
        let mut done = self.done.lock().unwrap_or_else(PoisonError::into_inner);
        while done.1 < SHARDS {
            done = self.all_done.wait(done).unwrap_or_else(PoisonError::into_inner);
        }
        let found: Vec<ShardRead> = done.0.iter_mut().map(|read| read.take().flatten()).collect();
        drop(done);
        kept(found)
    }
}

/// What the files held: the documents of those made with the link fingerprint most
/// files have.
fn kept(found: Vec<ShardRead>) -> Option<Kept> {
    // Every save leaves all files with one fingerprint; an interrupted one may not,
    // and then the files most have agree on it (the lowest, if as many have two).
    let mut votes: Vec<u64> = found.iter().flatten().map(|(links, _)| *links).collect();
    votes.sort_unstable();
    let links = votes
        .chunk_by(|a, b| a == b)
        .max_by_key(|same| (same.len(), std::cmp::Reverse(same[0])))?[0];
    let mut docs = Vec::new();
    let listings = found
        .into_iter()
        .map(|shard| {
            let (_, held) = shard.filter(|(made_with, _)| *made_with == links)?;
            let listing = held
                .iter()
                .map(|(path, converted, _)| (path.clone(), converted.reuse_key))
                .collect();
            docs.extend(held);
            Some(listing)
        })
        .collect();
    Some(Kept {
        links,
        docs,
        shards: Shards { links, listings },
    })
}

/// One file's header (for a build with `key` and link targets `links`), records and HTML,
/// of `docs` whose HTML can be had (a stored one is read from the file this replaces,
/// and left out if it no longer has it).
fn shard_bytes(key: u64, links: u64, docs: &[(&str, &Converted, HtmlRef)]) -> io::Result<Vec<u8>> {
    let mut records = Vec::new();
    let mut html = Vec::new();
    for (path, converted, content) in docs {
        let (bytes, digest) = match content {
            HtmlRef::Made(text) => (std::borrow::Cow::Borrowed(text.as_bytes()), Long::of(text)),
            HtmlRef::Stored(stored) => match stored.read_bytes() {
                Ok(bytes) => (std::borrow::Cow::Owned(bytes), stored.digest()),
                Err(_) => continue,
            },
        };
        let at = HtmlAt {
            at: html.len() as u64,
            len: u32::try_from(bytes.len()).map_err(io::Error::other)?,
            crc32: crc32fast::hash(&bytes),
            digest,
        };
        html.extend_from_slice(&bytes);
        records.extend(record(&(path, converted, at)).map_err(io::Error::other)?);
    }
    let header = Header::new(key, links, records.len() as u64);
    let mut out = record(&header).map_err(io::Error::other)?;
    out.reserve(records.len() + html.len());
    out.extend(records);
    out.extend(html);
    Ok(out)
}

/// Stores the converted Markdown of every document of `site` that may be reused, made
/// with link targets whose fingerprint is `links`; a page's HTML is `page_html`'s (a page
/// without is not stored). A file that would hold what `before` says it holds is left as
/// it is. Each file is written under a temporary name first, so an interrupted save
/// leaves whole files.
pub(crate) fn save<'a>(
    dir: &Path,
    key: u64,
    links: u64,
    site: &'a Site,
    page_html: impl Fn(PageId) -> Option<HtmlRef<'a>> + Sync,
    before: Option<&Shards>,
) -> io::Result<()> {
    let pages = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((p.file.content_path.as_str(), &p.converted, page_html(PageId(i))?)));
    let sections = site.sections.iter().map(|s| {
        (
            s.file.content_path.as_str(),
            &s.converted,
            HtmlRef::Made(s.converted.content.as_str()),
        )
    });
    let mut shards: Vec<Vec<(&str, &Converted, HtmlRef)>> = (0..SHARDS).map(|_| Vec::new()).collect();
    for doc in pages.chain(sections).filter(|(_, c, _)| c.reuse_key.is_some()) {
        shards[shard_of(doc.0)].push(doc);
    }
    let unchanged = |shard: usize, docs: &[(&str, &Converted, HtmlRef)]| {
        before
            .filter(|b| b.links == links)
            .and_then(|b| b.listings[shard].as_ref())
            .is_some_and(|listing| {
                listing.len() == docs.len()
                    && listing
                        .iter()
                        .zip(docs)
                        .all(|((path, key), (p, c, _))| path == p && *key == c.reuse_key)
            })
    };
    std::fs::create_dir_all(dir.join(DIR))?;
    shards.par_iter().enumerate().try_for_each(|(shard, docs)| {
        let file = shard_file(dir, shard);
        if docs.is_empty() {
            return match std::fs::remove_file(&file) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        if unchanged(shard, docs) {
            return Ok(());
        }
        let bytes = shard_bytes(key, links, docs)?;
        super::replace_file(&file, &bytes)
    })?;
    match std::fs::remove_file(dir.join(OLD_FILE)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HI: &str = "<p>Hi</p>";

    /// A document's record, its HTML the `n`th of the file's (each [`HI`]).
    fn doc(path: &str, words: usize, n: usize) -> Vec<u8> {
        let converted = Converted {
            reuse_key: Some(7),
            word_count: words,
            ..Default::default()
        };
        let at = HtmlAt {
            at: (n * HI.len()) as u64,
            len: HI.len() as u32,
            crc32: crc32fast::hash(HI.as_bytes()),
            digest: Long::of(HI),
        };
        record(&(path, &converted, at)).expect("encodes")
    }

    fn nowhere() -> StoredText {
        StoredText::new(Path::new("nowhere").into(), 0, 0, 0, Long::of(""))
    }

    #[test]
    fn a_kept_document_naming_a_file_is_not_offered() {
        // A build never keeps a document with charts: one that names a data file came
        // from elsewhere, and would have the build publish that file.
        let charted = Converted {
            reuse_key: Some(7),
            data_files: vec![crate::charts::DataFile {
                source: "../../../etc/hostname".to_owned(),
                name: "hostname".to_owned(),
            }],
            ..Default::default()
        };
        let plain = Converted {
            reuse_key: Some(8),
            ..Default::default()
        };
        let kept = Kept {
            links: 1,
            docs: vec![
                ("a.md".to_owned(), charted, nowhere()),
                ("b.md".to_owned(), plain, nowhere()),
            ],
            shards: Shards {
                links: 1,
                listings: Vec::new(),
            },
        };
        let (reuse, _) = kept.into_reuse();
        assert!(!reuse.offers("a.md"));
        assert!(reuse.offers("b.md"));
    }

    fn header(key: u64, links: u64, records: usize) -> Vec<u8> {
        record(&Header::new(key, links, records as u64)).expect("encodes")
    }

    fn write_raw(dir: &Path, shard: usize, parts: &[Vec<u8>]) {
        std::fs::create_dir_all(dir.join(DIR)).expect("a folder");
        std::fs::write(shard_file(dir, shard), parts.concat()).expect("write");
    }

    /// A file for a build with `key`, link targets `links`, of the records `docs` (made
    /// by [`doc`], the `n`th with `n`) and their HTML.
    fn write(dir: &Path, shard: usize, (key, links): (u64, u64), docs: &[Vec<u8>]) {
        let len = docs.iter().map(Vec::len).sum();
        let mut parts = vec![header(key, links, len)];
        parts.extend(docs.iter().cloned());
        parts.push(HI.repeat(docs.len()).into_bytes());
        write_raw(dir, shard, &parts);
    }

    fn paths(kept: &Kept) -> Vec<(&str, usize, String)> {
        let mut paths: Vec<_> = kept
            .docs
            .iter()
            .map(|(p, c, h)| (p.as_str(), c.word_count, h.read().expect("its HTML")))
            .collect();
        paths.sort();
        paths
    }

    fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
        items.sort();
        items
    }

    /// Two content paths kept in one file, and one kept in another.
    fn neighbours() -> (String, String, String) {
        let name = |i: usize| format!("s/{i}.md");
        let first = shard_of(&name(0));
        let same = (1..)
            .map(name)
            .find(|p| shard_of(p) == first)
            .expect("a neighbour");
        let other = (1..).map(name).find(|p| shard_of(p) != first).expect("another");
        (name(0), same, other)
    }

    #[test]
    fn files_read_by_a_thread_and_the_pool_helping_it_are_all_read_once() {
        // A document in every file, so that each file's reader shows.
        let dir = tempfile::tempdir().expect("temp dir");
        let mut names: Vec<Option<String>> = vec![None; SHARDS];
        for name in (0..).map(|i| format!("s/{i}.md")) {
            let shard = shard_of(&name);
            if names[shard].is_none() {
                write(dir.path(), shard, (1, 2), &[doc(&name, shard, 0)]);
                names[shard] = Some(name);
            }
            if names.iter().all(Option::is_some) {
                break;
            }
        }
        let alone = load(dir.path(), 1).expect("whole files");
        assert_eq!(alone.docs.len(), SHARDS);
        // Every file read by the pool before the thread starts: it takes their reads.
        let reading = Reading::new(dir.path(), 1);
        reading.help();
        let helped = reading.finish().expect("whole files");
        assert_eq!(paths(&helped), paths(&alone));
        assert_eq!(helped.shards.listings, alone.shards.listings);
        // The thread and the pool at once, in whatever order they come to the files.
        for _ in 0..20 {
            let reading = Arc::new(Reading::new(dir.path(), 1));
            let started = Arc::clone(&reading);
            let thread = std::thread::spawn(move || started.finish());
            reading.help();
            let helped = thread.join().expect("no panic").expect("whole files");
            assert_eq!(paths(&helped), paths(&alone));
            assert_eq!(helped.shards.listings, alone.shards.listings);
        }
    }

    #[test]
    fn only_a_whole_header_for_this_build_and_whole_records_are_used() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b, c) = neighbours();
        let (sa, sc) = (shard_of(&a), shard_of(&c));
        let (da, db, dc) = (doc(&a, 3, 0), doc(&b, 4, 1), doc(&c, 5, 0));
        write(dir.path(), sa, (1, 2), &[da.clone(), db.clone()]);
        write(dir.path(), sc, (1, 2), std::slice::from_ref(&dc));
        let kept = load(dir.path(), 1).expect("whole files for this build");
        assert_eq!(kept.links, 2);
        let hi = || HI.to_owned();
        assert_eq!(
            paths(&kept),
            sorted(vec![(&*a, 3, hi()), (&*b, 4, hi()), (&*c, 5, hi())])
        );
        assert_eq!(
            kept.shards.listings[sa],
            Some(vec![(a.clone(), Some(7)), (b.clone(), Some(7))])
        );
        assert_eq!(kept.shards.listings.iter().flatten().count(), 2);
        // Another configuration or command line.
        assert!(load(dir.path(), 9).is_none());

        // A damaged record is skipped; a cut one ends the records.
        let mut damaged = da.clone();
        *damaged.last_mut().expect("bytes") ^= 1;
        write(dir.path(), sa, (1, 2), &[damaged, db.clone()]);
        assert_eq!(
            paths(&load(dir.path(), 1).expect("the headers are whole")),
            sorted(vec![(&*b, 4, hi()), (&*c, 5, hi())])
        );
        write(dir.path(), sa, (1, 2), &[da.clone(), db[..db.len() - 1].to_vec()]);
        assert_eq!(
            paths(&load(dir.path(), 1).expect("the headers are whole")),
            sorted(vec![(&*a, 3, hi()), (&*c, 5, hi())])
        );

        // A damaged header, a header whose length is beyond the file, records longer than the
        // file, nothing at all: that file's documents are converted again.
        let mut bad = header(1, 2, da.len());
        bad[9] ^= 1;
        let mut long = da.clone();
        long[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        for parts in [
            vec![bad, da.clone(), HI.as_bytes().to_vec()],
            vec![long],
            vec![header(1, 2, da.len() + 1), da.clone()],
            Vec::new(),
        ] {
            write_raw(dir.path(), sa, &parts);
            let kept = load(dir.path(), 1).expect("the other file is whole");
            assert_eq!(paths(&kept), [(&*c, 5, hi())]);
            assert_eq!(kept.shards.listings[sa], None);
        }
    }

    #[test]
    fn a_document_whose_html_is_damaged_is_not_used() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b, c) = neighbours();
        let (sa, sc) = (shard_of(&a), shard_of(&c));
        write(dir.path(), sc, (1, 2), &[doc(&c, 5, 0)]);
        let (da, db) = (doc(&a, 3, 0), doc(&b, 4, 1));
        let records = [da.clone(), db.clone()];
        let head = header(1, 2, da.len() + db.len());
        // `b`'s HTML with one bit changed, then cut short: `a` is used, `b` converted.
        let mut html = HI.repeat(2).into_bytes();
        html[HI.len() + 3] ^= 1;
        write_raw(dir.path(), sa, &[head.clone(), records.concat(), html]);
        let kept = load(dir.path(), 1).expect("whole headers");
        assert_eq!(
            paths(&kept),
            sorted(vec![(&*a, 3, HI.to_owned()), (&*c, 5, HI.to_owned())])
        );
        let cut = HI.repeat(2).as_bytes()[..HI.len() * 2 - 1].to_vec();
        write_raw(dir.path(), sa, &[head.clone(), records.concat(), cut]);
        let kept = load(dir.path(), 1).expect("whole headers");
        assert_eq!(
            paths(&kept),
            sorted(vec![(&*a, 3, HI.to_owned()), (&*c, 5, HI.to_owned())])
        );

        // Found whole, then changed before it is read: the read says so.
        write(dir.path(), sa, (1, 2), &records);
        let kept = load(dir.path(), 1).expect("whole files");
        let stored = |path: &str| {
            kept.docs
                .iter()
                .find(|d| d.0 == path)
                .map(|d| &d.2)
                .expect("found")
        };
        assert_eq!(stored(&b).digest(), Long::of(HI));
        write_raw(
            dir.path(),
            sa,
            &[head, records.concat(), "<p>Ho</p>".repeat(2).into_bytes()],
        );
        assert!(stored(&b).read().is_err());
    }

    #[test]
    fn a_save_keeps_what_it_took_and_reads_the_rest_from_the_file_it_replaces() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b, _) = neighbours();
        let shard = shard_of(&a);
        write(dir.path(), shard, (1, 2), &[doc(&a, 3, 0), doc(&b, 4, 1)]);
        let kept = load(dir.path(), 1).expect("whole files");
        let stored = |path: &str| kept.docs.iter().find(|d| d.0 == path).expect("found");
        let (ka, kb) = (stored(&a), stored(&b));
        let made = Converted {
            reuse_key: Some(8),
            word_count: 6,
            ..Default::default()
        };
        let docs = [
            (a.as_str(), &made, HtmlRef::Made("<p>New</p>")),
            (b.as_str(), &kb.1, HtmlRef::Stored(&kb.2)),
            // Its file no longer has it: left out.
            (ka.0.as_str(), &ka.1, HtmlRef::Stored(&nowhere())),
        ];
        let bytes = shard_bytes(1, 2, &docs).expect("made");
        write_raw(dir.path(), shard, &[bytes]);
        let again = load(dir.path(), 1).expect("whole files");
        assert_eq!(
            paths(&again),
            sorted(vec![(&*a, 6, "<p>New</p>".to_owned()), (&*b, 4, HI.to_owned())])
        );
        let digest = |path: &str| again.docs.iter().find(|d| d.0 == path).map(|d| d.2.digest());
        assert_eq!(digest(&a), Some(Long::of("<p>New</p>")));
        assert_eq!(digest(&b), Some(Long::of(HI)));
    }

    #[test]
    fn a_document_in_the_wrong_file_or_with_other_link_targets_is_not_used() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b, c) = neighbours();
        let (sa, sc) = (shard_of(&a), shard_of(&c));
        // `c` stored with `a`, where no build puts it.
        write(dir.path(), sa, (1, 2), &[doc(&a, 3, 0), doc(&c, 5, 1)]);
        let kept = load(dir.path(), 1).expect("a whole file");
        assert_eq!(paths(&kept), [(&*a, 3, HI.to_owned())]);

        // An interrupted save left files made with two link targets' fingerprints: the
        // one most files have is used, and only their documents.
        write(dir.path(), sa, (1, 2), &[doc(&a, 3, 0), doc(&b, 4, 1)]);
        write(dir.path(), sc, (1, 8), &[doc(&c, 5, 0)]);
        let third = (0..SHARDS).find(|s| ![sa, sc].contains(s)).expect("a third file");
        write(dir.path(), third, (1, 8), &[]);
        let kept = load(dir.path(), 1).expect("whole files");
        assert_eq!(kept.links, 8);
        assert_eq!(paths(&kept), [(&*c, 5, HI.to_owned())]);
        assert_eq!(kept.shards.listings[sa], None);
    }
}
