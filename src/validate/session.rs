//! One session: its identity, times in its zone, text and links.

use super::identity;
use super::*;

/// What names a session: its kind, number and id, and the UID key made of them.
struct Name {
    kind: String,
    number: Option<u32>,
    id: Option<String>,
    key: String,
}

impl Validator<'_> {
    pub(super) fn session(
        &mut self,
        course: &Course,
        modules: &[Module],
        defaults: &RawSession,
        raw_mut: &mut RawSession,
        i: usize,
    ) -> Option<Session> {
        // Look everything up through a shared borrow first; texts are moved
        // out of `raw` at the end instead of copied.
        let raw: &RawSession = raw_mut;
        // A field's value and where it came from: the session, else `defaults:`.
        let pick =
            |get: fn(&RawSession) -> Option<&Scalar>, field: &'static str| -> Option<Sourced<'_>> {
                get(raw)
                    .map(|v| (v, At::Own(i, field)))
                    .or_else(|| get(defaults).map(|v| (v, At::Defaults(field))))
            };
        let (name, ok) = self.identity(
            pick(|s| s.kind.as_ref(), "kind"),
            pick(|s| s.number.as_ref(), "number"),
            pick(|s| s.id.as_ref(), "id"),
            i,
        );
        let Name {
            kind: kind_text,
            number: number_value,
            id: id_text,
            key,
        } = name;

        let timezone = match pick(|s| s.timezone.as_ref(), "timezone") {
            Some((tz, path)) => self.timezone(tz, path, "timezone"),
            None => Some(course.timezone.clone()),
        };
        let date = self.with(pick(|s| s.date.as_ref(), "date"), i, "date", parse_date);
        let start_src = pick(|s| s.start.as_ref(), "start");
        let end_src = pick(|s| s.end.as_ref(), "end");
        let end_path = end_src.as_ref().map(|(_, p)| *p);
        let start_path = start_src.as_ref().map(|(_, p)| *p);
        let start = self.with(start_src, i, "start", parse_time);
        let end = self.with(end_src, i, "end", parse_time);
        let status = match pick(|s| s.status.as_ref(), "status") {
            Some(given) => self.with(Some(given), i, "status", parse_status),
            None => Some(Status::Confirmed),
        };

        let base = course.url.as_ref();
        let zoom = match pick(|s| s.zoom.as_ref(), "zoom") {
            Some((v, path)) => self.link(v, path, "zoom", base).map(Some).ok_or(()),
            None => Ok(None),
        };
        let url = self.optional_url(pick(|s| s.url.as_ref(), "url"), "url", base);
        let module = self.module(pick(|s| s.module.as_ref(), "module"), modules);
        let readings = self.readings(raw_mut, defaults, module.ok().flatten(), i, base);
        let links = self.session_links(raw_mut, defaults, i, base);
        let topic = take_text(&mut raw_mut.topic, &defaults.topic)
            .or_else(|| module.ok().flatten().map(|m| m.title.clone()));
        let room = take_text(&mut raw_mut.room, &defaults.room);
        let note = take_text(&mut raw_mut.note, &defaults.note);
        let groups = texts(raw_mut.groups.take().or_else(|| defaults.groups.clone()));

        let (
            Some(tz),
            Some(date),
            Some(start),
            Some(end),
            Some(status),
            Ok(zoom),
            Ok(url),
            Some(readings),
            Some(links),
            Ok(module),
        ) = (
            timezone, date, start, end, status, zoom, url, readings, links, module,
        )
        else {
            return None;
        };
        let start_at = start_path.unwrap_or(At::Own(i, "start"));
        let end_at = end_path.unwrap_or(At::Own(i, "end"));
        let (starts_at, ends_at) = self.instants(&tz, date, (start, start_at), (end, end_at))?;
        if !ok {
            return None;
        }
        Some(Session {
            uid: identity::session_uid(&course.id, &key),
            kind: kind_text,
            number: number_value,
            id: id_text,
            timezone: tz,
            date,
            start,
            end,
            starts_at,
            ends_at,
            topic,
            zoom,
            room,
            note,
            url,
            readings,
            links,
            module: module.map(|m| m.id.clone()),
            groups,
            status,
            course_name: None,
            deadline: false,
            all_day: false,
        })
    }

    /// What names a session, checked: it needs a kind, and a number or an
    /// id for its UID. Also sets the session's label for messages.
    fn identity(
        &mut self,
        kind: Option<Sourced<'_>>,
        number: Option<Sourced<'_>>,
        id: Option<Sourced<'_>>,
        i: usize,
    ) -> (Name, bool) {
        let own = || format!("sessions[{i}]");
        let kind_text = kind
            .as_ref()
            .map(|(k, _)| k.as_str().to_owned())
            .unwrap_or_default();
        let number_value = number
            .as_ref()
            .and_then(|(n, _)| n.as_str().parse::<u32>().ok());
        let id_text = id
            .as_ref()
            .map(|(v, _)| v.as_str().to_owned())
            .filter(|s| !s.is_empty());
        self.session = Some(if kind_text.is_empty() {
            format!("session #{}", i + 1)
        } else {
            model::label(&kind_text, number_value, id_text.as_deref())
        });
        let mut ok = true;
        if kind_text.is_empty() {
            self.error(own(), "kind", Problem::MissingField("kind".into()));
            ok = false;
        }
        if let Some((n, at)) = &number {
            if number_value.is_none() {
                self.error(at.path(), "number", Problem::BadNumber(n.as_str().into()));
                ok = false;
            }
        }
        let key = identity::session_key(id_text.as_deref(), &kind_text, number_value);
        if key.is_empty() && number.is_none() {
            self.error(own(), "number", Problem::NoIdentity);
            ok = false;
        }
        let name = Name {
            kind: kind_text,
            number: number_value,
            id: id_text,
            key,
        };
        (name, ok)
    }

    /// The instants a session starts and ends, after checking that it ends
    /// after it starts, on its date.
    fn instants(
        &mut self,
        tz: &Zone,
        date: NaiveDate,
        (start, start_at): (NaiveTime, At),
        (end, end_at): (NaiveTime, At),
    ) -> Option<(chrono::DateTime<Utc>, chrono::DateTime<Utc>)> {
        if end <= start {
            self.error(
                end_at,
                "end",
                Problem::EndNotAfterStart {
                    start: start.format("%H:%M").to_string(),
                    end: end.format("%H:%M").to_string(),
                },
            );
            return None;
        }
        let starts_at = self.instant(tz, date, start, start_at, "start");
        let ends_at = self.instant(tz, date, end, end_at, "end");
        Some((starts_at?, ends_at?))
    }

    /// The module a session names, if it names one that exists.
    fn module<'m>(
        &mut self,
        given: Option<Sourced<'_>>,
        modules: &'m [Module],
    ) -> Result<Option<&'m Module>, ()> {
        let Some((m, at)) = given else {
            return Ok(None);
        };
        if let Some(found) = modules.iter().find(|x| x.id == m.as_str()) {
            return Ok(Some(found));
        }
        let suggestion = closest(m.as_str(), modules.iter().map(|x| x.id.as_str()));
        let hint = suggestion.map_or(String::new(), |s| format!("; did you mean `{s}`?"));
        self.error(
            at,
            "module",
            Problem::Shape(format!("no module has the id `{}`{hint}", m.as_str())),
        );
        Err(())
    }

    /// A session's labelled links: its own, else the defaults'.
    fn session_links(
        &mut self,
        raw: &mut RawSession,
        defaults: &RawSession,
        i: usize,
        base: Option<&Url>,
    ) -> Option<Vec<LabelledLink>> {
        let (links, from_defaults) = match (raw.links.take(), &defaults.links) {
            (Some(l), _) => (l, false),
            (None, Some(l)) => (l.clone(), true),
            (None, None) => (Vec::new(), false),
        };
        self.labelled_links(
            links,
            |k, leaf| {
                let path = match from_defaults {
                    false => format!("sessions[{i}].links[{k}].{leaf}"),
                    true => format!("defaults.links[{k}].{leaf}"),
                };
                (path, format!("links[{k}].{leaf}"))
            },
            base,
        )
    }

    /// The instant a local time stands for. A time skipped by DST is an
    /// error; a repeated one is a warning and takes the earlier instant, which
    /// is also what RFC 5545 §3.3.5 tells clients to pick for such a DTSTART.
    pub(super) fn instant(
        &mut self,
        tz: &Zone,
        date: NaiveDate,
        time: NaiveTime,
        path: impl Place,
        field: &str,
    ) -> Option<chrono::DateTime<Utc>> {
        match tz.resolve(date, time) {
            LocalTime::Single(t) => Some(t),
            LocalTime::Ambiguous { earlier, .. } => {
                let utc = earlier;
                self.report(
                    Severity::Warning,
                    path,
                    Some(field),
                    Problem::AmbiguousLocalTime {
                        date: date.to_string(),
                        time: time.format("%H:%M").to_string(),
                        zone: tz.name().into(),
                        utc: utc.format("%H:%MZ").to_string(),
                    },
                );
                Some(utc)
            }
            LocalTime::Skipped => {
                self.error(
                    path,
                    field,
                    Problem::NonexistentLocalTime {
                        date: date.to_string(),
                        time: time.format("%H:%M").to_string(),
                        zone: tz.name().into(),
                    },
                );
                None
            }
        }
    }
}

/// `H:MM`, `HH:MM` or `HH:MM:SS`, 00:00 to 23:59:59.
/// A date, `YYYY-MM-DD`, with the four-digit year iCalendar writes.
pub(super) fn parse_date(s: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| (1000..=9999).contains(&d.year()))
        .ok_or_else(|| no_such_day(s).unwrap_or_else(|| Problem::BadDate(s.into())))
}

/// For a date written as `YYYY-MM-DD` whose month has no such day
/// (`2020-02-30`), the reason: "write dates as YYYY-MM-DD" would not help.
fn no_such_day(s: &str) -> Option<Problem> {
    let mut parts = s.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return None;
    }
    let (year, month): (i32, u32) = (year.parse().ok()?, month.parse().ok()?);
    let first = NaiveDate::from_ymd_opt(year, month, 1).filter(|_| year >= 1000)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let days = u32::try_from((next - first).num_days()).ok()?;
    let day: u32 = day.parse().ok()?;
    (day == 0 || day > days).then(|| Problem::NoSuchDay {
        date: s.into(),
        month: first.format("%B %Y").to_string(),
        days,
    })
}

pub(super) fn parse_time(s: &str) -> Result<NaiveTime, Problem> {
    let bad = || Problem::BadTime(s.into());
    let mut parts = s.split(':');
    let mut field = |max_len: usize| -> Result<Option<u32>, Problem> {
        match parts.next() {
            None => Ok(None),
            Some(p)
                if (1..=max_len).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) =>
            {
                p.parse().map(Some).map_err(|_| bad())
            }
            Some(_) => Err(bad()),
        }
    };
    let h = field(2)?.ok_or_else(bad)?;
    let m = field(2)?.ok_or_else(bad)?;
    let sec = field(2)?.unwrap_or(0);
    if parts.next().is_some() {
        return Err(bad());
    }
    NaiveTime::from_hms_opt(h, m, sec).ok_or_else(bad)
}

pub(super) fn parse_status(s: &str) -> Result<Status, Problem> {
    match s.to_ascii_lowercase().as_str() {
        "confirmed" => Ok(Status::Confirmed),
        "tentative" => Ok(Status::Tentative),
        "cancelled" | "canceled" => Ok(Status::Cancelled),
        _ => Err(Problem::BadStatus(s.into())),
    }
}

/// A text field: the session's own value, moved out, else the default's;
/// trimmed, and None when empty.
/// A list of texts, trimmed, empty ones left out.
pub(super) fn texts(list: Option<Vec<Scalar>>) -> Vec<String> {
    list.unwrap_or_default()
        .into_iter()
        .map(Scalar::into_text)
        .filter(|t| !t.is_empty())
        .collect()
}

pub(super) fn take_text(own: &mut Option<Scalar>, default: &Option<Scalar>) -> Option<String> {
    let text = match own.take() {
        Some(v) => v.into_text(),
        None => default.as_ref()?.as_str().to_owned(),
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that a day the month lacks says why, and other bad dates keep the format hint.
    #[test]
    fn days_a_month_lacks() {
        let why = |s: &str| parse_date(s).expect_err("bad").to_string();
        assert_eq!(
            why("2020-02-30"),
            "`2020-02-30` is not a date: February 2020 has 29 days"
        );
        assert_eq!(
            why("2021-02-29"),
            "`2021-02-29` is not a date: February 2021 has 28 days"
        );
        assert_eq!(
            why("2020-04-31"),
            "`2020-04-31` is not a date: April 2020 has 30 days"
        );
        assert_eq!(
            why("2020-04-00"),
            "`2020-04-00` is not a date: April 2020 has 30 days"
        );
        assert_eq!(why("2020-13-01"), "`2020-13-01` is not a date");
        assert_eq!(why("2020-4-31"), "`2020-4-31` is not a date");
        assert_eq!(why("0999-02-30"), "`0999-02-30` is not a date");
    }

    // Test that the accepted time forms parse and impossible times do not.
    #[test]
    fn times() {
        assert_eq!(
            parse_time("15:00"),
            Ok(NaiveTime::from_hms_opt(15, 0, 0).expect("time"))
        );
        assert_eq!(
            parse_time("9:30"),
            Ok(NaiveTime::from_hms_opt(9, 30, 0).expect("time"))
        );
        assert_eq!(
            parse_time("23:59:59"),
            Ok(NaiveTime::from_hms_opt(23, 59, 59).expect("time"))
        );
        for bad in [
            "25:00", "24:00", "15", "15:60", "15:0:0:0", "1500", "15h", "-1:00", ":30", "900",
        ] {
            assert!(parse_time(bad).is_err(), "{bad} accepted");
        }
    }
}
