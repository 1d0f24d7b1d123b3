//! Appends history entries on a thread of its own, in the order they were given.
//!
//! The explorer's app runs on one thread. An append takes a file lock that another process
//! may hold, and every `cap / 10` appends it rotates the log (megabytes read, rewritten and
//! synced): neither may hold up keys and frames. Entries still queued when the writer is
//! finished or dropped are written first, so quitting right after a check loses nothing.

use std::sync::mpsc;
use std::thread::JoinHandle;

use super::{History, HistoryEntry, StoreError};

pub struct HistoryWriter {
    queue: Option<mpsc::Sender<HistoryEntry>>,
    thread: Option<JoinHandle<()>>,
}

impl HistoryWriter {
    /// Starts the thread. `on_failure` hears the first failed append, and after that only a
    /// failure that follows a success: a read-only data dir should not nag on every check.
    pub fn start(
        mut history: History,
        on_failure: impl Fn(StoreError) + Send + 'static,
    ) -> std::io::Result<HistoryWriter> {
        let (queue, entries) = mpsc::channel::<HistoryEntry>();
        let thread = std::thread::Builder::new()
            .name("history-writer".to_string())
            .spawn(move || {
                let mut failing = false;
                for entry in entries {
                    match history.append(&entry) {
                        Ok(()) => failing = false,
                        Err(err) if !failing => {
                            failing = true;
                            on_failure(err);
                        }
                        Err(_) => {}
                    }
                }
            })?;
        Ok(HistoryWriter {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    /// Queues one entry; never waits on the disk.
    pub fn append(&self, entry: HistoryEntry) {
        if let Some(queue) = &self.queue {
            // A send fails only if the thread has died, and then nothing could write it.
            let _ = queue.send(entry);
        }
    }

    /// Waits until every queued entry has been written, then stops the thread.
    pub fn finish(&mut self) {
        self.queue.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
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
        })
        .unwrap();
        for latency in 0..250 {
            writer.append(entry("dev", "alice", true, latency));
        }
        writer.finish();
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
    fn a_failing_log_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the data dir should be: every append fails, for root too.
        std::fs::write(dir.path().join("data"), b"").unwrap();
        let (told, heard) = mpsc::channel();
        let mut writer = HistoryWriter::start(
            History::open(&dir.path().join("data/history.jsonl")),
            move |err| told.send(err.to_notice().to_string()).unwrap(),
        )
        .unwrap();
        for latency in 0..3 {
            writer.append(entry("dev", "alice", true, latency));
        }
        writer.finish();
        let failures: Vec<String> = heard.try_iter().collect();
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0].contains("history.jsonl"), "{failures:?}");
    }
}
