//! A PDP a suite runs against ([`NamedClient`]), and the syntax of every duration flag
//! ([`parse_duration`]). The flags that name targets are `crate::cli::flags::PdpArgs`.

use std::time::Duration;

use crate::pdp::PdpClient;

/// A PDP client with the name reports give it: what `check`, `test`, `diff`, `bench` and
/// `pdp status` run against. (The environment it came from, if any, is a
/// [`crate::targets::Target`].)
#[derive(Clone)]
pub struct NamedClient {
    pub name: String,
    pub client: PdpClient,
}

impl std::fmt::Debug for NamedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NamedClient")
            .field("name", &self.name)
            .field("client", &self.client)
            .finish()
    }
}

/// How every duration flag's help states its syntax.
pub const DURATION_SYNTAX: &str = "e.g. 5s, 500ms; a bare number is seconds";

/// What every duration flag accepts, named in its refusals.
pub const DURATION_FORMS: &str = "expected a duration with a unit (500ms, 5s, 1m, 1h) or a bare \
number of seconds (5, 0.5), more than zero and at most 86400 s (24h)";

/// THE parser of every duration flag (`--timeout`, the sandbox's `--header-timeout` and
/// `--body-timeout`, `bench -d`): a duration with a unit as `humantime` reads it (`500ms`,
/// `2s`, `1.5s`, `1m`, `1h 30m`), or a bare number of seconds (`5`, `0.5`) as older scripts
/// give it. Zero, negative, not-a-number and more than a day are refused with a message that
/// names the accepted forms (clap puts the flag's name before it).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let refuse = |why: &str| format!("it {why}; {DURATION_FORMS}");
    let duration = match text.parse::<f64>() {
        Ok(seconds) if seconds.is_nan() => return Err(refuse("is not a number")),
        Ok(0.0) => return Err(refuse("is zero")),
        Ok(seconds) if seconds < 0.0 => return Err(refuse("is negative")),
        Ok(seconds) if seconds > MAX_SECONDS => return Err(refuse("is over a day")),
        Ok(seconds) => Duration::try_from_secs_f64(seconds).map_err(|e| refuse(&e.to_string()))?,
        Err(_) => humantime::parse_duration(text)
            .map_err(|e| refuse(&format!("is not a duration ({e})")))?,
    };
    if duration.is_zero() {
        return Err(refuse("is zero"));
    }
    if duration.as_secs_f64() > MAX_SECONDS {
        return Err(refuse("is over a day"));
    }
    Ok(duration)
}

/// The longest wait any flag accepts: past it a deadline (`Instant` plus the duration) could
/// overflow, which panics deep inside the runtime instead of failing here.
pub const MAX_SECONDS: f64 = 86_400.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("2min"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration(" 2s "), Ok(Duration::from_secs(2)));
    }

    /// The syntax `check --timeout` and the sandbox's timeouts took before there was one.
    #[test]
    fn a_bare_number_is_seconds() {
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("86400"), Ok(Duration::from_secs(86_400)));
    }

    #[test]
    fn zero_negative_nonsense_and_over_a_day_are_refused_naming_the_forms() {
        for (text, why) in [
            ("0", "is zero"),
            ("0s", "is zero"),
            ("0.0", "is zero"),
            ("-0", "is zero"),
            ("-1", "is negative"),
            ("-0.5", "is negative"),
            ("NaN", "is not a number"),
            ("abc", "is not a duration"),
            ("ten", "is not a duration"),
            ("5y5", "is not a duration"),
            ("", "is not a duration"),
            ("-1s", "is not a duration"),
            ("25h", "is over a day"),
            ("86401", "is over a day"),
            ("inf", "is over a day"),
        ] {
            let err = parse_duration(text).expect_err(text);
            assert!(err.contains(why), "{text}: {err}");
            assert!(
                err.contains("500ms") && err.contains("bare number of seconds"),
                "{text}: the message names the accepted forms: {err}"
            );
        }
    }

    /// A huge value once panicked in `Duration::from_secs_f64` (or later,
    /// in a deadline that overflows `Instant`); it is refused with a message instead.
    #[test]
    fn huge_durations_are_refused_not_a_panic() {
        let err = parse_duration("100000000000000000000s").expect_err("1e20 s is refused");
        assert!(err.contains("at most 86400 s"), "{err}");
        assert!(parse_duration("1e20").is_err());
        assert!(parse_duration("1000000000000000h").is_err());
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86_400)));
    }
}
