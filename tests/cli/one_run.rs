//! Every problem of a file in one run: an unknown field, a bad time, a day
//! the month does not have, a missing end and a misspelt zone are reported
//! together, each at its line; only a YAML syntax error stops at the first.

use crate::common::Test;

/// A tired teacher's schedule with five mistakes, one of each kind.
const FIVE_MISTAKES: &str = "course:
  name: Tired Teacher 101
  timezone: Europe/Stokholm

sessions:
  - kind: Lecture
    number: 1
    date: 2020-02-24
    start: \"10:00\"
    end: \"12:00\"
    romo: B1

  - kind: Lecture
    number: 2
    date: 2020-02-26
    start: \"25:00\"
    end: \"12:00\"

  - kind: Lecture
    number: 3
    date: 2020-02-30
    start: \"10:00\"
    end: \"12:00\"

  - kind: Lab
    number: 1
    date: 2020-03-02
    start: \"13:00\"
";

// Test that five mistakes in one file are reported in one run, in line
// order, each with its line and what to do; nothing is written.
#[test]
fn five_mistakes_in_one_run() {
    Test::new()
        .schedule(FIVE_MISTAKES)
        .args(["build", "schedule.yaml"])
        .stderr(
            r#"error: schedule.yaml:3:3: field `course.timezone`: unknown time zone `Europe/Stokholm`
 3 |   timezone: Europe/Stokholm
  hint: did you mean `Europe/Stockholm`?
error: schedule.yaml:11:5: Lecture 1, field `romo`: unknown field `romo`
 11 |     romo: B1
  hint: did you mean `room`?
error: schedule.yaml:16:5: Lecture 2, field `start`: `25:00` is not a time of day
 16 |     start: "25:00"
  hint: write times as HH:MM from 00:00 to 23:59, e.g. "15:00"
error: schedule.yaml:21:5: Lecture 3, field `date`: `2020-02-30` is not a date: February 2020 has 29 days
 21 |     date: 2020-02-30
error: schedule.yaml:25:5: Lab 1, field `end`: missing required field `end`
 25 |   - kind: Lab
5 problems found; nothing was written"#,
        )
        .failure();
}

// Test that unknown fields in several places (the course, a reading, a pattern's occurrence) are each
// reported, none hiding the others.
#[test]
fn unknown_fields_everywhere() {
    Test::new()
        .schedule(
            "course:
  name: T
  timezone: UTC
  colour: red
patterns:
  - days: [Monday]
    from: 2020-09-28
    until: 2020-10-05
    kinds: [Lecture]
    start: \"10:00\"
    end: \"12:00\"
    occurrences:
      2020-09-28: {topc: Intro}
sessions:
  - kind: Lab
    number: 1
    date: 2020-09-29
    strat: \"10:00\"
    end: \"12:00\"
    readings:
      - {title: A paper, ulr: https://example.org/a.pdf}
",
        )
        .args(["check", "schedule.yaml"])
        .stderr(
            "error: schedule.yaml:4:3: field `course.colour`: unknown field `colour`
 4 |   colour: red
  hint: expected one of: name, id, timezone, url
error: schedule.yaml:13:20: field `patterns[0].occurrences.2020-09-28.topc`: unknown field `topc`
 13 |       2020-09-28: {topc: Intro}
  hint: did you mean `topic`?
error: schedule.yaml:18:5: Lab 1, field `strat`: unknown field `strat`
 18 |     strat: \"10:00\"
  hint: did you mean `start`?
error: schedule.yaml:21:26: Lab 1, field `readings[0].ulr`: unknown field `ulr`
 21 |       - {title: A paper, ulr: https://example.org/a.pdf}
  hint: expected one of: title, url, links, optional
4 problems found; nothing was written",
        )
        .failure();
}

// Test that a typo's field is not also reported missing, but a field
// missing beside it is: `numbr` and `strat` (meant `number` and `start`)
// are not also "no number or id" and "missing start"; no `date` is said.
#[test]
fn a_typo_is_not_also_a_missing_field() {
    Test::new()
        .schedule(
            "course: {name: T, timezone: UTC}
sessions:
  - kind: Lecture
    numbr: 1
    strat: \"10:00\"
    end: \"12:00\"
",
        )
        .args(["check", "schedule.yaml"])
        .stderr(
            "error: schedule.yaml:3:5: Lecture, field `date`: missing required field `date`
 3 |   - kind: Lecture
error: schedule.yaml:4:5: Lecture, field `numbr`: unknown field `numbr`
 4 |     numbr: 1
  hint: did you mean `number`?
error: schedule.yaml:5:5: Lecture, field `strat`: unknown field `strat`
 5 |     strat: \"10:00\"
  hint: did you mean `start`?
3 problems found; nothing was written",
        )
        .failure();
}

// Test that a typo under `defaults:` is said once, not as a missing field
// of every session that would have taken it.
#[test]
fn a_typo_in_defaults_is_said_once() {
    Test::new()
        .schedule(
            "course: {name: T, timezone: UTC}
defaults: {strat: \"10:00\", end: \"12:00\"}
sessions:
  - {kind: Lecture, number: 1, date: 2020-09-28}
  - {kind: Lecture, number: 2, date: 2020-10-05}
",
        )
        .args(["check", "schedule.yaml"])
        .stderr(
            "error: schedule.yaml:2:12: field `defaults.strat`: unknown field `strat`
 2 | defaults: {strat: \"10:00\", end: \"12:00\"}
  hint: did you mean `start`?",
        )
        .failure();
}

// Test that a YAML syntax error is the exception: the first is reported
// at its line, and nothing after it is looked at.
#[test]
fn syntax_error_stops_at_the_first() {
    Test::new()
        .schedule(
            "course:
  name: T
  timezone: UTC
sessions:
  - kind: Lecture
    number: 1
    romo: B1
    date: [2020-09-28
",
        )
        .args(["check", "schedule.yaml"])
        .stderr("error: schedule.yaml:9:1: not valid YAML: while parsing a flow sequence, expected ',' or ']'")
        .failure();
}

// Test that README says exactly what one run reports: its example is the
// output for the five mistakes above, and README stays a teacher's length
// (at most 250 lines, the main command in its first 60).
#[test]
fn readme_shows_this_run() {
    let readme = std::fs::read_to_string(crate::common::root().join("README.md")).expect("README");
    let lines: Vec<&str> = readme.lines().collect();
    assert!(lines.len() <= 250, "README has {} lines", lines.len());
    assert!(
        lines[..60]
            .iter()
            .any(|l| l.starts_with("cargo run --release -- build")),
        "the main command is not in README's first 60 lines"
    );
    let shown = readme
        .split("A tired teacher's five mistakes come out in one run:\n\n```text\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("README's example of one run");
    let done = Test::new()
        .schedule(FIVE_MISTAKES)
        .args(["build", "schedule.yaml"])
        .stderr(shown)
        .failure();
    assert!(done.stderr.starts_with("error: schedule.yaml:3:3:"));
}
