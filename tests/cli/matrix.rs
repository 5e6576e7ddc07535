//! Every course feature that writes or changes a file, built every way a
//! course is built: on its own; in a folder's first build; in a folder
//! rebuilt with nothing changed; in a folder rebuilt after an edit of it;
//! and a single build and a folder build into one output folder, either
//! first. Each way must leave the course's files byte for byte as its own
//! single build (with the same history) leaves them, and change no other
//! file but the combined feed and the manifest.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::common;

/// The course every feature is added to: three lectures around the end of
/// summer time in Stockholm (2020-10-25), a page-less feed at `/c.ics`.
const BASE: &str = "course:
  name: Matrix Course
  id: matrix-2020
  timezone: Europe/Stockholm
  url: https://example.org/matrix/
feed:
  url: /c.ics
defaults:
  start: \"15:00\"
  end: \"17:00\"
sessions:
  - {kind: Lecture, number: 1, date: 2020-10-19, topic: Before the change}
  - {kind: Lecture, number: 2, date: 2020-10-26, topic: After the change}
  - {kind: Lecture, number: 3, date: 2020-11-02, topic: Third}
";

/// Another course in the folder, whose files no build of `c` may touch.
const OTHER: &str = "course: {name: Other, id: other-2020, timezone: Europe/Stockholm}
sessions:
  - {kind: Seminar, number: 1, date: 2020-10-20, start: \"10:00\", end: \"12:00\"}
";

/// A feature: its course text, the same course edited, the files (besides
/// `c.ics`) it makes in `out/`, and whether the edit removes a session.
struct Feature {
    name: &'static str,
    course: String,
    edited: String,
    files: &'static [&'static str],
    removes: bool,
}

/// The usual edit: the third lecture moves an hour and changes its topic.
fn moved(course: &str) -> String {
    course.replace(
        "{kind: Lecture, number: 3, date: 2020-11-02, topic: Third}",
        "{kind: Lecture, number: 3, date: 2020-11-02, start: \"16:00\", end: \"18:00\", topic: \"Third, moved\"}",
    )
}

fn with(extra_sessions: &str, before: &str) -> String {
    let mut c = BASE.replace("sessions:\n", &format!("{before}sessions:\n"));
    c.push_str(extra_sessions);
    c
}

fn features() -> Vec<Feature> {
    let plain = |name, course: String, files| Feature {
        name,
        edited: moved(&course),
        course,
        files,
        removes: false,
    };
    let groups = with(
        "  - {kind: Lab, number: 1, date: 2020-11-03, start: \"13:00\", end: \"15:00\", groups: [A]}\n  \
           - {kind: Lab, number: 2, date: 2020-11-03, start: \"15:00\", end: \"17:00\", groups: [B]}\n",
        "",
    );
    let mut features = vec![
        Feature {
            name: "groups",
            edited: groups.replace("end: \"15:00\", groups: [A]", "end: \"14:30\", groups: [A]"),
            course: groups,
            files: &["c-a.ics", "c-b.ics"],
            removes: false,
        },
        plain(
            "audiences",
            with(
                "",
                "audiences:\n  - {file: lectures.ics, name: \"Matrix: lectures\", kinds: [Lecture]}\n  \
                 - {file: deadlines.ics, name: \"Matrix: deadlines\", kinds: [Deadline]}\n\
                 deadlines:\n  - {title: Report, date: 2020-10-30}\n",
            ),
            &["lectures.ics", "deadlines.ics"],
        ),
        plain(
            "keep_days",
            BASE.replace("sessions:\n", "sessions:\n  - {kind: Intro, number: 1, date: 2020-08-03}\n")
                .replace("  url: /c.ics\n", "  url: /c.ics\n  keep_days: 30\n"),
            &[],
        ),
        plain(
            "page",
            with(
                "",
                "page:\n  output: ../out/c.md\n  front_matter: |\n    layout: page\n    title: Schedule\n",
            ),
            &["c.md"],
        ),
        plain(
            "patterns with holidays",
            with(
                "",
                "holidays:\n  - {date: 2020-11-16, name: Break}\n\
                 patterns:\n  - {days: [Monday], from: 2020-11-09, until: 2020-11-30, kinds: [Seminar], start: \"10:00\", end: \"11:00\"}\n",
            ),
            &[],
        ),
        plain(
            "deadlines",
            with(
                "",
                "deadlines:\n  - {title: Report 1, date: 2020-10-30}\n  - {title: Report 2, date: 2020-11-06, time: \"23:59\"}\n",
            ),
            &[],
        ),
        plain(
            "a session in another zone",
            with(
                "  - {kind: Guest, number: 1, date: 2020-11-04, start: \"09:00\", end: \"10:00\", timezone: America/New_York}\n",
                "",
            ),
            &[],
        ),
    ];
    features.push(Feature {
        name: "a cancellation",
        edited: BASE.replace(
            "topic: After the change}",
            "topic: After the change, status: cancelled}",
        ),
        course: BASE.to_owned(),
        files: &[],
        removes: false,
    });
    features.push(Feature {
        name: "a removal",
        edited: BASE.replace(
            "  - {kind: Lecture, number: 3, date: 2020-11-02, topic: Third}\n",
            "",
        ),
        course: BASE.to_owned(),
        files: &[],
        removes: true,
    });
    features
}

/// A file's content, short enough for an assertion's message: its length
/// and a hash of its bytes.
type Content = (usize, u64);

fn content(bytes: &[u8]) -> Content {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    (bytes.len(), h.finish())
}

/// The manifest, rewritten by a build that finds nothing changed when it
/// had to read files to know it (see src/folder/manifest.rs): bookkeeping,
/// not a published file.
const MANIFEST: &str = ".coursefeed-manifest.json";

/// Every published file under `dir/out`, by name, with its content and
/// inode (a file rewritten is renamed into place: a new inode).
fn snapshot(dir: &Path) -> BTreeMap<String, (Content, u64)> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir.join("out")) else {
        return out;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == MANIFEST {
            continue;
        }
        let bytes = std::fs::read(e.path()).expect("read");
        let ino = e.metadata().expect("meta").ino();
        out.insert(name, (content(&bytes), ino));
    }
    out
}

/// The course's own files in a snapshot.
fn course_files(snap: &BTreeMap<String, (Content, u64)>, f: &Feature) -> BTreeMap<String, Content> {
    std::iter::once("c.ics")
        .chain(f.files.iter().copied())
        .map(|name| {
            let bytes = snap
                .get(name)
                .unwrap_or_else(|| panic!("{}: `{name}` not written", f.name))
                .0;
            (name.to_owned(), bytes)
        })
        .collect()
}

fn ok(dir: &Path, args: &[&str]) {
    let o = common::run(dir, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "",
        "{args:?}: no warning"
    );
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir.join("courses")).expect("mkdir");
    std::fs::write(dir.join("courses").join(name), text).expect("write");
}

fn single(dir: &Path, extra: &[&str]) {
    let mut args = vec!["build", "courses/c.yaml", "-o", "out/c.ics"];
    args.extend_from_slice(extra);
    ok(dir, &args);
}

fn folder(dir: &Path, extra: &[&str]) {
    let mut args = vec!["build", "courses", "-o", "out"];
    args.extend_from_slice(extra);
    ok(dir, &args);
}

/// The names that are neither the course's nor the folder's own.
fn others(
    snap: &BTreeMap<String, (Content, u64)>,
    f: &Feature,
) -> BTreeMap<String, (Content, u64)> {
    snap.iter()
        .filter(|(n, _)| {
            n.as_str() != "c.ics" && !f.files.contains(&n.as_str()) && n.as_str() != "all.ics"
        })
        .map(|(n, v)| (n.clone(), *v))
        .collect()
}

// Test the matrix: every feature, every way of building.
#[test]
fn every_feature_every_way_of_building() {
    for f in features() {
        let removal: &[&str] = match f.removes {
            true => &["--allow-removal"],
            false => &[],
        };
        // The reference: the course built on its own, then after the edit.
        let reference = tempfile::tempdir().expect("tempdir");
        let r = reference.path();
        write(r, "c.yaml", &f.course);
        single(r, &[]);
        let first = course_files(&snapshot(r), &f);
        let names: Vec<String> = snapshot(r).into_keys().collect();
        let mut expected: Vec<String> = std::iter::once("c.ics")
            .chain(f.files.iter().copied())
            .map(str::to_owned)
            .collect();
        expected.sort();
        assert_eq!(
            names, expected,
            "{}: the files a single build writes",
            f.name
        );
        write(r, "c.yaml", &f.edited);
        single(r, removal);
        let after_edit = course_files(&snapshot(r), &f);
        assert_ne!(
            first, after_edit,
            "{}: the edit changes the course's files",
            f.name
        );

        // A folder's first build, then nothing changed, then the edit.
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        write(d, "c.yaml", &f.course);
        write(d, "other.yaml", OTHER);
        folder(d, &[]);
        let built = snapshot(d);
        assert_eq!(
            course_files(&built, &f),
            first,
            "{}: folder, first build",
            f.name
        );
        let other: Vec<String> = others(&built, &f).into_keys().collect();
        assert_eq!(other, ["other.ics"], "{}: nothing else written", f.name);
        folder(d, &[]);
        assert_eq!(
            snapshot(d),
            built,
            "{}: folder, nothing changed: nothing rewritten",
            f.name
        );
        write(d, "c.yaml", &f.edited);
        folder(d, removal);
        let edited = snapshot(d);
        assert_eq!(
            course_files(&edited, &f),
            after_edit,
            "{}: folder, course edited",
            f.name
        );
        assert_eq!(
            others(&edited, &f),
            others(&built, &f),
            "{}: folder, course edited: no other file",
            f.name
        );

        // A single build, then a folder build into the same folder.
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        write(d, "c.yaml", &f.course);
        write(d, "other.yaml", OTHER);
        single(d, &[]);
        let alone = snapshot(d);
        folder(d, &[]);
        let then = snapshot(d);
        assert_eq!(
            course_files(&then, &f),
            first,
            "{}: single, then folder",
            f.name
        );
        for (name, (_, ino)) in &alone {
            assert_eq!(
                then[name].1, *ino,
                "{}: single, then folder: `{name}` not rewritten",
                f.name
            );
        }

        // A folder build, then a single build into the same folder: the
        // single build changes nothing at all.
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        write(d, "c.yaml", &f.course);
        write(d, "other.yaml", OTHER);
        folder(d, &[]);
        let before = snapshot(d);
        single(d, &[]);
        assert_eq!(snapshot(d), before, "{}: folder, then single", f.name);
        // And the edit built alone, then the folder again: the folder
        // agrees with what the single build published.
        write(d, "c.yaml", &f.edited);
        single(d, removal);
        folder(d, removal);
        assert_eq!(
            course_files(&snapshot(d), &f),
            after_edit,
            "{}: edited alone, then folder",
            f.name
        );
    }
}
