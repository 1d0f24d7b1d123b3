//! `permit-tui snapshot`: mirror a real environment into one policy file the sandbox loads
//! (`permit-tui sandbox --policy FILE`), for offline checks with full explanations.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use serde_json::json;

use crate::cloud::{self, CloudClient, Discovery, DiscoveryStart};
use crate::mirror::{self, Target};
use crate::store::{Config, Paths};

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Where to write the policy file (replaced atomically; mode 0600).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
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
    let (api_url, key) = source(args)?;
    let explain = |err: cloud::CloudError| format!("{err}\n  hint: {}", err.hint());
    let client = CloudClient::new(&api_url, &key).map_err(explain)?;
    let found = match Discovery::start(client, &key).await.map_err(explain)? {
        (_, DiscoveryStart::Ready(found)) => *found,
        (discovery, DiscoveryStart::PickProject(projects)) => {
            let level = discovery.level();
            let project = match (&args.project, projects.as_slice()) {
                (Some(p), _) => p.clone(),
                (None, [only]) => only.key.clone(),
                (None, _) => {
                    let keys: Vec<&str> = projects.iter().map(|p| p.key.as_str()).collect();
                    return Err(format!(
                        "this is an {level}-level key; choose a project with --project: {}",
                        keys.join(", ")
                    ));
                }
            };
            let Some(environment) = &args.environment else {
                let envs = discovery.environments(&project).await.map_err(explain)?;
                let keys: Vec<&str> = envs.iter().map(|e| e.key.as_str()).collect();
                return Err(format!(
                    "this is an {level}-level key; choose an environment of `{project}` with --environment: {}",
                    keys.join(", ")
                ));
            };
            discovery
                .choose_by_key(&project, environment)
                .await
                .map_err(explain)?
        }
    };
    // The lists are read with the environment's own key, which may read all of them.
    let client = CloudClient::new(&api_url, &found.api_key).map_err(explain)?;
    let target = Target {
        project: found.project.key.clone(),
        environment: found.environment.key.clone(),
        concurrency: args.concurrency.max(1),
    };
    let local_key = crate::sandbox::generated_key("permit_key_mirror_");
    let started = Instant::now();
    let live = std::io::stderr().is_terminal() && !args.json;
    let mut progress = |list: &str, done: usize, all: usize, objects: usize| {
        if live {
            eprint!("\r\x1b[2K{list}: page {done} of {all}, {objects} objects");
        }
    };
    // Written beside the output and renamed over it only once it is whole and loads, so a
    // failure leaves any older snapshot as it was.
    let (temp, file) =
        crate::store::atomic::create_beside(&args.output, Some(crate::store::atomic::PRIVATE_MODE))
            .map_err(|err| format!("cannot write beside {}: {err}", args.output.display()))?;
    let written = async {
        let mut out = std::io::BufWriter::new(file);
        let snapshot = mirror::take(&client, &target, &local_key, &mut out, &mut progress)
            .await
            .map_err(|err| match &err {
                mirror::SnapshotError::Page(page) => {
                    format!("{err}\n  hint: {}", page.source.hint())
                }
                _ => err.to_string(),
            })?;
        let file = out.into_inner().map_err(|err| err.to_string())?;
        file.sync_all().map_err(|err| err.to_string())?;
        if args.strict && !snapshot.skipped.is_empty() {
            return Err(format!(
                "{} object(s) cannot be represented in the sandbox (--strict):\n{}",
                snapshot.skipped.len(),
                snapshot.skipped.join("\n")
            ));
        }
        // What is written must load: a snapshot the sandbox refuses helps nobody.
        crate::sandbox::Sandbox::from_files(std::slice::from_ref(&temp))
            .map_err(|err| format!("the snapshot does not load in the sandbox: {err}"))?;
        crate::store::atomic::commit(&temp, &args.output)
            .map_err(|err| format!("cannot write {}: {err}", args.output.display()))?;
        Ok(snapshot)
    }
    .await;
    if live {
        eprint!("\r\x1b[2K");
    }
    let snapshot = written
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
        .map_err(|err| format!("{err}\n  nothing was written to {}", args.output.display()))?;
    report(args, &snapshot, &local_key, started.elapsed());
    Ok(())
}

/// The API URL and the key: a configured environment's, or `--api-url` and $PERMIT_API_KEY.
fn source(args: &SnapshotArgs) -> Result<(String, String), String> {
    if let Some(name) = &args.env {
        let (config, _) = Config::load(&Paths::discover());
        let env = config
            .get(name)
            .ok_or_else(|| format!("no environment `{name}`; see `permit-tui env list`"))?;
        let (key, _) = env.key();
        let key = key.ok_or_else(|| format!("environment `{name}` has no API key"))?;
        return Ok((env.api_url.clone(), key));
    }
    let key = std::env::var("PERMIT_API_KEY")
        .ok()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .ok_or("set PERMIT_API_KEY to the key of the environment to mirror, or pass --env NAME")?;
    Ok((cloud::urls::api_url(&args.api_url), key))
}

fn report(
    args: &SnapshotArgs,
    snapshot: &mirror::Snapshot,
    local_key: &str,
    took: std::time::Duration,
) {
    let source = &snapshot.source;
    if args.json {
        let summary = json!({
            "file": args.output.display().to_string(),
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
        args.output.display(),
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
        args.output.display()
    );
}
