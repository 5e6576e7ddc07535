//! The time of each session: its own, `--start`/`--end`, or the meeting
//! time the page states once for all (`Tuesdays and Thursdays
//! 9:45am-11:00am`).

use chrono::NaiveTime;

use super::{
    find_dates, inline, problem, time_ranges, weekday_of, weekdays, Blocks, Candidate, Dated,
    Given, Role, Shape, Stop,
};

/// The meeting time a page states once, such as `Tuesdays and Thursdays
/// 9:45am-11:00am`: a time range with a weekday before it, outside the
/// sessions, and not office hours. None when there is none, or several.
fn stated_once(
    blocks: &Blocks,
    sessions: &[usize],
) -> Result<Option<(NaiveTime, NaiveTime, usize)>, Vec<usize>> {
    let mut found: Vec<(NaiveTime, NaiveTime, usize)> = Vec::new();
    for b in &blocks.blocks {
        if sessions.contains(&b.line) || matches!(b.shape, Shape::Row { .. }) {
            continue;
        }
        let text = inline(&b.cells.join(" ")).text;
        let mut from = 0;
        for r in time_ranges(&text) {
            let window = &text[from..r.at];
            from = r.to;
            let lower = window.to_lowercase();
            let office = [
                "office",
                "sprechstunde",
                "atendimento",
                "tutoría",
                "permanence",
            ]
            .iter()
            .any(|w| lower.contains(w));
            if let (Some(end), false, true) = (r.end, office, recurring(window)) {
                if !found.iter().any(|f| (f.0, f.1) == (r.start, end)) {
                    found.push((r.start, end, b.line));
                }
            }
        }
    }
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        many => Err(many.iter().map(|f| f.2).collect()),
    }
}

/// Whether the words before a time say it recurs: several weekdays
/// (`Monday/Wednesday/Friday`), a weekday in the plural (`Thursdays`), or
/// a weekday after a word for the classes (`Lectures: Monday`). A weekday
/// with a date (`Midterm: Thursday, Oct 12, 7-9pm`) is one day, not the
/// meeting time.
fn recurring(window: &str) -> bool {
    let days = weekdays(window);
    if days.is_empty() || !find_dates(window).is_empty() {
        return false;
    }
    let lower = window.to_lowercase();
    let plural = lower
        .split(|c: char| !c.is_alphabetic())
        .any(|w| w.len() > 4 && w.ends_with('s') && weekday_of(w).is_some());
    let classes = [
        "lecture",
        "class",
        "meet",
        "session",
        "aula",
        "clase",
        "vorlesung",
        "cours",
        "seminar",
    ];
    days.len() >= 2 || plural || classes.iter().any(|c| lower.contains(c))
}

/// Give every session a start and an end: its own, `--start`/`--end`, or
/// the time stated once on the page.
pub(super) fn settle(
    found: &mut [Candidate],
    blocks: &Blocks,
    given: &Given,
    out: &mut Dated,
) -> Result<(), Stop> {
    let lines: Vec<usize> = found.iter().map(|c| c.line).collect();
    let once = stated_once(blocks, &lines);
    let fallback = match (given.times, &once) {
        (Some(t), _) => Some(t),
        (None, Ok(Some((a, b, line)))) => {
            let untimed = found
                .iter()
                .any(|c| c.role == Role::Session && c.time.is_none());
            if untimed {
                let message = format!(
                    "sessions without a time of their own take {}-{}, the time this line states",
                    a.format("%H:%M"),
                    b.format("%H:%M")
                );
                let hint = "give --start and --end if that is not the sessions' time".to_owned();
                out.notes.push((*line, problem(message, Some(hint))));
            }
            Some((*a, *b))
        }
        _ => None,
    };
    for c in found.iter_mut().filter(|c| c.role == Role::Session) {
        match (c.time, fallback) {
            (Some((_, Some(_))), _) => {}
            (Some((start, None)), Some((a, b))) => {
                let end = start + (b - a);
                c.time = Some((start, Some(end)));
                out.warnings.push((
                    c.line,
                    problem(
                        format!(
                            "no end time: {} assumed, as long as the page's other sessions",
                            end.format("%H:%M")
                        ),
                        Some("correct `end` in the YAML if it is not".into()),
                    ),
                ));
            }
            (None, Some((a, b))) => c.time = Some((a, Some(b))),
            _ => {
                let found_times = match &once {
                    Err(lines) => format!(
                        "; the page states several meeting times (lines {})",
                        lines
                            .iter()
                            .map(|l| l.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    _ => String::new(),
                };
                return Err((
                    c.line,
                    problem(
                        format!("this session has no time, and the page states none once for all{found_times}"),
                        Some("give --start and --end for such sessions".into()),
                    ),
                ));
            }
        }
    }
    Ok(())
}
