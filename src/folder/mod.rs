//! A department's folder of courses. Each course file publishes the files
//! a single build of it would ([`crate::outputs`]): its feed (named after
//! the course file), its group and audience feeds, its page. All courses
//! together also make `all.ics`, the combined feed.
//!
//! Every way of building a folder goes through [`build`]: a first build,
//! a rebuild where nothing changed (the manifest, `manifest`, vouches for
//! every file: nothing is parsed), and a rebuild where some courses changed
//! (only they are parsed and staged; the others' part of `all.ics` is
//! copied). What changed is decided in `changes`; courses are staged in
//! `stage`, on every core, a batch at a time, so that memory holds a
//! batch, not the department; `all.ics` is assembled in `combined` from
//! their parts and what `previous` keeps of the previous one.

mod changes;
pub(crate) mod combined;
pub(crate) mod manifest;
mod previous;
mod stage;

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Problem, Severity};
use crate::outputs::{CourseOutcome, ExtraOutcome};
use crate::publish::{self, Previous};
use crate::tzdb::TzDatabase;
use crate::Error;

pub use changes::Removal;
use manifest::{CourseRecord as Record, Key, Manifest, Output};

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
    /// For a skipped course, its warnings as the build that parsed it
    /// showed them (a course built now hands them over as it is loaded).
    pub warnings: String,
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
    let key = key_of(options, tz);
    let recorded = Manifest::read(options.output);
    let reusable = recorded
        .as_ref()
        .filter(|m| !options.fresh && options.keep_days.is_none() && m.key.reuses(&key));
    let found = changes::find(&files, reusable, tz)?;
    if let (Some(m), true) = (reusable, found.nothing_changed()) {
        return nothing_changed(m, found, options);
    }
    let previous = previous::Previous::open(&all_path, &found, reusable, options)?;
    let assembly = combined::Assembly::new(&all_path, options)?;
    let staging = stage::stage(
        &files,
        &feeds,
        &found,
        &previous,
        assembly,
        options,
        tz,
        &mut warnings,
    )?;
    let stage::Staging {
        courses,
        mut records,
        pending,
        problems,
        mut assembly,
    } = staging;
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    changes::check_ids(&records, tz)?;
    check_outputs(&files, &records, &all_path)?;
    let removed = changes::removals(recorded.as_ref(), &records, &files, &all_path);
    changes::refuse(dir, &removed, options.allow_removal)?;
    let gone = previous.gone(reusable, &files)?;
    let (staged, summary) = assembly.finish(&mut records, gone, &key, tz)?;
    let combined = CombinedReport {
        feed: all_path,
        name: options.combined_name.to_owned(),
        summary,
        outcome: staged.outcome.clone(),
        skipped: false,
    };
    pending.commit(staged)?;
    if !options.dry_run {
        remove(&removed)?;
        // Last, so that a manifest never vouches for a file not in place.
        let mut manifest = Manifest {
            key,
            courses: records,
            combined: Output::new(&combined.feed, combined.outcome.feed_fingerprint),
            combined_end: assembly.end(),
            combined_summary: combined.summary.clone(),
        };
        manifest.write(options.output)?;
    }
    Ok(FolderOutcome {
        courses,
        combined,
        removed,
    })
}

/// What the outputs of a folder build depend on besides its course files.
fn key_of(options: &FolderOptions, tz: &TzDatabase) -> Key {
    Key {
        format: manifest::FORMAT,
        tool: env!("CARGO_PKG_VERSION").to_owned(),
        tzdata: tz.provenance().version.clone(),
        options: format!(
            "combined name: {}; keep days: {:?}",
            options.combined_name, options.keep_days
        ),
    }
}

/// Delete the files no course writes any more.
fn remove(removed: &[Removal]) -> Result<(), Error> {
    for path in removed.iter().flat_map(|r| &r.outputs) {
        std::fs::remove_file(path).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
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
pub(super) fn skipped(record: &Record) -> CourseReport {
    CourseReport {
        file: record.file.clone(),
        name: record.name.clone(),
        summary: record.summary.clone(),
        warnings: record.warnings.clone(),
        published: CourseOutcome {
            feed: record.feed.path.clone(),
            page: record.page.as_ref().map(|p| p.path.clone()),
            outcome: unchanged(record.combined.sessions),
            extras: record
                .extras
                .iter()
                .map(|e| ExtraOutcome {
                    feed: e.output.path.clone(),
                    name: e.name.clone(),
                    sessions: e.events,
                    outcome: unchanged(e.events),
                })
                .collect(),
        },
        skipped: true,
    }
}

/// What publishing a file of `events` events did when nothing changed.
fn unchanged(events: usize) -> publish::Outcome {
    let mut outcome = publish::Outcome {
        events,
        ..publish::Outcome::default()
    };
    outcome.report.unchanged = events;
    outcome
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
            outputs.push((role(&format!("feed `{}`", e.name), &r.file), &e.output.path));
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
