//! Switching the current environment.

use crate::tui::app::{App, NoticeLevel};
use crate::tui::msg::Effect;
use crate::tui::store_write::model::{ConfigChange, StoreWrite};

/// Makes `targets[i]` current: cancels what is in flight, asks its health, remembers it as
/// the active environment. Its latency ring and history stay as they were.
pub fn switch_to(app: &mut App, i: usize) -> Vec<Effect> {
    if i >= app.targets.len() {
        app.notice(
            format!("There is no environment {}", i + 1),
            NoticeLevel::Info,
        );
        return Vec::new();
    }
    let mut effects = app.drop_in_flight();
    if i != app.current {
        app.previous_target = Some(app.current);
    }
    app.current = i;
    app.result = None;
    app.presets.verdict = None;
    app.revalidate();
    let t = &app.targets[i].target;
    let (name, url) = (t.name.clone(), t.pdp_url.clone());
    app.notice(format!("Environment: {name}"), NoticeLevel::Info);
    if let Some(store) = &app.store {
        if store.config.get(&name).is_some() || crate::targets::is_sandbox_name(&name) {
            let change = ConfigChange::SetActive(name.clone());
            effects.push(Effect::write(StoreWrite::config(&store.config, change)));
        }
    }
    effects.push(Effect::Health {
        target: i,
        url,
        timeout: app.settings.timeout,
    });
    effects.extend(crate::tui::mirror::load_current(app));
    crate::tui::audit::on_switch(app);
    // Live mode follows the environment too: the same query, asked of the new one.
    if app.live && app.validation.is_ok() {
        effects.extend(app.fire());
    }
    effects
}
