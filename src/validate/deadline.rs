//! Deadlines: dated items, all day or at a time, as events of their own.

use super::identity;
use super::session::{parse_date, parse_time};
use super::*;

impl Validator<'_> {
    /// A deadline becomes an event of kind "Deadline": timed when it has a
    /// time (start and end both then), else all day.
    pub(super) fn deadline(
        &mut self,
        course: &Course,
        d: crate::load::RawDeadline,
        i: usize,
    ) -> Option<Session> {
        let at = |field: &str| format!("deadlines[{i}].{field}");
        let title = d.title.filter(|t| !t.as_str().is_empty());
        self.session = Some(match &title {
            Some(t) => format!("deadline `{}`", t.as_str()),
            None => format!("deadline #{}", i + 1),
        });
        let Some(title) = title else {
            self.error(
                format!("deadlines[{i}]"),
                "title",
                Problem::MissingField("title".into()),
            );
            self.session = None;
            return None;
        };
        let date = self.with_at(d.date.as_ref(), at("date"), "date", parse_date);
        let time = match &d.time {
            Some(t) if !t.as_str().is_empty() => match parse_time(t.as_str()) {
                Ok(t) => Some(Some(t)),
                Err(problem) => {
                    self.error(at("time"), "time", problem);
                    None
                }
            },
            _ => Some(None),
        };
        let base = course.url.as_ref();
        let url = match &d.url {
            Some(u) => self.link(u, at("url"), "url", base).map(Some),
            None => Some(None),
        };
        let key = slug(d.id.as_ref().map_or(title.as_str(), |id| id.as_str()));
        let tz = course.timezone.clone();
        let (Some(date), Some(time), Some(url)) = (date, time, url) else {
            self.session = None;
            return None;
        };
        let (start, starts_at, ends_at) = match time {
            Some(t) => {
                let instant = self.instant(&tz, date, t, at("time"), "time");
                (t, instant, instant)
            }
            None => {
                // An all-day item has no instant; midnight orders it among the sessions.
                let midnight = NaiveTime::MIN;
                let start = match tz.resolve(date, midnight) {
                    LocalTime::Single(t) | LocalTime::Ambiguous { earlier: t, .. } => t,
                    LocalTime::Skipped => date.and_time(midnight).and_utc(),
                };
                (
                    midnight,
                    Some(start),
                    Some(start + chrono::Duration::days(1)),
                )
            }
        };
        self.session = None;
        let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at) else {
            return None;
        };
        Some(Session {
            uid: identity::deadline_uid(&course.id, &key),
            kind: "Deadline".into(),
            number: None,
            id: Some(format!("deadline-{key}")),
            timezone: tz,
            date,
            start,
            end: start,
            starts_at,
            ends_at,
            topic: Some(title.into_text()),
            zoom: None,
            room: None,
            note: None,
            url: url.as_ref().and_then(|l| Url::parse(&l.url).ok()),
            readings: Vec::new(),
            links: url
                .into_iter()
                .map(|link| LabelledLink {
                    label: "link".into(),
                    link,
                })
                .collect(),
            module: None,
            groups: Vec::new(),
            status: Status::Confirmed,
            course_name: None,
            deadline: true,
            all_day: time.is_none(),
        })
    }
}
