//! Environment discovery from a pasted API key, as plain async steps a UI or the CLI drives:
//!
//! 1. [`Discovery::start`] asks `GET /v2/api-key/scope`.
//!    - An environment-level key is named from its project and environment
//!      ([`DiscoveryStart::Ready`]); the key itself is the environment's key.
//!    - An organization- or project-level key needs a choice: [`DiscoveryStart::PickProject`]
//!      lists the projects it sees (a project key sees one).
//! 2. [`Discovery::environments`] lists a project's environments.
//! 3. [`Discovery::choose`] fetches that environment's own key (`GET /v2/api-key/{p}/{e}`),
//!    since a PDP only accepts environment-level keys.

use std::fmt;

use super::client::CloudClient;
use super::error::CloudError;
use super::types::{Environment, KeyScope, Project};
use crate::store::EnvironmentConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLevel {
    Organization,
    Project,
    Environment,
}

impl KeyLevel {
    pub fn of(scope: &KeyScope) -> KeyLevel {
        match (&scope.project_id, &scope.environment_id) {
            (Some(_), Some(_)) => KeyLevel::Environment,
            (Some(_), None) => KeyLevel::Project,
            _ => KeyLevel::Organization,
        }
    }
}

impl fmt::Display for KeyLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyLevel::Organization => "organization",
            KeyLevel::Project => "project",
            KeyLevel::Environment => "environment",
        })
    }
}

/// An environment found, with its own (environment-level) key. Debug masks the key.
#[derive(Clone, PartialEq)]
pub struct DiscoveredEnvironment {
    pub project: Project,
    pub environment: Environment,
    pub api_key: String,
    /// `project-environment` from their keys, e.g. `webapp-production`.
    pub suggested_name: String,
}

impl fmt::Debug for DiscoveredEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiscoveredEnvironment")
            .field("project", &self.project.key)
            .field("environment", &self.environment.key)
            .field("api_key", &crate::pdp::mask_key(&self.api_key))
            .field("suggested_name", &self.suggested_name)
            .finish()
    }
}

impl DiscoveredEnvironment {
    fn new(project: Project, environment: Environment, api_key: String) -> Self {
        let suggested_name = suggested_name(&project, &environment);
        DiscoveredEnvironment {
            project,
            environment,
            api_key,
            suggested_name,
        }
    }

    /// The config entry for it, with the key stored (the config file is written 0600).
    /// `name` overrides the suggested name.
    pub fn to_config(&self, name: Option<&str>, pdp_url: &str, api_url: &str) -> EnvironmentConfig {
        EnvironmentConfig {
            name: name.unwrap_or(&self.suggested_name).to_string(),
            pdp_url: pdp_url.to_string(),
            api_url: api_url.to_string(),
            key: Some(self.api_key.clone()),
            key_env: None,
            project: Some(self.project.key.clone()).filter(|k| !k.is_empty()),
            environment: Some(self.environment.key.clone()).filter(|k| !k.is_empty()),
        }
    }
}

fn suggested_name(project: &Project, environment: &Environment) -> String {
    let pick = |key: &str, name: &str, id: &str| {
        [key, name, id]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .unwrap_or("unknown")
            .to_string()
    };
    let name = format!(
        "{}-{}",
        pick(&project.key, &project.name, &project.id),
        pick(&environment.key, &environment.name, &environment.id)
    );
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// What the first step found.
#[derive(Debug, Clone, PartialEq)]
pub enum DiscoveryStart {
    /// An environment-level key: nothing to choose.
    Ready(Box<DiscoveredEnvironment>),
    /// An organization or project key: choose a project, then an environment.
    PickProject(Vec<Project>),
}

/// The flow's state between steps: the client and the key's scope.
#[derive(Debug, Clone)]
pub struct Discovery {
    client: CloudClient,
    scope: KeyScope,
    key: String,
}

impl Discovery {
    /// Step 1. `key` is the pasted key; `client` talks to the chosen API URL with it.
    pub async fn start(
        client: CloudClient,
        key: &str,
    ) -> Result<(Discovery, DiscoveryStart), CloudError> {
        let scope = client.scope().await?;
        let discovery = Discovery {
            client,
            scope,
            key: key.trim().to_string(),
        };
        let start = match KeyLevel::of(&discovery.scope) {
            KeyLevel::Environment => {
                DiscoveryStart::Ready(Box::new(discovery.name_env_key().await?))
            }
            KeyLevel::Project | KeyLevel::Organization => {
                DiscoveryStart::PickProject(discovery.projects().await?)
            }
        };
        Ok((discovery, start))
    }

    pub fn level(&self) -> KeyLevel {
        KeyLevel::of(&self.scope)
    }

    pub fn scope(&self) -> &KeyScope {
        &self.scope
    }

    pub fn client(&self) -> &CloudClient {
        &self.client
    }

    /// The projects the key sees (a project key: its own).
    pub async fn projects(&self) -> Result<Vec<Project>, CloudError> {
        let projects = self.client.projects().await?;
        Ok(match &self.scope.project_id {
            Some(id) => projects.into_iter().filter(|p| &p.id == id).collect(),
            None => projects,
        })
    }

    /// Step 2: a project's environments (`project` is its key or id).
    pub async fn environments(&self, project: &str) -> Result<Vec<Environment>, CloudError> {
        self.client.environments(project).await
    }

    /// Step 3: fetches the environment's own key.
    pub async fn choose(
        &self,
        project: &Project,
        environment: &Environment,
    ) -> Result<DiscoveredEnvironment, CloudError> {
        let project_ref = id_or_key(project.id.as_str(), project.key.as_str());
        let env_ref = id_or_key(environment.id.as_str(), environment.key.as_str());
        let key = self.client.environment_key(project_ref, env_ref).await?;
        if key.secret.trim().is_empty() {
            return Err(CloudError::InvalidResponse {
                detail: "the environment key came back without its `secret`".to_string(),
            });
        }
        Ok(DiscoveredEnvironment::new(
            project.clone(),
            environment.clone(),
            key.secret,
        ))
    }

    /// Steps 2 and 3 by name, for the CLI: `project` and `environment` may be a key, a
    /// name or an id. Unknown ones fail with the list of choices.
    pub async fn choose_by_key(
        &self,
        project: &str,
        environment: &str,
    ) -> Result<DiscoveredEnvironment, CloudError> {
        let projects = self.projects().await?;
        let project = find(&projects, project, |p| [&p.key, &p.name, &p.id])
            .ok_or_else(|| CloudError::NoSuchChoice {
                what: "project",
                given: project.to_string(),
                choices: projects.iter().map(|p| p.key.clone()).collect(),
            })?
            .clone();
        let envs = self
            .environments(id_or_key(&project.id, &project.key))
            .await?;
        let env = find(&envs, environment, |e| [&e.key, &e.name, &e.id]).ok_or_else(|| {
            CloudError::NoSuchChoice {
                what: "environment",
                given: environment.to_string(),
                choices: envs.iter().map(|e| e.key.clone()).collect(),
            }
        })?;
        self.choose(&project, env).await
    }

    /// An environment key names itself through the listings; when it may not list them, the
    /// ids from the scope stand in for the names.
    async fn name_env_key(&self) -> Result<DiscoveredEnvironment, CloudError> {
        let project_id = self.scope.project_id.clone().unwrap_or_default();
        let env_id = self.scope.environment_id.clone().unwrap_or_default();
        let project = match self.client.projects().await {
            Ok(projects) => projects.into_iter().find(|p| p.id == project_id),
            Err(CloudError::Forbidden { .. }) | Err(CloudError::NotFound { .. }) => None,
            Err(other) => return Err(other),
        }
        .unwrap_or(Project {
            id: project_id.clone(),
            ..Project::default()
        });
        let environment = match self.client.environments(&project_id).await {
            Ok(envs) => envs.into_iter().find(|e| e.id == env_id),
            Err(CloudError::Forbidden { .. }) | Err(CloudError::NotFound { .. }) => None,
            Err(other) => return Err(other),
        }
        .unwrap_or(Environment {
            id: env_id,
            project_id,
            ..Environment::default()
        });
        Ok(DiscoveredEnvironment::new(
            project,
            environment,
            self.key.clone(),
        ))
    }
}

fn id_or_key<'a>(id: &'a str, key: &'a str) -> &'a str {
    if key.is_empty() {
        id
    } else {
        key
    }
}

fn find<'a, T>(items: &'a [T], wanted: &str, fields: impl Fn(&T) -> [&String; 3]) -> Option<&'a T> {
    let wanted = wanted.trim();
    items
        .iter()
        .find(|item| fields(item).iter().any(|f| f.as_str() == wanted))
        .or_else(|| {
            items
                .iter()
                .find(|item| fields(item).iter().any(|f| f.eq_ignore_ascii_case(wanted)))
        })
}
