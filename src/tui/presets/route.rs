//! The preset picker's keys: open it, move, load a preset into the form in its environment,
//! and the prompts that save, rename, duplicate, export and import.

use crossterm::event::KeyEvent;

use crate::store::Expectation;
use crate::tui::action::{Modal, PresetAction};
use crate::tui::app::{App, NoticeLevel};
use crate::tui::list_overlay;
use crate::tui::msg::Effect;
use crate::tui::prompt::{self, PromptKind};
use crate::tui::store_write::model::{PresetOp, StoreWrite};

pub fn perform(app: &mut App, action: PresetAction) -> Vec<Effect> {
    match action {
        PresetAction::Open => {
            if list_overlay::open(app, Modal::Presets) {
                app.presets.picker.reset();
            }
        }
        PresetAction::Save => open_save_prompt(app),
        PresetAction::Close => list_overlay::close(app, Modal::Presets),
        PresetAction::Up => app.presets.picker.up(),
        PresetAction::Down => {
            let len = app.presets.matches(app.store.as_ref()).len();
            app.presets.picker.down(len);
        }
        PresetAction::Load => return super::load::load_selected(app),
        PresetAction::Rename => {
            if let Some(name) = selected(app) {
                prompt::open(app, PromptKind::RenamePreset { old: name.clone() }, &name);
            }
        }
        PresetAction::Duplicate => {
            if let Some(name) = selected(app) {
                let copy = format!("{name} copy");
                prompt::open(app, PromptKind::DuplicatePreset { of: name }, &copy);
            }
        }
        PresetAction::Delete => return delete_selected(app),
        PresetAction::Export => prompt::open(app, PromptKind::ExportPresets, "presets-export.toml"),
        PresetAction::Import => prompt::open(app, PromptKind::ImportPresets, ""),
    }
    Vec::new()
}

/// Typing filters the picker.
pub fn on_text_key(app: &mut App, key: KeyEvent) {
    app.presets.picker.edit(key);
}

pub fn on_paste(app: &mut App, text: &str) {
    app.presets.picker.paste(text);
}

fn selected(app: &App) -> Option<String> {
    app.presets.selected(app.store.as_ref())
}

/// The save prompt, for a form that can be checked: the expected decision is prefilled from
/// the answer to this very form, never from one the form has since moved away from.
fn open_save_prompt(app: &mut App) {
    app.revalidate();
    if let Err(err) = &app.validation {
        let text = format!("Not saved: the form cannot be checked yet ({err})");
        app.notice(text, NoticeLevel::Warning);
        return;
    }
    let expect = app
        .result
        .as_ref()
        .filter(|_| !app.result_is_stale())
        .and_then(|r| r.exchange.result.as_ref().ok())
        .map(|a| {
            if a.allow {
                Expectation::Allow
            } else {
                Expectation::Deny
            }
        });
    // Saving a loaded preset again updates it.
    let name = app
        .presets
        .loaded
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_default();
    prompt::open(app, PromptKind::SavePreset { expect }, &name);
}

fn delete_selected(app: &mut App) -> Vec<Effect> {
    let (Some(name), Some(store)) = (selected(app), &app.store) else {
        return Vec::new();
    };
    let write = StoreWrite::presets(&store.presets, PresetOp::Delete(name.clone()))
        .saying(format!("Preset `{name}` deleted"));
    vec![Effect::write(write)]
}
