//! A snapshot round trip over loopback: a policy served by one sandbox is paged through
//! Permit's REST lists (as a user's real environment would be), written as a policy file,
//! loaded into a second sandbox, and every check of a grid decides the same on both.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use permit_tui::cloud::CloudClient;
use permit_tui::mirror::{self, Target};
use permit_tui::pdp::types::AllowedQuery;
use permit_tui::sandbox::{serve, Sandbox, ServeOptions};
use serde_json::{json, Value};

const USERS: usize = 260; // three pages of users at Permit's 100 a page
const SOURCE_KEY: &str = "permit_key_roundtrip_source";

fn policy() -> Value {
    let depts = ["eng", "fin", "ops"];
    let users: Vec<Value> = (0..USERS)
        .map(|i| {
            json!({"key": format!("u{i}"), "email": format!("u{i}@x.io"),
                        "attributes": {"dept": depts[i % 3], "clearance": i % 5}})
        })
        .collect();
    let tenants: Vec<Value> = (0..3)
        .map(|t| json!({"key": format!("t{t}"), "attributes": {"plan": if t == 0 { "pro" } else { "free" }}}))
        .collect();
    let mut instances: Vec<Value> = (0..5)
        .map(|f| json!({"key": format!("f{f}"), "resource": "folder", "tenant": format!("t{}", f % 3)}))
        .collect();
    instances.extend((0..30).map(|d| {
        json!({"key": format!("d{d}"), "resource": "document", "tenant": format!("t{}", (d % 5) % 3),
               "attributes": {"classification": if d % 4 == 0 { "secret" } else { "internal" }}})
    }));
    let tuples: Vec<Value> = (0..30)
        .map(|d| json!({"subject": format!("folder:f{}", d % 5), "relation": "parent", "object": format!("document:d{d}")}))
        .collect();
    let roles = ["viewer", "writer", "admin"];
    let mut assignments: Vec<Value> = (0..USERS)
        .filter(|i| i % 4 != 3)
        .map(|i| json!({"user": format!("u{i}"), "role": roles[i % 3], "tenant": format!("t{}", i % 3)}))
        .collect();
    assignments.extend((0..USERS).filter(|i| i % 7 == 0).map(|i| {
        json!({"user": format!("u{i}"), "role": "editor", "tenant": format!("t{}", (i % 5) % 3),
               "resource_instance": format!("folder:f{}", i % 5)})
    }));
    assignments.extend((0..USERS).filter(|i| i % 11 == 0).map(|i| {
        let d = i % 30;
        json!({"user": format!("u{i}"), "role": "owner", "tenant": format!("t{}", (d % 5) % 3),
               "resource_instance": format!("document:d{d}")})
    }));
    json!({
        "environment": {"key": "prod", "project": "shop", "api_key": SOURCE_KEY},
        "resources": [
            {"key": "document", "actions": {"read": {}, "write": {}, "share": {}},
             "attributes": {"classification": {"type": "string"}},
             "relations": {"parent": "folder"},
             "roles": {
                 "owner": {"permissions": ["read", "write", "share"]},
                 "editor": {"permissions": ["write"], "extends": ["reader"]},
                 "reader": {"permissions": ["read"],
                            "granted_to": {"users_with_role": [
                                {"role": "editor", "on_resource": "folder", "linked_by_relation": "parent"}]}}
             }},
            {"key": "folder", "actions": {"read": {}, "write": {}},
             "roles": {"editor": {"permissions": ["read", "write"]}}}
        ],
        "roles": [
            {"key": "viewer", "permissions": ["document:read", "folder:read"]},
            {"key": "writer", "permissions": ["document:write"], "extends": ["viewer"]},
            {"key": "admin", "permissions": ["document:share"], "extends": ["writer"]}
        ],
        "tenants": tenants,
        "users": users,
        "role_assignments": assignments,
        "resource_instances": instances,
        "relationship_tuples": tuples,
        "condition_sets": [
            {"key": "cleared", "name": "Cleared", "type": "userset",
             "conditions": {"allOf": [{"user.clearance": {"greater-than-equals": 3}}]}},
            {"key": "cleared_eng", "name": "Cleared engineers", "type": "userset", "parent_id": "cleared",
             "conditions": {"allOf": [{"user.dept": {"equals": "eng"}}]}},
            {"key": "secret_docs", "name": "Secret documents", "type": "resourceset", "resource_id": "document",
             "conditions": {"allOf": [{"resource.classification": {"equals": "secret"}}]}}
        ],
        "condition_set_rules": [
            {"user_set": "cleared_eng", "permission": "document:share", "resource_set": "secret_docs"},
            {"user_set": "cleared", "permission": "document:read", "resource_set": "document"}
        ]
    })
}

fn grid() -> Vec<AllowedQuery> {
    let mut checks = Vec::new();
    for u in 0..USERS {
        for action in ["read", "write", "share"] {
            for t in 0..3 {
                checks.push(json!({"user": {"key": format!("u{u}")}, "action": action,
                                   "resource": {"type": "document", "tenant": format!("t{t}")}}));
            }
            for d in (0..30).step_by(3) {
                checks.push(json!({"user": {"key": format!("u{u}")}, "action": action,
                                   "resource": {"type": "document", "key": format!("d{d}"),
                                                "tenant": format!("t{}", (d % 5) % 3)}}));
            }
        }
    }
    checks
        .into_iter()
        .map(|c| serde_json::from_value(c).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_of_a_served_policy_decides_every_check_of_a_grid_the_same() {
    let source = Sandbox::from_texts(&[("source.json", &policy().to_string())]).unwrap();
    let running = serve(
        source.clone(),
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .unwrap();
    let client = CloudClient::new(&running.url(), SOURCE_KEY).unwrap();
    let target = Target {
        project: "shop".into(),
        environment: "prod".into(),
        concurrency: 4,
        policy_repo: None,
    };
    let mut pages_seen: Vec<(String, usize, usize)> = Vec::new();
    let mut written: Vec<u8> = Vec::new();
    let snapshot = mirror::take(
        &client,
        &target,
        "permit_key_local_mirror",
        &mut written,
        &mut |list, done, all, _| pages_seen.push((list.to_string(), done, all)),
    )
    .await
    .expect("the snapshot is taken");
    running.shutdown().await;

    assert!(snapshot.skipped.is_empty(), "{:#?}", snapshot.skipped);
    assert!(
        pages_seen.contains(&("users".to_string(), 3, 3)),
        "users come in 3 pages: {pages_seen:?}"
    );
    assert_eq!(snapshot.source.counts["users"], USERS);
    let text = String::from_utf8(written).unwrap();
    let file: permit_tui::sandbox::policy::PolicyFile =
        serde_json::from_str(&text).expect("one JSON policy");
    assert_eq!(file.environment.api_key, "permit_key_local_mirror");
    assert_eq!(file.users.len(), USERS);
    assert_eq!(
        file.source.as_ref().map(|s| s.project.as_str()),
        Some("shop")
    );
    assert!(
        !text.contains(SOURCE_KEY),
        "the source's key is never in the file"
    );

    let mirror = Sandbox::from_texts(&[("snapshot.json", &text)]).expect("the snapshot loads");
    let checks = grid();
    let mut allowed = 0;
    for q in &checks {
        let want = source.check(SOURCE_KEY, q).unwrap();
        let got = mirror.check("permit_key_local_mirror", q).unwrap();
        assert_eq!(got.allow, want.allow, "{q:?}");
        let codes = |r: &permit_tui::pdp::types::AllowedResult| {
            r.debug.as_ref().map(|d| {
                d.blocks()
                    .map(|(name, b)| format!("{name}:{:?}", b.code))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(codes(&got), codes(&want), "{q:?}");
        allowed += usize::from(want.allow);
    }
    // The grid exercises both answers, through every model.
    assert!(
        allowed > checks.len() / 10 && allowed < checks.len(),
        "{allowed} of {}",
        checks.len()
    );
}
