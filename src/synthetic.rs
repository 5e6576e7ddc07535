//! Synthetic schedules for benchmarks and load tests.
//!
//! N sessions over several years (so across many DST changes), realistic
//! topics, and 0-4 readings each whose links need percent-encoding. Sessions
//! fill 30-minute slots between 06:00 and 22:00 Stockholm time on weekdays,
//! so none overlaps another and none falls in a DST gap; the same N gives
//! the same text.

use std::fmt::Write as _;

/// xorshift64*: a small deterministic generator, enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const KINDS: &[&str] = &["Lecture", "Discussion", "Lab", "Seminar", "Tutorial"];
const SUBJECTS: &[&str] = &[
    "Distributed learning",
    "Robust learning",
    "AutoML",
    "ML platforms",
    "Parameter servers",
    "Federated learning",
    "Stream processing",
    "Graph processing",
    "Model serving",
    "Scheduling",
];
const ASPECTS: &[&str] = &[
    "data-parallelization",
    "model-parallelization",
    "byzantine-resilient learning",
    "hyperparameter optimization, meta learning",
    "TensorFlow, Ray, Mllib",
    "communication efficiency",
    "fault tolerance",
    "consistency models",
];
const WORDS: &[&str] = &[
    "Scaling",
    "Deep",
    "Learning",
    "with",
    "Small",
    "Batch",
    "Sizes",
    "on",
    "Multi-GPU",
    "Servers",
    "Accurate",
    "Large",
    "Minibatch",
    "SGD",
    "Communication-Efficient",
    "Survey",
    "Decentralized",
    "Gradient",
    "Aggregation",
    "Ray",
    "Spark",
    "Åkerman's",
    "Systems",
];

/// A schedule of `n` sessions as YAML text.
pub fn schedule_yaml(n: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(n * 400 + 512);
    out.push_str(
        "course:\n  name: Generated Course\n  id: generated\n  timezone: Europe/Stockholm\n  url: https://example.org/course/\nfeed:\n  refresh: 12h\ndefaults:\n  zoom: https://kth-se.zoom.us/j/2884945301\nsessions:\n",
    );
    let mut numbers = [0u32; 5];
    let mut day = chrono::NaiveDate::from_ymd_opt(2020, 1, 6).expect("a Monday");
    let mut slot = 0u32;
    for _ in 0..n {
        // 32 half-hour slots from 06:00; then the next weekday.
        if slot == 32 {
            slot = 0;
            day += chrono::Duration::days(if day.format("%u").to_string() == "5" {
                3
            } else {
                1
            });
        }
        let start = 6 * 60 + slot * 30;
        slot += 1;
        let k = rng.below(KINDS.len());
        numbers[k] += 1;
        let _ = write!(
            out,
            "  - kind: {}\n    number: {}\n    date: {day}\n    start: \"{:02}:{:02}\"\n    end: \"{:02}:{:02}\"\n    topic: \"{}: {}\"\n",
            KINDS[k],
            numbers[k],
            start / 60,
            start % 60,
            (start + 25) / 60,
            (start + 25) % 60,
            rng.pick(SUBJECTS),
            rng.pick(ASPECTS),
        );
        let readings = rng.below(5);
        if readings > 0 {
            out.push_str("    readings:\n");
        }
        for _ in 0..readings {
            let words: Vec<&str> = (0..3 + rng.below(6)).map(|_| rng.pick(WORDS)).collect();
            let title = words.join(" ");
            let year = 2015 + rng.below(6);
            let _ = write!(
                out,
                "      - title: \"{title}: a study\"\n        url: \"/papers/{year} - {title}: a study, v{}.pdf\"\n",
                1 + rng.below(3)
            );
        }
    }
    out
}

/// Zones a folder's generated courses are spread over: north and south,
/// with and without DST, one whose rules changed in 2026.
const ZONES: &[&str] = &[
    "Europe/Stockholm",
    "Europe/London",
    "America/New_York",
    "America/Vancouver",
    "Asia/Kolkata",
    "Australia/Sydney",
];

/// Course number `index` of a department: `sessions` weekly sessions (two
/// a week, kinds in turn) from its zone's autumn, 0-3 readings each, about
/// one in twenty cancelled, and two deadlines. The same arguments give the
/// same text. Its file is meant to be `c<index, 5 digits>.yaml`, as its
/// feed's address says (`/c00042.ics`).
pub fn course_yaml(index: usize, sessions: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1).wrapping_mul(0x1000_0000_01B3));
    let zone = ZONES[index % ZONES.len()];
    let mut out = String::with_capacity(sessions * 400 + 512);
    let _ = write!(
        out,
        "course:\n  name: \"Course {index}: {}\"\n  id: c{index}\n  timezone: {zone}\n  url: https://example.org/c{index}/\nfeed:\n  url: /c{index:05}.ics\ndefaults:\n  zoom: https://kth-se.zoom.us/j/{}\ndeadlines:\n  - {{title: Report 1, date: 2026-10-16}}\n  - {{title: Report 2, date: 2026-12-11, time: \"23:59\"}}\nsessions:\n",
        rng.pick(SUBJECTS),
        1_000_000_000 + index,
    );
    let first = chrono::NaiveDate::from_ymd_opt(2026, 8, 31).expect("a Monday");
    let hour = 8 + index % 9;
    let mut numbers = [0u32; 2];
    for k in 0..sessions {
        let kind = k % 2;
        numbers[kind] += 1;
        // Mondays and Thursdays.
        let date = first + chrono::Duration::days((k / 2) as i64 * 7 + 3 * kind as i64);
        let _ = write!(
            out,
            "  - kind: {}\n    number: {}\n    date: {date}\n    start: \"{hour:02}:15\"\n    end: \"{:02}:00\"\n    topic: \"{}: {}\"\n",
            ["Lecture", "Lab"][kind],
            numbers[kind],
            hour + 2,
            rng.pick(SUBJECTS),
            rng.pick(ASPECTS),
        );
        if rng.below(20) == 0 {
            out.push_str("    status: cancelled\n");
        }
        let readings = rng.below(4);
        if readings > 0 {
            out.push_str("    readings:\n");
        }
        for _ in 0..readings {
            let words: Vec<&str> = (0..3 + rng.below(5)).map(|_| rng.pick(WORDS)).collect();
            let _ = write!(
                out,
                "      - title: \"{}\"\n        url: \"/papers/{}.pdf\"\n",
                words.join(" "),
                words.join("-")
            );
        }
    }
    out
}

/// A generated schedule of `n` sessions, validated with the bundled rules:
/// for unit tests that need a large schedule.
#[cfg(test)]
pub(crate) fn schedule(n: usize) -> crate::Schedule {
    let yaml = schedule_yaml(n);
    crate::load_str(
        &yaml,
        std::path::Path::new("gen.yaml"),
        &crate::TzDatabase::bundled(),
    )
    .expect("generated schedules are valid")
    .schedule
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that generated schedules are valid, deterministic and warning-free.
    #[test]
    fn generated_schedules_load() {
        let yaml = schedule_yaml(500);
        assert_eq!(yaml, schedule_yaml(500));
        let loaded = crate::load_str(
            &yaml,
            std::path::Path::new("gen.yaml"),
            &crate::TzDatabase::bundled(),
        )
        .expect("valid");
        assert_eq!(loaded.schedule.sessions.len(), 500);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings.first());
        let readings: usize = loaded
            .schedule
            .sessions
            .iter()
            .map(|s| s.readings.len())
            .sum();
        assert!(readings > 500, "about two readings a session: {readings}");
    }

    // Test that generated department courses are valid and warning-free in
    // every zone, deterministic, and distinct from one another.
    #[test]
    fn generated_courses_load() {
        for i in 0..ZONES.len() {
            let yaml = course_yaml(i, 30);
            assert_eq!(yaml, course_yaml(i, 30));
            let loaded = crate::load_str(
                &yaml,
                std::path::Path::new("c.yaml"),
                &crate::TzDatabase::bundled(),
            )
            .expect("valid");
            assert_eq!(
                loaded.schedule.sessions.len(),
                32,
                "30 sessions, 2 deadlines"
            );
            assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings.first());
        }
        assert_ne!(course_yaml(0, 30), course_yaml(1, 30));
    }
}
