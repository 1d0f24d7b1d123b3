//! Policy files watched for edits: when a file's size or modification time changes and then
//! holds still for a moment (an editor writes in steps), the files are loaded again. Polling
//! keeps it dependency-free and works the same on every filesystem, network mounts included.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::{LoadError, Sandbox};

const POLL: Duration = Duration::from_millis(300);
const SETTLE: Duration = Duration::from_millis(200);

type Stamp = Option<(SystemTime, u64)>;

fn stamps(files: &[PathBuf]) -> Vec<Stamp> {
    files
        .iter()
        .map(|f| {
            let meta = std::fs::metadata(f).ok()?;
            Some((meta.modified().ok()?, meta.len()))
        })
        .collect()
}

/// Calls `reloaded` with the files loaded again after each change; never returns. A file
/// that does not load is handed over as its error: the caller keeps serving the last good
/// policy.
pub async fn watch_files(files: &[PathBuf], mut reloaded: impl FnMut(Result<Sandbox, LoadError>)) {
    let mut seen = stamps(files);
    let mut ticks = tokio::time::interval(POLL);
    loop {
        ticks.tick().await;
        if stamps(files) == seen {
            continue;
        }
        tokio::time::sleep(SETTLE).await;
        seen = stamps(files);
        let files = files.to_vec();
        let loaded = tokio::task::spawn_blocking(move || Sandbox::from_files(&files))
            .await
            .unwrap_or_else(|err| {
                Err(LoadError {
                    file: String::new(),
                    path: "$".into(),
                    reason: format!("the reload stopped: {err}"),
                })
            });
        reloaded(loaded);
    }
}
