//! Places one page again after its front matter changed what lists it or where (its date,
//! `updated`, weight, title or terms), so that `serve` can show the page itself, exactly as
//! a whole build would make it, before the model is built again for everything else.
//!
//! Only what the page's own output reads is made right: its fields, its neighbours, its
//! related pages, and the lists those are found in (its section's order, its terms' pages).
//! Then [`settle`] makes the rest of the model right (other pages' related lists and
//! backlinks, the page's event and its place on the timeline) when it can; otherwise the
//! caller builds the model again, from the files.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use crate::dates::{DateValue, EventDate};
use crate::model::resolve::{neighbours, order_pages, sort_pages};
use crate::model::site::{EventId, Item, PageId, SectionId, Site, TaxonomyId, TermId};
use crate::model::{links, related, timeline};
use crate::parse::frontmatter::{PageFrontMatter, SortBy};
use crate::slugs::path_slug;

/// A term a page now carries that no page did: it has no page until the model is built
/// again, but the page links to where it will be.
#[derive(Debug)]
pub(crate) struct NewTerm {
    pub taxonomy: TaxonomyId,
    pub name: String,
    pub slug: String,
    pub permalink: String,
}

/// What [`replace`] did: the terms it gives the page that no page had, and the model's
/// lists as they were before, which tell [`settle`] and the values after it what moved.
pub(crate) struct Placing {
    pub new_terms: Vec<NewTerm>,
    pub before: Before,
}

/// The placed page's lists, as they were before [`replace`].
pub(crate) struct Before {
    pub date: Option<DateValue>,
    pub updated: Option<DateValue>,
    /// What other pages, events and lists show of the page, and whether it is searched.
    pub title: String,
    pub description: Option<String>,
    pub in_search_index: Option<bool>,
    /// The terms that listed the page.
    pub terms: Vec<TermId>,
    /// The pages of every term that listed the page or lists it now, in their old order.
    pub term_pages: Vec<(TermId, Vec<PageId>)>,
    /// The pages of every section that lists the page, in their old order.
    pub section_pages: Vec<(SectionId, Vec<PageId>)>,
    /// Each page of the page's own section with its neighbours (`lower`, `higher`).
    pub neighbours: Vec<(PageId, Option<PageId>, Option<PageId>)>,
}

impl Before {
    /// The terms that listed the page or list it now.
    pub(crate) fn touched_terms(&self) -> impl Iterator<Item = TermId> + '_ {
        self.term_pages.iter().map(|(t, _)| *t)
    }

    /// The terms the page left or joined (their pages changed, not only their order),
    /// each with its number of pages before.
    pub(crate) fn moved_terms<'a>(&'a self, site: &'a Site) -> impl Iterator<Item = (TermId, usize)> + 'a {
        self.term_pages
            .iter()
            .filter(|(t, old)| site.term(*t).pages.len() != old.len())
            .map(|(t, old)| (*t, old.len()))
    }
}

/// Gives page `id` the front matter `meta` (which [`PageFrontMatter::same_but_placing`]
/// found placing it only) and places it again. `None`, with the site unchanged, when the
/// new front matter needs what only a whole build does: a date taken from the file name
/// again, an unknown taxonomy, a term that is empty or another spelling of a term, an
/// empty title (a warning), or events or indicators inheriting the page's terms.
pub(crate) fn replace(site: &mut Site, id: PageId, mut meta: PageFrontMatter) -> Option<Placing> {
    let page = site.page(id);
    let title = meta.title.clone().filter(|t| !t.trim().is_empty())?;
    let date = match (meta.date, page.meta.date) {
        (Some(d), _) => Some(d),
        // Both from the file name, whose date is the page's.
        (None, None) => page.date,
        (None, Some(_)) => return None,
    };
    // The events and indicators the page shows take its terms, and name it: remade only
    // by a whole build. (Its own date's event is on the timelines, not on the page.)
    if site.events.iter().any(|e| e.page == id && !e.is_page) || site.watch.iter().any(|w| w.page == id) {
        return None;
    }
    let (carried, new_terms) = terms_of(site, id, &meta.taxonomies)?;

    // The lists that held the page, and those that will.
    let held: Vec<TermId> = site
        .term_ids()
        .filter(|t| site.term(*t).pages.contains(&id))
        .collect();
    let mut lists = held.clone();
    lists.extend(&carried);
    lists.sort_unstable_by_key(|t| (t.taxonomy.0, t.index));
    lists.dedup();
    let own = site.page(id).section;
    let before = Before {
        date: site.page(id).date,
        updated: site.page(id).meta.updated,
        title: site.page(id).title.clone(),
        description: site.page(id).meta.description.clone(),
        in_search_index: site.page(id).meta.in_search_index,
        terms: held.clone(),
        term_pages: lists.iter().map(|t| (*t, site.term(*t).pages.clone())).collect(),
        section_pages: site
            .sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.pages.contains(&id))
            .map(|(i, s)| (SectionId(i), s.pages.clone()))
            .collect(),
        neighbours: site.sections[own.0]
            .pages
            .iter()
            .map(|p| (*p, site.page(*p).lower, site.page(*p).higher))
            .collect(),
    };
    let page = &mut site.pages[id.0];
    page.title = title;
    page.date = date;
    page.taxonomies = std::sync::Arc::new(std::mem::take(&mut meta.taxonomies));
    page.meta = meta;
    for t in &held {
        site.taxonomies[t.taxonomy.0].terms[t.index]
            .pages
            .retain(|p| *p != id);
    }
    for t in &carried {
        site.taxonomies[t.taxonomy.0].terms[t.index].pages.push(id);
    }
    for t in lists {
        let term = &mut site.taxonomies[t.taxonomy.0].terms[t.index];
        sort_pages(&mut term.pages, &site.pages, SortBy::Date);
    }
    for section in site.sections.iter_mut().filter(|s| s.pages.contains(&id)) {
        order_pages(section, &site.pages);
    }
    neighbours(own, &site.sections[own.0], &mut site.pages);
    site.pages[id.0].related = related::related_of(site, id);
    Some(Placing { new_terms, before })
}

/// Places page `id`, added since the model was built (pushed last, after the pages in
/// path order), as a whole build would place it: in its sections' and terms' lists, with
/// its neighbours and its related pages, so that its own output can be shown before the
/// model is built again for the rest. Returns the terms it is the first to carry. `None`,
/// with nothing placed, when only a whole build can tell what it makes: a URL another
/// page or section has, a translation of another page, or terms [`replace`] refuses.
pub(crate) fn add(site: &mut Site, id: PageId) -> Option<Vec<NewTerm>> {
    let page = site.page(id);
    let content_path = page.file.content_path.clone();
    let multilingual = site.config.languages.len() > 1;
    if site.by_content_path.contains_key(&content_path)
        || (multilingual && site.translations.contains_key(&page.canonical))
        || site
            .pages
            .iter()
            .take(id.0)
            .map(|p| &p.path)
            .chain(site.sections.iter().map(|s| &s.path))
            .any(|path| *path == page.path)
    {
        return None;
    }
    let (carried, new_terms) = terms_of(site, id, &page.taxonomies)?;
    if multilingual {
        let canonical = page.canonical.clone();
        site.translations.insert(canonical, vec![Item::Page(id)]);
    }
    site.by_content_path.insert(content_path, Item::Page(id));
    for t in &carried {
        let term = &mut site.taxonomies[t.taxonomy.0].terms[t.index];
        term.pages.push(id);
        sort_pages(&mut term.pages, &site.pages, SortBy::Date);
    }
    // Its section's list, and those of the transparent sections' parents its pages go up to.
    let own = site.page(id).section;
    let mut listing = Some(own);
    while let Some(s) = listing {
        let section = &mut site.sections[s.0];
        section.pages.push(id);
        order_pages(section, &site.pages);
        listing = section.parent.filter(|_| section.meta.transparent);
    }
    neighbours(own, &site.sections[own.0], &mut site.pages);
    site.pages[id.0].related = related::related_of(site, id);
    Some(new_terms)
}

/// What [`withdraw`] took page `id` out of, for [`restore`] to put it back.
pub(crate) struct Withdrawn {
    id: PageId,
    render: Option<bool>,
    links: Vec<crate::parse::markdown::OutLink>,
    by_content_path: Option<Item>,
    translations: Option<Vec<Item>>,
    sections: Vec<(SectionId, Vec<PageId>)>,
    terms: Vec<(TermId, Vec<PageId>)>,
    neighbours: Vec<(PageId, Option<PageId>, Option<PageId>)>,
}

/// Takes page `id`, whose file is gone, out of every list, and out of what other pages'
/// related pages are scored from, so that a page [`add`]ed after it is placed as a whole
/// build without it would place it: for `serve`, after an analysis was renamed. The page
/// stays in the model, unlisted and linking nowhere, until the model is built again.
pub(crate) fn withdraw(site: &mut Site, id: PageId) -> Withdrawn {
    let page = site.page(id);
    let (content_path, canonical) = (page.file.content_path.clone(), page.canonical.clone());
    let own = page.section;
    let sections: Vec<(SectionId, Vec<PageId>)> = site
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.pages.contains(&id))
        .map(|(i, s)| (SectionId(i), s.pages.clone()))
        .collect();
    let terms: Vec<(TermId, Vec<PageId>)> = site
        .term_ids()
        .filter(|t| site.term(*t).pages.contains(&id))
        .map(|t| (t, site.term(t).pages.clone()))
        .collect();
    let around = site.sections[own.0]
        .pages
        .iter()
        .map(|p| (*p, site.page(*p).lower, site.page(*p).higher))
        .collect();
    for (s, _) in &sections {
        site.sections[s.0].pages.retain(|p| *p != id);
    }
    for (t, _) in &terms {
        site.taxonomies[t.taxonomy.0].terms[t.index]
            .pages
            .retain(|p| *p != id);
    }
    neighbours(own, &site.sections[own.0], &mut site.pages);
    // Its translations, if any, stay each other's.
    let translations = site.translations.get(&canonical).cloned();
    if let Some(list) = site.translations.get_mut(&canonical) {
        list.retain(|item| *item != Item::Page(id));
        if list.is_empty() {
            site.translations.remove(&canonical);
        }
    }
    let page = &mut site.pages[id.0];
    Withdrawn {
        id,
        // Unlisted: no page's related page, nor counted in a term's rarity.
        render: page.meta.render.replace(false),
        links: std::mem::take(&mut page.converted.links),
        by_content_path: site.by_content_path.remove(&content_path),
        translations,
        sections,
        terms,
        neighbours: around,
    }
}

/// Puts back what [`withdraw`] took.
pub(crate) fn restore(site: &mut Site, withdrawn: Withdrawn) {
    let Withdrawn {
        id,
        render,
        links,
        by_content_path,
        translations,
        sections,
        terms,
        neighbours,
    } = withdrawn;
    let page = &mut site.pages[id.0];
    page.meta.render = render;
    page.converted.links = links;
    let (content_path, canonical) = (page.file.content_path.clone(), page.canonical.clone());
    if let Some(item) = by_content_path {
        site.by_content_path.insert(content_path, item);
    }
    if let Some(list) = translations {
        site.translations.insert(canonical, list);
    }
    for (s, pages) in sections {
        site.sections[s.0].pages = pages;
    }
    for (t, pages) in terms {
        site.taxonomies[t.taxonomy.0].terms[t.index].pages = pages;
    }
    for (p, lower, higher) in neighbours {
        let page = &mut site.pages[p.0];
        page.lower = lower;
        page.higher = higher;
    }
}

/// What [`settle`] changed beyond the placed page's own fields.
pub(crate) struct Settled {
    /// The pages whose template values show what moved, the page first: those whose
    /// related pages or neighbours changed, and after a new date, every page showing it
    /// (see [`shows_page`]).
    pub changed: Vec<PageId>,
    /// The pages whose events show what moved: the page, and after a new date the pages
    /// it cites (their events name it among their citers, newest first).
    pub cited: Vec<PageId>,
    /// After a new date moved the page's event: each event's id before, in the
    /// timeline's new order.
    pub events_from: Option<Vec<EventId>>,
}

/// After [`replace`] placed page `id` again, makes the rest of the model as a whole build
/// would: the related pages of every page that shares a term the page carried or carries
/// (a term's rarity, which weighs it, changed with its pages), and the page's own event.
/// A new date also moves the page's event on the timeline, reorders the backlinks of the
/// pages it cites, and, since ties in related pages go to the newer page and a common
/// term brings the pages nearest in date, rescores every page sharing a term or a link
/// with it. `None` when the edit changed what other pages show of it (its title or
/// description, which a body can print), whether it is searched (the number of the
/// index's files) or whether it has a date (an event more or less), when a section's
/// backlinks hold it (they reach every page in the section), or emptied a term: for a
/// whole build.
pub(crate) fn settle(site: &mut Site, id: PageId, before: &Before) -> Option<Settled> {
    let page = site.page(id);
    let redated = page.date != before.date || page.meta.updated != before.updated;
    if page.date.is_some() != before.date.is_some()
        || page.title != before.title
        || page.meta.description != before.description
        || page.meta.in_search_index != before.in_search_index
        || before.terms.iter().any(|t| site.term(*t).pages.is_empty())
        || (redated
            && site
                .sections
                .iter()
                .any(|s| s.backlinks.iter().any(|b| b.source == Item::Page(id))))
    {
        return None;
    }
    // The page's own event (every dated analysis is one) carries its terms.
    let taxonomies = std::sync::Arc::clone(&page.taxonomies);
    if let Some(event) = site.events.iter_mut().find(|e| e.page == id && e.is_page) {
        event.taxonomies = taxonomies;
    }
    let events_from = if page_moved(site, id, before) {
        Some(timeline::redate(site, id)?)
    } else {
        None
    };
    let linked = links_to(site, id);
    // Backlinks and ties between related pages are by date, not `updated`.
    let new_date = site.page(id).date != before.date;
    if new_date {
        links::reorder(site, &linked);
    }
    let mut changed = vec![id];
    if new_date || before.moved_terms(site).next().is_some() {
        let mut sharing: Vec<PageId> = before
            .touched_terms()
            .flat_map(|t| site.term(t).pages.iter().copied())
            .collect();
        if new_date {
            sharing.extend(&linked);
            sharing.extend(site.page(id).backlinks.iter().filter_map(|b| match b.source {
                Item::Page(p) => Some(p),
                Item::Section(_) => None,
            }));
        }
        sharing.retain(|p| *p != id);
        sharing.sort_unstable();
        sharing.dedup();
        changed.extend(related::rescore(site, &sharing));
    }
    for (p, lower, higher) in &before.neighbours {
        let now = site.page(*p);
        if *p != id && (now.lower != *lower || now.higher != *higher) {
            changed.push(*p);
        }
    }
    let mut cited = vec![id];
    if redated {
        changed.extend(shows_page(site, id, &linked));
        cited.extend(&linked);
    }
    let mut others = changed.split_off(1);
    others.retain(|p| *p != id);
    others.sort_unstable();
    others.dedup();
    changed.extend(others);
    cited.sort_unstable();
    cited.dedup();
    Some(Settled {
        changed,
        cited,
        events_from,
    })
}

/// Whether the date that places page `id`'s event on the timeline changed.
fn page_moved(site: &Site, id: PageId, before: &Before) -> bool {
    site.page(id).date.map(|d| EventDate::from_date(&d)) != before.date.map(|d| EventDate::from_date(&d))
}

/// The pages page `id` links to: those whose backlinks name it.
pub(crate) fn links_to(site: &Site, id: PageId) -> Vec<PageId> {
    (0..site.pages.len())
        .filter(|i| {
            site.pages[*i]
                .backlinks
                .iter()
                .any(|b| b.source == Item::Page(id))
        })
        .map(PageId)
        .collect()
}

/// The pages whose template values show page `id`'s title or date (besides its own):
/// those listing it as related, its neighbours, the pages it links to (`linked`: their
/// backlinks), the pages linking to it (their connected analyses) and its translations.
pub(crate) fn shows_page(site: &Site, id: PageId, linked: &[PageId]) -> Vec<PageId> {
    let page = site.page(id);
    let mut out: Vec<PageId> = page
        .backlinks
        .iter()
        .filter_map(|b| match b.source {
            Item::Page(p) => Some(p),
            Item::Section(_) => None,
        })
        .chain(page.lower)
        .chain(page.higher)
        .collect();
    out.extend_from_slice(linked);
    out.extend(
        (0..site.pages.len())
            .filter(|i| site.pages[*i].related.contains(&id))
            .map(PageId),
    );
    out.extend(
        site.translations_of(Item::Page(id))
            .iter()
            .filter_map(|t| match t {
                Item::Page(p) => Some(*p),
                Item::Section(_) => None,
            }),
    );
    out
}

/// The existing terms `taxonomies` give page `id`, and the new ones, as the build gathers them
/// (see `resolve::build_taxonomies`); `None` for what makes a diagnostic there. Terms are
/// found by slug in maps, not lists: a page may carry thousands.
fn terms_of(
    site: &Site,
    id: PageId,
    taxonomies: &BTreeMap<String, Vec<String>>,
) -> Option<(Vec<TermId>, Vec<NewTerm>)> {
    let page = site.page(id);
    let strategy = site.config.slugify.taxonomies;
    let mut carried = Vec::new();
    let mut new_terms: Vec<NewTerm> = Vec::new();
    // (taxonomy, slug) → its place in `new_terms`.
    let mut new_by_slug: HashMap<(usize, String), usize> = HashMap::new();
    for (tax, names) in taxonomies {
        let t = site
            .taxonomies
            .iter()
            .position(|t| t.lang == page.lang && t.config.name == *tax)?;
        let taxonomy = &site.taxonomies[t];
        let by_slug: HashMap<&str, usize> = taxonomy
            .terms
            .iter()
            .enumerate()
            .map(|(index, term)| (term.slug.as_str(), index))
            .collect();
        for name in names {
            let name = name.trim();
            let slug = path_slug(name, strategy);
            if slug.is_empty() {
                return None;
            }
            match by_slug.get(slug.as_str()) {
                // Another spelling of a term is a warning, and may rename the term.
                Some(&index) if taxonomy.terms[index].name != name => return None,
                Some(&index) => carried.push(TermId {
                    taxonomy: TaxonomyId(t),
                    index,
                }),
                None => match new_by_slug.entry((t, slug)) {
                    Entry::Occupied(known) => {
                        if new_terms[*known.get()].name != name {
                            return None;
                        }
                    }
                    Entry::Vacant(place) => {
                        let slug = place.key().1.clone();
                        // As `build_taxonomies` makes a term's address: under its taxonomy's.
                        let path = format!("{}{slug}/", taxonomy.path);
                        place.insert(new_terms.len());
                        new_terms.push(NewTerm {
                            taxonomy: TaxonomyId(t),
                            name: name.to_owned(),
                            permalink: site.config.permalink(&path),
                            slug,
                        });
                    }
                },
            }
        }
    }
    // A page that writes no output is in no list; one that repeats a term is listed once.
    if !page.has_output() {
        carried.clear();
    }
    carried.sort_unstable_by_key(|t| (t.taxonomy.0, t.index));
    carried.dedup();
    Some((carried, new_terms))
}
