//! `permit-tui test` and `permit-tui diff` end to end: the real binary against the bundled
//! sandbox started in-process by `--env sandbox-dev|sandbox-prod`.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn demo_suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/suites/demo.toml")
}

fn permit_tui(args: &[&str]) -> Output {
    // Empty config and data directories of the test's own: nothing configured, $HOME untouched.
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    Command::new(env!("CARGO_BIN_EXE_permit-tui"))
        .args(args)
        .env("PERMIT_TUI_CONFIG_DIR", dirs[0].path())
        .env("PERMIT_TUI_DATA_DIR", dirs[1].path())
        .env_remove("PERMIT_PDP_URL")
        .env_remove("PERMIT_API_KEY")
        .output()
        .expect("the binary runs")
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The checks the demo suite marks as differing between dev and prod.
fn marked_differences() -> BTreeSet<String> {
    let suite = permit_tui::suite::load_suite(&demo_suite()).unwrap();
    suite
        .checks
        .iter()
        .filter(|c| c.name.contains("[differs in prod]"))
        .map(|c| c.name.clone())
        .collect()
}

#[test]
fn the_demo_suite_passes_on_dev_with_exit_0() {
    let suite = demo_suite();
    let out = permit_tui(&[
        "test",
        suite.to_str().unwrap(),
        "--env",
        "sandbox-dev",
        "--json",
    ]);
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    let total = report["checks"].as_array().unwrap().len();
    assert!(total >= 20, "{total}");
    assert_eq!(report["passed"], total);
    assert_eq!(report["failed"], 0);
    assert_eq!(report["errors"], 0);
    assert_eq!(report["transport"], "bulk");
    // Expected codes were judged from the debug objects, not skipped.
    let coded = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["expect_code"].is_string())
        .count();
    assert!(coded >= 8, "{coded}");
}

#[test]
fn on_prod_the_demo_suite_fails_exactly_the_marked_checks_with_exit_1() {
    let suite = demo_suite();
    let out = permit_tui(&[
        "test",
        suite.to_str().unwrap(),
        "--env",
        "sandbox-prod",
        "--json",
    ]);
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    let failed: BTreeSet<String> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "fail")
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(failed, marked_differences());
    for check in report["checks"].as_array().unwrap() {
        if check["verdict"] == "fail" {
            let reason = check["reason"].as_str().unwrap();
            assert!(reason.starts_with("expected allow, got deny"), "{reason}");
            assert!(!check["explanations"].as_array().unwrap().is_empty());
        }
    }
}

#[test]
fn the_table_names_every_failure_and_its_reason() {
    let suite = demo_suite();
    let out = permit_tui(&["test", suite.to_str().unwrap(), "--env", "sandbox-prod"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("FAIL"), "{text}");
    assert!(
        text.contains("expected allow, got deny (rbac no_permission:"),
        "{text}"
    );
    let fails = text
        .lines()
        .filter(|l| l.trim_start().starts_with("FAIL"))
        .count();
    assert_eq!(fails, marked_differences().len(), "{text}");
    assert!(text.contains("failed, 0 errors"), "{text}");
}

#[test]
fn diff_lists_exactly_the_dev_prod_differences_with_both_explanations() {
    let suite = demo_suite();
    for command in ["diff", "test"] {
        let out = permit_tui(&[
            command,
            suite.to_str().unwrap(),
            "--env",
            "sandbox-dev",
            "--env",
            "sandbox-prod",
            "--json",
        ]);
        let report = json_of(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {report:#}");
        let differences = report["differences"].as_array().unwrap();
        let names: BTreeSet<String> = differences
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(names, marked_differences(), "{command}");
        for d in differences {
            assert_eq!(d["a"]["target"], "sandbox-dev");
            assert_eq!(d["b"]["target"], "sandbox-prod");
            assert_eq!(d["a"]["allow"], true);
            assert_eq!(d["b"]["allow"], false);
            for side in ["a", "b"] {
                let explanations = d[side]["explanations"].as_array().unwrap();
                assert!(
                    explanations
                        .iter()
                        .any(|e| e["code"].is_string() && e["reason"].is_string()),
                    "{d:#}"
                );
            }
        }
        assert_eq!(report["errors"].as_array().unwrap().len(), 0);
    }
}

#[test]
fn the_same_environment_twice_has_no_differences() {
    let suite = demo_suite();
    let out = permit_tui(&[
        "diff",
        suite.to_str().unwrap(),
        "--env",
        "sandbox-dev",
        "--env",
        "sandbox-dev",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("0 of 22 checks differ"), "{text}");
    assert!(!text.contains('≠'), "{text}");
}

#[test]
fn a_bad_suite_exits_2_with_file_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[[check]]\nuser = \"alice\"\naction = \"read\"\nresource = \"document\"\nexpect = \"yes\"\n",
    )
    .unwrap();
    let out = permit_tui(&["test", path.to_str().unwrap(), "--env", "sandbox-dev"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:5:", path.display())),
        "{stderr}"
    );
    assert!(stderr.contains("yes"), "{stderr}");
}

#[test]
fn an_unreachable_pdp_is_an_error_with_exit_2() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let suite = demo_suite();
    let url = format!("http://127.0.0.1:{port}");
    let out = permit_tui(&["test", suite.to_str().unwrap(), "--pdp", &url, "--json"]);
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(2), "{report:#}");
    assert_eq!(report["passed"], 0);
    for check in report["checks"].as_array().unwrap() {
        assert_eq!(check["verdict"], "error");
        assert_eq!(check["error_kind"], "unreachable");
    }
}

#[test]
fn no_target_and_unknown_environments_are_explained() {
    let suite = demo_suite();
    let out = permit_tui(&["test", suite.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--env sandbox-dev"));
    let out = permit_tui(&["test", suite.to_str().unwrap(), "--env", "staging"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no environment named `staging`"));
    let out = permit_tui(&["diff", suite.to_str().unwrap(), "--env", "sandbox-dev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exactly two"));
}

/// `test` takes `--timeout` as `check` does, a duration with a unit or a bare
/// number of seconds, and refuses zero with the flag's name.
#[test]
fn test_takes_the_timeout_syntax_check_takes() {
    let suite = demo_suite();
    for timeout in ["500ms", "0.5", "2s", "5"] {
        let out = permit_tui(&[
            "test",
            suite.to_str().unwrap(),
            "--env",
            "sandbox-dev",
            "--timeout",
            timeout,
            "--json",
        ]);
        let report = json_of(&out);
        assert_eq!(
            out.status.code(),
            Some(0),
            "--timeout {timeout}: {report:#}"
        );
    }
    let out = permit_tui(&[
        "test",
        suite.to_str().unwrap(),
        "--env",
        "sandbox-dev",
        "--timeout",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'--timeout <DURATION>'") && err.contains("a bare number of seconds"),
        "{err}"
    );
}

// ---- JUnit -------------------------------------------------------------------

/// A small XML well-formedness check: balanced tags, quoted attributes, known entities,
/// no stray `<` or `&` in text. Returns the element names in document order.
fn well_formed(xml: &str) -> Result<Vec<String>, String> {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .ok_or("missing XML declaration")?;
    let mut stack: Vec<String> = Vec::new();
    let mut elements = Vec::new();
    let mut rest = body;
    let check_text = |text: &str| -> Result<(), String> {
        let mut parts = text.split('&');
        parts.next();
        for part in parts {
            let entity = part.split(';').next().unwrap_or("");
            let known = ["amp", "lt", "gt", "quot", "apos"].contains(&entity)
                || (entity.starts_with('#') && part.contains(';'));
            if !known || !part.contains(';') {
                return Err(format!("bad entity near &{part}"));
            }
        }
        if text.contains('>') && !text.trim().is_empty() {
            // `>` is legal in text, but we escape it; seeing one means escaping failed.
            return Err(format!("unescaped > in text: {text}"));
        }
        Ok(())
    };
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open])?;
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        if tag.contains('<') {
            return Err(format!("`<` inside a tag: {tag}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack.pop().ok_or(format!("close without open: {name}"))?;
            if top != name.trim() {
                return Err(format!("</{name}> closes <{top}>"));
            }
        } else {
            let self_closing = tag.ends_with('/');
            let inner = tag.trim_end_matches('/');
            let name = inner
                .split_whitespace()
                .next()
                .ok_or("empty tag")?
                .to_string();
            let attrs = inner[name.len()..].trim();
            // attributes: name="value" pairs, values without raw < or "
            let mut a = attrs;
            while !a.is_empty() {
                let eq = a
                    .find("=\"")
                    .ok_or(format!("bad attribute in <{name}>: {a}"))?;
                let after = &a[eq + 2..];
                let end = after.find('"').ok_or("unterminated attribute")?;
                check_text(&after[..end])?;
                a = after[end + 1..].trim_start();
            }
            elements.push(name.clone());
            if !self_closing {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    check_text(rest)?;
    if !stack.is_empty() {
        return Err(format!("unclosed elements: {stack:?}"));
    }
    Ok(elements)
}

#[test]
fn junit_is_well_formed_and_counts_match_even_with_markup_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("tricky.toml");
    std::fs::write(
        &suite,
        r#"name = "tricky <&> \"suite\""
[[check]]
name = "alice <reads> & 'shares' \"doc-1\""
user = "alice"
action = "read"
resource = "document:doc-1"
tenant = "acme"
expect = "deny"

[[check]]
name = "bob reads doc-1"
user = "bob"
action = "read"
resource = "document:doc-1"
tenant = "acme"
expect = "allow"

[[check]]
name = "wrong code"
user = "bob"
action = "read"
resource = "document:doc-1"
tenant = "globex"
expect = "deny"
expect_code = "no_user_roles"
"#,
    )
    .unwrap();
    let junit = dir.path().join("report.xml");
    let out = permit_tui(&[
        "test",
        suite.to_str().unwrap(),
        "--env",
        "sandbox-dev",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let xml = std::fs::read_to_string(&junit).unwrap();
    let elements = well_formed(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(elements.iter().filter(|e| *e == "testcase").count(), 3);
    assert_eq!(elements.iter().filter(|e| *e == "failure").count(), 2);
    assert_eq!(elements.iter().filter(|e| *e == "error").count(), 0);
    assert!(
        xml.contains("tests=\"3\" failures=\"2\" errors=\"0\""),
        "{xml}"
    );
    assert!(
        xml.contains("name=\"alice &lt;reads&gt; &amp; &apos;shares&apos; &quot;doc-1&quot;\""),
        "{xml}"
    );
    assert!(
        xml.contains("expected code `no_user_roles`, got rbac no_role_in_tenant"),
        "{xml}"
    );
    // The API key never lands in a report.
    assert!(!xml.contains("permit_key_sandbox_dev"));
}

#[test]
fn the_checker_rejects_broken_xml() {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    assert!(well_formed(&format!("{decl}<a><b></a></b>")).is_err());
    assert!(well_formed(&format!("{decl}<a x=\"1 & 2\"/>")).is_err());
    assert!(well_formed(&format!("{decl}<a>1 < 2</a>")).is_err());
    assert!(well_formed(&format!("{decl}<a>")).is_err());
    assert!(well_formed(&format!("{decl}<a x=\"&lt;\">&amp;</a>")).is_ok());
}

#[test]
fn permit_pdp_url_and_key_come_from_the_environment() {
    use permit_tui::sandbox::{serve, Sandbox, ServeOptions};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let running = runtime
        .block_on(serve(
            Sandbox::bundled().unwrap(),
            "127.0.0.1:0".parse().unwrap(),
            ServeOptions::default(),
        ))
        .unwrap();
    let suite = demo_suite();
    let run = |key: &str| {
        Command::new(env!("CARGO_BIN_EXE_permit-tui"))
            .args(["test", suite.to_str().unwrap(), "--json"])
            .env("PERMIT_PDP_URL", running.url())
            .env("PERMIT_API_KEY", key)
            .output()
            .unwrap()
    };
    let out = run("permit_key_sandbox_dev");
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["pdp_url"], running.url());
    let out = run("permit_key_sandbox_prod");
    assert_eq!(out.status.code(), Some(1));
    let out = run("wrong");
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(report["checks"][0]["error_kind"], "wrong_key");
    runtime.block_on(running.shutdown());
}

#[test]
fn a_reason_echoing_terminal_escapes_is_printed_escaped_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("hostile.toml");
    std::fs::write(
        &suite,
        "[[check]]\nname = \"eve\"\nuser = \"eve\\u001b]0;owned\\u0007\\nPASS  forged\"\naction = \"read\"\nresource = \"document\"\nexpect = \"allow\"\n",
    )
    .unwrap();
    let out = permit_tui(&["test", suite.to_str().unwrap(), "--env", "sandbox-dev"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{text:?}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(
        text.contains(r"eve\x1b]0;owned\x07\nPASS  forged"),
        "{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("PASS  forged")),
        "{text}"
    );
}

#[test]
fn against_a_dead_pdp_the_error_is_told_once_not_per_check() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let suite = demo_suite();
    let url = format!("http://127.0.0.1:{port}");
    let out = permit_tui(&["test", suite.to_str().unwrap(), "--pdp", &url]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(2), "{text}");
    let checks = permit_tui::suite::load_suite(&suite).unwrap().checks.len();
    assert_eq!(text.matches("cannot reach the PDP").count(), 1, "{text}");
    assert_eq!(
        text.matches("the same error as line 13").count(),
        checks - 1,
        "{text}"
    );
    assert!(text.contains(&format!("{checks} errors")), "{text}");
}
