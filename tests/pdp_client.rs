//! The PDP client against real loopback HTTP servers. The statuses no sandbox produces
//! (429, 501, 502, a PDP that never answers) come from small axum servers written here.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use permit_tui::pdp::types::AllowedQuery;
use permit_tui::pdp::{CheckInput, PdpClient, PdpError};
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

#[tokio::test]
async fn sends_bearer_key_json_and_no_cache_headers_and_the_wire_body() {
    let (url, seen) = mock_pdp(200, &[], r#"{"allow": true}"#).await;
    let exchange = client(&url, Some("permit_key_test"))
        .check(&demo_query())
        .await;
    assert!(exchange.result.unwrap().allow);
    assert_eq!(exchange.status, Some(200));
    let seen = seen.lock().unwrap();
    let (headers, body) = &seen[0];
    assert_eq!(headers["authorization"], "Bearer permit_key_test");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["cache-control"], "no-cache");
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        body,
        json!({"user":{"key":"alice"},"action":"read","resource":{"type":"document","key":"d1","tenant":"default"}})
    );
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
    let exchange = client(&url, None).check(&demo_query()).await;
    match exchange.result.unwrap_err() {
        PdpError::MissingKey { detail } => assert_eq!(detail, "Missing Authorization header"),
        other => panic!("{other:?}"),
    }
    assert_eq!(exchange.status, Some(401));
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
    match client(&url, None)
        .check(&demo_query())
        .await
        .result
        .unwrap_err()
    {
        PdpError::RateLimited {
            retry_after,
            detail,
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(7)));
            assert_eq!(detail, "Too many requests");
        }
        other => panic!("{other:?}"),
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
    let err = client(&url, None)
        .check(&demo_query())
        .await
        .result
        .unwrap_err();
    assert_eq!(
        err,
        PdpError::PdpFailure {
            status: 502,
            detail: "Failed to send request to OPA".into()
        }
    );
}

#[tokio::test]
async fn a_200_that_is_not_a_decision_is_an_invalid_response_with_raw_body_kept() {
    let (url, _) = mock_pdp(200, &[], "<html>proxy login</html>").await;
    let exchange = client(&url, None).check(&demo_query()).await;
    assert_eq!(exchange.result.unwrap_err().kind(), "invalid_response");
    assert_eq!(
        exchange.raw_body.as_deref(),
        Some("<html>proxy login</html>")
    );
}

#[tokio::test]
async fn connection_refused_is_unreachable_with_a_hint() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let exchange = client(&url, None).check(&demo_query()).await;
    let err = exchange.result.unwrap_err();
    assert_eq!(err.kind(), "unreachable", "{err}");
    assert!(err.hint().contains("permit-tui sandbox"));
    assert_eq!(exchange.status, None);
}

#[tokio::test]
async fn an_unknown_host_is_unreachable_and_names_the_lookup() {
    let err = client("http://pdp.invalid:7766", None)
        .check(&demo_query())
        .await
        .result
        .unwrap_err();
    assert_eq!(err.kind(), "unreachable", "{err}");
    assert!(err.to_string().contains("pdp.invalid"), "{err}");
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
    let client = PdpClient::new(&url, None, Duration::from_millis(300)).unwrap();
    let exchange = client.check(&demo_query()).await;
    assert_eq!(
        exchange.result.unwrap_err(),
        PdpError::Timeout {
            url: url.clone(),
            after: Duration::from_millis(300)
        }
    );
    held.abort();
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

/// Answers the first request on each connection with `{"allow": true}` and keeps it open, then
/// closes it on the second request without answering: a PDP whose keep-alive timeout fires
/// just as the client reuses the connection. Returns the URL and the connection count.
async fn closing_pdp() -> (String, Arc<Mutex<usize>>) {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(Mutex::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            *counted.lock().unwrap() += 1;
            tokio::spawn(async move {
                if !read_request(&mut socket).await {
                    return;
                }
                let body = r#"{"allow": true}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                // The next request on this connection is read and dropped unanswered.
                read_request(&mut socket).await;
            });
        }
    });
    (url, connections)
}

#[tokio::test]
async fn a_pdp_closing_kept_alive_connections_between_checks_costs_no_check() {
    let (url, connections) = closing_pdp().await;
    let client = client(&url, None);
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
    let exchange = client(&format!("http://{addr}/pdp/"), None)
        .check(&demo_query())
        .await;
    assert!(!exchange.result.expect("answered under /pdp").allow);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].0["host"], addr.to_string().as_str());
    assert!(seen[0].0["user-agent"]
        .to_str()
        .unwrap()
        .starts_with("permit-tui/"));
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
    let client = client(&running.url(), Some("permit_key_sandbox_dev"));
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
    let checks = (0..64).map(|i| {
        let client = client.clone();
        let allowed = i % 2 == 0;
        let q = if allowed {
            query("alice", "read")
        } else {
            query("bob", "delete")
        };
        tokio::spawn(async move { (allowed, client.check(&q).await) })
    });
    for handle in checks {
        let (allowed, exchange) = handle.await.unwrap();
        assert_eq!(exchange.result.expect("sandbox answers").allow, allowed);
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
    let client = client(&slow_pdp(delay).await, None);
    for n in 1..=3 {
        let started = std::time::Instant::now();
        let exchange = client.check(&demo_query()).await;
        let wall = started.elapsed();
        assert!(exchange.result.expect("answers").allow, "check {n}");
        // The PDP's wait is in the figure; a stale start from an earlier check would push it
        // past the time the call took.
        assert!(
            exchange.latency >= delay,
            "check {n}: {:?}",
            exchange.latency
        );
        assert!(
            exchange.latency <= wall,
            "check {n}: {:?} > {wall:?}",
            exchange.latency
        );
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
    let (url, written) = flooding_pdp(200, None).await;
    let with_credentials = url.replace("http://", "http://user:secret@");
    // Both HTTP paths: plain loopback URLs go through hyper, credentialed ones through reqwest.
    for url in [url.as_str(), with_credentials.as_str()] {
        let client = PdpClient::new(url, None, Duration::from_secs(20))
            .unwrap()
            .with_max_answer(1 << 20);
        let exchange = client.check(&demo_query()).await;
        let err = exchange.result.unwrap_err();
        assert_eq!(err.kind(), "invalid_response", "{url}: {err}");
        assert!(err.to_string().contains("larger than 1 MiB"), "{err}");
        assert!(exchange.raw_body.is_none(), "an oversize body is not kept");
    }
    let sent = *written.lock().unwrap();
    assert!(
        sent < 64 << 20,
        "the client read on: {sent} bytes were written"
    );
}

#[tokio::test]
async fn a_huge_error_body_is_cut_in_the_message_with_its_size_shown() {
    let (url, _) = flooding_pdp(500, Some(300_000)).await;
    let err = client(&url, None)
        .check(&demo_query())
        .await
        .result
        .unwrap_err();
    let shown = err.to_string();
    assert_eq!(err.kind(), "pdp_failure");
    assert!(shown.len() < 1_500, "{} characters shown", shown.len());
    assert!(shown.contains("300000 bytes in all"), "{shown}");
}
