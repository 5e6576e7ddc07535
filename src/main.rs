//! The `coursefeed` command: argument parsing and printing only.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use coursefeed::error::printable;
use coursefeed::publish::{self, Previous};
use coursefeed::{feed, Error, Loaded, TzDatabase};

/// Turn a course schedule kept as YAML into an iCalendar feed students subscribe to.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the iCalendar feed for a schedule and report what changed.
    ///
    /// The new feed is compared with the previously published one (the
    /// output file, or --previous): unchanged events keep their DTSTAMP and
    /// SEQUENCE, changed ones get SEQUENCE + 1, so rebuilding an unchanged
    /// schedule gives a byte-identical file. A published session missing
    /// from the schedule stops the build unless --allow-removal. The feed is
    /// replaced atomically; on any error the published file is left as it
    /// was. SOURCE_DATE_EPOCH, when set, is the build time.
    #[command(
        after_help = "Examples:\n  coursefeed build data/schedule.yaml -o public/schedule.ics\n  coursefeed build --dry-run --format json"
    )]
    Build {
        /// The schedule file, or a folder of them: each `*.yaml` gets its
        /// own `<name>.ics`, and `all.ics` combines them.
        #[arg(default_value = "data/schedule.yaml")]
        schedule: PathBuf,
        /// Where to write the feed (default public/schedule.ics); for a
        /// folder of schedules, the folder for the feeds (default public/).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The previously published feed to compare with (default: the output file).
        #[arg(long, value_name = "FILE", conflicts_with = "fresh")]
        previous: Option<PathBuf>,
        /// For a folder of schedules: the combined feed's calendar name.
        #[arg(long, default_value = "All courses")]
        combined_name: String,
        /// Ignore any previous feed: every event starts again at SEQUENCE 0.
        #[arg(long)]
        fresh: bool,
        /// Let sessions that were published but are gone from the schedule disappear.
        #[arg(long)]
        allow_removal: bool,
        /// Print the change report and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// How to print the change report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Render the schedule page (Jekyll Markdown) from a schedule.
    ///
    /// The output defaults to `page.output` in the schedule, else
    /// public/schedule.md. The page carries a "Subscribe" block built from
    /// `feed.url` unless `page.subscribe: false` or --no-subscribe.
    #[command(after_help = "Example:\n  coursefeed page data/schedule.yaml -o site/schedule.md")]
    Page {
        /// The schedule file.
        #[arg(default_value = "data/schedule.yaml")]
        schedule: PathBuf,
        /// Where to write the page.
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
        /// The year of the first session (dates on the page may omit it).
        #[arg(long)]
        year: i32,
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
        /// The IANA zone of the page's times.
        #[arg(long, default_value = "Europe/Stockholm")]
        timezone: String,
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
    #[command(after_help = "Example:\n  coursefeed check data/schedule.yaml")]
    Check {
        /// The schedule file.
        #[arg(default_value = "data/schedule.yaml")]
        schedule: PathBuf,
        /// The published feed to compare with.
        #[arg(long, value_name = "FILE", default_value = "public/schedule.ics")]
        previous: PathBuf,
    },
}

/// Change report formats.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One line per change, for people.
    Text,
    /// A JSON object, stable for scripts.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    remove_temp_files_on_signal();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", prefixed(&e));
            ExitCode::FAILURE
        }
    }
}

/// On SIGINT or SIGTERM, remove the temporary files of a build in progress
/// and exit as a killed process would; the published files are untouched.
fn remove_temp_files_on_signal() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            publish::remove_staged();
            std::process::exit(128 + signal);
        }
    });
}

fn parse_hhmm(s: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|_| format!("`{s}` is not a time (HH:MM)"))
}

/// Diagnostics already say `error:`; other errors get the prefix here.
fn prefixed(e: &Error) -> String {
    match e {
        Error::Invalid(_) => e.to_string(),
        _ => format!("error: {}", printable(&e.to_string())),
    }
}

fn run(command: Command) -> Result<(), Error> {
    // Today's rules, read when the feed is built (see README, Times).
    let tz = TzDatabase::from_env();
    match command {
        Command::Build {
            schedule,
            output,
            previous,
            fresh,
            allow_removal,
            dry_run,
            format,
            combined_name,
        } => {
            let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
            let now = feed::stamp(epoch.as_deref())?;
            let flags = BuildFlags {
                fresh,
                allow_removal,
                dry_run,
                format,
                now,
            };
            if schedule.is_dir() {
                let output = output.unwrap_or_else(|| PathBuf::from("public"));
                build_dir(&schedule, &output, &combined_name, &flags, &tz)
            } else {
                let output = output.unwrap_or_else(|| PathBuf::from("public/schedule.ics"));
                build_one(&schedule, &output, previous.as_deref(), &flags, &tz)
            }
        }
        Command::Page {
            schedule,
            output,
            no_subscribe,
            no_deadlines,
        } => {
            let loaded = load(&schedule, &tz)?;
            let s = &loaded.schedule;
            let output = output
                .or_else(|| s.page.output.clone())
                .unwrap_or_else(|| PathBuf::from("public/schedule.md"));
            publish::check_distinct(&[("schedule", &schedule)], &[("page", &output)])?;
            let subscribe = s.page.subscribe && !no_subscribe;
            let page = coursefeed::page::render_with(s, subscribe, !no_deadlines);
            publish::write_atomic(&output, page.as_bytes())?;
            println!("wrote {}: {}", output.display(), summary(&loaded));
            Ok(())
        }
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
            if let Some(path) = &output {
                publish::check_distinct(&[("page to import", &page)], &[("schedule", path)])?;
                if !force && path.exists() {
                    return Err(Error::Exists(path.clone()));
                }
            }
            let bytes = coursefeed::input::read(&page, coursefeed::input::Kind::Page)?;
            let text = String::from_utf8(bytes).map_err(|_| Error::Read {
                path: page.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "it is not UTF-8 text",
                ),
            })?;
            let options = coursefeed::import::Options {
                year,
                name,
                id,
                timezone,
                url,
                start,
                end,
            };
            let imported = coursefeed::import::import(&text, &page, &options)?;
            for w in &imported.warnings {
                eprintln!(
                    "warning: {}:{}: {}",
                    page.display(),
                    w.line,
                    printable(&w.message)
                );
            }
            // The result must be a schedule we accept, or nothing is written.
            // Its problems come from the page: name the page, not an output
            // that does not exist.
            let name = PathBuf::from(format!("<schedule imported from {}>", page.display()));
            coursefeed::load_str(&imported.yaml, &name, &tz)?;
            match output {
                Some(path) => {
                    publish::write_atomic(&path, imported.yaml.as_bytes())?;
                    println!(
                        "wrote {}: {} sessions from {}",
                        path.display(),
                        imported.sessions,
                        page.display()
                    );
                }
                None => print!("{}", imported.yaml),
            }
            Ok(())
        }
        Command::Check { schedule, previous } => {
            let loaded = load(&schedule, &tz)?;
            println!(
                "{}: {}; {}",
                schedule.display(),
                summary(&loaded),
                loaded.schedule.tzdata
            );
            if let Some(drift) = publish::tz_drift(&loaded.schedule, &previous)? {
                eprintln!(
                    "warning: {}: {drift}\n  hint: run `coursefeed build` to publish the new times",
                    previous.display()
                );
            }
            Ok(())
        }
    }
}

/// Options shared by single and folder builds.
struct BuildFlags {
    fresh: bool,
    allow_removal: bool,
    dry_run: bool,
    format: Format,
    now: chrono::DateTime<chrono::Utc>,
}

impl BuildFlags {
    fn options<'a>(
        &self,
        output: &'a Path,
        previous: Option<&'a Path>,
        page: Option<&'a Path>,
    ) -> publish::Options<'a> {
        publish::Options {
            output,
            previous: match (previous, self.fresh) {
                (_, true) => Previous::Fresh,
                (Some(p), false) => Previous::File(p),
                (None, false) => Previous::Output,
            },
            allow_removal: self.allow_removal,
            dry_run: self.dry_run,
            now: self.now,
            page,
        }
    }

    fn status(&self, written: bool) -> &'static str {
        match (self.dry_run, written) {
            (true, _) => "dry run, nothing written",
            (false, true) => "written",
            (false, false) => "unchanged, not rewritten",
        }
    }
}

fn build_one(
    schedule: &Path,
    output: &Path,
    previous: Option<&Path>,
    flags: &BuildFlags,
    tz: &TzDatabase,
) -> Result<(), Error> {
    let loaded = load(schedule, tz)?;
    let page = loaded.schedule.page.output.as_deref();
    let mut outputs = vec![("feed", output)];
    outputs.extend(page.map(|p| ("page", p)));
    publish::check_distinct(&[("schedule", schedule)], &outputs)?;
    if let (Some(previous), Some(page)) = (previous, page) {
        publish::check_distinct(&[("previous feed", previous)], &[("page", page)])?;
    }
    let outcome = publish::publish(&loaded.schedule, &flags.options(output, previous, page))?;
    match flags.format {
        Format::Text => {
            // Summaries are the YAML's text: no raw ESC or CR to the terminal.
            println!("{}", printable(&outcome.report.to_string()));
            println!(
                "{}: {}; {} ({})",
                output.display(),
                summary(&loaded),
                loaded.schedule.tzdata,
                flags.status(outcome.written)
            );
            if let Some(page) = page {
                println!(
                    "{}: page ({})",
                    page.display(),
                    flags.status(outcome.page_written)
                );
            }
        }
        Format::Json => {
            let json = serde_json::json!({
                "feed": output,
                "written": outcome.written,
                "page": page,
                "page_written": outcome.page_written,
                "dry_run": flags.dry_run,
                "tzdata": tzdata_json(&loaded.schedule.tzdata),
                "report": outcome.report,
            });
            println!("{json:#}");
        }
    }
    // The process ends next: freeing a large schedule piece by piece costs
    // a tenth of a second at 100,000 sessions, the OS reclaims it at once.
    std::mem::forget(loaded);
    Ok(())
}

/// Every schedule in `dir` to `<output>/<name>.ics`, and all of them to
/// `<output>/all.ics`: all written, or on any error none.
fn build_dir(
    dir: &Path,
    output: &Path,
    combined_name: &str,
    flags: &BuildFlags,
    tz: &TzDatabase,
) -> Result<(), Error> {
    let files = coursefeed::department::schedule_files(dir)?;
    let courses = coursefeed::department::load_all(&files, tz)?;
    for c in &courses {
        if !c.warnings.is_empty() {
            eprintln!("{}", coursefeed::error::render_capped(&c.warnings));
        }
    }
    let feeds: Vec<PathBuf> = files
        .iter()
        .map(|f| {
            output
                .join(f.file_stem().unwrap_or_default())
                .with_extension("ics")
        })
        .collect();
    let all_path = output.join("all.ics");
    let roles: Vec<String> = files
        .iter()
        .map(|f| format!("feed of `{}`", f.display()))
        .collect();
    let inputs: Vec<(&str, &Path)> = files.iter().map(|f| ("schedule", f.as_path())).collect();
    let mut outputs: Vec<(&str, &Path)> = roles
        .iter()
        .map(String::as_str)
        .zip(feeds.iter().map(PathBuf::as_path))
        .collect();
    outputs.push(("combined feed", &all_path));
    publish::check_distinct(&inputs, &outputs)?;
    let pairs: Vec<(&Path, &coursefeed::Schedule)> = files
        .iter()
        .map(PathBuf::as_path)
        .zip(courses.iter().map(|c| &c.schedule))
        .collect();
    let combined = coursefeed::department::combine(&pairs, combined_name)?;
    let mut prepared = Vec::with_capacity(courses.len() + 1);
    for (c, feed) in courses.iter().zip(&feeds) {
        prepared.push(publish::prepare(
            &c.schedule,
            &flags.options(feed, None, None),
        )?);
    }
    prepared.push(publish::prepare(
        &combined,
        &flags.options(&all_path, None, None),
    )?);
    let outcomes: Vec<publish::Outcome> = prepared.iter().map(|p| p.outcome.clone()).collect();
    publish::Prepared::commit_all(prepared)?;

    let mut rows = Vec::new();
    for ((c, feed), outcome) in courses.iter().zip(&feeds).zip(&outcomes) {
        rows.push((
            feed.as_path(),
            c.schedule.course.name.as_str(),
            summary(c),
            outcome,
        ));
    }
    let all_summary = format!(
        "{} sessions from {} courses; {}",
        combined.sessions.len(),
        courses.len(),
        tz.provenance()
    );
    if let Some(outcome) = outcomes.last() {
        rows.push((all_path.as_path(), combined_name, all_summary, outcome));
    }
    match flags.format {
        Format::Text => {
            for (feed, name, summary, outcome) in &rows {
                let r = &outcome.report;
                println!(
                    "{}: {name}: {summary}; {} added, {} changed, {} removed ({})",
                    feed.display(),
                    r.added.len(),
                    r.changed.len(),
                    r.removed.len(),
                    flags.status(outcome.written)
                );
            }
        }
        Format::Json => {
            let json: Vec<_> = rows
                .iter()
                .map(|(feed, name, _, outcome)| {
                    serde_json::json!({"feed": feed, "course": name, "written": outcome.written, "report": outcome.report})
                })
                .collect();
            println!(
                "{:#}",
                serde_json::json!({"dry_run": flags.dry_run, "tzdata": tzdata_json(tz.provenance()), "feeds": json})
            );
        }
    }
    Ok(())
}

/// Which rules were used, for scripts: `{"version": "2026f", "source": "system"}`.
fn tzdata_json(p: &coursefeed::tzdb::Provenance) -> serde_json::Value {
    serde_json::json!({"version": p.version, "source": p.source.label()})
}

/// Load and print warnings, which never stop a build.
fn load(path: &std::path::Path, tz: &TzDatabase) -> Result<Loaded, Error> {
    let loaded = coursefeed::load_path(path, tz)?;
    if !loaded.warnings.is_empty() {
        eprintln!("{}", coursefeed::error::render_capped(&loaded.warnings));
    }
    Ok(loaded)
}

fn summary(loaded: &Loaded) -> String {
    let events = &loaded.schedule.sessions;
    let first = events.iter().map(|s| s.date).min();
    let last = events.iter().map(|s| s.date).max();
    let deadlines = events.iter().filter(|s| s.deadline).count();
    let sessions = events.len() - deadlines;
    let plural = |n: usize, one: &str, many: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    let what = match deadlines {
        0 => plural(sessions, "session", "sessions"),
        d => format!(
            "{} and {}",
            plural(sessions, "session", "sessions"),
            plural(d, "deadline", "deadlines")
        ),
    };
    let mut out = match (first, last) {
        (Some(a), Some(_)) if events.len() == 1 => format!("{what}, on {a}"),
        (Some(a), Some(b)) => format!("{what}, {a} to {b}"),
        _ => "no sessions".to_string(),
    };
    match loaded.warnings.len() {
        0 => {}
        1 => out.push_str(", 1 warning"),
        n => out.push_str(&format!(", {n} warnings")),
    }
    out
}
