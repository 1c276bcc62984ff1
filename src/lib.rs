//! dossier: a static site generator for people who publish analyses.
//!
//! The library is the whole pipeline; the `dossier` binary only parses arguments and
//! prints what the library returns. Nothing here prints or exits.
//!
//! Public are the modules the binary drives (`build`, `incremental`, `serve`, `init`) and
//! the diagnostics they return; the stages themselves are the crate's own.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod build;
pub(crate) mod cache;
pub(crate) mod charts;
pub(crate) mod config;
mod confine;
pub(crate) mod date_locale;
pub(crate) mod dates;
pub(crate) mod deferred;
pub mod diagnostic;
pub(crate) mod digest;
pub(crate) mod html;
pub(crate) mod images;
pub mod incremental;
pub mod init;
pub(crate) mod linkcheck;
pub(crate) mod load;
pub(crate) mod model;
pub(crate) mod output_path;
pub(crate) mod packed;
pub(crate) mod parse;
#[doc(hidden)]
pub mod probe;
pub(crate) mod render;
#[doc(hidden)]
pub mod sass;
pub mod serve;
pub(crate) mod slugs;
pub(crate) mod spans;
pub(crate) mod spill;
pub(crate) mod stored;
pub(crate) mod theme;
pub(crate) mod words;
pub(crate) mod write;
