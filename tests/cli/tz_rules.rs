//! Time zone rules through the real binary: where they come from, what the
//! feed records, and what happens to a published feed when they change.
//! Every run pins the rules with TZDIR to a zoneinfo fixture (PyPI tzdata
//! 2025.2 = 2025b, 2026.6 = 2026f), so the results hold on any machine.

use crate::common;

use std::path::Path;

use crate::common::{parse, run_with, truth_in, zoneinfo, Event};

const T1: &str = "1780000000"; // 2026-05-28, the build with the old rules
const T2: &str = "1790000000"; // 2026-09-21T14:13:20Z, the rebuild with the new ones

fn stdout(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A course folder holding the Vancouver schedule.
fn vancouver() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        common::root().join("tests/fixtures/vancouver_2026.yaml"),
        dir.path().join("schedule.yaml"),
    )
    .expect("copy");
    dir
}

fn build_under(dir: &Path, version: &str, epoch: &str) -> std::process::Output {
    run_with(
        dir,
        &["build", "schedule.yaml"],
        Some(epoch),
        &zoneinfo(version),
    )
}

fn feed(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("public/schedule.ics")).expect("feed")
}

/// The event's lines as published, between BEGIN and END:VEVENT.
fn event_text<'a>(ics: &'a str, uid: &str) -> &'a str {
    let at = ics.find(&format!("UID:{uid}")).expect("event");
    let begin = ics[..at].rfind("BEGIN:VEVENT").expect("begin");
    let end = at + ics[at..].find("END:VEVENT").expect("end");
    &ics[begin..end]
}

/// Test that a course's instants follow the rules in TZDIR: under 2025b the
/// sessions from Nov. 2 are at 15:00 PST (23:00Z), under 2026f at 15:00 -07
/// (22:00Z), and both agree with the tz database itself.
#[test]
fn instants_follow_the_rules_in_tzdir() {
    for (version, late) in [("2025b", "23:00"), ("2026f", "22:00")] {
        let dir = vancouver();
        stdout(&build_under(dir.path(), version, T1));
        let events = parse(&feed(dir.path()));
        assert_eq!(events.len(), 7);
        let days = [
            "2026-09-14",
            "2026-09-28",
            "2026-10-12",
            "2026-10-26",
            "2026-11-02",
            "2026-11-16",
            "2026-11-30",
        ];
        for (e, day) in events.iter().zip(days) {
            let day: chrono::NaiveDate = day.parse().expect("date");
            let expected = truth_in(
                version,
                "America/Vancouver",
                day.and_hms_opt(15, 0, 0).expect("time"),
            )
            .expect("exists");
            assert_eq!(e.start, expected, "{version} {}", e.summary);
        }
        let l6 = events
            .iter()
            .find(|e| e.summary.starts_with("Lecture 6"))
            .expect("L6");
        assert_eq!(l6.start.format("%H:%M").to_string(), late, "{version}");
        let l1 = &events[0];
        assert_eq!(
            l1.start.format("%H:%M").to_string(),
            "22:00",
            "PDT in September"
        );
    }
}

/// Test that the feed records the release it was built with, and that a
/// course in autumn 2026 under 2026f gets a single STANDARD observance:
/// British Columbia no longer changes its clocks.
#[test]
fn feed_records_the_release_and_a_fixed_zone() {
    let dir = vancouver();
    stdout(&build_under(dir.path(), "2026f", T1));
    let ics = feed(dir.path());
    assert!(ics.contains("\r\nX-COURSEFEED-TZDATA:2026f\r\n"), "{ics}");
    let zone = &ics[ics.find("BEGIN:VTIMEZONE").expect("zone")..];
    let zone = &zone[..zone.find("END:VTIMEZONE").expect("end")];
    assert_eq!(
        zone,
        "BEGIN:VTIMEZONE\r\nTZID:America/Vancouver\r\nX-LIC-LOCATION:America/Vancouver\r\n\
         BEGIN:STANDARD\r\nDTSTART:20260308T030000\r\nTZOFFSETFROM:-0700\r\n\
         TZOFFSETTO:-0700\r\nTZNAME:PDT\r\nEND:STANDARD\r\n"
    );
}

/// Test the rebuild after a tz database update: exactly the sessions the new
/// rules move get SEQUENCE + 1 and a new LAST-MODIFIED, the report says why
/// with the old and new UTC times, and every other event keeps its bytes.
#[test]
fn new_rules_are_a_schedule_change() {
    let dir = vancouver();
    stdout(&build_under(dir.path(), "2025b", T1));
    let before = feed(dir.path());
    assert!(before.contains("\r\nX-COURSEFEED-TZDATA:2025b\r\n"));

    let out = stdout(&build_under(dir.path(), "2026f", T2));
    assert_eq!(
        out,
        "tz rules   published with tz database 2025b, built with tz database 2026f: 3 events move\n\
         moved      (time zone rules) Lecture 5: Transactions: 2026-11-02 23:00Z -> 2026-11-02 22:00Z\n\
         moved      (time zone rules) Lecture 6: Time zones: 2026-11-16 23:00Z -> 2026-11-16 22:00Z\n\
         moved      (time zone rules) Lecture 7: Review: 2026-11-30 23:00Z -> 2026-11-30 22:00Z\n\
         0 added, 3 changed, 0 removed, 4 unchanged\n\
         public/schedule.ics: 7 sessions, 2026-09-14 to 2026-11-30; tz database 2026f (TZDIR) (written)\n"
    );
    let after = feed(dir.path());
    let events: Vec<Event> = parse(&after);
    for e in &events {
        let moved = ["Lecture 5", "Lecture 6", "Lecture 7"]
            .iter()
            .any(|l| e.summary.starts_with(l));
        assert_eq!(e.sequence, u32::from(moved), "{}", e.summary);
        if moved {
            assert_eq!(
                e.prop("LAST-MODIFIED"),
                Some("20260921T141320Z"),
                "{}",
                e.summary
            );
            assert_eq!(e.start.format("%H:%M").to_string(), "22:00");
        } else {
            assert_eq!(
                event_text(&before, &e.uid),
                event_text(&after, &e.uid),
                "{}",
                e.summary
            );
        }
    }

    // Once published with the new rules, a rebuild changes nothing.
    let out = stdout(&build_under(dir.path(), "2026f", "1800000000"));
    assert!(
        out.starts_with("0 added, 0 changed, 0 removed, 7 unchanged\n"),
        "{out}"
    );
    assert_eq!(feed(dir.path()), after);
}

/// Test that the same rebuild in JSON names the reason and both releases.
#[test]
fn json_report_names_the_rules() {
    let dir = vancouver();
    stdout(&build_under(dir.path(), "2025b", T1));
    let out = stdout(&run_with(
        dir.path(),
        &["build", "schedule.yaml", "--dry-run", "--format", "json"],
        Some(T2),
        &zoneinfo("2026f"),
    ));
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        json["tzdata"],
        serde_json::json!({"version": "2026f", "source": "TZDIR"})
    );
    assert_eq!(
        json["report"]["tzdata"],
        serde_json::json!({"published": "2025b", "current": "2026f", "moved": 3})
    );
    assert_eq!(
        json["report"]["changed"][0]["moved"],
        serde_json::json!({"from": "2026-11-02 23:00Z", "to": "2026-11-02 22:00Z", "reason": "time zone rules"})
    );
    assert_eq!(
        json["report"]["changed"][0]["fields"],
        serde_json::json!(["start", "end"])
    );
}

/// Test that `check` warns about a published feed that the current rules
/// contradict, and says nothing once it is rebuilt.
#[test]
fn check_warns_about_a_feed_built_with_older_rules() {
    let dir = vancouver();
    stdout(&build_under(dir.path(), "2025b", T1));
    let check = |version: &str| {
        run_with(
            dir.path(),
            &["check", "schedule.yaml"],
            None,
            &zoneinfo(version),
        )
    };
    let o = check("2026f");
    assert_eq!(
        stdout(&o),
        "schedule.yaml: 7 sessions, 2026-09-14 to 2026-11-30; tz database 2026f (TZDIR)\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "warning: public/schedule.ics: published with tz database 2025b, built with tz database 2026f: 3 events move\n  hint: run `coursefeed build` to publish the new times\n"
    );
    let o = check("2025b");
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    stdout(&build_under(dir.path(), "2026f", T2));
    assert_eq!(String::from_utf8_lossy(&check("2026f").stderr), "");
}

/// Test that a feed from before the release was recorded (an older
/// coursefeed, or another tool) is still checked, by its own VTIMEZONE:
/// explicit per-transition observances with PST from 2026-11-01.
#[test]
fn unrecorded_rules_are_found_by_instants() {
    let dir = vancouver();
    stdout(&build_under(dir.path(), "2026f", T1));
    let ics = feed(dir.path());
    let zone_start = ics.find("BEGIN:VTIMEZONE").expect("zone");
    let zone_end = ics.find("END:VTIMEZONE\r\n").expect("end") + "END:VTIMEZONE\r\n".len();
    let old_zone = "BEGIN:VTIMEZONE\r\nTZID:America/Vancouver\r\n\
        BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nTZNAME:PDT\r\nEND:DAYLIGHT\r\n\
        BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nTZNAME:PST\r\nEND:STANDARD\r\n\
        END:VTIMEZONE\r\n";
    let old = format!("{}{}{}", &ics[..zone_start], old_zone, &ics[zone_end..])
        .replace("X-COURSEFEED-TZDATA:2026f\r\n", "");
    std::fs::write(dir.path().join("public/schedule.ics"), old).expect("write");
    let out = stdout(&build_under(dir.path(), "2026f", T2));
    assert!(
        out.starts_with("tz rules   published with an unrecorded tz database, built with tz database 2026f: 3 events move\n"),
        "{out}"
    );
    assert!(
        out.contains("0 added, 3 changed, 0 removed, 4 unchanged\n"),
        "{out}"
    );
}

/// Test where the rules come from: TZDIR when it holds zones, else the
/// bundled copy (2026f) when TZDIR points at nothing, and the instants then
/// are the 2026f ones.
#[test]
fn bundled_rules_when_tzdir_is_empty() {
    let dir = vancouver();
    let empty = tempfile::tempdir().expect("tempdir");
    for tzdir in [empty.path().to_path_buf(), empty.path().join("missing")] {
        let o = run_with(dir.path(), &["check", "schedule.yaml"], None, &tzdir);
        assert_eq!(
            stdout(&o),
            "schedule.yaml: 7 sessions, 2026-09-14 to 2026-11-30; tz database 2026f (bundled)\n"
        );
    }
    stdout(&run_with(
        dir.path(),
        &["build", "schedule.yaml"],
        Some(T1),
        empty.path(),
    ));
    let ics = feed(dir.path());
    assert!(ics.contains("\r\nX-COURSEFEED-TZDATA:2026f\r\n"));
    let l6 = parse(&ics)
        .into_iter()
        .find(|e| e.summary.starts_with("Lecture 6"))
        .expect("L6");
    assert_eq!(
        l6.start,
        "2026-11-16T22:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .expect("t")
    );
}

/// Test that old zone names are accepted and written with their canonical
/// name, and that a misspelled one is refused with a suggestion.
#[test]
fn zone_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = |zone: &str| {
        format!("course: {{name: T, timezone: {zone}}}\nsessions:\n  - {{kind: L, number: 1, date: 2026-10-05, start: \"09:00\", end: \"10:00\"}}\n")
    };
    for (alias, canonical) in [
        ("Europe/Kiev", "Europe/Kyiv"),
        ("US/Eastern", "America/New_York"),
        ("Asia/Calcutta", "Asia/Kolkata"),
    ] {
        std::fs::write(dir.path().join("s.yaml"), yaml(alias)).expect("write");
        stdout(&run_with(
            dir.path(),
            &["build", "s.yaml", "-o", "s.ics"],
            Some(T1),
            &zoneinfo("2026f"),
        ));
        let ics = std::fs::read_to_string(dir.path().join("s.ics")).expect("feed");
        assert!(
            ics.contains(&format!("\r\nTZID:{canonical}\r\n")),
            "{alias}: {ics}"
        );
        assert!(
            ics.contains(&format!("DTSTART;TZID={canonical}:20261005T090000")),
            "{alias}"
        );
    }
    std::fs::write(dir.path().join("s.yaml"), yaml("Europe/Stokholm")).expect("write");
    let o = run_with(dir.path(), &["check", "s.yaml"], None, &zoneinfo("2026f"));
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with(
            "error: s.yaml:1:19: field `course.timezone`: unknown time zone `Europe/Stokholm`"
        ),
        "{err}"
    );
    assert!(err.contains("Europe/Stockholm"), "{err}");
}
