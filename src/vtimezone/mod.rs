//! VTIMEZONE components: built from the tz database's transitions, and read
//! back from a published feed to tell when its events actually happened.
//!
//! # The form we write, and why
//! Outlook and Exchange (what KTH uses) keep a zone as one yearly standard
//! rule and one yearly daylight rule ([MS-OXCICAL] 2.1.3.1.1.19, the
//! TZRULE structures of [MS-STANOICAL] 2.2.47); a VTIMEZONE that cannot be
//! reduced to that is approximated or dropped, and events then show an
//! hour off or as UTC (vzic's README: Outlook "can only handle one RDATE or
//! a pair of RRULEs"; iCalcreator issue #86). Google, Outlook, Apple and
//! libical all publish that pair themselves. So:
//! - when one yearly rule holds over the span of the events (the usual
//!   case), we write exactly one STANDARD and one DAYLIGHT, each with
//!   `RRULE:FREQ=YEARLY;BYMONTH=..;BYDAY=..` and no UNTIL;
//! - when the offset never changes over the span (a zone without DST, or
//!   one that just abolished it), a single STANDARD;
//! - only when the rules change inside the span, one observance per rule
//!   in force: a yearly RRULE ending with UNTIL where a rule ran for several
//!   years, a plain DTSTART for a one-off change. That stays exact in every
//!   RFC 5545 reader, and gives Outlook the pair in force at the end.
//!
//! The transitions come from jiff, which reads the zone's TZif data and its
//! POSIX rule for the years past the table, so no sampling is needed.
//! STANDARD or DAYLIGHT is decided by the change itself (clocks forward by
//! at most two hours is DAYLIGHT), not by tzdata's `isdst` flag:
//! Europe/Dublin's "negative DST" has winter flagged as daylight time in the
//! main data and not in the rearguard data, and clients expect the summer
//! offset to be the daylight one. A larger jump (Apia's day across the date
//! line in 2011) is a change of standard time. Every zone we write has a
//! STANDARD observance: dateutil (vobject, Python icalendar) fails on a zone
//! of DAYLIGHT observances only, for times before their first onset.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};

use crate::ics::Writer;
use crate::tzdb::Zone;

mod read;
mod rules;

pub use read::{local_time, ZoneReader};
pub use rules::observances;

/// One observance: an offset from an onset on, perhaps every year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observance {
    /// DAYLIGHT (clocks went forward) rather than STANDARD.
    pub daylight: bool,
    /// DTSTART: the first onset, as local wall time before it (§3.6.5).
    pub start: NaiveDateTime,
    /// UTC offset in seconds before each onset.
    pub offset_from: i32,
    /// UTC offset in seconds from each onset.
    pub offset_to: i32,
    /// TZNAME, such as CEST.
    pub name: String,
    /// The yearly rule of its later onsets, if any.
    pub rule: Option<Yearly>,
    /// Further onsets (RDATE), local wall time before each; we never write
    /// them, but other tools' feeds have them.
    pub rdates: Vec<NaiveDateTime>,
}

/// `FREQ=YEARLY;BYMONTH=m;BYDAY=..`: a weekday of a month, every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Yearly {
    /// The month, 1-12.
    pub month: u32,
    /// Which of its weekdays.
    pub week: Week,
    /// The weekday.
    pub weekday: Weekday,
    /// The last onset, in UTC (§3.3.10: UNTIL is UTC in a VTIMEZONE).
    pub until: Option<DateTime<Utc>>,
}

/// Which weekday of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Week {
    /// The first to fourth (`1SU` .. `4SU`).
    Nth(u8),
    /// The last (`-1SU`).
    Last,
}

impl Yearly {
    /// The date of the rule's onset in `year`, if the month has that day.
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        match self.week {
            Week::Nth(n) => NaiveDate::from_weekday_of_month_opt(year, self.month, self.weekday, n),
            Week::Last => {
                let first_next = if self.month == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(year, self.month + 1, 1)
                }?;
                let last = first_next.pred_opt()?;
                let back = (7 + last.weekday().num_days_from_monday()
                    - self.weekday.num_days_from_monday())
                    % 7;
                last.checked_sub_signed(Duration::days(back.into()))
            }
        }
    }

    /// The RRULE value.
    pub fn rrule(&self) -> String {
        let week = match self.week {
            Week::Nth(n) => n.to_string(),
            Week::Last => "-1".to_owned(),
        };
        let day = match self.weekday {
            Weekday::Mon => "MO",
            Weekday::Tue => "TU",
            Weekday::Wed => "WE",
            Weekday::Thu => "TH",
            Weekday::Fri => "FR",
            Weekday::Sat => "SA",
            Weekday::Sun => "SU",
        };
        let until = self
            .until
            .map(|u| format!(";UNTIL={}", u.format("%Y%m%dT%H%M%SZ")))
            .unwrap_or_default();
        format!(
            "FREQ=YEARLY{until};BYMONTH={};BYDAY={week}{day}",
            self.month
        )
    }
}

impl Observance {
    /// Every onset as a UTC instant, in order, up to `upto` inclusive.
    pub fn onsets(&self, upto: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let to_utc =
            |local: NaiveDateTime| (local - Duration::seconds(self.offset_from.into())).and_utc();
        let first = to_utc(self.start);
        let mut out = Vec::new();
        if first <= upto {
            out.push(first);
        }
        if let Some(rule) = &self.rule {
            let mut year = self.start.year();
            while year <= upto.year() + 1 {
                if let Some(date) = rule.date_in(year) {
                    let at = to_utc(date.and_time(self.start.time()));
                    if rule.until.is_some_and(|u| at > u) || at > upto {
                        break;
                    }
                    if at > first {
                        out.push(at);
                    }
                }
                year += 1;
            }
        }
        out.extend(
            self.rdates
                .iter()
                .map(|&l| to_utc(l))
                .filter(|&t| t <= upto),
        );
        out.sort();
        out.dedup();
        out
    }
}

/// The offset a client reading `observances` uses at `instant`: that of
/// the latest onset not after it; before every onset, the earliest one's
/// offset before it.
pub fn offset_at(observances: &[Observance], instant: DateTime<Utc>) -> Option<i32> {
    let latest = observances
        .iter()
        .filter_map(|o| o.onsets(instant).last().map(|&t| (t, o.offset_to)))
        .max_by_key(|&(t, _)| t);
    match latest {
        Some((_, offset)) => Some(offset),
        None => observances
            .iter()
            .min_by_key(|o| o.start - Duration::seconds(o.offset_from.into()))
            .map(|o| o.offset_from),
    }
}

/// Whether times in `zone` are written as UTC (`...Z`) instead of with a TZID.
///
/// Google rejects `Etc/UTC` as a TZID, and a fixed zone gains nothing from a
/// VTIMEZONE: UTC is unambiguous everywhere.
pub fn written_as_utc(zone: &Zone) -> bool {
    let name = zone.name();
    name.starts_with("Etc/")
        || matches!(
            name,
            "UTC" | "UCT" | "GMT" | "GMT0" | "GMT+0" | "GMT-0" | "Greenwich" | "Universal" | "Zulu"
        )
}

/// The span a VTIMEZONE must cover for events on `dates`: a day's margin on
/// either side, for zones far from UTC and events that end after midnight.
pub fn span_of(dates: impl Iterator<Item = NaiveDate>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (lo, hi) = dates.fold((None::<NaiveDate>, None::<NaiveDate>), |(lo, hi), d| {
        (
            Some(lo.map_or(d, |l| l.min(d))),
            Some(hi.map_or(d, |h| h.max(d))),
        )
    });
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    Some((
        midnight(lo?) - Duration::days(1),
        midnight(hi?) + Duration::days(2),
    ))
}

/// Write the VTIMEZONE for `zone` covering every date in `dates`.
pub fn write(w: &mut Writer, zone: &Zone, dates: impl Iterator<Item = NaiveDate>) {
    let Some((start, end)) = span_of(dates) else {
        return;
    };
    w.begin("VTIMEZONE");
    w.raw("TZID", zone.name());
    // Mozilla and Google name the zone this way; clients that know it may
    // prefer their own copy of the rules.
    w.raw("X-LIC-LOCATION", zone.name());
    for o in observances(zone.rules(), start, end) {
        let kind = if o.daylight { "DAYLIGHT" } else { "STANDARD" };
        w.begin(kind);
        w.raw("DTSTART", &o.start.format("%Y%m%dT%H%M%S").to_string());
        if let Some(rule) = &o.rule {
            w.raw("RRULE", &rule.rrule());
        }
        for rdate in &o.rdates {
            w.raw("RDATE", &rdate.format("%Y%m%dT%H%M%S").to_string());
        }
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

#[cfg(test)]
mod tests {
    use super::read::parse_offset;
    use super::rules::{between, timestamp};
    use super::*;
    use crate::tzdb::TzDatabase;
    use jiff::tz::TimeZone;

    fn db(version: &str) -> TzDatabase {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/zoneinfo")
            .join(version);
        TzDatabase::from_dir(&dir).expect("fixture zoneinfo")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("instant")
    }

    fn span(first: i32, last: i32) -> (DateTime<Utc>, DateTime<Utc>) {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        span_of([d(first, 1, 1), d(last, 12, 31)].into_iter()).expect("span")
    }

    const ZONES: &[&str] = &[
        "Europe/Stockholm",
        "Europe/London",
        "Europe/Dublin",
        "America/New_York",
        "America/Sao_Paulo",
        "America/St_Johns",
        "America/Santiago",
        "America/Vancouver",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Pacific/Apia",
        "Pacific/Chatham",
        "Asia/Kolkata",
        "Asia/Tehran",
        "Asia/Jerusalem",
        "Africa/Casablanca",
        "Europe/Moscow",
        "Asia/Kathmandu",
        "America/Havana",
        "America/Edmonton",
        "America/Winnipeg",
    ];

    /// Every instant at which either side may change: the zone's
    /// transitions and our onsets, each with the second before it, plus
    /// the span's ends and every six hours.
    fn probes(
        tz: &TimeZone,
        obs: &[Observance],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Vec<DateTime<Utc>> {
        let mut out = vec![start, end];
        for t in between(tz, start, end) {
            out.extend([t.at - Duration::seconds(1), t.at]);
        }
        for o in obs {
            for t in o.onsets(end) {
                out.extend([t - Duration::seconds(1), t]);
            }
        }
        let mut t = start;
        while t < end {
            out.push(t);
            t += Duration::hours(6);
        }
        out.retain(|t| (start..=end).contains(t));
        out
    }

    // Test that each kind of observance a VTIMEZONE uses has an onset at or
    // before the span's start (Ruby's icalendar gem needs one of each), for
    // every zone of the list and a term starting each month of 2010-2030.
    #[test]
    fn each_kind_has_an_onset_before_the_first_event() {
        let db = db("2026f");
        for name in ZONES {
            let zone = db.zone(name).expect("zone");
            for year in 2010..=2030 {
                for month in 1..=12 {
                    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("date");
                    let last = first + Duration::days(100);
                    let (start, end) = span_of([first, last].into_iter()).expect("span");
                    let obs = observances(zone.rules(), start, end);
                    for daylight in [false, true] {
                        let of_kind: Vec<_> =
                            obs.iter().filter(|o| o.daylight == daylight).collect();
                        assert!(
                            of_kind.is_empty()
                                || of_kind.iter().any(|o| !o.onsets(start).is_empty()),
                            "{name} from {first}: no {} onset by {start}: {obs:?}",
                            if daylight { "DAYLIGHT" } else { "STANDARD" }
                        );
                    }
                }
            }
        }
    }

    // Test that our observances give the tz database's offset at every
    // instant of the span, for zones with southern, negative, 30-minute and
    // abolished DST, date-line jumps and 2026 rule changes, in both fixture
    // releases, over spans from 1970 to 2037.
    #[test]
    fn observances_agree_with_the_tz_database() {
        for version in ["2025b", "2026f"] {
            let db = db(version);
            for name in ZONES {
                let zone = db.zone(name).expect("zone");
                let tz = zone.rules();
                for (first, last) in [
                    (1970, 1975),
                    (1996, 1998),
                    (2011, 2012),
                    (2019, 2021),
                    (2026, 2026),
                    (2026, 2027),
                    (2031, 2033),
                    (2035, 2037),
                    // Past the tz table, from the zone's POSIX rule alone.
                    (2099, 2101),
                    (2299, 2300),
                ] {
                    let (start, end) = span(first, last);
                    let obs = observances(tz, start, end);
                    for t in probes(tz, &obs, start, end) {
                        assert_eq!(
                            offset_at(&obs, t),
                            Some(tz.to_offset(timestamp(t)).seconds()),
                            "{version} {name} at {t} ({first}-{last}): {obs:#?}"
                        );
                    }
                    // Every observance starts no later than the span, or at a
                    // real transition inside it.
                    let earliest = obs.iter().flat_map(|o| o.onsets(end)).min();
                    assert!(
                        earliest.is_none_or(|e| e <= start),
                        "{name} {first}: {obs:#?}"
                    );
                }
            }
        }
    }

    fn shape(obs: &[Observance]) -> Vec<(bool, String, Option<String>, String, String, String)> {
        obs.iter()
            .map(|o| {
                (
                    o.daylight,
                    o.start.format("%Y%m%dT%H%M%S").to_string(),
                    o.rule.map(|r| r.rrule()),
                    utc_offset(o.offset_from),
                    utc_offset(o.offset_to),
                    o.name.clone(),
                )
            })
            .collect()
    }

    fn rule(
        daylight: bool,
        start: &str,
        rrule: &str,
        from: &str,
        to: &str,
        name: &str,
    ) -> (bool, String, Option<String>, String, String, String) {
        (
            daylight,
            start.into(),
            (!rrule.is_empty()).then(|| rrule.into()),
            from.into(),
            to.into(),
            name.into(),
        )
    }

    // Test the shipped course's zone: autumn 2020 in Stockholm is one
    // STANDARD and one DAYLIGHT with yearly rules (last Sunday of March at
    // 02:00, last Sunday of October at 03:00), as Outlook keeps zones.
    #[test]
    fn stockholm_autumn_2020_is_one_pair() {
        let zone = db("2026f").zone("Europe/Stockholm").expect("zone");
        let obs = observances(
            zone.rules(),
            utc("2020-09-27T00:00:00Z"),
            utc("2020-12-20T00:00:00Z"),
        );
        assert_eq!(
            shape(&obs),
            vec![
                rule(
                    true,
                    "20190331T020000",
                    "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
                    "+0100",
                    "+0200",
                    "CEST"
                ),
                rule(
                    false,
                    "20191027T030000",
                    "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
                    "+0200",
                    "+0100",
                    "CET"
                ),
            ]
        );
        // A summer course in a DST zone still gets both rules.
        let obs = observances(
            zone.rules(),
            utc("2021-06-01T00:00:00Z"),
            utc("2021-08-20T00:00:00Z"),
        );
        assert_eq!(obs.len(), 2);
        assert!(obs
            .iter()
            .all(|o| o.rule.is_some_and(|r| r.until.is_none())));
    }

    // Test New York's second-Sunday rules, and Sydney's southern ones.
    #[test]
    fn nth_weekday_rules() {
        let db = db("2026f");
        let ny = db.zone("America/New_York").expect("zone");
        let obs = observances(
            ny.rules(),
            utc("2024-01-01T00:00:00Z"),
            utc("2024-12-31T00:00:00Z"),
        );
        assert_eq!(
            obs.iter()
                .map(|o| o.rule.map(|r| r.rrule()))
                .collect::<Vec<_>>(),
            vec![
                Some("FREQ=YEARLY;BYMONTH=11;BYDAY=1SU".into()),
                Some("FREQ=YEARLY;BYMONTH=3;BYDAY=2SU".into()),
            ]
        );
        let syd = db.zone("Australia/Sydney").expect("zone");
        let obs = observances(
            syd.rules(),
            utc("2024-01-01T00:00:00Z"),
            utc("2024-12-31T00:00:00Z"),
        );
        assert_eq!(obs.len(), 2);
        assert!(obs
            .iter()
            .any(|o| o.daylight && o.rule.is_some_and(|r| r.month == 10)));
    }

    // Test that zones without DST get a single STANDARD: Kolkata always,
    // and Vancouver for autumn 2026 under 2026f (permanent -07 since
    // 2026-03-08), while 2025b still has the PDT/PST pair.
    #[test]
    fn fixed_offsets_are_one_standard() {
        let kolkata = db("2026f").zone("Asia/Kolkata").expect("zone");
        let obs = observances(
            kolkata.rules(),
            utc("2020-01-01T00:00:00Z"),
            utc("2021-12-31T00:00:00Z"),
        );
        assert_eq!(
            shape(&obs),
            vec![rule(false, "19451014T230000", "", "+0530", "+0530", "IST")]
        );

        let (start, end) = (utc("2026-08-30T00:00:00Z"), utc("2026-12-20T00:00:00Z"));
        let new = db("2026f").zone("America/Vancouver").expect("zone");
        let obs = observances(new.rules(), start, end);
        assert_eq!(
            shape(&obs),
            vec![rule(false, "20260308T030000", "", "-0700", "-0700", "PDT")]
        );
        let old = db("2025b").zone("America/Vancouver").expect("zone");
        let obs = observances(old.rules(), start, end);
        assert_eq!(
            shape(&obs),
            vec![
                rule(
                    true,
                    "20250309T020000",
                    "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
                    "-0800",
                    "-0700",
                    "PDT"
                ),
                rule(
                    false,
                    "20251102T020000",
                    "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
                    "-0700",
                    "-0800",
                    "PST"
                ),
            ]
        );
    }

    // Test a span across a rule change: Vancouver 2025-2026 under 2026f
    // ends its daylight rule with UNTIL and needs no further observance.
    #[test]
    fn rule_change_inside_the_span_gets_until() {
        let zone = db("2026f").zone("America/Vancouver").expect("zone");
        let obs = observances(
            zone.rules(),
            utc("2025-09-01T00:00:00Z"),
            utc("2026-12-20T00:00:00Z"),
        );
        assert!(
            obs.iter().any(|o| o
                .rule
                .is_some_and(|r| r.until == Some(utc("2026-03-08T10:00:00Z")))),
            "{obs:#?}"
        );
    }

    // Test that Dublin's summer is the DAYLIGHT observance whatever the
    // data's isdst flags say.
    #[test]
    fn dublin_summer_is_daylight() {
        let zone = db("2026f").zone("Europe/Dublin").expect("zone");
        let obs = observances(
            zone.rules(),
            utc("2024-01-01T00:00:00Z"),
            utc("2024-12-31T00:00:00Z"),
        );
        let daylight: Vec<_> = obs
            .iter()
            .filter(|o| o.daylight)
            .map(|o| o.offset_to)
            .collect();
        assert_eq!(daylight, vec![3600]);
    }

    // Test reading our own output back: the reader gives the same
    // observances, and odd forms make the zone unreadable instead of wrong.
    #[test]
    fn reader_round_trip() {
        let zone = db("2026f").zone("Europe/Stockholm").expect("zone");
        let mut w = Writer::new();
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        write(
            &mut w,
            &zone,
            [d("2020-09-28"), d("2020-12-14")].into_iter(),
        );
        let text = w.finish();
        let mut r = ZoneReader::default();
        for (_, line) in crate::ics::read::lines(&text) {
            let p = crate::ics::read::property(&line).expect("line");
            r.property(p.name, p.value);
        }
        let (tzid, obs) = r.finish().expect("readable");
        assert_eq!(tzid, "Europe/Stockholm");
        let (start, end) = span_of([d("2020-09-28"), d("2020-12-14")].into_iter()).expect("span");
        assert_eq!(obs, observances(zone.rules(), start, end));

        let mut r = ZoneReader::default();
        for (n, v) in [
            ("TZID", "X"),
            ("BEGIN", "STANDARD"),
            ("DTSTART", "19700101T000000"),
            ("RRULE", "FREQ=MONTHLY"),
            ("TZOFFSETFROM", "+0100"),
            ("TZOFFSETTO", "+0100"),
            ("END", "STANDARD"),
        ] {
            r.property(n, v);
        }
        assert!(r.finish().is_none());
    }

    // Test RDATE onsets and the offset before the first onset.
    #[test]
    fn rdates_and_before_first_onset() {
        let o = |start: &str, from, to, rdates: Vec<&str>| Observance {
            daylight: to > from,
            start: local_time(start).expect("time"),
            offset_from: from,
            offset_to: to,
            name: String::new(),
            rule: None,
            rdates: rdates
                .into_iter()
                .map(|r| local_time(r).expect("time"))
                .collect(),
        };
        let obs = vec![
            o("20200329T020000", 3600, 7200, vec!["20210328T020000"]),
            o("20201025T030000", 7200, 3600, vec![]),
        ];
        assert_eq!(offset_at(&obs, utc("2020-01-01T00:00:00Z")), Some(3600));
        assert_eq!(offset_at(&obs, utc("2020-06-01T00:00:00Z")), Some(7200));
        assert_eq!(offset_at(&obs, utc("2020-12-01T00:00:00Z")), Some(3600));
        assert_eq!(offset_at(&obs, utc("2021-06-01T00:00:00Z")), Some(7200));
    }

    // Test UTC-OFFSET formatting and parsing, including seconds and negative offsets.
    #[test]
    fn offsets() {
        for (secs, text) in [
            (3600, "+0100"),
            (-12600, "-0330"),
            (0, "+0000"),
            (3208, "+005328"),
        ] {
            assert_eq!(utc_offset(secs), text);
            assert_eq!(parse_offset(text), Some(secs));
        }
        assert_eq!(parse_offset("0100"), None);
    }

    // Test which zones are written as UTC instead of with a TZID.
    #[test]
    fn utc_zones() {
        let db = db("2026f");
        assert!(written_as_utc(&db.zone("Etc/UTC").expect("zone")));
        assert!(written_as_utc(&Zone::utc()));
        assert!(written_as_utc(&db.zone("Etc/GMT+5").expect("zone")));
        assert!(!written_as_utc(&db.zone("Europe/London").expect("zone")));
    }
}
