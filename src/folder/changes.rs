//! What changed in a folder since its last build: which courses the
//! manifest vouches for, which files no course writes any more, and
//! whether courses' ids (and so their events' UIDs) still stay apart.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::manifest::{key, CourseRecord as Record, Found, Input, Manifest, Output};
use crate::error::{Diagnostic, Problem, Severity};
use crate::tzdb::TzDatabase;
use crate::Error;

/// What the manifest says of the folder now.
#[derive(Debug, Default)]
pub struct Changes {
    /// For each course file, its record brought up to date when neither it
    /// nor any of its files changed.
    pub unchanged: Vec<Option<Record>>,
    /// The combined feed's record, when the file is still the recorded one.
    pub combined: Option<Output>,
    /// Whether a file had to be read to know it was unchanged (then the
    /// manifest is written again, to record it as settled).
    pub read_again: bool,
    /// Whether the manifest records exactly these course files.
    same_courses: bool,
}

impl Changes {
    /// Whether nothing at all needs building.
    pub fn nothing_changed(&self) -> bool {
        self.same_courses && self.combined.is_some() && self.unchanged.iter().all(Option::is_some)
    }
}

/// Compare `files` with what `manifest` (one this build may reuse)
/// recorded. Each course file is read for its digest unless the file
/// system vouches for it; a course is unchanged only if its file and all
/// its files are as recorded, and the zones it uses are still known.
pub fn find(
    files: &[PathBuf],
    manifest: Option<&Manifest>,
    tz: &TzDatabase,
) -> Result<Changes, Error> {
    let Some(m) = manifest else {
        return Ok(Changes {
            unchanged: vec![None; files.len()],
            ..Changes::default()
        });
    };
    let mut combined = m.combined.clone();
    let (combined, mut read_again) = match combined.check() {
        Found::Changed => (None, false),
        Found::Read => (Some(combined), true),
        Found::Settled => (Some(combined), false),
    };
    // Without an intact all.ics, no course's part can be copied from it:
    // every course is built.
    if combined.is_none() {
        return Ok(Changes {
            unchanged: vec![None; files.len()],
            ..Changes::default()
        });
    }
    let recorded: HashMap<PathBuf, &Record> = m.courses.iter().map(|c| (key(&c.file), c)).collect();
    let checked: Vec<Option<(Record, Found)>> = files
        .par_iter()
        .map(|f| -> Result<_, Error> {
            let Some(record) = recorded.get(&key(f)) else {
                return Ok(None);
            };
            let input = Input::of(f, Some(record))?;
            Ok(record.unchanged(&input).filter(|(r, _)| zones_known(r, tz)))
        })
        .collect::<Result<_, _>>()?;
    read_again |= checked.iter().flatten().any(|(_, f)| *f == Found::Read);
    Ok(Changes {
        unchanged: checked.into_iter().map(|c| c.map(|(r, _)| r)).collect(),
        combined,
        read_again,
        same_courses: m.courses.len() == files.len()
            && m.courses
                .iter()
                .zip(files)
                .all(|(c, f)| key(&c.file) == key(f)),
    })
}

/// Whether every zone a record's part of all.ics uses is in `tz`.
fn zones_known(record: &Record, tz: &TzDatabase) -> bool {
    tz.zone(&record.combined.timezone).is_some()
        && record
            .combined
            .zones
            .iter()
            .all(|(z, _, _)| tz.zone(z).is_some())
}

/// Files that a build recorded for a course and that no course writes any
/// more, course by course.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Removal {
    /// The course's name, as recorded.
    pub course: String,
    /// Its file.
    pub file: PathBuf,
    /// Whether the course file is gone from the folder (else the course no
    /// longer writes these files: a group or audience taken out).
    pub gone: bool,
    /// The files, still as they were written.
    pub outputs: Vec<PathBuf>,
    /// Its files that no course writes any more but that were changed since
    /// they were written: another's now, left alone, and said so.
    pub kept: Vec<PathBuf>,
}

/// What the last build (`recorded`, whatever its key) wrote that none of
/// the courses built now (`records`) writes, among files still there as
/// that build left them. A file no build recorded, or one changed since
/// (another tool's now), is never a removal.
pub fn removals(
    recorded: Option<&Manifest>,
    records: &[Record],
    files: &[PathBuf],
    all_path: &Path,
) -> Vec<Removal> {
    let Some(m) = recorded else {
        return Vec::new();
    };
    let written: HashSet<PathBuf> = records
        .iter()
        .flat_map(Record::outputs)
        .map(|o| key(&o.path))
        .chain([key(all_path)])
        .collect();
    let present: HashSet<PathBuf> = files.iter().map(|f| key(f)).collect();
    let mut out = Vec::new();
    for course in &m.courses {
        let (mut outputs, mut kept) = (Vec::new(), Vec::new());
        for o in course
            .outputs()
            .filter(|o| !written.contains(&key(&o.path)))
        {
            match (o.clone().check(), o.path.is_file()) {
                (Found::Changed, true) => kept.push(o.path.clone()),
                (Found::Changed, false) => {}
                _ => outputs.push(o.path.clone()),
            }
        }
        if !outputs.is_empty() || !kept.is_empty() {
            out.push(Removal {
                course: course.name.clone(),
                file: course.file.clone(),
                gone: !present.contains(&key(&course.file)),
                outputs,
                kept,
            });
        }
    }
    out
}

/// Refuse to delete `removed` unless the build allows removal.
pub fn refuse(folder: &Path, removed: &[Removal], allow_removal: bool) -> Result<(), Error> {
    let deletes = removed.iter().any(|r| !r.outputs.is_empty());
    match !deletes || allow_removal {
        true => Ok(()),
        false => Err(Error::OutputsRemoved {
            folder: folder.to_owned(),
            removals: removed
                .iter()
                .filter(|r| !r.outputs.is_empty())
                .cloned()
                .collect(),
        }),
    }
}

/// Refuse courses whose events' UIDs would meet: two courses with one id,
/// or sessions of two courses with one UID. UIDs are `<course id>-<key>`,
/// so two courses' can only meet when one id is the other's and a `-` and
/// more: only such courses, rare, are parsed again and compared.
pub fn check_ids(records: &[Record], tz: &TzDatabase) -> Result<(), Error> {
    let mut ids: HashMap<&str, &Path> = HashMap::new();
    let mut problems = Vec::new();
    for r in records {
        let id = r.combined.id.as_str();
        match ids.get(id) {
            Some(other) => problems.push(super::duplicate_id(&r.file, id, other)),
            None => {
                ids.insert(id, &r.file);
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut related: Vec<&Path> = Vec::new();
    for r in records {
        let id = r.combined.id.as_str();
        for (at, _) in id.match_indices('-') {
            if let Some(shorter) = ids.get(&id[..at]) {
                related.extend([r.file.as_path(), shorter]);
            }
        }
    }
    if related.is_empty() {
        return Ok(());
    }
    let order: HashMap<&Path, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.file.as_path(), i))
        .collect();
    related.sort_by_key(|f| order.get(f).copied());
    related.dedup();
    let mut uids: HashMap<String, (&Path, String)> = HashMap::new();
    for file in related {
        let loaded = crate::load_path(file, tz)?;
        for s in &loaded.schedule.sessions {
            match uids.get(&s.uid) {
                Some((other_file, other)) => problems.push(Diagnostic {
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
    match problems.is_empty() {
        true => Ok(()),
        false => Err(Error::Invalid(problems)),
    }
}
