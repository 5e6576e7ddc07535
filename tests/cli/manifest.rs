//! What a folder rebuild skips: the manifest in the output folder records
//! each course's input and outputs, and exactly what changed is rebuilt.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::common::{self, root};

/// Three courses in `courses/`, each with its own id, name and dates.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("courses")).expect("mkdir");
    // Without the page (`page.output`): three courses cannot share it.
    let data: String = std::fs::read_to_string(root().join("data/schedule.yaml"))
        .expect("data")
        .lines()
        .filter(|l| !l.starts_with("  output:"))
        .map(|l| format!("{l}\n"))
        .collect();
    for (name, year) in [("a", "2020"), ("b", "2021"), ("c", "2022")] {
        let course = data
            .replace("id: fid3024-ht2020", &format!("id: {name}-ht"))
            .replace(
                "name: FID3024 Systems for Scalable Machine Learning",
                &format!("name: Course {name}"),
            )
            .replace("date: 2020-", &format!("date: {year}-"))
            .replace("url: /schedule.ics", &format!("url: /{name}.ics"));
        std::fs::write(dir.path().join(format!("courses/{name}.yaml")), course).expect("write");
    }
    dir
}

/// Build the folder; the stdout, one line a feed.
fn build_folder(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["build", "courses", "-o", "out"];
    args.extend_from_slice(extra);
    let o = common::run(dir, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    String::from_utf8(o.stdout).expect("utf8")
}

/// Each output's inode: a file rewritten (renamed into place) gets a new one.
fn inodes(dir: &Path) -> Vec<(String, u64)> {
    ["a.ics", "b.ics", "c.ics", "all.ics"]
        .into_iter()
        .map(|f| {
            let ino = std::fs::metadata(dir.join("out").join(f))
                .expect("output")
                .ino();
            (f.to_owned(), ino)
        })
        .collect()
}

/// Which outputs were replaced between two listings of inodes.
fn replaced(before: &[(String, u64)], after: &[(String, u64)]) -> Vec<String> {
    before
        .iter()
        .zip(after)
        .filter(|(b, a)| b.1 != a.1)
        .map(|(b, _)| b.0.clone())
        .collect()
}

/// The state each feed's line ends with: `written`, `unchanged, skipped`...
/// (the changes listed under a course, indented, are not a file's line).
fn states(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| !l.starts_with("  "))
        .map(|l| {
            l.rsplit_once('(')
                .map_or("", |(_, s)| s.trim_end_matches(')'))
        })
        .collect()
}

// Test that a rebuild with nothing changed parses and writes nothing: every
// line says skipped, with the same counts as the first build, and no output
// is replaced.
#[test]
fn nothing_changed_skips_everything() {
    let dir = folder();
    let d = dir.path();
    build_folder(d, &[]);
    assert!(d.join("out/.coursefeed-manifest.json").exists());
    let before = inodes(d);
    let again = build_folder(d, &[]);
    assert_eq!(
        again,
        "out/a.ics: Course a: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18; 0 added, 0 changed, 0 removed (unchanged, skipped)\n\
         out/b.ics: Course b: 12 sessions and 6 deadlines, 2021-09-28 to 2021-12-18; 0 added, 0 changed, 0 removed (unchanged, skipped)\n\
         out/c.ics: Course c: 12 sessions and 6 deadlines, 2022-09-28 to 2022-12-18; 0 added, 0 changed, 0 removed (unchanged, skipped)\n\
         out/all.ics: All courses: 36 sessions and 18 deadlines from 3 courses; tz database 2026f (TZDIR); 0 added, 0 changed, 0 removed (unchanged, skipped)\n"
    );
    assert_eq!(replaced(&before, &inodes(d)), Vec::<String>::new());
}

// Test that editing one course rebuilds that course's feed and the combined
// feed only; the others are skipped and not touched.
#[test]
fn an_edit_rebuilds_that_course_and_the_combined_feed() {
    let dir = folder();
    let d = dir.path();
    build_folder(d, &[]);
    let before = inodes(d);
    let b = d.join("courses/b.yaml");
    let text = std::fs::read_to_string(&b).expect("read");
    std::fs::write(
        &b,
        text.replacen(
            "topic: ML platforms, e.g., TensorFlow, Ray, Mllib",
            "topic: Ray",
            1,
        ),
    )
    .expect("write");
    let out = build_folder(d, &[]);
    assert_eq!(
        states(&out),
        vec![
            "unchanged, skipped",
            "written",
            "unchanged, skipped",
            "written"
        ],
        "{out}"
    );
    assert!(out.contains("out/b.ics: Course b: 12 sessions and 6 deadlines, 2021-09-28 to 2021-12-18; 0 added, 1 changed, 0 removed (written)"), "{out}");
    assert_eq!(replaced(&before, &inodes(d)), vec!["b.ics", "all.ics"]);
    // And the next build skips everything again.
    assert!(states(&build_folder(d, &[]))
        .iter()
        .all(|s| *s == "unchanged, skipped"));
}

// Test that an output edited or deleted by hand is rebuilt (and only that
// course's), whatever the manifest says of its input.
#[test]
fn an_output_changed_by_hand_is_rebuilt() {
    let dir = folder();
    let d = dir.path();
    let first = build_folder(d, &[]);
    let c = d.join("out/c.ics");
    let original = std::fs::read_to_string(&c).expect("feed");
    std::fs::write(&c, original.replacen("SUMMARY:", "SUMMARY:X", 1)).expect("edit");
    // The edited file is what subscribers have: compared with it, the
    // event changed back (SEQUENCE 1). The combined feed is compared too,
    // and is as it was.
    let out = build_folder(d, &[]);
    assert_eq!(
        states(&out),
        vec![
            "unchanged, skipped",
            "unchanged, skipped",
            "written",
            "unchanged, not rewritten"
        ],
        "{out}"
    );
    assert!(
        out.contains("0 added, 1 changed, 0 removed (written)"),
        "{out}"
    );
    let rebuilt = std::fs::read_to_string(&c).expect("feed");
    assert!(
        !rebuilt.contains("SUMMARY:X") && rebuilt != original,
        "put back, revised"
    );
    std::fs::remove_file(d.join("out/a.ics")).expect("delete");
    let out = build_folder(d, &[]);
    assert_eq!(
        states(&out),
        vec![
            "written",
            "unchanged, skipped",
            "unchanged, skipped",
            "unchanged, not rewritten"
        ],
        "{out}"
    );
    assert_eq!(states(&first), vec!["written"; 4]);
}

/// Set the modification time of every file under `dir` an hour back, as if
/// the last build and edit were long ago.
fn settle(dir: &Path) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for sub in ["courses", "out"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("list") {
            let path = entry.expect("entry").path();
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(then))
                .expect("set mtime");
        }
    }
}

/// How many files the manifest records as settled, and as not.
fn settled(dir: &Path) -> (usize, usize) {
    let m = std::fs::read_to_string(dir.join("out/.coursefeed-manifest.json")).expect("manifest");
    (
        m.matches("\"settled\":true").count(),
        m.matches("\"settled\":false").count(),
    )
}

// Test that files the manifest knows as settled are trusted on their size,
// time and inode, and that this never hides a change: a rebuild with
// nothing changed reads the files it cannot vouch for and records them as
// settled (three courses, three feeds, all.ics); then a course touched
// without a change is skipped, and a feed and a course rewritten with bytes
// of the same length are rebuilt.
#[test]
fn settled_files_are_trusted_until_written() {
    let dir = folder();
    let d = dir.path();
    build_folder(d, &[]);
    settle(d);
    let skipped = vec!["unchanged, skipped"; 4];
    assert_eq!(states(&build_folder(d, &[])), skipped);
    assert_eq!(settled(d), (7, 0));
    let manifest = std::fs::read(d.join("out/.coursefeed-manifest.json")).expect("manifest");
    // Settled, and nothing to read: the manifest is left as it is.
    assert_eq!(states(&build_folder(d, &[])), skipped);
    assert_eq!(
        std::fs::read(d.join("out/.coursefeed-manifest.json")).expect("manifest"),
        manifest
    );

    // Touched, same bytes: read, found the same, skipped.
    let a = d.join("courses/a.yaml");
    let text = std::fs::read_to_string(&a).expect("read");
    std::fs::write(&a, &text).expect("touch");
    assert_eq!(states(&build_folder(d, &[])), skipped);

    // A feed edited in place, same length.
    let c = d.join("out/c.ics");
    let feed = std::fs::read_to_string(&c).expect("feed");
    std::fs::write(&c, feed.replacen("SUMMARY:L", "SUMMARY:X", 1)).expect("edit");
    assert_eq!(
        states(&build_folder(d, &[])),
        vec![
            "unchanged, skipped",
            "unchanged, skipped",
            "written",
            "unchanged, not rewritten"
        ]
    );
    // A course rewritten with a topic of the same length.
    settle(d);
    build_folder(d, &[]);
    let b = d.join("courses/b.yaml");
    let text = std::fs::read_to_string(&b).expect("read");
    let edited = text.replacen("topic: ML platforms", "topic: ML Platforms", 1);
    assert_eq!(edited.len(), text.len());
    std::fs::write(&b, edited).expect("write");
    assert_eq!(
        states(&build_folder(d, &[])),
        vec![
            "unchanged, skipped",
            "written",
            "unchanged, skipped",
            "written"
        ]
    );
}

// Test that another tool version, another tz release, a manifest that does
// not parse, and --fresh each rebuild every course.
#[test]
fn what_the_outputs_depend_on_rebuilds_everything() {
    let dir = folder();
    let d = dir.path();
    build_folder(d, &[]);
    let manifest = d.join("out/.coursefeed-manifest.json");
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    let version = format!("\"tool\":\"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version), "{text}");
    let every = vec!["unchanged, not rewritten"; 4];

    std::fs::write(&manifest, text.replace(&version, "\"tool\":\"0.0.1\"")).expect("write");
    assert_eq!(states(&build_folder(d, &[])), every, "another tool version");

    std::fs::write(&manifest, "{ not json").expect("write");
    assert_eq!(states(&build_folder(d, &[])), every, "a corrupt manifest");

    // Fresh at the same build time: rebuilt, to the same bytes.
    assert_eq!(states(&build_folder(d, &["--fresh"])), every, "--fresh");

    // Another tz release: the same instants for these Stockholm dates, so
    // nothing is rewritten, but every course is rebuilt and compared.
    let o = common::run_with(
        d,
        &["build", "courses", "-o", "out"],
        Some(common::EPOCH),
        &common::zoneinfo("2025b"),
    );
    assert!(o.status.success());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(!stdout.contains("skipped"), "{stdout}");
    assert!(stdout.contains("tz database 2025b"), "{stdout}");
}

/// Copy the folder (courses and outputs) to a new temporary one.
fn copy_of(dir: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().expect("tempdir");
    for sub in ["courses", "out"] {
        std::fs::create_dir(to.path().join(sub)).expect("mkdir");
        for e in std::fs::read_dir(dir.join(sub)).expect("list") {
            let e = e.expect("entry");
            std::fs::copy(e.path(), to.path().join(sub).join(e.file_name())).expect("copy");
        }
    }
    to
}

// Test that all.ics assembled from the manifest (only the edited course
// parsed, the others' events copied) is byte for byte what a whole rebuild
// writes, for an edited topic, a session moved into another year (the
// VTIMEZONE's span grows) and a course moved to another zone.
#[test]
fn assembled_combined_feed_is_the_whole_rebuild() {
    let edits: [(&str, &str, &str); 3] = [
        (
            "b.yaml",
            "topic: ML platforms, e.g., TensorFlow, Ray, Mllib",
            "topic: Ray",
        ),
        ("a.yaml", "date: 2020-12-14", "date: 2023-03-13"),
        (
            "c.yaml",
            "timezone: Europe/Stockholm",
            "timezone: America/New_York",
        ),
    ];
    for (file, from, to) in edits {
        let dir = folder();
        let d = dir.path();
        build_folder(d, &[]);
        let whole = copy_of(d);
        for base in [d, whole.path()] {
            let p = base.join("courses").join(file);
            let text = std::fs::read_to_string(&p).expect("read");
            assert!(text.contains(from), "{from}");
            std::fs::write(&p, text.replacen(from, to, 1)).expect("write");
        }
        std::fs::remove_file(whole.path().join("out/.coursefeed-manifest.json")).expect("rm");
        let assembled = build_folder(d, &[]);
        let rebuilt = build_folder(whole.path(), &[]);
        assert!(assembled.contains("(unchanged, skipped)"), "{assembled}");
        assert!(!rebuilt.contains("skipped"), "{rebuilt}");
        assert_eq!(
            assembled.replace("(unchanged, skipped)", "(unchanged, not rewritten)"),
            rebuilt,
            "{file}"
        );
        for out in ["a.ics", "b.ics", "c.ics", "all.ics"] {
            let a = std::fs::read(d.join("out").join(out)).expect("feed");
            let b = std::fs::read(whole.path().join("out").join(out)).expect("feed");
            assert!(a == b, "{file}: out/{out} differs from a whole rebuild");
        }
        // And the manifest it wrote serves the next build.
        assert!(states(&build_folder(d, &[]))
            .iter()
            .all(|s| *s == "unchanged, skipped"));
    }
}

// Test that a session taken out of one course is refused in the combined
// feed as in the course's own, without parsing the others.
#[test]
fn a_removal_is_refused_without_a_whole_rebuild() {
    let dir = folder();
    let d = dir.path();
    build_folder(d, &[]);
    let p = d.join("courses/c.yaml");
    let text = std::fs::read_to_string(&p).expect("read");
    let cut = text
        .find("  - kind: Discussion\n    number: 6")
        .expect("Discussion 6");
    std::fs::write(&p, &text[..cut]).expect("write");
    let o = common::run(d, &["build", "courses", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr
            .starts_with("error: 1 session published in `out/c.ics` is missing from the schedule"),
        "{stderr}"
    );
}

// Test that a course whose own feed keeps a window (`feed.keep_days`) still
// has every session in the first build's all.ics, which is byte for byte
// what a whole build writes: its part is not made from its windowed feed.
#[test]
fn a_windowed_course_is_whole_in_the_first_build() {
    let dir = folder();
    let d = dir.path();
    let a = d.join("courses/a.yaml");
    let text = std::fs::read_to_string(&a).expect("read");
    std::fs::write(&a, text.replacen("feed:\n", "feed:\n  keep_days: 30\n", 1)).expect("write");
    // 2021-01-01: the window keeps course a's last 30 days only.
    let at = |extra: &[&str]| {
        let mut args = vec!["build", "courses", "-o", "out"];
        args.extend_from_slice(extra);
        let o = common::run_at(d, &args, Some("1609459200"));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).expect("utf8")
    };
    let first = at(&[]);
    let own = std::fs::read_to_string(d.join("out/a.ics")).expect("a.ics");
    assert!(own.matches("BEGIN:VEVENT").count() < 18, "{first}");
    let all = std::fs::read_to_string(d.join("out/all.ics")).expect("all.ics");
    assert_eq!(all.matches("BEGIN:VEVENT").count(), 54);
    assert_eq!(all.matches("SUMMARY:[Course a]").count(), 18);
    std::fs::remove_file(d.join("out/.coursefeed-manifest.json")).expect("rm");
    let whole = at(&["--fresh"]);
    assert_eq!(
        states(&whole),
        vec!["unchanged, not rewritten"; 4],
        "{whole}"
    );
}

// Test that the first build of a folder, made course by course, writes
// what a whole build writes: the same bytes in every feed and in all.ics
// as a rebuild from scratch (--fresh, without the manifest) at the same
// build time; and that its manifest serves the next build.
#[test]
fn first_build_course_by_course_is_the_whole_build() {
    let dir = folder();
    let d = dir.path();
    let first = build_folder(d, &[]);
    assert_eq!(states(&first), vec!["written"; 4]);
    std::fs::remove_file(d.join("out/.coursefeed-manifest.json")).expect("rm");
    let whole = build_folder(d, &["--fresh"]);
    assert_eq!(
        states(&whole),
        vec!["unchanged, not rewritten"; 4],
        "{whole}"
    );
    assert!(states(&build_folder(d, &[]))
        .iter()
        .all(|s| *s == "unchanged, skipped"));
}

// Test that a course found invalid after earlier ones were staged leaves
// nothing behind: no feed, no all.ics, no folder; and every problem of
// every course is reported together.
#[test]
fn a_late_invalid_course_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("courses")).expect("mkdir");
    // More courses than one batch, the bad ones last.
    for i in 0..70 {
        let mut yaml = coursefeed::synthetic::course_yaml(i, 2);
        if i >= 68 {
            yaml = yaml.replacen("date: 2026-", "date: 2026-13-", 1);
        }
        std::fs::write(d.join(format!("courses/c{i:05}.yaml")), yaml).expect("write");
    }
    let o = common::run(d, &["build", "courses", "-o", "out/feeds"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.starts_with("error: courses/c00068.yaml:"),
        "{stderr}"
    );
    assert!(stderr.contains("error: courses/c00069.yaml:"), "{stderr}");
    assert!(
        stderr.ends_with("2 problems found; nothing was written\n"),
        "{stderr}"
    );
    assert!(!d.join("out").exists(), "no folder left behind");
}
