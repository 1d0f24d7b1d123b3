//! Appends history entries on a thread of its own, in the order they were given.
//!
//! The explorer's app runs on one thread. An append takes a file lock that another process
//! may hold, and every `cap / 10` appends it rotates the log (megabytes read, rewritten and
//! synced): neither may hold up keys and frames. Entries still queued when the writer is
//! finished or dropped are written first (waiting at most [`FINISH_WITHIN`]), so quitting
//! right after a check loses nothing. If no thread can be started, appends happen in place.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::{History, HistoryEntry, StoreError};

/// How long finishing waits for queued entries: a lock held elsewhere must not keep the
/// explorer from quitting.
pub const FINISH_WITHIN: Duration = Duration::from_secs(3);

type OnFailure = std::sync::Arc<dyn Fn(StoreError) + Send + Sync>;

pub struct HistoryWriter {
    mode: Mode,
}

enum Mode {
    Thread {
        queue: Option<mpsc::Sender<HistoryEntry>>,
        thread: Option<JoinHandle<()>>,
        /// Closed when the thread ends.
        done: mpsc::Receiver<()>,
    },
    /// The OS refused a thread: appends are made by the caller.
    InPlace {
        history: History,
        reporter: Reporter,
    },
}

/// Tells `on_failure` of the first failed append, and after that only of a failure that
/// follows a success: a read-only data dir should not nag on every check.
struct Reporter {
    failing: bool,
    on_failure: OnFailure,
}

impl Reporter {
    fn append(&mut self, history: &mut History, entry: &HistoryEntry) {
        match history.append(entry) {
            Ok(()) => self.failing = false,
            Err(err) if !self.failing => {
                self.failing = true;
                (self.on_failure)(err);
            }
            Err(_) => {}
        }
    }
}

impl HistoryWriter {
    /// Starts the thread (or, if none can be had, a writer that appends in place).
    pub fn start(
        history: History,
        on_failure: impl Fn(StoreError) + Send + Sync + 'static,
    ) -> HistoryWriter {
        let on_failure: OnFailure = std::sync::Arc::new(on_failure);
        let (queue, entries) = mpsc::channel::<HistoryEntry>();
        let (finished, done) = mpsc::channel::<()>();
        let mut reporter = Reporter {
            failing: false,
            on_failure: on_failure.clone(),
        };
        let mut log = history.clone();
        let spawned = std::thread::Builder::new()
            .name("history-writer".to_string())
            .spawn(move || {
                let _finished = finished;
                for entry in entries {
                    reporter.append(&mut log, &entry);
                }
            });
        let mode = match spawned {
            Ok(thread) => Mode::Thread {
                queue: Some(queue),
                thread: Some(thread),
                done,
            },
            Err(_) => Mode::InPlace {
                history,
                reporter: Reporter {
                    failing: false,
                    on_failure,
                },
            },
        };
        HistoryWriter { mode }
    }

    /// Queues one entry; never waits on the disk (unless appending in place).
    pub fn append(&mut self, entry: HistoryEntry) {
        match &mut self.mode {
            Mode::Thread { queue, .. } => {
                if let Some(queue) = queue {
                    // A send fails only if the thread has died, and then nothing could write it.
                    let _ = queue.send(entry);
                }
            }
            Mode::InPlace { history, reporter } => reporter.append(history, &entry),
        }
    }

    /// Waits until every queued entry has been written, at most [`FINISH_WITHIN`], then
    /// stops the thread. `false` if it had not finished by then.
    pub fn finish(&mut self) -> bool {
        self.finish_within(FINISH_WITHIN)
    }

    /// [`HistoryWriter::finish`] with another bound.
    pub fn finish_within(&mut self, limit: Duration) -> bool {
        let Mode::Thread {
            queue,
            thread,
            done,
        } = &mut self.mode
        else {
            return true;
        };
        queue.take();
        let Some(handle) = thread.take() else {
            return true;
        };
        match done.recv_timeout(limit) {
            Err(mpsc::RecvTimeoutError::Timeout) => false,
            _ => handle.join().is_ok(),
        }
    }
}

impl Drop for HistoryWriter {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::history::tests::entry;

    #[test]
    fn finishing_writes_every_queued_entry_in_order_and_rotates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/history.jsonl");
        let mut writer = HistoryWriter::start(History::with_cap(&path, 100), |err| {
            panic!("append failed: {err:?}")
        });
        for latency in 0..250 {
            writer.append(entry("dev", "alice", true, latency));
        }
        assert!(writer.finish(), "finished in time");
        let (entries, notices) = History::open(&path).load();
        assert!(notices.is_empty(), "{notices:?}");
        // Rotated to the newest 100 at some point, then up to 10% more appended since.
        let latencies: Vec<u64> = entries.iter().rev().map(|e| e.latency_us).collect();
        let first = 250 - latencies.len() as u64;
        assert!(
            (100..=110).contains(&latencies.len()),
            "{}",
            latencies.len()
        );
        assert_eq!(latencies, (first..250).collect::<Vec<_>>());
    }

    #[test]
    fn finishing_gives_up_on_a_lock_held_elsewhere() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        // Another process rotating (or hung) holds the lock.
        let held = crate::store::lock::FileLock::exclusive(&dir.path().join("history.jsonl.lock"))
            .unwrap();
        let mut writer = HistoryWriter::start(History::open(&path), |_| {});
        writer.append(entry("dev", "alice", true, 1));
        let limit = Duration::from_millis(50);
        assert!(
            !writer.finish_within(limit),
            "finishing gave up, the entry unwritten"
        );
        assert!(
            std::fs::read(&path).map_or(true, |bytes| bytes.is_empty()),
            "nothing was written while the lock was held"
        );
        drop(held);
    }

    #[test]
    fn a_failing_log_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the data dir should be: every append fails, for root too.
        std::fs::write(dir.path().join("data"), b"").unwrap();
        let (told, heard) = mpsc::channel();
        let mut writer = HistoryWriter::start(
            History::open(&dir.path().join("data/history.jsonl")),
            move |err| told.send(err.to_notice().to_string()).unwrap(),
        );
        for latency in 0..3 {
            writer.append(entry("dev", "alice", true, latency));
        }
        writer.finish();
        let failures: Vec<String> = heard.try_iter().collect();
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0].contains("history.jsonl"), "{failures:?}");
    }
}
