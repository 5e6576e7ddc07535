//! Regenerating a published feed: what changed since the last build, and
//! what each event's revision properties must become.
//!
//! Calendar apps decide whether their copy of an event is stale from UID,
//! SEQUENCE, DTSTAMP and LAST-MODIFIED (RFC 5545 §3.8.7). Stamping every
//! event anew on every build makes apps churn and the published file change
//! when nothing did; keeping SEQUENCE on a changed event makes some apps keep
//! the stale copy. So an unchanged event keeps its revision byte for byte, a
//! changed one gets SEQUENCE + 1 and the build time, a new one starts at 0.

mod published;
mod report;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::feed::{self, Revision};
use crate::model::{Schedule, Session, Status};
use crate::tzdb::Zone;

use published::{fingerprint, Prop};
pub use published::{Published, PublishedEvent};
pub use report::{
    Added, Changed, Counts, Lines, Moved, OutsideWindow, Removed, Report, TzdataChange, TZ_RULES,
};

/// What the build will do, per session, and the report of it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Each session's revision, in session order.
    pub revisions: Vec<Revision>,
    /// Each session's content lines ([`feed::event_content`]), in session
    /// order: rendered once, compared here and written by [`feed::write_feed`].
    pub contents: Vec<Arc<str>>,
    /// What changed since the published feed.
    pub report: Report,
}

/// Decide each session's revision against `published` (None: a first build).
pub fn plan(schedule: &Schedule, published: Option<&Published>, now: DateTime<Utc>) -> Plan {
    let fresh = Revision::new_at(now);
    let by_uid: HashMap<&str, &PublishedEvent> = published
        .map(|p| p.events.iter().map(|e| (e.uid.as_str(), e)).collect())
        .unwrap_or_default();
    let sessions = &schedule.sessions;
    // Same release, same generator: equal text is an equal instant, and the
    // published zones need not be evaluated.
    let same_rules =
        published.is_some_and(|p| p.tzdata.is_some() && p.tzdata == schedule.tzdata.version);
    let zones = published.filter(|_| !same_rules);
    // One course on one thread: a folder is parallel across its courses.
    let mut plan = plan_part(schedule, sessions, &by_uid, zones, &fresh);
    if let Some(p) = published {
        let moved = plan
            .report
            .changed
            .iter()
            .filter(|c| c.moved.as_ref().is_some_and(|m| m.reason.is_some()))
            .count();
        let current = schedule.tzdata.version.clone();
        if moved > 0 || (p.tzdata.is_some() && p.tzdata != current) {
            plan.report.tzdata = Some(TzdataChange {
                published: p.tzdata.clone(),
                current,
                moved,
            });
        }
        let ours: HashSet<&str> = sessions.iter().map(|s| s.uid.as_str()).collect();
        plan.report.removed = p
            .events
            .iter()
            .filter(|e| !ours.contains(e.uid.as_str()))
            .map(|e| Removed {
                uid: e.uid.clone(),
                summary: e.summary.clone(),
            })
            .collect();
    }
    plan
}

/// The plan for some of the sessions: their revisions and report entries.
/// With `zones`, an event whose text is unchanged is also checked for an
/// instant the published feed's VTIMEZONE puts elsewhere.
/// The plan of a combined feed's first build from `sessions` of the course
/// named `course`, their events' contents already rendered (`contents`, in
/// session order): every event new. With `itemize`, the report has an
/// entry per event; without, their number ([`Report::drop_added`]).
pub fn plan_named(
    sessions: &[Session],
    contents: Vec<Arc<str>>,
    course: &str,
    now: DateTime<Utc>,
    itemize: bool,
) -> Plan {
    let fresh = Revision::new_at(now);
    let mut report = Report::default();
    match itemize {
        true => {
            report.added = sessions
                .iter()
                .map(|s| Added {
                    uid: s.uid.clone(),
                    summary: feed::summary_naming(s, Some(course)),
                    start: match s.all_day {
                        true => s.date.to_string(),
                        false => local(s.local_start()),
                    },
                })
                .collect();
        }
        false => report.dropped.added = sessions.len(),
    }
    Plan {
        revisions: vec![fresh; sessions.len()],
        contents,
        report,
    }
}

fn plan_part(
    schedule: &Schedule,
    sessions: &[Session],
    by_uid: &HashMap<&str, &PublishedEvent>,
    zones: Option<&Published>,
    fresh: &Revision,
) -> Plan {
    let mut report = Report::default();
    let mut revisions = Vec::with_capacity(sessions.len());
    let mut contents = Vec::with_capacity(sessions.len());
    for s in sessions {
        let new = feed::event_content(schedule, s);
        let Some(old) = by_uid.get(s.uid.as_str()) else {
            contents.push(new.into());
            report.added.push(Added {
                uid: s.uid.clone(),
                summary: feed::summary(s),
                start: start_of(s),
            });
            revisions.push(fresh.clone());
            continue;
        };
        // The same text is the usual case and the quick one; another tool's
        // feed differs in form and is compared property by property.
        let same_text = *new == *old.content;
        let (old_props, new_props) = match same_text {
            true => (Vec::new(), Vec::new()),
            false => (fingerprint(&old.content), fingerprint(&new)),
        };
        // Equal text is kept once: the published event's copy, which the
        // published feed holds anyway.
        contents.push(match same_text {
            true => old.content.clone(),
            false => new.into(),
        });
        let (fields, moved, details) = if old_props == new_props {
            match zones.and_then(|p| moved_by_rules(p, old, s)) {
                Some((fields, moved)) => (fields, moved, Vec::new()),
                None => {
                    report.unchanged += 1;
                    revisions.push(old.revision.clone());
                    continue;
                }
            }
        } else {
            let fields = changed_fields(&old_props, &new_props);
            let was = |value: &Option<(String, Option<String>)>| {
                value
                    .as_ref()
                    .map(|(v, tzid)| published_local(v, tzid.as_deref(), &s.timezone))
                    .unwrap_or_default()
            };
            let (start, end) = (start_of(s), local(s.local_end()));
            let (was_start, was_end) = (was(&old.start), was(&old.end));
            let mut details = Vec::new();
            let moved = fields.iter().any(|f| f == "start").then(|| Moved {
                from: was_start.clone(),
                to: start.clone(),
                reason: None,
            });
            if fields.iter().any(|f| f == "end") && !s.all_day {
                let hours = |from: &str, to: &str| {
                    format!(
                        "{}-{}",
                        from.get(11..).unwrap_or(from),
                        to.get(11..).unwrap_or(to)
                    )
                };
                let (then, now) = (hours(&was_start, &was_end), hours(&start, &end));
                match moved {
                    None => details.push(format!("time {then} -> {now}")),
                    // A move changes the end too; say so only when the hours differ.
                    Some(_) if then != now => details.push(format!("time {then} -> {now}")),
                    Some(_) => {}
                }
            }
            details.extend(report::details(&old_props, &new_props));
            (fields, moved, details)
        };
        let sequence = old.revision.sequence.saturating_add(1);
        let summary = feed::summary(s);
        let cancelled = s.status == Status::Cancelled;
        report.changed.push(Changed {
            uid: s.uid.clone(),
            name: match cancelled {
                true => summary
                    .strip_prefix("Cancelled: ")
                    .unwrap_or(&summary)
                    .to_owned(),
                false => summary.clone(),
            },
            summary,
            start: start_of(s),
            fields,
            details,
            cancelled: cancelled
                && !old
                    .status
                    .as_deref()
                    .is_some_and(|st| st.eq_ignore_ascii_case("CANCELLED")),
            moved,
            sequence,
        });
        revisions.push(Revision {
            created: old.revision.created.clone(),
            sequence,
            ..fresh.clone()
        });
    }
    Plan {
        revisions,
        contents,
        report,
    }
}

/// For an event whose text is as published: the fields whose instant the
/// published feed's own VTIMEZONE puts elsewhere than today's rules do.
fn moved_by_rules(
    published: &Published,
    old: &PublishedEvent,
    s: &Session,
) -> Option<(Vec<String>, Option<Moved>)> {
    if s.all_day {
        return None;
    }
    let differs = |value: &Option<(String, Option<String>)>, now: DateTime<Utc>| {
        value
            .as_ref()
            .and_then(|v| published.instant(v))
            .filter(|then| *then != now)
    };
    let start = differs(&old.start, s.starts_at);
    let end = differs(&old.end, s.ends_at);
    let mut fields = Vec::new();
    if start.is_some() {
        fields.push("start".to_owned());
    }
    if end.is_some() {
        fields.push("end".to_owned());
    }
    let (from, to) = match (start, end) {
        (Some(then), _) => (then, s.starts_at),
        (None, Some(then)) => (then, s.ends_at),
        (None, None) => return None,
    };
    Some((
        fields,
        Some(Moved {
            from: utc_minutes(from),
            to: utc_minutes(to),
            reason: Some(TZ_RULES.to_owned()),
        }),
    ))
}

fn utc_minutes(t: DateTime<Utc>) -> String {
    format!("{}Z", local(t.naive_utc()))
}

/// Names of the properties that differ, as people call them.
fn changed_fields(old: &[Prop], new: &[Prop]) -> Vec<String> {
    let names: std::collections::BTreeSet<&str> =
        old.iter().chain(new).map(|p| p.0.as_str()).collect();
    let of = |list: &[Prop], name: &str| -> Vec<Prop> {
        list.iter().filter(|p| p.0 == name).cloned().collect()
    };
    let mut fields: Vec<String> = names
        .into_iter()
        .filter(|n| of(old, n) != of(new, n))
        .map(|n| match n {
            "DTSTART" => "start".to_owned(),
            "DTEND" => "end".to_owned(),
            other => other.to_ascii_lowercase(),
        })
        .collect();
    fields.sort_by_key(|f| (f != "start", f != "end", f.clone()));
    fields
}

/// A session's local start as the report says it, or its day when it is all-day.
fn start_of(s: &Session) -> String {
    match s.all_day {
        true => s.date.to_string(),
        false => local(s.local_start()),
    }
}

fn local(t: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A published DTSTART value as local time: as written when it has a TZID,
/// converted to `tz` when it is UTC.
fn published_local(value: &str, tzid: Option<&str>, tz: &Zone) -> String {
    let (text, is_utc) = match value.strip_suffix('Z') {
        Some(t) => (t, true),
        None => (value, false),
    };
    let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S") else {
        // An all-day item's DATE value.
        return match chrono::NaiveDate::parse_from_str(text, "%Y%m%d") {
            Ok(day) => day.to_string(),
            Err(_) => value.to_owned(),
        };
    };
    if is_utc && tzid.is_none() {
        local(tz.local_at(t.and_utc()))
    } else {
        local(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that a previous feed is read leniently: LF line ends, tab folds,
    // unknown properties, lowercase names, a BOM and missing revision properties.
    #[test]
    fn reads_other_tools_feeds() {
        let text = "\u{feff}BEGIN:VCALENDAR\nVERSION:2.0\nX-OTHER;P=1:x\nBEGIN:VEVENT\nuid:a@x\nSUMMARY:Hello\n\tworld\nDTSTART;TZID=Europe/Stockholm:20201019T150000\nX-UNKNOWN:1\nEND:VEVENT\nEND:VCALENDAR\n";
        let p = Published::read(text).expect("lenient");
        assert_eq!(p.events().len(), 1);
        let e = &p.events()[0];
        assert_eq!((e.uid.as_str(), e.summary.as_str()), ("a@x", "Helloworld"));
        assert_eq!(e.revision.sequence, 0);
    }

    // Test that another tool's form of the same event compares equal:
    // properties in another order, lower-case names, parameters reordered,
    // escaping that differs but means the same, and an alarm inside the
    // event, whose properties are not the event's.
    #[test]
    fn same_event_in_another_form_is_unchanged() {
        let ours = "DTSTART;TZID=Europe/Stockholm;VALUE=DATE-TIME:20201019T150000\nSUMMARY:A\\, b\nCATEGORIES:Lecture,Deadline\n";
        let theirs = "categories:Lecture,Deadline\nsummary:A, b\nDTSTART;value=DATE-TIME;TZID=\"Europe/Stockholm\":20201019T150000\n";
        assert_ne!(ours, theirs);
        assert_eq!(fingerprint(ours), fingerprint(theirs));
        let text = format!(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nSEQUENCE:3\n{theirs}BEGIN:VALARM\nTRIGGER:-PT15M\nDESCRIPTION:x\nEND:VALARM\nX-TOOL:1\nEND:VEVENT\nEND:VCALENDAR\n"
        );
        let p = Published::read(&text).expect("reads");
        let e = &p.events()[0];
        assert_eq!(fingerprint(&e.content), fingerprint(ours));
        assert_eq!((e.summary.as_str(), e.revision.sequence), ("A, b", 3));
        // A list's escaped comma is text, not a separator: that differs.
        assert_ne!(
            fingerprint("CATEGORIES:a\\,b\n"),
            fingerprint("CATEGORIES:a,b\n")
        );
    }

    // Test that a feed whose components do not nest is refused, naming lines.
    #[test]
    fn refuses_broken_nesting() {
        let reason = |text: &str| Published::read(text).expect_err("refused");
        assert_eq!(
            reason("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n"),
            "END:VCALENDAR on line 3 does not end BEGIN:VEVENT of line 2"
        );
        assert_eq!(
            reason("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n"),
            "BEGIN:VEVENT of line 2 never ends"
        );
        assert_eq!(
            reason("BEGIN:VCALENDAR\r\n<html>\r\nEND:VCALENDAR\r\n"),
            "line 2 is not an iCalendar content line"
        );
        assert_eq!(
            reason("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nEND:VEVENT\r\n"),
            "END:VEVENT on line 3 ends nothing"
        );
    }

    // Test that text that is not a calendar is refused with a reason.
    #[test]
    fn refuses_garbage() {
        assert!(Published::read("<html>not found</html>").is_err());
        assert!(Published::read("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n").is_err());
    }

    // Test that a plan of a large schedule reports exactly the changed
    // sessions, in session order, and keeps every other revision.
    #[test]
    fn a_plan_reports_exactly_what_changed() {
        let n = 2_301;
        let schedule = crate::synthetic::schedule(n);
        let t0 = DateTime::from_timestamp(1_600_000_000, 0).expect("t0");
        let t1 = DateTime::from_timestamp(1_700_000_000, 0).expect("t1");
        let published = Published::read(&feed::render(&schedule, t0)).expect("reads");
        let mut changed = schedule.clone();
        changed.sessions[5].topic = Some("New".into());
        changed.sessions[n - 5].topic = Some("New".into());
        let plan = plan(&changed, Some(&published), t1);
        let uids: Vec<&str> = plan.report.changed.iter().map(|c| c.uid.as_str()).collect();
        assert_eq!(
            uids,
            vec![
                changed.sessions[5].uid.as_str(),
                changed.sessions[n - 5].uid.as_str()
            ]
        );
        assert_eq!(plan.report.unchanged, n - 2);
        for (i, r) in plan.revisions.iter().enumerate() {
            let revised = i == 5 || i == n - 5;
            assert_eq!(r.sequence, u32::from(revised), "session {i}");
        }
    }

    // Test that published local times read back as local, UTC ones converted.
    #[test]
    fn published_times() {
        let tz = crate::TzDatabase::bundled()
            .zone("Europe/Stockholm")
            .expect("zone");
        assert_eq!(
            published_local("20201019T150000", Some("Europe/Stockholm"), &tz),
            "2020-10-19 15:00"
        );
        assert_eq!(
            published_local("20201026T140000Z", None, &tz),
            "2020-10-26 15:00"
        );
    }
}
