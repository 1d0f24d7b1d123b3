//! The store's writes: `update` asks for every one and performs none; a failed one keeps the
//! prompt and the file.

use crossterm::event::{KeyCode, KeyModifiers};

use crate::cloud::{DiscoveredEnvironment, Environment, Project};
use crate::tui::action::Modal;
use crate::tui::app::App;
use crate::tui::environments::model::EnvEffect;
use crate::tui::environments::model::Step;
use crate::tui::msg::Effect;
use crate::tui::test_support::{app, press, store_with, type_text, write};

/// Every file under `dir`, subdirectories included, by path, with its bytes.
fn files(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut found = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            let bytes = std::fs::read(&path).unwrap_or_default();
            found.insert(path, bytes);
        }
    }
    found
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
    // prod's mirror, which a rename moves and a removal deletes.
    let mirror = |name: &str| crate::mirror::stored::path_for(&store.paths, name);
    std::fs::create_dir_all(mirror("prod").parent().unwrap()).unwrap();
    std::fs::write(mirror("prod"), "{}").unwrap();
    let (prod_mirror, production_mirror) = (mirror("prod"), mirror("production"));
    let mut app = app("http://127.0.0.1:9", "");
    let mut prod = app.targets[0].target.clone();
    prod.name = "prod".into();
    app.targets.push(crate::tui::app::TargetState::new(prod));
    app.store = Some(store);
    let alt = KeyModifiers::ALT;
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    let config = || std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    let presets = || std::fs::read_to_string(dir.path().join("presets.toml")).unwrap();
    let exported = dir.path().join("exports").join("presets-export.toml");
    std::fs::create_dir_all(exported.parent().unwrap()).unwrap();

    // Each step: the keys (then `text` and Enter, if any) go through `update`, no file
    // changes; then the writes it asked for are performed and their answer goes back.
    let step = |app: &mut App, keys: &[(KeyCode, KeyModifiers)], text: Option<&str>| {
        let before = files(dir.path());
        let mut effects = Vec::new();
        for (code, mods) in keys {
            effects.extend(press(app, *code, *mods));
        }
        if let Some(text) = text {
            effects.extend(type_text(app, text));
            effects.extend(press(app, KeyCode::Enter, none));
        }
        assert_eq!(
            files(dir.path()),
            before,
            "update wrote a file ({keys:?} {text:?})"
        );
        let writes = effects
            .iter()
            .filter(|e| matches!(e, Effect::Write(_)))
            .count();
        let said: Vec<_> = app.notices.iter().map(|n| n.text.clone()).collect();
        assert!(
            writes > 0,
            "no write asked for by {keys:?} {text:?}: {said:?}"
        );
        write(app, effects);
    };
    let retype = (KeyCode::Char('u'), ctrl);

    // Switching environment remembers it as the active one.
    step(&mut app, &[(KeyCode::Char('2'), alt)], None);
    assert!(config().contains("active = \"prod\""), "{}", config());
    // Every preset operation: save, duplicate, rename, export, delete, import.
    step(
        &mut app,
        &[(KeyCode::Char('s'), ctrl), retype],
        Some("mine"),
    );
    assert!(presets().contains("name = \"mine\""), "{}", presets());
    let duplicate = [(KeyCode::Char('p'), alt), (KeyCode::Char('d'), alt)];
    step(&mut app, &duplicate, Some(""));
    assert!(presets().contains("mine copy"), "{}", presets());
    let rename_copy = [
        (KeyCode::Char('p'), alt),
        (KeyCode::Char('c'), none),
        (KeyCode::Char('o'), none),
        (KeyCode::Char('p'), none),
        (KeyCode::Char('r'), alt),
        retype,
    ];
    step(&mut app, &rename_copy, Some("second"));
    assert!(
        presets().contains("name = \"second\"") && !presets().contains("mine copy"),
        "{}",
        presets()
    );
    let export = [
        (KeyCode::Esc, none),
        (KeyCode::Char('p'), alt),
        (KeyCode::Char('o'), alt),
        retype,
    ];
    step(&mut app, &export, Some(&exported.display().to_string()));
    let file = std::fs::read_to_string(&exported).unwrap();
    assert!(file.contains("second") && file.contains("mine"), "{file}");
    let delete = [
        (KeyCode::Esc, none),
        (KeyCode::Char('p'), alt),
        (KeyCode::Char('s'), none),
        (KeyCode::Char('e'), none),
        (KeyCode::Char('c'), none),
        (KeyCode::Char('x'), ctrl),
    ];
    step(&mut app, &delete, None);
    assert!(!presets().contains("second"), "{}", presets());
    let import = [
        (KeyCode::Esc, none),
        (KeyCode::Char('p'), alt),
        (KeyCode::Char('i'), alt),
    ];
    step(&mut app, &import, Some(&exported.display().to_string()));
    assert!(presets().contains("name = \"second\""), "{}", presets());
    // Renaming the environment moves its presets and its mirror with it.
    let rename = [
        (KeyCode::Esc, none),
        (KeyCode::Char('e'), alt),
        (KeyCode::Char('r'), none),
        retype,
    ];
    step(&mut app, &rename, Some("production"));
    assert!(config().contains("name = \"production\""), "{}", config());
    assert!(
        presets().contains("environment = \"production\""),
        "{}",
        presets()
    );
    assert!(production_mirror.exists() && !prod_mirror.exists());
    let url = [
        (KeyCode::Char('e'), alt),
        (KeyCode::Char('u'), none),
        retype,
    ];
    step(&mut app, &url, Some("http://127.0.0.1:6"));
    assert!(config().contains("http://127.0.0.1:6"), "{}", config());
    assert!(app
        .notices
        .iter()
        .any(|n| n.text.contains("now sends checks to")));
    // Removing it, its mirror too.
    let remove = [
        (KeyCode::Char('e'), alt),
        (KeyCode::Char('x'), ctrl),
        (KeyCode::Char('x'), ctrl),
    ];
    step(&mut app, &remove, None);
    assert!(!config().contains("production"), "{}", config());
    assert!(app.notices.iter().any(|n| n.text == "Removed `production`"));
    assert!(!production_mirror.exists());
    // Adding an environment: the flow's last step (naming what Permit's API found).
    press(&mut app, KeyCode::Char('e'), alt);
    press(&mut app, KeyCode::Char('a'), none);
    let found = DiscoveredEnvironment {
        project: Project {
            key: "webapp".into(),
            ..Project::default()
        },
        environment: Environment {
            key: "staging".into(),
            ..Environment::default()
        },
        api_key: "permit_key_STAGINGstaging".into(),
        suggested_name: "webapp-staging".into(),
    };
    app.environments.add.step = Step::Name(Box::new(found));
    step(&mut app, &[], Some("staging"));
    assert!(config().contains("name = \"staging\""), "{}", config());
    assert!(config().contains("active = \"staging\""), "{}", config());
}
