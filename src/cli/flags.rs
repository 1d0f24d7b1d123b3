//! The flag groups the headless commands share, each declared once and flattened where it is
//! used, so a flag has one name, short letter, environment variable, value name and help:
//!
//! - [`QueryArgs`]: the check (`-u -a -r -t`, `--user-attr`, `--resource-attr`, `--context`):
//!   `check` (required) and `bench` (optional there: it has a demo check and `--suite`).
//! - [`PdpArgs`]: where checks go (`--env`, `--pdp`) and how ([`PdpRequestArgs`]: `--api-key`,
//!   `--timeout`): `check`, `pdp status`, `test`, `diff`, `bench`.
//! - [`PdpRequestArgs`] alone: `replay`, whose target is `--against ENV` or `--pdp URL` and by
//!   default the `--from` environment's own PDP (never `PERMIT_PDP_URL`), so it does not take
//!   the `--env`/`--pdp` pair whose defaults say otherwise.
//!
//! Every duration flag parses with [`parse_duration`], the one parser of their syntax.

use std::time::Duration;

use anyhow::bail;

use crate::pdp::client::shared_http_client;
use crate::pdp::{CheckInput, PdpClient, DEFAULT_PDP_URL};
use crate::store::{Config, Paths};
pub use crate::suite::target::{parse_duration, NamedClient, DURATION_FORMS, DURATION_SYNTAX};

/// One permission check, as flags.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct QueryArgs {
    /// The user: a key, or a JSON object such as '{"key":"alice","email":"a@x.io"}'.
    #[arg(short, long, required = true)]
    pub user: Option<String>,
    /// The action, e.g. read.
    #[arg(short, long, required = true)]
    pub action: Option<String>,
    /// The resource: TYPE or TYPE:KEY.
    #[arg(short, long, required = true)]
    pub resource: Option<String>,
    /// The tenant (default: "default", as the SDKs do).
    #[arg(short, long)]
    pub tenant: Option<String>,
    /// Just-in-time user attributes, a JSON object.
    #[arg(long = "user-attr", value_name = "JSON")]
    pub user_attributes: Option<String>,
    /// Resource attributes, a JSON object.
    #[arg(long = "resource-attr", value_name = "JSON")]
    pub resource_attributes: Option<String>,
    /// Context, a JSON object.
    #[arg(long, value_name = "JSON")]
    pub context: Option<String>,
}

impl QueryArgs {
    /// The check the flags give. With none of user, action and resource, `fallback` (with the
    /// tenant, attributes and context given laid over it); `None` when only some of the three
    /// are given, or none and there is no fallback.
    pub fn to_input(&self, fallback: Option<CheckInput>) -> Option<CheckInput> {
        let base = match (&self.user, &self.action, &self.resource) {
            (Some(user), Some(action), Some(resource)) => CheckInput {
                user: user.clone(),
                action: action.clone(),
                resource: resource.clone(),
                tenant: self.tenant.clone().unwrap_or_default(),
                ..CheckInput::default()
            },
            (None, None, None) => {
                let fallback = fallback?;
                CheckInput {
                    tenant: self.tenant.clone().unwrap_or(fallback.tenant.clone()),
                    ..fallback
                }
            }
            _ => return None,
        };
        let or = |given: &Option<String>, base: String| given.clone().unwrap_or(base);
        Some(CheckInput {
            user_attributes: or(&self.user_attributes, base.user_attributes.clone()),
            resource_attributes: or(&self.resource_attributes, base.resource_attributes.clone()),
            context: or(&self.context, base.context.clone()),
            ..base
        })
    }
}

/// How each request to a PDP is made: its key and how long it may take. Its `Debug` leaves
/// the keys out.
#[derive(Clone, clap::Args)]
pub struct PdpRequestArgs {
    /// The API key for --pdp: one for every URL, or one per --pdp in order (prefer the
    /// PERMIT_API_KEY variable: argv is visible to other users).
    #[arg(
        long = "api-key",
        value_name = "KEY",
        env = "PERMIT_API_KEY",
        hide_env_values = true
    )]
    pub api_keys: Vec<String>,
    /// How long one request to the PDP may take (e.g. 5s, 500ms; a bare number is seconds).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "5s",
        value_parser = parse_duration,
        allow_negative_numbers = true
    )]
    pub timeout: Duration,
}

impl std::fmt::Debug for PdpRequestArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdpRequestArgs")
            .field(
                "api_keys",
                &format_args!("[{} redacted]", self.api_keys.len()),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// What a `PdpRequestArgs` built in code holds: no key, clap's default timeout.
impl Default for PdpRequestArgs {
    fn default() -> Self {
        PdpRequestArgs {
            api_keys: Vec::new(),
            timeout: crate::pdp::DEFAULT_TIMEOUT,
        }
    }
}

impl PdpRequestArgs {
    /// The key for the `index`th of `urls` URLs: its own, else the one given for all, else none.
    fn key_for(&self, index: usize, urls: usize) -> anyhow::Result<Option<String>> {
        if self.api_keys.len() > 1 && self.api_keys.len() != urls {
            bail!(
                "{} --api-key values for {urls} --pdp URL(s): give one key for all, or one per URL",
                self.api_keys.len()
            );
        }
        Ok(self.api_keys.get(index).or(self.api_keys.first()).cloned())
    }

    /// The key for a command that talks to one PDP URL.
    pub fn key(&self) -> anyhow::Result<Option<String>> {
        self.key_for(0, 1)
    }
}

/// What a command that takes one PDP does without `--env` and `--pdp`.
pub const ONE_PDP_DEFAULT: &str = "Without --env or --pdp (and PERMIT_PDP_URL unset): the active \
environment (`permit-tui env use`), else http://localhost:7766, the SDKs' default.";

/// What `test`, `diff` and `bench` do without `--env` and `--pdp`.
pub const SUITE_PDP_DEFAULT: &str =
    "Without --env or --pdp: the PDP at PERMIT_PDP_URL, which must then be set.";

/// Where checks go, and how.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PdpArgs {
    /// A named environment (see `permit-tui env list`; `sandbox-dev` and `sandbox-prod` are
    /// always there). `test` and `diff` take two, to compare them.
    #[arg(long = "env", value_name = "NAME")]
    pub envs: Vec<String>,
    /// A PDP's URL (default: the PERMIT_PDP_URL variable, when no --env is given). `test` and
    /// `diff` take two, to compare them.
    #[arg(long = "pdp", value_name = "URL")]
    pub pdps: Vec<String>,
    #[command(flatten)]
    pub request: PdpRequestArgs,
}

/// `PERMIT_PDP_URL`, when set and not blank.
pub fn pdp_url_from_env() -> Option<String> {
    std::env::var("PERMIT_PDP_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// The one value of a flag a command takes once.
fn at_most_one<'a>(values: &'a [String], flag: &str) -> anyhow::Result<Option<&'a String>> {
    match values {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => bail!(
            "{flag} is given {} times: this command talks to one PDP",
            many.len()
        ),
    }
}

impl PdpArgs {
    /// The environment named, for a command that talks to one PDP.
    pub fn env(&self) -> anyhow::Result<Option<&str>> {
        Ok(at_most_one(&self.envs, "--env")?.map(String::as_str))
    }

    /// The `--pdp` given, for a command that talks to one PDP (`PERMIT_PDP_URL` left out).
    pub fn given_url(&self) -> anyhow::Result<Option<&str>> {
        Ok(at_most_one(&self.pdps, "--pdp")?.map(String::as_str))
    }

    /// These flags with `default` (`PERMIT_PDP_URL`, see [`pdp_url_from_env`]) as the
    /// `--pdp` when none is given.
    pub fn with_default_url(mut self, default: Option<String>) -> PdpArgs {
        if self.pdps.is_empty() {
            self.pdps.extend(default);
        }
        self
    }

    /// The URL given (`--pdp`, else `PERMIT_PDP_URL`), for a command that talks to one PDP.
    pub fn url(&self) -> anyhow::Result<Option<String>> {
        Ok(at_most_one(&self.pdps, "--pdp")?
            .cloned()
            .or_else(pdp_url_from_env))
    }

    /// The one PDP of `check` and `pdp status`: `--env` names an environment; else `--pdp`
    /// (or `PERMIT_PDP_URL`) is used as given; else the active environment; else the SDKs'
    /// default, a local PDP on port 7766 ([`ONE_PDP_DEFAULT`]).
    pub async fn resolve_one(&self, config: &Config) -> anyhow::Result<NamedClient> {
        let timeout = self.request.timeout;
        let key = self.request.key()?;
        let named = match (self.env()?, self.url()?) {
            (Some(env), _) => Some(env),
            (None, None) if config.active.is_some() => None,
            (None, url) => {
                let url = url.as_deref().unwrap_or(DEFAULT_PDP_URL);
                let client = PdpClient::new(url, key, timeout)?;
                return Ok(NamedClient {
                    name: client.base_url().to_string(),
                    client,
                });
            }
        };
        // A named environment brings its own key; PERMIT_API_KEY overrides only the active
        // one (the store applies that), so a key meant for one environment never reaches another.
        let target = crate::targets::resolve(named, config).await?;
        let client = target.client(timeout)?;
        Ok(NamedClient {
            name: target.name,
            client,
        })
    }

    /// Every PDP named, in order: environments, then URLs ([`SUITE_PDP_DEFAULT`]).
    pub async fn resolve_all(&self) -> anyhow::Result<Vec<NamedClient>> {
        let http = shared_http_client();
        let timeout = self.request.timeout;
        let mut targets = Vec::new();
        if !self.envs.is_empty() {
            let (config, notices) = Config::load(&Paths::discover());
            for notice in notices {
                eprintln!("note: {notice}");
            }
            for name in &self.envs {
                targets.push(resolve_env(name, timeout, &config).await?);
            }
        }
        let mut pdps = self.pdps.clone();
        if pdps.is_empty() && self.envs.is_empty() {
            match pdp_url_from_env() {
                Some(url) => pdps.push(url),
                None => bail!(
                    "name a PDP: --env sandbox-dev (the bundled sandbox), --pdp URL, \
                     or set PERMIT_PDP_URL"
                ),
            }
        }
        for (i, url) in pdps.iter().enumerate() {
            let key = self.request.key_for(i, pdps.len())?;
            let client = PdpClient::with_http(http.clone(), url, key, timeout)?;
            let name = url::Url::parse(client.base_url())
                .ok()
                .and_then(|u| {
                    u.host_str()
                        .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
                })
                .unwrap_or_else(|| url.clone());
            targets.push(NamedClient { name, client });
        }
        Ok(targets)
    }
}

/// THE place where an environment name becomes a PDP client for `test`, `diff` and `bench`:
/// the environment store's resolver (configured environments, plus the always-available
/// `sandbox-dev`/`sandbox-prod` served by one in-process sandbox), with this command's timeout.
async fn resolve_env(
    name: &str,
    timeout: Duration,
    config: &Config,
) -> anyhow::Result<NamedClient> {
    let target = crate::targets::resolve(Some(name), config).await?;
    let client = target.client(timeout)?;
    Ok(NamedClient {
        name: target.name,
        client,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flags as (name, value) pairs: `u`, `a`, `r`, `t`, `ctx`.
    fn query(pairs: &[(&str, &str)]) -> QueryArgs {
        let mut args = QueryArgs::default();
        for (flag, value) in pairs {
            let value = Some(value.to_string());
            match *flag {
                "u" => args.user = value,
                "a" => args.action = value,
                "r" => args.resource = value,
                "t" => args.tenant = value,
                "ctx" => args.context = value,
                other => panic!("no flag {other}"),
            }
        }
        args
    }

    fn demo() -> CheckInput {
        crate::tui::bootstrap::demo_input()
    }

    #[test]
    fn a_query_is_all_three_or_the_fallback() {
        let given = query(&[("u", "bob"), ("a", "delete"), ("r", "report")])
            .to_input(Some(demo()))
            .expect("all three given");
        assert_eq!(
            (given.user.as_str(), given.tenant.as_str()),
            ("bob", ""),
            "the tenant defaults to empty (sent as `default`), not the fallback's"
        );
        let fallback = query(&[("t", "globex"), ("ctx", "{}")])
            .to_input(Some(demo()))
            .expect("none given: the fallback");
        assert_eq!(
            (
                fallback.user.as_str(),
                fallback.tenant.as_str(),
                fallback.context.as_str()
            ),
            ("alice", "globex", "{}")
        );
        assert!(query(&[("u", "bob")]).to_input(Some(demo())).is_none());
        assert!(query(&[]).to_input(None).is_none());
    }

    /// A command's duration flags: every `--…timeout`, and `bench --duration`. (`replay
    /// --since` is a window reaching back days, not a wait, and keeps its own syntax.)
    fn duration_flags(cmd: &clap::Command) -> Vec<clap::Arg> {
        cmd.get_arguments()
            .filter(|a| {
                a.get_long()
                    .is_some_and(|l| l.ends_with("timeout") || l == "duration")
            })
            .cloned()
            .collect()
    }

    /// Every command, as its path (`permit-tui pdp status`), the root included.
    fn commands(cmd: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
        out.push((path.clone(), cmd.clone()));
        for sub in cmd.get_subcommands() {
            commands(sub, format!("{path} {}", sub.get_name()), out);
        }
    }

    /// What `value` gives for `--long` on `cmd`, every other argument made optional.
    fn parse_one(cmd: &clap::Command, long: &str, value: &str) -> Result<Duration, String> {
        let id = cmd
            .get_arguments()
            .find(|a| a.get_long() == Some(long))
            .map(|a| a.get_id().clone())
            .expect("the flag exists");
        let probe = cmd.clone().mut_args(|a| a.required(false));
        let flag = format!("--{long}");
        let matches = probe
            .try_get_matches_from(["probe", flag.as_str(), value])
            .map_err(|e| e.to_string())?;
        matches
            .get_one::<Duration>(id.as_str())
            .copied()
            .ok_or_else(|| format!("{flag} is not a Duration"))
    }

    /// Every command that has a `--timeout` (and every other duration flag)
    /// describes and parses it the same way, so they cannot drift apart again.
    #[test]
    fn every_duration_flag_is_described_and_parsed_alike() {
        use clap::CommandFactory;
        let mut all = Vec::new();
        commands(&crate::cli::Cli::command(), "permit-tui".into(), &mut all);
        let syntax = format!("({DURATION_SYNTAX})");
        let mut timeout_help: Vec<(String, String)> = Vec::new();
        for (path, cmd) in &all {
            for arg in duration_flags(cmd) {
                let long = arg.get_long().unwrap_or_default();
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                let names: Vec<String> = arg
                    .get_value_names()
                    .unwrap_or_default()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                assert_eq!(names, ["DURATION"], "`{path} --{long}`'s value name");
                assert!(help.contains(&syntax), "`{path} --{long}`: {help}");
                for (value, millis) in [("500ms", 500), ("0.5", 500), ("2s", 2000), ("5", 5000)] {
                    assert_eq!(
                        parse_one(cmd, long, value),
                        Ok(Duration::from_millis(millis)),
                        "`{path} --{long} {value}`"
                    );
                }
                for value in ["0", "-1", "abc", "25h"] {
                    let err = parse_one(cmd, long, value)
                        .expect_err(&format!("`{path} --{long} {value}` is refused"));
                    assert!(
                        err.contains(&format!("'--{long} <DURATION>'"))
                            && err.contains(DURATION_FORMS),
                        "`{path} --{long} {value}`: {err}"
                    );
                }
                if long == "timeout" {
                    timeout_help.push((path.clone(), help));
                }
            }
        }
        let paths: Vec<&str> = timeout_help.iter().map(|(p, _)| p.as_str()).collect();
        for expected in [
            "",
            " check",
            " test",
            " diff",
            " bench",
            " pdp status",
            " replay",
        ] {
            assert!(
                paths.contains(&format!("permit-tui{expected}").as_str()),
                "`{expected}` has a --timeout: {paths:?}"
            );
        }
        let (first, help) = &timeout_help[0];
        for (path, other) in &timeout_help {
            assert_eq!(
                other, help,
                "`{path} --timeout` says otherwise than `{first}`"
            );
        }
    }
}
