//! The site model and the stages that build it.
pub mod content;
pub mod resolve;
pub mod site;
