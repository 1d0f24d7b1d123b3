//! Where permit-tui keeps its files: the platform's config and data directories, or the
//! directories named by `PERMIT_TUI_CONFIG_DIR` / `PERMIT_TUI_DATA_DIR` (tests, portable use).

use std::path::{Path, PathBuf};

pub const CONFIG_DIR_VAR: &str = "PERMIT_TUI_CONFIG_DIR";
pub const DATA_DIR_VAR: &str = "PERMIT_TUI_DATA_DIR";

pub const CONFIG_FILE: &str = "config.toml";
pub const PRESETS_FILE: &str = "presets.toml";
pub const HISTORY_FILE: &str = "history.jsonl";
pub const FORM_FILE: &str = "form.json";

/// The two directories the store uses. Nothing is created until something is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// Environment overrides first, then the platform directories, then `./.permit-tui` when
    /// the platform has no home directory (a container without `$HOME`).
    pub fn discover() -> Paths {
        let project = directories::ProjectDirs::from("io", "permit", "permit-tui");
        let fallback = PathBuf::from(".permit-tui");
        let config_dir = env_dir(CONFIG_DIR_VAR)
            .or_else(|| project.as_ref().map(|p| p.config_dir().to_path_buf()))
            .unwrap_or_else(|| fallback.clone());
        let data_dir = env_dir(DATA_DIR_VAR)
            .or_else(|| project.as_ref().map(|p| p.data_dir().to_path_buf()))
            .unwrap_or(fallback);
        Paths {
            config_dir,
            data_dir,
        }
    }

    /// Both kinds of file under one directory (tests, `--portable` setups).
    pub fn in_dir(dir: &Path) -> Paths {
        Paths {
            config_dir: dir.to_path_buf(),
            data_dir: dir.to_path_buf(),
        }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join(CONFIG_FILE)
    }

    pub fn presets_file(&self) -> PathBuf {
        self.config_dir.join(PRESETS_FILE)
    }

    pub fn history_file(&self) -> PathBuf {
        self.data_dir.join(HISTORY_FILE)
    }

    /// The form as the explorer was left (`store::form`).
    pub fn form_file(&self) -> PathBuf {
        self.data_dir.join(FORM_FILE)
    }
}

fn env_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
