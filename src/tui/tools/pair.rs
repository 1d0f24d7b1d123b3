//! Two checks side by side: what-if (pinned query A against the form as B, same environment)
//! and environment compare (the form against the current and the next environment).

pub use super::model::{PairState, Side};
use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::pdp::Exchange;
use crate::store::history::Origin;
use crate::store::HistoryEntry;
use crate::tui::app::{App, NoticeLevel};
use crate::tui::msg::Effect;
use crate::whatif::changes;

use super::{open as open_view, query_or_warn, tool, ToolEffect, ToolView};

/// First press pins the form as A; later presses check A and the form (B) side by side.
pub fn what_if(app: &mut App) -> Vec<Effect> {
    let Some(b) = query_or_warn(app) else {
        return Vec::new();
    };
    let Some(a) = app.tools.pinned.clone() else {
        app.tools.pinned = Some(b);
        app.notice(
            "Pinned the form as A. Edit it into B, then Ctrl-T shows A and B side by side",
            NoticeLevel::Info,
        );
        return Vec::new();
    };
    let Some(target) = app.target().map(|t| t.target.clone()) else {
        return Vec::new();
    };
    let id = app.tools.id();
    let side = |label: &str, query: &AllowedQuery| Side {
        label: label.to_string(),
        target: target.name.clone(),
        query: query.clone(),
        exchange: None,
    };
    app.tools.whatif = Some(PairState {
        id,
        sides: [side("A (pinned)", &a), side("B (form)", &b)],
        changes: changes(&a, &b),
    });
    open_view(app, ToolView::WhatIf);
    vec![
        tool(ToolEffect::Check {
            id,
            side: 0,
            query: a,
            target: target.clone(),
        }),
        tool(ToolEffect::Check {
            id,
            side: 1,
            query: b,
            target,
        }),
    ]
}

/// The answer's Nth way to allow, made on the form: the checked query is pinned as A, the
/// form becomes A with the suggestion's edits (each field's Ctrl-Z takes it back), and both
/// run side by side.
pub fn apply_suggestion(app: &mut App, n: usize) -> Vec<Effect> {
    let Some(outcome) = app.result.as_ref() else {
        app.notice("No answer yet: F5 checks the form", NoticeLevel::Info);
        return Vec::new();
    };
    let Some(suggestion) = outcome
        .summary
        .as_ref()
        .and_then(|s| s.to_allow.get(n))
        .cloned()
    else {
        app.notice(
            format!("This answer has no suggestion {}", n + 1),
            NoticeLevel::Info,
        );
        return Vec::new();
    };
    let checked = outcome.request.query.clone();
    if suggestion.edits.is_empty() {
        app.notice(
            format!(
                "Suggestion {} is a change to the PDP's data (roles, relations, policy), not to the request: make it in Permit",
                n + 1
            ),
            NoticeLevel::Info,
        );
        return Vec::new();
    }
    let edited = crate::explain::apply_edits(&checked, &suggestion.edits);
    app.replace_input(&crate::pdp::CheckInput::from_query(&edited));
    let what = suggestion
        .edits
        .iter()
        .map(|e| e.text())
        .collect::<Vec<_>>()
        .join(", ");
    app.tools.pinned = Some(checked);
    let effects = what_if(app);
    app.notice(
        format!("What if {what}? The form now says so (Ctrl-Z in a field takes it back)"),
        NoticeLevel::Info,
    );
    effects
}

pub fn unpin(app: &mut App) -> Vec<Effect> {
    if app.tools.pinned.take().is_some() {
        app.notice("Unpinned A; Ctrl-T pins the form again", NoticeLevel::Info);
    }
    app.modals.pop();
    Vec::new()
}

/// The form against the current environment and the other one: the environment used before
/// this one (as `cd -` goes back), else the next. The picker's `c` names it instead.
pub fn compare(app: &mut App) -> Vec<Effect> {
    if app.targets.len() < 2 {
        app.notice(
            "Compare needs two environments; only one is configured",
            NoticeLevel::Info,
        );
        return Vec::new();
    }
    let other = app
        .previous_target
        .filter(|p| *p != app.current && *p < app.targets.len())
        .unwrap_or((app.current + 1) % app.targets.len());
    compare_with(app, other)
}

/// The form against the current environment and `other`, at once.
pub fn compare_with(app: &mut App, other: usize) -> Vec<Effect> {
    if other == app.current || other >= app.targets.len() {
        app.notice(
            "Compare needs another environment than the current one",
            NoticeLevel::Info,
        );
        return Vec::new();
    }
    let Some(query) = query_or_warn(app) else {
        return Vec::new();
    };
    let first = app.current;
    let second = other;
    let id = app.tools.id();
    let mut effects = Vec::new();
    let mut sides = Vec::new();
    for (side, index) in [first, second].into_iter().enumerate() {
        let target = app.targets[index].target.clone();
        // The form's tenant may come from the target's default: recompute per environment.
        let mut q = query.clone();
        if app.text(crate::tui::app::Field::Tenant).trim().is_empty() {
            q.resource.tenant = Some(target.tenant.clone().unwrap_or_else(|| "default".into()));
        }
        sides.push(Side {
            label: target.name.clone(),
            target: target.name.clone(),
            query: q.clone(),
            exchange: None,
        });
        effects.push(tool(ToolEffect::Check {
            id,
            side,
            query: q,
            target,
        }));
    }
    let [a, b]: [Side; 2] = match sides.try_into() {
        Ok(pair) => pair,
        Err(_) => return Vec::new(),
    };
    app.tools.compare = Some(PairState {
        id,
        sides: [a, b],
        changes: Vec::new(),
    });
    open_view(app, ToolView::Compare);
    effects
}

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
    crate::tui::envs::record(app, entry)
}
