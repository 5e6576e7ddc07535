//! Every bad input, run through the real binary: the exact message (file,
//! line, column, session, field), a non-zero exit, and the previously
//! published feed left byte for byte as it was.

use crate::common;

use std::path::Path;

use crate::common::Test;

const BASE: &str = "course:
  name: T
  timezone: Europe/Stockholm
  url: https://example.org/
sessions:
  - kind: Lecture
    number: 1
    date: 2020-09-28
    start: \"15:00\"
    end: \"17:00\"
";

const PREVIOUS: &str = "BEGIN:VCALENDAR\r\nPREVIOUSLY PUBLISHED\r\nEND:VCALENDAR\r\n";

/// Run `build` on `yaml` over an existing feed; return (exit code, stderr).
fn build_over_previous(yaml: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("schedule.yaml"), yaml).expect("fixture");
    std::fs::create_dir(dir.path().join("public")).expect("public/");
    let feed = dir.path().join("public/schedule.ics");
    std::fs::write(&feed, PREVIOUS).expect("previous feed");
    let out = common::run(dir.path(), &["build", "schedule.yaml"]);
    assert_eq!(
        std::fs::read_to_string(&feed).expect("feed"),
        PREVIOUS,
        "previous feed changed"
    );
    assert_only_feed(&dir.path().join("public"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).expect("utf8 stderr"),
    )
}

fn assert_only_feed(dir: &Path) {
    let names: Vec<_> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("schedule.ics")],
        "stray files"
    );
}

/// Assert that building `yaml` over a published feed fails with exactly
/// `expected` on stderr, and that the feed and the folder stay as they were.
fn fails(yaml: &str, expected: &str) -> String {
    Test::new()
        .schedule(yaml)
        .file("public/schedule.ics", PREVIOUS)
        .args(["build", "schedule.yaml"])
        .stderr(expected)
        .failure()
        .stderr
}

fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replacen(from, to, 1)
}

// Test that an unknown field names itself and suggests the close one.
#[test]
fn unknown_field() {
    fails(
        &with(
            "    end: \"17:00\"\n",
            "    end: \"17:00\"\n    strat: \"15:00\"\n",
        ),
        r#"error: schedule.yaml:11:5: Lecture 1, field `strat`: unknown field `strat`
 11 |     strat: "15:00"
  hint: did you mean `start`?"#,
    );
}

// Test that an unknown top-level section is reported too.
#[test]
fn unknown_section() {
    fails(
        &format!("{BASE}defualts:\n  start: \"15:00\"\n"),
        r"error: schedule.yaml:11:1: field `defualts`: unknown field `defualts`
 11 | defualts:
  hint: did you mean `defaults`?",
    );
}

// Test that a missing required field points at its session.
#[test]
fn missing_field() {
    fails(
        &with("    date: 2020-09-28\n", ""),
        r"error: schedule.yaml:6:5: Lecture 1, field `date`: missing required field `date`
 6 |   - kind: Lecture",
    );
}

// Test that a missing course section is reported.
#[test]
fn missing_course() {
    fails(
        "sessions: []\n",
        r"error: schedule.yaml:1:1: missing required field `course`
 1 | sessions: []
warning: schedule.yaml:1:1: the schedule has no sessions
 1 | sessions: []",
    );
}

// Test that a date that does not exist is rejected.
#[test]
fn bad_date() {
    fails(
        &with("2020-09-28", "2020-02-30"),
        r"error: schedule.yaml:8:5: Lecture 1, field `date`: `2020-02-30` is not a date: February 2020 has 29 days
 8 |     date: 2020-02-30",
    );
}

// Test that a year iCalendar cannot write is rejected.
#[test]
fn five_digit_year() {
    fails(
        &with("2020-09-28", "12020-09-28"),
        r"error: schedule.yaml:8:5: Lecture 1, field `date`: `12020-09-28` is not a date
 8 |     date: 12020-09-28
  hint: write dates as YYYY-MM-DD, e.g. 2020-09-28",
    );
}

// Test that an impossible time is rejected.
#[test]
fn bad_time() {
    fails(
        &with("\"15:00\"", "\"25:00\""),
        r#"error: schedule.yaml:9:5: Lecture 1, field `start`: `25:00` is not a time of day
 9 |     start: "25:00"
  hint: write times as HH:MM from 00:00 to 23:59, e.g. "15:00""#,
    );
}

// Test that a session must end after it starts.
#[test]
fn end_not_after_start() {
    fails(
        &with("\"17:00\"", "\"15:00\""),
        r#"error: schedule.yaml:10:5: Lecture 1, field `end`: ends at 15:00, which is not after its start at 15:00
 10 |     end: "15:00""#,
    );
}

// Test that an unknown time zone is rejected with a suggestion.
#[test]
fn unknown_time_zone() {
    fails(
        &with("Europe/Stockholm", "Europe/Stokholm"),
        r"error: schedule.yaml:3:3: field `course.timezone`: unknown time zone `Europe/Stokholm`
 3 |   timezone: Europe/Stokholm
  hint: did you mean `Europe/Stockholm`?",
    );
}

// Test that a local time skipped by the spring DST change is an error.
#[test]
fn nonexistent_local_time() {
    fails(
        &with("2020-09-28", "2021-03-28").replacen("\"15:00\"", "\"02:30\"", 1),
        r#"error: schedule.yaml:9:5: Lecture 1, field `start`: 02:30 on 2021-03-28 does not exist in Europe/Stockholm: clocks skip that hour
 9 |     start: "02:30"
  hint: pick a time outside the DST change, e.g. an hour later"#,
    );
}

// Test that a repeated local time is a warning, the build succeeds, and the earlier instant is used.
#[test]
fn ambiguous_local_time_warns() {
    let yaml = with("2020-09-28", "2020-10-25").replacen("\"15:00\"", "\"02:30\"", 1);
    let done = Test::new()
        .schedule(&yaml)
        .args(["build", "schedule.yaml"])
        .stderr(r#"warning: schedule.yaml:9:5: Lecture 1, field `start`: 02:30 on 2020-10-25 happens twice in Europe/Stockholm; the earlier one (00:30Z) is used and written in UTC
 9 |     start: "02:30""#)
        .stdout(
            "added      Lecture 1 (2020-10-25 02:30)
1 added, 0 changed, 0 removed, 0 unchanged
public/schedule.ics: 1 session, on 2020-10-25, 1 warning; tz database 2026f (TZDIR) (written)",
        )
        .success();
    let events = common::parse(&done.read("public/schedule.ics"));
    assert_eq!(events[0].start.to_rfc3339(), "2020-10-25T00:30:00+00:00");
}

// Test that two sessions with the same kind and number are rejected.
#[test]
fn duplicate_kind_and_number() {
    fails(
        &format!("{BASE}  - kind: Lecture\n    number: 1\n    date: 2020-10-05\n    start: \"15:00\"\n    end: \"17:00\"\n"),
        r"error: schedule.yaml:11:5: Lecture 1: same identity as Lecture 1 (line 6): both would get UID `t-lecture-1@coursefeed`
 11 |   - kind: Lecture
  hint: give each session its own kind + number, or an explicit `id`",
    );
}

// Test that an explicit id colliding with another session is rejected.
#[test]
fn duplicate_id() {
    fails(
        &format!("{BASE}  - kind: Lab\n    id: lecture-1\n    date: 2020-10-05\n    start: \"15:00\"\n    end: \"17:00\"\n"),
        r"error: schedule.yaml:11:5: Lab `lecture-1`: same identity as Lecture 1 (line 6): both would get UID `t-lecture-1@coursefeed`
 11 |   - kind: Lab
  hint: give each session its own kind + number, or an explicit `id`",
    );
}

// Test that a malformed link is rejected.
#[test]
fn malformed_url() {
    fails(
        &format!("{BASE}    zoom: \"https://exa mple.org/j/1\"\n"),
        r#"error: schedule.yaml:11:5: Lecture 1, field `zoom`: `https://exa mple.org/j/1` is not a valid link: invalid international domain name
 11 |     zoom: "https://exa mple.org/j/1""#,
    );
}

// Test that a javascript: link is rejected.
#[test]
fn non_http_link() {
    fails(
        &format!("{BASE}    readings:\n      - title: X\n        url: \"javascript:alert(1)\"\n"),
        r#"error: schedule.yaml:13:9: Lecture 1, field `readings[0].url`: `javascript:alert(1)` is not an http(s) link
 13 |         url: "javascript:alert(1)"
  hint: links must start with http:// or https://"#,
    );
}

// Test that a relative link needs course.url.
#[test]
fn relative_link_without_base() {
    fails(
        &format!(
            "{}    readings: [{{title: X, url: /x.pdf}}]\n",
            with("  url: https://example.org/\n", "")
        ),
        r"error: schedule.yaml:10:27: Lecture 1, field `readings[0].url`: `/x.pdf` is a relative link, but `course.url` is not set
 10 |     readings: [{title: X, url: /x.pdf}]
  hint: set `course.url` to the course site, or write the full link",
    );
}

// Test that a session without number or id is rejected.
#[test]
fn no_identity() {
    fails(
        &with("    number: 1\n", ""),
        r"error: schedule.yaml:6:5: Lecture, field `number`: a session needs a `number` or an `id`
 6 |   - kind: Lecture
  hint: the UID that keeps calendars in sync is made from kind + number, or from id",
    );
}

// Test that an empty file is rejected.
#[test]
fn empty_file() {
    fails(
        "# nothing here yet\n",
        "error: schedule.yaml: the file is empty",
    );
}

// Test that text that is not YAML is rejected with the parser's position.
#[test]
fn not_yaml() {
    fails("course: [\n  name: x\n", "error: schedule.yaml:3:1: not valid YAML: while parsing a flow mapping, did not find expected ',' or '}'");
}

// Test that YAML of the wrong shape is rejected.
#[test]
fn wrong_shape() {
    fails(
        "- a\n- b\n",
        r"error: schedule.yaml:1:1: invalid type: sequence, expected a schedule: a mapping with `course` and `sessions`
 1 | - a",
    );
}

// Test that binary garbage is rejected before any parsing.
#[test]
fn binary_garbage() {
    Test::new()
        .file("schedule.yaml", b"course:\n  name: \xff\xfe\x00\x01\n")
        .file("public/schedule.ics", PREVIOUS)
        .args(["build", "schedule.yaml"])
        .stderr("error: schedule.yaml:2: the file is not UTF-8 text (byte 16 is invalid)")
        .failure();
}

// Test that all problems are reported at once, with a count.
#[test]
fn reports_every_problem() {
    fails(
        &with("2020-09-28", "2020-13-01").replacen("\"17:00\"", "\"7pm\"", 1),
        r#"error: schedule.yaml:8:5: Lecture 1, field `date`: `2020-13-01` is not a date
 8 |     date: 2020-13-01
  hint: write dates as YYYY-MM-DD, e.g. 2020-09-28
error: schedule.yaml:10:5: Lecture 1, field `end`: `7pm` is not a time of day
 10 |     end: "7pm"
  hint: write times as HH:MM from 00:00 to 23:59, e.g. "15:00"
2 problems found; nothing was written"#,
    );
}

// Test that overlapping sessions warn but build.
#[test]
fn overlap_warns() {
    let yaml = format!(
        "{BASE}  - {{kind: Lab, number: 1, date: 2020-09-28, start: \"16:00\", end: \"18:00\"}}\n"
    );
    Test::new()
        .schedule(&yaml)
        .args(["check", "schedule.yaml"])
        .stderr("warning: schedule.yaml:11:5: Lab 1: overlaps Lecture 1 (line 6)\n 11 |   - {kind: Lab, number: 1, date: 2020-09-28, start: \"16:00\", end: \"18:00\"}")
        .stdout("schedule.yaml: 2 sessions, 2020-09-28 to 2020-09-28, 1 warning; tz database 2026f (TZDIR)")
        .success();
}

// Test that a missing schedule file is a clear error.
#[test]
fn missing_file() {
    Test::new()
        .args(["check", "nope.yaml"])
        .stderr("error: cannot read `nope.yaml`: No such file or directory (os error 2)")
        .failure();
}

// Test that check writes nothing and summarises the shipped data.
#[test]
fn check_summarises() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::shipped_schedule_in(dir.path());
    let out = common::run(dir.path(), &["check", "schedule.yaml"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).expect("utf8"),
        "schedule.yaml: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18; tz database 2026f (TZDIR)\n"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
    assert_eq!(names.len(), 1, "check wrote something");
}

// Test that usage errors keep clap's exit code and every command has help with an example.
#[test]
fn help_and_usage() {
    let dir = tempfile::tempdir().expect("tempdir");
    for cmd in ["build", "check"] {
        let out = common::run(dir.path(), &[cmd, "--help"]);
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).expect("utf8");
        assert!(
            help.contains("Example") && help.contains(&format!("coursefeed {cmd}")),
            "{help}"
        );
    }
    // Where files go is said where people look for it.
    let help = |cmd: &str| {
        String::from_utf8(common::run(dir.path(), &[cmd, "--help"]).stdout).expect("utf8")
    };
    assert!(help("build").contains("Paths in the schedule are relative to its own folder (`../public/schedule.md` in data/schedule.yaml); paths on the command line are relative to the current folder."));
    assert!(help("page").contains("The output defaults to `page.output` in the schedule (relative to the schedule file's folder), else public/schedule.md"));
    let out = common::run(dir.path(), &["biuld"]);
    assert_eq!(out.status.code(), Some(2));
}

// Test that a mistake late in a large schedule is reported at its own line
// and field, with the session it belongs to.
#[test]
fn late_mistake_in_a_large_schedule() {
    let yaml = coursefeed::synthetic::schedule_yaml(1_000);
    let item = yaml
        .match_indices("\n  - kind: ")
        .nth(900)
        .expect("900 sessions")
        .0;
    let after = item + 1 + yaml[item + 1..].find('\n').expect("line end") + 1;
    // The session as the message names it: its kind and number, as written.
    let kind = yaml[item + "\n  - kind: ".len()..after - 1].trim();
    let number = yaml[after..]
        .lines()
        .find_map(|l| l.trim().strip_prefix("number: "))
        .expect("number");
    let label = format!("{kind} {number}");
    let line = yaml[..after].matches('\n').count() + 1;
    let bad = format!("{}    strat: \"15:00\"\n{}", &yaml[..after], &yaml[after..]);
    fails(
        &bad,
        &format!(
            "error: schedule.yaml:{line}:5: {label}, field `strat`: unknown field `strat`\n \
             {line} |     strat: \"15:00\"\n  hint: did you mean `start`?"
        ),
    );
}

/// The whole stderr of a build of `yaml` that fails over a published feed.
fn fails_whole(yaml: &str) -> String {
    let (code, stderr) = build_over_previous(yaml.as_bytes());
    assert_eq!(code, 1, "{stderr}");
    stderr
}

// Test that a tab is reported on its own line, with the advice to indent
// with spaces (libyaml reports where the scalar before it started).
#[test]
fn tab_is_reported_where_it_is() {
    let yaml = "course: {name: T, timezone: Europe/Stockholm}\nsessions:\n  - kind: L\n    number: 1\n\tdate: 2020-09-28\n";
    assert_eq!(
        fails_whole(yaml),
        "error: schedule.yaml:5:1: not valid YAML: while scanning a plain scalar, found a tab\n 5 | \tdate: 2020-09-28\n  hint: YAML indents with spaces: replace the tab\n"
    );
}

// Test that a key given twice is reported at its second occurrence.
#[test]
fn duplicate_key_is_reported_at_the_duplicate() {
    let yaml = "course: {name: T, timezone: Europe/Stockholm}\nsessions:\n  - kind: L\n    number: 1\n    date: 2020-09-28\n    start: \"15:00\"\n    end: \"16:00\"\n    topic: a\n    topic: b\n";
    assert_eq!(
        fails_whole(yaml),
        "error: schedule.yaml:9:5: L 1, field `topic`: `topic` is given twice\n 9 |     topic: b\n  hint: keep one of the two\n"
    );
}

// Test that a second YAML document is reported at its `---`.
#[test]
fn second_document_is_reported_at_its_start() {
    let yaml = "course: {name: T, timezone: Europe/Stockholm}\nsessions: []\n\n# another\n---\ncourse: {name: U}\n";
    assert_eq!(
        fails_whole(yaml),
        "error: schedule.yaml:5:1: a second YAML document starts here; a schedule is one document\n 5 | ---\n  hint: remove the `---` line, or move what follows into another file\n"
    );
}

// Test that control characters from the YAML reach the terminal escaped in
// the change report: no ESC sequence can recolour or clear the screen.
#[test]
fn control_characters_are_escaped_for_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("s.yaml"),
        "course: {name: T, timezone: Europe/Stockholm}\nsessions:\n  - {kind: \"L\\u001b[31m\\r\\u0000x\", number: 1, date: 2020-09-28, start: \"15:00\", end: \"16:00\", topic: \"a\\u001b[2Jb\"}\n",
    )
    .expect("write");
    let o = common::run(dir.path(), &["build", "s.yaml", "-o", "s.ics"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8(o.stdout).expect("utf8"),
        "added      L\\u{1b}[31m\\u{d}\\u{0}x 1: a\\u{1b}[2Jb (2020-09-28 15:00)\n1 added, 0 changed, 0 removed, 0 unchanged\ns.ics: 1 session, on 2020-09-28; tz database 2026f (TZDIR) (written)\n"
    );
}

// Test the exact text of a bad refresh interval, a bad session number and
// a bad status, all reported together with their count.
#[test]
fn bad_refresh_number_and_status() {
    let yaml = "course: {name: T, timezone: Europe/Stockholm}\nfeed: {refresh: soon}\nsessions:\n  - {kind: L, number: x1, date: 2020-09-28, start: \"15:00\", end: \"16:00\", status: maybe}\n";
    assert_eq!(
        fails_whole(yaml),
        "error: schedule.yaml:2:8: field `feed.refresh`: `soon` is not a refresh interval\n 2 | feed: {refresh: soon}\n  hint: write a number of minutes, hours or days: 30m, 12h, 1d\n\
         error: schedule.yaml:4:15: L, field `number`: `x1` is not a session number\n 4 |   - {kind: L, number: x1, date: 2020-09-28, start: \"15:00\", end: \"16:00\", status: maybe}\n  hint: use a whole number such as 3\n\
         error: schedule.yaml:4:75: L, field `status`: `maybe` is not a status\n 4 |   - {kind: L, number: x1, date: 2020-09-28, start: \"15:00\", end: \"16:00\", status: maybe}\n  hint: use confirmed, tentative or cancelled\n\
         3 problems found; nothing was written\n"
    );
}

// Test the exact text of a module id given twice.
#[test]
fn module_defined_twice() {
    let yaml = "course: {name: T, timezone: Europe/Stockholm}\nmodules:\n  - {id: m1, title: A}\n  - {id: m1, title: B}\nsessions:\n  - {kind: L, number: 1, date: 2020-09-28, start: \"15:00\", end: \"16:00\"}\n";
    assert_eq!(
        fails_whole(yaml),
        "error: schedule.yaml:4:6: field `id`: module `m1` is defined twice\n 4 |   - {id: m1, title: B}\n"
    );
}

// Test that past 50 problems the rest are counted, not printed.
#[test]
fn more_problems_than_shown() {
    let mut yaml = String::from("course: {name: T, timezone: Europe/Stockholm}\nsessions:\n");
    for n in 1..=53 {
        yaml.push_str(&format!(
            "  - {{kind: L, number: {n}, date: 2020-09-28, start: \"15:00\", end: \"14:00\"}}\n"
        ));
    }
    let stderr = fails_whole(&yaml);
    assert_eq!(stderr.matches("error: schedule.yaml:").count(), 50);
    assert!(
        stderr.ends_with("\n... and 3 more not shown\n53 problems found; nothing was written\n"),
        "{}",
        &stderr[stderr.len().saturating_sub(200)..]
    );
}

// Test the exact text when the feed cannot be written: its folder is a file.
#[test]
fn write_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("schedule.yaml"), BASE).expect("write");
    std::fs::write(dir.path().join("public"), "a file where the folder goes").expect("write");
    let o = common::run(dir.path(), &["build", "schedule.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: cannot read `public/schedule.ics`: Not a directory (os error 20)\n"
    );
    // Without a previous feed to read, writing is what fails.
    let o = common::run(dir.path(), &["build", "schedule.yaml", "--fresh"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: cannot write `public/schedule.ics`: File exists (os error 17)\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("public")).expect("untouched"),
        "a file where the folder goes"
    );
}

// Test that an empty SOURCE_DATE_EPOCH is unset, as the reproducible-builds
// specification reads it: the build uses the clock and succeeds.
#[test]
fn empty_source_date_epoch_is_unset() {
    let done = Test::new()
        .schedule(BASE)
        .env("SOURCE_DATE_EPOCH", "")
        .args(["build", "schedule.yaml"])
        .stdout("added      Lecture 1 (2020-09-28 15:00)\n1 added, 0 changed, 0 removed, 0 unchanged\npublic/schedule.ics: 1 session, on 2020-09-28; tz database 2026f (TZDIR) (written)")
        .success();
    let year = chrono::Utc::now().format("DTSTAMP:%Y").to_string();
    assert!(
        done.read("public/schedule.ics").contains(&year),
        "stamped now"
    );
}

// Test that a link that reads as a web address without its scheme is an
// error with the fix, not a path joined to the course site.
#[test]
fn link_without_scheme() {
    let yaml = "course: {name: T, timezone: Europe/Stockholm, url: \"https://example.org/c/\"}\nsessions:\n  - {kind: L, number: 1, date: 2020-09-28, start: \"15:00\", end: \"16:00\", readings: [{title: S, url: www.kth.se/slides.pdf}]}\n";
    assert_eq!(
        fails_whole(yaml),
        "error: schedule.yaml:3:96: L 1, field `readings[0].url`: `www.kth.se/slides.pdf` looks like a web address without `https://`\n 3 |   - {kind: L, number: 1, date: 2020-09-28, start: \"15:00\", end: \"16:00\", readings: [{title: S, url: www.kth.se/slides.pdf}]}\n  hint: write `https://www.kth.se/slides.pdf`; a file on the course site starts with `/` or `./`\n"
    );
}

// Test that a session listed after a later one is a warning naming both,
// since the page lists sessions in the order written.
#[test]
fn session_out_of_date_order_warns() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("s.yaml"),
        "course: {name: T, timezone: Europe/Stockholm}\nsessions:\n  - {kind: L, number: 1, date: 2020-10-12, start: \"15:00\", end: \"16:00\"}\n  - {kind: L, number: 2, date: 2020-10-05, start: \"15:00\", end: \"16:00\"}\n",
    )
    .expect("write");
    let o = common::run(dir.path(), &["check", "s.yaml"]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "warning: s.yaml:4:5: L 2: is on 2020-10-05, before L 1 (line 3) listed above it; the page shows sessions in the order written\n 4 |   - {kind: L, number: 2, date: 2020-10-05, start: \"15:00\", end: \"16:00\"}\n  hint: move it up to its date, unless the page should list it here\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "s.yaml: 2 sessions, 2020-10-05 to 2020-10-12, 1 warning; tz database 2026f (TZDIR)\n"
    );
}

// Test that a misspelled zone is the one error: the course's url is fine,
// so the feed's relative url is not blamed on it.
#[test]
fn misspelled_zone_is_one_error() {
    let yaml = "course: {name: T, timezone: Europe/Stokholm, url: \"https://example.org/c/\"}\nfeed: {url: /schedule.ics}\nsessions:\n  - {kind: L, number: 1, date: 2020-09-28, start: \"15:00\", end: \"16:00\"}\n";
    assert_eq!(
        fails_whole(yaml),
        "error: schedule.yaml:1:19: field `course.timezone`: unknown time zone `Europe/Stokholm`\n 1 | course: {name: T, timezone: Europe/Stokholm, url: \"https://example.org/c/\"}\n  hint: did you mean `Europe/Stockholm`?\n"
    );
}

// Test that a bad value under `defaults:` is one error at its line, not one
// per session that takes it.
#[test]
fn bad_default_is_one_error() {
    let yaml = "course: {name: T, timezone: Europe/Stockholm}\ndefaults: {start: \"15.00\", end: \"17:00\"}\nsessions:\n  - {kind: L, number: 1, date: 2020-09-28}\n  - {kind: L, number: 2, date: 2020-10-05}\n  - {kind: L, number: 3, date: 2020-10-12}\n";
    assert_eq!(
        fails_whole(yaml),
        "error: schedule.yaml:2:12: field `start`: `15.00` is not a time of day\n 2 | defaults: {start: \"15.00\", end: \"17:00\"}\n  hint: write times as HH:MM from 00:00 to 23:59, e.g. \"15:00\"\n"
    );
}

// Test the common YAML mistakes: each at its line, with one sentence of advice.
#[test]
fn yaml_mistakes_have_hints() {
    let head = "course: {name: T, timezone: Europe/Stockholm}\nsessions:\n  - kind: L\n";
    for (rest, expected) in [
        (
            "    number 1\n    date: 2020-09-28\n",
            "error: schedule.yaml:4:13: not valid YAML: a key without its colon\n 4 |     number 1\n  hint: write the key, a colon and a space, then the value: `number: 1`\n",
        ),
        (
            "    number: 1\n    topic: Intro: basics\n",
            "error: schedule.yaml:5:17: not valid YAML: mapping values are not allowed in this context\n 5 |     topic: Intro: basics\n  hint: a value with `: ` in it must be quoted: `topic: \"Intro: basics\"`\n",
        ),
        (
            "     number: 1\n",
            "error: schedule.yaml:4:12: not valid YAML: mapping values are not allowed in this context\n 4 |      number: 1\n  hint: check the indentation: the keys of one session line up under each other\n",
        ),
        (
            "    topic: \"open\n    number: 1\n",
            "error: schedule.yaml:4:12: not valid YAML: invalid indentation in quoted scalar\n 4 |     topic: \"open\n  hint: a quote is opened and not closed: end the text with the same quote on its line\n",
        ),
    ] {
        assert_eq!(fails_whole(&format!("{head}{rest}")), expected, "{rest}");
    }
}

// Test that text a ` #` cut short (YAML reads the rest as a comment) is a
// warning at the `#` with the quoted fix; the build goes on with the text
// YAML read, and a quoted `#` is no warning.
#[test]
fn text_cut_by_a_comment_warns() {
    let yaml = with(
        "    end: \"17:00\"\n",
        "    end: \"17:00\"\n    topic: Lecture #3 intro\n    note: \"Room #4\"\n",
    );
    let done = Test::new()
        .schedule(&yaml)
        .args(["build", "schedule.yaml"])
        .stderr(
            "warning: schedule.yaml:11:20: field `topic`: ` #` starts a YAML comment here, so `topic` is only `Lecture`\n \
             11 |     topic: Lecture #3 intro\n  \
             hint: quote the whole value to keep the `#`: `topic: \"Lecture #3 intro\"`",
        )
        .stdout(
            "added      Lecture 1: Lecture (2020-09-28 15:00)\n\
             1 added, 0 changed, 0 removed, 0 unchanged\n\
             public/schedule.ics: 1 session, on 2020-09-28, 1 warning; tz database 2026f (TZDIR) (written)",
        )
        .success();
    assert!(done
        .read("public/schedule.ics")
        .contains("\r\nDESCRIPTION:Topic: Lecture\\n\\nReading material: TBA\\n\\nRoom #4\r\n"));
}
