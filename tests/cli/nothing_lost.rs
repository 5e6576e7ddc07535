//! Nothing lost, through the real binary: an output never replaces an input
//! or another output, a build writes all of its files or none, and a
//! symlinked output is written through, the link kept.

use crate::common;

use std::path::Path;

use crate::common::run;

/// A course folder with the shipped schedule, its `page.output` as given.
fn course(page_output: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    common::shipped_schedule_in(dir.path());
    let path = dir.path().join("schedule.yaml");
    let yaml = std::fs::read_to_string(&path).expect("read");
    let yaml = yaml.replacen(
        "output: public/schedule.md",
        &format!("output: {page_output}"),
        1,
    );
    std::fs::write(path, yaml).expect("write");
    dir
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).expect("inside").display().to_string())
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("list") {
        let p = e.expect("entry").path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

// Test that a page.output naming the schedule itself is refused: the YAML
// stays as it was and no feed is written.
#[test]
fn page_over_the_schedule_is_refused() {
    let dir = course("schedule.yaml");
    let before = std::fs::read(dir.path().join("schedule.yaml")).expect("read");
    let o = run(dir.path(), &["build", "schedule.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: the schedule `schedule.yaml` and the page `schedule.yaml` are the same file; nothing was written\n  hint: give each output a path of its own\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("schedule.yaml")).expect("read"),
        before
    );
    assert_eq!(files(dir.path()), vec!["schedule.yaml"]);
    // The same through another spelling of the path, and for `page`.
    let o = run(
        dir.path(),
        &["page", "schedule.yaml", "-o", "./sub/../SCHEDULE.yaml"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: the schedule `schedule.yaml` and the page `./sub/../SCHEDULE.yaml` are the same file"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(dir.path().join("schedule.yaml")).expect("read"),
        before
    );
}

// Test that a page.output equal to the feed is refused before anything is written.
#[test]
fn page_over_the_feed_is_refused() {
    let dir = course("public/schedule.ics");
    let o = run(dir.path(), &["build", "schedule.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: the feed `public/schedule.ics` and the page `public/schedule.ics` are the same file; nothing was written\n  hint: give each output a path of its own\n"
    );
    assert_eq!(files(dir.path()), vec!["schedule.yaml"]);
}

// Test that importing a page onto itself is refused.
#[test]
fn import_over_its_page_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("schedule.md");
    std::fs::copy(
        common::root().join("tests/fixtures/seed_schedule.md"),
        &page,
    )
    .expect("copy");
    let before = std::fs::read(&page).expect("read");
    let o = run(
        dir.path(),
        &[
            "import",
            "schedule.md",
            "--year",
            "2020",
            "-o",
            "schedule.md",
            "--force",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: the page to import `schedule.md` and the schedule `schedule.md` are the same file"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&page).expect("read"), before);
}

// Test that two courses whose feeds would share a name (`x.yaml` and
// `X.yml`) are refused, naming both, and nothing is written.
#[test]
fn folder_courses_with_one_feed_name_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let courses = dir.path().join("courses");
    std::fs::create_dir(&courses).expect("mkdir");
    let yaml = std::fs::read_to_string(common::root().join("examples/minimal.yaml")).expect("read");
    let yaml = |name: &str| yaml.replace("url: /schedule.ics", &format!("url: /{name}.ics"));
    std::fs::write(courses.join("x.yaml"), yaml("x")).expect("write");
    std::fs::write(
        courses.join("X.yml"),
        yaml("X").replace("id: ", "id: other-"),
    )
    .expect("write");
    let o = run(dir.path(), &["build", "courses", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: the feed of `courses/X.yml` `out/X.ics` and the feed of `courses/x.yaml` `out/x.ics` are the same file; nothing was written\n  hint: give each output a path of its own\n"
    );
    assert!(!dir.path().join("out").exists());
}

// Test that a course file that cannot be read (a dangling link) stops a
// folder build, naming it, instead of vanishing from the feeds.
#[cfg(unix)]
#[test]
fn dangling_course_file_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let courses = dir.path().join("courses");
    std::fs::create_dir(&courses).expect("mkdir");
    std::fs::copy(
        common::root().join("examples/minimal.yaml"),
        courses.join("a.yaml"),
    )
    .expect("copy");
    std::os::unix::fs::symlink("gone.yaml", courses.join("b.yaml")).expect("link");
    let o = run(dir.path(), &["build", "courses", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: cannot read `courses/b.yaml`: No such file or directory (os error 2)\n"
    );
    assert!(!dir.path().join("out").exists());
}

// Test "both or neither": when the page cannot be written (its path is a
// folder), the published feed is not replaced either.
#[test]
fn feed_and_page_both_or_neither() {
    let dir = course("public/schedule.md");
    let o = run(dir.path(), &["build", "schedule.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let feed = std::fs::read(dir.path().join("public/schedule.ics")).expect("feed");
    // Change the schedule, and put a folder where the page goes.
    let yaml = dir.path().join("schedule.yaml");
    let text = std::fs::read_to_string(&yaml).expect("read");
    std::fs::write(
        &yaml,
        text.replacen("start: \"15:00\"", "start: \"14:00\"", 1),
    )
    .expect("write");
    std::fs::remove_file(dir.path().join("public/schedule.md")).expect("rm");
    std::fs::create_dir(dir.path().join("public/schedule.md")).expect("mkdir");
    let o = run(dir.path(), &["build", "schedule.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("public/schedule.md"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(dir.path().join("public/schedule.ics")).expect("feed"),
        feed
    );
    assert_eq!(files(&dir.path().join("public")), vec!["schedule.ics"]);
}

// Test that a feed symlinked into a site folder is replaced there, in place,
// and the link stays a link.
#[cfg(unix)]
#[test]
fn symlinked_feed_is_written_through() {
    let dir = course("public/schedule.md");
    std::fs::create_dir_all(dir.path().join("site")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("public")).expect("mkdir");
    std::fs::write(
        dir.path().join("site/schedule.ics"),
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    .expect("seed");
    std::os::unix::fs::symlink(
        "../site/schedule.ics",
        dir.path().join("public/schedule.ics"),
    )
    .expect("link");
    let o = run(dir.path(), &["build", "schedule.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let link = dir.path().join("public/schedule.ics");
    assert!(std::fs::symlink_metadata(&link)
        .expect("meta")
        .file_type()
        .is_symlink());
    let served = std::fs::read_to_string(dir.path().join("site/schedule.ics")).expect("site feed");
    assert_eq!(
        common::parse(&served).len(),
        18,
        "the site serves the new feed"
    );
    assert_eq!(
        files(&dir.path().join("site")),
        vec!["schedule.ics"],
        "no temp file left"
    );
}

// Test that a build started after one that was killed removes the temporary
// files the killed one left (older than ten minutes), and leaves fresh ones
// (a build running now) and files that are not ours alone.
#[test]
fn stale_temporary_files_are_removed() {
    let dir = course("public/schedule.md");
    let public = dir.path().join("public");
    std::fs::create_dir_all(&public).expect("mkdir");
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for name in [
        ".schedule.ics.ab12CD.tmp",
        ".notes.txt",
        ".schedule.ics.fresh1.tmp",
    ] {
        let f = std::fs::File::create(public.join(name)).expect("create");
        if name != ".schedule.ics.fresh1.tmp" {
            f.set_modified(hour_ago).expect("mtime");
        }
    }
    let o = run(dir.path(), &["build", "schedule.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        files(&public),
        vec![
            ".notes.txt",
            ".schedule.ics.fresh1.tmp",
            "schedule.ics",
            "schedule.md"
        ]
    );
}

// Test that a build stopped with SIGTERM while it writes removes its
// temporary files and leaves the published feed as it was. The build stops
// itself right after making its first temporary file (a test hook) and says
// so; the signal is sent once that line is read, so no timing is involved.
#[cfg(unix)]
#[test]
fn terminated_build_leaves_no_temporary_files() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("tempdir");
    common::shipped_schedule_in(dir.path());
    std::fs::create_dir(dir.path().join("out")).expect("mkdir");
    let old = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    std::fs::write(dir.path().join("out/feed.ics"), old).expect("seed");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("coursefeed"))
        .args(["build", "schedule.yaml", "-o", "out/feed.ics", "--fresh"])
        .current_dir(dir.path())
        .env("TZDIR", common::zoneinfo(common::TZDATA))
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .env("COURSEFEED_PAUSE_AFTER_TEMP", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    // Warnings come first (feed.url names schedule.ics); then the pause.
    let mut line = String::new();
    while !line.starts_with("paused after ") {
        line.clear();
        assert!(stderr.read_line(&mut line).expect("read") > 0, "no pause");
    }
    assert!(
        line.starts_with("paused after ") && line.contains("/out/.feed.ics."),
        "{line}"
    );
    let temps: Vec<String> = files(&dir.path().join("out"))
        .into_iter()
        .filter(|f| f.ends_with(".tmp"))
        .collect();
    assert_eq!(
        temps.len(),
        1,
        "the build has its temporary file: {temps:?}"
    );
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("wait");
    use std::os::unix::process::ExitStatusExt;
    assert!(
        exit.code() == Some(143) || exit.signal() == Some(15),
        "{exit:?}"
    );
    assert_eq!(files(&dir.path().join("out")), vec!["feed.ics"]);
    assert_eq!(common::read(&dir.path().join("out/feed.ics")), old);
}

// Test that a folder build is all or nothing: when one course's feed cannot
// be replaced (its path is a folder), no course's feed and no combined feed
// is replaced either.
#[test]
fn folder_build_all_or_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let courses = dir.path().join("courses");
    std::fs::create_dir(&courses).expect("mkdir");
    let yaml = std::fs::read_to_string(common::root().join("examples/minimal.yaml")).expect("read");
    let yaml = |name: &str| yaml.replace("url: /schedule.ics", &format!("url: /{name}.ics"));
    std::fs::write(courses.join("a.yaml"), yaml("a")).expect("write");
    std::fs::write(courses.join("b.yaml"), yaml("b").replace("id: ", "id: b-")).expect("write");
    let o = run(dir.path(), &["build", "courses", "-o", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let kept = ["out/a.ics", "out/all.ics", "out/.coursefeed-manifest.json"];
    let before: Vec<Vec<u8>> = kept
        .iter()
        .map(|f| std::fs::read(dir.path().join(f)).expect("feed"))
        .collect();
    // A change to both courses, and a folder where b's feed goes.
    for f in ["a.yaml", "b.yaml"] {
        let p = courses.join(f);
        let text = std::fs::read_to_string(&p).expect("read");
        std::fs::write(&p, text.replacen("15:00", "14:00", 1)).expect("write");
    }
    std::fs::remove_file(dir.path().join("out/b.ics")).expect("rm");
    std::fs::create_dir(dir.path().join("out/b.ics")).expect("mkdir");
    let o = run(dir.path(), &["build", "courses", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1));
    // Reading b's previous feed is the first step to fail.
    assert_eq!(
        stderr(&o),
        "error: cannot read `out/b.ics`: Is a directory (os error 21)\n"
    );
    let after: Vec<Vec<u8>> = kept
        .iter()
        .map(|f| std::fs::read(dir.path().join(f)).expect("feed"))
        .collect();
    assert_eq!(after, before);
    assert_eq!(
        files(&dir.path().join("out")),
        vec![".coursefeed-manifest.json", "a.ics", "all.ics"]
    );
}

// Test that `page.output` is relative to the schedule file: building
// another course's file from this course's folder writes that course's page
// beside its file and leaves this course's page alone.
#[test]
fn page_output_is_relative_to_the_schedule_file() {
    let root = tempfile::tempdir().expect("tempdir");
    let mine = root.path().join("mine");
    let other = root.path().join("other");
    std::fs::create_dir_all(mine.join("public")).expect("mkdir");
    std::fs::create_dir_all(&other).expect("mkdir");
    std::fs::write(mine.join("public/schedule.md"), "my page").expect("seed");
    common::shipped_schedule_in(&other);
    let o = run(&mine, &["build", "../other/schedule.yaml", "-o", "x.ics"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .ends_with("../other/public/schedule.md: page (written)\n"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("public/schedule.md")).expect("mine"),
        "my page"
    );
    assert!(other.join("public/schedule.md").exists());
}
