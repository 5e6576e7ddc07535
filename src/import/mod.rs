//! Importing an existing schedule page (Jekyll or GitHub Markdown) into
//! the YAML format, once, so no one retypes a schedule.
//!
//! A page in the layout coursefeed writes is read line by line
//! (`layout.rs`), keeping every line it cannot map in a note with a
//! warning. Any other page is read for dated sessions: its blocks
//! (`blocks.rs`), the dates in them (`dates.rs`), and what the page as a
//! whole settles about them (`dated/`). docs/importing.md says which
//! shapes are read and what is refused.

use std::path::Path;

use chrono::NaiveTime;

use crate::error::{Diagnostic, Error, Problem, Severity};

mod blocks;
mod clock;
mod dated;
mod dates;
mod found;
mod heading;
mod layout;
mod names;
mod page;
mod text;
mod yaml;

use layout::PageReader;
use page::{front_matter, nothing_found, page_year, too_deep, MAX_BRACKET_DEPTH};
use yaml::Extras;

/// What the page does not say, given on the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// The year of the first session, when the page's dates have none
    /// (then the year the page's title or introduction names is taken).
    pub year: Option<i32>,
    /// Calendar name (default: the front matter's title).
    pub name: Option<String>,
    /// Course id for UIDs.
    pub id: Option<String>,
    /// IANA zone of the page's times; [`DEFAULT_TIMEZONE`] when not given.
    pub timezone: Option<String>,
    /// The course site; its page URL is derived from the front matter's permalink.
    pub url: Option<String>,
    /// Times for sessions whose heading has none.
    pub start: Option<NaiveTime>,
    /// See `start`.
    pub end: Option<NaiveTime>,
    /// Where `build` should write the page, relative to the YAML's folder
    /// (`page.output`); None leaves it out.
    pub page_output: Option<String>,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The schedule as YAML.
    pub yaml: String,
    /// How many sessions were found.
    pub sessions: usize,
    /// Lines that were kept as notes, and other things to check; then what
    /// the import assumed because neither the options nor the page said it
    /// (the zone, the calendar's name), as notes with the option to change it.
    pub warnings: Vec<Diagnostic>,
}

/// The zone of a page's times when `--timezone` does not say: the course's.
pub const DEFAULT_TIMEZONE: &str = "Europe/Stockholm";

/// Where an imported course's site serves its feed (`feed.url`), relative
/// to the course's address (`--url`): beside the course's pages, whether
/// the site is a user's (`me.github.io/`) or a project's
/// (`me.github.io/ml/`, where `/schedule.ics` would be another site's).
pub const DEFAULT_FEED_URL: &str = "schedule.ics";

/// Turn `page` into schedule YAML.
pub fn import(page: &str, file: &Path, options: &Options) -> Result<Imported, Error> {
    let text = page.replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let stop = |line: usize, problem: Problem| {
        let mut d = Diagnostic::at(Severity::Error, file, line, problem);
        if let Some(raw) = line.checked_sub(1).and_then(|l| lines.get(l)) {
            d = d.showing(raw);
        }
        Error::Invalid(vec![d])
    };
    if let Some((line, column)) = too_deep(&lines) {
        let problem = Problem::Import {
            message: format!("brackets nested more than {MAX_BRACKET_DEPTH} levels deep"),
            hint: Some("close the brackets, or escape them as `\\[`".into()),
        };
        // The line up to where it crosses, as the line may be very long.
        let raw = lines[line - 1];
        let shown: String = raw.chars().take(column.min(80)).collect();
        let mut d = Diagnostic::at(Severity::Error, file, line, problem).showing(&shown);
        d.column = column;
        return Err(Error::Invalid(vec![d]));
    }
    let (front_matter, body_from) = front_matter(&lines);
    let body = lines[body_from..].join("\n");
    let blocks = blocks::read(&body, body_from + 1);
    let page_year = page_year(front_matter.as_deref(), &blocks);
    let mut reader = PageReader::new(file, options, page_year.as_ref().map(|y| y.0));
    for (n, raw) in lines.iter().enumerate().skip(body_from) {
        reader.line(n + 1, raw).map_err(|p| stop(n + 1, p))?;
    }
    if !reader.sessions.is_empty() {
        return reader.finish(front_matter);
    }
    // Not the layout this tool writes: any page with dated sessions.
    let given = dated::Given {
        year: options.year,
        page_year,
        times: options.start.zip(options.end),
        url: options.url.as_deref().and_then(|u| url::Url::parse(u).ok()),
    };
    let found = dated::read(&blocks, &given).map_err(|(line, p)| stop(line, p))?;
    if found.sessions.is_empty() {
        let (line, problem) = nothing_found(&text, &blocks, &found);
        return Err(stop(line, problem));
    }
    let mut reader = PageReader::new(file, options, None);
    reader.sessions = found.sessions;
    let warnings = found.warnings.into_iter().map(|w| (Severity::Warning, w));
    let notes = found.notes.into_iter().map(|n| (Severity::Note, n));
    for (severity, (line, problem)) in warnings.chain(notes) {
        let problem = reader.diagnostic(severity, line, problem);
        reader.warnings.push(match lines.get(line.wrapping_sub(1)) {
            Some(raw) => problem.showing(raw),
            None => problem,
        });
    }
    reader.extras = Extras {
        holidays: found.holidays,
        deadlines: found.deadlines,
    };
    reader.finish(front_matter)
}

#[cfg(test)]
mod tests;
