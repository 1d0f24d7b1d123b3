//! `permit-tui sandbox`: serve the sandbox PDP standalone, for SDKs and other tools.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::sandbox::conditions::Types;
use crate::sandbox::{serve, Sandbox, ServeOptions};

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
}

pub async fn run(args: SandboxArgs) -> anyhow::Result<i32> {
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
    };
    let running = match serve(sandbox.clone(), args.bind, opts).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(2);
        }
    };
    println!("permit-tui sandbox PDP listening on {}", running.url());
    if args.strict_types {
        println!("  --strict-types: comparisons across JSON types are false (Permit's PDP would order them)");
    }
    for env in sandbox.environments() {
        println!(
            "  environment {}/{} ({}): API key {}",
            env.project, env.key, env.name, env.api_key
        );
    }
    println!(
        "  organization key (REST API, sees every environment): {}",
        sandbox.org_api_key()
    );
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    running.shutdown().await;
    Ok(0)
}
