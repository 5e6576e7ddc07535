//! Regenerating a published feed, through the real binary: what carries
//! over, what is bumped, what the report says, and what is refused.

use crate::common;

use std::path::PathBuf;

use crate::common::{parse, run_at, Event};

const T1: &str = "1600000000"; // 2020-09-13T12:26:40Z, the first build
const T2: &str = "1601000000"; // 2020-09-25T02:13:20Z, the rebuild

/// A course folder with the shipped schedule, built once at T1.
struct Course {
    dir: tempfile::TempDir,
}

impl Course {
    fn published() -> Course {
        let dir = tempfile::tempdir().expect("tempdir");
        common::shipped_schedule_in(dir.path());
        let c = Course { dir };
        let out = c.build(&[], Some(T1));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        c
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn feed(&self) -> String {
        std::fs::read_to_string(self.path("public/schedule.ics")).expect("feed")
    }

    fn events(&self) -> Vec<Event> {
        parse(&self.feed())
    }

    /// Replace the first `from` in the schedule with `to`.
    fn edit(&self, from: &str, to: &str) {
        let p = self.path("schedule.yaml");
        let yaml = std::fs::read_to_string(&p).expect("read");
        assert!(yaml.contains(from), "{from}");
        std::fs::write(&p, yaml.replacen(from, to, 1)).expect("write");
    }

    fn build(&self, extra: &[&str], epoch: Option<&str>) -> std::process::Output {
        let mut args = vec!["build", "schedule.yaml"];
        args.extend_from_slice(extra);
        run_at(self.dir.path(), &args, epoch)
    }

    /// Rebuild at T2 with `--format json`; return the report.
    fn rebuild_json(&self, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        let out = self.build(&args, Some(T2));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
        json["report"].clone()
    }
}

fn by_uid<'a>(events: &'a [Event], uid: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.uid == uid)
        .unwrap_or_else(|| panic!("{uid}"))
}

const D2: &str = "fid3024-ht2020-discussion-2@coursefeed";

// Test that rebuilding an unchanged schedule, with no SOURCE_DATE_EPOCH and
// the clock later, gives a byte-identical file that is not even rewritten.
#[test]
fn no_change_is_byte_identical() {
    let c = Course::published();
    let before = c.feed();
    let mtime = std::fs::metadata(c.path("public/schedule.ics"))
        .and_then(|m| m.modified())
        .expect("mtime");
    let out = c.build(&[], None);
    assert!(out.status.success());
    assert_eq!(c.feed(), before);
    assert_eq!(
        std::fs::metadata(c.path("public/schedule.ics"))
            .and_then(|m| m.modified())
            .expect("mtime"),
        mtime
    );
    let stdout = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        stdout.starts_with("0 added, 0 changed, 0 removed, 18 unchanged\n"),
        "{stdout}"
    );
    assert!(stdout.contains("(unchanged, not rewritten)"));
}

// Test that moving a session across the DST change bumps its SEQUENCE, gives
// the right new instant, reports old and new local times, and leaves the others alone.
#[test]
fn move_across_dst() {
    let c = Course::published();
    let before = c.events();
    c.edit(
        "date: 2020-10-19",
        "date: 2020-10-26\n    start: \"10:00\"\n    end: \"12:00\"",
    );
    let report = c.rebuild_json(&[]);
    assert_eq!(report["changed"].as_array().map(Vec::len), Some(1));
    let ch = &report["changed"][0];
    assert_eq!(ch["uid"], D2);
    assert_eq!(
        ch["moved"],
        serde_json::json!({"from": "2020-10-19 15:00", "to": "2020-10-26 10:00"})
    );
    assert_eq!(ch["fields"], serde_json::json!(["start", "end"]));
    assert_eq!(report["unchanged"], 17);

    let after = c.events();
    let d2 = by_uid(&after, D2);
    assert_eq!(d2.sequence, 1);
    assert_eq!(
        d2.start.to_rfc3339(),
        "2020-10-26T09:00:00+00:00",
        "10:00 CET"
    );
    assert_eq!(d2.dtstamp, "20200925T021320Z");
    assert_eq!(d2.prop("LAST-MODIFIED"), Some("20200925T021320Z"));
    assert_eq!(
        d2.prop("CREATED"),
        Some("20200913T122640Z"),
        "CREATED stays"
    );
    for (b, a) in before.iter().zip(&after).filter(|(b, _)| b.uid != D2) {
        assert_eq!(b, a, "{} untouched", b.uid);
    }
}

// Test that changing only a reading bumps only that event and names the field.
#[test]
fn change_only_a_reading() {
    let c = Course::published();
    c.edit(
        "Don't Use Large Mini-Batches, Use Local SGD\n",
        "Don't Use Large Mini-Batches, Use Local SGD (v2)\n",
    );
    let report = c.rebuild_json(&[]);
    let ch = &report["changed"][0];
    assert_eq!(ch["uid"], "fid3024-ht2020-lecture-1@coursefeed");
    assert_eq!(ch["fields"], serde_json::json!(["description"]));
    assert_eq!(ch["moved"], serde_json::Value::Null);
    let events = c.events();
    assert_eq!(events.iter().filter(|e| e.sequence == 1).count(), 1);
    assert_eq!(
        events
            .iter()
            .filter(|e| e.dtstamp == "20200913T122640Z")
            .count(),
        17
    );
}

// Test that a new session starts at SEQUENCE 0 with CREATED at the build time.
#[test]
fn add_a_session() {
    let c = Course::published();
    let yaml = std::fs::read_to_string(c.path("schedule.yaml")).expect("read");
    std::fs::write(c.path("schedule.yaml"), format!("{yaml}\n  - kind: Exam\n    number: 1\n    date: 2021-01-11\n    start: \"08:00\"\n    end: \"13:00\"\n")).expect("write");
    let report = c.rebuild_json(&[]);
    assert_eq!(
        report["added"],
        serde_json::json!([{"uid": "fid3024-ht2020-exam-1@coursefeed", "summary": "Exam 1", "start": "2021-01-11 08:00"}])
    );
    assert_eq!(report["unchanged"], 18);
    let events = c.events();
    let exam = by_uid(&events, "fid3024-ht2020-exam-1@coursefeed");
    assert_eq!(
        (exam.sequence, exam.prop("CREATED")),
        (0, Some("20200925T021320Z"))
    );
    assert_eq!(exam.start.to_rfc3339(), "2021-01-11T07:00:00+00:00");
}

// Test that the report says, in the schedule's words, what happened to
// which session and when: a cancellation without "Cancelled:" twice, a
// move with both days, and each other change by the field a teacher edits
// (room, zoom, note, topic, readings, links, the end time).
#[test]
fn report_says_what_happened_in_words() {
    let c = Course::published();
    c.edit(
        "number: 4\n    date: 2020-11-09",
        "number: 4\n    date: 2020-11-09\n    status: cancelled",
    );
    c.edit(
        "number: 1\n    date: 2020-10-05",
        "number: 1\n    date: 2020-10-05\n    room: Sal C\n    note: Bring a laptop.",
    );
    c.edit(
        "    readings:\n      - title: \"Communication-Efficient",
        "    readings:\n      - {title: Extra reading, url: papers/extra.pdf}\n      - title: \"Communication-Efficient",
    );
    c.edit("date: 2020-10-19", "date: 2020-10-27");
    c.edit(
        "number: 3\n    date: 2020-10-26\n    topic: \"Distributed learning: model-parallelization\"",
        "number: 3\n    date: 2020-10-26\n    topic: Model parallelism\n    end: \"18:00\"\n    zoom: https://kth-se.zoom.us/j/1\n    links: [{label: slides, url: /slides/3.pdf}]",
    );
    // The same in JSON, for scripts: each phrase, the name, the start.
    let json = c.rebuild_json(&["--dry-run"]);
    assert_eq!(
        json["changed"][0]["details"],
        serde_json::json!([
            "room added \"Sal C\"",
            "reading added \"Extra reading\"",
            "note added \"Bring a laptop.\""
        ])
    );
    assert_eq!(
        (
            &json["changed"][3]["name"],
            &json["changed"][3]["start"],
            &json["changed"][3]["cancelled"]
        ),
        (
            &serde_json::json!("Lecture 4: Robust learning, e.g., byzantine-resilient learning"),
            &serde_json::json!("2020-11-09 15:00"),
            &serde_json::json!(true)
        )
    );
    let out = c.build(&[], Some(T2));
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).expect("utf8"),
        "changed    Discussion 1: Fundamental of ML, e.g., scalability, batch size, etc. (Mon 2020-10-05 15:00): room added \"Sal C\"; reading added \"Extra reading\"; note added \"Bring a laptop.\"\n\
         moved      Discussion 2: Distributed learning: data-parallelization (Mon 2020-10-19 15:00 -> Tue 2020-10-27 15:00)\n\
         changed    Lecture 3: Model parallelism (Mon 2020-10-26 15:00): time 15:00-17:00 -> 15:00-18:00; topic \"Distributed learning: model-parallelization\" -> \"Model parallelism\"; zoom \"https://kth-se.zoom.us/j/2884945301\" -> \"https://kth-se.zoom.us/j/1\"; link added \"slides\"\n\
         cancelled  Lecture 4: Robust learning, e.g., byzantine-resilient learning (Mon 2020-11-09 15:00)\n\
         0 added, 4 changed, 0 removed, 14 unchanged\n\
         public/schedule.ics: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18, 1 warning; tz database 2026f (TZDIR) (written)\n\
         public/schedule.md: page (written)\n"
    );
}

// Test that a removed reading, a reading made optional, a changed link and
// a session no longer cancelled are each said, and a deadline's new day.
#[test]
fn report_says_removals_and_restorations() {
    let c = Course::published();
    c.edit(
        "number: 4\n    date: 2020-11-09",
        "number: 4\n    date: 2020-11-09\n    status: cancelled",
    );
    assert!(c.build(&[], Some(T2)).status.success());
    c.edit("    status: cancelled\n", "");
    c.edit(
        "      - title: Measuring the Effects of Data Parallelism on Neural Network Training\n        url: /papers/2019 - Measuring the Effects of Data Parallelism on Neural Network Training.pdf\n",
        "",
    );
    c.edit(
        "      - title: \"Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour\"\n",
        "      - title: \"Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour\"\n        optional: true\n",
    );
    c.edit(
        "{title: Report 2, date: 2020-10-26}",
        "{title: Report 2, date: 2020-10-27}",
    );
    let out = c.build(&[], Some("1602000000"));
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).expect("utf8"),
        "changed    Lecture 1: Fundamental of ML, e.g., scalability, batch size, etc.. (Mon 2020-09-28 15:00): reading \"Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour\" now optional; reading removed \"Measuring the Effects of Data Parallelism on Neural Network...\"\n\
         changed    Lecture 4: Robust learning, e.g., byzantine-resilient learning (Mon 2020-11-09 15:00): no longer cancelled\n\
         moved      Deadline: Report 2 (Mon 2020-10-26 -> Tue 2020-10-27)\n\
         0 added, 3 changed, 0 removed, 15 unchanged\n\
         public/schedule.ics: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18; tz database 2026f (TZDIR) (written)\n\
         public/schedule.md: page (written)\n"
    );
}

// Test that cancelling keeps the event, marks it, bumps SEQUENCE and reports it.
#[test]
fn cancel_a_session() {
    let c = Course::published();
    c.edit(
        "date: 2020-10-19",
        "date: 2020-10-19\n    status: cancelled",
    );
    let out = c.build(&[], Some(T2));
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("utf8");
    // Reported once: the cancellation is the change.
    assert!(stdout.starts_with("cancelled  Discussion 2: Distributed learning: data-parallelization (Mon 2020-10-19 15:00)\n0 added, 1 changed, 0 removed, 17 unchanged\n"), "{stdout}");
    let events = c.events();
    let d2 = by_uid(&events, D2);
    assert_eq!((d2.sequence, d2.status.as_deref()), (1, Some("CANCELLED")));
    assert!(d2.summary.starts_with("Cancelled: "));
}

fn remove_discussion_2(c: &Course) {
    let yaml = std::fs::read_to_string(c.path("schedule.yaml")).expect("read");
    let start = yaml
        .find("  - kind: Discussion\n    number: 2\n")
        .expect("D2");
    let end = start + yaml[start..].find("\n\n").expect("end of D2") + 2;
    std::fs::write(
        c.path("schedule.yaml"),
        format!("{}{}", &yaml[..start], &yaml[end..]),
    )
    .expect("write");
}

// Test that removing a published session stops the build, names it, suggests
// cancelling, and leaves the feed as it was.
#[test]
fn removal_is_refused() {
    let c = Course::published();
    let before = c.feed();
    remove_discussion_2(&c);
    let out = c.build(&[], Some(T2));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).expect("utf8"),
        "error: 1 session published in `public/schedule.ics` is missing from the schedule; subscribers would silently lose it:\n  - Discussion 2: Distributed learning: data-parallelization (UID fid3024-ht2020-discussion-2@coursefeed)\n  hint: to call a session off, keep it with `status: cancelled`; to drop it anyway, run again with --allow-removal\n"
    );
    assert_eq!(c.feed(), before);
}

// Test that --allow-removal drops the event and reports it.
#[test]
fn removal_when_allowed() {
    let c = Course::published();
    remove_discussion_2(&c);
    let report = c.rebuild_json(&["--allow-removal"]);
    assert_eq!(report["removed"][0]["uid"], D2);
    let events = c.events();
    assert_eq!(events.len(), 17);
    assert!(events.iter().all(|e| e.uid != D2 && e.sequence == 0));
}

// Test that --dry-run reports but writes nothing.
#[test]
fn dry_run_writes_nothing() {
    let c = Course::published();
    let before = c.feed();
    c.edit("date: 2020-10-19", "date: 2020-10-20");
    let out = c.build(&["--dry-run"], Some(T2));
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("utf8");
    assert!(stdout.starts_with("moved      Discussion 2: Distributed learning: data-parallelization (Mon 2020-10-19 15:00 -> Tue 2020-10-20 15:00)\n"), "{stdout}");
    assert!(stdout.contains("(dry run, nothing written)"));
    assert_eq!(c.feed(), before);
}

/// Our feed as another tool might publish it: LF line ends, folds at 40
/// octets with a tab, X- properties everywhere, and a SEQUENCE of its own.
fn as_other_tool(ics: &str) -> String {
    let unfolded = ics.replace("\r\n ", "");
    let mut out = String::new();
    for line in unfolded.lines() {
        let line = match line {
            "SEQUENCE:0" => "SEQUENCE:4",
            l => l,
        };
        let bytes = line.as_bytes();
        let mut start = 0;
        let mut first = true;
        while start < bytes.len() {
            let mut end = (start + 40).min(bytes.len());
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            out.push_str(if first { "" } else { "\t" });
            out.push_str(&line[start..end]);
            out.push('\n');
            start = end;
            first = false;
        }
        if line == "BEGIN:VEVENT" || line == "METHOD:PUBLISH" {
            out.push_str("X-OTHER-TOOL;X-PARAM=1:something\nX-MICROSOFT-CDO-BUSYSTATUS:BUSY\n");
        }
    }
    out
}

// Test that a previous feed from another tool (other folding, extra unknown
// properties, its own SEQUENCE) is read leniently and its revisions carried over.
#[test]
fn previous_feed_from_another_tool() {
    let c = Course::published();
    let other = as_other_tool(&c.feed());
    std::fs::write(c.path("other.ics"), &other).expect("write");
    let report = c.rebuild_json(&["--previous", "other.ics"]);
    assert_eq!(report["unchanged"], 18, "{report}");
    assert!(c
        .events()
        .iter()
        .all(|e| e.sequence == 4 && e.dtstamp == "20200913T122640Z"));
}

// Test that a corrupt previous feed stops the build clearly, and --fresh rebuilds.
#[test]
fn corrupt_previous_feed() {
    let c = Course::published();
    let corrupt = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:trunc";
    std::fs::write(c.path("public/schedule.ics"), corrupt).expect("corrupt");
    let out = c.build(&[], Some(T2));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).expect("utf8");
    assert!(
        stderr.starts_with("error: cannot read the previous feed `public/schedule.ics`: "),
        "{stderr}"
    );
    assert!(stderr.contains("--fresh"));
    assert_eq!(c.feed(), corrupt, "left as it was");

    let out = c.build(&["--fresh"], Some(T2));
    assert!(out.status.success());
    assert_eq!(c.events().len(), 18);
}

// Test that renaming a session's kind changes its UID (so the old one counts
// as removed), unless an explicit id keeps its identity.
#[test]
fn explicit_id_keeps_identity_through_renames() {
    let c = Course::published();
    c.edit(
        "  - kind: Discussion\n    number: 2\n",
        "  - kind: Seminar\n    number: 2\n",
    );
    let out = c.build(&["--dry-run"], Some(T2));
    assert_eq!(
        out.status.code(),
        Some(1),
        "renaming without an id removes the old event"
    );

    c.edit(
        "  - kind: Seminar\n    number: 2\n",
        "  - kind: Seminar\n    number: 2\n    id: discussion-2\n",
    );
    let report = c.rebuild_json(&[]);
    assert_eq!(report["removed"], serde_json::json!([]));
    assert_eq!(report["changed"][0]["uid"], D2);
    assert_eq!(
        report["changed"][0]["fields"],
        serde_json::json!(["categories", "summary"])
    );
    assert_eq!(
        by_uid(&c.events(), D2).summary,
        "Seminar 2: Distributed learning: data-parallelization"
    );
}

// Test that adding a recording after a session bumps exactly that event's
// SEQUENCE, shows in its description, and is reported.
#[test]
fn adding_a_recording() {
    let c = Course::published();
    c.edit(
        "date: 2020-10-19\n",
        "date: 2020-10-19\n    links:\n      - {label: video, url: \"https://play.kth.se/media/D2 recording\"}\n",
    );
    let report = c.rebuild_json(&[]);
    assert_eq!(report["changed"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["changed"][0]["uid"], D2);
    assert_eq!(
        report["changed"][0]["fields"],
        serde_json::json!(["description"])
    );
    let events = c.events();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.sequence == 1)
            .map(|e| e.uid.as_str())
            .collect::<Vec<_>>(),
        vec![D2]
    );
    assert!(by_uid(&events, D2)
        .description
        .contains("Links:\n- video: https://play.kth.se/media/D2%20recording"));
}

// Test that a new all-day deadline is reported with its day, not a midnight.
#[test]
fn new_deadline_is_reported_as_a_day() {
    let c = Course::published();
    c.edit(
        "deadlines:\n",
        "deadlines:\n  - {title: Extra report, date: 2020-12-20}\n",
    );
    let out = c.build(&[], Some(T2));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        stdout.starts_with("added      Deadline: Extra report (2020-12-20)\n1 added, 0 changed, 0 removed, 18 unchanged\n"),
        "{stdout}"
    );
}
