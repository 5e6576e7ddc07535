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
        stderr.starts_with("error: s.yaml:8:35: aliases here expand"),
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
        "error: `/dev/zero` is over 64 MiB; schedules over 64 MiB are refused\n  hint: a course of 100,000 sessions is about 30 MiB; split a larger one into files in a folder\n"
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
        "error: `/dev/stdin` is over 64 MiB; schedules over 64 MiB are refused\n  hint: a course of 100,000 sessions is about 30 MiB; split a larger one into files in a folder\n"
    );
}

// Test that a page of 200 KB of brackets is read in one pass and refused at
// the page's line and column where they nest too deep, not at a line of
// the YAML never written.
#[test]
fn import_of_nested_brackets_names_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let brackets = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let page = format!("# Lecture Session 1: Sep. 28, 15:00-17:00 {brackets}\n");
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
        stderr.starts_with("error: s.yaml:1:25: nested more than 16 levels deep\n"),
        "{}",
        &stderr[..200.min(stderr.len())]
    );
    assert!(
        stderr.ends_with("\n  hint: a schedule nests at most nine levels (a link of a reading of a session); close the brackets or indent less\n"),
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

// Test that a megabyte that is not a schedule ends in a clear error that
// does not echo the value (the size shows what 50 MB would: it is one scalar).
#[test]
fn megabytes_of_nonsense() {
    // One plain scalar over 30,000 lines: YAML folds them into one value.
    let line = format!("  {}\n", "x".repeat(100));
    let y = format!("course: x\n{}", line.repeat(10_000));
    let stderr = check_fails(y.as_bytes());
    assert!(
        stderr.starts_with("error: s.yaml:1:1: field `course`: invalid type: string \"x xxxx"),
        "{}",
        &stderr[..200.min(stderr.len())]
    );
    assert!(
        stderr.len() < 1000,
        "the value is not echoed whole: {} bytes",
        stderr.len()
    );
}

/// `n` copies of `item`, comma separated.
fn repeated(item: &str, n: usize) -> String {
    vec![item; n].join(", ")
}

// Test that each limit on what the YAML may hold is an error at the value
// that crosses it, before serde builds anything: the shapes that took
// gigabytes from 10 MB (one mapping of repeated keys, a list of empty
// sessions, a list of numbers) and nesting in block style.
#[test]
fn yaml_limits_stop_at_the_crossing_value() {
    let keys = format!("x: {{{}}}\n", repeated("a: 1", 4_001));
    let stderr = check_fails(keys.as_bytes());
    assert!(
        stderr.starts_with(&format!(
            "error: s.yaml:1:{}: a mapping of more than 4000 keys\n",
            5 + 6 * 4_000
        )),
        "{}",
        &stderr[..200.min(stderr.len())]
    );
    assert!(stderr.ends_with("\n  hint: a session has 18 fields and a pattern at most 4,000 occurrences; is a list (`- `) meant?\n"), "{stderr}");

    let sessions = format!(
        "course: {{name: X, timezone: UTC}}\nsessions: [{}]\n",
        repeated("{}", 100_001)
    );
    let stderr = check_fails(sessions.as_bytes());
    assert!(
        stderr.starts_with(&format!(
            "error: s.yaml:2:{}: a list of more than 100000 items\n",
            12 + 4 * 100_000
        )),
        "{}",
        &stderr[..200.min(stderr.len())]
    );
    assert!(stderr.ends_with("\n  hint: that is more than the largest course has; split the course into several files in a folder\n"), "{stderr}");

    let numbers = format!("[{}]\n", repeated("1", 100_001));
    let stderr = check_fails(numbers.as_bytes());
    assert!(
        stderr.starts_with(&format!(
            "error: s.yaml:1:{}: a list of more than 100000 items\n",
            2 + 3 * 100_000
        )),
        "{}",
        &stderr[..200.min(stderr.len())]
    );

    // A line of 1.2 MB: the top-level `[` could open a key, and the
    // parser would hold the whole line to find out.
    let line = format!("[{}]\n", repeated("1", 400_000));
    let stderr = check_fails(line.as_bytes());
    assert!(
        stderr.starts_with("error: s.yaml:1:1048577: a line of more than 1048576 bytes\n"),
        "{}",
        &stderr[..200.min(stderr.len())]
    );
    assert!(
        stderr.ends_with(
            "\n  hint: break it into lines: a session to a line, or one field to a line\n"
        ),
        "{stderr}"
    );

    let block: String = (0..20)
        .map(|d| format!("{}k{d}:\n", "  ".repeat(d)))
        .collect();
    let stderr = check_fails(block.as_bytes());
    assert!(
        stderr.starts_with("error: s.yaml:17:33: nested more than 16 levels deep\n"),
        "{stderr}"
    );
}

// Test that a tag the schedule does not define is an error at its value,
// in a session's field or on a whole section, rather than silently dropped.
#[test]
fn undefined_tags_are_errors() {
    let stderr = check_fails(b"course: {name: X, timezone: UTC}\nsessions:\n  - {kind: L, number: 1, date: !date 2020-09-28, start: \"15:00\", end: \"16:00\"}\n");
    assert_eq!(
        stderr,
        "error: s.yaml:3:32: the YAML tag `!date` means nothing in a schedule\n \
         3 |   - {kind: L, number: 1, date: !date 2020-09-28, start: \"15:00\", end: \"16:00\"}\n  \
         hint: remove the tag: every value is read as the text written\n"
    );
    let stderr = check_fails(b"course: !!python/object:os.system [ls]\n");
    assert_eq!(
        stderr,
        "error: s.yaml:1:9: the YAML tag `!!python/object:os.system` means nothing in a schedule\n \
         1 | course: !!python/object:os.system [ls]\n  \
         hint: remove the tag: every value is read as the text written\n"
    );
}

const HEAD: &str = "course: {name: X, timezone: Europe/Stockholm}\n";

// Test that a pattern without kinds (none, an empty list, with or without a
// date written short) is an error at `kinds`; it used to divide by zero.
#[test]
fn pattern_without_kinds_is_an_error() {
    for (pattern, column) in [
        (
            "{days: [Monday], from: 2020-09-28, until: 2020-12-14, kinds: []}",
            66,
        ),
        ("{days: [Monday], from: 2020-09-28, until: 2020-12-14}", 12),
        (
            "{days: [Monday], from: 2020-9-28, until: 2020-12-14, kinds: []}",
            65,
        ),
    ] {
        let yaml = format!("{HEAD}patterns: [{pattern}]\n");
        assert_eq!(
            check_fails(yaml.as_bytes()),
            format!("error: s.yaml:2:{column}: pattern 1, field `kinds`: missing required field `kinds`\n 2 | patterns: [{pattern}]\n"),
        );
    }
}

// Test that the sessions all patterns of a file make are capped: 500
// one-line patterns of 3,965 Mondays each (2,000,000 sessions, 3 GB) stop
// at the third pattern, once, at its `until`.
#[test]
fn sessions_from_patterns_are_capped_per_file() {
    let pattern = |i: usize| {
        format!("  - {{days: [Monday], from: 2000-01-03, until: 2075-12-29, kinds: [L{i}], start: \"{h:02}:00\", end: \"{h:02}:30\"}}\n", h = i % 24)
    };
    let yaml = format!(
        "{HEAD}patterns:\n{}",
        (0..500).map(pattern).collect::<String>()
    );
    assert_eq!(
        check_fails(yaml.as_bytes()),
        format!(
            "error: s.yaml:5:40: pattern 3, field `until`: the patterns of this file make more than 10000 sessions\n \
             5 | {}\n  \
             hint: check `from` and `until`, or split the course into several files in a folder\n",
            pattern(2).trim_end_matches('\n')
        )
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
        "error: `s.yaml` is 67108865 bytes; schedules over 64 MiB are refused\n  hint: a course of 100,000 sessions is about 30 MiB; split a larger one into files in a folder\n"
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

// Test that a previous feed whose VTIMEZONE rule ends in a two-byte
// character where a weekday belongs (`BYDAY=1ʹU`, found by the feed fuzz
// target: it cut the text inside the character) is read without a panic:
// the rule is not one we read, and the build goes on.
#[test]
fn previous_feed_with_a_wide_character_in_its_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        common::root().join("tests/fixtures/vancouver_2026.yaml"),
        dir.path().join("s.yaml"),
    )
    .expect("copy");
    std::fs::write(
        dir.path().join("s.ics"),
        "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:America/Vancouver\r\nBEGIN:STANDARD\r\nDTSTART:20201101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1\u{2b9}U\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n",
    )
    .expect("write");
    let o = run(dir.path(), &["build", "s.yaml", "-o", "s.ics"]);
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).ends_with("7 added, 0 changed, 0 removed, 0 unchanged\ns.ics: 7 sessions, 2026-09-14 to 2026-11-30; tz database 2026f (TZDIR) (written)\n"));
}

// Test that one mistake repeated over a large file (100,000 empty sessions
// in 400 KB, 500,000 problems) is counted whole but kept only so far: the
// first problems are shown with their lines and the count is exact, where
// every problem kept took 400 MB.
#[test]
fn a_mistake_repeated_is_counted_not_kept() {
    let yaml = format!(
        "course: {{name: X, id: x, timezone: Europe/Stockholm}}\nsessions: [{}]\n",
        vec!["{}"; 100_000].join(", ")
    );
    let stderr = check_fails(yaml.as_bytes());
    assert!(
        stderr.starts_with(
            "error: s.yaml:2:12: session #1, field `kind`: missing required field `kind`\n"
        ),
        "{}",
        &stderr[..stderr.len().min(400)]
    );
    assert!(
        stderr.ends_with(
            "\n... and 951 more not shown\n500000 problems found; nothing was written\n"
        ),
        "{}",
        &stderr[stderr.len().saturating_sub(400)..]
    );
}
