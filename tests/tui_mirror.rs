//! The mirror in the explorer, through the whole loop: two sandboxes over loopback, one the
//! real environment (its REST API is the snapshot's source), the other its PDP, which lost
//! bob's roles. From the picker the user takes a snapshot; the PDP's deny is then explained
//! by the mirror, which disagrees, and the PDP view shows the drift.

use crossterm::event::{KeyCode, KeyModifiers};
use permit_tui::mirror::compare::CauseKind;
use permit_tui::pdp::CheckInput;
use permit_tui::store::Paths;
use permit_tui::tui::app::Settings;
use permit_tui::tui::bootstrap::prepare_in;
use permit_tui::tui::ExplorerArgs;

mod common;
use common::loopback::{active_environment, dev_without_roles_of, serving, DEV_JSON};
use common::Harness;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_taken_from_the_picker_explains_a_pdp_that_disagrees() {
    let real = serving(DEV_JSON).await;
    let drifted = dev_without_roles_of("bob");
    let stale_pdp = serving(&drifted).await;

    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::in_dir(dir.path());
    active_environment(&paths, "prod", &stale_pdp.url(), &real.url());
    let mut boot = prepare_in(&ExplorerArgs::default(), paths.clone())
        .await
        .unwrap();
    let mut app = boot.app(Settings {
        color: false,
        ..Settings::default()
    });
    app.set_input(&CheckInput {
        user: "bob".into(),
        action: "read".into(),
        resource: "report".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    });
    app.revalidate();
    let mut h = Harness::start(app);
    h.wait_for("first frame", |s| s.contains("prod")).await;

    h.key(KeyCode::F(5));
    h.wait_for("the PDP's deny, with no mirror yet", |s| {
        s.contains("DENY") && s.contains("no mirror: Alt-E, then s")
    })
    .await;

    h.key_mod(KeyCode::Char('e'), KeyModifiers::ALT);
    h.wait_for("the picker", |s| s.contains("s snapshot (mirror)"))
        .await;
    h.key(KeyCode::Char('s'));
    h.wait_for("the snapshot taken and loaded", |s| {
        s.contains("Mirror of `prod` taken") && s.contains("mirror 0 s")
    })
    .await;
    assert!(paths.data_dir.join("mirrors/prod.json").exists());
    h.key(KeyCode::Esc);
    // The verdict stands first in the panel, above the PDP's codes.
    let screen = h
        .wait_for("the mirror's verdict on the answer shown", |s| {
            s.contains("MIRROR DISAGREES: the PDP says DENY, the mirror ALLOW")
                && !s.contains("+ Add environment")
        })
        .await;
    let verdict = screen.find("MIRROR DISAGREES").unwrap_or_default();
    assert!(
        screen
            .find("no_user_roles")
            .is_some_and(|codes| codes > verdict),
        "{screen}"
    );

    h.key_mod(KeyCode::Char('e'), KeyModifiers::ALT);
    h.key(KeyCode::Char('p'));
    let screen = h
        .wait_for("the PDP view with its drift", |s| {
            s.contains("the PDP lacks 1:")
        })
        .await;
    assert!(screen.contains("PDP API version 4"), "{screen}");
    assert!(screen.contains("bob → viewer in acme"), "{screen}");

    // A snapshot written by another process (here: a file without bob's roles, as the PDP
    // has) is picked up at the next health tick, and the answer is decided on it again.
    h.key(KeyCode::Esc);
    h.key(KeyCode::Esc);
    let mirror_file = paths.data_dir.join("mirrors/prod.json");
    let taken = std::fs::read_to_string(&mirror_file).unwrap();
    let temp = mirror_file.with_extension("new");
    std::fs::write(&temp, &drifted).unwrap();
    std::fs::rename(&temp, &mirror_file).unwrap();
    h.wait_for("the new mirror agreeing", |s| {
        s.contains("mirror agrees (DENY)")
    })
    .await;
    std::fs::write(&temp, taken).unwrap();
    std::fs::rename(&temp, &mirror_file).unwrap();
    h.wait_for("the first mirror back", |s| s.contains("MIRROR DISAGREES"))
        .await;

    let app = h.quit().await;
    let outcome = app.result.expect("the check");
    let mirror = outcome.mirror.expect("decided on the mirror");
    assert!(mirror.result.allow);
    assert!(!mirror.comparison.agree());
    assert_eq!(mirror.comparison.causes[0].kind, CauseKind::NotSynced);
    real.shutdown().await;
    stale_pdp.shutdown().await;
}
