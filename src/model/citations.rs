//! A page's citations formatted with the bibliography: each `[@key]` the parser left as a
//! placeholder becomes a link to its first source (with its sources as a tooltip), the
//! page gets its list of sources with links back to where each is cited, and summaries
//! show a citation as its text. Also the check of a citation's key that the parser asks
//! for (`parse::markdown::Citations`, which `link_targets::LinkTargets` implements).

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::html::escape_attr;
use crate::model::sources::{Cite, Reference, Sources, locator};
use crate::parse::markdown::{CiteCheck, Converted, fill_placeholders};
use crate::slugs::slugify;

/// What `key` finds in the bibliography, if there is one; `failed` when config.toml
/// names one that could not be loaded (its own error says why).
pub(crate) fn check(sources: Option<&Sources>, failed: bool, key: &str) -> CiteCheck {
    let Some(sources) = sources else {
        if failed {
            return CiteCheck::NoBibliography(None);
        }
        return CiteCheck::NoBibliography(Some(
                Diagnostic::error(format!("the citation [@{key}] has no bibliography to refer to"))
                    .hint("name one in config.toml: `[sources]` `bibliography = \"sources.yml\"` (a file under content/)"),
            ));
    };
    if sources.has(key) {
        return CiteCheck::Found;
    }
    let hint = match sources.closest(key) {
        Some(near) => format!("did you mean `@{near}`?"),
        None => "add the source to the bibliography, or correct the key".to_owned(),
    };
    CiteCheck::Unknown(Diagnostic::error(format!("no source `{key}` in the bibliography")).hint(hint))
}

/// Formats `converted`'s citations into its content (each a link to its first source,
/// with its sources as a tooltip) and adds the list of sources, each with links back to
/// where it is cited; in the summary a citation is its text, since its sources are on the
/// page itself.
/// The list's heading and links are in `words`, the document's language.
pub(crate) fn fill(converted: &mut Converted, sources: Option<&Sources>, words: &crate::words::Lookup) {
    let citations: Vec<Vec<Cite>> = std::mem::take(&mut converted.citations)
        .into_iter()
        .map(|cites| {
            cites
                .into_iter()
                .map(|c| Cite {
                    key: c.key,
                    locator: c.locator.as_deref().map(locator),
                })
                .collect()
        })
        .collect();
    let Some(sources) = sources else { return };
    if citations.is_empty() {
        return;
    }
    let formatted = sources.format(&citations);
    // By key, and each source's citations, so that neither is a search per citation.
    let references: HashMap<&str, &Reference> = formatted
        .bibliography
        .iter()
        .map(|r| (r.key.as_str(), r))
        .collect();
    let reference = |key: &str| references.get(key).copied();
    let mut citing: HashMap<&str, Vec<usize>> = HashMap::new();
    for (n, cites) in citations.iter().enumerate() {
        for c in cites {
            let ns = citing.entry(c.key.as_str()).or_default();
            if ns.last() != Some(&n) {
                ns.push(n);
            }
        }
    }
    let content = &mut converted.content;
    *content = fill_placeholders(content, |n| {
        let cites = &citations[n];
        let tooltip: Vec<&str> = cites
            .iter()
            .filter_map(|c| reference(&c.key))
            .map(|r| r.text.as_str())
            .collect();
        format!(
            "<a class=\"citation\" id=\"cite-{}\" href=\"#ref-{}\" title=\"{}\">{}</a>",
            n + 1,
            slugify(&cites[0].key),
            escape_attr(&tooltip.join(" | ")),
            formatted.citations[n],
        )
    });
    content.push_str(&format!(
        "<section class=\"sources\" aria-labelledby=\"cited-sources\">\n<h2 id=\"cited-sources\">{}</h2>\n<ol class=\"source-list\">\n",
        crate::html::escape_text(words.get("dossier_sources"))
    ));
    for Reference { key, html, .. } in &formatted.bibliography {
        let backs: Vec<String> = citing
            .get(key.as_str())
            .into_iter()
            .flatten()
            .map(|n| {
                let label = words.fill("dossier_back_to_citation", &[("number", &(n + 1).to_string())]);
                format!(
                    "<a class=\"cite-back\" href=\"#cite-{}\" aria-label=\"{}\">↩</a>",
                    n + 1,
                    escape_attr(&label)
                )
            })
            .collect();
        content.push_str(&format!(
            "<li id=\"ref-{}\">{html} {}</li>\n",
            slugify(key),
            backs.join(" ")
        ));
    }
    content.push_str("</ol>\n</section>\n");
    if let Some(summary) = &mut converted.summary {
        *summary = fill_placeholders(summary, |n| formatted.citations[n].clone());
    }
}
