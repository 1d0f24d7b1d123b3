//! Sending the form as a check, and cancelling the one in flight. Called by `update` for
//! F5 and Esc, and by the features that check again (live mode, a history re-run, a switch
//! of environment, a matrix cell).

use tokio_util::sync::CancellationToken;

use super::app::{App, InFlight, NoticeLevel, PanelNote, SentRequest};
use super::msg::Effect;

pub fn cancel_in_flight(app: &mut App) -> Vec<Effect> {
    match app.in_flight.take() {
        Some(flight) => {
            if !app.should_quit {
                app.note = PanelNote::Cancelled(flight.id);
                app.result = None;
                app.notice(format!("Check #{} cancelled", flight.id), NoticeLevel::Info);
            }
            vec![Effect::Cancel(flight.token)]
        }
        None => Vec::new(),
    }
}

/// Sends the form as a check. A check still in flight is cancelled: the newer supersedes it.
pub fn fire(app: &mut App) -> Vec<Effect> {
    app.unchecked_edits = false;
    app.revalidate();
    let query = match &app.validation {
        Ok(query) => query.clone(),
        Err(err) => {
            // The last result stays on screen under the note, marked as before the edit.
            app.note = PanelNote::Invalid(err.clone());
            return Vec::new();
        }
    };
    let Some((target, trace)) = app.target().map(|t| (t.target.clone(), t.explains())) else {
        app.notice("No environment to check against", NoticeLevel::Warning);
        return Vec::new();
    };
    if !crate::tui::environments::abac_warning::may_fire(app, &query, &target) {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if let Some(old) = app.in_flight.take() {
        effects.push(Effect::Cancel(old.token));
    }
    let id = app.next_check_id;
    app.next_check_id += 1;
    let token = CancellationToken::new();
    app.in_flight = Some(InFlight {
        id,
        token: token.clone(),
        target: app.current,
        request: SentRequest::for_check_traced(&target, &query, trace),
        started_tick: app.ticks,
        live: false,
    });
    app.note = PanelNote::None;
    effects.push(Effect::Check {
        id,
        query,
        target,
        trace,
        token,
        timeout: app.settings.timeout,
    });
    effects
}
