//! The `coursefeed` command: parse the arguments, run the subcommand (one
//! file each in `cmd/`), print an error once, and set the exit code.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cmd;

/// mimalloc rather than the system's allocator: a department's build makes
/// millions of small strings, and glibc's malloc and free were a fifth of
/// its time. Without transparent huge pages (the `no_thp` feature): zeroing
/// 2 MiB pages took half of a 100,000-session rebuild's time. Its version 2
/// (`v2`): version 3 kept half again as much memory at 100,000 sessions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;
use coursefeed::error::printable;
use coursefeed::Error;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    cmd::remove_temp_files_on_signal();
    match cmd::run(cli.command) {
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
        _ => format!("error: {}", printable(&e.to_string())),
    }
}
