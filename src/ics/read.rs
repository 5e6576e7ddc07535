//! Reading content lines back (RFC 5545 §3.1): unfolding, and splitting a
//! line into name, parameters and value.
//!
//! Regeneration reads the whole previously published feed and every event
//! it is about to write. The `icalendar` crate's parser does this at about
//! 30 µs an event (3 s for a feed of 100,000 sessions, most of a rebuild);
//! the grammar is small enough that reading it directly is both simpler to
//! check and an order of magnitude faster.

use std::borrow::Cow;

/// The logical lines of `text`, each with the number of the physical line
/// it starts on: a line break followed by a space or tab is a fold and is
/// removed (§3.1). CRLF and bare LF are both accepted, as other tools write
/// both. Blank lines are skipped.
pub fn lines(text: &str) -> Lines<'_> {
    Lines {
        rest: text,
        line: 0,
    }
}

/// Iterator returned by [`lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    rest: &'a str,
    line: usize,
}

impl<'a> Lines<'a> {
    /// The next physical line, without its line break.
    fn physical(&mut self) -> &'a str {
        let (line, rest) = match self.rest.find('\n') {
            Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
            None => (self.rest, ""),
        };
        self.rest = rest;
        self.line += 1;
        line.strip_suffix('\r').unwrap_or(line)
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let mut line = Cow::Borrowed(self.physical());
            let number = self.line;
            while self.rest.starts_with([' ', '\t']) {
                let continuation = &self.physical()[1..];
                line.to_mut().push_str(continuation);
            }
            if !line.trim().is_empty() {
                return Some((number, line));
            }
        }
    }
}

/// One content line, split. The name and parameter names are as written
/// (compare them without case); parameter values lose their quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property<'a> {
    /// `SUMMARY`, `DTSTART`, ...
    pub name: &'a str,
    /// `(name, value)` pairs, in order.
    pub params: Vec<(&'a str, &'a str)>,
    /// The value, still escaped.
    pub value: &'a str,
}

/// Split a logical line into name, parameters and value, or `None` when it
/// is not a content line: no `:`, or a name or parameter that is not a
/// token (letters, digits and `-`).
pub fn property(line: &str) -> Option<Property<'_>> {
    // Leading blanks are not in the grammar, but some tools indent.
    let line = line.trim_start_matches([' ', '\t']);
    let name_end = line.find([';', ':'])?;
    let name = token(&line[..name_end])?;
    let mut params = Vec::new();
    let mut rest = &line[name_end..];
    while let Some(after) = rest.strip_prefix(';') {
        let eq = after.find('=')?;
        let key = token(&after[..eq])?;
        let (value, next) = param_value(&after[eq + 1..])?;
        params.push((key, value));
        rest = next;
    }
    let value = rest.strip_prefix(':')?;
    Some(Property {
        name,
        params,
        value,
    })
}

/// A name or parameter name: at least one letter, digit or `-`.
fn token(s: &str) -> Option<&str> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')).then_some(s)
}

/// A parameter's value(s) up to the next `;` or `:` outside quotes, and what
/// follows. A single quoted value loses its quotes; a list keeps them.
fn param_value(s: &str) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b';' | b':' if !quoted => break,
            _ => {}
        }
        i += 1;
    }
    if quoted || i == bytes.len() {
        return None;
    }
    let value = &s[..i];
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|v| !v.contains('"'))
        .unwrap_or(value);
    Some((unquoted, &s[i..]))
}

/// A TEXT value unescaped (§3.3.11): `\\`, `\;`, `\,` and `\n` or `\N`.
/// Any other backslash is kept, as lenient readers do.
pub fn unescape_text(value: &str) -> Cow<'_, str> {
    if !value.contains('\\') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(e @ ('\\' | ';' | ',')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(usize, String)> {
        lines(text).map(|(n, l)| (n, l.into_owned())).collect()
    }

    // Test that folds with a space or a tab, after CRLF or LF, are removed,
    // and that each line keeps the number it starts on.
    #[test]
    fn unfolds() {
        assert_eq!(
            all("A:1\r\nB:lo\r\n ng\r\n\r\nC:x\n\ty\n z\nD:2"),
            vec![
                (1, "A:1".into()),
                (2, "B:long".into()),
                (5, "C:xyz".into()),
                (8, "D:2".into()),
            ]
        );
    }

    // Test that folding then unfolding gives the line back, escapes and
    // multi-byte characters included.
    #[test]
    fn reads_what_we_write() {
        let line = format!("DESCRIPTION:{}", "å🎓x\\n\\,".repeat(30));
        let mut folded = String::new();
        crate::ics::fold_into(&line, &mut folded);
        assert_eq!(all(&folded), vec![(1, line)]);
    }

    // Test that names, parameters (quoted or not) and values split as §3.1 says.
    #[test]
    fn splits_properties() {
        let p = property("DTSTART;TZID=Europe/Stockholm:20201019T150000").expect("line");
        assert_eq!(p.name, "DTSTART");
        assert_eq!(p.params, vec![("TZID", "Europe/Stockholm")]);
        assert_eq!(p.value, "20201019T150000");
        let p = property("X-A;P=\"a:b;c\";Q=1,2:v:w;x").expect("line");
        assert_eq!(p.params, vec![("P", "a:b;c"), ("Q", "1,2")]);
        assert_eq!(p.value, "v:w;x");
        assert_eq!(property("uid:").map(|p| p.value), Some(""));
        assert_eq!(property("  UID:a").map(|p| p.name), Some("UID"));
        for bad in [
            "no colon",
            "<html>:x",
            ":x",
            "A;P:x",
            "A;P=\"open:x",
            "A;=1:x",
        ] {
            assert_eq!(property(bad), None, "{bad}");
        }
    }

    // Test that TEXT unescaping undoes our escaping.
    #[test]
    fn unescapes_what_we_escape() {
        let text = "a,b;c\\d\ne";
        assert_eq!(unescape_text(&crate::ics::escape_text(text)), text);
        assert_eq!(unescape_text("x\\N\\qy\\"), "x\n\\qy\\");
        assert!(matches!(unescape_text("plain"), Cow::Borrowed("plain")));
    }
}
