//! Limits on what the YAML may expand to, checked in one pass over the
//! parser's events before serde builds anything.
//!
//! yaml_serde first reads every event of the document into memory and only
//! then fills the structs, so a 10 MB line of `{a: 1, a: 1, ...}` or
//! `[{}, {}, ...]` cost gigabytes before any error about it. This pass
//! keeps only one counter per open collection (at most [`MAX_DEPTH`]) and
//! the size of each anchored node, so its memory is bounded by the nesting
//! and the anchors written, and it stops at the first value that crosses a
//! limit, which is where the error points. Each limit and what a real
//! course needs of it is listed in docs/limits.md.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Tag};

use crate::error::Problem;

/// No schedule nests collections this deep: a link of a reading of an
/// occurrence of a pattern is nine levels (mappings and lists) down.
pub(crate) const MAX_DEPTH: usize = 16;

/// Items in one list: the sessions of the largest course we build
/// (100,000), which is also far more deadlines, readings or days off than
/// any course has.
pub(crate) const MAX_ITEMS: u64 = 100_000;

/// Keys in one mapping: a session has 18 fields; `occurrences` of a
/// pattern, keyed by date, has at most one per day of the pattern (4,000).
pub(crate) const MAX_KEYS: u64 = 4_000;

/// Bytes in one line: a session written on one line in flow style is a few
/// hundred, a whole course of 3,000 sessions written as one line of JSON
/// about 600 KB. The event pass below buffers a whole line whose first
/// character opens a collection at the top of the document (it might be a
/// key), so a longer line is refused before it.
pub(crate) const MAX_LINE_BYTES: usize = 1 << 20;

/// Aliases may make a document this many values larger than it is written,
/// and no more: a real schedule shares a reading list or a zoom link, while
/// a "billion laughs" of nested aliases multiplies a few kilobytes into
/// gigabytes. A reading list of ten values shared by 100,000 sessions is a
/// million values.
pub(crate) const MAX_EXPANDED_NODES: u64 = 1_000_000;

/// The first value of `source` that crosses a limit or carries a tag the
/// schedule does not define: its 1-based (line, column) and the problem.
/// A syntax error ends the check without a finding: the parse that follows
/// reports it with its own message.
pub(super) fn check(source: &str) -> Option<((usize, usize), Problem)> {
    // Per open collection: whether it is a mapping, its anchor, the values
    // in it so far (a mapping counts keys and values), and its expanded size.
    struct Open {
        mapping: bool,
        anchor: usize,
        values: u64,
        size: u64,
    }
    if let Some(at) = too_long_line(source) {
        return Some((at, over_limit(Limit::Line)));
    }
    let mut open: Vec<Open> = Vec::new();
    let mut anchored: HashMap<usize, u64> = HashMap::new();
    let mut added: u64 = 0;
    for event in Parser::new_from_str(source) {
        let (event, span) = match event {
            Ok(event) => event,
            // The scanner reads a flow collection's opening brackets ahead
            // of its events and gives up at 256 levels.
            Err(e) if e.info() == "recursion limit exceeded" => {
                let at = too_deep(source).unwrap_or((e.marker().line(), e.marker().col() + 1));
                return Some((at, over_limit(Limit::Depth)));
            }
            Err(_) => return None,
        };
        let at = (span.start.line(), span.start.col() + 1);
        let mapping = matches!(event, Event::MappingStart(..));
        let (size, tag) = match event {
            Event::Scalar(_, _, anchor, tag) => {
                if anchor > 0 {
                    anchored.insert(anchor, 1);
                }
                (1, tag)
            }
            Event::Alias(id) => {
                let size = anchored.get(&id).copied().unwrap_or(1);
                added = added.saturating_add(size.saturating_sub(1));
                if added > MAX_EXPANDED_NODES {
                    return Some((at, over_limit(Limit::Aliases)));
                }
                (size, None)
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if let Some(tag) = tag.filter(|t| !defined(t)) {
                    return Some((at, Problem::UndefinedTag(written(&tag))));
                }
                if open.len() >= MAX_DEPTH {
                    return Some((at, over_limit(Limit::Depth)));
                }
                if let Some(parent) = open.last_mut() {
                    if let Some(limit) = count(parent.mapping, &mut parent.values) {
                        return Some((at, over_limit(limit)));
                    }
                }
                open.push(Open {
                    mapping,
                    anchor,
                    values: 0,
                    size: 1,
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let done = open.pop()?;
                if done.anchor > 0 {
                    anchored.insert(done.anchor, done.size);
                }
                if let Some(parent) = open.last_mut() {
                    parent.size = parent.size.saturating_add(done.size);
                }
                continue;
            }
            _ => continue,
        };
        if let Some(tag) = tag.filter(|t| !defined(t)) {
            return Some((at, Problem::UndefinedTag(written(&tag))));
        }
        if let Some(parent) = open.last_mut() {
            if let Some(limit) = count(parent.mapping, &mut parent.values) {
                return Some((at, over_limit(limit)));
            }
            parent.size = parent.size.saturating_add(size);
        }
    }
    None
}

/// Where the first line longer than [`MAX_LINE_BYTES`] crosses it.
fn too_long_line(source: &str) -> Option<(usize, usize)> {
    if source.len() <= MAX_LINE_BYTES {
        return None;
    }
    for (i, line) in source.split('\n').enumerate() {
        if line.len() > MAX_LINE_BYTES {
            let mut cut = MAX_LINE_BYTES;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            return Some((i + 1, line[..cut].chars().count() + 1));
        }
    }
    None
}

/// Where brackets first open more than [`MAX_DEPTH`] flow collections,
/// counting bytes: used only once the parser has found hundreds of levels.
fn too_deep(source: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (i, b) in source.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
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

/// One more value in a collection; the limit it crosses, if it does.
fn count(mapping: bool, values: &mut u64) -> Option<Limit> {
    *values += 1;
    match mapping {
        // Keys are the odd values of a mapping: 1st, 3rd, ...
        true if *values % 2 == 1 && *values / 2 >= MAX_KEYS => Some(Limit::Keys),
        false if *values > MAX_ITEMS => Some(Limit::Items),
        _ => None,
    }
}

/// Which limit a value crosses.
enum Limit {
    Line,
    Depth,
    Items,
    Keys,
    Aliases,
}

fn over_limit(limit: Limit) -> Problem {
    let (what, hint) = match limit {
        Limit::Line => (
            format!("a line of more than {MAX_LINE_BYTES} bytes"),
            "break it into lines: a session to a line, or one field to a line",
        ),
        Limit::Depth => (
            format!("nested more than {MAX_DEPTH} levels deep"),
            "a schedule nests at most nine levels (a link of a reading of a session); close the brackets or indent less",
        ),
        Limit::Items => (
            format!("a list of more than {MAX_ITEMS} items"),
            "that is more than the largest course has; split the course into several files in a folder",
        ),
        Limit::Keys => (
            format!("a mapping of more than {MAX_KEYS} keys"),
            "a session has 18 fields and a pattern at most 4,000 occurrences; is a list (`- `) meant?",
        ),
        Limit::Aliases => (
            format!("aliases here expand the file to more than {MAX_EXPANDED_NODES} values"),
            "write the values out, or share fewer",
        ),
    };
    Problem::OverLimit {
        what,
        hint: hint.into(),
    }
}

/// The one tag a schedule accepts is `!!str`, which says what the loader
/// does anyway: the value is its text. Any other (`!date`, `!!int`,
/// `!!python/object`) would be silently dropped by serde, so it is refused.
fn defined(tag: &Tag) -> bool {
    tag.is_yaml_core_schema() && tag.suffix == "str"
}

/// The tag as people write it: `!!str`, `!date`, `!<tag:example.org,2000:x>`.
fn written(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else if tag.handle.starts_with('!') {
        format!("{}{}", tag.handle, tag.suffix)
    } else if tag.suffix.starts_with('!') {
        tag.suffix.clone()
    } else {
        format!("!<{}{}>", tag.handle, tag.suffix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit_at(source: &str) -> Option<(usize, usize)> {
        check(source).map(|(at, _)| at)
    }

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
        let (at, problem) = check(&bomb).expect("refused");
        assert_eq!(at.0, 6, "the line where the count passes the limit");
        assert!(matches!(problem, Problem::OverLimit { ref what, .. } if what.contains("aliases")));
        let mut shared = String::from("r: &r [{title: a}, {title: b}]\ns:\n");
        for _ in 0..10_000 {
            shared.push_str("  - {readings: *r}\n");
        }
        assert_eq!(limit_at(&shared), None);
    }

    // Test that each count stops at the value that crosses it, in flow and
    // block style alike, and that a collection at the limit is accepted.
    // A few seconds in a debug build: the list limit needs 100,001 items.
    #[test]
    fn counts_stop_at_the_crossing_value() {
        let items = |n: u64| format!("x:\n{}", "- 1\n".repeat(n as usize));
        assert_eq!(limit_at(&items(MAX_ITEMS)), None);
        assert_eq!(
            limit_at(&items(MAX_ITEMS + 1)),
            Some((MAX_ITEMS as usize + 2, 3))
        );
        let keys = |n: u64| {
            let body: Vec<String> = (0..n).map(|i| format!("k{i}: 1")).collect();
            format!("x: {{{}}}\n", body.join(", "))
        };
        assert_eq!(limit_at(&keys(MAX_KEYS)), None);
        let long = keys(MAX_KEYS + 1);
        let last = long.rfind("k4000").expect("the last key");
        assert_eq!(limit_at(&long), Some((1, last + 1)));
        // Repeated keys count too: serde would keep every one in memory.
        assert!(limit_at(&format!("x: {{{}}}\n", "a: 1, ".repeat(5_000))).is_some());
        let deep = |n: usize| format!("x: {}1{}\n", "[".repeat(n), "]".repeat(n));
        assert_eq!(limit_at(&deep(MAX_DEPTH - 1)), None);
        assert_eq!(limit_at(&deep(MAX_DEPTH)), Some((1, 4 + MAX_DEPTH - 1)));
        let block: String = (0..20)
            .map(|d| format!("{}k{d}:\n", "  ".repeat(d)))
            .collect();
        assert_eq!(limit_at(&block), Some((17, 33)));
    }

    // Test that every tag but `!!str` is refused at its value, with the tag
    // as written.
    #[test]
    fn tags_the_schedule_does_not_define() {
        for (source, tag) in [
            ("date: !date 2020-09-28\n", "!date"),
            (
                "x: !!python/object:os.system [ls]\n",
                "!!python/object:os.system",
            ),
            ("x: !!int 3\n", "!!int"),
            (
                "x: !<tag:example.org,2000:x> 3\n",
                "!<tag:example.org,2000:x>",
            ),
            ("x:\n  - ! 3\n", "!"),
        ] {
            match check(source) {
                Some((_, Problem::UndefinedTag(t))) => assert_eq!(t, tag, "{source}"),
                other => panic!("{source}: {other:?}"),
            }
        }
        assert_eq!(limit_at("x: !!str 15:00\n"), None);
    }
}
