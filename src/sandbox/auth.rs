//! Who may ask: the bearer token a PDP route takes, with Permit's own 401 and 403 answers.
//! Shared by the request guard and the handlers.

// A refusal is a ready-made response that ends the request: boxing it would only allocate.
#![allow(clippy::result_large_err)]

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::store::Env;
use super::Sandbox;

pub const MISSING_AUTH: &str = "Missing Authorization header";
pub const BAD_KEY: &str =
    "You are not authorized to access this resource, please check your API key.";

pub fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

/// The bearer token, or Permit's 401/403 answer. The scheme is matched case-insensitively.
pub fn bearer(headers: &HeaderMap) -> Result<&str, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(text(StatusCode::UNAUTHORIZED, MISSING_AUTH));
    };
    let value = value
        .to_str()
        .map_err(|_| text(StatusCode::FORBIDDEN, BAD_KEY))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Ok(token.trim()),
        _ => Err(text(StatusCode::FORBIDDEN, BAD_KEY)),
    }
}

/// PDP routes take an environment key.
pub fn pdp_env<'a>(sandbox: &'a Sandbox, headers: &HeaderMap) -> Result<&'a Env, Response> {
    let token = bearer(headers)?;
    sandbox
        .env_by_key(token)
        .ok_or_else(|| text(StatusCode::FORBIDDEN, BAD_KEY))
}
