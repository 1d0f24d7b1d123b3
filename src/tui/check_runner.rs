//! Where the explorer's checks run: a thread of their own with a single-threaded tokio
//! runtime (their clients are kept in `PdpClients`, apart from the tools').
//!
//! Why a thread: a check is timed from its first write to the read that completes the answer.
//! On the app's thread that read waits behind whatever the app is doing (a frame being
//! drawn, an answer being parsed); measured, checks there read 1.3–1.6x of wrk's p50 at the
//! explorer's own pace (BENCHMARKS.md, "Warm check latency"). On a thread that does nothing
//! else the timed part is what a raw load tool such as wrk measures. The answer is parsed
//! back on the app's runtime: parsing a traced answer churns the heap and the caches the
//! next check's round trip would run on.

use std::sync::Arc;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// Spawns check tasks on the checks thread. Cloning shares the thread; the thread ends when
/// the last clone is dropped.
#[derive(Clone)]
pub struct CheckRunner {
    handle: Handle,
    /// The app's runtime, where answers are parsed.
    app: Handle,
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
            _stop: Arc::new(stop),
        }
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
