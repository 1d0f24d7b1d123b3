//! Debugging power tools in the explorer: export, permission matrix, who can, what-if,
//! environment compare and autocomplete. Their state lives in `App::tools`; the shared TEA
//! plumbing only forwards `Msg::Tool`, `Effect::Tool` and `Action::Tool` here.

pub mod compare;
pub mod complete;
pub mod export;
pub mod matrix;
pub mod model;
pub mod runtime;
pub mod sides;
pub mod whatif;

use std::sync::Arc;

use crate::pdp::types::AllowedQuery;

pub use super::action::{ToolAction, ToolView};
use super::app::{App, Modal, NoticeLevel};
use super::msg::Effect;
pub use model::{SchemaState, Snippet, ToolEffect, ToolMsg, Tools};

pub(crate) fn tool(effect: ToolEffect) -> Effect {
    Effect::Tool(effect)
}

pub(crate) fn open(app: &mut App, view: ToolView) {
    app.modals.retain(|m| !matches!(m, Modal::Tool(_)));
    app.modals.push(Modal::Tool(view));
    app.tools.scroll = 0;
}

/// The keymap context of an open overlay.
pub fn context_of(view: ToolView) -> super::keymap::Context {
    use super::keymap::Context;
    match view {
        ToolView::Export => Context::Export,
        ToolView::Matrix => Context::Matrix,
        ToolView::WhoCan | ToolView::WhatIf | ToolView::Compare => Context::ToolResult,
    }
}

/// The view on top, if a tool overlay is open.
pub fn open_view(app: &App) -> Option<ToolView> {
    match app.modals.last() {
        Some(Modal::Tool(v)) => Some(*v),
        _ => None,
    }
}

/// The form as a query, or a warning notice and `None`.
pub(crate) fn query_or_warn(app: &mut App) -> Option<AllowedQuery> {
    app.revalidate();
    match &app.validation {
        Ok(q) => Some(q.clone()),
        Err(err) => {
            let text = format!("Fix the form first: {err}");
            app.notice(text, NoticeLevel::Warning);
            None
        }
    }
}

pub fn perform(app: &mut App, action: ToolAction) -> Vec<Effect> {
    use ToolAction as T;
    match action {
        T::OpenExport => export::open(app),
        T::ExportPick(i) => export::pick(app, i),
        T::ExportToggleSecret => export::toggle_secret(app),
        T::ExportToggleFile => export::toggle_file(app),
        T::ApplySuggestion(n) => whatif::apply_suggestion(app, n),
        T::OpenMatrix => matrix::open(app),
        T::OpenWhoCan => matrix::open_who_can(app),
        T::RefreshSchema => matrix::refresh(app),
        T::WhatIf => whatif::what_if(app),
        T::Unpin => whatif::unpin(app),
        T::Compare => compare::compare(app),
        T::CompareWithSelected => {
            let other = app.environments.selected;
            if matches!(
                app.modals.last(),
                Some(Modal::Env(super::action::EnvView::Environments))
            ) {
                app.modals.pop();
            }
            compare::compare_with(app, other)
        }
        T::Up | T::Down | T::Left | T::Right | T::Choose => match open_view(app) {
            Some(ToolView::Export) => export::navigate(app, action),
            Some(ToolView::Matrix) => matrix::navigate(app, action),
            Some(_) => {
                app.tools.scroll = match action {
                    T::Up => app.tools.scroll.saturating_sub(1),
                    T::Down => app.tools.scroll.saturating_add(1),
                    _ => app.tools.scroll,
                };
                Vec::new()
            }
            None if app.modals.last() == Some(&Modal::Help) => {
                app.tools.help_scroll = match action {
                    T::Up => app.tools.help_scroll.saturating_sub(1),
                    T::Down => app.tools.help_scroll.saturating_add(1),
                    _ => app.tools.help_scroll,
                };
                Vec::new()
            }
            None => Vec::new(),
        },
        T::CompleteNext | T::CompletePrev | T::CompleteAccept | T::CompleteDismiss => {
            complete::perform(app, action)
        }
    }
}

pub fn update(app: &mut App, msg: ToolMsg) -> Vec<Effect> {
    match msg {
        ToolMsg::SchemaLoaded { target, result } => {
            let asked = app.tools.reloading.as_deref() == Some(target.as_str());
            if asked {
                app.tools.reloading = None;
            }
            let state = match result {
                Ok(schema) => {
                    if asked {
                        app.notice(
                            format!(
                                "Schema of {target} reloaded: {} resource type(s), {} user(s), {} tenant(s)",
                                schema.resources.len(),
                                schema.users.len(),
                                schema.tenants.len()
                            ),
                            NoticeLevel::Info,
                        );
                    }
                    SchemaState::Ready(Arc::new(schema))
                }
                Err(err) => {
                    app.notice(
                        format!("Schema of {target} not loaded: {err}"),
                        NoticeLevel::Warning,
                    );
                    SchemaState::Failed(err)
                }
            };
            app.tools.schemas.insert(target, state);
            let mut effects = matrix::on_schema(app);
            complete::refresh(app);
            effects.extend(Vec::new());
            effects
        }
        ToolMsg::MatrixFilled { id, exchange } => {
            matrix::on_filled(app, id, exchange);
            Vec::new()
        }
        ToolMsg::WhoCanAnswered { id, exchange } => {
            matrix::on_who_can(app, id, exchange);
            Vec::new()
        }
        ToolMsg::SideFinished { id, side, exchange } => sides::on_side(app, id, side, exchange),
        ToolMsg::Saved { what, result } => {
            match result {
                Ok(path) => app.notice(
                    format!("Saved {what} to {}", path.display()),
                    NoticeLevel::Info,
                ),
                Err(err) => app.notice(
                    format!("Could not save {what}: {err}"),
                    NoticeLevel::Warning,
                ),
            }
            Vec::new()
        }
    }
}

/// Asks for the current target's schema unless it is cached or on its way.
pub(crate) fn ensure_schema(app: &mut App, force: bool) -> Vec<Effect> {
    let Some(target) = app.target().map(|t| t.target.clone()) else {
        return Vec::new();
    };
    let cached = matches!(
        app.tools.schemas.get(&target.name),
        Some(SchemaState::Ready(_) | SchemaState::Loading)
    );
    if cached && !force {
        return Vec::new();
    }
    if !force
        && matches!(
            app.tools.schemas.get(&target.name),
            Some(SchemaState::Failed(_))
        )
    {
        return Vec::new();
    }
    app.tools
        .schemas
        .insert(target.name.clone(), SchemaState::Loading);
    vec![tool(ToolEffect::FetchSchema { target })]
}

#[cfg(test)]
mod tests;
