//! Staging: new content written to a temporary file beside its target,
//! compared on the way with what the target holds, and the temporary files
//! of this process, removed on a signal or when a killed build left them.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use super::{write_target, Fingerprint, Outcome, Prepared};
use crate::Error;

/// Stage `output` with what `write` writes, for a feed assembled piece by
/// piece (a folder's combined feed when one course changed): compared with
/// the file there, and left alone when the bytes are the same. `outcome`
/// says what changed; its fingerprint and `written` are filled in here.
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
    let (tmp, fingerprint) = stage_with(&target, old, dry_run, |out| write(out))?;
    outcome.written = tmp.is_some();
    outcome.feed_fingerprint = fingerprint;
    outcome.bytes = fingerprint.bytes;
    Ok(Prepared {
        outcome,
        staged: tmp.map(|t| (target, t)).into_iter().collect(),
    })
}

/// What a target holds now, read only as far as the new content matches it.
pub(super) enum Old {
    File(std::io::BufReader<std::fs::File>),
    Missing,
}

impl Old {
    pub(super) fn open(path: &Path) -> Old {
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
pub(super) struct Sink {
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
pub(super) fn stage_with(
    path: &Path,
    old: Old,
    dry_run: bool,
    write: impl FnOnce(&mut Sink) -> std::io::Result<()>,
) -> Result<(Option<tempfile::TempPath>, Fingerprint), Error> {
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
    let fingerprint = Fingerprint {
        bytes: sink.bytes,
        digest: sink.hasher.digest128(),
    };
    let Some(file) = sink.file.filter(|_| !same) else {
        return Ok((None, fingerprint));
    };
    let tmp = file.into_inner().map_err(|e| fail(e.into_error()))?;
    seal(&tmp, path)?;
    Ok((Some(tmp.into_temp_path()), fingerprint))
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
pub(super) fn is_our_temp(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    inner.rsplit_once('.').is_some_and(|(output, random)| {
        !output.is_empty() && random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Remove temporary files of ours in `dir` that a killed build left behind,
/// once per folder and process.
pub(super) fn sweep(dir: &Path) {
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
pub(super) fn temp_for(path: &Path) -> Result<tempfile::NamedTempFile, Error> {
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
pub(super) fn seal(tmp: &tempfile::NamedTempFile, path: &Path) -> Result<(), Error> {
    let fail = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    keep_readable(tmp.as_file(), path).map_err(fail)
}

#[cfg(unix)]
pub(super) fn keep_readable(tmp: &std::fs::File, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let permissions = match std::fs::metadata(target) {
        Ok(old) => old.permissions(),
        Err(_) => std::fs::Permissions::from_mode(0o644),
    };
    tmp.set_permissions(permissions)
}

/// Elsewhere a new file inherits its folder's access rules already.
#[cfg(not(unix))]
pub(super) fn keep_readable(_tmp: &std::fs::File, _target: &Path) -> std::io::Result<()> {
    Ok(())
}
