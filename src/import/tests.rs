//! Import never panics: any text, and the fixture pages mutated, either
//! import or fail with diagnostics; what imports loads or fails to load
//! without a panic.

use std::path::Path;

use chrono::NaiveTime;
use proptest::prelude::*;

use super::{import, Options};
use crate::error::Error;

/// The shapes of page import reads, to mutate.
const PAGES: &[&str] = &[
    include_str!("../../tests/fixtures/seed_schedule.md"),
    include_str!("../../tests/fixtures/pages/modules_bold_labels.md"),
    include_str!("../../tests/fixtures/pages/table_us_dates.md"),
    include_str!("../../tests/fixtures/pages/table_month_names.md"),
    include_str!("../../tests/fixtures/pages/table_day_first.md"),
    include_str!("../../tests/fixtures/pages/table_bold_dates.md"),
    include_str!("../../tests/fixtures/pages/table_new_year.md"),
    include_str!("../../tests/fixtures/pages/headings_days.md"),
    include_str!("../../tests/fixtures/pages/headings_lectures.md"),
    include_str!("../../tests/fixtures/pages/headings_spanish.md"),
    include_str!("../../tests/fixtures/pages/headings_parenthesis.md"),
    include_str!("../../tests/fixtures/pages/list_ordinals.md"),
    include_str!("../../tests/fixtures/pages/html_table.md"),
    include_str!("../../tests/fixtures/pages/trap_liquid.md"),
];

/// Pieces that have broken importers: cut characters, control bytes,
/// markup half open, dates and times at their edges.
const PIECES: &[&str] = &[
    "é",
    "\u{0}",
    "\u{1}",
    "\u{29a}",
    "月",
    "|",
    "||",
    "<td>",
    "</td>",
    "<tr",
    "colspan=2",
    "<!--",
    "-->",
    "{% for x in site.data.y %}",
    "{%",
    "9/6/22",
    "31/12",
    "2/30",
    "Sep. 28",
    "Feb 30",
    "15:5é",
    "25:00",
    "12 -3 pm",
    "3–4pm",
    "8h30",
    "09.00-09.15",
    "#",
    "###",
    "**",
    "~~",
    "[",
    "](",
    ")",
    "\r\n",
    "\n",
    "\n\n",
    "* ",
    "- ",
    "Thursday, ",
    "terça",
    ": ",
    "0/0",
    "2024-02-30",
    "Lecture 99: ",
    "no class",
    " due",
    "```",
    "    ",
    "\t",
];

fn options(year: bool, times: bool, url: bool) -> Options {
    let at = |h| NaiveTime::from_hms_opt(h, 0, 0);
    Options {
        year: year.then_some(2020),
        name: None,
        id: None,
        timezone: None,
        url: url.then(|| "https://example.org/".to_owned()),
        start: if times { at(10) } else { None },
        end: if times { at(12) } else { None },
        page_output: None,
    }
}

/// Import must give a schedule or diagnostics; a schedule must load or be
/// refused, never panic.
fn imports_or_says_why(page: &str, options: &Options) {
    let path = Path::new("page.md");
    match import(page, path, options) {
        Ok(imported) => {
            let _ = crate::load_str(&imported.yaml, path, &crate::TzDatabase::bundled());
        }
        Err(Error::Invalid(diagnostics)) => assert!(!diagnostics.is_empty()),
        Err(other) => panic!("not a diagnostic: {other}"),
    }
}

/// Edit `page`: insert a piece, delete or repeat a span, at char boundaries.
fn mutate(page: &str, edits: &[(u8, usize, usize, usize)]) -> String {
    let mut text = page.to_owned();
    for &(kind, a, b, piece) in edits {
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        let x = bounds[a % bounds.len()];
        let y = bounds[b % bounds.len()];
        let (from, to) = (x.min(y), x.max(y).min(from_plus(x.min(y), 200, &bounds)));
        match kind % 3 {
            0 => text.insert_str(x, PIECES[piece % PIECES.len()]),
            1 => text.replace_range(from..to, ""),
            _ => {
                let span = text[from..to].to_owned();
                text.insert_str(to, &span);
            }
        }
    }
    text
}

/// The char boundary at or before `from + len`.
fn from_plus(from: usize, len: usize, bounds: &[usize]) -> usize {
    let limit = from + len;
    bounds
        .iter()
        .copied()
        .take_while(|&b| b <= limit)
        .last()
        .unwrap_or(from)
}

proptest! {
    // Test that any text imports or is refused with diagnostics.
    #[test]
    fn any_text(page in "\\PC{0,400}", year: bool, times: bool, url: bool) {
        imports_or_says_why(&page, &options(year, times, url));
    }

    // Test that pieces of page markup and dates strung together import
    // or are refused with diagnostics.
    #[test]
    fn strung_pieces(pieces in prop::collection::vec(0..PIECES.len(), 0..60), year: bool, times: bool) {
        let page: String = pieces.iter().map(|&p| PIECES[p]).collect();
        imports_or_says_why(&page, &options(year, times, true));
    }

    // Test that every fixture shape, mutated, imports or is refused with
    // diagnostics.
    #[test]
    fn mutated_fixtures(
        which in 0..PAGES.len(),
        edits in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<usize>()), 1..8),
        year: bool,
        times: bool,
        url: bool,
    ) {
        let page = mutate(PAGES[which], &edits);
        imports_or_says_why(&page, &options(year, times, url));
    }
}

// Test the minimal inputs the properties above found: a Liquid tag that
// closes where it opens, and a year followed by an en dash.
#[test]
fn property_regressions() {
    for page in ["{%}", "| **03 Sep 2025–** | x |\n"] {
        imports_or_says_why(page, &options(false, false, false));
    }
}

// Test the fuzzer's minimal input for the minute cut inside a character.
#[test]
fn fuzz_regression_minute_inside_a_character() {
    for page in [
        "#\u{1}: Oct5,1:\u{0}\u{29a}",
        "# Lecture 1: Sep. 28, 15:5é-17:00\n",
    ] {
        let err =
            import(page, Path::new("page.md"), &options(true, false, false)).expect_err("no time");
        assert_eq!(err.diagnostics().len(), 1);
    }
}
