//! `permit-tui replay` end to end on loopback: one sandbox plays production (its own audit
//! log is what is read), the other the policy about to ship, where heidi's clearance of 2 is
//! now enough. Requests are replayed as recorded, attributes kept, so the ABAC change shows.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use futures::{stream, StreamExt};
use permit_tui::pdp::types::AllowedQuery;
use permit_tui::pdp::PdpClient;
use serde_json::{json, Value};

mod common;
use common::loopback::{permit_tui, serving_with, text, DEV_JSON, DEV_KEY as KEY};

async fn serving(policy: &str) -> permit_tui::sandbox::RunningSandbox {
    serving_with(policy, 20_000).await
}

fn query(value: Value) -> AllowedQuery {
    serde_json::from_value(value).unwrap()
}

fn heidi() -> AllowedQuery {
    query(
        json!({"user": {"key": "heidi", "attributes": {"department": "engineering", "clearance": 2}},
                 "action": "read", "resource": {"type": "document", "key": "design-doc", "tenant": "acme"}}),
    )
}

fn add_env(dir: &std::path::Path, name: &str, url: &str) {
    let out = permit_tui(
        &[
            "env",
            "add",
            name,
            "--pdp",
            url,
            "--api-url",
            url,
            "--key-env",
            "PERMIT_API_KEY",
        ],
        dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_abac_change_shows_in_replayed_traffic_and_the_suite_freezes_it() {
    let production = serving(DEV_JSON).await;
    let shipping = DEV_JSON.replace(
        r#"{"user.clearance": {"greater-than-equals": 3}}"#,
        r#"{"user.clearance": {"greater-than-equals": 2}}"#,
    );
    assert_ne!(shipping, DEV_JSON);
    let next = serving(&shipping).await;
    let pdp = PdpClient::new(&production.url(), Some(KEY.into()), Duration::from_secs(5)).unwrap();
    for _ in 0..3 {
        assert!(!pdp.check(&heidi()).await.result.unwrap().allow);
    }
    let alice = query(json!({"user": {"key": "alice"}, "action": "read",
                             "resource": {"type": "document", "key": "doc-1", "tenant": "acme"}}));
    assert!(pdp.check(&alice).await.result.unwrap().allow);
    // One bulk log of two checks: each is replayed with its own recorded answer.
    let bulk = pdp
        .check_bulk(&[heidi(), alice.clone()])
        .await
        .result
        .unwrap();
    assert_eq!(bulk.len(), 2);
    // Not a check: skipped, and said so.
    pdp.check_all_tenants(&alice).await.result.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let (production_url, next_url) = (production.url(), next.url());
    tokio::task::spawn_blocking(move || {
        add_env(&path, "prod", &production_url);
        add_env(&path, "next", &next_url);
        let suite = path.join("yesterday.toml");
        let suite_arg = suite.to_str().unwrap();

        let out = permit_tui(
            &[
                "replay",
                "--from",
                "prod",
                "--against",
                "next",
                "--json",
                "--save-suite",
                suite_arg,
            ],
            &path,
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["read"], 6, "{report}");
        assert_eq!(
            report["replayed"], 6,
            "four singles and the bulk's two: {report}"
        );
        assert_eq!(report["distinct"], 2, "{report}");
        assert_eq!(report["skipped"]["other_query"], 1, "{report}");
        let changed = report["changed"].as_array().unwrap();
        assert_eq!(changed.len(), 1, "{report}");
        assert_eq!(changed[0]["recorded"], "deny");
        assert_eq!(changed[0]["now"], "allow");
        assert_eq!(changed[0]["count"], 4);
        assert_eq!(
            changed[0]["request"]["user"]["attributes"]["clearance"], 2,
            "attributes kept"
        );

        // The human report says the same.
        let out = permit_tui(
            &[
                "replay",
                "--from",
                "prod",
                "--against",
                "next",
                "--user",
                "heidi",
            ],
            &path,
        );
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(1), "{shown}");
        assert!(
            shown.contains("CHANGED") && shown.contains("heidi read document:design-doc in acme"),
            "{shown}"
        );
        assert!(shown.contains("recorded DENY → now ALLOW"), "{shown}");

        // Against production itself, nothing changed.
        let out = permit_tui(&["replay", "--from", "prod", "--user", "heidi"], &path);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));

        // The frozen suite passes where it was recorded and catches the change.
        let out = permit_tui(&["test", suite_arg, "--env", "prod"], &path);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let out = permit_tui(&["test", suite_arg, "--env", "next"], &path);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));

        let out = permit_tui(&["replay", "--from", "prod", "--since", "yesterday"], &path);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains("--since `yesterday`"), "{}", text(&out));
    })
    .await
    .unwrap();
    production.shutdown().await;
    next.shutdown().await;
}

/// Past Permit's 10,000 results per query the window is narrowed and reading goes on: every
/// log is read once.
#[tokio::test(flavor = "multi_thread")]
async fn more_than_ten_thousand_logs_are_read_whole() {
    let production = serving(DEV_JSON).await;
    let pdp = PdpClient::new(&production.url(), Some(KEY.into()), Duration::from_secs(10)).unwrap();
    const LOGS: usize = 10_050;
    let fire = |range: std::ops::Range<usize>| {
        let pdp = pdp.clone();
        stream::iter(range)
            .map(move |i| {
                let pdp = pdp.clone();
                async move {
                    let q = query(
                        json!({"user": {"key": format!("user-{i}")}, "action": "read",
                                         "resource": {"type": "document", "tenant": "acme"}}),
                    );
                    pdp.check(&q)
                        .await
                        .result
                        .map(|r| !r.allow)
                        .unwrap_or(false)
                }
            })
            .buffer_unordered(32)
            .filter(|denied| std::future::ready(*denied))
            .count()
    };
    // Two halves a second apart: the window can always be narrowed between them, however
    // fast the machine.
    let mut denied = fire(0..LOGS / 2).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    denied += fire(LOGS / 2..LOGS).await;
    assert_eq!(denied, LOGS);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let url = production.url();
    tokio::task::spawn_blocking(move || {
        add_env(&path, "prod", &url);
        let out = permit_tui(&["replay", "--from", "prod", "--json"], &path);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["read"], LOGS, "{report}");
        assert_eq!(report["distinct"], LOGS, "{report}");
        assert!(report["queries"].as_u64().unwrap() >= 2, "{report}");
        assert_eq!(report["truncated"], false, "{report}");
    })
    .await
    .unwrap();
    production.shutdown().await;
}
