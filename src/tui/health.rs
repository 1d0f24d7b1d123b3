//! The header's health dot: the current PDP asked every few seconds (with a look at the
//! mirror and `config.toml` on the same beat), and what its answer means.

use super::app::{App, Health};
use super::msg::Effect;

/// The health beat: ask the current PDP, reload a changed mirror, read a changed config.
pub fn on_tick(app: &mut App) -> Vec<Effect> {
    let mut effects = super::mirror::reload_if_changed(app);
    effects.extend(super::environments::manage::watch(app, false));
    if let Some(t) = app.target() {
        effects.push(Effect::Health {
            target: app.current,
            url: t.target.pdp_url.clone(),
            timeout: app.settings.timeout,
        });
    }
    effects
}

pub fn on_health(app: &mut App, target: usize, health: Health, sandbox: bool) {
    if let Some(t) = app.targets.get_mut(target) {
        t.health = health;
        t.sandbox_pdp = sandbox;
    }
}

/// What a health answer means for the header's dot.
pub fn health_of(exchange: &crate::pdp::Exchange<crate::pdp::types::Health>) -> Health {
    match (&exchange.result, exchange.status) {
        (Ok(_), Some(200)) => Health::Up,
        (Ok(_), Some(status)) => Health::Degraded(format!("HTTP {status}")),
        (Ok(_), None) => Health::Up,
        (Err(err), Some(status)) => Health::Degraded(format!("HTTP {status}: {}", err.kind())),
        (Err(err), None) => Health::Down(err.to_string()),
    }
}
