//! Where the explorer's checks run: a thread of their own with a single-threaded tokio
//! runtime, and one kept-alive client per PDP, URL and key.
//!
//! Why a thread: a check is timed around write, wait and read. On the app's multi-threaded
//! runtime each step may hop between worker threads, and on a small machine those hops cost
//! more than a loopback PDP's whole answer (BENCHMARKS.md, "Warm check latency"). On one
//! thread the timed part is what a raw load tool such as wrk measures. The answer is parsed
//! back on the app's runtime: parsing a traced answer churns the heap and the caches the
//! next check's round trip would run on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::pdp::{PdpClient, PdpError};

/// A client's identity: PDP URL, API key, timeout.
type ClientKey = (String, Option<String>, Duration);

/// Spawns check tasks on the checks thread. Cloning shares the thread and the clients; the
/// thread ends when the last clone is dropped.
#[derive(Clone)]
pub struct CheckRunner {
    handle: Handle,
    /// The app's runtime, where answers are parsed.
    app: Handle,
    /// Kept per `(PDP URL, API key, timeout)`, so a warm check reuses its connection.
    clients: Arc<Mutex<HashMap<ClientKey, PdpClient>>>,
    /// Dropping the last clone closes this channel, which stops the thread.
    _stop: Arc<oneshot::Sender<()>>,
}

impl CheckRunner {
    /// Starts the checks thread. If the OS refuses a thread, checks run on the caller's
    /// runtime instead: slower to time, never lost.
    pub fn start() -> CheckRunner {
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready, handle) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("permit-tui-checks".into())
            .spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                if ready.send(runtime.handle().clone()).is_ok() {
                    // Runs the check tasks until every `CheckRunner` is gone.
                    let _ = runtime.block_on(stopped);
                }
            });
        let app = Handle::current();
        let handle = spawned
            .ok()
            .and_then(|_| handle.recv().ok())
            .unwrap_or_else(|| app.clone());
        CheckRunner {
            handle,
            app,
            clients: Arc::default(),
            _stop: Arc::new(stop),
        }
    }

    /// The kept client for this PDP, URL and key, made on first use.
    pub fn client(
        &self,
        http: &reqwest::Client,
        url: &str,
        api_key: Option<String>,
        timeout: Duration,
    ) -> Result<PdpClient, PdpError> {
        let key = (url.to_string(), api_key, timeout);
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let client = PdpClient::with_http(http.clone(), url, key.1.clone(), timeout)?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    pub fn spawn<F>(&self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.handle.spawn(task);
    }

    /// Runs `work` on the app's runtime (for what must stay off the checks thread).
    pub fn on_app<F>(&self, work: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.app.spawn(async move { work() });
    }
}
