//! Where each node of the YAML is, for messages that name a line.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};

use super::join;

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
