//! Presets in the explorer: the save prompt, loading one in its environment, deleting.

use super::store_write::{PresetOp, StoreWrite};
use super::*;

/// The save prompt, for a form that can be checked: the expected decision is prefilled from
/// the answer to this very form, never from one the form has since moved away from.
pub(super) fn open_save_prompt(app: &mut App) {
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
        .envs
        .loaded_preset
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_default();
    open_prompt(app, PromptKind::SavePreset { expect }, &name);
}

pub(super) fn selected_preset(app: &App) -> Option<String> {
    app.envs.preset_matches().get(app.envs.selected).cloned()
}

/// Loads the selected preset into the form, in the environment it was saved for: a preset's
/// expected decision is about that environment.
pub(super) fn load_selected_preset(app: &mut App) -> Vec<Effect> {
    let Some(name) = selected_preset(app) else {
        return Vec::new();
    };
    let Some(preset) = app
        .envs
        .store
        .as_ref()
        .and_then(|s| s.presets.get(&name))
        .cloned()
    else {
        return Vec::new();
    };
    close(app);
    app.set_input(&preset.input);
    app.result = None;
    app.envs.verdict = None;
    let mut effects = Vec::new();
    let home = preset.environment.clone();
    let current = app.target().map(|t| t.target.name.clone());
    match home {
        Some(env) if current.as_deref() != Some(env.as_str()) => {
            match app.targets.iter().position(|t| t.target.name == env) {
                Some(i) => {
                    effects.extend(switch_to(app, i));
                    app.notice(
                        format!("Preset `{name}` loaded in its environment `{env}`"),
                        NoticeLevel::Info,
                    );
                }
                None => app.notice(
                    format!(
                        "Preset `{name}` loaded; it was saved for `{env}`, which is not configured here, so it runs in `{}`",
                        current.unwrap_or_default()
                    ),
                    NoticeLevel::Warning,
                ),
            }
        }
        _ => app.notice(format!("Preset `{name}` loaded"), NoticeLevel::Info),
    }
    app.envs.loaded_preset = Some(preset);
    effects
}

pub(super) fn delete_selected_preset(app: &mut App) -> Vec<Effect> {
    let (Some(name), Some(store)) = (selected_preset(app), &app.envs.store) else {
        return Vec::new();
    };
    let write = StoreWrite::presets(&store.presets, PresetOp::Delete(name.clone()))
        .saying(format!("Preset `{name}` deleted"));
    vec![write.effect()]
}
