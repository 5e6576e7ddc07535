//! Errors and warnings, each pointing at the file, line, session and field
//! it concerns, so staff can fix the YAML without guessing.

use std::fmt;
use std::path::PathBuf;

/// Anything that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The schedule could not be read from disk.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file we tried to read.
        path: PathBuf,
        /// Why the OS refused.
        source: std::io::Error,
    },
    /// An input is larger than any real one of its kind.
    #[error("{}", too_large(path, *size, *limit, what))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size, when the file says (a stream does not).
        size: Option<u64>,
        /// The largest input of its kind, in bytes.
        limit: u64,
        /// What it is, plural: `schedules`.
        what: &'static str,
    },
    /// The schedule has one or more problems; nothing was written.
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostic>),
    /// The output could not be written; the previous file is untouched.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file we tried to replace.
        path: PathBuf,
        /// Why the OS refused.
        source: std::io::Error,
    },
    /// The previously published feed exists but is not iCalendar.
    #[error(
        "cannot read the previous feed `{}`: {reason}\n  hint: fix or remove it, or run with --fresh to rebuild every event from scratch",
        path.display()
    )]
    PreviousUnreadable {
        /// The previous feed.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The previous feed's address (`build --previous URL`) did not give it.
    #[error(
        "cannot read the previous feed at {url}: {reason}\n  hint: check the address, or run with --fresh to start every event again (subscribers' apps may keep stale copies of changed events)"
    )]
    PreviousUnreachable {
        /// The address.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// Sessions in the published feed are gone from the schedule.
    #[error("{}", removed_message(path, sessions))]
    Removed {
        /// The previous feed.
        path: PathBuf,
        /// The events that would vanish from subscribers' calendars.
        sessions: Vec<Removed>,
    },
    /// An output that exists and would be replaced without `--force`.
    #[error("`{}` already exists; pass --force to replace it", .0.display())]
    Exists(PathBuf),
    /// Two of a command's files are one: an output would replace an input or
    /// another output.
    #[error(
        "the {first_role} `{}` and the {second_role} `{}` are the same file; nothing was written\n  hint: give each output a path of its own",
        first.display(),
        second.display()
    )]
    SameFile {
        /// What the first file is for (`schedule`, `feed`, `page`...).
        first_role: String,
        /// The first file as given.
        first: PathBuf,
        /// What the second file is for.
        second_role: String,
        /// The second file as given.
        second: PathBuf,
    },
    /// An output path holds something that is not a file (a folder).
    #[error("cannot write `{}`: it is not a file; nothing was written", .0.display())]
    NotAFile(PathBuf),
    /// A rename failed after others had succeeded; those were put back.
    #[error("cannot replace `{}`: {source}; the files already replaced were restored, nothing changed", path.display())]
    RolledBack {
        /// The file that could not be replaced.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Files a folder build wrote for a course (the manifest says so) that
    /// no course writes any more: deleted only with `--allow-removal`.
    #[error("{}", removal_message(folder, removals))]
    OutputsRemoved {
        /// The folder of course files.
        folder: PathBuf,
        /// The files, course by course.
        removals: Vec<crate::folder::Removal>,
    },
    /// `--previous` given with a folder of schedules.
    #[error(
        "--previous `{}` names one published feed, but a folder build compares each course with its own feed in the output folder\n  hint: leave out --previous, or build the course's file on its own",
        .0.display()
    )]
    PreviousWithFolder(PathBuf),
    /// `SOURCE_DATE_EPOCH` is set but is not a Unix timestamp.
    #[error("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, in the years 1 to 9999, not `{0}`")]
    SourceDateEpoch(String),
}

impl Error {
    /// The diagnostics behind an `Invalid` error (empty for other errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid(d) => d,
            _ => &[],
        }
    }
}

/// A published event no longer in the schedule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Removed {
    /// Its UID.
    pub uid: String,
    /// Its SUMMARY as published.
    pub summary: String,
}

/// The error for files that a folder build would delete: each course and
/// every one of its files, then what to do.
fn removal_message(folder: &std::path::Path, removals: &[crate::folder::Removal]) -> String {
    let mut out = String::new();
    for (i, r) in removals.iter().enumerate() {
        let files: Vec<String> = r
            .outputs
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect();
        if i > 0 {
            out.push('\n');
        }
        match r.gone {
            true => out.push_str(&format!(
                "the course `{}` (`{}`) is no longer in `{}`, but its files are still published: {}",
                r.course,
                r.file.display(),
                folder.display(),
                files.join(", ")
            )),
            false => out.push_str(&format!(
                "the course `{}` (`{}`) no longer writes {}, which {} still published",
                r.course,
                r.file.display(),
                files.join(", "),
                match files.len() {
                    1 => "is",
                    _ => "are",
                }
            )),
        }
    }
    out.push_str("\n  their subscribers would keep calendars that never change again\n  hint: put back what was taken out, or run again with --allow-removal to delete these files");
    out
}

fn too_large(path: &std::path::Path, size: Option<u64>, limit: u64, what: &str) -> String {
    let limit = limit / 1024 / 1024;
    let size = match size {
        Some(size) => format!("{size} bytes"),
        None => format!("over {limit} MiB"),
    };
    let hint = match what {
        "schedules" => "\n  hint: a course of 100,000 sessions is about 30 MiB; split a larger one into files in a folder",
        _ => "",
    };
    format!(
        "`{}` is {size}; {what} over {limit} MiB are refused{hint}",
        path.display(),
    )
}

fn removed_message(path: &std::path::Path, sessions: &[Removed]) -> String {
    let mut out = format!(
        "{} published in `{}` {} missing from the schedule; subscribers would silently lose {}:",
        plural(sessions.len(), "session"),
        path.display(),
        if sessions.len() == 1 { "is" } else { "are" },
        if sessions.len() == 1 { "it" } else { "them" },
    );
    for s in sessions {
        out.push_str(&format!("\n  - {} (UID {})", s.summary, s.uid));
    }
    out.push_str(
        "\n  hint: to call a session off, keep it with `status: cancelled`; to drop it anyway, run again with --allow-removal",
    );
    out
}

/// ` (line N)`, or nothing when the line is not known.
fn at_line(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(" (line {line})")
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn render_all(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| match d.problem {
            // It stands for so many, not kept.
            Problem::MoreProblems(more) => more,
            _ => 1,
        })
        .sum::<usize>();
    let mut out = render_capped(diagnostics);
    if errors > 1 {
        out.push_str(&format!("\n{errors} problems found; nothing was written"));
    }
    out
}

/// At most this many diagnostics are shown; a systematic mistake in a
/// generated schedule would otherwise print one per session.
pub const MAX_SHOWN_DIAGNOSTICS: usize = 50;

/// Diagnostics, one rendered block each, at most [`MAX_SHOWN_DIAGNOSTICS`].
pub fn render_capped(diagnostics: &[Diagnostic]) -> String {
    let mut out = diagnostics
        .iter()
        .take(MAX_SHOWN_DIAGNOSTICS)
        .map(Diagnostic::render)
        .collect::<Vec<_>>()
        .join("\n");
    if diagnostics.len() > MAX_SHOWN_DIAGNOSTICS {
        out.push_str(&format!(
            "\n... and {} more not shown",
            diagnostics.len() - MAX_SHOWN_DIAGNOSTICS
        ));
    }
    out
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The build stops.
    Error,
    /// The build goes on; the person running it should look.
    Warning,
    /// What a command assumed, and how to change it.
    Note,
}

/// One problem, located in the schedule file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The schedule file.
    pub file: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// The session concerned, e.g. "Lecture 3".
    pub session: Option<String>,
    /// The field concerned, e.g. "end" or `readings[1].url`.
    pub field: Option<String>,
    /// What is wrong.
    pub problem: Problem,
    /// The offending line of the file, for context.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A problem at a line of `file` (0: the file as a whole), with no
    /// column, session or field.
    pub fn at(severity: Severity, file: &std::path::Path, line: usize, problem: Problem) -> Self {
        Diagnostic {
            severity,
            file: file.to_owned(),
            line,
            column: 0,
            session: None,
            field: None,
            problem,
            source_line: None,
        }
    }

    /// With the offending line shown under the message.
    pub fn showing(mut self, source_line: &str) -> Self {
        self.source_line = Some(source_line.to_owned());
        self
    }

    /// The one-line form, then the source line and a hint when there are any.
    pub fn render(&self) -> String {
        let mut out = printable(&self.to_string()).into_owned();
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            out.push_str(&format!("\n {gutter} | {}", printable(src)));
        }
        if let Some(hint) = self.problem.hint() {
            out.push_str(&format!("\n  hint: {}", printable(&hint)));
        }
        out
    }
}

/// Text for a terminal: control characters from the YAML (ESC, CR, NUL...)
/// are shown escaped, `\u{1b}`, so that they can neither move the cursor,
/// clear the screen nor hide what is printed. Tabs stay.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\t' && c != '\n')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\t' && c != '\n' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `file:line:col: session, field `x`: message`: everything needed on one line.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(f, "{level}: {}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": ")?;
        match (&self.session, &self.field) {
            (Some(s), Some(field)) => write!(f, "{s}, field `{field}`: ")?,
            (Some(s), None) => write!(f, "{s}: ")?,
            (None, Some(field)) => write!(f, "field `{field}`: ")?,
            (None, None) => {}
        }
        write!(f, "{}", self.problem)
    }
}

/// Every kind of problem a schedule can have.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// Nothing but whitespace and comments.
    #[error("the file is empty")]
    EmptyFile,
    /// Not UTF-8 text at all.
    #[error("the file is not UTF-8 text (byte {offset} is invalid)")]
    NotText {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// YAML syntax error.
    #[error("not valid YAML: {0}")]
    NotYaml(String),
    /// A YAML syntax error of a common kind, with advice on it.
    #[error("not valid YAML: {message}")]
    YamlMistake {
        /// What the reader said.
        message: String,
        /// What usually fixes it.
        hint: String,
    },
    /// More of something than any schedule has: nesting, list items,
    /// mapping keys, aliases, sessions made by patterns (docs/limits.md).
    #[error("{what}")]
    OverLimit {
        /// What crossed which limit.
        what: String,
        /// What a real course does instead.
        hint: String,
    },
    /// A YAML tag (`!date`, `!!python/object`) the schedule does not define.
    #[error("the YAML tag `{0}` means nothing in a schedule")]
    UndefinedTag(String),
    /// A key given twice in one mapping.
    #[error("`{0}` is given twice")]
    DuplicateField(String),
    /// A file of more than one YAML document (a `---` after the schedule).
    #[error("a second YAML document starts here; a schedule is one document")]
    SecondDocument,
    /// A key the format does not know.
    #[error("unknown field `{field}`")]
    UnknownField {
        /// The key as written.
        field: String,
        /// The closest known key, if any is close.
        suggestion: Option<String>,
        /// The keys allowed here.
        expected: Vec<String>,
    },
    /// A required key is absent.
    #[error("missing required field `{0}`")]
    MissingField(String),
    /// The YAML has the wrong shape (a list where a text belongs, ...).
    #[error("{0}")]
    Shape(String),
    /// Neither `number` nor `id`: the session would have no stable identity.
    #[error("a session needs a `number` or an `id`")]
    NoIdentity,
    /// A date that does not parse.
    #[error("`{0}` is not a date")]
    BadDate(String),
    /// A date written right whose day the month does not have.
    #[error("`{date}` is not a date: {month} has {days} days")]
    NoSuchDay {
        /// As written.
        date: String,
        /// `February 2020`.
        month: String,
        /// How many days that month has.
        days: u32,
    },
    /// A time of day that does not parse.
    #[error("`{0}` is not a time of day")]
    BadTime(String),
    /// A session number that is not a whole number.
    #[error("`{0}` is not a session number")]
    BadNumber(String),
    /// A status other than the three we know.
    #[error("`{0}` is not a status")]
    BadStatus(String),
    /// A refresh interval we cannot read.
    #[error("`{0}` is not a refresh interval")]
    BadRefresh(String),
    /// A session that ends when or before it starts.
    #[error("ends at {end}, which is not after its start at {start}")]
    EndNotAfterStart {
        /// Local start time.
        start: String,
        /// Local end time.
        end: String,
    },
    /// An IANA zone name chrono-tz does not know.
    #[error("unknown time zone `{name}`")]
    UnknownTimeZone {
        /// The name as written.
        name: String,
        /// A known zone with a similar name.
        suggestion: Option<String>,
    },
    /// A local time skipped by a DST change.
    #[error("{time} on {date} does not exist in {zone}: clocks skip that hour")]
    NonexistentLocalTime {
        /// The local date.
        date: String,
        /// The local time.
        time: String,
        /// The zone's IANA name.
        zone: String,
    },
    /// A local time that happens twice because of a DST change.
    #[error("{time} on {date} happens twice in {zone}; the earlier one ({utc}) is used and written in UTC")]
    AmbiguousLocalTime {
        /// The local date.
        date: String,
        /// The local time.
        time: String,
        /// The zone's IANA name.
        zone: String,
        /// The instant chosen.
        utc: String,
    },
    /// Two sessions map to the same UID.
    #[error("same identity as {other}{}: both would get UID `{uid}`", at_line(*other_line))]
    DuplicateSession {
        /// The UID both would get.
        uid: String,
        /// The first session with it.
        other: String,
        /// Where that one is.
        other_line: usize,
    },
    /// A link that is not a URL.
    #[error("`{value}` is not a valid link: {reason}")]
    BadUrl {
        /// The link as written.
        value: String,
        /// What the URL parser said.
        reason: String,
    },
    /// A link whose scheme calendar apps and browsers should not follow.
    #[error("`{0}` is not an http(s) link")]
    UnsupportedScheme(String),
    /// A link that reads as a web address written without its scheme.
    #[error("`{0}` looks like a web address without `https://`")]
    LooksLikeHost(String),
    /// A relative link with no `course.url` to resolve it against.
    #[error("`{0}` is a relative link, but `course.url` is not set")]
    RelativeWithoutBase(String),
    /// Two sessions at the same time.
    #[error("overlaps {other}{}", at_line(*other_line))]
    Overlap {
        /// The other session.
        other: String,
        /// Where it is.
        other_line: usize,
    },
    /// A session listed after one that comes later: the page lists them in
    /// the order written.
    #[error("is on {date}, before {other}{} listed above it; the page shows sessions in the order written", at_line(*other_line))]
    OutOfOrder {
        /// Its date.
        date: String,
        /// The later session listed above it.
        other: String,
        /// Where that one is.
        other_line: usize,
    },
    /// A schedule with no sessions.
    #[error("the schedule has no sessions")]
    NoSessions,
    /// The page to render has no front matter.
    #[error("the page `{0}` has no front matter, so Jekyll copies it as a raw .md file")]
    PageWithoutFrontMatter(String),
    /// The page to render cannot offer the feed.
    #[error("the page `{0}` has no subscribe block: it needs `feed.url`")]
    PageWithoutSubscribe(String),
    /// `feed.url` names another file than the one the build writes the
    /// course's feed to: the page's subscribe links would not find it.
    #[error("feed.url names `{named}`, but this build writes the course's feed to `{written}`: the page's subscribe links would lead nowhere")]
    FeedUrlNamesOtherFile {
        /// The file name at the end of feed.url.
        named: String,
        /// The file name the build writes.
        written: String,
    },
    /// Two courses of a folder with one id: their UIDs would collide.
    #[error("course id `{id}` is also the id of `{other}`; their events would share UIDs")]
    DuplicateCourseId {
        /// The id.
        id: String,
        /// The other course's file.
        other: String,
    },
    /// A plain text value that ` #` cut short: the rest is a YAML comment.
    #[error("` #` starts a YAML comment here, so `{key}` is only `{kept}`")]
    CutByComment {
        /// The key.
        key: String,
        /// What YAML kept.
        kept: String,
        /// The whole text as written.
        meant: String,
    },
    /// A pattern that ends before it starts.
    #[error("`until` ({until}) is before `from` ({from})")]
    UntilBeforeFrom {
        /// The first day.
        from: String,
        /// The last day.
        until: String,
    },
    /// More problems than are kept of one file (see `validate::MAX_FINDINGS`).
    #[error("{0} more problems in this file, not listed")]
    MoreProblems(usize),
    /// A pattern of more days than any course has.
    #[error("the pattern has more than {0} days")]
    TooManySlots(usize),
    /// A date that should be one of the pattern's days and is not.
    #[error("{0} is not one of the pattern's days")]
    NotOnPattern(String),
    /// A field an occurrence cannot change.
    #[error("an occurrence's `{0}` is set by the pattern")]
    SetByPattern(String),
    /// A weekday we cannot read.
    #[error("`{0}` is not a weekday")]
    BadWeekday(String),
    /// An audience feed's file that is not a plain `.ics` file name.
    #[error("`{0}` is not a feed file name")]
    BadFeedFile(String),
    /// An audience feed named like another feed of the course.
    #[error("`{0}` is the file of another feed of this course")]
    FeedFileTaken(String),
    /// A feed larger than Google Calendar reads in a subscription.
    #[error("{events} events, {bytes} bytes: Google Calendar reads about 1,000 events or 1 MB of a subscribed feed and silently drops the rest")]
    FeedTooLarge {
        /// Events in the feed.
        events: usize,
        /// Its size.
        bytes: u64,
    },
    /// A page to import without a single session heading.
    #[error(
        "no sessions found: expected headings such as `# Lecture Session 1: Sep. 28, 15:00-17:00`"
    )]
    PageWithoutSessions,
    /// A session heading whose date or time does not exist.
    #[error("{0}")]
    PageHeading(String),
    /// A session heading without a time, and no `--start`/`--end`.
    #[error("the heading has no time")]
    HeadingWithoutTime,
    /// A relative link on a page imported without `--url`.
    #[error("`{0}` is a relative link")]
    PageRelativeLink(String),
    /// A line of a page that is not a label, reading or heading.
    #[error("kept in the note of {session}: {text}")]
    KeptInNote {
        /// The session it was kept with.
        session: String,
        /// The line.
        text: String,
    },
    /// A heading of a page with no session under it.
    #[error("not a module (no sessions under it), left out: {0}")]
    NotAModule(String),
    /// The import assumed the course's zone.
    #[error("course.timezone is {0}, assumed")]
    AssumedZone(String),
    /// The import took the calendar's name from the page's title.
    #[error("course.name is `{0}`, the page's title")]
    NameFromTitle(String),
    /// The import gave the feed the usual address on the course site.
    #[error("feed.url is {0}, assumed, for the page's subscribe links")]
    AssumedFeedUrl(String),
    /// The import named the calendar `Course`.
    #[error("course.name is `Course`, assumed")]
    AssumedName,
    /// What an import found unsure or missing on a page, and how to settle it.
    #[error("{message}")]
    Import {
        /// What is wrong, in the page's terms.
        message: String,
        /// The option or edit that settles it.
        hint: Option<String>,
    },
}

impl Problem {
    /// What to do about it, when that is not obvious from the message.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Problem::UnknownField {
                suggestion: Some(s),
                ..
            } => format!("did you mean `{s}`?"),
            Problem::UnknownField { expected, .. } if !expected.is_empty() => {
                format!("expected one of: {}", expected.join(", "))
            }
            Problem::DuplicateField(_) => "keep one of the two".into(),
            Problem::YamlMistake { hint, .. } | Problem::OverLimit { hint, .. } => hint.clone(),
            Problem::UndefinedTag(_) => {
                "remove the tag: every value is read as the text written".into()
            }
            Problem::SecondDocument => {
                "remove the `---` line, or move what follows into another file".into()
            }
            // libyaml: "found a tab character that violates indentation",
            // "while scanning a plain scalar, found a tab".
            Problem::NotYaml(m) if m.contains(" tab") => {
                "YAML indents with spaces: replace the tab".into()
            }
            Problem::BadDate(_) => "write dates as YYYY-MM-DD, e.g. 2020-09-28".into(),
            Problem::BadTime(_) => {
                "write times as HH:MM from 00:00 to 23:59, e.g. \"15:00\"".into()
            }
            Problem::BadNumber(_) => "use a whole number such as 3".into(),
            Problem::BadStatus(_) => "use confirmed, tentative or cancelled".into(),
            Problem::BadRefresh(_) => {
                "write a number of minutes, hours or days: 30m, 12h, 1d".into()
            }
            Problem::NoIdentity => {
                "the UID that keeps calendars in sync is made from kind + number, or from id".into()
            }
            Problem::UnknownTimeZone {
                suggestion: Some(s),
                ..
            } => format!("did you mean `{s}`?"),
            Problem::UnknownTimeZone { .. } => "use an IANA name such as Europe/Stockholm".into(),
            Problem::NonexistentLocalTime { .. } => {
                "pick a time outside the DST change, e.g. an hour later".into()
            }
            Problem::DuplicateSession { .. } => {
                "give each session its own kind + number, or an explicit `id`".into()
            }
            Problem::UnsupportedScheme(_) => "links must start with http:// or https://".into(),
            Problem::OutOfOrder { .. } => {
                "move it up to its date, unless the page should list it here".into()
            }
            Problem::LooksLikeHost(s) => {
                format!("write `https://{s}`; a file on the course site starts with `/` or `./`")
            }
            Problem::PageWithoutFrontMatter(_) => {
                "add `page.front_matter:` (e.g. `layout: page` and `title: Schedule`)".into()
            }
            Problem::PageWithoutSubscribe(_) => {
                "set `feed.url` to where the site serves the feed (e.g. `/schedule.ics`)".into()
            }
            Problem::FeedUrlNamesOtherFile { written, .. } => format!(
                "end feed.url with `{written}`, the name of the file this build writes"
            ),
            Problem::DuplicateCourseId { .. } => {
                "give each course its own `course.id` (without one, it is made from `course.name`)"
                    .into()
            }
            Problem::CutByComment { key, meant, .. } => {
                format!("quote the whole value to keep the `#`: `{key}: \"{meant}\"`")
            }
            Problem::NotOnPattern(_) => {
                "use a date the pattern meets: one of its `days` between `from` and `until`".into()
            }
            Problem::SetByPattern(_) => {
                "kinds and numbers come from the pattern's `kinds`; change the pattern, or take the session out into `sessions:`".into()
            }
            Problem::BadFeedFile(_) => {
                "give a file name ending in .ics, e.g. `deadlines.ics`; it is written beside the course's feed".into()
            }
            Problem::BadWeekday(_) => "write Monday ... Sunday, or Mon ... Sun".into(),
            Problem::TooManySlots(_) => "check `from` and `until`".into(),
            Problem::MoreProblems(_) => {
                "mend the problems above, most likely one mistake repeated; the rest show on the next run".into()
            }
            Problem::FeedTooLarge { .. } => {
                "keep it to a window with `feed.keep_days` (`--keep-days` for a folder's combined feed), or split it with `audiences:`".into()
            }
            Problem::HeadingWithoutTime => "give --start and --end for such sessions".into(),
            Problem::PageRelativeLink(_) => "give --url with the course site to resolve it".into(),
            Problem::AssumedZone(_) => "pass --timezone if the page's times are elsewhere".into(),
            Problem::NameFromTitle(_) => "pass --name to change it".into(),
            Problem::AssumedFeedUrl(_) => {
                "publish the feed there, or change `feed.url` to where the site serves it".into()
            }
            Problem::AssumedName => "pass --name to name the calendar".into(),
            Problem::Import { hint: Some(h), .. } => h.clone(),
            Problem::RelativeWithoutBase(_) => {
                "set `course.url` to the course site, or write the full link".into()
            }
            _ => return None,
        })
    }
}
