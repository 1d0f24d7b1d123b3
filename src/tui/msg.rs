//! Messages into `update`, and the effects it asks the runtime to perform.

use std::time::Duration;

use crossterm::event::Event;
use tokio_util::sync::CancellationToken;

use super::target::{Health, Target};
use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::pdp::Exchange;

// A handful of messages per second: boxing the big variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Msg {
    /// Key, mouse, resize or paste, as crossterm reports it.
    Input(Event),
    /// Time passes: the spinner turns, notices expire.
    Tick,
    /// A frame was drawn, and what it measured.
    Drawn(super::view::drawn::Drawn),
    /// Time to ask the current target whether it is healthy.
    HealthTick,
    CheckFinished {
        id: u64,
        exchange: Exchange<AllowedResult>,
    },
    HealthUpdated {
        target: usize,
        health: Health,
        /// The PDP is a permit-tui sandbox (its health names it): it may be asked for traces.
        sandbox: bool,
    },
    /// The live-mode debounce timer of edit `generation` ran out.
    DebounceElapsed { generation: u64 },
    /// Typing paused after edit `generation` of a large form: validate it now.
    ValidateElapsed { generation: u64 },
    /// The embedded sandbox's policy files were edited and loaded again (or failed to).
    SandboxReloaded(crate::targets::Reload),
    /// A debugging tool's effect finished (`tui::tools`).
    Tool(super::tools::model::ToolMsg),
    /// A step of adding an environment, or `config.toml` read again (`tui::environments`).
    Env(super::environments::model::EnvMsg),
    /// The history read, or a history file that was not changed (`tui::history`).
    History(super::history::model::HistoryMsg),
    /// The store as a write left it (`tui::store_write`).
    Written(Box<super::store_write::model::Written>),
    /// A mirror loaded, decided a check, or a snapshot or PDP report came (`tui::mirror`).
    Mirror(super::mirror::model::MirrorMsg),
    /// A page of audit logs came, or a loaded log was explained (`tui::audit`).
    Audit(super::audit::model::AuditMsg),
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Effect {
    /// Send `POST /allowed` and report `CheckFinished{id}` unless `token` is cancelled first.
    Check {
        id: u64,
        query: AllowedQuery,
        target: Target,
        /// Ask for the sandbox trace: only a sandbox is sent the header.
        trace: bool,
        token: CancellationToken,
        timeout: Duration,
    },
    /// Stop a check in flight; its result, if any still comes, is dropped.
    Cancel(CancellationToken),
    /// `GET /healthy` on `targets[target]`, reporting `HealthUpdated`.
    Health {
        target: usize,
        url: String,
        timeout: Duration,
    },
    /// Report `DebounceElapsed{generation}` after `after`.
    Debounce { generation: u64, after: Duration },
    /// Report `ValidateElapsed{generation}` after `after`.
    Validate { generation: u64, after: Duration },
    /// A debugging tool's side effect (`tui::tools::runtime`).
    Tool(super::tools::model::ToolEffect),
    /// Adding an environment, reading `config.toml` again (`tui::environments::runtime`).
    Env(super::environments::model::EnvEffect),
    /// Reading, appending to and deleting from the history file (`tui::history::runtime`).
    History(super::history::model::HistoryEffect),
    /// Change `config.toml`, the presets or mirror files, in order, off the app's thread
    /// (`tui::store_write`).
    Write(Box<super::store_write::model::StoreWrite>),
    /// Load a mirror, decide on it, take a snapshot, ask a PDP's status (`tui::mirror`).
    Mirror(super::mirror::model::MirrorEffect),
    /// Read a page of audit logs, explain a loaded log on the mirror (`tui::audit`).
    Audit(super::audit::model::AuditEffect),
}

impl Effect {
    /// Asks the store writer for `write`.
    pub fn write(write: super::store_write::model::StoreWrite) -> Effect {
        Effect::Write(Box::new(write))
    }
}
