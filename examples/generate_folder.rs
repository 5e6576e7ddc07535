//! Write a department's folder of generated courses, for benchmarks:
//! COURSES files of SESSIONS sessions each, spread over six zones.
//!
//! Run: cargo run --release --example generate_folder -- 1000 30 /tmp/dept

#![allow(clippy::print_stdout, clippy::print_stderr)]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(courses), Some(sessions), Some(dir)) = (
        args.first().and_then(|a| a.parse::<usize>().ok()),
        args.get(1).and_then(|a| a.parse::<usize>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: generate_folder COURSES SESSIONS DIR");
        std::process::exit(2);
    };
    let dir = std::path::Path::new(dir);
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("{}: {e}", dir.display());
        std::process::exit(1);
    }
    for i in 0..courses {
        let path = dir.join(format!("c{i:05}.yaml"));
        if let Err(e) = std::fs::write(&path, coursefeed::synthetic::course_yaml(i, sessions)) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
    }
}
