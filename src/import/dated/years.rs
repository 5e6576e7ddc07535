//! The dates of a page settled: which of `3/4`'s numbers is the month,
//! which year each date is in, and whether the weekdays beside the dates
//! agree. What the page does not settle stops the import at its line.

use chrono::{Datelike, NaiveDate, Weekday};

use super::{problem, Candidate, Dated, Given, Order, Stop};

/// Settle every candidate's date: which number is the month, which year.
pub(super) fn settle(
    mut found: Vec<Candidate>,
    given: &Given,
    out: &mut Dated,
) -> Result<Vec<Candidate>, Stop> {
    if found.is_empty() {
        return Ok(found);
    }
    let base = given.year.or(given.page_year.as_ref().map(|(y, _)| *y));
    let day_first = day_first(&found, base)?;
    let years = Years::of(&found, day_first);
    // A date without a year before any date that has one needs a year
    // from elsewhere: the option, or the page's title.
    let needs_year = found
        .iter()
        .take_while(|c| c.mention.year.is_none())
        .find(|c| c.heading_year.is_none());
    let base = match (needs_year, base) {
        (Some(c), None) => {
            let fits = (2000..=2035)
                .filter(|&y| years.weekdays_fit(&found, y))
                .collect::<Vec<_>>();
            let hint = match fits.as_slice() {
                [] => "pass --year with the year of the first session".to_owned(),
                years => format!(
                    "pass --year with the year of the first session (the weekdays on the page fit {})",
                    list(years)
                ),
            };
            let message = "this date has no year, and neither has the page's title, front matter or introduction";
            return Err((c.line, problem(message.into(), Some(hint))));
        }
        (_, base) => base.unwrap_or(0),
    };
    let dates = years.assign(&found, base);
    for (c, date) in found.iter_mut().zip(dates) {
        let (year, month, day) = date;
        let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
            let message = format!(
                "{} {day}, {year} is not a date",
                crate::import::heading::month_name(month)
            );
            (c.line, problem(message, None))
        })?;
        c.date = Some(date);
    }
    check_weekdays(&found, &years, base, given, out)?;
    Ok(found)
}

fn list(years: &[i32]) -> String {
    years
        .iter()
        .map(|y| y.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a page's dates take their years: month and day of each, and
/// whether the page lists them newest first.
struct Years {
    month_days: Vec<(u32, u32)>,
    newest_first: bool,
}

impl Years {
    fn of(found: &[Candidate], day_first: bool) -> Self {
        let month_days: Vec<(u32, u32)> = found
            .iter()
            .map(|c| c.mention.month_day(day_first))
            .collect();
        let key = |(m, d): (u32, u32)| m * 32 + d;
        let (mut up, mut down) = (0, 0);
        for w in month_days.windows(2) {
            match key(w[1]).cmp(&key(w[0])) {
                std::cmp::Ordering::Greater => up += 1,
                std::cmp::Ordering::Less => down += 1,
                std::cmp::Ordering::Equal => {}
            }
        }
        Years {
            month_days,
            newest_first: down > up,
        }
    }

    /// Year, month and day of each date, the first without a year in
    /// `start`: a written year holds from its date on, a month heading's
    /// from the heading on, and the year turns where the months go back
    /// by half a year or more (December, then January; the other way for
    /// a page listed newest first). A smaller step back is a date out of
    /// order, in the same year.
    fn assign(&self, found: &[Candidate], start: i32) -> Vec<(i32, u32, u32)> {
        let mut year = start;
        let mut previous: Option<u32> = None;
        let mut heading_year = None;
        let mut out = Vec::with_capacity(found.len());
        for (c, &(month, day)) in found.iter().zip(&self.month_days) {
            if c.heading_year != heading_year {
                heading_year = c.heading_year;
                if let Some(y) = heading_year {
                    year = y;
                    previous = None;
                }
            }
            if let Some(y) = c.mention.year {
                year = y;
            } else if let Some(p) = previous {
                if !self.newest_first && p >= month + 6 {
                    year += 1;
                } else if self.newest_first && month >= p + 6 {
                    year -= 1;
                }
            }
            previous = Some(month);
            out.push((year, month, day));
        }
        out
    }

    /// Whether every weekday written beside a date fits it when the
    /// first date is in `start`.
    fn weekdays_fit(&self, found: &[Candidate], start: i32) -> bool {
        let mut any = false;
        let fit = found
            .iter()
            .zip(self.assign(found, start))
            .all(|(c, (y, m, d))| {
                if c.weekdays.is_empty() {
                    return true;
                }
                any = true;
                NaiveDate::from_ymd_opt(y, m, d).is_some_and(|x| c.weekdays.contains(&x.weekday()))
            });
        any && fit
    }
}

/// Whether `a/b` dates are day first: decided by a number over 12, or by
/// the weekdays beside them; otherwise the import stops.
fn day_first(found: &[Candidate], base: Option<i32>) -> Result<bool, Stop> {
    let either: Vec<&Candidate> = found
        .iter()
        .filter(|c| c.mention.order == Order::Either)
        .collect();
    let Some(first) = either.first() else {
        return Ok(false);
    };
    let day_first = either.iter().find(|c| c.mention.first > 12);
    let month_first = either.iter().find(|c| c.mention.second > 12);
    match (day_first, month_first) {
        (Some(d), Some(m)) => Err((
            m.line.max(d.line),
            problem(
                format!(
                    "this page writes dates both day first (line {}) and month first (line {})",
                    d.line, m.line
                ),
                Some("write the dates one way, or with the month's name".into()),
            ),
        )),
        (Some(_), None) => Ok(true),
        (None, Some(_)) => Ok(false),
        (None, None) => {
            // Only the weekdays can tell: in the year the page or --year
            // gives, or else in some year of this century.
            let fits = |df: bool| {
                let years = Years::of(found, df);
                match base {
                    Some(y) => years.weekdays_fit(found, y),
                    None => (2000..=2035).any(|y| years.weekdays_fit(found, y)),
                }
            };
            match (fits(true), fits(false)) {
                (true, false) => Ok(true),
                (false, true) => Ok(false),
                _ => Err((
                    first.line,
                    problem(
                        format!(
                            "`{}/{}` could be day/month or month/day, and no date on the page decides",
                            first.mention.first, first.mention.second
                        ),
                        Some("write one of the page's dates with its month's name (e.g. `4 Mar`), then import again".into()),
                    ),
                )),
            }
        }
    }
}

/// Weekdays beside dates: one that contradicts its date is a warning at
/// its line; when most do and the year was not written beside them, the
/// year is wrong and the import stops, naming the years that fit.
fn check_weekdays(
    found: &[Candidate],
    years: &Years,
    base: i32,
    given: &Given,
    out: &mut Dated,
) -> Result<(), Stop> {
    let with_days: Vec<&Candidate> = found.iter().filter(|c| !c.weekdays.is_empty()).collect();
    let wrong: Vec<&Candidate> = with_days
        .iter()
        .copied()
        .filter(|c| c.date.is_some_and(|d| !c.weekdays.contains(&d.weekday())))
        .collect();
    let year_not_written = wrong
        .iter()
        .any(|c| c.mention.year.is_none() && c.heading_year.is_none());
    if with_days.len() >= 2 && wrong.len() * 2 > with_days.len() && year_not_written {
        let first = wrong[0];
        let source = match (given.year, &given.page_year) {
            (Some(_), _) => "--year".to_owned(),
            (None, Some((_, from))) => from.clone(),
            (None, None) => "the page".to_owned(),
        };
        // The years that fit, nearest first.
        let mut fits: Vec<i32> = (base - 6..=base + 6)
            .filter(|&y| years.weekdays_fit(found, y))
            .collect();
        fits.sort_by_key(|y| (y - base).abs());
        let hint = match fits.as_slice() {
            [] => "pass --year with the year of the first session".to_owned(),
            [one] => format!("pass --year {one}"),
            [nearest, others @ ..] => format!(
                "pass --year {nearest}, the nearest year the weekdays fit (so do {})",
                list(others)
            ),
        };
        let message = format!(
            "{} of {} weekdays on the page do not fit their dates in {base} (the year from {source})",
            wrong.len(),
            with_days.len()
        );
        return Err((first.line, problem(message, Some(hint))));
    }
    for c in wrong {
        let Some(date) = c.date else { continue };
        let message = format!(
            "{date} is a {}, not a {}: imported as {date}, as the date says",
            weekday_name(date.weekday()),
            weekday_name(c.weekdays[0])
        );
        let hint = "check the date, and correct the page or the YAML".to_owned();
        out.warnings.push((c.line, problem(message, Some(hint))));
    }
    Ok(())
}

fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}
