//! The history panel's keys, and the history file's answers.

use crossterm::event::KeyEvent;

use crate::store::HistoryEntry;
use crate::tui::action::{HistoryAction, Modal};
use crate::tui::app::{App, NoticeLevel};
use crate::tui::list_overlay;
use crate::tui::msg::Effect;

use super::model::HistoryMsg;
use super::panel;

pub fn perform(app: &mut App, action: HistoryAction) -> Vec<Effect> {
    match action {
        HistoryAction::Open => {
            if list_overlay::open(app, Modal::History) {
                app.history.picker.reset();
            }
        }
        HistoryAction::Up => app.history.picker.up(),
        HistoryAction::Down => {
            let len = app.history.matches().len();
            app.history.picker.down(len);
        }
        HistoryAction::Rerun => return panel::open_selected(app, true),
        HistoryAction::Load => return panel::open_selected(app, false),
        HistoryAction::Delete => return panel::delete_selected(app),
        HistoryAction::Close => list_overlay::close(app, Modal::History),
    }
    Vec::new()
}

/// Typing filters the panel.
pub fn on_text_key(app: &mut App, key: KeyEvent) {
    app.history.picker.edit(key);
}

pub fn on_paste(app: &mut App, text: &str) {
    app.history.picker.paste(text);
}

pub fn update(app: &mut App, msg: HistoryMsg) -> Vec<Effect> {
    match msg {
        HistoryMsg::Loaded(mut loaded) => {
            // Checks of this session are in the file too, unless they were appended after the
            // load read it: those are kept on top.
            let n = app.history.session_checks.min(app.history.index.len());
            let session = &app.history.index.entries()[..n];
            let missing: Vec<HistoryEntry> = session
                .iter()
                .filter(|e| !loaded.entries().iter().take(session.len()).any(|l| l == *e))
                .cloned()
                .collect();
            for entry in missing.into_iter().rev() {
                loaded.push_newest(entry);
            }
            app.history.index = loaded;
            app.history.complete = true;
            super::latencies::rebuild(app);
        }
        HistoryMsg::NotSaved(text) | HistoryMsg::NotDeleted(text) => {
            app.notice(text, NoticeLevel::Warning);
        }
    }
    Vec::new()
}
