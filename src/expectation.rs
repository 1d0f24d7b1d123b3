//! What a preset or a suite check expects of an answer: a decision, and a debug code some
//! model block must carry. One type and one rule, so the same expectation passes or fails
//! alike in a preset and in a suite.

use serde::{Deserialize, Serialize};

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

/// [`code_matches`] over codes written `model:CODE` (or bare), as history keeps them.
pub fn any_code_matches(expected: &str, codes: &[String]) -> bool {
    codes.iter().any(|written| match written.split_once(':') {
        Some((model, code)) => code_matches(expected, model, code),
        None => code_matches(expected, "", written),
    })
}
