//! `update` driven by keys and messages: the loop's contract, key by key.

use std::time::Duration;

use crossterm::event::{
    KeyCode, KeyEventState, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::*;
use crate::pdp::types::AllowedResult;
use crate::pdp::{CheckInput, Exchange, PdpError};
use crate::tui::app::{Field, Focus, Health, PanelNote, ResultTab};
use crate::tui::app::{Settings, Target};

const KEY: &str = "permit_key_SECRETsecretSECRET9f3a";

fn target() -> Target {
    Target::remote("dev", "http://127.0.0.1:9", Some(KEY.into()))
}

fn app() -> App {
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        ..CheckInput::default()
    };
    App::new(vec![target()], &input, Settings::default())
}

fn key(code: KeyCode) -> Msg {
    Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(c: char) -> Msg {
    Msg::Input(Event::Key(KeyEvent {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }))
}

fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(update(app, key(KeyCode::Char(c))));
    }
    effects
}

fn allow(id: u64, allow: bool) -> Msg {
    Msg::CheckFinished {
        id,
        exchange: Exchange {
            result: Ok(AllowedResult {
                allow,
                ..AllowedResult::default()
            }),
            latency: Duration::from_millis(3),
            status: Some(200),
            raw_body: Some(format!("{{\"allow\":{allow}}}")),
        },
    }
}

fn check_id(effects: &[Effect]) -> Option<u64> {
    effects.iter().find_map(|e| match e {
        Effect::Check { id, .. } => Some(*id),
        _ => None,
    })
}

#[test]
fn an_invalid_form_keeps_the_last_result_under_its_note() {
    let mut app = app();
    let effects = update(&mut app, key(KeyCode::F(5)));
    assert_eq!(check_id(&effects), Some(1));
    update(&mut app, allow(1, true));
    app.focus = Focus::Field(Field::UserAttributes);
    type_text(&mut app, "{");
    assert_eq!(check_id(&update(&mut app, key(KeyCode::F(5)))), None);
    assert!(matches!(app.note, PanelNote::Invalid(_)), "{:?}", app.note);
    assert_eq!(app.result.as_ref().map(|r| r.id), Some(1));
}

#[test]
fn in_live_mode_switching_environment_asks_the_new_one() {
    let mut app = app();
    let mut prod = target();
    prod.name = "prod".into();
    app.targets.push(crate::tui::app::TargetState::new(prod));
    for live in [false, true] {
        app.live = live;
        let effects = update(&mut app, key(KeyCode::F(7)));
        let asked = effects.iter().find_map(|e| match e {
            Effect::Check { target, .. } => Some(target.name.clone()),
            _ => None,
        });
        let now = app.targets[app.current].target.name.clone();
        assert_eq!(asked, live.then_some(now), "live: {live}");
    }
}

#[test]
fn a_result_is_marked_stale_while_the_form_differs_from_its_query() {
    let mut app = app();
    update(&mut app, key(KeyCode::F(5)));
    update(&mut app, allow(1, true));
    assert!(!app.result_is_stale());
    app.focus = Focus::Field(Field::User);
    type_text(&mut app, "x");
    assert!(app.result_is_stale(), "edited");
    update(&mut app, key(KeyCode::Backspace));
    assert!(!app.result_is_stale(), "back to the checked query");
    type_text(&mut app, "y");
    update(&mut app, key(KeyCode::F(5)));
    // Edited while the check is in flight: its answer is stale on arrival.
    type_text(&mut app, "z");
    update(&mut app, allow(2, false));
    assert!(app.result_is_stale(), "edited during the check");
    update(&mut app, key(KeyCode::Backspace));
    assert!(!app.result_is_stale(), "the checked query again");
    // Loaded from elsewhere (history, matrix): compared too.
    let mut other = app.input();
    other.action = "write".into();
    app.set_input(&other);
    assert!(app.result_is_stale(), "loaded");
}

#[test]
fn below_the_minimum_size_only_quit_acts() {
    let mut app = app();
    update(&mut app, Msg::Input(Event::Resize(70, 20)));
    app.focus = Focus::Field(Field::User);
    assert!(update(&mut app, key(KeyCode::F(5))).is_empty());
    type_text(&mut app, "zz");
    update(&mut app, Msg::Input(Event::Paste("pasted".into())));
    assert_eq!(app.text(Field::User), "alice", "nothing typed unseen");
    assert!(app.in_flight.is_none() && app.next_check_id == 1);
    update(&mut app, Msg::Input(Event::Resize(80, 24)));
    type_text(&mut app, "z");
    assert_eq!(
        app.text(Field::User),
        "alicez",
        "back to normal once large enough"
    );
    update(&mut app, Msg::Input(Event::Resize(70, 20)));
    update(&mut app, ctrl('c'));
    assert!(app.should_quit);
}

#[test]
fn printable_keys_go_into_the_focused_field_even_q() {
    let mut app = app();
    app.focus = Focus::Field(Field::Action);
    type_text(&mut app, "q?");
    assert_eq!(app.text(Field::Action), "readq?");
    assert!(!app.should_quit);
    assert!(app.modals.is_empty());
}

#[test]
fn enter_in_a_single_line_field_fires_with_the_key_masked_in_the_request() {
    let mut app = app();
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(check_id(&effects), Some(1));
    let flight = app.in_flight.as_ref().unwrap();
    assert_eq!(flight.id, 1);
    let auth = flight
        .request
        .headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .unwrap();
    assert_eq!(auth.1, "Bearer permit_key_…9f3a");
    assert!(!format!("{:?}", app).contains("SECRET"));
    match &effects[0] {
        Effect::Check { query, target, .. } => {
            assert_eq!(query.user.key, "alice");
            assert_eq!(query.resource.tenant.as_deref(), Some("default"));
            assert_eq!(target.reveal_key(), Some(KEY));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn enter_in_a_json_field_is_a_newline_not_a_check() {
    let mut app = app();
    app.focus = Focus::Field(Field::Context);
    type_text(&mut app, "{");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(effects.is_empty());
    assert_eq!(app.text(Field::Context), "{\n");
    let fire = update(
        &mut app,
        Msg::Input(Event::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE))),
    );
    assert!(check_id(&fire).is_none(), "invalid JSON must not be sent");
    assert!(matches!(app.note, PanelNote::Invalid(_)));
}

#[test]
fn json_errors_carry_line_and_column_and_clear_when_fixed() {
    let mut app = app();
    app.focus = Focus::Field(Field::UserAttributes);
    type_text(&mut app, "{\"a\": }");
    let err = app.field_errors[Field::UserAttributes.index()]
        .clone()
        .unwrap();
    assert_eq!((err.line, err.column), (1, 7));
    update(&mut app, ctrl('u'));
    assert_eq!(app.text(Field::UserAttributes), "");
    assert!(app.field_errors[Field::UserAttributes.index()].is_none());
    assert!(app.validation.is_ok());
}

#[test]
fn format_key_pretty_prints_valid_json_and_refuses_broken_json() {
    let mut app = app();
    app.focus = Focus::Field(Field::ResourceAttributes);
    type_text(&mut app, "{\"a\":1,\"b\":[true]}");
    update(&mut app, ctrl('f'));
    assert_eq!(
        app.text(Field::ResourceAttributes),
        "{\n  \"a\": 1,\n  \"b\": [\n    true\n  ]\n}"
    );
    let mut app = self::app();
    app.focus = Focus::Field(Field::ResourceAttributes);
    type_text(&mut app, "{oops");
    update(&mut app, ctrl('f'));
    assert_eq!(app.text(Field::ResourceAttributes), "{oops", "nothing lost");
    assert!(app.notices.back().unwrap().text.contains("line 1"));
}

#[test]
fn a_newer_check_supersedes_and_the_older_answer_is_dropped() {
    let mut app = app();
    update(&mut app, key(KeyCode::Enter));
    let old_token = app.in_flight.as_ref().unwrap().token.clone();
    let effects = update(&mut app, key(KeyCode::F(5)));
    let Effect::Cancel(cancel) = &effects[0] else {
        panic!("the first effect cancels the check in flight: {effects:?}");
    };
    // Performing the effect must cancel check #1's token, and only that one.
    cancel.cancel();
    assert!(old_token.is_cancelled(), "check #1 is cancelled");
    assert!(
        !app.in_flight.as_ref().unwrap().token.is_cancelled(),
        "check #2 runs on"
    );
    assert_eq!(check_id(&effects), Some(2));
    update(&mut app, allow(1, false));
    assert!(app.result.is_none(), "answer of #1 must not show");
    assert_eq!(app.in_flight.as_ref().unwrap().id, 2);
    update(&mut app, allow(2, true));
    let result = app.result.as_ref().unwrap();
    assert_eq!(result.id, 2);
    assert!(app.in_flight.is_none());
    assert_eq!(app.targets[0].latencies.len(), 1);
}

#[test]
fn esc_cancels_and_a_late_answer_is_ignored() {
    let mut app = app();
    update(&mut app, key(KeyCode::Enter));
    let effects = update(&mut app, key(KeyCode::Esc));
    assert!(matches!(effects.as_slice(), [Effect::Cancel(_)]));
    assert!(app.in_flight.is_none());
    assert_eq!(app.note, PanelNote::Cancelled(1));
    update(&mut app, allow(1, true));
    assert!(app.result.is_none());
    // Esc with nothing in flight does nothing.
    assert!(update(&mut app, key(KeyCode::Esc)).is_empty());
}

#[test]
fn transport_errors_show_but_do_not_count_as_latency() {
    let mut app = app();
    update(&mut app, key(KeyCode::Enter));
    update(
        &mut app,
        Msg::CheckFinished {
            id: 1,
            exchange: Exchange {
                result: Err(PdpError::Timeout {
                    url: "http://x".into(),
                    after: Duration::from_secs(5),
                }),
                latency: Duration::from_secs(5),
                status: None,
                raw_body: None,
            },
        },
    );
    assert!(app.result.as_ref().unwrap().exchange.result.is_err());
    assert!(app.targets[0].latencies.is_empty());
}

#[test]
fn live_mode_refires_after_the_debounce_of_the_latest_edit_only() {
    let mut app = app();
    let effects = update(&mut app, key(KeyCode::F(2)));
    assert!(app.live);
    assert_eq!(
        check_id(&effects),
        Some(1),
        "turning live on checks at once"
    );
    update(&mut app, allow(1, true));
    app.focus = Focus::Field(Field::UserAttributes);
    type_text(&mut app, "{}");
    let gens: Vec<u64> = type_text(&mut app, " ")
        .iter()
        .filter_map(|e| match e {
            Effect::Debounce { generation, .. } => Some(*generation),
            _ => None,
        })
        .collect();
    let latest = *gens.last().unwrap();
    assert!(update(
        &mut app,
        Msg::DebounceElapsed {
            generation: latest - 1
        }
    )
    .is_empty());
    let fired = update(&mut app, Msg::DebounceElapsed { generation: latest });
    assert_eq!(check_id(&fired), Some(2));
}

/// One live check per settled edit: a burst of keystrokes leaves one history entry (the
/// last), once it has stood for `LIVE_SETTLE`; quitting keeps a pending one.
#[test]
fn live_mode_records_only_the_settled_check_of_a_burst() {
    let mut app = app();
    update(&mut app, key(KeyCode::F(2)));
    update(&mut app, allow(1, true));
    assert_eq!(
        app.history.index.len(),
        1,
        "turning live on is a check of its own"
    );
    app.focus = Focus::Field(Field::User);
    for (i, c) in "bob".chars().enumerate() {
        let effects = update(&mut app, key(KeyCode::Char(c)));
        let generation = effects
            .iter()
            .find_map(|e| match e {
                Effect::Debounce { generation, .. } => Some(*generation),
                _ => None,
            })
            .unwrap();
        let fired = update(&mut app, Msg::DebounceElapsed { generation });
        let id = check_id(&fired).unwrap();
        update(&mut app, allow(id, i % 2 == 0));
        update(&mut app, Msg::Tick);
    }
    assert_eq!(
        app.history.index.len(),
        1,
        "the burst is not recorded key by key"
    );
    let settle = (super::super::history::recording::LIVE_SETTLE.as_millis()
        / app.settings.tick.as_millis()) as usize;
    for _ in 0..=settle {
        update(&mut app, Msg::Tick);
    }
    assert_eq!(
        app.history.index.len(),
        2,
        "the last of the burst, once settled"
    );
    let newest = &app.history.index.entries()[0];
    assert!(
        newest.summary().contains("alicebob"),
        "{}",
        newest.summary()
    );
    // A pending one is kept when quitting.
    type_text(&mut app, "!");
    let generation = app.debounce_generation;
    let fired = update(&mut app, Msg::DebounceElapsed { generation });
    update(&mut app, allow(check_id(&fired).unwrap(), true));
    update(&mut app, ctrl('c'));
    assert_eq!(app.history.index.len(), 3);
}

/// A pasted document of megabytes is validated once typing pauses, not at every key;
/// a check sent before the pause still sends what is in the form.
#[test]
fn a_large_form_is_validated_when_typing_pauses_and_a_check_sends_the_text_as_typed() {
    let mut app = app();
    app.focus = Focus::Field(Field::Context);
    let items: Vec<String> = (0..30_000).map(|i| format!("\"key{i}\": {i}")).collect();
    let big = format!("{{\n{}\n}}", items.join(",\n"));
    assert!(big.len() > crate::tui::app::LARGE_FORM_BYTES);
    update(&mut app, Msg::Input(Event::Paste(big)));
    assert!(app.validation_pending);
    // Break the JSON: the badge does not know yet, and no parse ran.
    let effects = update(&mut app, key(KeyCode::Char('x')));
    let generation = effects
        .iter()
        .find_map(|e| match e {
            Effect::Validate { generation, .. } => Some(*generation),
            _ => None,
        })
        .expect("validation waits for a pause");
    assert!(app.field_errors[Field::Context.index()].is_none());
    update(
        &mut app,
        Msg::ValidateElapsed {
            generation: generation - 1,
        },
    );
    assert!(app.validation_pending, "an older pause is not this one");
    update(&mut app, Msg::ValidateElapsed { generation });
    assert!(!app.validation_pending);
    assert!(
        app.field_errors[Field::Context.index()].is_some(),
        "the stray x is found"
    );
    // Fixed and checked at once, before any pause: F5 validates what is there.
    update(&mut app, key(KeyCode::Backspace));
    assert!(app.validation_pending);
    let fired = update(&mut app, key(KeyCode::F(5)));
    assert!(
        check_id(&fired).is_some(),
        "{:?}",
        app.validation.as_ref().err()
    );
    let sent = app
        .in_flight
        .as_ref()
        .map(|f| f.request.query.context.len());
    assert_eq!(sent, Some(30_000));
}

#[test]
fn live_mode_does_not_debounce_an_invalid_form() {
    let mut app = app();
    update(&mut app, key(KeyCode::F(2)));
    app.focus = Focus::Field(Field::Context);
    let effects = type_text(&mut app, "{");
    assert!(!effects.iter().any(|e| matches!(e, Effect::Debounce { .. })));
}

#[test]
fn tab_cycles_the_fields_only_and_esc_leaves_for_the_panel() {
    let mut app = app();
    for _ in 0..Focus::RING.len() {
        update(&mut app, key(KeyCode::Tab));
    }
    assert_eq!(app.focus, Focus::Field(Field::User));
    update(
        &mut app,
        Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::BackTab,
            KeyModifiers::SHIFT,
        ))),
    );
    assert_eq!(app.focus, Focus::Field(Field::Context));
    // Esc leaves the field for the panel; Enter (or `i`) goes back to it.
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.focus, Focus::Decision);
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.focus, Focus::Field(Field::Context));
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, key(KeyCode::Char('i')));
    assert_eq!(app.focus, Focus::Field(Field::Context));
}

#[test]
fn a_warning_stays_until_the_notice_log_is_opened_and_the_log_keeps_it() {
    let mut app = app();
    app.notice("passing news", NoticeLevel::Info);
    app.notice("the policy file does not load", NoticeLevel::Warning);
    for _ in 0..1_000 {
        update(&mut app, Msg::Tick);
    }
    let on_screen: Vec<&str> = app.notices.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(on_screen, ["the policy file does not load"]);
    update(
        &mut app,
        Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::Char('n'),
            KeyModifiers::ALT,
        ))),
    );
    assert_eq!(app.modals, vec![Modal::Notices]);
    assert!(app.notices.is_empty(), "read, so gone from the footer");
    assert_eq!(app.notice_log.len(), 2, "both are in the log");
    update(&mut app, key(KeyCode::Esc));
    assert!(app.modals.is_empty());
}

#[test]
fn quitting_with_unchecked_edits_asks_once() {
    let mut app = app();
    app.size = (120, 40);
    update(&mut app, ctrl('c'));
    assert!(app.should_quit, "nothing edited: quits at once");
    let mut app = self::app();
    app.size = (120, 40);
    type_text(&mut app, "x");
    update(&mut app, ctrl('c'));
    assert!(!app.should_quit);
    assert!(app.notices.back().unwrap().text.contains("never checked"));
    update(&mut app, ctrl('c'));
    assert!(app.should_quit);
    // A check settles the edits.
    let mut app = self::app();
    app.size = (120, 40);
    type_text(&mut app, "x");
    update(&mut app, key(KeyCode::F(5)));
    update(&mut app, ctrl('c'));
    assert!(app.should_quit);
}

#[test]
fn readline_keys_edit_the_field() {
    let mut app = app();
    app.focus = Focus::Field(Field::Action);
    update(&mut app, ctrl('u'));
    assert_eq!(app.text(Field::Action), "");
    type_text(&mut app, "read write");
    update(&mut app, ctrl('w'));
    assert_eq!(app.text(Field::Action), "read ");
    update(&mut app, ctrl('a'));
    update(&mut app, ctrl('k'));
    assert_eq!(app.text(Field::Action), "");
    update(&mut app, ctrl('y'));
    assert_eq!(app.text(Field::Action), "read ");
    update(&mut app, ctrl('e'));
    type_text(&mut app, "x");
    assert_eq!(app.text(Field::Action), "read x");
    update(&mut app, ctrl('z'));
    assert_eq!(app.text(Field::Action), "read ");
    // None of them opened anything.
    assert!(app.modals.is_empty());
}

#[test]
fn ctrl_u_clears_a_line_longer_than_65535_characters() {
    let mut app = app();
    app.focus = Focus::Field(Field::Context);
    let long = format!("{{\"k\": \"{}\"}}", "x".repeat(70_000));
    update(&mut app, Msg::Input(Event::Paste(long)));
    update(&mut app, ctrl('u'));
    assert_eq!(app.text(Field::Context), "");
}

#[test]
fn q_quits_outside_text_fields_and_ctrl_c_everywhere() {
    let mut app = app();
    app.focus = Focus::Decision;
    update(&mut app, key(KeyCode::Char('q')));
    assert!(app.should_quit);
    let mut app2 = self::app();
    update(&mut app2, ctrl('c'));
    assert!(app2.should_quit);
}

#[test]
fn help_opens_and_swallows_other_keys_until_closed() {
    let mut app = app();
    update(&mut app, key(KeyCode::F(1)));
    assert_eq!(app.modals, vec![Modal::Help]);
    assert!(update(&mut app, key(KeyCode::F(5))).is_empty());
    // Typing searches the help, never the form behind it.
    type_text(&mut app, "xq?");
    assert_eq!(app.text(Field::User), "alice");
    assert_eq!(app.help_query, "xq?");
    assert_eq!(
        app.modals,
        vec![Modal::Help],
        "q and ? are search text here"
    );
    update(&mut app, key(KeyCode::Backspace));
    assert_eq!(app.help_query, "xq");
    // Esc clears the search first, then closes.
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(
        (app.modals.as_slice(), app.help_query.as_str()),
        (&[Modal::Help][..], "")
    );
    update(&mut app, key(KeyCode::Esc));
    assert!(app.modals.is_empty());
}

fn alt(c: char) -> Msg {
    Msg::Input(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::ALT,
    )))
}

#[test]
fn after_the_leader_one_letter_runs_its_command_and_any_other_key_only_ends_it() {
    let mut app = app();
    update(&mut app, ctrl(' '));
    assert_eq!(app.modals, vec![Modal::Leader]);
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(
        app.modals,
        vec![Modal::Notices],
        "Ctrl-Space n opens the notice log"
    );
    update(&mut app, key(KeyCode::Esc));
    // An unbound letter neither types into the form nor runs anything; it says so.
    update(&mut app, ctrl(' '));
    update(&mut app, key(KeyCode::Char('q')));
    assert!(app.modals.is_empty());
    assert_eq!(app.text(Field::User), "alice");
    assert!(!app.should_quit, "q after the leader is not quit");
    assert!(app
        .notices
        .iter()
        .any(|n| n.text.starts_with("Ctrl-Space q: no command there")));
    // Esc after the leader closes only the leader.
    update(&mut app, key(KeyCode::F(1)));
    update(&mut app, ctrl(' '));
    assert_eq!(
        app.modals,
        vec![Modal::Help],
        "help keeps its keys; no leader in a modal"
    );
}

#[test]
fn the_palette_runs_a_command_found_by_name_and_typing_stays_in_its_filter() {
    let mut app = app();
    update(&mut app, alt('x'));
    assert_eq!(app.modals, vec![Modal::Palette]);
    type_text(&mut app, "notice log");
    assert_eq!(
        app.text(Field::User),
        "alice",
        "the form behind is untouched"
    );
    let best = crate::tui::palette::matches(&app);
    assert_eq!(best.first().map(|e| e.label.as_str()), Some("notice log"));
    assert!(best[0].keys.contains("Alt-N"), "{:?}", best[0]);
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.modals, vec![Modal::Notices]);
    // From the decision panel `:` opens it too; Esc closes it without running anything.
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.focus, Focus::Decision);
    update(&mut app, key(KeyCode::Char(':')));
    assert_eq!(app.modals, vec![Modal::Palette]);
    update(&mut app, key(KeyCode::Esc));
    assert!(app.modals.is_empty());
}

#[test]
fn a_click_focuses_the_field_under_the_mouse() {
    let mut app = app();
    app.size = (80, 24);
    let regions = layout::regions(Rect::new(0, 0, 80, 24));
    let ctx = regions.fields[Field::Context.index()];
    update(
        &mut app,
        Msg::Input(Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: ctx.x + 2,
            row: ctx.y + 1,
            modifiers: KeyModifiers::NONE,
        })),
    );
    assert_eq!(app.focus, Focus::Field(Field::Context));
    let dec = regions.decision;
    update(
        &mut app,
        Msg::Input(Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: dec.x + 3,
            row: dec.y + 3,
            modifiers: KeyModifiers::NONE,
        })),
    );
    assert_eq!(app.focus, Focus::Decision);
}

#[test]
fn paste_into_a_single_line_field_drops_newlines() {
    let mut app = app();
    app.focus = Focus::Field(Field::Tenant);
    update(&mut app, Msg::Input(Event::Paste("acme\r\n".into())));
    assert_eq!(app.text(Field::Tenant), "acme");
    app.focus = Focus::Field(Field::Context);
    update(&mut app, Msg::Input(Event::Paste("{\r\n\"ip\": 1}".into())));
    assert_eq!(app.text(Field::Context), "{\n\"ip\": 1}");
    assert!(app.validation.is_ok());
}

#[test]
fn health_updates_land_on_their_target() {
    let mut app = app();
    let effects = update(&mut app, Msg::HealthTick);
    assert!(
        matches!(&effects[..], [Effect::Health { target: 0, url, .. }] if url == "http://127.0.0.1:9")
    );
    update(
        &mut app,
        Msg::HealthUpdated {
            target: 0,
            health: Health::Up,
            sandbox: false,
        },
    );
    assert_eq!(app.targets[0].health, Health::Up);
}

#[test]
fn target_tenant_fills_an_empty_tenant_field() {
    let mut t = target();
    t.tenant = Some("acme".into());
    let input = CheckInput {
        user: "a".into(),
        action: "read".into(),
        resource: "doc".into(),
        ..CheckInput::default()
    };
    let app = App::new(vec![t], &input, Settings::default());
    assert_eq!(
        app.validation.unwrap().resource.tenant.as_deref(),
        Some("acme")
    );
}

#[test]
fn next_environment_switches_target_cancels_and_asks_its_health() {
    let mut app = app();
    let mut prod = target();
    prod.name = "prod".into();
    prod.pdp_url = "http://127.0.0.1:10".into();
    app.targets.push(crate::tui::app::TargetState::new(prod));
    update(&mut app, key(KeyCode::Enter));
    let effects = update(&mut app, key(KeyCode::F(7)));
    assert_eq!(app.current, 1);
    assert!(app.in_flight.is_none());
    assert!(matches!(effects.first(), Some(Effect::Cancel(_))));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Health { target: 1, .. })));
    let fired = update(&mut app, key(KeyCode::F(5)));
    match fired.last() {
        Some(Effect::Check { target, .. }) => assert_eq!(target.name, "prod"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn result_tabs_cycle_both_ways_and_reset_the_scroll() {
    let mut app = app();
    app.focus = Focus::Decision;
    app.scroll = 5;
    update(&mut app, key(KeyCode::Right));
    assert_eq!(app.tab, ResultTab::Request);
    assert_eq!(app.scroll, 0);
    update(&mut app, key(KeyCode::Left));
    update(&mut app, key(KeyCode::Left));
    assert_eq!(app.tab, ResultTab::Response);
    update(&mut app, key(KeyCode::Char('j')));
    assert_eq!(app.scroll, 1);
    update(&mut app, key(KeyCode::Char('g')));
    assert!(app.show_histogram);
}

#[test]
fn every_action_is_documented_in_the_help_overlay() {
    let help = keymap::help_sections();
    for binding in keymap::BINDINGS {
        let (_, rows) = help
            .iter()
            .find(|(ctx, _)| *ctx == binding.context)
            .expect("context in help");
        assert!(
            rows.iter().any(|(keys, description)| {
                *description == binding.description && keymap::help_covers(keys, &binding.key)
            }),
            "{binding:?} missing from help"
        );
    }
}
