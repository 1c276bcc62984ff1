//! Date archives: `/archive/`, a page per year and per month, listing the dated analyses
//! (newest first), which each analysis's date links to.

use serde::Serialize;
use tera::Value;

use super::context::insert;
use super::job::{ArchivePage, Lang, month_path, year_path};
use crate::model::site::{PageId, Site};
use crate::render::words::Words;

/// A month's analyses, newest first.
pub(crate) type Month = (i8, Vec<PageId>);

/// Dated analyses of one language by year and month, newest first.
pub(crate) struct Archive {
    pub lang: Lang,
    pub years: Vec<(i16, Vec<Month>)>,
}

/// The archive of each language, in the languages' order.
pub(crate) fn build_all(site: &Site) -> Vec<Archive> {
    Lang::all(site).map(|lang| build(site, lang)).collect()
}

fn build(site: &Site, lang: Lang) -> Archive {
    let code = lang.code(site);
    let mut dated: Vec<PageId> = (0..site.pages.len())
        .map(PageId)
        .filter(|p| {
            let page = site.page(*p);
            page.has_output() && page.date.is_some() && page.lang == code
        })
        .collect();
    dated.sort_by(|a, b| {
        let key = |p: &PageId| site.page(*p).date.map(|d| d.sort_key()).unwrap_or(0);
        key(b).cmp(&key(a)).then_with(|| {
            site.page(*a)
                .file
                .content_path
                .cmp(&site.page(*b).file.content_path)
        })
    });
    let mut years: Vec<(i16, Vec<Month>)> = Vec::new();
    for p in dated {
        let Some(d) = site.page(p).date else { continue };
        let (y, m) = (d.date.year(), d.date.month());
        if years.last().is_none_or(|(year, _)| *year != y) {
            years.push((y, Vec::new()));
        }
        let months = &mut years.last_mut().expect("pushed above").1;
        if months.last().is_none_or(|(month, _)| *month != m) {
            months.push((m, Vec::new()));
        }
        months.last_mut().expect("pushed above").1.push(p);
    }
    Archive { lang, years }
}

#[derive(Serialize)]
struct MonthSummary {
    month: i8,
    label: String,
    path: String,
    count: usize,
}

#[derive(Serialize)]
struct YearSummary {
    year: i16,
    path: String,
    count: usize,
    months: Vec<MonthSummary>,
}

#[derive(Serialize)]
struct Head {
    /// `index`, `year` or `month`.
    kind: &'static str,
    title: String,
    index_path: String,
    year: Option<i16>,
    year_path: Option<String>,
}

fn summaries(site: &Site, archive: &Archive, words: &Words) -> Vec<YearSummary> {
    archive
        .years
        .iter()
        .map(|(y, months)| YearSummary {
            year: *y,
            path: year_path(site, archive.lang, *y),
            count: months.iter().map(|(_, p)| p.len()).sum(),
            months: months
                .iter()
                .map(|(m, pages)| MonthSummary {
                    month: *m,
                    label: words.month(*y, *m, false),
                    path: month_path(site, archive.lang, *y, *m),
                    count: pages.len(),
                })
                .collect(),
        })
        .collect()
}

/// The value `archive.html` gets: the years (with months) always, and for a year or month
/// page its analyses as `pages` (template values of the pages).
pub(super) fn value(site: &Site, archive: &Archive, pages: &[Value], page: ArchivePage) -> Value {
    let index_path = archive.lang.url_path(site, "archive/");
    let words = Words::of(&site.config, archive.lang.code(site));
    let (kind, title, year, month) = match page {
        ArchivePage::Index => ("index", words.get("dossier_archive").to_owned(), None, None),
        ArchivePage::Year(y) => ("year", y.to_string(), Some(y), None),
        ArchivePage::Month(y, m) => ("month", words.month(y, m, true), Some(y), Some(m)),
    };
    let head = Head {
        kind,
        title,
        index_path,
        year,
        year_path: year.map(|y| year_path(site, archive.lang, y)),
    };
    let mut value = insert(
        Value::from_serializable(&head),
        "years",
        Value::from_serializable(&summaries(site, archive, &words)),
    );
    if let Some(y) = year {
        let listed: Vec<Value> = archive
            .years
            .iter()
            .filter(|(year, _)| *year == y)
            .flat_map(|(_, months)| months.iter())
            .filter(|(m, _)| month.is_none_or(|want| want == *m))
            .flat_map(|(_, ids)| ids.iter().map(|p| pages[p.0].clone()))
            .collect();
        value = insert(value, "pages", Value::from(listed));
    }
    value
}
