//! Sections and audiences: a feed per group (the group's sessions and
//! everyone's) and the feeds the YAML declares, each with its own name and
//! address, the same UIDs as the whole course's feed, and all of them
//! offered on the page.

use std::collections::BTreeMap;

use std::path::Path;

use crate::common::readers::{agree_on, icaljs, python_icalendar};
use crate::common::{self, parse, Test};

const COURSE: &str = "course: {name: Lab Course, id: lab-ht2020, timezone: Europe/Stockholm, url: \"https://example.org/c/\"}
feed: {url: schedule.ics}
page: {output: schedule.md, front_matter: \"layout: page\"}
audiences:
  - {file: deadlines.ics, name: \"Lab Course: deadlines\", kinds: [Deadline]}
  - {file: lectures.ics, name: \"Lab Course: lectures\", kinds: [Lecture]}
deadlines:
  - {title: Report, date: 2020-10-09}
sessions:
  - {kind: Lecture, number: 1, date: 2020-09-28, start: \"10:00\", end: \"12:00\"}
  - {kind: Lab, number: 1, date: 2020-09-29, start: \"13:00\", end: \"15:00\", groups: [A]}
  - {kind: Lab, number: 2, date: 2020-09-29, start: \"15:00\", end: \"17:00\", groups: [B]}
  - {kind: Lab, number: 3, date: 2020-10-27, start: \"13:00\", end: \"17:00\", groups: [A, B]}
";

/// UID (without the domain) -> SUMMARY of every event of `ics`.
fn uids(ics: &str) -> Vec<String> {
    parse(ics)
        .into_iter()
        .map(|e| e.uid.trim_end_matches("@coursefeed").to_owned())
        .collect()
}

fn calname(ics: &str) -> &str {
    ics.lines()
        .find_map(|l| l.strip_prefix("X-WR-CALNAME:"))
        .expect("calendar name")
        .trim_end()
}

// Test that `build` writes the course's feed, one per group and one per
// declared audience, each with the right events under the same UIDs and
// its own calendar name, and says so line by line.
#[test]
fn a_feed_per_group_and_per_audience() {
    let done = Test::new()
        .schedule(COURSE)
        .args(["build", "schedule.yaml", "-o", "out/schedule.ics"])
        .stdout(
            "added      Lecture 1 (2020-09-28 10:00)
added      Lab 1 (2020-09-29 13:00)
added      Lab 2 (2020-09-29 15:00)
added      Lab 3 (2020-10-27 13:00)
added      Deadline: Report (2020-10-09)
5 added, 0 changed, 0 removed, 0 unchanged
out/schedule.ics: 4 sessions and 1 deadline, 2020-09-28 to 2020-10-27; tz database 2026f (TZDIR) (written)
schedule.md: page (written)
out/schedule-a.ics: Lab Course (A): 4 events; 4 added, 0 changed, 0 removed (written)
out/schedule-b.ics: Lab Course (B): 4 events; 4 added, 0 changed, 0 removed (written)
out/deadlines.ics: Lab Course: deadlines: 1 event; 1 added, 0 changed, 0 removed (written)
out/lectures.ics: Lab Course: lectures: 1 event; 1 added, 0 changed, 0 removed (written)",
        )
        .success();
    let feeds: BTreeMap<&str, String> = [
        "schedule.ics",
        "schedule-a.ics",
        "schedule-b.ics",
        "deadlines.ics",
        "lectures.ics",
    ]
    .into_iter()
    .map(|f| (f, done.read(&format!("out/{f}"))))
    .collect();
    let expect = |file: &str, name: &str, events: &[&str]| {
        assert_eq!(calname(&feeds[file]), name, "{file}");
        assert_eq!(uids(&feeds[file]), events, "{file}");
    };
    expect(
        "schedule.ics",
        "Lab Course",
        &[
            "lab-ht2020-lecture-1",
            "lab-ht2020-lab-1",
            "lab-ht2020-lab-2",
            "lab-ht2020-lab-3",
            "lab-ht2020-deadline-report",
        ],
    );
    expect(
        "schedule-a.ics",
        "Lab Course (A)",
        &[
            "lab-ht2020-lecture-1",
            "lab-ht2020-lab-1",
            "lab-ht2020-lab-3",
            "lab-ht2020-deadline-report",
        ],
    );
    expect(
        "schedule-b.ics",
        "Lab Course (B)",
        &[
            "lab-ht2020-lecture-1",
            "lab-ht2020-lab-2",
            "lab-ht2020-lab-3",
            "lab-ht2020-deadline-report",
        ],
    );
    expect(
        "deadlines.ics",
        "Lab Course: deadlines",
        &["lab-ht2020-deadline-report"],
    );
    expect(
        "lectures.ics",
        "Lab Course: lectures",
        &["lab-ht2020-lecture-1"],
    );
    // The same event is the same bytes in every feed it is in.
    let lab3 = |ics: &str| {
        ics.split("BEGIN:VEVENT")
            .find(|e| e.contains("UID:lab-ht2020-lab-3@"))
            .map(str::to_owned)
    };
    assert_eq!(lab3(&feeds["schedule-a.ics"]), lab3(&feeds["schedule.ics"]));
    assert_eq!(lab3(&feeds["schedule-b.ics"]), lab3(&feeds["schedule.ics"]));

    // The page offers every feed, four ways each, and shows the groups.
    let page = done.read("schedule.md");
    for (label, file, name) in [
        (
            "**Subscribe to this schedule:**",
            "schedule.ics",
            "Lab%20Course",
        ),
        (
            "**Lab Course (A):**",
            "schedule-a.ics",
            "Lab%20Course%20%28A%29",
        ),
        (
            "**Lab Course (B):**",
            "schedule-b.ics",
            "Lab%20Course%20%28B%29",
        ),
        (
            "**Lab Course: deadlines:**",
            "deadlines.ics",
            "Lab%20Course%3A%20deadlines",
        ),
        (
            "**Lab Course: lectures:**",
            "lectures.ics",
            "Lab%20Course%3A%20lectures",
        ),
    ] {
        let line = format!(
            "{label} [Apple Calendar / Thunderbird](webcal://example.org/c/{file}) · [Google Calendar](https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fexample.org%2Fc%2F{file}) · [Outlook](https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fexample.org%2Fc%2F{file}&name={name}) · [.ics file](https://example.org/c/{file})"
        );
        assert!(page.contains(&line), "{line}\nnot in\n{page}");
    }
    assert!(
        page.contains("# Lab Session 3: Oct. 27, 13:00-17:00 (groups A, B)\n"),
        "{page}"
    );
    assert!(
        page.contains("# Lab Session 1: Sep. 29, 13:00-15:00 (group A)\n"),
        "{page}"
    );
}

// Test that the group feeds read back with independent parsers through our
// VTIMEZONE (Oct. 27 is after the DST change: 13:00 CET is 12:00Z), with the
// events and names the library says they hold.
#[test]
fn group_feeds_read_with_independent_parsers() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("schedule.yaml"), COURSE).expect("write");
    let o = common::run(
        dir.path(),
        &["build", "schedule.yaml", "-o", "out/schedule.ics"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let schedule = coursefeed::load_path(&dir.path().join("schedule.yaml"), common::tzdb())
        .expect("valid")
        .schedule;
    let outputs = coursefeed::outputs::Outputs::of(&schedule, Path::new("out/schedule.ics"));
    assert_eq!(outputs.extras.len(), 4);
    for (path, extra) in &outputs.extras {
        let ics = std::fs::read_to_string(dir.path().join(path)).expect("feed");
        for reader in [python_icalendar(), icaljs()] {
            agree_on(&reader, &ics, &extra.schedule);
        }
    }
    let a = parse(&std::fs::read_to_string(dir.path().join("out/schedule-a.ics")).expect("feed"));
    assert_eq!(a[2].start.to_rfc3339(), "2020-10-27T12:00:00+00:00");
}

// Test that a page with groups imports back with the same groups.
#[test]
fn groups_survive_import() {
    let done = Test::new()
        .schedule(COURSE)
        .args(["page", "schedule.yaml", "-o", "p.md", "--no-subscribe"])
        .stdout("wrote p.md: 4 sessions and 1 deadline, 2020-09-28 to 2020-10-27")
        .success();
    let o = common::run(
        done.dir.path(),
        &[
            "import",
            "p.md",
            "--year",
            "2020",
            "--name",
            "L",
            "--timezone",
            "Europe/Stockholm",
            "-o",
            "back.yaml",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let back = coursefeed::load_path(&done.dir.path().join("back.yaml"), common::tzdb())
        .expect("valid")
        .schedule;
    let groups: Vec<Vec<String>> = back
        .sessions
        .iter()
        .filter(|s| !s.deadline)
        .map(|s| s.groups.clone())
        .collect();
    assert_eq!(
        groups,
        vec![
            vec![],
            vec!["A".to_owned()],
            vec!["B".to_owned()],
            vec!["A".to_owned(), "B".to_owned()]
        ]
    );
}
