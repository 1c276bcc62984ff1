//! The site model and the stages that build it.
pub(crate) mod citations;
pub(crate) mod content;
pub(crate) mod dated;
pub(crate) mod ids;
pub(crate) mod link_targets;
pub(crate) mod links;
pub(crate) mod placing;
pub(crate) mod related;
pub(crate) mod resolve;
pub(crate) mod site;
pub(crate) mod sources;
pub(crate) mod timeline;
pub(crate) mod watch;

#[cfg(test)]
mod markdown_tests;
