//! `permit-tui check` as a user runs it: the real binary against a real sandbox over loopback.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use permit_tui::sandbox::{serve, RunningSandbox, Sandbox, ServeOptions};
use serde_json::Value;

const POLICY: &str = r#"{
  "environment": {"key": "t", "project": "p", "api_key": "permit_key_cli_test"},
  "resources": [{"key": "document", "actions": {"read": {}, "delete": {}}}],
  "roles": [{"key": "viewer", "permissions": ["document:read"]},
            {"key": "editor", "permissions": ["document:delete"], "extends": ["viewer"]}],
  "tenants": [{"key": "acme"}, {"key": "default"}],
  "users": [{"key": "alice"}],
  "role_assignments": [{"user": "alice", "role": "viewer", "tenant": "acme"}]
}"#;

async fn sandbox() -> RunningSandbox {
    let sandbox = Sandbox::from_texts(&[("cli-test", POLICY)]).expect("test policy loads");
    serve(
        sandbox,
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default(),
    )
    .await
    .expect("sandbox binds")
}

/// Config and data directories of their own, so tests never touch $HOME.
struct Dirs {
    config: tempfile::TempDir,
    data: tempfile::TempDir,
}

fn dirs() -> Dirs {
    Dirs {
        config: tempfile::tempdir().unwrap(),
        data: tempfile::tempdir().unwrap(),
    }
}

fn check(url: &str, key: Option<&str>, args: &[&str]) -> Output {
    check_in(&dirs(), Some(url), key, args)
}

fn check_in(dirs: &Dirs, url: Option<&str>, key: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_permit-tui"));
    cmd.arg("check")
        .args(args)
        .env("PERMIT_TUI_CONFIG_DIR", dirs.config.path())
        .env("PERMIT_TUI_DATA_DIR", dirs.data.path())
        .env_remove("PERMIT_PDP_URL")
        .env_remove("PERMIT_API_URL")
        .env_remove("PERMIT_API_KEY");
    if let Some(url) = url {
        cmd.env("PERMIT_PDP_URL", url);
    }
    if let Some(key) = key {
        cmd.env("PERMIT_API_KEY", key);
    }
    cmd.output().expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn allow_exits_0_and_prints_the_allowing_role() {
    let sb = sandbox().await;
    let out = check(
        &sb.url(),
        Some("permit_key_cli_test"),
        &[
            "-u",
            "alice",
            "-a",
            "read",
            "-r",
            "document:d1",
            "-t",
            "acme",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("ALLOW  user 'alice' read document:d1 in tenant 'acme'"),
        "{text}"
    );
    assert!(text.contains("rbac") && text.contains("allow"), "{text}");
    assert!(text.contains("HTTP 200"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn deny_exits_1_and_prints_the_code_and_support_link() {
    let sb = sandbox().await;
    let out = check(
        &sb.url(),
        Some("permit_key_cli_test"),
        &[
            "-u", "alice", "-a", "delete", "-r", "document", "-t", "acme",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.starts_with("DENY"), "{text}");
    assert!(text.contains("no_permission"), "{text}");
    assert!(
        text.contains("https://docs.permit.io/errors/no_permission"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tenant_defaults_to_default_like_the_sdks() {
    let sb = sandbox().await;
    let out = check(
        &sb.url(),
        Some("permit_key_cli_test"),
        &["-u", "alice", "-a", "read", "-r", "document", "--json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["request"]["body"]["resource"]["tenant"], "default");
    assert_eq!(
        report["response"]["body"]["debug"]["rbac"]["code"],
        "no_role_in_tenant"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn json_report_redacts_the_key_and_carries_response_and_latency() {
    let sb = sandbox().await;
    let out = check(
        &sb.url(),
        Some("permit_key_cli_test"),
        &[
            "-u", "alice", "-a", "read", "-r", "document", "-t", "acme", "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(!text.contains("permit_key_cli_test"), "key leaked: {text}");
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["decision"], "allow");
    assert_eq!(
        report["request"]["headers"]["authorization"],
        "Bearer <redacted>"
    );
    assert_eq!(report["response"]["status"], 200);
    assert_eq!(report["response"]["body"]["allow"], true);
    assert!(report["latency_ms"].as_f64().is_some_and(|ms| ms > 0.0));
    let sent = &report["request"]["headers"];
    assert!(
        sent["user-agent"]
            .as_str()
            .is_some_and(|ua| ua.starts_with("permit-tui/")),
        "every header sent is shown: {sent}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_key_exits_2_with_advice() {
    let sb = sandbox().await;
    let out = check(
        &sb.url(),
        Some("permit_key_wrong"),
        &["-u", "alice", "-a", "read", "-r", "document"],
    );
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(text.contains("refused the API key (HTTP 403"), "{text}");
    assert!(text.contains("environment-level API key"), "{text}");
    let out = check(
        &sb.url(),
        None,
        &["-u", "alice", "-a", "read", "-r", "document"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("HTTP 401"), "{}", stdout(&out));
}

#[test]
fn invalid_json_attribute_exits_2_with_line_and_column_and_sends_nothing() {
    // The PDP URL points at a port nobody listens on: had anything been sent, the error
    // would be "cannot reach", not the JSON error.
    let out = check(
        "http://127.0.0.1:9",
        None,
        &[
            "-u",
            "alice",
            "-a",
            "read",
            "-r",
            "document",
            "--user-attr",
            "{\"a\":\n 1,}",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("user attributes") && err.contains("line 2, column 4"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_resource_with_two_colons_is_refused() {
    let out = check(
        "http://127.0.0.1:9",
        None,
        &["-u", "alice", "-a", "read", "-r", "a:b:c"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than one `:`"));
}

#[test]
fn unreachable_pdp_exits_2_and_says_how_to_start_one() {
    let out = check(
        "http://127.0.0.1:9",
        None,
        &["-u", "alice", "-a", "read", "-r", "document"],
    );
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("cannot reach the PDP at http://127.0.0.1:9"),
        "{text}"
    );
    assert!(text.contains("permit-tui sandbox"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_check_lands_in_history_without_the_key() {
    let sb = sandbox().await;
    let d = dirs();
    let args = [
        "-u",
        "alice",
        "-a",
        "read",
        "-r",
        "document:d1",
        "-t",
        "acme",
    ];
    assert_eq!(
        check_in(&d, Some(&sb.url()), Some("permit_key_cli_test"), &args)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        check_in(&d, Some("http://127.0.0.1:9"), None, &args)
            .status
            .code(),
        Some(2)
    );
    let history = std::fs::read_to_string(d.data.path().join("history.jsonl")).unwrap();
    let lines: Vec<Value> = history
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{history}");
    assert!(
        !history.contains("permit_key_cli_test"),
        "key leaked into history: {history}"
    );
    assert!(history.contains("\"alice\""), "{history}");
}

#[test]
fn named_sandbox_environment_needs_no_url_or_key() {
    let d = dirs();
    let out = check_in(
        &d,
        None,
        None,
        &[
            "--env",
            "sandbox-dev",
            "-u",
            "alice",
            "-a",
            "read",
            "-r",
            "document:doc-1",
            "-t",
            "acme",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = check_in(
        &d,
        None,
        None,
        &[
            "--env", "nope", "-u", "alice", "-a", "read", "-r", "document",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

#[test]
fn a_read_only_data_directory_still_gives_the_decision() {
    let d = dirs();
    // A data "directory" under a regular file cannot be created, even by root.
    let blocker = d.data.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_permit-tui"));
    let out = cmd
        .args([
            "check",
            "--env",
            "sandbox-dev",
            "-u",
            "alice",
            "-a",
            "read",
            "-r",
            "document:doc-1",
            "-t",
            "acme",
        ])
        .env("PERMIT_TUI_CONFIG_DIR", d.config.path())
        .env("PERMIT_TUI_DATA_DIR", blocker.join("data"))
        .env_remove("PERMIT_PDP_URL")
        .env_remove("PERMIT_API_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not added to history"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `--timeout 1e20` once panicked (exit 101); a timeout past one day would
/// overflow a deadline. Both exit 2 with the accepted range.
#[tokio::test(flavor = "multi_thread")]
async fn an_absurd_timeout_exits_2_with_the_accepted_range() {
    let sb = sandbox().await;
    for timeout in ["1e20", "1e15", "0", "NaN"] {
        let out = check(
            &sb.url(),
            Some("permit_key_cli_test"),
            &[
                "-u",
                "alice",
                "-a",
                "read",
                "-r",
                "document",
                "--timeout",
                timeout,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "--timeout {timeout}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("at most 86400"), "--timeout {timeout}: {err}");
    }
}

/// One `--timeout` syntax for every command. `check` once took only seconds as a number;
/// it now takes a duration with a unit too, and a bare number still means seconds.
#[tokio::test(flavor = "multi_thread")]
async fn a_timeout_takes_a_unit_or_a_bare_number_of_seconds() {
    let sb = sandbox().await;
    for timeout in ["500ms", "0.5", "2s", "5", "1m"] {
        let out = check(
            &sb.url(),
            Some("permit_key_cli_test"),
            &[
                "-u",
                "alice",
                "-a",
                "read",
                "-r",
                "document:d1",
                "-t",
                "acme",
                "--timeout",
                timeout,
            ],
        );
        let text = stdout(&out);
        assert_eq!(
            out.status.code(),
            Some(0),
            "--timeout {timeout}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.starts_with("ALLOW"), "--timeout {timeout}: {text}");
    }
}

/// Refused before anything is sent, with the flag's name and the forms it accepts.
#[test]
fn a_zero_negative_or_wordy_timeout_is_refused_naming_the_flag_and_the_forms() {
    for timeout in ["0", "0s", "-1", "abc", "25h"] {
        let out = check(
            "http://127.0.0.1:9",
            None,
            &[
                "-u",
                "alice",
                "-a",
                "read",
                "-r",
                "document",
                "--timeout",
                timeout,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "--timeout {timeout}");
        assert!(
            out.stdout.is_empty(),
            "--timeout {timeout}: {}",
            stdout(&out)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "invalid value '{timeout}' for '--timeout <DURATION>'"
            )),
            "--timeout {timeout}: {err}"
        );
        assert!(
            err.contains("500ms") && err.contains("a bare number of seconds"),
            "--timeout {timeout}: the accepted forms are named: {err}"
        );
    }
}

/// A loopback port that takes connections and never answers.
fn silent_pdp() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

/// The duration is the one the request waits: 300ms, not the default 5 s.
#[test]
fn a_timeout_in_milliseconds_ends_a_check_the_pdp_never_answers() {
    let (_listener, url) = silent_pdp();
    let started = std::time::Instant::now();
    let out = check(
        &url,
        None,
        &[
            "-u",
            "alice",
            "-a",
            "read",
            "-r",
            "document",
            "--timeout",
            "300ms",
            "--json",
        ],
    );
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(report["error"]["kind"], "timeout", "{report:#}");
    let latency = report["latency_ms"].as_f64().unwrap();
    assert!((250.0..3000.0).contains(&latency), "{report:#}");
    assert!(elapsed < std::time::Duration::from_secs(4), "{elapsed:?}");
}

/// What a terminal would act on: ESC (escape sequences), BEL, CSI and the other C1 controls.
fn has_terminal_controls(text: &str) -> bool {
    text.chars()
        .any(|c| c != '\n' && c != '\t' && (c.is_control() || ('\u{80}'..='\u{9f}').contains(&c)))
}

#[tokio::test(flavor = "multi_thread")]
async fn terminal_escapes_echoed_in_a_reason_are_shown_escaped_not_obeyed() {
    let sb = sandbox().await;
    let hostile = "eve\u{1b}]0;owned\u{7}\u{1b}[2J\rALLOW\u{9b}31m";
    let out = check(
        &sb.url(),
        Some("permit_key_cli_test"),
        &[
            "--user",
            hostile,
            "--action",
            "read",
            "--resource",
            "document",
            "--tenant",
            "acme",
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text:?}");
    assert!(!has_terminal_controls(&text), "{text:?}");
    assert!(
        text.contains(r"eve\x1b]0;owned\x07\x1b[2J\rALLOW\u{9b}31m"),
        "{text}"
    );
    assert!(text.starts_with("DENY"), "{text}");
}

#[test]
fn a_hostile_error_body_cannot_forge_lines_or_retitle_the_terminal() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = "<html>\u{1b}[2J\u{1b}]0;pwned\u{7}\nALLOW  everything\r\nALLOW</html>";
            let _ = write!(
                stream,
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let out = check(
        &url,
        Some("k"),
        &["--user", "u", "--action", "read", "--resource", "doc"],
    );
    let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{all:?}");
    assert!(!has_terminal_controls(&all), "{all:?}");
    assert!(all.contains(r"\x1b]0;pwned\x07"), "{all}");
    assert!(
        !all.lines().any(|l| l.starts_with("ALLOW")),
        "a forged decision line: {all}"
    );
}

#[test]
fn a_password_in_the_pdp_url_never_shows_in_output_or_history() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://admin:hunter2@127.0.0.1:{port}");
    let d = dirs();
    for json in [false, true] {
        let mut args = vec!["-u", "alice", "-a", "read", "-r", "document"];
        if json {
            args.push("--json");
        }
        let out = check_in(&d, Some(&url), Some("permit_key_cli_test"), &args);
        let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{all}");
        assert!(!all.contains("hunter2"), "{all}");
        assert!(all.contains("admin:•••@127.0.0.1"), "{all}");
    }
    let history = std::fs::read_to_string(d.data.path().join("history.jsonl")).unwrap();
    assert!(history.lines().count() == 2, "{history}");
    assert!(!history.contains("hunter2"), "{history}");

    let out = check_in(
        &d,
        Some("http://admin:hunter2@[::1"),
        None,
        &["-u", "a", "-a", "r", "-r", "d"],
    );
    let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(!all.contains("hunter2"), "a URL that does not parse: {all}");
}
