//! `permit-tui check`: one check, headless. Exit 0 allow, 1 deny, 2 any error.

use std::io::Write;
use std::time::Duration;

use serde_json::{json, Value};

use crate::pdp::error::fmt_duration;
use crate::pdp::types::AllowedResult;
use crate::pdp::{CheckInput, Exchange, PdpClient, DEFAULT_PDP_URL};
use crate::printable::{escape_indented, escape_line};
use crate::store::{Config, History, Paths};

pub const EXIT_ALLOW: i32 = 0;
pub const EXIT_DENY: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The user: a key, or a JSON object such as '{"key":"alice","email":"a@x.io"}'.
    #[arg(short, long)]
    pub user: String,
    /// The action, e.g. read.
    #[arg(short, long)]
    pub action: String,
    /// The resource: TYPE or TYPE:KEY.
    #[arg(short, long)]
    pub resource: String,
    /// The tenant (default: "default", as the SDKs do).
    #[arg(short, long, default_value = "")]
    pub tenant: String,
    /// Just-in-time user attributes, a JSON object.
    #[arg(long = "user-attr", value_name = "JSON", default_value = "")]
    pub user_attributes: String,
    /// Resource attributes, a JSON object.
    #[arg(long = "resource-attr", value_name = "JSON", default_value = "")]
    pub resource_attributes: String,
    /// Context, a JSON object.
    #[arg(long, value_name = "JSON", default_value = "")]
    pub context: String,
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

/// Where checks go: shared by the headless commands.
#[derive(Debug, Clone, clap::Args)]
pub struct PdpArgs {
    /// A named environment (see `permit-tui env list`; `sandbox-dev` and `sandbox-prod` are
    /// always there). Default: the active environment, if one is configured.
    #[arg(long = "env", value_name = "NAME")]
    pub env: Option<String>,
    /// The PDP's URL (default: the active environment's, else http://localhost:7766).
    #[arg(long = "pdp", env = "PERMIT_PDP_URL", value_name = "URL")]
    pub pdp_url: Option<String>,
    /// The API key for --pdp (prefer the PERMIT_API_KEY variable: argv is visible to other users).
    #[arg(long, env = "PERMIT_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Seconds to wait for the PDP before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub timeout: f64,
}

/// A PDP client and the name history and reports use for it.
pub struct ResolvedPdp {
    pub name: String,
    pub client: PdpClient,
}

impl PdpArgs {
    fn timeout(&self) -> anyhow::Result<Duration> {
        crate::suite::target::bounded_seconds(self.timeout)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                anyhow::anyhow!("--timeout must be a positive number of seconds, at most 86400")
            })
    }

    /// `--env` names an environment; else `--pdp` (or `PERMIT_PDP_URL`) is used as given;
    /// else the active environment; else the SDKs' default, a local PDP on port 7766.
    pub async fn resolve(&self, config: &Config) -> anyhow::Result<ResolvedPdp> {
        let timeout = self.timeout()?;
        let named = match (&self.env, &self.pdp_url) {
            (Some(env), _) => Some(env.as_str()),
            (None, None) if config.active.is_some() => None,
            (None, _) => {
                let url = self.pdp_url.as_deref().unwrap_or(DEFAULT_PDP_URL);
                let client = PdpClient::new(url, self.api_key.clone(), timeout)?;
                return Ok(ResolvedPdp {
                    name: client.base_url().to_string(),
                    client,
                });
            }
        };
        // A named environment brings its own key; PERMIT_API_KEY overrides only the active
        // one (the store applies that), so a key meant for one environment never reaches another.
        let target = crate::targets::resolve(named, config).await?;
        let key = target.reveal_key().map(str::to_string);
        let client = PdpClient::new(&target.pdp_url, key, timeout)?;
        Ok(ResolvedPdp {
            name: target.name,
            client,
        })
    }
}

pub async fn run(args: CheckArgs) -> anyhow::Result<i32> {
    let input = CheckInput {
        user: args.user.clone(),
        user_attributes: args.user_attributes.clone(),
        action: args.action.clone(),
        resource: args.resource.clone(),
        resource_key: String::new(),
        tenant: args.tenant.clone(),
        resource_attributes: args.resource_attributes.clone(),
        context: args.context.clone(),
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
    let ResolvedPdp { name, client } = match args.pdp.resolve(&config).await {
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
