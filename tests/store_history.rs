//! History under concurrency, with real processes: this test binary re-invokes itself, and
//! the `child_appender` test does the appending when the parent sets its environment.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use permit_tui::store::history::{History, HistoryEntry};
use serde_json::json;

const CHILD_PATH: &str = "PERMIT_TUI_TEST_HISTORY_PATH";
const CHILD_NAME: &str = "PERMIT_TUI_TEST_WRITER";
const CHILD_LINES: &str = "PERMIT_TUI_TEST_LINES";
const CHILD_CAP: &str = "PERMIT_TUI_TEST_CAP";

fn entry(writer: &str, seq: usize) -> HistoryEntry {
    HistoryEntry {
        time: permit_tui::store::time::now_rfc3339(),
        environment: writer.to_string(),
        endpoint: "/allowed".to_string(),
        request: permit_tui::store::history::raw_request(&json!({
            "user": {"key": format!("user-{seq}"), "attributes": {"padding": "x".repeat(200)}},
            "action": "read",
            "resource": {"type": "document", "tenant": "default"}
        })),
        decision: Some(seq.is_multiple_of(2)),
        codes: vec![],
        status: Some(200),
        error_kind: None,
        latency_us: seq as u64,
        origin: Default::default(),
    }
}

/// Not a test on its own: does the appending when run as a child by the tests below.
#[test]
fn child_appender() {
    let (Ok(path), Ok(writer)) = (std::env::var(CHILD_PATH), std::env::var(CHILD_NAME)) else {
        return;
    };
    let lines: usize = std::env::var(CHILD_LINES).unwrap().parse().unwrap();
    let cap: usize = std::env::var(CHILD_CAP).unwrap().parse().unwrap();
    let mut history = History::with_cap(Path::new(&path), cap);
    for seq in 0..lines {
        history.append(&entry(&writer, seq)).unwrap();
    }
}

fn run_two_writers(path: &Path, lines: usize, cap: usize) {
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["A", "B"]
        .iter()
        .map(|writer| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "child_appender",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_PATH, path)
                .env(CHILD_NAME, writer)
                .env(CHILD_LINES, lines.to_string())
                .env(CHILD_CAP, cap.to_string())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
}

/// Every line parses, and returns each writer's sequence numbers in file order.
fn read_well_formed(path: &Path) -> (usize, Vec<usize>, Vec<usize>) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with('\n'));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut count = 0;
    for line in text.lines() {
        let entry: HistoryEntry = serde_json::from_str(line)
            .unwrap_or_else(|err| panic!("malformed line ({err}): {line}"));
        let seq = entry.latency_us as usize;
        match entry.environment.as_str() {
            "A" => a.push(seq),
            "B" => b.push(seq),
            other => panic!("unexpected writer {other}"),
        }
        count += 1;
    }
    (count, a, b)
}

#[test]
fn two_processes_appending_1000_lines_each_leave_2000_well_formed_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    run_two_writers(&path, 1000, 10_000);
    let (count, a, b) = read_well_formed(&path);
    assert_eq!(count, 2000);
    assert_eq!(a, (0..1000).collect::<Vec<_>>());
    assert_eq!(b, (0..1000).collect::<Vec<_>>());
}

#[test]
fn rotation_during_concurrent_appends_loses_no_recent_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    let cap = 300;
    run_two_writers(&path, 1000, cap);
    let (count, a, b) = read_well_formed(&path);
    // Each writer rotates once its own count passes cap + 10%, and its count misses what the
    // other appended since it last counted: so the log ends between cap and cap + 2 × 10%
    // (without rotation it would hold all 2,000 lines).
    let slack = cap / 10;
    assert!(count >= cap && count <= cap + 2 * slack, "{count} lines");
    // Rotation keeps the newest lines in append order, so each writer's surviving lines
    // must be an unbroken run ending with its last one: a lost line would leave a gap.
    for (writer, seqs) in [("A", &a), ("B", &b)] {
        if let Some(first) = seqs.first() {
            assert_eq!(seqs, &(*first..1000).collect::<Vec<_>>(), "writer {writer}");
        }
    }
    assert!(a.last() == Some(&999) || b.last() == Some(&999));
    History::with_cap(&path, cap).rotate().unwrap();
    let (count, _, _) = read_well_formed(&path);
    assert_eq!(count, cap);
}
