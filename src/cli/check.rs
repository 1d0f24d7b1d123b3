//! `permit-tui check`: one check, headless. Exit 0 allow, 1 deny, 2 any error.

use std::io::Write;

use serde_json::{json, Value};

use crate::pdp::error::fmt_duration;
use crate::pdp::types::AllowedResult;
use crate::pdp::Exchange;
use crate::printable::{escape_indented, escape_line};
use crate::store::{Config, History, Paths};

use super::flags::{NamedClient, PdpArgs, QueryArgs};

pub const EXIT_ALLOW: i32 = 0;
pub const EXIT_DENY: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, clap::Args)]
#[command(after_help = super::flags::ONE_PDP_DEFAULT)]
pub struct CheckArgs {
    #[command(flatten)]
    pub query: QueryArgs,
    #[command(flatten)]
    pub pdp: PdpArgs,
    /// Also decide the check on the environment's mirror (`permit-tui env snapshot NAME`), or
    /// on the snapshot FILE given, and print its explanation beside the PDP's answer: whether
    /// they agree, and when not, what can cause it.
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true)]
    pub mirror: Option<Option<std::path::PathBuf>>,
    /// Print one JSON object: the request sent (key redacted), the response and the latency.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: CheckArgs) -> anyhow::Result<i32> {
    let Some(input) = args.query.to_input(None) else {
        eprintln!("error: give all of -u USER -a ACTION -r RESOURCE\nnothing was sent.");
        return Ok(EXIT_ERROR);
    };
    let query = match input.to_query() {
        Ok(query) => query,
        Err(err) => {
            eprintln!("error: {err}\nnothing was sent.");
            return Ok(EXIT_ERROR);
        }
    };
    let paths = Paths::discover();
    let (config, notices) = Config::load(&paths);
    for notice in notices {
        eprintln!("note: {}", escape_line(&notice.to_string()));
    }
    let NamedClient { name, client } = match args.pdp.resolve_one(&config).await {
        Ok(resolved) => resolved,
        Err(err) => {
            let message = format!("{err:#}");
            eprintln!("error: {}", escape_indented(&message, "  "));
            return Ok(EXIT_ERROR);
        }
    };
    let mirror = match &args.mirror {
        None => None,
        Some(file) => match load_mirror(file.as_deref(), &paths, &name) {
            Ok(mirror) => Some(mirror),
            Err(message) => {
                eprintln!("error: {}", escape_indented(&message, "  "));
                return Ok(EXIT_ERROR);
            }
        },
    };
    let exchange = client.check(&query).await;
    // History is a convenience: a read-only data directory must not fail the check.
    if let Err(err) = History::open(&paths.history_file()).append_check(&name, &query, &exchange) {
        eprintln!("note: this check was not added to history: {err}");
    }
    let request = client.describe_request("/allowed", &query);
    let mut out = std::io::stdout().lock();
    let beside = mirror
        .as_ref()
        .map(|m| super::check_mirror::decide(m, &name, &query, &exchange));
    if args.json {
        let mut report = json_report(&request, &exchange);
        if let Some(beside) = &beside {
            report["mirror"] = beside.to_json();
        }
        writeln!(out, "{report}")?;
    } else {
        write!(out, "{}", text_report(&query_summary(&query), &exchange))?;
        if let Some(beside) = &beside {
            write!(out, "{}", beside.text())?;
        }
    }
    Ok(exit_code(&exchange))
}

/// The mirror `--mirror` names: the FILE given, else the environment's own.
fn load_mirror(
    file: Option<&std::path::Path>,
    paths: &Paths,
    environment: &str,
) -> Result<crate::mirror::stored::Mirror, String> {
    use crate::mirror::stored::{path_for, Mirror};
    let file = file.map_or_else(|| path_for(paths, environment), |f| f.to_path_buf());
    if !file.exists() {
        return Err(format!(
            "`{environment}` has no mirror yet ({} does not exist)\n  hint: take one with `permit-tui env snapshot {environment}`, or pass --mirror=FILE",
            file.display()
        ));
    }
    Mirror::load(&file).map_err(|err| format!("the mirror does not load: {err}"))
}

pub fn exit_code(exchange: &Exchange<AllowedResult>) -> i32 {
    match &exchange.result {
        Ok(result) if result.allow => EXIT_ALLOW,
        Ok(_) => EXIT_DENY,
        Err(_) => EXIT_ERROR,
    }
}

fn query_summary(query: &crate::pdp::types::AllowedQuery) -> String {
    let resource = match &query.resource.key {
        Some(key) => format!("{}:{key}", query.resource.kind),
        None => query.resource.kind.clone(),
    };
    format!(
        "user '{}' {} {} in tenant '{}'",
        query.user.key,
        query.action,
        resource,
        query.resource.tenant.as_deref().unwrap_or_default()
    )
}

/// The human report: decision, each debug block's code and reason, latency.
pub fn text_report(summary: &str, exchange: &Exchange<AllowedResult>) -> String {
    let status = exchange
        .status
        .map(|s| format!(", HTTP {s}"))
        .unwrap_or_default();
    let timing = format!("({}{status})", fmt_duration(exchange.latency));
    match &exchange.result {
        Ok(result) => {
            let verdict = if result.allow { "ALLOW" } else { "DENY" };
            let mut text = format!("{verdict}  {}  {timing}\n", escape_line(summary));
            match &result.debug {
                Some(debug) => {
                    for (name, block) in debug.blocks() {
                        text.push_str(&format!(
                            "  {name:<6} {:<26} {}\n",
                            escape_line(block.code.as_deref().unwrap_or("-")),
                            escape_line(block.reason.as_deref().unwrap_or(""))
                        ));
                        if let Some(link) = &block.support_link {
                            text.push_str(&format!("         see {}\n", escape_line(link)));
                        }
                    }
                }
                None => text.push_str(
                    "  (the PDP sent no explanation: run it with PDP_DEBUG=true to see why)\n",
                ),
            }
            text
        }
        Err(err) => format!(
            "ERROR  {}  {timing}\n  {}\n  hint: {}\n",
            escape_line(summary),
            escape_indented(&err.to_string(), "  "),
            escape_indented(&err.hint(), "  ")
        ),
    }
}

/// The `--json` report. The Authorization header is redacted in `request`.
pub fn json_report(
    request: &crate::pdp::client::RequestPreview,
    exchange: &Exchange<AllowedResult>,
) -> Value {
    let decision = match &exchange.result {
        Ok(r) if r.allow => "allow",
        Ok(_) => "deny",
        Err(_) => "error",
    };
    let body = exchange.raw_body.as_deref().map(|raw| {
        serde_json::from_str::<Value>(raw).unwrap_or_else(|_| Value::String(raw.to_string()))
    });
    let error = exchange
        .result
        .as_ref()
        .err()
        .map(|err| json!({"kind": err.kind(), "message": err.to_string(), "hint": err.hint()}));
    json!({
        "decision": decision,
        "latency_ms": exchange.latency.as_secs_f64() * 1000.0,
        "request": request,
        "response": {"status": exchange.status, "body": body},
        "error": error,
    })
}
