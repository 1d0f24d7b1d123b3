//! The read-only slice of Permit's REST API that the explorer uses for environment discovery
//! and autocomplete: key scope, projects, environments, schema (resources, roles, user
//! attributes) and facts (tenants, users). Shapes follow Permit's `*Read` objects; ids are
//! deterministic UUIDs derived from keys, so they are stable across runs.
//!
//! Every answer the explorer's REST client reads is built from that client's own type
//! (`crate::cloud::types`: `KeyScope`, `Project`, `Environment`, `ApiKeyRead`, `ResourceRead`,
//! `RoleRead`, `AttributeRead`, `TenantRead`, `UserRead`, and `Page` for the paged envelope),
//! serialised, and only then given the fields Permit sends that the client does not model
//! (`permit_read`), so a field renamed on either side cannot drift silently
//! (`tests/sandbox_rest_types.rs` reads every route back into the client's types).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::store::Env;
use super::Sandbox;
use crate::cloud::types::{
    ApiKeyRead, AttributeRead, Environment, KeyScope, Page, Project, ResourceRead, RoleRead,
    TenantRead, UserRead, UserRoleRead,
};

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

/// Permit's `*Read` object built from the type a client reads it into: `typed` serialised (the
/// fields that client reads, under the names it reads them), then `extra`, the fields Permit
/// sends that the client does not model, each only where `typed` leaves the field out or null
/// (a client field that skips `None`, or one the client holds as raw text). The fields come in
/// Permit's order, `order`; any it does not name follow, in the order they came.
pub(super) fn permit_read<T: Serialize>(typed: &T, extra: Value, order: &[&str]) -> Value {
    // Serialising a struct with string keys into a `Value` cannot fail.
    let mut fields = as_map(serde_json::to_value(typed).unwrap_or_default());
    for (key, value) in as_map(extra) {
        match fields.get_mut(&key) {
            Some(held) if !held.is_null() => {}
            Some(held) => *held = value,
            None => {
                fields.insert(key, value);
            }
        }
    }
    let mut ordered = Map::with_capacity(fields.len());
    for key in order {
        if let Some((key, value)) = fields.shift_remove_entry(*key) {
            ordered.insert(key, value);
        }
    }
    ordered.extend(fields);
    Value::Object(ordered)
}

/// Permit's paged envelope `{data, total_count, page_count}`, from the client's `Page`.
pub(super) fn page_envelope(data: Vec<Value>, total_count: usize, page_count: usize) -> Value {
    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let page = Page {
        data,
        total_count: count(total_count),
        page_count: count(page_count),
    };
    serde_json::to_value(page).unwrap_or_default()
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
        page_envelope(self.slice(&items), total, total.div_ceil(self.per_page))
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

/// `KeyScope`: Permit sends nothing more.
pub fn scope(caller: Caller<'_>) -> Value {
    let scope = match caller {
        Caller::Org => KeyScope {
            organization_id: org_id(),
            project_id: None,
            environment_id: None,
        },
        Caller::Env(env) => KeyScope {
            organization_id: org_id(),
            project_id: Some(project_id(&env.info().project)),
            environment_id: Some(env_id(&env.info().project, &env.info().key)),
        },
    };
    permit_read(&scope, json!({}), &[])
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

/// `APIKeyRead`, from `ApiKeyRead`, with its environment and project.
pub fn api_key(env: &Env) -> Value {
    let (p, e) = (&env.info().project, &env.info().key);
    let key = ApiKeyRead {
        secret: env.info().api_key.clone(),
        id: uuid_for(&format!("key:{p}/{e}")),
        object_type: Some("env".into()),
        project_id: Some(project_id(p)),
        environment_id: Some(env_id(p, e)),
        name: Some(format!("sandbox {p}/{e}")),
    };
    permit_read(
        &key,
        json!({"organization_id": org_id(), "access_level": "admin", "owner_type": "member",
               "created_at": CREATED_AT, "last_used_at": null,
               "env": env_json(env), "project": project_json(p)}),
        &[
            "organization_id",
            "project_id",
            "environment_id",
            "object_type",
            "access_level",
            "owner_type",
            "name",
            "id",
            "secret",
            "created_at",
            "last_used_at",
            "env",
            "project",
        ],
    )
}

/// `ProjectRead`, from `Project`.
fn project_json(p: &str) -> Value {
    let project = Project {
        id: project_id(p),
        key: p.to_string(),
        name: p.to_string(),
        description: Some("permit-tui sandbox project".into()),
        active_policy_repo_id: None,
    };
    permit_read(
        &project,
        json!({"organization_id": org_id(), "settings": {}, "urn_namespace": null,
               "active_policy_repo_id": null, "created_at": CREATED_AT, "updated_at": CREATED_AT}),
        &[
            "key",
            "id",
            "organization_id",
            "name",
            "description",
            "settings",
            "urn_namespace",
            "active_policy_repo_id",
            "created_at",
            "updated_at",
        ],
    )
}

/// `EnvironmentRead`, from `Environment`.
fn env_json(env: &Env) -> Value {
    let (p, e) = (&env.info().project, &env.info().key);
    let environment = Environment {
        id: env_id(p, e),
        key: e.clone(),
        name: env.info().name.clone(),
        project_id: project_id(p),
        description: Some("permit-tui sandbox environment".into()),
    };
    permit_read(
        &environment,
        json!({"organization_id": org_id(), "custom_branch_name": null, "jwks": null,
               "settings": {}, "email_configuration": null,
               "created_at": CREATED_AT, "updated_at": CREATED_AT}),
        &[
            "key",
            "id",
            "organization_id",
            "project_id",
            "name",
            "description",
            "custom_branch_name",
            "jwks",
            "settings",
            "email_configuration",
            "created_at",
            "updated_at",
        ],
    )
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
                    m.insert(
                        "id".into(),
                        json!(uuid_for(&format!("action:{}:{k}", r.key))),
                    );
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
            let resource = ResourceRead {
                key: r.key.clone(),
                name: if r.name.is_empty() { &r.key } else { &r.name }.clone(),
                description: r.description.clone(),
                actions,
                attributes,
            };
            scoped(
                env,
                as_map(permit_read(
                    &resource,
                    json!({"id": uuid_for(&format!("resource:{}", r.key)), "urn": null,
                           "roles": resource_roles(env, r), "relations": relations(r),
                           "action_groups": {}, "type_attributes": {}}),
                    &[
                        "key",
                        "id",
                        "name",
                        "description",
                        "urn",
                        "actions",
                        "attributes",
                        "roles",
                        "relations",
                        "action_groups",
                        "type_attributes",
                    ],
                )),
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
            let role = RoleRead {
                key: r.key.clone(),
                name: if r.name.is_empty() { &r.key } else { &r.name }.clone(),
                description: r.description.clone(),
                permissions: r.permissions.clone(),
                extends: r.extends.clone(),
            };
            scoped(
                env,
                as_map(permit_read(
                    &role,
                    json!({"id": uuid_for(&format!("role:{}", r.key)), "attributes": {},
                           "granted_to": null}),
                    &[
                        "key",
                        "id",
                        "name",
                        "description",
                        "permissions",
                        "extends",
                        "attributes",
                        "granted_to",
                    ],
                )),
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
            let id = uuid_for(&format!("user-attr:{k}"));
            let attribute = AttributeRead {
                key: k,
                kind: t.to_string(),
                description: None,
            };
            scoped(
                env,
                as_map(permit_read(
                    &attribute,
                    json!({"id": id, "resource_id": uuid_for("resource:__user"),
                           "resource_key": "__user", "built_in": built_in}),
                    &[
                        "key",
                        "id",
                        "type",
                        "description",
                        "resource_id",
                        "resource_key",
                        "built_in",
                    ],
                )),
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
            let tenant = TenantRead {
                key: t.key.clone(),
                name: if t.name.is_empty() { &t.key } else { &t.name }.clone(),
                description: None,
                attributes: t.attributes.clone(),
            };
            scoped(
                env,
                as_map(permit_read(
                    &tenant,
                    json!({"id": uuid_for(&format!("tenant:{}", t.key)), "last_action_at": CREATED_AT}),
                    &["key", "id", "name", "description", "attributes", "last_action_at"],
                )),
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
            let roles: Vec<UserRoleRead> = u
                .tenant_roles
                .iter()
                .flat_map(|(t, rs)| {
                    rs.iter().map(move |r| UserRoleRead {
                        role: r.clone(),
                        tenant: t.clone(),
                    })
                })
                .collect();
            let associated: Vec<Value> = u
                .tenant_roles
                .iter()
                .map(|(t, rs)| json!({"tenant": t, "roles": rs, "status": "active", "resource_instance_roles": []}))
                .collect();
            let user = UserRead {
                key: u.key.clone(),
                email: u.email.clone(),
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                attributes: u.attributes.clone(),
                roles,
            };
            scoped(
                env,
                as_map(permit_read(
                    &user,
                    json!({"id": uuid_for(&format!("user:{}", u.key)), "associated_tenants": associated}),
                    &[
                        "key",
                        "id",
                        "email",
                        "first_name",
                        "last_name",
                        "attributes",
                        "roles",
                        "associated_tenants",
                    ],
                )),
            )
        })
        .collect();
    page_envelope(data, total, total.div_ceil(paging.per_page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_is_the_typed_fields_then_the_extra_ones_in_permits_order() {
        let tenant = TenantRead {
            key: "acme".into(),
            name: "Acme".into(),
            description: None,
            attributes: Map::new(),
        };
        let read = permit_read(
            &tenant,
            json!({"id": "t1", "name": "not this", "description": "filled", "last_action_at": 1}),
            &["key", "id", "name"],
        );
        // The typed value wins; an extra field fills a null; unnamed fields follow in order.
        assert_eq!(
            read.to_string(),
            r#"{"key":"acme","id":"t1","name":"Acme","description":"filled","attributes":{},"last_action_at":1}"#
        );
    }

    #[test]
    fn the_paged_envelope_is_the_clients_page() {
        let page = page_envelope(vec![json!({"key": "a"})], 31, 2);
        assert_eq!(
            page.to_string(),
            r#"{"data":[{"key":"a"}],"total_count":31,"page_count":2}"#
        );
        let read: Page<TenantRead> = serde_json::from_value(page).expect("a page");
        assert_eq!((read.total_count, read.page_count), (31, 2));
    }
}
