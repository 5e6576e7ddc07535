//! Modules: sessions take their topic and readings from their module unless
//! they set their own.

use crate::common;

use crate::common::{build_yaml, parse, run};

const YAML: &str = "course: {name: T, id: t, timezone: Europe/Stockholm, url: \"https://example.org/\"}
defaults: {start: \"15:00\", end: \"17:00\"}
modules:
  - id: m1
    title: \"Fundamentals of ML: scalability\"
    readings:
      - {title: Core paper, url: /papers/core.pdf}
      - {title: Extra paper, url: /papers/extra.pdf, optional: true}
  - id: m2
    title: Distributed learning
sessions:
  - {kind: Lecture, number: 1, date: 2020-09-28, module: m1}
  - {kind: Discussion, number: 1, date: 2020-10-05, module: m1, topic: Own topic, readings: [{title: Own paper}]}
  - {kind: Lecture, number: 2, date: 2020-10-12, module: m2}
";

// Test that sessions take the module's title and readings, and that their
// own topic and readings win.
#[test]
fn sessions_take_the_module() {
    let events = parse(&build_yaml(YAML));
    assert_eq!(
        events[0].summary,
        "Lecture 1: Fundamentals of ML: scalability"
    );
    assert!(events[0].description.contains("Reading material:\n- Core paper\n  https://example.org/papers/core.pdf\n\nOptional reading:\n- Extra paper"), "{}", events[0].description);
    assert_eq!(events[1].summary, "Discussion 1: Own topic");
    assert!(
        events[1].description.contains("- Own paper")
            && !events[1].description.contains("Core paper")
    );
    assert_eq!(events[2].summary, "Lecture 2: Distributed learning");
    assert!(events[2].description.contains("Reading material: TBA"));
}

// Test that a reference to a module that does not exist is an error with a suggestion.
#[test]
fn unknown_module() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("s.yaml"),
        YAML.replace("module: m2}", "module: m3}"),
    )
    .expect("write");
    let o = run(dir.path(), &["check", "s.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8(o.stderr).expect("utf8");
    assert!(
        stderr.starts_with(
            "error: s.yaml:14:50: Lecture 2, field `module`: no module has the id `m3`"
        ),
        "{stderr}"
    );
}

fn modules_data() -> std::path::PathBuf {
    common::root().join("data/modules-layout.yaml")
}

// Test the modules layout on the course regrouped into six modules: a `#`
// heading per module, a `##` line per session, the module's readings.
#[test]
fn modules_layout_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p.md");
    let o = run(
        dir.path(),
        &[
            "page",
            modules_data().to_str().expect("utf8"),
            "-o",
            out.to_str().expect("utf8"),
            "--no-subscribe",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(out).expect("page");
    let modules: Vec<&str> = page.lines().filter(|l| l.starts_with("# ")).collect();
    assert_eq!(modules.len(), 6);
    assert_eq!(modules[1], "# Distributed learning: data-parallelization");
    let sessions: Vec<&str> = page.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(sessions.len(), 12);
    assert_eq!(sessions[5], "## Discussion Session 3: Nov. 2, 15:00-17:00 [[zoom](https://kth-se.zoom.us/j/2884945301)]");
    let first = page
        .split("<br>\n<hr>\n<br>\n")
        .next()
        .expect("first module");
    assert_eq!(
        first.lines().filter(|l| l.starts_with("* ")).count(),
        8,
        "module 1 has 8 readings"
    );
    assert_eq!(
        page.matches("#### **Required Reading**\n* TBA\n").count(),
        5
    );
}

// Test that the module form of the course gives the same sessions, at the
// same instants with the same UIDs, as data/schedule.yaml.
#[test]
fn modules_form_is_equivalent() {
    let by_module = coursefeed::load_path(&modules_data(), common::tzdb())
        .expect("valid")
        .schedule;
    let plain = coursefeed::load_path(&common::root().join("data/schedule.yaml"), common::tzdb())
        .expect("valid")
        .schedule;
    let key = |s: &coursefeed::Session| (s.uid.clone(), s.starts_at, s.ends_at, s.readings.len());
    let a: Vec<_> = by_module.sessions.iter().map(key).collect();
    let b: Vec<_> = plain
        .sessions
        .iter()
        .filter(|s| !s.deadline)
        .map(key)
        .collect();
    // Module 1's sessions share its eight readings; the plain form splits them four and four.
    let strip = |v: Vec<(
        String,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
        usize,
    )>| {
        v.into_iter()
            .map(|(u, s, e, _)| (u, s, e))
            .collect::<Vec<_>>()
    };
    assert_eq!(a[0].3, 8);
    assert_eq!(strip(a), strip(b));
}

// Test that a module-layout page imports to modules and sessions that
// render the same page again, at the same instants.
#[test]
fn import_modules_layout_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let page = d.join("p.md");
    assert!(run(
        d,
        &[
            "page",
            modules_data().to_str().expect("utf8"),
            "-o",
            "p.md",
            "--no-subscribe"
        ]
    )
    .status
    .success());
    let o = run(
        d,
        &[
            "import",
            "p.md",
            "--year",
            "2020",
            "--url",
            "https://fid3024.github.io/",
            "--id",
            "fid3024-ht2020",
            "--timezone",
            "Europe/Stockholm",
            "--name",
            "FID3024",
            "-o",
            "back.yaml",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8(o.stderr).expect("utf8"),
        "note: p.md: feed.url is schedule.ics, assumed, for the page's subscribe links\n  \
         hint: publish the feed there, or change `feed.url` to where the site serves it\n",
        "maps completely"
    );
    let back = coursefeed::load_path(&d.join("back.yaml"), common::tzdb())
        .expect("valid")
        .schedule;
    assert_eq!(back.modules.len(), 6);
    assert_eq!(back.modules[0].readings.len(), 8);
    assert_eq!(
        coursefeed::page::render_with(&back, false, true),
        std::fs::read_to_string(&page).expect("page")
    );
    let original = coursefeed::load_path(&modules_data(), common::tzdb())
        .expect("valid")
        .schedule;
    let instants = |s: &coursefeed::Schedule| {
        s.sessions
            .iter()
            .map(|x| (x.uid.clone(), x.starts_at))
            .collect::<Vec<_>>()
    };
    assert_eq!(instants(&back), instants(&original));
}

// Test a module page in the later course's style: sessions without numbers
// (numbered in order of appearance), several links per session heading,
// Required and Optional Reading belonging to the module.
#[test]
fn import_modules_some_unnumbered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = "# Module 1: Fundamentals\n## Lecture Session: Sep. 28, 15:00-17:00 [[zoom](https://kth-se.zoom.us/j/1)] [[slides](/s/1.pdf)] [[video](https://play.kth.se/1)]\n## Discussion Session 1: Oct. 5, 15:00-17:00\n#### **Required Reading**\n* A [[pdf](/a.pdf)]\n#### **Optional Reading**\n* B [[pdf](/b.pdf)]\n\n<br>\n<hr>\n<br>\n# Module 2: Scale\n## Lecture Session: Oct. 26, 15:00-17:00\n#### **Required Reading**\n* TBA\n";
    std::fs::write(dir.path().join("p.md"), page).expect("write");
    let o = run(
        dir.path(),
        &[
            "import",
            "p.md",
            "--year",
            "2020",
            "--url",
            "https://example.org/",
            "-o",
            "s.yaml",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = coursefeed::load_path(&dir.path().join("s.yaml"), common::tzdb())
        .expect("valid")
        .schedule;
    let got: Vec<_> = s
        .sessions
        .iter()
        .map(|x| {
            (
                x.label(),
                x.module.clone().unwrap_or_default(),
                x.topic.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "Lecture 1".to_string(),
                "m1".to_string(),
                "Fundamentals".to_string()
            ),
            (
                "Discussion 1".to_string(),
                "m1".to_string(),
                "Fundamentals".to_string()
            ),
            (
                "Lecture 2".to_string(),
                "m2".to_string(),
                "Scale".to_string()
            ),
        ]
    );
    assert_eq!(
        s.sessions[2].starts_at.to_rfc3339(),
        "2020-10-26T14:00:00+00:00",
        "CET"
    );
    let labels: Vec<_> = s.sessions[0]
        .links
        .iter()
        .map(|l| l.label.as_str())
        .collect();
    assert_eq!(labels, vec!["slides", "video"]);
    let r: Vec<_> = s.sessions[1]
        .readings
        .iter()
        .map(|r| (r.title.as_str(), r.optional))
        .collect();
    assert_eq!(
        r,
        vec![("A", false), ("B", true)],
        "readings come from the module"
    );
}
