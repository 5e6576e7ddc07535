//! Build a feed in memory with the library, without touching the disk:
//! validate a schedule from a string, print its warnings, render the feed.
//!
//! Run: cargo run --example in_memory

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;

const SCHEDULE: &str = r#"
course:
  name: Reading group
  timezone: Europe/Stockholm
sessions:
  - kind: Meeting
    number: 1
    date: 2025-10-20
    start: "15:00"
    end: "16:00"
    topic: Kick-off
"#;

fn main() -> Result<(), coursefeed::Error> {
    let loaded = coursefeed::load_str(
        SCHEDULE,
        Path::new("<inline>"),
        &coursefeed::TzDatabase::from_env(),
    )?;
    for warning in &loaded.warnings {
        eprintln!("{}", warning.render());
    }
    // A fixed stamp keeps the output reproducible; a real build uses the clock.
    let stamp = coursefeed::feed::build_time(Some("1760000000"))?;
    let ics = coursefeed::feed::render(&loaded.schedule, stamp);
    print!("{ics}");
    Ok(())
}
