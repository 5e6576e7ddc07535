//! `coursefeed check`: validate, summarise, and compare the published feed
//! with today's tz rules.

use std::path::Path;

use coursefeed::{publish, Error, TzDatabase};

use super::load;

pub fn run(schedule: &Path, previous: &Path, calendar: bool, tz: &TzDatabase) -> Result<(), Error> {
    let loaded = load(schedule, tz)?;
    println!(
        "{}: {}; {}",
        schedule.display(),
        loaded.summary(),
        loaded.schedule.tzdata
    );
    for (i, p) in loaded.schedule.patterns.iter().enumerate() {
        let off = match p.days_off {
            0 => String::new(),
            1 => ", 1 of them a day off (cancelled)".to_owned(),
            n => format!(", {n} of them days off (cancelled)"),
        };
        println!(
            "  pattern {} ({}, {} to {}): {} sessions{off}",
            i + 1,
            p.days.join(", "),
            p.from,
            p.until,
            p.sessions
        );
    }
    if calendar {
        print!("\n{}", coursefeed::calendar::months(&loaded.schedule));
    }
    if let Some(drift) = publish::tz_drift(&loaded.schedule, previous)? {
        eprintln!(
            "warning: {}: {drift}\n  hint: run `coursefeed build` to publish the new times",
            previous.display()
        );
    }
    Ok(())
}
