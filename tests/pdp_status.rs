//! `permit-tui pdp status`: two sandboxes over loopback, one playing a real environment (its
//! snapshot taken with `permit-tui snapshot`), the other a PDP whose data drifted from it.

use serde_json::{json, Value};

mod common;
use common::loopback::{permit_tui_with_key as permit_tui, serving, text, DEV_JSON};

#[tokio::test(flavor = "multi_thread")]
async fn a_pdp_that_lacks_and_adds_assignments_is_told_apart_from_one_in_sync() {
    let source = serving(DEV_JSON).await;
    let mut drifted: Value = serde_json::from_str(DEV_JSON).unwrap();
    let assignments = drifted["role_assignments"].as_array_mut().unwrap();
    let removed = assignments.remove(0);
    assignments.push(json!({"user": "dave", "role": "auditor", "tenant": "initech"}));
    let pdp = serving(&drifted.to_string()).await;

    let dir = tempfile::tempdir().unwrap();
    let (source_url, pdp_url, source_pdp_url) = (source.url(), pdp.url(), source.url());
    let path = dir.path().to_path_buf();
    let (snap, drift, in_sync) = tokio::task::spawn_blocking(move || {
        let file = path.join("dev.json");
        let file = file.to_str().unwrap();
        let key = "permit_key_sandbox_dev";
        let snap = permit_tui(
            &["snapshot", "--api-url", &source_url, "-o", file],
            key,
            &path,
        );
        let status = ["pdp", "status", "--snapshot", file, "--pdp"];
        let drift = permit_tui(&[&status[..], &[pdp_url.as_str()]].concat(), key, &path);
        let in_sync = permit_tui(
            &[&status[..], &[source_pdp_url.as_str()]].concat(),
            key,
            &path,
        );
        (snap, drift, in_sync)
    })
    .await
    .unwrap();
    assert_eq!(
        snap.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&snap.stderr)
    );

    let text = String::from_utf8_lossy(&drift.stdout);
    assert_eq!(
        drift.status.code(),
        Some(1),
        "{text}{}",
        String::from_utf8_lossy(&drift.stderr)
    );
    assert!(text.contains("PDP "), "{text}");
    assert!(text.contains("the PDP lacks 1:"), "{text}");
    let lacked = format!(
        "{} → {} in {}",
        removed["user"].as_str().unwrap(),
        removed["role"].as_str().unwrap(),
        removed["tenant"].as_str().unwrap()
    );
    assert!(text.contains(&lacked), "{lacked}: {text}");
    assert!(
        text.contains("the PDP has extra 1:") && text.contains("dave → auditor in initech"),
        "{text}"
    );

    let text = String::from_utf8_lossy(&in_sync.stdout);
    assert_eq!(in_sync.status.code(), Some(0), "{text}");
    assert!(text.contains("role assignments: in sync"), "{text}");
    source.shutdown().await;
    pdp.shutdown().await;
}

/// `pdp status --timeout` once took seconds as a number only; it takes the syntax of
/// every command now, and refuses zero naming the flag.
#[tokio::test(flavor = "multi_thread")]
async fn the_timeout_takes_a_unit_or_a_bare_number_of_seconds() {
    let pdp = serving(DEV_JSON).await;
    let url = pdp.url();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let outs = tokio::task::spawn_blocking(move || {
        ["500ms", "0.5", "0"].map(|timeout| {
            let args = ["pdp", "status", "--pdp", &url, "--timeout", timeout];
            (timeout, permit_tui(&args, "permit_key_sandbox_dev", &path))
        })
    })
    .await
    .unwrap();
    for (timeout, out) in &outs[..2] {
        assert_eq!(
            out.status.code(),
            Some(0),
            "--timeout {timeout}: {}",
            text(out)
        );
    }
    let (_, refused) = &outs[2];
    assert_eq!(refused.status.code(), Some(2), "{}", text(refused));
    assert!(
        text(refused).contains("'--timeout <DURATION>'"),
        "{}",
        text(refused)
    );
    pdp.shutdown().await;
}
