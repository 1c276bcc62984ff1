//! The build cache's converted Markdown (`markdown.bin`): each document's Markdown output
//! from the last build, so that a build converts again only the documents whose source,
//! or what their links resolve against, changed. It is taken as `serve` takes the last
//! build's ([`Reuse`]): a document's output is used only when the key of its source and
//! the fingerprint of the link targets are those it was made with, which
//! `model::content::convert_markdown` checks.
//!
//! The file is a header (the format, dossier's version, the build's [`key`] and the link
//! targets' fingerprint) and then a record per document (its content path, its output
//! and its HTML), each the postcard encoding with its length and CRC-32 before it: they
//! are encoded and checked in parallel. A file whose header is damaged or not for this
//! build (another version of dossier, configuration or command line) is not used at
//! all; a damaged record is skipped, and its document converted. Documents with problems
//! to report, wikilinks, charts or shortcodes are never stored (see
//! `Converted::reuse_key`), so a warning is reported by every build.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, Write};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::content::Reuse;
use crate::model::site::{PageId, Site};
use crate::parse::markdown::Converted;

const FILE: &str = "markdown.bin";
/// Changed whenever what the file means changes.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Header {
    format: u32,
    dossier: String,
    key: u64,
    links: u64,
}

/// Each document as stored: its content path, its output and its HTML.
type Doc = (String, Converted, String);

/// The converted Markdown of the last build, as found in the cache.
pub(crate) struct Kept {
    links: u64,
    docs: Vec<Doc>,
}

impl Kept {
    /// The documents to offer the build's Markdown stage.
    pub(crate) fn reuse(&self) -> Reuse<'_> {
        Reuse::kept(
            self.links,
            self.docs
                .iter()
                .map(|(path, converted, html)| (path.as_str(), converted, html.as_str())),
        )
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

/// `value` encoded as a record: the encoding's length, its CRC-32, then the encoding.
fn record(value: &impl Serialize) -> postcard::Result<Vec<u8>> {
    let mut out = postcard::to_extend(value, vec![0; 8])?;
    let len = (out.len() - 8) as u32;
    let crc = crc32fast::hash(&out[8..]);
    out[..4].copy_from_slice(&len.to_le_bytes());
    out[4..8].copy_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// Splits `bytes` into the records it starts with: each one's bytes, if their CRC-32 is
/// the one recorded. Stops at a record that does not fit.
fn records(mut bytes: &[u8]) -> Vec<Option<&[u8]>> {
    let mut found = Vec::new();
    while let Some((head, rest)) = bytes.split_first_chunk::<8>() {
        let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let Some((body, rest)) = rest.split_at_checked(len) else {
            break;
        };
        found.push((crc32fast::hash(body) == crc).then_some(body));
        bytes = rest;
    }
    found
}

/// The converted Markdown kept in the cache folder `dir` for a build whose [`key`] is
/// `key`, if there is any and it is for this build.
pub(crate) fn load(dir: &Path, key: u64) -> Option<Kept> {
    let bytes = std::fs::read(dir.join(FILE)).ok()?;
    let mut records = records(&bytes).into_iter();
    let header: Header = postcard::from_bytes(records.next()??).ok()?;
    let wanted = Header {
        format: FORMAT,
        dossier: env!("CARGO_PKG_VERSION").to_owned(),
        key,
        links: header.links,
    };
    if header != wanted {
        return None;
    }
    let docs = records
        .collect::<Vec<_>>()
        .into_par_iter()
        .filter_map(|body| postcard::from_bytes::<Doc>(body?).ok())
        .collect();
    Some(Kept {
        links: header.links,
        docs,
    })
}

/// Stores the converted Markdown of every document of `site` that may be reused, made
/// with link targets whose fingerprint is `links`; a page's HTML is `page_html`'s.
/// Written under a temporary name first, so an interrupted save leaves the last file.
pub(crate) fn save<'a>(
    dir: &Path,
    key: u64,
    links: u64,
    site: &'a Site,
    page_html: impl Fn(PageId) -> &'a str + Sync,
) -> io::Result<()> {
    let header = Header {
        format: FORMAT,
        dossier: env!("CARGO_PKG_VERSION").to_owned(),
        key,
        links,
    };
    let pages = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| (p.file.content_path.as_str(), &p.converted, page_html(PageId(i))));
    let sections = site.sections.par_iter().map(|s| {
        (
            s.file.content_path.as_str(),
            &s.converted,
            s.converted.content.as_str(),
        )
    });
    let docs: Vec<Vec<u8>> = pages
        .chain(sections)
        .filter(|(_, converted, _)| converted.reuse_key.is_some())
        .map(|doc| record(&doc))
        .collect::<Result<_, _>>()
        .map_err(io::Error::other)?;
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!("{FILE}.part"));
    let mut file = io::BufWriter::new(std::fs::File::create(&temporary)?);
    file.write_all(&record(&header).map_err(io::Error::other)?)?;
    for doc in &docs {
        file.write_all(doc)?;
    }
    file.into_inner().map_err(io::IntoInnerError::into_error)?;
    std::fs::rename(&temporary, dir.join(FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, words: usize) -> Vec<u8> {
        let converted = Converted {
            reuse_key: Some(7),
            word_count: words,
            ..Default::default()
        };
        record(&(path, &converted, "<p>Hi</p>")).expect("encodes")
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
                ("a.md".to_owned(), charted, String::new()),
                ("b.md".to_owned(), plain, String::new()),
            ],
        };
        let reuse = kept.reuse();
        assert!(!reuse.offers("a.md"));
        assert!(reuse.offers("b.md"));
    }

    fn write(dir: &Path, parts: &[Vec<u8>]) {
        std::fs::write(dir.join(FILE), parts.concat()).expect("write");
    }

    fn paths(kept: &Kept) -> Vec<(&str, usize, &str)> {
        kept.docs
            .iter()
            .map(|(p, c, h)| (p.as_str(), c.word_count, h.as_str()))
            .collect()
    }

    #[test]
    fn only_a_whole_header_for_this_build_and_whole_records_are_used() {
        let dir = tempfile::tempdir().expect("temp dir");
        let header = |key| {
            let header = Header {
                format: FORMAT,
                dossier: env!("CARGO_PKG_VERSION").to_owned(),
                key,
                links: 2,
            };
            record(&header).expect("encodes")
        };
        let (a, b) = (doc("a.md", 3), doc("b/c.md", 4));
        write(dir.path(), &[header(1), a.clone(), b.clone()]);
        let kept = load(dir.path(), 1).expect("a whole file for this build");
        assert_eq!(kept.links, 2);
        assert_eq!(
            paths(&kept),
            [("a.md", 3, "<p>Hi</p>"), ("b/c.md", 4, "<p>Hi</p>")]
        );
        // Another configuration or command line.
        assert!(load(dir.path(), 9).is_none());

        // A damaged record is skipped; a cut one ends the file.
        let mut damaged = a.clone();
        *damaged.last_mut().expect("bytes") ^= 1;
        write(dir.path(), &[header(1), damaged, b.clone()]);
        assert_eq!(
            paths(&load(dir.path(), 1).expect("the header is whole")),
            [("b/c.md", 4, "<p>Hi</p>")]
        );
        write(dir.path(), &[header(1), a.clone(), b[..b.len() - 1].to_vec()]);
        assert_eq!(
            paths(&load(dir.path(), 1).expect("the header is whole")),
            [("a.md", 3, "<p>Hi</p>")]
        );

        // A damaged header, a record's length beyond the file, nothing at all.
        let mut bad = header(1);
        bad[9] ^= 1;
        let mut long = a.clone();
        long[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        for parts in [vec![bad, a.clone()], vec![long], Vec::new()] {
            write(dir.path(), &parts);
            assert!(load(dir.path(), 1).is_none());
        }
    }
}
