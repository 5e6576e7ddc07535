//! What Google Calendar reads of a subscription: the warning past its
//! limits, and a window that keeps a long-running feed small.

use crate::common::{self, parse, Test};

// Test that a feed of 2,000 events warns, naming Google's limits and the
// remedies, and still builds; the shipped course does not warn.
#[test]
fn size_warning_past_google_limits() {
    let yaml = coursefeed::synthetic::schedule_yaml(2_000);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("big.yaml"), yaml).expect("write");
    let o = common::run(dir.path(), &["build", "big.yaml", "-o", "big.ics"]);
    assert!(o.status.success());
    let bytes = std::fs::metadata(dir.path().join("big.ics"))
        .expect("feed")
        .len();
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "warning: big.ics: 2000 events, {bytes} bytes: Google Calendar reads about 1,000 events or 1 MB of a subscribed feed and silently drops the rest\n  \
             hint: keep it to a window with `feed.keep_days` (`--keep-days` for a folder's combined feed), or split it with `audiences:`\n"
        )
    );
    // The shipped course: no warning at all.
    common::shipped_schedule_in(dir.path());
    let o = common::run(dir.path(), &["build", "schedule.yaml", "--dry-run"]);
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
}

const TERM: &str = "course: {name: T, id: t, timezone: Europe/Stockholm}
page: {output: p.md, front_matter: \"layout: page\", subscribe: false}
deadlines:
  - {title: Early report, date: 2020-09-04}
sessions:
  - {kind: L, number: 1, date: 2020-09-01, start: \"10:00\", end: \"12:00\"}
  - {kind: L, number: 2, date: 2020-10-01, start: \"10:00\", end: \"12:00\"}
  - {kind: L, number: 3, date: 2020-11-02, start: \"10:00\", end: \"12:00\"}
";

// Test `feed.keep_days`: sessions that ended before the window drop out of
// the feed, declared in the report and never counted as removed (no
// --allow-removal needed), while the page keeps the whole term.
// SOURCE_DATE_EPOCH 1602000000 is 2020-10-06 16:00Z; 30 days before is
// 2020-09-06 16:00Z: L 1 and the early report are out, L 2 and L 3 in.
#[test]
fn keep_days_window() {
    let done = Test::new()
        .schedule(TERM)
        .args(["build", "schedule.yaml", "-o", "f.ics"])
        .stdout(
            "added      L 1 (2020-09-01 10:00)\n\
             added      L 2 (2020-10-01 10:00)\n\
             added      L 3 (2020-11-02 10:00)\n\
             added      Deadline: Early report (2020-09-04)\n\
             4 added, 0 changed, 0 removed, 0 unchanged\n\
             f.ics: 3 sessions and 1 deadline, 2020-09-01 to 2020-11-02; tz database 2026f (TZDIR) (written)\n\
             p.md: page (written)",
        )
        .success();
    let dir = done.dir.path();
    std::fs::write(
        dir.join("schedule.yaml"),
        TERM.replace("page:", "feed: {keep_days: 30}\npage:"),
    )
    .expect("write");
    let o = common::run_at(
        dir,
        &["build", "schedule.yaml", "-o", "f.ics"],
        Some("1602000000"),
    );
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "window     2 events ended before 2020-09-06 16:00Z and are left out (feed.keep_days: 30)\n\
         0 added, 0 changed, 0 removed, 2 unchanged\n\
         f.ics: 3 sessions and 1 deadline, 2020-09-01 to 2020-11-02; tz database 2026f (TZDIR) (written)\n\
         p.md: page (unchanged, not rewritten)\n"
    );
    let uids: Vec<String> = parse(&std::fs::read_to_string(dir.join("f.ics")).expect("feed"))
        .into_iter()
        .map(|e| e.uid)
        .collect();
    assert_eq!(uids, vec!["t-l-2@coursefeed", "t-l-3@coursefeed"]);
    let page = std::fs::read_to_string(dir.join("p.md")).expect("page");
    assert!(
        page.contains("# L Session 1: Sep. 1, 10:00-12:00"),
        "{page}"
    );
}

// Test `--keep-days` on a folder: the combined feed keeps only what ended
// inside the window, without counting the rest as removed; each course's
// own feed is whole.
#[test]
fn keep_days_for_a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("courses")).expect("mkdir");
    std::fs::write(d.join("courses/t.yaml"), TERM).expect("write");
    assert!(common::run(d, &["build", "courses", "-o", "out"])
        .status
        .success());
    let o = common::run_at(
        d,
        &["build", "courses", "-o", "out", "--keep-days", "30"],
        Some("1602000000"),
    );
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "out/t.ics: T: 3 sessions and 1 deadline, 2020-09-01 to 2020-11-02; 0 added, 0 changed, 0 removed (unchanged, not rewritten)\n\
         courses/p.md: page (unchanged, not rewritten)\n\
         out/all.ics: All courses: 3 sessions and 1 deadline from 1 course; tz database 2026f (TZDIR); 0 added, 0 changed, 0 removed (written)\n"
    );
    let all = parse(&std::fs::read_to_string(d.join("out/all.ics")).expect("feed"));
    assert_eq!(all.len(), 2);
    assert_eq!(
        parse(&std::fs::read_to_string(d.join("out/t.ics")).expect("feed")).len(),
        4
    );
    // A first build keeps the window too: the same events.
    let o = common::run_at(
        d,
        &["build", "courses", "-o", "first", "--keep-days", "30"],
        Some("1602000000"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let first = parse(&std::fs::read_to_string(d.join("first/all.ics")).expect("feed"));
    let uids = |events: &[common::Event]| events.iter().map(|e| e.uid.clone()).collect::<Vec<_>>();
    assert_eq!(uids(&first), vec!["t-l-2@coursefeed", "t-l-3@coursefeed"]);
    assert_eq!(uids(&first), uids(&all));
}
