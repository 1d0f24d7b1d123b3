//! The indexed in-memory form of one environment. Every lookup a check needs is a hash lookup
//! keyed by user, tenant, role, instance or permission, so a decision never scans all users
//! or all role assignments. Only the loader (`load.rs`) fills it; everyone else reads it
//! through `Env`'s methods.

use std::collections::BTreeMap;

/// The store's maps hash with FxHash: keys come from the trusted policy file, and SipHash's
/// flood resistance cost more than the rest of a decision.
pub type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;
pub type HashSet<T> = rustc_hash::FxHashSet<T>;

/// A map that iterates in insertion order (the policy file's order) and hashes with FxHash.
/// Permit's Rego and our traces list resource types, roles, tenants, users and condition sets
/// in a defined order, so every map the store also iterates is one of these.
pub type OrderedMap<K, V> = indexmap::IndexMap<K, V, rustc_hash::FxBuildHasher>;
/// The set counterpart of `OrderedMap`.
pub type OrderedSet<T> = indexmap::IndexSet<T, rustc_hash::FxBuildHasher>;

use super::conditions::{Cond, Types};
use super::policy::{Derivation, PolicyFile, SetKind};

/// Public facts about one environment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EnvironmentInfo {
    pub key: String,
    pub name: String,
    pub project: String,
    pub api_key: String,
}

#[derive(Debug, Clone)]
pub struct ResourceType {
    key: String,
    /// Action keys in file order (for "known actions" lists).
    actions: OrderedSet<String>,
    /// Resource roles in file order.
    roles: OrderedMap<String, ResourceRole>,
}

impl ResourceType {
    /// A type with its actions (in file order) and no roles yet.
    pub(super) fn new(key: String, actions: OrderedSet<String>) -> Self {
        ResourceType {
            key,
            actions,
            roles: OrderedMap::default(),
        }
    }

    /// Adds a resource role after the ones already added.
    pub(super) fn add_role(&mut self, role: ResourceRole) {
        self.roles.insert(role.key.clone(), role);
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Action keys in file order.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = &String> + Clone {
        self.actions.iter()
    }

    pub fn has_action(&self, action: &str) -> bool {
        self.actions.contains(action)
    }

    pub fn role(&self, key: &str) -> Option<&ResourceRole> {
        self.roles.get(key)
    }

    /// Resource roles in file order.
    pub fn roles(&self) -> impl ExactSizeIterator<Item = &ResourceRole> + Clone {
        self.roles.values()
    }

    /// Resource role keys in file order.
    pub fn role_keys(&self) -> impl ExactSizeIterator<Item = &String> + Clone {
        self.roles.keys()
    }
}

#[derive(Debug, Clone)]
pub struct ResourceRole {
    pub key: String,
    /// Actions on its own type, with `extends` already flattened.
    pub actions: HashSet<String>,
    pub derivations: Vec<Derivation>,
}

#[derive(Debug, Clone)]
pub struct TenantRole {
    pub key: String,
    pub extends: Vec<String>,
    /// Permissions granted directly: `"type:action"`.
    pub direct: HashSet<String>,
    /// Permissions with `extends` flattened.
    pub flat: HashSet<String>,
}

#[derive(Debug, Clone)]
pub struct TenantRec {
    pub key: String,
    pub attributes: serde_json::Value,
}

#[derive(Debug, Clone, Default)]
pub struct UserRec {
    pub key: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// Tenant-level roles per tenant, in assignment order.
    pub tenant_roles: BTreeMap<String, Vec<String>>,
    /// Resource roles per instance `"type:key"`.
    pub instance_roles: HashMap<String, Vec<String>>,
    /// Tenants where the user holds any role (tenant-level or on an instance), sorted.
    pub tenants: Vec<String>,
}

impl UserRec {
    /// The tenants where the user holds a tenant-level role, sorted: the keys of Permit's
    /// `roleAssignments`, which Permit generates as the attribute `user.tenants`.
    pub fn tenants_with_roles(&self) -> Vec<&str> {
        self.tenant_roles
            .iter()
            .filter(|(_, roles)| !roles.is_empty())
            .map(|(t, _)| t.as_str())
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct InstanceRec {
    pub kind: String,
    pub key: String,
    pub tenant: String,
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct CompiledSet {
    pub key: String,
    pub name: String,
    pub kind: SetKind,
    pub resource_type: Option<String>,
    pub parent: Option<String>,
    pub cond: Cond,
    /// Its `anyOf` groups with the name of the helper rule Permit writes for each
    /// (`userset_<enc key>_any_of_<n>`): its debug lists report a helper like a set, under
    /// that raw name (see `conditions::any_of_helpers`).
    pub any_of: Vec<(String, Cond)>,
}

/// A side of an ABAC rule: a real condition set, or an autogenerated one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SetRef {
    Set(String),
    Role(String),
    Type(String),
}

impl SetRef {
    /// The name Permit uses in its data (`__autogen_<x>` for generated sets).
    pub fn data_key(&self) -> String {
        match self {
            SetRef::Set(k) => k.clone(),
            SetRef::Role(k) | SetRef::Type(k) => format!("__autogen_{k}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub userset: SetRef,
    pub resourceset: SetRef,
}

/// The indexes the loader builds and hands to `Env::new` whole. Its fields are the loader's to
/// fill; once in an `Env` they are read only through `Env`'s methods.
#[derive(Debug, Clone, Default)]
pub(super) struct Indexes {
    pub(super) resources: OrderedMap<String, ResourceType>,
    pub(super) roles: OrderedMap<String, TenantRole>,
    /// `"type:action"` → tenant roles that grant it (flattened), in role order.
    pub(super) roles_granting: HashMap<String, Vec<String>>,
    pub(super) tenants: OrderedMap<String, TenantRec>,
    pub(super) users: OrderedMap<String, UserRec>,
    pub(super) instances: HashMap<String, InstanceRec>,
    /// Object instance → `(relation, subject instance)` pairs pointing at it.
    pub(super) incoming: HashMap<String, Vec<(String, String)>>,
    /// Subject instance → `(relation, object instance)` pairs it points at.
    pub(super) outgoing: HashMap<String, Vec<(String, String)>>,
    /// Instance → users with a directly assigned role on it.
    pub(super) instance_users: HashMap<String, Vec<String>>,
    /// Tenant → users with a tenant-level role in it, in assignment order.
    pub(super) tenant_members: HashMap<String, Vec<String>>,
    /// Instances that hold at least one directly assigned resource role (for
    /// `no_direct_roles_on_object`).
    pub(super) instances_with_direct_roles: HashSet<String>,
    /// Condition sets of both kinds, in file order.
    pub(super) sets: OrderedMap<String, CompiledSet>,
    /// `"type:action"` → the rules granting it.
    pub(super) rules_by_permission: HashMap<String, Vec<Rule>>,
    /// Every set name Permit's ABAC debug lists as known, sorted: condition sets, their
    /// `anyOf` helpers and the autogenerated sets.
    pub(super) known_usersets: Vec<String>,
    pub(super) known_resourcesets: Vec<String>,
    /// ReBAC is "activated" when relationships or resource-role assignments exist.
    pub(super) rebac_active: bool,
    pub(super) role_assignment_count: usize,
}

/// One loaded environment: its facts, the file as loaded and the indexes a check reads.
#[derive(Debug, Clone)]
pub struct Env {
    info: EnvironmentInfo,
    /// The file as loaded, for the REST slice.
    policy: PolicyFile,
    ix: Indexes,
    /// How conditions compare values of different JSON types.
    types: Types,
}

impl Env {
    pub(super) fn new(info: EnvironmentInfo, policy: PolicyFile, ix: Indexes) -> Self {
        Env {
            info,
            policy,
            ix,
            types: Types::default(),
        }
    }

    pub fn info(&self) -> &EnvironmentInfo {
        &self.info
    }

    /// The file as loaded, for the REST slice.
    pub fn policy(&self) -> &PolicyFile {
        &self.policy
    }

    /// How conditions compare values of different JSON types.
    pub fn types(&self) -> Types {
        self.types
    }

    pub(crate) fn set_types(&mut self, types: Types) {
        self.types = types;
    }

    pub fn resource_type(&self, key: &str) -> Option<&ResourceType> {
        self.ix.resources.get(key)
    }

    /// Resource type keys in file order. Permit generates a resource set `__autogen_<type>`
    /// for each, whether or not a rule names it.
    pub fn resource_type_keys(&self) -> impl ExactSizeIterator<Item = &String> + Clone {
        self.ix.resources.keys()
    }

    /// A tenant-level role.
    pub fn role(&self, key: &str) -> Option<&TenantRole> {
        self.ix.roles.get(key)
    }

    /// Tenant-level role keys in file order. Permit generates a user set `__autogen_<role>`
    /// for each, whether or not a rule names it.
    pub fn role_keys(&self) -> impl ExactSizeIterator<Item = &String> + Clone {
        self.ix.roles.keys()
    }

    /// The tenant roles granting `permission` (`"type:action"`, `extends` flattened), in role
    /// order.
    pub fn roles_granting(&self, permission: &str) -> &[String] {
        self.ix
            .roles_granting
            .get(permission)
            .map_or(&[], Vec::as_slice)
    }

    pub fn tenant(&self, key: &str) -> Option<&TenantRec> {
        self.ix.tenants.get(key)
    }

    /// Tenant keys in file order.
    pub fn tenant_keys(&self) -> impl ExactSizeIterator<Item = &String> + Clone {
        self.ix.tenants.keys()
    }

    pub fn user(&self, key: &str) -> Option<&UserRec> {
        self.ix.users.get(key)
    }

    /// Users in file order.
    pub fn users(&self) -> impl ExactSizeIterator<Item = &UserRec> + Clone {
        self.ix.users.values()
    }

    /// A resource instance by `"type:key"`.
    pub fn instance(&self, id: &str) -> Option<&InstanceRec> {
        self.ix.instances.get(id)
    }

    /// `(relation, subject instance)` pairs pointing at `instance`, in file order.
    pub fn incoming(&self, instance: &str) -> &[(String, String)] {
        self.ix.incoming.get(instance).map_or(&[], Vec::as_slice)
    }

    /// `(relation, object instance)` pairs `instance` points at, in file order.
    pub fn outgoing(&self, instance: &str) -> &[(String, String)] {
        self.ix.outgoing.get(instance).map_or(&[], Vec::as_slice)
    }

    /// Users with a directly assigned role on `instance`, sorted.
    pub fn instance_users(&self, instance: &str) -> &[String] {
        self.ix
            .instance_users
            .get(instance)
            .map_or(&[], Vec::as_slice)
    }

    /// Users with a tenant-level role in `tenant`, sorted.
    pub fn tenant_members(&self, tenant: &str) -> &[String] {
        self.ix
            .tenant_members
            .get(tenant)
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `instance` holds at least one directly assigned resource role (for
    /// `no_direct_roles_on_object`).
    pub fn has_direct_roles(&self, instance: &str) -> bool {
        self.ix.instances_with_direct_roles.contains(instance)
    }

    /// A condition set of either kind.
    pub fn set(&self, key: &str) -> Option<&CompiledSet> {
        self.ix.sets.get(key)
    }

    /// User sets in file order.
    pub fn usersets(&self) -> impl Iterator<Item = &CompiledSet> + Clone {
        self.sets_of(SetKind::Userset)
    }

    /// Resource sets in file order.
    pub fn resourcesets(&self) -> impl Iterator<Item = &CompiledSet> + Clone {
        self.sets_of(SetKind::Resourceset)
    }

    fn sets_of(&self, kind: SetKind) -> impl Iterator<Item = &CompiledSet> + Clone {
        self.ix.sets.values().filter(move |s| s.kind == kind)
    }

    /// ABAC is "activated" when the policy has condition sets.
    pub fn has_condition_sets(&self) -> bool {
        !self.ix.sets.is_empty()
    }

    /// The rules granting `permission` (`"type:action"`), in file order.
    pub fn rules_for(&self, permission: &str) -> &[Rule] {
        self.ix
            .rules_by_permission
            .get(permission)
            .map_or(&[], Vec::as_slice)
    }

    /// Every user set name Permit's ABAC debug lists as known, sorted: condition sets and
    /// their `anyOf` helpers.
    pub fn known_usersets(&self) -> &[String] {
        &self.ix.known_usersets
    }

    /// Every resource set name Permit's ABAC debug lists as known, sorted.
    pub fn known_resourcesets(&self) -> &[String] {
        &self.ix.known_resourcesets
    }

    /// ReBAC is "activated" when relationships or resource-role assignments exist.
    pub fn rebac_active(&self) -> bool {
        self.ix.rebac_active
    }

    pub fn role_assignment_count(&self) -> usize {
        self.ix.role_assignment_count
    }
}
