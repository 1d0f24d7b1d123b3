//! What environments, presets and history hold and say: the state behind the pickers, the
//! add flow and the prompt, and the messages and effects of their files and requests. A leaf:
//! the state and the messages of the explorer use it without reaching the features' code.

use std::path::PathBuf;
use std::time::SystemTime;

use ratatui_textarea::TextArea;

use crate::cloud::{self, DiscoveredEnvironment, Discovery, DiscoveryStart, Environment, Project};
use crate::store::config::{Config, EnvironmentConfig};
use crate::store::history::HistoryIndex;
use crate::store::presets::Presets;
use crate::store::{Expectation, HistoryEntry, Preset, Store};

/// How many history entries are read before the first frame.
pub const RECENT_AT_START: usize = 200;

/// Results of this module's effects, back into `update`. A few per session: boxing the big
/// variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum EnvMsg {
    /// The whole history, read and indexed on a blocking task after the first frame.
    HistoryLoaded(HistoryIndex),
    /// A step of the add-environment flow finished.
    Add(AddMsg),
    /// Appending to the history file failed (told once, until an append succeeds again).
    HistoryNotSaved(String),
    /// Deleting an entry from the history file did not happen, and why.
    HistoryNotDeleted(String),
    /// `config.toml` changed and was read again.
    ConfigReloaded(Box<Reloaded>),
    /// A write `update` asked for is done (or why not).
    Written(Box<Written>),
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum EnvEffect {
    LoadHistory(std::path::PathBuf),
    /// Append `entry` to `log`, in order with the entries before it.
    Record {
        log: crate::store::History,
        entry: HistoryEntry,
    },
    /// Read `config.toml` again if it changed after `since` (always without one), and
    /// resolve its environments.
    WatchConfig {
        path: std::path::PathBuf,
        since: Option<std::time::SystemTime>,
        overrides: crate::store::config::Overrides,
    },
    /// Delete `entry`'s line from `log` (off the app's thread).
    DeleteHistory {
        log: crate::store::History,
        entry: HistoryEntry,
    },
    Add(AddEffect),
    /// Change `config.toml`, the presets or mirror files (in order, off the app's thread).
    Write(Box<StoreWrite>),
}

#[derive(Default)]
pub struct EnvState {
    /// The files; `None` when the app runs without a store (some tests).
    pub store: Option<Store>,
    pub history: HistoryIndex,
    /// Whether the full history has replaced the recent slice read at start.
    pub history_complete: bool,
    /// Checks added to `history` this session (its first entries), kept across the full load.
    pub session_checks: usize,
    /// The filter of the preset picker and the history panel, and the prompt's text.
    pub input: TextArea<'static>,
    pub selected: usize,
    pub prompt: Option<PromptKind>,
    /// The prompt's text (the picker under it keeps its filter).
    pub prompt_input: TextArea<'static>,
    pub add: AddFlow,
    /// The preset last loaded into the form, for its verdict after a check.
    pub loaded_preset: Option<Preset>,
    /// `(preset name, verdict)` of the last check of a loaded preset.
    pub verdict: Option<(String, Result<(), String>)>,
    /// The request body a Cloud-PDP ABAC warning was shown for; firing it again sends it.
    pub abac_acknowledged: Option<String>,
    /// The existing preset name a save was warned about; Enter again on it replaces it.
    pub replace_warned: Option<String>,
    /// The text of the verdict notice on screen, taken down when the next check finishes.
    pub verdict_notice: Option<String>,
    /// The latest live-mode check and the tick it finished at: recorded once no newer one
    /// follows for a while, so a burst of edits leaves one history entry, not one per key.
    pub pending_live: Option<(HistoryEntry, u64)>,
    /// When `config.toml` was last read: a newer file is read again (`manage`).
    pub config_seen: Option<std::time::SystemTime>,
    /// What of `config.toml` did not read at the last look, said once.
    pub config_issues: Vec<String>,
    /// The environment a first Ctrl-X in the picker asked to remove.
    pub remove_armed: Option<String>,
}

impl std::fmt::Debug for EnvState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvState")
            .field("history", &self.history.len())
            .field("selected", &self.selected)
            .field("prompt", &self.prompt)
            .finish_non_exhaustive()
    }
}

impl EnvState {
    pub fn filter_text(&self) -> String {
        self.input.lines().join(" ")
    }

    pub fn prompt_text(&self) -> String {
        self.prompt_input.lines().join(" ")
    }

    /// Indices of the presets matching the filter, in picker order.
    pub fn preset_matches(&self) -> Vec<String> {
        let query = self.filter_text();
        self.store
            .as_ref()
            .map(|s| {
                s.presets
                    .filter(&query)
                    .into_iter()
                    .map(|p| p.name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn history_matches(&self) -> Vec<usize> {
        self.history.filter(&self.filter_text(), None)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key,
    ApiUrl,
    PdpUrl,
    /// Waiting on the API; what is being asked.
    Working(String),
    Project(Vec<Project>),
    Environment(Project, Vec<Environment>),
    /// Found: what to call it (typed into `custom`, the derived name prefilled).
    Name(Box<DiscoveredEnvironment>),
    /// The last step failed; Enter goes back to the key.
    Failed(String),
}

pub struct AddFlow {
    pub step: Step,
    /// The pasted key, drawn masked.
    pub key: TextArea<'static>,
    /// A custom URL typed at the API or PDP step.
    pub custom: TextArea<'static>,
    pub api_url: String,
    pub pdp_url: String,
    pub discovery: Option<Discovery>,
    /// Bumped per flow, so answers of an abandoned flow are dropped.
    pub generation: u64,
}

impl Default for AddFlow {
    fn default() -> Self {
        let mut key = TextArea::default();
        key.set_mask_char('•');
        key.set_placeholder_text("paste an API key (permit_key_…)");
        AddFlow {
            step: Step::Key,
            key,
            custom: TextArea::default(),
            api_url: String::new(),
            pdp_url: String::new(),
            discovery: None,
            generation: 0,
        }
    }
}

impl AddFlow {
    pub fn key_text(&self) -> String {
        self.key.lines().join("").trim().to_string()
    }

    pub fn custom_text(&self) -> String {
        self.custom.lines().join("").trim().to_string()
    }

    /// The rows of the current step: `(label, detail)`.
    pub fn choices(&self) -> Vec<(String, String)> {
        match &self.step {
            Step::ApiUrl => cloud::urls::API_CHOICES
                .iter()
                .map(|(_, label, url)| (label.to_string(), url.to_string()))
                .chain([("Custom URL".to_string(), "type it".to_string())])
                .collect(),
            Step::PdpUrl => cloud::urls::PDP_CHOICES
                .iter()
                .map(|(_, label, url)| (label.to_string(), url.to_string()))
                .chain([("Custom URL".to_string(), "type it".to_string())])
                .collect(),
            Step::Project(projects) => projects
                .iter()
                .map(|p| (p.name.clone(), p.key.clone()))
                .collect(),
            Step::Environment(_, envs) => envs
                .iter()
                .map(|e| (e.name.clone(), e.key.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn choices_len(&self) -> usize {
        self.choices().len()
    }

    pub fn has_custom(&self) -> bool {
        matches!(self.step, Step::ApiUrl | Step::PdpUrl)
    }
}

#[derive(Debug)]
pub enum AddEffect {
    Start {
        generation: u64,
        api_url: String,
        key: String,
    },
    Environments {
        generation: u64,
        discovery: Discovery,
        project: Project,
    },
    Choose {
        generation: u64,
        discovery: Discovery,
        project: Project,
        environment: Environment,
    },
}

#[derive(Debug)]
pub enum AddMsg {
    Started {
        generation: u64,
        result: Result<(Discovery, DiscoveryStart), String>,
    },
    Environments {
        generation: u64,
        project: Project,
        result: Result<Vec<Environment>, String>,
    },
    Chosen {
        generation: u64,
        result: Result<DiscoveredEnvironment, String>,
    },
}

/// What a one-line prompt is for.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    SavePreset { expect: Option<Expectation> },
    RenamePreset { old: String },
    DuplicatePreset { of: String },
    ExportPresets,
    ImportPresets,
    RenameEnvironment { old: String },
    EnvironmentPdpUrl { name: String },
}

impl PromptKind {
    pub fn title(&self) -> String {
        match self {
            PromptKind::SavePreset { expect } => format!(
                "Save the form as a preset · expect: {} (Tab changes)",
                expect.map(|e| e.as_str()).unwrap_or("nothing")
            ),
            PromptKind::RenamePreset { old } => format!("Rename preset `{old}` to"),
            PromptKind::DuplicatePreset { of } => format!("Name of the copy of `{of}`"),
            PromptKind::ExportPresets => "Export all presets to file".to_string(),
            PromptKind::ImportPresets => "Import presets from file".to_string(),
            PromptKind::RenameEnvironment { old } => format!("Rename environment `{old}` to"),
            PromptKind::EnvironmentPdpUrl { name } => format!("PDP URL of `{name}`"),
        }
    }
}

/// A fresh read of `config.toml` and its environments, resolved.
#[derive(Debug)]
pub struct Reloaded {
    pub modified: Option<SystemTime>,
    pub config: Config,
    /// Each configured environment as the explorer uses it, or why it cannot be used.
    pub targets: Vec<Result<crate::targets::Target, String>>,
    /// Parts of the file that did not read (a hand edit in progress): nothing is removed then.
    pub issues: Vec<String>,
}

/// A change to `config.toml`, applied to the file as it is on disk.
#[derive(Debug, Clone)]
pub enum ConfigChange {
    SetActive(String),
    /// A new environment, made the active one.
    Add(Box<EnvironmentConfig>),
    Rename {
        old: String,
        new: String,
    },
    SetPdpUrl {
        name: String,
        url: String,
    },
    Remove(String),
}

impl ConfigChange {
    pub fn apply(&self, c: &mut Config) {
        match self {
            ConfigChange::SetActive(name) => c.active = Some(name.clone()),
            ConfigChange::Add(env) => {
                c.upsert((**env).clone());
                c.active = Some(env.name.clone());
            }
            ConfigChange::Rename { old, new } => {
                if let Some(env) = c.environments.iter_mut().find(|e| &e.name == old) {
                    env.name = new.clone();
                }
                if c.active.as_deref() == Some(old.as_str()) {
                    c.active = Some(new.clone());
                }
            }
            ConfigChange::SetPdpUrl { name, url } => {
                if let Some(env) = c.environments.iter_mut().find(|e| &e.name == name) {
                    env.pdp_url = url.clone();
                }
            }
            ConfigChange::Remove(name) => {
                c.remove(name);
            }
        }
    }
}

/// A change to the presets.
#[derive(Debug, Clone)]
pub enum PresetOp {
    Save(Box<Preset>),
    Rename {
        old: String,
        new: String,
    },
    Duplicate {
        of: String,
        name: String,
    },
    Delete(String),
    Export(PathBuf),
    Import(PathBuf),
    /// The presets saved for environment `old` now belong to `new`.
    MoveEnvironment {
        old: String,
        new: String,
    },
}

#[derive(Debug, Clone)]
pub enum FileOp {
    Rename { from: PathBuf, to: PathBuf },
    Remove(PathBuf),
}

/// One write, as `update` asks for it.
#[derive(Debug, Default)]
pub struct StoreWrite {
    pub config: Option<(Config, ConfigChange)>,
    pub presets: Option<(Presets, PresetOp)>,
    pub files: Vec<FileOp>,
    /// Said once it is written (a failure says why instead).
    pub done: Option<String>,
    /// Answers the open prompt: it closes once the write succeeds, and stays with what was
    /// typed when it fails.
    pub from_prompt: bool,
    /// Read `config.toml` again once written (its environments changed, not only which is
    /// active), and after a failure always: the file is then the truth.
    pub reload: bool,
}

/// What the write did: the files as they are now, or why not.
#[derive(Debug)]
pub struct Written {
    pub config: Option<Result<Config, String>>,
    pub presets: Option<Result<Presets, String>>,
    /// The done message, with what the presets step had to say (an import's counts).
    pub done: Option<String>,
    /// Warnings that do not undo the write (a mirror file left behind, a presets notice).
    pub warnings: Vec<String>,
    pub from_prompt: bool,
    pub reload: bool,
    /// An environment renamed in the file `(old, new)`: the list follows only then.
    pub renamed: Option<(String, String)>,
}

impl Written {
    pub fn failed(&self) -> bool {
        matches!(self.config, Some(Err(_))) || matches!(self.presets, Some(Err(_)))
    }
}
