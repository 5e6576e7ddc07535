//! The subcommands: one file each, over the library. Each parses nothing
//! (clap did), calls the library, and prints; errors go back to `main`,
//! which prints them once.

mod build;
mod check;
mod import;
mod page;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use coursefeed::{Error, Loaded, TzDatabase};

/// Turn a course schedule kept as YAML into an iCalendar feed students subscribe to.
#[derive(Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Write the iCalendar feed for a schedule and report what changed.
    ///
    /// The new feed is compared with the previously published one (the
    /// output file, or --previous): unchanged events keep their DTSTAMP and
    /// SEQUENCE, changed ones get SEQUENCE + 1, so rebuilding an unchanged
    /// schedule gives a byte-identical file. A published session missing
    /// from the schedule stops the build unless --allow-removal. The feed is
    /// replaced atomically; on any error the published file is left as it
    /// was. SOURCE_DATE_EPOCH, when set, is the build time.
    ///
    /// When the schedule sets `page.output`, the page is written with the
    /// feed, both or neither. Paths in the schedule are relative to its own
    /// folder (`../public/schedule.md` in data/schedule.yaml); paths on the
    /// command line are relative to the current folder. Every file written
    /// is named in the summary.
    #[command(
        after_help = "Examples:\n  coursefeed build data/schedule.yaml -o public/schedule.ics\n  coursefeed build --dry-run --format json"
    )]
    Build(build::Args),
    /// Render the schedule page (Jekyll Markdown) from a schedule.
    ///
    /// The output defaults to `page.output` in the schedule (relative to
    /// the schedule file's folder), else public/schedule.md (relative to the
    /// current folder). The page carries a "Subscribe" block built from
    /// `feed.url` unless `page.subscribe: false` or --no-subscribe.
    #[command(after_help = "Example:\n  coursefeed page data/schedule.yaml -o site/schedule.md")]
    Page {
        /// The schedule file.
        #[arg(default_value = "data/schedule.yaml")]
        schedule: PathBuf,
        /// Where to write the page (default: `page.output`, else public/schedule.md).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Leave out the subscribe block.
        #[arg(long)]
        no_subscribe: bool,
        /// Leave out the deadlines section.
        #[arg(long)]
        no_deadlines: bool,
    },
    /// Turn an existing schedule page (Jekyll Markdown) into a schedule YAML.
    ///
    /// Run once to migrate a course that already has a page. Lines the
    /// importer cannot map are kept in the session's `note` and reported
    /// with their line number. Without -o, the YAML goes to standard output.
    #[command(
        after_help = "Example:\n  coursefeed import schedule.md --year 2020 --name \"FID3024 Systems for Scalable Machine Learning\" \\\n      --id fid3024-ht2020 --url https://fid3024.github.io/ -o data/schedule.yaml"
    )]
    Import {
        /// The page to import.
        page: PathBuf,
        /// The year of the first dated line on the page, where its dates have none (default: the year its title or introduction names).
        #[arg(long)]
        year: Option<i32>,
        /// Where to write the YAML (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
        /// Calendar name (default: the page's title).
        #[arg(long)]
        name: Option<String>,
        /// Course id, the stable part of every UID.
        #[arg(long)]
        id: Option<String>,
        /// The IANA zone of the page's times (default Europe/Stockholm, said when assumed).
        #[arg(long)]
        timezone: Option<String>,
        /// The course site, base of the page's relative links.
        #[arg(long)]
        url: Option<String>,
        /// Start time for sessions whose heading has none.
        #[arg(long, requires = "end", value_parser = parse_hhmm)]
        start: Option<chrono::NaiveTime>,
        /// End time for sessions whose heading has none.
        #[arg(long, requires = "start", value_parser = parse_hhmm)]
        end: Option<chrono::NaiveTime>,
    },
    /// Validate a schedule and print a summary; writes nothing.
    ///
    /// Also warns when the published feed (--previous, default
    /// public/schedule.ics) was built with tz rules that put some session at
    /// another time than today's rules do.
    #[command(
        after_help = "Examples:\n  coursefeed check data/schedule.yaml\n  coursefeed check --calendar"
    )]
    Check {
        /// The schedule file.
        #[arg(default_value = "data/schedule.yaml")]
        schedule: PathBuf,
        /// The published feed to compare with.
        #[arg(long, value_name = "FILE", default_value = "public/schedule.ics")]
        previous: PathBuf,
        /// Also print the term as month grids, session days marked.
        #[arg(long)]
        calendar: bool,
    },
}

/// Change report formats.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per change, for people.
    Text,
    /// A JSON object, stable for scripts.
    Json,
}

/// Run a subcommand.
pub fn run(command: Command) -> Result<(), Error> {
    // Today's rules, read when the feed is built (see README, Times).
    let tz = TzDatabase::from_env();
    match command {
        Command::Build(args) => build::run(args, &tz),
        Command::Page {
            schedule,
            output,
            no_subscribe,
            no_deadlines,
        } => page::run(&schedule, output, no_subscribe, no_deadlines, &tz),
        Command::Import {
            page,
            year,
            output,
            force,
            name,
            id,
            timezone,
            url,
            start,
            end,
        } => {
            let options = coursefeed::import::Options {
                year,
                name,
                id,
                timezone,
                url,
                start,
                end,
                page_output: output.as_deref().map(import::page_output),
            };
            import::run(&page, output.as_deref(), force, &options, &tz)
        }
        Command::Check {
            schedule,
            previous,
            calendar,
        } => check::run(&schedule, &previous, calendar, &tz),
    }
}

/// On SIGINT or SIGTERM, remove the temporary files of a build in progress
/// and exit as a killed process would; the published files are untouched.
pub fn remove_temp_files_on_signal() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            coursefeed::publish::remove_staged();
            std::process::exit(128 + signal);
        }
    });
}

fn parse_hhmm(s: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|_| format!("`{s}` is not a time (HH:MM)"))
}

/// Load and print warnings, which never stop a build.
fn load(path: &Path, tz: &TzDatabase) -> Result<Loaded, Error> {
    let loaded = coursefeed::load_path(path, tz)?;
    if !loaded.warnings.is_empty() {
        eprintln!("{}", coursefeed::error::render_capped(&loaded.warnings));
    }
    Ok(loaded)
}

/// Which rules were used, for scripts: `{"version": "2026f", "source": "system"}`.
fn tzdata_json(p: &coursefeed::tzdb::Provenance) -> serde_json::Value {
    serde_json::json!({"version": p.version, "source": p.source.label()})
}
