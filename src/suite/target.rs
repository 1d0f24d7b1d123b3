//! Which PDPs a headless command talks to: `--env NAME` (repeatable) and `--pdp URL`
//! (repeatable, with `--api-key`), or `PERMIT_PDP_URL` / `PERMIT_API_KEY`.
//!
//! Named environments are resolved in ONE place, [`resolve_env`], through the environment
//! store (`permit-tui env`), which always knows the bundled `sandbox-dev` and `sandbox-prod`.

use std::time::Duration;

use anyhow::bail;

use crate::pdp::client::shared_http_client;
use crate::pdp::PdpClient;
use crate::store::{Config, Paths};

/// A PDP to run against, with the name reports use for it.
#[derive(Clone)]
pub struct Target {
    pub name: String,
    pub client: PdpClient,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("client", &self.client)
            .finish()
    }
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct TargetArgs {
    /// A named environment (see `permit-tui env list`; `sandbox-dev` and `sandbox-prod` always
    /// exist); repeat it to compare two.
    #[arg(long = "env", value_name = "NAME")]
    pub envs: Vec<String>,
    /// A PDP URL (default from PERMIT_PDP_URL); repeatable.
    #[arg(long = "pdp", value_name = "URL")]
    pub pdps: Vec<String>,
    /// The API key for --pdp (default from PERMIT_API_KEY); give one per --pdp or one for all.
    #[arg(long = "api-key", value_name = "KEY")]
    pub api_keys: Vec<String>,
    /// How long one request may take.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub timeout: Duration,
}

/// `250ms`, `5s`, `2m`, or bare seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 500ms, 10s or 2m"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1_000.0,
        "s" | "" => value,
        "m" | "min" => value * 60.0,
        "h" => value * 3_600.0,
        other => {
            return Err(format!(
                "unknown duration unit `{other}` (use ms, s, m or h)"
            ))
        }
    };
    bounded_seconds(seconds).map_err(|e| format!("`{text}`: {e}"))
}

/// The longest wait any flag accepts: past it a deadline (`Instant` plus the duration) could
/// overflow, which panics deep inside the runtime instead of failing here.
pub const MAX_SECONDS: f64 = 86_400.0;

/// Seconds as a `Duration`, refused with a message when not finite, negative, or over a day.
pub fn bounded_seconds(seconds: f64) -> Result<Duration, String> {
    if !seconds.is_finite() || seconds < 0.0 {
        return Err("not a positive duration".to_string());
    }
    if seconds > MAX_SECONDS {
        return Err(format!(
            "longer than the maximum of {MAX_SECONDS} seconds (one day)"
        ));
    }
    Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())
}

/// Resolves every target named on the command line, in order: environments, then URLs.
/// With neither, `PERMIT_PDP_URL` (and `PERMIT_API_KEY`) must be set.
pub async fn resolve_targets(args: &TargetArgs) -> anyhow::Result<Vec<Target>> {
    let http = shared_http_client();
    let mut targets = Vec::new();
    if !args.envs.is_empty() {
        let (config, notices) = Config::load(&Paths::discover());
        for notice in notices {
            eprintln!("note: {notice}");
        }
        for name in &args.envs {
            targets.push(resolve_env(name, &http, args.timeout, &config).await?);
        }
    }
    let mut pdps = args.pdps.clone();
    if pdps.is_empty() && args.envs.is_empty() {
        match std::env::var("PERMIT_PDP_URL") {
            Ok(url) if !url.trim().is_empty() => pdps.push(url),
            _ => bail!(
                "name a PDP: --env sandbox-dev (the bundled sandbox), --pdp URL, \
                 or set PERMIT_PDP_URL"
            ),
        }
    }
    let env_key = std::env::var("PERMIT_API_KEY")
        .ok()
        .filter(|k| !k.is_empty());
    if args.api_keys.len() > 1 && args.api_keys.len() != pdps.len() {
        bail!(
            "{} --api-key values for {} --pdp URLs: give one key for all, or one per URL",
            args.api_keys.len(),
            pdps.len()
        );
    }
    for (i, url) in pdps.iter().enumerate() {
        let key = args
            .api_keys
            .get(i)
            .or(args.api_keys.first())
            .cloned()
            .or_else(|| env_key.clone());
        let client = PdpClient::with_http(http.clone(), url, key, args.timeout)?;
        let name = url::Url::parse(client.base_url())
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
            })
            .unwrap_or_else(|| url.clone());
        targets.push(Target { name, client });
    }
    Ok(targets)
}

/// THE place where an environment name becomes a PDP client: the environment store's
/// resolver (configured environments, plus the always-available `sandbox-dev`/`sandbox-prod`
/// served by one in-process sandbox), with this command's timeout.
async fn resolve_env(
    name: &str,
    http: &reqwest::Client,
    timeout: Duration,
    config: &Config,
) -> anyhow::Result<Target> {
    let target = crate::targets::resolve(Some(name), config).await?;
    let client = PdpClient::with_http(
        http.clone(),
        &target.pdp_url,
        target.reveal_key().map(str::to_string),
        timeout,
    )?;
    Ok(Target {
        name: target.name,
        client,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5y").is_err());
    }

    /// Issue 15, item 10: a huge value used to panic in `Duration::from_secs_f64` (or later,
    /// in a deadline that overflows `Instant`); it is refused with a message instead.
    #[test]
    fn huge_durations_are_refused_not_a_panic() {
        let err = parse_duration("100000000000000000000s").expect_err("1e20 s is refused");
        assert!(err.contains("maximum of 86400 seconds"), "{err}");
        assert!(parse_duration("1000000000000000h").is_err());
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86_400)));
        assert!(bounded_seconds(f64::NAN).is_err());
        assert!(bounded_seconds(-1.0).is_err());
    }
}
