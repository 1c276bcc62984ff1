//! Keeps what a build reads inside the site folder.
//!
//! A symbolic link in `content/`, `static/` or a theme, or a file named in `config.toml`,
//! could otherwise make the build read, publish or serve any file its user can read
//! (`static/passwd -> /etc/passwd`). The source folders themselves (`content/`,
//! `static/`, a theme's folder) may be links: that is the site's own layout, written at
//! its top level (a monorepo keeping content elsewhere; Hugo allows the same). A link
//! *inside* one must resolve inside the site folder or inside that source folder; one that
//! leaves both is an error naming the link and its target, and nothing under it is read.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// The site folder, resolved, to compare resolved paths with.
pub(crate) struct SiteRoot {
    root: PathBuf,
    resolved: PathBuf,
}

/// A source folder being walked: links under it may lead into it or into the site.
pub(crate) struct SourceFolder<'a> {
    site: &'a SiteRoot,
    resolved: PathBuf,
}

impl SiteRoot {
    pub(crate) fn new(root: &Path) -> SiteRoot {
        SiteRoot {
            root: root.to_path_buf(),
            resolved: resolve(root),
        }
    }

    /// The rules for a walk of `folder` (`content/`, `static/`, a theme's `static/`).
    pub(crate) fn folder(&self, folder: &Path) -> SourceFolder<'_> {
        SourceFolder {
            site: self,
            resolved: resolve(folder),
        }
    }

    fn inside(&self, folder: &Path, target: &Path) -> bool {
        target.starts_with(&self.resolved) || target.starts_with(folder)
    }

    /// The error for a link at `path` that resolves to `target`.
    fn link_error(&self, path: &Path, target: &Path) -> Diagnostic {
        let shown = path.strip_prefix(&self.root).unwrap_or(path);
        Diagnostic::error(format!(
            "{} is a symbolic link to {}, outside the site folder",
            shown.display(),
            target.display()
        ))
        .in_file(shown)
        .hint("copy the file into the site, or remove the link: dossier publishes only what is inside the site folder")
    }

    /// A file named in `config.toml`, relative to `folder` (such as `content`): it must be
    /// inside the site folder or that folder once every link is resolved. `Err` says why
    /// not.
    pub(crate) fn file_in(&self, folder: &str, name: &str) -> Result<PathBuf, String> {
        if Path::new(name).is_absolute() || name.starts_with('/') || name.starts_with('\\') {
            return Err(format!(
                "`{name}` is an absolute path; name a file under {folder}/"
            ));
        }
        if name.split(['/', '\\']).any(|s| s == "..") {
            return Err(format!("`{name}` climbs out of {folder}/ with `..`"));
        }
        let base = self.root.join(folder);
        let path = base.join(name);
        match std::fs::canonicalize(&path) {
            Ok(target) if !self.inside(&resolve(&base), &target) => Err(format!(
                "{folder}/{name} is a symbolic link to {}, outside the site folder",
                target.display()
            )),
            _ => Ok(path),
        }
    }
}

impl SourceFolder<'_> {
    /// For an entry of a walk of this folder (which follows links): an error if it is a
    /// link leading outside the site and this folder. The folder itself (depth 0) may be
    /// a link. An entry that is no link costs nothing: walkdir has already looked.
    pub(crate) fn check(&self, entry: &walkdir::DirEntry) -> Result<(), Diagnostic> {
        if entry.depth() == 0 || !entry.path_is_symlink() {
            return Ok(());
        }
        match std::fs::canonicalize(entry.path()) {
            Ok(target) if !self.site.inside(&self.resolved, &target) => {
                Err(self.site.link_error(entry.path(), &target))
            }
            // Inside, or a dangling link, which reads nothing (reading it reports it).
            _ => Ok(()),
        }
    }
}

fn resolve(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Each build replaces what the output folder holds with the site's outputs, removing
/// files it did not produce, so the folder must not hold the site itself: not be the
/// site folder or one above it, nor be inside a folder the site is read from.
pub(crate) fn check_output_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let resolve = |p: &Path| -> PathBuf {
        // The output folder may not exist yet: resolve the nearest folder that does, after
        // taking out `..` as written (a folder on the way may not exist either).
        let mut existing = PathBuf::new();
        for part in p.components() {
            match part {
                std::path::Component::ParentDir
                    if matches!(
                        existing.components().next_back(),
                        Some(std::path::Component::Normal(_))
                    ) =>
                {
                    existing.pop();
                }
                std::path::Component::CurDir => {}
                other => existing.push(other),
            }
        }
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.file_name(), existing.parent()) {
                (Some(name), Some(parent)) => {
                    rest.push(name.to_owned());
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let base = if existing.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &existing
        };
        let mut resolved = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
        for part in rest.iter().rev() {
            match part.to_str() {
                Some("..") => {
                    resolved.pop();
                }
                Some(".") => {}
                _ => resolved.push(part),
            }
        }
        resolved
    };
    let site = resolve(root);
    let target = resolve(out);
    let problem = if site.starts_with(&target) {
        Some("holds the site itself".to_owned())
    } else {
        ["content", "static", "templates", "themes", "sass"]
            .into_iter()
            .find(|folder| target.starts_with(site.join(folder)))
            .map(|folder| format!("is inside the site's {folder}/ folder"))
    };
    match problem {
        Some(problem) => Err(Diagnostic::error(format!(
            "the output folder {} {problem}: a build replaces everything in it",
            out.display()
        ))
        .hint("build into a folder of its own, such as public/ (the default) or -o /tmp/site")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_folders_that_hold_the_site_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
        assert!(check_output_dir(&root, &dir.path().join("elsewhere/out")).is_ok());
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, &root.join(".")).is_err());
        assert!(check_output_dir(&root, dir.path()).is_err());
        assert!(check_output_dir(&root, &root.join("content/out")).is_err());
        assert!(check_output_dir(&root, &root.join("public/../content")).is_err());
    }

    #[test]
    fn named_files_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let site = SiteRoot::new(dir.path());
        assert!(site.file_in("content", "sources.yml").is_ok());
        assert!(site.file_in("content", "/etc/passwd").is_err());
        assert!(site.file_in("content", "../../etc/passwd").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn links_leaving_the_site_and_their_folder_are_found() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let elsewhere = dir.path().join("shared-content");
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(root.join("inside.txt"), "x").unwrap();
        std::fs::write(elsewhere.join("beside.txt"), "x").unwrap();
        std::fs::write(dir.path().join("secret"), "x").unwrap();
        symlink(root.join("inside.txt"), root.join("static/in")).unwrap();
        symlink(dir.path().join("secret"), root.join("static/out")).unwrap();
        // content/ itself a link, with a link inside it to a file beside it.
        symlink(&elsewhere, root.join("content")).unwrap();
        symlink(elsewhere.join("beside.txt"), elsewhere.join("again.txt")).unwrap();
        symlink(dir.path().join("secret"), elsewhere.join("out")).unwrap();
        let site = SiteRoot::new(&root);
        let problems = |folder: &str| -> Vec<String> {
            let rules = site.folder(&root.join(folder));
            let mut found: Vec<String> = walkdir::WalkDir::new(root.join(folder))
                .follow_links(true)
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| rules.check(e).is_err())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            found.sort();
            found
        };
        assert_eq!(problems("static"), ["out"]);
        assert_eq!(problems("content"), ["out"]);
        assert!(site.file_in("static", "out").is_err());
        assert!(site.file_in("content", "again.txt").is_ok());
    }
}
