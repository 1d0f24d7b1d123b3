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

#[test]
#[ignore = "prints a tree for a person to read: cargo test --test explain_sandbox -- --ignored --nocapture"]
fn print_a_tree() {
    let (query, result) = decide(heidi_reads_design_doc(2));
    for (depth, node) in explain(&query, &result).walk() {
        eprintln!(
            "{}{:?} {}{}",
            "  ".repeat(depth),
            node.mark,
            node.text,
            if node.decisive { "  <==" } else { "" }
        );
    }
    for s in what_would_allow(&query, &result) {
        eprintln!("[{}] {}", s.model, s.text);
    }
}
