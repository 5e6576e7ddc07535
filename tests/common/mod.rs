//! Helpers shared by the integration tests: run the real binary, and read a
//! feed back with the `icalendar` crate's parser, resolving local times
//! through the feed's own VTIMEZONE the way a calendar app does.

#![allow(dead_code)]

pub mod readers;

use std::path::{Path, PathBuf};
use std::process::Output;

use chrono::{DateTime, NaiveDateTime, Utc};

/// A fixed build time so outputs are comparable.
pub const EPOCH: &str = "1600000000";

/// The repository root (where data/ lives).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `coursefeed` with `args` in `dir`, at the fixed build time.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_at(dir, args, Some(EPOCH))
}

/// Run `coursefeed` with `args` in `dir`; `epoch` sets SOURCE_DATE_EPOCH, None uses the clock.
pub fn run_at(dir: &Path, args: &[&str], epoch: Option<&str>) -> Output {
    let mut cmd = assert_cmd::Command::cargo_bin("coursefeed").expect("binary built");
    cmd.current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .args(args);
    if let Some(e) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", e);
    }
    cmd.output().expect("binary runs")
}

/// Build `schedule` to a feed in a fresh temp dir and return the feed text.
pub fn build(schedule: &Path) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("feed.ics");
    let o = run(
        &root(),
        &[
            "build",
            schedule.to_str().expect("utf8"),
            "-o",
            out.to_str().expect("utf8"),
        ],
    );
    assert!(
        o.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(out).expect("feed written")
}

/// Build YAML given as text.
pub fn build_yaml(yaml: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("schedule.yaml");
    std::fs::write(&path, yaml).expect("write fixture");
    build(&path)
}

/// One event as a subscriber's app would see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub uid: String,
    pub sequence: u32,
    pub dtstamp: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    pub status: Option<String>,
    pub categories: Vec<String>,
    pub props: Vec<(String, String)>,
}

impl Event {
    /// The raw value of property `name`.
    pub fn prop(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Observance {
    onset_local: NaiveDateTime,
    from: i32,
    to: i32,
}

fn offset(s: &str) -> i32 {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let d = &s[1..];
    let h: i32 = d[0..2].parse().expect("hours");
    let m: i32 = d[2..4].parse().expect("minutes");
    let sec: i32 = if d.len() >= 6 {
        d[4..6].parse().expect("seconds")
    } else {
        0
    };
    sign * (h * 3600 + m * 60 + sec)
}

fn prop<'a>(
    c: &'a icalendar::parser::Component<'a>,
    name: &str,
) -> Option<&'a icalendar::parser::Property<'a>> {
    c.properties.iter().find(|p| p.name.as_str() == name)
}

/// Parse `ics` with the icalendar crate and resolve every event to UTC
/// using the VTIMEZONEs in the feed (RFC 5545 §3.6.5), not a zone database.
pub fn parse(ics: &str) -> Vec<Event> {
    let unfolded = icalendar::parser::unfold(ics);
    let cals = icalendar::parser::read_calendar(&unfolded).expect("feed parses");
    let mut zones: std::collections::HashMap<String, Vec<Observance>> = Default::default();
    for c in &cals.components {
        if c.name.as_str() == "VTIMEZONE" {
            let tzid = prop(c, "TZID").expect("TZID").val.as_str().to_owned();
            let obs = c
                .components
                .iter()
                .map(|o| Observance {
                    onset_local: NaiveDateTime::parse_from_str(
                        prop(o, "DTSTART").expect("DTSTART").val.as_str(),
                        "%Y%m%dT%H%M%S",
                    )
                    .expect("local DTSTART"),
                    from: offset(prop(o, "TZOFFSETFROM").expect("from").val.as_str()),
                    to: offset(prop(o, "TZOFFSETTO").expect("to").val.as_str()),
                })
                .collect();
            zones.insert(tzid, obs);
        }
    }
    let resolve = |p: &icalendar::parser::Property| -> DateTime<Utc> {
        let v = p.val.as_str();
        if v.len() == 8 {
            // A DATE value (all day): its day at midnight UTC, for comparison.
            let d = chrono::NaiveDate::parse_from_str(v, "%Y%m%d").expect("DATE value");
            return d.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        }
        if let Some(utc) = v.strip_suffix('Z') {
            return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
                .expect("utc")
                .and_utc();
        }
        let tzid = p
            .params
            .iter()
            .find(|x| x.key.as_str() == "TZID")
            .and_then(|x| x.val.as_ref())
            .map(|x| x.as_str().to_owned())
            .expect("never floating: a TZID or Z");
        let local = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S").expect("local time");
        let obs = zones
            .get(&tzid)
            .unwrap_or_else(|| panic!("VTIMEZONE for {tzid}"));
        // The observance in effect: the latest onset (in UTC) not after the
        // instant; try each candidate offset, earliest instant first (§3.3.5).
        let mut candidates: Vec<i32> = obs.iter().map(|o| o.to).collect();
        candidates.sort();
        candidates.dedup();
        candidates.reverse(); // larger offset = earlier instant
        for off in candidates {
            let instant = local - chrono::Duration::seconds(off.into());
            let active = obs
                .iter()
                .filter(|o| o.onset_local - chrono::Duration::seconds(o.from.into()) <= instant)
                .max_by_key(|o| o.onset_local - chrono::Duration::seconds(o.from.into()))
                .expect("an observance covers the event");
            if active.to == off {
                return instant.and_utc();
            }
        }
        panic!("{local} does not exist in {tzid}");
    };
    // The parser already unescapes TEXT values by type; CATEGORIES comes raw.
    let text = |c: &icalendar::parser::Component, name: &str| {
        prop(c, name).map(|p| p.val.as_str().to_owned())
    };
    cals.components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .map(|c| Event {
            uid: text(c, "UID").expect("UID"),
            sequence: text(c, "SEQUENCE").map_or(0, |s| s.parse().expect("SEQUENCE")),
            dtstamp: text(c, "DTSTAMP").expect("DTSTAMP"),
            start: resolve(prop(c, "DTSTART").expect("DTSTART")),
            end: resolve(prop(c, "DTEND").expect("DTEND")),
            summary: text(c, "SUMMARY").expect("SUMMARY"),
            description: text(c, "DESCRIPTION").unwrap_or_default(),
            location: text(c, "LOCATION"),
            status: text(c, "STATUS"),
            categories: c
                .properties
                .iter()
                .filter(|p| p.name.as_str() == "CATEGORIES")
                .flat_map(|p| split_list(p.val.as_str()))
                .collect(),
            props: c
                .properties
                .iter()
                .map(|p| (p.name.as_str().to_owned(), p.val.as_str().to_owned()))
                .collect(),
        })
        .collect()
}

/// TEXT unescaping (RFC 5545 §3.3.11).
pub fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A TEXT list split at unescaped commas, each item unescaped.
pub fn split_list(v: &str) -> Vec<String> {
    let mut items = vec![String::new()];
    let mut escaped = false;
    for c in v.chars() {
        match (escaped, c) {
            (false, '\\') => {
                escaped = true;
                items.last_mut().expect("item").push(c);
            }
            (false, ',') => items.push(String::new()),
            _ => {
                escaped = false;
                items.last_mut().expect("item").push(c);
            }
        }
    }
    items.iter().map(|i| unescape(i)).collect()
}
