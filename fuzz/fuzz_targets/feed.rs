//! Any bytes as a previously published feed: reading it back (the content
//! lines, then the events regeneration compares with) must not panic, and a
//! feed it accepts keeps its invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Every logical line starts on a later physical line than the one
    // before, and unfolded lines are where an event can begin.
    let mut last = 0;
    let mut begins = 0;
    for (number, line) in coursefeed::ics::read::lines(text) {
        assert!(number > last, "line numbers go forward");
        last = number;
        if line.to_ascii_uppercase().starts_with("BEGIN:VEVENT") {
            begins += 1;
        }
    }
    if let Ok(published) = coursefeed::regenerate::Published::read(text) {
        let _ = published.tzdata();
        assert!(
            published.events().len() <= begins,
            "no event without its BEGIN:VEVENT"
        );
    }
});
