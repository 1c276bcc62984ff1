//! How the model refers to pages and sections: by index into `Site`'s vectors. A leaf of
//! the model, so the types that point at pages (events, indicators) need not import
//! `Site` itself.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub usize);

/// A page or a section: what a content path can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    Page(PageId),
    Section(SectionId),
}
