//! What a page says about itself (its front matter, the year its title or
//! introduction names, brackets nested too deep to import), and the one
//! error of a page without dated sessions: what import looked for, and
//! what it found instead.

use super::{blocks, dated, dates};
use crate::error::Problem;

/// No page nests brackets this deep; the schedule loader refuses YAML
/// that does (see load/guards.rs), so the page is refused at its line.
pub(super) const MAX_BRACKET_DEPTH: usize = 64;

/// The line and column where brackets first nest past [`MAX_BRACKET_DEPTH`].
pub(super) fn too_deep(lines: &[&str]) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (n, line) in lines.iter().enumerate() {
        for (column, c) in line.chars().enumerate() {
            match c {
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_BRACKET_DEPTH {
                        return Some((n + 1, column + 1));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// The year a page names for itself: in its front matter's title, its
/// first heading, or a term in its introduction (`Spring 2019`), with
/// where it was found.
pub(super) fn page_year(
    front_matter: Option<&str>,
    blocks: &blocks::Blocks,
) -> Option<(i32, String)> {
    let year_in = |text: &str| {
        text.split(|c: char| !c.is_ascii_digit())
            .filter(|w| w.len() == 4)
            .filter_map(|w| w.parse::<i32>().ok())
            .find(|y| (1990..2100).contains(y))
    };
    if let Some(y) = front_matter_value(front_matter, "title")
        .as_deref()
        .and_then(year_in)
    {
        return Some((y, "the front matter's title".into()));
    }
    const TERMS: &[&str] = &[
        "spring",
        "fall",
        "autumn",
        "summer",
        "winter",
        "semester",
        "term",
        "ht",
        "vt",
        "semestre",
        "wintersemester",
        "sommersemester",
        "ws",
        "ss",
        "printemps",
        "automne",
        "otoño",
        "primavera",
        "outono",
        "inverno",
        "invierno",
        "verano",
    ];
    for b in blocks.blocks.iter().take(40) {
        let text = blocks::inline(&b.cells.join(" ")).text;
        if !dates::find_dates(&text).is_empty() {
            break;
        }
        let heading = matches!(b.shape, blocks::Shape::Heading(1));
        let words: Vec<&str> = text.split_whitespace().collect();
        for pair in words.windows(2) {
            let term = pair[0]
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            let year = year_in(pair[1].trim_matches(|c: char| !c.is_alphanumeric()));
            if let (Some(y), true) = (year, heading || TERMS.contains(&term.as_str())) {
                let place = if heading { "the title at line" } else { "line" };
                return Some((y, format!("{place} {}", b.line)));
            }
        }
        if heading {
            if let Some(y) = year_in(&text) {
                return Some((y, format!("the title at line {}", b.line)));
            }
        }
    }
    None
}

/// The one error of a page without dated sessions: what import looked
/// for, and what it found instead.
pub(super) fn nothing_found(
    text: &str,
    blocks: &blocks::Blocks,
    found: &dated::Dated,
) -> (usize, Problem) {
    let looked = "looked for headings, table rows and list items that start with a date (`## Lecture 1 (Sep 7)`, `| 9/6/22 | ... |`, `* Aug 24th, Friday: ...`)";
    let (line, what, hint) = if let Some((line, source)) = &blocks.liquid_data {
        (
            *line,
            format!("a Liquid loop over {source}"),
            format!(
                "import the data file instead: `_data/{}.yml` (or .json, .csv) holds the schedule",
                source.trim_start_matches("site.data.")
            ),
        )
    } else if let Some(at) = text.find("<!--").filter(|&at| {
        let end = text[at..].find("-->").map_or(text.len(), |e| at + e);
        !dates::find_dates(&text[at..end]).is_empty()
    }) {
        (
            text[..at].matches('\n').count() + 1,
            "dates only inside HTML comments, which the page does not show".into(),
            "take the sessions out of the comment if they are meant".into(),
        )
    } else if !found.holidays.is_empty() || !found.deadlines.is_empty() {
        (
            0,
            format!(
                "{} days without class and {} deadlines, but no session",
                found.holidays.len(),
                found.deadlines.len()
            ),
            "write the YAML's sessions by hand, or as a pattern (see README)".into(),
        )
    } else {
        let count =
            |f: fn(&blocks::Shape) -> bool| blocks.blocks.iter().filter(|b| f(&b.shape)).count();
        let headings = count(|s| matches!(s, blocks::Shape::Heading(_)));
        let rows = count(|s| matches!(s, blocks::Shape::Row { .. }));
        let items = count(|s| matches!(s, blocks::Shape::Item(_)));
        (
            0,
            format!(
                "{}, {} and {}, none with a date",
                plural(headings, "heading"),
                plural(rows, "table row"),
                plural(items, "list item")
            ),
            "add the dates to the page, or write the YAML by hand (see README)".into(),
        )
    };
    let problem = Problem::Import {
        message: format!("no dated sessions found: {looked}; found {what}"),
        hint: Some(hint),
    };
    (line, problem)
}

/// The front matter, between two `---` lines at the top, and the index of
/// the first line after it.
pub(super) fn front_matter(lines: &[&str]) -> (Option<String>, usize) {
    if lines.first().map(|l| l.trim_end()) == Some("---") {
        if let Some(end) = lines.iter().skip(1).position(|l| l.trim_end() == "---") {
            let body = &lines[1..=end];
            return (
                Some(body.iter().map(|l| format!("{l}\n")).collect()),
                end + 2,
            );
        }
    }
    (None, 0)
}

/// A value of the front matter, `title: Schedule` -> `Schedule`.
pub(super) fn front_matter_value(front_matter: Option<&str>, key: &str) -> Option<String> {
    front_matter?.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().trim_matches(['"', '\'']).to_owned())
    })
}

fn plural(n: usize, word: &str) -> String {
    match n {
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    }
}
