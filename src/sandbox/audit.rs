//! The sandbox's own audit log: every decision it makes (single, bulk, all-tenants), the
//! newest N kept in memory, served at Permit's `GET /v2/pdps/{proj}/{env}/audit_logs` with
//! its filters, pagination and field names, the request as evaluated in `input`. So what
//! reads Permit's audit logs (`permit-tui replay`) is tested end to end on loopback. Each log
//! is built from the type `permit-tui replay` reads it into (`audit::entry::AuditEntry`), and
//! the page from the REST client's `Page`.
//!
//! Not verified against the live service (written down in the sandbox README): the values of
//! `query` and `raw_data.path` for bulk and all-tenants logs, what `pagination_count` means,
//! the exact body of the 400 past 10,000 results, and the default `per_page`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::rest::{self, RestError};
use super::store::Env;
use crate::audit::entry::AuditEntry;
use crate::pdp::types::{AllowedQuery, Debug};

/// Decisions kept by default (`sandbox --audit-log N`).
pub const DEFAULT_CAPACITY: usize = 10_000;
/// Permit answers at most this many results per query; past it, narrow the time window.
pub const MAX_RESULTS: usize = 10_000;

/// OPA's query paths, as the PDP's decision logs name them.
pub const PATH_CHECK: &str = "permit/root";
pub const PATH_BULK: &str = "permit/bulk";
pub const PATH_ALL_TENANTS: &str = "permit/any_tenant";

/// What was decided. Each is kept whole once: boxing the larger variant would buy nothing.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Decision {
    Check {
        query: AllowedQuery,
        allow: bool,
        debug: Option<Debug>,
    },
    Bulk {
        queries: Vec<AllowedQuery>,
        allows: Vec<bool>,
    },
    AllTenants {
        query: AllowedQuery,
        answer: Value,
    },
}

#[derive(Debug)]
struct Record {
    id: String,
    at: SystemTime,
    project: String,
    environment: String,
    user_email: Option<String>,
    user_name: Option<String>,
    took: Duration,
    decision: Decision,
}

/// The newest `capacity` decisions; 0 keeps none.
#[derive(Debug)]
pub struct AuditLog {
    capacity: usize,
    /// Makes ids unique across sandbox runs.
    run: u64,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next: u64,
    records: VecDeque<Arc<Record>>,
}

impl AuditLog {
    pub fn new(capacity: usize) -> AuditLog {
        let mut run = [0u8; 8];
        let _ = getrandom::fill(&mut run);
        AuditLog {
            capacity,
            run: u64::from_le_bytes(run),
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves whole records only: go on with them.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps one decision of `env`, dropping the oldest past the capacity.
    pub fn record(&self, env: &Env, decision: Decision, took: Duration) {
        if self.capacity == 0 {
            return;
        }
        let user = match &decision {
            Decision::Check { query, .. } | Decision::AllTenants { query, .. } => Some(&query.user),
            Decision::Bulk { .. } => None,
        };
        let stored = user.and_then(|u| env.user(&u.key));
        let user_email = user
            .and_then(|u| u.email.clone())
            .or_else(|| stored.and_then(|s| s.email.clone()));
        let user_name = stored.and_then(|s| {
            let parts: Vec<&str> = [s.first_name.as_deref(), s.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        });
        let mut inner = self.lock();
        inner.next += 1;
        let record = Record {
            id: format!("{:016x}{:016x}", self.run, inner.next),
            at: SystemTime::now(),
            project: env.info().project.clone(),
            environment: env.info().key.clone(),
            user_email,
            user_name,
            took,
            decision,
        };
        if inner.records.len() == self.capacity {
            inner.records.pop_front();
        }
        inner.records.push_back(Arc::new(record));
    }

    /// One page of `env`'s decisions, newest first, as Permit's `LimitedPaginatedResult`.
    pub fn list(&self, env: &Env, query: &[(String, String)]) -> Result<Value, RestError> {
        let filters = Filters::parse(query)?;
        let (page, per_page) = paging(query)?;
        if page * per_page > MAX_RESULTS {
            return Err(rest::api_error(
                400,
                "PAGINATION_SIZE_OVERREACHED",
                "Overreach of pagination limits",
                format!(
                    "at most {MAX_RESULTS} results per query (page {page} with per_page {per_page} reaches past it): narrow the time window with timestamp_to and continue"
                ),
            ));
        }
        let matching: Vec<Arc<Record>> = {
            let inner = self.lock();
            inner
                .records
                .iter()
                .rev()
                .filter(|r| r.project == env.info().project && r.environment == env.info().key)
                .filter(|r| filters.admit(r))
                .cloned()
                .collect()
        };
        let total = matching.len();
        let reachable = total.min(MAX_RESULTS);
        let data: Vec<Value> = matching
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|r| r.to_json())
            .collect();
        let mut page = rest::page_envelope(data, total, reachable.div_ceil(per_page));
        if let Some(fields) = page.as_object_mut() {
            fields.insert("pagination_count".into(), json!(reachable));
        }
        Ok(page)
    }

    /// One decision with the objects the PDP saw (`GET …/audit_logs/{id}`).
    pub fn get(&self, env: &Env, id: &str) -> Result<Value, RestError> {
        let found = {
            let inner = self.lock();
            inner
                .records
                .iter()
                .find(|r| {
                    r.id == id && r.project == env.info().project && r.environment == env.info().key
                })
                .cloned()
        };
        let record = found.ok_or_else(|| rest::not_found(format!("no audit log '{id}'")))?;
        let mut value = record.to_json();
        value["objects"] = objects(env, &record.decision);
        Ok(value)
    }
}

fn paging(query: &[(String, String)]) -> Result<(usize, usize), RestError> {
    let map: std::collections::BTreeMap<String, String> = query
        .iter()
        .filter(|(k, _)| k == "page" || k == "per_page")
        .cloned()
        .collect();
    let paging = rest::Paging::from_query(&map)?;
    Ok((paging.page, paging.per_page))
}

/// Permit's list filters. `users` and `resources` repeat.
#[derive(Debug, Default)]
struct Filters {
    users: Vec<String>,
    resources: Vec<String>,
    tenant: Option<String>,
    action: Option<String>,
    decision: Option<bool>,
    pdp_id: Option<String>,
    from: Option<f64>,
    to: Option<f64>,
}

impl Filters {
    fn parse(query: &[(String, String)]) -> Result<Filters, RestError> {
        let mut f = Filters::default();
        let seconds = |name: &str, text: &str| {
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite())
                .ok_or_else(|| rest::invalid(name, text, "a number of seconds since 1970"))
        };
        for (name, value) in query {
            match name.trim_end_matches("[]") {
                "users" => f.users.push(value.clone()),
                "resources" => f.resources.push(value.clone()),
                "tenant" => f.tenant = Some(value.clone()),
                "action" => f.action = Some(value.clone()),
                "pdp_id" => f.pdp_id = Some(value.clone()),
                "decision" => {
                    f.decision = Some(match value.trim() {
                        "true" | "True" | "1" => true,
                        "false" | "False" | "0" => false,
                        other => return Err(rest::invalid("decision", other, "true or false")),
                    })
                }
                "timestamp_from" => f.from = Some(seconds(name, value)?),
                "timestamp_to" => f.to = Some(seconds(name, value)?),
                _ => {}
            }
        }
        Ok(f)
    }

    fn admit(&self, r: &Record) -> bool {
        let at =
            r.at.duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64();
        let fields = r.fields();
        let user_ok = self.users.is_empty()
            || self.users.iter().any(|u| {
                fields.user_key == Some(u.as_str()) || r.user_email.as_deref() == Some(u.as_str())
            });
        user_ok
            && (self.resources.is_empty()
                || self
                    .resources
                    .iter()
                    .any(|t| fields.resource_type == Some(t.as_str())))
            && self
                .tenant
                .as_deref()
                .is_none_or(|t| fields.tenant == Some(t))
            && self
                .action
                .as_deref()
                .is_none_or(|a| fields.action == Some(a))
            && self.decision.is_none_or(|d| fields.decision == Some(d))
            && self
                .pdp_id
                .as_deref()
                .is_none_or(|p| pdp_config_id(&r.project, &r.environment) == p)
            && self.from.is_none_or(|from| at >= from)
            && self.to.is_none_or(|to| at <= to)
    }
}

/// The flat fields of a log, where the decision has them.
struct Fields<'a> {
    user_key: Option<&'a str>,
    resource_type: Option<&'a str>,
    tenant: Option<&'a str>,
    action: Option<&'a str>,
    decision: Option<bool>,
}

fn pdp_config_id(project: &str, environment: &str) -> String {
    rest::uuid_for(&format!("pdp:{project}/{environment}")).replace('-', "")
}

impl Record {
    fn fields(&self) -> Fields<'_> {
        match &self.decision {
            Decision::Check { query, allow, .. } => Fields {
                user_key: Some(&query.user.key),
                resource_type: Some(&query.resource.kind),
                tenant: query.resource.tenant.as_deref().or(Some("default")),
                action: Some(&query.action),
                decision: Some(*allow),
            },
            Decision::AllTenants { query, answer } => Fields {
                user_key: Some(&query.user.key),
                resource_type: Some(&query.resource.kind),
                tenant: None,
                action: Some(&query.action),
                decision: Some(
                    answer["allowed_tenants"]
                        .as_array()
                        .is_some_and(|t| !t.is_empty()),
                ),
            },
            Decision::Bulk { .. } => Fields {
                user_key: None,
                resource_type: None,
                tenant: None,
                action: None,
                decision: None,
            },
        }
    }

    fn to_json(&self) -> Value {
        let fields = self.fields();
        let (path, input, result, context, reason) = match &self.decision {
            Decision::Check {
                query,
                allow,
                debug,
            } => (
                PATH_CHECK,
                json!(query),
                json!({"allow": allow, "debug": debug}),
                json!(query.context),
                debug.as_ref().and_then(|d| reason(d, *allow)),
            ),
            Decision::Bulk { queries, allows } => (
                PATH_BULK,
                json!({"checks": queries}),
                json!({"allow": allows.iter().map(|a| json!({"allow": a})).collect::<Vec<_>>()}),
                Value::Null,
                None,
            ),
            Decision::AllTenants { query, answer } => (
                PATH_ALL_TENANTS,
                json!(query),
                answer.clone(),
                json!(query.context),
                None,
            ),
        };
        let at = crate::store::time::rfc3339(self.at);
        let pdp = pdp_config_id(&self.project, &self.environment);
        let took = u64::try_from(self.took.as_nanos()).unwrap_or(u64::MAX);
        let owned = |s: Option<&str>| s.map(str::to_string);
        // `input`, `result` and `raw_data` are raw JSON text in `AuditEntry` (parsed only when
        // asked); printing the request into text to read it back here would cost a round trip
        // per log, so they go in beside it as Permit's fields, filling its `null`s (the REST
        // drift test checks that `AuditEntry` reads them).
        let entry = AuditEntry {
            id: self.id.clone(),
            timestamp: at.clone(),
            query: Some(path.to_string()),
            user_key: owned(fields.user_key),
            resource_type: owned(fields.resource_type),
            tenant: owned(fields.tenant),
            action: owned(fields.action),
            decision: fields.decision,
            reason,
            input: None,
            result: None,
            raw_data: None,
        };
        rest::permit_read(
            &entry,
            json!({
                "created_at": at,
                "user_email": self.user_email,
                "user_name": self.user_name,
                "org_id": rest::uuid_for("org:sandbox-org"),
                "project_id": rest::uuid_for(&format!("project:{}", self.project)),
                "env_id": rest::uuid_for(&format!("env:{}/{}", self.project, self.environment)),
                "pdp_config_id": pdp,
                "input": input,
                "result": result,
                "context": context,
                "raw_data": {
                    "decision_id": rest::uuid_for(&format!("decision:{}", self.id)),
                    "labels": {"id": pdp, "version": env!("CARGO_PKG_VERSION")},
                    "path": path,
                    "input": input,
                    "result": result,
                    "metrics": {"timer_rego_query_eval_ns": took, "timer_server_handler_ns": took},
                },
            }),
            &[
                "id",
                "timestamp",
                "created_at",
                "query",
                "user_key",
                "user_email",
                "user_name",
                "resource_type",
                "tenant",
                "action",
                "decision",
                "reason",
                "org_id",
                "project_id",
                "env_id",
                "pdp_config_id",
                "input",
                "result",
                "context",
                "raw_data",
            ],
        )
    }
}

/// The reason Permit would show: the allowing model's, else the first model's.
fn reason(debug: &Debug, allow: bool) -> Option<String> {
    debug
        .blocks()
        .find(|(_, b)| b.allow == allow)
        .or_else(|| debug.blocks().next())
        .and_then(|(_, b)| b.reason.clone())
}

/// The detail's `objects`: what the PDP knew of the user, tenant and resource type.
fn objects(env: &Env, decision: &Decision) -> Value {
    let query = match decision {
        Decision::Check { query, .. } | Decision::AllTenants { query, .. } => query,
        Decision::Bulk { .. } => return json!({}),
    };
    let user = env.user(&query.user.key).map(|u| {
        let assigned: Vec<Value> = u
            .tenant_roles
            .iter()
            .flat_map(|(tenant, roles)| {
                roles
                    .iter()
                    .map(move |role| json!({"role": role, "tenant": tenant}))
            })
            .collect();
        json!({"key": u.key, "email": u.email, "first_name": u.first_name,
               "last_name": u.last_name, "attributes": u.attributes, "assigned_roles": assigned})
    });
    let tenant = query
        .resource
        .tenant
        .as_deref()
        .and_then(|t| env.tenant(t))
        .map(|t| json!({"key": t.key, "attributes": t.attributes}));
    let resource_type = env
        .resource_type(&query.resource.kind)
        .map(|r| json!({"key": r.key(), "actions": r.actions().collect::<Vec<_>>()}));
    json!({
        "user_object": user,
        "tenant_object": tenant,
        "resource_type_object": resource_type,
        "action_object": {"key": query.action},
    })
}
