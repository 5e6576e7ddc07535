//! Writing outputs so that nothing is ever lost or half-written.
//!
//! A subscriber's app may fetch the feed at any moment, and a build may fail
//! half-way: the new content goes to a temporary file in the same folder and
//! is renamed over the old one, which on POSIX file systems is atomic.

use std::io::Write;
use std::path::Path;

use crate::Error;

/// Replace `path` with `bytes` atomically, creating its folder if needed.
/// On any error the previous file, if any, is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
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
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    keep_readable(tmp.as_file(), path).map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// tempfile creates files readable by the owner only; a published feed must
/// stay readable by the web server, as the file it replaces was.
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
