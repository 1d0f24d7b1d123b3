//! The permission matrix (resource types × actions for the form's user and tenant, one
//! `/allowed/bulk` request) and "who can" (`/authorized_users` for the form's action and
//! resource).

pub use super::model::{Fill, MatrixState, WhoCanState};

use crate::matrix::{assemble, queries};
use crate::pdp::types::{AllowedResult, AuthorizedUsersQuery, AuthorizedUsersResult};
use crate::pdp::Exchange;
use crate::tui::app::{App, Field, NoticeLevel};
use crate::tui::msg::Effect;

use super::{ensure_schema, open as open_view, open_view as top_view, query_or_warn, tool};
use super::{SchemaState, ToolAction, ToolEffect, ToolView};

pub fn open(app: &mut App) -> Vec<Effect> {
    let Some(base) = query_or_warn(app) else {
        return Vec::new();
    };
    let id = app.tools.id();
    let target = app
        .target()
        .map(|t| t.target.name.clone())
        .unwrap_or_default();
    app.tools.matrix = Some(MatrixState {
        id,
        base,
        target,
        schema: Vec::new(),
        fill: Fill::Schema,
        row: 0,
        col: 0,
    });
    open_view(app, ToolView::Matrix);
    let mut effects = ensure_schema(app, false);
    effects.extend(on_schema(app));
    effects
}

/// Reloads the schema (autocomplete and the matrix's rows and columns).
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let name = app
        .target()
        .map(|t| t.target.name.clone())
        .unwrap_or_default();
    app.notice(
        format!("Reloading the schema of {name}…"),
        NoticeLevel::Info,
    );
    app.tools.reloading = Some(name);
    if let Some(m) = app.tools.matrix.as_mut() {
        m.fill = Fill::Schema;
    }
    ensure_schema(app, true)
}

/// Sends the bulk request once the schema is there (or says why it cannot).
pub fn on_schema(app: &mut App) -> Vec<Effect> {
    let Some(state) = app.tools.matrix.as_ref() else {
        return Vec::new();
    };
    if !matches!(state.fill, Fill::Schema) {
        return Vec::new();
    }
    let schema = match app.tools.schemas.get(&state.target) {
        Some(SchemaState::Ready(s)) => s.type_actions(),
        Some(SchemaState::Failed(err)) => {
            let err = err.clone();
            if let Some(m) = app.tools.matrix.as_mut() {
                m.fill = Fill::Failed(format!("No schema: {err}"));
            }
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    let Some(target) = app
        .targets
        .iter()
        .find(|t| t.target.name == state.target)
        .map(|t| t.target.clone())
    else {
        return Vec::new();
    };
    let queries = queries(&state.base, &schema);
    let id = state.id;
    if let Some(m) = app.tools.matrix.as_mut() {
        m.schema = schema;
        m.fill = Fill::Checking;
    }
    vec![tool(ToolEffect::Bulk {
        id,
        queries,
        target,
    })]
}

pub fn on_filled(app: &mut App, id: u64, exchange: Exchange<Vec<AllowedResult>>) {
    let Some(state) = app.tools.matrix.as_mut().filter(|m| m.id == id) else {
        return;
    };
    state.fill = match exchange.result {
        Ok(results) => {
            let matrix = assemble(&state.schema, &results);
            // Start on the form's own cell when it is in the grid.
            if let Some(row) = matrix
                .resource_types
                .iter()
                .position(|t| *t == state.base.resource.kind)
            {
                state.row = row;
            }
            if let Some(col) = matrix.actions.iter().position(|a| *a == state.base.action) {
                state.col = col;
            }
            Fill::Ready {
                matrix,
                latency: exchange.latency,
            }
        }
        Err(err) => Fill::Failed(format!("{err} — {}", err.hint())),
    };
}

pub fn navigate(app: &mut App, action: ToolAction) -> Vec<Effect> {
    let Some(state) = app.tools.matrix.as_mut() else {
        return Vec::new();
    };
    let Fill::Ready { matrix, .. } = &state.fill else {
        return Vec::new();
    };
    let rows = matrix.resource_types.len();
    let cols = matrix.actions.len();
    if rows == 0 || cols == 0 {
        return Vec::new();
    }
    match action {
        ToolAction::Up => state.row = (state.row + rows - 1) % rows,
        ToolAction::Down => state.row = (state.row + 1) % rows,
        ToolAction::Left => state.col = (state.col + cols - 1) % cols,
        ToolAction::Right => state.col = (state.col + 1) % cols,
        ToolAction::Choose => return load_cell(app),
        _ => {}
    }
    Vec::new()
}

/// Enter on a cell: its type and action go into the form, the overlay closes, the check fires.
fn load_cell(app: &mut App) -> Vec<Effect> {
    let Some(state) = app.tools.matrix.as_ref() else {
        return Vec::new();
    };
    let Fill::Ready { matrix, .. } = &state.fill else {
        return Vec::new();
    };
    let Some((kind, action)) = matrix.cell_query(state.row, state.col) else {
        app.notice("That type has no such action", NoticeLevel::Info);
        return Vec::new();
    };
    let (kind, action) = (kind.to_string(), action.to_string());
    let mut input = app.input();
    let same_type = input.resource.split(':').next() == Some(kind.as_str());
    if !same_type {
        input.resource = kind;
        input.resource_key.clear();
        input.resource_attributes.clear();
    }
    input.action = action;
    app.set_input(&input);
    app.focus = super::super::app::Focus::Field(Field::Action);
    if top_view(app) == Some(ToolView::Matrix) {
        app.modals.pop();
    }
    app.fire()
}

pub fn open_who_can(app: &mut App) -> Vec<Effect> {
    let Some(q) = query_or_warn(app) else {
        return Vec::new();
    };
    let Some(target) = app.target().map(|t| t.target.clone()) else {
        return Vec::new();
    };
    let id = app.tools.id();
    let query = AuthorizedUsersQuery {
        action: q.action.clone(),
        resource: q.resource.clone(),
        context: q.context.clone(),
        sdk: None,
    };
    app.tools.who_can = Some(WhoCanState {
        id,
        query: query.clone(),
        answer: None,
    });
    open_view(app, ToolView::WhoCan);
    vec![tool(ToolEffect::AuthorizedUsers { id, query, target })]
}

pub fn on_who_can(app: &mut App, id: u64, exchange: Exchange<AuthorizedUsersResult>) {
    if let Some(state) = app.tools.who_can.as_mut().filter(|w| w.id == id) {
        state.answer = Some(exchange);
    }
}
