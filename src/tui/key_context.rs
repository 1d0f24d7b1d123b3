//! Which part of the keymap applies now: the overlay on top, else the completion popup, else
//! the focused field or panel. The footer asks it too, so it shows the keys that act.

use super::action::{Context, Focus, Modal};
use super::app::App;

impl App {
    pub fn key_context(&self) -> Context {
        match self.modals.last() {
            Some(Modal::Help) => return Context::Help,
            Some(Modal::Tool(view)) => return super::tools::context_of(*view),
            Some(Modal::Env(view)) => return super::environments::route::context_of(*view),
            Some(Modal::Presets) => return Context::PresetPicker,
            Some(Modal::History) => return Context::HistoryPanel,
            Some(Modal::Prompt) => return Context::Prompt,
            Some(Modal::PdpView) => return Context::PdpView,
            Some(Modal::AuditLog) => return Context::AuditLog,
            Some(Modal::Notices) => return Context::Notices,
            Some(Modal::Palette) => return Context::Palette,
            Some(Modal::Leader) => return Context::Leader,
            None => {}
        }
        if super::tools::complete::is_open(self) {
            return Context::Completion;
        }
        self.focus_context()
    }

    /// The context of the focused part of the form or panel, ignoring popups.
    pub fn focus_context(&self) -> Context {
        match self.focus {
            Focus::Field(f) if f.is_json() => Context::JsonField,
            Focus::Field(_) => Context::TextField,
            Focus::Decision => Context::Panel,
        }
    }
}
