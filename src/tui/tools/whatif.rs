//! What-if: the form pinned as A, then A and the edited form (B) checked side by side in the
//! same environment; a numbered suggestion applied to the form as a what-if.

use crate::pdp::types::AllowedQuery;
use crate::tui::app::{App, NoticeLevel};
use crate::tui::msg::Effect;
use crate::whatif::changes;

use super::model::{Side, TwoSides};
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
    app.tools.whatif = Some(TwoSides {
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
