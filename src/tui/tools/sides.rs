//! A side's answer, for what-if and compare alike.

use crate::pdp::types::AllowedResult;
use crate::pdp::Exchange;
use crate::store::history::Origin;
use crate::store::HistoryEntry;
use crate::tui::app::App;
use crate::tui::msg::Effect;

/// A side's answer: shown in its column and recorded in the history. Not in the latency
/// panel: the two sides run at once on the app's runtime, not timed as the form's checks are.
pub fn on_side(
    app: &mut App,
    id: u64,
    side: usize,
    exchange: Exchange<AllowedResult>,
) -> Vec<Effect> {
    let state = [
        (app.tools.whatif.as_mut(), Origin::WhatIf),
        (app.tools.compare.as_mut(), Origin::Compare),
    ]
    .into_iter()
    .filter_map(|(state, origin)| Some((state?, origin)))
    .find(|(state, _)| state.id == id);
    let Some((s, origin)) =
        state.and_then(|(state, origin)| Some((state.sides.get_mut(side)?, origin)))
    else {
        return Vec::new();
    };
    let entry = HistoryEntry {
        origin,
        ..HistoryEntry::from_check(&s.target, &s.query, &exchange)
    };
    s.exchange = Some(exchange);
    crate::tui::history::recording::record(app, entry)
}
