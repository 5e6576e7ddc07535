//! Independent parsers outside Rust read our feeds and must agree with
//! the tz database on every instant and with the YAML on every text.
//!
//! Needs Python's `icalendar` and `vobject` and Node's `ical.js`, which
//! `scripts/test` installs under target/ (pointing COURSEFEED_PYTHON and
//! COURSEFEED_ICALJS at them), and Debian's libical (GObject introspection),
//! ruby-icalendar and php-sabre-vobject, which it installs with apt.

use crate::common;

use crate::common::readers::{
    agree, icaljs, libical, python_icalendar, ruby_icalendar, sabre_vobject, vobject, Reader,
};

fn shipped() -> std::path::PathBuf {
    common::root().join("data/schedule.yaml")
}

fn many_zones() -> std::path::PathBuf {
    common::root().join("tests/fixtures/many_zones.yaml")
}

/// A weekly course in British Columbia in autumn 2026, whose rules changed
/// in tzdata 2026b: every reader must put it at 15:00 -07 all term.
fn vancouver() -> std::path::PathBuf {
    common::root().join("tests/fixtures/vancouver_2026.yaml")
}

/// A course in Morocco across the end of its +01 time in September 2026.
fn casablanca() -> std::path::PathBuf {
    common::root().join("tests/fixtures/casablanca_2026.yaml")
}

fn all_readers() -> Vec<Reader> {
    vec![
        python_icalendar(),
        vobject(),
        icaljs(),
        libical(),
        ruby_icalendar(),
        sabre_vobject(),
    ]
}

// Test that all six readers put the shipped course and the Vancouver course
// at the tz database's instants and read their text as written. A few
// seconds: twelve runs of external readers.
#[test]
fn six_readers_agree_on_shipped_and_vancouver() {
    for reader in all_readers() {
        agree(&reader, &shipped());
        agree(&reader, &vancouver());
    }
}

// Test that libical, through our VTIMEZONEs, agrees for zones with unusual rules.
#[test]
fn libical_reads_many_zones() {
    agree(&libical(), &many_zones());
}

// Test that sabre/vobject, with PHP's rules pinned to the fixture, agrees
// for zones with unusual rules.
#[test]
fn sabre_vobject_reads_many_zones() {
    agree(&sabre_vobject(), &many_zones());
}

// Test that all six readers, Ruby's icalendar gem among them, read the
// Casablanca course at the tz database's instants: its VTIMEZONE has an
// onset of each kind at or before the first event, the STANDARD ones in
// one observance (the gem 2.8 failed on it with "undefined method `>' for nil").
#[test]
fn six_readers_agree_on_casablanca() {
    for reader in all_readers() {
        agree(&reader, &casablanca());
    }
}

// Ruby's icalendar gem 2.8 is left out of the many-zones fixture: it fails
// ("comparison of IceCube::Occurrence with nil") for any event earlier than
// the first onset of one of its zone's observances, which a zone whose rules
// change inside the feed's span must have (Sao Paulo 2019, Apia 2011). See
// README, Compatibility. The test below keeps that claim honest.
#[test]
fn ruby_icalendar_fails_only_on_zones_that_change_rules_in_the_span() {
    let ics = common::build(&many_zones());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.ics");
    std::fs::write(&path, ics).expect("write");
    let out = std::process::Command::new("ruby")
        .arg(common::root().join("tests/interop/read_with_ruby_icalendar.rb"))
        .arg(&path)
        .output()
        .expect("ruby runs (scripts/test installs it)");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("icalendar/timezone.rb"), "{err}");
    assert!(
        err.contains("comparison of IceCube::Occurrence with nil failed")
            || err.contains("undefined method `>' for nil"),
        "{err}"
    );
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
