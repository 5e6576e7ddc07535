//! data/schedule.yaml must say what the course's published page says.
//! The page is read here with a small parser of its own, independent of
//! coursefeed, so a transcription error in the YAML cannot hide.

use crate::common;

use chrono::{NaiveDate, NaiveTime};

/// One session as the seed page lists it.
#[derive(Debug, PartialEq)]
struct PageSession {
    kind: String,
    number: u32,
    date: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
    zoom: String,
    topic: String,
    readings: Vec<(String, String)>,
}

fn seed() -> String {
    std::fs::read_to_string(common::root().join("tests/fixtures/seed_schedule.md"))
        .expect("seed fixture")
}

fn read_page(page: &str) -> Vec<PageSession> {
    let mut out: Vec<PageSession> = Vec::new();
    for line in page.lines() {
        if let Some(h) = line.strip_prefix("# ") {
            // "Lecture Session 1: Sep. 28, 15:00-17:00 [[zoom](URL)]"
            let (head, rest) = h.split_once(": ").expect("heading has a colon");
            let (kind, number) = head.split_once(" Session ").expect("Kind Session N");
            let (when, zoom) = rest.split_once(" [[zoom](").expect("zoom link");
            let (day, times) = when.split_once(", ").expect("date, times");
            let (start, end) = times.split_once('-').expect("start-end");
            let date =
                NaiveDate::parse_from_str(&format!("{} 2020", day.replace('.', "")), "%b %d %Y")
                    .expect("date");
            out.push(PageSession {
                kind: kind.into(),
                number: number.parse().expect("number"),
                date,
                start: NaiveTime::parse_from_str(start, "%H:%M").expect("start"),
                end: NaiveTime::parse_from_str(end, "%H:%M").expect("end"),
                zoom: zoom.trim_end_matches(")]").into(),
                topic: String::new(),
                readings: Vec::new(),
            });
        } else if let Some(t) = line.strip_prefix("#### **Topic: ") {
            out.last_mut().expect("session").topic = t.trim_end_matches("**").into();
        } else if let Some(item) = line.strip_prefix("* ") {
            if item != "TBA" {
                let (title, link) = item.split_once(" [[pdf](").expect("pdf link");
                let link = link.strip_suffix(")]").expect("link end");
                out.last_mut()
                    .expect("session")
                    .readings
                    .push((title.into(), link.into()));
            }
        }
    }
    out
}

// Test that the seed fixture is the course's current page. The page lives
// in shared/, beside the checkout (CI lays it there); without it this test
// fails rather than pass without comparing anything.
#[test]
fn fixture_is_the_seed() {
    let shared = common::root().join("../shared/seed/schedule.md");
    let page = std::fs::read_to_string(&shared).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; the course's page must be beside the checkout to compare the fixture with",
            shared.display()
        )
    });
    assert_eq!(
        page,
        seed(),
        "tests/fixtures/seed_schedule.md differs from {}",
        shared.display()
    );
}

// Test that every session of the page is in the YAML with the same date,
// times, zoom link, topic and readings, in the same order.
#[test]
fn data_reproduces_the_seed() {
    let page = read_page(&seed());
    assert_eq!(page.len(), 12);
    let schedule =
        coursefeed::load_path(&common::root().join("data/schedule.yaml"), common::tzdb())
            .expect("valid")
            .schedule;
    // The page predates the deadlines added to the data.
    let sessions: Vec<_> = schedule.sessions.iter().filter(|s| !s.deadline).collect();
    assert_eq!(sessions.len(), page.len());
    for (s, p) in sessions.into_iter().zip(&page) {
        let label = format!("{} {}", p.kind, p.number);
        assert_eq!(s.kind, p.kind, "{label}");
        assert_eq!(s.number, Some(p.number), "{label}");
        assert_eq!(
            (s.date, s.start, s.end),
            (p.date, p.start, p.end),
            "{label}"
        );
        assert_eq!(
            s.zoom.as_ref().map(|z| z.url.as_str()),
            Some(p.zoom.as_str()),
            "{label}"
        );
        assert_eq!(s.topic.as_deref(), Some(p.topic.as_str()), "{label}");
        // Our links are absolute and encoded; decoded, their path is the page's link.
        let readings: Vec<(String, String)> = s
            .readings
            .iter()
            .map(|r| {
                let url = url::Url::parse(&r.url.as_ref().expect("link").url).expect("absolute");
                assert_eq!(url.host_str(), Some("fid3024.github.io"), "{label}");
                let path = percent_encoding::percent_decode_str(url.path()).decode_utf8_lossy();
                (r.title.clone(), path.into_owned())
            })
            .collect();
        assert_eq!(readings, p.readings, "{label}");
    }
}
