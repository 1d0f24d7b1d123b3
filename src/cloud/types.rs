//! The parts of Permit's `*Read` objects the explorer uses. Every field is defaulted, so a
//! newer API with more or fewer fields still parses.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::pdp::types::JsonObject;

/// `GET /v2/api-key/scope`: which level the key is at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyScope {
    #[serde(default)]
    pub organization_id: String,
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub environment_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Project {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Set when the project's policy comes from a Git repository (custom Rego possible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_policy_repo_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// `GET /v2/api-key/{proj}/{env}`. The key is in `secret`; Debug masks it.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyRead {
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub object_type: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub environment_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl fmt::Debug for ApiKeyRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyRead")
            .field("secret", &crate::pdp::mask_key(&self.secret))
            .field("id", &self.id)
            .field("object_type", &self.object_type)
            .field("project_id", &self.project_id)
            .field("environment_id", &self.environment_id)
            .finish()
    }
}

/// A resource type with its actions and attributes (maps keep the API's order).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceRead {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub actions: JsonObject,
    #[serde(default)]
    pub attributes: JsonObject,
}

impl ResourceRead {
    pub fn action_keys(&self) -> Vec<String> {
        self.actions.keys().cloned().collect()
    }

    /// `(attribute key, type)`, e.g. `("owner", "string")`.
    pub fn attribute_types(&self) -> Vec<(String, String)> {
        self.attributes
            .iter()
            .map(|(key, v)| {
                let kind = v.get("type").and_then(Value::as_str).unwrap_or("json");
                (key.clone(), kind.to_string())
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleRead {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `resource:action`.
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub extends: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AttributeRead {
    #[serde(default)]
    pub key: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TenantRead {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub attributes: JsonObject,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserRoleRead {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub tenant: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserRead {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub attributes: JsonObject,
    #[serde(default)]
    pub roles: Vec<UserRoleRead>,
}

/// Permit's paginated answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    #[serde(default)]
    pub total_count: u64,
    #[serde(default)]
    pub page_count: u64,
}

/// Listing endpoints answer with a bare array, or a page when asked for totals.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum ListOrPage<T> {
    List(Vec<T>),
    Page(Page<T>),
}

impl<T> ListOrPage<T> {
    pub(crate) fn into_items(self) -> Vec<T> {
        match self {
            ListOrPage::List(items) => items,
            ListOrPage::Page(page) => page.data,
        }
    }
}
