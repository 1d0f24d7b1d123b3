//! Exported snippets are run for real against the sandbox and must reach the decision the
//! explorer reached: curl always; the official Python and Node SDKs when installed
//! (`scripts/setup-sdks.sh`, which the test command runs first; in CI their absence fails).

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use permit_tui::export::{render, Format, KeyExposure};
use permit_tui::pdp::types::AllowedQuery;
use permit_tui::pdp::{CheckInput, PdpClient};
use permit_tui::sandbox::{serve, Sandbox, ServeOptions};

const KEY: &str = "permit_key_export_test";
const POLICY: &str = r#"{
  "environment": {"key": "t", "project": "p", "api_key": "permit_key_export_test"},
  "resources": [{"key": "document", "actions": {"read": {}, "delete": {}},
                 "attributes": {"owner": {"type": "string"}}}],
  "roles": [{"key": "viewer", "permissions": ["document:read"]}],
  "tenants": [{"key": "acme"}],
  "users": [{"key": "alice", "email": "alice@acme.test"}],
  "role_assignments": [{"user": "alice", "role": "viewer", "tenant": "acme"}],
  "condition_sets": [{"key": "cleared", "name": "Cleared", "type": "userset",
                      "conditions": {"allOf": [{"user.clearance": {"greater-than-equals": 3}}]}}],
  "condition_set_rules": [{"user_set": "cleared", "permission": "document:delete", "resource_set": "__autogen_document"}]
}"#;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn query(action: &str, attrs: &str) -> AllowedQuery {
    CheckInput {
        user: "alice".into(),
        user_attributes: attrs.into(),
        action: action.into(),
        resource: "document:d'1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    }
    .to_query()
    .unwrap()
}

/// The cases: an RBAC allow, an ABAC allow from a JIT attribute, and a deny.
fn cases() -> Vec<(AllowedQuery, bool)> {
    vec![
        (query("read", ""), true),
        (query("delete", r#"{"clearance": 3}"#), true),
        (query("delete", r#"{"clearance": 2}"#), false),
    ]
}

fn sdk_python() -> Option<PathBuf> {
    let python = repo().join("target/sdk-venv/bin/python");
    python.exists().then_some(python)
}

fn sdk_node_dir() -> Option<PathBuf> {
    let dir = repo().join("tests/sdk/node");
    dir.join("node_modules/permitio/package.json")
        .exists()
        .then_some(dir)
}

fn require_or_skip(what: &str, found: bool) -> bool {
    if found {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is not installed; the test command (scripts/test.sh) installs it"
    );
    eprintln!("skipping: {what} not installed (run scripts/setup-sdks.sh)");
    false
}

fn run(program: &Path, script: &Path, pdp_key: &str) -> String {
    let out = Command::new(program)
        .arg(script)
        .env("PERMIT_API_KEY", pdp_key)
        .output()
        .expect("interpreter runs");
    assert!(
        out.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

async fn start() -> (permit_tui::sandbox::RunningSandbox, PdpClient) {
    let sandbox = Sandbox::from_texts(&[("export-test", POLICY)]).expect("policy loads");
    let running = serve(
        sandbox,
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .unwrap();
    let client = PdpClient::new(&running.url(), Some(KEY.into()), Duration::from_secs(5)).unwrap();
    (running, client)
}

#[tokio::test(flavor = "multi_thread")]
async fn curl_export_reaches_the_explorers_decision() {
    let (sb, client) = start().await;
    let dir = tempfile::tempdir().unwrap();
    for (i, (q, expected)) in cases().into_iter().enumerate() {
        let ours = client.check(&q).await.result.unwrap().allow;
        assert_eq!(ours, expected, "case {i}");
        let script = dir.path().join(format!("check{i}.sh"));
        std::fs::write(
            &script,
            render(Format::Curl, &sb.url(), &q, KeyExposure::FromEnvironment),
        )
        .unwrap();
        let body: serde_json::Value =
            serde_json::from_str(&run(Path::new("sh"), &script, KEY)).unwrap();
        assert_eq!(body["allow"], ours, "case {i}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn python_sdk_export_reaches_the_explorers_decision() {
    let python = sdk_python();
    if !require_or_skip("the Python SDK (permit)", python.is_some()) {
        return;
    }
    let python = python.unwrap();
    let (sb, client) = start().await;
    let dir = tempfile::tempdir().unwrap();
    for (i, (q, _)) in cases().into_iter().enumerate() {
        let ours = client.check(&q).await.result.unwrap().allow;
        let script = dir.path().join(format!("check{i}.py"));
        std::fs::write(
            &script,
            render(Format::Python, &sb.url(), &q, KeyExposure::FromEnvironment),
        )
        .unwrap();
        let printed = run(&python, &script, KEY);
        assert_eq!(printed, if ours { "ALLOW" } else { "DENY" }, "case {i}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn node_sdk_export_reaches_the_explorers_decision() {
    let node_dir = sdk_node_dir();
    if !require_or_skip("the Node SDK (permitio)", node_dir.is_some()) {
        return;
    }
    let node_dir = node_dir.unwrap();
    let (sb, client) = start().await;
    for (i, (q, _)) in cases().into_iter().enumerate() {
        let ours = client.check(&q).await.result.unwrap().allow;
        // ES modules resolve packages from the script's own folder upwards.
        let script = node_dir.join(format!(".export-test-{}-{i}.mjs", std::process::id()));
        std::fs::write(
            &script,
            render(Format::Node, &sb.url(), &q, KeyExposure::FromEnvironment),
        )
        .unwrap();
        let out = Command::new("node")
            .arg(&script)
            .env("PERMIT_API_KEY", KEY)
            .output();
        let _ = std::fs::remove_file(&script);
        let out = out.expect("node runs");
        assert!(
            out.status.success(),
            "node failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let printed = String::from_utf8_lossy(&out.stdout);
        let last = printed.lines().last().unwrap_or_default().trim();
        assert_eq!(
            last,
            if ours { "ALLOW" } else { "DENY" },
            "case {i}: {printed}"
        );
    }
}
