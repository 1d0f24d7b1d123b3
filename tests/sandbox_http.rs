//! The sandbox over real loopback HTTP: every route and every error status, with reqwest.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use permit_tui::pdp::types::{AllowedQuery, SANDBOX_TRACE_HEADER};
use permit_tui::sandbox::{serve, RunningSandbox, Sandbox, ServeError, ServeOptions};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const DEV: &str = "permit_key_sandbox_dev";
const PROD: &str = "permit_key_sandbox_prod";
const ORG: &str = "permit_key_sandbox_org";

async fn start() -> RunningSandbox {
    let sandbox = Sandbox::bundled().expect("bundled policies load");
    serve(
        sandbox,
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .expect("serves")
}

fn check_body(user: &str, action: &str, kind: &str, key: Option<&str>, tenant: &str) -> Value {
    let mut resource = json!({"type": kind, "tenant": tenant});
    if let Some(k) = key {
        resource["key"] = json!(k);
    }
    json!({"user": {"key": user}, "action": action, "resource": resource})
}

async fn post(c: &Client, url: &str, key: Option<&str>, body: &Value) -> (StatusCode, Value) {
    post_with(c, url, key, body, None).await
}

/// `trace`: the value of the sandbox-trace request header, if sent.
async fn post_with(
    c: &Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
    trace: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = c.post(url).json(body);
    if let Some(t) = trace {
        req = req.header(SANDBOX_TRACE_HEADER, t);
    }
    if let Some(k) = key {
        req = req.header("Authorization", format!("Bearer {k}"));
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn get(c: &Client, url: &str, key: Option<&str>) -> (StatusCode, Value) {
    let mut req = c.get(url);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn health_routes_need_no_auth() {
    let s = start().await;
    let c = Client::new();
    for path in ["/health", "/healthy", "/ready"] {
        let (status, body) = get(&c, &format!("{}{path}", s.url()), None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(body["status"], json!("ok"));
        assert_eq!(body["components"]["sandbox"]["status"], json!("ok"));
    }
    s.shutdown().await;
}

#[tokio::test]
async fn allowed_answers_with_decision_debug_and_trace() {
    let s = start().await;
    let c = Client::new();
    let url = format!("{}/allowed", s.url());
    let (status, body) = post_with(
        &c,
        &url,
        Some(DEV),
        &check_body("alice", "read", "document", Some("doc-1"), "acme"),
        Some("1"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["allow"], json!(true));
    assert_eq!(body["result"], json!(true));
    assert_eq!(body["debug"]["rbac"]["code"], json!("allow"));
    assert_eq!(body["debug"]["sandbox_trace"]["version"], json!(1));
    // The same check in prod picks the prod environment by key.
    let (_, body) = post_with(
        &c,
        &url,
        Some(PROD),
        &check_body("alice", "share", "document", Some("doc-1"), "acme"),
        Some("TRUE"),
    )
    .await;
    assert_eq!(body["allow"], json!(false));
    assert_eq!(body["debug"]["sandbox_trace"]["environment"], json!("prod"));
    s.shutdown().await;
}

/// Checks covering every model's allow and deny blocks and every precondition code.
fn trace_cases() -> Vec<Value> {
    let mut cases = vec![
        check_body("alice", "read", "document", Some("doc-1"), "acme"),
        check_body("bob", "delete", "document", Some("doc-bob"), "acme"),
        check_body("erin", "write", "document", Some("api-spec"), "acme"),
        check_body("erin", "read", "document", Some("design-doc"), "acme"),
        check_body("bob", "delete", "document", Some("doc-1"), "acme"),
        check_body("alice", "read", "document", None, "acme"),
        check_body("alice", "read", "document", Some("doc-1"), "globex"),
        check_body("alice", "read", "document", Some("doc-1"), "nowhere"),
        check_body("alice", "fly", "document", Some("doc-1"), "acme"),
        check_body("alice", "read", "spaceship", Some("x"), "acme"),
        check_body("ghost", "read", "document", Some("doc-1"), "acme"),
        check_body("bob", "write", "document", Some("doc-bob"), "acme"),
        check_body("carol", "read", "document", Some("doc-1"), "acme"),
        check_body("carol", "export", "report", None, "default"),
        check_body("dave", "read", "document", None, "acme"),
        check_body("erin", "delete", "document", Some("design-doc"), "acme"),
        check_body("frank", "write", "document", Some("runbook"), "acme"),
        check_body("frank", "write", "document", Some("postmortem"), "acme"),
        check_body("grace", "write", "document", Some("budget"), "globex"),
        check_body("heidi", "delete", "document", None, "default"),
    ];
    let mut jit = check_body("ghost", "read", "document", Some("design-doc"), "acme");
    jit["user"]["attributes"] = json!({"department": "engineering", "clearance": 3});
    cases.push(jit);
    let mut with_attrs = check_body("bob", "delete", "document", Some("doc-1"), "acme");
    with_attrs["user"]["attributes"] = json!({"clearance": 5, "department": "legal"});
    with_attrs["resource"]["attributes"] = json!({"classification": "secret", "owner": "bob"});
    with_attrs["context"] = json!({"ip": "10.0.0.1"});
    cases.push(with_attrs);
    cases
}

/// Without the trace header the answer is exactly the traced answer minus
/// `debug.sandbox_trace`: same decision, same Permit `debug` blocks, codes and reasons.
#[tokio::test]
async fn allowed_sends_the_sandbox_trace_only_when_asked() {
    let s = start().await;
    let c = Client::new();
    let url = format!("{}/allowed", s.url());
    let sandbox = Sandbox::bundled().expect("bundled policies load");
    for case in trace_cases() {
        let (status, plain) = post(&c, &url, Some(DEV), &case).await;
        assert_eq!(status, StatusCode::OK, "{case}");
        assert!(plain["debug"]["request"].is_object(), "{plain}");
        assert!(
            plain["debug"].get("sandbox_trace").is_none(),
            "no trace without the header: {plain}"
        );
        let (_, off) = post_with(&c, &url, Some(DEV), &case, Some("0")).await;
        assert_eq!(off, plain, "header value 0 means no trace");
        let (_, traced) = post_with(&c, &url, Some(DEV), &case, Some("true")).await;
        assert_eq!(traced["debug"]["sandbox_trace"]["version"], json!(1));
        let mut stripped = traced.clone();
        stripped["debug"]
            .as_object_mut()
            .expect("debug object")
            .remove("sandbox_trace");
        assert_eq!(plain, stripped, "{case}");
        // And both equal the library's full answer.
        let q: AllowedQuery = serde_json::from_value(case.clone()).expect("query parses");
        let full = serde_json::to_value(sandbox.check(DEV, &q).expect("known key")).unwrap();
        assert_eq!(traced, full, "{case}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn bulk_sends_the_trace_only_when_asked() {
    let s = start().await;
    let c = Client::new();
    let url = format!("{}/allowed/bulk", s.url());
    let body = Value::Array(trace_cases());
    let (status, plain) = post(&c, &url, Some(DEV), &body).await;
    assert_eq!(status, StatusCode::OK);
    let (_, traced) = post_with(&c, &url, Some(DEV), &body, Some("1")).await;
    let plain = plain["allow"].as_array().expect("allow array").clone();
    let traced = traced["allow"].as_array().expect("allow array").clone();
    assert_eq!(plain.len(), trace_cases().len());
    for (p, t) in plain.iter().zip(&traced) {
        assert!(p["debug"].get("sandbox_trace").is_none(), "{p}");
        assert_eq!(t["debug"]["sandbox_trace"]["version"], json!(1));
        let mut stripped = t.clone();
        stripped["debug"]
            .as_object_mut()
            .expect("debug object")
            .remove("sandbox_trace");
        assert_eq!(p, &stripped);
    }
    s.shutdown().await;
}

#[tokio::test]
async fn auth_errors_follow_permit() {
    let s = start().await;
    let c = Client::new();
    let url = format!("{}/allowed", s.url());
    let body = check_body("alice", "read", "document", None, "acme");
    let (status, text) = post(&c, &url, None, &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(text, json!("Missing Authorization header"));
    let (status, text) = post(&c, &url, Some("permit_key_wrong"), &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        text,
        json!("You are not authorized to access this resource, please check your API key.")
    );
    // The org key is not a PDP key.
    let (status, _) = post(&c, &url, Some(ORG), &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Lowercase scheme works; another scheme does not.
    let res = c
        .post(&url)
        .header("authorization", format!("bearer {DEV}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = c
        .post(&url)
        .header("authorization", format!("Basic {DEV}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    s.shutdown().await;
}

#[tokio::test]
async fn body_errors_have_axum_statuses_and_name_the_field() {
    let s = start().await;
    let c = Client::new();
    let url = format!("{}/allowed", s.url());
    let auth = format!("Bearer {DEV}");
    let send = |body: Vec<u8>, ctype: Option<&'static str>| {
        let mut req = c
            .post(&url)
            .header("Authorization", auth.clone())
            .body(body);
        if let Some(t) = ctype {
            req = req.header("Content-Type", t);
        }
        req.send()
    };
    let res = send(b"{\"user\": ".to_vec(), Some("application/json"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .starts_with("Failed to parse the request body as JSON"));

    let res = send(
        br#"{"user":{"key":"a"},"action":"read","resource":{"type":"document"}}"#.to_vec(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let res = send(b"{}".to_vec(), Some("text/plain")).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let res = send(
        br#"{"user":"alice","action":"read","resource":{"type":"document"}}"#.to_vec(),
        Some("application/json"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = res.text().await.unwrap();
    assert!(
        text.starts_with(
            "Failed to deserialize the JSON body into the target type: user: invalid type"
        ),
        "{text}"
    );

    let res = send(
        br#"{"user":{"key":"a"},"resource":{"type":"document"}}"#.to_vec(),
        Some("application/json"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("missing field `action`"));

    let res = send(
        br#"{"user":{"key":"a"},"action":"read","resource":{"type":7}}"#.to_vec(),
        Some("application/json; charset=utf-8"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("resource.type"));

    let mut big = br#"{"user":{"key":"a","attributes":{"pad":""#.to_vec();
    big.extend(std::iter::repeat_n(b'x', 1 << 20));
    big.extend(br#""}},"action":"read","resource":{"type":"document"}}"#);
    let res = send(big, Some("application/json")).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // The server is still up after all of that.
    let (status, _) = get(&c, &format!("{}/healthy", s.url()), None).await;
    assert_eq!(status, StatusCode::OK);
    s.shutdown().await;
}

#[tokio::test]
async fn bulk_takes_a_bare_array_and_answers_in_order() {
    let s = start().await;
    let c = Client::new();
    let body = json!([
        check_body("alice", "read", "document", Some("doc-1"), "acme"),
        check_body("bob", "delete", "document", Some("doc-1"), "acme"),
        check_body("erin", "read", "document", Some("design-doc"), "acme"),
    ]);
    let (status, res) = post(&c, &format!("{}/allowed/bulk", s.url()), Some(DEV), &body).await;
    assert_eq!(status, StatusCode::OK);
    let allows: Vec<bool> = res["allow"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["allow"].as_bool().unwrap())
        .collect();
    assert_eq!(allows, vec![true, false, true]);
    let (status, _) = post(
        &c,
        &format!("{}/allowed/bulk", s.url()),
        Some(DEV),
        &json!({"checks": []}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    s.shutdown().await;
}

#[tokio::test]
async fn all_tenants_lists_the_tenants_where_allowed() {
    let s = start().await;
    let c = Client::new();
    let (status, res) = post(
        &c,
        &format!("{}/allowed/all-tenants", s.url()),
        Some(DEV),
        &check_body("alice", "read", "document", None, "default"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let tenants: Vec<&str> = res["allowed_tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tenant"]["key"].as_str().unwrap())
        .collect();
    assert_eq!(tenants, vec!["acme", "globex"]);
    assert_eq!(
        res["allowed_tenants"][0]["tenant"]["attributes"]["plan"],
        json!("enterprise")
    );
    s.shutdown().await;
}

#[tokio::test]
async fn user_permissions_cover_tenants_and_derived_instances() {
    let s = start().await;
    let c = Client::new();
    let url = format!("{}/user-permissions", s.url());
    let (status, res) = post(&c, &url, Some(DEV), &json!({"user": {"key": "alice"}})).await;
    assert_eq!(status, StatusCode::OK);
    let perms = res["__tenant:acme"]["permissions"].as_array().unwrap();
    assert!(perms.contains(&json!("document:write")) && perms.contains(&json!("document:read")));
    assert_eq!(res["__tenant:acme"]["roles"], json!(["editor"]));
    let (_, res) = post(
        &c,
        &url,
        Some(DEV),
        &json!({"user": {"key": "erin"}, "tenants": ["acme"]}),
    )
    .await;
    assert!(res.get("__tenant:initech").is_none(), "filtered by tenants");
    assert_eq!(res["document:api-spec"]["roles"], json!(["editor"]));
    assert!(res["document:api-spec"]["permissions"]
        .as_array()
        .unwrap()
        .contains(&json!("document:write")));
    assert_eq!(
        res["document:api-spec"]["resource"]["type"],
        json!("document")
    );
    let (_, res) = post(
        &c,
        &url,
        Some(DEV),
        &json!({"user": {"key": "erin"}, "resource_types": ["folder"]}),
    )
    .await;
    let keys: Vec<&String> = res.as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["folder:eng-specs", "folder:engineering"]);
    s.shutdown().await;
}

#[tokio::test]
async fn authorized_users_lists_rbac_and_rebac_grants() {
    let s = start().await;
    let c = Client::new();
    let body = json!({"action": "write", "resource": {"type": "document", "key": "design-doc", "tenant": "acme"}});
    let (status, res) = post(
        &c,
        &format!("{}/authorized_users", s.url()),
        Some(DEV),
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(res["resource"], json!("document:design-doc"));
    assert_eq!(res["tenant"], json!("acme"));
    let users: Vec<&String> = res["users"].as_object().unwrap().keys().collect();
    assert_eq!(users, vec!["alice", "erin", "grace"]);
    assert_eq!(
        res["users"]["erin"][0],
        json!({"user": "erin", "tenant": "acme", "resource": "document:design-doc", "role": "editor"})
    );
    assert_eq!(res["users"]["alice"][0]["resource"], json!("__tenant:acme"));
    s.shutdown().await;
}

#[tokio::test]
async fn rest_scope_and_env_key_discovery() {
    let s = start().await;
    let c = Client::new();
    let base = s.url();
    let (status, scope) = get(&c, &format!("{base}/v2/api-key/scope"), Some(ORG)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(scope["organization_id"].is_string());
    assert_eq!(scope["project_id"], Value::Null);
    let (_, scope) = get(&c, &format!("{base}/v2/api-key/scope"), Some(DEV)).await;
    assert!(scope["environment_id"].is_string());
    let (status, key) = get(&c, &format!("{base}/v2/api-key/sandbox/prod"), Some(ORG)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(key["secret"], json!(PROD));
    assert_eq!(key["object_type"], json!("env"));
    let (status, err) = get(&c, &format!("{base}/v2/api-key/sandbox/prod"), Some(DEV)).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an env key sees only its own environment"
    );
    assert_eq!(err["error_code"], json!("FORBIDDEN_ACCESS"));
    let (status, err) = get(&c, &format!("{base}/v2/api-key/sandbox/staging"), Some(ORG)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["error_code"], json!("NOT_FOUND"));
    let (status, _) = get(&c, &format!("{base}/v2/api-key/scope"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = get(
        &c,
        &format!("{base}/v2/api-key/scope"),
        Some("permit_key_wrong"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    s.shutdown().await;
}

#[tokio::test]
async fn rest_projects_envs_schema_and_facts() {
    let s = start().await;
    let c = Client::new();
    let base = s.url();
    let (_, projects) = get(&c, &format!("{base}/v2/projects"), Some(ORG)).await;
    assert_eq!(projects.as_array().unwrap().len(), 1);
    assert_eq!(projects[0]["key"], json!("sandbox"));
    let (_, envs) = get(&c, &format!("{base}/v2/projects/sandbox/envs"), Some(ORG)).await;
    let keys: Vec<&str> = envs
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["dev", "prod"]);
    let (_, envs) = get(&c, &format!("{base}/v2/projects/sandbox/envs"), Some(PROD)).await;
    assert_eq!(envs.as_array().unwrap().len(), 1);
    // Ids work wherever keys do.
    let pid = projects[0]["id"].as_str().unwrap();
    let (status, _) = get(
        &c,
        &format!("{base}/v2/schema/{pid}/dev/resources"),
        Some(ORG),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (_, res) = get(
        &c,
        &format!("{base}/v2/schema/sandbox/dev/resources"),
        Some(DEV),
    )
    .await;
    let doc = &res[0];
    assert_eq!(doc["key"], json!("document"));
    assert_eq!(doc["actions"]["read"]["key"], json!("read"));
    assert_eq!(doc["attributes"]["pages"]["type"], json!("number"));
    let (_, res) = get(
        &c,
        &format!("{base}/v2/schema/sandbox/dev/resources?include_total_count=true&per_page=2"),
        Some(DEV),
    )
    .await;
    assert_eq!(res["total_count"], json!(4));
    assert_eq!(res["page_count"], json!(2));
    assert_eq!(res["data"].as_array().unwrap().len(), 2);

    let (_, roles) = get(
        &c,
        &format!("{base}/v2/schema/sandbox/dev/roles"),
        Some(DEV),
    )
    .await;
    assert_eq!(roles[1]["key"], json!("editor"));
    assert_eq!(roles[1]["extends"], json!(["viewer"]));
    let (_, attrs) = get(
        &c,
        &format!("{base}/v2/schema/sandbox/dev/users/attributes"),
        Some(DEV),
    )
    .await;
    let names: Vec<&str> = attrs
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"clearance") && names.contains(&"department") && names.contains(&"roles")
    );
    let (_, tenants) = get(
        &c,
        &format!("{base}/v2/facts/sandbox/dev/tenants?search=acme"),
        Some(DEV),
    )
    .await;
    assert_eq!(tenants.as_array().unwrap().len(), 1);
    assert_eq!(tenants[0]["attributes"]["plan"], json!("enterprise"));

    let (_, users) = get(
        &c,
        &format!("{base}/v2/facts/sandbox/dev/users?page=2&per_page=3"),
        Some(DEV),
    )
    .await;
    assert_eq!(users["total_count"], json!(8));
    assert_eq!(users["page_count"], json!(3));
    let keys: Vec<&str> = users["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["dave", "erin", "frank"]);
    let (_, users) = get(
        &c,
        &format!("{base}/v2/facts/sandbox/dev/users?search=globex"),
        Some(DEV),
    )
    .await;
    assert_eq!(users["data"][0]["key"], json!("carol"));
    assert_eq!(
        users["data"][0]["roles"],
        json!([{"role": "viewer", "tenant": "default"}, {"role": "admin", "tenant": "globex"}])
    );
    let (status, err) = get(
        &c,
        &format!("{base}/v2/facts/sandbox/dev/users?per_page=500"),
        Some(DEV),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["detail"][0]["loc"], json!(["query", "per_page"]));
    let (status, _) = get(
        &c,
        &format!("{base}/v2/facts/sandbox/dev/users?page=abc"),
        Some(DEV),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    s.shutdown().await;
}

#[tokio::test]
async fn unknown_route_is_404_and_wrong_method_is_405() {
    let s = start().await;
    let c = Client::new();
    let (status, _) = get(&c, &format!("{}/nope", s.url()), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&c, &format!("{}/allowed", s.url()), Some(DEV)).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    s.shutdown().await;
}

#[tokio::test]
async fn non_loopback_bind_is_refused_without_allow_remote() {
    let sandbox = Sandbox::bundled().unwrap();
    let err = serve(
        sandbox,
        "0.0.0.0:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ServeError::NotLoopback(_)));
    assert!(err.to_string().contains("--allow-remote"));
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let s = start().await;
    let url = format!("{}/healthy", s.url());
    assert!(reqwest::get(&url).await.is_ok());
    s.shutdown().await;
    assert!(Client::new().get(&url).send().await.is_err());
}

#[tokio::test]
async fn the_mirror_lists_filter_and_page_as_permit_does() {
    let s = start().await;
    let c = Client::new();
    let base = s.url();
    let facts = format!("{base}/v2/facts/sandbox/dev");
    let (status, page) = get(
        &c,
        &format!("{facts}/role_assignments?user=alice&include_total_count=true&per_page=2"),
        Some(DEV),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let data = page["data"].as_array().expect("a page");
    let total = page["total_count"].as_u64().unwrap() as usize;
    assert!(total >= 1 && data.len() == total.min(2), "{page}");
    assert!(data.iter().all(|ra| ra["user"] == "alice"), "{page}");
    assert_eq!(
        page["page_count"].as_u64().unwrap() as usize,
        total.div_ceil(2)
    );
    for field in [
        "id",
        "user",
        "role",
        "tenant",
        "resource_instance",
        "user_id",
        "role_id",
        "tenant_id",
        "created_at",
    ] {
        assert!(
            data[0].get(field).is_some(),
            "RoleAssignmentRead has `{field}`: {}",
            data[0]
        );
    }
    // Without include_total_count: a bare array.
    let (_, bare) = get(
        &c,
        &format!("{facts}/resource_instances?resource=folder"),
        Some(DEV),
    )
    .await;
    let instances = bare.as_array().expect("a bare array");
    assert!(
        !instances.is_empty() && instances.iter().all(|i| i["resource"] == "folder"),
        "{bare}"
    );
    let (_, tuples) = get(
        &c,
        &format!("{facts}/relationship_tuples?relation=parent"),
        Some(DEV),
    )
    .await;
    assert!(tuples
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["relation"] == "parent" && t["tenant"].is_string()));
    let (_, sets) = get(
        &c,
        &format!("{base}/v2/schema/sandbox/dev/condition_sets?type=resourceset"),
        Some(DEV),
    )
    .await;
    assert!(
        sets.as_array()
            .unwrap()
            .iter()
            .all(|s| s["type"] == "resourceset"),
        "{sets}"
    );
    let (status, _) = get(&c, &format!("{facts}/set_rules?per_page=101"), Some(DEV)).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "per_page is at most 100"
    );
    // Permit's resource relations are objects naming the subject type.
    let (_, resources) = get(
        &c,
        &format!("{base}/v2/schema/sandbox/dev/resources"),
        Some(DEV),
    )
    .await;
    let document = resources
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "document")
        .unwrap();
    assert_eq!(
        document["relations"]["parent"]["resource"], "folder",
        "{document}"
    );
    s.shutdown().await;
}
