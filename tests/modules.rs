//! Modules: sessions take their topic and readings from their module unless
//! they set their own.

mod common;

use common::{build_yaml, parse, run};

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
