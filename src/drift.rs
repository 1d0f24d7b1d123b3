//! PDP drift: the role assignments a running PDP holds (`/local/role_assignments`) against
//! those a snapshot of its environment says it should, so "the PDP has not synced" is a
//! count and a list rather than a guess.

use std::collections::BTreeSet;

use crate::pdp::client::LocalRoleAssignment;
use crate::pdp::{PdpClient, PdpError};
use crate::sandbox::policy::PolicyFile;

/// Permit's largest page.
const PER_PAGE: usize = 100;
/// A PDP with more than this many pages of assignments is read no further (2,000,000).
const MAX_PAGES: usize = 20_000;

/// How a PDP's role assignments differ from the expected ones.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Drift {
    pub held_by_pdp: usize,
    pub expected: usize,
    /// Expected, and not in the PDP: it has not synced them (or they were added since).
    pub missing: Vec<LocalRoleAssignment>,
    /// In the PDP, not expected: removed since, or the snapshot is older.
    pub extra: Vec<LocalRoleAssignment>,
}

impl Drift {
    pub fn in_sync(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Every role assignment the PDP holds, page by page until a short page.
pub async fn held_by(client: &PdpClient) -> Result<Vec<LocalRoleAssignment>, PdpError> {
    let mut all = Vec::new();
    for page in 1..=MAX_PAGES {
        let batch = client.local_role_assignments(page, PER_PAGE).await.result?;
        let last = batch.len() < PER_PAGE;
        all.extend(batch);
        if last {
            return Ok(all);
        }
    }
    Err(PdpError::InvalidResponse {
        detail: format!(
            "more than {} role assignments; stopped reading",
            MAX_PAGES * PER_PAGE
        ),
    })
}

/// The role assignments a policy file (a snapshot) holds.
pub fn expected_by(policy: &PolicyFile) -> Vec<LocalRoleAssignment> {
    policy
        .role_assignments
        .iter()
        .map(|ra| LocalRoleAssignment {
            user: ra.user.clone(),
            role: ra.role.clone(),
            tenant: ra.tenant.clone(),
            resource_instance: ra.resource_instance.clone(),
        })
        .collect()
}

pub fn compare(held: Vec<LocalRoleAssignment>, expected: Vec<LocalRoleAssignment>) -> Drift {
    let held: BTreeSet<LocalRoleAssignment> = held.into_iter().collect();
    let expected: BTreeSet<LocalRoleAssignment> = expected.into_iter().collect();
    Drift {
        held_by_pdp: held.len(),
        expected: expected.len(),
        missing: expected.difference(&held).cloned().collect(),
        extra: held.difference(&expected).cloned().collect(),
    }
}

/// `alice → editor in acme` or `alice → owner on document:d1 in acme`.
pub fn describe(ra: &LocalRoleAssignment) -> String {
    match &ra.resource_instance {
        Some(instance) => format!("{} → {} on {instance} in {}", ra.user, ra.role, ra.tenant),
        None => format!("{} → {} in {}", ra.user, ra.role, ra.tenant),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ra(user: &str, role: &str) -> LocalRoleAssignment {
        LocalRoleAssignment {
            user: user.into(),
            role: role.into(),
            tenant: "acme".into(),
            resource_instance: None,
        }
    }

    #[test]
    fn missing_and_extra_are_told_apart_and_duplicates_count_once() {
        let drift = compare(
            vec![
                ra("alice", "viewer"),
                ra("bob", "admin"),
                ra("bob", "admin"),
            ],
            vec![ra("alice", "viewer"), ra("carol", "editor")],
        );
        assert_eq!(drift.held_by_pdp, 2);
        assert_eq!(drift.missing, [ra("carol", "editor")]);
        assert_eq!(drift.extra, [ra("bob", "admin")]);
        assert!(!drift.in_sync());
        assert_eq!(describe(&drift.missing[0]), "carol → editor in acme");
    }
}
