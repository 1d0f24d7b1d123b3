//! Property tests: arbitrary JSON bodies at the HTTP parser and evaluator, arbitrary condition
//! JSON at the condition interpreter, arbitrary policies at the loader. Nothing may panic; the
//! server must keep answering with a Permit status. Case counts are bounded to run in seconds.

use std::sync::OnceLock;

use permit_tui::pdp::types::AllowedQuery;
use permit_tui::sandbox::conditions::{compile, eval, eval_traced, Input, Scope};
use permit_tui::sandbox::{serve, RunningSandbox, Sandbox, ServeOptions};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const KEYS: &[&str] = &[
    "user",
    "action",
    "resource",
    "type",
    "key",
    "tenant",
    "attributes",
    "context",
    "tenants",
    "resources",
    "resource_types",
    "allOf",
    "anyOf",
    "not",
    "and",
    "or",
    "equals",
    "not-equals",
    "greater-than",
    "less-than-equals",
    "between",
    "contains",
    "in",
    "array_contains",
    "array_superset",
    "array_intersect",
    "object_match",
    "any_match",
    "all_match",
    "match",
    "ref",
    "user.clearance",
    "user.department",
    "resource.owner",
    "tenant.plan",
    "context.hour",
    "user.projects",
    "resource.reviewers",
];

const STRINGS: &[&str] = &[
    "alice",
    "bob",
    "erin",
    "ghost",
    "document",
    "folder",
    "report",
    "read",
    "write",
    "acme",
    "default",
    "doc-1",
    "design-doc",
    "api-spec",
    "engineering",
    "user.email",
    "",
    "💥",
    "a:b:c",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![3 => proptest::sample::select(KEYS).prop_map(str::to_string), 1 => "[a-z_.:-]{0,10}"]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        proptest::sample::select(STRINGS).prop_map(|s| json!(s)),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Bodies close to a real check, with any field possibly replaced by junk.
fn near_check() -> impl Strategy<Value = Value> {
    (
        proptest::sample::select(STRINGS),
        proptest::sample::select(STRINGS),
        proptest::sample::select(STRINGS),
        proptest::option::of(proptest::sample::select(STRINGS)),
        proptest::option::of(proptest::sample::select(STRINGS)),
        json_value(),
        json_value(),
        0usize..6,
        json_value(),
    )
        .prop_map(|(user, action, kind, key, tenant, uattrs, rattrs, junk_at, junk)| {
            let mut v = json!({
                "user": {"key": user, "attributes": if uattrs.is_object() { uattrs } else { json!({}) }},
                "action": action,
                "resource": {"type": kind, "key": key, "tenant": tenant, "attributes": if rattrs.is_object() { rattrs } else { json!({}) }},
                "context": {"hour": 10}
            });
            match junk_at {
                0 => v["user"] = junk,
                1 => v["resource"] = junk,
                2 => v["action"] = junk,
                3 => v["user"]["attributes"] = junk,
                _ => {}
            }
            v
        })
}

struct Server {
    rt: tokio::runtime::Runtime,
    running: RunningSandbox,
    client: reqwest::Client,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let running = rt
            .block_on(serve(
                Sandbox::bundled().expect("bundled"),
                "127.0.0.1:0".parse().expect("addr"),
                ServeOptions::default(),
            ))
            .expect("serve");
        Server {
            rt,
            running,
            client: reqwest::Client::new(),
        }
    })
}

fn post(path: &str, body: &[u8]) -> u16 {
    let s = server();
    let url = format!("{}{path}", s.running.url());
    s.rt.block_on(async {
        let res = s
            .client
            .post(&url)
            .header("Authorization", "Bearer permit_key_sandbox_dev")
            .header("Content-Type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .expect("the server answers");
        let status = res.status().as_u16();
        let _ = res.bytes().await;
        status
    })
}

const ROUTES: &[&str] = &[
    "/allowed",
    "/allowed/bulk",
    "/allowed/all-tenants",
    "/user-permissions",
    "/authorized_users",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_bodies_get_a_permit_status(body in json_value(), route in proptest::sample::select(ROUTES)) {
        let status = post(route, body.to_string().as_bytes());
        prop_assert!(matches!(status, 200 | 422), "{route} answered {status} to {body}");
    }

    #[test]
    fn near_valid_checks_get_200_or_422(body in near_check()) {
        let status = post("/allowed", body.to_string().as_bytes());
        prop_assert!(matches!(status, 200 | 422), "answered {status} to {body}");
        let bulk = post("/allowed/bulk", json!([body.clone(), body]).to_string().as_bytes());
        prop_assert!(matches!(bulk, 200 | 422));
    }

    #[test]
    fn arbitrary_bytes_get_400_or_422(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let status = post("/allowed", &bytes);
        prop_assert!(matches!(status, 400 | 422), "answered {status}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_conditions_never_panic_and_traces_agree(cond in json_value(), user in json_value(), resource in json_value()) {
        if let Ok(c) = compile(&cond, "$") {
            let input = Input { user, resource, tenant: json!({"plan": "free"}), context: json!({"hour": 10}) };
            let fast = eval(&c, Scope::Input(&input));
            let traced = eval_traced(&c, Scope::Input(&input));
            prop_assert_eq!(fast, traced.matched);
        }
    }

    #[test]
    fn arbitrary_queries_evaluate_and_decide_agrees(body in near_check()) {
        if let Ok(q) = serde_json::from_value::<AllowedQuery>(body) {
            let s = sandbox();
            let full = s.check("permit_key_sandbox_dev", &q).expect("known key");
            prop_assert_eq!(s.decide("permit_key_sandbox_dev", &q), Some(full.allow));
        }
    }

    #[test]
    fn arbitrary_policies_load_or_are_refused(section in proptest::sample::select(&["resources", "roles", "tenants", "users",
            "role_assignments", "resource_instances", "relationship_tuples", "condition_sets", "condition_set_rules"][..]),
            junk in json_value(), whole in json_value()) {
        let mut policy: Value = serde_json::from_str(include_str!("../assets/sandbox/dev.json")).expect("dev policy");
        policy[section] = junk;
        let _ = Sandbox::from_texts(&[("mutated.json", &policy.to_string())]);
        let _ = Sandbox::from_texts(&[("whole.json", &whole.to_string())]);
    }
}

fn sandbox() -> &'static Sandbox {
    static S: OnceLock<Sandbox> = OnceLock::new();
    S.get_or_init(|| Sandbox::bundled().expect("bundled"))
}

#[test]
fn server_still_healthy_after_the_storm() {
    let s = server();
    let status = s.rt.block_on(async {
        s.client
            .get(format!("{}/healthy", s.running.url()))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    });
    assert_eq!(status, 200);
}
