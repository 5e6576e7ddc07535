//! Guards that stop hostile YAML before the parser expands or nests it.

use saphyr_parser::{Event, Parser};

/// Aliases may make a document this many values larger than it is written,
/// and no more: a real schedule shares a reading list or a zoom link, while
/// a "billion laughs" of nested aliases multiplies a few kilobytes into
/// gigabytes. 100,000 sessions of ten values each are a million values.
pub(super) const MAX_EXPANDED_NODES: u64 = 1_000_000;

/// Where aliases first take the expanded document past
/// [`MAX_EXPANDED_NODES`] more values than it has as written, if they do.
/// Each anchored node's expanded size is counted once, so the check is
/// linear in the text whatever the aliases multiply to.
pub(super) fn expands_too_far(source: &str) -> Option<(usize, usize)> {
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
pub(super) const MAX_FLOW_DEPTH: usize = 64;

/// Where flow nesting first goes past [`MAX_FLOW_DEPTH`], if it does.
///
/// libyaml, under serde_yaml, takes time quadratic in flow depth (minutes
/// for a 200 KB line of `[`), so hostile input is stopped before it. Quotes
/// are deliberately not understood: a stray `'` must not hide brackets, and
/// no real text holds 64 unmatched brackets.
pub(super) fn too_deep(source: &str) -> Option<(usize, usize)> {
    // Brackets are ASCII, so bytes will do; the position is worked out only
    // for the error. Most schedules have too few brackets to go that deep,
    // which a count (vectorised) shows faster than following the depth.
    let opening = source.bytes().filter(|&b| b == b'[' || b == b'{').count();
    if opening <= MAX_FLOW_DEPTH {
        return None;
    }
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
