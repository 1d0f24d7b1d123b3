//! Golden tests of the sandbox evaluator on the bundled demo policies: one test per Permit
//! debug code and per semantic rule, each named after the rule it proves.

use permit_tui::pdp::types::{AllowedQuery, AllowedResult, DebugBlock, Resource, User};
use permit_tui::sandbox::Sandbox;
use serde_json::{json, Value};

const DEV: &str = "permit_key_sandbox_dev";
const PROD: &str = "permit_key_sandbox_prod";

fn sandbox() -> Sandbox {
    match Sandbox::bundled() {
        Ok(s) => s,
        Err(e) => panic!("bundled policies must load: {e}"),
    }
}

fn query(user: &str, action: &str, resource: &str, tenant: &str) -> AllowedQuery {
    let (kind, key) = match resource.split_once(':') {
        Some((t, k)) => (t.to_string(), Some(k.to_string())),
        None => (resource.to_string(), None),
    };
    AllowedQuery {
        user: User::with_key(user),
        action: action.into(),
        resource: Resource {
            kind,
            key,
            tenant: Some(tenant.into()),
            ..Resource::default()
        },
        ..AllowedQuery::default()
    }
}

fn run(key: &str, q: &AllowedQuery) -> AllowedResult {
    sandbox().check(key, q).expect("known key")
}

fn dev(user: &str, action: &str, resource: &str, tenant: &str) -> AllowedResult {
    run(DEV, &query(user, action, resource, tenant))
}

fn blk<'a>(r: &'a AllowedResult, model: &str) -> &'a DebugBlock {
    let d = r.debug.as_ref().expect("debug present");
    let b = match model {
        "rbac" => d.rbac.as_ref(),
        "abac" => d.abac.as_ref(),
        "rebac" => d.rebac.as_ref(),
        _ => None,
    };
    b.unwrap_or_else(|| panic!("no {model} block in {:#?}", d))
}

fn code(r: &AllowedResult, model: &str) -> String {
    blk(r, model).code.clone().unwrap_or_default()
}

fn reason(r: &AllowedResult, model: &str) -> String {
    blk(r, model).reason.clone().unwrap_or_default()
}

fn trace(r: &AllowedResult) -> Value {
    r.debug
        .as_ref()
        .and_then(|d| d.sandbox_trace.clone())
        .expect("sandbox trace")
}

fn assert_deny_block(r: &AllowedResult, model: &str, expected: &str) {
    assert!(!r.allow, "expected a deny: {r:#?}");
    let b = blk(r, model);
    assert!(!b.allow);
    assert_eq!(b.code.as_deref(), Some(expected), "{model} block: {b:#?}");
    assert_eq!(
        b.support_link.as_deref(),
        Some(format!("https://docs.permit.io/errors/{expected}").as_str())
    );
}

// ------------------------------------------------------------------ RBAC

#[test]
fn rbac_role_in_tenant_allows_through_extends_chain() {
    let r = dev("alice", "read", "document:doc-1", "acme");
    assert!(r.allow);
    assert_eq!(r.result, Some(true));
    let b = blk(&r, "rbac");
    assert_eq!(b.code.as_deref(), Some("allow"));
    assert_eq!(b.allowing_roles, Some(vec![json!("editor")]));
    assert!(b.support_link.is_none(), "no support link on allow");
    assert_eq!(
        b.reason.as_deref(),
        Some("user 'alice' has the role 'editor' in tenant 'acme', role 'editor' has the 'read' permission on resources of type 'document'")
    );
    let t = trace(&r);
    assert_eq!(t["rbac"]["grants"][0]["via"], json!(["editor", "viewer"]));
    assert_eq!(t["rbac"]["grants"][0]["grants_action"], json!(true));
}

#[test]
fn rbac_allow_hides_deny_blocks_of_other_models() {
    let r = dev("alice", "read", "document:doc-1", "acme");
    let d = r.debug.as_ref().unwrap();
    assert!(
        d.abac.is_none() && d.rebac.is_none(),
        "only allowing models appear: {d:#?}"
    );
}

#[test]
fn rbac_ignores_the_resource_key() {
    assert!(dev("alice", "read", "document:no-such-doc", "acme").allow);
    assert!(dev("alice", "read", "document", "acme").allow);
}

#[test]
fn rbac_unknown_resource_type_gives_no_such_resource() {
    let r = dev("alice", "read", "spaceship", "acme");
    assert_deny_block(&r, "rbac", "no_such_resource");
    assert!(reason(&r, "rbac").starts_with(
        "resource type 'spaceship' is not defined. known resource types: ['document', 'folder'"
    ));
}

#[test]
fn rbac_unknown_action_gives_no_such_action() {
    let r = dev("alice", "launch", "document:doc-1", "acme");
    assert_deny_block(&r, "rbac", "no_such_action");
    assert!(
        reason(&r, "rbac").contains("known actions on 'document': ['read'")
            || reason(&r, "rbac").contains("known actions on 'document': [")
    );
}

#[test]
fn rbac_unknown_tenant_gives_no_such_tenant_and_null_request_tenant() {
    let r = dev("alice", "read", "document:doc-1", "umbrella");
    assert_deny_block(&r, "rbac", "no_such_tenant");
    assert!(reason(&r, "rbac").contains("tenant 'umbrella' does not exist. existing tenants: ['acme', 'default', 'globex', 'initech']"));
    assert_eq!(r.debug.unwrap().request.unwrap()["tenant"], Value::Null);
}

#[test]
fn rbac_unknown_user_gives_user_not_synced() {
    let r = dev("ghost", "read", "document:doc-1", "acme");
    assert_deny_block(&r, "rbac", "user_not_synced");
    assert_eq!(
        reason(&r, "rbac"),
        "user 'ghost' is not synced and therefore has no known role assignments"
    );
    assert_eq!(
        r.debug.unwrap().request.unwrap()["user"]["synced"],
        json!(false)
    );
}

#[test]
fn rbac_synced_user_without_any_role_gives_no_user_roles() {
    let r = dev("dave", "read", "document:doc-1", "acme");
    assert_deny_block(&r, "rbac", "no_user_roles");
    assert_eq!(reason(&r, "rbac"), "no roles assigned to user 'dave'");
}

#[test]
fn rbac_role_in_other_tenant_gives_no_role_in_tenant() {
    let r = dev("carol", "read", "document:doc-1", "acme");
    assert_deny_block(&r, "rbac", "no_role_in_tenant");
    assert_eq!(
        reason(&r, "rbac"),
        "user 'carol' has no assigned roles in tenant 'acme'. user has roles in these tenants: ['default', 'globex']"
    );
    assert_eq!(
        trace(&r)["rbac"]["roles_by_tenant"],
        json!({"default": ["viewer"], "globex": ["admin"]})
    );
}

#[test]
fn rbac_role_without_the_permission_gives_no_permission() {
    let r = dev("bob", "delete", "document:doc-1", "acme");
    assert_deny_block(&r, "rbac", "no_permission");
    assert_eq!(
        reason(&r, "rbac"),
        "user 'bob' does not have any role that grants him the 'delete' permission on resources of type 'document'"
    );
    // The trace says which roles would have granted it.
    assert_eq!(trace(&r)["rbac"]["roles_granting_action"], json!(["admin"]));
    assert_eq!(
        trace(&r)["rbac"]["grants"][0]["grants_action"],
        json!(false)
    );
}

#[test]
fn rbac_roles_are_tenant_scoped() {
    assert!(dev("alice", "write", "document", "acme").allow);
    let r = dev("alice", "write", "document", "globex");
    assert_deny_block(&r, "rbac", "no_permission");
}

// ------------------------------------------------------------------ ABAC

#[test]
fn abac_userset_and_resourceset_pair_allows_with_allowing_rules() {
    let r = dev("bob", "delete", "document:doc-bob", "acme");
    assert!(r.allow);
    let b = blk(&r, "abac");
    assert_eq!(b.code.as_deref(), Some("allow"));
    assert_eq!(
        b.allowing_rules,
        Some(vec![
            json!({"userset": "staff", "resourceset": "own_documents"})
        ])
    );
    assert!(
        r.debug.as_ref().unwrap().rbac.is_none(),
        "the denying RBAC block is hidden when ABAC allows"
    );
    assert!(reason(&r, "abac").starts_with("user 'bob' matched 'staff' userset conditions, the given resource matched the 'own_documents' resourceset conditions"));
}

#[test]
fn abac_a_user_with_a_role_always_matches_its_autogen_userset() {
    // Permit generates `__autogen_<role>` for every role and `__autogen_<type>` for every
    // resource type, named by a rule or not: heidi is a viewer, so she can never
    // get no_matching_usersets, and a known type never gets no_matching_resourcesets.
    let r = dev("heidi", "delete", "document", "default");
    assert_deny_block(&r, "abac", "no_matching_rules");
    let b = blk(&r, "abac");
    assert_eq!(b.matching_usersets, Some(vec![json!("__autogen_viewer")]));
    assert_eq!(
        b.matching_resourcesets,
        Some(vec![json!("__autogen_document")])
    );
    assert_deny_block(&r, "rbac", "no_permission");
    let r = dev("bob", "delete", "document:doc-1", "acme");
    assert_deny_block(&r, "abac", "no_matching_rules");
    assert_eq!(
        blk(&r, "abac").matching_resourcesets,
        Some(vec![json!("__autogen_document")])
    );
}

#[test]
fn abac_no_userset_matched_gives_no_matching_usersets_with_sorted_known_sets() {
    // An unsynced user with no attributes has no role, so no user set at all matches.
    let r = dev("ghost", "read", "document:doc-1", "acme");
    assert_deny_block(&r, "abac", "no_matching_usersets");
    let reason = reason(&r, "abac");
    let known = reason
        .split("known usersets: ")
        .nth(1)
        .expect("the reason lists the known user sets");
    // Known sets: every set and `anyOf` helper (under its raw rule name), never the
    // autogenerated ones, sorted.
    assert_eq!(
        known,
        "['cleared_engineers', 'finance', 'senior_cleared_engineers', 'staff', 'userset_staff_any_of_0']"
    );
}

#[test]
fn abac_no_resourceset_matched_gives_no_matching_resourcesets() {
    // A request attribute `type` replaces the real type inside condition sets (B), so not even
    // the autogen resource set of `document` matches.
    let mut q = query("bob", "delete", "document:doc-1", "acme");
    q.resource.attributes = json!({"type": "memo"}).as_object().cloned().unwrap();
    let r = run(DEV, &q);
    assert_deny_block(&r, "abac", "no_matching_resourcesets");
    assert!(blk(&r, "abac")
        .matching_usersets
        .as_ref()
        .is_some_and(|s| s.contains(&json!("staff"))));
}

#[test]
fn abac_matching_sets_without_a_rule_give_no_matching_rules() {
    let r = dev("bob", "write", "document:doc-bob", "acme");
    assert_deny_block(&r, "abac", "no_matching_rules");
    let b = blk(&r, "abac");
    // Sorted, with the anyOf helper rule and the autogen sets Permit lists alongside (F, G).
    assert_eq!(
        b.matching_usersets,
        Some(vec![
            json!("__autogen_viewer"),
            json!("staff"),
            json!("userset_staff_any_of_0")
        ])
    );
    assert_eq!(
        b.matching_resourcesets,
        Some(vec![
            json!("__autogen_document"),
            json!("own_documents"),
            json!("project_documents")
        ])
    );
    assert_eq!(reason(&r, "abac"), "user 'bob' does not match any rule that grants him the 'write' permission on the given resource of type 'document'");
}

#[test]
fn abac_jit_attributes_allow_an_unsynced_user() {
    let mut q = query("ghost", "read", "document:design-doc", "acme");
    q.user.attributes = json!({"department": "engineering", "clearance": 3})
        .as_object()
        .cloned()
        .unwrap();
    let r = run(DEV, &q);
    assert!(r.allow, "{r:#?}");
    assert_eq!(code(&r, "abac"), "allow");
    let req = r.debug.as_ref().unwrap().request.clone().unwrap();
    assert_eq!(req["user"]["synced"], json!(false));
    assert_eq!(req["user"]["attributes"]["clearance"], json!(3));
    // prod tightened the clearance to 4.
    let p = run(PROD, &q);
    assert!(!p.allow);
    assert_eq!(code(&p, "abac"), "no_matching_usersets");
}

#[test]
fn abac_request_attributes_override_stored_attributes() {
    // alice is stored with clearance 3; a JIT clearance of 1 takes her out of cleared_engineers.
    let mut q = query("alice", "read", "document:budget", "acme");
    assert!(
        run(DEV, &q).allow,
        "stored clearance 3 lets her read a secret document"
    );
    q.user.attributes = json!({"clearance": 1}).as_object().cloned().unwrap();
    let r = run(DEV, &q);
    let t = trace(&r);
    let set = &t["abac"]["usersets"][0];
    assert_eq!(set["key"], json!("cleared_engineers"));
    assert_eq!(set["matched"], json!(false));
    assert_eq!(set["conditions"]["children"][1]["actual"], json!(1));
    assert_eq!(set["conditions"]["children"][1]["expected"], json!(3));
}

#[test]
fn abac_stored_instance_attributes_are_merged_when_a_key_is_given() {
    // design-doc is stored as confidential; without a key there is no classification.
    let q = query("alice", "read", "document:design-doc", "globex");
    let r = run(DEV, &q);
    assert!(r.allow);
    assert_eq!(code(&r, "rbac"), "allow");
    let no_key = query("grace", "write", "document", "globex");
    let r = run(DEV, &no_key);
    assert!(!r.allow);
    assert_eq!(
        r.debug.unwrap().request.unwrap()["resource"]["attributes"],
        json!({"type": "document"})
    );
}

#[test]
fn abac_userset_parent_conditions_are_anded() {
    // grace (clearance 4) matches senior_cleared_engineers; alice (3) matches only its parent.
    let t = trace(&dev("alice", "write", "document:design-doc", "globex"));
    let senior = t["abac"]["usersets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "senior_cleared_engineers")
        .unwrap()
        .clone();
    assert_eq!(senior["matched"], json!(false));
    assert_eq!(senior["parent"]["key"], json!("cleared_engineers"));
    let mut q = query("grace", "write", "document:budget", "globex");
    q.resource.tenant = Some("globex".into());
    assert!(
        run(DEV, &q).allow,
        "grace writes a secret document through the senior set"
    );
}

#[test]
fn abac_role_as_autogenerated_userset_allows_with_role_rule() {
    let mut q = query("erin", "read", "report", "initech");
    q.resource.attributes = json!({"sensitivity": 1}).as_object().cloned().unwrap();
    let r = run(DEV, &q);
    assert!(r.allow, "{r:#?}");
    assert_eq!(
        blk(&r, "abac").allowing_rules,
        Some(vec![
            json!({"role": "auditor", "resourceset": "low_sensitivity_reports"})
        ])
    );
}

#[test]
fn abac_resource_type_as_autogenerated_resourceset_and_not_of_missing_attribute() {
    // finance: department in [...], certifications any_match sox, not(on_leave == true).
    let r = dev("carol", "export", "report", "default");
    assert!(r.allow, "{r:#?}");
    assert_eq!(
        blk(&r, "abac").allowing_rules,
        Some(vec![
            json!({"userset": "finance", "resource_type": "report"})
        ])
    );
    let mut q = query("carol", "export", "report", "default");
    q.user.attributes = json!({"on_leave": true}).as_object().cloned().unwrap();
    assert!(!run(DEV, &q).allow);
}

#[test]
fn abac_stored_tenant_attributes_visible_only_to_members() {
    let policy = json!({
        "environment": {"key": "t", "project": "p", "api_key": "permit_key_t"},
        "resources": [{"key": "doc", "actions": {"read": {}}}],
        "roles": [{"key": "member", "permissions": []}],
        "tenants": [{"key": "big", "attributes": {"plan": "enterprise"}}, {"key": "small", "attributes": {"plan": "free"}}],
        "users": [{"key": "in"}, {"key": "out"}],
        "role_assignments": [{"user": "in", "role": "member", "tenant": "big"}, {"user": "out", "role": "member", "tenant": "small"}],
        "condition_sets": [{"key": "enterprise_tenant", "type": "userset", "conditions": {"allOf": [{"tenant.plan": {"equals": "enterprise"}}]}}],
        "condition_set_rules": [{"user_set": "enterprise_tenant", "permission": "doc:read", "resource_set": "doc"}]
    })
    .to_string();
    let s = Sandbox::from_texts(&[("inline", &policy)]).unwrap();
    assert!(s
        .decide("permit_key_t", &query("in", "read", "doc", "big"))
        .unwrap());
    let r = s
        .check("permit_key_t", &query("out", "read", "doc", "big"))
        .unwrap();
    assert!(
        !r.allow,
        "a non-member does not see the tenant's stored attributes"
    );
    assert_eq!(code(&r, "abac"), "no_matching_usersets");
}

#[test]
fn abac_generated_attributes_sit_under_stored_and_request_ones() {
    // Each user set reads one attribute the PDP generates; `decide` (lazy generated layer) and
    // `check` (the explained path) must agree on every case.
    let policy = json!({
        "environment": {"key": "g", "project": "p", "api_key": "permit_key_g"},
        "resources": [{"key": "doc", "actions": {"read": {}, "edit": {}, "share": {}, "sign": {}, "audit": {}}}],
        "roles": [{"key": "member", "permissions": []}, {"key": "lead", "permissions": []}],
        "tenants": [{"key": "acme"}, {"key": "globex"}],
        "users": [
            {"key": "ann", "email": "ann@acme.test"},
            {"key": "stored", "email": "stored@acme.test", "attributes": {"roles": ["lead"], "email": "override@acme.test"}}
        ],
        "role_assignments": [
            {"user": "ann", "role": "lead", "tenant": "acme"},
            {"user": "ann", "role": "member", "tenant": "globex"},
            {"user": "stored", "role": "member", "tenant": "acme"}
        ],
        "condition_sets": [
            {"key": "leads", "type": "userset", "conditions": {"allOf": [{"user.roles": {"array_contains": "lead"}}]}},
            {"key": "in_two", "type": "userset", "conditions": {"allOf": [{"user.tenants": {"array_superset": ["acme", "globex"]}}]}},
            {"key": "acme_mail", "type": "userset", "conditions": {"allOf": [{"user.email": {"contains": "@acme.test"}}]}},
            {"key": "keyed", "type": "userset", "conditions": {"allOf": [{"user.key": {"not-equals": "nobody"}}]}},
            {"key": "in_acme", "type": "userset", "conditions": {"anyOf": [{"tenant.key": {"equals": "acme"}}, {"resource.tenant": {"equals": "acme"}}]}},
            {"key": "docs", "type": "resourceset", "resource_type": "doc", "conditions": {"allOf": [{"resource.type": {"equals": "doc"}}]}},
            {"key": "doc_7", "type": "resourceset", "resource_type": "doc", "conditions": {"allOf": [{"resource.key": {"equals": "d7"}}]}}
        ],
        "condition_set_rules": [
            {"user_set": "leads", "permission": "doc:read", "resource_set": "docs"},
            {"user_set": "in_two", "permission": "doc:edit", "resource_set": "docs"},
            {"user_set": "acme_mail", "permission": "doc:share", "resource_set": "docs"},
            {"user_set": "keyed", "permission": "doc:sign", "resource_set": "docs"},
            {"user_set": "in_acme", "permission": "doc:sign", "resource_set": "docs"},
            {"user_set": "leads", "permission": "doc:audit", "resource_set": "doc_7"}
        ]
    })
    .to_string();
    let s = Sandbox::from_texts(&[("inline", &policy)]).unwrap();
    let both = |q: &AllowedQuery| {
        let decided = s.decide("permit_key_g", q).unwrap();
        let checked = s.check("permit_key_g", q).unwrap().allow;
        assert_eq!(decided, checked, "decide and check disagree on {q:?}");
        decided
    };
    let q = |user: &str, action: &str, tenant: &str| query(user, action, "doc:d1", tenant);
    // user.roles holds the roles in the request's tenant only.
    assert!(both(&q("ann", "read", "acme")));
    assert!(!both(&q("ann", "read", "globex")));
    // user.tenants lists every tenant where the user holds a role.
    assert!(both(&q("ann", "edit", "globex")));
    // user.email: the synced email is an attribute; a request attribute of the same name wins.
    assert!(both(&q("ann", "share", "acme")));
    let mut other_mail = q("ann", "share", "acme");
    other_mail.user.attributes = json!({"email": "ann@else.test"})
        .as_object()
        .cloned()
        .unwrap();
    assert!(
        !both(&other_mail),
        "a request attribute wins over the synced email"
    );
    // The request's top-level email is identity, not an attribute: it does not replace it.
    let mut top_level = q("ann", "share", "acme");
    top_level.user.email = Some("ann@else.test".into());
    assert!(both(&top_level));
    // Permit generates only user.roles, user.tenants and resource.type: user.key,
    // tenant.key, resource.tenant and resource.key are undefined inside conditions, so
    // even `user.key != "nobody"` does not hold.
    assert!(!both(&q("ann", "sign", "acme")));
    assert!(!both(&query("ann", "audit", "doc:d7", "acme")));
    // A stored `roles` attribute shadows the generated one (member in acme, stored says lead).
    assert!(both(&q("stored", "read", "acme")));
    let mut jit = q("stored", "read", "acme");
    jit.user.attributes = json!({"roles": []}).as_object().cloned().unwrap();
    assert!(!both(&jit), "request input wins over stored and generated");
    // A request attribute also wins over the generated resource type.
    let mut retyped = q("ann", "read", "acme");
    retyped.resource.attributes = json!({"type": "folder"}).as_object().cloned().unwrap();
    assert!(
        !both(&retyped),
        "resource.type == 'doc' fails once the request says 'folder'"
    );
}

// ------------------------------------------------------------------ ReBAC

#[test]
fn rebac_role_derived_through_parent_relation_allows() {
    let r = dev("erin", "read", "document:design-doc", "acme");
    assert!(r.allow, "{r:#?}");
    let b = blk(&r, "rebac");
    assert_eq!(b.code.as_deref(), Some("allow"));
    let roles = b.allowing_roles.clone().unwrap();
    assert_eq!(roles[0]["role"], json!("editor"));
    assert_eq!(roles[0]["resource"], json!("document:design-doc"));
    assert_eq!(roles[0]["sources"][0]["type"], json!("role_assignment"));
    assert_eq!(roles[0]["sources"][1]["type"], json!("role_derivation"));
    assert!(reason(&r, "rebac").starts_with("user 'erin' has the 'read' permission on resource 'document:design-doc' in tenant 'acme', "));
}

#[test]
fn rebac_derivations_follow_several_hops() {
    let r = dev("erin", "write", "document:api-spec", "acme");
    assert!(r.allow, "{r:#?}");
    let path = trace(&r)["rebac"]["roles"][0]["path"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        path, 3,
        "assignment on engineering, then eng-specs, then api-spec"
    );
}

#[test]
fn rebac_resource_role_without_the_action_gives_no_permission() {
    let r = dev("erin", "delete", "document:design-doc", "acme");
    assert_deny_block(&r, "rebac", "no_permission");
    assert_eq!(
        trace(&r)["rebac"]["roles_granting_action"],
        json!(["owner"])
    );
}

#[test]
fn rebac_no_role_on_the_instance_gives_no_graph_roles() {
    let r = dev("erin", "read", "document:doc-1", "acme");
    assert_deny_block(&r, "rebac", "no_graph_roles");
}

#[test]
fn rebac_resource_role_grants_only_its_own_type_on_that_instance() {
    assert!(dev("erin", "create", "folder:engineering", "acme").allow);
    assert!(!dev("erin", "create", "folder:other", "acme").allow);
    assert!(!dev("erin", "manage", "team:platform", "acme").allow);
}

#[test]
fn rebac_instance_roles_count_only_in_the_instance_tenant() {
    let r = dev("erin", "read", "document:design-doc", "globex");
    assert!(!r.allow);
    assert_eq!(code(&r, "rebac"), "no_graph_roles");
    assert!(reason(&r, "rebac").contains("belongs to tenant 'acme'"));
}

#[test]
fn rebac_no_direct_roles_on_object_blocks_the_derivation() {
    assert!(
        dev("frank", "write", "document:runbook", "acme").allow,
        "team membership derives document#editor"
    );
    let r = dev("frank", "write", "document:postmortem", "acme");
    assert!(
        !r.allow,
        "postmortem has a direct role, so the derivation does not apply"
    );
    assert_eq!(code(&r, "rebac"), "no_graph_roles");
}

#[test]
fn rebac_unknown_user_gives_user_not_synced() {
    let r = dev("ghost", "read", "document:design-doc", "acme");
    assert_deny_block(&r, "rebac", "user_not_synced");
}

// ------------------------------------------------------------------ environments

#[test]
fn prod_removes_share_from_editor_and_team_derivation() {
    let share = query("alice", "share", "document:doc-1", "acme");
    assert!(run(DEV, &share).allow);
    assert!(!run(PROD, &share).allow);
    let team = query("frank", "write", "document:runbook", "acme");
    assert!(run(DEV, &team).allow);
    assert!(!run(PROD, &team).allow);
}

#[test]
fn all_match_requires_every_reviewer_to_approve() {
    assert!(run(PROD, &query("bob", "share", "document:runbook", "acme")).allow);
    assert!(!run(PROD, &query("bob", "share", "document:postmortem", "acme")).allow);
}

#[test]
fn unknown_api_key_has_no_environment() {
    assert!(sandbox()
        .check(
            "permit_key_nope",
            &query("alice", "read", "document", "acme")
        )
        .is_none());
    assert!(sandbox()
        .check(
            sandbox().org_api_key(),
            &query("alice", "read", "document", "acme")
        )
        .is_none());
}

#[test]
fn decide_agrees_with_check_on_demo_queries() {
    let s = sandbox();
    for (u, a, r, t) in [
        ("alice", "read", "document:doc-1", "acme"),
        ("bob", "delete", "document:doc-bob", "acme"),
        ("bob", "delete", "document:doc-1", "acme"),
        ("erin", "write", "document:api-spec", "acme"),
        ("frank", "write", "document:postmortem", "acme"),
        ("carol", "export", "report", "default"),
        ("ghost", "read", "document", "acme"),
    ] {
        let q = query(u, a, r, t);
        assert_eq!(
            s.decide(DEV, &q),
            s.check(DEV, &q).map(|x| x.allow),
            "{u} {a} {r} {t}"
        );
    }
}

#[test]
fn environments_and_keys_are_listed() {
    let envs = sandbox().environments();
    let keys: Vec<(&str, &str)> = envs
        .iter()
        .map(|e| (e.key.as_str(), e.api_key.as_str()))
        .collect();
    assert_eq!(keys, vec![("dev", DEV), ("prod", PROD)]);
    assert_eq!(sandbox().org_api_key(), "permit_key_sandbox_org");
}

#[test]
fn explained_wire_json_equals_the_allowed_result_json() {
    let s = sandbox();
    for q in [
        query("alice", "read", "document:doc-1", "acme"),
        query("bob", "delete", "document:doc-1", "acme"),
        query("erin", "write", "document:api-spec", "acme"),
    ] {
        let wire = serde_json::to_value(s.explain(DEV, &q).unwrap()).unwrap();
        let result = serde_json::to_value(s.check(DEV, &q).unwrap()).unwrap();
        assert_eq!(wire, result);
    }
}
