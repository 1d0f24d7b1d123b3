//! Serde model of a sandbox policy file. One file is one environment; object
//! names and shapes follow Permit's API objects so a real environment can be exported into one.
//! Everything is optional except the environment block, so small test policies stay small.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub type JsonObject = Map<String, Value>;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    pub environment: EnvironmentDef,
    #[serde(default)]
    pub resources: Vec<ResourceDef>,
    #[serde(default)]
    pub roles: Vec<RoleDef>,
    #[serde(default)]
    pub tenants: Vec<TenantDef>,
    #[serde(default)]
    pub users: Vec<UserDef>,
    #[serde(default)]
    pub role_assignments: Vec<RoleAssignmentDef>,
    #[serde(default)]
    pub resource_instances: Vec<ResourceInstanceDef>,
    #[serde(default)]
    pub relationship_tuples: Vec<RelationshipTupleDef>,
    #[serde(default)]
    pub condition_sets: Vec<ConditionSetDef>,
    #[serde(default)]
    pub condition_set_rules: Vec<ConditionSetRuleDef>,
    /// Where a snapshot came from (`permit-tui snapshot`); absent in hand-written files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SnapshotSource>,
}

/// The environment a snapshot mirrors, and when it was taken. Never its API key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SnapshotSource {
    pub api_url: String,
    pub project: String,
    pub environment: String,
    /// RFC 3339, UTC.
    pub taken_at: String,
    /// Objects per kind, as fetched (`users`, `role_assignments`, ...).
    #[serde(default)]
    pub counts: BTreeMap<String, usize>,
    /// Objects left out because the sandbox cannot represent them, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
    /// The project's active policy repository when the snapshot was taken: custom Rego may
    /// decide on top of Permit's policy there, which the sandbox does not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_policy_repo_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EnvironmentDef {
    pub key: String,
    #[serde(default)]
    pub name: String,
    pub project: String,
    pub api_key: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ResourceDef {
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Action key → Permit's action object (`name`, `description`, …), kept as given.
    #[serde(default)]
    pub actions: BTreeMap<String, JsonObject>,
    /// Attribute key → `{"type": "string"|"number"|…}`.
    #[serde(default)]
    pub attributes: BTreeMap<String, JsonObject>,
    /// Resource roles (ReBAC): role key → definition.
    #[serde(default)]
    pub roles: BTreeMap<String, ResourceRoleDef>,
    /// Relation key → subject resource type, e.g. `{"parent": "folder"}` on `document`.
    #[serde(default)]
    pub relations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ResourceRoleDef {
    #[serde(default)]
    pub name: Option<String>,
    /// Action keys of this resource (`"read"`, or `"document:read"` for the same type).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Other roles of the same resource whose permissions this role inherits.
    #[serde(default)]
    pub extends: Vec<String>,
    #[serde(default)]
    pub granted_to: Option<GrantedTo>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GrantedTo {
    #[serde(default)]
    pub users_with_role: Vec<Derivation>,
}

/// "Users with `role` on the `on_resource` instance linked to this one by `linked_by_relation`
/// get this role here."
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Derivation {
    pub role: String,
    pub on_resource: String,
    pub linked_by_relation: String,
    #[serde(default)]
    pub when: Option<DerivationWhen>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DerivationWhen {
    #[serde(default)]
    pub no_direct_roles_on_object: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RoleDef {
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `"<resource type>:<action>"`.
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub extends: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TenantDef {
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub attributes: JsonObject,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UserDef {
    pub key: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub attributes: JsonObject,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RoleAssignmentDef {
    pub user: String,
    pub role: String,
    pub tenant: String,
    /// `"type:key"` for a resource role; absent for a tenant-level role.
    #[serde(default)]
    pub resource_instance: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ResourceInstanceDef {
    pub key: String,
    pub resource: String,
    pub tenant: String,
    #[serde(default)]
    pub attributes: JsonObject,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RelationshipTupleDef {
    /// `"type:key"`.
    pub subject: String,
    pub relation: String,
    /// `"type:key"`.
    pub object: String,
    #[serde(default)]
    pub tenant: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SetKind {
    Userset,
    Resourceset,
}

impl SetKind {
    /// The prefix of the Rego rules Permit generates for sets of this kind.
    pub fn rule_prefix(self) -> &'static str {
        match self {
            SetKind::Userset => "userset",
            SetKind::Resourceset => "resourceset",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConditionSetDef {
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: SetKind,
    /// Resource sets: the resource type the set is about.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// A parent set whose conditions are ANDed with this one's.
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub conditions: Value,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConditionSetRuleDef {
    /// A user set key, or a role key (`viewer` or `__autogen_viewer`).
    pub user_set: String,
    /// `"<resource type>:<action>"`.
    pub permission: String,
    /// A resource set key, or a resource type key (`document` or `__autogen_document`).
    pub resource_set: String,
}
