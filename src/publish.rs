//! Writing outputs so that nothing is ever lost or half-written.
//!
//! A subscriber's app may fetch the feed at any moment, and a build may fail
//! half-way: the new content goes to a temporary file in the same folder and
//! is renamed over the old one, which on POSIX file systems is atomic.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::regenerate::{self, Published, Report, TzdataChange};
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

/// Everything a publish will write, checked, rendered and staged in
/// temporary files beside their targets, not yet renamed into place.
#[derive(Debug)]
pub struct Prepared {
    /// What the publish will have done once committed.
    pub outcome: Outcome,
    /// Each target and its staged replacement.
    staged: Vec<(PathBuf, tempfile::NamedTempFile)>,
}

impl Prepared {
    /// Rename every staged file of `all` into place. Staging already wrote
    /// and synced them all, so an error there (disk full) changed nothing.
    pub fn commit_all(all: Vec<Prepared>) -> Result<(), Error> {
        for (path, tmp) in all.into_iter().flat_map(|p| p.staged) {
            tmp.persist(&path).map_err(|e| Error::Write {
                path,
                source: e.error,
            })?;
        }
        Ok(())
    }
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
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Read {
                path: path.to_owned(),
                source,
            })
        }
    };
    let published = read_published(path, &bytes)?;
    let plan = regenerate::plan(schedule, Some(&published), DateTime::UNIX_EPOCH);
    Ok(plan.report.tzdata.filter(|t| t.moved > 0))
}

/// Compare with the previous feed, refuse silent removals, render and stage
/// the new files, but replace nothing: [`Prepared::commit_all`] does, so
/// that several feeds can be published all or nothing.
pub fn prepare(schedule: &Schedule, options: &Options) -> Result<Prepared, Error> {
    let previous_path = match options.previous {
        Previous::Output => Some(options.output),
        Previous::File(p) => Some(p),
        Previous::Fresh => None,
    };
    let old_bytes = match previous_path {
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => Some((path, bytes)),
            // No feed yet: a first build. An explicit --previous must exist.
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && matches!(options.previous, Previous::Output) =>
            {
                None
            }
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_owned(),
                    source,
                })
            }
        },
        None => None,
    };
    let published = match &old_bytes {
        Some((path, bytes)) => Some(read_published(path, bytes)?),
        None => None,
    };
    let plan = regenerate::plan(schedule, published.as_ref(), options.now);
    if let (false, Some((path, _))) = (
        options.allow_removal || plan.report.removed.is_empty(),
        &old_bytes,
    ) {
        return Err(Error::Removed {
            path: path.to_path_buf(),
            sessions: plan.report.removed.clone(),
        });
    }
    // The output as it is now, to leave it alone when nothing changed:
    // rewriting identical bytes would still bump its mtime and make sync
    // tools and web caches think the feed changed.
    let current = match &old_bytes {
        Some((path, bytes)) if *path == options.output => Old::Bytes(bytes),
        _ => Old::open(options.output),
    };
    let mut staged = Vec::new();
    let feed = stage_with(options.output, current, options.dry_run, |out| {
        feed::write_feed(schedule, &plan.revisions, out)
    })?;
    let written = feed.is_some();
    staged.extend(feed.map(|tmp| (options.output.to_owned(), tmp)));
    let mut page_written = false;
    if let Some(path) = options.page {
        let text = crate::page::render(schedule, schedule.page.subscribe);
        let page = stage_with(path, Old::open(path), options.dry_run, |out| {
            out.write_all(text.as_bytes())
        })?;
        page_written = page.is_some();
        staged.extend(page.map(|tmp| (path.to_owned(), tmp)));
    }
    Ok(Prepared {
        outcome: Outcome {
            report: plan.report,
            written,
            page_written,
        },
        staged,
    })
}

/// What a target holds now, read only as far as the new content matches it.
enum Old<'a> {
    Bytes(&'a [u8]),
    File(std::io::BufReader<std::fs::File>),
    Missing,
}

impl Old<'_> {
    fn open(path: &Path) -> Old<'static> {
        match std::fs::File::open(path) {
            Ok(f) => Old::File(std::io::BufReader::new(f)),
            Err(_) => Old::Missing,
        }
    }

    /// Whether the next bytes are `expected`.
    fn next_is(&mut self, expected: &[u8], scratch: &mut Vec<u8>) -> bool {
        match self {
            Old::Bytes(rest) => match rest.strip_prefix(expected) {
                Some(r) => {
                    *rest = r;
                    true
                }
                None => false,
            },
            Old::File(f) => {
                scratch.resize(expected.len(), 0);
                f.read_exact(scratch).is_ok() && scratch.as_slice() == expected
            }
            Old::Missing => false,
        }
    }

    fn at_end(&mut self) -> bool {
        match self {
            Old::Bytes(rest) => rest.is_empty(),
            Old::File(f) => f.fill_buf().is_ok_and(|b| b.is_empty()),
            Old::Missing => false,
        }
    }
}

/// Where new content goes while it is written: a temporary file (none for
/// a dry run), compared on the way with what the target holds now.
struct Sink<'a> {
    file: Option<std::io::BufWriter<tempfile::NamedTempFile>>,
    old: Old<'a>,
    same: bool,
    scratch: Vec<u8>,
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
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
) -> Result<Option<tempfile::NamedTempFile>, Error> {
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
    };
    write(&mut sink).map_err(fail)?;
    let same = sink.same && sink.old.at_end();
    let Some(file) = sink.file.filter(|_| !same) else {
        return Ok(None);
    };
    let tmp = file.into_inner().map_err(|e| fail(e.into_error()))?;
    seal(&tmp, path)?;
    Ok(Some(tmp))
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
        let mut tmp = temp_for(path)?;
        tmp.write_all(bytes).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
        seal(&tmp, path)?;
        staged.push((path.to_path_buf(), tmp));
    }
    Prepared::commit_all(vec![Prepared {
        outcome: Outcome {
            report: Report::default(),
            written: true,
            page_written: false,
        },
        staged,
    }])
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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)
}

/// Make a staged file durable and as readable as the file it replaces.
fn seal(tmp: &tempfile::NamedTempFile, path: &Path) -> Result<(), Error> {
    let fail = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    tmp.as_file().sync_all().map_err(fail)?;
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

    // Test that a failed write leaves the old file as it was.
    #[test]
    fn failure_keeps_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feed.ics");
        std::fs::write(&path, b"old").expect("seed");
        // A folder where the file's folder should be makes the write fail.
        let blocked = dir.path().join("feed.ics").join("nested.ics");
        assert!(write_atomic(&blocked, b"new").is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
    }
}
