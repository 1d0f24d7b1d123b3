//! Every finished check into the history: into the panel at once, appended to the file off the
//! app's thread; a live-mode burst only once it settles.

use std::time::Duration;

use crate::store::HistoryEntry;
use crate::tui::app::App;
use crate::tui::msg::Effect;

use super::model::HistoryEffect;

/// Adds a finished check to the history panel, and asks for it to be appended to the history
/// file (off the app's thread).
pub fn record(app: &mut App, entry: HistoryEntry) -> Vec<Effect> {
    let effects = match &app.store {
        Some(store) => vec![Effect::History(HistoryEffect::Record {
            log: store.history.clone(),
            entry: entry.clone(),
        })],
        None => Vec::new(),
    };
    app.history.index.push_newest(entry);
    app.history.session_checks += 1;
    effects
}

/// How long a live-mode answer must stand before it goes to the history.
pub const LIVE_SETTLE: Duration = Duration::from_millis(1500);

/// Records the pending live-mode check once it has stood for [`LIVE_SETTLE`], or at once
/// with `now` (quitting, a check that is not live).
pub fn settle_live(app: &mut App, now: bool) -> Vec<Effect> {
    let settle_ticks =
        (LIVE_SETTLE.as_millis() / app.settings.tick.as_millis().max(1)).max(1) as u64;
    match app.history.pending_live.take() {
        Some((entry, at)) if now || app.ticks >= at + settle_ticks => record(app, entry),
        other => {
            app.history.pending_live = other;
            Vec::new()
        }
    }
}

/// A finished check: recorded at once, or, in live mode, kept pending to see whether it is
/// the last of its burst (a newer answer replaces it, and it is never recorded).
pub fn after_check(app: &mut App, entry: HistoryEntry, live: bool) -> Vec<Effect> {
    if live {
        app.history.pending_live = Some((entry, app.ticks));
        return Vec::new();
    }
    let mut effects = settle_live(app, true);
    effects.extend(record(app, entry));
    effects
}

/// What to do once the first frame is on screen: read the whole history.
pub fn startup_effects(app: &App) -> Vec<Effect> {
    match &app.store {
        Some(store) if !app.history.complete => vec![Effect::History(HistoryEffect::Load(
            store.history.path().to_path_buf(),
        ))],
        _ => Vec::new(),
    }
}
