//! The iCalendar feed: a pure function from a schedule to bytes.
//!
//! RFC 5545 with the RFC 7986 calendar properties (NAME, REFRESH-INTERVAL)
//! and the X-WR-* ones that Apple, Google and Outlook still read.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use crate::tzdb::{LocalTime, Zone};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::ics::Writer;
use crate::model::{Schedule, Session};
use crate::vtimezone;

mod text;

pub use text::{description, location, summary, summary_naming};

/// PRODID (§3.7.3). Without a version, so that upgrading the tool does not
/// change every published feed.
pub const PRODID: &str = "-//coursefeed//Course schedule feed//EN";

/// When and how often an event was revised: what calendar apps compare to
/// decide whether their copy is stale (RFC 5545 §3.8.7).
///
/// The stamps are shared (`Arc<str>`): every new or changed event of a build
/// has the same ones, and a large build has many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// DTSTAMP, as written (`20201019T130000Z`).
    pub dtstamp: Arc<str>,
    /// CREATED, as written.
    pub created: Arc<str>,
    /// LAST-MODIFIED, as written.
    pub last_modified: Arc<str>,
    /// SEQUENCE: how many times the event was revised.
    pub sequence: u32,
}

impl Revision {
    /// A new event, first published at `at`.
    pub fn new_at(at: DateTime<Utc>) -> Self {
        let t: Arc<str> = utc(at.naive_utc()).into();
        Revision {
            dtstamp: t.clone(),
            created: t.clone(),
            last_modified: t,
            sequence: 0,
        }
    }
}

/// Render the feed with every event new at `stamp`: the build time, or
/// `SOURCE_DATE_EPOCH` for reproducible output.
pub fn render(schedule: &Schedule, stamp: DateTime<Utc>) -> String {
    let revisions = vec![Revision::new_at(stamp); schedule.sessions.len()];
    render_revised(schedule, &contents(schedule), &revisions)
}

/// Render the feed from each session's content (see [`contents`]) and
/// revision, in session order.
pub fn render_revised(
    schedule: &Schedule,
    contents: &[Arc<str>],
    revisions: &[Revision],
) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_feed(schedule, contents, revisions, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Every session's content lines ([`event_content`]), in session order.
/// One course is rendered on one thread: a folder is parallel across its
/// courses.
pub fn contents(schedule: &Schedule) -> Vec<Arc<str>> {
    schedule
        .sessions
        .iter()
        .map(|s| event_content(schedule, s).into())
        .collect()
}

/// Events written per chunk: the feed goes to `out` as it is folded, never
/// held whole in memory a second time.
const CHUNK: usize = 1_000;

/// Write the feed to `out`: the calendar's properties and zones, then each
/// session's UID, revision and content, as rendered once by [`contents`].
pub fn write_feed(
    schedule: &Schedule,
    contents: &[Arc<str>],
    revisions: &[Revision],
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut w = Writer::new();
    header(&mut w, schedule);
    out.write_all(w.finish().as_bytes())?;
    write_events(out, &schedule.sessions, contents, revisions)?;
    out.write_all(END)
}

/// A small stack buffer to write a number without allocating.
struct NumBuf([u8; 10]);

fn itoa_buf() -> NumBuf {
    NumBuf([0; 10])
}

impl NumBuf {
    fn format(&mut self, mut n: u32) -> &str {
        let mut i = self.0.len();
        loop {
            i -= 1;
            self.0[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        std::str::from_utf8(&self.0[i..]).unwrap_or("0")
    }
}

fn events(sessions: &[Session], contents: &[Arc<str>], revisions: &[Revision]) -> String {
    let mut w = Writer::new();
    for ((s, content), revision) in sessions.iter().zip(contents).zip(revisions) {
        w.begin("VEVENT");
        w.text("UID", &s.uid);
        w.raw("DTSTAMP", &revision.dtstamp);
        w.raw("CREATED", &revision.created);
        w.raw("LAST-MODIFIED", &revision.last_modified);
        let mut seq = itoa_buf();
        w.raw("SEQUENCE", seq.format(revision.sequence));
        content.lines().for_each(|line| w.line(line));
        w.end("VEVENT");
    }
    w.finish()
}

/// VCALENDAR's properties and one VTIMEZONE per zone used.
fn header(w: &mut Writer, schedule: &Schedule) {
    header_with(
        w,
        &schedule.course,
        schedule.feed.refresh,
        schedule.tzdata.version.as_deref(),
        &zone_spans(&schedule.sessions),
    );
}

/// Each zone a feed's timed sessions use, by name, with the first and last
/// day they fall on: all its VTIMEZONE depends on.
pub fn zone_spans(sessions: &[Session]) -> BTreeMap<String, (Zone, NaiveDate, NaiveDate)> {
    let mut zones: BTreeMap<String, (Zone, NaiveDate, NaiveDate)> = BTreeMap::new();
    for s in sessions.iter().filter(|s| !s.all_day) {
        if vtimezone::written_as_utc(&s.timezone) {
            continue;
        }
        match zones.get_mut(s.timezone.name()) {
            Some((_, first, last)) => {
                *first = (*first).min(s.date);
                *last = (*last).max(s.date);
            }
            None => {
                let span = (s.timezone.clone(), s.date, s.date);
                zones.insert(s.timezone.name().to_owned(), span);
            }
        }
    }
    zones
}

/// The start of a feed, up to its first event: the calendar's properties
/// (`course` names it) and a VTIMEZONE for each of `zones`.
pub fn write_header(
    out: &mut impl Write,
    course: &crate::model::Course,
    refresh: chrono::Duration,
    tzdata: Option<&str>,
    zones: &BTreeMap<String, (Zone, NaiveDate, NaiveDate)>,
) -> std::io::Result<()> {
    let mut w = Writer::new();
    header_with(&mut w, course, refresh, tzdata, zones);
    out.write_all(w.finish().as_bytes())
}

fn header_with(
    w: &mut Writer,
    course: &crate::model::Course,
    refresh: chrono::Duration,
    tzdata: Option<&str>,
    zones: &BTreeMap<String, (Zone, NaiveDate, NaiveDate)>,
) {
    w.begin("VCALENDAR");
    w.raw("VERSION", "2.0");
    w.raw("PRODID", PRODID);
    w.raw("CALSCALE", "GREGORIAN");
    w.raw("METHOD", "PUBLISH");
    w.text("NAME", &course.name);
    w.text("X-WR-CALNAME", &course.name);
    let home = if vtimezone::written_as_utc(&course.timezone) {
        "UTC"
    } else {
        course.timezone.name()
    };
    w.raw("X-WR-TIMEZONE", home);
    if let Some(url) = &course.url {
        w.param("URL", &[("VALUE", "URI")], url.as_str());
    }
    let refresh = duration(refresh);
    w.param("REFRESH-INTERVAL", &[("VALUE", "DURATION")], &refresh);
    w.raw("X-PUBLISHED-TTL", &refresh);

    // One VTIMEZONE per zone used, covering the years its sessions span.
    // Which rules they were built with, for tracing a feed to its tz
    // database; clients ignore X- properties.
    w.raw("X-COURSEFEED-TZDATA", tzdata.unwrap_or("unknown"));
    for (zone, first, last) in zones.values() {
        vtimezone::write(w, zone, [*first, *last].into_iter());
    }
}

/// Events of a feed, each with its UID, revision and content.
pub fn write_events(
    out: &mut impl Write,
    sessions: &[Session],
    contents: &[Arc<str>],
    revisions: &[Revision],
) -> std::io::Result<()> {
    let sessions = sessions.chunks(CHUNK);
    for ((s, c), r) in sessions
        .zip(contents.chunks(CHUNK))
        .zip(revisions.chunks(CHUNK))
    {
        out.write_all(events(s, c, r).as_bytes())?;
    }
    Ok(())
}

/// The last line of a feed.
pub const END: &[u8] = b"END:VCALENDAR\r\n";

/// An event's content lines, unfolded, each ended by `\n`: what students
/// see, without UID, revision, BEGIN or END. Rendered once per build: the
/// same text is compared with the published event (read back in the same
/// form) and then written to the feed.
pub fn event_content(schedule: &Schedule, s: &Session) -> String {
    let mut w = Writer::unfolded();
    content(&mut w, schedule, s);
    w.finish()
}

/// The content of `s`'s event in a combined feed, named after `course`,
/// from `own`, its content in the course's own feed ([`event_content`]).
/// Only the summary differs (it names the course), so only it is rendered
/// again: rendering every event twice was a fifth of a department's first
/// build. A test checks this against [`event_content`] of the combined
/// schedule.
pub fn named_content(own: &str, s: &Session, course: &str) -> String {
    let mut line = Writer::unfolded();
    line.text("SUMMARY", &summary_naming(s, Some(course)));
    let line = line.finish();
    // Every property is a line of its own, values escaped: no other line
    // starts with `SUMMARY:`.
    let start = match own.starts_with("SUMMARY:") {
        true => Some(0),
        false => own.find("\nSUMMARY:").map(|at| at + 1),
    };
    let Some(start) = start else {
        return own.to_owned();
    };
    let end = own[start..]
        .find('\n')
        .map_or(own.len(), |at| start + at + 1);
    let mut out = String::with_capacity(own.len() + line.len() - (end - start));
    out.push_str(&own[..start]);
    out.push_str(&line);
    out.push_str(&own[end..]);
    out
}

fn content(w: &mut Writer, schedule: &Schedule, s: &Session) {
    if s.all_day {
        // A DATE value (§3.3.4) has no zone: due that day wherever one is.
        let day = |d: NaiveDate| {
            use chrono::Datelike;
            let mut v = String::with_capacity(8);
            digits(&mut v, d.year().unsigned_abs(), 4);
            digits(&mut v, d.month(), 2);
            digits(&mut v, d.day(), 2);
            v
        };
        w.param("DTSTART", &[("VALUE", "DATE")], &day(s.date));
        w.param(
            "DTEND",
            &[("VALUE", "DATE")],
            &day(s.date.succ_opt().unwrap_or(s.date)),
        );
    } else {
        time(w, "DTSTART", s, s.local_start(), s.starts_at);
        time(w, "DTEND", s, s.local_end(), s.ends_at);
    }
    w.text("SUMMARY", &summary(s));
    w.text("DESCRIPTION", &description(s));
    if let Some(location) = location(s) {
        w.text("LOCATION", &location);
    }
    if let Some(url) = s.url.as_ref().or(schedule.course.url.as_ref()) {
        w.param("URL", &[("VALUE", "URI")], url.as_str());
    }
    // One category per property value: the kind is a single value, so a
    // comma inside it is escaped, and no list separator is ever escaped.
    w.text("CATEGORIES", &s.kind);
    w.raw("STATUS", s.status.ical());
    if s.deadline {
        // A deadline takes no time in the calendar: it does not make one busy.
        w.raw("TRANSP", "TRANSPARENT");
    }
}

/// DTSTART/DTEND: local time with its TZID, never floating (Google reads a
/// floating time in a subscription as UTC). UTC-like zones are written in
/// UTC, and so is a local time that happens twice at a DST fold: RFC 5545
/// §3.3.5 says such a time means the first occurrence, but ical.js
/// (Thunderbird) takes the second, so only UTC reads the same everywhere.
fn time(w: &mut Writer, name: &str, s: &Session, local: NaiveDateTime, instant: DateTime<Utc>) {
    let ambiguous = matches!(
        s.timezone.resolve(local.date(), local.time()),
        LocalTime::Ambiguous { .. }
    );
    if ambiguous || vtimezone::written_as_utc(&s.timezone) {
        w.raw(name, &utc(instant.naive_utc()));
    } else {
        w.param(name, &[("TZID", s.timezone.name())], &date_time(local));
    }
}

/// A UTC DATE-TIME value (§3.3.5, form #2).
pub fn utc(t: NaiveDateTime) -> String {
    let mut s = date_time(t);
    s.push('Z');
    s
}

/// A local DATE-TIME value, `20201019T150000`. Written by hand: chrono's
/// `format` interprets its pattern on every call, twice per event.
fn date_time(t: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    let mut s = String::with_capacity(16);
    digits(&mut s, t.year().unsigned_abs(), 4);
    digits(&mut s, t.month(), 2);
    digits(&mut s, t.day(), 2);
    s.push('T');
    digits(&mut s, t.hour(), 2);
    digits(&mut s, t.minute(), 2);
    digits(&mut s, t.second(), 2);
    s
}

/// `n` in decimal, zero-padded to `width` digits (wider numbers are cut
/// to their last `width` digits; callers pass values that fit).
pub(crate) fn digits(out: &mut String, n: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        out.push(char::from(b'0' + (n / div % 10) as u8));
        div /= 10;
    }
}

/// An RFC 5545 DURATION (§3.3.6) in the largest exact unit.
fn duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds();
    if secs % 86_400 == 0 {
        format!("P{}D", secs / 86_400)
    } else if secs % 3600 == 0 {
        format!("PT{}H", secs / 3600)
    } else {
        format!("PT{}M", secs / 60)
    }
}

/// The DTSTAMP to use: `SOURCE_DATE_EPOCH` when given (reproducible
/// builds), else the clock.
pub fn build_time(source_date_epoch: Option<&str>) -> Result<DateTime<Utc>, crate::Error> {
    match source_date_epoch {
        // The reproducible-builds spec reads an empty value as unset.
        None => Ok(Utc::now()),
        Some(v) if v.trim().is_empty() => Ok(Utc::now()),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            // DTSTAMP has four-digit years (RFC 5545 §3.3.4).
            .filter(|t| (1..=9999).contains(&chrono::Datelike::year(t)))
            .ok_or_else(|| crate::Error::SourceDateEpoch(v.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that the feed written in chunks of events is the feed written
    // in one piece, over more than two chunks.
    #[test]
    fn chunked_writing_is_whole_writing() {
        let n = 2 * CHUNK + 501;
        let schedule = crate::synthetic::schedule(n);
        let one_by_one: Vec<Arc<str>> = schedule
            .sessions
            .iter()
            .map(|s| event_content(&schedule, s).into())
            .collect();
        assert_eq!(contents(&schedule), one_by_one);
        let stamp = build_time(Some("1600000000")).expect("stamp");
        let revisions = vec![Revision::new_at(stamp); n];
        let mut w = Writer::new();
        header(&mut w, &schedule);
        let mut whole = w.finish();
        whole.push_str(&events(&schedule.sessions, &one_by_one, &revisions));
        whole.push_str("END:VCALENDAR\r\n");
        assert_eq!(render_revised(&schedule, &one_by_one, &revisions), whole);
    }

    // Test that an event's content in a combined feed, made from its
    // content in the course's feed, is what rendering it in the combined
    // schedule gives: for every session of a generated schedule, some
    // cancelled (the summary says so first), under a course name that
    // needs escaping.
    #[test]
    fn named_content_is_the_combined_rendering() {
        let mut schedule = crate::synthetic::schedule(300);
        schedule.course.name = "ML; Systems, \\ 2020".into();
        for s in schedule.sessions.iter_mut().step_by(7) {
            s.status = crate::model::Status::Cancelled;
        }
        let combined = crate::folder::combined::as_part(&schedule, "All");
        assert_eq!(combined.sessions.len(), schedule.sessions.len());
        for (own, theirs) in schedule.sessions.iter().zip(&combined.sessions) {
            let named = named_content(&event_content(&schedule, own), own, &schedule.course.name);
            assert_eq!(named, event_content(&combined, theirs));
            assert!(named.contains("[ML\\; Systems\\, \\\\ 2020]"), "{named}");
        }
    }

    // Test zero-padded digits as DATE-TIME values need them.
    #[test]
    fn padded_digits() {
        let mut s = String::new();
        digits(&mut s, 2020, 4);
        digits(&mut s, 9, 2);
        digits(&mut s, 0, 2);
        digits(&mut s, 123, 4);
        assert_eq!(s, "202009000123");
        let t = NaiveDate::from_ymd_opt(1970, 1, 2)
            .and_then(|d| d.and_hms_opt(3, 4, 5))
            .expect("time");
        assert_eq!(date_time(t), "19700102T030405");
        assert_eq!(utc(t), "19700102T030405Z");
    }

    // Test the allocation-free number formatting used for SEQUENCE.
    #[test]
    fn numbers() {
        for n in [0, 7, 10, 4_294_967_295] {
            assert_eq!(itoa_buf().format(n), n.to_string());
        }
    }

    // Test refresh durations in the largest exact unit.
    #[test]
    fn durations() {
        assert_eq!(duration(chrono::Duration::hours(12)), "PT12H");
        assert_eq!(duration(chrono::Duration::days(2)), "P2D");
        assert_eq!(duration(chrono::Duration::minutes(90)), "PT90M");
    }

    // Test that SOURCE_DATE_EPOCH sets the stamp and a bad one is an error.
    #[test]
    fn stamps() {
        let t = build_time(Some("1600000000")).expect("valid");
        assert_eq!(t.to_rfc3339(), "2020-09-13T12:26:40+00:00");
        assert!(build_time(Some("yesterday")).is_err());
        // Without SOURCE_DATE_EPOCH, the build time is now.
        let before = Utc::now() - chrono::Duration::seconds(1);
        let now = build_time(None).expect("the clock");
        assert!(before <= now && now <= Utc::now(), "{now}");
    }
}
