//! Deadlines: all-day DATE events or timed ones, with stable UIDs, their own
//! category, right across DST, and on the page.

use crate::common::{build_yaml, parse, run};

const COURSE: &str = "course: {name: T, id: t, timezone: Europe/Stockholm, url: \"https://example.org/\"}\nsessions:\n  - {kind: Lecture, number: 1, date: 2020-09-28, start: \"15:00\", end: \"17:00\"}\n";

fn unfolded(ics: &str) -> String {
    ics.replace("\r\n ", "")
}

// Test that an all-day deadline is a DATE value without a TZID, a day long,
// not busy, in its own category, with a UID from its title.
#[test]
fn all_day_deadline() {
    let ics = build_yaml(&format!(
        "{COURSE}deadlines:\n  - {{title: Report 1, date: 2020-10-12, url: /reports/1}}\n"
    ));
    let text = unfolded(&ics);
    let event = &text[text.rfind("BEGIN:VEVENT").expect("event")..];
    assert!(
        event.contains("\r\nDTSTART;VALUE=DATE:20201012\r\n"),
        "{event}"
    );
    assert!(event.contains("\r\nDTEND;VALUE=DATE:20201013\r\n"));
    assert!(!event
        .lines()
        .any(|l| l.starts_with("DTSTART") && l.contains("TZID")));
    assert!(event.contains("\r\nTRANSP:TRANSPARENT\r\n"));
    let events = parse(&ics);
    let d = &events[1];
    assert_eq!(d.uid, "t-deadline-report-1@coursefeed");
    assert_eq!(d.summary, "Deadline: Report 1");
    assert_eq!(d.categories, vec!["Deadline"]);
    assert_eq!(
        d.description,
        "Due: 2020-10-12\nlink: https://example.org/reports/1"
    );
}

// Test that timed deadlines resolve right on both sides of the October DST change.
#[test]
fn timed_deadline_across_dst() {
    let ics = build_yaml(&format!(
        "{COURSE}deadlines:\n  - {{title: Report 1, date: 2020-10-12, time: \"23:59\"}}\n  - {{title: Report 2, date: 2020-10-26, time: \"23:59\", id: r2}}\n"
    ));
    let events = parse(&ics);
    assert_eq!(
        events[1].start.to_rfc3339(),
        "2020-10-12T21:59:00+00:00",
        "CEST"
    );
    assert_eq!(events[1].end, events[1].start);
    assert_eq!(
        events[2].start.to_rfc3339(),
        "2020-10-26T22:59:00+00:00",
        "CET"
    );
    assert_eq!(events[2].uid, "t-deadline-r2@coursefeed", "an explicit id");
}

// Test that two deadlines with the same identity are refused, and a bad date is located.
#[test]
fn deadline_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.yaml"), format!("{COURSE}deadlines:\n  - {{title: Report, date: 2020-10-12}}\n  - {{title: Report, date: 2020-10-32}}\n")).expect("write");
    let o = run(dir.path(), &["check", "s.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8(o.stderr).expect("utf8");
    assert!(
        stderr.starts_with(
            "error: s.yaml:6:21: deadline `Report`, field `date`: `2020-10-32` is not a date"
        ),
        "{stderr}"
    );
    std::fs::write(dir.path().join("s.yaml"), format!("{COURSE}deadlines:\n  - {{title: Report, date: 2020-10-12}}\n  - {{title: Report, date: 2020-10-19}}\n")).expect("write");
    let o = run(dir.path(), &["check", "s.yaml"]);
    let stderr = String::from_utf8(o.stderr).expect("utf8");
    assert!(
        stderr.contains("same identity as Deadline `deadline-report`"),
        "{stderr}"
    );
}

// Test that deadlines are listed on the page after the sessions, and can be left out.
#[test]
fn deadlines_on_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.yaml"), format!("{COURSE}deadlines:\n  - {{title: Report 1, date: 2020-10-12, url: /r1}}\n  - {{title: Report 2, date: 2020-10-26, time: \"23:59\"}}\n")).expect("write");
    assert!(run(dir.path(), &["page", "s.yaml", "-o", "p.md"])
        .status
        .success());
    let page = std::fs::read_to_string(dir.path().join("p.md")).expect("page");
    assert!(page.ends_with("<br>\n<hr>\n<br>\n# Deadlines\n* Oct. 12: Report 1 [[link](/r1)]\n* Oct. 26, 23:59: Report 2\n"), "{page}");
    assert!(run(
        dir.path(),
        &["page", "s.yaml", "-o", "q.md", "--no-deadlines"]
    )
    .status
    .success());
    let page = std::fs::read_to_string(dir.path().join("q.md")).expect("page");
    assert!(!page.contains("Deadlines"));
}
