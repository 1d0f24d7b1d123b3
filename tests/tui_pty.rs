//! End to end: the real binary in a pseudo-terminal, read through a vt100 parser. Empty
//! config and data dirs and no PERMIT_* variables, so it starts the embedded sandbox; Enter
//! shows a decision; `q` (outside the text fields) quits with 0 and leaves the alternate
//! screen.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]
// libc calls (the euid, a pty, signals) are what this test exercises.
#![allow(unsafe_code)]

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

const ROWS: u16 = 24;
const COLS: u16 = 80;
const WAIT: Duration = Duration::from_secs(20);

struct Screen {
    parser: vt100::Parser,
    raw: Vec<u8>,
    bytes: mpsc::Receiver<Vec<u8>>,
}

impl Screen {
    /// Feeds output into the parser until `pred` holds for the screen text, or panics after
    /// `WAIT` with the last screen.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.parser.screen().contents();
            if pred(&text) {
                return text;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self
                .bytes
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                Ok(chunk) => {
                    self.parser.process(&chunk);
                    self.raw.extend_from_slice(&chunk);
                }
                Err(mpsc::RecvTimeoutError::Timeout) if !left.is_zero() => {}
                Err(_) => panic!("timed out waiting for {what}; screen:\n{text}"),
            }
        }
    }

    /// Reads whatever comes until the pty closes (the child exited) or `WAIT` passes.
    fn drain(&mut self) {
        let deadline = Instant::now() + WAIT;
        while let Ok(chunk) = self
            .bytes
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.parser.process(&chunk);
            self.raw.extend_from_slice(&chunk);
        }
    }
}

struct Session {
    screen: Screen,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Kept open for the session: closing it hangs up the child.
    _master: Box<dyn portable_pty::MasterPty + Send>,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

fn start(no_color: bool) -> Session {
    start_in(
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        no_color,
    )
}

/// A session on the given config and data directories (a second start sees the first's files).
fn start_in(config: tempfile::TempDir, data: tempfile::TempDir, no_color: bool) -> Session {
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
        if key.starts_with("PERMIT_") || key == "NO_COLOR" {
            cmd.env_remove(&key);
        }
    }
    cmd.env("PERMIT_TUI_CONFIG_DIR", config.path());
    cmd.env("PERMIT_TUI_DATA_DIR", data.path());
    cmd.env("TERM", "xterm-256color");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);

    let mut reader = pty.master.try_clone_reader().unwrap();
    let (tx, rx) = mpsc::channel();
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
    let writer = pty.master.take_writer().unwrap();
    let screen = Screen {
        parser: vt100::Parser::new(
            std::num::NonZeroU16::new(ROWS).unwrap(),
            std::num::NonZeroU16::new(COLS).unwrap(),
            0,
        ),
        raw: Vec::new(),
        bytes: rx,
    };
    Session {
        screen,
        writer,
        child,
        _master: pty.master,
        _dirs: (config, data),
    }
}

#[test]
fn binary_starts_the_sandbox_shows_a_decision_and_quits_cleanly() {
    let Session {
        mut screen,
        mut writer,
        mut child,
        _master,
        _dirs,
    } = start(false);

    let first = screen.wait_for("the first frame", |s| {
        s.contains("sandbox dev") && s.contains("No check yet")
    });
    assert!(first.contains("alice"), "demo query prefilled:\n{first}");
    assert!(
        !first.contains("permit_key_sandbox_dev"),
        "key masked:\n{first}"
    );

    writer.write_all(b"\r").unwrap();
    writer.flush().unwrap();
    let decided = screen.wait_for("a decision", |s| {
        s.contains("ALLOW") && s.contains("check #1")
    });
    assert!(decided.contains("HTTP 200"), "{decided}");
    let grid = screen.parser.screen();
    let green_badge = (0..ROWS).any(|r| {
        (0..COLS).any(|c| {
            grid.cell(r, c)
                .is_some_and(|cell| cell.bgcolor() == vt100::Color::Idx(2))
        })
    });
    assert!(green_badge, "the ALLOW badge is green when colour is on");

    // Esc leaves the field for the decision panel, where q quits.
    writer.write_all(b"\x1b").unwrap();
    writer.flush().unwrap();
    screen.wait_for("the panel hints", |s| s.contains("q quit"));
    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();

    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_tx.send(child.wait());
    });
    let status = done_rx
        .recv_timeout(WAIT)
        .expect("the explorer exits after q")
        .unwrap();
    assert!(status.success(), "exit status {status:?}");
    drop(writer);
    screen.drain();
    let leave_alt_screen = b"\x1b[?1049l";
    assert!(
        screen
            .raw
            .windows(leave_alt_screen.len())
            .any(|w| w == leave_alt_screen),
        "the terminal was not restored (no leave-alternate-screen sequence)"
    );
}

/// One Tab too many used to land on the decision panel, where `5` switched environment, `g`
/// toggled the histogram and `q` quit. Tab now cycles the fields only: after a whole round
/// (8 Tabs, which used to end on the panel) a JSON user with digits and letters lands in the
/// user field, and nothing else changes.
#[test]
fn typing_after_cycling_the_focus_only_ever_edits_the_field() {
    let Session {
        mut screen,
        mut writer,
        mut child,
        _master,
        _dirs,
    } = start(true);
    // The header once its health is in, so a later frame can only differ by a switch.
    let first = screen.wait_for("the first frame, healthy", |s| {
        s.contains("No check yet") && s.contains("● sandbox dev")
    });
    let header = first.lines().next().unwrap_or_default().to_string();
    // Ctrl-U empties the user field first (readline: delete to the line's start).
    writer.write_all(b"\x15").unwrap();
    for _ in 0..8 {
        writer.write_all(b"\t").unwrap();
    }
    writer
        .write_all(br#"{"key": "g5q", "attributes": {"level": 7}}"#)
        .unwrap();
    writer.flush().unwrap();
    let typed = screen.wait_for("the JSON user in its field", |s| {
        s.contains(r#"{"key": "g5q", "#)
    });
    assert_eq!(typed.lines().next().unwrap_or_default(), header, "{typed}");
    assert!(
        !typed.contains("alice"),
        "Ctrl-U emptied the field first:\n{typed}"
    );
    assert!(
        !typed.contains("Environment:"),
        "no environment switch:\n{typed}"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "the explorer is still running"
    );
    // Ctrl-C asks once (the form has edits never checked), then quits.
    writer.write_all(b"\x03").unwrap();
    writer.flush().unwrap();
    screen.wait_for("the question", |s| s.contains("never checked"));
    writer.write_all(b"\x03").unwrap();
    writer.flush().unwrap();
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_tx.send(child.wait());
    });
    done_rx.recv_timeout(WAIT).expect("Ctrl-C quits").unwrap();
}

/// Quitting keeps the form, edits never checked included, for the next start.
#[test]
fn the_form_comes_back_on_the_next_start() {
    let Session {
        mut screen,
        mut writer,
        mut child,
        _master,
        _dirs,
    } = start(true);
    screen.wait_for("the first frame", |s| s.contains("No check yet"));
    writer.write_all(b"\x15heidi-was-here").unwrap();
    writer.flush().unwrap();
    screen.wait_for("the edit", |s| s.contains("heidi-was-here"));
    writer.write_all(b"\x03").unwrap();
    writer.flush().unwrap();
    screen.wait_for("the question", |s| s.contains("never checked"));
    writer.write_all(b"\x03").unwrap();
    writer.flush().unwrap();
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_tx.send(child.wait());
    });
    done_rx.recv_timeout(WAIT).expect("quits").unwrap();
    drop(writer);
    drop(_master);

    let (config, data) = _dirs;
    let mut again = start_in(config, data, true);
    let first = again
        .screen
        .wait_for("the second start", |s| s.contains("No check yet"));
    assert!(first.contains("heidi-was-here"), "{first}");
    again.writer.write_all(b"\x03").unwrap();
    again.writer.flush().unwrap();
    let _ = again.child.wait();
}

#[test]
fn no_color_reaches_the_real_terminal() {
    let Session {
        mut screen,
        mut writer,
        mut child,
        _master,
        _dirs,
    } = start(true);
    screen.wait_for("the first frame", |s| s.contains("No check yet"));
    writer.write_all(b"\r").unwrap();
    writer.flush().unwrap();
    screen.wait_for("a decision", |s| {
        s.contains("ALLOW") && s.contains("check #1")
    });
    let grid = screen.parser.screen();
    for row in 0..ROWS {
        for col in 0..COLS {
            let cell = grid.cell(row, col).expect("cell in range");
            assert_eq!(cell.fgcolor(), vt100::Color::Default, "fg at {row},{col}");
            assert_eq!(cell.bgcolor(), vt100::Color::Default, "bg at {row},{col}");
        }
    }
    writer.write_all(&[3]).unwrap(); // Ctrl-C
    writer.flush().unwrap();
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_tx.send(child.wait());
    });
    let status = done_rx
        .recv_timeout(WAIT)
        .expect("exits after Ctrl-C")
        .unwrap();
    assert!(status.success(), "exit status {status:?}");
}

/// Whether the terminal is back in cooked mode: echo and line editing on.
#[cfg(unix)]
fn cooked(master: &dyn portable_pty::MasterPty) -> bool {
    let fd = master.as_raw_fd().expect("the pty master has a descriptor");
    // SAFETY: a zeroed termios is a valid out-parameter; `fd` is open for the call.
    let mut termios: libc::termios = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::tcgetattr(fd, &mut termios) };
    assert_eq!(rc, 0, "tcgetattr on the pty");
    termios.c_lflag & libc::ECHO != 0 && termios.c_lflag & libc::ICANON != 0
}

#[cfg(unix)]
#[test]
fn a_kill_signal_restores_the_terminal_and_exits_with_the_conventional_status() {
    for (signal, name) in [
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGHUP, "SIGHUP"),
        (libc::SIGINT, "SIGINT"),
    ] {
        let Session {
            mut screen,
            writer,
            mut child,
            _master,
            _dirs,
        } = start(true);
        screen.wait_for("the first frame", |s| s.contains("No check yet"));
        assert!(!cooked(_master.as_ref()), "{name}: the explorer runs raw");
        let pid = child.process_id().expect("the child's pid") as libc::pid_t;
        // SAFETY: sends a signal to the child this test spawned.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);

        let (done_tx, done_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = done_tx.send(child.wait());
        });
        let status = done_rx
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("{name}: the explorer did not exit"))
            .unwrap();
        assert_eq!(
            status.exit_code(),
            128 + signal as u32,
            "{name}: exit status {status:?}"
        );
        drop(writer);
        screen.drain();
        assert!(
            cooked(_master.as_ref()),
            "{name}: the terminal was left raw"
        );
        for (sequence, what) in [
            (&b"\x1b[?1049l"[..], "leave the alternate screen"),
            (&b"\x1b[?1000l"[..], "stop mouse capture"),
            (&b"\x1b[?25h"[..], "show the cursor"),
        ] {
            assert!(
                screen.raw.windows(sequence.len()).any(|w| w == sequence),
                "{name}: did not {what}"
            );
        }
    }
}
