//! A session heading of a page: kind, number, date, time range, room,
//! zoom link and other links, however the page spells them.

use chrono::NaiveTime;

use super::found::{MonthDay, OutLink, PageSession};
use super::text::{take_links, unescape_html};

/// Start and end of a session.
pub(super) type TimeRange = (NaiveTime, NaiveTime);

/// A session heading, or None when the heading is something else.
pub(super) fn parse_heading(text: &str) -> Result<Option<PageSession>, String> {
    let mut s = PageSession::default();
    let (mut text, links) = take_links(text);
    for (label, href) in links {
        if label.eq_ignore_ascii_case("zoom") && s.zoom.is_none() {
            s.zoom = Some(href);
        } else {
            s.links.push(OutLink {
                label: unescape_html(&label),
                url: href,
            });
        }
    }
    // Struck-through headings: `~~...~~` (GFM) or `<del>...</del>`.
    for (open, close) in [("~~", "~~"), ("<del>", "</del>"), ("<s>", "</s>")] {
        if let Some((core, after)) = text
            .strip_prefix(open)
            .and_then(|inner| inner.split_once(close))
        {
            s.status = Some("cancelled");
            text = format!("{core}{}", after.replacen("(cancelled)", "", 1));
            break;
        }
    }
    for (marker, status) in [("(cancelled)", "cancelled"), ("(tentative)", "tentative")] {
        if text.contains(marker) {
            text = text.replacen(marker, "", 1);
            s.status = Some(status);
        }
    }
    for marker in ["(groups ", "(group "] {
        if let Some(at) = text.find(marker) {
            if let Some(len) = text[at..].find(')') {
                let list = &text[at + marker.len()..at + len];
                s.groups = list
                    .split(',')
                    .map(|g| unescape_html(g.trim()))
                    .filter(|g| !g.is_empty())
                    .collect();
                text = format!("{}{}", &text[..at], &text[at + len + 1..]);
                break;
            }
        }
    }
    let Some((name, when)) = text.split_once(": ") else {
        return Ok(None);
    };
    let mut words: Vec<&str> = name.split_whitespace().collect();
    if let Some(n) = words.last().and_then(|w| w.parse::<u32>().ok()) {
        s.number = Some(n);
        words.pop();
    }
    if words
        .last()
        .is_some_and(|w| w.eq_ignore_ascii_case("session"))
    {
        words.pop();
    }
    if words.is_empty() {
        return Ok(None);
    }
    let Some((date, rest)) = parse_date(when.trim()) else {
        return Ok(None);
    };
    s.kind = unescape_html(&words.join(" "));
    s.month_day = Some(date);
    let rest = rest.trim_start_matches([',', ' ']);
    let rest = match parse_time_range(rest) {
        Some((range, after)) => {
            let (a, b) = range?;
            s.start = Some(a);
            s.end = Some(b);
            after
        }
        None => rest,
    };
    let room = rest.trim().trim_start_matches([',', '@', '-', '–']).trim();
    let room = room.strip_prefix("Room:").map(str::trim).unwrap_or(room);
    if !room.is_empty() {
        s.room = Some(unescape_html(room));
    }
    Ok(Some(s))
}

pub(super) fn month_name(m: u32) -> &'static str {
    (m as usize)
        .checked_sub(1)
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or("?")
}

pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `Sep. 28`, `Sept 28`, `September 28, 2020`: month, day, the year when
/// written, and the rest. None when the text does not start with a month.
pub(super) fn parse_date(s: &str) -> Option<(MonthDay, &str)> {
    let word_len = s.find(|c: char| !c.is_alphabetic())?;
    let word = s[..word_len].to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    let month = MONTHS
        .iter()
        .position(|m| m.to_ascii_lowercase().starts_with(&word))? as u32
        + 1;
    let rest = s[word_len..].trim_start_matches('.').trim_start();
    let day_len = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let day: u32 = rest[..day_len].parse().ok()?;
    let rest = &rest[day_len..];
    // An explicit year: ", 2020" or " 2020", not the start of a time range.
    let after = rest.trim_start_matches([',', ' ']);
    let is_year = after.len() >= 4
        && after.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && !after[4..].starts_with([':', '-', '–', '.']);
    if is_year {
        return Some(((month, day, after[..4].parse().ok()), &after[4..]));
    }
    Some(((month, day, None), rest))
}

/// `15:00-17:00`, `15:00 - 17:00`, `15:00–17:00`, `15-17` and the rest.
pub(super) fn parse_time_range(s: &str) -> Option<(Result<TimeRange, String>, &str)> {
    let (a, rest) = parse_clock(s)?;
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix('-')
        .or_else(|| rest.strip_prefix('–'))
        .or_else(|| rest.strip_prefix('—'))
        .or_else(|| rest.strip_prefix("to "))?
        .trim_start();
    let (b, rest) = parse_clock(rest)?;
    let to_time = |(h, m): (u32, u32)| {
        NaiveTime::from_hms_opt(h, m, 0)
            .ok_or_else(|| format!("{h:02}:{m:02} is not a time of day"))
    };
    let range = to_time(a).and_then(|a| to_time(b).map(|b| (a, b)));
    Some((range, rest))
}

/// `15:00`, `9:30` or `15`: hours and minutes, and the rest.
pub(super) fn parse_clock(s: &str) -> Option<((u32, u32), &str)> {
    let h_len = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if !(1..=2).contains(&h_len) {
        return None;
    }
    let h: u32 = s[..h_len].parse().ok()?;
    let rest = &s[h_len..];
    if let Some(m) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('.')) {
        // Bytes, not a slice of the text: the third byte may sit inside a
        // character (`15:5é`), and two ASCII digits end on a boundary.
        if m.as_bytes()
            .get(..2)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
        {
            return Some(((h, m[..2].parse().ok()?), &m[2..]));
        }
        return None;
    }
    Some(((h, 0), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test the two crashes the fuzzer found (a minute that ends inside a
    // character): each heading is read without a panic, its time refused.
    #[test]
    fn minutes_cut_inside_a_character() {
        assert_eq!(parse_clock("15:5é-17:00"), None);
        assert_eq!(parse_clock("1:\u{0}\u{29a}"), None);
        let heading = parse_heading("Lecture 1: Sep. 28, 15:5é-17:00").expect("a heading");
        assert!(heading.is_some_and(|s| s.start.is_none()));
        assert!(parse_heading("\u{1}: Oct5,1:\u{0}\u{29a}").is_ok());
    }
}
