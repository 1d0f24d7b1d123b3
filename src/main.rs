// No unsafe code here, ever (`unwrap` is denied by the [lints] table in Cargo.toml).
#![forbid(unsafe_code)]

use clap::Parser;
use permit_tui::cli::{dispatch, Cli};
use permit_tui::printable::escape_indented;

fn main() {
    let cli = Cli::parse();
    // The explorer (no subcommand) runs on one thread: the app idles between keys and checks
    // time themselves on a thread of their own, and with no worker threads to wake each
    // other while a check is in flight, the latency shown stays close to what a raw load
    // tool measures (BENCHMARKS.md, "Warm check latency"). Its embedded sandbox has a thread
    // of its own too. The headless commands (load probes, suites, the sandbox server) use
    // every core.
    let mut builder = if cli.command.is_none() {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            std::process::exit(2);
        }
    };
    let code = match runtime.block_on(dispatch(cli)) {
        Ok(code) => code,
        Err(err) => {
            let message = format!("{err:#}");
            eprintln!("error: {}", escape_indented(&message, "  "));
            2
        }
    };
    std::process::exit(code);
}
