//! `permit-tui pdp status`: a PDP's health and, against a snapshot of its environment, the
//! role assignments it lacks or holds in excess.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;

use super::check::PdpArgs;
use crate::drift::{self, Drift};
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
    /// Health, and the role assignments the PDP holds against a snapshot (`--snapshot FILE`).
    Status(StatusArgs),
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub pdp: PdpArgs,
    /// A snapshot of the PDP's environment (`permit-tui snapshot`): its role assignments are
    /// what the PDP should hold.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

const SHOWN: usize = 10;

pub async fn run(args: PdpCommandArgs) -> anyhow::Result<i32> {
    let PdpCommand::Status(args) = args.command;
    let (config, _) = Config::load(&Paths::discover());
    let pdp = args.pdp.resolve(&config).await?;
    let health = pdp.client.healthy().await;
    let healthy = health.result.as_ref().map(|h| h.status.clone());
    let expected = match &args.snapshot {
        Some(path) => Some(read_snapshot(path)?),
        None => None,
    };
    let drift = match &expected {
        Some(policy) => Some(
            drift::held_by(&pdp.client)
                .await
                .map(|held| drift::compare(held, drift::expected_by(policy))),
        ),
        None => None,
    };
    if args.json {
        let drift_json = match &drift {
            Some(Ok(d)) => json!(d),
            Some(Err(err)) => json!({"error": err.to_string(), "hint": err.hint()}),
            None => json!(null),
        };
        let summary = json!({
            "pdp": pdp.client.base_url(),
            "health": healthy.as_ref().map_err(|e| e.to_string()).map_or_else(|e| json!({"error": e}), |s| json!(s)),
            "components": health.result.as_ref().ok().map(|h| &h.components),
            "role_assignments": drift_json,
        });
        println!("{summary}");
    } else {
        print_text(&pdp.name, &health, drift.as_ref(), expected.as_ref());
    }
    Ok(match (&health.result, &drift) {
        (Err(_), _) | (_, Some(Err(_))) => 2,
        (_, Some(Ok(d))) if !d.in_sync() => 1,
        _ => 0,
    })
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

fn print_text(
    name: &str,
    health: &crate::pdp::Exchange<crate::pdp::types::Health>,
    drift: Option<&Result<Drift, crate::pdp::PdpError>>,
    expected: Option<&PolicyFile>,
) {
    match &health.result {
        Ok(h) => {
            let parts: Vec<String> = h
                .components
                .iter()
                .map(|(k, v)| {
                    let status = v.get("status").and_then(|s| s.as_str()).unwrap_or("?");
                    format!("{k} {status}")
                })
                .collect();
            println!(
                "PDP {}: {} ({})",
                escape_line(name),
                escape_line(&h.status),
                escape_line(&parts.join(", "))
            );
        }
        Err(err) => println!(
            "PDP {}: {}\n  hint: {}",
            escape_line(name),
            escape_line(&err.to_string()),
            err.hint()
        ),
    }
    let Some(drift) = drift else {
        println!(
            "role assignments: not compared (give --snapshot FILE from `permit-tui snapshot`)"
        );
        return;
    };
    let taken = expected
        .and_then(|p| p.source.as_ref())
        .map(|s| {
            format!(
                "the snapshot of {}/{} taken {}",
                s.project, s.environment, s.taken_at
            )
        })
        .unwrap_or_else(|| "the snapshot".to_string());
    match drift {
        Err(err) => println!(
            "role assignments: the PDP did not list them: {}\n  hint: {}",
            escape_line(&err.to_string()),
            err.hint()
        ),
        Ok(d) if d.in_sync() => println!(
            "role assignments: in sync, {} held, as in {taken}",
            d.held_by_pdp
        ),
        Ok(d) => {
            println!(
                "role assignments: the PDP holds {}, {taken} has {}",
                d.held_by_pdp, d.expected
            );
            for (list, what) in [(&d.missing, "lacks"), (&d.extra, "has extra")] {
                if list.is_empty() {
                    continue;
                }
                println!("  the PDP {what} {}:", list.len());
                for ra in list.iter().take(SHOWN) {
                    println!("    {}", escape_line(&drift::describe(ra)));
                }
                if list.len() > SHOWN {
                    println!(
                        "    … and {} more (--json lists them all)",
                        list.len() - SHOWN
                    );
                }
            }
            println!(
                "  most likely: the PDP has not synced yet (check its logs and /healthy), or the data changed since the snapshot (take a new one)"
            );
        }
    }
}
