//! The PDP's other queries, built on the evaluator: all-tenants, user permissions and
//! authorized users.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::evaluate::{self, graph_roles};
use super::load::split_instance;
use super::store::{Env, UserRec};
use crate::pdp::types::{
    AllTenantsResult, AllowedQuery, AuthorizedAssignment, AuthorizedUsersQuery,
    AuthorizedUsersResult, JsonObject, PermissionEntry, PermissionResource, TenantDecision,
    TenantRef, UserPermissions, UserPermissionsQuery,
};

const MAX_HOPS: usize = 16;

fn tenant_ref(env: &Env, key: &str) -> TenantRef {
    let attributes = match env.tenant(key).map(|t| &t.attributes) {
        Some(Value::Object(m)) => m.clone(),
        _ => JsonObject::new(),
    };
    TenantRef {
        key: key.to_string(),
        attributes,
    }
}

/// `/allowed/all-tenants`: the check in each of the user's tenants (all tenants for an
/// unsynced user), keeping the tenants where it is allowed.
pub fn all_tenants(env: &Env, q: &AllowedQuery) -> AllTenantsResult {
    let tenants: Vec<String> = match env.user(&q.user.key) {
        Some(u) => u.tenants.clone(),
        None => env.tenant_keys().cloned().collect(),
    };
    let mut out = Vec::new();
    for t in tenants {
        let mut one = q.clone();
        one.resource.tenant = Some(t.clone());
        let r = evaluate::check(env, &one);
        if r.allow {
            out.push(TenantDecision {
                allow: true,
                result: Some(true),
                query: None,
                debug: r.debug,
                tenant: tenant_ref(env, &t),
            });
        }
    }
    AllTenantsResult {
        allowed_tenants: out,
    }
}

/// Instances reachable from the user's directly assigned instances along relationship tuples
/// (where derived roles can appear), bounded in hops.
fn reachable_instances(env: &Env, user: &UserRec) -> Vec<String> {
    let mut seen: BTreeSet<String> = user.instance_roles.keys().cloned().collect();
    let mut frontier: Vec<String> = seen.iter().cloned().collect();
    for _ in 0..MAX_HOPS {
        let mut next = Vec::new();
        for inst in &frontier {
            for (_, obj) in env.outgoing(inst) {
                if seen.insert(obj.clone()) {
                    next.push(obj.clone());
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    seen.into_iter().collect()
}

/// `/user-permissions`: tenant-level permissions per tenant (`__tenant:<t>`) and resource-role
/// permissions per instance (`<type>:<key>`), filtered by `tenants`, `resources` and
/// `resource_types` when given.
pub fn user_permissions(env: &Env, q: &UserPermissionsQuery) -> UserPermissions {
    let mut out = UserPermissions::new();
    let Some(user) = env.user(&q.user.key) else {
        return out;
    };
    let wanted_tenant = |t: &str| {
        q.tenants
            .as_ref()
            .is_none_or(|ts| ts.iter().any(|x| x == t))
    };
    let wanted_resource = |id: &str| {
        q.resources
            .as_ref()
            .is_none_or(|rs| rs.iter().any(|r| r == id || format!("__tenant:{r}") == id))
    };
    let wanted_type = |ty: &str| {
        q.resource_types
            .as_ref()
            .is_none_or(|ts| ts.iter().any(|x| x == ty))
    };
    if wanted_type("__tenant") {
        for (tenant, roles) in &user.tenant_roles {
            let id = format!("__tenant:{tenant}");
            if !wanted_tenant(tenant) || !wanted_resource(&id) {
                continue;
            }
            let mut perms = BTreeSet::new();
            for r in roles {
                if let Some(role) = env.role(r) {
                    perms.extend(role.flat.iter().cloned());
                }
            }
            out.insert(
                id,
                PermissionEntry {
                    tenant: Some(tenant_ref(env, tenant)),
                    resource: None,
                    permissions: perms.into_iter().collect(),
                    roles: Some(roles.clone()),
                },
            );
        }
    }
    for inst in reachable_instances(env, user) {
        let Some(rec) = env.instance(&inst) else {
            continue;
        };
        if !wanted_type(&rec.kind) || !wanted_tenant(&rec.tenant) || !wanted_resource(&inst) {
            continue;
        }
        let held = graph_roles(env, user, &inst);
        if held.is_empty() {
            continue;
        }
        let mut perms = BTreeSet::new();
        let mut roles = Vec::new();
        if let Some(rt) = env.resource_type(&rec.kind) {
            for h in &held {
                if let Some(role) = rt.role(&h.role) {
                    perms.extend(role.actions.iter().map(|a| format!("{}:{a}", rec.kind)));
                }
                if !roles.contains(&h.role) {
                    roles.push(h.role.clone());
                }
            }
        }
        out.insert(
            inst.clone(),
            PermissionEntry {
                tenant: Some(tenant_ref(env, &rec.tenant)),
                resource: Some(PermissionResource {
                    key: rec.key.clone(),
                    kind: rec.kind.clone(),
                    attributes: rec.attributes.clone(),
                }),
                permissions: perms.into_iter().collect(),
                roles: Some(roles),
            },
        );
    }
    out
}

/// `/authorized_users`: users whose tenant roles (RBAC) or roles on the instance (ReBAC) grant
/// the action, with the assignments that do.
pub fn authorized_users(env: &Env, q: &AuthorizedUsersQuery) -> AuthorizedUsersResult {
    let tenant = q
        .resource
        .tenant
        .clone()
        .unwrap_or_else(|| crate::pdp::types::DEFAULT_TENANT.to_string());
    let kind = &q.resource.kind;
    let resource = match &q.resource.key {
        Some(k) => format!("{kind}:{k}"),
        None => format!("{kind}:*"),
    };
    let permission = format!("{kind}:{}", q.action);
    let mut users: BTreeMap<String, Vec<AuthorizedAssignment>> = BTreeMap::new();
    for key in env.tenant_members(&tenant) {
        let Some(u) = env.user(key) else {
            continue;
        };
        for r in u.tenant_roles.get(&tenant).into_iter().flatten() {
            if env
                .role(r)
                .is_some_and(|role| role.flat.contains(&permission))
            {
                users
                    .entry(key.clone())
                    .or_default()
                    .push(AuthorizedAssignment {
                        user: key.clone(),
                        tenant: tenant.clone(),
                        resource: format!("__tenant:{tenant}"),
                        role: r.clone(),
                    });
            }
        }
    }
    if q.resource.key.is_some() && env.instance(&resource).is_some_and(|i| i.tenant == tenant) {
        // Candidates: users with a direct role on the instance or on any instance above it.
        let mut candidates: BTreeSet<String> = BTreeSet::new();
        let mut frontier = vec![resource.clone()];
        let mut seen: BTreeSet<String> = frontier.iter().cloned().collect();
        for _ in 0..MAX_HOPS {
            let mut next = Vec::new();
            for inst in &frontier {
                candidates.extend(env.instance_users(inst).iter().cloned());
                for (_, subj) in env.incoming(inst) {
                    if seen.insert(subj.clone()) {
                        next.push(subj.clone());
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        let rt = split_instance(&resource).and_then(|(t, _)| env.resource_type(t));
        for key in candidates {
            let Some(u) = env.user(&key) else {
                continue;
            };
            for h in graph_roles(env, u, &resource) {
                if rt
                    .and_then(|rt| rt.role(&h.role))
                    .is_some_and(|r| r.actions.contains(&q.action))
                {
                    users
                        .entry(key.clone())
                        .or_default()
                        .push(AuthorizedAssignment {
                            user: key.clone(),
                            tenant: tenant.clone(),
                            resource: resource.clone(),
                            role: h.role.clone(),
                        });
                }
            }
        }
    }
    AuthorizedUsersResult {
        resource,
        tenant,
        users,
    }
}
