//! The live bench view in a pseudo-terminal: it draws progress, req/s and the histogram,
//! `q` stops the run early, the terminal is restored and the summary still prints.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

const ROWS: u16 = 30;
const COLS: u16 = 100;
const WAIT: Duration = Duration::from_secs(20);

#[test]
fn q_stops_the_live_view_early_and_the_summary_still_prints() {
    live_view_then_q(false);
}

#[test]
fn no_color_reaches_the_live_view() {
    live_view_then_q(true);
}

fn live_view_then_q(no_color: bool) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_permit-tui"));
    for (key, _) in std::env::vars() {
        if key.starts_with("PERMIT_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env("TERM", "xterm-256color");
    if no_color {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    // Bounded far beyond the test: only `q` can end it in time.
    cmd.args(["bench", "-d", "60s", "-c", "2", "--env", "sandbox-dev"]);
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);

    let mut reader = pty.master.try_clone_reader().unwrap();
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let mut writer = pty.master.take_writer().unwrap();
    let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap();
    let mut parser = vt100::Parser::new(nz(ROWS), nz(COLS), 0);
    let mut raw = Vec::new();

    let deadline = Instant::now() + WAIT;
    let screen = loop {
        let text = parser.screen().contents();
        if text.contains("latency histogram") && text.contains("p99") && text.contains("req/s") {
            let done: u64 = text
                .lines()
                .find_map(|l| l.trim_start_matches(['│', ' ']).strip_prefix("completed"))
                .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
                .unwrap_or(0);
            if done > 0 {
                break text;
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no live view; screen:\n{text}");
        if let Ok(chunk) = rx.recv_timeout(left.min(Duration::from_millis(200))) {
            parser.process(&chunk);
            raw.extend_from_slice(&chunk);
        }
    };
    assert!(screen.contains("bench sandbox-dev"), "{screen}");
    let grid = parser.screen();
    let coloured = (0..ROWS).any(|r| {
        (0..COLS).any(|c| {
            grid.cell(r, c).is_some_and(|cell| {
                cell.fgcolor() != vt100::Color::Default || cell.bgcolor() != vt100::Color::Default
            })
        })
    });
    assert_eq!(
        coloured, !no_color,
        "colour on the live view, NO_COLOR={no_color}"
    );
    assert!(screen.contains("s / 60.0 s"), "{screen}");
    assert!(!screen.contains("permit_key_sandbox_dev"), "{screen}");

    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_tx.send(child.wait());
    });
    let status = done_rx
        .recv_timeout(WAIT)
        .expect("bench exits after q")
        .unwrap();
    assert!(status.success(), "exit status {status:?}");
    drop(writer);
    let drain_until = Instant::now() + Duration::from_secs(5);
    while let Ok(chunk) = rx.recv_timeout(drain_until.saturating_duration_since(Instant::now())) {
        raw.extend_from_slice(&chunk);
    }
    let leave_alt_screen = b"\x1b[?1049l";
    let restored_at = raw
        .windows(leave_alt_screen.len())
        .position(|w| w == leave_alt_screen)
        .expect("the terminal was restored (leave-alternate-screen)");
    let after = String::from_utf8_lossy(&raw[restored_at..]);
    assert!(after.contains("stopped early"), "{after}");
    assert!(after.contains("p99.9"), "{after}");
}
