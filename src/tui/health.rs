//! The header's health dot: the current PDP asked every few seconds (with a look at the
//! mirror and `config.toml` on the same beat), and what its answer means.

use super::app::{App, Health};
use super::msg::Effect;

impl App {
    /// The health beat: ask the current PDP, reload a changed mirror, read a changed config.
    pub fn health_beat(&mut self) -> Vec<Effect> {
        let mut effects = super::mirror::reload_if_changed(self);
        effects.extend(super::environments::manage::watch(self, false));
        if let Some(t) = self.target() {
            effects.push(Effect::Health {
                target: self.current,
                url: t.target.pdp_url.clone(),
                timeout: self.settings.timeout,
            });
        }
        effects
    }

    /// A PDP's health answer, for the header's dot (`sandbox`: it is a permit-tui sandbox).
    pub fn set_health(&mut self, target: usize, health: Health, sandbox: bool) {
        if let Some(t) = self.targets.get_mut(target) {
            t.health = health;
            t.sandbox_pdp = sandbox;
        }
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
