//! The output of a page `serve` added to the model since the plan was made
//! (`model::placing::add`): planned where a whole build plans it, with its value, so that
//! the new page can be shown before the model is built again for the rest of the site.

use tera::Value;

use super::context::page_ref;
use super::field_reads::{SECTION, SECTION_COUNT};
use super::job::{Job, Planned, Shows, output_path};
use super::template_names::job_template;
use super::{JobId, Prepared};
use crate::model::placing::NewTerm;
use crate::model::site::{PageId, Site};
use crate::output_path::OutputPath;

/// The output of an added page, planned by [`Prepared::plan_added`] and not yet in the plan.
pub(crate) struct AddedOutput(Planned);

impl Prepared {
    /// Plans the output of page `id`, pushed to the model since the plan was made. `None`
    /// when only a whole build can tell what it makes: its path is another output's, or
    /// one of them needs the other's path as a folder (an error), or its template can
    /// read any page (then other pages' values show in it, and they are not made yet).
    pub(crate) fn plan_added(&self, site: &Site, id: PageId) -> Option<AddedOutput> {
        let page = site.page(id);
        let path = OutputPath::new(&output_path(site, &page.path)).ok()?;
        let planned = |p: &str| self.plan.binary_search_by(|x| x.path.as_str().cmp(p)).is_ok();
        let folder = format!("{}/", path.as_str());
        let under = self.plan.partition_point(|x| x.path.as_str() < folder.as_str());
        if planned(path.as_str())
            || path.ancestors().any(planned)
            || self
                .plan
                .get(under)
                .is_some_and(|x| x.path.as_str().starts_with(&folder))
        {
            return None;
        }
        let job = Job::Page(id);
        let template = job_template(site, &self.templates, &job);
        // As another page with the template has them; else asked of the templates.
        let (reads_everything, reads_section_count, shows) = match template.as_deref() {
            None => (false, true, Shows::ALL),
            Some(name) => match self
                .plan
                .iter()
                .find(|p| matches!(p.job, Job::Page(_)) && p.template.as_deref() == Some(name))
            {
                Some(p) => (p.reads_everything, p.reads_section_count, p.shows),
                None => (
                    self.templates
                        .reads_everything()
                        .get(name)
                        .copied()
                        .unwrap_or(false),
                    self.templates.may_read(name, SECTION, SECTION_COUNT),
                    self.templates.shows(name),
                ),
            },
        };
        if reads_everything {
            return None;
        }
        Some(AddedOutput(Planned {
            path,
            job,
            origin: page.file.display_path.display().to_string(),
            template,
            reads_everything: false,
            reads_section_count,
            shows,
        }))
    }

    /// Puts the output `planned` for page `id` (placed by `model::placing::add`) in the
    /// plan, in path order, and makes the page's value from its HTML; the templates find
    /// it, and the terms it is the first to carry. Returns its job. The values that will
    /// list the page are left as they are: the model is built again next, and the jobs
    /// after it in the plan moved up by one.
    pub(crate) fn add_page(
        &mut self,
        site: &Site,
        id: PageId,
        planned: AddedOutput,
        html: &str,
        new_terms: &[NewTerm],
    ) -> JobId {
        let page = site.page(id);
        self.data.refs.push(page_ref(page, &site.config.base_path));
        self.data.page_values.push(Value::none());
        self.data.connected.push();
        self.show_page(site, id, html, new_terms);
        let at = self.plan.partition_point(|x| x.path < planned.0.path);
        self.plan.insert(at, planned.0);
        JobId(at)
    }
}
