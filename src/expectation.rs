//! What a preset or a suite check expects of an answer: a decision, and a debug code some
//! model block must carry. One type, one rule and one verdict, so the same expectation
//! passes, fails or cannot be judged alike in a preset and in a suite.

use serde::{Deserialize, Serialize};

use crate::pdp::types::{AllowedResult, Debug};

/// The decision expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Allow,
    Deny,
}

impl Expect {
    pub fn matches(self, allow: bool) -> bool {
        allow == (self == Expect::Allow)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Allow => "allow",
            Expect::Deny => "deny",
        }
    }
}

/// Whether a block of `model` with `code` carries the expected code: `CODE` (any model) or
/// `model:CODE`, case-insensitive, as Permit's codes are written in either case.
pub fn code_matches(expected: &str, model: &str, code: &str) -> bool {
    match expected.trim().split_once(':') {
        Some((want_model, want_code)) => {
            want_model.trim().eq_ignore_ascii_case(model)
                && want_code.trim().eq_ignore_ascii_case(code)
        }
        None => expected.trim().eq_ignore_ascii_case(code),
    }
}

/// A decision as a word, the way suites, reports and verdicts spell it.
pub fn decision_word(allow: bool) -> &'static str {
    if allow {
        "allow"
    } else {
        "deny"
    }
}

/// One model block's explanation: `rbac`, `no_role_in_tenant`, the reason.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Explanation {
    pub model: &'static str,
    pub allow: bool,
    pub code: Option<String>,
    pub reason: Option<String>,
}

/// The explanations of every model block in a `debug` object, in Permit's order.
pub fn explanations(debug: Option<&Debug>) -> Vec<Explanation> {
    debug
        .map(|d| {
            d.blocks()
                .map(|(model, block)| Explanation {
                    model,
                    allow: block.allow,
                    code: block.code.clone(),
                    reason: block.reason.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `rbac no_role_in_tenant: user 'bob' has no role in tenant 'acme'; abac ...`
pub fn explain_line(explanations: &[Explanation]) -> String {
    if explanations.is_empty() {
        return "(no debug from the PDP)".to_string();
    }
    explanations
        .iter()
        .map(|e| {
            let code = e.code.as_deref().unwrap_or("?");
            match &e.reason {
                Some(reason) => format!("{} {code}: {reason}", e.model),
                None => format!("{} {code}", e.model),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// How an answer measured up to what was expected.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Pass,
    /// The PDP answered, and not as expected.
    Fail {
        reason: String,
    },
    /// The check could not be judged: the PDP failed, or sent no `debug` for an expected code.
    Error {
        kind: String,
        message: String,
    },
}

impl Verdict {
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail { .. } => "fail",
            Verdict::Error { .. } => "error",
        }
    }
}

/// Judges an answer: the decision first (a wrong one says what the models said), then the
/// code, which needs the PDP's `debug` object (without one the check cannot be judged).
pub fn judge(expect: Option<Expect>, expect_code: Option<&str>, result: &AllowedResult) -> Verdict {
    let found = explanations(result.debug.as_ref());
    if let Some(expect) = expect.filter(|e| !e.matches(result.allow)) {
        return Verdict::Fail {
            reason: format!(
                "expected {}, got {} ({})",
                expect.as_str(),
                decision_word(result.allow),
                explain_line(&found)
            ),
        };
    }
    let Some(code) = expect_code else {
        return Verdict::Pass;
    };
    if result.debug.is_none() {
        return Verdict::Error {
            kind: "no_debug".to_string(),
            message: format!(
                "expected code `{code}`, but the PDP sent no debug object; \
                 run the PDP with PDP_DEBUG=true"
            ),
        };
    }
    let carried = found.iter().any(|e| {
        e.code
            .as_deref()
            .is_some_and(|c| code_matches(code, e.model, c))
    });
    if carried {
        return Verdict::Pass;
    }
    let got = explain_line(&found);
    let reason = match expect {
        Some(_) => format!(
            "{} as expected, but expected code `{code}`, got {got}",
            decision_word(result.allow)
        ),
        None => format!("expected code `{code}`, got {got}"),
    };
    Verdict::Fail { reason }
}
