//! The sandbox server against hostile and broken clients, over real loopback TCP: every wait
//! ends at its timeout, every resource at its cap, and the sandbox keeps answering others.
//! Timeouts are set short here so each case ends in well under a second; every read is itself
//! bounded, so a server without the limit fails the test instead of hanging it.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use permit_tui::sandbox::{serve, Limits, RunningSandbox, Sandbox, ServeOptions, ORG_API_KEY};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const DEV: &str = "permit_key_sandbox_dev";
/// How long a test waits for the server to act before calling it a failure.
const PATIENCE: Duration = Duration::from_secs(5);

fn short_limits() -> Limits {
    Limits {
        header_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        ..Limits::default()
    }
}

async fn start(limits: Limits) -> RunningSandbox {
    start_with(Sandbox::bundled().unwrap(), limits, false).await
}

async fn start_with(sandbox: Sandbox, limits: Limits, allow_remote: bool) -> RunningSandbox {
    let opts = ServeOptions {
        limits,
        allow_remote,
        ..ServeOptions::default()
    };
    serve(sandbox, "127.0.0.1:0".parse().unwrap(), opts)
        .await
        .unwrap()
}

/// Reads until the server closes the connection (or PATIENCE runs out: then `None`).
async fn read_to_close(stream: &mut TcpStream) -> Option<String> {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut seen)).await;
    match read {
        Ok(_) => Some(String::from_utf8_lossy(&seen).into_owned()),
        Err(_) => None,
    }
}

/// Reads one answer's head and body up to what the head's content-length says.
async fn read_answer(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut chunk = [0u8; 8192];
    let work = async {
        loop {
            let n = stream.read(&mut chunk).await.unwrap_or(0);
            if n == 0 {
                break;
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
                    break;
                }
            }
        }
    };
    tokio::time::timeout(PATIENCE, work)
        .await
        .expect("the server answered in time");
    String::from_utf8_lossy(&seen).into_owned()
}

fn check_body() -> String {
    r#"{"user":{"key":"alice"},"action":"read","resource":{"type":"document","tenant":"default"}}"#
        .to_string()
}

fn post_head(path: &str, key: Option<&str>, host: &str, length: usize) -> String {
    let auth = key
        .map(|k| format!("authorization: Bearer {k}\r\n"))
        .unwrap_or_default();
    format!("POST {path} HTTP/1.1\r\nhost: {host}\r\n{auth}content-type: application/json\r\ncontent-length: {length}\r\n\r\n")
}

/// Sends one well-formed, authenticated check on `stream` and reads its answer.
async fn one_check(stream: &mut TcpStream) -> String {
    let body = check_body();
    let head = post_head("/allowed", Some(DEV), "localhost", body.len());
    stream
        .write_all(format!("{head}{body}").as_bytes())
        .await
        .unwrap();
    read_answer(stream).await
}

async fn healthy(url: &str) -> reqwest::StatusCode {
    reqwest::get(format!("{url}/healthy"))
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_closed_at_the_header_timeout() {
    let s = start(short_limits()).await;
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    stream
        .write_all(b"POST /allowed HTTP/1.1\r\n")
        .await
        .unwrap();
    let trickle = async {
        for byte in b"host: localhost\r\nx-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
            if stream.write_all(&[*byte]).await.is_err() {
                return true; // closed under us
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    };
    // 49 bytes at 100 ms each would take ~5 s; the header timeout is 300 ms.
    let closed_early = tokio::time::timeout(PATIENCE, trickle)
        .await
        .unwrap_or(false);
    let rest = if closed_early {
        Some(String::new())
    } else {
        read_to_close(&mut stream).await
    };
    assert!(
        closed_early || rest.is_some(),
        "the trickling connection was still open after 5 s"
    );
    assert_eq!(healthy(&s.url()).await, 200);
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let s = start(short_limits()).await;
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    let answer = one_check(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Then nothing: the connection waits for a next request that never comes.
    let rest = read_to_close(&mut stream).await;
    assert_eq!(
        rest.as_deref(),
        Some(""),
        "the idle connection was not closed"
    );
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_gets_408() {
    let s = start(short_limits()).await;
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    let head = post_head("/allowed", Some(DEV), "localhost", 1_000);
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(b"{\"user\":").await.unwrap();
    let answer = read_answer(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 0.3 s"), "{answer}");
}

#[tokio::test]
async fn a_chunked_body_that_never_ends_gets_408() {
    let s = start(short_limits()).await;
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    let head = format!("POST /allowed HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {DEV}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let feeding = async {
        loop {
            if stream.write_all(b"1\r\n \r\n").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    // The writer loops until the server closes; the server must close on its own.
    let _ = tokio::time::timeout(PATIENCE, feeding).await;
    let mut seen = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.read_to_end(&mut seen)).await;
    let answer = String::from_utf8_lossy(&seen);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn an_unauthenticated_body_is_refused_before_it_is_read() {
    let s = start(short_limits()).await;
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    // A 1 MiB body is announced and none of it sent: the answer must not wait for it.
    let head = post_head("/allowed", None, "localhost", 1 << 20);
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    let head = post_head("/allowed", Some("permit_key_wrong"), "localhost", 1 << 20);
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
}

#[tokio::test]
async fn bodies_past_the_shared_budget_get_503_at_once() {
    let limits = Limits {
        body_budget: 2 << 20,
        ..short_limits()
    };
    let s = start(Limits {
        body_timeout: Duration::from_secs(3),
        ..limits
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(s.addr).await.unwrap();
        let head = post_head("/allowed", Some(DEV), "localhost", 1 << 20);
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&[b' '; 1024]).await.unwrap();
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(s.addr).await.unwrap();
    let head = post_head("/allowed", Some(DEV), "localhost", 1 << 20);
    third.write_all(head.as_bytes()).await.unwrap();
    let answer = read_answer(&mut third).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("budget"), "{answer}");
    // A small check still fits beside them.
    let client = permit_tui::pdp::PdpClient::new(&s.url(), Some(DEV.into()), PATIENCE).unwrap();
    let query = permit_tui::pdp::CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        ..Default::default()
    }
    .to_query()
    .unwrap();
    drop(held);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(client.check(&query).await.result.is_ok());
}

#[tokio::test]
async fn connections_past_the_cap_get_503_and_the_rest_are_served() {
    let s = start(Limits {
        max_connections: 4,
        header_timeout: Duration::from_secs(3),
        ..short_limits()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(s.addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fifth = TcpStream::connect(s.addr).await.unwrap();
    let answer = read_to_close(&mut fifth)
        .await
        .expect("turned away and closed");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("maximum number of connections"), "{answer}");
    // Closing one frees its slot.
    drop(idle.pop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    let answer = one_check(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_bulk_request_past_the_cap_gets_413_and_a_traced_one_is_capped_lower() {
    let s = start(Limits {
        max_bulk_checks: 50,
        ..short_limits()
    })
    .await;
    let client = reqwest::Client::new();
    let bulk = |n: usize| {
        let one: serde_json::Value = serde_json::from_str(&check_body()).unwrap();
        serde_json::Value::Array(vec![one; n])
    };
    let send = |n: usize, trace: bool| {
        let mut request = client
            .post(format!("{}/allowed/bulk", s.url()))
            .bearer_auth(DEV)
            .json(&bulk(n));
        if trace {
            request = request.header("x-permit-tui-trace", "1");
        }
        request.send()
    };
    let answer = send(51, false).await.unwrap();
    assert_eq!(answer.status(), 413);
    let text = answer.text().await.unwrap();
    assert!(
        text.contains("51 checks") && text.contains("at most 50"),
        "{text}"
    );
    assert_eq!(send(50, false).await.unwrap().status(), 200);

    let s = start(short_limits()).await;
    let url = format!("{}/allowed/bulk", s.url());
    let traced = client
        .post(&url)
        .bearer_auth(DEV)
        .header("x-permit-tui-trace", "1")
        .json(&bulk(101))
        .send()
        .await
        .unwrap();
    assert_eq!(traced.status(), 413);
    assert!(traced.text().await.unwrap().contains("with the trace"));
    let plain = client
        .post(&url)
        .bearer_auth(DEV)
        .json(&bulk(101))
        .send()
        .await;
    assert_eq!(plain.unwrap().status(), 200);
}

#[tokio::test]
async fn a_foreign_host_name_is_refused_unless_remote_serving_was_asked() {
    let s = start(short_limits()).await;
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    let request = "GET /v2/api-key/scope HTTP/1.1\r\nhost: rebound.evil.example:7766\r\nauthorization: Bearer permit_key_sandbox_org\r\n\r\n";
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("DNS rebinding"), "{answer}");
    assert!(!answer.contains("permit_key_sandbox_dev"), "{answer}");

    let remote = start_with(Sandbox::bundled().unwrap(), short_limits(), true).await;
    let mut stream = TcpStream::connect(remote.addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_custom_policy_set_gets_its_own_org_key_not_the_published_one() {
    let policy = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/sandbox/dev.json"
    ))
    .unwrap();
    let custom = Sandbox::from_texts(&[("mine.json", &policy)]).unwrap();
    let other = Sandbox::from_texts(&[("mine.json", &policy)]).unwrap();
    let org = custom.org_api_key().to_string();
    assert_ne!(org, ORG_API_KEY);
    assert_ne!(org, other.org_api_key(), "generated per run");
    assert!(org.starts_with("permit_key_") && org.len() > 40, "{org}");
    assert_eq!(Sandbox::bundled().unwrap().org_api_key(), ORG_API_KEY);

    let s = start_with(custom, short_limits(), false).await;
    let read_key = |key: String| {
        let url = format!("{}/v2/api-key/sandbox/dev", s.url());
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(read_key(ORG_API_KEY.to_string()).await, 403);
    assert_eq!(read_key(org).await, 200);
}

#[tokio::test]
async fn an_ipv4_mapped_loopback_bind_counts_as_loopback() {
    let bind = "[::ffff:127.0.0.1]:0".parse().unwrap();
    match serve(Sandbox::bundled().unwrap(), bind, ServeOptions::default()).await {
        Ok(running) => running.shutdown().await,
        Err(err) => assert!(!err.to_string().contains("not a loopback address"), "{err}"),
    }
}
