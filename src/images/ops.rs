//! `resize_image`'s operations as geometry: from the source's size, what to crop and the
//! size to scale to. The sizes are Zola's, so a theme's layout sees the same numbers.

/// How to resize, with the sizes asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Operation {
    /// Exactly `width` × `height`, whatever the aspect ratio.
    Scale(u32, u32),
    /// `width` wide, as tall as the aspect ratio makes it.
    FitWidth(u32),
    /// `height` tall, as wide as the aspect ratio makes it.
    FitHeight(u32),
    /// Within `width` × `height`, aspect ratio kept; never enlarged.
    Fit(u32, u32),
    /// Exactly `width` × `height`, the middle of the image cropped to that aspect ratio.
    Fill(u32, u32),
}

/// The most pixels on a side dossier makes (a hostile `width=10000000` must not
/// allocate terabytes).
pub(crate) const MAX_SIDE: u32 = 16_384;

impl Operation {
    /// From `op`, `width` and `height` as a template passes them.
    pub(crate) fn parse(op: &str, width: Option<i64>, height: Option<i64>) -> Result<Operation, String> {
        let side = |name: &str, v: Option<i64>| -> Result<u32, String> {
            let v = v.ok_or_else(|| format!("op=\"{op}\" needs `{name}`"))?;
            match u32::try_from(v) {
                Ok(n @ 1..=MAX_SIDE) => Ok(n),
                _ => Err(format!(
                    "`{name}` is {v}; it is a number of pixels from 1 to {MAX_SIDE}"
                )),
            }
        };
        Ok(match op {
            "scale" => Operation::Scale(side("width", width)?, side("height", height)?),
            "fit_width" => Operation::FitWidth(side("width", width)?),
            "fit_height" => Operation::FitHeight(side("height", height)?),
            "fit" => Operation::Fit(side("width", width)?, side("height", height)?),
            "fill" => Operation::Fill(side("width", width)?, side("height", height)?),
            other => {
                let hint = crate::diagnostic::did_you_mean(
                    other,
                    ["scale", "fit_width", "fit_height", "fit", "fill"],
                )
                .unwrap_or_else(|| "it is one of scale, fit_width, fit_height, fit, fill".to_owned());
                return Err(format!("unknown op=\"{other}\"; {hint}"));
            }
        })
    }
}

/// What to do to an image of a given size: crop (x, y, width, height) first, if at all,
/// then scale to a size, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Geometry {
    pub crop: Option<(u32, u32, u32, u32)>,
    pub size: (u32, u32),
    /// Whether `size` differs from the (cropped) source: `fit` leaves a small image be.
    pub scale: bool,
}

impl Geometry {
    pub(crate) fn of(op: Operation, (w, h): (u32, u32)) -> Geometry {
        // Sizes derived from the aspect ratio round down, as Zola's do; never below 1.
        let scaled =
            |a: u32, num: u32, den: u32| ((u64::from(a) * u64::from(num)) / u64::from(den).max(1)).max(1);
        let clamp = |n: u64| u32::try_from(n).unwrap_or(MAX_SIDE).min(MAX_SIDE);
        let resize = |size: (u32, u32)| Geometry {
            crop: None,
            size,
            scale: true,
        };
        match op {
            Operation::Scale(tw, th) => resize((tw, th)),
            Operation::FitWidth(tw) => resize((tw, clamp(scaled(h, tw, w)))),
            Operation::FitHeight(th) => resize((clamp(scaled(w, th, h)), th)),
            Operation::Fit(tw, th) => {
                if w <= tw && h <= th {
                    return Geometry {
                        crop: None,
                        size: (w, h),
                        scale: false,
                    };
                }
                // Wider than the box's aspect ratio: the width decides.
                if u64::from(w) * u64::from(th) > u64::from(h) * u64::from(tw) {
                    Geometry::of(Operation::FitWidth(tw), (w, h))
                } else {
                    Geometry::of(Operation::FitHeight(th), (w, h))
                }
            }
            Operation::Fill(tw, th) => {
                let factor_w = w as f32 / tw as f32;
                let factor_h = h as f32 / th as f32;
                // Aspect ratios this close are scaled without cropping a sliver.
                if (factor_w - factor_h).abs() <= 0.1 {
                    return resize((tw, th));
                }
                let (cw, ch) = if factor_w < factor_h {
                    (w, ((factor_w * th as f32).round() as u32).clamp(1, h))
                } else {
                    (((factor_h * tw as f32).round() as u32).clamp(1, w), h)
                };
                Geometry {
                    crop: Some(((w - cw) / 2, (h - ch) / 2, cw, ch)),
                    size: (tw, th),
                    scale: true,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Zola's documentation's example image is 300 × 380.
    const ZOLA: (u32, u32) = (300, 380);

    #[test]
    fn sizes_are_zola_s() {
        let size = |op| Geometry::of(op, ZOLA).size;
        assert_eq!(size(Operation::Scale(150, 150)), (150, 150));
        assert_eq!(size(Operation::FitWidth(100)), (100, 126));
        assert_eq!(size(Operation::FitHeight(150)), (118, 150));
        assert_eq!(size(Operation::Fit(5000, 5000)), (300, 380));
        assert_eq!(size(Operation::Fit(150, 150)), (118, 150));
        assert_eq!(size(Operation::Fill(100, 200)), (100, 200));
    }

    #[test]
    fn fill_crops_the_middle_to_the_aspect_ratio() {
        // 300 × 380 to 100 × 200: a factor of 3 across and 1.9 down, so the height stays
        // and the width is cropped to 190 × 380 / 200 … = 190, centred.
        let g = Geometry::of(Operation::Fill(100, 200), ZOLA);
        assert_eq!(g.crop, Some((55, 0, 190, 380)));
        // A wide box crops the height.
        let g = Geometry::of(Operation::Fill(300, 100), ZOLA);
        assert_eq!(g.crop, Some((0, 140, 300, 100)));
        // Nearly the same ratio: no crop.
        assert_eq!(Geometry::of(Operation::Fill(150, 190), ZOLA).crop, None);
    }

    #[test]
    fn fit_never_enlarges() {
        let g = Geometry::of(Operation::Fit(5000, 5000), ZOLA);
        assert!(!g.scale);
        assert_eq!(g.crop, None);
    }

    #[test]
    fn extreme_ratios_stay_at_least_one_pixel() {
        assert_eq!(Geometry::of(Operation::FitWidth(1), (10_000, 1)).size, (1, 1));
        assert_eq!(
            Geometry::of(Operation::FitHeight(16_384), (1, 1)).size,
            (16_384, 16_384)
        );
        assert_eq!(
            Geometry::of(Operation::Fill(1, 16_384), (16_384, 1)).size,
            (1, 16_384)
        );
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        let err = |op, w, h| Operation::parse(op, w, h).unwrap_err();
        assert!(
            err("fil", Some(1), Some(1)).contains("did you mean `fill`"),
            "{}",
            err("fil", Some(1), Some(1))
        );
        assert!(err("fit_width", None, Some(1)).contains("needs `width`"));
        assert!(err("scale", Some(0), Some(1)).contains("`width` is 0"));
        assert!(err("scale", Some(1), Some(100_000_000)).contains("`height` is 100000000"));
        assert!(err("fill", Some(-5), Some(1)).contains("`width` is -5"));
        assert_eq!(
            Operation::parse("fit_height", None, Some(20)),
            Ok(Operation::FitHeight(20))
        );
    }
}
