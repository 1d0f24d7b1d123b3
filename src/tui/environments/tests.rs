//! The ABAC warning before a Cloud PDP check, driven through `update`.

use crossterm::event::{KeyCode, KeyModifiers};

use crate::tui::msg::Effect;
use crate::tui::test_support::{app, f5, press, store_with};

fn fired(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Check { .. }))
}

#[test]
fn attributes_at_the_cloud_pdp_warn_first_and_send_on_the_second_f5() {
    let mut app = app(crate::cloud::urls::PDP_CLOUD_US, r#"{"plan": "pro"}"#);
    assert!(!fired(&f5(&mut app)));
    let warning = &app.notices.back().unwrap().text;
    assert!(warning.contains("does not evaluate ABAC"), "{warning}");
    assert!(warning.contains("F5 again"), "{warning}");
    assert!(fired(&f5(&mut app)));
}

#[test]
fn no_warning_without_attributes_or_off_the_cloud() {
    let mut plain = app(crate::cloud::urls::PDP_CLOUD_US, "");
    assert!(fired(&f5(&mut plain)));
    let mut local = app("http://localhost:7766", r#"{"plan": "pro"}"#);
    assert!(fired(&f5(&mut local)));
}

/// The explorer always has an environment to check against: the only one cannot be removed
/// from the picker (it used to leave an empty list, which the next frame indexed).
#[test]
fn the_only_environment_is_not_removed() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app("http://127.0.0.1:9", "");
    app.store = Some(store_with(dir.path(), &[("cloud", "http://127.0.0.1:9")]));
    press(&mut app, KeyCode::Char('e'), KeyModifiers::ALT);
    let mut effects = press(&mut app, KeyCode::Char('x'), KeyModifiers::CONTROL);
    effects.extend(press(&mut app, KeyCode::Char('x'), KeyModifiers::CONTROL));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Write(_))),
        "{effects:?}"
    );
    assert_eq!(app.targets.len(), 1);
    let said = &app.notices.back().unwrap().text;
    assert!(said.contains("the only environment"), "{said}");
}
