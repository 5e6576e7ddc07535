//! The benchmark floor: only read the schedule and parse the YAML into the
//! raw model with yaml_serde, nothing else, on one thread. Given a folder,
//! every `*.yaml` in it, one after the other. `benches/compare.sh` compares
//! a whole `coursefeed build` with this.
//!
//! Run: cargo run --release --example parse_floor -- schedule.yaml
//!      cargo run --release --example parse_floor -- courses/

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};

fn main() {
    let Some(path) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: parse_floor SCHEDULE|FOLDER");
        std::process::exit(2);
    };
    let files = if path.is_dir() {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&path) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect(),
            Err(e) => fail(&path, &e.to_string()),
        };
        files.sort();
        files
    } else {
        vec![path]
    };
    let mut sessions = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| fail(file, &e.to_string()));
        match yaml_serde::from_str::<coursefeed::load::RawSchedule>(&text) {
            Ok(raw) => sessions += raw.sessions.map_or(0, |s| s.len()),
            Err(e) => fail(file, &e.to_string()),
        }
    }
    println!("{sessions} sessions parsed from {} files", files.len());
}

fn fail(path: &Path, why: &str) -> ! {
    eprintln!("{}: {why}", path.display());
    std::process::exit(1);
}
