//! Sending the form as a check, and cancelling the one in flight, as methods of the state
//! that return effects. Called by `update` for F5 and Esc, and by the features that check
//! again (live mode, a history re-run, a switch of environment, a matrix cell).

use tokio_util::sync::CancellationToken;

use super::app::{App, InFlight, NoticeLevel, PanelNote, SentRequest};
use super::msg::Effect;

impl App {
    /// Sends the form as a check. A check still in flight is cancelled: the newer supersedes it.
    pub fn fire(&mut self) -> Vec<Effect> {
        self.unchecked_edits = false;
        self.revalidate();
        let query = match &self.validation {
            Ok(query) => query.clone(),
            Err(err) => {
                // The last result stays on screen under the note, marked as before the edit.
                self.note = PanelNote::Invalid(err.clone());
                return Vec::new();
            }
        };
        let Some((target, trace)) = self.target().map(|t| (t.target.clone(), t.explains())) else {
            self.notice("No environment to check against", NoticeLevel::Warning);
            return Vec::new();
        };
        if !crate::tui::environments::abac_warning::may_fire(self, &query, &target) {
            return Vec::new();
        }
        let mut effects = self.drop_in_flight();
        let id = self.next_check_id;
        self.next_check_id += 1;
        let token = CancellationToken::new();
        self.in_flight = Some(InFlight {
            id,
            token: token.clone(),
            target: self.current,
            request: SentRequest::for_check_traced(&target, &query, trace),
            started_tick: self.ticks,
            live: false,
        });
        self.note = PanelNote::None;
        effects.push(Effect::Check {
            id,
            query,
            target,
            trace,
            token,
            timeout: self.settings.timeout,
        });
        effects
    }

    /// Esc on a check in flight: cancelled, and the panel says so (unless quitting).
    pub fn cancel_in_flight(&mut self) -> Vec<Effect> {
        let id = self.in_flight.as_ref().map(|f| f.id);
        let effects = self.drop_in_flight();
        if let Some(id) = id.filter(|_| !self.should_quit) {
            self.note = PanelNote::Cancelled(id);
            self.result = None;
            self.notice(format!("Check #{id} cancelled"), NoticeLevel::Info);
        }
        effects
    }

    /// The check in flight, superseded (a newer check, another environment): cancelled
    /// without a word, its answer never shown.
    pub fn drop_in_flight(&mut self) -> Vec<Effect> {
        match self.in_flight.take() {
            Some(flight) => vec![Effect::Cancel(flight.token)],
            None => Vec::new(),
        }
    }
}
