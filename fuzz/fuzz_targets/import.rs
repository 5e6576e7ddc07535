//! Any bytes as a schedule page: import must not panic, and what it
//! produces must load (or fail to load) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = coursefeed::import::Options {
        year: Some(2020),
        name: None,
        id: None,
        timezone: None,
        url: Some("https://example.org/".into()),
        start: chrono::NaiveTime::from_hms_opt(15, 0, 0),
        end: chrono::NaiveTime::from_hms_opt(17, 0, 0),
        page_output: None,
    };
    let path = std::path::Path::new("fuzz.md");
    if let Ok(imported) = coursefeed::import::import(text, path, &options) {
        let _ = coursefeed::load_str(&imported.yaml, path, &coursefeed::TzDatabase::bundled());
    }
});
