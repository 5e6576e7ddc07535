//! What a dated block is: a session of some kind, a day without class, or
//! something due; and which of a table's columns hold the date and topic.

use super::inline;

/// Words that make a dated row a day without class.
const NO_CLASS: &[&str] = &[
    "no class",
    "no classes",
    "no lecture",
    "no lectures",
    "no meeting",
    "no session",
    "holiday",
    "break",
    "recess",
    "recesso",
    "feriado",
    "reading day",
    "labor day",
    "labour day",
    "thanksgiving",
    "vacaciones",
    "festivo",
    "no hay clase",
    "sin clase",
    "sem aula",
    "não haverá aula",
    "kein unterricht",
    "keine vorlesung",
    "ferien",
    "pas de cours",
    "vacances",
    "férié",
    "휴강",
    "휴일",
    "放假",
    "停课",
    "假期",
];

pub(super) fn is_no_class(text: &str) -> bool {
    let lower = text.to_lowercase();
    let word_at = |at: usize, len: usize| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + len..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    };
    let listed = NO_CLASS.iter().any(|k| {
        // Words of scripts without spaces are found anywhere.
        lower
            .match_indices(k)
            .any(|(at, m)| !k.is_ascii() || word_at(at, m.len()))
    });
    // `No APSC 1001 today`, `No lab this week`.
    let no_today =
        lower.starts_with("no ") && (lower.contains("today") || lower.contains("this week"));
    listed || no_today
}

/// Whether `title` is only something due (`HW1 due`, `Due: Report`), not a
/// class that also mentions one (`Midterm review; HW1 due`): a class is
/// never dropped for the deadline beside it.
pub(super) fn is_deadline(title: &str) -> bool {
    let lower = title.to_lowercase();
    let whole = lower.trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '_');
    if ["due:", "deadline", "entrega", "abgabe"]
        .iter()
        .any(|p| whole.starts_with(p))
    {
        return true;
    }
    let parts: Vec<&str> = lower
        .split([';', ',', '|', '/', '+', '&'])
        .flat_map(|p| p.split(" - "))
        .flat_map(|p| p.split(" – "))
        .flat_map(|p| p.split(" and "))
        .map(|p| p.trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '_'))
        .filter(|p| !p.is_empty())
        .collect();
    !parts.is_empty() && parts.iter().all(|p| due(p))
}

fn due(part: &str) -> bool {
    let part = part.trim_end_matches(['.', '!', ' ']);
    part.ends_with(" due")
        || part.starts_with("due:")
        || part.starts_with("deadline")
        || part.starts_with("entrega")
        || part.starts_with("abgabe")
}

/// Kinds a session's text may start with: `Lecture 3: ...`, `Lab`.
const KINDS: &[&str] = &[
    "lecture",
    "class",
    "discussion",
    "lab",
    "seminar",
    "tutorial",
    "recitation",
    "section",
    "workshop",
    "exam",
    "midterm",
    "aula",
    "clase",
    "vorlesung",
    "übung",
    "cours",
    "séance",
];

/// The kind and written number a text starts with, and the rest.
pub(super) fn kind_of(text: &str) -> Option<(String, Option<u32>, String)> {
    let mut words = text.split_whitespace();
    let first = words.next()?;
    let word = first.trim_end_matches([':', '.', ',']);
    if !KINDS.iter().any(|k| word.eq_ignore_ascii_case(k)) {
        return None;
    }
    let mut rest: Vec<&str> = words.collect();
    let mut number = None;
    if first.len() == word.len() {
        if let Some(n) = rest.first().map(|w| w.trim_end_matches([':', '.', ','])) {
            if let Ok(n) = n.parse::<u32>() {
                number = Some(n);
                rest.remove(0);
            }
        }
    }
    let mut kind = word.to_owned();
    if let Some(c) = kind.get(..1) {
        kind = format!("{}{}", c.to_uppercase(), &kind[1..]);
    }
    let rest = rest.join(" ");
    let rest = rest
        .trim_start_matches([':', '-', '–', '—', ' '])
        .to_owned();
    Some((kind, number, rest))
}

/// Header names of a table's date column and of its topic column.
pub(super) const DATE_HEADERS: &[&str] = &[
    "date", "data", "fecha", "datum", "day", "dia", "día", "日期", "날짜", "when",
];
pub(super) const READING_HEADERS: &[&str] = &[
    "reading",
    "readings",
    "lecturas",
    "leituras",
    "leitura",
    "lektüre",
    "literatur",
    "lectures",
    "阅读",
    "읽기",
];
pub(super) const TOPIC_HEADERS: &[&str] = &[
    "topic",
    "session",
    "what",
    "activity",
    "description",
    "class",
    "aula",
    "clase",
    "thème",
    "topics",
    "title",
    "subject",
    "content",
    "lecture",
    "assunto",
    "tema",
    "tópico",
    "conteúdo",
    "thema",
    "inhalt",
    "sujet",
    "contenu",
    "主题",
    "内容",
    "주제",
];

pub(super) fn header_index(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let h = inline(h).text.to_lowercase();
        names.iter().any(|n| h == *n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test what makes a row a day without class, a deadline, or a kind.
    #[test]
    fn roles_and_kinds() {
        for text in [
            "Fall Break",
            "**Recesso**",
            "Thanksgiving, no class",
            "No APSC 1001 today",
            "_Labor Day_",
            "*reading day*",
            "国庆节放假",
        ] {
            assert!(is_no_class(text), "{text}");
        }
        for text in ["Breaking changes", "Git, Typescript", "Class overview"] {
            assert!(!is_no_class(text), "{text}");
        }
        assert!(is_deadline("**Quiz 1 Due**".trim_matches('*')));
        assert!(is_deadline("Due: Assignment 1"));
        assert!(!is_deadline("Due process in law"));
        assert!(!is_deadline("Midterm review; **HW1 due**"));
        assert!(!is_deadline("Lecture 5 - Project 1 due"));
        assert!(is_deadline("Quiz 2 due, HW3 due"));
        assert!(is_deadline("Deadline - Report 1"));
        assert_eq!(
            kind_of("Lecture 1: Introduction"),
            Some(("Lecture".into(), Some(1), "Introduction".into()))
        );
        assert_eq!(
            kind_of("Lecture  3"),
            Some(("Lecture".into(), Some(3), String::new()))
        );
        assert_eq!(kind_of("Julia tutorial"), None);
    }
}
