//! Debugging power tools in the explorer: export, permission matrix, who can, what-if,
//! environment compare and autocomplete. Their state lives in `App::tools`; the shared TEA
//! plumbing only forwards `Msg::Tool`, `Effect::Tool` and `Action::Tool` here.

pub mod complete;
pub mod export;
pub mod matrix;
pub mod pair;
pub mod runtime;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::pdp::types::{AllowedQuery, AllowedResult, AuthorizedUsersResult};
use crate::pdp::Exchange;
use crate::schema::Schema;

use super::app::{App, Modal, NoticeLevel, Target};
use super::msg::Effect;

/// Which tool overlay is open (pushed on `App::modals` as `Modal::Tool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolView {
    Export,
    Matrix,
    WhoCan,
    WhatIf,
    Compare,
}

impl ToolView {
    pub fn title(self) -> &'static str {
        match self {
            ToolView::Export => "Export",
            ToolView::Matrix => "Permission matrix",
            ToolView::WhoCan => "Who can",
            ToolView::WhatIf => "What-if: A vs B",
            ToolView::Compare => "Environment compare",
        }
    }
}

/// The keys of the tools, dispatched through the one keymap table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolAction {
    OpenExport,
    OpenMatrix,
    OpenWhoCan,
    /// Pin the form as A, or with A pinned run A against the form (B).
    WhatIf,
    /// Carry out the Nth (0-based) "to allow" suggestion on the form and run it as a what-if.
    ApplySuggestion(usize),
    Unpin,
    Compare,
    RefreshSchema,
    ExportPick(usize),
    ExportToggleSecret,
    ExportToggleFile,
    Up,
    Down,
    Left,
    Right,
    Choose,
    CompleteNext,
    CompletePrev,
    CompleteAccept,
    CompleteDismiss,
}

/// What the environment's schema is, per target name.
#[derive(Debug, Clone)]
pub enum SchemaState {
    Loading,
    Ready(Arc<Schema>),
    Failed(String),
}

#[derive(Default, Debug)]
pub struct Tools {
    pub export: export::ExportMenu,
    pub schemas: HashMap<String, SchemaState>,
    /// The environment whose schema the user asked to reload (Ctrl-G): its answer is told.
    pub reloading: Option<String>,
    pub matrix: Option<matrix::MatrixState>,
    pub who_can: Option<matrix::WhoCanState>,
    pub pinned: Option<AllowedQuery>,
    pub whatif: Option<pair::PairState>,
    pub compare: Option<pair::PairState>,
    pub completion: complete::Completion,
    /// Scroll of the open tool overlay.
    pub scroll: u16,
    /// Scroll of the help overlay (it outgrows 80×24 with the tools' keys).
    pub help_scroll: u16,
    pub next_id: u64,
    /// Where "save to file" writes first; `None` is the current directory. The data
    /// directory is the fallback.
    pub export_dir: Option<PathBuf>,
}

impl Tools {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn schema_for(&self, target: &str) -> Option<&Arc<Schema>> {
        match self.schemas.get(target) {
            Some(SchemaState::Ready(s)) => Some(s),
            _ => None,
        }
    }
}

/// Results of tool effects, back into `update`.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum ToolMsg {
    SchemaLoaded {
        target: String,
        result: Result<Schema, String>,
    },
    MatrixFilled {
        id: u64,
        exchange: Exchange<Vec<AllowedResult>>,
    },
    WhoCanAnswered {
        id: u64,
        exchange: Exchange<AuthorizedUsersResult>,
    },
    SideFinished {
        id: u64,
        side: usize,
        exchange: Exchange<AllowedResult>,
    },
    Saved {
        what: String,
        result: Result<PathBuf, String>,
    },
}

/// Side effects the tools ask for; performed by `runtime::perform`.
#[derive(Debug)]
pub enum ToolEffect {
    FetchSchema {
        target: Target,
    },
    Bulk {
        id: u64,
        queries: Vec<AllowedQuery>,
        target: Target,
    },
    AuthorizedUsers {
        id: u64,
        query: crate::pdp::types::AuthorizedUsersQuery,
        target: Target,
    },
    Check {
        id: u64,
        side: usize,
        query: AllowedQuery,
        target: Target,
    },
    /// Put `text` on the clipboard through OSC 52.
    Clipboard {
        text: Snippet,
    },
    /// Write `text` to `file_name` in the first of `dirs` that takes it.
    SaveFile {
        dirs: Vec<PathBuf>,
        file_name: String,
        text: Snippet,
        what: String,
    },
}

/// An exported snippet. It may hold the API key (an explicit "with the key" export), so its
/// `Debug` shows only its length.
#[derive(Clone, PartialEq, Eq)]
pub struct Snippet(pub String);

impl std::fmt::Debug for Snippet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Snippet({} bytes)", self.0.len())
    }
}

impl std::ops::Deref for Snippet {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

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
        T::ApplySuggestion(n) => pair::apply_suggestion(app, n),
        T::OpenMatrix => matrix::open(app),
        T::OpenWhoCan => matrix::open_who_can(app),
        T::RefreshSchema => matrix::refresh(app),
        T::WhatIf => pair::what_if(app),
        T::Unpin => pair::unpin(app),
        T::Compare => pair::compare(app),
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
        ToolMsg::SideFinished { id, side, exchange } => pair::on_side(app, id, side, exchange),
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
