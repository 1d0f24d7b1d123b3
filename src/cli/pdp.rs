//! `permit-tui pdp status`: a PDP's health and, against a snapshot of its environment, the
//! role assignments it lacks or holds in excess.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::flags::PdpArgs;
use crate::pdp_status::Expected;
use crate::printable::escape_line;
use crate::sandbox::policy::PolicyFile;
use crate::store::{Config, Paths};

#[derive(Debug, Args)]
pub struct PdpCommandArgs {
    #[command(subcommand)]
    pub command: PdpCommand,
}

#[derive(Debug, Subcommand)]
pub enum PdpCommand {
    /// Health, API version, and the role assignments the PDP holds against a snapshot (the
    /// environment's mirror, or `--snapshot FILE`).
    Status(StatusArgs),
}

#[derive(Debug, Args)]
#[command(after_help = super::flags::ONE_PDP_DEFAULT)]
pub struct StatusArgs {
    #[command(flatten)]
    pub pdp: PdpArgs,
    /// A snapshot of the PDP's environment (`permit-tui snapshot`): its role assignments are
    /// what the PDP should hold. Default: the environment's mirror (`env snapshot NAME`).
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: PdpCommandArgs) -> anyhow::Result<i32> {
    let PdpCommand::Status(args) = args.command;
    let paths = Paths::discover();
    let (config, _) = Config::load(&paths);
    let pdp = args.pdp.resolve_one(&config).await?;
    // Without --snapshot, the environment's mirror (`permit-tui env snapshot NAME`) if any.
    let file = args.snapshot.clone().or_else(|| {
        let mirror = crate::mirror::stored::path_for(&paths, &pdp.name);
        mirror.exists().then_some(mirror)
    });
    let expected = match &file {
        Some(path) => Some(Ok(Expected::from_snapshot(&read_snapshot(path)?))),
        // No snapshot: a configured environment is compared with its REST API, as of now.
        None if args.pdp.url()?.is_none() => {
            match crate::targets::resolve(args.pdp.env()?, &config).await {
                Ok(target) => match target.cloud_client() {
                    Some(rest) => Some(
                        Expected::from_api_scope(
                            &rest,
                            target.project.as_deref(),
                            target.environment.as_deref(),
                        )
                        .await,
                    ),
                    None => None,
                },
                Err(_) => None,
            }
        }
        None => None,
    };
    let report = crate::pdp_status::status(&pdp.name, &pdp.client, expected).await;
    if args.json {
        println!("{}", report.to_json(pdp.client.base_url()));
    } else {
        for line in report.lines() {
            println!("{}", escape_line(&line));
        }
    }
    Ok(report.exit_code())
}

fn read_snapshot(path: &std::path::Path) -> anyhow::Result<PolicyFile> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read the snapshot {}: {e}", path.display()))?;
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a policy file ({e}); take one with `permit-tui snapshot`",
            path.display()
        )
    })
}
