//! Independent parsers outside Rust read our feeds and must agree with
//! chrono-tz on every instant and with the YAML on every text.
//!
//! Needs Python's `icalendar` and Node's `ical.js`: `scripts/test` installs
//! them under target/ and points COURSEFEED_PYTHON and COURSEFEED_ICALJS at them.

mod common;

use std::path::Path;
use std::process::Command;

use coursefeed::feed;

/// An independent reader: a script that prints the feed's events as JSON.
struct Reader {
    name: &'static str,
    program: String,
    script: &'static str,
    env: Vec<(&'static str, String)>,
}

fn python_icalendar() -> Reader {
    Reader {
        name: "Python icalendar",
        program: std::env::var("COURSEFEED_PYTHON").unwrap_or_else(|_| "python3".into()),
        script: "tests/interop/read_with_python_icalendar.py",
        env: vec![],
    }
}

fn icaljs() -> Reader {
    let modules = std::env::var("COURSEFEED_ICALJS").unwrap_or_else(|_| {
        common::root()
            .join("target/interop/node/node_modules")
            .display()
            .to_string()
    });
    Reader {
        name: "ical.js",
        program: "node".into(),
        script: "tests/interop/read_with_icaljs.mjs",
        env: vec![("ICALJS_DIR", modules)],
    }
}

/// Build `schedule`, read it with `reader`, and compare with the model.
fn agree(reader: &Reader, schedule: &Path) {
    let ics = common::build(schedule);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.ics");
    std::fs::write(&path, &ics).expect("write");
    let out = Command::new(&reader.program)
        .arg(common::root().join(reader.script))
        .arg(&path)
        .envs(reader.env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap_or_else(|e| panic!("{} cannot run ({e}); scripts/test installs it", reader.name));
    assert!(
        out.status.success(),
        "{} failed (scripts/test installs it): {}",
        reader.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let schedule = coursefeed::load_path(schedule).expect("valid").schedule;
    // Neither reader types NAME (RFC 7986) or X-WR-CALNAME: both hand back
    // the raw value, which must be the TEXT escaping of the name.
    let name = coursefeed::ics::escape_text(&schedule.course.name);
    assert_eq!(seen["names"]["NAME"], name.as_str(), "{}", reader.name);
    assert_eq!(
        seen["names"]["X-WR-CALNAME"],
        name.as_str(),
        "{}",
        reader.name
    );
    let events = seen["events"].as_array().expect("events");
    assert_eq!(events.len(), schedule.sessions.len());
    for (s, e) in schedule.sessions.iter().zip(events) {
        let label = format!("{}: {}", reader.name, s.label());
        assert_eq!(e["uid"], s.uid.as_str(), "{label}");
        assert_eq!(
            e["start"],
            s.starts_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "{label} start"
        );
        assert_eq!(
            e["end"],
            s.ends_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "{label} end"
        );
        assert_eq!(e["summary"], feed::summary(s).as_str(), "{label}");
        assert_eq!(e["description"], feed::description(s).as_str(), "{label}");
        assert_eq!(
            e["location"].as_str(),
            feed::location(s).as_deref(),
            "{label}"
        );
        assert_eq!(e["categories"], serde_json::json!([s.kind]), "{label}");
    }
}

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
    let schedule = coursefeed::load_path(&common::root().join("tests/fixtures/many_zones.yaml"))
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
