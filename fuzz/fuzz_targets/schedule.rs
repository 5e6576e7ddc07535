//! Any bytes as a schedule: loading must not panic, and a schedule it
//! accepts must render to a feed and a page that keep their invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(loaded) = coursefeed::load_str(text, std::path::Path::new("fuzz.yaml"), &coursefeed::TzDatabase::bundled()) else {
        return;
    };
    let stamp = chrono::DateTime::from_timestamp(1_600_000_000, 0).expect("valid stamp");
    let ics = coursefeed::feed::render(&loaded.schedule, stamp);
    let mut events = 0;
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "line over 75 octets: {line:?}");
        assert!(!line.contains('\n') && !line.contains('\r'), "bare line break");
        if line == "BEGIN:VEVENT" {
            events += 1;
        }
    }
    assert_eq!(events, loaded.schedule.sessions.len(), "one VEVENT per session");
    let published = coursefeed::regenerate::Published::read(&ics).expect("our feed reads back");
    assert_eq!(published.events().len(), loaded.schedule.sessions.len());
    let page = coursefeed::page::render(&loaded.schedule, true);
    assert!(!page.contains("{{") && !page.contains("{%"), "no Liquid from the YAML");
    // In the sessions layout, without the staff's intro, front matter
    // (Jekyll's YAML, where `# ` starts a comment) and the deadlines, the
    // page has one `# ` heading per session: text never makes one.
    let mut plain = loaded.schedule.clone();
    plain.page.intro = None;
    plain.page.front_matter = None;
    plain.page.layout = coursefeed::model::Layout::Sessions;
    let page = coursefeed::page::render_with(&plain, false, false);
    let headings = page.lines().filter(|l| l.starts_with("# ")).count();
    let sessions = plain.sessions.iter().filter(|s| !s.deadline).count();
    assert_eq!(headings, sessions, "one heading per session");
});
