//! Generated schedules: years 1970-2037, zones with every kind of DST rule,
//! sessions on and next to transition days, and hostile text. Every feed
//! must resolve to the tz database's instants through its own VTIMEZONE, give the
//! text back as written, and keep the wire format; a batch is also read by
//! the independent parsers.

use crate::common;

use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

const ZONES: &[&str] = &[
    "Europe/Stockholm",
    "Australia/Sydney",
    "Europe/Dublin",
    "America/Sao_Paulo",
    "Pacific/Apia",
    "Asia/Kolkata",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Africa/Casablanca",
    "UTC",
];

/// Pieces of text that have broken calendar feeds and pages.
const PIECES: &[&str] = &[
    "Åäö ÅÄÖ",
    "🎓📅",
    "e\u{301}",
    "n\u{303}\u{308}",
    ",",
    ";",
    "\\",
    "\\n",
    "\"",
    "'",
    "<",
    ">",
    "]]",
    "[[",
    "\n",
    "\t",
    ":",
    "BEGIN:VEVENT",
    "&amp;",
    "  ",
    "https://x.org/a,b;c",
];

fn text() -> impl Strategy<Value = String> {
    let long = "l".repeat(500);
    let piece = prop_oneof![
        prop::sample::select(PIECES).prop_map(str::to_owned),
        "[a-zA-Z0-9 ]{1,12}",
        Just(long),
    ];
    prop::collection::vec(piece, 1..8).prop_map(|v| v.concat())
}

/// One generated session.
#[derive(Debug, Clone)]
struct Gen {
    zone: &'static str,
    date: NaiveDate,
    start: NaiveTime,
    minutes: u32,
    topic: String,
    room: String,
    title: String,
}

/// The local dates on which `zone` changes offset in `year`, from the
/// pinned tz database.
fn transition_dates(zone: &str, year: i32) -> Vec<NaiveDate> {
    let db =
        jiff::tz::TimeZoneDatabase::from_dir(common::zoneinfo(common::TZDATA)).expect("fixture");
    let tz = db.get(zone).expect("zone");
    let jan1 = jiff::Timestamp::from_second(
        NaiveDate::from_ymd_opt(year, 1, 1)
            .expect("jan 1")
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp(),
    )
    .expect("timestamp");
    tz.following(jan1)
        .map(|t| {
            let secs = t.timestamp().as_second() + i64::from(t.offset().seconds());
            chrono::DateTime::from_timestamp(secs, 0)
                .expect("instant")
                .date_naive()
        })
        .take_while(|d| d.year() == year)
        .collect()
}

fn session() -> impl Strategy<Value = Gen> {
    (
        prop::sample::select(ZONES),
        1970i32..=2037,
        0u32..365,
        any::<bool>(),
        any::<prop::sample::Index>(),
        -1i64..=1,
        0u32..(24 * 4),
        1u32..=16,
        (text(), text(), text()),
    )
        .prop_map(
            |(zone, year, day, near, pick, delta, quarter, len, (topic, room, title))| {
                let transitions = transition_dates(zone, year);
                let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).expect("jan 1");
                let date = if near && !transitions.is_empty() {
                    *pick.get(&transitions) + Duration::days(delta)
                } else {
                    (jan1 + Duration::days(day.into()))
                        .min(NaiveDate::from_ymd_opt(year, 12, 31).expect("dec 31"))
                };
                // Quarter hours, and 15 minutes to 4 hours, ending the same day.
                let minutes = len * 15;
                let start_min = (quarter * 15).min(24 * 60 - 1 - minutes);
                Gen {
                    zone,
                    date,
                    start: NaiveTime::from_hms_opt(start_min / 60, start_min % 60, 0)
                        .expect("time"),
                    minutes,
                    topic,
                    room,
                    // A reading must have a title: give it one visible character.
                    title: format!("T{title}"),
                }
            },
        )
}

impl Gen {
    fn local(&self, minutes: u32) -> NaiveDateTime {
        self.date.and_time(self.start) + Duration::minutes(minutes.into())
    }

    /// The instant the tz database gives, the earlier one at a fold; None in a gap.
    fn instant(&self, minutes: u32) -> Option<chrono::DateTime<Utc>> {
        common::truth(self.zone, self.local(minutes))
    }

    fn exists(&self) -> bool {
        self.instant(0).is_some() && self.instant(self.minutes).is_some()
    }

    fn yaml(&self, number: usize) -> String {
        // A JSON string is a valid YAML double-quoted scalar.
        let q = |s: &str| serde_json::to_string(s).expect("json");
        format!(
            "  - {{kind: Lecture, number: {number}, date: {}, start: \"{}\", end: \"{}\", timezone: {}, topic: {}, room: {}, readings: [{{title: {}, url: \"/p/{number} a,b: c.pdf\"}}]}}\n",
            self.date,
            self.start.format("%H:%M"),
            self.local(self.minutes).time().format("%H:%M"),
            self.zone,
            q(&self.topic),
            q(&self.room),
            q(&self.title),
        )
    }
}

fn schedule_yaml(sessions: &[Gen]) -> String {
    let mut y = String::from("course: {name: \"Generated, course; \\\\ 🎓\", id: gen, timezone: Europe/Stockholm, url: \"https://example.org/c/\"}\nsessions:\n");
    for (i, s) in sessions.iter().enumerate() {
        y.push_str(&s.yaml(i + 1));
    }
    y
}

/// What the loader keeps of a text: trimmed at both ends.
fn kept(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    // About ten seconds in a debug build: 256 cases, each a load, a
    // render and a parse.
    // Test that any generated session loads (or is refused only for a
    // local time the tz database says does not exist), and that its feed keeps the
    // wire format, resolves to the tz database's instants through its own
    // VTIMEZONE, and gives back the text as written.
    #[test]
    fn generated_sessions(g in session()) {
        let yaml = schedule_yaml(std::slice::from_ref(&g));
        let loaded = coursefeed::load_str(&yaml, Path::new("gen.yaml"), common::tzdb());
        if !g.exists() {
            let err = loaded.expect_err("a time in a DST gap is refused");
            let is_gap = err.diagnostics().iter().any(|d| matches!(d.problem, coursefeed::Problem::NonexistentLocalTime { .. }));
            prop_assert!(is_gap, "{}", err);
            return Ok(());
        }
        let schedule = loaded.map_err(|e| TestCaseError::fail(e.to_string()))?.schedule;
        let stamp = coursefeed::feed::build_time(Some(common::EPOCH)).expect("stamp");
        let ics = coursefeed::feed::render(&schedule, stamp);

        for line in ics.split("\r\n") {
            prop_assert!(line.len() <= 75, "{} octets: {:?}", line.len(), line);
            prop_assert!(!line.contains('\n') && !line.contains('\r'));
        }
        let events = common::parse(&ics);
        prop_assert_eq!(events.len(), 1);
        let e = &events[0];
        prop_assert_eq!(Some(e.start), g.instant(0));
        prop_assert_eq!(Some(e.end), g.instant(g.minutes));

        let s = &schedule.sessions[0];
        prop_assert_eq!(s.topic.clone(), kept(&g.topic));
        prop_assert_eq!(s.room.clone(), kept(&g.room));
        prop_assert_eq!(&e.summary, &coursefeed::feed::summary(s));
        prop_assert_eq!(&e.description, &coursefeed::feed::description(s));
        prop_assert_eq!(e.location.clone(), coursefeed::feed::location(s));
        if let Some(topic) = kept(&g.topic) {
            prop_assert!(e.summary.ends_with(&topic));
        }
        if let Some(title) = kept(&g.title) {
            let expected = format!("- {title}\n  https://example.org/p/");
            prop_assert!(e.description.contains(&expected), "{:?}", e.description);
        }
        // The page has one heading for the session, whatever the text.
        let page = coursefeed::page::render(&schedule, true);
        prop_assert_eq!(page.lines().filter(|l| l.starts_with("# ")).count(), 1, "{}", page);
    }
}

/// Deterministic batches of generated sessions that exist, for the external parsers.
fn batches(count: usize, size: usize) -> Vec<Vec<Gen>> {
    let mut runner = TestRunner::deterministic();
    let strategy = session();
    (0..count)
        .map(|_| {
            let mut batch = Vec::with_capacity(size);
            while batch.len() < size {
                let g = strategy.new_tree(&mut runner).expect("value").current();
                if g.exists() {
                    batch.push(g);
                }
            }
            batch
        })
        .collect()
}

// Test that Python's icalendar, vobject, ical.js, libical and sabre/vobject
// agree with the tz database and the YAML on batches of generated sessions
// across zones and years. (Ruby's icalendar gem cannot read zones whose rules
// change inside the span, which these have: see interop.rs.)
// About half a minute: five readers, each its own process (Python, Node,
// PHP), read four feeds of 50 sessions each.
#[test]
fn external_parsers_agree_on_generated_schedules() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, batch) in batches(4, 50).iter().enumerate() {
        let path = dir.path().join(format!("gen{i}.yaml"));
        std::fs::write(&path, schedule_yaml(batch)).expect("write");
        for reader in [
            common::readers::python_icalendar(),
            common::readers::vobject(),
            common::readers::icaljs(),
            common::readers::libical(),
            common::readers::sabre_vobject(),
        ] {
            common::readers::agree(&reader, &path);
        }
    }
}

/// The shipped schedules and fixtures, the starting points of mutation.
fn shipped_texts() -> Vec<String> {
    let root = common::root();
    [
        "data/schedule.yaml",
        "data/schedule-pattern.yaml",
        "data/modules-layout.yaml",
        "tests/fixtures/many_zones.yaml",
        "tests/fixtures/hostile_page.yaml",
        "tests/fixtures/vancouver_2026.yaml",
        "tests/fixtures/casablanca_2026.yaml",
        "examples/minimal.yaml",
    ]
    .iter()
    .map(|p| common::read(&root.join(p)))
    .collect()
}

/// Bits of YAML and of our values that turn a valid file into a near miss:
/// structure, anchors and tags, empty or short values, big numbers.
const YAML_PIECES: &[&str] = &[
    ": ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\n",
    "  ",
    "\t",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "!date ",
    "<<: *a",
    "? ",
    "|",
    ">",
    "'",
    "\"",
    "~",
    "---\n",
    "...\n",
    "kinds: []",
    "kinds:",
    "days: []",
    "2020-9-28",
    "2020-02-30",
    "9999-12-31",
    "0000-01-01",
    "25:00",
    "24:00",
    "99999999999999999999",
    "-1",
    "0",
    "\u{feff}",
    "\r",
    "é",
    "🎓",
    "until: 1970-01-01",
    "from: 9999-12-31",
    "groups: [A]",
    "patterns: [{days: [Monday], from: 2020-09-28, until: 2020-12-14}]",
];

/// One edit of a text: remove a range, insert a piece, or repeat a line.
#[derive(Debug, Clone)]
enum Edit {
    Remove(usize, usize),
    Insert(usize, &'static str),
    RepeatLine(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Remove(at, n)),
        (any::<usize>(), prop::sample::select(YAML_PIECES)).prop_map(|(at, p)| Edit::Insert(at, p)),
        any::<usize>().prop_map(Edit::RepeatLine),
    ];
    prop::collection::vec(edit, 1..6)
}

/// `text` with `edits` applied, each position taken modulo the length and
/// moved back to a character boundary.
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut out = text.to_owned();
    let boundary = |s: &str, at: usize| {
        let mut at = at % (s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    for edit in edits {
        match *edit {
            Edit::Remove(at, n) => {
                let start = boundary(&out, at);
                let end = boundary(&out, (start + n).min(out.len()));
                out.replace_range(start..end.max(start), "");
            }
            Edit::Insert(at, piece) => {
                let at = boundary(&out, at);
                out.insert_str(at, piece);
            }
            Edit::RepeatLine(n) => {
                let lines: Vec<&str> = out.lines().collect();
                if !lines.is_empty() {
                    let i = n % lines.len();
                    let mut v = lines.clone();
                    v.insert(i, lines[i]);
                    out = v.join("\n");
                }
            }
        }
    }
    out
}

/// Our feed of the many-zones fixture, built once.
fn many_zones_feed() -> &'static str {
    static FEED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FEED.get_or_init(|| common::build(&common::root().join("tests/fixtures/many_zones.yaml")))
}

/// Load `text`; when it loads, render its feed and page and read the feed
/// back. Nothing may panic; a refusal must say something.
fn load_everything(text: &str) -> Result<(), TestCaseError> {
    match coursefeed::load_str(text, Path::new("m.yaml"), common::tzdb()) {
        Ok(loaded) => {
            let stamp = coursefeed::feed::build_time(Some(common::EPOCH)).expect("stamp");
            let ics = coursefeed::feed::render(&loaded.schedule, stamp);
            let back = coursefeed::regenerate::Published::read(&ics).map_err(|e| {
                TestCaseError::fail(format!("our own feed does not read back: {e}"))
            })?;
            prop_assert_eq!(back.events().len(), loaded.schedule.sessions.len());
            let _ = coursefeed::page::render(&loaded.schedule, true);
        }
        Err(e) => prop_assert!(!e.to_string().is_empty()),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    // Test that near-valid schedules (the shipped files with a few edits:
    // text removed, YAML structure, anchors, tags or odd values put in,
    // lines repeated) load, validate and expand their patterns, or are
    // refused with a diagnostic, and never panic.
    #[test]
    fn mutated_schedules_never_panic(which in 0usize..8, edits in edits()) {
        let texts = shipped_texts();
        load_everything(&mutate(&texts[which % texts.len()], &edits))?;
    }

    // Test that any text at all is loaded or refused without a panic.
    #[test]
    fn any_text_never_panics(text in any::<String>()) {
        load_everything(&text)?;
    }

    // Test that the feed reader takes any text, and edits of a real feed,
    // without a panic: a previous feed is read from the output folder,
    // where anything may have been put.
    #[test]
    fn feed_reader_never_panics(text in any::<String>(), edits in edits()) {
        let _ = coursefeed::regenerate::Published::read(&text);
        let _ = coursefeed::ics::read::lines(&text).count();
        let _ = coursefeed::regenerate::Published::read(&mutate(many_zones_feed(), &edits));
    }
}
