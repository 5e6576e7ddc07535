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
    };
    let schedule = v.schedule(raw);
    let has_error = v.findings.iter().any(|f| f.severity == Severity::Error);
    (schedule.filter(|_| !has_error), v.findings)
}

struct Validator<'db> {
    findings: Vec<Finding>,
    /// Where zone names are looked up.
    tz: &'db TzDatabase,
    /// The database's zone names, listed once for "did you mean" hints.
    zone_names: Option<Vec<String>>,
    session: Option<String>,
    /// The last link resolved and its result: a zoom link from `defaults:`
    /// is the same for every session.
    last_link: Option<(String, String)>,
}

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
    fn path(self) -> String {
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
    fn report(
        &mut self,
        severity: Severity,
        place: impl Place,
        field: Option<&str>,
        problem: Problem,
    ) {
        self.findings.push(Finding {
            severity,
            path: place.path(),
            session: self.session.clone(),
            field: field.map(str::to_owned),
            problem,
            related: None,
        });
    }

    fn error(&mut self, place: impl Place, field: &str, problem: Problem) {
        self.report(Severity::Error, place.path(), Some(field), problem);
    }

    fn schedule(&mut self, raw: RawSchedule) -> Option<Schedule> {
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
        let feed = self.feed(raw.feed, course.as_ref().and_then(|c| c.url.as_ref()));
        let page = self.page(raw.page);
        let Some(mut raw_sessions) = raw.sessions else {
            self.report(
                Severity::Error,
                String::new(),
                None,
                Problem::MissingField("sessions".into()),
            );
            return None;
        };
        if raw_sessions.is_empty() {
            self.report(Severity::Warning, "sessions", None, Problem::NoSessions);
        }
        let course = course?;
        let defaults = raw.defaults.unwrap_or_default();
        let modules = self.modules(&course, raw.modules.unwrap_or_default());
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
        sessions.extend(deadlines);
        self.session = None;
        if complete {
            self.duplicates(&sessions);
            self.overlaps(&sessions);
        }
        Some(Schedule {
            course,
            feed,
            page,
            sessions,
            modules,
            tzdata: self.tz.provenance().clone(),
        })
    }

    fn modules(&mut self, course: &Course, raw: Vec<crate::load::RawModule>) -> Vec<Module> {
        let base = course.url.as_ref();
        let mut out: Vec<Module> = Vec::with_capacity(raw.len());
        for (i, m) in raw.into_iter().enumerate() {
            let at = |field: &str| format!("modules[{i}].{field}");
            let id = self
                .required(m.id.as_ref(), &format!("modules[{i}]"), "id")
                .map(|v| v.as_str().to_owned());
            let title = self
                .required(m.title.as_ref(), &format!("modules[{i}]"), "title")
                .map(|v| v.as_str().to_owned());
            let readings = self.reading_list(m.readings.unwrap_or_default(), base, |j, rest| {
                format!("modules[{i}].readings[{j}]{rest}")
            });
            if let Some(id) = &id {
                if out.iter().any(|o| &o.id == id) {
                    self.error(
                        at("id"),
                        "id",
                        Problem::Shape(format!("module `{id}` is defined twice")),
                    );
                    continue;
                }
            }
            if let (Some(id), Some(title), Some(readings)) = (id, title, readings) {
                out.push(Module {
                    id,
                    title,
                    readings,
                });
            }
        }
        out
    }

    /// Check every session. A large schedule is split in two halves checked
    /// on two threads; the findings keep the order of the sessions.
    fn sessions(
        &mut self,
        course: &Course,
        modules: &[Module],
        defaults: &RawSession,
        raw: &mut [RawSession],
    ) -> Vec<Session> {
        let check = |v: &mut Validator, part: &mut [RawSession], offset: usize| -> Vec<Session> {
            part.iter_mut()
                .enumerate()
                .filter_map(|(k, s)| v.session(course, modules, defaults, s, offset + k))
                .collect()
        };
        if raw.len() < crate::PARALLEL_FROM {
            return check(self, raw, 0);
        }
        let mid = raw.len() / 2;
        let (first, second) = raw.split_at_mut(mid);
        let (mut sessions, (rest, findings)) = std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                let mut v = Validator {
                    findings: Vec::new(),
                    session: None,
                    last_link: None,
                    tz: self.tz,
                    zone_names: None,
                };
                let sessions = check(&mut v, second, mid);
                (sessions, v.findings)
            });
            let sessions = check(self, first, 0);
            let joined = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (sessions, joined)
        });
        self.session = None;
        sessions.extend(rest);
        self.findings.extend(findings);
        sessions
    }

    fn course(&mut self, raw: crate::load::RawCourse) -> Option<Course> {
        let name = self.required(raw.name.as_ref(), "course", "course.name");
        let timezone = match raw.timezone.as_ref() {
            Some(tz) => self.timezone(tz, "course.timezone", "course.timezone"),
            None => {
                self.error(
                    "course",
                    "timezone",
                    Problem::MissingField("timezone".into()),
                );
                None
            }
        };
        let url = raw
            .url
            .as_ref()
            .and_then(|u| self.url(u, "course.url", "course.url", None));
        let name = name?.as_str().to_owned();
        let id = match raw.id.as_ref() {
            Some(id) => slug(id.as_str()),
            None => slug(&name),
        };
        Some(Course {
            id: if id.is_empty() { "course".into() } else { id },
            name,
            timezone: timezone?,
            url,
        })
    }

    fn feed(&mut self, raw: Option<crate::load::RawFeed>, base: Option<&Url>) -> FeedSettings {
        let mut settings = FeedSettings::default();
        let Some(raw) = raw else {
            return settings;
        };
        if let Some(url) = &raw.url {
            settings.url = self.url(url, "feed.url", "feed.url", base);
        }
        if let Some(refresh) = raw.refresh {
            match parse_refresh(refresh.as_str()) {
                Some(d) => settings.refresh = d,
                None => self.error(
                    "feed.refresh",
                    "feed.refresh",
                    Problem::BadRefresh(refresh.as_str().into()),
                ),
            }
        }
        settings
    }

    fn page(&mut self, raw: Option<crate::load::RawPage>) -> PageSettings {
        let mut settings = PageSettings::default();
        let Some(raw) = raw else {
            return settings;
        };
        if let Some(fm) = raw.front_matter {
            // Verbatim: the block's own line breaks, with exactly one at the end.
            let text = fm.0.trim_end_matches('\n');
            if !text.trim().is_empty() {
                settings.front_matter = Some(format!("{text}\n"));
            }
        }
        settings.intro = raw
            .intro
            .map(|i| i.0.trim().to_owned())
            .filter(|i| !i.is_empty());
        if let Some(sub) = raw.subscribe {
            match sub.as_str().to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" => settings.subscribe = true,
                "false" | "no" | "off" => settings.subscribe = false,
                other => self.error(
                    "page.subscribe",
                    "page.subscribe",
                    Problem::Shape(format!("`{other}` is not true or false")),
                ),
            }
        }
        if let Some(layout) = raw.layout {
            match layout.as_str().to_ascii_lowercase().as_str() {
                "sessions" | "seed" => settings.layout = crate::model::Layout::Sessions,
                "modules" => settings.layout = crate::model::Layout::Modules,
                other => self.error(
                    "page.layout",
                    "page.layout",
                    Problem::Shape(format!(
                        "`{other}` is not a layout: use sessions or modules"
                    )),
                ),
            }
        }
        settings.output = raw
            .output
            .map(|o| std::path::PathBuf::from(o.as_str()))
            .filter(|p| !p.as_os_str().is_empty());
        settings
    }

    /// A required value below `parent`; `field` is its qualified name.
    fn required<'a>(
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

    fn timezone(&mut self, value: &Scalar, path: impl Place, field: &str) -> Option<Zone> {
        let name = value.as_str();
        match self.tz.zone(name) {
            Some(zone) => Some(zone),
            None => {
                let names = self.zone_names.get_or_insert_with(|| self.tz.names());
                let suggestion = closest(name, names.iter().map(String::as_str));
                self.error(
                    path,
                    field,
                    Problem::UnknownTimeZone {
                        name: name.into(),
                        suggestion,
                    },
                );
                None
            }
        }
    }

    /// An absolute http(s) link; relative ones are resolved against `base`.
    fn url(
        &mut self,
        value: &Scalar,
        path: impl Place,
        field: &str,
        base: Option<&Url>,
    ) -> Option<Url> {
        match resolve_url(value.as_str(), base) {
            Ok(url) => Some(url),
            Err(problem) => {
                self.error(path, field, problem);
                None
            }
        }
    }

    fn session(
        &mut self,
        course: &Course,
        modules: &[Module],
        defaults: &RawSession,
        raw_mut: &mut RawSession,
        i: usize,
    ) -> Option<Session> {
        let own = || format!("sessions[{i}]");
        // Look everything up through a shared borrow first; texts are moved
        // out of `raw` at the end instead of copied.
        let raw: &RawSession = raw_mut;
        // A field's value and where it came from: the session, else `defaults:`.
        let pick =
            |get: fn(&RawSession) -> Option<&Scalar>, field: &'static str| -> Option<Sourced<'_>> {
                get(raw)
                    .map(|v| (v, At::Own(i, field)))
                    .or_else(|| get(defaults).map(|v| (v, At::Defaults(field))))
            };
        let kind = pick(|s| s.kind.as_ref(), "kind");
        let number = pick(|s| s.number.as_ref(), "number");
        let id = pick(|s| s.id.as_ref(), "id");

        let kind_text = kind
            .as_ref()
            .map(|(k, _)| k.as_str().to_owned())
            .unwrap_or_default();
        let number_value = number
            .as_ref()
            .and_then(|(n, _)| n.as_str().parse::<u32>().ok());
        let id_text = id
            .as_ref()
            .map(|(v, _)| v.as_str().to_owned())
            .filter(|s| !s.is_empty());
        self.session = Some(if kind_text.is_empty() {
            format!("session #{}", i + 1)
        } else {
            model::label(&kind_text, number_value, id_text.as_deref())
        });

        let mut ok = true;
        if kind_text.is_empty() {
            self.error(own(), "kind", Problem::MissingField("kind".into()));
            ok = false;
        }
        if let Some((n, at)) = &number {
            if number_value.is_none() {
                self.error(at.path(), "number", Problem::BadNumber(n.as_str().into()));
                ok = false;
            }
        }
        let key = match (&id_text, number_value) {
            (Some(id), _) => slug(id),
            (None, Some(n)) => format!("{}-{n}", slug(&kind_text)),
            (None, None) => String::new(),
        };
        if key.is_empty() && number.is_none() {
            self.error(own(), "number", Problem::NoIdentity);
            ok = false;
        }

        let timezone = match pick(|s| s.timezone.as_ref(), "timezone") {
            Some((tz, path)) => self.timezone(tz, path, "timezone"),
            None => Some(course.timezone.clone()),
        };
        let date = self.with(pick(|s| s.date.as_ref(), "date"), i, "date", |s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                // iCalendar dates have four-digit years.
                .filter(|d| (1000..=9999).contains(&d.year()))
                .ok_or_else(|| Problem::BadDate(s.into()))
        });
        let start_src = pick(|s| s.start.as_ref(), "start");
        let end_src = pick(|s| s.end.as_ref(), "end");
        let end_path = end_src.as_ref().map(|(_, p)| *p);
        let start_path = start_src.as_ref().map(|(_, p)| *p);
        let start = self.with(start_src, i, "start", parse_time);
        let end = self.with(end_src, i, "end", parse_time);
        let status = match pick(|s| s.status.as_ref(), "status") {
            Some(given) => self.with(Some(given), i, "status", parse_status),
            None => Some(Status::Confirmed),
        };

        let base = course.url.as_ref();
        let zoom = match pick(|s| s.zoom.as_ref(), "zoom") {
            Some((v, path)) => self.link(v, path, "zoom", base).map(Some).ok_or(()),
            None => Ok(None),
        };
        let url = self.optional_url(pick(|s| s.url.as_ref(), "url"), "url", base);
        let module = match pick(|s| s.module.as_ref(), "module") {
            Some((m, at)) => match modules.iter().find(|x| x.id == m.as_str()) {
                Some(found) => Ok(Some(found)),
                None => {
                    let suggestion = closest(m.as_str(), modules.iter().map(|x| x.id.as_str()));
                    let hint =
                        suggestion.map_or(String::new(), |s| format!("; did you mean `{s}`?"));
                    self.error(
                        at,
                        "module",
                        Problem::Shape(format!("no module has the id `{}`{hint}", m.as_str())),
                    );
                    Err(())
                }
            },
            None => Ok(None),
        };
        let readings = self.readings(raw_mut, defaults, module.ok().flatten(), i, base);
        let (links, from_defaults) = match (raw_mut.links.take(), &defaults.links) {
            (Some(l), _) => (l, false),
            (None, Some(l)) => (l.clone(), true),
            (None, None) => (Vec::new(), false),
        };
        let links = self.labelled_links(
            links,
            |k, leaf| {
                let path = match from_defaults {
                    false => format!("sessions[{i}].links[{k}].{leaf}"),
                    true => format!("defaults.links[{k}].{leaf}"),
                };
                (path, format!("links[{k}].{leaf}"))
            },
            base,
        );
        let topic = take_text(&mut raw_mut.topic, &defaults.topic)
            .or_else(|| module.ok().flatten().map(|m| m.title.clone()));
        let room = take_text(&mut raw_mut.room, &defaults.room);
        let note = take_text(&mut raw_mut.note, &defaults.note);

        let (
            Some(tz),
            Some(date),
            Some(start),
            Some(end),
            Some(status),
            Ok(zoom),
            Ok(url),
            Some(readings),
            Some(links),
            Ok(module),
        ) = (
            timezone, date, start, end, status, zoom, url, readings, links, module,
        )
        else {
            return None;
        };
        if end <= start {
            self.error(
                end_path.map_or_else(own, At::path),
                "end",
                Problem::EndNotAfterStart {
                    start: start.format("%H:%M").to_string(),
                    end: end.format("%H:%M").to_string(),
                },
            );
            return None;
        }
        let starts_at = self.instant(
            &tz,
            date,
            start,
            start_path.unwrap_or(At::Own(i, "start")),
            "start",
        );
        let ends_at = self.instant(&tz, date, end, end_path.unwrap_or(At::Own(i, "end")), "end");
        let (Some(starts_at), Some(ends_at), true) = (starts_at, ends_at, ok) else {
            return None;
        };
        Some(Session {
            uid: format!("{}-{key}@coursefeed", course.id),
            kind: kind_text,
            number: number_value,
            id: id_text,
            timezone: tz,
            date,
            start,
            end,
            starts_at,
            ends_at,
            topic,
            zoom,
            room,
            note,
            url,
            readings,
            links,
            module: module.map(|m| m.id.clone()),
            status,
            course_name: None,
            deadline: false,
            all_day: false,
        })
    }

    /// A link kept as written and resolved.
    fn link(
        &mut self,
        value: &Scalar,
        path: impl Place,
        field: &str,
        base: Option<&Url>,
    ) -> Option<Link> {
        let written = value.as_str();
        if let Some((last, url)) = &self.last_link {
            if last == written {
                return Some(Link {
                    written: written.to_owned(),
                    url: url.clone(),
                });
            }
        }
        match resolve_link(written, base) {
            Ok(url) => {
                self.last_link = Some((written.to_owned(), url.clone()));
                Some(Link {
                    written: written.to_owned(),
                    url,
                })
            }
            Err(problem) => {
                self.error(path, field, problem);
                None
            }
        }
    }

    /// A deadline becomes an event of kind "Deadline": timed when it has a
    /// time (start and end both then), else all day.
    fn deadline(
        &mut self,
        course: &Course,
        d: crate::load::RawDeadline,
        i: usize,
    ) -> Option<Session> {
        let at = |field: &str| format!("deadlines[{i}].{field}");
        let title = d.title.filter(|t| !t.as_str().is_empty());
        self.session = Some(match &title {
            Some(t) => format!("deadline `{}`", t.as_str()),
            None => format!("deadline #{}", i + 1),
        });
        let Some(title) = title else {
            self.error(
                format!("deadlines[{i}]"),
                "title",
                Problem::MissingField("title".into()),
            );
            self.session = None;
            return None;
        };
        let date = self.with_at(d.date.as_ref(), at("date"), "date", |s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .filter(|d| (1000..=9999).contains(&d.year()))
                .ok_or_else(|| Problem::BadDate(s.into()))
        });
        let time = match &d.time {
            Some(t) if !t.as_str().is_empty() => match parse_time(t.as_str()) {
                Ok(t) => Some(Some(t)),
                Err(problem) => {
                    self.error(at("time"), "time", problem);
                    None
                }
            },
            _ => Some(None),
        };
        let base = course.url.as_ref();
        let url = match &d.url {
            Some(u) => self.link(u, at("url"), "url", base).map(Some),
            None => Some(None),
        };
        let key = slug(d.id.as_ref().map_or(title.as_str(), |id| id.as_str()));
        let tz = course.timezone.clone();
        let (Some(date), Some(time), Some(url)) = (date, time, url) else {
            self.session = None;
            return None;
        };
        let (start, starts_at, ends_at) = match time {
            Some(t) => {
                let instant = self.instant(&tz, date, t, at("time"), "time");
                (t, instant, instant)
            }
            None => {
                // An all-day item has no instant; midnight orders it among the sessions.
                let midnight = NaiveTime::MIN;
                let start = match tz.resolve(date, midnight) {
                    LocalTime::Single(t) | LocalTime::Ambiguous { earlier: t, .. } => t,
                    LocalTime::Skipped => date.and_time(midnight).and_utc(),
                };
                (
                    midnight,
                    Some(start),
                    Some(start + chrono::Duration::days(1)),
                )
            }
        };
        self.session = None;
        let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at) else {
            return None;
        };
        Some(Session {
            uid: format!("{}-deadline-{key}@coursefeed", course.id),
            kind: "Deadline".into(),
            number: None,
            id: Some(format!("deadline-{key}")),
            timezone: tz,
            date,
            start,
            end: start,
            starts_at,
            ends_at,
            topic: Some(title.into_text()),
            zoom: None,
            room: None,
            note: None,
            url: url.as_ref().and_then(|l| Url::parse(&l.url).ok()),
            readings: Vec::new(),
            links: url
                .into_iter()
                .map(|link| LabelledLink {
                    label: "link".into(),
                    link,
                })
                .collect(),
            module: None,
            status: Status::Confirmed,
            course_name: None,
            deadline: true,
            all_day: time.is_none(),
        })
    }

    /// Parse a required value at `path` with `parse`.
    fn with_at<T>(
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

    /// `Ok(None)` when absent, `Err` (already reported) when given but bad.
    fn optional_url(
        &mut self,
        value: Option<Sourced<'_>>,
        field: &str,
        base: Option<&Url>,
    ) -> Result<Option<Url>, ()> {
        match value {
            Some((v, path)) => self.url(v, path, field, base).map(Some).ok_or(()),
            None => Ok(None),
        }
    }

    /// Parse a required field with `parse`, reporting a missing or bad value.
    fn with<T>(
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

    /// The instant a local time stands for. A time skipped by DST is an
    /// error; a repeated one is a warning and takes the earlier instant, which
    /// is also what RFC 5545 §3.3.5 tells clients to pick for such a DTSTART.
    fn instant(
        &mut self,
        tz: &Zone,
        date: NaiveDate,
        time: NaiveTime,
        path: impl Place,
        field: &str,
    ) -> Option<chrono::DateTime<Utc>> {
        match tz.resolve(date, time) {
            LocalTime::Single(t) => Some(t),
            LocalTime::Ambiguous { earlier, .. } => {
                let utc = earlier;
                self.report(
                    Severity::Warning,
                    path,
                    Some(field),
                    Problem::AmbiguousLocalTime {
                        date: date.to_string(),
                        time: time.format("%H:%M").to_string(),
                        zone: tz.name().into(),
                        utc: utc.format("%H:%MZ").to_string(),
                    },
                );
                Some(utc)
            }
            LocalTime::Skipped => {
                self.error(
                    path,
                    field,
                    Problem::NonexistentLocalTime {
                        date: date.to_string(),
                        time: time.format("%H:%M").to_string(),
                        zone: tz.name().into(),
                    },
                );
                None
            }
        }
    }

    /// A session's readings: its own, else its module's, else the defaults'.
    fn readings(
        &mut self,
        raw: &mut RawSession,
        defaults: &RawSession,
        module: Option<&Module>,
        index: usize,
        base: Option<&Url>,
    ) -> Option<Vec<Reading>> {
        let (list, from_defaults): (Vec<RawReading>, bool) =
            match (raw.readings.take(), module, &defaults.readings) {
                (Some(r), _, _) => (r, false),
                (None, Some(m), _) => return Some(m.readings.clone()),
                (None, None, Some(r)) => (r.clone(), true),
                (None, None, None) => return Some(Vec::new()),
            };
        self.reading_list(list, base, |j, rest| match from_defaults {
            false => format!("sessions[{index}].readings[{j}]{rest}"),
            true => format!("defaults.readings[{j}]{rest}"),
        })
    }

    /// Check a reading list; `path(j, rest)` names reading `j`'s YAML path,
    /// formatted only for a problem.
    fn reading_list(
        &mut self,
        list: Vec<RawReading>,
        base: Option<&Url>,
        path: impl Fn(usize, &str) -> String,
    ) -> Option<Vec<Reading>> {
        let field = |j: usize, rest: &str| format!("readings[{j}]{rest}");
        let link = |this: &mut Self, value: Scalar, j: usize, rest: String| match resolve_link(
            value.as_str(),
            base,
        ) {
            Ok(url) => Some(Link {
                written: value.into_text(),
                url,
            }),
            Err(problem) => {
                this.error(path(j, &rest), &field(j, &rest), problem);
                None
            }
        };
        let mut out = Vec::with_capacity(list.len());
        let mut ok = true;
        for (j, r) in list.into_iter().enumerate() {
            let title = match r.title.filter(|t| !t.as_str().is_empty()) {
                Some(t) => t.into_text(),
                None => {
                    self.error(
                        path(j, ".title"),
                        &field(j, ".title"),
                        Problem::MissingField("title".into()),
                    );
                    ok = false;
                    continue;
                }
            };
            let url = match r.url {
                Some(u) => match link(self, u, j, ".url".into()) {
                    Some(u) => Some(u),
                    None => {
                        ok = false;
                        continue;
                    }
                },
                None => None,
            };
            let links = match self.labelled_links(
                r.links.unwrap_or_default(),
                |k, leaf| {
                    let rest = format!(".links[{k}].{leaf}");
                    (path(j, &rest), field(j, &rest))
                },
                base,
            ) {
                Some(links) => links,
                None => {
                    ok = false;
                    Vec::new()
                }
            };
            let optional = match r.optional.as_ref().map(|o| o.as_str().to_ascii_lowercase()) {
                None => false,
                Some(o) if matches!(o.as_str(), "true" | "yes") => true,
                Some(o) if matches!(o.as_str(), "false" | "no") => false,
                Some(o) => {
                    let rest = ".optional";
                    self.error(
                        path(j, rest),
                        &field(j, rest),
                        Problem::Shape(format!("`{o}` is not true or false")),
                    );
                    ok = false;
                    false
                }
            };
            out.push(Reading {
                title,
                url,
                links,
                optional,
            });
        }
        ok.then_some(out)
    }

    /// Labelled links (slides, video, ...); `at(k, leaf)` names the YAML
    /// path and the field of link `k`'s `leaf`, formatted only for a problem.
    fn labelled_links(
        &mut self,
        list: Vec<RawLink>,
        at: impl Fn(usize, &str) -> (String, String),
        base: Option<&Url>,
    ) -> Option<Vec<LabelledLink>> {
        let mut out = Vec::with_capacity(list.len());
        let mut ok = true;
        for (k, l) in list.into_iter().enumerate() {
            let label = l.label.filter(|v| !v.as_str().is_empty());
            if label.is_none() {
                let (path, field) = at(k, "label");
                self.error(path, &field, Problem::MissingField("label".into()));
            }
            let target = match l.url.filter(|v| !v.as_str().is_empty()) {
                Some(u) => match resolve_link(u.as_str(), base) {
                    Ok(url) => Some(Link {
                        written: u.into_text(),
                        url,
                    }),
                    Err(problem) => {
                        let (path, field) = at(k, "url");
                        self.error(path, &field, problem);
                        None
                    }
                },
                None => {
                    let (path, field) = at(k, "url");
                    self.error(path, &field, Problem::MissingField("url".into()));
                    None
                }
            };
            match (label, target) {
                (Some(label), Some(link)) => out.push(LabelledLink {
                    label: label.into_text(),
                    link,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn duplicates(&mut self, sessions: &[Session]) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, s) in sessions.iter().enumerate() {
            if let Some(&first) = seen.get(s.uid.as_str()) {
                self.findings.push(Finding {
                    severity: Severity::Error,
                    path: format!("sessions[{i}]"),
                    session: Some(s.label()),
                    field: None,
                    problem: Problem::DuplicateSession {
                        uid: s.uid.clone(),
                        other: sessions[first].label(),
                        other_line: 0,
                    },
                    related: Some(format!("sessions[{first}]")),
                });
            } else {
                seen.insert(&s.uid, i);
            }
        }
    }

    /// Overlaps are legal (parallel labs exist) but usually a typo in a date.
    fn overlaps(&mut self, sessions: &[Session]) {
        let mut order: Vec<usize> = (0..sessions.len())
            .filter(|&i| sessions[i].status != Status::Cancelled && !sessions[i].deadline)
            .collect();
        order.sort_by_key(|&i| (sessions[i].starts_at, i));
        let mut latest: Option<usize> = None;
        for &i in &order {
            let s = &sessions[i];
            if let Some(l) = latest {
                if sessions[l].ends_at > s.starts_at {
                    self.findings.push(Finding {
                        severity: Severity::Warning,
                        path: format!("sessions[{i}]"),
                        session: Some(s.label()),
                        field: None,
                        problem: Problem::Overlap {
                            other: sessions[l].label(),
                            other_line: 0,
                        },
                        related: Some(format!("sessions[{l}]")),
                    });
                }
            }
            if latest.is_none_or(|l| s.ends_at > sessions[l].ends_at) {
                latest = Some(i);
            }
        }
    }
}

/// A text field: the session's own value, moved out, else the default's;
/// trimmed, and None when empty.
fn take_text(own: &mut Option<Scalar>, default: &Option<Scalar>) -> Option<String> {
    let text = match own.take() {
        Some(v) => v.into_text(),
        None => default.as_ref()?.as_str().to_owned(),
    };
    (!text.is_empty()).then_some(text)
}

/// `H:MM`, `HH:MM` or `HH:MM:SS`, 00:00 to 23:59:59.
fn parse_time(s: &str) -> Result<NaiveTime, Problem> {
    let bad = || Problem::BadTime(s.into());
    let mut parts = s.split(':');
    let mut field = |max_len: usize| -> Result<Option<u32>, Problem> {
        match parts.next() {
            None => Ok(None),
            Some(p)
                if (1..=max_len).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) =>
            {
                p.parse().map(Some).map_err(|_| bad())
            }
            Some(_) => Err(bad()),
        }
    };
    let h = field(2)?.ok_or_else(bad)?;
    let m = field(2)?.ok_or_else(bad)?;
    let sec = field(2)?.unwrap_or(0);
    if parts.next().is_some() {
        return Err(bad());
    }
    NaiveTime::from_hms_opt(h, m, sec).ok_or_else(bad)
}

fn parse_status(s: &str) -> Result<Status, Problem> {
    match s.to_ascii_lowercase().as_str() {
        "confirmed" => Ok(Status::Confirmed),
        "tentative" => Ok(Status::Tentative),
        "cancelled" | "canceled" => Ok(Status::Cancelled),
        _ => Err(Problem::BadStatus(s.into())),
    }
}

/// `30m`, `12h` or `1d`.
fn parse_refresh(s: &str) -> Option<chrono::Duration> {
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = n.parse().ok().filter(|&n| n > 0)?;
    match unit.trim() {
        "m" | "min" => chrono::Duration::try_minutes(n),
        "h" => chrono::Duration::try_hours(n),
        "d" => chrono::Duration::try_days(n),
        _ => None,
    }
}

/// Resolve a link as written to an absolute, percent-encoded http(s) URL.
///
/// Nearly every reading link is a path on the course site (`/papers/...`).
/// Joining such a path to the base only swaps the base's path for it, so it
/// is done here directly; a full URL parse per link was most of the
/// validation time of a large schedule. Anything else (dot segments, a
/// query, another scheme) goes through the `url` crate.
pub(crate) fn resolve_link(s: &str, base: Option<&Url>) -> Result<String, Problem> {
    let plain_path = s.starts_with('/')
        && !s.starts_with("//")
        && !s.contains("/.")
        && !s
            .bytes()
            .any(|b| matches!(b, b'?' | b'#' | b'\\') || b.is_ascii_control());
    match base {
        Some(b) if plain_path && b.has_host() => {
            let origin = &b[..url::Position::BeforePath];
            Ok(format!(
                "{origin}{}",
                percent_encoding::utf8_percent_encode(s, PATH_ESCAPE)
            ))
        }
        _ => resolve_url(s, base).map(String::from),
    }
}

/// Resolve a link as written to an absolute http(s) URL.
pub(crate) fn resolve_url(s: &str, base: Option<&Url>) -> Result<Url, Problem> {
    let url = match Url::parse(s) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            // Encoding the path first spares a second parse after the join.
            Some(b) => b.join(&encode_relative(s)).map_err(|e| Problem::BadUrl {
                value: s.into(),
                reason: e.to_string(),
            })?,
            None => return Err(Problem::RelativeWithoutBase(s.into())),
        },
        Err(e) => {
            return Err(Problem::BadUrl {
                value: s.into(),
                reason: e.to_string(),
            })
        }
    };
    match url.scheme() {
        "http" | "https" => Ok(encode_path(url)),
        _ => Err(Problem::UnsupportedScheme(s.into())),
    }
}

/// Everything but RFC 3986's unreserved characters, `/` and existing escapes.
const PATH_ESCAPE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'%');

/// Percent-encode the path's commas, colons, quotes and the like. They are
/// legal in a path, but calendar apps' link detection stops at them, and
/// file servers decode them back to the same name.
fn encode_path(mut url: Url) -> Url {
    let encoded: std::borrow::Cow<str> =
        percent_encoding::utf8_percent_encode(url.path(), PATH_ESCAPE).into();
    if let std::borrow::Cow::Owned(path) = encoded {
        url.set_path(&path);
    }
    url
}

/// A relative reference with its path (not its query or fragment) encoded.
fn encode_relative(s: &str) -> std::borrow::Cow<'_, str> {
    let end = s.find(['?', '#']).unwrap_or(s.len());
    let path: std::borrow::Cow<str> =
        percent_encoding::utf8_percent_encode(&s[..end], PATH_ESCAPE).into();
    match path {
        std::borrow::Cow::Borrowed(_) => s.into(),
        std::borrow::Cow::Owned(p) => format!("{p}{}", &s[end..]).into(),
    }
}

/// Lowercase letters and digits joined by single dashes: safe in a UID.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that the accepted time forms parse and impossible times do not.
    #[test]
    fn times() {
        assert_eq!(
            parse_time("15:00"),
            Ok(NaiveTime::from_hms_opt(15, 0, 0).expect("time"))
        );
        assert_eq!(
            parse_time("9:30"),
            Ok(NaiveTime::from_hms_opt(9, 30, 0).expect("time"))
        );
        assert_eq!(
            parse_time("23:59:59"),
            Ok(NaiveTime::from_hms_opt(23, 59, 59).expect("time"))
        );
        for bad in [
            "25:00", "24:00", "15", "15:60", "15:0:0:0", "1500", "15h", "-1:00", ":30", "900",
        ] {
            assert!(parse_time(bad).is_err(), "{bad} accepted");
        }
    }

    // Test that relative links resolve against the course and get percent-encoded.
    #[test]
    fn links_resolve_and_encode() {
        let base = Url::parse("https://fid3024.github.io/").expect("base");
        let u = resolve_url("/papers/2018 - CROSSBOW: Scaling.pdf", Some(&base)).expect("resolves");
        assert_eq!(
            u.as_str(),
            "https://fid3024.github.io/papers/2018%20-%20CROSSBOW%3A%20Scaling.pdf"
        );
        let u = resolve_url("/papers/Don't Use, Local SGD.pdf", Some(&base)).expect("resolves");
        assert_eq!(
            u.as_str(),
            "https://fid3024.github.io/papers/Don%27t%20Use%2C%20Local%20SGD.pdf"
        );
        let zoom =
            resolve_url("https://kth-se.zoom.us/j/2884945301?pwd=a,b", None).expect("absolute");
        assert_eq!(zoom.as_str(), "https://kth-se.zoom.us/j/2884945301?pwd=a,b");
        assert!(matches!(
            resolve_url("/x.pdf", None),
            Err(Problem::RelativeWithoutBase(_))
        ));
        assert!(matches!(
            resolve_url("javascript:alert(1)", Some(&base)),
            Err(Problem::UnsupportedScheme(_))
        ));
        assert!(matches!(
            resolve_url("https://exa mple.org/", None),
            Err(Problem::BadUrl { .. })
        ));
    }

    // Test that the fast path for site paths gives exactly what the url crate gives.
    #[test]
    fn fast_links_match_the_url_crate() {
        let bases = [
            "https://fid3024.github.io/",
            "https://example.org:8080/course/x/",
            "http://a.b/c?q=1#f",
        ];
        let paths = [
            "/papers/2018 - CROSSBOW: Scaling.pdf",
            "/p/Don't Use, Local SGD (v2).pdf",
            "/å/ö 🎓/%41%zz/~a_b-c.d",
            "/",
            "/a//b",
            "/it's 100%",
        ];
        for b in bases {
            let base = Url::parse(b).expect("base");
            for p in paths {
                let fast = resolve_link(p, Some(&base)).expect("fast");
                let slow = resolve_url(p, Some(&base)).expect("slow");
                assert_eq!(fast, slow.as_str(), "{b} + {p}");
            }
        }
    }

    // Test that problems found on both threads of a large schedule come back
    // in session order, and that duplicates across the two halves are found.
    #[test]
    fn parallel_validation_keeps_order() {
        let n = crate::PARALLEL_FROM + 100;
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

    // Test that slugs are stable, lowercase and dash-separated.
    #[test]
    fn slugs() {
        assert_eq!(slug("Lecture"), "lecture");
        assert_eq!(slug("  Guest Talk: Övning! "), "guest-talk-övning");
        assert_eq!(slug("FID3024 HT2020"), "fid3024-ht2020");
    }

    // Test that refresh intervals read as minutes, hours and days.
    #[test]
    fn refresh() {
        assert_eq!(parse_refresh("12h"), Some(chrono::Duration::hours(12)));
        assert_eq!(parse_refresh("30m"), Some(chrono::Duration::minutes(30)));
        assert_eq!(parse_refresh("1d"), Some(chrono::Duration::days(1)));
        assert_eq!(parse_refresh("0h"), None);
        assert_eq!(parse_refresh("h"), None);
        assert_eq!(parse_refresh("12 weeks"), None);
    }
}
