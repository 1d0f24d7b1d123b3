//! The one-line prompt over a picker (a preset's name, a new name, a file path, an
//! environment's new name or PDP URL): typing into it, and its answer, handed to the feature
//! that asked. A refusal keeps it open with what was typed; a write closes it once done.

pub mod model;

pub use model::{PromptKind, PromptState};

use crossterm::event::KeyEvent;
use ratatui_textarea::{CursorMove, TextArea};

use super::action::{Modal, PromptAction};
use super::app::{App, NoticeLevel};
use super::msg::Effect;
use crate::store::Expectation;

/// Asks `kind` over whatever is open, `text` prefilled with the cursor after it.
pub fn open(app: &mut App, kind: PromptKind, text: &str) {
    if app.modals.last() != Some(&Modal::Prompt) {
        app.modals.push(Modal::Prompt);
    }
    let mut input = TextArea::new(vec![text.to_string()]);
    input.move_cursor(CursorMove::End);
    app.prompt = PromptState {
        kind: Some(kind),
        input,
        replace_warned: None,
    };
}

pub fn close(app: &mut App) {
    super::list_overlay::close(app, Modal::Prompt);
    app.prompt.kind = None;
}

pub fn is_open(app: &App) -> bool {
    app.modals.last() == Some(&Modal::Prompt)
}

pub fn perform(app: &mut App, action: PromptAction) -> Vec<Effect> {
    match action {
        PromptAction::Submit => return submit(app),
        PromptAction::CycleExpect => {
            if let Some(PromptKind::SavePreset { expect }) = &mut app.prompt.kind {
                *expect = match expect {
                    None => Some(Expectation::Allow),
                    Some(Expectation::Allow) => Some(Expectation::Deny),
                    Some(Expectation::Deny) => None,
                };
            }
        }
        PromptAction::Cancel => close(app),
    }
    Vec::new()
}

pub fn on_text_key(app: &mut App, key: KeyEvent) {
    super::text_input::edit(&mut app.prompt.input, key);
}

pub fn on_paste(app: &mut App, text: &str) {
    app.prompt.input.insert_str(super::picker::one_line(text));
}

fn submit(app: &mut App) -> Vec<Effect> {
    let text = app.prompt.text().trim().to_string();
    let Some(kind) = app.prompt.kind.clone() else {
        close(app);
        return Vec::new();
    };
    if text.is_empty() {
        app.notice("Type a name (or Esc)", NoticeLevel::Warning);
        return Vec::new();
    }
    let answered = match &kind {
        PromptKind::RenameEnvironment { old } => {
            super::environments::manage::rename(app, old, &text)
        }
        PromptKind::EnvironmentPdpUrl { name } => {
            super::environments::manage::set_pdp_url(app, name, &text)
        }
        PromptKind::SavePreset { .. }
        | PromptKind::RenamePreset { .. }
        | PromptKind::DuplicatePreset { .. }
        | PromptKind::ExportPresets
        | PromptKind::ImportPresets => super::presets::answer::answer(app, &kind, &text),
    };
    // A refusal before anything is written keeps the prompt open with what was typed; a
    // write closes it once done (`store_write::written`).
    answered.unwrap_or_else(|why| {
        app.notice(why, NoticeLevel::Warning);
        Vec::new()
    })
}
