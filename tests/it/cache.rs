//! `dossier build --cache-dir`: a build into an empty output folder takes unchanged
//! outputs from the cache, and its output is always byte-identical to a cold build's,
//! whatever state the cache is in.

use std::path::Path;

use crate::harness::{SiteTest, parse_output, read_output, snapshot, text};

/// `dossier build -o <out> --cache-dir <site>/.dossier-cache`, which must succeed; its
/// standard output.
fn cached_build(site: &SiteTest, out: &Path) -> String {
    cached_build_with(site, out, &[])
}

/// [`cached_build`] with more options (`--profile`).
fn cached_build_with(site: &SiteTest, out: &Path, more: &[&str]) -> String {
    let out = cached_run(site, out, more);
    out.assert_success();
    out.stdout.clone()
}

/// `dossier build -o <out> --cache-dir <site>/.dossier-cache` and `more`, whatever its end.
fn cached_run(site: &SiteTest, out: &Path, more: &[&str]) -> crate::harness::Output {
    let cache = site.path(".dossier-cache");
    let mut args = vec![
        "build",
        "-o",
        out.to_str().expect("a UTF-8 path"),
        "--cache-dir",
        cache.to_str().expect("a UTF-8 path"),
    ];
    args.extend_from_slice(more);
    site.run(&args)
}

/// The output of a build without the cache, into a fresh folder.
fn cold_build(site: &SiteTest) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().expect("temp dir");
    let dir = out.path().join("public");
    site.run(&["build", "-o", dir.to_str().expect("a UTF-8 path")])
        .assert_success();
    snapshot(&dir)
}

/// Fails, naming the files that differ, unless `out` holds what a cold build makes.
fn assert_same_as_cold(site: &SiteTest, out: &Path) {
    let (ours, cold) = (snapshot(out), cold_build(site));
    let differ: Vec<&String> = ours
        .keys()
        .chain(cold.keys())
        .filter(|path| ours.get(*path) != cold.get(*path))
        .collect();
    assert!(differ.is_empty(), "differs from a cold build: {differ:?}");
}

/// (reused, rendered) from the line `build` prints about the cache.
fn counts(stdout: &str) -> (usize, usize) {
    let line = stdout
        .lines()
        .find(|l| l.contains("build cache"))
        .unwrap_or_else(|| panic!("no line about the build cache in:\n{stdout}"));
    let numbers = numbers(line);
    match line.contains("not used") {
        true => (0, numbers[0]),
        false => (numbers[0], numbers[1]),
    }
}

/// How many outputs had their fingerprints made, from the line `build` prints about the
/// cache (the others' were the last build's).
fn fingerprinted(stdout: &str) -> usize {
    let line = stdout
        .lines()
        .find(|l| l.contains("build cache:"))
        .unwrap_or_else(|| panic!("no line about the build cache in:\n{stdout}"));
    numbers(line)[2]
}

/// (taken from the cache, documents) from the line `build` prints about the Markdown.
fn markdown_counts(stdout: &str) -> (usize, usize) {
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("Markdown:"))
        .unwrap_or_else(|| panic!("no line about the cached Markdown in:\n{stdout}"));
    let numbers = numbers(line);
    (numbers[0], numbers[1])
}

/// Whether the build took the related analyses from the cache, as it says.
fn related_taken(stdout: &str) -> bool {
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("Markdown:"))
        .unwrap_or_else(|| panic!("no line about the cached Markdown in:\n{stdout}"));
    assert!(line.contains("related analyses"), "{line}");
    line.ends_with("related analyses taken from it")
}

/// The files holding the cached Markdown, by name, with their bytes.
fn markdown_files(site: &SiteTest) -> std::collections::BTreeMap<String, Vec<u8>> {
    snapshot(&site.path(".dossier-cache/markdown"))
}

/// The numbers in `line`, in order.
fn numbers(line: &str) -> Vec<usize> {
    line.split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().expect("a number"))
        .collect()
}

/// Gives the example site's analysis of the Kursk deployment the title `title`.
fn rename_kursk(site: &SiteTest, title: &str) {
    let page = "content/security/kursk-deployment.md";
    let source = site.read(page);
    let old_title = "title = \"North Korean Troops at Kursk: What the Deployment Changes\"";
    assert!(source.contains(old_title), "the page's title");
    site.write(
        page,
        source.replacen(old_title, &format!("title = \"{title}\""), 1),
    );
}

/// A note's Markdown file: its title and date, and a line of text.
fn note(title: &str, date: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\n+++\nA note.\n")
}

fn objects(site: &SiteTest) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(site.path(".dossier-cache/objects"))
        .min_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn an_edit_renders_only_what_it_changed_and_the_output_equals_a_cold_build() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    let first = cached_build(&site, &tmp.path().join("first"));
    let (reused, total) = counts(&first);
    assert_eq!(reused, 0, "an empty cache reuses nothing:\n{first}");
    let (taken, documents) = markdown_counts(&first);
    assert_eq!(taken, 0, "{first}");

    // Nothing changed: everything with a fingerprint comes from the cache.
    let again = cached_build(&site, &tmp.path().join("again"));
    let (reused, rendered) = counts(&again);
    assert_eq!(reused + rendered, total);
    assert!(reused > total / 2, "too little reused:\n{again}");
    // Every document's Markdown but those never kept (with wikilinks, shortcodes, charts
    // or warnings), which are converted by every build.
    let (taken, _) = markdown_counts(&again);
    assert!(taken > documents * 3 / 4, "too little Markdown taken:\n{again}");
    assert!(!related_taken(&first) && related_taken(&again), "{again}");
    assert_eq!(snapshot(&tmp.path().join("again")), cold_build(&site));
    // With no document changed, only the outputs written from bytes the documents'
    // hashes do not count (redirects, a chart's data) have their fingerprints made.
    assert!(fingerprinted(&again) < 10, "{again}");

    // One analysis's body changes: its page and the outputs that show it (its section,
    // the front page it leads, its ten terms' pages, the pages listing it as related),
    // about twenty of the 98 reused.
    let page = "content/security/kursk-deployment.md";
    let text = site.read(page);
    site.write(page, format!("{text}\nA paragraph added for the cache test.\n"));
    let edited = cached_build(&site, &tmp.path().join("edited"));
    let (_, after_edit) = counts(&edited);
    assert!(
        after_edit < rendered + 25,
        "a body edit rendered {after_edit} outputs (nothing changed: {rendered}):\n{edited}"
    );
    // Its body alone changed: the outputs showing the page have their fingerprints made,
    // the others keep the last build's.
    let made = fingerprinted(&edited);
    assert!(
        made > fingerprinted(&again) && made < 40,
        "a body edit fingerprinted {made} of {total} outputs:\n{edited}"
    );
    let out = tmp.path().join("edited");
    assert!(
        read_output(&out, "/security/kursk-deployment/").contains("A paragraph added for the cache test.")
    );
    assert_eq!(snapshot(&out), cold_build(&site));

    // Of the Markdown, only an edited document's is converted again (the page above has
    // wikilinks, so its Markdown is never kept), and only the file keeping it is written
    // again. Its terms are unchanged: the related analyses come from the cache.
    let page = "content/economy/european-markets.md";
    let text = site.read(page);
    let before = markdown_files(&site);
    assert!(before.len() > 1, "the Markdown is kept in one file");
    site.write(
        page,
        format!("{text}\nA second paragraph added for the cache test.\n"),
    );
    let edited = cached_build(&site, &tmp.path().join("edited-again"));
    assert_eq!(markdown_counts(&edited).0, taken - 1, "{edited}");
    assert!(related_taken(&edited), "{edited}");
    let after = markdown_files(&site);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let rewritten: Vec<&String> = before
        .keys()
        .filter(|name| before[*name] != after[*name])
        .collect();
    assert_eq!(rewritten.len(), 1, "{rewritten:?}");
    let out = tmp.path().join("edited-again");
    assert!(read_output(&out, "/economy/european-markets/").contains("A second paragraph added"));
    assert_eq!(snapshot(&out), cold_build(&site));

    // A tag added to two pages changes what relates them: every page's related analyses
    // are found again.
    let text = site.read(page);
    assert!(text.contains("  tags: [energy,"), "the page has tags");
    site.write(
        page,
        text.replacen("  tags: [energy,", "  tags: [cache-test-tag, energy,", 1),
    );
    let other = "content/security/kursk-deployment.md";
    let other_text = site.read(other);
    assert!(other_text.contains("tags = ["), "the page has tags");
    site.write(
        other,
        other_text.replacen("tags = [", "tags = [\"cache-test-tag\", ", 1),
    );
    let tagged = cached_build(&site, &tmp.path().join("tagged"));
    assert!(!related_taken(&tagged), "{tagged}");
    assert_eq!(snapshot(&tmp.path().join("tagged")), cold_build(&site));
    // The new tag has pages of its own.
    let (reused, rendered) = counts(&tagged);
    let total = reused + rendered;
    // Front matter changed: every fingerprint is made.
    assert_eq!(fingerprinted(&tagged), total, "{tagged}");

    // A template edit changes every fingerprint.
    let template = "themes/default/templates/page.html";
    let text = site.read(template);
    site.write(template, format!("{text}\n<!-- edited -->\n"));
    let retemplated = cached_build(&site, &tmp.path().join("retemplated"));
    assert_eq!(counts(&retemplated), (0, total), "{retemplated}");
    assert_eq!(snapshot(&tmp.path().join("retemplated")), cold_build(&site));
    // The Markdown does not depend on the templates, but on the configuration.
    assert_eq!(markdown_counts(&retemplated).0, taken, "{retemplated}");
    let config = site.read("config.toml");
    site.write("config.toml", format!("{config}\n# edited\n"));
    let reconfigured = cached_build(&site, &tmp.path().join("reconfigured"));
    assert_eq!(markdown_counts(&reconfigured).0, 0, "{reconfigured}");
    assert_eq!(snapshot(&tmp.path().join("reconfigured")), cold_build(&site));
}

#[test]
fn an_edit_to_a_summary_reaches_every_list_showing_it_while_the_other_fingerprints_are_kept() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    // Without a description, the lists show the analysis's summary: its first paragraph.
    let page = "content/economy/european-markets.md";
    let text = site.read(page);
    let description = text
        .lines()
        .find(|l| l.starts_with("description:"))
        .expect("the analysis has a description");
    let text = text.replacen(&format!("{description}\n"), "", 1);
    site.write(page, &text);
    let first = cached_build(&site, &tmp.path().join("first"));
    let (reused, rendered) = counts(&first);
    let total = reused + rendered;

    let before = "European companies do almost no direct business";
    let after = "European firms hardly do any direct business";
    assert!(text.contains(before), "the summary's words");
    site.write(page, text.replacen(before, after, 1));
    let edited = cached_build(&site, &tmp.path().join("edited"));
    let made = fingerprinted(&edited);
    assert!(
        made < total / 4,
        "only the outputs showing the analysis are fingerprinted, not {made} of {total}:\n{edited}"
    );
    let out = tmp.path().join("edited");
    for list in ["/economy/", "/tags/energy/atom.xml"] {
        let html = read_output(&out, list);
        assert!(
            html.contains(after) && !html.contains(before),
            "{list} shows the new summary"
        );
    }
    assert_eq!(snapshot(&out), cold_build(&site));
}

#[test]
fn an_edit_to_every_analysis_body_at_once_keeps_the_other_fingerprints_and_equals_a_cold_build() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    let first = cached_build(&site, &tmp.path().join("first"));
    let (reused, rendered) = counts(&first);
    let total = reused + rendered;
    // A paragraph at the end of every analysis, in every language: their own outputs
    // change, nothing else does.
    let analyses: Vec<String> = walkdir::WalkDir::new(site.path("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy();
            (name.ends_with(".md") && !name.starts_with("_index")).then(|| {
                let rel = e.path().strip_prefix(site.path("")).expect("inside the site");
                rel.to_string_lossy().into_owned()
            })
        })
        .collect();
    assert!(analyses.len() > 5, "{analyses:?}");
    for page in &analyses {
        let text = site.read(page);
        site.write(page, format!("{text}\nA paragraph added to every analysis.\n"));
    }
    let edited = cached_build(&site, &tmp.path().join("edited"));
    let made = fingerprinted(&edited);
    assert!(
        made < total,
        "an edit to bodies alone keeps the fingerprints of what shows no analysis, not {made} of {total}:\n{edited}"
    );
    assert_eq!(snapshot(&tmp.path().join("edited")), cold_build(&site));
}

/// A change to a file's bytes.
type Damage = fn(&[u8]) -> Vec<u8>;

#[test]
fn damaged_markdown_in_the_cache_is_converted_again() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    let cold = cold_build(&site);
    let whole = markdown_files(&site);
    assert!(!whole.is_empty(), "the cache keeps the Markdown");
    let taken = markdown_counts(&cached_build(&site, &tmp.path().join("whole"))).0;
    // The three largest files of the folder, each in turn changed by `damage`: builds
    // that must equal a cold one, and how many documents they took from the cache.
    let mut largest: Vec<(&String, &Vec<u8>)> = whole.iter().collect();
    largest.sort_by_key(|(_, bytes)| std::cmp::Reverse(bytes.len()));
    largest.truncate(3);
    let with_each = |name: &str, damage: Damage| -> Vec<usize> {
        let mut taken = Vec::new();
        for (i, &(file, bytes)) in largest.iter().enumerate() {
            let path = site.path(".dossier-cache/markdown").join(file);
            std::fs::write(&path, damage(bytes)).expect("write the Markdown");
            let out_dir = tmp.path().join(format!("{name}-{i}"));
            let out = cached_build(&site, &out_dir);
            assert_eq!(snapshot(&out_dir), cold, "{name}, {file}:\n{out}");
            taken.push(markdown_counts(&out).0);
            // The build wrote the file again, whole.
            assert_eq!(
                std::fs::read(&path).expect("the Markdown"),
                *bytes,
                "{name}, {file}"
            );
        }
        taken
    };

    // Text changed inside the stored HTML, still well-formed for the decoder: only the
    // records' checks can tell, and the documents they held are converted again.
    let altered = with_each("altered", |bytes| {
        let mut altered = bytes.to_vec();
        for i in 0..altered.len().saturating_sub(4) {
            if &altered[i..i + 4] == b"the " {
                altered[i + 2] = b'E';
            }
        }
        altered
    });
    assert!(altered.iter().any(|&n| n < taken), "damaged records were used");

    // The file's last byte, in the last document's HTML, changed: each build takes one
    // document fewer (the HTML is checked when found, though read only when shown).
    let tail = with_each("tail", |bytes| {
        let mut altered = bytes.to_vec();
        if let Some(last) = altered.last_mut() {
            *last ^= 1;
        }
        altered
    });
    assert_eq!(tail, [taken - 1; 3], "a damaged HTML was taken");

    // Cut short, emptied, or a header from elsewhere: what is whole is used, or nothing.
    let halved = |b: &[u8]| b[..b.len() / 2].to_vec();
    let emptied = |_: &[u8]| Vec::new();
    let headless = |b: &[u8]| b[b.len().min(40)..].to_vec();
    let damage: [Damage; 3] = [halved, emptied, headless];
    for (i, damage) in damage.into_iter().enumerate() {
        let taken_now = with_each(&format!("case-{i}"), damage);
        assert!(taken_now.iter().all(|&n| n < taken), "case {i}: {taken_now:?}");
    }
}

#[test]
fn damaged_related_analyses_in_the_cache_are_found_again() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    let cold = cold_build(&site);
    let kept = site.path(".dossier-cache/related.bin");
    let whole = std::fs::read(&kept).expect("the cache keeps the related analyses");
    assert!(related_taken(&cached_build(&site, &tmp.path().join("whole"))));
    let mut flipped = whole.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    for (i, bytes) in [flipped, whole[..whole.len() / 2].to_vec(), Vec::new()]
        .into_iter()
        .enumerate()
    {
        std::fs::write(&kept, bytes).expect("write the related analyses");
        let out_dir = tmp.path().join(format!("case-{i}"));
        let out = cached_build(&site, &out_dir);
        assert!(!related_taken(&out), "case {i}:\n{out}");
        assert_eq!(snapshot(&out_dir), cold, "case {i}");
        assert_eq!(std::fs::read(&kept).expect("saved again"), whole, "case {i}");
    }
}

#[test]
fn a_damaged_cache_is_detected_and_never_published() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    let cold = cold_build(&site);

    // Every stored output changed behind the build's back: other bytes, mostly of the
    // same length.
    let stored = objects(&site);
    assert!(!stored.is_empty());
    for object in &stored {
        let mut bytes = std::fs::read(object).expect("read an object");
        match bytes.first_mut() {
            Some(b) => *b ^= 0x20,
            None => bytes.push(b' '),
        }
        // Not in place: the object may be a link to an earlier output.
        std::fs::remove_file(object).expect("remove an object");
        std::fs::write(object, bytes).expect("write an object");
    }
    let damaged = cached_build(&site, &tmp.path().join("damaged"));
    assert_eq!(counts(&damaged).0, 0, "a damaged object was used:\n{damaged}");
    assert_eq!(snapshot(&tmp.path().join("damaged")), cold);
    // The build stored them again, so the next one reuses them.
    let healed = cached_build(&site, &tmp.path().join("healed"));
    assert!(counts(&healed).0 > 0, "{healed}");
    assert_eq!(snapshot(&tmp.path().join("healed")), cold);

    // A manifest that is not one, and one that names files outside the site or objects
    // outside the cache: ignored whole, and said so.
    let manifest = site.path(".dossier-cache/manifest.json");
    let good = std::fs::read_to_string(&manifest).expect("the manifest");
    let mut outside: serde_json::Value = serde_json::from_str(&good).expect("JSON");
    outside["files"]["../../../etc/hostname"] = serde_json::Value::Null;
    let hostile = [
        good[..good.len() / 2].to_owned(),
        outside.to_string(),
        good.replacen("\"sha256\":\"", "\"sha256\":\"../../", 1),
    ];
    for (i, text) in hostile.iter().enumerate() {
        assert_ne!(text, &good, "case {i} changed nothing");
        std::fs::write(&manifest, text).expect("write the manifest");
        let out = cached_build(&site, &tmp.path().join(format!("hostile-{i}")));
        assert!(
            out.contains("build cache not used (its manifest is damaged)"),
            "case {i}:\n{out}"
        );
        assert_eq!(
            snapshot(&tmp.path().join(format!("hostile-{i}"))),
            cold,
            "case {i}"
        );
    }
}

#[cfg(unix)]
#[test]
fn an_object_made_a_symbolic_link_is_not_used_and_no_output_is_one() {
    // A hard link to a symbolic link is one more symbolic link: in the output, it would
    // point wherever its target says. The bytes it points to are the right ones here,
    // so only the kind of file tells.
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    let unchanged = counts(&cached_build(&site, &tmp.path().join("unchanged")));
    let stored = objects(&site);
    let object = stored.first().expect("an object");
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::copy(object, &elsewhere).expect("copy an object");
    std::fs::remove_file(object).expect("remove an object");
    std::os::unix::fs::symlink(&elsewhere, object).expect("a symbolic link");

    let out = tmp.path().join("linked");
    let (reused, rendered) = counts(&cached_build(&site, &out));
    assert!(rendered > unchanged.1, "the linked object's outputs are rendered");
    assert_eq!(reused + rendered, unchanged.0 + unchanged.1);
    let links: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path_is_symlink())
        .map(|e| e.into_path())
        .collect();
    assert!(links.is_empty(), "symbolic links in the output: {links:?}");
    assert_same_as_cold(&site, &out);
    assert!(
        std::fs::symlink_metadata(object).is_ok_and(|m| m.is_file()),
        "stored again, as a file"
    );

    // A folder with the object's name, which no file can be moved over, is replaced too.
    std::fs::remove_file(object).expect("remove an object");
    std::fs::create_dir_all(object.join("inside")).expect("a folder");
    let out = tmp.path().join("folder");
    cached_build(&site, &out);
    assert_same_as_cold(&site, &out);
    assert!(
        std::fs::symlink_metadata(object).is_ok_and(|m| m.is_file()),
        "the folder replaced by the object"
    );
}

#[test]
fn saving_the_cache_removes_what_is_not_an_object_and_never_follows_a_link_out_of_it() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    let stored = objects(&site);
    let folder = stored
        .first()
        .and_then(|o| o.parent())
        .expect("an objects folder");
    let stray = folder.join("not-an-object");
    std::fs::write(&stray, "left behind").expect("a stray file");
    // A folder of objects made a link to a folder outside the cache, holding a file whose
    // name is no object's.
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).expect("a folder outside");
    std::fs::write(outside.join("keep-me"), "not the cache's").expect("a file outside");
    let objects_dir = folder.parent().expect("the objects folder");
    let linked = objects_dir.join("zz-linked");
    std::os::unix::fs::symlink(&outside, &linked).expect("a symbolic link");

    cached_build(&site, &tmp.path().join("second"));
    assert!(!stray.exists(), "a file that is no object is removed");
    assert!(
        outside.join("keep-me").exists(),
        "nothing outside the cache is removed"
    );
    assert!(
        stored.iter().all(|o| o.exists()),
        "the objects the outputs still use are kept"
    );

    // Every folder an object can go in made a link to a folder outside, and a page
    // retitled, so that the outputs showing it are stored: the save neither writes nor
    // removes anything through the links, and puts the objects in folders of its own.
    let away = tmp.path().join("away");
    for byte in 0..=255u8 {
        let name = format!("{byte:02x}");
        let (folder, elsewhere) = (objects_dir.join(&name), away.join(&name));
        if folder.exists() {
            std::fs::create_dir_all(&away).expect("a folder outside");
            std::fs::rename(&folder, &elsewhere).expect("move a folder out");
        } else {
            std::fs::create_dir_all(&elsewhere).expect("a folder outside");
        }
        std::os::unix::fs::symlink(&elsewhere, &folder).expect("a symbolic link");
    }
    let listing = || -> Vec<std::path::PathBuf> {
        walkdir::WalkDir::new(&away)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.into_path())
            .collect()
    };
    let before = listing();
    // And the name the manifest is written under before it is moved into place, a link
    // to a file outside.
    let file_outside = tmp.path().join("file-outside");
    std::fs::write(&file_outside, "not the cache's").expect("a file outside");
    std::os::unix::fs::symlink(&file_outside, site.path(".dossier-cache/manifest.json.part"))
        .expect("a symbolic link");
    rename_kursk(&site, "Kursk, Retitled");
    let out = tmp.path().join("third");
    cached_build(&site, &out);
    assert_same_as_cold(&site, &out);
    let after = listing();
    let through: Vec<_> = after.iter().filter(|p| !before.contains(p)).collect();
    let gone: Vec<_> = before.iter().filter(|p| !after.contains(p)).collect();
    assert!(
        through.is_empty() && gone.is_empty(),
        "written through the links: {through:?}; removed through them: {gone:?}"
    );
    // Found only in folders of the cache's own: the walk follows no link.
    assert!(!objects(&site).is_empty(), "the new outputs stored");
    assert!(
        std::fs::read_to_string(&file_outside).expect("still there") == "not the cache's",
        "nothing written through the manifest's temporary name"
    );
    assert!(
        std::fs::symlink_metadata(site.path(".dossier-cache/manifest.json")).is_ok_and(|m| m.is_file()),
        "the manifest saved"
    );
}

#[test]
fn a_cache_that_cannot_be_saved_is_a_warning_and_the_site_is_built() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    // Where the manifest goes is a folder with a file in it now, which no file can be
    // moved over (permissions would not stop a test run as root).
    let manifest = site.path(".dossier-cache/manifest.json");
    std::fs::remove_file(&manifest).expect("remove the manifest");
    std::fs::create_dir_all(manifest.join("inside")).expect("a folder");
    let out = tmp.path().join("second");
    let run = cached_run(&site, &out, &[]);
    run.assert_success();
    run.assert_stderr_has(&[
        "warning",
        "the build's outputs were not saved in the build cache",
        "the next build renders every output",
    ]);
    assert_same_as_cold(&site, &out);
}

#[test]
fn the_search_index_from_the_cache_is_refreshed_for_what_changed() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    let index = site.path(".dossier-cache/search.bin");
    let manifest = site.path(".dossier-cache/manifest.json");
    let first_index = std::fs::read(&index).expect("the cache keeps the search index");
    let first: serde_json::Value =
        serde_json::from_str(&site.read(".dossier-cache/manifest.json")).expect("JSON");

    // An analysis's words change, and with them its part of the index.
    let page = "content/security/kursk-deployment.md";
    let text = site.read(page);
    site.write(
        page,
        format!("{text}\nZanzibarite quokkas appear in this sentence only.\n"),
    );
    cached_build(&site, &tmp.path().join("edited"));
    assert_eq!(snapshot(&tmp.path().join("edited")), cold_build(&site));

    // The index of the build before the edit, put back as if it were the last one's: its
    // entries for the edited page are stale, and the build must see that.
    std::fs::write(&index, &first_index).expect("write the index");
    let mut now: serde_json::Value =
        serde_json::from_str(&site.read(".dossier-cache/manifest.json")).expect("JSON");
    now["search"] = first["search"].clone();
    std::fs::write(&manifest, now.to_string()).expect("write the manifest");
    cached_build(&site, &tmp.path().join("stale-index"));
    assert_eq!(snapshot(&tmp.path().join("stale-index")), cold_build(&site));

    // Damaged: not used.
    let mut damaged = std::fs::read(&index).expect("the index");
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x01;
    std::fs::write(&index, damaged).expect("write the index");
    cached_build(&site, &tmp.path().join("damaged-index"));
    assert_eq!(snapshot(&tmp.path().join("damaged-index")), cold_build(&site));
}

#[test]
fn a_change_to_a_file_the_templates_read_makes_the_cache_stale() {
    let site = SiteTest::fixture("tera1");
    // A page whose template reads a data file and no other page, so the build after the
    // first takes it from the cache without rendering it: what it read must be kept.
    site.write(
        "templates/loaded.html",
        "{% extends \"index.html\" %}{% block content %}{% set d = load_data(path=\"data/only.toml\") %}<p class=\"loaded\">{{ d.word }}</p><a href=\"{{ get_url(path='@/data.md') }}\">data</a>{% endblock content %}",
    );
    site.write(
        "content/loaded.md",
        "+++\ntitle = \"Loaded\"\ntemplate = \"loaded.html\"\n+++\n",
    );
    site.write("data/only.toml", "word = \"first\"\n");
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    let manifest: serde_json::Value =
        serde_json::from_str(&site.read(".dossier-cache/manifest.json")).expect("the manifest");
    assert!(
        manifest["outputs"]["loaded/index.html"].is_object(),
        "the page is kept"
    );
    assert!(counts(&cached_build(&site, &tmp.path().join("again"))).0 > 0);
    site.write("data/only.toml", "word = \"second\"\n");
    let out = cached_build(&site, &tmp.path().join("only"));
    assert!(
        out.contains("build cache not used (data/only.toml changed)"),
        "{out}"
    );
    assert_eq!(
        text(&parse_output(&tmp.path().join("only"), "/loaded/"), "p.loaded"),
        "second"
    );
    assert!(counts(&cached_build(&site, &tmp.path().join("steady"))).0 > 0);

    // A data file `load_data` read.
    let data = site.read("data/site.toml");
    site.write("data/site.toml", data.replacen("Analyst", "Renamed", 1));
    let out = cached_build(&site, &tmp.path().join("data"));
    assert!(
        out.contains("build cache not used (data/site.toml changed)"),
        "{out}"
    );
    assert!(read_output(&tmp.path().join("data"), "/data/").contains("Renamed"));
    assert_eq!(snapshot(&tmp.path().join("data")), cold_build(&site));

    // A file `load_data(required=false)` looked for and did not find, now there.
    site.write("data/missing.json", r#"{"here": true}"#);
    let out = cached_build(&site, &tmp.path().join("found"));
    assert!(
        out.contains("build cache not used (data/missing.json changed)"),
        "{out}"
    );
    let html = parse_output(&tmp.path().join("found"), "/data/");
    assert!(
        text(&html, "p.data").ends_with("found"),
        "{}",
        text(&html, "p.data")
    );
    assert_eq!(snapshot(&tmp.path().join("found")), cold_build(&site));

    // The page `get_url(path="@/data.md")` names moves.
    let data_page = site.read("content/data.md");
    site.write(
        "content/data.md",
        data_page.replacen("+++\n", "+++\nslug = \"moved\"\n", 1),
    );
    let out = cached_build(&site, &tmp.path().join("moved"));
    assert!(
        out.contains("build cache not used (the address of @/data.md changed)"),
        "{out}"
    );
    let html = parse_output(&tmp.path().join("moved"), "/loaded/");
    let links = crate::harness::attrs(&html, "a", "href");
    assert!(links.iter().any(|h| h.ends_with("/moved/")), "{links:?}");
    assert_eq!(snapshot(&tmp.path().join("moved")), cold_build(&site));
}

#[test]
fn a_cache_folder_the_build_would_publish_or_remove_is_refused() {
    let site = SiteTest::example();
    for dir in ["public/.cache", "static/cache", "."] {
        let out = site.run(&["build", "--cache-dir", dir]);
        out.assert_user_error();
        out.assert_stderr_has(&["the build cache", "overlaps"]);
    }
    assert!(!site.exists("public"), "a refused build wrote its output");
}

#[test]
fn a_neighbours_new_title_and_an_events_new_day_reach_every_output_showing_them() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));

    // An analysis that others cite is renamed: the pages citing it name it in their
    // connected analyses, whose fingerprint is made from what the list shows.
    let page = "content/security/kursk-deployment.md";
    rename_kursk(&site, "Kursk, renamed for the cache test");
    let out = tmp.path().join("renamed");
    cached_build(&site, &out);
    let citing = parse_output(&out, "/diplomacy/nato-response/");
    assert!(
        text(&citing, ".connected").contains("Kursk, renamed for the cache test"),
        "the citing page lists the new title"
    );
    assert_same_as_cold(&site, &out);

    // One of its events moves by a day, inside its month: the timeline's strip is drawn
    // by the day.
    let source = site.read(page);
    assert!(source.contains("date = \"2024-10-23\""), "the event's date");
    site.write(
        page,
        source.replacen("date = \"2024-10-23\"", "date = \"2024-10-24\"", 1),
    );
    let out = tmp.path().join("moved");
    cached_build(&site, &out);
    assert_same_as_cold(&site, &out);
}

#[test]
fn a_neighbours_new_title_reaches_the_pages_that_alone_show_it() {
    // Three notes in date order and nothing else in common: the newer and older links
    // (`page.higher`, `page.lower`), which only a page's own output shows, are all that
    // renaming the middle one changes on the other two.
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"Notes\"\n",
        )
        .file(
            "content/notes/_index.md",
            "+++\ntitle = \"Notes\"\nsort_by = \"date\"\n+++\n",
        )
        .file("content/notes/a.md", note("Alpha", "2024-01-01"))
        .file("content/notes/b.md", note("Bravo", "2024-02-01"))
        .file("content/notes/c.md", note("Charlie", "2024-03-01"));
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    site.write("content/notes/b.md", note("Bravo, renamed", "2024-02-01"));
    let out = tmp.path().join("renamed");
    cached_build(&site, &out);
    for neighbour in ["/notes/a/", "/notes/c/"] {
        let page = parse_output(&out, neighbour);
        assert!(
            text(&page, ".prev-next").contains("Bravo, renamed"),
            "{neighbour} links the new title"
        );
    }
    assert_same_as_cold(&site, &out);
}

#[test]
fn a_new_event_reaches_every_year_page_of_a_split_timeline() {
    // A timeline split by year: each year's page counts every year's events, though it
    // lists only its own. An analysis added in 2022 changes the counts the 2024 page
    // shows and nothing else on it.
    let site = SiteTest::empty()
        .file(
            "config.toml",
            "base_url = \"https://example.org/\"\ntitle = \"Notes\"\n[timeline]\nyear_pages_above = 1\n",
        )
        .file("content/notes/a.md", note("Alpha", "2022-01-01"))
        .file("content/notes/b.md", note("Bravo", "2023-01-01"))
        .file("content/notes/c.md", note("Charlie", "2024-01-01"));
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    let before = text(
        &parse_output(&tmp.path().join("first"), "/timeline/2024/"),
        ".timeline-years",
    );
    site.write("content/notes/d.md", note("Delta", "2022-06-01"));
    let out = tmp.path().join("added");
    cached_build(&site, &out);
    let after = text(&parse_output(&out, "/timeline/2024/"), ".timeline-years");
    assert_ne!(before, after, "the 2024 page counts the new event");
    assert_same_as_cold(&site, &out);
}

#[test]
fn outputs_a_manifest_lists_are_only_a_guess_at_folders_and_never_reach_outside() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    // The last build's outputs guide the folders made before the site is read; a manifest
    // naming outputs outside the output folder, in a staging folder or gone since, makes
    // no folder there, and none that this build's outputs do not need.
    let manifest = site.path(".dossier-cache/manifest.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).expect("the manifest")).expect("JSON");
    let entry = value["outputs"]["index.html"].clone();
    for hostile in [
        "../escaped/index.html",
        "a/../../escaped-too/index.html",
        "/absolute/index.html",
        ".dossier-staging-1/x/index.html",
        "gone/since/index.html",
    ] {
        value["outputs"][hostile] = entry.clone();
    }
    std::fs::write(&manifest, value.to_string()).expect("write the manifest");
    let out = tmp.path().join("out");
    cached_build(&site, &out);
    assert!(!tmp.path().join("escaped").exists() && !tmp.path().join("escaped-too").exists());
    assert!(!std::path::Path::new("/absolute").exists());
    let empty: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_dir() && std::fs::read_dir(e.path()).is_ok_and(|mut d| d.next().is_none())
        })
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(empty.is_empty(), "folders no output needs: {empty:?}");
    assert_same_as_cold(&site, &out);
}

#[test]
fn with_nothing_changed_no_page_of_the_built_in_theme_is_rendered() {
    // Its templates read no page but those their own values hold, so every page made
    // with one comes from the cache when nothing it shows changed. The home page once
    // read its sections with `get_section`, which can read any page, and was rendered
    // (with every page's value made for it) in every build.
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    let out = tmp.path().join("again");
    let again = cached_build_with(&site, &out, &["--profile"]);
    assert!(again.contains("Render stage by template"), "{}", again);
    let templated: Vec<&str> = again
        .lines()
        .filter(|l| l.trim_end().ends_with(".html"))
        .collect();
    assert!(templated.is_empty(), "rendered again: {templated:?}\n{}", again);
    assert_same_as_cold(&site, &out);
}

#[test]
fn a_template_reading_any_page_sees_every_value_when_the_cache_serves_the_rest() {
    // The values of pages are made only for the outputs rendered; a template calling
    // `get_page` or `get_section` gets them all.
    let site = SiteTest::example().file(
        "templates/taxonomy_list.html",
        "{% extends \"base.html\" %}\n{% block content %}\n\
         {% set read = get_page(path=\"security/kursk-deployment.md\") %}<p id=\"page\">{{ read.title }}</p>\n\
         {% set s = get_section(path=\"security/_index.md\") %}\
         <ul id=\"section\">{% for p in s.pages %}<li>{{ p.title }}</li>{% endfor %}</ul>\n\
         {% endblock content %}\n",
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    rename_kursk(&site, "Kursk, read by path");
    let out = tmp.path().join("renamed");
    cached_build(&site, &out);
    let tags = parse_output(&out, "/tags/");
    assert_eq!(text(&tags, "#page"), "Kursk, read by path");
    assert!(
        crate::harness::texts(&tags, "#section li")
            .iter()
            .any(|t| t == "Kursk, read by path"),
        "the section read by path lists the new title"
    );
    assert_same_as_cold(&site, &out);
}

#[test]
fn a_list_showing_every_pages_html_reads_it_from_the_cache() {
    // A page's HTML stays in the cache's files unless an output shows it; a template
    // that lists every page's HTML makes the build read all of it.
    let site = SiteTest::example().file(
        "templates/section.html",
        "{% extends \"base.html\" %}\n{% block content %}\n\
         <div id=\"bodies\">{% for p in section.pages %}<div class=\"body\">{{ p.content }}</div>{% endfor %}</div>\n\
         {% endblock content %}\n",
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    rename_kursk(&site, "Kursk, with every body listed");
    let out = tmp.path().join("renamed");
    let stdout = cached_build(&site, &out);
    // Pages' among them: the example site has 8 sections.
    assert!(markdown_counts(&stdout).0 > 8, "{stdout}");
    // Not paginated: `section.pages` lists them all.
    let economy = parse_output(&out, "/economy/");
    let bodies = crate::harness::texts(&economy, "#bodies .body");
    assert!(bodies.len() >= 2, "{bodies:?}");
    assert!(
        bodies.iter().all(|b| b.len() > 200),
        "every body shown whole: {bodies:?}"
    );
    assert_same_as_cold(&site, &out);
}

#[test]
fn the_timeline_graph_and_calendar_data_come_from_the_cache_until_what_they_write_changes() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    cached_build(&site, &tmp.path().join("first"));
    // The outputs the profile says were made without a template.
    let rendered = |name: &str| -> (bool, bool, bool) {
        let out = tmp.path().join(name);
        let stdout = cached_build_with(&site, &out, &["--profile"]);
        assert_same_as_cold(&site, &out);
        (
            stdout.contains("(timeline.json)"),
            stdout.contains("(graph.json)"),
            stdout.contains("(timeline.ics)"),
        )
    };
    assert_eq!(rendered("again"), (false, false, false), "nothing changed");

    // A paragraph: neither changes.
    let page = "content/economy/european-markets.md";
    let text = site.read(page);
    site.write(page, format!("{text}\nA paragraph for the data files.\n"));
    assert_eq!(rendered("paragraph"), (false, false, false), "a paragraph added");

    // A link to another analysis: an edge of the graph, not an event.
    site.write(
        page,
        format!("{text}\nSee [the deployment](@/security/kursk-deployment.md).\n"),
    );
    assert_eq!(rendered("linked"), (false, true, false), "a link added");

    // An event's title: the timeline; the graph names no event.
    let retitled = site.read(page).replacen(
        "title: \"The EU misses its target",
        "title: \"The EU falls short of its target",
        1,
    );
    assert!(
        retitled.contains("falls short"),
        "the event's title is in the page"
    );
    site.write(page, retitled);
    assert_eq!(rendered("event"), (true, false, true), "an event retitled");
}

/// (shown, taken from the cache) from the line `build` prints about the events' HTML;
/// no line is no event shown.
fn event_counts(stdout: &str) -> (usize, usize) {
    match stdout.lines().find(|l| l.trim_start().starts_with("events:")) {
        Some(line) => {
            let numbers = numbers(line);
            (numbers[1], numbers[0])
        }
        None => (0, 0),
    }
}

#[test]
fn an_events_html_comes_from_the_cache_until_its_value_or_a_template_changes() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    let build = |name: &str| {
        let out = tmp.path().join(name);
        let stdout = cached_build(&site, &out);
        assert_same_as_cold(&site, &out);
        event_counts(&stdout)
    };
    let (shown, taken) = build("first");
    assert!(
        shown > 10 && taken == 0,
        "a first build makes every event's HTML: {shown}, {taken}"
    );

    // A paragraph: the pages showing the analysis (its terms' pages list its events) are
    // rendered again, with its events' HTML as the last build made it.
    let page = "content/economy/european-markets.md";
    let text = site.read(page);
    site.write(page, format!("{text}\nA paragraph for the events.\n"));
    let (shown, taken) = build("paragraph");
    assert!(
        shown > 0 && taken == shown,
        "a paragraph: {shown} shown, {taken} taken"
    );

    // An event retitled: its HTML alone is made again, and every output shows the new
    // title (the outputs equal a cold build's).
    let old_title = "The EU misses its target of one million shells";
    let retitled = site
        .read(page)
        .replacen(old_title, "The EU falls short of one million shells", 1);
    assert!(
        retitled.contains("falls short"),
        "the event's title is in the page"
    );
    site.write(page, retitled);
    let (shown, taken) = build("retitled");
    assert!(
        shown > 1 && taken == shown - 1,
        "an event retitled: {shown} shown, {taken} taken"
    );
    let timeline = read_output(&tmp.path().join("retitled"), "/timeline/");
    assert!(
        timeline.contains("falls short"),
        "the timeline shows the new title"
    );

    // A damaged file is not used: the events shown are made again, and saved.
    let kept = site.path(".dossier-cache/events.bin");
    let mut bytes = std::fs::read(&kept).expect("the cache keeps the events' HTML");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&kept, &bytes).expect("damage the events' HTML");
    site.write(page, format!("{}\nAnother paragraph.\n", site.read(page)));
    let (shown, taken) = build("damaged");
    assert!(
        shown > 0 && taken == 0,
        "a damaged file: {shown} shown, {taken} taken"
    );
    assert_ne!(std::fs::read(&kept).expect("saved again"), bytes);
    site.write(page, format!("{}\nA third paragraph.\n", site.read(page)));
    let (shown, taken) = build("after-damage");
    assert!(
        shown > 0 && taken == shown,
        "after a damaged file: {shown} shown, {taken} taken"
    );

    // The event partial changed: every event shown has its HTML made again.
    let partial = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/partials/event.html"),
    )
    .expect("the theme's event partial");
    let changed = partial.replacen("<li class=\"event ", "<li class=\"event changed ", 1);
    assert_ne!(changed, partial, "the partial has the class to change");
    site.write("templates/partials/event.html", changed);
    let (shown, taken) = build("partial");
    assert!(
        shown > 10 && taken == 0,
        "a new partial: {shown} shown, {taken} taken"
    );
    let timeline = read_output(&tmp.path().join("partial"), "/timeline/");
    assert!(
        timeline.contains("event changed"),
        "the timeline shows the new partial"
    );
}

/// How many outputs of `kind` (as the profile names them: `(feeds)`) the build made,
/// from its `--profile` table.
fn made(stdout: &str, kind: &str) -> usize {
    stdout
        .lines()
        .find(|l| l.trim_end().ends_with(kind))
        .map_or(0, |line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words[words.len() - 4].parse().expect("the count column")
        })
}

#[test]
fn a_feed_is_made_again_only_when_what_it_says_changes() {
    let site = SiteTest::example();
    let tmp = tempfile::tempdir().expect("temp dir");
    let build = |name: &str| {
        let out = tmp.path().join(name);
        let stdout = cached_build_with(&site, &out, &["--profile"]);
        assert_same_as_cold(&site, &out);
        (made(&stdout, "(feeds)"), out)
    };
    let (all, first) = build("first");
    let feeds = snapshot(&first)
        .into_keys()
        .filter(|path| path.ends_with("atom.xml") || path.ends_with("rss.xml"))
        .count();
    assert!(
        feeds > 5 && all == feeds,
        "a first build makes every feed: {all} of {feeds}"
    );
    assert_eq!(build("again").0, 0, "nothing changed");

    // A paragraph after the summary: feeds carry the summary only, so none changes.
    let page = "content/economy/european-markets.md";
    site.write(page, format!("{}\nA paragraph for the feeds.\n", site.read(page)));
    assert_eq!(build("paragraph").0, 0, "a paragraph after the summary");

    // The summary: the feeds listing the analysis, and no others.
    let text = site.read(page);
    let summary = "European companies do almost no direct business";
    assert!(text.contains(summary), "the summary's first words");
    site.write(
        page,
        text.replacen(summary, "European firms do almost no direct business", 1),
    );
    let (remade, out) = build("summary");
    let listing = snapshot(&out)
        .into_iter()
        .filter(|(path, bytes)| {
            (path.ends_with("atom.xml") || path.ends_with("rss.xml"))
                && String::from_utf8_lossy(bytes).contains("European firms do almost")
        })
        .count();
    assert!(
        listing > 0 && remade == listing,
        "{remade} made, {listing} list it, of {feeds}"
    );
    assert!(
        remade < feeds,
        "feeds that do not list it are taken from the cache"
    );
}
