//! Checking external links (`carnet check --external`), politely.
//!
//! Never on by default: it depends on other people's servers. When asked, each distinct URL is
//! checked once, by a bounded pool of workers, at most one request at a time per host and no
//! faster than `host_interval`; `429` and `503` are retried after their `Retry-After`; a request
//! that hangs gives up after `timeout`. Results are kept in a cache file with an expiry, so a
//! pre-commit hook or a CI run does not ask every server again.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::markdown::{RefKind, Reference};
use crate::site::Site;

/// How to check external links.
#[derive(Clone, Debug)]
pub struct ExternalOptions {
    /// URLs starting with any of these are not checked (`--external-skip`).
    pub skip: Vec<String>,
    pub workers: usize,
    /// Minimum time between two requests to one host.
    pub host_interval: Duration,
    pub timeout: Duration,
    /// Retries after `429` / `503`.
    pub retries: u32,
    /// Longest `Retry-After` honoured; beyond it the link is reported as rate-limited.
    pub max_retry_after: Duration,
    /// Where results are remembered, and for how long.
    pub cache: Option<PathBuf>,
    pub cache_ttl: Duration,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            skip: Vec::new(),
            workers: 8,
            host_interval: Duration::from_millis(250),
            timeout: Duration::from_secs(10),
            retries: 2,
            max_retry_after: Duration::from_secs(30),
            cache: None,
            cache_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// What a URL answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Ok,
    /// An HTTP error status (404, 410, 500…).
    Status(u16),
    /// Still `429`/`503` after the retries.
    RateLimited(u16),
    TimedOut,
    /// DNS, connection or TLS failure.
    Unreachable(String),
}

#[derive(Serialize, Deserialize, Default)]
struct CacheFile {
    /// URL → (outcome, when it was checked, in seconds since the Unix epoch).
    links: BTreeMap<String, (Outcome, u64)>,
}

/// Checks every external link of the published pages; one warning per place a failing URL is
/// written.
pub fn check_external_links(site: &Site, options: &ExternalOptions) -> Vec<Diagnostic> {
    let places = external_places(site, options);
    let now = unix_now();
    let mut cache = options
        .cache
        .as_ref()
        .map(|path| read_cache(path))
        .unwrap_or_default();
    let fresh = |checked: u64| now.saturating_sub(checked) < options.cache_ttl.as_secs();
    let to_check: Vec<&str> = places
        .keys()
        .map(String::as_str)
        .filter(|url| {
            !cache
                .links
                .get(*url)
                .is_some_and(|(_, checked)| fresh(*checked))
        })
        .collect();
    for (url, outcome) in check_urls(&to_check, options) {
        cache.links.insert(url, (outcome, now));
    }
    if let Some(path) = &options.cache {
        write_cache(path, &cache);
    }
    let mut diagnostics = Vec::new();
    for (url, occurrences) in &places {
        let Some((outcome, _)) = cache.links.get(url) else {
            continue;
        };
        let Some(problem) = describe(outcome) else {
            continue;
        };
        for &(page, ref span) in occurrences {
            let page = &site.pages[page];
            let message = format!("external link `{url}`: {problem}");
            diagnostics.push(page.diagnostic_at(
                &site.config.root,
                Diagnostic::warning("external-link", message),
                span.clone(),
            ));
        }
    }
    diagnostics
}

/// Each distinct http(s) URL of the published pages, with where it is written.
fn external_places(
    site: &Site,
    options: &ExternalOptions,
) -> BTreeMap<String, Vec<(usize, std::ops::Range<usize>)>> {
    let mut places: BTreeMap<String, Vec<(usize, std::ops::Range<usize>)>> = BTreeMap::new();
    for (id, page) in site.published() {
        for Reference { span, kind } in &page.fragment.refs {
            let dest = match kind {
                RefKind::Url { dest, .. }
                | RefKind::Link { dest, .. }
                | RefKind::ContentRef { dest, .. }
                | RefKind::Mention { dest, .. } => dest.trim(),
                RefKind::FileCard { .. } | RefKind::Word { .. } => continue,
            };
            let is_http = dest.starts_with("https://") || dest.starts_with("http://");
            if !is_http
                || options
                    .skip
                    .iter()
                    .any(|prefix| dest.starts_with(prefix.as_str()))
            {
                continue;
            }
            let url = dest.split('#').next().unwrap_or(dest).to_string();
            places.entry(url).or_default().push((id, span.clone()));
        }
    }
    places
}

/// Checks `urls` with a bounded pool of workers, pacing requests per host.
fn check_urls(urls: &[&str], options: &ExternalOptions) -> Vec<(String, Outcome)> {
    crate::net::install_tls_provider();
    let client = reqwest::blocking::Client::builder()
        .timeout(options.timeout)
        .user_agent(concat!("carnet-link-checker/", env!("CARGO_PKG_VERSION")))
        .build();
    let client = match client {
        Ok(client) => client,
        Err(err) => {
            let reason = format!("cannot start an HTTP client: {err}");
            return urls
                .iter()
                .map(|url| (url.to_string(), Outcome::Unreachable(reason.clone())))
                .collect();
        }
    };
    let queue = Mutex::new(urls.iter().map(|u| u.to_string()).collect::<Vec<_>>());
    let pacer = HostPacer::new(options.host_interval);
    let results = Mutex::new(Vec::with_capacity(urls.len()));
    std::thread::scope(|scope| {
        for _ in 0..options.workers.clamp(1, 64).min(urls.len().max(1)) {
            scope.spawn(|| {
                while let Some(url) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    let outcome = check_url(&client, &url, &pacer, options);
                    if let Ok(mut results) = results.lock() {
                        results.push((url, outcome));
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

fn check_url(
    client: &reqwest::blocking::Client,
    url: &str,
    pacer: &HostPacer,
    options: &ExternalOptions,
) -> Outcome {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .unwrap_or(url)
        .to_string();
    let mut attempt = 0;
    loop {
        pacer.wait_turn(&host);
        let started = Instant::now();
        let response = match client.head(url).send() {
            Ok(response) if matches!(response.status().as_u16(), 405 | 501) => {
                client.get(url).send()
            }
            other => other,
        };
        let response = match response {
            Ok(response) => response,
            Err(err) if err.is_timeout() || started.elapsed() >= options.timeout => {
                return Outcome::TimedOut;
            }
            Err(err) => return Outcome::Unreachable(error_chain(&err)),
        };
        let status = response.status().as_u16();
        if status < 400 {
            return Outcome::Ok;
        }
        if !matches!(status, 429 | 503) {
            return Outcome::Status(status);
        }
        let wait = retry_after(
            response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
        );
        if attempt >= options.retries || wait > options.max_retry_after {
            return Outcome::RateLimited(status);
        }
        attempt += 1;
        pacer.delay_host(&host, wait);
    }
}

/// How long `Retry-After` asks to wait (seconds, or an HTTP date); one second when absent.
fn retry_after(value: Option<&str>) -> Duration {
    let Some(value) = value.map(str::trim) else {
        return Duration::from_secs(1);
    };
    if let Ok(seconds) = value.parse::<u64>() {
        return Duration::from_secs(seconds);
    }
    httpdate::parse_http_date(value)
        .ok()
        .and_then(|when| when.duration_since(SystemTime::now()).ok())
        .unwrap_or(Duration::from_secs(1))
}

/// One request at a time per host, spaced by at least the interval.
struct HostPacer {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl HostPacer {
    fn new(interval: Duration) -> Self {
        HostPacer {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until `host` may be asked again, and books the next slot.
    fn wait_turn(&self, host: &str) {
        let wait = {
            let Ok(mut next) = self.next.lock() else {
                return;
            };
            let now = Instant::now();
            let slot = next.get(host).copied().unwrap_or(now).max(now);
            next.insert(host.to_string(), slot + self.interval);
            slot - now
        };
        std::thread::sleep(wait);
    }

    /// Pushes `host`'s next slot at least `delay` away (a server's `Retry-After`).
    fn delay_host(&self, host: &str, delay: Duration) {
        if let Ok(mut next) = self.next.lock() {
            let later = Instant::now() + delay;
            let slot = next.entry(host.to_string()).or_insert(later);
            *slot = (*slot).max(later);
        }
    }
}

/// An error with its causes ("error sending request: … : connection refused"): reqwest's own
/// message alone does not say what went wrong.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

fn describe(outcome: &Outcome) -> Option<String> {
    Some(match outcome {
        Outcome::Ok => return None,
        Outcome::Status(status) => format!("the server answers {status}"),
        Outcome::RateLimited(status) => {
            format!("the server still answers {status} after waiting as asked")
        }
        Outcome::TimedOut => "no answer before the timeout".to_string(),
        Outcome::Unreachable(reason) => format!("unreachable ({reason})"),
    })
}

/// The cache lives in the site folder (`.carnet-cache/`), where anyone who writes the site can
/// put a symbolic link: neither the file nor its folder may be one, or the cache is not used
/// (read from or written to anywhere the link says).
fn cache_is_plain(path: &std::path::Path) -> bool {
    let is_link = |p: &std::path::Path| {
        std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
    };
    !is_link(path) && !path.parent().is_some_and(is_link)
}

fn read_cache(path: &std::path::Path) -> CacheFile {
    if !cache_is_plain(path) {
        return CacheFile::default();
    }
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Writes the cache atomically; a cache that cannot be written is only a slower next run.
fn write_cache(path: &std::path::Path, cache: &CacheFile) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() || !cache_is_plain(path) {
        return;
    }
    let Ok(json) = serde_json::to_vec_pretty(cache) else {
        return;
    };
    let Ok(mut file) = tempfile::NamedTempFile::new_in(dir) else {
        return;
    };
    if std::io::Write::write_all(&mut file, &json).is_ok() {
        let _ = file.persist(path);
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(retry_after(Some("3")), Duration::from_secs(3));
        assert_eq!(retry_after(None), Duration::from_secs(1));
        assert_eq!(
            retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            Duration::from_secs(1),
            "a past date"
        );
    }

    #[test]
    fn pacing_spaces_requests_to_one_host() {
        let pacer = HostPacer::new(Duration::from_millis(40));
        let started = Instant::now();
        for _ in 0..3 {
            pacer.wait_turn("example.org");
        }
        assert!(started.elapsed() >= Duration::from_millis(80));
        let other = Instant::now();
        pacer.wait_turn("other.org");
        assert!(other.elapsed() < Duration::from_millis(40));
    }
}
