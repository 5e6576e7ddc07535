//! The previously published feed, read leniently: its events' content
//! lines and revisions, its VTIMEZONEs and the tz release it records.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::feed::Revision;
use crate::ics;
use crate::vtimezone::{self, Observance, ZoneReader};

/// Properties that record revisions rather than content.
pub(super) const REVISION_PROPS: &[&str] =
    &["UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "CREATED"];

/// Whether a property is part of what an event says: not a revision
/// property, nor an X- one that other tools add and we never write.
pub(super) fn is_content(name: &str) -> bool {
    !REVISION_PROPS.iter().any(|r| name.eq_ignore_ascii_case(r))
        && !name.get(..2).is_some_and(|x| x.eq_ignore_ascii_case("X-"))
}

/// Whether we are inside a VTIMEZONE of a VCALENDAR.
pub(super) fn in_zone(open: &[(String, usize)]) -> bool {
    matches!(open, [(c, _), (z, _), ..] if c == "VCALENDAR" && z == "VTIMEZONE")
}

pub(super) fn is_zone_begin(p: &ics::read::Property) -> bool {
    p.name.eq_ignore_ascii_case("BEGIN") && p.value.trim().eq_ignore_ascii_case("VTIMEZONE")
}

/// Whether the innermost open component is a VEVENT of a VCALENDAR.
pub(super) fn in_event(open: &[(String, usize)]) -> bool {
    matches!(open, [.., (c, _), (e, _)] if c == "VCALENDAR" && e == "VEVENT")
}

/// One property in a form that compares equal however it was folded,
/// escaped or ordered: name, sorted parameters, value.
pub(super) type Prop = (String, Vec<(String, String)>, String);

/// An event of the previously published feed.
#[derive(Debug, Clone)]
pub struct PublishedEvent {
    /// Its UID.
    pub uid: String,
    /// Its SUMMARY, to name it in reports.
    pub summary: String,
    pub(super) revision: Revision,
    pub(super) start: Option<(String, Option<String>)>,
    pub(super) end: Option<(String, Option<String>)>,
    pub(super) status: Option<String>,
    /// Its content lines, unfolded, as written: all but the revision and
    /// X- properties. Equal text means an unchanged event; other text is
    /// compared by [`fingerprint`].
    pub(super) content: std::sync::Arc<str>,
}

/// The previously published feed, as far as regeneration needs it.
#[derive(Debug, Clone, Default)]
pub struct Published {
    pub(super) events: Vec<PublishedEvent>,
    /// Its VTIMEZONEs by TZID; None for one we cannot evaluate exactly.
    pub(super) zones: HashMap<String, Option<Vec<Observance>>>,
    /// The tz database release it records (X-COURSEFEED-TZDATA).
    pub(super) tzdata: Option<String>,
}

impl Published {
    /// The feed with only the events at `indices`: one course's part of a
    /// combined feed, with the feed's zones and release.
    pub fn part(&self, indices: impl Iterator<Item = usize>) -> Published {
        Published {
            events: indices
                .filter_map(|i| self.events.get(i).cloned())
                .collect(),
            zones: self.zones.clone(),
            tzdata: self.tzdata.clone(),
        }
    }

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
    pub(super) fn instant(&self, value: &(String, Option<String>)) -> Option<DateTime<Utc>> {
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
            content: self.content.into(),
        })
    }
}

/// A property in comparable form: names in upper case, parameters sorted,
/// and the value unescaped unless it is a list, whose escaped commas are
/// not separators (§3.3.11), so that another tool's escaping of the same
/// text compares equal.
pub(super) fn prop(p: &ics::read::Property) -> Prop {
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
pub(super) fn fingerprint(content: &str) -> Vec<Prop> {
    let mut props: Vec<Prop> = content
        .lines()
        .filter_map(|line| ics::read::property(line).map(|p| prop(&p)))
        .collect();
    props.sort();
    props
}
