//! VTIMEZONE components generated from the tz database (chrono-tz).
//!
//! Each transition in the span the events cover becomes one observance with
//! an explicit DTSTART, plus one for the period already in effect when the
//! span starts. That form needs no RRULE or RDATE interpretation, and every
//! parser we test (Python icalendar, ical.js, libical-based ones) reads it the
//! same way; unlike recurrence rules, it is also right in years when a
//! country changed its rules.
//!
//! chrono-tz does not expose its transition table, so transitions are found
//! by sampling the offset every few hours and bisecting each change to the
//! second.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

use crate::ics::Writer;

/// Sampling step. No zone in the tz database changes offset twice within it.
const STEP_SECONDS: i64 = 6 * 3600;

/// How far back to look for the transition that began the period in effect
/// at the start of the span.
const LOOKBACK_SECONDS: i64 = 400 * 86_400;

/// A period of one offset, starting at a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observance {
    /// The instant the period starts.
    pub onset: NaiveDateTime,
    /// Total UTC offset in seconds before the onset.
    pub offset_from: i32,
    /// Total UTC offset in seconds from the onset.
    pub offset_to: i32,
    /// Abbreviation such as CEST.
    pub name: String,
    /// Daylight saving time (a positive DST offset) rather than standard time.
    pub daylight: bool,
}

impl Observance {
    /// The onset as local wall time before it: what DTSTART holds (§3.6.5).
    pub fn local_onset(&self) -> NaiveDateTime {
        self.onset + chrono::Duration::seconds(i64::from(self.offset_from))
    }
}

/// Whether times in `tz` are written as UTC (`...Z`) instead of with a TZID.
///
/// Google rejects `Etc/UTC` as a TZID, and a fixed zone gains nothing from a
/// VTIMEZONE: UTC is unambiguous everywhere.
pub fn written_as_utc(tz: Tz) -> bool {
    let name = tz.name();
    name.starts_with("Etc/")
        || matches!(
            name,
            "UTC" | "UCT" | "GMT" | "GMT0" | "GMT+0" | "GMT-0" | "Greenwich" | "Universal" | "Zulu"
        )
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    total: i32,
    dst: i32,
    name: Option<String>,
}

fn state(tz: Tz, t: i64) -> State {
    let utc = DateTime::<Utc>::from_timestamp(t, 0)
        .unwrap_or_default()
        .naive_utc();
    let off = tz.offset_from_utc_datetime(&utc);
    State {
        total: off.fix().local_minus_utc(),
        // DST offsets are at most a few hours: no overflow.
        dst: off.dst_offset().num_seconds() as i32,
        name: off.abbreviation().map(str::to_owned),
    }
}

/// The first second in `(lo, hi]` whose state differs from the state at `lo`.
fn bisect(tz: Tz, mut lo: i64, mut hi: i64) -> i64 {
    let before = state(tz, lo);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if state(tz, mid) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

fn observance(tz: Tz, at: i64, from: State) -> Observance {
    let to = state(tz, at);
    Observance {
        onset: DateTime::<Utc>::from_timestamp(at, 0)
            .unwrap_or_default()
            .naive_utc(),
        offset_from: from.total,
        offset_to: to.total,
        name: to.name.clone().unwrap_or_else(|| numeric_name(to.total)),
        daylight: to.dst > 0,
    }
}

/// tzdata's style for zones without an abbreviation: `+03`, `+0530`.
fn numeric_name(total: i32) -> String {
    let sign = if total < 0 { '-' } else { '+' };
    let (h, m) = (total.abs() / 3600, total.abs() % 3600 / 60);
    if m == 0 {
        format!("{sign}{h:02}")
    } else {
        format!("{sign}{h:02}{m:02}")
    }
}

/// The observances that describe `tz` from `start` to `end`: the period in
/// effect at `start`, then one per transition up to `end`.
pub fn observances(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<Observance> {
    let (start, end) = (start.timestamp(), end.timestamp());
    let initial = state(tz, start);

    // The transition that began the period in effect at `start`, if recent.
    let mut first = None;
    let mut t = start;
    while t > start - LOOKBACK_SECONDS {
        let prev = t - STEP_SECONDS;
        if state(tz, prev) != initial {
            let at = bisect(tz, prev, t);
            first = Some(observance(tz, at, state(tz, at - 1)));
            break;
        }
        t = prev;
    }
    let first = first.unwrap_or_else(|| {
        let mut o = observance(tz, start, initial.clone());
        o.offset_from = o.offset_to;
        o
    });

    let mut out = vec![first];
    let mut t = start;
    let mut current = initial.clone();
    while t < end {
        let next = (t + STEP_SECONDS).min(end);
        let s = state(tz, next);
        if s != current {
            let at = bisect(tz, t, next);
            out.push(observance(tz, at, state(tz, at - 1)));
            // More than one change inside a step would be missed; re-sample
            // from the transition so the next one is found too.
            t = at;
            current = state(tz, at);
            continue;
        }
        t = next;
    }
    out
}

/// The span a VTIMEZONE must cover for events in the given years: whole
/// calendar years, with a day's margin for zones far from UTC.
pub fn span_for_years(first_year: i32, last_year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let day = chrono::Duration::days(1);
    let jan1 = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .unwrap_or_default()
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
    };
    (jan1(first_year) - day, jan1(last_year + 1) + day)
}

/// Write the VTIMEZONE for `tz` covering every date in `dates`.
pub fn write(w: &mut Writer, tz: Tz, dates: impl Iterator<Item = NaiveDate>) {
    let (lo, hi) = dates.fold((i32::MAX, i32::MIN), |(lo, hi), d| {
        (lo.min(d.year()), hi.max(d.year()))
    });
    if lo > hi {
        return;
    }
    let (start, end) = span_for_years(lo, hi);
    w.begin("VTIMEZONE");
    w.raw("TZID", tz.name());
    // Mozilla and Google name the zone this way; clients that know it may
    // prefer their own copy of the rules, which agree with ours.
    w.raw("X-LIC-LOCATION", tz.name());
    for o in observances(tz, start, end) {
        let kind = if o.daylight { "DAYLIGHT" } else { "STANDARD" };
        w.begin(kind);
        w.raw(
            "DTSTART",
            &o.local_onset().format("%Y%m%dT%H%M%S").to_string(),
        );
        w.raw("TZOFFSETFROM", &utc_offset(o.offset_from));
        w.raw("TZOFFSETTO", &utc_offset(o.offset_to));
        w.text("TZNAME", &o.name);
        w.end(kind);
    }
    w.end("VTIMEZONE");
}

/// A UTC-OFFSET value (§3.3.14): `+0100`, `-0330`, seconds only when present.
pub fn utc_offset(total: i32) -> String {
    let sign = if total < 0 { '-' } else { '+' };
    let a = total.abs();
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// The offset a client reading our observances would use at `instant`: the
/// one of the latest observance whose onset is not after it.
pub fn offset_at(observances: &[Observance], instant: NaiveDateTime) -> Option<i32> {
    observances
        .iter()
        .filter(|o| o.onset <= instant)
        .max_by_key(|o| o.onset)
        .map(|o| o.offset_to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    const ZONES: &[&str] = &[
        "Europe/Stockholm",
        "Europe/London",
        "Europe/Dublin",
        "America/New_York",
        "America/Sao_Paulo",
        "America/St_Johns",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Pacific/Apia",
        "Pacific/Chatham",
        "Asia/Kolkata",
        "Asia/Tehran",
        "Africa/Casablanca",
        "Europe/Moscow",
        "America/Santiago",
        "Asia/Kathmandu",
    ];

    // Test that, hour by hour, our observances give the offset chrono-tz gives,
    // for many zones over 1970-2037 (southern, negative, abolished DST, date-line jumps).
    #[test]
    fn observances_agree_with_chrono_tz() {
        for name in ZONES {
            let tz: Tz = name.parse().expect("zone");
            for (first, last) in [
                (1970, 1975),
                (1996, 1998),
                (2011, 2012),
                (2019, 2021),
                (2035, 2037),
            ] {
                let (start, end) = span_for_years(first, last);
                let obs = observances(tz, start, end);
                let mut t = start;
                while t < end {
                    let expected = tz
                        .offset_from_utc_datetime(&t.naive_utc())
                        .fix()
                        .local_minus_utc();
                    assert_eq!(
                        offset_at(&obs, t.naive_utc()),
                        Some(expected),
                        "{name} at {t} ({first}-{last})"
                    );
                    t += chrono::Duration::minutes(30);
                }
            }
        }
    }

    // Test the observances of Stockholm in 2020 exactly: CET, CEST from the last
    // Sunday of March at 02:00 local, CET from the last Sunday of October at 03:00 local.
    #[test]
    fn stockholm_2020() {
        let tz = chrono_tz::Europe::Stockholm;
        let (start, end) = span_for_years(2020, 2020);
        let obs = observances(tz, start, end);
        let local: Vec<_> = obs
            .iter()
            .map(|o| {
                (
                    o.local_onset().to_string(),
                    o.offset_from,
                    o.offset_to,
                    o.name.as_str(),
                    o.daylight,
                )
            })
            .collect();
        assert_eq!(
            local,
            vec![
                ("2019-10-27 03:00:00".to_string(), 7200, 3600, "CET", false),
                ("2020-03-29 02:00:00".to_string(), 3600, 7200, "CEST", true),
                ("2020-10-25 03:00:00".to_string(), 7200, 3600, "CET", false),
            ]
        );
    }

    // Test that a zone without DST gets one observance with no change of offset.
    #[test]
    fn fixed_zone_has_one_observance() {
        let (start, end) = span_for_years(2020, 2021);
        let obs = observances(chrono_tz::Asia::Kolkata, start, end);
        assert_eq!(obs.len(), 1);
        assert_eq!(
            (obs[0].offset_from, obs[0].offset_to, obs[0].name.as_str()),
            (19800, 19800, "IST")
        );
    }

    // Test UTC-OFFSET formatting, including seconds and negative offsets.
    #[test]
    fn offsets() {
        assert_eq!(utc_offset(3600), "+0100");
        assert_eq!(utc_offset(-12600), "-0330");
        assert_eq!(utc_offset(0), "+0000");
        assert_eq!(utc_offset(3208), "+005328");
    }

    // Test which zones are written as UTC instead of with a TZID.
    #[test]
    fn utc_zones() {
        assert!(written_as_utc(chrono_tz::Etc::UTC));
        assert!(written_as_utc(chrono_tz::UTC));
        assert!(written_as_utc(chrono_tz::Etc::GMTPlus5));
        assert!(!written_as_utc(chrono_tz::Europe::London));
    }
}
