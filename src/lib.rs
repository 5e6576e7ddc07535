//! coursefeed: one YAML schedule, a subscribable iCalendar feed and the
//! course's schedule page.
//!
//! The data flows one way: [`load_str`] (or [`load_path`]) reads and checks
//! a schedule into the [`model`]; [`feed::render`] makes its feed,
//! [`page::render`] its page; [`regenerate::plan`] compares it with a
//! previously published feed, so that unchanged events keep their revision
//! and changed ones are bumped; [`outputs::publish`] writes a course's files
//! (feed, group and audience feeds, page) and [`folder::build`] a folder's,
//! atomically. The library never prints; the binary decides what to show.
//!
//! ```
//! use std::path::Path;
//!
//! let tz = coursefeed::TzDatabase::bundled();
//! let yaml = "course: {name: Demo, id: demo-2025, timezone: Europe/Stockholm}
//! sessions:
//!   - {kind: Lecture, number: 1, date: 2025-10-20, start: \"10:00\", end: \"12:00\", topic: Welcome}
//!   - {kind: Lecture, number: 2, date: 2025-10-27, start: \"10:00\", end: \"12:00\"}
//! ";
//! let loaded = coursefeed::load_str(yaml, Path::new("demo.yaml"), &tz)?;
//! let now = coursefeed::feed::build_time(Some("1760000000"))?;
//! let ics = coursefeed::feed::render(&loaded.schedule, now);
//! assert!(ics.contains("SUMMARY:Lecture 1: Welcome\r\n"));
//!
//! // A week later the second lecture gets a topic: only it is revised.
//! let published = coursefeed::regenerate::Published::read(&ics).expect("our feed");
//! let edited = yaml.replace("end: \"12:00\"}\n", "end: \"12:00\", topic: Recap}\n");
//! let edited = coursefeed::load_str(&edited, Path::new("demo.yaml"), &tz)?;
//! let later = coursefeed::feed::build_time(Some("1760600000"))?;
//! let plan = coursefeed::regenerate::plan(&edited.schedule, Some(&published), later);
//! assert_eq!((plan.report.unchanged, plan.report.changed.len()), (1, 1));
//!
//! let page = coursefeed::page::render(&edited.schedule, false);
//! assert!(page.contains("Recap"));
//! # Ok::<(), coursefeed::Error>(())
//! ```

// The API: loading a schedule (below), its model, rendering its feed and
// page, regenerating against a published feed, publishing a course's files
// or a folder's, importing an existing page; errors and the tz database.
pub mod error;
pub mod feed;
pub mod folder;
pub mod import;
pub mod model;
pub mod outputs;
pub mod page;
pub mod previous;
pub mod publish;
pub mod regenerate;
pub mod tzdb;
// What the command line needs besides: month grids (`check --calendar`)
// and reading any input within its limit.
pub mod calendar;
pub mod input;

// Not API: for the benchmarks, the fuzz targets and the tests, which need
// the raw YAML structs, content lines and generated schedules.
#[doc(hidden)]
pub mod ics;
#[doc(hidden)]
pub mod load;
#[doc(hidden)]
pub mod synthetic;

mod audience;
mod locate;
mod validate;
mod vtimezone;

use std::path::Path;

pub use error::{Diagnostic, Error, Problem, Severity};
pub use model::{Schedule, Session};
pub use tzdb::TzDatabase;

/// A valid schedule and the warnings found while checking it.
#[derive(Debug)]
pub struct Loaded {
    /// The schedule, ready to render.
    pub schedule: Schedule,
    /// Things worth a look that do not stop a build.
    pub warnings: Vec<Diagnostic>,
}

impl Loaded {
    /// `12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18, 1 warning`:
    /// what a command says it loaded.
    pub fn summary(&self) -> String {
        let events = &self.schedule.sessions;
        let first = events.iter().map(|s| s.date).min();
        let last = events.iter().map(|s| s.date).max();
        let what = counted(events);
        let mut out = match (first, last) {
            (Some(a), Some(_)) if events.len() == 1 => format!("{what}, on {a}"),
            (Some(a), Some(b)) => format!("{what}, {a} to {b}"),
            _ => "no sessions".to_string(),
        };
        match self.warnings.len() {
            0 => {}
            1 => out.push_str(", 1 warning"),
            n => out.push_str(&format!(", {n} warnings")),
        }
        out
    }
}

/// `12 sessions and 6 deadlines`, `1 session`: sessions and deadlines
/// counted apart, as people count them.
pub fn counted(events: &[Session]) -> String {
    let deadlines = events.iter().filter(|s| s.deadline).count();
    counted_numbers(events.len() - deadlines, deadlines)
}

/// [`counted`] of so many sessions and deadlines.
pub fn counted_numbers(sessions: usize, deadlines: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    match deadlines {
        0 => plural(sessions, "session", "sessions"),
        d => format!(
            "{} and {}",
            plural(sessions, "session", "sessions"),
            plural(d, "deadline", "deadlines")
        ),
    }
}

/// `path` taken relative to `folder`, with `.` and `..` resolved in the
/// text (`data/../public/x.md` is `public/x.md`), so that it prints as
/// people write it. An absolute path stays as it is.
pub(crate) fn beside(folder: &Path, path: &Path) -> std::path::PathBuf {
    use std::path::Component;
    if path.is_absolute() {
        return path.to_owned();
    }
    let mut out = std::path::PathBuf::new();
    for part in folder.join(path).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

pub use input::MAX_SCHEDULE_BYTES;

/// Read and validate the schedule file at `path`. Paths written in it
/// (`page.output`) are taken relative to its folder, as other tools read
/// their configuration files, so that building a schedule from another
/// folder writes its page where its staff meant.
pub fn load_path(path: &Path, tz: &TzDatabase) -> Result<Loaded, Error> {
    let bytes = input::read(path, input::Kind::Schedule)?;
    load_bytes(path, bytes, tz)
}

/// [`load_path`] of a file already read.
pub fn load_bytes(path: &Path, bytes: Vec<u8>, tz: &TzDatabase) -> Result<Loaded, Error> {
    match String::from_utf8(bytes) {
        Ok(source) => {
            let mut loaded = load_str(&source, path, tz)?;
            let folder = path.parent().unwrap_or(Path::new(""));
            if let Some(page) = loaded.schedule.page.output.take() {
                loaded.schedule.page.output = Some(beside(folder, &page));
            }
            Ok(loaded)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Err(Error::Invalid(vec![Diagnostic {
                severity: Severity::Error,
                file: path.to_owned(),
                line,
                column: 0,
                session: None,
                field: None,
                problem: Problem::NotText { offset },
                source_line: None,
            }]))
        }
    }
}

/// Validate schedule text; `file` names it in messages.
pub fn load_str(source: &str, file: &Path, tz: &TzDatabase) -> Result<Loaded, Error> {
    let source = load::normalized(source);
    let source = source.as_ref();
    let (raw, unknown) = load::parse_all(source)
        .map_err(|p| Error::Invalid(vec![locate::load_problem(source, file, *p)]))?;
    let (schedule, findings) = validate::validate(raw, tz);
    // An unknown field is one problem among the others, in line order.
    let schedule = schedule.filter(|_| unknown.is_empty());
    let findings = validate::besides_unknown(findings, &unknown);
    let mut diagnostics = locate::findings(source, file, findings);
    if !unknown.is_empty() {
        diagnostics.extend(
            unknown
                .into_iter()
                .map(|p| locate::load_problem(source, file, p)),
        );
        diagnostics.sort_by_key(|d| d.line);
    }
    diagnostics.extend(load::cut_by_comments(source).into_iter().map(|c| {
        let line = source.lines().nth(c.line - 1).unwrap_or_default();
        Diagnostic {
            column: c.column,
            field: Some(c.key.clone()),
            ..Diagnostic::at(
                Severity::Warning,
                file,
                c.line,
                Problem::CutByComment {
                    key: c.key,
                    kept: c.kept,
                    meant: c.meant,
                },
            )
            .showing(line)
        }
    }));
    match schedule {
        Some(schedule) => Ok(Loaded {
            schedule,
            warnings: diagnostics,
        }),
        None => Err(Error::Invalid(diagnostics)),
    }
}
