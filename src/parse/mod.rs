pub mod frontmatter;
pub mod highlight;
pub mod markdown;
