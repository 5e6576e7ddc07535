//! Where a problem is: line, column, session and the source line, for
//! problems found by path (validation) or by position (the YAML reader).

use std::path::Path;

use crate::error::{Diagnostic, Problem, Severity};
use crate::{load, model, validate};

/// A problem of reading the YAML as a diagnostic. A problem of the whole
/// file (a syntax error, an alias bomb) is where the reader found it, not
/// at the root node; a key given twice is at its second place.
pub(crate) fn load_problem(source: &str, file: &Path, p: load::LoadProblem) -> Diagnostic {
    // A problem of the whole file (a limit crossed, a syntax error) comes
    // with its place; indexing every node of hostile input would cost more
    // than the parse the limits spared.
    let positions = match (&p.position, p.path.is_empty()) {
        (Some(_), true) => load::Positions::default(),
        _ => load::Positions::build(source).unwrap_or_default(),
    };
    let at = match (&p.problem, p.path.is_empty()) {
        (Problem::DuplicateField(_), _) => positions.repeated(&p.path).or(p.position),
        (_, true) => p.position.or_else(|| positions.exact(&p.path)),
        (_, false) => positions.exact(&p.path).or(p.position),
    };
    let lines = Lines::new(source);
    diagnostic(
        &lines,
        file,
        at,
        Severity::Error,
        session_of(&p.path, &positions, &lines),
        field_of(&p.path),
        p.problem,
    )
}

/// Give each finding its line, column and source line.
pub(crate) fn findings(
    source: &str,
    file: &Path,
    findings: Vec<validate::Finding>,
) -> Vec<Diagnostic> {
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
                    | Problem::Overlap { other_line, .. }
                    | Problem::OutOfOrder { other_line, .. } => *other_line = line,
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

/// A problem at the field `path` (`feed.url`) of the course file `file`,
/// found after loading, when only the field is known: the file is read
/// again for its line (best effort: line 0 when it cannot be).
pub(crate) fn at_field(
    file: &Path,
    path: &str,
    severity: Severity,
    problem: Problem,
) -> Diagnostic {
    let source = std::fs::read_to_string(file).unwrap_or_default();
    let positions = load::Positions::build(&source).unwrap_or_default();
    let lines = Lines::new(&source);
    diagnostic(
        &lines,
        file,
        positions.find(path),
        severity,
        None,
        Some(path.to_owned()),
        problem,
    )
}
