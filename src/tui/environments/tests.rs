//! The ABAC warning before a Cloud PDP check, driven through `update`.

use crate::tui::msg::Effect;
use crate::tui::test_support::{app, f5};

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
