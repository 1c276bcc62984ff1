//! Text in the strip, placed so that no two labels' boxes overlap: a label's width
//! estimated from its characters, era names stacked in rows (shortened only when the
//! rows run out), axis labels thinned to a stride at which they fit.

/// Space kept between two labels on one line, in user units.
const GAP: f64 = 6.0;

/// A label's width in user units at `font` px. The strip is SVG text in the theme's
/// system sans-serif (Segoe UI, Roboto, Helvetica, Arial…), which the build cannot
/// measure; these per-character widths in ems are at or above those fonts' widths, so a
/// layout computed not to overlap does not overlap on screen.
pub(super) fn text_width(text: &str, font: f64) -> f64 {
    text.chars().map(em).sum::<f64>() * font
}

fn em(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.34,
        'f' | 't' | 'r' | '(' | ')' | '-' | '[' | ']' => 0.45,
        'm' | 'w' | 'M' | 'W' | '@' | '%' | '&' | '—' => 1.0,
        'A'..='Z' => 0.78,
        'a'..='z' | '0'..='9' => 0.62,
        c if c.is_ascii() => 0.7,
        // Accented Latin is as wide as its letter; other scripts (CJK) up to an em.
        _ => 1.0,
    }
}

/// `text` cut to fit `room` (with an ellipsis), or `None` if not even one character
/// and the ellipsis fit.
pub(super) fn shorten(text: &str, room: f64, font: f64) -> Option<String> {
    if text_width(text, font) <= room {
        return Some(text.to_owned());
    }
    let mut cut = String::new();
    let mut fitting = None;
    for c in text.chars() {
        cut.push(c);
        let candidate = format!("{}…", cut.trim_end());
        if text_width(&candidate, font) > room {
            break;
        }
        fitting = Some(candidate);
    }
    fitting
}

/// An era's band on the axis (user units) and its name.
pub(super) struct Band<'a> {
    pub start: f64,
    pub end: f64,
    pub name: &'a str,
}

/// Where an era's name goes: its row (0 at the top), its left edge, the text shown
/// (the name, or shortened when the rows ran out; empty when nothing fits) and the text's
/// estimated width.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Placed {
    pub row: usize,
    pub x: f64,
    pub text: String,
    pub width: f64,
}

/// What a row of era names holds so far.
struct Row {
    /// Where its last name ends.
    text_end: f64,
    /// Where its last band's top line ends.
    band_end: f64,
    /// That band.
    last: usize,
}

/// Each era's name placed at the start of its band, in the first row where it overlaps
/// nothing: neither another name nor another band's top line, which shows how far the
/// era runs, so that a name never seems to run on past its own dates. With more eras
/// side by side than `max_rows`, the name before it in the fullest row is shortened.
/// Returns the names in `bands`' order; all boxes lie within `0..width`.
pub(super) fn era_rows(bands: &[Band<'_>], width: f64, font: f64, max_rows: usize) -> Vec<Placed> {
    let mut order: Vec<usize> = (0..bands.len()).collect();
    order.sort_by(|a, b| bands[*a].start.total_cmp(&bands[*b].start).then(a.cmp(b)));
    let mut placed: Vec<Option<Placed>> = vec![None; bands.len()];
    let mut rows: Vec<Row> = Vec::new();
    for i in order {
        let band = &bands[i];
        let (x, text) = fit_in_strip(band, width, font);
        let text_end = x + text_width(&text, font);
        // A row is free here if its last name ends well before this one and its last
        // band's line ends by this band's start (adjacent eras share a row).
        let free = rows
            .iter()
            .position(|r| r.text_end + GAP <= x && r.band_end <= band.start + 0.5);
        let row = match free {
            Some(row) => row,
            None if rows.len() < max_rows.max(1) => {
                rows.push(Row {
                    text_end,
                    band_end: band.end,
                    last: i,
                });
                rows.len() - 1
            }
            None => {
                // Every row is taken here: the row whose last name ends first gives way,
                // that name cut short before this one.
                let row = (0..rows.len())
                    .min_by(|a, b| rows[*a].text_end.total_cmp(&rows[*b].text_end))
                    .unwrap_or(0);
                if let Some(p) = placed[rows[row].last].as_mut() {
                    p.text = shorten(&p.text, x - GAP - p.x, font).unwrap_or_default();
                    p.width = text_width(&p.text, font);
                }
                row
            }
        };
        rows[row] = Row {
            text_end,
            band_end: band.end,
            last: i,
        };
        placed[i] = Some(Placed {
            row,
            x,
            width: text_width(&text, font),
            text,
        });
    }
    placed.into_iter().flatten().collect()
}

/// An era's name at its band's start, shortened if it would run out of the strip; a
/// band too near the right edge for even a shortened name has its name end at the edge.
fn fit_in_strip(band: &Band<'_>, width: f64, font: f64) -> (f64, String) {
    let x = band.start.clamp(0.0, width);
    let full = text_width(band.name, font);
    if x + full <= width {
        return (x, band.name.to_owned());
    }
    match shorten(band.name, width - x, font) {
        Some(text) if text.chars().count() > 4 => (x, text),
        _ => {
            let text = shorten(band.name, width, font).unwrap_or_default();
            ((width - text_width(&text, font)).max(0.0), text)
        }
    }
}

/// A label under the axis: where its mark is and what it says.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tick {
    pub at: f64,
    pub label: String,
}

/// Where a tick's label goes: just right of its mark, moved left to end inside the strip.
pub(super) fn tick_x(tick: &Tick, width: f64, font: f64) -> f64 {
    (tick.at + 2.0)
        .min(width - text_width(&tick.label, font))
        .max(0.0)
}

/// Whether no two labels of `ticks` (in order) come within `GAP` of each other.
pub(super) fn ticks_fit(ticks: &[Tick], width: f64, font: f64) -> bool {
    ticks.windows(2).all(|pair| {
        tick_x(&pair[0], width, font) + text_width(&pair[0].label, font) + GAP
            <= tick_x(&pair[1], width, font)
    })
}

/// The first of `options` (finer to coarser sets of ticks) whose labels fit; failing
/// all, the last with every label dropped that would touch the one kept before it.
pub(super) fn first_fitting(
    options: impl IntoIterator<Item = Vec<Tick>>,
    width: f64,
    font: f64,
) -> Vec<Tick> {
    let mut last = Vec::new();
    for ticks in options {
        if ticks_fit(&ticks, width, font) {
            return ticks;
        }
        last = ticks;
    }
    let mut kept: Vec<Tick> = Vec::new();
    for tick in last {
        let clear = kept.last().is_none_or(|before| {
            tick_x(before, width, font) + text_width(&before.label, font) + GAP <= tick_x(&tick, width, font)
        });
        if clear {
            kept.push(tick);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    const FONT: f64 = 11.0;

    /// Whether the name shown is shorter than the era's.
    fn shortened(p: &Placed, name: &str) -> bool {
        p.text != name
    }

    fn overlap(a: &Placed, b: &Placed) -> bool {
        a.row == b.row && a.x < b.x + b.width && b.x < a.x + a.width
    }

    #[test]
    fn wider_text_is_estimated_wider_and_capitals_wider_than_lower_case() {
        assert!(text_width("Confirmation and response", FONT) > text_width("Watch period", FONT));
        assert!(text_width("ABC", FONT) > text_width("abc", FONT));
        assert!(text_width("MMMM", FONT) > text_width("iiii", FONT) * 2.0);
        // Conservative: Helvetica's average lower-case letter is about 0.53 em.
        assert!(text_width("abcdefghijklmnopqrstuvwxyz", FONT) >= 26.0 * 0.55 * FONT);
    }

    #[test]
    fn long_era_names_close_together_are_stacked_in_rows_that_do_not_overlap() {
        // Issue 20: "Confirmation an" was cut by "Watch period" on the example site.
        let bands = [
            Band {
                start: 0.0,
                end: 400.0,
                name: "Alliance formalised",
            },
            Band {
                start: 402.0,
                end: 430.0,
                name: "Deployment reported",
            },
            Band {
                start: 431.0,
                end: 520.0,
                name: "Confirmation and response",
            },
            Band {
                start: 521.0,
                end: 720.0,
                name: "Watch period",
            },
        ];
        let placed = era_rows(&bands, 720.0, FONT, 3);
        assert_eq!(placed.len(), 4);
        for (i, a) in placed.iter().enumerate() {
            assert!(a.x >= 0.0 && a.x + a.width <= 720.0, "{a:?} leaves the strip");
            for b in &placed[i + 1..] {
                assert!(!overlap(a, b), "{a:?} overlaps {b:?}");
            }
        }
        // Nothing shortened: three rows are enough here.
        for (p, band) in placed.iter().zip(&bands) {
            assert!(!shortened(p, band.name), "{p:?}");
        }
        let rows: Vec<usize> = placed.iter().map(|p| p.row).collect();
        assert_eq!(rows, [0, 0, 1, 2]);
        // A name never starts before its band, so it reads as the start of its era.
        for (p, band) in placed.iter().zip(&bands) {
            assert!(p.x >= band.start, "{p:?}");
        }
    }

    #[test]
    fn a_name_does_not_share_a_row_with_the_band_line_of_an_earlier_era() {
        // The first era's band runs on long after its short name ends.
        let bands = [
            Band {
                start: 0.0,
                end: 600.0,
                name: "A",
            },
            Band {
                start: 100.0,
                end: 200.0,
                name: "B",
            },
        ];
        let placed = era_rows(&bands, 720.0, FONT, 3);
        assert_eq!(placed[1].row, 1);
    }

    #[test]
    fn with_more_eras_side_by_side_than_rows_names_are_shortened_never_overlapping() {
        let names = [
            "A very long era name indeed, the first",
            "A second era with a long name",
            "The third era, also long",
            "A fourth era with a long name",
            "Fifth",
        ];
        let bands: Vec<Band> = names
            .iter()
            .enumerate()
            .map(|(k, name)| Band {
                start: 20.0 * k as f64,
                end: 20.0 * k as f64 + 20.0,
                name,
            })
            .collect();
        let placed = era_rows(&bands, 720.0, FONT, 2);
        assert!(placed.iter().all(|p| p.row < 2));
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!overlap(a, b), "{a:?} overlaps {b:?}");
            }
        }
        assert!(placed.iter().zip(names).any(|(p, n)| shortened(p, n)));
        // The last one placed keeps its name.
        assert_eq!(placed[4].text, "Fifth");
    }

    #[test]
    fn a_name_near_the_right_edge_ends_inside_the_strip() {
        let bands = [Band {
            start: 700.0,
            end: 720.0,
            name: "Confirmation and response",
        }];
        let placed = era_rows(&bands, 720.0, FONT, 3);
        assert!(placed[0].x + placed[0].width <= 720.0, "{:?}", placed[0]);
        assert!(!placed[0].text.is_empty());
    }

    #[test]
    fn shortening_keeps_words_and_adds_an_ellipsis() {
        let short = shorten(
            "Confirmation and response",
            text_width("Confirmation an…", FONT),
            FONT,
        );
        assert_eq!(short.as_deref(), Some("Confirmation an…"));
        assert_eq!(shorten("Watch", 100.0, FONT).as_deref(), Some("Watch"));
        assert_eq!(shorten("Watch", 1.0, FONT), None);
    }

    #[test]
    fn the_first_set_of_ticks_that_fits_is_chosen() {
        let every = |step: usize| -> Vec<Tick> {
            (0..24)
                .step_by(step)
                .map(|k| Tick {
                    at: k as f64 * 30.0,
                    label: "Sep 2024".to_owned(),
                })
                .collect()
        };
        // "Sep 2024" is about 53 units wide: every other 30-unit step fits.
        let chosen = first_fitting([every(1), every(2), every(3)], 720.0, FONT);
        assert_eq!(chosen, every(2));
        // None fits: the coarsest, thinned.
        let chosen = first_fitting([every(1)], 720.0, FONT);
        assert!(ticks_fit(&chosen, 720.0, FONT));
        assert!(chosen.len() > 1);
    }
}
