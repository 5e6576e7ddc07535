//! The schedule page through the real Jekyll stack (Debian's `jekyll`:
//! Liquid, then kramdown with GFM input, the GitHub Pages defaults): text
//! from the YAML that Liquid, kramdown or HTML would read as code must come
//! out of the build as the text written, with no tag, attribute or template
//! of its own. `scripts/test` installs jekyll.

use crate::common;

use std::path::Path;
use std::process::Command;

/// Build the page of `schedule` into a Jekyll site whose config holds a
/// secret, run `jekyll build --safe`, and return the page's HTML.
fn jekyll_html(schedule: &Path) -> String {
    jekyll_html_with(schedule, "title: Course\nsecret: LEAKED-SECRET\n")
}

/// [`jekyll_html`] with this `_config.yml`.
fn jekyll_html_with(schedule: &Path, config: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = dir.path().join("site");
    std::fs::create_dir(&site).expect("site");
    std::fs::write(site.join("_config.yml"), config).expect("config");
    let page = site.join("schedule.md");
    let o = common::run(
        &common::root(),
        &[
            "page",
            schedule.to_str().expect("utf8"),
            "-o",
            page.to_str().expect("utf8"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("out");
    let build = Command::new("jekyll")
        .args(["build", "--safe", "--quiet", "-s"])
        .arg(&site)
        .arg("-d")
        .arg(&out)
        .env("JEKYLL_ENV", "production")
        .output()
        .expect("jekyll runs (scripts/test installs it)");
    assert!(
        build.status.success(),
        "jekyll build failed: {}{}",
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );
    // The shipped page asks for `permalink: /schedule/`.
    let html = [out.join("schedule.html"), out.join("schedule/index.html")]
        .into_iter()
        .find(|p| p.exists())
        .expect("rendered page");
    std::fs::read_to_string(html).expect("rendered page")
}

/// Every tag in `html` as (name, attribute names).
fn tags(html: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').expect("tag ends") + i;
        let inner = rest[i + 1..end].trim_start_matches('/');
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let mut attrs = Vec::new();
        let mut a = &inner[name.len()..];
        while let Some(eq) = a.find('=') {
            attrs.push(a[..eq].trim().to_owned());
            let value = &a[eq + 1..];
            let q = value.chars().next().expect("quoted value");
            let close = value[1..].find(q).expect("value ends") + 1;
            a = &value[close + 1..];
        }
        out.push((name.to_ascii_lowercase(), attrs));
        rest = &rest[end + 1..];
    }
    out
}

/// The text a browser shows: tags removed, references decoded, and
/// kramdown's typographic quotes and dashes read back as typed.
fn visible(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        text.push_str(&rest[..i]);
        rest = &rest[i + rest[i..].find('>').expect("tag ends") + 1..];
    }
    text.push_str(rest);
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').expect("reference ends") + i;
        let name = &rest[i + 1..end];
        out.push(match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            _ => {
                let n = name.strip_prefix('#').expect("numeric reference");
                let code = match n.strip_prefix('x') {
                    Some(h) => u32::from_str_radix(h, 16).expect("hex"),
                    None => n.parse().expect("decimal"),
                };
                char::from_u32(code).expect("char")
            }
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.replace(['“', '”'], "\"").replace(['‘', '’'], "'")
}

fn hrefs(html: &str) -> Vec<String> {
    html.match_indices("href=\"")
        .map(|(i, m)| {
            let v = &html[i + m.len()..];
            v[..v.find('"').expect("href ends")].replace("&amp;", "&")
        })
        .collect()
}

fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf8")
}

// Test that Liquid in any text neither runs (no secret from _config.yml, no
// include, no broken build) nor disappears: it shows as written.
#[test]
fn liquid_in_text_is_shown_not_run() {
    let html = jekyll_html(&common::root().join("tests/fixtures/hostile_page.yaml"));
    assert!(!html.contains("LEAKED-SECRET"), "{html}");
    assert!(
        !html.contains(">42<") && !visible(&html).contains(" 42 "),
        "{html}"
    );
    let text = visible(&html);
    for written in [
        "Lecture {{ site.secret }} Session 1",
        "Room {% raw %} 1.10 <b>bold</b>",
        "Templates with {{ site.secret }} and {% include nonexistent.html %} *x*{: onmouseover=\"alert(1)\"} $$x^2$$ & &amp; `code` _em_ | a | b | ~~s~~ {%- endraw -%}",
        "Note: esc  bell  del  second line {: .danger}",
        "slides {{ site.secret }}",
        "# Not a heading {{ 7 | times: 6 }} [x](javascript:alert(1))",
        "1. Not a list <script>alert(1)</script>",
        "Report {% include x %}",
    ] {
        assert!(text.contains(written), "missing {written:?} in {text}");
    }
}

// Test that no tag or attribute on the page comes from the YAML: only the
// page's own structure, links to the written targets, and kramdown's header ids.
#[test]
fn text_adds_no_tag_or_attribute() {
    let html = jekyll_html(&common::root().join("tests/fixtures/hostile_page.yaml"));
    let allowed = ["h1", "h4", "p", "ul", "li", "a", "strong", "br", "hr"];
    for (name, attrs) in tags(&html) {
        assert!(allowed.contains(&name.as_str()), "tag <{name}> in {html}");
        for a in attrs {
            assert!(
                a == "href" || a == "id",
                "attribute {a} on <{name}> in {html}"
            );
        }
    }
}

// Test that every link stays one link to the target as written, whatever
// its spaces, parentheses, quotes and braces, and that the seed's own style
// of link (spaces and an apostrophe) is kept as the course wrote it.
#[test]
fn links_stay_one_link_each() {
    let html = jekyll_html(&common::root().join("tests/fixtures/hostile_page.yaml"));
    let targets: Vec<String> = hrefs(&html).iter().map(|h| percent_decoded(h)).collect();
    for written in [
        "https://kth-se.zoom.us/j/1?pwd=a(b)c",
        "/slides/1 (final) \"v2\" 'x'.pdf",
        "/p/a (b) {{x}}.pdf",
        "/papers/2020 - Don't Use Large Mini-Batches, Use Local SGD.pdf",
        "/reports/{{ site.secret }}.pdf",
    ] {
        assert!(
            targets.iter().any(|t| t == written),
            "no link to {written:?}: {targets:#?}"
        );
    }
    // Four subscribe links, zoom, slides, two readings, one deadline link.
    assert_eq!(targets.len(), 9, "{targets:#?}");
    assert!(!html.contains("javascript:alert(1)\""), "{html}");
}

// Test that the shipped course's page renders under Jekyll as the course's
// page did: twelve session headings, the papers as links.
#[test]
fn shipped_page_renders() {
    let html = jekyll_html(&common::root().join("data/schedule.yaml"));
    assert_eq!(
        html.matches("<h1 ").count(),
        13,
        "12 sessions and the deadlines"
    );
    assert!(visible(&html).contains("Lecture Session 1: Sep. 28, 15:00-17:00"));
    assert!(hrefs(&html).iter().any(|h| percent_decoded(h).ends_with(
        "/papers/2019 - Measuring the Effects of Data Parallelism on Neural Network Training.pdf"
    )));
}

// Test README's Migrating steps to the end: the course's later page,
// imported, renders through Jekyll with its subscribe block working (the
// four links to the feed's address) and the session's slides and video.
#[test]
fn migrated_page_renders_with_a_subscribe_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = dir.path().join("schedule.yaml");
    let page = common::root().join("tests/fixtures/pages/modules_bold_labels.md");
    let o = common::run(
        dir.path(),
        &[
            "import",
            page.to_str().expect("utf8"),
            "--year",
            "2020",
            "--name",
            "FID3024",
            "--timezone",
            "Europe/Stockholm",
            "--url",
            "https://fid3024.github.io/",
            "-o",
            "schedule.yaml",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = jekyll_html(&yaml);
    for href in [
        "webcal://fid3024.github.io/schedule.ics",
        "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Ffid3024.github.io%2Fschedule.ics",
        "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Ffid3024.github.io%2Fschedule.ics&amp;name=FID3024",
        "https://fid3024.github.io/schedule.ics",
        "/slides/1-1.pdf",
        "https://kth.box.com/s/4q8h2x1f0lecture1",
    ] {
        assert!(html.contains(&format!("<a href=\"{href}\">")), "{href} in\n{html}");
    }
    assert!(
        html.contains(">Fundamental of ML, e.g., scalability, batch size, etc.</h1>"),
        "{html}"
    );
    // The optional readings' heading ends the required list; it is not
    // swallowed into its last item.
    assert!(
        html.contains(
            "</ul>\n\n<h4 id=\"optional-reading\"><strong>Optional Reading</strong></h4>\n<ul>"
        ),
        "{html}"
    );
}

// Test that every link on the page, rendered by Jekyll for a course site in
// a folder (`baseurl: /my-course`) under `permalink: /schedule/`, resolves
// from the page's address to exactly the URL the feed gives for it: the
// page and the feed always send students to the same file.
#[test]
fn page_links_resolve_where_the_feed_links_do() {
    let yaml = common::root().join("tests/fixtures/relative_links.yaml");
    let html = jekyll_html_with(&yaml, "title: Course\nbaseurl: /my-course\n");
    let page = url::Url::parse("https://example.org/my-course/schedule/").expect("url");
    let mut on_page: Vec<String> = hrefs(&html)
        .iter()
        .filter(|h| !h.starts_with('#'))
        .map(|h| page.join(h).expect("resolves").to_string())
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let o = common::run(
        dir.path(),
        &["build", yaml.to_str().expect("utf8"), "-o", "f.ics"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let feed = std::fs::read_to_string(dir.path().join("f.ics")).expect("feed");
    let events = common::parse(&feed);
    let mut in_feed: Vec<String> = events[0]
        .description
        .split_whitespace()
        .filter(|w| w.starts_with("https://"))
        .map(str::to_owned)
        .collect();
    on_page.sort();
    in_feed.sort();
    assert_eq!(on_page, in_feed);
    assert_eq!(in_feed.len(), 9, "{in_feed:#?}");
}
