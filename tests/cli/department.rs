//! `coursefeed build DIR`: a feed per course, a combined feed, all or nothing.

use crate::common;

use std::path::Path;

use crate::common::{parse, read, root, run, Test};

fn department() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("courses")).expect("mkdir");
    let data = std::fs::read_to_string(root().join("data/schedule.yaml")).expect("data");
    // In a folder, a course's feed is named after its file: feed.url says so.
    let data = data.replace("url: /schedule.ics", "url: /fid3024.ics");
    std::fs::write(dir.path().join("courses/fid3024.yaml"), &data).expect("write");
    let other = data
        .replace("url: /fid3024.ics", "url: /other.ics")
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
    assert!(other_page.contains("webcal://fid3024.github.io/other.ics"));

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
// run, and each course's warnings handed over as it is loaded (one course
// has two sessions at one time: a warning).
#[test]
fn a_folder_build_is_a_library_call() {
    let d = department();
    let other = d.path().join("courses/other.yml");
    let text = read(&other).replacen("date: 2021-10-05", "date: 2021-09-28", 1);
    std::fs::write(&other, text).expect("write");
    let out = d.path().join("out");
    let options = coursefeed::folder::FolderOptions {
        output: &out,
        combined_name: "Dept",
        fresh: false,
        allow_removal: false,
        dry_run: true,
        now: coursefeed::feed::build_time(Some(common::EPOCH)).expect("stamp"),
        keep_days: None,
        itemize: true,
    };
    let mut warned = Vec::new();
    let built =
        coursefeed::folder::build(&d.path().join("courses"), &options, common::tzdb(), |w| {
            warned.extend(w.iter().map(|w| (w.file.clone(), w.line)))
        })
        .expect("publishes");
    let names: Vec<String> = built
        .courses
        .iter()
        .map(|c| {
            c.published
                .feed
                .strip_prefix(&out)
                .expect("in out")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(names, vec!["fid3024.ics", "other.ics"]);
    assert_eq!(built.combined.name, "Dept");
    assert_eq!(built.combined.outcome.report.added.len(), 36);
    assert!(!warned.is_empty());
    assert!(
        warned
            .iter()
            .all(|(file, line)| *file == other && *line > 0),
        "{warned:?}"
    );
    assert!(built.courses.iter().all(|c| !c.published.outcome.written));
    assert!(!built.combined.outcome.written);
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
        "error: the course `Other Course` (`courses/other.yml`) is no longer in `courses`, but its files are still published: `out/other.ics`, `public/other.md`\n  \
         their subscribers would keep calendars that never change again\n  \
         hint: put back what was taken out, or run again with --allow-removal to delete these files\n"
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
         out/other.ics: removed: no course in courses writes it any more (it was `courses/other.yml`'s)\n\
         public/other.md: removed: no course in courses writes it any more (it was `courses/other.yml`'s)\n"
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
        std::fs::write(courses.join(format!("c{i:05}.yaml")), yaml).expect("write");
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

/// The department: a course with group labs, one with audiences,
/// one plain, each with a page that links its feeds.
fn three_courses(dir: &Path) {
    std::fs::create_dir_all(dir.join("courses")).expect("mkdir");
    let page = |name: &str| {
        format!("page:\n  output: ../site/{name}.md\n  front_matter: |\n    layout: page\n")
    };
    let db = format!(
        "course: {{name: DB201, id: db201, timezone: Europe/Stockholm, url: https://dept.example/db201/}}
feed: {{url: https://dept.example/feeds/db201.ics}}
{}sessions:
  - {{kind: Lecture, number: 1, date: 2020-09-28, start: \"10:00\", end: \"12:00\"}}
  - {{kind: Lab, number: 1, date: 2020-09-29, start: \"13:00\", end: \"15:00\", groups: [A]}}
  - {{kind: Lab, number: 2, date: 2020-09-29, start: \"15:00\", end: \"17:00\", groups: [B]}}
",
        page("db201")
    );
    let nlp = format!(
        "course: {{name: NLP301, id: nlp301, timezone: Europe/Stockholm}}
feed: {{url: https://dept.example/feeds/nlp301.ics}}
{}audiences:
  - {{file: deadlines.ics, name: \"NLP301: deadlines\", kinds: [Deadline]}}
  - {{file: lectures.ics, name: \"NLP301: lectures\", kinds: [Lecture]}}
deadlines:
  - {{title: Report, date: 2020-10-09}}
sessions:
  - {{kind: Lecture, number: 1, date: 2020-09-30, start: \"10:00\", end: \"12:00\"}}
",
        page("nlp301")
    );
    let ml = "course: {name: ML100, id: ml100, timezone: Europe/Stockholm}
sessions:
  - {kind: Lecture, number: 1, date: 2020-10-01, start: \"10:00\", end: \"12:00\"}
";
    std::fs::write(dir.join("courses/db201.yaml"), db).expect("write");
    std::fs::write(dir.join("courses/nlp301.yaml"), nlp).expect("write");
    std::fs::write(dir.join("courses/ml100.yaml"), ml).expect("write");
}

/// The files under `dir/public`, sorted.
fn published(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("public"))
        .expect("public")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// Test that a folder build writes every feed a course's page links to:
// group feeds and audience feeds, as a single build of the course does.
#[test]
fn a_folder_writes_every_feed_its_pages_link_to() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    three_courses(d);
    let o = run(d, &["build", "courses", "-o", "public"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert_eq!(
        published(d),
        [
            ".coursefeed-manifest.json",
            "all.ics",
            "db201-a.ics",
            "db201-b.ics",
            "db201.ics",
            "deadlines.ics",
            "lectures.ics",
            "ml100.ics",
            "nlp301.ics"
        ]
    );
    // Every feed a page links to is published.
    for page in ["db201", "nlp301"] {
        let text = read(&d.join(format!("site/{page}.md")));
        let linked: Vec<&str> = text
            .split("(https://dept.example/feeds/")
            .skip(1)
            .map(|rest| &rest[..rest.find(')').expect("link ends")])
            .collect();
        assert!(linked.len() >= 3, "{text}");
        for file in linked {
            assert!(
                d.join("public").join(file).is_file(),
                "{page} links to {file}"
            );
        }
    }
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(
            "public/db201-a.ics: DB201 (A): 2 events; 2 added, 0 changed, 0 removed (written)\n"
        ),
        "{stdout}"
    );
}

// Test that a course's group feeds written by a single build are the
// course's in a folder build into the same folder (not another course's
// leftovers), and that taking a group out is a removal that names the
// course and every file, refused without --allow-removal, done with it.
#[test]
fn removal_names_the_course_and_every_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    three_courses(d);
    let o = run(
        d,
        &["build", "courses/db201.yaml", "-o", "public/db201.ics"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(d, &["build", "courses", "-o", "public"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The groups go: both group feeds would be left behind.
    let db = read(&d.join("courses/db201.yaml"))
        .replace(", groups: [A]", "")
        .replace(", groups: [B]", "");
    std::fs::write(d.join("courses/db201.yaml"), db).expect("write");
    let before = published(d);
    let o = run(d, &["build", "courses", "-o", "public"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: the course `DB201` (`courses/db201.yaml`) no longer writes `public/db201-a.ics`, `public/db201-b.ics`, which are still published\n  \
         their subscribers would keep calendars that never change again\n  \
         hint: put back what was taken out, or run again with --allow-removal to delete these files\n"
    );
    assert_eq!(published(d), before);
    let o = run(d, &["build", "courses", "-o", "public", "--allow-removal"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.ends_with(
        "public/db201-a.ics: removed: no course in courses writes it any more (it was `courses/db201.yaml`'s)\n\
         public/db201-b.ics: removed: no course in courses writes it any more (it was `courses/db201.yaml`'s)\n"
    ), "{stdout}");
    assert!(!d.join("public/db201-a.ics").exists());
    // A file no build recorded is never touched, nor offered.
    std::fs::write(
        d.join("public/mine.ics"),
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    .expect("write");
    std::fs::remove_file(d.join("courses/ml100.yaml")).expect("rm");
    let o = run(d, &["build", "courses", "-o", "public"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with(
            "error: the course `ML100` (`courses/ml100.yaml`) is no longer in `courses`, but its files are still published: `public/ml100.ics`\n"
        ),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(d.join("public/mine.ics").exists());
}

// Test that two courses whose files would share a path are one error that
// names both files and the path, and that a feed.url naming another file
// than the one built is a warning at its line with the fix.
#[test]
fn paths_that_disagree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    three_courses(d);
    let ml = read(&d.join("courses/ml100.yaml")).replace(
        "sessions:",
        "audiences:\n  - {file: deadlines.ics, name: \"ML: deadlines\", kinds: [Deadline]}\nsessions:",
    );
    std::fs::write(d.join("courses/ml100.yaml"), ml).expect("write");
    let o = run(d, &["build", "courses", "-o", "public"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: the feed `ML: deadlines` of `courses/ml100.yaml` `public/deadlines.ics` and the feed `NLP301: deadlines` of `courses/nlp301.yaml` `public/deadlines.ics` are the same file; nothing was written\n  \
         hint: give each output a path of its own\n"
    );
    assert!(!d.join("public").exists());

    three_courses(d);
    let nlp =
        read(&d.join("courses/nlp301.yaml")).replace("feeds/nlp301.ics", "feeds/schedule.ics");
    std::fs::write(d.join("courses/nlp301.yaml"), nlp).expect("write");
    let o = run(d, &["build", "courses", "-o", "public"]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "warning: courses/nlp301.yaml:2:8: field `feed.url`: feed.url names `schedule.ics`, but this build writes the course's feed to `nlp301.ics`: the page's subscribe links would lead nowhere\n \
         2 | feed: {url: https://dept.example/feeds/schedule.ics}\n  \
         hint: end feed.url with `nlp301.ics`, the name of the file this build writes\n"
    );
}

// Test that the same folder is recognised however its paths are spelled
// and wherever the build runs from: nothing is rebuilt, nothing offered
// for removal, and --allow-removal deletes nothing; and that a file the
// manifest records but someone changed since is not deleted.
#[test]
fn one_folder_however_it_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let site = d.join("site");
    std::fs::create_dir(&site).expect("mkdir");
    three_courses(&site);
    let o = run(&site, &["build", "courses", "-o", "public"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = published(&site);
    let spellings: [(&Path, &[&str]); 3] = [
        (
            &site,
            &["build", "./courses", "-o", "./public/", "--allow-removal"],
        ),
        (
            d,
            &[
                "build",
                "site/courses",
                "-o",
                "site/public",
                "--allow-removal",
            ],
        ),
        (
            &site,
            &[
                "build",
                "courses/",
                "-o",
                "../site/public",
                "--allow-removal",
            ],
        ),
    ];
    for (cwd, args) in spellings {
        let o = run(cwd, args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.lines().all(|l| l.ends_with("(unchanged, skipped)")),
            "{args:?}: {stdout}"
        );
        assert_eq!(published(&site), before, "{args:?}");
    }
    // A course goes; its feed was replaced by hand meanwhile: not ours now.
    std::fs::remove_file(site.join("courses/ml100.yaml")).expect("rm");
    std::fs::write(
        site.join("public/ml100.ics"),
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    .expect("write");
    let o = run(
        &site,
        &["build", "courses", "-o", "public", "--allow-removal"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(site.join("public/ml100.ics").exists());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(!stdout.contains("removed: "), "{stdout}");
    assert!(
        stdout.ends_with(
            "public/ml100.ics: kept: no course in courses writes it any more, but it was changed since it was written (it was `courses/ml100.yaml`'s); delete it yourself if it is not wanted\n"
        ),
        "{stdout}"
    );
}

// Test that a rebuild with nothing changed still reports every file of a
// course, its group and audience feeds included, in text and in JSON.
#[test]
fn a_skipped_course_reports_every_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    three_courses(d);
    let first = run(d, &["build", "courses", "-o", "public"]);
    assert!(first.status.success());
    let o = run(d, &["build", "courses", "-o", "public"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    for line in String::from_utf8_lossy(&first.stdout).lines() {
        let (file, _) = line.split_once(": ").expect("a file's line");
        assert!(
            stdout.contains(&format!("{file}: ")),
            "{file} missing from:\n{stdout}"
        );
    }
    assert!(
        stdout.lines().all(|l| l.ends_with("(unchanged, skipped)")),
        "{stdout}"
    );
    let o = run(d, &["build", "courses", "-o", "public", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let db = &json["feeds"][0];
    assert_eq!(db["course"], "DB201");
    let extras: Vec<&str> = db["extra_feeds"]
        .as_array()
        .expect("extra feeds")
        .iter()
        .map(|e| e["feed"].as_str().expect("path"))
        .collect();
    assert_eq!(extras, ["public/db201-a.ics", "public/db201-b.ics"]);
    assert_eq!(db["report"]["unchanged"], 3);
}

// Test that a folder build lists each changed session under its course, in
// words, and --quiet keeps to the counts; and that a course skipped because
// nothing changed still shows the warnings its summary counts.
#[test]
fn a_folder_build_reports_sessions_and_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    three_courses(d);
    // Two lectures at one time: a warning, shown at every build.
    let ml = read(&d.join("courses/ml100.yaml")).replace(
        "sessions:\n",
        "sessions:\n  - {kind: Seminar, number: 1, date: 2020-10-01, start: \"10:00\", end: \"12:00\"}\n",
    );
    std::fs::write(d.join("courses/ml100.yaml"), ml).expect("write");
    let first = run(d, &["build", "courses", "-o", "public"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let warned = String::from_utf8_lossy(&first.stderr).into_owned();
    assert!(
        warned.starts_with("warning: courses/ml100.yaml:"),
        "{warned}"
    );
    let again = run(d, &["build", "courses", "-o", "public"]);
    assert_eq!(String::from_utf8_lossy(&again.stderr), warned);
    assert!(String::from_utf8_lossy(&again.stdout)
        .contains("2 sessions, 2020-10-01 to 2020-10-01, 1 warning;"));

    let db = read(&d.join("courses/db201.yaml")).replace(
        "{kind: Lecture, number: 1, date: 2020-09-28, start: \"10:00\", end: \"12:00\"}",
        "{kind: Lecture, number: 1, date: 2020-09-28, start: \"10:00\", end: \"12:00\", room: B1}",
    );
    std::fs::write(d.join("courses/db201.yaml"), db).expect("write");
    let o = run(d, &["build", "courses", "-o", "public", "--dry-run"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with(
            "public/db201.ics: DB201: 3 sessions, 2020-09-28 to 2020-09-29; 0 added, 1 changed, 0 removed (dry run, nothing written)\n  \
             changed    Lecture 1 (Mon 2020-09-28 10:00): room added \"B1\"\n"
        ),
        "{stdout}"
    );
    let o = run(
        d,
        &["build", "courses", "-o", "public", "--dry-run", "--quiet"],
    );
    assert!(!String::from_utf8_lossy(&o.stdout).contains("  changed"));
}
