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
    let stamp = coursefeed::feed::build_time(Some(common::EPOCH)).expect("stamp");
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

// Test that a page without sessions is refused, saying what import looked
// for and what it found.
#[test]
fn no_sessions() {
    fails(
        "# Schedule\n\nComing soon.\n",
        &["--year", "2020"],
        "error: page.md: no dated sessions found: looked for headings, table rows and list items that start with a date (`## Lecture 1 (Sep 7)`, `| 9/6/22 | ... |`, `* Aug 24th, Friday: ...`); found 1 heading, 0 table rows and 0 list items, none with a date\n  hint: add the dates to the page, or write the YAML by hand (see README)",
    );
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
             note: {page}: feed.url is schedule.ics, assumed, for the page's subscribe links\n  \
             hint: publish the feed there, or change `feed.url` to where the site serves it\n\
             note: {page}: course.name is `Schedule`, the page's title\n  \
             hint: pass --name to change it\n"
        )
    );
    let yaml = std::fs::read_to_string(dir.path().join("s.yaml")).expect("yaml");
    assert!(yaml.contains("  timezone: Europe/Stockholm\n"), "{yaml}");
}

/// ` 12 | ...`: the page's line shown under a diagnostic.
fn is_source_line(line: &str) -> bool {
    line.trim_start()
        .split_once(" | ")
        .is_some_and(|(n, _)| n.parse::<usize>().is_ok())
}

/// Stderr without the notes on what the import assumed (each a `note:`
/// line, the page's line and its hint), for tests about something else.
fn without_notes(stderr: &str) -> String {
    let mut out = String::new();
    let mut in_note = false;
    for line in stderr.lines() {
        if line.starts_with("note: ") {
            in_note = true;
        } else if !(in_note && (line.starts_with("  hint: ") || is_source_line(line))) {
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
            "note: site/schedule.md: feed.url is schedule.ics, assumed, for the page's subscribe links\n  \
             hint: publish the feed there, or change `feed.url` to where the site serves it",
        )
        .success();
    let yaml = done.read("data/schedule.yaml");
    assert!(
        yaml.contains("feed:\n  url: schedule.ics\npage:\n  output: ../public/schedule.md\n"),
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

// Test that a course imported for a project site (`me.github.io/ml/`) gets
// subscribe links under that site, not at the domain's root, where another
// site's feed would be.
#[test]
fn a_project_site_keeps_its_feed_under_it() {
    let page = std::fs::read_to_string(fixture("modules_bold_labels.md")).expect("fixture");
    let done = crate::common::Test::new()
        .file("site/schedule.md", &page)
        .args([
            "import",
            "site/schedule.md",
            "--year",
            "2020",
            "--timezone",
            "Europe/Stockholm",
            "--name",
            "ML",
            "--url",
            "https://me.github.io/ml/",
            "-o",
            "data/schedule.yaml",
        ])
        .stdout("wrote data/schedule.yaml: 6 sessions from site/schedule.md")
        .stderr(
            "note: site/schedule.md: feed.url is schedule.ics, assumed, for the page's subscribe links\n  \
             hint: publish the feed there, or change `feed.url` to where the site serves it",
        )
        .success();
    let o = common::run(done.dir.path(), &["build", "data/schedule.yaml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let built = done.read("public/schedule.md");
    assert!(
        built.contains("[Apple Calendar / Thunderbird](webcal://me.github.io/ml/schedule.ics)"),
        "{built}"
    );
}

// ---------------------------------------------------------------------------
// Pages in the shapes courses really have (see docs/importing.md): each
// fixture reproduces one shape, its YAML passes `coursefeed check`, and its
// sessions are asserted whole.

/// Import the fixture `name` with `args` in a folder of its own as
/// `page.md`; then `coursefeed check` the YAML. Returns the schedule, the
/// YAML and stderr without the notes on what was assumed.
fn import_page(name: &str, args: &[&str]) -> (Schedule, String, String) {
    let (schedule, yaml, stderr) = import_page_raw(name, args);
    (schedule, yaml, without_notes(&stderr))
}

/// [`import_page`] with the whole of stderr.
fn import_page_raw(name: &str, args: &[&str]) -> (Schedule, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(fixture(name), dir.path().join("page.md")).expect("copy");
    let mut all = vec!["import", "page.md", "-o", "s.yaml", "--timezone", "UTC"];
    all.extend_from_slice(args);
    let o = run(dir.path(), &all);
    let stderr = String::from_utf8(o.stderr).expect("utf8");
    assert!(o.status.success(), "{stderr}");
    let checked = run(dir.path(), &["check", "s.yaml"]);
    assert!(
        checked.status.success(),
        "check: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let yaml = std::fs::read_to_string(dir.path().join("s.yaml")).expect("yaml");
    let schedule = coursefeed::load_path(&dir.path().join("s.yaml"), common::tzdb())
        .expect("imported YAML is valid")
        .schedule;
    (schedule, yaml, stderr)
}

/// Import the fixture `name`; it must fail with `expected` and write nothing.
fn page_fails(name: &str, args: &[&str], expected: &str) {
    let page = std::fs::read_to_string(fixture(name)).expect("fixture");
    fails(&page, args, expected);
}

/// Each session as (label, date, start, end), deadlines left out.
fn sessions(s: &Schedule) -> Vec<(String, NaiveDate, NaiveTime, NaiveTime)> {
    s.sessions
        .iter()
        .filter(|x| !x.deadline)
        .map(|x| (x.label(), x.date, x.start, x.end))
        .collect()
}

fn at(
    label: &str,
    d: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
) -> (String, NaiveDate, NaiveTime, NaiveTime) {
    (label.to_owned(), d, start, end)
}

// Test a table without header or separator rows and `9/6/22` dates: the
// time stated once on the page ("Tuesdays and Thursdays 9:45am-11:00am"),
// a "no class" row as a holiday, a "Due" row as a deadline, a row with no
// date skipped, and links made absolute against --url.
#[test]
fn table_of_us_dates() {
    let (s, yaml, stderr) = import_page("table_us_dates.md", &["--url", "https://example.org/"]);
    assert_eq!(stderr, "");
    let (a, b) = (hm(9, 45), hm(11, 0));
    assert_eq!(
        sessions(&s),
        vec![
            at("Lecture 1", date(2022, 9, 6), a, b),
            at("Lecture 2", date(2022, 9, 8), a, b),
            at("Lecture 3", date(2022, 9, 13), a, b),
            at("Class 1", date(2022, 11, 22), a, b),
        ]
    );
    assert_eq!(
        s.sessions[0].topic.as_deref(),
        Some("Introduction to Graphics")
    );
    assert_eq!(
        s.sessions[0].links[0].link.url,
        "https://example.org/files/lecture1.pdf"
    );
    assert!(
        yaml.contains("holidays:\n- date: 2022-11-24\n  name: Thanksgiving, no class\n"),
        "{yaml}"
    );
    assert!(
        yaml.ends_with("deadlines:\n- title: Quiz 1 Due\n  date: 2022-09-19\n"),
        "{yaml}"
    );
}

// Test `Aug 17` dates under a header whose separator row has fewer cells,
// rows giving only the day (`| | 19|`) in the month above, holidays in the
// topic or another cell, and --year for a page that names none.
#[test]
fn table_of_month_names() {
    let (s, yaml, _) = import_page(
        "table_month_names.md",
        &["--year", "2020", "--start", "10:00", "--end", "12:00"],
    );
    let (a, b) = (hm(10, 0), hm(12, 0));
    assert_eq!(
        sessions(&s),
        vec![
            at("Class 1", date(2020, 8, 17), a, b),
            at("Class 2", date(2020, 8, 19), a, b),
            at("Class 3", date(2020, 8, 24), a, b),
            at("Class 4", date(2020, 9, 9), a, b),
        ]
    );
    assert_eq!(s.sessions[1].topic.as_deref(), Some("Git, Typescript"));
    assert_eq!(
        s.sessions[0].readings[0].title, "Ch 1",
        "the Readings column"
    );
    assert!(
        yaml.contains("holidays:\n- date: 2020-09-07\n  name: Labor Day\n- date: 2020-12-07\n  name: EXAM PERIOD\n"),
        "{yaml}"
    );
}

// Test `20/02 (terça)`: day first because a number is over 12; no year on
// the page, so import names the years the weekdays fit and asks for one.
#[test]
fn table_of_day_first_dates() {
    page_fails(
        "table_day_first.md",
        &[],
        "error: page.md:5: this date has no year, and neither has the page's title, front matter or introduction\n 5 | | 1          | 20/02    | terça          | T        | Introdução    |\n  hint: pass --year with the year of the first session (the weekdays on the page fit 2024)",
    );
    let (s, yaml, stderr) = import_page(
        "table_day_first.md",
        &["--year", "2024", "--start", "14:00", "--end", "16:00"],
    );
    assert_eq!(stderr, "");
    let (a, b) = (hm(14, 0), hm(16, 0));
    assert_eq!(
        sessions(&s),
        vec![
            at("Class 1", date(2024, 2, 20), a, b),
            at("Class 2", date(2024, 2, 21), a, b),
            at("Class 3", date(2024, 2, 23), a, b),
        ]
    );
    assert_eq!(s.sessions[0].topic.as_deref(), Some("Introdução"));
    assert!(
        yaml.contains("holidays:\n- date: 2024-03-29\n  name: Recesso\n"),
        "{yaml}"
    );
}

// Test `**03 Sep 2025**` dates and each session's own time in a column:
// `09.00-09.15`, `8h30-10h`, `3–4pm`, `12 -3 pm`; sessions in date order.
#[test]
fn table_of_bold_dates_and_times() {
    let (s, _, stderr) = import_page("table_bold_dates.md", &[]);
    assert_eq!(stderr, "");
    assert_eq!(
        sessions(&s),
        vec![
            at("Class 1", date(2025, 9, 3), hm(8, 30), hm(10, 0)),
            at("Class 2", date(2025, 9, 3), hm(9, 0), hm(9, 15)),
            at("Class 3", date(2025, 9, 10), hm(15, 0), hm(16, 0)),
            at("Class 4", date(2025, 9, 17), hm(12, 0), hm(15, 0)),
        ]
    );
    assert_eq!(s.sessions[0].topic.as_deref(), Some("Breakfast talk"));
}

// Test `Thu<br/> 9/28`: the weekday and the date in one cell; two days in
// one cell (`Tue 10/10, Thu 10/12`) are a session each, and a kind word
// without a number (`Workshop days`) stays in the topic.
#[test]
fn table_of_weekday_and_date_in_a_cell() {
    let (s, _, stderr) = import_page(
        "table_weekday_br.md",
        &["--year", "2023", "--start", "10:00", "--end", "11:00"],
    );
    assert_eq!(stderr, "");
    let got: Vec<_> = s
        .sessions
        .iter()
        .map(|x| (x.label(), x.date, x.topic.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Class 1".to_owned(), date(2023, 9, 28), Some("Kickoff")),
            (
                "Class 2".to_owned(),
                date(2023, 10, 3),
                Some("Design review")
            ),
            (
                "Class 3".to_owned(),
                date(2023, 10, 10),
                Some("Workshop days")
            ),
            (
                "Class 4".to_owned(),
                date(2023, 10, 12),
                Some("Workshop days")
            ),
        ]
    );
}

// Test `Jan 13 (Mon)` across New Year, the year from the front matter's
// title (`CS 101, 2024/25`); a midterm's time and office hours are not the
// meeting time, so the sessions' time must be given.
#[test]
fn table_across_new_year_with_year_in_title() {
    page_fails(
        "table_new_year.md",
        &[],
        "error: page.md:9: this session has no time, and the page states none once for all\n 9 | | Nov 25 (Mon) | Trees |\n  hint: give --start and --end for such sessions",
    );
    let (s, _, stderr) = import_page("table_new_year.md", &["--start", "10:00", "--end", "11:00"]);
    assert_eq!(stderr, "");
    let dates: Vec<_> = s.sessions.iter().map(|x| x.date).collect();
    assert_eq!(
        dates,
        vec![
            date(2024, 11, 25),
            date(2024, 12, 2),
            date(2025, 1, 13),
            date(2025, 1, 15)
        ]
    );
}

// Test a heading per day (`### Wednesday, September 1`) under week
// headings: the line below is the topic, a day with nothing under it is
// still a class; a break of several days, and a week heading with its
// first day (`## Week 3 (Sep 13)`), are no sessions.
#[test]
fn headings_per_day() {
    let (s, _, stderr) = import_page(
        "headings_days.md",
        &["--year", "2021", "--start", "10:00", "--end", "11:00"],
    );
    assert_eq!(stderr, "");
    let got: Vec<_> = s
        .sessions
        .iter()
        .map(|x| (x.date, x.topic.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (date(2021, 9, 1), Some("Intro: Syllabus Day, Diagnostic")),
            (date(2021, 9, 3), Some("Pliny the Younger")),
            (date(2021, 9, 6), None),
        ]
    );
}

// Test `## Lecture 1: Thursday, January 26, 2023`: written years, the time
// stated once (`__Thursdays 3:45pm-6:30pm__`), a lecture heading one level
// down, a double space in `Lecture  2`, a `Reading:` line's links as the
// session's readings, and `_(No lecture on ...)_` as a holiday; a date in
// prose (applications due) is not a session.
#[test]
fn headings_per_lecture_with_time_stated_once() {
    let (s, yaml, stderr) = import_page("headings_lectures.md", &[]);
    assert_eq!(stderr, "");
    let (_, _, all) = import_page_raw("headings_lectures.md", &[]);
    assert!(
        all.starts_with("note: page.md:2: sessions without a time of their own take 15:45-18:30, the time this line states\n 2 | __Spring 2023__,  __Thursdays 3:45pm-6:30pm  SEC 1.402__ (First lecture Jan 26)\n  hint: give --start and --end if that is not the sessions' time\n"),
        "{all}"
    );
    let (a, b) = (hm(15, 45), hm(18, 30));
    assert_eq!(
        sessions(&s),
        vec![
            at("Lecture 1", date(2023, 1, 26), a, b),
            at("Lecture 2", date(2023, 2, 2), a, b),
            at("Lecture 3", date(2023, 3, 23), a, b),
        ]
    );
    assert_eq!(s.sessions[1].topic.as_deref(), Some("Generative models."));
    let readings: Vec<_> = s.sessions[1]
        .readings
        .iter()
        .map(|r| (r.title.as_str(), r.url.as_ref().map(|u| u.url.as_str())))
        .collect();
    assert_eq!(
        readings,
        vec![
            ("VAE survey", Some("https://arxiv.org/abs/1906.02691")),
            ("Flows", Some("https://example.org/flows")),
        ]
    );
    assert!(
        yaml.contains(
            "holidays:\n- date: 2023-03-16\n  name: No lecture on Thursday, March 16, 2023\n"
        ),
        "{yaml}"
    );
}

// Test `## 2019-09-27 Class 1, 8h30-10h`: ISO dates and times in `h`.
#[test]
fn headings_with_iso_dates() {
    let (s, _, stderr) = import_page("headings_iso.md", &[]);
    assert_eq!(stderr, "");
    let (a, b) = (hm(8, 30), hm(10, 0));
    assert_eq!(
        sessions(&s),
        vec![
            at("Class 1", date(2019, 9, 27), a, b),
            at("Class 2", date(2019, 10, 4), a, b),
        ]
    );
    assert_eq!(s.sessions[0].topic.as_deref(), Some("Opening."));
}

// Test Spanish list items (`- **jueves, 18 de septiembre**: ...`) under
// month headings that give the year (`#### enero 2026`), and a weekday that
// contradicts its date: imported as the date says, with a warning there.
#[test]
fn spanish_items_under_month_headings() {
    let (s, _, stderr) = import_page(
        "headings_spanish.md",
        &["--start", "18:00", "--end", "20:00"],
    );
    assert_eq!(
        stderr,
        "warning: page.md:13: 2025-09-21 is a Sunday, not a Monday: imported as 2025-09-21, as the date says\n 13 | - **lunes, 21 de septiembre**: Gramática\n  hint: check the date, and correct the page or the YAML\n"
    );
    let got: Vec<_> = s
        .sessions
        .iter()
        .map(|x| (x.date, x.topic.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (date(2025, 9, 18), Some("Introducción al curso")),
            (date(2025, 9, 21), Some("Gramática")),
            (date(2025, 9, 23), Some("Un primer ensayo")),
            (date(2026, 1, 8), Some("Repaso final")),
        ]
    );
}

// Test German headings (`## Donnerstag, 16. Oktober 2025, 14:15–15:45`).
#[test]
fn german_headings() {
    let (s, _, stderr) = import_page("headings_german.md", &[]);
    assert_eq!(stderr, "");
    let (a, b) = (hm(14, 15), hm(15, 45));
    assert_eq!(
        sessions(&s),
        vec![
            at("Class 1", date(2025, 10, 16), a, b),
            at("Class 2", date(2025, 10, 22), a, b),
        ]
    );
    assert_eq!(s.sessions[1].topic.as_deref(), Some("Relationale Algebra"));
}

// Test `### Lecture 1 (Feb 6)`: the year from "Spring 2019" in the
// introduction, the lecture time stated once (office hours are not it), and
// a session with only a start (`5pm`) that lasts as long as the others.
#[test]
fn headings_with_dates_in_parentheses() {
    let (s, _, stderr) = import_page("headings_parenthesis.md", &[]);
    assert_eq!(
        stderr,
        "warning: page.md:14: no end time: 18:00 assumed, as long as the page's other sessions\n 14 | ### Julia tutorial (Feb 8: 5pm in 32-141) — optional\n  hint: correct `end` in the YAML if it is not\n"
    );
    assert_eq!(
        sessions(&s),
        vec![
            at("Lecture 1", date(2019, 2, 6), hm(15, 0), hm(16, 0)),
            at("Class 1", date(2019, 2, 8), hm(17, 0), hm(18, 0)),
        ]
    );
}

// Test `* Aug 24th, Friday: ...` items with CRLF line ends and a title
// whose year the weekdays contradict: refused with the year that fits;
// with it, a deadline item and a holiday item are no sessions.
#[test]
fn list_items_with_ordinals_and_a_wrong_year_in_the_title() {
    page_fails(
        "list_ordinals.md",
        &[],
        "error: page.md:4: 5 of 5 weekdays on the page do not fit their dates in 2017 (the year from the title at line 1)\n 4 | * Aug 24th, Friday: Introduction\n  hint: pass --year 2018, the nearest year the weekdays fit (so do 2012)",
    );
    let (s, yaml, _) = import_page(
        "list_ordinals.md",
        &["--year", "2018", "--start", "13:00", "--end", "14:00"],
    );
    let (a, b) = (hm(13, 0), hm(14, 0));
    assert_eq!(
        sessions(&s),
        vec![
            at("Class 1", date(2018, 8, 24), a, b),
            at("Class 2", date(2018, 8, 27), a, b),
            at("Class 3", date(2018, 12, 4), hm(9, 0), hm(12, 0)),
        ]
    );
    assert!(
        yaml.contains("holidays:\n- date: 2018-09-03\n  name: Labor day\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("- title: 'Deadline @midnight: fill out the form'\n  date: 2018-08-25\n"),
        "{yaml}"
    );
}

// Test an HTML table (`<td>9/21/20</td>`): links absolute against --url, a
// break row as a holiday, and a row spanning the columns as a deadline.
#[test]
fn html_table_rows() {
    let (s, yaml, stderr) = import_page(
        "html_table.md",
        &[
            "--start",
            "09:00",
            "--end",
            "10:00",
            "--url",
            "https://example.org/",
        ],
    );
    assert_eq!(stderr, "");
    let got: Vec<_> = s
        .sessions
        .iter()
        .filter(|x| !x.deadline)
        .map(|x| (x.date, x.topic.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (date(2020, 9, 21), Some("Pre-course virtual meetup")),
            (date(2020, 9, 25), Some("Introduction to the course")),
        ]
    );
    assert_eq!(
        s.sessions[0].links[0].link.url,
        "https://example.org/labs/week0.html"
    );
    assert!(
        yaml.contains("holidays:\n- date: 2020-10-09\n  name: Fall Break\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("deadlines:\n- title: Python project due\n  date: 2020-10-27\n"),
        "{yaml}"
    );
}

// Test a page listed newest first: the year goes back across New Year, and
// the sessions are numbered by date.
#[test]
fn newest_first() {
    let (s, _, stderr) = import_page(
        "trap_newest_first.md",
        &["--year", "2022", "--start", "10:00", "--end", "11:00"],
    );
    assert_eq!(stderr, "");
    let got: Vec<_> = s.sessions.iter().map(|x| (x.label(), x.date)).collect();
    assert_eq!(
        got,
        vec![
            ("Lecture 1".to_owned(), date(2021, 11, 24)),
            ("Lecture 2".to_owned(), date(2021, 12, 1)),
            ("Lecture 3".to_owned(), date(2021, 12, 8)),
            ("Lecture 4".to_owned(), date(2022, 1, 12)),
        ]
    );
}

// Test that dates only inside an HTML comment are not imported, and that
// the error says that is what it found.
#[test]
fn dates_only_in_comments() {
    page_fails(
        "trap_comments.md",
        &["--year", "2020"],
        "error: page.md:5: no dated sessions found: looked for headings, table rows and list items that start with a date (`## Lecture 1 (Sep 7)`, `| 9/6/22 | ... |`, `* Aug 24th, Friday: ...`); found dates only inside HTML comments, which the page does not show\n 5 | <!--\n  hint: take the sessions out of the comment if they are meant",
    );
}

// Test a page pasted twice: each session once, a warning at each copy.
#[test]
fn page_pasted_twice() {
    let (s, _, stderr) = import_page(
        "trap_pasted_twice.md",
        &["--year", "2020", "--start", "10:00", "--end", "11:00"],
    );
    assert_eq!(
        stderr,
        "warning: page.md:8: the same session as line 3, left out (is the page pasted twice?)\n 8 | * Sep 7: Introduction\nwarning: page.md:9: the same session as line 4, left out (is the page pasted twice?)\n 9 | * Sep 14: Sorting\n"
    );
    assert_eq!(s.sessions.len(), 2);
}

// Test a date that is a link: the date is read from the link's text and
// the link comes along; the date the page was updated is no session.
#[test]
fn date_that_is_a_link() {
    let (s, _, stderr) = import_page(
        "trap_date_link.md",
        &[
            "--year",
            "2020",
            "--start",
            "10:00",
            "--end",
            "11:00",
            "--url",
            "https://example.org/",
        ],
    );
    assert_eq!(stderr, "");
    let got: Vec<_> = s
        .sessions
        .iter()
        .map(|x| (x.date, x.topic.as_deref(), x.links[0].link.url.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                date(2020, 9, 7),
                Some("Introduction"),
                "https://example.org/notes/1.html"
            ),
            (
                date(2020, 9, 14),
                Some("Sorting"),
                "https://example.org/notes/2.html"
            ),
        ]
    );
}

// Test a page that is a Liquid loop over the site's data: nothing to
// import, and the error says to import the data file.
#[test]
fn liquid_loop_over_site_data() {
    page_fails(
        "trap_liquid.md",
        &["--year", "2020"],
        "error: page.md:7: no dated sessions found: looked for headings, table rows and list items that start with a date (`## Lecture 1 (Sep 7)`, `| 9/6/22 | ... |`, `* Aug 24th, Friday: ...`); found a Liquid loop over site.data.schedule\n 7 | {% for lecture in site.data.schedule %}\n  hint: import the data file instead: `_data/schedule.yml` (or .json, .csv) holds the schedule",
    );
}

// Test that `3/4` with no date over 12 and no weekday is not guessed.
#[test]
fn day_and_month_that_could_be_swapped() {
    page_fails(
        "trap_ambiguous.md",
        &["--year", "2020", "--start", "10:00", "--end", "11:00"],
        "error: page.md:5: `3/4` could be day/month or month/day, and no date on the page decides\n 5 | | 3/4 | Intro |\n  hint: write one of the page's dates with its month's name (e.g. `4 Mar`), then import again",
    );
}

// Test numbering by place among all sessions of a kind, numbered or not
// (the course's later page numbers some and not others): no two sessions
// share a number, and a written number that disagrees is a warning.
#[test]
fn numbers_by_place_among_the_kind() {
    let (s, _, stderr) = import_page("numbers_by_place.md", &["--year", "2020"]);
    assert_eq!(
        stderr,
        "warning: page.md:10: Lecture 5 is the 3rd Lecture on the page: imported as Lecture 3\n  hint: correct the number on the page or in the YAML if the place is wrong\n"
    );
    let got: Vec<_> = s.sessions.iter().map(|x| (x.label(), x.date)).collect();
    assert_eq!(
        got,
        vec![
            ("Lecture 1".to_owned(), date(2020, 9, 28)),
            ("Discussion 1".to_owned(), date(2020, 10, 5)),
            ("Lecture 2".to_owned(), date(2020, 10, 12)),
            ("Discussion 2".to_owned(), date(2020, 10, 19)),
            ("Lecture 3".to_owned(), date(2020, 10, 26)),
            ("Discussion 3".to_owned(), date(2020, 11, 2)),
        ]
    );
}

// Test the crashes the fuzzer found: a minute cut inside a character is an
// error at the line, not a panic.
#[test]
fn minute_cut_inside_a_character() {
    fails(
        "# Lecture 1: Sep. 28, 15:5é-17:00\n",
        &["--year", "2020"],
        "error: page.md:1: the heading has no time\n 1 | # Lecture 1: Sep. 28, 15:5é-17:00\n  hint: give --start and --end for such sessions",
    );
    fails(
        "#\u{1}: Oct5,1:\u{0}\u{29a}",
        &["--year", "2020"],
        "error: page.md:1: the heading has no time\n 1 | #\\u{1}: Oct5,1:\\u{0}\u{29a}\n  hint: give --start and --end for such sessions",
    );
}

// Test paragraph lines that start with a date (`**2024.09.03 (화)** —
// ...`): Korean pages' dotted ISO dates, a weekday in parentheses in any
// language, times per line, and a Korean "no class" day as a holiday.
#[test]
fn paragraph_lines_with_dotted_dates() {
    let (s, yaml, stderr) = import_page("lines_korean.md", &[]);
    assert_eq!(stderr, "");
    let (a, b) = (hm(10, 30), hm(11, 45));
    assert_eq!(
        sessions(&s),
        vec![
            at("Class 1", date(2024, 9, 3), a, b),
            at("Class 2", date(2024, 9, 5), a, b),
        ]
    );
    assert_eq!(s.sessions[1].topic.as_deref(), Some("SQL 기초"));
    assert!(yaml.contains("holidays:\n- date: 2024-09-10\n"), "{yaml}");
}

// Test a Chinese table (`9月12日`) with the year in the page's heading
// (`2023年秋季`).
#[test]
fn chinese_table() {
    let (s, yaml, stderr) =
        import_page("table_chinese.md", &["--start", "08:00", "--end", "09:35"]);
    assert_eq!(stderr, "");
    let got: Vec<_> = s
        .sessions
        .iter()
        .map(|x| (x.date, x.topic.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (date(2023, 9, 12), Some("课程介绍")),
            (date(2023, 9, 19), Some("关系模型")),
        ]
    );
    assert!(yaml.contains("holidays:\n- date: 2023-10-03\n"), "{yaml}");
}

// Test that a relative link on a page imported without --url is left out
// with a warning at its line, the rest imported.
#[test]
fn relative_link_left_out_without_url() {
    let (s, _, stderr) = import_page(
        "trap_date_link.md",
        &["--year", "2020", "--start", "10:00", "--end", "11:00"],
    );
    assert_eq!(
        stderr,
        "warning: page.md:4: a relative link left out, at this line\n 4 | * [Sep 14](/notes/2.html): Sorting\n  hint: give --url with the course site to keep them\n"
    );
    assert_eq!(s.sessions.len(), 2);
    assert!(s.sessions[1].links.is_empty());
}

// Test that a page writing dates both day first and month first is
// refused at the line that disagrees, not read one way.
#[test]
fn day_first_and_month_first_on_one_page() {
    fails(
        "| 13/4 | a |\n| 4/13 | b |\n",
        &["--year", "2020", "--start", "10:00", "--end", "11:00"],
        "error: page.md:2: this page writes dates both day first (line 1) and month first (line 2)\n 2 | | 4/13 | b |\n  hint: write the dates one way, or with the month's name",
    );
}

// Test that a date that does not exist in its year is refused at its line
// on any page, as on the layout's headings.
#[test]
fn impossible_date_in_a_list() {
    fails(
        "* Feb 28: a\n* Feb 30: b\n",
        &["--year", "2021", "--start", "10:00", "--end", "11:00"],
        "error: page.md:2: February 30, 2021 is not a date\n 2 | * Feb 30: b",
    );
}

// Test that a row with a class and something due beside it stays a class
// (the due item in its title), while a row that is only something due is a
// deadline: a class is never dropped for the deadline beside it.
#[test]
fn a_class_with_something_due_stays_a_class() {
    let (schedule, _, _) = import_page(
        "table_class_and_due.md",
        &["--start", "10:00", "--end", "11:00"],
    );
    let sessions: Vec<(String, bool)> = schedule
        .sessions
        .iter()
        .map(|s| (s.date.to_string(), s.deadline))
        .collect();
    assert_eq!(
        sessions,
        [
            ("2022-09-14".to_owned(), false),
            ("2022-09-21".to_owned(), false),
            ("2022-09-28".to_owned(), true)
        ]
    );
}
