//! The audit-log view through the whole loop: a sandbox records heidi's denied check (with
//! her just-in-time attributes); the user opens the audit log (Alt-L), filters it, loads the
//! log into the form (attributes included) and asks the PDP again.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};
use permit_tui::pdp::types::AllowedQuery;
use permit_tui::pdp::PdpClient;
use permit_tui::sandbox::{serve, Sandbox, ServeOptions};
use permit_tui::store::Paths;
use permit_tui::tui::app::{Field, Settings};
use permit_tui::tui::bootstrap::prepare_in;
use permit_tui::tui::ExplorerArgs;
use serde_json::json;

mod common;
use common::loopback::active_environment;
use common::Harness;

const KEY: &str = "permit_key_sandbox_dev";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_deny_is_loaded_with_its_attributes_and_asked_again() {
    let sandbox = Sandbox::bundled().unwrap();
    let running = serve(
        sandbox,
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .unwrap();
    let pdp = PdpClient::new(&running.url(), Some(KEY.into()), Duration::from_secs(5)).unwrap();
    let heidi: AllowedQuery = serde_json::from_value(json!({
        "user": {"key": "heidi", "attributes": {"department": "engineering", "clearance": 2}},
        "action": "read", "resource": {"type": "document", "key": "design-doc", "tenant": "acme"}
    }))
    .unwrap();
    let alice: AllowedQuery = serde_json::from_value(json!({
        "user": {"key": "alice"}, "action": "read",
        "resource": {"type": "document", "key": "doc-1", "tenant": "acme"}
    }))
    .unwrap();
    assert!(!pdp.check(&heidi).await.result.unwrap().allow);
    assert!(pdp.check(&alice).await.result.unwrap().allow);

    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::in_dir(dir.path());
    active_environment(&paths, "prod", &running.url(), &running.url());
    let mut boot = prepare_in(&ExplorerArgs::default(), paths).await.unwrap();
    let app = boot.app(Settings {
        color: false,
        ..Settings::default()
    });
    let mut h = Harness::start(app);
    h.wait_for("first frame", |s| s.contains("prod")).await;

    h.key_mod(KeyCode::Char('l'), KeyModifiers::ALT);
    h.wait_for("both logs, newest first", |s| {
        s.contains("Audit log · prod") && s.contains("2 of 2 log(s)")
    })
    .await;
    // Letters typed here filter; they never act as commands.
    h.type_text("heidi decision:deny");
    h.key(KeyCode::Enter);
    let screen = h
        .wait_for("heidi's deny alone", |s| s.contains("1 of 1 log(s)"))
        .await;
    assert!(
        screen.contains("design-doc") && screen.contains("DENY"),
        "{screen}"
    );
    h.key(KeyCode::Enter);
    h.wait_for("the recorded answer beside the form", |s| {
        s.contains("recorded DENY") && s.contains("F5 asks the PDP now")
    })
    .await;
    h.key(KeyCode::F(5));
    h.wait_for("the PDP asked again", |s| {
        s.contains("the PDP still decides the same")
    })
    .await;
    let app = h.quit().await;
    assert_eq!(app.text(Field::User), "heidi");
    let attributes: serde_json::Value =
        serde_json::from_str(&app.text(Field::UserAttributes)).unwrap();
    assert_eq!(
        attributes,
        json!({"department": "engineering", "clearance": 2})
    );
    assert_eq!(app.text(Field::Resource), "document");
    assert_eq!(app.text(Field::ResourceKey), "design-doc");
    running.shutdown().await;
}
