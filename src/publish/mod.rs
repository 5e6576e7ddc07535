//! Writing outputs so that nothing is ever lost or half-written.
//!
//! A subscriber's app may fetch the feed at any moment, and a build may fail
//! half-way: the new content goes to a temporary file in the same folder and
//! is renamed over the old one, which on POSIX file systems is atomic.
//!
//! Here: what to compare with and what a publish did; `previous` reads
//! the previously published feed, `stage` writes new content beside its
//! target, `commit` puts staged files in place all or nothing, and
//! `paths` says where a path leads and whether two are one file.

use std::io::{Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::regenerate::{self, OutsideWindow, Report};
use crate::{feed, Error, Schedule};

mod commit;
mod paths;
mod previous;
mod stage;

pub use commit::{write_all_atomic, write_atomic, Prepared};
pub use paths::{check_distinct, write_target};
pub use previous::{read_previous, tz_drift, Previous, PreviousFeed};
pub use stage::{prepare_written, remove_staged};
use stage::{stage_with, Old};

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
    /// How many events the feed holds.
    pub events: usize,
    /// The feed's size in bytes.
    pub bytes: u64,
    /// The feed's size and digest, as written (or as it already was).
    pub feed_fingerprint: Fingerprint,
    /// The page's, when one was asked for.
    pub page_fingerprint: Option<Fingerprint>,
}

/// A file's size and content digest (xxh3, 128 bits): enough to tell that
/// an output is still the one a build wrote, without keeping it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fingerprint {
    /// Its length in bytes.
    pub bytes: u64,
    /// xxh3-128 of its content.
    pub digest: u128,
}

impl Fingerprint {
    /// The fingerprint of `bytes`.
    pub fn of(bytes: &[u8]) -> Fingerprint {
        Fingerprint {
            bytes: bytes.len() as u64,
            digest: xxhash_rust::xxh3::xxh3_128(bytes),
        }
    }

    /// Whether `file`, read from where it stands to its end, has this
    /// fingerprint. Streamed: a combined feed can be hundreds of megabytes.
    pub fn matches(&self, mut file: std::fs::File) -> bool {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut bytes = 0u64;
        loop {
            match file.read(&mut buf) {
                Ok(0) => return bytes == self.bytes && hasher.digest128() == self.digest,
                Ok(n) => {
                    hasher.update(&buf[..n]);
                    bytes += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }
}

/// Google Calendar drops what a subscribed feed holds past about 1 MB (its
/// help page's limit) or about 1,100 events (reported by the maintainers of
/// researchseminars.org, roed314/seminars#777); we warn from either.
pub const GOOGLE_MAX_BYTES: u64 = 1_000_000;

/// See [`GOOGLE_MAX_BYTES`].
pub const GOOGLE_MAX_EVENTS: usize = 1_000;

impl Outcome {
    /// A warning about `feed` when it is larger than Google Calendar reads.
    pub fn size_warning(&self, feed: &Path) -> Option<crate::Diagnostic> {
        (self.bytes > GOOGLE_MAX_BYTES || self.events > GOOGLE_MAX_EVENTS).then(|| {
            crate::Diagnostic::at(
                crate::Severity::Warning,
                feed,
                0,
                crate::Problem::FeedTooLarge {
                    events: self.events,
                    bytes: self.bytes,
                },
            )
        })
    }
}

/// Compare with the previous feed, refuse silent removals, render and stage
/// the new files, but replace nothing: [`Prepared::commit_all`] does, so
/// that several feeds can be published all or nothing.
pub fn prepare(schedule: &Schedule, options: &Options) -> Result<Prepared, Error> {
    prepare_keeping(schedule, options, None).map(|(p, _)| p)
}

/// Each event's content as rendered for a feed ([`feed::event_content`]).
pub type Contents = Vec<std::sync::Arc<str>>;

/// [`prepare`], with the schedule's page staged beside the feed when
/// `page` is given, and each event's content as rendered for the feed, in
/// session order, when the feed holds every session (no `feed.keep_days`):
/// a folder's combined feed is made from them.
pub fn prepare_keeping(
    schedule: &Schedule,
    options: &Options,
    page: Option<&Path>,
) -> Result<(Prepared, Option<Contents>), Error> {
    let read;
    let previous = match options.previous {
        Previous::Read(read) => read,
        Previous::Fresh => None,
        Previous::Output => {
            read = read_previous(options.output, false)?;
            read.as_ref()
        }
        Previous::File(path) => {
            read = read_previous(path, true)?;
            read.as_ref()
        }
    };
    let previous_path = previous.map(|p| p.path.as_path());
    let published = previous.map(|p| &p.published);
    let full = schedule;
    let windowed = window(schedule, options.now);
    let (schedule, outside) = match &windowed {
        Some((s, outside)) => (s, outside.as_slice()),
        None => (schedule, &[][..]),
    };
    let mut plan = regenerate::plan(schedule, published, options.now);
    if let Some(days) = schedule.feed.keep_days {
        // Declared, not silent: reported apart, never as removed.
        plan.report.removed.retain(|r| !outside.contains(&r.uid));
        plan.report.outside_window = Some(left_out(outside.len(), days, options.now));
    }
    if let (false, Some(path)) = (
        options.allow_removal || plan.report.removed.is_empty(),
        previous_path,
    ) {
        return Err(Error::Removed {
            path: path.to_path_buf(),
            sessions: plan.report.removed.clone(),
        });
    }
    // The output as it is now, to leave it alone when nothing changed:
    // rewriting identical bytes would still bump its mtime and make sync
    // tools and web caches think the feed changed.
    let current = Old::open(options.output);
    let mut staged = Vec::new();
    let target = write_target(options.output);
    let (feed, feed_fingerprint) = stage_with(&target, current, options.dry_run, |out| {
        feed::write_feed(schedule, &plan.contents, &plan.revisions, out)
    })?;
    let written = feed.is_some();
    staged.extend(feed.map(|tmp| (target, tmp)));
    let mut page_written = false;
    let mut page_fingerprint = None;
    if let Some(path) = page {
        // The page shows the whole term, whatever the feed's window.
        let (page, fingerprint) = stage_page(full, path, options.dry_run)?;
        page_fingerprint = Some(fingerprint);
        page_written = page.is_some();
        staged.extend(page);
    }
    let prepared = Prepared {
        outcome: Outcome {
            report: plan.report,
            written,
            page_written,
            events: schedule.sessions.len(),
            bytes: feed_fingerprint.bytes,
            feed_fingerprint,
            page_fingerprint,
        },
        staged,
    };
    let contents = windowed.is_none().then_some(plan.contents);
    Ok((prepared, contents))
}

/// What a `days` window built at `now` left out: `count` sessions.
pub(crate) fn left_out(count: usize, days: u32, now: DateTime<Utc>) -> OutsideWindow {
    OutsideWindow {
        count,
        ended_before: cutoff(now, days).format("%Y-%m-%d %H:%MZ").to_string(),
        keep_days: days,
    }
}

/// Stage `schedule`'s page at `path`: None when there is nothing to
/// replace (a dry run, or the same bytes).
fn stage_page(
    schedule: &Schedule,
    path: &Path,
    dry_run: bool,
) -> Result<
    (
        Option<(std::path::PathBuf, tempfile::TempPath)>,
        Fingerprint,
    ),
    Error,
> {
    let text = crate::page::render(schedule, schedule.page.subscribe);
    let target = write_target(path);
    let (page, fingerprint) = stage_with(&target, Old::open(path), dry_run, |out| {
        out.write_all(text.as_bytes())
    })?;
    Ok((page.map(|tmp| (target, tmp)), fingerprint))
}

/// The instant before which a session drops out of a `keep_days` window.
pub(crate) fn cutoff(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now - chrono::Duration::days(days.into())
}

/// With `feed.keep_days`, `schedule` without the sessions that ended before
/// the window, and their UIDs; None without a window.
pub(crate) fn window(schedule: &Schedule, now: DateTime<Utc>) -> Option<(Schedule, Vec<String>)> {
    let since = cutoff(now, schedule.feed.keep_days?);
    let mut kept = schedule.clone();
    let mut outside = Vec::new();
    kept.sessions.retain(|s| {
        // An all-day deadline ends when its day ends last, in the
        // westernmost zone (UTC-12), so that it leaves no one's calendar early.
        let ends = match s.all_day {
            true => {
                let next = s.date.succ_opt().unwrap_or(s.date);
                next.and_time(chrono::NaiveTime::MIN).and_utc() + chrono::Duration::hours(12)
            }
            false => s.ends_at,
        };
        let keep = ends >= since;
        if !keep {
            outside.push(s.uid.clone());
        }
        keep
    });
    Some((kept, outside))
}

#[cfg(test)]
mod tests {
    use super::commit::commit_with;
    use super::stage::temp_for;
    use super::*;
    use std::path::PathBuf;

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

    // Test that when a rename fails midway, the files already replaced are
    // put back (and a new one removed): every target is as it was.
    #[test]
    fn failed_rename_restores_the_others() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b, c) = (
            dir.path().join("a.ics"),
            dir.path().join("b.ics"),
            dir.path().join("c.ics"),
        );
        std::fs::write(&a, b"old a").expect("seed");
        std::fs::write(&c, b"old c").expect("seed");
        let staged: Vec<(PathBuf, tempfile::TempPath)> =
            [(&a, "new a"), (&b, "new b"), (&c, "new c")]
                .into_iter()
                .map(|(p, text)| {
                    let mut t = temp_for(p).expect("temp");
                    t.write_all(text.as_bytes()).expect("write");
                    (p.clone(), t.into_temp_path())
                })
                .collect();
        let mut calls = 0;
        let err = commit_with(staged, |tmp, target| {
            calls += 1;
            match calls {
                3 => Err(std::io::Error::other("disk gone")),
                _ => tmp.persist(target).map_err(|e| e.error),
            }
        })
        .expect_err("third rename fails");
        assert_eq!(
            err.to_string(),
            format!("cannot replace `{}`: disk gone; the files already replaced were restored, nothing changed", c.display())
        );
        assert_eq!(std::fs::read(&a).expect("a"), b"old a");
        assert!(!b.exists(), "b did not exist before");
        assert_eq!(std::fs::read(&c).expect("c"), b"old c");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                std::ffi::OsString::from("a.ics"),
                std::ffi::OsString::from("c.ics")
            ]
        );
    }

    // Test that a symlinked output is written through: the file it names
    // gets the new content, and the link stays a link.
    #[cfg(unix)]
    #[test]
    fn symlinked_output_is_written_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let site = dir.path().join("site");
        std::fs::create_dir(&site).expect("site");
        std::fs::write(site.join("schedule.ics"), b"old").expect("seed");
        let link = dir.path().join("schedule.ics");
        std::os::unix::fs::symlink("site/schedule.ics", &link).expect("link");
        write_atomic(&link, b"new").expect("write");
        assert!(std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read(site.join("schedule.ics")).expect("read"),
            b"new"
        );
    }

    // Test that two names for one file are one file: `..`, a symlink, case.
    #[cfg(unix)]
    #[test]
    fn same_file_under_other_names() {
        let dir = tempfile::tempdir().expect("tempdir");
        let yaml = dir.path().join("s.yaml");
        std::fs::write(&yaml, b"x").expect("seed");
        std::os::unix::fs::symlink(&yaml, dir.path().join("link.md")).expect("link");
        let other = dir.path().join("sub").join("..").join("s.yaml");
        for output in [other, dir.path().join("link.md"), dir.path().join("S.YAML")] {
            let err =
                check_distinct(&[("schedule", &yaml)], &[("page", &output)]).expect_err("same");
            assert!(err.to_string().starts_with("the schedule `"), "{err}");
        }
        assert!(check_distinct(
            &[("schedule", &yaml)],
            &[("page", &dir.path().join("p.md"))]
        )
        .is_ok());
    }

    // Test that a failed write leaves the old file as it was: the feed is
    // staged first, then the page's folder cannot be made (a file has its
    // name), and neither is replaced nor any temporary file left.
    #[test]
    fn failure_keeps_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feed.ics");
        std::fs::write(&path, b"old").expect("seed");
        std::fs::write(dir.path().join("public"), b"a file").expect("seed");
        let page = dir.path().join("public").join("page.md");
        let files: [(&Path, &[u8]); 2] = [(&path, b"new"), (&page, b"page")];
        assert!(write_all_atomic(&files).is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["feed.ics", "public"]);
    }
}
