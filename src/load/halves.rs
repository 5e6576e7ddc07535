//! Parsing a large schedule in two halves on two threads.
//!
//! Parsing YAML is most of a large build, and libyaml (under serde_yaml) runs
//! on one thread. A schedule is mostly one long block sequence of sessions,
//! so the file can be cut between two items of `sessions:`: the items from
//! the cut to the end of the sequence parse on their own as a sequence, and
//! the rest of the document, with those lines taken out, parses as the whole
//! schedule with fewer sessions. Every other key, duplicate keys included,
//! is read exactly as before, because the rest is still the whole document.
//!
//! The cut is only made where it cannot change what the YAML means. A token
//! can span lines in three ways: a block scalar or a plain multi-line
//! scalar, which end at the first line indented no deeper than their parent
//! (and a cut line is an item line of `sessions:`, shallower than anything
//! inside an item); a quoted scalar, which libyaml lets run over any line;
//! and a flow collection. So every line of the file must be
//! [`self_contained`]: no quoted scalar or flow collection left open at its
//! end, and no anchor, alias, tag or directive that could tie one part to
//! another. Any doubt, or any error in either half, and the caller parses
//! the file whole, which also gives the exact error.

use super::{RawSchedule, RawSession};

/// Below this size a second thread costs more than it saves.
pub(super) const HALVES_FROM_BYTES: usize = 1 << 20;

/// Where to cut: the document is `source[..cut] + source[end..]` plus the
/// items `source[cut..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cut {
    cut: usize,
    end: usize,
}

/// The schedule parsed in two halves, or `None` when the file cannot be cut
/// safely or either half fails; the caller then parses it whole.
pub(super) fn parse(source: &str) -> Option<RawSchedule> {
    // The cut is made at `\n`; libyaml also breaks lines at a lone CR, NEL,
    // LS and PS, so a file with any of them is parsed whole.
    let breaks = ['\u{85}', '\u{2028}', '\u{2029}'];
    if breaks.into_iter().any(|c| source.contains(c)) || super::has_lone_cr(source) {
        return None;
    }
    let Cut { cut, end } = find_cut(source)?;
    let (items, rest_tail) = (&source[cut..end], &source[end..]);
    let head = &source[..cut];
    std::thread::scope(|scope| {
        let items = scope.spawn(|| -> Option<Vec<RawSession>> {
            all_self_contained(items)?;
            super::unknown::strict(items)
        });
        let rest = (|| -> Option<RawSchedule> {
            all_self_contained(head)?;
            all_self_contained(rest_tail)?;
            let mut rest = String::with_capacity(head.len() + rest_tail.len());
            rest.push_str(head);
            rest.push_str(rest_tail);
            super::unknown::strict(&rest)
        })();
        let items = items
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        let mut rest = rest?;
        // Growing the first half in place is cheaper than a third vector.
        rest.sessions.as_mut()?.extend(items);
        Some(rest)
    })
}

/// `Some(())` when every line is [`self_contained`].
fn all_self_contained(text: &str) -> Option<()> {
    text.split('\n').all(self_contained).then_some(())
}

/// The cut near the middle of the file, between two items of a block
/// sequence under a top-level `sessions:` key, if the file has one.
fn find_cut(source: &str) -> Option<Cut> {
    let mut lines = lines(source);
    // The `sessions:` line, at the left margin, with nothing after the colon.
    lines.by_ref().find(|(_, line)| {
        line.strip_prefix("sessions:")
            .map(|rest| rest.trim_start_matches(' '))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('#'))
    })?;
    let mut items = Vec::new();
    let mut indent = None;
    let mut end = source.len();
    for (at, line) in lines {
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let depth = line.len() - body.len();
        let item = body == "-" || body.starts_with("- ");
        let n = *indent.get_or_insert(depth);
        if depth > n {
            continue;
        }
        if depth == n && item {
            items.push(at);
            continue;
        }
        // The next top-level key. Anything shallower than the items but not
        // at the margin is bad indentation, left to the whole parse to report.
        if depth != 0 {
            return None;
        }
        end = at;
        break;
    }
    let (_first, later) = items.split_first()?;
    // Balance the halves: the rest of the document against the cut items.
    let target = end.saturating_sub(source.len() / 2);
    let cut = later
        .iter()
        .copied()
        .find(|&at| at >= target)
        .or(later.last().copied())?;
    Some(Cut { cut, end })
}

/// Each line with the byte offset it starts at, without its line break.
fn lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    source.split('\n').map(move |line| {
        let start = at;
        at += line.len() + 1;
        (start, line.strip_suffix('\r').unwrap_or(line))
    })
}

/// True when no YAML token on `line` can continue on the next line except
/// as a plain or block scalar, and nothing on it refers to another line.
///
/// It reads the line's structure (entry dashes, keys, values) only as far
/// as to find where each value starts, because a quote or bracket means
/// something only there: the apostrophe in `topic: Åkerman's survey` is text.
/// It errs on the side of `false`, which only costs speed.
fn self_contained(line: &str) -> bool {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.contains('\t') || line.starts_with("---") || line.starts_with("...") {
        return false;
    }
    let mut rest = line.trim_start_matches(' ');
    loop {
        // Sequence entries: `- `, possibly several on one line.
        while let Some(after) = rest.strip_prefix("- ") {
            rest = after.trim_start_matches(' ');
        }
        if rest == "-" {
            return true;
        }
        let after_node = match rest.as_bytes().first() {
            None | Some(b'#') => return true,
            // A block scalar's text is on the lines below, deeper.
            Some(b'|' | b'>') => return header_only(&rest[1..]),
            Some(b'"') => match end_of_double_quoted(rest) {
                Some(end) => &rest[end..],
                None => return false,
            },
            Some(b'\'') => match end_of_single_quoted(rest) {
                Some(end) => &rest[end..],
                None => return false,
            },
            Some(b'[' | b'{') => {
                let flow = strip_comment(rest).trim_end();
                return flow == "[]" || flow == "{}";
            }
            // Anchors, aliases, tags, explicit keys, directives, reserved.
            Some(b'&' | b'*' | b'!' | b'?' | b'%' | b'@' | b'`' | b',' | b']' | b'}') => {
                return false
            }
            Some(_) => match plain_key_end(rest) {
                Some(end) => &rest[end..],
                None => return true,
            },
        };
        // After a key: `:` and the value; after a quoted value: nothing.
        let after = after_node.trim_start_matches(' ');
        if after.is_empty() || after.starts_with('#') {
            return true;
        }
        match after.strip_prefix(':') {
            Some(value) if value.is_empty() || value.starts_with(' ') => {
                rest = value.trim_start_matches(' ');
            }
            _ => return false,
        }
    }
}

/// After `|` or `>`: only indicators and a comment may follow.
fn header_only(rest: &str) -> bool {
    let rest = strip_comment(rest).trim_end();
    rest.bytes().all(|b| matches!(b, b'+' | b'-' | b'1'..=b'9'))
}

/// `text` up to a ` #` comment (a `#` at its start counts too).
fn strip_comment(text: &str) -> &str {
    if text.starts_with('#') {
        return "";
    }
    text.find(" #").map_or(text, |i| &text[..i])
}

/// Where a plain scalar that is a key ends (at its `:`), or `None` when it
/// runs to the end of the line or to a comment, as a value does.
fn plain_key_end(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b':' if bytes.get(i + 1).is_none_or(|&n| n == b' ') => return Some(i),
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            _ => {}
        }
    }
    None
}

/// The byte just past the closing quote of a double-quoted scalar that
/// starts `rest`, if it closes on this line.
fn end_of_double_quoted(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The byte just past the closing quote of a single-quoted scalar that
/// starts `rest`, if it closes on this line; `''` is a quote inside it.
fn end_of_single_quoted(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that a file with any line break other than LF and CRLF (a lone
    // CR, NEL, LS, PS: libyaml breaks lines at each) is parsed whole, so the
    // halves can never disagree with it about where a line ends.
    #[test]
    fn other_line_breaks_are_parsed_whole() {
        let big = crate::synthetic::schedule_yaml(4_000);
        assert!(big.len() >= HALVES_FROM_BYTES);
        assert!(parse(&big).is_some(), "the plain file is cut");
        for brk in ["\r", "\u{85}", "\u{2028}", "\u{2029}"] {
            let odd = big.replacen("sessions:\n", &format!("# note{brk}x\nsessions:\n"), 1);
            assert!(parse(&odd).is_none(), "{brk:?}");
        }
    }

    #[test]
    fn lines_that_stand_alone() {
        for line in [
            "",
            "course:",
            "  - kind: Lecture",
            "    topic: \"Graph processing: data-parallelization\"",
            "    topic: Åkerman's survey",
            "      - title: 'It''s here'",
            "    url: \"/papers/a \\\"b\\\" c.pdf\" # comment",
            "    readings: []",
            "    note: |",
            "    note: >- # folded",
            "- - a",
            "-",
            "  # a comment with \" and [",
            "    topic: a # b: c",
        ] {
            assert!(self_contained(line), "{line:?}");
        }
    }

    #[test]
    fn lines_that_may_continue_or_refer_elsewhere() {
        for line in [
            "    topic: \"starts here",
            "    topic: 'starts here",
            "    topic: \"ends with an escaped break \\",
            "    readings: [a,",
            "    readings: [a]",
            "    links: {label: x}",
            "  - &first kind: x",
            "    <<: *first",
            "    topic: *name",
            "    date: !!str 2020-09-28",
            "? complex key",
            "%YAML 1.2",
            "---",
            "...",
            "\ttopic: tab",
            "    topic: \"closed\" trailing",
            "    note: | not a header",
        ] {
            assert!(!self_contained(line), "{line:?}");
        }
    }

    fn items(n: usize, indent: &str) -> String {
        (0..n)
            .map(|i| format!("{indent}- kind: Lecture\n{indent}  number: {i}\n"))
            .collect()
    }

    #[test]
    fn the_cut_falls_between_items_of_sessions() {
        let source = format!("course:\n  id: c\nsessions:\n{}", items(10, "  "));
        let cut = find_cut(&source).expect("a cut");
        assert_eq!(cut.end, source.len());
        assert!(source[cut.cut..].starts_with("  - kind: Lecture\n"));
        assert!(source[..cut.cut].ends_with('\n'));
        let before = source[..cut.cut].matches("- kind").count();
        assert!((3..=7).contains(&before), "{before} items before the cut");
    }

    #[test]
    fn the_items_end_at_the_next_top_level_key() {
        for indent in ["", "  ", "    "] {
            let source = format!(
                "sessions:\n{}\n# comment\ndeadlines:\n  - title: x\n",
                items(6, indent)
            );
            let cut = find_cut(&source).expect("a cut");
            assert!(source[cut.end..].starts_with("deadlines:"), "{indent:?}");
        }
    }

    #[test]
    fn no_cut_without_two_items_or_with_odd_indentation() {
        assert_eq!(find_cut("course:\n  id: c\n"), None);
        assert_eq!(find_cut("sessions:\n  - kind: x\n"), None);
        assert_eq!(find_cut("sessions: []\n"), None);
        assert_eq!(find_cut("  sessions:\n  - a\n  - b\n"), None);
        assert_eq!(
            find_cut("sessions:\n    - a: 1\n    - a: 2\n  deadlines: x\n"),
            None
        );
    }

    fn whole(source: &str) -> Option<String> {
        serde_yaml::from_str::<RawSchedule>(source)
            .ok()
            .map(|r| format!("{r:?}"))
    }

    /// Test that the halves, when they answer, read exactly what the whole
    /// parse reads.
    fn agrees(source: &str) -> bool {
        match parse(source) {
            Some(raw) => {
                assert_eq!(Some(format!("{raw:?}")), whole(source), "{source}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn a_generated_department_reads_the_same_in_halves() {
        let source = crate::synthetic::schedule_yaml(500);
        assert!(agrees(&source), "the generated schedule should be cut");
        let with_crlf = source.replace('\n', "\r\n");
        assert!(agrees(&with_crlf), "CRLF line ends should be cut too");
    }

    #[test]
    fn keys_after_the_sessions_are_kept() {
        let source = format!(
            "course:\n  id: c\nsessions:\n{}deadlines:\n  - title: Report\n    date: 2020-10-12\nmodules: []\n",
            items(8, "")
        );
        assert!(agrees(&source));
    }

    #[test]
    fn a_duplicate_key_after_the_sessions_is_still_an_error() {
        for late in ["course:\n  id: d\n", "sessions: []\n", "course: ~\n"] {
            let source = format!("course: ~\nsessions:\n{}{late}", items(8, "  "));
            assert_eq!(whole(&source), None, "{late}");
            assert!(parse(&source).is_none(), "{late}");
        }
    }

    #[test]
    fn what_could_span_the_cut_makes_it_parse_whole() {
        let spanning = [
            // A quoted scalar that libyaml lets run over item lines.
            "  - kind: x\n    topic: \"starts\n  - kind: y\n    topic: ends\"\n",
            // An anchor in one half, its alias in the other.
            "  - &first\n    kind: x\n",
            "  - kind: y\n    topic: *name\n",
            // A flow collection over several lines.
            "  - {kind: x,\n  number: 1}\n",
        ];
        for extra in spanning {
            let source = format!(
                "sessions:\n{}{extra}{}deadlines: \"\n",
                items(4, "  "),
                items(4, "  ")
            );
            assert!(!agrees(&source), "{extra}");
        }
    }

    #[test]
    fn block_scalars_are_cut_around() {
        let source = format!(
            "sessions:\n{}  - kind: Lab\n    number: 9\n    note: |+\n      kept\n\n{}",
            items(4, "  "),
            items(4, "  ")
        );
        assert!(agrees(&source));
    }

    /// Lines that, dropped into a schedule, could fool a careless cut.
    const TRICKY: &[&str] = &[
        "  - kind: z",
        "    topic: \"opens",
        "    closes\"",
        "    topic: 'it''s'",
        "    note: |",
        "      text \"with a quote",
        "      - kind: inside a block",
        "  - &a",
        "    topic: *a",
        "  - {kind: f,",
        "    number: 2}",
        "deadlines:",
        "course: ~",
        "# comment",
        "",
        "---",
        "   - odd",
        "    topic: a: b",
        // Harmless ones, so that many cases are cut at all.
        "    room: B1",
        "  # - kind: commented out",
        "    readings: []",
        "    topic: \"quoted: fine\"",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Test that whatever lines are inserted, the halves never read
        /// something the whole parse does not.
        #[test]
        fn the_halves_never_disagree_with_the_whole(
            inserts in proptest::collection::vec((0usize..400, 0usize..TRICKY.len()), 1..4)
        ) {
            let base = crate::synthetic::schedule_yaml(40);
            let mut lines: Vec<&str> = base.lines().collect();
            for (at, which) in inserts {
                let at = at % (lines.len() + 1);
                lines.insert(at, TRICKY[which]);
            }
            let source = lines.join("\n");
            agrees(&source);
        }
    }
}
