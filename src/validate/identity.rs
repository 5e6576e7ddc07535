//! What makes events distinct: slugs for UIDs, duplicates and overlaps.

use super::*;

impl Validator<'_> {
    pub(super) fn duplicates(&mut self, sessions: &[Session]) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, s) in sessions.iter().enumerate() {
            if let Some(&first) = seen.get(s.uid.as_str()) {
                self.push_finding(Finding {
                    severity: Severity::Error,
                    path: format!("sessions[{i}]"),
                    session: Some(s.label()),
                    field: None,
                    problem: Problem::DuplicateSession {
                        uid: s.uid.clone(),
                        other: sessions[first].label(),
                        other_line: 0,
                    },
                    related: Some(format!("sessions[{first}]")),
                });
            } else {
                seen.insert(&s.uid, i);
            }
        }
    }

    /// Overlaps are legal (parallel labs exist) but usually a typo in a date.
    pub(super) fn overlaps(&mut self, sessions: &[Session]) {
        let mut order: Vec<usize> = (0..sessions.len())
            .filter(|&i| sessions[i].status != Status::Cancelled && !sessions[i].deadline)
            .collect();
        order.sort_by_key(|&i| (sessions[i].starts_at, i));
        let mut latest: Option<usize> = None;
        for &i in &order {
            let s = &sessions[i];
            if let Some(l) = latest {
                if sessions[l].ends_at > s.starts_at {
                    self.push_finding(Finding {
                        severity: Severity::Warning,
                        path: format!("sessions[{i}]"),
                        session: Some(s.label()),
                        field: None,
                        problem: Problem::Overlap {
                            other: sessions[l].label(),
                            other_line: 0,
                        },
                        related: Some(format!("sessions[{l}]")),
                    });
                }
            }
            if latest.is_none_or(|l| s.ends_at > sessions[l].ends_at) {
                latest = Some(i);
            }
        }
    }
}

impl Validator<'_> {
    /// Warn about a session listed after one that starts later: moved in
    /// time but not in the file, it would stand out of order on the page.
    /// Deadlines have their own list.
    pub(super) fn order(&mut self, sessions: &[Session]) {
        let mut latest: Option<usize> = None;
        for (i, s) in sessions.iter().enumerate().filter(|(_, s)| !s.deadline) {
            if let Some(l) = latest {
                if s.starts_at < sessions[l].starts_at {
                    self.push_finding(Finding {
                        severity: Severity::Warning,
                        path: format!("sessions[{i}]"),
                        session: Some(s.label()),
                        field: None,
                        problem: Problem::OutOfOrder {
                            date: s.date.to_string(),
                            other: sessions[l].label(),
                            other_line: 0,
                        },
                        related: Some(format!("sessions[{l}]")),
                    });
                    continue;
                }
            }
            latest = Some(i);
        }
    }
}

/// The part of a session's UID that names it: its explicit `id`, else its
/// kind and number (`lecture-3`). Empty when it has neither.
pub(super) fn session_key(id: Option<&str>, kind: &str, number: Option<u32>) -> String {
    match (id, number) {
        (Some(id), _) => slug(id),
        (None, Some(n)) => format!("{}-{n}", slug(kind)),
        (None, None) => String::new(),
    }
}

/// A session's UID: made from the course and the session's identity only,
/// never from its content or time, so that moving or retitling a session
/// updates the same calendar entry.
pub(super) fn session_uid(course_id: &str, key: &str) -> String {
    format!("{course_id}-{key}@coursefeed")
}

/// A deadline's UID, apart from every session's.
pub(super) fn deadline_uid(course_id: &str, key: &str) -> String {
    format!("{course_id}-deadline-{key}@coursefeed")
}

/// Lowercase letters and digits joined by single dashes: safe in a UID.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that slugs are stable, lowercase and dash-separated.
    #[test]
    fn slugs() {
        assert_eq!(slug("Lecture"), "lecture");
        assert_eq!(slug("  Guest Talk: Övning! "), "guest-talk-övning");
        assert_eq!(slug("FID3024 HT2020"), "fid3024-ht2020");
    }
}
