//! The combined feed, `all.ics`: every course's events, each summary
//! naming its course, assembled course by course. A course built now adds
//! its part, planned against its part of the previous `all.ics`; a course
//! the manifest vouches for has its part copied from there, unparsed.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;

use super::manifest::{CourseRecord as Record, Key};
use super::FolderOptions;
use crate::model::{Course, FeedSettings, PageSettings, Schedule};
use crate::publish::{self, Prepared};
use crate::regenerate::{self, Published, Removed, Report, TzdataChange};
use crate::tzdb::{TzDatabase, Zone};
use crate::Error;

/// One course's part of `all.ics`.
pub struct Part {
    /// Its events, rendered.
    rendered: Vec<u8>,
    /// What changed in them.
    report: Report,
    /// The course's sessions and deadlines (some may be left out of the
    /// part by `--keep-days`).
    sessions: usize,
    deadlines: usize,
    /// The events in the part.
    events: usize,
    /// Left out by `--keep-days`.
    outside: usize,
    /// Each zone its timed sessions use, with their first and last day.
    zones: Vec<(String, String, String)>,
}

/// The course `schedule` as a part of the combined feed: its events
/// planned against `old` (its previous part), their summaries naming the
/// course. `own` is each event's content in the course's own feed, when
/// it holds every session: only the summary is rendered again.
pub fn part(
    schedule: &Schedule,
    own: Option<&[Arc<str>]>,
    old: Option<&Published>,
    options: &FolderOptions,
) -> Result<Part, Error> {
    let whole = as_part(schedule, options.combined_name);
    let windowed = options.keep_days.and_then(|days| {
        let mut s = whole.clone();
        s.feed.keep_days = Some(days);
        publish::window(&s, options.now)
    });
    let (kept, outside) = match &windowed {
        Some((kept, outside)) => (kept, outside.as_slice()),
        None => (&whole, &[][..]),
    };
    let name = &schedule.course.name;
    let mut plan = match (own, old, windowed.is_some()) {
        (Some(own), None, false) => {
            let contents = schedule
                .sessions
                .iter()
                .zip(own)
                .map(|(s, c)| crate::feed::named_content(c, s, name).into())
                .collect();
            regenerate::plan_named(
                &schedule.sessions,
                contents,
                name,
                options.now,
                options.itemize,
            )
        }
        _ => regenerate::plan(kept, old, options.now),
    };
    plan.report.removed.retain(|r| !outside.contains(&r.uid));
    if !options.itemize {
        plan.report.drop_added();
    }
    let mut rendered = Vec::new();
    crate::feed::write_events(
        &mut rendered,
        &kept.sessions,
        &plan.contents,
        &plan.revisions,
    )
    .map_err(|source| Error::Write {
        path: options.output.join(super::COMBINED),
        source,
    })?;
    let deadlines = schedule.sessions.iter().filter(|s| s.deadline).count();
    Ok(Part {
        rendered,
        report: plan.report,
        sessions: schedule.sessions.len() - deadlines,
        deadlines,
        events: kept.sessions.len(),
        outside: outside.len(),
        zones: crate::feed::zone_spans(&kept.sessions)
            .into_iter()
            .map(|(name, (_, first, last))| (name, first.to_string(), last.to_string()))
            .collect(),
    })
}

/// `schedule`'s sessions as the combined feed named `name` has them: each
/// summary names the course, each event keeps its zone and link.
pub(crate) fn as_part(schedule: &Schedule, name: &str) -> Schedule {
    let sessions = schedule
        .sessions
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.course_name = Some(schedule.course.name.clone());
            s.url = s.url.or_else(|| schedule.course.url.clone());
            s
        })
        .collect();
    Schedule {
        course: Course {
            name: name.to_owned(),
            id: "combined".into(),
            timezone: schedule.course.timezone.clone(),
            url: None,
        },
        feed: FeedSettings {
            refresh: schedule.feed.refresh,
            url: None,
            keep_days: None,
        },
        page: PageSettings::default(),
        sessions,
        modules: Vec::new(),
        patterns: Vec::new(),
        audiences: Vec::new(),
        tzdata: schedule.tzdata.clone(),
    }
}

/// Where a course's part stands while `all.ics` is assembled.
enum Piece {
    /// In the scratch file, from..to.
    New(u64, u64),
    /// In the previous `all.ics`, from..to.
    Old(u64, u64),
}

/// `all.ics` being assembled: parts of courses built now go to a scratch
/// file as they come, so that memory does not hold them; parts of courses
/// skipped stay where they are in the previous file.
pub struct Assembly {
    all_path: PathBuf,
    scratch: std::fs::File,
    at: u64,
    pieces: Vec<Piece>,
    report: Report,
    sessions: usize,
    deadlines: usize,
    events: usize,
    outside: usize,
    end: u64,
    dry_run: bool,
    allow_removal: bool,
    keep_days: Option<u32>,
    now: chrono::DateTime<chrono::Utc>,
    name: String,
}

impl Assembly {
    /// Start `all_path`'s assembly.
    pub fn new(all_path: &Path, options: &FolderOptions) -> Result<Assembly, Error> {
        // Beside it when its folder exists (large, and on the same disk);
        // else in the temporary folder, so that a failed or dry first build
        // makes no folder.
        let folder = all_path.parent().filter(|p| p.is_dir());
        let scratch = match folder {
            Some(f) => tempfile::tempfile_in(f),
            None => tempfile::tempfile(),
        }
        .map_err(|source| Error::Write {
            path: all_path.to_owned(),
            source,
        })?;
        Ok(Assembly {
            all_path: all_path.to_owned(),
            scratch,
            at: 0,
            pieces: Vec::new(),
            report: Report::default(),
            sessions: 0,
            deadlines: 0,
            events: 0,
            outside: 0,
            end: 0,
            dry_run: options.dry_run,
            allow_removal: options.allow_removal,
            keep_days: options.keep_days,
            now: options.now,
            name: options.combined_name.to_owned(),
        })
    }

    fn write_err(&self) -> impl Fn(std::io::Error) -> Error + '_ {
        |source| Error::Write {
            path: self.all_path.clone(),
            source,
        }
    }

    /// Add the next course's part, built now, and record what the next
    /// build needs of it in `record`.
    pub fn add(&mut self, record: &mut Record, part: Part) -> Result<(), Error> {
        self.scratch
            .write_all(&part.rendered)
            .map_err(self.write_err())?;
        let len = part.rendered.len() as u64;
        self.pieces.push(Piece::New(self.at, self.at + len));
        self.at += len;
        let c = &mut record.combined;
        c.sessions = part.sessions + part.deadlines;
        c.deadlines = part.deadlines;
        c.zones = part.zones;
        self.sessions += part.sessions;
        self.deadlines += part.deadlines;
        self.events += part.events;
        self.outside += part.outside;
        let r = part.report;
        self.report.added.extend(r.added);
        self.report.changed.extend(r.changed);
        self.report.removed.extend(r.removed);
        self.report.unchanged += r.unchanged;
        self.report.dropped.added += r.dropped.added;
        if let Some(t) = r.tzdata {
            let merged = self.report.tzdata.get_or_insert(TzdataChange {
                moved: 0,
                ..t.clone()
            });
            merged.moved += t.moved;
        }
        Ok(())
    }

    /// Add the next course's part as the previous `all.ics` has it.
    pub fn copy(&mut self, record: &Record) {
        let c = &record.combined;
        self.pieces.push(Piece::Old(c.range.0, c.range.1));
        self.report.unchanged += c.sessions;
        self.sessions += c.sessions - c.deadlines;
        self.deadlines += c.deadlines;
        self.events += c.sessions;
    }

    /// Where the events of the assembled `all.ics` end.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// Stage `all.ics`: its header, then each part in order. `gone` are
    /// the events of the previous `all.ics` that no course has now: refused
    /// unless removal is allowed. Fills in each record's range; gives the
    /// summary line.
    pub fn finish(
        &mut self,
        records: &mut [Record],
        gone: Vec<Removed>,
        key: &Key,
        tz: &TzDatabase,
    ) -> Result<(Prepared, String), Error> {
        self.report.removed.extend(gone);
        if !self.allow_removal && !self.report.removed.is_empty() {
            return Err(Error::Removed {
                path: self.all_path.clone(),
                sessions: std::mem::take(&mut self.report.removed),
            });
        }
        if let Some(days) = self.keep_days {
            self.report.outside_window = Some(publish::left_out(self.outside, days, self.now));
        }
        let header = Header::of(records, &self.name, tz);
        let outcome = publish::Outcome {
            report: std::mem::take(&mut self.report),
            events: self.events,
            ..publish::Outcome::default()
        };
        let mut old = match self.pieces.iter().any(|p| matches!(p, Piece::Old(..))) {
            true => Some(
                std::fs::File::open(&self.all_path).map_err(|source| Error::Read {
                    path: self.all_path.clone(),
                    source,
                })?,
            ),
            false => None,
        };
        let mut ranges = Vec::with_capacity(self.pieces.len());
        let (scratch, pieces) = (&mut self.scratch, &self.pieces);
        let mut end = 0;
        let prepared = publish::prepare_written(&self.all_path, self.dry_run, outcome, |out| {
            let mut w = Counted { out, at: 0 };
            let zones = &header.zones;
            crate::feed::write_header(
                &mut w,
                &header.course,
                header.refresh,
                key.tzdata.as_deref(),
                zones,
            )?;
            ranges = copy_pieces(&mut w, pieces, scratch, old.as_mut())?;
            end = w.at;
            w.write_all(crate::feed::END)
        })?;
        for (r, range) in records.iter_mut().zip(ranges) {
            r.combined.range = range;
        }
        self.end = end;
        let courses = match records.len() {
            1 => "1 course".to_owned(),
            n => format!("{n} courses"),
        };
        let summary = format!(
            "{} from {courses}; {}",
            crate::counted_numbers(self.sessions, self.deadlines),
            tz.provenance()
        );
        Ok((prepared, summary))
    }
}

/// The combined feed's calendar: every course's zones and days, the first
/// course's zone, the least refresh interval any course asks for.
struct Header {
    course: Course,
    refresh: chrono::Duration,
    zones: BTreeMap<String, (Zone, NaiveDate, NaiveDate)>,
}

impl Header {
    fn of(records: &[Record], name: &str, tz: &TzDatabase) -> Header {
        let mut zones: BTreeMap<String, (Zone, NaiveDate, NaiveDate)> = BTreeMap::new();
        let mut refresh: Option<chrono::Duration> = None;
        for r in records {
            for (name, a, b) in &r.combined.zones {
                let (Some(zone), Ok(a), Ok(b)) = (tz.zone(name), a.parse(), b.parse()) else {
                    continue;
                };
                let entry = zones.entry(name.clone()).or_insert((zone, a, b));
                entry.1 = entry.1.min(a);
                entry.2 = entry.2.max(b);
            }
            let every = chrono::Duration::seconds(r.combined.refresh_secs);
            refresh = Some(refresh.map_or(every, |r| r.min(every)));
        }
        Header {
            course: Course {
                name: name.to_owned(),
                id: "combined".into(),
                timezone: records
                    .first()
                    .and_then(|r| tz.zone(&r.combined.timezone))
                    .unwrap_or_else(Zone::utc),
                url: None,
            },
            refresh: refresh.unwrap_or_else(|| FeedSettings::default().refresh),
            zones,
        }
    }
}

/// Write each part, from the scratch file or the previous `all.ics`, to
/// `w`; where each stands in it. Parts mostly follow each other in their
/// files: read on from where the last one ended, without seeking.
fn copy_pieces(
    w: &mut Counted,
    pieces: &[Piece],
    scratch: &mut std::fs::File,
    mut old: Option<&mut std::fs::File>,
) -> std::io::Result<Vec<(u64, u64)>> {
    let mut buf = vec![0u8; 1 << 18];
    let mut ranges = Vec::with_capacity(pieces.len());
    let (mut at_new, mut at_old) = (u64::MAX, u64::MAX);
    for piece in pieces {
        let start = w.at;
        let (file, at, (a, b)) = match piece {
            Piece::New(a, b) => (&mut *scratch, &mut at_new, (*a, *b)),
            Piece::Old(a, b) => match old.as_deref_mut() {
                Some(f) => (f, &mut at_old, (*a, *b)),
                None => continue,
            },
        };
        if *at != a {
            file.seek(SeekFrom::Start(a))?;
        }
        let mut left = b - a;
        while left > 0 {
            let n = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
            file.read_exact(&mut buf[..n])?;
            w.write_all(&buf[..n])?;
            left -= n as u64;
        }
        *at = b;
        ranges.push((start, w.at));
    }
    Ok(ranges)
}

/// A writer that counts the bytes passing through it, for offsets.
struct Counted<'a> {
    out: &'a mut dyn Write,
    at: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.at += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
