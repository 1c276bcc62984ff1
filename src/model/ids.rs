//! How the model refers to pages, sections, taxonomies, terms and events: by index into
//! `Site`'s vectors. A leaf of the model, so the types that point at pages (events,
//! indicators) need not import `Site` itself.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PageId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct SectionId(pub usize);

/// A page or a section: what a content path can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Item {
    Page(PageId),
    Section(SectionId),
}

/// A taxonomy, by its index in `Site::taxonomies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TaxonomyId(pub usize);

/// A term: its taxonomy and its index in that taxonomy's `terms` (ordered by taxonomy,
/// then term).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TermId {
    pub taxonomy: TaxonomyId,
    pub index: usize,
}

/// An event, by its index in `Site::events` (chronological order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct EventId(pub usize);
