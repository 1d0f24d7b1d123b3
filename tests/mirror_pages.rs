//! The snapshot pager against a REST API that misbehaves as Permit's can under load: a 429
//! with `Retry-After`, a 500 that passes, a 500 that does not. These statuses come from a
//! small axum server here; no real part of this machine produces them on demand.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use permit_tui::cloud::CloudClient;
use permit_tui::mirror::pages::{each_page, PageError};
use serde_json::{json, Value};

/// Serves 250 users in pages of 100; page 2 answers `failures` times with `status` first.
async fn flaky(status: u16, failures: usize) -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let handler = move |Query(q): Query<std::collections::HashMap<String, String>>| {
        let seen = seen.clone();
        async move {
            let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            if page == 2 && seen.fetch_add(1, Ordering::SeqCst) < failures {
                return (
                    StatusCode::from_u16(status).unwrap(),
                    [("retry-after", "0")],
                    r#"{"message":"slow down"}"#.to_string(),
                )
                    .into_response();
            }
            let data: Vec<Value> = ((page - 1) * 100..(page * 100).min(250))
                .map(|i| json!({"key": format!("u{i}")}))
                .collect();
            axum::Json(json!({"data": data, "total_count": 250, "page_count": 3})).into_response()
        }
    };
    let app = Router::new().route("/v2/facts/p/e/users", get(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

async fn users(url: &str) -> Result<Vec<String>, PageError> {
    let client = CloudClient::new(url, "permit_key_x").unwrap();
    let mut keys = Vec::new();
    each_page::<PageError>(
        &client,
        &["v2", "facts", "p", "e", "users"],
        2,
        |items| {
            keys.extend(
                items
                    .iter()
                    .filter_map(|u| u["key"].as_str().map(str::to_string)),
            );
            Ok(())
        },
        &mut |_, _| {},
    )
    .await?;
    Ok(keys)
}

#[tokio::test]
async fn a_429_and_a_passing_500_are_waited_out_and_every_user_comes_in_order() {
    for status in [429, 500] {
        let (url, calls) = flaky(status, 2).await;
        let keys = users(&url).await.expect("retried through");
        assert_eq!(keys.len(), 250, "{status}");
        assert_eq!(keys[100], "u100", "{status}: pages in order");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            3,
            "{status}: page 2 asked three times"
        );
    }
}

#[tokio::test]
async fn a_page_that_keeps_failing_ends_the_snapshot_naming_the_list_and_page() {
    // A rate limit that never lifts (with `Retry-After: 0`, so the test does not wait).
    let (url, calls) = flaky(429, usize::MAX).await;
    let err = users(&url).await.unwrap_err();
    assert_eq!(err.page, 2);
    assert_eq!(err.path, "/v2/facts/p/e/users");
    assert!(err.to_string().contains("HTTP 429"), "{err}");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        5,
        "a bounded number of attempts"
    );
}
