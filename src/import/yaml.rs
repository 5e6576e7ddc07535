//! The schedule YAML an import writes: the page's sessions, modules and
//! settings in the format `check` reads.

use chrono::NaiveTime;
use serde::Serialize;

use super::found::{OutLink, OutReading, PageModule, PageSession};
use super::Options;

#[derive(Debug, Serialize)]
pub(super) struct OutSchedule {
    pub(super) course: OutCourse,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) feed: Option<OutFeed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) page: Option<OutPage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) modules: Vec<OutModule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) defaults: Option<OutSession>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) holidays: Vec<OutDated>,
    pub(super) sessions: Vec<OutSession>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) deadlines: Vec<OutDated>,
}

/// A holiday (`name`) or a deadline (`title`) and its date.
#[derive(Debug, Serialize)]
pub(super) struct OutDated {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) title: Option<String>,
    pub(super) date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct OutCourse {
    pub(super) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) id: Option<String>,
    pub(super) timezone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) url: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct OutModule {
    pub(super) id: String,
    pub(super) title: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) readings: Vec<OutReading>,
}

#[derive(Debug, Serialize)]
pub(super) struct OutFeed {
    pub(super) url: String,
}

#[derive(Debug, Serialize)]
pub(super) struct OutPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) layout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) front_matter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) intro: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub(super) struct OutSession {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) number: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) topic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) zoom: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) room: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) readings: Option<Vec<OutReading>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) links: Option<Vec<OutLink>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) module: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) groups: Option<Vec<String>>,
}

/// The value every session shares, if they all have the same one.
pub(super) fn shared<T: Clone + PartialEq>(values: impl Iterator<Item = Option<T>>) -> Option<T> {
    let mut first: Option<Option<T>> = None;
    for v in values {
        match &first {
            None => first = Some(v),
            Some(f) if *f != v => return None,
            Some(_) => {}
        }
    }
    first.flatten()
}

/// What a page holds besides its sessions and modules.
#[derive(Debug, Default)]
pub(super) struct Extras {
    /// Days without class: date, name.
    pub(super) holidays: Vec<(chrono::NaiveDate, String)>,
    /// Dated items due: date, title.
    pub(super) deadlines: Vec<(chrono::NaiveDate, String)>,
}

/// The page's own parts, besides its sessions and modules.
#[derive(Debug, Default)]
pub(super) struct PageParts {
    pub(super) front_matter: Option<String>,
    pub(super) intro: Vec<String>,
    pub(super) title: Option<String>,
    pub(super) permalink: Option<String>,
    pub(super) extras: Extras,
}

pub(super) fn to_schedule(
    page: PageParts,
    modules: &[PageModule],
    sessions: Vec<PageSession>,
    options: &Options,
) -> OutSchedule {
    let PageParts {
        front_matter,
        intro,
        title,
        permalink,
        extras,
    } = page;
    let hhmm = |t: NaiveTime| t.format("%H:%M").to_string();
    // Values all sessions share go to `defaults:`, as staff would write them.
    let start = shared(sessions.iter().map(|s| s.start.map(hhmm)));
    let end = shared(sessions.iter().map(|s| s.end.map(hhmm)));
    let zoom = shared(sessions.iter().map(|s| s.zoom.clone()));
    let page_url = match (&options.url, &permalink) {
        (Some(base), Some(p)) => url::Url::parse(base)
            .and_then(|b| b.join(p))
            .ok()
            .map(String::from),
        _ => None,
    };
    let defaults = OutSession {
        start: start.clone(),
        end: end.clone(),
        zoom: zoom.clone(),
        url: page_url,
        ..OutSession::default()
    };
    let has_defaults =
        defaults.start.is_some() || defaults.zoom.is_some() || defaults.url.is_some();
    let out_sessions = out_sessions(sessions, &defaults);
    let (holidays, deadlines) = dated(extras);
    let (out_modules, page) = out_page(modules, front_matter, intro, options);
    OutSchedule {
        modules: out_modules,
        course: OutCourse {
            name: options
                .name
                .clone()
                .or(title)
                .unwrap_or_else(|| "Course".into()),
            id: options.id.clone(),
            timezone: options
                .timezone
                .clone()
                .unwrap_or_else(|| super::DEFAULT_TIMEZONE.into()),
            url: options.url.clone(),
        },
        // The subscribe block needs the feed's address; a relative one
        // needs the course site.
        feed: options.url.as_ref().map(|_| OutFeed {
            url: super::DEFAULT_FEED_URL.into(),
        }),
        page,
        defaults: has_defaults.then_some(defaults),
        holidays,
        sessions: out_sessions,
        deadlines,
    }
}

/// The sessions as the YAML lists them, leaving out what `defaults` says.
fn out_sessions(sessions: Vec<PageSession>, defaults: &OutSession) -> Vec<OutSession> {
    let hhmm = |t: NaiveTime| t.format("%H:%M").to_string();
    sessions
        .into_iter()
        .map(|s| OutSession {
            kind: Some(s.kind),
            number: s.number,
            date: s.date.map(|d| d.format("%Y-%m-%d").to_string()),
            start: s
                .start
                .map(hhmm)
                .filter(|v| Some(v) != defaults.start.as_ref()),
            end: s.end.map(hhmm).filter(|v| Some(v) != defaults.end.as_ref()),
            topic: s.topic,
            zoom: s.zoom.filter(|z| Some(z) != defaults.zoom.as_ref()),
            room: s.room,
            url: None,
            status: s.status.map(str::to_owned),
            note: (!s.notes.is_empty()).then(|| s.notes.join("\n")),
            readings: (!s.readings.is_empty()).then_some(s.readings),
            links: (!s.links.is_empty()).then_some(s.links),
            module: s.module.map(|m| format!("m{}", m + 1)),
            groups: (!s.groups.is_empty()).then_some(s.groups),
        })
        .collect()
}

/// The page's holidays (`name`) and deadlines (`title`) as the YAML lists them.
fn dated(extras: Extras) -> (Vec<OutDated>, Vec<OutDated>) {
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let holidays = extras
        .holidays
        .into_iter()
        .map(|(d, name)| OutDated {
            title: None,
            date: day(d),
            name: (!name.is_empty()).then_some(name),
        })
        .collect();
    let deadlines = extras
        .deadlines
        .into_iter()
        .map(|(d, title)| OutDated {
            title: Some(title),
            date: day(d),
            name: None,
        })
        .collect();
    (holidays, deadlines)
}

/// The modules that have sessions, and the page's settings when the page
/// needs any (its front matter, introduction, module layout or output).
fn out_page(
    modules: &[PageModule],
    front_matter: Option<String>,
    intro: Vec<String>,
    options: &Options,
) -> (Vec<OutModule>, Option<OutPage>) {
    let intro = intro.join("\n").trim().to_owned();
    let used: Vec<usize> = (0..modules.len())
        .filter(|&m| modules[m].sessions > 0)
        .collect();
    let out_modules: Vec<OutModule> = used
        .iter()
        .map(|&m| OutModule {
            id: format!("m{}", m + 1),
            title: modules[m].title.clone(),
            readings: modules[m].readings.clone(),
        })
        .collect();
    let layout = (!out_modules.is_empty()).then(|| "modules".to_owned());
    let output = options.page_output.clone();
    let wanted =
        front_matter.is_some() || !intro.is_empty() || layout.is_some() || output.is_some();
    let page = wanted.then(|| OutPage {
        output,
        layout,
        front_matter,
        intro: (!intro.is_empty()).then_some(intro),
    });
    (out_modules, page)
}
