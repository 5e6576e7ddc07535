//! What an event says in words: its summary, description and location, as
//! the feed writes them (the page writes its own).

use std::fmt::Write as _;

use crate::model::{Reading, Session, Status};

/// "Lecture 1: topic"; cancelled ones say so first, because Google drops
/// STATUS:CANCELLED events from subscriptions and other apps only strike them through.
pub fn summary(s: &Session) -> String {
    summary_naming(s, s.course_name.as_deref())
}

/// [`summary`], naming `course` (in a combined feed) or not.
pub fn summary_naming(s: &Session, course: Option<&str>) -> String {
    let mut out = String::new();
    if s.status == Status::Cancelled {
        out.push_str("Cancelled: ");
    }
    if let Some(course) = course {
        out.push('[');
        out.push_str(course);
        out.push_str("] ");
    }
    out.push_str(&s.kind);
    if let Some(n) = s.number {
        let _ = write!(out, " {n}");
    }
    if let Some(topic) = &s.topic {
        out.push_str(": ");
        out.push_str(topic);
    }
    out
}

/// Plain text that reads well in every app: topic, where, what to read.
pub fn description(s: &Session) -> String {
    let mut parts: Vec<String> = Vec::new();
    if s.deadline {
        let due = match s.all_day {
            true => format!("Due: {}", s.date),
            false => format!(
                "Due: {} {} ({})",
                s.date,
                s.start.format("%H:%M"),
                s.timezone.name()
            ),
        };
        parts.push(due);
        parts.extend(
            s.links
                .iter()
                .map(|l| format!("{}: {}", l.label, l.link.url)),
        );
        return parts.join("\n");
    }
    match s.status {
        Status::Cancelled => parts.push("This session is cancelled.".into()),
        Status::Tentative => parts.push("This session is tentative.".into()),
        Status::Confirmed => {}
    }
    if let Some(topic) = &s.topic {
        parts.push(format!("Topic: {topic}"));
    }
    let mut place = Vec::new();
    if let Some(zoom) = &s.zoom {
        place.push(format!("Zoom: {}", zoom.url));
    }
    if let Some(room) = &s.room {
        place.push(format!("Room: {room}"));
    }
    if !place.is_empty() {
        parts.push(place.join("\n"));
    }
    if !s.links.is_empty() {
        let mut l = String::from("Links:");
        for link in &s.links {
            let _ = write!(l, "\n- {}: {}", link.label, link.link.url);
        }
        parts.push(l);
    }
    let (required, optional): (Vec<&Reading>, Vec<&Reading>) =
        s.readings.iter().partition(|r| !r.optional);
    if required.is_empty() {
        parts.push("Reading material: TBA".into());
    } else {
        parts.push(reading_list("Reading material:", &required));
    }
    if !optional.is_empty() {
        parts.push(reading_list("Optional reading:", &optional));
    }
    if let Some(note) = &s.note {
        parts.push(note.clone());
    }
    parts.join("\n\n")
}

fn reading_list(heading: &str, readings: &[&Reading]) -> String {
    let mut r = String::from(heading);
    for reading in readings {
        r.push_str("\n- ");
        r.push_str(&reading.title);
        if let Some(link) = &reading.url {
            r.push_str("\n  ");
            r.push_str(&link.url);
        }
        for extra in &reading.links {
            let _ = write!(r, "\n  {}: {}", extra.label, extra.link.url);
        }
    }
    r
}

/// The room and the zoom link, whichever are given.
pub fn location(s: &Session) -> Option<String> {
    let parts: Vec<&str> = [s.room.as_deref(), s.zoom.as_ref().map(|z| z.url.as_str())]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}
