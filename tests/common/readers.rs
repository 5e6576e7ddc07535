//! Independent iCalendar parsers outside Rust, driven by small scripts in
//! tests/interop/ that print what they read as JSON.

use std::path::Path;
use std::process::Command;

use coursefeed::feed;

/// An independent reader: a script that prints the feed's events as JSON.
pub struct Reader {
    name: &'static str,
    program: String,
    script: &'static str,
    env: Vec<(&'static str, String)>,
    /// Whether it hands back NAME and X-WR-CALNAME raw: Python's icalendar
    /// and ical.js do not type these (RFC 7986 NAME, an X- property), so
    /// their raw value must be the TEXT escaping of the name.
    raw_names: bool,
}

pub fn python_icalendar() -> Reader {
    Reader {
        name: "Python icalendar",
        program: std::env::var("COURSEFEED_PYTHON").unwrap_or_else(|_| "python3".into()),
        script: "tests/interop/read_with_python_icalendar.py",
        env: vec![],
        raw_names: true,
    }
}

pub fn icaljs() -> Reader {
    let modules = std::env::var("COURSEFEED_ICALJS").unwrap_or_else(|_| {
        super::root()
            .join("target/interop/node/node_modules")
            .display()
            .to_string()
    });
    Reader {
        name: "ical.js",
        program: "node".into(),
        script: "tests/interop/read_with_icaljs.mjs",
        env: vec![("ICALJS_DIR", modules)],
        raw_names: true,
    }
}

pub fn vobject() -> Reader {
    Reader {
        name: "Python vobject",
        program: std::env::var("COURSEFEED_PYTHON").unwrap_or_else(|_| "python3".into()),
        script: "tests/interop/read_with_vobject.py",
        env: vec![],
        raw_names: false,
    }
}

/// Build `schedule`, read it with `reader`, and compare with the model.
pub fn agree(reader: &Reader, schedule: &Path) {
    let ics = super::build(schedule);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.ics");
    std::fs::write(&path, &ics).expect("write");
    let out = Command::new(&reader.program)
        .arg(super::root().join(reader.script))
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
    let schedule = coursefeed::load_path(schedule, super::tzdb())
        .expect("valid")
        .schedule;
    let name = if reader.raw_names {
        coursefeed::ics::escape_text(&schedule.course.name)
    } else {
        schedule.course.name.clone()
    };
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
        // All-day deadlines are DATE values: the reader gives the days.
        let (start, end) = if s.all_day {
            let next = s.date.succ_opt().expect("next day");
            (s.date.to_string(), next.to_string())
        } else {
            (
                s.starts_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                s.ends_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            )
        };
        assert_eq!(e["start"], start.as_str(), "{label} start");
        assert_eq!(e["end"], end.as_str(), "{label} end");
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
