//! Sandboxes on loopback and the real binary run against them, for the tests that play a
//! real environment with one sandbox and its PDP with another.

use std::path::Path;
use std::process::{Command, Output};

use permit_tui::sandbox::{serve, RunningSandbox, Sandbox, ServeOptions};

/// The bundled dev policy, and its environment key.
pub const DEV_JSON: &str = include_str!("../../assets/sandbox/dev.json");
pub const DEV_KEY: &str = "permit_key_sandbox_dev";

/// A sandbox serving one policy on a free loopback port, its audit log keeping `audit_log`.
pub async fn serving_with(policy: &str, audit_log: usize) -> RunningSandbox {
    let sandbox = Sandbox::from_texts(&[("policy.json", policy)]).expect("the policy loads");
    let opts = ServeOptions {
        audit_log: Some(audit_log),
        ..ServeOptions::default()
    };
    serve(sandbox, "127.0.0.1:0".parse().expect("an address"), opts)
        .await
        .expect("the sandbox serves")
}

pub async fn serving(policy: &str) -> RunningSandbox {
    serving_with(policy, permit_tui::sandbox::audit::DEFAULT_CAPACITY).await
}

/// The binary, with `PERMIT_API_KEY` set to `key` and its files under `dir`.
pub fn permit_tui_with_key(args: &[&str], key: &str, dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_permit-tui"))
        .args(args)
        .env("PERMIT_API_KEY", key)
        .env_remove("PERMIT_PDP_URL")
        .env("PERMIT_TUI_CONFIG_DIR", dir.join("config"))
        .env("PERMIT_TUI_DATA_DIR", dir.join("data"))
        .output()
        .expect("the binary runs")
}

/// The binary with the dev key.
pub fn permit_tui(args: &[&str], dir: &Path) -> Output {
    permit_tui_with_key(args, DEV_KEY, dir)
}

/// Exit code, stdout and stderr, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The dev policy without any role of `user`: a PDP whose data lost them.
pub fn dev_without_roles_of(user: &str) -> String {
    let mut policy: serde_json::Value = serde_json::from_str(DEV_JSON).expect("the dev policy");
    if let Some(assignments) = policy["role_assignments"].as_array_mut() {
        assignments.retain(|ra| ra["user"] != user);
    }
    policy.to_string()
}

/// A store under `paths` whose active environment `name` checks at `pdp_url` and reads
/// Permit's API at `api_url`, with the dev key.
pub fn active_environment(
    paths: &permit_tui::store::Paths,
    name: &str,
    pdp_url: &str,
    api_url: &str,
) {
    let (mut store, _) = permit_tui::store::Store::open(paths.clone());
    store
        .config
        .update(|c| {
            c.upsert(permit_tui::store::EnvironmentConfig {
                name: name.into(),
                pdp_url: pdp_url.into(),
                api_url: api_url.into(),
                key: Some(DEV_KEY.into()),
                key_env: None,
                project: None,
                environment: None,
            });
            c.active = Some(name.into());
        })
        .expect("the config is written");
}
