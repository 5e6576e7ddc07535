//! The schedule as written: raw structs that serde fills from the YAML,
//! every value kept as the text written. Unknown keys are not denied here
//! but collected (`unknown.rs`), so that one typo hides no other problem.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// The schedule as written, before validation.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a schedule: a mapping with `course` and `sessions`")]
pub struct RawSchedule {
    /// The `course:` section.
    #[serde(default)]
    pub course: Option<RawCourse>,
    /// The `feed:` section.
    #[serde(default)]
    pub feed: Option<RawFeed>,
    /// Values every session takes unless it sets its own.
    #[serde(default)]
    pub defaults: Option<RawSession>,
    /// The sessions, in order.
    #[serde(default)]
    pub sessions: Option<Vec<RawSession>>,
    /// The `page:` section.
    #[serde(default)]
    pub page: Option<RawPage>,
    /// Dated items to hand in.
    #[serde(default)]
    pub deadlines: Option<Vec<RawDeadline>>,
    /// Groups of sessions sharing a title and a reading list.
    #[serde(default)]
    pub modules: Option<Vec<RawModule>>,
    /// Meeting patterns: sessions on weekdays from a date until a date.
    #[serde(default)]
    pub patterns: Option<Vec<RawPattern>>,
    /// Days without class, for every pattern.
    #[serde(default)]
    pub holidays: Option<Vec<RawHoliday>>,
    /// Extra feeds, each for one audience (a kind, a group).
    #[serde(default)]
    pub audiences: Option<Vec<RawAudience>>,
}

/// A meeting pattern as written: the sessions it stands for are expanded
/// before validation and checked like any other.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(expecting = "a pattern: a mapping with `days`, `from`, `until` and `kinds`")]
pub struct RawPattern {
    /// Weekdays, `Monday` or `Mon`.
    pub days: Option<Vec<Scalar>>,
    /// The first day, YYYY-MM-DD.
    pub from: Option<Scalar>,
    /// The last day, YYYY-MM-DD (inclusive).
    pub until: Option<Scalar>,
    /// The kinds in turn: `[Lecture, Discussion]` alternates.
    pub kinds: Option<Vec<Scalar>>,
    /// HH:MM, for every occurrence.
    pub start: Option<Scalar>,
    /// HH:MM, for every occurrence.
    pub end: Option<Scalar>,
    /// A room for every occurrence.
    pub room: Option<Scalar>,
    /// An online meeting link for every occurrence.
    pub zoom: Option<Scalar>,
    /// The groups every occurrence is for.
    pub groups: Option<Vec<Scalar>>,
    /// Days of this pattern without class.
    pub skip: Option<Vec<Scalar>>,
    /// Changes to single occurrences, by their date in the pattern.
    pub occurrences: Option<std::collections::BTreeMap<String, RawSession>>,
}

/// A day without class.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(expecting = "a holiday: a mapping with `date`")]
pub struct RawHoliday {
    /// YYYY-MM-DD.
    pub date: Option<Scalar>,
    /// Shown in the cancelled occurrence.
    pub name: Option<Scalar>,
}

/// A feed for one audience as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(expecting = "an audience: a mapping with `file`, `name` and `kinds` or `groups`")]
pub struct RawAudience {
    /// The feed's file name, beside the course's feed.
    pub file: Option<Scalar>,
    /// The calendar's name.
    pub name: Option<Scalar>,
    /// Only these kinds (any when absent).
    pub kinds: Option<Vec<Scalar>>,
    /// Only these groups' sessions and everyone's (any when absent).
    pub groups: Option<Vec<Scalar>>,
}

/// One module as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(expecting = "a module: a mapping with `id` and `title`")]
pub struct RawModule {
    /// How sessions refer to it.
    pub id: Option<Scalar>,
    /// Its title, the topic of its sessions unless they set their own.
    pub title: Option<Scalar>,
    /// The reading list its sessions share.
    pub readings: Option<Vec<RawReading>>,
}

/// One deadline as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(expecting = "a deadline: a mapping with `title` and `date`")]
pub struct RawDeadline {
    /// What is due.
    pub title: Option<Scalar>,
    /// YYYY-MM-DD.
    pub date: Option<Scalar>,
    /// HH:MM; without it the deadline is all day.
    pub time: Option<Scalar>,
    /// Where to hand in, or the assignment.
    pub url: Option<Scalar>,
    /// Explicit identity (default: the title as a slug).
    pub id: Option<Scalar>,
}

/// `page:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "page settings: a mapping")]
pub struct RawPage {
    /// Jekyll front matter, a block of text.
    pub front_matter: Option<Scalar>,
    /// Markdown shown before the sessions.
    pub intro: Option<Scalar>,
    /// Whether to show the subscribe block.
    pub subscribe: Option<Scalar>,
    /// Where `build` writes the page.
    pub output: Option<Scalar>,
    /// `sessions` (default) or `modules`.
    pub layout: Option<Scalar>,
}

/// `course:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "the course: a mapping with `name` and `timezone`")]
pub struct RawCourse {
    /// Calendar name.
    pub name: Option<Scalar>,
    /// Stable identity for UIDs.
    pub id: Option<Scalar>,
    /// IANA zone name.
    pub timezone: Option<Scalar>,
    /// Course site, base for relative links.
    pub url: Option<Scalar>,
}

/// `feed:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "feed settings: a mapping")]
pub struct RawFeed {
    /// Refresh hint such as `12h`.
    pub refresh: Option<Scalar>,
    /// The feed's public address.
    pub url: Option<Scalar>,
    /// Leave out sessions that ended more than this many days ago.
    pub keep_days: Option<Scalar>,
}

/// One session (or the `defaults:` section) as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(expecting = "a session: a mapping with `kind`, `date`, ...")]
pub struct RawSession {
    /// Lecture, Discussion, ...
    pub kind: Option<Scalar>,
    /// Number within the kind.
    pub number: Option<Scalar>,
    /// Explicit identity.
    pub id: Option<Scalar>,
    /// YYYY-MM-DD.
    pub date: Option<Scalar>,
    /// HH:MM.
    pub start: Option<Scalar>,
    /// HH:MM.
    pub end: Option<Scalar>,
    /// Overrides the course zone for this session.
    pub timezone: Option<Scalar>,
    /// What the session is about.
    pub topic: Option<Scalar>,
    /// Online meeting link.
    pub zoom: Option<Scalar>,
    /// Physical room.
    pub room: Option<Scalar>,
    /// Free text.
    pub note: Option<Scalar>,
    /// A page about the session.
    pub url: Option<Scalar>,
    /// confirmed, tentative or cancelled.
    pub status: Option<Scalar>,
    /// Reading list; absent or empty means TBA.
    pub readings: Option<Vec<RawReading>>,
    /// Labelled links: slides, a recording, code.
    pub links: Option<Vec<RawLink>>,
    /// The id of the module the session belongs to.
    pub module: Option<Scalar>,
    /// The groups (sections) it is for; none: everyone.
    pub groups: Option<Vec<Scalar>>,
}

/// One reading as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(expecting = "a reading: a mapping with `title` and `url`")]
pub struct RawReading {
    /// The title.
    pub title: Option<Scalar>,
    /// Where to get it; may be relative to `course.url`.
    pub url: Option<Scalar>,
    /// Further labelled links.
    pub links: Option<Vec<RawLink>>,
    /// `true` for recommended, not required, reading.
    pub optional: Option<Scalar>,
}

/// A labelled link as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(expecting = "a link: a mapping with `label` and `url`")]
pub struct RawLink {
    /// What it is.
    pub label: Option<Scalar>,
    /// Where; may be relative to `course.url`.
    pub url: Option<Scalar>,
}

/// Any YAML scalar, kept as the text it stands for.
///
/// YAML 1.1 tools read an unquoted `15:00` as the number 900 and yaml_serde
/// reads `1.10` as the number 1.1; taking every scalar as the text written
/// lets `validate` interpret it by field, with one message style for all of
/// them, and keeps text fields exactly as staff wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl Scalar {
    /// The text, trimmed of surrounding whitespace.
    pub fn as_str(&self) -> &str {
        self.0.trim()
    }

    /// The trimmed text, owned: the same string when there is nothing to trim.
    pub fn into_text(self) -> String {
        if self.as_str().len() == self.0.len() {
            self.0
        } else {
            self.as_str().to_owned()
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a single value (text, number or date)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        // Asked for a string, yaml_serde hands over a plain scalar's text as
        // written: `room: 1.10` stays "1.10", not the number 1.1, and `0x1F`
        // or `1e3` stay what staff typed.
        deserializer.deserialize_str(ScalarVisitor)
    }
}
