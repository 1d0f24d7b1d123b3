//! The sandbox's REST answers, fetched over loopback HTTP, read back into the types their
//! clients read them into: the REST client's (`cloud::types`), the mirror's (the policy
//! types of `sandbox::policy`), `pdp status`'s (`LocalRoleAssignment`) and `replay`'s
//! (`AuditEntry`). Each answer is parsed as its client parses it and written out again; what
//! that writes must be on the wire as written (so a field sent under another name than the
//! client reads fails), and every field the client reads must carry a real value somewhere in
//! the answer (so a field the client silently reads as its default fails too).

use std::collections::BTreeSet;

use permit_tui::audit::entry::AuditEntry;
use permit_tui::cloud::types::{
    ApiKeyRead, AttributeRead, Environment, KeyScope, Page, Project, ResourceRead, RoleRead,
    TenantRead, UserRead,
};
use permit_tui::pdp::client::LocalRoleAssignment;
use permit_tui::sandbox::policy::{
    ConditionSetRuleDef, RelationshipTupleDef, ResourceInstanceDef, RoleAssignmentDef, RoleDef,
    TenantDef, UserDef,
};
use permit_tui::sandbox::{serve, RunningSandbox, Sandbox, ServeOptions};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

const DEV: &str = "permit_key_sandbox_dev";
const ORG: &str = "permit_key_sandbox_org";

async fn start() -> RunningSandbox {
    let sandbox = Sandbox::bundled().expect("bundled policies load");
    serve(
        sandbox,
        "127.0.0.1:0".parse().expect("an address"),
        ServeOptions::default(),
    )
    .await
    .expect("serves")
}

/// The answer's text, as the client receives it.
async fn fetch(s: &RunningSandbox, path: &str, key: &str) -> String {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", s.url()))
        .bearer_auth(key)
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.expect("a body")
}

/// Everything `typed` holds is on the wire with the same value; objects are compared field
/// by field (the wire may hold more), arrays element by element.
fn assert_within(typed: &Value, wire: &Value, at: &str) {
    match (typed, wire) {
        (Value::Object(typed), Value::Object(wire)) => {
            for (key, value) in typed {
                let Some(sent) = wire.get(key) else {
                    panic!(
                        "{at}: the client reads `{key}`, the sandbox does not send it: {wire:?}"
                    );
                };
                assert_within(value, sent, &format!("{at}.{key}"));
            }
        }
        (Value::Array(typed), Value::Array(wire)) => {
            assert_eq!(typed.len(), wire.len(), "{at}: array lengths");
            for (i, (value, sent)) in typed.iter().zip(wire).enumerate() {
                assert_within(value, sent, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(typed, wire, "{at}: the client reads another value"),
    }
}

/// `text` parsed into `T` as the client does, written out again, and checked against the
/// wire: what the client holds of the answer.
fn read_back<T: DeserializeOwned + Serialize>(text: &str, what: &str) -> Value {
    let wire: Value = serde_json::from_str(text).expect("JSON");
    let read: T = serde_json::from_str(text)
        .unwrap_or_else(|err| panic!("{what}: the client cannot read the answer: {err}"));
    let typed = serde_json::to_value(&read).expect("serialises");
    assert_within(&typed, &wire, what);
    typed
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// Every field the client writes of `items` has a non-default value in one of them, but
/// `unfilled`: fields the demo policies never fill, which must then be empty everywhere
/// (so the list stays true).
fn assert_exercised(items: &[Value], unfilled: &[&str], what: &str) {
    assert!(!items.is_empty(), "{what}: no items");
    let fields: BTreeSet<&String> = items
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|o| o.keys())
        .collect();
    for field in fields {
        let filled = items.iter().any(|i| !is_empty(&i[field.as_str()]));
        if unfilled.contains(&field.as_str()) {
            assert!(
                !filled,
                "{what}: `{field}` is filled now, take it off the unfilled list"
            );
        } else {
            assert!(
                filled,
                "{what}: the client reads `{field}` as empty in every item: sent under another name?"
            );
        }
    }
}

/// A bare list read as `Vec<T>`: its items as the client holds them.
fn list<T: DeserializeOwned + Serialize>(text: &str, unfilled: &[&str], what: &str) {
    let typed = read_back::<Vec<T>>(text, what);
    assert_exercised(typed.as_array().expect("a list"), unfilled, what);
}

/// A paged answer read as `Page<T>`: the envelope and its items.
fn page<T: DeserializeOwned + Serialize>(text: &str, unfilled: &[&str], what: &str) {
    let typed = read_back::<Page<T>>(text, what);
    assert_exercised(std::slice::from_ref(&typed), &[], &format!("{what} (page)"));
    assert_exercised(typed["data"].as_array().expect("data"), unfilled, what);
}

#[tokio::test]
async fn every_rest_answer_reads_back_into_its_clients_types() {
    let s = start().await;

    // Discovery: scope, projects, environments, environment keys.
    let org = fetch(&s, "/v2/api-key/scope", ORG).await;
    let env = fetch(&s, "/v2/api-key/scope", DEV).await;
    let scopes = [
        read_back::<KeyScope>(&org, "scope (org)"),
        read_back::<KeyScope>(&env, "scope (env)"),
    ];
    assert_exercised(&scopes, &[], "scope");
    list::<Project>(&fetch(&s, "/v2/projects", ORG).await, &[], "projects");
    list::<Environment>(
        &fetch(&s, "/v2/projects/sandbox/envs", ORG).await,
        &[],
        "environments",
    );
    let keys = [
        read_back::<ApiKeyRead>(&fetch(&s, "/v2/api-key/sandbox/dev", ORG).await, "key"),
        read_back::<ApiKeyRead>(&fetch(&s, "/v2/api-key/sandbox/prod", ORG).await, "key"),
    ];
    assert_exercised(&keys, &[], "environment keys");

    // Schema and facts, bare and paged, as the explorer and the mirror read them.
    let schema = "/v2/schema/sandbox/dev";
    let facts = "/v2/facts/sandbox/dev";
    let paged = "?include_total_count=true&per_page=100";
    for query in ["", paged] {
        let text = fetch(&s, &format!("{schema}/resources{query}"), DEV).await;
        let roles = fetch(&s, &format!("{schema}/roles{query}"), DEV).await;
        let tenants = fetch(&s, &format!("{facts}/tenants{query}"), DEV).await;
        if query.is_empty() {
            list::<ResourceRead>(&text, &[], "resources");
            list::<RoleRead>(&roles, &["description"], "roles");
            list::<RoleDef>(&roles, &["description"], "roles (mirror)");
            list::<TenantRead>(&tenants, &["description"], "tenants");
            list::<TenantDef>(&tenants, &[], "tenants (mirror)");
        } else {
            page::<ResourceRead>(&text, &[], "resources");
            page::<RoleRead>(&roles, &["description"], "roles");
            page::<RoleDef>(&roles, &["description"], "roles (mirror)");
            page::<TenantRead>(&tenants, &["description"], "tenants");
            page::<TenantDef>(&tenants, &[], "tenants (mirror)");
        }
    }
    list::<AttributeRead>(
        &fetch(&s, &format!("{schema}/users/attributes"), DEV).await,
        &["description"],
        "user attributes",
    );
    let users = fetch(&s, &format!("{facts}/users?per_page=100"), DEV).await;
    page::<UserRead>(&users, &[], "users");
    page::<UserDef>(&users, &[], "users (mirror)");

    // The mirror's fact lists; `pdp status` reads the role assignments too.
    list::<ConditionSetRuleDef>(
        &fetch(&s, &format!("{facts}/set_rules{paged}"), DEV).await,
        &[],
        "set rules",
    );
    let assignments = fetch(&s, &format!("{facts}/role_assignments{paged}"), DEV).await;
    page::<RoleAssignmentDef>(&assignments, &[], "role assignments");
    page::<LocalRoleAssignment>(&assignments, &[], "role assignments (pdp status)");
    page::<ResourceInstanceDef>(
        &fetch(&s, &format!("{facts}/resource_instances{paged}"), DEV).await,
        &[],
        "resource instances",
    );
    page::<RelationshipTupleDef>(
        &fetch(&s, &format!("{facts}/relationship_tuples{paged}"), DEV).await,
        &[],
        "relationship tuples",
    );

    // Audit logs, as `replay` reads them: a check with a reason, a bulk and an all-tenants.
    let check = json!({"user": {"key": "alice", "attributes": {"clearance": 3}},
                       "action": "read", "resource": {"type": "document", "key": "doc-1", "tenant": "acme"}});
    for (route, body) in [
        ("/allowed", check.clone()),
        ("/allowed/bulk", json!([check.clone(), check.clone()])),
        ("/allowed/all-tenants", check.clone()),
    ] {
        let answer = reqwest::Client::new()
            .post(format!("{}{route}", s.url()))
            .bearer_auth(DEV)
            .json(&body)
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.status(), 200, "POST {route}");
    }
    page::<AuditEntry>(
        &fetch(&s, "/v2/pdps/sandbox/dev/audit_logs?per_page=100", DEV).await,
        &[],
        "audit logs",
    );
    s.shutdown().await;
}
