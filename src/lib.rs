//! dossier: a static site generator for people who publish analyses.
//!
//! The library is the whole pipeline; the `dossier` binary only parses arguments and
//! prints what the library returns. Nothing here prints or exits.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod build;
pub mod config;
mod confine;
pub(crate) mod dates;
pub mod diagnostic;
pub(crate) mod html;
pub mod incremental;
pub mod init;
pub mod linkcheck;
pub mod load;
pub mod model;
pub mod output_path;
pub mod parse;
pub mod render;
pub mod serve;
pub mod slugs;
pub(crate) mod spans;
pub mod theme;
pub mod write;
