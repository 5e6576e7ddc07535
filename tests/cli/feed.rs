//! The feed as subscribers' apps read it: the shipped course and fixtures,
//! built by the real binary and parsed back with the `icalendar` crate.

use crate::common;

use crate::common::{build, build_yaml, parse, root};
use chrono::{NaiveDate, Utc};

fn shipped() -> String {
    build(&root().join("data/schedule.yaml"))
}

fn utc(s: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .expect("rfc3339")
        .with_timezone(&Utc)
}

/// A one-course schedule with the given sessions block.
/// Stockholm's zone for 2020-2021 in the form Outlook keeps: one DAYLIGHT
/// (last Sunday of March, 02:00) and one STANDARD (last Sunday of October,
/// 03:00), each a yearly rule that goes on past the course.
const STOCKHOLM_PAIR: &str =
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Stockholm\r\nX-LIC-LOCATION:Europe/Stockholm\r\n\
    BEGIN:DAYLIGHT\r\nDTSTART:20190331T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
    TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\n\
    BEGIN:STANDARD\r\nDTSTART:20191027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
    TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\n";

/// The first VTIMEZONE of a feed, up to its END line.
fn zone_of(ics: &str) -> &str {
    &ics[ics.find("BEGIN:VTIMEZONE").expect("zone")..ics.find("END:VTIMEZONE").expect("end")]
}

fn course(sessions: &str) -> String {
    format!(
        "course:\n  name: Test Course\n  id: test-2020\n  timezone: Europe/Stockholm\n  url: https://example.org/course/\nsessions:\n{sessions}"
    )
}

// Test that the shipped schedule gives 12 events with unique UIDs, at the
// right instants on both sides of the October 2020 DST change.
#[test]
fn shipped_feed_has_right_instants() {
    let all = parse(&shipped());
    assert_eq!(all.len(), 18, "12 sessions and 6 deadlines");
    let events: Vec<_> = all
        .iter()
        .filter(|e| e.categories != ["Deadline"])
        .cloned()
        .collect();
    assert_eq!(events.len(), 12);
    let mut uids: Vec<_> = events.iter().map(|e| e.uid.clone()).collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), 12, "UIDs are unique");

    let d2 = events
        .iter()
        .find(|e| e.summary.starts_with("Discussion 2:"))
        .expect("Discussion 2");
    assert_eq!(d2.start, utc("2020-10-19T13:00:00Z"), "15:00 CEST");
    let l3 = events
        .iter()
        .find(|e| e.summary.starts_with("Lecture 3:"))
        .expect("Lecture 3");
    assert_eq!(l3.start, utc("2020-10-26T14:00:00Z"), "15:00 CET");

    // Every session: Mondays 15:00-17:00 Stockholm time, as the tz database says.
    let mut day = NaiveDate::from_ymd_opt(2020, 9, 28).expect("date");
    for e in &events {
        let start = common::truth("Europe/Stockholm", day.and_hms_opt(15, 0, 0).expect("time"))
            .expect("exists");
        assert_eq!(e.start, start, "{}", e.summary);
        assert_eq!(e.end - e.start, chrono::Duration::hours(2), "{}", e.summary);
        day += chrono::Duration::days(7);
    }
    assert_eq!(
        day,
        NaiveDate::from_ymd_opt(2020, 12, 21).expect("date"),
        "last was Dec 14"
    );
}

// Test that the shipped feed's zone is the form Outlook keeps: one STANDARD
// and one DAYLIGHT, each with a yearly rule that goes on past the course
// (last Sunday of October at 03:00, last Sunday of March at 02:00), and that
// it records the tz database release it was built with.
#[test]
fn shipped_feed_zone_is_one_yearly_pair() {
    let ics = shipped();
    assert!(ics.contains("\r\nX-COURSEFEED-TZDATA:2026f\r\n"));
    assert_eq!(ics.matches("BEGIN:VTIMEZONE").count(), 1);
    assert_eq!(zone_of(&ics), STOCKHOLM_PAIR);
}

// Test that summaries, descriptions and locations carry the seed's text and
// absolute, percent-encoded reading links.
#[test]
fn shipped_feed_text() {
    let events = parse(&shipped());
    let l1 = &events[0];
    assert_eq!(
        l1.summary,
        "Lecture 1: Fundamental of ML, e.g., scalability, batch size, etc.."
    );
    assert_eq!(
        events[1].summary,
        "Discussion 1: Fundamental of ML, e.g., scalability, batch size, etc."
    );
    assert_eq!(
        l1.location.as_deref(),
        Some("https://kth-se.zoom.us/j/2884945301")
    );
    assert_eq!(l1.categories, vec!["Lecture"]);
    assert_eq!(l1.status.as_deref(), Some("CONFIRMED"));
    assert!(l1
        .description
        .contains("Zoom: https://kth-se.zoom.us/j/2884945301"));
    assert!(l1.description.contains(
        "- Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour\n  https://fid3024.github.io/papers/2018%20-%20Accurate%2C%20Large%20Minibatch%20SGD%3A%20Training%20ImageNet%20in%201%20Hour.pdf"
    ), "{}", l1.description);
    assert!(l1
        .description
        .contains("Don%27t%20Use%20Large%20Mini-Batches%2C%20Use%20Local%20SGD.pdf"));
    let l2 = &events[2];
    assert_eq!(
        l2.summary,
        "Lecture 2: Distributed learning: data-parallelization"
    );
    assert!(l2.description.contains("Reading material: TBA"));
    let url = l1
        .props
        .iter()
        .find(|(k, _)| k == "URL")
        .map(|(_, v)| v.as_str());
    assert_eq!(url, Some("https://fid3024.github.io/schedule/"));
}

// Test the calendar-level properties subscribers' apps read.
#[test]
fn calendar_properties() {
    let ics = shipped();
    for line in [
        "VERSION:2.0",
        "PRODID:-//coursefeed//Course schedule feed//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:FID3024 Systems for Scalable Machine Learning",
        "X-WR-CALNAME:FID3024 Systems for Scalable Machine Learning",
        "X-WR-TIMEZONE:Europe/Stockholm",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
        "DTSTAMP:20200913T122640Z",
    ] {
        assert!(ics.contains(&format!("{line}\r\n")), "missing {line}");
    }
    assert_eq!(ics.matches("BEGIN:VTIMEZONE").count(), 1);
}

// Test the wire format: CRLF everywhere, no line over 75 octets, no floating
// times and no Etc/UTC TZID, and that the output is byte-identical run to run.
#[test]
fn wire_format_and_determinism() {
    let ics = shipped();
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(
        ics.matches('\n').count(),
        ics.matches("\r\n").count(),
        "bare LF"
    );
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let unfolded = ics.replace("\r\n ", "");
    let events = unfolded.split("BEGIN:VEVENT").skip(1);
    let times: Vec<&str> = events
        .flat_map(|e| {
            e.lines()
                .filter(|l| l.starts_with("DTSTART") || l.starts_with("DTEND"))
        })
        .collect();
    // 12 sessions with a zone; the 6 all-day deadlines are DATE values.
    assert_eq!(times.len(), 36);
    assert_eq!(
        times.iter().filter(|l| l.contains(";VALUE=DATE:")).count(),
        12
    );
    for line in times.into_iter().filter(|l| !l.contains(";VALUE=DATE:")) {
        assert!(
            line.contains(";TZID=Europe/Stockholm:"),
            "floating or UTC: {line}"
        );
    }
    assert!(!ics.contains("Etc/UTC"));
    assert_eq!(ics, shipped(), "same input, same bytes");
}

// Test that the UID depends only on course, kind and number (or id): moving,
// retiming and retitling a session keeps it; renumbering changes it.
#[test]
fn uid_is_identity_not_content() {
    let a = parse(&build_yaml(&course(
        "  - {kind: Lecture, number: 1, date: 2020-09-28, start: \"15:00\", end: \"17:00\", topic: A}\n",
    )));
    let b = parse(&build_yaml(&course(
        "  - {kind: Lecture, number: 1, date: 2020-10-30, start: \"09:00\", end: \"10:00\", topic: B, readings: [{title: X}]}\n",
    )));
    let c = parse(&build_yaml(&course(
        "  - {kind: Lecture, number: 2, date: 2020-09-28, start: \"15:00\", end: \"17:00\", topic: A}\n",
    )));
    let d = parse(&build_yaml(&course(
        "  - {kind: Lecture, number: 2, id: lecture-1, date: 2020-09-28, start: \"15:00\", end: \"17:00\", topic: A}\n",
    )));
    assert_eq!(a[0].uid, "test-2020-lecture-1@coursefeed");
    assert_eq!(a[0].uid, b[0].uid);
    assert_ne!(a[0].uid, c[0].uid);
    assert_eq!(
        a[0].uid, d[0].uid,
        "an explicit id keeps the identity through renumbering"
    );
}

// Test that a cancelled session stays, marked in STATUS and in the summary.
#[test]
fn cancelled_and_tentative() {
    let events = parse(&build_yaml(&course(
        "  - {kind: Lecture, number: 1, date: 2020-09-28, start: \"15:00\", end: \"17:00\", topic: A, status: cancelled}\n  - {kind: Lecture, number: 2, date: 2020-10-05, start: \"15:00\", end: \"17:00\", status: Tentative}\n",
    )));
    assert_eq!(events[0].summary, "Cancelled: Lecture 1: A");
    assert_eq!(events[0].status.as_deref(), Some("CANCELLED"));
    assert_eq!(events[1].summary, "Lecture 2");
    assert_eq!(events[1].status.as_deref(), Some("TENTATIVE"));
}

// Test that `15:00` works unquoted as well as quoted, and defaults fill in.
#[test]
fn unquoted_times_and_defaults() {
    let yaml = "course: {name: T, timezone: Europe/Stockholm}\ndefaults: {start: 15:00, end: 17:00}\nsessions:\n  - {kind: Lab, number: 1, date: 2020-10-19}\n  - {kind: Lab, number: 2, date: 2020-10-26, start: 9:15, end: \"10:00\"}\n";
    let events = parse(&build_yaml(yaml));
    assert_eq!(events[0].start, utc("2020-10-19T13:00:00Z"));
    assert_eq!(events[0].end, utc("2020-10-19T15:00:00Z"));
    assert_eq!(events[1].start, utc("2020-10-26T08:15:00Z"));
}

// Test that room and zoom both reach LOCATION, and special characters survive.
#[test]
fn location_and_escaping() {
    let events = parse(&build_yaml(&course(
        "  - kind: \"Seminar, extra\"\n    number: 1\n    date: 2020-09-28\n    start: \"15:00\"\n    end: \"17:00\"\n    room: \"Room 4523; floor 5\"\n    zoom: https://kth-se.zoom.us/j/1\n    topic: \"Backslash \\\\ semicolon ; comma , newline\\n done \u{00e5}\u{1F393}\"\n    note: |\n      Bring a laptop.\n      Second line.\n",
    )));
    let e = &events[0];
    assert_eq!(
        e.location.as_deref(),
        Some("Room 4523; floor 5, https://kth-se.zoom.us/j/1")
    );
    assert_eq!(
        e.summary,
        "Seminar, extra 1: Backslash \\ semicolon ; comma , newline\n done \u{e5}\u{1F393}"
    );
    assert_eq!(
        e.categories,
        vec!["Seminar, extra"],
        "one category, comma kept inside it"
    );
    assert!(
        e.description.ends_with("Bring a laptop.\nSecond line."),
        "{:?}",
        e.description
    );
}

// Test that a course in UTC gets UTC times and no VTIMEZONE, and that a
// session in another zone gets a VTIMEZONE of its own.
#[test]
fn utc_and_mixed_zones() {
    let ics = build_yaml("course: {name: T, timezone: Etc/UTC}\nsessions:\n  - {kind: Exam, number: 1, date: 2021-01-11, start: \"08:00\", end: \"13:00\"}\n  - {kind: Exam, number: 2, date: 2021-06-01, start: \"08:00\", end: \"13:00\", timezone: America/New_York}\n");
    assert!(ics.contains("DTSTART:20210111T080000Z\r\n"), "{ics}");
    assert!(ics.contains("X-WR-TIMEZONE:UTC\r\n"));
    assert_eq!(ics.matches("BEGIN:VTIMEZONE").count(), 1);
    assert!(ics.contains("TZID:America/New_York\r\n"));
    let events = parse(&ics);
    assert_eq!(events[0].start, utc("2021-01-11T08:00:00Z"));
    assert_eq!(events[1].start, utc("2021-06-01T12:00:00Z"), "EDT is UTC-4");
}

// Test a schedule across New Year and both DST changes: the VTIMEZONE covers
// every year, and a session at an ambiguous time takes the earlier instant.
#[test]
fn multi_year_and_ambiguous() {
    let ics = build_yaml(&course(
        "  - {kind: L, number: 1, date: 2020-10-25, start: \"02:30\", end: \"04:00\"}\n  - {kind: L, number: 2, date: 2021-03-29, start: \"15:00\", end: \"17:00\"}\n  - {kind: L, number: 3, date: 2021-01-04, start: \"15:00\", end: \"17:00\"}\n",
    ));
    // The fold's 02:30 is written in UTC so every app reads the same instant.
    assert!(ics.contains("\r\nDTSTART:20201025T003000Z\r\n"), "{ics}");
    assert!(ics.contains("\r\nDTEND;TZID=Europe/Stockholm:20201025T040000\r\n"));
    // One yearly pair covers both years, as Outlook keeps a zone.
    assert_eq!(zone_of(&ics), STOCKHOLM_PAIR);
    let events = parse(&ics);
    assert_eq!(
        events[0].start,
        utc("2020-10-25T00:30:00Z"),
        "02:30 CEST, the first of two"
    );
    assert_eq!(events[0].end, utc("2020-10-25T03:00:00Z"));
    assert_eq!(events[1].start, utc("2021-03-29T13:00:00Z"));
    assert_eq!(events[2].start, utc("2021-01-04T14:00:00Z"));
}

// Test that the refresh hint is configurable.
#[test]
fn refresh_is_configurable() {
    let ics = build_yaml(&format!(
        "feed: {{refresh: 1d}}\n{}",
        course("  - {kind: L, number: 1, date: 2020-09-28, start: \"15:00\", end: \"16:00\"}\n")
    ));
    assert!(ics.contains("REFRESH-INTERVAL;VALUE=DURATION:P1D\r\n"));
    assert!(ics.contains("X-PUBLISHED-TTL:P1D\r\n"));
}

// Test that the minimal example a new course copies is valid and builds.
#[test]
fn minimal_example_builds() {
    let events = parse(&build(&root().join("examples/minimal.yaml")));
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[1].location.as_deref(),
        Some("Lab room 4, https://kth-se.zoom.us/j/1234567890")
    );
    assert_eq!(events[0].start, utc("2025-09-01T13:00:00Z"));
}
