//! `permit-tui replay`: yesterday's decisions, asked again. The audit logs of an environment
//! are read for a window, each replayed **as recorded** (attributes and context kept) through
//! `/allowed/bulk` against a PDP, and the decisions that changed are reported with the
//! target's codes and, where the target has a mirror, its explanation. `--save-suite` freezes
//! the logs into a suite whose expectations are the recorded decisions.
//! Exit 0 when nothing changed, 1 when something did, 2 on errors.

use std::collections::{BTreeMap, HashMap};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::Args;
use serde_json::{json, Value};

use crate::audit::{self, Filters, Reading, Skip, Window};
use crate::expectation::Expect;
use crate::mirror::stored::Mirror;
use crate::pdp::types::AllowedQuery;
use crate::pdp::PdpClient;
use crate::printable::escape_line;
use crate::store::{Config, Paths};
use crate::suite::run::{explain_line, run_suite, RunOptions};
use crate::suite::{Suite, SuiteCheck};

use super::flags::PdpRequestArgs;

const EXIT_CHANGED: i32 = 1;
const EXIT_ERROR: i32 = 2;

/// The PDP replayed against is `--against ENV`, `--pdp URL`, or the `--from` environment's own:
/// not `check`'s `--env`/`--pdp` pair, whose defaults (`PERMIT_PDP_URL`, the active
/// environment) would replay against another PDP than the source's.
#[derive(Debug, Args)]
#[command(mut_arg("timeout", |a| a.default_value("10s")))]
pub struct ReplayArgs {
    /// The environment whose audit logs are read (its API URL and key).
    #[arg(long = "from", value_name = "ENV")]
    pub from: String,
    /// How far back from now: `24h`, `7days`, `90min` (default 24h; or --from-time/--to-time).
    #[arg(long, value_name = "DURATION", conflicts_with = "from_time")]
    pub since: Option<String>,
    /// Start of the window: RFC 3339 (`2026-12-01T09:00:00Z`) or seconds since 1970.
    #[arg(long, value_name = "TIME")]
    pub from_time: Option<String>,
    /// End of the window (default now).
    #[arg(long, value_name = "TIME")]
    pub to_time: Option<String>,
    /// Only these users (key or email); repeatable.
    #[arg(long = "user", value_name = "USER")]
    pub users: Vec<String>,
    /// Only these resource types; repeatable.
    #[arg(long = "resource", value_name = "TYPE")]
    pub resources: Vec<String>,
    #[arg(long)]
    pub tenant: Option<String>,
    #[arg(long)]
    pub action: Option<String>,
    /// Only decisions that were `allow` or `deny`.
    #[arg(long, value_name = "allow|deny", value_parser = ["allow", "deny"])]
    pub decision: Option<String>,
    /// Only the logs of this PDP (its config id).
    #[arg(long, value_name = "ID")]
    pub pdp_id: Option<String>,
    /// The environment to replay against (default: --from's own PDP).
    #[arg(long, value_name = "ENV", conflicts_with = "pdp")]
    pub against: Option<String>,
    /// A PDP URL to replay against (key: --api-key or PERMIT_API_KEY).
    #[arg(long, value_name = "URL")]
    pub pdp: Option<String>,
    // `--api-key` and `--timeout`, as every command takes them (`--timeout` 10s here: a bulk
    // request of `--chunk` checks takes longer than one check).
    #[command(flatten)]
    pub request: PdpRequestArgs,
    /// The most logs read.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub limit: usize,
    /// Pages read at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub concurrency: usize,
    /// Checks per /allowed/bulk request.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub chunk: usize,
    /// Print one JSON object: replayed, skipped (with reasons), changed.
    #[arg(long)]
    pub json: bool,
    /// Write the replayed requests as a suite (docs/suites.md) expecting the recorded decisions.
    #[arg(long, value_name = "FILE")]
    pub save_suite: Option<PathBuf>,
}

/// One distinct request of the window, with how many logs recorded it.
#[derive(Debug, Clone)]
struct Replayed {
    query: AllowedQuery,
    recorded: bool,
    count: usize,
    first_id: String,
    first_at: String,
}

pub async fn run(args: ReplayArgs) -> anyhow::Result<i32> {
    match replay(&args).await {
        Ok(code) => Ok(code),
        Err(message) => {
            eprintln!(
                "error: {}",
                crate::printable::escape_indented(&message, "  ")
            );
            Ok(EXIT_ERROR)
        }
    }
}

fn parse_time(text: &str) -> Result<SystemTime, String> {
    if let Ok(seconds) = text.trim().parse::<u64>() {
        return Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds));
    }
    crate::store::time::parse_rfc3339(text).ok_or_else(|| {
        format!(
            "`{text}` is not a time: give RFC 3339 (2026-12-01T09:00:00Z) or seconds since 1970"
        )
    })
}

fn window(args: &ReplayArgs) -> Result<Window, String> {
    let now = SystemTime::now();
    let to = args
        .to_time
        .as_deref()
        .map(parse_time)
        .transpose()?
        .unwrap_or(now);
    let from = match (&args.from_time, &args.since) {
        (Some(t), _) => parse_time(t)?,
        (None, since) => {
            let since = since.as_deref().unwrap_or("24h");
            let span = humantime::parse_duration(since)
                .map_err(|e| format!("--since `{since}`: {e} (e.g. 24h, 7days, 90min)"))?;
            to.checked_sub(span).unwrap_or(SystemTime::UNIX_EPOCH)
        }
    };
    if from > to {
        return Err("the window starts after it ends".to_string());
    }
    Ok(Window { from, to })
}

async fn replay(args: &ReplayArgs) -> Result<i32, String> {
    let paths = Paths::discover();
    let (config, _) = Config::load(&paths);
    let window = window(args)?;
    let source = crate::targets::resolve(Some(&args.from), &config)
        .await
        .map_err(|e| e.to_string())?;
    let rest = source
        .cloud_client()
        .ok_or_else(|| format!("`{}` has no API key to read its audit logs with", args.from))?;
    let (project, environment) = source
        .rest_scope()
        .await
        .map_err(|e| format!("{e}\n  hint: {}", e.hint()))?;
    let filters = Filters {
        users: args.users.clone(),
        resources: args.resources.clone(),
        tenant: args.tenant.clone(),
        action: args.action.clone(),
        decision: args.decision.as_deref().map(|d| d == "allow"),
        pdp_id: args.pdp_id.clone(),
    };
    let live = std::io::stderr().is_terminal() && !args.json;
    let mut progress = |read: usize, total: usize| {
        if live {
            eprint!("\r\x1b[2Kaudit logs: {read} of {total}");
        }
    };
    let reading = Reading {
        concurrency: args.concurrency,
        limit: args.limit,
    };
    let fetched = audit::fetch(
        &rest,
        (&project, &environment),
        window,
        &filters,
        reading,
        &mut progress,
    )
    .await
    .map_err(|e| format!("{e}\n  hint: {}", e.source.hint()))?;
    if live {
        eprint!("\r\x1b[2K");
    }

    // Oldest first, identical requests (with the same recorded decision) counted once.
    let mut entries = fetched.entries;
    entries.sort_by_key(|e| e.at().unwrap_or(SystemTime::UNIX_EPOCH));
    let mut skipped: BTreeMap<Skip, usize> = BTreeMap::new();
    let mut groups: Vec<Replayed> = Vec::new();
    let mut index: HashMap<(String, bool), usize> = HashMap::new();
    for entry in &entries {
        let requests = match entry.requests() {
            Err(why) => {
                *skipped.entry(why).or_default() += 1;
                continue;
            }
            Ok(requests) => requests,
        };
        for (query, recorded) in requests {
            {
                let key = (serde_json::to_string(&query).unwrap_or_default(), recorded);
                match index.get(&key) {
                    Some(&i) => groups[i].count += 1,
                    None => {
                        index.insert(key, groups.len());
                        groups.push(Replayed {
                            query,
                            recorded,
                            count: 1,
                            first_id: entry.id.clone(),
                            first_at: entry.timestamp.clone(),
                        });
                    }
                }
            }
        }
    }
    let replayed: usize = groups.iter().map(|g| g.count).sum();
    // The logs' text is no longer needed: only the distinct requests are.
    let read = entries.len();
    drop(entries);

    let (target_name, client, mirror) = target(args, &config, &paths, &source).await?;
    let suite = Suite {
        source: PathBuf::from("replay"),
        name: format!("audit logs of {}", args.from),
        checks: groups
            .iter()
            .map(|g| SuiteCheck {
                name: check_name(g),
                line: 0,
                query: g.query.clone(),
                expect: if g.recorded {
                    Expect::Allow
                } else {
                    Expect::Deny
                },
                expect_code: None,
            })
            .collect(),
    };
    let run = run_suite(
        &client,
        &target_name,
        &suite,
        RunOptions {
            bulk: true,
            chunk: args.chunk.max(1),
        },
    )
    .await;
    if let Some(file) = &args.save_suite {
        let text = crate::suite::render_suite(&suite.name, &suite.checks)?;
        crate::store::atomic::write_atomic(file, text.as_bytes(), None)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }

    let mut changed = Vec::new();
    let mut errors = Vec::new();
    for (group, check_run) in groups.iter().zip(&run.runs) {
        match check_run.allow() {
            Some(now) if now != group.recorded => changed.push((group, check_run)),
            Some(_) => {}
            None => errors.push((group, check_run)),
        }
    }
    let report = Report {
        args,
        window,
        target: &target_name,
        read,
        unreadable: fetched.unreadable,
        windows: fetched.windows,
        truncated: fetched.truncated,
        replayed,
        distinct: groups.len(),
        skipped: &skipped,
        changed: &changed,
        errors: &errors,
        mirror: mirror.as_ref(),
    };
    if args.json {
        println!("{}", report.json());
    } else {
        print!("{}", report.text());
    }
    Ok(if !errors.is_empty() {
        EXIT_ERROR
    } else if !changed.is_empty() {
        EXIT_CHANGED
    } else {
        0
    })
}

/// The PDP to replay against, its name, and its environment's mirror when it has one.
async fn target(
    args: &ReplayArgs,
    config: &Config,
    paths: &Paths,
    source: &crate::targets::Target,
) -> Result<(String, PdpClient, Option<Mirror>), String> {
    if let Some(url) = &args.pdp {
        let key = args.request.key().map_err(|e| e.to_string())?;
        let client = PdpClient::new(url, key, args.request.timeout).map_err(|e| e.to_string())?;
        return Ok((client.base_url().to_string(), client, None));
    }
    let target = match &args.against {
        Some(name) => crate::targets::resolve(Some(name), config)
            .await
            .map_err(|e| e.to_string())?,
        None => source.clone(),
    };
    let client = PdpClient::new(
        &target.pdp_url,
        target.reveal_key().map(str::to_string),
        args.request.timeout,
    )
    .map_err(|e| e.to_string())?;
    let mirror = Mirror::of_environment(paths, &target.name).ok().flatten();
    Ok((target.name, client, mirror))
}

fn describe(query: &AllowedQuery) -> String {
    let resource = match &query.resource.key {
        Some(key) => format!("{}:{key}", query.resource.kind),
        None => query.resource.kind.clone(),
    };
    format!(
        "{} {} {} in {}",
        query.user.key,
        query.action,
        resource,
        query.resource.tenant.as_deref().unwrap_or("default")
    )
}

fn check_name(g: &Replayed) -> String {
    format!("{} (log {}, {}×)", describe(&g.query), g.first_id, g.count)
}

fn word(allow: bool) -> &'static str {
    if allow {
        "ALLOW"
    } else {
        "DENY"
    }
}

struct Report<'a> {
    args: &'a ReplayArgs,
    window: Window,
    target: &'a str,
    read: usize,
    unreadable: usize,
    windows: usize,
    truncated: bool,
    replayed: usize,
    distinct: usize,
    skipped: &'a BTreeMap<Skip, usize>,
    changed: &'a [(&'a Replayed, &'a crate::suite::run::CheckRun)],
    errors: &'a [(&'a Replayed, &'a crate::suite::run::CheckRun)],
    mirror: Option<&'a Mirror>,
}

impl Report<'_> {
    fn text(&self) -> String {
        let time = crate::store::time::rfc3339;
        let mut out = format!(
            "read {} audit log(s) of {} from {} to {} ({} quer{})\n",
            self.read,
            escape_line(&self.args.from),
            time(self.window.from),
            time(self.window.to),
            self.windows,
            if self.windows == 1 { "y" } else { "ies" }
        );
        if self.truncated {
            out.push_str(&format!(
                "  stopped at --limit {}: more logs are in the window (narrow it or raise --limit)\n",
                self.args.limit
            ));
        }
        let skipped: usize = self.skipped.values().sum::<usize>() + self.unreadable;
        out.push_str(&format!(
            "replayed {} as recorded ({} distinct request(s)) against {}: {} changed, {} error(s)\n",
            self.replayed,
            self.distinct,
            escape_line(self.target),
            self.changed.len(),
            self.errors.len()
        ));
        if skipped > 0 {
            let reasons: Vec<String> = self
                .skipped
                .iter()
                .map(|(why, n)| format!("{n} {}", why.describe()))
                .chain((self.unreadable > 0).then(|| format!("{} unreadable", self.unreadable)))
                .collect();
            out.push_str(&format!("skipped {skipped}: {}\n", reasons.join(", ")));
        }
        for (group, run) in self.changed {
            let now = run.allow().unwrap_or(false);
            out.push_str(&format!(
                "\nCHANGED  {}  {}  ({}×, first {})\n  recorded {} → now {}\n  now:    {}\n",
                escape_line(&group.first_at),
                escape_line(&describe(&group.query)),
                group.count,
                escape_line(&group.first_id),
                word(group.recorded),
                word(now),
                escape_line(&explain_line(&run.explanations()))
            ));
            if let Some(mirror) = self.mirror {
                let result = mirror.check(&group.query);
                out.push_str(&format!("  mirror: {}\n", word(result.allow)));
                for line in crate::explain::text_lines(&group.query, &result, "    ") {
                    out.push_str(&escape_line(&line));
                    out.push('\n');
                }
            }
        }
        for (group, run) in self.errors {
            out.push_str(&format!(
                "\nERROR    {}  {}\n  {}\n",
                escape_line(&group.first_at),
                escape_line(&describe(&group.query)),
                escape_line(&run.verdict_text())
            ));
        }
        if let Some(file) = &self.args.save_suite {
            out.push_str(&format!(
                "\nsaved {} check(s) expecting the recorded decisions to {} (run it: permit-tui test {})\n",
                self.distinct,
                file.display(),
                file.display()
            ));
        }
        out
    }

    fn json(&self) -> Value {
        let time = crate::store::time::rfc3339;
        let skipped: serde_json::Map<String, Value> = self
            .skipped
            .iter()
            .map(|(why, n)| {
                (
                    serde_json::to_value(why)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    json!(n),
                )
            })
            .chain(
                (self.unreadable > 0).then(|| ("unreadable".to_string(), json!(self.unreadable))),
            )
            .collect();
        let item = |group: &Replayed, run: &crate::suite::run::CheckRun| {
            let mirror = self.mirror.map(|m| {
                let result = m.check(&group.query);
                json!({"decision": if result.allow { "allow" } else { "deny" }, "debug": result.debug})
            });
            json!({
                "request": group.query,
                "recorded": if group.recorded { "allow" } else { "deny" },
                "now": run.allow().map(|a| if a { "allow" } else { "deny" }),
                "count": group.count,
                "first_id": group.first_id,
                "first_at": group.first_at,
                "codes": run.explanations().iter().map(|e| json!({"model": e.model, "allow": e.allow, "code": e.code, "reason": e.reason})).collect::<Vec<_>>(),
                "mirror": mirror,
                "error": (run.allow().is_none()).then(|| run.verdict_text()),
            })
        };
        json!({
            "from": self.args.from,
            "window": {"from": time(self.window.from), "to": time(self.window.to)},
            "target": self.target,
            "read": self.read,
            "queries": self.windows,
            "truncated": self.truncated,
            "replayed": self.replayed,
            "distinct": self.distinct,
            "skipped": skipped,
            "changed": self.changed.iter().map(|(g, r)| item(g, r)).collect::<Vec<_>>(),
            "errors": self.errors.iter().map(|(g, r)| item(g, r)).collect::<Vec<_>>(),
        })
    }
}
