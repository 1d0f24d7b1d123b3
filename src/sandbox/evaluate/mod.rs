//! The decision: RBAC or ABAC or ReBAC (Permit has no deny rules), each model answering with
//! Permit's debug code in Permit's precedence and Permit's reason wording, plus the sandbox
//! trace (see `trace.rs`). `decide` is the same logic without building any explanation.

mod abac;

#[cfg(test)]
use serde_json::Map;
use serde_json::{json, Value};

use std::cell::OnceCell;

use super::conditions::Scope;
use super::load::split_instance;
use super::request_view::RequestView;
use super::store::{Env, InstanceRec, ResourceType, UserRec};
use super::trace::{
    RbacTrace, RebacRoleTrace, RebacTrace, RoleGrantTrace, SandboxTrace, TRACE_VERSION,
};
use crate::pdp::types::{AllowedQuery, AllowedResult, Debug, DebugBlock};
use abac::{abac, abac_block, abac_decide, abac_rules_match, abac_trace, Generated};

pub const SUPPORT_LINK: &str = "https://docs.permit.io/errors/";
const MAX_HOPS: usize = 16;

/// Formats a list for a reason string as Permit's `format_array` does: `['a', 'b']`. Its
/// Rego means to cut the list at 10 items, but the cut unifies one variable with two
/// different arrays, so that branch never holds and the whole list is printed.
fn fmt_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let quoted: Vec<String> = items
        .into_iter()
        .map(|s| format!("'{}'", s.as_ref()))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// The keys of a map as Rego iterates an object: sorted.
fn sorted<'s>(keys: impl IntoIterator<Item = &'s String>) -> Vec<&'s str> {
    let mut out: Vec<&str> = keys.into_iter().map(String::as_str).collect();
    out.sort_unstable();
    out
}

fn block(allow: bool, code: &str, reason: String) -> DebugBlock {
    DebugBlock {
        allow,
        code: Some(code.to_string()),
        reason: Some(reason),
        support_link: (!allow).then(|| format!("{SUPPORT_LINK}{code}")),
        ..DebugBlock::default()
    }
}

/// What the request names, resolved against the store once.
struct Facts<'a> {
    env: &'a Env,
    q: &'a AllowedQuery,
    /// The request's tenant, `""` when it names none.
    tenant: &'a str,
    /// Whether the request names a tenant at all: without one, Permit's reasons that quote
    /// the tenant cannot be formatted, so their codes are skipped (see `precondition`).
    tenant_given: bool,
    tenant_exists: bool,
    user: Option<&'a UserRec>,
    type_exists: bool,
    action_exists: bool,
    permission: String,
    roles_in_tenant: &'a [String],
    /// `"type:key"` when the request names a resource instance, and the stored instance when
    /// it exists; resolved on first use, as an RBAC decision needs neither.
    instance: OnceCell<(Option<String>, Option<&'a InstanceRec>)>,
}

impl<'a> Facts<'a> {
    fn new(env: &'a Env, q: &'a AllowedQuery) -> Self {
        let tenant = q.resource.tenant.as_deref().unwrap_or("");
        let user = env.user(&q.user.key);
        let rt = env.resource_type(&q.resource.kind);
        let roles_in_tenant = user
            .and_then(|u| u.tenant_roles.get(tenant))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        Facts {
            env,
            q,
            tenant,
            tenant_given: q.resource.tenant.is_some(),
            tenant_exists: env.tenant(tenant).is_some(),
            user,
            type_exists: rt.is_some(),
            action_exists: rt.is_some_and(|r| r.has_action(&q.action)),
            permission: format!("{}:{}", q.resource.kind, q.action),
            roles_in_tenant,
            instance: OnceCell::new(),
        }
    }

    fn resolved_instance(&self) -> &(Option<String>, Option<&'a InstanceRec>) {
        self.instance.get_or_init(|| {
            let id = self
                .q
                .resource
                .key
                .as_ref()
                .map(|k| format!("{}:{k}", self.q.resource.kind));
            let rec = id.as_ref().and_then(|i| self.env.instance(i));
            (id, rec)
        })
    }

    /// `"type:key"` when the request names a resource instance.
    fn instance(&self) -> Option<&str> {
        self.resolved_instance().0.as_deref()
    }

    /// The stored instance, when it exists.
    fn instance_rec(&self) -> Option<&'a InstanceRec> {
        self.resolved_instance().1
    }

    /// The user's roles in the request's tenant, sorted (a set in Permit's Rego).
    fn sorted_roles(&self) -> Vec<&'a str> {
        let mut roles: Vec<&str> = self.roles_in_tenant.iter().map(String::as_str).collect();
        roles.sort_unstable();
        roles.dedup();
        roles
    }

    /// The shared prefix of RBAC's and ReBAC's code precedence.
    fn precondition(&self) -> Option<&'static str> {
        if !self.type_exists {
            Some("no_such_resource")
        } else if !self.action_exists {
            Some("no_such_action")
        } else if !self.tenant_exists && self.tenant_given {
            Some("no_such_tenant")
        } else if self.user.is_none() {
            Some("user_not_synced")
        } else {
            None
        }
    }

    fn precondition_reason(&self, code: &str) -> String {
        let (u, t, a, ty) = (
            &self.q.user.key,
            self.tenant,
            &self.q.action,
            &self.q.resource.kind,
        );
        match code {
            "no_such_resource" => {
                format!(
                    "resource type '{ty}' is not defined. known resource types: {}",
                    fmt_list(sorted(self.env.resource_type_keys()))
                )
            }
            "no_such_action" => format!(
                "action '{a}' is not defined on resource type '{ty}'. known actions on '{ty}': {}",
                fmt_list(
                    self.env
                        .resource_type(ty)
                        .into_iter()
                        .flat_map(ResourceType::actions)
                )
            ),
            "no_such_tenant" => format!(
                "tenant '{t}' does not exist. existing tenants: {}",
                fmt_list(sorted(self.env.tenant_keys()))
            ),
            _ => format!("user '{u}' is not synced and therefore has no known role assignments"),
        }
    }
}

// ---------------------------------------------------------------- RBAC

struct RbacOut {
    allow: bool,
    code: &'static str,
    allowing_roles: Vec<String>,
}

fn rbac(f: &Facts<'_>) -> RbacOut {
    let deny = |code| RbacOut {
        allow: false,
        code,
        allowing_roles: Vec::new(),
    };
    if let Some(code) = f.precondition() {
        return deny(code);
    }
    let Some(user) = f.user else {
        return deny("user_not_synced");
    };
    if user.tenant_roles.is_empty() {
        return deny("no_user_roles");
    }
    if f.roles_in_tenant.is_empty() {
        // Without a tenant Permit cannot format this reason, and falls through to the next.
        return deny(if f.tenant_given {
            "no_role_in_tenant"
        } else {
            "no_permission"
        });
    }
    let mut allowing: Vec<String> = f
        .roles_in_tenant
        .iter()
        .filter(|r| {
            f.env
                .role(r)
                .is_some_and(|role| role.flat.contains(&f.permission))
        })
        .cloned()
        .collect();
    // A set in Rego: the reason quotes the first role in sorted order.
    allowing.sort_unstable();
    if allowing.is_empty() {
        deny("no_permission")
    } else {
        RbacOut {
            allow: true,
            code: "allow",
            allowing_roles: allowing,
        }
    }
}

fn rbac_block(f: &Facts<'_>, out: &RbacOut) -> DebugBlock {
    let (u, t, a, ty) = (&f.q.user.key, f.tenant, &f.q.action, &f.q.resource.kind);
    let reason = match out.code {
        "allow" => {
            let r = out.allowing_roles.first().map(String::as_str).unwrap_or("");
            format!("user '{u}' has the role '{r}' in tenant '{t}', role '{r}' has the '{a}' permission on resources of type '{ty}'")
        }
        "no_user_roles" => format!("no roles assigned to user '{u}'"),
        "no_role_in_tenant" => format!(
            "user '{u}' has no assigned roles in tenant '{t}'. user has roles in these tenants: {}",
            fmt_list(f.user.map(UserRec::tenants_with_roles).unwrap_or_default())
        ),
        "no_permission" => {
            format!("user '{u}' does not have any role that grants him the '{a}' permission on resources of type '{ty}'")
        }
        code => f.precondition_reason(code),
    };
    let mut b = block(out.allow, out.code, reason);
    if out.allow {
        b.allowing_roles = Some(
            out.allowing_roles
                .iter()
                .map(|r| Value::String(r.clone()))
                .collect(),
        );
    }
    b
}

fn rbac_trace(f: &Facts<'_>) -> RbacTrace {
    let env = f.env;
    let grants = f
        .roles_in_tenant
        .iter()
        .map(|r| {
            let via = extends_path(env, r, &f.permission);
            RoleGrantTrace {
                role: r.clone(),
                grants_action: via.is_some(),
                via: via.unwrap_or_else(|| vec![r.clone()]),
            }
        })
        .collect();
    RbacTrace {
        tenant: f.tenant.to_string(),
        tenant_exists: f.tenant_exists,
        user_synced: f.user.is_some(),
        resource_type_exists: f.type_exists,
        action_exists: f.action_exists,
        roles_in_tenant: f.roles_in_tenant.to_vec(),
        roles_by_tenant: f
            .user
            .map(|u| u.tenant_roles.clone().into_iter().collect())
            .unwrap_or_default(),
        grants,
        roles_granting_action: env.roles_granting(&f.permission).to_vec(),
    }
}

/// The extends chain from `role` to a role that directly holds `permission` (breadth-first,
/// so the shortest chain), or `None` when no role in its hierarchy does.
fn extends_path(env: &Env, role: &str, permission: &str) -> Option<Vec<String>> {
    let mut queue: Vec<(String, usize)> = vec![(role.to_string(), usize::MAX)];
    // Queued once each, found in constant time: a long `extends` chain stays linear.
    let mut queued: super::store::HashSet<String> = std::iter::once(role.to_string()).collect();
    let mut i = 0;
    while i < queue.len() {
        let name = queue[i].0.clone();
        if let Some(def) = env.role(&name) {
            if def.direct.contains(permission) {
                let mut path = vec![name];
                let mut at = queue[i].1;
                while at != usize::MAX {
                    path.push(queue[at].0.clone());
                    at = queue[at].1;
                }
                path.reverse();
                return Some(path);
            }
            for ext in &def.extends {
                if queued.insert(ext.clone()) {
                    queue.push((ext.clone(), i));
                }
            }
        }
        i += 1;
    }
    None
}

// ---------------------------------------------------------------- ReBAC

/// A role the user holds on an instance, with how it got there.
#[derive(Debug, Clone)]
pub struct HeldRole {
    pub role: String,
    pub resource: String,
    pub path: Vec<String>,
    pub sources: Vec<Value>,
}

/// Every role `user` holds on `instance`, assigned or derived through relationship tuples,
/// transitively and safe against cycles.
pub fn graph_roles(env: &Env, user: &UserRec, instance: &str) -> Vec<HeldRole> {
    graph_roles_with(env, user, instance, true)
}

/// `explain = false` skips building paths and sources (the `decide` hot path).
fn graph_roles_with(env: &Env, user: &UserRec, instance: &str, explain: bool) -> Vec<HeldRole> {
    // Every derived role starts from a directly assigned one.
    if user.instance_roles.is_empty() {
        return Vec::new();
    }
    let mut visiting = Vec::new();
    roles_on(env, user, instance, &mut visiting, explain)
}

fn roles_on<'a>(
    env: &'a Env,
    user: &UserRec,
    instance: &'a str,
    visiting: &mut Vec<&'a str>,
    explain: bool,
) -> Vec<HeldRole> {
    if visiting.len() > MAX_HOPS || visiting.contains(&instance) {
        return Vec::new();
    }
    let Some((kind, _)) = split_instance(instance) else {
        return Vec::new();
    };
    let Some(rt) = env.resource_type(kind) else {
        return Vec::new();
    };
    let mut held: Vec<HeldRole> = Vec::new();
    let direct = user.instance_roles.get(instance);
    for role in direct.into_iter().flatten() {
        let (path, sources) = if explain {
            (
                vec![format!(
                    "user '{}' is assigned the role '{role}' on '{instance}'",
                    user.key
                )],
                vec![json!({"type": "role_assignment", "role": role, "resource": instance})],
            )
        } else {
            (Vec::new(), Vec::new())
        };
        held.push(HeldRole {
            role: role.clone(),
            resource: instance.to_string(),
            path,
            sources,
        });
    }
    let incoming = env.incoming(instance);
    if incoming.is_empty() {
        return held;
    }
    // The roles held on each subject, walked at most once here however many derivations
    // read them (the walk below `instance` does not depend on which derivation asks).
    let mut on_subject: Vec<Option<Vec<HeldRole>>> = (0..incoming.len()).map(|_| None).collect();
    let object_has_direct_roles = env.has_direct_roles(instance);
    visiting.push(instance);
    for role in rt.roles() {
        let role_key = &role.key;
        for d in &role.derivations {
            if d.when.as_ref().is_some_and(|w| w.no_direct_roles_on_object)
                && object_has_direct_roles
            {
                continue;
            }
            for (i, (rel, subject)) in incoming.iter().enumerate() {
                if *rel != d.linked_by_relation
                    || split_instance(subject).map(|(t, _)| t) != Some(d.on_resource.as_str())
                {
                    continue;
                }
                let from_subject = on_subject[i]
                    .get_or_insert_with(|| roles_on(env, user, subject, visiting, explain));
                for src in from_subject.iter() {
                    if src.role != d.role || held.iter().any(|h| h.role == *role_key) {
                        continue;
                    }
                    if !explain {
                        held.push(HeldRole {
                            role: role_key.clone(),
                            resource: String::new(),
                            path: Vec::new(),
                            sources: Vec::new(),
                        });
                        continue;
                    }
                    let mut path = src.path.clone();
                    path.push(format!(
                        "'{subject}' is the '{rel}' of '{instance}', so '{}#{}' gives '{kind}#{role_key}'",
                        d.on_resource, d.role
                    ));
                    let mut sources = src.sources.clone();
                    sources.push(
                        json!({"type": "role_derivation", "role": role_key, "resource": instance,
                        "derived_from": {"role": d.role, "resource": subject, "relation": rel}}),
                    );
                    held.push(HeldRole {
                        role: role_key.clone(),
                        resource: instance.to_string(),
                        path,
                        sources,
                    });
                }
            }
        }
    }
    visiting.pop();
    held
}

struct RebacOut {
    allow: bool,
    code: &'static str,
    held: Vec<HeldRole>,
}

fn rebac(f: &Facts<'_>, explain: bool) -> RebacOut {
    let mut out = RebacOut {
        allow: false,
        code: "no_graph_roles",
        held: Vec::new(),
    };
    if let Some(code) = f.precondition() {
        out.code = code;
        return out;
    }
    let (Some(user), Some(inst)) = (f.user, f.instance()) else {
        return out;
    };
    // An instance lives in one tenant; its roles count only for checks in that tenant.
    if f.instance_rec().map(|i| i.tenant.as_str()) != Some(f.tenant) {
        return out;
    }
    out.held = graph_roles_with(f.env, user, inst, explain);
    if out.held.is_empty() {
        return out;
    }
    out.allow = out.held.iter().any(|h| role_grants(f, &h.role));
    out.code = if out.allow { "allow" } else { "no_permission" };
    out
}

fn role_grants(f: &Facts<'_>, role: &str) -> bool {
    f.env
        .resource_type(&f.q.resource.kind)
        .and_then(|rt| rt.role(role))
        .is_some_and(|r| r.actions.contains(&f.q.action))
}

fn rebac_block(f: &Facts<'_>, out: &RebacOut) -> DebugBlock {
    let (u, t, a) = (&f.q.user.key, f.tenant, &f.q.action);
    let res = f
        .instance()
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}:*", f.q.resource.kind));
    let allowing: Vec<&HeldRole> = out
        .held
        .iter()
        .filter(|h| role_grants(f, &h.role))
        .collect();
    let reason = match out.code {
        "allow" => {
            let why = allowing.first().map(|h| h.path.join(", then ")).unwrap_or_default();
            format!("user '{u}' has the '{a}' permission on resource '{res}' in tenant '{t}', {why}")
        }
        "no_graph_roles" => match (f.instance(), f.instance_rec().map(|i| &i.tenant)) {
            (None, _) => format!("user '{u}' has no roles on resource '{res}': the request names no resource instance (key), so there is no graph to walk"),
            (Some(_), Some(it)) if it != t => format!("user '{u}' has no roles on resource '{res}' in tenant '{t}': the instance belongs to tenant '{it}'"),
            _ => format!("user '{u}' has no roles on resource '{res}' in tenant '{t}', neither assigned nor derived"),
        },
        "no_permission" => format!(
            "user '{u}' has the roles {} on resource '{res}' in tenant '{t}', none of which grants the '{a}' permission",
            fmt_list(out.held.iter().map(|h| h.role.as_str()))
        ),
        code => f.precondition_reason(code),
    };
    let mut b = block(out.allow, out.code, reason);
    if out.allow {
        b.allowing_roles = Some(
            allowing
                .iter()
                .map(|h| json!({"role": h.role, "resource": h.resource, "reason": h.path.join(", then "), "sources": h.sources}))
                .collect(),
        );
    }
    b
}

fn rebac_trace(f: &Facts<'_>, out: &RebacOut) -> RebacTrace {
    let rt = f.env.resource_type(&f.q.resource.kind);
    RebacTrace {
        instance: f.instance().map(str::to_string),
        instance_exists: f.instance_rec().is_some(),
        instance_tenant: f.instance_rec().map(|i| i.tenant.clone()),
        roles: out
            .held
            .iter()
            .map(|h| RebacRoleTrace {
                role: h.role.clone(),
                resource: h.resource.clone(),
                path: h.path.clone(),
                grants_action: role_grants(f, &h.role),
            })
            .collect(),
        roles_granting_action: rt
            .map(|rt| {
                rt.roles()
                    .filter(|r| r.actions.contains(&f.q.action))
                    .map(|r| r.key.clone())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

// ---------------------------------------------------------------- the decision

/// The decision alone, without any explanation (the hot path for benchmarks and bulk use).
pub fn decide(env: &Env, q: &AllowedQuery) -> bool {
    let f = Facts::new(env, q);
    if rbac(&f).allow {
        return true;
    }
    if env.rebac_active() && rebac(&f, false).allow {
        return true;
    }
    abac_decide(&f)
}

/// A check's answer with `debug.request` and the sandbox trace kept typed, so the server can
/// write it straight to JSON without first building a `serde_json::Value` tree (most of the
/// cost of an explained check).
#[derive(Debug, Clone)]
pub struct Explained<'a> {
    /// The answer, with `debug.request` and `debug.sandbox_trace` left empty (see below).
    pub result: AllowedResult,
    /// `debug.request`, borrowed from the query and the store.
    pub request: RequestView<'a>,
    /// `None` when the caller did not ask for the trace (the fast path).
    pub trace: Option<SandboxTrace>,
}

impl Explained<'_> {
    /// The `AllowedResult` with `debug.request` and (when built) `debug.sandbox_trace`.
    pub fn into_result(self) -> AllowedResult {
        let mut result = self.result;
        if let Some(debug) = result.debug.as_mut() {
            debug.request = Some(self.request.to_value());
            debug.sandbox_trace = self.trace.and_then(|t| serde_json::to_value(t).ok());
        }
        result
    }
}

impl serde::Serialize for Explained<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Wire<'a> {
            allow: bool,
            debug: WireDebug<'a>,
            result: bool,
        }
        #[derive(serde::Serialize)]
        struct WireDebug<'a> {
            request: &'a RequestView<'a>,
            #[serde(skip_serializing_if = "Option::is_none")]
            rbac: Option<&'a DebugBlock>,
            #[serde(skip_serializing_if = "Option::is_none")]
            abac: Option<&'a DebugBlock>,
            #[serde(skip_serializing_if = "Option::is_none")]
            rebac: Option<&'a DebugBlock>,
            #[serde(skip_serializing_if = "Option::is_none")]
            sandbox_trace: Option<&'a SandboxTrace>,
        }
        let d = self.result.debug.as_ref();
        Wire {
            allow: self.result.allow,
            debug: WireDebug {
                request: &self.request,
                rbac: d.and_then(|d| d.rbac.as_ref()),
                abac: d.and_then(|d| d.abac.as_ref()),
                rebac: d.and_then(|d| d.rebac.as_ref()),
                sandbox_trace: self.trace.as_ref(),
            },
            result: self.result.allow,
        }
        .serialize(serializer)
    }
}

/// The decision with Permit's `debug` object and the sandbox trace.
pub fn check(env: &Env, q: &AllowedQuery) -> AllowedResult {
    explain(env, q).into_result()
}

/// The decision, Permit's `debug` object and the typed sandbox trace.
pub fn explain<'a>(env: &'a Env, q: &'a AllowedQuery) -> Explained<'a> {
    explain_with(env, q, true)
}

/// The decision and Permit's `debug` object, with the sandbox trace only when `with_trace`
/// (building it is most of the cost of an explained check).
pub fn explain_with<'a>(env: &'a Env, q: &'a AllowedQuery, with_trace: bool) -> Explained<'a> {
    let f = Facts::new(env, q);
    let r = rbac(&f);
    let generated = Generated::new(&f);
    let layers = generated.layers();
    let scope = Scope::Layered(&layers);
    // ABAC is "activated" (its deny block shown) when the policy has condition sets; a rule
    // allows whether or not it is.
    let abac_active = env.has_condition_sets();
    // Every set is evaluated only for the trace or a shown ABAC block; otherwise only the sets
    // the permission's rules name (as `decide` does).
    let mut a = with_trace.then(|| abac(&f, scope));
    let a_allow = match &a {
        Some(a) => a.allow,
        None => abac_rules_match(&f, env.rules_for(&f.permission), scope),
    };
    // Paths and sources are only read by an allowing ReBAC block and by the trace.
    let mut g = rebac(&f, with_trace);
    let g_allow = env.rebac_active() && g.allow;
    let allow = r.allow || a_allow || g_allow;
    if g_allow && !with_trace {
        g = rebac(&f, true);
    }

    let mut debug = Debug::default();
    // As Permit's debugger: a model's block appears when it allowed. The RBAC deny block
    // appears unless ABAC allowed, the ABAC deny block (when activated) unless RBAC allowed,
    // and the ReBAC deny block (when activated) only when nothing allowed: Permit's RBAC and
    // ABAC blocks never look at ReBAC, so a ReBAC allow still shows both denies.
    if r.allow || !a_allow {
        debug.rbac = Some(rbac_block(&f, &r));
    }
    if a_allow || (!r.allow && abac_active) {
        let a = a.get_or_insert_with(|| abac(&f, scope));
        debug.abac = Some(abac_block(&f, a));
    }
    if g_allow || (!allow && env.rebac_active()) {
        debug.rebac = Some(rebac_block(&f, &g));
    }
    let trace = match (with_trace, &a) {
        (true, Some(a)) => Some(SandboxTrace {
            version: TRACE_VERSION,
            environment: env.info().key.clone(),
            rbac: rbac_trace(&f),
            abac: abac_trace(&f, scope, a),
            rebac: rebac_trace(&f, &g),
        }),
        _ => None,
    };
    let instance_attributes = f.instance_rec().map(|i| &i.attributes);
    Explained {
        result: AllowedResult {
            allow,
            query: None,
            debug: Some(debug),
            result: Some(allow),
        },
        request: RequestView {
            q,
            user: f.user,
            roles_in_tenant: f.roles_in_tenant,
            tenant: f.tenant_exists.then_some(f.tenant),
            instance_attributes,
        },
        trace,
    }
}

/// `debug.request` as a `Value` tree: the reference `RequestView` must match (tested below).
#[cfg(test)]
fn request_json(
    f: &Facts<'_>,
    user_attrs: Map<String, Value>,
    res_attrs: Map<String, Value>,
) -> Value {
    let q = f.q;
    let mut user = Map::new();
    user.insert("key".into(), json!(q.user.key));
    for (name, given) in [
        ("first_name", &q.user.first_name),
        ("last_name", &q.user.last_name),
        ("email", &q.user.email),
    ] {
        if let Some(v) = given {
            user.insert(name.into(), json!(v));
        }
    }
    user.insert("attributes".into(), Value::Object(user_attrs));
    user.insert("synced".into(), json!(f.user.is_some()));
    json!({
        "user": user,
        "tenant": if f.tenant_exists { json!(f.tenant) } else { Value::Null },
        "action": q.action,
        "resource": {"type": q.resource.kind, "attributes": res_attrs},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::Sandbox;
    use serde_json::json;

    /// The directly written `debug.request` equals the merged `Value` tree it replaced, key
    /// order included, with request attributes overriding stored and generated ones.
    #[test]
    fn request_view_matches_the_merged_value_tree() {
        let s = Sandbox::bundled().expect("bundled policies load");
        let env = s.env_by_key("permit_key_sandbox_dev").expect("dev env");
        let cases = [
            json!({"user": {"key": "alice"}, "action": "read",
                   "resource": {"type": "document", "key": "doc-1", "tenant": "acme"}}),
            json!({"user": {"key": "bob", "email": "b@x.io", "first_name": "Bob",
                            "attributes": {"clearance": 9, "roles": ["x"], "new": true}},
                   "action": "delete",
                   "resource": {"type": "document", "key": "doc-bob", "tenant": "acme",
                                "attributes": {"owner": "z", "type": "other", "extra": 1}}}),
            json!({"user": {"key": "ghost", "attributes": {"department": "engineering"}},
                   "action": "read",
                   "resource": {"type": "document", "key": "design-doc", "tenant": "nowhere"}}),
            json!({"user": {"key": "carol"}, "action": "export",
                   "resource": {"type": "report", "tenant": "default"}}),
            json!({"user": {"key": "alice", "attributes": {"location": {"city": "Paris"}}},
                   "action": "read", "resource": {"type": "document", "key": "doc-1"}}),
            json!({"user": {"key": "alice", "attributes": {"location": "moon"}},
                   "action": "read", "resource": {"type": "document", "tenant": "acme"}}),
        ];
        for case in cases.clone() {
            let q: AllowedQuery = serde_json::from_value(case.clone()).expect("query");
            let f = Facts::new(env, &q);
            let (u, r) = abac::merged_attributes(&f);
            let want = serde_json::to_string(&request_json(&f, u, r)).expect("json");
            let got = explain_with(env, &q, false);
            let got = serde_json::to_string(&got.request).expect("json");
            assert_eq!(got, want, "{case}");
        }
        // Objects merge deeply: alice's stored location keeps its country under a JIT city.
        let q: AllowedQuery = serde_json::from_value(cases[4].clone()).expect("query");
        let view = explain_with(env, &q, false).request.to_value();
        assert_eq!(
            view["user"]["attributes"]["location"],
            json!({"city": "Paris", "country": "DE"})
        );
    }
}
