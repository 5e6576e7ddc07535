//! Writing outputs so that nothing is ever lost or half-written.
//!
//! A subscriber's app may fetch the feed at any moment, and a build may fail
//! half-way: the new content goes to a temporary file in the same folder and
//! is renamed over the old one, which on POSIX file systems is atomic.

use std::collections::HashMap;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::regenerate::{self, OutsideWindow, Published, Report, TzdataChange};
use crate::{feed, Error, Schedule};

/// Where the previously published feed comes from.
#[derive(Debug, Clone, Copy)]
pub enum Previous<'a> {
    /// The output file itself, if it exists: the usual case.
    Output,
    /// Another file (e.g. a copy fetched from the web server).
    File(&'a Path),
    /// None: every event is new (after a corrupt feed, or to start over).
    Fresh,
    /// Already read with [`read_previous`] (None: there was none), so that
    /// reading a large feed overlaps loading the schedule.
    Read(Option<&'a PreviousFeed>),
}

/// A previously published feed, read and parsed.
#[derive(Debug)]
pub struct PreviousFeed {
    path: PathBuf,
    published: Published,
}

/// Read and parse the feed published at `path`: None when there is none
/// there and it is not `required` (a first build; an explicit `--previous`
/// must exist).
pub fn read_previous(path: &Path, required: bool) -> Result<Option<PreviousFeed>, Error> {
    let bytes = match crate::input::read(path, crate::input::Kind::Feed) {
        Ok(bytes) => bytes,
        // No feed yet: a first build. An explicit --previous must exist.
        Err(Error::Read { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound && !required =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    // Parsed, the bytes go: the new feed is compared with the file itself
    // (`Old::open`), and a large feed's 95 MB need not be held meanwhile.
    let published = read_published(path, &bytes)?;
    Ok(Some(PreviousFeed {
        path: path.to_owned(),
        published,
    }))
}

/// How to publish.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The feed to write.
    pub output: &'a Path,
    /// What to compare with.
    pub previous: Previous<'a>,
    /// Let published sessions disappear.
    pub allow_removal: bool,
    /// Report only; write nothing.
    pub dry_run: bool,
    /// The build time for changed and new events.
    pub now: DateTime<Utc>,
    /// Also write the schedule page here, together with the feed.
    pub page: Option<&'a Path>,
}

/// What a publish did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The changes since the previous feed.
    pub report: Report,
    /// Whether the output file was (re)written: false for a dry run and when
    /// the new feed is byte-identical to the old.
    pub written: bool,
    /// Whether the page was (re)written.
    pub page_written: bool,
    /// How many events the feed holds.
    pub events: usize,
    /// The feed's size in bytes.
    pub bytes: u64,
    /// The feed's size and digest, as written (or as it already was).
    pub feed_stamp: Stamp,
    /// The page's, when one was asked for.
    pub page_stamp: Option<Stamp>,
}

/// A file's size and content digest (xxh3, 128 bits): enough to tell that
/// an output is still the one a build wrote, without keeping it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamp {
    /// Its length in bytes.
    pub bytes: u64,
    /// xxh3-128 of its content.
    pub digest: u128,
}

impl Stamp {
    /// The stamp of `bytes`.
    pub fn of(bytes: &[u8]) -> Stamp {
        Stamp {
            bytes: bytes.len() as u64,
            digest: xxhash_rust::xxh3::xxh3_128(bytes),
        }
    }

    /// Whether `file`, read from where it stands to its end, has this
    /// stamp. Streamed: a combined feed can be hundreds of megabytes.
    pub fn matches(&self, mut file: std::fs::File) -> bool {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut bytes = 0u64;
        loop {
            match file.read(&mut buf) {
                Ok(0) => return bytes == self.bytes && hasher.digest128() == self.digest,
                Ok(n) => {
                    hasher.update(&buf[..n]);
                    bytes += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }
}

/// Google Calendar drops what a subscribed feed holds past about 1 MB (its
/// help page's limit) or about 1,100 events (reported by the maintainers of
/// researchseminars.org, roed314/seminars#777); we warn from either.
pub const GOOGLE_MAX_BYTES: u64 = 1_000_000;
/// See [`GOOGLE_MAX_BYTES`].
pub const GOOGLE_MAX_EVENTS: usize = 1_000;

impl Outcome {
    /// A warning about `feed` when it is larger than Google Calendar reads.
    pub fn size_warning(&self, feed: &Path) -> Option<crate::Diagnostic> {
        (self.bytes > GOOGLE_MAX_BYTES || self.events > GOOGLE_MAX_EVENTS).then(|| {
            crate::Diagnostic::at(
                crate::Severity::Warning,
                feed,
                0,
                crate::Problem::FeedTooLarge {
                    events: self.events,
                    bytes: self.bytes,
                },
            )
        })
    }
}

/// Compare `schedule` with the previously published feed, then write the
/// new feed atomically unless it is unchanged or this is a dry run.
///
/// Sessions that were published but are gone from the schedule stop the
/// build unless `allow_removal`: a deletion by mistake would otherwise
/// silently vanish from every subscriber's calendar.
pub fn publish(schedule: &Schedule, options: &Options) -> Result<Outcome, Error> {
    let mut prepared = prepare(schedule, options)?;
    let outcome = std::mem::take(&mut prepared.outcome);
    Prepared::commit_all(vec![prepared])?;
    Ok(outcome)
}

/// One extra feed of a course (a group's, an audience's) once published.
#[derive(Debug, Clone)]
pub struct ExtraOutcome {
    /// The feed's file.
    pub feed: PathBuf,
    /// Its calendar name.
    pub name: String,
    /// What it holds, as `Loaded::summary` words it.
    pub sessions: usize,
    /// What publishing it did.
    pub outcome: Outcome,
}

/// [`publish`], and beside the feed every extra feed of the course (one per
/// group, one per declared audience, see [`crate::audience`]), each compared
/// with its own previous version: all written, or none.
pub fn publish_course(
    schedule: &Schedule,
    options: &Options,
) -> Result<(Outcome, Vec<ExtraOutcome>), Error> {
    let stem = options
        .output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extras = crate::audience::feeds(schedule, &stem);
    let paths: Vec<PathBuf> = extras
        .iter()
        .map(|f| options.output.with_file_name(&f.file))
        .collect();
    let roles: Vec<String> = extras
        .iter()
        .map(|f| format!("feed `{}`", f.schedule.course.name))
        .collect();
    let mut outputs: Vec<(&str, &Path)> = vec![("feed", options.output)];
    outputs.extend(options.page.map(|p| ("page", p)));
    outputs.extend(
        roles
            .iter()
            .map(String::as_str)
            .zip(paths.iter().map(PathBuf::as_path)),
    );
    check_distinct(&[], &outputs)?;
    let mut prepared = vec![prepare(schedule, options)?];
    for (f, path) in extras.iter().zip(&paths) {
        let previous = match options.previous {
            Previous::Fresh => Previous::Fresh,
            _ => Previous::Output,
        };
        let extra = Options {
            output: path,
            previous,
            page: None,
            ..*options
        };
        prepared.push(prepare(&f.schedule, &extra)?);
    }
    let mut outcomes: Vec<Outcome> = prepared.iter().map(|p| p.outcome.clone()).collect();
    Prepared::commit_all(prepared)?;
    let main = outcomes.remove(0);
    let extra = extras
        .into_iter()
        .zip(paths)
        .zip(outcomes)
        .map(|((f, feed), outcome)| ExtraOutcome {
            feed,
            name: f.schedule.course.name,
            sessions: f.schedule.sessions.len(),
            outcome,
        })
        .collect();
    Ok((main, extra))
}

/// Stage `output` with what `write` writes, for a feed assembled piece by
/// piece (a folder's combined feed when one course changed): compared with
/// the file there, and left alone when the bytes are the same. `outcome`
/// says what changed; its stamp and `written` are filled in here.
pub fn prepare_written(
    output: &Path,
    dry_run: bool,
    mut outcome: Outcome,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Prepared, Error> {
    let target = write_target(output);
    // Compared with the file there only when it may come out the same: an
    // event added, changed or removed changes it.
    let r = &outcome.report;
    let old = match r.added.is_empty() && r.changed.is_empty() && r.removed.is_empty() {
        true => Old::open(output),
        false => Old::Missing,
    };
    let (tmp, stamp) = stage_with(&target, old, dry_run, |out| write(out))?;
    outcome.written = tmp.is_some();
    outcome.feed_stamp = stamp;
    outcome.bytes = stamp.bytes;
    Ok(Prepared {
        outcome,
        staged: tmp.map(|t| (target, t)).into_iter().collect(),
    })
}

/// Everything a publish will write, checked, rendered and staged in
/// temporary files beside their targets, not yet renamed into place.
#[derive(Debug)]
pub struct Prepared {
    /// What the publish will have done once committed.
    pub outcome: Outcome,
    /// Each target and its staged replacement.
    /// Closed, so that a folder of thousands of feeds does not run out of
    /// file handles (1,024 by default on many systems).
    staged: Vec<(PathBuf, tempfile::TempPath)>,
}

impl Prepared {
    /// Put every staged file of `all` in place, all or nothing.
    ///
    /// Staging already wrote every file (so a full disk changed nothing);
    /// here they are made durable together, several `fsync`s at once, and
    /// only then renamed, and their folders synced, so that after a crash a
    /// target is either its old content or its whole new one. Each target
    /// must be a file or absent. Each one that exists
    /// is kept under a hard link (a copy where links are not possible) until
    /// the end, so that if a rename still fails, the files already replaced
    /// are put back and the error says so.
    pub fn commit_all(all: Vec<Prepared>) -> Result<(), Error> {
        let staged: Vec<(PathBuf, tempfile::TempPath)> =
            all.into_iter().flat_map(|p| p.staged).collect();
        commit_with(staged, |tmp, target| {
            tmp.persist(target).map_err(|e| e.error)
        })
    }
}

/// [`Prepared::commit_all`] with the rename step given, so that a failure
/// midway can be tested.
fn commit_with(
    staged: Vec<(PathBuf, tempfile::TempPath)>,
    mut rename: impl FnMut(tempfile::TempPath, &Path) -> std::io::Result<()>,
) -> Result<(), Error> {
    for (target, _) in &staged {
        match std::fs::symlink_metadata(target) {
            Ok(m) if !m.is_file() => return Err(Error::NotAFile(target.clone())),
            _ => {}
        }
    }
    sync_all(&staged)?;
    // The old version of each target, kept until every rename is done.
    let mut backups: Vec<(PathBuf, Option<tempfile::TempPath>)> = Vec::with_capacity(staged.len());
    for (target, _) in &staged {
        let backup = match target.exists() {
            true => Some(backup_of(target)?),
            false => None,
        };
        backups.push((target.clone(), backup));
    }
    for (i, (target, tmp)) in staged.into_iter().enumerate() {
        if let Err(source) = rename(tmp, &target) {
            for (done, backup) in backups.iter_mut().take(i) {
                match backup.take() {
                    Some(old) => {
                        let _ = old.persist(done);
                    }
                    None => {
                        let _ = std::fs::remove_file(done);
                    }
                }
            }
            return Err(Error::RolledBack {
                path: target,
                source,
            });
        }
    }
    // The renames themselves are durable once their folders are synced.
    let mut folders: Vec<&Path> = backups.iter().filter_map(|(t, _)| t.parent()).collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        sync_folder(folder);
    }
    // Dropping the backups deletes them.
    Ok(())
}

/// `fsync` every staged file, on several threads: the waits overlap, so a
/// folder of a thousand feeds waits about as long as for a few.
fn sync_all(staged: &[(PathBuf, tempfile::TempPath)]) -> Result<(), Error> {
    const THREADS: usize = 32;
    let per_thread = staged.len().div_ceil(THREADS).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = staged
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    for (target, tmp) in chunk {
                        let file = std::fs::File::open(tmp);
                        file.and_then(|f| f.sync_all())
                            .map_err(|source| Error::Write {
                                path: target.clone(),
                                source,
                            })?;
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}

/// Make the renames in `folder` durable. Best effort: a folder cannot be
/// opened for syncing everywhere (not on Windows), and the files are.
fn sync_folder(folder: &Path) {
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    if let Ok(f) = std::fs::File::open(folder) {
        let _ = f.sync_all();
    }
}

/// A second name for `target`'s current content, in its folder.
fn backup_of(target: &Path) -> Result<tempfile::TempPath, Error> {
    let fail = |source| Error::Write {
        path: target.to_owned(),
        source,
    };
    let path = temp_for(target)?.into_temp_path();
    // The placeholder goes; a hard link to the old file takes its name.
    std::fs::remove_file(&path).map_err(fail)?;
    if std::fs::hard_link(target, &path).is_err() {
        std::fs::copy(target, &path).map_err(fail)?;
    }
    Ok(path)
}

/// Where writing to `path` must go: through symlinks to the file they name,
/// so that a feed linked into a site folder is replaced there and the link
/// stays. A path that is not a link is its own target.
pub fn write_target(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    // As many links as the OS itself follows.
    for _ in 0..40 {
        match std::fs::read_link(&current) {
            Ok(next) => {
                current = match current.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            Err(_) => return current,
        }
    }
    current
}

/// One path per file, whatever way it is written: symlinks followed, `..`
/// resolved, and compared without case, as a file served from a
/// case-insensitive disk or web server would be. `folders` keeps the
/// folders already resolved: a department's thousands of files share a few.
fn identity(path: &Path, folders: &mut HashMap<PathBuf, PathBuf>) -> String {
    let mut folder = |dir: &Path| -> PathBuf {
        let dir = match dir.as_os_str().is_empty() {
            true => Path::new("."),
            false => dir,
        };
        folders
            .entry(dir.to_owned())
            .or_insert_with(|| std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned()))
            .clone()
    };
    // The file itself is no link (write_target followed them): where it
    // stands is its folder, resolved.
    let target = write_target(path);
    let exists = std::fs::symlink_metadata(&target).is_ok();
    let resolved = match (exists, target.parent(), target.file_name()) {
        (true, Some(dir), Some(name)) => folder(dir).join(name),
        (true, _, _) => std::fs::canonicalize(&target).unwrap_or(target),
        (false, _, _) => {
            // Not there yet: its folder is, or will be made, so `..` can be
            // taken literally.
            let mut lexical = PathBuf::new();
            for part in target.components() {
                match part {
                    std::path::Component::ParentDir if lexical.file_name().is_some() => {
                        lexical.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => lexical.push(other),
                }
            }
            let dir = lexical.parent().unwrap_or(Path::new(""));
            folder(dir).join(lexical.file_name().unwrap_or_default())
        }
    };
    resolved.to_string_lossy().to_lowercase()
}

/// Refuse a command whose outputs would replace one of its inputs or each
/// other. Each file comes with its role, to name it in the error.
pub fn check_distinct(inputs: &[(&str, &Path)], outputs: &[(&str, &Path)]) -> Result<(), Error> {
    let mut folders = HashMap::new();
    let mut seen: HashMap<String, (&str, &Path)> = HashMap::new();
    for &(role, path) in inputs {
        seen.entry(identity(path, &mut folders))
            .or_insert((role, path));
    }
    for &(role, path) in outputs {
        match seen.entry(identity(path, &mut folders)) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let &(first_role, first) = first.get();
                return Err(Error::SameFile {
                    first_role: first_role.to_owned(),
                    first: first.to_owned(),
                    second_role: role.to_owned(),
                    second: path.to_owned(),
                });
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert((role, path));
            }
        }
    }
    Ok(())
}

fn read_published(path: &Path, bytes: &[u8]) -> Result<Published, Error> {
    let unreadable = |reason: String| Error::PreviousUnreadable {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))?;
    Published::read(text).map_err(unreadable)
}

/// Whether the feed published at `path` shows some event at another
/// instant than `schedule` has under today's tz rules: a feed built with
/// older rules, waiting for a rebuild. None when there is no feed there or
/// it agrees.
pub fn tz_drift(schedule: &Schedule, path: &Path) -> Result<Option<TzdataChange>, Error> {
    let bytes = match crate::input::read(path, crate::input::Kind::Feed) {
        Ok(bytes) => bytes,
        Err(Error::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    let published = read_published(path, &bytes)?;
    let plan = regenerate::plan(schedule, Some(&published), DateTime::UNIX_EPOCH);
    Ok(plan.report.tzdata.filter(|t| t.moved > 0))
}

/// Compare with the previous feed, refuse silent removals, render and stage
/// the new files, but replace nothing: [`Prepared::commit_all`] does, so
/// that several feeds can be published all or nothing.
pub fn prepare(schedule: &Schedule, options: &Options) -> Result<Prepared, Error> {
    prepare_keeping(schedule, options).map(|(p, _)| p)
}

/// Each event's content as rendered for a feed ([`feed::event_content`]).
pub type Contents = Vec<std::sync::Arc<str>>;

/// [`prepare`], and each event's content as rendered for the feed, in
/// session order, when the feed holds every session (no `feed.keep_days`):
/// a folder's combined feed is made from them.
pub fn prepare_keeping(
    schedule: &Schedule,
    options: &Options,
) -> Result<(Prepared, Option<Contents>), Error> {
    let read;
    let previous = match options.previous {
        Previous::Read(read) => read,
        Previous::Fresh => None,
        Previous::Output => {
            read = read_previous(options.output, false)?;
            read.as_ref()
        }
        Previous::File(path) => {
            read = read_previous(path, true)?;
            read.as_ref()
        }
    };
    let previous_path = previous.map(|p| p.path.as_path());
    let published = previous.map(|p| &p.published);
    let full = schedule;
    let windowed = window(schedule, options.now);
    let (schedule, outside) = match &windowed {
        Some((s, outside)) => (s, outside.as_slice()),
        None => (schedule, &[][..]),
    };
    let mut plan = regenerate::plan(schedule, published, options.now);
    if let Some(days) = schedule.feed.keep_days {
        // Declared, not silent: they are reported apart, never as removed.
        plan.report.removed.retain(|r| !outside.contains(&r.uid));
        plan.report.outside_window = Some(OutsideWindow {
            count: outside.len(),
            ended_before: cutoff(options.now, days)
                .format("%Y-%m-%d %H:%MZ")
                .to_string(),
            keep_days: days,
        });
    }
    if let (false, Some(path)) = (
        options.allow_removal || plan.report.removed.is_empty(),
        previous_path,
    ) {
        return Err(Error::Removed {
            path: path.to_path_buf(),
            sessions: plan.report.removed.clone(),
        });
    }
    // The output as it is now, to leave it alone when nothing changed:
    // rewriting identical bytes would still bump its mtime and make sync
    // tools and web caches think the feed changed.
    let current = Old::open(options.output);
    let mut staged = Vec::new();
    let target = write_target(options.output);
    let (feed, feed_stamp) = stage_with(&target, current, options.dry_run, |out| {
        feed::write_feed(schedule, &plan.contents, &plan.revisions, out)
    })?;
    let written = feed.is_some();
    staged.extend(feed.map(|tmp| (target, tmp)));
    let mut page_written = false;
    let mut page_stamp = None;
    if let Some(path) = options.page {
        // The page shows the whole term, whatever the feed's window.
        let text = crate::page::render(full, full.page.subscribe);
        let target = write_target(path);
        let (page, stamp) = stage_with(&target, Old::open(path), options.dry_run, |out| {
            out.write_all(text.as_bytes())
        })?;
        page_stamp = Some(stamp);
        page_written = page.is_some();
        staged.extend(page.map(|tmp| (target, tmp)));
    }
    let prepared = Prepared {
        outcome: Outcome {
            report: plan.report,
            written,
            page_written,
            events: schedule.sessions.len(),
            bytes: feed_stamp.bytes,
            feed_stamp,
            page_stamp,
        },
        staged,
    };
    let contents = windowed.is_none().then_some(plan.contents);
    Ok((prepared, contents))
}

/// The instant before which a session drops out of a `keep_days` window.
fn cutoff(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now - chrono::Duration::days(days.into())
}

/// With `feed.keep_days`, `schedule` without the sessions that ended before
/// the window, and their UIDs; None without a window.
fn window(schedule: &Schedule, now: DateTime<Utc>) -> Option<(Schedule, Vec<String>)> {
    let since = cutoff(now, schedule.feed.keep_days?);
    let mut kept = schedule.clone();
    let mut outside = Vec::new();
    kept.sessions.retain(|s| {
        // An all-day deadline ends when its day ends last, in the
        // westernmost zone (UTC-12), so that it leaves no one's calendar early.
        let ends = match s.all_day {
            true => {
                let next = s.date.succ_opt().unwrap_or(s.date);
                next.and_time(chrono::NaiveTime::MIN).and_utc() + chrono::Duration::hours(12)
            }
            false => s.ends_at,
        };
        let keep = ends >= since;
        if !keep {
            outside.push(s.uid.clone());
        }
        keep
    });
    Some((kept, outside))
}

/// What a target holds now, read only as far as the new content matches it.
enum Old {
    File(std::io::BufReader<std::fs::File>),
    Missing,
}

impl Old {
    fn open(path: &Path) -> Old {
        match std::fs::File::open(path) {
            Ok(f) => Old::File(std::io::BufReader::new(f)),
            Err(_) => Old::Missing,
        }
    }

    /// Whether the next bytes are `expected`.
    fn next_is(&mut self, expected: &[u8], scratch: &mut Vec<u8>) -> bool {
        match self {
            Old::File(f) => {
                scratch.resize(expected.len(), 0);
                f.read_exact(scratch).is_ok() && scratch.as_slice() == expected
            }
            Old::Missing => false,
        }
    }

    fn at_end(&mut self) -> bool {
        match self {
            Old::File(f) => f.fill_buf().is_ok_and(|b| b.is_empty()),
            Old::Missing => false,
        }
    }
}

/// Where new content goes while it is written: a temporary file (none for
/// a dry run), compared on the way with what the target holds now.
struct Sink {
    file: Option<std::io::BufWriter<tempfile::NamedTempFile>>,
    old: Old,
    same: bool,
    scratch: Vec<u8>,
    /// How many bytes were written.
    bytes: u64,
    /// Their digest, for the folder manifest.
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.bytes += buf.len() as u64;
        self.hasher.update(buf);
        if let Some(f) = &mut self.file {
            f.write_all(buf)?;
        }
        self.same = self.same && self.old.next_is(buf, &mut self.scratch);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), Write::flush)
    }
}

/// Write new content for `path` with `write` into a staged temporary file.
/// None when there is nothing to replace: a dry run, or the same bytes.
fn stage_with(
    path: &Path,
    old: Old,
    dry_run: bool,
    write: impl FnOnce(&mut Sink) -> std::io::Result<()>,
) -> Result<(Option<tempfile::TempPath>, Stamp), Error> {
    let fail = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    let file = match dry_run {
        true => None,
        false => Some(std::io::BufWriter::with_capacity(1 << 20, temp_for(path)?)),
    };
    let mut sink = Sink {
        file,
        old,
        same: true,
        scratch: Vec::new(),
        bytes: 0,
        hasher: xxhash_rust::xxh3::Xxh3::new(),
    };
    write(&mut sink).map_err(fail)?;
    let same = sink.same && sink.old.at_end();
    let stamp = Stamp {
        bytes: sink.bytes,
        digest: sink.hasher.digest128(),
    };
    let Some(file) = sink.file.filter(|_| !same) else {
        return Ok((None, stamp));
    };
    let tmp = file.into_inner().map_err(|e| fail(e.into_error()))?;
    seal(&tmp, path)?;
    Ok((Some(tmp.into_temp_path()), stamp))
}

/// Replace `path` with `bytes` atomically, creating its folder if needed.
/// On any error the previous file, if any, is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_all_atomic(&[(path, bytes)])
}

/// Replace several files together: every new file is written and synced to
/// a temporary file first, and only then are they renamed into place, so an
/// error while writing (disk full, permissions) leaves all of them as they were.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<(), Error> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let target = write_target(path);
        let mut tmp = temp_for(&target)?;
        tmp.write_all(bytes).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
        seal(&tmp, &target)?;
        staged.push((target, tmp.into_temp_path()));
    }
    Prepared::commit_all(vec![Prepared {
        outcome: Outcome {
            written: true,
            ..Outcome::default()
        },
        staged,
    }])
}

/// The temporary files this process has made, so that a signal handler
/// can remove the ones still there ([`remove_staged`]).
static STAGED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Folders already swept of stale temporary files by this process.
static SWEPT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A temporary file of ours older than this was left by a build that was
/// killed (no build takes that long), and is removed.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Remove every temporary file this process made that is still there: for
/// SIGINT and SIGTERM, after which the process exits. Renamed and finished
/// files are no longer under their temporary names and are left alone.
pub fn remove_staged() {
    let staged = STAGED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for path in staged.iter() {
        let _ = std::fs::remove_file(path);
    }
    // Keep the registry locked until the process exits: a build thread
    // about to make another temporary file ([`temp_for`] makes it under this
    // lock) then waits instead of leaving one behind after the sweep.
    std::mem::forget(staged);
}

/// Whether `name` is one of our temporary names: `.<output>.<random>.tmp`.
fn is_our_temp(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    inner.rsplit_once('.').is_some_and(|(output, random)| {
        !output.is_empty() && random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Remove temporary files of ours in `dir` that a killed build left behind,
/// once per folder and process.
fn sweep(dir: &Path) {
    {
        let mut swept = SWEPT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if swept.iter().any(|d| d == dir) {
            return;
        }
        swept.push(dir.to_owned());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if stale && is_our_temp(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A temporary file in `path`'s folder (created if needed), so that the
/// final rename stays on one file system and is atomic.
fn temp_for(path: &Path) -> Result<tempfile::NamedTempFile, Error> {
    let fail = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    sweep(dir);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Made and registered under one lock, so that a signal never comes
    // between the two: a file made but not yet registered was what a
    // SIGTERM left behind.
    let mut staged = STAGED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .rand_bytes(6)
        .tempfile_in(dir)
        .map_err(fail)?;
    staged.push(tmp.path().to_owned());
    drop(staged);
    pause_for_tests(tmp.path());
    Ok(tmp)
}

/// With `COURSEFEED_PAUSE_AFTER_TEMP` set, stop for good once a temporary
/// file exists, saying so on stderr: the point at which a test sends a
/// signal, known without polling or timing.
fn pause_for_tests(tmp: &Path) {
    if std::env::var_os("COURSEFEED_PAUSE_AFTER_TEMP").is_none() {
        return;
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "paused after {}", tmp.display());
    loop {
        std::thread::park();
    }
}

/// Give a staged file the permissions of the file it replaces; it is made
/// durable at commit ([`Prepared::commit_all`]).
fn seal(tmp: &tempfile::NamedTempFile, path: &Path) -> Result<(), Error> {
    let fail = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    keep_readable(tmp.as_file(), path).map_err(fail)
}

#[cfg(unix)]
fn keep_readable(tmp: &std::fs::File, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let permissions = match std::fs::metadata(target) {
        Ok(old) => old.permissions(),
        Err(_) => std::fs::Permissions::from_mode(0o644),
    };
    tmp.set_permissions(permissions)
}

/// Elsewhere a new file inherits its folder's access rules already.
#[cfg(not(unix))]
fn keep_readable(_tmp: &std::fs::File, _target: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that a write replaces the file whole and leaves no temporary file behind.
    #[test]
    fn replaces_and_cleans_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out").join("feed.ics");
        write_atomic(&path, b"one").expect("first write");
        write_atomic(&path, b"two").expect("second write");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        let names: Vec<_> = std::fs::read_dir(path.parent().expect("parent"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("feed.ics")]);
    }

    // Test that a new feed is world-readable, as a web server needs.
    #[cfg(unix)]
    #[test]
    fn new_files_are_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feed.ics");
        write_atomic(&path, b"x").expect("write");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    // Test that when a rename fails midway, the files already replaced are
    // put back (and a new one removed): every target is as it was.
    #[test]
    fn failed_rename_restores_the_others() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b, c) = (
            dir.path().join("a.ics"),
            dir.path().join("b.ics"),
            dir.path().join("c.ics"),
        );
        std::fs::write(&a, b"old a").expect("seed");
        std::fs::write(&c, b"old c").expect("seed");
        let staged: Vec<(PathBuf, tempfile::TempPath)> =
            [(&a, "new a"), (&b, "new b"), (&c, "new c")]
                .into_iter()
                .map(|(p, text)| {
                    let mut t = temp_for(p).expect("temp");
                    t.write_all(text.as_bytes()).expect("write");
                    (p.clone(), t.into_temp_path())
                })
                .collect();
        let mut calls = 0;
        let err = commit_with(staged, |tmp, target| {
            calls += 1;
            match calls {
                3 => Err(std::io::Error::other("disk gone")),
                _ => tmp.persist(target).map_err(|e| e.error),
            }
        })
        .expect_err("third rename fails");
        assert_eq!(
            err.to_string(),
            format!("cannot replace `{}`: disk gone; the files already replaced were restored, nothing changed", c.display())
        );
        assert_eq!(std::fs::read(&a).expect("a"), b"old a");
        assert!(!b.exists(), "b did not exist before");
        assert_eq!(std::fs::read(&c).expect("c"), b"old c");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                std::ffi::OsString::from("a.ics"),
                std::ffi::OsString::from("c.ics")
            ]
        );
    }

    // Test that a symlinked output is written through: the file it names
    // gets the new content, and the link stays a link.
    #[cfg(unix)]
    #[test]
    fn symlinked_output_is_written_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let site = dir.path().join("site");
        std::fs::create_dir(&site).expect("site");
        std::fs::write(site.join("schedule.ics"), b"old").expect("seed");
        let link = dir.path().join("schedule.ics");
        std::os::unix::fs::symlink("site/schedule.ics", &link).expect("link");
        write_atomic(&link, b"new").expect("write");
        assert!(std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read(site.join("schedule.ics")).expect("read"),
            b"new"
        );
    }

    // Test that two names for one file are one file: `..`, a symlink, case.
    #[cfg(unix)]
    #[test]
    fn same_file_under_other_names() {
        let dir = tempfile::tempdir().expect("tempdir");
        let yaml = dir.path().join("s.yaml");
        std::fs::write(&yaml, b"x").expect("seed");
        std::os::unix::fs::symlink(&yaml, dir.path().join("link.md")).expect("link");
        let other = dir.path().join("sub").join("..").join("s.yaml");
        for output in [other, dir.path().join("link.md"), dir.path().join("S.YAML")] {
            let err =
                check_distinct(&[("schedule", &yaml)], &[("page", &output)]).expect_err("same");
            assert!(err.to_string().starts_with("the schedule `"), "{err}");
        }
        assert!(check_distinct(
            &[("schedule", &yaml)],
            &[("page", &dir.path().join("p.md"))]
        )
        .is_ok());
    }

    // Test that a failed write leaves the old file as it was: the feed is
    // staged first, then the page's folder cannot be made (a file has its
    // name), and neither is replaced nor any temporary file left.
    #[test]
    fn failure_keeps_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feed.ics");
        std::fs::write(&path, b"old").expect("seed");
        std::fs::write(dir.path().join("public"), b"a file").expect("seed");
        let page = dir.path().join("public").join("page.md");
        let files: [(&Path, &[u8]); 2] = [(&path, b"new"), (&page, b"page")];
        assert!(write_all_atomic(&files).is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["feed.ics", "public"]);
    }
}
