//! `build --previous URL`: the published feed read from its address, as a
//! site deployed by CI must (nothing published is in its repository).
//! Each test starts a small HTTP server on 127.0.0.1 in a thread.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};

use crate::common::{self, Test};

const HINT: &str = "  hint: check the address, or run with --fresh to start every event again (subscribers' apps may keep stale copies of changed events)";

/// A server on 127.0.0.1 answering each path with its whole HTTP answer
/// (status line, headers, body); other paths get 404. Its base address.
fn serve(answers: HashMap<&'static str, Vec<u8>>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            // The rest of the request's head, up to its empty line.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or_default();
            let answer = answers.get(path).cloned().unwrap_or_else(|| {
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
            });
            let _ = stream.write_all(&answer);
        }
    });
    base
}

fn ok(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn redirect(status: &str, to: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

/// The shipped course, published once: (its schedule, its feed).
fn published() -> (String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    common::shipped_schedule_in(dir.path());
    let out = common::run(dir.path(), &["build", "schedule.yaml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).expect("read");
    (read("schedule.yaml"), read("public/schedule.ics"))
}

// Test that a build in a fresh checkout (no feed on disk) compares with the
// feed at its address, reached through a redirect: only the moved session
// changes, with SEQUENCE 1; every other event keeps its revision.
#[test]
fn compares_with_the_feed_at_its_address() {
    let (yaml, feed) = published();
    let base = serve(HashMap::from([
        ("/schedule.ics", ok(&feed)),
        (
            "/old/schedule.ics",
            redirect("301 Moved Permanently", "/schedule.ics"),
        ),
    ]));
    let url = format!("{base}/old/schedule.ics");
    let moved = yaml.replacen("date: 2020-10-19", "date: 2020-10-20", 1);
    let done = Test::new()
        .schedule(&moved)
        .args(["build", "schedule.yaml", "--previous", &url])
        .stdout(
            "moved      Discussion 2: Distributed learning: data-parallelization (Mon 2020-10-19 15:00 -> Tue 2020-10-20 15:00)
0 added, 1 changed, 0 removed, 17 unchanged
public/schedule.ics: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18; tz database 2026f (TZDIR) (written)
public/schedule.md: page (written)",
        )
        .success();
    let events = common::parse(&done.read("public/schedule.ics"));
    let sequences: Vec<u32> = events.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences.iter().sum::<u32>(), 1, "{sequences:?}");
    // Unchanged events are byte for byte as published.
    let before = common::parse(&feed);
    let same = events
        .iter()
        .zip(&before)
        .filter(|(a, b)| a.props == b.props)
        .count();
    assert_eq!(same, 17);
}

// Test that an address with nothing yet (404) is a first publish, and the
// report says so.
#[test]
fn not_found_is_a_first_publish() {
    let base = serve(HashMap::new());
    let url = format!("{base}/schedule.ics");
    Test::new()
        .schedule("course: {name: C, timezone: UTC}\nsessions:\n  - {kind: Lecture, number: 1, date: 2020-09-28, start: \"10:00\", end: \"12:00\"}\n")
        .args(["build", "schedule.yaml", "--previous", &url])
        .stdout(&format!(
            "previous   nothing published at {url} yet (404): a first publish, every event new
added      Lecture 1 (2020-09-28 10:00)
1 added, 0 changed, 0 removed, 0 unchanged
public/schedule.ics: 1 session, on 2020-09-28; tz database 2026f (TZDIR) (written)"
        ))
        .success();
    // For scripts: `first_publish` in the JSON report.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("schedule.yaml"), ONE).expect("write");
    let out = common::run(
        dir.path(),
        &[
            "build",
            "schedule.yaml",
            "--previous",
            &url,
            "--format",
            "json",
            "--dry-run",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (&json["first_publish"], &json["report"]["added"][0]["uid"]),
        (
            &serde_json::json!(true),
            &serde_json::json!("c-lecture-1@coursefeed")
        )
    );
}

const ONE: &str = "course: {name: C, timezone: UTC}\nsessions:\n  - {kind: Lecture, number: 1, date: 2020-09-28, start: \"10:00\", end: \"12:00\"}\n";

// Test that an address that does not give the feed stops the build before
// anything is written: a server error, a redirect loop, 410 Gone, a page
// that is not a calendar, a port where nothing listens.
#[test]
fn unreadable_address_writes_nothing() {
    let base = serve(HashMap::from([
        (
            "/error.ics",
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .to_vec(),
        ),
        ("/loop.ics", redirect("302 Found", "/loop.ics")),
        (
            "/gone.ics",
            b"HTTP/1.1 410 Gone\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
        ),
        ("/page.ics", ok("<html>Welcome</html>")),
    ]));
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!(
            "http://{}/schedule.ics",
            listener.local_addr().expect("address")
        )
    };
    for (url, why) in [
        (
            format!("{base}/error.ics"),
            "the server answered 500 Internal Server Error".to_owned(),
        ),
        (
            format!("{base}/loop.ics"),
            "more than 5 redirects".to_owned(),
        ),
        (closed.clone(), "the connection was refused".to_owned()),
    ] {
        Test::new()
            .schedule(ONE)
            .args(["build", "schedule.yaml", "--previous", &url])
            .stderr(&format!(
                "error: cannot read the previous feed at {url}: {why}\n{HINT}"
            ))
            .failure();
    }
    let url = format!("{base}/page.ics");
    Test::new()
        .schedule(ONE)
        .args(["build", "schedule.yaml", "--previous", &url])
        .stderr(&format!("error: cannot read the previous feed `{url}`: it does not start with BEGIN:VCALENDAR\n  hint: fix or remove it, or run with --fresh to rebuild every event from scratch"))
        .failure();
    // --fresh: the address is not read, every event starts anew.
    Test::new()
        .schedule(ONE)
        .args([
            "build",
            "schedule.yaml",
            "--previous",
            &format!("{base}/error.ics"),
            "--fresh",
        ])
        .stdout(
            "added      Lecture 1 (2020-09-28 10:00)
1 added, 0 changed, 0 removed, 0 unchanged
public/schedule.ics: 1 session, on 2020-09-28; tz database 2026f (TZDIR) (written)",
        )
        .success();
}

// Test that the group feeds are compared with the ones published beside the
// feed's address, as the feed is: a lab moved in group A's feed is changed
// there (SEQUENCE 1, its other event as published), and group B's feed,
// never published (404), is a first publish of its own.
#[test]
fn group_feeds_compare_with_theirs_beside_the_address() {
    let course = "course: {name: C, id: c, timezone: UTC}
sessions:
  - {kind: Lecture, number: 1, date: 2020-09-28, start: \"10:00\", end: \"12:00\"}
  - {kind: Lab, number: 1, date: 2020-09-29, start: \"13:00\", end: \"15:00\", groups: [A]}
  - {kind: Lab, number: 2, date: 2020-09-29, start: \"15:00\", end: \"17:00\", groups: [B]}
";
    let first = tempfile::tempdir().expect("tempdir");
    std::fs::write(first.path().join("schedule.yaml"), course).expect("write");
    let o = common::run(first.path(), &["build", "schedule.yaml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |p: &str| std::fs::read_to_string(first.path().join(p)).expect("read");
    let base = serve(HashMap::from([
        ("/site/schedule.ics", ok(&read("public/schedule.ics"))),
        ("/site/schedule-a.ics", ok(&read("public/schedule-a.ics"))),
    ]));
    let url = format!("{base}/site/schedule.ics");
    let moved = course.replace(
        "start: \"13:00\", end: \"15:00\"",
        "start: \"13:30\", end: \"15:30\"",
    );
    let fresh = tempfile::tempdir().expect("tempdir");
    std::fs::write(fresh.path().join("schedule.yaml"), moved).expect("write");
    let o = common::run(
        fresh.path(),
        &["build", "schedule.yaml", "--previous", &url],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(
            "public/schedule-a.ics: C (A): 2 events; 0 added, 1 changed, 0 removed (written)\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "public/schedule-b.ics: C (B): 2 events; 2 added, 0 changed, 0 removed (written)\n"
        ),
        "{stdout}"
    );
    let a = common::parse(
        &std::fs::read_to_string(fresh.path().join("public/schedule-a.ics")).expect("read"),
    );
    let sequences: Vec<u32> = a.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences, [0, 1]);
}
