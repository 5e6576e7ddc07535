//! Print a synthetic schedule of N sessions, for benchmarks.
//!
//! Run: cargo run --release --example generate -- 10000 > /tmp/s10k.yaml

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write as _;

fn main() {
    let n: usize = match std::env::args().nth(1).map(|a| a.parse()) {
        Some(Ok(n)) => n,
        _ => {
            eprintln!("usage: generate N  (prints a schedule of N sessions)");
            std::process::exit(2);
        }
    };
    let yaml = coursefeed::synthetic::schedule_yaml(n);
    if std::io::stdout().lock().write_all(yaml.as_bytes()).is_err() {
        std::process::exit(1);
    }
}
