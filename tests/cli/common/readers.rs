//! Independent iCalendar parsers outside Rust, driven by small scripts in
//! tests/interop/ that print what they read as JSON.

use std::path::Path;
use std::process::Command;

use coursefeed::feed;

/// An independent reader: a script that prints the feed's events as JSON.
pub struct Reader {
    name: &'static str,
    /// The interpreter, and any arguments before the script.
    command: Vec<String>,
    script: &'static str,
    env: Vec<(&'static str, String)>,
    /// How it hands back RFC 7986 NAME and X-WR-CALNAME.
    names: [Name; 2],
    /// Whether it misreads some backslash sequences in TEXT, so that text
    /// with a backslash is not compared (its times still are).
    lossy_backslashes: bool,
}

/// What a reader makes of the calendar's name properties.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Name {
    /// The value as written: Python's icalendar and ical.js do not type
    /// these (NAME is RFC 7986, the other an X- property), so the raw value
    /// must be the TEXT escaping of the name.
    Raw,
    /// Unescaped as TEXT.
    Text,
    /// Not kept, or not in a form worth comparing.
    Dropped,
}

fn python() -> Vec<String> {
    vec![std::env::var("COURSEFEED_PYTHON").unwrap_or_else(|_| "python3".into())]
}

pub fn python_icalendar() -> Reader {
    Reader {
        name: "Python icalendar",
        command: python(),
        script: "tests/interop/read_with_python_icalendar.py",
        env: vec![],
        names: [Name::Raw, Name::Raw],
        lossy_backslashes: false,
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
        command: vec!["node".into()],
        script: "tests/interop/read_with_icaljs.mjs",
        env: vec![("ICALJS_DIR", modules)],
        names: [Name::Raw, Name::Raw],
        lossy_backslashes: false,
    }
}

pub fn vobject() -> Reader {
    Reader {
        name: "Python vobject",
        command: python(),
        script: "tests/interop/read_with_vobject.py",
        env: vec![],
        names: [Name::Text, Name::Text],
        lossy_backslashes: false,
    }
}

/// libical 3 (GNOME, Evolution) through Debian's python3 and GObject introspection.
pub fn libical() -> Reader {
    Reader {
        name: "libical",
        command: vec!["/usr/bin/python3".into()],
        script: "tests/interop/read_with_libical.py",
        env: vec![],
        // An X- property's value is unescaped only in part (`\,` and `\;`,
        // not `\\`), so X-WR-CALNAME is not compared.
        names: [Name::Raw, Name::Dropped],
        lossy_backslashes: false,
    }
}

/// Ruby's icalendar gem 2.8 (Debian's ruby-icalendar).
pub fn ruby_icalendar() -> Reader {
    Reader {
        name: "Ruby icalendar",
        command: vec!["ruby".into()],
        script: "tests/interop/read_with_ruby_icalendar.rb",
        env: vec![],
        names: [Name::Dropped, Name::Text],
        lossy_backslashes: false,
    }
}

/// sabre/vobject (Debian's php-sabre-vobject). It takes zone rules from
/// PHP's database, which Debian's PHP reads from /usr/share/zoneinfo and no
/// other place: in a mount namespace of its own, that folder is the pinned
/// fixture, so PHP uses the rules the feed was built with.
pub fn sabre_vobject() -> Reader {
    let fixture = super::zoneinfo(super::TZDATA).display().to_string();
    Reader {
        name: "sabre/vobject",
        command: vec![
            "unshare".into(),
            "--mount".into(),
            "sh".into(),
            "-c".into(),
            "mount --bind \"$0\" /usr/share/zoneinfo && exec php \"$@\"".into(),
            fixture,
        ],
        script: "tests/interop/read_with_sabre_vobject.php",
        env: vec![],
        names: [Name::Text, Name::Text],
        // sabre/vobject 2.1 unescapes `\n` before `\\`, so an escaped
        // backslash followed by `n` comes back as a backslash and a newline.
        lossy_backslashes: true,
    }
}

/// Build `schedule`, read it with `reader`, and compare with the model.
pub fn agree(reader: &Reader, schedule: &Path) {
    let ics = super::build(schedule);
    let schedule = coursefeed::load_path(schedule, super::tzdb())
        .expect("valid")
        .schedule;
    agree_on(reader, &ics, &schedule);
}

/// Read the feed `ics` with `reader` and compare with `schedule`, the
/// events it should hold.
pub fn agree_on(reader: &Reader, ics: &str, schedule: &coursefeed::Schedule) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.ics");
    std::fs::write(&path, ics).expect("write");
    let out = Command::new(&reader.command[0])
        .args(&reader.command[1..])
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
    for (property, form) in ["NAME", "X-WR-CALNAME"].into_iter().zip(reader.names) {
        let expected = match form {
            Name::Raw => serde_json::json!(coursefeed::ics::escape_text(&schedule.course.name)),
            Name::Text => serde_json::json!(schedule.course.name),
            Name::Dropped => continue,
        };
        assert_eq!(
            seen["names"][property], expected,
            "{}: {property}",
            reader.name
        );
    }
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
            // Our instants are the tz database's, read apart from coursefeed.
            assert_eq!(
                Some(s.starts_at),
                super::truth(s.timezone.name(), s.local_start()),
                "{label}: start in the tz database"
            );
            assert_eq!(
                Some(s.ends_at),
                super::truth(s.timezone.name(), s.local_end()),
                "{label}: end in the tz database"
            );
            (
                s.starts_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                s.ends_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            )
        };
        assert_eq!(e["start"], start.as_str(), "{label} start");
        assert_eq!(e["end"], end.as_str(), "{label} end");
        let text = [
            feed::summary(s),
            feed::description(s),
            feed::location(s).unwrap_or_default(),
            s.kind.clone(),
        ];
        if reader.lossy_backslashes && text.iter().any(|t| t.contains('\\')) {
            continue;
        }
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
