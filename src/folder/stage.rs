//! Staging a folder's courses: each parsed, its files staged (see
//! [`crate::outputs`]) and its part of `all.ics` made, a batch at a time on
//! every core; what the build must keep of each until all are committed.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::manifest::{self, CourseRecord as Record, Input, Output};
use super::{changes, combined, skipped, CourseReport, FolderOptions, BATCH};
use crate::error::{Diagnostic, Severity};
use crate::outputs::{self, CourseOutcome};
use crate::publish::Prepared;
use crate::tzdb::TzDatabase;
use crate::{Error, Loaded};

/// Every course parsed and staged, a batch at a time on every core, but
/// those `found` unchanged, whose part of `all.ics` stays where it is.
#[allow(clippy::too_many_arguments)]
pub(super) fn stage(
    files: &[PathBuf],
    feeds: &[PathBuf],
    found: &changes::Changes,
    previous: &super::previous::Previous,
    assembly: combined::Assembly,
    options: &FolderOptions,
    tz: &TzDatabase,
    warnings: &mut impl FnMut(&[Diagnostic]),
) -> Result<Staging, Error> {
    let mut staging = Staging {
        courses: Vec::with_capacity(files.len()),
        records: Vec::with_capacity(files.len()),
        problems: Vec::new(),
        pending: Pending::default(),
        assembly,
    };
    let indices: Vec<usize> = (0..files.len()).collect();
    for batch in indices.chunks(BATCH) {
        // After a problem the rest is only checked, so that every problem
        // is reported; nothing more is staged.
        let stage = staging.problems.is_empty();
        let done: Vec<Result<Done, Error>> = batch
            .par_iter()
            .map(|&i| match &found.unchanged[i] {
                Some(record) => Ok(Done::Skipped(Box::new(record.clone()))),
                None => course(&files[i], &feeds[i], options, tz, previous, stage),
            })
            .collect();
        for (&i, done) in batch.iter().zip(done) {
            staging.take(&files[i], done, warnings)?;
        }
    }
    Ok(staging)
}

/// What a build has staged so far, course by course in file order.
pub(super) struct Staging {
    pub courses: Vec<CourseReport>,
    pub records: Vec<Record>,
    pub problems: Vec<Diagnostic>,
    pub pending: Pending,
    pub assembly: combined::Assembly,
}

impl Staging {
    /// Take what became of the next course, `file`.
    fn take(
        &mut self,
        file: &Path,
        done: Result<Done, Error>,
        warnings: &mut impl FnMut(&[Diagnostic]),
    ) -> Result<(), Error> {
        match done {
            Ok(Done::Skipped(record)) => {
                self.assembly.copy(&record);
                self.courses.push(skipped(&record));
                self.records.push(*record);
            }
            Ok(Done::Checked(w)) => warn(warnings, &w),
            Ok(Done::Built(built)) => {
                let Built {
                    input,
                    loaded,
                    staged,
                    part,
                    folders,
                } = *built;
                warn(warnings, &loaded.warnings);
                self.pending.note(folders);
                // A course staged beside one with a problem is dropped,
                // and its staged files with it.
                if self.problems.is_empty() {
                    let mut record = record_of(file, input, &loaded, &staged.outcome);
                    self.assembly.add(&mut record, part)?;
                    self.courses.push(CourseReport {
                        file: file.to_owned(),
                        name: loaded.schedule.course.name.clone(),
                        summary: loaded.summary(),
                        warnings: String::new(),
                        published: staged.outcome,
                        skipped: false,
                    });
                    self.pending.prepared.extend(staged.prepared);
                    self.records.push(record);
                }
            }
            Err(Error::Invalid(d)) => self.problems.extend(d),
            Err(other) => return Err(other),
        }
        Ok(())
    }
}

/// What became of one course in a batch.
enum Done {
    /// The manifest vouches for it: not parsed.
    Skipped(Box<Record>),
    /// Parsed only, because another course has a problem: its warnings.
    Checked(Vec<Diagnostic>),
    /// Parsed and staged.
    Built(Box<Built>),
}

/// A course parsed, its files staged and its part of `all.ics` made.
struct Built {
    input: Input,
    loaded: Loaded,
    staged: outputs::Staged,
    part: combined::Part,
    /// The folders staging made, to be removed again if the build fails.
    folders: Vec<PathBuf>,
}

/// Parse the course `file`, check that its `feed.url` names its `feed`,
/// and unless only checking (`stage` false), stage its files and make its
/// part of `all.ics`.
fn course(
    file: &Path,
    feed: &Path,
    options: &FolderOptions,
    tz: &TzDatabase,
    previous: &super::previous::Previous,
    stage: bool,
) -> Result<Done, Error> {
    let (input, bytes) = Input::read(file)?;
    let mut loaded = crate::load_bytes(file, bytes, tz)?;
    loaded.warnings.extend(outputs::url_disagrees(
        &loaded.schedule,
        file,
        feed,
        Severity::Warning,
    ));
    let s = &loaded.schedule;
    if !stage {
        return Ok(Done::Checked(loaded.warnings));
    }
    let mut folders = Vec::new();
    let paths = outputs::Outputs::of(s, feed);
    for (_, path) in paths.roles(None) {
        note_new_folders(&path, &mut folders);
    }
    let mut staged = outputs::stage(s, &options.for_course(feed), None)?;
    let old = previous.part_of(file, s)?;
    // The events' contents are for the part only: not kept past it.
    let contents = staged.contents.take();
    let part = combined::part(s, contents.as_deref(), old.as_ref(), options)?;
    if !options.itemize {
        staged.outcome.outcome.report.drop_added();
        for e in &mut staged.outcome.extras {
            e.outcome.report.drop_added();
        }
    }
    Ok(Done::Built(Box::new(Built {
        input,
        loaded,
        staged,
        part,
        folders,
    })))
}

fn warn(warnings: &mut impl FnMut(&[Diagnostic]), found: &[Diagnostic]) {
    if !found.is_empty() {
        warnings(found);
    }
}

/// The manifest's record of the course `file` (as found: `input`), built
/// with `published`; its place in all.ics is filled in with its part.
fn record_of(file: &Path, input: Input, c: &Loaded, published: &CourseOutcome) -> Record {
    let s = &c.schedule;
    let o = &published.outcome;
    Record {
        file: file.to_owned(),
        input: input.digest,
        input_seen: input.seen,
        name: s.course.name.clone(),
        summary: c.summary(),
        warnings: crate::error::render_capped(&c.warnings),
        feed: Output::new(&published.feed, o.feed_fingerprint),
        extras: published
            .extras
            .iter()
            .map(|e| manifest::ExtraRecord {
                output: Output::new(&e.feed, e.outcome.feed_fingerprint),
                name: e.name.clone(),
                events: e.sessions,
            })
            .collect(),
        page: published
            .page
            .as_deref()
            .zip(o.page_fingerprint)
            .map(|(p, st)| Output::new(p, st)),
        windowed: s.feed.keep_days.is_some(),
        combined: manifest::InCombined {
            id: s.course.id.clone(),
            timezone: s.course.timezone.name().to_owned(),
            refresh_secs: s.feed.refresh.num_seconds(),
            sessions: 0,
            deadlines: 0,
            zones: Vec::new(),
            range: (0, 0),
        },
    }
}

/// What a build has staged and not yet put in place: the staged files and
/// the folders made for them (staging makes the folders its files go to).
/// Dropped uncommitted, on any error, it removes both: the staged files,
/// then the folders, deepest first, so that nothing is left behind.
#[derive(Default)]
pub(super) struct Pending {
    prepared: Vec<Prepared>,
    folders: Vec<PathBuf>,
    committed: bool,
}

impl Pending {
    fn note(&mut self, folders: Vec<PathBuf>) {
        for folder in folders {
            if !self.folders.contains(&folder) {
                self.folders.push(folder);
            }
        }
    }

    /// Put every staged file, and `last`, in place: all, or none.
    pub fn commit(mut self, last: Prepared) -> Result<(), Error> {
        let mut all = std::mem::take(&mut self.prepared);
        all.push(last);
        Prepared::commit_all(all)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.committed {
            // The staged files first: a folder goes only when empty.
            self.prepared.clear();
            let mut folders = std::mem::take(&mut self.folders);
            folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
            for folder in folders {
                let _ = std::fs::remove_dir(folder);
            }
        }
    }
}

/// Note in `created` the folders above `path` that do not exist yet.
fn note_new_folders(path: &Path, created: &mut Vec<PathBuf>) {
    for folder in path.ancestors().skip(1) {
        if folder.as_os_str().is_empty() || folder.exists() {
            break;
        }
        if !created.iter().any(|c| c == folder) {
            created.push(folder.to_owned());
        }
    }
}
