//! `coursefeed import`: the seed round trip, the variety of real pages, a
//! test per warning, and malformed pages that must write nothing.

use crate::common;

use std::path::{Path, PathBuf};

use crate::common::{root, run, seed};
use chrono::{NaiveDate, NaiveTime};
use coursefeed::model::{Schedule, Status};

/// Import `page` with `args`; return (schedule, stderr without the notes
/// of what was assumed, which `says_what_it_assumed` tests).
fn import(page: &Path, args: &[&str]) -> (Schedule, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("schedule.yaml");
    let mut all = vec![
        "import",
        page.to_str().expect("utf8"),
        "-o",
        out.to_str().expect("utf8"),
    ];
    all.extend_from_slice(args);
    let o = run(&root(), &all);
    let stderr = without_notes(&String::from_utf8(o.stderr).expect("utf8"));
    assert!(o.status.success(), "{stderr}");
    let schedule = coursefeed::load_path(&out, common::tzdb())
        .expect("imported YAML is valid")
        .schedule;
    (schedule, stderr)
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/pages").join(name)
}

const SEED_ARGS: &[&str] = &[
    "--year",
    "2020",
    "--name",
    "FID3024 Systems for Scalable Machine Learning",
    "--id",
    "fid3024-ht2020",
    "--url",
    "https://fid3024.github.io/",
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

// Test that importing the seed and rendering the page (without the
// subscribe block the seed never had) gives the seed back byte for byte,
// and that the YAML is complete: the feed's address for the subscribe
// block, and the page's output beside the feed's.
#[test]
fn seed_round_trip_page() {
    let (schedule, stderr) = import(&seed(), SEED_ARGS);
    assert_eq!(stderr, "", "the seed maps completely");
    assert_eq!(
        coursefeed::page::render(&schedule, false),
        std::fs::read_to_string(seed()).expect("seed")
    );
    assert_eq!(
        schedule.feed.url.as_ref().map(|u| u.as_str()),
        Some("https://fid3024.github.io/schedule.ics")
    );
    assert!(schedule.page.subscribe);
}

// Test that building the imported seed gives the same events as data/schedule.yaml.
#[test]
fn seed_round_trip_events() {
    let (imported, _) = import(&seed(), SEED_ARGS);
    let shipped = coursefeed::load_path(&root().join("data/schedule.yaml"), common::tzdb())
        .expect("valid")
        .schedule;
    let stamp = coursefeed::feed::stamp(Some(common::EPOCH)).expect("stamp");
    let a = common::parse(&coursefeed::feed::render(&imported, stamp));
    let mut b = common::parse(&coursefeed::feed::render(&shipped, stamp));
    // The page predates the deadlines added to the data.
    b.retain(|e| e.categories != ["Deadline"]);
    assert_eq!(a.len(), 12);
    assert_eq!(a, b);
}

// Test heading levels #..###, month spellings, plain and bold labels, an
// explicit year, `15:00 - 17:00` and the en dash, and the intro text kept.
#[test]
fn levels_months_labels() {
    let (s, stderr) = import(
        &fixture("levels_months.md"),
        &["--year", "2020", "--url", "https://example.org/"],
    );
    assert_eq!(stderr, "");
    let dates: Vec<_> = s
        .sessions
        .iter()
        .map(|x| (x.date, x.start, x.end))
        .collect();
    assert_eq!(
        dates,
        vec![
            (date(2020, 9, 28), hm(15, 0), hm(17, 0)),
            (date(2020, 9, 29), hm(15, 0), hm(17, 0)),
            (date(2020, 9, 30), hm(15, 0), hm(17, 0)),
        ]
    );
    let topics: Vec<_> = s.sessions.iter().map(|x| x.topic.as_deref()).collect();
    assert_eq!(
        topics,
        vec![
            Some("Plain label"),
            Some("Bold label outside"),
            Some("En dash")
        ]
    );
    assert_eq!(
        s.sessions[0].readings[0]
            .url
            .as_ref()
            .map(|l| l.written.as_str()),
        Some("/papers/a.pdf")
    );
    assert_eq!(
        s.sessions[0].zoom.as_ref().map(|z| z.written.as_str()),
        Some("https://kth-se.zoom.us/j/1")
    );
    assert!(s.sessions[1].zoom.is_none() && s.sessions[1].readings.is_empty());
    assert_eq!(
        s.page.intro.as_deref(),
        Some("Welcome to the course. All times are Stockholm time.")
    );
    assert_eq!(
        s.course.name, "Variants",
        "name from the front matter's title"
    );
}

// Test `9-11` hours, rooms instead of zoom links, and no zoom at all.
#[test]
fn short_hours_and_rooms() {
    let (s, _) = import(&fixture("rooms.md"), &["--year", "2020"]);
    let got: Vec<_> = s
        .sessions
        .iter()
        .map(|x| (x.start, x.end, x.room.as_deref(), x.zoom.is_none()))
        .collect();
    assert_eq!(
        got,
        vec![
            (hm(9, 0), hm(11, 0), Some("Sal C"), true),
            (hm(13, 15), hm(15, 0), Some("Room 4523"), true),
            (hm(8, 0), hm(10, 0), None, true),
        ]
    );
}

// Test several links per reading, a reading with no link, and a linked title.
#[test]
fn reading_links() {
    let (s, _) = import(
        &fixture("readings.md"),
        &["--year", "2020", "--url", "https://example.org/"],
    );
    let r = &s.sessions[0].readings;
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].title, "Two links");
    assert_eq!(
        r[0].url.as_ref().map(|l| l.url.as_str()),
        Some("https://example.org/papers/b.pdf")
    );
    assert_eq!(r[0].links[0].label, "slides");
    assert_eq!(
        r[0].links[0].link.url.as_str(),
        "https://example.org/slides/b.pdf"
    );
    assert_eq!(
        (r[1].title.as_str(), r[1].url.is_none()),
        ("No link at all", true)
    );
    assert_eq!(r[2].title, "Linked title");
    assert_eq!(
        r[2].url.as_ref().map(|l| l.url.as_str()),
        Some("https://example.org/c.pdf")
    );
    // The page shows every link again.
    let page = coursefeed::page::render(&s, false);
    assert!(
        page.contains("* Two links [[pdf](/papers/b.pdf)] [[slides](/slides/b.pdf)]\n"),
        "{page}"
    );
}

// Test that CRLF line ends are read like LF.
#[test]
fn crlf_pages() {
    let (s, stderr) = import(
        &fixture("crlf.md"),
        &["--year", "2020", "--url", "https://example.org/"],
    );
    assert_eq!(stderr, "");
    assert_eq!(s.sessions[0].topic.as_deref(), Some("Windows line ends"));
    assert_eq!(s.sessions[0].readings[0].title, "A");
}

// Test that the year rolls over when the month goes back across New Year.
#[test]
fn across_new_year() {
    let (s, _) = import(&fixture("new_year.md"), &["--year", "2020"]);
    let dates: Vec<_> = s.sessions.iter().map(|x| x.date).collect();
    assert_eq!(
        dates,
        vec![
            date(2020, 11, 30),
            date(2020, 12, 14),
            date(2021, 1, 11),
            date(2021, 2, 1)
        ]
    );
    // 15:00 in January is CET: 14:00Z.
    assert_eq!(
        s.sessions[2].starts_at.to_rfc3339(),
        "2021-01-11T14:00:00+00:00"
    );
}

// Test that headings without numbers are numbered in order of appearance per
// kind, and missing times take --start/--end.
#[test]
fn no_numbers_no_times() {
    let (s, _) = import(
        &fixture("no_numbers_no_times.md"),
        &["--year", "2020", "--start", "10:00", "--end", "12:00"],
    );
    let got: Vec<_> = s
        .sessions
        .iter()
        .map(|x| (x.label(), x.start, x.end))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Lecture 1".to_string(), hm(10, 0), hm(12, 0)),
            ("Discussion 1".to_string(), hm(10, 0), hm(12, 0)),
            ("Lecture 2".to_string(), hm(10, 0), hm(12, 0)),
        ]
    );
}

// Test each warning: an unmapped line and a heading that is not a session,
// both kept in the session's note. Heading links other than zoom become the
// session's links; cancelled and tentative headings map to the status.
#[test]
fn warnings_keep_the_text() {
    let (s, stderr) = import(
        &fixture("unmapped.md"),
        &["--year", "2020", "--url", "https://example.org/"],
    );
    let page = fixture("unmapped.md");
    let p = page.display();
    assert_eq!(
        stderr,
        format!(
            "warning: {p}:3: kept in the note of Lecture 2: Bring your laptop!\nwarning: {p}:4: kept in the note of Lecture 2: ## Exam week\n"
        )
    );
    assert_eq!(s.sessions[0].status, Status::Cancelled);
    assert_eq!(s.sessions[1].status, Status::Tentative);
    assert_eq!(
        s.sessions[1].note.as_deref(),
        Some("Bring your laptop!\n## Exam week")
    );
    let links: Vec<_> = s.sessions[1]
        .links
        .iter()
        .map(|l| (l.label.as_str(), l.link.url.as_str()))
        .collect();
    assert_eq!(links, vec![("slides", "https://example.org/slides/2.pdf")]);
}

/// Import `page` text; it must fail with `expected` and write nothing.
fn fails(page: &str, args: &[&str], expected: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("page.md"), page).expect("write");
    let mut all = vec!["import", "page.md", "-o", "out.yaml"];
    all.extend_from_slice(args);
    let o = run(dir.path(), &all);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(o.stderr).expect("utf8"),
        format!("{expected}\n")
    );
    assert!(!dir.path().join("out.yaml").exists(), "wrote something");
}

// Test that a page without sessions is refused.
#[test]
fn no_sessions() {
    fails("# Schedule\n\nComing soon.\n", &["--year", "2020"], "error: page.md: no sessions found: expected headings such as `# Lecture Session 1: Sep. 28, 15:00-17:00`");
}

// Test that a date that does not exist is refused with its line.
#[test]
fn impossible_date() {
    fails(
        "# Lecture Session 1: Feb. 28, 15:00-17:00\n# Lecture Session 2: Feb. 30, 15:00-17:00\n",
        &["--year", "2021"],
        "error: page.md:2: February 30, 2021 is not a date\n 2 | # Lecture Session 2: Feb. 30, 15:00-17:00",
    );
}

// Test that an impossible time is refused with its line.
#[test]
fn impossible_time() {
    fails(
        "\n# Lecture Session 1: Feb. 28, 15:00-25:00\n",
        &["--year", "2021"],
        "error: page.md:2: 25:00 is not a time of day\n 2 | # Lecture Session 1: Feb. 28, 15:00-25:00",
    );
}

// Test that a heading without a time needs --start and --end.
#[test]
fn missing_time_without_defaults() {
    fails(
        "# Lecture Session 1: Feb. 28\n",
        &["--year", "2021"],
        "error: page.md:1: the heading has no time\n 1 | # Lecture Session 1: Feb. 28\n  hint: give --start and --end for such sessions",
    );
}

// Test that relative links need the course site, named at their line.
#[test]
fn relative_link_needs_url() {
    fails(
        "# Lecture Session 1: Feb. 1, 15:00-17:00\n#### **Reading material**\n* A [[pdf](/papers/a.pdf)]\n",
        &["--year", "2021"],
        "error: page.md:3: `/papers/a.pdf` is a relative link\n 3 | * A [[pdf](/papers/a.pdf)]\n  hint: give --url with the course site to resolve it",
    );
}

// Test that import never overwrites an existing schedule without --force.
#[test]
fn keeps_existing_schedule() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(seed(), dir.path().join("page.md")).expect("copy");
    std::fs::write(dir.path().join("out.yaml"), "precious").expect("write");
    let o = run(
        dir.path(),
        &["import", "page.md", "--year", "2020", "-o", "out.yaml"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(o.stderr).expect("utf8"),
        "error: `out.yaml` already exists; pass --force to replace it\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.yaml")).expect("read"),
        "precious"
    );
}

// Test explicit years across New Year (a later date without a year follows
// the last written one), `Sept.`, `__bold__` labels, and zoom in defaults.
#[test]
fn explicit_years() {
    let (s, stderr) = import(&fixture("explicit_years.md"), &["--year", "1999"]);
    assert_eq!(stderr, "");
    let dates: Vec<_> = s.sessions.iter().map(|x| x.date).collect();
    assert_eq!(
        dates,
        vec![
            date(2020, 9, 3),
            date(2020, 12, 14),
            date(2021, 1, 11),
            date(2021, 1, 18)
        ]
    );
    assert_eq!(s.sessions[0].topic.as_deref(), Some("Underscore bold"));
    assert_eq!(s.sessions[0].readings[0].title, "Paper");
    assert!(
        s.sessions
            .iter()
            .all(|x| x.zoom.as_ref().map(|z| z.written.as_str())
                == Some("https://kth-se.zoom.us/j/9"))
    );
    assert!(s
        .sessions
        .iter()
        .all(|x| (x.start, x.end) == (hm(10, 0), hm(11, 30))));
}

// Test that import says what it assumed: the zone when --timezone is not
// given, and the calendar's name, from the page's title or a default.
#[test]
fn says_what_it_assumed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(
        dir.path(),
        &[
            "import",
            seed().to_str().expect("utf8"),
            "--year",
            "2020",
            "--url",
            "https://fid3024.github.io/",
            "-o",
            "s.yaml",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = seed().display().to_string();
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "note: {page}: course.timezone is Europe/Stockholm, assumed\n  \
             hint: pass --timezone if the page's times are elsewhere\n\
             note: {page}: feed.url is /schedule.ics, assumed, for the page's subscribe links\n  \
             hint: publish the feed there, or change `feed.url` to where the site serves it\n\
             note: {page}: course.name is `Schedule`, the page's title\n  \
             hint: pass --name to change it\n"
        )
    );
    let yaml = std::fs::read_to_string(dir.path().join("s.yaml")).expect("yaml");
    assert!(yaml.contains("  timezone: Europe/Stockholm\n"), "{yaml}");
}

/// Stderr without the notes on what the import assumed (each a `note:`
/// line and its hint), for tests about something else.
fn without_notes(stderr: &str) -> String {
    let mut out = String::new();
    let mut in_note = false;
    for line in stderr.lines() {
        if line.starts_with("note: ") {
            in_note = true;
        } else if !(in_note && line.starts_with("  hint: ")) {
            in_note = false;
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

// Test the course's later page as its staff wrote it: module headings and
// session labels in bold (`# **Module 1: ...**`, `## **Lecture Session:**
// Sep. 28, ...`), slides and video links on the session lines, Required and
// Optional Reading in bold, trailing spaces. Sessions are numbered in order
// of appearance, the module number goes to its id, and the YAML builds.
#[test]
fn later_page_with_bold_labels() {
    let (s, stderr) = import(
        &fixture("modules_bold_labels.md"),
        &["--year", "2020", "--url", "https://fid3024.github.io/"],
    );
    assert_eq!(stderr, "", "maps completely");
    let sessions: Vec<(String, Option<u32>, NaiveDate, NaiveTime, NaiveTime)> = s
        .sessions
        .iter()
        .map(|x| (x.kind.clone(), x.number, x.date, x.start, x.end))
        .collect();
    let at = |kind: &str, n, m, d| {
        (
            kind.to_owned(),
            Some(n),
            date(2020, m, d),
            hm(15, 0),
            hm(17, 0),
        )
    };
    assert_eq!(
        sessions,
        vec![
            at("Lecture", 1, 9, 28),
            at("Discussion", 1, 10, 5),
            at("Lecture", 2, 10, 12),
            at("Discussion", 2, 10, 19),
            at("Lecture", 3, 10, 26),
            at("Discussion", 3, 11, 2),
        ]
    );
    let titles: Vec<(&str, &str)> = s
        .modules
        .iter()
        .map(|m| (m.id.as_str(), m.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        vec![
            (
                "m1",
                "Fundamental of ML, e.g., scalability, batch size, etc."
            ),
            ("m2", "Distributed learning: data-parallelization"),
            ("m3", "Distributed learning: model-parallelization"),
        ]
    );
    let links = |i: usize| -> Vec<(String, String)> {
        s.sessions[i]
            .links
            .iter()
            .map(|l| (l.label.clone(), l.link.url.clone()))
            .collect()
    };
    assert_eq!(
        links(0),
        vec![
            (
                "slides".into(),
                "https://fid3024.github.io/slides/1-1.pdf".into()
            ),
            (
                "video".into(),
                "https://kth.box.com/s/4q8h2x1f0lecture1".into()
            ),
        ]
    );
    assert_eq!(links(3), vec![]);
    // The module's readings, required then optional, reach its sessions.
    let readings = |i: usize| -> Vec<(String, bool)> {
        s.sessions[i]
            .readings
            .iter()
            .map(|r| (r.title.clone(), r.optional))
            .collect()
    };
    assert_eq!(
        readings(1),
        vec![
            (
                "Measuring the Effects of Data Parallelism on Neural Network Training".into(),
                false
            ),
            (
                "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour".into(),
                false
            ),
            ("Don't Use Large Mini-Batches, Use Local SGD".into(), true),
        ]
    );
    assert_eq!(
        s.sessions[2].readings[2]
            .url
            .as_ref()
            .map(|l| l.url.as_str()),
        Some("https://arxiv.org/abs/1802.05799")
    );
    assert_eq!(
        s.sessions[4].topic.as_deref(),
        Some("Distributed learning: model-parallelization")
    );
    assert!(s.sessions[4].readings.is_empty(), "TBA is no reading");
}

// Test the other ways people emphasise headings and labels: `__` around a
// heading's label, `*` around a whole heading, `_Topic:_`, `**Topic:**`
// with emphasis in the text, a label in `*...*`; an underscore inside a word
// or a link stays.
#[test]
fn emphasis_anywhere_in_headings_and_labels() {
    let (s, stderr) = import(
        &fixture("emphasis_styles.md"),
        &["--year", "2020", "--url", "https://fid3024.github.io/"],
    );
    assert_eq!(stderr, "", "maps completely");
    let got: Vec<(String, Option<u32>, NaiveDate, Option<String>)> = s
        .sessions
        .iter()
        .map(|x| (x.kind.clone(), x.number, x.date, x.topic.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "Lecture".into(),
                Some(1),
                date(2020, 9, 28),
                Some("Fundamental of ML, e.g., scalability, batch size, etc.".into())
            ),
            (
                "Discussion".into(),
                Some(1),
                date(2020, 10, 5),
                Some("Fundamental of ML, continued".into())
            ),
        ]
    );
    let reading = &s.sessions[0].readings[0];
    assert_eq!(reading.title, "Measuring the Effects of Data_Parallelism");
    assert_eq!(
        reading.url.as_ref().map(|l| l.url.as_str()),
        Some("https://fid3024.github.io/papers/measuring_effects_.pdf")
    );
    assert_eq!(
        s.sessions[0].zoom.as_ref().map(|z| z.url.as_str()),
        Some("https://kth-se.zoom.us/j/2884945301")
    );
}

// Test README's "Migrating" steps on the course's later page: import it to
// data/schedule.yaml, then `build` writes the feed and a page with the
// page's front matter and a working subscribe block, beside the feed.
#[test]
fn migrating_ends_with_a_feed_and_a_page() {
    let page = std::fs::read_to_string(fixture("modules_bold_labels.md")).expect("fixture");
    let done = crate::common::Test::new()
        .file("site/schedule.md", &page)
        .args([
            "import",
            "site/schedule.md",
            "--year",
            "2020",
            "--name",
            "FID3024",
            "--timezone",
            "Europe/Stockholm",
            "--url",
            "https://fid3024.github.io/",
            "-o",
            "data/schedule.yaml",
        ])
        .stdout("wrote data/schedule.yaml: 6 sessions from site/schedule.md")
        .stderr(
            "note: site/schedule.md: feed.url is /schedule.ics, assumed, for the page's subscribe links\n  \
             hint: publish the feed there, or change `feed.url` to where the site serves it",
        )
        .success();
    let yaml = done.read("data/schedule.yaml");
    assert!(
        yaml.contains("feed:\n  url: /schedule.ics\npage:\n  output: ../public/schedule.md\n"),
        "{yaml}"
    );
    let o = common::run(done.dir.path(), &["build", "data/schedule.yaml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stderr), "", "no advice needed");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.ends_with("public/schedule.md: page (written)\n"),
        "{stdout}"
    );
    let built = done.read("public/schedule.md");
    assert!(built.starts_with("---\nlayout: page\ntitle: Schedule\npermalink: /schedule/\n---\n\n**Subscribe to this schedule:** [Apple Calendar / Thunderbird](webcal://fid3024.github.io/schedule.ics)"), "{built}");
    assert_eq!(common::parse(&done.read("public/schedule.ics")).len(), 6);
}
