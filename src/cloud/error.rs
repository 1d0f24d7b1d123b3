//! Why a REST call failed, with what to do about it.

use std::time::Duration;

use serde_json::Value;
use thiserror::Error;

use crate::pdp::error::fmt_duration;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum CloudError {
    #[error("invalid API URL `{url}`: {detail}")]
    BadUrl { url: String, detail: String },
    #[error("cannot reach the Permit API at {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("the Permit API at {url} did not answer within {}", fmt_duration(*after))]
    Timeout { url: String, after: Duration },
    #[error("the Permit API did not accept the API key (HTTP 401: {detail})")]
    Unauthorized { detail: String },
    #[error("the API key may not read {path} (HTTP 403: {detail})")]
    Forbidden { path: String, detail: String },
    #[error("not found: {path} (HTTP 404: {detail})")]
    NotFound { path: String, detail: String },
    #[error("the Permit API rejected the request (HTTP 422: {detail})")]
    Invalid { detail: String },
    #[error("rate limited by the Permit API (HTTP 429: {detail})")]
    RateLimited {
        detail: String,
        /// The answer's `Retry-After`, when it had one.
        retry_after: Option<Duration>,
    },
    #[error("the Permit API failed (HTTP {status}: {detail})")]
    Server { status: u16, detail: String },
    #[error("unexpected HTTP {status} from the Permit API: {detail}")]
    Unexpected { status: u16, detail: String },
    #[error("the Permit API answered with something unexpected: {detail}")]
    InvalidResponse { detail: String },
    #[error("no {what} `{given}`; {}", choices_text(choices))]
    NoSuchChoice {
        what: &'static str,
        given: String,
        choices: Vec<String>,
    },
}

fn choices_text(choices: &[String]) -> String {
    if choices.is_empty() {
        "there is none to choose from".to_string()
    } else {
        format!("choose one of: {}", choices.join(", "))
    }
}

impl CloudError {
    /// A short stable name.
    pub fn kind(&self) -> &'static str {
        match self {
            CloudError::BadUrl { .. } => "bad_url",
            CloudError::Unreachable { .. } => "unreachable",
            CloudError::Timeout { .. } => "timeout",
            CloudError::Unauthorized { .. } => "unauthorized",
            CloudError::Forbidden { .. } => "forbidden",
            CloudError::NotFound { .. } => "not_found",
            CloudError::Invalid { .. } => "invalid",
            CloudError::RateLimited { .. } => "rate_limited",
            CloudError::Server { .. } => "server_error",
            CloudError::Unexpected { .. } => "unexpected_status",
            CloudError::InvalidResponse { .. } => "invalid_response",
            CloudError::NoSuchChoice { .. } => "no_such_choice",
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> String {
        match self {
            CloudError::BadUrl { .. } => {
                "Give a full URL, or `us` (https://api.permit.io) / `eu` (https://api.eu.permit.io).".into()
            }
            CloudError::Unreachable { .. } | CloudError::Timeout { .. } => {
                "Check the API URL and your network; EU workspaces use https://api.eu.permit.io.".into()
            }
            CloudError::Unauthorized { .. } => "Paste the whole key (permit_key_…), check it was not revoked, and that \
                 the API URL is your workspace's region (a US key fails on the EU API and vice versa)."
                .into(),
            CloudError::Forbidden { .. } => "An environment-level key sees only its own environment; to pick \
                 another, use an organization- or project-level key (Permit: Settings, API Keys)."
                .into(),
            CloudError::NotFound { .. } => {
                "Check the project and environment keys (they are listed by `env add --discover`).".into()
            }
            CloudError::Invalid { .. } => "The request was malformed; the API's own words are above.".into(),
            CloudError::RateLimited { .. } => "Wait a moment and try again.".into(),
            CloudError::Server { .. } => {
                "Permit's API is failing; try again shortly (status.permit.io).".into()
            }
            CloudError::Unexpected { .. } | CloudError::InvalidResponse { .. } => {
                "Is this URL really the Permit API? Try `us` or `eu`.".into()
            }
            CloudError::NoSuchChoice { .. } => "Pass one of the listed keys.".into(),
        }
    }

    /// Classifies a non-2xx answer to `path`.
    pub fn from_status(status: u16, path: &str, body: &str) -> CloudError {
        let detail = crate::pdp::error::shortened(describe_body(body), body.len());
        let path = path.to_string();
        match status {
            401 => CloudError::Unauthorized { detail },
            403 => CloudError::Forbidden { path, detail },
            404 => CloudError::NotFound { path, detail },
            400 | 422 => CloudError::Invalid { detail },
            429 => CloudError::RateLimited {
                detail,
                retry_after: None,
            },
            500..=599 => CloudError::Server { status, detail },
            _ => CloudError::Unexpected { status, detail },
        }
    }
}

/// Permit's error bodies: `{title, message, error_code}`, FastAPI's `{detail}` (string or a
/// list of `{loc, msg}`), or plain text.
pub fn describe_body(body: &str) -> String {
    let Ok(value) = serde_json::from_str::<Value>(body.trim()) else {
        return crate::pdp::error::detail_of(body);
    };
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let main = text("message").or_else(|| text("title"));
    match (main, text("error_code")) {
        (Some(message), Some(code)) => format!("{message} [{code}]"),
        (Some(message), None) => message.to_string(),
        _ => crate::pdp::error::detail_of(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_error_body_is_cut_with_its_size() {
        let body = "x".repeat(200_000);
        let shown = CloudError::from_status(500, "/v2/facts", &body).to_string();
        assert!(shown.len() < 1_500, "{} characters", shown.len());
        assert!(shown.contains("200000 bytes in all"), "{shown}");
    }

    #[test]
    fn classifies_permit_bodies() {
        let body = r#"{"title":"Forbidden access","message":"no access to env","error_code":"FORBIDDEN_ACCESS"}"#;
        let err = CloudError::from_status(403, "/v2/api-key/p/e", body);
        assert_eq!(err.kind(), "forbidden");
        assert!(
            err.to_string()
                .contains("no access to env [FORBIDDEN_ACCESS]"),
            "{err}"
        );
        let err = CloudError::from_status(
            422,
            "/x",
            r#"{"detail":[{"loc":["query","page"],"msg":"bad"}]}"#,
        );
        assert!(err.to_string().contains("query.page: bad"), "{err}");
        assert_eq!(
            CloudError::from_status(503, "/x", "down").kind(),
            "server_error"
        );
    }
}
