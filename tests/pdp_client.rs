//! The PDP client against real loopback HTTP servers. The statuses no sandbox produces
//! (429, 501, 502, a PDP that never answers) come from small axum servers written here.
//!
//! The client has two transports for its POSTs (`TransportKind`): hyper driven directly, the
//! automatic choice for plain `http://`, and reqwest, the choice for `https://`, proxies and
//! credentialed URLs. Every scenario whose outcome depends on the HTTP stack runs on both,
//! forced onto the same plain-HTTP server; where they really differ, each one's behaviour is
//! asserted, and the comment says so ("differs:").

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use permit_tui::pdp::types::{AllowedQuery, AllowedResult};
use permit_tui::pdp::{CheckInput, Exchange, PdpClient, PdpError, TransportKind};
use serde_json::{json, Value};

type Seen = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// Serves `/allowed` and `/allowed/bulk` with a fixed answer and records what it received.
async fn mock_pdp(
    status: u16,
    headers: &[(&'static str, &'static str)],
    body: &'static str,
) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let headers: Vec<(&'static str, &'static str)> = headers.to_vec();
    let handler = move |req_headers: HeaderMap, body_in: String| {
        let record = record.clone();
        let headers = headers.clone();
        async move {
            record.lock().unwrap().push((req_headers, body_in));
            let mut response =
                (StatusCode::from_u16(status).unwrap(), body.to_string()).into_response();
            for (name, value) in headers {
                response.headers_mut().insert(name, value.parse().unwrap());
            }
            response
        }
    };
    let app = Router::new()
        .route("/allowed", post(handler.clone()))
        .route("/allowed/bulk", post(handler.clone()))
        .route(
            "/healthy",
            get(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    r#"{"status":"error","components":{"opa":{"status":"error"}}}"#,
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}

fn demo_query() -> AllowedQuery {
    CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document:d1".into(),
        ..CheckInput::default()
    }
    .to_query()
    .unwrap()
}

fn client(url: &str, key: Option<&str>) -> PdpClient {
    PdpClient::new(url, key.map(str::to_string), Duration::from_secs(2)).unwrap()
}

/// A client for `url` whose POSTs are forced onto `kind`, checked to really be on it.
fn client_on(kind: TransportKind, url: &str, key: Option<&str>, timeout: Duration) -> PdpClient {
    let client = PdpClient::new(url, key.map(str::to_string), timeout)
        .unwrap()
        .with_transport(kind)
        .unwrap();
    assert_eq!(client.transport(), kind);
    client
}

/// One check of the demo query on each transport (a client of its own each), in turn.
async fn check_on_both(
    url: &str,
    key: Option<&str>,
) -> Vec<(TransportKind, Exchange<AllowedResult>)> {
    let mut exchanges = Vec::new();
    for kind in TransportKind::ALL {
        let client = client_on(kind, url, key, Duration::from_secs(2));
        exchanges.push((kind, client.check(&demo_query()).await));
    }
    exchanges
}

#[test]
fn plain_http_goes_direct_and_everything_else_through_reqwest() {
    let auto = |url: &str| {
        PdpClient::new(url, None, Duration::from_secs(1))
            .unwrap()
            .transport()
    };
    // The direct path does not go through proxies: with one set, reqwest takes plain HTTP too.
    let proxied = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    let plain = if proxied {
        TransportKind::Reqwest
    } else {
        TransportKind::Direct
    };
    assert_eq!(auto("http://localhost:7766"), plain);
    assert_eq!(auto("http://127.0.0.1:7766/pdp/"), plain);
    assert_eq!(auto("https://pdp.example"), TransportKind::Reqwest);
    assert_eq!(
        auto("http://user:secret@localhost:7766"),
        TransportKind::Reqwest
    );
    assert_eq!(
        auto("http://localhost:7766/?region=eu"),
        TransportKind::Reqwest
    );

    // Forcing: reqwest takes anything; the direct path refuses what it cannot carry.
    let https = PdpClient::new("https://pdp.example", None, Duration::from_secs(1)).unwrap();
    let err = https
        .clone()
        .with_transport(TransportKind::Direct)
        .unwrap_err();
    assert_eq!(err.kind(), "bad_url", "{err}");
    assert_eq!(
        https
            .with_transport(TransportKind::Reqwest)
            .unwrap()
            .transport(),
        TransportKind::Reqwest
    );
    let credentialed = PdpClient::new("http://u:secret@localhost:1", None, Duration::from_secs(1));
    let err = credentialed
        .unwrap()
        .with_transport(TransportKind::Direct)
        .unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[tokio::test]
async fn sends_bearer_key_json_and_no_cache_headers_and_the_wire_body() {
    let (url, seen) = mock_pdp(200, &[], r#"{"allow": true}"#).await;
    let exchanges = check_on_both(&url, Some("permit_key_test")).await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "one request per transport");
    for ((kind, exchange), (headers, body)) in exchanges.into_iter().zip(seen.iter()) {
        assert!(exchange.result.unwrap().allow, "{kind}");
        assert_eq!(exchange.status, Some(200), "{kind}");
        assert_eq!(headers["authorization"], "Bearer permit_key_test", "{kind}");
        assert_eq!(headers["content-type"], "application/json", "{kind}");
        assert_eq!(headers["cache-control"], "no-cache", "{kind}");
        assert_eq!(headers["x-permit-tui-trace"], "1", "{kind}");
        assert_eq!(headers["host"], url.trim_start_matches("http://"), "{kind}");
        assert!(
            headers["user-agent"]
                .to_str()
                .unwrap()
                .starts_with("permit-tui/"),
            "{kind}"
        );
        let body: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            body,
            json!({"user":{"key":"alice"},"action":"read","resource":{"type":"document","key":"d1","tenant":"default"}}),
            "{kind}"
        );
        // differs: reqwest adds `Accept: */*`; the direct path sends only the headers above
        // (and Content-Length). No PDP reads Accept.
        let names: Vec<&str> = headers.keys().map(|name| name.as_str()).collect();
        match kind {
            TransportKind::Direct => assert_eq!(headers.get("accept"), None, "{names:?}"),
            TransportKind::Reqwest => assert_eq!(headers["accept"], "*/*", "{names:?}"),
        }
        assert_eq!(
            names.len(),
            if kind == TransportKind::Direct { 7 } else { 8 },
            "{kind}: {names:?}"
        );
    }
}

#[tokio::test]
async fn debug_blocks_are_typed_and_unknown_fields_kept() {
    let (url, _) = mock_pdp(
        200,
        &[],
        r#"{"allow": false, "result": true, "query": {"q": 1},
            "debug": {"request": {"tenant": "t"},
                      "rbac": {"allow": false, "code": "no_role_in_tenant", "reason": "r",
                               "support_link": "https://docs.permit.io/errors/no_role_in_tenant",
                               "future_field": [1]},
                      "brand_new_model": {"allow": false}}}"#,
    )
    .await;
    let exchange = client(&url, None).check(&demo_query()).await;
    let result = exchange.result.unwrap();
    assert!(!result.allow, "legacy `result` must not be read");
    let debug = result.debug.unwrap();
    let rbac = debug.rbac.as_ref().unwrap();
    assert_eq!(rbac.code.as_deref(), Some("no_role_in_tenant"));
    assert_eq!(rbac.extra["future_field"], json!([1]));
    assert_eq!(debug.extra["brand_new_model"], json!({"allow": false}));
    assert!(exchange.raw_body.unwrap().contains("brand_new_model"));
}

#[tokio::test]
async fn missing_key_401_plain_text() {
    let (url, _) = mock_pdp(401, &[], "Missing Authorization header").await;
    for (kind, exchange) in check_on_both(&url, None).await {
        match exchange.result.unwrap_err() {
            PdpError::MissingKey { detail } => {
                assert_eq!(detail, "Missing Authorization header", "{kind}")
            }
            other => panic!("{kind}: {other:?}"),
        }
        assert_eq!(exchange.status, Some(401), "{kind}");
    }
}

#[tokio::test]
async fn wrong_key_403_plain_text_and_horizon_json() {
    let (url, _) = mock_pdp(
        403,
        &[],
        "You are not authorized to access this resource, please check your API key.",
    )
    .await;
    let err = client(&url, Some("k"))
        .check(&demo_query())
        .await
        .result
        .unwrap_err();
    assert_eq!(err.kind(), "wrong_key");
    assert!(err.to_string().contains("please check your API key"));
    assert!(err.hint().contains("environment-level API key"));

    let (url, _) = mock_pdp(
        401,
        &[("content-type", "application/json")],
        r#"{"detail": "Invalid PDP token"}"#,
    )
    .await;
    let err = client(&url, Some("k"))
        .check(&demo_query())
        .await
        .result
        .unwrap_err();
    assert!(err.to_string().contains("Invalid PDP token"), "{err}");
}

#[tokio::test]
async fn rejected_requests_keep_the_pdps_words() {
    let (url, _) = mock_pdp(
        422,
        &[],
        "Failed to deserialize the JSON body into the target type: user: invalid type",
    )
    .await;
    let exchange = client(&url, None).check(&demo_query()).await;
    let err = exchange.result.unwrap_err();
    assert_eq!(err.kind(), "rejected");
    assert!(err.to_string().contains("user: invalid type"));
    assert!(exchange
        .raw_body
        .unwrap()
        .starts_with("Failed to deserialize"));

    let (url, _) = mock_pdp(
        422,
        &[],
        r#"{"detail":[{"loc":["body","action"],"msg":"field required","type":"missing"}]}"#,
    )
    .await;
    let err = client(&url, None)
        .check(&demo_query())
        .await
        .result
        .unwrap_err();
    assert!(
        err.to_string().contains("body.action: field required"),
        "{err}"
    );

    for status in [400, 415] {
        let (url, _) = mock_pdp(status, &[], "bad").await;
        let err = client(&url, None)
            .check(&demo_query())
            .await
            .result
            .unwrap_err();
        assert_eq!(
            err,
            PdpError::Rejected {
                status,
                detail: "bad".into()
            }
        );
    }
}

#[tokio::test]
async fn rate_limited_429_honours_retry_after() {
    let (url, _) = mock_pdp(
        429,
        &[("retry-after", "7")],
        r#"{"error":"rate_limited","message":"Too many requests"}"#,
    )
    .await;
    for (kind, exchange) in check_on_both(&url, None).await {
        assert_eq!(exchange.status, Some(429), "{kind}");
        let err = exchange.result.unwrap_err();
        assert_eq!(
            err,
            PdpError::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
                detail: "Too many requests".into()
            },
            "{kind}"
        );
        assert!(err.hint().contains("Wait 7.00 s"), "{kind}: {}", err.hint());
    }
    // Retry-After as an HTTP date is not read, by either: the error says only "rate limited".
    let (url, _) = mock_pdp(
        429,
        &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")],
        "slow down",
    )
    .await;
    for (kind, exchange) in check_on_both(&url, None).await {
        assert_eq!(
            exchange.result.unwrap_err(),
            PdpError::RateLimited {
                retry_after: None,
                detail: "slow down".into()
            },
            "{kind}"
        );
    }
}

#[tokio::test]
async fn cloud_pdp_501_says_it_cannot_evaluate_abac() {
    let (url, _) = mock_pdp(
        501,
        &[],
        r#"{"detail":"ABAC is not supported by the cloud PDP"}"#,
    )
    .await;
    let err = client(&url, None)
        .check(&demo_query())
        .await
        .result
        .unwrap_err();
    assert_eq!(err.kind(), "not_supported");
    assert!(err.hint().contains("does not evaluate ABAC"));
}

#[tokio::test]
async fn pdp_or_opa_failing_5xx_shows_detail() {
    let (url, _) = mock_pdp(502, &[], r#"{"detail": "Failed to send request to OPA"}"#).await;
    for (kind, exchange) in check_on_both(&url, None).await {
        assert_eq!(
            exchange.result.unwrap_err(),
            PdpError::PdpFailure {
                status: 502,
                detail: "Failed to send request to OPA".into()
            },
            "{kind}"
        );
    }
}

#[tokio::test]
async fn a_200_that_is_not_a_decision_is_an_invalid_response_with_raw_body_kept() {
    let (url, _) = mock_pdp(200, &[], "<html>proxy login</html>").await;
    for (kind, exchange) in check_on_both(&url, None).await {
        assert_eq!(
            exchange.result.unwrap_err().kind(),
            "invalid_response",
            "{kind}"
        );
        assert_eq!(
            exchange.raw_body.as_deref(),
            Some("<html>proxy login</html>"),
            "{kind}"
        );
    }
}

#[tokio::test]
async fn connection_refused_is_unreachable_with_a_hint() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let url = format!("http://{addr}");
    drop(listener);
    for (kind, exchange) in check_on_both(&url, None).await {
        let err = exchange.result.unwrap_err();
        assert_eq!(err.kind(), "unreachable", "{kind}: {err}");
        assert!(err.hint().contains("permit-tui sandbox"), "{kind}");
        assert_eq!(exchange.status, None, "{kind}");
        // differs: the direct path names the address it dialled; reqwest's innermost cause is
        // the operating system's reason alone (the URL is in the message either way).
        let PdpError::Unreachable { url: shown, detail } = err else {
            unreachable!()
        };
        assert_eq!(shown, url, "{kind}");
        assert!(detail.contains("Connection refused"), "{kind}: {detail}");
        match kind {
            TransportKind::Direct => assert!(
                detail.starts_with(&format!("cannot connect to {addr}: ")),
                "{detail}"
            ),
            TransportKind::Reqwest => assert!(!detail.contains(&addr.to_string()), "{detail}"),
        }
    }
}

#[tokio::test]
async fn an_unknown_host_is_unreachable_and_names_the_lookup() {
    for (kind, exchange) in check_on_both("http://pdp.invalid:7766", None).await {
        let err = exchange.result.unwrap_err();
        assert_eq!(err.kind(), "unreachable", "{kind}: {err}");
        assert!(err.to_string().contains("pdp.invalid"), "{kind}: {err}");
    }
}

#[tokio::test]
async fn a_pdp_that_never_answers_times_out_at_the_configured_limit() {
    // Accepts connections and reads nothing back: the shape of a hung PDP.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut sockets = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            sockets.push(socket);
        }
    });
    for kind in TransportKind::ALL {
        let client = client_on(kind, &url, None, Duration::from_millis(300));
        let started = std::time::Instant::now();
        let exchange = client.check(&demo_query()).await;
        let waited = started.elapsed();
        assert_eq!(
            exchange.result.unwrap_err(),
            PdpError::Timeout {
                url: url.clone(),
                after: Duration::from_millis(300)
            },
            "{kind}"
        );
        assert_eq!(exchange.status, None, "{kind}");
        assert!(
            exchange.latency >= Duration::from_millis(300) && waited < Duration::from_secs(2),
            "{kind}: {:?}, waited {waited:?}",
            exchange.latency
        );
    }
    held.abort();
}

/// Answers every request with a head promising `{"allow": true}` and only its first `sent`
/// bytes, then keeps the connection open (`close` false) or closes it.
async fn partial_pdp(sent: usize, close: bool) -> String {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                if !read_request(&mut socket).await {
                    return;
                }
                let body = r#"{"allow": true}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
                    body.len(),
                    &body[..sent]
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                if !close {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn an_answer_that_stalls_after_its_head_times_out() {
    let url = partial_pdp(5, false).await;
    for kind in TransportKind::ALL {
        let client = client_on(kind, &url, None, Duration::from_millis(300));
        let exchange = client.check(&demo_query()).await;
        assert_eq!(
            exchange.result.unwrap_err(),
            PdpError::Timeout {
                url: url.clone(),
                after: Duration::from_millis(300)
            },
            "{kind}: the limit covers the body, not only the head"
        );
        assert!(exchange.latency >= Duration::from_millis(300), "{kind}");
        // differs: reqwest had the status when the body timed out and keeps it; the direct
        // path times the whole call as one, so nothing of the answer is kept.
        let status = match kind {
            TransportKind::Direct => None,
            TransportKind::Reqwest => Some(200),
        };
        assert_eq!(exchange.status, status, "{kind}");
    }
}

#[tokio::test]
async fn an_answer_cut_short_by_a_close_is_unreachable() {
    let url = partial_pdp(5, true).await;
    let addr = url.trim_start_matches("http://");
    for (kind, exchange) in check_on_both(&url, None).await {
        let err = exchange.result.unwrap_err();
        assert_eq!(err.kind(), "unreachable", "{kind}: {err}");
        assert!(exchange.raw_body.is_none(), "{kind}");
        let PdpError::Unreachable { detail, .. } = err else {
            unreachable!()
        };
        assert!(
            detail.contains("end of file before message length reached"),
            "{kind}: {detail}"
        );
        // differs: as above, reqwest keeps the status it read; the direct path does not. The
        // direct path's detail starts with the address.
        match kind {
            TransportKind::Direct => {
                assert_eq!(exchange.status, None);
                assert!(detail.starts_with(&format!("{addr}: ")), "{detail}");
            }
            TransportKind::Reqwest => {
                assert_eq!(exchange.status, Some(200));
                assert!(!detail.contains(addr), "{detail}");
            }
        }
    }
}

#[tokio::test]
async fn a_server_that_does_not_speak_http_is_unreachable() {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            if read_request(&mut socket).await {
                let _ = socket.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\r\n").await;
            }
        }
    });
    for (kind, exchange) in check_on_both(&url, None).await {
        let err = exchange.result.unwrap_err();
        assert_eq!(err.kind(), "unreachable", "{kind}: {err}");
        assert_eq!(exchange.status, None, "{kind}");
        assert!(
            err.to_string().contains("invalid HTTP version"),
            "{kind}: {err}"
        );
    }
}

/// Serves `/allowed` as a redirect: `/moved/allowed` answers 307 to `/target`, `/found/allowed`
/// 302 to `/target`, `/away/allowed` 307 to `/target` on `other` (another origin). `/target`
/// answers a POST with `{"allow": true}` (recording its headers) and a GET with plain text.
async fn redirecting_pdp(other: Option<String>) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let away = format!("{}/target", other.unwrap_or_default());
    let app = Router::new()
        .route(
            "/moved/allowed",
            post(|| async {
                (
                    StatusCode::TEMPORARY_REDIRECT,
                    [("location", "/target")],
                    "",
                )
            }),
        )
        .route(
            "/found/allowed",
            post(|| async { (StatusCode::FOUND, [("location", "/target")], "moved") }),
        )
        .route(
            "/away/allowed",
            post(move || async move { (StatusCode::TEMPORARY_REDIRECT, [("location", away)], "") }),
        )
        .route(
            "/target",
            post(move |headers: HeaderMap, body: String| {
                let record = record.clone();
                async move {
                    record.lock().unwrap().push((headers, body));
                    r#"{"allow": true}"#
                }
            })
            .get(|| async { "a page, not a decision" }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn redirects_are_followed_by_reqwest_only() {
    let (other, seen_away) = redirecting_pdp(None).await;
    let (url, seen) = redirecting_pdp(Some(other)).await;
    let key = Some("permit_key_test");

    // differs: the direct path never follows a redirect; the 3xx is the answer, an
    // unexpected status with its body kept. reqwest follows it (up to 10 hops).
    for (kind, exchange) in check_on_both(&format!("{url}/moved"), key).await {
        match kind {
            TransportKind::Direct => {
                assert_eq!(exchange.status, Some(307));
                assert_eq!(
                    exchange.result.unwrap_err(),
                    PdpError::UnexpectedStatus {
                        status: 307,
                        detail: "(empty body)".into()
                    }
                );
            }
            TransportKind::Reqwest => {
                assert_eq!(exchange.status, Some(200), "the target's status");
                assert!(exchange.result.unwrap().allow);
            }
        }
    }
    // A 307 keeps the method and the body; reqwest resends the key to the same origin and
    // adds a Referer.
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "only reqwest reached the target");
        let (headers, body) = &seen[0];
        assert_eq!(headers["authorization"], "Bearer permit_key_test");
        assert_eq!(headers["referer"], format!("{url}/moved/allowed").as_str());
        assert!(body.contains(r#""user":{"key":"alice"}"#), "{body}");
    }

    // differs: after a 302, reqwest sends a GET without the body (as browsers do), so the
    // check ends as an invalid response on the target's page; the direct path stops at 302.
    for (kind, exchange) in check_on_both(&format!("{url}/found"), key).await {
        let err = exchange.result.unwrap_err();
        match kind {
            TransportKind::Direct => {
                assert_eq!(exchange.status, Some(302));
                assert_eq!(
                    err,
                    PdpError::UnexpectedStatus {
                        status: 302,
                        detail: "moved".into()
                    }
                );
            }
            TransportKind::Reqwest => {
                assert_eq!(exchange.status, Some(200));
                assert_eq!(err.kind(), "invalid_response", "{err}");
                assert_eq!(exchange.raw_body.as_deref(), Some("a page, not a decision"));
            }
        }
    }
    assert_eq!(seen.lock().unwrap().len(), 1, "a GET is not recorded");

    // differs: a redirect to another origin is followed by reqwest without the API key (it
    // drops Authorization when the host or port changes); the PDP there answers without it.
    for (kind, exchange) in check_on_both(&format!("{url}/away"), key).await {
        match kind {
            TransportKind::Direct => assert_eq!(exchange.status, Some(307)),
            TransportKind::Reqwest => assert!(exchange.result.unwrap().allow),
        }
    }
    let seen_away = seen_away.lock().unwrap();
    assert_eq!(seen_away.len(), 1, "only reqwest went to the other origin");
    assert_eq!(
        seen_away[0].0.get("authorization"),
        None,
        "the key stays home"
    );
}

#[tokio::test]
async fn bulk_sends_a_bare_array_and_checks_the_answer_count() {
    let (url, seen) = mock_pdp(
        200,
        &[],
        r#"{"allow": [{"allow": true}, {"allow": false}]}"#,
    )
    .await;
    let queries = vec![demo_query(), demo_query()];
    let exchange = client(&url, None).check_bulk(&queries).await;
    let results = exchange.result.unwrap();
    assert_eq!(
        results.iter().map(|r| r.allow).collect::<Vec<_>>(),
        vec![true, false]
    );
    let body: Value = serde_json::from_str(&seen.lock().unwrap()[0].1).unwrap();
    assert!(body.as_array().is_some_and(|a| a.len() == 2), "{body}");

    let one = vec![demo_query()];
    let err = client(&url, None)
        .check_bulk(&one)
        .await
        .result
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_response");
}

#[tokio::test]
async fn health_503_is_still_read_as_a_health_report() {
    let (url, _) = mock_pdp(200, &[], "{}").await;
    let exchange = client(&url, None).healthy().await;
    assert_eq!(exchange.status, Some(503));
    assert_eq!(exchange.result.unwrap().status, "error");
}

#[test]
fn bad_urls_are_refused_before_anything_is_sent() {
    let err = PdpClient::new("localhost:7766", None, Duration::from_secs(1)).unwrap_err();
    assert_eq!(err.kind(), "bad_url");
    assert!(PdpClient::new("not a url", None, Duration::from_secs(1)).is_err());
}

#[test]
fn debug_printing_a_client_never_shows_the_key() {
    let c = PdpClient::new(
        "http://x",
        Some("permit_key_supersecretvalue1234".into()),
        Duration::from_secs(1),
    )
    .unwrap();
    let printed = format!("{c:?}");
    assert!(!printed.contains("supersecret"), "{printed}");
    let preview = c.describe_request("/allowed", &demo_query());
    let shown = serde_json::to_string(&preview).unwrap();
    assert!(
        !shown.contains("supersecret") && shown.contains("<redacted>"),
        "{shown}"
    );
}

/// Reads one HTTP request (head and Content-Length body); false when the peer closed first.
async fn read_request(socket: &mut tokio::net::TcpStream) -> bool {
    use tokio::io::AsyncReadExt;
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return false;
        }
        seen.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&seen).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                })
                .unwrap_or(0);
            if seen.len() >= end + 4 + length {
                return true;
            }
        }
    }
}

/// A raw PDP on a loopback port: `serve` gets each connection as it is accepted. Returns the
/// URL and how many connections were made.
async fn counting_pdp<F, Fut>(serve: F) -> (String, Arc<Mutex<usize>>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(Mutex::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            *counted.lock().unwrap() += 1;
            tokio::spawn(serve(socket));
        }
    });
    (url, connections)
}

/// Writes `{"allow": true}` as a complete HTTP/1.1 answer (no `Connection: close`).
async fn answer_allow(socket: &mut tokio::net::TcpStream) {
    use tokio::io::AsyncWriteExt;
    let body = r#"{"allow": true}"#;
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = socket.write_all(answer.as_bytes()).await;
}

/// Answers the first request on each connection with `{"allow": true}` and keeps it open, then
/// closes it on the second request without answering: a PDP whose keep-alive timeout fires
/// just as the client reuses the connection. Returns the URL and the connection count.
async fn closing_pdp() -> (String, Arc<Mutex<usize>>) {
    counting_pdp(|mut socket| async move {
        if !read_request(&mut socket).await {
            return;
        }
        answer_allow(&mut socket).await;
        // The next request on this connection is read and dropped unanswered.
        read_request(&mut socket).await;
    })
    .await
}

#[tokio::test]
async fn a_pdp_closing_kept_alive_connections_between_checks_costs_no_check() {
    // The direct path (the automatic choice here) resends a check the PDP dropped on a
    // kept-alive connection, once, on a new one: checks are reads, so that is safe.
    let (url, connections) = closing_pdp().await;
    let client = client(&url, None);
    assert_eq!(client.transport(), TransportKind::Direct);
    for n in 1..=5 {
        let exchange = client.check(&demo_query()).await;
        assert!(
            exchange.result.expect("each check answers").allow,
            "check {n}"
        );
    }
    assert_eq!(
        *connections.lock().unwrap(),
        5,
        "one new connection per check"
    );
}

#[tokio::test]
async fn reqwest_does_not_resend_a_check_the_pdp_dropped_on_a_kept_alive_connection() {
    // differs: reqwest resends only a request it had not written yet. When the PDP reads the
    // check and closes the kept-alive connection without answering (its idle timeout racing
    // the check), reqwest fails that check; the next one goes out on a new connection. So
    // every other check fails here, where the direct path (above) answers them all.
    let (url, connections) = closing_pdp().await;
    let client = client_on(TransportKind::Reqwest, &url, None, Duration::from_secs(2));
    for n in 1..=5 {
        let exchange = client.check(&demo_query()).await;
        if n % 2 == 1 {
            assert!(
                exchange
                    .result
                    .expect("a check on a new connection answers")
                    .allow,
                "check {n}"
            );
            continue;
        }
        let err = exchange.result.expect_err("the dropped check fails");
        assert_eq!(err.kind(), "unreachable", "check {n}: {err}");
        assert!(
            err.to_string()
                .contains("connection closed before message completed"),
            "check {n}: {err}"
        );
        assert_eq!(exchange.status, None, "check {n}");
    }
    assert_eq!(*connections.lock().unwrap(), 3, "checks 1, 3 and 5 connect");
}

/// Answers each request with `{"allow": true}` and closes the connection right after, without
/// saying so (no `Connection: close`): a kept-alive connection the PDP then closes while idle.
async fn one_answer_per_connection_pdp() -> (String, Arc<Mutex<usize>>) {
    counting_pdp(|mut socket| async move {
        if read_request(&mut socket).await {
            answer_allow(&mut socket).await;
        }
    })
    .await
}

#[tokio::test]
async fn a_kept_alive_connection_the_pdp_closed_while_idle_is_not_reused() {
    // Both notice the close before sending (it arrived while the connection sat idle), so no
    // check is lost on either.
    for kind in TransportKind::ALL {
        let (url, connections) = one_answer_per_connection_pdp().await;
        let client = client_on(kind, &url, None, Duration::from_secs(2));
        for n in 1..=4 {
            let exchange = client.check(&demo_query()).await;
            assert!(exchange.result.expect("answers").allow, "{kind}: check {n}");
            // Time for the close to arrive before the next check.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(*connections.lock().unwrap(), 4, "{kind}");
    }
}

#[tokio::test]
async fn a_url_with_a_path_sends_every_call_under_that_path() {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let app = Router::new().nest(
        "/pdp",
        Router::new().route(
            "/allowed",
            post(move |headers: HeaderMap, body: String| {
                let record = record.clone();
                async move {
                    record.lock().unwrap().push((headers, body));
                    r#"{"allow": false}"#
                }
            }),
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    for (kind, exchange) in check_on_both(&format!("http://{addr}/pdp/"), None).await {
        assert!(
            !exchange.result.expect("answered under /pdp").allow,
            "{kind}"
        );
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "both transports reached /pdp/allowed");
    for (headers, _) in seen.iter() {
        assert_eq!(headers["host"], addr.to_string().as_str());
        assert!(headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("permit-tui/"));
    }
}

#[tokio::test]
async fn concurrent_checks_on_one_client_each_get_their_own_answer() {
    use permit_tui::sandbox::{serve, Sandbox, ServeOptions};
    let sandbox = Sandbox::bundled().expect("bundled policies");
    let running = serve(
        sandbox,
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .expect("sandbox serves");
    // alice may read doc-1 in acme; bob may not delete it (denied by every model).
    let query = |user: &str, action: &str| {
        CheckInput {
            user: user.into(),
            action: action.into(),
            resource: "document:doc-1".into(),
            tenant: "acme".into(),
            ..CheckInput::default()
        }
        .to_query()
        .unwrap()
    };
    for kind in TransportKind::ALL {
        let client = client_on(
            kind,
            &running.url(),
            Some("permit_key_sandbox_dev"),
            Duration::from_secs(2),
        );
        let checks: Vec<_> = (0..64)
            .map(|i| {
                let client = client.clone();
                let allowed = i % 2 == 0;
                let q = if allowed {
                    query("alice", "read")
                } else {
                    query("bob", "delete")
                };
                tokio::spawn(async move { (allowed, client.check(&q).await) })
            })
            .collect();
        for handle in checks {
            let (allowed, exchange) = handle.await.unwrap();
            assert_eq!(
                exchange.result.expect("sandbox answers").allow,
                allowed,
                "{kind}"
            );
        }
    }
    running.shutdown().await;
}

/// Answers `{"allow": true}` to every request on a kept-alive connection after `delay`: a slow
/// PDP, which the sandbox cannot be made into.
async fn slow_pdp(delay: Duration) -> String {
    let app = Router::new().route(
        "/allowed",
        post(move || async move {
            tokio::time::sleep(delay).await;
            r#"{"allow": true}"#
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_warm_check_shows_the_pdps_time_and_nothing_of_the_check_before() {
    let delay = Duration::from_millis(40);
    let url = slow_pdp(delay).await;
    // The direct path times a warm check on the socket, reqwest from handing it over to the
    // last byte; both figures hold the PDP's time and nothing from before the call.
    for kind in TransportKind::ALL {
        let client = client_on(kind, &url, None, Duration::from_secs(2));
        for n in 1..=3 {
            let started = std::time::Instant::now();
            let exchange = client.check(&demo_query()).await;
            let wall = started.elapsed();
            assert!(exchange.result.expect("answers").allow, "{kind}: check {n}");
            // The PDP's wait is in the figure; a stale start from an earlier check would push
            // it past the time the call took.
            assert!(
                exchange.latency >= delay,
                "{kind}: check {n}: {:?}",
                exchange.latency
            );
            assert!(
                exchange.latency <= wall,
                "{kind}: check {n}: {:?} > {wall:?}",
                exchange.latency
            );
        }
    }
}

/// Answers every request with a chunked body that never ends (until the client hangs up), or
/// with `status` and a body of `size` bytes when `size` is given. Counts what it wrote.
async fn flooding_pdp(status: u16, size: Option<usize>) -> (String, Arc<Mutex<usize>>) {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let written = Arc::new(Mutex::new(0usize));
    let counter = written.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                if !read_request(&mut socket).await {
                    return;
                }
                let chunk = vec![b'x'; 64 * 1024];
                if let Some(size) = size {
                    let head = format!("HTTP/1.1 {status} Oops\r\ncontent-type: text/plain\r\ncontent-length: {size}\r\n\r\n");
                    let _ = socket.write_all(head.as_bytes()).await;
                    let _ = socket.write_all(&vec![b'e'; size]).await;
                    return;
                }
                let head = format!("HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
                let _ = socket.write_all(head.as_bytes()).await;
                let framed = [
                    format!("{:x}\r\n", chunk.len()).into_bytes(),
                    chunk,
                    b"\r\n".to_vec(),
                ]
                .concat();
                // Bounded so a client without a limit fails the test instead of running forever.
                for _ in 0..4096 {
                    if socket.write_all(&framed).await.is_err() {
                        return;
                    }
                    *counter.lock().unwrap() += 64 * 1024;
                }
            });
        }
    });
    (url, written)
}

#[tokio::test]
async fn an_endless_answer_stops_at_the_size_limit_as_an_invalid_response() {
    for kind in TransportKind::ALL {
        let (url, written) = flooding_pdp(200, None).await;
        let client = client_on(kind, &url, None, Duration::from_secs(20)).with_max_answer(1 << 20);
        let exchange = client.check(&demo_query()).await;
        let err = exchange.result.unwrap_err();
        assert_eq!(err.kind(), "invalid_response", "{kind}: {err}");
        assert!(
            err.to_string().contains("larger than 1 MiB"),
            "{kind}: {err}"
        );
        assert_eq!(exchange.status, Some(200), "{kind}");
        assert!(
            exchange.raw_body.is_none(),
            "{kind}: an oversize body is not kept"
        );
        let sent = *written.lock().unwrap();
        assert!(
            sent < 64 << 20,
            "{kind}: the client read on: {sent} bytes were written"
        );
    }
    // A credentialed URL is reqwest's by the automatic choice, and limited the same way.
    let (url, _) = flooding_pdp(200, None).await;
    let client = PdpClient::new(
        &url.replace("http://", "http://user:secret@"),
        None,
        Duration::from_secs(20),
    )
    .unwrap()
    .with_max_answer(1 << 20);
    assert_eq!(client.transport(), TransportKind::Reqwest);
    let err = client.check(&demo_query()).await.result.unwrap_err();
    assert!(err.to_string().contains("larger than 1 MiB"), "{err}");
}

#[tokio::test]
async fn an_answer_declared_too_large_is_not_read() {
    for kind in TransportKind::ALL {
        let (url, _) = flooding_pdp(200, Some(3 << 20)).await;
        let client = client_on(kind, &url, None, Duration::from_secs(20)).with_max_answer(1 << 20);
        let exchange = client.check(&demo_query()).await;
        assert_eq!(
            exchange.result.unwrap_err().kind(),
            "invalid_response",
            "{kind}"
        );
        assert_eq!(exchange.status, Some(200), "{kind}");
    }
}

#[tokio::test]
async fn a_huge_error_body_is_cut_in_the_message_with_its_size_shown() {
    let (url, _) = flooding_pdp(500, Some(300_000)).await;
    for (kind, exchange) in check_on_both(&url, None).await {
        let err = exchange.result.unwrap_err();
        let shown = err.to_string();
        assert_eq!(err.kind(), "pdp_failure", "{kind}");
        assert!(
            shown.len() < 1_500,
            "{kind}: {} characters shown",
            shown.len()
        );
        assert!(shown.contains("300000 bytes in all"), "{kind}: {shown}");
        assert_eq!(exchange.raw_body.map(|b| b.len()), Some(300_000), "{kind}");
    }
}
