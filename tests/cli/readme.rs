//! README's five-minute path, run as a teacher would: the schedule it shows,
//! kept in `_schedule/`, checked and built into the site's folder.

use crate::common::{root, run};

// Test that README's example schedule checks, builds the feed and the page
// at the site's root, and that the page's links lead where the feed's do.
#[test]
fn five_minute_path_builds() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let yaml = readme
        .split("start from\n[`examples/minimal.yaml`](examples/minimal.yaml):\n\n```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("README's schedule");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("_schedule")).expect("folder");
    std::fs::write(
        dir.path().join("_schedule/schedule.yaml"),
        format!("{yaml}\n"),
    )
    .expect("write");
    let check = run(dir.path(), &["check", "_schedule/schedule.yaml"]);
    assert_eq!(
        String::from_utf8_lossy(&check.stdout),
        "_schedule/schedule.yaml: 2 sessions, 2025-09-01 to 2025-09-03; tz database 2026f (TZDIR)\n"
    );
    let build = run(
        dir.path(),
        &["build", "_schedule/schedule.yaml", "-o", "schedule.ics"],
    );
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&build.stderr), "");
    let page = std::fs::read_to_string(dir.path().join("schedule.md")).expect("page at the root");
    assert!(
        page.contains(
            "[Apple Calendar / Thunderbird](webcal://you.github.io/my-course/schedule.ics)"
        ),
        "{page}"
    );
    assert!(
        page.contains("* Course overview [[pdf](/my-course/papers/overview.pdf)]"),
        "{page}"
    );
    let feed = std::fs::read_to_string(dir.path().join("schedule.ics")).expect("feed");
    let events = crate::common::parse(&feed);
    assert!(
        events[0]
            .description
            .contains("\n  https://you.github.io/my-course/papers/overview.pdf"),
        "{}",
        events[0].description
    );
}
