//! A department's folder of courses. Each course file publishes the files
//! a single build of it would ([`crate::outputs`]): its feed (named after
//! the course file), its group and audience feeds, its page. All courses
//! together also make `all.ics`, the combined feed.
//!
//! Every way of building a folder goes through [`build`]: a first build,
//! a rebuild where nothing changed (the manifest, [`manifest`], vouches for
//! every file: nothing is parsed), and a rebuild where some courses changed
//! (only they are parsed and staged; the others' part of `all.ics` is
//! copied). What changed is decided in [`changes`], `all.ics` assembled in
//! [`combined`]. Courses are parsed and staged on every core, a batch at a
//! time, so that memory holds a batch, not the department.

mod changes;
pub(crate) mod combined;
pub mod manifest;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Diagnostic, Problem, Severity};
use crate::outputs::{self, CourseOutcome};
use crate::publish::{self, Prepared, Previous};
use crate::tzdb::TzDatabase;
use crate::{Error, Loaded};

pub use changes::Removal;
use manifest::{CourseRecord as Record, Input, Key, Manifest, Output};

/// The combined feed's file name, in the output folder.
pub const COMBINED: &str = "all.ics";

/// How to publish a folder of courses.
#[derive(Debug, Clone, Copy)]
pub struct FolderOptions<'a> {
    /// Where the files go: each course's, and `all.ics`.
    pub output: &'a Path,
    /// The combined feed's calendar name.
    pub combined_name: &'a str,
    /// Ignore the previous feeds: every event starts at SEQUENCE 0.
    pub fresh: bool,
    /// Let published sessions, and files no course writes any more, go.
    pub allow_removal: bool,
    /// Report only; write nothing.
    pub dry_run: bool,
    /// The build time for new and changed events.
    pub now: chrono::DateTime<chrono::Utc>,
    /// Leave sessions that ended more than this many days ago out of the
    /// combined feed.
    pub keep_days: Option<u32>,
    /// Keep an entry per added event in the combined feed's report (the
    /// JSON output lists them); without, only their number, so that a
    /// first build's memory does not grow with the folder's events.
    pub itemize: bool,
}

impl FolderOptions<'_> {
    /// How to publish one course's feed at `feed`.
    fn for_course<'b>(&self, feed: &'b Path) -> publish::Options<'b> {
        publish::Options {
            output: feed,
            previous: match self.fresh {
                true => Previous::Fresh,
                false => Previous::Output,
            },
            allow_removal: self.allow_removal,
            dry_run: self.dry_run,
            now: self.now,
        }
    }
}

/// One course of a folder build.
#[derive(Debug, Clone)]
pub struct CourseReport {
    /// The course file.
    pub file: PathBuf,
    /// The course's name.
    pub name: String,
    /// What was loaded: sessions, dates, warnings.
    pub summary: String,
    /// What publishing its files did (nothing, when skipped).
    pub published: CourseOutcome,
    /// Not rebuilt: the manifest shows neither it nor its files changed.
    pub skipped: bool,
}

/// The combined feed of a folder build.
#[derive(Debug, Clone)]
pub struct CombinedReport {
    /// Its path.
    pub feed: PathBuf,
    /// Its calendar name.
    pub name: String,
    /// What it holds.
    pub summary: String,
    /// What publishing it did.
    pub outcome: publish::Outcome,
    /// Not rebuilt: nothing changed.
    pub skipped: bool,
}

/// What a folder build did.
#[derive(Debug, Clone)]
pub struct FolderOutcome {
    /// Each course, in file order.
    pub courses: Vec<CourseReport>,
    /// The combined feed.
    pub combined: CombinedReport,
    /// Files no course writes any more, deleted (in a dry run: to be) with
    /// `--allow-removal`.
    pub removed: Vec<Removal>,
}

/// The feed of the course file `file` in a folder build into `output`:
/// named after the file, so that no two courses' meet.
pub fn feed_of(output: &Path, file: &Path) -> PathBuf {
    output
        .join(file.file_stem().unwrap_or_default())
        .with_extension("ics")
}

/// Courses parsed and staged at a time: enough to keep every core busy,
/// few enough that memory holds a batch, not the department.
const BATCH: usize = 64;

/// Every course of `dir`, and all of them in `all.ics`, into
/// `options.output`: all written, or on any error none. `warnings` gets
/// each course's warnings as soon as it is loaded.
pub fn build(
    dir: &Path,
    options: &FolderOptions,
    tz: &TzDatabase,
    mut warnings: impl FnMut(&[Diagnostic]),
) -> Result<FolderOutcome, Error> {
    let files = schedule_files(dir)?;
    let feeds: Vec<PathBuf> = files.iter().map(|f| feed_of(options.output, f)).collect();
    let all_path = options.output.join(COMBINED);
    let key = Key {
        format: manifest::FORMAT,
        tool: env!("CARGO_PKG_VERSION").to_owned(),
        tzdata: tz.provenance().version.clone(),
        options: format!(
            "combined name: {}; keep days: {:?}",
            options.combined_name, options.keep_days
        ),
    };
    let recorded = Manifest::read(options.output);
    let reusable = recorded
        .as_ref()
        .filter(|m| !options.fresh && options.keep_days.is_none() && m.key.reuses(&key));
    let found = changes::find(&files, reusable, tz)?;
    if let (Some(m), true) = (reusable, found.nothing_changed()) {
        return nothing_changed(m, found, options);
    }

    let mut previous = combined::Previous::open(&all_path, &found, reusable, options)?;
    let skip = found.unchanged;
    let mut made = MadeFolders::default();
    let mut assembly = combined::Assembly::new(&all_path, options)?;
    let mut courses: Vec<CourseReport> = Vec::with_capacity(files.len());
    let mut records: Vec<Record> = Vec::with_capacity(files.len());
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    let indices: Vec<usize> = (0..files.len()).collect();
    for batch in indices.chunks(BATCH) {
        // After a problem the rest is only checked, so that every problem
        // is reported; nothing more is staged.
        let stage = problems.is_empty();
        let done: Vec<Result<Done, Error>> = batch
            .par_iter()
            .map(|&i| match &skip[i] {
                Some(_) => Ok(Done::Skipped),
                None => course(&files[i], &feeds[i], options, tz, &previous, stage),
            })
            .collect();
        for (&i, done) in batch.iter().zip(done) {
            match done {
                Ok(Done::Skipped) => {
                    let Some(record) = skip[i].clone() else {
                        continue;
                    };
                    assembly.copy(&record)?;
                    courses.push(skipped(&record));
                    records.push(record);
                }
                Ok(Done::Checked(w)) => warn(&mut warnings, &w),
                Ok(Done::Built(built)) => {
                    warn(&mut warnings, &built.loaded.warnings);
                    made.note(built.folders);
                    if !problems.is_empty() {
                        continue;
                    }
                    let mut record =
                        record_of(&files[i], built.input, &built.loaded, &built.staged.outcome);
                    assembly.add(&mut record, built.part)?;
                    courses.push(CourseReport {
                        file: files[i].clone(),
                        name: built.loaded.schedule.course.name.clone(),
                        summary: built.loaded.summary(),
                        published: built.staged.outcome,
                        skipped: false,
                    });
                    prepared.extend(built.staged.prepared);
                    records.push(record);
                }
                Err(Error::Invalid(d)) => problems.extend(d),
                Err(other) => return Err(other),
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    changes::check_ids(&records, tz)?;
    check_outputs(&files, &records, &all_path)?;
    let removed = changes::removals(recorded.as_ref(), &records, &files, &all_path);
    if !removed.is_empty() && !options.allow_removal {
        return Err(Error::OutputsRemoved {
            folder: dir.to_owned(),
            removals: removed,
        });
    }
    let (combined, combined_summary) = assembly.finish(
        &mut records,
        &mut previous,
        recorded.as_ref().filter(|_| reusable.is_some()),
        &files,
        &key,
        tz,
    )?;
    let combined_outcome = combined.outcome.clone();
    prepared.push(combined);
    Prepared::commit_all(prepared)?;
    // In place: the folders hold published files now.
    made.keep = true;
    if !options.dry_run {
        for path in removed.iter().flat_map(|r| &r.outputs) {
            std::fs::remove_file(path).map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
        }
        // Last, so that a manifest never vouches for a file not in place.
        let mut manifest = Manifest {
            key,
            courses: records,
            combined: Output::new(&all_path, combined_outcome.feed_fingerprint),
            combined_end: assembly.end(),
            combined_summary: combined_summary.clone(),
        };
        manifest.write(options.output)?;
    }
    Ok(FolderOutcome {
        courses,
        combined: CombinedReport {
            feed: all_path,
            name: options.combined_name.to_owned(),
            summary: combined_summary,
            outcome: combined_outcome,
            skipped: false,
        },
        removed,
    })
}

/// What became of one course in a batch.
enum Done {
    /// The manifest vouches for it: not parsed.
    Skipped,
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
    previous: &combined::Previous,
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
    let staged = outputs::stage(s, &options.for_course(feed))?;
    let old = previous.part_of(file, s)?;
    let part = combined::part(s, staged.contents.as_deref(), old.as_ref(), options)?;
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

/// A build that found nothing to do: what had to be read to know it is
/// recorded as settled, for next time.
fn nothing_changed(
    m: &Manifest,
    found: changes::Changes,
    options: &FolderOptions,
) -> Result<FolderOutcome, Error> {
    let courses: Vec<Record> = found.unchanged.into_iter().flatten().collect();
    let reports = courses.iter().map(skipped).collect();
    if found.read_again && !options.dry_run {
        let mut refreshed = Manifest {
            courses,
            combined: found.combined.unwrap_or_else(|| m.combined.clone()),
            ..m.clone()
        };
        refreshed.write(options.output)?;
    }
    Ok(FolderOutcome {
        courses: reports,
        combined: CombinedReport {
            feed: m.combined.path.clone(),
            name: options.combined_name.to_owned(),
            summary: m.combined_summary.clone(),
            outcome: publish::Outcome::default(),
            skipped: true,
        },
        removed: Vec::new(),
    })
}

/// A skipped course, as the manifest records it.
fn skipped(record: &Record) -> CourseReport {
    CourseReport {
        file: record.file.clone(),
        name: record.name.clone(),
        summary: record.summary.clone(),
        published: CourseOutcome {
            feed: record.feed.path.clone(),
            page: record.page.as_ref().map(|p| p.path.clone()),
            outcome: publish::Outcome::default(),
            extras: Vec::new(),
        },
        skipped: true,
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
        feed: Output::new(&published.feed, o.feed_fingerprint),
        extras: published
            .extras
            .iter()
            .map(|e| Output::new(&e.feed, e.outcome.feed_fingerprint))
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

/// Refuse a folder build whose files would meet a course file or each
/// other: every file of every course, and all.ics. The error names both
/// files and what each is for.
fn check_outputs(files: &[PathBuf], records: &[Record], all_path: &Path) -> Result<(), Error> {
    let role = |what: &str, f: &Path| format!("{what} of `{}`", f.display());
    let mut outputs: Vec<(String, &Path)> = Vec::new();
    for r in records {
        outputs.push((role("feed", &r.file), &r.feed.path));
        for e in &r.extras {
            let name = e.path.file_name().unwrap_or_default().to_string_lossy();
            outputs.push((role(&format!("feed `{name}`"), &r.file), &e.path));
        }
        if let Some(p) = &r.page {
            outputs.push((role("page", &r.file), &p.path));
        }
    }
    outputs.push(("combined feed".to_owned(), all_path));
    let inputs: Vec<(&str, &Path)> = files.iter().map(|f| ("schedule", f.as_path())).collect();
    let outputs: Vec<(&str, &Path)> = outputs.iter().map(|(r, p)| (r.as_str(), *p)).collect();
    publish::check_distinct(&inputs, &outputs)
}

/// The folders a build made, removed again (deepest first) unless it
/// succeeds: staging makes the folders its files go to, and if a later
/// course fails, the staged files go and so must the folders made for them.
/// Made before anything is staged, it is dropped after it.
#[derive(Default)]
struct MadeFolders {
    folders: Vec<PathBuf>,
    keep: bool,
}

impl MadeFolders {
    fn note(&mut self, folders: Vec<PathBuf>) {
        for folder in folders {
            if !self.folders.contains(&folder) {
                self.folders.push(folder);
            }
        }
    }
}

impl Drop for MadeFolders {
    fn drop(&mut self) {
        if !self.keep {
            let mut folders = std::mem::take(&mut self.folders);
            // Deepest first.
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

/// The diagnostic for two courses with one id, at the second's `course.id`.
fn duplicate_id(file: &Path, id: &str, other: &Path) -> Diagnostic {
    Diagnostic {
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
    }
}
