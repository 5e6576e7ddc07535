//! Independent parsers outside Rust read our feeds and must agree with
//! the tz database on every instant and with the YAML on every text.
//!
//! Needs Python's `icalendar` and `vobject` and Node's `ical.js`: `scripts/test` installs
//! them under target/ and points COURSEFEED_PYTHON and COURSEFEED_ICALJS at them.

mod common;

use common::readers::{agree, icaljs, python_icalendar, vobject};

fn shipped() -> std::path::PathBuf {
    common::root().join("data/schedule.yaml")
}

fn many_zones() -> std::path::PathBuf {
    common::root().join("tests/fixtures/many_zones.yaml")
}

// Test that Python's icalendar reads the shipped course exactly as we meant it.
#[test]
fn python_icalendar_reads_shipped_feed() {
    agree(&python_icalendar(), &shipped());
}

// Test that Python's icalendar agrees across zones with unusual DST rules and hostile text.
#[test]
fn python_icalendar_reads_many_zones() {
    agree(&python_icalendar(), &many_zones());
}

// Test that ical.js, resolving times only through our VTIMEZONEs, reads the shipped course.
#[test]
fn icaljs_reads_shipped_feed() {
    agree(&icaljs(), &shipped());
}

// Test that ical.js agrees through our VTIMEZONEs for zones with unusual DST rules.
#[test]
fn icaljs_reads_many_zones() {
    agree(&icaljs(), &many_zones());
}

// Test that the fixture's text really reaches the feed as written in the YAML.
#[test]
fn fixture_text_is_verbatim() {
    let schedule = coursefeed::load_path(
        &common::root().join("tests/fixtures/many_zones.yaml"),
        common::tzdb(),
    )
    .expect("valid")
    .schedule;
    let s = schedule.sessions.last().expect("tricky session");
    assert_eq!(
        s.topic.as_deref(),
        Some("Åäö, émoji 🎓, combining e\u{301}, back\\slash; semi; \"quotes\" ]] <b>")
    );
    assert_eq!(
        s.readings[0].url.as_ref().map(|l| l.url.as_str()),
        Some("https://example.org/papers/2020%20-%20A%3A%20B%2C%20C.pdf")
    );
}

// Test that vobject, building zones from our VTIMEZONEs via dateutil, reads the shipped course.
#[test]
fn vobject_reads_shipped_feed() {
    agree(&vobject(), &shipped());
}

// Test that vobject agrees through our VTIMEZONEs for zones with unusual DST rules.
#[test]
fn vobject_reads_many_zones() {
    agree(&vobject(), &many_zones());
}
