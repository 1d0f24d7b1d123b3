//! What the environment picker and the add flow hold and say: their state, and the messages
//! and effects of adding an environment and of reading `config.toml` again. A leaf: the
//! explorer's state and messages use it without reaching the features' code.

use std::path::PathBuf;
use std::time::SystemTime;

use ratatui_textarea::TextArea;

use crate::cloud::{self, DiscoveredEnvironment, Discovery, DiscoveryStart, Environment, Project};
use crate::store::config::{Config, Overrides};

/// Results of this module's effects, back into `update`. A few per session: boxing the big
/// variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum EnvMsg {
    /// A step of the add-environment flow finished.
    Add(AddMsg),
    /// `config.toml` changed and was read again.
    ConfigReloaded(Box<Reloaded>),
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum EnvEffect {
    /// Read `config.toml` again if it changed after `since` (always without one), and
    /// resolve its environments.
    WatchConfig {
        path: PathBuf,
        since: Option<SystemTime>,
        overrides: Overrides,
    },
    Add(AddEffect),
}

#[derive(Default)]
pub struct EnvState {
    /// The selected row of the picker: an environment, or "add environment" after them.
    pub selected: usize,
    pub add: AddFlow,
    /// The request body a Cloud-PDP ABAC warning was shown for; firing it again sends it.
    pub abac_acknowledged: Option<String>,
    /// When `config.toml` was last read: a newer file is read again (`manage`).
    pub config_seen: Option<SystemTime>,
    /// What of `config.toml` did not read at the last look, said once.
    pub config_issues: Vec<String>,
    /// The environment a first Ctrl-X in the picker asked to remove.
    pub remove_armed: Option<String>,
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
    /// The selected row of the step's choices.
    pub selected: usize,
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
            selected: 0,
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
