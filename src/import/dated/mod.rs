//! Dated sessions on any page: headings, table rows and list items that
//! carry a date, in the shapes courses really use (see docs/importing.md).
//!
//! Precision before recall: a date is imported only when the page settles
//! it. Which of `3/4`'s numbers is the month, which year a date without
//! one is in, whether a weekday beside it contradicts it: each is decided
//! by the page as a whole (or by an option), and when nothing decides it
//! the import stops at the page's line and says which option settles it.

use chrono::{NaiveDate, NaiveTime, Weekday};

use super::blocks::{inline, Block, Blocks, Shape};
use super::clock::time_ranges;
use super::dates::{find_dates, month_of, weekday_of, weekdays, Mention, Order};
use super::found::PageSession;
use crate::error::Problem;

mod roles;
mod rows;
mod sessions;
mod times;
mod years;

use roles::{is_deadline, is_no_class};
use rows::from_row;

/// What the command line says that the page may not.
#[derive(Debug, Clone, Default)]
pub(super) struct Given {
    /// `--year`: the year of the first dated session on the page.
    pub(super) year: Option<i32>,
    /// The year the page's title, front matter or introduction names.
    pub(super) page_year: Option<(i32, String)>,
    /// `--start` and `--end`.
    pub(super) times: Option<(NaiveTime, NaiveTime)>,
    /// `--url`, the base of relative links.
    pub(super) url: Option<url::Url>,
}

/// What the page holds besides its sessions.
#[derive(Debug, Default)]
pub(super) struct Dated {
    pub(super) sessions: Vec<PageSession>,
    /// Days without class: date, what the page calls it.
    pub(super) holidays: Vec<(NaiveDate, String)>,
    /// Dated items that are due, not met: date, title.
    pub(super) deadlines: Vec<(NaiveDate, String)>,
    /// Warnings, each at a line of the page.
    pub(super) warnings: Vec<(usize, Problem)>,
    /// What the import took from the page for all sessions, to check.
    pub(super) notes: Vec<(usize, Problem)>,
}

/// A stop at a line of the page.
pub(super) type Stop = (usize, Problem);

pub(super) fn problem(message: String, hint: Option<String>) -> Problem {
    Problem::Import { message, hint }
}

/// What a dated block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Session,
    Holiday,
    Deadline,
}

/// A block with one date, before its year and order are settled.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) line: usize,
    pub(super) mention: Mention,
    /// A month heading's year (`#### septiembre 2025`) in force here.
    pub(super) heading_year: Option<i32>,
    /// Weekdays written beside the date.
    pub(super) weekdays: Vec<Weekday>,
    pub(super) role: Role,
    /// The text it says, for the title: the topic or the whole heading.
    pub(super) title: String,
    /// What comes before the date in a heading or item (`Lecture 1`).
    pub(super) lead: String,
    pub(super) links: Vec<(String, String)>,
    /// Readings: a title and its link, if any.
    pub(super) readings: Vec<(String, Option<String>)>,
    /// More days in a row's date cell (`Sep 8, Sep 10`), each a session.
    pub(super) also: Vec<Mention>,
    pub(super) time: Option<(NaiveTime, Option<NaiveTime>)>,
    pub(super) cancelled: bool,
    pub(super) date: Option<NaiveDate>,
    /// The line under a heading, its topic when the heading gives none.
    pub(super) body: Option<String>,
}

/// The page's blocks read for dated sessions.
pub(super) fn read(blocks: &Blocks, given: &Given) -> Result<Dated, Stop> {
    let mut out = Dated::default();
    let candidates = candidates(blocks, &mut out);
    let mut candidates = years::settle(candidates, given, &mut out)?;
    times::settle(&mut candidates, blocks, given, &mut out)?;
    sessions::into_sessions(candidates, given, &mut out);
    Ok(out)
}

/// The dated blocks of the page, in order.
fn candidates(blocks: &Blocks, out: &mut Dated) -> Vec<Candidate> {
    let mut found = Vec::new();
    let mut heading_year: Option<i32> = None;
    // The row above, for rows that give only a day (`| | 19 |`).
    let mut row_above: Option<(usize, u32, Mention)> = None;
    let list = &blocks.blocks;
    for (i, block) in list.iter().enumerate() {
        if !matches!(block.shape, Shape::Row { .. }) {
            row_above = None;
        }
        let candidate = match block.shape {
            Shape::Heading(level) => {
                let text = inline(&block.cells[0]);
                if let Some(year) = month_heading(&text.text) {
                    heading_year = Some(year);
                    continue;
                }
                if level <= 2 && find_dates(&text.text).is_empty() && heading_year.is_some() {
                    // A section heading ends the month a month heading began.
                    heading_year = None;
                }
                from_text(block, &text.text, text.links, true).map(|mut c| {
                    c.body = body_line(list, i);
                    c.readings = readings_under(list, i);
                    c
                })
            }
            Shape::Item(_) => {
                let text = inline(&block.cells[0]);
                from_text(block, &text.text, text.links, false)
            }
            Shape::Row { header } => {
                let header = header.and_then(|h| blocks.headers.get(h));
                let Some(mut c) = from_row(block, header, &mut row_above) else {
                    continue;
                };
                // `Sep 8, Sep 10` in one cell: a session on each day.
                c.heading_year = heading_year;
                let also = std::mem::take(&mut c.also);
                let more: Vec<Candidate> = also
                    .into_iter()
                    .map(|mention| Candidate {
                        mention,
                        ..c.clone()
                    })
                    .collect();
                found.push(c);
                found.extend(more);
                continue;
            }
            Shape::Line => from_line(block),
        };
        if let Some(mut c) = candidate {
            c.heading_year = heading_year;
            found.push(c);
        }
    }
    let _ = out;
    found
}

/// A paragraph's line: a session when it starts with its date, a day
/// without class when it names one (`_(No lecture on Thursday, March 16)_`).
fn from_line(block: &Block) -> Option<Candidate> {
    let text = inline(&block.cells[0]);
    let dates = find_dates(&text.text);
    if starts_with_date(&text.text) {
        from_text(block, &text.text, text.links, false)
    } else if dates.len() == 1 && is_no_class(&text.text) {
        Some(Candidate {
            line: block.line,
            mention: dates[0],
            heading_year: None,
            weekdays: weekdays(&text.text[..dates[0].at]),
            role: Role::Holiday,
            title: text.text.trim_matches(['(', ')', '_', ' ']).to_owned(),
            lead: String::new(),
            links: Vec::new(),
            time: None,
            cancelled: false,
            date: None,
            body: None,
            readings: Vec::new(),
            also: Vec::new(),
        })
    } else {
        None
    }
}

/// Whether a paragraph's line is a session's: it starts with its date
/// (after a weekday, if any), and a colon or a dash follows (`**Sep 7** —
/// Intro`, `Tuesday, Sep 7: Intro`), or nothing.
fn starts_with_date(text: &str) -> bool {
    let Some(first) = find_dates(text).into_iter().next() else {
        return false;
    };
    let before_is_weekday = text[..first.at]
        .split_whitespace()
        .all(|w| weekday_of(w.trim_matches([',', '(', ')'])).is_some());
    let mut after = text[first.end..].trim_start_matches([',', ' ', ')']);
    if after.starts_with('(') {
        // `(화)`, `(Mon)`: a weekday in any language.
        after = after
            .split_once(')')
            .map_or("", |(_, rest)| rest.trim_start());
    }
    if let Some((word, rest)) = after.split_once([' ', ':', ',']) {
        if weekday_of(word.trim_end_matches(')')).is_some() {
            after = rest.trim_start_matches([',', ' ', ')']);
        }
    } else if weekday_of(after).is_some() {
        after = "";
    }
    before_is_weekday && (after.is_empty() || after.starts_with([':', '-', '–', '—', '|']))
}

/// `septiembre 2025`, `October 2020`: a heading that names a month and
/// its year, and no day.
fn month_heading(text: &str) -> Option<i32> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [m, y] | [m, "de", y] => {
            month_of(m)?;
            y.parse().ok().filter(|y| (1900..2200).contains(y))
        }
        _ => None,
    }
}

/// The first line of text under a heading, before the next block of
/// another shape.
fn body_line(list: &[Block], heading: usize) -> Option<String> {
    let next = list.get(heading + 1)?;
    (next.shape == Shape::Line).then(|| inline(&next.cells[0]).text)
}

/// Labels of reading lists, in the page's languages.
const READING_LABELS: &[&str] = &[
    "reading",
    "readings",
    "required reading",
    "optional reading",
    "lecturas",
    "lectura",
    "leitura",
    "leituras",
    "lektüre",
    "literatur",
    "lectures",
    "lecture obligatoire",
];

/// The readings in the lines under a heading, up to the next heading:
/// each link of a line labelled `Reading:` (or the line's text, when it
/// has no link).
fn readings_under(list: &[Block], heading: usize) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for b in list[heading + 1..]
        .iter()
        .take_while(|b| !matches!(b.shape, Shape::Heading(_)))
    {
        let line = inline(&b.cells[0]);
        let Some((label, rest)) = line.text.split_once(':') else {
            continue;
        };
        if !READING_LABELS.contains(&label.trim().to_lowercase().as_str()) {
            continue;
        }
        if line.links.is_empty() {
            if !rest.trim().is_empty() {
                out.push((rest.trim().to_owned(), None));
            }
        } else {
            out.extend(line.links.into_iter().map(|(t, href)| (t, Some(href))));
        }
    }
    out
}

/// A heading or list item with a date near its start.
fn from_text(
    block: &Block,
    text: &str,
    links: Vec<(String, String)>,
    heading: bool,
) -> Option<Candidate> {
    let dates = find_dates(text);
    let first = *dates.first()?;
    if !the_date_of_its_block(text, &dates) {
        return None;
    }
    let cancelled = text.contains("~~") || text.to_lowercase().contains("cancel");
    let no_class = is_no_class(text);
    let (lead, rest) = lead_and_rest(text, first);
    let rest = rest.as_str();
    let title = if heading {
        // A heading's own words are its title, the date taken out.
        match (lead.is_empty(), rest.is_empty()) {
            (false, false) => format!("{lead}: {rest}"),
            (false, true) => lead.to_owned(),
            _ => rest.to_owned(),
        }
    } else {
        rest.to_owned()
    };
    // Weekdays beside the date: up to the text's first `: ` after it, or
    // the next few characters.
    let near = text
        .find(": ")
        .filter(|&c| c > first.end)
        .unwrap_or_else(|| floor_boundary(text, first.end + 16));
    let lead_weekdays = weekdays(&text[..near]);
    let role = if no_class {
        Role::Holiday
    } else if is_deadline(rest) || (!heading && is_deadline(&title)) {
        Role::Deadline
    } else {
        Role::Session
    };
    let time = time_ranges(text).first().map(|r| (r.start, r.end));
    let (readings, also) = (Vec::new(), Vec::new());
    Some(Candidate {
        line: block.line,
        mention: first,
        heading_year: None,
        weekdays: lead_weekdays,
        role,
        title,
        lead: lead.trim().to_owned(),
        links,
        time,
        cancelled,
        date: None,
        body: None,
        readings,
        also,
    })
}

/// Whether the first date of a heading or item is the block's date: not
/// deep in a sentence, not the date a page was updated, not a week's first
/// day (`## Week 3 (Sep 13)`), not a range of days (`Sep 13 - Sep 17`).
fn the_date_of_its_block(text: &str, dates: &[Mention]) -> bool {
    let first = dates[0];
    let before = &text[..first.at];
    let stamp = [
        "updated",
        "update",
        "as of",
        "posted",
        "revised",
        "actualizado",
        "atualizado",
        "stand",
    ];
    let lower = before.to_lowercase();
    if before.split_whitespace().count() > 4 || stamp.iter().any(|w| lower.contains(w)) {
        return false;
    }
    let week = ["week", "wk", "semana", "woche", "semaine", "settimana"];
    let first_word = lower.split_whitespace().next();
    if first_word.is_some_and(|w| week.contains(&w.trim_end_matches([':', '.', ',']))) {
        return false;
    }
    let ranged = dates.len() > 1 && {
        let between = &text[first.end..dates[1].at];
        between.trim().len() <= 4
            && (between.contains('-')
                || between.contains("to")
                || between.contains('–')
                || between.contains("a"))
    };
    !ranged
}

/// What comes before the date, without a weekday or an opening
/// parenthesis (`Lecture 1: Thursday, ` and `Lecture 1 (` are `Lecture
/// 1`), and the text after the date, its weekday and its times
/// (`, Friday: Introduction`, ` (Mon) — Introduction`).
fn lead_and_rest(text: &str, first: Mention) -> (&str, String) {
    let before = &text[..first.at];
    let mut lead = before.trim_end_matches([' ', ',', ':', '(', '[']);
    if let Some((head, last)) = lead.rsplit_once([' ', ',', ':']).or(Some(("", lead))) {
        if weekday_of(last).is_some() {
            lead = head.trim_end_matches([' ', ',', ':', '(']);
        }
    }
    let mut after = &text[first.end..];
    if before.trim_end().ends_with('(') {
        // `Lecture 1 (Feb 6)`, `Julia tutorial (Feb 8: 5pm in 32-141) — optional`.
        after = after.split_once(')').map_or("", |(_, rest)| rest);
    }
    let mut after_weekday = after.trim_start_matches([',', ' ', ']']);
    if let Some((inside, rest)) = after_weekday
        .strip_prefix('(')
        .and_then(|a| a.split_once(')'))
    {
        if inside.chars().count() <= 12 {
            after_weekday = rest;
        }
    }
    let after_weekday = after_weekday.trim_start_matches([',', ' ', ')', '(']);
    let after_words: Vec<&str> = after_weekday.splitn(2, [':', ' ']).collect();
    let mut rest = after_weekday;
    if after_words
        .first()
        .is_some_and(|w| weekday_of(w.trim_end_matches([',', ')'])).is_some())
    {
        rest = after_words.get(1).copied().unwrap_or("");
    }
    let rest = without_times(rest);
    let rest = rest.trim_start_matches([':', ',', ')', ' ', '-', '–', '—', '.']);
    (lead, rest.to_owned())
}

/// Text without its time ranges (`, 14:15–15:45`), which become the
/// session's times, not its title.
pub(super) fn without_times(text: &str) -> String {
    let mut out = String::new();
    let mut from = 0;
    for r in time_ranges(text) {
        out.push_str(&text[from..r.at]);
        from = r.to;
    }
    out.push_str(&text[from..]);
    let out = out.trim().trim_end_matches([',', '-', '–', '@']).trim();
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The largest character boundary of `text` at or before `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
