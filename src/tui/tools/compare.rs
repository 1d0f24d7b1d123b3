//! Environment compare: the form checked at once on the current environment and another.

use crate::tui::app::{App, NoticeLevel};
use crate::tui::msg::Effect;

use super::model::{Side, TwoSides};
use super::{open as open_view, query_or_warn, tool, ToolEffect, ToolView};

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
    app.tools.compare = Some(TwoSides {
        id,
        sides: [a, b],
        changes: Vec::new(),
    });
    open_view(app, ToolView::Compare);
    effects
}
