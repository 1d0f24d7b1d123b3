//! The explorer's whole loop (TestBackend 200×50, scripted F5 presses) firing 10,000
//! sequential checks at the in-process sandbox over loopback. Reports:
//! - resident memory before and after (VmRSS / VmHWM from /proc/self/status);
//! - the latency the explorer shows (p50/p95/p99 of its ring);
//! - when `wrk` is installed, paired rounds: a fresh explorer firing 600 checks, then
//!   `wrk -t1 -c1 -d2s` with the same body and headers against the same PDP, five times
//!   over; each round's ratio of p50s and the median ratio. Pairing keeps a shared machine's
//!   drift (minutes apart, wrk's own p50 moves by 30%) out of the comparison.
//!
//! `cargo bench --bench explorer_checks` (CHECKS=N to change the count; PDP_URL=http://…
//! to aim at a PDP in another process, e.g. `permit-tui sandbox`, with the dev key)

use std::io::Write;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::unbounded;
use permit_tui::pdp::error::fmt_duration;
use permit_tui::tui::app::{App, Settings, Target};
use permit_tui::tui::bootstrap::{demo_input, start_sandbox};
use permit_tui::tui::{run_loop, LoopOptions};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::Terminal;
use tokio::sync::watch;

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn contains(buffer: &Buffer, needle: &str) -> bool {
    let area = buffer.area;
    (area.top()..area.bottom()).any(|y| {
        let row: String = (area.left()..area.right())
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        row.contains(needle)
    })
}

/// p50 in microseconds from wrk's `--latency` table, e.g. `     50%  152.00us`.
fn wrk_p50(output: &str) -> Option<f64> {
    let line = output.lines().find(|l| l.trim_start().starts_with("50%"))?;
    let value = line.split_whitespace().nth(1)?;
    let (number, factor) = if let Some(v) = value.strip_suffix("us") {
        (v, 1.0)
    } else if let Some(v) = value.strip_suffix("ms") {
        (v, 1000.0)
    } else if let Some(v) = value.strip_suffix('s') {
        (v, 1_000_000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

/// Runs the explorer's loop on `targets`, presses F5 `checks` times waiting for each answer
/// on screen, quits, and returns the app with its latency ring and the elapsed time.
async fn explorer_round(targets: Vec<Target>, checks: u64) -> (App, Duration) {
    let app = App::new(targets, &demo_input(), Settings::default());
    let (keys, key_stream) = unbounded();
    let (frames_tx, mut frames) = watch::channel(Buffer::empty(Rect::default()));
    let handle = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("backend");
        let mut app = app;
        let options = LoopOptions {
            frames: Some(frames_tx),
            ..LoopOptions::default()
        };
        run_loop(&mut terminal, &mut app, key_stream, options)
            .await
            .expect("loop");
        app
    });
    let _ = frames.changed().await;
    let started = Instant::now();
    for n in 1..=checks {
        keys.unbounded_send(Ok(Event::Key(KeyEvent::new(
            KeyCode::F(5),
            KeyModifiers::NONE,
        ))))
        .expect("loop alive");
        let needle = format!("check #{n} on");
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if contains(&frames.borrow_and_update(), &needle) {
                    break;
                }
                if frames.changed().await.is_err() {
                    panic!("loop ended early");
                }
            }
        })
        .await
        .expect("each check answers within 10 s");
    }
    let elapsed = started.elapsed();
    keys.unbounded_send(Ok(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    ))))
    .expect("loop alive");
    (handle.await.expect("loop task"), elapsed)
}

/// wrk's p50 in µs for the explorer's exact request (body and headers) against `url`.
async fn wrk_round(url: &str, lua: &str) -> Option<f64> {
    let script = std::env::temp_dir().join(format!("permit-tui-wrk-{}.lua", std::process::id()));
    std::fs::File::create(&script)
        .and_then(|mut f| f.write_all(lua.as_bytes()))
        .ok()?;
    let output = tokio::process::Command::new("wrk")
        .args(["-t1", "-c1", "-d2s", "--latency", "-s"])
        .arg(&script)
        .arg(format!("{url}/allowed"))
        .output()
        .await
        .ok();
    let _ = std::fs::remove_file(&script);
    wrk_p50(&String::from_utf8_lossy(&output?.stdout))
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let checks: u64 = std::env::var("CHECKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let (sandbox, mut targets) = start_sandbox().await.expect("sandbox starts");
        // PDP_URL points the explorer, the bare client and wrk at a PDP in another process
        // (e.g. `permit-tui sandbox`), so the PDP does not share the explorer's runtime.
        let url = match std::env::var("PDP_URL") {
            Ok(external) => {
                for target in &mut targets {
                    target.pdp_url = external.clone();
                }
                external
            }
            Err(_) => sandbox.url(),
        };
        println!("PDP: {url}");
        let api_key = targets[0].api_key.clone().unwrap_or_default();

        let rss_before = status_kb("VmRSS:");
        let (app, elapsed) = explorer_round(targets.clone(), checks).await;
        let rss_after = status_kb("VmRSS:");
        let hwm = status_kb("VmHWM:");
        let stats = app.targets[0].latencies.stats().expect("answered checks");
        println!("explorer: {checks} checks in {:.2} s through the full loop (200x50 frames)", elapsed.as_secs_f64());
        println!(
            "memory: VmRSS {:.1} MB before, {:.1} MB after {checks} checks; peak VmHWM {:.1} MB",
            rss_before as f64 / 1024.0,
            rss_after as f64 / 1024.0,
            hwm as f64 / 1024.0
        );
        println!(
            "explorer latency (last {} checks): min {} p50 {} p95 {} p99 {} max {}",
            stats.count,
            fmt_duration(stats.min),
            fmt_duration(stats.p50),
            fmt_duration(stats.p95),
            fmt_duration(stats.p99),
            fmt_duration(stats.max)
        );

        // Paired rounds against wrk, sending exactly the explorer's body and headers (key
        // and sandbox-trace request included), so the PDP does the same work for both.
        let client = permit_tui::pdp::PdpClient::new(&url, Some(api_key), Duration::from_secs(5))
            .expect("client");
        let body = serde_json::to_string(&demo_input().to_query().expect("valid")).expect("json");
        let mut lua = format!("wrk.method = \"POST\"\nwrk.body = [[{body}]]\n");
        for (name, value) in client.headers().iter() {
            let value = value.to_str().expect("ASCII header");
            lua.push_str(&format!("wrk.headers[\"{name}\"] = \"{value}\"\n"));
        }
        let mut ratios = Vec::new();
        for round in 1..=5 {
            let (app, _) = explorer_round(targets.clone(), 600).await;
            let ours = app.targets[0].latencies.stats().expect("answered").p50.as_secs_f64() * 1e6;
            let Some(theirs) = wrk_round(&url, &lua).await else {
                println!("wrk not available or its output not understood: no comparison");
                break;
            };
            println!(
                "round {round}: explorer p50 {ours:.0} µs, wrk -t1 -c1 p50 {theirs:.0} µs, ratio {:.3}",
                ours / theirs
            );
            ratios.push(ours / theirs);
        }
        if !ratios.is_empty() {
            ratios.sort_by(f64::total_cmp);
            println!(
                "median ratio explorer / wrk over {} rounds: {:.3} (min {:.3}, max {:.3})",
                ratios.len(),
                ratios[ratios.len() / 2],
                ratios[0],
                ratios[ratios.len() - 1]
            );
        }
        sandbox.shutdown().await;
    });
}
