//! `permit-tui bench` end to end against the bundled sandbox, a dead port and a wrong key.
//! No timing thresholds: only counts, ordering and refusals.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn permit_tui(args: &[&str]) -> Output {
    // Empty config and data directories of the test's own: nothing configured, $HOME untouched.
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    Command::new(env!("CARGO_BIN_EXE_permit-tui"))
        .args(args)
        .env("PERMIT_TUI_CONFIG_DIR", dirs[0].path())
        .env("PERMIT_TUI_DATA_DIR", dirs[1].path())
        .env_remove("PERMIT_PDP_URL")
        .env_remove("PERMIT_API_KEY")
        .output()
        .expect("the binary runs")
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn ms(summary: &Value, key: &str) -> f64 {
    summary["latency_ms"][key]
        .as_f64()
        .unwrap_or_else(|| panic!("latency_ms.{key} missing: {summary:#}"))
}

#[test]
fn two_hundred_checks_at_concurrency_four_all_answer_with_ordered_percentiles() {
    let out = permit_tui(&[
        "bench",
        "-n",
        "200",
        "-c",
        "4",
        "--json",
        "--env",
        "sandbox-dev",
    ]);
    let s = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{s:#}");
    assert_eq!(s["completed"], 200);
    assert_eq!(s["ok"], 200);
    assert_eq!(s["error_count"], 0);
    assert_eq!(s["errors"], serde_json::json!({}));
    assert_eq!(
        s["allowed"].as_u64().unwrap() + s["denied"].as_u64().unwrap(),
        200
    );
    assert_eq!(s["concurrency"], 4);
    // The default check is the demo query, which dev allows.
    assert_eq!(s["allowed"], 200);
    assert_eq!(s["stopped_early"], false);
    let order = ["min", "p50", "p90", "p95", "p99", "p99_9", "max"];
    for pair in order.windows(2) {
        assert!(
            ms(&s, pair[0]) <= ms(&s, pair[1]),
            "{} > {}: {s:#}",
            pair[0],
            pair[1]
        );
    }
    assert!(ms(&s, "min") <= ms(&s, "mean") && ms(&s, "mean") <= ms(&s, "max"));
    assert!(ms(&s, "min") > 0.0);
    assert!(s["requests_per_second"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_suite_is_sent_round_robin() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/suites/demo.toml");
    let parsed = permit_tui::suite::load_suite(&suite).unwrap();
    let n = parsed.checks.len();
    let allow_each_round = parsed
        .checks
        .iter()
        .filter(|c| c.expect == permit_tui::suite::Expect::Allow)
        .count();
    let total = (n * 3).to_string();
    let out = permit_tui(&[
        "bench",
        "--suite",
        suite.to_str().unwrap(),
        "-n",
        &total,
        "-c",
        "3",
        "--json",
        "--env",
        "sandbox-dev",
    ]);
    let s = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{s:#}");
    assert_eq!(s["queries"], n);
    assert_eq!(s["ok"], n * 3);
    // The suite passes on dev, so each round allows exactly its allow-expected checks.
    assert_eq!(s["allowed"], allow_each_round * 3);
}

#[test]
fn a_duration_bound_stops_by_itself() {
    let out = permit_tui(&[
        "bench",
        "-d",
        "300ms",
        "-c",
        "2",
        "--json",
        "--env",
        "sandbox-dev",
    ]);
    let s = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{s:#}");
    assert!(s["completed"].as_u64().unwrap() > 0);
    assert_eq!(s["completed"], s["ok"]);
    assert!(s["elapsed_s"].as_f64().unwrap() >= 0.3);
    assert_eq!(s["bound"]["duration_s"], 0.3);
}

#[test]
fn unbounded_or_oversized_runs_are_refused_before_sending() {
    for args in [
        vec!["bench", "--env", "sandbox-dev"],
        vec!["bench", "-n", "5000000", "--env", "sandbox-dev"],
        vec!["bench", "-d", "2h", "--env", "sandbox-dev"],
        vec!["bench", "-n", "10", "-d", "1s", "--env", "sandbox-dev"],
        vec!["bench", "-n", "10", "-c", "0", "--env", "sandbox-dev"],
    ] {
        let out = permit_tui(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("unbounded")
                || stderr.contains("cap")
                || stderr.contains("-c must")
                || stderr.contains("not both"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn errors_are_counted_by_kind_against_a_dead_port() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let out = permit_tui(&["bench", "-n", "30", "-c", "3", "--json", "--pdp", &url]);
    let s = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{s:#}");
    assert_eq!(s["completed"], 30);
    assert_eq!(s["ok"], 0);
    assert_eq!(s["errors"], serde_json::json!({"unreachable": 30}));
    assert!(s["latency_ms"]["p50"].is_null());
}

#[tokio::test]
async fn a_wrong_key_is_counted_as_wrong_key() {
    use permit_tui::sandbox::{serve, Sandbox, ServeOptions};
    let running = serve(
        Sandbox::bundled().unwrap(),
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .unwrap();
    let url = running.url();
    let out = tokio::task::spawn_blocking(move || {
        permit_tui(&[
            "bench",
            "-n",
            "20",
            "-c",
            "2",
            "--json",
            "--pdp",
            &url,
            "--api-key",
            "not-a-key",
        ])
    })
    .await
    .unwrap();
    let s = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{s:#}");
    assert_eq!(s["errors"], serde_json::json!({"wrong_key": 20}));
    running.shutdown().await;
}

#[test]
fn the_text_summary_lists_percentiles() {
    let out = permit_tui(&["bench", "-n", "50", "-c", "2", "--env", "sandbox-dev"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for label in ["p50", "p90", "p95", "p99", "p99.9", "min", "max", "req/s"] {
        assert!(text.contains(label), "{label}: {text}");
    }
    assert!(text.contains("completed        50"), "{text}");
}

#[test]
fn a_run_where_every_request_failed_reports_no_rate() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let out = permit_tui(&["bench", "-n", "10", "-c", "2", "--pdp", &url]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("no request succeeded"), "{text}");
    assert!(!text.contains("req/s"), "a rate of failures: {text}");
}

/// bench's `--timeout` is `check`'s, and it is the wait each request gets: 300ms
/// against a port that never answers, not the default 5 s.
#[test]
fn a_timeout_in_milliseconds_or_seconds_ends_each_unanswered_check() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    for timeout in ["300ms", "0.3"] {
        let started = std::time::Instant::now();
        let out = permit_tui(&[
            "bench",
            "-n",
            "2",
            "-c",
            "2",
            "--json",
            "--pdp",
            &url,
            "--timeout",
            timeout,
        ]);
        let elapsed = started.elapsed();
        let s = json_of(&out);
        assert_eq!(out.status.code(), Some(1), "--timeout {timeout}: {s:#}");
        assert_eq!(s["errors"], serde_json::json!({"timeout": 2}), "{s:#}");
        assert!(
            elapsed < std::time::Duration::from_secs(4),
            "--timeout {timeout}: {elapsed:?}"
        );
    }
    drop(listener);
}
