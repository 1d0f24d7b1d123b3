//! The explorer's whole loop (TestBackend 200×50, scripted F5 presses) firing 10,000
//! sequential checks at the process's embedded sandbox over loopback, arranged as in the
//! binary (the explorer on a single-threaded runtime, the sandbox on a thread of its own).
//! Reports:
//! - resident memory before and after (VmRSS / VmHWM from /proc/self/status);
//! - the latency the explorer shows (p50/p95/p99 of its ring);
//! - when `wrk` is installed, paired rounds: a fresh explorer firing 600 checks, then
//!   `wrk -t1 -c1 -d2s` with the same body and headers against the same PDP, back to back
//!   and with a 1 ms pause after each answer, five times over; each round's ratios of p50s
//!   and the median ratios. Pairing keeps a shared machine's drift (minutes apart, wrk's own
//!   p50 moves by 30%) out of the comparison. `scripts/latency-fidelity.sh` adds what the
//!   wire shows (packet capture), which no PDP's pace can move.
//!
//! `cargo bench --bench explorer_checks` (CHECKS=N to change the count; PDP_URL=http://…
//! to aim at a PDP in another process, e.g. `permit-tui sandbox`, with the dev key;
//! PAUSE_MS=N for rounds at a person's pace: the explorer fires one of 150 checks every N ms,
//! and the paced wrk waits N ms after each answer, so both leave the PDP idle ≈ N ms)

use std::io::Write;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::unbounded;
use permit_tui::pdp::error::fmt_duration;
use permit_tui::tui::app::{App, Settings, Target};
use permit_tui::tui::bootstrap::{demo_input, process_sandbox_targets};
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
/// on screen (and, with a non-zero `every`, for the next multiple of `every` since the first
/// check), quits, and returns the app with its latency ring and the elapsed time.
async fn explorer_round(targets: Vec<Target>, checks: u64, every: Duration) -> (App, Duration) {
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
        if !every.is_zero() {
            tokio::time::sleep_until((started + every * (n as u32 - 1)).into()).await;
        }
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

/// wrk's p50 in µs for the explorer's exact request (body and headers) against `url`; with
/// a `gap`, wrk waits that long after each answer before sending the next request.
async fn wrk_round(url: &str, lua: &str, gap: Duration) -> Option<f64> {
    let lua = if gap.is_zero() {
        lua.to_string()
    } else {
        format!("{lua}function delay() return {} end\n", gap.as_millis())
    };
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
    // As in the binary: the explorer on one thread, the sandbox on a thread of its own.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let mut targets = process_sandbox_targets().await.expect("sandbox starts");
        // PDP_URL points the explorer, the bare client and wrk at a PDP in another process
        // (e.g. `permit-tui sandbox`), so the PDP does not share the explorer's runtime.
        let url = match std::env::var("PDP_URL") {
            Ok(external) => {
                for target in &mut targets {
                    target.pdp_url = external.clone();
                }
                external
            }
            Err(_) => targets[0].pdp_url.clone(),
        };
        println!("PDP: {url}");
        let api_key = targets[0].reveal_key().unwrap_or_default().to_string();

        let rss_before = status_kb("VmRSS:");
        let (app, elapsed) = explorer_round(targets.clone(), checks, Duration::ZERO).await;
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

        // Paired rounds against wrk, sending exactly the explorer's body and headers (key,
        // user agent and sandbox-trace request included), so the PDP does the same work.
        let client = permit_tui::pdp::PdpClient::new(&url, Some(api_key), Duration::from_secs(5))
            .expect("client");
        let body = serde_json::to_string(&demo_input().to_query().expect("valid")).expect("json");
        let mut lua = format!("wrk.method = \"POST\"\nwrk.body = [[{body}]]\n");
        lua.push_str(&format!(
            "wrk.headers[\"user-agent\"] = \"permit-tui/{}\"\n",
            env!("CARGO_PKG_VERSION")
        ));
        for (name, value) in client.headers().iter() {
            let value = value.to_str().expect("ASCII header");
            lua.push_str(&format!("wrk.headers[\"{name}\"] = \"{value}\"\n"));
        }
        // Two yardsticks: wrk back to back (the PDP never idles), and wrk pausing after each
        // answer: 1 ms, close to the explorer's own pace when it fires at once (it parses and
        // draws between checks), or PAUSE_MS when the explorer waits that long too.
        let pause = Duration::from_millis(
            std::env::var("PAUSE_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        );
        let paced = pause.max(Duration::from_millis(1));
        let per_round = if pause.is_zero() { 600 } else { 150 };
        let paced_name = format!("with {} ms pauses", paced.as_millis());
        let (mut back_to_back, mut with_pauses) = (Vec::new(), Vec::new());
        for round in 1..=5 {
            let (app, _) = explorer_round(targets.clone(), per_round, pause).await;
            let ours = app.targets[0].latencies.stats().expect("answered").p50.as_secs_f64() * 1e6;
            let (Some(b2b), Some(slow)) = (
                wrk_round(&url, &lua, Duration::ZERO).await,
                wrk_round(&url, &lua, paced).await,
            ) else {
                println!("wrk not available or its output not understood: no comparison");
                break;
            };
            println!(
                "round {round}: explorer p50 {ours:.0} µs; wrk back to back {b2b:.0} µs (ratio {:.3}); wrk {paced_name} {slow:.0} µs (ratio {:.3})",
                ours / b2b,
                ours / slow
            );
            back_to_back.push(ours / b2b);
            with_pauses.push(ours / slow);
        }
        for (name, mut ratios) in [
            ("back to back".to_string(), back_to_back),
            (paced_name, with_pauses),
        ] {
            if ratios.is_empty() {
                continue;
            }
            ratios.sort_by(f64::total_cmp);
            println!(
                "median ratio explorer / wrk {name} over {} rounds: {:.3} (min {:.3}, max {:.3})",
                ratios.len(),
                ratios[ratios.len() / 2],
                ratios[0],
                ratios[ratios.len() - 1]
            );
        }
    });
}
