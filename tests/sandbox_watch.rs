//! `permit-tui sandbox --policy FILE --watch` as a user runs it: edit the file, the decision
//! changes; break the file, the last good policy keeps serving and the error is printed.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use permit_tui::pdp::{CheckInput, PdpClient};

const KEY: &str = "permit_key_watch";

fn policy(reader_can: &str) -> String {
    serde_json::json!({
        "environment": {"key": "dev", "project": "p", "api_key": KEY},
        "resources": [{"key": "document", "actions": {"read": {}, "write": {}}}],
        "roles": [{"key": "reader", "permissions": [format!("document:{reader_can}")]}],
        "tenants": [{"key": "default"}],
        "users": [{"key": "alice"}],
        "role_assignments": [{"user": "alice", "role": "reader", "tenant": "default"}]
    })
    .to_string()
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Polls `alice write document` until it decides `want` (a reload is asynchronous).
async fn until_write_is(client: &PdpClient, want: bool) -> bool {
    let query = CheckInput {
        user: "alice".into(),
        action: "write".into(),
        resource: "document".into(),
        ..CheckInput::default()
    }
    .to_query()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if client
            .check(&query)
            .await
            .result
            .is_ok_and(|r| r.allow == want)
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edited_policy_is_served_and_a_broken_one_is_reported_not_served() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.json");
    std::fs::write(&file, policy("read")).unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_permit-tui"))
        .args([
            "sandbox",
            "--watch",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--policy",
        ])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (errors_tx, errors) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = errors_tx.send(line);
        }
    });
    let started = lines.iter().find(|l| l.contains("Press Ctrl-C")).is_some();
    assert!(started, "the sandbox started");

    let client = PdpClient::new(
        &format!("http://127.0.0.1:{port}"),
        Some(KEY.into()),
        Duration::from_secs(5),
    )
    .unwrap();
    assert!(
        until_write_is(&client, false).await,
        "reader may not write at first"
    );
    std::fs::write(&file, policy("write")).unwrap();
    assert!(until_write_is(&client, true).await, "the edit is served");
    let reloaded = lines
        .recv_timeout(Duration::from_secs(5))
        .unwrap_or_default();
    assert!(reloaded.contains("reloaded the policy"), "{reloaded}");

    std::fs::write(&file, "{\"environment\": ").unwrap();
    let error = errors
        .recv_timeout(Duration::from_secs(15))
        .expect("the error is printed");
    assert!(error.contains("the last good one keeps serving"), "{error}");
    assert!(
        until_write_is(&client, true).await,
        "the last good policy still serves"
    );
    let _ = child.kill();
    let _ = child.wait();
}
