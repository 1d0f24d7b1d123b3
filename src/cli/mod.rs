//! Command-line surface: clap definitions and the headless commands.

pub mod bench;
pub mod check;
pub mod check_mirror;
pub mod env;
pub mod flags;
pub mod pdp;
pub mod replay;
pub mod sandbox;
pub mod snapshot;
pub mod test;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "permit-tui",
    version,
    about = "A terminal debugger for Permit.io permission checks"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Options of the interactive explorer (used when no subcommand is given).
    #[command(flatten)]
    pub explorer: crate::tui::ExplorerArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fire one check and print the decision, the reason and the latency.
    Check(Box<check::CheckArgs>),
    /// Serve the sandbox PDP standalone, for SDKs and other tools.
    Sandbox(sandbox::SandboxArgs),
    /// Run a suite of checks with expected decisions (two targets: compare them).
    Test(test::TestArgs),
    /// Run a suite against two PDPs and list only the decisions that differ.
    Diff(test::DiffArgs),
    /// Bounded load probe against a PDP: latency percentiles, req/s, errors by kind.
    Bench(bench::BenchArgs),
    /// Manage environments: list, add (optionally discovering it from an API key), remove, use.
    Env(env::EnvArgs),
    /// Mirror a real environment (schema and facts) into a policy file the sandbox serves.
    Snapshot(snapshot::SnapshotArgs),
    /// A PDP's health and its data against a snapshot: `pdp status [--snapshot FILE]`.
    Pdp(pdp::PdpCommandArgs),
    /// Replay an environment's audit logs, as recorded, against a PDP; list what changed.
    Replay(Box<replay::ReplayArgs>),
}

/// Runs the parsed command line and returns the process exit code.
pub async fn dispatch(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        None => crate::tui::run(cli.explorer).await,
        Some(Command::Check(args)) => check::run(*args).await,
        Some(Command::Sandbox(args)) => sandbox::run(args).await,
        Some(Command::Test(args)) => test::run_test(args).await,
        Some(Command::Diff(args)) => test::run_diff_command(args).await,
        Some(Command::Bench(args)) => bench::run(args).await,
        Some(Command::Env(args)) => env::run(args).await,
        Some(Command::Snapshot(args)) => snapshot::run(args).await,
        Some(Command::Pdp(args)) => pdp::run(args).await,
        Some(Command::Replay(args)) => replay::run(*args).await,
    }
}
