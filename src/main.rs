//! The `coursefeed` command: argument parsing and printing only.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use coursefeed::{feed, publish, Error, Loaded};

/// Turn a course schedule kept as YAML into an iCalendar feed students subscribe to.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the iCalendar feed for a schedule.
    ///
    /// The feed replaces the previous file atomically: on any error the
    /// published file is left as it was. Set SOURCE_DATE_EPOCH for a
    /// reproducible DTSTAMP.
    #[command(
        after_help = "Example:\n  coursefeed build data/schedule.yaml -o public/schedule.ics"
    )]
    Build {
        /// The schedule file.
        #[arg(default_value = "data/schedule.yaml")]
        schedule: PathBuf,
        /// Where to write the feed.
        #[arg(short, long, default_value = "public/schedule.ics")]
        output: PathBuf,
    },
    /// Validate a schedule and print a summary; writes nothing.
    #[command(after_help = "Example:\n  coursefeed check data/schedule.yaml")]
    Check {
        /// The schedule file.
        #[arg(default_value = "data/schedule.yaml")]
        schedule: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", prefixed(&e));
            ExitCode::FAILURE
        }
    }
}

/// Diagnostics already say `error:`; other errors get the prefix here.
fn prefixed(e: &Error) -> String {
    match e {
        Error::Invalid(_) => e.to_string(),
        _ => format!("error: {e}"),
    }
}

fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Build { schedule, output } => {
            let loaded = load(&schedule)?;
            let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
            let stamp = feed::stamp(epoch.as_deref())?;
            let ics = feed::render(&loaded.schedule, stamp);
            publish::write_atomic(&output, ics.as_bytes())?;
            println!("wrote {}: {}", output.display(), summary(&loaded));
            Ok(())
        }
        Command::Check { schedule } => {
            let loaded = load(&schedule)?;
            println!("{}: {}", schedule.display(), summary(&loaded));
            Ok(())
        }
    }
}

/// Load and print warnings, which never stop a build.
fn load(path: &std::path::Path) -> Result<Loaded, Error> {
    let loaded = coursefeed::load_path(path)?;
    for w in &loaded.warnings {
        eprintln!("{}", w.render());
    }
    Ok(loaded)
}

fn summary(loaded: &Loaded) -> String {
    let sessions = &loaded.schedule.sessions;
    let first = sessions.iter().map(|s| s.date).min();
    let last = sessions.iter().map(|s| s.date).max();
    let mut out = match (first, last) {
        (Some(a), Some(_)) if sessions.len() == 1 => format!("1 session, on {a}"),
        (Some(a), Some(b)) => format!("{} sessions, {a} to {b}", sessions.len()),
        _ => "no sessions".to_string(),
    };
    match loaded.warnings.len() {
        0 => {}
        1 => out.push_str(", 1 warning"),
        n => out.push_str(&format!(", {n} warnings")),
    }
    out
}
