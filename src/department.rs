//! Many courses at once: every schedule in a folder becomes its own feed,
//! and all of them together a combined feed, so a department publishes one
//! subscription per course and one for everything.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::error::{Diagnostic, Problem, Severity};
use crate::input::Kind;
use crate::manifest::{Course as ManifestCourse, Key, Manifest, Output};
use crate::model::{Course, FeedSettings, PageSettings, Schedule};
use crate::publish::{self, Previous};
use crate::tzdb::{TzDatabase, Zone};
use crate::{Error, Loaded};

/// How to publish a folder of courses.
#[derive(Debug, Clone, Copy)]
pub struct FolderOptions<'a> {
    /// Where the feeds go: `<name>.ics` per course and `all.ics`.
    pub output: &'a Path,
    /// The combined feed's calendar name.
    pub combined_name: &'a str,
    /// Ignore the previous feeds: every event starts at SEQUENCE 0.
    pub fresh: bool,
    /// Let published sessions that are gone disappear.
    pub allow_removal: bool,
    /// Report only; write nothing.
    pub dry_run: bool,
    /// The build time for new and changed events.
    pub now: DateTime<Utc>,
    /// Leave sessions that ended more than this many days ago out of the
    /// combined feed.
    pub keep_days: Option<u32>,
}

/// One feed of a folder build.
#[derive(Debug, Clone)]
pub struct FeedOutcome {
    /// The feed's path.
    pub feed: PathBuf,
    /// The course's name (the combined name for `all.ics`).
    pub course: String,
    /// What was loaded: sessions, dates, warnings.
    pub summary: String,
    /// What publishing it did.
    pub outcome: publish::Outcome,
    /// The course's page, when it asks for one (`page.output`).
    pub page: Option<PathBuf>,
    /// Not rebuilt: the manifest shows neither it nor its outputs changed.
    pub skipped: bool,
    /// The feed of a course whose file is gone, deleted (or, in a dry run,
    /// to be deleted) with `--allow-removal`.
    pub removed: bool,
}

/// Every schedule in `dir` to `<output>/<name>.ics`, and all of them to
/// `<output>/all.ics`: all written, or on any error none. `warnings` gets
/// each course's warnings as soon as it is loaded.
///
/// What the last build recorded ([`crate::manifest`]) is skipped: when no
/// course file, output, option, tool or tz release changed, nothing is
/// parsed or written; otherwise only the courses that changed are rendered
/// and compared again (every course is still parsed, for the combined feed).
pub fn publish_all(
    dir: &Path,
    options: &FolderOptions,
    tz: &TzDatabase,
    mut warnings: impl FnMut(&[Diagnostic]),
) -> Result<Vec<FeedOutcome>, Error> {
    let files = schedule_files(dir)?;
    let feeds: Vec<PathBuf> = files
        .iter()
        .map(|f| {
            options
                .output
                .join(f.file_stem().unwrap_or_default())
                .with_extension("ics")
        })
        .collect();
    let all_path = options.output.join("all.ics");
    // A course file taken out of the folder must take its feed with it, or
    // its subscribers keep a calendar that silently never changes again.
    let stale = stale_feeds(options.output, &feeds, &all_path)?;
    if let (false, Some(first)) = (options.allow_removal, stale.first()) {
        return Err(Error::CourseRemoved {
            feed: first.clone(),
            folder: dir.to_owned(),
        });
    }
    let inputs = crate::parallel::map(&files, |f| crate::input::read(f, Kind::Schedule));
    let inputs: Vec<Vec<u8>> = inputs.into_iter().collect::<Result<_, _>>()?;
    let digests: Vec<String> = crate::parallel::map(&inputs, |b| crate::manifest::input_digest(b));
    let key = Key {
        tool: env!("CARGO_PKG_VERSION").to_owned(),
        tzdata: tz.provenance().version.clone(),
        options: format!("combined name: {}", options.combined_name),
    };
    let manifest = match options.fresh || options.keep_days.is_some() {
        true => None,
        false => Manifest::read(options.output, &key),
    };
    let recorded: HashMap<&Path, &ManifestCourse> = manifest
        .iter()
        .flat_map(|m| &m.courses)
        .map(|c| (c.file.as_path(), c))
        .collect();
    let unchanged: Vec<Option<&ManifestCourse>> =
        crate::parallel::map(&files.iter().zip(&digests).collect::<Vec<_>>(), |(f, d)| {
            recorded
                .get(f.as_path())
                .copied()
                .filter(|c| c.unchanged(d))
        });
    if let Some(m) = &manifest {
        let all_same = m.courses.len() == files.len() && unchanged.iter().all(Option::is_some);
        if all_same && stale.is_empty() && m.combined.intact() {
            // Nothing changed: nothing to parse, render or write.
            return Ok(skipped(m, options.combined_name));
        }
    }

    let loaded = crate::parallel::map(
        &files.iter().zip(inputs).collect::<Vec<_>>(),
        |(f, bytes)| crate::load_bytes(f, bytes.clone(), tz),
    );
    let mut courses = Vec::with_capacity(loaded.len());
    let mut problems: Vec<Diagnostic> = Vec::new();
    for l in loaded {
        match l {
            Ok(l) => courses.push(l),
            Err(Error::Invalid(d)) => problems.extend(d),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    for c in &courses {
        if !c.warnings.is_empty() {
            warnings(&c.warnings);
        }
    }
    let roles: Vec<String> = files
        .iter()
        .map(|f| format!("feed of `{}`", f.display()))
        .collect();
    let inputs: Vec<(&str, &Path)> = files.iter().map(|f| ("schedule", f.as_path())).collect();
    let mut outputs: Vec<(&str, &Path)> = roles
        .iter()
        .map(String::as_str)
        .zip(feeds.iter().map(PathBuf::as_path))
        .collect();
    outputs.push(("combined feed", &all_path));
    // A course that asks for a page (`page.output`, relative to its file)
    // gets it, written with the feeds, all or nothing.
    let page_roles: Vec<String> = files
        .iter()
        .map(|f| format!("page of `{}`", f.display()))
        .collect();
    for (role, c) in page_roles.iter().zip(&courses) {
        if let Some(page) = &c.schedule.page.output {
            outputs.push((role.as_str(), page.as_path()));
        }
    }
    publish::check_distinct(&inputs, &outputs)?;

    let pairs: Vec<(&Path, &Schedule)> = files
        .iter()
        .map(PathBuf::as_path)
        .zip(courses.iter().map(|c| &c.schedule))
        .collect();
    let mut combined = combine(&pairs, options.combined_name)?;
    combined.feed.keep_days = options.keep_days;
    let publish_options = |output, page| publish::Options {
        output,
        previous: if options.fresh {
            Previous::Fresh
        } else {
            Previous::Output
        },
        allow_removal: options.allow_removal,
        dry_run: options.dry_run,
        now: options.now,
        page,
    };
    // Each course on its own; those the manifest vouches for are not
    // rendered again (a course with a window changes with the date).
    let jobs: Vec<(usize, Option<&ManifestCourse>)> = unchanged
        .iter()
        .enumerate()
        .map(|(i, u)| {
            (
                i,
                u.filter(|_| courses[i].schedule.feed.keep_days.is_none()),
            )
        })
        .collect();
    let prepared = crate::parallel::map(&jobs, |(i, skip)| match skip {
        Some(_) => Ok(None),
        None => {
            let page = courses[*i].schedule.page.output.as_deref();
            publish::prepare(&courses[*i].schedule, &publish_options(&feeds[*i], page)).map(Some)
        }
    });
    let prepared: Vec<Option<publish::Prepared>> =
        prepared.into_iter().collect::<Result<_, _>>()?;
    let combined_prepared = publish::prepare(&combined, &publish_options(&all_path, None))?;
    let mut outcomes: Vec<Option<publish::Outcome>> = prepared
        .iter()
        .map(|p| p.as_ref().map(|p| p.outcome.clone()))
        .collect();
    let combined_outcome = combined_prepared.outcome.clone();
    let mut all: Vec<publish::Prepared> = prepared.into_iter().flatten().collect();
    all.push(combined_prepared);
    publish::Prepared::commit_all(all)?;
    if !options.dry_run {
        for feed in &stale {
            std::fs::remove_file(feed).map_err(|source| Error::Write {
                path: feed.clone(),
                source,
            })?;
        }
    }

    let combined_summary = format!(
        "{} from {}; {}",
        crate::counted(&combined.sessions),
        match courses.len() {
            1 => "1 course".to_owned(),
            n => format!("{n} courses"),
        },
        tz.provenance()
    );
    let mut out: Vec<FeedOutcome> = Vec::with_capacity(courses.len() + 1 + stale.len());
    let mut records = Vec::with_capacity(courses.len());
    for (i, c) in courses.iter().enumerate() {
        let (outcome, skipped, record) = match (outcomes[i].take(), jobs[i].1) {
            (Some(outcome), _) => {
                let record = ManifestCourse {
                    file: files[i].clone(),
                    input: digests[i].clone(),
                    name: c.schedule.course.name.clone(),
                    summary: c.summary(),
                    feed: Output::new(&feeds[i], outcome.feed_stamp),
                    page: c
                        .schedule
                        .page
                        .output
                        .as_deref()
                        .zip(outcome.page_stamp)
                        .map(|(p, s)| Output::new(p, s)),
                };
                (outcome, false, record)
            }
            (None, Some(record)) => (publish::Outcome::default(), true, record.clone()),
            (None, None) => continue,
        };
        out.push(FeedOutcome {
            feed: feeds[i].clone(),
            course: c.schedule.course.name.clone(),
            summary: c.summary(),
            outcome,
            page: c.schedule.page.output.clone(),
            removed: false,
            skipped,
        });
        records.push(record);
    }
    out.push(FeedOutcome {
        feed: all_path.clone(),
        course: options.combined_name.to_owned(),
        summary: combined_summary.clone(),
        outcome: combined_outcome.clone(),
        page: None,
        removed: false,
        skipped: false,
    });
    out.extend(stale.into_iter().map(|feed| FeedOutcome {
        feed,
        course: String::new(),
        summary: String::new(),
        outcome: publish::Outcome::default(),
        page: None,
        removed: true,
        skipped: false,
    }));
    if !options.dry_run {
        // Last, so that a manifest never vouches for an output not in place.
        let manifest = Manifest {
            key,
            courses: records,
            combined: Output::new(&all_path, combined_outcome.feed_stamp),
            combined_summary,
        };
        publish::write_atomic(
            &options.output.join(crate::manifest::FILE),
            &manifest.to_json(),
        )?;
    }
    Ok(out)
}

/// The outcomes of a build that found nothing to do, from the manifest.
fn skipped(m: &Manifest, combined_name: &str) -> Vec<FeedOutcome> {
    let course = |c: &ManifestCourse| FeedOutcome {
        feed: c.feed.path.clone(),
        course: c.name.clone(),
        summary: c.summary.clone(),
        outcome: publish::Outcome::default(),
        page: c.page.as_ref().map(|p| p.path.clone()),
        removed: false,
        skipped: true,
    };
    let mut out: Vec<FeedOutcome> = m.courses.iter().map(course).collect();
    out.push(FeedOutcome {
        feed: m.combined.path.clone(),
        course: combined_name.to_owned(),
        summary: m.combined_summary.clone(),
        outcome: publish::Outcome::default(),
        page: None,
        removed: false,
        skipped: true,
    });
    out
}

/// The feeds in `output` that coursefeed wrote (its PRODID near the top)
/// for a course that is no longer in the folder: neither one of `feeds`
/// nor the combined one. Other files in the folder are left alone.
fn stale_feeds(output: &Path, feeds: &[PathBuf], all: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = match std::fs::read_dir(output) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Read {
                path: output.to_owned(),
                source,
            })
        }
    };
    let ours = format!("\r\nPRODID:{}\r\n", crate::feed::PRODID);
    let feeds: std::collections::HashSet<&Path> = feeds.iter().map(PathBuf::as_path).collect();
    let mut stale = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let is_ics = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ics"));
        if !is_ics || path == all || feeds.contains(path.as_path()) || !path.is_file() {
            continue;
        }
        let mut head = [0u8; 4096];
        let n = std::fs::File::open(&path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .unwrap_or(0);
        if String::from_utf8_lossy(&head[..n]).contains(&ours) {
            stale.push(path);
        }
    }
    stale.sort();
    Ok(stale)
}

/// The schedule files of `dir`: `*.yaml` and `*.yml`, sorted by name.
pub fn schedule_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let read = |source| Error::Read {
        path: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read)? {
        let path = entry.map_err(read)?.path();
        let is_yaml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if !is_yaml {
            continue;
        }
        // A course whose file cannot be read (a dangling link) must not
        // vanish from the department's feeds without a word.
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => files.push(path),
            Ok(_) => {}
            Err(source) => return Err(Error::Read { path, source }),
        }
    }
    files.sort();
    Ok(files)
}

/// Load every file; if any has errors, report the errors of all of them.
pub fn load_all(files: &[PathBuf], tz: &TzDatabase) -> Result<Vec<Loaded>, Error> {
    let mut loaded = Vec::with_capacity(files.len());
    let mut problems: Vec<Diagnostic> = Vec::new();
    for file in files {
        match crate::load_path(file, tz) {
            Ok(l) => loaded.push(l),
            Err(Error::Invalid(d)) => problems.extend(d),
            Err(other) => return Err(other),
        }
    }
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// All sessions of `schedules` in one schedule named `name`. Each event's
/// summary names its course, and keeps its own zone and link. Two courses
/// with the same id would give the same UIDs: an error naming both files.
pub fn combine(schedules: &[(&Path, &Schedule)], name: &str) -> Result<Schedule, Error> {
    // One error per course whose id another has: its sessions' UID clashes
    // follow from it and are not reported one by one.
    let mut ids: HashMap<&str, &Path> = HashMap::new();
    let mut clashes = Vec::new();
    for (file, schedule) in schedules {
        let id = schedule.course.id.as_str();
        match ids.get(id) {
            Some(other) => clashes.push(Diagnostic {
                field: Some("course.id".into()),
                ..Diagnostic::at(
                    Severity::Error,
                    file,
                    0,
                    Problem::DuplicateCourseId {
                        id: id.to_owned(),
                        other: other.display().to_string(),
                    },
                )
            }),
            None => {
                ids.insert(id, file);
            }
        }
    }
    if !clashes.is_empty() {
        return Err(Error::Invalid(clashes));
    }
    let mut seen: HashMap<&str, (&Path, String)> = HashMap::new();
    let mut problems = Vec::new();
    let mut sessions = Vec::new();
    for (file, schedule) in schedules {
        for s in &schedule.sessions {
            if let Some((other_file, other)) = seen.get(s.uid.as_str()) {
                problems.push(Diagnostic {
                    severity: Severity::Error,
                    file: file.to_path_buf(),
                    line: 0,
                    column: 0,
                    session: Some(s.label()),
                    field: None,
                    problem: Problem::DuplicateSession {
                        uid: s.uid.clone(),
                        other: format!("{other} in {}", other_file.display()),
                        other_line: 0,
                    },
                    source_line: None,
                });
                continue;
            }
            seen.insert(&s.uid, (file, s.label()));
            let mut s = s.clone();
            s.course_name = Some(schedule.course.name.clone());
            s.url = s.url.or_else(|| schedule.course.url.clone());
            sessions.push(s);
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let first = schedules.first().map(|(_, s)| s);
    Ok(Schedule {
        course: Course {
            name: name.to_owned(),
            id: "combined".into(),
            timezone: first.map_or_else(Zone::utc, |s| s.course.timezone.clone()),
            url: None,
        },
        feed: FeedSettings {
            // The most frequent refresh any course asks for.
            refresh: schedules
                .iter()
                .map(|(_, s)| s.feed.refresh)
                .min()
                .unwrap_or_else(|| FeedSettings::default().refresh),
            url: None,
            keep_days: None,
        },
        page: PageSettings::default(),
        sessions,
        modules: Vec::new(),
        patterns: Vec::new(),
        audiences: Vec::new(),
        tzdata: first.map_or_else(
            || TzDatabase::bundled().provenance().clone(),
            |s| s.tzdata.clone(),
        ),
    })
}
