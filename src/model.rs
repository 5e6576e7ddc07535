//! The validated schedule: what every renderer reads.
//!
//! Values here have already been checked (dates exist, times resolve to
//! instants, links are absolute http(s) URLs), so renderers never fail on
//! content and never need to know where a value came from in the YAML.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use url::Url;

use crate::tzdb::{Provenance, Zone};

/// A course and its sessions, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The course the sessions belong to.
    pub course: Course,
    /// Settings that only concern the published feed.
    pub feed: FeedSettings,
    /// Settings that only concern the schedule page.
    pub page: PageSettings,
    /// Sessions in the order the YAML lists them, then the deadlines.
    pub sessions: Vec<Session>,
    /// Modules, in the order the YAML lists them.
    pub modules: Vec<Module>,
    /// The tz database the instants were computed with.
    pub tzdata: Provenance,
    /// What each meeting pattern expanded to, in the order written.
    pub patterns: Vec<PatternSummary>,
    /// Feeds for one audience each, besides the course's feed.
    pub audiences: Vec<Audience>,
}

/// A meeting pattern, as `check` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternSummary {
    /// Its weekdays, as written.
    pub days: Vec<String>,
    /// Its first day.
    pub from: NaiveDate,
    /// Its last day.
    pub until: NaiveDate,
    /// How many sessions it stands for, cancelled ones included.
    pub sessions: usize,
    /// How many of them a holiday or `skip` cancels.
    pub days_off: usize,
}

/// A feed for one audience: some kinds, some groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// The feed's file name, beside the course's feed.
    pub file: String,
    /// Its calendar name.
    pub name: String,
    /// Only these kinds; empty: any kind.
    pub kinds: Vec<String>,
    /// Only these groups' sessions and everyone's; empty: any.
    pub groups: Vec<String>,
}

impl Audience {
    /// Whether `s` is in this audience's feed.
    pub fn includes(&self, s: &Session) -> bool {
        let kind =
            self.kinds.is_empty() || self.kinds.iter().any(|k| k.eq_ignore_ascii_case(&s.kind));
        let group = self.groups.is_empty()
            || s.groups.is_empty()
            || s.groups.iter().any(|g| self.groups.contains(g));
        kind && group
    }
}

/// A group of sessions with a title and a shared reading list.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// How sessions refer to it.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The reading list its sessions share.
    pub readings: Vec<Reading>,
}

/// The course: its name, its identity and its home time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    /// Shown as the calendar's name in the subscriber's app.
    pub name: String,
    /// Stable identity used in every UID; defaults to a slug of the name.
    pub id: String,
    /// The zone every session time is local to, unless a session says otherwise.
    pub timezone: Zone,
    /// Base for relative reading links and the default event URL.
    pub url: Option<Url>,
}

/// How the published feed asks to be refreshed, and where it is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSettings {
    /// Advice to subscribing apps on how often to poll (RFC 7986 REFRESH-INTERVAL).
    pub refresh: chrono::Duration,
    /// The feed's public address, for the page's subscribe links.
    pub url: Option<Url>,
    /// Leave out sessions that ended more than this many days before the
    /// build (a long-running or combined feed); None keeps all.
    pub keep_days: Option<u32>,
}

impl Default for FeedSettings {
    fn default() -> Self {
        FeedSettings {
            refresh: chrono::Duration::hours(12),
            url: None,
            keep_days: None,
        }
    }
}

/// The schedule page's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSettings {
    /// Jekyll front matter, without the `---` lines.
    pub front_matter: Option<String>,
    /// Markdown shown before the sessions, as written.
    pub intro: Option<String>,
    /// Whether the page carries the "Subscribe" block.
    pub subscribe: bool,
    /// Where `build` writes the page, if it should.
    pub output: Option<std::path::PathBuf>,
    /// How the page is laid out.
    pub layout: Layout,
}

/// The page layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// One `#` heading per session: the course's original page.
    #[default]
    Sessions,
    /// One `#` heading per module, a `##` line per session, then the
    /// module's Required and Optional Reading.
    Modules,
}

impl Default for PageSettings {
    fn default() -> Self {
        PageSettings {
            front_matter: None,
            intro: None,
            subscribe: true,
            output: None,
            layout: Layout::Sessions,
        }
    }
}

/// A link as written in the YAML (the page shows it so) and resolved (the
/// feed needs it absolute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// As written, e.g. `/papers/x.pdf`.
    pub written: String,
    /// Absolute, percent-encoded, http(s): checked by validation.
    pub url: String,
}

/// A further link of a reading, such as slides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledLink {
    /// What it is, e.g. "slides".
    pub label: String,
    /// Where.
    pub link: Link,
}

/// Whether a session takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// The default: the session happens as listed.
    #[default]
    Confirmed,
    /// Planned but not yet certain.
    Tentative,
    /// Called off; kept in the feed so calendars show it as cancelled.
    Cancelled,
}

impl Status {
    /// The RFC 5545 STATUS value for a VEVENT.
    pub fn ical(self) -> &'static str {
        match self {
            Status::Confirmed => "CONFIRMED",
            Status::Tentative => "TENTATIVE",
            Status::Cancelled => "CANCELLED",
        }
    }
}

/// One meeting of the course.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Free text such as "Lecture" or "Discussion"; also the event's category.
    pub kind: String,
    /// The session's number within its kind, if it has one.
    pub number: Option<u32>,
    /// An explicit identity that survives renumbering.
    pub id: Option<String>,
    /// The event's UID: derived from identity only, never from content or time,
    /// so that moving or retitling a session updates the same calendar entry.
    pub uid: String,
    /// The zone `date`, `start` and `end` are local to.
    pub timezone: Zone,
    /// Local date of the session.
    pub date: NaiveDate,
    /// Local start time.
    pub start: NaiveTime,
    /// Local end time, on the same date.
    pub end: NaiveTime,
    /// The instant the session starts.
    pub starts_at: DateTime<Utc>,
    /// The instant the session ends.
    pub ends_at: DateTime<Utc>,
    /// What the session is about.
    pub topic: Option<String>,
    /// The online meeting link.
    pub zoom: Option<Link>,
    /// A physical room.
    pub room: Option<String>,
    /// Free text for anything else students should know.
    pub note: Option<String>,
    /// A page about this session (falls back to the course URL).
    pub url: Option<Url>,
    /// What to read; empty means "to be announced".
    pub readings: Vec<Reading>,
    /// Labelled links such as slides or a recording.
    pub links: Vec<LabelledLink>,
    /// The id of the module the session belongs to.
    pub module: Option<String>,
    /// The groups (sections) it is for; empty: everyone.
    pub groups: Vec<String>,
    /// Whether it takes place.
    pub status: Status,
    /// The course's name, set only in a feed that combines courses.
    pub course_name: Option<String>,
    /// A dated item to hand in rather than a meeting: kind "Deadline", the
    /// title as topic, and `start == end`.
    pub deadline: bool,
    /// Due some time that day, not at a time: a DATE value in the feed.
    pub all_day: bool,
}

impl Session {
    /// A short name for people: "Lecture 3", or the id when there is no number.
    pub fn label(&self) -> String {
        label(&self.kind, self.number, self.id.as_deref())
    }

    /// Local start as a wall-clock date and time.
    pub fn local_start(&self) -> NaiveDateTime {
        self.date.and_time(self.start)
    }

    /// Local end as a wall-clock date and time.
    pub fn local_end(&self) -> NaiveDateTime {
        self.date.and_time(self.end)
    }
}

/// The name people use for a session, shared by the model and by error messages
/// that are produced before a session is fully valid.
pub(crate) fn label(kind: &str, number: Option<u32>, id: Option<&str>) -> String {
    match (number, id) {
        (Some(n), _) => format!("{kind} {n}"),
        (None, Some(id)) => format!("{kind} `{id}`"),
        (None, None) => kind.to_string(),
    }
}

/// A paper, chapter or page to read for a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The title as written.
    pub title: String,
    /// Where to find it (the page labels it "pdf").
    pub url: Option<Link>,
    /// Further links: slides, code, ...
    pub links: Vec<LabelledLink>,
    /// Recommended rather than required.
    pub optional: bool,
}
