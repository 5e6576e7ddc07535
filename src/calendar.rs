//! The term as month grids for the terminal (`check --calendar`), like
//! `cal`, so that staff see gaps, clashes and cancellations at a glance
//! before students do.
//!
//! Weeks start on Monday (ISO 8601, as Swedish and most European calendars
//! print them). Each day is three characters: the day, then a mark.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::model::{Schedule, Status};

/// What the marks mean, under the grids.
const LEGEND: &str =
    "* session   + two or more   # session and deadline   x cancelled   ! deadline\n";

/// What happens on a day, as far as the grid shows it.
#[derive(Debug, Default, Clone, Copy)]
struct Day {
    sessions: usize,
    cancelled: usize,
    deadlines: usize,
}

impl Day {
    /// The mark after the day's number: `+` two or more sessions (a clash
    /// or a long day), `#` a session and a deadline, `*` one session, `x`
    /// only cancelled ones, `!` a deadline.
    fn mark(&self) -> char {
        match (self.sessions, self.cancelled, self.deadlines) {
            (2.., _, _) => '+',
            (1, _, 1..) => '#',
            (1, _, _) => '*',
            (0, 1.., _) => 'x',
            (0, 0, 1..) => '!',
            _ => ' ',
        }
    }
}

/// Every month from the first event's to the last one's, three months to a
/// row, then a legend. Empty for a schedule without events.
pub fn months(schedule: &Schedule) -> String {
    let mut days: BTreeMap<NaiveDate, Day> = BTreeMap::new();
    for s in &schedule.sessions {
        let day = days.entry(s.date).or_default();
        if s.deadline {
            day.deadlines += 1;
        } else if s.status == Status::Cancelled {
            day.cancelled += 1;
        } else {
            day.sessions += 1;
        }
    }
    let (Some(first), Some(last)) = (days.keys().next(), days.keys().next_back()) else {
        return String::new();
    };
    let mut firsts = Vec::new();
    let mut month = first.with_day(1).unwrap_or(*first);
    while month <= *last {
        firsts.push(month);
        month = next_month(month);
    }
    let mut out = String::new();
    for row in firsts.chunks(3) {
        let grids: Vec<Vec<String>> = row.iter().map(|m| grid(*m, &days)).collect();
        let height = grids.iter().map(Vec::len).max().unwrap_or(0);
        for line in 0..height {
            let cells: Vec<String> = grids
                .iter()
                .map(|g| format!("{:<21}", g.get(line).map_or("", String::as_str)))
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(LEGEND);
    out
}

/// One month: its name centred, the weekdays, then a line a week.
fn grid(first: NaiveDate, days: &BTreeMap<NaiveDate, Day>) -> Vec<String> {
    let name = u8::try_from(first.month())
        .ok()
        .and_then(|m| chrono::Month::try_from(m).ok())
        .map_or("", |m| m.name());
    let title = format!("{name} {}", first.year());
    let mut lines = vec![
        format!("{title:^21}").trim_end().to_owned(),
        "Mo Tu We Th Fr Sa Su".to_owned(),
    ];
    let mut week = "   ".repeat(first.weekday().num_days_from_monday() as usize);
    let mut day = first;
    while day.month() == first.month() {
        let mark = days.get(&day).map_or(' ', Day::mark);
        week.push_str(&format!("{:>2}{mark}", day.day()));
        if day.weekday() == chrono::Weekday::Sun {
            lines.push(week.trim_end().to_owned());
            week = String::new();
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    if !week.is_empty() {
        lines.push(week.trim_end().to_owned());
    }
    lines
}

fn next_month(first: NaiveDate) -> NaiveDate {
    let (y, m) = match first.month() {
        12 => (first.year() + 1, 1),
        m => (first.year(), m + 1),
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that a month starting on a Sunday puts day 1 in the last column
    // and that weeks break after Sunday (November 2020 began on a Sunday).
    #[test]
    fn weeks_start_on_monday() {
        let first = NaiveDate::from_ymd_opt(2020, 11, 1).expect("date");
        let g = grid(first, &BTreeMap::new());
        assert_eq!(g[0], "    November 2020");
        assert_eq!(g[2], "                   1");
        assert_eq!(g[3], " 2  3  4  5  6  7  8");
        assert_eq!(g.last().map(String::as_str), Some("30"));
    }
}
