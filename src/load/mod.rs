//! Reading the schedule YAML: all YAML handling lives here.
//!
//! yaml_serde turns the text into raw structs whose leaves are plain scalars,
//! so that every field-level check (dates, times, links) happens in
//! `validate`, where we know the session and field. yaml_serde's own error
//! positions are coarse (a mapping, not the field), so problems carry a YAML
//! path such as `sessions[3].end` and [`Positions`] maps that path to a line
//! and column with a second, span-aware parse. That parse runs only when there
//! is something to report, so a clean build parses the file once.

use saphyr_parser::{Event, Parser};

use crate::error::Problem;

mod comments;
mod guards;
mod positions;
mod raw;
mod unknown;

pub use comments::{cut_by_comments, CutByComment};
pub use positions::Positions;
pub use raw::*;

/// A problem found while reading, located by YAML path or by yaml_serde's position.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadProblem {
    /// YAML path of the node concerned (`sessions[2].strat`), empty for the root.
    pub path: String,
    /// yaml_serde's or the parser's own position, 1-based (line, column).
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub problem: Problem,
}

/// Parse the schedule text into raw structs; an unknown field is an error.
pub fn parse(source: &str) -> Result<RawSchedule, Box<LoadProblem>> {
    let (raw, unknown) = parse_all(source)?;
    match unknown.into_iter().next() {
        Some(problem) => Err(Box::new(problem)),
        None => Ok(raw),
    }
}

/// Parse the schedule text into raw structs, with every unknown field as a
/// problem of its own: the rest is read, so that validation can report
/// what else is wrong in the same run. A YAML syntax error (or a wrong
/// shape, such as a list where a mapping belongs) stops the parse.
pub fn parse_all(source: &str) -> Result<(RawSchedule, Vec<LoadProblem>), Box<LoadProblem>> {
    if is_blank(source) {
        return Err(Box::new(LoadProblem {
            path: String::new(),
            position: None,
            problem: Problem::EmptyFile,
        }));
    }
    if let Some((position, problem)) = guards::check(source) {
        return Err(Box::new(LoadProblem {
            path: String::new(),
            position: Some(position),
            problem,
        }));
    }
    let (raw, unknown) = unknown::from_str::<RawSchedule>(source).map_err(|err| {
        // yaml_serde reads lazily and may report a misplaced key before it
        // reaches a syntax error further on; the syntax error is the real one.
        Box::new(pinpoint(
            source,
            match Positions::build(source) {
                Err((position, message)) => LoadProblem {
                    path: String::new(),
                    position: Some(position),
                    problem: Problem::NotYaml(message),
                },
                Ok(_) => from_serde(&err),
            },
        ))
    })?;
    Ok((raw, unknown.into_iter().map(unknown::problem).collect()))
}

/// Whether a CR in `source` is not the first half of a CRLF: a line end of
/// its own to YAML.
pub(crate) fn has_lone_cr(source: &str) -> bool {
    let b = source.as_bytes();
    source
        .match_indices('\r')
        .any(|(i, _)| b.get(i + 1) != Some(&b'\n'))
}

/// The schedule text as YAML reads it: without a byte order mark (some
/// editors write one; it is no part of the schedule), and with each lone CR
/// (old Mac line ends) made a LF, so that every line count agrees with
/// YAML's. LF for CR keeps every byte offset.
pub fn normalized(source: &str) -> std::borrow::Cow<'_, str> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if !has_lone_cr(source) {
        return std::borrow::Cow::Borrowed(source);
    }
    let b = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut last = 0;
    for (i, _) in source.match_indices('\r') {
        if b.get(i + 1) != Some(&b'\n') {
            out.push_str(&source[last..i]);
            out.push('\n');
            last = i + 1;
        }
    }
    out.push_str(&source[last..]);
    std::borrow::Cow::Owned(out)
}

/// True when the file holds no YAML node: only whitespace, comments or `---`.
fn is_blank(source: &str) -> bool {
    source.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
    })
}

/// Move a problem to its cause where the parser reports it elsewhere: a tab
/// is reported where the scalar before it started, and a second document
/// at the top of the file rather than at its `---`.
fn pinpoint(source: &str, mut p: LoadProblem) -> LoadProblem {
    match &p.problem {
        Problem::NotYaml(m) if m.contains(" tab") => {
            let (line, col) = p.position.unwrap_or((1, 1));
            let start = line_start(source, line) + col.saturating_sub(1);
            if let Some(tab) = source.get(start..).and_then(|rest| rest.find('\t')) {
                p.position = Some(line_col(source, start + tab));
            }
        }
        Problem::NotYaml(m)
            if m.contains("expect ':'") || m.contains("could not find expected ':'") =>
        {
            // Reported where the next key starts: the colon is missing on
            // the line before, at its end.
            let (line, _) = p.position.unwrap_or((1, 1));
            if let Some(prev) = (1..line)
                .rev()
                .find(|&l| !nth_line(source, l).trim().is_empty())
            {
                p.position = Some((prev, nth_line(source, prev).trim_end().chars().count() + 1));
            }
            p.problem = Problem::YamlMistake {
                message: "a key without its colon".into(),
                hint: "write the key, a colon and a space, then the value: `number: 1`".into(),
            };
        }
        Problem::NotYaml(m) if m.contains("mapping values are not allowed") => {
            let (line, col) = p.position.unwrap_or((1, 1));
            let text = nth_line(source, line);
            let before: String = text.chars().take(col.saturating_sub(1)).collect();
            // `topic: Intro: basics`: a second `: ` in a value; otherwise a
            // line indented unlike its neighbours.
            let hint = if before.contains(": ") {
                "a value with `: ` in it must be quoted: `topic: \"Intro: basics\"`"
            } else {
                "check the indentation: the keys of one session line up under each other"
            };
            p.problem = Problem::YamlMistake {
                message: m.clone(),
                hint: hint.into(),
            };
        }
        Problem::NotYaml(m) if m.contains("quoted scalar") => {
            p.problem = Problem::YamlMistake {
                message: m.clone(),
                hint:
                    "a quote is opened and not closed: end the text with the same quote on its line"
                        .into(),
            };
        }
        Problem::Shape(m) if m.contains("more than one document") => {
            p.problem = Problem::SecondDocument;
            p.path = String::new();
            p.position = second_document(source).or(p.position);
        }
        _ => {}
    }
    p
}

/// The text of 1-based `line`.
fn nth_line(source: &str, line: usize) -> &str {
    source
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or_default()
}

/// Byte offset of the start of 1-based `line`.
fn line_start(source: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    source
        .match_indices('\n')
        .nth(line - 2)
        .map_or(source.len(), |(i, _)| i + 1)
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

/// Where the second YAML document of `source` starts (its `---`).
fn second_document(source: &str) -> Option<(usize, usize)> {
    let mut documents = 0;
    for event in Parser::new_from_str(source) {
        let (event, span) = event.ok()?;
        if matches!(event, Event::DocumentStart(_)) {
            documents += 1;
            if documents == 2 {
                return Some((span.start.line(), span.start.col() + 1));
            }
        }
    }
    None
}

/// Turn a yaml_serde error into a problem with a path.
fn from_serde(err: &yaml_serde::Error) -> LoadProblem {
    let position = err.location().map(|l| (l.line(), l.column()));
    let text = err.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) if position.is_some() => &text[..i],
        _ => &text[..],
    };
    let (path, message) = split_path(text);
    if let Some(rest) = message.strip_prefix("duplicate field `") {
        // Located at the second key by [`Positions::repeated`].
        let field = rest.split('`').next().unwrap_or_default().to_owned();
        return LoadProblem {
            path: join(path, &field),
            position,
            problem: Problem::DuplicateField(field),
        };
    }
    let problem = if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default().to_owned();
        let expected = expected_fields(rest);
        let suggestion = closest(&field, expected.iter().map(String::as_str));
        let path = join(path, &field);
        return LoadProblem {
            path,
            position,
            problem: Problem::UnknownField {
                field,
                suggestion,
                expected,
            },
        };
    } else {
        Problem::Shape(shorten(message))
    };
    LoadProblem {
        path: path.to_owned(),
        position,
        problem,
    }
}

/// serde's messages quote the offending value whole, which can be megabytes.
fn shorten(message: &str) -> String {
    const MAX: usize = 200;
    match message.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message.to_owned(),
    }
}

/// yaml_serde prefixes a message with the path of the node, as in
/// `sessions[0]: unknown field ...`; the root has none.
fn split_path(text: &str) -> (&str, &str) {
    if let Some((head, tail)) = text.split_once(": ") {
        let is_path = !head.is_empty()
            && head
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'));
        if is_path {
            return (head, tail);
        }
    }
    ("", text)
}

/// The backticked names after "expected" in serde's unknown-field message.
fn expected_fields(rest: &str) -> Vec<String> {
    let Some((_, list)) = rest.split_once("expected") else {
        return Vec::new();
    };
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The candidate most like `word`, if it is like enough to be a typo.
pub(crate) fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let word = word.to_lowercase();
    candidates
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_owned())
}

/// `parent.key`, or `key` at the root.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "course:\n  name: X\nsessions:\n  - kind: Lecture\n    start: 15:00\n  - {kind: Lab, end: \"17:00\"}\n";

    // Test that paths resolve to the key's line and column, in block and flow style.
    #[test]
    fn positions_follow_paths() {
        let p = Positions::build(DOC).expect("valid yaml");
        assert_eq!(p.exact("course.name"), Some((2, 3)));
        assert_eq!(p.exact("sessions[0]"), Some((4, 5)));
        assert_eq!(p.exact("sessions[0].start"), Some((5, 5)));
        assert_eq!(p.exact("sessions[1].end"), Some((6, 17)));
        assert_eq!(p.find("sessions[1].readings[3].url"), Some((6, 5)));
    }

    // Test that a syntax error is reported with its position rather than a misplaced key.
    #[test]
    fn syntax_error_wins() {
        let err = parse("course: [\n").expect_err("not yaml");
        assert!(matches!(err.problem, Problem::NotYaml(_)), "{err:?}");
        assert_eq!(err.position.map(|p| p.0), Some(2));
    }

    // Test that unknown fields carry their full path and a suggestion.
    #[test]
    fn unknown_field_suggests() {
        let err = parse("sessions:\n  - kind: Lecture\n    strat: 15:00\n").expect_err("unknown");
        assert_eq!(err.path, "sessions[0].strat");
        match err.problem {
            Problem::UnknownField { suggestion, .. } => {
                assert_eq!(suggestion.as_deref(), Some("start"))
            }
            p => panic!("unexpected {p:?}"),
        }
    }

    // Test that unquoted times, numbers and dates all arrive as their text.
    #[test]
    fn scalars_keep_their_text() {
        let raw = parse("sessions:\n  - {number: 1, start: 15:00, date: 2020-09-28, end: 9:30}\n")
            .expect("valid");
        let s = &raw.sessions.expect("sessions")[0];
        assert_eq!(s.number.as_ref().map(Scalar::as_str), Some("1"));
        assert_eq!(s.start.as_ref().map(Scalar::as_str), Some("15:00"));
        assert_eq!(s.end.as_ref().map(Scalar::as_str), Some("9:30"));
        assert_eq!(s.date.as_ref().map(Scalar::as_str), Some("2020-09-28"));
    }

    // Test that deep nesting is refused before serde sees it, at the
    // bracket that goes too deep, and that brackets in text are not nesting.
    #[test]
    fn deep_nesting_is_refused() {
        let src = format!("course:\n  name: {}{}\n", "[".repeat(100), "]".repeat(100));
        let err = parse(&src).expect_err("too deep");
        assert_eq!(err.position, Some((2, 23)));
        assert!(
            matches!(err.problem, Problem::OverLimit { ref what, .. } if what.contains("16 levels"))
        );
        assert!(
            parse("course: {name: \"Intro [slides] {v2}\", timezone: UTC}\nsessions: []\n").is_ok()
        );
    }

    // Test that comments alone count as an empty file.
    #[test]
    fn blank_is_empty() {
        assert_eq!(
            parse("# nothing\n---\n").expect_err("empty").problem,
            Problem::EmptyFile
        );
    }
}
