//! REST behaviour the sandbox cannot produce (server failures, long listings), against a
//! small hand-written axum server on loopback.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use permit_tui::cloud::{CloudClient, CloudError};
use serde_json::json;

const KEY: &str = "permit_key_mockmockmockmockmock";

fn authorized(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {KEY}"))
}

async fn projects(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if !authorized(&headers) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"title": "Unauthorized", "message": "bad key", "error_code": "UNAUTHORIZED"}))).into_response();
    }
    // 130 projects, in pages of `per_page`, as a bare array.
    let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let per_page: usize = q.get("per_page").and_then(|p| p.parse().ok()).unwrap_or(30);
    let items: Vec<_> = (0..130)
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|i| json!({"id": format!("id-{i}"), "key": format!("p{i}"), "name": format!("Project {i}")}))
        .collect();
    Json(items).into_response()
}

async fn users(Query(q): Query<HashMap<String, String>>) -> Response {
    let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let per_page: usize = q.get("per_page").and_then(|p| p.parse().ok()).unwrap_or(30);
    let total: usize = 205;
    let data: Vec<_> = (0..total)
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|i| json!({"key": format!("u{i}"), "email": format!("u{i}@x.io"), "roles": [{"role": "viewer", "tenant": "default"}]}))
        .collect();
    Json(json!({"data": data, "total_count": total, "page_count": total.div_ceil(per_page)}))
        .into_response()
}

async fn failing(Path(kind): Path<String>) -> Response {
    match kind.as_str() {
        "500" => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"detail": "database is down"}))).into_response(),
        "422" => (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"detail": [{"loc": ["query", "per_page"], "msg": "too big", "type": "value_error"}]}))).into_response(),
        "404" => (StatusCode::NOT_FOUND, Json(json!({"title": "Not found", "message": "project 'x' not found", "error_code": "NOT_FOUND"}))).into_response(),
        _ => (StatusCode::OK, "<html>not json</html>").into_response(),
    }
}

async fn start() -> String {
    let app = Router::new()
        .route("/v2/projects", get(projects))
        .route("/v2/facts/p/e/users", get(users))
        .route("/v2/projects/{kind}/envs", get(failing));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

#[tokio::test]
async fn listings_follow_every_page() {
    let url = start().await;
    let client = CloudClient::new(&url, KEY).unwrap();
    let projects = client.projects().await.unwrap();
    assert_eq!(projects.len(), 130);
    assert_eq!(projects[129].key, "p129");
    let page = client.users("p", "e", None, 3, 100).await.unwrap();
    assert_eq!(
        (page.data.len(), page.total_count, page.page_count),
        (5, 205, 3)
    );
    let all = client.all_users("p", "e", None, 10_000).await.unwrap();
    assert_eq!(all.len(), 205);
    assert_eq!(all[0].roles[0].role, "viewer");
    assert_eq!(
        client.all_users("p", "e", None, 150).await.unwrap().len(),
        150
    );
}

#[tokio::test]
async fn errors_are_classified_with_the_servers_words() {
    let url = start().await;
    let client = CloudClient::new(&url, KEY).unwrap();
    let err = client.environments("500").await.unwrap_err();
    assert!(
        matches!(&err, CloudError::Server { status: 500, detail } if detail == "database is down"),
        "{err:?}"
    );
    let err = client.environments("422").await.unwrap_err();
    assert!(
        matches!(&err, CloudError::Invalid { detail } if detail.contains("query.per_page: too big")),
        "{err:?}"
    );
    let err = client.environments("404").await.unwrap_err();
    assert!(
        err.to_string()
            .contains("project 'x' not found [NOT_FOUND]"),
        "{err}"
    );
    let err = client.environments("html").await.unwrap_err();
    assert_eq!(err.kind(), "invalid_response");

    let wrong = CloudClient::new(&url, "permit_key_wrongwrongwrongwrong").unwrap();
    let err = wrong.projects().await.unwrap_err();
    assert!(matches!(err, CloudError::Unauthorized { .. }), "{err:?}");
    assert!(err.hint().contains("region"));
    assert!(!format!("{wrong:?}").contains("wrongwrongwrong"));

    let closed = CloudClient::new("http://127.0.0.1:1", KEY).unwrap();
    assert_eq!(closed.scope().await.unwrap_err().kind(), "unreachable");
    assert!(CloudClient::new("not a url", KEY).is_err());
}
