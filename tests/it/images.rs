//! Zola's `resize_image`: every operation and format, with the sizes the template is told
//! checked against the files written; the output folder as the cache; bad input at its
//! place.

use std::collections::BTreeMap;

use scraper::Html;

use crate::harness::*;

const FIXTURE: &str = "images";

/// One `<img>` the fixture's shortcode wrote: what the template was told, and the file.
#[derive(Debug)]
struct Resized {
    label: String,
    /// The output path (`processed_images/…`).
    path: String,
    width: u32,
    height: u32,
    orig: String,
}

fn resized(html: &Html) -> Vec<Resized> {
    let selector = scraper::Selector::parse("img.resized").unwrap();
    html.select(&selector)
        .map(|img| {
            let a = |name: &str| img.value().attr(name).unwrap_or_default().to_owned();
            let src = a("src");
            let path = src
                .strip_prefix("https://example.org/")
                .unwrap_or(&src)
                .to_owned();
            assert_eq!(path, a("data-static"), "url and static_path name one file");
            Resized {
                label: a("alt"),
                path,
                width: a("width").parse().unwrap(),
                height: a("height").parse().unwrap(),
                orig: a("data-orig"),
            }
        })
        .collect()
}

/// The size and format a file's header gives.
fn header(bytes: &[u8]) -> (u32, u32, imagesize::ImageType) {
    let size = imagesize::blob_size(bytes).expect("an image header");
    let kind = imagesize::image_type(bytes).expect("a known image type");
    (size.width as u32, size.height as u32, kind)
}

#[test]
fn every_operation_and_format_makes_the_size_the_template_was_told() {
    use imagesize::ImageType as T;
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let images = resized(&site.html("/gallery/"));
    let got: Vec<(String, u32, u32, String)> = images
        .iter()
        .map(|r| (r.label.clone(), r.width, r.height, r.orig.clone()))
        .collect();
    let want = [
        ("scale jpg", 150, 150, "300x380"),
        ("fit_width png", 100, 126, "300x380"),
        ("fit_height webp", 118, 150, "300x380"),
        // Never enlarged; `auto` keeps a PNG a PNG.
        ("fit auto", 300, 380, "300x380"),
        ("fit jpg", 118, 150, "300x380"),
        ("fill avif", 100, 200, "300x380"),
        ("fill png", 300, 100, "300x380"),
        // A JPEG stays JPEG; the one stored on its side is shown upright.
        ("fit_width auto", 320, 240, "640x480"),
        ("fit_height auto", 240, 320, "480x640"),
        ("scale webp", 60, 40, "120x80"),
        ("fit auto", 60, 40, "120x80"),
        ("fill png", 30, 30, "120x80"),
    ];
    let want: Vec<(String, u32, u32, String)> = want
        .iter()
        .map(|(l, w, h, o)| (l.to_string(), *w, *h, o.to_string()))
        .collect();
    assert_eq!(got, want);
    let kinds = [
        T::Jpeg,
        T::Png,
        T::Webp,
        T::Png,
        T::Jpeg,
        T::Heif(imagesize::Compression::Av1),
        T::Png,
        T::Jpeg,
        T::Jpeg,
        T::Webp,
        T::Png,
        T::Png,
    ];
    for (r, kind) in images.iter().zip(kinds) {
        let bytes = std::fs::read(site.path(&format!("public/{}", r.path))).unwrap();
        assert_eq!(header(&bytes), (r.width, r.height, kind), "{r:?}");
        let ext = r.path.rsplit('.').next().unwrap();
        assert!(r.path.starts_with("processed_images/"), "{r:?}");
        assert_eq!(
            ext,
            match kind {
                T::Jpeg => "jpg",
                T::Png => "png",
                T::Webp => "webp",
                _ => "avif",
            }
        );
    }
    // The AVIF is an AVIF (not some other HEIF).
    let avif = std::fs::read(site.path(&format!("public/{}", images[5].path))).unwrap();
    assert_eq!(&avif[4..12], b"ftypavif");
    // `auto` for a PNG and `png` are one file.
    assert_eq!(images[3].path.rsplit_once('.').unwrap().1, "png");
    site.assert_no_broken_links();
}

#[test]
fn pixels_are_cropped_and_turned_as_asked() {
    let site = SiteTest::fixture(FIXTURE);
    site.build_ok();
    let images = resized(&site.html("/gallery/"));
    let pixels = |i: usize| {
        image::open(site.path(&format!("public/{}", images[i].path)))
            .unwrap()
            .to_rgb8()
    };
    // The gradient runs dark blue at the top to yellow at the bottom: `fill` 300 × 100
    // keeps the middle band, so its top row is neither end's colour.
    let source = image::open(site.path("static/images/gradient.png"))
        .unwrap()
        .to_rgb8();
    let band = pixels(6);
    let (top, middle) = (source.get_pixel(150, 0)[0], source.get_pixel(150, 190)[0]);
    let got = band.get_pixel(150, 50)[0];
    assert!(
        got.abs_diff(middle) < 12 && got.abs_diff(top) > 60,
        "{got} {middle} {top}"
    );
    // The portrait was stored on its side: the stored image's left column (x = 0) is
    // the shown image's top row.
    let portrait = pixels(8);
    let stored = image::open(site.path("static/images/portrait.jpg"))
        .unwrap()
        .to_rgb8();
    let stored_left = stored.get_pixel(0, 240);
    let shown_top = portrait.get_pixel(120, 0);
    for c in 0..3 {
        assert!(
            stored_left[c].abs_diff(shown_top[c]) < 24,
            "{stored_left:?} {shown_top:?}"
        );
    }
    // Transparency survives where the format has it.
    let dot = image::open(site.path(&format!("public/{}", images[9].path)))
        .unwrap()
        .to_rgba8();
    assert_eq!(dot.get_pixel(0, 0)[3], 0);
    assert_eq!(dot.get_pixel(30, 20)[3], 255);
}

#[test]
fn a_processed_image_left_by_an_earlier_build_is_kept_not_made_again() {
    let site = SiteTest::fixture(FIXTURE);
    let out = site.build_ok();
    assert!(
        out.stdout
            .contains("12 images resized: 12 made, 0 kept from the last build"),
        "{out}"
    );
    let first = resized(&site.html("/gallery/"));
    // Mark every processed image: a build that made one again would overwrite the mark.
    for r in &first {
        std::fs::write(
            site.path(&format!("public/{}", r.path)),
            format!("kept {}", r.path),
        )
        .unwrap();
    }
    site.build_ok();
    for r in &first {
        assert_eq!(
            site.read(&format!("public/{}", r.path)),
            format!("kept {}", r.path)
        );
    }
    // A changed source is another file: the new one is made, the old one removed.
    let old = first
        .iter()
        .find(|r| r.path.starts_with("processed_images/photo."))
        .unwrap();
    let mut photo = image::open(site.path("content/gallery/photo.jpg"))
        .unwrap()
        .to_rgb8();
    photo.put_pixel(0, 0, image::Rgb([255, 0, 0]));
    photo.save(site.path("content/gallery/photo.jpg")).unwrap();
    site.build_ok();
    let second = resized(&site.html("/gallery/"));
    let new = second
        .iter()
        .find(|r| r.path.starts_with("processed_images/photo."))
        .unwrap();
    assert_ne!(new.path, old.path);
    assert!(!site.exists(&format!("public/{}", old.path)));
    assert_eq!(
        header(&std::fs::read(site.path(&format!("public/{}", new.path))).unwrap()).0,
        320
    );
}

#[test]
fn two_builds_write_the_same_bytes() {
    let site = SiteTest::fixture(FIXTURE);
    let out = |name: &str| site.path(name);
    let build = |dir: &str| {
        site.run(&["build", "-o", out(dir).to_str().unwrap()])
            .assert_success();
        snapshot(&out(dir))
            .into_iter()
            .filter(|(p, _)| p.starts_with("processed_images/"))
            .collect::<BTreeMap<_, _>>()
    };
    let (a, b) = (build("one"), build("two"));
    assert_eq!(a.len(), 12);
    assert!(a == b, "processed images differ between two builds");
}

#[test]
fn check_names_the_images_without_making_them() {
    let site = SiteTest::fixture(FIXTURE);
    let out = site.run(&["check"]);
    out.assert_success();
    assert!(!out.stdout.contains("resized"), "{out}");
    assert!(!site.exists("public"));
}

/// The fixture's gallery with one more call in its body.
fn with_call(call: &str) -> SiteTest {
    let site = SiteTest::fixture(FIXTURE);
    let page = site.read("content/gallery/index.md");
    site.write(
        "content/gallery/index.md",
        format!("{page}\nOne more:\n\n{call}\n"),
    );
    site
}

#[test]
fn a_bad_call_is_an_error_at_the_shortcode_that_makes_it() {
    // (path, op, width, height, format and more, what the message says)
    let cases = [
        (
            "images/gradient.png",
            "fil",
            10,
            10,
            "jpg",
            "unknown op=\"fil\"; did you mean `fill`?",
        ),
        (
            "images/gradient.png",
            "fill",
            10,
            10,
            "gif",
            "unknown format=\"gif\"",
        ),
        ("images/gradient.png", "scale", 0, 10, "jpg", "`width` is 0"),
        (
            "images/gradient.png",
            "scale",
            16384,
            16384,
            "png",
            "more than dossier makes",
        ),
        (
            "images/missing.png",
            "scale",
            9,
            9,
            "jpg",
            "no image `images/missing.png`",
        ),
        ("../../etc/hostname", "scale", 9, 9, "jpg", "climbs out"),
        ("/etc/hostname", "scale", 9, 9, "jpg", "no image `/etc/hostname`"),
        (
            "config.toml",
            "scale",
            9,
            9,
            "jpg",
            "not an image dossier can read",
        ),
    ];
    for (path, op, width, height, format, message) in cases {
        let call = format!(
            "{{{{ img(path=\"{path}\", op=\"{op}\", width={width}, height={height}, format=\"{format}\") }}}}"
        );
        let site = with_call(&call);
        assert!(!site.build().success(), "{call} built");
        site.build_err()
            .assert_stderr_has(&["resize_image", message, "content/gallery/index.md:"]);
    }
    // A quality out of range, in a template of its own.
    let site = SiteTest::fixture(FIXTURE).file(
        "templates/shortcodes/q.html",
        "{% set r = resize_image(path=\"images/dot.png\", width=9, height=9, format=\"avif\", quality=101) %}{{ r.url }}",
    );
    let page = site.read("content/gallery/index.md");
    site.write("content/gallery/index.md", format!("{page}\n{{{{ q() }}}}\n"));
    site.build_err()
        .assert_stderr_has(&["resize_image", "`quality` is 101; for avif it is from 1 to 100"]);
}

#[test]
fn an_image_that_cannot_be_decoded_is_an_error_at_the_image() {
    let site = with_call(
        r#"{{ img(path="images/corrupt.png", op="fit_width", width=50, height=0, format="png") }}"#,
    );
    let out = site.build_err();
    out.assert_stderr_has(&["cannot resize the image", "static/images/corrupt.png"]);
}

#[test]
fn an_image_that_claims_to_be_enormous_is_refused_before_it_is_decoded() {
    // A valid PNG header claiming 100,000 × 100,000 pixels (40 GB decoded).
    let mut png = Vec::new();
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR");
    let ihdr = [
        &100_000u32.to_be_bytes()[..],
        &100_000u32.to_be_bytes()[..],
        &[8, 6, 0, 0, 0],
    ]
    .concat();
    let crc = crc32(&[&b"IHDR"[..], &ihdr].concat());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc.to_be_bytes());
    let site =
        with_call(r#"{{ img(path="images/bomb.png", op="fit_width", width=50, height=0, format="png") }}"#)
            .file("static/images/bomb.png", &png);
    site.build_err()
        .assert_stderr_has(&["resize_image", "images/bomb.png", "content/gallery/index.md:"]);
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG of `width` × `height` pixels, a gradient so it does not compress to nothing.
fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    img.write_to(&mut bytes, image::ImageFormat::Png).expect("a PNG");
    bytes.into_inner()
}

#[test]
fn images_in_analyses_get_smaller_copies_for_phones_in_the_built_in_theme() {
    let photo = std::fs::read(repo_root().join("tests/fixtures/images/content/gallery/photo.jpg")).unwrap();
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/site/\"\ntitle = \"T\"\ngenerate_feeds = true\n",
        )
        .file(
            "content/brief/index.md",
            "+++\ntitle = \"Brief\"\ndate = 2026-11-20\n+++\n\
             ![A wide map](map.png)\n\n\
             Text, and a photo: ![A photo](/site/images/photo.jpg)\n\n\
             ![A drawing](/site/images/plan.svg)\n\n\
             ![Elsewhere](https://example.com/a.jpg)\n\n\
             ![Unreadable](/site/images/corrupt.png)\n",
        )
        .file("content/brief/map.png", png(2000, 1000))
        .file("static/images/photo.jpg", photo)
        .file(
            "static/images/plan.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"/>",
        )
        .file("static/images/corrupt.png", b"\x89PNG\r\n\x1a\nnot really");
    site.build_ok();
    let html = site.html("/brief/");
    let img = |alt: &str| {
        let selector = scraper::Selector::parse(&format!("img[alt=\"{alt}\"]")).unwrap();
        let found = html
            .select(&selector)
            .next()
            .unwrap_or_else(|| panic!("no image {alt}"));
        let a = |name: &str| found.value().attr(name).map(str::to_owned);
        (
            a("src").unwrap(),
            a("srcset"),
            a("sizes"),
            a("width"),
            a("height"),
        )
    };

    // The 2,000 px map: three copies and itself.
    let (src, srcset, sizes, width, height) = img("A wide map");
    assert_eq!(src, "/site/brief/map.png");
    let srcset = srcset.expect("a srcset");
    let candidates: Vec<(&str, &str)> = srcset
        .split(", ")
        .map(|c| c.split_once(' ').expect("address and width"))
        .collect();
    let widths: Vec<&str> = candidates.iter().map(|(_, w)| *w).collect();
    assert_eq!(widths, ["480w", "960w", "1440w", "2000w"]);
    assert_eq!(candidates[3].0, "/site/brief/map.png");
    for (url, w) in &candidates[..3] {
        let file = url.strip_prefix("/site/").expect("under the base path");
        assert!(file.starts_with("processed_images/"), "{url}");
        let bytes = std::fs::read(site.path("public").join(file)).expect("the copy is written");
        let (got_w, got_h, kind) = header(&bytes);
        assert_eq!(format!("{got_w}w"), *w);
        assert_eq!(got_h, got_w / 2, "the aspect ratio is kept");
        assert_eq!(kind, imagesize::ImageType::Png, "the copy keeps the format");
    }
    assert!(sizes.expect("sizes").contains("100vw"));
    assert_eq!(
        (width.as_deref(), height.as_deref()),
        (Some("2000"), Some("1000"))
    );

    // The 640 px photo from static/: one copy.
    let (_, srcset, _, width, _) = img("A photo");
    let srcset = srcset.expect("a srcset");
    assert!(srcset.ends_with(", /site/images/photo.jpg 640w"), "{srcset}");
    assert_eq!(srcset.matches("w, ").count(), 1, "{srcset}");
    assert_eq!(width.as_deref(), Some("640"));

    // Vector, remote and unreadable images are left as they are.
    for alt in ["A drawing", "Elsewhere", "Unreadable"] {
        let (_, srcset, sizes, width, _) = img(alt);
        assert_eq!((srcset, sizes, width), (None, None, None), "{alt}");
    }

    // An image that leads out of the site is never read. A link in static/ to a file
    // elsewhere stops the build before any page is made; an address climbing out with
    // `..` keeps its plain <img>.
    let outside = tempfile::tempdir().expect("a folder outside the site");
    std::fs::write(outside.path().join("secret.png"), png(1200, 600)).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.png"),
        site.path("static/images/leak.png"),
    )
    .unwrap();
    site.build_err()
        .assert_stderr_has(&["static/images/leak.png", "outside the site folder"]);
    std::fs::remove_file(site.path("static/images/leak.png")).unwrap();
    site.write(
        "content/escape/index.md",
        format!(
            "+++\ntitle = \"Escape\"\n+++\n<img src=\"/site/../../{}/secret.png\" alt=\"Climb\">\n",
            outside.path().file_name().unwrap().to_string_lossy()
        ),
    );
    // (static/../../<that folder>/secret.png is the real file, beside the site folder.)
    assert_eq!(outside.path().parent(), site.root().parent());
    site.build_ok();
    let escape = site.html("/escape/");
    let selector = scraper::Selector::parse("img[alt=\"Climb\"]").unwrap();
    let img = escape.select(&selector).next().expect("the image");
    assert_eq!(img.value().attr("srcset"), None);
    assert_eq!(img.value().attr("width"), None);
    std::fs::remove_dir_all(site.path("content/escape")).unwrap();
    site.build_ok();

    // The feed has the content as written, pointing at the originals.
    let feed = site.output_text("/atom.xml");
    assert!(feed.contains("/site/brief/map.png"));
    assert!(!feed.contains("srcset"));

    // The same input, the same output, and the copies are kept, not made again.
    let first = std::fs::read(site.path("public/brief/index.html")).unwrap();
    site.build_ok();
    assert_eq!(
        std::fs::read(site.path("public/brief/index.html")).unwrap(),
        first
    );
}
