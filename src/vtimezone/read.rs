//! A published VTIMEZONE read back into observances, to tell the instants
//! a published feed's events stood for.

use chrono::{NaiveDate, NaiveDateTime, Weekday};

use super::{Observance, Week, Yearly};

/// Reads a published VTIMEZONE's observances, one property at a time.
///
/// Only what is needed to tell the offset at an instant is kept. A form we
/// cannot evaluate exactly (another FREQ, BYDAY lists, COUNT...) makes the
/// whole zone unreadable rather than wrong: [`ZoneReader::finish`] gives None.
#[derive(Debug, Default)]
pub struct ZoneReader {
    tzid: Option<String>,
    current: Option<Observance>,
    observances: Vec<Observance>,
    unreadable: bool,
}

impl ZoneReader {
    /// A property of the VTIMEZONE, or of one of its observances.
    pub fn property(&mut self, name: &str, value: &str) {
        let value = value.trim();
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        if is("BEGIN") {
            if value.eq_ignore_ascii_case("STANDARD") || value.eq_ignore_ascii_case("DAYLIGHT") {
                self.current = Some(Observance {
                    daylight: value.eq_ignore_ascii_case("DAYLIGHT"),
                    start: NaiveDateTime::default(),
                    offset_from: i32::MIN,
                    offset_to: i32::MIN,
                    name: String::new(),
                    rule: None,
                    rdates: Vec::new(),
                });
            }
            return;
        }
        if is("END") {
            if let Some(o) = self.current.take() {
                if o.offset_from == i32::MIN
                    || o.offset_to == i32::MIN
                    || o.start == NaiveDateTime::default()
                {
                    self.unreadable = true;
                }
                self.observances.push(o);
            }
            return;
        }
        let Some(o) = self.current.as_mut() else {
            if is("TZID") {
                self.tzid = Some(value.to_owned());
            }
            return;
        };
        let ok = if is("DTSTART") {
            local_time(value).map(|t| o.start = t).is_some()
        } else if is("TZOFFSETFROM") {
            parse_offset(value).map(|v| o.offset_from = v).is_some()
        } else if is("TZOFFSETTO") {
            parse_offset(value).map(|v| o.offset_to = v).is_some()
        } else if is("TZNAME") {
            o.name = crate::ics::read::unescape_text(value).into_owned();
            true
        } else if is("RRULE") {
            parse_rrule(value).map(|r| o.rule = Some(r)).is_some()
        } else if is("RDATE") {
            value
                .split(',')
                .map(|v| local_time(v).map(|t| o.rdates.push(t)))
                .all(|r| r.is_some())
        } else {
            true
        };
        if !ok {
            self.unreadable = true;
        }
    }

    /// The TZID, once read.
    pub fn tzid(&self) -> Option<&str> {
        self.tzid.as_deref()
    }

    /// The zone's TZID and observances, if every one could be read.
    pub fn finish(self) -> Option<(String, Vec<Observance>)> {
        if self.unreadable || self.observances.is_empty() {
            return None;
        }
        Some((self.tzid?, self.observances))
    }
}

/// A local DATE-TIME (§3.3.5 form 1), or a DATE taken as its midnight.
pub fn local_time(value: &str) -> Option<NaiveDateTime> {
    let v = value.trim();
    NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(v, "%Y%m%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

pub(super) fn parse_offset(value: &str) -> Option<i32> {
    let (sign, digits) = match value.as_bytes().first()? {
        b'+' => (1, &value[1..]),
        b'-' => (-1, &value[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<i32>().ok());
    let secs = n(0..2)? * 3600 + n(2..4)? * 60 + n(4..6).unwrap_or(0);
    Some(sign * secs)
}

fn parse_rrule(value: &str) -> Option<Yearly> {
    let (mut freq, mut month, mut byday, mut until) = (None, None, None, None);
    for part in value.split(';') {
        let (k, v) = part.split_once('=')?;
        match k.trim().to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(v.trim().to_ascii_uppercase()),
            "BYMONTH" => {
                month = Some(
                    v.trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|m| (1..=12).contains(m))?,
                )
            }
            "BYDAY" => byday = Some(v.trim().to_ascii_uppercase()),
            "UNTIL" => {
                let v = v.trim();
                let t = match v.strip_suffix('Z') {
                    Some(t) => local_time(t)?.and_utc(),
                    None => local_time(v)?.and_utc(),
                };
                until = Some(t);
            }
            // WKST does not matter to BYDAY within a month; INTERVAL=1 is the default.
            "WKST" => {}
            "INTERVAL" if v.trim() == "1" => {}
            _ => return None,
        }
    }
    if freq.as_deref() != Some("YEARLY") {
        return None;
    }
    let byday = byday?;
    // The weekday is the last two bytes; anything not ASCII there is not
    // a rule we read (and would not be a character boundary to cut at).
    let (week, day) = byday.split_at_checked(byday.len().checked_sub(2)?)?;
    let week = match week.trim_start_matches('+') {
        "-1" => Week::Last,
        n => Week::Nth(n.parse::<u8>().ok().filter(|n| (1..=4).contains(n))?),
    };
    let weekday = match day {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    };
    Some(Yearly {
        month: month?,
        week,
        weekday,
        until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that a BYDAY whose last two bytes are not a weekday's letters
    // (here inside a two-byte character) is not a rule we read, rather than
    // a panic; the feed fuzz target found it in a previous feed.
    #[test]
    fn byday_ending_in_a_wide_character() {
        assert_eq!(parse_rrule("FREQ=YEARLY;BYMONTH=3;BYDAY=\u{2b9}U"), None);
        assert_eq!(parse_rrule("FREQ=YEARLY;BYMONTH=3;BYDAY=-1\u{2b9}U"), None);
        assert!(parse_rrule("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU").is_some());
    }
}
