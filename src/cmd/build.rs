//! `coursefeed build`: publish a schedule's feed (and page), or a folder's.

use std::path::{Path, PathBuf};

use coursefeed::department::{self, FolderOptions};
use coursefeed::error::printable;
use coursefeed::publish::{self, Previous};
use coursefeed::{feed, Error, TzDatabase};

use super::{load, tzdata_json, Format};

/// `build`'s arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The schedule file, or a folder of them: each `*.yaml` gets its
    /// own `<name>.ics`, and `all.ics` combines them.
    #[arg(default_value = "data/schedule.yaml")]
    pub schedule: PathBuf,
    /// Where to write the feed (default public/schedule.ics); for a
    /// folder of schedules, the folder for the feeds (default public/).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The previously published feed to compare with (default: the output
    /// file): a file, or its public address (http:// or https://), which
    /// must answer with the feed, or 404 before the first publish.
    /// With --fresh it is not read.
    #[arg(long, value_name = "FILE|URL")]
    pub previous: Option<PathBuf>,
    /// For a folder of schedules: the combined feed's calendar name.
    #[arg(long, default_value = "All courses")]
    pub combined_name: String,
    /// Ignore any previous feed: every event starts again at SEQUENCE 0.
    #[arg(long)]
    pub fresh: bool,
    /// Let sessions that were published but are gone from the schedule disappear.
    #[arg(long)]
    pub allow_removal: bool,
    /// Print the change report and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// For a folder of schedules: leave sessions that ended more than this
    /// many days ago out of the combined feed (a course's own feed takes
    /// `feed.keep_days` from its YAML).
    #[arg(long, value_name = "DAYS")]
    pub keep_days: Option<u32>,
    /// How to print the change report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: Args, tz: &TzDatabase) -> Result<(), Error> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let now = feed::stamp(epoch.as_deref())?;
    if args.schedule.is_dir() {
        if let Some(previous) = args.previous {
            return Err(Error::PreviousWithFolder(previous));
        }
        let output = args.output.unwrap_or_else(|| PathBuf::from("public"));
        let options = FolderOptions {
            output: &output,
            combined_name: &args.combined_name,
            fresh: args.fresh,
            allow_removal: args.allow_removal,
            dry_run: args.dry_run,
            now,
            keep_days: args.keep_days,
            itemize: args.format == Format::Json,
        };
        folder(&args.schedule, &options, args.format, tz)
    } else {
        let output = args
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from("public/schedule.ics"));
        let previous = match (args.previous.as_deref(), args.fresh) {
            (_, true) => Previous::Fresh,
            (Some(p), false) => Previous::File(p),
            (None, false) => Previous::Output,
        };
        one(&args, &output, previous, now, tz)
    }
}

/// What happened to an output, in the summary line.
fn status(dry_run: bool, written: bool) -> &'static str {
    match (dry_run, written) {
        (true, _) => "dry run, nothing written",
        (false, true) => "written",
        (false, false) => "unchanged, not rewritten",
    }
}

fn one(
    args: &Args,
    output: &Path,
    previous: Previous,
    now: chrono::DateTime<chrono::Utc>,
    tz: &TzDatabase,
) -> Result<(), Error> {
    let schedule = args.schedule.as_path();
    // The previous feed (95 MB for 100,000 sessions) is read and parsed on
    // a thread of its own while the schedule loads on the others.
    let (loaded, previous_feed) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| match previous {
            Previous::Output => publish::read_previous(output, false),
            Previous::File(path) => coursefeed::previous::read(path),
            Previous::Fresh | Previous::Read(_) => Ok(None),
        });
        let loaded = load(schedule, tz);
        let read = reading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (loaded, read)
    });
    let loaded = loaded?;
    let previous_feed = previous_feed?;
    let first_publish = match previous {
        Previous::File(path) => coursefeed::previous::url(path),
        _ => None,
    };
    let previous = match previous {
        Previous::Fresh => Previous::Fresh,
        _ => Previous::Read(previous_feed.as_ref()),
    };
    let page = loaded.schedule.page.output.as_deref();
    if let Some(path) = page {
        let s = &loaded.schedule;
        let advice = coursefeed::page::advice(s, schedule, path, s.page.subscribe);
        if !advice.is_empty() {
            eprintln!("{}", coursefeed::error::render_capped(&advice));
        }
    }
    let mut outputs = vec![("feed", output)];
    outputs.extend(page.map(|p| ("page", p)));
    publish::check_distinct(&[("schedule", schedule)], &outputs)?;
    if let (Some(previous), Some(page)) = (args.previous.as_deref(), page) {
        publish::check_distinct(&[("previous feed", previous)], &[("page", page)])?;
    }
    let options = publish::Options {
        output,
        previous,
        allow_removal: args.allow_removal,
        dry_run: args.dry_run,
        now,
        page,
    };
    let (outcome, extras) = publish::publish_course(&loaded.schedule, &options)?;
    let too_large: Vec<_> = std::iter::once(outcome.size_warning(output))
        .chain(extras.iter().map(|e| e.outcome.size_warning(&e.feed)))
        .flatten()
        .collect();
    if !too_large.is_empty() {
        eprintln!("{}", coursefeed::error::render_capped(&too_large));
    }
    match args.format {
        Format::Text => {
            if let (Some(url), None) = (first_publish, &previous_feed) {
                println!("previous   nothing published at {url} yet (404): a first publish, every event new");
            }
            // Summaries are the YAML's text: no raw ESC or CR to the terminal.
            println!("{}", printable(&outcome.report.to_string()));
            println!(
                "{}: {}; {} ({})",
                output.display(),
                loaded.summary(),
                loaded.schedule.tzdata,
                status(args.dry_run, outcome.written)
            );
            if let Some(page) = page {
                println!(
                    "{}: page ({})",
                    page.display(),
                    status(args.dry_run, outcome.page_written)
                );
            }
            for e in &extras {
                let r = &e.outcome.report;
                println!(
                    "{}: {}: {}; {} added, {} changed, {} removed ({})",
                    e.feed.display(),
                    printable(&e.name),
                    match e.sessions {
                        1 => "1 event".to_owned(),
                        n => format!("{n} events"),
                    },
                    r.added.len(),
                    r.changed.len(),
                    r.removed.len(),
                    status(args.dry_run, e.outcome.written)
                );
            }
        }
        Format::Json => {
            let json = serde_json::json!({
                "feed": output,
                "written": outcome.written,
                "page": page,
                "page_written": outcome.page_written,
                "dry_run": args.dry_run,
                "tzdata": tzdata_json(&loaded.schedule.tzdata),
                "report": outcome.report,
                "first_publish": first_publish.is_some() && previous_feed.is_none(),
                "extra_feeds": extras.iter().map(|e| serde_json::json!({
                    "feed": e.feed,
                    "name": e.name,
                    "events": e.sessions,
                    "written": e.outcome.written,
                    "report": e.outcome.report,
                })).collect::<Vec<_>>(),
            });
            println!("{json:#}");
        }
    }
    // The process ends next: freeing a large schedule piece by piece costs
    // a tenth of a second at 100,000 sessions, the OS reclaims it at once.
    std::mem::forget(loaded);
    Ok(())
}

fn folder(
    dir: &Path,
    options: &FolderOptions,
    format: Format,
    tz: &TzDatabase,
) -> Result<(), Error> {
    let feeds = department::publish_all(dir, options, tz, |warnings| {
        eprintln!("{}", coursefeed::error::render_capped(warnings));
    })?;
    let too_large: Vec<_> = feeds
        .iter()
        .filter_map(|f| f.outcome.size_warning(&f.feed))
        .collect();
    if !too_large.is_empty() {
        eprintln!("{}", coursefeed::error::render_capped(&too_large));
    }
    match format {
        Format::Text => {
            for f in &feeds {
                if f.removed {
                    let done = if options.dry_run {
                        "would be removed"
                    } else {
                        "removed"
                    };
                    println!(
                        "{}: {done}: its course file is no longer in {}",
                        f.feed.display(),
                        dir.display()
                    );
                    continue;
                }
                let r = f.outcome.report.counts();
                let state = match f.skipped {
                    true => "unchanged, skipped",
                    false => status(options.dry_run, f.outcome.written),
                };
                println!(
                    "{}: {}: {}; {} added, {} changed, {} removed ({state})",
                    f.feed.display(),
                    printable(&f.course),
                    printable(&f.summary),
                    r.added,
                    r.changed,
                    r.removed,
                );
                if let Some(page) = &f.page {
                    let state = match f.skipped {
                        true => "unchanged, skipped",
                        false => status(options.dry_run, f.outcome.page_written),
                    };
                    println!("{}: page ({state})", page.display());
                }
            }
        }
        Format::Json => {
            let json: Vec<_> = feeds
                .iter()
                .map(|f| {
                    match f.removed {
                        true => serde_json::json!({"feed": f.feed, "removed": true}),
                        false => serde_json::json!({"feed": f.feed, "course": f.course, "written": f.outcome.written, "skipped": f.skipped, "page": f.page, "page_written": f.outcome.page_written, "report": f.outcome.report}),
                    }
                })
                .collect();
            println!(
                "{:#}",
                serde_json::json!({"dry_run": options.dry_run, "tzdata": tzdata_json(tz.provenance()), "feeds": json})
            );
        }
    }
    Ok(())
}
