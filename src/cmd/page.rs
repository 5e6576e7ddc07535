//! `coursefeed page`: render the schedule page.

use std::path::{Path, PathBuf};

use coursefeed::{publish, Error, TzDatabase};

use super::load;

pub fn run(
    schedule: &Path,
    output: Option<PathBuf>,
    no_subscribe: bool,
    no_deadlines: bool,
    tz: &TzDatabase,
) -> Result<(), Error> {
    let loaded = load(schedule, tz)?;
    let s = &loaded.schedule;
    let output = output
        .or_else(|| s.page.output.clone())
        .unwrap_or_else(|| PathBuf::from("public/schedule.md"));
    publish::check_distinct(&[("schedule", schedule)], &[("page", &output)])?;
    let subscribe = s.page.subscribe && !no_subscribe;
    let advice = coursefeed::page::advice(s, schedule, &output, subscribe);
    if !advice.is_empty() {
        eprintln!("{}", coursefeed::error::render_capped(&advice));
    }
    let page = coursefeed::page::render_with(s, subscribe, !no_deadlines);
    publish::write_atomic(&output, page.as_bytes())?;
    println!("wrote {}: {}", output.display(), loaded.summary());
    Ok(())
}
