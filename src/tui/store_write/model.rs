//! What a write to the store is, as `update` asks for it, and what it did. A leaf: messages,
//! effects and every feature that changes a file use it.

use std::path::PathBuf;

use crate::store::config::{Config, EnvironmentConfig};
use crate::store::presets::Presets;
use crate::store::Preset;

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

impl StoreWrite {
    pub fn config(config: &Config, change: ConfigChange) -> StoreWrite {
        StoreWrite {
            reload: !matches!(change, ConfigChange::SetActive(_) | ConfigChange::Add(_)),
            config: Some((config.clone(), change)),
            ..StoreWrite::default()
        }
    }

    pub fn presets(presets: &Presets, op: PresetOp) -> StoreWrite {
        StoreWrite {
            presets: Some((presets.clone(), op)),
            ..StoreWrite::default()
        }
    }

    pub fn saying(mut self, done: impl Into<String>) -> StoreWrite {
        self.done = Some(done.into());
        self
    }

    pub fn from_prompt(mut self) -> StoreWrite {
        self.from_prompt = true;
        self
    }
}
