//! Snapshots of the tools' views, drawn by `view::render` into `TestBackend`, with decisions
//! taken by the bundled sandbox in-process (fixed latencies and URL, so frames are stable).

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use permit_tui::matrix::{assemble, queries, TypeActions};
use permit_tui::pdp::types::{
    AllowedQuery, AllowedResult, AuthorizedAssignment, AuthorizedUsersQuery, AuthorizedUsersResult,
};
use permit_tui::pdp::{CheckInput, Exchange};
use permit_tui::sandbox::Sandbox;
use permit_tui::schema::{Attribute, ResourceType, Schema};
use permit_tui::tui::app::{
    App, CheckOutcome, Field, Focus, Health, Modal, SentRequest, Settings, Target,
};
use permit_tui::tui::tools::complete::refresh;
use permit_tui::tui::tools::matrix::{Fill, MatrixState, WhoCanState};
use permit_tui::tui::tools::model::{Side, TwoSides};
use permit_tui::tui::tools::{SchemaState, ToolView};
use permit_tui::tui::view;
use permit_tui::whatif::changes;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const KEY: &str = "permit_key_SECRETsecretSECRETsecret0dev";

fn target(name: &str) -> Target {
    Target::sandbox(name, "http://127.0.0.1:7766", KEY, "default", name)
}

fn app(input: &CheckInput) -> App {
    let mut app = App::new(
        vec![target("dev"), target("prod")],
        input,
        Settings::default(),
    );
    app.targets[0].health = Health::Up;
    app
}

fn decide(env: &str, query: &AllowedQuery) -> AllowedResult {
    let sandbox = Sandbox::bundled().unwrap();
    let key = sandbox
        .environments()
        .into_iter()
        .find(|e| e.key == env)
        .unwrap()
        .api_key;
    sandbox.check(&key, query).unwrap()
}

fn answered(result: AllowedResult, ms: u64) -> Exchange<AllowedResult> {
    Exchange {
        raw_body: Some(serde_json::to_string(&result).unwrap()),
        result: Ok(result),
        latency: Duration::from_micros(ms * 1000 + 250),
        status: Some(200),
    }
}

fn heidi(clearance: u32) -> CheckInput {
    CheckInput {
        user: "heidi".into(),
        user_attributes: format!(r#"{{"department": "engineering", "clearance": {clearance}}}"#),
        action: "read".into(),
        resource: "document:design-doc".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    }
}

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| {
        view::render(app, f);
    })
    .unwrap();
    t
}

fn screen(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn explain_tree_of_an_abac_deny_120x40() {
    let input = heidi(2);
    let mut app = app(&input);
    let query = input.to_query().unwrap();
    let result = decide("dev", &query);
    app.focus = Focus::Decision;
    app.result = Some(CheckOutcome {
        id: 1,
        target_name: "dev".into(),
        request: SentRequest::for_check(&target("dev"), &query),
        exchange: answered(result, 2),
        mirror: None,
        summary: None,
    });
    let t = draw(&app, 120, 40);
    let text = screen(&t);
    assert!(
        text.contains("✘ user.clearance ≥ 3 (actual: 2)  ◀ decisive"),
        "{text}"
    );
    insta::assert_snapshot!("explain_deny_120x40", t.backend());
    // The suggestions follow the tree.
    app.scroll = 40; // past the end: drawn at the last line
    let t = draw(&app, 120, 40);
    assert!(screen(&t).contains("What would make this allow?"));
    insta::assert_snapshot!("explain_suggestions_120x40", t.backend());
}

#[test]
fn export_menu_80x24_never_draws_the_key() {
    let mut app = app(&heidi(3));
    app.modals.push(Modal::Tool(ToolView::Export));
    let t = draw(&app, 80, 24);
    let text = screen(&t);
    assert!(text.contains("[ ] include the API key"), "{text}");
    assert!(text.contains("${PERMIT_API_KEY}"), "{text}");
    app.tools.export.with_secret = true;
    app.tools.export.to_file = true;
    let t2 = draw(&app, 80, 24);
    let text2 = screen(&t2);
    assert!(text2.contains("[x] include the API key"), "{text2}");
    assert!(
        text2.contains("! The exported snippet will contain your API key in clear text"),
        "said plainly before the preview:\n{text2}"
    );
    assert!(!text.contains("in clear text"), "{text}");
    assert!(
        !text2.contains("SECRET"),
        "the preview stays redacted:\n{text2}"
    );
    insta::assert_snapshot!("export_menu_80x24", t.backend());
    insta::assert_snapshot!("export_menu_secret_file_80x24", t2.backend());
}

fn demo_schema() -> Vec<TypeActions> {
    vec![
        TypeActions {
            resource_type: "document".into(),
            actions: vec![
                "read".into(),
                "write".into(),
                "delete".into(),
                "share".into(),
            ],
        },
        TypeActions {
            resource_type: "folder".into(),
            actions: vec!["read".into(), "write".into()],
        },
    ]
}

#[test]
fn matrix_grid_100x30() {
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    };
    let mut app = app(&input);
    let base = input.to_query().unwrap();
    let schema = demo_schema();
    let results: Vec<AllowedResult> = queries(&base, &schema)
        .iter()
        .map(|q| decide("dev", q))
        .collect();
    app.tools.matrix = Some(MatrixState {
        id: 1,
        base,
        target: "dev".into(),
        schema: schema.clone(),
        fill: Fill::Ready {
            matrix: assemble(&schema, &results),
            latency: Duration::from_micros(4250),
        },
        row: 0,
        col: 2,
    });
    app.modals.push(Modal::Tool(ToolView::Matrix));
    let t = draw(&app, 100, 30);
    let text = screen(&t);
    assert!(
        text.contains("6 checks in one /allowed/bulk request"),
        "{text}"
    );
    assert!(text.contains("Enter: check 'delete' on document"), "{text}");
    assert!(
        !text.contains("checked on instance"),
        "no key, no instance row: {text}"
    );
    insta::assert_snapshot!("matrix_100x30", t.backend());

    // With a resource key, the form's type is checked on that instance, and its row says so.
    let mut keyed = input.clone();
    keyed.resource_key = "doc-1".into();
    let base = keyed.to_query().unwrap();
    if let Some(state) = app.tools.matrix.as_mut() {
        state.base = base;
    }
    let text = screen(&draw(&app, 100, 30));
    assert!(text.contains("document:doc-1 ◆"), "{text}");
    assert!(
        text.contains("◆ checked on instance document:doc-1, with the form's resource attributes"),
        "{text}"
    );
    let folder_row = text
        .lines()
        .find(|l| l.contains("folder"))
        .unwrap_or_default();
    assert!(!folder_row.contains('◆'), "{folder_row}");
}

#[test]
fn who_can_list_100x30() {
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document:doc-1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    };
    let mut app = app(&input);
    let q = input.to_query().unwrap();
    let assignment = |user: &str, role: &str| AuthorizedAssignment {
        user: user.into(),
        tenant: "acme".into(),
        resource: "__tenant".into(),
        role: role.into(),
    };
    let mut users = BTreeMap::new();
    users.insert("alice".to_string(), vec![assignment("alice", "editor")]);
    users.insert("bob".to_string(), vec![assignment("bob", "viewer")]);
    app.tools.who_can = Some(WhoCanState {
        id: 1,
        query: AuthorizedUsersQuery {
            action: q.action.clone(),
            resource: q.resource.clone(),
            context: Default::default(),
            sdk: None,
        },
        answer: Some(Exchange {
            result: Ok(AuthorizedUsersResult {
                resource: "document:doc-1".into(),
                tenant: "acme".into(),
                users,
            }),
            latency: Duration::from_micros(1250),
            status: Some(200),
            raw_body: None,
        }),
    });
    app.modals.push(Modal::Tool(ToolView::WhoCan));
    let t = draw(&app, 100, 30);
    let text = screen(&t);
    assert!(text.contains("role viewer across tenant acme"));
    assert!(
        text.contains("Users allowed by an ABAC rule (attributes, not roles) are not listed"),
        "{text}"
    );
    insta::assert_snapshot!("who_can_100x30", t.backend());
}

fn side(label: &str, env: &str, query: &AllowedQuery, ms: u64) -> Side {
    Side {
        label: label.into(),
        target: env.into(),
        query: query.clone(),
        exchange: Some(answered(decide(env, query), ms)),
    }
}

#[test]
fn what_if_side_by_side_120x40() {
    let a = heidi(3).to_query().unwrap();
    let b = heidi(2).to_query().unwrap();
    let mut app = app(&heidi(2));
    app.tools.pinned = Some(a.clone());
    app.tools.whatif = Some(TwoSides {
        id: 1,
        sides: [
            side("A (pinned)", "dev", &a, 1),
            side("B (form)", "dev", &b, 2),
        ],
        changes: changes(&a, &b),
    });
    app.modals.push(Modal::Tool(ToolView::WhatIf));
    let t = draw(&app, 120, 40);
    let text = screen(&t);
    assert_eq!(
        // The header's health dot is the other `●`.
        text.matches("● ").count() - 1,
        1,
        "exactly one change marked:\n{text}"
    );
    assert!(
        text.contains("● user.attributes.clearance: 3 → 2"),
        "{text}"
    );
    assert!(
        text.contains("Decisions differ: A (pinned) ALLOW · B (form) DENY"),
        "{text}"
    );
    insta::assert_snapshot!("whatif_120x40", t.backend());
}

#[test]
fn compare_dev_and_prod_120x40() {
    let q = CheckInput {
        user: "alice".into(),
        action: "share".into(),
        resource: "document:doc-1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    }
    .to_query()
    .unwrap();
    let mut app = app(&CheckInput::from_query(&q));
    app.tools.compare = Some(TwoSides {
        id: 2,
        sides: [side("dev", "dev", &q, 1), side("prod", "prod", &q, 3)],
        changes: Vec::new(),
    });
    app.modals.push(Modal::Tool(ToolView::Compare));
    let t = draw(&app, 120, 40);
    let text = screen(&t);
    assert!(
        text.contains(" ALLOW ") && text.contains(" DENY "),
        "{text}"
    );
    assert!(
        text.contains("Decisions differ: dev ALLOW · prod DENY"),
        "{text}"
    );
    insta::assert_snapshot!("compare_120x40", t.backend());
}

#[test]
fn autocomplete_popups_80x24() {
    let mut app = app(&CheckInput {
        user: "a".into(),
        action: "read".into(),
        resource: "document".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    });
    app.tools.schemas.insert(
        "dev".into(),
        SchemaState::Ready(Arc::new(Schema {
            resources: vec![ResourceType {
                key: "document".into(),
                actions: vec!["read".into(), "write".into()],
                attributes: vec![Attribute {
                    name: "classification".into(),
                    kind: "string".into(),
                }],
            }],
            tenants: vec!["acme".into(), "globex".into()],
            users: vec!["alice".into(), "carol".into(), "dave".into()],
            user_attributes: vec![
                Attribute {
                    name: "clearance".into(),
                    kind: "number".into(),
                },
                Attribute {
                    name: "department".into(),
                    kind: "string".into(),
                },
            ],
        })),
    );
    app.focus = Focus::Field(Field::User);
    refresh(&mut app);
    let t = draw(&app, 80, 24);
    let text = screen(&t);
    // Prefix match first, then substring matches.
    assert!(
        text.contains("│ alice │") && text.contains("│ carol │"),
        "{text}"
    );
    insta::assert_snapshot!("complete_user_80x24", t.backend());

    // An attribute name inside a JSON field, with its type.
    app.fields[Field::UserAttributes.index()].insert_str("{\"c");
    app.focus = Focus::Field(Field::UserAttributes);
    refresh(&mut app);
    let t = draw(&app, 80, 24);
    assert!(screen(&t).contains("clearance: number"));
    insta::assert_snapshot!("complete_attribute_80x24", t.backend());
}

/// The answer comes first: under the badge, each model's decisive fact and how to allow,
/// above the tree; an edited form marks the badge itself stale.
#[test]
fn the_answer_is_pinned_under_the_badge_and_a_stale_badge_says_so() {
    let input = heidi(2);
    let mut app = app(&input);
    let query = input.to_query().unwrap();
    let result = decide("dev", &query);
    app.result = Some(CheckOutcome {
        id: 1,
        target_name: "dev".into(),
        request: SentRequest::for_check(&target("dev"), &query),
        summary: Some(permit_tui::explain::summarize(&query, &result)),
        exchange: answered(result, 2),
        mirror: None,
    });
    let text = screen(&draw(&app, 120, 40));
    let row_of = |needle: &str| text.lines().position(|l| l.contains(needle));
    let pinned = row_of("ABAC  ✘ user.clearance ≥ 3 (actual: 2)").expect(&text);
    let to_allow = row_of("to allow ").expect(&text);
    // Numbered where the digit applies it to the form; a change in Permit has no number.
    let rbac = row_of("·   give heidi a role granting document:read").expect(&text);
    let abac = row_of("[2] set user.clearance ≥ 3 (is 2)").expect(&text);
    assert!(to_allow == rbac && abac == rbac + 1, "{text}");
    let tree = row_of("✘ DENY: user 'heidi'").expect(&text);
    assert!(pinned < to_allow && to_allow < tree, "{text}");
    assert!(!text.contains("stale"), "{text}");
    // The tree is longer than the panel: the border says how much more and how to get there.
    assert!(text.contains("more · PgDn"), "{text}");

    app.set_input(&heidi(3));
    let text = screen(&draw(&app, 120, 40));
    let badge = text.lines().position(|l| l.contains("stale")).expect(&text);
    assert!(
        badge < to_allow,
        "the mark is on the badge, above the pinned block:\n{text}"
    );
}
