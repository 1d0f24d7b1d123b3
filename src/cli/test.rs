//! `permit-tui test SUITE` (and diff mode with two targets) and `permit-tui diff SUITE`.

use std::path::PathBuf;

use anyhow::{bail, Context};

use crate::suite::diff::{diff_runs, render_diff_json, render_diff_text};
use crate::suite::report::{render_json, render_junit, render_table};
use crate::suite::run::DEFAULT_CHUNK;
use crate::suite::{load_suite, run_suite, RunOptions, Suite};

use super::flags::{NamedClient, PdpArgs};

#[derive(Debug, clap::Args)]
#[command(after_help = super::flags::SUITE_PDP_DEFAULT)]
pub struct TestArgs {
    /// The suite file (TOML, see docs/suites.md).
    pub suite: PathBuf,
    #[command(flatten)]
    pub target: PdpArgs,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Also write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Send single `/allowed` calls only, never `/allowed/bulk`.
    #[arg(long)]
    pub no_bulk: bool,
    /// Checks per `/allowed/bulk` request.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CHUNK)]
    pub chunk: usize,
}

#[derive(Debug, clap::Args)]
#[command(after_help = super::flags::SUITE_PDP_DEFAULT)]
pub struct DiffArgs {
    /// The suite file (TOML, see docs/suites.md).
    pub suite: PathBuf,
    /// Exactly two targets: `--env A --env B`, `--pdp URL --pdp URL`, or one of each.
    #[command(flatten)]
    pub target: PdpArgs,
    /// Print one JSON object instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Send single `/allowed` calls only, never `/allowed/bulk`.
    #[arg(long)]
    pub no_bulk: bool,
}

fn options(no_bulk: bool, chunk: usize) -> RunOptions {
    RunOptions {
        bulk: !no_bulk,
        chunk: chunk.max(1),
    }
}

pub async fn run_test(args: TestArgs) -> anyhow::Result<i32> {
    let suite = load_suite(&args.suite)?;
    let targets = args.target.resolve_all().await?;
    let options = options(args.no_bulk, args.chunk);
    match targets.as_slice() {
        [one] => run_one(&suite, one, options, args.json, args.junit.as_ref()).await,
        [a, b] => {
            if args.junit.is_some() {
                bail!("--junit reports expectations of one target; diff mode (two targets) has none to report");
            }
            run_diff(&suite, a, b, options, args.json).await
        }
        _ => bail!(
            "name one target to test, or two to compare ({} given)",
            targets.len()
        ),
    }
}

pub async fn run_diff_command(args: DiffArgs) -> anyhow::Result<i32> {
    let suite = load_suite(&args.suite)?;
    let targets = args.target.resolve_all().await?;
    match targets.as_slice() {
        [a, b] => run_diff(&suite, a, b, options(args.no_bulk, DEFAULT_CHUNK), args.json).await,
        _ => bail!(
            "diff compares exactly two targets, e.g. --env sandbox-dev --env sandbox-prod ({} given)",
            targets.len()
        ),
    }
}

async fn run_one(
    suite: &Suite,
    target: &NamedClient,
    options: RunOptions,
    json: bool,
    junit: Option<&PathBuf>,
) -> anyhow::Result<i32> {
    let run = run_suite(&target.client, &target.name, suite, options).await;
    if let Some(path) = junit {
        std::fs::write(path, render_junit(suite, &run))
            .with_context(|| format!("cannot write the JUnit report to {}", path.display()))?;
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&render_json(suite, &run))?
        );
    } else {
        print!("{}", render_table(suite, &run));
    }
    Ok(run.exit_code())
}

async fn run_diff(
    suite: &Suite,
    a: &NamedClient,
    b: &NamedClient,
    options: RunOptions,
    json: bool,
) -> anyhow::Result<i32> {
    let (run_a, run_b) = tokio::join!(
        run_suite(&a.client, &a.name, suite, options),
        run_suite(&b.client, &b.name, suite, options)
    );
    let report = diff_runs(&run_a, &run_b);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&render_diff_json(suite, &run_a, &run_b, &report))?
        );
    } else {
        print!("{}", render_diff_text(suite, &run_a, &run_b, &report));
    }
    Ok(report.exit_code())
}
