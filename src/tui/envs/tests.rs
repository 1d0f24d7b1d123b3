//! Environments, presets and history driven through `update`, as keys and messages.

use crate::store::history::HistoryIndex;
use crate::store::Store;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::pdp::CheckInput;
use crate::store::Paths;
use crate::tui::app::Settings;
use crate::tui::msg::Msg;
use crate::tui::update::update;

fn app(pdp_url: &str, user_attributes: &str) -> App {
    let target = Target::remote("cloud", pdp_url, Some("permit_key_SECRETsecret1234".into()));
    let input = CheckInput {
        user: "alice".into(),
        user_attributes: user_attributes.into(),
        action: "read".into(),
        resource: "document".into(),
        ..CheckInput::default()
    };
    App::new(vec![target], &input, Settings::default())
}

fn f5(app: &mut App) -> Vec<Effect> {
    update(
        app,
        Msg::Input(Event::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE))),
    )
}

fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(app, Msg::Input(Event::Key(KeyEvent::new(code, modifiers))))
}

/// Types `name` into the save prompt and presses Enter: the effects of the Enter.
fn save_as(app: &mut App, name: &str) -> Vec<Effect> {
    press(app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    press(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    for c in name.chars() {
        press(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    press(app, KeyCode::Enter, KeyModifiers::NONE)
}

/// Performs the writes among `effects` as the runtime would, and answers `update`.
fn write(app: &mut App, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Env(EnvEffect::Write(w)) = effect {
            let msg = store_write::perform(*w, &mut None);
            update(app, Msg::Env(msg));
        }
    }
}

#[test]
fn rerunning_history_of_another_environment_in_live_mode_checks_that_entry_once() {
    let mut app = app("http://127.0.0.1:9", "");
    let mut prod = app.targets[0].target.clone();
    prod.name = "prod".into();
    app.targets.push(crate::tui::app::TargetState::new(prod));
    app.live = true;
    let bob = CheckInput {
        user: "bob".into(),
        ..app.input()
    };
    let query = bob.to_query().unwrap();
    let exchange = Exchange {
        result: Ok(AllowedResult::default()),
        latency: Duration::from_millis(1),
        status: Some(200),
        raw_body: None,
    };
    app.envs
        .history
        .push_newest(HistoryEntry::from_check("prod", &query, &exchange));
    press(&mut app, KeyCode::Char('h'), KeyModifiers::ALT);
    let effects = update(
        &mut app,
        Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::Enter,
            KeyModifiers::NONE,
        ))),
    );
    let checks: Vec<(String, String)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Check { query, target, .. } => {
                Some((query.user.key.clone(), target.name.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(checks, [("bob".to_string(), "prod".to_string())]);
}

#[test]
fn a_presets_verdict_goes_when_a_check_of_another_query_finishes() {
    let mut app = app("http://127.0.0.1:9", "");
    app.envs.loaded_preset = Some(Preset {
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
    assert!(app.envs.verdict.is_none());
}

#[test]
fn saving_over_a_preset_asks_first_and_keeps_its_expected_code() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(Paths::in_dir(dir.path()));
    let mut app = app("http://127.0.0.1:9", "");
    app.envs.store = Some(store);
    let effects = save_as(&mut app, "p");
    let file = Paths::in_dir(dir.path()).presets_file();
    assert!(
        !file.exists(),
        "update asks for the write and does not do it"
    );
    write(&mut app, effects);
    assert!(file.exists());
    assert!(app.envs.prompt.is_none(), "a new name saves at once");
    let store = app.envs.store.as_mut().unwrap();
    let mut first = store.presets.get("p").unwrap().clone();
    first.expect_code = Some("rbac:ALLOWED_BY_ROLE".into());
    store.presets.save(first, true).unwrap();

    // The same name again: a warning, the prompt stays, nothing is written.
    app.set_input(&CheckInput {
        user: "bob".into(),
        ..app.input()
    });
    save_as(&mut app, "p");
    assert!(app.envs.prompt.is_some());
    let warning = &app.notices.back().unwrap().text;
    assert!(
        warning.contains("exists: Enter again replaces it"),
        "{warning}"
    );
    let presets = &app.envs.store.as_ref().unwrap().presets;
    assert_eq!(presets.get("p").unwrap().input.user, "alice");

    // Enter again replaces it, keeping the hand-written code.
    let effects = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    write(&mut app, effects);
    assert!(app.envs.prompt.is_none());
    let (reloaded, _) = crate::store::Presets::load(&Paths::in_dir(dir.path()).presets_file());
    let p = reloaded.get("p").unwrap();
    assert_eq!(p.input.user, "bob");
    assert_eq!(p.expect_code.as_deref(), Some("rbac:ALLOWED_BY_ROLE"));
    assert!(app.notices.back().unwrap().text.contains("replaced"));
}

/// Every file under `dir`, by name, with its bytes.
fn files(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read(&path).unwrap_or_default())
        })
        .collect()
}

/// A store in `dir` with these environments in its config.toml.
fn store_with(dir: &std::path::Path, envs: &[(&str, &str)]) -> Store {
    let (mut store, _) = Store::open(Paths::in_dir(dir));
    for (name, url) in envs {
        store
            .config
            .update(|c| {
                c.upsert(crate::store::config::EnvironmentConfig {
                    name: name.to_string(),
                    pdp_url: url.to_string(),
                    api_url: "http://127.0.0.1:7".into(),
                    key: None,
                    key_env: None,
                    project: None,
                    environment: None,
                })
            })
            .unwrap();
    }
    store
}

/// A rename whose write fails (config.toml mid hand-edit, which a save never replaces) says
/// why, keeps the prompt open with what was typed, leaves the file as it was, and asks for
/// the file to be read again so the list follows it.
#[test]
fn a_failed_write_keeps_the_prompt_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with(dir.path(), &[("cloud", "http://127.0.0.1:9")]);
    let mut app = app("http://127.0.0.1:9", "");
    app.envs.store = Some(store);
    // Another editor breaks the file while the explorer runs.
    let broken = "[[environments]]\nname = \"cloud\"\npdp_url = \n";
    std::fs::write(dir.path().join("config.toml"), broken).unwrap();

    press(&mut app, KeyCode::Char('e'), KeyModifiers::ALT);
    press(&mut app, KeyCode::Char('r'), KeyModifiers::NONE);
    press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    for c in "production".chars() {
        press(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let effects = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let mut reread = Vec::new();
    for effect in effects {
        if let Effect::Env(EnvEffect::Write(w)) = effect {
            let msg = store_write::perform(*w, &mut None);
            reread.extend(update(&mut app, Msg::Env(msg)));
        }
    }
    let file = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert_eq!(file, broken, "a file that does not parse is never replaced");
    assert_eq!(open_view(&app), Some(EnvView::Prompt), "the prompt stays");
    assert_eq!(app.envs.prompt_text(), "production", "with what was typed");
    let said = &app.notices.back().unwrap().text;
    assert!(said.contains("config.toml"), "{said}");
    assert!(
        reread
            .iter()
            .any(|e| matches!(e, Effect::Env(EnvEffect::WatchConfig { since: None, .. }))),
        "the file is read again: {reread:?}"
    );
    assert!(!app.notices.iter().any(|n| n.text.starts_with("Renamed")));
    assert_eq!(
        app.targets[0].target.name, "cloud",
        "the list keeps the file's name"
    );
}

#[test]
fn update_asks_for_every_store_write_and_performs_none() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with(
        dir.path(),
        &[
            ("cloud", "http://127.0.0.1:9"),
            ("prod", "http://127.0.0.1:8"),
        ],
    );
    let mut app = app("http://127.0.0.1:9", "");
    let mut prod = app.targets[0].target.clone();
    prod.name = "prod".into();
    app.targets.push(crate::tui::app::TargetState::new(prod));
    app.envs.store = Some(store);
    let alt = KeyModifiers::ALT;
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    let config = || std::fs::read_to_string(dir.path().join("config.toml")).unwrap();

    // Each step: the keys go through `update`, no file changes; then the writes it asked
    // for are performed and their answer goes back.
    let step = |app: &mut App, keys: &[(KeyCode, KeyModifiers)], text: &str| {
        let before = files(dir.path());
        let mut effects = Vec::new();
        for (code, mods) in keys {
            effects.extend(press(app, *code, *mods));
        }
        for c in text.chars() {
            effects.extend(press(app, KeyCode::Char(c), none));
        }
        effects.extend(press(app, KeyCode::Enter, none));
        assert_eq!(
            files(dir.path()),
            before,
            "update wrote a file ({keys:?} {text})"
        );
        let writes = effects
            .iter()
            .filter(|e| matches!(e, Effect::Env(EnvEffect::Write(_))))
            .count();
        let said: Vec<_> = app.notices.iter().map(|n| n.text.clone()).collect();
        assert!(
            writes > 0,
            "no write asked for by {keys:?} {text}: {said:?}"
        );
        write(app, effects);
    };

    // Switching environment remembers it as the active one.
    step(&mut app, &[(KeyCode::Char('2'), alt)], "");
    assert!(config().contains("active = \"prod\""), "{}", config());
    // Saving, duplicating and deleting presets.
    let save = [(KeyCode::Char('s'), ctrl), (KeyCode::Char('u'), ctrl)];
    step(&mut app, &save, "mine");
    let presets = || std::fs::read_to_string(dir.path().join("presets.toml")).unwrap();
    assert!(presets().contains("mine"), "{}", presets());
    let duplicate = [(KeyCode::Char('p'), alt), (KeyCode::Char('d'), alt)];
    step(&mut app, &duplicate, "");
    assert!(presets().contains("mine copy"), "{}", presets());
    // Renaming the environment moves its presets with it.
    let rename = [
        (KeyCode::Esc, none),
        (KeyCode::Char('e'), alt),
        (KeyCode::Char('r'), none),
        (KeyCode::Char('u'), ctrl),
    ];
    step(&mut app, &rename, "production");
    assert!(config().contains("name = \"production\""), "{}", config());
    assert!(
        presets().contains("environment = \"production\""),
        "{}",
        presets()
    );
    let url = [
        (KeyCode::Char('e'), alt),
        (KeyCode::Char('u'), none),
        (KeyCode::Char('u'), ctrl),
    ];
    step(&mut app, &url, "http://127.0.0.1:6");
    assert!(config().contains("http://127.0.0.1:6"), "{}", config());
    assert!(app
        .notices
        .iter()
        .any(|n| n.text.contains("now sends checks to")));
    // Removing it (Enter then makes the one left current).
    let remove = [
        (KeyCode::Char('e'), alt),
        (KeyCode::Char('x'), ctrl),
        (KeyCode::Char('x'), ctrl),
    ];
    step(&mut app, &remove, "");
    assert!(!config().contains("production"), "{}", config());
    assert!(app.notices.iter().any(|n| n.text == "Removed `production`"));
}

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

#[test]
fn a_finished_check_is_recorded_off_the_app_thread_and_a_failure_is_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
    };
    let (store, _) = Store::open(paths.clone());
    let mut app = app("http://127.0.0.1:9", "");
    app.envs.store = Some(store);
    let answer = |id| Msg::CheckFinished {
        id,
        exchange: Exchange {
            result: Ok(AllowedResult {
                allow: true,
                ..AllowedResult::default()
            }),
            latency: Duration::from_millis(2),
            status: Some(200),
            raw_body: None,
        },
    };
    f5(&mut app);
    let effects = update(&mut app, answer(1));
    assert!(app.result.is_some());
    let [Effect::Env(EnvEffect::Record { log, entry })] = effects.as_slice() else {
        panic!("expected one Record effect: {effects:?}");
    };
    assert_eq!(log.path(), paths.history_file());
    assert_eq!(entry.latency_us, 2000);
    assert_eq!(app.envs.history.len(), 1, "the panel lists it at once");
    assert!(
        !paths.history_file().exists(),
        "update itself writes nothing"
    );

    // The writer reports a failed append as a message; it is shown as a warning.
    update(
        &mut app,
        Msg::Env(EnvMsg::HistoryNotSaved("history.jsonl: not saved".into())),
    );
    let warning = app.notices.back().unwrap();
    assert!(warning.text.contains("not saved"), "{}", warning.text);
    assert_eq!(warning.level, NoticeLevel::Warning);
}

#[test]
fn the_full_history_load_keeps_checks_made_meanwhile() {
    let mut app = app("http://127.0.0.1:9", "");
    let old = crate::store::history::HistoryIndex::default();
    app.envs.history = old;
    f5(&mut app);
    update(
        &mut app,
        Msg::CheckFinished {
            id: 1,
            exchange: Exchange {
                result: Ok(AllowedResult::default()),
                latency: Duration::from_millis(2),
                status: Some(200),
                raw_body: None,
            },
        },
    );
    let fresh = app.envs.history.entries()[0].clone();
    // The load read the file before that check was appended.
    let mut older = fresh.clone();
    older.time = "2026-01-01T00:00:00Z".into();
    older.environment = "elsewhere".into();
    update(
        &mut app,
        Msg::Env(EnvMsg::HistoryLoaded(HistoryIndex::new(vec![older]))),
    );
    assert_eq!(app.envs.history.len(), 2);
    assert_eq!(app.envs.history.entries()[0], fresh);
    assert_eq!(app.targets[0].latencies.len(), 1, "rebuilt with it");
}

/// One key means one thing everywhere: Alt-E, Alt-P and Alt-H open their overlay from inside
/// another one too (it takes the other's place, so Esc goes back to the form).
#[test]
fn alt_e_p_h_swap_the_overlays_from_inside_one() {
    let mut app = app("http://127.0.0.1:9", "");
    let alt = KeyModifiers::ALT;
    press(&mut app, KeyCode::Char('p'), alt);
    assert_eq!(open_view(&app), Some(EnvView::Presets));
    for (key, view) in [
        ('h', EnvView::History),
        ('e', EnvView::Environments),
        ('p', EnvView::Presets),
    ] {
        press(&mut app, KeyCode::Char(key), alt);
        assert_eq!(open_view(&app), Some(view), "Alt-{key}");
        assert_eq!(app.modals.len(), 1, "one overlay at a time");
        assert!(
            app.envs.filter_text().is_empty(),
            "Alt-{key} is not typed into a filter"
        );
    }
    press(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert!(app.modals.is_empty());
}
