//! `config.toml`: the user's environments, the active one, and the check timeout.
//!
//! ```toml
//! active = "prod"
//! check_timeout_ms = 5000
//!
//! [[environments]]
//! name = "prod"
//! pdp_url = "https://cloudpdp.api.permit.io"
//! api_url = "https://api.permit.io"
//! key_env = "PROD_PERMIT_KEY"     # or: key = "permit_key_..." (the file is then 0600)
//! ```
//!
//! The file is always written with mode 0600, because it may hold keys.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::atomic::{write_atomic, PRIVATE_MODE};
use super::tomlfile;
use super::{Notice, Paths, StoreError};
use crate::pdp::mask_key;

pub const API_KEY_VAR: &str = "PERMIT_API_KEY";
pub const PDP_URL_VAR: &str = "PERMIT_PDP_URL";
pub const API_URL_VAR: &str = "PERMIT_API_URL";

pub const DEFAULT_CHECK_TIMEOUT: Duration = crate::pdp::DEFAULT_TIMEOUT;

/// One environment the user added.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentConfig {
    pub name: String,
    pub pdp_url: String,
    pub api_url: String,
    /// The key itself, stored in `config.toml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The name of an environment variable holding the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_env: Option<String>,
    /// Permit project key, when known (from discovery); used for the REST API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Permit environment key, when known (from discovery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

impl fmt::Debug for EnvironmentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvironmentConfig")
            .field("name", &self.name)
            .field("pdp_url", &self.pdp_url)
            .field("api_url", &self.api_url)
            .field("key", &self.key.as_deref().map(mask_key))
            .field("key_env", &self.key_env)
            .field("project", &self.project)
            .field("environment", &self.environment)
            .finish()
    }
}

/// Where an environment's key comes from, for `env list` and the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Stored in `config.toml`.
    Stored,
    /// From the named environment variable, which is set.
    EnvVar(String),
    /// From the named environment variable, which is not set.
    EnvVarUnset(String),
    /// `PERMIT_API_KEY` for this run.
    Override,
    /// The bundled sandbox's own key.
    Sandbox,
    None,
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Stored => f.write_str("config.toml"),
            KeySource::EnvVar(var) => write!(f, "${var}"),
            KeySource::EnvVarUnset(var) => write!(f, "${var} (unset)"),
            KeySource::Override => write!(f, "${API_KEY_VAR} (this run)"),
            KeySource::Sandbox => f.write_str("sandbox"),
            KeySource::None => f.write_str("none"),
        }
    }
}

impl EnvironmentConfig {
    /// The key and where it came from; `key_env` wins over a stored key when it is set.
    pub fn key(&self) -> (Option<String>, KeySource) {
        if let Some(var) = &self.key_env {
            match std::env::var(var) {
                Ok(value) if !value.trim().is_empty() => {
                    return (
                        Some(value.trim().to_string()),
                        KeySource::EnvVar(var.clone()),
                    )
                }
                _ if self.key.is_none() => return (None, KeySource::EnvVarUnset(var.clone())),
                _ => {}
            }
        }
        match &self.key {
            Some(key) => (Some(key.clone()), KeySource::Stored),
            None => (None, KeySource::None),
        }
    }

    pub fn masked_key(&self) -> Option<String> {
        self.key().0.as_deref().map(mask_key)
    }
}

/// `PERMIT_API_KEY`, `PERMIT_PDP_URL`, `PERMIT_API_URL`: for one run, never saved.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub api_key: Option<String>,
    pub pdp_url: Option<String>,
    pub api_url: Option<String>,
}

impl fmt::Debug for Overrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Overrides")
            .field("api_key", &self.api_key.as_deref().map(mask_key))
            .field("pdp_url", &self.pdp_url)
            .field("api_url", &self.api_url)
            .finish()
    }
}

impl Overrides {
    pub fn from_env() -> Overrides {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Overrides {
            api_key: var(API_KEY_VAR),
            pdp_url: var(PDP_URL_VAR),
            api_url: var(API_URL_VAR),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.api_key.is_none() && self.pdp_url.is_none() && self.api_url.is_none()
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Header {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    active: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    check_timeout_ms: Option<u64>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    #[serde(flatten)]
    header: Header,
    environments: &'a [EnvironmentConfig],
}

/// The loaded configuration. Edit the fields or use the helpers, then [`Config::save`].
#[derive(Debug, Clone)]
pub struct Config {
    /// The active environment's name: one of `environments` or a sandbox environment.
    pub active: Option<String>,
    pub check_timeout: Duration,
    pub environments: Vec<EnvironmentConfig>,
    /// From the process environment at load; applied by `targets::resolve`, never saved.
    pub overrides: Overrides,
    path: PathBuf,
}

impl Config {
    /// An empty configuration that will be saved at `path`.
    pub fn empty(path: &Path) -> Config {
        Config {
            active: None,
            check_timeout: DEFAULT_CHECK_TIMEOUT,
            environments: Vec::new(),
            overrides: Overrides::default(),
            path: path.to_path_buf(),
        }
    }

    /// Loads `config.toml` from `paths`, with overrides from the process environment.
    pub fn load(paths: &Paths) -> (Config, Vec<Notice>) {
        let (mut config, notices) = Config::load_from(&paths.config_file());
        config.overrides = Overrides::from_env();
        (config, notices)
    }

    /// Loads a config file (no overrides). A missing file is an empty config; a broken one
    /// gives what could be read and a notice per problem.
    pub fn load_from(path: &Path) -> (Config, Vec<Notice>) {
        let mut config = Config::empty(path);
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return (config, vec![]),
            Err(err) => {
                let notice = Notice::new(Some(path), None, format!("cannot read: {err}"));
                return (config, vec![notice]);
            }
        };
        let parsed: tomlfile::Parsed<Header, EnvironmentConfig> =
            tomlfile::parse(&text, "environments");
        let mut notices: Vec<Notice> = parsed
            .issues
            .iter()
            .map(|issue| {
                Notice::new(
                    Some(path),
                    Some(issue.line),
                    format!(
                        "{} (this part is ignored; the file is left as it is)",
                        issue.reason
                    ),
                )
            })
            .collect();
        config.active = parsed.header.active.filter(|a| !a.trim().is_empty());
        if let Some(ms) = parsed.header.check_timeout_ms {
            config.check_timeout = Duration::from_millis(ms.max(1));
        }
        for env in parsed.items {
            if config.get(&env.name).is_some() {
                notices.push(Notice::new(
                    Some(path),
                    None,
                    format!(
                        "environment `{}` is defined twice; the first is used",
                        env.name
                    ),
                ));
                continue;
            }
            config.environments.push(env);
        }
        (config, notices)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self, name: &str) -> Option<&EnvironmentConfig> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// Adds or replaces (same name) an environment; returns the replaced one.
    pub fn upsert(&mut self, env: EnvironmentConfig) -> Option<EnvironmentConfig> {
        match self.environments.iter_mut().find(|e| e.name == env.name) {
            Some(slot) => Some(std::mem::replace(slot, env)),
            None => {
                self.environments.push(env);
                None
            }
        }
    }

    /// Removes an environment; the active one falls back to none.
    pub fn remove(&mut self, name: &str) -> Option<EnvironmentConfig> {
        let index = self.environments.iter().position(|e| e.name == name)?;
        if self.active.as_deref() == Some(name) {
            self.active = None;
        }
        Some(self.environments.remove(index))
    }

    /// Serializes as it would be saved.
    pub fn to_toml(&self) -> Result<String, StoreError> {
        let out = FileOut {
            header: Header {
                active: self.active.clone(),
                check_timeout_ms: (self.check_timeout != DEFAULT_CHECK_TIMEOUT)
                    .then_some(self.check_timeout.as_millis() as u64),
            },
            environments: &self.environments,
        };
        toml::to_string_pretty(&out).map_err(|err| StoreError::Invalid(err.to_string()))
    }

    /// Read-modify-write under a lock: re-reads the file, applies `change`, saves, and leaves
    /// `self` equal to what was saved. A change another instance made meanwhile (say
    /// `permit-tui env add` while the explorer runs) is kept rather than overwritten.
    /// The overrides and the path of `self` are kept; `change` sees the fresh file.
    pub fn update<R>(&mut self, change: impl FnOnce(&mut Config) -> R) -> Result<R, StoreError> {
        let lock_path = self.path.with_file_name(".config.toml.lock");
        if let Some(dir) = lock_path.parent() {
            super::atomic::create_private_dir(dir)
                .map_err(|err| StoreError::io(&self.path, err))?;
        }
        let _lock = super::lock::FileLock::exclusive(&lock_path)
            .map_err(|err| StoreError::io(&self.path, err))?;
        let (mut fresh, _) = Config::load_from(&self.path);
        fresh.overrides = self.overrides.clone();
        let result = change(&mut fresh);
        fresh.save()?;
        *self = fresh;
        Ok(result)
    }

    /// Writes `config.toml` atomically with mode 0600. Refuses to replace a file on disk that
    /// does not parse (a hand-edit in progress), naming the line.
    pub fn save(&self) -> Result<(), StoreError> {
        refuse_if_unparsable::<Header, EnvironmentConfig>(&self.path, "environments")?;
        let text = self.to_toml()?;
        write_atomic(&self.path, text.as_bytes(), Some(PRIVATE_MODE))
            .map_err(|err| StoreError::io(&self.path, err))
    }
}

/// The guard behind "never overwrite a file that failed to parse".
pub(crate) fn refuse_if_unparsable<H, T>(path: &Path, table: &str) -> Result<(), StoreError>
where
    H: serde::de::DeserializeOwned + Default,
    T: serde::de::DeserializeOwned,
{
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(StoreError::io(path, err)),
    };
    let parsed: tomlfile::Parsed<H, T> = tomlfile::parse(&text, table);
    match parsed.issues.into_iter().next() {
        Some(issue) => Err(StoreError::Unparsable {
            file: path.to_path_buf(),
            line: issue.line,
            reason: issue.reason,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> EnvironmentConfig {
        EnvironmentConfig {
            name: name.to_string(),
            pdp_url: "http://localhost:7766".to_string(),
            api_url: "https://api.permit.io".to_string(),
            key: Some("permit_key_secretsecretsecret1234".to_string()),
            key_env: None,
            project: Some("default".to_string()),
            environment: None,
        }
    }

    #[test]
    fn round_trips_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mut config = Config::empty(&path);
        config.upsert(env("prod"));
        let mut other = env("staging");
        other.key = None;
        other.key_env = Some("STAGING_KEY".to_string());
        config.upsert(other);
        config.active = Some("staging".to_string());
        config.check_timeout = Duration::from_millis(1500);
        config.save().unwrap();

        let (loaded, notices) = Config::load_from(&path);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(loaded.environments, config.environments);
        assert_eq!(loaded.active.as_deref(), Some("staging"));
        assert_eq!(loaded.check_timeout, Duration::from_millis(1500));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn update_keeps_what_another_instance_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mut ui = Config::empty(&path);
        ui.update(|c| c.upsert(env("a"))).unwrap();
        // Another instance adds `b` behind the UI's back.
        let (mut cli, _) = Config::load_from(&path);
        cli.update(|c| c.upsert(env("b"))).unwrap();
        // The UI switches the active environment: `b` survives.
        ui.update(|c| c.active = Some("a".into())).unwrap();
        let names: Vec<_> = ui.environments.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        let (on_disk, _) = Config::load_from(&path);
        assert_eq!(on_disk.environments, ui.environments);
        assert_eq!(on_disk.active.as_deref(), Some("a"));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let shown = format!("{:?}", env("prod"));
        assert!(!shown.contains("secretsecret"), "{shown}");
        assert!(shown.contains("…1234"));
    }

    #[test]
    fn broken_file_is_reported_and_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let text = "active = \"a\"\n[[environments]]\nname = \"a\"\npdp_url = \"x\"\napi_url = \"y\"\n[[environments]]\nname = \"b\"\npdp_url = \n";
        std::fs::write(&path, text).unwrap();
        let (mut config, notices) = Config::load_from(&path);
        assert_eq!(config.environments.len(), 1);
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].line, Some(8), "{notices:?}");
        config.remove("a");
        let err = config.save().unwrap_err();
        assert!(
            matches!(err, StoreError::Unparsable { line: 8, .. }),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn key_env_wins_when_set_and_reports_unset() {
        let mut e = env("x");
        e.key = None;
        e.key_env = Some("PERMIT_TUI_TEST_SURELY_UNSET_VAR".to_string());
        assert_eq!(
            e.key(),
            (
                None,
                KeySource::EnvVarUnset("PERMIT_TUI_TEST_SURELY_UNSET_VAR".to_string())
            )
        );
    }
}
