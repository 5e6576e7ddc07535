//! The settled candidates as the page's sessions, holidays and deadlines.

use chrono::{NaiveDate, NaiveTime};

use super::roles::kind_of;
use super::{problem, Candidate, Dated, Given, Role};
use crate::import::found::{OutLink, OutReading, PageSession};

/// A link as the YAML writes it: absolute against `--url`; None when it
/// cannot be (relative without `--url`, or Liquid).
fn absolute(href: &str, base: Option<&url::Url>) -> Option<String> {
    if href.contains("{{") || href.contains("{%") || href.starts_with('#') || href.is_empty() {
        return None;
    }
    match url::Url::parse(href) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Some(u.to_string()),
        Ok(_) => None,
        Err(_) => base.and_then(|b| b.join(href).ok()).map(String::from),
    }
}

/// The sessions, holidays and deadlines in date order, sessions numbered
/// by their place among the sessions of their kind.
pub(super) fn into_sessions(found: Vec<Candidate>, given: &Given, out: &mut Dated) {
    let mut seen: Vec<(NaiveDate, String, Option<NaiveTime>, usize)> = Vec::new();
    let mut dropped_links: Option<(usize, usize)> = None;
    let mut sessions: Vec<PageSession> = Vec::new();
    for c in found {
        let Some(date) = c.date else { continue };
        match c.role {
            Role::Holiday => {
                if !out.holidays.iter().any(|(d, _)| *d == date) {
                    out.holidays.push((date, c.title.clone()));
                }
                continue;
            }
            Role::Deadline => {
                if !c.title.is_empty()
                    && !out
                        .deadlines
                        .iter()
                        .any(|(d, t)| *d == date && *t == c.title)
                {
                    out.deadlines.push((date, c.title.clone()));
                }
                continue;
            }
            Role::Session => {}
        }
        let start = c.time.map(|t| t.0);
        if let Some(first) = seen
            .iter()
            .find(|s| s.0 == date && s.1 == c.title && s.2 == start)
        {
            out.warnings.push((
                c.line,
                problem(
                    format!(
                        "the same session as line {}, left out (is the page pasted twice?)",
                        first.3
                    ),
                    None,
                ),
            ));
            continue;
        }
        seen.push((date, c.title.clone(), start, c.line));
        let (kind, number, topic) = kind_number_topic(&c);
        let (links, readings) = links_and_readings(&c, given, &mut dropped_links);
        sessions.push(PageSession {
            kind,
            number,
            date: Some(date),
            start,
            end: c.time.and_then(|t| t.1),
            topic: (!topic.is_empty()).then_some(topic),
            links,
            readings,
            status: c.cancelled.then_some("cancelled"),
            line: c.line,
            ..PageSession::default()
        });
    }
    if let Some((line, n)) = dropped_links {
        out.warnings.push((
            line,
            problem(
                match n {
                    1 => "a relative link left out, at this line".to_owned(),
                    n => format!("{n} relative links left out, the first at this line"),
                },
                Some("give --url with the course site to keep them".into()),
            ),
        ));
    }
    sessions.sort_by_key(|s| (s.date, s.start));
    out.holidays.sort();
    out.deadlines.sort();
    out.sessions = sessions;
}

/// A session's kind, its written number and its topic: from the words
/// before its date, or the start of its title, or `Class`; the topic is
/// what remains, or the line under its heading.
fn kind_number_topic(c: &Candidate) -> (String, Option<u32>, String) {
    // `Lecture 3 (Sep 7)`, `Lecture 3: Sep 7, Intro`, `Sep 7: Lecture 3: Intro`.
    let (kind, number, topic) = kind_of(&c.lead)
        .map(|(k, n, rest)| {
            let after = c.title.strip_prefix(&c.lead).unwrap_or(&c.title);
            let after = after.trim_start_matches([':', ' ']);
            let topic = [rest.as_str(), after].into_iter().find(|t| !t.is_empty());
            (
                k,
                n,
                topic
                    .map(str::to_owned)
                    .or(c.body.clone())
                    .unwrap_or_default(),
            )
        })
        // A title's first word is its kind when a number or a colon
        // follows (`Lecture 3: Trees`, `Lab: Git`), not `Workshop days`.
        .or_else(|| {
            kind_of(&c.title).filter(|(k, n, rest)| {
                let after = c.title.get(k.len()..).unwrap_or("").trim_start();
                n.is_some() || rest.is_empty() || after.starts_with(':')
            })
        })
        .unwrap_or_else(|| {
            let topic = if c.title.is_empty() {
                c.body.clone().unwrap_or_default()
            } else {
                c.title.clone()
            };
            ("Class".to_owned(), None, topic)
        });
    let topic = topic
        .trim()
        .trim_start_matches(['-', ':', ' '])
        .trim()
        .to_owned();
    let topic = match (topic.is_empty(), &c.body) {
        (true, Some(body)) => body.clone(),
        _ => topic,
    };
    (kind, number, topic)
}

/// A session's links and readings, absolute against `--url`; relative
/// ones without it are counted in `dropped` (first line, count).
fn links_and_readings(
    c: &Candidate,
    given: &Given,
    dropped: &mut Option<(usize, usize)>,
) -> (Vec<OutLink>, Vec<OutReading>) {
    let dropped_links = dropped;
    let mut links = Vec::new();
    for (label, href) in &c.links {
        match absolute(href, given.url.as_ref()) {
            Some(url) => links.push(OutLink {
                label: if label.is_empty() {
                    "link".into()
                } else {
                    label.clone()
                },
                url,
            }),
            None if url::Url::parse(href).is_err()
                && given.url.is_none()
                && !href.contains("{{") =>
            {
                let d = dropped_links.get_or_insert((c.line, 0));
                d.1 += 1;
            }
            None => {}
        }
    }
    let mut readings = Vec::new();
    for (title, href) in &c.readings {
        let url = match href {
            Some(h) => match absolute(h, given.url.as_ref()) {
                Some(url) => Some(url),
                None => {
                    if url::Url::parse(h).is_err() && given.url.is_none() {
                        dropped_links.get_or_insert((c.line, 0)).1 += 1;
                    }
                    None
                }
            },
            None => None,
        };
        let title = if title.is_empty() {
            "Reading".to_owned()
        } else {
            title.clone()
        };
        readings.push(OutReading {
            title,
            url,
            links: None,
            optional: None,
        });
    }
    (links, readings)
}
