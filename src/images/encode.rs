//! Decoding, cropping, scaling and encoding one image, with the `image` crates. EXIF
//! orientation is applied (a phone's portrait photo stays upright) and an ICC colour
//! profile is kept where the format can carry it; other metadata (EXIF, XMP, IPTC:
//! camera, place) is dropped, as Zola drops it.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader};

use super::ops::Geometry;

/// The format a resized image is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Format {
    Jpeg {
        quality: u8,
    },
    Png,
    /// Lossless: the pure-Rust WebP encoder has no lossy mode.
    WebP,
    Avif {
        quality: u8,
        speed: u8,
    },
}

impl Format {
    /// From `format`, `quality` and `speed` as a template passes them; `auto` is JPEG for
    /// a lossy source and PNG otherwise, as in Zola.
    pub(crate) fn parse(
        name: &str,
        lossy_source: bool,
        quality: Option<i64>,
        speed: Option<i64>,
    ) -> Result<Format, String> {
        let ranged = |what: &str, v: Option<i64>, lo: u8, hi: u8, default: u8| -> Result<u8, String> {
            match v {
                None => Ok(default),
                Some(v) => u8::try_from(v)
                    .ok()
                    .filter(|v| (lo..=hi).contains(v))
                    .ok_or_else(|| format!("`{what}` is {v}; for {name} it is from {lo} to {hi}")),
            }
        };
        let name = match (name, lossy_source) {
            ("auto", true) => "jpg",
            ("auto", false) => "png",
            (other, _) => other,
        };
        match name {
            "jpg" | "jpeg" => Ok(Format::Jpeg {
                quality: ranged("quality", quality, 1, 100, 75)?,
            }),
            "png" => Ok(Format::Png),
            "webp" => {
                ranged("quality", quality, 0, 100, 100)?;
                Ok(Format::WebP)
            }
            "avif" => Ok(Format::Avif {
                quality: ranged("quality", quality, 1, 100, 80)?,
                speed: ranged("speed", speed, 1, 10, 5)?,
            }),
            other => Err(format!(
                "unknown format=\"{other}\"; it is one of auto, jpg, png, webp, avif"
            )),
        }
    }

    pub(crate) fn extension(self) -> &'static str {
        match self {
            Format::Jpeg { .. } => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Avif { .. } => "avif",
        }
    }
}

/// What the header says of a source image.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header {
    /// As shown, EXIF orientation applied.
    pub size: (u32, u32),
    /// JPEG, or a lossy WebP: `auto` writes JPEG.
    pub lossy: bool,
}

/// The decoding limits: a small file can claim to be 100,000 pixels square (a
/// decompression bomb).
fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(30_000);
    limits.max_image_height = Some(30_000);
    limits.max_alloc = Some(1 << 30);
    limits
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    if reader.format().is_none() {
        return Err("it is not an image dossier can read (JPEG, PNG, WebP, GIF)".to_owned());
    }
    reader.limits(limits());
    Ok(reader)
}

/// Reads only the header (and the EXIF orientation).
pub(crate) fn header(bytes: &[u8]) -> Result<Header, String> {
    let reader = reader(bytes)?;
    let format = reader.format();
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    let turned = matches!(
        decoder.orientation(),
        Ok(image::metadata::Orientation::Rotate90
            | image::metadata::Orientation::Rotate270
            | image::metadata::Orientation::Rotate90FlipH
            | image::metadata::Orientation::Rotate270FlipH)
    );
    let lossy = match format {
        Some(image::ImageFormat::Jpeg) => true,
        // VP8 (not VP8L) at byte 12 of a simple WebP file, or a VP8 chunk in an
        // extended one, is lossy.
        Some(image::ImageFormat::WebP) => {
            bytes.get(12..16) == Some(&b"VP8 "[..]) || bytes.windows(4).take(4096).any(|w| w == b"VP8 ")
        }
        _ => false,
    };
    Ok(Header {
        size: if turned { (h, w) } else { (w, h) },
        lossy,
    })
}

/// The source decoded once, then cropped, scaled and encoded for each of `wanted`.
pub(crate) fn process(
    bytes: &[u8],
    wanted: &[(Geometry, Format)],
) -> Result<Vec<Result<Vec<u8>, String>>, String> {
    let mut decoder = reader(bytes)?.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    let mut resizer = fast_image_resize::Resizer::new();
    Ok(wanted
        .iter()
        .map(|&(geometry, format)| {
            let sized = resize(&mut resizer, &img, geometry)?;
            encode(sized.as_ref().unwrap_or(&img), format, icc.clone()).map_err(|e| e.to_string())
        })
        .collect())
}

/// The image cropped and scaled as `geometry` says (Lanczos3, as Zola's), or `None` when
/// it is to stay as it is.
fn resize(
    resizer: &mut fast_image_resize::Resizer,
    img: &DynamicImage,
    geometry: Geometry,
) -> Result<Option<DynamicImage>, String> {
    if !geometry.scale && geometry.crop.is_none() {
        return Ok(None);
    }
    let mut options = fast_image_resize::ResizeOptions::new().resize_alg(
        fast_image_resize::ResizeAlg::Convolution(fast_image_resize::FilterType::Lanczos3),
    );
    if let Some((x, y, w, h)) = geometry.crop {
        options = options.crop(f64::from(x), f64::from(y), f64::from(w), f64::from(h));
    }
    let (w, h) = geometry.size;
    let mut run = |src: &DynamicImage| {
        let mut dst = DynamicImage::new(w, h, src.color());
        resizer.resize(src, &mut dst, &options).map(|()| dst)
    };
    match run(img) {
        Ok(dst) => Ok(Some(dst)),
        // A pixel type the resizer lacks (32-bit float): as 8-bit RGBA.
        Err(
            fast_image_resize::ResizeError::PixelTypesAreDifferent
            | fast_image_resize::ResizeError::ImageError(_),
        ) => run(&DynamicImage::ImageRgba8(img.to_rgba8()))
            .map(Some)
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

fn encode(img: &DynamicImage, format: Format, icc: Option<Vec<u8>>) -> image::ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    let alpha = img.color().has_alpha();
    // Each encoder takes 8-bit samples (PNG takes the source's own); JPEG has no alpha.
    let pixels: DynamicImage = match format {
        Format::Jpeg { .. } => DynamicImage::ImageRgb8(img.to_rgb8()),
        Format::Png => img.clone(),
        Format::WebP | Format::Avif { .. } if alpha => DynamicImage::ImageRgba8(img.to_rgba8()),
        Format::WebP | Format::Avif { .. } => DynamicImage::ImageRgb8(img.to_rgb8()),
    };
    match format {
        Format::Jpeg { quality } => write_with(
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality),
            &pixels,
            icc,
        )?,
        Format::Png => write_with(image::codecs::png::PngEncoder::new(&mut out), &pixels, icc)?,
        Format::WebP => write_with(
            image::codecs::webp::WebPEncoder::new_lossless(&mut out),
            &pixels,
            icc,
        )?,
        Format::Avif { quality, speed } => write_with(
            image::codecs::avif::AvifEncoder::new_with_speed_quality(&mut out, speed, quality),
            &pixels,
            icc,
        )?,
    }
    Ok(out)
}

/// Writes the pixels with `encoder`, with the colour profile if the format carries one.
fn write_with(
    mut encoder: impl ImageEncoder,
    img: &DynamicImage,
    icc: Option<Vec<u8>>,
) -> image::ImageResult<()> {
    if let Some(icc) = icc {
        // A format that cannot carry it is written without it.
        encoder.set_icc_profile(icc).ok();
    }
    encoder.write_image(img.as_bytes(), img.width(), img.height(), img.color().into())
}
