//! Text cut short by a comment: in YAML, ` #` after a plain (unquoted)
//! value starts a comment, so `topic: Lecture #3` is the topic `Lecture`,
//! silently. Staff write such text; the loader says so at the `#`.

/// Keys whose values are free text people write, where a `#` is meant.
const TEXT_KEYS: &[&str] = &["kind", "topic", "title", "note", "room", "name", "label"];

/// A plain value that a comment cut short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutByComment {
    /// 1-based line.
    pub line: usize,
    /// 1-based column of the `#`.
    pub column: usize,
    /// The key, e.g. `topic`.
    pub key: String,
    /// The value as YAML reads it.
    pub kept: String,
    /// The value and the comment, as the person meant it.
    pub meant: String,
}

/// Every `key: plain value #...` of a text key in `source`. Flow mappings
/// (`{topic: a #b}`) are left to YAML: there a comment ends the line anyway.
pub fn cut_by_comments(source: &str) -> Vec<CutByComment> {
    let mut out = Vec::new();
    // Most schedules have no `#` at all; a byte search says so at once.
    if !source.as_bytes().contains(&b'#') {
        return out;
    }
    for (i, line) in source.lines().enumerate() {
        // Cheap test first: almost no line has a `#`.
        if !line.as_bytes().contains(&b'#') {
            continue;
        }
        let Some(hash) = line.find(" #").or_else(|| line.find("\t#")) else {
            continue;
        };
        let body = line.trim_start();
        let body = body.strip_prefix("- ").map_or(body, str::trim_start);
        let Some((key, value)) = body.split_once(':') else {
            continue;
        };
        if !TEXT_KEYS.contains(&key.trim()) || !value.starts_with([' ', '\t']) {
            continue;
        }
        let value = value.trim_start();
        let plain = !value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '#', '!']);
        let value_at = line.len() - value.len();
        if !plain || hash < value_at {
            continue;
        }
        out.push(CutByComment {
            line: i + 1,
            column: line[..=hash].chars().count() + 1,
            key: key.trim().to_owned(),
            kept: line[value_at..hash].trim_end().to_owned(),
            meant: value.trim_end().to_owned(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that a comment after a plain text value is found at its `#`, and
    // that quoted values, `#` inside a word, comments on their own line and
    // other keys are not.
    #[test]
    fn finds_text_cut_by_a_comment() {
        let source = "sessions:\n  - kind: Lecture\n    topic: Lecture #3 intro\n    note: \"Room #4\"\n    title: C# basics\n    # a comment\n    date: 2020-09-28 # a date\n  - topic: x #y\n";
        let found = cut_by_comments(source);
        assert_eq!(
            found,
            vec![
                CutByComment {
                    line: 3,
                    column: 20,
                    key: "topic".into(),
                    kept: "Lecture".into(),
                    meant: "Lecture #3 intro".into(),
                },
                CutByComment {
                    line: 8,
                    column: 14,
                    key: "topic".into(),
                    kept: "x".into(),
                    meant: "x #y".into(),
                },
            ]
        );
    }
}
