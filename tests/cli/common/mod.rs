//! Helpers shared by the integration tests: run the real binary, and read a
//! feed back with the `icalendar` crate's parser, resolving local times
//! through the feed's own VTIMEZONE the way a calendar app does.

pub mod readers;
mod test;

pub use test::Test;

use std::path::{Path, PathBuf};
use std::process::Output;

use chrono::{DateTime, NaiveDateTime, Utc};

/// A fixed build time so outputs are comparable.
pub const EPOCH: &str = "1600000000";

/// The repository root (where data/ lives).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The course's published page (fid3024.github.io), the reference that
/// data/schedule.yaml reproduces.
pub fn seed() -> PathBuf {
    root().join("tests/fixtures/seed_schedule.md")
}

/// A file's text; a missing file fails the test, naming it.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Run `coursefeed` with `args` in `dir`, at the fixed build time.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_at(dir, args, Some(EPOCH))
}

/// Put the shipped schedule in `dir` as `schedule.yaml`, its page beside it
/// in `dir/public/` (the shipped file's `page.output` is relative to data/).
pub fn shipped_schedule_in(dir: &Path) {
    let yaml = std::fs::read_to_string(root().join("data/schedule.yaml")).expect("data");
    assert!(yaml.contains("output: ../public/schedule.md"));
    let yaml = yaml.replacen(
        "output: ../public/schedule.md",
        "output: public/schedule.md",
        1,
    );
    std::fs::write(dir.join("schedule.yaml"), yaml).expect("write schedule");
}

/// The tz database release every test runs with, whatever the machine has.
pub const TZDATA: &str = "2026f";

/// A zoneinfo folder from the PyPI `tzdata` package: `2025b` or `2026f`.
pub fn zoneinfo(version: &str) -> PathBuf {
    root().join("tests/fixtures/zoneinfo").join(version)
}

/// The pinned rules, for tests that call the library directly.
pub fn tzdb() -> &'static coursefeed::TzDatabase {
    static DB: std::sync::OnceLock<coursefeed::TzDatabase> = std::sync::OnceLock::new();
    DB.get_or_init(|| {
        coursefeed::TzDatabase::from_dir(&zoneinfo(TZDATA)).expect("fixture zoneinfo")
    })
}

/// What the pinned tz database itself says a local time in `zone` is, read
/// with jiff straight from the fixture, not through coursefeed: the earlier
/// instant at a fold, None in a gap.
pub fn truth(zone: &str, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    truth_in(TZDATA, zone, local)
}

/// [`truth`] under another release of the rules.
pub fn truth_in(version: &str, zone: &str, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    use chrono::{Datelike, Timelike};
    let db = jiff::tz::TimeZoneDatabase::from_dir(zoneinfo(version)).expect("fixture");
    let tz = db.get(zone).expect("zone in fixture");
    let dt = jiff::civil::DateTime::new(
        local.year() as i16,
        local.month() as i8,
        local.day() as i8,
        local.hour() as i8,
        local.minute() as i8,
        local.second() as i8,
        0,
    )
    .expect("civil time");
    let ambiguous = tz.to_ambiguous_timestamp(dt);
    if matches!(ambiguous.offset(), jiff::tz::AmbiguousOffset::Gap { .. }) {
        return None;
    }
    let t = ambiguous.earlier().expect("instant");
    DateTime::from_timestamp(t.as_second(), 0)
}

/// Run `coursefeed` with `args` in `dir`; `epoch` sets SOURCE_DATE_EPOCH, None uses the clock.
pub fn run_at(dir: &Path, args: &[&str], epoch: Option<&str>) -> Output {
    run_with(dir, args, epoch, &zoneinfo(TZDATA))
}

/// Run `coursefeed` with the rules in `tzdir` (`TZDIR`).
pub fn run_with(dir: &Path, args: &[&str], epoch: Option<&str>, tzdir: &Path) -> Output {
    let mut cmd = assert_cmd::Command::cargo_bin("coursefeed").expect("binary built");
    cmd.current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("TZDIR", tzdir)
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
    /// `(month, ordinal, weekday, until)` of `RRULE:FREQ=YEARLY;BYMONTH;BYDAY`.
    yearly: Option<(u32, i32, chrono::Weekday, Option<NaiveDateTime>)>,
    /// Further onsets (`RDATE`), local wall time before each, like DTSTART.
    rdates: Vec<NaiveDateTime>,
}

impl Observance {
    /// Every onset in UTC up to `limit`, found by walking each day of the
    /// rule's month: a plain reading of RFC 5545 §3.3.10, kept apart from
    /// the library's date arithmetic on purpose.
    fn onsets(&self, limit: NaiveDateTime) -> Vec<NaiveDateTime> {
        use chrono::Datelike;
        let utc = |local: NaiveDateTime| local - chrono::Duration::seconds(self.from.into());
        let mut out = vec![utc(self.onset_local)];
        out.extend(self.rdates.iter().map(|&r| utc(r)));
        let Some((month, ordinal, weekday, until)) = self.yearly else {
            return out;
        };
        for year in self.onset_local.year()..=limit.year() {
            let days: Vec<chrono::NaiveDate> = (1..=31)
                .filter_map(|d| chrono::NaiveDate::from_ymd_opt(year, month, d))
                .filter(|d| d.weekday() == weekday)
                .collect();
            let day = match ordinal {
                -1 => days.last(),
                n => days.get(usize::try_from(n - 1).expect("ordinal")),
            };
            let Some(day) = day else { continue };
            let at = utc(day.and_time(self.onset_local.time()));
            if at > utc(self.onset_local) && until.is_none_or(|u| at <= u) && at <= limit {
                out.push(at);
            }
        }
        out
    }
}

/// `FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU[;UNTIL=...Z]`, the only form we write.
fn yearly(rrule: &str) -> (u32, i32, chrono::Weekday, Option<NaiveDateTime>) {
    let part = |k: &str| {
        rrule
            .split(';')
            .find_map(|p| p.strip_prefix(&format!("{k}=")[..]))
    };
    assert_eq!(part("FREQ"), Some("YEARLY"), "{rrule}");
    let month = part("BYMONTH").expect("BYMONTH").parse().expect("month");
    let byday = part("BYDAY").expect("BYDAY");
    let (n, day) = byday.split_at(byday.len() - 2);
    let weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        .iter()
        .position(|d| *d == day)
        .map(|i| chrono::Weekday::try_from(i as u8).expect("weekday"))
        .expect("weekday");
    let until = part("UNTIL").map(|u| {
        NaiveDateTime::parse_from_str(u.trim_end_matches('Z'), "%Y%m%dT%H%M%S").expect("UNTIL")
    });
    (month, n.parse().expect("ordinal"), weekday, until)
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
                    yearly: prop(o, "RRULE").map(|r| yearly(r.val.as_str())),
                    rdates: o
                        .properties
                        .iter()
                        .filter(|p| p.name.as_str() == "RDATE")
                        .flat_map(|p| p.val.as_str().split(','))
                        .map(|v| {
                            NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S").expect("local RDATE")
                        })
                        .collect(),
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
                .filter_map(|o| {
                    let last = o
                        .onsets(instant)
                        .into_iter()
                        .filter(|t| *t <= instant)
                        .max()?;
                    Some((last, o.to))
                })
                .max_by_key(|(t, _)| *t)
                .expect("an observance covers the event");
            if active.1 == off {
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
