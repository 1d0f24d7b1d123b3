//! Snapshots of the environment picker, the add-environment key step, the preset picker and
//! the history panel, driven by `update` with keys (no network: nothing here is sent).

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use permit_tui::pdp::CheckInput;
use permit_tui::store::history::HistoryIndex;
use permit_tui::store::{Expectation, HistoryEntry, Paths, Preset, Store};
use permit_tui::tui::app::{App, Settings, Target};
use permit_tui::tui::{update::update, view, Msg};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const KEY: &str = "permit_key_SECRETsecretSECRET9f3a";

fn target(name: &str, url: &str, sandbox: bool) -> Target {
    if sandbox {
        Target::sandbox(name, url, KEY, "default", name)
    } else {
        Target::remote(name, url, Some(KEY.into()))
    }
}

fn entry(env: &str, user: &str, allow: bool, us: u64, minute: u32) -> HistoryEntry {
    let line = format!(
        r#"{{"time":"2026-11-25T19:{minute:02}:00Z","environment":"{env}","endpoint":"/allowed","request":{{"user":{{"key":"{user}"}},"action":"read","resource":{{"type":"document","key":"doc-1","tenant":"acme"}}}},"decision":{allow},"codes":[],"status":200,"latency_us":{us}}}"#
    );
    serde_json::from_str(&line).unwrap()
}

fn app(dir: &std::path::Path) -> App {
    let targets = vec![
        target("sandbox-dev", "http://127.0.0.1:7000", true),
        target("sandbox-prod", "http://127.0.0.1:7000", true),
        target("webapp-production", "https://cloudpdp.api.permit.io", false),
    ];
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document:doc-1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    };
    let mut app = App::new(
        targets,
        &input,
        Settings {
            color: false,
            ..Settings::default()
        },
    );
    let (mut store, _) = Store::open(Paths::in_dir(dir));
    for (name, user, expect) in [
        ("alice reads doc-1", "alice", Some(Expectation::Allow)),
        ("bob cannot delete", "bob", Some(Expectation::Deny)),
        ("carol smoke test", "carol", None),
    ] {
        let preset = Preset {
            name: name.into(),
            input: CheckInput {
                user: user.into(),
                ..input.clone()
            },
            expect,
            ..Preset::default()
        };
        store.presets.save(preset, false).unwrap();
    }
    app.store = Some(store);
    app.history.index = HistoryIndex::new(vec![
        entry("sandbox-prod", "bob", false, 2300, 42),
        entry("sandbox-dev", "alice", true, 1800, 41),
        entry("sandbox-dev", "carol", true, 950, 40),
    ]);
    app
}

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    update(app, Msg::Input(Event::Key(KeyEvent::new(code, mods))));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|f| {
            view::render(app, f);
        })
        .unwrap();
    terminal
}

#[test]
fn environment_picker_masks_keys_and_marks_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    press(&mut app, KeyCode::Char('e'), KeyModifiers::ALT);
    press(&mut app, KeyCode::Down, KeyModifiers::NONE);
    let t = draw(&app);
    let screen = t.backend().to_string();
    assert!(!screen.contains("SECRET"), "{screen}");
    assert!(screen.contains("● sandbox-dev"), "{screen}");
    insta::assert_snapshot!("env_picker_100x30", t.backend());
    // A digit in the picker switches directly.
    press(&mut app, KeyCode::Char('3'), KeyModifiers::NONE);
    assert_eq!(app.current, 2);
    assert!(app.modals.is_empty());
}

#[test]
fn add_environment_key_is_masked() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    press(&mut app, KeyCode::Char('e'), KeyModifiers::ALT);
    press(&mut app, KeyCode::Char('a'), KeyModifiers::NONE);
    update(&mut app, Msg::Input(Event::Paste(KEY.into())));
    let t = draw(&app);
    let screen = t.backend().to_string();
    assert!(!screen.contains("SECRET"), "{screen}");
    insta::assert_snapshot!("add_env_key_100x30", t.backend());
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let t = draw(&app);
    insta::assert_snapshot!("add_env_api_100x30", t.backend());
}

#[test]
fn preset_picker_filters_as_you_type() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    press(&mut app, KeyCode::Char('p'), KeyModifiers::ALT);
    let t = draw(&app);
    insta::assert_snapshot!("presets_100x30", t.backend());
    type_text(&mut app, "bob");
    let t = draw(&app);
    assert!(t.backend().to_string().contains("1 of 3 presets"));
    insta::assert_snapshot!("presets_filtered_100x30", t.backend());
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(app.text(permit_tui::tui::app::Field::User), "bob");
}

#[test]
fn history_panel_newest_first_and_filtered() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    press(&mut app, KeyCode::Char('h'), KeyModifiers::ALT);
    let t = draw(&app);
    insta::assert_snapshot!("history_100x30", t.backend());
    type_text(&mut app, "carol");
    let t = draw(&app);
    insta::assert_snapshot!("history_filtered_100x30", t.backend());
    // Tab loads the entry into the form without sending it.
    let effects = update(
        &mut app,
        Msg::Input(Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE))),
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(app.text(permit_tui::tui::app::Field::User), "carol");
}
