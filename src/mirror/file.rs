//! A snapshot as a file: the environment a key reaches, found (an organization or project
//! key names its project and environment), then every list streamed into a temp file that
//! replaces the output only once it is whole and loads in the sandbox.

use std::path::Path;

use super::{take, Snapshot, SnapshotError, Target};
use crate::cloud::{self, CloudClient, Discovery, DiscoveryStart};
use crate::store::atomic;

/// Where a snapshot is read from.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    pub api_url: &'a str,
    pub api_key: &'a str,
    /// With an organization key: the project (key, name or id).
    pub project: Option<&'a str>,
    /// With an organization or project key: the environment (key, name or id).
    pub environment: Option<&'a str>,
}

/// A written snapshot and the local API key its environment got.
#[derive(Debug, Clone)]
pub struct Written {
    pub snapshot: Snapshot,
    pub local_key: String,
}

/// The REST client (with the environment's own key) and the environment to mirror. An
/// organization or project key without `project`/`environment` is an error listing the choices.
pub async fn locate(
    source: &Source<'_>,
    concurrency: usize,
) -> Result<(CloudClient, Target), String> {
    let explain = |err: cloud::CloudError| format!("{err}\n  hint: {}", err.hint());
    let client = CloudClient::new(source.api_url, source.api_key).map_err(explain)?;
    let found = match Discovery::start(client, source.api_key)
        .await
        .map_err(explain)?
    {
        (_, DiscoveryStart::Ready(found)) => *found,
        (discovery, DiscoveryStart::PickProject(projects)) => {
            let level = discovery.level();
            let project = match (source.project, projects.as_slice()) {
                (Some(p), _) => p.to_string(),
                (None, [only]) => only.key.clone(),
                (None, _) => {
                    let keys: Vec<&str> = projects.iter().map(|p| p.key.as_str()).collect();
                    return Err(format!(
                        "this is an {level}-level key; choose a project with --project: {}",
                        keys.join(", ")
                    ));
                }
            };
            let Some(environment) = source.environment else {
                let envs = discovery.environments(&project).await.map_err(explain)?;
                let keys: Vec<&str> = envs.iter().map(|e| e.key.as_str()).collect();
                return Err(format!(
                    "this is an {level}-level key; choose an environment of `{project}` with --environment: {}",
                    keys.join(", ")
                ));
            };
            discovery
                .choose_by_key(&project, environment)
                .await
                .map_err(explain)?
        }
    };
    // The lists are read with the environment's own key, which may read all of them.
    let client = CloudClient::new(source.api_url, &found.api_key).map_err(explain)?;
    let target = Target {
        project: found.project.key.clone(),
        environment: found.environment.key.clone(),
        concurrency: concurrency.max(1),
        policy_repo: found.project.active_policy_repo_id.clone(),
    };
    Ok((client, target))
}

/// Takes a snapshot of `target` into `output` (mode 0600). On any failure, including
/// `strict` with objects left out, nothing replaces `output`. `progress` hears
/// `(list, pages done, pages in all, objects so far)`.
pub async fn write(
    client: &CloudClient,
    target: &Target,
    output: &Path,
    strict: bool,
    progress: &mut dyn FnMut(&str, usize, usize, usize),
) -> Result<Written, String> {
    let local_key = crate::sandbox::generated_key("permit_key_mirror_");
    let (temp, file) = atomic::create_beside(output, Some(atomic::PRIVATE_MODE))
        .map_err(|err| format!("cannot write beside {}: {err}", output.display()))?;
    let written = async {
        let mut out = std::io::BufWriter::new(file);
        let snapshot = take(client, target, &local_key, &mut out, progress)
            .await
            .map_err(|err| match &err {
                SnapshotError::Page(page) => format!("{err}\n  hint: {}", page.source.hint()),
                _ => err.to_string(),
            })?;
        let file = out.into_inner().map_err(|err| err.to_string())?;
        file.sync_all().map_err(|err| err.to_string())?;
        if strict && !snapshot.skipped.is_empty() {
            return Err(format!(
                "{} object(s) cannot be represented in the sandbox (--strict):\n{}",
                snapshot.skipped.len(),
                snapshot.skipped.join("\n")
            ));
        }
        // What is written must load: a snapshot the sandbox refuses helps nobody.
        crate::sandbox::Sandbox::from_files(std::slice::from_ref(&temp))
            .map_err(|err| format!("the snapshot does not load in the sandbox: {err}"))?;
        atomic::commit(&temp, output)
            .map_err(|err| format!("cannot write {}: {err}", output.display()))?;
        Ok(snapshot)
    }
    .await;
    let snapshot = written
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
        .map_err(|err| format!("{err}\n  nothing was written to {}", output.display()))?;
    Ok(Written {
        snapshot,
        local_key,
    })
}
