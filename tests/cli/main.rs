//! The integration tests: one binary, a module per feature. Most run the
//! real `coursefeed` binary on files in a temporary folder and assert what
//! it prints and writes; the rest read its feeds back with independent
//! parsers (interop, properties, icalendar_traps) or call the library as a
//! user of it would (department).

mod common;

mod audiences;
mod check;
mod deadlines;
mod department;
mod errors;
mod feed;
mod hostile;
mod icalendar_traps;
mod import;
mod interop;
mod jekyll;
mod manifest;
mod matrix;
mod modules;
mod nothing_lost;
mod one_run;
mod page;
mod patterns;
mod previous_url;
mod properties;
mod readme;
mod regenerate;
mod size;
mod text_stays_text;
mod tz_rules;
mod workflows;
