//! Policy loading: the bundled demo policy from its text (duplicate-key pass, parse, validate,
//! build the store), and a generated policy of 10,000 users (30,000 role assignments, 10,000
//! instances, 5,000 tuples, 40 condition sets) both from text and already parsed (validate and
//! build the store only).
//!
//!   cargo bench --bench load

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use permit_tui::sandbox::policy::{
    ConditionSetDef, ConditionSetRuleDef, Derivation, EnvironmentDef, GrantedTo, PolicyFile,
    RelationshipTupleDef, ResourceDef, ResourceInstanceDef, ResourceRoleDef, RoleAssignmentDef,
    RoleDef, SetKind, TenantDef, UserDef,
};
use permit_tui::sandbox::Sandbox;
use serde_json::{json, Map};

const DEV: &str = include_str!("../assets/sandbox/dev.json");
const USERS: usize = 10_000;
const TENANTS: usize = 100;
const INSTANCES: usize = 10_000;
const SETS: usize = 20;
const DEPARTMENTS: [&str; 3] = ["eng", "sales", "ops"];
const CLASSIFICATIONS: [&str; 2] = ["public", "internal"];

fn resource(key: &str, relations: &[(&str, &str)]) -> ResourceDef {
    let mut def = ResourceDef {
        key: key.into(),
        actions: ["read", "write", "delete", "share"]
            .iter()
            .map(|a| (a.to_string(), Map::new()))
            .collect(),
        relations: relations
            .iter()
            .map(|(r, s)| (r.to_string(), s.to_string()))
            .collect(),
        ..ResourceDef::default()
    };
    for (role, perms, extends) in [
        ("viewer", vec!["read"], vec![]),
        ("editor", vec!["write"], vec!["viewer"]),
        ("owner", vec!["delete", "share"], vec!["editor"]),
    ] {
        def.roles.insert(
            role.into(),
            ResourceRoleDef {
                permissions: perms.into_iter().map(str::to_string).collect(),
                extends: extends.into_iter().map(str::to_string).collect(),
                ..ResourceRoleDef::default()
            },
        );
    }
    def
}

/// Every part of the loader at work: extends chains, derivations, instance and tenant roles,
/// tuples, condition sets with parents and rules naming sets, roles and types.
fn synthetic() -> PolicyFile {
    let mut document = resource("document", &[("parent", "folder")]);
    let folder = resource("folder", &[]);
    for role in ["viewer", "editor"] {
        if let Some(def) = document.roles.get_mut(role) {
            def.granted_to = Some(GrantedTo {
                users_with_role: vec![Derivation {
                    role: role.into(),
                    on_resource: "folder".into(),
                    linked_by_relation: "parent".into(),
                    when: None,
                }],
            });
        }
    }
    let roles: Vec<RoleDef> = (0..20)
        .map(|i| RoleDef {
            key: format!("r{i}"),
            permissions: vec![
                format!("document:{}", ["read", "write", "delete", "share"][i % 4]),
                format!(
                    "folder:{}",
                    ["read", "write", "delete", "share"][(i + 1) % 4]
                ),
            ],
            extends: if i % 5 == 0 {
                vec![]
            } else {
                vec![format!("r{}", i - 1)]
            },
            ..RoleDef::default()
        })
        .collect();
    let tenants = (0..TENANTS)
        .map(|i| TenantDef {
            key: format!("t{i}"),
            ..TenantDef::default()
        })
        .collect();
    let users = (0..USERS)
        .map(|i| UserDef {
            key: format!("u{i}"),
            email: Some(format!("u{i}@example.com")),
            attributes: json!({"department": DEPARTMENTS[i % 3], "level": i % 7})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            ..UserDef::default()
        })
        .collect();
    let instances: Vec<ResourceInstanceDef> = (0..INSTANCES)
        .map(|i| ResourceInstanceDef {
            key: format!("{}{i}", if i % 2 == 0 { "d" } else { "f" }),
            resource: if i % 2 == 0 { "document" } else { "folder" }.into(),
            tenant: format!("t{}", i % TENANTS),
            attributes: json!({"classification": CLASSIFICATIONS[i % 2]})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let mut assignments = Vec::with_capacity(3 * USERS);
    for u in 0..USERS {
        assignments.push(RoleAssignmentDef {
            user: format!("u{u}"),
            role: format!("r{}", u % 20),
            tenant: format!("t{}", u % TENANTS),
            resource_instance: None,
        });
        assignments.push(RoleAssignmentDef {
            user: format!("u{u}"),
            role: format!("r{}", (u + 7) % 20),
            tenant: format!("t{}", (u + 1) % TENANTS),
            resource_instance: None,
        });
        let inst = &instances[(u * 31) % INSTANCES];
        assignments.push(RoleAssignmentDef {
            user: format!("u{u}"),
            role: ["viewer", "editor", "owner"][u % 3].into(),
            tenant: inst.tenant.clone(),
            resource_instance: Some(format!("{}:{}", inst.resource, inst.key)),
        });
    }
    // Folder f(2k+1) is the parent of document d(2k+2).
    let tuples = (0..INSTANCES / 2 - 1)
        .map(|k| RelationshipTupleDef {
            subject: format!("folder:f{}", 2 * k + 1),
            relation: "parent".into(),
            object: format!("document:d{}", 2 * k + 2),
            tenant: None,
        })
        .collect();
    let mut condition_sets = Vec::new();
    let mut rules = Vec::new();
    for i in 0..SETS {
        condition_sets.push(ConditionSetDef {
            key: format!("us{i}"),
            name: String::new(),
            kind: SetKind::Userset,
            resource_id: None,
            parent_id: (i % 4 != 0).then(|| format!("us{}", i - 1)),
            conditions: json!({"allOf": [
                {"user.department": {"equals": DEPARTMENTS[i % 3]}},
                {"anyOf": [{"user.level": {"greater-than": i % 7}}, {"user.email": {"contains": "example"}}]}
            ]}),
        });
        condition_sets.push(ConditionSetDef {
            key: format!("rs{i}"),
            name: String::new(),
            kind: SetKind::Resourceset,
            resource_id: Some("document".into()),
            parent_id: None,
            conditions: json!({"allOf": [{"resource.classification": {"equals": "public"}}]}),
        });
        let action = ["read", "write", "delete", "share"][i % 4];
        rules.push(ConditionSetRuleDef {
            user_set: format!("us{i}"),
            permission: format!("document:{action}"),
            resource_set: format!("rs{i}"),
        });
        rules.push(ConditionSetRuleDef {
            user_set: format!("r{i}"),
            permission: format!("document:{action}"),
            resource_set: format!("rs{i}"),
        });
        rules.push(ConditionSetRuleDef {
            user_set: format!("us{i}"),
            permission: format!("folder:{action}"),
            resource_set: "__autogen_folder".into(),
        });
    }
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
        users,
        role_assignments: assignments,
        resource_instances: instances,
        relationship_tuples: tuples,
        condition_sets,
        condition_set_rules: rules,
        ..PolicyFile::default()
    }
}

fn load(c: &mut Criterion) {
    let policy = synthetic();
    let text = serde_json::to_string(&policy).expect("synthetic policy serializes");
    Sandbox::from_policies(vec![("synthetic".into(), policy.clone())])
        .expect("synthetic policy loads");
    let mut g = c.benchmark_group("load");
    g.sample_size(30)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    g.bench_function("bundled_dev_text", |b| {
        b.iter(|| Sandbox::from_texts(&[("dev.json", black_box(DEV))]))
    });
    g.bench_function("synthetic_10k_users_text", |b| {
        b.iter(|| Sandbox::from_texts(&[("synthetic.json", black_box(text.as_str()))]))
    });
    g.bench_function("synthetic_10k_users_parsed", |b| {
        b.iter_batched(
            || vec![("synthetic".to_string(), policy.clone())],
            Sandbox::from_policies,
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
