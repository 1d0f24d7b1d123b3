//! The explorer's whole loop (`run_loop` on `TestBackend`, 120×40) driven by scripted keys,
//! shared by the full-loop test files. Every wait is bounded.

// Each test file uses a part of this.
#![allow(dead_code)]

pub mod loopback;

use std::io;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::{unbounded, UnboundedSender};
use permit_tui::tui::app::App;
use permit_tui::tui::tools::runtime::Clipboard;
use permit_tui::tui::{run_loop, LoopOptions};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::Terminal;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub const WAIT: Duration = Duration::from_secs(15);

pub struct Harness {
    pub keys: UnboundedSender<io::Result<Event>>,
    pub frames: watch::Receiver<Buffer>,
    clipboard: mpsc::UnboundedReceiver<String>,
    pub handle: JoinHandle<anyhow::Result<App>>,
}

/// A frame's text, one line per row.
pub fn text_of(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

impl Harness {
    /// Runs the loop on `app`; copies go to a channel (`copied`), not the terminal.
    pub fn start(app: App) -> Harness {
        let (keys, key_stream) = unbounded();
        let (frames_tx, frames) = watch::channel(Buffer::empty(Rect::default()));
        let (clip_tx, clipboard) = mpsc::unbounded_channel();
        let handle = tokio::spawn(async move {
            let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
            let mut app = app;
            let options = LoopOptions {
                frames: Some(frames_tx),
                clipboard: Clipboard::Channel(clip_tx),
                ..LoopOptions::default()
            };
            run_loop(&mut terminal, &mut app, key_stream, options).await?;
            Ok(app)
        });
        Harness {
            keys,
            frames,
            clipboard,
            handle,
        }
    }

    pub fn send(&self, event: Event) {
        self.keys
            .unbounded_send(Ok(event))
            .expect("loop is running");
    }

    pub fn key(&self, code: KeyCode) {
        self.key_mod(code, KeyModifiers::NONE);
    }

    pub fn key_mod(&self, code: KeyCode, mods: KeyModifiers) {
        self.send(Event::Key(KeyEvent::new(code, mods)));
    }

    pub fn ctrl(&self, c: char) {
        self.key_mod(KeyCode::Char(c), KeyModifiers::CONTROL);
    }

    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Waits until a drawn frame satisfies `pred`, and returns its text.
    pub async fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let frames = &mut self.frames;
        let found = tokio::time::timeout(WAIT, async {
            loop {
                let text = text_of(&frames.borrow_and_update());
                if pred(&text) {
                    return text;
                }
                if frames.changed().await.is_err() {
                    return String::new();
                }
            }
        })
        .await;
        match found {
            Ok(text) if !text.is_empty() => text,
            _ => panic!(
                "timed out waiting for {what}; last screen:\n{}",
                text_of(&self.frames.borrow())
            ),
        }
    }

    /// The next text the app copied.
    pub async fn copied(&mut self) -> String {
        tokio::time::timeout(WAIT, self.clipboard.recv())
            .await
            .expect("a clipboard write in time")
            .expect("clipboard channel open")
    }

    /// Quits with Ctrl-C and returns the final state.
    /// Ctrl-C, twice when the form has unchecked edits (the first one asks).
    pub async fn quit(self) -> App {
        for _ in 0..2 {
            let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
            // The second finds the loop gone when the first quit.
            let _ = self.keys.unbounded_send(Ok(ctrl_c));
        }
        tokio::time::timeout(WAIT, self.handle)
            .await
            .expect("loop ends after Ctrl-C")
            .expect("loop task did not panic")
            .expect("loop returned Ok")
    }
}
