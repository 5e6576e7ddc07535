//! Recognising the dates and weekdays people write on schedule
//! pages, in English, Spanish, Portuguese, German and French (plus the
//! Chinese and Korean `9月28日`): `Sep. 28`, `Aug 24th`, `03 Sep 2025`,
//! `18 de septiembre`, `9/6/22`, `20/02`, `2019-09-27`, `03.09.2025`.
//! Times are recognised in `clock.rs`.
//!
//! A date found here is only what the text says: a numeric `3/4` keeps
//! both readings, and a missing year stays missing. Which reading and
//! which year is the page's to decide (see `dated.rs`), never a guess here.

use chrono::Weekday;

pub(super) use super::names::{month_of, weekday_of};

/// How the two numbers of a date are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    /// Month then day, for certain (a month's name, an ISO date).
    Known,
    /// `a/b`: month/day or day/month, as the page's other dates decide.
    Either,
    /// `20.02.` and `20.02.2024`: German and Portuguese write the day first.
    DayFirst,
}

/// A date as written somewhere in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mention {
    /// Byte offsets of the date in the text.
    pub(super) at: usize,
    pub(super) end: usize,
    /// With [`Order::Known`], month and day; otherwise the first and second
    /// numbers as written.
    pub(super) first: u32,
    pub(super) second: u32,
    pub(super) order: Order,
    /// The year, when written (two digits are this century's).
    pub(super) year: Option<i32>,
}

impl Mention {
    /// Month and day, reading an `Either` date month first or day first.
    pub(super) fn month_day(&self, day_first: bool) -> (u32, u32) {
        match (self.order, day_first) {
            (Order::Known, _) | (Order::Either, false) => (self.first, self.second),
            (Order::DayFirst, _) | (Order::Either, true) => (self.second, self.first),
        }
    }
}

/// Words of a text with their byte offsets: runs of letters, or of digits.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, bool)> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let class = if c.is_alphabetic() {
            Some(false)
        } else if c.is_ascii_digit() {
            Some(true)
        } else {
            None
        };
        match (start, class) {
            (Some((_, a)), Some(b)) if a == b => {}
            (Some((s, _)), _) => {
                out.push((s, &text[s..i]));
                start = class.map(|b| (i, b));
            }
            (None, Some(b)) => start = Some((i, b)),
            (None, None) => {}
        }
    }
    out
}

/// Weekdays named in `text`, as whole words.
pub(super) fn weekdays(text: &str) -> Vec<Weekday> {
    words(text)
        .into_iter()
        .filter_map(|(_, w)| weekday_of(w))
        .collect()
}

fn number(w: &str, max: u32) -> Option<u32> {
    if w.len() > 2 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    w.parse().ok().filter(|&n| (1..=max).contains(&n))
}

fn year(w: &str) -> Option<i32> {
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1900..=2199).contains(y))
}

/// Every date written in `text`, in order.
pub(super) fn find_dates(text: &str) -> Vec<Mention> {
    let ws = words(text);
    let mut out: Vec<Mention> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let at = ws[i].0;
        let found = numeric(text, &ws, i)
            .or_else(|| named_month_first(text, &ws, i))
            .or_else(|| named_day_first(text, &ws, i))
            .or_else(|| east_asian(text, &ws, i));
        match found {
            Some((m, used)) => {
                out.push(Mention { at, ..m });
                i += used;
            }
            None => i += 1,
        }
    }
    out
}

type Found = Option<(Mention, usize)>;

/// `2019-09-27`, `9/6/22`, `20/02`, `03.09.2025`, `03.09.`.
fn numeric(text: &str, ws: &[(usize, &str)], i: usize) -> Found {
    let (at, a) = ws[i];
    if !a.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Not the middle of a longer number or path: `v1/2`, `1.2/3`.
    let before = text[..at].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || "/.-".contains(c)) {
        return None;
    }
    let sep_after = |j: usize| separator(text, ws, j);
    let sep = sep_after(i)?;
    let b = ws[i + 1].1;
    let end_of = |j: usize| ws[j].0 + ws[j].1.len();
    let followed_by_digit = |end: usize| {
        text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    };
    if let Some(y) = year(a) {
        return iso(text, ws, i, y, sep);
    }
    if sep == '-' {
        return None; // `3-4` is a range of hours or chapters
    }
    let (x, y) = (number(a, 31)?, number(b, 31)?);
    if x > 12 && y > 12 {
        return None;
    }
    let order = if sep == '.' {
        Order::DayFirst
    } else {
        Order::Either
    };
    let mut mention = Mention {
        at,
        end: end_of(i + 1),
        first: x,
        second: y,
        order,
        year: None,
    };
    let mut used = 2;
    if sep_after(i + 1) == Some(sep) {
        let w = ws[i + 2].1;
        let written = match w.len() {
            4 => year(w),
            2 if w.bytes().all(|b| b.is_ascii_digit()) => w.parse::<i32>().ok().map(|y| 2000 + y),
            _ => None,
        };
        match written {
            Some(y) => {
                mention.year = Some(y);
                mention.end = end_of(i + 2);
                used = 3;
            }
            None => return None,
        }
    } else if sep == '.' {
        // `03.09.` without a year: the closing dot makes it a date, and
        // `09.00` (a time) has none.
        let after = &text[mention.end..];
        if !after.starts_with('.') || a.len() != 2 || b.len() != 2 {
            return None;
        }
        mention.end += 1;
    }
    if followed_by_digit(mention.end) || text[mention.end..].starts_with(['/', ':']) {
        return None;
    }
    Some((mention, used))
}

/// The one separator (`/`, `-`, `.`) between word `j` and the next.
fn separator(text: &str, ws: &[(usize, &str)], j: usize) -> Option<char> {
    let (s, w) = ws.get(j)?;
    let next = ws.get(j + 1)?;
    let between = &text[s + w.len()..next.0];
    let mut chars = between.chars();
    let c = chars.next()?;
    (chars.next().is_none() && "/-.".contains(c)).then_some(c)
}

/// ISO `2019-09-27`, and `2019/09/27` or `2024.09.10` as Chinese, Korean
/// and German pages write it, from the year at word `i`.
fn iso(text: &str, ws: &[(usize, &str)], i: usize, y: i32, sep: char) -> Found {
    if separator(text, ws, i + 1) != Some(sep) {
        return None;
    }
    let (m, d) = (number(ws[i + 1].1, 12)?, number(ws[i + 2].1, 31)?);
    let end = ws[i + 2].0 + ws[i + 2].1.len();
    if text[end..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mention = Mention {
        at: ws[i].0,
        end,
        first: m,
        second: d,
        order: Order::Known,
        year: Some(y),
    };
    Some((mention, 3))
}

fn ordinal(text: &str, day_end: usize) -> usize {
    let rest = &text[day_end..];
    for suffix in ["st", "nd", "rd", "th", "º", "ª", "er"] {
        if let Some(after) = rest.strip_prefix(suffix) {
            if !after.chars().next().is_some_and(char::is_alphanumeric) {
                return day_end + suffix.len();
            }
        }
    }
    day_end
}

/// A year written after a date: `, 2023`, ` 2025`, ` de 2025`, not a time
/// (`2023:`, `1400-1600`).
fn year_after(text: &str, ws: &[(usize, &str)], j: usize, from: usize) -> Option<(i32, usize)> {
    let mut k = j;
    let mut between = text.get(from..ws.get(k)?.0)?.to_owned();
    if ws[k].1.eq_ignore_ascii_case("de") && between.trim().is_empty() {
        k += 1;
        between = text.get(ws[k - 1].0 + 2..ws.get(k)?.0)?.to_owned();
    }
    if !between.chars().all(|c| c == ',' || c == ' ' || c == '.') || between.len() > 3 {
        return None;
    }
    let y = year(ws[k].1)?;
    let end = ws[k].0 + 4;
    let mut after = text[end..].chars();
    if after
        .next()
        .is_some_and(|c| [':', '-', '–', '.'].contains(&c))
    {
        // `2023:`, `1400-1600`: a time or a range, not a year.
        if after.next().is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    Some((y, k - j + 1))
}

/// `Sep. 28`, `Aug 24th`, `January 26, 2023`.
fn named_month_first(text: &str, ws: &[(usize, &str)], i: usize) -> Found {
    let (at, w) = ws[i];
    let month = month_of(w)?;
    let (d_at, d) = *ws.get(i + 1)?;
    let between = &text[at + w.len()..d_at];
    if !matches!(between, " " | ". " | "." | "  " | "" | ", " | "\u{a0}") {
        return None;
    }
    let day = number(d, 31)?;
    let end = ordinal(text, d_at + d.len());
    let after = &text[end..];
    let time_or_number = after.starts_with(|c: char| c.is_ascii_digit())
        || after.starts_with('/')
        || (after.starts_with(':') && after[1..].starts_with(|c: char| c.is_ascii_digit()));
    if time_or_number {
        return None; // `Oct 5:30`, a time, or a longer number
    }
    let mut m = Mention {
        at,
        end,
        first: month,
        second: day,
        order: Order::Known,
        year: None,
    };
    let mut used = 2;
    if let Some((y, n)) = year_after(text, ws, i + 2, end) {
        m.year = Some(y);
        m.end = ws[i + 1 + n].0 + 4;
        used += n;
    }
    Some((m, used))
}

/// `03 Sep 2025`, `18 de septiembre`, `8. Mai`, `1er octobre`.
fn named_day_first(text: &str, ws: &[(usize, &str)], i: usize) -> Found {
    let (at, d) = ws[i];
    let day = number(d, 31)?;
    if text[..at].ends_with(['/', '.', ':']) {
        return None;
    }
    let mut j = i + 1;
    let day_end = ordinal(text, at + d.len());
    let mut m_at = ws.get(j)?.0;
    if ws[j].1.eq_ignore_ascii_case("de") {
        j += 1;
        m_at = ws.get(j)?.0;
    } else if day_end > at + d.len() && ws[j].0 < day_end {
        // The ordinal suffix was read as a word (`1er`).
        j += 1;
        m_at = ws.get(j)?.0;
    }
    let between = text.get(day_end..m_at)?;
    if !matches!(between.trim(), "" | "." | "de") || between.len() > 4 {
        return None;
    }
    let month = month_of(ws[j].1)?;
    let end = m_at + ws[j].1.len();
    let end = if text[end..].starts_with('.') {
        end + 1
    } else {
        end
    };
    let mut m = Mention {
        at,
        end,
        first: month,
        second: day,
        order: Order::Known,
        year: None,
    };
    let mut used = j - i + 1;
    if let Some((y, n)) = year_after(text, ws, j + 1, end) {
        m.year = Some(y);
        m.end = ws[j + n].0 + 4;
        used += n;
    }
    Some((m, used))
}

/// `9月28日`, `2025年9月28日`, `9월 28일`.
fn east_asian(text: &str, ws: &[(usize, &str)], i: usize) -> Found {
    // CJK characters are letters, so `9月28日` is the words 9, 月, 28, 日.
    let (at, a) = ws[i];
    let (mark_at, month_mark) = *ws.get(i + 1)?;
    let (b_at, b) = *ws.get(i + 2)?;
    let (c_at, after) = *ws.get(i + 3)?;
    let day_mark = match month_mark {
        "月" => "日",
        "월" => "일",
        _ => return None,
    };
    if mark_at != at + a.len()
        || !text[mark_at + month_mark.len()..b_at].trim().is_empty()
        || c_at != b_at + b.len()
        || !after.starts_with(day_mark)
    {
        return None;
    }
    let month = number(a, 12)?;
    let day = number(b, 31)?;
    let year = text[..at]
        .trim_end()
        .strip_suffix("年")
        .or_else(|| text[..at].trim_end().strip_suffix("년"))
        .and_then(|t| t.get(t.len().checked_sub(4)?..))
        .and_then(year);
    let mention = Mention {
        at,
        end: c_at + day_mark.len(),
        first: month,
        second: day,
        order: Order::Known,
        year,
    };
    Some((mention, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Option<(u32, u32, Order, Option<i32>, &str)> {
        let found = find_dates(text);
        let m = found.first()?;
        Some((m.first, m.second, m.order, m.year, &text[m.at..m.end]))
    }

    // Test every date form a page writes, each with what it reads as.
    #[test]
    fn date_forms() {
        use Order::*;
        for (text, want) in [
            (
                "Sep. 28, 15:00-17:00",
                Some((9, 28, Known, None, "Sep. 28")),
            ),
            ("Aug 17", Some((8, 17, Known, None, "Aug 17"))),
            ("Jan 13 (Mon)", Some((1, 13, Known, None, "Jan 13"))),
            (
                "**03 Sep 2025**",
                Some((9, 3, Known, Some(2025), "03 Sep 2025")),
            ),
            ("20/02 (terça)", Some((20, 2, Either, None, "20/02"))),
            ("Thu<br/> 9/28", Some((9, 28, Either, None, "9/28"))),
            ("9/6/22", Some((9, 6, Either, Some(2022), "9/6/22"))),
            (
                "<td>9/21/20</td>",
                Some((9, 21, Either, Some(2020), "9/21/20")),
            ),
            (
                "Aug 24th, Friday: Intro",
                Some((8, 24, Known, None, "Aug 24th")),
            ),
            (
                "Sep 3rd, Mon: Labor day",
                Some((9, 3, Known, None, "Sep 3rd")),
            ),
            (
                "Thursday, January 26, 2023",
                Some((1, 26, Known, Some(2023), "January 26, 2023")),
            ),
            (
                "2019-09-27 Class 1",
                Some((9, 27, Known, Some(2019), "2019-09-27")),
            ),
            (
                "2024.09.10 (화)",
                Some((9, 10, Known, Some(2024), "2024.09.10")),
            ),
            ("2023/09/10", Some((9, 10, Known, Some(2023), "2023/09/10"))),
            (
                "jueves, 18 de septiembre",
                Some((9, 18, Known, None, "18 de septiembre")),
            ),
            (
                "1 de março de 2024",
                Some((3, 1, Known, Some(2024), "1 de março de 2024")),
            ),
            ("Mittwoch, 8. Mai", Some((5, 8, Known, None, "8. Mai"))),
            (
                "03.09.2025",
                Some((3, 9, DayFirst, Some(2025), "03.09.2025")),
            ),
            ("Di 03.09.", Some((3, 9, DayFirst, None, "03.09."))),
            (
                "lundi 1er octobre",
                Some((10, 1, Known, None, "1er octobre")),
            ),
            ("9月28日", Some((9, 28, Known, None, "9月28日"))),
            ("2025年9月28日", Some((9, 28, Known, Some(2025), "9月28日"))),
            ("9월 28일", Some((9, 28, Known, None, "9월 28일"))),
            (
                "Sept 28, 2020",
                Some((9, 28, Known, Some(2020), "Sept 28, 2020")),
            ),
            ("Oct. 5 14:00", Some((10, 5, Known, None, "Oct. 5"))),
            ("(Feb 8: 5pm in 32-141)", Some((2, 8, Known, None, "Feb 8"))),
            ("Oct 5:30", None),
            // Not dates.
            ("09.00-09.15", None),
            ("Ch 3-4, pp. 12-30", None),
            ("version 1.2/3", None),
            ("May I ask", None),
            ("A1 out 19", None),
            ("3/45", None),
            ("13/14", None),
        ] {
            assert_eq!(one(text), want, "{text}");
        }
    }

    // Test weekday words in each language, plurals, and that words only
    // containing a weekday's letters are not one.
    #[test]
    fn weekday_words() {
        use Weekday::*;
        for (text, want) in [
            ("Thu<br/> 9/28", vec![Thu]),
            ("20/02 (terça)", vec![Tue]),
            ("quarta-feira", vec![Wed]),
            ("Tuesdays and Thursdays", vec![Tue, Thu]),
            ("jueves, miercoles", vec![Thu, Wed]),
            ("Donnerstag; vendredi", vec![Thu, Fri]),
            ("Monday/Wednesday/Friday", vec![Mon, Wed, Fri]),
            ("Sunday school, Wedding, Monsoon", vec![Sun]),
        ] {
            assert_eq!(weekdays(text), want, "{text}");
        }
    }
}
