//! Sandbox evaluator latency: per decision on the bundled demo policy, and on synthetic
//! policies of 100 / 10,000 / 100,000 users with ~1,000,000 role assignments each, to show
//! that the cost is flat (every lookup is indexed; nothing scans users or assignments).
//!
//!   CARGO_TARGET_DIR=/work/main/target cargo bench --bench evaluator

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use permit_tui::pdp::types::{AllowedQuery, Resource, User};
use permit_tui::sandbox::policy::{
    EnvironmentDef, PolicyFile, RelationshipTupleDef, ResourceDef, ResourceInstanceDef,
    ResourceRoleDef, RoleAssignmentDef, RoleDef, TenantDef, UserDef,
};
use permit_tui::sandbox::Sandbox;
use serde_json::Map;

const ASSIGNMENTS: usize = 1_000_000;
const TENANTS: usize = 100;
const INSTANCES: usize = 100_000;

fn query(user: &str, action: &str, kind: &str, key: Option<&str>, tenant: &str) -> AllowedQuery {
    AllowedQuery {
        user: User::with_key(user),
        action: action.into(),
        resource: Resource {
            kind: kind.into(),
            key: key.map(str::to_string),
            tenant: Some(tenant.into()),
            ..Resource::default()
        },
        ..AllowedQuery::default()
    }
}

/// `users` users and ~1,000,000 assignments: two tenant roles per user, the rest resource
/// roles on documents (each in its instance's tenant), plus folder → document tuples.
fn synthetic(users: usize) -> PolicyFile {
    let actions = |names: &[&str]| names.iter().map(|a| (a.to_string(), Map::new())).collect();
    let mut document = ResourceDef {
        key: "document".into(),
        actions: actions(&["read", "write", "delete"]),
        relations: [("parent".to_string(), "folder".to_string())].into(),
        ..ResourceDef::default()
    };
    document.roles.insert(
        "viewer".into(),
        ResourceRoleDef {
            permissions: vec!["read".into()],
            ..ResourceRoleDef::default()
        },
    );
    document.roles.insert(
        "editor".into(),
        ResourceRoleDef {
            permissions: vec!["write".into()],
            extends: vec!["viewer".into()],
            ..ResourceRoleDef::default()
        },
    );
    let folder = ResourceDef {
        key: "folder".into(),
        actions: actions(&["read"]),
        ..ResourceDef::default()
    };
    let roles = vec![
        RoleDef {
            key: "viewer".into(),
            permissions: vec!["document:read".into()],
            ..RoleDef::default()
        },
        RoleDef {
            key: "editor".into(),
            permissions: vec!["document:write".into()],
            extends: vec!["viewer".into()],
            ..RoleDef::default()
        },
        RoleDef {
            key: "admin".into(),
            permissions: vec!["document:delete".into()],
            extends: vec!["editor".into()],
            ..RoleDef::default()
        },
    ];
    let tenants = (0..TENANTS)
        .map(|t| TenantDef {
            key: format!("t{t}"),
            ..TenantDef::default()
        })
        .collect();
    let users_v = (0..users)
        .map(|u| UserDef {
            key: format!("u{u}"),
            ..UserDef::default()
        })
        .collect();
    let mut instances: Vec<ResourceInstanceDef> = (0..INSTANCES)
        .map(|i| ResourceInstanceDef {
            key: format!("d{i}"),
            resource: "document".into(),
            tenant: format!("t{}", i % TENANTS),
            attributes: Map::new(),
        })
        .collect();
    instances.extend((0..TENANTS).map(|t| ResourceInstanceDef {
        key: format!("f{t}"),
        resource: "folder".into(),
        tenant: format!("t{t}"),
        attributes: Map::new(),
    }));
    let mut assignments = Vec::with_capacity(ASSIGNMENTS);
    for u in 0..users {
        assignments.push(RoleAssignmentDef {
            user: format!("u{u}"),
            role: "viewer".into(),
            tenant: format!("t{}", u % TENANTS),
            resource_instance: None,
        });
        assignments.push(RoleAssignmentDef {
            user: format!("u{u}"),
            role: "editor".into(),
            tenant: format!("t{}", (u + 1) % TENANTS),
            resource_instance: None,
        });
    }
    let mut n = 0usize;
    while assignments.len() < ASSIGNMENTS {
        let u = n % users;
        // Spread each user's instance roles over distinct documents.
        let d = (n / users * 7919 + u * 31) % INSTANCES;
        assignments.push(RoleAssignmentDef {
            user: format!("u{u}"),
            role: if n.is_multiple_of(2) {
                "viewer"
            } else {
                "editor"
            }
            .into(),
            tenant: format!("t{}", d % TENANTS),
            resource_instance: Some(format!("document:d{d}")),
        });
        n += 1;
    }
    let tuples = (0..INSTANCES)
        .step_by(10)
        .map(|i| RelationshipTupleDef {
            subject: format!("folder:f{}", i % TENANTS),
            relation: "parent".into(),
            object: format!("document:d{i}"),
            tenant: Some(format!("t{}", i % TENANTS)),
        })
        .collect();
    PolicyFile {
        environment: EnvironmentDef {
            key: "synthetic".into(),
            name: "synthetic".into(),
            project: "bench".into(),
            api_key: "permit_key_bench".into(),
        },
        resources: vec![document, folder],
        roles,
        tenants,
        users: users_v,
        role_assignments: assignments,
        resource_instances: instances,
        relationship_tuples: tuples,
        ..PolicyFile::default()
    }
}

fn demo(c: &mut Criterion) {
    let s = Sandbox::bundled().expect("bundled policies load");
    let key = "permit_key_sandbox_dev";
    let cases = [
        (
            "rbac_allow alice read document:doc-1",
            query("alice", "read", "document", Some("doc-1"), "acme"),
        ),
        (
            "abac_allow bob delete document:doc-bob",
            query("bob", "delete", "document", Some("doc-bob"), "acme"),
        ),
        (
            "rebac_allow erin write document:api-spec (2 hops)",
            query("erin", "write", "document", Some("api-spec"), "acme"),
        ),
        (
            "deny_all_models bob delete document:doc-1",
            query("bob", "delete", "document", Some("doc-1"), "acme"),
        ),
    ];
    let mut g = c.benchmark_group("demo_policy");
    g.sample_size(50)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    for (name, q) in &cases {
        g.bench_function(BenchmarkId::new("decide", name), |b| {
            b.iter(|| s.decide(key, black_box(q)))
        });
    }
    for (name, q) in &cases {
        g.bench_function(BenchmarkId::new("check_with_debug_and_trace", name), |b| {
            b.iter(|| s.check(key, black_box(q)))
        });
    }
    g.finish();
}

fn flat(c: &mut Criterion) {
    let mut g = c.benchmark_group("synthetic_1M_assignments");
    g.sample_size(30)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    for users in [100usize, 10_000, 100_000] {
        let s = Sandbox::from_policies(vec![(format!("synthetic-{users}"), synthetic(users))])
            .expect("synthetic policy loads");
        let key = "permit_key_bench";
        let mid = users / 2;
        let user = format!("u{mid}");
        let rbac = query(
            &user,
            "read",
            "document",
            None,
            &format!("t{}", mid % TENANTS),
        );
        let deny = query(
            &user,
            "delete",
            "document",
            None,
            &format!("t{}", mid % TENANTS),
        );
        // A document this user holds a role on (the first instance assignment made for it).
        let d = (mid * 31) % INSTANCES;
        let rebac = query(
            &user,
            "read",
            "document",
            Some(&format!("d{d}")),
            &format!("t{}", d % TENANTS),
        );
        assert_eq!(
            s.decide(key, &rebac),
            Some(true),
            "the synthetic ReBAC case allows"
        );
        g.bench_function(BenchmarkId::new("rbac_allow", users), |b| {
            b.iter(|| s.decide(key, black_box(&rbac)))
        });
        g.bench_function(BenchmarkId::new("rebac_allow", users), |b| {
            b.iter(|| s.decide(key, black_box(&rebac)))
        });
        g.bench_function(BenchmarkId::new("deny", users), |b| {
            b.iter(|| s.decide(key, black_box(&deny)))
        });
        g.bench_function(BenchmarkId::new("check_with_debug_and_trace", users), |b| {
            b.iter(|| s.check(key, black_box(&rbac)))
        });
    }
    g.finish();
}

/// `array_contains` over two arrays of n strings each, n = 7,000 and 70,000 side by side:
/// the ratio shows the set-based operators stay n log n (element-by-element membership took
/// 7-13 s of CPU at 70,000).
fn array_operators(c: &mut Criterion) {
    use permit_tui::sandbox::conditions::{compile, eval, input, Scope};
    use serde_json::{json, Value};
    let mut g = c.benchmark_group("array_contains");
    g.sample_size(10);
    for n in [7_000usize, 70_000] {
        let tags: Vec<Value> = (0..n).map(|i| json!(format!("tag-{i}"))).collect();
        let wanted: Vec<Value> = tags.iter().rev().cloned().collect();
        let cond = compile(&json!({"user.tags": {"array_contains": wanted}}), "$")
            .expect("the condition compiles");
        let mut user = Map::new();
        user.insert("tags".into(), Value::Array(tags));
        let scope_input = input(user, Map::new());
        assert!(
            eval(&cond, Scope::Input(&scope_input)),
            "every tag is there"
        );
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| eval(black_box(&cond), Scope::Input(&scope_input)))
        });
    }
    g.finish();
}

criterion_group!(benches, demo, flat, array_operators);
criterion_main!(benches);
