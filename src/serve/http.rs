//! The dev server: serves the current snapshot over HTTP as a static host would (pretty URLs,
//! the site's 404 page, its base path), plus the live-reload endpoints under `__carnet/`.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::snapshot::Snapshot;
use crate::render::Job;

/// What request handlers share with the rebuild loop.
pub struct Shared {
    pub snapshot: RwLock<Arc<Snapshot>>,
    /// Sent after every rebuild (JSON): clients check whether their page changed.
    pub events: broadcast::Sender<String>,
    /// The last event, sent to a client as soon as it connects (a page opened while the
    /// overlay is up shows it too).
    pub last_event: RwLock<String>,
    /// The site's base path (`/` or `/docs/`).
    pub base: String,
    /// Set when the server stops: event streams end then, or an open page would hold the
    /// graceful shutdown forever (its stream never ends by itself).
    pub stopping: tokio::sync::watch::Sender<bool>,
}

impl Shared {
    pub fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The server's routes, behind the check that requests come from the local browser.
pub fn router(shared: Arc<Shared>, policy: super::guard::HostPolicy) -> Router {
    Router::new()
        .fallback(handle)
        .with_state(shared)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(policy),
            super::guard::check_request,
        ))
}

const LIVE_JS: &str = include_str!("live.js");

async fn handle(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let path = uri.path().to_owned();
    let live = format!("{}__carnet/", shared.base);
    if let Some(endpoint) = path.strip_prefix(&live) {
        return match endpoint {
            "events" => events(&shared).into_response(),
            "live.js" => (
                [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                LIVE_JS,
            )
                .into_response(),
            "hash" => {
                let target = uri
                    .query()
                    .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("path=")))
                    .map(|p| {
                        percent_encoding::percent_decode_str(p)
                            .decode_utf8_lossy()
                            .into_owned()
                    })
                    .unwrap_or_default();
                let shared = shared.clone();
                let hash = tokio::task::spawn_blocking(move || page_hash(&shared, &target))
                    .await
                    .unwrap_or_default();
                ([(header::CACHE_CONTROL, "no-store")], hash).into_response()
            }
            _ => StatusCode::NOT_FOUND.into_response(),
        };
    }
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    tokio::task::spawn_blocking(move || serve_path(&shared, &path, &query))
        .await
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn events(shared: &Shared) -> impl IntoResponse {
    let first = shared
        .last_event
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let updates = BroadcastStream::new(shared.events.subscribe()).filter_map(|m| m.ok());
    let mut stopping = shared.stopping.subscribe();
    let stopped = async move {
        let _ = stopping.wait_for(|stopping| *stopping).await;
    };
    let stream = tokio_stream::once(first)
        .chain(updates)
        .map(|data| Ok::<Event, Infallible>(Event::default().data(data)));
    let stream = futures_util::StreamExt::take_until(stream, stopped);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// An output file (output-relative path).
    File(String),
    /// A folder asked for without its trailing slash, or the base path without it.
    Redirect(String),
    /// Dangerous or malformed: `..`, encoded slashes, NUL, backslashes.
    BadRequest,
    NotFound,
}

/// Maps a raw (percent-encoded) request path to an output path under `base`.
pub fn target(raw: &str, base: &str) -> Target {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return Target::BadRequest;
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(raw).decode_utf8() else {
        return Target::BadRequest;
    };
    if decoded.contains('\\') || decoded.contains('\0') || !decoded.starts_with('/') {
        return Target::BadRequest;
    }
    if decoded
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Target::BadRequest;
    }
    if base != "/" && decoded == base.trim_end_matches('/') {
        return Target::Redirect(base.to_owned());
    }
    let Some(rel) = decoded.strip_prefix(base) else {
        return Target::NotFound;
    };
    if rel.contains("//") {
        return Target::NotFound;
    }
    if rel.is_empty() || rel.ends_with('/') {
        return Target::File(format!("{rel}index.html"));
    }
    Target::File(rel.to_owned())
}

fn serve_path(shared: &Shared, path: &str, query: &str) -> Response {
    let snapshot = shared.current();
    match target(path, &shared.base) {
        Target::BadRequest => (StatusCode::BAD_REQUEST, "bad request path\n").into_response(),
        Target::Redirect(to) => redirect(&format!("{to}{query}")),
        Target::NotFound => not_found(shared, &snapshot),
        Target::File(rel) if snapshot.plan().job(&rel) == Some(Job::LlmsFull) => {
            stream_llms_full(snapshot)
        }
        Target::File(rel) => match snapshot.output(&rel) {
            Some(bytes) => respond(shared, &rel, bytes, StatusCode::OK),
            None if snapshot.output(&format!("{rel}/index.html")).is_some() => {
                redirect(&format!("{path}/{query}"))
            }
            None => not_found(shared, &snapshot),
        },
    }
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn not_found(shared: &Shared, snapshot: &Snapshot) -> Response {
    match snapshot.output("404.html") {
        Some(bytes) => respond(shared, "404.html", bytes, StatusCode::NOT_FOUND),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn respond(shared: &Shared, rel: &str, bytes: Arc<Vec<u8>>, status: StatusCode) -> Response {
    let mime = mime_guess::from_path(rel).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let content_type = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    };
    let body = if is_html {
        Body::from(inject_live_script(&bytes, &shared.base))
    } else {
        // The kept bytes themselves, not a copy: `llms-full.txt` is the whole site's Markdown
        // (52 MB on 10,000 pages), and its copy was a sixth of a `serve`'s peak.
        Body::from(axum::body::Bytes::from_owner(Kept(bytes)))
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `llms-full.txt` (the whole site's Markdown, 47 MB on 10,000 pages) made and sent a few
/// hundred pages at a time, from a thread of its own: the server never holds it whole, nor
/// keeps it (a reader asks for it seldom; each request costs what a build spends on it).
fn stream_llms_full(snapshot: Arc<Snapshot>) -> Response {
    // A few batches ahead of the connection at most.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    std::thread::spawn(move || {
        super::llms_full::stream(&snapshot.site, |bytes| sender.blocking_send(bytes).is_ok());
    });
    let parts = tokio_stream::wrappers::ReceiverStream::new(receiver).map(Ok::<_, Infallible>);
    let mut response = Response::new(Body::from_stream(parts));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// An output file as the snapshot keeps it, lent to a response body.
struct Kept(Arc<Vec<u8>>);

impl AsRef<[u8]> for Kept {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The content hash a page is served with: the live script compares it after each rebuild.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_owned()
}

/// The live-reload script, added before `</body>` of HTML responses (only while serving).
fn inject_live_script(html: &[u8], base: &str) -> Vec<u8> {
    let mut escaped = String::with_capacity(base.len());
    let _ = pulldown_cmark_escape::escape_html(&mut escaped, base);
    let base = escaped;
    let tag = format!(
        "<script src=\"{base}__carnet/live.js\" data-base=\"{base}\" data-hash=\"{}\"></script>\n",
        content_hash(html)
    );
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The current hash of the page a browser shows (its path as in the address bar).
fn page_hash(shared: &Shared, path: &str) -> String {
    let snapshot = shared.current();
    let rel = match target(path, &shared.base) {
        Target::File(rel) => rel,
        _ => "404.html".to_owned(),
    };
    snapshot
        .output(&rel)
        .or_else(|| snapshot.output("404.html"))
        .map(|bytes| content_hash(&bytes))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_urls_map_to_index_files() {
        assert_eq!(target("/", "/"), Target::File("index.html".into()));
        assert_eq!(target("/a/b/", "/"), Target::File("a/b/index.html".into()));
        assert_eq!(target("/a/b", "/"), Target::File("a/b".into()));
        assert_eq!(
            target("/caf%C3%A9/", "/"),
            Target::File("café/index.html".into())
        );
    }

    #[test]
    fn the_base_path_is_honoured() {
        assert_eq!(
            target("/docs/a/", "/docs/"),
            Target::File("a/index.html".into())
        );
        assert_eq!(target("/docs", "/docs/"), Target::Redirect("/docs/".into()));
        assert_eq!(target("/a/", "/docs/"), Target::NotFound);
    }

    #[test]
    fn traversal_attempts_are_refused() {
        for raw in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a%2f..%2f..%2fetc",
            "/a%5c..%5cb",
            "/a/./b",
            "/%00",
            "/%ff",
        ] {
            assert_eq!(target(raw, "/"), Target::BadRequest, "{raw}");
        }
    }

    #[test]
    fn the_base_path_is_escaped_in_the_live_script_tag() {
        let out = inject_live_script(b"<body></body>", "/a\"><script>x</script>/");
        let out = String::from_utf8(out).unwrap_or_default();
        assert!(!out.contains("<script>x"), "{out}");
        assert_eq!(out.matches("<script").count(), 1, "{out}");
    }

    #[test]
    fn the_live_script_goes_before_the_body_end() {
        let html = b"<html><body><p>x</p></body></html>";
        let out = String::from_utf8(inject_live_script(html, "/docs/")).unwrap_or_default();
        assert!(
            out.contains(
                "<script src=\"/docs/__carnet/live.js\" data-base=\"/docs/\" data-hash=\""
            ),
            "{out}"
        );
        assert!(out.ends_with("</script>\n</body></html>"), "{out}");
    }
}
