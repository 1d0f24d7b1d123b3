//! `permit-tui --policy FILE`: the explorer's embedded sandbox serves the user's policy file
//! and reloads it when it changes. In live mode an edited condition set changes the decision
//! on screen; a file that no longer loads is reported and the last good policy keeps serving.
//! (Its own test binary: the embedded sandbox is one per process.)

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use crossterm::event::KeyCode;
use permit_tui::pdp::CheckInput;
use permit_tui::store::Paths;
use permit_tui::tui::app::Settings;
use permit_tui::tui::bootstrap::prepare_in;
use permit_tui::tui::ExplorerArgs;

mod common;
use common::Harness;

const DEV_JSON: &str = include_str!("../assets/sandbox/dev.json");
const CLEARANCE_3: &str = r#"{"user.clearance": {"greater-than-equals": 3}}"#;
const CLEARANCE_2: &str = r#"{"user.clearance": {"greater-than-equals": 2}}"#;

/// Writes beside and renames, as editors do: the watcher never reads half a file.
fn save(path: &std::path::Path, text: &str) {
    let temp = path.with_extension("tmp");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_condition_set_changes_the_live_decision() {
    assert!(DEV_JSON.contains(CLEARANCE_3), "the demo policy changed");
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    save(&policy, DEV_JSON);
    let args = ExplorerArgs {
        policy: vec![policy.clone()],
        ..ExplorerArgs::default()
    };
    permit_tui::targets::serve_policy_files(args.policy.clone()).unwrap();
    let mut boot = prepare_in(&args, Paths::in_dir(&dir.path().join("store")))
        .await
        .unwrap();
    let mut app = boot.app(Settings {
        color: false,
        ..Settings::default()
    });
    let current = &app.targets[app.current].target;
    assert_eq!(
        (current.name.as_str(), current.is_sandbox),
        ("sandbox-dev", true)
    );
    app.set_input(&CheckInput {
        user: "heidi".into(),
        user_attributes: r#"{"department": "engineering", "clearance": 2}"#.into(),
        action: "read".into(),
        resource: "document:design-doc".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    });
    app.revalidate();
    let mut h = Harness::start(app);
    h.wait_for("first frame", |s| s.contains("sandbox-dev"))
        .await;
    h.key(KeyCode::F(2));
    h.wait_for("a deny: clearance 2 is not enough", |s| {
        s.contains("DENY") && s.contains("user.clearance ≥ 3 (actual: 2)")
    })
    .await;

    save(&policy, &DEV_JSON.replace(CLEARANCE_3, CLEARANCE_2));
    h.wait_for("the reload and an allow", |s| {
        s.contains("Policy reloaded: checking again") && s.contains("ALLOW")
    })
    .await;

    save(
        &policy,
        &DEV_JSON.replace(
            CLEARANCE_3,
            r#"{"user.clearance": {"greater-than-equals": 2}},"#,
        ),
    );
    let screen = h
        .wait_for("the broken file reported", |s| s.contains("does not load"))
        .await;
    assert!(
        screen.contains("policy.json"),
        "the notice names the file: {screen}"
    );
    // The last good policy still answers.
    h.key(KeyCode::F(5));
    h.wait_for("the last good policy's allow", |s| {
        s.contains("ALLOW") && s.contains("check #3")
    })
    .await;
    h.quit().await;
}
