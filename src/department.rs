//! Many courses at once: every schedule in a folder becomes its own feed,
//! and all of them together a combined feed, so a department publishes one
//! subscription per course and one for everything.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{Diagnostic, Problem, Severity};
use crate::manifest::{Course as ManifestCourse, Found, InCombined, Input, Key, Manifest, Output};
use crate::model::{Course, FeedSettings, PageSettings, Schedule};
use crate::publish::{self, Previous};
use crate::regenerate::Report;
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
    /// Keep an entry per added, changed or removed event in the outcomes'
    /// reports (the JSON output lists them); without it, a first build
    /// keeps only their numbers, so that its memory does not grow with the
    /// folder's events.
    pub itemize: bool,
}

impl FolderOptions<'_> {
    /// How to publish one course's feed (at `output`) and page.
    fn for_course<'b>(&self, output: &'b Path, page: Option<&'b Path>) -> publish::Options<'b> {
        publish::Options {
            output,
            previous: match self.fresh {
                true => Previous::Fresh,
                false => Previous::Output,
            },
            allow_removal: self.allow_removal,
            dry_run: self.dry_run,
            now: self.now,
            page,
        }
    }
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

impl FeedOutcome {
    /// The combined feed's outcome, at `feed`, named `name`.
    fn combined(feed: &Path, name: &str, summary: &str, outcome: publish::Outcome) -> FeedOutcome {
        FeedOutcome {
            feed: feed.to_owned(),
            course: name.to_owned(),
            summary: summary.to_owned(),
            outcome,
            page: None,
            removed: false,
            skipped: false,
        }
    }
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
    let key = Key {
        tool: env!("CARGO_PKG_VERSION").to_owned(),
        tzdata: tz.provenance().version.clone(),
        options: format!(
            "combined name: {}; keep days: {:?}",
            options.combined_name, options.keep_days
        ),
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
    // With a manifest, each course file is read here for its digest (unless
    // the file system vouches for it), and again if it must be parsed:
    // holding 5,000 of them in between would cost memory. Without, each is
    // read once, when it is parsed.
    let inputs = match &manifest {
        Some(_) => crate::parallel::map(&files, |f| {
            crate::manifest::Input::of(f, recorded.get(f.as_path()).copied())
        }),
        None => Vec::new(),
    };
    let inputs: Vec<Input> = inputs.into_iter().collect::<Result<_, _>>()?;
    let indices: Vec<usize> = (0..files.len()).collect();
    let checked: Vec<Option<(ManifestCourse, Found)>> = crate::parallel::map(&indices, |&i| {
        let record = recorded.get(files[i].as_path())?;
        record.unchanged(inputs.get(i)?)
    });
    let mut read_again = checked.iter().flatten().any(|(_, f)| *f == Found::Read);
    let unchanged: Vec<Option<ManifestCourse>> =
        checked.into_iter().map(|c| c.map(|(c, _)| c)).collect();
    if let Some(m) = &manifest {
        let mut combined = m.combined.clone();
        let combined_intact = match combined.check() {
            Found::Changed => false,
            Found::Read => {
                read_again = true;
                true
            }
            Found::Settled => true,
        };
        let all_same = m.courses.len() == files.len() && unchanged.iter().all(Option::is_some);
        if all_same && stale.is_empty() && combined_intact {
            // Nothing changed: nothing to parse, render or write. What had
            // to be read to know it is recorded as settled, for next time.
            if read_again && !options.dry_run {
                let mut refreshed = Manifest {
                    courses: unchanged.into_iter().flatten().collect(),
                    combined,
                    ..m.clone()
                };
                refreshed.write(options.output)?;
            }
            return Ok(skipped(m, options.combined_name));
        }
        let same_files = m.courses.len() == files.len()
            && m.courses.iter().zip(&files).all(|(c, f)| c.file == *f);
        if same_files && stale.is_empty() && combined_intact {
            let known = Known {
                manifest: m,
                unchanged: &unchanged,
                files: &files,
                feeds: &feeds,
                inputs: &inputs,
                all_path: &all_path,
            };
            if let Some(out) = publish_changed(&known, options, tz, &key, &mut warnings)? {
                return Ok(out);
            }
        }
    }

    // A first build goes course by course, never holding them all (a
    // window on the combined feed needs them all: the whole build).
    if !all_path.exists() && stale.is_empty() && options.keep_days.is_none() {
        return publish_first(&files, &feeds, &all_path, options, tz, &key, &mut warnings);
    }
    let loaded = crate::parallel::map(&files, |f| {
        let (input, bytes) = Input::read(f)?;
        crate::load_bytes(f, bytes, tz).map(|l| (input, l))
    });
    let mut courses = Vec::with_capacity(loaded.len());
    let mut inputs = Vec::with_capacity(loaded.len());
    let mut problems: Vec<Diagnostic> = Vec::new();
    for l in loaded {
        match l {
            Ok((input, l)) => {
                inputs.push(input);
                courses.push(l);
            }
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
    // A course that asks for a page (`page.output`, relative to its file)
    // gets it, written with the feeds, all or nothing.
    let pages: Vec<Option<&Path>> = courses
        .iter()
        .map(|c| c.schedule.page.output.as_deref())
        .collect();
    check_outputs(&files, &feeds, &all_path, &pages)?;

    let pairs: Vec<(&Path, &Schedule)> = files
        .iter()
        .map(PathBuf::as_path)
        .zip(courses.iter().map(|c| &c.schedule))
        .collect();
    let mut combined = combine(&pairs, options.combined_name)?;
    combined.feed.keep_days = options.keep_days;

    // Each course on its own; those the manifest vouches for are not
    // rendered again (a course with a window changes with the date).
    let jobs: Vec<(usize, Option<&ManifestCourse>)> = unchanged
        .iter()
        .enumerate()
        .map(|(i, u)| {
            (
                i,
                u.as_ref()
                    .filter(|_| courses[i].schedule.feed.keep_days.is_none()),
            )
        })
        .collect();
    let prepared = crate::parallel::map(&jobs, |(i, skip)| match skip {
        Some(_) => Ok(None),
        None => {
            let page = courses[*i].schedule.page.output.as_deref();
            publish::prepare(&courses[*i].schedule, &options.for_course(&feeds[*i], page)).map(Some)
        }
    });
    let prepared: Vec<Option<publish::Prepared>> =
        prepared.into_iter().collect::<Result<_, _>>()?;
    let combined_prepared = publish::prepare(&combined, &options.for_course(&all_path, None))?;
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

    let combined_summary = combined_summary(&crate::counted(&combined.sessions), courses.len(), tz);
    let mut out: Vec<FeedOutcome> = Vec::with_capacity(courses.len() + 1 + stale.len());
    let mut records = Vec::with_capacity(courses.len());
    for (i, c) in courses.iter().enumerate() {
        let (outcome, skipped, record) = match (outcomes[i].take(), jobs[i].1) {
            (Some(outcome), _) => {
                let record = record_of(&files[i], &inputs[i], c, &feeds[i], &outcome);
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
    out.push(FeedOutcome::combined(
        &all_path,
        options.combined_name,
        &combined_summary,
        combined_outcome.clone(),
    ));
    out.extend(stale.into_iter().map(|feed| FeedOutcome {
        feed,
        course: String::new(),
        summary: String::new(),
        outcome: publish::Outcome::default(),
        page: None,
        removed: true,
        skipped: false,
    }));
    if !options.dry_run && options.keep_days.is_none() {
        // Where each course's events stand in all.ics, for the next build.
        let counts: Vec<usize> = courses.iter().map(|c| c.schedule.sessions.len()).collect();
        if let Some((ranges, end)) = event_ranges(&all_path, &counts) {
            for (record, range) in records.iter_mut().zip(ranges) {
                record.combined.range = range;
            }
            // Last, so that a manifest never vouches for an output not in place.
            let mut manifest = Manifest {
                key,
                courses: records,
                combined: Output::new(&all_path, combined_outcome.feed_stamp),
                combined_end: end,
                combined_summary,
            };
            manifest.write(options.output)?;
        }
    }
    Ok(out)
}

/// Refuse a folder build whose outputs would meet an input or each other:
/// each course's feed and page, and all.ics.
fn check_outputs(
    files: &[PathBuf],
    feeds: &[PathBuf],
    all_path: &Path,
    pages: &[Option<&Path>],
) -> Result<(), Error> {
    let role = |what: &str, f: &Path| format!("{what} of `{}`", f.display());
    let roles: Vec<(String, String)> = files
        .iter()
        .map(|f| (role("feed", f), role("page", f)))
        .collect();
    let inputs: Vec<(&str, &Path)> = files.iter().map(|f| ("schedule", f.as_path())).collect();
    let mut outputs: Vec<(&str, &Path)> = roles
        .iter()
        .map(|(feed, _)| feed.as_str())
        .zip(feeds.iter().map(PathBuf::as_path))
        .collect();
    outputs.push(("combined feed", all_path));
    for ((_, role), page) in roles.iter().zip(pages) {
        if let Some(page) = page {
            outputs.push((role.as_str(), page));
        }
    }
    publish::check_distinct(&inputs, &outputs)
}

/// `36 sessions and 18 deadlines from 3 courses; tz database 2026f (TZDIR)`.
fn combined_summary(counted: &str, courses: usize, tz: &TzDatabase) -> String {
    let courses = match courses {
        1 => "1 course".to_owned(),
        n => format!("{n} courses"),
    };
    format!("{counted} from {courses}; {}", tz.provenance())
}

/// The manifest's record of course `c`, built from `file` (as found:
/// `input`) into `feed` with `outcome`; its place in all.ics is filled in
/// once that is written.
fn record_of(
    file: &Path,
    input: &Input,
    c: &Loaded,
    feed: &Path,
    outcome: &publish::Outcome,
) -> ManifestCourse {
    let s = &c.schedule;
    let deadlines = s.sessions.iter().filter(|x| x.deadline).count();
    ManifestCourse {
        file: file.to_owned(),
        input: input.digest.clone(),
        input_seen: input.seen,
        name: s.course.name.clone(),
        summary: c.summary(),
        feed: Output::new(feed, outcome.feed_stamp),
        page: s
            .page
            .output
            .as_deref()
            .zip(outcome.page_stamp)
            .map(|(p, st)| Output::new(p, st)),
        combined: InCombined {
            id: s.course.id.clone(),
            timezone: s.course.timezone.name().to_owned(),
            refresh_secs: s.feed.refresh.num_seconds(),
            sessions: s.sessions.len(),
            deadlines,
            zones: crate::feed::zone_spans(&s.sessions)
                .into_iter()
                .map(|(name, (_, first, last))| (name, first.to_string(), last.to_string()))
                .collect(),
            range: (0, 0),
        },
    }
}

/// Where the events of each course stand in the feed at `path`, whose
/// courses have `counts` events each in order, and where its events end;
/// None when the file does not have that many events.
fn event_ranges(path: &Path, counts: &[usize]) -> Option<(Vec<(u64, u64)>, u64)> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    let mut starts = Vec::new();
    let mut end = None;
    let mut offset = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).ok()?;
        if n == 0 {
            break;
        }
        if line == b"BEGIN:VEVENT\r\n" {
            starts.push(offset);
        } else if line == crate::feed::END {
            end = Some(offset);
        }
        offset += n as u64;
    }
    let end = end?;
    if starts.len() != counts.iter().sum::<usize>() {
        return None;
    }
    starts.push(end);
    let mut ranges = Vec::with_capacity(counts.len());
    let mut at = 0;
    for &n in counts {
        ranges.push((starts[at], starts[at + n]));
        at += n;
    }
    Some((ranges, end))
}

/// The folders a first build made, removed again (deepest first) unless
/// it succeeds: staging makes the folders its files go to, and if a later
/// course fails, the staged files go and so must the folders made for them.
/// Declared before anything staged, it is dropped after it.
struct MadeFolders {
    folders: Vec<PathBuf>,
    keep: bool,
}

impl Drop for MadeFolders {
    fn drop(&mut self) {
        if !self.keep {
            for folder in self.folders.iter().rev() {
                let _ = std::fs::remove_dir(folder);
            }
        }
    }
}

/// Note in `created` the folders above `path` that do not exist yet,
/// deepest last.
fn note_new_folders(path: &Path, created: &mut Vec<PathBuf>) {
    let mut missing: Vec<PathBuf> = path
        .ancestors()
        .skip(1)
        .filter(|a| !a.as_os_str().is_empty() && !a.exists())
        .map(Path::to_path_buf)
        .collect();
    missing.reverse();
    for folder in missing {
        if !created.contains(&folder) {
            created.push(folder);
        }
    }
}

/// A first build of the folder (no `all.ics` yet), course by course: a
/// batch of courses is parsed, its feeds and pages staged and its part of
/// `all.ics` written to a scratch file, then dropped, so that memory holds
/// one batch, not the department. Problems of every course are still
/// reported together, and nothing is put in place unless all are valid.
fn publish_first(
    files: &[PathBuf],
    feeds: &[PathBuf],
    all_path: &Path,
    options: &FolderOptions,
    tz: &TzDatabase,
    key: &Key,
    warnings: &mut impl FnMut(&[Diagnostic]),
) -> Result<Vec<FeedOutcome>, Error> {
    let mut made = MadeFolders {
        folders: Vec::new(),
        keep: false,
    };
    let created = &mut made.folders;
    /// Courses parsed and staged at a time: enough to keep both cores busy.
    const BATCH: usize = 64;
    let write_err = |source| Error::Write {
        path: all_path.to_owned(),
        source,
    };
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut id_clashes: Vec<Diagnostic> = Vec::new();
    let mut ids: HashMap<String, PathBuf> = HashMap::new();
    let mut prepared: Vec<publish::Prepared> = Vec::with_capacity(files.len());
    let mut done: Vec<(ManifestCourse, FeedOutcome)> = Vec::with_capacity(files.len());
    let mut zones: BTreeMap<String, (Zone, NaiveDate, NaiveDate)> = BTreeMap::new();
    let mut refresh: Option<chrono::Duration> = None;
    let mut home: Option<Zone> = None;
    let mut report = Report::default();
    let (mut sessions, mut deadlines) = (0, 0);
    // The events of all.ics, course by course, in a scratch file beside it
    // (none for a dry run, which writes nothing).
    let mut body = match options.dry_run {
        true => None,
        false => {
            let folder = all_path.parent().filter(|p| !p.as_os_str().is_empty());
            note_new_folders(all_path, created);
            if let Some(folder) = folder {
                std::fs::create_dir_all(folder).map_err(write_err)?;
            }
            Some(tempfile::tempfile_in(folder.unwrap_or(Path::new("."))).map_err(write_err)?)
        }
    };
    let mut at = 0u64;
    for (b, chunk) in files.chunks(BATCH).enumerate() {
        // Each course parsed, and, unless a problem was already found, its
        // feed and page staged and its part of all.ics (every event new)
        // rendered, on every core. A course that later proves to clash
        // with another is dropped, and its staged files with it.
        let stage = problems.is_empty() && id_clashes.is_empty();
        let indices: Vec<usize> = (b * BATCH..b * BATCH + chunk.len()).collect();
        let loaded = crate::parallel::map(&indices, |&i| {
            let (input, bytes) = Input::read(&files[i])?;
            let l = crate::load_bytes(&files[i], bytes, tz)?;
            if !stage {
                return Ok((input, l, None));
            }
            // The folders staging makes, to be removed again on error.
            let mut new_folders = Vec::new();
            note_new_folders(&feeds[i], &mut new_folders);
            if let Some(page) = &l.schedule.page.output {
                note_new_folders(page, &mut new_folders);
            }
            let staging = options.for_course(&feeds[i], l.schedule.page.output.as_deref());
            let (mut p, contents) = match publish::prepare_keeping(&l.schedule, &staging) {
                Ok(p) => p,
                Err(e) => return Ok((input, l, Some(Err((e, new_folders))))),
            };
            let s = &l.schedule;
            let mut plan = match contents {
                // The course's events as its feed has them, but for the
                // summary, which names the course.
                Some(own) => {
                    let name = &s.course.name;
                    let contents = s
                        .sessions
                        .iter()
                        .zip(own)
                        .map(|(s, c)| crate::feed::named_content(&c, s, name).into())
                        .collect();
                    crate::regenerate::plan_named(
                        &s.sessions,
                        contents,
                        name,
                        options.now,
                        options.itemize,
                    )
                }
                // A feed with a window has some of them only.
                None => {
                    let part = combine(&[(files[i].as_path(), s)], options.combined_name)?;
                    crate::regenerate::plan(&part, None, options.now)
                }
            };
            let mut events = Vec::new();
            crate::feed::write_events(&mut events, &s.sessions, &plan.contents, &plan.revisions)
                .map_err(write_err)?;
            if !options.itemize {
                p.outcome.report.drop_entries();
                plan.report.drop_entries();
            }
            Ok::<_, Error>((input, l, Some(Ok((p, events, plan.report, new_folders)))))
        });
        let mut batch = Vec::with_capacity(chunk.len());
        for (&i, l) in indices.iter().zip(loaded) {
            match l {
                Ok((input, l, staged)) => batch.push((i, input, l, staged)),
                Err(Error::Invalid(d)) => problems.extend(d),
                Err(other) => return Err(other),
            }
        }
        for (_, _, l, staged) in &batch {
            let folders = match staged {
                Some(Ok((_, _, _, folders))) | Some(Err((_, folders))) => folders.as_slice(),
                None => &[],
            };
            for folder in folders {
                if !created.contains(folder) {
                    created.push(folder.clone());
                }
            }
            if !l.warnings.is_empty() {
                warnings(&l.warnings);
            }
        }
        // After a problem, the rest is only checked, so that all of them
        // are reported; nothing more is staged.
        for (i, _, l, _) in &batch {
            let id = &l.schedule.course.id;
            match ids.get(id) {
                Some(other) => id_clashes.push(Diagnostic {
                    field: Some("course.id".into()),
                    ..Diagnostic::at(
                        Severity::Error,
                        &files[*i],
                        0,
                        Problem::DuplicateCourseId {
                            id: id.clone(),
                            other: other.display().to_string(),
                        },
                    )
                }),
                None => {
                    ids.insert(id.clone(), files[*i].clone());
                }
            }
        }
        if !problems.is_empty() || !id_clashes.is_empty() {
            continue;
        }
        for (i, input, l, staged) in batch {
            let Some(staged) = staged else { continue };
            let (p, events, part, _) = staged.map_err(|(e, _)| e)?;
            let s = &l.schedule;
            let mut record = record_of(&files[i], &input, &l, &feeds[i], &p.outcome);
            if let Some(body) = body.as_mut() {
                body.write_all(&events).map_err(write_err)?;
            }
            record.combined.range = (at, at + events.len() as u64);
            at += events.len() as u64;
            done.push((
                record,
                FeedOutcome {
                    feed: feeds[i].clone(),
                    course: s.course.name.clone(),
                    summary: l.summary(),
                    outcome: p.outcome.clone(),
                    page: s.page.output.clone(),
                    removed: false,
                    skipped: false,
                },
            ));
            prepared.push(p);
            report.added.extend(part.added);
            report.dropped.added += part.dropped.added;
            for (zone, first, last) in crate::feed::zone_spans(&s.sessions).into_values() {
                let entry = zones
                    .entry(zone.name().to_owned())
                    .or_insert_with(|| (zone.clone(), first, last));
                entry.1 = entry.1.min(first);
                entry.2 = entry.2.max(last);
            }
            refresh = Some(refresh.map_or(s.feed.refresh, |r| r.min(s.feed.refresh)));
            home.get_or_insert_with(|| s.course.timezone.clone());
            let d = s.sessions.iter().filter(|x| x.deadline).count();
            sessions += s.sessions.len() - d;
            deadlines += d;
        }
    }
    for found in [problems, id_clashes] {
        if !found.is_empty() {
            return Err(Error::Invalid(found));
        }
    }

    let uid_clashes = uid_clashes(files, &ids, tz)?;
    if !uid_clashes.is_empty() {
        return Err(Error::Invalid(uid_clashes));
    }
    let pages: Vec<Option<&Path>> = done.iter().map(|(_, f)| f.page.as_deref()).collect();
    check_outputs(files, feeds, all_path, &pages)?;

    let course = Course {
        name: options.combined_name.to_owned(),
        id: "combined".into(),
        timezone: home.unwrap_or_else(Zone::utc),
        url: None,
    };
    let refresh = refresh.unwrap_or_else(|| FeedSettings::default().refresh);
    let outcome = publish::Outcome {
        report,
        events: sessions + deadlines,
        ..publish::Outcome::default()
    };
    let mut header = 0;
    let combined = publish::prepare_written(all_path, options.dry_run, outcome, |out| {
        let mut w = Counted { out, at: 0 };
        crate::feed::write_header(&mut w, &course, refresh, key.tzdata.as_deref(), &zones)?;
        header = w.at;
        if let Some(body) = body.as_mut() {
            std::io::Seek::seek(body, std::io::SeekFrom::Start(0))?;
            std::io::copy(body, &mut w)?;
        }
        w.write_all(crate::feed::END)
    })?;
    let combined_outcome = combined.outcome.clone();
    prepared.push(combined);
    publish::Prepared::commit_all(prepared)?;
    // In place: the folders hold published files now.
    made.keep = true;

    let combined_summary = combined_summary(
        &crate::counted_numbers(sessions, deadlines),
        files.len(),
        tz,
    );
    let mut records = Vec::with_capacity(done.len());
    let mut out = Vec::with_capacity(done.len() + 1);
    for (mut record, outcome) in done {
        let (a, b) = record.combined.range;
        record.combined.range = (a + header, b + header);
        records.push(record);
        out.push(outcome);
    }
    out.push(FeedOutcome::combined(
        all_path,
        options.combined_name,
        &combined_summary,
        combined_outcome.clone(),
    ));
    if !options.dry_run && options.keep_days.is_none() {
        let mut manifest = Manifest {
            key: key.clone(),
            courses: records,
            combined: Output::new(all_path, combined_outcome.feed_stamp),
            combined_end: at + header,
            combined_summary,
        };
        manifest.write(all_path.parent().unwrap_or(Path::new("")))?;
    }
    Ok(out)
}

/// The sessions of different courses that would share a UID, in file
/// order, for a folder whose course ids (`ids`, each with its file) are
/// distinct. UIDs are `<course id>-<key>`, so two courses' can only meet
/// when one id is the other's and a `-` and more: only such courses, rare,
/// are parsed again and compared, rather than every UID of the folder kept
/// while it is built.
fn uid_clashes(
    files: &[PathBuf],
    ids: &HashMap<String, PathBuf>,
    tz: &TzDatabase,
) -> Result<Vec<Diagnostic>, Error> {
    let mut related: Vec<&Path> = Vec::new();
    for (id, file) in ids {
        for (at, _) in id.match_indices('-') {
            if let Some(shorter) = ids.get(&id[..at]) {
                related.extend([file.as_path(), shorter.as_path()]);
            }
        }
    }
    if related.is_empty() {
        return Ok(Vec::new());
    }
    let order: HashMap<&Path, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.as_path(), i))
        .collect();
    related.sort_by_key(|f| order.get(f).copied());
    related.dedup();
    let mut uids: HashMap<String, (&Path, String)> = HashMap::new();
    let mut clashes = Vec::new();
    for file in related {
        let loaded = crate::load_path(file, tz)?;
        for s in &loaded.schedule.sessions {
            match uids.get(&s.uid) {
                Some((other_file, other)) => clashes.push(Diagnostic {
                    session: Some(s.label()),
                    ..Diagnostic::at(
                        Severity::Error,
                        file,
                        0,
                        Problem::DuplicateSession {
                            uid: s.uid.clone(),
                            other: format!("{other} in {}", other_file.display()),
                            other_line: 0,
                        },
                    )
                }),
                None => {
                    uids.insert(s.uid.clone(), (file, s.label()));
                }
            }
        }
    }
    Ok(clashes)
}

/// What the manifest says of the folder, for [`publish_changed`].
struct Known<'a> {
    manifest: &'a Manifest,
    /// Each course's record, brought up to date, if it did not change.
    unchanged: &'a [Option<ManifestCourse>],
    files: &'a [PathBuf],
    feeds: &'a [PathBuf],
    inputs: &'a [Input],
    all_path: &'a Path,
}

/// Publish a folder in which only some courses changed, without parsing
/// the others: their events are copied into all.ics from where the
/// manifest says they stand, and the changed courses' events are planned
/// against their own part of the previous all.ics. The result is the bytes
/// a whole rebuild would write (a test checks it). None when that cannot be
/// known here (course ids of which one starts another: their UIDs could
/// meet; a recorded zone the tz database lacks), and the whole folder is
/// then rebuilt.
fn publish_changed(
    known: &Known,
    options: &FolderOptions,
    tz: &TzDatabase,
    key: &Key,
    warnings: &mut impl FnMut(&[Diagnostic]),
) -> Result<Option<Vec<FeedOutcome>>, Error> {
    let m = known.manifest;
    let count = known.files.len();
    let changed: Vec<usize> = (0..count)
        .filter(|&i| known.unchanged[i].is_none())
        .collect();
    let loaded = crate::parallel::map(&changed, |&i| crate::load_path(&known.files[i], tz));
    let mut courses: HashMap<usize, Loaded> = HashMap::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for (&i, l) in changed.iter().zip(loaded) {
        match l {
            Ok(l) => {
                courses.insert(i, l);
            }
            Err(Error::Invalid(d)) => problems.extend(d),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    for i in &changed {
        if !courses[i].warnings.is_empty() {
            warnings(&courses[i].warnings);
        }
    }
    // UIDs are `<course id>-<key>`: two courses' can only meet when the
    // ids are equal or one is the other and a `-` and more. Without that,
    // which a whole rebuild checks session by session, none can.
    let ids: Vec<&str> = (0..count)
        .map(|i| match courses.get(&i) {
            Some(c) => c.schedule.course.id.as_str(),
            None => m.courses[i].combined.id.as_str(),
        })
        .collect();
    let set: std::collections::HashSet<&str> = ids.iter().copied().collect();
    let clash = set.len() < ids.len()
        || ids
            .iter()
            .any(|id| id.match_indices('-').any(|(at, _)| set.contains(&id[..at])));
    if clash {
        return Ok(None);
    }
    // Every output: each feed, all.ics, and each page, recorded or new.
    let pages: Vec<Option<&Path>> = (0..count)
        .map(|i| match courses.get(&i) {
            Some(c) => c.schedule.page.output.as_deref(),
            None => m.courses[i].page.as_ref().map(|p| p.path.as_path()),
        })
        .collect();
    check_outputs(known.files, known.feeds, known.all_path, &pages)?;

    let prepared = crate::parallel::map(&changed, |&i| {
        let c = &courses[&i];
        let page = c.schedule.page.output.as_deref();
        publish::prepare(&c.schedule, &options.for_course(&known.feeds[i], page))
    });
    let prepared: Vec<publish::Prepared> = prepared.into_iter().collect::<Result<_, _>>()?;

    // The combined feed's header: every course's zones and days, the
    // first course's zone, the least refresh interval.
    let mut zones: BTreeMap<String, (Zone, NaiveDate, NaiveDate)> = BTreeMap::new();
    let mut refresh: Option<chrono::Duration> = None;
    for i in 0..count {
        let (spans, every) = match courses.get(&i) {
            Some(c) => (
                crate::feed::zone_spans(&c.schedule.sessions)
                    .into_values()
                    .collect::<Vec<_>>(),
                c.schedule.feed.refresh,
            ),
            None => {
                let r = &m.courses[i].combined;
                let mut spans = Vec::new();
                for (name, a, b) in &r.zones {
                    let (Some(zone), Ok(a), Ok(b)) = (tz.zone(name), a.parse(), b.parse()) else {
                        return Ok(None);
                    };
                    spans.push((zone, a, b));
                }
                (spans, chrono::Duration::seconds(r.refresh_secs))
            }
        };
        for (zone, a, b) in spans {
            let entry = zones
                .entry(zone.name().to_owned())
                .or_insert_with(|| (zone.clone(), a, b));
            entry.1 = entry.1.min(a);
            entry.2 = entry.2.max(b);
        }
        refresh = Some(refresh.map_or(every, |r| r.min(every)));
    }
    let home = match courses.get(&0) {
        Some(c) => Some(c.schedule.course.timezone.clone()),
        None => m
            .courses
            .first()
            .and_then(|c| tz.zone(&c.combined.timezone)),
    };
    let Some(home) = home else {
        return Ok(None);
    };
    let course = Course {
        name: options.combined_name.to_owned(),
        id: "combined".into(),
        timezone: home,
        url: None,
    };
    let refresh = refresh.unwrap_or_else(|| FeedSettings::default().refresh);

    // Each changed course's events, planned against its part of all.ics.
    // The previous all.ics, read a range at a time: it can be hundreds of
    // megabytes, of which the changed courses' parts are a few kilobytes.
    let read_err = |source| Error::Read {
        path: known.all_path.to_owned(),
        source,
    };
    let mut old = std::fs::File::open(known.all_path).map_err(read_err)?;
    let old_len = old.metadata().map_err(read_err)?.len();
    let mut report = Report::default();
    let mut planned: HashMap<usize, Vec<u8>> = HashMap::new();
    let (mut sessions, mut deadlines) = (0, 0);
    for i in 0..count {
        let Some(c) = courses.get(&i) else {
            let r = &m.courses[i].combined;
            report.unchanged += r.sessions;
            sessions += r.sessions - r.deadlines;
            deadlines += r.deadlines;
            continue;
        };
        let part = combine(
            &[(known.files[i].as_path(), &c.schedule)],
            options.combined_name,
        )?;
        let (a, b) = m.courses[i].combined.range;
        if a > b || b > old_len {
            return Ok(None);
        }
        let mut range = vec![0u8; (b - a) as usize];
        std::io::Seek::seek(&mut old, std::io::SeekFrom::Start(a)).map_err(read_err)?;
        std::io::Read::read_exact(&mut old, &mut range).map_err(read_err)?;
        let mut text = format!(
            "BEGIN:VCALENDAR\r\nX-COURSEFEED-TZDATA:{}\r\n",
            key.tzdata.as_deref().unwrap_or("unknown")
        )
        .into_bytes();
        text.extend_from_slice(&range);
        text.extend_from_slice(crate::feed::END);
        let published = std::str::from_utf8(&text)
            .ok()
            .and_then(|t| crate::regenerate::Published::read(t).ok());
        let Some(published) = published else {
            return Ok(None);
        };
        let plan = crate::regenerate::plan(&part, Some(&published), options.now);
        let mut events = Vec::new();
        crate::feed::write_events(&mut events, &part.sessions, &plan.contents, &plan.revisions)
            .map_err(|source| Error::Write {
                path: known.all_path.to_owned(),
                source,
            })?;
        planned.insert(i, events);
        report.added.extend(plan.report.added);
        report.changed.extend(plan.report.changed);
        report.removed.extend(plan.report.removed);
        report.unchanged += plan.report.unchanged;
        let d = part.sessions.iter().filter(|s| s.deadline).count();
        sessions += part.sessions.len() - d;
        deadlines += d;
    }
    if !options.allow_removal && !report.removed.is_empty() {
        return Err(Error::Removed {
            path: known.all_path.to_owned(),
            sessions: report.removed,
        });
    }
    let outcome = publish::Outcome {
        report,
        events: sessions + deadlines,
        ..publish::Outcome::default()
    };
    let mut ranges: Vec<(u64, u64)> = Vec::with_capacity(count);
    let mut end = 0;
    let combined = publish::prepare_written(known.all_path, options.dry_run, outcome, |out| {
        let mut w = Counted { out, at: 0 };
        crate::feed::write_header(&mut w, &course, refresh, key.tzdata.as_deref(), &zones)?;
        let mut buf = vec![0u8; 1 << 18];
        let mut at_old = u64::MAX;
        for i in 0..count {
            let start = w.at;
            match planned.get(&i) {
                Some(events) => w.write_all(events)?,
                None => {
                    // Unchanged courses mostly follow each other in the old
                    // file too: read on from where the last one ended.
                    let (a, b) = m.courses[i].combined.range;
                    if at_old != a {
                        std::io::Seek::seek(&mut old, std::io::SeekFrom::Start(a))?;
                    }
                    let mut left = b - a;
                    while left > 0 {
                        let n = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
                        std::io::Read::read_exact(&mut old, &mut buf[..n])?;
                        w.write_all(&buf[..n])?;
                        left -= n as u64;
                    }
                    at_old = b;
                }
            }
            ranges.push((start, w.at));
        }
        end = w.at;
        w.write_all(crate::feed::END)
    })?;
    let combined_outcome = combined.outcome.clone();
    let mut outcomes: HashMap<usize, publish::Outcome> = changed
        .iter()
        .zip(&prepared)
        .map(|(&i, p)| (i, p.outcome.clone()))
        .collect();
    let mut all = prepared;
    all.push(combined);
    publish::Prepared::commit_all(all)?;

    let combined_summary =
        combined_summary(&crate::counted_numbers(sessions, deadlines), count, tz);
    let mut out = Vec::with_capacity(count + 1);
    let mut records = Vec::with_capacity(count);
    for (i, range) in ranges.into_iter().enumerate() {
        let mut record = match (courses.get(&i), outcomes.remove(&i)) {
            (Some(c), Some(outcome)) => {
                let record = record_of(
                    &known.files[i],
                    &known.inputs[i],
                    c,
                    &known.feeds[i],
                    &outcome,
                );
                out.push(FeedOutcome {
                    feed: known.feeds[i].clone(),
                    course: c.schedule.course.name.clone(),
                    summary: c.summary(),
                    outcome,
                    page: c.schedule.page.output.clone(),
                    removed: false,
                    skipped: false,
                });
                record
            }
            _ => {
                let record = known.unchanged[i]
                    .clone()
                    .unwrap_or_else(|| m.courses[i].clone());
                out.push(FeedOutcome {
                    feed: record.feed.path.clone(),
                    course: record.name.clone(),
                    summary: record.summary.clone(),
                    outcome: publish::Outcome::default(),
                    page: record.page.as_ref().map(|p| p.path.clone()),
                    removed: false,
                    skipped: true,
                });
                record
            }
        };
        record.combined.range = range;
        records.push(record);
    }
    out.push(FeedOutcome::combined(
        known.all_path,
        options.combined_name,
        &combined_summary,
        combined_outcome.clone(),
    ));
    if !options.dry_run {
        let mut manifest = Manifest {
            key: key.clone(),
            courses: records,
            combined: Output::new(known.all_path, combined_outcome.feed_stamp),
            combined_end: end,
            combined_summary,
        };
        manifest.write(known.all_path.parent().unwrap_or(Path::new("")))?;
    }
    Ok(Some(out))
}

/// A writer that counts the bytes passing through it, for offsets.
struct Counted<'a> {
    out: &'a mut dyn std::io::Write,
    at: u64,
}

impl std::io::Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.at += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
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
