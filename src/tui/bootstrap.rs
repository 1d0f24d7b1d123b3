//! What the explorer starts with: the PDP given on the command line, or else the embedded
//! sandbox started in-process with its demo query in the form.

use std::net::SocketAddr;

use anyhow::Context;

use crate::pdp::CheckInput;
use crate::sandbox::{serve, RunningSandbox, Sandbox, ServeOptions};

use super::app::{Target, TargetKind};
use super::ExplorerArgs;

pub struct Boot {
    pub targets: Vec<Target>,
    pub input: CheckInput,
    /// The embedded sandbox, when this process started one.
    pub sandbox: Option<RunningSandbox>,
}

impl Boot {
    /// Stops what `prepare` started.
    pub async fn shutdown(self) {
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
    }
}

/// The demo query of the bundled sandbox policy: alice is an editor in tenant acme, so she
/// may read doc-1 (RBAC allow).
pub fn demo_input() -> CheckInput {
    CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document:doc-1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    }
}

/// Starts the bundled sandbox on a free loopback port and returns one target per
/// environment, its dev environment first.
pub async fn start_sandbox() -> anyhow::Result<(RunningSandbox, Vec<Target>)> {
    let sandbox = Sandbox::bundled().context("loading the bundled sandbox policies")?;
    let mut envs = sandbox.environments();
    // dev first: it is the one selected at start.
    envs.sort_by_key(|e| e.key != "dev");
    let running = serve(
        sandbox,
        SocketAddr::from(([127, 0, 0, 1], 0)),
        ServeOptions::default(),
    )
    .await
    .context("starting the embedded sandbox")?;
    let url = running.url();
    let targets = envs
        .into_iter()
        .map(|env| Target {
            name: env.key,
            pdp_url: url.clone(),
            api_key: Some(env.api_key),
            tenant: None,
            kind: TargetKind::Sandbox,
        })
        .collect();
    Ok((running, targets))
}

/// A name for a PDP given by URL: its host and port.
pub fn name_for_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => url.to_string(),
        },
        Err(_) => url.to_string(),
    }
}

pub async fn prepare(args: &ExplorerArgs) -> anyhow::Result<Boot> {
    match &args.pdp {
        Some(url) => Ok(Boot {
            targets: vec![Target {
                name: name_for_url(url),
                pdp_url: url.trim().to_string(),
                api_key: args.api_key.clone(),
                tenant: None,
                kind: TargetKind::Remote,
            }],
            input: CheckInput {
                action: "read".into(),
                ..CheckInput::default()
            },
            sandbox: None,
        }),
        None => {
            let (running, targets) = start_sandbox().await?;
            Ok(Boot {
                targets,
                input: demo_input(),
                sandbox: Some(running),
            })
        }
    }
}
