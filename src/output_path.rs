//! The one type every output file's path goes through.
//!
//! Output paths come from what authors write (`path`, `slug`, `aliases`, terms,
//! `paginate_path`, file names) and from settings, so each is checked once, here, before
//! anything can be written: a path that is absolute, climbs with `..`, or has an empty or
//! `.` segment could leave the output folder or land somewhere other than it says. A
//! [`Sink`](crate::write::Sink) takes only an [`OutputPath`], so no feature can write
//! a path that skipped the check.

use std::fmt;
use std::path::{Path, PathBuf};

/// A file's path relative to the output folder: `/`-separated segments, none of them
/// empty, `.` or `..`, with no leading `/`, backslash or NUL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct OutputPath(String);

/// Why a path cannot be an output path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unsafe {
    Empty,
    Absolute,
    /// A `..` segment, which climbs out of the folder above it.
    Parent,
    /// A `.` or empty segment (`a/./b`, `a//b`), which names another path than it spells.
    Dot,
    /// A backslash (a separator on Windows) or a NUL byte.
    Separator,
    /// The first segment is the name dossier stages its writes under.
    Reserved,
}

/// Where a build stages its files, inside the output folder; no output may be there.
pub(crate) const STAGING_PREFIX: &str = ".dossier-staging";

impl OutputPath {
    /// Checks `rel`, a path relative to the output folder.
    pub(crate) fn new(rel: &str) -> Result<OutputPath, Unsafe> {
        if rel.is_empty() {
            return Err(Unsafe::Empty);
        }
        if rel.starts_with('/') || has_drive_prefix(rel) {
            return Err(Unsafe::Absolute);
        }
        if rel.contains(['\\', '\0']) {
            return Err(Unsafe::Separator);
        }
        for segment in rel.split('/') {
            match segment {
                ".." => return Err(Unsafe::Parent),
                "" | "." => return Err(Unsafe::Dot),
                _ => {}
            }
        }
        if rel
            .split('/')
            .next()
            .is_some_and(|first| first.starts_with(STAGING_PREFIX))
        {
            return Err(Unsafe::Reserved);
        }
        Ok(OutputPath(rel.to_owned()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The file's place under `root` (the output or staging folder).
    pub(crate) fn under(&self, root: &Path) -> PathBuf {
        let mut path = root.to_path_buf();
        path.extend(self.0.split('/'));
        path
    }

    /// The folders this path needs, nearest the root first (`a`, `a/b` for `a/b/c`).
    pub(crate) fn ancestors(&self) -> impl Iterator<Item = &str> {
        self.0.match_indices('/').map(|(i, _)| &self.0[..i])
    }
}

/// `C:`, a Windows drive: `Path::join` would replace the root with it.
fn has_drive_prefix(rel: &str) -> bool {
    let b = rel.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

impl fmt::Display for OutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Unsafe {
    /// What is wrong, to follow "… would write `path`, which …".
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Unsafe::Empty => "is empty",
            Unsafe::Absolute => "is absolute: output paths are relative to the output folder",
            Unsafe::Parent => "climbs out of its folder with `..`",
            Unsafe::Dot => "has an empty or `.` segment",
            Unsafe::Separator => "holds a backslash or a NUL character",
            Unsafe::Reserved => "starts with .dossier-staging, where builds stage their files",
        }
    }
}

/// Checks a URL path an author wrote (a `path`, alias or `paginate_path`), before it is
/// joined to anything: the same rules as [`OutputPath::new`], ignoring leading and
/// trailing slashes, which only say "from the site root" and "a folder".
pub(crate) fn check_url_segments(value: &str) -> Result<(), Unsafe> {
    let trimmed = value.trim_matches('/');
    if trimmed.is_empty() {
        return Ok(());
    }
    if value.starts_with("//") {
        return Err(Unsafe::Dot);
    }
    OutputPath::new(trimmed).map(|_| ())
}

/// Checks a URL path that names a folder of its own, such as `paginate_path`: as
/// [`check_url_segments`], and not empty.
pub(crate) fn check_url_folder(value: &str) -> Result<(), Unsafe> {
    check_url_segments(value)?;
    if value.trim_matches('/').is_empty() {
        return Err(Unsafe::Empty);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_relative_paths() {
        for ok in [
            "index.html",
            "a/b/index.html",
            ".nojekyll",
            "tags/c++/index.html",
            "…/x",
        ] {
            assert_eq!(
                OutputPath::new(ok).map(|p| p.as_str().to_owned()),
                Ok(ok.to_owned())
            );
        }
    }

    #[test]
    fn refuses_paths_that_leave_or_misname_the_folder() {
        let cases = [
            ("", Unsafe::Empty),
            ("/etc/passwd", Unsafe::Absolute),
            ("C:/x", Unsafe::Absolute),
            ("../x", Unsafe::Parent),
            ("a/../../x", Unsafe::Parent),
            ("a/..", Unsafe::Parent),
            ("./x", Unsafe::Dot),
            ("a//x", Unsafe::Dot),
            ("a/", Unsafe::Dot),
            ("a\\..\\x", Unsafe::Separator),
            ("a\0b", Unsafe::Separator),
            (".dossier-staging-12/x", Unsafe::Reserved),
        ];
        for (path, why) in cases {
            assert_eq!(OutputPath::new(path), Err(why), "{path:?}");
        }
    }

    #[test]
    fn ancestors_and_placing() {
        let p = OutputPath::new("a/b/c.html").unwrap();
        assert_eq!(p.ancestors().collect::<Vec<_>>(), ["a", "a/b"]);
        assert_eq!(p.under(Path::new("/out")), Path::new("/out/a/b/c.html"));
    }

    #[test]
    fn url_segments() {
        assert_eq!(check_url_segments("/security/x/"), Ok(()));
        assert_eq!(check_url_segments("/"), Ok(()));
        assert_eq!(check_url_segments("../../escaped-page"), Err(Unsafe::Parent));
        assert_eq!(check_url_segments("a/./b"), Err(Unsafe::Dot));
        assert_eq!(check_url_segments("//evil.example/x"), Err(Unsafe::Dot));
        assert_eq!(check_url_folder("page"), Ok(()));
        assert_eq!(check_url_folder("/"), Err(Unsafe::Empty));
    }
}
