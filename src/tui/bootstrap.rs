//! What the explorer starts with: the PDP given on the command line, or else the embedded
//! sandbox started in-process with its demo query in the form.

use crate::pdp::CheckInput;

use super::app::{Target, TargetKind};
use super::ExplorerArgs;

pub struct Boot {
    pub targets: Vec<Target>,
    pub input: CheckInput,
}

impl Boot {
    /// Stops what `prepare` started.
    pub async fn shutdown(self) {}
}

/// The demo query of the bundled sandbox policy.
pub fn demo_input() -> CheckInput {
    CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        resource_key: String::new(),
        tenant: "default".into(),
        ..CheckInput::default()
    }
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
        }),
        None => anyhow::bail!(
            "no PDP given and the embedded sandbox is not in this build yet: pass --pdp URL (or PERMIT_PDP_URL)"
        ),
    }
}
