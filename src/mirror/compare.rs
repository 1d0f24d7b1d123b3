//! A real PDP's answer beside its mirror's: whether they agree and, when they do not, what
//! can cause it, most likely first, each with what to do about it.

use std::time::Duration;

use serde::Serialize;

use crate::pdp::types::{AllowedQuery, AllowedResult};

/// A mirror younger than this is unlikely to miss a change of data.
const FRESH: Duration = Duration::from_secs(5 * 60);

/// What the comparison needs to know about the mirror.
#[derive(Debug, Clone)]
pub struct MirrorFacts<'a> {
    /// The environment's name, for the commands in the advice.
    pub environment: &'a str,
    pub age: Duration,
    /// Objects the snapshot left out, with why.
    pub skipped: &'a [String],
    /// The project had an active policy repository (GitOps) when the snapshot was taken.
    pub policy_repo: bool,
}

/// One model's code where the two answers differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeDifference {
    pub model: String,
    pub pdp: Option<String>,
    pub mirror: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    DataChanged,
    NotSynced,
    CustomRego,
    SandboxLimitation,
    DecisionCache,
}

/// A possible cause of a disagreement and how to tell or fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    pub kind: CauseKind,
    pub text: String,
    /// What to run to tell whether it is this one.
    pub action: String,
    /// The same in the explorer's keys.
    #[serde(skip)]
    pub in_explorer: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub pdp_allow: bool,
    pub mirror_allow: bool,
    /// Models whose codes differ, when the PDP sent its debug object.
    pub codes: Vec<CodeDifference>,
    /// Empty when they agree.
    pub causes: Vec<Cause>,
}

impl Comparison {
    pub fn agree(&self) -> bool {
        self.pdp_allow == self.mirror_allow
    }

    /// One line: `mirror agrees (ALLOW), snapshot 3 h old` or `MIRROR DISAGREES: ...`.
    pub fn headline(&self, age: Duration) -> String {
        let verdict = |allow: bool| if allow { "ALLOW" } else { "DENY" };
        let age = crate::store::time::age_text(age);
        if self.agree() && self.codes.is_empty() {
            format!(
                "mirror agrees ({}), snapshot {age} old",
                verdict(self.pdp_allow)
            )
        } else if self.agree() {
            format!(
                "mirror agrees on the decision ({}) for another reason, snapshot {age} old",
                verdict(self.pdp_allow)
            )
        } else {
            format!(
                "MIRROR DISAGREES: the PDP says {}, the mirror {}; snapshot {age} old",
                verdict(self.pdp_allow),
                verdict(self.mirror_allow)
            )
        }
    }
}

/// Compares the PDP's answer with the mirror's for `query`.
pub fn compare(
    query: &AllowedQuery,
    pdp: &AllowedResult,
    mirror: &AllowedResult,
    facts: &MirrorFacts<'_>,
) -> Comparison {
    let codes = code_differences(pdp, mirror);
    let causes = if pdp.allow == mirror.allow && codes.is_empty() {
        Vec::new()
    } else {
        causes(query, pdp, facts)
    };
    Comparison {
        pdp_allow: pdp.allow,
        mirror_allow: mirror.allow,
        codes,
        causes,
    }
}

fn code_differences(pdp: &AllowedResult, mirror: &AllowedResult) -> Vec<CodeDifference> {
    // Without the PDP's debug object there is nothing to compare codes with.
    let (Some(pdp), Some(mirror)) = (&pdp.debug, &mirror.debug) else {
        return Vec::new();
    };
    let code = |d: &crate::pdp::types::Debug, model: &str| {
        d.blocks()
            .find(|(name, _)| *name == model)
            .and_then(|(_, b)| b.code.clone())
    };
    ["rbac", "abac", "rebac", "custom"]
        .into_iter()
        .filter_map(|model| {
            let (p, m) = (code(pdp, model), code(mirror, model));
            (p != m).then(|| CodeDifference {
                model: model.to_string(),
                pdp: p,
                mirror: m,
            })
        })
        .collect()
}

/// The causes in the order they are likely: evidence in this answer first, then the usual
/// order (data changed, not synced, custom Rego, a sandbox limitation, a decision cache).
fn causes(query: &AllowedQuery, pdp: &AllowedResult, facts: &MirrorFacts<'_>) -> Vec<Cause> {
    let env = facts.environment;
    let age = crate::store::time::age_text(facts.age);
    let custom_decided = pdp.debug.as_ref().is_some_and(|d| d.custom.is_some());
    let relevant_skips: Vec<&String> = facts
        .skipped
        .iter()
        .filter(|why| mentions_query(why, query))
        .collect();

    let mut ranked: Vec<(u8, Cause)> = Vec::new();
    let data_rank = if facts.age < FRESH { 3 } else { 1 };
    ranked.push((
        data_rank,
        Cause {
            kind: CauseKind::DataChanged,
            text: format!(
                "the data changed since the snapshot ({age} ago): a role, a relationship or an attribute"
            ),
            action: format!("refresh the mirror: permit-tui env snapshot {env}"),
            in_explorer: "refresh the mirror: Alt-E, then s",
        },
    ));
    ranked.push((
        2,
        Cause {
            kind: CauseKind::NotSynced,
            text: "the PDP has not synced the latest data (or missed an update)".to_string(),
            action: format!("compare its role assignments: permit-tui pdp status --env {env}"),
            in_explorer: "compare its role assignments: Alt-E, then p",
        },
    ));
    let (custom_rank, custom_text) = if custom_decided {
        (0, "custom Rego decided this check: the PDP's answer has a `custom` block, and the mirror knows only Permit's generated policy")
    } else if facts.policy_repo {
        (4, "custom Rego on top of Permit's policy: the project has an active policy repository (GitOps), which the mirror does not run")
    } else {
        (6, "custom Rego on top of Permit's policy, which the mirror does not run (the project had no active policy repository at the snapshot)")
    };
    ranked.push((
        custom_rank,
        Cause {
            kind: CauseKind::CustomRego,
            text: custom_text.to_string(),
            action: "read the policy repository's custom rules for this action".to_string(),
            in_explorer: "read the policy repository's custom rules for this action",
        },
    ));
    let (limit_rank, limit_text) = if relevant_skips.is_empty() {
        (
            5,
            format!(
                "a sandbox limitation: the snapshot left out {} object(s) it cannot represent, none about this check",
                facts.skipped.len()
            ),
        )
    } else {
        (
            0,
            format!(
                "a sandbox limitation: the snapshot left out what this check depends on: {}",
                relevant_skips
                    .iter()
                    .take(3)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )
    };
    if !facts.skipped.is_empty() {
        ranked.push((
            limit_rank,
            Cause {
                kind: CauseKind::SandboxLimitation,
                text: limit_text,
                action: "see `skipped` in the snapshot file's source block".to_string(),
                in_explorer: "see `skipped` in the mirror file's source block",
            },
        ));
    }
    ranked.push((
        7,
        Cause {
            kind: CauseKind::DecisionCache,
            text: "a decision cache: unlikely, this check was sent with `Cache-Control: no-cache`, which the PDP honours".to_string(),
            action: "run permit-tui check again".to_string(),
            in_explorer: "check again: F5",
        },
    ));
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.into_iter().map(|(_, cause)| cause).collect()
}

/// Whether a skipped object's description names the check's user, resource or tenant.
fn mentions_query(why: &str, query: &AllowedQuery) -> bool {
    let quoted = |s: &str| !s.is_empty() && why.contains(&format!("`{s}`"));
    let instance = query
        .resource
        .key
        .as_deref()
        .map(|key| format!("{}:{key}", query.resource.kind));
    quoted(&query.user.key)
        || quoted(&query.resource.kind)
        || instance.as_deref().is_some_and(quoted)
        || query.resource.tenant.as_deref().is_some_and(quoted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdp::types::{Debug, DebugBlock};

    fn query() -> AllowedQuery {
        serde_json::from_value(serde_json::json!({
            "user": {"key": "alice"}, "action": "read",
            "resource": {"type": "document", "key": "d1", "tenant": "default"}
        }))
        .expect("a query")
    }

    fn answer(allow: bool, rbac_code: &str) -> AllowedResult {
        AllowedResult {
            allow,
            debug: Some(Debug {
                rbac: Some(DebugBlock {
                    allow,
                    code: Some(rbac_code.to_string()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn facts(age_secs: u64, skipped: &[String]) -> MirrorFacts<'_> {
        MirrorFacts {
            environment: "prod",
            age: Duration::from_secs(age_secs),
            skipped,
            policy_repo: false,
        }
    }

    #[test]
    fn agreement_has_no_causes() {
        let c = compare(
            &query(),
            &answer(true, "allow"),
            &answer(true, "allow"),
            &facts(7200, &[]),
        );
        assert!(c.agree());
        assert!(c.causes.is_empty());
        assert_eq!(
            c.headline(Duration::from_secs(7200)),
            "mirror agrees (ALLOW), snapshot 2 h old"
        );
    }

    #[test]
    fn an_old_mirror_blames_changed_data_first_and_a_fresh_one_the_sync() {
        let pdp = answer(false, "no_role");
        let mirror = answer(true, "allow");
        let old = compare(&query(), &pdp, &mirror, &facts(7200, &[]));
        assert!(!old.agree());
        assert_eq!(old.causes[0].kind, CauseKind::DataChanged);
        assert!(old.causes[0]
            .action
            .contains("permit-tui env snapshot prod"));
        assert_eq!(old.codes[0].pdp.as_deref(), Some("no_role"));
        let fresh = compare(&query(), &pdp, &mirror, &facts(30, &[]));
        assert_eq!(fresh.causes[0].kind, CauseKind::NotSynced);
        assert_eq!(
            fresh.causes.last().map(|c| c.kind),
            Some(CauseKind::DecisionCache)
        );
    }

    #[test]
    fn evidence_in_the_answer_or_the_snapshot_comes_first() {
        let mut pdp = answer(true, "allow");
        if let Some(d) = pdp.debug.as_mut() {
            d.custom = Some(DebugBlock {
                allow: true,
                code: Some("custom_policy".into()),
                ..Default::default()
            });
        }
        let c = compare(&query(), &pdp, &answer(false, "no_role"), &facts(7200, &[]));
        assert_eq!(c.causes[0].kind, CauseKind::CustomRego);

        let skipped = vec!["role assignment: user `alice` is not in the users list".to_string()];
        let c = compare(
            &query(),
            &answer(true, "allow"),
            &answer(false, "no_role"),
            &facts(7200, &skipped),
        );
        assert_eq!(c.causes[0].kind, CauseKind::SandboxLimitation);
        assert!(c.causes[0].text.contains("alice"));
    }
}
