//! The schedule page: a pure function from a schedule to Jekyll Markdown.
//!
//! The layout is the course's hand-written page, reproduced byte for byte:
//! one `#` heading per session with date, time and zoom link, a Topic line,
//! a Reading material list, and `<br>`/`<hr>` between sessions. The feed and
//! the page are two renderings of one schedule, so they cannot drift.

use chrono::{Datelike, NaiveDate, NaiveTime};

use crate::error::{Diagnostic, Problem, Severity};
use crate::model::{Layout, Reading, Schedule, Session, Status};

/// Between two sessions, as on the course's page.
const SEPARATOR: &str = "\n<br>\n<hr>\n<br>\n";

/// Render the page. `subscribe` adds the subscribe block when the feed's
/// public URL is known.
pub fn render(schedule: &Schedule, subscribe: bool) -> String {
    render_with(schedule, subscribe, true)
}

/// Render the page, choosing whether to show the subscribe block and the
/// deadlines (the course's original page had neither).
pub fn render_with(schedule: &Schedule, subscribe: bool, deadlines_shown: bool) -> String {
    let mut out = String::new();
    if let Some(fm) = &schedule.page.front_matter {
        out.push_str("---\n");
        out.push_str(fm);
        out.push_str("---\n\n");
    }
    if subscribe {
        if let Some(block) = subscribe_block(schedule) {
            out.push_str(&block);
            out.push_str("\n\n");
        }
    }
    if let Some(intro) = &schedule.page.intro {
        out.push_str(intro);
        out.push_str("\n\n");
    }
    let mut blocks: Vec<String> = match schedule.page.layout {
        Layout::Sessions => schedule
            .sessions
            .iter()
            .filter(|s| !s.deadline)
            .map(session)
            .collect(),
        Layout::Modules => module_blocks(schedule),
    };
    let deadlines: Vec<&Session> = schedule.sessions.iter().filter(|s| s.deadline).collect();
    if deadlines_shown && !deadlines.is_empty() {
        blocks.push(deadline_list(&deadlines));
    }
    out.push_str(&blocks.join(SEPARATOR));
    out
}

/// `# Lecture Session 1: Sep. 28, 15:00-17:00 [[zoom](...)]` and its line break.
fn heading(s: &Session) -> String {
    let mut out = String::from("# ");
    let when = format!("{}, {}-{}", date(s.date), time(s.start), time(s.end));
    let name = match s.number {
        Some(n) => format!("{} Session {n}", text(&s.kind)),
        None => format!("{} Session", text(&s.kind)),
    };
    if s.status == Status::Cancelled {
        // Struck through with <del>, which every Markdown processor passes
        // through (`~~` needs a GFM extension), and said in words as well.
        out.push_str(&format!("<del>{name}: {when}</del> (cancelled)"));
    } else {
        out.push_str(&format!("{name}: {when}"));
        if s.status == Status::Tentative {
            out.push_str(" (tentative)");
        }
    }
    if !s.groups.is_empty() {
        let which = if s.groups.len() == 1 {
            "group"
        } else {
            "groups"
        };
        out.push_str(&format!(" ({which} {})", text(&s.groups.join(", "))));
    }
    if let Some(room) = &s.room {
        out.push_str(&format!(" @ {}", text(room)));
    }
    if let (Some(zoom), false) = (&s.zoom, s.status == Status::Cancelled) {
        out.push_str(&format!(" [[zoom]({})]", href(&target(zoom))));
    }
    for link in &s.links {
        out.push_str(&format!(
            " [[{}]({})]",
            text(&link.label),
            href(&target(&link.link))
        ));
    }
    out.push('\n');
    out
}

/// The "modules" layout: consecutive sessions of one module make one block,
/// `# title`, a `##` line per session, then the module's readings. A session
/// outside any module keeps the sessions layout's block.
fn module_blocks(schedule: &Schedule) -> Vec<String> {
    let sessions: Vec<&Session> = schedule.sessions.iter().filter(|s| !s.deadline).collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < sessions.len() {
        let Some(id) = &sessions[i].module else {
            blocks.push(session(sessions[i]));
            i += 1;
            continue;
        };
        let mut j = i;
        while j < sessions.len() && sessions[j].module.as_ref() == Some(id) {
            j += 1;
        }
        let module = schedule.modules.iter().find(|m| &m.id == id);
        let mut out = format!(
            "# {}\n",
            text(module.map_or(id.as_str(), |m| m.title.as_str()))
        );
        for s in &sessions[i..j] {
            out.push('#');
            out.push_str(&heading(s));
        }
        let readings: Vec<&Reading> = module
            .map(|m| m.readings.iter().collect())
            .unwrap_or_default();
        let (required, optional): (Vec<&Reading>, Vec<&Reading>) =
            readings.into_iter().partition(|r| !r.optional);
        out.push_str("#### **Required Reading**\n");
        if required.is_empty() {
            out.push_str("* TBA\n");
        }
        reading_items(&mut out, &required);
        if !optional.is_empty() {
            // A blank line ends the list: kramdown reads a heading right
            // after a list item as part of that item.
            out.push_str("\n#### **Optional Reading**\n");
            reading_items(&mut out, &optional);
        }
        blocks.push(out);
        i = j;
    }
    blocks
}

fn session(s: &Session) -> String {
    let mut out = heading(s);

    if let Some(topic) = &s.topic {
        out.push_str(&format!("#### **Topic: {}**\n", text(topic)));
    }
    if let Some(note) = &s.note {
        out.push_str(&format!(
            "#### **Note: {}**\n",
            text(&note.replace('\n', " "))
        ));
    }
    let (required, optional): (Vec<&Reading>, Vec<&Reading>) =
        s.readings.iter().partition(|r| !r.optional);
    out.push_str("#### **Reading material**\n");
    if required.is_empty() {
        out.push_str("* TBA\n");
    }
    reading_items(&mut out, &required);
    if !optional.is_empty() {
        out.push_str("\n#### **Optional reading**\n");
        reading_items(&mut out, &optional);
    }
    out
}

/// `# Deadlines`, then one item per deadline: date, time when it has one,
/// title and its link.
fn deadline_list(deadlines: &[&Session]) -> String {
    let mut out = String::from("# Deadlines\n");
    for d in deadlines {
        out.push_str(&format!("* {}", date(d.date)));
        if !d.all_day {
            out.push_str(&format!(", {}", time(d.start)));
        }
        out.push_str(&format!(
            ": {}",
            text(d.topic.as_deref().unwrap_or_default())
        ));
        for link in &d.links {
            out.push_str(&format!(
                " [[{}]({})]",
                text(&link.label),
                href(&target(&link.link))
            ));
        }
        out.push('\n');
    }
    out
}

fn reading_items(out: &mut String, readings: &[&Reading]) {
    for r in readings {
        out.push_str("* ");
        out.push_str(&text(&r.title));
        if let Some(link) = &r.url {
            out.push_str(&format!(
                " [[{}]({})]",
                reading_label(&link.url),
                href(&target(link))
            ));
        }
        for extra in &r.links {
            out.push_str(&format!(
                " [[{}]({})]",
                text(&extra.label),
                href(&target(&extra.link))
            ));
        }
        out.push('\n');
    }
}

/// What a reading's link leads to, as its label: `pdf` for a PDF (the
/// course page's own word), `arXiv`, `DOI`, else `web`.
fn reading_label(url: &str) -> &'static str {
    let Ok(u) = url::Url::parse(url) else {
        return "web";
    };
    let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
    if u.path().to_ascii_lowercase().ends_with(".pdf") {
        "pdf"
    } else if host == "arxiv.org" || host.ends_with(".arxiv.org") {
        "arXiv"
    } else if host == "doi.org" || host == "dx.doi.org" {
        "DOI"
    } else {
        "web"
    }
}

/// "Sep. 28", as the course writes dates; May needs no period.
fn date(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.", "Nov.",
        "Dec.",
    ];
    format!("{} {}", MONTHS[d.month0() as usize], d.day())
}

fn time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Text from the YAML, inert on a Jekyll page, which goes through Liquid
/// and then kramdown (GFM):
/// - braces become the entities `&#123;` and `&#125;`, so no `{{ }}`, `{% %}`
///   (Liquid, run first, on the raw text) nor `{: }` (a kramdown attribute
///   list, which could add `onmouseover=`) can form; a backslash would not
///   do, as Liquid does not know it;
/// - `&`, `<` and `>` become entities: HTML is shown, never interpreted;
/// - Markdown's inline marks (`* _ \ ` [ ] $ | ~`) are backslash-escaped,
///   so a bracket cannot open a link (`[x](javascript:...)`) and `$$` opens
///   no math block; a leading `#`, `-`, `+`, `=` or `>` starts no block;
/// - line breaks become spaces, and control characters are dropped.
///
/// So a topic can neither break the site's build nor put markup or script
/// on the course site; it reads exactly as written.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' | '_' | '\\' | '`' | '[' | ']' | '$' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\t' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    // At the start of a list item's text a block could begin: a heading,
    // a list (`-`, `+`, `1.`), a setext line, a definition (`:`).
    if out.starts_with(['#', '-', '+', '=', ':']) {
        out.insert(0, '\\');
    }
    let digits = out.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(out.as_bytes().get(digits), Some(b'.' | b')')) {
        out.insert(digits, '\\');
    }
    // A dropped control character can leave a blank at the end, and
    // `**Note: x **` would no longer close its strong emphasis.
    out.truncate(out.trim_end().len());
    out
}

/// Where a link on the page must point to lead where the feed's does.
///
/// The feed resolves a relative link against `course.url`; the page is
/// served elsewhere (under `permalink: /schedule/`, `papers/x.pdf` would be
/// `/schedule/papers/x.pdf`), so a relative link is written root-relative,
/// from the feed's resolved form: the path, query and fragment of the same
/// URL, on the course site's host. Absolute and root-relative links read
/// the same from any page, and are kept as written.
fn target(link: &crate::model::Link) -> std::borrow::Cow<'_, str> {
    let written = link.written.trim();
    let lower = written.get(..8).unwrap_or(written).to_ascii_lowercase();
    if written.starts_with('/') || lower.starts_with("http://") || lower.starts_with("https://") {
        return std::borrow::Cow::Borrowed(&link.written);
    }
    match url::Url::parse(&link.url) {
        Ok(u) => {
            let mut out = u.path().to_owned();
            if let Some(q) = u.query() {
                out.push('?');
                out.push_str(q);
            }
            if let Some(f) = u.fragment() {
                out.push('#');
                out.push_str(f);
            }
            std::borrow::Cow::Owned(out)
        }
        Err(_) => std::borrow::Cow::Borrowed(&link.url),
    }
}

/// A link destination inside `(...)`, so that any URL stays one link and
/// carries no template: characters kramdown or Liquid would read (`( ) < >
/// " { } \ `` ` `` and controls) are percent-encoded. Spaces and `'` are
/// kept as written, as the course's own page has them (kramdown reads such a
/// link whole), unless a space before a quote could start a link title: then
/// they are encoded too.
fn href(s: &str) -> String {
    let title_like = s.contains(" '") || s.contains(" \"");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' | ')' | '<' | '>' | '"' | '{' | '}' | '\\' | '`' | '|' | '$' | '*' | '_' | '~'
            | '[' | ']' => out.push_str(&format!("%{:02X}", c as u32)),
            ' ' | '\'' if title_like => out.push_str(&format!("%{:02X}", c as u32)),
            c if c.is_control() || c.is_whitespace() && c != ' ' => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// What a page rendered from `schedule` lacks to work on a Jekyll site,
/// and what to add; `subscribe` is whether the subscribe block was asked for.
/// Empty when nothing is missing.
pub fn advice(
    schedule: &Schedule,
    schedule_file: &std::path::Path,
    page: &std::path::Path,
    subscribe: bool,
) -> Vec<Diagnostic> {
    let page = page.display().to_string();
    let mut problems = Vec::new();
    if schedule.page.front_matter.is_none() {
        problems.push(Problem::PageWithoutFrontMatter(page.clone()));
    }
    if subscribe && schedule.feed.url.is_none() {
        problems.push(Problem::PageWithoutSubscribe(page));
    }
    problems
        .into_iter()
        .map(|p| Diagnostic::at(Severity::Warning, schedule_file, 0, p))
        .collect()
}

/// Everything but RFC 3986's unreserved characters, for a query value.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The "Subscribe" block: webcal for Apple Calendar and Thunderbird,
/// Google's and Outlook's subscribe-by-URL links, and the plain file.
pub fn subscribe_block(schedule: &Schedule) -> Option<String> {
    let feed = schedule.feed.url.as_ref()?;
    let mut out = subscribe_line(
        "**Subscribe to this schedule:**",
        feed.as_str(),
        &schedule.course.name,
    );
    // Then every feed for one audience: each group's, each declared one.
    let stem = feed_stem(feed);
    for extra in crate::audience::feeds(schedule, &stem) {
        if let Some(url) = &extra.schedule.feed.url {
            let name = &extra.schedule.course.name;
            out.push_str("<br>\n");
            out.push_str(&subscribe_line(
                &format!("**{}:**", text(name)),
                url.as_str(),
                name,
            ));
        }
    }
    Some(out)
}

/// The feed's file name without `.ics`: `schedule` for
/// `https://fid3024.github.io/schedule.ics`; extra feeds are named after it.
pub fn feed_stem(feed: &url::Url) -> String {
    let file = feed
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("");
    let file = percent_encoding::percent_decode_str(file).decode_utf8_lossy();
    file.strip_suffix(".ics").unwrap_or(&file).to_owned()
}

/// One feed four ways: webcal (Apple Calendar, Thunderbird), Google's and
/// Outlook's subscribe-by-URL links, and the plain file.
fn subscribe_line(label: &str, https: &str, name: &str) -> String {
    let webcal = format!(
        "webcal://{}",
        https.split_once("://").map_or(https, |(_, rest)| rest)
    );
    let enc = |s: &str| percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string();
    let google = format!(
        "https://calendar.google.com/calendar/render?cid={}",
        enc(&webcal)
    );
    let outlook = format!(
        "https://outlook.live.com/calendar/0/addfromweb?url={}&name={}",
        enc(https),
        enc(name)
    );
    format!(
        "{label} [Apple Calendar / Thunderbird]({}) · [Google Calendar]({}) · [Outlook]({}) · [.ics file]({})",
        href(&webcal),
        href(&google),
        href(&outlook),
        href(https)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test the course's date style, including May without a period.
    #[test]
    fn dates() {
        let d = |m, day| NaiveDate::from_ymd_opt(2020, m, day).expect("date");
        assert_eq!(date(d(9, 28)), "Sep. 28");
        assert_eq!(date(d(5, 4)), "May 4");
        assert_eq!(date(d(12, 14)), "Dec. 14");
    }

    // Test that HTML, Liquid, kramdown attribute lists and Markdown marks in
    // text are shown, not interpreted, and control characters dropped.
    #[test]
    fn text_is_inert() {
        assert_eq!(
            text("<script>alert(1)</script> & co"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
        );
        assert_eq!(
            text("{{ site.x }} {% include a %} *x*{: onclick=\"y\"}"),
            "&#123;&#123; site.x &#125;&#125; &#123;% include a %&#125; \\*x\\*&#123;: onclick=\"y\"&#125;"
        );
        assert_eq!(
            text("$$x$$ a_b `c` [d] |e| ~f~"),
            "\\$\\$x\\$\\$ a\\_b \\`c\\` \\[d\\] \\|e\\| \\~f\\~"
        );
        assert_eq!(text("# one\ntwo\u{1b}\u{7}\u{7f}\u{9b}"), "\\# one two");
        assert_eq!(text("2020. A year"), "2020\\. A year");
        assert_eq!(
            text("Don't Use Large Mini-Batches, etc."),
            "Don't Use Large Mini-Batches, etc."
        );
    }

    // Test that a relative link is written from the site's root, where the
    // feed's resolved link points, and absolute or root-relative ones as written.
    #[test]
    fn relative_links_are_written_from_the_site_root() {
        let link = |written: &str, url: &str| crate::model::Link {
            written: written.into(),
            url: url.into(),
        };
        let t = |w: &str, u: &str| target(&link(w, u)).into_owned();
        let base = "https://example.org/my-course/";
        assert_eq!(
            t("papers/x y.pdf", &format!("{base}papers/x%20y.pdf")),
            "/my-course/papers/x%20y.pdf"
        );
        assert_eq!(
            t("./a.pdf?v=1#p2", &format!("{base}a.pdf?v=1#p2")),
            "/my-course/a.pdf?v=1#p2"
        );
        assert_eq!(t("../b.pdf", "https://example.org/b.pdf"), "/b.pdf");
        assert_eq!(
            t("/papers/x y.pdf", "https://example.org/papers/x%20y.pdf"),
            "/papers/x y.pdf"
        );
        assert_eq!(
            t("HTTPS://other.org/x", "https://other.org/x"),
            "HTTPS://other.org/x"
        );
    }

    // Test that a link destination stays one link: the seed's spaces and
    // apostrophes are kept, anything that could end it, start a title or a
    // template is encoded.
    #[test]
    fn links_stay_one_link() {
        assert_eq!(
            href("/papers/2020 - Don't Use.pdf"),
            "/papers/2020 - Don't Use.pdf"
        );
        assert_eq!(href("/a (b).pdf"), "/a %28b%29.pdf");
        assert_eq!(href("/a 'b' c.pdf"), "/a%20%27b%27%20c.pdf");
        assert_eq!(href("/a \"b\".pdf"), "/a%20%22b%22.pdf");
        assert_eq!(href("/{{x}}\t\u{1b}.pdf"), "/%7B%7Bx%7D%7D%09%1B.pdf");
    }
}
