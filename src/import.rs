//! Importing an existing schedule page (Jekyll Markdown) into the YAML
//! format, once, so no one retypes a schedule.
//!
//! Real course pages vary: heading levels, month spellings, time ranges,
//! bold or plain labels, links here and there. What the importer cannot map
//! becomes a warning naming the page's line, and the text is kept in the
//! session's `note` (or the page's intro), never dropped.

use std::collections::HashMap;
use std::path::Path;

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

/// What the page does not say, given on the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// The year of the first session, when the page's dates have none.
    pub year: i32,
    /// Calendar name (default: the front matter's title).
    pub name: Option<String>,
    /// Course id for UIDs.
    pub id: Option<String>,
    /// IANA zone of the page's times.
    pub timezone: String,
    /// The course site; its page URL is derived from the front matter's permalink.
    pub url: Option<String>,
    /// Times for sessions whose heading has none.
    pub start: Option<NaiveTime>,
    /// See `start`.
    pub end: Option<NaiveTime>,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The schedule as YAML.
    pub yaml: String,
    /// How many sessions were found.
    pub sessions: usize,
    /// Lines that were kept as notes, and other things to check.
    pub warnings: Vec<Warning>,
}

/// Something the importer kept but could not map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// 1-based line of the page.
    pub line: usize,
    /// What happened to it.
    pub message: String,
}

/// A page the importer cannot turn into a schedule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct ImportError {
    /// The page.
    pub file: std::path::PathBuf,
    /// 1-based line, 0 for the page as a whole.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Start and end of a session.
type TimeRange = (NaiveTime, NaiveTime);

/// Month, day and the year when the page writes one.
type MonthDay = (u32, u32, Option<i32>);

#[derive(Debug, Default)]
struct PageSession {
    kind: String,
    number: Option<u32>,
    month_day: Option<MonthDay>,
    date: Option<NaiveDate>,
    start: Option<NaiveTime>,
    end: Option<NaiveTime>,
    zoom: Option<String>,
    room: Option<String>,
    status: Option<&'static str>,
    topic: Option<String>,
    readings: Vec<OutReading>,
    links: Vec<OutLink>,
    notes: Vec<String>,
    /// The index of the module it is listed under, in the module layout.
    module: Option<usize>,
}

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
pub fn import(page: &str, file: &Path, options: &Options) -> Result<Imported, ImportError> {
    let fail = |line: usize, message: String| ImportError {
        file: file.to_owned(),
        line,
        message,
    };
    let text = page.replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let mut i = 0;

    // Front matter: between two `---` lines at the top.
    let mut front_matter: Option<String> = None;
    if lines.first().map(|l| l.trim_end()) == Some("---") {
        if let Some(end) = lines.iter().skip(1).position(|l| l.trim_end() == "---") {
            let body = &lines[1..=end];
            front_matter = Some(body.iter().map(|l| format!("{l}\n")).collect());
            i = end + 2;
        }
    }
    let fm_value = |key: &str| -> Option<String> {
        front_matter.as_deref()?.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == key).then(|| v.trim().trim_matches(['"', '\'']).to_owned())
        })
    };

    let mut warnings = Vec::new();
    let mut intro: Vec<String> = Vec::new();
    let mut sessions: Vec<PageSession> = Vec::new();
    let mut in_readings = false;
    // The module being read, with the level of its heading.
    let mut current_module: Option<(usize, usize)> = None;
    let mut modules: Vec<PageModule> = Vec::new();
    let mut in_optional = false;
    let mut year = options.year;
    let mut last_month: Option<u32> = None;

    for (n, raw) in lines.iter().enumerate().skip(i) {
        let line_no = n + 1;
        let line = raw.trim();
        if line.is_empty() || is_separator(line) {
            continue;
        }
        if line.starts_with("**Subscribe to this schedule:**") {
            continue; // our own block, rebuilt from feed.url
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        let label_text = strip_label(line);

        if (1..=3).contains(&hashes) {
            if let Some(mut s) =
                parse_heading(line[hashes..].trim()).map_err(|m| fail(line_no, m))?
            {
                let (month, day, written_year) = s.month_day.take().unwrap_or((1, 1, None));
                match written_year {
                    Some(y) => year = y,
                    // No year: it rolls over when the month goes back (a term across New Year).
                    None if last_month.is_some_and(|m| month < m) => year += 1,
                    None => {}
                }
                let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
                    fail(
                        line_no,
                        format!("{} {day}, {year} is not a date", month_name(month)),
                    )
                })?;
                last_month = Some(month);
                s.date = Some(date);
                if s.start.is_none() {
                    match (options.start, options.end) {
                        (Some(a), Some(b)) => {
                            s.start = Some(a);
                            s.end = Some(b);
                        }
                        _ => {
                            return Err(fail(
                                line_no,
                                "the heading has no time; give --start and --end for such sessions"
                                    .into(),
                            ))
                        }
                    }
                }
                // A deeper session heading under a module heading belongs to it.
                match current_module {
                    Some((m, level)) if hashes > level => s.module = Some(m),
                    _ => current_module = None,
                }
                if let Some(m) = s.module {
                    modules[m].sessions += 1;
                }
                sessions.push(s);
                in_readings = false;
                continue;
            }
            // A top-level heading that is not a session starts a module.
            if hashes == 1 {
                modules.push(PageModule {
                    line: line_no,
                    raw: raw.trim_end().to_owned(),
                    title: unescape_html(line[1..].trim()),
                    readings: Vec::new(),
                    sessions: 0,
                    before_sessions: sessions.is_empty(),
                });
                current_module = Some((modules.len() - 1, hashes));
                in_readings = false;
                continue;
            }
        }
        let Some(current) = sessions.last_mut() else {
            // Before the first session: the page's own introduction.
            intro.push(raw.trim_end().to_owned());
            continue;
        };
        if let Some(topic) = label(&label_text, &["topic"]) {
            current.topic = Some(unescape_html(topic));
            in_readings = false;
        } else if let Some(note) = label(&label_text, &["note"]) {
            current.notes.push(note.to_owned());
            in_readings = false;
        } else if let Some(optional) = readings_label(&label_text) {
            in_readings = true;
            in_optional = optional;
        } else if let (true, Some(item)) = (in_readings, list_item(line)) {
            if !item.eq_ignore_ascii_case("TBA") {
                let reading = parse_reading(item);
                let hrefs = reading
                    .url
                    .iter()
                    .chain(reading.links.iter().flatten().map(|l| &l.url));
                if let Some(rel) = hrefs
                    .into_iter()
                    .find(|h| options.url.is_none() && is_relative(h))
                {
                    return Err(fail(
                        line_no,
                        format!("`{rel}` is a relative link; give --url with the course site to resolve it"),
                    ));
                }
                let reading = OutReading {
                    optional: in_optional.then_some(true),
                    ..reading
                };
                // In the module layout the reading list is the module's.
                match (current.module, current_module) {
                    (Some(m), Some((open, _))) if m == open => modules[m].readings.push(reading),
                    _ => current.readings.push(reading),
                }
            }
        } else {
            warnings.push(Warning {
                line: line_no,
                message: format!("kept in the note of {}: {line}", heading_name(current)),
            });
            current.notes.push(line.to_owned());
        }
    }
    // A module heading with no sessions was just a heading: text before the
    // sessions goes to the intro, anything later is kept with a warning.
    for m in modules.iter().filter(|m| m.sessions == 0) {
        if m.before_sessions {
            intro.push(m.raw.clone());
        } else {
            warnings.push(Warning {
                line: m.line,
                message: format!("not a module (no sessions under it), left out: {}", m.raw),
            });
        }
    }
    if sessions.is_empty() {
        return Err(fail(0, "no sessions found: expected headings such as `# Lecture Session 1: Sep. 28, 15:00-17:00`".into()));
    }
    let count = sessions.len();
    let schedule = to_schedule(
        &modules,
        sessions,
        front_matter.clone(),
        intro,
        options,
        fm_value("title"),
        fm_value("permalink"),
    );
    let yaml =
        serde_yaml::to_string(&schedule).map_err(|e| fail(0, format!("cannot write YAML: {e}")))?;
    let yaml = format!(
        "# Imported from {} by `coursefeed import`.\n# Check course.name, course.id and course.timezone, then run `coursefeed check`.\n{yaml}",
        file.display()
    );
    Ok(Imported {
        yaml,
        sessions: count,
        warnings,
    })
}

/// Markdown text as a reader sees it: a backslash before ASCII punctuation
/// is an escape, and character references (`&lt;`, `&#123;`, `&#x7B;`)
/// stand for their character; what the page renderer writes reads back as
/// the YAML's text. One pass, so the time is linear in the text.
fn unescape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\\' {
            if let Some(next) = rest[1..].chars().next().filter(char::is_ascii_punctuation) {
                out.push(next);
                rest = &rest[2..];
                continue;
            }
        } else if c == '&' {
            if let Some((ch, len)) = entity(rest) {
                out.push(ch);
                rest = &rest[len..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The character a reference at the start of `s` stands for, and its length.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.char_indices().take(12).find(|&(_, c)| c == ';')?.0;
    let name = &s[1..end];
    let ch = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((ch, end + 1))
}

fn is_relative(href: &str) -> bool {
    url::Url::parse(href).is_err()
}

fn is_separator(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "<br>" | "<br/>" | "<br />" | "<hr>" | "<hr/>" | "<hr />" | "---" | "***" | "___"
    )
}

/// A label line without heading marks and bold: `#### **Topic: X**` → `Topic: X`.
fn strip_label(line: &str) -> String {
    let l = line.trim_start_matches('#').trim();
    l.replace("**", "").replace("__", "").trim().to_owned()
}

/// The text after `Name:` when the line is that label.
fn label<'a>(text: &'a str, names: &[&str]) -> Option<&'a str> {
    let (head, rest) = text.split_once(':')?;
    names
        .iter()
        .any(|n| head.trim().eq_ignore_ascii_case(n))
        .then(|| rest.trim())
}

/// A reading-list label: Some(true) for optional reading, Some(false) for
/// required or plain reading, None for anything else.
fn readings_label(text: &str) -> Option<bool> {
    let t = text.trim_end_matches(':').trim().to_ascii_lowercase();
    let t = t.strip_prefix("required ").unwrap_or(&t);
    if let Some(rest) = t.strip_prefix("optional ") {
        return matches!(
            rest,
            "reading" | "readings" | "reading material" | "reading materials"
        )
        .then_some(true);
    }
    matches!(
        t,
        "reading material" | "reading materials" | "readings" | "reading" | "reading list"
    )
    .then_some(false)
}

fn list_item(line: &str) -> Option<&str> {
    line.strip_prefix("* ")
        .or_else(|| line.strip_prefix("- "))
        .map(str::trim)
}

fn heading_name(s: &PageSession) -> String {
    match s.number {
        Some(n) => format!("{} {n}", s.kind),
        None => s.kind.clone(),
    }
}

/// The next place of a pattern at or after a position that only grows:
/// each search resumes where the last one found its match, so scanning a
/// line for many openings stays linear (a line of 100,000 `[` took minutes
/// when every `[` searched the rest of the line anew).
struct Next<'a> {
    hay: &'a str,
    pattern: &'a str,
    found: Option<Option<usize>>,
}

impl<'a> Next<'a> {
    fn new(hay: &'a str, pattern: &'a str) -> Self {
        Next {
            hay,
            pattern,
            found: None,
        }
    }

    fn at_or_after(&mut self, from: usize) -> Option<usize> {
        match self.found {
            Some(None) => None,
            Some(Some(at)) if at >= from => Some(at),
            _ => {
                let at = self.hay[from..].find(self.pattern).map(|i| i + from);
                self.found = Some(at);
                at
            }
        }
    }
}

/// Markdown links in `s`, `[[label](href)]` or `[label](href)`, and the text
/// without them. Linear in the length of `s`.
fn take_links(s: &str) -> (String, Vec<(String, String)>) {
    let mut rest = String::new();
    let mut links = Vec::new();
    let (mut closes, mut parens) = (Next::new(s, "]("), Next::new(s, ")"));
    let mut pos = 0;
    while let Some(open) = s[pos..].find('[').map(|i| i + pos) {
        if open > 0 && s.as_bytes()[open - 1] == b'\\' {
            // An escaped bracket is text, as the page writes it.
            rest.push_str(&s[pos..=open]);
            pos = open + 1;
            continue;
        }
        let double = s[open..].starts_with("[[");
        let label_start = open + if double { 2 } else { 1 };
        let parsed = closes.at_or_after(label_start).and_then(|close| {
            let href_start = close + 2;
            let href_end = parens.at_or_after(href_start)?;
            let mut end = href_end + 1;
            if double {
                if !s[end..].starts_with(']') {
                    return None;
                }
                end += 1;
            }
            Some((
                s[label_start..close].to_owned(),
                s[href_start..href_end].to_owned(),
                end,
            ))
        });
        match parsed {
            Some((label, href, end)) => {
                rest.push_str(&s[pos..open]);
                links.push((label, href));
                pos = end;
            }
            None => {
                rest.push_str(&s[pos..=open]);
                pos = open + 1;
            }
        }
    }
    rest.push_str(&s[pos..]);
    (rest, links)
}

/// One reading: `Title [[pdf](url)] [[slides](url)]`, `[Title](url)` or plain `Title`.
fn parse_reading(item: &str) -> OutReading {
    let (text, links) = take_links(item);
    let title = unescape_html(text.trim());
    if title.is_empty() {
        // The whole item was one link: its text is the title.
        if let Some((label, href)) = links.first() {
            return OutReading {
                title: label.clone(),
                url: Some(href.clone()),
                links: None,
                optional: None,
            };
        }
    }
    let mut links = links.into_iter();
    let url = links.next().map(|(_, href)| href);
    let more: Vec<OutLink> = links.map(|(label, url)| OutLink { label, url }).collect();
    OutReading {
        title,
        url,
        links: (!more.is_empty()).then_some(more),
        optional: None,
    }
}

/// A session heading, or None when the heading is something else.
fn parse_heading(text: &str) -> Result<Option<PageSession>, String> {
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

fn month_name(m: u32) -> &'static str {
    MONTHS.get(m as usize - 1).copied().unwrap_or("?")
}

const MONTHS: [&str; 12] = [
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
fn parse_date(s: &str) -> Option<(MonthDay, &str)> {
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
fn parse_time_range(s: &str) -> Option<(Result<TimeRange, String>, &str)> {
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
fn parse_clock(s: &str) -> Option<((u32, u32), &str)> {
    let h_len = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if !(1..=2).contains(&h_len) {
        return None;
    }
    let h: u32 = s[..h_len].parse().ok()?;
    let rest = &s[h_len..];
    if let Some(m) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('.')) {
        if m.len() >= 2 && m[..2].bytes().all(|b| b.is_ascii_digit()) {
            return Some(((h, m[..2].parse().ok()?), &m[2..]));
        }
        return None;
    }
    Some(((h, 0), rest))
}

#[derive(Debug, Serialize)]
struct OutSchedule {
    course: OutCourse,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<OutPage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    modules: Vec<OutModule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    defaults: Option<OutSession>,
    sessions: Vec<OutSession>,
}

#[derive(Debug, Serialize)]
struct OutCourse {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    timezone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Debug, Serialize)]
struct OutModule {
    id: String,
    title: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    readings: Vec<OutReading>,
}

#[derive(Debug, Serialize)]
struct OutPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    layout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    front_matter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    intro: Option<String>,
}

#[derive(Debug, Default, Serialize)]
struct OutSession {
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    topic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zoom: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    room: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    readings: Option<Vec<OutReading>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<Vec<OutLink>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    module: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct OutReading {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<Vec<OutLink>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    optional: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
struct OutLink {
    label: String,
    url: String,
}

/// The value every session shares, if they all have the same one.
fn shared<T: Clone + PartialEq>(values: impl Iterator<Item = Option<T>>) -> Option<T> {
    let mut first: Option<Option<T>> = None;
    for v in values {
        match &first {
            None => first = Some(v),
            Some(f) if *f != v => return None,
            Some(_) => {}
        }
    }
    first.flatten()
}

fn to_schedule(
    modules: &[PageModule],
    sessions: Vec<PageSession>,
    front_matter: Option<String>,
    intro: Vec<String>,
    options: &Options,
    title: Option<String>,
    permalink: Option<String>,
) -> OutSchedule {
    let hhmm = |t: NaiveTime| t.format("%H:%M").to_string();
    // Values all sessions share go to `defaults:`, as staff would write them.
    let start = shared(sessions.iter().map(|s| s.start.map(hhmm)));
    let end = shared(sessions.iter().map(|s| s.end.map(hhmm)));
    let zoom = shared(sessions.iter().map(|s| s.zoom.clone()));
    let page_url = match (&options.url, &permalink) {
        (Some(base), Some(p)) => url::Url::parse(base)
            .and_then(|b| b.join(p))
            .ok()
            .map(String::from),
        _ => None,
    };
    let defaults = OutSession {
        start: start.clone(),
        end: end.clone(),
        zoom: zoom.clone(),
        url: page_url,
        ..OutSession::default()
    };
    let has_defaults =
        defaults.start.is_some() || defaults.zoom.is_some() || defaults.url.is_some();
    let mut numbers: HashMap<String, u32> = HashMap::new();
    let out_sessions = sessions
        .into_iter()
        .map(|s| {
            // Sessions without a number are numbered in order of appearance.
            let number = s.number.unwrap_or_else(|| {
                let n = numbers.entry(s.kind.clone()).or_insert(0);
                *n += 1;
                *n
            });
            OutSession {
                kind: Some(s.kind),
                number: Some(number),
                date: s.date.map(|d| d.format("%Y-%m-%d").to_string()),
                start: s.start.map(hhmm).filter(|v| Some(v) != start.as_ref()),
                end: s.end.map(hhmm).filter(|v| Some(v) != end.as_ref()),
                topic: s.topic,
                zoom: s.zoom.filter(|z| Some(z) != zoom.as_ref()),
                room: s.room,
                url: None,
                status: s.status.map(str::to_owned),
                note: (!s.notes.is_empty()).then(|| s.notes.join("\n")),
                readings: (!s.readings.is_empty()).then_some(s.readings),
                links: (!s.links.is_empty()).then_some(s.links),
                module: s.module.map(|m| format!("m{}", m + 1)),
            }
        })
        .collect();
    let intro = intro.join("\n").trim().to_owned();
    let used: Vec<usize> = (0..modules.len())
        .filter(|&m| modules[m].sessions > 0)
        .collect();
    let out_modules: Vec<OutModule> = used
        .iter()
        .map(|&m| OutModule {
            id: format!("m{}", m + 1),
            title: modules[m].title.clone(),
            readings: modules[m].readings.clone(),
        })
        .collect();
    let layout = (!out_modules.is_empty()).then(|| "modules".to_owned());
    let page = (front_matter.is_some() || !intro.is_empty() || layout.is_some()).then(|| OutPage {
        layout,
        front_matter,
        intro: (!intro.is_empty()).then_some(intro),
    });
    OutSchedule {
        modules: out_modules,
        course: OutCourse {
            name: options
                .name
                .clone()
                .or(title)
                .unwrap_or_else(|| "Course".into()),
            id: options.id.clone(),
            timezone: options.timezone.clone(),
            url: options.url.clone(),
        },
        page,
        defaults: has_defaults.then_some(defaults),
        sessions: out_sessions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that links are found among many unmatched brackets: the scan
    // resumes where it last found `](` or `)`, so this line of 200,000
    // brackets is read in one pass (it took minutes when each `[` searched
    // the rest of the line).
    #[test]
    fn links_among_many_brackets() {
        let line = format!(
            "[[pdf](/a.pdf)] {}{}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (rest, links) = take_links(&line);
        assert_eq!(links, vec![("pdf".to_owned(), "/a.pdf".to_owned())]);
        assert_eq!(rest.len(), 200_001);
        let (_, links) = take_links("[a](x) [[b](y)] \\[c](z) [d](w");
        assert_eq!(
            links,
            vec![("a".into(), "x".into()), ("b".into(), "y".into())],
            "an escaped bracket is text, and so is a link left open"
        );
    }

    // Test that what the page renderer escapes reads back as written, and
    // that other backslashes and ampersands are left alone.
    #[test]
    fn unescapes_what_the_page_escapes() {
        let original = "{{ x }} {% y %} *a*{: b} $$c$$ a_b `d` [e] |f| ~g~ <h> & \\ 2020. # i";
        let page = crate::page::text(original);
        assert_ne!(page, original);
        assert_eq!(unescape_html(&page), original);
        assert_eq!(
            unescape_html("a \\ b & c &unknown; &#x7B;&#125;"),
            "a \\ b & c &unknown; {}"
        );
    }
}
