//! Condition language: one test per operator and per logic form, each named after the rule
//! it proves, plus the "mismatch or missing is false, never a crash" rule.

use permit_tui::sandbox::conditions::{compile, eval, eval_traced, Input, Scope};
use serde_json::{json, Value};

fn input() -> Input {
    Input {
        user: json!({"key": "alice", "email": "alice@acme.test", "department": "engineering", "clearance": 3,
                     "score": 2.5, "projects": ["apollo", "gemini"], "manager_email": "alice@acme.test",
                     "address": {"country": "DE", "city": "Berlin"},
                     "certs": [{"name": "sox", "year": 2025}, {"name": "iso", "year": 2020}],
                     "joined": "2024-03-01", "active": true}),
        resource: json!({"type": "document", "owner": "alice@acme.test", "tags": ["finance", "q3"], "pages": 12}),
        tenant: json!({"key": "acme", "plan": "enterprise"}),
        context: json!({"hour": 10}),
    }
}

fn holds(cond: Value) -> bool {
    let c = compile(&cond, "$").unwrap_or_else(|e| panic!("compiles: {e:?}"));
    let i = input();
    let fast = eval(&c, Scope::Input(&i));
    let traced = eval_traced(&c, Scope::Input(&i));
    assert_eq!(
        fast, traced.matched,
        "traced and untraced evaluation agree for {cond}"
    );
    fast
}

fn leaf(attr: &str, op: &str, v: Value) -> bool {
    holds(json!({ attr: { op: v } }))
}

#[test]
fn equals_compares_strings_numbers_and_bools() {
    assert!(leaf("user.department", "equals", json!("engineering")));
    assert!(leaf("user.clearance", "equals", json!(3.0)), "3 equals 3.0");
    assert!(leaf("user.active", "equals", json!(true)));
    assert!(!leaf("user.department", "equals", json!("sales")));
}

#[test]
fn not_equals_is_true_for_a_different_value_of_the_same_type() {
    assert!(leaf("user.department", "not-equals", json!("sales")));
    assert!(!leaf("user.department", "not-equals", json!("engineering")));
    assert!(
        leaf("user.department", "not-equals", json!(5)),
        "OPA: values of different types are never equal, so not-equals holds"
    );
}

#[test]
fn greater_than_compares_numbers_strictly() {
    assert!(leaf("user.clearance", "greater-than", json!(2)));
    assert!(!leaf("user.clearance", "greater-than", json!(3)));
}

#[test]
fn greater_than_equals_includes_the_bound() {
    assert!(leaf("user.clearance", "greater-than-equals", json!(3)));
    assert!(!leaf("user.clearance", "greater-than-equals", json!(4)));
}

#[test]
fn less_than_compares_numbers_strictly() {
    assert!(leaf("user.score", "less-than", json!(3)));
    assert!(!leaf("user.score", "less-than", json!(2.5)));
}

#[test]
fn less_than_equals_includes_the_bound() {
    assert!(leaf("user.score", "less-than-equals", json!(2.5)));
    assert!(!leaf("user.score", "less-than-equals", json!(2)));
}

#[test]
fn comparisons_order_iso_date_strings() {
    assert!(leaf("user.joined", "greater-than", json!("2023-12-31")));
    assert!(leaf("user.joined", "less-than", json!("2025-01-01")));
}

#[test]
fn between_is_inclusive_on_both_bounds() {
    assert!(leaf("context.hour", "between", json!([9, 17])));
    assert!(leaf("context.hour", "between", json!([10, 10])));
    assert!(!leaf("context.hour", "between", json!([11, 17])));
}

#[test]
fn contains_is_a_substring_test() {
    assert!(leaf("user.email", "contains", json!("@acme.test")));
    assert!(!leaf("user.email", "contains", json!("@globex")));
    assert!(
        !leaf("user.projects", "contains", json!("apollo")),
        "contains is for strings, not arrays"
    );
}

#[test]
fn in_tests_membership_in_the_given_list() {
    assert!(leaf(
        "user.department",
        "in",
        json!(["sales", "engineering"])
    ));
    assert!(!leaf("user.department", "in", json!(["sales"])));
}

#[test]
fn array_contains_tests_the_attribute_array_holds_the_value() {
    assert!(leaf("resource.tags", "array_contains", json!("finance")));
    assert!(!leaf("resource.tags", "array_contains", json!("hr")));
}

#[test]
fn array_subset_holds_when_every_attribute_item_is_in_the_list() {
    assert!(leaf(
        "resource.tags",
        "array_subset",
        json!(["finance", "q3", "q4"])
    ));
    assert!(!leaf("resource.tags", "array_subset", json!(["finance"])));
}

#[test]
fn array_superset_holds_when_the_attribute_has_every_listed_item() {
    assert!(leaf("resource.tags", "array_superset", json!(["finance"])));
    assert!(!leaf(
        "resource.tags",
        "array_superset",
        json!(["finance", "hr"])
    ));
}

#[test]
fn array_intersect_holds_when_any_item_is_shared() {
    assert!(leaf(
        "user.projects",
        "array_intersect",
        json!(["mercury", "gemini"])
    ));
    assert!(!leaf(
        "user.projects",
        "array_intersect",
        json!(["mercury"])
    ));
}

#[test]
fn ref_operand_compares_attribute_to_attribute() {
    assert!(holds(
        json!({"resource.owner": {"equals": {"ref": "user.email"}}})
    ));
    assert!(!holds(
        json!({"resource.owner": {"equals": {"ref": "user.department"}}})
    ));
    assert!(holds(
        json!({"user.clearance": {"less-than": {"ref": "resource.pages"}}})
    ));
    assert!(
        !holds(json!({"resource.owner": {"equals": {"ref": "user.nothing"}}})),
        "a missing ref is false"
    );
}

#[test]
fn object_match_applies_conditions_to_an_object_attribute() {
    assert!(holds(
        json!({"user.address": {"object_match": {"match": {"country": {"equals": "DE"}, "city": {"in": ["Berlin", "Munich"]}}}}})
    ));
    assert!(!holds(
        json!({"user.address": {"object_match": {"match": {"country": {"equals": "FR"}}}}})
    ));
}

#[test]
fn any_match_holds_when_one_element_matches() {
    assert!(holds(
        json!({"user.certs": {"any_match": {"match": {"name": {"equals": "iso"}}}}})
    ));
    assert!(!holds(
        json!({"user.certs": {"any_match": {"match": {"name": {"equals": "pci"}}}}})
    ));
}

#[test]
fn all_match_holds_when_every_element_matches() {
    assert!(holds(
        json!({"user.certs": {"all_match": {"match": {"year": {"greater-than-equals": 2020}}}}})
    ));
    assert!(!holds(
        json!({"user.certs": {"all_match": {"match": {"year": {"greater-than-equals": 2021}}}}})
    ));
}

#[test]
fn all_of_any_of_and_not_nest_either_way_round() {
    assert!(holds(json!({"allOf": [
        {"anyOf": [{"user.department": {"equals": "sales"}}, {"user.clearance": {"greater-than": 2}}]},
        {"not": [{"tenant.plan": {"equals": "free"}}]}
    ]})));
    assert!(!holds(
        json!({"anyOf": [{"allOf": [{"user.department": {"equals": "sales"}}]}, {"not": {"user.active": {"equals": true}}}]})
    ));
    assert!(
        holds(json!({"and": [{"or": [{"user.active": {"equals": true}}]}]})),
        "and/or aliases"
    );
}

#[test]
fn attribute_first_groups_apply_operators_to_one_attribute() {
    assert!(holds(
        json!({"context.hour": {"anyOf": [{"between": [0, 6]}, {"between": [9, 12]}]}})
    ));
    assert!(!holds(
        json!({"context.hour": {"allOf": [{"greater-than": 9}, {"less-than": 10}]}})
    ));
}

#[test]
fn several_operators_on_one_attribute_are_anded() {
    assert!(holds(
        json!({"user.clearance": {"greater-than": 1, "less-than": 4}})
    ));
    assert!(!holds(
        json!({"user.clearance": {"greater-than": 1, "less-than": 3}})
    ));
}

#[test]
fn missing_attribute_makes_every_operator_false() {
    for op in [
        "equals",
        "not-equals",
        "greater-than",
        "less-than",
        "contains",
        "in",
        "array_contains",
        "array_intersect",
    ] {
        assert!(
            !leaf("user.nothing", op, json!(["x"])),
            "{op} on a missing attribute"
        );
    }
}

#[test]
fn type_mismatch_follows_opa_or_is_false_never_an_error() {
    // OPA orders every string above every number, so Permit's `>` holds here.
    assert!(leaf("user.department", "greater-than", json!(3)));
    assert!(!leaf("user.department", "less-than", json!(3)));
    assert!(!leaf("user.clearance", "contains", json!("3")));
    assert!(!leaf("user.clearance", "array_contains", json!(3)));
    assert!(!leaf("user.projects", "between", json!(["a", "z"])));
    assert!(!holds(
        json!({"user.department": {"any_match": {"match": {"x": {"equals": 1}}}}})
    ));
}

#[test]
fn empty_conditions_always_hold() {
    assert!(holds(json!({})));
    assert!(holds(Value::Null));
    assert!(holds(json!({"allOf": []})));
}

#[test]
fn trace_records_attribute_operator_expected_and_actual() {
    let c = compile(
        &json!({"allOf": [{"user.clearance": {"greater-than-equals": 4}}]}),
        "$",
    )
    .unwrap();
    let i = input();
    let t = eval_traced(&c, Scope::Input(&i));
    let v = serde_json::to_value(&t).unwrap();
    assert_eq!(v["operator"], json!("allOf"));
    assert_eq!(v["matched"], json!(false));
    assert_eq!(
        v["children"][0],
        json!({"attribute": "user.clearance", "operator": "greater-than-equals",
                                         "expected": 4, "actual": 3, "matched": false, "children": []})
    );
}

#[test]
fn unknown_operator_and_bad_shapes_are_compile_errors() {
    let e = compile(
        &json!({"allOf": [{"user.x": {"roughly-equals": 1}}]}),
        "$.c",
    )
    .unwrap_err();
    assert_eq!(e.path, "$.c.allOf[0].user.x.roughly-equals");
    assert!(e.reason.starts_with("unknown operator `roughly-equals`"));
    assert!(compile(&json!({"allOf": 3}), "$").is_err());
    assert!(compile(&json!({"user.x": 3}), "$").is_err());
    assert!(compile(&json!({"nonsense": {"equals": 1}}), "$").is_err());
    assert!(compile(&json!({"user.x": {"between": [1]}}), "$").is_err());
}
