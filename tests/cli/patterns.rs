//! Meeting patterns: the seed written as one pattern, holidays, moved and
//! cancelled occurrences, and the errors that name the pattern's line.

use crate::common::{self, parse, root, run, Event, Test};

fn pattern_yaml() -> String {
    std::fs::read_to_string(root().join("data/schedule-pattern.yaml")).expect("pattern data")
}

/// The feed's events by UID, each with its whole VEVENT text.
fn events_by_uid(ics: &str) -> std::collections::BTreeMap<String, String> {
    ics.split("BEGIN:VEVENT\r\n")
        .skip(1)
        .map(|e| {
            let e = e.split("END:VEVENT\r\n").next().unwrap_or_default();
            let uid = e
                .lines()
                .find_map(|l| l.strip_prefix("UID:"))
                .expect("UID")
                .to_owned();
            (uid, e.to_owned())
        })
        .collect()
}

/// Build `yaml` as `s.yaml` into `s.ics` in `dir` at `epoch`; the stdout.
fn build_in(dir: &std::path::Path, yaml: &str, epoch: &str) -> String {
    std::fs::write(dir.join("s.yaml"), yaml).expect("write");
    let o = common::run_at(dir, &["build", "s.yaml", "-o", "s.ics"], Some(epoch));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("utf8")
}

// Test that the seed written as one pattern (data/schedule-pattern.yaml)
// gives the feed of data/schedule.yaml: the same UIDs, instants,
// summaries and descriptions, byte for byte, and `check` says what the
// pattern expanded to.
#[test]
fn seed_as_a_pattern_is_the_same_feed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let shipped = std::fs::read_to_string(root().join("data/schedule.yaml"))
        .expect("data")
        .replace("  output: ../public/schedule.md", "  output: page.md");
    build_in(d, &shipped, common::EPOCH);
    let from_list = std::fs::read_to_string(d.join("s.ics")).expect("feed");
    std::fs::remove_file(d.join("s.ics")).expect("remove");
    build_in(d, &pattern_yaml(), common::EPOCH);
    let from_pattern = std::fs::read_to_string(d.join("s.ics")).expect("feed");
    let meaning = |ics: &str| -> Vec<(String, String, String, String, String)> {
        parse(ics)
            .into_iter()
            .map(|e: Event| {
                (
                    e.uid,
                    e.start.to_rfc3339(),
                    e.end.to_rfc3339(),
                    e.summary,
                    e.description,
                )
            })
            .collect()
    };
    let events = meaning(&from_pattern);
    assert_eq!(events.len(), 18);
    assert_eq!(events[0].0, "fid3024-ht2020-lecture-1@coursefeed");
    assert_eq!(events[0].1, "2020-09-28T13:00:00+00:00", "15:00 CEST");
    assert_eq!(events[11].0, "fid3024-ht2020-discussion-6@coursefeed");
    assert_eq!(events[11].1, "2020-12-14T14:00:00+00:00", "15:00 CET");
    assert_eq!(events, meaning(&from_list));
    assert_eq!(from_pattern, from_list, "byte for byte");

    Test::new()
        .file("s.yaml", pattern_yaml())
        .args(["check", "s.yaml"])
        .stdout(
            "s.yaml: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18; tz database 2026f (TZDIR)\n  \
             pattern 1 (Monday, 2020-09-28 to 2020-12-14): 12 sessions",
        )
        .success();
}

// Test that a holiday added in week 5 (Oct. 26) changes exactly that
// occurrence: Lecture 3 is published cancelled, with the holiday's name,
// SEQUENCE 1; every other event keeps its bytes, and later sessions keep
// their kinds and numbers.
#[test]
fn holiday_changes_only_its_occurrence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    build_in(d, &pattern_yaml(), common::EPOCH);
    let before = events_by_uid(&std::fs::read_to_string(d.join("s.ics")).expect("feed"));
    let with_holiday = pattern_yaml().replacen(
        "patterns:\n",
        "holidays:\n  - {date: 2020-10-26, name: Autumn break}\n\npatterns:\n",
        1,
    );
    let stdout = build_in(d, &with_holiday, "1700000000");
    assert_eq!(
        stdout,
        "cancelled  Lecture 3: Distributed learning: model-parallelization (Mon 2020-10-26 15:00): note added \"No class: Autumn break.\"\n\
         0 added, 1 changed, 0 removed, 17 unchanged\n\
         s.ics: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18; tz database 2026f (TZDIR) (written)\n"
    );
    let after = events_by_uid(&std::fs::read_to_string(d.join("s.ics")).expect("feed"));
    assert_eq!(after.len(), before.len());
    let changed: Vec<&String> = after
        .iter()
        .filter(|(uid, text)| before.get(*uid) != Some(*text))
        .map(|(uid, _)| uid)
        .collect();
    assert_eq!(changed, vec!["fid3024-ht2020-lecture-3@coursefeed"]);
    let lecture3 = &after["fid3024-ht2020-lecture-3@coursefeed"];
    assert!(lecture3.contains("\r\nSEQUENCE:1\r\n"), "{lecture3}");
    assert!(lecture3.contains("\r\nSTATUS:CANCELLED\r\n"), "{lecture3}");
    assert!(lecture3.contains("No class: Autumn break."), "{lecture3}");
    assert!(
        lecture3.contains("\r\nSUMMARY:Cancelled: Lecture 3: "),
        "{lecture3}"
    );
}

// Test that moving one occurrence across the October DST change keeps its
// UID and bumps only its SEQUENCE: Discussion 2, Monday Oct. 19 15:00 CEST
// (13:00Z), moves to Tuesday Oct. 27 15:00 CET (14:00Z).
#[test]
fn moved_occurrence_keeps_its_uid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    build_in(d, &pattern_yaml(), common::EPOCH);
    let before = events_by_uid(&std::fs::read_to_string(d.join("s.ics")).expect("feed"));
    let moved = pattern_yaml().replacen(
        "      2020-10-19:\n",
        "      2020-10-19:\n        date: 2020-10-27\n",
        1,
    );
    let stdout = build_in(d, &moved, "1700000000");
    assert_eq!(
        stdout,
        "moved      Discussion 2: Distributed learning: data-parallelization (Mon 2020-10-19 15:00 -> Tue 2020-10-27 15:00)\n\
         0 added, 1 changed, 0 removed, 17 unchanged\n\
         s.ics: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18; tz database 2026f (TZDIR) (written)\n"
    );
    let text = std::fs::read_to_string(d.join("s.ics")).expect("feed");
    let after = events_by_uid(&text);
    let changed: Vec<&String> = after
        .iter()
        .filter(|(uid, t)| before.get(*uid) != Some(*t))
        .map(|(uid, _)| uid)
        .collect();
    assert_eq!(changed, vec!["fid3024-ht2020-discussion-2@coursefeed"]);
    let e = parse(&text)
        .into_iter()
        .find(|e| e.uid == "fid3024-ht2020-discussion-2@coursefeed")
        .expect("moved event");
    assert_eq!(e.start.to_rfc3339(), "2020-10-27T14:00:00+00:00");
    assert_eq!(e.sequence, 1);
}

// Test that ending a pattern earlier removes its last sessions, which the
// build refuses as any removal, naming them.
#[test]
fn shorter_pattern_is_a_removal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    build_in(d, &pattern_yaml(), common::EPOCH);
    let shorter = pattern_yaml()
        .replacen("until: 2020-12-14", "until: 2020-12-07", 1)
        .replacen(
            "      2020-12-14:\n        topic: ML platforms, e.g., TensorFlow, Ray, Mllib\n",
            "",
            1,
        );
    std::fs::write(d.join("s.yaml"), shorter).expect("write");
    let o = run(d, &["build", "s.yaml", "-o", "s.ics"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: 1 session published in `s.ics` is missing from the schedule; subscribers would silently lose it:\n  \
         - Discussion 6: ML platforms, e.g., TensorFlow, Ray, Mllib (UID fid3024-ht2020-discussion-6@coursefeed)\n  \
         hint: to call a session off, keep it with `status: cancelled`; to drop it anyway, run again with --allow-removal\n"
    );
}

const SMALL: &str = "course: {name: T, timezone: Europe/Stockholm}
patterns:
  - days: [Mon, Wednesday]
    from: 2020-09-28
    until: 2020-10-07
    kinds: [Lab]
    start: \"15:00\"
    end: \"17:00\"
";

// Test a pattern on two weekdays with a skipped day: one kind numbered in
// date order, the skipped day cancelled with its slot kept.
#[test]
fn two_weekdays_and_a_skipped_day() {
    let yaml = SMALL.replacen(
        "    kinds: [Lab]\n",
        "    kinds: [Lab]\n    skip: [2020-09-30]\n",
        1,
    );
    let done = Test::new()
        .schedule(&yaml)
        .args(["build", "schedule.yaml"])
        .stdout(
            "added      Lab 1 (2020-09-28 15:00)\n\
             added      Cancelled: Lab 2 (2020-09-30 15:00)\n\
             added      Lab 3 (2020-10-05 15:00)\n\
             added      Lab 4 (2020-10-07 15:00)\n\
             4 added, 0 changed, 0 removed, 0 unchanged\n\
             public/schedule.ics: 4 sessions, 2020-09-28 to 2020-10-07; tz database 2026f (TZDIR) (written)",
        )
        .success();
    let events = parse(&done.read("public/schedule.ics"));
    assert_eq!(events[1].status.as_deref(), Some("CANCELLED"));
    assert!(events[1].description.contains("No class this week."));
}

// Test the mistakes a pattern invites, each reported at its own line with
// advice: `until` before `from`, a skipped day the pattern does not meet,
// an occurrence on a day it does not meet, a number set in an occurrence,
// a weekday misspelt.
#[test]
fn pattern_mistakes_name_their_line() {
    for (from, to, expected) in [
        (
            "    until: 2020-10-07\n",
            "    until: 2020-09-01\n",
            "error: schedule.yaml:5:5: pattern 1, field `until`: `until` (2020-09-01) is before `from` (2020-09-28)\n 5 |     until: 2020-09-01",
        ),
        (
            "    kinds: [Lab]\n",
            "    kinds: [Lab]\n    skip: [2020-09-29]\n",
            "error: schedule.yaml:7:12: pattern 1, field `skip`: 2020-09-29 is not one of the pattern's days\n 7 |     skip: [2020-09-29]\n  hint: use a date the pattern meets: one of its `days` between `from` and `until`",
        ),
        (
            "    end: \"17:00\"\n",
            "    end: \"17:00\"\n    occurrences:\n      2020-10-06: {topic: X}\n",
            "error: schedule.yaml:10:7: pattern 1, field `occurrences`: 2020-10-06 is not one of the pattern's days\n 10 |       2020-10-06: {topic: X}\n  hint: use a date the pattern meets: one of its `days` between `from` and `until`",
        ),
        (
            "    end: \"17:00\"\n",
            "    end: \"17:00\"\n    occurrences:\n      2020-10-05: {number: 7}\n",
            "error: schedule.yaml:10:20: pattern 1, field `number`: an occurrence's `number` is set by the pattern\n 10 |       2020-10-05: {number: 7}\n  hint: kinds and numbers come from the pattern's `kinds`; change the pattern, or take the session out into `sessions:`",
        ),
        (
            "[Mon, Wednesday]",
            "[Mon, Wendsday]",
            "error: schedule.yaml:3:17: pattern 1, field `days`: `Wendsday` is not a weekday\n 3 |   - days: [Mon, Wendsday]\n  hint: write Monday ... Sunday, or Mon ... Sun",
        ),
    ] {
        assert!(SMALL.contains(from), "{from}");
        Test::new()
            .schedule(&SMALL.replacen(from, to, 1))
            .args(["check", "schedule.yaml"])
            .stderr(expected)
            .failure();
    }
}

// Test that a problem of one occurrence is reported at the occurrence that
// set the value, and one from the pattern at the pattern's line.
#[test]
fn occurrence_problems_point_at_the_occurrence() {
    let yaml = SMALL.replacen(
        "    end: \"17:00\"\n",
        "    end: \"17:00\"\n    occurrences:\n      2020-10-05:\n        start: \"25:00\"\n",
        1,
    );
    Test::new()
        .schedule(&yaml)
        .args(["check", "schedule.yaml"])
        .stderr(
            "error: schedule.yaml:11:9: Lab 3, field `start`: `25:00` is not a time of day\n 11 |         start: \"25:00\"\n  \
             hint: write times as HH:MM from 00:00 to 23:59, e.g. \"15:00\"",
        )
        .failure();
    Test::new()
        .schedule(&SMALL.replacen("    start: \"15:00\"\n", "    start: \"18:00\"\n", 1))
        .args(["check", "schedule.yaml"])
        .stderr(
            "error: schedule.yaml:8:5: Lab 1, field `end`: ends at 17:00, which is not after its start at 18:00\n 8 |     end: \"17:00\"\n\
             error: schedule.yaml:8:5: Lab 2, field `end`: ends at 17:00, which is not after its start at 18:00\n 8 |     end: \"17:00\"\n\
             error: schedule.yaml:8:5: Lab 3, field `end`: ends at 17:00, which is not after its start at 18:00\n 8 |     end: \"17:00\"\n\
             error: schedule.yaml:8:5: Lab 4, field `end`: ends at 17:00, which is not after its start at 18:00\n 8 |     end: \"17:00\"\n\
             4 problems found; nothing was written",
        )
        .failure();
}
