//! Where a chart's data file is and reading it, only inside the site folder.
//!
//! `data: {url: prices.csv}` names a file beside the page (in its bundle), `url:
//! /data/prices.csv` one in the site's `data/` folder. An absolute path, `..`, a
//! backslash or a symbolic link leading out of the site is refused (`confine::SiteRoot`),
//! and a file over the size limit is not read: the build reads only what the site holds,
//! and only so much of it.

use std::io::Read;
use std::path::Path;

use super::{Limits, Problem};
use crate::confine::SiteRoot;

/// The site a chart's data is read from; `None` for a Markdown pass with no site (the
/// probe), where every data file is missing.
pub(crate) struct Files {
    site: Option<SiteRoot>,
}

/// A data file found for a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// Its path under the site folder, `/`-separated (`content/economy/gas/flows.csv`,
    /// `data/flows.csv`).
    pub source: String,
    /// Its file name, under which it is published beside the page.
    pub name: String,
    pub text: String,
}

/// Where relative names are looked for, and the folder `/`-names must start with.
const DATA_FOLDER: &str = "data";

impl Files {
    pub(crate) fn new(root: &Path) -> Files {
        Files {
            site: Some(SiteRoot::new(root)),
        }
    }

    pub(crate) fn none() -> Files {
        Files { site: None }
    }

    /// The file `url` names, for the document at `content_path` (`economy/gas/index.md`).
    pub(crate) fn read(&self, url: &str, content_path: &str, limits: &Limits) -> Result<Found, Problem> {
        let where_hint = "put the file beside the page (in its bundle, `content/economy/gas/index.md` with `flows.csv`) and write `url: flows.csv`, or in the site's data/ folder and write `url: /data/flows.csv`";
        if url.contains('\\') || url.contains('\0') || url.contains("://") || url.is_empty() {
            return Err(Problem::at_url(format!("`{url}` is not a file name dossier reads")).hint(
                "dossier reads chart data from the site only, named with `/`: a file beside the page or under /data/",
            ));
        }
        if url.split('/').any(|s| s == "..") {
            return Err(
                Problem::at_url(format!("`{url}` climbs out of its folder with `..`")).hint(where_hint),
            );
        }
        let (folder, name) = match url.strip_prefix('/') {
            Some(rest) => match rest.strip_prefix("data/") {
                Some(name) => (DATA_FOLDER.to_owned(), name.to_owned()),
                None => {
                    return Err(Problem::at_url(format!(
                        "`{url}` is outside the page's folder and the site's data/ folder"
                    ))
                    .hint(where_hint));
                }
            },
            None => {
                let dir = content_path.rsplit_once('/').map_or("", |(d, _)| d);
                let name = if dir.is_empty() {
                    url.to_owned()
                } else {
                    format!("{dir}/{url}")
                };
                ("content".to_owned(), name)
            }
        };
        let file_name = name.rsplit('/').next().unwrap_or(&name).to_owned();
        let source = format!("{folder}/{name}");
        let missing =
            || Problem::at_url(format!("no data file `{url}` (looked for {source})")).hint(where_hint);
        let Some(site) = &self.site else {
            return Err(missing());
        };
        let path = site
            .file_in(&folder, &name)
            .map_err(|why| Problem::at_url(why).hint(where_hint))?;
        let file = std::fs::File::open(&path).map_err(|_| missing())?;
        let meta = file.metadata().map_err(|_| missing())?;
        if !meta.is_file() {
            return Err(missing());
        }
        let too_big = || {
            Problem::at_url(format!(
                "`{url}` is over {} KB, the most a chart reads",
                limits.bytes / 1024
            ))
            .hint("chart a summary of the data (fewer rows or columns) and link the full file from the text")
        };
        if meta.len() > limits.bytes as u64 {
            return Err(too_big());
        }
        // The size is read again while reading: a file may grow between the two.
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(limits.bytes as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Problem::at_url(format!("cannot read `{url}`: {e}")))?;
        if bytes.len() > limits.bytes {
            return Err(too_big());
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            Problem::at_url(format!("`{url}` is not UTF-8 text")).hint("save the file as UTF-8")
        })?;
        let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
        Ok(Found {
            source,
            name: file_name,
            text,
        })
    }
}
