//! Why a PDP call failed, classified so the user is told what to do about it.

use std::time::Duration;

use serde_json::Value;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum PdpError {
    #[error("cannot reach the PDP at {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("the PDP at {url} did not answer within {}", fmt_duration(*after))]
    Timeout { url: String, after: Duration },
    #[error("no API key was sent, and the PDP requires one (HTTP 401: {detail})")]
    MissingKey { detail: String },
    #[error("the PDP refused the API key (HTTP {status}: {detail})")]
    WrongKey { status: u16, detail: String },
    #[error("the PDP rejected the request (HTTP {status}): {detail}")]
    Rejected { status: u16, detail: String },
    #[error("rate limited by the PDP (HTTP 429){}", retry_after.map(|d| format!(", retry after {}", fmt_duration(d))).unwrap_or_default())]
    RateLimited {
        retry_after: Option<Duration>,
        detail: String,
    },
    #[error("this PDP cannot evaluate the policy (HTTP 501): {detail}")]
    NotSupported { detail: String },
    #[error("the PDP failed (HTTP {status}): {detail}")]
    PdpFailure { status: u16, detail: String },
    #[error("unexpected HTTP {status} from the PDP: {detail}")]
    UnexpectedStatus { status: u16, detail: String },
    #[error("the PDP answered with a body that is not a valid response: {detail}")]
    InvalidResponse { detail: String },
    #[error("invalid PDP URL `{url}`: {detail}")]
    BadUrl { url: String, detail: String },
}

impl PdpError {
    /// A short stable name, for history, JSON output and test suites.
    pub fn kind(&self) -> &'static str {
        match self {
            PdpError::Unreachable { .. } => "unreachable",
            PdpError::Timeout { .. } => "timeout",
            PdpError::MissingKey { .. } => "missing_key",
            PdpError::WrongKey { .. } => "wrong_key",
            PdpError::Rejected { .. } => "rejected",
            PdpError::RateLimited { .. } => "rate_limited",
            PdpError::NotSupported { .. } => "not_supported",
            PdpError::PdpFailure { .. } => "pdp_failure",
            PdpError::UnexpectedStatus { .. } => "unexpected_status",
            PdpError::InvalidResponse { .. } => "invalid_response",
            PdpError::BadUrl { .. } => "bad_url",
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> String {
        match self {
            PdpError::Unreachable { url, .. } => format!(
                "Is a PDP running at {url}? Start the local one with `permit-tui sandbox`, \
                 run the PDP container (docker run -p 7766:7000 -e PDP_API_KEY=... permitio/pdp-v2), \
                 or point --pdp / PERMIT_PDP_URL at the right address."
            ),
            PdpError::Timeout { .. } => "The PDP accepted the connection but sent no answer in time. \
                 Check its logs (OPA may be loading or stuck), or raise the timeout with --timeout."
                .to_string(),
            PdpError::MissingKey { .. } => {
                "Set PERMIT_API_KEY or pass --api-key with the environment's API key.".to_string()
            }
            PdpError::WrongKey { .. } => "Use the environment-level API key of the environment this PDP serves \
                 (Permit dashboard: Projects, the environment's menu, Copy API Key). \
                 An organization or project key is not accepted by a PDP."
                .to_string(),
            PdpError::Rejected { status: 413, .. } => "The request is larger than the PDP accepts. \
                 Send fewer checks per bulk request (permit-tui test --chunk), or smaller attributes and context."
                .to_string(),
            PdpError::Rejected { .. } => "The request body is not what the PDP expects; the PDP's own words are above. \
                 Check the JSON attribute fields and that the user key and action are set."
                .to_string(),
            PdpError::RateLimited { retry_after, .. } => match retry_after {
                Some(d) => format!(
                    "Wait {} before the next check, or use a local PDP container, which has no rate limit.",
                    fmt_duration(*d)
                ),
                None => "Slow down, or use a local PDP container, which has no rate limit.".to_string(),
            },
            PdpError::NotSupported { .. } => "The Cloud PDP does not evaluate ABAC (and older ones not ReBAC). \
                 Run the PDP container locally, or the sandbox, for attribute-based checks."
                .to_string(),
            PdpError::PdpFailure { .. } => "The PDP or its OPA is failing. Check the PDP's logs and /healthy; \
                 for bulk checks that time out, raise PDP_OPA_CLIENT_QUERY_TIMEOUT."
                .to_string(),
            PdpError::UnexpectedStatus { .. } | PdpError::InvalidResponse { .. } => {
                "Is this URL really a Permit PDP? The raw body is shown as it came.".to_string()
            }
            PdpError::BadUrl { .. } => {
                "Give a full URL such as http://localhost:7766 or https://cloudpdp.api.permit.io."
                    .to_string()
            }
        }
    }

    /// Classifies a non-2xx answer. `body` is the raw body, JSON or plain text.
    pub fn from_status(status: u16, retry_after: Option<Duration>, body: &str) -> PdpError {
        let detail = shortened(detail_of(body), body.len());
        match status {
            401 => PdpError::MissingKey { detail },
            403 => PdpError::WrongKey { status, detail },
            400 | 413 | 415 | 422 => PdpError::Rejected { status, detail },
            429 => PdpError::RateLimited {
                retry_after,
                detail,
            },
            501 => PdpError::NotSupported { detail },
            500..=599 => PdpError::PdpFailure { status, detail },
            _ => PdpError::UnexpectedStatus { status, detail },
        }
    }
}

/// The human part of an error body: `{"detail": str}`, FastAPI's `{"detail": [{loc, msg}]}`,
/// the Cloud PDP's `{"message"}`, or the plain text itself.
pub fn detail_of(body: &str) -> String {
    let text = body.trim();
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return if text.is_empty() {
            "(empty body)".to_string()
        } else {
            text.to_string()
        };
    };
    match value.get("detail").or_else(|| value.get("message")) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                let loc = item
                    .get("loc")
                    .and_then(Value::as_array)
                    .map(|parts| {
                        parts
                            .iter()
                            .map(|p| p.as_str().map(str::to_string).unwrap_or(p.to_string()))
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .unwrap_or_default();
                let msg = item.get("msg").and_then(Value::as_str).unwrap_or("invalid");
                if loc.is_empty() {
                    msg.to_string()
                } else {
                    format!("{loc}: {msg}")
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => text.to_string(),
    }
}

/// The most of an error's detail shown in a message; the whole body stays in the exchange.
pub const MAX_DETAIL_CHARS: usize = 1_000;

/// `detail` cut to [`MAX_DETAIL_CHARS`], saying how large the body was when it is cut.
pub fn shortened(detail: String, body_bytes: usize) -> String {
    match detail.char_indices().nth(MAX_DETAIL_CHARS) {
        Some((end, _)) => format!("{}… ({body_bytes} bytes in all)", &detail[..end]),
        None => detail,
    }
}

pub fn fmt_duration(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1_000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{:.2} ms", micros as f64 / 1_000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_413_advises_a_smaller_request_not_a_json_fix() {
        let too_large =
            PdpError::from_status(413, None, "The request body is larger than 1048576 bytes.");
        assert!(
            too_large.hint().contains("fewer checks per bulk request"),
            "{}",
            too_large.hint()
        );
        let invalid = PdpError::from_status(422, None, r#"{"detail":"bad"}"#);
        assert!(invalid.hint().contains("JSON attribute fields"));
    }

    #[test]
    fn detail_reads_every_known_error_shape() {
        assert_eq!(
            detail_of(r#"{"detail":"Failed to send request to OPA"}"#),
            "Failed to send request to OPA"
        );
        assert_eq!(
            detail_of(r#"{"detail":[{"loc":["body","user"],"msg":"field required","type":"x"}]}"#),
            "body.user: field required"
        );
        assert_eq!(
            detail_of(r#"{"error":"rate_limited","message":"slow down"}"#),
            "slow down"
        );
        assert_eq!(
            detail_of("Missing Authorization header"),
            "Missing Authorization header"
        );
        assert_eq!(detail_of("  "), "(empty body)");
    }

    #[test]
    fn statuses_map_to_their_classes() {
        assert_eq!(PdpError::from_status(401, None, "x").kind(), "missing_key");
        assert_eq!(PdpError::from_status(403, None, "x").kind(), "wrong_key");
        for s in [400, 415, 422] {
            assert_eq!(PdpError::from_status(s, None, "x").kind(), "rejected");
        }
        assert_eq!(PdpError::from_status(429, None, "x").kind(), "rate_limited");
        assert_eq!(
            PdpError::from_status(501, None, "x").kind(),
            "not_supported"
        );
        assert_eq!(PdpError::from_status(502, None, "x").kind(), "pdp_failure");
        assert_eq!(PdpError::from_status(504, None, "x").kind(), "pdp_failure");
        assert_eq!(
            PdpError::from_status(404, None, "x").kind(),
            "unexpected_status"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(fmt_duration(Duration::from_micros(420)), "420 µs");
        assert_eq!(fmt_duration(Duration::from_micros(1_250)), "1.25 ms");
        assert_eq!(fmt_duration(Duration::from_millis(5_000)), "5.00 s");
    }
}
