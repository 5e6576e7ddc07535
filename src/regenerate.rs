//! Regenerating a published feed: what changed since the last build, and
//! what each event's revision properties must become.
//!
//! Calendar apps decide whether their copy of an event is stale from UID,
//! SEQUENCE, DTSTAMP and LAST-MODIFIED (RFC 5545 §3.8.7). Stamping every
//! event anew on every build makes apps churn and the published file change
//! when nothing did; keeping SEQUENCE on a changed event makes some apps keep
//! the stale copy. So an unchanged event keeps its revision byte for byte, a
//! changed one gets SEQUENCE + 1 and the build time, a new one starts at 0.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use crate::feed::{self, Revision};
use crate::ics;
use crate::model::{Schedule, Session, Status};
use crate::tzdb::Zone;
use crate::vtimezone::{self, Observance, ZoneReader};

/// Properties that record revisions rather than content.
const REVISION_PROPS: &[&str] = &["UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "CREATED"];

/// Whether a property is part of what an event says: not a revision
/// property, nor an X- one that other tools add and we never write.
fn is_content(name: &str) -> bool {
    !REVISION_PROPS.iter().any(|r| name.eq_ignore_ascii_case(r))
        && !name.get(..2).is_some_and(|x| x.eq_ignore_ascii_case("X-"))
}

/// Whether we are inside a VTIMEZONE of a VCALENDAR.
fn in_zone(open: &[(String, usize)]) -> bool {
    matches!(open, [(c, _), (z, _), ..] if c == "VCALENDAR" && z == "VTIMEZONE")
}

fn is_zone_begin(p: &ics::read::Property) -> bool {
    p.name.eq_ignore_ascii_case("BEGIN") && p.value.trim().eq_ignore_ascii_case("VTIMEZONE")
}

/// Whether the innermost open component is a VEVENT of a VCALENDAR.
fn in_event(open: &[(String, usize)]) -> bool {
    matches!(open, [.., (c, _), (e, _)] if c == "VCALENDAR" && e == "VEVENT")
}

/// One property in a form that compares equal however it was folded,
/// escaped or ordered: name, sorted parameters, value.
type Prop = (String, Vec<(String, String)>, String);

/// An event of the previously published feed.
#[derive(Debug, Clone)]
pub struct PublishedEvent {
    /// Its UID.
    pub uid: String,
    /// Its SUMMARY, to name it in reports.
    pub summary: String,
    revision: Revision,
    start: Option<(String, Option<String>)>,
    end: Option<(String, Option<String>)>,
    status: Option<String>,
    /// Its content lines, unfolded, as written: all but the revision and
    /// X- properties. Equal text means an unchanged event; other text is
    /// compared by [`fingerprint`].
    content: String,
}

/// The previously published feed, as far as regeneration needs it.
#[derive(Debug, Clone, Default)]
pub struct Published {
    events: Vec<PublishedEvent>,
    /// Its VTIMEZONEs by TZID; None for one we cannot evaluate exactly.
    zones: HashMap<String, Option<Vec<Observance>>>,
    /// The tz database release it records (X-COURSEFEED-TZDATA).
    tzdata: Option<String>,
}

impl Published {
    /// Read a feed leniently: any folding, unknown properties and missing
    /// revision properties are fine. Only text that is not iCalendar at all
    /// is an error, returned as a short reason.
    pub fn read(text: &str) -> Result<Published, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let start = text.trim_start().as_bytes();
        let begin = b"BEGIN:VCALENDAR";
        if !start
            .get(..begin.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(begin))
        {
            return Err("it does not start with BEGIN:VCALENDAR".into());
        }
        let mut open: Vec<(String, usize)> = Vec::new();
        let mut event = EventLines::default();
        let mut events = Vec::new();
        let mut seen = HashSet::new();
        let mut zone: Option<ZoneReader> = None;
        let mut zones = HashMap::new();
        let mut tzdata = None;
        for (number, line) in ics::read::lines(text) {
            let p = ics::read::property(&line)
                .ok_or_else(|| format!("line {number} is not an iCalendar content line"))?;
            if in_zone(&open) || (open.len() == 1 && is_zone_begin(&p)) {
                let reader = zone.get_or_insert_with(ZoneReader::default);
                reader.property(p.name, p.value);
            }
            if open.len() == 1
                && p.name.eq_ignore_ascii_case("X-COURSEFEED-TZDATA")
                && p.params.is_empty()
            {
                tzdata = Some(p.value.trim().to_owned());
            }
            if p.name.eq_ignore_ascii_case("END")
                && p.value.trim().eq_ignore_ascii_case("VTIMEZONE")
                && open.len() == 2
            {
                let tzid = zone.as_ref().and_then(ZoneReader::tzid).map(str::to_owned);
                if let (Some(tzid), Some(reader)) = (tzid, zone.take()) {
                    zones.insert(tzid, reader.finish().map(|(_, obs)| obs));
                }
            }
            if p.name.eq_ignore_ascii_case("BEGIN") {
                open.push((p.value.trim().to_ascii_uppercase(), number));
                if in_event(&open) {
                    event = EventLines::default();
                }
            } else if p.name.eq_ignore_ascii_case("END") {
                let name = p.value.trim().to_ascii_uppercase();
                if in_event(&open) && name == "VEVENT" {
                    // A recurring event's overrides share its UID; the first stands for all.
                    if let Some(e) = std::mem::take(&mut event).finish() {
                        if seen.insert(e.uid.clone()) {
                            events.push(e);
                        }
                    }
                }
                match open.pop() {
                    Some((begun, _)) if begun == name => {}
                    Some((begun, at)) => {
                        return Err(format!(
                            "END:{name} on line {number} does not end BEGIN:{begun} of line {at}"
                        ))
                    }
                    None => return Err(format!("END:{name} on line {number} ends nothing")),
                }
            } else if in_event(&open) {
                event.add(&p, &line);
            } else if open.is_empty() {
                return Err(format!("line {number} is outside BEGIN:VCALENDAR"));
            }
        }
        if let Some((begun, at)) = open.last() {
            return Err(format!("BEGIN:{begun} of line {at} never ends"));
        }
        Ok(Published {
            events,
            zones,
            tzdata,
        })
    }

    /// The tz database release the feed says it was built with.
    pub fn tzdata(&self) -> Option<&str> {
        self.tzdata.as_deref()
    }

    /// The instant a published DTSTART or DTEND stood for, through the
    /// feed's own VTIMEZONE: what its subscribers' calendars show. None
    /// when the feed does not tell exactly (floating, unknown zone).
    fn instant(&self, value: &(String, Option<String>)) -> Option<DateTime<Utc>> {
        let (text, tzid) = value;
        match (text.trim().strip_suffix('Z'), tzid) {
            (Some(utc), None) => Some(vtimezone::local_time(utc)?.and_utc()),
            (None, Some(tzid)) => {
                let observances = self.zones.get(tzid)?.as_ref()?;
                let local = vtimezone::local_time(text)?;
                // The offset in force at the local time: try the offset
                // before and after each onset, as RFC 5545 §3.3.5 reads a
                // local time (the earlier instant at a fold).
                let mut candidates: Vec<i32> = observances
                    .iter()
                    .flat_map(|o| [o.offset_from, o.offset_to])
                    .collect();
                candidates.sort_unstable_by(|a, b| b.cmp(a));
                candidates.dedup();
                candidates.into_iter().find_map(|offset| {
                    let at = (local - chrono::Duration::seconds(offset.into())).and_utc();
                    (vtimezone::offset_at(observances, at) == Some(offset)).then_some(at)
                })
            }
            _ => None,
        }
    }

    /// The events, in feed order.
    pub fn events(&self) -> &[PublishedEvent] {
        &self.events
    }
}

/// The lines of one published event as they are read.
#[derive(Debug, Default)]
struct EventLines {
    uid: Option<String>,
    summary: Option<String>,
    dtstamp: Option<String>,
    created: Option<String>,
    last_modified: Option<String>,
    sequence: Option<u32>,
    start: Option<(String, Option<String>)>,
    end: Option<(String, Option<String>)>,
    status: Option<String>,
    content: String,
}

impl EventLines {
    fn add(&mut self, p: &ics::read::Property, line: &str) {
        let is = |name: &str| p.name.eq_ignore_ascii_case(name);
        let value = || Some(p.value.to_owned());
        if is("UID") {
            self.uid = value();
        } else if is("DTSTAMP") {
            self.dtstamp = value();
        } else if is("CREATED") {
            self.created = value();
        } else if is("LAST-MODIFIED") {
            self.last_modified = value();
        } else if is("SEQUENCE") {
            self.sequence = p.value.trim().parse().ok();
        }
        if !is_content(p.name) {
            return;
        }
        if is("SUMMARY") {
            self.summary = Some(ics::read::unescape_text(p.value).into_owned());
        } else if is("STATUS") {
            self.status = value();
        } else if is("DTSTART") || is("DTEND") {
            let tzid = p
                .params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("TZID"))
                .map(|(_, v)| (*v).to_owned());
            let value = Some((p.value.to_owned(), tzid));
            match is("DTSTART") {
                true => self.start = value,
                false => self.end = value,
            }
        }
        self.content.push_str(line);
        self.content.push('\n');
    }

    /// The event, if it has a UID. Lenient: a feed from another tool may lack
    /// any revision property; an unchanged event then keeps what it had,
    /// falling back to its DTSTAMP.
    fn finish(self) -> Option<PublishedEvent> {
        let dtstamp: std::sync::Arc<str> = self.dtstamp.unwrap_or_default().into();
        Some(PublishedEvent {
            uid: self.uid?,
            summary: self.summary.unwrap_or_default(),
            revision: Revision {
                created: self.created.map_or_else(|| dtstamp.clone(), Into::into),
                last_modified: self
                    .last_modified
                    .map_or_else(|| dtstamp.clone(), Into::into),
                sequence: self.sequence.unwrap_or(0),
                dtstamp,
            },
            start: self.start,
            end: self.end,
            status: self.status,
            content: self.content,
        })
    }
}

/// A property in comparable form: names in upper case, parameters sorted,
/// and the value unescaped unless it is a list, whose escaped commas are
/// not separators (§3.3.11), so that another tool's escaping of the same
/// text compares equal.
fn prop(p: &ics::read::Property) -> Prop {
    let name = p.name.to_ascii_uppercase();
    let mut params: Vec<(String, String)> = p
        .params
        .iter()
        .map(|(k, v)| (k.to_ascii_uppercase(), (*v).to_owned()))
        .collect();
    params.sort();
    let value = match name.as_str() {
        "CATEGORIES" | "RESOURCES" => p.value.to_owned(),
        _ => ics::read::unescape_text(p.value).into_owned(),
    };
    (name, params, value)
}

/// Content lines (as [`EventLines`] keeps them) in a form that compares
/// equal however another tool ordered, escaped or capitalised them.
fn fingerprint(content: &str) -> Vec<Prop> {
    let mut props: Vec<Prop> = content
        .lines()
        .filter_map(|line| ics::read::property(line).map(|p| prop(&p)))
        .collect();
    props.sort();
    props
}

/// The content lines of the event we are about to write, kept as
/// [`EventLines`] keeps a published one's: the event's own lines, not
/// BEGIN and END nor anything inside it, and not its revision.
fn new_content(schedule: &Schedule, s: &Session) -> String {
    let text = feed::event_content(schedule, s);
    let mut content = String::with_capacity(text.len());
    let mut depth = 0usize;
    for (_, line) in ics::read::lines(&text) {
        let Some(p) = ics::read::property(&line) else {
            // Our own output always parses; were it not to, the event
            // would count as changed, the safe side.
            content.push_str(&line);
            content.push('\n');
            continue;
        };
        if p.name == "BEGIN" {
            depth += 1;
        } else if p.name == "END" {
            depth = depth.saturating_sub(1);
        } else if depth == 1 && is_content(p.name) {
            content.push_str(&line);
            content.push('\n');
        }
    }
    content
}

/// What the build will do, per session, and the report of it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Each session's revision, in session order.
    pub revisions: Vec<Revision>,
    /// What changed since the published feed.
    pub report: Report,
}

/// What changed since the previously published feed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Sessions not in the published feed.
    pub added: Vec<Added>,
    /// Published events whose session is gone from the schedule.
    pub removed: Vec<Removed>,
    /// Sessions whose event changed (time, text, links, status...).
    pub changed: Vec<Changed>,
    /// How many events are exactly as published.
    pub unchanged: usize,
    /// The tz database the published feed was built with, when it differs
    /// from this build's or moved an event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tzdata: Option<TzdataChange>,
}

/// A rebuild with other tz rules than the published feed's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TzdataChange {
    /// The release the published feed records, if it records one.
    pub published: Option<String>,
    /// The release this build uses.
    pub current: Option<String>,
    /// How many events the new rules move to another instant.
    pub moved: usize,
}

/// A new session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Added {
    /// Its UID.
    pub uid: String,
    /// Its SUMMARY.
    pub summary: String,
    /// Local start, `YYYY-MM-DD HH:MM`.
    pub start: String,
}

/// A published event no longer in the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    /// Its UID.
    pub uid: String,
    /// Its SUMMARY as published.
    pub summary: String,
}

/// A session whose event changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// Its UID.
    pub uid: String,
    /// Its new SUMMARY.
    pub summary: String,
    /// What changed: start, end, summary, description, location, url, categories, status.
    pub fields: Vec<String>,
    /// Whether this change cancels it.
    pub cancelled: bool,
    /// Old and new local start, when the time changed.
    pub moved: Option<Moved>,
    /// The SEQUENCE it now has.
    pub sequence: u32,
}

impl std::fmt::Display for TzdataChange {
    /// `published with tz database 2025b, built with tz database 2026f: 5 events move`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let version = |v: &Option<String>| match v {
            Some(v) => format!("tz database {v}"),
            None => "an unrecorded tz database".to_owned(),
        };
        write!(
            f,
            "published with {}, built with {}: ",
            version(&self.published),
            version(&self.current)
        )?;
        match self.moved {
            1 => write!(f, "1 event moves"),
            n => write!(f, "{n} events move"),
        }
    }
}

/// A change of time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// Old start: local `YYYY-MM-DD HH:MM`, or UTC `YYYY-MM-DD HH:MMZ` when
    /// only the time zone rules moved it.
    pub from: String,
    /// New start, in the same form.
    pub to: String,
    /// Why, when the schedule itself did not change: `time zone rules`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What [`Moved::reason`] says when only the tz rules moved an event.
pub const TZ_RULES: &str = "time zone rules";

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
    // Each session is compared on its own: a large schedule is split in two
    // halves planned on two threads, then joined in order.
    let mut plan = if sessions.len() < crate::PARALLEL_FROM {
        plan_part(schedule, sessions, &by_uid, zones, &fresh)
    } else {
        let (first, second) = sessions.split_at(sessions.len() / 2);
        let (mut a, b) = std::thread::scope(|scope| {
            let other = scope.spawn(|| plan_part(schedule, second, &by_uid, zones, &fresh));
            let a = plan_part(schedule, first, &by_uid, zones, &fresh);
            (
                a,
                other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            )
        });
        a.revisions.extend(b.revisions);
        a.report.added.extend(b.report.added);
        a.report.changed.extend(b.report.changed);
        a.report.unchanged += b.report.unchanged;
        a
    };
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
fn plan_part(
    schedule: &Schedule,
    sessions: &[Session],
    by_uid: &HashMap<&str, &PublishedEvent>,
    zones: Option<&Published>,
    fresh: &Revision,
) -> Plan {
    let mut report = Report::default();
    let mut revisions = Vec::with_capacity(sessions.len());
    for s in sessions {
        let Some(old) = by_uid.get(s.uid.as_str()) else {
            report.added.push(Added {
                uid: s.uid.clone(),
                summary: feed::summary(s),
                start: local(s.local_start()),
            });
            revisions.push(fresh.clone());
            continue;
        };
        let new = new_content(schedule, s);
        // The same text is the usual case and the quick one; another tool's
        // feed differs in form and is compared property by property.
        let (old_props, new_props) = match new == old.content {
            true => (Vec::new(), Vec::new()),
            false => (fingerprint(&old.content), fingerprint(&new)),
        };
        let (fields, moved) = if old_props == new_props {
            match zones.and_then(|p| moved_by_rules(p, old, s)) {
                Some(change) => change,
                None => {
                    report.unchanged += 1;
                    revisions.push(old.revision.clone());
                    continue;
                }
            }
        } else {
            let fields = changed_fields(&old_props, &new_props);
            let moved = fields
                .iter()
                .any(|f| f == "start" || f == "end")
                .then(|| Moved {
                    from: old
                        .start
                        .as_ref()
                        .map(|(v, tzid)| published_local(v, tzid.as_deref(), &s.timezone))
                        .unwrap_or_default(),
                    to: local(s.local_start()),
                    reason: None,
                });
            (fields, moved)
        };
        let sequence = old.revision.sequence.saturating_add(1);
        report.changed.push(Changed {
            uid: s.uid.clone(),
            summary: feed::summary(s),
            fields,
            cancelled: s.status == Status::Cancelled
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
    Plan { revisions, report }
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
        return value.to_owned();
    };
    if is_utc && tzid.is_none() {
        local(tz.local_at(t.and_utc()))
    } else {
        local(t)
    }
}

/// The text report shows at most this many lines of each kind; the JSON
/// report has them all.
const MAX_SHOWN: usize = 50;

fn more(f: &mut std::fmt::Formatter<'_>, total: usize, what: &str) -> std::fmt::Result {
    if total > MAX_SHOWN {
        writeln!(f, "... and {} more {what}", total - MAX_SHOWN)?;
    }
    Ok(())
}

impl std::fmt::Display for Report {
    /// One line per change, then a count; stable wording for people.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(t) = &self.tzdata {
            writeln!(f, "tz rules   {t}")?;
        }
        for a in self.added.iter().take(MAX_SHOWN) {
            writeln!(f, "added      {} ({})", a.summary, a.start)?;
        }
        more(f, self.added.len(), "added")?;
        for c in self.changed.iter().take(MAX_SHOWN) {
            if c.cancelled {
                writeln!(f, "cancelled  {}", c.summary)?;
            }
            if let Some(m) = &c.moved {
                match &m.reason {
                    Some(why) => writeln!(
                        f,
                        "moved      ({why}) {}: {} -> {}",
                        c.summary, m.from, m.to
                    )?,
                    None => writeln!(f, "moved      {}: {} -> {}", c.summary, m.from, m.to)?,
                }
            }
            let rest: Vec<&str> = c
                .fields
                .iter()
                .map(String::as_str)
                .filter(|f| !(c.moved.is_some() && (*f == "start" || *f == "end")))
                .filter(|f| !(c.cancelled && (*f == "status" || *f == "summary")))
                .collect();
            if !rest.is_empty() {
                writeln!(f, "changed    {}: {}", c.summary, rest.join(", "))?;
            }
        }
        more(f, self.changed.len(), "changed")?;
        for r in self.removed.iter().take(MAX_SHOWN) {
            writeln!(f, "removed    {} ({})", r.summary, r.uid)?;
        }
        more(f, self.removed.len(), "removed")?;
        write!(
            f,
            "{} added, {} changed, {} removed, {} unchanged",
            self.added.len(),
            self.changed.len(),
            self.removed.len(),
            self.unchanged
        )
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

    // Test that planning a large schedule on two threads gives the same plan
    // as one thread: revisions and report in session order.
    #[test]
    fn parallel_plan_is_sequential_plan() {
        let n = crate::PARALLEL_FROM + 301;
        let schedule = crate::synthetic::schedule(n);
        let t0 = DateTime::from_timestamp(1_600_000_000, 0).expect("t0");
        let t1 = DateTime::from_timestamp(1_700_000_000, 0).expect("t1");
        let published = Published::read(&feed::render(&schedule, t0)).expect("reads");
        // Change one session in each half.
        let mut changed = schedule.clone();
        changed.sessions[5].topic = Some("New".into());
        changed.sessions[n - 5].topic = Some("New".into());
        let parallel = plan(&changed, Some(&published), t1);
        let by_uid: HashMap<&str, &PublishedEvent> = published
            .events
            .iter()
            .map(|e| (e.uid.as_str(), e))
            .collect();
        let sequential = plan_part(
            &changed,
            &changed.sessions,
            &by_uid,
            None,
            &Revision::new_at(t1),
        );
        assert_eq!(parallel.revisions, sequential.revisions);
        assert_eq!(parallel.report, sequential.report);
        let uids: Vec<&str> = parallel
            .report
            .changed
            .iter()
            .map(|c| c.uid.as_str())
            .collect();
        assert_eq!(
            uids,
            vec![
                changed.sessions[5].uid.as_str(),
                changed.sessions[n - 5].uid.as_str()
            ]
        );
        assert_eq!(parallel.report.unchanged, n - 2);
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
