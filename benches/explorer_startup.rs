//! Cold start of the real binary in a pseudo-terminal: from spawn to the first frame on the
//! screen (the header text appears), and to exit with `--exit-after-first-frame` (which
//! includes starting the embedded sandbox, drawing, restoring the terminal and shutdown).
//!
//! `cargo bench --bench explorer_startup` (RUNS=N, default 30)

use std::io::Read;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

fn one_run(config: &std::path::Path) -> (Duration, Duration) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_permit-tui"));
    for (key, _) in std::env::vars() {
        if key.starts_with("PERMIT_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env("PERMIT_TUI_CONFIG_DIR", config);
    cmd.env("PERMIT_TUI_DATA_DIR", config);
    cmd.arg("--exit-after-first-frame");
    let started = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).expect("spawn");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        let mut seen = Vec::new();
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if seen.windows(10).any(|w| w == b"permit-tui") {
                let _ = tx.send(Instant::now());
                break;
            }
        }
        // Keep draining so the child never blocks on a full pty.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
        }
    });
    let first_frame = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("first frame within 10 s")
        - started;
    let status = child.wait().expect("wait");
    let exited = started.elapsed();
    assert!(status.success(), "{status:?}");
    (first_frame, exited)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().expect("tempdir");
    let _warm = one_run(dir.path());
    let (mut frames, mut exits) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (f, e) = one_run(dir.path());
        frames.push(f);
        exits.push(e);
    }
    let max_frame = frames.iter().max().copied().unwrap_or_default();
    println!(
        "cold start ({runs} runs): spawn → first frame median {:.1} ms (max {:.1} ms); spawn → exit median {:.1} ms",
        median(frames).as_secs_f64() * 1e3,
        max_frame.as_secs_f64() * 1e3,
        median(exits).as_secs_f64() * 1e3
    );
}
