//! An environment's mirror: its latest snapshot, kept in the data directory (mode 0600) and
//! loaded into an in-process sandbox, so a real PDP's answer can be explained beside it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::sandbox::policy::SnapshotSource;
use crate::sandbox::{LoadError, Sandbox};
use crate::store::Paths;

const DIR: &str = "mirrors";

/// Where environment `name`'s mirror is kept. A name is any text without spaces, so
/// characters a file name cannot hold are written as `%XX`.
pub fn path_for(paths: &Paths, name: &str) -> PathBuf {
    let mut file = String::with_capacity(name.len() + 5);
    for byte in name.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => file.push(byte as char),
            // A leading dot would hide the file, `..` would climb: encoded like the rest.
            _ => file.push_str(&format!("%{byte:02X}")),
        }
    }
    file.push_str(".json");
    paths.data_dir.join(DIR).join(file)
}

/// A snapshot loaded for checks. Debug masks the key (the sandbox's own Debug does).
#[derive(Debug, Clone)]
pub struct Mirror {
    sandbox: Sandbox,
    key: String,
    pub file: PathBuf,
    /// Where and when the snapshot was taken; `None` for a hand-written policy file.
    pub source: Option<SnapshotSource>,
    /// When it was taken (the file's time when it does not say).
    pub taken: SystemTime,
    /// The file's modification time when it was loaded, to notice a newer snapshot.
    pub modified: SystemTime,
}

impl Mirror {
    /// Loads a snapshot file (any one-environment policy file works).
    pub fn load(file: &Path) -> Result<Mirror, LoadError> {
        let modified = std::fs::metadata(file)
            .and_then(|m| m.modified())
            .unwrap_or_else(|_| SystemTime::now());
        let sandbox = Sandbox::from_files(&[file.to_path_buf()])?;
        let env = sandbox.envs().first().ok_or_else(|| LoadError {
            file: file.display().to_string(),
            path: "$".into(),
            reason: "the file holds no environment".into(),
        })?;
        let key = env.info().api_key.clone();
        let source = env.policy().source.clone();
        let taken = source
            .as_ref()
            .and_then(|s| crate::store::time::parse_rfc3339(&s.taken_at))
            .unwrap_or(modified);
        Ok(Mirror {
            sandbox,
            key,
            file: file.to_path_buf(),
            source,
            taken,
            modified,
        })
    }

    /// The environment's mirror when one was taken: `None` when there is none, an error when
    /// the file is there and does not load.
    pub fn of_environment(paths: &Paths, name: &str) -> Result<Option<Mirror>, LoadError> {
        let file = path_for(paths, name);
        if !file.exists() {
            return Ok(None);
        }
        Mirror::load(&file).map(Some)
    }

    /// The check on the mirror, with Permit's debug object and the sandbox trace.
    pub fn check(&self, query: &AllowedQuery) -> AllowedResult {
        // The key is the file's own, so the environment is always found.
        self.sandbox.check(&self.key, query).unwrap_or_default()
    }

    pub fn age(&self, now: SystemTime) -> Duration {
        now.duration_since(self.taken).unwrap_or_default()
    }

    /// The snapshot as loaded: its role assignments are what the PDP should hold.
    pub fn policy(&self) -> Option<&crate::sandbox::policy::PolicyFile> {
        self.sandbox.envs().first().map(|env| env.policy())
    }

    /// The comparison's facts about this mirror, for `environment`, at `now`.
    pub fn facts<'a>(
        &'a self,
        environment: &'a str,
        now: SystemTime,
    ) -> crate::mirror::compare::MirrorFacts<'a> {
        crate::mirror::compare::MirrorFacts {
            environment,
            age: self.age(now),
            skipped: self.skipped(),
            policy_repo: self
                .source
                .as_ref()
                .is_some_and(|s| s.active_policy_repo_id.is_some()),
        }
    }

    /// Objects the snapshot left out because the sandbox cannot represent them.
    pub fn skipped(&self) -> &[String] {
        self.source.as_ref().map_or(&[], |s| s.skipped.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_safe_file_names() {
        let paths = Paths::in_dir(Path::new("/d"));
        assert_eq!(
            path_for(&paths, "prod-eu_1"),
            Path::new("/d/mirrors/prod-eu_1.json")
        );
        assert_eq!(
            path_for(&paths, "../x"),
            Path::new("/d/mirrors/%2E%2E%2Fx.json")
        );
        assert_eq!(path_for(&paths, "é"), Path::new("/d/mirrors/%C3%A9.json"));
    }
}
