//! The site model and the stages that build it.
pub mod citations;
pub mod content;
pub mod dated;
pub mod ids;
pub mod link_targets;
pub mod links;
pub mod related;
pub mod resolve;
pub mod site;
pub mod sources;
pub mod timeline;
pub mod watch;

#[cfg(test)]
mod markdown_tests;
