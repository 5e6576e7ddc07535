//! Writing iCalendar content lines (RFC 5545 §3.1): escaping, folding, CRLF;
//! [`read`] reads them back.
//!
//! We write lines ourselves instead of through the `icalendar` crate's
//! serializer because, as of 0.17, it folds in the middle of an escape such as
//! `\n` (Google then drops events), escapes the commas that separate
//! CATEGORIES, leaves NAME unescaped, and adds a clock DTSTAMP and a random
//! UID to any component lacking them, VTIMEZONE included. `tests/cli/icalendar_traps.rs`
//! shows each of these and that our output avoids it.

use std::fmt::Write as _;

pub mod read;

/// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
pub const MAX_LINE_OCTETS: usize = 75;

/// An iCalendar document being written.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    /// The current line before folding, reused to save an allocation a line.
    line: String,
    /// Lines as they are read back: unfolded, each ended by `\n`. An event's
    /// content is rendered once in this form, compared with the published
    /// event's (which [`read`] gives in the same form) and then written with
    /// [`Writer::line`].
    unfolded: bool,
}

impl Writer {
    /// An empty document.
    pub fn new() -> Self {
        Writer::default()
    }

    /// An empty list of unfolded content lines, each ended by `\n`.
    pub fn unfolded() -> Self {
        Writer {
            unfolded: true,
            ..Writer::default()
        }
    }

    /// A content line made by an unfolded writer, written as this writer
    /// writes lines.
    pub fn line(&mut self, line: &str) {
        self.push(line);
    }

    /// `BEGIN:<name>`.
    pub fn begin(&mut self, component: &str) {
        self.raw("BEGIN", component);
    }

    /// `END:<name>`.
    pub fn end(&mut self, component: &str) {
        self.raw("END", component);
    }

    /// A property whose value is TEXT (§3.3.11): escaped.
    pub fn text(&mut self, name: &str, value: &str) {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        line.push_str(name);
        line.push(':');
        escape_text_into(value, &mut line);
        self.push(&line);
        self.line = line;
    }

    /// A property whose value needs no escaping (dates, URIs, enumerations).
    pub fn raw(&mut self, name: &str, value: &str) {
        self.param(name, &[], value);
    }

    /// A property with parameters and a value that needs no escaping.
    pub fn param(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        line.push_str(name);
        for (key, val) in params {
            let _ = write!(line, ";{key}={}", param_value(val));
        }
        line.push(':');
        line.push_str(strip_controls(value).as_ref());
        self.push(&line);
        self.line = line;
    }

    fn push(&mut self, line: &str) {
        if self.unfolded {
            self.out.push_str(line);
            self.out.push('\n');
        } else {
            fold_into(line, &mut self.out);
            self.out.push_str("\r\n");
        }
    }

    /// The finished document.
    pub fn finish(self) -> String {
        self.out
    }
}

/// TEXT escaping (§3.3.11): backslash, semicolon, comma and line breaks;
/// other control characters are not allowed in TEXT and are dropped.
///
/// Runs of ordinary text are copied whole; only the bytes that need work
/// are looked at one by one (this is the hot loop of a large build).
pub fn escape_text_into(value: &str, out: &mut String) {
    let bytes = value.as_bytes();
    let mut run = 0; // start of the pending run of ordinary text
    let mut i = 0;
    while i < bytes.len() {
        // Skip ordinary bytes in a tight loop; look closer only at the rest.
        while i < bytes.len() && !ATTENTION[bytes[i] as usize] {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let (replacement, skip): (&str, usize) = match b {
            b'\\' => ("\\\\", 1),
            b';' => ("\\;", 1),
            b',' => ("\\,", 1),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => ("\\n", 2),
            b'\r' | b'\n' => ("\\n", 1),
            b'\t' => {
                i += 1;
                continue;
            }
            0..=0x1f | 0x7f => ("", 1),
            // C1 controls, U+0080 to U+009F, are two bytes: C2 80..9F.
            0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => ("", 2),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&value[run..i]);
        out.push_str(replacement);
        i += skip;
        run = i;
    }
    out.push_str(&value[run..]);
}

/// Bytes `escape_text_into` must look at: controls, `\\`, `;`, `,`, DEL,
/// and 0xC2, which starts the two-byte C1 controls.
const ATTENTION: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'\\' as usize] = true;
    t[b';' as usize] = true;
    t[b',' as usize] = true;
    t[0x7f] = true;
    t[0xc2] = true;
    t
};

/// TEXT escaping into a new string.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_text_into(value, &mut out);
    out
}

/// A parameter value (§3.2): quoted when it holds `:`, `;` or `,`; a DQUOTE
/// cannot appear at all, so it is dropped along with control characters.
fn param_value(v: &str) -> std::borrow::Cow<'_, str> {
    let needs_work = v
        .chars()
        .any(|c| matches!(c, '"' | ':' | ';' | ',') || c.is_control());
    if !needs_work {
        return v.into();
    }
    let clean: String = v.chars().filter(|&c| c != '"' && !c.is_control()).collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"").into()
    } else {
        clean.into()
    }
}

/// Non-TEXT values come from our own formatting or from the URL parser, but a
/// stray line break must still never start a new content line.
fn strip_controls(v: &str) -> std::borrow::Cow<'_, str> {
    if v.chars().any(char::is_control) {
        v.chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .into()
    } else {
        v.into()
    }
}

/// Fold `line` at 75 octets (§3.1). A fold never splits a UTF-8 character or
/// a backslash escape: some clients unescape before unfolding, and Google
/// dropped events whose `\n` was split across a fold.
pub fn fold_into(line: &str, out: &mut String) {
    let bytes = line.as_bytes();
    let mut start = 0;
    let mut limit = MAX_LINE_OCTETS;
    while bytes.len() - start > limit {
        let mut cut = start + limit;
        // Back off to a character boundary...
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        // ...and off the middle of an escape: an odd run of backslashes
        // before the cut means its last one escapes the next character.
        let backslashes = bytes[start..cut]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 1 {
            cut -= 1;
        }
        out.push_str(&line[start..cut]);
        out.push_str("\r\n ");
        start = cut;
        // A continuation line's leading space counts toward its 75 octets.
        limit = MAX_LINE_OCTETS - 1;
    }
    out.push_str(&line[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        fold_into(line, &mut out);
        out
    }

    // Test that TEXT escaping covers every special character of §3.3.11.
    #[test]
    fn escapes_text() {
        assert_eq!(
            escape_text("a,b;c\\d\ne\r\nf\rg"),
            "a\\,b\\;c\\\\d\\ne\\nf\\ng"
        );
        assert_eq!(escape_text("bell\u{7}tab\t"), "belltab\t");
        assert_eq!(escape_text("c1\u{85}\u{9f}ok\u{a0}"), "c1ok\u{a0}");
        assert_eq!(escape_text("Övning 🎓: \"x\""), "Övning 🎓: \"x\"");
    }

    // Test that folded lines are at most 75 octets and unfold to the original.
    #[test]
    fn folds_at_75_octets() {
        let line = format!("DESCRIPTION:{}", "å🎓x\\n".repeat(40));
        let out = folded(&line);
        for l in out.split("\r\n") {
            assert!(l.len() <= MAX_LINE_OCTETS, "{} octets: {l}", l.len());
        }
        assert_eq!(out.replace("\r\n ", ""), line);
    }

    // Test that no fold falls inside an escape sequence, at every alignment.
    #[test]
    fn never_splits_an_escape() {
        for pad in 0..80 {
            let line = format!("X:{}{}", "a".repeat(pad), "\\n\\,\\;\\\\".repeat(30));
            let out = folded(&line);
            for l in out.split("\r\n") {
                let body = l.strip_prefix(' ').unwrap_or(l);
                let trailing = body.chars().rev().take_while(|&c| c == '\\').count();
                assert_eq!(trailing % 2, 0, "fold splits an escape at pad {pad}: {l:?}");
            }
            assert_eq!(out.replace("\r\n ", ""), line);
        }
    }

    // Test that unfolded lines, written again, are the lines written folded.
    #[test]
    fn unfolded_lines_write_as_folded_ones() {
        let text = format!("x{}", "å🎓\\n".repeat(30));
        let mut folded = Writer::new();
        let mut unfolded = Writer::unfolded();
        for w in [&mut folded, &mut unfolded] {
            w.text("SUMMARY", &text);
            w.param(
                "DTSTART",
                &[("TZID", "Europe/Stockholm")],
                "20201019T150000",
            );
        }
        let unfolded = unfolded.finish();
        assert_eq!(unfolded.lines().count(), 2);
        let mut again = Writer::new();
        unfolded.lines().for_each(|l| again.line(l));
        assert_eq!(again.finish(), folded.finish());
    }

    // Test that lines end in CRLF and that parameters are quoted when needed.
    #[test]
    fn writes_crlf_and_quotes_params() {
        let mut w = Writer::new();
        w.param(
            "DTSTART",
            &[("TZID", "America/Argentina/Buenos_Aires")],
            "20200101T100000",
        );
        w.param("X", &[("P", "a:b\"c")], "v\r\nBEGIN:VEVENT");
        let out = w.finish();
        assert_eq!(
            out,
            "DTSTART;TZID=America/Argentina/Buenos_Aires:20200101T100000\r\nX;P=\"a:bc\":vBEGIN:VEVENT\r\n"
        );
    }
}
