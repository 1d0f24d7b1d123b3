//! The tools through the pure `update`: which effects each key asks for.

use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use super::{SchemaState, ToolEffect, ToolMsg, ToolView};
use crate::pdp::CheckInput;
use crate::schema::{Attribute, ResourceType, Schema};
use crate::tui::app::{App, Field, Focus, Modal, Settings, Target};
use crate::tui::msg::{Effect, Msg};
use crate::tui::update::update;

const KEY: &str = "permit_key_SECRETsecretSECRET9f3a";

fn app() -> App {
    let target = Target::sandbox("dev", "http://127.0.0.1:9", KEY, "default", "dev");
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    };
    App::new(vec![target], &input, Settings::default())
}

fn schema() -> Schema {
    Schema {
        resources: vec![ResourceType {
            key: "document".into(),
            actions: vec!["read".into(), "write".into()],
            attributes: Vec::new(),
        }],
        tenants: vec!["acme".into()],
        users: vec!["alice".into(), "dave".into()],
        user_attributes: vec![Attribute {
            name: "clearance".into(),
            kind: "number".into(),
        }],
    }
}

fn key(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    update(app, Msg::Input(Event::Key(KeyEvent::new(code, mods))))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    key(app, code, KeyModifiers::NONE)
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    key(app, KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn tools(effects: Vec<Effect>) -> Vec<ToolEffect> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Tool(t) => Some(t),
            _ => None,
        })
        .collect()
}

#[test]
fn export_copies_redacted_curl_and_the_key_only_when_chosen() {
    let mut app = app();
    ctrl(&mut app, 'o');
    assert_eq!(app.modals, vec![Modal::Tool(ToolView::Export)]);
    let effects = tools(press(&mut app, KeyCode::Char('c')));
    let [ToolEffect::Clipboard { text }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(text.contains("${PERMIT_API_KEY}") && !text.contains(KEY));
    assert!(app.modals.is_empty());
    assert!(app.notices.back().unwrap().text.starts_with("Copied curl"));

    ctrl(&mut app, 'o');
    press(&mut app, KeyCode::Char('k'));
    let effects = tools(press(&mut app, KeyCode::Char('n')));
    let [ToolEffect::Clipboard { text }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(text.contains(KEY), "{}", &**text);
    assert!(
        !format!("{effects:?}").contains("SECRET"),
        "Debug never shows the key"
    );
    assert!(!app.tools.export.with_secret, "the key is a one-off choice");
}

#[test]
fn help_scrolls_when_it_outgrows_the_screen() {
    let mut app = app();
    press(&mut app, KeyCode::F(1));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.tools.help_scroll, 2);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.tools.help_scroll, 0, "opens at the top");
}

#[test]
fn export_to_file_asks_for_a_save_not_a_copy() {
    let mut app = app();
    ctrl(&mut app, 'o');
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Down);
    let effects = tools(press(&mut app, KeyCode::Enter));
    let [ToolEffect::SaveFile {
        file_name, dirs, ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(file_name, "permit-check.py");
    assert_eq!(dirs.len(), 2, "current directory, then the data directory");
}

#[test]
fn matrix_waits_for_the_schema_then_sends_one_bulk_request() {
    let mut app = app();
    let effects = tools(press(&mut app, KeyCode::F(8)));
    assert!(matches!(
        effects.as_slice(),
        [ToolEffect::FetchSchema { .. }]
    ));
    let effects = tools(update(
        &mut app,
        Msg::Tool(ToolMsg::SchemaLoaded {
            target: "dev".into(),
            result: Ok(schema()),
        }),
    ));
    let [ToolEffect::Bulk { queries, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(queries.len(), 2);
    // The schema is cached: opening again fetches nothing more than the bulk check.
    press(&mut app, KeyCode::Esc);
    let again = tools(press(&mut app, KeyCode::F(8)));
    assert!(matches!(again.as_slice(), [ToolEffect::Bulk { .. }]));
}

#[test]
fn autocomplete_cycles_accepts_and_leaves_typing_alone() {
    let mut app = app();
    app.tools
        .schemas
        .insert("dev".into(), SchemaState::Ready(Arc::new(schema())));
    app.focus = Focus::Field(Field::User);
    ctrl(&mut app, 'u');
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.tools.completion.items, ["alice", "dave"]);
    // `q` is text, even with the popup open.
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.text(Field::User), "aq");
    assert!(app.tools.completion.items.is_empty());
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::Field(Field::User), "Tab chose, not moved");
    assert_eq!(app.tools.completion.selected, 1);
    let effects = press(&mut app, KeyCode::Enter);
    assert!(effects.iter().all(|e| !matches!(e, Effect::Check { .. })));
    assert_eq!(app.text(Field::User), "dave");
    // Closed after accepting: Enter checks again.
    let fired = press(&mut app, KeyCode::Enter);
    assert!(fired.iter().any(|e| matches!(e, Effect::Check { .. })));
}

#[test]
fn attribute_names_complete_inside_json_keys() {
    let mut app = app();
    app.tools
        .schemas
        .insert("dev".into(), SchemaState::Ready(Arc::new(schema())));
    app.focus = Focus::Field(Field::UserAttributes);
    for c in "{\"cl".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(app.tools.completion.items, ["clearance: number"]);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.text(Field::UserAttributes), "{\"clearance\": ");
    // Outside a string there is nothing to complete.
    press(&mut app, KeyCode::Char('1'));
    assert!(app.tools.completion.items.is_empty());
}

#[test]
fn what_if_pins_first_then_checks_both_sides() {
    let mut app = app();
    assert!(tools(ctrl(&mut app, 't')).is_empty());
    assert!(app.tools.pinned.is_some());
    app.focus = Focus::Field(Field::Action);
    ctrl(&mut app, 'u');
    press(&mut app, KeyCode::Char('w'));
    let effects = tools(ctrl(&mut app, 't'));
    assert_eq!(effects.len(), 2);
    let changes = &app.tools.whatif.as_ref().unwrap().changes;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].path, "action");
}

#[test]
fn what_if_answers_are_recorded_like_checks() {
    let mut app = app();
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = crate::store::Store::open(crate::store::Paths::in_dir(dir.path()));
    app.store = Some(store);
    ctrl(&mut app, 't');
    app.focus = Focus::Field(Field::Action);
    ctrl(&mut app, 'u');
    press(&mut app, KeyCode::Char('w'));
    ctrl(&mut app, 't');
    let id = app.tools.whatif.as_ref().unwrap().id;
    let answer = |side, allow| {
        Msg::Tool(ToolMsg::SideFinished {
            id,
            side,
            exchange: crate::pdp::Exchange {
                result: Ok(crate::pdp::types::AllowedResult {
                    allow,
                    ..Default::default()
                }),
                latency: std::time::Duration::from_micros(300),
                status: Some(200),
                raw_body: None,
            },
        })
    };
    let mut recorded = Vec::new();
    for (side, allow) in [(0, true), (1, false)] {
        for effect in update(&mut app, answer(side, allow)) {
            if let Effect::History(crate::tui::history::model::HistoryEffect::Record {
                entry,
                ..
            }) = effect
            {
                recorded.push(entry);
            }
        }
    }
    let actions: Vec<String> = recorded.iter().map(|e| e.query().unwrap().action).collect();
    assert_eq!(actions, ["read", "w"]);
    assert!(recorded.iter().all(|e| e.environment == "dev"));
    assert!(
        recorded
            .iter()
            .all(|e| e.origin == crate::store::history::Origin::WhatIf),
        "recorded as what-if checks, so a restart keeps them out of the latency panel too"
    );
    assert_eq!(app.history.index.len(), 2, "the history panel lists both");
    assert!(
        app.targets[0].latencies.is_empty(),
        "tool checks stay out of the latency panel"
    );
    // A late answer of a closed what-if is not recorded.
    app.tools.whatif = None;
    assert!(update(&mut app, answer(0, true)).is_empty());
}

#[test]
fn ctrl_g_says_when_the_schema_reloaded() {
    let mut app = app();
    let effects = tools(update(
        &mut app,
        Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::Char('g'),
            KeyModifiers::CONTROL,
        ))),
    ));
    assert!(matches!(
        effects.as_slice(),
        [ToolEffect::FetchSchema { .. }]
    ));
    update(
        &mut app,
        Msg::Tool(ToolMsg::SchemaLoaded {
            target: "dev".into(),
            result: Ok(schema()),
        }),
    );
    let last = &app.notices.back().expect("a notice").text;
    assert!(
        last.starts_with("Schema of dev reloaded: 1 resource type(s)"),
        "{last}"
    );
}

fn with_environments(names: &[&str]) -> App {
    let mut app = app();
    let first = app.targets[0].clone();
    app.targets = names
        .iter()
        .map(|name| {
            let mut t = first.clone();
            t.target.name = (*name).into();
            t
        })
        .collect();
    app
}

fn compared(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Tool(ToolEffect::Check { target, .. }) => Some(target.name.clone()),
            _ => None,
        })
        .collect()
}

/// With three environments, compare goes back to the one used before (not always the next),
/// and the picker's `c` compares with the one selected there.
#[test]
fn compare_picks_the_other_environment_not_the_next_one() {
    let mut app = with_environments(&["dev", "staging", "prod"]);
    // From dev, straight to prod: compare is prod against dev.
    key(&mut app, KeyCode::Char('3'), KeyModifiers::ALT);
    assert_eq!(app.current, 2);
    assert_eq!(compared(&press(&mut app, KeyCode::F(6))), ["prod", "dev"]);
    press(&mut app, KeyCode::Esc);
    // Nothing before: the next one.
    let mut fresh = with_environments(&["dev", "staging", "prod"]);
    assert_eq!(
        compared(&press(&mut fresh, KeyCode::F(6))),
        ["dev", "staging"]
    );
    // The picker names the other side.
    let mut app = with_environments(&["dev", "staging", "prod"]);
    key(&mut app, KeyCode::Char('e'), KeyModifiers::ALT);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(
        compared(&press(&mut app, KeyCode::Char('c'))),
        ["dev", "prod"]
    );
    assert_eq!(app.current, 0, "comparing never switches");
}
