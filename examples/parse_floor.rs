//! The benchmark floor: only read the schedule and parse the YAML into the
//! raw model with serde_yaml, nothing else. `benches/compare.sh` compares a
//! whole `coursefeed build` with this.
//!
//! Run: cargo run --release --example parse_floor -- schedule.yaml

#![allow(clippy::print_stdout, clippy::print_stderr)]

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_floor SCHEDULE");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    match serde_yaml::from_str::<coursefeed::load::RawSchedule>(&text) {
        Ok(raw) => println!("{} sessions parsed", raw.sessions.map_or(0, |s| s.len())),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
