//! The read-only slice of Permit's REST API that the explorer uses for environment discovery
//! and autocomplete: key scope, projects, environments, schema (resources, roles, user
//! attributes) and facts (tenants, users). Shapes follow Permit's `*Read` objects; ids are
//! deterministic UUIDs derived from keys, so they are stable across runs.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::store::Env;
use super::Sandbox;

/// Who is calling: the organization key (sees everything) or one environment's key.
#[derive(Clone, Copy)]
pub enum Caller<'a> {
    Org,
    Env(&'a Env),
}

/// A REST error: status and Permit's API error body.
#[derive(Debug)]
pub struct RestError {
    pub status: u16,
    pub body: Value,
}

pub(super) fn api_error(status: u16, code: &str, title: &str, message: String) -> RestError {
    RestError {
        status,
        body: json!({"id": uuid_for(&format!("error:{message}")), "title": title, "error_code": code, "message": message,
                     "support_link": "https://docs.permit.io", "additional_info": null}),
    }
}

pub fn not_found(message: String) -> RestError {
    api_error(
        404,
        "NOT_FOUND",
        "The requested data was not found",
        message,
    )
}

fn forbidden(message: String) -> RestError {
    api_error(403, "FORBIDDEN_ACCESS", "Forbidden access", message)
}

/// A stable UUID-shaped id for a key (FNV-1a, 64+48 bits spread over the UUID fields).
pub fn uuid_for(key: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut h2: u64 = h ^ 0x9e37_79b9_7f4a_7c15;
    h2 = h2.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (h >> 32) as u32,
        (h >> 16) as u16,
        (h & 0xfff) as u16,
        (h2 >> 52) as u16 & 0xfff,
        h2 & 0xffff_ffff_ffff
    )
}

pub(super) const CREATED_AT: &str = "2026-01-01T00:00:00+00:00";

pub(super) fn org_id() -> String {
    uuid_for("org:sandbox-org")
}
pub(super) fn project_id(p: &str) -> String {
    uuid_for(&format!("project:{p}"))
}
pub(super) fn env_id(p: &str, e: &str) -> String {
    uuid_for(&format!("env:{p}/{e}"))
}

/// `page` (from 1) and `per_page` (1..=100, default 30) as Permit validates them.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: usize,
    pub per_page: usize,
}

impl Paging {
    pub fn from_query(q: &BTreeMap<String, String>) -> Result<Paging, RestError> {
        let num = |name: &str, default: usize| -> Result<usize, RestError> {
            match q.get(name) {
                None => Ok(default),
                Some(s) => s
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| invalid(name, s, "a positive integer")),
            }
        };
        let page = num("page", 1)?;
        let per_page = num("per_page", 30)?;
        if page < 1 {
            return Err(invalid("page", "0", "an integer of at least 1"));
        }
        if !(1..=100).contains(&per_page) {
            return Err(RestError {
                status: 422,
                body: json!({"detail": [{"loc": ["query", "per_page"], "msg": "per_page must be between 1 and 100", "type": "value_error"}]}),
            });
        }
        Ok(Paging { page, per_page })
    }

    pub(super) fn slice<T: Clone>(&self, items: &[T]) -> Vec<T> {
        items
            .iter()
            .skip((self.page - 1).saturating_mul(self.per_page))
            .take(self.per_page)
            .cloned()
            .collect()
    }

    fn wrap(&self, items: Vec<Value>) -> Value {
        let total = items.len();
        json!({"data": self.slice(&items), "total_count": total, "page_count": total.div_ceil(self.per_page)})
    }
}

pub(super) fn invalid(name: &str, given: &str, want: &str) -> RestError {
    RestError {
        status: 422,
        body: json!({"detail": [{"loc": ["query", name], "msg": format!("value '{given}' is not {want}"), "type": "type_error"}]}),
    }
}

pub(super) fn wants_total(q: &BTreeMap<String, String>) -> bool {
    q.get("include_total_count")
        .is_some_and(|v| v == "true" || v == "1")
}

pub(super) fn listing(items: Vec<Value>, paging: Paging, q: &BTreeMap<String, String>) -> Value {
    if wants_total(q) {
        paging.wrap(items)
    } else {
        Value::Array(paging.slice(&items))
    }
}

fn search_filter(items: Vec<Value>, q: &BTreeMap<String, String>, fields: &[&str]) -> Vec<Value> {
    let Some(needle) = q
        .get("search")
        .map(|s| s.to_lowercase())
        .filter(|s| !s.is_empty())
    else {
        return items;
    };
    items
        .into_iter()
        .filter(|v| {
            fields.iter().any(|f| {
                v.get(*f)
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.to_lowercase().contains(&needle))
            })
        })
        .collect()
}

pub fn scope(caller: Caller<'_>) -> Value {
    match caller {
        Caller::Org => {
            json!({"organization_id": org_id(), "project_id": null, "environment_id": null})
        }
        Caller::Env(env) => {
            json!({"organization_id": org_id(), "project_id": project_id(&env.info().project),
                                    "environment_id": env_id(&env.info().project, &env.info().key)})
        }
    }
}

/// Resolves `{proj}/{env}` (keys or ids) to an environment the caller may see.
pub fn resolve<'a>(
    sandbox: &'a Sandbox,
    caller: Caller<'_>,
    proj: &str,
    env: &str,
) -> Result<&'a Env, RestError> {
    let found = sandbox.envs().iter().find(|e| {
        (e.info().project == proj || project_id(&e.info().project) == proj)
            && (e.info().key == env || env_id(&e.info().project, &e.info().key) == env)
    });
    let Some(found) = found else {
        return Err(not_found(format!(
            "no environment '{env}' in project '{proj}'"
        )));
    };
    match caller {
        Caller::Org => Ok(found),
        Caller::Env(own) if std::ptr::eq(own, found) => Ok(found),
        Caller::Env(own) => Err(forbidden(format!(
            "this API key belongs to environment '{}/{}' and cannot read '{proj}/{env}'",
            own.info().project,
            own.info().key
        ))),
    }
}

pub fn api_key(env: &Env) -> Value {
    let (p, e) = (&env.info().project, &env.info().key);
    json!({
        "organization_id": org_id(), "project_id": project_id(p), "environment_id": env_id(p, e),
        "object_type": "env", "access_level": "admin", "owner_type": "member",
        "name": format!("sandbox {p}/{e}"), "id": uuid_for(&format!("key:{p}/{e}")),
        "secret": env.info().api_key, "created_at": CREATED_AT, "last_used_at": null,
        "env": env_json(env), "project": project_json(p),
    })
}

fn project_json(p: &str) -> Value {
    json!({"key": p, "id": project_id(p), "organization_id": org_id(), "name": p, "description": "permit-tui sandbox project",
           "settings": {}, "urn_namespace": null, "active_policy_repo_id": null, "created_at": CREATED_AT, "updated_at": CREATED_AT})
}

fn env_json(env: &Env) -> Value {
    let (p, e) = (&env.info().project, &env.info().key);
    json!({"key": e, "id": env_id(p, e), "organization_id": org_id(), "project_id": project_id(p), "name": env.info().name,
           "description": "permit-tui sandbox environment", "custom_branch_name": null, "jwks": null, "settings": {},
           "email_configuration": null, "created_at": CREATED_AT, "updated_at": CREATED_AT})
}

fn visible<'a>(sandbox: &'a Sandbox, caller: Caller<'_>) -> Vec<&'a Env> {
    match caller {
        Caller::Org => sandbox.envs().iter().collect(),
        Caller::Env(own) => sandbox
            .envs()
            .iter()
            .filter(|e| std::ptr::eq(*e, own))
            .collect(),
    }
}

pub fn projects(sandbox: &Sandbox, caller: Caller<'_>, paging: Paging) -> Value {
    let mut keys: Vec<&str> = Vec::new();
    for e in visible(sandbox, caller) {
        if !keys.contains(&e.info().project.as_str()) {
            keys.push(&e.info().project);
        }
    }
    Value::Array(paging.slice(&keys.iter().map(|p| project_json(p)).collect::<Vec<_>>()))
}

pub fn envs(
    sandbox: &Sandbox,
    caller: Caller<'_>,
    proj: &str,
    paging: Paging,
) -> Result<Value, RestError> {
    let all: Vec<&Env> = sandbox
        .envs()
        .iter()
        .filter(|e| e.info().project == proj || project_id(&e.info().project) == proj)
        .collect();
    if all.is_empty() {
        return Err(not_found(format!("no project '{proj}'")));
    }
    let seen: Vec<Value> = visible(sandbox, caller)
        .into_iter()
        .filter(|e| all.iter().any(|a| std::ptr::eq(*a, *e)))
        .map(env_json)
        .collect();
    if seen.is_empty() {
        return Err(forbidden(format!(
            "this API key cannot read project '{proj}'"
        )));
    }
    Ok(Value::Array(paging.slice(&seen)))
}

pub(super) fn scoped(env: &Env, mut obj: Map<String, Value>) -> Value {
    let (p, e) = (&env.info().project, &env.info().key);
    obj.insert("organization_id".into(), json!(org_id()));
    obj.insert("project_id".into(), json!(project_id(p)));
    obj.insert("environment_id".into(), json!(env_id(p, e)));
    obj.insert("created_at".into(), json!(CREATED_AT));
    obj.insert("updated_at".into(), json!(CREATED_AT));
    Value::Object(obj)
}

pub(super) fn as_map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

pub fn resources(env: &Env, paging: Paging, q: &BTreeMap<String, String>) -> Value {
    let items: Vec<Value> = env
        .policy()
        .resources
        .iter()
        .map(|r| {
            let actions: Map<String, Value> = r
                .actions
                .iter()
                .map(|(k, a)| {
                    let mut m = a.clone();
                    m.entry("name").or_insert_with(|| json!(k));
                    m.insert("key".into(), json!(k));
                    m.insert("id".into(), json!(uuid_for(&format!("action:{}:{k}", r.key))));
                    m.entry("description").or_insert(Value::Null);
                    m.entry("attributes").or_insert(Value::Null);
                    (k.clone(), Value::Object(m))
                })
                .collect();
            let attributes: Map<String, Value> = r
                .attributes
                .iter()
                .map(|(k, a)| {
                    let mut m = a.clone();
                    m.insert("key".into(), json!(k));
                    m.insert("id".into(), json!(uuid_for(&format!("attr:{}:{k}", r.key))));
                    m.entry("description").or_insert(Value::Null);
                    (k.clone(), Value::Object(m))
                })
                .collect();
            scoped(
                env,
                as_map(json!({
                    "key": r.key, "id": uuid_for(&format!("resource:{}", r.key)),
                    "name": if r.name.is_empty() { &r.key } else { &r.name }, "description": r.description,
                    "urn": null, "actions": actions, "attributes": attributes,
                    "roles": resource_roles(env, r), "relations": relations(r),
                    "action_groups": {}, "type_attributes": {},
                })),
            )
        })
        .collect();
    listing(search_filter(items, q, &["key", "name"]), paging, q)
}

/// Permit's `RelationBlockRead`: relation key → the subject resource type, as an object.
fn relations(r: &super::policy::ResourceDef) -> Map<String, Value> {
    r.relations
        .iter()
        .map(|(key, subject)| {
            let block = json!({"description": null, "resource_id": uuid_for(&format!("resource:{subject}")),
                               "relation_name": key, "resource": subject});
            (key.clone(), block)
        })
        .collect()
}

/// Permit's `ResourceRoleRead` for each role of a resource, `granted_to` included.
fn resource_roles(env: &Env, r: &super::policy::ResourceDef) -> Map<String, Value> {
    r.roles
        .iter()
        .map(|(key, role)| {
            let granted_to = role.granted_to.as_ref().map(|g| {
                let rules: Vec<Value> = g
                    .users_with_role
                    .iter()
                    .map(|d| {
                        json!({"role_id": uuid_for(&format!("resource-role:{}:{}", d.on_resource, d.role)),
                               "resource_id": uuid_for(&format!("resource:{}", d.on_resource)),
                               "relation_id": uuid_for(&format!("relation:{}:{}", r.key, d.linked_by_relation)),
                               "role": d.role, "on_resource": d.on_resource,
                               "linked_by_relation": d.linked_by_relation, "when": d.when})
                    })
                    .collect();
                json!({"id": uuid_for(&format!("derived-role:{}:{key}", r.key)), "users_with_role": rules})
            });
            let read = scoped(
                env,
                as_map(json!({
                    "key": key, "id": uuid_for(&format!("resource-role:{}:{key}", r.key)),
                    "name": role.name.clone().unwrap_or_else(|| key.clone()), "description": null,
                    "permissions": role.permissions, "attributes": {}, "extends": role.extends,
                    "granted_to": granted_to, "resource_id": uuid_for(&format!("resource:{}", r.key)),
                    "resource": r.key,
                })),
            );
            (key.clone(), read)
        })
        .collect()
}

pub fn roles(env: &Env, paging: Paging, q: &BTreeMap<String, String>) -> Value {
    let items: Vec<Value> = env
        .policy()
        .roles
        .iter()
        .map(|r| {
            scoped(
                env,
                as_map(json!({
                    "key": r.key, "id": uuid_for(&format!("role:{}", r.key)),
                    "name": if r.name.is_empty() { &r.key } else { &r.name }, "description": r.description,
                    "permissions": r.permissions, "extends": r.extends, "attributes": {}, "granted_to": null,
                })),
            )
        })
        .collect();
    listing(search_filter(items, q, &["key", "name"]), paging, q)
}

fn attr_type(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
            "object_array"
        }
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "json",
    }
}

/// User attributes: the schema is not in the policy file, so it is inferred from the stored
/// users' attributes (first type seen wins), plus Permit's built-in `roles`/`tenants`.
pub fn user_attributes(env: &Env, paging: Paging) -> Value {
    let mut seen: BTreeMap<String, &'static str> = BTreeMap::new();
    for u in env.users() {
        for (k, v) in &u.attributes {
            seen.entry(k.clone()).or_insert_with(|| attr_type(v));
        }
    }
    let mut items = Vec::new();
    for (k, t, built_in) in [("roles", "array", true), ("tenants", "array", true)] {
        seen.remove(k);
        items.push((k.to_string(), t, built_in));
    }
    items.extend(seen.into_iter().map(|(k, t)| (k, t, false)));
    let values: Vec<Value> = items
        .into_iter()
        .map(|(k, t, built_in)| {
            scoped(
                env,
                as_map(json!({"key": k, "id": uuid_for(&format!("user-attr:{k}")), "type": t, "description": null,
                              "resource_id": uuid_for("resource:__user"), "resource_key": "__user", "built_in": built_in})),
            )
        })
        .collect();
    Value::Array(paging.slice(&values))
}

pub fn tenants(env: &Env, paging: Paging, q: &BTreeMap<String, String>) -> Value {
    let items: Vec<Value> = env
        .policy()
        .tenants
        .iter()
        .map(|t| {
            scoped(
                env,
                as_map(json!({"key": t.key, "id": uuid_for(&format!("tenant:{}", t.key)),
                              "name": if t.name.is_empty() { &t.key } else { &t.name }, "description": null,
                              "attributes": t.attributes, "last_action_at": CREATED_AT})),
            )
        })
        .collect();
    listing(search_filter(items, q, &["key", "name"]), paging, q)
}

/// Users, always paginated `{data, total_count, page_count}`; `search` matches key or email,
/// `role` keeps users holding that tenant-level role somewhere.
pub fn users(env: &Env, paging: Paging, q: &BTreeMap<String, String>) -> Value {
    let role = q.get("role").filter(|r| !r.is_empty());
    let needle = q
        .get("search")
        .map(|s| s.to_lowercase())
        .filter(|s| !s.is_empty());
    let mut items = Vec::new();
    for u in env.users() {
        if let Some(role) = role {
            if !u.tenant_roles.values().any(|rs| rs.contains(role)) {
                continue;
            }
        }
        if let Some(n) = &needle {
            let hit = u.key.to_lowercase().contains(n)
                || u.email
                    .as_deref()
                    .is_some_and(|e| e.to_lowercase().contains(n));
            if !hit {
                continue;
            }
        }
        items.push(&u.key);
    }
    let total = items.len();
    let data: Vec<Value> = paging
        .slice(&items)
        .into_iter()
        .filter_map(|k| env.user(k))
        .map(|u| {
            let roles: Vec<Value> =
                u.tenant_roles.iter().flat_map(|(t, rs)| rs.iter().map(move |r| json!({"role": r, "tenant": t}))).collect();
            let associated: Vec<Value> = u
                .tenant_roles
                .iter()
                .map(|(t, rs)| json!({"tenant": t, "roles": rs, "status": "active", "resource_instance_roles": []}))
                .collect();
            scoped(
                env,
                as_map(json!({"key": u.key, "id": uuid_for(&format!("user:{}", u.key)), "email": u.email,
                              "first_name": u.first_name, "last_name": u.last_name, "attributes": u.attributes,
                              "roles": roles, "associated_tenants": associated})),
            )
        })
        .collect();
    json!({"data": data, "total_count": total, "page_count": total.div_ceil(paging.per_page)})
}
