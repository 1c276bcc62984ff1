pub mod callouts;
pub mod events;
pub mod frontmatter;
pub mod highlight;
pub mod markdown;
pub mod wikilinks;
