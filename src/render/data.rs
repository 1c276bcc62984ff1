//! The template functions that read the site's files, as Zola has them: `load_data`, a
//! data file (TOML, JSON, YAML, CSV or plain text) as a value, and `get_image_metadata`,
//! an image's width, height and format. Files are looked for as Zola looks for them (the
//! site folder, then `static/`, then `content/`, then the theme's `static/`) and only inside
//! the site: an absolute path, `..` or a link leading out is refused. Nothing is fetched
//! from the network (`url=`), so a build reads only its own folder. Each data file is read
//! once per build, however many pages load it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use tera::{Kwargs, TeraResult, Value};

use crate::confine::SiteRoot;

/// What the build publishes besides the site's folders, which Zola also searches (it
/// compiles Sass and copies bundle files into the output before rendering): a theme
/// that asks for `get_image_metadata(path=section.path ~ "card.jpg")` or
/// `get_url(path="main.css", cachebust=true)` finds the file there.
#[derive(Default)]
pub(crate) struct Published {
    /// The path of the site's address (`/repo/`), which `assets` keys start with.
    pub base_path: String,
    /// A bundle file's address (`/security/kursk/map.jpg`) → its content path.
    pub assets: HashMap<String, String>,
    /// A compiled stylesheet's output path (`main.css`) → its CSS.
    pub compiled: HashMap<String, Arc<CompiledCss>>,
}

/// CSS compiled from Sass, with its hash made once: a theme asks for
/// `get_url(path="main.css", cachebust=true)` on every page.
pub(crate) struct CompiledCss {
    pub css: Arc<[u8]>,
    /// The SHA-256 of `css`, in hex.
    pub sha256: String,
}

impl CompiledCss {
    pub(crate) fn new(css: Arc<[u8]>) -> CompiledCss {
        let sha256 = crate::digest::sha256_hex(&css);
        CompiledCss { css, sha256 }
    }
}

/// A file found for a template function: one in the site's folders, or CSS compiled
/// from Sass.
enum Found {
    File(PathBuf),
    Compiled(Arc<CompiledCss>),
}

/// Where `load_data` looks, and what it has read.
pub(crate) struct DataFiles {
    site: SiteRoot,
    /// The folders searched, relative to the site folder, in order.
    folders: Vec<String>,
    read: Mutex<HashMap<(PathBuf, Format), Value>>,
    /// Once [`DataFiles::record`] is called, every file looked for, relative to the site
    /// folder, and whether it was there: what the outputs were made from besides their
    /// template values, which the build cache checks before it trusts them (see
    /// `crate::cache`). Unset, looking a file up takes no lock.
    looked_for: OnceLock<Mutex<std::collections::BTreeMap<String, bool>>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Format {
    Toml,
    Json,
    Yaml,
    Csv,
    Plain,
}

impl Format {
    fn named(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "csv" => Some(Format::Csv),
            "plain" | "txt" => Some(Format::Plain),
            _ => None,
        }
    }

    /// From a file's extension: Zola reads any other file as plain text.
    fn of(path: &Path) -> Format {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Format::named)
            .unwrap_or(Format::Plain)
    }
}

impl DataFiles {
    /// For the site at `root`, whose theme's folder is `theme` (relative to the site) if
    /// it has one.
    pub(crate) fn new(root: &Path, theme: Option<&str>) -> Arc<DataFiles> {
        let mut folders = vec![".".to_owned(), "static".to_owned(), "content".to_owned()];
        folders.extend(theme.map(|t| format!("themes/{t}/static")));
        Arc::new(DataFiles {
            site: SiteRoot::new(root),
            folders,
            read: Mutex::new(HashMap::new()),
            looked_for: OnceLock::new(),
        })
    }

    /// `load_data(path=…, format=…, required=…)` or `load_data(literal=…, format=…)`.
    pub(crate) fn load(&self, kwargs: &Kwargs) -> TeraResult<Value> {
        let format: Option<String> = kwargs.get("format")?;
        let format = match format.as_deref() {
            None => None,
            Some(name) => Some(Format::named(name).ok_or_else(|| {
                tera::Error::message(format!(
                    "load_data: unknown format `{name}`; dossier reads toml, json, yaml, csv and plain"
                ))
            })?),
        };
        if let Some(literal) = kwargs.get::<String>("literal")? {
            return parse(&literal, format.unwrap_or(Format::Plain));
        }
        if kwargs.get::<String>("url")?.is_some() {
            return Err(tera::Error::message(
                "load_data: dossier does not fetch addresses, so that a build reads only its own folder; save the file in the site and load it with `path`",
            ));
        }
        let path: String = kwargs.must_get("path")?;
        let required: bool = kwargs.get("required")?.unwrap_or(true);
        let Some(file) = self.find(&path, "load_data")? else {
            if required {
                return Err(tera::Error::message(format!(
                    "load_data: no file `{path}` in the site folder, static/ or content/ (`required=false` makes a missing file none)"
                )));
            }
            return Ok(Value::none());
        };
        let format = format.unwrap_or_else(|| Format::of(&file));
        let key = (file.clone(), format);
        if let Some(value) = self.read.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(value.clone());
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| tera::Error::message(format!("load_data: cannot read `{path}`: {e}")))?;
        let value =
            parse(&text, format).map_err(|e| tera::Error::message(format!("load_data: `{path}`: {e}")))?;
        self.read
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, value.clone());
        Ok(value)
    }

    /// `get_image_metadata(path=…, allow_missing=…)`: `width`, `height`, `format` and
    /// `mime` of an image, read from its header.
    pub(crate) fn image_metadata(&self, kwargs: &Kwargs, published: Option<&Published>) -> TeraResult<Value> {
        let path: String = kwargs.must_get("path")?;
        let allow_missing: bool = kwargs.get("allow_missing")?.unwrap_or(false);
        let found = match self.find(&path, "get_image_metadata")? {
            Some(file) => Some(file),
            None => published.and_then(|p| self.published_asset(p, &path)),
        };
        let Some(file) = found else {
            if allow_missing {
                return Ok(Value::none());
            }
            return Err(tera::Error::message(format!(
                "get_image_metadata: no image `{path}` in the site folder, static/ or content/"
            )));
        };
        let size = imagesize::size(&file)
            .map_err(|e| tera::Error::message(format!("get_image_metadata: `{path}`: {e}")))?;
        let format = file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let mime = mime_guess::from_path(&file).first_or_octet_stream().to_string();
        Ok(Value::from_serializable(&serde_json::json!({
            "width": size.width,
            "height": size.height,
            "format": format,
            "mime": mime,
        })))
    }

    /// The SHA-256 of the file `get_url(path=…, cachebust=true)` names, in hex, as Zola
    /// writes it.
    pub(crate) fn hash_of(&self, path: &str, published: Option<&Published>) -> TeraResult<String> {
        match self.found(path, "get_url", published)? {
            Some(Found::Compiled(css)) => Ok(css.sha256.clone()),
            found => Ok(crate::digest::sha256_hex(&read(path, "get_url", found)?)),
        }
    }

    /// `get_hash(path=… | literal=…, sha_type=256|384|512, base64=true)`: the digest of a
    /// file or a text, in base64 (for subresource integrity) or hex.
    pub(crate) fn get_hash(&self, kwargs: &Kwargs, published: Option<&Published>) -> TeraResult<Value> {
        use base64::Engine;
        use sha2::Digest;
        let bytes = match kwargs.get::<String>("literal")? {
            Some(text) => text.into_bytes(),
            None => self.bytes_of(&kwargs.must_get::<String>("path")?, "get_hash", published)?,
        };
        let digest: Vec<u8> = match kwargs.get::<i64>("sha_type")?.unwrap_or(384) {
            256 => sha2::Sha256::digest(&bytes).to_vec(),
            384 => sha2::Sha384::digest(&bytes).to_vec(),
            512 => sha2::Sha512::digest(&bytes).to_vec(),
            other => {
                return Err(tera::Error::message(format!(
                    "get_hash: `sha_type` is 256, 384 or 512, not {other}"
                )));
            }
        };
        Ok(Value::from(if kwargs.get::<bool>("base64")?.unwrap_or(true) {
            base64::engine::general_purpose::STANDARD.encode(&digest)
        } else {
            crate::digest::hex(&digest)
        }))
    }

    /// The file `path` names: the site's, else one the build publishes; `None` for
    /// neither. `function` names the caller in errors.
    fn found(&self, path: &str, function: &str, published: Option<&Published>) -> TeraResult<Option<Found>> {
        Ok(match self.find(path, function)? {
            Some(file) => Some(Found::File(file)),
            None => published.and_then(|p| match p.compiled.get(&normalized(path)) {
                Some(css) => Some(Found::Compiled(css.clone())),
                None => self.published_asset(p, path).map(Found::File),
            }),
        })
    }

    /// The bytes of the file `path` names (see [`DataFiles::found`]), else the built-in
    /// theme's static file. `function` names the caller in errors.
    fn bytes_of(&self, path: &str, function: &str, published: Option<&Published>) -> TeraResult<Vec<u8>> {
        read(path, function, self.found(path, function, published)?)
    }

    /// The bundle file published at `path` (an address after the base path, as Zola's
    /// output folder holds it: `ca/archive/card.jpg` for a translated section's file).
    fn published_asset(&self, published: &Published, path: &str) -> Option<PathBuf> {
        let address = format!("{}{}", published.base_path, normalized(path));
        let content_path = published.assets.get(&address)?;
        self.find(&format!("content/{content_path}"), "").ok().flatten()
    }

    /// The first of the folders holding `path`, confined to the site; `function` names the
    /// caller in errors.
    pub(crate) fn find(&self, path: &str, function: &str) -> TeraResult<Option<PathBuf>> {
        let path = match path.strip_prefix("@/") {
            Some(rest) => format!("content/{rest}"),
            None => path.trim_start_matches('/').to_owned(),
        };
        for folder in &self.folders {
            let file = self
                .site
                .file_in(folder, &path)
                .map_err(|why| tera::Error::message(format!("{function}: {why}")))?;
            let found = file.is_file();
            if let Some(looked_for) = self.looked_for.get() {
                let relative = match folder.as_str() {
                    "." => path.clone(),
                    _ => format!("{folder}/{path}"),
                };
                looked_for
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(relative, found);
            }
            if found {
                return Ok(Some(file));
            }
        }
        Ok(None)
    }

    /// Notes every file looked for from now on, for [`DataFiles::looked_for`].
    pub(crate) fn record(&self) {
        self.looked_for.get_or_init(Mutex::default);
    }

    /// Every file the template functions looked for since [`DataFiles::record`],
    /// relative to the site folder, with whether it was there, sorted.
    pub(crate) fn looked_for(&self) -> Vec<(String, bool)> {
        let Some(looked) = self.looked_for.get() else {
            return Vec::new();
        };
        let looked = looked.lock().unwrap_or_else(|e| e.into_inner());
        looked
            .iter()
            .map(|(path, found)| (path.clone(), *found))
            .collect()
    }
}

/// `path` without a leading `/` and with empty components dropped, as the file system
/// reads `a//b` as `a/b`.
fn normalized(path: &str) -> String {
    path.split('/')
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// The bytes of `found`, the file `path` names, else of the built-in theme's static file
/// of that path. `function` names the caller in errors.
fn read(path: &str, function: &str, found: Option<Found>) -> TeraResult<Vec<u8>> {
    match found {
        Some(Found::File(file)) => std::fs::read(&file)
            .map_err(|e| tera::Error::message(format!("{function}: cannot read `{path}`: {e}"))),
        Some(Found::Compiled(css)) => Ok(css.css.to_vec()),
        None => crate::theme::DEFAULT_THEME
            .get_file(format!("static/{}", path.trim_start_matches('/')))
            .map(|f| f.contents().to_vec())
            .ok_or_else(|| tera::Error::message(format!("{function}: no file `{path}`"))),
    }
}

fn parse(text: &str, format: Format) -> TeraResult<Value> {
    let failed = |e: String| tera::Error::message(e);
    let json: serde_json::Value = match format {
        Format::Plain => return Ok(Value::from(text)),
        Format::Toml => toml::from_str(text).map_err(|e| failed(format!("TOML: {}", e.message())))?,
        Format::Json => serde_json::from_str(text).map_err(|e| failed(format!("JSON: {e}")))?,
        Format::Yaml => serde_saphyr::from_str(text).map_err(|e| failed(format!("YAML: {e}")))?,
        Format::Csv => csv_value(text).map_err(|e| failed(format!("CSV: {e}")))?,
    };
    Ok(Value::from_serializable(&json))
}

/// `{ headers: [...], records: [[...], ...] }`, as Zola gives a CSV file.
fn csv_value(text: &str) -> Result<serde_json::Value, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    let mut records = Vec::new();
    for record in reader.records() {
        records.push(record?.iter().map(str::to_owned).collect::<Vec<_>>());
    }
    Ok(serde_json::json!({ "headers": headers, "records": records }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_read_as_zola_reads_them() {
        let csv = parse("Number, Title\n1,Gutenberg\n2,\"Printing, press\"\n", Format::Csv).unwrap();
        assert_eq!(
            csv.get_from_path("records").unwrap().as_array().unwrap()[1]
                .as_array()
                .unwrap()[1],
            Value::from("Printing, press")
        );
        let toml = parse("a = 1\n[b]\nc = \"x\"\n", Format::Toml).unwrap();
        assert_eq!(toml.get_from_path("b.c"), Some(&Value::from("x")));
        let yaml = parse("a:\n  - 1\n  - 2\n", Format::Yaml).unwrap();
        assert_eq!(yaml.get_from_path("a").unwrap().as_array().unwrap().len(), 2);
        assert!(parse("{", Format::Json).is_err());
    }
}
