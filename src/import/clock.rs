//! Recognising the times people write on schedule pages: `15:00-17:00`,
//! `9:45am-11:00am`, `3–4pm`, `12 -3 pm`, `09.00-09.15`, `8h30`.

use chrono::NaiveTime;

/// A time range found in a text: its start, its end when given, and where
/// it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TimeRange {
    pub(super) start: NaiveTime,
    pub(super) end: Option<NaiveTime>,
    pub(super) at: usize,
    pub(super) to: usize,
}

/// One clock reading: hours, minutes, am/pm, and whether it was written
/// as a time for sure (`9:45`, `8h30`, `3pm`) rather than a bare number.
#[derive(Debug, Clone, Copy)]
struct Clock {
    h: u32,
    m: u32,
    meridiem: Option<bool>,
    sure: bool,
    end: usize,
}

fn clock(text: &str, at: usize) -> Option<Clock> {
    let s = &text[at..];
    let h_len = s.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&h_len) {
        return None;
    }
    let h: u32 = s[..h_len].parse().ok()?;
    let mut end = at + h_len;
    let mut m = 0;
    let mut sure = false;
    let rest = &text[end..];
    for sep in [":", ".", "h"] {
        if let Some(after) = rest.strip_prefix(sep) {
            let digits = after.as_bytes().get(..2);
            if digits.is_some_and(|d| d.iter().all(u8::is_ascii_digit)) {
                m = after[..2].parse().ok()?;
                end += 1 + 2;
                sure = true;
            } else if sep == "h" && !after.starts_with(char::is_alphabetic) {
                end += 1; // `10h`
                sure = true;
            }
            break;
        }
    }
    let rest = text[end..].trim_start_matches(' ');
    let spaces = text[end..].len() - rest.len();
    let lower = rest.get(..4).unwrap_or(rest).to_ascii_lowercase();
    let mut meridiem = None;
    for (mark, pm) in [("a.m.", false), ("p.m.", true), ("am", false), ("pm", true)] {
        if lower.starts_with(mark) && !rest[mark.len()..].starts_with(|c: char| c.is_alphanumeric())
        {
            meridiem = Some(pm);
            end += spaces + mark.len();
            sure = true;
            break;
        }
    }
    (h <= 24 && m < 60).then_some(Clock {
        h,
        m,
        meridiem,
        sure,
        end,
    })
}

fn hour24(c: Clock, pm: Option<bool>) -> Option<NaiveTime> {
    let h = match pm {
        Some(true) if c.h < 12 => c.h + 12,
        Some(false) if c.h == 12 => 0,
        _ => c.h,
    };
    NaiveTime::from_hms_opt(h, c.m, 0)
}

/// Every time range in `text`: `15:00-17:00`, `9:45am-11:00am`, `3–4pm`,
/// `12 -3 pm`, `09.00-09.15`, `8h30-10h`, `11:30-2:10` (the afternoon);
/// and single times written for sure (`5pm`, `8h30`), without an end.
/// Bare numbers (`3-4`) are chapters as often as hours and are not read.
pub(super) fn time_ranges(text: &str) -> Vec<TimeRange> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let starts_number = text.as_bytes()[i].is_ascii_digit()
            && !text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || "/.:-–".contains(c));
        let Some(a) = starts_number.then(|| clock(text, i)).flatten() else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let rest = &text[a.end..];
        let trimmed = rest.trim_start_matches(' ');
        let dash = ["-", "–", "—", "to "]
            .iter()
            .find_map(|d| trimmed.strip_prefix(d));
        let b = dash.and_then(|after| {
            let after = after.trim_start_matches(' ');
            clock(text, text.len() - after.len())
        });
        match b {
            Some(b) if a.sure || b.sure => {
                let followed = text[b.end..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || c == '/');
                if !followed {
                    if let Some(range) = range(a, b) {
                        out.push(TimeRange {
                            start: range.0,
                            end: Some(range.1),
                            at: i,
                            to: b.end,
                        });
                    }
                    i = b.end;
                    continue;
                }
            }
            _ if a.meridiem.is_some() || (a.sure && a.m > 0 && b.is_none()) => {
                if let Some(start) = hour24(a, a.meridiem) {
                    out.push(TimeRange {
                        start,
                        end: None,
                        at: i,
                        to: a.end,
                    });
                }
                i = a.end;
                continue;
            }
            _ => {}
        }
        i = a.end.max(i + 1);
    }
    out
}

/// Start and end of `a-b`: an am/pm written once holds for both ends
/// where it makes the range run forward (`3–4pm`, `12 -3 pm`, but
/// `11-1pm` is 11am to 1pm); without any, an end before the start is in
/// the afternoon (`11:30-2:10`).
fn range(a: Clock, b: Clock) -> Option<(NaiveTime, NaiveTime)> {
    let end = hour24(b, b.meridiem)?;
    let start = match (a.meridiem, b.meridiem) {
        (Some(_), _) => hour24(a, a.meridiem)?,
        (None, Some(pm)) => {
            let same = hour24(a, Some(pm))?;
            if same <= end {
                same
            } else {
                hour24(a, Some(!pm))?
            }
        }
        (None, None) => hour24(a, None)?,
    };
    if end > start {
        return Some((start, end));
    }
    if a.meridiem.is_none() && b.meridiem.is_none() && b.h < 12 {
        let later = hour24(b, Some(true))?;
        return (later > start).then_some((start, later));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("time")
    }

    // Test every time form: ranges with and without am/pm, dots, `h`,
    // dashes, an afternoon end without pm, and single times.
    #[test]
    fn time_forms() {
        for (text, want) in [
            ("15:00-17:00", vec![(hm(15, 0), Some(hm(17, 0)))]),
            (
                "Tuesdays and Thursdays 9:45am-11:00am",
                vec![(hm(9, 45), Some(hm(11, 0)))],
            ),
            (
                "Monday/Wednesday/Friday 3–4pm (2-190)",
                vec![(hm(15, 0), Some(hm(16, 0)))],
            ),
            ("12 -3 pm", vec![(hm(12, 0), Some(hm(15, 0)))]),
            ("11-1pm", vec![(hm(11, 0), Some(hm(13, 0)))]),
            ("09.00-09.15 Welcome", vec![(hm(9, 0), Some(hm(9, 15)))]),
            ("8h30-10h", vec![(hm(8, 30), Some(hm(10, 0)))]),
            ("8h30", vec![(hm(8, 30), None)]),
            ("Dec 7, 11:30-2:10", vec![(hm(11, 30), Some(hm(14, 10)))]),
            (
                "Thursdays 3:45pm-6:30pm SEC",
                vec![(hm(15, 45), Some(hm(18, 30)))],
            ),
            ("Feb 8: 5pm in 32-141", vec![(hm(17, 0), None)]),
            ("15:00 to 16:30", vec![(hm(15, 0), Some(hm(16, 30)))]),
            // Not times.
            ("Ch 3-4", vec![]),
            ("9/6/22", vec![]),
            ("pp. 12-30", vec![]),
        ] {
            let got: Vec<_> = time_ranges(text).iter().map(|r| (r.start, r.end)).collect();
            assert_eq!(got, want, "{text}");
        }
    }
}
