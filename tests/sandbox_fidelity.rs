//! What Permit's Rego does that the sandbox must do too. Each test names the
//! behaviour in its own words; the figures come from running Permit's Rego side by side.

use permit_tui::explain::{explain, what_would_allow, Node};
use permit_tui::pdp::types::{AllowedQuery, AllowedResult, DebugBlock};
use permit_tui::sandbox::conditions::Types;
use permit_tui::sandbox::Sandbox;
use serde_json::{json, Value};

const KEY: &str = "permit_key_f";

/// A small policy: one role `member` (read), `lead` (nothing), a user set on clearance, a
/// resource set on `type`, an `anyOf` set, and a role rule.
fn policy() -> String {
    json!({
        "environment": {"key": "f", "project": "p", "api_key": KEY},
        "resources": [{"key": "doc", "actions": {"read": {}, "edit": {}, "sign": {}, "tag": {}}},
                      {"key": "memo", "actions": {"read": {}}}],
        "roles": [{"key": "member", "permissions": ["doc:read"]}, {"key": "lead", "permissions": []}],
        "tenants": [{"key": "zeta"}, {"key": "acme"}, {"key": "mid"}],
        "users": [
            {"key": "ann", "email": "ann@acme.test",
             "attributes": {"clearance": 2, "address": {"country": "DE", "city": "Berlin"}}},
            {"key": "bo"}
        ],
        "role_assignments": [
            {"user": "ann", "role": "member", "tenant": "zeta"},
            {"user": "ann", "role": "lead", "tenant": "acme"},
            {"user": "bo", "role": "member", "tenant": "acme"},
            {"user": "bo", "role": "lead", "tenant": "acme"}
        ],
        "condition_sets": [
            {"key": "cleared", "type": "userset", "conditions": {"allOf": [{"user.clearance": {"greater-than-equals": 3}}]}},
            {"key": "in_de", "type": "userset", "conditions": {"allOf": [{"user.address.country": {"equals": "DE"}}, {"user.address.city": {"equals": "Munich"}}]}},
            {"key": "either", "type": "userset", "conditions": {"anyOf": [{"user.team": {"equals": "red"}}, {"user.team": {"equals": "blue"}}]}},
            {"key": "no_extra_tags", "type": "userset", "conditions": {"allOf": [{"user.tags": {"array_subset": ["a", "b"]}}]}},
            {"key": "night", "type": "userset", "conditions": {"allOf": [{"context.hour": {"less-than": 6}}]}},
            {"key": "docs", "type": "resourceset", "resource_type": "doc", "conditions": {"allOf": [{"resource.type": {"equals": "doc"}}]}}
        ],
        "condition_set_rules": [
            {"user_set": "cleared", "permission": "doc:edit", "resource_set": "docs"},
            {"user_set": "in_de", "permission": "doc:sign", "resource_set": "docs"},
            {"user_set": "either", "permission": "doc:sign", "resource_set": "docs"},
            {"user_set": "no_extra_tags", "permission": "doc:tag", "resource_set": "docs"},
            {"user_set": "night", "permission": "doc:read", "resource_set": "docs"},
            {"user_set": "lead", "permission": "doc:tag", "resource_set": "docs"}
        ]
    })
    .to_string()
}

fn sandbox() -> Sandbox {
    Sandbox::from_texts(&[("fidelity", &policy())]).expect("the policy loads")
}

fn query(v: Value) -> AllowedQuery {
    serde_json::from_value(v).expect("a query")
}

fn check(s: &Sandbox, q: &AllowedQuery) -> AllowedResult {
    let checked = s.check(KEY, q).expect("the environment exists");
    let decided = s.decide(KEY, q).expect("the environment exists");
    assert_eq!(checked.allow, decided, "check and decide agree on {q:?}");
    checked
}

fn blk<'a>(r: &'a AllowedResult, model: &str) -> &'a DebugBlock {
    let d = r.debug.as_ref().expect("debug");
    match model {
        "rbac" => d.rbac.as_ref(),
        "abac" => d.abac.as_ref(),
        _ => d.rebac.as_ref(),
    }
    .unwrap_or_else(|| panic!("a {model} block in {r:#?}"))
}

fn edit_with_clearance(clearance: Value) -> AllowedQuery {
    query(
        json!({"user": {"key": "ann", "attributes": {"clearance": clearance}},
                 "action": "edit", "resource": {"type": "doc", "tenant": "acme"}}),
    )
}

fn tree_text(node: &Node) -> String {
    node.walk()
        .iter()
        .map(|(depth, n)| format!("{}{}\n", "  ".repeat(*depth), n.text))
        .collect()
}

#[test]
fn a_cross_type_comparisons_follow_opas_order_of_types() {
    let s = sandbox();
    // `clearance >= 3`: a string sorts above every number, so "1" passes as "3" does.
    assert!(check(&s, &edit_with_clearance(json!("3"))).allow);
    assert!(check(&s, &edit_with_clearance(json!("1"))).allow);
    // A boolean sorts below every number; a number compares by value.
    assert!(!check(&s, &edit_with_clearance(json!(true))).allow);
    assert!(!check(&s, &edit_with_clearance(json!(2))).allow);
    assert!(check(&s, &edit_with_clearance(json!(3.0))).allow);
}

#[test]
fn a_the_explanation_flags_a_cross_type_comparison_and_the_fix_says_to_send_a_number() {
    let s = sandbox();
    let q = edit_with_clearance(json!("1"));
    let r = check(&s, &q);
    let text = tree_text(&explain(&q, &r));
    assert!(
        text.contains("compared a string with a number"),
        "the tree says why \"1\" passed: {text}"
    );
    assert!(
        text.contains("user.clearance ≥ 3 (actual: \"1\")"),
        "the actual value keeps its quotes: {text}"
    );
    // Under strict types the same check is denied, and the fix names the type to send.
    let strict = sandbox().with_types(Types::Strict);
    let r = check(&strict, &q);
    assert!(
        !r.allow,
        "--strict-types denies a string compared with a number"
    );
    let fixes: Vec<String> = what_would_allow(&q, &r)
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert!(
        fixes
            .iter()
            .any(|f| f.contains("user.clearance") && f.contains("a string with a number")),
        "{fixes:?}"
    );
    assert!(
        check(&strict, &edit_with_clearance(json!(4))).allow,
        "strict still compares numbers"
    );
}

#[test]
fn b_a_request_attribute_type_replaces_the_resource_type_inside_conditions() {
    let s = sandbox();
    let q = query(
        json!({"user": {"key": "ann", "attributes": {"clearance": 5}}, "action": "edit",
                         "resource": {"type": "doc", "tenant": "acme", "attributes": {"type": "sheet"}}}),
    );
    let r = check(&s, &q);
    assert!(
        !r.allow,
        "`docs` tests resource.type == doc, and the request says sheet"
    );
    assert_eq!(
        blk(&r, "abac").code.as_deref(),
        Some("no_matching_resourcesets")
    );
    // Given as `memo`, the type matches the autogen set of memo instead.
    let mut memo = q.clone();
    memo.resource.attributes = json!({"type": "memo"})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let r = check(&s, &memo);
    assert_eq!(
        blk(&r, "abac").matching_resourcesets,
        Some(vec![json!("__autogen_memo")])
    );
}

#[test]
fn c_request_roles_win_over_the_assigned_roles_in_role_user_sets() {
    let s = sandbox();
    // ann is `lead` in acme, and the rule `lead` × docs grants tag.
    let tag = |attrs: Value| {
        query(
            json!({"user": {"key": "ann", "attributes": attrs}, "action": "tag",
                     "resource": {"type": "doc", "tenant": "acme"}}),
        )
    };
    assert!(check(&s, &tag(json!({"tags": ["z"]}))).allow);
    assert!(!check(&s, &tag(json!({"tags": ["z"], "roles": ["member"]}))).allow);
    // And a role no assignment gives, sent as an attribute, is matched.
    let bo = query(
        json!({"user": {"key": "bo", "attributes": {"roles": ["lead"], "tags": ["z"]}},
                          "action": "tag", "resource": {"type": "doc", "tenant": "zeta"}}),
    );
    assert!(check(&s, &bo).allow);
}

#[test]
fn d_a_rebac_allow_still_reports_the_rbac_and_abac_denials() {
    let r = Sandbox::bundled()
        .expect("bundled")
        .check(
            "permit_key_sandbox_dev",
            &query(json!({"user": {"key": "erin"}, "action": "read",
                          "resource": {"type": "document", "key": "design-doc", "tenant": "acme"}})),
        )
        .expect("dev");
    assert!(r.allow);
    assert_eq!(blk(&r, "rebac").code.as_deref(), Some("allow"));
    assert_eq!(blk(&r, "rbac").code.as_deref(), Some("no_role_in_tenant"));
    assert!(!blk(&r, "abac").allow);
}

#[test]
fn e_without_a_tenant_the_tenant_codes_fall_through_and_the_tree_says_so() {
    let s = sandbox();
    let q = query(json!({"user": {"key": "ann"}, "action": "edit", "resource": {"type": "doc"}}));
    let r = check(&s, &q);
    assert!(!r.allow);
    // Neither no_such_tenant nor no_role_in_tenant can quote the missing tenant.
    assert_eq!(blk(&r, "rbac").code.as_deref(), Some("no_permission"));
    let text = tree_text(&explain(&q, &r));
    assert!(text.contains("with no tenant"), "{text}");
    assert!(text.contains("the request had no tenant"), "{text}");
    // A role rule allows, but its reason needs the tenant: code no_matching_rules, allow true.
    let tag = query(
        json!({"user": {"key": "bo", "attributes": {"roles": ["lead"], "tags": ["z"]}},
                           "action": "tag", "resource": {"type": "doc"}}),
    );
    let r = check(&s, &tag);
    assert!(r.allow);
    let b = blk(&r, "abac");
    assert!(b.allow);
    assert_eq!(b.code.as_deref(), Some("no_matching_rules"));
}

#[test]
fn f_every_role_and_type_has_an_autogen_set() {
    let s = sandbox();
    let q = query(json!({"user": {"key": "ann"}, "action": "edit",
                         "resource": {"type": "memo", "tenant": "acme"}}));
    let r = check(&s, &q);
    let b = blk(&r, "abac");
    assert_eq!(b.code.as_deref(), Some("no_matching_rules"));
    // ann's role in acme, and `no_extra_tags` (her missing tags are an empty subset).
    assert_eq!(
        b.matching_usersets,
        Some(vec![json!("__autogen_lead"), json!("no_extra_tags")])
    );
    assert_eq!(b.matching_resourcesets, Some(vec![json!("__autogen_memo")]));
}

#[test]
fn g_anyof_helpers_appear_in_lists_under_their_rule_name_not_in_the_tree() {
    let s = sandbox();
    let q = query(
        json!({"user": {"key": "bo", "attributes": {"team": "red"}}, "action": "edit",
                         "resource": {"type": "doc", "tenant": "acme"}}),
    );
    let r = check(&s, &q);
    let b = blk(&r, "abac");
    assert_eq!(
        b.matching_usersets,
        Some(vec![
            json!("__autogen_lead"),
            json!("__autogen_member"),
            json!("either"),
            json!("no_extra_tags"),
            json!("userset_either_any_of_0")
        ])
    );
    let text = tree_text(&explain(&q, &r));
    assert!(!text.contains("any_of"), "{text}");
}

#[test]
fn j_lists_in_reasons_are_sorted() {
    let s = sandbox();
    let r = check(
        &s,
        &query(json!({"user": {"key": "ann"}, "action": "read",
                      "resource": {"type": "doc", "tenant": "nowhere"}})),
    );
    assert_eq!(
        blk(&r, "rbac").reason.as_deref(),
        Some("tenant 'nowhere' does not exist. existing tenants: ['acme', 'mid', 'zeta']")
    );
    let r = check(
        &s,
        &query(json!({"user": {"key": "ann"}, "action": "read",
                      "resource": {"type": "doc", "tenant": "mid"}})),
    );
    assert_eq!(
        blk(&r, "rbac").reason.as_deref(),
        Some("user 'ann' has no assigned roles in tenant 'mid'. user has roles in these tenants: ['acme', 'zeta']")
    );
}

#[test]
fn k_objects_merge_deeply_and_only_permits_attributes_are_attributes() {
    let s = sandbox();
    let sign = |user: Value| {
        query(
            json!({"user": user, "action": "sign", "resource": {"type": "doc", "tenant": "acme"}}),
        )
    };
    // A JIT city merges into the stored address: the stored country stays DE.
    assert!(
        check(
            &s,
            &sign(json!({"key": "ann", "attributes": {"address": {"city": "Munich"}}}))
        )
        .allow
    );
    // A top-level email or a `team` outside `attributes` is not an attribute.
    assert!(
        !check(
            &s,
            &sign(json!({"key": "ann", "email": "x@y", "team": "red"}))
        )
        .allow
    );
    // Only the top-level context is context.
    let night = |where_: &str| {
        let mut v = json!({"user": {"key": "bo"}, "action": "read",
                           "resource": {"type": "doc", "tenant": "zeta"}});
        if where_ == "top" {
            v["context"] = json!({"hour": 3});
        } else {
            v["resource"]["context"] = json!({"hour": 3});
        }
        query(v)
    };
    assert!(check(&s, &night("top")).allow);
    assert!(!check(&s, &night("resource")).allow);
    // A missing list is an empty set, and the empty set is a subset of anything.
    let tag = query(json!({"user": {"key": "bo"}, "action": "tag",
                           "resource": {"type": "doc", "tenant": "zeta"}}));
    let r = check(&s, &tag);
    assert!(r.allow, "{r:#?}");
    assert_eq!(
        blk(&r, "abac").allowing_rules,
        Some(vec![
            json!({"userset": "no_extra_tags", "resourceset": "docs"})
        ])
    );
}
