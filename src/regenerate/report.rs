//! The change report: what a rebuild adds, changes and removes, for people
//! (Display) and for scripts (Serialize).

use serde::Serialize;

use super::published::Prop;

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
    /// The numbers of entries [`Report::drop_added`] let go.
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

    /// Keep only the number of added events, not an entry each: a folder's
    /// first build of 5,000 courses would hold 150,000 entries, several
    /// times over, for a report that says "30 added" per course. Changes
    /// and removals, few and worth reading, keep their entries.
    pub fn drop_added(&mut self) {
        self.dropped.added += self.added.len();
        self.added = Vec::new();
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
    /// Its name for people: the SUMMARY without the `Cancelled: ` a
    /// cancelled session's carries, which the report says in its own word.
    pub name: String,
    /// Its local start now, `YYYY-MM-DD HH:MM`, or the day of an all-day item.
    pub start: String,
    /// What changed: start, end, summary, description, location, url, categories, status.
    pub fields: Vec<String>,
    /// The same in the schedule's words, one phrase each: `room "A" ->
    /// "B"`, `reading added "Title"`, `time 15:00-17:00 -> 15:00-18:00`.
    pub details: Vec<String>,
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

impl std::fmt::Display for Changed {
    /// `cancelled  Lecture 4: Robust learning (Mon 2020-11-09 15:00)`,
    /// `moved      Discussion 2 (Mon 2020-10-19 15:00 -> Tue 2020-10-27 15:00)`,
    /// `changed    Discussion 1 (Mon 2020-10-05 15:00): reading added "Extra"`:
    /// what happened, to which session, when, and what else changed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.moved {
            // Only the rules moved it: instants in UTC, no other change.
            Some(m) if m.reason.is_some() => {
                let why = m.reason.as_deref().unwrap_or_default();
                return write!(
                    f,
                    "moved      ({why}) {}: {} -> {}",
                    self.summary, m.from, m.to
                );
            }
            Some(m) if !self.cancelled => write!(
                f,
                "moved      {} ({} -> {})",
                self.name,
                weekday(&m.from),
                weekday(&m.to)
            )?,
            _ => write!(
                f,
                "{:<10} {} ({})",
                if self.cancelled {
                    "cancelled"
                } else {
                    "changed"
                },
                self.name,
                weekday(&self.start)
            )?,
        }
        let mut details: Vec<String> = Vec::new();
        if let (true, Some(m)) = (self.cancelled, &self.moved) {
            details.push(format!("was {}", weekday(&m.from)));
        }
        details.extend(self.details.iter().cloned());
        if details.is_empty() && !self.cancelled && self.moved.is_none() {
            details = self.fields.clone();
        }
        if !details.is_empty() {
            write!(f, ": {}", details.join("; "))?;
        }
        Ok(())
    }
}

/// `2020-10-19 15:00` as `Mon 2020-10-19 15:00` (a day alone too); other
/// text as it is.
fn weekday(local: &str) -> String {
    let day = local.get(..10).unwrap_or_default();
    match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(d) => format!("{} {local}", d.format("%a")),
        Err(_) => local.to_owned(),
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

/// What a session's event says, read back from its properties (ours or
/// another tool's) so that two versions can be compared in the YAML's
/// words: topic, room, zoom, readings, links, note.
#[derive(Debug, Default, PartialEq, Eq)]
struct Said {
    status: Option<String>,
    topic: Option<String>,
    zoom: Option<String>,
    room: Option<String>,
    due: Option<String>,
    /// label -> URL, in order.
    links: Vec<(String, String)>,
    /// title -> (optional, its links), in order.
    readings: Vec<(String, bool, String)>,
    note: Option<String>,
}

/// Read a DESCRIPTION as [`crate::feed::description`] writes it: blocks
/// separated by an empty line, each known by its first words. What is not
/// known is the note.
fn said(description: &str) -> Said {
    let mut s = Said::default();
    let mut note: Vec<&str> = Vec::new();
    for block in description.split("\n\n") {
        if block.trim().is_empty() {
            continue;
        }
        if let Some(status) = block
            .strip_prefix("This session is ")
            .and_then(|b| b.strip_suffix('.'))
            .filter(|b| !b.contains('\n'))
        {
            s.status = Some(status.to_owned());
        } else if let Some(topic) = block.strip_prefix("Topic: ") {
            s.topic = Some(topic.to_owned());
        } else if let Some(due) = block.strip_prefix("Due: ") {
            let mut lines = due.lines();
            s.due = lines.next().map(str::to_owned);
            s.links.extend(lines.filter_map(|l| {
                l.split_once(": ")
                    .map(|(a, b)| (a.to_owned(), b.to_owned()))
            }));
        } else if block.starts_with("Zoom: ") || block.starts_with("Room: ") {
            for line in block.lines() {
                if let Some(z) = line.strip_prefix("Zoom: ") {
                    s.zoom = Some(z.to_owned());
                } else if let Some(r) = line.strip_prefix("Room: ") {
                    s.room = Some(r.to_owned());
                }
            }
        } else if let Some(list) = block.strip_prefix("Links:\n") {
            s.links.extend(list.lines().filter_map(|l| {
                l.strip_prefix("- ")?
                    .split_once(": ")
                    .map(|(a, b)| (a.to_owned(), b.to_owned()))
            }));
        } else if block == "Reading material: TBA" {
        } else if let Some(list) = block.strip_prefix("Reading material:\n") {
            readings(list, false, &mut s.readings);
        } else if let Some(list) = block.strip_prefix("Optional reading:\n") {
            readings(list, true, &mut s.readings);
        } else {
            note.push(block);
        }
    }
    if !note.is_empty() {
        s.note = Some(note.join("\n\n"));
    }
    s
}

/// `- title` lines, each followed by its links indented.
fn readings(list: &str, optional: bool, out: &mut Vec<(String, bool, String)>) {
    for line in list.lines() {
        match line.strip_prefix("- ") {
            Some(title) => out.push((title.to_owned(), optional, String::new())),
            None => {
                if let Some(last) = out.last_mut() {
                    last.2.push_str(line.trim_start());
                    last.2.push('\n');
                }
            }
        }
    }
}

/// Text quoted in a report line, cut short when long.
fn quoted(text: &str) -> String {
    const LONG: usize = 60;
    let one_line = text.replace('\n', " ");
    match one_line.char_indices().nth(LONG) {
        Some((cut, _)) => format!("\"{}...\"", one_line[..cut].trim_end()),
        None => format!("\"{one_line}\""),
    }
}

/// `room "A" -> "B"`, `room added "B"`, `room removed "A"`.
fn field(out: &mut Vec<String>, name: &str, old: Option<&str>, new: Option<&str>) {
    match (old, new) {
        (None, Some(n)) => out.push(format!("{name} added {}", quoted(n))),
        (Some(o), None) => out.push(format!("{name} removed {}", quoted(o))),
        (Some(o), Some(n)) if o != n => out.push(format!("{name} {} -> {}", quoted(o), quoted(n))),
        _ => {}
    }
}

/// What changed in an event, in the schedule's words (`topic`, `room`,
/// `reading added "..."`), from its published and its new properties.
/// Times are said by the caller, which knows the session's zone; a
/// property read here but not understood is named (`geo changed`).
pub(super) fn details(old: &[Prop], new: &[Prop]) -> Vec<String> {
    let value = |props: &[Prop], name: &str| -> Option<String> {
        let mut values = props.iter().filter(|p| p.0 == name).map(|p| p.2.as_str());
        let first = values.next()?;
        Some(values.fold(first.to_owned(), |acc, v| acc + "," + v))
    };
    let mut out = Vec::new();
    let (was, now) = (
        said(&value(old, "DESCRIPTION").unwrap_or_default()),
        said(&value(new, "DESCRIPTION").unwrap_or_default()),
    );
    // Both read alike although the text differs: say only that it changed.
    let read_alike = was == now;
    field(
        &mut out,
        "kind",
        value(old, "CATEGORIES").as_deref(),
        value(new, "CATEGORIES").as_deref(),
    );
    field(
        &mut out,
        "topic",
        was.topic.as_deref(),
        now.topic.as_deref(),
    );
    // A deadline's `due` is its DTSTART, said by the caller as a move.
    field(&mut out, "room", was.room.as_deref(), now.room.as_deref());
    field(&mut out, "zoom", was.zoom.as_deref(), now.zoom.as_deref());
    let titles = |s: &Said| s.readings.iter().map(|r| r.0.clone()).collect::<Vec<_>>();
    for r in &now.readings {
        match was.readings.iter().find(|o| o.0 == r.0) {
            None => out.push(format!(
                "{} added {}",
                if r.1 { "optional reading" } else { "reading" },
                quoted(&r.0)
            )),
            Some(o) if o.1 != r.1 => out.push(format!(
                "reading {} now {}",
                quoted(&r.0),
                if r.1 { "optional" } else { "required" }
            )),
            Some(o) if o.2 != r.2 => out.push(format!("reading {} link changed", quoted(&r.0))),
            Some(_) => {}
        }
    }
    for o in &was.readings {
        if !now.readings.iter().any(|r| r.0 == o.0) {
            out.push(format!(
                "{} removed {}",
                if o.1 { "optional reading" } else { "reading" },
                quoted(&o.0)
            ));
        }
    }
    if was.readings.len() == now.readings.len()
        && titles(&was) != titles(&now)
        && out.iter().all(|d| !d.contains("reading"))
    {
        out.push("readings reordered".to_owned());
    }
    for (label, url) in &now.links {
        match was.links.iter().find(|o| o.0 == *label) {
            None => out.push(format!("link added {}", quoted(label))),
            Some(o) if o.1 != *url => out.push(format!("link {} changed", quoted(label))),
            Some(_) => {}
        }
    }
    for (label, _) in &was.links {
        if !now.links.iter().any(|n| n.0 == *label) {
            out.push(format!("link removed {}", quoted(label)));
        }
    }
    field(&mut out, "note", was.note.as_deref(), now.note.as_deref());
    let described = !out.is_empty();
    let status = |props: &[Prop]| value(props, "STATUS").map(|s| s.to_ascii_lowercase());
    let (old_status, new_status) = (status(old), status(new));
    if old_status != new_status {
        match (old_status.as_deref(), new_status.as_deref()) {
            (_, Some("cancelled")) => {}
            (Some("cancelled"), _) => out.push("no longer cancelled".to_owned()),
            (_, Some(s)) => out.push(format!("now {s}")),
            (_, None) => out.push("status removed".to_owned()),
        }
    }
    let names: std::collections::BTreeSet<&str> =
        old.iter().chain(new).map(|p| p.0.as_str()).collect();
    for name in names {
        let differs = || value(old, name) != value(new, name);
        match name {
            "DTSTART" | "DTEND" | "DURATION" | "CATEGORIES" | "STATUS" => {}
            "DESCRIPTION" if !read_alike || !differs() => {}
            // The summary says the kind, number, topic and status, said above.
            "SUMMARY" | "LOCATION" if described || old_status != new_status || !differs() => {}
            "URL" => field(
                &mut out,
                "url",
                value(old, name).as_deref(),
                value(new, name).as_deref(),
            ),
            "SUMMARY" => field(
                &mut out,
                "title",
                value(old, name).as_deref(),
                value(new, name).as_deref(),
            ),
            _ if differs() => out.push(format!("{} changed", name.to_ascii_lowercase())),
            _ => {}
        }
    }
    out
}

/// A report's lines without its count: see [`Report::lines`].
#[derive(Debug, Clone, Copy)]
pub struct Lines<'a>(&'a Report);

impl Report {
    /// One line per change, each ending in a line break, and nothing when
    /// nothing changed: what a single course's build prints above its
    /// count, and what a folder's build prints under each course's
    /// summary line. Needs the entries ([`Report::drop_added`] keeps only
    /// their numbers, for a summary of counts alone).
    pub fn lines(&self) -> Lines<'_> {
        Lines(self)
    }
}

impl std::fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = self.0;
        if let Some(t) = &r.tzdata {
            writeln!(f, "tz rules   {t}")?;
        }
        for a in r.added.iter().take(MAX_SHOWN) {
            writeln!(f, "added      {} ({})", a.summary, a.start)?;
        }
        more(f, r.added.len(), "added")?;
        for c in r.changed.iter().take(MAX_SHOWN) {
            writeln!(f, "{}", c)?;
        }
        more(f, r.changed.len(), "changed")?;
        for gone in r.removed.iter().take(MAX_SHOWN) {
            writeln!(f, "removed    {} ({})", gone.summary, gone.uid)?;
        }
        more(f, r.removed.len(), "removed")?;
        if let Some(w) = &r.outside_window {
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
        Ok(())
    }
}

impl std::fmt::Display for Report {
    /// One line per change, then a count; stable wording for people.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.lines())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn props(lines: &str) -> Vec<Prop> {
        super::super::published::fingerprint(lines)
    }

    // Test that a description read alike but written otherwise (another
    // tool's spacing) is named as such, and an unknown property by its name.
    #[test]
    fn unexplained_changes_are_named() {
        let old = props("DESCRIPTION:Topic: A\\n\\nReading material: TBA\nGEO:1;2\n");
        let new = props("DESCRIPTION:Topic: A\\n\\nReading material: TBA\\n\\n\nGEO:3;4\n");
        assert_eq!(
            details(&old, &new),
            vec!["description changed", "geo changed"]
        );
        let new = props("DESCRIPTION:Topic: A\\n\\nReading material: TBA \nGEO:1;2\n");
        assert_eq!(
            details(&old, &new),
            vec!["note added \"Reading material: TBA \""]
        );
    }

    // Test that the line of a change the report has no words for falls
    // back on the fields, and a long quote is cut.
    #[test]
    fn fallback_and_quotes() {
        let c = Changed {
            uid: "u".into(),
            summary: "Lab 1".into(),
            name: "Lab 1".into(),
            start: "2020-10-05 15:00".into(),
            fields: vec!["description".into()],
            details: Vec::new(),
            cancelled: false,
            moved: None,
            sequence: 1,
        };
        assert_eq!(
            c.to_string(),
            "changed    Lab 1 (Mon 2020-10-05 15:00): description"
        );
        assert_eq!(
            quoted(&"x".repeat(61)),
            format!("\"{}...\"", "x".repeat(60))
        );
        assert_eq!(quoted("a\nb"), "\"a b\"");
    }
}
