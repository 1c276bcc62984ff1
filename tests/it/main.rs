//! Integration tests for dossier: each test copies a tiny fixture site from
//! `tests/fixtures/`, runs the real `dossier` binary on it and checks the HTML it wrote.

mod browser;
mod harness;

mod accessibility;
mod architecture;
mod archive;
mod budget;
mod build;
mod cache;
mod charts;
mod cite;
mod cli;
mod compat;
mod crawl;
mod crosslinks;
mod disable_pages;
mod error_output;
mod errors;
mod example;
mod feeds_seo;
mod hardening;
// Also compiled into benches/markdown.rs, which uses what the tests do not.
#[allow(dead_code)]
mod fragments;
mod front;
mod hostile;
mod images;
mod in_browser;
mod incremental;
mod init;
mod judgments;
mod languages;
mod lighthouse;
mod links;
mod live_reload;
mod margin_notes;
mod markdown;
mod minify;
mod ordering;
mod publish;
mod sass;
mod screenshots;
mod search;
mod serve;
mod shortcodes;
mod sources;
mod taxonomies;
mod templated_content;
mod tera1;
mod timeline;
mod timeline_layout;
mod watch;
