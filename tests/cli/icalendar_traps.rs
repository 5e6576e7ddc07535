//! The `icalendar` crate's serializer traps, shown on the crate itself, and
//! our feed shown free of each. If a future icalendar release fixes one, its
//! "crate" assertion fails and tells us the workaround may go.

use crate::common;

use icalendar::{Calendar, Component};

fn ours(yaml: &str) -> String {
    common::build_yaml(yaml)
}

fn one_session(extra: &str) -> String {
    format!(
        "course: {{name: \"A,B;C\", timezone: Europe/Stockholm}}\nsessions:\n  - {{kind: Lecture, number: 1, date: 2020-09-28, start: \"15:00\", end: \"17:00\"{extra}}}\n"
    )
}

// Test that icalendar adds a clock DTSTAMP and a random UID to every component
// without them, VTIMEZONE and its observances included, and that ours has none.
#[test]
fn dtstamp_and_uid_injection() {
    let src = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n";
    let reserialized = src.parse::<Calendar>().expect("parses").to_string();
    let vtz = &reserialized[reserialized.find("BEGIN:VTIMEZONE").expect("vtimezone")..];
    assert!(
        vtz.contains("UID:") && vtz.contains("DTSTAMP:"),
        "crate: {reserialized}"
    );

    let feed = ours(&one_session(""));
    let start = feed.find("BEGIN:VTIMEZONE").expect("vtimezone");
    let end = feed.find("END:VTIMEZONE").expect("end");
    let vtz = &feed[start..end];
    assert!(
        !vtz.contains("UID") && !vtz.contains("DTSTAMP"),
        "ours: {vtz}"
    );
    // Exactly one UID and one DTSTAMP per event, both ours.
    assert_eq!(feed.matches("\r\nUID:").count(), 1);
    assert_eq!(feed.matches("\r\nDTSTAMP:").count(), 1);
    assert!(feed.contains("\r\nDTSTAMP:20200913T122640Z\r\n"));
}

// Test that icalendar's folding can split `\n` across lines, and ours never does.
#[test]
fn fold_splits_escape() {
    let mut event = icalendar::Event::new();
    event
        .uid("u")
        .timestamp(chrono::Utc::now())
        .description(&format!("{}\nsecond", "x".repeat(62)));
    let crate_out = event.to_string();
    assert!(crate_out.contains("\\\r\n n"), "crate: {crate_out}");

    for pad in 50..80 {
        let topic = format!("{}\\nafter", "x".repeat(pad)).replace("\\n", "\n");
        let feed = ours(&one_session(&format!(", topic: {:?}", topic)));
        for line in feed.split("\r\n") {
            let trailing = line.chars().rev().take_while(|&c| c == '\\').count();
            assert_eq!(
                trailing % 2,
                0,
                "ours splits an escape at pad {pad}: {line:?}"
            );
        }
        let events = common::parse(&feed);
        assert!(
            events[0].summary.ends_with(&topic),
            "round trip at pad {pad}"
        );
    }
}

// Test that icalendar writes a raw CATEGORIES string unescaped (so a comma
// splits it into two categories), while our kind with a comma stays one category.
#[test]
fn categories_commas() {
    let mut event = icalendar::Event::new();
    event
        .uid("u")
        .timestamp(chrono::Utc::now())
        .add_property("CATEGORIES", "Lab, Extra");
    assert!(
        event.to_string().contains("CATEGORIES:Lab, Extra\r\n"),
        "crate"
    );

    let yaml = one_session("").replace("kind: Lecture", "kind: \"Lab, Extra\"");
    let feed = ours(&yaml);
    assert!(feed.contains("CATEGORIES:Lab\\, Extra\r\n"), "{feed}");
    assert_eq!(common::parse(&feed)[0].categories, vec!["Lab, Extra"]);
}

// Test that icalendar leaves NAME unescaped while escaping X-WR-CALNAME, and ours escapes both.
#[test]
fn name_escaping() {
    let out = Calendar::new().name("A,B;C").done().to_string();
    assert!(
        out.contains("NAME:A,B;C\r\n") && out.contains("X-WR-CALNAME:A\\,B\\;C\r\n"),
        "crate: {out}"
    );

    let feed = ours(&one_session(""));
    assert!(feed.contains("\r\nNAME:A\\,B\\;C\r\n"), "{feed}");
    assert!(feed.contains("\r\nX-WR-CALNAME:A\\,B\\;C\r\n"));
}
