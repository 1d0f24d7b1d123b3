//! Loading a policy file: parse, validate every reference, build the indexed store. A file
//! that does not load is refused with the file, the JSON path inside it and the reason.

use std::collections::BTreeSet;

use serde_json::Value;

use super::conditions;
use super::graph;
use super::policy::{PolicyFile, ResourceDef, ResourceRoleDef, SetKind};
use super::store::{
    CompiledSet, Env, EnvironmentInfo, HashMap, Indexes, InstanceRec, ResourceRole, ResourceType,
    Rule, SetRef, TenantRec, TenantRole, UserRec,
};

/// Why a policy did not load.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: at {path}: {reason}")]
pub struct LoadError {
    /// The file name (or `<bundled dev.json>` for bundled policies).
    pub file: String,
    /// A JSON path such as `$.role_assignments[3].role`, or `line 4 column 7` for bad JSON.
    pub path: String,
    pub reason: String,
}

struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn err(&self, path: impl Into<String>, reason: impl Into<String>) -> LoadError {
        LoadError {
            file: self.file.to_string(),
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// Parses and validates one policy file's text.
pub fn load_str(text: &str, file: &str) -> Result<Env, LoadError> {
    let ctx = Ctx { file };
    // Editors on Windows may save a byte order mark; JSON parsers refuse it, users cannot see it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(found) = not_an_object(text) {
        return Err(ctx.err(
            "$",
            format!("{found}; a policy is a JSON object: {{\"environment\": {{\"key\", \"project\", \"api_key\"}}, \"resources\": [...], ...}} (see assets/sandbox/README.md)"),
        ));
    }
    if let Some(repeated) = super::dup_keys::first_duplicate(text) {
        return Err(ctx.err(
            repeated.path,
            format!(
                "duplicate key `{}`: JSON would keep only the last one; remove or rename the other",
                repeated.key
            ),
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let policy: PolicyFile = match serde_path_to_error::deserialize(&mut de) {
        Ok(p) => p,
        Err(e) => {
            let inner = e.inner();
            let path = if inner.is_syntax() || inner.is_eof() {
                format!("line {} column {}", inner.line(), inner.column())
            } else {
                json_path(&e.path().to_string())
            };
            let reason = if inner.is_syntax() || inner.is_eof() {
                format!("malformed JSON: {inner}")
            } else {
                inner.to_string()
            };
            return Err(ctx.err(path, reason));
        }
    };
    if let Err(e) = de.end() {
        return Err(ctx.err(
            format!("line {} column {}", e.line(), e.column()),
            format!("malformed JSON: {e}"),
        ));
    }
    build(policy, &ctx)
}

/// What the top level is when it is not an object, told from its first character (the file
/// is not parsed twice to find out).
fn not_an_object(text: &str) -> Option<&'static str> {
    Some(match text.trim_start().chars().next() {
        None => "the file is empty",
        Some('[') => "the top level is not an object, found an array",
        Some('"') => "the top level is not an object, found a string",
        Some('n') => "the top level is not an object, found null",
        Some('t' | 'f') => "the top level is not an object, found a boolean",
        Some('-' | '0'..='9') => "the top level is not an object, found a number",
        // An object, or not JSON at all: the parser says where.
        Some(_) => return None,
    })
}

/// `serde_path_to_error`'s path as a JSON path: `$` for the root, `$.a.b[0]` below it.
fn json_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        "$".to_string()
    } else {
        format!("$.{path}")
    }
}

/// Validates an already-parsed policy (e.g. generated in code) and builds its store.
pub fn load_policy(policy: PolicyFile, file: &str) -> Result<Env, LoadError> {
    build(policy, &Ctx { file })
}

fn known(list: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let items: Vec<String> = list
        .into_iter()
        .take(10)
        .map(|s| format!("'{}'", s.as_ref()))
        .collect();
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// `"type:key"` → (`type`, `key`), splitting on the first colon.
pub fn split_instance(s: &str) -> Option<(&str, &str)> {
    s.split_once(':')
        .filter(|(t, k)| !t.is_empty() && !k.is_empty())
}

/// Validates `policy` phase by phase, in the order the phases refer to each other, and builds
/// its store. The first problem found is the error.
fn build(policy: PolicyFile, ctx: &Ctx<'_>) -> Result<Env, LoadError> {
    let mut b = Builder::new(&policy, ctx);
    let info = b.describe_environment()?;
    b.index_resource_types()?;
    b.build_resource_roles()?;
    b.build_tenant_roles()?;
    b.index_tenants()?;
    b.index_users()?;
    b.index_instances()?;
    b.assign_roles()?;
    b.link_relationships()?;
    b.compile_condition_sets()?;
    b.index_rules()?;
    let indexes = b.finish();
    Ok(Env::new(info, policy, indexes))
}

/// What the phases share: the policy being read, where its errors point, and the indexes
/// built so far (each phase reads the ones before it).
struct Builder<'p> {
    policy: &'p PolicyFile,
    ctx: &'p Ctx<'p>,
    ix: Indexes,
}

impl<'p> Builder<'p> {
    fn new(policy: &'p PolicyFile, ctx: &'p Ctx<'p>) -> Self {
        Builder {
            policy,
            ctx,
            ix: Indexes::default(),
        }
    }

    /// Callers pick an environment by its API key and name it by project and key: all required.
    fn describe_environment(&self) -> Result<EnvironmentInfo, LoadError> {
        let env = &self.policy.environment;
        for (field, value) in [
            ("key", &env.key),
            ("project", &env.project),
            ("api_key", &env.api_key),
        ] {
            if value.trim().is_empty() {
                return Err(self
                    .ctx
                    .err(format!("$.environment.{field}"), "must not be empty"));
            }
        }
        Ok(EnvironmentInfo {
            key: env.key.clone(),
            name: if env.name.is_empty() {
                env.key.clone()
            } else {
                env.name.clone()
            },
            project: env.project.clone(),
            api_key: env.api_key.clone(),
        })
    }

    /// Resource types and their actions first: everything else refers to them.
    fn index_resource_types(&mut self) -> Result<(), LoadError> {
        let (policy, ctx) = (self.policy, self.ctx);
        for (i, r) in policy.resources.iter().enumerate() {
            let p = format!("$.resources[{i}]");
            if r.key.is_empty() || r.key.contains(':') {
                return Err(ctx.err(
                    format!("{p}.key"),
                    "a resource key must be non-empty and contain no ':'",
                ));
            }
            if self.ix.resources.contains_key(&r.key) {
                return Err(ctx.err(
                    format!("{p}.key"),
                    format!("duplicate resource '{}'", r.key),
                ));
            }
            self.ix.resources.insert(
                r.key.clone(),
                ResourceType::new(r.key.clone(), r.actions.keys().cloned().collect()),
            );
        }
        Ok(())
    }

    /// ReBAC reads each resource role's actions with `extends` flattened, derivations checked.
    fn build_resource_roles(&mut self) -> Result<(), LoadError> {
        let (policy, ctx) = (self.policy, self.ctx);
        for (i, r) in policy.resources.iter().enumerate() {
            let p = format!("$.resources[{i}]");
            for (rel, subject) in &r.relations {
                if !self.ix.resources.contains_key(subject) {
                    return Err(ctx.err(
                        format!("{p}.relations.{rel}"),
                        format!(
                            "relation '{rel}' points to unknown resource type '{subject}' (known: {})",
                            known(self.ix.resources.keys())
                        ),
                    ));
                }
            }
            let mut parents: HashMap<&str, &[String]> = HashMap::default();
            for (role_key, role) in &r.roles {
                self.check_resource_role(r, &format!("{p}.roles.{role_key}"), role)?;
                parents.insert(role_key.as_str(), role.extends.as_slice());
            }
            if let Some(cycle) = graph::find_cycle(&parents) {
                return Err(ctx.err(
                    format!("{p}.roles.{}.extends", cycle[0]),
                    format!("cycle in extends: {}", cycle.join(" → ")),
                ));
            }
            let rt = self
                .ix
                .resources
                .get_mut(&r.key)
                .ok_or_else(|| ctx.err(&p, "internal: resource vanished"))?;
            let mut flat_actions = graph::flatten(&parents, |role| {
                r.roles.get(role).map_or_else(Vec::new, |def| {
                    def.permissions
                        .iter()
                        .map(|perm| perm.split_once(':').map_or(perm.as_str(), |(_, a)| a))
                        .map(str::to_string)
                        .collect()
                })
            });
            for (role_key, role) in &r.roles {
                let actions = flat_actions.remove(role_key).unwrap_or_default();
                rt.add_role(ResourceRole {
                    key: role_key.clone(),
                    actions,
                    derivations: role
                        .granted_to
                        .as_ref()
                        .map(|g| g.users_with_role.clone())
                        .unwrap_or_default(),
                });
            }
        }
        Ok(())
    }

    /// A resource role may grant, extend and derive from only what its policy defines.
    fn check_resource_role(
        &self,
        r: &ResourceDef,
        rp: &str,
        role: &ResourceRoleDef,
    ) -> Result<(), LoadError> {
        let ctx = self.ctx;
        for (j, perm) in role.permissions.iter().enumerate() {
            let action = match perm.split_once(':') {
                Some((t, a)) if t == r.key => a,
                Some((t, _)) => {
                    return Err(ctx.err(
                        format!("{rp}.permissions[{j}]"),
                        format!(
                            "a role of resource '{}' can only grant its own actions, not '{t}'",
                            r.key
                        ),
                    ))
                }
                None => perm.as_str(),
            };
            if !r.actions.contains_key(action) {
                return Err(ctx.err(
                    format!("{rp}.permissions[{j}]"),
                    format!(
                        "unknown action '{action}' on resource '{}' (known: {})",
                        r.key,
                        known(r.actions.keys())
                    ),
                ));
            }
        }
        for (j, ext) in role.extends.iter().enumerate() {
            if !r.roles.contains_key(ext) {
                return Err(ctx.err(
                    format!("{rp}.extends[{j}]"),
                    format!("unknown role '{ext}' on resource '{}'", r.key),
                ));
            }
        }
        let Some(granted) = &role.granted_to else {
            return Ok(());
        };
        for (j, d) in granted.users_with_role.iter().enumerate() {
            let dp = format!("{rp}.granted_to.users_with_role[{j}]");
            let Some(source) = self
                .policy
                .resources
                .iter()
                .find(|x| x.key == d.on_resource)
            else {
                return Err(ctx.err(
                    format!("{dp}.on_resource"),
                    format!("unknown resource type '{}'", d.on_resource),
                ));
            };
            if !source.roles.contains_key(&d.role) {
                return Err(ctx.err(
                    format!("{dp}.role"),
                    format!(
                        "resource '{}' has no role '{}' (known: {})",
                        d.on_resource,
                        d.role,
                        known(source.roles.keys())
                    ),
                ));
            }
            match r.relations.get(&d.linked_by_relation) {
                Some(subject) if *subject == d.on_resource => {}
                Some(subject) => {
                    return Err(ctx.err(
                        format!("{dp}.linked_by_relation"),
                        format!(
                            "relation '{}' of '{}' links to '{subject}', not '{}'",
                            d.linked_by_relation, r.key, d.on_resource
                        ),
                    ))
                }
                None => {
                    return Err(ctx.err(
                        format!("{dp}.linked_by_relation"),
                        format!(
                            "resource '{}' has no relation '{}' (known: {})",
                            r.key,
                            d.linked_by_relation,
                            known(r.relations.keys())
                        ),
                    ))
                }
            }
        }
        Ok(())
    }

    /// RBAC reads tenant roles flattened, and "what would allow" the roles granting a permission.
    fn build_tenant_roles(&mut self) -> Result<(), LoadError> {
        let (policy, ctx) = (self.policy, self.ctx);
        let mut role_defs: HashMap<&str, usize> = HashMap::default();
        for (i, role) in policy.roles.iter().enumerate() {
            if role_defs.insert(role.key.as_str(), i).is_some() {
                return Err(ctx.err(
                    format!("$.roles[{i}].key"),
                    format!("duplicate role '{}'", role.key),
                ));
            }
        }
        let mut parents: HashMap<&str, &[String]> = HashMap::default();
        for (i, role) in policy.roles.iter().enumerate() {
            for (j, perm) in role.permissions.iter().enumerate() {
                self.check_permission(perm, &format!("$.roles[{i}].permissions[{j}]"))?;
            }
            for (j, ext) in role.extends.iter().enumerate() {
                if !role_defs.contains_key(ext.as_str()) {
                    return Err(ctx.err(
                        format!("$.roles[{i}].extends[{j}]"),
                        format!("unknown role '{ext}'"),
                    ));
                }
            }
            parents.insert(role.key.as_str(), role.extends.as_slice());
        }
        if let Some(cycle) = graph::find_cycle(&parents) {
            let i = role_defs.get(cycle[0].as_str()).copied().unwrap_or(0);
            return Err(ctx.err(
                format!("$.roles[{i}].extends"),
                format!("cycle in extends: {}", cycle.join(" → ")),
            ));
        }
        let mut flat_permissions = graph::flatten(&parents, |role| {
            role_defs
                .get(role)
                .and_then(|&i| policy.roles.get(i))
                .map_or_else(Vec::new, |def| def.permissions.clone())
        });
        for role in &policy.roles {
            let flat = flat_permissions.remove(&role.key).unwrap_or_default();
            let mut sorted: Vec<&String> = flat.iter().collect();
            sorted.sort();
            for perm in sorted {
                self.ix
                    .roles_granting
                    .entry(perm.clone())
                    .or_default()
                    .push(role.key.clone());
            }
            self.ix.roles.insert(
                role.key.clone(),
                TenantRole {
                    key: role.key.clone(),
                    extends: role.extends.clone(),
                    direct: role.permissions.iter().cloned().collect(),
                    flat,
                },
            );
        }
        Ok(())
    }

    /// Assignments and instances name tenants, and conditions read their attributes.
    fn index_tenants(&mut self) -> Result<(), LoadError> {
        let (policy, ctx) = (self.policy, self.ctx);
        for (i, t) in policy.tenants.iter().enumerate() {
            if self.ix.tenants.contains_key(&t.key) {
                return Err(ctx.err(
                    format!("$.tenants[{i}].key"),
                    format!("duplicate tenant '{}'", t.key),
                ));
            }
            self.ix.tenants.insert(
                t.key.clone(),
                TenantRec {
                    key: t.key.clone(),
                    attributes: Value::Object(t.attributes.clone()),
                },
            );
        }
        Ok(())
    }

    /// Checks find users by key; their roles stay empty until the assignments fill them.
    fn index_users(&mut self) -> Result<(), LoadError> {
        let (policy, ctx) = (self.policy, self.ctx);
        self.ix.users.reserve(policy.users.len());
        for (i, u) in policy.users.iter().enumerate() {
            if self.ix.users.contains_key(&u.key) {
                return Err(ctx.err(
                    format!("$.users[{i}].key"),
                    format!("duplicate user '{}'", u.key),
                ));
            }
            self.ix.users.insert(
                u.key.clone(),
                UserRec {
                    key: u.key.clone(),
                    email: u.email.clone(),
                    first_name: u.first_name.clone(),
                    last_name: u.last_name.clone(),
                    attributes: u.attributes.clone(),
                    ..UserRec::default()
                },
            );
        }
        Ok(())
    }

    /// ReBAC and resource conditions find instances by `"type:key"`, of known types and tenants.
    fn index_instances(&mut self) -> Result<(), LoadError> {
        let (policy, ctx) = (self.policy, self.ctx);
        self.ix.instances.reserve(policy.resource_instances.len());
        for (i, inst) in policy.resource_instances.iter().enumerate() {
            let p = format!("$.resource_instances[{i}]");
            if !self.ix.resources.contains_key(&inst.resource) {
                return Err(ctx.err(
                    format!("{p}.resource"),
                    format!(
                        "unknown resource type '{}' (known: {})",
                        inst.resource,
                        known(self.ix.resources.keys())
                    ),
                ));
            }
            if !self.ix.tenants.contains_key(&inst.tenant) {
                return Err(ctx.err(
                    format!("{p}.tenant"),
                    format!(
                        "unknown tenant '{}' (known: {})",
                        inst.tenant,
                        known(self.ix.tenants.keys())
                    ),
                ));
            }
            let id = format!("{}:{}", inst.resource, inst.key);
            if self.ix.instances.contains_key(&id) {
                return Err(ctx.err(
                    format!("{p}.key"),
                    format!("duplicate resource instance '{id}'"),
                ));
            }
            self.ix.instances.insert(
                id,
                InstanceRec {
                    kind: inst.resource.clone(),
                    key: inst.key.clone(),
                    tenant: inst.tenant.clone(),
                    attributes: inst.attributes.clone(),
                },
            );
        }
        Ok(())
    }

    /// Roles land on their users and in reverse indexes, so no check scans the assignments.
    fn assign_roles(&mut self) -> Result<(), LoadError> {
        let (policy, ctx) = (self.policy, self.ctx);
        let ix = &mut self.ix;
        for (i, a) in policy.role_assignments.iter().enumerate() {
            let p = format!("$.role_assignments[{i}]");
            if !ix.tenants.contains_key(&a.tenant) {
                return Err(ctx.err(
                    format!("{p}.tenant"),
                    format!(
                        "unknown tenant '{}' (known: {})",
                        a.tenant,
                        known(ix.tenants.keys())
                    ),
                ));
            }
            if !ix.users.contains_key(&a.user) {
                return Err(ctx.err(format!("{p}.user"), format!("unknown user '{}'", a.user)));
            }
            match &a.resource_instance {
                Some(inst_id) => {
                    let Some(inst) = ix.instances.get(inst_id) else {
                        return Err(ctx.err(format!("{p}.resource_instance"), format!("unknown resource instance '{inst_id}' (expected 'type:key' of a listed instance)")));
                    };
                    let rt = ix
                        .resources
                        .get(&inst.kind)
                        .ok_or_else(|| ctx.err(&p, "internal: resource vanished"))?;
                    if rt.role(&a.role).is_none() {
                        return Err(ctx.err(
                            format!("{p}.role"),
                            format!(
                                "unknown role '{}' on resource '{}' (known: {})",
                                a.role,
                                inst.kind,
                                known(rt.role_keys())
                            ),
                        ));
                    }
                    if inst.tenant != a.tenant {
                        return Err(ctx.err(
                            format!("{p}.tenant"),
                            format!(
                                "instance '{inst_id}' belongs to tenant '{}', not '{}'",
                                inst.tenant, a.tenant
                            ),
                        ));
                    }
                }
                None => {
                    if !ix.roles.contains_key(&a.role) {
                        return Err(ctx.err(
                            format!("{p}.role"),
                            format!(
                                "unknown role '{}' (known: {})",
                                a.role,
                                known(ix.roles.keys())
                            ),
                        ));
                    }
                }
            }
            let members = match &a.resource_instance {
                Some(inst) => ix.instance_users.entry(inst.clone()).or_default(),
                None => ix.tenant_members.entry(a.tenant.clone()).or_default(),
            };
            if members.last() != Some(&a.user) {
                members.push(a.user.clone());
            }
            let user = ix
                .users
                .get_mut(&a.user)
                .ok_or_else(|| ctx.err(&p, "internal: user vanished"))?;
            let list = match &a.resource_instance {
                Some(inst) => user.instance_roles.entry(inst.clone()).or_default(),
                None => user.tenant_roles.entry(a.tenant.clone()).or_default(),
            };
            if !list.contains(&a.role) {
                list.push(a.role.clone());
            }
        }
        for list in ix
            .instance_users
            .values_mut()
            .chain(ix.tenant_members.values_mut())
        {
            list.sort();
            list.dedup();
        }
        for user in ix.users.values_mut() {
            let mut ts: BTreeSet<String> = user.tenant_roles.keys().cloned().collect();
            for inst in user.instance_roles.keys() {
                if let Some(rec) = ix.instances.get(inst) {
                    ts.insert(rec.tenant.clone());
                }
            }
            user.tenants = ts.into_iter().collect();
        }
        Ok(())
    }

    /// The ReBAC walk follows tuples both ways, each along a relation its object's type declares.
    fn link_relationships(&mut self) -> Result<(), LoadError> {
        let (policy, ctx) = (self.policy, self.ctx);
        for (i, t) in policy.relationship_tuples.iter().enumerate() {
            let p = format!("$.relationship_tuples[{i}]");
            for (field, id) in [("subject", &t.subject), ("object", &t.object)] {
                if !self.ix.instances.contains_key(id) {
                    return Err(ctx.err(
                        format!("{p}.{field}"),
                        format!("unknown resource instance '{id}'"),
                    ));
                }
            }
            let (obj_type, _) = split_instance(&t.object)
                .ok_or_else(|| ctx.err(format!("{p}.object"), "expected 'type:key'"))?;
            let (subj_type, _) = split_instance(&t.subject)
                .ok_or_else(|| ctx.err(format!("{p}.subject"), "expected 'type:key'"))?;
            let def = policy.resources.iter().find(|r| r.key == obj_type);
            match def.and_then(|d| d.relations.get(&t.relation)) {
                Some(expected) if expected == subj_type => {}
                Some(expected) => {
                    return Err(ctx.err(
                        format!("{p}.subject"),
                        format!(
                        "relation '{}' of '{obj_type}' takes a '{expected}', not a '{subj_type}'",
                        t.relation
                    ),
                    ))
                }
                None => {
                    return Err(ctx.err(
                        format!("{p}.relation"),
                        format!("resource '{obj_type}' has no relation '{}'", t.relation),
                    ))
                }
            }
            self.ix
                .incoming
                .entry(t.object.clone())
                .or_default()
                .push((t.relation.clone(), t.subject.clone()));
            self.ix
                .outgoing
                .entry(t.subject.clone())
                .or_default()
                .push((t.relation.clone(), t.object.clone()));
        }
        Ok(())
    }

    /// Conditions compile once here, not per check; a parent is of the same kind, never a cycle.
    fn compile_condition_sets(&mut self) -> Result<(), LoadError> {
        let (policy, ctx) = (self.policy, self.ctx);
        for (i, s) in policy.condition_sets.iter().enumerate() {
            let p = format!("$.condition_sets[{i}]");
            if self.ix.sets.contains_key(&s.key) || s.key.starts_with("__autogen_") {
                return Err(ctx.err(
                    format!("{p}.key"),
                    format!("duplicate or reserved condition set key '{}'", s.key),
                ));
            }
            if let Some(rt) = &s.resource_id {
                if !self.ix.resources.contains_key(rt) {
                    return Err(ctx.err(
                        format!("{p}.resource_id"),
                        format!(
                            "unknown resource type '{rt}' (known: {})",
                            known(self.ix.resources.keys())
                        ),
                    ));
                }
            }
            let cond = conditions::compile(&s.conditions, &format!("{p}.conditions"))
                .map_err(|e| ctx.err(e.path, e.reason))?;
            self.ix.sets.insert(
                s.key.clone(),
                CompiledSet {
                    key: s.key.clone(),
                    name: if s.name.is_empty() {
                        s.key.clone()
                    } else {
                        s.name.clone()
                    },
                    kind: s.kind,
                    resource_type: s.resource_id.clone(),
                    parent: s.parent_id.clone(),
                    any_of: conditions::any_of_helpers(
                        &cond,
                        &conditions::rule_name(s.kind.rule_prefix(), &s.key),
                    )
                    .into_iter()
                    .map(|(name, group)| (name, group.clone()))
                    .collect(),
                    cond,
                },
            );
        }
        let mut set_parents: HashMap<&str, &[String]> = HashMap::default();
        let parent_lists: Vec<(String, Vec<String>)> = policy
            .condition_sets
            .iter()
            .map(|s| (s.key.clone(), s.parent_id.iter().cloned().collect()))
            .collect();
        for (i, s) in policy.condition_sets.iter().enumerate() {
            if let Some(parent) = &s.parent_id {
                match self.ix.sets.get(parent) {
                    Some(ps) if ps.kind == s.kind => {}
                    Some(_) => {
                        return Err(ctx.err(
                            format!("$.condition_sets[{i}].parent_id"),
                            format!("parent '{parent}' is not the same kind of set"),
                        ))
                    }
                    None => {
                        return Err(ctx.err(
                            format!("$.condition_sets[{i}].parent_id"),
                            format!("unknown condition set '{parent}'"),
                        ))
                    }
                }
            }
        }
        for (k, l) in &parent_lists {
            set_parents.insert(k.as_str(), l.as_slice());
        }
        if let Some(cycle) = graph::find_cycle(&set_parents) {
            return Err(ctx.err(
                "$.condition_sets",
                format!("cycle in parent_id: {}", cycle.join(" → ")),
            ));
        }
        Ok(())
    }

    /// ABAC finds rules by permission; each side is a set of its kind or an autogenerated one.
    fn index_rules(&mut self) -> Result<(), LoadError> {
        let (policy, ctx) = (self.policy, self.ctx);
        for (i, r) in policy.condition_set_rules.iter().enumerate() {
            let p = format!("$.condition_set_rules[{i}]");
            let (ptype, _) = self.check_permission(&r.permission, &format!("{p}.permission"))?;
            let userset = match self.ix.sets.get(&r.user_set) {
                Some(s) if s.kind == SetKind::Userset => SetRef::Set(r.user_set.clone()),
                _ => {
                    let role = r.user_set.strip_prefix("__autogen_").unwrap_or(&r.user_set);
                    if !self.ix.roles.contains_key(role) {
                        return Err(ctx.err(
                            format!("{p}.user_set"),
                            format!("'{}' is neither a user set nor a role", r.user_set),
                        ));
                    }
                    SetRef::Role(role.to_string())
                }
            };
            let resourceset = match self.ix.sets.get(&r.resource_set) {
                Some(s) if s.kind == SetKind::Resourceset => {
                    if let Some(rt) = &s.resource_type {
                        if rt != ptype {
                            return Err(ctx.err(format!("{p}.resource_set"), format!("resource set '{}' is about '{rt}', but the permission is on '{ptype}'", s.key)));
                        }
                    }
                    SetRef::Set(r.resource_set.clone())
                }
                _ => {
                    let t = r
                        .resource_set
                        .strip_prefix("__autogen_")
                        .unwrap_or(&r.resource_set);
                    if t != ptype {
                        return Err(ctx.err(format!("{p}.resource_set"), format!("'{}' is neither a resource set nor the permission's resource type '{ptype}'", r.resource_set)));
                    }
                    SetRef::Type(t.to_string())
                }
            };
            self.ix
                .rules_by_permission
                .entry(r.permission.clone())
                .or_default()
                .push(Rule {
                    userset,
                    resourceset,
                });
        }
        Ok(())
    }

    /// Facts a check would otherwise recompute: direct-role instances, ReBAC on, known set names.
    fn finish(mut self) -> Indexes {
        let policy = self.policy;
        let ix = &mut self.ix;
        ix.instances_with_direct_roles = policy
            .role_assignments
            .iter()
            .filter_map(|a| a.resource_instance.clone())
            .collect();
        ix.rebac_active =
            !ix.incoming.is_empty() || ix.users.values().any(|u| !u.instance_roles.is_empty());
        ix.role_assignment_count = policy.role_assignments.len();
        // Permit's known-set lists leave the autogenerated sets out but keep the helpers.
        let known_sets = |kind: SetKind| {
            let mut names: Vec<String> = Vec::new();
            for set in ix.sets.values().filter(|s| s.kind == kind) {
                names.push(set.key.clone());
                names.extend(set.any_of.iter().map(|(name, _)| name.clone()));
            }
            names.sort_unstable();
            names
        };
        let known_usersets = known_sets(SetKind::Userset);
        let known_resourcesets = known_sets(SetKind::Resourceset);
        ix.known_usersets = known_usersets;
        ix.known_resourcesets = known_resourcesets;
        self.ix
    }

    /// Tenant roles and ABAC rules grant `"type:action"`: both the type and the action must exist.
    fn check_permission<'a>(
        &self,
        perm: &'a str,
        path: &str,
    ) -> Result<(&'a str, &'a str), LoadError> {
        let ctx = self.ctx;
        let Some((t, a)) = perm.split_once(':') else {
            return Err(ctx.err(
                path,
                format!("permission '{perm}' must look like 'resource:action'"),
            ));
        };
        let Some(rt) = self.ix.resources.get(t) else {
            return Err(ctx.err(
                path,
                format!(
                    "permission '{perm}' is on unknown resource '{t}' (known: {})",
                    known(self.ix.resources.keys())
                ),
            ));
        };
        if !rt.has_action(a) {
            return Err(ctx.err(
                path,
                format!(
                    "permission '{perm}': resource '{t}' has no action '{a}' (known: {})",
                    known(rt.actions())
                ),
            ));
        }
        Ok((t, a))
    }
}
