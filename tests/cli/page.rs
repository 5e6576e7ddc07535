//! The schedule page: the seed reproduced byte for byte, the subscribe
//! block, cancelled sessions, and `build` writing feed and page together.

use crate::common;

use std::path::Path;

use crate::common::{read, root, run, seed};

fn course_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    common::shipped_schedule_in(dir.path());
    dir
}

/// Import `page.md` in `dir` back to `back.yaml`, and load it.
fn import_back(dir: &Path) -> coursefeed::Schedule {
    let o = run(
        dir,
        &[
            "import",
            "page.md",
            "--year",
            "2020",
            "--url",
            "https://fid3024.github.io/",
            "-o",
            "back.yaml",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    coursefeed::load_path(&dir.join("back.yaml"), common::tzdb())
        .expect("valid")
        .schedule
}

// Test that the page rendered from data/schedule.yaml without the subscribe
// block is the course's page, byte for byte.
#[test]
fn renders_the_seed_byte_for_byte() {
    let dir = course_dir();
    let out = run(
        dir.path(),
        &[
            "page",
            "schedule.yaml",
            "-o",
            "page.md",
            "--no-subscribe",
            "--no-deadlines",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read(&dir.path().join("page.md")), read(&seed()));
}

/// The value of query parameter `key` in `url`, decoded.
fn query(url: &str, key: &str) -> String {
    let u = url::Url::parse(url).expect("url");
    u.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .expect(key)
}

// Test that the subscribe block sits between front matter and the first
// session, and that each app's link leads to the feed's public URL.
#[test]
fn subscribe_block_links() {
    let dir = course_dir();
    assert!(run(dir.path(), &["page", "schedule.yaml", "-o", "page.md"])
        .status
        .success());
    let page = read(&dir.path().join("page.md"));
    let (head, rest) = page
        .split_once("**Subscribe to this schedule:** ")
        .expect("block");
    assert!(head.ends_with("permalink: /schedule/\n---\n\n"), "{head}");
    let line = rest.lines().next().expect("line");
    assert!(rest.starts_with(&format!("{line}\n\n# Lecture Session 1: Sep. 28")));
    let links: Vec<&str> = line
        .split("](")
        .skip(1)
        .map(|s| s.split(')').next().expect("target"))
        .collect();
    assert_eq!(links.len(), 4, "{line}");
    let feed = "https://fid3024.github.io/schedule.ics";
    assert_eq!(links[0], "webcal://fid3024.github.io/schedule.ics");
    assert!(links[1].starts_with("https://calendar.google.com/calendar/render?"));
    assert_eq!(
        query(links[1], "cid"),
        "webcal://fid3024.github.io/schedule.ics"
    );
    assert!(links[2].starts_with("https://outlook.live.com/calendar/0/addfromweb?"));
    assert_eq!(query(links[2], "url"), feed);
    assert_eq!(
        query(links[2], "name"),
        "FID3024 Systems for Scalable Machine Learning"
    );
    assert_eq!(links[3], feed);
    // Everything after the block is the seed's body, then the deadlines.
    let body = format!("{head}{}", &rest[line.len() + 2..]);
    let (sessions, deadlines) = body
        .split_once("\n<br>\n<hr>\n<br>\n# Deadlines\n")
        .expect("deadlines");
    assert_eq!(sessions, read(&seed()));
    assert!(
        deadlines.starts_with("* Oct. 12: Report 1\n")
            && deadlines.ends_with("* Dec. 18: Report 6\n"),
        "{deadlines}"
    );
}

// Test that cancelled and tentative sessions say so on the page, and HTML in text is inert.
#[test]
fn cancelled_and_escaped() {
    let dir = course_dir();
    let p = dir.path().join("schedule.yaml");
    let yaml = read(&p)
        .replacen(
            "date: 2020-10-19\n",
            "date: 2020-10-19\n    status: cancelled\n",
            1,
        )
        .replacen(
            "date: 2020-10-26\n",
            "date: 2020-10-26\n    status: tentative\n    room: \"<b>Sal C</b>\"\n",
            1,
        );
    std::fs::write(&p, yaml).expect("write");
    assert!(run(dir.path(), &["page", "schedule.yaml", "-o", "page.md"])
        .status
        .success());
    let page = read(&dir.path().join("page.md"));
    assert!(
        page.contains("\n# <del>Discussion Session 2: Oct. 19, 15:00-17:00</del> (cancelled)\n"),
        "{page}"
    );
    // Importing the page gives the statuses back.
    std::fs::write(dir.path().join("page.md"), &page).expect("write");
    let back = import_back(dir.path());
    assert_eq!(
        back.sessions[3].status,
        coursefeed::model::Status::Cancelled
    );
    assert_eq!(
        back.sessions[4].status,
        coursefeed::model::Status::Tentative
    );
    assert_eq!(
        back.sessions[4].room.as_deref(),
        Some("<b>Sal C</b>"),
        "the page's escaping is undone on import"
    );
    assert!(page.contains("\n# Lecture Session 3: Oct. 26, 15:00-17:00 (tentative) @ &lt;b&gt;Sal C&lt;/b&gt; [[zoom](https://kth-se.zoom.us/j/2884945301)]\n"));
}

// Test that build writes feed and page in one run, rewrites neither when
// nothing changed, and on an error writes neither.
#[test]
fn build_writes_both_or_neither() {
    let dir = course_dir();
    let out = run(dir.path(), &["build", "schedule.yaml"]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        stdout.ends_with("public/schedule.md: page (written)\n"),
        "{stdout}"
    );
    let feed = read(&dir.path().join("public/schedule.ics"));
    let page = read(&dir.path().join("public/schedule.md"));
    assert!(page.contains("**Subscribe to this schedule:**"));
    assert_eq!(common::parse(&feed).len(), 18);

    let out = run(dir.path(), &["build", "schedule.yaml"]);
    assert!(String::from_utf8(out.stdout)
        .expect("utf8")
        .ends_with("public/schedule.md: page (unchanged, not rewritten)\n"));

    let p = dir.path().join("schedule.yaml");
    std::fs::write(
        &p,
        read(&p)
            .replacen(
                "topic: \"Distributed learning: data-parallelization\"",
                "topic: New topic",
                1,
            )
            .replacen("date: 2020-10-26", "date: 2020-10-32", 1),
    )
    .expect("write");
    let out = run(dir.path(), &["build", "schedule.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&dir.path().join("public/schedule.ics")), feed);
    assert_eq!(read(&dir.path().join("public/schedule.md")), page);
}

// Test that session links appear in the heading after the zoom link, and
// import reads them back as links.
#[test]
fn session_links_in_heading() {
    let dir = course_dir();
    let p = dir.path().join("schedule.yaml");
    std::fs::write(&p, read(&p).replacen("date: 2020-10-12\n", "date: 2020-10-12\n    links:\n      - {label: slides, url: /slides/l2.pdf}\n      - {label: video, url: https://play.kth.se/l2}\n", 1)).expect("write");
    assert!(run(dir.path(), &["page", "schedule.yaml", "-o", "page.md"])
        .status
        .success());
    let page = read(&dir.path().join("page.md"));
    assert!(page.contains("\n# Lecture Session 2: Oct. 12, 15:00-17:00 [[zoom](https://kth-se.zoom.us/j/2884945301)] [[slides](/slides/l2.pdf)] [[video](https://play.kth.se/l2)]\n"), "{page}");
    std::fs::write(dir.path().join("page.md"), &page).expect("write");
    let back = import_back(dir.path());
    let labels: Vec<_> = back.sessions[2]
        .links
        .iter()
        .map(|l| l.label.as_str())
        .collect();
    assert_eq!(labels, vec!["slides", "video"]);
}

// Test that a reading's link is labelled by what it leads to: pdf, arXiv,
// DOI, or web, and that import takes the link back whatever its label.
#[test]
fn reading_links_are_labelled_by_kind() {
    let dir = course_dir();
    let p = dir.path().join("schedule.yaml");
    let readings = "date: 2020-10-12\n    readings:\n      - {title: A, url: /papers/a.PDF}\n      - {title: B, url: \"https://arxiv.org/abs/1706.03762\"}\n      - {title: C, url: \"https://doi.org/10.1145/3341301.3359630\"}\n      - {title: D, url: \"https://www.usenix.org/conference/osdi20/presentation/x\"}\n";
    std::fs::write(&p, read(&p).replacen("date: 2020-10-12\n", readings, 1)).expect("write");
    assert!(run(dir.path(), &["page", "schedule.yaml", "-o", "page.md"])
        .status
        .success());
    let page = read(&dir.path().join("page.md"));
    assert!(
        page.contains("#### **Reading material**\n* A [[pdf](/papers/a.PDF)]\n* B [[arXiv](https://arxiv.org/abs/1706.03762)]\n* C [[DOI](https://doi.org/10.1145/3341301.3359630)]\n* D [[web](https://www.usenix.org/conference/osdi20/presentation/x)]\n"),
        "{page}"
    );
    let back = import_back(dir.path());
    let urls: Vec<_> = back.sessions[2]
        .readings
        .iter()
        .map(|r| r.url.as_ref().map(|l| l.url.clone()).unwrap_or_default())
        .collect();
    assert_eq!(
        urls,
        vec![
            "https://fid3024.github.io/papers/a.PDF",
            "https://arxiv.org/abs/1706.03762",
            "https://doi.org/10.1145/3341301.3359630",
            "https://www.usenix.org/conference/osdi20/presentation/x"
        ]
    );
}

// Test that optional readings are listed apart from required ones on the
// page and in the feed, and that import reads the split back.
#[test]
fn optional_readings() {
    let dir = course_dir();
    let p = dir.path().join("schedule.yaml");
    let extra = "date: 2020-10-12\n    readings:\n      - {title: Core paper, url: /papers/core.pdf}\n      - {title: Extra paper, url: /papers/extra.pdf, optional: true}\n";
    std::fs::write(&p, read(&p).replacen("date: 2020-10-12\n", extra, 1)).expect("write");
    assert!(run(dir.path(), &["page", "schedule.yaml", "-o", "page.md"])
        .status
        .success());
    let page = read(&dir.path().join("page.md"));
    assert!(page.contains("#### **Reading material**\n* Core paper [[pdf](/papers/core.pdf)]\n\n#### **Optional reading**\n* Extra paper [[pdf](/papers/extra.pdf)]\n"), "{page}");

    let out = run(dir.path(), &["build", "schedule.yaml", "-o", "feed.ics"]);
    assert!(out.status.success());
    let events = common::parse(&read(&dir.path().join("feed.ics")));
    assert!(events[2].description.contains("Reading material:\n- Core paper\n  https://fid3024.github.io/papers/core.pdf\n\nOptional reading:\n- Extra paper\n  https://fid3024.github.io/papers/extra.pdf"), "{}", events[2].description);

    std::fs::write(dir.path().join("page.md"), &page).expect("write");
    let back = import_back(dir.path());
    let r: Vec<_> = back.sessions[2]
        .readings
        .iter()
        .map(|r| (r.title.as_str(), r.optional))
        .collect();
    assert_eq!(r, vec![("Core paper", false), ("Extra paper", true)]);
}

// Test that writing a page that Jekyll would not render, or without its
// subscribe block, says what to add; the shipped example needs nothing.
#[test]
fn page_says_what_it_lacks() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("s.yaml"),
        "course: {name: T, timezone: Europe/Stockholm}\nsessions:\n  - {kind: L, number: 1, date: 2020-09-28, start: \"15:00\", end: \"16:00\"}\n",
    )
    .expect("write");
    let o = run(dir.path(), &["page", "s.yaml", "-o", "p.md"]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "warning: s.yaml: the page `p.md` has no front matter, so Jekyll copies it as a raw .md file\n  \
         hint: add `page.front_matter:` (e.g. `layout: page` and `title: Schedule`)\n\
         warning: s.yaml: the page `p.md` has no subscribe block: it needs `feed.url`\n  \
         hint: set `feed.url` to where the site serves the feed (e.g. `/schedule.ics`)\n"
    );
    let o = run(
        dir.path(),
        &["page", "s.yaml", "-o", "p.md", "--no-subscribe"],
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "warning: s.yaml: the page `p.md` has no front matter, so Jekyll copies it as a raw .md file\n  \
         hint: add `page.front_matter:` (e.g. `layout: page` and `title: Schedule`)\n"
    );
    let o = run(
        &root(),
        &[
            "page",
            "examples/minimal.yaml",
            "-o",
            dir.path().join("m.md").to_str().expect("utf8"),
        ],
    );
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert!(read(&dir.path().join("m.md"))
        .starts_with("---\nlayout: page\ntitle: Schedule\n---\n\n**Subscribe to this schedule:**"));
}

// Test that a `+` in a link reads the same in the feed and on the page (it
// was %2B in the feed only), while the feed still encodes what apps' link
// detection stops at.
#[test]
fn plus_in_a_link_is_the_same_in_feed_and_page() {
    let yaml = "course: {name: T, timezone: Europe/Stockholm, url: \"https://example.org/\"}\npage: {output: p.md, front_matter: \"layout: page\", subscribe: false}\nsessions:\n  - {kind: L, number: 1, date: 2020-09-28, start: \"15:00\", end: \"16:00\", readings: [{title: C++, url: /papers/C++ and A+B.pdf}]}\n";
    let done = crate::common::Test::new()
        .schedule(yaml)
        .args(["build", "schedule.yaml", "-o", "f.ics"])
        .stdout("added      L 1 (2020-09-28 15:00)\n1 added, 0 changed, 0 removed, 0 unchanged\nf.ics: 1 session, on 2020-09-28; tz database 2026f (TZDIR) (written)\np.md: page (written)")
        .success();
    let feed = crate::common::parse(&done.read("f.ics"));
    assert!(
        feed[0]
            .description
            .contains("https://example.org/papers/C++%20and%20A+B.pdf"),
        "{}",
        feed[0].description
    );
    assert!(done
        .read("p.md")
        .contains("* C++ [[pdf](/papers/C++ and A+B.pdf)]"));
}

// Test that a relative link leads where the feed's does: the feed resolves
// `papers/a paper.pdf` against course.url, and the page writes the same
// URL from the site's root (`/my-course/papers/a%20paper.pdf`), not the
// relative form, which under `permalink: /schedule/` would be
// `/schedule/papers/...`. Root-relative and absolute links stay as written.
#[test]
fn relative_links_lead_where_the_feed_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = root().join("tests/fixtures/relative_links.yaml");
    let yaml = yaml.to_str().expect("utf8");
    let o = run(dir.path(), &["page", yaml, "-o", "p.md"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        read(&dir.path().join("p.md")),
        "---
layout: page
title: Schedule
permalink: /schedule/
---

# Lecture Session 1: Sep. 28, 15:00-17:00 [[zoom](https://example.zoom.us/j/1)] [[slides](/my-course/slides/1.pdf)] [[video](https://play.example.org/1)]
#### **Reading material**
* A paper under the course [[pdf](/my-course/papers/a%20paper.pdf)]
* One up [[pdf](/shared/b.pdf)]
* At the site root [[pdf](/papers/c.pdf)]
* With a query [[pdf](/my-course/papers/d.pdf?v=2#page=3)]
* Elsewhere [[pdf](https://other.org/e.pdf)] [[code](/my-course/code/e.zip)]
"
    );
    let o = run(dir.path(), &["build", yaml, "-o", "f.ics"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let events = common::parse(&read(&dir.path().join("f.ics")));
    assert_eq!(
        events[0].description,
        "Zoom: https://example.zoom.us/j/1

Links:
- slides: https://example.org/my-course/slides/1.pdf
- video: https://play.example.org/1

Reading material:
- A paper under the course
  https://example.org/my-course/papers/a%20paper.pdf
- One up
  https://example.org/shared/b.pdf
- At the site root
  https://example.org/papers/c.pdf
- With a query
  https://example.org/my-course/papers/d.pdf?v=2#page=3
- Elsewhere
  https://other.org/e.pdf
  code: https://example.org/my-course/code/e.zip"
    );
}
