//! Snapshots of every view, drawn by `view::render` into ratatui's `TestBackend`.
//! The `.snap` files are committed; with `CI=true` a missing one fails.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use permit_tui::pdp::types::{AllowedResult, Debug, DebugBlock};
use permit_tui::pdp::{CheckInput, Exchange, PdpError};
use permit_tui::tui::app::{
    App, CheckOutcome, Field, Focus, Health, InFlight, Modal, PanelNote, ResultTab, SentRequest,
    Settings, Target,
};
use permit_tui::tui::view;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use serde_json::json;
use tokio_util::sync::CancellationToken;

const KEY: &str = "permit_key_SECRETsecretSECRETsecret0dev";

fn target() -> Target {
    Target::sandbox("dev", "http://127.0.0.1:7766", KEY, "default", "dev")
}

fn demo_app() -> App {
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document:doc-1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    };
    let mut app = App::new(vec![target()], &input, Settings::default());
    app.targets[0].health = Health::Up;
    app
}

fn outcome(app: &App, id: u64, exchange: Exchange<AllowedResult>) -> CheckOutcome {
    CheckOutcome {
        id,
        target_name: "dev".into(),
        request: SentRequest::for_check(&target(), app.validation.as_ref().unwrap()),
        exchange,
        mirror: None,
        summary: None,
    }
}

fn allow_result() -> AllowedResult {
    AllowedResult {
        allow: true,
        debug: Some(Debug {
            rbac: Some(DebugBlock {
                allow: true,
                code: Some("allow".into()),
                reason: Some("user 'alice' has the role 'editor' in tenant 'acme'".into()),
                allowing_roles: Some(vec![json!("editor")]),
                ..DebugBlock::default()
            }),
            sandbox_trace: Some(json!({
                "environment": "dev",
                "rbac": {"tenant": "acme", "roles_in_tenant": ["editor"]},
                "abac": {"usersets": [{"key": "cleared_engineers", "matched": true,
                    "conditions": {"attribute": null, "operator": "allOf", "matched": true, "children": [
                        {"attribute": "user.clearance", "operator": "greater-than-equals",
                         "expected": 3, "actual": 3, "matched": true, "children": []}]}}]}
            })),
            ..Debug::default()
        }),
        ..AllowedResult::default()
    }
}

fn deny_result() -> AllowedResult {
    AllowedResult {
        allow: false,
        debug: Some(Debug {
            rbac: Some(DebugBlock {
                allow: false,
                code: Some("no_user_roles".into()),
                reason: Some("no roles assigned to user 'dave'".into()),
                support_link: Some(
                    "https://docs.permit.io/how-to/enforce-permissions/check".into(),
                ),
                ..DebugBlock::default()
            }),
            abac: Some(DebugBlock {
                allow: false,
                code: Some("no_matching_usersets".into()),
                reason: Some("user 'dave' did not match any userset conditions".into()),
                matching_usersets: Some(vec![]),
                ..DebugBlock::default()
            }),
            rebac: Some(DebugBlock {
                allow: false,
                code: Some("no_graph_roles".into()),
                reason: Some("user 'dave' has no roles on resource 'document:design-doc'".into()),
                ..DebugBlock::default()
            }),
            ..Debug::default()
        }),
        ..AllowedResult::default()
    }
}

fn answered(result: AllowedResult, ms: u64) -> Exchange<AllowedResult> {
    Exchange {
        raw_body: Some(serde_json::to_string(&result).unwrap()),
        result: Ok(result),
        latency: Duration::from_micros(ms * 1000 + 250),
        status: Some(200),
    }
}

fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| {
            view::render(app, f);
        })
        .unwrap();
    terminal
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}

#[test]
fn first_start_80x24() {
    let app = demo_app();
    let t = draw(&app, 80, 24);
    assert!(!screen(&t).contains("SECRET"));
    insta::assert_snapshot!("first_start_80x24", t.backend());
}

#[test]
fn allow_with_explanation_and_trace_120x40() {
    let mut app = demo_app();
    for ms in [3, 1, 2, 5, 2, 1, 1, 2, 4, 2] {
        app.targets[0].latencies.push(Duration::from_millis(ms));
    }
    app.result = Some(outcome(&app, 7, answered(allow_result(), 1)));
    let t = draw(&app, 120, 40);
    let text = screen(&t);
    assert!(text.contains("ALLOW"));
    assert!(text.contains("check #7"));
    assert!(text.contains("✔ user.clearance greater-than-equals 3 (actual 3)"));
    insta::assert_snapshot!("allow_120x40", t.backend());
}

#[test]
fn deny_lists_every_debug_block_80x24() {
    let mut app = demo_app();
    app.focus = Focus::Decision;
    app.result = Some(outcome(&app, 2, answered(deny_result(), 2)));
    let t = draw(&app, 80, 24);
    let text = screen(&t);
    for needle in ["DENY", "RBAC", "no_user_roles", "tenant acme"] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    insta::assert_snapshot!("deny_80x24", t.backend());
    // Wider, every block fits without scrolling.
    let t = draw(&app, 120, 40);
    let text = screen(&t);
    for needle in [
        "ABAC",
        "no_matching_usersets",
        "see https://docs.permit.io",
        "What would make this allow?",
        "REBAC",
        "no_graph_roles",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    insta::assert_snapshot!("deny_120x40", t.backend());
}

#[test]
fn timeout_error_says_what_to_do() {
    let mut app = demo_app();
    let exchange = Exchange {
        result: Err(PdpError::Timeout {
            url: "http://127.0.0.1:7766".into(),
            after: Duration::from_secs(5),
        }),
        latency: Duration::from_secs(5),
        status: None,
        raw_body: None,
    };
    app.result = Some(outcome(&app, 3, exchange));
    let t = draw(&app, 100, 30);
    let text = screen(&t);
    assert!(text.contains("ERROR"));
    assert!(text.contains("did not answer within"), "{text}");
    assert!(text.contains("What to do"), "{text}");
    insta::assert_snapshot!("timeout_100x30", t.backend());
}

#[test]
fn request_tab_shows_the_body_with_the_key_masked() {
    let mut app = demo_app();
    app.result = Some(outcome(&app, 4, answered(allow_result(), 1)));
    app.tab = ResultTab::Request;
    let t = draw(&app, 100, 30);
    let text = screen(&t);
    assert!(
        text.contains("Authorization: Bearer permit_key_…0dev"),
        "{text}"
    );
    assert!(!text.contains("SECRET"));
    insta::assert_snapshot!("request_tab_100x30", t.backend());
}

#[test]
fn response_tab_shows_the_raw_body() {
    let mut app = demo_app();
    app.result = Some(outcome(&app, 4, answered(deny_result(), 1)));
    app.tab = ResultTab::Response;
    let t = draw(&app, 100, 30);
    assert!(screen(&t).contains("HTTP 200"));
    insta::assert_snapshot!("response_tab_100x30", t.backend());
}

#[test]
fn in_flight_shows_a_spinner_and_how_to_cancel() {
    let mut app = demo_app();
    app.ticks = 12;
    app.in_flight = Some(InFlight {
        id: 5,
        token: CancellationToken::new(),
        target: 0,
        request: SentRequest::for_check(&target(), app.validation.as_ref().unwrap()),
        started_tick: 0,
        live: false,
    });
    let t = draw(&app, 80, 24);
    let text = screen(&t);
    assert!(text.contains("Checking #5"));
    assert!(text.contains("Esc cancels"));
    insta::assert_snapshot!("in_flight_80x24", t.backend());
}

#[test]
fn json_error_shows_line_and_column_and_blocks_the_check() {
    let mut app = demo_app();
    let mut input = app.input();
    input.user_attributes = "{\n  \"clearance\": 3,\n  \"dept\": \n}".into();
    app.set_input(&input);
    app.focus = Focus::Field(Field::UserAttributes);
    app.note = PanelNote::Invalid(app.validation.clone().unwrap_err());
    let t = draw(&app, 80, 24);
    let text = screen(&t);
    assert!(text.contains("✗ 4:1"), "{text}");
    assert!(
        text.contains("✗ user attributes 4:1: "),
        "the place survives a narrow title: {text}"
    );
    insta::assert_snapshot!("json_error_80x24", t.backend());
}

#[test]
fn latency_histogram_on_a_key() {
    let mut app = demo_app();
    for i in 0..200u64 {
        app.targets[0]
            .latencies
            .push(Duration::from_micros(800 + (i * 37) % 1500));
    }
    app.show_histogram = true;
    app.result = Some(outcome(&app, 200, answered(allow_result(), 1)));
    let t = draw(&app, 120, 40);
    assert!(screen(&t).contains("histogram"));
    insta::assert_snapshot!("histogram_120x40", t.backend());
}

#[test]
fn help_overlay_fits_80x24() {
    let mut app = demo_app();
    app.modals.push(Modal::Help);
    let t = draw(&app, 80, 24);
    let text = screen(&t);
    for needle in [
        "F5 / Ctrl-Enter",
        "pretty-print JSON",
        "delete to line start",
        "quit",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    insta::assert_snapshot!("help_80x24", t.backend());
}

#[test]
fn too_small_says_so() {
    let app = demo_app();
    let t = draw(&app, 60, 20);
    assert!(screen(&t).contains("Terminal too small"));
    insta::assert_snapshot!("too_small_60x20", t.backend());
}

#[test]
fn no_color_draws_without_any_colour() {
    let mut app = demo_app();
    app.settings.color = false;
    // The fields take their styles from the settings (as `update` does after every message).
    app.style_fields();
    app.result = Some(outcome(&app, 1, answered(deny_result(), 1)));
    app.targets[0].latencies.push(Duration::from_millis(1));
    let t = draw(&app, 100, 30);
    for cell in t.backend().buffer().content() {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
    }
    // With colour the badge is red.
    app.settings.color = true;
    app.style_fields();
    let t = draw(&app, 100, 30);
    assert!(t
        .backend()
        .buffer()
        .content()
        .iter()
        .any(|c| c.bg == Color::Red));
}

#[test]
fn the_result_panel_scrolls_to_its_last_line_and_no_further() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use permit_tui::tui::msg::Msg;
    use permit_tui::tui::update::update;
    // As the loop does: the frame's measure goes to `update`, the view itself changes nothing.
    fn draw_and_measure(app: &mut App) -> String {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let mut drawn = None;
        terminal
            .draw(|f| drawn = Some(view::render(app, f)))
            .unwrap();
        update(app, Msg::Drawn(drawn.unwrap()));
        screen(&terminal)
    }
    let mut app = demo_app();
    app.focus = Focus::Decision;
    app.result = Some(outcome(&app, 2, answered(allow_result(), 1)));
    let top = draw_and_measure(&mut app);
    assert!(app.scroll_max > 0, "the explanation overflows 80×24");
    let key = |code| Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    for _ in 0..200 {
        update(&mut app, key(KeyCode::Down));
    }
    assert_eq!(app.scroll, app.scroll_max, "stops at the last line");
    let bottom = draw_and_measure(&mut app);
    assert_ne!(bottom, top);
    // The last line of the explanation is on screen, and one step up moves at once.
    assert!(bottom.contains("actual 3"), "{bottom}");
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.scroll, app.scroll_max - 1);
    assert_ne!(draw_and_measure(&mut app), bottom);
}

#[test]
fn an_invalid_form_shows_its_error_above_the_last_result() {
    let mut app = demo_app();
    app.result = Some(outcome(&app, 4, answered(allow_result(), 1)));
    let mut input = app.input();
    input.context = "{\"ip\": }".into();
    app.set_input(&input);
    app.note = PanelNote::Invalid(app.validation.clone().unwrap_err());
    let text = screen(&draw(&app, 120, 40));
    let error = text.find("Cannot check yet:").expect(&text);
    let before = text.find("Check #4, before the edit:").expect(&text);
    let explanation = text.find("RBAC").expect(&text);
    assert!(error < before && before < explanation, "{text}");
    assert!(text.contains("context: "), "{text}");
}

#[test]
fn a_result_of_another_query_says_so_above_it() {
    let mut app = demo_app();
    app.result = Some(outcome(&app, 3, answered(allow_result(), 1)));
    let unchanged = screen(&draw(&app, 120, 40));
    assert!(!unchanged.contains("The form has changed"), "{unchanged}");
    let mut input = app.input();
    input.action = "write".into();
    app.set_input(&input);
    let text = screen(&draw(&app, 120, 40));
    let note = text
        .find("The form has changed since check #3: F5 checks it.")
        .expect(&text);
    assert!(note < text.find("RBAC").expect(&text), "{text}");
}

/// Several notices show at once: a warning stays in view above the information after it.
#[test]
fn several_notices_show_at_once_newest_in_the_footer() {
    let mut app = demo_app();
    use permit_tui::tui::app::NoticeLevel;
    app.notice("First: the schema could not be read", NoticeLevel::Warning);
    app.notice("Second: preset saved", NoticeLevel::Info);
    app.notice("Third: environment switched", NoticeLevel::Info);
    let text = screen(&draw(&app, 100, 30));
    let rows: Vec<&str> = text.lines().collect();
    let row = |needle: &str| rows.iter().position(|l| l.contains(needle)).expect(needle);
    let (first, second, third) = (row("! First"), row("· Second"), row("Third"));
    assert_eq!(third, rows.len() - 1, "the newest is the footer:\n{text}");
    assert!(first < second && second < third, "{text}");
}
