//! Putting staged files in place, all or nothing, durably; and rolling
//! back what was already renamed when a rename fails.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::stage::{seal, temp_for};
use super::write_target;
use super::Outcome;
use crate::Error;

/// Everything a publish will write, checked, rendered and staged in
/// temporary files beside their targets, not yet renamed into place.
#[derive(Debug)]
pub struct Prepared {
    /// What the publish will have done once committed.
    pub outcome: Outcome,
    /// Each target and its staged replacement.
    /// Closed, so that a folder of thousands of feeds does not run out of
    /// file handles (1,024 by default on many systems).
    pub(super) staged: Vec<(PathBuf, tempfile::TempPath)>,
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
pub(super) fn commit_with(
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

/// `fsync` every staged file, several at once: the waits overlap, so a
/// folder of a thousand feeds waits about as long as for a few. The waits
/// are on the disk, not the processor, so more run at once than there are
/// cores.
pub(super) fn sync_all(staged: &[(PathBuf, tempfile::TempPath)]) -> Result<(), Error> {
    use rayon::prelude::*;
    let sync = |(target, tmp): &(PathBuf, tempfile::TempPath)| {
        std::fs::File::open(tmp)
            .and_then(|f| f.sync_all())
            .map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })
    };
    match rayon::ThreadPoolBuilder::new().num_threads(32).build() {
        Ok(pool) => pool.install(|| staged.par_iter().try_for_each(sync)),
        Err(_) => staged.iter().try_for_each(sync),
    }
}

/// Make the renames in `folder` durable. Best effort: a folder cannot be
/// opened for syncing everywhere (not on Windows), and the files are.
pub(super) fn sync_folder(folder: &Path) {
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
pub(super) fn backup_of(target: &Path) -> Result<tempfile::TempPath, Error> {
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
