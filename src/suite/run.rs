//! Runs a suite against one PDP: in bulk chunks where the PDP has `/allowed/bulk`, single
//! `/allowed` calls otherwise, and single calls for checks that need a `debug` object the
//! bulk answer did not carry.

use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};

use crate::pdp::types::AllowedResult;
use crate::pdp::{PdpClient, PdpError};

use super::file::{Suite, SuiteCheck};

/// How many checks go in one `/allowed/bulk` request.
pub const DEFAULT_CHUNK: usize = 100;
/// How many single checks are in flight at once.
const SINGLE_CONCURRENCY: usize = 8;

#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Try `/allowed/bulk` first.
    pub bulk: bool,
    pub chunk: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            bulk: true,
            chunk: DEFAULT_CHUNK,
        }
    }
}

/// What the PDP said about one check.
#[derive(Debug, Clone)]
pub struct Answer {
    pub result: Result<AllowedResult, PdpError>,
    /// For a bulk answer, the latency of the whole bulk request.
    pub latency: Duration,
    pub status: Option<u16>,
    pub via_bulk: bool,
}

pub use crate::expectation::{explain_line, explanations, Explanation, Verdict};

#[derive(Debug, Clone)]
pub struct CheckRun {
    pub check: SuiteCheck,
    pub answer: Answer,
    pub verdict: Verdict,
}

impl CheckRun {
    pub fn allow(&self) -> Option<bool> {
        self.answer.result.as_ref().ok().map(|r| r.allow)
    }

    /// The verdict in words: `pass`, the failure's reason, or the error's kind and message.
    pub fn verdict_text(&self) -> String {
        match &self.verdict {
            Verdict::Pass => "pass".to_string(),
            Verdict::Fail { reason } => reason.clone(),
            Verdict::Error { kind, message } => format!("{kind}: {message}"),
        }
    }

    pub fn explanations(&self) -> Vec<Explanation> {
        explanations(
            self.answer
                .result
                .as_ref()
                .ok()
                .and_then(|r| r.debug.as_ref()),
        )
    }
}

/// How the checks reached the PDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Bulk,
    Single,
    /// Bulk, with some checks repeated singly for their `debug`.
    Mixed,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Bulk => "bulk",
            Transport::Single => "single",
            Transport::Mixed => "bulk + single",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SuiteRun {
    pub target: String,
    pub pdp_url: String,
    pub runs: Vec<CheckRun>,
    pub transport: Transport,
    pub elapsed: Duration,
}

impl SuiteRun {
    pub fn count(&self, label: &str) -> usize {
        self.runs
            .iter()
            .filter(|r| r.verdict.label() == label)
            .count()
    }

    /// 0 when every check passed, 1 when one failed, 2 when one could not be judged.
    pub fn exit_code(&self) -> i32 {
        if self.count("error") > 0 {
            2
        } else if self.count("fail") > 0 {
            1
        } else {
            0
        }
    }
}

/// Does this answer say the PDP has no bulk route?
fn bulk_unsupported(status: Option<u16>) -> bool {
    matches!(status, Some(404 | 405 | 501))
}

/// Runs every check of `suite` against `client`; `target` labels the PDP in reports.
pub async fn run_suite(
    client: &PdpClient,
    target: &str,
    suite: &Suite,
    options: RunOptions,
) -> SuiteRun {
    let started = Instant::now();
    let mut answers: Vec<Option<Answer>> = vec![None; suite.checks.len()];
    let mut used_bulk = false;
    let mut used_single = false;

    if options.bulk {
        let chunk = options.chunk.max(1);
        for (chunk_index, checks) in suite.checks.chunks(chunk).enumerate() {
            let queries: Vec<_> = checks.iter().map(|c| c.query.clone()).collect();
            let exchange = client.check_bulk(&queries).await;
            if exchange.result.is_err() && bulk_unsupported(exchange.status) {
                break;
            }
            used_bulk = true;
            let offset = chunk_index * chunk;
            match exchange.result {
                Ok(items) => {
                    for (i, item) in items.into_iter().enumerate() {
                        answers[offset + i] = Some(Answer {
                            result: Ok(item),
                            latency: exchange.latency,
                            status: exchange.status,
                            via_bulk: true,
                        });
                    }
                }
                Err(err) => {
                    for slot in &mut answers[offset..offset + checks.len()] {
                        *slot = Some(Answer {
                            result: Err(err.clone()),
                            latency: exchange.latency,
                            status: exchange.status,
                            via_bulk: true,
                        });
                    }
                }
            }
        }
    }

    // Checks with no answer yet, and checks with an expected code whose bulk item came
    // without `debug`, go singly.
    let pending: Vec<usize> = suite
        .checks
        .iter()
        .enumerate()
        .filter(|(i, check)| match &answers[*i] {
            None => true,
            Some(answer) => {
                check.expect_code.is_some() && matches!(&answer.result, Ok(r) if r.debug.is_none())
            }
        })
        .map(|(i, _)| i)
        .collect();
    if !pending.is_empty() {
        used_single = true;
        let singles: Vec<(usize, Answer)> = stream::iter(pending)
            .map(|i| {
                let query = &suite.checks[i].query;
                async move {
                    let exchange = client.check(query).await;
                    (
                        i,
                        Answer {
                            result: exchange.result,
                            latency: exchange.latency,
                            status: exchange.status,
                            via_bulk: false,
                        },
                    )
                }
            })
            .buffer_unordered(SINGLE_CONCURRENCY)
            .collect()
            .await;
        for (i, answer) in singles {
            answers[i] = Some(answer);
        }
    }

    let runs = suite
        .checks
        .iter()
        .zip(answers)
        .map(|(check, answer)| {
            let answer = answer.unwrap_or_else(|| Answer {
                result: Err(PdpError::InvalidResponse {
                    detail: "no answer was recorded for this check".to_string(),
                }),
                latency: Duration::ZERO,
                status: None,
                via_bulk: false,
            });
            let verdict = judge(check, &answer);
            CheckRun {
                check: check.clone(),
                answer,
                verdict,
            }
        })
        .collect();
    let transport = match (used_bulk, used_single) {
        (true, true) => Transport::Mixed,
        (true, false) => Transport::Bulk,
        _ => Transport::Single,
    };
    SuiteRun {
        target: target.to_string(),
        pdp_url: client.base_url().to_string(),
        runs,
        transport,
        elapsed: started.elapsed(),
    }
}

/// Compares an answer with what the check expects (`expectation::judge`); a PDP failure
/// cannot be judged.
pub fn judge(check: &SuiteCheck, answer: &Answer) -> Verdict {
    match &answer.result {
        Ok(result) => {
            crate::expectation::judge(Some(check.expect), check.expect_code.as_deref(), result)
        }
        Err(err) => Verdict::Error {
            kind: err.kind().to_string(),
            message: err.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdp::types::{AllowedQuery, Debug, DebugBlock};
    use crate::suite::file::Expect;

    fn check(expect: Expect, code: Option<&str>) -> SuiteCheck {
        SuiteCheck {
            name: "c".into(),
            line: 1,
            query: AllowedQuery::default(),
            expect,
            expect_code: code.map(str::to_string),
        }
    }

    fn answer(allow: bool, code: Option<&str>) -> Answer {
        let debug = code.map(|c| Debug {
            rbac: Some(DebugBlock {
                allow,
                code: Some(c.into()),
                reason: Some("because".into()),
                ..DebugBlock::default()
            }),
            ..Debug::default()
        });
        Answer {
            result: Ok(AllowedResult {
                allow,
                debug,
                ..AllowedResult::default()
            }),
            latency: Duration::ZERO,
            status: Some(200),
            via_bulk: false,
        }
    }

    #[test]
    fn a_code_expectation_reads_the_same_in_a_suite_as_in_a_preset() {
        use crate::store::Preset;
        let preset = |code: &str| Preset {
            expect: Some(Expect::Deny),
            expect_code: Some(code.into()),
            ..Preset::default()
        };
        // What the PDP sent: rbac `no_role_in_tenant`.
        let sent = answer(false, Some("no_role_in_tenant"));
        for (expected, holds) in [
            ("no_role_in_tenant", true),
            ("NO_ROLE_IN_TENANT", true),
            ("rbac:no_role_in_tenant", true),
            ("RBAC:No_Role_In_Tenant", true),
            ("abac:no_role_in_tenant", false),
            ("no_permission", false),
        ] {
            let suite = judge(&check(Expect::Deny, Some(expected)), &sent);
            assert_eq!(
                suite == Verdict::Pass,
                holds,
                "suite, {expected}: {suite:?}"
            );
            let Ok(result) = &sent.result else {
                unreachable!("an answer")
            };
            assert_eq!(
                preset(expected).verdict(result),
                Some(suite),
                "preset and suite say the same of {expected}"
            );
        }
        // Without a debug object the code cannot be judged, in either.
        let bare = answer(false, None);
        let suite = judge(&check(Expect::Deny, Some("no_role_in_tenant")), &bare);
        assert!(matches!(&suite, Verdict::Error { kind, .. } if kind == "no_debug"));
        let Ok(result) = &bare.result else {
            unreachable!("an answer")
        };
        assert_eq!(preset("no_role_in_tenant").verdict(result), Some(suite));
    }

    #[test]
    fn verdicts_cover_decision_code_and_missing_debug() {
        assert_eq!(
            judge(&check(Expect::Allow, None), &answer(true, None)),
            Verdict::Pass
        );
        assert_eq!(
            judge(&check(Expect::Deny, None), &answer(true, Some("allow"))),
            Verdict::Fail {
                reason: "expected deny, got allow (rbac allow: because)".into()
            }
        );
        assert_eq!(
            judge(
                &check(Expect::Deny, Some("no_permission")),
                &answer(false, Some("no_permission"))
            ),
            Verdict::Pass
        );
        let Verdict::Error { kind, message } = judge(
            &check(Expect::Deny, Some("no_permission")),
            &answer(false, None),
        ) else {
            panic!("a missing debug object cannot be judged")
        };
        assert_eq!(kind, "no_debug");
        assert!(message.contains("PDP_DEBUG"));
        let failed = Answer {
            result: Err(PdpError::MissingKey { detail: "x".into() }),
            ..answer(false, None)
        };
        assert!(matches!(
            judge(&check(Expect::Deny, None), &failed),
            Verdict::Error { kind, .. } if kind == "missing_key"
        ));
    }
}
