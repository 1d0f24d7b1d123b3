//! A snapshot of a real environment: Permit's REST lists paged into one policy file that the
//! sandbox loads, so a real environment's checks get the sandbox's full explanations offline.
//! The file records where and when it came from, and never the source's API key: it gets a
//! local key of its own.

mod convert;
pub mod pages;

use std::collections::BTreeMap;

use crate::cloud::CloudClient;
use crate::sandbox::policy::{EnvironmentDef, PolicyFile, SnapshotSource};

pub use pages::PageError;

/// The lists a snapshot pages through, in the order they are fetched (condition sets after
/// resources: they may name a resource by id).
pub const LISTS: [(&str, &str, &str); 9] = [
    ("resources", "schema", "resources"),
    ("roles", "schema", "roles"),
    ("condition_sets", "schema", "condition_sets"),
    ("set_rules", "facts", "set_rules"),
    ("tenants", "facts", "tenants"),
    ("users", "facts", "users"),
    ("role_assignments", "facts", "role_assignments"),
    ("resource_instances", "facts", "resource_instances"),
    ("relationship_tuples", "facts", "relationship_tuples"),
];

/// Which environment to mirror, by key or id, and how.
#[derive(Debug, Clone)]
pub struct Target {
    pub project: String,
    pub environment: String,
    /// Pages in flight at once.
    pub concurrency: usize,
}

/// What a snapshot fetched: the policy to write and what it left out.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub policy: PolicyFile,
    pub skipped: Vec<String>,
}

/// Pages every list of `target` into a policy whose API key is `local_key`. `progress` hears
/// `(list, pages done, pages in all, objects so far)`.
pub async fn take(
    client: &CloudClient,
    target: &Target,
    local_key: &str,
    progress: &mut dyn FnMut(&str, usize, usize, usize),
) -> Result<Snapshot, PageError> {
    let mut assembly = convert::Assembly::default();
    let mut counts = BTreeMap::new();
    for (name, area, list) in LISTS {
        let segments = ["v2", area, &target.project, &target.environment, list];
        // Each page is converted as it arrives, so only one page of raw JSON is held at a time.
        let fetched = std::cell::Cell::new(0usize);
        pages::each_page(
            client,
            &segments,
            target.concurrency,
            |items| {
                fetched.set(fetched.get() + items.len());
                assembly.add(name, items);
                Ok(())
            },
            &mut |done, all| progress(name, done, all, fetched.get()),
        )
        .await?;
        counts.insert(name.to_string(), fetched.get());
    }
    assembly.finish();
    let mut policy = assembly.policy;
    policy.environment = EnvironmentDef {
        key: target.environment.clone(),
        name: target.environment.clone(),
        project: target.project.clone(),
        api_key: local_key.to_string(),
    };
    policy.source = Some(SnapshotSource {
        api_url: client.base_url().to_string(),
        project: target.project.clone(),
        environment: target.environment.clone(),
        taken_at: crate::store::time::now_rfc3339(),
        counts,
        skipped: assembly.skipped.clone(),
    });
    Ok(Snapshot {
        policy,
        skipped: assembly.skipped,
    })
}
