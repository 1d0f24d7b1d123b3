//! Environments, presets and history in the explorer, one module per job: `route` (their
//! keys and messages, sent to the module whose job it is), `overlay` (which one is open),
//! `model` (their state, messages and effects), `switch` (the current environment), `add`
//! (the add flow), `manage` (rename, PDP URL, remove, `config.toml` picked up), `presets`,
//! `prompt` (the one-line questions), `history` (the panel), `recording` (every check into
//! the history), `abac_warning` (before a Cloud PDP check), `store_write` (config, presets and
//! mirror files written off the app's thread), `runtime` (their effects). This file only
//! names them. State lives in `App::envs`; `update` forwards `Msg::Env`, `Effect::Env` and
//! `Action::Env` here.

pub mod abac_warning;
pub mod add;
mod history;
pub mod manage;
pub mod model;
mod overlay;
mod presets;
mod prompt;
mod recording;
mod route;
pub mod runtime;
pub mod store_write;
mod switch;
#[cfg(test)]
mod tests;

pub use abac_warning::may_fire;
pub use history::rebuild_latencies;
use history::{delete_history_entry, history_entry};
use overlay::{close, list_len, open};
pub use overlay::{context_of, open_view};
use presets::{delete_selected_preset, load_selected_preset, open_save_prompt, selected_preset};
pub use prompt::PromptKind;
use prompt::{open_prompt, submit_prompt};
pub use recording::{after_check, record, settle_live, startup_effects, LIVE_SETTLE};
pub use route::{on_paste, on_text_key, perform, update};
pub use switch::switch_to;

use std::time::Duration;

use ratatui_textarea::TextArea;

use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::pdp::Exchange;
use crate::store::history::latency_series;
use crate::store::{Expectation, HistoryEntry, Preset};

pub use super::action::{EnvAction, EnvView};
use super::app::{App, Modal, NoticeLevel, Target};
use super::latency::{LatencyRing, RING_CAPACITY};
use super::msg::Effect;
pub use model::{EnvEffect, EnvMsg, EnvState, RECENT_AT_START};
