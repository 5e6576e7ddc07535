//! Links: resolved against the course site, percent-encoded, and reading lists.

use super::*;

impl Validator<'_> {
    /// An absolute http(s) link; relative ones are resolved against `base`.
    pub(super) fn url(
        &mut self,
        value: &Scalar,
        path: impl Place,
        field: &str,
        base: Option<&Url>,
    ) -> Option<Url> {
        match resolve_url(value.as_str(), base) {
            Ok(url) => Some(url),
            Err(problem) => {
                self.error(path, field, problem);
                None
            }
        }
    }

    /// A link kept as written and resolved.
    pub(super) fn link(
        &mut self,
        value: &Scalar,
        path: impl Place,
        field: &str,
        base: Option<&Url>,
    ) -> Option<Link> {
        let written = value.as_str();
        if let Some((last, url)) = &self.last_link {
            if last == written {
                return Some(Link {
                    written: written.to_owned(),
                    url: url.clone(),
                });
            }
        }
        match resolve_link(written, base) {
            Ok(url) => {
                self.last_link = Some((written.to_owned(), url.clone()));
                Some(Link {
                    written: written.to_owned(),
                    url,
                })
            }
            Err(problem) => {
                self.error(path, field, problem);
                None
            }
        }
    }

    /// `Ok(None)` when absent, `Err` (already reported) when given but bad.
    pub(super) fn optional_url(
        &mut self,
        value: Option<Sourced<'_>>,
        field: &str,
        base: Option<&Url>,
    ) -> Result<Option<Url>, ()> {
        match value {
            Some((v, path)) => self.url(v, path, field, base).map(Some).ok_or(()),
            None => Ok(None),
        }
    }

    /// A session's readings: its own, else its module's, else the defaults'.
    pub(super) fn readings(
        &mut self,
        raw: &mut RawSession,
        defaults: &RawSession,
        module: Option<&Module>,
        index: usize,
        base: Option<&Url>,
    ) -> Option<Vec<Reading>> {
        let (list, from_defaults): (Vec<RawReading>, bool) =
            match (raw.readings.take(), module, &defaults.readings) {
                (Some(r), _, _) => (r, false),
                (None, Some(m), _) => return Some(m.readings.clone()),
                (None, None, Some(r)) => (r.clone(), true),
                (None, None, None) => return Some(Vec::new()),
            };
        self.reading_list(list, base, |j, rest| match from_defaults {
            false => format!("sessions[{index}].readings[{j}]{rest}"),
            true => format!("defaults.readings[{j}]{rest}"),
        })
    }

    /// Check a reading list; `path(j, rest)` names reading `j`'s YAML path,
    /// formatted only for a problem.
    pub(super) fn reading_list(
        &mut self,
        list: Vec<RawReading>,
        base: Option<&Url>,
        path: impl Fn(usize, &str) -> String,
    ) -> Option<Vec<Reading>> {
        let field = |j: usize, rest: &str| format!("readings[{j}]{rest}");
        let link = |this: &mut Self, value: Scalar, j: usize, rest: String| match resolve_link(
            value.as_str(),
            base,
        ) {
            Ok(url) => Some(Link {
                written: value.into_text(),
                url,
            }),
            Err(problem) => {
                this.error(path(j, &rest), &field(j, &rest), problem);
                None
            }
        };
        let mut out = Vec::with_capacity(list.len());
        let mut ok = true;
        for (j, r) in list.into_iter().enumerate() {
            let title = match r.title.filter(|t| !t.as_str().is_empty()) {
                Some(t) => t.into_text(),
                None => {
                    self.error(
                        path(j, ".title"),
                        &field(j, ".title"),
                        Problem::MissingField("title".into()),
                    );
                    ok = false;
                    continue;
                }
            };
            let url = match r.url {
                Some(u) => match link(self, u, j, ".url".into()) {
                    Some(u) => Some(u),
                    None => {
                        ok = false;
                        continue;
                    }
                },
                None => None,
            };
            let links = match self.labelled_links(
                r.links.unwrap_or_default(),
                |k, leaf| {
                    let rest = format!(".links[{k}].{leaf}");
                    (path(j, &rest), field(j, &rest))
                },
                base,
            ) {
                Some(links) => links,
                None => {
                    ok = false;
                    Vec::new()
                }
            };
            let optional = match r.optional.as_ref().map(|o| o.as_str().to_ascii_lowercase()) {
                None => false,
                Some(o) if matches!(o.as_str(), "true" | "yes") => true,
                Some(o) if matches!(o.as_str(), "false" | "no") => false,
                Some(o) => {
                    let rest = ".optional";
                    self.error(
                        path(j, rest),
                        &field(j, rest),
                        Problem::Shape(format!("`{o}` is not true or false")),
                    );
                    ok = false;
                    false
                }
            };
            out.push(Reading {
                title,
                url,
                links,
                optional,
            });
        }
        ok.then_some(out)
    }

    /// Labelled links (slides, video, ...); `at(k, leaf)` names the YAML
    /// path and the field of link `k`'s `leaf`, formatted only for a problem.
    pub(super) fn labelled_links(
        &mut self,
        list: Vec<RawLink>,
        at: impl Fn(usize, &str) -> (String, String),
        base: Option<&Url>,
    ) -> Option<Vec<LabelledLink>> {
        let mut out = Vec::with_capacity(list.len());
        let mut ok = true;
        for (k, l) in list.into_iter().enumerate() {
            let label = l.label.filter(|v| !v.as_str().is_empty());
            if label.is_none() {
                let (path, field) = at(k, "label");
                self.error(path, &field, Problem::MissingField("label".into()));
            }
            let target = match l.url.filter(|v| !v.as_str().is_empty()) {
                Some(u) => match resolve_link(u.as_str(), base) {
                    Ok(url) => Some(Link {
                        written: u.into_text(),
                        url,
                    }),
                    Err(problem) => {
                        let (path, field) = at(k, "url");
                        self.error(path, &field, problem);
                        None
                    }
                },
                None => {
                    let (path, field) = at(k, "url");
                    self.error(path, &field, Problem::MissingField("url".into()));
                    None
                }
            };
            match (label, target) {
                (Some(label), Some(link)) => out.push(LabelledLink {
                    label: label.into_text(),
                    link,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// Resolve a link as written to an absolute, percent-encoded http(s) URL.
///
/// Nearly every reading link is a path on the course site (`/papers/...`).
/// Joining such a path to the base only swaps the base's path for it, so it
/// is done here directly; a full URL parse per link was most of the
/// validation time of a large schedule. Anything else (dot segments, a
/// query, another scheme) goes through the `url` crate.
pub(crate) fn resolve_link(s: &str, base: Option<&Url>) -> Result<String, Problem> {
    let plain_path = s.starts_with('/')
        && !s.starts_with("//")
        && !s.contains("/.")
        && !s
            .bytes()
            .any(|b| matches!(b, b'?' | b'#' | b'\\') || b.is_ascii_control());
    match base {
        Some(b) if plain_path && b.has_host() => {
            let origin = &b[..url::Position::BeforePath];
            Ok(format!(
                "{origin}{}",
                percent_encoding::utf8_percent_encode(s, PATH_ESCAPE)
            ))
        }
        _ => resolve_url(s, base).map(String::from),
    }
}

/// Whether a link without a scheme starts with what reads as a host name
/// (`www.kth.se/slides.pdf`): joined to the course site it would become a
/// path there, which is never what was meant. A first segment that starts
/// with `www.` or ends in a common top-level domain counts; `slides.pdf` or
/// `papers/x.pdf` do not.
pub(super) fn looks_like_host(s: &str) -> bool {
    const TLDS: &[&str] = &[
        "se", "com", "org", "net", "edu", "io", "de", "uk", "eu", "gov", "fi", "no", "dk",
    ];
    if s.contains("://") || s.starts_with(['/', '.', '#', '?']) {
        return false;
    }
    let Some((first, _)) = s.split_once('/') else {
        return s.starts_with("www.");
    };
    let first = first.to_ascii_lowercase();
    first.starts_with("www.")
        || first
            .rsplit_once('.')
            .is_some_and(|(name, tld)| !name.is_empty() && TLDS.contains(&tld))
}

/// Resolve a link as written to an absolute http(s) URL.
pub(crate) fn resolve_url(s: &str, base: Option<&Url>) -> Result<Url, Problem> {
    if looks_like_host(s) {
        return Err(Problem::LooksLikeHost(s.into()));
    }
    let url = match Url::parse(s) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            // Encoding the path first spares a second parse after the join.
            Some(b) => b.join(&encode_relative(s)).map_err(|e| Problem::BadUrl {
                value: s.into(),
                reason: e.to_string(),
            })?,
            None => return Err(Problem::RelativeWithoutBase(s.into())),
        },
        Err(e) => {
            return Err(Problem::BadUrl {
                value: s.into(),
                reason: e.to_string(),
            })
        }
    };
    match url.scheme() {
        "http" | "https" => Ok(encode_path(url)),
        _ => Err(Problem::UnsupportedScheme(s.into())),
    }
}

/// Everything but RFC 3986's unreserved characters, `/`, existing escapes
/// and `+`: a plus in a path is a plus (only a form's query reads it as a
/// space), and the page keeps it as written, so feed and page agree.
const PATH_ESCAPE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'%');

/// Percent-encode the path's commas, colons, quotes and the like. They are
/// legal in a path, but calendar apps' link detection stops at them, and
/// file servers decode them back to the same name.
pub(super) fn encode_path(mut url: Url) -> Url {
    let encoded: std::borrow::Cow<str> =
        percent_encoding::utf8_percent_encode(url.path(), PATH_ESCAPE).into();
    if let std::borrow::Cow::Owned(path) = encoded {
        url.set_path(&path);
    }
    url
}

/// A relative reference with its path (not its query or fragment) encoded.
pub(super) fn encode_relative(s: &str) -> std::borrow::Cow<'_, str> {
    let end = s.find(['?', '#']).unwrap_or(s.len());
    let path: std::borrow::Cow<str> =
        percent_encoding::utf8_percent_encode(&s[..end], PATH_ESCAPE).into();
    match path {
        std::borrow::Cow::Borrowed(_) => s.into(),
        std::borrow::Cow::Owned(p) => format!("{p}{}", &s[end..]).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that relative links resolve against the course and get percent-encoded.
    #[test]
    fn links_resolve_and_encode() {
        let base = Url::parse("https://fid3024.github.io/").expect("base");
        let u = resolve_url("/papers/2018 - CROSSBOW: Scaling.pdf", Some(&base)).expect("resolves");
        assert_eq!(
            u.as_str(),
            "https://fid3024.github.io/papers/2018%20-%20CROSSBOW%3A%20Scaling.pdf"
        );
        let u = resolve_url("/papers/Don't Use, Local SGD.pdf", Some(&base)).expect("resolves");
        assert_eq!(
            u.as_str(),
            "https://fid3024.github.io/papers/Don%27t%20Use%2C%20Local%20SGD.pdf"
        );
        let zoom =
            resolve_url("https://kth-se.zoom.us/j/2884945301?pwd=a,b", None).expect("absolute");
        assert_eq!(zoom.as_str(), "https://kth-se.zoom.us/j/2884945301?pwd=a,b");
        assert!(matches!(
            resolve_url("/x.pdf", None),
            Err(Problem::RelativeWithoutBase(_))
        ));
        assert!(matches!(
            resolve_url("javascript:alert(1)", Some(&base)),
            Err(Problem::UnsupportedScheme(_))
        ));
        assert!(matches!(
            resolve_url("https://exa mple.org/", None),
            Err(Problem::BadUrl { .. })
        ));
    }

    // Test that the fast path for site paths gives exactly what the url crate gives.
    #[test]
    fn fast_links_match_the_url_crate() {
        let bases = [
            "https://fid3024.github.io/",
            "https://example.org:8080/course/x/",
            "http://a.b/c?q=1#f",
        ];
        let paths = [
            "/papers/2018 - CROSSBOW: Scaling.pdf",
            "/p/Don't Use, Local SGD (v2).pdf",
            "/å/ö 🎓/%41%zz/~a_b-c.d",
            "/",
            "/a//b",
            "/it's 100%",
        ];
        for b in bases {
            let base = Url::parse(b).expect("base");
            for p in paths {
                let fast = resolve_link(p, Some(&base)).expect("fast");
                let slow = resolve_url(p, Some(&base)).expect("slow");
                assert_eq!(fast, slow.as_str(), "{b} + {p}");
            }
        }
    }

    // Test which scheme-less links read as a host name.
    #[test]
    fn host_like_links() {
        for host in [
            "www.kth.se/slides.pdf",
            "kth.se/x",
            "Example.ORG/a",
            "www.kth.se",
        ] {
            assert!(looks_like_host(host), "{host}");
        }
        for path in [
            "slides.pdf",
            "papers/x.pdf",
            "/www.kth.se/x",
            "./kth.se/x",
            "https://kth.se/x",
            "v1.2/notes.pdf",
        ] {
            assert!(!looks_like_host(path), "{path}");
        }
    }
}
