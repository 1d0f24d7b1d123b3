//! The suite runner's transport choices, against small hand-written PDPs that behave in
//! ways the sandbox does not: no `/allowed/bulk` route, and bulk answers without `debug`.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::post;
use axum::{Json, Router};
use permit_tui::pdp::types::AllowedQuery;
use permit_tui::pdp::PdpClient;
use permit_tui::suite::run::Transport;
use permit_tui::suite::{parse_suite, run_suite, RunOptions, Verdict};
use serde_json::{json, Value};

#[derive(Default)]
struct Hits {
    single: AtomicUsize,
    bulk: AtomicUsize,
}

/// alice may do anything, everyone else nothing; `debug` only when asked.
fn decide(query: &AllowedQuery, with_debug: bool) -> Value {
    let allow = query.user.key == "alice";
    let code = if allow { "allow" } else { "no_permission" };
    let mut answer = json!({"allow": allow});
    if with_debug {
        answer["debug"] =
            json!({"rbac": {"allow": allow, "code": code, "reason": format!("mock says {code}")}});
    }
    answer
}

async fn start(with_bulk: bool) -> (String, Arc<Hits>) {
    let hits = Arc::new(Hits::default());
    let single_hits = hits.clone();
    let mut app = Router::new().route(
        "/allowed",
        post(move |Json(q): Json<AllowedQuery>| {
            let hits = single_hits.clone();
            async move {
                hits.single.fetch_add(1, Ordering::SeqCst);
                Json(decide(&q, true))
            }
        }),
    );
    if with_bulk {
        let bulk_hits = hits.clone();
        app = app.route(
            "/allowed/bulk",
            post(move |Json(qs): Json<Vec<AllowedQuery>>| {
                let hits = bulk_hits.clone();
                async move {
                    hits.bulk.fetch_add(1, Ordering::SeqCst);
                    let items: Vec<Value> = qs.iter().map(|q| decide(q, false)).collect();
                    // The OPA-style wrapping some PDPs send.
                    Json(json!({"result": {"allow": items}}))
                }
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, hits)
}

const SUITE: &str = r#"
[[check]]
name = "alice reads"
user = "alice"
action = "read"
resource = "document"
expect = "allow"

[[check]]
name = "bob reads"
user = "bob"
action = "read"
resource = "document"
expect = "deny"
expect_code = "no_permission"

[[check]]
name = "carol reads, wrongly expected"
user = "carol"
action = "read"
resource = "document"
expect = "allow"

[[check]]
name = "dave, wrong code"
user = "dave"
action = "read"
resource = "document"
expect = "deny"
expect_code = "no_role_in_tenant"
"#;

fn client(url: &str) -> PdpClient {
    PdpClient::new(url, Some("key".into()), Duration::from_secs(5)).unwrap()
}

#[tokio::test]
async fn without_a_bulk_route_every_check_goes_singly() {
    let (url, hits) = start(false).await;
    let suite = parse_suite(Path::new("mock.toml"), SUITE).unwrap();
    let run = run_suite(&client(&url), "mock", &suite, RunOptions::default()).await;
    assert_eq!(run.transport, Transport::Single);
    assert_eq!(hits.single.load(Ordering::SeqCst), 4);
    let verdicts: Vec<&str> = run.runs.iter().map(|r| r.verdict.label()).collect();
    assert_eq!(verdicts, ["pass", "pass", "fail", "fail"]);
    assert_eq!(run.exit_code(), 1);
    let Verdict::Fail { reason } = &run.runs[3].verdict else {
        panic!()
    };
    assert_eq!(
        reason,
        "deny as expected, but expected code `no_role_in_tenant`, got rbac no_permission: mock says no_permission"
    );
}

#[tokio::test]
async fn bulk_items_without_debug_are_rechecked_singly_for_expected_codes() {
    let (url, hits) = start(true).await;
    let suite = parse_suite(Path::new("mock.toml"), SUITE).unwrap();
    let options = RunOptions {
        bulk: true,
        chunk: 3,
    };
    let run = run_suite(&client(&url), "mock", &suite, options).await;
    assert_eq!(run.transport, Transport::Mixed);
    assert_eq!(
        hits.bulk.load(Ordering::SeqCst),
        2,
        "4 checks in chunks of 3"
    );
    assert_eq!(
        hits.single.load(Ordering::SeqCst),
        2,
        "only the two with expect_code"
    );
    let verdicts: Vec<&str> = run.runs.iter().map(|r| r.verdict.label()).collect();
    assert_eq!(verdicts, ["pass", "pass", "fail", "fail"]);
    assert!(run.runs[0].answer.via_bulk && !run.runs[1].answer.via_bulk);
}

#[tokio::test]
async fn no_bulk_option_and_a_pdp_without_debug() {
    let (url, hits) = start(true).await;
    let suite = parse_suite(Path::new("mock.toml"), SUITE).unwrap();
    let options = RunOptions {
        bulk: false,
        chunk: 100,
    };
    let run = run_suite(&client(&url), "mock", &suite, options).await;
    assert_eq!(hits.bulk.load(Ordering::SeqCst), 0);
    assert_eq!(run.transport, Transport::Single);
    assert_eq!(run.count("pass"), 2);
}
