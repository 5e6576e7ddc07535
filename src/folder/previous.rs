//! The previous `all.ics`, as far as a folder build can use it: each
//! course's part of it, to plan that course's events against, and the
//! events no course has any more.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::changes::Changes;
use super::manifest::{key, Manifest};
use super::FolderOptions;
use crate::publish;
use crate::regenerate::{self, Published, Removed};
use crate::{Error, Schedule};

/// The previous `all.ics`, as far as this build can use it.
pub enum Previous {
    /// None, or `--fresh`: every event is new.
    None,
    /// As the manifest recorded it: each course's part is at its range.
    Ranges {
        /// The file.
        path: PathBuf,
        /// Each course file's range.
        ranges: HashMap<PathBuf, (u64, u64)>,
        /// The release its events were built with.
        tzdata: Option<String>,
    },
    /// Without a manifest to go by: read whole, each event claimed by the
    /// course that still has it; those left are removed.
    Whole {
        /// The feed.
        feed: Published,
        /// Each event's place, by UID.
        by_uid: HashMap<String, usize>,
        /// Whether a course claimed it.
        claimed: Vec<AtomicBool>,
    },
}

impl Previous {
    /// What this build can use of `all_path`.
    pub fn open(
        all_path: &Path,
        found: &Changes,
        manifest: Option<&Manifest>,
        options: &FolderOptions,
    ) -> Result<Previous, Error> {
        if options.fresh {
            return Ok(Previous::None);
        }
        if let (Some(m), Some(_)) = (manifest, &found.combined) {
            return Ok(Previous::Ranges {
                path: all_path.to_owned(),
                ranges: m
                    .courses
                    .iter()
                    .map(|c| (key(&c.file), c.combined.range))
                    .collect(),
                tzdata: m.key.tzdata.clone(),
            });
        }
        let Some(read) = publish::read_previous(all_path, false)? else {
            return Ok(Previous::None);
        };
        let feed = read.published().clone();
        let by_uid = feed
            .events()
            .iter()
            .enumerate()
            .map(|(i, e)| (e.uid.clone(), i))
            .collect();
        let claimed = feed
            .events()
            .iter()
            .map(|_| AtomicBool::new(false))
            .collect();
        Ok(Previous::Whole {
            feed,
            by_uid,
            claimed,
        })
    }

    /// The previous events of the course `file` with `schedule`: None for a
    /// course not in the previous `all.ics`.
    pub fn part_of(&self, file: &Path, schedule: &Schedule) -> Result<Option<Published>, Error> {
        match self {
            Previous::None => Ok(None),
            Previous::Ranges {
                path,
                ranges,
                tzdata,
            } => match ranges.get(&key(file)) {
                Some(&range) => read_range(path, range, tzdata.as_deref()).map(Some),
                None => Ok(None),
            },
            Previous::Whole {
                feed,
                by_uid,
                claimed,
            } => {
                let mine: Vec<usize> = schedule
                    .sessions
                    .iter()
                    .filter_map(|s| by_uid.get(&s.uid).copied())
                    .collect();
                for &i in &mine {
                    claimed[i].store(true, Ordering::Relaxed);
                }
                Ok(Some(feed.part(mine.into_iter())))
            }
        }
    }

    /// The events of the previous `all.ics` that no course has now: those
    /// of courses gone from the folder (`manifest`, reused, tells which),
    /// or unclaimed.
    pub fn gone(
        &self,
        manifest: Option<&Manifest>,
        files: &[PathBuf],
    ) -> Result<Vec<Removed>, Error> {
        let removed = |e: &regenerate::PublishedEvent| Removed {
            uid: e.uid.clone(),
            summary: e.summary.clone(),
        };
        match self {
            Previous::None => Ok(Vec::new()),
            Previous::Ranges { path, tzdata, .. } => {
                let present: std::collections::HashSet<PathBuf> =
                    files.iter().map(|f| key(f)).collect();
                let mut out = Vec::new();
                for c in manifest.iter().flat_map(|m| &m.courses) {
                    if !present.contains(&key(&c.file)) {
                        let part = read_range(path, c.combined.range, tzdata.as_deref())?;
                        out.extend(part.events().iter().map(removed));
                    }
                }
                Ok(out)
            }
            Previous::Whole { feed, claimed, .. } => Ok(feed
                .events()
                .iter()
                .zip(claimed)
                .filter(|(_, c)| !c.load(Ordering::Relaxed))
                .map(|(e, _)| removed(e))
                .collect()),
        }
    }
}

/// The events of `all.ics` at `range`, read as a feed of their own.
fn read_range(path: &Path, (a, b): (u64, u64), tzdata: Option<&str>) -> Result<Published, Error> {
    let unreadable = |reason: String| Error::PreviousUnreadable {
        path: path.to_owned(),
        reason,
    };
    let read_err = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let len = usize::try_from(b.saturating_sub(a))
        .map_err(|_| unreadable("a course's part is too large".into()))?;
    let mut range = vec![0u8; len];
    let mut file = std::fs::File::open(path).map_err(read_err)?;
    file.seek(SeekFrom::Start(a)).map_err(read_err)?;
    file.read_exact(&mut range).map_err(read_err)?;
    let mut text = format!(
        "BEGIN:VCALENDAR\r\nX-COURSEFEED-TZDATA:{}\r\n",
        tzdata.unwrap_or("unknown")
    )
    .into_bytes();
    text.extend_from_slice(&range);
    text.extend_from_slice(crate::feed::END);
    let text = std::str::from_utf8(&text).map_err(|_| unreadable("it is not UTF-8 text".into()))?;
    Published::read(text).map_err(unreadable)
}
