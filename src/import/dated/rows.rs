//! A table row as a session: its date cell (the header's date column, or
//! the first cell that starts with a date, or only a day under the row
//! above), its topic, readings and links, and its role.

use crate::import::blocks::Inline;

use super::roles::{
    header_index, is_deadline, is_no_class, DATE_HEADERS, READING_HEADERS, TOPIC_HEADERS,
};
use super::{
    find_dates, inline, time_ranges, weekday_of, weekdays, without_times, Block, Candidate,
    Mention, Order, Role,
};

/// A table row with a date in its date cell.
pub(super) fn from_row(
    block: &Block,
    header: Option<&Vec<String>>,
    above: &mut Option<(usize, u32, Mention)>,
) -> Option<Candidate> {
    let cells: Vec<Inline> = block.cells.iter().map(|c| inline(c)).collect();
    let header_date = header.and_then(|h| header_index(h, DATE_HEADERS));
    let topic_col = header.and_then(|h| header_index(h, TOPIC_HEADERS));
    let (col, mention) = date_cell(&cells, header_date, *above)?;
    if mention.order == Order::Known {
        *above = Some((col, mention.first, mention));
    }
    let date_text = &cells[col].text;
    let also = more_days(date_text);
    let mut days = weekdays(date_text);
    for (n, c) in cells.iter().enumerate() {
        if n != col && c.text.split_whitespace().count() == 1 {
            if let Some(d) = weekday_of(c.text.trim()) {
                days.push(d);
            }
        }
    }
    let topic = topic(&cells, col, topic_col);
    let all: String = cells
        .iter()
        .enumerate()
        .filter(|(n, _)| *n != col)
        .map(|(_, c)| c.text.as_str())
        .collect::<Vec<_>>()
        .join(" | ");
    let spans = block.spans.iter().any(|&s| s);
    let role = if cells
        .iter()
        .enumerate()
        .any(|(n, c)| n != col && is_no_class(&c.text))
    {
        Role::Holiday
    } else if is_deadline(&topic) || spans {
        Role::Deadline
    } else {
        Role::Session
    };
    let reading_col = header.and_then(|h| header_index(h, READING_HEADERS));
    let (readings, links) = readings_and_links(&cells, col, reading_col);
    let time = time_ranges(&format!("{date_text} {all}"))
        .first()
        .map(|r| (r.start, r.end));
    Some(Candidate {
        line: block.line,
        mention,
        heading_year: None,
        weekdays: days,
        role,
        title: topic,
        lead: String::new(),
        links,
        time,
        cancelled: all.to_lowercase().contains("cancel"),
        date: None,
        body: None,
        readings,
        also,
    })
}

/// The date cell and its date: the header's date column, or the first cell
/// that starts with a date (after a weekday); or `| | 19 |`, the day only,
/// in the month of the row above.
fn date_cell(
    cells: &[Inline],
    header_date: Option<usize>,
    above: Option<(usize, u32, Mention)>,
) -> Option<(usize, Mention)> {
    let leading = |t: &str| {
        find_dates(t).into_iter().next().filter(|m| {
            t[..m.at]
                .split_whitespace()
                .all(|w| weekday_of(w.trim_matches([',', '(', ')', '*'])).is_some())
        })
    };
    for (n, cell) in cells.iter().enumerate() {
        if header_date.is_some_and(|h| h != n) {
            continue;
        }
        if let Some(m) = leading(&cell.text) {
            return Some((n, m));
        }
    }
    let (col, month, prev) = above?;
    let cell = cells.get(col)?;
    let day: u32 = cell
        .text
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=31).contains(d))?;
    if prev.order != Order::Known {
        return None;
    }
    let mention = Mention {
        at: 0,
        end: cell.text.len(),
        first: month,
        second: day,
        order: Order::Known,
        year: prev.year,
    };
    Some((col, mention))
}

/// The other days of a date cell that lists several (`Sep 8, Sep 10`,
/// `9/8, Thu 9/10`), not a range.
fn more_days(date_text: &str) -> Vec<Mention> {
    find_dates(date_text)
        .windows(2)
        .take_while(|w| {
            let between = date_text[w[0].end..w[1].at].to_lowercase();
            let between: Vec<&str> = between
                .split_whitespace()
                .filter(|w| weekday_of(w.trim_matches([',', '(', ')'])).is_none())
                .collect();
            let between = between.join(" ");
            [",", "&", "and", "y", "e", "und", "et", ";", "+"].contains(&between.as_str())
        })
        .map(|w| w[1])
        .collect()
}

/// The topic: the topic column's cell, or the first cell with words that
/// is not the date, a weekday or a time.
fn topic(cells: &[Inline], col: usize, topic_col: Option<usize>) -> String {
    if let Some(t) = topic_col.filter(|&t| t != col) {
        return cells.get(t).map(|c| c.text.clone()).unwrap_or_default();
    }
    let informative = |c: &Inline| {
        let letters = without_times(&c.text)
            .chars()
            .filter(|ch| ch.is_alphabetic())
            .count();
        letters >= 2 && weekday_of(c.text.trim()).is_none()
    };
    cells
        .iter()
        .enumerate()
        .find(|&(n, c)| n != col && informative(c))
        .map(|(_, c)| c.text.clone())
        .unwrap_or_default()
}

/// A readings column's readings (its links, or its text), and the links
/// of the other cells.
type Readings = Vec<(String, Option<String>)>;

fn readings_and_links(
    cells: &[Inline],
    col: usize,
    reading_col: Option<usize>,
) -> (Readings, Vec<(String, String)>) {
    let readings = match reading_col.and_then(|r| cells.get(r)) {
        Some(c) if c.links.is_empty() && !c.text.trim().is_empty() => vec![(c.text.clone(), None)],
        Some(c) => c
            .links
            .iter()
            .map(|(t, href)| (t.clone(), Some(href.clone())))
            .collect(),
        None => Vec::new(),
    };
    let links = cells
        .iter()
        .enumerate()
        .filter(|(n, _)| *n != col && Some(*n) != reading_col)
        .flat_map(|(_, c)| c.links.clone())
        .collect();
    (readings, links)
}
