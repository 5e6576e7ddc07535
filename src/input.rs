//! Reading an input file within a limit, whatever kind of file it is.
//!
//! A file's size says nothing for `/dev/stdin`, a pipe or `/dev/zero` (0),
//! so the limit is enforced while reading: no input can take more memory
//! than its limit, however it is given.

use std::io::Read;
use std::path::Path;

use crate::Error;

/// Schedules larger than this are refused. The largest course we build,
/// 100,000 sessions, is about 30 MiB of YAML; loading it takes about 17
/// times its size in memory, so this also bounds a build's memory.
pub const MAX_SCHEDULE_BYTES: u64 = 64 * 1024 * 1024;

/// Previously published feeds larger than this are refused: 100,000
/// sessions make about 95 MiB of iCalendar.
pub const MAX_FEED_BYTES: u64 = 1024 * 1024 * 1024;

/// Pages to import larger than this are refused; a term's page is a few
/// kilobytes.
pub const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;

/// What an input is, for its limit and its error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A schedule (YAML).
    Schedule,
    /// A previously published feed.
    Feed,
    /// A page to import.
    Page,
}

impl Kind {
    /// The largest input of this kind we read.
    pub fn limit(self) -> u64 {
        match self {
            Kind::Schedule => MAX_SCHEDULE_BYTES,
            Kind::Feed => MAX_FEED_BYTES,
            Kind::Page => MAX_PAGE_BYTES,
        }
    }

    /// Its name in messages, plural.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Schedule => "schedules",
            Kind::Feed => "feeds",
            Kind::Page => "pages",
        }
    }
}

/// The bytes of `path`, or an error once more than the kind's limit has
/// come. A regular file over the limit is refused unread.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, Error> {
    let fail = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(fail)?;
    let meta = file.metadata().map_err(fail)?;
    read_open(path, file, &meta, kind)
}

/// [`read`] of `file`, opened at `path`, whose metadata is `meta`.
pub fn read_open(
    path: &Path,
    file: std::fs::File,
    meta: &std::fs::Metadata,
    kind: Kind,
) -> Result<Vec<u8>, Error> {
    let fail = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let too_large = |size| Error::TooLarge {
        path: path.to_owned(),
        size,
        limit: kind.limit(),
        what: kind.plural(),
    };
    if meta.is_file() && meta.len() > kind.limit() {
        return Err(too_large(Some(meta.len())));
    }
    // Room for the whole of a regular file and the read that finds its end.
    let mut bytes = Vec::with_capacity(match meta.is_file() {
        true => usize::try_from(meta.len()).unwrap_or(0).saturating_add(1),
        false => 0,
    });
    file.take(kind.limit() + 1)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() as u64 > kind.limit() {
        return Err(too_large(None));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that a stream with no size stops at the limit: /dev/zero is
    // endless, yet the read ends with an error after the limit.
    #[cfg(unix)]
    #[test]
    fn endless_stream_stops_at_the_limit() {
        let err = read(Path::new("/dev/zero"), Kind::Page).expect_err("too large");
        assert_eq!(
            err.to_string(),
            "`/dev/zero` is over 16 MiB; pages over 16 MiB are refused"
        );
    }
}
