//! What a folder build wrote, recorded beside its outputs
//! (`.coursefeed-manifest.json`), so that the next build skips the courses
//! that did not change, and the whole folder when none did.
//!
//! A course's outputs depend on its file's bytes, the tool's version, the
//! tz database's release and the build's options; the manifest records a
//! digest of each, and of every output as written. A course is skipped
//! (not even parsed, when no course changed) only if all of them are as
//! recorded, its outputs included: an output edited or deleted by hand is
//! rebuilt. A missing, unreadable or older manifest, or `--fresh`, rebuilds
//! everything. A course whose feed keeps a window (`feed.keep_days`)
//! changes with the date and is always rebuilt.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::publish::Stamp;

/// The manifest's file name, in the output folder.
pub const FILE: &str = ".coursefeed-manifest.json";

/// What the outputs of a build depend on besides the course files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// coursefeed's version.
    pub tool: String,
    /// The tz database's release; None (unknown) never matches.
    pub tzdata: Option<String>,
    /// The options that shape outputs (the combined feed's name).
    pub options: String,
}

impl Key {
    /// Whether a build under `self` may reuse what one under `other` wrote.
    fn reuses(&self, other: &Key) -> bool {
        self == other && self.tzdata.is_some()
    }
}

/// One output file as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// Where.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Its xxh3-128 digest, in hex.
    pub digest: String,
}

impl Output {
    /// The record of `stamp` at `path`.
    pub fn new(path: &Path, stamp: Stamp) -> Output {
        Output {
            path: path.to_owned(),
            bytes: stamp.bytes,
            digest: format!("{:032x}", stamp.digest),
        }
    }

    /// Whether the file is still the one recorded.
    pub fn intact(&self) -> bool {
        let Ok(digest) = u128::from_str_radix(&self.digest, 16) else {
            return false;
        };
        Stamp {
            bytes: self.bytes,
            digest,
        }
        .matches_file(&self.path)
    }
}

/// One course as last built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    /// Its file.
    pub file: PathBuf,
    /// Digest of the file's bytes, in hex.
    pub input: String,
    /// The course's name.
    pub name: String,
    /// What it held (`12 sessions and 6 deadlines, ...`).
    pub summary: String,
    /// Its feed.
    pub feed: Output,
    /// Its page, when it asks for one.
    pub page: Option<Output>,
    /// What the combined feed needs of it without parsing it again.
    pub combined: InCombined,
}

/// A course's part of the combined feed: enough to write `all.ics` again
/// when another course changed, without parsing this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InCombined {
    /// Its `course.id` (ids must stay distinct across the folder).
    pub id: String,
    /// Its zone (the combined feed's when it is the first course).
    pub timezone: String,
    /// Its refresh interval, in seconds (the combined feed takes the least).
    pub refresh_secs: i64,
    /// Its sessions and deadlines.
    pub sessions: usize,
    /// Of them, deadlines.
    pub deadlines: usize,
    /// Each zone its timed sessions use, with their first and last day.
    pub zones: Vec<(String, String, String)>,
    /// Where its events stand in `all.ics`, in bytes, end exclusive.
    pub range: (u64, u64),
}

impl Course {
    /// Whether `input` (the file's digest now) and the outputs on disk are
    /// what this record says.
    pub fn unchanged(&self, input: &str) -> bool {
        self.input == input && self.feed.intact() && self.page.as_ref().is_none_or(Output::intact)
    }
}

/// A folder build's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// What the outputs depend on besides the course files.
    pub key: Key,
    /// Every course built, in file order.
    pub courses: Vec<Course>,
    /// The combined feed.
    pub combined: Output,
    /// Where the combined feed's events end (its last line starts), in bytes.
    pub combined_end: u64,
    /// What the combined feed held.
    pub combined_summary: String,
}

impl Manifest {
    /// The manifest in `output`, if there is one this build may use.
    pub fn read(output: &Path, key: &Key) -> Option<Manifest> {
        let text = std::fs::read(output.join(FILE)).ok()?;
        let m: Manifest = serde_json::from_slice(&text).ok()?;
        m.key.reuses(key).then_some(m)
    }

    /// The manifest's bytes, to be written last, atomically.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// The digest of a course file's bytes, in hex.
pub fn input_digest(bytes: &[u8]) -> String {
    format!("{:032x}", Stamp::of(bytes).digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that an output is intact only while its bytes are the recorded
    // ones: an edit of the same length and a deletion both show.
    #[test]
    fn outputs_are_checked_by_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.ics");
        std::fs::write(&path, "BEGIN:VCALENDAR\r\n").expect("write");
        let out = Output::new(&path, Stamp::of(b"BEGIN:VCALENDAR\r\n"));
        assert!(out.intact());
        std::fs::write(&path, "BEGIN:VCALENDAX\r\n").expect("write");
        assert!(!out.intact(), "same size, other bytes");
        std::fs::remove_file(&path).expect("remove");
        assert!(!out.intact(), "deleted");
    }

    // Test that a manifest from another tool version, tz release or
    // options, or with an unknown release, is not used.
    #[test]
    fn a_manifest_is_used_only_under_the_same_key() {
        let key = Key {
            tool: "1.0.0".into(),
            tzdata: Some("2026f".into()),
            options: "All courses".into(),
        };
        assert!(key.reuses(&key.clone()));
        for other in [
            Key {
                tool: "1.0.1".into(),
                ..key.clone()
            },
            Key {
                tzdata: Some("2026g".into()),
                ..key.clone()
            },
            Key {
                options: "Dept".into(),
                ..key.clone()
            },
        ] {
            assert!(!key.reuses(&other));
        }
        let unknown = Key {
            tzdata: None,
            ..key.clone()
        };
        assert!(!unknown.reuses(&unknown.clone()));
    }
}
