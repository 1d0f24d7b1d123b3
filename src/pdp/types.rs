//! Wire types of Permit's PDP protocol, shared by the client and the sandbox server.
//!
//! Field names and optionality follow the PDP's Rust front server (`AllowedQuery`,
//! `AllowedResult`): snake_case names, `resource.key` left out for type-level checks.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A JSON object, as used for attributes and context.
pub type JsonObject = Map<String, Value>;

/// The tenant the SDKs fill in when none is given.
pub const DEFAULT_TENANT: &str = "default";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "JsonObject::is_empty")]
    pub attributes: JsonObject,
}

impl User {
    pub fn with_key(key: impl Into<String>) -> Self {
        User {
            key: key.into(),
            ..User::default()
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(default, skip_serializing_if = "JsonObject::is_empty")]
    pub attributes: JsonObject,
    #[serde(default, skip_serializing_if = "JsonObject::is_empty")]
    pub context: JsonObject,
}

/// Body of `POST /allowed`; the elements of `POST /allowed/bulk` and `/allowed/all-tenants`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AllowedQuery {
    pub user: User,
    pub action: String,
    pub resource: Resource,
    #[serde(default, skip_serializing_if = "JsonObject::is_empty")]
    pub context: JsonObject,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
}

/// Body of a `200` answer to `POST /allowed`. `result` is a legacy mirror of `allow` and is
/// never read; `debug` is present only when the PDP runs in debug mode.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AllowedResult {
    pub allow: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug: Option<Debug>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<bool>,
}

/// The key under `debug` where the sandbox puts its trace. Permit's PDP never sends it, and
/// clients that do not know it ignore it.
pub const SANDBOX_TRACE_KEY: &str = "sandbox_trace";

/// The request header that asks the sandbox for its trace. The trace costs far more to build
/// than the decision, so the sandbox builds it only when asked; Permit's PDPs ignore the header.
pub const SANDBOX_TRACE_HEADER: &str = "x-permit-tui-trace";

/// Permit's `debug` object. Unknown keys are kept in `extra`, so nothing a PDP sends is lost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Debug {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rbac: Option<DebugBlock>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abac: Option<DebugBlock>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rebac: Option<DebugBlock>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<DebugBlock>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "sandbox_trace"
    )]
    pub sandbox_trace: Option<Value>,
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl Debug {
    /// The model blocks present, in Permit's order, with their names.
    pub fn blocks(&self) -> impl Iterator<Item = (&'static str, &DebugBlock)> {
        [
            ("rbac", self.rbac.as_ref()),
            ("abac", self.abac.as_ref()),
            ("rebac", self.rebac.as_ref()),
            ("custom", self.custom.as_ref()),
        ]
        .into_iter()
        .filter_map(|(name, block)| block.map(|b| (name, b)))
    }
}

/// One model's verdict inside `debug` (`rbac`, `abac`, `rebac`, `custom`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DebugBlock {
    #[serde(default)]
    pub allow: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// RBAC: role keys; ReBAC: objects `{role, resource, reason, sources}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowing_roles: Option<Vec<Value>>,
    /// ABAC: `{userset|role, resourceset|resource_type}` objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowing_rules: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matching_usersets: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matching_resourcesets: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_link: Option<String>,
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// Answer of `POST /allowed/bulk`: results in request order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BulkResult {
    pub allow: Vec<AllowedResult>,
}

/// A tenant as the PDP reports it in `/allowed/all-tenants` and `/user-permissions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TenantRef {
    pub key: String,
    #[serde(default)]
    pub attributes: JsonObject,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TenantDecision {
    pub allow: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug: Option<Debug>,
    pub tenant: TenantRef,
}

/// Answer of `POST /allowed/all-tenants`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AllTenantsResult {
    pub allowed_tenants: Vec<TenantDecision>,
}

/// Body of `POST /user-permissions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserPermissionsQuery {
    pub user: User,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenants: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<JsonObject>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PermissionResource {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub attributes: JsonObject,
}

/// One entry of the `/user-permissions` answer, keyed by `__tenant:<t>` or `<type>:<key>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PermissionEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<TenantRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<PermissionResource>,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
}

/// Answer of `POST /user-permissions`.
pub type UserPermissions = std::collections::BTreeMap<String, PermissionEntry>;

/// Body of `POST /authorized_users`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorizedUsersQuery {
    pub action: String,
    pub resource: Resource,
    #[serde(default, skip_serializing_if = "JsonObject::is_empty")]
    pub context: JsonObject,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorizedAssignment {
    pub user: String,
    pub tenant: String,
    pub resource: String,
    pub role: String,
}

/// Answer of `POST /authorized_users`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorizedUsersResult {
    pub resource: String,
    pub tenant: String,
    pub users: std::collections::BTreeMap<String, Vec<AuthorizedAssignment>>,
}

/// Answer of `GET /healthy` (also `/health`, `/ready`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    #[serde(default)]
    pub components: JsonObject,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn response_without_debug_parses_and_ignores_legacy_result() {
        let r: AllowedResult =
            serde_json::from_value(json!({"allow": true, "result": false})).unwrap();
        assert!(r.allow);
        assert!(r.debug.is_none());
    }

    #[test]
    fn response_with_debug_keeps_unknown_fields_through_a_round_trip() {
        let raw = json!({"allow": false, "debug": {
            "request": {"user": {"key": "a", "synced": true}},
            "abac": {"allow": false, "code": "no_matching_rules", "reason": "x",
                     "matching_usersets": ["us"], "matching_resourcesets": ["rs"], "new": 1},
            "sandbox_trace": {"rbac": {}}, "other": "kept"}});
        let r: AllowedResult = serde_json::from_value(raw.clone()).unwrap();
        let debug = r.debug.as_ref().unwrap();
        let abac = debug.abac.as_ref().unwrap();
        assert_eq!(abac.matching_usersets, Some(vec![json!("us")]));
        assert_eq!(abac.extra["new"], json!(1));
        assert_eq!(
            debug.blocks().map(|(n, _)| n).collect::<Vec<_>>(),
            vec!["abac"]
        );
        assert_eq!(serde_json::to_value(&r).unwrap(), raw);
    }

    #[test]
    fn a_string_user_is_refused_as_current_pdps_do() {
        let body = json!({"user": "alice", "action": "read", "resource": {"type": "doc"}});
        assert!(serde_json::from_value::<AllowedQuery>(body).is_err());
    }
}
