//! Importing an existing schedule page (Jekyll Markdown) into the YAML
//! format, once, so no one retypes a schedule.
//!
//! Real course pages vary: heading levels, month spellings, time ranges,
//! bold or plain labels, links here and there. What the importer cannot map
//! becomes a warning naming the page's line, and the text is kept in the
//! session's `note` (or the page's intro), never dropped.

use std::path::Path;

use chrono::{NaiveDate, NaiveTime};

use crate::error::{Diagnostic, Error, Problem, Severity};

mod heading;
mod text;
mod yaml;

use heading::{month_name, parse_heading, PageSession};
use text::{
    heading_name, is_relative, is_separator, label, list_item, parse_reading, readings_label,
    strip_emphasis, strip_label, unescape_html,
};
use yaml::{to_schedule, OutReading};

/// What the page does not say, given on the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// The year of the first session, when the page's dates have none.
    pub year: i32,
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
/// to the site: a Jekyll site serves a `schedule.ics` at its root there.
pub const DEFAULT_FEED_URL: &str = "/schedule.ics";

/// A module heading of the page and the readings listed under it.
#[derive(Debug)]
struct PageModule {
    line: usize,
    raw: String,
    title: String,
    readings: Vec<OutReading>,
    sessions: usize,
    before_sessions: bool,
}

/// Turn `page` into schedule YAML.
pub fn import(page: &str, file: &Path, options: &Options) -> Result<Imported, Error> {
    let text = page.replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let (front_matter, body_from) = front_matter(&lines);
    let mut reader = PageReader::new(file, options);
    for (n, raw) in lines.iter().enumerate().skip(body_from) {
        reader.line(n + 1, raw).map_err(|p| {
            Error::Invalid(vec![reader
                .diagnostic(Severity::Error, n + 1, p)
                .showing(raw)])
        })?;
    }
    reader.finish(front_matter)
}

/// The front matter, between two `---` lines at the top, and the index of
/// the first line after it.
fn front_matter(lines: &[&str]) -> (Option<String>, usize) {
    if lines.first().map(|l| l.trim_end()) == Some("---") {
        if let Some(end) = lines.iter().skip(1).position(|l| l.trim_end() == "---") {
            let body = &lines[1..=end];
            return (
                Some(body.iter().map(|l| format!("{l}\n")).collect()),
                end + 2,
            );
        }
    }
    (None, 0)
}

/// A value of the front matter, `title: Schedule` -> `Schedule`.
fn front_matter_value(front_matter: Option<&str>, key: &str) -> Option<String> {
    front_matter?.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().trim_matches(['"', '\'']).to_owned())
    })
}

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
struct PageReader<'a> {
    file: &'a Path,
    options: &'a Options,
    warnings: Vec<Diagnostic>,
    intro: Vec<String>,
    sessions: Vec<PageSession>,
    modules: Vec<PageModule>,
    /// The module being read, with the level of its heading.
    current_module: Option<(usize, usize)>,
    in_readings: bool,
    in_optional: bool,
    year: i32,
    last_month: Option<u32>,
}

impl<'a> PageReader<'a> {
    fn new(file: &'a Path, options: &'a Options) -> Self {
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
            year: options.year,
            last_month: None,
        }
    }

    fn diagnostic(&self, severity: Severity, line: usize, problem: Problem) -> Diagnostic {
        Diagnostic::at(severity, self.file, line, problem)
    }

    /// Read one line; a problem with it stops the import.
    fn line(&mut self, line_no: usize, raw: &str) -> Result<(), Problem> {
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
                return self.session(hashes, s);
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
    fn session(&mut self, hashes: usize, mut s: PageSession) -> Result<(), Problem> {
        let (month, day, written_year) = s.month_day.take().unwrap_or((1, 1, None));
        match written_year {
            Some(y) => self.year = y,
            None if self.last_month.is_some_and(|m| month < m) => self.year += 1,
            None => {}
        }
        let year = self.year;
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
    fn finish(mut self, front_matter: Option<String>) -> Result<Imported, Error> {
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
        let schedule = to_schedule(
            &self.modules,
            self.sessions,
            front_matter,
            self.intro,
            self.options,
            title,
            permalink,
        );
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
