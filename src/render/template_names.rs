//! The template each output renders with: a page's own, its section's `page_template` or
//! `page.html`; a section's; a taxonomy's own list and term templates or the shared ones.
//! Checking that every one of them exists.

use super::job::Job;
use super::templates::Templates;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::site::{PageId, SectionId, Site};
use crate::spans::key_location;

/// The template a page renders with: its own, its nearest section's `page_template`, or `page.html`.
pub(super) fn page_template(site: &Site, id: PageId) -> String {
    let p = site.page(id);
    if let Some(t) = &p.meta.template {
        return t.clone();
    }
    let mut s = Some(p.section);
    while let Some(sid) = s {
        if let Some(t) = &site.section(sid).meta.page_template {
            return t.clone();
        }
        s = site.section(sid).parent;
    }
    "page.html".to_owned()
}

pub(super) fn section_template(site: &Site, id: SectionId) -> String {
    let s = site.section(id);
    match &s.meta.template {
        Some(t) => t.clone(),
        None if s.is_root() => "index.html".to_owned(),
        None => "section.html".to_owned(),
    }
}

pub(super) fn taxonomy_template(templates: &Templates, name: &str, kind: &str) -> String {
    let own = format!("{name}/{kind}.html");
    if templates.has(&own) {
        own
    } else {
        format!("taxonomy_{kind}.html")
    }
}

/// Whether dossier makes one of its own pages (the archive, the timeline, the graph, a
/// collection) at the site path `path` with `template`: the template must exist, and
/// yields to the site's content. A page or section already at that path keeps it, and a
/// template the content renders with (`template = "archive.html"` in a Zola theme's demo)
/// is the site's own, not one of dossier's pages. A page `disable_pages` names is never
/// made.
pub(crate) fn own_page(site: &Site, templates: &Templates, template: &str, path: &str) -> bool {
    let named = |t: &Option<String>| t.as_deref() == Some(template);
    let disabled = site.config.disable_pages.iter().any(|p| p.template() == template);
    !disabled
        && templates.has(template)
        && !site
            .pages
            .iter()
            .any(|p| named(&p.meta.template) || (p.has_output() && p.path == path))
        && !site.sections.iter().any(|s| {
            named(&s.meta.template) || named(&s.meta.page_template) || (s.has_output() && s.path == path)
        })
}

/// Every template named in front matter, or needed by the default layout, must exist.
pub(crate) fn check_templates(site: &Site, templates: &Templates, diags: &mut Diagnostics) {
    for (i, p) in site.pages.iter().enumerate() {
        if !p.has_output() {
            continue;
        }
        let name = page_template(site, PageId(i));
        if !templates.has(&name) {
            let key = if p.meta.template.is_some() {
                "template"
            } else {
                "page_template"
            };
            let file = if p.meta.template.is_some() {
                &p.file
            } else {
                &site.section(p.section).file
            };
            diags.push(
                Diagnostic::error(format!("unknown template `{name}`"))
                    .at(key_location(&file.display_path, &file.text, key))
                    .hint(templates.suggest(&name)),
            );
        }
    }
    for (i, s) in site.sections.iter().enumerate() {
        if !s.has_output() || s.meta.redirect_to.is_some() {
            continue;
        }
        let name = section_template(site, SectionId(i));
        if !templates.has(&name) {
            diags.push(
                Diagnostic::error(format!("unknown template `{name}`"))
                    .at(key_location(&s.file.display_path, &s.file.text, "template"))
                    .hint(templates.suggest(&name)),
            );
        }
    }
    for t in &site.taxonomies {
        if !t.config.render {
            continue;
        }
        for kind in ["list", "single"] {
            let name = taxonomy_template(templates, &t.config.name, kind);
            if !templates.has(&name) {
                diags.push(
                    Diagnostic::error(format!(
                        "no template for the `{}` taxonomy: `{name}`",
                        t.config.name
                    ))
                    .in_file("templates")
                    .hint(format!("add templates/{name}")),
                );
            }
        }
    }
}

/// The template a planned output renders with; `None` for outputs written directly.
pub(super) fn job_template(site: &Site, templates: &Templates, job: &Job) -> Option<String> {
    Some(match job {
        Job::Page(id) => page_template(site, *id),
        Job::SectionPager { section, .. } => section_template(site, *section),
        Job::TaxonomyList(t) => taxonomy_template(templates, &site.taxonomy(*t).config.name, "list"),
        Job::TermPager { term, .. } => {
            taxonomy_template(templates, &site.taxonomy(term.taxonomy).config.name, "single")
        }
        Job::Archive(..) => "archive.html".into(),
        Job::Timeline(..) | Job::TermTimeline(..) => "timeline.html".into(),
        Job::SiteGraph(_) => "graph.html".into(),
        Job::Collection(_, c) => format!("{}.html", c.name()),
        Job::NotFound => "404.html".into(),
        Job::Feed { .. }
        | Job::GraphJson(_)
        | Job::TimelineJson(_)
        | Job::TimelineIcs(_)
        | Job::SearchIndex(_)
        | Job::SearchFilters(_)
        | Job::SearchShard(..)
        | Job::SearchBundle(..)
        | Job::Redirect { .. }
        | Job::Bytes(_)
        | Job::Copy(_) => return None,
    })
}
