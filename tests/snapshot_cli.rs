//! `permit-tui snapshot` as a user runs it: the real binary against a sandbox over loopback.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use permit_tui::sandbox::{serve, RunningSandbox, Sandbox, ServeOptions, ORG_API_KEY};
use serde_json::Value;

async fn sandbox() -> RunningSandbox {
    serve(
        Sandbox::bundled().unwrap(),
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .unwrap()
}

fn snapshot(url: &str, key: &str, dir: &std::path::Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_permit-tui"))
        .arg("snapshot")
        .args(["--api-url", url, "-o"])
        .arg(dir.join("mirror.json"))
        .args(extra)
        .env("PERMIT_API_KEY", key)
        .env("PERMIT_TUI_CONFIG_DIR", dir.join("config"))
        .env("PERMIT_TUI_DATA_DIR", dir.join("data"))
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_environment_key_mirrors_its_environment_into_a_file_the_sandbox_loads() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let url = sb.url();
    let out = tokio::task::spawn_blocking({
        let dir = dir.path().to_path_buf();
        move || snapshot(&url, "permit_key_sandbox_dev", &dir, &["--json"])
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["project"], "sandbox");
    assert_eq!(summary["environment"], "dev");
    assert!(
        summary["counts"]["users"].as_u64().unwrap() > 5,
        "{summary}"
    );
    let local_key = summary["local_api_key"].as_str().unwrap().to_string();
    assert!(local_key.starts_with("permit_key_mirror_"), "{local_key}");

    let path = dir.path().join("mirror.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("permit_key_sandbox_dev"),
        "the source's key stays out"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let mirror = Sandbox::from_files(&[path]).expect("the snapshot loads");
    let q = serde_json::from_value(serde_json::json!({
        "user": {"key": "alice"}, "action": "read",
        "resource": {"type": "document", "key": "doc-1", "tenant": "acme"}
    }))
    .unwrap();
    let bundled = Sandbox::bundled().unwrap();
    assert_eq!(
        mirror.decide(&local_key, &q),
        bundled.decide("permit_key_sandbox_dev", &q)
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_organization_key_needs_a_project_and_an_environment_and_lists_them() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (url, path) = (sb.url(), dir.path().to_path_buf());
    let out = tokio::task::spawn_blocking(move || {
        let without = snapshot(&url, ORG_API_KEY, &path, &[]);
        let written_without = path.join("mirror.json").exists();
        let with = snapshot(&url, ORG_API_KEY, &path, &["--environment", "prod"]);
        (without, with, written_without)
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.0.stderr);
    assert_eq!(out.0.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--environment: dev, prod"), "{stderr}");
    assert!(!out.2, "nothing written without a choice");
    let stdout = String::from_utf8_lossy(&out.1.stdout);
    assert_eq!(
        out.1.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.1.stderr)
    );
    assert!(stdout.contains("snapshot of sandbox/prod"), "{stdout}");
    assert!(stdout.contains("permit-tui sandbox --policy"), "{stdout}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_ends_with_advice_and_writes_nothing() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (url, path) = (sb.url(), dir.path().to_path_buf());
    let out = tokio::task::spawn_blocking(move || snapshot(&url, "permit_key_wrong", &path, &[]))
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("HTTP 403") && stderr.contains("hint:"),
        "{stderr}"
    );
    assert!(!dir.path().join("mirror.json").exists());
    sb.shutdown().await;
}
