//! The layout coursefeed's own page writes, read line by line: session
//! headings (`# Lecture Session 1: Sep. 28, 15:00-17:00`), `Topic:` and
//! reading-list labels, module headings; and the YAML of what was read,
//! whichever way the sessions were found.

use std::path::Path;

use chrono::NaiveDate;

use super::found::{OutReading, PageModule, PageSession};
use super::heading::{month_name, parse_heading};
use super::page::front_matter_value;
use super::text::{
    heading_name, is_relative, is_separator, label, list_item, parse_reading, readings_label,
    strip_emphasis, strip_label, unescape_html,
};
use super::yaml::{to_schedule, Extras, PageParts};
use super::{Imported, Options, DEFAULT_FEED_URL, DEFAULT_TIMEZONE};
use crate::error::{Diagnostic, Error, Problem, Severity};

/// A module heading's title without its number, which the module's id
/// (`m1`, `m2`...) carries: `Module 1: Fundamental of ML` is
/// `Fundamental of ML`.
fn module_title(heading: &str) -> String {
    let numbered = heading.split_once(':').filter(|(head, _)| {
        let mut words = head.split_whitespace();
        words
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("module"))
            && words.next().is_some_and(|n| n.parse::<u32>().is_ok())
            && words.next().is_none()
    });
    match numbered {
        Some((_, title)) if !title.trim().is_empty() => title.trim().to_owned(),
        _ => heading.to_owned(),
    }
}

/// The page read line by line: what each line is depends on the headings
/// and labels above it.
pub(super) struct PageReader<'a> {
    pub(super) file: &'a Path,
    pub(super) options: &'a Options,
    pub(super) warnings: Vec<Diagnostic>,
    pub(super) intro: Vec<String>,
    pub(super) sessions: Vec<PageSession>,
    pub(super) modules: Vec<PageModule>,
    /// The module being read, with the level of its heading.
    pub(super) current_module: Option<(usize, usize)>,
    pub(super) in_readings: bool,
    pub(super) in_optional: bool,
    pub(super) year: Option<i32>,
    pub(super) last_month: Option<u32>,
    pub(super) extras: Extras,
}

impl<'a> PageReader<'a> {
    pub(super) fn new(file: &'a Path, options: &'a Options, page_year: Option<i32>) -> Self {
        PageReader {
            file,
            options,
            warnings: Vec::new(),
            intro: Vec::new(),
            sessions: Vec::new(),
            modules: Vec::new(),
            current_module: None,
            in_readings: false,
            in_optional: false,
            year: options.year.or(page_year),
            last_month: None,
            extras: Extras::default(),
        }
    }

    pub(super) fn diagnostic(
        &self,
        severity: Severity,
        line: usize,
        problem: Problem,
    ) -> Diagnostic {
        Diagnostic::at(severity, self.file, line, problem)
    }

    /// Read one line; a problem with it stops the import.
    pub(super) fn line(&mut self, line_no: usize, raw: &str) -> Result<(), Problem> {
        let line = raw.trim();
        if line.is_empty() || is_separator(line) {
            return Ok(());
        }
        if line.starts_with("**Subscribe to this schedule:**")
            || line.contains("[Apple Calendar / Thunderbird](webcal://")
        {
            return Ok(()); // our own block, rebuilt from feed.url
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if (1..=3).contains(&hashes) {
            let heading = strip_emphasis(line[hashes..].trim());
            if let Some(s) = parse_heading(heading.trim()).map_err(Problem::PageHeading)? {
                return self.session(line_no, hashes, s);
            }
            // A top-level heading that is not a session starts a module.
            if hashes == 1 {
                self.modules.push(PageModule {
                    line: line_no,
                    raw: raw.trim_end().to_owned(),
                    title: module_title(&unescape_html(heading.trim())),
                    readings: Vec::new(),
                    sessions: 0,
                    before_sessions: self.sessions.is_empty(),
                });
                self.current_module = Some((self.modules.len() - 1, hashes));
                self.in_readings = false;
                return Ok(());
            }
        }
        if self.sessions.is_empty() {
            // Before the first session: the page's own introduction.
            self.intro.push(raw.trim_end().to_owned());
            return Ok(());
        }
        self.body(line_no, line)
    }

    /// A session heading: its date (the year rolls over when the month
    /// goes back, a term across New Year), its times, its module.
    fn session(&mut self, line: usize, hashes: usize, mut s: PageSession) -> Result<(), Problem> {
        let (month, day, written_year) = s.month_day.take().unwrap_or((1, 1, None));
        let year = match (written_year, self.year) {
            (Some(y), _) => y,
            (None, Some(y)) if self.last_month.is_some_and(|m| month < m) => y + 1,
            (None, Some(y)) => y,
            (None, None) => {
                return Err(Problem::Import {
                    message: "this date has no year, and neither has the page's title, front matter or introduction".into(),
                    hint: Some("pass --year with the year of the first session".into()),
                })
            }
        };
        self.year = Some(year);
        s.line = line;
        let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
            Problem::PageHeading(format!("{} {day}, {year} is not a date", month_name(month)))
        })?;
        self.last_month = Some(month);
        s.date = Some(date);
        if s.start.is_none() {
            match (self.options.start, self.options.end) {
                (Some(a), Some(b)) => {
                    s.start = Some(a);
                    s.end = Some(b);
                }
                _ => return Err(Problem::HeadingWithoutTime),
            }
        }
        // A deeper session heading under a module heading belongs to it.
        match self.current_module {
            Some((m, level)) if hashes > level => s.module = Some(m),
            _ => self.current_module = None,
        }
        if let Some(m) = s.module {
            self.modules[m].sessions += 1;
        }
        self.sessions.push(s);
        self.in_readings = false;
        Ok(())
    }

    /// A line under a session heading: a label, a reading, or text kept in
    /// the session's note with a warning.
    fn body(&mut self, line_no: usize, line: &str) -> Result<(), Problem> {
        let label_text = strip_label(line);
        let current_module = self.current_module;
        let missing_base = self.options.url.is_none();
        let Some(current) = self.sessions.last_mut() else {
            return Ok(());
        };
        if let Some(topic) = label(&label_text, &["topic"]) {
            current.topic = Some(unescape_html(topic));
            self.in_readings = false;
        } else if let Some(note) = label(&label_text, &["note"]) {
            current.notes.push(note.to_owned());
            self.in_readings = false;
        } else if let Some(optional) = readings_label(&label_text) {
            self.in_readings = true;
            self.in_optional = optional;
        } else if let (true, Some(item)) = (self.in_readings, list_item(line)) {
            if item.eq_ignore_ascii_case("TBA") {
                return Ok(());
            }
            let reading = parse_reading(item);
            let hrefs = reading
                .url
                .iter()
                .chain(reading.links.iter().flatten().map(|l| &l.url));
            if let Some(rel) = hrefs.into_iter().find(|h| missing_base && is_relative(h)) {
                return Err(Problem::PageRelativeLink(rel.clone()));
            }
            let reading = OutReading {
                optional: self.in_optional.then_some(true),
                ..reading
            };
            // In the module layout the reading list is the module's.
            match (current.module, current_module) {
                (Some(m), Some((open, _))) if m == open => self.modules[m].readings.push(reading),
                _ => current.readings.push(reading),
            }
        } else {
            let problem = Problem::KeptInNote {
                session: heading_name(current),
                text: line.to_owned(),
            };
            current.notes.push(line.to_owned());
            let warning = Diagnostic::at(Severity::Warning, self.file, line_no, problem);
            self.warnings.push(warning);
        }
        Ok(())
    }

    /// The schedule YAML of everything read.
    pub(super) fn finish(mut self, front_matter: Option<String>) -> Result<Imported, Error> {
        // A module heading with no sessions was just a heading: text before
        // the sessions goes to the intro, anything later is kept with a warning.
        for m in self.modules.iter().filter(|m| m.sessions == 0) {
            if m.before_sessions {
                self.intro.push(m.raw.clone());
            } else {
                let problem = Problem::NotAModule(m.raw.clone());
                let warning = Diagnostic::at(Severity::Warning, self.file, m.line, problem);
                self.warnings.push(warning);
            }
        }
        if self.sessions.is_empty() {
            let problem = Problem::PageWithoutSessions;
            return Err(Error::Invalid(vec![self.diagnostic(
                Severity::Error,
                0,
                problem,
            )]));
        }
        for (line, problem) in number_by_place(&mut self.sessions) {
            let warning = self.diagnostic(Severity::Warning, line, problem);
            self.warnings.push(warning);
        }
        let count = self.sessions.len();
        let title = front_matter_value(front_matter.as_deref(), "title");
        if self.options.timezone.is_none() {
            let problem = Problem::AssumedZone(DEFAULT_TIMEZONE.into());
            self.warnings
                .push(self.diagnostic(Severity::Note, 0, problem));
        }
        if self.options.url.is_some() {
            let problem = Problem::AssumedFeedUrl(DEFAULT_FEED_URL.into());
            self.warnings
                .push(self.diagnostic(Severity::Note, 0, problem));
        }
        if self.options.name.is_none() {
            let problem = match &title {
                Some(t) => Problem::NameFromTitle(t.clone()),
                None => Problem::AssumedName,
            };
            self.warnings
                .push(self.diagnostic(Severity::Note, 0, problem));
        }
        let permalink = front_matter_value(front_matter.as_deref(), "permalink");
        let page = PageParts {
            front_matter,
            intro: self.intro,
            title,
            permalink,
            extras: std::mem::take(&mut self.extras),
        };
        let schedule = to_schedule(page, &self.modules, self.sessions, self.options);
        // The import's own structs always serialize.
        let yaml = yaml_serde::to_string(&schedule).unwrap_or_default();
        let yaml = format!(
            "# Imported from {} by `coursefeed import`.\n# Check course.name, course.id and course.timezone, then run `coursefeed check`.\n{yaml}",
            self.file.display()
        );
        Ok(Imported {
            yaml,
            sessions: count,
            warnings: self.warnings,
        })
    }
}

/// Number each session by its place among all sessions of its kind, so
/// that no two share a number; a number the page writes that disagrees
/// with the place is a warning at its line.
fn number_by_place(sessions: &mut [PageSession]) -> Vec<(usize, Problem)> {
    let mut places: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut warnings = Vec::new();
    for s in sessions.iter_mut() {
        let place = places.entry(s.kind.clone()).or_insert(0);
        *place += 1;
        if let Some(written) = s.number.filter(|&n| n != *place) {
            warnings.push((
                s.line,
                Problem::Import {
                    message: format!(
                        "{} {written} is the {} {} on the page: imported as {} {}",
                        s.kind,
                        ordinal(*place),
                        s.kind,
                        s.kind,
                        place
                    ),
                    hint: Some(
                        "correct the number on the page or in the YAML if the place is wrong"
                            .into(),
                    ),
                },
            ));
        }
        s.number = Some(*place);
    }
    warnings
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
