//! The sandbox's HTTP server (axum): Permit's PDP routes with Permit's auth and error
//! behaviour, health, and the read-only REST slice. Nothing a client sends can panic it:
//! bodies are parsed into typed values with classified errors, and no handler indexes into
//! client data.

// Helpers return ready-made responses as their error: that path ends the request, so boxing
// the response would only add an allocation.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, RawQuery, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::audit::{self, AuditLog, Decision};
use super::guard::{self, Guard};
use super::limits::Limits;
use super::rest::{self, Caller, Paging, RestError};
use super::rest_lists;
use super::store::Env;
use super::{evaluate, queries, Sandbox};
use crate::pdp::types::{AllowedQuery, SANDBOX_TRACE_HEADER};

pub use super::limits::BODY_LIMIT;

/// Bodies larger than this are evaluated on the blocking pool, so a costly request never holds
/// an async worker that `/healthy` and the other clients need.
const INLINE_BODY: usize = 64 * 1024;
use super::auth::{bearer, pdp_env, text};
pub use super::auth::{BAD_KEY, MISSING_AUTH};

#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions {
    /// Allow binding a non-loopback address (the sandbox has demo keys; keep it local), and
    /// answer any `Host` (without it, only loopback names are answered).
    pub allow_remote: bool,
    /// Log one line per request to stderr.
    pub verbose: bool,
    /// Timeouts and caps on what one client may cost.
    pub limits: Limits,
    /// Decisions the audit log keeps (default [`audit::DEFAULT_CAPACITY`]; 0 keeps none).
    pub audit_log: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("refusing to serve on {0}: it is not a loopback address and the sandbox's API keys are public demo keys; pass --allow-remote to serve it anyway")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A sandbox serving in the background. Dropping it (or `shutdown`) stops the server.
#[derive(Debug)]
pub struct RunningSandbox {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    live: Live,
}

impl RunningSandbox {
    /// `http://127.0.0.1:<port>`, ready for a PDP client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves `sandbox` from the next request on (a policy file reloaded by `--watch`);
    /// requests in flight finish on the policy they started with.
    pub fn replace(&self, sandbox: Sandbox) {
        self.live.replace(sandbox);
    }

    /// Stops accepting connections and waits (at most 2 s) for in-flight requests.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = &mut self.task;
        if tokio::time::timeout(Duration::from_secs(2), &mut *task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

/// Starts the server on the current tokio runtime. Port 0 picks a free port.
pub async fn serve(
    sandbox: Sandbox,
    bind: SocketAddr,
    opts: ServeOptions,
) -> Result<RunningSandbox, ServeError> {
    if !bind.ip().to_canonical().is_loopback() && !opts.allow_remote {
        return Err(ServeError::NotLoopback(bind));
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|source| ServeError::Bind { addr: bind, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr: bind, source })?;
    let live = Live::new(sandbox);
    let app = router_on(live.clone(), opts);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(super::listener::run(listener, app, opts.limits, stopped));
    Ok(RunningSandbox {
        addr,
        stop: Some(stop),
        task,
        live,
    })
}

/// The sandbox being served, replaceable while serving. Each request takes the current one
/// (an `Arc` clone) and keeps it to the end, so a reload never splits a request in two.
#[derive(Debug, Clone)]
struct Live(Arc<std::sync::RwLock<Sandbox>>);

impl Live {
    fn new(sandbox: Sandbox) -> Live {
        Live(Arc::new(std::sync::RwLock::new(sandbox)))
    }

    fn current(&self) -> Sandbox {
        match self.0.read() {
            Ok(sandbox) => sandbox.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, sandbox: Sandbox) {
        match self.0.write() {
            Ok(mut current) => *current = sandbox,
            Err(poisoned) => *poisoned.into_inner() = sandbox,
        }
    }
}

pub(super) struct AppState {
    live: Live,
    max_bulk_checks: usize,
    /// Every decision, newest N: it outlives a policy reload, as a PDP's log would.
    audit: AuditLog,
}

impl AppState {
    fn sandbox(&self) -> Sandbox {
        self.live.current()
    }
}

impl super::guard::CurrentSandbox for AppState {
    fn current(&self) -> Sandbox {
        self.sandbox()
    }
}

type Shared = State<Arc<AppState>>;

/// The routes, for tests that want to drive them without a socket.
pub fn router(sandbox: Sandbox, opts: ServeOptions) -> Router {
    router_on(Live::new(sandbox), opts)
}

fn router_on(live: Live, opts: ServeOptions) -> Router {
    let state = Arc::new(AppState {
        live,
        max_bulk_checks: opts.limits.max_bulk_checks,
        audit: AuditLog::new(opts.audit_log.unwrap_or(audit::DEFAULT_CAPACITY)),
    });
    let guard = Arc::new(Guard::new(opts.limits, !opts.allow_remote));
    let mut app = Router::new()
        .route("/allowed", post(allowed))
        .route("/allowed/bulk", post(allowed_bulk))
        .route("/allowed/all-tenants", post(allowed_all_tenants))
        .route("/user-permissions", post(user_permissions))
        .route("/authorized_users", post(authorized_users))
        .route("/local/role_assignments", get(local_role_assignments))
        .route("/version", get(version))
        .route("/v2/pdps/{proj}/{env}/audit_logs", get(audit_logs))
        .route("/v2/pdps/{proj}/{env}/audit_logs/{id}", get(audit_log))
        .route("/health", get(health))
        .route("/healthy", get(health))
        .route("/ready", get(health))
        .route("/v2/api-key/scope", get(api_key_scope))
        .route("/v2/api-key/{proj}/{env}", get(api_key_for_env))
        .route("/v2/projects", get(projects))
        .route("/v2/projects/{proj}/envs", get(envs))
        .route(
            "/v2/schema/{proj}/{env}/resources",
            env_list(rest::resources),
        )
        .route("/v2/schema/{proj}/{env}/roles", env_list(rest::roles))
        .route(
            "/v2/schema/{proj}/{env}/users/attributes",
            env_list(|e, p, _| rest::user_attributes(e, p)),
        )
        .route(
            "/v2/schema/{proj}/{env}/condition_sets",
            env_list(rest_lists::condition_sets),
        )
        .route("/v2/facts/{proj}/{env}/tenants", env_list(rest::tenants))
        .route("/v2/facts/{proj}/{env}/users", env_list(rest::users))
        .route(
            "/v2/facts/{proj}/{env}/set_rules",
            env_list(rest_lists::set_rules),
        )
        .route(
            "/v2/facts/{proj}/{env}/role_assignments",
            env_list(rest_lists::role_assignments),
        )
        .route(
            "/v2/facts/{proj}/{env}/resource_instances",
            env_list(rest_lists::resource_instances),
        )
        .route(
            "/v2/facts/{proj}/{env}/relationship_tuples",
            env_list(rest_lists::relationship_tuples),
        )
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state.clone())
        .layer(middleware::from_fn_with_state((guard, state), guard::guard));
    if opts.verbose {
        app = app.layer(middleware::from_fn(log_request));
    }
    app
}

async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    eprintln!(
        "{method} {path} -> {} in {:.2} ms",
        res.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    res
}

/// Parses a JSON body the way axum's `Json` does (same statuses and messages), naming the
/// path of the offending field on a 422.
fn parse<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> Result<T, Response> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|m| {
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        });
    if !is_json {
        return Err(text(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Expected request with `Content-Type: application/json`",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_data() {
            let path = e.path().to_string();
            let at = if path == "." {
                String::new()
            } else {
                format!("{path}: ")
            };
            text(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Failed to deserialize the JSON body into the target type: {at}{inner}"),
            )
        } else {
            text(
                StatusCode::BAD_REQUEST,
                format!("Failed to parse the request body as JSON: {inner}"),
            )
        }
    })?;
    de.end().map_err(|e| {
        text(
            StatusCode::BAD_REQUEST,
            format!("Failed to parse the request body as JSON: {e}"),
        )
    })?;
    Ok(value)
}

async fn allowed(State(s): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let heavy = body.len() > INLINE_BODY;
    let answer = move || {
        let sandbox = s.sandbox();
        let env = match pdp_env(&sandbox, &headers) {
            Ok(env) => env,
            Err(r) => return r,
        };
        let with_trace = wants_trace(&headers);
        match parse::<AllowedQuery>(&headers, &body) {
            Ok(q) => {
                let started = Instant::now();
                let explained = evaluate::explain_with(env, &q, with_trace);
                let took = started.elapsed();
                let (allow, debug) = (explained.result.allow, explained.result.debug.clone());
                let response = json_body(&explained, with_trace);
                drop(explained);
                let decision = Decision::Check {
                    query: q,
                    allow,
                    debug,
                };
                s.audit.record(env, decision, took);
                response
            }
            Err(r) => r,
        }
    };
    if heavy {
        off_the_workers(answer).await
    } else {
        answer()
    }
}

/// Runs a costly answer on the blocking pool.
async fn off_the_workers(answer: impl FnOnce() -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(answer)
        .await
        .unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "the evaluation failed"))
}

/// A JSON answer written into one buffer sized for a typical check (axum's `Json` starts at
/// 128 bytes and regrows several times for a ~1.5 KB debug answer, ~8 KB with the trace).
fn json_body<T: serde::Serialize>(value: &T, with_trace: bool) -> Response {
    let mut buf = Vec::with_capacity(if with_trace { 8192 } else { 2048 });
    match serde_json::to_writer(&mut buf, value) {
        Ok(()) => (
            [(header::CONTENT_TYPE, "application/json")],
            Bytes::from(buf),
        )
            .into_response(),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// Whether the client asked for `debug.sandbox_trace` (header `x-permit-tui-trace: 1` or
/// `true`). Permit's own `debug` object is always sent; the trace is sandbox-only and costly.
fn wants_trace(headers: &HeaderMap) -> bool {
    headers
        .get(SANDBOX_TRACE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// `{"allow": [...]}`, written without an intermediate `Value`.
#[derive(serde::Serialize)]
struct BulkAnswer<'a> {
    allow: Vec<evaluate::Explained<'a>>,
}

/// Checks in one bulk request that may carry the sandbox trace (several KB each).
pub const MAX_TRACED_BULK: usize = 100;

/// Bulk answers carry Permit's `debug`, the sandbox trace only when asked and for at most
/// [`MAX_TRACED_BULK`] checks, and take at most `max_bulk_checks` checks: the answer stays
/// bounded (a 1 MiB request once drew a 113 MB answer).
async fn allowed_bulk(State(s): Shared, headers: HeaderMap, body: Bytes) -> Response {
    off_the_workers(move || {
        let sandbox = s.sandbox();
        let env = match pdp_env(&sandbox, &headers) {
            Ok(env) => env,
            Err(r) => return r,
        };
        let with_trace = wants_trace(&headers);
        let qs = match parse::<Vec<AllowedQuery>>(&headers, &body) {
            Ok(qs) => qs,
            Err(r) => return r,
        };
        let cap = if with_trace {
            MAX_TRACED_BULK.min(s.max_bulk_checks)
        } else {
            s.max_bulk_checks
        };
        if qs.len() > cap {
            let traced = if with_trace { " with the trace" } else { "" };
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "{} checks in one bulk request{traced}; the sandbox takes at most {cap}: split them into several requests",
                    qs.len()
                ),
            );
        }
        let started = Instant::now();
        let allow: Vec<evaluate::Explained> = qs
            .iter()
            .map(|q| evaluate::explain_with(env, q, with_trace))
            .collect();
        let took = started.elapsed();
        let allows: Vec<bool> = allow.iter().map(|e| e.result.allow).collect();
        let response = json_body(&BulkAnswer { allow }, with_trace);
        s.audit.record(env, Decision::Bulk { queries: qs, allows }, took);
        response
    })
    .await
}

/// The PDP routes that answer one JSON body with one JSON answer: authenticate, parse, answer.
fn answer_json<Q: DeserializeOwned, R: serde::Serialize>(
    s: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
    answer: impl FnOnce(&Env, &Q) -> R,
) -> Response {
    let sandbox = s.sandbox();
    let env = match pdp_env(&sandbox, headers) {
        Ok(env) => env,
        Err(r) => return r,
    };
    match parse::<Q>(headers, body) {
        Ok(q) => Json(answer(env, &q)).into_response(),
        Err(r) => r,
    }
}

async fn allowed_all_tenants(State(s): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let sandbox = s.sandbox();
    let env = match pdp_env(&sandbox, &headers) {
        Ok(env) => env,
        Err(r) => return r,
    };
    let query = match parse::<AllowedQuery>(&headers, &body) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let started = Instant::now();
    let answer = json!(queries::all_tenants(env, &query));
    s.audit.record(
        env,
        Decision::AllTenants {
            query,
            answer: answer.clone(),
        },
        started.elapsed(),
    );
    Json(answer).into_response()
}

/// Permit's `GET /v2/pdps/{proj}/{env}/audit_logs`: this sandbox's decisions, newest first.
/// The raw query keeps repeated filters (`users=a&users=b`).
async fn audit_logs(
    State(s): Shared,
    headers: HeaderMap,
    Path((proj, env)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    rest_call(&s, &headers, &BTreeMap::new(), |sandbox, c, _| {
        rest::resolve(sandbox, c, &proj, &env).and_then(|e| s.audit.list(e, &pairs))
    })
}

/// One decision with the objects the PDP saw.
async fn audit_log(
    State(s): Shared,
    headers: HeaderMap,
    Path((proj, env, id)): Path<(String, String, String)>,
) -> Response {
    rest_call(&s, &headers, &BTreeMap::new(), |sandbox, c, _| {
        rest::resolve(sandbox, c, &proj, &env).and_then(|e| s.audit.get(e, &id))
    })
}

async fn user_permissions(State(s): Shared, headers: HeaderMap, body: Bytes) -> Response {
    answer_json(&s, &headers, &body, queries::user_permissions)
}

async fn authorized_users(State(s): Shared, headers: HeaderMap, body: Bytes) -> Response {
    answer_json(&s, &headers, &body, queries::authorized_users)
}

/// Horizon's `GET /version` (authenticated): the PDP API version SDKs negotiate with.
async fn version(State(s): Shared, headers: HeaderMap) -> Response {
    match pdp_env(&s.sandbox(), &headers) {
        Ok(_) => Json(json!({ "api_version": PDP_API_VERSION })).into_response(),
        Err(r) => r,
    }
}

/// The PDP API version today's PDPs report at `/version`.
const PDP_API_VERSION: u32 = 4;

/// Horizon's `GET /local/role_assignments`: the assignments this PDP holds, filtered by
/// `user`, `role`, `tenant`, `resource` (a type) and `resource_instance`, `page` from 1 and
/// `per_page` 1..=100 (default 30), as a bare list.
async fn local_role_assignments(State(s): Shared, headers: HeaderMap, Query(q): Q) -> Response {
    let sandbox = s.sandbox();
    let env = match pdp_env(&sandbox, &headers) {
        Ok(env) => env,
        Err(r) => return r,
    };
    let number = |name: &str, default: usize| match q.get(name) {
        None => Some(default),
        Some(text) => text.trim().parse::<usize>().ok(),
    };
    let (Some(page), Some(per_page)) = (number("page", 1), number("per_page", 30)) else {
        return text(
            StatusCode::UNPROCESSABLE_ENTITY,
            "page and per_page must be whole numbers",
        );
    };
    if page < 1 || !(1..=100).contains(&per_page) {
        return text(
            StatusCode::UNPROCESSABLE_ENTITY,
            "page must be at least 1 and per_page between 1 and 100",
        );
    }
    let wanted = |name: &str, value: Option<&str>| {
        q.get(name)
            .filter(|w| !w.is_empty())
            .is_none_or(|w| value == Some(w.as_str()))
    };
    let page: Vec<Value> = env
        .policy()
        .role_assignments
        .iter()
        .filter(|ra| {
            let kind = ra.resource_instance.as_deref().and_then(|i| i.split_once(':')).map(|(t, _)| t);
            wanted("user", Some(&ra.user))
                && wanted("role", Some(&ra.role))
                && wanted("tenant", Some(&ra.tenant))
                && wanted("resource", kind)
                && wanted("resource_instance", ra.resource_instance.as_deref())
        })
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|ra| json!({"user": ra.user, "role": ra.role, "tenant": ra.tenant, "resource_instance": ra.resource_instance}))
        .collect();
    Json(page).into_response()
}

async fn health(State(s): Shared) -> Response {
    let envs: Vec<Value> = s
        .sandbox()
        .environments()
        .iter()
        .map(|e| json!({"project": e.project, "key": e.key}))
        .collect();
    Json(json!({
        "status": "ok",
        "components": {"sandbox": {"status": "ok", "details": {"environments": envs}}},
    }))
    .into_response()
}

async fn not_found() -> Response {
    text(StatusCode::NOT_FOUND, "Not Found")
}

// ---------------------------------------------------------------- REST slice

fn rest_error(e: RestError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(e.body)).into_response()
}

/// REST routes take the organization key or an environment key; errors are Permit API JSON.
fn rest_caller<'a>(sandbox: &'a Sandbox, headers: &HeaderMap) -> Result<Caller<'a>, Response> {
    let api_error = |status: StatusCode, code: &str, message: &str| {
        (status, Json(json!({"title": message, "error_code": code, "message": message, "support_link": "https://docs.permit.io"})))
            .into_response()
    };
    let token = bearer(headers).map_err(|r| {
        if r.status() == StatusCode::UNAUTHORIZED {
            api_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", MISSING_AUTH)
        } else {
            api_error(StatusCode::FORBIDDEN, "UNAUTHORIZED", BAD_KEY)
        }
    })?;
    if token == sandbox.org_api_key() {
        return Ok(Caller::Org);
    }
    sandbox
        .env_by_key(token)
        .map(Caller::Env)
        .ok_or_else(|| api_error(StatusCode::FORBIDDEN, "UNAUTHORIZED", BAD_KEY))
}

type Q = Query<BTreeMap<String, String>>;

/// Runs a REST handler body with the caller and paging resolved.
fn rest_call(
    state: &AppState,
    headers: &HeaderMap,
    query: &BTreeMap<String, String>,
    f: impl FnOnce(&Sandbox, Caller<'_>, Paging) -> Result<Value, RestError>,
) -> Response {
    let sandbox = state.sandbox();
    let caller = match rest_caller(&sandbox, headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let paging = match Paging::from_query(query) {
        Ok(p) => p,
        Err(e) => return rest_error(e),
    };
    match f(&sandbox, caller, paging) {
        Ok(v) => Json(v).into_response(),
        Err(e) => rest_error(e),
    }
}

async fn api_key_scope(State(s): Shared, headers: HeaderMap, Query(q): Q) -> Response {
    rest_call(&s, &headers, &q, |_, c, _| Ok(rest::scope(c)))
}

async fn api_key_for_env(
    State(s): Shared,
    headers: HeaderMap,
    Path((proj, env)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    rest_call(&s, &headers, &q, |sandbox, c, _| {
        rest::resolve(sandbox, c, &proj, &env).map(rest::api_key)
    })
}

async fn projects(State(s): Shared, headers: HeaderMap, Query(q): Q) -> Response {
    rest_call(&s, &headers, &q, |sandbox, c, p| {
        Ok(rest::projects(sandbox, c, p))
    })
}

async fn envs(
    State(s): Shared,
    headers: HeaderMap,
    Path(proj): Path<String>,
    Query(q): Q,
) -> Response {
    rest_call(&s, &headers, &q, |sandbox, c, p| {
        rest::envs(sandbox, c, &proj, p)
    })
}

/// A list of one environment's objects: `{proj}/{env}` resolved for the caller, then `list`
/// with the paging and the query's filters.
type EnvList = fn(&Env, Paging, &BTreeMap<String, String>) -> Value;

fn env_list(list: EnvList) -> axum::routing::MethodRouter<Arc<AppState>> {
    get(
        move |State(s): Shared,
              headers: HeaderMap,
              Path((proj, env)): Path<(String, String)>,
              Query(q): Q| async move {
            rest_call(&s, &headers, &q, |sandbox, c, p| {
                rest::resolve(sandbox, c, &proj, &env).map(|e| list(e, p, &q))
            })
        },
    )
}
