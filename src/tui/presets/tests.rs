//! The preset picker, saving and the loaded preset's verdict, driven through `update`.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};

use crate::pdp::types::AllowedResult;
use crate::pdp::{CheckInput, Exchange};
use crate::store::{Expectation, Paths, Preset, Store};
use crate::tui::app::App;
use crate::tui::msg::{Effect, Msg};
use crate::tui::test_support::{app, f5, press, type_text, write};
use crate::tui::update::update;

/// Types `name` into the save prompt and presses Enter: the effects of the Enter.
fn save_as(app: &mut App, name: &str) -> Vec<Effect> {
    press(app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    press(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(app, name);
    press(app, KeyCode::Enter, KeyModifiers::NONE)
}

#[test]
fn a_presets_verdict_goes_when_a_check_of_another_query_finishes() {
    let mut app = app("http://127.0.0.1:9", "");
    app.presets.loaded = Some(Preset {
        name: "p".into(),
        input: app.input(),
        expect: Some(Expectation::Allow),
        expect_code: None,
        environment: None,
    });
    let answer = |id| Msg::CheckFinished {
        id,
        exchange: Exchange {
            result: Ok(AllowedResult {
                allow: id == 1,
                ..AllowedResult::default()
            }),
            latency: Duration::from_millis(2),
            status: Some(200),
            raw_body: None,
        },
    };
    let verdicts = |app: &App| {
        app.notices
            .iter()
            .filter(|n| n.text.starts_with("Preset `p`"))
            .count()
    };
    f5(&mut app);
    update(&mut app, answer(1));
    assert_eq!(verdicts(&app), 1);
    app.set_input(&CheckInput {
        user: "bob".into(),
        ..app.input()
    });
    f5(&mut app);
    update(&mut app, answer(2));
    assert_eq!(verdicts(&app), 0, "bob's check is not the preset");
    assert!(app.presets.verdict.is_none());
}

#[test]
fn saving_over_a_preset_asks_first_and_keeps_its_expected_code() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(Paths::in_dir(dir.path()));
    let mut app = app("http://127.0.0.1:9", "");
    app.store = Some(store);
    let effects = save_as(&mut app, "p");
    let file = Paths::in_dir(dir.path()).presets_file();
    assert!(
        !file.exists(),
        "update asks for the write and does not do it"
    );
    write(&mut app, effects);
    assert!(file.exists());
    assert!(app.prompt.kind.is_none(), "a new name saves at once");
    let store = app.store.as_mut().unwrap();
    let mut first = store.presets.get("p").unwrap().clone();
    first.expect_code = Some("rbac:ALLOWED_BY_ROLE".into());
    store.presets.save(first, true).unwrap();

    // The same name again: a warning, the prompt stays, nothing is written.
    app.set_input(&CheckInput {
        user: "bob".into(),
        ..app.input()
    });
    save_as(&mut app, "p");
    assert!(app.prompt.kind.is_some());
    let warning = &app.notices.back().unwrap().text;
    assert!(
        warning.contains("exists: Enter again replaces it"),
        "{warning}"
    );
    let presets = &app.store.as_ref().unwrap().presets;
    assert_eq!(presets.get("p").unwrap().input.user, "alice");

    // Enter again replaces it, keeping the hand-written code.
    let effects = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    write(&mut app, effects);
    assert!(app.prompt.kind.is_none());
    let (reloaded, _) = crate::store::Presets::load(&Paths::in_dir(dir.path()).presets_file());
    let p = reloaded.get("p").unwrap();
    assert_eq!(p.input.user, "bob");
    assert_eq!(p.expect_code.as_deref(), Some("rbac:ALLOWED_BY_ROLE"));
    assert!(app.notices.back().unwrap().text.contains("replaced"));
}
