//! `coursefeed check`: the summary, and the term as month grids.

use crate::common::Test;

// Test that `check --calendar` prints the term as month grids, weeks from
// Monday, across the new year: two sessions on one day (`+`), a cancelled
// one (`x`), a deadline alone (`!`), one session (`*`), then the legend.
// (December 1, 2020 was a Tuesday; January 1, 2021 a Friday.)
#[test]
fn calendar_shows_the_term() {
    let yaml = "course: {name: T, timezone: Europe/Stockholm}
deadlines:
  - {title: Report, date: 2021-01-08}
sessions:
  - {kind: Lecture, number: 1, date: 2020-12-14, start: \"15:00\", end: \"17:00\"}
  - {kind: Lab, number: 1, date: 2020-12-14, start: \"17:00\", end: \"18:00\"}
  - {kind: Lecture, number: 2, date: 2020-12-21, start: \"15:00\", end: \"17:00\", status: cancelled}
  - {kind: Lecture, number: 3, date: 2021-01-11, start: \"15:00\", end: \"17:00\"}
";
    Test::new()
        .schedule(yaml)
        .args(["check", "schedule.yaml", "--calendar"])
        .stdout(
            "schedule.yaml: 4 sessions and 1 deadline, 2020-12-14 to 2021-01-11; tz database 2026f (TZDIR)

    December 2020          January 2021
Mo Tu We Th Fr Sa Su   Mo Tu We Th Fr Sa Su
    1  2  3  4  5  6                1  2  3
 7  8  9 10 11 12 13    4  5  6  7  8! 9 10
14+15 16 17 18 19 20   11*12 13 14 15 16 17
21x22 23 24 25 26 27   18 19 20 21 22 23 24
28 29 30 31            25 26 27 28 29 30 31

* session   + two or more   # session and deadline   x cancelled   ! deadline",
        )
        .success();
}

// Test the shipped course's term: Mondays from Sep. 28 to Dec. 14, the
// five report deadlines on session days (`#`: Oct. 12 and 26, Nov. 9 and
// 23, Dec. 7) and the last on Friday Dec. 18 (`!`).
#[test]
fn calendar_of_the_shipped_course() {
    let yaml = std::fs::read_to_string(crate::common::root().join("data/schedule.yaml"))
        .expect("shipped schedule");
    Test::new()
        .schedule(&yaml)
        .args(["check", "schedule.yaml", "--calendar"])
        .stdout(
            "schedule.yaml: 12 sessions and 6 deadlines, 2020-09-28 to 2020-12-18; tz database 2026f (TZDIR)

   September 2020          October 2020           November 2020
Mo Tu We Th Fr Sa Su   Mo Tu We Th Fr Sa Su   Mo Tu We Th Fr Sa Su
    1  2  3  4  5  6             1  2  3  4                      1
 7  8  9 10 11 12 13    5* 6  7  8  9 10 11    2* 3  4  5  6  7  8
14 15 16 17 18 19 20   12#13 14 15 16 17 18    9#10 11 12 13 14 15
21 22 23 24 25 26 27   19*20 21 22 23 24 25   16*17 18 19 20 21 22
28*29 30               26#27 28 29 30 31      23#24 25 26 27 28 29
                                              30*

    December 2020
Mo Tu We Th Fr Sa Su
    1  2  3  4  5  6
 7# 8  9 10 11 12 13
14*15 16 17 18!19 20
21 22 23 24 25 26 27
28 29 30 31

* session   + two or more   # session and deadline   x cancelled   ! deadline",
        )
        .success();
}
