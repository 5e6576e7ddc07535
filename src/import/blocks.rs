//! A page's blocks as a reader sees them: headings, table rows, list items,
//! paragraph lines and HTML table rows, each with its line on the page.
//!
//! pulldown-cmark finds the blocks. Table rows are split here from the
//! table's lines, because real pages leave out the separator row or give
//! it fewer cells than the header (which CommonMark then reads as a
//! paragraph), and HTML tables are read by their tags, because Markdown
//! leaves HTML as it is. What HTML comments and `{% comment %}` hide is
//! not on the rendered page, so it is not read.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::text::unescape_html;

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// A heading of this level (1 to 6).
    Heading(u8),
    /// A row of a Markdown or HTML table; `header` indexes [`Blocks::headers`].
    Row { header: Option<usize> },
    /// A list item, at this depth (0 for a top-level list).
    Item(usize),
    /// One line of a paragraph.
    Line,
}

/// One block: its shape, its line, and its text (a row's cells, the one
/// text of anything else) as Markdown.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub(super) shape: Shape,
    pub(super) line: usize,
    pub(super) cells: Vec<String>,
    /// For HTML rows, cells that span several columns.
    pub(super) spans: Vec<bool>,
}

/// All blocks of a page, in order, and what the page's Liquid reads.
#[derive(Debug, Default)]
pub(super) struct Blocks {
    pub(super) blocks: Vec<Block>,
    /// The header cells of each table that has one.
    pub(super) headers: Vec<Vec<String>>,
    /// `{% for x in site.data.NAME %}`: the line and `site.data.NAME`.
    pub(super) liquid_data: Option<(usize, String)>,
}

/// Text without what the rendered page does not show, byte for byte the
/// same length so that offsets and lines stay as on the page.
fn hide_comments(text: &str) -> String {
    let mut out = text.to_owned();
    for (open, close) in [("<!--", "-->"), ("{% comment %}", "{% endcomment %}")] {
        let mut from = 0;
        while let Some(at) = out[from..].find(open).map(|i| i + from) {
            let end = out[at..]
                .find(close)
                .map_or(out.len(), |i| at + i + close.len());
            let blank: String = out[at..end]
                .chars()
                .map(|c| {
                    if c == '\n' {
                        "\n".to_owned()
                    } else {
                        " ".repeat(c.len_utf8())
                    }
                })
                .collect();
            out.replace_range(at..end, &blank);
            from = end;
        }
    }
    out
}

/// Line numbers (1-based) of byte offsets.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset)
    }
}

/// Read the blocks of `text`, whose first line is line `first_line`.
pub(super) fn read(text: &str, first_line: usize) -> Blocks {
    let text = hide_comments(text);
    let lines = Lines::new(&text);
    let line_of = |offset: usize| lines.of(offset) + first_line - 1;
    let mut out = Blocks {
        liquid_data: liquid_data(&text).map(|(at, name)| (line_of(at), name)),
        ..Blocks::default()
    };
    let mut list_depth = 0usize;
    let mut in_item = 0usize;
    let mut skip_depth = 0usize; // inside a code block or an HTML block
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(&text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::HtmlBlock) => skip_depth += 1,
            Event::End(TagEnd::CodeBlock) | Event::End(TagEnd::HtmlBlock) => {
                skip_depth = skip_depth.saturating_sub(1);
            }
            _ if skip_depth > 0 => {}
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Heading { level, .. }) => {
                let source = &text[range.clone()];
                let first = source.lines().next().unwrap_or("");
                let heading = first.trim().trim_start_matches('#').trim();
                let heading = heading.trim_end_matches('#').trim_end();
                out.blocks.push(Block {
                    shape: Shape::Heading(level_number(level)),
                    line: line_of(range.start),
                    cells: vec![heading.to_owned()],
                    spans: Vec::new(),
                });
            }
            Event::Start(Tag::Item) => {
                in_item += 1;
                let source = &text[range.clone()];
                let first = source.lines().next().unwrap_or("").trim();
                let item = first
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .trim_start_matches(['*', '-', '+', '.', ')'])
                    .trim();
                out.blocks.push(Block {
                    shape: Shape::Item(list_depth.saturating_sub(1)),
                    line: line_of(range.start),
                    cells: vec![item.to_owned()],
                    spans: Vec::new(),
                });
            }
            Event::End(TagEnd::Item) => in_item = in_item.saturating_sub(1),
            Event::Start(Tag::Table(_)) => {
                table_lines(&text[range.clone()], line_of(range.start), &mut out);
            }
            Event::Start(Tag::Paragraph) if in_item == 0 => {
                table_lines(&text[range.clone()], line_of(range.start), &mut out);
            }
            _ => {}
        }
    }
    html_rows(&text, &line_of, &mut out);
    out.blocks.sort_by_key(|b| b.line);
    out
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The first `{% for x in site.data.NAME %}` of the page.
fn liquid_data(text: &str) -> Option<(usize, String)> {
    let mut from = 0;
    while let Some(at) = text[from..].find("{%").map(|i| i + from) {
        let end = text[at + 2..].find("%}").map_or(text.len(), |i| at + 2 + i);
        let tag: Vec<&str> = text[at + 2..end].split_whitespace().collect();
        if let ["for", _, "in", source, ..] = tag.as_slice() {
            if source.starts_with("site.data.") {
                return Some((at, (*source).to_owned()));
            }
        }
        from = end.max(at + 2);
    }
    None
}

/// The lines of a paragraph or table: pipe rows become rows (a separator
/// row marks the row above as the table's header), other lines stay lines.
fn table_lines(source: &str, first_line: usize, out: &mut Blocks) {
    let mut header: Option<usize> = None;
    let mut previous_row: Option<Vec<String>> = None;
    for (n, raw) in source.lines().enumerate() {
        let line = raw.trim();
        let line_no = first_line + n;
        if !line.starts_with('|') {
            previous_row = None;
            header = None;
            if !line.is_empty() {
                out.blocks.push(Block {
                    shape: Shape::Line,
                    line: line_no,
                    cells: vec![line.to_owned()],
                    spans: Vec::new(),
                });
            }
            continue;
        }
        let cells = split_row(line);
        if is_separator(&cells) {
            if let Some(h) = previous_row.take() {
                // The row above was the header, not a row of the table.
                if let Some(at) = out.blocks.iter().rposition(|b| b.line == line_no - 1) {
                    out.blocks.remove(at);
                }
                out.headers.push(h);
                header = Some(out.headers.len() - 1);
            }
            continue;
        }
        previous_row = Some(cells.clone());
        out.blocks.push(Block {
            shape: Shape::Row { header },
            line: line_no,
            spans: vec![false; cells.len()],
            cells,
        });
    }
}

/// `| a | b \| c | d` -> `a`, `b | c`, `d`.
fn split_row(line: &str) -> Vec<String> {
    let inner = line.strip_prefix('|').unwrap_or(line);
    let inner = match inner.strip_suffix('|') {
        Some(s) if !s.ends_with('\\') => s,
        _ => inner,
    };
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut code = false;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '`' => {
                code = !code;
                cell.push(c);
            }
            '|' if !code => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_owned());
    cells
}

fn is_separator(cells: &[String]) -> bool {
    cells.iter().any(|c| c.contains('-'))
        && cells.iter().all(|c| {
            let c = c.trim();
            c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))
        })
}

/// `<tr>` rows of HTML tables, with their `<td>`/`<th>` cells as Markdown
/// (links written `[label](href)`), the row at the line of its `<tr`.
fn html_rows(text: &str, line_of: &dyn Fn(usize) -> usize, out: &mut Blocks) {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    let mut header: Option<usize> = None;
    while let Some(at) = find_tag(&lower, from, "<tr") {
        let end = lower[at..].find("</tr").map_or(text.len(), |i| at + i);
        let row = &text[at..end];
        let row_lower = &lower[at..end];
        let mut cells = Vec::new();
        let mut spans = Vec::new();
        let mut is_header = false;
        let mut pos = 0;
        while let Some(open) = ["<td", "<th"]
            .iter()
            .filter_map(|t| find_tag(row_lower, pos, t))
            .min()
        {
            is_header |= row_lower[open..].starts_with("<th");
            let Some(content) = row_lower[open..].find('>').map(|i| open + i + 1) else {
                break;
            };
            let close = ["</td", "</th", "<td", "<th"]
                .iter()
                .filter_map(|t| row_lower[content..].find(t).map(|i| content + i))
                .min()
                .unwrap_or(row.len());
            spans.push(row_lower[open..content].contains("colspan"));
            cells.push(html_to_markdown(&row[content..close]));
            pos = close;
        }
        if is_header {
            out.headers.push(cells);
            header = Some(out.headers.len() - 1);
        } else if !cells.is_empty() {
            out.blocks.push(Block {
                shape: Shape::Row { header },
                line: line_of(at),
                cells,
                spans,
            });
        }
        if lower[end..].starts_with("</tr") {
            from = end + 4;
        } else {
            from = end;
        }
        if lower[at..end].contains("</table") {
            header = None;
        }
    }
}

/// Where the tag `name` (`<tr`, not `<track`) opens at or after `from`.
fn find_tag(lower: &str, from: usize, name: &str) -> Option<usize> {
    let mut pos = from;
    while let Some(at) = lower.get(pos..)?.find(name).map(|i| i + pos) {
        let next = lower[at + name.len()..].chars().next();
        if next.is_some_and(|c| c == '>' || c.is_whitespace() || c == '/') {
            return Some(at);
        }
        pos = at + name.len();
    }
    None
}

/// HTML cell content as Markdown: `<a href="x">y</a>` is `[y](x)`, tags
/// are left out, `<br>` is a space, entities are their characters.
fn html_to_markdown(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let mut open_href: Option<String> = None;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>').map(|i| lt + i) else {
            out.push_str(&rest[lt..]);
            rest = "";
            break;
        };
        let tag = &rest[lt + 1..gt];
        let lower = tag.to_ascii_lowercase();
        if lower.starts_with("a ") {
            open_href = attribute(tag, "href");
            out.push('[');
        } else if lower == "/a" {
            match open_href.take() {
                Some(href) => out.push_str(&format!("]({href})")),
                None => out.push(']'),
            }
        } else if lower.starts_with("br") {
            out.push(' ');
        }
        rest = &rest[gt + 1..];
    }
    out.push_str(rest);
    let text = unescape_html(&out);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[at..];
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        let end = rest[1..].find(quote)? + 1;
        Some(rest[1..end].to_owned())
    } else {
        Some(rest.split_whitespace().next()?.to_owned())
    }
}

/// Markdown inline text as a reader sees it, and its links in order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Inline {
    pub(super) text: String,
    pub(super) links: Vec<(String, String)>,
}

/// Read Markdown inline text: emphasis and code marks go, a link keeps
/// its text and gives its target, `<br>` is a space.
pub(super) fn inline(markdown: &str) -> Inline {
    let mut out = Inline::default();
    let mut link: Option<(String, usize)> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => out.text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.text.push(' '),
            Event::InlineHtml(h) | Event::Html(h) if h.to_ascii_lowercase().starts_with("<br") => {
                out.text.push(' ');
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((dest_url.to_string(), out.text.len()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((href, from)) = link.take() {
                    let label = out.text.get(from..).unwrap_or("").trim().to_owned();
                    out.links.push((label, href));
                }
            }
            Event::End(TagEnd::Paragraph) => out.text.push(' '),
            _ => {}
        }
    }
    out.text = out.text.split_whitespace().collect::<Vec<_>>().join(" ");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(page: &str) -> Vec<(Shape, usize, Vec<String>)> {
        read(page, 1)
            .blocks
            .into_iter()
            .map(|b| (b.shape, b.line, b.cells))
            .collect()
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    // Test each shape of block with its line: headings (ATX and setext),
    // list items at two depths, a table with a header, rows without a
    // separator, a paragraph's lines; code blocks and comments are not read.
    #[test]
    fn blocks_with_their_lines() {
        let page = "# Title\n\nIntro text\nsecond line\n\n| Date | Topic |\n|---|---|\n| Aug 17 | Intro |\n\n| 9/6/22 || Lecture 1 |\n| 9/8/22 || Lecture 2 |\n\n* Aug 24th: A\n  - sub\n\nSection\n-------\n\n```\n| 9/9/22 | code |\n```\n<!-- | 9/10/22 | hidden |\n-->\n";
        assert_eq!(
            shapes(page),
            vec![
                (Shape::Heading(1), 1, s(&["Title"])),
                (Shape::Line, 3, s(&["Intro text"])),
                (Shape::Line, 4, s(&["second line"])),
                (Shape::Row { header: Some(0) }, 8, s(&["Aug 17", "Intro"])),
                (
                    Shape::Row { header: None },
                    10,
                    s(&["9/6/22", "", "Lecture 1"])
                ),
                (
                    Shape::Row { header: None },
                    11,
                    s(&["9/8/22", "", "Lecture 2"])
                ),
                (Shape::Item(0), 13, s(&["Aug 24th: A"])),
                (Shape::Item(1), 14, s(&["sub"])),
                (Shape::Heading(2), 16, s(&["Section"])),
            ]
        );
        assert_eq!(read(page, 1).headers, vec![s(&["Date", "Topic"])]);
    }

    // Test HTML rows: cells with links as Markdown, a header row, a cell
    // spanning columns, and the row's line.
    #[test]
    fn html_table_rows() {
        let page = "<table>\n<tr><th>Date</th><th>Topic</th></tr>\n<tr>\n  <td>9/21/20</td>\n  <td><a href=\"labs/a.html\">Lab</a><br>more &amp; more</td>\n</tr>\n<tr><td>10/27/20</td><td colspan=\"3\">Project due</td></tr>\n</table>\n";
        let blocks = read(page, 1);
        let rows: Vec<_> = blocks
            .blocks
            .iter()
            .map(|b| (b.line, b.cells.clone(), b.spans.clone()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    3,
                    s(&["9/21/20", "[Lab](labs/a.html) more & more"]),
                    vec![false, false]
                ),
                (7, s(&["10/27/20", "Project due"]), vec![false, true]),
            ]
        );
        assert_eq!(blocks.headers, vec![s(&["Date", "Topic"])]);
    }

    // Test that a Liquid loop over the site's data is found, with its line.
    #[test]
    fn liquid_loops() {
        let page = "---\n\n{% assign x = 1 %}\n{% for lecture in site.data.readings %}\n{{ lecture.title }}\n{% endfor %}\n";
        assert_eq!(
            read(page, 1).liquid_data,
            Some((4, "site.data.readings".to_owned()))
        );
    }

    // Test inline Markdown read as text with its links.
    #[test]
    fn inline_text_and_links() {
        assert_eq!(
            inline("**Lecture 1**: [Intro](/a.pdf) and _more_<br/>`x`"),
            Inline {
                text: "Lecture 1: Intro and more x".into(),
                links: vec![("Intro".into(), "/a.pdf".into())],
            }
        );
    }
}
