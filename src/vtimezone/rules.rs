//! Observances built from the tz database's transitions: yearly rules
//! found by matching each year's transitions, as described in the parent.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use jiff::tz::TimeZone;

use super::{Observance, Week, Yearly};

/// A change of offset, as the tz database has it.
#[derive(Debug, Clone)]
pub(super) struct Transition {
    pub(super) at: DateTime<Utc>,
    from: i32,
    to: i32,
    name: String,
    /// tzdata's flag, only used when the offset stays and the name changes.
    dst: bool,
}

impl Transition {
    fn daylight(&self) -> bool {
        self.to > self.from && self.to - self.from <= 2 * 3600
    }

    /// Local wall time before the onset: DTSTART's form.
    fn local(&self) -> NaiveDateTime {
        self.at.naive_utc() + Duration::seconds(self.from.into())
    }

    /// Whether two transitions can be onsets of one observance.
    fn same_kind(&self, other: &Transition) -> bool {
        (
            self.daylight(),
            self.from,
            self.to,
            &self.name,
            self.local().time(),
        ) == (
            other.daylight(),
            other.from,
            other.to,
            &other.name,
            other.local().time(),
        )
    }
}

pub(super) fn timestamp(t: DateTime<Utc>) -> jiff::Timestamp {
    jiff::Timestamp::from_second(t.timestamp()).unwrap_or(jiff::Timestamp::MIN)
}

fn instant(t: jiff::Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(t.as_second(), 0).unwrap_or_default()
}

/// The transition into the period that contains `t`, if any.
fn preceding(tz: &TimeZone, t: DateTime<Utc>) -> Option<Transition> {
    // `preceding` is strictly before: step one second on to include `t`.
    tz.preceding(timestamp(t + Duration::seconds(1)))
        .map(|tr| transition(tz, &tr))
        .find(|tr| tr.from != tr.to)
}

fn transition(tz: &TimeZone, tr: &jiff::tz::TimeZoneTransition<'_>) -> Transition {
    let at = instant(tr.timestamp());
    let before = tz.to_offset(timestamp(at - Duration::seconds(1))).seconds();
    Transition {
        at,
        from: before,
        to: tr.offset().seconds(),
        name: tr.abbreviation().to_owned(),
        dst: tr.dst().is_dst(),
    }
}

/// The transitions after `from` up to `to`, leaving out those that change
/// only the abbreviation or tzdata's DST flag: no time depends on them.
pub(super) fn between(tz: &TimeZone, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Transition> {
    tz.following(timestamp(from))
        .map(|tr| transition(tz, &tr))
        .take_while(|tr| tr.at <= to)
        .filter(|tr| tr.from != tr.to)
        .collect()
}

/// The weekday-of-month forms a date fits: `Nth(n)` for the first four,
/// `Last` when no later same weekday is in the month.
fn forms(date: NaiveDate) -> Vec<Week> {
    let n = (date.day() - 1) / 7 + 1;
    let days_in_month = NaiveDate::from_ymd_opt(date.year(), date.month(), 1)
        .and_then(|first| {
            first
                .checked_add_months(chrono::Months::new(1))
                .map(|next| (next - first).num_days())
        })
        .unwrap_or(31);
    let mut out = Vec::with_capacity(2);
    // Last first: the tz database's "lastSun" rules are the common case.
    if i64::from(date.day()) + 7 > days_in_month {
        out.push(Week::Last);
    }
    if n <= 4 {
        out.push(Week::Nth(n as u8));
    }
    out
}

/// Transitions that one yearly rule produces, one a year.
#[derive(Debug)]
struct Run {
    onsets: Vec<Transition>,
    forms: Vec<Week>,
}

impl Run {
    fn first(&self) -> &Transition {
        &self.onsets[0]
    }

    fn last(&self) -> &Transition {
        &self.onsets[self.onsets.len() - 1]
    }

    /// Whether `t` is this rule's onset of the year after its last one.
    fn takes(&self, t: &Transition) -> bool {
        let (last, date) = (self.last(), t.local().date());
        last.same_kind(t)
            && date.year() == last.local().year() + 1
            && date.month() == last.local().month()
            && date.weekday() == last.local().weekday()
            && forms(date).iter().any(|f| self.forms.contains(f))
    }

    /// UNTIL for a rule that ended: any instant from its last onset to the
    /// year after means the same in RFC 5545, where UNTIL is UTC. dateutil
    /// (vobject, Python icalendar) compares it with local times instead, so
    /// we take the later of the two readings of the last onset, which both
    /// kinds of reader then include.
    fn until(&self) -> DateTime<Utc> {
        let last = self.last();
        last.at + Duration::seconds(last.from.max(0).into())
    }

    fn rule(&self, week: Week, until: Option<DateTime<Utc>>) -> Yearly {
        let local = self.first().local();
        Yearly {
            month: local.month(),
            week,
            weekday: local.weekday(),
            until,
        }
    }

    /// The form under which the zone really has next year's onset too:
    /// then the rule goes on past the span and needs no UNTIL.
    fn ongoing(&self, tz: &TimeZone) -> Option<Week> {
        let last = self.last();
        let year = last.local().year() + 1;
        self.forms.iter().copied().find(|&week| {
            let Some(date) = self.rule(week, None).date_in(year) else {
                return false;
            };
            let at = (date.and_time(last.local().time()) - Duration::seconds(last.from.into()))
                .and_utc();
            preceding(tz, at).is_some_and(|t| t.at == at && last.same_kind(&t))
        })
    }
}

/// The transitions grouped into yearly rules: each joins the run of the
/// same kind whose onset it is a year after, in a weekday form both fit.
fn runs(window: Vec<Transition>) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for t in window {
        match runs.iter_mut().rev().find(|r| r.takes(&t)) {
            Some(run) => {
                let f = forms(t.local().date());
                run.forms.retain(|w| f.contains(w));
                run.onsets.push(t);
            }
            None => runs.push(Run {
                forms: forms(t.local().date()),
                onsets: vec![t],
            }),
        }
    }
    runs
}

/// The runs that matter from `start` to `end`, as observances, each with
/// whether its rule goes on past the span.
fn needed(
    tz: &TimeZone,
    runs: Vec<Run>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<(Observance, bool)> {
    let mut kept = Vec::new();
    for run in &runs {
        let ongoing = run.ongoing(tz);
        // A rule that ended before the span starts is not needed: the
        // onset in force at `start` comes after all of its onsets.
        let after_last = between(tz, run.last().at, end).first().map(|t| t.at);
        if ongoing.is_none() && after_last.is_some_and(|next| next <= start) {
            continue;
        }
        let rule = match (ongoing, run.onsets.len(), run.forms.first()) {
            (Some(week), _, _) => Some(run.rule(week, None)),
            (None, 2.., Some(&week)) => Some(run.rule(week, Some(run.until()))),
            _ => None,
        };
        let first = run.first();
        kept.push((
            Observance {
                daylight: first.daylight() || (first.from == first.to && first.dst),
                start: first.local(),
                offset_from: first.from,
                offset_to: first.to,
                name: first.name.clone(),
                rule,
                rdates: Vec::new(),
            },
            ongoing.is_some(),
        ));
    }
    kept
}

/// The observances that give `tz`'s offsets exactly from `start` to `end`,
/// in the form described at the top of this module.
pub fn observances(tz: &TimeZone, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<Observance> {
    let in_force = preceding(tz, start);
    let offset = tz.to_offset(timestamp(start)).seconds();
    let name = tz
        .to_offset_info(timestamp(start))
        .abbreviation()
        .to_owned();
    let in_span = between(tz, start, end);
    let fixed = |onset: Option<&Transition>| Observance {
        daylight: false,
        start: onset.map_or_else(
            || {
                NaiveDate::from_ymd_opt(1970, 1, 1)
                    .unwrap_or_default()
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
            },
            |t| t.at.naive_utc() + Duration::seconds(offset.into()),
        ),
        offset_from: offset,
        offset_to: offset,
        name: name.clone(),
        rule: None,
        rdates: Vec::new(),
    };

    // A year before the span as well, so that a zone with DST shows both of
    // its yearly rules even when the span lies within one half of the year.
    let lookback = start - Duration::days(366);
    let mut window: Vec<Transition> = preceding(tz, lookback).into_iter().collect();
    window.extend(between(tz, lookback, end));
    if window.is_empty() {
        return vec![fixed(None)];
    }

    let kept = needed(tz, runs(window), start, end);

    let pair = kept.len() == 2
        && kept.iter().all(|(_, ongoing)| *ongoing)
        && kept[0].0.daylight != kept[1].0.daylight;
    if in_span.is_empty() && !pair {
        return vec![fixed(in_force.as_ref())];
    }
    let mut out: Vec<Observance> = kept.into_iter().map(|(o, _)| o).collect();
    if !out.iter().any(|o| !o.daylight) {
        // Only labels: the offsets, which are what clients compute with, stay.
        if let Some(first) = out.iter_mut().min_by_key(|o| o.start) {
            first.daylight = false;
        }
    }
    if in_force.is_none() {
        // The zone's first transition is inside the span: its first offset
        // needs an observance too, or readers would have none before it.
        let mut first = fixed(None);
        first.start = start.naive_utc() + Duration::seconds(offset.into());
        out.push(first);
    }
    for daylight in [false, true] {
        if let Some(earlier) = onset_of_kind_by(tz, &out, daylight, start) {
            add_onset(&mut out, earlier);
        }
    }
    out.sort_by_key(|o| (o.start, o.daylight));
    out
}

/// Add `earlier`, an onset before every other, as an observance of its
/// own, or as the new first onset (DTSTART, the old one becoming its one
/// RDATE) of a one-off observance with the same offsets and name. Ruby's
/// icalendar gem sorts the observances of a kind by their latest onset
/// before a time and fails where one of them has none yet, so one
/// observance with two onsets is what it reads; a single RDATE is also the
/// most Outlook reads (see the parent module).
fn add_onset(out: &mut Vec<Observance>, earlier: Observance) {
    let same = out.iter_mut().find(|o| {
        o.rule.is_none()
            && o.rdates.is_empty()
            && (o.daylight, o.offset_from, o.offset_to, &o.name)
                == (
                    earlier.daylight,
                    earlier.offset_from,
                    earlier.offset_to,
                    &earlier.name,
                )
    });
    match same {
        Some(o) => {
            o.rdates.push(o.start);
            o.start = earlier.start;
        }
        None => out.push(earlier),
    }
}

/// An onset of the kind (DAYLIGHT or STANDARD) when `out` uses that kind
/// but has none of its onsets at or before `start`, the first event.
///
/// Ruby's icalendar gem compares the latest STANDARD onset with the latest
/// DAYLIGHT one before a time, and fails on a zone where one of them has
/// none yet: Africa/Casablanca in autumn 2026 starts with the March
/// DAYLIGHT onset, and its next STANDARD one is in February 2027. The onset
/// added is the zone's own last change of that kind before the observance
/// in force, so every offset from `start` on stays as it was.
fn onset_of_kind_by(
    tz: &TimeZone,
    out: &[Observance],
    daylight: bool,
    start: DateTime<Utc>,
) -> Option<Observance> {
    let first_onset =
        |o: &Observance| (o.start - Duration::seconds(o.offset_from.into())).and_utc();
    let mut of_kind = out.iter().filter(|o| o.daylight == daylight).peekable();
    of_kind.peek()?;
    if of_kind.any(|o| first_onset(o) <= start) {
        return None;
    }
    let earliest = out.iter().map(first_onset).min()?;
    // The zone's changes before every onset we write, latest first; a
    // handful is enough to find one of each kind where the zone has one.
    let found = tz
        .preceding(timestamp(earliest))
        .map(|tr| transition(tz, &tr))
        .filter(|t| t.from != t.to)
        .take(8)
        .find(|t| t.daylight() == daylight);
    Some(match found {
        Some(t) => Observance {
            daylight,
            start: t.local(),
            offset_from: t.from,
            offset_to: t.to,
            name: t.name.clone(),
            rule: None,
            rdates: Vec::new(),
        },
        // The zone never had such a change before: an onset that keeps the
        // offset in force a day before every other onset.
        None => {
            let at = earliest - Duration::days(1);
            let info = tz.to_offset_info(timestamp(at));
            let offset = info.offset().seconds();
            Observance {
                daylight,
                start: at.naive_utc() + Duration::seconds(offset.into()),
                offset_from: offset,
                offset_to: offset,
                name: info.abbreviation().to_owned(),
                rule: None,
                rdates: Vec::new(),
            }
        }
    })
}
