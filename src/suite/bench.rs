//! The bounded load probe: C workers share one keep-alive `PdpClient` and send checks
//! round-robin from a list until N are done or the duration is over. A run is always
//! bounded; unbounded or oversized plans are refused before anything is sent.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::latency::Summary;
use crate::pdp::types::AllowedQuery;
use crate::pdp::PdpClient;

use super::histogram::Histogram;

/// The largest `-n` accepted.
pub const MAX_REQUESTS: u64 = 1_000_000;
/// The longest `-d` accepted.
pub const MAX_DURATION: Duration = Duration::from_secs(600);
/// The most workers accepted.
pub const MAX_CONCURRENCY: usize = 512;

/// When a run stops by itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Requests(u64),
    Duration(Duration),
}

#[derive(Debug, Clone)]
pub struct BenchPlan {
    pub bound: Bound,
    pub concurrency: usize,
    /// Sent round-robin.
    pub queries: Vec<AllowedQuery>,
}

impl BenchPlan {
    /// Checks the plan is bounded and within the caps. Exactly one of `requests` and
    /// `duration` must be given.
    pub fn new(
        requests: Option<u64>,
        duration: Option<Duration>,
        concurrency: usize,
        queries: Vec<AllowedQuery>,
    ) -> Result<BenchPlan, String> {
        let bound = match (requests, duration) {
            (None, None) => {
                return Err(
                    "refusing to run unbounded: give -n COUNT (checks) or -d DURATION (e.g. 10s)"
                        .to_string(),
                )
            }
            (Some(_), Some(_)) => {
                return Err("give either -n or -d, not both".to_string());
            }
            (Some(0), None) => return Err("-n must be at least 1".to_string()),
            (Some(n), None) if n > MAX_REQUESTS => {
                return Err(format!(
                    "-n {n} is over the cap of {MAX_REQUESTS} checks per run"
                ))
            }
            (Some(n), None) => Bound::Requests(n),
            (None, Some(d)) if d.is_zero() => return Err("-d must be longer than 0".to_string()),
            (None, Some(d)) if d > MAX_DURATION => {
                return Err(format!(
                    "-d {} s is over the cap of {} s per run",
                    d.as_secs(),
                    MAX_DURATION.as_secs()
                ))
            }
            (None, Some(d)) => Bound::Duration(d),
        };
        if concurrency == 0 || concurrency > MAX_CONCURRENCY {
            return Err(format!("-c must be between 1 and {MAX_CONCURRENCY}"));
        }
        if queries.is_empty() {
            return Err("no check to send".to_string());
        }
        Ok(BenchPlan {
            bound,
            concurrency,
            queries,
        })
    }
}

/// What has been measured so far; the live view reads it while workers write it.
#[derive(Debug, Clone, Default)]
pub struct BenchStats {
    /// Latency of every answered check (HTTP 2xx with a decision).
    pub latency: Histogram,
    pub allowed: u64,
    pub denied: u64,
    /// Failed checks by `PdpError::kind()`.
    pub errors: BTreeMap<String, u64>,
}

impl BenchStats {
    pub fn ok(&self) -> u64 {
        self.allowed + self.denied
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn completed(&self) -> u64 {
        self.ok() + self.error_count()
    }
}

/// Shared between the workers and whoever watches the run.
#[derive(Debug)]
pub struct BenchLive {
    stats: Mutex<BenchStats>,
    started: Instant,
    /// Checks handed to workers, for round-robin and the `-n` bound.
    issued: AtomicU64,
    pub plan_bound: Bound,
}

impl BenchLive {
    pub fn new(bound: Bound) -> Arc<BenchLive> {
        Arc::new(BenchLive {
            stats: Mutex::new(BenchStats::default()),
            started: Instant::now(),
            issued: AtomicU64::new(0),
            plan_bound: bound,
        })
    }

    fn lock(&self) -> MutexGuard<'_, BenchStats> {
        // A worker that panicked cannot leave the counters half-written; keep going.
        self.stats
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    pub fn snapshot(&self) -> BenchStats {
        self.lock().clone()
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// 0.0..=1.0 along the bound.
    pub fn progress(&self, completed: u64) -> f64 {
        match self.plan_bound {
            Bound::Requests(n) => (completed as f64 / n as f64).min(1.0),
            Bound::Duration(d) => (self.elapsed().as_secs_f64() / d.as_secs_f64()).min(1.0),
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct BenchSummary {
    pub target: String,
    pub pdp_url: String,
    pub bound: Bound,
    pub concurrency: usize,
    pub queries: usize,
    pub stats: BenchStats,
    pub elapsed: Duration,
    /// Stopped by the user (or a signal) before the bound.
    pub stopped_early: bool,
}

/// `latency_ms` of the JSON report: each statistic in milliseconds (microsecond precision),
/// all null when nothing was answered.
fn latency_ms(summary: Option<Summary>) -> Value {
    let keys = ["min", "mean", "p50", "p90", "p95", "p99", "p99_9", "max"];
    let rows = summary.unwrap_or_default().rows();
    let map = keys
        .iter()
        .zip(rows)
        .map(|(key, (_, value))| {
            let ms = summary.map(|_| (value.as_secs_f64() * 1e6).round() / 1e3);
            (key.to_string(), serde_json::json!(ms))
        })
        .collect::<serde_json::Map<_, _>>();
    Value::Object(map)
}

impl BenchSummary {
    pub fn requests_per_second(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.stats.completed() as f64 / seconds
        } else {
            0.0
        }
    }

    pub fn to_json(&self) -> Value {
        let h = &self.stats.latency;
        let bound = match self.bound {
            Bound::Requests(n) => json!({"requests": n}),
            Bound::Duration(d) => json!({"duration_s": d.as_secs_f64()}),
        };
        json!({
            "target": self.target,
            "pdp_url": self.pdp_url,
            "bound": bound,
            "concurrency": self.concurrency,
            "queries": self.queries,
            "completed": self.stats.completed(),
            "ok": self.stats.ok(),
            "allowed": self.stats.allowed,
            "denied": self.stats.denied,
            "errors": self.stats.errors,
            "error_count": self.stats.error_count(),
            "elapsed_s": self.elapsed.as_secs_f64(),
            "requests_per_second": (self.requests_per_second() * 10.0).round() / 10.0,
            "stopped_early": self.stopped_early,
            "latency_ms": latency_ms(h.summary()),
        })
    }

    pub fn render_text(&self) -> String {
        use crate::pdp::error::fmt_duration;
        use std::fmt::Write as _;
        let show = |d: Option<Duration>| d.map(fmt_duration).unwrap_or_else(|| "—".to_string());
        let h = &self.stats.latency;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Bench {} ({}), concurrency {}, {} distinct checks{}",
            self.target,
            self.pdp_url,
            self.concurrency,
            self.queries,
            if self.stopped_early {
                ", stopped early"
            } else {
                ""
            }
        );
        let rate = if self.stats.completed() > 0 && self.stats.ok() == 0 {
            // A rate of failures is no throughput: say so rather than print a number.
            "no request succeeded".to_string()
        } else {
            format!("{:.1} req/s", self.requests_per_second())
        };
        let _ = writeln!(
            out,
            "  completed {:>9}   in {:.2} s   {rate}",
            self.stats.completed(),
            self.elapsed.as_secs_f64(),
        );
        let _ = writeln!(
            out,
            "  ok        {:>9}   (allow {}, deny {})",
            self.stats.ok(),
            self.stats.allowed,
            self.stats.denied
        );
        let _ = writeln!(out, "  errors    {:>9}", self.stats.error_count());
        for (kind, count) in &self.stats.errors {
            let _ = writeln!(out, "    {kind:<18} {count}");
        }
        let _ = writeln!(out, "  latency (answered checks)");
        let summary = h.summary();
        for (label, value) in summary.unwrap_or_default().rows() {
            let shown = summary.map(|_| value);
            let _ = writeln!(out, "    {label:<6} {:>10}", show(shown));
        }
        out
    }
}

#[derive(Clone)]
struct Worker {
    client: PdpClient,
    queries: Arc<[AllowedQuery]>,
    live: Arc<BenchLive>,
    cancel: CancellationToken,
    deadline: Option<Instant>,
    limit: u64,
}

impl Worker {
    async fn run(self) {
        let Worker {
            client,
            queries,
            live,
            cancel,
            deadline,
            limit,
        } = self;
        loop {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            let n = live.issued.fetch_add(1, Ordering::Relaxed);
            if n >= limit {
                break;
            }
            let query = &queries[(n % queries.len() as u64) as usize];
            let exchange = tokio::select! {
                _ = cancel.cancelled() => break,
                exchange = client.check_decision(query) => exchange,
            };
            let mut stats = live.lock();
            match exchange.result {
                Ok(result) => {
                    stats.latency.record(exchange.latency);
                    if result.allow {
                        stats.allowed += 1;
                    } else {
                        stats.denied += 1;
                    }
                }
                Err(err) => *stats.errors.entry(err.kind().to_string()).or_default() += 1,
            }
        }
    }
}

/// Runs `plan` against `client` until the bound or `cancel`. `live` is where progress
/// goes (make it with [`BenchLive::new`] using the plan's bound).
pub async fn run_bench(
    client: PdpClient,
    target: String,
    plan: BenchPlan,
    live: Arc<BenchLive>,
    cancel: CancellationToken,
) -> BenchSummary {
    let queries: Arc<[AllowedQuery]> = plan.queries.clone().into();
    let deadline = match plan.bound {
        Bound::Duration(d) => Some(live.started + d),
        Bound::Requests(_) => None,
    };
    let limit = match plan.bound {
        Bound::Requests(n) => n,
        Bound::Duration(_) => u64::MAX,
    };
    // Workers run on their own single-threaded runtimes, one OS thread per core at most:
    // a request and its connection task then share a thread, which removes cross-thread
    // wake-ups from every measured latency. The async barrier keeps every runtime (and the
    // connections it drives for the shared pool) alive until all workers are done.
    let threads = plan
        .concurrency
        .min(std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let all_done = Arc::new(tokio::sync::Barrier::new(threads + 1));
    let mut spawned = 0;
    for t in 0..threads {
        let workers_here = plan.concurrency / threads + usize::from(t < plan.concurrency % threads);
        let worker = Worker {
            client: client.clone(),
            queries: queries.clone(),
            live: live.clone(),
            cancel: cancel.clone(),
            deadline,
            limit,
        };
        let barrier = all_done.clone();
        let started = std::thread::Builder::new()
            .name(format!("bench-{t}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                let Ok(runtime) = runtime else {
                    // Without a runtime this thread's workers never run; free the others.
                    futures::executor::block_on(barrier.wait());
                    return;
                };
                runtime.block_on(async move {
                    let mut set = tokio::task::JoinSet::new();
                    for _ in 0..workers_here {
                        set.spawn(worker.clone().run());
                    }
                    while set.join_next().await.is_some() {}
                    barrier.wait().await;
                });
            });
        if started.is_ok() {
            spawned += 1;
        }
    }
    if spawned < threads {
        // A thread that did not start never reaches the barrier: stand in for it.
        let missing = threads - spawned;
        for _ in 0..missing {
            let barrier = all_done.clone();
            tokio::spawn(async move { barrier.wait().await });
        }
    }
    all_done.wait().await;
    let elapsed = live.elapsed();
    let stats = live.snapshot();
    let stopped_early = cancel.is_cancelled()
        && match plan.bound {
            Bound::Requests(n) => stats.completed() < n,
            Bound::Duration(d) => elapsed < d,
        };
    BenchSummary {
        target,
        pdp_url: client.base_url().to_string(),
        bound: plan.bound,
        concurrency: plan.concurrency,
        queries: plan.queries.len(),
        stats,
        elapsed,
        stopped_early,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> Vec<AllowedQuery> {
        vec![AllowedQuery::default()]
    }

    #[test]
    fn plans_must_be_bounded_and_capped() {
        assert!(BenchPlan::new(None, None, 1, q())
            .unwrap_err()
            .contains("unbounded"));
        assert!(BenchPlan::new(Some(1), Some(Duration::from_secs(1)), 1, q()).is_err());
        assert!(BenchPlan::new(Some(MAX_REQUESTS + 1), None, 1, q())
            .unwrap_err()
            .contains("cap"));
        assert!(BenchPlan::new(None, Some(MAX_DURATION * 2), 1, q())
            .unwrap_err()
            .contains("cap"));
        assert!(BenchPlan::new(Some(0), None, 1, q()).is_err());
        assert!(BenchPlan::new(Some(10), None, 0, q()).is_err());
        assert!(BenchPlan::new(Some(10), None, MAX_CONCURRENCY + 1, q()).is_err());
        assert!(BenchPlan::new(Some(10), None, 1, vec![]).is_err());
        assert_eq!(
            BenchPlan::new(Some(10), None, 4, q()).unwrap().bound,
            Bound::Requests(10)
        );
    }
}
