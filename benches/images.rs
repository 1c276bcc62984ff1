//! `resize_image` on a site of photographs, cold and warm.
//!
//! `cargo bench --bench images -- [PAGES] [RUNS]` makes (once) a site of PAGES analyses
//! (200 by default) under `target/bench/images-PAGES/`, each with a 1600 × 1200 JPEG
//! beside it that its template resizes twice (800 wide as JPEG, a 200 × 200 crop as
//! WebP), then alternates RUNS times (5 by default): a cold build into a new folder
//! (as in CI, every image made) and a warm build into the same folder again (every image
//! an earlier build left kept). Prints the median wall time of each and what the build
//! reported: images made and kept, so the cache's hit rate. With `ZOLA=/path/to/zola`,
//! Zola builds a copy of the site the same way (cold: its `static/processed_images/`
//! emptied first), alternated with dossier.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use image::{ImageEncoder, Rgb, RgbImage};

const PAGE_TEMPLATE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><h1>{{ page.title }}</h1>
{% set big = resize_image(path=page.colocated_path ~ "photo.jpg", width=800, height=0, op="fit_width", format="jpg") %}
{% set thumb = resize_image(path=page.colocated_path ~ "photo.jpg", width=200, height=200, op="fill", format="webp") %}
<img src="{{ big.url }}" width="{{ big.width }}" height="{{ big.height }}" alt="">
<img src="{{ thumb.url }}" width="{{ thumb.width }}" height="{{ thumb.height }}" alt="">
</body></html>
"#;

const LIST_TEMPLATE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ section.title }}</title></head><body><h1>{{ section.title }}</h1></body></html>\n";

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let pages: u32 = args.first().and_then(|n| n.parse().ok()).unwrap_or(200);
    let runs: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(5);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench/images-{pages}"));
    let site = root.join("site");
    if !site.join("config.toml").is_file() {
        make_site(&site, pages);
    }
    let zola = std::env::var_os("ZOLA").map(PathBuf::from);
    let zola_site = root.join("zola-site");
    if zola.is_some() {
        std::fs::remove_dir_all(&zola_site).ok();
        copy_dir(&site, &zola_site);
    }
    let outputs = root.join("out");
    std::fs::remove_dir_all(&outputs).ok();
    std::fs::create_dir_all(&outputs).expect("make the output folder");
    let (mut cold, mut warm, mut zola_cold, mut zola_warm) = (vec![], vec![], vec![], vec![]);
    let mut reports = Vec::new();
    for run in 0..runs {
        let out = outputs.join(format!("dossier-{run}"));
        let (t, report) = dossier(&site, &out);
        cold.push(t);
        reports.push(("cold", report));
        let (t, report) = dossier(&site, &out);
        warm.push(t);
        reports.push(("warm", report));
        if let Some(zola) = &zola {
            std::fs::remove_dir_all(zola_site.join("static/processed_images")).ok();
            let out = outputs.join(format!("zola-{run}"));
            zola_cold.push(
                time(
                    Command::new(zola)
                        .current_dir(&zola_site)
                        .args(["build", "-o"])
                        .arg(&out),
                )
                .0,
            );
            let out = outputs.join(format!("zola-{run}-warm"));
            zola_warm.push(
                time(
                    Command::new(zola)
                        .current_dir(&zola_site)
                        .args(["build", "-o"])
                        .arg(&out),
                )
                .0,
            );
        }
    }
    println!(
        "{pages} pages, {} images asked for each build; {runs} runs each, alternated",
        pages * 2
    );
    for (case, report) in reports.iter().take(2) {
        println!("  dossier {case}: {report}");
    }
    println!("  dossier cold  {:>8.2} s (median)", median(&mut cold));
    println!("  dossier warm  {:>8.2} s", median(&mut warm));
    if zola.is_some() {
        println!("  zola cold     {:>8.2} s", median(&mut zola_cold));
        println!("  zola warm     {:>8.2} s", median(&mut zola_warm));
    }
}

/// A build of `site` into `out`: its wall time and the line that says what it did with
/// images.
fn dossier(site: &Path, out: &Path) -> (Duration, String) {
    let (took, stdout) = time(
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("--root")
            .arg(site)
            .args(["build", "-o"])
            .arg(out),
    );
    let line = stdout
        .lines()
        .find(|l| l.contains("resized"))
        .unwrap_or("no images resized")
        .trim()
        .to_owned();
    (took, line)
}

fn time(cmd: &mut Command) -> (Duration, String) {
    let start = Instant::now();
    let output = cmd.output().expect("run the build");
    let took = start.elapsed();
    assert!(
        output.status.success(),
        "the build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (took, String::from_utf8_lossy(&output.stdout).into_owned())
}

fn median(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64()
}

/// The site: photographs made of smooth colour fields and noise, so that they compress
/// as photographs do, each different.
fn make_site(site: &Path, pages: u32) {
    let write = |rel: &str, text: &str| {
        let path = site.join(rel);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("make folders");
        std::fs::write(path, text).expect("write");
    };
    write(
        "config.toml",
        "base_url = \"https://example.org/\"\ntitle = \"Photos\"\nbuild_search_index = false\ngenerate_feeds = false\n",
    );
    write("content/_index.md", "+++\ntitle = \"Photos\"\n+++\n");
    write(
        "content/photos/_index.md",
        "+++\ntitle = \"Photos\"\nsort_by = \"date\"\n+++\n",
    );
    write("templates/page.html", PAGE_TEMPLATE);
    write("templates/index.html", LIST_TEMPLATE);
    write("templates/section.html", LIST_TEMPLATE);
    for i in 0..pages {
        let k = i as f32 * 0.37;
        let photo = RgbImage::from_fn(1600, 1200, |x, y| {
            let (fx, fy) = (x as f32 / 1600.0, y as f32 / 1200.0);
            let noise = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ i) >> 7) % 24;
            Rgb([
                (120.0 + 100.0 * (fx * (5.0 + k)).sin() * (fy * 3.0).cos()) as u8 + noise as u8 / 2,
                (120.0 + 90.0 * (fy * 6.0 + fx * k).sin()) as u8,
                (60.0 + 120.0 * fx * fy) as u8 + noise as u8,
            ])
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
            .write_image(photo.as_raw(), 1600, 1200, image::ExtendedColorType::Rgb8)
            .expect("encode a photo");
        let dir = format!("content/photos/p{i:04}");
        std::fs::create_dir_all(site.join(&dir)).expect("make the bundle");
        std::fs::write(site.join(&dir).join("photo.jpg"), jpeg).expect("write a photo");
        write(
            &format!("{dir}/index.md"),
            &format!(
                "+++\ntitle = \"Photo {i}\"\ndate = 2026-01-{:02}\n+++\nA photo.\n",
                1 + i % 28
            ),
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk the site");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("make a folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}
