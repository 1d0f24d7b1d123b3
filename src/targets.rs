//! Turns an environment name into something checks can be fired at: a [`Target`] with its
//! PDP client. The bundled sandbox environments (`sandbox-dev`, `sandbox-prod`) are always
//! there; the first time one is resolved, one in-process sandbox starts for the whole process.

use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::cloud::{self, CloudClient, CloudError};
use crate::pdp::types::AllowedQuery;
use crate::pdp::{mask_key, mask_url_credentials, PdpClient, PdpError};
use crate::sandbox::{serve, EnvironmentInfo, Sandbox, ServeOptions};
use crate::store::{Config, EnvironmentConfig, KeySource};

/// Sandbox environments are named `sandbox-` + their key in the sandbox.
pub const SANDBOX_PREFIX: &str = "sandbox-";
pub const SANDBOX_DEV: &str = "sandbox-dev";
pub const SANDBOX_PROD: &str = "sandbox-prod";
/// The environment built from `PERMIT_PDP_URL` / `PERMIT_API_KEY` when no environment is active.
pub const FROM_ENV: &str = "from-env";

/// An environment: where its PDP answers, its key (in memory only: Debug masks it), where
/// its REST API is. The one type every command and the explorer use; a PDP client is made
/// from it with the caller's timeout ([`Target::client`]).
#[derive(Clone, PartialEq)]
pub struct Target {
    pub name: String,
    pub pdp_url: String,
    /// Permit's REST API for this environment (schema, facts, snapshots, audit logs).
    pub api_url: String,
    /// One of the embedded sandbox's environments.
    pub is_sandbox: bool,
    pub key_source: KeySource,
    /// Permit project and environment keys, when known (for the REST API).
    pub project: Option<String>,
    pub environment: Option<String>,
    /// The tenant a check defaults to when the form leaves it empty.
    pub tenant: Option<String>,
    key: Option<String>,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("pdp_url", &self.pdp_url)
            .field("api_url", &self.api_url)
            .field("key", &self.masked_key())
            .field("key_source", &self.key_source)
            .field("is_sandbox", &self.is_sandbox)
            .field("project", &self.project)
            .field("environment", &self.environment)
            .field("tenant", &self.tenant)
            .finish()
    }
}

impl Target {
    /// A PDP given by URL (`--pdp`, a discovered environment): its REST API is
    /// `PERMIT_API_URL`, else Permit's US API, until the caller says otherwise.
    pub fn remote(name: &str, pdp_url: &str, key: Option<String>) -> Target {
        let api_url = crate::store::config::Overrides::from_env()
            .api_url
            .unwrap_or_else(|| cloud::urls::API_US.to_string());
        Target {
            name: name.to_string(),
            pdp_url: pdp_url.trim().to_string(),
            api_url,
            is_sandbox: false,
            key_source: if key.is_some() {
                KeySource::Override
            } else {
                KeySource::None
            },
            project: None,
            environment: None,
            tenant: None,
            key,
        }
    }

    /// An environment of a sandbox at `url`, which serves its REST slice there too.
    pub fn sandbox(name: &str, url: &str, key: &str, project: &str, environment: &str) -> Target {
        Target {
            name: name.to_string(),
            pdp_url: url.to_string(),
            api_url: url.to_string(),
            is_sandbox: true,
            key_source: KeySource::Sandbox,
            project: Some(project.to_string()),
            environment: Some(environment.to_string()),
            tenant: None,
            key: Some(key.to_string()),
        }
    }

    /// A client for this environment's PDP, on the process's shared connection pool.
    pub fn client(&self, timeout: std::time::Duration) -> Result<PdpClient, PdpError> {
        PdpClient::with_http(http(), &self.pdp_url, self.key.clone(), timeout)
    }

    /// Permit's Cloud PDP: it does not evaluate ABAC.
    pub fn is_cloud_pdp(&self) -> bool {
        is_cloud_pdp(&self.pdp_url)
    }

    /// `permit_key_…a1b2`, for the screen.
    pub fn masked_key(&self) -> Option<String> {
        self.key.as_deref().map(mask_key)
    }

    /// The key itself, only for a deliberate "copy with secret" or a REST client.
    pub fn reveal_key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// A REST client for this environment's API URL and key (schema and facts autocomplete).
    pub fn cloud_client(&self) -> Option<CloudClient> {
        let key = self.key.as_deref()?;
        CloudClient::with_http(http(), &self.api_url, key, cloud::client::DEFAULT_TIMEOUT).ok()
    }

    /// The warning to show before sending `query` here: the Cloud PDP does not evaluate ABAC,
    /// so attributes or context would be ignored or answered with 501.
    pub fn abac_warning(&self, query: &AllowedQuery) -> Option<String> {
        let uses_attributes = !query.user.attributes.is_empty()
            || !query.resource.attributes.is_empty()
            || !query.resource.context.is_empty()
            || !query.context.is_empty();
        (self.is_cloud_pdp() && uses_attributes).then(|| {
            format!(
                "`{}` uses the Cloud PDP, which does not evaluate ABAC: attributes and context \
                 are not considered (a 501 may come back). Use a local PDP or the sandbox for \
                 attribute-based checks.",
                self.name
            )
        })
    }

    /// `(project, environment)` for the REST paths: as configured, else from the key's scope.
    pub async fn rest_scope(&self) -> Result<(String, String), CloudError> {
        if let (Some(p), Some(e)) = (&self.project, &self.environment) {
            return Ok((p.clone(), e.clone()));
        }
        let client = self
            .cloud_client()
            .ok_or_else(|| CloudError::Unauthorized {
                detail: "this environment has no API key".to_string(),
            })?;
        let scope = client.scope().await?;
        match (scope.project_id, scope.environment_id) {
            (Some(p), Some(e)) => Ok((p, e)),
            _ => Err(CloudError::Forbidden {
                path: "/v2/api-key/scope".to_string(),
                detail: "the key is not an environment-level key".to_string(),
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TargetError {
    #[error("no environment named `{name}`; known: {}", known.join(", "))]
    Unknown { name: String, known: Vec<String> },
    #[error("environment `{name}`: {source}")]
    BadUrl {
        name: String,
        #[source]
        source: PdpError,
    },
    #[error("cannot start the bundled sandbox: {0}")]
    Sandbox(String),
}

/// `true` for Permit's Cloud PDP (`cloudpdp.api.permit.io`, regional `cloudpdp.api.*.permit.io`).
pub fn is_cloud_pdp(url: &str) -> bool {
    url::Url::parse(url.trim())
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .is_some_and(|host| host.starts_with("cloudpdp.") && host.ends_with(".permit.io"))
}

pub fn is_sandbox_name(name: &str) -> bool {
    sandbox_environments()
        .iter()
        .any(|info| sandbox_name(info) == name)
}

fn sandbox_name(info: &EnvironmentInfo) -> String {
    format!("{SANDBOX_PREFIX}{}", info.key)
}

/// The in-process sandbox's environments (the bundled demo's, or those of the policy files
/// given with [`serve_policy_files`]), without starting it.
pub fn sandbox_environments() -> Vec<EnvironmentInfo> {
    if let Some(custom) = CUSTOM_POLICY.get() {
        return custom.sandbox.environments();
    }
    static ENVS: OnceLock<Vec<EnvironmentInfo>> = OnceLock::new();
    ENVS.get_or_init(|| {
        Sandbox::bundled()
            .map(|s| s.environments())
            .unwrap_or_default()
    })
    .clone()
}

/// Policy files the in-process sandbox serves instead of the bundled demo, watched.
struct CustomPolicy {
    files: Vec<PathBuf>,
    sandbox: Sandbox,
}

static CUSTOM_POLICY: OnceLock<CustomPolicy> = OnceLock::new();

/// Makes the in-process sandbox serve `files` (one environment each, named `sandbox-KEY`)
/// instead of the bundled demo, reloading them when they change (see [`sandbox_reloads`]).
/// Call it once, before anything resolves a sandbox environment.
pub fn serve_policy_files(files: Vec<PathBuf>) -> Result<Vec<EnvironmentInfo>, String> {
    if SANDBOX.get().is_some() {
        return Err("the in-process sandbox is already running".to_string());
    }
    let sandbox = Sandbox::from_files(&files).map_err(|e| {
        format!(
            "the policy does not load\n  file:   {}\n  at:     {}\n  reason: {}",
            e.file, e.path, e.reason
        )
    })?;
    let environments = sandbox.environments();
    CUSTOM_POLICY
        .set(CustomPolicy { files, sandbox })
        .map_err(|_| "policy files were already given".to_string())?;
    Ok(environments)
}

/// A reload of the watched policy files: its number, and why it failed (the last good
/// policy then keeps serving).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reload {
    pub generation: u64,
    pub error: Option<String>,
}

fn reloads() -> &'static tokio::sync::watch::Sender<Reload> {
    static RELOADS: OnceLock<tokio::sync::watch::Sender<Reload>> = OnceLock::new();
    RELOADS.get_or_init(|| tokio::sync::watch::channel(Reload::default()).0)
}

/// Hears each reload of the policy files the in-process sandbox serves.
pub fn sandbox_reloads() -> tokio::sync::watch::Receiver<Reload> {
    reloads().subscribe()
}

/// One line per environment for pickers and `env list`: sandbox ones first, then the
/// configured ones in file order. Nothing is started.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentSummary {
    pub name: String,
    /// The sandbox's URL is only known once it runs: `None` until then.
    pub pdp_url: Option<String>,
    pub api_url: Option<String>,
    pub masked_key: Option<String>,
    pub key_source: KeySource,
    pub is_active: bool,
    pub is_sandbox: bool,
    pub is_cloud_pdp: bool,
}

pub fn summaries(config: &Config) -> Vec<EnvironmentSummary> {
    let active = active_name(config);
    let running = SANDBOX
        .get()
        .and_then(|r| r.as_ref().ok())
        .map(|h| h.url.clone());
    let mut list: Vec<EnvironmentSummary> = sandbox_environments()
        .iter()
        .map(|info| {
            let name = sandbox_name(info);
            EnvironmentSummary {
                is_active: name == active,
                name,
                pdp_url: running.clone(),
                api_url: running.clone(),
                masked_key: Some(mask_key(&info.api_key)),
                key_source: KeySource::Sandbox,
                is_sandbox: true,
                is_cloud_pdp: false,
            }
        })
        .collect();
    for env in &config.environments {
        let (key, source) = env.key();
        list.push(EnvironmentSummary {
            name: env.name.clone(),
            pdp_url: Some(mask_url_credentials(&env.pdp_url).into_owned()),
            api_url: Some(mask_url_credentials(&env.api_url).into_owned()),
            masked_key: key.as_deref().map(mask_key),
            key_source: source,
            is_active: env.name == active,
            is_sandbox: false,
            is_cloud_pdp: is_cloud_pdp(&env.pdp_url),
        });
    }
    if active == FROM_ENV {
        let o = &config.overrides;
        list.push(EnvironmentSummary {
            name: FROM_ENV.to_string(),
            pdp_url: Some(
                o.pdp_url
                    .as_deref()
                    .map_or(cloud::urls::PDP_LOCAL.into(), |url| {
                        mask_url_credentials(url).into_owned()
                    }),
            ),
            api_url: Some(
                o.api_url
                    .clone()
                    .unwrap_or_else(|| cloud::urls::API_US.into()),
            ),
            masked_key: o.api_key.as_deref().map(mask_key),
            key_source: if o.api_key.is_some() {
                KeySource::Override
            } else {
                KeySource::None
            },
            is_active: true,
            is_sandbox: false,
            is_cloud_pdp: o.pdp_url.as_deref().is_some_and(is_cloud_pdp),
        });
    }
    list
}

/// The environment a run starts in: the active one; with none, `from-env` when
/// `PERMIT_PDP_URL` or `PERMIT_API_KEY` is set, else `sandbox-dev`.
/// An active name that is neither configured nor a sandbox environment (a hand-edit) is
/// ignored; [`active_notice`] says so.
pub fn active_name(config: &Config) -> String {
    match &config.active {
        Some(name) if config.get(name).is_some() || is_sandbox_name(name) => name.clone(),
        _ if config.overrides.pdp_url.is_some() || config.overrides.api_key.is_some() => {
            FROM_ENV.to_string()
        }
        _ => SANDBOX_DEV.to_string(),
    }
}

/// A notice when `active` names no known environment, for the start-up notices.
pub fn active_notice(config: &Config) -> Option<crate::store::Notice> {
    let name = config.active.as_deref()?;
    if config.get(name).is_some() || is_sandbox_name(name) {
        return None;
    }
    Some(crate::store::Notice::new(
        Some(config.path()),
        None,
        format!(
            "the active environment `{name}` is not defined; using `{}`",
            active_name(config)
        ),
    ))
}

/// Resolves `name` (None: the run's environment, see [`active_name`]). The run's environment
/// takes `PERMIT_API_KEY` / `PERMIT_PDP_URL` / `PERMIT_API_URL` over its own settings; the
/// sandbox environments always use their own.
pub async fn resolve(name: Option<&str>, config: &Config) -> Result<Target, TargetError> {
    let active = active_name(config);
    let name = name.map(str::to_string).unwrap_or_else(|| active.clone());
    let is_run_env = name == active;

    if is_sandbox_name(&name) {
        return resolve_sandbox(&name).await;
    }
    let base = if name == FROM_ENV && is_run_env {
        EnvironmentConfig {
            name: FROM_ENV.to_string(),
            pdp_url: cloud::urls::PDP_LOCAL.to_string(),
            api_url: cloud::urls::API_US.to_string(),
            key: None,
            key_env: None,
            project: None,
            environment: None,
        }
    } else {
        config
            .get(&name)
            .cloned()
            .ok_or_else(|| TargetError::Unknown {
                name: name.clone(),
                known: summaries(config).into_iter().map(|s| s.name).collect(),
            })?
    };
    let (mut key, mut key_source) = base.key();
    let mut pdp_url = base.pdp_url.clone();
    let mut api_url = base.api_url.clone();
    if is_run_env {
        let o = &config.overrides;
        if let Some(k) = &o.api_key {
            key = Some(k.clone());
            key_source = KeySource::Override;
        }
        pdp_url = o.pdp_url.clone().unwrap_or(pdp_url);
        api_url = o.api_url.clone().unwrap_or(api_url);
    }
    let target = Target {
        name,
        pdp_url,
        api_url,
        is_sandbox: false,
        key_source,
        project: base.project,
        environment: base.environment,
        tenant: None,
        key,
    };
    // A URL no client can use is said here, with the environment's name.
    target
        .client(config.check_timeout)
        .map_err(|source| TargetError::BadUrl {
            name: target.name.clone(),
            source,
        })?;
    Ok(target)
}

async fn resolve_sandbox(name: &str) -> Result<Target, TargetError> {
    let handle = running_sandbox().await?;
    let info = handle
        .environments
        .iter()
        .find(|info| sandbox_name(info) == name)
        .ok_or_else(|| {
            TargetError::Sandbox(format!("`{name}` is not in the in-process sandbox"))
        })?;
    Ok(Target::sandbox(
        name,
        &handle.url,
        &info.api_key,
        &info.project,
        &info.key,
    ))
}

/// The process's in-process sandbox, as far as callers need it.
#[derive(Debug, Clone)]
pub struct SandboxHandle {
    pub url: String,
    pub environments: Vec<EnvironmentInfo>,
    /// The organization-level key that sees every sandbox environment.
    pub org_api_key: String,
}

static SANDBOX: OnceLock<Result<SandboxHandle, String>> = OnceLock::new();
static SANDBOX_START: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Starts the bundled sandbox once per process and returns where it listens. It runs on its
/// own thread and runtime, so it outlives the runtime of whoever started it (each
/// `#[tokio::test]` has its own) and lives until the process exits.
pub async fn running_sandbox() -> Result<&'static SandboxHandle, TargetError> {
    if let Some(started) = SANDBOX.get() {
        return started
            .as_ref()
            .map_err(|e| TargetError::Sandbox(e.clone()));
    }
    let _starting = SANDBOX_START.lock().await;
    if SANDBOX.get().is_none() {
        let started = start_sandbox_thread().await;
        let _ = SANDBOX.set(started);
    }
    match SANDBOX.get() {
        Some(started) => started
            .as_ref()
            .map_err(|e| TargetError::Sandbox(e.clone())),
        None => Err(TargetError::Sandbox("did not start".to_string())),
    }
}

async fn start_sandbox_thread() -> Result<SandboxHandle, String> {
    let (ready, started) = tokio::sync::oneshot::channel::<Result<SandboxHandle, String>>();
    let spawned = std::thread::Builder::new()
        .name("permit-tui-sandbox".to_string())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(err) => {
                    let _ = ready.send(Err(format!("cannot start its runtime: {err}")));
                    return;
                }
            };
            runtime.block_on(async move {
                let custom = CUSTOM_POLICY.get();
                let loaded = match custom {
                    Some(custom) => Ok(custom.sandbox.clone()),
                    None => Sandbox::bundled(),
                };
                let sandbox = match loaded {
                    Ok(sandbox) => sandbox,
                    Err(err) => {
                        let _ = ready.send(Err(err.to_string()));
                        return;
                    }
                };
                let environments = sandbox.environments();
                let org_api_key = sandbox.org_api_key().to_string();
                let reload_key = org_api_key.clone();
                let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
                match serve(sandbox, addr, ServeOptions::default()).await {
                    Ok(running) => {
                        let _ = ready.send(Ok(SandboxHandle {
                            url: running.url(),
                            environments,
                            org_api_key,
                        }));
                        // Serve until the process exits, reloading edited policy files.
                        match custom {
                            Some(custom) => watch(custom, &reload_key, &running).await,
                            None => std::future::pending::<()>().await,
                        }
                        drop(running);
                    }
                    Err(err) => {
                        let _ = ready.send(Err(err.to_string()));
                    }
                }
            });
        });
    if let Err(err) = spawned {
        return Err(format!("cannot start its thread: {err}"));
    }
    started
        .await
        .unwrap_or_else(|_| Err("its thread ended before it was ready".to_string()))
}

/// Serves the custom policy files again after each change and tells [`sandbox_reloads`].
async fn watch(custom: &CustomPolicy, org_key: &str, running: &crate::sandbox::RunningSandbox) {
    crate::sandbox::watch::watch_files(&custom.files, |loaded| {
        let error = match loaded {
            Ok(sandbox) => {
                running.replace(sandbox.with_org_key(org_key));
                None
            }
            Err(e) => Some(format!(
                "{}: at {}: {}; the last good policy keeps serving",
                e.file, e.path, e.reason
            )),
        };
        reloads().send_modify(|reload| {
            reload.generation += 1;
            reload.error = error;
        });
    })
    .await
}

/// One connection pool for every target and REST client in the process.
fn http() -> reqwest::Client {
    static HTTP: OnceLock<reqwest::Client> = OnceLock::new();
    HTTP.get_or_init(crate::pdp::client::shared_http_client)
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_cloud_pdp() {
        assert!(is_cloud_pdp("https://cloudpdp.api.permit.io"));
        assert!(is_cloud_pdp("https://cloudpdp.api.eu-central-1.permit.io/"));
        assert!(!is_cloud_pdp("http://localhost:7766"));
        assert!(!is_cloud_pdp("https://cloudpdp.api.permit.io.evil.com"));
        assert!(!is_cloud_pdp("not a url"));
    }

    #[test]
    fn sandbox_environments_are_named_and_known() {
        assert!(is_sandbox_name(SANDBOX_DEV));
        assert!(is_sandbox_name(SANDBOX_PROD));
        assert!(!is_sandbox_name("prod"));
    }
}
