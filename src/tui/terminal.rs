//! Terminal setup and restore. The terminal is restored on a normal exit, on an error (the
//! guard's `Drop`), on a panic (the hook runs before the default one prints) and on SIGTERM,
//! SIGHUP or SIGINT (see [`Termination`]).

use std::io::{self, Stdout, Write};
use std::sync::Once;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

/// Puts the terminal back: cooked mode, main screen, cursor shown. Safe to call twice.
pub fn restore() -> io::Result<()> {
    let raw = disable_raw_mode();
    let mut out = io::stdout();
    let screen = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
    raw.and(screen)
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = restore();
            previous(info);
        }));
    });
}

/// SIGTERM, SIGHUP and SIGINT, caught from the moment [`Termination::listen`] returns (so
/// before the terminal goes raw). In raw mode Ctrl-C is a key, not a signal; a SIGINT comes
/// from `kill`.
pub struct Termination {
    #[cfg(unix)]
    streams: Vec<(tokio::signal::unix::Signal, i32)>,
}

impl Termination {
    /// Must run inside the tokio runtime.
    pub fn listen() -> Termination {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let kinds = [
                (SignalKind::terminate(), libc::SIGTERM),
                (SignalKind::hangup(), libc::SIGHUP),
                (SignalKind::interrupt(), libc::SIGINT),
            ];
            let streams = kinds
                .into_iter()
                .filter_map(|(kind, number)| signal(kind).ok().map(|s| (s, number)))
                .collect();
            Termination { streams }
        }
        #[cfg(not(unix))]
        Termination {}
    }

    /// The number of the first signal that arrives; never returns if none can be caught.
    pub async fn wait(&mut self) -> i32 {
        #[cfg(unix)]
        if !self.streams.is_empty() {
            let waits = self.streams.iter_mut().map(|(stream, number)| {
                let number = *number;
                Box::pin(async move {
                    stream.recv().await;
                    number
                })
            });
            return futures::future::select_all(waits).await.0;
        }
        std::future::pending().await
    }
}

/// Restores the terminal when dropped, so `?` and early returns cannot leave it raw.
pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    pub fn new() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(err) = execute!(
            out,
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        ) {
            let _ = restore();
            return Err(err);
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(err) => {
                let _ = restore();
                Err(err)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = restore();
    }
}
