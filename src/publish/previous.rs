//! The previously published feed: where it comes from and reading it.

use std::path::{Path, PathBuf};

use chrono::DateTime;

use crate::regenerate::{self, Published, TzdataChange};
use crate::{Error, Schedule};

/// Where the previously published feed comes from.
#[derive(Debug, Clone, Copy)]
pub enum Previous<'a> {
    /// The output file itself, if it exists: the usual case.
    Output,
    /// Another file (e.g. a copy fetched from the web server).
    File(&'a Path),
    /// None: every event is new (after a corrupt feed, or to start over).
    Fresh,
    /// Already read with [`read_previous`] (None: there was none), so that
    /// reading a large feed overlaps loading the schedule.
    Read(Option<&'a PreviousFeed>),
}

/// A previously published feed, read and parsed.
#[derive(Debug)]
pub struct PreviousFeed {
    pub(super) path: PathBuf,
    pub(super) published: Published,
}

impl PreviousFeed {
    /// A feed read from elsewhere (its public address, `crate::previous`);
    /// `name` names it in messages.
    pub fn from_bytes(name: &Path, bytes: &[u8]) -> Result<PreviousFeed, Error> {
        Ok(PreviousFeed {
            path: name.to_owned(),
            published: read_published(name, bytes)?,
        })
    }

    /// The feed's events and zones.
    pub fn published(&self) -> &Published {
        &self.published
    }
}

/// Read and parse the feed published at `path`: None when there is none
/// there and it is not `required` (a first build; an explicit `--previous`
/// must exist).
pub fn read_previous(path: &Path, required: bool) -> Result<Option<PreviousFeed>, Error> {
    let bytes = match crate::input::read(path, crate::input::Kind::Feed) {
        Ok(bytes) => bytes,
        // No feed yet: a first build. An explicit --previous must exist.
        Err(Error::Read { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound && !required =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    // Parsed, the bytes go: the new feed is compared with the file itself
    // (`Old::open`), and a large feed's 95 MB need not be held meanwhile.
    let published = read_published(path, &bytes)?;
    Ok(Some(PreviousFeed {
        path: path.to_owned(),
        published,
    }))
}

pub(super) fn read_published(path: &Path, bytes: &[u8]) -> Result<Published, Error> {
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
    let bytes = match crate::input::read(path, crate::input::Kind::Feed) {
        Ok(bytes) => bytes,
        Err(Error::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    let published = read_published(path, &bytes)?;
    let plan = regenerate::plan(schedule, Some(&published), DateTime::UNIX_EPOCH);
    Ok(plan.report.tzdata.filter(|t| t.moved > 0))
}
