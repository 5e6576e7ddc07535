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
//!
//! It is also the record of which files in the output folder a build
//! wrote, and for which course: the only thing a removal goes by.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::publish::Fingerprint;
use crate::Error;

/// The manifest's file name, in the output folder.
pub const FILE: &str = ".coursefeed-manifest.json";

/// One spelling of a path, to compare two: absolute, with `.` and `..`
/// resolved in the text, so that `./public/a.ics`, `public/a.ics` and
/// `/home/t/site/public/a.ics` (run from `/home/t/site`) are one.
pub fn key(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` as the manifest keeps it: relative to the output folder `base`,
/// so that the same folder built from another working directory, or named
/// another way, is recognised (and a file elsewhere never mistaken for one
/// of its own).
fn stored(path: &Path, base: &Path) -> PathBuf {
    let (path, base) = (key(path), key(base));
    let common = path
        .components()
        .zip(base.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in base.components().skip(common) {
        out.push("..");
    }
    out.extend(path.components().skip(common));
    out
}

/// The manifest's layout: a manifest of another layout records outputs
/// differently and is not reused (it still says which files were written).
pub const FORMAT: u32 = 2;

/// What the outputs of a build depend on besides the course files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// The manifest's layout ([`FORMAT`]).
    #[serde(default)]
    pub format: u32,
    /// coursefeed's version.
    pub tool: String,
    /// The tz database's release; None (unknown) never matches.
    pub tzdata: Option<String>,
    /// The options that shape outputs (the combined feed's name).
    pub options: String,
}

impl Key {
    /// Whether a build under `self` may reuse what one under `other` wrote.
    pub fn reuses(&self, other: &Key) -> bool {
        self == other && self.tzdata.is_some() && self.format == FORMAT
    }
}

/// What the file system says of a file (size, modification time, inode),
/// so that a file not written since it was last read or written need not
/// be read again to be known unchanged.
///
/// Trusted only when the file had settled when this was taken: its time
/// was [`settle_ns`] or more before. A file's time comes from a coarse
/// clock (a tick of a few milliseconds on Linux; whole seconds, even two,
/// on some file systems), and a write within the same tick as the one
/// seen would leave the time as it was; a write after a settled file was
/// seen cannot. A file that had not settled (an output just written, a
/// course saved a moment before the build) is read next time and its
/// digest compared, as is any file whose size, time or inode differ. A
/// file server whose clock runs behind this machine's by more than the
/// margin defeats this; `--fresh` rebuilds regardless.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Seen {
    /// Its size.
    pub bytes: u64,
    /// Its modification time, in nanoseconds since 1970.
    pub modified_ns: u64,
    /// Its inode (0 where there is none): a file replaced by another, as
    /// most editors and `sed -i` do, is another file.
    pub inode: u64,
    /// Whether it had settled when seen.
    pub settled: bool,
}

impl PartialEq for Seen {
    /// The same file, unmodified: whether either had settled is not the file's.
    fn eq(&self, other: &Seen) -> bool {
        (self.bytes, self.modified_ns, self.inode) == (other.bytes, other.modified_ns, other.inode)
    }
}

impl Eq for Seen {}

/// How long after its modification time a file has settled: longer than a
/// tick of the clock that stamped it. Times in whole seconds come from file
/// systems that keep them so (two seconds on FAT); finer ones from the
/// kernel's clock, whose tick is at most 10 ms.
pub fn settle_ns(modified_ns: u64) -> u64 {
    match modified_ns % 1_000_000_000 {
        0 => 3_000_000_000,
        _ => 50_000_000,
    }
}

impl Seen {
    /// What `meta` says, if it has a modification time; `now_ns` is the
    /// time just before `meta` was taken.
    pub fn of(meta: &std::fs::Metadata, now_ns: u64) -> Option<Seen> {
        let modified = meta.modified().ok()?;
        let modified_ns = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        let modified_ns = u64::try_from(modified_ns.as_nanos()).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        Some(Seen {
            bytes: meta.len(),
            modified_ns,
            inode,
            settled: modified_ns.saturating_add(settle_ns(modified_ns)) < now_ns,
        })
    }

    /// What the file system says of `path` now.
    pub fn at(path: &Path) -> Option<Seen> {
        let now = now_ns();
        Seen::of(&std::fs::metadata(path).ok()?, now)
    }

    /// Whether `now` shows the file seen as `recorded` not modified since.
    fn vouches(recorded: Option<Seen>, now: Option<Seen>) -> bool {
        match (recorded, now) {
            (Some(r), Some(n)) => r.settled && r == n,
            _ => false,
        }
    }
}

/// Now, in nanoseconds since 1970.
pub fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// A course file as this build found it: its digest, and what the file
/// system said of it just before it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// xxh3-128 of its bytes, in hex.
    pub digest: String,
    /// Its size, time and inode, taken before its bytes were read.
    pub seen: Option<Seen>,
}

impl Input {
    /// Course file `path` now. Its bytes are read and hashed unless the
    /// file system vouches for `recorded`, its record.
    pub fn of(path: &Path, recorded: Option<&CourseRecord>) -> Result<Input, Error> {
        let kind = crate::input::Kind::Schedule;
        let fail = |source| Error::Read {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(fail)?;
        let now = now_ns();
        let meta = file.metadata().map_err(fail)?;
        let seen = Seen::of(&meta, now);
        if let Some(r) = recorded.filter(|r| Seen::vouches(r.input_seen, seen)) {
            return Ok(Input {
                digest: r.input.clone(),
                seen,
            });
        }
        let bytes = crate::input::read_open(path, file, &meta, kind)?;
        Ok(Input {
            digest: input_digest(&bytes),
            seen,
        })
    }

    /// Course file `path` now, and its bytes, to be parsed: read once.
    pub fn read(path: &Path) -> Result<(Input, Vec<u8>), Error> {
        let fail = |source| Error::Read {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(fail)?;
        let now = now_ns();
        let meta = file.metadata().map_err(fail)?;
        let bytes = crate::input::read_open(path, file, &meta, crate::input::Kind::Schedule)?;
        let input = Input {
            digest: input_digest(&bytes),
            seen: Seen::of(&meta, now),
        };
        Ok((input, bytes))
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
    /// What the file system said of it when it was written or last found
    /// intact.
    #[serde(default)]
    pub seen: Option<Seen>,
}

/// What checking a recorded file found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Its bytes are not the recorded ones, or it is gone.
    Changed,
    /// The file system vouches that it was not modified.
    Settled,
    /// It was read, and its bytes are the recorded ones.
    Read,
}

impl Output {
    /// The record of `fingerprint`, written at `path`; what the file system says
    /// of it is taken once it is in place ([`Manifest::write`]).
    pub fn new(path: &Path, fingerprint: Fingerprint) -> Output {
        Output {
            path: path.to_owned(),
            bytes: fingerprint.bytes,
            digest: format!("{:032x}", fingerprint.digest),
            seen: None,
        }
    }

    /// Whether the file is still the one recorded; when it is, `self.seen`
    /// is what the file system says now, for the next build.
    pub fn check(&mut self) -> Found {
        let Ok(digest) = u128::from_str_radix(&self.digest, 16) else {
            return Found::Changed;
        };
        let Ok(file) = std::fs::File::open(&self.path) else {
            return Found::Changed;
        };
        let now = now_ns();
        let Ok(meta) = file.metadata() else {
            return Found::Changed;
        };
        if !meta.is_file() || meta.len() != self.bytes {
            return Found::Changed;
        }
        let seen = Seen::of(&meta, now);
        if Seen::vouches(self.seen, seen) {
            return Found::Settled;
        }
        let fingerprint = Fingerprint {
            bytes: self.bytes,
            digest,
        };
        match fingerprint.matches(file) {
            true => {
                self.seen = seen;
                Found::Read
            }
            false => Found::Changed,
        }
    }
}

/// One course as last built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseRecord {
    /// Its file.
    pub file: PathBuf,
    /// Digest of the file's bytes, in hex.
    pub input: String,
    /// What the file system said of the file just before it was read.
    #[serde(default)]
    pub input_seen: Option<Seen>,
    /// The course's name.
    pub name: String,
    /// What it held (`12 sessions and 6 deadlines, ...`).
    pub summary: String,
    /// Its warnings as they were shown, shown again when it is skipped:
    /// they stand until its file changes.
    #[serde(default)]
    pub warnings: String,
    /// Its feed.
    pub feed: Output,
    /// Its extra feeds: one per group, one per declared audience.
    #[serde(default)]
    pub extras: Vec<ExtraRecord>,
    /// Its page, when it asks for one.
    pub page: Option<Output>,
    /// Its feed keeps a window (`feed.keep_days`): it changes with the
    /// date, so it is rebuilt every time.
    #[serde(default)]
    pub windowed: bool,
    /// What the combined feed needs of it without parsing it again.
    pub combined: InCombined,
}

/// An extra feed of a course (a group's, an audience's) as written: what
/// a build that skips the course still reports of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraRecord {
    /// The file.
    #[serde(flatten)]
    pub output: Output,
    /// Its calendar's name.
    pub name: String,
    /// How many events it holds.
    pub events: usize,
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

impl CourseRecord {
    /// This record brought up to date, if `input` (the file now) and the
    /// outputs on disk are what it says; with whether any file had to be
    /// read to know it.
    pub fn unchanged(&self, input: &Input) -> Option<(CourseRecord, Found)> {
        if self.input != input.digest || self.windowed {
            return None;
        }
        let mut c = self.clone();
        c.input_seen = input.seen;
        let mut found = match Seen::vouches(self.input_seen, input.seen) {
            true => Found::Settled,
            false => Found::Read,
        };
        for output in c.outputs_mut() {
            match output.check() {
                Found::Changed => return None,
                Found::Read => found = Found::Read,
                Found::Settled => {}
            }
        }
        Some((c, found))
    }

    /// Every file it wrote: feed, extra feeds, page.
    pub fn outputs(&self) -> impl Iterator<Item = &Output> {
        std::iter::once(&self.feed)
            .chain(self.extras.iter().map(|e| &e.output))
            .chain(&self.page)
    }

    fn outputs_mut(&mut self) -> impl Iterator<Item = &mut Output> {
        std::iter::once(&mut self.feed)
            .chain(self.extras.iter_mut().map(|e| &mut e.output))
            .chain(&mut self.page)
    }
}

/// A folder build's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// What the outputs depend on besides the course files.
    pub key: Key,
    /// Every course built, in file order.
    pub courses: Vec<CourseRecord>,
    /// The combined feed.
    pub combined: Output,
    /// Where the combined feed's events end (its last line starts), in bytes.
    pub combined_end: u64,
    /// What the combined feed held.
    pub combined_summary: String,
}

impl Manifest {
    /// The manifest in `output`, if there is one, whatever build wrote it
    /// (see [`Key::reuses`]); its paths as this build names them (relative
    /// to `output` as given).
    pub fn read(output: &Path) -> Option<Manifest> {
        let text = std::fs::read(output.join(FILE)).ok()?;
        let mut m: Manifest = serde_json::from_slice(&text).ok()?;
        m.paths(|p| crate::beside(output, p));
        Some(m)
    }

    /// Every path it holds, changed by `f`.
    fn paths(&mut self, f: impl Fn(&Path) -> PathBuf) {
        for c in &mut self.courses {
            c.file = f(&c.file);
            for o in c.outputs_mut() {
                o.path = f(&o.path);
            }
        }
        self.combined.path = f(&self.combined.path);
    }

    /// Write it into `output`, atomically, after every output it records
    /// is in place: what the file system says of those just written is
    /// taken here.
    pub fn write(&mut self, output: &Path) -> Result<(), Error> {
        let outputs = self
            .courses
            .iter_mut()
            .flat_map(CourseRecord::outputs_mut)
            .chain(std::iter::once(&mut self.combined));
        for o in outputs.filter(|o| o.seen.is_none()) {
            o.seen = Seen::at(&o.path).filter(|s| s.bytes == o.bytes);
        }
        let mut kept = self.clone();
        kept.paths(|p| stored(p, output));
        crate::publish::write_atomic(&output.join(FILE), &kept.to_json())
    }

    /// The manifest's bytes.
    pub fn to_json(&self) -> Vec<u8> {
        // Compact: 5,000 courses' records are read and written on every
        // build that changes anything.
        let mut out = serde_json::to_vec(self).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// The digest of a course file's bytes, in hex.
pub fn input_digest(bytes: &[u8]) -> String {
    format!("{:032x}", Fingerprint::of(bytes).digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Set `path`'s modification time.
    fn set_modified(path: &Path, time: std::time::SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(time))
            .expect("set mtime");
    }

    /// Set `path`'s modification time to `secs_ago` seconds ago.
    fn age(path: &Path, secs_ago: u64) {
        set_modified(
            path,
            std::time::SystemTime::now() - std::time::Duration::from_secs(secs_ago),
        );
    }

    // Test that an output just written is checked by content: an edit of
    // the same length and a deletion both show, and a file found intact by
    // reading is recorded as seen for next time.
    #[test]
    fn outputs_just_written_are_checked_by_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.ics");
        std::fs::write(&path, "BEGIN:VCALENDAR\r\n").expect("write");
        let mut out = Output::new(&path, Fingerprint::of(b"BEGIN:VCALENDAR\r\n"));
        assert_eq!(out.check(), Found::Read);
        assert!(out.seen.is_some());
        std::fs::write(&path, "BEGIN:VCALENDAX\r\n").expect("write");
        assert_eq!(
            out.clone().check(),
            Found::Changed,
            "same size, other bytes"
        );
        std::fs::remove_file(&path).expect("remove");
        assert_eq!(out.check(), Found::Changed, "deleted");
    }

    // Test that what the file system says of a settled file is trusted (a
    // record whose digest is wrong on purpose still passes: the file was
    // not read), and stops being trusted once the file is written again,
    // even with bytes of the same length, or replaced by another file with
    // the old time.
    #[test]
    fn a_settled_file_is_vouched_for_until_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.ics");
        std::fs::write(&path, "BEGIN:VCALENDAR\r\n").expect("write");
        age(&path, 3600);
        let seen = Seen::at(&path).expect("seen");
        assert!(seen.settled);
        let mut wrong = Output {
            digest: format!("{:032x}", 1),
            seen: Some(seen),
            ..Output::new(&path, Fingerprint::of(b"BEGIN:VCALENDAR\r\n"))
        };
        assert_eq!(wrong.check(), Found::Settled, "vouched for, not read");
        let mut right = Output {
            seen: Some(seen),
            ..Output::new(&path, Fingerprint::of(b"BEGIN:VCALENDAR\r\n"))
        };
        std::fs::write(&path, "BEGIN:VCALENDAX\r\n").expect("write in place");
        assert_eq!(right.clone().check(), Found::Changed, "written again");
        // Another file (another inode) put in its place, its time set back.
        let other = dir.path().join("b.ics");
        std::fs::write(&other, "BEGIN:VCALENDAX\r\n").expect("write");
        std::fs::rename(&other, &path).expect("rename");
        let modified = std::time::UNIX_EPOCH + std::time::Duration::from_nanos(seen.modified_ns);
        set_modified(&path, modified);
        assert_eq!(right.check(), Found::Changed, "replaced, time set back");
    }

    // Test that a file modified within the margin has not settled, and
    // that whole-second times (file systems that keep no more) need more.
    #[test]
    fn a_file_just_written_has_not_settled() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "x").expect("write");
        assert!(!Seen::at(&path).expect("seen").settled);
        age(&path, 1);
        assert!(Seen::at(&path).expect("seen").settled);
        assert_eq!(settle_ns(1_796_000_000_000_000_000), 3_000_000_000);
        assert_eq!(settle_ns(1_796_000_000_123_456_789), 50_000_000);
    }

    // Test that a manifest from another tool version, tz release, options
    // or layout, or with an unknown release, is not used.
    #[test]
    fn a_manifest_is_used_only_under_the_same_key() {
        let key = Key {
            format: FORMAT,
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
            Key {
                format: FORMAT - 1,
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
