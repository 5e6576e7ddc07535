//! The files one course publishes: its feed, a feed per group and per
//! declared audience beside it, and its page. This is the one place that
//! says which they are and stages them; a single build and every kind of
//! folder build call it, so a course publishes the same files either way.

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Problem, Severity};
use crate::publish::{self, Contents, Outcome, Prepared, Previous};
use crate::{audience, Error, Schedule};

/// Where a course's files go once its feed's path is known.
#[derive(Debug, Clone)]
pub struct Outputs {
    /// The course's feed.
    pub feed: PathBuf,
    /// Each extra feed's path, with its calendar: groups first, then
    /// the declared audiences (`audiences:` in the YAML).
    pub extras: Vec<(PathBuf, audience::Feed)>,
    /// The page, when the course asks for one (`page.output`).
    pub page: Option<PathBuf>,
}

impl Outputs {
    /// The files `schedule` writes when its feed is `feed`: extra feeds are
    /// named after the feed's file (`db201.ics` gives `db201-lab-a.ics`)
    /// and stand beside it.
    pub fn of(schedule: &Schedule, feed: &Path) -> Outputs {
        let stem = feed
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let extras = audience::feeds(schedule, &stem)
            .into_iter()
            .map(|f| (feed.with_file_name(&f.file), f))
            .collect();
        Outputs {
            feed: feed.to_owned(),
            extras,
            page: schedule.page.output.clone(),
        }
    }

    /// Every file with what it is, to name it in an error: `feed`,
    /// ``feed `DB201 (Lab A)` ``, `page`, each followed by ``of `file` ``
    /// when `course` names the course's file (in a folder).
    pub fn roles(&self, course: Option<&Path>) -> Vec<(String, PathBuf)> {
        let of = course.map_or(String::new(), |c| format!(" of `{}`", c.display()));
        let mut out = vec![(format!("feed{of}"), self.feed.clone())];
        for (path, f) in &self.extras {
            out.push((
                format!("feed `{}`{of}", f.schedule.course.name),
                path.clone(),
            ));
        }
        out.extend(self.page.iter().map(|p| (format!("page{of}"), p.clone())));
        out
    }
}

/// One extra feed of a course (a group's, an audience's) once published.
#[derive(Debug, Clone)]
pub struct ExtraOutcome {
    /// The feed's file.
    pub feed: PathBuf,
    /// Its calendar name.
    pub name: String,
    /// How many events it holds.
    pub sessions: usize,
    /// What publishing it did.
    pub outcome: Outcome,
}

/// What publishing a course did to each of its files.
#[derive(Debug, Clone, Default)]
pub struct CourseOutcome {
    /// The feed's path.
    pub feed: PathBuf,
    /// The page's, when the course has one.
    pub page: Option<PathBuf>,
    /// The feed's (and the page's) outcome.
    pub outcome: Outcome,
    /// Each extra feed's.
    pub extras: Vec<ExtraOutcome>,
}

/// A course's files, rendered, compared with what is there and staged, not
/// yet in place: [`Prepared::commit_all`] puts them there with others.
#[derive(Debug)]
pub struct Staged {
    /// What publishing will have done once committed.
    pub outcome: CourseOutcome,
    /// The staged files.
    pub prepared: Vec<Prepared>,
    /// Each event's content as the course's feed has it, when the feed holds
    /// every session: a folder's combined feed is made from them.
    pub contents: Option<Contents>,
}

/// Stage every file of the course `schedule` (see [`Outputs::of`]): the
/// feed at `options.output` compared with `options.previous`, each extra
/// feed with its own previous version, and the page (`page.output`) with
/// the file there. An extra feed's previous version is the file in place,
/// or, when the feed's was named (`beside`: `--previous`, a copy or the
/// public address in CI), the file of its name beside that one: in CI the
/// group feeds keep their revisions as the course's feed does. Refuses
/// outputs that would meet each other.
pub fn stage(
    schedule: &Schedule,
    options: &publish::Options,
    beside: Option<&Path>,
) -> Result<Staged, Error> {
    let outputs = Outputs::of(schedule, options.output);
    // A feed alone cannot meet another file of its course.
    if !outputs.extras.is_empty() || outputs.page.is_some() {
        let roles = outputs.roles(None);
        let roles: Vec<(&str, &Path)> = roles
            .iter()
            .map(|(r, p)| (r.as_str(), p.as_path()))
            .collect();
        publish::check_distinct(&[], &roles)?;
    }
    let page = outputs.page.as_deref();
    let (first, contents) = publish::prepare_keeping(schedule, options, page)?;
    let mut outcome = CourseOutcome {
        feed: outputs.feed.clone(),
        page: page.map(Path::to_owned),
        outcome: first.outcome.clone(),
        extras: Vec::with_capacity(outputs.extras.len()),
    };
    let mut prepared = vec![first];
    for (path, f) in &outputs.extras {
        // Beside the feed's previous version when one was named (a copy,
        // or its public address in CI), else the file in place.
        let read;
        let previous = match (options.previous, beside) {
            (Previous::Fresh, _) => Previous::Fresh,
            (_, Some(from)) => {
                read = crate::previous::read_beside(from, &f.file)?;
                Previous::Read(read.as_ref())
            }
            _ => Previous::Output,
        };
        let extra = publish::Options {
            output: path,
            previous,
            ..*options
        };
        let p = publish::prepare(&f.schedule, &extra)?;
        outcome.extras.push(ExtraOutcome {
            feed: path.clone(),
            name: f.schedule.course.name.clone(),
            sessions: f.schedule.sessions.len(),
            outcome: p.outcome.clone(),
        });
        prepared.push(p);
    }
    Ok(Staged {
        outcome,
        prepared,
        contents,
    })
}

/// Publish every file of the course: all written, or none.
pub fn publish(
    schedule: &Schedule,
    options: &publish::Options,
    beside: Option<&Path>,
) -> Result<CourseOutcome, Error> {
    let staged = stage(schedule, options, beside)?;
    Prepared::commit_all(staged.prepared)?;
    Ok(staged.outcome)
}

/// A problem at `feed.url` of the course file `file` when it names another
/// file than `feed`, the one this build writes, and the course has a page:
/// its subscribe links (the feed's and, named after it, the groups') would
/// lead nowhere. (`feed.url` is used for nothing else.)
pub fn url_disagrees(
    schedule: &Schedule,
    file: &Path,
    feed: &Path,
    severity: Severity,
) -> Option<Diagnostic> {
    schedule.page.output.as_ref()?;
    let url = schedule.feed.url.as_ref()?;
    let named = crate::page::feed_stem(url);
    let written = feed.file_stem()?.to_string_lossy();
    (named != written).then(|| {
        crate::locate::at_field(
            file,
            "feed.url",
            severity,
            Problem::FeedUrlNamesOtherFile {
                named: format!("{named}.ics"),
                written: format!("{written}.ics"),
            },
        )
    })
}
