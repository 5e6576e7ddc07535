//! Text stays text, through the real binary: values are kept as written,
//! files read the way YAML reads them, and build times stay writable.

use crate::common::{build_yaml, parse, Test};

fn minimal(extra_session_fields: &str) -> String {
    format!(
        "course: {{name: T, id: t, timezone: Europe/Stockholm}}\nsessions:\n  - {{kind: Lecture, number: 1, date: 2020-09-28, start: \"15:00\", end: \"17:00\"{extra_session_fields}}}\n"
    )
}

// Test that text that looks like a number is kept as written: a room
// `1.10` is not the number 1.1, `0x1F` is not 31, `1e3` is not 1000, and a
// 23-digit note is text, not an overflow.
#[test]
fn number_looking_text_is_kept() {
    let ics = build_yaml(&minimal(
        ", room: 1.10, topic: 1e3, note: 12345678901234567890123",
    ));
    let e = &parse(&ics)[0];
    assert_eq!(e.location.as_deref(), Some("1.10"));
    assert_eq!(e.summary, "Lecture 1: 1e3");
    assert!(
        e.description.contains("12345678901234567890123"),
        "{}",
        e.description
    );
    let ics = build_yaml(&minimal(", room: 0x1F"));
    assert_eq!(parse(&ics)[0].location.as_deref(), Some("0x1F"));
}

// Test that a UTF-8 byte order mark, which some editors write, is skipped.
#[test]
fn byte_order_mark_is_skipped() {
    let plain = build_yaml(&minimal(""));
    let with_bom = build_yaml(&format!("\u{feff}{}", minimal("")));
    assert_eq!(with_bom, plain);
}

// Test that a file with old Mac line ends (CR only) that starts with a
// comment reads as the same schedule as with LF.
#[test]
fn cr_only_line_ends_are_read() {
    let lf = format!("# Course schedule\n{}", minimal(", room: B1"));
    let cr = lf.replace('\n', "\r");
    assert_eq!(build_yaml(&cr), build_yaml(&lf));
}

// Test that a session in the year 2150 still has its summer offset: the
// VTIMEZONE covers every year a session can have.
#[test]
fn far_future_summer_keeps_daylight_time() {
    let ics = build_yaml(
        "course: {name: T, id: t, timezone: Europe/Stockholm}\nsessions:\n  - {kind: L, number: 1, date: 2150-06-01, start: \"15:00\", end: \"16:00\"}\n",
    );
    assert!(ics.contains("BEGIN:DAYLIGHT"), "{ics}");
    assert_eq!(
        parse(&ics)[0].start,
        "2150-06-01T13:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .expect("t")
    );
}

// Test that a SOURCE_DATE_EPOCH past the year 9999 is refused, not written
// as year 0000.
#[test]
fn build_time_past_year_9999_is_refused() {
    Test::new()
        .file("s.yaml", minimal(""))
        .env("SOURCE_DATE_EPOCH", "253402300800")
        .args(["build", "s.yaml", "-o", "s.ics"])
        .stderr("error: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, in the years 1 to 9999, not `253402300800`")
        .failure();
}
