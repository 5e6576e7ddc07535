//! Meeting patterns: "Mondays 15-17 from Sep. 28 to Dec. 14, lecture and
//! discussion in turn, no class on the holiday", expanded into ordinary
//! sessions before they are checked, so the feed, the page, import and
//! regeneration treat them like any other.
//!
//! Identity is by slot. The pattern's days from `from` to `until` are its
//! slots, numbered in date order; slot `k` has kind `kinds[k % n]` and
//! number `k / n + 1`, whatever happens to other slots. So a holiday, a
//! moved or a cancelled occurrence changes that occurrence's event and no
//! other UID; a day off keeps its slot and is published as cancelled (its
//! subscribers see it called off rather than silently gone, and later
//! sessions keep their numbers). Shortening `until` removes slots: a
//! removal, refused unless `--allow-removal`, as for any session.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, Weekday};

use super::session::parse_date;
use super::*;
use crate::load::{RawHoliday, RawPattern};
use crate::model::PatternSummary;

/// At most this many slots per pattern: a decade of daily sessions. More
/// is a mistake in `from` or `until`, not a course.
const MAX_SLOTS: usize = 4_000;

/// At most this many sessions from all the patterns of one file: a course
/// meets a few times a week for a term or two (a few hundred sessions), and
/// 500 one-line patterns at [`MAX_SLOTS`] each would otherwise make
/// 2,000,000 sessions, gigabytes, from 60 KB.
const MAX_PATTERN_SESSIONS: usize = 10_000;

/// The file's patterns have made [`MAX_PATTERN_SESSIONS`]: expand no more.
pub(super) struct Full;

/// Where an expanded session came from, to report its problems there.
#[derive(Debug, Clone)]
pub(super) struct Origin {
    /// `patterns[p]`.
    pattern: String,
    /// `patterns[p].occurrences.<date>`, when an occurrence changes it,
    /// and the fields it sets.
    occurrence: Option<(String, Vec<&'static str>)>,
}

impl Origin {
    /// The YAML path for `field` of this session: the occurrence's line
    /// when it sets the field, else the pattern's.
    pub(super) fn path(&self, field: &str) -> String {
        match &self.occurrence {
            Some((path, fields)) if field.is_empty() || fields.contains(&field) => {
                join(path, field)
            }
            _ => join(&self.pattern, field),
        }
    }
}

/// `path` of an expanded session (`sessions[i]...`, `i` at or past
/// `written`, the sessions the YAML lists) at its pattern or occurrence.
pub(super) fn origin_path(path: &str, written: usize, origins: &[Origin]) -> Option<String> {
    let rest = path.strip_prefix("sessions[")?;
    let (index, rest) = rest.split_once(']')?;
    let origin = origins.get(index.parse::<usize>().ok()?.checked_sub(written)?)?;
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    let (field, tail) = rest.split_at(rest.find(['.', '[']).unwrap_or(rest.len()));
    Some(format!("{}{tail}", origin.path(field)))
}

impl Validator<'_> {
    /// The course-wide days without class, by date, with their names.
    pub(super) fn holidays(&mut self, raw: Vec<RawHoliday>) -> HashMap<NaiveDate, Option<String>> {
        let mut out = HashMap::new();
        for (i, h) in raw.into_iter().enumerate() {
            let path = format!("holidays[{i}].date");
            if let Some(date) = self.with_at(h.date.as_ref(), path, "date", parse_date) {
                let name = h.name.map(Scalar::into_text).filter(|n| !n.is_empty());
                out.insert(date, name);
            }
        }
        out
    }

    /// Expand every pattern into raw sessions, appended to `sessions`;
    /// returns each appended session's origin and what each pattern gave.
    pub(super) fn expand(
        &mut self,
        patterns: Vec<RawPattern>,
        holidays: &HashMap<NaiveDate, Option<String>>,
        sessions: &mut Vec<RawSession>,
    ) -> (Vec<Origin>, Vec<PatternSummary>) {
        let mut origins = Vec::new();
        let mut summaries = Vec::new();
        for (p, pattern) in patterns.into_iter().enumerate() {
            let at = format!("patterns[{p}]");
            self.session = Some(format!("pattern {}", p + 1));
            match self.pattern(&at, pattern, holidays, sessions, &mut origins) {
                Ok(Some(summary)) => summaries.push(summary),
                Ok(None) => {}
                // One error for the file, at the pattern that crosses the cap.
                Err(Full) => break,
            }
        }
        self.session = None;
        (origins, summaries)
    }

    fn pattern(
        &mut self,
        at: &str,
        raw: RawPattern,
        holidays: &HashMap<NaiveDate, Option<String>>,
        sessions: &mut Vec<RawSession>,
        origins: &mut Vec<Origin>,
    ) -> Result<Option<PatternSummary>, Full> {
        let field = |name: &str| join(at, name);
        let from = self.with_at(raw.from.as_ref(), field("from"), "from", parse_date);
        let until = self.with_at(raw.until.as_ref(), field("until"), "until", parse_date);
        let days = self.weekdays(at, raw.days.as_deref());
        let kinds = super::session::texts(raw.kinds.clone());
        if kinds.is_empty() {
            self.error(
                field("kinds"),
                "kinds",
                Problem::MissingField("kinds".into()),
            );
        }
        let (Some(from), Some(until), Some(days)) = (from, until, days) else {
            return Ok(None);
        };
        // Without a kind there is no session to make (the error is above);
        // returning here is what keeps `k % kinds.len()` below from dividing by zero.
        if kinds.is_empty() {
            return Ok(None);
        }
        if until < from {
            self.error(
                field("until"),
                "until",
                Problem::UntilBeforeFrom {
                    from: from.to_string(),
                    until: until.to_string(),
                },
            );
            return Ok(None);
        }
        let slots: Vec<NaiveDate> = from
            .iter_days()
            .take_while(|d| *d <= until)
            .filter(|d| days.contains(&d.weekday()))
            .take(MAX_SLOTS + 1)
            .collect();
        if slots.len() > MAX_SLOTS {
            self.error(field("until"), "until", Problem::TooManySlots(MAX_SLOTS));
            return Ok(None);
        }
        if origins.len() + slots.len() > MAX_PATTERN_SESSIONS {
            let problem = Problem::OverLimit {
                what: format!(
                    "the patterns of this file make more than {MAX_PATTERN_SESSIONS} sessions"
                ),
                hint:
                    "check `from` and `until`, or split the course into several files in a folder"
                        .into(),
            };
            self.error(field("until"), "until", problem);
            return Err(Full);
        }
        let mut skip = HashMap::new();
        for (j, value) in raw.skip.iter().flatten().enumerate() {
            let path = format!("{at}.skip[{j}]");
            let Some(date) = self.with_at(Some(value), path.clone(), "skip", parse_date) else {
                continue;
            };
            if slots.contains(&date) {
                skip.insert(date, None);
            } else {
                self.error(path, "skip", Problem::NotOnPattern(date.to_string()));
            }
        }
        let mut changes: BTreeMap<NaiveDate, (String, RawSession)> = BTreeMap::new();
        for (key, change) in raw.occurrences.clone().unwrap_or_default() {
            let path = format!("{at}.occurrences.{key}");
            let Ok(date) = parse_date(&key) else {
                self.error(path, "occurrences", Problem::BadDate(key));
                continue;
            };
            if !slots.contains(&date) {
                self.error(path, "occurrences", Problem::NotOnPattern(date.to_string()));
                continue;
            }
            for (set, name) in [
                (change.kind.is_some(), "kind"),
                (change.number.is_some(), "number"),
                (change.id.is_some(), "id"),
            ] {
                if set {
                    self.error(join(&path, name), name, Problem::SetByPattern(name.into()));
                }
            }
            changes.insert(date, (path, change));
        }
        let mut days_off = 0;
        for (k, date) in slots.iter().enumerate() {
            let mut session = RawSession {
                kind: Some(Scalar(kinds[k % kinds.len()].clone())),
                number: Some(Scalar((k / kinds.len() + 1).to_string())),
                date: Some(Scalar(date.to_string())),
                start: raw.start.clone(),
                end: raw.end.clone(),
                room: raw.room.clone(),
                zoom: raw.zoom.clone(),
                groups: raw.groups.clone(),
                ..RawSession::default()
            };
            if let Some(name) = skip.get(date).or_else(|| holidays.get(date)) {
                days_off += 1;
                session.status = Some(Scalar("cancelled".into()));
                session.note = Some(Scalar(match name {
                    Some(name) => format!("No class: {name}."),
                    None => "No class this week.".into(),
                }));
            }
            let occurrence = changes.remove(date).map(|(path, change)| {
                let fields = overlay(&mut session, change);
                (path, fields)
            });
            sessions.push(session);
            origins.push(Origin {
                pattern: at.to_owned(),
                occurrence,
            });
        }
        Ok(Some(PatternSummary {
            days: raw
                .days
                .unwrap_or_default()
                .into_iter()
                .map(Scalar::into_text)
                .collect(),
            from,
            until,
            sessions: slots.len(),
            days_off,
        }))
    }

    fn weekdays(&mut self, at: &str, days: Option<&[Scalar]>) -> Option<Vec<Weekday>> {
        let path = join(at, "days");
        let Some(days) = days.filter(|d| !d.is_empty()) else {
            self.error(path, "days", Problem::MissingField("days".into()));
            return None;
        };
        let mut out = Vec::new();
        for (j, day) in days.iter().enumerate() {
            match parse_weekday(day.as_str()) {
                Some(d) => out.push(d),
                None => {
                    let path = format!("{path}[{j}]");
                    self.error(path, "days", Problem::BadWeekday(day.as_str().into()));
                    return None;
                }
            }
        }
        Some(out)
    }
}

/// `Monday`, `Mon`, `mon`: English names and their three-letter forms.
fn parse_weekday(s: &str) -> Option<Weekday> {
    let s = s.to_ascii_lowercase();
    let days = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    days.into_iter()
        .find(|(name, _)| s == *name || (s.len() == 3 && name.starts_with(&s)))
        .map(|(_, d)| d)
}

/// Put every field `change` sets over `base`; returns their names.
fn overlay(base: &mut RawSession, change: RawSession) -> Vec<&'static str> {
    let mut set = Vec::new();
    macro_rules! take {
        ($($field:ident),*) => {$(
            if change.$field.is_some() {
                base.$field = change.$field;
                set.push(stringify!($field));
            }
        )*};
    }
    take!(
        date, start, end, timezone, topic, zoom, room, note, url, status, readings, links, module,
        groups
    );
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test the weekday spellings a pattern accepts.
    #[test]
    fn weekdays() {
        assert_eq!(parse_weekday("Monday"), Some(Weekday::Mon));
        assert_eq!(parse_weekday("mon"), Some(Weekday::Mon));
        assert_eq!(parse_weekday("THU"), Some(Weekday::Thu));
        assert_eq!(parse_weekday("Mo"), None);
        assert_eq!(parse_weekday("Mondays"), None);
    }
}
