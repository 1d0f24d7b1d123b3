//! The explain tree and the "what would make this allow?" list, on real sandbox decisions
//! of the bundled dev policy.

use permit_tui::explain::{explain, what_would_allow, Mark};
use permit_tui::pdp::types::{AllowedQuery, AllowedResult};
use permit_tui::pdp::CheckInput;
use permit_tui::sandbox::Sandbox;

fn decide(input: CheckInput) -> (AllowedQuery, AllowedResult) {
    let sandbox = Sandbox::bundled().expect("bundled policies load");
    let dev = sandbox
        .environments()
        .into_iter()
        .find(|e| e.key == "dev")
        .expect("dev env");
    let query = input.to_query().expect("valid query");
    let result = sandbox.check(&dev.api_key, &query).expect("known key");
    (query, result)
}

fn heidi_reads_design_doc(clearance: u32) -> CheckInput {
    CheckInput {
        user: "heidi".into(),
        user_attributes: format!(r#"{{"department": "engineering", "clearance": {clearance}}}"#),
        action: "read".into(),
        resource: "document:design-doc".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    }
}

#[test]
fn abac_deny_names_the_failing_condition_with_its_actual_value() {
    let (query, result) = decide(heidi_reads_design_doc(2));
    assert!(!result.allow);
    let tree = explain(&query, &result);
    let decisive: Vec<String> = tree
        .walk()
        .into_iter()
        .filter(|(_, n)| n.decisive)
        .map(|(_, n)| n.text.clone())
        .collect();
    assert!(
        decisive
            .iter()
            .any(|t| t == "user.clearance ≥ 3 (actual: 2)"),
        "{decisive:#?}"
    );
    let all: Vec<String> = tree
        .walk()
        .into_iter()
        .map(|(_, n)| n.text.clone())
        .collect();
    assert!(
        all.iter()
            .any(|t| t.contains("user.department = engineering (actual: engineering)")),
        "{all:#?}"
    );
}

#[test]
fn abac_deny_suggests_the_attribute_change_and_the_change_works() {
    let (query, result) = decide(heidi_reads_design_doc(2));
    let suggestions = what_would_allow(&query, &result);
    assert!(
        suggestions.iter().any(|s| s.model == "abac"
            && s.text
                .contains("set user.clearance ≥ 3 (is 2) to match user set 'Cleared engineers'")),
        "{suggestions:#?}"
    );
    let (_, fixed) = decide(heidi_reads_design_doc(3));
    assert!(fixed.allow, "following the suggestion must allow");
    assert_eq!(explain(&query, &fixed).mark, Mark::Pass);
}

#[test]
fn rbac_deny_in_the_wrong_tenant_says_where_the_roles_are() {
    let (query, result) = decide(CheckInput {
        user: "alice".into(),
        action: "delete".into(),
        resource: "document".into(),
        tenant: "globex".into(),
        ..CheckInput::default()
    });
    assert!(!result.allow);
    let texts: Vec<String> = explain(&query, &result)
        .walk()
        .into_iter()
        .map(|(_, n)| n.text.clone())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("role 'viewer' lacks document:delete")),
        "{texts:#?}"
    );
    let suggestions = what_would_allow(&query, &result);
    assert!(
        suggestions.iter().any(|s| s.model == "rbac"
            && s.text
                .starts_with("give alice a role granting document:delete in globex")),
        "{suggestions:#?}"
    );
}

/// The whole tree as a person reads it: one line a node, indented by depth, `<==` on what
/// decided. Read once and checked line by line here, so a change in wording or structure is a
/// deliberate one.
#[test]
fn the_tree_for_a_deny_reads_top_down_with_each_decisive_fact_marked() {
    let (query, result) = decide(heidi_reads_design_doc(2));
    let tree = explain(&query, &result);
    let lines: Vec<String> = tree
        .walk()
        .into_iter()
        .map(|(depth, node)| {
            format!(
                "{}{:?} {}{}",
                "  ".repeat(depth),
                node.mark,
                node.text,
                if node.decisive { "  <==" } else { "" }
            )
        })
        .collect();
    let expected_in_order = [
        "Fail DENY: user 'heidi' read document:design-doc in tenant 'acme'",
        "  Fail RBAC",
        "    Fail no roles in 'acme' (has roles in default: viewer)  <==",
        "  Fail ABAC",
        "          Pass user.department = engineering (actual: engineering)",
        "          Fail user.clearance ≥ 3 (actual: 2)  <==",
        "      Pass matched 'Confidential documents'",
        "  Fail ReBAC",
        "    Fail user 'heidi' has no role on this instance, directly or derived  <==",
    ];
    let mut at = 0;
    for want in expected_in_order {
        let found = lines[at..].iter().position(|line| line == want);
        let Some(offset) = found else {
            panic!("missing, or out of order: {want:?}\n{}", lines.join("\n"));
        };
        at += offset + 1;
    }
    let decisive = lines.iter().filter(|l| l.ends_with("<==")).count();
    assert_eq!(
        decisive,
        3,
        "one decisive fact per model:\n{}",
        lines.join("\n")
    );
    let suggestions: Vec<String> = what_would_allow(&query, &result)
        .into_iter()
        .map(|s| format!("[{}] {}", s.model, s.text))
        .collect();
    assert!(
        suggestions.contains(
            &"[abac] set user.clearance ≥ 3 (is 2) to match user set 'Cleared engineers'"
                .to_string()
        ),
        "{suggestions:#?}"
    );
}
