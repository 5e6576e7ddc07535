//! Feeds for one audience each, besides the course's feed: one per group
//! (section), with the group's sessions and everyone's, and the ones the
//! YAML declares under `audiences:` (deadlines only, lectures only...).
//!
//! A session keeps its UID in every feed it is in, so a student subscribed
//! to two of them sees one event, not two, in apps that merge by UID, and
//! moving between a group's feed and the whole course's changes nothing.

use url::Url;

use crate::model::{Audience, Schedule};

/// One extra feed: its file name (beside the course's feed) and its
/// schedule, the course's sessions it keeps under its own calendar name.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The file name, e.g. `schedule-lab-a.ics`.
    pub file: String,
    /// The calendar's name and the sessions, ready to render.
    pub schedule: Schedule,
}

/// The groups sessions are for, in the order they first appear.
pub fn groups(schedule: &Schedule) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in schedule.sessions.iter().flat_map(|s| &s.groups) {
        if !out.contains(g) {
            out.push(g.clone());
        }
    }
    out
}

/// The feed for a group is named after the course's: `schedule.ics` gives
/// `schedule-lab-a.ics` for group "Lab A".
pub fn group_file(stem: &str, group: &str) -> String {
    format!("{stem}-{}.ics", crate::validate::slug(group))
}

/// Every extra feed of `schedule`, whose own feed file has the stem `stem`
/// (`schedule` for `schedule.ics`): one per group, then the audiences.
pub fn feeds(schedule: &Schedule, stem: &str) -> Vec<Feed> {
    let per_group = groups(schedule).into_iter().map(|g| Audience {
        file: group_file(stem, &g),
        name: format!("{} ({g})", schedule.course.name),
        kinds: Vec::new(),
        groups: vec![g],
    });
    per_group
        .chain(schedule.audiences.iter().cloned())
        .map(|a| Feed {
            file: a.file.clone(),
            schedule: filtered(schedule, &a),
        })
        .collect()
}

/// The address of the extra feed `file`: the course's feed address with its
/// file name replaced, so both are served from one folder.
pub fn feed_url(schedule: &Schedule, file: &str) -> Option<Url> {
    schedule.feed.url.as_ref()?.join(file).ok()
}

fn filtered(schedule: &Schedule, audience: &Audience) -> Schedule {
    let mut s = schedule.clone();
    s.sessions.retain(|x| audience.includes(x));
    s.course.name.clone_from(&audience.name);
    s.feed.url = feed_url(schedule, &audience.file);
    s.audiences.clear();
    s
}
