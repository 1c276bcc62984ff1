pub mod callouts;
pub mod events;
pub mod figures;
pub mod frontmatter;
pub mod highlight;
pub mod judgments;
pub mod markdown;
pub mod wikilinks;
