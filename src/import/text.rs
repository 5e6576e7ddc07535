//! The text of a page: Markdown escapes, labels, list items and links.

use super::found::{OutLink, OutReading, PageSession};

/// Markdown text as a reader sees it: a backslash before ASCII punctuation
/// is an escape, and character references (`&lt;`, `&#123;`, `&#x7B;`)
/// stand for their character; what the page renderer writes reads back as
/// the YAML's text. One pass, so the time is linear in the text.
pub(super) fn unescape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\\' {
            if let Some(next) = rest[1..].chars().next().filter(char::is_ascii_punctuation) {
                out.push(next);
                rest = &rest[2..];
                continue;
            }
        } else if c == '&' {
            if let Some((ch, len)) = entity(rest) {
                out.push(ch);
                rest = &rest[len..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The character a reference at the start of `s` stands for, and its length.
pub(super) fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.char_indices().take(12).find(|&(_, c)| c == ';')?.0;
    let name = &s[1..end];
    let ch = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((ch, end + 1))
}

pub(super) fn is_relative(href: &str) -> bool {
    url::Url::parse(href).is_err()
}

pub(super) fn is_separator(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "<br>" | "<br/>" | "<br />" | "<hr>" | "<hr/>" | "<hr />" | "---" | "***" | "___"
    )
}

/// A label line without heading marks and emphasis: `#### **Topic: X**`,
/// `**Topic:** X` and `_Topic:_ X` are all `Topic: X`.
pub(super) fn strip_label(line: &str) -> String {
    let l = line.trim_start_matches('#').trim();
    strip_emphasis(l).trim().to_owned()
}

/// Text without Markdown's emphasis marks (`**`, `__`, `*`, `_`), as
/// people put them anywhere in headings and labels: around the whole line,
/// around a label only, or around a word. A run of marks is emphasis only
/// where it opens or closes a word (CommonMark's flanking rule), so
/// `snake_case` and `2*3` stay; escaped marks (`\*`) and link targets
/// (`](/papers/a_b_.pdf)`) are left as written.
pub(super) fn strip_emphasis(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&next) = chars.get(i + 1) {
                out.push(next);
            }
            i += 2;
            continue;
        }
        if c == ']' && chars.get(i + 1) == Some(&'(') {
            // A link target, copied through its closing parenthesis.
            let end = chars[i..]
                .iter()
                .position(|&c| c == ')')
                .map_or(chars.len(), |p| i + p + 1);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c != '*' && c != '_' {
            out.push(c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&m| m == c).count();
        let before = i.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(i + run).copied();
        let open_side =
            |x: Option<char>| x.is_none_or(|x| x.is_whitespace() || x.is_ascii_punctuation());
        let word = |x: Option<char>| x.is_some_and(|x| !x.is_whitespace());
        let opens = open_side(before) && word(after);
        let closes = word(before) && open_side(after);
        if run > 3 || !(opens || closes) {
            out.extend(&chars[i..i + run]);
        }
        i += run;
    }
    out
}

/// The text after `Name:` when the line is that label.
pub(super) fn label<'a>(text: &'a str, names: &[&str]) -> Option<&'a str> {
    let (head, rest) = text.split_once(':')?;
    names
        .iter()
        .any(|n| head.trim().eq_ignore_ascii_case(n))
        .then(|| rest.trim())
}

/// A reading-list label: Some(true) for optional reading, Some(false) for
/// required or plain reading, None for anything else.
pub(super) fn readings_label(text: &str) -> Option<bool> {
    let t = text.trim_end_matches(':').trim().to_ascii_lowercase();
    let t = t.strip_prefix("required ").unwrap_or(&t);
    if let Some(rest) = t.strip_prefix("optional ") {
        return matches!(
            rest,
            "reading" | "readings" | "reading material" | "reading materials"
        )
        .then_some(true);
    }
    matches!(
        t,
        "reading material" | "reading materials" | "readings" | "reading" | "reading list"
    )
    .then_some(false)
}

pub(super) fn list_item(line: &str) -> Option<&str> {
    line.strip_prefix("* ")
        .or_else(|| line.strip_prefix("- "))
        .map(str::trim)
}

pub(super) fn heading_name(s: &PageSession) -> String {
    match s.number {
        Some(n) => format!("{} {n}", s.kind),
        None => s.kind.clone(),
    }
}

/// The next place of a pattern at or after a position that only grows:
/// each search resumes where the last one found its match, so scanning a
/// line for many openings stays linear (a line of 100,000 `[` took minutes
/// when every `[` searched the rest of the line anew).
pub(super) struct Next<'a> {
    pub(super) hay: &'a str,
    pub(super) pattern: &'a str,
    pub(super) found: Option<Option<usize>>,
}

impl<'a> Next<'a> {
    fn new(hay: &'a str, pattern: &'a str) -> Self {
        Next {
            hay,
            pattern,
            found: None,
        }
    }

    fn at_or_after(&mut self, from: usize) -> Option<usize> {
        match self.found {
            Some(None) => None,
            Some(Some(at)) if at >= from => Some(at),
            _ => {
                let at = self.hay[from..].find(self.pattern).map(|i| i + from);
                self.found = Some(at);
                at
            }
        }
    }
}

/// Markdown links in `s`, `[[label](href)]` or `[label](href)`, and the text
/// without them. Linear in the length of `s`.
pub(super) fn take_links(s: &str) -> (String, Vec<(String, String)>) {
    let mut rest = String::new();
    let mut links = Vec::new();
    let (mut closes, mut parens) = (Next::new(s, "]("), Next::new(s, ")"));
    let mut pos = 0;
    while let Some(open) = s[pos..].find('[').map(|i| i + pos) {
        if open > 0 && s.as_bytes()[open - 1] == b'\\' {
            // An escaped bracket is text, as the page writes it.
            rest.push_str(&s[pos..=open]);
            pos = open + 1;
            continue;
        }
        let double = s[open..].starts_with("[[");
        let label_start = open + if double { 2 } else { 1 };
        let parsed = closes.at_or_after(label_start).and_then(|close| {
            let href_start = close + 2;
            let href_end = parens.at_or_after(href_start)?;
            let mut end = href_end + 1;
            if double {
                if !s[end..].starts_with(']') {
                    return None;
                }
                end += 1;
            }
            Some((
                s[label_start..close].to_owned(),
                s[href_start..href_end].to_owned(),
                end,
            ))
        });
        match parsed {
            Some((label, href, end)) => {
                rest.push_str(&s[pos..open]);
                links.push((label, href));
                pos = end;
            }
            None => {
                rest.push_str(&s[pos..=open]);
                pos = open + 1;
            }
        }
    }
    rest.push_str(&s[pos..]);
    (rest, links)
}

/// One reading: `Title [[pdf](url)] [[slides](url)]`, `[Title](url)` or plain `Title`.
pub(super) fn parse_reading(item: &str) -> OutReading {
    let (text, links) = take_links(item);
    let title = unescape_html(text.trim());
    if title.is_empty() {
        // The whole item was one link: its text is the title.
        if let Some((label, href)) = links.first() {
            return OutReading {
                title: label.clone(),
                url: Some(href.clone()),
                links: None,
                optional: None,
            };
        }
    }
    let mut links = links.into_iter();
    let url = links.next().map(|(_, href)| href);
    let more: Vec<OutLink> = links.map(|(label, url)| OutLink { label, url }).collect();
    OutReading {
        title,
        url,
        links: (!more.is_empty()).then_some(more),
        optional: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that links are found among many unmatched brackets: the scan
    // resumes where it last found `](` or `)`, so this line of 200,000
    // brackets is read in one pass (it took minutes when each `[` searched
    // the rest of the line).
    #[test]
    fn links_among_many_brackets() {
        let line = format!(
            "[[pdf](/a.pdf)] {}{}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (rest, links) = take_links(&line);
        assert_eq!(links, vec![("pdf".to_owned(), "/a.pdf".to_owned())]);
        assert_eq!(rest.len(), 200_001);
        let (_, links) = take_links("[a](x) [[b](y)] \\[c](z) [d](w");
        assert_eq!(
            links,
            vec![("a".into(), "x".into()), ("b".into(), "y".into())],
            "an escaped bracket is text, and so is a link left open"
        );
    }

    // Test that emphasis goes wherever people put it, and that marks inside
    // words, escaped marks and link targets stay.
    #[test]
    fn emphasis_is_stripped_where_it_is_emphasis() {
        for (page, text) in [
            (
                "**Module 1: Fundamental of ML**",
                "Module 1: Fundamental of ML",
            ),
            (
                "**Lecture Session:** Sep. 28, 15:00-17:00",
                "Lecture Session: Sep. 28, 15:00-17:00",
            ),
            ("__Topic: X__", "Topic: X"),
            ("*Topic:* an _important_ one", "Topic: an important one"),
            ("***Required Reading***", "Required Reading"),
            (
                "snake_case and 2*3 and a * b",
                "snake_case and 2*3 and a * b",
            ),
            ("\\*not\\* emphasis", "\\*not\\* emphasis"),
            (
                "**A** [[pdf](/papers/a_b_.pdf)] _c_",
                "A [[pdf](/papers/a_b_.pdf)] c",
            ),
        ] {
            assert_eq!(strip_emphasis(page), text, "{page}");
        }
        assert_eq!(
            strip_label("#### **Optional Reading** "),
            "Optional Reading"
        );
    }

    // Test that what the page renderer escapes reads back as written, and
    // that other backslashes and ampersands are left alone.
    #[test]
    fn unescapes_what_the_page_escapes() {
        let original = "{{ x }} {% y %} *a*{: b} $$c$$ a_b `d` [e] |f| ~g~ <h> & \\ 2020. # i";
        let page = crate::page::text(original);
        assert_ne!(page, original);
        assert_eq!(unescape_html(&page), original);
        assert_eq!(
            unescape_html("a \\ b & c &unknown; &#x7B;&#125;"),
            "a \\ b & c &unknown; {}"
        );
    }
}
