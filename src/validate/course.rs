//! The course, feed and page settings, modules, and zone names.

use super::links::resolve_url;
use super::*;

impl Validator<'_> {
    pub(super) fn course(&mut self, raw: crate::load::RawCourse) -> Option<Course> {
        let name = self.required(raw.name.as_ref(), "course", "course.name");
        let timezone = match raw.timezone.as_ref() {
            Some(tz) => self.timezone(tz, "course.timezone", "course.timezone"),
            None => {
                self.error(
                    "course",
                    "timezone",
                    Problem::MissingField("timezone".into()),
                );
                None
            }
        };
        let url = raw
            .url
            .as_ref()
            .and_then(|u| self.url(u, "course.url", "course.url", None));
        let name = name?.as_str().to_owned();
        let id = match raw.id.as_ref() {
            Some(id) => slug(id.as_str()),
            None => slug(&name),
        };
        let timezone = match timezone {
            Some(zone) => zone,
            // Reported above; the sessions are still checked (see `stand_in_zone`).
            None => {
                self.stand_in_zone = true;
                self.tz.zone("UTC")?
            }
        };
        Some(Course {
            id: if id.is_empty() { "course".into() } else { id },
            name,
            timezone,
            url,
        })
    }

    pub(super) fn feed(
        &mut self,
        raw: Option<crate::load::RawFeed>,
        base: Option<&Url>,
        course_ok: bool,
    ) -> FeedSettings {
        let mut settings = FeedSettings::default();
        let Some(raw) = raw else {
            return settings;
        };
        if let Some(url) = &raw.url {
            settings.url = match (base, resolve_url(url.as_str(), None)) {
                // The course failed (a misspelled zone...): its url may be
                // fine, so a relative feed.url is not blamed on it. That
                // error is reported; this would only follow from it.
                (None, Err(Problem::RelativeWithoutBase(_))) if !course_ok => None,
                _ => self.url(url, "feed.url", "feed.url", base),
            };
        }
        if let Some(days) = raw.keep_days {
            match days.as_str().parse::<u32>() {
                Ok(n) if n > 0 => settings.keep_days = Some(n),
                _ => self.error(
                    "feed.keep_days",
                    "feed.keep_days",
                    Problem::BadNumber(days.as_str().into()),
                ),
            }
        }
        if let Some(refresh) = raw.refresh {
            match parse_refresh(refresh.as_str()) {
                Some(d) => settings.refresh = d,
                None => self.error(
                    "feed.refresh",
                    "feed.refresh",
                    Problem::BadRefresh(refresh.as_str().into()),
                ),
            }
        }
        settings
    }

    pub(super) fn page(&mut self, raw: Option<crate::load::RawPage>) -> PageSettings {
        let mut settings = PageSettings::default();
        let Some(raw) = raw else {
            return settings;
        };
        if let Some(fm) = raw.front_matter {
            // Verbatim: the block's own line breaks, with exactly one at the end.
            let text = fm.0.trim_end_matches('\n');
            if !text.trim().is_empty() {
                settings.front_matter = Some(format!("{text}\n"));
            }
        }
        settings.intro = raw
            .intro
            .map(|i| i.0.trim().to_owned())
            .filter(|i| !i.is_empty());
        if let Some(sub) = raw.subscribe {
            match sub.as_str().to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" => settings.subscribe = true,
                "false" | "no" | "off" => settings.subscribe = false,
                other => self.error(
                    "page.subscribe",
                    "page.subscribe",
                    Problem::Shape(format!("`{other}` is not true or false")),
                ),
            }
        }
        if let Some(layout) = raw.layout {
            match layout.as_str().to_ascii_lowercase().as_str() {
                "sessions" | "seed" => settings.layout = crate::model::Layout::Sessions,
                "modules" => settings.layout = crate::model::Layout::Modules,
                other => self.error(
                    "page.layout",
                    "page.layout",
                    Problem::Shape(format!(
                        "`{other}` is not a layout: use sessions or modules"
                    )),
                ),
            }
        }
        settings.output = raw
            .output
            .map(|o| std::path::PathBuf::from(o.as_str()))
            .filter(|p| !p.as_os_str().is_empty());
        settings
    }

    pub(super) fn modules(
        &mut self,
        course: &Course,
        raw: Vec<crate::load::RawModule>,
    ) -> Vec<Module> {
        let base = course.url.as_ref();
        let mut out: Vec<Module> = Vec::with_capacity(raw.len());
        for (i, m) in raw.into_iter().enumerate() {
            let at = |field: &str| format!("modules[{i}].{field}");
            let id = self
                .required(m.id.as_ref(), &format!("modules[{i}]"), "id")
                .map(|v| v.as_str().to_owned());
            let title = self
                .required(m.title.as_ref(), &format!("modules[{i}]"), "title")
                .map(|v| v.as_str().to_owned());
            let readings = self.reading_list(m.readings.unwrap_or_default(), base, |j, rest| {
                format!("modules[{i}].readings[{j}]{rest}")
            });
            if let Some(id) = &id {
                if out.iter().any(|o| &o.id == id) {
                    self.error(
                        at("id"),
                        "id",
                        Problem::Shape(format!("module `{id}` is defined twice")),
                    );
                    continue;
                }
            }
            if let (Some(id), Some(title), Some(readings)) = (id, title, readings) {
                out.push(Module {
                    id,
                    title,
                    readings,
                });
            }
        }
        out
    }

    pub(super) fn timezone(
        &mut self,
        value: &Scalar,
        path: impl Place,
        field: &str,
    ) -> Option<Zone> {
        let name = value.as_str();
        match self.tz.zone(name) {
            Some(zone) => Some(zone),
            None => {
                let names = self.zone_names.get_or_insert_with(|| self.tz.names());
                let suggestion = closest(name, names.iter().map(String::as_str));
                self.error(
                    path,
                    field,
                    Problem::UnknownTimeZone {
                        name: name.into(),
                        suggestion,
                    },
                );
                None
            }
        }
    }
}

/// `30m`, `12h` or `1d`.
pub(super) fn parse_refresh(s: &str) -> Option<chrono::Duration> {
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = n.parse().ok().filter(|&n| n > 0)?;
    match unit.trim() {
        "m" | "min" => chrono::Duration::try_minutes(n),
        "h" => chrono::Duration::try_hours(n),
        "d" => chrono::Duration::try_days(n),
        _ => None,
    }
}

impl Validator<'_> {
    /// The feeds for one audience each: a file name beside the course's
    /// feed, a calendar name, and the kinds and groups they keep.
    pub(super) fn audiences(&mut self, raw: Vec<crate::load::RawAudience>) -> Vec<model::Audience> {
        let mut out: Vec<model::Audience> = Vec::new();
        for (i, a) in raw.into_iter().enumerate() {
            let at = format!("audiences[{i}]");
            let file = self
                .required(a.file.as_ref(), &at, "file")
                .map(|f| f.as_str().to_owned());
            let name = self
                .required(a.name.as_ref(), &at, "name")
                .map(|n| n.as_str().to_owned());
            let (Some(file), Some(name)) = (file, name) else {
                continue;
            };
            let plain = !file.contains(['/', '\\']) && file.len() > 4 && file.ends_with(".ics");
            if !plain {
                self.error(join(&at, "file"), "file", Problem::BadFeedFile(file));
                continue;
            }
            if out.iter().any(|o| o.file.eq_ignore_ascii_case(&file)) {
                self.error(join(&at, "file"), "file", Problem::FeedFileTaken(file));
                continue;
            }
            out.push(model::Audience {
                file,
                name,
                kinds: super::session::texts(a.kinds),
                groups: super::session::texts(a.groups),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that refresh intervals read as minutes, hours and days.
    #[test]
    fn refresh() {
        assert_eq!(parse_refresh("12h"), Some(chrono::Duration::hours(12)));
        assert_eq!(parse_refresh("30m"), Some(chrono::Duration::minutes(30)));
        assert_eq!(parse_refresh("1d"), Some(chrono::Duration::days(1)));
        assert_eq!(parse_refresh("0h"), None);
        assert_eq!(parse_refresh("h"), None);
        assert_eq!(parse_refresh("12 weeks"), None);
    }
}
