//! Keeps what a build reads inside the site folder.
//!
//! A symbolic link in `content/`, `static/` or a theme, or a file named in `config.toml`,
//! could otherwise make the build read, publish or serve any file its user can read
//! (`static/passwd -> /etc/passwd`). Links that resolve inside the site folder are
//! followed, as Zola does; a link that leaves it is an error naming the link and its
//! target, and nothing under it is read.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// The site folder, resolved, to compare resolved paths with.
pub(crate) struct SiteRoot {
    root: PathBuf,
    resolved: PathBuf,
}

impl SiteRoot {
    pub(crate) fn new(root: &Path) -> SiteRoot {
        SiteRoot {
            root: root.to_path_buf(),
            resolved: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// Where `path` really is, if that is outside the site folder. Only links (the path
    /// itself or a folder on the way) can take it there, so a path that is no link costs
    /// one `lstat`.
    pub(crate) fn outside(&self, path: &Path, is_link: bool) -> Option<PathBuf> {
        if !is_link {
            return None;
        }
        match std::fs::canonicalize(path) {
            Ok(target) if target.starts_with(&self.resolved) => None,
            Ok(target) => Some(target),
            // A dangling link reads nothing; reading it reports the error.
            Err(_) => None,
        }
    }

    /// The error for a link at `path` (as shown to the user) that resolves to `target`.
    pub(crate) fn link_error(&self, path: &Path, target: &Path) -> Diagnostic {
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
    /// inside the site folder once every link is resolved. `Err` says why not.
    pub(crate) fn file_in(&self, folder: &str, name: &str) -> Result<PathBuf, String> {
        if Path::new(name).is_absolute() || name.starts_with('/') || name.starts_with('\\') {
            return Err(format!(
                "`{name}` is an absolute path; name a file under {folder}/"
            ));
        }
        if name.split(['/', '\\']).any(|s| s == "..") {
            return Err(format!("`{name}` climbs out of {folder}/ with `..`"));
        }
        let path = self.root.join(folder).join(name);
        match std::fs::canonicalize(&path) {
            Ok(target) if !target.starts_with(&self.resolved) => Err(format!(
                "{folder}/{name} is a symbolic link to {}, outside the site folder",
                target.display()
            )),
            _ => Ok(path),
        }
    }
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
    fn links_leaving_the_site_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("inside.txt"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("inside.txt"), root.join("static/in")).unwrap();
        std::fs::write(dir.path().join("secret"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), root.join("static/out")).unwrap();
        let site = SiteRoot::new(&root);
        assert_eq!(site.outside(&root.join("static/in"), true), None);
        assert!(site.outside(&root.join("static/out"), true).is_some());
        assert!(site.file_in("static", "out").is_err());
    }
}
