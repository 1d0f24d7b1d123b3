//! The store's writes: `update` asks for every one and performs none; a failed one keeps the
//! prompt and the file.

use crossterm::event::{KeyCode, KeyModifiers};

use crate::tui::action::Modal;
use crate::tui::app::App;
use crate::tui::environments::model::EnvEffect;
use crate::tui::msg::Effect;
use crate::tui::test_support::{app, press, store_with, write};

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

/// A rename whose write fails (config.toml mid hand-edit, which a save never replaces) says
/// why, keeps the prompt open with what was typed, leaves the file as it was, and asks for
/// the file to be read again so the list follows it.
#[test]
fn a_failed_write_keeps_the_prompt_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with(dir.path(), &[("cloud", "http://127.0.0.1:9")]);
    let mut app = app("http://127.0.0.1:9", "");
    app.store = Some(store);
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
    reread.extend(write(&mut app, effects));
    let file = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert_eq!(file, broken, "a file that does not parse is never replaced");
    assert_eq!(app.modals.last(), Some(&Modal::Prompt), "the prompt stays");
    assert_eq!(app.prompt.text(), "production", "with what was typed");
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
    app.store = Some(store);
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
            .filter(|e| matches!(e, Effect::Write(_)))
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
