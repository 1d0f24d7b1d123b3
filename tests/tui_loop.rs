//! The whole explorer loop (`run_loop`) on ratatui's `TestBackend`, driven by scripted key
//! events, against real loopback HTTP: the in-process sandbox, or a tiny axum server for
//! behaviour the sandbox cannot produce (never answering, answering the first request slowly).
//! Every wait is bounded by `tokio::time::timeout`.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use axum::{Json, Router};
use crossterm::event::KeyCode;
use permit_tui::pdp::CheckInput;
use permit_tui::tui::app::{App, Field, Focus, Settings, Target};
use permit_tui::tui::bootstrap::start_sandbox;
use serde_json::{json, Value};
use tokio::sync::mpsc;

mod common;
use common::{text_of, Harness, WAIT};

fn app_for(target: Target, input: &CheckInput, settings: Settings) -> App {
    App::new(vec![target], input, settings)
}

fn remote(url: String) -> Target {
    Target::remote("mock", &url, Some("permit_key_mockmockmock1234".into()))
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

fn healthy() -> Router {
    Router::new().route("/healthy", get(|| async { Json(json!({"status": "ok"})) }))
}

/// Sends `dropped` when the handler's future is dropped before it finished: the client
/// hung up (cancelled) while the server was still working.
struct DropSignal(Option<mpsc::UnboundedSender<&'static str>>);
impl Drop for DropSignal {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send("dropped");
        }
    }
}

#[tokio::test]
async fn type_a_query_fire_and_see_allow_from_the_sandbox() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let app = App::new(targets, &CheckInput::default(), Settings::default());
    let mut h = Harness::start(app);
    h.wait_for("first frame", |s| s.contains("sandbox dev"))
        .await;
    // User, (user attributes), Action, Resource, (resource key), Tenant.
    h.type_text("alice");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("read");
    h.key(KeyCode::Tab);
    h.type_text("document:doc-1");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("acme");
    h.key(KeyCode::Enter);
    let screen = h
        .wait_for("an ALLOW decision", |s| {
            s.contains("check #1") && s.contains("ALLOW")
        })
        .await;
    assert!(screen.contains("HTTP 200"), "{screen}");
    assert!(
        screen.contains("has the role 'editor' in tenant 'acme'"),
        "{screen}"
    );
    assert!(
        screen.contains("n 1"),
        "latency panel counts the check:\n{screen}"
    );
    assert!(
        !screen.contains("permit_key_sandbox_dev"),
        "key must be masked"
    );
    let app = h.quit().await;
    assert_eq!(app.result.as_ref().map(|r| r.id), Some(1));
    assert_eq!(app.targets[0].latencies.len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn live_mode_follows_a_jit_attribute_from_allow_to_deny() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let input = CheckInput {
        user: "dave".into(),
        user_attributes: r#"{"department": "engineering", "clearance": 3}"#.into(),
        action: "read".into(),
        resource: "document:design-doc".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    };
    let settings = Settings {
        debounce: Duration::from_millis(50),
        ..Settings::default()
    };
    let mut h = Harness::start(App::new(targets, &input, settings));
    h.key(KeyCode::F(2));
    let screen = h
        .wait_for("ALLOW from live mode", |s| {
            s.contains("check #1") && s.contains("ALLOW")
        })
        .await;
    assert!(screen.contains("LIVE"), "{screen}");
    assert!(screen.contains("cleared_engineers"), "{screen}");
    // To the attributes field, then turn `3` into `2`: the edit in between is invalid JSON
    // and must not fire.
    h.key(KeyCode::Tab);
    h.key(KeyCode::Left);
    h.key(KeyCode::Backspace);
    h.wait_for("the JSON error", |s| s.contains("✗ 1:")).await;
    h.type_text("2");
    let screen = h
        .wait_for("DENY after the edit", |s| {
            s.contains("check #2") && s.contains("DENY")
        })
        .await;
    assert!(screen.contains("no_matching_usersets"), "{screen}");
    let app = h.quit().await;
    assert_eq!(app.next_check_id, 3, "exactly two checks were sent");
    assert_eq!(
        app.text(Field::UserAttributes),
        r#"{"department": "engineering", "clearance": 2}"#
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn esc_cancels_a_check_to_a_pdp_that_never_answers() {
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let router = healthy().route(
        "/allowed",
        post(move |_body: Json<Value>| {
            let _ = events_tx.send("received");
            let guard = DropSignal(Some(events_tx.clone()));
            async move {
                let _guard = guard;
                std::future::pending::<Json<Value>>().await
            }
        }),
    );
    let url = serve(router).await;
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        ..CheckInput::default()
    };
    let settings = Settings {
        timeout: Duration::from_secs(60),
        ..Settings::default()
    };
    let mut h = Harness::start(app_for(remote(url), &input, settings));
    h.key(KeyCode::Enter);
    h.wait_for("the spinner", |s| {
        s.contains("Checking #1") && s.contains("Esc cancels")
    })
    .await;
    let received = tokio::time::timeout(WAIT, events.recv()).await;
    assert_eq!(received.ok().flatten(), Some("received"));
    h.key(KeyCode::Esc);
    h.wait_for("the cancel note", |s| s.contains("Check #1 cancelled"))
        .await;
    let hung_up = tokio::time::timeout(WAIT, events.recv()).await;
    assert_eq!(
        hung_up.ok().flatten(),
        Some("dropped"),
        "the request was aborted on the wire"
    );
    // Still responsive: the form takes keys and shows them.
    h.type_text("-x");
    h.wait_for("typed text", |s| s.contains("alice-x")).await;
    let app = h.quit().await;
    assert!(app.in_flight.is_none());
    assert!(app.result.is_none());
}

#[tokio::test]
async fn a_pdp_that_never_answers_times_out_with_a_clear_error() {
    let router = healthy().route("/allowed", post(std::future::pending::<Json<Value>>));
    let url = serve(router).await;
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        ..CheckInput::default()
    };
    let settings = Settings {
        timeout: Duration::from_millis(300),
        ..Settings::default()
    };
    let mut h = Harness::start(app_for(remote(url), &input, settings));
    h.key(KeyCode::F(5));
    let screen = h
        .wait_for("the timeout error", |s| {
            s.contains("ERROR") && s.contains("did not answer within")
        })
        .await;
    assert!(screen.contains("What to do"), "{screen}");
    let app = h.quit().await;
    let err = app.result.unwrap().exchange.result.unwrap_err();
    assert_eq!(err.kind(), "timeout");
}

#[tokio::test]
async fn a_superseded_check_is_not_shown() {
    // The first request is answered slowly with ALLOW, later ones at once with DENY.
    let calls = Arc::new(AtomicUsize::new(0));
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let router = healthy().route(
        "/allowed",
        post(move |_body: Json<Value>| {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            let events_tx = events_tx.clone();
            let _ = events_tx.send("received");
            async move {
                if n == 0 {
                    let _guard = DropSignal(Some(events_tx));
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                    std::mem::forget(_guard);
                    Json(json!({"allow": true, "debug": {"rbac": {"allow": true, "reason": "slow first"}}}))
                } else {
                    Json(json!({"allow": false, "debug": {"rbac": {"allow": false, "reason": "fast second"}}}))
                }
            }
        }),
    );
    let url = serve(router).await;
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        ..CheckInput::default()
    };
    let mut h = Harness::start(app_for(remote(url), &input, Settings::default()));
    // Record every frame the loop publishes, to prove the first answer never shows.
    let mut recorder = h.frames.clone();
    let seen_slow = tokio::spawn(async move {
        let mut seen = false;
        while recorder.changed().await.is_ok() {
            seen |= text_of(&recorder.borrow_and_update()).contains("slow first");
        }
        seen
    });
    h.key(KeyCode::Enter);
    h.wait_for("check #1 in flight", |s| s.contains("Checking #1"))
        .await;
    // Supersede only once the server holds the first request.
    let received = tokio::time::timeout(WAIT, events.recv()).await;
    assert_eq!(received.ok().flatten(), Some("received"));
    h.key(KeyCode::F(5));
    let screen = h
        .wait_for("the second answer", |s| {
            s.contains("check #2") && s.contains("DENY")
        })
        .await;
    assert!(screen.contains("fast second"), "{screen}");
    // The superseded request was aborted before the slow answer could be sent.
    let mut seen_events = Vec::new();
    while !seen_events.contains(&"dropped") {
        match tokio::time::timeout(WAIT, events.recv()).await {
            Ok(Some(event)) => seen_events.push(event),
            _ => panic!("the first request was not aborted: {seen_events:?}"),
        }
    }
    let app = h.quit().await;
    assert_eq!(app.result.as_ref().map(|r| r.id), Some(2));
    let seen = tokio::time::timeout(WAIT, seen_slow)
        .await
        .unwrap()
        .unwrap();
    assert!(!seen, "the superseded answer was drawn");
}

#[tokio::test]
async fn q_outside_text_fields_quits_and_help_toggles() {
    let url = serve(healthy()).await;
    let mut app = app_for(remote(url), &CheckInput::default(), Settings::default());
    app.focus = Focus::Field(Field::Context);
    let mut h = Harness::start(app);
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('?'));
    h.wait_for("help", |s| s.contains("Keys · type to search · Esc closes"))
        .await;
    // Typing searches the help: `q` is search text there, not quit.
    h.key(KeyCode::Char('q'));
    h.wait_for("the search", |s| s.contains("Keys matching “q”"))
        .await;
    h.key(KeyCode::Esc);
    h.key(KeyCode::Esc);
    h.wait_for("help closed", |s| !s.contains("Keys ·")).await;
    let screen = h.wait_for("health dot", |s| s.contains("● mock")).await;
    assert!(!screen.contains("health unknown"), "{screen}");
    h.key(KeyCode::Char('q'));
    let app = tokio::time::timeout(WAIT, h.handle)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(app.should_quit);
}

/// Only a sandbox reads the trace header: a PDP that is not one is never sent it, and the
/// Request tab lists every header that was sent, User-Agent included.
#[tokio::test]
async fn a_real_pdp_is_not_sent_the_sandbox_trace_header() {
    let (tx, mut seen) = mpsc::unbounded_channel::<Vec<String>>();
    let router = healthy().route(
        "/allowed",
        post(move |headers: axum::http::HeaderMap| {
            let tx = tx.clone();
            async move {
                let names = headers.keys().map(|k| k.as_str().to_string()).collect();
                let _ = tx.send(names);
                Json(json!({"allow": true}))
            }
        }),
    );
    let url = serve(router).await;
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        ..CheckInput::default()
    };
    let mut h = Harness::start(app_for(remote(url), &input, Settings::default()));
    h.wait_for("first frame", |s| s.contains("mock")).await;
    h.key(KeyCode::F(5));
    let names = tokio::time::timeout(WAIT, seen.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        !names.iter().any(|n| n == "x-permit-tui-trace"),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n == "user-agent"), "{names:?}");
    h.key(KeyCode::F(3));
    let screen = h
        .wait_for("the Request tab", |s| s.contains("User-Agent: permit-tui/"))
        .await;
    assert!(!screen.contains("x-permit-tui-trace"), "{screen}");
    h.quit().await;
}
