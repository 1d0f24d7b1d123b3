//! The SDKs' input shorthands, turned into wire types: a user as a bare key or a JSON object,
//! a resource as `type` or `type:key`, attributes and context as JSON objects.

use serde_json::Value;
use thiserror::Error;

use super::types::{AllowedQuery, JsonObject, Resource, User, DEFAULT_TENANT};

/// A problem with what the user typed. Nothing is sent while one exists.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum InputError {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("resource `{input}` has more than one `:`; use `type` or `type:key`")]
    ResourceTooManyParts { input: String },
    #[error(
        "resource `{resource}` names the key `{in_resource}` but resource key says `{in_field}`; keep one"
    )]
    ResourceKeyTwice {
        resource: String,
        in_resource: String,
        in_field: String,
    },
    #[error("{0}")]
    Json(#[from] JsonFieldError),
}

/// Invalid JSON in a form field or flag, with the place it broke.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{field}: {message} at line {line}, column {column}")]
pub struct JsonFieldError {
    pub field: String,
    pub message: String,
    /// 1-based; 0 when the problem is not at a place (e.g. not an object).
    pub line: usize,
    pub column: usize,
}

/// Parses a JSON object typed by a person. Empty or blank text is an empty object.
pub fn parse_json_object(field: &str, text: &str) -> Result<JsonObject, JsonFieldError> {
    if text.trim().is_empty() {
        return Ok(JsonObject::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(JsonFieldError {
            field: field.to_string(),
            message: format!("expected a JSON object, found {}", json_kind(&other)),
            line: 1,
            column: 1,
        }),
        Err(err) => Err(JsonFieldError {
            field: field.to_string(),
            message: strip_position(&err.to_string()),
            line: err.line(),
            column: err.column(),
        }),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json appends " at line L column C"; we report the place separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(idx) => message[..idx].to_string(),
        None => message.to_string(),
    }
}

/// Splits `type` or `type:key` the way the SDKs do: more than one `:` is an error.
pub fn parse_resource(input: &str) -> Result<(String, Option<String>), InputError> {
    let trimmed = input.trim();
    let mut parts = trimmed.split(':');
    let kind = parts.next().unwrap_or_default().trim().to_string();
    let key = parts.next().map(|k| k.trim().to_string());
    if parts.next().is_some() {
        return Err(InputError::ResourceTooManyParts {
            input: input.to_string(),
        });
    }
    if kind.is_empty() {
        return Err(InputError::Missing {
            field: "resource type",
        });
    }
    Ok((kind, key.filter(|k| !k.is_empty())))
}

/// A user given as a bare key, or as a JSON object in the PDP's `user` shape.
pub fn parse_user(input: &str) -> Result<User, InputError> {
    let trimmed = input.trim();
    if trimmed.starts_with('{') {
        let object = parse_json_object("user", trimmed)?;
        let user: User =
            serde_json::from_value(Value::Object(object)).map_err(|err| JsonFieldError {
                field: "user".to_string(),
                message: err.to_string(),
                line: 0,
                column: 0,
            })?;
        if user.key.trim().is_empty() {
            return Err(InputError::Missing { field: "user key" });
        }
        return Ok(user);
    }
    if trimmed.is_empty() {
        return Err(InputError::Missing { field: "user key" });
    }
    Ok(User::with_key(trimmed))
}

/// A check as a person writes it: every field is text, as typed in the form or on the
/// command line. `resource_key` and `tenant` may be empty.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CheckInput {
    pub user: String,
    pub user_attributes: String,
    pub action: String,
    /// `type` or `type:key`.
    pub resource: String,
    /// The key, when `resource` does not give one (both may give the same).
    pub resource_key: String,
    pub tenant: String,
    pub resource_attributes: String,
    pub context: String,
}

impl CheckInput {
    /// Builds the `/allowed` body: snake_case user object, `key` left out when empty,
    /// tenant defaulting to `default`, JIT attributes merged over the user's own.
    pub fn to_query(&self) -> Result<AllowedQuery, InputError> {
        let mut user = parse_user(&self.user)?;
        user.attributes
            .extend(parse_json_object("user attributes", &self.user_attributes)?);
        let action = self.action.trim();
        if action.is_empty() {
            return Err(InputError::Missing { field: "action" });
        }
        let (kind, key_from_resource) = parse_resource(&self.resource)?;
        let key_field = Some(self.resource_key.trim().to_string()).filter(|k| !k.is_empty());
        let key = match (key_from_resource, key_field) {
            (Some(in_resource), Some(in_field)) if in_resource != in_field => {
                return Err(InputError::ResourceKeyTwice {
                    resource: self.resource.trim().to_string(),
                    in_resource,
                    in_field,
                })
            }
            (from_resource, from_field) => from_field.or(from_resource),
        };
        let tenant = Some(self.tenant.trim())
            .filter(|t| !t.is_empty())
            .unwrap_or(DEFAULT_TENANT)
            .to_string();
        Ok(AllowedQuery {
            user,
            action: action.to_string(),
            resource: Resource {
                kind,
                key,
                tenant: Some(tenant),
                attributes: parse_json_object("resource attributes", &self.resource_attributes)?,
                context: JsonObject::new(),
            },
            context: parse_json_object("context", &self.context)?,
            sdk: None,
        })
    }

    /// The inverse of [`CheckInput::to_query`], for loading a query into the form.
    pub fn from_query(query: &AllowedQuery) -> CheckInput {
        let pretty = |map: &JsonObject| {
            if map.is_empty() {
                String::new()
            } else {
                serde_json::to_string_pretty(map).unwrap_or_default()
            }
        };
        let mut user_rest = query.user.clone();
        let user_attributes = std::mem::take(&mut user_rest.attributes);
        let user = if user_rest == User::with_key(&user_rest.key) {
            user_rest.key
        } else {
            serde_json::to_string(&user_rest).unwrap_or(user_rest.key)
        };
        CheckInput {
            user,
            user_attributes: pretty(&user_attributes),
            action: query.action.clone(),
            resource: query.resource.kind.clone(),
            resource_key: query.resource.key.clone().unwrap_or_default(),
            tenant: query.resource.tenant.clone().unwrap_or_default(),
            resource_attributes: pretty(&query.resource.attributes),
            context: pretty(&query.context),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(user: &str, action: &str, resource: &str) -> CheckInput {
        CheckInput {
            user: user.into(),
            action: action.into(),
            resource: resource.into(),
            ..CheckInput::default()
        }
    }

    #[test]
    fn bare_user_key_becomes_an_object_and_tenant_defaults() {
        let body =
            serde_json::to_value(input("alice", "read", "document").to_query().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"user": {"key": "alice"}, "action": "read",
                   "resource": {"type": "document", "tenant": "default"}})
        );
    }

    #[test]
    fn type_colon_key_sets_the_key() {
        let q = input("alice", "read", "document:d1").to_query().unwrap();
        assert_eq!(q.resource.kind, "document");
        assert_eq!(q.resource.key.as_deref(), Some("d1"));
    }

    #[test]
    fn empty_key_is_omitted_not_sent_as_empty_string() {
        let q = input("alice", "read", "document:").to_query().unwrap();
        let body = serde_json::to_value(&q).unwrap();
        assert!(body["resource"].get("key").is_none(), "{body}");
    }

    #[test]
    fn resource_with_two_colons_is_refused_like_the_sdks() {
        let err = input("alice", "read", "a:b:c").to_query().unwrap_err();
        assert!(matches!(err, InputError::ResourceTooManyParts { .. }));
    }

    #[test]
    fn a_key_in_both_resource_fields_must_agree() {
        let mut i = input("alice", "read", "document:d1");
        i.resource_key = "d1".into();
        assert_eq!(i.to_query().unwrap().resource.key.as_deref(), Some("d1"));
        i.resource_key = "d2".into();
        let err = i.to_query().unwrap_err();
        assert!(matches!(err, InputError::ResourceKeyTwice { .. }));
        assert_eq!(
            err.to_string(),
            "resource `document:d1` names the key `d1` but resource key says `d2`; keep one"
        );
        let mut only_field = input("alice", "read", "document");
        only_field.resource_key = "d2".into();
        assert_eq!(
            only_field.to_query().unwrap().resource.key.as_deref(),
            Some("d2")
        );
    }

    #[test]
    fn explicit_tenant_is_kept_and_trimmed() {
        let mut i = input("alice", "read", "document");
        i.tenant = " acme ".into();
        assert_eq!(
            i.to_query().unwrap().resource.tenant.as_deref(),
            Some("acme")
        );
    }

    #[test]
    fn user_as_json_object_uses_snake_case_names() {
        let i = input(
            r#"{"key":"bob","first_name":"Bob","email":"b@x.io","attributes":{"age":3}}"#,
            "read",
            "doc",
        );
        let body = serde_json::to_value(i.to_query().unwrap()).unwrap();
        assert_eq!(
            body["user"],
            json!({"key":"bob","first_name":"Bob","email":"b@x.io","attributes":{"age":3}})
        );
    }

    #[test]
    fn jit_attributes_override_those_in_the_user_object() {
        let mut i = input(r#"{"key":"bob","attributes":{"a":1,"b":1}}"#, "read", "doc");
        i.user_attributes = r#"{"b": 2}"#.into();
        let q = i.to_query().unwrap();
        assert_eq!(
            q.user.attributes,
            json!({"a":1,"b":2}).as_object().unwrap().clone()
        );
    }

    #[test]
    fn attributes_and_context_land_in_their_places() {
        let mut i = input("alice", "read", "document:d1");
        i.resource_attributes = r#"{"classification": 2}"#.into();
        i.context = r#"{"ip": "10.0.0.1"}"#.into();
        let body = serde_json::to_value(i.to_query().unwrap()).unwrap();
        assert_eq!(body["resource"]["attributes"], json!({"classification": 2}));
        assert_eq!(body["context"], json!({"ip": "10.0.0.1"}));
    }

    #[test]
    fn invalid_json_reports_line_and_column() {
        let mut i = input("alice", "read", "doc");
        i.user_attributes = "{\n  \"a\": 1,\n  \"b\": }".into();
        match i.to_query().unwrap_err() {
            InputError::Json(e) => {
                assert_eq!(e.field, "user attributes");
                assert_eq!((e.line, e.column), (3, 8));
                assert!(!e.message.contains("at line"), "{}", e.message);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn json_that_is_not_an_object_is_refused() {
        let err = parse_json_object("context", "[1,2]").unwrap_err();
        assert!(err.message.contains("an array"), "{}", err.message);
    }

    #[test]
    fn missing_user_action_or_type_is_named() {
        assert_eq!(
            input("", "read", "doc").to_query().unwrap_err(),
            InputError::Missing { field: "user key" }
        );
        assert_eq!(
            input("a", " ", "doc").to_query().unwrap_err(),
            InputError::Missing { field: "action" }
        );
        assert_eq!(
            input("a", "read", ":k").to_query().unwrap_err(),
            InputError::Missing {
                field: "resource type"
            }
        );
    }

    #[test]
    fn from_query_round_trips() {
        let mut i = input("alice", "read", "document");
        i.resource_key = "d1".into();
        i.tenant = "acme".into();
        i.user_attributes = "{\n  \"dept\": \"eng\"\n}".into();
        let q = i.to_query().unwrap();
        let back = CheckInput::from_query(&q);
        assert_eq!(back.to_query().unwrap(), q);
        assert_eq!(back.user, "alice");
    }
}
