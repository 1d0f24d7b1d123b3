//! Autocomplete data and the permission matrix against the sandbox over loopback HTTP.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use permit_tui::cloud::CloudClient;
use permit_tui::matrix::{self, Cell};
use permit_tui::pdp::{CheckInput, PdpClient};
use permit_tui::sandbox::{serve, RunningSandbox, Sandbox, ServeOptions};
use permit_tui::schema::{Field, Schema};

async fn sandbox() -> (RunningSandbox, String) {
    let sandbox = Sandbox::bundled().unwrap();
    let key = sandbox
        .environments()
        .into_iter()
        .find(|e| e.key == "dev")
        .unwrap()
        .api_key;
    let running = serve(
        sandbox,
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .unwrap();
    (running, key)
}

#[tokio::test(flavor = "multi_thread")]
async fn schema_comes_from_the_rest_slice() {
    let (sb, key) = sandbox().await;
    let client = CloudClient::new(&sb.url(), &key).unwrap();
    let schema = Schema::fetch(&client, "sandbox", "dev").await.unwrap();
    let document = schema.resource("document").expect("document type");
    assert!(document.actions.contains(&"read".to_string()));
    assert!(document
        .attributes
        .iter()
        .any(|a| a.name == "classification"));
    assert!(schema.tenants.contains(&"acme".to_string()));
    assert_eq!(schema.complete(Field::User, "ali", ""), vec!["alice"]);
    assert!(!schema.user_attributes.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn matrix_from_one_bulk_request_matches_single_checks_cell_by_cell() {
    let (sb, key) = sandbox().await;
    let schema = Schema::fetch(
        &CloudClient::new(&sb.url(), &key).unwrap(),
        "sandbox",
        "dev",
    )
    .await
    .unwrap();
    let pdp = PdpClient::new(&sb.url(), Some(key), Duration::from_secs(5)).unwrap();
    let base = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document:doc-1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    }
    .to_query()
    .unwrap();
    let layout = schema.type_actions();
    let queries = matrix::queries(&base, &layout);
    let bulk = pdp.check_bulk(&queries).await.result.unwrap();
    let grid = matrix::assemble(&layout, &bulk);
    let mut seen = (0, 0);
    for (row, t) in layout.iter().enumerate() {
        for action in &t.actions {
            let col = grid.actions.iter().position(|a| a == action).unwrap();
            let q = queries
                .iter()
                .find(|q| q.resource.kind == t.resource_type && &q.action == action)
                .unwrap();
            let single = pdp.check(q).await.result.unwrap().allow;
            assert_eq!(
                grid.cells[row][col],
                if single { Cell::Allow } else { Cell::Deny },
                "{} {action}",
                t.resource_type
            );
            if single {
                seen.0 += 1
            } else {
                seen.1 += 1
            }
        }
    }
    assert!(
        seen.0 > 0 && seen.1 > 0,
        "the demo user should have both allows and denies: {seen:?}"
    );
}
