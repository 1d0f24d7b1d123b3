//! The async PDP client: kept-alive connections (hyper directly for plain `http://`, a shared
//! `reqwest::Client` for TLS and proxies, behind one seam: `transport.rs`), every call timed on
//! the wire, every failure classified.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::PdpError;
pub use super::transport::TransportKind;
use super::transport::{send_reqwest, Call, Transport};
use super::types::{
    AllTenantsResult, AllowedQuery, AllowedResult, AuthorizedUsersQuery, AuthorizedUsersResult,
    BulkResult, Health, UserPermissions, UserPermissionsQuery, SANDBOX_TRACE_HEADER,
};
pub use super::wire::Unparsed;
pub use super::wire::USER_AGENT_VALUE;
pub(crate) use super::wire::{read_limited, retry_after};

/// The SDKs' default PDP address.
pub const DEFAULT_PDP_URL: &str = "http://localhost:7766";
/// How long a check may take before it ends with a timeout error.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest answer read from a PDP: past it the answer fails as an invalid response and
/// reading stops, so a runaway or hostile PDP costs bounded memory.
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 16 << 20;
/// Overrides [`DEFAULT_MAX_ANSWER_BYTES`], in MiB, for every command and the explorer.
pub const MAX_ANSWER_ENV: &str = "PERMIT_TUI_MAX_ANSWER_MIB";

/// The answer size limit: `PERMIT_TUI_MAX_ANSWER_MIB` when it is a positive whole number.
pub fn max_answer_bytes() -> usize {
    std::env::var(MAX_ANSWER_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|mib| *mib > 0)
        .and_then(|mib| mib.checked_mul(1 << 20))
        .unwrap_or(DEFAULT_MAX_ANSWER_BYTES)
}

/// The outcome of one call, with what was measured around it.
#[derive(Debug, Clone)]
pub struct Exchange<T> {
    pub result: Result<T, PdpError>,
    /// The round trip. On a kept-alive plain-HTTP connection it is timed on the socket, from
    /// the write that starts the request to the read that completes the answer, as wrk times
    /// it; otherwise (a new connection, TLS, a proxy) from handing the encoded request to the
    /// HTTP client to the last byte, connection included. Encoding the query and parsing the
    /// answer are the client's own work and stay out, so the figure is the PDP's plus the
    /// network's, whatever the answer's size.
    pub latency: Duration,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// The body exactly as received, when an answer came.
    pub raw_body: Option<String>,
}

impl<T> Exchange<T> {
    /// A call that ended before anything was sent (a URL that does not parse, say).
    pub fn not_sent(error: PdpError) -> Self {
        Exchange {
            result: Err(error),
            latency: Duration::ZERO,
            status: None,
            raw_body: None,
        }
    }
}

/// One role assignment as a PDP holds it (`/local/role_assignments`).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
pub struct LocalRoleAssignment {
    pub user: String,
    pub role: String,
    pub tenant: String,
    #[serde(default)]
    pub resource_instance: Option<String>,
}

/// `GET /version`'s answer: `{"api_version": 4}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct PdpVersion {
    pub api_version: serde_json::Value,
}

/// Only the decision of an `/allowed` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct Decision {
    pub allow: bool,
}

/// A client for one PDP. Cloning is cheap and shares the connection pool.
#[derive(Clone)]
pub struct PdpClient {
    /// For the GETs, whichever transport carries the POSTs.
    http: reqwest::Client,
    /// What carries the POSTs: hyper directly for plain-HTTP PDPs, reqwest otherwise.
    transport: Transport,
    /// Where requests go, credentials included.
    request_url: Arc<str>,
    /// The same URL as it is shown (errors, reports, history): a password in it masked.
    base_url: Arc<str>,
    api_key: Option<Arc<str>>,
    timeout: Duration,
    /// The answer size limit, in bytes.
    max_answer: usize,
    /// Ask for the sandbox's trace on checks: only a sandbox reads the header, so a real PDP
    /// is not sent it (`without_trace`).
    ask_trace: bool,
}

impl std::fmt::Debug for PdpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is left out on purpose: a Debug print must never leak it.
        f.debug_struct("PdpClient")
            .field("base_url", &self.base_url)
            .field(
                "api_key",
                &self.api_key.as_ref().map(|k| crate::pdp::mask_key(k)),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Builds the shared HTTP client. One per process is enough: it pools connections per host.
pub fn shared_http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_nodelay(true)
        .user_agent(USER_AGENT_VALUE)
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

impl PdpClient {
    /// A client on its own connection pool.
    pub fn new(url: &str, api_key: Option<String>, timeout: Duration) -> Result<Self, PdpError> {
        Self::with_http(shared_http_client(), url, api_key, timeout)
    }

    /// A client that shares `http`'s connection pool.
    pub fn with_http(
        http: reqwest::Client,
        url: &str,
        api_key: Option<String>,
        timeout: Duration,
    ) -> Result<Self, PdpError> {
        let shown = super::mask_url_credentials(url.trim()).into_owned();
        let parsed = url::Url::parse(url.trim()).map_err(|err| PdpError::BadUrl {
            url: shown.clone(),
            detail: err.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(PdpError::BadUrl {
                url: shown,
                detail: format!("scheme `{}` is not http or https", parsed.scheme()),
            });
        }
        Ok(PdpClient {
            transport: Transport::for_url(&http, &parsed),
            http,
            request_url: parsed.as_str().trim_end_matches('/').into(),
            base_url: super::mask_url_credentials(parsed.as_str().trim_end_matches('/'))
                .into_owned()
                .into(),
            api_key: api_key.filter(|k| !k.is_empty()).map(Into::into),
            timeout,
            max_answer: max_answer_bytes(),
            ask_trace: true,
        })
    }

    /// The same client with another answer size limit, in bytes.
    pub fn with_max_answer(mut self, bytes: usize) -> Self {
        self.max_answer = bytes.max(1);
        self
    }

    /// The same client with its POSTs on `kind` instead of the automatic choice. For tests and
    /// comparisons (one scenario on both stacks against one PDP); users get the automatic
    /// choice. [`TransportKind::Direct`] takes only a plain `http://` URL without credentials
    /// or a query (anything else is a `bad_url` error), and ignores a proxy in the environment.
    /// The connections of the transport it had are not shared with the new one.
    pub fn with_transport(mut self, kind: TransportKind) -> Result<PdpClient, PdpError> {
        if self.transport.kind() == kind {
            return Ok(self);
        }
        let parsed = url::Url::parse(&self.request_url).map_err(|err| PdpError::BadUrl {
            url: self.base_url.to_string(),
            detail: err.to_string(),
        })?;
        self.transport = Transport::forced(kind, &self.http, &parsed).ok_or_else(|| {
            PdpError::BadUrl {
                url: self.base_url.to_string(),
                detail: format!(
                    "the {kind} transport takes only plain http:// URLs without credentials or a query"
                ),
            }
        })?;
        Ok(self)
    }

    /// Which transport carries this client's POSTs.
    pub fn transport(&self) -> TransportKind {
        self.transport.kind()
    }

    /// The PDP's URL as it may be shown: a password in it is masked.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The same client, without the sandbox-trace header on its checks (for a real PDP).
    pub fn without_trace(mut self) -> PdpClient {
        self.ask_trace = false;
        self
    }

    /// The headers every PDP call carries. `Cache-Control: no-cache` keeps a PDP with the
    /// decision cache on from answering with a stale decision.
    pub fn headers(&self) -> HeaderMap {
        let mut headers = self.headers_without_trace();
        if self.ask_trace {
            headers.insert(SANDBOX_TRACE_HEADER, HeaderValue::from_static("1"));
        }
        headers
    }

    /// [`PdpClient::headers`] without the sandbox-trace request: for calls that only need
    /// decisions (bulk, the load probe), so the sandbox does not build explanations nobody reads.
    fn headers_without_trace(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Some(key) = &self.api_key {
            if let Ok(value) = HeaderValue::from_str(&format!("Bearer {key}")) {
                let mut value = value;
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
        }
        headers
    }

    /// `POST /allowed`.
    pub async fn check(&self, query: &AllowedQuery) -> Exchange<AllowedResult> {
        self.post_with(self.headers(), "/allowed", query).await
    }

    /// `POST /allowed`, reading only `allow`: the rest of the body (`debug` can be kilobytes)
    /// is skipped, not built. For the load probe, whose own cost must stay out of the PDP's
    /// figures.
    pub async fn check_decision(&self, query: &AllowedQuery) -> Exchange<Decision> {
        self.post("/allowed", query).await
    }

    /// `POST /allowed/bulk`: a bare array in, results in the same order out. Accepts the
    /// OPA-style `{"result": {"allow": [...]}}` as the SDKs do.
    pub async fn check_bulk(&self, queries: &[AllowedQuery]) -> Exchange<Vec<AllowedResult>> {
        let exchange: Exchange<serde_json::Value> = self.post("/allowed/bulk", &queries).await;
        let result = exchange.result.and_then(|value| {
            let inner = value.get("result").cloned().unwrap_or(value);
            serde_json::from_value::<BulkResult>(inner)
                .map(|bulk| bulk.allow)
                .map_err(|err| PdpError::InvalidResponse {
                    detail: err.to_string(),
                })
        });
        let result = match result {
            Ok(items) if items.len() != queries.len() => Err(PdpError::InvalidResponse {
                detail: format!("sent {} checks, got {} answers", queries.len(), items.len()),
            }),
            other => other,
        };
        Exchange {
            result,
            latency: exchange.latency,
            status: exchange.status,
            raw_body: exchange.raw_body,
        }
    }

    /// `POST /allowed/all-tenants`.
    pub async fn check_all_tenants(&self, query: &AllowedQuery) -> Exchange<AllTenantsResult> {
        self.post("/allowed/all-tenants", query).await
    }

    /// `POST /user-permissions`.
    pub async fn user_permissions(
        &self,
        query: &UserPermissionsQuery,
    ) -> Exchange<UserPermissions> {
        self.post("/user-permissions", query).await
    }

    /// `POST /authorized_users`.
    pub async fn authorized_users(
        &self,
        query: &AuthorizedUsersQuery,
    ) -> Exchange<AuthorizedUsersResult> {
        self.post("/authorized_users", query).await
    }

    /// `GET /healthy`, no auth. A 503 is an answer too: the body says what is degraded.
    pub async fn healthy(&self) -> Exchange<Health> {
        let started = Instant::now();
        let request = self
            .http
            .get(format!("{}/healthy", self.request_url))
            .timeout(self.timeout);
        let mut exchange: Exchange<Health> =
            send_reqwest(self.call(), request, started).await.parse();
        if let (Some(503), Err(_), Some(body)) =
            (exchange.status, &exchange.result, &exchange.raw_body)
        {
            if let Ok(health) = serde_json::from_str::<Health>(body) {
                exchange.result = Ok(health);
            }
        }
        exchange
    }

    /// `GET /version`: the PDP API version a container PDP (and the sandbox) reports.
    pub async fn version(&self) -> Exchange<PdpVersion> {
        let started = Instant::now();
        let request = self
            .http
            .get(format!("{}/version", self.request_url))
            .headers(self.headers_without_trace())
            .timeout(self.timeout);
        send_reqwest(self.call(), request, started).await.parse()
    }

    /// `GET /local/role_assignments`: one page of the role assignments this PDP holds (a
    /// container PDP's Horizon; the sandbox serves it too). `page` from 1, `per_page` ≤ 100.
    pub async fn local_role_assignments(
        &self,
        page: usize,
        per_page: usize,
    ) -> Exchange<Vec<LocalRoleAssignment>> {
        let started = Instant::now();
        let request = self
            .http
            .get(format!(
                "{}/local/role_assignments?page={page}&per_page={per_page}",
                self.request_url
            ))
            .headers(self.headers_without_trace())
            .timeout(self.timeout);
        send_reqwest(self.call(), request, started).await.parse()
    }

    async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Exchange<T> {
        self.post_with(self.headers_without_trace(), path, body)
            .await
    }

    async fn post_with<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        headers: HeaderMap,
        path: &str,
        body: &B,
    ) -> Exchange<T> {
        self.send(headers, path, body).await.parse()
    }

    /// `POST /allowed` with the trace request, read but not parsed: the explorer parses the
    /// answer away from the thread that timed it (parsing a traced answer churns the heap
    /// and caches the next check's round trip would otherwise run on).
    pub async fn check_unparsed(&self, query: &AllowedQuery) -> Unparsed {
        self.send(self.headers(), "/allowed", query).await
    }

    async fn send<B: Serialize + ?Sized>(
        &self,
        headers: HeaderMap,
        path: &str,
        body: &B,
    ) -> Unparsed {
        let bytes = match serde_json::to_vec(body) {
            Ok(bytes) => bytes,
            Err(err) => {
                return Unparsed::failed(
                    PdpError::InvalidResponse {
                        detail: format!("cannot encode the request: {err}"),
                    },
                    None,
                    Duration::ZERO,
                )
            }
        };
        self.transport.post(self.call(), path, headers, bytes).await
    }

    /// What a call needs from this client besides the request.
    fn call(&self) -> Call<'_> {
        Call {
            url: &self.request_url,
            shown_url: &self.base_url,
            timeout: self.timeout,
            max_answer: self.max_answer,
        }
    }
}

/// Why an answer past the limit failed, and how to raise it.
fn too_large(limit: usize) -> PdpError {
    PdpError::InvalidResponse {
        detail: too_large_detail(limit),
    }
}

pub(crate) fn too_large_detail(limit: usize) -> String {
    format!(
        "the answer is larger than {} (the limit; set {MAX_ANSWER_ENV} to raise it)",
        fmt_bytes(limit)
    )
}

fn fmt_bytes(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

impl Unparsed {
    /// Classifies the answer by status and parses it when it is a success.
    pub fn parse<T: DeserializeOwned>(self) -> Exchange<T> {
        let answer = match self.outcome {
            Ok(answer) => answer,
            Err((error, status)) => {
                return Exchange {
                    result: Err(error),
                    latency: self.latency,
                    status,
                    raw_body: None,
                }
            }
        };
        if let Some(limit) = answer.cut_at {
            return Exchange {
                result: Err(too_large(limit)),
                latency: self.latency,
                status: Some(answer.status),
                raw_body: None,
            };
        }
        let body = String::from_utf8_lossy(&answer.body).into_owned();
        let result = if (200..300).contains(&answer.status) {
            serde_json::from_str::<T>(&body).map_err(|err| PdpError::InvalidResponse {
                detail: err.to_string(),
            })
        } else {
            Err(PdpError::from_status(
                answer.status,
                answer.retry_after,
                &body,
            ))
        };
        Exchange {
            result,
            latency: self.latency,
            status: Some(answer.status),
            raw_body: Some(body),
        }
    }
}

/// A request as it goes on the wire, with the API key redacted: for `--json`, the
/// explorer's request tab and exports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestPreview {
    pub method: &'static str,
    pub url: String,
    /// Header name to value, in the order sent.
    pub headers: serde_json::Map<String, serde_json::Value>,
    pub body: serde_json::Value,
}

/// What stands in for the key wherever a request is shown.
pub const REDACTED_KEY: &str = "<redacted>";

impl PdpClient {
    /// The POST request `path` would send, the key replaced by [`REDACTED_KEY`].
    pub fn describe_request<B: Serialize + ?Sized>(&self, path: &str, body: &B) -> RequestPreview {
        let mut sent = self.headers();
        // Every header that goes on the wire, also those the HTTP layer adds.
        sent.insert(
            reqwest::header::USER_AGENT,
            HeaderValue::from_static(USER_AGENT_VALUE),
        );
        let headers = sent
            .iter()
            .map(|(name, value)| {
                let shown = if name == AUTHORIZATION {
                    format!("Bearer {REDACTED_KEY}")
                } else {
                    value.to_str().unwrap_or_default().to_string()
                };
                (name.as_str().to_string(), serde_json::Value::String(shown))
            })
            .collect();
        RequestPreview {
            method: "POST",
            url: format!("{}{path}", self.base_url),
            headers,
            body: serde_json::to_value(body).unwrap_or(serde_json::Value::Null),
        }
    }

    /// The real key, for the rare export the user asks to include it in.
    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }
}
