//! The site model and the stages that build it.
pub mod content;
pub mod dated;
pub mod ids;
pub mod links;
pub mod related;
pub mod resolve;
pub mod site;
pub mod sources;
pub mod timeline;
pub mod watch;
