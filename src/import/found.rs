//! What an import found on a page: sessions, modules, readings and links,
//! before they are written as YAML. Every other module of the import
//! reads or writes these; none of them is read by this one.

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

/// Month, day and the year when the page writes one.
pub(super) type MonthDay = (u32, u32, Option<i32>);

#[derive(Debug, Default)]
pub(super) struct PageSession {
    pub(super) kind: String,
    pub(super) number: Option<u32>,
    pub(super) month_day: Option<MonthDay>,
    pub(super) date: Option<NaiveDate>,
    pub(super) start: Option<NaiveTime>,
    pub(super) end: Option<NaiveTime>,
    pub(super) zoom: Option<String>,
    pub(super) room: Option<String>,
    pub(super) status: Option<&'static str>,
    pub(super) topic: Option<String>,
    pub(super) readings: Vec<OutReading>,
    pub(super) links: Vec<OutLink>,
    pub(super) notes: Vec<String>,
    /// The groups it is for, from `(group A)` or `(groups A, B)`.
    pub(super) groups: Vec<String>,
    /// The index of the module it is listed under, in the module layout.
    pub(super) module: Option<usize>,
    /// Its line on the page.
    pub(super) line: usize,
}

/// A module heading of the page and the readings listed under it.
#[derive(Debug)]
pub(super) struct PageModule {
    pub(super) line: usize,
    pub(super) raw: String,
    pub(super) title: String,
    pub(super) readings: Vec<OutReading>,
    pub(super) sessions: usize,
    pub(super) before_sessions: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct OutReading {
    pub(super) title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) links: Option<Vec<OutLink>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) optional: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct OutLink {
    pub(super) label: String,
    pub(super) url: String,
}
