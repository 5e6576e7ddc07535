//! Checking the raw schedule and turning it into the model.
//!
//! Every check reports the YAML path of the value it rejects (a default's
//! own path when the value came from `defaults:`), so the message points at
//! the line to edit. All problems are collected, not just the first, so staff
//! fix a schedule in one pass.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveTime, Utc};
use url::Url;

use crate::error::{Problem, Severity};
use crate::load::{closest, join, RawLink, RawReading, RawSchedule, RawSession, Scalar};
use crate::model::{
    self, Course, FeedSettings, LabelledLink, Link, Module, PageSettings, Reading, Schedule,
    Session, Status,
};
use crate::tzdb::{LocalTime, TzDatabase, Zone};

mod course;
mod deadline;
mod identity;
mod links;
mod pattern;
mod session;

pub(crate) use identity::slug;

/// A problem found by validation, located by YAML path.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// YAML path of the value concerned.
    pub path: String,
    /// The session concerned, e.g. "Lecture 3".
    pub session: Option<String>,
    /// The field concerned, relative to the session.
    pub field: Option<String>,
    /// What is wrong.
    pub problem: Problem,
    /// Path of a second place the problem involves (the other duplicate or overlapping session).
    pub related: Option<String>,
}

/// Check `raw`; the schedule is returned only when there is no error.
pub fn validate(raw: RawSchedule, tz: &TzDatabase) -> (Option<Schedule>, Vec<Finding>) {
    let mut v = Validator {
        findings: Vec::new(),
        session: None,
        last_link: None,
        tz,
        zone_names: None,
        from_defaults: Vec::new(),
        stand_in_zone: false,
        more: 0,
    };
    let schedule = v.schedule(raw);
    if v.stand_in_zone {
        v.findings.retain(|f| {
            !matches!(
                f.problem,
                Problem::NonexistentLocalTime { .. } | Problem::AmbiguousLocalTime { .. }
            )
        });
    }
    if v.more > 0 {
        v.findings.push(Finding {
            severity: Severity::Error,
            session: None,
            path: String::new(),
            field: None,
            problem: Problem::MoreProblems(v.more),
            related: None,
        });
    }
    let has_error = v.findings.iter().any(|f| f.severity == Severity::Error);
    (schedule.filter(|_| !has_error), v.findings)
}

/// The findings that do not follow from an unknown field: a session whose
/// `strat` is unknown (did you mean `start`?) is not also told that it
/// lacks `start`. A field missing beside a typo of another is still said.
pub fn besides_unknown(
    mut findings: Vec<Finding>,
    unknown: &[crate::load::LoadProblem],
) -> Vec<Finding> {
    let parent = |path: &str| path.rsplit_once('.').map_or("", |(p, _)| p).to_owned();
    // (the mapping, the field its unknown key was probably meant to be)
    let meant: std::collections::HashSet<(String, String)> = unknown
        .iter()
        .filter_map(|u| match &u.problem {
            Problem::UnknownField {
                suggestion: Some(s),
                ..
            } => Some((parent(&u.path), s.clone())),
            _ => None,
        })
        .collect();
    if meant.is_empty() {
        return findings;
    }
    // A typo under `defaults:` is every session's.
    let typo_of = |path: &str, field: &str| {
        [path.to_owned(), parent(path)]
            .into_iter()
            .any(|mapping| meant.contains(&(mapping, field.to_owned())))
            || (path.starts_with("sessions[")
                && meant.contains(&("defaults".to_owned(), field.to_owned())))
    };
    findings.retain(|f| match &f.problem {
        Problem::MissingField(field) => !typo_of(&f.path, field),
        Problem::NoIdentity => !typo_of(&f.path, "number") && !typo_of(&f.path, "id"),
        _ => true,
    });
    findings
}

struct Validator<'db> {
    findings: Vec<Finding>,
    /// Where zone names are looked up.
    tz: &'db TzDatabase,
    /// The database's zone names, listed once for "did you mean" hints.
    zone_names: Option<Vec<String>>,
    /// Problems found in `defaults:`, reported once however many sessions
    /// take the value.
    from_defaults: Vec<Finding>,
    session: Option<String>,
    /// The last link resolved and its result: a zoom link from `defaults:`
    /// is the same for every session.
    last_link: Option<(String, String)>,
    /// The course's zone is missing or unknown, and UTC stands in for it so
    /// that the sessions are still checked; what depends on the zone (a
    /// time that does not exist there) is not reported.
    stand_in_zone: bool,
    /// Findings past [`MAX_FINDINGS`], counted, not kept.
    more: usize,
}

/// Findings kept per file: a systematic mistake repeated over a large file
/// (100,000 empty sessions in 400 KB) would otherwise hold half a million,
/// hundreds of megabytes, of which a person reads the first few.
pub const MAX_FINDINGS: usize = 1_000;

/// Where a session's value was read from. The YAML path is formatted only
/// when there is a problem to report: a large schedule has millions of values.
#[derive(Debug, Clone, Copy)]
enum At {
    /// `sessions[i].field`.
    Own(usize, &'static str),
    /// `defaults.field`.
    Defaults(&'static str),
}

impl At {
    pub(super) fn path(self) -> String {
        match self {
            At::Own(i, field) => format!("sessions[{i}].{field}"),
            At::Defaults(field) => format!("defaults.{field}"),
        }
    }
}

/// A value and where it was read from.
type Sourced<'a> = (&'a Scalar, At);

/// Anything that names a place in the YAML, turned into a path when reported.
trait Place {
    fn path(self) -> String;
}

impl Place for String {
    fn path(self) -> String {
        self
    }
}

impl Place for &str {
    fn path(self) -> String {
        self.to_owned()
    }
}

impl Place for At {
    fn path(self) -> String {
        At::path(self)
    }
}

impl Validator<'_> {
    pub(super) fn report(
        &mut self,
        severity: Severity,
        place: impl Place,
        field: Option<&str>,
        problem: Problem,
    ) {
        let path = place.path();
        // A bad value under `defaults:` is one mistake, reported once at
        // its line, whatever number of sessions take it.
        let from_defaults = path.starts_with("defaults");
        let finding = Finding {
            severity,
            session: (!from_defaults).then(|| self.session.clone()).flatten(),
            path,
            field: field.map(str::to_owned),
            problem,
            related: None,
        };
        if from_defaults {
            // Few: one per field of `defaults:` at most.
            if self.from_defaults.contains(&finding) {
                return;
            }
            self.from_defaults.push(finding.clone());
        }
        self.push_finding(finding);
    }

    /// Keep `finding`, up to [`MAX_FINDINGS`]; past them only count it.
    pub(super) fn push_finding(&mut self, finding: Finding) {
        match self.findings.len() < MAX_FINDINGS {
            true => self.findings.push(finding),
            false => self.more += 1,
        }
    }

    pub(super) fn error(&mut self, place: impl Place, field: &str, problem: Problem) {
        self.report(Severity::Error, place.path(), Some(field), problem);
    }

    pub(super) fn schedule(&mut self, raw: RawSchedule) -> Option<Schedule> {
        let course = match raw.course {
            Some(c) => self.course(c),
            None => {
                self.report(
                    Severity::Error,
                    String::new(),
                    None,
                    Problem::MissingField("course".into()),
                );
                None
            }
        };
        let feed = self.feed(
            raw.feed,
            course.as_ref().and_then(|c| c.url.as_ref()),
            course.is_some(),
        );
        let page = self.page(raw.page);
        let raw_patterns = raw.patterns.unwrap_or_default();
        let mut raw_sessions = match raw.sessions {
            Some(sessions) => sessions,
            // A course may be all patterns.
            None if !raw_patterns.is_empty() => Vec::new(),
            None => {
                self.report(
                    Severity::Error,
                    String::new(),
                    None,
                    Problem::MissingField("sessions".into()),
                );
                return None;
            }
        };
        let written = raw_sessions.len();
        let holidays = self.holidays(raw.holidays.unwrap_or_default());
        let from_patterns = !raw_patterns.is_empty();
        let pattern_count = raw_patterns.len();
        let (origins, patterns) = self.expand(raw_patterns, &holidays, &mut raw_sessions);
        // A pattern in error has already said why it gave no sessions.
        if raw_sessions.is_empty() && patterns.len() == pattern_count {
            self.report(Severity::Warning, "sessions", None, Problem::NoSessions);
        }
        let audiences = self.audiences(raw.audiences.unwrap_or_default());
        let course = course?;
        let defaults = raw.defaults.unwrap_or_default();
        let modules = self.modules(&course, raw.modules.unwrap_or_default());
        let first_finding = self.findings.len();
        let mut sessions = self.sessions(&course, &modules, &defaults, &mut raw_sessions);
        let raw_deadlines = raw.deadlines.unwrap_or_default();
        let expected_deadlines = raw_deadlines.len();
        let deadlines: Vec<Session> = raw_deadlines
            .into_iter()
            .enumerate()
            .filter_map(|(i, d)| self.deadline(&course, d, i))
            .collect();
        let complete =
            sessions.len() == raw_sessions.len() && deadlines.len() == expected_deadlines;
        let timed = sessions.len();
        sessions.extend(deadlines);
        self.session = None;
        if complete {
            self.duplicates(&sessions);
            self.overlaps(&sessions);
            if !from_patterns {
                self.order(&sessions);
            }
        }
        // A problem of an expanded session is reported at its pattern.
        for f in &mut self.findings[first_finding..] {
            if let Some(path) = pattern::origin_path(&f.path, written, &origins) {
                f.path = path;
            }
            if let Some(related) = f.related.as_mut() {
                if let Some(path) = pattern::origin_path(related, written, &origins) {
                    *related = path;
                }
            }
        }
        if from_patterns {
            // Patterns and sessions together, in the order they happen: the
            // page lists them so. Deadlines stay after them.
            sessions[..timed].sort_by_key(|s| (s.date, s.start));
        }
        Some(Schedule {
            course,
            feed,
            page,
            sessions,
            modules,
            tzdata: self.tz.provenance().clone(),
            patterns,
            audiences,
        })
    }

    /// Check every session, in order. One course is checked on one thread:
    /// a folder is parallel across its courses.
    pub(super) fn sessions(
        &mut self,
        course: &Course,
        modules: &[Module],
        defaults: &RawSession,
        raw: &mut [RawSession],
    ) -> Vec<Session> {
        raw.iter_mut()
            .enumerate()
            .filter_map(|(k, s)| self.session(course, modules, defaults, s, k))
            .collect()
    }

    /// A required value below `parent`; `field` is its qualified name.
    pub(super) fn required<'a>(
        &mut self,
        value: Option<&'a Scalar>,
        parent: &str,
        field: &str,
    ) -> Option<&'a Scalar> {
        match value.filter(|v| !v.as_str().is_empty()) {
            Some(v) => Some(v),
            None => {
                let key = field.rsplit('.').next().unwrap_or(field);
                self.error(join(parent, key), field, Problem::MissingField(key.into()));
                None
            }
        }
    }

    /// Parse a required value at `path` with `parse`.
    pub(super) fn with_at<T>(
        &mut self,
        value: Option<&Scalar>,
        path: String,
        field: &str,
        parse: impl Fn(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        let Some(value) = value.filter(|v| !v.as_str().is_empty()) else {
            self.error(path, field, Problem::MissingField(field.into()));
            return None;
        };
        match parse(value.as_str()) {
            Ok(t) => Some(t),
            Err(problem) => {
                self.error(path, field, problem);
                None
            }
        }
    }

    /// Parse a required field with `parse`, reporting a missing or bad value.
    pub(super) fn with<T>(
        &mut self,
        value: Option<Sourced<'_>>,
        index: usize,
        field: &str,
        parse: impl Fn(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        let Some((value, path)) = value.filter(|(v, _)| !v.as_str().is_empty()) else {
            self.error(
                format!("sessions[{index}].{field}"),
                field,
                Problem::MissingField(field.into()),
            );
            return None;
        };
        match parse(value.as_str()) {
            Ok(t) => Some(t),
            Err(problem) => {
                self.error(path.path(), field, problem);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that problems of a large schedule come back in session order,
    // and that a duplicate far from its first is found.
    #[test]
    fn problems_keep_the_order_of_sessions() {
        let n = 2_100;
        let yaml = crate::synthetic::schedule_yaml(n);
        // Break the 11th and the last session's dates, and copy the first
        // session's identity into the last but one.
        let mut sessions: Vec<&str> = yaml.split("\n  - kind: ").collect();
        let last = sessions.len() - 1;
        let broken_first = sessions[11].replacen("date: 20", "date: 19x", 1);
        let broken_last = sessions[last].replacen("date: 20", "date: 19x", 1);
        let first_identity: String = sessions[1].lines().take(2).collect::<Vec<_>>().join("\n");
        let rest: String = sessions[last - 1]
            .lines()
            .skip(2)
            .collect::<Vec<_>>()
            .join("\n");
        let duplicate = format!("{first_identity}\n{rest}");
        sessions[11] = &broken_first;
        sessions[last] = &broken_last;
        sessions[last - 1] = &duplicate;
        let yaml = sessions.join("\n  - kind: ");
        let raw = crate::load::parse(&yaml).expect("parses");
        let (schedule, findings) = validate(raw, &TzDatabase::bundled());
        assert!(schedule.is_none());
        let paths: Vec<&str> = findings.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "sessions[10].date".to_string(),
                format!("sessions[{}].date", n - 1)
            ]
        );
        // With the dates mended, the duplicate across halves is reported.
        let yaml = yaml.replace("date: 19x", "date: 20");
        let (_, findings) = validate(
            crate::load::parse(&yaml).expect("parses"),
            &TzDatabase::bundled(),
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(matches!(
            findings[0].problem,
            Problem::DuplicateSession { .. }
        ));
        assert_eq!(findings[0].path, format!("sessions[{}]", n - 2));
    }
}
