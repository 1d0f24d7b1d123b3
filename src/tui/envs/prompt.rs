//! The one-line prompt over the pickers: a preset's name, a new name, a file path, an
//! environment's new name or PDP URL; and what Enter does with the answer.

pub use super::model::PromptKind;
use super::store_write::{PresetOp, StoreWrite};
use super::*;

pub(super) fn open_prompt(app: &mut App, kind: PromptKind, text: &str) {
    open(app, EnvView::Prompt);
    app.envs.replace_warned = None;
    app.envs.prompt_input = TextArea::new(vec![text.to_string()]);
    app.envs
        .prompt_input
        .move_cursor(ratatui_textarea::CursorMove::End);
    app.envs.prompt = Some(kind);
}

pub(super) fn submit_prompt(app: &mut App) -> Vec<Effect> {
    let text = app.envs.prompt_text().trim().to_string();
    let Some(kind) = app.envs.prompt.clone() else {
        close(app);
        return Vec::new();
    };
    if text.is_empty() {
        app.notice("Type a name (or Esc)", NoticeLevel::Warning);
        return Vec::new();
    }
    let managed = match &kind {
        PromptKind::RenameEnvironment { old } => Some(manage::rename(app, old, &text)),
        PromptKind::EnvironmentPdpUrl { name } => Some(manage::set_pdp_url(app, name, &text)),
        _ => None,
    };
    if let Some(result) = managed {
        return answered(app, result);
    }
    let input = app.input();
    let environment = app.target().map(|t| t.target.name.clone());
    let Some(store) = &app.envs.store else {
        app.notice("No store: presets are not available", NoticeLevel::Warning);
        return Vec::new();
    };
    let write = match &kind {
        PromptKind::SavePreset { expect } => {
            let existing = store.presets.get(&text).cloned();
            let replacing = existing.is_some();
            if replacing && app.envs.replace_warned.as_deref() != Some(text.as_str()) {
                app.envs.replace_warned = Some(text.clone());
                app.notice(
                    format!("Preset `{text}` exists: Enter again replaces it, or change the name"),
                    NoticeLevel::Warning,
                );
                return Vec::new();
            }
            // A hand-written expected code stays while the expected decision does.
            let expect_code = existing
                .filter(|old| old.expect == *expect)
                .and_then(|old| old.expect_code);
            let preset = Preset {
                name: text.clone(),
                input,
                expect: *expect,
                expect_code,
                environment,
            };
            let verb = if replacing { "replaced" } else { "saved" };
            StoreWrite::presets(&store.presets, PresetOp::Save(Box::new(preset)))
                .saying(format!("Preset `{text}` {verb}"))
        }
        PromptKind::RenamePreset { old } => {
            let op = PresetOp::Rename {
                old: old.clone(),
                new: text.clone(),
            };
            StoreWrite::presets(&store.presets, op)
                .saying(format!("Preset `{old}` renamed to `{text}`"))
        }
        PromptKind::DuplicatePreset { of } => {
            let op = PresetOp::Duplicate {
                of: of.clone(),
                name: text.clone(),
            };
            StoreWrite::presets(&store.presets, op)
        }
        PromptKind::ExportPresets => {
            StoreWrite::presets(&store.presets, PresetOp::Export(text.into()))
        }
        PromptKind::ImportPresets => {
            StoreWrite::presets(&store.presets, PresetOp::Import(text.into()))
        }
        PromptKind::RenameEnvironment { .. } | PromptKind::EnvironmentPdpUrl { .. } => {
            return Vec::new()
        }
    };
    // The prompt closes once the write succeeds; a refusal leaves it open with what was typed.
    vec![write.from_prompt().effect()]
}

/// A refusal before anything is written keeps the prompt open with what was typed.
fn answered(app: &mut App, result: Result<Vec<Effect>, String>) -> Vec<Effect> {
    result.unwrap_or_else(|why| {
        app.notice(why, NoticeLevel::Warning);
        Vec::new()
    })
}
