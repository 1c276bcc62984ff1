//! Making one output from its job: the template context of an output made with a
//! template (kept as its parts, so `serve` can fingerprint them), or the bytes of the
//! others (feeds, redirects, the timeline's and graph's data, the search index, copies).

use tera::Value;

use super::context::{self, Pager, Parts, base_context, pager_value, section_value, term_value};
use super::feeds;
use super::fingerprint::Purpose;
use super::job::{Job, Lang, Planned, Shows, pager_path};
use super::page_value::{Field, apart_for_fingerprint, own_page_value};
use super::templates::Templates;
use super::unrendered::Unrendered;
use super::values::Data;
use super::{archive, graph, minify, search, timeline};
use crate::html;
use crate::model::site::Site;
use crate::write::Sink;

/// The context of an output made with a template (`None` for the others, and for an output
/// whose fingerprint cannot be made), as its parts so that `serve` and the build cache can
/// tell whether what an output shows changed.
pub(super) fn template_context(
    site: &Site,
    data: &Data,
    planned: &Planned,
    (purpose, timelines): (Purpose<'_>, &timeline::Preludes),
    own_html: Option<&Value>,
) -> Option<Parts> {
    let mut ctx = job_context(site, data, planned, (purpose, timelines), own_html)?;
    let lang = match &planned.job {
        Job::Page(id) => &site.page(*id).lang,
        Job::SectionPager { section, .. } => &site.section(*section).lang,
        Job::TaxonomyList(id) => &site.taxonomy(*id).lang,
        Job::TermPager { term, .. } | Job::TermTimeline(term, _) => &site.taxonomy(term.taxonomy).lang,
        Job::Archive(lang, _)
        | Job::Timeline(lang, _)
        | Job::SiteGraph(lang)
        | Job::Collection(lang, _)
        | Job::GraphJson(lang)
        | Job::TimelineJson(lang)
        | Job::TimelineIcs(lang)
        | Job::SearchIndex(lang)
        | Job::SearchFilters(lang)
        | Job::SearchShard(lang, _)
        | Job::SearchBundle(lang, _) => lang.code(site),
        Job::NotFound | Job::Feed { .. } | Job::Redirect { .. } | Job::Bytes(_) | Job::Copy(_) => {
            &site.config.default_language
        }
    };
    // The default language's values are the globals.
    if let Some(parts) = data.languages.get(Lang::of(site, lang).0) {
        ctx.0.extend(parts.0.iter().cloned());
    }
    Some(ctx)
}

/// `own_html` is a page's HTML, for its own output when rendered.
fn job_context(
    site: &Site,
    data: &Data,
    planned: &Planned,
    (purpose, timelines): (Purpose<'_>, &timeline::Preludes),
    own_html: Option<&Value>,
) -> Option<Parts> {
    let page_values = &data.page_values;
    Some(match &planned.job {
        Job::Page(id) => {
            let p = site.page(*id);
            let mut ctx = base_context(site, &p.path);
            let shared = &page_values[id.0];
            match purpose {
                Purpose::Render(_) => {
                    let value = own_page_value(site, *id, &data.refs, shared, own_html?, &data.shape);
                    ctx.insert_value("page", value);
                }
                // The shared value, whose hash is known, and the fields kept out of it.
                Purpose::Fingerprint(known) => {
                    ctx.insert_value("page", shared.clone());
                    if data.shape.apart.any() {
                        // Without the HTML at hand, no fingerprint: the page is made.
                        let html = match data.shape.apart.has(Field::Content) {
                            true => Some(data.page_html.digest(*id)?),
                            false => None,
                        };
                        let own = apart_for_fingerprint(site, *id, known, html, &data.shape)?;
                        ctx.insert_value("page's own fields", Value::from(own));
                    }
                }
            }
            let shown = match purpose {
                Purpose::Render(_) => planned.shows,
                Purpose::Fingerprint(_) => Shows::ALL,
            };
            if let Some(list) = data.page_events.get(id).filter(|_| shown.page_events) {
                let events: Vec<Value> = list.iter().map(|e| data.event(*e, purpose)).collect();
                ctx.insert_value("page_events", Value::from(events));
            }
            match purpose {
                Purpose::Render(_) if !shown.any_connected() => {}
                Purpose::Render(_) => {
                    if let Some(values) = data.connected.get(site, *id, shown) {
                        for (name, value) in [
                            ("connected", values.list),
                            ("connected_html", values.html),
                            ("connections_svg", values.svg),
                        ] {
                            if let Some(value) = value {
                                ctx.insert_value(name, value);
                            }
                        }
                    }
                }
                Purpose::Fingerprint(known) => {
                    let fingerprint = super::connected::Connected::fingerprint(site, &known.shown, *id);
                    ctx.insert_value("connected", Value::from(fingerprint));
                }
            }
            // Not `section`: Zola themes test `section` to tell a section page from a page.
            let refs = match purpose {
                Purpose::Fingerprint(_) if !planned.reads_section_count => &data.section_refs_uncounted,
                Purpose::Fingerprint(_) | Purpose::Render(_) => &data.section_refs,
            };
            ctx.insert_value("current_section", refs[p.section.0].clone());
            ctx
        }
        Job::SectionPager { section, index } => {
            let s = site.section(*section);
            let paginate_path = s.meta.paginate_path.as_deref().unwrap_or("page");
            let path = pager_path(&s.path, paginate_path, *index);
            let mut ctx = base_context(site, &path);
            if let Some(n) = s.meta.paginate_by.filter(|n| *n > 0) {
                // As in Zola, a paginated section's pages are the pager's, not all of them.
                ctx.insert_value("section", section_value(site, s, &[]));
                // The pager's own pages: a section of 1,500 pages has 150 pagers.
                let shown: Vec<Value> = s.pages[pager_range(s.pages.len(), n, *index)]
                    .iter()
                    .map(|p| page_values[p.0].clone())
                    .collect();
                ctx.insert_value(
                    "paginator",
                    paginator(
                        site,
                        &s.path,
                        &s.permalink,
                        paginate_path,
                        n,
                        (s.pages.len(), &shown),
                        *index,
                    ),
                );
            } else {
                ctx.insert_value("section", data.section_values[section.0].clone());
            }
            if s.is_root() {
                ctx.insert_value("home_sections", super::front::home_sections(site, data, *section));
                if *index == 1
                    && let Some(front) = super::front::value(site, data, *section, purpose)
                {
                    ctx.insert_value("front", front);
                }
            }
            ctx
        }
        Job::TaxonomyList(id) => {
            let t = site.taxonomy(*id);
            let mut ctx = base_context(site, &t.path);
            let value = &data.taxonomy_values[id.0];
            ctx.insert_value("taxonomy", value.clone());
            ctx.insert_value(
                "terms",
                value.get_from_path("items").cloned().unwrap_or_else(Value::none),
            );
            ctx
        }
        Job::TermPager { term: id, index } => {
            let t = site.taxonomy(id.taxonomy);
            let term = site.term(*id);
            let path = pager_path(&term.path, &t.config.paginate_path, *index);
            let mut ctx = base_context(site, &path);
            ctx.insert_value("taxonomy", data.taxonomy_refs[id.taxonomy.0].clone());
            let pages: Vec<Value> = term.pages.iter().map(|p| page_values[p.0].clone()).collect();
            let mut extra = Vec::new();
            if let Some(list) = data.term_events.get(id) {
                let events: Vec<Value> = list.iter().map(|e| data.event(*e, purpose)).collect();
                extra.push(("events", Value::from(events)));
                extra.push(("timeline", Value::from(format!("{}timeline/", term.path))));
            }
            if t.config.feed
                && let Some(format) = site.config.feed_formats().first()
            {
                extra.push((
                    "feed",
                    Value::from(format!("{}{}", term.path, format.file_name())),
                ));
                extra.push(("feed_type", Value::from(format.media_type())));
            }
            ctx.insert_value("term", context::extend(term_value(site, term, &pages), extra));
            if let Some(n) = t.config.paginate_by {
                ctx.insert_value(
                    "paginator",
                    paginator(
                        site,
                        &term.path,
                        &term.permalink,
                        &t.config.paginate_path,
                        n,
                        (pages.len(), &pages[pager_range(pages.len(), n, *index)]),
                        *index,
                    ),
                );
            }
            ctx
        }
        Job::Archive(lang, page) => {
            let mut ctx = base_context(site, &page.path(site, *lang));
            ctx.insert_value(
                "archive",
                archive::value(site, &data.archive[lang.0], page_values, *page),
            );
            ctx
        }
        Job::Timeline(lang, year) => {
            let path = lang.url_path(site, "timeline/");
            let mut ctx = base_context(site, &timeline::year_path(&path, *year));
            let shown = timeline::Shown {
                path: &path,
                year: *year,
                lang: *lang,
            };
            ctx.insert_value(
                "timeline",
                timeline::view(
                    site,
                    (&|e| data.event(e, purpose), &data.event_values),
                    &data.filters[lang.0],
                    &timelines.of_lang(site, *lang, &data.lang_events[lang.0], data.today),
                    shown,
                    data.today,
                    purpose,
                ),
            );
            ctx
        }
        Job::TermTimeline(id, year) => {
            let t = site.taxonomy(id.taxonomy);
            let term_ref = site.term(*id);
            let path = format!("{}timeline/", term_ref.path);
            let mut ctx = base_context(site, &timeline::year_path(&path, *year));
            let only = data.term_events.get(id).map(Vec::as_slice);
            let lang = Lang::of(site, &t.lang);
            // A term's timeline is filtered already: its filters would be the language's,
            // whose counts change with every term, and make `serve` render every term's
            // timeline again when one analysis's terms change.
            let filters = Value::from(Vec::<Value>::new());
            let shown = timeline::Shown {
                path: &path,
                year: *year,
                lang,
            };
            ctx.insert_value(
                "timeline",
                timeline::view(
                    site,
                    (&|e| data.event(e, purpose), &data.event_values),
                    &filters,
                    &timelines.of_term(site, *id, only, data.today),
                    shown,
                    data.today,
                    purpose,
                ),
            );
            ctx.insert(
                "timeline_term",
                &timeline::TermHead {
                    name: &term_ref.name,
                    taxonomy: &t.config.name,
                    path: &term_ref.path,
                },
            );
            ctx
        }
        Job::SiteGraph(lang) => {
            let path = lang.url_path(site, "graph/");
            let mut ctx = base_context(site, &path);
            let g = graph::site_graph(site, *lang);
            let value = context::insert(Value::from_serializable(&g), "svg", Value::safe_string(&g.svg));
            ctx.insert_value("graph", value);
            ctx
        }
        Job::Collection(lang, c) => {
            let mut ctx = base_context(site, &lang.url_path(site, &format!("{}/", c.name())));
            ctx.insert_value(c.name(), c.value(site, &data.page_values, *lang));
            ctx
        }
        Job::NotFound => base_context(site, &format!("{}404.html", site.config.base_path)),
        Job::Feed { .. }
        | Job::GraphJson(_)
        | Job::TimelineJson(_)
        | Job::TimelineIcs(_)
        | Job::Redirect { .. }
        | Job::SearchIndex(_)
        | Job::SearchFilters(_)
        | Job::SearchShard(..)
        | Job::SearchBundle(..)
        | Job::Bytes(_)
        | Job::Copy(_) => return None,
    })
}

/// Makes one planned output and hands it to `sink`.
pub(super) fn render_job(
    site: &Site,
    (templates, timelines): (&Templates, &timeline::Preludes),
    data: &Data,
    planned: &Planned,
    sink: &dyn Sink,
) -> Result<(), Unrendered> {
    let io_err = |e: std::io::Error| Unrendered::Unwritten(planned.path.to_string(), e);
    // Counted as shown whether or not the template reads it (see `HtmlValues`).
    let unshown = |e: super::html_values::Unshown| e.diagnostic(planned.path.as_str());
    let own_html = match &planned.job {
        Job::Page(id) => Some(data.page_html.show(*id).map_err(unshown)?),
        _ => None,
    };
    if let Some(template) = &planned.template
        && let Some(parts) = template_context(
            site,
            data,
            planned,
            (Purpose::Render(templates), timelines),
            own_html.as_ref(),
        )
    {
        let html = templates.render(template, &parts.context())?;
        let bytes = minify::output(site.config.minify_html, planned.path.as_str(), &html);
        return sink.write(&planned.path, &bytes).map_err(io_err);
    }
    let html = match &planned.job {
        Job::Copy(source) => return sink.copy(&planned.path, source).map_err(io_err),
        Job::Bytes(bytes) => return sink.write(&planned.path, bytes).map_err(io_err),
        Job::Redirect { to } => redirect_html(to),
        Job::Feed { of, format } => {
            let feed = feeds::of(site, of, *format);
            feeds::write(site, &|id| data.page_html.show(id), &feed, *format).map_err(unshown)?
        }
        Job::TimelineJson(lang) => {
            return sink
                .write(&planned.path, timeline::json(site, *lang, data.today).as_bytes())
                .map_err(io_err);
        }
        Job::TimelineIcs(lang) => {
            return sink
                .write(&planned.path, timeline::ics(site, *lang).as_bytes())
                .map_err(io_err);
        }
        Job::GraphJson(lang) => {
            return sink
                .write(&planned.path, graph::graph_json(site, *lang).as_bytes())
                .map_err(io_err);
        }
        Job::SearchIndex(lang) => {
            return sink
                .write(&planned.path, &search::SearchIndex::index_json(site, *lang))
                .map_err(io_err);
        }
        Job::SearchFilters(lang) => {
            return sink
                .write(&planned.path, &search::filters_json(site, *lang))
                .map_err(io_err);
        }
        Job::SearchShard(lang, n) => {
            // Shards are planned only with an index; without one there is nothing to write.
            let bytes = match &data.search {
                Some(index) => index
                    .get_or_init(|| search::SearchIndex::build(site))
                    .shard_json(*lang, *n),
                None => Vec::new(),
            };
            return sink.write(&planned.path, &bytes).map_err(io_err);
        }
        Job::SearchBundle(lang, k) => {
            return sink
                .write(
                    &planned.path,
                    &search::bundle_bytes(site, *lang, *k, data.records.as_ref()),
                )
                .map_err(io_err);
        }
        // Made with a template, above.
        Job::Page(_)
        | Job::SectionPager { .. }
        | Job::TaxonomyList(_)
        | Job::TermPager { .. }
        | Job::Archive(..)
        | Job::Timeline(..)
        | Job::TermTimeline(..)
        | Job::SiteGraph(_)
        | Job::Collection(..)
        | Job::NotFound => return Ok(()),
    };
    // Redirects (HTML) and feeds (XML, left as they are).
    let bytes = minify::output(site.config.minify_html, planned.path.as_str(), &html);
    sink.write(&planned.path, &bytes).map_err(io_err)
}

/// Zola's `paginator` for pager `index` of a list of `items` items, `shown` its own (see
/// [`pager_range`]).
fn paginator(
    site: &Site,
    base_path: &str,
    base_permalink: &str,
    paginate_path: &str,
    per_page: usize,
    (items, shown): (usize, &[Value]),
    index: usize,
) -> Value {
    let total = items.div_ceil(per_page).max(1);
    let url = |i: usize| site.config.permalink(&pager_path(base_path, paginate_path, i));
    let pager = Pager {
        paginate_by: per_page,
        base_url: base_permalink,
        number_pagers: total,
        total_pages: items,
        current_index: index,
        first: url(1),
        last: url(total),
        previous: (index > 1).then(|| url(index - 1)),
        next: (index < total).then(|| url(index + 1)),
    };
    pager_value(&pager, shown)
}

/// Which of `items` items pager `index` (from 1) shows, `per_page` to a pager.
fn pager_range(items: usize, per_page: usize, index: usize) -> std::ops::Range<usize> {
    let start = (index - 1) * per_page;
    let end = (start + per_page).min(items);
    start.min(end)..end
}

fn redirect_html(to: &str) -> String {
    let to = html::escape_attr(to);
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n\
         <link rel=\"canonical\" href=\"{to}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n\
         <body>\n<p>This page has moved to <a href=\"{to}\">{to}</a>.</p>\n</body>\n</html>\n"
    )
}
