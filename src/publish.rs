//! Writing outputs so that nothing is ever lost or half-written.
//!
//! A subscriber's app may fetch the feed at any moment, and a build may fail
//! half-way: the new content goes to a temporary file in the same folder and
//! is renamed over the old one, which on POSIX file systems is atomic.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::regenerate::{self, Published, Report};
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
#[derive(Debug, Clone)]
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
    let prepared = prepare(schedule, options)?;
    prepared.commit()?;
    Ok(prepared.outcome)
}

/// Everything a publish will write, checked and rendered, not yet written.
#[derive(Debug)]
pub struct Prepared {
    /// What the publish will have done once committed.
    pub outcome: Outcome,
    /// Each file and the pieces that make it up, in order.
    writes: Vec<(std::path::PathBuf, Vec<String>)>,
}

impl Prepared {
    /// Write every file of `all` together: all staged, then all renamed.
    pub fn commit_all(all: &[Prepared]) -> Result<(), Error> {
        let writes: Vec<(&Path, Vec<&[u8]>)> = all
            .iter()
            .flat_map(|p| {
                p.writes.iter().map(|(path, pieces)| {
                    (
                        path.as_path(),
                        pieces.iter().map(String::as_bytes).collect(),
                    )
                })
            })
            .collect();
        write_pieces_atomic(&writes)
    }

    /// Write this publish's files.
    pub fn commit(&self) -> Result<(), Error> {
        Prepared::commit_all(std::slice::from_ref(self))
    }
}

/// Compare with the previous feed, refuse silent removals and render, but
/// write nothing: [`Prepared::commit`] does, so that several feeds can be
/// published all or nothing.
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
        Some((path, bytes)) => {
            let unreadable = |reason: String| Error::PreviousUnreadable {
                path: path.to_path_buf(),
                reason,
            };
            let text = std::str::from_utf8(bytes)
                .map_err(|_| unreadable("it is not UTF-8 text".into()))?;
            Some(Published::read(text).map_err(unreadable)?)
        }
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
    let ics = feed::render_pieces(schedule, &plan.revisions);
    // Rewriting identical bytes would still bump the file's mtime and make
    // sync tools and web caches think the feed changed.
    let feed_same = match &old_bytes {
        Some((path, bytes)) if *path == options.output => same_pieces(bytes, &ics),
        _ => std::fs::read(options.output).is_ok_and(|b| same_pieces(&b, &ics)),
    };
    let page = options
        .page
        .map(|path| (path, crate::page::render(schedule, schedule.page.subscribe)));
    let page_same = page
        .as_ref()
        .is_none_or(|(path, text)| same_as_on_disk(path, text.as_bytes()));
    let mut writes = Vec::new();
    if !options.dry_run && !feed_same {
        writes.push((options.output.to_owned(), ics));
    }
    if let (false, false, Some((path, text))) = (options.dry_run, page_same, page) {
        writes.push((path.to_owned(), vec![text]));
    }
    Ok(Prepared {
        outcome: Outcome {
            report: plan.report,
            written: !options.dry_run && !feed_same,
            page_written: !options.dry_run && !page_same,
        },
        writes,
    })
}

/// Replace `path` with `bytes` atomically, creating its folder if needed.
/// On any error the previous file, if any, is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_all_atomic(&[(path, bytes)])
}

/// Whether `old` is exactly the concatenation of `pieces`.
fn same_pieces(old: &[u8], pieces: &[String]) -> bool {
    let mut rest = old;
    for p in pieces {
        match rest.strip_prefix(p.as_bytes()) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// Replace several files together: every new file is written and synced to
/// a temporary file first, and only then are they renamed into place, so an
/// error while writing (disk full, permissions) leaves all of them as they were.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<(), Error> {
    let files: Vec<(&Path, Vec<&[u8]>)> = files.iter().map(|(p, b)| (*p, vec![*b])).collect();
    write_pieces_atomic(&files)
}

/// [`write_all_atomic`] for files given as pieces to write one after another.
fn write_pieces_atomic(files: &[(&Path, Vec<&[u8]>)]) -> Result<(), Error> {
    let staged = files
        .iter()
        .map(|(path, pieces)| stage(path, pieces).map(|tmp| (*path, tmp)))
        .collect::<Result<Vec<_>, Error>>()?;
    for (path, tmp) in staged {
        tmp.persist(path).map_err(|e| Error::Write {
            path: path.to_owned(),
            source: e.error,
        })?;
    }
    Ok(())
}

fn stage(path: &Path, pieces: &[&[u8]]) -> Result<tempfile::NamedTempFile, Error> {
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
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    for piece in pieces {
        tmp.write_all(piece).map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    keep_readable(tmp.as_file(), path).map_err(fail)?;
    Ok(tmp)
}

/// tempfile creates files readable by the owner only; a published feed must
/// stay readable by the web server, as the file it replaces was.
fn same_as_on_disk(path: &Path, bytes: &[u8]) -> bool {
    std::fs::read(path).is_ok_and(|b| b == bytes)
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
