//! The dev server answers only the local browser, and sockets left open by anything else never
//! keep that browser from its page: the real `carnet serve`, asked as an attacker would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::server::Server;
use crate::common::*;

fn small_site() -> tempfile::TempDir {
    site_with(&[
        ("README.md", "# Home\n\nHello.\n"),
        ("page.md", "# Page\n\nv1\n"),
    ])
}

/// The status of `request` (written as is), or 0 when the server closed without answering.
fn status_of(port: u16, request: &str) -> u16 {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return 0;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.write_all(request.as_bytes());
    let mut head = [0u8; 12];
    match stream.read_exact(&mut head) {
        Ok(()) => String::from_utf8_lossy(&head[9..12]).parse().unwrap_or(0),
        Err(_) => 0,
    }
}

fn get_with(port: u16, headers: &str) -> u16 {
    status_of(
        port,
        &format!("GET / HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"),
    )
}

#[test]
fn requests_naming_another_host_are_refused() {
    let site = small_site();
    let server = Server::start(site.path(), &[]);
    let port = server.port;
    assert_eq!(get_with(port, &format!("Host: 127.0.0.1:{port}\r\n")), 200);
    assert_eq!(get_with(port, &format!("Host: localhost:{port}\r\n")), 200);
    assert_eq!(get_with(port, &format!("Host: [::1]:{port}\r\n")), 200);
    // DNS rebinding: the attacker's name, resolved to 127.0.0.1.
    assert_eq!(
        get_with(port, &format!("Host: evil.example:{port}\r\n")),
        403
    );
    assert_eq!(get_with(port, "Host: localhost.evil.example\r\n"), 403);
    assert_eq!(
        status_of(port, "GET / HTTP/1.0\r\n\r\n"),
        403,
        "no Host at all"
    );
}

#[test]
fn allowed_host_names_another_name_the_server_answers_to() {
    let site = small_site();
    let server = Server::start(site.path(), &["--allowed-host", "docs.lan"]);
    let port = server.port;
    assert_eq!(get_with(port, &format!("Host: docs.lan:{port}\r\n")), 200);
    assert_eq!(get_with(port, &format!("Host: other.lan:{port}\r\n")), 403);
}

#[test]
fn the_live_reload_stream_refuses_other_origins() {
    let site = small_site();
    let server = Server::start(site.path(), &[]);
    let port = server.port;
    let events = |origin: &str| {
        status_of(
            port,
            &format!("GET /__carnet/events HTTP/1.1\r\nHost: localhost:{port}\r\n{origin}\r\n"),
        )
    };
    assert_eq!(events("Origin: https://evil.example\r\n"), 403);
    assert_eq!(events("Origin: null\r\n"), 403);
    assert_eq!(events(&format!("Origin: http://localhost:{port}\r\n")), 200);
    assert_eq!(events(""), 200, "same-origin requests may carry no Origin");
}

#[test]
fn a_connection_that_never_finishes_its_headers_is_closed() {
    let site = small_site();
    let server = Server::start(site.path(), &[]);
    let started = Instant::now();
    let mut silent = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        .expect("half a request");
    for stream in [&mut silent, &mut slow] {
        stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
        let mut buf = [0u8; 64];
        match stream.read(&mut buf) {
            Ok(0) => {}
            Ok(n) => panic!("answered: {}", String::from_utf8_lossy(&buf[..n])),
            Err(err) => panic!("still open after {:?}: {err}", started.elapsed()),
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "closed after {:?}",
        started.elapsed()
    );
}

/// Raises this process's open-file limit to its hard limit; returns the limit.
#[cfg(unix)]
fn raise_open_files() -> u64 {
    // SAFETY: getrlimit/setrlimit fill and read a plain struct for this process.
    unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur
    }
}

/// Not a test of its own: the process that holds the idle sockets of the next test (run by it
/// with `CARNET_HOLD_SOCKETS=PORT`), so the suite's other tests keep their file descriptors. It
/// prints how many it holds, then waits for its standard input to close.
#[cfg(unix)]
#[test]
#[ignore = "a helper process of twenty_thousand_idle_sockets_do_not_keep_a_browser_from_its_page"]
fn hold_idle_sockets() {
    let Some(port) = std::env::var("CARNET_HOLD_SOCKETS")
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
    else {
        return;
    };
    let wanted = 20_000usize.min(raise_open_files().saturating_sub(64) as usize);
    let mut idle = Vec::with_capacity(wanted);
    while idle.len() < wanted {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(socket) => idle.push(socket),
            Err(_) => break,
        }
    }
    println!("holding {} sockets", idle.len());
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(idle);
}

#[cfg(unix)]
#[test]
fn twenty_thousand_idle_sockets_do_not_keep_a_browser_from_its_page() {
    let site = small_site();
    // With the open-file limit many systems start a server with: the sockets outnumber it.
    let server = Server::start_with_open_files(site.path(), &[], 1024);
    let port = server.port;
    // A page open before the flood keeps its live-reload stream: it is busy, not idle.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .write_all(b"GET /__carnet/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("events");
    stream.set_read_timeout(Some(Duration::from_secs(20))).ok();
    let mut events = BufReader::new(stream);
    let mut line = String::new();
    while !line.starts_with("data:") {
        line.clear();
        assert!(events.read_line(&mut line).unwrap_or(0) > 0, "stream open");
    }
    // Up to 20,000 idle sockets (as many as a process may open here), held by another process.
    let mut holder = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--ignored",
            "--exact",
            "dev_server::hold_idle_sockets",
            "--nocapture",
        ])
        .env("CARNET_HOLD_SOCKETS", port.to_string())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("socket holder");
    let mut held = String::new();
    let mut holder_out = BufReader::new(holder.stdout.take().expect("stdout"));
    while !held.starts_with("holding") {
        held.clear();
        if holder_out.read_line(&mut held).unwrap_or(0) == 0 {
            break;
        }
    }
    let count: usize = held
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(count >= 10_000, "only {count} sockets: {held}");
    let started = Instant::now();
    let (status, body) = server.get("/");
    let took = started.elapsed();
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(status, 200, "after {count} idle sockets");
    assert!(body.contains("Hello."));
    assert!(took < Duration::from_secs(10), "{took:?}");
    // The stream opened first still carries the next rebuild.
    write(site.path(), "page.md", b"# Page\n\nv2\n");
    line.clear();
    while !line.starts_with("data:") {
        line.clear();
        assert!(
            events.read_line(&mut line).unwrap_or(0) > 0,
            "the live-reload stream was closed"
        );
    }
}
