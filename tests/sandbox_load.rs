//! Loader refusals: each bad-file case is refused with the file, the JSON path and a reason.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use permit_tui::sandbox::{LoadError, Sandbox};
use serde_json::{json, Value};

fn base() -> Value {
    json!({
        "environment": {"key": "dev", "project": "p", "api_key": "permit_key_x"},
        "resources": [
            {"key": "document", "actions": {"read": {}}, "relations": {"parent": "folder"},
             "roles": {"editor": {"permissions": ["read"],
                                  "granted_to": {"users_with_role": [{"role": "editor", "on_resource": "folder", "linked_by_relation": "parent"}]}}}},
            {"key": "folder", "actions": {"read": {}}, "roles": {"editor": {"permissions": ["read"]}}}
        ],
        "roles": [{"key": "viewer", "permissions": ["document:read"]}],
        "tenants": [{"key": "acme"}],
        "users": [{"key": "alice"}],
        "resource_instances": [{"key": "f1", "resource": "folder", "tenant": "acme"}, {"key": "d1", "resource": "document", "tenant": "acme"}],
        "role_assignments": [{"user": "alice", "role": "viewer", "tenant": "acme"}],
        "relationship_tuples": [{"subject": "folder:f1", "relation": "parent", "object": "document:d1"}],
        "condition_sets": [{"key": "eng", "type": "userset", "conditions": {"allOf": [{"user.dept": {"equals": "eng"}}]}}],
        "condition_set_rules": [{"user_set": "eng", "permission": "document:read", "resource_set": "document"}]
    })
}

fn load(v: &Value) -> Result<Sandbox, LoadError> {
    Sandbox::from_texts(&[("policy.json", &v.to_string())])
}

fn refused(v: Value) -> LoadError {
    match load(&v) {
        Ok(_) => panic!("expected a refusal"),
        Err(e) => {
            assert_eq!(e.file, "policy.json");
            e
        }
    }
}

#[test]
fn valid_base_policy_loads() {
    assert!(load(&base()).is_ok());
}

#[test]
fn malformed_json_is_refused_with_line_and_column() {
    let e = Sandbox::from_texts(&[("policy.json", "{\n  \"environment\": {,\n}")]).unwrap_err();
    assert_eq!(e.path, "line 2 column 19");
    assert!(e.reason.starts_with("malformed JSON"), "{e}");
    assert!(e
        .to_string()
        .starts_with("policy.json: at line 2 column 19: malformed JSON"));
}

#[test]
fn wrong_shape_is_refused_with_its_path() {
    let mut v = base();
    v["users"][0]["key"] = json!(5);
    let e = refused(v);
    assert_eq!(e.path, "$.users[0].key");
    assert!(e.reason.contains("invalid type"), "{e}");
}

#[test]
fn unknown_top_level_key_is_refused() {
    let mut v = base();
    v["role_assignment"] = json!([]);
    let e = refused(v);
    assert!(e.reason.contains("unknown field `role_assignment`"), "{e}");
}

#[test]
fn assignment_to_unknown_role_is_refused() {
    let mut v = base();
    v["role_assignments"][0]["role"] = json!("superuser");
    let e = refused(v);
    assert_eq!(e.path, "$.role_assignments[0].role");
    assert_eq!(e.reason, "unknown role 'superuser' (known: 'viewer')");
}

#[test]
fn assignment_to_unknown_tenant_is_refused() {
    let mut v = base();
    v["role_assignments"][0]["tenant"] = json!("globex");
    let e = refused(v);
    assert_eq!(e.path, "$.role_assignments[0].tenant");
    assert!(e.reason.starts_with("unknown tenant 'globex'"));
}

#[test]
fn assignment_of_unknown_user_is_refused() {
    let mut v = base();
    v["role_assignments"][0]["user"] = json!("mallory");
    let e = refused(v);
    assert_eq!(e.path, "$.role_assignments[0].user");
    assert_eq!(e.reason, "unknown user 'mallory'");
}

#[test]
fn assignment_on_unknown_instance_is_refused() {
    let mut v = base();
    v["role_assignments"][0] = json!({"user": "alice", "role": "editor", "tenant": "acme", "resource_instance": "folder:nope"});
    let e = refused(v);
    assert_eq!(e.path, "$.role_assignments[0].resource_instance");
    assert!(e
        .reason
        .starts_with("unknown resource instance 'folder:nope'"));
}

#[test]
fn instance_assignment_with_unknown_resource_role_is_refused() {
    let mut v = base();
    v["role_assignments"][0] = json!({"user": "alice", "role": "owner", "tenant": "acme", "resource_instance": "folder:f1"});
    let e = refused(v);
    assert_eq!(e.path, "$.role_assignments[0].role");
    assert!(e
        .reason
        .starts_with("unknown role 'owner' on resource 'folder'"));
}

#[test]
fn permission_on_unknown_resource_is_refused() {
    let mut v = base();
    v["roles"][0]["permissions"] = json!(["invoice:read"]);
    let e = refused(v);
    assert_eq!(e.path, "$.roles[0].permissions[0]");
    assert!(e
        .reason
        .starts_with("permission 'invoice:read' is on unknown resource 'invoice'"));
}

#[test]
fn permission_with_unknown_action_is_refused() {
    let mut v = base();
    v["roles"][0]["permissions"] = json!(["document:burn"]);
    let e = refused(v);
    assert_eq!(e.path, "$.roles[0].permissions[0]");
    assert_eq!(
        e.reason,
        "permission 'document:burn': resource 'document' has no action 'burn' (known: 'read')"
    );
}

#[test]
fn rule_permission_on_unknown_action_is_refused() {
    let mut v = base();
    v["condition_set_rules"][0]["permission"] = json!("document:burn");
    let e = refused(v);
    assert_eq!(e.path, "$.condition_set_rules[0].permission");
}

#[test]
fn unknown_condition_operator_is_refused() {
    let mut v = base();
    v["condition_sets"][0]["conditions"] =
        json!({"allOf": [{"user.dept": {"sounds-like": "eng"}}]});
    let e = refused(v);
    assert_eq!(
        e.path,
        "$.condition_sets[0].conditions.allOf[0].user.dept.sounds-like"
    );
    assert!(e.reason.starts_with("unknown operator `sounds-like`"));
}

#[test]
fn cycle_in_role_extends_is_refused() {
    let mut v = base();
    v["roles"] = json!([
        {"key": "a", "permissions": [], "extends": ["b"]},
        {"key": "b", "permissions": [], "extends": ["c"]},
        {"key": "c", "permissions": [], "extends": ["a"]},
        {"key": "viewer", "permissions": []}
    ]);
    let e = refused(v);
    assert_eq!(e.path, "$.roles[0].extends");
    assert_eq!(e.reason, "cycle in extends: a → b → c → a");
}

#[test]
fn cycle_in_resource_role_extends_is_refused() {
    let mut v = base();
    v["resources"][1]["roles"] =
        json!({"editor": {"permissions": ["read"], "extends": ["editor"]}});
    let e = refused(v);
    assert_eq!(e.path, "$.resources[1].roles.editor.extends");
    assert!(e.reason.starts_with("cycle in extends"));
}

#[test]
fn relation_to_unknown_type_is_refused() {
    let mut v = base();
    v["resources"][0]["relations"] = json!({"parent": "drive"});
    let e = refused(v);
    assert_eq!(e.path, "$.resources[0].relations.parent");
    assert!(e
        .reason
        .starts_with("relation 'parent' points to unknown resource type 'drive'"));
}

#[test]
fn tuple_with_undeclared_relation_is_refused() {
    let mut v = base();
    v["relationship_tuples"][0]["relation"] = json!("sibling");
    let e = refused(v);
    assert_eq!(e.path, "$.relationship_tuples[0].relation");
}

#[test]
fn derivation_over_missing_relation_is_refused() {
    let mut v = base();
    v["resources"][0]["roles"]["editor"]["granted_to"]["users_with_role"][0]
        ["linked_by_relation"] = json!("owner");
    let e = refused(v);
    assert_eq!(
        e.path,
        "$.resources[0].roles.editor.granted_to.users_with_role[0].linked_by_relation"
    );
}

#[test]
fn duplicate_api_keys_across_files_are_refused() {
    let text = base().to_string();
    let e = Sandbox::from_texts(&[("a.json", &text), ("b.json", &text)]).unwrap_err();
    assert!(e.reason.contains("already used"), "{e}");
}

#[test]
fn missing_file_is_refused_with_its_name() {
    let e = Sandbox::from_files(&["/nonexistent/policy.json".into()]).unwrap_err();
    assert_eq!(e.file, "/nonexistent/policy.json");
    assert!(e.reason.starts_with("cannot read the file"));
}

/// `n` tenant roles in one `extends` chain (`r{i}` extends `r{i-1}`), every one granting
/// `document:read`, and alice holding the last.
fn role_chain(n: usize) -> Value {
    let mut v = base();
    let mut roles: Vec<Value> = (0..n)
        .map(|i| {
            let extends: Vec<String> = if i == 0 {
                vec![]
            } else {
                vec![format!("r{}", i - 1)]
            };
            json!({"key": format!("r{i}"), "permissions": ["document:read"], "extends": extends})
        })
        .collect();
    roles.push(json!({"key": "viewer", "permissions": []}));
    v["roles"] = Value::Array(roles);
    v["role_assignments"] =
        json!([{"user": "alice", "role": format!("r{}", n - 1), "tenant": "acme"}]);
    v
}

/// Loads on a thread with a small stack: a recursion as deep as the chain aborts the process.
fn load_on_a_small_stack(v: Value) -> Result<Sandbox, LoadError> {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || load(&v))
        .unwrap()
        .join()
        .expect("the loader did not panic")
}

#[test]
fn a_40_000_role_extends_chain_loads_without_recursing_that_deep() {
    let sandbox = load_on_a_small_stack(role_chain(40_000)).expect("the chain loads");
    let q: permit_tui::pdp::types::AllowedQuery = serde_json::from_value(json!({
        "user": {"key": "alice"}, "action": "read",
        "resource": {"type": "document", "tenant": "acme"}
    }))
    .unwrap();
    assert_eq!(sandbox.decide("permit_key_x", &q), Some(true));
}

#[test]
fn a_40_000_resource_role_extends_chain_loads_without_recursing_that_deep() {
    let mut v = base();
    let roles: serde_json::Map<String, Value> = (0..40_000)
        .map(|i| {
            let extends: Vec<String> = if i == 0 {
                vec![]
            } else {
                vec![format!("r{}", i - 1)]
            };
            (
                format!("r{i}"),
                json!({"permissions": ["read"], "extends": extends}),
            )
        })
        .collect();
    v["resources"][1]["roles"] = Value::Object(roles);
    v["resources"][1]["roles"]["editor"] = json!({"permissions": ["read"], "extends": ["r39999"]});
    assert!(load_on_a_small_stack(v).is_ok());
}

#[test]
fn a_cycle_closing_a_long_chain_is_named_from_its_smallest_role() {
    let mut v = role_chain(10);
    v["roles"][0]["extends"] = json!(["r9"]);
    let e = refused(v);
    assert_eq!(e.path, "$.roles[0].extends");
    assert_eq!(
        e.reason,
        "cycle in extends: r0 → r9 → r8 → r7 → r6 → r5 → r4 → r3 → r2 → r1 → r0"
    );
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    let text = format!("\u{feff}{}", base());
    assert!(Sandbox::from_texts(&[("bom.json", &text)]).is_ok());
}

#[test]
fn top_level_mistakes_are_said_in_words_at_the_root() {
    for (text, path, reason) in [
        ("", "$", "the file is empty"),
        (" \n\t", "$", "the file is empty"),
        ("[1, 2]", "$", "found an array"),
        ("\"dev\"", "$", "found a string"),
        ("null", "$", "found null"),
        ("42", "$", "found a number"),
        ("{\"resources\": []}", "$", "missing field `environment`"),
    ] {
        let e = Sandbox::from_texts(&[("p.json", text)]).unwrap_err();
        assert_eq!(e.path, path, "{text:?}: {e}");
        assert!(e.reason.contains(reason), "{text:?}: {e}");
        assert!(!e.to_string().contains("$.."), "{e}");
    }
    let e = Sandbox::from_texts(&[("p.json", "[1, 2]")]).unwrap_err();
    assert!(
        e.reason.contains("a policy is a JSON object"),
        "says what the top level must be: {e}"
    );
}

#[test]
fn clashes_between_files_name_both_files_and_never_print_the_key() {
    let text = base().to_string();
    let e = Sandbox::from_texts(&[("a.json", &text), ("b.json", &text)]).unwrap_err();
    assert_eq!(e.file, "b.json", "{e}");
    assert_eq!(e.path, "$.environment.api_key");
    assert!(e.reason.contains("already used by a.json"), "{e}");
    assert!(
        !e.to_string().contains("permit_key_x"),
        "the key is masked: {e}"
    );

    let mut other_key = base();
    other_key["environment"]["api_key"] = json!("permit_key_y");
    let e =
        Sandbox::from_texts(&[("a.json", &text), ("c.json", &other_key.to_string())]).unwrap_err();
    assert_eq!(e.file, "c.json", "{e}");
    assert_eq!(e.path, "$.environment");
    assert!(
        e.reason
            .contains("environment 'p/dev' is already defined in a.json"),
        "{e}"
    );
}

#[test]
fn a_key_repeated_inside_any_map_is_refused_with_its_path() {
    let text = base().to_string();
    for (from, to, path) in [
        (
            r#""users":[{"key":"alice"}]"#,
            r#""users":[{"key":"alice","attributes":{"dept":"eng","dept":"ops"}}]"#,
            "$.users[0].attributes",
        ),
        (
            r#""relations":{"parent":"folder"}"#,
            r#""relations":{"parent":"folder","parent":"document"}"#,
            "$.resources[0].relations",
        ),
        (
            r#""roles":{"editor":{"permissions":["read"]}}"#,
            r#""roles":{"editor":{"permissions":["read"]},"editor":{"permissions":[]}}"#,
            "$.resources[1].roles",
        ),
    ] {
        assert!(text.contains(from), "the base policy has {from}");
        let twice = text.replacen(from, to, 1);
        let e = Sandbox::from_texts(&[("dup.json", &twice)]).unwrap_err();
        assert_eq!(e.file, "dup.json");
        assert_eq!(e.path, path, "{e}");
        assert!(e.reason.starts_with("duplicate key `"), "{e}");
    }
}

#[test]
fn a_debug_print_of_a_sandbox_never_shows_a_key_whole() {
    let sandbox = load(&base()).unwrap();
    let shown = format!("{sandbox:?}");
    assert!(!shown.contains("permit_key_x"), "{shown}");
    assert!(!shown.contains(sandbox.org_api_key()), "{shown}");
    assert!(shown.contains("p/dev"), "{shown}");
}

#[test]
fn a_permission_inherited_down_a_long_chain_is_explained_with_the_whole_path() {
    // Only the last role of the chain grants the permission: the explanation walks all of it.
    let mut v = role_chain(10_000);
    for (i, role) in v["roles"].as_array_mut().unwrap().iter_mut().enumerate() {
        if i > 0 {
            role["permissions"] = json!([]);
        }
    }
    let sandbox = load(&v).unwrap();
    let q: permit_tui::pdp::types::AllowedQuery = serde_json::from_value(json!({
        "user": {"key": "alice"}, "action": "read",
        "resource": {"type": "document", "tenant": "acme"}
    }))
    .unwrap();
    let result = sandbox.check("permit_key_x", &q).unwrap();
    assert!(result.allow);
    // The trace names the whole inheritance path, from the role held to the one granting.
    let traced = serde_json::to_value(sandbox.explain("permit_key_x", &q).unwrap()).unwrap();
    let text = traced["debug"]["sandbox_trace"].to_string();
    assert!(
        text.contains("\"r9999\"") && text.contains("\"r0\""),
        "{}",
        &text[..text.len().min(300)]
    );
}
