//! A running `carnet serve` for tests: the real binary on 127.0.0.1 with an ephemeral port,
//! and a plain HTTP client that sends paths exactly as written.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `carnet serve`; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    /// Lines the server printed, collected by a thread.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(site: &Path, extra: &[&str]) -> Server {
        Self::spawn(Self::command(site, extra))
    }

    /// A server allowed `open_files` file descriptors (1,024 is many systems' default).
    #[cfg(unix)]
    pub fn start_with_open_files(site: &Path, extra: &[&str], open_files: u64) -> Server {
        use std::os::unix::process::CommandExt;
        let mut command = Self::command(site, extra);
        // SAFETY: between fork and exec, only setrlimit (async-signal-safe) is called.
        unsafe {
            command.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: open_files,
                    rlim_max: open_files,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        Self::spawn(command)
    }

    fn command(site: &Path, extra: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_carnet"));
        command
            .arg("serve")
            .arg(site)
            .args(["--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        command
    }

    fn spawn(mut command: Command) -> Server {
        let mut child = command.spawn().expect("carnet serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = line
                    .split("http://127.0.0.1:")
                    .nth(1)
                    .and_then(|rest| rest.split('/').next())
                    .and_then(|p| p.parse::<u16>().ok())
                {
                    let _ = port_tx.send(port);
                }
                lines.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            }
        });
        let port = port_rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the server prints its address");
        Server { child, port, log }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        raw_get(self.port, path)
    }

    /// The page at `path` without the live-reload script (what a build writes).
    pub fn page(&self, path: &str) -> String {
        strip_live_script(&self.get(path).1)
    }

    /// Polls `path` until its body satisfies `ready` (a generous timeout: CI machines are slow).
    pub fn wait_until(&self, path: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let body = self.get(path).1;
            if ready(&body) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting on {path}; last body:\n{body}\nlog: {:?}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Polls `path` until it answers `status` (a page deleted: 404).
    pub fn wait_for_status(&self, path: &str, status: u16) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.get(path).0 != status {
            assert!(
                Instant::now() < deadline,
                "{path} never answered {status}; log: {:?}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Server {
    /// Ctrl-C, and the exit status if the server ends within `limit`.
    pub fn interrupt(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        super::interrupt(&mut self.child, limit)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A GET sent as written (no client-side path normalisation), with the status and body.
pub fn raw_get(port: u16, path: &str) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new());
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return (0, String::new());
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, body)
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

pub fn strip_live_script(html: &str) -> String {
    match html.find("<script src=\"/__carnet/live.js\"") {
        Some(start) => {
            let end = html[start..]
                .find("</script>\n")
                .map_or(html.len(), |e| start + e + "</script>\n".len());
            format!("{}{}", &html[..start], &html[end..])
        }
        None => html.to_owned(),
    }
}
