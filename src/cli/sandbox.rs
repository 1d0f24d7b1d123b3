//! `permit-tui sandbox`: serve the sandbox PDP standalone, for SDKs and other tools.

use std::net::SocketAddr;
use std::path::PathBuf;

use std::time::Duration;

use crate::sandbox::conditions::Types;
use crate::sandbox::{serve, Limits, Sandbox, ServeOptions};

use super::flags::parse_duration;

#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    /// A policy file (one environment each); repeat for several. Default: the bundled dev and prod.
    #[arg(long = "policy", value_name = "FILE")]
    pub policy: Vec<PathBuf>,
    /// Address to listen on (7766 is the SDKs' default PDP port).
    #[arg(long, default_value = "127.0.0.1:7766", value_name = "ADDR")]
    pub bind: SocketAddr,
    /// Allow a non-loopback bind address. The API keys are demo keys: anyone who can reach the
    /// port can query the policy.
    #[arg(long)]
    pub allow_remote: bool,
    /// Make every comparison across JSON types false (`"3" >= 3`, `"1" != 1`), to catch
    /// numbers sent as strings. Off by default: Permit's PDP orders the types as OPA does.
    #[arg(long)]
    pub strict_types: bool,
    /// Log one line per request to stderr.
    #[arg(long, short)]
    pub verbose: bool,
    /// Reload the --policy files when they change; a file that does not load keeps the last
    /// good policy serving, and its error is printed.
    #[arg(long, requires = "policy")]
    pub watch: bool,
    /// How long a connection may take to send a request's head; an idle kept-alive connection
    /// is closed after it too (e.g. 5s, 500ms; a bare number is seconds).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "10s",
        value_parser = parse_duration,
        allow_negative_numbers = true
    )]
    pub header_timeout: Duration,
    /// How long a request's body may take to arrive, 408 after it (e.g. 5s, 500ms; a bare
    /// number is seconds).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "10s",
        value_parser = parse_duration,
        allow_negative_numbers = true
    )]
    pub body_timeout: Duration,
    /// Connections served at once; past it new ones get 503.
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub max_connections: usize,
    /// MiB of request bodies read at once across all connections; past it, 503.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    pub body_budget: usize,
    /// Checks in one /allowed/bulk request; more get 413.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_bulk_checks: usize,
    /// Decisions the audit log keeps in memory, newest first, served at Permit's
    /// `/v2/pdps/{proj}/{env}/audit_logs` (0 keeps none).
    #[arg(long, value_name = "N", default_value_t = crate::sandbox::audit::DEFAULT_CAPACITY)]
    pub audit_log: usize,
}

impl SandboxArgs {
    fn limits(&self) -> Result<Limits, String> {
        let timeout = |value: Duration, flag: &str| {
            (value >= Duration::from_millis(1))
                .then_some(value)
                .ok_or_else(|| format!("{flag} must be at least 1ms"))
        };
        let count = |value: usize, flag: &str| {
            (value > 0)
                .then_some(value)
                .ok_or_else(|| format!("{flag} must be at least 1"))
        };
        Ok(Limits {
            header_timeout: timeout(self.header_timeout, "--header-timeout")?,
            body_timeout: timeout(self.body_timeout, "--body-timeout")?,
            max_connections: count(self.max_connections, "--max-connections")?,
            body_budget: count(self.body_budget, "--body-budget")?.saturating_mul(1 << 20),
            max_bulk_checks: count(self.max_bulk_checks, "--max-bulk-checks")?,
        })
    }
}

pub async fn run(args: SandboxArgs) -> anyhow::Result<i32> {
    let limits = match args.limits() {
        Ok(limits) => limits,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(2);
        }
    };
    let loaded = if args.policy.is_empty() {
        Sandbox::bundled()
    } else {
        Sandbox::from_files(&args.policy)
    };
    let sandbox = match loaded {
        Ok(s) if args.strict_types => s.with_types(Types::Strict),
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: the policy does not load\n  file:   {}\n  at:     {}\n  reason: {}",
                e.file, e.path, e.reason
            );
            return Ok(2);
        }
    };
    let opts = ServeOptions {
        allow_remote: args.allow_remote,
        verbose: args.verbose,
        limits,
        audit_log: Some(args.audit_log),
    };
    let running = match serve(sandbox.clone(), args.bind, opts).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(2);
        }
    };
    println!("permit-tui sandbox PDP listening on {}", running.url());
    if args.allow_remote && args.policy.is_empty() {
        eprintln!(
            "WARNING: --allow-remote with the bundled demo policy: its API keys are published in\n\
             WARNING: permit-tui's README, so anyone who can reach {} can read the whole policy and\n\
             WARNING: every key through the REST API. Serve your own policy files (--policy), whose\n\
             WARNING: organization key is generated for this run, or keep the default loopback bind.",
            running.addr
        );
    }
    if args.strict_types {
        println!("  --strict-types: comparisons across JSON types are false (Permit's PDP would order them)");
    }
    for env in sandbox.environments() {
        println!(
            "  environment {}/{} ({}): API key {}",
            env.project, env.key, env.name, env.api_key
        );
    }
    let which = if args.policy.is_empty() {
        "the bundled demo's published key"
    } else {
        "generated for this run"
    };
    println!(
        "  organization key (REST API, sees every environment; {which}): {}",
        sandbox.org_api_key()
    );
    println!(
        "  limits: header {} s, body {} s, {} connections, {} MiB of bodies in flight, {} checks per bulk request",
        limits.header_timeout.as_secs_f64(),
        limits.body_timeout.as_secs_f64(),
        limits.max_connections,
        limits.body_budget >> 20,
        limits.max_bulk_checks
    );
    if args.watch {
        println!("  watching {} file(s) for changes", args.policy.len());
    }
    println!("Press Ctrl-C to stop.");
    let stopped = tokio::signal::ctrl_c();
    tokio::pin!(stopped);
    if args.watch {
        let org_key = sandbox.org_api_key().to_string();
        tokio::select! {
            result = &mut stopped => report_ctrl_c(result),
            () = watch(&args, &org_key, &running) => {}
        }
    } else {
        report_ctrl_c(stopped.await);
    }
    running.shutdown().await;
    Ok(0)
}

fn report_ctrl_c(result: std::io::Result<()>) {
    if let Err(e) = result {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
}

/// Serves the files again after each change; a file that does not load is reported and the
/// last good policy keeps serving. Never returns.
async fn watch(args: &SandboxArgs, org_key: &str, running: &crate::sandbox::RunningSandbox) {
    crate::sandbox::watch::watch_files(&args.policy, |loaded| match loaded {
        Ok(reloaded) => {
            let reloaded = reloaded.with_org_key(org_key);
            let reloaded = if args.strict_types {
                reloaded.with_types(Types::Strict)
            } else {
                reloaded
            };
            running.replace(reloaded);
            println!("reloaded the policy ({} file(s))", args.policy.len());
        }
        Err(e) => eprintln!(
            "error: the policy does not load, the last good one keeps serving\n  file:   {}\n  at:     {}\n  reason: {}",
            e.file, e.path, e.reason
        ),
    })
    .await
}
