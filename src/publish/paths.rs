//! Path identity: where writing to a path goes, and whether two paths
//! name one file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::Error;

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
pub(super) fn identity(path: &Path, folders: &mut HashMap<PathBuf, PathBuf>) -> String {
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
