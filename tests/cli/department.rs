//! `coursefeed build DIR`: a feed per course, a combined feed, all or nothing.

use crate::common;

use crate::common::{parse, read, root, run, Test};

fn department() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("courses")).expect("mkdir");
    let data = std::fs::read_to_string(root().join("data/schedule.yaml")).expect("data");
    std::fs::write(dir.path().join("courses/fid3024.yaml"), &data).expect("write");
    let other = data
        .replace("id: fid3024-ht2020", "id: other-2021")
        .replace(
            "name: FID3024 Systems for Scalable Machine Learning",
            "name: Other Course",
        )
        .replace("date: 2020-", "date: 2021-")
        .replace(
            "output: ../public/schedule.md",
            "output: ../public/other.md",
        );
    std::fs::write(dir.path().join("courses/other.yml"), other).expect("write");
    std::fs::write(dir.path().join("courses/README.txt"), "not a schedule").expect("write");
    dir
}

// Test that each course gets its own feed and all.ics combines them, with
// the course named in each combined summary, and a one-line summary each.
#[test]
fn feeds_per_course_and_combined() {
    let dir = department();
    let out = run(
        dir.path(),
        &[
            "build",
            "courses",
            "-o",
            "out",
            "--combined-name",
            "KTH EECS",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).expect("utf8"),
        "out/fid3024.ics: FID3024 Systems for Scalable Machine Learning: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18; 18 added, 0 changed, 0 removed (written)\n\
         public/schedule.md: page (written)\n\
         out/other.ics: Other Course: 12 sessions and 6 deadlines, 2021-09-28 to 2021-12-18; 18 added, 0 changed, 0 removed (written)\n\
         public/other.md: page (written)\n\
         out/all.ics: KTH EECS: 24 sessions and 12 deadlines from 2 courses; tz database 2026f (TZDIR); 36 added, 0 changed, 0 removed (written)\n"
    );
    // Each course's page, where its file asks for it (relative to that file).
    let other_page = read(&dir.path().join("public/other.md"));
    assert!(
        other_page.contains("# Lecture Session 1: Sep. 28, 15:00-17:00"),
        "{other_page}"
    );
    assert!(other_page.contains("webcal://fid3024.github.io/schedule.ics"));

    let fid = parse(&read(&dir.path().join("out/fid3024.ics")));
    let other = parse(&read(&dir.path().join("out/other.ics")));
    let all_ics = read(&dir.path().join("out/all.ics"));
    let all = parse(&all_ics);
    assert_eq!((fid.len(), other.len(), all.len()), (18, 18, 36));
    assert!(all_ics.contains("\r\nNAME:KTH EECS\r\n"));
    assert_eq!(
        all[0].summary,
        format!(
            "[FID3024 Systems for Scalable Machine Learning] {}",
            fid[0].summary
        )
    );
    assert_eq!(
        all[18].summary,
        format!("[Other Course] {}", other[0].summary)
    );
    assert_eq!(
        (all[0].uid.as_str(), all[0].start),
        (fid[0].uid.as_str(), fid[0].start)
    );
    assert_eq!(all[18].start.to_rfc3339(), "2021-09-28T13:00:00+00:00");

    let again = run(
        dir.path(),
        &[
            "build",
            "courses",
            "-o",
            "out",
            "--combined-name",
            "KTH EECS",
        ],
    );
    assert_eq!(
        String::from_utf8(again.stdout)
            .expect("utf8")
            .matches("(unchanged, skipped)")
            .count(),
        5
    );
}

// Test that an error in any course writes no feed at all, and that the
// errors of every file are reported together.
#[test]
fn all_or_nothing() {
    let dir = department();
    let c = dir.path().join("courses");
    std::fs::write(
        c.join("fid3024.yaml"),
        read(&c.join("fid3024.yaml")).replacen("date: 2020-10-19", "date: 2020-10-32", 1),
    )
    .expect("write");
    std::fs::write(
        c.join("other.yml"),
        read(&c.join("other.yml")).replacen("start: \"15:00\"", "start: \"25:00\"", 1),
    )
    .expect("write");
    let out = run(dir.path(), &["build", "courses", "-o", "out"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).expect("utf8");
    assert!(
        stderr.contains(
            "courses/fid3024.yaml:72:5: Discussion 2, field `date`: `2020-10-32` is not a date"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("courses/other.yml:"), "{stderr}");
    assert!(!dir.path().join("out").exists(), "nothing written");
}

// Test that two courses with the same id, whose UIDs would collide in the
// combined feed, are refused with both files named.
#[test]
fn clashing_course_ids() {
    let dir = department();
    let c = dir.path().join("courses");
    let other = read(&c.join("other.yml")).replace("id: other-2021", "id: fid3024-ht2020");
    let done = Test::new()
        .file("courses/fid3024.yaml", read(&c.join("fid3024.yaml")))
        .file("courses/other.yml", other)
        .args(["build", "courses", "-o", "out"])
        .stderr(
            "error: courses/other.yml: field `course.id`: course id `fid3024-ht2020` is also the id of `courses/fid3024.yaml`; their events would share UIDs\n  \
             hint: give each course its own `course.id` (without one, it is made from `course.name`)",
        )
        .failure();
    assert!(!done.dir.path().join("out").exists());
}

// Test that two courses whose ids differ, but one is the other's and a
// `-`, are refused when a session of each would get the same UID: the
// message names both sessions and files. A course between them, and a
// course whose id is only like theirs, are not involved.
#[test]
fn sessions_of_two_courses_with_one_uid() {
    let course = |id: &str, session: &str| {
        format!(
            "course: {{name: {id}, id: {id}, timezone: Europe/Stockholm}}\n\
             sessions:\n  - {{kind: Lecture, {session}, date: 2020-09-01, start: \"10:00\", end: \"12:00\"}}\n"
        )
    };
    let done = Test::new()
        .file("courses/a.yaml", course("ml", "id: x-lecture-1"))
        .file("courses/b.yaml", course("mlx", "number: 1"))
        .file("courses/c.yaml", course("ml-x", "number: 1"))
        .args(["build", "courses", "-o", "out"])
        .stderr(
            "error: courses/c.yaml: Lecture 1: same identity as Lecture `x-lecture-1` in courses/a.yaml: both would get UID `ml-x-lecture-1@coursefeed`\n  \
             hint: give each session its own kind + number, or an explicit `id`",
        )
        .failure();
    assert!(!done.dir.path().join("out").exists());
}

// Test that `--previous` with a folder is refused: each course is compared
// with its own feed, and one file cannot stand for all of them.
#[test]
fn previous_with_a_folder_is_refused() {
    let d = department();
    let o = run(d.path(), &["build", "courses", "--previous", "x.ics"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: --previous `x.ics` names one published feed, but a folder build compares each course with its own feed in the output folder\n  hint: leave out --previous, or build the course's file on its own\n"
    );
    assert!(!d.path().join("public").exists());
}

// Test that a folder is published by a library call, as the binary does:
// one outcome per course then the combined feed, nothing written on a dry
// run, and each course's warnings handed over as it is loaded.
#[test]
fn publish_all_is_a_library_call() {
    let d = department();
    // One course's topic is cut short by a comment: a warning, passed to
    // the caller rather than printed.
    let other = d.path().join("courses/other.yml");
    let text = read(&other).replacen(
        "topic: Fundamental of ML, e.g., scalability, batch size, etc..",
        "topic: Fundamental of ML #1",
        1,
    );
    std::fs::write(&other, text).expect("write");
    let out = d.path().join("out");
    let options = coursefeed::department::FolderOptions {
        output: &out,
        combined_name: "Dept",
        fresh: false,
        allow_removal: false,
        dry_run: true,
        now: coursefeed::feed::stamp(Some(common::EPOCH)).expect("stamp"),
        keep_days: None,
        itemize: true,
    };
    let mut warned = Vec::new();
    let feeds = coursefeed::department::publish_all(
        &d.path().join("courses"),
        &options,
        common::tzdb(),
        |w| warned.extend(w.iter().map(|d| (d.line, d.field.clone()))),
    )
    .expect("publishes");
    let names: Vec<String> = feeds
        .iter()
        .map(|f| {
            f.feed
                .strip_prefix(&out)
                .expect("in out")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(names, vec!["fid3024.ics", "other.ics", "all.ics"]);
    assert_eq!(feeds[2].course, "Dept");
    assert_eq!(feeds[2].outcome.report.added.len(), 36);
    assert_eq!(warned, vec![(40, Some("topic".to_owned()))]);
    assert!(feeds.iter().all(|f| !f.outcome.written));
    assert!(!out.exists());
}

// Test that a course file taken out of the folder takes its feed with it:
// refused without --allow-removal (nothing changes), reported and deleted
// with it; an .ics file coursefeed did not write is left alone.
#[test]
fn removed_course_removes_its_feed() {
    let dir = department();
    let d = dir.path();
    assert!(run(d, &["build", "courses", "-o", "out"]).status.success());
    std::fs::write(
        d.join("out/other-site.ics"),
        "BEGIN:VCALENDAR\r\nPRODID:-//Someone//EN\r\nEND:VCALENDAR\r\n",
    )
    .expect("write");
    std::fs::remove_file(d.join("courses/other.yml")).expect("remove course");
    let before = read(&d.join("out/all.ics"));
    let o = run(d, &["build", "courses", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: `out/other.ics` is the feed of a course whose file is no longer in `courses`; its subscribers would keep a calendar that never changes again\n  \
         hint: put the course's file back, or run again with --allow-removal to delete the feed\n"
    );
    assert!(d.join("out/other.ics").exists());
    assert_eq!(read(&d.join("out/all.ics")), before);

    let o = run(d, &["build", "courses", "-o", "out", "--allow-removal"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "out/fid3024.ics: FID3024 Systems for Scalable Machine Learning: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18; 0 added, 0 changed, 0 removed (unchanged, skipped)\n\
         public/schedule.md: page (unchanged, skipped)\n\
         out/all.ics: All courses: 12 sessions and 6 deadlines from 1 course; tz database 2026f (TZDIR); 0 added, 0 changed, 18 removed (written)\n\
         out/other.ics: removed: its course file is no longer in courses\n"
    );
    assert!(!d.join("out/other.ics").exists());
    assert!(d.join("out/other-site.ics").exists(), "not ours: kept");
    assert_eq!(parse(&read(&d.join("out/all.ics"))).len(), 18);
}

// Test that a folder of more courses than the process may hold files open
// builds: staged feeds are closed until they are renamed into place (with
// one handle each, 300 courses failed under a limit of 128).
#[test]
fn more_courses_than_open_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let courses = dir.path().join("courses");
    std::fs::create_dir(&courses).expect("mkdir");
    for i in 0..300 {
        let yaml = coursefeed::synthetic::course_yaml(i, 2);
        std::fs::write(courses.join(format!("c{i:03}.yaml")), yaml).expect("write");
    }
    let bin = assert_cmd::cargo::cargo_bin("coursefeed");
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 128 && exec '{}' build courses -o out",
            bin.display()
        ))
        .current_dir(dir.path())
        .env("TZDIR", common::zoneinfo(common::TZDATA))
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .output()
        .expect("sh runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let feeds = std::fs::read_dir(dir.path().join("out"))
        .expect("out")
        .count();
    assert_eq!(feeds, 302, "300 feeds, all.ics and the manifest");
}

// Test that a first build with `--format json` lists every event it added,
// feed by feed (the text output, which prints numbers, keeps no entries):
// each feed's entries are its events, by UID, and all.ics has them all.
#[test]
fn json_lists_every_added_event() {
    let dir = department();
    let o = run(
        dir.path(),
        &["build", "courses", "-o", "out", "--format", "json"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let feeds = json["feeds"].as_array().expect("feeds");
    assert_eq!(feeds.len(), 3);
    let mut all_uids = Vec::new();
    for feed in feeds {
        let path = dir.path().join(feed["feed"].as_str().expect("path"));
        let mut in_feed: Vec<String> = parse(&read(&path)).into_iter().map(|e| e.uid).collect();
        let mut listed: Vec<String> = feed["report"]["added"]
            .as_array()
            .expect("added")
            .iter()
            .map(|a| a["uid"].as_str().expect("uid").to_owned())
            .collect();
        in_feed.sort();
        listed.sort();
        assert_eq!(listed, in_feed, "{}", path.display());
        match path.ends_with("all.ics") {
            true => assert_eq!(listed.len(), 36),
            false => {
                assert_eq!(listed.len(), 18);
                all_uids.extend(listed);
            }
        }
    }
    all_uids.sort();
    let combined: Vec<String> = {
        let mut v: Vec<String> = parse(&read(&dir.path().join("out/all.ics")))
            .into_iter()
            .map(|e| e.uid)
            .collect();
        v.sort();
        v
    };
    assert_eq!(all_uids, combined);
}
