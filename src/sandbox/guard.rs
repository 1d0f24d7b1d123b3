//! What every request passes before a handler runs, cheapest first: the `Host` check (DNS
//! rebinding), the API key on requests that carry a body (so an unauthenticated client never
//! makes the server buffer one), then the body itself, read under a timeout and a budget
//! shared by all connections.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Semaphore;

use super::auth::{pdp_env, text};
use super::limits::{Limits, BODY_LIMIT};
use super::Sandbox;

/// Where the guard finds the environments' keys (the sandbox as it is now, reloads included).
pub trait CurrentSandbox {
    fn current(&self) -> Sandbox;
}

/// The body budget is counted in KiB so that a large budget fits a semaphore's permits.
const UNIT: usize = 1024;

pub struct Guard {
    pub limits: Limits,
    pub check_host: bool,
    budget: Semaphore,
}

impl Guard {
    pub fn new(limits: Limits, check_host: bool) -> Guard {
        Guard {
            limits,
            check_host,
            budget: Semaphore::new((limits.body_budget / UNIT).max(1)),
        }
    }
}

pub async fn guard<S: CurrentSandbox>(
    State((guard, state)): State<(Arc<Guard>, Arc<S>)>,
    request: Request,
    next: Next,
) -> Response {
    if guard.check_host {
        if let Some(refused) = foreign_host(request.headers()) {
            return refused;
        }
    }
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    // Every POST route is a PDP route: it needs an environment key. Refused here, before the
    // body is read, with the same answer the handler gives.
    if let Err(refused) = pdp_env(&state.current(), request.headers()) {
        return refused;
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return too_large();
    }
    let expected = declared.unwrap_or(BODY_LIMIT).max(1);
    let Ok(_reserved) = guard
        .budget
        .try_acquire_many(expected.div_ceil(UNIT).min(u32::MAX as usize) as u32)
    else {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "The sandbox is reading as many request bodies as its budget allows; retry.",
        );
    };
    let (parts, body) = request.into_parts();
    let read = axum::body::to_bytes(body, BODY_LIMIT);
    let bytes = match tokio::time::timeout(guard.limits.body_timeout, read).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => return too_large(),
        Err(_) => {
            return text(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "The request body did not arrive within {} s.",
                    guard.limits.body_timeout.as_secs_f64()
                ),
            )
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn too_large() -> Response {
    text(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("The request body is larger than {BODY_LIMIT} bytes."),
    )
}

/// Refuses a `Host` that is not a loopback name: a web page whose domain was rebound to
/// 127.0.0.1 sends its own name there, and must not read the sandbox's policy and keys.
fn foreign_host(headers: &HeaderMap) -> Option<Response> {
    // HTTP/1.0 clients may send no Host; browsers always do.
    let host = headers.get(header::HOST)?.to_str().unwrap_or_default();
    if is_loopback_host(host) {
        return None;
    }
    let shown: String = host.chars().take(100).collect();
    Some(text(
        StatusCode::FORBIDDEN,
        format!(
            "Host `{}` is not a local name: the sandbox answers only localhost and loopback addresses (a guard against DNS rebinding). Start it with --allow-remote to serve other names.",
            crate::printable::escape_line(&shown)
        ),
    ))
}

/// `localhost`, `*.localhost`, a loopback IPv4 or IPv6 address, with or without a port.
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn loopback_names_and_addresses_pass_and_others_do_not() {
        for host in [
            "localhost",
            "localhost:7766",
            "api.localhost:1",
            "127.0.0.1",
            "127.8.9.10:80",
            "[::1]:7766",
            "[::ffff:127.0.0.1]:7766",
            "LOCALHOST.",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:7766",
            "localhost.evil.example",
            "10.0.0.1:7766",
            "[::2]:1",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
