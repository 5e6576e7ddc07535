//! `coursefeed build`: publish a schedule's feed (and page), or a folder's.

use std::path::{Path, PathBuf};

use coursefeed::error::printable;
use coursefeed::folder::{self, FolderOptions};
use coursefeed::outputs::{self, CourseOutcome, Outputs};
use coursefeed::publish::{self, Previous};
use coursefeed::{feed, Error, Severity, TzDatabase};

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
    /// For a folder of schedules: one line per file with its counts, not
    /// the changed sessions of each course under it.
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(args: Args, tz: &TzDatabase) -> Result<(), Error> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let now = feed::build_time(epoch.as_deref())?;
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
        folder(&args.schedule, &options, args.format, args.quiet, tz)
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
    let loaded = load(schedule, tz)?;
    // An explicit --previous, a file or the feed's public address, is read
    // once here; the feed's own file (the usual case) as it is published.
    let previous_feed = match previous {
        Previous::File(path) => coursefeed::previous::read(path)?,
        _ => None,
    };
    let first_publish = match previous {
        Previous::File(path) => coursefeed::previous::url(path),
        _ => None,
    };
    let previous = match previous {
        Previous::File(_) => Previous::Read(previous_feed.as_ref()),
        other => other,
    };
    let s = &loaded.schedule;
    advise(s, schedule, output);
    check_paths(s, schedule, args.previous.as_deref(), output)?;
    let options = publish::Options {
        output,
        previous,
        allow_removal: args.allow_removal,
        dry_run: args.dry_run,
        now,
    };
    let beside = args.previous.as_deref().filter(|_| !args.fresh);
    let published = outputs::publish(s, &options, beside)?;
    warn_too_large(&published);
    match args.format {
        Format::Text => {
            if let (Some(url), None) = (first_publish, &previous_feed) {
                println!("previous   nothing published at {url} yet (404): a first publish, every event new");
            }
            // Summaries are the YAML's text: no raw ESC or CR to the terminal.
            println!("{}", printable(&published.outcome.report.to_string()));
            println!(
                "{}: {}; {} ({})",
                output.display(),
                loaded.summary(),
                loaded.schedule.tzdata,
                status(args.dry_run, published.outcome.written)
            );
            print_files(&published, args.dry_run, false);
        }
        Format::Json => {
            let json = serde_json::json!({
                "feed": output,
                "written": published.outcome.written,
                "page": published.page,
                "page_written": published.outcome.page_written,
                "dry_run": args.dry_run,
                "tzdata": tzdata_json(&loaded.schedule.tzdata),
                "report": published.outcome.report,
                "first_publish": first_publish.is_some() && previous_feed.is_none(),
                "extra_feeds": extras_json(&published),
            });
            println!("{json:#}");
        }
    }
    // The process ends next: freeing a large schedule piece by piece costs
    // a tenth of a second at 100,000 sessions, the OS reclaims it at once.
    std::mem::forget(loaded);
    Ok(())
}

/// Say what a course's page needs and where its feed.url disagrees.
fn advise(s: &coursefeed::Schedule, schedule: &Path, output: &Path) {
    let mut advice: Vec<_> = outputs::url_disagrees(s, schedule, output, Severity::Warning)
        .into_iter()
        .collect();
    if let Some(path) = s.page.output.as_deref() {
        advice.extend(coursefeed::page::advice(
            s,
            schedule,
            path,
            s.page.subscribe,
        ));
    }
    if !advice.is_empty() {
        eprintln!("{}", coursefeed::error::render_capped(&advice));
    }
}

/// Refuse a build whose files would meet its schedule, its previous feed
/// (only the feed itself may be its own previous version) or each other.
fn check_paths(
    s: &coursefeed::Schedule,
    schedule: &Path,
    previous: Option<&Path>,
    output: &Path,
) -> Result<(), Error> {
    let files = Outputs::of(s, output).roles(None);
    let files: Vec<(&str, &Path)> = files
        .iter()
        .map(|(r, p)| (r.as_str(), p.as_path()))
        .collect();
    let mut inputs = vec![("schedule", schedule)];
    inputs.extend(previous.map(|p| ("previous feed", p)));
    publish::check_distinct(&inputs[..1], &files)?;
    publish::check_distinct(&inputs, &files[1..])
}

/// Warn of every feed of a course larger than Google Calendar reads.
fn warn_too_large(published: &CourseOutcome) {
    let too_large: Vec<_> = std::iter::once(published.outcome.size_warning(&published.feed))
        .chain(
            published
                .extras
                .iter()
                .map(|e| e.outcome.size_warning(&e.feed)),
        )
        .flatten()
        .collect();
    if !too_large.is_empty() {
        eprintln!("{}", coursefeed::error::render_capped(&too_large));
    }
}

/// The lines for a course's page and extra feeds, after its feed's line.
fn print_files(published: &CourseOutcome, dry_run: bool, skipped: bool) {
    let state = |written: bool| match skipped {
        true => "unchanged, skipped",
        false => status(dry_run, written),
    };
    if let Some(page) = &published.page {
        println!(
            "{}: page ({})",
            page.display(),
            state(published.outcome.page_written)
        );
    }
    for e in &published.extras {
        let r = e.outcome.report.counts();
        println!(
            "{}: {}: {}; {} added, {} changed, {} removed ({})",
            e.feed.display(),
            printable(&e.name),
            match e.sessions {
                1 => "1 event".to_owned(),
                n => format!("{n} events"),
            },
            r.added,
            r.changed,
            r.removed,
            state(e.outcome.written)
        );
    }
}

fn extras_json(published: &CourseOutcome) -> Vec<serde_json::Value> {
    published
        .extras
        .iter()
        .map(|e| {
            serde_json::json!({
                "feed": e.feed,
                "name": e.name,
                "events": e.sessions,
                "written": e.outcome.written,
                "report": e.outcome.report,
            })
        })
        .collect()
}

fn folder(
    dir: &Path,
    options: &FolderOptions,
    format: Format,
    quiet: bool,
    tz: &TzDatabase,
) -> Result<(), Error> {
    let built = folder::build(dir, options, tz, |warnings| {
        eprintln!("{}", coursefeed::error::render_capped(warnings));
    })?;
    for c in &built.courses {
        // A skipped course's warnings stand until its file changes.
        if !c.warnings.is_empty() {
            eprintln!("{}", printable(&c.warnings));
        }
        warn_too_large(&c.published);
    }
    let combined = &built.combined;
    if let Some(w) = combined.outcome.size_warning(&combined.feed) {
        eprintln!("{}", coursefeed::error::render_capped(&[w]));
    }
    match format {
        Format::Text => print_folder(dir, &built, options.dry_run, quiet),
        Format::Json => {
            let mut feeds: Vec<_> = built
                .courses
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "feed": c.published.feed,
                        "course": c.name,
                        "written": c.published.outcome.written,
                        "skipped": c.skipped,
                        "page": c.published.page,
                        "page_written": c.published.outcome.page_written,
                        "report": c.published.outcome.report,
                        "extra_feeds": extras_json(&c.published),
                    })
                })
                .collect();
            feeds.push(serde_json::json!({
                "feed": combined.feed,
                "course": combined.name,
                "written": combined.outcome.written,
                "skipped": combined.skipped,
                "page": null,
                "page_written": false,
                "report": combined.outcome.report,
            }));
            println!(
                "{:#}",
                serde_json::json!({
                    "dry_run": options.dry_run,
                    "tzdata": tzdata_json(tz.provenance()),
                    "feeds": feeds,
                    "removed": built.removed,
                })
            );
        }
    }
    Ok(())
}

/// A folder build's lines: each course's files, all.ics, what was removed.
fn print_folder(dir: &Path, built: &folder::FolderOutcome, dry_run: bool, quiet: bool) {
    let line = |feed: &Path, name: &str, summary: &str, r: &publish::Outcome, skipped: bool| {
        let c = r.report.counts();
        let state = match skipped {
            true => "unchanged, skipped",
            false => status(dry_run, r.written),
        };
        println!(
            "{}: {}: {}; {} added, {} changed, {} removed ({state})",
            feed.display(),
            printable(name),
            printable(summary),
            c.added,
            c.changed,
            c.removed,
        );
    };
    for c in &built.courses {
        let p = &c.published;
        line(&p.feed, &c.name, &c.summary, &p.outcome, c.skipped);
        if !quiet {
            // Each changed session in words, indented under its course
            // (added ones are counted: a first build adds every session).
            for change in p.outcome.report.lines().to_string().lines() {
                println!("  {}", printable(change));
            }
        }
        print_files(p, dry_run, c.skipped);
    }
    let combined = &built.combined;
    let (feed, name, summary) = (&combined.feed, &combined.name, &combined.summary);
    line(feed, name, summary, &combined.outcome, combined.skipped);
    let done = match dry_run {
        true => "would be removed",
        false => "removed",
    };
    for removal in &built.removed {
        for path in &removal.outputs {
            println!(
                "{}: {done}: no course in {} writes it any more (it was `{}`'s)",
                path.display(),
                dir.display(),
                removal.file.display()
            );
        }
        for path in &removal.kept {
            println!(
                "{}: kept: no course in {} writes it any more, but it was changed since it was written (it was `{}`'s); delete it yourself if it is not wanted",
                path.display(),
                dir.display(),
                removal.file.display()
            );
        }
    }
}
