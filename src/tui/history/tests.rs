//! The history panel and recording, driven through `update` as keys and messages.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};

use crate::pdp::types::AllowedResult;
use crate::pdp::{CheckInput, Exchange};
use crate::store::history::HistoryIndex;
use crate::store::{HistoryEntry, Paths, Store};
use crate::tui::app::NoticeLevel;
use crate::tui::msg::{Effect, Msg};
use crate::tui::test_support::{app, f5, press};
use crate::tui::update::update;

use super::model::{HistoryEffect, HistoryMsg};

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
    app.history
        .index
        .push_newest(HistoryEntry::from_check("prod", &query, &exchange));
    press(&mut app, KeyCode::Char('h'), KeyModifiers::ALT);
    let effects = press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
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
fn a_finished_check_is_recorded_off_the_app_thread_and_a_failure_is_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
    };
    let (store, _) = Store::open(paths.clone());
    let mut app = app("http://127.0.0.1:9", "");
    app.store = Some(store);
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
    let [Effect::History(HistoryEffect::Record { log, entry })] = effects.as_slice() else {
        panic!("expected one Record effect: {effects:?}");
    };
    assert_eq!(log.path(), paths.history_file());
    assert_eq!(entry.latency_us, 2000);
    assert_eq!(app.history.index.len(), 1, "the panel lists it at once");
    assert!(
        !paths.history_file().exists(),
        "update itself writes nothing"
    );

    // The writer reports a failed append as a message; it is shown as a warning.
    update(
        &mut app,
        Msg::History(HistoryMsg::NotSaved("history.jsonl: not saved".into())),
    );
    let warning = app.notices.back().unwrap();
    assert!(warning.text.contains("not saved"), "{}", warning.text);
    assert_eq!(warning.level, NoticeLevel::Warning);
}

#[test]
fn the_full_history_load_keeps_checks_made_meanwhile() {
    let mut app = app("http://127.0.0.1:9", "");
    let old = crate::store::history::HistoryIndex::default();
    app.history.index = old;
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
    let fresh = app.history.index.entries()[0].clone();
    // The load read the file before that check was appended.
    let mut older = fresh.clone();
    older.time = "2026-01-01T00:00:00Z".into();
    older.environment = "elsewhere".into();
    update(
        &mut app,
        Msg::History(HistoryMsg::Loaded(HistoryIndex::new(vec![older]))),
    );
    assert_eq!(app.history.index.len(), 2);
    assert_eq!(app.history.index.entries()[0], fresh);
    assert_eq!(app.targets[0].latencies.len(), 1, "rebuilt with it");
}
