//! The dev server's connections: bounded in number and in patience, so that sockets left open
//! by anything else never keep the contributor's browser from its page.
//!
//! - A connection that does not finish sending a request's headers within
//!   [`HEADER_READ_TIMEOUT`] of starting to wait for one is closed: a new connection that says
//!   nothing, one that sends its headers a byte at a time, and a kept-alive one left idle alike
//!   (hyper starts its header timer whenever it waits for a request).
//! - At most [`MAX_CONNECTIONS`] are open at once. A new one past that closes the oldest idle
//!   connection (no request being answered; an open live-reload stream is being answered), or,
//!   when none is idle, the oldest of all. The newest connection is the browser that just asked.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// How long a connection may take to send a request's headers, counted from when the server
/// starts waiting for them.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// How many connections may be open at once: a few browsers' worth (six per page and its live
/// stream), far below the process's file limit.
pub const MAX_CONNECTIONS: usize = 256;

/// How many connections the system may hold for the server before it takes them: a burst of
/// sockets then waits there rather than having its handshakes dropped and retried a second later.
const BACKLOG: u32 = 4096;

/// Listens on `address` (`SO_REUSEADDR`, as a restarted server needs) with a deep backlog.
pub fn bind(address: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(BACKLOG)
}

/// Serves `router` on `listener` until `stop` resolves, then closes every connection.
pub async fn serve_connections(
    listener: TcpListener,
    router: Router,
    stop: impl Future<Output = ()>,
) {
    let registry = Arc::new(Mutex::new(Registry::default()));
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of file descriptors, a connection reset before it was taken: wait a moment
            // for closed connections to free theirs, and go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let (id, closed) = lock(&registry).open(MAX_CONNECTIONS);
        tokio::spawn(serve_one(
            stream,
            router.clone(),
            registry.clone(),
            id,
            closed,
        ));
    }
    lock(&registry).close_all();
}

/// Answers the requests of one connection until it ends or is closed.
async fn serve_one(
    stream: tokio::net::TcpStream,
    router: Router,
    registry: Arc<Mutex<Registry>>,
    id: u64,
    closed: oneshot::Receiver<()>,
) {
    let tracked = registry.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let busy = Busy::start(&tracked, id);
        let mut router = router.clone();
        async move {
            let response = tower_service::Service::call(&mut router, request).await?;
            // The connection stays busy until the response body is done (or dropped).
            Ok::<_, Infallible>(response.map(|body| Body::new(Tracked { body, _busy: busy })))
        }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = closed => {}
    }
    lock(&registry).forget(id);
}

fn lock(registry: &Mutex<Registry>) -> std::sync::MutexGuard<'_, Registry> {
    registry.lock().unwrap_or_else(|e| e.into_inner())
}

/// The open connections, oldest first (ids only grow).
#[derive(Default)]
struct Registry {
    next_id: u64,
    open: BTreeMap<u64, Connection>,
}

struct Connection {
    /// Requests being answered (their bodies not yet done).
    busy: usize,
    close: Option<oneshot::Sender<()>>,
}

impl Registry {
    /// Registers a new connection, closing older ones past `max`; its id and the signal that
    /// closes it.
    fn open(&mut self, max: usize) -> (u64, oneshot::Receiver<()>) {
        let (close, closed) = oneshot::channel();
        let id = self.next_id;
        self.next_id += 1;
        self.open.insert(
            id,
            Connection {
                busy: 0,
                close: Some(close),
            },
        );
        while self.open.len() > max {
            let oldest_idle = self
                .open
                .iter()
                .find(|(other, c)| **other != id && c.busy == 0)
                .map(|(other, _)| *other);
            let victim = oldest_idle.or_else(|| self.open.keys().copied().find(|o| *o != id));
            let Some(victim) = victim else { break };
            self.close(victim);
        }
        (id, closed)
    }

    fn close(&mut self, id: u64) {
        if let Some(mut connection) = self.open.remove(&id)
            && let Some(close) = connection.close.take()
        {
            let _ = close.send(());
        }
    }

    fn close_all(&mut self) {
        let ids: Vec<u64> = self.open.keys().copied().collect();
        for id in ids {
            self.close(id);
        }
    }

    fn forget(&mut self, id: u64) {
        self.open.remove(&id);
    }
}

/// A request being answered on a connection: counted busy while it lives.
struct Busy {
    registry: Arc<Mutex<Registry>>,
    id: u64,
}

impl Busy {
    fn start(registry: &Arc<Mutex<Registry>>, id: u64) -> Busy {
        if let Some(connection) = lock(registry).open.get_mut(&id) {
            connection.busy += 1;
        }
        Busy {
            registry: registry.clone(),
            id,
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(connection) = lock(&self.registry).open.get_mut(&self.id) {
            connection.busy = connection.busy.saturating_sub(1);
        }
    }
}

/// A response body that keeps its connection busy until it is done.
struct Tracked {
    body: Body,
    _busy: Busy,
}

impl http_body::Body for Tracked {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_idle_connection_goes_first_then_the_oldest() {
        let mut registry = Registry::default();
        let (first, _a) = registry.open(3);
        let (second, _b) = registry.open(3);
        let (_third, _c) = registry.open(3);
        if let Some(c) = registry.open.get_mut(&first) {
            c.busy = 1;
        }
        let (_fourth, _d) = registry.open(3);
        assert!(registry.open.contains_key(&first), "busy: kept");
        assert!(!registry.open.contains_key(&second), "oldest idle: closed");
        for c in registry.open.values_mut() {
            c.busy = 1;
        }
        let (fifth, _e) = registry.open(3);
        assert!(!registry.open.contains_key(&first), "none idle: the oldest");
        assert!(registry.open.contains_key(&fifth));
        assert_eq!(registry.open.len(), 3);
    }
}
