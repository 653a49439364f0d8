//! Ctrl-C and SIGTERM: a clean stop for `serve` (the server shuts down gracefully) and for
//! `build --watch` (never in the middle of writing the output).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};

/// Resolves on Ctrl-C (SIGINT), or SIGTERM (a process manager, `docker stop`). The signals are
/// caught from this call on, not from the future's first poll.
pub fn stop_requested(
    runtime: &tokio::runtime::Runtime,
) -> Result<impl std::future::Future<Output = ()> + use<>, String> {
    let _context = runtime.enter();
    stop_signals().map_err(|e| format!("cannot listen for Ctrl-C: {e}"))
}

#[cfg(unix)]
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// For `build --watch`: Ctrl-C (or SIGTERM) stops the watch loop, but never in the middle of
/// writing the output: the loop holds [`StopBetweenWrites::writing`] while it writes, and the
/// stop waits for it, then wakes the loop (an empty batch of changes) and marks it stopped.
pub struct StopBetweenWrites {
    writing: Arc<Mutex<()>>,
    stopped: Arc<AtomicBool>,
    /// Where the loop waits for changes, once it waits.
    wake: Arc<Mutex<Option<Sender<Vec<PathBuf>>>>>,
}

impl StopBetweenWrites {
    pub fn listen() -> Result<Self, String> {
        let stop = StopBetweenWrites {
            writing: Arc::default(),
            stopped: Arc::default(),
            wake: Arc::default(),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot listen for Ctrl-C: {e}"))?;
        let requested = stop_requested(&runtime)?;
        let (writing, stopped, wake) = (
            stop.writing.clone(),
            stop.stopped.clone(),
            stop.wake.clone(),
        );
        std::thread::spawn(move || {
            runtime.block_on(requested);
            let _done = lock(&writing);
            stopped.store(true, Ordering::SeqCst);
            if let Some(sender) = lock(&wake).as_ref() {
                let _ = sender.send(Vec::new());
            }
        });
        Ok(stop)
    }

    /// Held while writing: a stop waits for it.
    pub fn writing(&self) -> MutexGuard<'_, ()> {
        lock(&self.writing)
    }

    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// Where to wake the loop that waits for changes.
    pub fn wake_through(&self, sender: Sender<Vec<PathBuf>>) {
        *lock(&self.wake) = Some(sender);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
