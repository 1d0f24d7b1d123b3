//! What comes back after a check was fired: its answer (kept, recorded, judged, decided on
//! the mirror too), the live-mode debounce and the deferred validation of a large form, and
//! the sandbox's policy reloaded.

use super::app::{App, CheckOutcome, NoticeLevel, PanelNote};
use super::msg::Effect;
use crate::pdp::types::AllowedResult;
use crate::pdp::Exchange;
use crate::store::HistoryEntry;

/// The answer to check `id`. An answer to a check that is no longer the current one is
/// dropped unseen.
pub fn on_check_finished(app: &mut App, id: u64, exchange: Exchange<AllowedResult>) -> Vec<Effect> {
    let Some(flight) = app.in_flight.take_if(|f| f.id == id) else {
        return Vec::new();
    };
    let query = flight.request.query.clone();
    let target_name = match app.targets.get_mut(flight.target) {
        Some(t) => {
            if exchange.status.is_some() {
                t.latencies.push(exchange.latency);
            }
            t.target.name.clone()
        }
        None => String::new(),
    };
    let entry = HistoryEntry::from_check(&target_name, &query, &exchange);
    super::presets::verdict::judge(app, &query, &exchange);
    let mut effects = super::history::recording::after_check(app, entry, flight.live);
    effects.extend(super::mirror::after_check(
        app,
        id,
        flight.target,
        &query,
        exchange.result.as_ref().ok(),
    ));
    let summary = exchange
        .result
        .as_ref()
        .ok()
        .map(|answer| crate::explain::summarize(&query, answer));
    app.result = Some(CheckOutcome {
        id,
        target_name,
        request: flight.request,
        exchange,
        mirror: None,
        summary,
    });
    app.note = PanelNote::None;
    app.reset_scroll();
    effects
}

/// Typing paused after edit `generation`: validate a large form now; in live mode, check it.
pub fn on_debounce(app: &mut App, generation: u64) -> Vec<Effect> {
    on_validate(app, generation);
    if !(app.live && generation == app.debounce_generation && app.validation.is_ok()) {
        return Vec::new();
    }
    let effects = app.fire();
    if let Some(flight) = &mut app.in_flight {
        flight.live = true;
    }
    effects
}

/// Typing paused after edit `generation` of a large form: validate it now.
pub fn on_validate(app: &mut App, generation: u64) {
    if generation == app.debounce_generation && app.validation_pending {
        app.revalidate();
    }
}

/// The policy files changed: say so, and in live mode ask the sandbox again.
pub fn on_sandbox_reload(app: &mut App, reload: crate::targets::Reload) -> Vec<Effect> {
    if let Some(error) = reload.error {
        app.notice(
            format!("The policy file does not load: {error}"),
            NoticeLevel::Warning,
        );
        return Vec::new();
    }
    let on_sandbox = app.target().is_some_and(|t| t.target.is_sandbox);
    if app.live && on_sandbox && app.validation.is_ok() {
        app.notice("Policy reloaded: checking again", NoticeLevel::Info);
        return app.fire();
    }
    app.notice(
        "Policy reloaded: F5 checks the form on it",
        NoticeLevel::Info,
    );
    Vec::new()
}
