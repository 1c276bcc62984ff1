//! The Tera instance: templates from the theme and the site, dossier's filters, and the
//! functions theme authors call (`get_url`, `get_page`, `get_section`, `get_taxonomy`,
//! `get_taxonomy_url`). Template errors become diagnostics naming the template file.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, RwLock, RwLockReadGuard};

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::dates::DateValue;
use crate::diagnostic::{Diagnostic, Location, did_you_mean};
use crate::theme::TemplateSource;

/// What the template functions can look up: built once per build, and patched in place by
/// `serve` when an edit changes a page's value.
#[derive(Default)]
pub(crate) struct Lookups {
    pub base_url: String,
    /// Content path → page or section value.
    pub pages: HashMap<String, Value>,
    pub sections: HashMap<String, Value>,
    /// Content path → permalink.
    pub permalinks: HashMap<String, String>,
    /// (Language, taxonomy name) → (taxonomy value, term name and term slug → term
    /// permalink).
    pub taxonomies: HashMap<(String, String), (Value, HashMap<String, String>)>,
    /// The site's default language, which `lang=` arguments default to.
    pub default_language: String,
    /// Every language's strings for `trans`, by code (the default's from `[translations]`).
    pub translations: BTreeMap<String, BTreeMap<String, String>>,
    /// Every language's date locale, by code, as the configuration found it.
    pub date_locales: BTreeMap<String, Option<pure_rust_locales::Locale>>,
    /// Every language's `script_words`, by code: made once, since every page asks.
    pub script_words: BTreeMap<String, Value>,
    /// Every language's `words` (`render::words::as_value`), by code: what `trans` gives
    /// without `count=`, shared rather than looked up and copied at each call, and the
    /// event partial's `words`, which is its event's language's.
    pub words: BTreeMap<String, Value>,
    /// The day of the build, which `now()` gives (at midnight UTC, so that output stays
    /// the same all day: rendering reads no clock).
    pub today: Option<jiff::civil::Date>,
    /// The bundle files and compiled stylesheets the build publishes, for
    /// `responsive_images` and the functions that read files.
    pub published: Arc<super::data::Published>,
    /// How term names become slugs (`slugify.taxonomies`), to find a term by any spelling.
    pub term_slugs: crate::slugs::Strategy,
    /// `markdown.smart_punctuation`, which the `markdown` filter follows as Zola's does.
    pub smart_punctuation: bool,
}

impl Lookups {
    /// Empty lookups that know the site's languages.
    pub(crate) fn of_languages(config: &crate::config::Config) -> Lookups {
        let mut lookups = Lookups {
            default_language: config.default_language.clone(),
            term_slugs: config.slugify.taxonomies,
            smart_punctuation: config.markdown.smart_punctuation,
            translations: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), l.translations.clone()))
                .collect(),
            date_locales: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), l.date_locale))
                .collect(),
            ..Lookups::default()
        };
        lookups.script_words = lookups
            .translations
            .keys()
            .map(|code| {
                (
                    code.clone(),
                    Value::from_serializable(&lookups.words(code).script_words()),
                )
            })
            .collect();
        lookups.words = lookups
            .translations
            .keys()
            .map(|code| (code.clone(), super::words::as_value(&lookups.words(code))))
            .collect();
        lookups
    }

    /// The `lang=` argument, else the default language; an error for a language the site
    /// does not have.
    fn lang<'a>(&'a self, function: &str, kwargs: &'a Kwargs) -> TeraResult<Cow<'a, str>> {
        // Borrowed, not formatted into a new string: every page calls this many times.
        let lang: Option<Cow<str>> = kwargs.get("lang")?;
        let lang = lang.unwrap_or(Cow::Borrowed(&self.default_language));
        if !self.translations.contains_key(lang.as_ref()) {
            let codes: Vec<&str> = self.translations.keys().map(String::as_str).collect();
            return Err(tera::Error::message(format!(
                "{function}: `{lang}` is not a language of the site (its languages: {}; declare one with [languages.{lang}] in config.toml)",
                codes.join(", ")
            )));
        }
        Ok(lang)
    }

    /// The words of `lang`, a language of the site (checked by [`Lookups::lang`]).
    fn words<'a>(&'a self, lang: &'a str) -> super::words::Words<'a> {
        static EMPTY: super::words::Strings = BTreeMap::new();
        let default = self.translations.get(&self.default_language).unwrap_or(&EMPTY);
        let own = self.translations.get(lang).unwrap_or(default);
        let words = super::words::Words::new(lang, own, &self.default_language, default);
        match self.date_locales.get(lang) {
            Some(locale) => words.with_locale(*locale),
            None => words,
        }
    }

    /// A content path in `lang`, as Zola names translations: `blog/page.md` in `fr` is
    /// `blog/page.fr.md`; the default language's is the path itself.
    fn in_lang(&self, path: &str, lang: &str) -> String {
        if lang == self.default_language {
            return path.to_owned();
        }
        match path.rfind('.') {
            Some(dot) if !path[dot..].contains('/') => format!("{}.{lang}{}", &path[..dot], &path[dot..]),
            _ => format!("{path}.{lang}"),
        }
    }
}

pub(crate) struct Templates {
    pub tera: Tera,
    pub sources: BTreeMap<String, TemplateSource>,
    /// Filled in once the site model is final; the template functions read it. Tera checks
    /// that every function a template calls exists when the template is added, so the
    /// functions are registered first and find their data here later.
    lookups: Arc<RwLock<Option<Lookups>>>,
    /// The images `resize_image` was asked for, made once rendering is done.
    images: Arc<crate::images::Images>,
    /// The site's files the template functions read (`load_data`, `get_hash`, …).
    files: Arc<super::data::DataFiles>,
    /// Once [`Templates::record_reads`] is called, the addresses `get_url(path="@/…")`
    /// and `get_taxonomy_url` looked up, by [`Address`] key, with what they found.
    addresses: Arc<Looked>,
}

/// Address lookups noted for the build cache: unset (no lock, no key made) unless a
/// build keeps a cache, since every page calls `get_taxonomy_url` for each of its terms.
type Looked = OnceLock<Mutex<BTreeMap<String, Option<String>>>>;

/// Notes that the lookup `address` found `found`, if lookups are being noted.
fn note(looked: &Looked, address: Address, found: Option<&String>) {
    if let Some(looked) = looked.get() {
        looked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(address.key(), found.cloned());
    }
}

impl Templates {
    /// Parses every template of the site at `root` (whose theme is `theme`, if not the
    /// built-in one). Errors name the file, line and column.
    pub(crate) fn new(
        sources: BTreeMap<String, TemplateSource>,
        root: &std::path::Path,
        theme: Option<&str>,
    ) -> Result<Templates, Diagnostic> {
        let mut tera = Tera::new();
        register_filters(&mut tera);
        super::tera1::register(&mut tera);
        let lookups = Arc::new(RwLock::new(None));
        let data = super::data::DataFiles::new(root, theme);
        let addresses = Arc::new(Looked::new());
        register_functions(&mut tera, &lookups, &data, &addresses);
        let files = data.clone();
        tera.register_function("load_data", move |kwargs: Kwargs, _: &State| files.load(&kwargs));
        let files = data.clone();
        let l = lookups.clone();
        tera.register_function("get_hash", move |kwargs: Kwargs, _: &State| {
            files.get_hash(&kwargs, lookups_read(&l).as_ref().map(|l| &*l.published))
        });
        let files = data.clone();
        let l = lookups.clone();
        tera.register_function("get_image_metadata", move |kwargs: Kwargs, _: &State| {
            files.image_metadata(&kwargs, lookups_read(&l).as_ref().map(|l| &*l.published))
        });
        let images = crate::images::Images::new(root);
        register_responsive_images(&mut tera, &lookups, data.clone(), images.clone());
        register_resize_image(&mut tera, &lookups, data.clone(), images.clone());
        // Tera 1's macros, positional test arguments and optional includes, as Tera 2
        // reads them (a Tera 2 template is left as it is); messages show the text as written.
        let translated = super::tera1::translate_all(
            sources
                .iter()
                .map(|(name, s)| (name.as_str(), s.text.as_str(), !s.built_in)),
        );
        tera.add_raw_templates(translated.iter().map(|(name, text)| (*name, text.as_str())))
            .map_err(|e| template_error(&e, &sources, None))?;
        Ok(Templates {
            tera,
            sources,
            lookups,
            images,
            files: data,
            addresses,
        })
    }

    /// The images asked for so far, to make once outputs are rendered.
    pub(crate) fn images(&self) -> &crate::images::Images {
        &self.images
    }

    /// Notes from now on what the template functions read besides the values: the
    /// site's files they look for and the addresses they look up, for the build cache.
    pub(crate) fn record_reads(&self) {
        self.files.record();
        self.addresses.get_or_init(Mutex::default);
    }

    /// Every file of the site the template functions looked for since
    /// [`Templates::record_reads`], relative to the site folder, with whether it was there.
    pub(crate) fn files_looked_for(&self) -> Vec<(String, bool)> {
        self.files.looked_for()
    }

    /// The addresses `get_url(path="@/…")` and `get_taxonomy_url` looked up since
    /// [`Templates::record_reads`], by [`Address`] key, with what they found.
    pub(crate) fn addresses_looked_up(&self) -> Vec<(String, Option<String>)> {
        let Some(looked) = self.addresses.get() else {
            return Vec::new();
        };
        let looked = looked.lock().unwrap_or_else(|e| e.into_inner());
        looked.iter().map(|(k, u)| (k.clone(), u.clone())).collect()
    }

    /// What the lookup `key` (an [`Address`] key) finds now.
    pub(crate) fn address_now(&self, key: &str) -> Option<String> {
        let guard = lookups_read(&self.lookups);
        let l = guard.as_ref()?;
        match Address::from_key(key)? {
            Address::Page(path) => l.permalinks.get(path).cloned(),
            Address::Term { lang, kind, name } => term_url(l, lang, kind, name),
        }
    }

    /// Gives the template functions the site's data.
    pub(crate) fn set_lookups(&self, lookups: Lookups) {
        *self.lookups.write().unwrap_or_else(|e| e.into_inner()) = Some(lookups);
    }

    /// The `words` of the language `code` (see [`Lookups::words`]), once the site's data
    /// is given.
    pub(crate) fn words(&self, code: &str) -> Option<Value> {
        let lookups = self.lookups.read().unwrap_or_else(|e| e.into_inner());
        lookups.as_ref()?.words.get(code).cloned()
    }

    /// Changes the site's data in place (between renders).
    pub(crate) fn update_lookups(&self, change: impl FnOnce(&mut Lookups)) {
        if let Some(l) = self.lookups.write().unwrap_or_else(|e| e.into_inner()).as_mut() {
            change(l);
        }
    }

    /// For each template, whether it (or a template it extends, includes or imports) calls
    /// a function that can read any page: `get_page`, `get_section`, `get_taxonomy`,
    /// `get_taxonomy_term` (a term's pages), `backlinks`, `related`. (`get_url` and
    /// `get_taxonomy_url` read only addresses, which the build cache records.) An edit to one page must re-render every output made with
    /// such a template; other outputs only show the pages in their own context.
    pub(crate) fn reads_everything(&self) -> HashMap<String, bool> {
        let calls = regex::Regex::new(
            r"\b(get_page|get_section|get_taxonomy|get_taxonomy_term|backlinks|related)\s*\(",
        )
        .expect("a valid pattern");
        let graph = self.uses();
        self.sources
            .keys()
            .map(|name| {
                let reads = closure(&graph, name)
                    .iter()
                    .any(|n| self.sources.get(*n).is_some_and(|s| calls.is_match(&s.text)));
                (name.clone(), reads)
            })
            .collect()
    }

    /// Whether template `name`, or a template it extends, includes or imports, can show
    /// the field `field` of the variable `variable` (see `render::field_reads`).
    pub(crate) fn may_read(&self, name: &str, variable: &str, field: &str) -> bool {
        self.closure_texts(name)
            .iter()
            .any(|text| super::field_reads::may_read(text, variable, field))
    }

    /// The texts of template `name` and of those it extends, includes or imports.
    fn closure_texts(&self, name: &str) -> Vec<&str> {
        let graph = self.uses();
        closure(&graph, name)
            .iter()
            .filter_map(|n| self.sources.get(*n).map(|s| s.text.as_str()))
            .collect()
    }

    /// Which of an analysis page's own values template `name`, or a template it extends,
    /// includes or imports, can show (see `render::job::Shows`).
    pub(super) fn shows(&self, name: &str) -> super::job::Shows {
        let texts = self.closure_texts(name);
        let any = |variable: &str| texts.iter().any(|t| super::field_reads::may_show(t, variable));
        super::job::Shows {
            connected: any("connected"),
            connected_html: any("connected_html"),
            connections_svg: any("connections_svg"),
            page_events: any("page_events"),
        }
    }

    /// Which of `fields` of a page's value every template reads only off the output's own
    /// page (see `render::field_reads::own_page_fields`). All of them, used or not: a
    /// page's value is shared by every output that lists it.
    pub(crate) fn own_page_fields(&self, fields: &[&str]) -> Vec<bool> {
        super::field_reads::own_page_fields(self.sources.values().map(|s| s.text.as_str()), fields)
    }

    /// Whether any template calls the function `name`.
    pub(crate) fn call(&self, name: &str) -> bool {
        let call = regex::Regex::new(&format!(r"\b{}\s*\(", regex::escape(name))).expect("a valid pattern");
        self.sources.values().any(|s| call.is_match(&s.text))
    }

    /// The templates whose output can change when the given templates change: those that
    /// extend, include or import one of them, directly or not (and the templates themselves).
    pub(crate) fn dependents(&self, changed: &[&str]) -> std::collections::HashSet<String> {
        let graph = self.uses();
        self.sources
            .keys()
            .filter(|name| closure(&graph, name).iter().any(|n| changed.contains(n)))
            .cloned()
            .collect()
    }

    /// Each template's direct uses: the names in its `extends`, `include` and `import` tags.
    fn uses(&self) -> HashMap<&str, Vec<&str>> {
        let tags =
            regex::Regex::new(r#"\{%-?\s*(?:extends|include|import)\s+([^%]*)%\}"#).expect("a valid pattern");
        let quoted = regex::Regex::new(r#""([^"]+)"|'([^']+)'"#).expect("a valid pattern");
        self.sources
            .iter()
            .map(|(name, s)| {
                let used = tags
                    .captures_iter(&s.text)
                    .flat_map(|c| {
                        quoted
                            .captures_iter(c.get(1).map_or("", |m| m.as_str()))
                            .filter_map(|q| q.get(1).or_else(|| q.get(2)).map(|m| m.as_str()))
                            .collect::<Vec<_>>()
                    })
                    .collect();
                (name.as_str(), used)
            })
            .collect()
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// A suggestion for a template name that does not exist.
    pub(crate) fn suggest(&self, name: &str) -> String {
        did_you_mean(name, self.sources.keys().map(String::as_str)).unwrap_or_else(|| {
            let names: Vec<&str> = self
                .sources
                .keys()
                .map(String::as_str)
                .filter(|n| !n.starts_with("partials/") && !n.starts_with("macros/"))
                .collect();
            format!("available templates: {}", names.join(", "))
        })
    }

    pub(crate) fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|e| template_error(&e, &self.sources, Some(name)))
    }
}

/// A template and every template it uses, directly or not.
fn closure<'a>(graph: &HashMap<&'a str, Vec<&'a str>>, name: &'a str) -> std::collections::HashSet<&'a str> {
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![name];
    while let Some(n) = stack.pop() {
        if seen.insert(n)
            && let Some(used) = graph.get(n)
        {
            stack.extend(used.iter().copied());
        }
    }
    seen
}

/// `resize_image(path, width, height, op, format, quality, speed)`, as in Zola: the new
/// image's `url`, `static_path`, `width`, `height`, `orig_width` and `orig_height`.
fn register_resize_image(
    tera: &mut Tera,
    lookups: &Arc<RwLock<Option<Lookups>>>,
    files: Arc<super::data::DataFiles>,
    images: Arc<crate::images::Images>,
) {
    let l = lookups.clone();
    tera.register_function(
        "resize_image",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let fail = |why: String| tera::Error::message(format!("resize_image: {why}"));
            let path: String = kwargs.must_get("path")?;
            let file = files.find(&path, "resize_image")?.ok_or_else(|| {
                fail(format!(
                    "no image `{path}` in the site folder, static/ or content/"
                ))
            })?;
            let op = kwargs.get::<String>("op")?;
            let format = kwargs.get::<String>("format")?;
            let request = crate::images::Request {
                op: op.as_deref().unwrap_or("fill"),
                width: kwargs.get("width")?,
                height: kwargs.get("height")?,
                format: format.as_deref().unwrap_or("auto"),
                quality: kwargs.get("quality")?,
                speed: kwargs.get("speed")?,
            };
            let resized = images
                .resize(&file, &request)
                .map_err(|why| fail(format!("`{path}`: {why}")))?;
            let guard = lookups_read(&l);
            let base_url = guard.as_ref().map_or("/", |l| l.base_url.as_str());
            Ok(Value::from_serializable(&serde_json::json!({
                "url": format!("{base_url}{}", resized.path),
                "static_path": resized.path,
                "width": resized.width,
                "height": resized.height,
                "orig_width": resized.orig_width,
                "orig_height": resized.orig_height,
            })))
        },
    );
}

/// `{{ html | responsive_images }}`: smaller copies of the site's images in `srcset`
/// (`render::responsive_images`), through `resize_image`'s machinery.
fn register_responsive_images(
    tera: &mut Tera,
    lookups: &Arc<RwLock<Option<Lookups>>>,
    files: Arc<super::data::DataFiles>,
    images: Arc<crate::images::Images>,
) {
    let l = lookups.clone();
    tera.register_filter(
        "responsive_images",
        move |value: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
            let html = <&str as tera::ArgFromValue>::from_value(value)?;
            let guard = lookups_read(&l);
            let Some(lookups) = guard.as_ref() else {
                return Ok(safe_html(value, Cow::Borrowed(html)));
            };
            let base_path = crate::config::base_path_of(&lookups.base_url);
            let out = super::responsive_images::add(html, |src| {
                // A bundle's file, else a static one.
                let file = match lookups.published.assets.get(src) {
                    Some(content_path) => files.find(&format!("content/{content_path}"), "").ok()??,
                    None => {
                        let rest = src.strip_prefix(base_path.as_str())?;
                        files.find(&format!("static/{rest}"), "").ok()??
                    }
                };
                let (width, height) = images.size(&file).ok()?;
                let smaller = super::responsive_images::WIDTHS
                    .iter()
                    .filter(|w| **w < width)
                    .filter_map(|w| {
                        let request = crate::images::Request {
                            op: "fit_width",
                            width: Some(i64::from(*w)),
                            height: None,
                            format: "auto",
                            quality: None,
                            speed: None,
                        };
                        let resized = images.resize(&file, &request).ok()?;
                        Some((format!("{base_path}{}", resized.path), resized.width))
                    })
                    .collect();
                Some(super::responsive_images::Set {
                    width,
                    height,
                    smaller,
                })
            });
            Ok(safe_html(value, out))
        },
    );
}

/// What a filter on HTML (`margin_notes`, `responsive_images`) made of `value`, as a safe
/// string: `value` itself, shared rather than copied, when the filter borrowed it whole
/// (most pages have neither notes nor images, and the content is most of a page).
fn safe_html(value: &Value, out: Cow<'_, str>) -> Value {
    match out {
        Cow::Borrowed(_) if value.is_safe() => value.clone(),
        out => Value::safe_string(&out),
    }
}

fn lookups_read(l: &RwLock<Option<Lookups>>) -> RwLockReadGuard<'_, Option<Lookups>> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

fn register_functions(
    tera: &mut Tera,
    lookups: &Arc<RwLock<Option<Lookups>>>,
    files: &Arc<super::data::DataFiles>,
    addresses: &Arc<Looked>,
) {
    fn read(l: &RwLock<Option<Lookups>>) -> RwLockReadGuard<'_, Option<Lookups>> {
        l.read().unwrap_or_else(|e| e.into_inner())
    }
    fn data<'a>(guard: &'a RwLockReadGuard<'_, Option<Lookups>>) -> TeraResult<&'a Lookups> {
        guard
            .as_ref()
            .ok_or_else(|| tera::Error::message("site data is not ready"))
    }
    let l = lookups.clone();
    tera.register_filter("markdown", move |text: &str, kwargs: Kwargs, _: &State| {
        let smart = read(&l).as_ref().is_some_and(|l| l.smart_punctuation);
        markdown_filter(text, &kwargs, smart)
    });
    let l = lookups.clone();
    let f = files.clone();
    let looked = addresses.clone();
    tera.register_function("get_url", move |kwargs: Kwargs, _: &State| {
        let url = get_url(data(&read(&l))?, &kwargs, &looked)?;
        // `cachebust=true`: the file's hash as a query, so a changed file is fetched anew.
        if kwargs.get::<bool>("cachebust")?.unwrap_or(false) {
            let path: String = kwargs.must_get("path")?;
            let hash = f.hash_of(&path, read(&l).as_ref().map(|l| &*l.published))?;
            return Ok(Value::from(format!(
                "{}?h={hash}",
                url.as_str().unwrap_or_default()
            )));
        }
        Ok(url)
    });
    let l = lookups.clone();
    tera.register_function("now", move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let today = data(&read(&l))?
            .today
            .ok_or_else(|| tera::Error::message("now: the day of the build is not known yet"))?;
        let midnight = today
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map_err(|e| tera::Error::message(e.to_string()))?;
        if kwargs.get::<bool>("timestamp")?.unwrap_or(false) {
            return Ok(Value::from(midnight.timestamp().as_second()));
        }
        Ok(Value::from(midnight.timestamp().to_string()))
    });
    // `lang=` looks for the translation, as in Zola: `blog/page.md` in `fr` is
    // `blog/page.fr.md`.
    let l = lookups.clone();
    tera.register_function("get_page", move |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        let guard = read(&l);
        let data = data(&guard)?;
        let lang = data.lang("get_page", &kwargs)?;
        data.pages
            .get(&data.in_lang(path.trim_start_matches("@/"), &lang))
            .cloned()
            .ok_or_else(|| match kwargs.get::<String>("lang").ok().flatten() {
                Some(lang) => {
                    tera::Error::message(format!("get_page: no page at `{path}` in the language `{lang}`"))
                }
                None => tera::Error::message(format!("get_page: no page at `{path}`")),
            })
    });
    let l = lookups.clone();
    tera.register_function("get_section", move |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        let guard = read(&l);
        let data = data(&guard)?;
        let lang = data.lang("get_section", &kwargs)?;
        data.sections
            .get(&data.in_lang(path.trim_start_matches("@/"), &lang))
            .cloned()
            .ok_or_else(|| match kwargs.get::<String>("lang").ok().flatten() {
                Some(lang) => tera::Error::message(format!(
                    "get_section: no section at `{path}` in the language `{lang}`"
                )),
                None => tera::Error::message(format!("get_section: no section at `{path}`")),
            })
    });
    // `trans(key=…, lang=…)`: the language's string from config.toml, as in Zola; with
    // `count=`, the plural form of the key for that count (`key_one`, `key_other`…).
    let l = lookups.clone();
    tera.register_function("trans", move |kwargs: Kwargs, _: &State| {
        let key: Cow<str> = kwargs.must_get("key")?;
        let guard = read(&l);
        let data = data(&guard)?;
        let count = kwargs.get::<usize>("count")?;
        if count.is_none() {
            let lang = kwargs.get::<&str>("lang")?.unwrap_or(&data.default_language);
            let words = data.words.get(lang).and_then(Value::as_map);
            if let Some(text) = words.and_then(|words| words.get(&tera::value::Key::Str(&key))) {
                return Ok(text.clone());
            }
        }
        let lang = data.lang("trans", &kwargs)?;
        let words = data.words(&lang);
        let text = match count {
            Some(n) => words.count(&key, n),
            None => words.lookup(&key).map(str::to_owned),
        };
        // `default=`: what to show when no one gives the key (a taxonomy's name, which a
        // site may translate as `dossier_taxonomy_tags`).
        if text.is_none()
            && let Some(default) = kwargs.get::<String>("default")?
        {
            return Ok(Value::from(default));
        }
        text.map(Value::from).ok_or_else(|| {
            let table = if lang == data.default_language {
                "[translations]".to_owned()
            } else {
                format!("[languages.{lang}.translations]")
            };
            let (key, form) = match kwargs.get::<usize>("count").ok().flatten() {
                Some(_) => (format!("{key}_other"), " (and its other plural forms)"),
                None => (key.into_owned(), ""),
            };
            let near = did_you_mean(&key, words.own().keys().map(String::as_str))
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            tera::Error::message(format!(
                "trans: no translation of `{key}` for the language `{lang}`{near}; add `{key} = \"…\"`{form} to {table} in config.toml"
            ))
        })
    });
    // `trans_forms(key=…, lang=…)`: every plural form of a counted key, `{count}` left in,
    // and the language whose rules choose among them, for the theme's scripts.
    let l = lookups.clone();
    tera.register_function("trans_forms", move |kwargs: Kwargs, _: &State| {
        let key: String = kwargs.must_get("key")?;
        let guard = read(&l);
        let data = data(&guard)?;
        let lang = data.lang("trans_forms", &kwargs)?;
        let forms = data.words(&lang).forms(&key).ok_or_else(|| {
            tera::Error::message(format!(
                "trans_forms: no translation of `{key}_other` for the language `{lang}`"
            ))
        })?;
        Ok(Value::from_serializable(&forms))
    });
    // `script_words(lang=…)`: the default theme's scripts' words that differ from the
    // English they hold (`render::words::SCRIPT_WORDS`), for `data-words`; an empty map
    // (false in an `if`) when there are none.
    let l = lookups.clone();
    tera.register_function("script_words", move |kwargs: Kwargs, _: &State| {
        let guard = read(&l);
        let data = data(&guard)?;
        let lang = data.lang("script_words", &kwargs)?;
        Ok(data
            .script_words
            .get(lang.as_ref())
            .cloned()
            .unwrap_or_else(Value::none))
    });
    // `date` with `lang=`: the language's month and weekday names (see `date_filter`).
    let l = lookups.clone();
    tera.register_filter("date", move |val: &Value, kwargs: Kwargs, state: &State| {
        let locale = match kwargs.get::<&Value>("lang")? {
            Some(_) => {
                let guard = read(&l);
                let data = data(&guard)?;
                let lang = data.lang("date", &kwargs)?;
                Some(data.words(&lang).locale())
            }
            None => None,
        };
        date_filter(val, kwargs, state, locale)
    });
    // `backlinks(path=…)` and `related(path=…)` read the lists off the page or section.
    for (name, field) in [("backlinks", "backlinks"), ("related", "related")] {
        let l = lookups.clone();
        tera.register_function(name, move |kwargs: Kwargs, _: &State| {
            let path: String = kwargs.must_get("path")?;
            let key = path.trim_start_matches("@/");
            let guard = read(&l);
            let data = data(&guard)?;
            let item = data
                .pages
                .get(key)
                .or_else(|| data.sections.get(key))
                .ok_or_else(|| tera::Error::message(format!("{name}: no page or section at `{path}`")))?;
            Ok(item
                .get_from_path(field)
                .cloned()
                .unwrap_or_else(|| Value::from(Vec::<Value>::new())))
        });
    }
    let l = lookups.clone();
    tera.register_function("get_taxonomy", move |kwargs: Kwargs, _: &State| {
        let kind: String = kwargs.must_get("kind")?;
        let guard = read(&l);
        let data = data(&guard)?;
        let lang = data.lang("get_taxonomy", &kwargs)?;
        data.taxonomies
            .get(&(lang.into_owned(), kind.clone()))
            .map(|(v, _)| v.clone())
            .ok_or_else(|| tera::Error::message(format!("get_taxonomy: no taxonomy `{kind}`")))
    });
    let l = lookups.clone();
    tera.register_function("get_taxonomy_term", move |kwargs: Kwargs, _: &State| {
        let kind: String = kwargs.must_get("kind")?;
        let term: String = kwargs.must_get("term")?;
        let guard = read(&l);
        let data = data(&guard)?;
        let lang = data.lang("get_taxonomy_term", &kwargs)?;
        let (taxonomy, _) = data
            .taxonomies
            .get(&(lang.into_owned(), kind.clone()))
            .ok_or_else(|| tera::Error::message(format!("get_taxonomy_term: no taxonomy `{kind}`")))?;
        let slug = crate::slugs::path_slug(&term, data.term_slugs);
        taxonomy
            .get_from_path("items")
            .and_then(|items| items.as_array())
            .and_then(|items| {
                items.iter().find(|item| {
                    item.get_from_path("name").and_then(|n| n.as_str()) == Some(term.as_str())
                        || item.get_from_path("slug").and_then(|s| s.as_str()) == Some(slug.as_str())
                })
            })
            .cloned()
            .ok_or_else(|| tera::Error::message(format!("get_taxonomy_term: no term `{term}` in `{kind}`")))
    });
    let l = lookups.clone();
    let looked = addresses.clone();
    tera.register_function("get_taxonomy_url", move |kwargs: Kwargs, _: &State| {
        let kind: String = kwargs.must_get("kind")?;
        // `term` in Zola 0.23, `name` before it.
        let name: String = match kwargs.get("term")? {
            Some(term) => term,
            None => kwargs.must_get("name")?,
        };
        // `required=false`: none for a term (or taxonomy) no page uses, as in Zola.
        let required: bool = kwargs.get("required")?.unwrap_or(true);
        let guard = read(&l);
        let data = data(&guard)?;
        let lang = data.lang("get_taxonomy_url", &kwargs)?;
        if !data.taxonomies.contains_key(&(lang.to_string(), kind.clone())) {
            if !required {
                return Ok(Value::none());
            }
            return Err(tera::Error::message(format!(
                "get_taxonomy_url: no taxonomy `{kind}`"
            )));
        }
        let found = term_url(data, &lang, &kind, &name);
        let address = Address::Term {
            lang: &lang,
            kind: &kind,
            name: &name,
        };
        note(&looked, address, found.as_ref());
        match found {
            Some(url) => Ok(Value::from(url)),
            None if !required => Ok(Value::none()),
            None => Err(tera::Error::message(format!(
                "get_taxonomy_url: no term `{name}` in `{kind}` (`required=false` makes a missing term none)"
            ))),
        }
    });
}

/// A lookup of an address that a template function made: what an output depends on
/// besides its values, which the build cache records by [`Address::key`] and checks
/// with [`Templates::address_now`].
enum Address<'a> {
    /// `get_url(path="@/…")`: a page's or section's content path.
    Page(&'a str),
    /// `get_taxonomy_url`.
    Term {
        lang: &'a str,
        kind: &'a str,
        name: &'a str,
    },
}

impl<'a> Address<'a> {
    /// Parts are joined by the unit separator, which no language code, taxonomy name or
    /// content path contains.
    fn key(&self) -> String {
        match self {
            Address::Page(path) => format!("@/{path}"),
            Address::Term { lang, kind, name } => format!("term\u{1f}{lang}\u{1f}{kind}\u{1f}{name}"),
        }
    }

    fn from_key(key: &'a str) -> Option<Address<'a>> {
        if let Some(path) = key.strip_prefix("@/") {
            return Some(Address::Page(path));
        }
        let mut parts = key.strip_prefix("term\u{1f}")?.splitn(3, '\u{1f}');
        Some(Address::Term {
            lang: parts.next()?,
            kind: parts.next()?,
            name: parts.next()?,
        })
    }
}

/// The address of the term `name` of the taxonomy `kind` in `lang`: by name, else by
/// slug as Zola looks terms up, so every spelling of a term finds it (`Rust`, `rust`),
/// as a page's own `taxonomies` list may spell it. Slugifying only on a miss keeps the
/// common call a map lookup.
fn term_url(data: &Lookups, lang: &str, kind: &str, name: &str) -> Option<String> {
    let (_, terms) = data.taxonomies.get(&(lang.to_owned(), kind.to_owned()))?;
    terms
        .get(name)
        .or_else(|| terms.get(&crate::slugs::path_slug(name, data.term_slugs)))
        .cloned()
}

/// `get_url`; a page's or section's address (`@/…`) is noted in `looked_up`, as what
/// the output depends on besides its values (see `crate::cache`).
fn get_url(l: &Lookups, kwargs: &Kwargs, looked_up: &Looked) -> TeraResult<Value> {
    let path: String = kwargs.must_get("path")?;
    let trailing_slash: bool = kwargs.get("trailing_slash")?.unwrap_or(false);
    let lang = l.lang("get_url", kwargs)?;
    if let Some(content) = path.strip_prefix("@/") {
        let (p, anchor) = content
            .split_once('#')
            .map_or((content, None), |(p, a)| (p, Some(a)));
        // As Zola: `lang="fr"` links to the translation, `@/blog/page.fr.md`.
        let p = l.in_lang(p, &lang);
        let found = l.permalinks.get(&p);
        note(looked_up, Address::Page(&p), found);
        let url =
            found.ok_or_else(|| tera::Error::message(format!("get_url: no page or section at `@/{p}`")))?;
        return Ok(Value::from(match anchor {
            Some(a) => format!("{url}#{a}"),
            None => url.clone(),
        }));
    }
    if path.contains("://") {
        return Ok(Value::from(path));
    }
    let path = path.trim_start_matches('/');
    // Another language's address is under its code, unless the path already is.
    let mut url = if lang != l.default_language && !(path == lang || path.starts_with(&format!("{lang}/"))) {
        format!("{}{lang}/{path}", l.base_url)
    } else {
        format!("{}{path}", l.base_url)
    };
    if trailing_slash && !url.ends_with('/') {
        url.push('/');
    }
    Ok(Value::from(url))
}

/// Text made safe inside a BibTeX field's braces: LaTeX's special characters escaped.
fn bibtex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Zola's `num_format(locale="en")`: an integer with the locale's thousands separators
/// (`1,234,567`; `de`: `1.234.567`).
fn num_format_filter(v: i64, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    use num_format::ToFormattedString;
    let name: String = kwargs.get("locale")?.unwrap_or_else(|| "en".to_owned());
    let locale = num_format::Locale::from_name(&name).map_err(|_| {
        tera::Error::message(format!(
            "num_format: unknown locale `{name}`; a CLDR name such as `en`, `de`, `fr`, `uk`"
        ))
    })?;
    Ok(v.to_formatted_string(&locale))
}

/// The filters that need no site data (`date`, which reads a language's locale, is
/// registered with the functions).
fn register_filters(tera: &mut Tera) {
    tera.register_filter("slugify", |v: &str, _: Kwargs, _: &State| {
        crate::slugs::slugify(v)
    });
    tera.register_filter("slug", |v: &str, _: Kwargs, _: &State| crate::slugs::slugify(v));
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter("urlencode_strict", tera_contrib::urlencode::urlencode_strict);
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    tera.register_filter("striptags", tera_contrib::regex::striptags);
    tera.register_filter("spaceless", tera_contrib::regex::spaceless);
    tera.register_filter("json_ld", json_ld_filter);
    tera.register_filter("bibtex", |v: &str, _: Kwargs, _: &State| bibtex_escape(v));
    tera.register_filter("num_format", num_format_filter);
    // The built-in theme's sidenotes; the content stays as Zola gives it (see the module).
    tera.register_filter(
        "margin_notes",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
            let html = <&str as tera::ArgFromValue>::from_value(v)?;
            Ok(safe_html(v, super::margin_notes::add(html)))
        },
    );
    tera.register_filter("base64_encode", |v: &str, _: Kwargs, _: &State| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(v)
    });
    tera.register_filter(
        "base64_decode",
        |v: &str, _: Kwargs, _: &State| -> TeraResult<String> {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(v.trim())
                .map_err(|e| tera::Error::message(format!("base64_decode: {e}")))?;
            String::from_utf8(bytes).map_err(|_| tera::Error::message("base64_decode: the text is not UTF-8"))
        },
    );
    tera.register_filter(
        "regex_replace",
        |v: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let pattern: &str = kwargs.must_get("pattern")?;
            let rep: &str = kwargs.must_get("rep")?;
            let re = regex::Regex::new(pattern)
                .map_err(|e| tera::Error::message(format!("regex_replace: {e}")))?;
            Ok(re.replace_all(v, rep).into_owned())
        },
    );
    tera.register_filter("json_ld_people", |v: &Value, _: Kwargs, _: &State| {
        let names: Vec<Value> = v
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|name| {
                        let mut person = tera::value::Map::new();
                        person.insert(tera::value::Key::Str("@type"), Value::from("Person"));
                        person.insert(tera::value::Key::Str("name"), name.clone());
                        Value::from(person)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Value::from(names)
    });
}

/// A report of an unknown filter, test, function or component: its message, template,
/// line and column.
fn unknown_reference(text: &str) -> Option<(String, &str, usize, usize)> {
    let pattern = regex::Regex::new(
        r"(?m)^(?:error: )?(Unknown (?:filter|test|function|component) `[^`]+`)\s*\n\s*--> (.+):(\d+):(\d+)\s*$",
    )
    .expect("a valid pattern");
    let found = pattern.captures(text)?;
    Some((
        found.get(1)?.as_str().to_owned(),
        found.get(2)?.as_str(),
        found.get(3)?.as_str().parse().ok()?,
        found.get(4)?.as_str().parse().ok()?,
    ))
}

/// `{{ text | markdown }}` (Zola's filter): the text as HTML, with tables, footnotes,
/// strikethrough and task lists; `inline=true` drops the paragraph around a single one.
/// Like Zola's, the result is escaped unless marked `| safe`.
fn markdown_filter(text: &str, kwargs: &Kwargs, smart_punctuation: bool) -> TeraResult<String> {
    use pulldown_cmark::{Options, Parser, html};
    let inline: bool = kwargs.get("inline")?.unwrap_or(false);
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    options.set(Options::ENABLE_SMART_PUNCTUATION, smart_punctuation);
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(text, options));
    if inline {
        let trimmed = out.trim_end();
        if let Some(inner) = trimmed.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>"))
            && !inner.contains("<p>")
        {
            return Ok(inner.to_owned());
        }
    }
    Ok(out)
}

/// `{{ value | json_ld }}`: JSON for a `<script type="application/ld+json">`, without the
/// null and empty fields, and with `<`, `>` and `&` escaped so nothing in it (a title
/// containing `</script>`) can end the script early.
fn json_ld_filter(val: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let mut json = String::with_capacity(512);
    if !write_json(val, &mut json) {
        json.push_str("{}");
    }
    // One pass for the characters that could close the script or start markup.
    let mut escaped = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => escaped.push_str("\\u003c"),
            '>' => escaped.push_str("\\u003e"),
            '&' => escaped.push_str("\\u0026"),
            c => escaped.push(c),
        }
    }
    Ok(Value::safe_string(&escaped))
}

/// Writes `v` as JSON, leaving out nulls, empty strings and empty lists and maps (and
/// the keys holding them); false when nothing was written. Written directly rather than
/// through `serde_json::Value`: this runs once per analysis.
fn write_json(v: &Value, out: &mut String) -> bool {
    if v.is_none() || v.is_undefined() {
        return false;
    }
    if let Some(s) = v.as_str() {
        if s.is_empty() {
            return false;
        }
        out.push_str(&serde_json::Value::from(s).to_string());
        return true;
    }
    if let Some(items) = v.as_array() {
        return write_items(out, ('[', ']'), items.iter().map(|item| (None, item)));
    }
    if let Some(map) = v.as_map() {
        return write_items(
            out,
            ('{', '}'),
            map.iter().map(|(k, item)| (Some(k.to_string()), item)),
        );
    }
    match serde_json::to_string(v) {
        Ok(text) => {
            out.push_str(&text);
            true
        }
        Err(_) => false,
    }
}

/// A JSON array or object of the items that are not left out (see [`write_json`]);
/// false, and nothing written, when every item is.
fn write_items<'a>(
    out: &mut String,
    (open, close): (char, char),
    items: impl Iterator<Item = (Option<String>, &'a Value)>,
) -> bool {
    let start = out.len();
    out.push(open);
    let mut any = false;
    for (key, item) in items {
        let before = out.len();
        if any {
            out.push(',');
        }
        if let Some(key) = key {
            out.push_str(&serde_json::Value::from(key).to_string());
            out.push(':');
        }
        if write_json(item, out) {
            any = true;
        } else {
            out.truncate(before);
        }
    }
    if !any {
        out.truncate(start);
        return false;
    }
    out.push(close);
    true
}

/// `{{ page.date | date(format="%e %B %Y") }}` with strftime specifiers; `lang_locale` is
/// the locale of a `lang=` argument (`Some(None)`: a language glibc has no names for).
fn date_filter(
    val: &Value,
    kwargs: Kwargs,
    _: &State,
    lang_locale: Option<Option<pure_rust_locales::Locale>>,
) -> TeraResult<String> {
    let format: Cow<str> = kwargs.get("format")?.unwrap_or(Cow::Borrowed("%Y-%m-%d"));
    // `timezone="Europe/Paris"`: a moment is shown in that zone (a date alone is a day
    // everywhere, and is shown as it is).
    let zone = match kwargs.get::<Cow<str>>("timezone")? {
        Some(name) => Some(
            jiff::tz::TimeZone::get(&name)
                .map_err(|e| tera::Error::message(format!("date: unknown time zone `{name}`: {e}")))?,
        ),
        None => None,
    };
    let shown = |zoned: jiff::Zoned| match &zone {
        Some(tz) => zoned.with_time_zone(tz.clone()),
        None => zoned,
    };
    let failed = |e: jiff::Error| tera::Error::message(e.to_string());
    use jiff::fmt::strtime::BrokenDownTime;
    // A number is seconds since 1970 (as `now(timestamp=true)` gives), in UTC.
    let time: BrokenDownTime = if let Some(seconds) = val.as_i64() {
        let moment = jiff::Timestamp::from_second(seconds).map_err(failed)?;
        (&shown(moment.to_zoned(jiff::tz::TimeZone::UTC))).into()
    } else {
        let text = val.as_str().ok_or_else(|| {
            tera::Error::message(format!("date: expected a date string, got {}", val.name()))
        })?;
        // A time without an offset is taken as UTC where a zone is given, as Zola takes it.
        DateValue::parse(text)
            .map_err(tera::Error::message)?
            .broken_down(zone.as_ref())
            .map_err(failed)?
    };
    // `locale="uk_UA"`: month and weekday names in that language (`lang=` names it too,
    // but a locale given is the one asked for).
    let locale = match kwargs.get::<Cow<str>>("locale")? {
        Some(name) => Some(crate::date_locale::parse(&name).map_err(tera::Error::message)?),
        None => lang_locale.flatten(),
    };
    crate::date_locale::format(&format, locale, &time).map_err(tera::Error::message)
}

/// A Tera error as a diagnostic at the template file's line and column.
pub(super) fn template_error(
    err: &tera::Error,
    sources: &BTreeMap<String, TemplateSource>,
    rendering: Option<&str>,
) -> Diagnostic {
    use tera::ErrorKind;
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    let (message, location) = match err.kind() {
        ErrorKind::SyntaxError(report)
            if let Some(src) = sources.get(report.filename())
                && let Some(imbalance) = super::tag_balance::find(&src.text) =>
        {
            return imbalance_error(src, imbalance);
        }
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let file = sources.get(report.filename());
            let location = match file {
                Some(src) => Location::at_line(
                    &src.display_path,
                    &src.text,
                    report.span().start_line,
                    Some(report.span().start_col + 1),
                ),
                None => Location::file(report.filename()),
            };
            (report.message().to_owned(), Some(location))
        }
        ErrorKind::MissingParent { current, parent } => (
            format!("`{current}` extends `{parent}`, which does not exist"),
            sources.get(current).map(|s| Location::file(&s.display_path)),
        ),
        ErrorKind::TemplateNotFound(name) => (format!("template `{name}` not found"), None),
        // Tera checks the filters, tests, functions and components a template names once
        // all are added, and reports each with its own rendering of the place: the first
        // is reported, at the template as written.
        ErrorKind::Msg(text) if let Some((message, name, line, column)) = unknown_reference(text) => (
            message,
            sources
                .get(name)
                .map(|s| Location::at_line(&s.display_path, &s.text, line, Some(column))),
        ),
        _ => (
            err.to_string(),
            rendering
                .and_then(|n| sources.get(n))
                .map(|s| Location::file(&s.display_path)),
        ),
    };
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    let undefined = undefined_variable(message);
    let mut d = match &undefined {
        Some((name, _)) => Diagnostic::error(format!("template error: `{name}` is not defined here")),
        None => Diagnostic::error(format!("template error: {message}")),
    };
    if let Some(l) = location {
        d = d.at(l);
    }
    if let Some((_, available)) = &undefined {
        causes.insert(0, format!("defined here: {}", available.join(", ")));
    }
    if !causes.is_empty() {
        d = d.detail(causes.join("\n"));
    }
    let suggestion = undefined
        .as_ref()
        .and_then(|(name, available)| did_you_mean(name, available.iter().copied()));
    match (suggestion, rendering) {
        (Some(s), Some(name)) => d = d.hint(format!("{s} (while rendering with `{name}`)")),
        (Some(s), None) => d = d.hint(s),
        (None, Some(name)) => d = d.hint(format!("while rendering with `{name}`")),
        (None, None) => {}
    }
    d
}

/// Tera's "Variable `titel` is not defined. Available variables: config, page, …": the
/// name, and the names that were defined, to suggest one and list them apart from the
/// message (on one line they ran to hundreds of characters).
fn undefined_variable(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("Variable `")?;
    let (name, rest) = rest.split_once("` is not defined.")?;
    let available = rest
        .trim()
        .strip_prefix("Available variables:")
        .map(|list| list.split(',').map(str::trim).filter(|v| !v.is_empty()).collect())
        .unwrap_or_default();
    Some((name, available))
}

/// A template whose block tags do not pair up: the error is at the tag left open (or the
/// stray closing tag), not where Tera gave up.
fn imbalance_error(src: &TemplateSource, imbalance: super::tag_balance::Imbalance) -> Diagnostic {
    use super::tag_balance::{Imbalance, closer};
    let at = |p: super::tag_balance::Position| {
        Location::at_line(&src.display_path, &src.text, p.line, Some(p.column))
    };
    match imbalance {
        Imbalance::Unclosed {
            tag,
            at: opened,
            before,
        } => {
            let end = closer(&tag);
            let hint = match before {
                Some((other, p)) => format!(
                    "add `{{% {end} %}}` before the `{{% {other} %}}` at line {}, column {}",
                    p.line, p.column
                ),
                None => format!("add `{{% {end} %}}` where the `{tag}` block should end"),
            };
            Diagnostic::error(format!("template error: this `{{% {tag} %}}` is never closed"))
                .at(at(opened))
                .hint(hint)
        }
        Imbalance::Stray { tag, at: p } => {
            Diagnostic::error(format!("template error: `{{% {tag} %}}` closes nothing"))
                .at(at(p))
                .hint("remove it, or add the tag it should close above it")
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bibtex_escapes_what_latex_reads_specially() {
        assert_eq!(
            super::bibtex_escape(r"Costs & 50% {more} #1 a_b ~x^2 \ $"),
            r"Costs \& 50\% \{more\} \#1 a\_b \textasciitilde{}x\textasciicircum{}2 \textbackslash{} \$"
        );
    }
}
