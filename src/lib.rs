//! coursefeed: one YAML schedule, a subscribable iCalendar feed.
//!
//! The data flows one way: [`load`] reads YAML into raw structs,
//! [`validate`] checks them and builds the [`model`], [`feed`] renders it,
//! and [`publish`] writes the result atomically. The library never prints;
//! the binary decides what to show.

pub mod department;
pub mod error;
pub mod feed;
pub mod ics;
pub mod import;
pub mod input;
pub mod load;
pub mod model;
pub mod page;
pub mod publish;
pub mod regenerate;
pub mod synthetic;
pub mod tzdb;
pub mod validate;
pub mod vtimezone;

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
        let deadlines = events.iter().filter(|s| s.deadline).count();
        let sessions = events.len() - deadlines;
        let plural = |n: usize, one: &str, many: &str| match n {
            1 => format!("1 {one}"),
            n => format!("{n} {many}"),
        };
        let what = match deadlines {
            0 => plural(sessions, "session", "sessions"),
            d => format!(
                "{} and {}",
                plural(sessions, "session", "sessions"),
                plural(d, "deadline", "deadlines")
            ),
        };
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

/// From this many sessions on, validation and rendering use two threads.
/// Below it, a thread costs more than it saves.
pub const PARALLEL_FROM: usize = 2_000;

pub use input::MAX_SCHEDULE_BYTES;

/// Read and validate the schedule file at `path`.
pub fn load_path(path: &Path, tz: &TzDatabase) -> Result<Loaded, Error> {
    let bytes = input::read(path, input::Kind::Schedule)?;
    match String::from_utf8(bytes) {
        Ok(source) => load_str(&source, path, tz),
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
    let raw = load::parse(source).map_err(|p| {
        let positions = load::Positions::build(source).unwrap_or_default();
        // A problem of the whole file (a syntax error, an alias bomb) is
        // where the reader found it, not at the root node.
        let at = match (&p.problem, p.path.is_empty()) {
            (Problem::DuplicateField(_), _) => positions.repeated(&p.path).or(p.position),
            (_, true) => p.position.or_else(|| positions.exact(&p.path)),
            (_, false) => positions.exact(&p.path).or(p.position),
        };
        Error::Invalid(vec![diagnostic(
            &Lines::new(source),
            file,
            at,
            Severity::Error,
            session_of(&p.path, &positions, &Lines::new(source)),
            field_of(&p.path),
            p.problem,
        )])
    })?;
    let (schedule, findings) = validate::validate(raw, tz);
    let diagnostics = locate(source, file, findings);
    match schedule {
        Some(schedule) => Ok(Loaded {
            schedule,
            warnings: diagnostics,
        }),
        None => Err(Error::Invalid(diagnostics)),
    }
}

/// Give each finding its line, column and source line.
fn locate(source: &str, file: &Path, findings: Vec<validate::Finding>) -> Vec<Diagnostic> {
    if findings.is_empty() {
        return Vec::new();
    }
    let positions = load::Positions::build(source).unwrap_or_default();
    let lines = Lines::new(source);
    findings
        .into_iter()
        .map(|f| {
            let mut problem = f.problem;
            if let Some(related) = &f.related {
                let line = positions.find(related).map_or(0, |p| p.0);
                match &mut problem {
                    Problem::DuplicateSession { other_line, .. }
                    | Problem::Overlap { other_line, .. } => *other_line = line,
                    _ => {}
                }
            }
            diagnostic(
                &lines,
                file,
                positions.find(&f.path),
                f.severity,
                f.session,
                f.field,
                problem,
            )
        })
        .collect()
}

/// Where each line of the source starts, so that any number of
/// diagnostics find their line in constant time.
struct Lines<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(source: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { source, starts }
    }

    /// Line `n` (1-based), without its line break.
    fn get(&self, n: usize) -> Option<&'a str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).map_or(self.source.len(), |&e| e - 1);
        Some(self.source[start..end].trim_end_matches('\r'))
    }
}

/// Shown source lines are cut here: a minified or hostile line can be megabytes.
const MAX_SHOWN_LINE: usize = 160;

fn diagnostic(
    lines: &Lines,
    file: &Path,
    at: Option<(usize, usize)>,
    severity: Severity,
    session: Option<String>,
    field: Option<String>,
    problem: Problem,
) -> Diagnostic {
    let (line, column) = at.unwrap_or((0, 0));
    let source_line = lines
        .get(line)
        .map(|l| {
            let l = l.trim_end();
            match l.char_indices().nth(MAX_SHOWN_LINE) {
                Some((cut, _)) => format!("{}…", &l[..cut]),
                None => l.to_owned(),
            }
        })
        .filter(|l| !l.is_empty());
    Diagnostic {
        severity,
        file: file.to_owned(),
        line,
        column,
        session,
        field,
        problem,
        source_line,
    }
}

/// For a structural error at `sessions[i]...`, the session's own name if its
/// kind and number can be read from the YAML.
fn session_of(path: &str, positions: &load::Positions, lines: &Lines) -> Option<String> {
    let rest = path.strip_prefix("sessions[")?;
    let index = &rest[..rest.find(']')?];
    let base = format!("sessions[{index}]");
    let value = |field: &str| -> Option<String> {
        let (line, col) = positions.exact(&format!("{base}.{field}"))?;
        let text = lines.get(line)?;
        let after = text.chars().skip(col - 1).collect::<String>();
        let value = after.split_once(':')?.1;
        let value = value
            .split(['#', ',', '}'])
            .next()?
            .trim()
            .trim_matches(['"', '\'']);
        (!value.is_empty()).then(|| value.to_owned())
    };
    match (value("kind"), value("number")) {
        (Some(k), n) => Some(model::label(&k, n.and_then(|n| n.parse().ok()), None)),
        (None, _) => index
            .parse::<usize>()
            .ok()
            .map(|i| format!("session #{}", i + 1)),
    }
}

/// The field part of a path below a session: `sessions[2].readings[0].url` → `readings[0].url`.
fn field_of(path: &str) -> Option<String> {
    let field = match path.strip_prefix("sessions[") {
        Some(rest) => rest.split_once("].").map(|(_, f)| f)?,
        None => path,
    };
    (!field.is_empty()).then(|| field.to_owned())
}
