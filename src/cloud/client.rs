//! The REST client: Bearer key, one shared connection pool, classified errors.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use serde::de::DeserializeOwned;

use super::error::CloudError;
use super::types::*;
use crate::pdp::client::{max_answer_bytes, read_limited, too_large_detail};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// Permit's maximum page size.
pub const PER_PAGE: u32 = 100;
/// A listing stops after this many pages (10,000 items), so a runaway API cannot hang us.
pub const MAX_PAGES: u32 = 100;

/// A client for Permit's REST API with one key. Cloning is cheap.
#[derive(Clone)]
pub struct CloudClient {
    http: reqwest::Client,
    base: url::Url,
    key: Arc<str>,
    timeout: Duration,
}

impl fmt::Debug for CloudClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudClient")
            .field("base", &self.base.as_str())
            .field("key", &crate::pdp::mask_key(&self.key))
            .finish()
    }
}

impl CloudClient {
    pub fn new(api_url: &str, key: &str) -> Result<CloudClient, CloudError> {
        Self::with_http(
            crate::pdp::client::shared_http_client(),
            api_url,
            key,
            DEFAULT_TIMEOUT,
        )
    }

    pub fn with_http(
        http: reqwest::Client,
        api_url: &str,
        key: &str,
        timeout: Duration,
    ) -> Result<CloudClient, CloudError> {
        let bad = |detail: String| CloudError::BadUrl {
            url: api_url.to_string(),
            detail,
        };
        let base = url::Url::parse(api_url.trim()).map_err(|err| bad(err.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(bad("use an http or https URL".to_string()));
        }
        Ok(CloudClient {
            http,
            base,
            key: key.trim().into(),
            timeout,
        })
    }

    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    pub fn masked_key(&self) -> String {
        crate::pdp::mask_key(&self.key)
    }

    /// `GET /v2/api-key/scope`.
    pub async fn scope(&self) -> Result<KeyScope, CloudError> {
        self.get(&["v2", "api-key", "scope"], &[]).await
    }

    /// The project and environment the REST paths name: the ones given, else the key's own
    /// (an organization or project key has none, and is refused).
    pub async fn environment_scope(
        &self,
        project: Option<&str>,
        environment: Option<&str>,
    ) -> Result<(String, String), CloudError> {
        if let (Some(p), Some(e)) = (project, environment) {
            return Ok((p.to_string(), e.to_string()));
        }
        let scope = self.scope().await?;
        match (scope.project_id, scope.environment_id) {
            (Some(p), Some(e)) => Ok((p, e)),
            _ => Err(CloudError::Forbidden {
                path: "/v2/api-key/scope".to_string(),
                detail: "the key is not an environment-level key".to_string(),
            }),
        }
    }

    /// `GET /v2/projects`, every page.
    pub async fn projects(&self) -> Result<Vec<Project>, CloudError> {
        self.list_all(&["v2", "projects"], &[]).await
    }

    /// `GET /v2/projects/{p}/envs`, every page.
    pub async fn environments(&self, project: &str) -> Result<Vec<Environment>, CloudError> {
        self.list_all(&["v2", "projects", project, "envs"], &[])
            .await
    }

    /// `GET /v2/api-key/{p}/{e}`: the environment's own key is in `secret`.
    pub async fn environment_key(
        &self,
        project: &str,
        environment: &str,
    ) -> Result<ApiKeyRead, CloudError> {
        self.get(&["v2", "api-key", project, environment], &[])
            .await
    }

    /// `GET /v2/schema/{p}/{e}/resources`, every page.
    pub async fn resources(
        &self,
        project: &str,
        env: &str,
    ) -> Result<Vec<ResourceRead>, CloudError> {
        self.list_all(&["v2", "schema", project, env, "resources"], &[])
            .await
    }

    /// `GET /v2/schema/{p}/{e}/roles`, every page.
    pub async fn roles(&self, project: &str, env: &str) -> Result<Vec<RoleRead>, CloudError> {
        self.list_all(&["v2", "schema", project, env, "roles"], &[])
            .await
    }

    /// `GET /v2/schema/{p}/{e}/users/attributes`, every page.
    pub async fn user_attributes(
        &self,
        project: &str,
        env: &str,
    ) -> Result<Vec<AttributeRead>, CloudError> {
        self.list_all(&["v2", "schema", project, env, "users", "attributes"], &[])
            .await
    }

    /// `GET /v2/facts/{p}/{e}/tenants`, every page.
    pub async fn tenants(&self, project: &str, env: &str) -> Result<Vec<TenantRead>, CloudError> {
        self.list_all(&["v2", "facts", project, env, "tenants"], &[])
            .await
    }

    /// `GET /v2/facts/{p}/{e}/users`: one page (from 1), optionally searched.
    pub async fn users(
        &self,
        project: &str,
        env: &str,
        search: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<Page<UserRead>, CloudError> {
        let page = page.max(1).to_string();
        let per_page = per_page.clamp(1, PER_PAGE).to_string();
        let mut query = vec![("page", page.as_str()), ("per_page", per_page.as_str())];
        if let Some(search) = search.filter(|s| !s.is_empty()) {
            query.push(("search", search));
        }
        let answer: ListOrPage<UserRead> = self
            .get(&["v2", "facts", project, env, "users"], &query)
            .await?;
        Ok(match answer {
            ListOrPage::Page(page) => page,
            ListOrPage::List(data) => Page {
                total_count: data.len() as u64,
                page_count: 1,
                data,
            },
        })
    }

    /// Every user, following `page_count`, at most `max`.
    pub async fn all_users(
        &self,
        project: &str,
        env: &str,
        search: Option<&str>,
        max: usize,
    ) -> Result<Vec<UserRead>, CloudError> {
        let mut users = Vec::new();
        for page in 1..=MAX_PAGES {
            let answer = self.users(project, env, search, page, PER_PAGE).await?;
            let got = answer.data.len();
            users.extend(answer.data);
            if users.len() >= max || got == 0 || u64::from(page) >= answer.page_count {
                break;
            }
        }
        users.truncate(max);
        Ok(users)
    }

    /// One `GET` of any JSON answer, for callers that page themselves (the mirror).
    pub async fn get_json(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<serde_json::Value, CloudError> {
        self.get(segments, query).await
    }

    async fn list_all<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<Vec<T>, CloudError> {
        let mut items = Vec::new();
        let per_page = PER_PAGE.to_string();
        for page in 1..=MAX_PAGES {
            let page = page.to_string();
            let mut q: Vec<(&str, &str)> = query.to_vec();
            q.push(("page", &page));
            q.push(("per_page", &per_page));
            let answer: ListOrPage<T> = self.get(segments, &q).await?;
            let batch = answer.into_items();
            let full = batch.len() as u32 >= PER_PAGE;
            items.extend(batch);
            if !full {
                break;
            }
        }
        Ok(items)
    }

    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> url::Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    async fn get<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<T, CloudError> {
        let url = self.url(segments, query);
        let path = url.path().to_string();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", self.key)).map_err(|_| {
            CloudError::Unauthorized {
                detail: "the API key contains characters that cannot be sent".to_string(),
            }
        })?;
        auth.set_sensitive(true);
        let response = self
            .http
            .get(url)
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json")
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|err| self.transport_error(&err))?;
        let status = response.status().as_u16();
        let retry_after = crate::pdp::client::retry_after(response.headers());
        let (bytes, complete) = read_limited(response, max_answer_bytes())
            .await
            .map_err(|err| self.transport_error(&err))?;
        if !complete {
            return Err(CloudError::InvalidResponse {
                detail: format!("{path}: {}", too_large_detail(max_answer_bytes())),
            });
        }
        let body = String::from_utf8_lossy(&bytes);
        if !(200..300).contains(&status) {
            return Err(match CloudError::from_status(status, &path, &body) {
                CloudError::RateLimited { detail, .. } => CloudError::RateLimited {
                    detail,
                    retry_after,
                },
                other => other,
            });
        }
        serde_json::from_str(&body).map_err(|err| CloudError::InvalidResponse {
            detail: format!("{path}: {err}"),
        })
    }

    fn transport_error(&self, err: &reqwest::Error) -> CloudError {
        let url = self.base_url().to_string();
        if err.is_timeout() {
            return CloudError::Timeout {
                url,
                after: self.timeout,
            };
        }
        let mut detail = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(inner) = source {
            detail = inner.to_string();
            source = inner.source();
        }
        CloudError::Unreachable { url, detail }
    }
}
