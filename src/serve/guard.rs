//! The dev server answers only the local browser.
//!
//! A web page the contributor visits can make their browser send requests to
//! `http://127.0.0.1:1111/` (or to a name it controls that resolves there: DNS rebinding) and,
//! with rebinding, read the answers. What gives such requests away is the `Host` they carry (the
//! attacker's name), and the `Origin` of a script's request. So every request must name the
//! server by the address it listens on, `localhost`, a loopback address, or a name given with
//! `--allowed-host`; the live-reload endpoints also refuse an `Origin` that is not one of those.
//! Anything else gets 403.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The names a request may call the server by.
#[derive(Clone, Debug)]
pub struct HostPolicy {
    /// The address the server listens on (an unspecified one, `0.0.0.0`, names no host).
    bound: IpAddr,
    /// `--allowed-host` names and addresses, lower case.
    allowed: Vec<String>,
    /// Where the live-reload endpoints are (`/docs/__carnet/`): they also check `Origin`.
    live_prefix: String,
}

impl HostPolicy {
    pub fn new(bound: IpAddr, allowed: &[String], base: &str) -> Self {
        HostPolicy {
            bound,
            allowed: allowed
                .iter()
                .map(|name| name.trim().trim_end_matches('.').to_ascii_lowercase())
                .collect(),
            live_prefix: format!("{base}__carnet/"),
        }
    }

    /// Whether `host` (a `Host` header: a name or address, with or without a port) names this
    /// server.
    pub fn allows_host(&self, host: &str) -> bool {
        let Some(name) = host_name(host) else {
            return false;
        };
        if name == "localhost" || self.allowed.contains(&name) {
            return true;
        }
        match name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            Ok(ip) => ip.is_loopback() || (!self.bound.is_unspecified() && ip == self.bound),
            Err(_) => false,
        }
    }

    /// Whether an `Origin` header (`http://host:port`) is a page of this server.
    pub fn allows_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|host| !host.contains('/') && self.allows_host(host))
    }

    /// Why the request with `headers` to `path` is refused, if it is.
    fn refusal(&self, path: &str, headers: &HeaderMap) -> Option<&'static str> {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        if !host.is_some_and(|h| self.allows_host(h)) {
            return Some(
                "this server answers only requests addressed to it as localhost or its own address (see --allowed-host)\n",
            );
        }
        if path.starts_with(&self.live_prefix) {
            let origin = headers
                .get(header::ORIGIN)
                .map(|o| o.to_str().unwrap_or(""));
            if origin.is_some_and(|o| !self.allows_origin(o)) {
                return Some("the live-reload stream answers only this server's own pages\n");
            }
        }
        None
    }
}

/// The host part of a `Host` header, lower case, without port or trailing dot; `None` when it
/// is not a plausible host.
fn host_name(host: &str) -> Option<String> {
    let host = host.trim();
    let name = if host.starts_with('[') {
        // `[::1]:1111`
        &host[..host.find(']')? + 1]
    } else {
        host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        })
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

/// The middleware: 403 for a request that does not come from the local browser.
pub async fn check_request(
    State(policy): State<Arc<HostPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    match policy.refusal(request.uri().path(), request.headers()) {
        Some(why) => (StatusCode::FORBIDDEN, why).into_response(),
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(bound: &str, allowed: &[&str]) -> HostPolicy {
        let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        HostPolicy::new(bound.parse().unwrap(), &allowed, "/")
    }

    #[test]
    fn only_local_names_and_allowed_ones_pass() {
        let local = policy("127.0.0.1", &[]);
        for host in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LOCALHOST",
            "localhost.:1111",
            "[::1]:1111",
            "127.1.2.3",
        ] {
            assert!(local.allows_host(host), "{host}");
        }
        for host in [
            "evil.example:1111",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "192.168.1.5:1111",
            "",
            ":1111",
        ] {
            assert!(!local.allows_host(host), "{host}");
        }
        let lan = policy("0.0.0.0", &["Docs.Lan"]);
        assert!(lan.allows_host("docs.lan:1111"));
        assert!(!lan.allows_host("0.0.0.0:1111"));
        assert!(!lan.allows_host("192.168.1.5:1111"));
        let bound = policy("192.168.1.5", &[]);
        assert!(bound.allows_host("192.168.1.5:1111"));
    }

    #[test]
    fn origins_must_be_pages_of_this_server() {
        let local = policy("127.0.0.1", &[]);
        assert!(local.allows_origin("http://127.0.0.1:1111"));
        assert!(local.allows_origin("http://localhost:1111"));
        for origin in [
            "https://evil.example",
            "http://evil.example:1111",
            "null",
            "http://localhost:1111/x",
        ] {
            assert!(!local.allows_origin(origin), "{origin}");
        }
    }
}
