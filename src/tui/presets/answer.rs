//! What the preset prompts' answers write: save the form (a second Enter replaces a preset
//! of that name), rename, duplicate, export, import.

use crate::store::Preset;
use crate::tui::app::App;
use crate::tui::msg::Effect;
use crate::tui::prompt::model::PromptKind;
use crate::tui::store_write::model::{PresetOp, StoreWrite};

/// The write `text` answers `kind` with, or why not (the prompt then stays open).
pub fn answer(app: &mut App, kind: &PromptKind, text: &str) -> Result<Vec<Effect>, String> {
    let input = app.input();
    let environment = app.target().map(|t| t.target.name.clone());
    let Some(store) = &app.store else {
        return Err("No store: presets are not available".into());
    };
    let text = text.to_string();
    let write = match kind {
        PromptKind::SavePreset { expect } => {
            let existing = store.presets.get(&text).cloned();
            let replacing = existing.is_some();
            if replacing && app.prompt.replace_warned.as_deref() != Some(text.as_str()) {
                app.prompt.replace_warned = Some(text.clone());
                return Err(format!(
                    "Preset `{text}` exists: Enter again replaces it, or change the name"
                ));
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
                name: text,
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
            return Ok(Vec::new())
        }
    };
    Ok(vec![Effect::write(write.from_prompt())])
}
