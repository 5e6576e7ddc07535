//! The previously published feed, read from its public address.
//!
//! A site built and deployed by CI (GitHub Pages' artifact actions) keeps
//! nothing it published in the repository: the feed students subscribe to
//! exists only at its URL. Without it a build would start every event
//! again at SEQUENCE 0 with new stamps, and subscribers' apps could keep
//! stale copies of changed events. So `build --previous URL` reads it from
//! there, within bounds: a size limit (that of any previous feed), a time
//! limit for the whole exchange, and a few redirects at most. A feed that
//! cannot be read stops the build before anything is written; a 404 is a
//! first publish, said in the report.

use std::path::Path;
use std::time::Duration;

use crate::publish::PreviousFeed;
use crate::Error;

/// How far a fetch may go.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole exchange, redirects and body included.
    pub timeout: Duration,
    /// The body's size, in bytes.
    pub max_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
}

impl Default for Limits {
    /// A minute, the size any previous feed may have, five redirects (a
    /// site moved to https and to a custom domain takes two).
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(60),
            max_bytes: crate::input::MAX_FEED_BYTES,
            max_redirects: 5,
        }
    }
}

/// What the address gave.
#[derive(Debug)]
pub enum Fetched {
    /// The feed, read.
    Feed(PreviousFeed),
    /// 404: nothing published there yet.
    FirstPublish,
}

/// The address when `previous` is one (`http://` or `https://`), not a file.
pub fn url(previous: &Path) -> Option<&str> {
    let text = previous.to_str()?;
    let scheme = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    (scheme.starts_with("http://") || scheme.starts_with("https://")).then_some(text)
}

/// `build --previous`'s argument, a file or an address: the feed, or None
/// where an address has none yet (a first publish; see [`url()`] to tell).
pub fn read(previous: &Path) -> Result<Option<PreviousFeed>, Error> {
    match url(previous) {
        None => crate::publish::read_previous(previous, true),
        Some(address) => match fetch(address)? {
            Fetched::Feed(feed) => Ok(Some(feed)),
            Fetched::FirstPublish => Ok(None),
        },
    }
}

/// The previous version of the feed named `file` published beside the one
/// `previous` names (a group's or an audience's feed, in the same folder
/// of the same site): None where there is none yet, a first publish of it.
pub fn read_beside(previous: &Path, file: &str) -> Result<Option<PreviousFeed>, Error> {
    match url(previous) {
        None => crate::publish::read_previous(&previous.with_file_name(file), false),
        Some(address) => {
            let beside = url::Url::parse(address)
                .and_then(|u| u.join(file))
                .map_err(|e| Error::PreviousUnreadable {
                    path: previous.to_owned(),
                    reason: format!("no address beside it for `{file}`: {e}"),
                })?;
            match fetch(beside.as_str())? {
                Fetched::Feed(feed) => Ok(Some(feed)),
                Fetched::FirstPublish => Ok(None),
            }
        }
    }
}

/// Read the feed published at `url` with the default [`Limits`].
pub fn fetch(url: &str) -> Result<Fetched, Error> {
    fetch_with(url, Limits::default())
}

/// Read the feed published at `url`.
pub fn fetch_with(url: &str, limits: Limits) -> Result<Fetched, Error> {
    let failed = |reason: String| Error::PreviousUnreachable {
        url: url.to_owned(),
        reason,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(limits.max_redirects)
        .timeout_global(Some(limits.timeout))
        .user_agent(concat!("coursefeed/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| failed(reason(&e, &limits)))?;
    let status = response.status();
    match status.as_u16() {
        200..=299 => {}
        // 410 Gone says something was there: not a first publish.
        404 => return Ok(Fetched::FirstPublish),
        code => {
            return Err(failed(
                format!(
                    "the server answered {code} {}",
                    status.canonical_reason().unwrap_or_default()
                )
                .trim_end()
                .to_owned(),
            ))
        }
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(|e| failed(reason(&e, &limits)))?;
    PreviousFeed::from_bytes(Path::new(url), &bytes).map(Fetched::Feed)
}

/// Why a fetch failed, in words.
fn reason(e: &ureq::Error, limits: &Limits) -> String {
    match e {
        ureq::Error::Timeout(_) => match limits.timeout.subsec_millis() {
            0 => format!("no whole answer within {} s", limits.timeout.as_secs()),
            _ => format!("no whole answer within {} ms", limits.timeout.as_millis()),
        },
        ureq::Error::TooManyRedirects => {
            format!("more than {} redirects", limits.max_redirects)
        }
        ureq::Error::BodyExceedsLimit(n) => format!("it is larger than {n} bytes"),
        ureq::Error::HostNotFound => "its host is not found".to_owned(),
        ureq::Error::ConnectionFailed => "the connection failed".to_owned(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused".to_owned()
        }
        ureq::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A server on 127.0.0.1 that answers one request with `answer`,
    /// after `delay`; its address.
    fn serve_once(answer: Vec<u8>, delay: Duration) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut request = [0; 4096];
                let _ = stream.read(&mut request);
                std::thread::sleep(delay);
                let _ = stream.write_all(&answer);
            }
        });
        format!("http://{address}/schedule.ics")
    }

    fn ok(body: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";

    // Test that a body over the size limit is refused, not read.
    #[test]
    fn size_is_bounded() {
        let url = serve_once(ok(FEED), Duration::ZERO);
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        let e = fetch_with(&url, limits).expect_err("too large");
        assert_eq!(
            e.to_string(),
            format!("cannot read the previous feed at {url}: it is larger than 10 bytes\n  hint: check the address, or run with --fresh to start every event again (subscribers' apps may keep stale copies of changed events)")
        );
        // Within the limit, the same answer is read.
        let url = serve_once(ok(FEED), Duration::ZERO);
        assert!(matches!(fetch(&url), Ok(Fetched::Feed(_))));
    }

    // Test that a server that does not answer in time ends the fetch.
    #[test]
    fn time_is_bounded() {
        let url = serve_once(ok(FEED), Duration::from_secs(5));
        let limits = Limits {
            timeout: Duration::from_millis(300),
            ..Limits::default()
        };
        let started = std::time::Instant::now();
        let e = fetch_with(&url, limits).expect_err("too slow");
        assert!(started.elapsed() < Duration::from_secs(4));
        assert!(
            e.to_string().contains(": no whole answer within 300 ms\n"),
            "{e}"
        );
    }

    // Test that only http(s) addresses are taken for addresses.
    #[test]
    fn addresses_and_files() {
        assert_eq!(
            url(Path::new("HTTPS://x.org/a.ics")),
            Some("HTTPS://x.org/a.ics")
        );
        assert_eq!(url(Path::new("http://x")), Some("http://x"));
        assert_eq!(url(Path::new("public/schedule.ics")), None);
        assert_eq!(url(Path::new("https:relative")), None);
    }
}
