//! Environments, presets and history on disk (README, "Files").
//!
//! Loaders never fail: they return what they could read plus [`Notice`]s naming the file,
//! the line and the reason. Writers are atomic and refuse to overwrite a file that does not
//! parse, so a hand-edit with a typo is never destroyed.

pub mod atomic;
pub mod config;
pub mod filter;
pub mod form;
pub mod history;
pub mod history_writer;
pub mod lock;
pub mod paths;
pub mod presets;
pub mod regular;
pub mod secrets;
pub mod time;
mod tomlfile;

use std::fmt;
use std::path::{Path, PathBuf};

pub use config::{Config, EnvironmentConfig, KeySource, Overrides};
pub use history::{History, HistoryEntry};
pub use history_writer::HistoryWriter;
pub use paths::Paths;
pub use presets::{Expectation, Preset, Presets};

/// Something the user should know about the files, shown as a notice; never fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub file: Option<PathBuf>,
    /// 1-based, when the problem is at a place in the file.
    pub line: Option<usize>,
    pub message: String,
}

impl Notice {
    pub fn new(file: Option<&Path>, line: Option<usize>, message: impl Into<String>) -> Notice {
        Notice {
            file: file.map(Path::to_path_buf),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => {
                write!(f, "{}:{line}: {}", file.display(), self.message)
            }
            (Some(file), None) => write!(f, "{}: {}", file.display(), self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// A write that did not happen.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot write {}: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {reason}; the file is left as it is, fix it by hand (changes are kept for this session only)", file.display())]
    Unparsable {
        file: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    pub(crate) fn io(file: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            file: file.to_path_buf(),
            source,
        }
    }

    /// As a notice for the UI's status line.
    pub fn to_notice(&self) -> Notice {
        match self {
            StoreError::Io { file, source } => Notice::new(
                Some(file),
                None,
                format!("not saved ({source}); changes are kept for this session only"),
            ),
            StoreError::Unparsable { file, line, reason } => Notice::new(
                Some(file),
                Some(*line),
                format!("{reason}; not overwritten, changes are kept for this session only"),
            ),
            StoreError::Invalid(message) => Notice::new(None, None, message.clone()),
        }
    }
}

/// Everything on disk, opened together at start.
#[derive(Debug)]
pub struct Store {
    pub paths: Paths,
    pub config: Config,
    pub presets: Presets,
    pub history: History,
}

impl Store {
    /// Opens the store at `paths`, reading the overrides from the process environment.
    /// Never fails: problems come back as notices and the store works with what it has.
    pub fn open(paths: Paths) -> (Store, Vec<Notice>) {
        let (config, mut notices) = Config::load(&paths);
        let (presets, preset_notices) = Presets::load(&paths.presets_file());
        notices.extend(preset_notices);
        let history = History::open(&paths.history_file());
        notices.extend(writability_notices(&paths));
        (
            Store {
                paths,
                config,
                presets,
                history,
            },
            notices,
        )
    }
}

/// A read-only directory is not an error: the app works and says that nothing will be saved.
fn writability_notices(paths: &Paths) -> Vec<Notice> {
    let mut notices = Vec::new();
    let mut dirs = vec![(&paths.config_dir, "settings and presets")];
    if paths.data_dir != paths.config_dir {
        dirs.push((&paths.data_dir, "history"));
    }
    for (dir, what) in dirs {
        if let Err(err) = probe_writable(dir) {
            notices.push(Notice::new(
                Some(dir),
                None,
                format!("is not writable ({err}); {what} will not be saved"),
            ));
        }
    }
    notices
}

fn probe_writable(dir: &Path) -> std::io::Result<()> {
    atomic::create_private_dir(dir)?;
    let probe = dir.join(format!(".write-probe.{}", std::process::id()));
    // create_new never follows a link planted at the probe's name (it fails instead); a stale
    // probe or a link is removed (the link itself, not its target) and the probe tried again.
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
    };
    if let Err(err) = create() {
        if err.kind() != std::io::ErrorKind::AlreadyExists {
            return Err(err);
        }
        std::fs::remove_file(&probe)?;
        create()?;
    }
    std::fs::remove_file(&probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_write_probe_never_truncates_what_a_planted_link_points_at() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let probe = dir
            .path()
            .join(format!(".write-probe.{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &probe).unwrap();
        probe_writable(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!probe.exists() && probe.symlink_metadata().is_err());
    }
}
