//! `permit-tui env ...` through the real binary, with temporary config and data directories.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use permit_tui::targets::running_sandbox;

struct Dirs {
    _root: tempfile::TempDir,
    config: std::path::PathBuf,
    data: std::path::PathBuf,
}

fn dirs() -> Dirs {
    let root = tempfile::tempdir().unwrap();
    Dirs {
        config: root.path().join("config"),
        data: root.path().join("data"),
        _root: root,
    }
}

/// Runs `permit-tui env ARGS` with `stdin` piped in; no PERMIT_* variables leak in.
fn env_cmd(dirs: &Dirs, args: &[&str], stdin: &str, vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_permit-tui"));
    cmd.arg("env")
        .args(args)
        .env("PERMIT_TUI_CONFIG_DIR", &dirs.config)
        .env("PERMIT_TUI_DATA_DIR", &dirs.data)
        .env_remove("PERMIT_API_KEY")
        .env_remove("PERMIT_PDP_URL")
        .env_remove("PERMIT_API_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn active_line(list: &str) -> Option<String> {
    list.lines()
        .find(|l| l.starts_with('*'))
        .map(|l| l.split_whitespace().nth(1).unwrap_or_default().to_string())
}

const KEY: &str = "permit_key_0123456789abcdefghijklmnopqrstuvwxyzQ9Z8";

#[test]
fn add_list_use_remove_round_trip() {
    let d = dirs();
    let out = env_cmd(&d, &["list"], "", &[]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        active_line(&stdout).as_deref(),
        Some("sandbox-dev"),
        "{stdout}"
    );
    assert!(stdout.contains("sandbox-prod"));

    let out = env_cmd(
        &d,
        &["add", "prod", "--pdp", "local", "--api-url", "eu"],
        &format!("{KEY}\n"),
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    let config = std::fs::read_to_string(d.config.join("config.toml")).unwrap();
    assert!(config.contains(KEY) && config.contains("https://api.eu.permit.io"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.config.join("config.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let out = env_cmd(
        &d,
        &[
            "add",
            "staging",
            "--pdp",
            "cloud-us",
            "--key-env",
            "MY_STAGING_KEY",
        ],
        "",
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("does not evaluate") || stdout.contains("not ABAC"),
        "{stdout}"
    );

    let out = env_cmd(
        &d,
        &["list"],
        "",
        &[("MY_STAGING_KEY", "permit_key_stagingstagingstaging77")],
    );
    let (stdout, _) = text(&out);
    assert!(stdout.contains("permit_key_…Q9Z8"), "{stdout}");
    assert!(stdout.contains("$MY_STAGING_KEY"), "{stdout}");
    assert!(stdout.contains("…ng77"), "{stdout}");
    assert!(
        !stdout.contains(KEY) && !stdout.contains("stagingstaging"),
        "{stdout}"
    );

    assert_eq!(
        env_cmd(&d, &["use", "prod"], "", &[]).status.code(),
        Some(0)
    );
    let (stdout, _) = text(&env_cmd(&d, &["list"], "", &[]));
    assert_eq!(active_line(&stdout).as_deref(), Some("prod"), "{stdout}");

    // Mistakes exit 2 with a message, and change nothing.
    let before = std::fs::read(d.config.join("config.toml")).unwrap();
    for (args, needle) in [
        (vec!["use", "nope"], "no environment named `nope`"),
        (vec!["add", "prod", "--pdp", "local"], "--force"),
        (vec!["add", "x", "--pdp", "ftp://bad"], "--pdp"),
        (vec!["add", "sandbox-dev", "--pdp", "local"], "built-in"),
        (vec!["remove", "sandbox-prod"], "cannot be removed"),
    ] {
        let out = env_cmd(&d, &args, &format!("{KEY}\n"), &[]);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read(d.config.join("config.toml")).unwrap(), before);

    assert_eq!(
        env_cmd(&d, &["remove", "prod"], "", &[]).status.code(),
        Some(0)
    );
    let (stdout, _) = text(&env_cmd(&d, &["list", "--json"], "", &[]));
    let names: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["sandbox-dev", "sandbox-prod", "staging"]);
    assert!(!std::fs::read_to_string(d.config.join("config.toml"))
        .unwrap()
        .contains(KEY));
    assert_no_key_outside_config(&d, KEY);
}

fn assert_no_key_outside_config(d: &Dirs, key: &str) {
    for dir in [&d.config, &d.data] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path == d.config.join("config.toml") || path.is_dir() {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
                "{}",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn discover_with_an_org_key_needs_and_lists_choices_then_fetches_the_env_key() {
    let sandbox = running_sandbox().await.unwrap();
    let d = dirs();
    let url = sandbox.url.as_str();
    let org = format!("{}\n", sandbox.org_api_key);
    let base = ["add", "--discover", "--api-url", url, "--pdp", url];

    // One project: it is picked, and the environments are listed.
    let out = env_cmd(&d, &base, &org, &[]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--env") && stderr.contains("dev") && stderr.contains("prod"),
        "{stderr}"
    );

    let mut args = base.to_vec();
    args.extend(["--project", "sandbox", "--env", "staging"]);
    let (_, stderr) = text(&env_cmd(&d, &args, &org, &[]));
    assert!(
        stderr.contains("no environment `staging`") && stderr.contains("dev"),
        "{stderr}"
    );

    let mut args = vec!["add", "picked-dev", "--use"];
    args.extend(&base[1..]);
    args.extend(["--project", "sandbox", "--env", "dev"]);
    let out = env_cmd(&d, &args, &org, &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let dev_key = &sandbox
        .environments
        .iter()
        .find(|e| e.key == "dev")
        .unwrap()
        .api_key;
    let config = std::fs::read_to_string(d.config.join("config.toml")).unwrap();
    assert!(
        config.contains(dev_key.as_str()),
        "the environment's own key is stored"
    );
    assert!(!config.contains(&sandbox.org_api_key), "the org key is not");
    assert!(config.contains("project = \"sandbox\""));
    let (stdout, _) = text(&env_cmd(&d, &["list"], "", &[]));
    assert_eq!(
        active_line(&stdout).as_deref(),
        Some("picked-dev"),
        "{stdout}"
    );

    // An environment key names itself; its suggested name is taken unless one is given.
    let prod_key = sandbox
        .environments
        .iter()
        .find(|e| e.key == "prod")
        .unwrap()
        .api_key
        .clone();
    let out = env_cmd(&d, &base, &format!("{prod_key}\n"), &[]);
    let (_, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the suggested name sandbox-prod is built in: {stderr}"
    );
    let mut args = vec!["add", "prod-copy"];
    args.extend(&base[1..]);
    let out = env_cmd(&d, &args, &format!("{prod_key}\n"), &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("environment `prod`"), "{stdout}");

    // A bad key is explained.
    let out = env_cmd(&d, &base, "permit_key_wrong\n", &[]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("hint:"), "{stderr}");
}

#[test]
fn a_name_past_the_bound_is_refused_and_a_hand_edited_one_is_listed_without_a_panic() {
    let d = dirs();
    let long = "n".repeat(65_536);
    let out = env_cmd(
        &d,
        &["add", &long, "--pdp", "local"],
        &format!("{KEY}\n"),
        &[],
    );
    let (_, stderr) = text(&out);
    let head: String = stderr.chars().take(300).collect();
    assert_eq!(out.status.code(), Some(2), "{head}");
    assert!(
        stderr.len() < 500,
        "the refusal quotes the name whole: {} bytes",
        stderr.len()
    );
    assert!(stderr.contains("at most 64 characters"), "{stderr}");

    // A config edited by hand may still hold one: `env list` shows it cut, and does not panic.
    std::fs::create_dir_all(&d.config).unwrap();
    std::fs::write(
        d.config.join("config.toml"),
        format!("[[environments]]\nname = \"{long}\"\npdp_url = \"http://127.0.0.1:7766\"\napi_url = \"https://api.permit.io\"\n"),
    )
    .unwrap();
    let out = env_cmd(&d, &["list"], "", &[]);
    let (stdout, stderr) = text(&out);
    let head: String = stderr.chars().take(300).collect();
    assert_eq!(out.status.code(), Some(0), "{head}");
    let row = stdout
        .lines()
        .find(|l| l.contains("nnnn"))
        .expect("the long name's row");
    assert!(
        row.chars().count() < 300,
        "a row of {} characters",
        row.chars().count()
    );
    assert!(row.contains('…'), "{row}");
}

#[test]
fn env_list_masks_a_password_in_a_pdp_url() {
    let d = dirs();
    std::fs::create_dir_all(&d.config).unwrap();
    std::fs::write(
        d.config.join("config.toml"),
        "[[environments]]\nname = \"corp\"\npdp_url = \"http://admin:hunter2@pdp.corp:7766\"\napi_url = \"https://api.permit.io\"\n",
    )
    .unwrap();
    for args in [&["list"][..], &["list", "--json"][..]] {
        let out = env_cmd(&d, args, "", &[]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(!stdout.contains("hunter2"), "{stdout}");
        assert!(stdout.contains("admin:•••@pdp.corp:7766"), "{stdout}");
    }
}

/// The explorer refuses an environment it does not have before it takes the terminal, and
/// says where the names are.
#[test]
fn the_explorer_refuses_an_unknown_env_before_taking_the_terminal() {
    let dirs = dirs();
    let out = Command::new(env!("CARGO_BIN_EXE_permit-tui"))
        .args(["--env", "staging"])
        .env("PERMIT_TUI_CONFIG_DIR", &dirs.config)
        .env("PERMIT_TUI_DATA_DIR", &dirs.data)
        .env_remove("PERMIT_API_KEY")
        .env_remove("PERMIT_PDP_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("--env staging: no such environment here"),
        "{stderr}"
    );
    assert!(stderr.contains("permit-tui env list"), "{stderr}");
}
