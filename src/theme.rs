//! Where templates and static files come from: the default theme embedded in the binary,
//! a theme folder under `themes/`, and the site's own `templates/` and `static/`, which
//! override the theme's files of the same name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use crate::config::Config;
use crate::confine::SiteRoot;
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::load::{is_ignored_name, keep_entry};
use crate::spans::key_location;

/// The default theme, as committed in `themes/default/`.
pub(crate) static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A template's text and the file it came from.
#[derive(Debug, Clone)]
pub(crate) struct TemplateSource {
    pub text: String,
    /// As shown in messages: `templates/page.html` or `themes/default/templates/page.html`.
    pub display_path: PathBuf,
    /// Whether it is the built-in theme's, written for Tera 2 (others may be Tera 1's,
    /// and are rewritten as they load).
    pub built_in: bool,
}

/// Where a static file's bytes are.
#[derive(Debug, Clone)]
pub(crate) enum StaticSource {
    Embedded(&'static [u8]),
    File(PathBuf),
}

/// The theme in use.
pub(crate) enum Theme {
    Embedded,
    Folder(PathBuf),
}

impl Theme {
    pub(crate) fn for_site(root: &Path, config: &Config) -> Result<Theme, Diagnostic> {
        let Some(name) = &config.theme else {
            return Ok(Theme::Embedded);
        };
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            return Ok(Theme::Folder(dir));
        }
        let available: Vec<String> = std::fs::read_dir(root.join("themes"))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().is_dir())
                    .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let file = config.file.name();
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        let hint = did_you_mean(name, available.iter().map(String::as_str)).unwrap_or_else(|| {
            "remove `theme` to use the default theme built into dossier, or run `dossier init` to get a copy of it"
                .to_owned()
        });
        Err(
            Diagnostic::error(format!("the theme `{name}` is not in themes/{name}/"))
                .at(key_location(file, &text, "theme"))
                .hint(hint),
        )
    }

    fn display_prefix(&self, root: &Path) -> PathBuf {
        match self {
            Theme::Embedded => PathBuf::from("(built-in default theme)"),
            Theme::Folder(dir) => crate::load::display(root, dir),
        }
    }
}

/// Templates by name (`page.html`, `partials/nav.html`), the site's over the theme's.
pub(crate) fn templates(root: &Path, theme: &Theme) -> Result<BTreeMap<String, TemplateSource>, Diagnostic> {
    let mut out = BTreeMap::new();
    let prefix = theme.display_prefix(root).join("templates");
    match theme {
        Theme::Embedded => {
            if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
                for file in embedded_files(dir) {
                    let name = file.path().strip_prefix("templates").unwrap_or(file.path());
                    let name = slash(name);
                    let text = String::from_utf8_lossy(file.contents()).into_owned();
                    out.insert(
                        name.clone(),
                        TemplateSource {
                            text,
                            display_path: prefix.join(&name),
                            built_in: true,
                        },
                    );
                }
            }
        }
        Theme::Folder(dir) => read_templates(&dir.join("templates"), &prefix, &mut out)?,
    }
    read_templates(&root.join("templates"), Path::new("templates"), &mut out)?;
    keep_built_in_frame(&mut out);
    Ok(out)
}

/// The blocks the built-in templates fill in the `base.html` they extend.
const FRAME_BLOCKS: [&str; 2] = ["title", "content"];

/// A site's or theme's `base.html` without the blocks the built-in pages fill (a Zola
/// theme's often has other names): the built-in pages that extend it (the timeline, the
/// graph, the archive…) extend the built-in `base.html`, kept as `dossier/base.html`,
/// instead of failing to build.
fn keep_built_in_frame(out: &mut BTreeMap<String, TemplateSource>) {
    let Some(base) = out.get("base.html").filter(|b| !b.built_in) else {
        return;
    };
    let has_block = |name: &str| {
        let pattern = format!(r"\{{%-?\s*block\s+{name}\b");
        regex::Regex::new(&pattern).is_ok_and(|re| re.is_match(&base.text))
    };
    if FRAME_BLOCKS.iter().all(|b| has_block(b)) {
        return;
    }
    let Some(built_in) = DEFAULT_THEME.get_file("templates/base.html") else {
        return;
    };
    let extends =
        regex::Regex::new(r#"\{%-?\s*extends\s+["']base\.html["']\s*-?%\}"#).expect("a valid pattern");
    for source in out.values_mut().filter(|s| s.built_in) {
        if extends.is_match(&source.text) {
            source.text = extends
                .replace(&source.text, "{% extends \"dossier/base.html\" %}")
                .into_owned();
        }
    }
    out.insert(
        "dossier/base.html".to_owned(),
        TemplateSource {
            text: String::from_utf8_lossy(built_in.contents()).into_owned(),
            display_path: PathBuf::from("(built-in default theme)/templates/base.html"),
            built_in: true,
        },
    );
}

fn read_templates(
    dir: &Path,
    display_prefix: &Path,
    out: &mut BTreeMap<String, TemplateSource>,
) -> Result<(), Diagnostic> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if !entry.file_type().is_file() || is_ignored_name(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = slash(rel);
        let display_path = display_prefix.join(&name);
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| Diagnostic::error(format!("cannot read template: {e}")).in_file(&display_path))?;
        out.insert(
            name,
            TemplateSource {
                text,
                display_path,
                built_in: false,
            },
        );
    }
    Ok(())
}

/// Static files by output path, the site's over the theme's; a link that leaves the site
/// folder is an error, and nothing under it is copied.
/// `ignored` (the site's `ignored_static`) leaves files of the site's `static/` out; as in
/// Zola, a theme's are all copied.
pub(crate) fn static_files(
    root: &Path,
    theme: &Theme,
    ignored: &globset::GlobSet,
) -> (BTreeMap<String, StaticSource>, Diagnostics) {
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::new();
    let site_root = SiteRoot::new(root);
    match theme {
        Theme::Embedded => {
            if let Some(dir) = DEFAULT_THEME.get_dir("static") {
                for file in embedded_files(dir) {
                    let rel = file.path().strip_prefix("static").unwrap_or(file.path());
                    out.insert(slash(rel), StaticSource::Embedded(file.contents()));
                }
            }
        }
        Theme::Folder(dir) => read_static(
            &site_root,
            &dir.join("static"),
            &globset::GlobSet::empty(),
            &mut out,
            &mut diags,
        ),
    }
    read_static(&site_root, &root.join("static"), ignored, &mut out, &mut diags);
    (out, diags)
}

fn read_static(
    site_root: &SiteRoot,
    dir: &Path,
    ignored: &globset::GlobSet,
    out: &mut BTreeMap<String, StaticSource>,
    diags: &mut Diagnostics,
) {
    if !dir.is_dir() {
        return;
    }
    let rules = site_root.folder(dir);
    let mut problems = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() > 0 && crate::load::is_ignored_by(ignored, dir, e.path()))
                && keep_entry(&rules, e, &mut problems)
        });
    for entry in walker.filter_map(|e| e.ok()) {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            out.insert(slash(rel), StaticSource::File(entry.into_path()));
        }
    }
    diags.extend(problems);
}

/// Every file under an embedded folder, in a stable order.
pub(crate) fn embedded_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        files.extend(d.files());
        stack.extend(d.dirs());
    }
    files.sort_by_key(|f| f.path());
    files
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binary must carry exactly the theme committed in themes/default/.
    #[test]
    fn embedded_theme_matches_the_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<(String, Vec<u8>)> = WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    slash(e.path().strip_prefix(&dir).unwrap()),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<(String, Vec<u8>)> = embedded_files(&DEFAULT_THEME)
            .into_iter()
            .map(|f| (slash(f.path()), f.contents().to_vec()))
            .collect();
        embedded.sort();
        assert_eq!(
            on_disk.iter().map(|f| &f.0).collect::<Vec<_>>(),
            embedded.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        assert!(
            on_disk == embedded,
            "embedded theme differs from themes/default; rebuild"
        );
    }
}
