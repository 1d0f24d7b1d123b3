//! A check as something to paste elsewhere: curl, a Python SDK call, a Node SDK call.
//!
//! The key is redacted unless the caller asks for it: the redacted forms read it from the
//! `PERMIT_API_KEY` variable, so they still run as pasted.

use serde_json::Value;

use crate::pdp::types::AllowedQuery;

/// What to put where the API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyExposure<'a> {
    /// Read from `$PERMIT_API_KEY` when the snippet runs.
    FromEnvironment,
    /// The key itself, only when the user asked for it explicitly.
    Secret(&'a str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Curl,
    Python,
    Node,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Curl, Format::Python, Format::Node];

    pub fn label(self) -> &'static str {
        match self {
            Format::Curl => "curl",
            Format::Python => "Python SDK",
            Format::Node => "Node SDK",
        }
    }

    pub fn file_extension(self) -> &'static str {
        match self {
            Format::Curl => "sh",
            Format::Python => "py",
            Format::Node => "mjs",
        }
    }
}

pub fn render(format: Format, pdp_url: &str, query: &AllowedQuery, key: KeyExposure) -> String {
    // A password in the URL is a secret like the key: kept only when the key is.
    let masked;
    let pdp_url = match key {
        KeyExposure::Secret(_) => pdp_url,
        KeyExposure::FromEnvironment => {
            masked = crate::pdp::mask_url_credentials(pdp_url);
            &masked
        }
    };
    match format {
        Format::Curl => curl(pdp_url, query, key),
        Format::Python => python(pdp_url, query, key),
        Format::Node => node(pdp_url, query, key),
    }
}

/// `curl` that POSTs the exact `/allowed` body the explorer sends.
pub fn curl(pdp_url: &str, query: &AllowedQuery, key: KeyExposure) -> String {
    let body = serde_json::to_string(query).unwrap_or_default();
    let auth = match key {
        KeyExposure::FromEnvironment => "\"Authorization: Bearer ${PERMIT_API_KEY}\"".to_string(),
        KeyExposure::Secret(secret) => shell_quote(&format!("Authorization: Bearer {secret}")),
    };
    format!(
        "curl -sS -X POST {} \\\n  -H {auth} \\\n  -H 'Content-Type: application/json' \\\n  -H 'Cache-Control: no-cache' \\\n  -d {}\n",
        shell_quote(&format!("{}/allowed", pdp_url.trim_end_matches('/'))),
        shell_quote(&body)
    )
}

/// A runnable script using the official `permit` Python package.
pub fn python(pdp_url: &str, query: &AllowedQuery, key: KeyExposure) -> String {
    let token = match key {
        KeyExposure::FromEnvironment => "os.environ[\"PERMIT_API_KEY\"]".to_string(),
        KeyExposure::Secret(secret) => python_literal(&Value::String(secret.to_string())),
    };
    let user = python_literal(&serde_json::to_value(&query.user).unwrap_or_default());
    let resource = python_literal(&serde_json::to_value(&query.resource).unwrap_or_default());
    let context = python_literal(&Value::Object(query.context.clone()));
    format!(
        r#"import asyncio
import os

from permit import Permit

permit = Permit(pdp={pdp}, token={token})


async def main():
    allowed = await permit.check(
        {user},
        {action},
        {resource},
        context={context},
    )
    print("ALLOW" if allowed else "DENY")


asyncio.run(main())
"#,
        pdp = python_literal(&Value::String(pdp_url.to_string())),
        action = python_literal(&Value::String(query.action.clone())),
    )
}

/// A runnable ES module using the official `permitio` Node package.
pub fn node(pdp_url: &str, query: &AllowedQuery, key: KeyExposure) -> String {
    let token = match key {
        KeyExposure::FromEnvironment => "process.env.PERMIT_API_KEY".to_string(),
        KeyExposure::Secret(secret) => js_literal(&Value::String(secret.to_string())),
    };
    // The Node SDK takes camelCase names and sends them as given.
    let mut user = serde_json::to_value(&query.user).unwrap_or_default();
    if let Value::Object(map) = &mut user {
        for (snake, camel) in [("first_name", "firstName"), ("last_name", "lastName")] {
            if let Some(v) = map.remove(snake) {
                map.insert(camel.to_string(), v);
            }
        }
    }
    let resource = serde_json::to_value(&query.resource).unwrap_or_default();
    format!(
        r#"import {{ Permit }} from "permitio";

const permit = new Permit({{ pdp: {pdp}, token: {token} }});

const allowed = await permit.check(
  {user},
  {action},
  {resource},
  {context},
);
console.log(allowed ? "ALLOW" : "DENY");
"#,
        pdp = js_literal(&Value::String(pdp_url.to_string())),
        user = js_literal(&user),
        action = js_literal(&Value::String(query.action.clone())),
        resource = js_literal(&resource),
        context = js_literal(&Value::Object(query.context.clone())),
    )
}

/// Single-quotes for POSIX shells: `'` becomes `'\''`.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// JSON is a JavaScript literal as it is.
fn js_literal(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// JSON as a Python literal: `true`/`false`/`null` become `True`/`False`/`None`. JSON string
/// escapes are valid Python string escapes.
fn python_literal(value: &Value) -> String {
    match value {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(_) => serde_json::to_string(value).unwrap_or_default(),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(python_literal)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    serde_json::to_string(k).unwrap_or_default(),
                    python_literal(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdp::CheckInput;

    fn query() -> AllowedQuery {
        CheckInput {
            user: "o'brien".into(),
            user_attributes: r#"{"clearance": 3, "vip": true, "manager": null, "tags": ["a"]}"#
                .into(),
            action: "read".into(),
            resource: "document:d1".into(),
            tenant: "acme".into(),
            ..CheckInput::default()
        }
        .to_query()
        .unwrap()
    }

    #[test]
    fn curl_redacts_the_key_by_reading_it_from_the_environment() {
        let text = curl(
            "http://127.0.0.1:7766/",
            &query(),
            KeyExposure::FromEnvironment,
        );
        assert!(
            text.contains("\"Authorization: Bearer ${PERMIT_API_KEY}\""),
            "{text}"
        );
        assert!(text.contains("'http://127.0.0.1:7766/allowed'"), "{text}");
        assert!(
            text.contains(r#""key":"o'\''brien""#),
            "quote escaped: {text}"
        );
    }

    #[test]
    fn a_password_in_the_url_is_exported_only_with_the_key() {
        let url = "http://admin:hunter2@pdp.internal:7766";
        for format in [Format::Curl, Format::Python, Format::Node] {
            let text = render(format, url, &query(), KeyExposure::FromEnvironment);
            assert!(!text.contains("hunter2"), "{text}");
            assert!(text.contains("admin:•••@pdp.internal"), "{text}");
            let text = render(format, url, &query(), KeyExposure::Secret("permit_key_s"));
            assert!(text.contains("admin:hunter2@pdp.internal"), "{text}");
        }
    }

    #[test]
    fn curl_includes_the_secret_only_when_asked() {
        let text = curl(
            "http://x",
            &query(),
            KeyExposure::Secret("permit_key_s3cret"),
        );
        assert!(
            text.contains("'Authorization: Bearer permit_key_s3cret'"),
            "{text}"
        );
    }

    #[test]
    fn python_literals_use_python_constants() {
        let text = python("http://x", &query(), KeyExposure::FromEnvironment);
        assert!(text.contains(r#""vip": True"#), "{text}");
        assert!(text.contains(r#""manager": None"#), "{text}");
        assert!(
            text.contains("token=os.environ[\"PERMIT_API_KEY\"]"),
            "{text}"
        );
        assert!(!text.contains("true") && !text.contains("null"), "{text}");
    }

    #[test]
    fn node_uses_camel_case_names_and_the_environment_key() {
        let mut q = query();
        q.user.first_name = Some("Ann".into());
        let text = node("http://x", &q, KeyExposure::FromEnvironment);
        assert!(text.contains(r#""firstName":"Ann""#), "{text}");
        assert!(text.contains("token: process.env.PERMIT_API_KEY"), "{text}");
    }
}
