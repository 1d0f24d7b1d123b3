//! Which overlay of environments, presets and history is open: one at a time, a prompt
//! stacked on its picker.

use ratatui_textarea::TextArea;

use super::{App, EnvView, Modal};

/// Which keymap context an overlay of this module uses.
pub fn context_of(view: EnvView) -> crate::tui::action::Context {
    use crate::tui::action::Context;
    match view {
        EnvView::Environments => Context::EnvPicker,
        EnvView::AddEnvironment => Context::AddEnv,
        EnvView::Presets => Context::PresetPicker,
        EnvView::History => Context::HistoryPanel,
        EnvView::Prompt => Context::Prompt,
    }
}

pub fn open_view(app: &App) -> Option<EnvView> {
    match app.modals.last() {
        Some(Modal::Env(view)) => Some(*view),
        _ => None,
    }
}

pub(super) fn open(app: &mut App, view: EnvView) {
    if open_view(app) == Some(view) {
        return;
    }
    // One overlay of this module at a time (a prompt stacks on its picker).
    if view != EnvView::Prompt {
        app.modals.retain(|m| !matches!(m, Modal::Env(_)));
        app.envs.input = TextArea::default();
        app.envs.selected = 0;
    }
    app.modals.push(Modal::Env(view));
}

pub(super) fn close(app: &mut App) {
    if matches!(app.modals.last(), Some(Modal::Env(_))) {
        app.modals.pop();
    }
    if open_view(app).is_none() {
        app.envs.prompt = None;
    }
}

pub(super) fn list_len(app: &App, view: EnvView) -> usize {
    match view {
        // The environments, then "add environment".
        EnvView::Environments => app.targets.len() + 1,
        EnvView::Presets => app.envs.preset_matches().len(),
        EnvView::History => app.envs.history_matches().len(),
        EnvView::AddEnvironment => app.envs.add.choices_len(),
        EnvView::Prompt => 0,
    }
}
