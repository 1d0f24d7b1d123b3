//! The debugging tools through the whole explorer loop (`run_loop` on `TestBackend`, scripted
//! keys) against the in-process sandbox over loopback HTTP. Every wait is bounded.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;
use crossterm::event::KeyCode;
use permit_tui::matrix::Cell;
use permit_tui::pdp::{CheckInput, PdpClient};
use permit_tui::tui::app::{App, Field, Focus, Settings, Target};
use permit_tui::tui::bootstrap::start_sandbox;
use permit_tui::tui::tools::matrix::Fill;

mod common;
use common::{Harness, WAIT};

fn heidi(clearance: u32) -> CheckInput {
    CheckInput {
        user: "heidi".into(),
        user_attributes: format!(r#"{{"department": "engineering", "clearance": {clearance}}}"#),
        action: "read".into(),
        resource: "document:design-doc".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    }
}

#[tokio::test]
async fn explain_tree_names_the_failing_condition_and_what_would_allow() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let mut app = App::new(targets, &heidi(2), Settings::default());
    app.focus = Focus::Field(Field::Context);
    let mut h = Harness::start(app);
    h.key(KeyCode::F(5));
    let screen = h
        .wait_for("a DENY with its tree", |s| {
            s.contains("check #1") && s.contains("DENY")
        })
        .await;
    assert!(
        screen.contains("✘ user.clearance ≥ 3 (actual: 2)  ◀ decisive"),
        "{screen}"
    );
    assert!(
        !screen.contains("Sandbox trace"),
        "the raw trace dump is replaced by the tree"
    );
    // Below the tree, in the same panel: what would make it allow.
    h.key(KeyCode::Esc);
    for _ in 0..30 {
        h.key(KeyCode::Char('j'));
    }
    h.wait_for("the suggestions", |s| {
        s.contains("What would make this allow?")
            && s.contains("set user.clearance ≥ 3 (is 2) to match user set")
    })
    .await;
    h.quit().await;
    sandbox.shutdown().await;
}

// Two workers: the test runs the copied curl with a blocking `Command::output`, and the
// sandbox it calls serves on this test's runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_copies_curl_with_the_key_redacted_unless_asked_and_saves_to_a_file() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let key = targets[0].reveal_key().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new(targets, &heidi(3), Settings::default());
    app.tools.export_dir = Some(dir.path().to_path_buf());
    let mut h = Harness::start(app);
    h.ctrl('o');
    h.wait_for("the export menu", |s| s.contains("Export the check"))
        .await;
    h.key(KeyCode::Char('c'));
    let text = h.copied().await;
    assert!(text.starts_with("curl "), "{text}");
    assert!(text.contains("${PERMIT_API_KEY}"), "{text}");
    assert!(!text.contains(&key), "key must be redacted: {text}");
    // The copied text runs as pasted and gives the sandbox's own decision.
    let ran = std::process::Command::new("sh")
        .arg("-c")
        .arg(&text)
        .env("PERMIT_API_KEY", &key)
        .output()
        .expect("sh runs");
    let body: serde_json::Value = serde_json::from_slice(&ran.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&ran.stderr)));
    let pdp = PdpClient::new(&sandbox.url(), Some(key.clone()), WAIT).unwrap();
    let direct = pdp
        .check(&heidi(3).to_query().unwrap())
        .await
        .result
        .unwrap();
    assert_eq!(
        body["allow"],
        serde_json::Value::Bool(direct.allow),
        "{body}"
    );
    assert!(direct.allow);
    h.wait_for("the Copied notice", |s| {
        s.contains("Copied curl (key from $PERMIT_API_KEY) to the clipboard")
    })
    .await;

    // "With the key" is a separate, explicit choice, and only for that one export.
    h.ctrl('o');
    h.key(KeyCode::Char('k'));
    h.wait_for("the key switch", |s| s.contains("[x] include the API key"))
        .await;
    h.key(KeyCode::Char('c'));
    let secret = h.copied().await;
    assert!(secret.contains(&key), "{secret}");
    h.wait_for("the notice", |s| s.contains("WITH the API key"))
        .await;

    // Save to a file for terminals without OSC 52.
    h.ctrl('o');
    h.wait_for("the key switch reset", |s| {
        s.contains("[ ] include the API key")
    })
    .await;
    h.key(KeyCode::Char('f'));
    h.key(KeyCode::Char('p'));
    let screen = h
        .wait_for("the Saved notice", |s| s.contains("Saved Python SDK"))
        .await;
    let path = dir.path().join("permit-check.py");
    assert!(screen.contains("permit-check.py"), "{screen}");
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.contains("heidi") && !saved.contains(&key), "{saved}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a saved snippet may hold the key: owner only");
    }

    // Saving again never replaces the first file: the second gets a number.
    h.ctrl('o');
    h.wait_for("the export overlay", |s| {
        s.contains("[ ] include the API key")
    })
    .await;
    // The file switch stays as it was left.
    h.key(KeyCode::Char('p'));
    let second = dir.path().join("permit-check-2.py");
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while !second.exists() {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the second file");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), saved);
    let app = h.quit().await;
    assert!(
        app.notices
            .iter()
            .any(|n| n.text.contains("Saved Python SDK") && n.text.contains("permit-check-2.py")),
        "the notice names the new file"
    );
    sandbox.shutdown().await;
}

/// A loopback proxy in front of the sandbox that counts requests by path.
async fn counting_proxy(upstream: String) -> (String, Arc<Mutex<HashMap<String, usize>>>) {
    let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let http = reqwest::Client::new();
    let seen = counts.clone();
    let router = Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let http = http.clone();
            let upstream = upstream.clone();
            let seen = seen.clone();
            async move {
                *seen
                    .lock()
                    .unwrap()
                    .entry(uri.path().to_string())
                    .or_default() += 1;
                let url = format!(
                    "{upstream}{}",
                    uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
                );
                let mut req = http.request(method, url).body(body);
                for (name, value) in &headers {
                    if name != "host" {
                        req = req.header(name, value);
                    }
                }
                match req.send().await {
                    Ok(resp) => {
                        let status = StatusCode::from_u16(resp.status().as_u16())
                            .unwrap_or(StatusCode::BAD_GATEWAY);
                        let body = resp.bytes().await.unwrap_or_default();
                        (status, [("content-type", "application/json")], body).into_response()
                    }
                    Err(_) => StatusCode::BAD_GATEWAY.into_response(),
                }
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}"), counts)
}

#[tokio::test]
async fn matrix_is_one_bulk_request_and_matches_single_checks_cell_by_cell() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let dev: Target = targets[0].clone();
    let (proxy, counts) = counting_proxy(sandbox.url()).await;
    let mut proxied = dev.clone();
    proxied.pdp_url = proxy;
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    };
    let mut h = Harness::start(App::new(vec![proxied], &input, Settings::default()));
    h.key(KeyCode::F(8));
    let screen = h
        .wait_for("the filled matrix", |s| {
            s.contains("checks in one /allowed/bulk request,")
        })
        .await;
    assert!(
        screen.contains("✔ allow") && screen.contains("✘ deny"),
        "{screen}"
    );
    let checks_before = counts.lock().unwrap().clone();
    assert_eq!(
        checks_before.get("/allowed/bulk"),
        Some(&1),
        "{checks_before:?}"
    );
    assert_eq!(checks_before.get("/allowed"), None, "{checks_before:?}");

    // Enter on the selected cell loads it into the form and checks it.
    h.key(KeyCode::Down);
    h.key(KeyCode::Enter);
    h.wait_for("the cell's check", |s| s.contains("check #1"))
        .await;
    let app = h.quit().await;
    let state = app.tools.matrix.clone().unwrap();
    let Fill::Ready { matrix, .. } = &state.fill else {
        panic!("matrix not ready: {:?}", state.fill);
    };
    let (kind, action) = matrix.cell_query(state.row, state.col).unwrap();
    assert_eq!(app.text(Field::Resource), kind);
    assert_eq!(app.text(Field::Action), action);
    assert_eq!(counts.lock().unwrap().get("/allowed/bulk"), Some(&1));

    // Every cell equals the single check of its type and action.
    let pdp = PdpClient::new(&sandbox.url(), dev.reveal_key().map(str::to_string), WAIT).unwrap();
    let mut compared = 0;
    for (row, kind) in matrix.resource_types.iter().enumerate() {
        for (col, action) in matrix.actions.iter().enumerate() {
            let cell = matrix.cells[row][col];
            if cell == Cell::NotApplicable {
                continue;
            }
            let query = CheckInput {
                user: "alice".into(),
                action: action.clone(),
                resource: kind.clone(),
                tenant: "acme".into(),
                ..CheckInput::default()
            }
            .to_query()
            .unwrap();
            let single = pdp.check(&query).await.result.unwrap().allow;
            assert_eq!(cell == Cell::Allow, single, "{kind} × {action}");
            compared += 1;
        }
    }
    assert!(compared >= 6, "only {compared} cells");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn who_can_lists_users_with_role_and_where() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let input = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document:doc-1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    };
    let mut h = Harness::start(App::new(targets, &input, Settings::default()));
    h.key(KeyCode::F(9));
    let screen = h
        .wait_for("authorized users", |s| s.contains("user(s)"))
        .await;
    assert!(
        screen.contains("Who can read document:doc-1 in 'acme'"),
        "{screen}"
    );
    assert!(screen.contains("✔ alice"), "{screen}");
    assert!(screen.contains("role editor"), "{screen}");
    h.quit().await;
    sandbox.shutdown().await;
}

#[tokio::test]
async fn what_if_marks_exactly_the_changed_attribute() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let mut h = Harness::start(App::new(targets, &heidi(3), Settings::default()));
    h.ctrl('t');
    h.wait_for("pinned", |s| s.contains("Pinned the form as A"))
        .await;
    // Into the user attributes: turn clearance 3 into 2.
    h.key(KeyCode::Tab);
    h.key(KeyCode::Left);
    h.key(KeyCode::Backspace);
    h.type_text("2");
    h.ctrl('t');
    let screen = h
        .wait_for("both decisions", |s| {
            s.contains("ALLOW") && s.contains("DENY") && s.contains("What-if")
        })
        .await;
    assert!(
        screen.contains("● user.attributes.clearance: 3 → 2"),
        "{screen}"
    );
    assert!(
        screen.contains("user.clearance ≥ 3 (actual: 2)"),
        "{screen}"
    );
    let app = h.quit().await;
    let changes = &app.tools.whatif.as_ref().unwrap().changes;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].path, "user.attributes.clearance");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn compare_shows_where_dev_and_prod_disagree() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    assert_eq!(names, ["dev", "prod"]);
    // The demo policies: tenant editors may share in dev, not in prod.
    let input = CheckInput {
        user: "alice".into(),
        action: "share".into(),
        resource: "document:doc-1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    };
    let mut h = Harness::start(App::new(targets, &input, Settings::default()));
    h.key(KeyCode::F(6));
    let screen = h
        .wait_for("both environments answered", |s| {
            s.contains("Compare: dev vs prod") && s.contains("ALLOW") && s.contains(" DENY ")
        })
        .await;
    assert!(screen.contains("HTTP 200"), "{screen}");
    let app = h.quit().await;
    let sides = &app.tools.compare.as_ref().unwrap().sides;
    let allow = |i: usize| {
        sides[i]
            .exchange
            .as_ref()
            .unwrap()
            .result
            .as_ref()
            .unwrap()
            .allow
    };
    assert_eq!((sides[0].label.as_str(), allow(0)), ("dev", true));
    assert_eq!((sides[1].label.as_str(), allow(1)), ("prod", false));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn autocomplete_offers_alice_and_never_steals_typed_keys() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let input = CheckInput {
        action: "read".into(),
        resource: "document:doc-1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    };
    let mut app = App::new(targets, &input, Settings::default());
    app.focus = Focus::Field(Field::User);
    let mut h = Harness::start(app);
    h.type_text("ali");
    let screen = h.wait_for("the popup", |s| s.contains("│ alice │")).await;
    assert!(screen.contains("User         ali "), "{screen}");
    // Typing goes on into the field even with the popup open: `q` and `j` are text.
    h.type_text("qj");
    h.wait_for("no candidates for 'aliqj'", |s| {
        s.contains("aliqj") && !s.contains("│ alice │")
    })
    .await;
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Backspace);
    h.wait_for("the popup again", |s| s.contains("│ alice │"))
        .await;
    h.key(KeyCode::Enter);
    h.wait_for("accepted", |s| {
        s.contains("User         alice") && !s.contains("│ alice │")
    })
    .await;
    let app = h.quit().await;
    assert_eq!(app.text(Field::User), "alice");
    assert_eq!(
        app.next_check_id, 1,
        "Enter accepted the suggestion, it did not check"
    );
    sandbox.shutdown().await;
}

/// A numbered suggestion is one key away: the digit makes its change on the form, pins the
/// checked query as A and shows A against the changed form; Ctrl-Z in the field takes it back.
#[tokio::test]
async fn a_digit_applies_a_suggestion_to_the_form_as_a_what_if_and_undo_takes_it_back() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let mut app = App::new(targets, &heidi(2), Settings::default());
    app.focus = Focus::Field(Field::Context);
    let mut h = Harness::start(app);
    h.key(KeyCode::F(5));
    let screen = h
        .wait_for("a DENY with numbered suggestions", |s| {
            s.contains("check #1") && s.contains("DENY") && s.contains("to allow")
        })
        .await;
    // RBAC's fix is a role in Permit (no key); ABAC's is a value the form can send.
    assert!(
        screen.contains("to allow ·   give heidi a role granting document:read"),
        "{screen}"
    );
    assert!(
        screen.contains("[2] set user.clearance ≥ 3 (is 2)"),
        "{screen}"
    );
    h.key(KeyCode::Esc);
    // Suggestion 1 is data in Permit: the key says so and changes nothing.
    h.key(KeyCode::Char('1'));
    h.wait_for("the data-change note", |s| {
        s.contains("Suggestion 1 is a change to the PDP's data")
    })
    .await;
    h.key(KeyCode::Char('2'));
    let screen = h
        .wait_for("A against the changed form", |s| {
            s.contains("What-if")
                && s.contains("Decisions differ: A (pinned) DENY · B (form) ALLOW")
        })
        .await;
    assert!(
        screen.contains("● user.attributes.clearance: 2 → 3"),
        "{screen}"
    );
    h.key(KeyCode::Esc);
    // Undo in the changed field restores what the user had typed.
    h.key(KeyCode::Enter);
    h.key(KeyCode::BackTab);
    h.key(KeyCode::BackTab);
    h.key(KeyCode::BackTab);
    h.key(KeyCode::BackTab);
    h.key(KeyCode::BackTab);
    h.key(KeyCode::BackTab);
    h.ctrl('z');
    let app = h.quit().await;
    let attributes: serde_json::Value =
        serde_json::from_str(&app.text(Field::UserAttributes)).unwrap();
    assert_eq!(
        attributes["clearance"], 2,
        "undo brings the typed value back"
    );
    sandbox.shutdown().await;
}

/// Passing branches that decided nothing take one line until `z` unfolds them.
#[tokio::test]
async fn passing_branches_are_folded_until_z() {
    let (sandbox, targets) = start_sandbox().await.unwrap();
    let mut input = heidi(2);
    input.resource = "document".into();
    input.resource_attributes = r#"{"classification": "confidential"}"#.into();
    let mut app = App::new(targets, &input, Settings::default());
    app.focus = Focus::Field(Field::Context);
    let mut h = Harness::start(app);
    h.key(KeyCode::F(5));
    let screen = h
        .wait_for("the folded tree", |s| {
            s.contains("check #1") && s.contains("DENY")
        })
        .await;
    assert!(
        screen.contains("✔ matched 'Confidential documents'"),
        "{screen}"
    );
    assert!(
        screen.contains("passing lines folded (z unfolds)"),
        "{screen}"
    );
    assert!(
        !screen.contains("resource.classification in"),
        "the matched resource set's conditions are folded: {screen}"
    );
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('z'));
    let screen = h
        .wait_for("the unfolded tree", |s| !s.contains("folded (z unfolds)"))
        .await;
    assert!(screen.contains("✔ resource.type = document"), "{screen}");
    h.quit().await;
    sandbox.shutdown().await;
}
