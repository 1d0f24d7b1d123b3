//! Loading a preset into the form, in the environment it was saved for: its expected
//! decision is about that environment.

use crate::tui::action::Modal;
use crate::tui::app::{App, NoticeLevel};
use crate::tui::list_overlay;
use crate::tui::msg::Effect;

pub fn load_selected(app: &mut App) -> Vec<Effect> {
    let Some(name) = app.presets.selected(app.store.as_ref()) else {
        return Vec::new();
    };
    let Some(preset) = app
        .store
        .as_ref()
        .and_then(|s| s.presets.get(&name))
        .cloned()
    else {
        return Vec::new();
    };
    list_overlay::close(app, Modal::Presets);
    app.set_input(&preset.input);
    app.result = None;
    app.presets.verdict = None;
    let mut effects = Vec::new();
    let home = preset.environment.clone();
    let current = app.target().map(|t| t.target.name.clone());
    match home {
        Some(env) if current.as_deref() != Some(env.as_str()) => {
            match app.targets.iter().position(|t| t.target.name == env) {
                Some(i) => {
                    effects.extend(crate::tui::environments::switch::switch_to(app, i));
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
    app.presets.loaded = Some(preset);
    effects
}
