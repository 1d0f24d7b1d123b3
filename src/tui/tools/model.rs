//! What the debugging tools hold and say: each tool's state (export menu, matrix, who can,
//! what-if and compare, autocomplete, schemas), and the messages and effects of their
//! requests. A leaf: the state and the messages of the explorer use it without reaching the
//! tools' code.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::matrix::{Matrix, TypeActions};
use crate::pdp::types::{AllowedQuery, AllowedResult, AuthorizedUsersQuery, AuthorizedUsersResult};
use crate::pdp::Exchange;
use crate::schema::Schema;
use crate::tui::action::Field;
use crate::tui::target::Target;
use crate::whatif::Change;

/// What the environment's schema is, per target name.
#[derive(Debug, Clone)]
pub enum SchemaState {
    Loading,
    Ready(Arc<Schema>),
    Failed(String),
}

#[derive(Default, Debug)]
pub struct Tools {
    pub export: ExportMenu,
    pub schemas: HashMap<String, SchemaState>,
    /// The environment whose schema the user asked to reload (Ctrl-G): its answer is told.
    pub reloading: Option<String>,
    pub matrix: Option<MatrixState>,
    pub who_can: Option<WhoCanState>,
    pub pinned: Option<AllowedQuery>,
    pub whatif: Option<TwoSides>,
    pub compare: Option<TwoSides>,
    pub completion: Completion,
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
    pub fn id(&mut self) -> u64 {
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

/// The most candidates shown at once.
pub const MAX_ITEMS: usize = 8;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The field the candidates are for.
    pub field: Option<Field>,
    /// Candidates as shown (`name: type` for attributes).
    pub items: Vec<String>,
    pub selected: usize,
    /// What the candidates complete: the field's text, or the attribute name being typed.
    pub typed: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExportMenu {
    /// Row of `Format::ALL`.
    pub selected: usize,
    /// Put the real key in the snippet. Reset after each export.
    pub with_secret: bool,
    /// Save to a file instead of the clipboard.
    pub to_file: bool,
}

pub const FILE_STEM: &str = "permit-check";

#[derive(Debug, Clone)]
pub enum Fill {
    /// Waiting for the schema of the environment.
    Schema,
    /// The bulk request is on its way.
    Checking,
    Ready {
        matrix: Matrix,
        latency: Duration,
    },
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct MatrixState {
    pub id: u64,
    pub base: AllowedQuery,
    pub target: String,
    pub schema: Vec<TypeActions>,
    pub fill: Fill,
    pub row: usize,
    pub col: usize,
}

#[derive(Debug, Clone)]
pub struct WhoCanState {
    pub id: u64,
    pub query: AuthorizedUsersQuery,
    pub answer: Option<Exchange<AuthorizedUsersResult>>,
}

#[derive(Debug, Clone)]
pub struct Side {
    /// "A" / "B", or the environment's name.
    pub label: String,
    pub target: String,
    pub query: AllowedQuery,
    pub exchange: Option<Exchange<AllowedResult>>,
}

/// Two checks side by side: what-if (the form against a pinned one) and compare (one form
/// in two environments).
#[derive(Debug, Clone)]
pub struct TwoSides {
    pub id: u64,
    pub sides: [Side; 2],
    /// What differs between the two queries (empty for compare).
    pub changes: Vec<Change>,
}
