//! Hostile and broken input: nothing may create a calendar component, put
//! markup on the page, or crash or hang the tool.

use crate::common;

use crate::common::run;

fn course_with(topic_yaml: &str) -> String {
    format!(
        "course: {{name: T, timezone: Europe/Stockholm, url: \"https://example.org/\"}}\nsessions:\n  - kind: Lecture\n    number: 1\n    date: 2020-09-28\n    start: \"15:00\"\n    end: \"17:00\"\n    topic: {topic_yaml}\n  - {{kind: Lecture, number: 2, date: 2020-10-05, start: \"15:00\", end: \"17:00\"}}\n"
    )
}

// Test that CRLF + BEGIN:VEVENT in text cannot create a component, and the text survives.
#[test]
fn text_cannot_create_components() {
    let evil = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:injected\r\nEND:VEVENT\r\nBEGIN:VEVENT";
    let ics = common::build_yaml(&course_with(&format!("{evil:?}")));
    let unfolded = ics.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").collect();
    assert_eq!(
        lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(),
        2,
        "{ics}"
    );
    assert!(!lines
        .iter()
        .any(|l| l.starts_with("UID:evil") || l.starts_with("SUMMARY:injected")));
    let events = common::parse(&ics);
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0].summary,
        format!("Lecture 1: {}", evil.replace("\r\n", "\n"))
    );
}

// Test that Markdown and HTML in the YAML cannot break or script the page.
#[test]
fn text_cannot_script_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let topic = "<script>alert(1)</script> [click](javascript:alert(1)) ]] <img src=x onerror=alert(1)>\n# Fake heading\n* fake item";
    std::fs::write(
        dir.path().join("s.yaml"),
        course_with(&format!("{topic:?}")),
    )
    .expect("write");
    let o = run(dir.path(), &["page", "s.yaml", "-o", "page.md"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(dir.path().join("page.md")).expect("page");
    assert!(
        !page.contains('<') || !page.contains("<script") && !page.contains("<img"),
        "{page}"
    );
    let live_links = page
        .match_indices("](javascript:")
        .filter(|(i, _)| !page[..*i].ends_with('\\'))
        .count();
    assert_eq!(live_links, 0, "no link to javascript: {page}");
    assert_eq!(
        page.lines().filter(|l| l.starts_with("# ")).count(),
        2,
        "no injected heading: {page}"
    );
    assert!(
        !page.lines().any(|l| l.starts_with("* fake")),
        "no injected list item"
    );
    // And the page reads back to the same text.
    let o = run(
        dir.path(),
        &["import", "page.md", "--year", "2020", "-o", "back.yaml"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let back = coursefeed::load_path(&dir.path().join("back.yaml"), common::tzdb())
        .expect("valid")
        .schedule;
    assert_eq!(
        back.sessions[0].topic.as_deref(),
        Some(topic.replace('\n', " ").as_str())
    );
}

fn check_fails(yaml: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.yaml"), yaml).expect("write");
    let o = run(dir.path(), &["check", "s.yaml"]);
    assert_eq!(o.status.code(), Some(1), "must fail cleanly, not crash");
    String::from_utf8(o.stderr).expect("utf8")
}

// Test that a billion-laughs alias bomb ends in a clear error, not an expansion.
#[test]
fn alias_bomb() {
    let mut y = String::from("course: {name: X, timezone: Europe/Stockholm}\nsessions:\n  - kind: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        y.push_str(&format!("    topic{i}: &a{i} [{refs}]\n"));
    }
    let stderr = check_fails(y.as_bytes());
    assert!(stderr.starts_with("error: s.yaml:"), "{stderr}");
}

// Test that aliases pointing at a huge list inside allowed fields are refused.
#[test]
fn alias_bomb_in_allowed_fields() {
    let mut y = String::from("course: {name: X, timezone: Europe/Stockholm}\ndefaults:\n  readings: &r0 [{title: a}, {title: a}, {title: a}, {title: a}]\nsessions:\n");
    for i in 1..10 {
        y.push_str(&format!("  - {{kind: L, number: {i}, date: 2020-09-28, start: \"15:00\", end: \"16:00\", readings: [*r0, *r0]}}\n"));
    }
    let stderr = check_fails(y.as_bytes());
    assert!(
        stderr.contains("invalid type: sequence, expected a reading"),
        "{stderr}"
    );
}

// Test that aliases nested through readings, links and sessions, a few
// kilobytes that would expand to gigabytes, are refused at the line where
// the expansion passes the limit, quickly and in little memory.
#[test]
fn alias_bomb_through_allowed_fields() {
    let mut y = String::from("course: {name: X, timezone: Europe/Stockholm}\ndefaults:\n  readings: &r0 [{title: a, links: [{label: l, url: \"https://x.org/\"}]}, {title: b}]\n");
    for i in 1..9 {
        let refs = vec![format!("*r{}", i - 1); 10].join(", ");
        y.push_str(&format!("x{i}: &r{i} [{refs}]\n"));
    }
    y.push_str("sessions:\n  - {kind: L, number: 1, date: 2020-09-28, start: \"15:00\", end: \"16:00\", readings: *r8}\n");
    let started = std::time::Instant::now();
    let stderr = check_fails(y.as_bytes());
    assert!(
        stderr.starts_with("error: s.yaml:8:35: not valid YAML: aliases here expand"),
        "{stderr}"
    );
    assert!(
        stderr.contains("aliases here expand the file to more than 1000000 values"),
        "{stderr}"
    );
    // Not a timing assertion on speed goals: a bomb must not be expanded at all.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

// Test that inputs without a size are read only up to their limit:
// /dev/zero as a schedule or as a page to import, and endless standard input.
#[cfg(unix)]
#[test]
fn endless_inputs_stop_at_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(dir.path(), &["check", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: `/dev/zero` is over 256 MiB; schedules over 256 MiB are refused\n"
    );
    let o = run(dir.path(), &["import", "/dev/zero", "--year", "2020"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: `/dev/zero` is over 16 MiB; pages over 16 MiB are refused\n"
    );

    use std::io::Write;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("coursefeed"))
        .args(["check", "/dev/stdin"])
        .env("TZDIR", common::zoneinfo(common::TZDATA))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let chunk = "y\n".repeat(32 * 1024);
        // Ends when coursefeed stops reading and closes the pipe.
        while stdin.write_all(chunk.as_bytes()).is_ok() {}
    });
    let o = child.wait_with_output().expect("wait");
    feeder.join().expect("feeder");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: `/dev/stdin` is over 256 MiB; schedules over 256 MiB are refused\n"
    );
}

// Test that a page of 200 KB of brackets is read in one pass and refused at
// the page's line and column where they nest too deep, not at a line of
// the YAML never written.
#[test]
fn import_of_nested_brackets_names_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = format!(
        "# Lecture Session 1: Sep. 28, 15:00-17:00 {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(dir.path().join("page.md"), page).expect("write");
    let o = run(
        dir.path(),
        &[
            "import",
            "page.md",
            "--year",
            "2020",
            "--timezone",
            "Europe/Stockholm",
            "--name",
            "N",
            "-o",
            "s.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        stderr,
        format!(
            "error: page.md:1:107: brackets nested more than 64 levels deep\n 1 | # Lecture Session 1: Sep. 28, 15:00-17:00 {}\n  hint: close the brackets, or escape them as `\\[`\n",
            "[".repeat(38)
        )
    );
    assert!(!dir.path().join("s.yaml").exists());
}

// Test that deep nesting is refused before the YAML parser sees it.
#[test]
fn deep_nesting() {
    let y = format!("course: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let stderr = check_fails(y.as_bytes());
    assert!(
        stderr.starts_with("error: s.yaml:1:73: not valid YAML: nested more than 64 levels deep\n"),
        "{}",
        &stderr[..200.min(stderr.len())]
    );
    assert!(
        stderr
            .lines()
            .nth(1)
            .is_some_and(|l| l.chars().count() < 200),
        "the shown line is cut"
    );
}

// Test that a 50 MB file that is not a schedule ends in a clear error.
#[test]
fn fifty_megabytes_of_nonsense() {
    let mut y = b"course: ".to_vec();
    y.extend(std::iter::repeat_n(b'x', 50 * 1024 * 1024));
    let stderr = check_fails(&y);
    assert!(
        stderr.starts_with("error: s.yaml:1:1: field `course`: invalid type: string \"xxxx"),
        "{}",
        &stderr[..200.min(stderr.len())]
    );
    assert!(
        stderr.len() < 1000,
        "the value is not echoed whole: {} bytes",
        stderr.len()
    );
}

// Test that a file over the size limit is refused without being read.
#[test]
fn oversized_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = std::fs::File::create(dir.path().join("s.yaml")).expect("create");
    f.set_len(coursefeed::MAX_SCHEDULE_BYTES + 1)
        .expect("sparse file");
    let o = run(dir.path(), &["check", "s.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(o.stderr).expect("utf8"),
        "error: `s.yaml` is 268435457 bytes; schedules over 256 MiB are refused\n"
    );
}

// Test that garbage pages cannot crash import.
#[test]
fn garbage_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, page) in [
        "# : \n",
        "#\n##\n###: :\n",
        "# A Session 1: Feb. 29, 15:00-17:00\n",
        "# [[[[(((\n* ]]](((\n",
        "# Lecture: Sep. 99999999999999999999, 1-2\n",
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(dir.path().join("p.md"), page).expect("write");
        let o = run(dir.path(), &["import", "p.md", "--year", "2021"]);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "case {i} crashed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            !String::from_utf8_lossy(&o.stderr).contains("panicked"),
            "case {i}"
        );
    }
}
