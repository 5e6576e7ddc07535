//! The change report: what a rebuild adds, changes and removes, for people
//! (Display) and for scripts (Serialize).

use serde::Serialize;

/// What changed since the previously published feed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Sessions not in the published feed.
    pub added: Vec<Added>,
    /// Published events whose session is gone from the schedule.
    pub removed: Vec<Removed>,
    /// Sessions whose event changed (time, text, links, status...).
    pub changed: Vec<Changed>,
    /// How many events are exactly as published.
    pub unchanged: usize,
    /// The tz database the published feed was built with, when it differs
    /// from this build's or moved an event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tzdata: Option<TzdataChange>,
    /// Sessions left out because they ended before the feed's window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_window: Option<OutsideWindow>,
    /// The numbers of entries [`Report::drop_entries`] let go.
    #[serde(skip)]
    pub dropped: Counts,
}

/// How many events a publish added, changed and removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Added.
    pub added: usize,
    /// Changed.
    pub changed: usize,
    /// Removed.
    pub removed: usize,
}

impl Report {
    /// How many events were added, changed and removed, entries dropped or not.
    pub fn counts(&self) -> Counts {
        Counts {
            added: self.dropped.added + self.added.len(),
            changed: self.dropped.changed + self.changed.len(),
            removed: self.dropped.removed + self.removed.len(),
        }
    }

    /// Keep only the numbers of added, changed and removed events, not one
    /// entry each: a folder of 5,000 courses would hold 150,000 entries,
    /// several times over, for a text output that prints numbers.
    pub fn drop_entries(&mut self) {
        self.dropped = self.counts();
        self.added = Vec::new();
        self.changed = Vec::new();
        self.removed = Vec::new();
    }
}

/// What `feed.keep_days` left out of a feed: declared, so not "removed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutsideWindow {
    /// How many sessions and deadlines.
    pub count: usize,
    /// They ended before this instant, `YYYY-MM-DD HH:MMZ`.
    pub ended_before: String,
    /// The window, in days.
    pub keep_days: u32,
}

/// A rebuild with other tz rules than the published feed's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TzdataChange {
    /// The release the published feed records, if it records one.
    pub published: Option<String>,
    /// The release this build uses.
    pub current: Option<String>,
    /// How many events the new rules move to another instant.
    pub moved: usize,
}

/// A new session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Added {
    /// Its UID.
    pub uid: String,
    /// Its SUMMARY.
    pub summary: String,
    /// Local start, `YYYY-MM-DD HH:MM`, or the day of an all-day item.
    pub start: String,
}

/// A published event no longer in the schedule: defined with the error that
/// refuses to drop it silently, so that errors depend on no higher module.
pub use crate::error::Removed;

/// A session whose event changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// Its UID.
    pub uid: String,
    /// Its new SUMMARY.
    pub summary: String,
    /// What changed: start, end, summary, description, location, url, categories, status.
    pub fields: Vec<String>,
    /// Whether this change cancels it.
    pub cancelled: bool,
    /// Old and new local start, when the time changed.
    pub moved: Option<Moved>,
    /// The SEQUENCE it now has.
    pub sequence: u32,
}

impl std::fmt::Display for TzdataChange {
    /// `published with tz database 2025b, built with tz database 2026f: 5 events move`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let version = |v: &Option<String>| match v {
            Some(v) => format!("tz database {v}"),
            None => "an unrecorded tz database".to_owned(),
        };
        write!(
            f,
            "published with {}, built with {}: ",
            version(&self.published),
            version(&self.current)
        )?;
        match self.moved {
            1 => write!(f, "1 event moves"),
            n => write!(f, "{n} events move"),
        }
    }
}

/// A change of time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// Old start: local `YYYY-MM-DD HH:MM`, or UTC `YYYY-MM-DD HH:MMZ` when
    /// only the time zone rules moved it.
    pub from: String,
    /// New start, in the same form.
    pub to: String,
    /// Why, when the schedule itself did not change: `time zone rules`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What [`Moved::reason`] says when only the tz rules moved an event.
pub const TZ_RULES: &str = "time zone rules";

/// The text report shows at most this many lines of each kind; the JSON
/// report has them all.
const MAX_SHOWN: usize = 50;

fn more(f: &mut std::fmt::Formatter<'_>, total: usize, what: &str) -> std::fmt::Result {
    if total > MAX_SHOWN {
        writeln!(f, "... and {} more {what}", total - MAX_SHOWN)?;
    }
    Ok(())
}

impl std::fmt::Display for Report {
    /// One line per change, then a count; stable wording for people.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(t) = &self.tzdata {
            writeln!(f, "tz rules   {t}")?;
        }
        for a in self.added.iter().take(MAX_SHOWN) {
            writeln!(f, "added      {} ({})", a.summary, a.start)?;
        }
        more(f, self.added.len(), "added")?;
        for c in self.changed.iter().take(MAX_SHOWN) {
            if c.cancelled {
                writeln!(f, "cancelled  {}", c.summary)?;
            }
            if let Some(m) = &c.moved {
                match &m.reason {
                    Some(why) => writeln!(
                        f,
                        "moved      ({why}) {}: {} -> {}",
                        c.summary, m.from, m.to
                    )?,
                    None => writeln!(f, "moved      {}: {} -> {}", c.summary, m.from, m.to)?,
                }
            }
            let rest: Vec<&str> = c
                .fields
                .iter()
                .map(String::as_str)
                .filter(|f| !(c.moved.is_some() && (*f == "start" || *f == "end")))
                // A cancellation is one change: its status, summary and
                // description all say so.
                .filter(|_| !c.cancelled)
                .collect();
            if !rest.is_empty() {
                writeln!(f, "changed    {}: {}", c.summary, rest.join(", "))?;
            }
        }
        more(f, self.changed.len(), "changed")?;
        for r in self.removed.iter().take(MAX_SHOWN) {
            writeln!(f, "removed    {} ({})", r.summary, r.uid)?;
        }
        more(f, self.removed.len(), "removed")?;
        if let Some(w) = &self.outside_window {
            writeln!(
                f,
                "window     {} ended before {} and {} left out (feed.keep_days: {})",
                match w.count {
                    1 => "1 event".to_owned(),
                    n => format!("{n} events"),
                },
                w.ended_before,
                if w.count == 1 { "is" } else { "are" },
                w.keep_days
            )?;
        }
        write!(
            f,
            "{} added, {} changed, {} removed, {} unchanged",
            self.added.len(),
            self.changed.len(),
            self.removed.len(),
            self.unchanged
        )
    }
}
