//! `permit-tui snapshot`: mirror a real environment into one policy file the sandbox loads
//! (`permit-tui sandbox --policy FILE`), for offline checks with full explanations.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde_json::json;

use crate::cloud;
use crate::mirror::{self, file::Written};
use crate::store::{Config, Paths};

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Where to write the policy file (replaced atomically; mode 0600). With --env and
    /// without it: the environment's mirror, which `check --mirror` and the explorer use.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A configured environment: its API URL and key. Else $PERMIT_API_KEY and --api-url.
    #[arg(long = "env", value_name = "NAME")]
    pub env: Option<String>,
    /// Permit API: `us`, `eu` or a URL (without --env).
    #[arg(long = "api-url", value_name = "URL|us|eu", default_value = "us")]
    pub api_url: String,
    /// With an organization key: the project (key, name or id).
    #[arg(long)]
    pub project: Option<String>,
    /// With an organization or project key: the environment (key, name or id).
    #[arg(long)]
    pub environment: Option<String>,
    /// Pages fetched at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub concurrency: usize,
    /// Fail, writing nothing, when an object cannot be represented (default: leave it out and
    /// say so).
    #[arg(long)]
    pub strict: bool,
    /// Print one JSON object with what was fetched instead of the text summary.
    #[arg(long)]
    pub json: bool,
}

const EXIT_ERROR: i32 = 2;

pub async fn run(args: SnapshotArgs) -> anyhow::Result<i32> {
    match snapshot(&args).await {
        Ok(()) => Ok(0),
        Err(message) => {
            eprintln!(
                "error: {}",
                crate::printable::escape_indented(&message, "  ")
            );
            Ok(EXIT_ERROR)
        }
    }
}

async fn snapshot(args: &SnapshotArgs) -> Result<(), String> {
    let paths = Paths::discover();
    let (config, _) = Config::load(&paths);
    let from = source(args, &config)?;
    let output =
        match (&args.output, &args.env) {
            (Some(output), _) => output.clone(),
            (None, Some(name)) => mirror::stored::path_for(&paths, name),
            (None, None) => return Err(
                "say where to write it: -o FILE (or --env NAME to store the environment's mirror)"
                    .into(),
            ),
        };
    let (client, target) = mirror::file::locate(&from.as_source(), args.concurrency).await?;
    let started = Instant::now();
    let live = std::io::stderr().is_terminal() && !args.json;
    let mut progress = |list: &str, done: usize, all: usize, objects: usize| {
        if live {
            eprint!("\r\x1b[2K{list}: page {done} of {all}, {objects} objects");
        }
    };
    let written = mirror::file::write(&client, &target, &output, args.strict, &mut progress).await;
    if live {
        eprint!("\r\x1b[2K");
    }
    report(args, &output, &written?, started.elapsed());
    Ok(())
}

/// Where a snapshot is read from, owned.
struct From {
    api_url: String,
    api_key: String,
    project: Option<String>,
    environment: Option<String>,
}

impl From {
    fn as_source(&self) -> mirror::file::Source<'_> {
        mirror::file::Source {
            api_url: &self.api_url,
            api_key: &self.api_key,
            project: self.project.as_deref(),
            environment: self.environment.as_deref(),
        }
    }
}

/// The API URL and the key: a configured environment's (with its project and environment
/// when the key is wider), or `--api-url` and $PERMIT_API_KEY.
fn source(args: &SnapshotArgs, config: &Config) -> Result<From, String> {
    if let Some(name) = &args.env {
        let env = config
            .get(name)
            .ok_or_else(|| format!("no environment `{name}`; see `permit-tui env list`"))?;
        let (key, _) = env.key();
        let key = key.ok_or_else(|| format!("environment `{name}` has no API key"))?;
        return Ok(From {
            api_url: env.api_url.clone(),
            api_key: key,
            project: args.project.clone().or_else(|| env.project.clone()),
            environment: args.environment.clone().or_else(|| env.environment.clone()),
        });
    }
    let key = std::env::var("PERMIT_API_KEY")
        .ok()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .ok_or("set PERMIT_API_KEY to the key of the environment to mirror, or pass --env NAME")?;
    Ok(From {
        api_url: cloud::urls::api_url(&args.api_url),
        api_key: key,
        project: args.project.clone(),
        environment: args.environment.clone(),
    })
}

fn report(args: &SnapshotArgs, output: &Path, written: &Written, took: std::time::Duration) {
    let Written {
        snapshot,
        local_key,
    } = written;
    let source = &snapshot.source;
    if args.json {
        let summary = json!({
            "file": output.display().to_string(),
            "api_url": source.api_url, "project": source.project, "environment": source.environment,
            "taken_at": source.taken_at, "counts": source.counts, "skipped": snapshot.skipped,
            "local_api_key": local_key, "elapsed_ms": took.as_millis(),
        });
        println!("{summary}");
        return;
    }
    println!(
        "snapshot of {}/{} ({}) written to {} in {:.1} s",
        source.project,
        source.environment,
        source.api_url,
        output.display(),
        took.as_secs_f64()
    );
    for (list, count) in &source.counts {
        println!("  {list:<20} {count:>8}");
    }
    if !snapshot.skipped.is_empty() {
        println!(
            "  left out ({}), also listed in the file:",
            snapshot.skipped.len()
        );
        for why in snapshot.skipped.iter().take(10) {
            println!("    {}", crate::printable::escape_line(why));
        }
    }
    println!(
        "serve it: permit-tui sandbox --policy {}  (its API key: {local_key})",
        output.display()
    );
}
