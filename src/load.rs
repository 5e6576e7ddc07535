//! Reading the schedule YAML: all YAML handling lives here.
//!
//! serde_yaml turns the text into raw structs whose leaves are plain scalars,
//! so that every field-level check (dates, times, links) happens in
//! `validate`, where we know the session and field. serde_yaml's own error
//! positions are coarse (a mapping, not the field), so problems carry a YAML
//! path such as `sessions[3].end` and [`Positions`] maps that path to a line
//! and column with a second, span-aware parse. That parse runs only when there
//! is something to report, so a clean build parses the file once.

use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::error::Problem;

mod halves;

/// The schedule as written, before validation.
#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a schedule: a mapping with `course` and `sessions`"
)]
pub struct RawSchedule {
    /// The `course:` section.
    #[serde(default)]
    pub course: Option<RawCourse>,
    /// The `feed:` section.
    #[serde(default)]
    pub feed: Option<RawFeed>,
    /// Values every session takes unless it sets its own.
    #[serde(default)]
    pub defaults: Option<RawSession>,
    /// The sessions, in order.
    #[serde(default)]
    pub sessions: Option<Vec<RawSession>>,
    /// The `page:` section.
    #[serde(default)]
    pub page: Option<RawPage>,
    /// Dated items to hand in.
    #[serde(default)]
    pub deadlines: Option<Vec<RawDeadline>>,
    /// Groups of sessions sharing a title and a reading list.
    #[serde(default)]
    pub modules: Option<Vec<RawModule>>,
}

/// One module as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a module: a mapping with `id` and `title`"
)]
pub struct RawModule {
    /// How sessions refer to it.
    pub id: Option<Scalar>,
    /// Its title, the topic of its sessions unless they set their own.
    pub title: Option<Scalar>,
    /// The reading list its sessions share.
    pub readings: Option<Vec<RawReading>>,
}

/// One deadline as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a deadline: a mapping with `title` and `date`"
)]
pub struct RawDeadline {
    /// What is due.
    pub title: Option<Scalar>,
    /// YYYY-MM-DD.
    pub date: Option<Scalar>,
    /// HH:MM; without it the deadline is all day.
    pub time: Option<Scalar>,
    /// Where to hand in, or the assignment.
    pub url: Option<Scalar>,
    /// Explicit identity (default: the title as a slug).
    pub id: Option<Scalar>,
}

/// `page:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "page settings: a mapping")]
pub struct RawPage {
    /// Jekyll front matter, a block of text.
    pub front_matter: Option<Scalar>,
    /// Markdown shown before the sessions.
    pub intro: Option<Scalar>,
    /// Whether to show the subscribe block.
    pub subscribe: Option<Scalar>,
    /// Where `build` writes the page.
    pub output: Option<Scalar>,
    /// `sessions` (default) or `modules`.
    pub layout: Option<Scalar>,
}

/// `course:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "the course: a mapping with `name` and `timezone`"
)]
pub struct RawCourse {
    /// Calendar name.
    pub name: Option<Scalar>,
    /// Stable identity for UIDs.
    pub id: Option<Scalar>,
    /// IANA zone name.
    pub timezone: Option<Scalar>,
    /// Course site, base for relative links.
    pub url: Option<Scalar>,
}

/// `feed:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "feed settings: a mapping")]
pub struct RawFeed {
    /// Refresh hint such as `12h`.
    pub refresh: Option<Scalar>,
    /// The feed's public address.
    pub url: Option<Scalar>,
}

/// One session (or the `defaults:` section) as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a session: a mapping with `kind`, `date`, ..."
)]
pub struct RawSession {
    /// Lecture, Discussion, ...
    pub kind: Option<Scalar>,
    /// Number within the kind.
    pub number: Option<Scalar>,
    /// Explicit identity.
    pub id: Option<Scalar>,
    /// YYYY-MM-DD.
    pub date: Option<Scalar>,
    /// HH:MM.
    pub start: Option<Scalar>,
    /// HH:MM.
    pub end: Option<Scalar>,
    /// Overrides the course zone for this session.
    pub timezone: Option<Scalar>,
    /// What the session is about.
    pub topic: Option<Scalar>,
    /// Online meeting link.
    pub zoom: Option<Scalar>,
    /// Physical room.
    pub room: Option<Scalar>,
    /// Free text.
    pub note: Option<Scalar>,
    /// A page about the session.
    pub url: Option<Scalar>,
    /// confirmed, tentative or cancelled.
    pub status: Option<Scalar>,
    /// Reading list; absent or empty means TBA.
    pub readings: Option<Vec<RawReading>>,
    /// Labelled links: slides, a recording, code.
    pub links: Option<Vec<RawLink>>,
    /// The id of the module the session belongs to.
    pub module: Option<Scalar>,
}

/// One reading as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a reading: a mapping with `title` and `url`"
)]
pub struct RawReading {
    /// The title.
    pub title: Option<Scalar>,
    /// Where to get it; may be relative to `course.url`.
    pub url: Option<Scalar>,
    /// Further labelled links.
    pub links: Option<Vec<RawLink>>,
    /// `true` for recommended, not required, reading.
    pub optional: Option<Scalar>,
}

/// A labelled link as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a link: a mapping with `label` and `url`"
)]
pub struct RawLink {
    /// What it is.
    pub label: Option<Scalar>,
    /// Where; may be relative to `course.url`.
    pub url: Option<Scalar>,
}

/// Any YAML scalar, kept as the text it stands for.
///
/// YAML 1.1 tools read an unquoted `15:00` as the number 900 and serde_yaml
/// reads `1.10` as the number 1.1; taking every scalar as the text written
/// lets `validate` interpret it by field, with one message style for all of
/// them, and keeps text fields exactly as staff wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl Scalar {
    /// The text, trimmed of surrounding whitespace.
    pub fn as_str(&self) -> &str {
        self.0.trim()
    }

    /// The trimmed text, owned: the same string when there is nothing to trim.
    pub fn into_text(self) -> String {
        if self.as_str().len() == self.0.len() {
            self.0
        } else {
            self.as_str().to_owned()
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a single value (text, number or date)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        // Asked for a string, serde_yaml hands over a plain scalar's text as
        // written: `room: 1.10` stays "1.10", not the number 1.1, and `0x1F`
        // or `1e3` stay what staff typed.
        deserializer.deserialize_str(ScalarVisitor)
    }
}

/// A problem found while reading, located by YAML path or by serde_yaml's position.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadProblem {
    /// YAML path of the node concerned (`sessions[2].strat`), empty for the root.
    pub path: String,
    /// serde_yaml's or the parser's own position, 1-based (line, column).
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub problem: Problem,
}

/// Parse the schedule text into raw structs.
pub fn parse(source: &str) -> Result<RawSchedule, Box<LoadProblem>> {
    if is_blank(source) {
        return Err(Box::new(LoadProblem {
            path: String::new(),
            position: None,
            problem: Problem::EmptyFile,
        }));
    }
    // The halves' line checks admit no nesting at all, so the depth guard
    // below is for the whole parse only.
    if source.len() >= halves::HALVES_FROM_BYTES {
        if let Some(raw) = halves::parse(source) {
            return Ok(raw);
        }
    }
    if let Some(position) = too_deep(source) {
        return Err(Box::new(LoadProblem {
            path: String::new(),
            position: Some(position),
            problem: Problem::NotYaml(format!("nested more than {MAX_FLOW_DEPTH} levels deep")),
        }));
    }
    if let Some(position) = expands_too_far(source) {
        return Err(Box::new(LoadProblem {
            path: String::new(),
            position: Some(position),
            problem: Problem::NotYaml(format!(
                "aliases here expand the file to more than {MAX_EXPANDED_NODES} values; write the values out, or share fewer"
            )),
        }));
    }
    serde_yaml::from_str::<RawSchedule>(source).map_err(|err| {
        // serde_yaml reads lazily and may report a misplaced key before it
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
    })
}

/// Aliases may make a document this many values larger than it is written,
/// and no more: a real schedule shares a reading list or a zoom link, while
/// a "billion laughs" of nested aliases multiplies a few kilobytes into
/// gigabytes. 100,000 sessions of ten values each are a million values.
const MAX_EXPANDED_NODES: u64 = 1_000_000;

/// Where aliases first take the expanded document past
/// [`MAX_EXPANDED_NODES`] more values than it has as written, if they do.
/// Each anchored node's expanded size is counted once, so the check is
/// linear in the text whatever the aliases multiply to.
fn expands_too_far(source: &str) -> Option<(usize, usize)> {
    if !source.contains('&') || !source.contains('*') {
        return None;
    }
    // Per open container: its anchor and the values below it so far.
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut anchored: std::collections::HashMap<usize, u64> = std::collections::HashMap::new();
    let mut added: u64 = 0;
    for event in Parser::new_from_str(source) {
        // A syntax error is reported by the real parse.
        let (event, span) = event.ok()?;
        let size = match event {
            Event::Scalar(_, _, anchor, _) => {
                if anchor > 0 {
                    anchored.insert(anchor, 1);
                }
                1
            }
            Event::Alias(id) => {
                let size = anchored.get(&id).copied().unwrap_or(1);
                added = added.saturating_add(size.saturating_sub(1));
                if added > MAX_EXPANDED_NODES {
                    return Some((span.start.line(), span.start.col() + 1));
                }
                size
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, size) = open.pop()?;
                if anchor > 0 {
                    anchored.insert(anchor, size);
                }
                size
            }
            _ => continue,
        };
        if let Some((_, parent)) = open.last_mut() {
            *parent = parent.saturating_add(size);
        }
    }
    None
}

/// No schedule nests flow collections (`[...]`, `{...}`) this deep.
const MAX_FLOW_DEPTH: usize = 64;

/// Where flow nesting first goes past [`MAX_FLOW_DEPTH`], if it does.
///
/// libyaml, under serde_yaml, takes time quadratic in flow depth (minutes
/// for a 200 KB line of `[`), so hostile input is stopped before it. Quotes
/// are deliberately not understood: a stray `'` must not hide brackets, and
/// no real text holds 64 unmatched brackets.
fn too_deep(source: &str) -> Option<(usize, usize)> {
    // Brackets are ASCII, so bytes will do; the position is worked out only
    // for the error.
    let mut depth = 0usize;
    for (i, b) in source.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    let line_start = source[..i].rfind('\n').map_or(0, |n| n + 1);
                    let line = source[..i].bytes().filter(|&c| c == b'\n').count() + 1;
                    return Some((line, source[line_start..=i].chars().count()));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
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
        Problem::Shape(m) if m.contains("more than one document") => {
            p.problem = Problem::SecondDocument;
            p.path = String::new();
            p.position = second_document(source).or(p.position);
        }
        _ => {}
    }
    p
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

/// Turn a serde_yaml error into a problem with a path.
fn from_serde(err: &serde_yaml::Error) -> LoadProblem {
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

/// serde_yaml prefixes a message with the path of the node, as in
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

/// Where each node of the YAML starts: path → 1-based (line, column).
///
/// A mapping entry is located at its key, the place people look for a field.
#[derive(Debug, Default)]
pub struct Positions {
    at: HashMap<String, (usize, usize)>,
    /// Where a key comes a second time in one mapping.
    again: HashMap<String, (usize, usize)>,
}

/// Nodes nested deeper than this are not indexed: the schedule format is at
/// most six levels deep, and paths of hostile, deeply nested input would
/// otherwise cost time and memory quadratic in the depth.
const MAX_INDEXED_DEPTH: usize = 32;

enum Frame {
    /// A container below [`MAX_INDEXED_DEPTH`], tracked only to match its end.
    Deep,
    Map {
        path: String,
        key: Option<String>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

impl Positions {
    /// Index every node of `source`; a syntax error comes back with its position.
    pub fn build(source: &str) -> Result<Positions, ((usize, usize), String)> {
        let mut positions = Positions::default();
        let mut stack: Vec<Frame> = Vec::new();
        for event in Parser::new_from_str(source) {
            let (event, span) = event.map_err(|e| {
                let m = e.marker();
                ((m.line(), m.col() + 1), e.info().to_owned())
            })?;
            let here = (span.start.line(), span.start.col() + 1);
            let is_node = matches!(
                event,
                Event::Scalar(..)
                    | Event::MappingStart(..)
                    | Event::SequenceStart(..)
                    | Event::Alias(_)
            );
            if is_node && stack.len() >= MAX_INDEXED_DEPTH {
                if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..)) {
                    stack.push(Frame::Deep);
                }
            } else if is_node {
                // Decide this node's path from its parent.
                let path = match stack.last_mut() {
                    None => String::new(),
                    Some(Frame::Deep) => String::new(),
                    Some(Frame::Seq { path, next }) => {
                        let p = format!("{path}[{next}]");
                        *next += 1;
                        p
                    }
                    Some(Frame::Map { path, key }) => match key.take() {
                        Some(k) => join(path, &k),
                        None => {
                            // This node is a key.
                            let name = match &event {
                                Event::Scalar(v, ..) => v.to_string(),
                                _ => String::from("?"),
                            };
                            let p = join(path, &name);
                            match positions.at.entry(p) {
                                std::collections::hash_map::Entry::Occupied(e) => {
                                    positions.again.entry(e.key().clone()).or_insert(here);
                                }
                                std::collections::hash_map::Entry::Vacant(e) => {
                                    e.insert(here);
                                }
                            }
                            *key = Some(name);
                            if matches!(event, Event::Scalar(..) | Event::Alias(_)) {
                                continue;
                            }
                            // A complex key: index nothing below it.
                            String::from("\u{0}complex-key")
                        }
                    },
                };
                positions.at.entry(path.clone()).or_insert(here);
                match event {
                    Event::MappingStart(..) => stack.push(Frame::Map { path, key: None }),
                    Event::SequenceStart(..) => stack.push(Frame::Seq { path, next: 0 }),
                    _ => {}
                }
            } else if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
                stack.pop();
            }
        }
        Ok(positions)
    }

    /// Where the key at `path` is given a second time, if it is.
    pub fn repeated(&self, path: &str) -> Option<(usize, usize)> {
        self.again.get(path).copied()
    }

    /// The position of `path`, or of its nearest ancestor that has one.
    pub fn find(&self, path: &str) -> Option<(usize, usize)> {
        let mut p = path;
        loop {
            if let Some(at) = self.at.get(p) {
                return Some(*at);
            }
            if p.is_empty() {
                return None;
            }
            p = match p.rfind(['.', '[']) {
                Some(i) => &p[..i],
                None => "",
            };
        }
    }

    /// The position of exactly `path`, if that node exists.
    pub fn exact(&self, path: &str) -> Option<(usize, usize)> {
        self.at.get(path).copied()
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

    // Test that deep flow nesting is refused up front, with its position.
    // Test that aliases are bounded by what they expand to: a few
    // kilobytes of nested aliases are refused at the alias that goes past
    // the limit, while sharing a list among many sessions is fine.
    #[test]
    fn alias_expansion_is_bounded() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let at = expands_too_far(&bomb).expect("refused");
        assert_eq!(at.0, 6, "the line where the count passes the limit");
        let mut shared = String::from("r: &r [{title: a}, {title: b}]\ns:\n");
        for _ in 0..10_000 {
            shared.push_str("  - {readings: *r}\n");
        }
        assert_eq!(expands_too_far(&shared), None);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = format!("course:\n  name: {}{}\n", "[".repeat(100), "]".repeat(100));
        let err = parse(&src).expect_err("too deep");
        assert_eq!(err.position, Some((2, 73)));
        assert!(matches!(err.problem, Problem::NotYaml(ref m) if m.contains("64 levels")));
        // Brackets in text are fine.
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
