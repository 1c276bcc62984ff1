//! A page's connected analyses: the documents that cite it (with the words around each
//! link), those it cites and its related analyses, each listed once, and a small
//! diagram numbering them the way the list does. One block in place of three lists
//! that repeated the same analyses, and a picture whose labels are the list's numbers,
//! so it reads at any width and costs a few hundred bytes a page.
//!
//! A template gets the list as values (`connected`) and as the default theme shows it
//! (`connected_html`), each made only where the template can show it: written here, the
//! list costs about a fifth of what a Tera loop over its values did (the two were 5% of
//! a 10,000-page build's CPU), as `connections_svg` is written here for the diagram.

use std::fmt::Write as _;
use std::sync::OnceLock;

use serde::Serialize;
use tera::Value;

use super::job::Shows;
use crate::dates::DateValue;
use crate::html::escape_attr as esc;
use crate::model::site::{Item, PageId, Site};
use crate::render::words::Words;

/// How a neighbour relates to the page, strongest first: the order of the list's groups.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Relation {
    /// It links here.
    CitesThis,
    /// The page links to it.
    CitedHere,
    /// It shares the page's rarer terms.
    Related,
}

impl Relation {
    fn class(self) -> &'static str {
        match self {
            Relation::CitesThis => "cites-this",
            Relation::CitedHere => "cited-here",
            Relation::Related => "related",
        }
    }

    /// The theme word naming it ("cites this").
    fn key(self) -> &'static str {
        match self {
            Relation::CitesThis => "dossier_relation_cites_this",
            Relation::CitedHere => "dossier_relation_cited_here",
            Relation::Related => "dossier_relation_related",
        }
    }
}

/// One analysis (or section) in the list.
struct Entry<'a> {
    title: &'a str,
    path: &'a str,
    date: Option<DateValue>,
    relations: Vec<Relation>,
    /// The words around its link here, when it cites this page.
    excerpt: Option<&'a str>,
    /// Its description, when it has no excerpt to show.
    summary: Option<&'a str>,
}

/// One analysis (or section) in the list, for templates.
#[derive(Serialize)]
struct Neighbour<'a> {
    title: &'a str,
    path: &'a str,
    date: Option<String>,
    /// The relations' classes (`cites-this`, `cited-here`, `related`), strongest first.
    relations: Vec<&'static str>,
    /// "cites this, related".
    label: String,
    excerpt: Option<&'a str>,
    summary: Option<&'a str>,
}

impl<'a> Entry<'a> {
    /// The entry as `connected` lists it, its relations named in `words`.
    fn neighbour(&self, words: &Words) -> Neighbour<'a> {
        Neighbour {
            title: self.title,
            path: self.path,
            date: self.date.map(|d| d.to_string()),
            relations: self.relations.iter().map(|r| r.class()).collect(),
            label: label(&self.relations, words),
            excerpt: self.excerpt,
            summary: self.summary,
        }
    }
}

/// "cites this, related".
fn label(relations: &[Relation], words: &Words) -> String {
    let mut label = String::new();
    for (i, r) in relations.iter().enumerate() {
        if i > 0 {
            label.push_str(", ");
        }
        label.push_str(words.get(r.key()));
    }
    label
}

/// The diagram shows the first this many; the list holds every one.
const DRAWN: usize = 10;

/// Neighbours, each with its relations, strongest first, and the words around its link
/// here when it cites the page.
type Neighbours<'a> = Vec<(Item, Vec<Relation>, Option<&'a str>)>;

/// The page's neighbours in list order: those citing it (newest first, as backlinks are),
/// those it links to (in the order of the text), related ones (by rank).
fn neighbours<'a>(site: &'a Site, id: PageId) -> Neighbours<'a> {
    let page = site.page(id);
    let mut order: Neighbours<'a> = Vec::new();
    let mut index: rustc_hash::FxHashMap<Item, usize> = rustc_hash::FxHashMap::default();
    let mut add = |item: Item, rel: Relation, excerpt: Option<&'a str>| {
        if item == Item::Page(id) {
            return;
        }
        let at = *index.entry(item).or_insert_with(|| {
            order.push((item, Vec::new(), None));
            order.len() - 1
        });
        let entry = &mut order[at];
        if !entry.1.contains(&rel) {
            entry.1.push(rel);
        }
        entry.2 = entry.2.or(excerpt);
    };
    for b in &page.backlinks {
        add(
            b.source,
            Relation::CitesThis,
            Some(b.excerpt.as_str()).filter(|e| !e.is_empty()),
        );
    }
    for l in &page.converted.links {
        // Analyses in its own language: a link to another language's (the original of a
        // translation) stays a link in the text, not a connection.
        if let Some(item) = site.by_content_path.get(&l.target)
            && site.item_lang(*item) == page.lang
        {
            add(*item, Relation::CitedHere, None);
        }
    }
    for r in &page.related {
        add(Item::Page(*r), Relation::Related, None);
    }
    // Grouped by strongest relation, each group in the order it was found.
    order.sort_by_key(|(_, rels, _)| rels[0]);
    order
}

/// The page's neighbours as the list shows them, and the diagram, each made if `shows`
/// asks for it. `None` when the page has none.
fn connected(site: &Site, id: PageId, shows: Shows) -> Option<Values> {
    let page = site.page(id);
    let order = neighbours(site, id);
    if order.is_empty() {
        return None;
    }
    let words = Words::of(&site.config, &page.lang);
    let svg = shows
        .connections_svg
        .then(|| Value::safe_string(&diagram(&order, &words)));
    let entries: Vec<Entry<'_>> = order
        .into_iter()
        .map(|(item, relations, excerpt)| {
            let (title, path, date, description) = match item {
                Item::Page(p) => {
                    let p = site.page(p);
                    (
                        p.title.as_str(),
                        p.path.as_str(),
                        p.date,
                        p.meta.description.as_deref(),
                    )
                }
                Item::Section(s) => {
                    let s = site.section(s);
                    (s.title(), s.path.as_str(), None, s.meta.description.as_deref())
                }
            };
            Entry {
                title,
                path,
                date,
                relations,
                summary: if excerpt.is_some() { None } else { description },
                excerpt,
            }
        })
        .collect();
    let html = shows
        .connected_html
        .then(|| Value::safe_string(&list_html(&entries, &words)));
    let list = shows.connected.then(|| {
        let list: Vec<Neighbour<'_>> = entries.iter().map(|e| e.neighbour(&words)).collect();
        Value::from_serializable(&list)
    });
    Some(Values { list, html, svg })
}

/// The list as the default theme shows it (`partials/connected.html`), the same bytes its
/// loop over `connected` wrote: each analysis linked, with its date, its relations and
/// the words around its link here or else its description, everything escaped as Tera
/// escapes it.
fn list_html(entries: &[Entry<'_>], words: &Words) -> String {
    let mut out = String::with_capacity(entries.len() * 400);
    out.push_str("<ol>\n  ");
    for e in entries {
        let classes: Vec<&str> = e.relations.iter().map(|r| r.class()).collect();
        let _ = write!(
            out,
            "<li class=\"{}\"><a href=\"{}\">{}</a>",
            classes.join(" "),
            esc(e.path),
            esc(e.title)
        );
        if let Some(d) = e.date {
            let shown = d
                .broken_down(None)
                .map(|t| words.format("dossier_date_format_short", &t))
                .unwrap_or_default();
            let _ = write!(
                out,
                " <time datetime=\"{}\">{}</time>",
                esc(&d.to_string()),
                esc(&shown)
            );
        }
        let first = e.relations.first().map_or("", |r| r.class());
        let _ = write!(
            out,
            " <span class=\"rel {first}\">{}</span>",
            esc(&label(&e.relations, words))
        );
        match (
            e.excerpt.filter(|x| !x.is_empty()),
            e.summary.filter(|x| !x.is_empty()),
        ) {
            (Some(excerpt), _) => {
                let _ = write!(
                    out,
                    "<blockquote class=\"excerpt\"><p>{}</p></blockquote>",
                    esc(excerpt)
                );
            }
            (None, Some(summary)) => {
                let _ = write!(out, "<p class=\"summary\">{}</p>", esc(summary));
            }
            (None, None) => {}
        }
        out.push_str("</li>\n  ");
    }
    out.push_str("</ol>");
    out
}

/// Each page's `connected`, `connected_html` and `connections_svg` values, made when the
/// page is rendered: only its own output shows them, so a build that takes most outputs
/// from the build cache makes few. Fingerprints use [`Connected::fingerprint`], which
/// makes none.
pub(crate) struct Connected {
    /// The values made so far, one slot a page, when they are kept for the page's next
    /// render (`serve`'s, after a template edit); `None` in a build, which renders each
    /// page once: kept, they would hold some 10 KB a page until its end.
    kept: Option<Vec<OnceLock<Option<Values>>>>,
}

/// A page's connected analyses as its templates can show them: the list as values
/// (`connected`), the same list as HTML (`connected_html`) and the diagram
/// (`connections_svg`), each `None` unless asked for.
#[derive(Clone)]
pub(super) struct Values {
    pub(super) list: Option<Value>,
    pub(super) html: Option<Value>,
    pub(super) svg: Option<Value>,
}

impl Connected {
    pub(crate) fn new(site: &Site, keep: bool) -> Connected {
        Connected {
            kept: keep.then(|| (0..site.pages.len()).map(|_| OnceLock::new()).collect()),
        }
    }

    /// Page `id`'s values that `shows` asks for, made now unless kept from before; `None`
    /// without neighbours. Kept values are all made, whatever the template asked for:
    /// the next template may ask for others.
    pub(super) fn get(&self, site: &Site, id: PageId, shows: Shows) -> Option<Values> {
        match &self.kept {
            Some(kept) => kept[id.0].get_or_init(|| connected(site, id, Shows::ALL)).clone(),
            None => connected(site, id, shows),
        }
    }

    /// Makes room for the values of a page added to the model, numbered after the rest.
    pub(crate) fn push(&mut self) {
        if let Some(kept) = &mut self.kept {
            kept.push(OnceLock::new());
        }
    }

    /// Forgets page `id`'s values, after an edit changed what they show.
    pub(crate) fn forget(&mut self, id: PageId) {
        if let Some(slot) = self.kept.as_mut().and_then(|kept| kept.get_mut(id.0)) {
            *slot = OnceLock::new();
        }
    }

    /// A fingerprint of page `id`'s values, for its output's, made without making them:
    /// everything the list and the diagram are made from, hashed as it is. What each
    /// neighbour shows of itself (see [`Shown`]); its relations, which also name it in
    /// the diagram, in list order; its excerpt; and the page's language, whose words
    /// label them.
    pub(crate) fn fingerprint(site: &Site, shown: &Shown, id: PageId) -> u64 {
        use std::hash::{Hash, Hasher};
        let order = neighbours(site, id);
        let mut h = crate::digest::fingerprinter();
        site.page(id).lang.hash(&mut h);
        order.len().hash(&mut h);
        for (item, relations, excerpt) in &order {
            shown.of(*item).hash(&mut h);
            relations.hash(&mut h);
            excerpt.hash(&mut h);
        }
        h.finish()
    }
}

/// What the connected analyses show of each page and section, hashed once for the
/// fingerprints of all the pages that list it: its title, address, date and description.
pub(crate) struct Shown {
    pages: Vec<u64>,
    sections: Vec<u64>,
}

impl Shown {
    /// What is shown of `item`, hashed, told from a section's by its kind.
    pub(crate) fn of(&self, item: Item) -> (u8, u64) {
        match item {
            Item::Page(p) => (0, self.pages[p.0]),
            Item::Section(s) => (1, self.sections[s.0]),
        }
    }

    pub(crate) fn new(site: &Site) -> Shown {
        use crate::digest::fingerprint_of;
        use rayon::prelude::*;
        Shown {
            pages: site
                .pages
                .par_iter()
                .map(|p| fingerprint_of((&p.title, &p.path, p.date, &p.meta.description)))
                .collect(),
            sections: site
                .sections
                .iter()
                .map(|s| fingerprint_of((s.title(), &s.path, &s.meta.description)))
                .collect(),
        }
    }
}

/// "3 cite this analysis, it cites 2, 5 are related": the diagram's text alternative.
fn description(counts: [usize; 3], words: &Words) -> String {
    let keys = [
        "dossier_connections_cite_this",
        "dossier_connections_it_cites",
        "dossier_connections_related",
    ];
    let parts: Vec<String> = keys
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(key, n)| words.counted(key, n, &[]))
        .collect();
    let parts = crate::render::words::capitalised(&parts.join(", "));
    words.fill("dossier_connections_numbered", &[("parts", &parts)])
}

/// The page in the middle, its first neighbours on a circle around it, numbered as in
/// the list, with one path per relation for the edges (dashes and dots tell them apart
/// without colour).
fn diagram(order: &[(Item, Vec<Relation>, Option<&str>)], words: &Words) -> String {
    const C: i32 = 100;
    const RADIUS: f64 = 76.0;
    let drawn = &order[..order.len().min(DRAWN)];
    let mut counts = [0; 3];
    for (_, rels, _) in order {
        counts[rels[0] as usize] += 1;
    }
    let mut edges: [String; 3] = Default::default();
    let mut nodes = String::new();
    let n = drawn.len() as f64;
    for (k, (_, rels, _)) in drawn.iter().enumerate() {
        // From the top, clockwise; whole pixels, since finer positions add bytes and
        // nothing to the picture.
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n;
        let x = C + (RADIUS * angle.cos()).round() as i32;
        let y = C + (RADIUS * angle.sin()).round() as i32;
        let rel = rels[0];
        let _ = write!(edges[rel as usize], "M{C} {C}L{x} {y}");
        let _ = writeln!(
            nodes,
            "<circle class=\"node {}\" cx=\"{x}\" cy=\"{y}\" r=\"13\"/><text x=\"{x}\" y=\"{}\">{}</text>",
            rel.class(),
            y + 5,
            k + 1
        );
    }
    let mut svg = format!(
        "<svg class=\"connections\" viewBox=\"0 0 {0} {0}\" role=\"img\" aria-labelledby=\"conn-desc\" \
         xmlns=\"http://www.w3.org/2000/svg\">\n<desc id=\"conn-desc\">{1}</desc>\n",
        2 * C,
        esc(&description(counts, words))
    );
    for rel in [Relation::CitesThis, Relation::CitedHere, Relation::Related] {
        let d = &edges[rel as usize];
        if !d.is_empty() {
            let _ = writeln!(svg, "<path class=\"edge {}\" d=\"{d}\"/>", rel.class());
        }
    }
    let _ = write!(
        svg,
        "<circle class=\"node self\" cx=\"{C}\" cy=\"{C}\" r=\"8\"/>\n{nodes}</svg>"
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_counts_each_relation_in_words() {
        let none = crate::render::words::Strings::new();
        let words = Words::new("en", &none, "en", &none);
        let description = |counts| description(counts, &words);
        assert_eq!(
            description([1, 2, 5]),
            "1 cites this analysis, it cites 2, 5 are related; numbered as in the list."
        );
        assert_eq!(description([0, 0, 1]), "1 is related; numbered as in the list.");
        assert_eq!(
            description([3, 0, 0]),
            "3 cite this analysis; numbered as in the list."
        );
    }
}
